/*
 * Tests of the map-margin mathematics (core/render/marginalia_math.h):
 * declination, calendar, convergence, scale factors, scale bar, graticule,
 * UTM/MGRS grid. Expected values are worked out by hand or from closed
 * forms in this file, or taken from PROJ's cs2cs (command beside the value)
 * and from the independent declination cross-check table in
 * tests/data/wmm/; never from this module's own output.
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

#include "render/marginalia_math.h"
#include "routemap/context.h"
#include "routemap/crs.h"
#include "routemap/errors.h"
#include "test_support.h"

#define DEG (M_PI / 180.0)

/* Transform one point with PROJ through the public CRS API. */
static void xform(rm_context *ctx, const char *from, const char *to,
                  double *xy)
{
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, from, to), RM_OK);
    assert_int_equal(rm_transform_apply(tr, xy, 1, NULL), RM_OK);
    rm_transform_destroy(tr);
    assert_true(isfinite(xy[0]) && isfinite(xy[1]));
}

/* ------------------------------------------------------------------ */
/* declination                                                         */
/* ------------------------------------------------------------------ */

/*
 * tests/data/wmm/declination-crosscheck.csv: 20 declinations computed by
 * an independent WMM2025 implementation (npm magvar 2.2.0) from the same
 * coefficients, rounded to 0.01 degree. We agree within 0.05 degree.
 */
static void test_declination_crosscheck(void **state)
{
    rm_context *ctx = *state;
    const char *path =
        RM_SOURCE_DIR "/tests/data/wmm/declination-crosscheck.csv";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        double lat, lon, alt, year, ref;
        assert_int_equal(sscanf(line, "%lf,%lf,%lf,%lf,%lf", &lat, &lon,
                                &alt, &year, &ref),
                         5);
        double d;
        int valid;
        assert_int_equal(
            rm__wmm_declination(ctx, &d, &valid, lat, lon, alt, year),
            RM_OK);
        if (fabs(d - ref) > 0.05)
            fail_msg("lat %g lon %g year %g: declination %.4f, expected "
                     "%.2f",
                     lat, lon, year, d, ref);
        assert_int_equal(valid, 1);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 20);
}

