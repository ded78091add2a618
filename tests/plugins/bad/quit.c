/* run() ends its process with status 0 before returning (child only). */
#include <unistd.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    _exit(0);
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "quit", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(quit, fill)
