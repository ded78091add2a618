/* run() never returns: it sleeps forever (and starts a helper process
 * that would too), so only the step's timeout_s ends it. */
#include <sys/types.h>
#include <unistd.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    pid_t helper = fork();
    if (helper == 0)
        for (;;)
            pause();
    api->log(step, RM_PLUGIN_LOG_WARN, "helper %ld", (long)helper);
    for (;;)
        pause();
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "hang", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(hang, fill)
