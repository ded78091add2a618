/*
 * End-to-end runs of the crossings plugin: loaded from its shared object
 * by the registry, parameters resolved by the host (units converted,
 * lists split), run in process and in a forked child with the host's
 * output checks; and through `routemap analyze crossings` on CSV files
 * with a WKT column, read back with OGR. Expected values are worked out
 * by hand, or with PROJ directly for the lon/lat inputs.
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
#include <gdal/gdal.h>
#include <gdal/ogr_api.h>
#include <proj.h>

#include "../../e2e/e2e_util.h"
#include "plugin/params.h"
#include "plugin/step.h"
#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/layer.h"
#include "routemap/registry.h"

static rm_context *ctx;
static rm_registry *reg;
static rm_layer *patrols, *cfl;

static const rm_layer *lookup(void *ud, const char *name)
{
    (void)ud;
    if (strcmp(name, "patrols") == 0)
        return patrols;
    if (strcmp(name, "cfl") == 0)
        return cfl;
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    if (rm_context_create(&ctx) || rm_registry_create(ctx, &reg) ||
        rm_registry_add_path(reg, RM_BUILD_PLUGIN_DIR) ||
        rm_registry_scan(reg))
        return -1;
    /* The line (0,0)-(1000,0), metres, id 7: north is its left. */
    if (rm_layer_create(&cfl, "cfl", RM_GEOM_LINE) ||
        rm_layer_begin_feature(cfl, 7) < 0)
        return -1;
    double l[] = {0, 0, 1000, 0};
    rm_layer_add_part(cfl, l, 2, NULL, 1);
    if (rm_layer_create(&patrols, "patrols", RM_GEOM_LINE))
        return -1;
    /* 1: N -> S at x = 100, vertices 90 minutes apart. */
    double t1[] = {100, 50, 100, -50}, tm[] = {0.0, 5400.0};
    rm_layer_begin_feature(patrols, 1);
    rm_layer_add_part(patrols, t1, 2, tm, 1);
    /* 2: S -> N at x = 700. */
    double t2[] = {700, -50, 700, 50};
    rm_layer_begin_feature(patrols, 2);
    rm_layer_add_part(patrols, t2, 2, NULL, 1);
    /* 3: 30 m north of the line, from x = 300 to 400. */
    double t3[] = {300, 30, 400, 30};
    rm_layer_begin_feature(patrols, 3);
    rm_layer_add_part(patrols, t3, 2, NULL, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_layer_destroy(patrols);
    rm_layer_destroy(cfl);
    rm_registry_destroy(reg);
    rm_context_destroy(ctx);
    return 0;
}

static int fidx(const rm_layer *l, const char *name)
{
    int f = rm_layer_field_index(l, name);
    assert_true(f >= 0);
    return f;
}

