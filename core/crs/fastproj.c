/*
 * Fast forward paths, from lon/lat degrees, for the projections of the
 * analysis CRSs routemap picks: transverse Mercator (UTM) and Lambert
 * azimuthal equal-area on an ellipsoid. Each loop stops at the first point
 * outside its stated domain so that the caller hands that point to PROJ;
 * crs.c turns a path on only after it agrees with PROJ on a grid.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crs/crs_internal.h"
#include "util/util.h"

#define DEG 0.017453292519943296

/*
 * Domains: half-widths in longitude (degrees from lon_0) and the largest
 * latitude. Near the poles PROJ's laea loses precision to rounding (cos
 * beta from 1 - sin^2 beta: 0.3 m at a pole, 1e-6 m at 89 degrees), so
 * points within 5 degrees of a pole go to PROJ.
 */
#define TM_DLON_MAX 40.0
#define TM_LAT_MAX 90.0
#define LAEA_DLON_MAX 90.0
#define LAEA_LAT_MAX 85.0

/*
 * Transverse Mercator, Krueger's series in the third flattening n to order
 * n^6 as given by Karney (2011, J. Geodesy 85:475, eqs. 35-36); conformal
 * latitude by its n^6 series chi = phi + sum c_j sin(2 j phi). The same
 * series as PROJ's default (Poder/Engsager) algorithm, so results agree to
 * rounding; they are within 5 nm of the exact mapping up to 3900 km from
 * the central meridian (Karney 2011, sect. 4).
 */
static void tm_coefficients(double n, double c[6], double alpha[6])
{
    double n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
    c[0] = -2.0 * n + 2.0 / 3 * n2 + 4.0 / 3 * n3 - 82.0 / 45 * n4 +
           32.0 / 45 * n5 + 4642.0 / 4725 * n6;
    c[1] = 5.0 / 3 * n2 - 16.0 / 15 * n3 - 13.0 / 9 * n4 +
           904.0 / 315 * n5 - 1522.0 / 945 * n6;
    c[2] = -26.0 / 15 * n3 + 34.0 / 21 * n4 + 8.0 / 5 * n5 -
           12686.0 / 2835 * n6;
    c[3] = 1237.0 / 630 * n4 - 12.0 / 5 * n5 - 24832.0 / 14175 * n6;
    c[4] = -734.0 / 315 * n5 + 109598.0 / 31185 * n6;
    c[5] = 444337.0 / 155925 * n6;
    alpha[0] = n / 2 - 2.0 / 3 * n2 + 5.0 / 16 * n3 + 41.0 / 180 * n4 -
               127.0 / 288 * n5 + 7891.0 / 37800 * n6;
    alpha[1] = 13.0 / 48 * n2 - 3.0 / 5 * n3 + 557.0 / 1440 * n4 +
               281.0 / 630 * n5 - 1983433.0 / 1935360 * n6;
    alpha[2] = 61.0 / 240 * n3 - 103.0 / 140 * n4 + 15061.0 / 26880 * n5 +
               167603.0 / 181440 * n6;
    alpha[3] = 49561.0 / 161280 * n4 - 179.0 / 168 * n5 +
               6601661.0 / 7257600 * n6;
    alpha[4] = 34729.0 / 80640 * n5 - 3418889.0 / 1995840 * n6;
    alpha[5] = 212378941.0 / 319334400 * n6;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 35)
#define FP_HAVE_AVX2 1
#define FP_HAVE_AVX512 1
#endif
#endif

/* ---- scalar: one point at a time through libm ---- */

#define FP_V double
#define FP_NAME(f) f##_scalar
#define FP_SPLAT(x) (x)
#define FP_ATAN2 atan2
#define FP_LOG1P log1p
#define FP_SQRT sqrt
#define FP_MIN fmin
#define FP_MAX fmax
#include "crs/fastproj_math.h"