/* DOC: out_valid is 1 when decimal_year lies in [2025.0, 2030.0]. */
static void test_declination_validity(void **state)
{
    rm_context *ctx = *state;
    double d;
    int valid;
    static const struct {
        double year;
        int valid;
    } cases[] = {{2025.0, 1}, {2030.0, 1}, {2027.3, 1},
                 {2024.99, 0}, {2030.01, 0}, {2040.0, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(rm__wmm_declination(ctx, &d, &valid, 16.77, -3.0,
                                             0.0, cases[i].year),
                         RM_OK);
        assert_true(isfinite(d));
        assert_int_equal(valid, cases[i].valid);
    }
}

/*
 * At a geographic pole the horizontal field is one fixed vector B at angle
 * beta in the equatorial plane, while "north along meridian lambda" turns
 * with lambda. North pole: north = -(cos l, sin l), east = (-sin l, cos l),
 * so X = -|B| cos(l - beta), Y = -|B| sin(l - beta) and D = l - beta + 180:
 * D grows by 10 degrees when lon grows by 10. South pole: north =
 * (cos l, sin l), so D = beta - l: D falls by 10. A finite result also
 * shows there is no division by cos(latitude).
 */
static void test_declination_poles(void **state)
{
    rm_context *ctx = *state;
    for (int pole = -1; pole <= 1; pole += 2) {
        double d0, d1, dn;
        int v;
        assert_int_equal(rm__wmm_declination(ctx, &d0, &v, 90.0 * pole,
                                             0.0, 0.0, 2026.0),
                         RM_OK);
        assert_int_equal(rm__wmm_declination(ctx, &d1, &v, 90.0 * pole,
                                             10.0, 0.0, 2026.0),
                         RM_OK);
        assert_true(isfinite(d0) && isfinite(d1));
        double step = remainder(d1 - d0, 360.0);
        assert_true(fabs(step - 10.0 * pole) < 1e-6);
        /* continuous with a point a few centimetres from the pole */
        assert_int_equal(rm__wmm_declination(ctx, &dn, &v,
                                             pole * 89.9999999, 0.0, 0.0,
                                             2026.0),
                         RM_OK);
        assert_true(fabs(remainder(dn - d0, 360.0)) < 1e-3);
    }
}

static void test_declination_bad_input(void **state)
{
    rm_context *ctx = *state;
    double d;
    int v;
    assert_int_equal(rm__wmm_declination(ctx, &d, &v, 91.0, 0, 0, 2026),
                     RM_EINVAL);
    assert_true(isnan(d));
    assert_int_equal(v, 0);
    assert_int_equal(rm__wmm_declination(ctx, &d, &v, NAN, 0, 0, 2026),
                     RM_EINVAL);
    assert_int_equal(rm__wmm_declination(ctx, &d, &v, 0, INFINITY, 0, 2026),
                     RM_EINVAL);
    assert_int_equal(rm__wmm_declination(NULL, &d, &v, 0, 0, 0, NAN),
                     RM_EINVAL);
    assert_non_null(strstr(rm_errmsg(ctx), "latitude"));
}

/* ------------------------------------------------------------------ */
/* calendar                                                            */
/* ------------------------------------------------------------------ */

/*
 * Seconds from `date -u -d <iso> +%s`. Day of year by hand: 2026-07-02 is
 * day 31+28+31+30+31+30+2 = 183, so 12:00 is (182 + 0.5) / 365 = 0.5.
 */
static void test_decimal_year(void **state)
{
    (void)state;
    /* 2026-07-02T12:00:00Z = 1782993600 s */
    assert_true(fabs(rm__decimal_year(1782993600000LL) - 2026.5) < 1e-12);
    assert_true(fabs(rm__decimal_year(0) - 1970.0) < 1e-12);
    /* 2024-12-31T12:00:00Z = 1735646400 s; leap year: day 366 of 366 */
    assert_true(fabs(rm__decimal_year(1735646400000LL) -
                     (2024.0 + 365.5 / 366.0)) < 1e-12);
    /* 1969-07-02T12:00:00Z = -15768000 s; 1969 has 365 days, day 183 */
    assert_true(fabs(rm__decimal_year(-15768000000LL) - 1969.5) < 1e-12);
    /* 2025-01-01T00:00:00Z = 1735689600 s */
    assert_true(fabs(rm__decimal_year(1735689600000LL) - 2025.0) < 1e-12);
}

static void test_dtg(void **state)
{
    (void)state;
    char s[32];
    /* 2026-09-30T12:00:00Z = 1790769600 s */
    rm__format_dtg(s, 1790769600000LL);
    assert_string_equal(s, "301200Z SEP 26");
    /* 2026-01-05T07:09:59Z = 1767596999 s: seconds truncated */
    rm__format_dtg(s, 1767596999000LL);
    assert_string_equal(s, "050709Z JAN 26");
    /* 2000-02-29T23:59:00Z = 951868740 s */
    rm__format_dtg(s, 951868740000LL);
    assert_string_equal(s, "292359Z FEB 00");
    /* 1969-12-31T23:59:59.999Z = -1 ms */
    rm__format_dtg(s, -1);
    assert_string_equal(s, "312359Z DEC 69");
    /* Absurd instants still give a terminated string. */
    rm__format_dtg(s, INT64_MAX);
    assert_true(strlen(s) < 32);
    rm__format_dtg(s, INT64_MIN);
    assert_true(strlen(s) < 32);
}

/* ------------------------------------------------------------------ */
/* convergence                                                         */
/* ------------------------------------------------------------------ */

/*
 * Independent method: project (lon, lat) and (lon, lat + 1e-5) with PROJ
 * and take the bearing of the displacement, atan2(dx, dy), i.e. the
 * direction of true north on the map, clockwise from grid north.
 */
static double fd_bearing(rm_context *ctx, const char *crs, double lon,
                         double lat)
{
    double a[2] = {lon, lat}, b[2] = {lon, lat + 1e-5};
    xform(ctx, "EPSG:4326", crs, a);
    xform(ctx, "EPSG:4326", crs, b);
    return atan2(b[0] - a[0], b[1] - a[1]) / DEG;
}

static double conv_at(rm_context *ctx, const char *crs, double lon,
                      double lat)
{
    double xy[2] = {lon, lat}, d;
    xform(ctx, "EPSG:4326", crs, xy);
    assert_int_equal(rm__grid_convergence(ctx, &d, crs, xy[0], xy[1]),
                     RM_OK);
    return d;
}

/*
 * UTM 31N (lon0 = 3E). Spherical closed form gamma = atan(tan(lon - lon0)
 * sin(lat)); the ellipsoidal terms at 2 degrees from the central meridian
 * are below 1e-4 degree, so 0.01 degree is a generous tolerance. DOC: the
 * result is the bearing of true north, -gamma.
 *   40N 5E:  gamma = atan(tan 2 * sin 40) = +1.2859 -> -1.2859
 *   40N 1E:  gamma = -1.2859                        -> +1.2859
 *   30S 5E:  gamma = atan(tan 2 * sin -30) = -1.0001 -> +1.0001
 */
static void test_convergence_utm(void **state)
{
    rm_context *ctx = *state;
    static const double pts[][2] = {{5, 40}, {1, 40}, {5, -30}, {1, -30},
                                    {4, 10}, {2.5, -55}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double lon = pts[i][0], lat = pts[i][1];
        double d = conv_at(ctx, "EPSG:32631", lon, lat);
        double gamma = atan(tan((lon - 3.0) * DEG) * sin(lat * DEG)) / DEG;
        if (fabs(d + gamma) > 0.01)
            fail_msg("lon %g lat %g: %.5f, closed form %.5f", lon, lat, d,
                     -gamma);
        assert_true(fabs(d - fd_bearing(ctx, "EPSG:32631", lon, lat)) <
                    1e-4);
    }
    /* Signs spelled out. */
    assert_true(conv_at(ctx, "EPSG:32631", 5, 40) < -1.28);
    assert_true(conv_at(ctx, "EPSG:32631", 1, 40) > 1.28);
    assert_true(conv_at(ctx, "EPSG:32631", 5, -30) > 0.99);
    /* Zero on the central meridian and on the equator. */
    double d;
    assert_int_equal(rm__grid_convergence(ctx, &d, "EPSG:32631", 500000.0,
                                          4000000.0),
                     RM_OK);
    assert_true(fabs(d) < 1e-9);
    assert_true(fabs(conv_at(ctx, "EPSG:32631", 5, 0)) < 1e-9);
}

/* LAEA: no simple closed form off the central meridian; finite
 * differences of the projection, and the sign by geometry (meridians lean
 * toward the centre meridian north of the centre). */
static void test_convergence_laea(void **state)
{
    rm_context *ctx = *state;
    const char *laea = "+proj=laea +lat_0=15 +lon_0=0 +datum=WGS84 "
                       "+units=m +type=crs";
    static const double pts[][2] = {{5, 40}, {-8, 20}, {10, 0}, {0, 30},
                                    {-20, -10}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double d = conv_at(ctx, laea, pts[i][0], pts[i][1]);
        double fd = fd_bearing(ctx, laea, pts[i][0], pts[i][1]);
        if (fabs(d - fd) > 1e-4)
            fail_msg("LAEA lon %g lat %g: %.6f, finite differences %.6f",
                     pts[i][0], pts[i][1], d, fd);
    }
    assert_true(conv_at(ctx, laea, 5, 40) < -1.0);
    assert_true(conv_at(ctx, laea, -8, 20) > 0.5);
    assert_true(fabs(conv_at(ctx, laea, 0, 30)) < 1e-9);
    /* EPSG:3035 declares northing before easting: axis order handled. */
    double d = conv_at(ctx, "EPSG:3035", 20, 55);
    assert_true(fabs(d - fd_bearing(ctx, "EPSG:3035", 20, 55)) < 1e-4);
    assert_true(d < -5.0); /* 10 degrees east of lon0 = 10E at 55N */
}

static void test_convergence_special(void **state)
{
    rm_context *ctx = *state;
    double d;
    /* DOC: a geographic CRS gives 0. */
    assert_int_equal(rm__grid_convergence(ctx, &d, "EPSG:4326", 3, 15),
                     RM_OK);
    assert_true(d == 0.0);
    assert_int_equal(rm__grid_convergence(ctx, &d, "EPSG:999999", 0, 0),
                     RM_ECRS);
    assert_non_null(strstr(rm_errmsg(ctx), "EPSG:999999"));
    assert_int_equal(rm__grid_convergence(ctx, &d, "EPSG:32631", NAN, 0),
                     RM_EINVAL);
    assert_int_equal(rm__grid_convergence(ctx, &d, NULL, 0, 0), RM_ECRS);
    assert_int_equal(rm__grid_convergence(ctx, &d, "EPSG:32631", 1e15, 0),
                     RM_ECRS);
    assert_true(isnan(d));
}

/* ------------------------------------------------------------------ */
/* scale factors                                                       */
/* ------------------------------------------------------------------ */

/*
 * Transverse Mercator point scale (Snyder, Map Projections - A Working
 * Manual, eq. 8-11): k = k0 [1 + (1 + eta2) L^2 cos^2(lat) / 2 + ...],
 * eta2 = e'^2 cos^2(lat), L = lon - lon0 in radians. At lat 0, L = 3 deg:
 * L^2/2 = 0.00137078, (1 + eta2) = 1.0067395, so k = 0.9996 * 1.0013800
 * = 1.00097946; the next term, L^4 (5 + 14 eta2) / 24 = 1.6e-6, is below
 * the 1e-5 tolerance.
 */
static void test_scale_utm(void **state)
{
    rm_context *ctx = *state;
    double h, k;
    /* DOC: on the central meridian k = k0 = 0.9996 (PROJ differentiates
     * numerically: 1e-8). */
    assert_int_equal(rm__scale_factors(ctx, &h, &k, "EPSG:32631", 500000.0,
                                       1500000.0),
                     RM_OK);
    assert_true(fabs(k - 0.9996) < 1e-8);
    assert_true(fabs(h - 0.9996) < 1e-8);

    double xy[2] = {6.0, 0.0};
    xform(ctx, "EPSG:4326", "EPSG:32631", xy);
    assert_int_equal(rm__scale_factors(ctx, &h, &k, "EPSG:32631", xy[0],
                                       xy[1]),
                     RM_OK);
    double f = 1.0 / 298.257223563;
    double ep2 = f * (2.0 - f) / ((1.0 - f) * (1.0 - f));
    double L = 3.0 * DEG;
    double expect = 0.9996 * (1.0 + (1.0 + ep2) * L * L / 2.0);
    assert_true(fabs(k - expect) < 1e-5);
    assert_true(fabs(h - k) < 1e-8); /* conformal */
}

/*
 * Spherical LAEA (Snyder eq. 24-... ): along a radius from the centre the
 * scale is h' = cos(c/2), across it k' = 1 / cos(c/2), c the angular
 * distance. On the central meridian the radius is the meridian, so at
 * lat 45, centre lat 15: c = 30, h = cos 15 = 0.96592583, k = 1.03527618;
 * y = 2 R sin(c/2) = 2 * 6371000 * sin 15 = 3297872.13 m.
 */
static void test_scale_laea(void **state)
{
    rm_context *ctx = *state;
    const char *laea = "+proj=laea +lat_0=15 +lon_0=0 +R=6371000 "
                       "+units=m +type=crs";
    double h, k;
    double y = 2.0 * 6371000.0 * sin(15.0 * DEG);
    assert_int_equal(rm__scale_factors(ctx, &h, &k, laea, 0.0, y), RM_OK);
    assert_true(fabs(h - cos(15.0 * DEG)) < 1e-6);
    assert_true(fabs(k - 1.0 / cos(15.0 * DEG)) < 1e-6);
    /* Off the central meridian, by finite differences on the sphere:
     * h = |d(x,y)/d lat| / R, k = |d(x,y)/d lon| / (R cos lat). */
    const char *sph = "+proj=longlat +R=6371000 +type=crs";
    double lon = 20.0, lat = 5.0, eps = 1e-6;
    double p0[2] = {lon, lat}, pn[2] = {lon, lat + eps},
           pe[2] = {lon + eps, lat};
    xform(ctx, sph, laea, p0);
    xform(ctx, sph, laea, pn);
    xform(ctx, sph, laea, pe);
    double fh = hypot(pn[0] - p0[0], pn[1] - p0[1]) / (6371000.0 * eps * DEG);
    double fk = hypot(pe[0] - p0[0], pe[1] - p0[1]) /
                (6371000.0 * cos(lat * DEG) * eps * DEG);
    assert_int_equal(rm__scale_factors(ctx, &h, &k, laea, p0[0], p0[1]),
                     RM_OK);
    assert_true(fabs(h - fh) < 1e-5);
    assert_true(fabs(k - fk) < 1e-5);
    assert_true(fabs(h - k) > 1e-3); /* not conformal */
    /* centre: 1 and 1 */
    assert_int_equal(rm__scale_factors(ctx, &h, &k, laea, 0.0, 0.0), RM_OK);
    assert_true(fabs(h - 1.0) < 1e-8 && fabs(k - 1.0) < 1e-8);
    /* DOC: a geographic CRS has no metric scale factor. */
    assert_int_equal(rm__scale_factors(ctx, &h, &k, "EPSG:4326", 0, 0),
                     RM_ECRS);
    assert_true(isnan(h) && isnan(k));
}

/* ------------------------------------------------------------------ */
/* scale bar                                                           */
/* ------------------------------------------------------------------ */

/* Each case: the longest fitting ground length is mpp * max_px; the answer
 * is the largest allowed 1, 2, 2.5, 5 x 10^n below it, by hand. */
static void test_nice_scale_bar(void **state)
{
    rm_context *ctx = *state;
    static const struct {
        double mpp, max_px, len;
        int div;
    } cases[] = {
        {100, 200, 20000, 4},     /* 20 km fits exactly */
        {100, 249, 20000, 4},     /* 24.9 km: 25 km does not fit */
        {100, 250, 25000, 5},     /* 25 km */
        {10, 300, 2000, 4},       /* 3 km: 2.5 km is not round -> 2 km */
        {1, 300, 250, 5},         /* 300 m -> 250 m */
        {1000, 150, 100000, 5},   /* 150 km -> 100 km */
        {2000, 300, 500000, 5},   /* 600 km -> 500 km */
        {0.01, 300, 2, 4},        /* 3 m: 2.5 m is not round -> 2 m */
        {5000, 600, 2500000, 5},  /* 3000 km -> 2500 km */
        {37.5, 160, 5000, 5},     /* 6 km -> 5 km */
        {12.3, 100, 1000, 5},     /* 1.23 km -> 1 km */
        {3, 333.4, 1000, 5},      /* 1000.2 m -> 1 km */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double len;
        int div;
        assert_int_equal(rm__nice_scale_bar(ctx, &len, &div, cases[i].mpp,
                                            cases[i].max_px),
                         RM_OK);
        if (fabs(len - cases[i].len) > 1e-9 * cases[i].len ||
            div != cases[i].div)
            fail_msg("case %zu: %g m / %d, expected %g m / %d", i, len, div,
                     cases[i].len, cases[i].div);
    }
    double len;
    int div;
    assert_int_equal(rm__nice_scale_bar(ctx, &len, &div, 0, 100), RM_EINVAL);
    assert_int_equal(rm__nice_scale_bar(ctx, &len, &div, -1, 100),
                     RM_EINVAL);
    assert_int_equal(rm__nice_scale_bar(ctx, &len, &div, NAN, 100),
                     RM_EINVAL);
    assert_int_equal(rm__nice_scale_bar(ctx, &len, &div, 10, INFINITY),
                     RM_EINVAL);
    assert_int_equal(rm__nice_scale_bar(ctx, &len, &div, 1e300, 1e300),
                     RM_EINVAL);
}

static void test_format_length(void **state)
{
    (void)state;
    char s[32];
    rm__format_length(s, sizeof s, 25000, 0);
    assert_string_equal(s, "25 km");
    rm__format_length(s, sizeof s, 250, 0);
    assert_string_equal(s, "250 m");
    rm__format_length(s, sizeof s, 500, 1);
    assert_string_equal(s, "0.5 km");
    rm__format_length(s, sizeof s, 2500, 0);
    assert_string_equal(s, "2.5 km");
    rm__format_length(s, sizeof s, 1000000, 0);
    assert_string_equal(s, "1000 km");
    rm__format_length(s, sizeof s, 0, 0);
    assert_string_equal(s, "0 m");
}

/* ------------------------------------------------------------------ */
/* graticule                                                           */
/* ------------------------------------------------------------------ */

static void test_format_angle(void **state)
{
    (void)state;
    static const struct {
        double deg;
        int is_lat;
        const char *text;
    } cases[] = {
        {2, 0, "2\xc2\xb0" "E"},          {14.5, 1, "14\xc2\xb0" "30'N"},
        {0, 0, "0\xc2\xb0"},              {0, 1, "0\xc2\xb0"},
        {-3, 0, "3\xc2\xb0" "W"},         {180, 0, "180\xc2\xb0"},
        {-180, 0, "180\xc2\xb0"},         {-0.25, 1, "0\xc2\xb0" "15'S"},
        {190, 0, "170\xc2\xb0" "W"},      {-12.0 - 10.0 / 60, 1,
                                            "12\xc2\xb0" "10'S"},
    };
    char s[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rm__format_angle(s, sizeof s, cases[i].deg, cases[i].is_lat);
        assert_string_equal(s, cases[i].text);
    }
}

static int has_label(const rm__map_label *l, size_t n, const char *text,
                     rm__frame_edge edge)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(l[i].text, text) && l[i].edge == edge)
            return 1;
    return 0;
}

