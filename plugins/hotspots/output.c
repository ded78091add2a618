/*
 * Writing a hotspots run: the cells, trends, zone and metrics layers, the
 * kernel density raster, and manifest notes for every convention and every
 * automatic choice. Field names are part of the plugin's contract (see
 * the descriptor); nothing here computes statistics except the KDE call.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define MAX_RASTER 100000000LL

/* Field adder that remembers the first failure. */
typedef struct writer {
    const rm_host_api *api;
    rm_layer *l;
    int rc;
} writer;

static int field(writer *w, const char *name, rm_field_type t)
{
    if (w->rc < 0)
        return -1;
    int f = w->api->add_field(w->l, name, t);
    if (f < 0)
        w->rc = f;
    return f;
}

static void real(writer *w, int f, double v)
{
    if (w->rc >= 0 && !isnan(v)) {
        int rc = w->api->set_real(w->l, f, v);
        if (rc < 0)
            w->rc = rc;
    }
}

static void integer(writer *w, int f, int64_t v)
{
    if (w->rc >= 0) {
        int rc = w->api->set_int(w->l, f, v);
        if (rc < 0)
            w->rc = rc;
    }
}

static void text(writer *w, int f, const char *v)
{
    if (w->rc >= 0) {
        int rc = w->api->set_string(w->l, f, v);
        if (rc < 0)
            w->rc = rc;
    }
}

static void cell_feature(writer *w, const hs_cells *c, size_t k)
{
    int64_t i = c->list[k];
    int64_t q = c->L.q0 + i % c->L.w, r = c->L.r0 + i / c->L.w;
    double ring[14];
    int n = hs_lattice_ring(&c->L, q, r, ring);
    if (w->rc < 0)
        return;
    int64_t row = w->api->begin_feature(w->l, (int64_t)k + 1);
    if (row < 0) {
        w->rc = (int)row;
        return;
    }
    int rc = w->api->add_part(w->l, ring, (size_t)n, NULL, 1);
    if (rc < 0)
        w->rc = rc;
}

static int write_cells(hs_run *r)
{
    const rm_host_api *api = r->api;
    rm_layer *l = api->output_vector(r->step, "cells");
    if (!l)
        return RM_ENOMEM;
    writer w = {api, l, 0};
    int f_q = field(&w, "q", RM_FIELD_INT), f_r = field(&w, "r", RM_FIELD_INT);
    int f_cx = field(&w, "cx", RM_FIELD_REAL);
    int f_cy = field(&w, "cy", RM_FIELD_REAL);
    int f_count = field(&w, "count", RM_FIELD_INT);
    int f_weight = field(&w, "weight", RM_FIELD_REAL);
    int f_z = field(&w, "gi_z", RM_FIELD_REAL);
    int f_p = field(&w, "gi_p", RM_FIELD_REAL);
    int f_q2 = field(&w, "gi_q", RM_FIELD_REAL);
    int f_cls = field(&w, "gi_class", RM_FIELD_INT);
    int f_n = field(&w, "gi_n", RM_FIELD_INT);
    int f_ps = r->psim ? field(&w, "gi_psim", RM_FIELD_REAL) : -1;
    const hs_cells *c = &r->cells;
    for (size_t k = 0; k < c->n && w.rc >= 0; k++) {
        int64_t i = c->list[k];
        int64_t q = c->L.q0 + i % c->L.w, rr = c->L.r0 + i / c->L.w;
        double cx, cy;
        hs_lattice_centre(&c->L, q, rr, &cx, &cy);
        cell_feature(&w, c, k);
        integer(&w, f_q, q);
        integer(&w, f_r, rr);
        real(&w, f_cx, cx);
        real(&w, f_cy, cy);
        integer(&w, f_count, c->count[i]);
        real(&w, f_weight, c->weight[i]);
        real(&w, f_z, r->z[k]);
        real(&w, f_p, r->p[k]);
        real(&w, f_q2, r->q[k]);
        integer(&w, f_cls, r->cls[k]);
        integer(&w, f_n, r->nb[k]);
        if (r->psim)
            real(&w, f_ps, r->psim[k]);
    }
    return w.rc < 0 ? w.rc : RM_OK;
}

