/*
 * Tests of core/crs: CRS creation, the automatic analysis CRS, axis order
 * and point/box transformations. Expected numbers come from PROJ's cs2cs
 * (run once by hand, command quoted beside each value) and, independently,
 * from closed-form formulas evaluated in this file. The fast projection
 * paths are compared with PROJ itself, called directly, on many points.
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
#include <proj.h>

#include "crs/crs_internal.h"
#include "routemap/context.h"
#include "routemap/crs.h"
#include "routemap/errors.h"
#include "test_support.h"

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define UTM_K0 0.9996
#define DEG (M_PI / 180.0)

/*
 * Meridian arc length from the equator to latitude `phi` (radians) on the
 * WGS 84 ellipsoid, Helmert's series in the third flattening n (truncation
 * error far below a micrometre).
 */
static double meridian_arc(double phi)
{
    double n = WGS84_F / (2.0 - WGS84_F);
    double n2 = n * n, n3 = n2 * n, n4 = n3 * n;
    return WGS84_A / (1.0 + n) *
           ((1.0 + n2 / 4.0 + n4 / 64.0) * phi -
            1.5 * (n - n3 / 8.0) * sin(2.0 * phi) +
            15.0 / 16.0 * (n2 - n4 / 4.0) * sin(4.0 * phi) -
            35.0 / 48.0 * n3 * sin(6.0 * phi) +
            315.0 / 512.0 * n4 * sin(8.0 * phi));
}

static void transform_point(rm_context *ctx, const char *from, const char *to,
                            double *xy)
{
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, from, to), RM_OK);
    size_t failed = 99;
    assert_int_equal(rm_transform_apply(tr, xy, 1, &failed), RM_OK);
    assert_int_equal(failed, 0);
    rm_transform_destroy(tr);
}

static void test_wgs84_to_utm31_cs2cs(void **state)
{
    rm_context *ctx = *state;
    /* echo "48.8566 2.3522" | cs2cs -f %.4f EPSG:4326 EPSG:32631
     *   -> 452482.5327 5411717.1769 */
    double xy[2] = {2.3522, 48.8566};
    transform_point(ctx, "EPSG:4326", "EPSG:32631", xy);
    assert_true(fabs(xy[0] - 452482.5327) < 1e-3);
    assert_true(fabs(xy[1] - 5411717.1769) < 1e-3);

    /* echo "48 2" | cs2cs -f %.4f EPSG:4326 EPSG:32631
     *   -> 425404.8875 5316784.0092 */
    double p2[2] = {2.0, 48.0};
    transform_point(ctx, "EPSG:4326", "EPSG:32631", p2);
    assert_true(fabs(p2[0] - 425404.8875) < 1e-3);
    assert_true(fabs(p2[1] - 5316784.0092) < 1e-3);
}

static void test_central_meridian_closed_form(void **state)
{
    rm_context *ctx = *state;
    /* On the central meridian (3 deg E for zone 31) easting is the false
     * easting exactly and northing is k0 times the meridian arc.
     * cs2cs agrees: echo "45 3" | cs2cs -f %.4f EPSG:4326 EPSG:32631
     *   -> 500000.0000 4982950.4002 */
    double lats[] = {0.0, 12.5, 45.0, 71.0};
    for (size_t i = 0; i < sizeof lats / sizeof lats[0]; i++) {
        double xy[2] = {3.0, lats[i]};
        transform_point(ctx, "EPSG:4326", "EPSG:32631", xy);
        assert_true(fabs(xy[0] - 500000.0) < 1e-3);
        double want = UTM_K0 * meridian_arc(lats[i] * DEG);
        assert_true(fabs(xy[1] - want) < 1e-3);
    }
    double xy[2] = {3.0, 45.0};
    transform_point(ctx, "EPSG:4326", "EPSG:32631", xy);
    assert_true(fabs(xy[1] - 4982950.4002) < 1e-3);
    /* Southern hemisphere: false northing 10 000 km minus the arc. */
    double s[2] = {3.0, -30.0};
    transform_point(ctx, "EPSG:4326", "EPSG:32731", s);
    assert_true(fabs(s[0] - 500000.0) < 1e-3);
    assert_true(fabs(s[1] - (1e7 - UTM_K0 * meridian_arc(30.0 * DEG))) <
                1e-3);
}