/*
 * Sahel in UTM 31N, extent [300 km, 1400 km, 900 km, 2000 km]. Corners by
 * `cs2cs EPSG:32631 EPSG:4326`: (300,1400) -> 12.6578N 1.1585E,
 * (900,1400) -> 12.6387N 6.6811E, (300,2000) -> 18.0795N 1.1102E,
 * (900,2000) -> 18.0517N 6.7774E, (500,2000) -> 18.0887N 3E. So lon spans
 * 1.11..6.78 and lat 12.64..18.09: at 30' there would be 11 meridians (> 8),
 * at 1 degree 5 meridians (2E..6E) and 6 parallels (13N..18N). Meridians
 * run nearly north-south, so each crosses the bottom and the top edge;
 * each parallel crosses the left and right edge: 22 labels.
 */
static void test_graticule_sahel_utm(void **state)
{
    rm_context *ctx = *state;
    rm__graticule g;
    rm_bbox e = {300000, 1400000, 900000, 2000000};
    assert_int_equal(rm__graticule_build(ctx, &g, "EPSG:32631", e), RM_OK);
    assert_true(g.lon_interval_deg == 1.0 && g.lat_interval_deg == 1.0);
    assert_int_equal(g.lines.n_lines, 11);
    assert_int_equal(g.n_labels, 22);
    static const char *const lons[] = {"2\xc2\xb0" "E", "3\xc2\xb0" "E",
                                       "4\xc2\xb0" "E", "5\xc2\xb0" "E",
                                       "6\xc2\xb0" "E"};
    for (int i = 0; i < 5; i++) {
        assert_true(has_label(g.labels, g.n_labels, lons[i],
                              RM__EDGE_BOTTOM));
        assert_true(has_label(g.labels, g.n_labels, lons[i], RM__EDGE_TOP));
    }
    for (int lat = 13; lat <= 18; lat++) {
        char t[16];
        snprintf(t, sizeof t, "%d\xc2\xb0N", lat);
        assert_true(has_label(g.labels, g.n_labels, t, RM__EDGE_LEFT));
        assert_true(has_label(g.labels, g.n_labels, t, RM__EDGE_RIGHT));
    }
    /* Every label sits on its edge at the right longitude/latitude
     * (checked by inverse projection with PROJ). */
    for (size_t i = 0; i < g.n_labels; i++) {
        const rm__map_label *l = &g.labels[i];
        if (l->edge == RM__EDGE_BOTTOM)
            assert_true(l->y == e.miny);
        if (l->edge == RM__EDGE_TOP)
            assert_true(l->y == e.maxy);
        if (l->edge == RM__EDGE_LEFT)
            assert_true(l->x == e.minx);
        if (l->edge == RM__EDGE_RIGHT)
            assert_true(l->x == e.maxx);
        double ll[2] = {l->x, l->y};
        xform(ctx, "EPSG:32631", "EPSG:4326", ll);
        double got = l->kind == RM__LINE_MERIDIAN ? ll[0] : ll[1];
        if (fabs(got - l->value) > 1e-3)
            fail_msg("label %s at %.6f", l->text, got);
    }
    /* 3E is the central meridian: x = 500 km exactly (to PROJ's rounding)
     * and vertical. */
    for (size_t i = 0; i < g.n_labels; i++)
        if (g.labels[i].kind == RM__LINE_MERIDIAN &&
            g.labels[i].value == 3.0) {
            assert_true(fabs(g.labels[i].x - 500000.0) < 1e-3);
            assert_true(fabs(g.labels[i].angle_deg) < 1e-6);
        }
    /* All points inside the extent; every line has 2+ points. */
    for (size_t i = 0; i < g.lines.n_points; i++) {
        assert_true(g.lines.xy[2 * i] >= e.minx - 1e-6 &&
                    g.lines.xy[2 * i] <= e.maxx + 1e-6);
        assert_true(g.lines.xy[2 * i + 1] >= e.miny - 1e-6 &&
                    g.lines.xy[2 * i + 1] <= e.maxy + 1e-6);
    }
    for (size_t i = 0; i < g.lines.n_lines; i++)
        assert_true(g.lines.offsets[i + 1] - g.lines.offsets[i] >= 2);
    assert_int_equal(g.lines.offsets[g.lines.n_lines], g.lines.n_points);
    rm__graticule_free(&g);
    rm__graticule_free(&g); /* freeing twice is harmless */
    rm__graticule_free(NULL);
}

