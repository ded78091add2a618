/*
 * The least-cost method: accumulated cost from the origins, one path per
 * destination traced through the stored moves, the corridor zone from
 * the two cost surfaces, and the next-best corridors found by penalising
 * the ones already found. Outputs: cost (raster), paths, corridors. Path
 * costs reported are always measured on the unpenalised friction.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

int cr_add_rings(cr_run *R, rm_layer *l, const cr_rings *rings)
{
    for (size_t k = 0; k < rings->n; k++) {
        size_t n = (size_t)(rings->off[k + 1] - rings->off[k]);
        int rc = R->api->add_part(l, rings->xy + 2 * rings->off[k], n, NULL,
                                  rings->outer[k]);
        if (rc)
            return rc;
    }
    return RM_OK;
}

int cr_add_path(cr_run *R, rm_layer *l, const uint32_t *p, size_t n)
{
    double *xy = malloc(sizeof(double) * 2 * (n < 2 ? 2 : n));
    if (!xy)
        return cr_nomem(R, "a path");
    for (size_t j = 0; j < n; j++)
        cr_grid_centre(&R->g, p[j], &xy[2 * j], &xy[2 * j + 1]);
    if (n == 1) {
        /* Origin and destination share a cell: a zero-length line. */
        xy[2] = xy[0];
        xy[3] = xy[1];
        n = 2;
    }
    int rc = R->api->add_part(l, xy, n, NULL, 1);
    free(xy);
    return rc;
}

/* ---- border crossings ------------------------------------------------ */

typedef struct borders {
    double *seg;   /* x1 y1 x2 y2 per segment */
    int *label;    /* label index per segment */
    size_t n, cap;
    char **names;  /* label strings */
    size_t n_names;
} borders;

static void borders_free(borders *b)
{
    free(b->seg);
    free(b->label);
    for (size_t i = 0; i < b->n_names; i++)
        free(b->names[i]);
    free(b->names);
    memset(b, 0, sizeof *b);
}

static int borders_load(cr_run *R, borders *b)
{
    const rm_host_api *api = R->api;
    rm_step *st = R->step;
    memset(b, 0, sizeof *b);
    if (!api->param_is_set(st, "borders"))
        return RM_OK;
    const char *field = api->param_string(st, "border_label");
    size_t nl = api->param_count(st, "borders");
    for (size_t li = 0; li < nl; li++) {
        const rm_layer *l = api->param_list_layer(st, "borders", li);
        if (!l)
            continue;
        size_t nf = api->layer_feature_count(l);
        const int64_t *fo = api->layer_feature_offsets(l);
        const int64_t *po = api->layer_part_offsets(l);
        const double *xy = api->layer_xy(l);
        char **names = realloc(b->names, (b->n_names + nf + 1) *
                                             sizeof *names);
        if (!names)
            return cr_nomem(R, "border names");
        b->names = names;
        for (size_t f = 0; f < nf; f++) {
            char buf[256];
            const char *s = cr_feature_label(api, l, f, field, buf,
                                             sizeof buf);
            size_t len = strlen(s);
            char *copy = malloc(len + 1);
            if (!copy)
                return cr_nomem(R, "border names");
            memcpy(copy, s, len + 1);
            int lab = (int)b->n_names;
            b->names[b->n_names++] = copy;
            for (int64_t p = fo[f]; p < fo[f + 1]; p++)
                for (int64_t v = po[p]; v + 1 < po[p + 1]; v++) {
                    if (b->n == b->cap) {
                        size_t cap = b->cap ? 2 * b->cap : 256;
                        double *sg = realloc(b->seg, 4 * cap * sizeof *sg);
                        if (!sg)
                            return cr_nomem(R, "border segments");
                        b->seg = sg;
                        int *lb = realloc(b->label, cap * sizeof *lb);
                        if (!lb)
                            return cr_nomem(R, "border segments");
                        b->label = lb;
                        b->cap = cap;
                    }
                    memcpy(b->seg + 4 * b->n, xy + 2 * v, 4 * sizeof(double));
                    b->label[b->n++] = lab;
                }
        }
    }
    return RM_OK;
}

