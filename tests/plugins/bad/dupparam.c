/* Two parameters of the same name. */
#include "fixture.h"

static const rm_param_desc PARAMS[] = {
    {"radius", RM_PARAM_REAL, NULL, NULL, 0, NAN, NAN, NULL, 0, NULL},
    {"radius", RM_PARAM_INT, NULL, NULL, 0, NAN, NAN, NULL, 0, NULL},
};

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "dupparam", NULL);
    out->params = PARAMS;
    out->n_params = 2;
    return RM_OK;
}

RM_PLUGIN_DEFINE(dupparam, fill)
