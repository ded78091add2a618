/*
 * Tests of the corridors plugin through the host. Expected values come
 * from outside the plugin: the 8- and 16-neighbour lattice metrics worked
 * by hand (axes d, diagonals d sqrt 2, knight's moves d sqrt 5), a
 * textbook O(n^2) Dijkstra written here from the documented convention
 * (also for the search stopped at a cost, called directly),
 * step costs re-summed along the returned paths, segment intersection
 * for barriers, and counts of cells derived from the definitions.
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

#include "cr.h"
#include "cr_test.h"
#include "routemap/errors.h"

#define X0 500000.0
#define Y0 1004000.0

static uint64_t seed = 0x243f6a8885a308d3ULL;
static double uniform01(void)
{
    seed ^= seed >> 12;
    seed ^= seed << 25;
    seed ^= seed >> 27;
    return (double)((seed * 0x2545F4914F6CDD1DULL) >> 11) /
           9007199254740992.0;
}

static void centre(int r, int c, double res, double *xy)
{
    xy[0] = X0 + (c + 0.5) * res;
    xy[1] = Y0 - (r + 0.5) * res;
}

/* Cell of a point (row, col) on the test grid. */
static void cell_of(const double *xy, double res, int *r, int *c)
{
    *c = (int)floor((xy[0] - X0) / res);
    *r = (int)floor((Y0 - xy[1]) / res);
}

static const double *cost_of(const rm__step_result *res, int w, int h)
{
    const rm_layer *c = crt_output(res, "cost");
    assert_non_null(c);
    assert_int_equal(rm_layer_geom_type(c), RM_GEOM_RASTER);
    assert_int_equal(rm_layer_raster_width(c), w);
    assert_int_equal(rm_layer_raster_height(c), h);
    return rm_layer_raster_cdata(c);
}

/* Run with a friction raster, origins and optional destinations. */
static int run_grid(const double *f, int w, int h, double res,
                    rm_layer *orig, rm_layer *dest, const char *const *extra,
                    int in_process, rm__step_result *out)
{
    rm_layer *fr = crt_raster("fr", w, h, X0, Y0, res, f);
    crt_input in[3] = {{"fr", fr}, {"o", orig}, {"d", dest}};
    const char *sets[24];
    size_t n = 0;
    sets[n++] = "friction=fr";
    sets[n++] = "origins=o";
    if (dest)
        sets[n++] = "destinations=d";
    for (size_t i = 0; extra && extra[i] && n < 23; i++)
        sets[n++] = extra[i];
    sets[n] = NULL;
    int rc = crt_run(in, dest ? 3 : 2, sets, in_process, out);
    if (rc)
        print_error("%s\n", rm_errmsg(crt_ctx));
    rm_layer_destroy(fr);
    return rc;
}

/* Lattice metric in cells: 8 neighbours or with knight's moves. */
static double metric(int dx, int dy, int neighbours)
{
    dx = abs(dx);
    dy = abs(dy);
    if (dy > dx) {
        int t = dx;
        dx = dy;
        dy = t;
    }
    if (neighbours == 8)
        return (dx - dy) + dy * sqrt(2.0);
    if (2 * dy <= dx)
        return dy * sqrt(5.0) + (dx - 2 * dy);
    return (dx - dy) * sqrt(5.0) + (2 * dy - dx) * sqrt(2.0);
}

static void uniform_metric(int neighbours)
{
    enum { W = 41, H = 37 };
    const double res = 100, fv = 2.5;
    double *f = malloc(sizeof(double) * W * H);
    for (int i = 0; i < W * H; i++)
        f[i] = fv;
    double o[2];
    centre(18, 20, res, o);
    rm_layer *orig = crt_points("o", o, 1);
    char nb[32];
    snprintf(nb, sizeof nb, "neighbours=%d", neighbours);
    const char *extra[] = {nb, NULL};
    rm__step_result res_;
    assert_int_equal(run_grid(f, W, H, res, orig, NULL, extra, 1, &res_),
                     RM_OK);
    const double *cost = cost_of(&res_, W, H);
    double worst = 0;
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) {
            double want = fv * res * metric(c - 20, r - 18, neighbours);
            double got = cost[r * W + c];
            if (r == 18 || c == 20 || abs(r - 18) == abs(c - 20))
                /* Axes and diagonals: d and d sqrt 2, exactly. */
                assert_true(crt_rel(got, want) <= 1e-12 ||
                            (want == 0 && got == 0));
            if (want > 0)
                worst = fmax(worst, crt_rel(got, want));
        }
    print_message("uniform %d neighbours: worst relative error %.3g\n",
                  neighbours, worst);
    assert_true(worst <= 1e-12);
    /* Sanity of the hand metric itself: 3-4-5 cell triangle. */
    assert_true(fabs(metric(4, 3, 8) - (1 + 3 * sqrt(2.0))) < 1e-15);
    assert_true(fabs(metric(4, 2, 16) - 2 * sqrt(5.0)) < 1e-15);
    rm__step_result_free(&res_);
    rm_layer_destroy(orig);
    free(f);
}

