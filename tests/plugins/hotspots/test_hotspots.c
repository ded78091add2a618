/*
 * The hotspots plugin run through the real host: counts per cell, Gi*
 * z-scores against a naive O(n^2) evaluation of the Getis-Ord formula,
 * the inclusive band, refusals of thin or constant data, the zone band's
 * area, the KDE's integral, the PAI from its definition, permutations and
 * the metrics row. Expected values come from the formulas, never from the
 * plugin's own output.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hs_assert.h"
#include "hs_test.h"
#include "routemap/errors.h"

#define SQRT3 1.7320508075688772
#define OX 500000.0
#define OY 1500000.0

/* Deterministic counts: a smooth bump plus LCG noise (0..3). */
static uint64_t lcg_state;
static int noise(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)((lcg_state >> 33) % 4);
}

typedef struct cellv {
    int64_t q, r;
    double x, y;
    int count;
    double weight;
} cellv;

/* Centres by the lattice formula written out independently. */
static void centre(int hex, double s, int64_t q, int64_t r, double *x,
                   double *y)
{
    if (hex) {
        *x = OX + s * ((double)q + (double)r / 2.0);
        *y = OY + s * (SQRT3 / 2.0) * (double)r;
    } else {
        *x = OX + s * (double)q;
        *y = OY + s * (double)r;
    }
}

/* All cells with centre in box, counts from the bump and noise; points
 * jittered within 0.3 s of the centre (inside the cell). */
static size_t make_cells(int hex, double s, const double box[4],
                         cellv *cells, size_t cap, double **xy_out,
                         size_t *n_pts)
{
    size_t n = 0, np = 0;
    lcg_state = 42;
    for (int64_t r = -200; r <= 200; r++)
        for (int64_t q = -300; q <= 300; q++) {
            double x, y;
            centre(hex, s, q, r, &x, &y);
            if (x < box[0] || x > box[2] || y < box[1] || y > box[3])
                continue;
            assert_true(n < cap);
            double dx = (x - OX - 4000) / 3000, dy = (y - OY - 4000) / 3000;
            int c = (int)floor(8 * exp(-(dx * dx + dy * dy))) + noise();
            cells[n] = (cellv){q, r, x, y, c, 0};
            n++;
            np += (size_t)c;
        }
    double *xy = malloc(2 * (np ? np : 1) * sizeof *xy);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < cells[i].count; j++) {
            double a = j * 2.399963, rad = 0.2 * s * (j % 4) / 3.0;
            xy[2 * k] = cells[i].x + rad * cos(a);
            xy[2 * k + 1] = cells[i].y + rad * sin(a);
            k++;
        }
    *xy_out = xy;
    *n_pts = np;
    return n;
}

/* Naive Gi* with binary weights including self (Getis & Ord 1992). */
static void naive_gi(const cellv *c, size_t n, double band, double *z,
                     int *W_out)
{
    double sx = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        sx += c[i].count;
        sxx += (double)c[i].count * c[i].count;
    }
    double xbar = sx / n;
    double S = sqrt(sxx / n - xbar * xbar);
    for (size_t i = 0; i < n; i++) {
        double lag = 0, W = 0;
        for (size_t j = 0; j < n; j++) {
            double dx = c[i].x - c[j].x, dy = c[i].y - c[j].y;
            if (dx * dx + dy * dy <= band * band * (1 + 1e-9)) {
                lag += c[j].count;
                W += 1;
            }
        }
        double S1 = W; /* binary weights: sum of squares = sum */
        z[i] = (lag - xbar * W) / (S * sqrt((n * S1 - W * W) / (n - 1)));
        W_out[i] = (int)W;
    }
}

static const cellv *find_cell(const cellv *c, size_t n, int64_t q, int64_t r)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].q == q && c[i].r == r)
            return &c[i];
    return NULL;
}

