/* A parameter name with an upper-case letter. */
#include "fixture.h"

static const rm_param_desc PARAMS[] = {
    {"Distance", RM_PARAM_REAL, NULL, NULL, 0, NAN, NAN, NULL, 0, NULL},
};

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "badname", NULL);
    out->params = PARAMS;
    out->n_params = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(badname, fill)