static void test_epsg4326_is_lon_lat(void **state)
{
    rm_context *ctx = *state;
    /* EPSG:4326 is lat/lon in the registry; routemap reads x as lon. */
    double xy[2] = {2.0, 48.0};
    transform_point(ctx, "EPSG:4326", "OGC:CRS84", xy);
    assert_true(fabs(xy[0] - 2.0) < 1e-12);
    assert_true(fabs(xy[1] - 48.0) < 1e-12);
    /* Web Mercator closed form: x = a * lon (rad). */
    double m[2] = {2.0, 48.0};
    transform_point(ctx, "EPSG:4326", "EPSG:3857", m);
    assert_true(fabs(m[0] - WGS84_A * 2.0 * DEG) < 1e-6);
    assert_true(fabs(m[1] - WGS84_A * log(tan(M_PI / 4 + 24.0 * DEG))) <
                1e-6);
    /* And back: easting/northing to lon/lat. */
    double u[2] = {500000.0, UTM_K0 * meridian_arc(45.0 * DEG)};
    transform_point(ctx, "EPSG:32631", "EPSG:4326", u);
    assert_true(fabs(u[0] - 3.0) < 1e-9);
    assert_true(fabs(u[1] - 45.0) < 1e-9);
}

static void test_multi_step_pipeline(void **state)
{
    rm_context *ctx = *state;
    /* Web Mercator to UTM: an inverse and a forward projection in one
     * pipeline. Start from the closed-form Mercator image of (3 E, 45 N)
     * and expect the cs2cs value of that point in UTM 31N
     * (echo "45 3" | cs2cs -f %.4f EPSG:4326 EPSG:32631). */
    double xy[2] = {WGS84_A * 3.0 * DEG,
                    WGS84_A * log(tan(M_PI / 4 + 22.5 * DEG))};
    transform_point(ctx, "EPSG:3857", "EPSG:32631", xy);
    assert_true(fabs(xy[0] - 500000.0) < 1e-3);
    assert_true(fabs(xy[1] - 4982950.4002) < 1e-3);
}

static void test_auto_zones(void **state)
{
    rm_context *ctx = *state;
    rm_crs *crs = NULL;
    /* Bamako (-8.0, 12.64): zone floor((-8 + 180) / 6) + 1 = 29, north. */
    rm_bbox bamako = {-8.5, 12.2, -7.5, 13.0};
    assert_int_equal(rm_crs_auto(ctx, &crs, bamako), RM_OK);
    assert_string_equal(rm_crs_definition(crs), "EPSG:32629");
    assert_string_equal(rm_crs_name(crs), "WGS 84 / UTM zone 29N");
    assert_int_equal(rm_crs_is_geographic(crs), 0);
    rm_crs_destroy(crs);
    /* Lusaka (28.3, -15.4): zone floor(208.3 / 6) + 1 = 35, south. */
    rm_bbox lusaka = {27.8, -15.9, 28.8, -14.9};
    assert_int_equal(rm_crs_auto(ctx, &crs, lusaka), RM_OK);
    assert_string_equal(rm_crs_definition(crs), "EPSG:32735");
    rm_crs_destroy(crs);
    /* Exactly 6 degrees wide still takes a zone; 180 E clamps to 60. */
    rm_bbox edge = {174.0, 10.0, 180.0, 11.0};
    assert_int_equal(rm_crs_auto(ctx, &crs, edge), RM_OK);
    assert_string_equal(rm_crs_definition(crs), "EPSG:32660");
    rm_crs_destroy(crs);
}

static void test_auto_wide_is_laea(void **state)
{
    rm_context *ctx = *state;
    rm_crs *crs = NULL;
    rm_bbox sahel = {-6.0, 14.0, 5.0, 22.0}; /* 11 degrees wide */
    assert_int_equal(rm_crs_auto(ctx, &crs, sahel), RM_OK);
    const char *def = rm_crs_definition(crs);
    assert_non_null(strstr(def, "+proj=laea"));
    assert_non_null(strstr(def, "+lat_0=18"));
    assert_non_null(strstr(def, "+lon_0=-0.5"));
    assert_int_equal(rm_crs_is_geographic(crs), 0);
    /* The box centre maps to the projection origin. */
    double xy[2] = {-0.5, 18.0};
    transform_point(ctx, "EPSG:4326", def, xy);
    assert_true(fabs(xy[0]) < 1e-6 && fabs(xy[1]) < 1e-6);
    /* Equal-area on the sphere of the authalic radius: a point 1 degree
     * north of the origin is about 110.6 km away (meridian degree at 18.5
     * N is 110 650 m within 0.1 %). */
    double n[2] = {-0.5, 19.0};
    transform_point(ctx, "EPSG:4326", def, n);
    assert_true(fabs(n[0]) < 1e-6);
    assert_true(fabs(n[1] - 110650.0) < 200.0);
    rm_crs_destroy(crs);

    rm_bbox bad = {10.0, 0.0, 5.0, 1.0};
    assert_int_equal(rm_crs_auto(ctx, &crs, bad), RM_EINVAL);
    assert_null(crs);
}