static int write_trends(hs_run *r)
{
    if (!r->T)
        return RM_OK;
    const rm_host_api *api = r->api;
    rm_layer *l = api->output_vector(r->step, "trends");
    if (!l)
        return RM_ENOMEM;
    writer w = {api, l, 0};
    int f_cx = field(&w, "cx", RM_FIELD_REAL);
    int f_cy = field(&w, "cy", RM_FIELD_REAL);
    int f_t = field(&w, "trend", RM_FIELD_STRING);
    int f_code = field(&w, "trend_code", RM_FIELD_INT);
    int f_tau = field(&w, "mk_tau", RM_FIELD_REAL);
    int f_p = field(&w, "mk_p", RM_FIELD_REAL);
    int f_s = field(&w, "mk_s", RM_FIELD_REAL);
    int f_fz = field(&w, "final_z", RM_FIELD_REAL);
    int f_steps = field(&w, "steps", RM_FIELD_INT);
    const hs_cells *c = &r->cells;
    size_t N = c->n;
    for (size_t k = 0; k < N && w.rc >= 0; k++) {
        int64_t i = c->list[k];
        double cx, cy;
        hs_lattice_centre(&c->L, c->L.q0 + i % c->L.w, c->L.r0 + i / c->L.w,
                          &cx, &cy);
        cell_feature(&w, c, k);
        real(&w, f_cx, cx);
        real(&w, f_cy, cy);
        text(&w, f_t, hs_eh_name(r->trend[k]));
        integer(&w, f_code, r->trend[k]);
        real(&w, f_tau, r->mk_tau[k]);
        real(&w, f_p, r->mk_p[k]);
        real(&w, f_s, r->mk_s[k]);
        real(&w, f_fz, r->zst[(r->T - 1) * N + k]);
        integer(&w, f_steps, (int64_t)r->T);
    }
    return w.rc < 0 ? w.rc : RM_OK;
}

static int write_zone(hs_run *r)
{
    if (!r->zone)
        return RM_OK;
    const rm_host_api *api = r->api;
    double *xy;
    int64_t *off;
    uint8_t *outer;
    size_t nr;
    if (hs_zone_rings(r->zone, &xy, &off, &outer, &nr))
        return RM_ENOMEM;
    rm_layer *l = api->output_vector(r->step, "zone");
    int rc = l ? RM_OK : RM_ENOMEM;
    int f_km = rc ? -1 : api->add_field(l, "zone_km", RM_FIELD_REAL);
    int f_a = rc ? -1 : api->add_field(l, "area_km2", RM_FIELD_REAL);
    if (!rc && (f_km < 0 || f_a < 0))
        rc = RM_ENOMEM;
    if (!rc && nr > 0) {
        int64_t row = api->begin_feature(l, 1);
        rc = row < 0 ? (int)row : RM_OK;
        for (size_t k = 0; !rc && k < nr; k++)
            rc = api->add_part(l, xy + 2 * off[k],
                               (size_t)(off[k + 1] - off[k]), NULL,
                               outer[k]);
        if (!rc)
            rc = api->set_real(l, f_km, api->param_real(r->step, "zone_km"));
        if (!rc)
            rc = api->set_real(l, f_a, r->area_m2 / 1e6);
    }
    free(xy);
    free(off);
    free(outer);
    return rc;
}