static void run_scalar(const rm__fastproj *fp, double *xy, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        double *p = xy + 2 * i;
        if (fp->kind == RM__FAST_TMERC)
            tm_scalar(fp, p[0], p[1], p, p + 1);
        else
            laea_scalar(fp, p[0], p[1], p, p + 1);
    }
}

/* ---- AVX2: four points at a time through glibc's libmvec ---- */

#ifdef FP_HAVE_AVX2
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")
/* Products and sums fused into FMAs (C11 mode leaves them apart): the
 * series are chains of multiply-adds. */
#pragma GCC optimize("fp-contract=fast")
/* libmvec's 4-lane AVX2 variants (x86_64 vector ABI names, glibc 2.35). */
__m256d _ZGVdN4vv_atan2(__m256d y, __m256d x);
__m256d _ZGVdN4v_log1p(__m256d x);

#define FP_V __m256d
#define FP_NAME(f) f##_avx2
#define FP_SPLAT(x) _mm256_set1_pd(x)
#define FP_ATAN2 _ZGVdN4vv_atan2
#define FP_LOG1P _ZGVdN4v_log1p
#define FP_SQRT _mm256_sqrt_pd
#define FP_MIN _mm256_min_pd
#define FP_MAX _mm256_max_pd
#define FP_LANES 4
#define FP_LOADU _mm256_loadu_pd
#define FP_STOREU _mm256_storeu_pd
#define FP_UNPACKLO _mm256_unpacklo_pd
#define FP_UNPACKHI _mm256_unpackhi_pd
#include "crs/fastproj_math.h"

#pragma GCC pop_options
#endif

/* ---- AVX-512: eight points at a time through libmvec ---- */

#ifdef FP_HAVE_AVX512
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
#pragma GCC optimize("fp-contract=fast")
__m512d _ZGVeN8vv_atan2(__m512d y, __m512d x);
__m512d _ZGVeN8v_log1p(__m512d x);

#define FP_V __m512d
#define FP_NAME(f) f##_avx512
#define FP_SPLAT(x) _mm512_set1_pd(x)
#define FP_ATAN2 _ZGVeN8vv_atan2
#define FP_LOG1P _ZGVeN8v_log1p
#define FP_SQRT _mm512_sqrt_pd
#define FP_MIN _mm512_min_pd
#define FP_MAX _mm512_max_pd
#define FP_LANES 8
#define FP_LOADU _mm512_loadu_pd
#define FP_STOREU _mm512_storeu_pd
#define FP_UNPACKLO _mm512_unpacklo_pd
#define FP_UNPACKHI _mm512_unpackhi_pd
#include "crs/fastproj_math.h"

#pragma GCC pop_options
#endif

