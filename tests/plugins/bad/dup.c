/* A valid plugin built into two directories: the second is a duplicate. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "dup", NULL);
    return RM_OK;
}

RM_PLUGIN_DEFINE(dup, fill)