static void test_uniform_8(void **state)
{
    (void)state;
    uniform_metric(8);
}

static void test_uniform_16(void **state)
{
    (void)state;
    uniform_metric(16);
}

/* Random friction: float-exact values, barriers as NaN, 0 and < 0. */
static double *random_friction(int w, int h)
{
    double *f = malloc(sizeof(double) * (size_t)w * h);
    for (int i = 0; i < w * h; i++) {
        double u = uniform01();
        if (u < 0.10)
            f[i] = NAN;
        else if (u < 0.13)
            f[i] = 0;
        else if (u < 0.15)
            f[i] = -1;
        else
            f[i] = (float)(0.5 + 5 * uniform01());
    }
    return f;
}

static void test_random_vs_reference(void **state)
{
    (void)state;
    enum { W = 23, H = 19 };
    const double res = 50;
    for (int trial = 0; trial < 6; trial++) {
        int nb = trial % 2 ? 16 : 8;
        double *f = random_friction(W, H);
        int src[2] = {(int)(uniform01() * W * H), (int)(uniform01() * W * H)};
        for (int k = 0; k < 2; k++)
            if (!(f[src[k]] > 0))
                f[src[k]] = 1; /* origins on open ground */
        double xy[4];
        centre(src[0] / W, src[0] % W, res, xy);
        centre(src[1] / W, src[1] % W, res, xy + 2);
        rm_layer *orig = crt_points("o", xy, 2);
        char nbs[32];
        snprintf(nbs, sizeof nbs, "neighbours=%d", nb);
        const char *extra[] = {nbs, NULL};
        rm__step_result out;
        /* Trial 5 runs in a child process: outputs come back serialised. */
        assert_int_equal(
            run_grid(f, W, H, res, orig, NULL, extra, trial != 5, &out),
            RM_OK);
        const double *cost = cost_of(&out, W, H);
        double *ref = malloc(sizeof(double) * W * H);
        crt_reference_cost(f, W, H, res, nb, src, 2, ref);
        size_t reached = 0;
        for (int i = 0; i < W * H; i++) {
            if (isinf(ref[i])) {
                assert_true(isnan(cost[i]));
                continue;
            }
            reached++;
            if (crt_rel(cost[i], ref[i]) > 1e-12 && ref[i] != 0)
                print_error("cell %d: %.17g vs reference %.17g\n", i,
                            cost[i], ref[i]);
            assert_true(cost[i] == ref[i] || crt_rel(cost[i], ref[i]) <=
                                                 1e-12);
        }
        /* The grid is mostly open: most cells are reached. */
        assert_true(reached > W * H / 2);
        free(ref);
        rm__step_result_free(&out);
        rm_layer_destroy(orig);
        free(f);
    }
}

/* DOC: cr_accumulate_below gives every cell with a least cost up to
 * `stop` its exact cost; every other cell INFINITY or a cost above stop.
 * Checked against the textbook Dijkstra, for each queue (the bucket
 * queue pops a bucket's cells out of order). */
static void test_accumulate_below(void **state)
{
    (void)state;
    enum { W = 41, H = 33 };
    const double res = 100;
    static const int QUEUES[] = {CR_QUEUE_BUCKET, CR_QUEUE_RADIX,
                                 CR_QUEUE_BINARY};
    for (int trial = 0; trial < 6; trial++) {
        int nb = trial % 2 ? 16 : 8;
        double *f = random_friction(W, H);
        int src[2] = {(int)(uniform01() * W * H), (int)(uniform01() * W * H)};
        for (int k = 0; k < 2; k++)
            if (!(f[src[k]] > 0))
                f[src[k]] = 1;
        double *ref = malloc(sizeof(double) * W * H);
        crt_reference_cost(f, W, H, res, nb, src, 2, ref);
        /* Stop at the median reached cost: half the reached cells. */
        double *sorted = malloc(sizeof(double) * W * H);
        size_t m = 0;
        for (int i = 0; i < W * H; i++)
            if (isfinite(ref[i]))
                sorted[m++] = ref[i];
        for (size_t a = 1; a < m; a++)
            for (size_t b = a; b > 0 && sorted[b] < sorted[b - 1]; b--) {
                double t = sorted[b];
                sorted[b] = sorted[b - 1];
                sorted[b - 1] = t;
            }
        double stop = sorted[m / 2];
        float *ff = malloc(sizeof(float) * W * H);
        for (int i = 0; i < W * H; i++)
            ff[i] = f[i] > 0 ? (float)f[i] : NAN;
        cr_grid g = {W, H, X0, Y0, res};
        uint32_t s32[2] = {(uint32_t)src[0], (uint32_t)src[1]};
        double *cost = malloc(sizeof(double) * W * H);
        uint8_t *dir = malloc(W * H);
        for (int q = 0; q < 3; q++) {
            assert_int_equal(cr_accumulate_below(&g, ff, nb, s32, 2,
                                                 QUEUES[q], stop, cost, dir,
                                                 NULL, NULL, NULL),
                             0);
            size_t below = 0;
            for (int i = 0; i < W * H; i++) {
                if (ref[i] <= stop) {
                    below++;
                    assert_true(cost[i] == ref[i] ||
                                crt_rel(cost[i], ref[i]) <= 1e-12);
                } else {
                    assert_true(cost[i] > stop);
                }
            }
            assert_true(below > m / 2 - 1 && below < m);
        }
        free(cost);
        free(dir);
        free(ff);
        free(sorted);
        free(ref);
        free(f);
    }
}

