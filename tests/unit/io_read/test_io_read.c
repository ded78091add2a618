/*
 * Tests of rm_io_read. Every source is made here, in $RM_TEST_TMP, either
 * as text (GeoJSON, CSV, GPX, KML) or through GDAL's own C API (GeoPackage,
 * Shapefile, GeoTIFF). Expected values are worked out independently:
 * reprojected coordinates from PROJ's cs2cs (command quoted beside each),
 * epoch times from `date -u -d <ISO time> +%s`, areas by the shoelace
 * formula by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <proj.h>
#include <pthread.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "layer/layer_internal.h"
#include "test_support.h"

static char tmpdir[512];

static const char *path_of(const char *name)
{
    static char buf[4][768];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    const char *t = getenv("RM_TEST_TMP");
    snprintf(tmpdir, sizeof tmpdir, "%s", t ? t : "/tmp/rm_test_io_read");
    mkdir(tmpdir, 0755);
    GDALAllRegister();
    return rmt_context_setup(state);
}

static rm_layer *read_ok(rm_context *ctx, const char *path,
                         const rm_read_options *opt, rm_read_report *rep)
{
    rm_layer *l = NULL;
    int rc = rm_io_read(ctx, &l, path, opt, rep);
    if (rc != RM_OK)
        fprintf(stderr, "rm_io_read(%s): %s\n", path, rm_errmsg(ctx));
    assert_int_equal(rc, RM_OK);
    assert_non_null(l);
    return l;
}

static int field(const rm_layer *l, const char *name)
{
    int i = rm_layer_field_index(l, name);
    assert_true(i >= 0);
    return i;
}

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fprintf(stderr, "got %.6f, want %.6f (tol %g)\n", got, want, tol);
    assert_true(fabs(got - want) <= tol);
}

/* ---- sources made with GDAL ------------------------------------------- */

/* A new, empty GeoPackage at path (any earlier file removed). */
static GDALDatasetH new_gpkg(const char *path)
{
    unlink(path);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    assert_non_null(ds);
    return ds;
}

static OGRLayerH new_layer(GDALDatasetH ds, const char *name, int epsg,
                           OGRwkbGeometryType type)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, epsg);
    OGRLayerH l = GDALDatasetCreateLayer(ds, name, srs, type, NULL);
    OSRRelease(srs);
    assert_non_null(l);
    return l;
}

static void add_field(OGRLayerH l, const char *name, OGRFieldType t,
                      OGRFieldSubType st)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, t);
    OGR_Fld_SetSubType(fd, st);
    assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
}

static void add_wkt(OGRLayerH l, int64_t fid, const char *wkt,
                    OGRFeatureH f)
{
    OGRGeometryH g = NULL;
    if (wkt) {
        char *w = (char *)wkt;
        assert_int_equal(OGR_G_CreateFromWkt(&w, NULL, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(f, g);
    }
    OGR_F_SetFID(f, fid);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
}

/*
 * incidents.gpkg, layer "incidents" (EPSG:4326 points):
 * fid  lon      lat      kind        n  score  when (UTC)          informant
 * 101  2.3522   48.8566  smuggling   3  1.5    2026-07-01T08:00:00 "A"
 * 205  3.0      45.0     patrol      1  NULL   2026-07-10T06:30:00 "B"
 * 307  -8.0029  12.6392  smuggling   7  2.25   2026-06-15T12:00:00 NULL
 * 411  NaN      12.0     seizure     2  0.0    2026-07-02T00:00:00 "C"
 * 512  200.0    10.0     seizure     2  0.0    2026-07-02T00:00:00 "D"
 * plus flag (Boolean) = fid odd? 1 : 0, and a Date column day.
 */
static void add_incidents(GDALDatasetH ds, const char *name, int with_flag)
{
    OGRLayerH l = new_layer(ds, name, 4326, wkbPoint);
    add_field(l, "kind", OFTString, OFSTNone);
    add_field(l, "n", OFTInteger64, OFSTNone);
    add_field(l, "score", OFTReal, OFSTNone);
    add_field(l, "event_time", OFTDateTime, OFSTNone);
    add_field(l, "informant", OFTString, OFSTNone);
    add_field(l, "day", OFTDate, OFSTNone);
    if (with_flag)
        add_field(l, "flag", OFTInteger, OFSTBoolean);
    struct {
        int64_t fid;
        double x, y;
        const char *kind;
        int n;
        double score;
        int mo, d, h, mi;
        const char *inf;
    } rows[] = {
        {101, 2.3522, 48.8566, "smuggling", 3, 1.5, 7, 1, 8, 0, "A"},
        {205, 3.0, 45.0, "patrol", 1, NAN, 7, 10, 6, 30, "B"},
        {307, -8.0029, 12.6392, "smuggling", 7, 2.25, 6, 15, 12, 0, NULL},
        {411, NAN, 12.0, "seizure", 2, 0.0, 7, 2, 0, 0, "C"},
        {512, 200.0, 10.0, "seizure", 2, 0.0, 7, 2, 0, 0, "D"},
    };
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldString(f, 0, rows[i].kind);
        OGR_F_SetFieldInteger64(f, 1, rows[i].n);
        if (!isnan(rows[i].score))
            OGR_F_SetFieldDouble(f, 2, rows[i].score);
        OGR_F_SetFieldDateTime(f, 3, 2026, rows[i].mo, rows[i].d, rows[i].h,
                               rows[i].mi, 0, 100);
        if (rows[i].inf)
            OGR_F_SetFieldString(f, 4, rows[i].inf);
        OGR_F_SetFieldDateTime(f, 5, 2026, rows[i].mo, rows[i].d, 0, 0, 0, 0);
        if (with_flag)
            OGR_F_SetFieldInteger(f, 6, (int)(rows[i].fid % 2));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, rows[i].x, rows[i].y);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFID(f, rows[i].fid);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
}

/*
 * incidents.gpkg, layers "incidents" and "incidents_arrow" (EPSG:4326
 * points; the first also has a Boolean "flag" = fid % 2, which makes
 * GDAL 3.6 readers take the feature loop, the second goes through the
 * Arrow stream):
 * fid  lon      lat      kind        n  score  event_time (UTC)    informant
 * 101  2.3522   48.8566  smuggling   3  1.5    2026-07-01T08:00:00 "A"
 * 205  3.0      45.0     patrol      1  NULL   2026-07-10T06:30:00 "B"
 * 307  -8.0029  12.6392  smuggling   7  2.25   2026-06-15T12:00:00 NULL
 * 411  NaN      12.0     seizure     2  0.0    2026-07-02T00:00:00 "C"
 * 512  200.0    10.0     seizure     2  0.0    2026-07-02T00:00:00 "D"
 * plus a Date column "day" (the date of event_time).
 */
static const char *make_incidents_gpkg(void)
{
    const char *path = path_of("incidents.gpkg");
    GDALDatasetH ds = new_gpkg(path);
    assert_non_null(ds);
    add_incidents(ds, "incidents", 1);
    add_incidents(ds, "incidents_arrow", 0);

    /* "zones": polygons, one a bow-tie, one normal, one with NaN. */
    OGRLayerH z = new_layer(ds, "zones", 4326, wkbPolygon);
    add_field(z, "name", OFTString, OFSTNone);
    OGRFeatureDefnH zd = OGR_L_GetLayerDefn(z);
    OGRFeatureH f = OGR_F_Create(zd);
    OGR_F_SetFieldString(f, 0, "bowtie");
    add_wkt(z, 1, "POLYGON ((2 13, 3 14, 3 13, 2 14, 2 13))", f);
    f = OGR_F_Create(zd);
    OGR_F_SetFieldString(f, 0, "square");
    add_wkt(z, 2, "POLYGON ((0 10, 1 10, 1 11, 0 11, 0 10), "
                  "(0.25 10.25, 0.75 10.25, 0.75 10.75, 0.25 10.25))",
            f);
    f = OGR_F_Create(zd);
    OGR_F_SetFieldString(f, 0, "empty");
    add_wkt(z, 3, NULL, f);
    f = OGR_F_Create(zd);
    OGR_F_SetFieldString(f, 0, "open ring");
    add_wkt(z, 4, "POLYGON ((5 10, 6 10, 6 11, 5 11))", f);
    f = OGR_F_Create(zd);
    OGR_F_SetFieldString(f, 0, "two points");
    add_wkt(z, 5, "POLYGON ((7 10, 8 11))", f);
    GDALClose(ds);
    return path;
}

static void check_points(rm_context *ctx, const char *path,
                         const char *layer)
{
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.layer = layer;
    rm_read_report rep;
    rm_layer *l = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_POINT);
    assert_string_equal(rm_layer_crs(l), "EPSG:4326");
    /* 411 has a NaN coordinate, 512 a longitude of 200: dropped. */
    assert_int_equal(rm_layer_feature_count(l), 3);
    assert_int_equal(rep.n_kept, 3);
    assert_int_equal(rep.n_dropped, 2);
    assert_int_equal(rep.dropped_fids[0], 411);
    assert_int_equal(rep.dropped_fids[1], 512);
    const int64_t *fids = rm_layer_fids(l);
    assert_int_equal(fids[0], 101);
    assert_int_equal(fids[1], 205);
    assert_int_equal(fids[2], 307);
    const double *xy = rm_layer_xy(l);
    near(xy[0], 2.3522, 1e-12);
    near(xy[1], 48.8566, 1e-12);
    /* types */
    assert_int_equal(rm_layer_field_type(l, field(l, "kind")),
                     RM_FIELD_STRING);
    assert_int_equal(rm_layer_field_type(l, field(l, "n")), RM_FIELD_INT);
    assert_int_equal(rm_layer_field_type(l, field(l, "score")),
                     RM_FIELD_REAL);
    assert_int_equal(rm_layer_field_type(l, field(l, "event_time")),
                     RM_FIELD_DATETIME);
    assert_int_equal(rm_layer_field_type(l, field(l, "day")),
                     RM_FIELD_DATETIME);
    assert_string_equal(rm_layer_field_string(l, field(l, "kind"), 1),
                        "patrol");
    assert_int_equal(rm_layer_field_ints(l, field(l, "n"))[2], 7);
    near(rm_layer_field_reals(l, field(l, "score"))[2], 2.25, 0);
    assert_true(rm_layer_field_is_null(l, field(l, "score"), 1));
    /* date -u -d 2026-07-01T08:00:00Z +%s -> 1782892800 */
    assert_int_equal(rm_layer_field_ints(l, field(l, "event_time"))[0],
                     INT64_C(1782892800000));
    /* date -u -d 2026-07-10T06:30:00Z +%s -> 1783665000 */
    assert_int_equal(rm_layer_field_ints(l, field(l, "event_time"))[1],
                     INT64_C(1783665000000));
    /* a Date is its midnight UTC: 2026-06-15 = 1781524800 - 12 h */
    assert_int_equal(rm_layer_field_ints(l, field(l, "day"))[2],
                     INT64_C(1781481600000));
    if (strcmp(layer, "incidents") == 0) {
        /* flag = fid % 2 (all three kept fids are odd); GDAL 3.6's Arrow
         * stream gets booleans wrong, so this also checks the fallback. */
        assert_int_equal(rm_layer_field_type(l, field(l, "flag")),
                         RM_FIELD_BOOL);
        for (int i = 0; i < 3; i++)
            assert_int_equal(rm_layer_field_bools(l, field(l, "flag"))[i],
                             1);
    }
    rm_layer_destroy(l);
}

