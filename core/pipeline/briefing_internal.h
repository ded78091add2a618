/*
 * The inside of rm_briefing: the parsed spec plus what checking it against
 * the plugin registry found (each step's plugin and its parameters
 * resolved without data). Shared by the briefing's load, check and run.
 */
#ifndef RM_CORE_PIPELINE_BRIEFING_INTERNAL_H
#define RM_CORE_PIPELINE_BRIEFING_INTERNAL_H

#include "plugin/params.h"
#include "routemap/pipeline.h"
#include "spec.h"

struct rm_briefing {
    rm__spec *spec;
    int checked;
    const rm_plugin_desc **plugins; /* per step, after check */
    const char **plugin_paths;      /* per step, after check */
};

/** Raw parameters of a step, for rm__params_resolve (owned arrays). */
typedef struct rm__step_raw {
    rm__raw_param *params;
    size_t n;
} rm__step_raw;

int rm__step_raw_from_spec(const rm__spec *s, const rm__spec_step *step,
                           rm__step_raw *out);
void rm__step_raw_free(rm__step_raw *r);

/** Run the briefing (after check): the body of rm_briefing_run. */
int rm__briefing_execute(rm_context *ctx, rm_briefing *b, rm_registry *reg,
                         const rm_run_options *opt);

#endif