/* Is a path step a move of the neighbourhood? */
static int stencil_move(int dr, int dc, int nb)
{
    int a = abs(dr), b = abs(dc);
    if (a <= 1 && b <= 1)
        return a + b > 0;
    return nb == 16 && ((a == 1 && b == 2) || (a == 2 && b == 1));
}

static void test_paths(void **state)
{
    (void)state;
    enum { W = 30, H = 24 };
    const double res = 100;
    for (int nb = 8; nb <= 16; nb += 8) {
        double *f = random_friction(W, H);
        int o = 3 * W + 2;
        f[o] = 1;
        double oxy[2], dxy[6];
        centre(3, 2, res, oxy);
        int dcell[3] = {20 * W + 27, 2 * W + 25, 12 * W + 14};
        for (int k = 0; k < 3; k++) {
            f[dcell[k]] = 2;
            centre(dcell[k] / W, dcell[k] % W, res, dxy + 2 * k);
        }
        rm_layer *orig = crt_points("o", oxy, 1);
        rm_layer *dest = crt_points("d", dxy, 3);
        char nbs[32];
        snprintf(nbs, sizeof nbs, "neighbours=%d", nb);
        const char *extra[] = {nbs, NULL};
        rm__step_result out;
        assert_int_equal(run_grid(f, W, H, res, orig, dest, extra, 1, &out),
                         RM_OK);
        const double *cost = cost_of(&out, W, H);
        double *ref = malloc(sizeof(double) * W * H);
        crt_reference_cost(f, W, H, res, nb, &o, 1, ref);
        const rm_layer *p = crt_output(&out, "paths");
        assert_non_null(p);
        const int64_t *fo = rm_layer_feature_offsets(p);
        const int64_t *po = rm_layer_part_offsets(p);
        const double *xy = rm_layer_xy(p);
        int f_dest = rm_layer_field_index(p, "destination");
        int f_cost = rm_layer_field_index(p, "cost");
        int f_len = rm_layer_field_index(p, "length_m");
        size_t reachable = 0;
        for (int k = 0; k < 3; k++)
            reachable += isfinite(ref[dcell[k]]) != 0;
        assert_int_equal(rm_layer_feature_count(p), reachable);
        assert_true(reachable >= 2);
        for (size_t i = 0; i < rm_layer_feature_count(p); i++) {
            int64_t d = rm_layer_field_ints(p, f_dest)[i];
            assert_true(d >= 1 && d <= 3);
            assert_int_equal(fo[i + 1] - fo[i], 1);
            int64_t a = po[fo[i]], b = po[fo[i] + 1];
            double sum = 0, len = 0;
            int r0, c0;
            cell_of(xy + 2 * a, res, &r0, &c0);
            assert_int_equal(r0 * W + c0, o); /* starts at the origin */
            for (int64_t v = a; v < b; v++) {
                int r, c;
                cell_of(xy + 2 * v, res, &r, &c);
                /* Vertices at cell centres, never on a barrier. */
                double cxy[2];
                centre(r, c, res, cxy);
                assert_true(fabs(cxy[0] - xy[2 * v]) < 1e-6);
                assert_true(fabs(cxy[1] - xy[2 * v + 1]) < 1e-6);
                assert_true(f[r * W + c] > 0);
                if (v == a)
                    continue;
                int pr, pc;
                cell_of(xy + 2 * (v - 1), res, &pr, &pc);
                assert_true(stencil_move(r - pr, c - pc, nb));
                double m = crt_move_cost(f, W, H, res, pr, pc, r - pr,
                                         c - pc);
                assert_false(isnan(m)); /* no blocked move */
                sum += m;
                len += res * hypot(r - pr, c - pc);
            }
            int re, ce;
            cell_of(xy + 2 * (b - 1), res, &re, &ce);
            assert_int_equal(re * W + ce, dcell[d - 1]);
            /* Summed step costs = accumulated cost = reference. */
            assert_true(crt_rel(sum, cost[re * W + ce]) <= 1e-12);
            assert_true(crt_rel(sum, ref[re * W + ce]) <= 1e-12);
            assert_true(crt_rel(rm_layer_field_reals(p, f_cost)[i], sum) <=
                        1e-12);
            assert_true(crt_rel(rm_layer_field_reals(p, f_len)[i], len) <=
                        1e-12);
        }
        free(ref);
        rm__step_result_free(&out);
        rm_layer_destroy(orig);
        rm_layer_destroy(dest);
        free(f);
    }
}

static int seg_cross(const double *p, const double *q, const double *a,
                     const double *b)
{
    double d1 = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    double d2 = (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]);
    double d3 = (q[0] - p[0]) * (a[1] - p[1]) - (q[1] - p[1]) * (a[0] - p[0]);
    double d4 = (q[0] - p[0]) * (b[1] - p[1]) - (q[1] - p[1]) * (b[0] - p[0]);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
           ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

