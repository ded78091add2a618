/* run() writes a polygon ring of three coordinates. */
#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"zones", RM_GEOM_POLYGON, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    static const double ring[] = {0, 0, 10, 0, 0, 0};
    rm_layer *l = api->output_vector(step, "zones");
    api->begin_feature(l, 3);
    api->add_part(l, ring, 3, NULL, 1);
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "badring", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(badring, fill)
