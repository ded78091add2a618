/* An output name with upper case and a dash. */
#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"Buffers-Out", RM_GEOM_POLYGON, NULL},
};

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "badoutput", NULL);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(badoutput, fill)