static void test_barrier_lines(void **state)
{
    (void)state;
    enum { W = 40, H = 30 };
    const double res = 100;
    double *f = malloc(sizeof(double) * W * H);
    for (int i = 0; i < W * H; i++)
        f[i] = 1;
    double oxy[2], dxy[2];
    centre(15, 3, res, oxy);
    centre(15, 36, res, dxy);
    rm_layer *orig = crt_points("o", oxy, 1);
    rm_layer *dest = crt_points("d", dxy, 1);
    /* A slanted wall across the whole grid: nothing crosses it, not even
     * by a diagonal or a knight's move. */
    double wall[4] = {X0 + 17.3 * res, Y0 + 50, X0 + 24.1 * res,
                      Y0 - H * res - 50};
    const double *lines[1] = {wall};
    size_t nv[1] = {2};
    rm_layer *bar = crt_lines("bar", lines, nv, 1);
    rm_layer *fr = crt_raster("fr", W, H, X0, Y0, res, f);
    crt_input in[4] = {{"fr", fr}, {"o", orig}, {"d", dest}, {"bar", bar}};
    for (int nb = 8; nb <= 16; nb += 8) {
        char nbs[32];
        snprintf(nbs, sizeof nbs, "neighbours=%d", nb);
        const char *sets[] = {"friction=fr", "origins=o", "destinations=d",
                              "barriers=bar", nbs, NULL};
        rm__step_result out;
        assert_int_equal(crt_run(in, 4, sets, 1, &out), RM_OK);
        const double *cost = cost_of(&out, W, H);
        size_t left = 0, right = 0;
        for (int r = 0; r < H; r++)
            for (int c = 0; c < W; c++) {
                double x = X0 + (c + 0.5) * res, y = Y0 - (r + 0.5) * res;
                /* Signed distance of the centre from the wall. */
                double dx = wall[2] - wall[0], dy = wall[3] - wall[1];
                double s = (dx * (y - wall[1]) - dy * (x - wall[0])) /
                           hypot(dx, dy);
                if (s < -res) {
                    left += isfinite(cost[r * W + c]) != 0;
                } else if (s > res) {
                    assert_true(isnan(cost[r * W + c]));
                    right++;
                }
            }
        assert_true(left > 300 && right > 300);
        /* The destination beyond the wall gets no path. */
        const rm_layer *p = crt_output(&out, "paths");
        assert_true(p == NULL || rm_layer_feature_count(p) == 0);
        rm__step_result_free(&out);
    }
    /* With a gap: the path goes through it and never crosses the wall. */
    double w1[4] = {wall[0], wall[1], X0 + 19.0 * res, Y0 - 11 * res};
    double w2[4] = {X0 + 20.3 * res, Y0 - 17 * res, wall[2], wall[3]};
    const double *gl[2] = {w1, w2};
    size_t gn[2] = {2, 2};
    rm_layer *gap = crt_lines("bar", gl, gn, 2);
    in[3].layer = gap;
    const char *sets[] = {"friction=fr", "origins=o", "destinations=d",
                          "barriers=bar", "neighbours=16", NULL};
    rm__step_result out;
    assert_int_equal(crt_run(in, 4, sets, 1, &out), RM_OK);
    const rm_layer *p = crt_output(&out, "paths");
    assert_non_null(p);
    assert_int_equal(rm_layer_feature_count(p), 1);
    const double *xy = rm_layer_xy(p);
    size_t nvx = rm_layer_coord_count(p);
    for (size_t v = 1; v < nvx; v++) {
        assert_false(seg_cross(xy + 2 * (v - 1), xy + 2 * v, w1, w1 + 2));
        assert_false(seg_cross(xy + 2 * (v - 1), xy + 2 * v, w2, w2 + 2));
    }
    rm__step_result_free(&out);
    rm_layer_destroy(gap);
    rm_layer_destroy(bar);
    rm_layer_destroy(fr);
    rm_layer_destroy(orig);
    rm_layer_destroy(dest);
    free(f);
}

/* Even-odd point in polygon over every ring of feature `fi`. */
static int in_feature(const rm_layer *l, size_t fi, double x, double y)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    int in = 0;
    for (int64_t p = fo[fi]; p < fo[fi + 1]; p++)
        for (int64_t a = po[p], b = po[p + 1] - 1, k = a; k < b; k++) {
            double x1 = xy[2 * k], y1 = xy[2 * k + 1];
            double x2 = xy[2 * k + 2], y2 = xy[2 * k + 3];
            if ((y1 > y) != (y2 > y) &&
                x < x1 + (y - y1) / (y2 - y1) * (x2 - x1))
                in = !in;
        }
    return in;
}