/*
 * Sahel in a local LAEA (lat0 16N, lon0 1W), extent [-700 km, -300 km,
 * 500 km, 800 km]. Corners by `cs2cs +proj=laea +lat_0=16 +lon_0=-1
 * +datum=WGS84 +to +proj=longlat +datum=WGS84`: (-700,-300) -> 7.4599W
 * 13.1948N, (500,-300) -> 3.6137E 13.2406N, (-700,800) -> 7.8254W
 * 23.1171N, (500,800) -> 3.8753E 23.1732N; top middle (-100,800) ->
 * 23.2294N. Lon spans 11.7 degrees: 1 degree gives 11 meridians, 2 degrees
 * 5 (6W 4W 2W 0 2E); lat spans 10.0: 1 degree gives 10, 2 degrees 5 (14N
 * .. 22N). Each meridian crosses top and bottom, each parallel both sides.
 */
static void test_graticule_sahel_laea(void **state)
{
    rm_context *ctx = *state;
    rm__graticule g;
    rm_bbox e = {-700000, -300000, 500000, 800000};
    assert_int_equal(rm__graticule_build(ctx, &g,
                                         "+proj=laea +lat_0=16 +lon_0=-1 "
                                         "+datum=WGS84 +units=m +type=crs",
                                         e),
                     RM_OK);
    assert_true(g.lon_interval_deg == 2.0 && g.lat_interval_deg == 2.0);
    assert_int_equal(g.lines.n_lines, 10);
    assert_int_equal(g.n_labels, 20);
    assert_true(has_label(g.labels, g.n_labels, "0\xc2\xb0", RM__EDGE_TOP));
    assert_true(has_label(g.labels, g.n_labels, "6\xc2\xb0W",
                          RM__EDGE_BOTTOM));
    assert_true(has_label(g.labels, g.n_labels, "22\xc2\xb0N",
                          RM__EDGE_RIGHT));
    rm__graticule_free(&g);
}

