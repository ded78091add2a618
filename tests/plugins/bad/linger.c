/* run() starts a helper process that holds the host's pipe open and never
 * ends, prints a line to stdout without flushing it, logs both process
 * ids, then returns normally: the step must succeed at once, the line
 * must come out, and neither process may outlive the step. */
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    pid_t helper = fork();
    if (helper == 0)
        for (;;)
            pause();
    fputs("linger printed this", stdout);
    api->log(step, RM_PLUGIN_LOG_WARN, "helper %ld", (long)helper);
    api->log(step, RM_PLUGIN_LOG_WARN, "self %ld", (long)getpid());
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "linger", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(linger, fill)
