/*
 * The hotspots plugin's algorithm steps called directly: lattice
 * arithmetic, nearest neighbours against brute force, NNI, FDR on known
 * p-values, Mann-Kendall on hand-computed series, each of the 17 emerging
 * hot-spot categories on a series built to land in it, Moran's I against
 * its definition, the zone band's area and date parsing.
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

#include "hs.h"
#include "hs_assert.h"

static uint64_t seed_state = 1;
static double uni(void)
{
    seed_state = seed_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(seed_state >> 11) / 9007199254740992.0;
}

/* The chosen cell's centre is the nearest lattice centre (brute force
 * over a 7 x 7 block of axial neighbours). */
static void lattice_nearest(void **state)
{
    (void)state;
    for (int variant = 0; variant < 3; variant++) {
        hs_lattice L = {variant < 2, variant == 0, 730.0, 123.4, -56.7,
                        0, 0, 0, 0, 0};
        for (int k = 0; k < 20000; k++) {
            double x = (uni() - 0.5) * 1e5, y = (uni() - 0.5) * 1e5;
            int64_t q, r;
            hs_lattice_cell(&L, x, y, &q, &r);
            double cx, cy;
            hs_lattice_centre(&L, q, r, &cx, &cy);
            double best = (cx - x) * (cx - x) + (cy - y) * (cy - y);
            for (int dq = -3; dq <= 3; dq++)
                for (int dr = -3; dr <= 3; dr++) {
                    double ox, oy;
                    hs_lattice_centre(&L, q + dq, r + dr, &ox, &oy);
                    double d = (ox - x) * (ox - x) + (oy - y) * (oy - y);
                    assert_true(d >= best - 1e-6);
                }
        }
    }
}

/* Shoelace area of the ring = cell area; adjacent centres are s apart. */
static void lattice_geometry(void **state)
{
    (void)state;
    for (int variant = 0; variant < 3; variant++) {
        hs_lattice L = {variant < 2, variant == 0, 5000.0, 0, 0, 0, 0, 0, 0,
                        0};
        double ring[14];
        int n = hs_lattice_ring(&L, 3, -2, ring);
        assert_int_equal(n, variant < 2 ? 7 : 5);
        double a = 0;
        for (int i = 0; i + 1 < n; i++)
            a += ring[2 * i] * ring[2 * i + 3] - ring[2 * i + 2] * ring[2 * i + 1];
        a /= 2;
        double want = variant < 2 ? sqrt(3) / 2 * 25e6 : 25e6;
        assert_double_equal(a, want, 1e-3);
        assert_double_equal(hs_lattice_cell_area(&L), want, 1e-3);
        double x0, y0, x1, y1;
        hs_lattice_centre(&L, 0, 0, &x0, &y0);
        hs_lattice_centre(&L, 0, 1, &x1, &y1);
        assert_double_equal(hypot(x1 - x0, y1 - y0), 5000.0, 1e-9);
        hs_lattice_centre(&L, 1, 0, &x1, &y1);
        assert_double_equal(hypot(x1 - x0, y1 - y0), 5000.0, 1e-9);
        if (variant < 2) { /* (1, -1) is the sixth neighbour */
            hs_lattice_centre(&L, 1, -1, &x1, &y1);
            assert_double_equal(hypot(x1 - x0, y1 - y0), 5000.0, 1e-9);
        }
    }
}

/* Stencil sizes: hex band 3 s -> 37 offsets; square band 2 s -> 13;
 * hex band sqrt(7) s exactly -> 1 + 6 + 6 + 6 + 12 = 31. */
