/* File routemap-misnamed.so whose descriptor says 'other'. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "other", NULL);
    return RM_OK;
}

RM_PLUGIN_DEFINE(misnamed, fill)