static void test_gpkg_points(void **state)
{
    const char *path = make_incidents_gpkg();
    check_points(*state, path, "incidents");
    check_points(*state, path, "incidents_arrow");
}

static void check_reprojected(rm_context *ctx, const char *layer)
{
    const char *path = path_of("incidents.gpkg");
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.layer = layer;
    opt.target_crs = "EPSG:32631";
    opt.role_fields[RM_ROLE_TIME] = "event_time";
    opt.role_fields[RM_ROLE_KIND] = "kind";
    opt.role_fields[RM_ROLE_WEIGHT] = "n";
    const char *sensitive[] = {"Informant"}; /* case does not matter */
    opt.sensitive = sensitive;
    opt.n_sensitive = 1;
    rm_layer *l = read_ok(ctx, path, &opt, NULL);
    assert_string_equal(rm_layer_crs(l), "EPSG:32631");
    /* DOC: sensitive fields are never loaded. */
    assert_int_equal(rm_layer_field_index(l, "informant"), -1);
    for (int i = 0; i < rm_layer_field_count(l); i++)
        assert_true(strcmp(rm_layer_field_name(l, i), "informant") != 0);
    assert_int_equal(rm_layer_role_field(l, RM_ROLE_TIME),
                     field(l, "event_time"));
    assert_int_equal(rm_layer_role_field(l, RM_ROLE_KIND), field(l, "kind"));
    assert_int_equal(rm_layer_role_field(l, RM_ROLE_WEIGHT), field(l, "n"));
    assert_int_equal(rm_layer_role_field(l, RM_ROLE_ID), -1);
    const double *xy = rm_layer_xy(l);
    /* echo "48.8566 2.3522" | cs2cs -f %.4f EPSG:4326 EPSG:32631
     *   -> 452482.5327 5411717.1769 */
    near(xy[0], 452482.5327, 1e-3);
    near(xy[1], 5411717.1769, 1e-3);
    /* echo "45 3" | cs2cs -f %.4f EPSG:4326 EPSG:32631
     *   -> 500000.0000 4982950.4002 */
    near(xy[2], 500000.0, 1e-3);
    near(xy[3], 4982950.4002, 1e-3);
    /* echo "12.6392 -8.0029" | cs2cs -f %.4f EPSG:4326 EPSG:32631
     *   -> -701606.8316 1422713.8598 */
    near(xy[4], -701606.8316, 1e-3);
    near(xy[5], 1422713.8598, 1e-3);
    rm_layer_destroy(l);
}

static void test_gpkg_reprojected_roles_sensitive(void **state)
{
    check_reprojected(*state, "incidents");
    check_reprojected(*state, "incidents_arrow");
}

static void check_filters(rm_context *ctx, const char *layer)
{
    const char *path = path_of("incidents.gpkg");
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.layer = layer;
    rm_read_report rep;

    /* where */
    opt.where = "kind = 'smuggling'";
    rm_layer *l = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(l), 2);
    assert_int_equal(rm_layer_fids(l)[0], 101);
    assert_int_equal(rm_layer_fids(l)[1], 307);
    rm_layer_destroy(l);

    /* area: a box around Paris only */
    opt.where = NULL;
    opt.has_area = 1;
    opt.area = (rm_bbox){2.0, 48.0, 3.0, 49.0};
    l = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(l), 1);
    assert_int_equal(rm_layer_fids(l)[0], 101);
    /* the other four lie outside the box (NaN and 200 E included) */
    assert_int_equal(rep.n_filtered, 4);
    assert_int_equal(rep.n_kept, 1);
    rm_layer_destroy(l);

    /* period: July 2026 keeps 101 (07-01) and 205 (07-10); 307 is in
     * June; 411/512 are in July but dropped for their coordinates. */
    opt.has_area = 0;
    opt.has_period = 1;
    opt.period_start_ms = INT64_C(1782864000000); /* 2026-07-01T00:00Z */
    opt.period_end_ms = INT64_C(1785542399000);   /* 2026-07-31T23:59:59Z */
    opt.role_fields[RM_ROLE_TIME] = "event_time";
    l = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(l), 2);
    assert_int_equal(rm_layer_fids(l)[0], 101);
    assert_int_equal(rm_layer_fids(l)[1], 205);
    assert_int_equal(rep.n_filtered, 1); /* 307, in June */
    assert_int_equal(rep.n_dropped, 2);  /* 411, 512 */
    rm_layer_destroy(l);
    /* The period's end is inclusive, to the millisecond. */
    opt.period_start_ms = INT64_C(1781524800000); /* 307's own time */
    opt.period_end_ms = INT64_C(1781524800000);
    l = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(l), 1);
    assert_int_equal(rm_layer_fids(l)[0], 307);
    rm_layer_destroy(l);

    /* where AND period AND area together */
    opt.where = "n >= 3";
    opt.has_area = 1;
    opt.area = (rm_bbox){-10.0, 10.0, 5.0, 50.0};
    opt.period_start_ms = INT64_C(1782864000000);
    opt.period_end_ms = INT64_C(1785542399000);
    l = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(l), 1);
    assert_int_equal(rm_layer_fids(l)[0], 101);
    rm_layer_destroy(l);
}

