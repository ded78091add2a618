/* run() asks for a parameter its descriptor does not declare. */
#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api->param_real(step, "nope");
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "undeclparam", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(undeclparam, fill)