static int write_kde(hs_run *r)
{
    const rm_host_api *api = r->api;
    if (!api->param_bool(r->step, "kde"))
        return RM_OK;
    const char *kn = api->param_string(r->step, "kernel");
    hs_kernel kernel = kn && strcmp(kn, "gaussian") == 0 ? HS_GAUSSIAN
                                                        : HS_QUARTIC;
    double bw;
    if (api->param_is_set(r->step, "bandwidth_km")) {
        bw = api->param_real(r->step, "bandwidth_km") * 1000.0;
        snprintf(r->kde_how, sizeof r->kde_how, "given");
    } else {
        bw = hs_kde_bandwidth(r->xy, r->keep, r->n);
        if (!(bw > 0))
            return api->fail(r->step, RM_EDATA_EMPTY,
                             "bandwidth_km: the incidents are too few or "
                             "all at one place to choose a bandwidth; set "
                             "bandwidth_km");
        snprintf(r->kde_how, sizeof r->kde_how,
                 "Silverman's rule adapted to space (ArcGIS Kernel "
                 "Density): 0.9 min(SD, sqrt(1/ln 2) Dm) n^-0.2 over %zu "
                 "incidents",
                 r->n_keep);
    }
    double ox = r->cells.L.ox, oy = r->cells.L.oy;
    double cell;
    if (api->param_is_set(r->step, "kde_cell_km")) {
        cell = api->param_real(r->step, "kde_cell_km") * 1000.0;
    } else {
        cell = fmin(r->box[2] - r->box[0], r->box[3] - r->box[1]) / 250.0;
    }
    double x0 = ox + floor((r->box[0] - ox) / cell) * cell;
    double x1 = ox + ceil((r->box[2] - ox) / cell) * cell;
    double y0 = oy + floor((r->box[1] - oy) / cell) * cell;
    double y1 = oy + ceil((r->box[3] - oy) / cell) * cell;
    double wd = floor((x1 - x0) / cell + 0.5), hd = floor((y1 - y0) / cell + 0.5);
    if (wd < 1)
        wd = 1;
    if (hd < 1)
        hd = 1;
    if (wd * hd > (double)MAX_RASTER)
        return api->fail(r->step, RM_EINVAL,
                         "kde_cell_km: %.3f km cells over the area make a "
                         "%.0f x %.0f raster; choose a larger kde_cell_km",
                         cell / 1000.0, wd, hd);
    int w = (int)wd, h = (int)hd;
    double gt[6] = {x0, cell, 0, y1, 0, -cell};
    rm_layer *l = api->output_raster(r->step, "kde", w, h, gt);
    double *data = l ? api->raster_data(l) : NULL;
    if (!data)
        return RM_ENOMEM;
    if (hs_kde(r->xy, r->use_weight ? r->w : NULL, r->keep, r->n, x0, y1,
               cell, w, h, kernel, bw, data))
        return api->fail(r->step, RM_ENOMEM, "out of memory for the KDE");
    size_t nn = (size_t)w * (size_t)h;
    for (size_t i = 0; i < nn; i++)
        data[i] *= 1e6; /* per m^2 -> per km^2 */
    r->kde_bw = bw;
    r->kde_cell = cell;
    return RM_OK;
}

static int write_metrics(hs_run *r)
{
    const rm_host_api *api = r->api;
    rm_layer *l = api->output_vector(r->step, "metrics");
    if (!l)
        return RM_ENOMEM;
    writer w = {api, l, 0};
    int64_t row = api->begin_feature(l, 1);
    if (row < 0)
        return (int)row;
    /* Columns are added after the row exists; new columns start NULL. */
    int f;
    f = field(&w, "cell", RM_FIELD_STRING);
    text(&w, f, r->cells.L.hex ? (r->cells.L.pointy ? "hex (pointy)"
                                                    : "hex (flat)")
                               : "square");
    f = field(&w, "cell_km", RM_FIELD_REAL);
    real(&w, f, r->cell_m / 1000.0);
    f = field(&w, "cell_km_how", RM_FIELD_STRING);
    text(&w, f, r->cell_how);
    f = field(&w, "band_km", RM_FIELD_REAL);
    real(&w, f, r->band_m / 1000.0);
    f = field(&w, "band_km_how", RM_FIELD_STRING);
    text(&w, f, r->band_how);
    f = field(&w, "study_area", RM_FIELD_STRING);
    text(&w, f, r->area_from);
    f = field(&w, "area_km2", RM_FIELD_REAL);
    real(&w, f, r->area_m2 / 1e6);
    f = field(&w, "n_incidents", RM_FIELD_INT);
    integer(&w, f, (int64_t)r->n);
    f = field(&w, "n_used", RM_FIELD_INT);
    integer(&w, f, (int64_t)r->n_keep);
    f = field(&w, "n_outside", RM_FIELD_INT);
    integer(&w, f, (int64_t)r->n_outside);
    f = field(&w, "n_cells", RM_FIELD_INT);
    integer(&w, f, (int64_t)r->cells.n);
    f = field(&w, "n_nonempty", RM_FIELD_INT);
    integer(&w, f, (int64_t)r->n_nonempty);
    f = field(&w, "value", RM_FIELD_STRING);
    text(&w, f, r->use_weight ? "weight sum" : "count");
    f = field(&w, "nni", RM_FIELD_REAL);
    if (r->nni_ok)
        real(&w, f, r->nni.ratio);
    f = field(&w, "nni_z", RM_FIELD_REAL);
    if (r->nni_ok)
        real(&w, f, r->nni.z);
    f = field(&w, "nni_p", RM_FIELD_REAL);
    if (r->nni_ok)
        real(&w, f, r->nni.p);
    f = field(&w, "nn_observed_m", RM_FIELD_REAL);
    if (r->nni_ok)
        real(&w, f, r->nni.observed);
    f = field(&w, "nn_expected_m", RM_FIELD_REAL);
    if (r->nni_ok)
        real(&w, f, r->nni.expected);
    f = field(&w, "moran_i", RM_FIELD_REAL);
    if (r->moran_ok)
        real(&w, f, r->moran.I);
    f = field(&w, "moran_z", RM_FIELD_REAL);
    if (r->moran_ok)
        real(&w, f, r->moran.z);
    f = field(&w, "moran_p", RM_FIELD_REAL);
    if (r->moran_ok)
        real(&w, f, r->moran.p);
    int64_t hot = 0, cold = 0;
    for (size_t k = 0; k < r->cells.n; k++) {
        hot += r->cls[k] > 0;
        cold += r->cls[k] < 0;
    }
    f = field(&w, "n_hot", RM_FIELD_INT);
    integer(&w, f, hot);
    f = field(&w, "n_cold", RM_FIELD_INT);
    integer(&w, f, cold);
    f = field(&w, "fdr", RM_FIELD_INT);
    integer(&w, f, api->param_bool(r->step, "fdr"));
    f = field(&w, "permutations", RM_FIELD_INT);
    integer(&w, f, r->perms);
    if (r->has_pai) {
        f = field(&w, "holdout", RM_FIELD_STRING);
        text(&w, f, api->param_string(r->step, "holdout"));
        f = field(&w, "n_holdout", RM_FIELD_INT);
        integer(&w, f, (int64_t)r->n_later);
        f = field(&w, "pai_hits", RM_FIELD_INT);
        integer(&w, f, (int64_t)r->pai_hits);
        f = field(&w, "pai", RM_FIELD_REAL);
        real(&w, f, r->pai);
        f = field(&w, "pai_hit_rate", RM_FIELD_REAL);
        real(&w, f, r->pai_hit_rate);
        f = field(&w, "pai_area_rate", RM_FIELD_REAL);
        real(&w, f, r->pai_area_rate);
    }
    if (r->kde_cell > 0) {
        f = field(&w, "kde_bandwidth_km", RM_FIELD_REAL);
        real(&w, f, r->kde_bw / 1000.0);
        f = field(&w, "kde_bandwidth_how", RM_FIELD_STRING);
        text(&w, f, r->kde_how);
        f = field(&w, "kde_cell_km", RM_FIELD_REAL);
        real(&w, f, r->kde_cell / 1000.0);
    }
    if (r->T) {
        f = field(&w, "time_steps", RM_FIELD_INT);
        integer(&w, f, (int64_t)r->T);
        f = field(&w, "time_step_days", RM_FIELD_REAL);
        real(&w, f, r->step_ms / 86400000.0);
    }
    f = field(&w, "conventions", RM_FIELD_STRING);
    text(&w, f, HS_CONVENTIONS);
    return w.rc < 0 ? w.rc : RM_OK;
}

