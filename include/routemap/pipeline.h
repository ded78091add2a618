/*
 * Briefings and one-off analyses. A briefing (YAML) names its layers,
 * analysis steps, map pages and outputs; rm_briefing_run loads the layers
 * into the analysis CRS, runs the steps, writes the exports, the maps and
 * manifest.json, each atomically.
 */
#ifndef ROUTEMAP_PIPELINE_H
#define ROUTEMAP_PIPELINE_H

#include "common.h"
#include "context.h"
#include "registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rm_briefing rm_briefing;

/**
 * Parse a briefing file. Errors carry file:line:column.
 * @param[out] out caller frees with rm_briefing_destroy.
 */
RM_EXTERN int rm_briefing_load(rm_context *ctx, rm_briefing **out,
                               const char *path);

/** rm_briefing_destroy(NULL) is a no-op. */
RM_EXTERN void rm_briefing_destroy(rm_briefing *b);

/**
 * Check everything that can be checked without reading data: plugins
 * exist, every step parameter matches its plugin's schema, references to
 * layers and step outputs resolve.
 */
RM_EXTERN int rm_briefing_check(rm_context *ctx, rm_briefing *b,
                                rm_registry *reg);

/** Progress of a run: a step name and a fraction in [0, 1]. */
typedef void (*rm_progress_fn)(void *userdata, const char *what,
                               double fraction);

#define RM_RUN_OPTIONS_VERSION 1

typedef struct rm_run_options {
    uint32_t version;       /**< RM_RUN_OPTIONS_VERSION */
    const char *out_dir;    /**< NULL: the briefing's folder */
    int in_process;         /**< 1: run plugins in this process */
    rm_progress_fn progress;
    void *progress_userdata;
} rm_run_options;

#define RM_RUN_OPTIONS_INIT {RM_RUN_OPTIONS_VERSION, NULL, 0, NULL, NULL}

/** Check, load, run, export, render and write the manifest. */
RM_EXTERN int rm_briefing_run(rm_context *ctx, rm_briefing *b,
                              rm_registry *reg, const rm_run_options *opt);

#define RM_ANALYZE_OPTIONS_VERSION 2

/** A one-off analysis without a briefing (`routemap analyze`). */
typedef struct rm_analyze_options {
    uint32_t version;           /**< RM_ANALYZE_OPTIONS_VERSION */
    const char *plugin;         /**< plugin name */
    const char *const *inputs;  /**< "NAME=SOURCE" */
    size_t n_inputs;
    const char *const *sets;    /**< "PARAM=VALUE" (lists comma-separated) */
    size_t n_sets;
    const char *crs;            /**< analysis CRS; NULL: auto from inputs */
    const char *output;         /**< GeoPackage path */
    int in_process;
    double timeout_s;   /**< seconds the plugin process may take, at most
                             604800; 0: the default, 1800 */
    uint64_t memory_mb; /**< MiB the plugin process may allocate, 16 to
                             1048576; 0: the default, 4096 */
    /** The time the output records as its data's last change, as
     * rm_write_options.timestamp ("2026-09-30T12:00:00.000Z"): the same
     * analysis of the same inputs then gives the same file; NULL: the
     * time of writing. (Since version 2.) */
    const char *timestamp;
} rm_analyze_options;

#define RM_ANALYZE_OPTIONS_INIT                                              \
    {RM_ANALYZE_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0, NULL, NULL, 0, 0,    \
     0, NULL}

RM_EXTERN int rm_analyze(rm_context *ctx, rm_registry *reg,
                         const rm_analyze_options *opt);

#ifdef __cplusplus
}
#endif
#endif