static void test_corridor_zone(void **state)
{
    (void)state;
    enum { W = 36, H = 28 };
    const double res = 100;
    double *f = malloc(sizeof(double) * W * H);
    for (int i = 0; i < W * H; i++)
        f[i] = (float)(1 + 4 * uniform01());
    int o = 14 * W + 2, d = 9 * W + 33;
    double oxy[2], dxy[2];
    centre(14, 2, res, oxy);
    centre(9, 33, res, dxy);
    rm_layer *orig = crt_points("o", oxy, 1);
    rm_layer *dest = crt_points("d", dxy, 1);
    double *co = malloc(sizeof(double) * W * H);
    double *cd = malloc(sizeof(double) * W * H);
    crt_reference_cost(f, W, H, res, 16, &o, 1, co);
    crt_reference_cost(f, W, H, res, 16, &d, 1, cd);
    double best = co[d];
    static const char *const TOL[] = {"tolerance=0", "tolerance=2",
                                      "tolerance=10"};
    static const double TV[] = {0, 2, 10};
    int64_t last = 0;
    double last_area = 0;
    for (int t = 0; t < 3; t++) {
        const char *extra[] = {TOL[t], NULL};
        rm__step_result out;
        assert_int_equal(run_grid(f, W, H, res, orig, dest, extra, 1, &out),
                         RM_OK);
        const rm_layer *z = crt_output(&out, "corridors");
        const rm_layer *p = crt_output(&out, "paths");
        assert_non_null(z);
        assert_non_null(p);
        assert_int_equal(rm_layer_feature_count(z), 1);
        int64_t cells = rm_layer_field_ints(
            z, rm_layer_field_index(z, "cells"))[0];
        double area = rm_layer_field_reals(
            z, rm_layer_field_index(z, "area_km2"))[0];
        /* Count from the definition with the reference surfaces. */
        double limit = best * (1 + TV[t] / 100);
        int64_t lo = 0, hi = 0;
        for (int i = 0; i < W * H; i++) {
            lo += co[i] + cd[i] <= limit * (1 - 1e-9);
            hi += co[i] + cd[i] <= limit * (1 + 1e-9);
        }
        assert_true(cells >= lo && cells <= hi);
        assert_true(fabs(area - (double)cells * 0.01) < 1e-9);
        /* The polygon's area (shoelace) is the cells' area. */
        const int64_t *po = rm_layer_part_offsets(z);
        const uint8_t *outer = rm_layer_part_outer(z);
        const double *zxy = rm_layer_xy(z);
        double sh = 0;
        for (size_t k = 0; k < rm_layer_part_count(z); k++) {
            double a2 = 0;
            for (int64_t v = po[k]; v + 1 < po[k + 1]; v++)
                a2 += zxy[2 * v] * zxy[2 * v + 3] -
                      zxy[2 * v + 2] * zxy[2 * v + 1];
            /* Outer rings counter-clockwise, holes clockwise. */
            assert_true(outer[k] ? a2 > 0 : a2 < 0);
            sh += a2 / 2;
        }
        assert_true(fabs(sh - (double)cells * res * res) < 1e-3);
        /* The least-cost path lies in the zone, and the zone grows. */
        const double *pxy = rm_layer_xy(p);
        for (size_t v = 0; v < rm_layer_coord_count(p); v++)
            assert_true(in_feature(z, 0, pxy[2 * v], pxy[2 * v + 1]));
        assert_true(cells >= last && area >= last_area);
        if (t > 0)
            assert_true(cells > last);
        last = cells;
        last_area = area;
        rm__step_result_free(&out);
    }
    free(co);
    free(cd);
    rm_layer_destroy(orig);
    rm_layer_destroy(dest);
    free(f);
}