static void test_gpkg_filters(void **state)
{
    check_filters(*state, "incidents");
    check_filters(*state, "incidents_arrow");
}

static void test_errors(void **state)
{
    rm_context *ctx = *state;
    const char *path = path_of("incidents.gpkg");
    rm_layer *l = NULL;
    rm_read_options opt = RM_READ_OPTIONS_INIT;

    /* missing file */
    assert_int_equal(rm_io_read(ctx, &l, path_of("nope.gpkg"), NULL, NULL),
                     RM_EIO_OPEN);
    assert_null(l);
    assert_non_null(strstr(rm_errmsg(ctx), "cannot open"));
    assert_non_null(strstr(rm_errmsg(ctx), "nope.gpkg"));
    assert_non_null(strstr(rm_errmsg(ctx), "check the path"));

    /* unknown layer: the message lists the layers */
    opt.layer = "incident";
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_EIO_LAYER);
    assert_non_null(strstr(rm_errmsg(ctx), "incidents"));
    assert_non_null(strstr(rm_errmsg(ctx), "zones"));

    /* unknown role field: the message lists the fields */
    opt.layer = "incidents";
    opt.role_fields[RM_ROLE_TIME] = "evnt_time";
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_EDATA_FIELD);
    assert_non_null(strstr(rm_errmsg(ctx), "evnt_time"));
    assert_non_null(strstr(rm_errmsg(ctx), "event_time"));
    assert_string_equal(rm_errloc(ctx)->layer, "incidents");
    opt.role_fields[RM_ROLE_TIME] = NULL;

    /* a misspelt sensitive field must not pass silently */
    const char *sensitive[] = {"informnat"};
    opt.sensitive = sensitive;
    opt.n_sensitive = 1;
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_EDATA_FIELD);
    assert_non_null(strstr(rm_errmsg(ctx), "informnat"));
    assert_non_null(strstr(rm_errmsg(ctx), "informant"));
    opt.sensitive = NULL;
    opt.n_sensitive = 0;

    /* invalid where */
    opt.where = "no_such_column = 1";
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_EDATA_FIELD);
    assert_non_null(strstr(rm_errmsg(ctx), "no_such_column"));
    opt.where = "kind = ";
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_EDATA_FIELD);

    /* nothing left */
    opt.where = "kind = 'nothing'";
    opt.label = "incidents_q3";
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_EDATA_EMPTY);
    assert_non_null(strstr(rm_errmsg(ctx), "check the area"));
    assert_non_null(strstr(rm_errmsg(ctx), "incidents_q3"));
    assert_string_equal(rm_errloc(ctx)->layer, "incidents");

    /* a period without a time field */
    opt.where = NULL;
    opt.has_period = 1;
    opt.period_start_ms = 0;
    opt.period_end_ms = 1;
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_EDATA_FIELD);
    assert_non_null(strstr(rm_errmsg(ctx), "time"));
    assert_null(l);
}

static void test_repair_and_polygons(void **state)
{
    rm_context *ctx = *state;
    const char *path = path_of("incidents.gpkg");
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.layer = "zones";
    rm_read_report rep;
    rm_layer *l = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_POLYGON);
    assert_int_equal(rm_layer_feature_count(l), 3);
    /* 1 is a bow-tie, 4 a ring left open (closed on reading) */
    assert_int_equal(rep.n_repaired, 2);
    assert_int_equal(rep.repaired_fids[0], 1);
    assert_int_equal(rep.repaired_fids[1], 4);
    /* 3 has no geometry, 5 a ring of two points */
    assert_int_equal(rep.n_dropped, 2);
    assert_int_equal(rep.dropped_fids[0], 3);
    assert_int_equal(rep.dropped_fids[1], 5);
    /* The bow-tie crosses itself at (2.5, 13.5): two triangles, each
     * 1 x 0.5 / 2 = 0.25 square degrees (shoelace). */
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const uint8_t *outer = rm_layer_part_outer(l);
    const double *xy = rm_layer_xy(l);
    assert_int_equal(fo[1] - fo[0], 2);
    double total = 0;
    for (int64_t p = fo[0]; p < fo[1]; p++) {
        assert_int_equal(outer[p], 1);
        assert_int_equal(po[p + 1] - po[p], 4);
        double a = 0;
        for (int64_t i = po[p]; i < po[p + 1] - 1; i++)
            a += xy[2 * i] * xy[2 * i + 3] - xy[2 * i + 2] * xy[2 * i + 1];
        near(fabs(a) / 2, 0.25, 1e-12);
        total += fabs(a) / 2;
    }
    near(total, 0.5, 1e-12);
    /* The square keeps its hole: exterior + 1 hole. */
    assert_int_equal(fo[2] - fo[1], 2);
    assert_int_equal(outer[fo[1]], 1);
    assert_int_equal(outer[fo[1] + 1], 0);
    /* The open ring got its closing vertex back: 5 coordinates, the last
     * equal to the first. */
    int64_t p4 = fo[2];
    assert_int_equal(po[p4 + 1] - po[p4], 5);
    near(xy[2 * (po[p4 + 1] - 1)], 5.0, 0);
    near(xy[2 * (po[p4 + 1] - 1) + 1], 10.0, 0);
    rm_layer_destroy(l);
}

/* ---- text sources ------------------------------------------------------ */