static void check_gi(int hex, const char *cell_opt, double s_km,
                     double band_km, int nonempty)
{
    double s = s_km * 1000, band = band_km * 1000;
    /* Box edges at least 0.25 s from every centre, so that no jittered
     * point (at most 0.2 s from its centre) crosses an edge. */
    double box[4] = {OX - 0.25 * s, OY - (hex ? 0.43 : 0.5) * s,
                     OX + 12.25 * s,
                     OY + (hex ? 12 * SQRT3 / 2 + 0.43 : 10.5) * s};
    cellv *cells = calloc(4000, sizeof *cells);
    double *xy;
    size_t np;
    size_t n = make_cells(hex, s, box, cells, 4000, &xy, &np);
    /* nonempty: only cells with incidents make up the set */
    if (nonempty) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (cells[i].count > 0)
                cells[m++] = cells[i];
        n = m;
    }
    rm_layer *pts = hs_t_points(xy, np, NULL);
    char sets[6][80];
    snprintf(sets[0], 80, "cell=%s", cell_opt);
    snprintf(sets[1], 80, "cell_km=%.17g", s_km);
    snprintf(sets[2], 80, "band_km=%.17g", band_km);
    snprintf(sets[3], 80, "grid_origin=%.17g,%.17g", OX, OY);
    snprintf(sets[4], 80, "area=%.17g,%.17g,%.17g,%.17g", box[0], box[1],
             box[2], box[3]);
    snprintf(sets[5], 80, "cells_scope=%s", nonempty ? "nonempty" : "all");
    const char *sp[6] = {sets[0], sets[1], sets[2], sets[3], sets[4],
                         sets[5]};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sp, 6, NULL);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *out = hs_t_out(&t, "cells");
    assert_non_null(out);
    assert_int_equal(rm_layer_feature_count(out), n);
    int fq = hs_t_field(out, "q"), fr = hs_t_field(out, "r");
    int fc = hs_t_field(out, "count"), fz = hs_t_field(out, "gi_z");
    int fx = hs_t_field(out, "cx"), fy = hs_t_field(out, "cy");
    int fn = hs_t_field(out, "gi_n");
    double *z = malloc(n * sizeof *z);
    int *W = malloc(n * sizeof *W);
    naive_gi(cells, n, band, z, W);
    for (size_t i = 0; i < n; i++) {
        int64_t q = rm_layer_field_ints(out, fq)[i];
        int64_t r = rm_layer_field_ints(out, fr)[i];
        const cellv *c = find_cell(cells, n, q, r);
        assert_non_null(c);
        assert_int_equal(rm_layer_field_ints(out, fc)[i], c->count);
        assert_double_equal(rm_layer_field_reals(out, fx)[i], c->x, 1e-6);
        assert_double_equal(rm_layer_field_reals(out, fy)[i], c->y, 1e-6);
        size_t k = (size_t)(c - cells);
        assert_int_equal(rm_layer_field_ints(out, fn)[i], W[k]);
        double got = rm_layer_field_reals(out, fz)[i];
        if (fabs(got - z[k]) > 1e-9)
            fail_msg("cell (%lld,%lld): gi_z %.15g, formula %.15g",
                     (long long)q, (long long)r, got, z[k]);
    }
    free(z);
    free(W);
    hs_t_free(&t);
    rm_layer_destroy(pts);
    free(xy);
    free(cells);
}

static void gi_hex_all(void **state)
{
    (void)state;
    check_gi(1, "hex", 1.0, 3.0, 0);
}

static void gi_hex_nonempty(void **state)
{
    (void)state;
    check_gi(1, "hex", 1.0, 2.5, 1);
}

static void gi_square_all(void **state)
{
    (void)state;
    check_gi(0, "square", 1.0, 2.0, 0);
}

/* DOC: the band is inclusive; a cell at exactly the band distance is
 * not lost to rounding (0.3 / 0.1 is 2.9999999999999996 in doubles). */
static void band_exact(void **state)
{
    (void)state;
    check_gi(1, "hex", 0.1, 0.3, 0);
}

/* Interior hex cells with band = 3 spacings have 37 neighbours: the
 * Eisenstein integers of norm 0, 1, 3, 4, 7, 9 number 1+6+6+6+12+6. */
