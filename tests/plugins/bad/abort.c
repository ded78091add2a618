/* run() aborts (only ever run in a child). */
#include <stdlib.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    abort();
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "abort", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(abort, fill)