static void test_definitions(void **state)
{
    rm_context *ctx = *state;
    rm_crs *crs = NULL;
    assert_int_equal(rm_crs_create(ctx, &crs, "EPSG:4326"), RM_OK);
    assert_string_equal(rm_crs_definition(crs), "EPSG:4326");
    assert_int_equal(rm_crs_is_geographic(crs), 1);
    rm_crs_destroy(crs);
    /* WKT carrying an ID gives back the code. */
    const char *wkt =
        "PROJCS[\"WGS 84 / UTM zone 31N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\","
        "SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],"
        "UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_"
        "Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_"
        "meridian\",3],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_"
        "easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1],"
        "AUTHORITY[\"EPSG\",\"32631\"]]";
    assert_int_equal(rm_crs_create(ctx, &crs, wkt), RM_OK);
    assert_string_equal(rm_crs_definition(crs), "EPSG:32631");
    assert_string_equal(rm_crs_name(crs), "WGS 84 / UTM zone 31N");
    rm_crs_destroy(crs);
    /* A PROJ string without an EPSG twin is kept as given. */
    const char *laea = "+proj=laea +lat_0=10 +lon_0=20 +datum=WGS84 "
                       "+units=m +no_defs +type=crs";
    assert_int_equal(rm_crs_create(ctx, &crs, laea), RM_OK);
    assert_string_equal(rm_crs_definition(crs), laea);
    rm_crs_destroy(crs);
}

static void test_errors(void **state)
{
    rm_context *ctx = *state;
    rm_crs *crs = NULL;
    assert_int_equal(rm_crs_create(ctx, &crs, "EPSG:999999"), RM_ECRS);
    assert_null(crs);
    assert_non_null(strstr(rm_errmsg(ctx), "EPSG:999999"));
    assert_int_equal(rm_crs_create(ctx, &crs, ""), RM_ECRS);
    rm_transform *tr = NULL;
    assert_int_equal(
        rm_transform_create(ctx, &tr, "EPSG:4326", "no such crs"), RM_ECRS);
    assert_null(tr);
    assert_non_null(strstr(rm_errmsg(ctx), "no such crs"));
    /* DOC: rm_crs_destroy(NULL) is a no-op (and so for transforms). */
    rm_crs_destroy(NULL);
    rm_transform_destroy(NULL);
}

static void test_failed_points(void **state)
{
    rm_context *ctx = *state;
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", "EPSG:32631"),
                     RM_OK);
    /* 93 E is 90 degrees from the central meridian: cs2cs answers "* *"
     * (echo "0 93" | cs2cs EPSG:4326 EPSG:32631). NaN input fails too. */
    double xy[8] = {3.0, 0.0, 93.0, 0.0, NAN, 10.0, 3.0, 45.0};
    size_t failed = 0;
    assert_int_equal(rm_transform_apply(tr, xy, 4, &failed), RM_OK);
    assert_int_equal(failed, 2);
    assert_true(fabs(xy[0] - 500000.0) < 1e-3 && fabs(xy[1]) < 1e-3);
    assert_true(isnan(xy[2]) && isnan(xy[3]));
    assert_true(isnan(xy[4]) && isnan(xy[5]));
    assert_true(fabs(xy[7] - 4982950.4002) < 1e-3);
    /* The transformation stays usable after failures. */
    double ok[2] = {3.0, 45.0};
    assert_int_equal(rm_transform_apply(tr, ok, 1, &failed), RM_OK);
    assert_int_equal(failed, 0);
    assert_true(fabs(ok[0] - 500000.0) < 1e-3);
    rm_transform_destroy(tr);
}

