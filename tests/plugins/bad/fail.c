/* run() fails through api->fail with its own message. */
#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    return api->fail(step, RM_EPLUGIN_RUN, "no tracks cross the line %s",
                     "L1");
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "fail", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(fail, fill)
