/*
 * The state of one corridors run, shared by the entry (corridors.c), the
 * steps that read the host's layers (inputs.c, friction.c) and the two
 * methods (leastcost.c, observed.c). It lives only during `run`; every
 * array it points to is freed by run_free.
 */
#ifndef RM_PLUGIN_CORRIDORS_RUN_H
#define RM_PLUGIN_CORRIDORS_RUN_H

#include <routemap/errors.h>
#include <routemap/plugin.h>

#include "cr.h"

/* Bits of run.flags, one byte per cell. */
#define CR_F_BARRIER 1u
#define CR_F_ROAD 2u
#define CR_F_BORDER 4u

typedef struct cr_cellset {
    uint32_t *cell; /* flat cell indices, possibly repeated */
    uint32_t *feat; /* feature row of each entry */
    size_t n, cap;
} cr_cellset;

typedef struct cr_run {
    const rm_host_api *api;
    rm_step *step;
    cr_grid g;
    char grid_how[200];
    int neighbours;
    float *fric;    /* friction per cell, NaN at barriers */
    uint8_t *flags; /* CR_F_* per cell, NULL without vector modifiers */
    double t0;      /* start, s (monotonic clock) */
} cr_run;

/* Monotonic clock in seconds. */
double cr_now(void);

/* Fail the step with RM_ENOMEM naming `what`. */
int cr_nomem(cr_run *R, const char *what);

/* Nonzero (and the step failed as cancelled) when the user stopped. */
int cr_cancelled(cr_run *R);

/* Tick for cr_accumulate: progress within [lo, hi] and cancellation. */
typedef struct cr_tick {
    cr_run *R;
    double lo, hi;
} cr_tick;
int cr_tick_cb(void *ud, size_t settled);

/* ---- inputs.c ---------------------------------------------------------- */

/* Append the cells of every feature of `l` (points, lines, polygons). */
int cr_layer_cells(cr_run *R, const rm_layer *l, cr_cellset *out);
void cr_cellset_free(cr_cellset *s);

/* Set `bit` in R->flags on every cell of every feature of `l`; polygons
 * give only their outline when `outline` is set. */
int cr_layer_flag(cr_run *R, const rm_layer *l, uint8_t bit, int outline);

/* Label of feature `row` of `l` for messages and attributes: `field` if
 * given, else a "name" field, else "name_a-name_b", else the id role,
 * else "fid N". Writes into buf. */
const char *cr_feature_label(const rm_host_api *api, const rm_layer *l,
                             size_t row, const char *field, char *buf,
                             size_t size);

/* Choose the working grid from the parameters and inputs. */
int cr_choose_grid(cr_run *R);

/* ---- friction.c -------------------------------------------------------- */

/* Build R->fric (and R->flags) from rasters, base cost and modifiers. */
int cr_build_friction(cr_run *R);

/* ---- leastcost.c, observed.c ------------------------------------------- */

int cr_run_leastcost(cr_run *R);
int cr_run_observed(cr_run *R);

/* ---- output helpers (leastcost.c) -------------------------------------- */

/* Add the rings of one polygon set as parts of the current feature. */
int cr_add_rings(cr_run *R, rm_layer *l, const cr_rings *rings);

/* Create the 'corridors' output with its fields; cf gets their indices
 * (rank, method, cost, tolerance_pct, tracks, area_km2, cells). */
int cr_corridors_layer(cr_run *R, rm_layer **out, int *cf);

/* Cell centres of a path as a line part of the current feature. */
int cr_add_path(cr_run *R, rm_layer *l, const uint32_t *p, size_t n);

#endif