static int has_avx512(void)
{
#ifdef FP_HAVE_AVX512
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static int has_avx2(void)
{
#ifdef FP_HAVE_AVX2
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static int inside(const rm__fastproj *fp, const double *p)
{
    return fabs(p[0] - fp->lon0) <= fp->dlon_max &&
           fabs(p[1]) <= fp->lat_max;
}

size_t rm__fastproj_outside(const rm__fastproj *fp, const double *xy,
                            size_t n)
{
    size_t i = 0;
    while (i < n && !inside(fp, xy + 2 * i))
        i++;
    return i;
}

size_t rm__fastproj_fwd(const rm__fastproj *fp, double *xy, size_t n)
{
    if (fp->kind == RM__FAST_NONE)
        return 0;
    size_t step = fp->vec == RM__FP_VEC_AVX512 ? 8 : 4;
    size_t i = 0;
    while (i < n) {
        size_t m = n - i < step ? n - i : step, k = 0;
        while (k < m && inside(fp, xy + 2 * (i + k)))
            k++;
        if (k) {
#ifdef FP_HAVE_AVX512
            if (fp->vec == RM__FP_VEC_AVX512)
                run_avx512(fp, xy + 2 * i, k);
            else
#endif
#ifdef FP_HAVE_AVX2
            if (fp->vec == RM__FP_VEC_AVX2)
                run_avx2(fp, xy + 2 * i, k);
            else
#endif
                run_scalar(fp, xy + 2 * i, k);
        }
        i += k;
        if (k < m)
            break;
    }
    return i;
}

/* ---- recognising PROJ's definition of the conversion ------------------ */

typedef struct params {
    int proj; /* RM__FAST_* */
    int utm, zone, south, ellps;
    double a, f;
    int has_lat0, has_lon0, has_k, has_x0, has_y0;
    double lat0, lon0, k, x0, y0;
} params;

static int number(const char *v, int *has, double *out)
{
    if (*has || rm__parse_double(v, out) != 0)
        return 0;
    *has = 1;
    return 1;
}

/* One "+key[=value]" token; @return 0 for anything not understood. */
static int token(params *pr, const char *key, size_t klen, const char *v)
{
#define IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
    if (IS("proj") && v) {
        if (pr->proj)
            return 0;
        if (strcmp(v, "utm") == 0) {
            pr->proj = RM__FAST_TMERC;
            pr->utm = 1;
        } else if (strcmp(v, "tmerc") == 0 || strcmp(v, "etmerc") == 0) {
            pr->proj = RM__FAST_TMERC;
        } else if (strcmp(v, "laea") == 0) {
            pr->proj = RM__FAST_LAEA;
        } else {
            return 0;
        }
        return 1;
    }
    if (IS("zone") && v) {
        int64_t z;
        if (pr->zone || rm__parse_int64(v, &z) != 0 || z < 1 || z > 60)
            return 0;
        pr->zone = (int)z;
        return 1;
    }
    if (IS("south") && !v && !pr->south)
        return pr->south = 1;
    if (IS("ellps") && v && !pr->ellps) {
        pr->ellps = 1;
        pr->a = 6378137.0;
        if (strcmp(v, "WGS84") == 0)
            pr->f = 1.0 / 298.257223563;
        else if (strcmp(v, "GRS80") == 0)
            pr->f = 1.0 / 298.257222101;
        else
            return 0;
        return 1;
    }
    if (IS("units") && v)
        return strcmp(v, "m") == 0;
    if (!v)
        return IS("no_defs");
    if (IS("lat_0"))
        return number(v, &pr->has_lat0, &pr->lat0);
    if (IS("lon_0"))
        return number(v, &pr->has_lon0, &pr->lon0);
    if (IS("k") || IS("k_0"))
        return number(v, &pr->has_k, &pr->k);
    if (IS("x_0"))
        return number(v, &pr->has_x0, &pr->x0);
    if (IS("y_0"))
        return number(v, &pr->has_y0, &pr->y0);
    return 0;
#undef IS
}

static int parse(params *pr, const char *def)
{
    memset(pr, 0, sizeof *pr);
    char buf[512];
    size_t len = strlen(def);
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, def, len + 1);
    char *s = buf;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        if (*s != '+')
            return 0;
        char *end = strchr(s, ' ');
        if (end)
            *end = '\0';
        char *key = s + 1, *eq = strchr(key, '=');
        size_t klen = eq ? (size_t)(eq - key) : strlen(key);
        if (!token(pr, key, klen, eq ? eq + 1 : NULL))
            return 0;
        s = end ? end + 1 : s + strlen(s);
    }
    return pr->proj != 0 && pr->ellps;
}

