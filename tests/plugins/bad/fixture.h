/*
 * Shared bits of the deliberately broken plugin fixtures: each fixture is
 * one tiny file that breaks one rule of the ABI, built as a module the
 * host's tests load. Fixtures use only the public plugin headers.
 */
#ifndef RM_TEST_FIXTURE_H
#define RM_TEST_FIXTURE_H

#include <math.h>
#include <stddef.h>

#include "routemap/errors.h"
#include "routemap/plugin.h"

static inline int fixture_run_nothing(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    return RM_OK;
}

/* A valid descriptor with no parameters and no outputs. */
static inline void fixture_desc(rm_plugin_desc *d, const char *name,
                         int (*run)(const rm_host_api *, rm_step *))
{
    rm_plugin_desc init = RM_PLUGIN_DESC_INIT;
    *d = init;
    d->name = name;
    d->version = "0.0.1";
    d->summary = "test fixture";
    d->license = "CC0-1.0";
    d->run = run ? run : fixture_run_nothing;
}

#endif