/*
 * A 20 km square map around 13.5N 3E in UTM 31N: E 490..510 km,
 * N 1482.5..1502.5 km. Corners by `cs2cs EPSG:32631 EPSG:4326`: lat
 * 13.41019..13.59106 (804.6'..815.5'), lon 2.90756..3.09244
 * (174.5'..185.5'). 1' would give 11 lines per side (> 8), 2' gives 5
 * (806' .. 814' and 176' .. 184'), so the interval is 2' and the labels
 * carry minutes: 810' = 13 deg 30'.
 */
static void test_graticule_minutes(void **state)
{
    rm_context *ctx = *state;
    rm__graticule g;
    rm_bbox e = {490000, 1482500, 510000, 1502500};
    assert_int_equal(rm__graticule_build(ctx, &g, "EPSG:32631", e), RM_OK);
    assert_true(fabs(g.lat_interval_deg - 2.0 / 60.0) < 1e-12);
    assert_true(fabs(g.lon_interval_deg - 2.0 / 60.0) < 1e-12);
    assert_int_equal(g.lines.n_lines, 10);
    assert_true(has_label(g.labels, g.n_labels, "13\xc2\xb0" "30'N",
                          RM__EDGE_LEFT));
    assert_true(has_label(g.labels, g.n_labels, "3\xc2\xb0" "E",
                          RM__EDGE_BOTTOM));
    rm__graticule_free(&g);
}

static void test_graticule_bad(void **state)
{
    rm_context *ctx = *state;
    rm__graticule g;
    rm_bbox e = {1, 0, 0, 1};
    assert_int_equal(rm__graticule_build(ctx, &g, "EPSG:32631", e),
                     RM_EINVAL);
    rm_bbox n = {NAN, 0, 1, 1};
    assert_int_equal(rm__graticule_build(ctx, &g, "EPSG:32631", n),
                     RM_EINVAL);
    rm_bbox ok = {0, 0, 1000, 1000};
    assert_int_equal(rm__graticule_build(ctx, &g, "nonsense", ok), RM_ECRS);
    assert_int_equal(g.n_labels, 0);
    rm__graticule_free(&g);
}

