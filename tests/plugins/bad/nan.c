/* run() writes a point with a NaN coordinate. */
#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"points", RM_GEOM_POINT, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    rm_layer *l = api->output_vector(step, "points");
    double good[2] = {10, 20};
    double bad[2] = {NAN, 5};
    api->begin_feature(l, 7);
    api->add_part(l, good, 1, NULL, 1);
    api->begin_feature(l, 8);
    api->add_part(l, bad, 1, NULL, 1);
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "nan", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(nan, fill)