static void stencil_sizes(void **state)
{
    (void)state;
    hs_lattice hex = {1, 1, 5000.0, 0, 0, 0, 0, 0, 0, 0};
    hs_lattice sq = {0, 0, 1000.0, 0, 0, 0, 0, 0, 0, 0};
    hs_stencil st;
    assert_int_equal(hs_stencil_build(&st, &hex, 15000.0), 0);
    assert_int_equal(st.n, 37);
    assert_int_equal(st.norm[0], 0);
    hs_stencil_free(&st);
    assert_int_equal(hs_stencil_build(&st, &hex, 5000.0 * sqrt(7.0)), 0);
    assert_int_equal(st.n, 31);
    hs_stencil_free(&st);
    assert_int_equal(hs_stencil_build(&st, &sq, 2000.0), 0);
    assert_int_equal(st.n, 13);
    hs_stencil_free(&st);
    hs_lattice tiny = {1, 1, 100.0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(hs_stencil_build(&st, &tiny, 300.0), 0);
    assert_int_equal(st.n, 37);
    hs_stencil_free(&st);
}

static void nn_brute_force(void **state)
{
    (void)state;
    size_t n = 700;
    double *xy = malloc(2 * n * sizeof *xy), *d = malloc(n * sizeof *d);
    for (size_t i = 0; i < n; i++) {
        /* clustered and spread, with some coincident points */
        double u = uni(), v = uni();
        if (i % 5 == 0) {
            u *= 0.01;
            v *= 0.01;
        }
        xy[2 * i] = 1000 * u;
        xy[2 * i + 1] = 3000 * v;
    }
    xy[2 * 10] = xy[2 * 11];
    xy[2 * 10 + 1] = xy[2 * 11 + 1];
    assert_int_equal(hs_nn_distances(xy, n, d), 0);
    for (size_t i = 0; i < n; i++) {
        double best = INFINITY;
        for (size_t j = 0; j < n; j++)
            if (j != i)
                best = fmin(best, hypot(xy[2 * i] - xy[2 * j],
                                        xy[2 * i + 1] - xy[2 * j + 1]));
        assert_double_equal(d[i], best, 1e-9);
    }
    assert_double_equal(d[10], 0.0, 0);
    free(xy);
    free(d);
}

/* Regular grid of 100 points, spacing 100 m, in 1 km^2: observed 100 m,
 * expected 0.5 / sqrt(100 / 1e6) = 50 m, ratio 2, SE 0.26136 / 0.1,
 * z = 50 / 2.6136. */
static void nni_regular_grid(void **state)
{
    (void)state;
    double xy[200], d[100];
    for (int i = 0; i < 100; i++) {
        xy[2 * i] = 50 + 100 * (i % 10);
        xy[2 * i + 1] = 50 + 100 * (i / 10);
    }
    assert_int_equal(hs_nn_distances(xy, 100, d), 0);
    hs_nni r;
    hs_nni_index(d, 100, 1e6, &r);
    assert_double_equal(r.observed, 100, 1e-9);
    assert_double_equal(r.expected, 50, 1e-9);
    assert_double_equal(r.ratio, 2, 1e-12);
    assert_double_equal(r.z, 50 / 2.6136, 1e-9);
}

/* p = [0.01, 0.04, 0.03, 0.005, 0.5]: sorted 0.005 0.01 0.03 0.04 0.5,
 * times 5/rank 0.025 0.025 0.05 0.05 0.5, running minimum from the top:
 * q = [0.025, 0.05, 0.05, 0.025, 0.5]. */
static void fdr_known(void **state)
{
    (void)state;
    double p[6] = {0.01, 0.04, 0.03, 0.005, 0.5, NAN}, q[6];
    assert_int_equal(hs_fdr_qvalues(p, 6, q), 0);
    /* NaN is left out: m = 5 */
    double want[5] = {0.025, 0.05, 0.05, 0.025, 0.5};
    for (int i = 0; i < 5; i++)
        assert_double_equal(q[i], want[i], 1e-15);
    assert_true(isnan(q[5]));
    /* classes from q: 0.025 -> 95 %, 0.05 -> 95 %, 0.5 -> none */
    assert_int_equal(hs_class(2.5, q[0]), 2);
    assert_int_equal(hs_class(-2.0, q[1]), -2);
    assert_int_equal(hs_class(1.0, q[4]), 0);
    /* uncorrected p: 0.005 -> 99 %, 0.01 -> 99 %, 0.04 -> 95 % */
    assert_int_equal(hs_class(3.0, p[3]), 3);
    assert_int_equal(hs_class(-3.0, p[0]), -3);
    assert_int_equal(hs_class(2.0, p[1]), 2);
    assert_int_equal(hs_class(1.7, 0.08), 1);
    assert_int_equal(hs_class(1.7, 0.11), 0);
    assert_int_equal(hs_class(NAN, 0.01), 0);
}

/* [1 2 2 3 5 4]: S = 5 + 3 + 3 + 2 - 1 = 12; var = (6*5*17 - 2*1*9)/18
 * = 492/18; z = 11 / sqrt(var); tau-b = 12 / sqrt(15 * 14). */
static void mann_kendall_known(void **state)
{
    (void)state;
    double x[6] = {1, 2, 2, 3, 5, 4};
    hs_mk r;
    hs_mann_kendall(x, 6, &r);
    assert_double_equal(r.S, 12, 0);
    assert_double_equal(r.varS, 492.0 / 18.0, 1e-12);
    double z = 11 / sqrt(492.0 / 18.0);
    assert_double_equal(r.z, z, 1e-12);
    assert_double_equal(r.z, 2.10401, 1e-5);
    assert_double_equal(r.p, erfc(z / sqrt(2)), 1e-12);
    assert_double_equal(r.p, 0.035378, 1e-5);
    assert_double_equal(r.tau, 12 / sqrt(210.0), 1e-12);
    /* strictly decreasing 5..1: S = -10, var = 5*4*15/18, tau = -1 */
    double y[5] = {5, 4, 3, 2, 1};
    hs_mann_kendall(y, 5, &r);
    assert_double_equal(r.S, -10, 0);
    assert_double_equal(r.varS, 300.0 / 18.0, 1e-12);
    assert_double_equal(r.z, -9 / sqrt(300.0 / 18.0), 1e-12);
    assert_double_equal(r.tau, -1, 1e-12);
    /* all tied: S = 0, p = 1 */
    double c[4] = {2, 2, 2, 2};
    hs_mann_kendall(c, 4, &r);
    assert_double_equal(r.S, 0, 0);
    assert_double_equal(r.p, 1, 0);
}

static int category(const double *z, double sign)
{
    double zz[10], p[10];
    for (int t = 0; t < 10; t++) {
        zz[t] = sign * z[t];
        p[t] = erfc(fabs(zz[t]) / sqrt(2));
    }
    hs_mk mk;
    hs_mann_kendall(zz, 10, &mk);
    return hs_eh_category(zz, p, 10, &mk, 0.05);
}

/* Each of the 17 categories from a series built to land in it (10 steps;
 * z = 3 is significant at 0.05, z = 0.5 is not). */
static void emerging_17(void **state)
{
    (void)state;
    double up[10], flat[10], down[10];
    for (int t = 0; t < 10; t++) {
        up[t] = 2.5 + 0.2 * t;
        down[t] = 4.3 - 0.2 * t;
        flat[t] = 3.0 + 0.1 * (t % 2); /* S = 5: no significant trend */
    }
    const double newer[10] = {0.5, 0, 0, 0, 0, 0, 0, 0, 0, 3};
    const double consec[10] = {0, 0.5, 0, 0, 0, 0, 0, 3, 3, 3};
    const double sporadic[10] = {3, 0, 0, 3, 0, 3, 0, 0, 0, 3};
    const double oscil[10] = {-3, 0, 0, 3, 0, 0, 0, 0, 0, 3};
    const double hist[10] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 0.5};
    const double none[10] = {0.5, 0, 3, 0, 0, 3, 0, 0, -3, 0};
    struct {
        const double *z;
        int hot;
        const char *name;
    } cases[] = {
        {newer, HS_EH_NEW, "new hot spot"},
        {consec, HS_EH_CONSECUTIVE, "consecutive hot spot"},
        {up, HS_EH_INTENSIFYING, "intensifying hot spot"},
        {flat, HS_EH_PERSISTENT, "persistent hot spot"},
        {down, HS_EH_DIMINISHING, "diminishing hot spot"},
        {sporadic, HS_EH_SPORADIC, "sporadic hot spot"},
        {oscil, HS_EH_OSCILLATING, "oscillating hot spot"},
        {hist, HS_EH_HISTORICAL, "historical hot spot"},
    };
    for (size_t i = 0; i < 8; i++) {
        int c = category(cases[i].z, 1);
        assert_int_equal(c, cases[i].hot);
        assert_string_equal(hs_eh_name(c), cases[i].name);
        /* the cold mirror image: negated series */
        int m = category(cases[i].z, -1);
        assert_int_equal(m, -cases[i].hot);
        char cold[64];
        snprintf(cold, sizeof cold, "%.*s cold spot",
                 (int)(strlen(cases[i].name) - strlen(" hot spot")),
                 cases[i].name);
        assert_string_equal(hs_eh_name(m), cold);
    }
    assert_int_equal(category(none, 1), HS_EH_NONE);
    assert_string_equal(hs_eh_name(HS_EH_NONE), "no pattern");
}

