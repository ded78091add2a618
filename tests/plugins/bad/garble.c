/*
 * run() writes a bogus message into every pipe it can find, as a plugin
 * that corrupts memory or descriptors might (child only).
 */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    const uint32_t junk[4] = {99, 0, 0, 0};
    for (int fd = 3; fd < 256; fd++) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
            (void)!write(fd, junk, sizeof junk);
    }
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "garble", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(garble, fill)
