/*
 * The state of one briefing run, shared by its phases: the analysis CRS,
 * the layer catalog, what each input and step reported (for the manifest),
 * and the staging folder where outputs wait until the run succeeds.
 */
#ifndef RM_CORE_PIPELINE_RUN_STATE_H
#define RM_CORE_PIPELINE_RUN_STATE_H

#include "briefing_internal.h"
#include "catalog.h"
#include "routemap/io.h"

typedef struct rm__input_record {
    const rm__spec_layer *spec;
    char *source;        /* resolved path or connection string */
    rm_read_report report;
} rm__input_record;

typedef struct rm__step_record {
    char *params_json;   /* resolved parameters as a JSON object */
    char *notes_json;    /* the plugin's manifest notes as a JSON object */
    char *outputs_json;  /* {"output": feature count or [w, h], ...} */
    int in_process;      /* the plugin ran in the host, not in a child */
    double timeout_s;    /* the limits it ran under (0: none) */
    uint64_t memory_mb;
} rm__step_record;

typedef struct rm__staged {
    char *staged;        /* file in the staging folder */
    char *target;        /* final path */
    char *shown;         /* path relative to the output folder */
} rm__staged;

typedef struct rm__run {
    rm_context *ctx;
    rm_briefing *b;
    const rm_run_options *opt;
    char *crs;           /* analysis CRS definition */
    char *crs_name;
    const char *crs_reason;
    rm_bbox area;        /* briefing area in the analysis CRS, or NaN */
    rm__catalog catalog;
    rm__input_record *inputs;
    rm__step_record *steps;
    char *out_dir;
    char *stage_dir;
    rm__staged *staged;
    size_t n_staged, cap_staged;
    char run_time[32];   /* ISO 8601 UTC */
} rm__run;

/** Load every briefing layer into the analysis CRS (chosen here). */
int rm__run_load_inputs(rm__run *r);
/** Run every step, adding outputs to the catalog as "step.output". */
int rm__run_steps(rm__run *r);
/** Write the exports (vector and raster) into the staging folder. */
int rm__run_exports(rm__run *r);
/** Render the pages into the staging folder. */
int rm__run_maps(rm__run *r);
/** Write manifest.json into the staging folder. */
int rm__run_manifest(rm__run *r);

/**
 * Reserve a staged file for output `rel` (relative to the output folder).
 * @param[out] out the staging path to write to (owned by the run).
 */
int rm__run_stage(rm__run *r, const char *rel, const char **out);

/**
 * Adopt a file already written inside the staging folder as the output
 * `rel` (relative to the output folder); it is moved with the others.
 */
int rm__run_adopt(rm__run *r, const char *staged_path, const char *rel);

#endif