static double orient(double ax, double ay, double bx, double by, double cx,
                     double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Does a path step near cell p..q touch a border cell? */
static int near_border(cr_run *R, uint32_t a, uint32_t b)
{
    const uint8_t *fl = R->flags;
    int w = R->g.w;
    int ra = (int)(a / (uint32_t)w), ca = (int)(a % (uint32_t)w);
    int rb = (int)(b / (uint32_t)w), cb = (int)(b % (uint32_t)w);
    int r0 = ra < rb ? ra : rb, r1 = ra < rb ? rb : ra;
    int c0 = ca < cb ? ca : cb, c1 = ca < cb ? cb : ca;
    for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++)
            if (fl[(size_t)r * w + c] & CR_F_BORDER)
                return 1;
    return 0;
}

/* Count the border crossings of path p and list their names in order. */
static int64_t crossings(cr_run *R, const borders *b, const uint32_t *p,
                         size_t n, char *out, size_t size)
{
    int64_t count = 0;
    int last = -1;
    size_t used = 0;
    out[0] = '\0';
    if (!b->n || !R->flags)
        return 0;
    for (size_t j = 1; j < n; j++) {
        if (!near_border(R, p[j - 1], p[j]))
            continue;
        double px, py, qx, qy;
        cr_grid_centre(&R->g, p[j - 1], &px, &py);
        cr_grid_centre(&R->g, p[j], &qx, &qy);
        /* Crossings on this step, ordered along it. */
        double ts[16];
        int labs[16], nt = 0;
        for (size_t s = 0; s < b->n; s++) {
            const double *g = b->seg + 4 * s;
            if (fmax(g[0], g[2]) < fmin(px, qx) ||
                fmin(g[0], g[2]) > fmax(px, qx) ||
                fmax(g[1], g[3]) < fmin(py, qy) ||
                fmin(g[1], g[3]) > fmax(py, qy))
                continue;
            double s1 = orient(g[0], g[1], g[2], g[3], px, py);
            double s2 = orient(g[0], g[1], g[2], g[3], qx, qy);
            double t1 = orient(px, py, qx, qy, g[0], g[1]);
            double t2 = orient(px, py, qx, qy, g[2], g[3]);
            if ((s1 > 0) == (s2 > 0) || (t1 > 0) == (t2 > 0))
                continue;
            count++;
            if (nt < 16) {
                ts[nt] = s1 / (s1 - s2);
                labs[nt++] = b->label[s];
            }
        }
        for (int i = 1; i < nt; i++)
            for (int k = i; k > 0 && ts[k] < ts[k - 1]; k--) {
                double t = ts[k];
                ts[k] = ts[k - 1];
                ts[k - 1] = t;
                int l = labs[k];
                labs[k] = labs[k - 1];
                labs[k - 1] = l;
            }
        for (int i = 0; i < nt; i++) {
            if (labs[i] == last)
                continue;
            last = labs[i];
            int k = snprintf(out + used, size - used, "%s%s",
                             used ? ", " : "", b->names[labs[i]]);
            if (k > 0)
                used = used + (size_t)k < size ? used + (size_t)k : size - 1;
        }
    }
    return count;
}

/* ---- outputs ---------------------------------------------------------- */

enum { C_RANK, C_METHOD, C_COST, C_TOL, C_TRACKS, C_AREA, C_CELLS, C_N };

enum { P_RANK, P_KIND, P_ORIGIN, P_DEST, P_COST, P_PCOST, P_LEN, P_NB,
       P_BORDERS, P_N };

