/*
 * The grid's promises, checked by brute force: whatever the fast tests
 * reject (a segment inside a safe box, a segment or a run the grid says
 * cannot touch) really touches no line segment and, with an approach
 * distance, comes no nearer than it. Lines and probes are random, with
 * long and short segments, points outside the grid and NaN vertices.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crossings_internal.h"

static uint64_t rng = 0x0123456789abcdefULL;

static double unit(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1DULL) >> 11) /
           9007199254740992.0;
}

/* Lines: a few random polylines in [0, 10 km]^2, some with long steps. */
static void make_lines(crossings_lines *L, double *xy, size_t nv)
{
    memset(L, 0, sizeof *L);
    static double cum[400];
    static uint32_t vline[400];
    static size_t start[5];
    static uint8_t closed[4];
    static int8_t flip[4];
    static size_t feature[4];
    static int part[4];
    static double offset[4], length[4];
    size_t per = nv / 4;
    for (size_t l = 0; l < 4; l++) {
        start[l] = l * per;
        double step = l == 3 ? 3000.0 : 200.0; /* one with long steps */
        double x = unit() * 10000.0, y = unit() * 10000.0;
        length[l] = 0.0;
        for (size_t k = 0; k < per; k++) {
            size_t g = l * per + k;
            if (k > 0) {
                x += (unit() - 0.5) * step;
                y += (unit() - 0.5) * step;
                length[l] += hypot(x - xy[2 * g - 2], y - xy[2 * g - 1]);
            }
            xy[2 * g] = x;
            xy[2 * g + 1] = y;
            vline[g] = (uint32_t)l;
            cum[g] = length[l];
        }
        feature[l] = l;
        flip[l] = 1;
    }
    start[4] = 4 * per;
    L->n_lines = 4;
    L->n_verts = 4 * per;
    L->xy = xy;
    L->cum = cum;
    L->vline = vline;
    L->start = start;
    L->closed = closed;
    L->flip = flip;
    L->feature = feature;
    L->part = part;
    L->offset = offset;
    L->length = length;
    L->n_features = 4;
}

/* Do segments p-q and a-b share a point? Exactly: orientation signs,
 * and for collinear segments their overlap on one axis. */
static int touches(const double *p, const double *q, const double *a,
                   const double *b)
{
    int o1 = crossings_orient_sign(a, b, p);
    int o2 = crossings_orient_sign(a, b, q);
    int o3 = crossings_orient_sign(p, q, a);
    int o4 = crossings_orient_sign(p, q, b);
    if (o1 * o2 > 0 || o3 * o4 > 0)
        return 0;
    if (o1 || o2 || o3 || o4)
        return 1;
    int ax = a[0] != b[0] ? 0 : 1;
    return fmax(fmin(a[ax], b[ax]), fmin(p[ax], q[ax])) <=
           fmin(fmax(a[ax], b[ax]), fmax(p[ax], q[ax]));
}

/* Distance between segments p-q and a-b; exactly 0 when they touch. */
static double seg_dist(const double *p, const double *q, const double *a,
                       const double *b)
{
    if (touches(p, q, a, b))
        return 0.0;
    const double *pts[4][3] = {{p, a, b}, {q, a, b}, {a, p, q}, {b, p, q}};
    double best = INFINITY;
    for (int i = 0; i < 4; i++) {
        const double *v = pts[i][0], *s = pts[i][1], *e = pts[i][2];
        double dx = e[0] - s[0], dy = e[1] - s[1];
        double l2 = dx * dx + dy * dy;
        double t = l2 > 0 ? ((v[0] - s[0]) * dx + (v[1] - s[1]) * dy) / l2 : 0;
        t = t < 0 ? 0 : (t > 1 ? 1 : t);
        double d = hypot(v[0] - s[0] - t * dx, v[1] - s[1] - t * dy);
        best = d < best ? d : best;
    }
    return best;
}

static double nearest(const crossings_lines *L, const double *p,
                      const double *q)
{
    double best = INFINITY;
    for (size_t l = 0; l < L->n_lines; l++)
        for (size_t g = L->start[l]; g + 1 < L->start[l + 1]; g++) {
            double d = seg_dist(p, q, L->xy + 2 * g, L->xy + 2 * g + 2);
            best = d < best ? d : best;
        }
    return best;
}

/* A point in and around the lines' area (some outside the grid). */
static void probe(double *p)
{
    p[0] = -2000.0 + unit() * 14000.0;
    p[1] = -2000.0 + unit() * 14000.0;
}