static void test_bbox(void **state)
{
    rm_context *ctx = *state;
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", "EPSG:3857"),
                     RM_OK);
    /* echo "1 1" | cs2cs -f %.4f EPSG:4326 EPSG:3857
     *   -> 111319.4908 111325.1429; also a*rad(1), a*ln(tan(pi/4+rad/2)) */
    rm_bbox in = {0.0, 0.0, 1.0, 1.0}, out;
    assert_int_equal(rm_transform_bbox(tr, in, &out), RM_OK);
    assert_true(fabs(out.minx) < 1e-6 && fabs(out.miny) < 1e-6);
    assert_true(fabs(out.maxx - 111319.4908) < 1e-3);
    assert_true(fabs(out.maxy - 111325.1429) < 1e-3);
    assert_true(fabs(out.maxx - WGS84_A * DEG) < 1e-6);
    rm_transform_destroy(tr);
    /* A UTM box encloses the curved image. Off the central meridian a
     * parallel's northing grows (N = k0 (M + nu tan(phi) dl^2 cos^2(phi) / 2
     * ...)), so the top is reached at the north corners; a meridian's
     * distance from the central one grows with cos(phi), so the west edge
     * is the south-west corner. */
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", "EPSG:32631"),
                     RM_OK);
    rm_bbox b = {2.0, 44.0, 4.0, 46.0};
    assert_int_equal(rm_transform_bbox(tr, b, &out), RM_OK);
    double top[2] = {4.0, 46.0};
    assert_int_equal(rm_transform_apply(tr, top, 1, NULL), RM_OK);
    assert_true(out.maxy >= top[1] - 1e-6);
    assert_true(out.maxy < top[1] + 1.0);
    double sw[2] = {2.0, 44.0};
    assert_int_equal(rm_transform_apply(tr, sw, 1, NULL), RM_OK);
    assert_true(out.minx <= sw[0] + 1e-6);
    rm_transform_destroy(tr);
}

/* ---- fast paths, against PROJ called directly ------------------------ */

static uint64_t rng = 0x243f6a8885a308d3ULL;

static double uniform(double lo, double hi)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return lo + (hi - lo) * (double)(rng >> 11) / 9007199254740992.0;
}

/* PROJ's own answer for lon/lat degrees, NaN where PROJ fails. */
static void proj_ref(const char *to, const double *in, double *out, size_t n)
{
    PJ_CONTEXT *pc = proj_context_create();
    PJ *raw = proj_create_crs_to_crs(pc, "EPSG:4326", to, NULL);
    assert_non_null(raw);
    PJ *pj = proj_normalize_for_visualization(pc, raw);
    assert_non_null(pj);
    for (size_t i = 0; i < n; i++) {
        PJ_COORD c = proj_coord(in[2 * i], in[2 * i + 1], 0, 0);
        c = proj_trans(pj, PJ_FWD, c);
        int ok = isfinite(c.xy.x) && isfinite(c.xy.y) &&
                 fabs(c.xy.x) < 1e30 && fabs(c.xy.y) < 1e30;
        out[2 * i] = ok ? c.xy.x : NAN;
        out[2 * i + 1] = ok ? c.xy.y : NAN;
    }
    proj_destroy(pj);
    proj_destroy(raw);
    proj_context_destroy(pc);
}

#define N_RANDOM 4000

/* n points through rm_transform_apply agree with PROJ within tol. */
static void check_against_proj(rm_context *ctx, const char *to,
                               const double *pts, size_t n, int path,
                               double tol)
{
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", to), RM_OK);
    assert_int_equal(rm__transform_path(tr), path);
    double *got = malloc(2 * n * sizeof *got);
    double *want = malloc(2 * n * sizeof *want);
    assert_non_null(got);
    assert_non_null(want);
    memcpy(got, pts, 2 * n * sizeof *got);
    size_t failed = 99;
    assert_int_equal(rm_transform_apply(tr, got, n, &failed), RM_OK);
    proj_ref(to, pts, want, n);
    size_t want_failed = 0;
    for (size_t i = 0; i < 2 * n; i += 2) {
        if (isnan(want[i])) {
            want_failed++;
            assert_true(isnan(got[i]) && isnan(got[i + 1]));
            continue;
        }
        if (!(fabs(got[i] - want[i]) <= tol &&
              fabs(got[i + 1] - want[i + 1]) <= tol))
            fail_msg("%s: lon %.9f lat %.9f: %.9f %.9f, PROJ %.9f %.9f", to,
                     pts[i], pts[i + 1], got[i], got[i + 1], want[i],
                     want[i + 1]);
    }
    assert_int_equal(failed, want_failed);
    free(got);
    free(want);
    rm_transform_destroy(tr);
}

static void test_fast_utm_zones(void **state)
{
    rm_context *ctx = *state;
    /* North and south zones, both ends of the zone numbers. */
    static const int zones[] = {32601, 32617, 32631, 32633, 32660,
                                32701, 32721, 32735, 32756};
    double *pts = malloc(2 * N_RANDOM * sizeof *pts);
    assert_non_null(pts);
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        int zone = zones[z] % 100;
        double lon0 = 6.0 * zone - 183.0;
        int south = zones[z] > 32700;
        for (size_t i = 0; i < N_RANDOM; i++) {
            /* In the zone, beyond it to +-9 degrees, on its edges (+-3
             * exactly) and a few far out (to +-40). */
            double dl;
            if (i % 10 == 0)
                dl = i % 20 == 0 ? 3.0 : -3.0;
            else if (i % 10 == 1)
                dl = uniform(-40.0, 40.0);
            else
                dl = uniform(-9.0, 9.0);
            pts[2 * i] = lon0 + dl;
            pts[2 * i + 1] = south ? uniform(-80.0, 0.0) : uniform(0.0, 84.0);
        }
        char to[16];
        snprintf(to, sizeof to, "EPSG:%d", zones[z]);
        check_against_proj(ctx, to, pts, N_RANDOM, RM__PATH_TMERC, 1e-6);
    }
    free(pts);
}

