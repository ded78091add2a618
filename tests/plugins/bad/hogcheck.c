/* run() allocates 1 MiB blocks until malloc fails, then reports it with
 * RM_ENOMEM as a careful plugin does; under memory_mb that is the limit.
 * It gives up by itself after 2 GiB. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define BLOCK (1u << 20)

static int run(const rm_host_api *api, rm_step *step)
{
    void **blocks = NULL;
    int rc = RM_OK;
    for (size_t i = 0; i < 2048 && rc == RM_OK; i++) {
        void **next = malloc(BLOCK);
        if (!next) {
            rc = api->fail(step, RM_ENOMEM, "no memory for block %zu", i);
            break;
        }
        memset(next, 1, BLOCK);
        next[0] = blocks;
        blocks = next;
    }
    while (blocks) {
        void **prev = blocks[0];
        free(blocks);
        blocks = prev;
    }
    if (rc == RM_OK)
        return api->fail(step, RM_EPLUGIN_RUN, "allocated 2 GiB unhindered");
    return rc;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "hogcheck", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(hogcheck, fill)