/*
 * Whole world in lon/lat: lon spans a full turn (-180 and 180 are one
 * meridian): 30 degrees would give 12 meridians, 45 gives 8 (180, 135W ..
 * 135E). Lat -90..90: 20 gives 10, 30 gives 7; the common 45 still gives
 * 5 (3 parallels, the poles are points): 45 for both. Each meridian runs
 * from the bottom edge (90S) to the top edge (90N): 16 labels; each
 * parallel from the left edge to the right: 6 labels.
 */
static void test_graticule_world(void **state)
{
    rm_context *ctx = *state;
    rm__graticule g;
    rm_bbox w = {-180, -90, 180, 90};
    assert_int_equal(rm__graticule_build(ctx, &g, "EPSG:4326", w), RM_OK);
    assert_true(g.lon_interval_deg == 45.0 && g.lat_interval_deg == 45.0);
    assert_int_equal(g.lines.n_lines, 11);
    assert_int_equal(g.n_labels, 22);
    assert_true(has_label(g.labels, g.n_labels, "180\xc2\xb0",
                          RM__EDGE_BOTTOM));
    assert_true(has_label(g.labels, g.n_labels, "45\xc2\xb0S",
                          RM__EDGE_RIGHT));
    rm__graticule_free(&g);

    /*
     * Web Mercator, whole world (lat to 85.05): the same 45 degree
     * intervals. A parallel reaches 180 degrees from the central meridian
     * at both side edges; PROJ wraps 180E to 180W, which must not become a
     * segment across the map: every step is shorter than a quarter of the
     * width, and each parallel is labelled on both sides.
     */
    rm_bbox m = {-20037508, -20037508, 20037508, 20037508};
    assert_int_equal(rm__graticule_build(ctx, &g, "EPSG:3857", m), RM_OK);
    assert_true(g.lon_interval_deg == 45.0 && g.lat_interval_deg == 45.0);
    for (size_t i = 0; i < g.lines.n_lines; i++)
        for (size_t j = g.lines.offsets[i] + 1; j < g.lines.offsets[i + 1];
             j++) {
            const double *a = &g.lines.xy[2 * (j - 1)], *b = a + 2;
            assert_true(hypot(b[0] - a[0], b[1] - a[1]) < 1e7);
        }
    assert_true(has_label(g.labels, g.n_labels, "0\xc2\xb0",
                          RM__EDGE_LEFT));
    assert_true(has_label(g.labels, g.n_labels, "0\xc2\xb0",
                          RM__EDGE_RIGHT));
    assert_true(has_label(g.labels, g.n_labels, "45\xc2\xb0N",
                          RM__EDGE_RIGHT));
    rm__graticule_free(&g);
}

/* ------------------------------------------------------------------ */
/* UTM zones and MGRS                                                  */
/* ------------------------------------------------------------------ */

static void test_utm_zone_band(void **state)
{
    (void)state;
    /* zone = floor((lon + 180) / 6) + 1 */
    assert_int_equal(rm__utm_zone(0, 3), 31);
    assert_int_equal(rm__utm_zone(12.65, -8.0), 29);
    assert_int_equal(rm__utm_zone(16.77, -3.01), 30);
    assert_int_equal(rm__utm_zone(0, -180), 1);
    assert_int_equal(rm__utm_zone(0, 180), 1); /* 180E == 180W */
    assert_int_equal(rm__utm_zone(0, 179.9), 60);
    /* Norway: 32V covers 3E..12E between 56N and 64N */
    assert_int_equal(rm__utm_zone(60, 5), 32);
    assert_int_equal(rm__utm_zone(55, 5), 31);
    /* Svalbard: 31X 0-9E, 33X 9-21E, 35X 21-33E, 37X 33-42E */
    assert_int_equal(rm__utm_zone(78, 8), 31);
    assert_int_equal(rm__utm_zone(78, 10), 33);
    assert_int_equal(rm__utm_zone(78, 25), 35);
    assert_int_equal(rm__utm_zone(78, 40), 37);
    assert_int_equal(rm__utm_zone(NAN, 0), 0);
    /* bands: index floor((lat + 80) / 8) into CDEFGHJKLMNPQRSTUVWX */
    assert_int_equal(rm__mgrs_band(0), 'N');
    assert_int_equal(rm__mgrs_band(-0.1), 'M');
    assert_int_equal(rm__mgrs_band(12.65), 'P'); /* 92.65/8 = 11 */
    assert_int_equal(rm__mgrs_band(16.77), 'Q'); /* 96.77/8 = 12 */
    assert_int_equal(rm__mgrs_band(38.89), 'S'); /* 118.9/8 = 14 */
    assert_int_equal(rm__mgrs_band(-33.9), 'H'); /* 46.1/8 = 5 */
    assert_int_equal(rm__mgrs_band(-80), 'C');
    assert_int_equal(rm__mgrs_band(71.9), 'W');
    assert_int_equal(rm__mgrs_band(72), 'X');
    assert_int_equal(rm__mgrs_band(84), 'X'); /* X is 12 degrees */
    assert_int_equal(rm__mgrs_band(84.1), 0);
    assert_int_equal(rm__mgrs_band(-80.1), 0);
}