static void check(double approach, double track_step)
{
    static double xy[2 * 400];
    crossings_lines L;
    make_lines(&L, xy, 400);
    crossings_grid G;
    assert_int_equal(crossings_grid_build(&G, &L, track_step, approach), 0);
    long boxes = 0, rejected = 0, runs_rejected = 0;
    for (int it = 0; it < 20000; it++) {
        double a[2], b[2];
        probe(a);
        crossings_box box;
        if (crossings_grid_safe(&G, a[0], a[1], &box)) {
            boxes++;
            assert_true(crossings_box_has(&box, a[0], a[1]));
            /* A segment from a to a point of the box. */
            double w = fmin(box.x1, 20000.0) - fmax(box.x0, -20000.0);
            double h = fmin(box.y1, 20000.0) - fmax(box.y0, -20000.0);
            b[0] = fmax(box.x0, -20000.0) + unit() * w;
            b[1] = fmax(box.y0, -20000.0) + unit() * h;
            if (crossings_box_has(&box, b[0], b[1]))
                assert_true(nearest(&L, a, b) > approach);
        }
        /* Random segments, short and long. */
        double len = unit() < 0.2 ? 5000.0 : 300.0;
        b[0] = a[0] + (unit() - 0.5) * len;
        b[1] = a[1] + (unit() - 0.5) * len;
        if (!crossings_grid_segment_may_touch(&G, a, b)) {
            rejected++;
            assert_true(nearest(&L, a, b) > approach);
        }
        /* A short run with a NaN in it. */
        double run[10] = {a[0], a[1], b[0], b[1], NAN, NAN, b[0] + 100.0,
                          b[1] - 50.0, b[0] + 180.0, b[1] + 20.0};
        if (!crossings_grid_run_may_touch(&G, run, 5)) {
            runs_rejected++;
            assert_true(nearest(&L, run, run + 2) > approach);
            assert_true(nearest(&L, run + 6, run + 8) > approach);
        }
    }
    /* Without approaches: a short segment (ends at most one cell apart)
     * that touches a line segment has it in its 2 x 2 block, and one of
     * its corner cells is occupied. */
    long touched = 0;
    assert_true((approach > 0.0) == (G.bstart == NULL));
    for (int it = 0; it < 20000 && G.bstart; it++) {
        double a[2], b[2];
        probe(a);
        b[0] = a[0] + (unit() - 0.5) * 2.0 * G.cell;
        b[1] = a[1] + (unit() - 0.5) * 2.0 * G.cell;
        int ax = crossings_grid_cx(&G, a[0]), ay = crossings_grid_cy(&G, a[1]);
        int bx = crossings_grid_cx(&G, b[0]), by = crossings_grid_cy(&G, b[1]);
        if (abs(ax - bx) > 1 || abs(ay - by) > 1)
            continue;
        size_t blk = crossings_grid_bcell(&G, ax < bx ? ax : bx,
                                          ay < by ? ay : by);
        int occ = G.occ[crossings_grid_bcell(&G, ax, ay)] |
                  G.occ[crossings_grid_bcell(&G, bx, by)] |
                  G.occ[crossings_grid_bcell(&G, ax, by)] |
                  G.occ[crossings_grid_bcell(&G, bx, ay)];
        for (size_t g = 0; g + 1 < L.n_verts; g++) {
            if (L.vline[g] != L.vline[g + 1] ||
                !touches(a, b, L.xy + 2 * g, L.xy + 2 * g + 2))
                continue;
            touched++;
            assert_true(occ);
            int listed = 0;
            for (uint32_t k = G.bstart[blk]; k < G.bstart[blk + 1]; k++)
                listed |= G.bitems[k] == g;
            assert_true(listed);
        }
    }
    assert_true(approach > 0.0 || touched > 100);
    /* crossings_grid_cells is crossings_grid_cx and _cy, also on cell
     * edges, far outside, at infinities and NaN. */
    const double odd[] = {NAN, INFINITY, -INFINITY, 1e300, -1e300, 0.0};
    for (int it = 0; it < 20000; it++) {
        double v[2];
        probe(v);
        if (it % 4 == 1) { /* exactly on a cell edge */
            v[0] = G.x0 + floor(unit() * (G.w + 4) - 2) * G.cell;
            v[1] = G.y0 + floor(unit() * (G.h + 4) - 2) * G.cell;
        } else if (it % 4 == 2) {
            v[it % 8 < 4] = odd[(it / 8) % 6];
        }
        int cx, cy;
        crossings_grid_cells(&G, v, &cx, &cy);
        assert_int_equal(cx, crossings_grid_cx(&G, v[0]));
        assert_int_equal(cy, crossings_grid_cy(&G, v[1]));
    }
    /* The tests must have had something to check. */
    assert_true(boxes > 1000);
    assert_true(rejected > 1000);
    assert_true(runs_rejected > 1000);
    crossings_grid_free(&G);
}

static void test_contact(void **state)
{
    (void)state;
    check(0.0, 0.0);
    check(0.0, 1000.0);
}

static void test_approach(void **state)
{
    (void)state;
    check(150.0, 0.0);
    check(900.0, 300.0);
}

/* crossings_box_leave against the plain definition: runs of 0 to 13
 * vertices (four at a time and the rest), vertices inside, outside, on
 * the edges and NaN, from every start. */
static void test_box_leave(void **state)
{
    (void)state;
    crossings_box b = {-1.0, 2.0, 3.0, 5.0};
    const double edge[8][2] = {{-1, 2}, {3, 5}, {-1, 5}, {3, 2},
                               {0, 3}, {3.0000001, 4}, {1, 1.9999999},
                               {NAN, 3}};
    long outside = 0;
    for (int it = 0; it < 20000; it++) {
        double xy[2 * 13];
        size_t n = (size_t)(unit() * 14.0);
        for (size_t k = 0; k < n; k++) {
            double u = unit();
            if (u < 0.9) {
                xy[2 * k] = -1.0 + unit() * 4.0;
                xy[2 * k + 1] = 2.0 + unit() * 3.0;
            } else {
                int e = (int)(unit() * 8.0);
                xy[2 * k] = edge[e][0];
                xy[2 * k + 1] = edge[e][1];
                if (unit() < 0.5) { /* swap: y NaN or off, x on an edge */
                    xy[2 * k] = -1.0 + (xy[2 * k + 1] - 2.0) * 4.0 / 3.0;
                    xy[2 * k + 1] = edge[e][0] + 3.0;
                }
            }
        }
        for (size_t from = 0; from <= n; from++) {
            size_t want = from;
            while (want < n && xy[2 * want] >= -1.0 && xy[2 * want] <= 3.0 &&
                   xy[2 * want + 1] >= 2.0 && xy[2 * want + 1] <= 5.0)
                want++;
            outside += want < n;
            assert_int_equal(crossings_box_leave(&b, xy, from, n), want);
        }
    }
    assert_true(outside > 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_box_leave),
        cmocka_unit_test(test_contact),
        cmocka_unit_test(test_approach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
