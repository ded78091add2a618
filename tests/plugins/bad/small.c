/* Reports a descriptor of 16 bytes, smaller than any ABI 1.x one. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "small", NULL);
    out->size = 16;
    return RM_OK;
}

RM_PLUGIN_DEFINE(small, fill)
