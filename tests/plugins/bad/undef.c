/* Needs a symbol nothing defines: dlopen(RTLD_NOW) fails. */
#include "fixture.h"

extern int rm_fixture_symbol_nobody_defines(void);

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "undef", NULL);
    return rm_fixture_symbol_nobody_defines();
}

RM_PLUGIN_DEFINE(undef, fill)
