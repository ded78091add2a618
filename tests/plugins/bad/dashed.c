/* A valid plugin with a dash in its name: file routemap-my-thing.so,
 * entry rm_plugin_my_thing_init. */
#include "fixture.h"

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "my-thing", NULL);
    return RM_OK;
}

RM_PLUGIN_DEFINE(my_thing, fill)
