/* run() writes an output its descriptor does not declare. */
#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"points", RM_GEOM_POINT, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    rm_layer *l = api->output_vector(step, "secret");
    if (l) {
        api->begin_feature(l, 1);
        double xy[2] = {1, 2};
        api->add_part(l, xy, 1, NULL, 1);
    }
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "undeclared", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(undeclared, fill)
