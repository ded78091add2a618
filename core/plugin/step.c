/*
 * Running a step: sets up the step state, runs the plugin in process or
 * through the forked child under its limits, then decides. A misuse of
 * the host table or a failed run becomes an error naming step and
 * plugin; otherwise every output is checked and only then handed to the
 * caller, so a step yields all its outputs or none. With logging at info
 * level, a step that succeeded logs its wall and CPU time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/host_api.h"
#include "plugin/step.h"
#include "routemap/layer.h"
#include "util/context_internal.h"
#include "util/util.h"

#define BUG_HINT "this is a bug in the plugin; report it to its author"

/* Turn the finished state into an error or a result. */
static int finish(rm_step *s, int run_rc, rm__step_result *out)
{
    const rm_plugin_desc *d = s->desc;
    char who[400];
    snprintf(who, sizeof who, "step '%s' (plugin %s %s)", s->step_id,
             d->name, d->version);
    if (s->misuse_code == RM_ENOMEM)
        return rm__error(s->ctx, RM_ENOMEM, NULL, "%s: %s", who,
                         s->misuse_msg ? s->misuse_msg : "out of memory");
    if (s->misuse_code != RM_OK)
        return rm__error(s->ctx, s->misuse_code, NULL, "%s: %s; its outputs "
                         "were discarded — " BUG_HINT, who,
                         s->misuse_msg ? s->misuse_msg : "misused the host");
    int code = s->fail_code != RM_OK ? s->fail_code : run_rc;
    if (code == RM_ECANCELLED)
        return rm__error(s->ctx, RM_ECANCELLED, NULL, "%s: cancelled", who);
    if (code == RM_ENOMEM)
        return rm__error(s->ctx, RM_ENOMEM, NULL, "%s: out of memory%s%s",
                         who, s->fail_msg ? ": " : "",
                         s->fail_msg ? s->fail_msg : "");
    if (code != RM_OK) {
        if (s->fail_msg && *s->fail_msg)
            return rm__error(s->ctx, RM_EPLUGIN_RUN, NULL, "%s: %s", who,
                             s->fail_msg);
        return rm__error(s->ctx, RM_EPLUGIN_RUN, NULL,
                         "%s: failed with code %d (%s) without saying why",
                         who, code, rm_strerror(code));
    }
    for (size_t i = 0; i < d->n_outputs; i++) {
        if (!s->outputs[i])
            continue;
        char *why = rm__step_check_output(&d->outputs[i], s->outputs[i]);
        if (why) {
            int rc = rm__error(s->ctx, RM_EPLUGIN_OUTPUT, NULL,
                               "%s: output '%s' is invalid: %s; its outputs "
                               "were discarded — " BUG_HINT,
                               who, d->outputs[i].name, why);
            free(why);
            return rc;
        }
    }
    /* Accept: move outputs and notes to the result. */
    out->layers = s->outputs;
    out->n = d->n_outputs;
    s->outputs = NULL;
    out->note_keys = s->note_keys;
    out->note_values = s->note_values;
    out->n_notes = s->n_notes;
    s->note_keys = s->note_values = NULL;
    s->n_notes = s->cap_notes = 0;
    return RM_OK;
}

rm__step_limits rm__step_limits_default(void)
{
    rm__step_limits l = {RM__STEP_TIMEOUT_DEFAULT_S,
                         RM__STEP_MEMORY_DEFAULT_MB};
    return l;
}

/* A child that ran out of memory under its limit: say which limit. */
static int out_of_memory(rm_step *s, int run_rc, const rm__step_limits *lim)
{
    if (!lim || lim->memory_mb == 0)
        return 0;
    return run_rc == RM_ENOMEM || s->fail_code == RM_ENOMEM ||
           s->misuse_code == RM_ENOMEM;
}

/* At info level: how long the step took, the plugin process's CPU
 * included (once reaped). */
static void log_time(rm_context *ctx, const rm_plugin_desc *d,
                     const char *step_id, int in_process,
                     const double start[2])
{
    double wall, cpu;
    rm__clock_now(&wall, &cpu);
    rm__isolate_settle();
    double unused;
    rm__clock_now(&unused, &cpu);
    rm_log(ctx, RM_LOG_INFO, "step '%s' (plugin %s %s, %s): %.1f ms, %.1f "
                             "ms CPU",
           step_id, d->name, d->version,
           in_process ? "in process" : "in a child process",
           1e3 * (wall - start[0]), 1e3 * (cpu - start[1]));
}

int rm__step_run_limited(rm_context *ctx, const rm_plugin_desc *desc,
                         const char *step_id, const rm__params *params,
                         const char *analysis_crs, rm_bbox area,
                         rm_progress_fn progress, void *progress_ud,
                         int in_process, const rm__step_limits *limits,
                         rm__step_result *out)
{
    memset(out, 0, sizeof *out);
    double start[2] = {0, 0};
    int timed = ctx->log_level >= RM_LOG_INFO;
    if (timed)
        rm__clock_now(&start[0], &start[1]);
    rm__step_limits defaults = rm__step_limits_default();
    const rm__step_limits *lim = limits ? limits : &defaults;
    rm_step s;
    int rc = rm__step_state_init(&s, ctx, desc, step_id, params,
                                 analysis_crs, area, progress, progress_ud);
    if (rc) {
        rm__step_state_free(&s);
        return rm__error(ctx, rc, NULL, "out of memory");
    }
    int run_rc = RM_OK;
    if (in_process)
        run_rc = rm__step_call_run(&s);
    else
        rc = rm__step_fork_run(&s, lim, &run_rc);
    if (rc == RM_OK && !in_process && out_of_memory(&s, run_rc, lim)) {
        const char *why = s.misuse_code == RM_ENOMEM ? s.misuse_msg
                                                      : s.fail_msg;
        rc = rm__error(ctx, RM_EPLUGIN_CRASH, NULL,
                       "step '%s' (plugin %s %s): exceeded memory_mb (%llu "
                       "MB): it ran out of memory%s%s; its outputs were "
                       "discarded — raise memory_mb for this step or give "
                       "it less data",
                       step_id, desc->name, desc->version,
                       (unsigned long long)lim->memory_mb, why ? ": " : "",
                       why ? why : "");
    } else if (rc == RM_OK) {
        rc = finish(&s, run_rc, out);
    }
    rm__step_state_free(&s);
    if (rc == RM_OK && timed)
        log_time(ctx, desc, step_id, in_process, start);
    return rc;
}

int rm__step_run(rm_context *ctx, const rm_plugin_desc *desc,
                 const char *step_id, const rm__params *params,
                 const char *analysis_crs, rm_bbox area,
                 rm_progress_fn progress, void *progress_ud, int in_process,
                 rm__step_result *out)
{
    return rm__step_run_limited(ctx, desc, step_id, params, analysis_crs,
                                area, progress, progress_ud, in_process,
                                NULL, out);
}

void rm__step_result_free(rm__step_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->layers && i < r->n; i++)
        rm_layer_destroy(r->layers[i]);
    free(r->layers);
    for (size_t i = 0; i < r->n_notes; i++) {
        free(r->note_keys[i]);
        free(r->note_values[i]);
    }
    free(r->note_keys);
    free(r->note_values);
    memset(r, 0, sizeof *r);
}