static void test_geojson_types_fids_mixed(void **state)
{
    rm_context *ctx = *state;
    write_text(
        "events.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"id\":10,\"properties\":{\"i\":1,\"r\":0.5,"
        "\"s\":\"a\",\"t\":\"2026-07-01T10:00:00+02:00\",\"b\":true},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[2.3522,48.8566]}},"
        "{\"type\":\"Feature\",\"id\":20,\"properties\":{\"i\":2,\"r\":1.5,"
        "\"s\":null,\"t\":\"2026-07-01T08:10:30Z\",\"b\":false},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[3,45]}},"
        "{\"type\":\"Feature\",\"id\":30,\"properties\":{\"i\":3,\"r\":2.5,"
        "\"s\":\"c\",\"t\":null,\"b\":true},"
        "\"geometry\":{\"type\":\"MultiPoint\",\"coordinates\":[[1,1],[2,2]]}},"
        "{\"type\":\"Feature\",\"id\":40,\"properties\":{\"i\":4,\"r\":3.5,"
        "\"s\":\"d\",\"t\":null,\"b\":false},\"geometry\":{\"type\":"
        "\"LineString\",\"coordinates\":[[0,0],[1,1]]}}]}");
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    rm_read_report rep;
    rm_layer *l = read_ok(ctx, path_of("events.geojson"), &opt, &rep);
    /* Three point features against one line: points win, the line goes. */
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_POINT);
    assert_int_equal(rm_layer_feature_count(l), 3);
    assert_int_equal(rep.n_dropped, 1);
    assert_int_equal(rep.dropped_fids[0], 40);
    assert_int_equal(rm_layer_fids(l)[0], 10);
    assert_int_equal(rm_layer_fids(l)[2], 30);
    assert_int_equal(rm_layer_part_count(l), 4); /* multipoint: 2 parts */
    assert_int_equal(rm_layer_field_type(l, field(l, "i")), RM_FIELD_INT);
    assert_int_equal(rm_layer_field_type(l, field(l, "r")), RM_FIELD_REAL);
    assert_int_equal(rm_layer_field_type(l, field(l, "s")), RM_FIELD_STRING);
    assert_int_equal(rm_layer_field_type(l, field(l, "t")),
                     RM_FIELD_DATETIME);
    assert_int_equal(rm_layer_field_type(l, field(l, "b")), RM_FIELD_BOOL);
    /* 10:00+02:00 is 08:00Z: date -u -d 2026-07-01T08:00:00Z +%s */
    const int64_t *t = rm_layer_field_ints(l, field(l, "t"));
    assert_int_equal(t[0], INT64_C(1782892800000));
    assert_int_equal(t[1], INT64_C(1782893430000));
    assert_true(rm_layer_field_is_null(l, field(l, "t"), 2));
    assert_null(rm_layer_field_string(l, field(l, "s"), 1));
    assert_string_equal(rm_layer_field_string(l, field(l, "s"), 2), "c");
    assert_int_equal(rm_layer_field_bools(l, field(l, "b"))[0], 1);
    assert_int_equal(rm_layer_field_bools(l, field(l, "b"))[1], 0);
    rm_layer_destroy(l);

    /* the feature path also filters by period (10 and 20 are in it) */
    opt.has_period = 1;
    opt.period_start_ms = INT64_C(1782892800000);
    opt.period_end_ms = INT64_C(1782893430000);
    opt.role_fields[RM_ROLE_TIME] = "t";
    l = read_ok(ctx, path_of("events.geojson"), &opt, &rep);
    assert_int_equal(rm_layer_feature_count(l), 2);
    assert_int_equal(rep.n_filtered, 2); /* 30 and 40 have no time */
    rm_layer_destroy(l);
}

/* A big CSV (read feature by feature) leaves NULL reals NaN and NULL
 * integers 0 in a layer sized once from the count. */
static void test_csv_big_nulls(void **state)
{
    rm_context *ctx = *state;
    const int n = 70000;
    char *text = malloc((size_t)n * 40 + 64);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "lon,lat,w,v\n");
    for (int i = 0; i < n; i++) {
        if (i % 7 == 3)
            len += (size_t)sprintf(text + len, "%d.5,%d.25,,\n", i % 10,
                                   i % 20);
        else
            len += (size_t)sprintf(text + len, "%d.5,%d.25,%d.5,%d\n",
                                   i % 10, i % 20, i, -i);
    }
    write_text("big.csv", text);
    free(text);
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    rm_layer *l = read_ok(ctx, path_of("big.csv"), &opt, NULL);
    assert_int_equal(rm_layer_feature_count(l), n);
    int fw = field(l, "w"), fv = field(l, "v");
    assert_int_equal(rm_layer_field_type(l, fw), RM_FIELD_REAL);
    assert_int_equal(rm_layer_field_type(l, fv), RM_FIELD_INT);
    const double *w = rm_layer_field_reals(l, fw);
    const int64_t *v = rm_layer_field_ints(l, fv);
    for (int i = 0; i < n; i++) {
        if (i % 7 == 3) {
            assert_true(rm_layer_field_is_null(l, fw, (size_t)i));
            assert_true(isnan(w[i]));
            assert_true(rm_layer_field_is_null(l, fv, (size_t)i));
            assert_int_equal(v[i], 0);
        } else {
            near(w[i], i + 0.5, 0);
            assert_int_equal(v[i], -i);
        }
    }
    rm_layer_destroy(l);
}

static void test_csv_lonlat_and_wkt(void **state)
{
    rm_context *ctx = *state;
    write_text("lonlat.csv", "id,Longitude,Latitude,name,when\n"
                             "1,2.3522,48.8566,paris,2026-07-01T08:00:00Z\n"
                             "2,3,45,cm,2026-07-02T00:00:00Z\n");
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.target_crs = "EPSG:32631";
    rm_layer *l = read_ok(ctx, path_of("lonlat.csv"), &opt, NULL);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_POINT);
    assert_int_equal(rm_layer_feature_count(l), 2);
    /* the coordinate columns are not attributes */
    assert_int_equal(rm_layer_field_index(l, "Longitude"), -1);
    assert_int_equal(rm_layer_field_type(l, field(l, "id")), RM_FIELD_INT);
    assert_int_equal(rm_layer_field_type(l, field(l, "when")),
                     RM_FIELD_DATETIME);
    /* CSV rows have no ids: OGR numbers them from 1 */
    assert_int_equal(rm_layer_fids(l)[0], 1);
    assert_int_equal(rm_layer_fids(l)[1], 2);
    const double *xy = rm_layer_xy(l);
    near(xy[0], 452482.5327, 1e-3); /* cs2cs, as above */
    near(xy[1], 5411717.1769, 1e-3);
    near(xy[2], 500000.0, 1e-3);
    near(xy[3], 4982950.4002, 1e-3);
    rm_layer_destroy(l);

    /* explicit x/y columns in metres with a source CRS */
    write_text("utm.csv", "e,n,label\n500000,4982950.4002,cm\n");
    rm_read_options o2 = RM_READ_OPTIONS_INIT;
    o2.x_field = "e";
    o2.y_field = "n";
    o2.source_crs = "EPSG:32631";
    o2.target_crs = "EPSG:4326";
    l = read_ok(ctx, path_of("utm.csv"), &o2, NULL);
    near(rm_layer_xy(l)[0], 3.0, 1e-8);
    near(rm_layer_xy(l)[1], 45.0, 1e-8);
    rm_layer_destroy(l);

    /* WKT column with lines */
    write_text("roads.csv", "id,wkt,kind\n"
                            "1,\"LINESTRING (2 48, 3 45)\",road\n"
                            "2,\"LINESTRING (0 0, 1 1, 2 0)\",track\n");
    rm_read_options o3 = RM_READ_OPTIONS_INIT;
    l = read_ok(ctx, path_of("roads.csv"), &o3, NULL);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_LINE);
    assert_int_equal(rm_layer_coord_count(l), 5);
    assert_int_equal(rm_layer_field_index(l, "wkt"), -1);
    assert_string_equal(rm_layer_field_string(l, field(l, "kind"), 1),
                        "track");
    rm_layer_destroy(l);

    /* explicit WKT field name that does not exist */
    o3.wkt_field = "geometry";
    assert_int_equal(rm_io_read(ctx, &l, path_of("roads.csv"), &o3, NULL),
                     RM_EDATA_FIELD);
    assert_non_null(strstr(rm_errmsg(ctx), "wkt"));

    /* no coordinates at all */
    write_text("plain.csv", "alpha,beta,gamma\n1,2,3\n");
    rm_read_options o4 = RM_READ_OPTIONS_INIT;
    assert_int_equal(rm_io_read(ctx, &l, path_of("plain.csv"), &o4, NULL),
                     RM_EDATA_GEOM);
    assert_null(l);
    assert_non_null(strstr(rm_errmsg(ctx), "alpha, beta, gamma"));
    assert_non_null(strstr(rm_errmsg(ctx), "x and y"));
    assert_non_null(strstr(rm_errmsg(ctx), "WKT"));
}