/*
 * MGRS 100 km squares, worked from the definition (DMA TM 8358.1, WGS 84
 * "AA" lettering):
 *   column letters A..Z without I and O, 24 letters in three sets of 8:
 *     zone mod 3 == 1: A B C D E F G H, == 2: J K L M N P Q R,
 *     == 0: S T U V W X Y Z; column = floor(E / 100 km) (1..8) picks the
 *     letter within the set.
 *   row letters A..V without I and O (20): index = floor(N / 100 km)
 *     mod 20, plus 5 for even zones.
 *
 * (a) lat 0, lon 3: zone 31 (31 mod 3 = 1: set A-H), E 500000 -> column 5
 *     -> E; N 0 -> row 0, odd zone -> A. Band N. => "31N EA".
 * (b) lat 0, lon 0: `cs2cs EPSG:4326 EPSG:32631` -> E 166021.443, N 0;
 *     column 1 -> A, row A => "31N AA" (the often quoted 31NAA6602100000).
 * (c) Bamako 12.65N 8.0W: zone 29 (29 mod 3 = 2: J-R); `cs2cs EPSG:4326
 *     EPSG:32629` -> E 608596.329 N 1398638.609; column 6 -> J K L M N P
 *     -> P; row 13, odd zone: A B C D E F G H J K L M N P -> P; band P.
 *     => "29P PP".
 * (d) Timbuktu 16.7735N 3.0096W: zone 30 (30 mod 3 = 0: S-Z); `cs2cs
 *     EPSG:4326 EPSG:32630` -> E 498976.925 N 1854498.778; column 4 -> S T
 *     U V -> V; row 18, even zone + 5 = 23 mod 20 = 3 -> D; band Q.
 *     => "30Q VD".
 * (e) Washington Monument 38.8895N 77.0353W: zone 18 (set S-Z); `cs2cs
 *     EPSG:4326 EPSG:32618` -> E 323478.063 N 4306483.242; column 3 -> U;
 *     row 43 mod 20 = 3, + 5 = 8 -> J; band S => "18S UJ", as in the
 *     published example 18SUJ2348306479.
 * (f) Cape Town 33.9S 18.4E: zone 34 (34 mod 3 = 1: A-H); `cs2cs
 *     EPSG:4326 EPSG:32734` -> E 259583.222 N 6245888.045; column 2 -> B;
 *     row 62 mod 20 = 2, + 5 = 7 -> H; band H => "34H BH". The same point
 *     in a northern-hemisphere CRS has N = 6245888.045 - 10000000 and the
 *     same letters (floor(-37.54) = -38, mod 20 = 2).
 */
static void test_mgrs_square(void **state)
{
    rm_context *ctx = *state;
    static const struct {
        int zone;
        double e, n;
        const char *sq;
    } cases[] = {
        {31, 500000.0, 0.0, "EA"},
        {31, 166021.443, 0.0, "AA"},
        {29, 608596.329, 1398638.609, "PP"},
        {30, 498976.925, 1854498.778, "VD"},
        {18, 323478.063, 4306483.242, "UJ"},
        {34, 259583.222, 6245888.045, "BH"},
        {34, 259583.222, 6245888.045 - 1e7, "BH"},
    };
    char sq[3];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(rm__mgrs_square(ctx, sq, cases[i].zone, cases[i].e,
                                         cases[i].n),
                         RM_OK);
        assert_string_equal(sq, cases[i].sq);
    }
    /* And the zone/band/easting/northing chain from lat/lon with PROJ. */
    double xy[2] = {-8.0, 12.65};
    xform(ctx, "EPSG:4326", "EPSG:32629", xy);
    assert_true(fabs(xy[0] - 608596.329) < 0.01);
    assert_true(fabs(xy[1] - 1398638.609) < 0.01);

    assert_int_equal(rm__mgrs_square(ctx, sq, 0, 500000, 0), RM_EINVAL);
    assert_int_equal(rm__mgrs_square(ctx, sq, 61, 500000, 0), RM_EINVAL);
    assert_int_equal(rm__mgrs_square(ctx, sq, 31, 99999, 0), RM_EINVAL);
    assert_int_equal(rm__mgrs_square(ctx, sq, 31, 900000, 0), RM_EINVAL);
    assert_int_equal(rm__mgrs_square(ctx, sq, 31, NAN, 0), RM_EINVAL);
    assert_string_equal(sq, "");
}

/* ------------------------------------------------------------------ */
/* UTM grid                                                            */
/* ------------------------------------------------------------------ */

/*
 * UTM 31N map, extent E 310..890 km, N 1410..1990 km (580 km: 100 km
 * lines). Easting lines 400..800 km (5); northing lines 1500..1900 km (5).
 * Zone 31 ends at 6E; near E 890 km the longitude is about 6.6E (cs2cs:
 * (900 km, 1400 km) -> 6.68E), so northing lines stop before the right
 * edge: they are labelled on the left only. Easting 800 km stays inside
 * (about 5.8E). Labels: 5 x (top + bottom) + 5 left = 15.
 * Squares: columns 3..7 (C D E F G; column 8, centre 845 km at about 6.2E,
 * lies outside the zone), rows 14..19 (Q R S T U V): 30 squares. Bands:
 * 16N lies near N 1770 km (cs2cs: 16N 3E -> N 1768.9 km), so row Q..T
 * centres are in band P and U, V in band Q.
 */
static void test_utm_grid_sahel(void **state)
{
    rm_context *ctx = *state;
    rm__utm_grid u;
    rm_bbox e = {310000, 1410000, 890000, 1990000};
    assert_int_equal(rm__utm_grid_build(ctx, &u, "EPSG:32631", e), RM_OK);
    assert_int_equal(u.zone, 31);
    assert_int_equal(u.north, 1);
    assert_true(u.spacing_m == 100000.0);
    assert_int_equal(u.lines.n_lines, 10);
    assert_int_equal(u.n_labels, 15);
    assert_true(has_label(u.labels, u.n_labels, "400 km E",
                          RM__EDGE_BOTTOM));
    assert_true(has_label(u.labels, u.n_labels, "800 km E", RM__EDGE_TOP));
    assert_true(has_label(u.labels, u.n_labels, "1500 km N",
                          RM__EDGE_LEFT));
    assert_false(has_label(u.labels, u.n_labels, "1500 km N",
                           RM__EDGE_RIGHT));
    /* easting labels sit exactly on their easting (map CRS = UTM 31N) */
    for (size_t i = 0; i < u.n_labels; i++) {
        if (u.labels[i].kind == RM__LINE_EASTING)
            assert_true(fabs(u.labels[i].x - u.labels[i].value) < 1e-6);
        else
            assert_true(fabs(u.labels[i].y - u.labels[i].value) < 1e-6);
    }
    assert_int_equal(u.n_squares, 30);
    static const char *const expect[] = {"31P CQ", "31P ER", "31P GT",
                                         "31Q CU", "31Q GV", "31Q EU"};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        assert_true(has_label(u.squares, u.n_squares, expect[i],
                              RM__EDGE_NONE));
    assert_false(has_label(u.squares, u.n_squares, "31P HQ",
                           RM__EDGE_NONE));
    rm__utm_grid_free(&u);
    rm__utm_grid_free(&u);
    rm__utm_grid_free(NULL);
}