static void test_fast_utm_cs2cs(void **state)
{
    rm_context *ctx = *state;
    /* echo "LAT LON" | cs2cs -f %.4f EPSG:4326 EPSG:32631 (and 32735):
     * the zone's edge (+-3 degrees), +-9 degrees and south of the
     * equator, by the fast path. */
    static const struct {
        const char *to;
        double lon, lat, x, y;
    } ref[] = {
        {"EPSG:32631", 6.0, 0.0, 833978.5569, 0.0},
        {"EPSG:32631", 12.0, 0.0, 1505646.8995, 0.0},
        {"EPSG:32631", -6.0, 0.0, -505646.8995, 0.0},
        {"EPSG:32631", 6.0, 45.0, 736446.0261, 4987329.5047},
        {"EPSG:32631", -6.0, 45.0, -209331.5874, 5022507.4923},
        {"EPSG:32631", 12.0, 45.0, 1209331.5874, 5022507.4923},
        {"EPSG:32631", 0.0, 70.0, 385526.2853, 7768690.1088},
        {"EPSG:32631", 9.5, -33.2, 1106352.7523, -3692341.4556},
        {"EPSG:32735", 27.0, -33.2, 500000.0, 6326540.6809},
        {"EPSG:32735", 33.0, -20.0, 1128517.4513, 7777234.1908},
        {"EPSG:32721", -60.0, -80.0, 441867.7849, 1116915.0441},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        rm_transform *tr = NULL;
        assert_int_equal(
            rm_transform_create(ctx, &tr, "EPSG:4326", ref[i].to), RM_OK);
        assert_int_equal(rm__transform_path(tr), RM__PATH_TMERC);
        double xy[2] = {ref[i].lon, ref[i].lat};
        assert_int_equal(rm_transform_apply(tr, xy, 1, NULL), RM_OK);
        assert_true(fabs(xy[0] - ref[i].x) < 1e-4);
        assert_true(fabs(xy[1] - ref[i].y) < 1e-4);
        rm_transform_destroy(tr);
    }
}

static void test_fast_failures_as_proj(void **state)
{
    rm_context *ctx = *state;
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", "EPSG:32631"),
                     RM_OK);
    assert_int_equal(rm__transform_path(tr), RM__PATH_TMERC);
    /* Points the fast path leaves to PROJ, between points it takes:
     * NaN, latitude 91 (cs2cs: "utm: Invalid latitude"), 90 degrees from
     * the central meridian (cs2cs "* *"), and 183 E, which PROJ wraps to
     * 180 degrees from the central meridian: echo "0 183" | cs2cs -f %.2f
     * EPSG:4326 EPSG:32631 -> 500000.00 19995929.89. */
    double xy[] = {3.0, 45.0, NAN, 10.0, 6.0, 0.0, 3.0, 91.0, 12.0, 45.0,
                   93.0, 0.0, 183.0, 0.0, 3.0, NAN, -6.0, 0.0, 3.0, 45.0};
    size_t failed = 0;
    assert_int_equal(rm_transform_apply(tr, xy, 10, &failed), RM_OK);
    assert_int_equal(failed, 4);
    assert_true(fabs(xy[0] - 500000.0) < 1e-4);
    assert_true(fabs(xy[1] - 4982950.4002) < 1e-4);
    assert_true(isnan(xy[2]) && isnan(xy[3]));
    assert_true(fabs(xy[4] - 833978.5569) < 1e-4 && fabs(xy[5]) < 1e-4);
    assert_true(isnan(xy[6]) && isnan(xy[7]));
    assert_true(fabs(xy[8] - 1209331.5874) < 1e-4);
    assert_true(isnan(xy[10]) && isnan(xy[11]));
    assert_true(fabs(xy[12] - 500000.0) < 0.01);
    assert_true(fabs(xy[13] - 19995929.89) < 0.01);
    assert_true(isnan(xy[14]) && isnan(xy[15]));
    assert_true(fabs(xy[16] + 505646.8995) < 1e-4);
    assert_true(fabs(xy[19] - 4982950.4002) < 1e-4);
    rm_transform_destroy(tr);
}