static void test_alternatives(void **state)
{
    (void)state;
    enum { W = 31, H = 21 };
    const double res = 100;
    double *f = malloc(sizeof(double) * W * H);
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++)
            f[r * W + c] = (r >= 4 && r <= 16 && c >= 10 && c <= 20) ? NAN
                                                                      : 1;
    double oxy[2], dxy[2];
    centre(10, 2, res, oxy);
    centre(10, 28, res, dxy);
    rm_layer *orig = crt_points("o", oxy, 1);
    rm_layer *dest = crt_points("d", dxy, 1);
    const char *extra[] = {"alternatives=2", "tolerance=1",
                           "alternative_penalty=10", "neighbours=8", NULL};
    rm__step_result out;
    assert_int_equal(run_grid(f, W, H, res, orig, dest, extra, 1, &out),
                     RM_OK);
    const rm_layer *p = crt_output(&out, "paths");
    const rm_layer *z = crt_output(&out, "corridors");
    assert_non_null(p);
    assert_non_null(z);
    /* Two routes around the block; a third would reuse one of them. */
    assert_true(rm_layer_feature_count(z) >= 2);
    assert_true(rm_layer_feature_count(p) >= 2);
    int f_rank = rm_layer_field_index(p, "rank");
    int f_cost = rm_layer_field_index(p, "cost");
    assert_int_equal(rm_layer_field_ints(p, f_rank)[0], 1);
    assert_int_equal(rm_layer_field_ints(p, f_rank)[1], 2);
    /* By hand, the best route passes over (or under) the block: from
     * (10, 2) 7 diagonals to (3, 9), 12 cells along row 3 to (3, 21), 7
     * diagonals to (10, 28): (12 + 14 sqrt 2) x 100 m. */
    double c1 = rm_layer_field_reals(p, f_cost)[0];
    double c2 = rm_layer_field_reals(p, f_cost)[1];
    print_message("alternatives: cost %.6f then %.6f\n", c1, c2);
    assert_true(crt_rel(c1, (12 + 14 * sqrt(2.0)) * res) <= 1e-12);
    /* The next best runs on the other side; its true cost (unpenalised
     * friction) is no lower, and only a short detour higher, because it
     * avoids the first corridor near the shared ends. */
    assert_true(c2 >= c1 * (1 - 1e-12) && c2 <= c1 * 1.1);
    const int64_t *po = rm_layer_part_offsets(p);
    const double *xy = rm_layer_xy(p);
    int side[2] = {0, 0};
    for (int k = 0; k < 2; k++)
        for (int64_t v = po[k]; v < po[k + 1]; v++) {
            int r, c;
            cell_of(xy + 2 * v, res, &r, &c);
            if (c == 15)
                side[k] = r < 10 ? -1 : 1;
        }
    assert_true(side[0] != 0 && side[1] == -side[0]);
    /* The corridors do not overlap: no path-1 vertex in corridor 2. */
    for (int64_t v = po[0]; v < po[1]; v++) {
        int r, c;
        cell_of(xy + 2 * v, res, &r, &c);
        if (c > 3 && c < 27)
            assert_false(in_feature(z, 1, xy[2 * v], xy[2 * v + 1]));
    }
    rm__step_result_free(&out);
    rm_layer_destroy(orig);
    rm_layer_destroy(dest);
    free(f);
}

/* One row of cells: every path runs along it, so costs are sums. */
static double row_cost(const double *f, int n, double res)
{
    double s = 0;
    for (int c = 0; c + 1 < n; c++)
        s += (f[c] + f[c + 1]) / 2 * res;
    return s;
}

static void test_roads_borders_detection(void **state)
{
    (void)state;
    enum { W = 30, H = 11 };
    const double res = 100;
    double *f = malloc(sizeof(double) * W * H);
    for (int i = 0; i < W * H; i++)
        f[i] = 1;
    double oxy[2], dxy[2];
    centre(5, 0, res, oxy);
    centre(5, 29, res, dxy);
    rm_layer *orig = crt_points("o", oxy, 1);
    rm_layer *dest = crt_points("d", dxy, 1);
    rm_layer *fr = crt_raster("fr", W, H, X0, Y0, res, f);
    /* Road along row 5: 29 steps at a quarter of the friction. */
    double road[4] = {X0 + 0.5 * res, Y0 - 5.5 * res, X0 + 29.5 * res,
                      Y0 - 5.5 * res};
    const double *rl[1] = {road};
    size_t rn[1] = {2};
    rm_layer *roads = crt_lines("roads", rl, rn, 1);
    /* Border down column 15, named. */
    double bl[4] = {X0 + 15.5 * res, Y0, X0 + 15.5 * res, Y0 - H * res};
    const double *bll[1] = {bl};
    rm_layer *border = crt_lines("border", bll, rn, 1);
    int fname = rm_layer_add_field(border, "name", RM_FIELD_STRING);
    assert_true(fname >= 0);
    assert_int_equal(rm_layer_set_string(border, fname, "Alpha-Beta"),
                     RM_OK);
    crt_input in[5] = {{"fr", fr}, {"o", orig}, {"d", dest},
                       {"roads", roads}, {"border", border}};
    for (int nb = 8; nb <= 16; nb += 8) {
        char nbs[32];
        snprintf(nbs, sizeof nbs, "neighbours=%d", nb);
        const char *s1[] = {"friction=fr", "origins=o", "destinations=d",
                            "roads=roads", "road_factor=0.25", nbs, NULL};
        rm__step_result out;
        assert_int_equal(crt_run(in, 5, s1, 1, &out), RM_OK);
        const double *cost = cost_of(&out, W, H);
        assert_true(crt_rel(cost[5 * W + 29], 29 * res * 0.25) <= 1e-12);
        rm__step_result_free(&out);
        /* A border crossed at right angles adds border_cost. */
        const char *s2[] = {"friction=fr", "origins=o", "destinations=d",
                            "borders=border", "border_cost=1000", nbs,
                            NULL};
        assert_int_equal(crt_run(in, 5, s2, 1, &out), RM_OK);
        cost = cost_of(&out, W, H);
        assert_true(crt_rel(cost[5 * W + 29], 29 * res + 1000) <= 1e-9);
        const rm_layer *p = crt_output(&out, "paths");
        assert_non_null(p);
        assert_int_equal(
            rm_layer_field_ints(p, rm_layer_field_index(p,
                                                        "borders_crossed"))[0],
            1);
        assert_string_equal(
            rm_layer_field_string(p, rm_layer_field_index(p, "borders"), 0),
            "Alpha-Beta");
        rm__step_result_free(&out);
    }
    /* Detection on a single row: friction 1 + 4 (1 - d / 500 m). */
    enum { N = 30 };
    double f1[N], want[N];
    for (int c = 0; c < N; c++) {
        f1[c] = 1;
        double dist = fabs(c - 15.0) * res;
        want[c] = 1 + (dist < 500 ? 4 * (1 - dist / 500) : 0);
    }
    rm_layer *fr1 = crt_raster("fr", N, 1, X0, Y0, res, f1);
    double bxy[2] = {X0 + 15.5 * res, Y0 - 0.5 * res};
    double o1[2] = {X0 + 0.5 * res, Y0 - 0.5 * res};
    rm_layer *base = crt_points("base", bxy, 1);
    rm_layer *orig1 = crt_points("o", o1, 1);
    crt_input in1[3] = {{"fr", fr1}, {"o", orig1}, {"base", base}};
    const char *s3[] = {"friction=fr", "origins=o", "detection=base",
                        "detection_km=0.5", "detection_cost=4", NULL};
    rm__step_result out;
    assert_int_equal(crt_run(in1, 3, s3, 1, &out), RM_OK);
    const double *cost = cost_of(&out, N, 1);
    for (int c = 1; c < N; c++)
        assert_true(crt_rel(cost[c], row_cost(want, c + 1, res)) <= 1e-6);
    rm__step_result_free(&out);
    rm_layer_destroy(fr1);
    rm_layer_destroy(base);
    rm_layer_destroy(orig1);
    rm_layer_destroy(fr);
    rm_layer_destroy(roads);
    rm_layer_destroy(border);
    rm_layer_destroy(orig);
    rm_layer_destroy(dest);
    free(f);
}