static const char GPX[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<gpx version=\"1.1\" creator=\"test\" "
    "xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
    "<wpt lat=\"12.5\" lon=\"-8.0\"><name>well</name>"
    "<time>2026-07-01T08:00:00Z</time></wpt>\n"
    "<wpt lat=\"13.0\" lon=\"-7.5\"><name>camp</name></wpt>\n"
    "<trk><name>t1</name><trkseg>\n"
    "<trkpt lat=\"12.0\" lon=\"-8.0\"><time>2026-07-01T08:00:00Z</time>"
    "</trkpt>\n"
    "<trkpt lat=\"12.1\" lon=\"-8.1\"><time>2026-07-01T08:10:30Z</time>"
    "</trkpt>\n"
    "</trkseg><trkseg></trkseg><trkseg>\n"
    "<trkpt lat=\"12.2\" lon=\"-8.2\"><time>2026-07-01T09:00:00+02:00</time>"
    "</trkpt>\n"
    "<trkpt lat=\"12.3\" lon=\"-8.3\"></trkpt>\n"
    "</trkseg></trk>\n"
    "<trk><name>t2</name><trkseg>\n"
    "<trkpt lat=\"13.0\" lon=\"-7.0\"><time>2026-07-02T00:00:00Z</time>"
    "</trkpt>\n"
    "<trkpt lat=\"13.1\" lon=\"-7.1\"><time>2026-07-02T00:00:01.5Z</time>"
    "</trkpt>\n"
    "</trkseg></trk>\n</gpx>\n";

static void test_gpx(void **state)
{
    rm_context *ctx = *state;
    write_text("patrol.gpx", GPX);
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.layer = "tracks";
    rm_layer *l = read_ok(ctx, path_of("patrol.gpx"), &opt, NULL);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_LINE);
    assert_int_equal(rm_layer_feature_count(l), 2);
    assert_int_equal(rm_layer_part_count(l), 3); /* empty segment skipped */
    assert_int_equal(rm_layer_coord_count(l), 6);
    const double *t = rm_layer_vertex_times(l);
    assert_non_null(t);
    /* date -u -d <time> +%s for each written time */
    near(t[0], 1782892800.0, 1e-6); /* 2026-07-01T08:00:00Z */
    near(t[1], 1782893430.0, 1e-6); /* 2026-07-01T08:10:30Z */
    near(t[2], 1782889200.0, 1e-6); /* 09:00+02:00 = 07:00Z */
    assert_true(isnan(t[3]));        /* no time written */
    near(t[4], 1782950400.0, 1e-6); /* 2026-07-02T00:00:00Z */
    near(t[5], 1782950401.5, 1e-6); /* ... plus 1.5 s */
    near(rm_layer_xy(l)[2], -8.1, 1e-12);
    rm_layer_destroy(l);

    /* a period on tracks uses the vertex times: only t2 is on 07-02 */
    opt.has_period = 1;
    opt.period_start_ms = INT64_C(1782950400000);
    opt.period_end_ms = INT64_C(1782950400000) + 86399999;
    rm_read_report rep;
    l = read_ok(ctx, path_of("patrol.gpx"), &opt, &rep);
    assert_int_equal(rm_layer_feature_count(l), 1);
    assert_int_equal(rep.n_filtered, 1);
    rm_layer_destroy(l);

    rm_read_options w = RM_READ_OPTIONS_INIT;
    w.layer = "waypoints";
    l = read_ok(ctx, path_of("patrol.gpx"), &w, NULL);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_POINT);
    assert_int_equal(rm_layer_feature_count(l), 2);
    assert_string_equal(rm_layer_field_string(l, field(l, "name"), 1),
                        "camp");
    assert_int_equal(rm_layer_field_ints(l, field(l, "time"))[0],
                     INT64_C(1782892800000));
    assert_true(rm_layer_field_is_null(l, field(l, "time"), 1));
    rm_layer_destroy(l);
}

static void test_kml(void **state)
{
    rm_context *ctx = *state;
    write_text("places.kml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>"
               "<Folder><name>places</name>"
               "<Placemark><name>paris</name><description>capital"
               "</description><Point><coordinates>2.3522,48.8566"
               "</coordinates></Point></Placemark>"
               "<Placemark><name>cm</name><Point><coordinates>3,45"
               "</coordinates></Point></Placemark>"
               "</Folder></Document></kml>\n");
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.target_crs = "EPSG:32631";
    rm_layer *l = read_ok(ctx, path_of("places.kml"), &opt, NULL);
    assert_int_equal(rm_layer_feature_count(l), 2);
    int name = rm_layer_field_index(l, "Name");
    if (name < 0)
        name = field(l, "name");
    assert_string_equal(rm_layer_field_string(l, name, 0), "paris");
    near(rm_layer_xy(l)[0], 452482.5327, 1e-3); /* cs2cs, as above */
    near(rm_layer_xy(l)[1], 5411717.1769, 1e-3);
    near(rm_layer_xy(l)[2], 500000.0, 1e-3);
    rm_layer_destroy(l);
}

static void test_shapefile(void **state)
{
    rm_context *ctx = *state;
    char path[768];
    snprintf(path, sizeof path, "%s", path_of("zones.shp"));
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    const char *parts[] = {"zones.shp", "zones.shx", "zones.dbf", "zones.prj",
                           "zones.cpg"};
    for (int i = 0; i < 5; i++)
        unlink(path_of(parts[i]));
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRLayerH z = new_layer(ds, "zones", 4326, wkbPolygon);
    add_field(z, "code", OFTInteger, OFSTNone);
    add_field(z, "area_km2", OFTReal, OFSTNone);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(z));
    OGR_F_SetFieldInteger(f, 0, 7);
    OGR_F_SetFieldDouble(f, 1, 12.5);
    add_wkt(z, 0, "POLYGON ((2 13, 3 13, 3 14, 2 14, 2 13))", f);
    f = OGR_F_Create(OGR_L_GetLayerDefn(z));
    OGR_F_SetFieldInteger(f, 0, 8);
    add_wkt(z, 1, "POLYGON ((4 13, 5 13, 5 14, 4 13))", f);
    GDALClose(ds);
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.role_fields[RM_ROLE_ID] = "code";
    rm_layer *l = read_ok(ctx, path, &opt, NULL);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_POLYGON);
    assert_int_equal(rm_layer_feature_count(l), 2);
    assert_int_equal(rm_layer_fids(l)[0], 0);
    assert_int_equal(rm_layer_fids(l)[1], 1);
    assert_int_equal(rm_layer_field_ints(l, field(l, "code"))[1], 8);
    assert_int_equal(rm_layer_role_field(l, RM_ROLE_ID), field(l, "code"));
    near(rm_layer_field_reals(l, field(l, "area_km2"))[0], 12.5, 0);
    assert_string_equal(rm_layer_crs(l), "EPSG:4326");
    rm_layer_destroy(l);
}

