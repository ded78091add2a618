/*
 * Randomized check of the crossings plugin against an independent counter
 * on thousands of random tracks. Everything lives on a small integer grid,
 * so touches, vertex hits and runs along a line are frequent. The
 * independent method is deliberately different and simple: lines whose
 * side is defined everywhere (x-monotone polylines spanning the whole
 * area: above or below; a simple closed ring: inside or outside, by an
 * exact crossing-number test), every track segment cut at all its contact
 * parameters with every line segment (brute force over all pairs, exact
 * rational arithmetic in 128-bit integers), the side evaluated at the
 * vertices and at the midpoint of every cut piece, and the changes of sign
 * counted, zeros (on the line) skipped.
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

#include "fake_host.h"
#include "routemap/errors.h"
#include "routemap/layer.h"

__extension__ typedef __int128 i128;

int rm_plugin_crossings_init_static(const rm_host_api *api,
                                    rm_plugin_desc *out);

static rm_plugin_desc DESC;
static uint64_t rng;

static uint64_t next_u64(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

static int64_t uniform(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next_u64() % (uint64_t)(hi - lo + 1));
}

/* ---- the reference lines ------------------------------------------------ */

#define MAXV 64
#define AREA 40 /* tracks stay in [0, AREA]^2 */

typedef struct ref_line {
    int kind;        /* 0: x-monotone, increasing x; 1: decreasing; 2: ring */
    int64_t fid;     /* feature id */
    int part;        /* part within the feature */
    int n;           /* vertices (a ring repeats its first at the end) */
    int64_t x[MAXV], y[MAXV];
} ref_line;

/* A rational point (xn / d, yn / d), d > 0. */
typedef struct rpt {
    i128 xn, yn, d;
} rpt;

static int sign128(i128 v)
{
    return (v > 0) - (v < 0);
}

/* Side of q: +1 for the first side name (above an increasing polyline,
 * below a decreasing one, inside a ring), -1 the other, 0 on the line. */
static int ref_side(const ref_line *L, const rpt *q)
{
    if (L->kind < 2) {
        /* Vertices sorted by x ascending for evaluation. */
        for (int i = 0; i + 1 < L->n; i++) {
            int a = L->kind == 0 ? i : L->n - 1 - i;
            int b = L->kind == 0 ? i + 1 : L->n - 2 - i;
            i128 xa = L->x[a], xb = L->x[b], ya = L->y[a], yb = L->y[b];
            if (q->xn < xa * q->d || q->xn > xb * q->d)
                continue;
            /* sign((y - ya)(xb - xa) - (yb - ya)(x - xa)), times d. */
            i128 v = (q->yn - ya * q->d) * (xb - xa) -
                     (yb - ya) * (q->xn - xa * q->d);
            return L->kind == 0 ? sign128(v) : -sign128(v);
        }
        fail_msg("point outside the polyline's x range");
        return 0;
    }
    /* Ring: boundary first, then the crossing number. */
    int inside = 0;
    for (int i = 0; i + 1 < L->n; i++) {
        i128 ax = L->x[i], ay = L->y[i], bx = L->x[i + 1], by = L->y[i + 1];
        i128 o = (bx - ax) * (q->yn - ay * q->d) -
                 (by - ay) * (q->xn - ax * q->d);
        i128 lox = ax < bx ? ax : bx, hix = ax < bx ? bx : ax;
        i128 loy = ay < by ? ay : by, hiy = ay < by ? by : ay;
        if (o == 0 && q->xn >= lox * q->d && q->xn <= hix * q->d &&
            q->yn >= loy * q->d && q->yn <= hiy * q->d)
            return 0;
        if ((ay * q->d > q->yn) != (by * q->d > q->yn)) {
            /* x of the edge at q's y, compared with q's x:
             * q.x < ax + (q.y - ay)(bx - ax)/(by - ay). */
            i128 lhs = (q->xn - ax * q->d) * (by - ay);
            i128 rhs = (q->yn - ay * q->d) * (bx - ax);
            if (by - ay > 0 ? lhs < rhs : lhs > rhs)
                inside = !inside;
        }
    }
    return inside ? 1 : -1;
}

/* A parameter t = num / den on a track segment, 0 <= t <= 1, den > 0. */
typedef struct rpar {
    i128 num, den;
} rpar;

static int cmp_par(const void *pa, const void *pb)
{
    const rpar *a = pa, *b = pb;
    i128 l = a->num * b->den, r = b->num * a->den;
    return (l > r) - (l < r);
}