static void note(hs_run *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(hs_run *r, const char *key, const char *fmt, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    r->api->manifest_note(r->step, key, buf);
}

static void notes(hs_run *r)
{
    note(r, "hotspots.conventions", "%s", HS_CONVENTIONS);
    note(r, "hotspots.cell_km", "%.6g (%s)", r->cell_m / 1000.0,
         r->cell_how);
    note(r, "hotspots.band_km", "%.6g (%s)", r->band_m / 1000.0,
         r->band_how);
    note(r, "hotspots.study_area", "%s, %.6g km2", r->area_from,
         r->area_m2 / 1e6);
    note(r, "hotspots.incidents",
         "%zu read, %zu used for the map, %zu held out, %zu outside the "
         "study area%s",
         r->n, r->n_keep, r->n_later, r->n_outside,
         r->n_no_time ? ", some without a time (kept in training)" : "");
    if (r->perms > 0)
        note(r, "hotspots.permutations", "%d, seed %lld", r->perms,
             (long long)r->api->param_int(r->step, "seed"));
    if (r->kde_cell > 0)
        note(r, "hotspots.kde_bandwidth_km", "%.6g (%s)",
             r->kde_bw / 1000.0, r->kde_how);
    if (r->T)
        note(r, "hotspots.time_steps",
             "%zu steps of %.6g days ending at the last training incident",
             r->T, r->step_ms / 86400000.0);
}

int hs_write_outputs(hs_run *r)
{
    int rc = write_kde(r);
    if (!rc)
        rc = write_cells(r);
    if (!rc)
        rc = write_trends(r);
    if (!rc)
        rc = write_zone(r);
    if (!rc)
        rc = write_metrics(r);
    if (rc == RM_ENOMEM)
        return r->api->fail(r->step, RM_ENOMEM,
                            "out of memory while writing the outputs");
    if (!rc)
        notes(r);
    return rc;
}
