/* A default (100) above the parameter's maximum (10). */
#include "fixture.h"

static const rm_param_desc PARAMS[] = {
    {"count", RM_PARAM_INT, NULL, "100", 0, 1, 10, NULL, 0, NULL},
};

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "badbounds", NULL);
    out->params = PARAMS;
    out->n_params = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(badbounds, fill)