static void test_slope(void **state)
{
    (void)state;
    enum { W = 20, H = 5 };
    const double res = 100, grade = 0.02;
    double z[W * H];
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++)
            z[r * W + c] = 300 + grade * (c + 0.5) * res;
    rm_layer *el = crt_raster("el", W, H, X0, Y0, res, z);
    double oxy[2];
    centre(2, 1, res, oxy);
    rm_layer *orig = crt_points("o", oxy, 1);
    crt_input in[2] = {{"el", el}, {"o", orig}};
    /* Interior cells see the exact grade: linear 1 + 10 x 0.02 = 1.2,
     * Tobler exp(3.5 x 0.02). */
    const double factor[2] = {1 + 10 * grade, exp(3.5 * grade)};
    const char *model[2] = {"slope_model=linear", "slope_model=tobler"};
    for (int m = 0; m < 2; m++) {
        const char *sets[] = {"elevation=el", "origins=o", model[m],
                              "slope_k=10", "neighbours=8", NULL};
        rm__step_result out;
        assert_int_equal(crt_run(in, 2, sets, 1, &out), RM_OK);
        const double *cost = cost_of(&out, W, H);
        for (int c = 2; c <= W - 2; c++)
            assert_true(crt_rel(cost[2 * W + c],
                                (c - 1) * res * factor[m]) <= 1e-6);
        rm__step_result_free(&out);
    }
    rm_layer_destroy(el);
    rm_layer_destroy(orig);
}

static void test_observed(void **state)
{
    (void)state;
    /* Four parallel tracks 500 m apart and one far away, on cell
     * centres of a 500 m grid (grid edges are multiples of 500 m). */
    const double res = 500, yb = 1000250;
    double t[5][4];
    for (int k = 0; k < 5; k++) {
        double y = k < 4 ? yb + k * res : yb + 30 * res;
        t[k][0] = 500250;
        t[k][1] = y;
        t[k][2] = 520250;
        t[k][3] = y;
    }
    const double *lines[5] = {t[0], t[1], t[2], t[3], t[4]};
    size_t nv[5] = {2, 2, 2, 2, 2};
    rm_layer *tracks = crt_lines("tracks", lines, nv, 5);
    crt_input in[1] = {{"tracks", tracks}};
    const char *sets[] = {"method=observed", "tracks=tracks",
                          "resolution_m=500", "search_km=1",
                          "min_tracks=3", "margin_km=5", NULL};
    rm__step_result out;
    assert_int_equal(crt_run(in, 1, sets, 1, &out), RM_OK);
    const rm_layer *dl = crt_output(&out, "density");
    assert_non_null(dl);
    int w = rm_layer_raster_width(dl), h = rm_layer_raster_height(dl);
    const double *gt = rm_layer_raster_geotransform(dl);
    const double *dens = rm_layer_raster_cdata(dl);
    assert_true(gt[1] == res && gt[5] == -res);
    /* Density by definition: tracks with a cell within 2 cells. */
    size_t bundle = 0;
    double maxd = 0;
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
            double x = gt[0] + (c + 0.5) * res, y = gt[3] - (r + 0.5) * res;
            int count = 0;
            for (int k = 0; k < 5; k++) {
                int hit = 0;
                for (double tx = t[k][0]; tx <= t[k][2] && !hit; tx += res)
                    hit = hypot(tx - x, t[k][1] - y) <= 2 * res + 1e-6;
                count += hit;
            }
            assert_true(dens[r * w + c] == count);
            maxd = fmax(maxd, count);
            bundle += count >= 3;
        }
    assert_true(maxd == 4);
    const rm_layer *z = crt_output(&out, "corridors");
    assert_non_null(z);
    assert_int_equal(rm_layer_feature_count(z), 1);
    assert_int_equal(
        rm_layer_field_ints(z, rm_layer_field_index(z, "tracks"))[0], 4);
    assert_int_equal(
        rm_layer_field_ints(z, rm_layer_field_index(z, "cells"))[0],
        (int64_t)bundle);
    /* The centre line runs along the bundle, inside it. */
    const rm_layer *p = crt_output(&out, "paths");
    assert_non_null(p);
    assert_int_equal(rm_layer_feature_count(p), 1);
    double len = rm_layer_field_reals(
        p, rm_layer_field_index(p, "length_m"))[0];
    assert_true(len >= 19000 && len <= 25000);
    const double *xy = rm_layer_xy(p);
    for (size_t v = 0; v < rm_layer_coord_count(p); v++) {
        assert_true(in_feature(z, 0, xy[2 * v], xy[2 * v + 1]));
        /* Near the middle of the four tracks (rows 0..3 -> 1.5). */
        if (xy[2 * v] > 503000 && xy[2 * v] < 517000)
            assert_true(fabs(xy[2 * v + 1] - (yb + 1.5 * res)) <= res);
    }
    rm__step_result_free(&out);
    rm_layer_destroy(tracks);
}