static void run_host(int in_process)
{
    const rm_plugin_desc *d = rm_registry_find(reg, "crossings");
    assert_non_null(d);
    rm_location loc = {"brief.yaml", 10, 5, NULL, NULL, -1};
    const char *v_tracks[] = {"patrols"}, *v_lines[] = {"cfl"};
    const char *v_seg[] = {"500 m"}, *v_gap[] = {"2h"};
    const char *v_app[] = {"0.05 km"}, *v_sides[] = {"north", "south"};
    rm__raw_param raw[] = {
        {"tracks", v_tracks, 1, 0, loc},  {"lines", v_lines, 1, 0, loc},
        {"segment_km", v_seg, 1, 0, loc}, {"gap_max_min", v_gap, 1, 0, loc},
        {"approach_m", v_app, 1, 0, loc}, {"side_names", v_sides, 2, 1, loc},
    };
    rm__params *p = NULL;
    int rc = rm__params_resolve(ctx, d, "cross", raw, 6, lookup, NULL, &p);
    if (rc)
        fail_msg("params: %s", rm_errmsg(ctx));
    rm_bbox area = {NAN, NAN, NAN, NAN};
    rm__step_result res;
    rc = rm__step_run(ctx, d, "cross", p, "EPSG:32631", area, NULL, NULL,
                      in_process, &res);
    rm__params_destroy(p);
    if (rc)
        fail_msg("step: %s", rm_errmsg(ctx));
    assert_int_equal(res.n, 4);
    const rm_layer *pts = res.layers[0], *seg = res.layers[1];
    const rm_layer *trk = res.layers[2], *app = res.layers[3];

    /* gap "2h" is 120 min: track 1 is joined and crosses at 45 min. */
    assert_int_equal(rm_layer_feature_count(pts), 2);
    const double *xy = rm_layer_xy(pts);
    assert_float_equal(xy[0], 100.0, 1e-9);
    assert_float_equal(xy[2], 700.0, 1e-9);
    assert_string_equal(rm_layer_field_string(pts, fidx(pts, "from_side"), 0),
                        "north");
    assert_string_equal(rm_layer_field_string(pts, fidx(pts, "to_side"), 1),
                        "north");
    assert_int_equal(rm_layer_field_ints(pts, fidx(pts, "time"))[0],
                     2700000);
    assert_float_equal(rm_layer_field_reals(pts, fidx(pts, "chainage_km"))[1],
                       0.7, 1e-12);
    assert_int_equal(rm_layer_field_ints(pts, fidx(pts, "line_id"))[0], 7);

    /* segment_km "500 m": [0, 0.5] holds the N->S, [0.5, 1] the S->N;
     * a tie of one each, ranked by from_km. */
    assert_int_equal(rm_layer_feature_count(seg), 2);
    const int64_t *ab = rm_layer_field_ints(seg, fidx(seg, "n_ab"));
    const int64_t *ba = rm_layer_field_ints(seg, fidx(seg, "n_ba"));
    const int64_t *rank = rm_layer_field_ints(seg, fidx(seg, "rank"));
    assert_int_equal(ab[0], 1);
    assert_int_equal(ba[0], 0);
    assert_int_equal(ab[1], 0);
    assert_int_equal(ba[1], 1);
    assert_int_equal(rank[0], 1);
    assert_int_equal(rank[1], 2);
    assert_float_equal(rm_layer_field_reals(seg, fidx(seg, "to_km"))[1], 1.0,
                       1e-12);

    assert_int_equal(rm_layer_geom_type(trk), RM_GEOM_NONE);
    assert_int_equal(rm_layer_feature_count(trk), 3);
    const int64_t *n = rm_layer_field_ints(trk, fidx(trk, "crossings"));
    assert_int_equal(n[0], 1);
    assert_int_equal(n[1], 1);
    assert_int_equal(n[2], 0);

    /* approach_m "0.05 km": track 3, 30 m away at 0.3 km. */
    assert_int_equal(rm_layer_feature_count(app), 1);
    assert_int_equal(rm_layer_field_ints(app, fidx(app, "track_id"))[0], 3);
    assert_float_equal(rm_layer_field_reals(app, fidx(app, "distance_m"))[0],
                       30.0, 1e-9);
    assert_float_equal(rm_layer_field_reals(app, fidx(app, "chainage_km"))[0],
                       0.3, 1e-12);

    int noted = 0;
    for (size_t i = 0; i < res.n_notes; i++)
        noted |= strcmp(res.note_keys[i], "crossings.sides") == 0;
    assert_true(noted);
    rm__step_result_free(&res);
}

static void test_host_in_process(void **state)
{
    (void)state;
    run_host(1);
}

static void test_host_forked(void **state)
{
    (void)state;
    run_host(0);
}

/* Bad parameters are caught by the host with their place. */
static void test_host_refuses(void **state)
{
    (void)state;
    const rm_plugin_desc *d = rm_registry_find(reg, "crossings");
    rm_location loc = {"brief.yaml", 12, 7, NULL, NULL, -1};
    const char *v_tracks[] = {"patrols"}, *v_lines[] = {"cfl"};
    const char *v_seg[] = {"-5"};
    rm__raw_param raw[] = {{"tracks", v_tracks, 1, 0, loc},
                           {"lines", v_lines, 1, 0, loc},
                           {"segment_km", v_seg, 1, 0, loc}};
    rm__params *p = NULL;
    int rc = rm__params_resolve(ctx, d, "cross", raw, 3, lookup, NULL, &p);
    assert_int_equal(rc, RM_EPLUGIN_PARAM);
    assert_non_null(strstr(rm_errmsg(ctx), "segment_km"));
    assert_null(p);
    /* A misspelt name is refused, not ignored. */
    raw[2].name = "segment_kms";
    raw[2].items = (const char *[]){"5"};
    rc = rm__params_resolve(ctx, d, "cross", raw, 3, lookup, NULL, &p);
    assert_int_equal(rc, RM_EPLUGIN_PARAM);
    assert_non_null(strstr(rm_errmsg(ctx), "segment_kms"));
    assert_null(p);
}