static void band_count_37(void **state)
{
    (void)state;
    double s = 100.0;
    double box[4] = {OX - 1, OY - 1, OX + 20 * s, OY + 20 * s};
    cellv *cells = calloc(4000, sizeof *cells);
    double *xy;
    size_t np;
    make_cells(1, s, box, cells, 4000, &xy, &np);
    rm_layer *pts = hs_t_points(xy, np, NULL);
    const char *sets[] = {"cell_km=0.1", "band_km=0.3",
                          "grid_origin=500000,1500000",
                          "area=499999,1499999,502000,1502000"};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 4, NULL);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *out = hs_t_out(&t, "cells");
    int fn = hs_t_field(out, "gi_n"), fx = hs_t_field(out, "cx"),
        fy = hs_t_field(out, "cy");
    size_t interior = 0;
    for (size_t i = 0; i < rm_layer_feature_count(out); i++) {
        double x = rm_layer_field_reals(out, fx)[i];
        double y = rm_layer_field_reals(out, fy)[i];
        if (x > OX + 4 * s && x < OX + 16 * s && y > OY + 4 * s &&
            y < OY + 16 * s) {
            assert_int_equal(rm_layer_field_ints(out, fn)[i], 37);
            interior++;
        }
    }
    assert_true(interior > 50);
    hs_t_free(&t);
    rm_layer_destroy(pts);
    free(xy);
    free(cells);
}

/* value=weight: Gi* of the weight sums (weight_field), from the formula
 * on sums computed here. */
static void gi_weighted(void **state)
{
    (void)state;
    double s = 1000.0;
    double box[4] = {OX - 0.25 * s, OY - 0.43 * s, OX + 12.25 * s,
                     OY + (12 * SQRT3 / 2 + 0.43) * s};
    cellv *cells = calloc(4000, sizeof *cells);
    double *xy;
    size_t np;
    size_t n = make_cells(1, s, box, cells, 4000, &xy, &np);
    rm_layer *pts;
    assert_int_equal(rm_layer_create(&pts, "incidents", RM_GEOM_POINT),
                     RM_OK);
    int fw = rm_layer_add_field(pts, "w", RM_FIELD_REAL);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < cells[i].count; j++, k++) {
            double w = 0.5 + (double)((i + (size_t)j) % 3);
            assert_true(rm_layer_begin_feature(pts, (int64_t)k) >= 0);
            assert_int_equal(rm_layer_add_part(pts, xy + 2 * k, 1, NULL, 1),
                             RM_OK);
            assert_int_equal(rm_layer_set_real(pts, fw, w), RM_OK);
            sum += w;
        }
        cells[i].count = 0;
        cells[i].weight = sum;
    }
    char area[120];
    snprintf(area, sizeof area, "area=%.17g,%.17g,%.17g,%.17g", box[0],
             box[1], box[2], box[3]);
    const char *sets[] = {"cell_km=1", "band_km=2", "weight_field=w",
                          "value=weight", "grid_origin=500000,1500000",
                          area};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 6, NULL);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *out = hs_t_out(&t, "cells");
    assert_int_equal(rm_layer_feature_count(out), n);
    /* naive Gi* on the weight sums */
    double sx = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        sx += cells[i].weight;
        sxx += cells[i].weight * cells[i].weight;
    }
    double xbar = sx / n, S = sqrt(sxx / n - xbar * xbar);
    int fq = hs_t_field(out, "q"), fr = hs_t_field(out, "r");
    int fz = hs_t_field(out, "gi_z"), fwt = hs_t_field(out, "weight");
    for (size_t o = 0; o < n; o++) {
        const cellv *c = find_cell(cells, n, rm_layer_field_ints(out, fq)[o],
                                   rm_layer_field_ints(out, fr)[o]);
        assert_non_null(c);
        assert_double_equal(rm_layer_field_reals(out, fwt)[o], c->weight,
                            1e-9);
        double lag = 0, W = 0;
        for (size_t j = 0; j < n; j++) {
            double dx = c->x - cells[j].x, dy = c->y - cells[j].y;
            if (dx * dx + dy * dy <= 4e6 * (1 + 1e-9)) {
                lag += cells[j].weight;
                W += 1;
            }
        }
        double want = (lag - xbar * W) / (S * sqrt((n * W - W * W) / (n - 1)));
        assert_double_equal(rm_layer_field_reals(out, fz)[o], want, 1e-9);
    }
    const rm_layer *m = hs_t_out(&t, "metrics");
    assert_string_equal(rm_layer_field_string(m, hs_t_field(m, "value"), 0),
                        "weight sum");
    hs_t_free(&t);
    rm_layer_destroy(pts);
    free(xy);
    free(cells);
}

