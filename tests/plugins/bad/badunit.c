/* A distance in miles, a unit the host does not know. */
#include "fixture.h"

static const rm_param_desc PARAMS[] = {
    {"reach", RM_PARAM_DISTANCE, "miles", NULL, 0, NAN, NAN, NULL, 0, NULL},
};

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "badunit", NULL);
    out->params = PARAMS;
    out->n_params = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(badunit, fill)
