/* File routemap-noentry.so exports the entry of another name. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "noentry", NULL);
    return RM_OK;
}

RM_PLUGIN_DEFINE(something_else, fill)