static i128 cross(i128 ax, i128 ay, i128 bx, i128 by)
{
    return ax * by - ay * bx;
}

static void add_par(rpar *ts, int *n, i128 num, i128 den)
{
    if (den < 0) {
        num = -num;
        den = -den;
    }
    if (num < 0 || num > den)
        return;
    ts[*n].num = num;
    ts[*n].den = den;
    (*n)++;
}

/*
 * The sign changes of one track over one line: returns the number of
 * changes from +1 to -1 in *ab and from -1 to +1 in *ba.
 */
static void ref_count(const ref_line *L, const int64_t *tx,
                      const int64_t *ty, int n, int *ab, int *ba)
{
    int last = 0;
    *ab = *ba = 0;
    for (int k = 0; k + 1 < n; k++) {
        i128 px = tx[k], py = ty[k], qx = tx[k + 1], qy = ty[k + 1];
        i128 dx = qx - px, dy = qy - py;
        rpar ts[4 * MAXV + 4];
        int nt = 0;
        add_par(ts, &nt, 0, 1);
        add_par(ts, &nt, 1, 1);
        if (dx != 0 || dy != 0) {
            for (int i = 0; i + 1 < L->n; i++) {
                i128 ax = L->x[i], ay = L->y[i];
                i128 ex = L->x[i + 1] - ax, ey = L->y[i + 1] - ay;
                i128 den = cross(dx, dy, ex, ey);
                i128 wx = ax - px, wy = ay - py;
                if (den != 0) {
                    i128 t = cross(wx, wy, ex, ey);
                    i128 u = cross(wx, wy, dx, dy);
                    i128 s = den > 0 ? 1 : -1;
                    if (t * s >= 0 && t * s <= den * s && u * s >= 0 &&
                        u * s <= den * s)
                        add_par(ts, &nt, t, den);
                } else if (cross(wx, wy, dx, dy) == 0) {
                    /* Collinear: both ends of the line segment projected
                     * on the track segment, clipped to [0, 1]. */
                    i128 l2 = dx * dx + dy * dy;
                    add_par(ts, &nt, wx * dx + wy * dy, l2);
                    add_par(ts, &nt, (wx + ex) * dx + (wy + ey) * dy, l2);
                }
            }
        }
        qsort(ts, (size_t)nt, sizeof *ts, cmp_par);
        /* Side at each parameter and at each midpoint between two. */
        for (int i = 0; i < nt; i++) {
            for (int mid = 0; mid < 2; mid++) {
                rpar t = ts[i];
                if (mid) {
                    if (i + 1 == nt)
                        break;
                    t.num = ts[i].num * ts[i + 1].den +
                            ts[i + 1].num * ts[i].den;
                    t.den = 2 * ts[i].den * ts[i + 1].den;
                }
                rpt q = {px * t.den + t.num * dx, py * t.den + t.num * dy,
                         t.den};
                int s = ref_side(L, &q);
                if (s == 0)
                    continue;
                if (last == 1 && s == -1)
                    (*ab)++;
                if (last == -1 && s == 1)
                    (*ba)++;
                last = s;
            }
        }
    }
}

/* ---- random data ------------------------------------------------------- */

static void monotone(ref_line *L, int kind, int64_t ylo, int64_t yhi)
{
    int64_t xs[MAXV];
    int n = 0;
    for (int64_t x = -10; x < 50 && n < MAXV - 1; x += uniform(1, 5))
        xs[n++] = x;
    xs[n++] = 50;
    L->kind = kind;
    L->n = n;
    for (int i = 0; i < n; i++) {
        int j = kind == 0 ? i : n - 1 - i;
        L->x[j] = xs[i];
        L->y[j] = uniform(ylo, yhi);
    }
}

/* A star-shaped ring around (20, 20): angles sorted by exact comparison
 * of integer directions (half-plane, then cross product). */
static int64_t star_cx = 20, star_cy = 20;

static int half(int64_t x, int64_t y)
{
    return y < 0 || (y == 0 && x < 0);
}

static int cmp_angle(const void *pa, const void *pb)
{
    const int64_t *a = pa, *b = pb;
    int ha = half(a[0] - star_cx, a[1] - star_cy);
    int hb = half(b[0] - star_cx, b[1] - star_cy);
    if (ha != hb)
        return ha - hb;
    i128 c = cross(a[0] - star_cx, a[1] - star_cy, b[0] - star_cx,
                   b[1] - star_cy);
    return c > 0 ? -1 : (c < 0 ? 1 : 0);
}

