/* run() starts a helper process that holds the host's pipe open and never
 * ends, then returns normally: the step must succeed at once and the
 * helper must not outlive it. */
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
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "linger", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(linger, fill)
