/* A descriptor without a run function. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "norun", NULL);
    out->run = NULL;
    return RM_OK;
}

RM_PLUGIN_DEFINE(norun, fill)
