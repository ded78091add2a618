/* Claims plugin ABI 2.0, which this host does not support. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "abi2", NULL);
    out->abi_major = 2;
    return RM_OK;
}

RM_PLUGIN_DEFINE(abi2, fill)