/* Moran's I on a small square-lattice set against the definition
 * I = n / S0 * sum_ij w_ij z_i z_j / sum z_i^2 (self excluded). */
static void moran_definition(void **state)
{
    (void)state;
    hs_lattice L = {0, 0, 1000.0, 0, 0, 0, 0, 0, 0, 0};
    double box[4] = {0, 0, 9000, 7000};
    assert_int_equal(hs_lattice_set_range(&L, box, 3, 1000000), 0);
    hs_cells c;
    assert_int_equal(hs_cells_init(&c, &L), 0);
    for (int64_t r = 0; r <= 7; r++)
        for (int64_t q = 0; q <= 9; q++) {
            int64_t k = hs_lattice_index(&L, q, r);
            c.member[k] = 1;
            c.count[k] = (q * 7 + r * 3) % 5 + (q > 5 ? 4 : 0);
        }
    assert_int_equal(hs_cells_relist(&c), 0);
    double *x = hs_cells_values(&c, 0);
    hs_stencil st;
    assert_int_equal(hs_stencil_build(&st, &L, 2000.0), 0);
    hs_moran mo;
    assert_int_equal(hs_moran_i(&c, &st, x, &mo), 0);
    size_t n = c.n;
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[c.list[i]];
    mean /= n;
    double num = 0, den = 0, S0 = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t a = c.list[i];
        double xa = (double)(a % L.w), ya = (double)(a / L.w);
        den += (x[a] - mean) * (x[a] - mean);
        for (size_t j = 0; j < n; j++) {
            int64_t b = c.list[j];
            double xb = (double)(b % L.w), yb = (double)(b / L.w);
            double d2 = (xa - xb) * (xa - xb) + (ya - yb) * (ya - yb);
            if (i != j && d2 <= 4.0) {
                num += (x[a] - mean) * (x[b] - mean);
                S0 += 1;
            }
        }
    }
    assert_double_equal(mo.S0, S0, 0);
    assert_double_equal(mo.I, n / S0 * num / den, 1e-12);
    assert_double_equal(mo.E, -1.0 / (n - 1), 1e-15);
    hs_stencil_free(&st);
    free(x);
    hs_cells_free(&c);
}