static void refuses_thin_data(void **state)
{
    (void)state;
    /* 20 incidents in 20 distinct cells: fewer than 30 cells. */
    double xy[40];
    for (int i = 0; i < 20; i++) {
        xy[2 * i] = OX + 5000.0 * i;
        xy[2 * i + 1] = OY + 3000.0 * (i % 3);
    }
    rm_layer *pts = hs_t_points(xy, 20, NULL);
    const char *sets[] = {"cell_km=1", "band_km=3"};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 2, NULL);
    assert_int_equal(t.rc, RM_EPLUGIN_RUN);
    assert_non_null(strstr(rm_errmsg(t.ctx), "at least 30"));
    hs_t_free(&t);
    rm_layer_destroy(pts);
}

static void refuses_zero_variance(void **state)
{
    (void)state;
    /* One incident in each of 40 cells, only those cells: all equal. */
    double xy[80];
    for (int i = 0; i < 40; i++) {
        xy[2 * i] = OX + 2000.0 * (i % 8);
        xy[2 * i + 1] = OY + 2000.0 * (i / 8);
    }
    rm_layer *pts = hs_t_points(xy, 40, NULL);
    const char *sets[] = {"cell=square", "cell_km=1", "band_km=3",
                          "cells_scope=nonempty",
                          "grid_origin=500000,1500000"};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 5, NULL);
    assert_int_equal(t.rc, RM_EPLUGIN_RUN);
    assert_non_null(strstr(rm_errmsg(t.ctx), "zero variance"));
    hs_t_free(&t);
    rm_layer_destroy(pts);
}

/* A clustered set over a 40 x 40 km square: the default run. */
static double *clustered(size_t n, uint64_t seed)
{
    double *xy = malloc(2 * n * sizeof *xy);
    lcg_state = seed;
    for (size_t i = 0; i < n; i++) {
        lcg_state = lcg_state * 6364136223846793005ULL + 1;
        double u = (double)(lcg_state >> 11) / 9007199254740992.0;
        lcg_state = lcg_state * 6364136223846793005ULL + 1;
        double v = (double)(lcg_state >> 11) / 9007199254740992.0;
        if (i % 3 == 0) { /* a cluster around (10 km, 30 km) */
            double rr = 3000 * sqrt(u), a = 6.283185307179586 * v;
            xy[2 * i] = OX + 10000 + rr * cos(a);
            xy[2 * i + 1] = OY + 30000 + rr * sin(a);
        } else {
            xy[2 * i] = OX + 40000 * u;
            xy[2 * i + 1] = OY + 40000 * v;
        }
    }
    return xy;
}

/* DOC: the zone band has area 2 * zone_km * length for a straight
 * border (flat end caps), clipped to the briefing area. */
static void zone_band_area(void **state)
{
    (void)state;
    size_t n = 3000;
    double *xy = clustered(n, 7);
    rm_layer *pts = hs_t_points(xy, n, NULL);
    rm_layer *border;
    assert_int_equal(rm_layer_create(&border, "border", RM_GEOM_LINE), RM_OK);
    double line[4] = {OX + 5000, OY + 20000, OX + 35000, OY + 20000};
    assert_true(rm_layer_begin_feature(border, 1) >= 0);
    assert_int_equal(rm_layer_add_part(border, line, 2, NULL, 1), RM_OK);
    rm_layer *layers[2] = {pts, border};
    const char *sets[] = {"zone=border", "zone_km=4", "cell_km=1",
                          "band_km=3"};
    double area[4] = {OX, OY, OX + 40000, OY + 40000};
    hs_t_run t;
    hs_t_exec(&t, layers, 2, sets, 4, area);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *z = hs_t_out(&t, "zone");
    assert_non_null(z);
    int fa = hs_t_field(z, "area_km2");
    /* 2 * 4 km * 30 km = 240 km^2 */
    assert_double_equal(rm_layer_field_reals(z, fa)[0], 240.0, 1e-6);
    /* Every kept incident lies within 4 km of the line's span. */
    const rm_layer *m = hs_t_out(&t, "metrics");
    int fu = hs_t_field(m, "n_used");
    size_t inside = 0;
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        inside += x >= OX + 5000 && x <= OX + 35000 &&
                  fabs(y - (OY + 20000)) <= 4000;
    }
    assert_int_equal(rm_layer_field_ints(m, fu)[0], inside);
    /* Clipped by the area: the band's lower half only. */
    hs_t_free(&t);
    double area2[4] = {OX, OY, OX + 40000, OY + 20000};
    hs_t_exec(&t, layers, 2, sets, 4, area2);
    if (t.rc == RM_OK) {
        z = hs_t_out(&t, "zone");
        assert_double_equal(rm_layer_field_reals(z, fa)[0], 120.0, 1e-6);
    } else {
        /* too few cells in half the band is an acceptable refusal */
        assert_non_null(strstr(rm_errmsg(t.ctx), "at least 30"));
    }
    hs_t_free(&t);
    rm_layer_destroy(pts);
    rm_layer_destroy(border);
    free(xy);
}

