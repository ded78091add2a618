/* Notes the CPUs its process may run on ("cpus": "0,1,..."): a plugin's
 * process must be allowed the host's CPUs, whichever one it starts on. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <sched.h>
#include <stdio.h>

#include "fixture.h"

static int run(const rm_host_api *api, rm_step *step)
{
    cpu_set_t set;
    char text[1024] = "";
    size_t len = 0;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return api->fail(step, RM_EPLUGIN_RUN, "sched_getaffinity failed");
    for (int c = 0; c < CPU_SETSIZE && len + 8 < sizeof text; c++)
        if (CPU_ISSET(c, &set))
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%d",
                                    len ? "," : "", c);
    api->manifest_note(step, "cpus", text);
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "cpus", run);
    return RM_OK;
}

RM_PLUGIN_DEFINE(cpus, fill)