/* DOC: flat end caps give 2 * w * L for a straight border; round caps
 * add the disc pi w^2 (as a 64-gon here, within 0.5 %). */
static void zone_area(void **state)
{
    (void)state;
    double xy[4] = {0, 0, 30000, 40000}; /* L = 50 km */
    int64_t off[2] = {0, 2};
    char err[200];
    hs_zone *z;
    assert_int_equal(hs_zone_create(&z, 2, xy, off, 1, 5000, 1, NULL, err,
                                    sizeof err), 0);
    assert_double_equal(hs_zone_area(z), 2 * 5000.0 * 50000.0, 1e-3);
    assert_int_equal(hs_zone_contains(z, 15000, 20000), 1);
    assert_int_equal(hs_zone_contains(z, 15000 + 4000 * 0.8,
                                      20000 - 4000 * 0.6), 1);
    assert_int_equal(hs_zone_contains(z, 15000 + 6000 * 0.8,
                                      20000 - 6000 * 0.6), 0);
    hs_zone_destroy(z);
    assert_int_equal(hs_zone_create(&z, 2, xy, off, 1, 5000, 0, NULL, err,
                                    sizeof err), 0);
    double want = 2 * 5000.0 * 50000.0 + M_PI * 25e6;
    assert_true(fabs(hs_zone_area(z) - want) < 0.005 * want);
    hs_zone_destroy(z);
    /* clipped to a box holding the middle 30 km of the line */
    double clip[4] = {6000, -1e6, 24000, 1e6};
    assert_int_equal(hs_zone_create(&z, 2, xy, off, 1, 5000, 1, clip, err,
                                    sizeof err), 0);
    /* a parallelogram: 18 km along x; the band |0.6 y - 0.8 x| <= 5 km
     * is 10 / 0.6 km tall on every vertical cut (the flat caps lie
     * outside the clip), so the area is 18 km * 10 km / 0.6 */
    assert_double_equal(hs_zone_area(z), 18000.0 * 10000.0 / 0.6, 1e-2);
    hs_zone_destroy(z);
    /* nothing to buffer */
    int64_t off1[2] = {0, 1};
    assert_int_equal(hs_zone_create(&z, 2, xy, off1, 1, 5000, 1, NULL, err,
                                    sizeof err), -1);
    assert_non_null(strstr(err, "two or more points"));
}

