/* run() ends its process with status 3 (only ever run in a child). */
#include <unistd.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    _exit(3);
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "exit", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(exit, fill)