/* ---- the CLI on CSV files with a WKT column (lon/lat) -------------------- */

/* Project lon/lat to UTM 31N with PROJ, as an independent reference. */
static void utm(double lon, double lat, double *x, double *y)
{
    PJ_CONTEXT *pc = proj_context_create();
    PJ *raw = proj_create_crs_to_crs(pc, "EPSG:4326", "EPSG:32631", NULL);
    PJ *pj = proj_normalize_for_visualization(pc, raw);
    PJ_COORD c = proj_coord(lon, lat, 0, 0);
    PJ_COORD r = proj_trans(pj, PJ_FWD, c);
    *x = r.xy.x;
    *y = r.xy.y;
    proj_destroy(pj);
    proj_destroy(raw);
    proj_context_destroy(pc);
}

/* Where segment p-q crosses segment a-b: fraction along p-q, and
 * distance from a. */
static void intersect(const double *p, const double *q, const double *a,
                      const double *b, double *f, double *along)
{
    double rx = q[0] - p[0], ry = q[1] - p[1];
    double sx = b[0] - a[0], sy = b[1] - a[1];
    double den = rx * sy - ry * sx;
    *f = ((a[0] - p[0]) * sy - (a[1] - p[1]) * sx) / den;
    double ix = p[0] + *f * rx, iy = p[1] + *f * ry;
    *along = hypot(ix - a[0], iy - a[1]);
}

static OGRLayerH layer_of(GDALDatasetH ds, const char *name)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    if (!l)
        fail_msg("no layer '%s' in the output", name);
    return l;
}

static void test_cli_csv(void **state)
{
    (void)state;
    e2e_write("lines.csv", "id,WKT\n"
                           "1,\"LINESTRING (3.0 16.0, 3.2 16.0)\"\n");
    e2e_write("tracks.csv",
              "name,WKT\n"
              "a,\"LINESTRING (3.05 16.05, 3.05 15.95)\"\n"
              "b,\"LINESTRING (3.15 15.95, 3.15 16.05, 3.16 15.95)\"\n"
              "c,\"LINESTRING (3.5 16.5, 3.6 16.6)\"\n");
    char in_t[1200], in_l[1200], out[1200];
    snprintf(in_t, sizeof in_t, "tracks=%s", e2e_path("tracks.csv"));
    snprintf(in_l, sizeof in_l, "lines=%s", e2e_path("lines.csv"));
    snprintf(out, sizeof out, "%s", e2e_path("out.gpkg"));
    const char *args[] = {"analyze", "crossings", "--input", in_t,
                          "--input", in_l, "--set",
                          "side_names=north,south", "--crs", "EPSG:32631",
                          "-o", out, NULL};
    e2e_result r = e2e_run(args);
    if (r.exit_code)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);

    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH pts = layer_of(ds, "points");
    OGRLayerH trk = layer_of(ds, "tracks");
    OGRLayerH seg = layer_of(ds, "segments");
    layer_of(ds, "approaches");
    /* a: 1 (N->S); b: S->N then N->S; c: none. */
    assert_int_equal(OGR_L_GetFeatureCount(pts, 1), 3);
    assert_int_equal(OGR_L_GetFeatureCount(trk, 1), 3);

    /* Reference chainage of a's crossing: PROJ, then the planar
     * intersection in UTM. */
    double a0[2], a1[2], l0[2], l1[2], f, along;
    utm(3.05, 16.05, &a0[0], &a0[1]);
    utm(3.05, 15.95, &a1[0], &a1[1]);
    utm(3.0, 16.0, &l0[0], &l0[1]);
    utm(3.2, 16.0, &l1[0], &l1[1]);
    intersect(a0, a1, l0, l1, &f, &along);

    OGR_L_ResetReading(pts);
    OGRFeatureH ft = OGR_L_GetNextFeature(pts);
    assert_non_null(ft);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(pts);
    assert_string_equal(
        OGR_F_GetFieldAsString(ft, OGR_FD_GetFieldIndex(defn, "from_side")),
        "north");
    assert_string_equal(
        OGR_F_GetFieldAsString(ft, OGR_FD_GetFieldIndex(defn, "to_side")),
        "south");
    assert_float_equal(
        OGR_F_GetFieldAsDouble(ft, OGR_FD_GetFieldIndex(defn, "chainage_km")),
        along / 1000.0, 1e-9);
    /* Nearly a right angle: the meridian against the parallel's chord. */
    double ang =
        OGR_F_GetFieldAsDouble(ft, OGR_FD_GetFieldIndex(defn, "angle_deg"));
    assert_true(ang > 89.0 && ang <= 90.0);
    /* CSV feature ids start at 1: a is track 1. */
    assert_int_equal(
        OGR_F_GetFieldAsInteger64(ft, OGR_FD_GetFieldIndex(defn, "track_id")),
        1);
    OGR_F_Destroy(ft);

    /* The line, about 21.4 km, in 5 km pieces: 5 rows. */
    assert_int_equal(OGR_L_GetFeatureCount(seg, 1), 5);
    GDALClose(ds);
}

