/*
 * The state of one hotspots run, shared by the entry (hotspots.c), the
 * steps that need the host (inputs.c) and the writers (output.c). It
 * lives only during `run`; everything it points to is freed at the end.
 */
#ifndef RM_PLUGIN_HOTSPOTS_RUN_H
#define RM_PLUGIN_HOTSPOTS_RUN_H

#include <routemap/errors.h>
#include <routemap/plugin.h>

#include "hs.h"

typedef struct hs_run {
    const rm_host_api *api;
    rm_step *step;

    /* incidents, one per point coordinate */
    size_t n;
    double *xy;      /* 2n, analysis CRS */
    double *w;       /* n weights, or NULL */
    int64_t *t;      /* n times, ms since 1970, or NULL */
    uint8_t *has_t;  /* n: 1 where the time is known */
    uint8_t *keep;   /* n: in the study area and in the training set */
    uint8_t *later;  /* n: in the study area and in the holdout set */
    size_t n_keep, n_later, n_no_time, n_outside;
    int use_weight;

    /* study area */
    double box[4];   /* bounding box, m */
    double area_m2;
    hs_zone *zone;   /* NULL without zone */
    const char *area_from;

    /* lattice and cells */
    hs_cells cells;
    hs_stencil st;
    double cell_m, band_m;
    char cell_how[400], band_how[600];
    double *x;       /* dense values */
    double *z, *p, *q, *psim; /* per member */
    int64_t *nb;
    int *cls;
    int perms;
    size_t n_nonempty;

    /* metrics */
    hs_nni nni;
    int nni_ok;
    hs_moran moran;
    int moran_ok;
    double pai, pai_hit_rate, pai_area_rate;
    size_t pai_hits;
    int has_pai;

    /* kde */
    double kde_bw, kde_cell;
    char kde_how[300];

    /* trends */
    size_t T;
    int64_t t_end;   /* ms, exclusive end of the last step */
    double step_ms;
    double *zst;     /* T * members */
    double *mk_tau, *mk_p, *mk_s;
    int *trend;
} hs_run;

/* Read incidents, weights and times; set keep/later by time. */
int hs_read_incidents(hs_run *r);
/* The study area: zone band, briefing area, `area` or the extent. */
int hs_study_area(hs_run *r);
/* Write every output and the manifest notes. */
int hs_write_outputs(hs_run *r);
/* Conventions text (also in the plugin help). */
extern const char HS_CONVENTIONS[];

#endif