static void test_fast_laea(void **state)
{
    rm_context *ctx = *state;
    /* The wide-area CRS of rm_crs_auto, and others across latitudes. */
    rm_crs *crs = NULL;
    rm_bbox sahel = {-6.0, 14.0, 5.0, 22.0};
    assert_int_equal(rm_crs_auto(ctx, &crs, sahel), RM_OK);
    static const char *defs[] = {
        NULL, /* the auto CRS */
        "+proj=laea +lat_0=0 +lon_0=10 +datum=WGS84 +units=m +no_defs "
        "+type=crs",
        "+proj=laea +lat_0=-65.25 +lon_0=130 +datum=WGS84 +units=m "
        "+no_defs +type=crs",
        "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 "
        "+ellps=GRS80 +units=m +no_defs +type=crs",
    };
    double *pts = malloc(2 * N_RANDOM * sizeof *pts);
    assert_non_null(pts);
    for (size_t d = 0; d < sizeof defs / sizeof defs[0]; d++) {
        const char *to = defs[d] ? defs[d] : rm_crs_definition(crs);
        double lon0 = d == 0 ? -0.5 : d == 1 ? 10.0 : d == 2 ? 130.0 : 10.0;
        for (size_t i = 0; i < N_RANDOM; i++) {
            /* Most within 30 degrees, some to 90 and beyond, some near
             * the poles (which go to PROJ). */
            double w = i % 4 == 0 ? 100.0 : 30.0;
            pts[2 * i] = lon0 + uniform(-w, w);
            pts[2 * i + 1] = i % 50 == 0 ? uniform(-90.0, 90.0)
                                         : uniform(-85.0, 85.0);
        }
        check_against_proj(ctx, to, pts, N_RANDOM, RM__PATH_LAEA, 1e-6);
    }
    /* echo "LON LAT" | cs2cs -f %.4f +proj=longlat +datum=WGS84 +to
     * +proj=laea +lat_0=18 +lon_0=-0.5 +datum=WGS84 +units=m */
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326",
                                         rm_crs_definition(crs)),
                     RM_OK);
    double xy[6] = {5.0, 20.0, -20.0, 14.0, -0.5, 88.0};
    assert_int_equal(rm_transform_apply(tr, xy, 3, NULL), RM_OK);
    assert_true(fabs(xy[0] - 575369.0035) < 1e-4);
    assert_true(fabs(xy[1] - 230087.4287) < 1e-4);
    assert_true(fabs(xy[2] + 2095359.6763) < 1e-4);
    assert_true(fabs(xy[3] + 337956.2275) < 1e-4);
    assert_true(fabs(xy[4]) < 1e-4);
    assert_true(fabs(xy[5] - 7307159.7269) < 1e-4);
    rm_transform_destroy(tr);
    rm_crs_destroy(crs);
    free(pts);
}

static void test_fast_tmerc_general(void **state)
{
    rm_context *ctx = *state;
    /* A transverse Mercator with a latitude of origin, scale and false
     * origin of its own (the British grid's, on WGS 84). */
    const char *to = "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 "
                     "+x_0=400000 +y_0=-100000 +ellps=WGS84 +units=m "
                     "+no_defs +type=crs";
    double *pts = malloc(2 * N_RANDOM * sizeof *pts);
    assert_non_null(pts);
    for (size_t i = 0; i < N_RANDOM; i++) {
        pts[2 * i] = -2.0 + uniform(-12.0, 12.0);
        pts[2 * i + 1] = uniform(-90.0, 90.0);
    }
    check_against_proj(ctx, to, pts, N_RANDOM, RM__PATH_TMERC, 1e-6);
    free(pts);
    /* The origin maps to the false origin. */
    double o[2] = {-2.0, 49.0};
    transform_point(ctx, "EPSG:4326", to, o);
    assert_true(fabs(o[0] - 400000.0) < 1e-6);
    assert_true(fabs(o[1] + 100000.0) < 1e-6);
}