/* DOC: the KDE integrates to the incident count (within 1 %). */
static void kde_integral(void **state)
{
    (void)state;
    size_t n = 5000;
    double *xy = clustered(n, 11);
    rm_layer *pts = hs_t_points(xy, n, NULL);
    const char *sets[] = {"cell_km=1", "band_km=3", "kde=true",
                          "bandwidth_km=2", "kde_cell_km=0.5",
                          "area=480000,1480000,560000,1560000"};
    const char *kernels[2] = {"kernel=quartic", "kernel=gaussian"};
    for (int k = 0; k < 2; k++) {
        const char *s7[7] = {sets[0], sets[1], sets[2], sets[3], sets[4],
                             sets[5], kernels[k]};
        hs_t_run t;
        hs_t_exec(&t, &pts, 1, s7, 7, NULL);
        assert_int_equal(t.rc, RM_OK);
        const rm_layer *r = hs_t_out(&t, "kde");
        assert_non_null(r);
        int w = rm_layer_raster_width(r), h = rm_layer_raster_height(r);
        const double *gt = rm_layer_raster_geotransform(r);
        assert_double_equal(gt[1], 500.0, 1e-9);
        const double *d = rm_layer_raster_cdata(r);
        double sum = 0;
        for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
            sum += d[i];
        double integral = sum * 0.5 * 0.5; /* per km^2 times km^2 */
        assert_true(fabs(integral - (double)n) < 0.01 * n);
        hs_t_free(&t);
    }
    rm_layer_destroy(pts);
    free(xy);
}

/* PAI = (holdout hits / holdout count) / (hot area / study area). */
static void pai_from_definition(void **state)
{
    (void)state;
    size_t n = 6000;
    double *xy = clustered(n, 5);
    int64_t *ms = malloc(n * sizeof *ms);
    for (size_t i = 0; i < n; i++) /* 2026-07-01 + i hours */
        ms[i] = 1782864000000LL + (int64_t)i * 3600000LL;
    rm_layer *pts = hs_t_points(xy, n, ms);
    const char *sets[] = {"cell_km=2", "band_km=5", "holdout=2027-01-01",
                          "grid_origin=500000,1500000",
                          "area=500000,1500000,540000,1540000"};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 5, NULL);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *cells = hs_t_out(&t, "cells");
    const rm_layer *m = hs_t_out(&t, "metrics");
    int fc = hs_t_field(cells, "gi_class"), fq = hs_t_field(cells, "q"),
        fr = hs_t_field(cells, "r");
    /* holdout: time >= 2027-01-01T00:00Z = 1798761600000 ms */
    size_t held = 0, hits = 0, n_hot = 0;
    for (size_t k = 0; k < rm_layer_feature_count(cells); k++)
        n_hot += rm_layer_field_ints(cells, fc)[k] >= 1;
    for (size_t i = 0; i < n; i++) {
        if (ms[i] < 1798761600000LL)
            continue;
        held++;
        /* the incident's cell by the lattice formula, then its class */
        double ry = (xy[2 * i + 1] - OY) / (2000 * SQRT3 / 2);
        double qx = (xy[2 * i] - OX) / 2000 - ry / 2;
        double fz = -qx - ry;
        double rq = round(qx), rr = round(ry), rs = round(fz);
        double dq = fabs(rq - qx), dr = fabs(rr - ry), ds = fabs(rs - fz);
        if (dq > dr && dq > ds)
            rq = -rr - rs;
        else if (dr > ds)
            rr = -rq - rs;
        for (size_t k = 0; k < rm_layer_feature_count(cells); k++)
            if (rm_layer_field_ints(cells, fq)[k] == (int64_t)rq &&
                rm_layer_field_ints(cells, fr)[k] == (int64_t)rr) {
                hits += rm_layer_field_ints(cells, fc)[k] >= 1;
                break;
            }
    }
    assert_true(held > 1000);
    assert_true(n_hot > 0);
    double hot_area = n_hot * (SQRT3 / 2) * 2000.0 * 2000.0;
    double pai = ((double)hits / held) / (hot_area / (40000.0 * 40000.0));
    assert_double_equal(rm_layer_field_reals(m, hs_t_field(m, "pai"))[0],
                        pai, 1e-9);
    assert_int_equal(rm_layer_field_ints(m, hs_t_field(m, "n_holdout"))[0],
                     held);
    /* the cluster predicts itself: the hot cells beat chance */
    assert_true(pai > 1.5);
    hs_t_free(&t);
    rm_layer_destroy(pts);
    free(xy);
    free(ms);
}