/* Point tracks from a CSV: grouped by track_field, ordered by time_field
 * (ISO text); a 3 hour gap is not joined. */
static void test_cli_csv_points(void **state)
{
    (void)state;
    e2e_write("lines2.csv", "id,WKT\n"
                            "1,\"LINESTRING (3.0 16.0, 3.2 16.0)\"\n");
    e2e_write("fixes.csv", "unit,time,WKT\n"
                           "A,2025-07-01T10:10:00Z,\"POINT (3.05 15.95)\"\n"
                           "B,2025-07-01T10:00:00Z,\"POINT (3.10 16.05)\"\n"
                           "A,2025-07-01T10:00:00Z,\"POINT (3.05 16.05)\"\n"
                           "B,2025-07-01T13:00:00Z,\"POINT (3.10 15.95)\"\n");
    char in_t[1200], in_l[1200], out[1200];
    snprintf(in_t, sizeof in_t, "tracks=%s", e2e_path("fixes.csv"));
    snprintf(in_l, sizeof in_l, "lines=%s", e2e_path("lines2.csv"));
    snprintf(out, sizeof out, "%s", e2e_path("out2.gpkg"));
    const char *args[] = {"analyze", "crossings", "--input", in_t,
                          "--input", in_l, "--set", "track_field=unit",
                          "--set", "time_field=time", "--crs", "EPSG:32631",
                          "-o", out, NULL};
    e2e_result r = e2e_run(args);
    if (r.exit_code)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);

    double a0[2], a1[2], l0[2], l1[2], f, along;
    utm(3.05, 16.05, &a0[0], &a0[1]);
    utm(3.05, 15.95, &a1[0], &a1[1]);
    utm(3.0, 16.0, &l0[0], &l0[1]);
    utm(3.2, 16.0, &l1[0], &l1[1]);
    intersect(a0, a1, l0, l1, &f, &along);

    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH trk = layer_of(ds, "tracks");
    assert_int_equal(OGR_L_GetFeatureCount(trk, 1), 2);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(trk);
    OGR_L_ResetReading(trk);
    OGRFeatureH ft = OGR_L_GetNextFeature(trk);
    assert_string_equal(
        OGR_F_GetFieldAsString(ft, OGR_FD_GetFieldIndex(defn, "track_id")),
        "A");
    assert_int_equal(
        OGR_F_GetFieldAsInteger(ft, OGR_FD_GetFieldIndex(defn, "crossings")),
        1);
    int y, mo, d, h, mi, tz;
    float s;
    assert_true(OGR_F_GetFieldAsDateTimeEx(
        ft, OGR_FD_GetFieldIndex(defn, "first_time"), &y, &mo, &d, &h, &mi,
        &s, &tz));
    /* 10:00 + f * 10 min, f from PROJ and the planar intersection. */
    double want = 600.0 * f, got = mi * 60.0 + s;
    assert_int_equal(h, 10);
    assert_float_equal(got, want, 0.002);
    OGR_F_Destroy(ft);
    ft = OGR_L_GetNextFeature(trk);
    assert_string_equal(
        OGR_F_GetFieldAsString(ft, OGR_FD_GetFieldIndex(defn, "track_id")),
        "B");
    assert_int_equal(
        OGR_F_GetFieldAsInteger(ft, OGR_FD_GetFieldIndex(defn, "crossings")),
        0);
    OGR_F_Destroy(ft);
    GDALClose(ds);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_in_process),
        cmocka_unit_test(test_host_forked),
        cmocka_unit_test(test_host_refuses),
        cmocka_unit_test(test_cli_csv),
        cmocka_unit_test(test_cli_csv_points),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
