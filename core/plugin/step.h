/*
 * Running one analysis step: the plugin's run() in this process or in a
 * forked child under time and memory limits, then the checks every output
 * must pass before the host accepts it. A step either returns all its
 * checked outputs and notes, or an error naming the step, the plugin and
 * the cause, and nothing else.
 */
#ifndef RM_CORE_PLUGIN_STEP_H
#define RM_CORE_PLUGIN_STEP_H

#include "plugin/params.h"
#include "routemap/pipeline.h"
#include "routemap/plugin.h"

/* Limits of a step, briefing keys `timeout_s` and `memory_mb` (README,
 * "Plugin isolation"). */
#define RM__STEP_TIMEOUT_DEFAULT_S 1800.0  /* 30 minutes */
#define RM__STEP_TIMEOUT_MAX_S 604800.0    /* a week */
#define RM__STEP_MEMORY_DEFAULT_MB 4096u   /* 4 GiB */
#define RM__STEP_MEMORY_MIN_MB 16u
#define RM__STEP_MEMORY_MAX_MB 1048576u    /* 1 TiB */

/**
 * What a step run in a child process may use. Not enforced in process
 * (--in-process is for debugging).
 */
typedef struct rm__step_limits {
    double timeout_s;   /* wall-clock seconds from start to the last
                           output; 0: no limit */
    uint64_t memory_mb; /* MiB of address space the plugin process may
                           add to what the host had mapped when it
                           started; 0: no limit */
} rm__step_limits;

/** The documented defaults. */
rm__step_limits rm__step_limits_default(void);

typedef struct rm__step_result {
    rm_layer **layers; /* in declared output order, NULL for outputs the
                          plugin did not create */
    size_t n;
    char **note_keys, **note_values;
    size_t n_notes;
} rm__step_result;

/**
 * Run `desc`'s plugin as step `step_id` with resolved `params`. Outputs
 * are named "<output>" (the pipeline adds the step prefix) and carry
 * `analysis_crs`. With in_process == 0 the plugin runs in a forked child
 * (the inputs are shared copy-on-write, outputs come back serialized)
 * under the default limits, so a crash, a hang or a runaway allocation
 * becomes an error instead of taking the host down.
 * @param[out] out caller frees with rm__step_result_free (zeroed on
 *             error).
 * @return RM_OK; RM_EPLUGIN_RUN (the plugin failed, with its message),
 *         RM_EPLUGIN_OUTPUT (an output broke the rules),
 *         RM_EPLUGIN_CRASH (the child died), RM_ECANCELLED or RM_ENOMEM.
 */
int rm__step_run(rm_context *ctx, const rm_plugin_desc *desc,
                 const char *step_id, const rm__params *params,
                 const char *analysis_crs, rm_bbox area,
                 rm_progress_fn progress, void *progress_ud, int in_process,
                 rm__step_result *out);

/**
 * rm__step_run with explicit limits (NULL: the defaults). A child that
 * gives no answer within `timeout_s` is killed (with anything it started)
 * and the step fails with RM_EPLUGIN_CRASH, "no answer after N s
 * (timeout_s)"; a child that runs out of memory under `memory_mb` (an
 * allocation fails, or it crashes having reached the limit) fails with
 * RM_EPLUGIN_CRASH, "exceeded memory_mb".
 */
int rm__step_run_limited(rm_context *ctx, const rm_plugin_desc *desc,
                         const char *step_id, const rm__params *params,
                         const char *analysis_crs, rm_bbox area,
                         rm_progress_fn progress, void *progress_ud,
                         int in_process, const rm__step_limits *limits,
                         rm__step_result *out);

/**
 * Wait until every plugin process that finished a step has been reaped
 * (they are reaped on threads aside, while the host goes on): only
 * needed to count their CPU time (RUSAGE_CHILDREN).
 */
void rm__isolate_settle(void);

/** Free a result; a zeroed result is fine. */
void rm__step_result_free(rm__step_result *r);

/**
 * Check one output layer against its declaration: geometry type, finite
 * coordinates, well-formed parts (points of 1 coordinate, lines of 2 or
 * more, closed rings of 4 or more, each polygon starting with an exterior
 * ring), consistent columns, positive raster size.
 * @return NULL when valid, else a malloc'ed description of the first
 *         violation.
 */
char *rm__step_check_output(const rm_output_desc *od, const rm_layer *l);

#endif