/* Permutations: deterministic for a seed; pseudo p in [1/(N+1), 1]; the
 * strongest hot cell is more extreme than every permutation. */
static void permutations(void **state)
{
    (void)state;
    size_t n = 4000;
    double *xy = clustered(n, 3);
    rm_layer *pts = hs_t_points(xy, n, NULL);
    const char *sets[] = {"cell_km=2", "band_km=5", "permutations=99",
                          "seed=7", "area=500000,1500000,540000,1540000"};
    hs_t_run a, b;
    hs_t_exec(&a, &pts, 1, sets, 5, NULL);
    hs_t_exec(&b, &pts, 1, sets, 5, NULL);
    assert_int_equal(a.rc, RM_OK);
    assert_int_equal(b.rc, RM_OK);
    const rm_layer *ca = hs_t_out(&a, "cells"), *cb = hs_t_out(&b, "cells");
    int fa = hs_t_field(ca, "gi_psim"), fb = hs_t_field(cb, "gi_psim");
    int fz = hs_t_field(ca, "gi_z");
    size_t best = 0;
    for (size_t k = 0; k < rm_layer_feature_count(ca); k++) {
        double p = rm_layer_field_reals(ca, fa)[k];
        assert_true(p >= 1.0 / 100 - 1e-12 && p <= 1.0);
        assert_true(p == rm_layer_field_reals(cb, fb)[k]);
        if (rm_layer_field_reals(ca, fz)[k] >
            rm_layer_field_reals(ca, fz)[best])
            best = k;
    }
    assert_double_equal(rm_layer_field_reals(ca, fa)[best], 0.01, 1e-12);
    assert_non_null(hs_t_note(&a, "hotspots.permutations"));
    hs_t_free(&a);
    hs_t_free(&b);
    rm_layer_destroy(pts);
    free(xy);
}

/* Trends: 12 steps of 30 days for times spanning 360 days minus a bit;
 * every cell gets one of the 17 category names, tau in [-1, 1], p in
 * [0, 1]; fewer than 10 steps is refused. */