typedef struct lc {
    cr_run *R;
    rm_layer *paths, *corr;
    int pf[P_N];
    int cf[C_N];
    borders bd;
    const rm_layer *orig, *dest;
    cr_cellset os, ds;    /* origin and destination cells */
    uint32_t *src;        /* origin cells in the grid, sorted */
    uint32_t *src_feat;   /* their feature rows */
    size_t n_src;
    uint32_t *dsrc;       /* destination cells in the grid */
    size_t n_dsrc;
    uint32_t *pbuf;
    size_t pcap;
    int64_t next_path, next_corr;
} lc;

static int paths_layer(lc *c)
{
    if (c->paths)
        return RM_OK;
    const rm_host_api *api = c->R->api;
    c->paths = api->output_vector(c->R->step, "paths");
    if (!c->paths)
        return api->fail(c->R->step, RM_EPLUGIN_OUTPUT,
                         "cannot create the output 'paths'");
    static const char *const NAMES[P_N] = {
        "rank", "kind", "origin", "destination", "cost", "penalised_cost",
        "length_m", "borders_crossed", "borders"};
    static const rm_field_type TYPES[P_N] = {
        RM_FIELD_INT, RM_FIELD_STRING, RM_FIELD_INT, RM_FIELD_INT,
        RM_FIELD_REAL, RM_FIELD_REAL, RM_FIELD_REAL, RM_FIELD_INT,
        RM_FIELD_STRING};
    for (int i = 0; i < P_N; i++) {
        c->pf[i] = api->add_field(c->paths, NAMES[i], TYPES[i]);
        if (c->pf[i] < 0)
            return api->fail(c->R->step, RM_ENOMEM, "cannot add field '%s'",
                             NAMES[i]);
    }
    return RM_OK;
}

int cr_corridors_layer(cr_run *R, rm_layer **out, int *cf)
{
    const rm_host_api *api = R->api;
    *out = api->output_vector(R->step, "corridors");
    if (!*out)
        return api->fail(R->step, RM_EPLUGIN_OUTPUT,
                         "cannot create the output 'corridors'");
    static const char *const NAMES[C_N] = {"rank", "method", "cost",
                                           "tolerance_pct", "tracks",
                                           "area_km2", "cells"};
    static const rm_field_type TYPES[C_N] = {
        RM_FIELD_INT, RM_FIELD_STRING, RM_FIELD_REAL, RM_FIELD_REAL,
        RM_FIELD_INT, RM_FIELD_REAL, RM_FIELD_INT};
    for (int i = 0; i < C_N; i++) {
        cf[i] = api->add_field(*out, NAMES[i], TYPES[i]);
        if (cf[i] < 0)
            return api->fail(R->step, RM_ENOMEM, "cannot add field '%s'",
                             NAMES[i]);
    }
    return RM_OK;
}

/* Trace the path to `end` into c->pbuf; @return its length or -1. */
static int64_t trace(lc *c, const uint8_t *dir, uint32_t end)
{
    int64_t n = cr_trace(&c->R->g, dir, end, NULL, 0);
    if (n < 0)
        return -1;
    if ((size_t)n > c->pcap) {
        uint32_t *b = realloc(c->pbuf, (size_t)n * sizeof *b);
        if (!b)
            return -2;
        c->pbuf = b;
        c->pcap = (size_t)n;
    }
    return cr_trace(&c->R->g, dir, end, c->pbuf, c->pcap);
}

static int64_t origin_fid(lc *c, uint32_t cell)
{
    size_t lo = 0, hi = c->n_src;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->src[mid] < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->n_src && c->src[lo] == cell)
        return c->R->api->layer_fids(c->orig)[c->src_feat[lo]];
    return -1;
}

