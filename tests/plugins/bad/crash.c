/* run() dies of a segmentation fault (only ever run in a child). */
#include <signal.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    raise(SIGSEGV);
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "crash", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(crash, fill)