static void test_geotiff(void **state)
{
    rm_context *ctx = *state;
    const char *path = path_of("dem.tif");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 4, 3, 1,
                                 GDT_Float32, NULL);
    assert_non_null(ds);
    double gt[6] = {2.0, 0.5, 0.0, 49.0, 0.0, -0.5};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    char *wkt = NULL;
    OSRExportToWkt(srs, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRRelease(srs);
    /* v = 10 col + row, linear in the pixel grid; one nodata cell */
    float v[12];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++)
            v[r * 4 + c] = (float)(10 * c + r);
    v[11] = -9999.0f;
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(b, -9999.0);
    assert_int_equal(GDALRasterIO(b, GF_Write, 0, 0, 4, 3, v, 4, 3,
                                  GDT_Float32, 0, 0),
                     CE_None);
    GDALClose(ds);

    rm_layer *l = read_ok(ctx, path, NULL, NULL);
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_RASTER);
    assert_int_equal(rm_layer_raster_width(l), 4);
    assert_int_equal(rm_layer_raster_height(l), 3);
    assert_string_equal(rm_layer_crs(l), "EPSG:4326");
    const double *cells = rm_layer_raster_cdata(l);
    near(cells[0], 0, 0);
    near(cells[6], 21, 0); /* row 1, col 2 */
    assert_true(isnan(cells[11]));
    near(rm_layer_raster_geotransform(l)[0], 2.0, 0);
    near(rm_layer_raster_geotransform(l)[3], 49.0, 0);
    rm_layer_destroy(l);

    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.target_crs = "EPSG:32631";
    l = read_ok(ctx, path, &opt, NULL);
    assert_string_equal(rm_layer_crs(l), "EPSG:32631");
    const double *g = rm_layer_raster_geotransform(l);
    int w = rm_layer_raster_width(l), h = rm_layer_raster_height(l);
    /* The centre of source cell (row 1, col 1) is lon 2.75, lat 48.25:
     * echo "48.25 2.75" | cs2cs -f %.4f EPSG:4326 EPSG:32631
     *   -> 481441.4093 5344117.5004. There the linear field is
     * 10 * 1 + 1 = 11; the output cell holding that point is within one
     * source cell of it (field slope at most 10 per cell). */
    double x = 481441.4093, y = 5344117.5004;
    int col = (int)floor((x - g[0]) / g[1]);
    int row = (int)floor((y - g[3]) / g[5]);
    assert_true(col >= 0 && col < w && row >= 0 && row < h);
    double got = rm_layer_raster_cdata(l)[row * w + col];
    assert_false(isnan(got));
    near(got, 11.0, 10.0);
    /* Bilinear values stay within the valid source values 0 .. 31: the
     * nodata cell (-9999) must not be mixed in. */
    for (int i = 0; i < w * h; i++) {
        double c = rm_layer_raster_cdata(l)[i];
        assert_true(isnan(c) || (c >= 0.0 && c <= 31.0));
    }
    rm_layer_destroy(l);
}

/* A GeoPackage big enough for several Arrow batches, with one date-time
 * that is not UTC in the last batch: GDAL's worker thread reports it, and
 * the reader must fall back to the feature path to honour the offset. */
static void test_gpkg_time_zone_in_late_batch(void **state)
{
    rm_context *ctx = *state;
    const char *path = path_of("many.gpkg");
    GDALDatasetH ds = new_gpkg(path);
    OGRLayerH l = new_layer(ds, "many", 4326, wkbPoint);
    add_field(l, "k", OFTInteger, OFSTNone);
    add_field(l, "t", OFTDateTime, OFSTNone);
    GDALDatasetStartTransaction(ds, FALSE);
    const int n = 140000;
    for (int i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldInteger(f, 0, i);
        /* 2026-07-01T10:00:00, UTC except the last row (+02:00) */
        OGR_F_SetFieldDateTime(f, 1, 2026, 7, 1, 10, 0, 0,
                               i == n - 1 ? 108 : 100);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, (i % 360) - 179.5, (i % 170) - 84.5);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);

    /* GDAL must not print the warning on stderr either. */
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path_of("stderr.txt"), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    dup2(fd, 2);
    rm_layer *lay = NULL;
    int rc = rm_io_read(ctx, &lay, path, NULL, NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    assert_int_equal(rc, RM_OK);
    struct stat st;
    assert_int_equal(stat(path_of("stderr.txt"), &st), 0);
    assert_int_equal(st.st_size, 0);

    assert_int_equal(rm_layer_feature_count(lay), (size_t)n);
    const int64_t *t = rm_layer_field_ints(lay, field(lay, "t"));
    /* date -u -d 2026-07-01T10:00:00Z +%s -> 1782900000 */
    assert_int_equal(t[0], INT64_C(1782900000000));
    assert_int_equal(t[n - 2], INT64_C(1782900000000));
    assert_int_equal(t[n - 1], INT64_C(1782900000000) - 7200000);
    const int64_t *k = rm_layer_field_ints(lay, field(lay, "k"));
    assert_int_equal(k[n - 1], n - 1);
    rm_layer_destroy(lay);
}

/*
 * big.gpkg: 70,000 points (several Arrow batches, big enough for the
 * reader's sized arrays) whose values follow from the row number i:
 * lon -5 + (i % 1000) / 100, lat 10 + (i / 1000) / 100, name i % 41
 * letters from 'a' + i % 26 on (NULL when i % 997 == 5 and i < 16000,
 * so later batches have no NULL names), v = i * 3 (int),
 * w = i / 4 (real, NULL when i % 101 == 7); row 40,000 has no geometry
 * and row 50,000 an empty point (both dropped).
 */
static void name_of(int i, char *buf)
{
    int len = i % 41;
    for (int j = 0; j < len; j++)
        buf[j] = (char)('a' + (i + j) % 26);
    buf[len] = '\0';
}

static void test_gpkg_big_batches(void **state)
{
    rm_context *ctx = *state;
    const char *path = path_of("big.gpkg");
    GDALDatasetH ds = new_gpkg(path);
    OGRLayerH l = new_layer(ds, "big", 4326, wkbPoint);
    add_field(l, "name", OFTString, OFSTNone);
    add_field(l, "v", OFTInteger, OFSTNone);
    add_field(l, "w", OFTReal, OFSTNone);
    GDALDatasetStartTransaction(ds, FALSE);
    const int n = 70000;
    char buf[64];
    for (int i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        name_of(i, buf);
        if (i % 997 != 5 || i >= 16000)
            OGR_F_SetFieldString(f, 0, buf);
        OGR_F_SetFieldInteger(f, 1, i * 3);
        if (i % 101 != 7)
            OGR_F_SetFieldDouble(f, 2, i / 4.0);
        if (i != 40000) {
            OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
            if (i != 50000)
                OGR_G_SetPoint_2D(g, 0, -5.0 + (i % 1000) / 100.0,
                                  10.0 + (i / 1000) / 100.0);
            OGR_F_SetGeometryDirectly(f, g);
        }
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);

    for (int proj = 0; proj < 2; proj++) {
        rm_read_options opt = RM_READ_OPTIONS_INIT;
        opt.target_crs = proj ? "EPSG:32631" : NULL;
        rm_read_report rep;
        rm_layer *lay = read_ok(ctx, path, &opt, &rep);
        assert_int_equal(rm_layer_feature_count(lay), (size_t)n - 2);
        assert_int_equal(rep.n_dropped, 2);
        const int64_t *fids = rm_layer_fids(lay);
        const double *xy = rm_layer_xy(lay);
        int fn = field(lay, "name"), fv = field(lay, "v"),
            fw = field(lay, "w");
        const int64_t *v = rm_layer_field_ints(lay, fv);
        const double *w = rm_layer_field_reals(lay, fw);
        for (size_t r = 0; r < (size_t)n - 2; r++) {
            int i = (int)r + (r >= 40000) + (r >= 49999);
            assert_int_equal(fids[r], i + 1); /* GeoPackage fids from 1 */
            if (!proj) {
                near(xy[2 * r], -5.0 + (i % 1000) / 100.0, 1e-12);
                near(xy[2 * r + 1], 10.0 + (i / 1000) / 100.0, 1e-12);
            }
            assert_int_equal(v[r], i * 3);
            if (i % 101 == 7) {
                assert_true(rm_layer_field_is_null(lay, fw, r));
                assert_true(isnan(w[r])); /* NULL reals read NaN */
            } else {
                assert_false(rm_layer_field_is_null(lay, fw, r));
                near(w[r], i / 4.0, 0);
            }
            if (i % 997 == 5 && i < 16000) {
                assert_true(rm_layer_field_is_null(lay, fn, r));
            } else {
                name_of(i, buf);
                assert_string_equal(rm_layer_field_string(lay, fn, r), buf);
            }
        }
        if (proj) {
            /* Every point exactly once, whichever thread took its chunk:
             * PROJ's own answer for each. */
            PJ_CONTEXT *pc = proj_context_create();
            PJ *raw = proj_create_crs_to_crs(pc, "EPSG:4326", "EPSG:32631",
                                             NULL);
            PJ *pj = proj_normalize_for_visualization(pc, raw);
            assert_non_null(pj);
            for (size_t r = 0; r < (size_t)n - 2; r++) {
                int i = (int)r + (r >= 40000) + (r >= 49999);
                PJ_COORD c = proj_coord(-5.0 + (i % 1000) / 100.0,
                                        10.0 + (i / 1000) / 100.0, 0, 0);
                c = proj_trans(pj, PJ_FWD, c);
                near(xy[2 * r], c.xy.x, 1e-6);
                near(xy[2 * r + 1], c.xy.y, 1e-6);
            }
            proj_destroy(pj);
            proj_destroy(raw);
            proj_context_destroy(pc);
            /* echo "10 -5" | cs2cs -f %.4f EPSG:4326 EPSG:32631
             *   -> -379471.0151 1116126.2925 (row 0)
             * echo "10.69 4.99" | cs2cs -f %.4f EPSG:4326 EPSG:32631
             *   -> 717660.2683 1182404.2959 (row 69999)
             * echo "10.35 0.5" | cs2cs -f %.4f EPSG:4326 EPSG:32631
             *   -> 226227.6906 1145183.7173 (row 35550) */
            near(xy[0], -379471.0151, 1e-4);
            near(xy[1], 1116126.2925, 1e-4);
            near(xy[2 * (n - 3)], 717660.2683, 1e-4);
            near(xy[2 * (n - 3) + 1], 1182404.2959, 1e-4);
            near(xy[2 * 35550], 226227.6906, 1e-4);
            near(xy[2 * 35550 + 1], 1145183.7173, 1e-4);
        }
        rm_layer_destroy(lay);
    }
}

