/*
 * The exact orientation predicate of the crossings plugin against an
 * independent exact reference: coordinates are chosen as integers times a
 * power of two, so the determinant can be computed exactly in 128-bit
 * integers. The cases are the near-degenerate ones where the plain
 * floating-point determinant is known to fail (Kettner et al., "Classroom
 * examples of robustness problems in geometric computations", 2008).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "crossings_internal.h"

__extension__ typedef __int128 i128;

static uint64_t rng = 0x243f6a8885a308d3ULL;

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

/* Sign of (a-c) x (b-c) for integer points, exactly. */
static int exact_sign(const int64_t *a, const int64_t *b, const int64_t *c)
{
    i128 d = ((i128)a[0] - c[0]) * ((i128)b[1] - c[1]) -
             ((i128)a[1] - c[1]) * ((i128)b[0] - c[0]);
    return (d > 0) - (d < 0);
}

static int sgn(double v)
{
    return (v > 0) - (v < 0);
}

/* A random double in [-4, 4] with |x| >= 2^-8: a multiple of 2^-60. */
static double coord(void)
{
    for (;;) {
        double x = ldexp((double)(next_u64() >> 11), -50) - 4.0;
        if (fabs(x) >= 0x1p-8)
            return x;
    }
}

/* x * 2^60 as an integer: exact for coord()'s values (below 2^62). */
static void to_int(const double *p, int64_t *out)
{
    out[0] = (int64_t)ldexp(p[0], 60);
    out[1] = (int64_t)ldexp(p[1], 60);
}

/*
 * Nearly collinear triples: a, b random, c = a + t (b - a) rounded to
 * doubles and then moved by up to 3 ulps in each coordinate. All values
 * are multiples of 2^-60 below 4, so the exact determinant of the
 * integers x * 2^60 fits in 128 bits.
 */
static void test_near_collinear_random(void **state)
{
    (void)state;
    long naive_wrong = 0, zeros = 0, n = 0;
    while (n < 200000) {
        double da[2] = {coord(), coord()}, db[2] = {coord(), coord()};
        double t = ldexp((double)(next_u64() >> 11), -53);
        double dc[2] = {da[0] + t * (db[0] - da[0]),
                        da[1] + t * (db[1] - da[1])};
        if (n % 4 == 0) {
            /* Exactly on y = 3x, when 3x is exact for all three. */
            da[0] = coord() / 3.0;
            db[0] = coord() / 3.0;
            dc[0] = coord() / 3.0;
            da[1] = 3.0 * da[0];
            db[1] = 3.0 * db[0];
            dc[1] = 3.0 * dc[0];
            if (da[1] / 3.0 != da[0] || db[1] / 3.0 != db[0] ||
                dc[1] / 3.0 != dc[0] || fabs(da[0]) < 0x1p-8 ||
                fabs(db[0]) < 0x1p-8)
                continue;
        }
        for (int k = 0; k < 2 && n % 4 != 0; k++) {
            int steps = (int)uniform(-3, 3);
            for (; steps > 0; steps--)
                dc[k] = nextafter(dc[k], INFINITY);
            for (; steps < 0; steps++)
                dc[k] = nextafter(dc[k], -INFINITY);
        }
        if (fabs(dc[0]) < 0x1p-8 || fabs(dc[1]) < 0x1p-8 ||
            fabs(dc[0]) > 4.0 || fabs(dc[1]) > 4.0)
            continue;
        n++;
        int64_t a[2], b[2], c[2];
        to_int(da, a);
        to_int(db, b);
        to_int(dc, c);
        assert_true(ldexp((double)c[0], -60) == dc[0]);
        int want = exact_sign(a, b, c);
        zeros += want == 0;
        assert_int_equal(crossings_orient_sign(da, db, dc), want);
        /* The permutations agree. */
        assert_int_equal(crossings_orient_sign(db, dc, da), want);
        assert_int_equal(crossings_orient_sign(db, da, dc), -want);
        naive_wrong += sgn(crossings_orient2d_naive(da, db, dc)) != want;
    }
    /* The test is only worth something if the easy way fails here. */
    print_message("plain determinant wrong in %ld of 200000, zero in %ld\n",
                  naive_wrong, zeros);
    assert_true(naive_wrong > 1000);
    assert_true(zeros > 100);
}

/*
 * Kettner's grid: p = (0.5 + x u, 0.5 + y u), u = 2^-53, x, y in 0..255,
 * against q = (12, 12), r = (24, 24). In units of 2^-53 all coordinates
 * are integers below 2^58.
 */
static void test_kettner_grid(void **state)
{
    (void)state;
    const int64_t half = (int64_t)1 << 52;
    int64_t q[2] = {12 * ((int64_t)1 << 53), 12 * ((int64_t)1 << 53)};
    int64_t r[2] = {24 * ((int64_t)1 << 53), 24 * ((int64_t)1 << 53)};
    double dq[2] = {12.0, 12.0}, dr[2] = {24.0, 24.0};
    long naive_wrong = 0;
    for (int x = 0; x < 256; x++) {
        for (int y = 0; y < 256; y++) {
            int64_t p[2] = {half + x, half + y};
            double dp[2] = {0.5 + ldexp(x, -53), 0.5 + ldexp(y, -53)};
            assert_true(dp[0] == ldexp((double)p[0], -53));
            int want = exact_sign(p, q, r);
            assert_int_equal(want, (y > x) - (y < x));
            assert_int_equal(crossings_orient_sign(dp, dq, dr), want);
            naive_wrong += sgn(crossings_orient2d_naive(dp, dq, dr)) != want;
        }
    }
    assert_true(naive_wrong > 0);
}

/* Points exactly on y = 3x where the plain determinant says "right". */
static void test_known_case(void **state)
{
    (void)state;
    const double a[2] = {0x1.0879b88470118p-3, 0x1.8cb694c6a81a4p-2};
    const double b[2] = {0x1.8b7025edf8488p+11, 0x1.28941c727a366p+13};
    const double p[2] = {0x1.711e260828a60p+2, 0x1.14d69c861e7c8p+4};
    assert_true(a[1] == 3.0 * a[0] && b[1] == 3.0 * b[0] &&
                p[1] == 3.0 * p[0]);
    assert_true(crossings_orient2d_naive(a, b, p) < 0.0);
    assert_int_equal(crossings_orient_sign(a, b, p), 0);
    /* Hand values: left, right, repeated points. */
    const double o[2] = {0, 0}, e[2] = {1, 0}, n[2] = {0, 1}, s[2] = {0, -1};
    assert_int_equal(crossings_orient_sign(o, e, n), 1);
    assert_int_equal(crossings_orient_sign(o, e, s), -1);
    assert_int_equal(crossings_orient_sign(o, o, n), 0);
    assert_int_equal(crossings_orient_sign(e, e, e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_near_collinear_random),
        cmocka_unit_test(test_kettner_grid),
        cmocka_unit_test(test_known_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