/*
 * A 50 km map (E 495..545 km, N 1495..1545 km in 31N): at most 150 km, so
 * 10 km lines: eastings 500..540 (5), northings 1500..1540 (5). 100 km
 * squares: E 495..500 and N 1495..1500 are 5 km slivers (under a quarter
 * of the map), so one square: column 5 -> E, row 15 -> R, band at about
 * 13.6N -> P: "31P ER".
 */
static void test_utm_grid_small(void **state)
{
    rm_context *ctx = *state;
    rm__utm_grid u;
    rm_bbox e = {495000, 1495000, 545000, 1545000};
    assert_int_equal(rm__utm_grid_build(ctx, &u, "EPSG:32631", e), RM_OK);
    assert_true(u.spacing_m == 10000.0);
    assert_int_equal(u.lines.n_lines, 10);
    assert_true(has_label(u.labels, u.n_labels, "520 km E",
                          RM__EDGE_BOTTOM));
    assert_true(has_label(u.labels, u.n_labels, "1540 km N",
                          RM__EDGE_RIGHT));
    assert_int_equal(u.n_squares, 1);
    assert_string_equal(u.squares[0].text, "31P ER");
    rm__utm_grid_free(&u);
}

/*
 * The LAEA Sahel map of the graticule test: its centre (0, 250 km) is at
 * about 1W 18.3N, zone 30. Every easting label, carried back into UTM 30N
 * with PROJ, lies on its easting; every line point is in the extent.
 */
static void test_utm_grid_other_crs(void **state)
{
    rm_context *ctx = *state;
    const char *laea = "+proj=laea +lat_0=16 +lon_0=-1 +datum=WGS84 "
                       "+units=m +type=crs";
    rm__utm_grid u;
    rm_bbox e = {-700000, -300000, 500000, 800000};
    assert_int_equal(rm__utm_grid_build(ctx, &u, laea, e), RM_OK);
    assert_int_equal(u.zone, 30);
    assert_true(u.spacing_m == 100000.0);
    assert_true(u.n_labels > 0 && u.n_squares > 0);
    for (size_t i = 0; i < u.n_labels; i++) {
        double p[2] = {u.labels[i].x, u.labels[i].y};
        xform(ctx, laea, "EPSG:32630", p);
        double got = u.labels[i].kind == RM__LINE_EASTING ? p[0] : p[1];
        if (fabs(got - u.labels[i].value) > 0.5)
            fail_msg("label %s at %.3f", u.labels[i].text, got);
        /* and within zone 30 (6W..0) */
        double ll[2] = {u.labels[i].x, u.labels[i].y};
        xform(ctx, laea, "EPSG:4326", ll);
        assert_true(ll[0] >= -6.0 - 1e-6 && ll[0] <= 0.0 + 1e-6);
    }
    for (size_t i = 0; i < u.lines.n_points; i++) {
        assert_true(u.lines.xy[2 * i] >= e.minx - 1e-6 &&
                    u.lines.xy[2 * i] <= e.maxx + 1e-6);
        double ll[2] = {u.lines.xy[2 * i], u.lines.xy[2 * i + 1]};
        xform(ctx, laea, "EPSG:4326", ll);
        assert_true(ll[0] >= -6.0 - 1e-6 && ll[0] <= 0.0 + 1e-6);
    }
    rm__utm_grid_free(&u);
}

static void test_utm_grid_bad(void **state)
{
    rm_context *ctx = *state;
    rm__utm_grid u;
    /* Centre at the north pole (polar stereographic): no UTM. */
    rm_bbox p = {-100000, -100000, 100000, 100000};
    assert_int_equal(rm__utm_grid_build(ctx, &u, "EPSG:3413", p), RM_ECRS);
    assert_non_null(strstr(rm_errmsg(ctx), "graticule"));
    assert_int_equal(u.n_squares, 0);
    rm_bbox b = {0, 0, 0, 0};
    assert_int_equal(rm__utm_grid_build(ctx, &u, "EPSG:32631", b),
                     RM_EINVAL);
    rm_bbox ok = {400000, 1400000, 600000, 1600000};
    assert_int_equal(rm__utm_grid_build(ctx, &u, "bad crs", ok), RM_ECRS);
    rm__utm_grid_free(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declination_crosscheck),
        cmocka_unit_test(test_declination_validity),
        cmocka_unit_test(test_declination_poles),
        cmocka_unit_test(test_declination_bad_input),
        cmocka_unit_test(test_decimal_year),
        cmocka_unit_test(test_dtg),
        cmocka_unit_test(test_convergence_utm),
        cmocka_unit_test(test_convergence_laea),
        cmocka_unit_test(test_convergence_special),
        cmocka_unit_test(test_scale_utm),
        cmocka_unit_test(test_scale_laea),
        cmocka_unit_test(test_nice_scale_bar),
        cmocka_unit_test(test_format_length),
        cmocka_unit_test(test_format_angle),
        cmocka_unit_test(test_graticule_sahel_utm),
        cmocka_unit_test(test_graticule_sahel_laea),
        cmocka_unit_test(test_graticule_minutes),
        cmocka_unit_test(test_graticule_bad),
        cmocka_unit_test(test_graticule_world),
        cmocka_unit_test(test_utm_zone_band),
        cmocka_unit_test(test_mgrs_square),
        cmocka_unit_test(test_utm_grid_sahel),
        cmocka_unit_test(test_utm_grid_small),
        cmocka_unit_test(test_utm_grid_other_crs),
        cmocka_unit_test(test_utm_grid_bad),
    };
    return cmocka_run_group_tests(tests, rmt_context_setup,
                                  rmt_context_teardown);
}
