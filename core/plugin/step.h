/*
 * Running one analysis step: the plugin's run() in this process or in a
 * forked child, then the checks every output must pass before the host
 * accepts it. A step either returns all its checked outputs and notes, or
 * an error naming the step, the plugin and the cause, and nothing else.
 */
#ifndef RM_CORE_PLUGIN_STEP_H
#define RM_CORE_PLUGIN_STEP_H

#include "plugin/params.h"
#include "routemap/pipeline.h"
#include "routemap/plugin.h"

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
 * (the inputs are shared copy-on-write, outputs come back serialized), so
 * a crash becomes an error instead of taking the host down.
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