static void parse_time(void **state)
{
    (void)state;
    int64_t ms;
    /* values from `date -u -d ... +%s` */
    assert_int_equal(hs_parse_time("2026-07-01", &ms), 0);
    assert_int_equal(ms, 1782864000000LL);
    assert_int_equal(hs_parse_time("2024-02-29T13:45:30Z", &ms), 0);
    assert_int_equal(ms, 1709214330000LL);
    assert_int_equal(hs_parse_time("2024-02-29 13:45", &ms), 0);
    assert_int_equal(ms, 1709214300000LL);
    assert_int_equal(hs_parse_time("2024-13-01", &ms), -1);
    assert_int_equal(hs_parse_time("yesterday", &ms), -1);
    assert_int_equal(hs_parse_time("2024-01-01T10", &ms), -1);
    assert_int_equal(hs_parse_time(NULL, &ms), -1);
}

/* KDE of one point at a cell centre keeps its mass: sum * cell^2 = 1,
 * and the surface peaks at that cell. */
static void kde_single_point(void **state)
{
    (void)state;
    /* 41 x 41 cells of 100 m from (0, 4100): the centre of column 20,
     * row 20 is (2050, 2050); the kernels (quartic 250 m, Gaussian sigma
     * 250 m cut at 4 sigma) fit inside. */
    double xy[2] = {2050, 2050};
    static double out[41 * 41];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(hs_kde(xy, NULL, NULL, 1, 0, 4100, 100, 41, 41,
                                k ? HS_GAUSSIAN : HS_QUARTIC, 250, out),
                         0);
        double sum = 0, peak = 0;
        int at = -1;
        for (int i = 0; i < 41 * 41; i++) {
            sum += out[i];
            if (out[i] > peak) {
                peak = out[i];
                at = i;
            }
        }
        assert_double_equal(sum * 100 * 100, 1.0, 1e-9);
        assert_int_equal(at, 20 * 41 + 20);
        /* quartic: zero at and beyond the bandwidth (3 cells = 300 m) */
        if (k == 0)
            assert_double_equal(out[20 * 41 + 23], 0.0, 0);
    }
}

/* Space-time Gi* against the formula: neighbours of (i, t) are the
 * cells within the band at steps t-1 and t (lag 1), binary, self
 * included; mean and S over all cells and steps. */