static void test_errors(void **state)
{
    (void)state;
    double f[4] = {1, 1, 1, 1};
    rm_layer *fr = crt_raster("fr", 2, 2, X0, Y0, 100, f);
    double far[2] = {X0 - 5000, Y0 + 5000};
    rm_layer *orig = crt_points("o", far, 1);
    crt_input in[2] = {{"fr", fr}, {"o", orig}};
    rm__step_result out;
    const char *s1[] = {"friction=fr", NULL};
    assert_int_equal(crt_run(in, 2, s1, 1, &out), RM_EPLUGIN_RUN);
    assert_non_null(strstr(rm_errmsg(crt_ctx), "origins"));
    const char *s2[] = {"friction=fr", "origins=o", NULL};
    assert_int_equal(crt_run(in, 2, s2, 1, &out), RM_EPLUGIN_RUN);
    assert_non_null(strstr(rm_errmsg(crt_ctx), "falls on the grid"));
    const char *s3[] = {"method=observed", NULL};
    assert_int_equal(crt_run(in, 2, s3, 1, &out), RM_EPLUGIN_RUN);
    assert_non_null(strstr(rm_errmsg(crt_ctx), "tracks"));
    const char *s4[] = {"friction=fr", "origins=o", "neighbours=12", NULL};
    assert_int_not_equal(crt_run(in, 2, s4, 1, &out), RM_OK);
    rm_layer_destroy(fr);
    rm_layer_destroy(orig);
}

/* Degenerate inputs end cleanly: a 1 x 1 grid, all barriers, an origin
 * on a barrier, a destination in the origin's cell, no features. */
static void test_degenerate(void **state)
{
    (void)state;
    double one[1] = {3}, nan4[4] = {NAN, NAN, NAN, NAN};
    double o[2] = {X0 + 50, Y0 - 50};
    rm_layer *orig = crt_points("o", o, 1);
    rm__step_result out;
    assert_int_equal(run_grid(one, 1, 1, 100, orig, orig, NULL, 1, &out),
                     RM_OK);
    assert_true(cost_of(&out, 1, 1)[0] == 0);
    const rm_layer *p = crt_output(&out, "paths");
    assert_non_null(p);
    assert_int_equal(rm_layer_feature_count(p), 1);
    assert_true(rm_layer_field_reals(p, rm_layer_field_index(p, "cost"))[0] ==
                0);
    rm__step_result_free(&out);
    assert_int_equal(run_grid(nan4, 2, 2, 100, orig, orig, NULL, 1, &out),
                     RM_OK);
    const double *c = cost_of(&out, 2, 2);
    assert_true(c[0] == 0 && isnan(c[1]) && isnan(c[2]) && isnan(c[3]));
    rm__step_result_free(&out);
    rm_layer *empty = NULL;
    assert_int_equal(rm_layer_create(&empty, "o", RM_GEOM_POINT), RM_OK);
    assert_int_equal(run_grid(one, 1, 1, 100, empty, NULL, NULL, 1, &out),
                     RM_EPLUGIN_RUN);
    rm_layer_destroy(empty);
    rm_layer_destroy(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_8),
        cmocka_unit_test(test_uniform_16),
        cmocka_unit_test(test_random_vs_reference),
        cmocka_unit_test(test_accumulate_below),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_barrier_lines),
        cmocka_unit_test(test_corridor_zone),
        cmocka_unit_test(test_alternatives),
        cmocka_unit_test(test_roads_borders_detection),
        cmocka_unit_test(test_slope),
        cmocka_unit_test(test_observed),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_degenerate),
    };
    return cmocka_run_group_tests(tests, crt_setup, crt_teardown);
}
