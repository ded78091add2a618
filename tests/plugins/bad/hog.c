/* run() allocates and touches 1 MiB blocks without checking malloc, as a
 * runaway plugin would, until a NULL block kills it (the step's memory_mb
 * limit). It gives up by itself after 2 GiB, so a host that fails to
 * limit it is caught by the test instead of exhausting the machine. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define BLOCK (1u << 20)

static void *volatile keep; /* so the blocks stay live */

static int run(const rm_host_api *api, rm_step *step)
{
    void **blocks = NULL;
    for (size_t i = 0; i < 2048; i++) {
        void **next = malloc(BLOCK);
        memset(next, 1, BLOCK); /* NULL once the limit is reached */
        next[0] = blocks;
        blocks = next;
        keep = blocks;
    }
    return api->fail(step, RM_EPLUGIN_RUN, "allocated 2 GiB unhindered");
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "hog", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(hog, fill)