static void trends_output(void **state)
{
    (void)state;
    size_t n = 6000;
    double *xy = clustered(n, 13);
    int64_t *ms = malloc(n * sizeof *ms);
    int64_t day = 86400000LL, t0 = 1767225600000LL; /* 2026-01-01 */
    for (size_t i = 0; i < n; i++) /* 0 .. 360 days - 1 ms */
        ms[i] = t0 + (int64_t)((360 * day - 1) * (double)i / (double)(n - 1));
    rm_layer *pts = hs_t_points(xy, n, ms);
    const char *sets[] = {"cell_km=2", "band_km=5", "time_step=30d",
                          "area=500000,1500000,540000,1540000"};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 4, NULL);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *tr = hs_t_out(&t, "trends");
    assert_non_null(tr);
    const rm_layer *cells = hs_t_out(&t, "cells");
    assert_int_equal(rm_layer_feature_count(tr),
                     rm_layer_feature_count(cells));
    static const char *names[] = {
        "no pattern", "new hot spot", "consecutive hot spot",
        "intensifying hot spot", "persistent hot spot",
        "diminishing hot spot", "sporadic hot spot", "oscillating hot spot",
        "historical hot spot", "new cold spot", "consecutive cold spot",
        "intensifying cold spot", "persistent cold spot",
        "diminishing cold spot", "sporadic cold spot",
        "oscillating cold spot", "historical cold spot"};
    int ft = hs_t_field(tr, "trend"), fa = hs_t_field(tr, "mk_tau"),
        fp = hs_t_field(tr, "mk_p"), fs = hs_t_field(tr, "steps");
    for (size_t k = 0; k < rm_layer_feature_count(tr); k++) {
        const char *v = rm_layer_field_string(tr, ft, k);
        int known = 0;
        for (int j = 0; j < 17; j++)
            known |= v && strcmp(v, names[j]) == 0;
        assert_true(known);
        double tau = rm_layer_field_reals(tr, fa)[k];
        double p = rm_layer_field_reals(tr, fp)[k];
        assert_true(tau >= -1 && tau <= 1 && p >= 0 && p <= 1);
        assert_int_equal(rm_layer_field_ints(tr, fs)[k], 12);
    }
    hs_t_free(&t);
    const char *few[] = {"cell_km=2", "band_km=5", "time_step=40d",
                         "area=500000,1500000,540000,1540000"};
    hs_t_exec(&t, &pts, 1, few, 4, NULL);
    assert_int_equal(t.rc, RM_EPLUGIN_RUN);
    assert_non_null(strstr(rm_errmsg(t.ctx), "at least 10"));
    hs_t_free(&t);
    rm_layer_destroy(pts);
    free(xy);
    free(ms);
}

/* Automatic choices are explained in the metrics and the manifest. */
static void automatic_choices(void **state)
{
    (void)state;
    size_t n = 4000;
    double *xy = clustered(n, 9);
    rm_layer *pts = hs_t_points(xy, n, NULL);
    const char *sets[] = {"kde=true"};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 1, NULL);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *m = hs_t_out(&t, "metrics");
    assert_int_equal(rm_layer_feature_count(m), 1);
    assert_int_equal(rm_layer_geom_type(m), RM_GEOM_NONE);
    const char *keys[] = {"cell_km_how", "band_km_how", "kde_bandwidth_how",
                          "conventions"};
    for (int k = 0; k < 4; k++) {
        const char *s = rm_layer_field_string(m, hs_t_field(m, keys[k]), 0);
        assert_non_null(s);
        assert_true(strlen(s) > 10);
    }
    double cell = rm_layer_field_reals(m, hs_t_field(m, "cell_km"))[0];
    double band = rm_layer_field_reals(m, hs_t_field(m, "band_km"))[0];
    assert_true(cell > 0 && band >= cell);
    assert_non_null(hs_t_note(&t, "hotspots.conventions"));
    assert_non_null(strstr(hs_t_note(&t, "hotspots.conventions"),
                           "two-sided"));
    assert_non_null(hs_t_note(&t, "hotspots.band_km"));
    /* NNI: clustered data has NNI < 1 and a negative z. */
    double nni = rm_layer_field_reals(m, hs_t_field(m, "nni"))[0];
    double nz = rm_layer_field_reals(m, hs_t_field(m, "nni_z"))[0];
    assert_true(nni < 1 && nz < -1.96);
    hs_t_free(&t);
    rm_layer_destroy(pts);
    free(xy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gi_hex_all),
        cmocka_unit_test(gi_hex_nonempty),
        cmocka_unit_test(gi_square_all),
        cmocka_unit_test(band_exact),
        cmocka_unit_test(band_count_37),
        cmocka_unit_test(gi_weighted),
        cmocka_unit_test(refuses_thin_data),
        cmocka_unit_test(refuses_zero_variance),
        cmocka_unit_test(zone_band_area),
        cmocka_unit_test(kde_integral),
        cmocka_unit_test(pai_from_definition),
        cmocka_unit_test(permutations),
        cmocka_unit_test(trends_output),
        cmocka_unit_test(automatic_choices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
