/* An enum default that is not among its choices. */
#include "fixture.h"

static const rm_param_desc PARAMS[] = {
    {"shape", RM_PARAM_ENUM, NULL, "circle", 0, NAN, NAN, "hex|square", 0,
     NULL},
};

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "badenum", NULL);
    out->params = PARAMS;
    out->n_params = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(badenum, fill)
