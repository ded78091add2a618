/* Its entry function reports failure. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    (void)out;
    return RM_EINVAL;
}

RM_PLUGIN_DEFINE(initfail, fill)