static int setup_tmerc(rm__fastproj *fp, const params *pr)
{
    double lat0 = 0.0, lon0 = pr->lon0, k0 = 1.0, x0 = 0.0, y0 = 0.0;
    if (pr->utm) {
        if (!pr->zone || pr->has_lat0 || pr->has_lon0 || pr->has_k ||
            pr->has_x0 || pr->has_y0)
            return 0;
        lon0 = 6.0 * pr->zone - 183.0;
        k0 = 0.9996;
        x0 = 500000.0;
        y0 = pr->south ? 10000000.0 : 0.0;
    } else {
        if (pr->zone || pr->south)
            return 0;
        if (pr->has_lat0)
            lat0 = pr->lat0;
        if (pr->has_k)
            k0 = pr->k;
        if (pr->has_x0)
            x0 = pr->x0;
        if (pr->has_y0)
            y0 = pr->y0;
    }
    if (fabs(lat0) > 90.0 || fabs(lon0) > 180.0 || !(k0 > 0.0))
        return 0;
    double n = pr->f / (2.0 - pr->f), n2 = n * n;
    fp->kind = RM__FAST_TMERC;
    fp->lon0 = lon0;
    fp->dlon_max = TM_DLON_MAX;
    fp->lat_max = TM_LAT_MAX;
    fp->scale = k0 * pr->a / (1.0 + n) *
                (1.0 + n2 * (1.0 / 4 + n2 * (1.0 / 64 + n2 / 256)));
    tm_coefficients(n, fp->c, fp->alpha);
    /* Northing of the origin: subtract it so that lat_0 maps to y_0. */
    fp->x0 = 0.0;
    fp->y0 = 0.0;
    double ox, oy;
    tm_scalar(fp, lon0, lat0, &ox, &oy);
    if (!isfinite(oy))
        return 0;
    fp->x0 = x0;
    fp->y0 = y0 - oy;
    return 1;
}

/* Snyder's q (3-12) for sin(phi) = s: sin(beta) = q / q_p. */
static double laea_q(double e, double one_es, double s)
{
    double es = e * s;
    double atanh_es = 0.5 * log1p(2.0 * es / (1.0 - es));
    return one_es * (s / (1.0 - es * es) + atanh_es / e);
}

static int setup_laea(rm__fastproj *fp, const params *pr)
{
    if (pr->zone || pr->south || pr->has_k || pr->utm)
        return 0;
    double lat0 = pr->lat0, lon0 = pr->lon0;
    /* PROJ has special polar forms; stay with the oblique and equatorial
     * ones, which are one formula here. */
    if (fabs(lat0) > 89.0 || fabs(lon0) > 180.0)
        return 0;
    double es = pr->f * (2.0 - pr->f);
    fp->kind = RM__FAST_LAEA;
    fp->lon0 = lon0;
    fp->dlon_max = LAEA_DLON_MAX;
    fp->lat_max = LAEA_LAT_MAX;
    fp->e = sqrt(es);
    fp->one_es = 1.0 - es;
    fp->qp = laea_q(fp->e, fp->one_es, 1.0);
    double s1 = sin(lat0 * DEG), c1 = cos(lat0 * DEG);
    fp->sinb1 = laea_q(fp->e, fp->one_es, s1) / fp->qp;
    fp->cosb1 = sqrt(1.0 - fp->sinb1 * fp->sinb1);
    double rq = sqrt(0.5 * fp->qp);
    double dd = c1 / (sqrt(1.0 - es * s1 * s1) * rq * fp->cosb1);
    fp->xmf = pr->a * rq * dd;
    fp->ymf = pr->a * rq / dd;
    fp->x0 = pr->x0;
    fp->y0 = pr->y0;
    return 1;
}

int rm__fastproj_setup(rm__fastproj *fp, const char *def)
{
    memset(fp, 0, sizeof *fp);
    params pr;
    if (!def || !parse(&pr, def))
        return 0;
    int ok = pr.proj == RM__FAST_TMERC ? setup_tmerc(fp, &pr)
                                       : setup_laea(fp, &pr);
    if (!ok)
        memset(fp, 0, sizeof *fp);
    else
        fp->vec = has_avx512() ? RM__FP_VEC_AVX512
                  : has_avx2() ? RM__FP_VEC_AVX2
                               : RM__FP_VEC_NONE;
    return ok;
}