static void star(ref_line *L)
{
    int64_t pts[24][2];
    int n = 0;
    while (n < 12) {
        int64_t x = star_cx + uniform(-15, 15), y = star_cy + uniform(-15, 15);
        if (x == star_cx && y == star_cy)
            continue;
        pts[n][0] = x;
        pts[n][1] = y;
        int dup = 0;
        for (int i = 0; i < n; i++)
            dup |= cmp_angle(pts[i], pts[n]) == 0;
        if (!dup)
            n++;
    }
    qsort(pts, (size_t)n, sizeof pts[0], cmp_angle);
    int cw = (int)uniform(0, 1); /* either orientation */
    L->kind = 2;
    L->n = n + 1;
    for (int i = 0; i < n; i++) {
        int j = cw ? n - 1 - i : i;
        L->x[i] = pts[j][0];
        L->y[i] = pts[j][1];
    }
    L->x[n] = L->x[0];
    L->y[n] = L->y[0];
}

static void add_ref(rm_layer *l, const ref_line *L, double ox, double oy,
                    int new_feature)
{
    double xy[2 * MAXV];
    for (int i = 0; i < L->n; i++) {
        xy[2 * i] = ox + (double)L->x[i];
        xy[2 * i + 1] = oy + (double)L->y[i];
    }
    if (new_feature)
        assert_true(rm_layer_begin_feature(l, L->fid) >= 0);
    assert_int_equal(rm_layer_add_part(l, xy, (size_t)L->n, NULL, 1), RM_OK);
}

#define NLINES 4
#define MAXT 30

/* One round of `ntracks` tracks; `approach` and `threads`, when not NULL,
 * set those parameters (the counts must not depend on them). */
static void one_round(uint64_t seed, int ntracks, double ox, double oy,
                      const char *approach, const char *threads,
                      long *total)
{
    rng = seed;
    ref_line lines[NLINES];
    memset(lines, 0, sizeof lines);
    monotone(&lines[0], 0, 5, 15);
    lines[0].fid = 1;
    monotone(&lines[1], 0, 25, 35);
    lines[1].fid = 1;
    lines[1].part = 1;
    monotone(&lines[2], 1, 15, 25);
    lines[2].fid = 2;
    star(&lines[3]);
    lines[3].fid = 3;

    rm_layer *ll;
    assert_int_equal(rm_layer_create(&ll, "lines", RM_GEOM_LINE), RM_OK);
    for (int i = 0; i < NLINES; i++)
        add_ref(ll, &lines[i], ox, oy, i != 1);

    rm_layer *tl;
    assert_int_equal(rm_layer_create(&tl, "tracks", RM_GEOM_LINE), RM_OK);
    int64_t (*tx)[MAXT] = calloc((size_t)ntracks, sizeof *tx);
    int64_t (*ty)[MAXT] = calloc((size_t)ntracks, sizeof *ty);
    int *tn = calloc((size_t)ntracks, sizeof *tn);
    assert_non_null(tx);
    assert_non_null(ty);
    assert_non_null(tn);
    for (int t = 0; t < ntracks; t++) {
        int n = (int)uniform(2, MAXT);
        double xy[2 * MAXT];
        int64_t x = uniform(0, AREA), y = uniform(0, AREA);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                x += uniform(-4, 4);
                y += uniform(-4, 4);
                x = x < 0 ? 0 : (x > AREA ? AREA : x);
                y = y < 0 ? 0 : (y > AREA ? AREA : y);
            }
            tx[t][k] = x;
            ty[t][k] = y;
            xy[2 * k] = ox + (double)x;
            xy[2 * k + 1] = oy + (double)y;
        }
        tn[t] = n;
        assert_true(rm_layer_begin_feature(tl, t + 1) >= 0);
        assert_int_equal(rm_layer_add_part(tl, xy, (size_t)n, NULL, 1),
                         RM_OK);
    }

    fh_step *st = fh_step_create(&DESC);
    fh_set_layer(st, "tracks", tl);
    fh_set_layer(st, "lines", ll);
    fh_set(st, "side_names", "A,B");
    fh_set(st, "gap_max_km", "0"); /* integer steps: no gaps wanted */
    if (approach)
        fh_set(st, "approach_m", approach);
    if (threads)
        fh_set(st, "threads", threads);
    assert_int_equal(fh_run(st), RM_OK);
    const rm_layer *pts = fh_output(st, "points");
    const rm_layer *trs = fh_output(st, "tracks");
    assert_int_equal(rm_layer_feature_count(trs), (size_t)ntracks);

    /* Plugin counts per (track, line) and direction. */
    int (*got)[NLINES][2] = calloc((size_t)ntracks, sizeof *got);
    assert_non_null(got);
    int f_track = rm_layer_field_index(pts, "track_id");
    int f_line = rm_layer_field_index(pts, "line_id");
    int f_part = rm_layer_field_index(pts, "line_part");
    int f_from = rm_layer_field_index(pts, "from_side");
    for (size_t i = 0; i < rm_layer_feature_count(pts); i++) {
        int64_t t = rm_layer_field_ints(pts, f_track)[i] - 1;
        int64_t fid = rm_layer_field_ints(pts, f_line)[i];
        int64_t part = rm_layer_field_ints(pts, f_part)[i];
        int li = -1;
        for (int k = 0; k < NLINES; k++)
            if (lines[k].fid == fid && lines[k].part == part)
                li = k;
        assert_true(li >= 0 && t >= 0 && t < ntracks);
        const char *from = rm_layer_field_string(pts, f_from, i);
        got[t][li][strcmp(from, "A") == 0 ? 0 : 1]++;
    }
    int f_cross = rm_layer_field_index(trs, "crossings");
    for (int t = 0; t < ntracks; t++) {
        int sum = 0;
        for (int k = 0; k < NLINES; k++) {
            int ab, ba;
            ref_count(&lines[k], tx[t], ty[t], tn[t], &ab, &ba);
            if (ab != got[t][k][0] || ba != got[t][k][1]) {
                char msg[2048];
                int len = snprintf(msg, sizeof msg,
                                   "seed %llu track %d line %d: plugin "
                                   "%d/%d, reference %d/%d; track:",
                                   (unsigned long long)seed, t + 1, k,
                                   got[t][k][0], got[t][k][1], ab, ba);
                for (int i = 0; i < tn[t] && len < 1900; i++)
                    len += snprintf(msg + len, sizeof msg - (size_t)len,
                                    " %lld,%lld", (long long)tx[t][i],
                                    (long long)ty[t][i]);
                fail_msg("%s", msg);
            }
            sum += ab + ba;
        }
        assert_int_equal(rm_layer_field_ints(trs, f_cross)[t], sum);
        *total += sum;
    }
    free(got);
    free(tx);
    free(ty);
    free(tn);
    fh_step_destroy(st);
    rm_layer_destroy(tl);
    rm_layer_destroy(ll);
}

