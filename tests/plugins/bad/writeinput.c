/* run() casts away const and writes into its input layer. */
#include "fixture.h"

static const rm_param_desc PARAMS[] = {
    {"input", RM_PARAM_LAYER, NULL, NULL, 1, NAN, NAN, NULL, 0, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    rm_layer *in = (rm_layer *)api->param_layer(step, "input");
    api->add_field(in, "tampered", RM_FIELD_INT);
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "writeinput", run);
    out->params = PARAMS;
    out->n_params = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(writeinput, fill)
