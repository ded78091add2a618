/*
 * The state of a running step as the host table sees it (struct rm_step)
 * and access to the one host table. Only the plugin host's files include
 * this; plugins see rm_step as an opaque handle.
 */
#ifndef RM_CORE_PLUGIN_HOST_API_H
#define RM_CORE_PLUGIN_HOST_API_H

#include "plugin/params.h"
#include "routemap/pipeline.h"
#include "routemap/plugin.h"

struct rm_step {
    rm_context *ctx;
    const rm_plugin_desc *desc;
    const char *step_id;
    const rm__params *params;
    const char *crs; /* analysis CRS definition, never NULL */
    rm_bbox area;    /* in the analysis CRS; NaN box when none */
    rm_progress_fn progress;
    void *progress_ud;

    rm_layer **outputs; /* desc->n_outputs, NULL until created */
    int *shared_fd;     /* in a child: per output, a shared memory file
                           for a raster's cells (-1: none); else NULL */
    char **note_keys, **note_values;
    size_t n_notes, cap_notes;

    int fail_code;  /* from api->fail, RM_OK when not called */
    char *fail_msg;
    int misuse_code; /* first misuse of the table the host saw */
    char *misuse_msg;

    /* Where log lines and progress go; a forked child sends them to its
     * parent instead of the context. */
    void (*emit_log)(rm_step *step, int level, const char *msg);
    void (*emit_progress)(rm_step *step, double fraction);
};

/** The host table handed to every plugin (static lifetime). */
const rm_host_api *rm__host_api(void);

/**
 * Initialise a step's state (outputs array included); the emitters go to
 * the context's logger and the progress function.
 */
int rm__step_state_init(rm_step *s, rm_context *ctx,
                        const rm_plugin_desc *desc, const char *step_id,
                        const rm__params *params, const char *crs,
                        rm_bbox area, rm_progress_fn progress, void *ud);

/** Free everything the state still owns (outputs, notes, messages). */
void rm__step_state_free(rm_step *s);

/** Run the plugin's `run` with this step as the current one. */
int rm__step_call_run(rm_step *s);

struct rm__step_limits;

/**
 * Run the plugin in a forked child that sends its outputs, notes, log
 * lines and progress back through a pipe; the state is filled as if the
 * plugin had run here. The child runs under `limits` (NULL: none).
 * @param[out] out_rc what run() returned.
 * @return RM_OK when the child finished and reported, else an error on
 *         the context (RM_EPLUGIN_CRASH for a signal, a bad exit, a
 *         timeout or the memory limit, RM_EPLUGIN_OUTPUT for undecodable
 *         results).
 */
int rm__step_fork_run(rm_step *s, const struct rm__step_limits *limits,
                      int *out_rc);

/** Record a misuse of the host table (the first one is kept). */
void rm__step_misuse(rm_step *s, int code, const char *fmt, ...)
    RM__PRINTF(3, 4);

/** Add a note to the state (copies). @return RM_OK or RM_ENOMEM. */
int rm__step_add_note(rm_step *s, const char *key, const char *value);

#endif
