/* Claims plugin ABI 1.9, newer than the host's 1.0. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "abinewer", NULL);
    out->abi_minor = 9;
    return RM_OK;
}

RM_PLUGIN_DEFINE(abinewer, fill)