static void test_fast_check_and_lanes(void **state)
{
    rm_context *ctx = *state;
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", "EPSG:32631"),
                     RM_OK);
    rm__fastproj fp;
    assert_int_equal(rm__fastproj_setup(&fp, "+proj=utm +zone=31 "
                                             "+ellps=WGS84"),
                     1);
    /* Every path the CPU has (one point at a time, and four or eight
     * lanes) passes the check against PROJ ... */
    assert_int_equal(rm__transform_fast_agrees(tr, &fp), 1);
    rm__fastproj scalar = fp;
    scalar.vec = RM__FP_VEC_NONE;
    assert_int_equal(rm__transform_fast_agrees(tr, &scalar), 1);
    for (int v = RM__FP_VEC_AVX2; v <= fp.vec; v++) {
        rm__fastproj lanes = fp;
        lanes.vec = v;
        assert_int_equal(rm__transform_fast_agrees(tr, &lanes), 1);
    }
    /* ... and the check catches a scale off by 1e-12 (6e-6 m at the
     * false northing of the pole), the wrong zone and the wrong
     * ellipsoid. */
    rm__fastproj bad = fp;
    bad.scale *= 1.0 + 1e-12;
    assert_int_equal(rm__transform_fast_agrees(tr, &bad), 0);
    assert_int_equal(rm__fastproj_setup(&bad, "+proj=utm +zone=32 "
                                              "+ellps=WGS84"),
                     1);
    assert_int_equal(rm__transform_fast_agrees(tr, &bad), 0);
    assert_int_equal(rm__fastproj_setup(&bad, "+proj=utm +zone=31 "
                                              "+ellps=GRS80"),
                     1);
    assert_int_equal(rm__transform_fast_agrees(tr, &bad), 0);
    /* Lanes do not mix: 1 to 17 points give each point the answer it
     * gets alone, to the bit, on each path (so results never depend on
     * how a layer's points were split into runs), and the scalar answer
     * to 1e-7 m. */
    double one[2 * 17], many[2 * 17];
    for (int i = 0; i < 17; i++) {
        one[2 * i] = uniform(-6.0, 12.0);
        one[2 * i + 1] = uniform(-80.0, 80.0);
    }
    for (int v = RM__FP_VEC_NONE; v <= fp.vec; v++) {
        rm__fastproj path = fp;
        path.vec = v;
        for (size_t n = 1; n <= 17; n++) {
            memcpy(many, one, sizeof many);
            assert_int_equal(rm__fastproj_fwd(&path, many, n), n);
            for (size_t i = 0; i < n; i++) {
                double p[2] = {one[2 * i], one[2 * i + 1]};
                double q[2] = {one[2 * i], one[2 * i + 1]};
                assert_int_equal(rm__fastproj_fwd(&path, p, 1), 1);
                assert_true(p[0] == many[2 * i] && p[1] == many[2 * i + 1]);
                assert_int_equal(rm__fastproj_fwd(&scalar, q, 1), 1);
                assert_true(fabs(q[0] - many[2 * i]) < 1e-7);
                assert_true(fabs(q[1] - many[2 * i + 1]) < 1e-7);
            }
        }
    }
    /* The fast loop stops at the first point outside its domain. */
    double stop[6] = {3.0, 10.0, 60.0, 10.0, 3.0, 10.0};
    assert_int_equal(rm__fastproj_fwd(&fp, stop, 3), 1);
    assert_true(stop[2] == 60.0 && stop[3] == 10.0 && stop[4] == 3.0);
    rm_transform_destroy(tr);
}

static void test_fast_not_taken(void **state)
{
    rm_context *ctx = *state;
    rm__fastproj fp;
    /* Definitions the fast path does not claim. */
    assert_int_equal(rm__fastproj_setup(&fp, "+proj=tmerc +algo="
                                             "evenden_snyder +ellps=WGS84"),
                     0);
    assert_int_equal(rm__fastproj_setup(&fp, "+proj=utm +zone=31 "
                                             "+ellps=clrk66"),
                     0);
    assert_int_equal(rm__fastproj_setup(&fp, "+proj=utm +zone=61 "
                                             "+ellps=WGS84"),
                     0);
    assert_int_equal(rm__fastproj_setup(&fp, "+proj=laea +lat_0=90 "
                                             "+ellps=WGS84"),
                     0);
    assert_int_equal(rm__fastproj_setup(&fp, "+proj=tmerc +lon_0=3 "
                                             "+units=ft +ellps=WGS84"),
                     0);
    assert_int_equal(rm__fastproj_setup(&fp, "+proj=merc +ellps=WGS84"), 0);
    assert_int_equal(fp.kind, RM__FAST_NONE);
    /* Web Mercator, the inverse of UTM, and a datum change stay with
     * PROJ. */
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", "EPSG:3857"),
                     RM_OK);
    assert_true(rm__transform_path(tr) < RM__PATH_TMERC);
    rm_transform_destroy(tr);
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:32631", "EPSG:4326"),
                     RM_OK);
    assert_true(rm__transform_path(tr) < RM__PATH_TMERC);
    rm_transform_destroy(tr);
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", "EPSG:27700"),
                     RM_OK);
    assert_int_equal(rm__transform_path(tr), RM__PATH_PROJ);
    rm_transform_destroy(tr);
}