static void test_projected_source_area(void **state)
{
    rm_context *ctx = *state;
    /* Points stored in UTM 31N; the area is still given in lon/lat. */
    const char *path = path_of("utm.gpkg");
    GDALDatasetH ds = new_gpkg(path);
    OGRLayerH l = new_layer(ds, "pts", 32631, wkbPoint);
    add_field(l, "name", OFTString, OFSTNone);
    /* cs2cs values from above: Paris, and 45 N on the central meridian */
    const char *names[] = {"paris", "cm45"};
    double xs[] = {452482.5327, 500000.0}, ys[] = {5411717.1769,
                                                   4982950.4002};
    for (int i = 0; i < 2; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, names[i]);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, xs[i], ys[i]);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.has_area = 1;
    opt.area = (rm_bbox){2.0, 48.0, 3.0, 49.0};
    opt.target_crs = "EPSG:4326";
    rm_read_report rep;
    rm_layer *lay = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(lay), 1);
    near(rm_layer_xy(lay)[0], 2.3522, 1e-8);
    near(rm_layer_xy(lay)[1], 48.8566, 1e-8);
    rm_layer_destroy(lay);
}

/*
 * A big layer of projected points read in bulk: every coordinate as
 * stored, in the layer's CRS; a point with NaN coordinates (row 12,345)
 * is dropped and the rows after it keep their own fids.
 */
static void test_gpkg_projected_points_bulk(void **state)
{
    rm_context *ctx = *state;
    const char *path = path_of("utm_bulk.gpkg");
    GDALDatasetH ds = new_gpkg(path);
    OGRLayerH l = new_layer(ds, "pts", 32631, wkbPoint);
    add_field(l, "v", OFTInteger, OFSTNone);
    const int n = 70000, bad = 12345;
    GDALDatasetStartTransaction(ds, FALSE);
    for (int i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldInteger(f, 0, i);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        if (i == bad)
            OGR_G_SetPoint_2D(g, 0, NAN, NAN);
        else
            OGR_G_SetPoint_2D(g, 0, 400000.0 + i * 0.5, 1500000.0 - i);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.target_crs = "EPSG:32631";
    rm_read_report rep;
    rm_layer *lay = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(lay), (size_t)n - 1);
    assert_int_equal(rep.n_dropped, 1);
    const int64_t *fids = rm_layer_fids(lay);
    const double *xy = rm_layer_xy(lay);
    const int64_t *v = rm_layer_field_ints(lay, field(lay, "v"));
    size_t wrong = 0;
    for (size_t r = 0; r < (size_t)n - 1; r++) {
        int i = (int)r + (r >= (size_t)bad);
        wrong += fids[r] != i + 1 || v[r] != i ||
                 xy[2 * r] != 400000.0 + i * 0.5 ||
                 xy[2 * r + 1] != 1500000.0 - i;
    }
    assert_int_equal(wrong, 0);
    rm_layer_destroy(lay);
}

/* Offsets of a layer read as 100,000 points, one of them (row 80,000) a
 * MultiPoint of three: features up to it have part f, after it f + 2. */
#define PTS_N 100000
#define PTS_MULTI 80000

static void check_point_offsets(const rm_layer *lay, int multi)
{
    int64_t extra = multi ? 2 : 0;
    assert_int_equal(rm_layer_part_count(lay), PTS_N + extra);
    const int64_t *fo = rm_layer_feature_offsets(lay);
    const int64_t *po = rm_layer_part_offsets(lay);
    const uint8_t *outer = rm_layer_part_outer(lay);
    for (int64_t f = 0; f <= PTS_N; f++) {
        int64_t want = f <= PTS_MULTI ? f : f + extra;
        if (fo[f] != want)
            fail_msg("feature offset %lld: %lld, want %lld", (long long)f,
                     (long long)fo[f], (long long)want);
    }
    for (int64_t p = 0; p <= PTS_N + extra; p++)
        if (po[p] != p)
            fail_msg("part offset %lld: %lld", (long long)p,
                     (long long)po[p]);
    for (int64_t p = 0; p < PTS_N + extra; p++)
        assert_int_equal(outer[p], 1);
}

static void *offsets_from_thread(void *arg)
{
    const rm_layer *lay = arg;
    const int64_t *fo = rm_layer_feature_offsets(lay);
    const uint8_t *outer = rm_layer_part_outer(lay);
    for (size_t f = 0; f <= PTS_N; f++)
        if (fo[f] != (int64_t)f || (f < PTS_N && outer[f] != 1))
            return (void *)1;
    return NULL;
}

/*
 * The area test in memory decides even where no spatial filter reaches
 * GDAL: here a GeoPackage whose recorded extent (wrongly) lies inside the
 * area, so none is handed over; the points outside are still left out.
 */
static void test_gpkg_area_in_memory(void **state)
{
    rm_context *ctx = *state;
    const char *path = path_of("stale_extent.gpkg");
    GDALDatasetH ds = new_gpkg(path);
    OGRLayerH l = new_layer(ds, "pts", 4326, wkbPoint);
    add_field(l, "v", OFTInteger, OFSTNone);
    for (int i = 0; i < 10; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldInteger(f, 0, i);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, i, 10.0); /* x = 0 .. 9 */
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    assert_non_null(ds);
    GDALDatasetExecuteSQL(ds,
                          "UPDATE gpkg_contents SET min_x = 1, max_x = 2, "
                          "min_y = 9, max_y = 11",
                          NULL, NULL);
    GDALClose(ds);
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.has_area = 1;
    opt.area = (rm_bbox){0.5, 0.0, 4.5, 20.0}; /* keeps x = 1 .. 4 */
    rm_read_report rep;
    rm_layer *lay = read_ok(ctx, path, &opt, &rep);
    assert_int_equal(rm_layer_feature_count(lay), 4);
    const int64_t *v = rm_layer_field_ints(lay, field(lay, "v"));
    for (int r = 0; r < 4; r++)
        assert_int_equal(v[r], r + 1);
    assert_int_equal(rep.n_filtered, 6);
    rm_layer_destroy(lay);
}

