/* run() returns an error code without calling api->fail. */
#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    return RM_EDATA_EMPTY;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "silentfail", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(silentfail, fill)