static void test_transform_cache(void **state)
{
    (void)state;
    /* Each pair of CRSs is made once per context and copied after: the
     * copies must be the right pair's and outlive the first. Zones 31 and
     * 32 alternate; each central meridian at 45 N gives cs2cs's
     * 500000.0000 4982950.4002. */
    rm_context *c = NULL;
    assert_int_equal(rm_context_create(&c), RM_OK);
    for (int round = 0; round < 3; round++) {
        for (int zone = 31; zone <= 32; zone++) {
            char to[16];
            snprintf(to, sizeof to, "EPSG:326%d", zone);
            rm_transform *tr = NULL;
            assert_int_equal(rm_transform_create(c, &tr, "EPSG:4326", to),
                             RM_OK);
            double xy[4] = {zone == 31 ? 3.0 : 9.0, 45.0, NAN, 0};
            size_t failed = 0;
            assert_int_equal(rm_transform_apply(tr, xy, 2, &failed), RM_OK);
            assert_int_equal(failed, 1);
            assert_true(fabs(xy[0] - 500000.0) < 1e-4);
            assert_true(fabs(xy[1] - 4982950.4002) < 1e-4);
            assert_int_equal(rm__transform_path(tr), RM__PATH_TMERC);
            rm_transform_destroy(tr);
        }
    }
    /* A pair PROJ cannot make is refused every time, not remembered. */
    rm_transform *bad = NULL;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(rm_transform_create(c, &bad, "EPSG:4326",
                                             "EPSG:999999"),
                         RM_ECRS);
        assert_null(bad);
    }
    rm_context_destroy(c);
}

static void test_clone(void **state)
{
    (void)state;
    /* A copy made for another context keeps working after the original
     * and its context are gone, with the cs2cs values of
     * test_fast_failures_as_proj (fast path and PROJ's fallback alike). */
    rm_context *a = NULL, *b = NULL;
    assert_int_equal(rm_context_create(&a), RM_OK);
    assert_int_equal(rm_context_create(&b), RM_OK);
    rm_transform *tr = NULL, *copy = NULL;
    assert_int_equal(rm_transform_create(a, &tr, "EPSG:4326", "EPSG:32631"),
                     RM_OK);
    assert_int_equal(rm__transform_clone(b, tr, &copy), RM_OK);
    rm_transform_destroy(tr);
    rm_context_destroy(a);
    assert_int_equal(rm__transform_path(copy), RM__PATH_TMERC);
    double xy[] = {3.0, 45.0, NAN, 10.0, 6.0, 0.0, 3.0, 91.0, 183.0, 0.0};
    size_t failed = 0;
    assert_int_equal(rm_transform_apply(copy, xy, 5, &failed), RM_OK);
    assert_int_equal(failed, 2);
    assert_true(fabs(xy[0] - 500000.0) < 1e-4);
    assert_true(fabs(xy[1] - 4982950.4002) < 1e-4);
    assert_true(isnan(xy[2]) && isnan(xy[3]));
    assert_true(fabs(xy[4] - 833978.5569) < 1e-4 && fabs(xy[5]) < 1e-4);
    assert_true(isnan(xy[6]) && isnan(xy[7]));
    assert_true(fabs(xy[8] - 500000.0) < 0.01);
    assert_true(fabs(xy[9] - 19995929.89) < 0.01);
    rm_transform_destroy(copy);
    /* A datum change is no single conversion: not copied. */
    assert_int_equal(rm_transform_create(b, &tr, "EPSG:4326", "EPSG:27700"),
                     RM_OK);
    assert_int_equal(rm__transform_clone(b, tr, &copy), RM_EINVAL);
    assert_null(copy);
    rm_transform_destroy(tr);
    rm_context_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wgs84_to_utm31_cs2cs),
        cmocka_unit_test(test_central_meridian_closed_form),
        cmocka_unit_test(test_epsg4326_is_lon_lat),
        cmocka_unit_test(test_multi_step_pipeline),
        cmocka_unit_test(test_auto_zones),
        cmocka_unit_test(test_auto_wide_is_laea),
        cmocka_unit_test(test_definitions),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_failed_points),
        cmocka_unit_test(test_bbox),
        cmocka_unit_test(test_fast_utm_zones),
        cmocka_unit_test(test_fast_utm_cs2cs),
        cmocka_unit_test(test_fast_failures_as_proj),
        cmocka_unit_test(test_fast_laea),
        cmocka_unit_test(test_fast_tmerc_general),
        cmocka_unit_test(test_fast_check_and_lanes),
        cmocka_unit_test(test_fast_not_taken),
        cmocka_unit_test(test_clone),
        cmocka_unit_test(test_transform_cache),
    };
    return cmocka_run_group_tests(tests, rmt_context_setup,
                                  rmt_context_teardown);
}