/*
 * A big layer of points is read without writing its offset arrays: they
 * are written when first asked for (here by four threads at once), and at
 * once when a feature of another shape arrives mid-read; either way they
 * hold the offsets a feature-by-feature build gives.
 */
static void test_gpkg_points_offsets(void **state)
{
    rm_context *ctx = *state;
    for (int multi = 0; multi < 2; multi++) {
        const char *path = path_of(multi ? "pts_multi.gpkg" : "pts.gpkg");
        GDALDatasetH ds = new_gpkg(path);
        OGRLayerH l = new_layer(ds, "pts", 4326, wkbPoint);
        add_field(l, "v", OFTInteger, OFSTNone);
        GDALDatasetStartTransaction(ds, FALSE);
        CPLPushErrorHandler(CPLQuietErrorHandler); /* MultiPoint in Point */
        for (int i = 0; i < PTS_N; i++) {
            OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
            OGR_F_SetFieldInteger(f, 0, i);
            OGRGeometryH g;
            double x = (i % 500) / 100.0, y = 10.0 + (i / 500) / 100.0;
            if (multi && i == PTS_MULTI) {
                g = OGR_G_CreateGeometry(wkbMultiPoint);
                for (int k = 0; k < 3; k++) {
                    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
                    OGR_G_SetPoint_2D(pt, 0, x + k, y);
                    OGR_G_AddGeometryDirectly(g, pt);
                }
            } else {
                g = OGR_G_CreateGeometry(wkbPoint);
                OGR_G_SetPoint_2D(g, 0, x, y);
            }
            OGR_F_SetGeometryDirectly(f, g);
            assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
            OGR_F_Destroy(f);
        }
        CPLPopErrorHandler();
        GDALDatasetCommitTransaction(ds);
        GDALClose(ds);

        rm_read_options opt = RM_READ_OPTIONS_INIT;
        opt.target_crs = "EPSG:4326";
        rm_read_report rep;
        rm_layer *lay = read_ok(ctx, path, &opt, &rep);
        assert_int_equal(rm_layer_feature_count(lay), PTS_N);
        if (!multi) {
            /* Read without them; each accessor writes them when it is
             * the first asked. */
            for (int acc = 0; acc < 3; acc++) {
                assert_int_equal(atomic_load(&lay->lazy_points), 1);
                /* Every array in one block of huge pages (read_build.c). */
                assert_non_null(lay->slab);
                assert_true((uint8_t *)lay->fids >= (uint8_t *)lay->slab &&
                            (uint8_t *)lay->part_outer + PTS_N <=
                                (uint8_t *)lay->slab + lay->slab_bytes);
                size_t bad = 0;
                if (acc == 0) {
                    const int64_t *fo = rm_layer_feature_offsets(lay);
                    for (size_t f = 0; f <= PTS_N; f++)
                        bad += fo[f] != (int64_t)f;
                } else if (acc == 1) {
                    const int64_t *po = rm_layer_part_offsets(lay);
                    for (size_t p = 0; p <= PTS_N; p++)
                        bad += po[p] != (int64_t)p;
                } else {
                    const uint8_t *outer = rm_layer_part_outer(lay);
                    for (size_t p = 0; p < PTS_N; p++)
                        bad += outer[p] != 1;
                }
                assert_int_equal(bad, 0);
                rm_layer_destroy(lay);
                lay = read_ok(ctx, path, &opt, &rep);
            }
            /* ... also from four threads at once. */
            assert_int_equal(atomic_load(&lay->lazy_points), 1);
            assert_int_equal(rm_layer_part_count(lay), PTS_N);
            pthread_t th[4];
            for (int t = 0; t < 4; t++)
                assert_int_equal(pthread_create(&th[t], NULL,
                                                offsets_from_thread, lay),
                                 0);
            for (int t = 0; t < 4; t++) {
                void *bad = (void *)1;
                pthread_join(th[t], &bad);
                assert_null(bad);
            }
            assert_int_equal(atomic_load(&lay->lazy_points), 0);
            rm_layer_destroy(lay);
            /* A copy through the serialized form writes them too. */
            lay = read_ok(ctx, path, &opt, &rep);
            assert_int_equal(atomic_load(&lay->lazy_points), 1);
            rm_layer *copy = NULL;
            assert_int_equal(rm_layer_clone(&copy, lay), RM_OK);
            check_point_offsets(copy, 0);
            rm_layer_destroy(copy);
            rm_layer_destroy(lay);
            /* With an area keeping a fifth of the points (x = (i % 500) / 100
             * up to 0.995): sized for all, fitted to what was kept. */
            rm_read_options ao = opt;
            ao.has_area = 1;
            ao.area = (rm_bbox){-1.0, 0.0, 0.995, 90.0};
            rm_layer *part = read_ok(ctx, path, &ao, &rep);
            size_t nk = rm_layer_feature_count(part);
            assert_int_equal(nk, PTS_N / 5);
            assert_int_equal(rep.n_filtered, PTS_N - PTS_N / 5);
            assert_true(part->cap_features == nk && part->cap_coords == nk);
            assert_non_null(part->slab); /* fitted where it was read */
            const int64_t *fids = rm_layer_fids(part);
            const int64_t *fo = rm_layer_feature_offsets(part);
            const double *pxy = rm_layer_xy(part);
            const int64_t *v = rm_layer_field_ints(part, field(part, "v"));
            /* In whatever order the spatial index gives them: each kept
             * point once, with its own values. */
            uint8_t *seen = calloc(PTS_N, 1);
            assert_non_null(seen);
            for (size_t r = 0; r < nk; r++) {
                int64_t i = fids[r] - 1;
                assert_true(i >= 0 && i < PTS_N && i % 500 < 100);
                assert_false(seen[i]);
                seen[i] = 1;
                assert_int_equal(v[r], i);
                assert_int_equal(fo[r], (int64_t)r);
                near(pxy[2 * r], (i % 500) / 100.0, 1e-12);
            }
            free(seen);
            assert_int_equal(fo[nk], (int64_t)nk);
            rm_layer_destroy(part);
            continue;
        }
        assert_int_equal(atomic_load(&lay->lazy_points), 0);
        assert_null(lay->slab); /* left when the coordinates outgrew it */
        assert_int_equal(rm_layer_coord_count(lay), PTS_N + 2);
        check_point_offsets(lay, 1);
        const double *xy = rm_layer_xy(lay);
        double x = (PTS_MULTI % 500) / 100.0;
        for (int k = 0; k < 3; k++)
            near(xy[2 * (PTS_MULTI + k)], x + k, 1e-12);
        near(xy[2 * (PTS_MULTI + 3)], ((PTS_MULTI + 1) % 500) / 100.0,
             1e-12);
        /* A copy through the serialized form keeps them. */
        rm_layer *copy = NULL;
        assert_int_equal(rm_layer_clone(&copy, lay), RM_OK);
        check_point_offsets(copy, 1);
        rm_layer_destroy(copy);
        rm_layer_destroy(lay);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpkg_points),
        cmocka_unit_test(test_gpkg_reprojected_roles_sensitive),
        cmocka_unit_test(test_gpkg_filters),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_repair_and_polygons),
        cmocka_unit_test(test_geojson_types_fids_mixed),
        cmocka_unit_test(test_csv_lonlat_and_wkt),
        cmocka_unit_test(test_gpx),
        cmocka_unit_test(test_kml),
        cmocka_unit_test(test_shapefile),
        cmocka_unit_test(test_geotiff),
        cmocka_unit_test(test_gpkg_time_zone_in_late_batch),
        cmocka_unit_test(test_gpkg_big_batches),
        cmocka_unit_test(test_gpkg_points_offsets),
        cmocka_unit_test(test_gpkg_area_in_memory),
        cmocka_unit_test(test_csv_big_nulls),
        cmocka_unit_test(test_projected_source_area),
        cmocka_unit_test(test_gpkg_projected_points_bulk),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