static void gi_space_time(void **state)
{
    (void)state;
    hs_lattice L = {1, 1, 1000.0, 0, 0, 0, 0, 0, 0, 0};
    double box[4] = {0, 0, 8000, 6000};
    assert_int_equal(hs_lattice_set_range(&L, box, 3, 1000000), 0);
    hs_cells c;
    assert_int_equal(hs_cells_init(&c, &L), 0);
    for (int64_t k = 0; k < c.n_dense; k++) {
        int64_t q = L.q0 + k % L.w, r = L.r0 + k / L.w;
        double x, y;
        hs_lattice_centre(&L, q, r, &x, &y);
        int64_t a = k % L.w, b = k / L.w;
        c.member[k] = x >= 0 && x <= 8000 && y >= 0 && y <= 6000 &&
                      a >= 3 && b >= 3 && a < L.w - 3 && b < L.h - 3;
    }
    assert_int_equal(hs_cells_relist(&c), 0);
    size_t T = 4, N = c.n, nd = (size_t)c.n_dense;
    double *x = calloc(T * nd, sizeof *x);
    for (size_t t = 0; t < T; t++)
        for (size_t k = 0; k < N; k++)
            x[t * nd + (size_t)c.list[k]] = floor(uni() * 6) + (k < 5 ? t : 0);
    hs_stencil st;
    assert_int_equal(hs_stencil_build(&st, &L, 2000.0), 0);
    double *z = malloc(T * N * sizeof *z);
    assert_int_equal(hs_gi_star_st(&c, &st, x, T, 1, z), 0);
    double n = (double)(N * T), sum = 0, sum2 = 0;
    for (size_t t = 0; t < T; t++)
        for (size_t k = 0; k < N; k++) {
            double v = x[t * nd + (size_t)c.list[k]];
            sum += v;
            sum2 += v * v;
        }
    double mean = sum / n, S = sqrt(sum2 / n - mean * mean);
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < N; i++) {
            double xi, yi, lag = 0, W = 0;
            int64_t a = c.list[i];
            hs_lattice_centre(&L, L.q0 + a % L.w, L.r0 + a / L.w, &xi, &yi);
            for (size_t u = t ? t - 1 : 0; u <= t; u++)
                for (size_t j = 0; j < N; j++) {
                    double xj, yj;
                    int64_t b = c.list[j];
                    hs_lattice_centre(&L, L.q0 + b % L.w, L.r0 + b / L.w,
                                      &xj, &yj);
                    if (hypot(xi - xj, yi - yj) <= 2000.0 * (1 + 1e-9)) {
                        lag += x[u * nd + (size_t)b];
                        W += 1;
                    }
                }
            double want = (lag - mean * W) /
                          (S * sqrt((n * W - W * W) / (n - 1)));
            assert_double_equal(z[t * N + i], want, 1e-9);
        }
    free(z);
    free(x);
    hs_stencil_free(&st);
    hs_cells_free(&c);
}

/* The cell-size rule by hand. (a) zeros are ignored; 19 ones and a 10:
 * mean 1.45, SD = sqrt(19) * 9 / 20 = 1.96, cut 7.33 drops the 10; mean =
 * median = 1, scale 2: 2 m. (b) 1 1 1 5 5: mean 2.6, SD 1.96, nothing
 * dropped; median 1; the mean times max(2, 2.6) = 6.76 m. (c) a floor:
 * 100 cells of at least sqrt(1e6 / 100) = 100 m over 1 km^2 (squares). */
static void auto_cell_rule(void **state)
{
    (void)state;
    double a[22] = {0, 0};
    for (int i = 2; i < 21; i++)
        a[i] = 1;
    a[21] = 10;
    char how[400];
    assert_double_equal(hs_auto_cell(a, 22, 1e6, 1, 1000000, how,
                                     sizeof how), 2.0, 1e-12);
    assert_non_null(strstr(how, "1 locational outliers"));
    double b[5] = {1, 1, 1, 5, 5};
    assert_double_equal(hs_auto_cell(b, 5, 1e6, 1, 1000000, how,
                                     sizeof how), 6.76, 1e-12);
    assert_double_equal(hs_auto_cell(b, 5, 1e6, 0, 100, how, sizeof how),
                        100.0, 1e-9);
    assert_non_null(strstr(how, "max_cells"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lattice_nearest),
        cmocka_unit_test(lattice_geometry),
        cmocka_unit_test(stencil_sizes),
        cmocka_unit_test(nn_brute_force),
        cmocka_unit_test(nni_regular_grid),
        cmocka_unit_test(fdr_known),
        cmocka_unit_test(mann_kendall_known),
        cmocka_unit_test(emerging_17),
        cmocka_unit_test(moran_definition),
        cmocka_unit_test(zone_area),
        cmocka_unit_test(parse_time),
        cmocka_unit_test(kde_single_point),
        cmocka_unit_test(gi_space_time),
        cmocka_unit_test(auto_cell_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
