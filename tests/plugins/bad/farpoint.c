/*
 * run() writes into every pipe it can find a message saying its output
 * waits in its memory at an address where nothing is mapped, as a plugin
 * that forges the host's protocol might (child only; the layout is
 * isolate_wire.h's MSG_REMOTE: type 8, output 0, a 2 MiB layer at 0x1000,
 * big enough for a host with a CPU to spare to decode it on a thread).
 */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"points", RM_GEOM_POINT, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    const uint32_t head[4] = {8, 0, 24, 0}; /* type, output, length */
    const uint64_t body[3] = {2u << 20, 0x1000, 2u << 20};
    for (int fd = 3; fd < 256; fd++) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
            (void)!write(fd, head, sizeof head);
            (void)!write(fd, body, sizeof body);
        }
    }
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "farpoint", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(farpoint, fill)
