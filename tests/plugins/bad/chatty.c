/* Reports progress 100,000 times in a row, ending at 0.75 (never 1): in a
 * child process the host must get the first fraction, the last, and few
 * in between. */
#include "fixture.h"

#define CALLS 100000

static int run(const rm_host_api *api, rm_step *step)
{
    for (int k = 1; k <= CALLS; k++)
        api->progress(step, 0.75 * k / CALLS);
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "chatty", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(chatty, fill)