/* One path per destination feature on the surface (cost, dir). */
static int emit_paths(lc *c, int rank, const double *cost,
                      const uint8_t *dir, const float *pen, double *least)
{
    *least = INFINITY;
    cr_run *R = c->R;
    const rm_host_api *api = R->api;
    size_t nf = api->layer_feature_count(c->dest);
    const int64_t *fids = api->layer_fids(c->dest);
    /* The cheapest reachable cell of each destination feature. */
    int64_t *best = malloc(sizeof(int64_t) * (nf ? nf : 1));
    if (!best)
        return cr_nomem(R, "destinations");
    for (size_t f = 0; f < nf; f++)
        best[f] = -1;
    for (size_t k = 0; k < c->ds.n; k++) {
        uint32_t i = c->ds.cell[k], f = c->ds.feat[k];
        if (isfinite(cost[i]) &&
            (best[f] < 0 || cost[i] < cost[(size_t)best[f]]))
            best[f] = i;
    }
    int rc = paths_layer(c);
    for (size_t f = 0; rc == RM_OK && f < nf; f++) {
        if (best[f] < 0) {
            if (rank == 1)
                api->log(R->step, RM_PLUGIN_LOG_WARN,
                         "destination fid %lld is off the grid or cannot "
                         "be reached from any origin (barriers); no path",
                         (long long)fids[f]);
            continue;
        }
        int64_t n = trace(c, dir, (uint32_t)best[f]);
        if (n < 0) {
            rc = n == -2 ? cr_nomem(R, "a path")
                         : api->fail(R->step, RM_EPLUGIN_RUN,
                                     "internal error: the path to "
                                     "destination fid %lld breaks off",
                                     (long long)fids[f]);
            break;
        }
        const uint32_t *p = c->pbuf;
        char names[1024];
        int64_t nb = crossings(R, &c->bd, p, (size_t)n, names, sizeof names);
        double true_cost = pen ? cr_path_cost(&R->g, R->fric, p, (size_t)n)
                               : cost[(size_t)best[f]];
        *least = fmin(*least, true_cost);
        rm_layer *l = c->paths;
        if (api->begin_feature(l, ++c->next_path) < 0)
            rc = cr_nomem(R, "a path");
        if (rc == RM_OK)
            rc = cr_add_path(R, l, p, (size_t)n);
        if (rc == RM_OK)
            rc = api->set_int(l, c->pf[P_RANK], rank);
        if (rc == RM_OK)
            rc = api->set_string(l, c->pf[P_KIND], "leastcost");
        if (rc == RM_OK)
            rc = api->set_int(l, c->pf[P_ORIGIN], origin_fid(c, p[0]));
        if (rc == RM_OK)
            rc = api->set_int(l, c->pf[P_DEST], fids[f]);
        if (rc == RM_OK)
            rc = api->set_real(l, c->pf[P_COST], true_cost);
        if (rc == RM_OK)
            rc = api->set_real(l, c->pf[P_PCOST], cost[(size_t)best[f]]);
        if (rc == RM_OK)
            rc = api->set_real(l, c->pf[P_LEN],
                               cr_path_length(&R->g, p, (size_t)n));
        if (rc == RM_OK)
            rc = api->set_int(l, c->pf[P_NB], nb);
        if (rc == RM_OK && c->bd.n)
            rc = api->set_string(l, c->pf[P_BORDERS], names);
    }
    free(best);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Cells of a cellset inside the grid, sorted, with their features. */
static int sources(lc *c, const cr_cellset *s, uint32_t **cells,
                   uint32_t **feat, size_t *n)
{
    size_t cap = s->n ? s->n : 1;
    uint64_t *pair = malloc(cap * sizeof *pair);
    *cells = malloc(cap * sizeof **cells);
    if (feat)
        *feat = malloc(cap * sizeof **feat);
    if (!pair || !*cells || (feat && !*feat)) {
        free(pair);
        return cr_nomem(c->R, "the source cells");
    }
    for (size_t k = 0; k < s->n; k++)
        pair[k] = (uint64_t)s->cell[k] << 32 | s->feat[k];
    qsort(pair, s->n, sizeof *pair, cmp_u64);
    size_t m = 0;
    for (size_t k = 0; k < s->n; k++) {
        uint32_t cell = (uint32_t)(pair[k] >> 32);
        if (m > 0 && (*cells)[m - 1] == cell)
            continue; /* the first feature (lowest row) keeps the cell */
        (*cells)[m] = cell;
        if (feat)
            (*feat)[m] = (uint32_t)pair[k];
        m++;
    }
    free(pair);
    *n = m;
    return RM_OK;
}

/* The surface from `src` over `f`, exact up to `stop` (see
 * cr_accumulate_below; INFINITY for all of it). */
static int accumulate(lc *c, const float *f, const uint32_t *src, size_t n,
                      double stop, double *cost, uint8_t *dir,
                      const char *what, double lo, double hi)
{
    cr_run *R = c->R;
    cr_tick t = {R, lo, hi};
    cr_accum_stats st;
    double t0 = cr_now();
    int rc = cr_accumulate_below(&R->g, f, R->neighbours, src, n,
                                 CR_QUEUE_AUTO, stop, cost, dir, cr_tick_cb,
                                 &t, &st);
    if (rc == -2) {
        R->api->fail(R->step, RM_ECANCELLED, "cancelled");
        return RM_ECANCELLED;
    }
    if (rc)
        return cr_nomem(R, "the cost search's queue");
    R->api->log(R->step, RM_PLUGIN_LOG_INFO,
                "accumulated cost %s: %zu cells settled, %zu queued "
                "(at most %zu at once), %d neighbours, %.3f s",
                what, st.settled, st.pushes, st.queue_peak, R->neighbours,
                cr_now() - t0);
    return RM_OK;
}

/* Zone: unlabelled cells with co + cd <= limit get `rank`. */
static size_t zone(const cr_grid *g, const double *co, const double *cd,
                   double limit, uint8_t *label, uint8_t rank)
{
    size_t n = cr_cells(g), k = 0;
    for (size_t i = 0; i < n; i++)
        if (!label[i] && co[i] + cd[i] <= limit) {
            label[i] = rank;
            k++;
        }
    return k;
}

static double optimum(const lc *c, const double *cost)
{
    double best = INFINITY;
    for (size_t k = 0; k < c->n_dsrc; k++)
        best = fmin(best, cost[c->dsrc[k]]);
    return best;
}

static int emit_corridor(lc *c, int rank, const uint8_t *label,
                         size_t cells, double cost, double tol)
{
    cr_run *R = c->R;
    const rm_host_api *api = R->api;
    int *cf = c->cf;
    int rc = RM_OK;
    if (!c->corr)
        rc = cr_corridors_layer(R, &c->corr, cf);
    if (rc)
        return rc;
    cr_rings rings;
    if (cr_polygonize(&R->g, label, (uint8_t)rank, &rings))
        return cr_nomem(R, "the corridor polygons");
    rm_layer *l = c->corr;
    if (api->begin_feature(l, ++c->next_corr) < 0)
        rc = cr_nomem(R, "a corridor");
    if (rc == RM_OK)
        rc = cr_add_rings(R, l, &rings);
    if (rc == RM_OK)
        rc = api->set_int(l, cf[C_RANK], rank);
    if (rc == RM_OK)
        rc = api->set_string(l, cf[C_METHOD], "leastcost");
    if (rc == RM_OK)
        rc = api->set_real(l, cf[C_COST], cost);
    if (rc == RM_OK)
        rc = api->set_real(l, cf[C_TOL], tol);
    if (rc == RM_OK)
        rc = api->set_real(l, cf[C_AREA],
                           (double)cells * R->g.res * R->g.res / 1e6);
    if (rc == RM_OK)
        rc = api->set_int(l, cf[C_CELLS], (int64_t)cells);
    cr_rings_free(&rings);
    return rc;
}

/*
 * The corridor zone and the alternatives. `dd` is scratch for the moves
 * from the destinations (the moves from the origins, no longer needed
 * once the rank 1 paths are out). The surfaces from the destinations are
 * only searched as far as the zone's limit: a cell dearer than that from
 * the destinations is outside the zone whatever its cost from the
 * origins.
 */
static int corridors(lc *c, double *cost, uint8_t *dd)
{
    cr_run *R = c->R;
    const rm_host_api *api = R->api;
    rm_step *st = R->step;
    size_t n = cr_cells(&R->g);
    double tol = api->param_real(st, "tolerance");
    int64_t n_alt = api->param_int(st, "alternatives");
    double pen = api->param_real(st, "alternative_penalty");
    double *cd = cr_alloc_big(n, sizeof(double));
    uint8_t *label = calloc(n, 1);
    double *co2 = NULL;
    uint8_t *do2 = NULL;
    float *fp = NULL;
    int rc = cd && label ? RM_OK : cr_nomem(R, "the corridor zone");
    double best = optimum(c, cost);
    double limit = best * (1 + tol / 100) * (1 + 1e-12);
    if (rc == RM_OK && isfinite(best))
        rc = accumulate(c, R->fric, c->dsrc, c->n_dsrc, limit, cd, dd,
                        "from the destinations", 0.5, 0.7);
    if (rc == RM_OK && !isfinite(best)) {
        api->log(st, RM_PLUGIN_LOG_WARN,
                 "no destination can be reached from the origins; no "
                 "corridor");
        n_alt = -1;
    }
    if (rc == RM_OK && n_alt >= 0) {
        size_t k = zone(&R->g, cost, cd, limit, label, 1);
        rc = emit_corridor(c, 1, label, k, best, tol);
        api->log(st, RM_PLUGIN_LOG_INFO,
                 "corridor 1: least total cost %.6g, %zu cells within "
                 "%g %%",
                 best, k, tol);
    }
    for (int rank = 2; rc == RM_OK && rank <= n_alt + 1; rank++) {
        if (!fp) {
            fp = cr_alloc_big(n, sizeof(float));
            co2 = cr_alloc_big(n, sizeof(double));
            do2 = cr_alloc_big(n, 1);
            if (!fp || !co2 || !do2) {
                rc = cr_nomem(R, "the alternatives");
                break;
            }
            memcpy(fp, R->fric, sizeof(float) * n);
        }
        for (size_t i = 0; i < n; i++)
            if (label[i] == rank - 1)
                fp[i] = (float)(fp[i] * pen);
        double lo = 0.7 + 0.3 * (rank - 2) / (double)n_alt;
        double hi = 0.7 + 0.3 * (rank - 1) / (double)n_alt;
        rc = accumulate(c, fp, c->src, c->n_src, INFINITY, co2, do2,
                        "from the origins (penalised)", lo,
                        (lo + hi) / 2);
        double b2 = rc == RM_OK ? optimum(c, co2) : INFINITY;
        if (rc || !isfinite(b2))
            break;
        double limit2 = b2 * (1 + tol / 100) * (1 + 1e-12);
        rc = accumulate(c, fp, c->dsrc, c->n_dsrc, limit2, cd, dd,
                        "from the destinations (penalised)", (lo + hi) / 2,
                        hi);
        if (rc)
            break;
        size_t k = zone(&R->g, co2, cd, limit2, label, (uint8_t)rank);
        if (k == 0) {
            api->log(st, RM_PLUGIN_LOG_INFO,
                     "no distinct corridor %d: the penalised optimum stays "
                     "within the earlier corridors",
                     rank);
            break;
        }
        double least;
        rc = emit_paths(c, rank, co2, do2, fp, &least);
        if (rc == RM_OK)
            rc = emit_corridor(c, rank, label, k,
                               isfinite(least) ? least : b2, tol);
    }
    free(cd);
    free(label);
    free(co2);
    free(do2);
    free(fp);
    return rc;
}

static void lc_free(lc *c)
{
    borders_free(&c->bd);
    cr_cellset_free(&c->os);
    cr_cellset_free(&c->ds);
    free(c->src);
    free(c->src_feat);
    free(c->dsrc);
    free(c->pbuf);
}

static int lc_run(lc *c)
{
    cr_run *R = c->R;
    const rm_host_api *api = R->api;
    rm_step *st = R->step;
    c->orig = api->param_layer(st, "origins");
    c->dest = api->param_layer(st, "destinations");
    if (!c->orig)
        return api->fail(st, RM_EPLUGIN_PARAM,
                         "the leastcost method needs 'origins' (a layer of "
                         "points, lines or polygons where movement "
                         "starts)");
    int rc = cr_choose_grid(R);
    if (rc == RM_OK)
        rc = cr_build_friction(R);
    if (rc == RM_OK)
        rc = cr_layer_cells(R, c->orig, &c->os);
    if (rc == RM_OK)
        rc = sources(c, &c->os, &c->src, &c->src_feat, &c->n_src);
    if (rc)
        return rc;
    if (c->n_src == 0)
        return api->fail(st, RM_EDATA_GEOM,
                         "no origin of layer '%s' falls on the grid (%s, "
                         "x %.0f..%.0f, y %.0f..%.0f); check the layers' "
                         "extents",
                         api->layer_name(c->orig), R->grid_how, R->g.x0,
                         R->g.x0 + R->g.w * R->g.res,
                         R->g.y0 - R->g.h * R->g.res, R->g.y0);
    size_t on_bar = 0;
    for (size_t k = 0; k < c->n_src; k++)
        on_bar += isnan(R->fric[c->src[k]]) != 0;
    if (on_bar)
        api->log(st, RM_PLUGIN_LOG_WARN,
                 "%zu of %zu origin cells lie on barriers and spread "
                 "nowhere",
                 on_bar, c->n_src);
    double gt[6];
    cr_grid_geotransform(&R->g, gt);
    rm_layer *cl = api->output_raster(st, "cost", R->g.w, R->g.h, gt);
    double *cost = cl ? api->raster_data(cl) : NULL;
    if (!cost)
        return api->fail(st, RM_ENOMEM,
                         "cannot create the %d x %d output raster 'cost'",
                         R->g.w, R->g.h);
    size_t n = cr_cells(&R->g);
    uint8_t *dir = cr_alloc_big(n, 1);
    if (!dir)
        return cr_nomem(R, "the move directions");
    double least;
    rc = accumulate(c, R->fric, c->src, c->n_src, INFINITY, cost, dir,
                    "from the origins", 0.05, c->dest ? 0.5 : 0.95);
    if (rc == RM_OK && c->dest) {
        rc = cr_layer_cells(R, c->dest, &c->ds);
        if (rc == RM_OK)
            rc = sources(c, &c->ds, &c->dsrc, NULL, &c->n_dsrc);
        if (rc == RM_OK)
            rc = borders_load(R, &c->bd);
        if (rc == RM_OK)
            rc = emit_paths(c, 1, cost, dir, NULL, &least);
        if (rc == RM_OK && c->n_dsrc > 0)
            rc = corridors(c, cost, dir);
        else if (rc == RM_OK)
            api->log(st, RM_PLUGIN_LOG_WARN,
                     "no destination falls on the grid; no paths or "
                     "corridor");
    }
    free(dir);
    for (size_t i = 0; i < n; i++)
        if (isinf(cost[i]))
            cost[i] = NAN;
    if (rc == RM_OK) {
        char note[300];
        snprintf(note, sizeof note,
                 "%s; %d neighbours; cost = mean friction x step length "
                 "(m), GRASS r.cost x %g",
                 R->grid_how, R->neighbours, R->g.res);
        api->manifest_note(st, "corridors.grid", note);
        api->log(st, RM_PLUGIN_LOG_INFO, "corridors done in %.3f s",
                 cr_now() - R->t0);
    }
    return rc;
}

int cr_run_leastcost(cr_run *R)
{
    lc c;
    memset(&c, 0, sizeof c);
    c.R = R;
    int rc = lc_run(&c);
    lc_free(&c);
    return rc;
}