/* 3000 tracks on five sets of lines near the origin. */
static void test_random_small_coords(void **state)
{
    (void)state;
    long total = 0;
    for (uint64_t s = 1; s <= 5; s++)
        one_round(0x9e3779b97f4a7c15ULL * s, 600, 0.0, 0.0, NULL, NULL,
                  &total);
    /* Enough crossings for the comparison to mean something. */
    assert_true(total > 3000);
}

/* The same in UTM-sized coordinates: answers do not move. */
static void test_random_utm_coords(void **state)
{
    (void)state;
    long total = 0;
    for (uint64_t s = 6; s <= 8; s++)
        one_round(0x9e3779b97f4a7c15ULL * s, 400, 512345.0, 1712345.0, NULL,
                  NULL, &total);
    assert_true(total > 1000);
}

/* Enough tracks for the pass to run on several threads, on however
 * many cores: the answers must not change. */
static void test_random_threaded(void **state)
{
    (void)state;
    long total = 0;
    one_round(0x9e3779b97f4a7c15ULL * 9, 12000, 0.0, 0.0, NULL, "4",
              &total);
    assert_true(total > 10000);
}

/* With an approach distance the detector takes its other path (safe
 * boxes and cell searches widened by the distance, not the 2 x 2 block
 * lists): the crossings must be the same. */
static void test_random_approach(void **state)
{
    (void)state;
    long total = 0;
    for (uint64_t s = 10; s <= 12; s++)
        one_round(0x9e3779b97f4a7c15ULL * s, 600, 0.0, 0.0, "1.5", NULL,
                  &total);
    one_round(0x9e3779b97f4a7c15ULL * 13, 400, 512345.0, 1712345.0, "40",
              NULL, &total);
    assert_true(total > 2000);
}

static int setup(void **state)
{
    (void)state;
    return rm_plugin_crossings_init_static(fh_api(), &DESC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_small_coords),
        cmocka_unit_test(test_random_utm_coords),
        cmocka_unit_test(test_random_threaded),
        cmocka_unit_test(test_random_approach),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
