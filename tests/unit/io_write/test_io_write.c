/*
 * Tests of the vector writers (rm_io_write): layers built with layer.h are
 * written to GeoPackage, GeoJSON, CSV and GPX and read back with the OGR C
 * API directly (an independent reader, not rm_io_read). Expected values
 * are worked out by hand (dates, areas) or from closed formulas (UTM on
 * the central meridian: lon = 3 degrees exactly, lat from the inverse
 * meridian arc), never taken from the writer's output.
 */
#include <dirent.h>
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

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "test_support.h"

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define UTM_K0 0.9996

/* 2026-07-01T12:34:56.789Z: 20635 days (56 years with 14 leap days, plus
 * 181 days of January-June) and 45296.789 s; `date -u -d @1782909296`. */
#define T_JULY 1782909296789LL
/* 1969-12-31T23:59:59.500Z */
#define T_BEFORE_EPOCH (-500LL)

/* Quotes, a comma, a semicolon and a non-ASCII letter (u-umlaut). */
#define KIND3 "say \"hi\", then go; \xc3\xbc" "ber"

static char tmpdir[1024];

/* ---- fixtures ---------------------------------------------------------- */

static int setup(void **state)
{
    if (rmt_tmpdir(tmpdir, sizeof tmpdir, "io_write") != RM_OK)
        return -1;
    GDALAllRegister();
    return rmt_context_setup(state);
}

static const char *path_in(const char *name)
{
    static char buf[4][1200];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

static int count_temp_files(void)
{
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp-"))
            n++;
    closedir(d);
    return n;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Whole file into a malloc'ed buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

/*
 * Meridian arc length from the equator to latitude `phi` (radians) on
 * WGS 84 (Helmert's series in the third flattening), and its inverse by
 * bisection. On the central meridian of a UTM zone, northing = k0 * arc.
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

static double lat_of_northing(double northing)
{
    double lo = 0.0, hi = M_PI / 2;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (UTM_K0 * meridian_arc(mid) < northing)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi) * 180.0 / M_PI;
}

/* Field indexes of the points layer. */
enum { FLD_N, FLD_W, FLD_KIND, FLD_WHEN, FLD_OK, FLD_NAME };

/*
 * Three incidents in UTM 31N with one attribute of every type; row 1 has
 * NULLs in w and kind, row 2 in ok.
 */
static rm_layer *make_points(void)
{
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "incidents", RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, "EPSG:32631"), RM_OK);
    assert_int_equal(rm_layer_add_field(l, "n", RM_FIELD_INT), FLD_N);
    assert_int_equal(rm_layer_add_field(l, "w", RM_FIELD_REAL), FLD_W);
    assert_int_equal(rm_layer_add_field(l, "kind", RM_FIELD_STRING), FLD_KIND);
    assert_int_equal(rm_layer_add_field(l, "when", RM_FIELD_DATETIME),
                     FLD_WHEN);
    assert_int_equal(rm_layer_add_field(l, "ok", RM_FIELD_BOOL), FLD_OK);
    assert_int_equal(rm_layer_add_field(l, "name", RM_FIELD_STRING), FLD_NAME);

    double p0[2] = {500000.0, 1600000.0};
    assert_int_equal(rm_layer_begin_feature(l, 10), 0);
    assert_int_equal(rm_layer_add_part(l, p0, 1, NULL, 1), RM_OK);
    rm_layer_set_int(l, FLD_N, 1);
    rm_layer_set_real(l, FLD_W, 2.5);
    rm_layer_set_string(l, FLD_KIND, "smuggling");
    rm_layer_set_datetime(l, FLD_WHEN, T_JULY);
    rm_layer_set_bool(l, FLD_OK, 1);
    rm_layer_set_string(l, FLD_NAME, "Alpha");

    double p1[2] = {510000.0, 1610000.0};
    assert_int_equal(rm_layer_begin_feature(l, 20), 1);
    assert_int_equal(rm_layer_add_part(l, p1, 1, NULL, 1), RM_OK);
    rm_layer_set_int(l, FLD_N, -7);
    rm_layer_set_datetime(l, FLD_WHEN, 0);
    rm_layer_set_bool(l, FLD_OK, 0);
    rm_layer_set_string(l, FLD_NAME, "Bravo");

    double p2[2] = {490000.5, 1590000.25};
    assert_int_equal(rm_layer_begin_feature(l, 30), 2);
    assert_int_equal(rm_layer_add_part(l, p2, 1, NULL, 1), RM_OK);
    rm_layer_set_int(l, FLD_N, 9007199254740993LL); /* 2^53 + 1 */
    rm_layer_set_real(l, FLD_W, 1e-3);
    rm_layer_set_string(l, FLD_KIND, KIND3);
    rm_layer_set_datetime(l, FLD_WHEN, T_BEFORE_EPOCH);
    rm_layer_set_string(l, FLD_NAME, "Charlie");
    return l;
}

/* Tracks: fid 1 one line of 3 vertices, fid 2 two lines of 2 vertices. */
#define T0 1782864000.0 /* 2026-07-01T00:00:00Z */
static rm_layer *make_lines(void)
{
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "tracks", RM_GEOM_LINE), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, "EPSG:32631"), RM_OK);
    assert_int_equal(rm_layer_add_field(l, "name", RM_FIELD_STRING), 0);
    assert_int_equal(rm_layer_add_field(l, "unit", RM_FIELD_INT), 1);
    double a[6] = {500000, 1600000, 500000, 1601000, 501000, 1601000};
    double ta[3] = {T0, T0 + 60.5, NAN};
    assert_int_equal(rm_layer_begin_feature(l, 1), 0);
    assert_int_equal(rm_layer_add_part(l, a, 3, ta, 0), RM_OK);
    rm_layer_set_string(l, 0, "patrol one");
    rm_layer_set_int(l, 1, 4);
    double b1[4] = {500000, 1700000, 500000, 1700500};
    double b2[4] = {500000, 1710000, 500000, 1710500};
    double tb1[2] = {T0 + 3600, T0 + 3660};
    double tb2[2] = {T0 + 7200, T0 + 7260};
    assert_int_equal(rm_layer_begin_feature(l, 2), 1);
    assert_int_equal(rm_layer_add_part(l, b1, 2, tb1, 0), RM_OK);
    assert_int_equal(rm_layer_add_part(l, b2, 2, tb2, 0), RM_OK);
    rm_layer_set_string(l, 0, "patrol two");
    rm_layer_set_int(l, 1, 5);
    return l;
}

/*
 * Zones: fid 7 a 100 m square (ring left open) with a closed 20 m square
 * hole, area 10000 - 400 = 9600 m2; fid 8 two 10 m squares, area 200 m2.
 */
#define X0 500000.0
#define Y0 1600000.0
static rm_layer *make_polygons(void)
{
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "zones", RM_GEOM_POLYGON), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, "EPSG:32631"), RM_OK);
    assert_int_equal(rm_layer_add_field(l, "label", RM_FIELD_STRING), 0);
    double outer[8] = {X0, Y0, X0 + 100, Y0, X0 + 100, Y0 + 100, X0, Y0 + 100};
    double hole[10] = {X0 + 40, Y0 + 40, X0 + 40, Y0 + 60, X0 + 60, Y0 + 60,
                       X0 + 60, Y0 + 40, X0 + 40, Y0 + 40};
    assert_int_equal(rm_layer_begin_feature(l, 7), 0);
    assert_int_equal(rm_layer_add_part(l, outer, 4, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_add_part(l, hole, 5, NULL, 0), RM_OK);
    rm_layer_set_string(l, 0, "holed");
    double s1[10] = {X0 + 200, Y0, X0 + 210, Y0, X0 + 210, Y0 + 10,
                     X0 + 200, Y0 + 10, X0 + 200, Y0};
    double s2[10] = {X0 + 300, Y0, X0 + 310, Y0, X0 + 310, Y0 + 10,
                     X0 + 300, Y0 + 10, X0 + 300, Y0};
    assert_int_equal(rm_layer_begin_feature(l, 8), 1);
    assert_int_equal(rm_layer_add_part(l, s1, 5, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_add_part(l, s2, 5, NULL, 1), RM_OK);
    rm_layer_set_string(l, 0, "two parts");
    return l;
}

/* ---- reading back with OGR --------------------------------------------- */

static GDALDatasetH open_vector(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, NULL, NULL);
    assert_non_null(ds);
    return ds;
}

static OGRLayerH layer_by_name(GDALDatasetH ds, const char *name)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    assert_non_null(l);
    return l;
}

static int field_index(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    if (i < 0)
        fail_msg("field '%s' missing", name);
    return i;
}

static OGRFeatureH feature_with_fid(OGRLayerH l, int64_t fid)
{
    OGRFeatureH f = OGR_L_GetFeature(l, (GIntBig)fid);
    if (!f)
        fail_msg("no feature with fid %lld", (long long)fid);
    return f;
}

static void assert_datetime(OGRFeatureH f, int i, int y, int mo, int d,
                            int h, int mi, double sec)
{
    int yy, mm, dd, hh, mn, tz;
    float ss;
    assert_true(OGR_F_GetFieldAsDateTimeEx(f, i, &yy, &mm, &dd, &hh, &mn,
                                           &ss, &tz));
    assert_int_equal(yy, y);
    assert_int_equal(mm, mo);
    assert_int_equal(dd, d);
    assert_int_equal(hh, h);
    assert_int_equal(mn, mi);
    assert_true(fabs(ss - sec) < 1e-3);
    assert_int_equal(tz, 100); /* UTC */
}

static void assert_epsg(OGRLayerH l, const char *code)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    assert_non_null(srs);
    OGRSpatialReferenceH s = OSRClone(srs);
    OSRAutoIdentifyEPSG(s);
    const char *c = OSRGetAuthorityCode(s, NULL);
    assert_non_null(c);
    assert_string_equal(c, code);
    OSRDestroySpatialReference(s);
}

/* ---- GeoPackage -------------------------------------------------------- */

static void check_gpkg_points(OGRLayerH l)
{
    assert_int_equal(wkbFlatten(OGR_L_GetGeomType(l)), wkbPoint);
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), 3);
    assert_epsg(l, "32631");
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    struct {
        const char *name;
        OGRFieldType type;
        OGRFieldSubType sub;
    } want[] = {{"n", OFTInteger64, OFSTNone},
                {"w", OFTReal, OFSTNone},
                {"kind", OFTString, OFSTNone},
                {"when", OFTDateTime, OFSTNone},
                {"ok", OFTInteger, OFSTBoolean},
                {"name", OFTString, OFSTNone}};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        int i = OGR_FD_GetFieldIndex(d, want[k].name);
        assert_true(i >= 0);
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(d, i);
        assert_int_equal(OGR_Fld_GetType(fd), want[k].type);
        assert_int_equal(OGR_Fld_GetSubType(fd), want[k].sub);
    }
    /* Source ids are the feature ids, so no extra column. */
    assert_int_equal(OGR_FD_GetFieldIndex(d, "source_fid"), -1);

    OGRFeatureH f = feature_with_fid(l, 10);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)), wkbPoint);
    assert_true(OGR_G_GetX(g, 0) == 500000.0);
    assert_true(OGR_G_GetY(g, 0) == 1600000.0);
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "n")), 1);
    assert_true(OGR_F_GetFieldAsDouble(f, field_index(f, "w")) == 2.5);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "kind")),
                        "smuggling");
    assert_datetime(f, field_index(f, "when"), 2026, 7, 1, 12, 34, 56.789);
    assert_int_equal(OGR_F_GetFieldAsInteger(f, field_index(f, "ok")), 1);
    OGR_F_Destroy(f);

    f = feature_with_fid(l, 20);
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "n")), -7);
    assert_true(OGR_F_IsFieldNull(f, field_index(f, "w")));
    assert_true(OGR_F_IsFieldNull(f, field_index(f, "kind")));
    assert_datetime(f, field_index(f, "when"), 1970, 1, 1, 0, 0, 0.0);
    assert_int_equal(OGR_F_GetFieldAsInteger(f, field_index(f, "ok")), 0);
    assert_false(OGR_F_IsFieldNull(f, field_index(f, "ok")));
    OGR_F_Destroy(f);

    f = feature_with_fid(l, 30);
    g = OGR_F_GetGeometryRef(f);
    assert_true(OGR_G_GetX(g, 0) == 490000.5);
    assert_true(OGR_G_GetY(g, 0) == 1590000.25);
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "n")),
                     9007199254740993LL);
    assert_true(OGR_F_GetFieldAsDouble(f, field_index(f, "w")) == 1e-3);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "kind")),
                        KIND3);
    assert_datetime(f, field_index(f, "when"), 1969, 12, 31, 23, 59, 59.5);
    assert_true(OGR_F_IsFieldNull(f, field_index(f, "ok")));
    OGR_F_Destroy(f);
}

static void check_gpkg_lines(OGRLayerH l)
{
    /* fid 2 has two parts, so the layer is declared MultiLineString. */
    assert_int_equal(wkbFlatten(OGR_L_GetGeomType(l)), wkbMultiLineString);
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), 2);
    OGRFeatureH f = feature_with_fid(l, 1);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)),
                     wkbMultiLineString);
    assert_int_equal(OGR_G_GetGeometryCount(g), 1);
    OGRGeometryH ls = OGR_G_GetGeometryRef(g, 0);
    assert_int_equal(OGR_G_GetPointCount(ls), 3);
    assert_true(OGR_G_GetX(ls, 2) == 501000.0);
    assert_true(OGR_G_GetY(ls, 2) == 1601000.0);
    assert_true(fabs(OGR_G_Length(g) - 2000.0) < 1e-9);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "name")),
                        "patrol one");
    OGR_F_Destroy(f);
    f = feature_with_fid(l, 2);
    g = OGR_F_GetGeometryRef(f);
    assert_int_equal(OGR_G_GetGeometryCount(g), 2);
    assert_true(OGR_G_GetY(OGR_G_GetGeometryRef(g, 1), 1) == 1710500.0);
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "unit")),
                     5);
    OGR_F_Destroy(f);
}

static void check_gpkg_polygons(OGRLayerH l)
{
    assert_int_equal(wkbFlatten(OGR_L_GetGeomType(l)), wkbMultiPolygon);
    OGRFeatureH f = feature_with_fid(l, 7);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(OGR_G_GetGeometryCount(g), 1);
    OGRGeometryH poly = OGR_G_GetGeometryRef(g, 0);
    assert_int_equal(OGR_G_GetGeometryCount(poly), 2); /* outer + hole */
    OGRGeometryH ring = OGR_G_GetGeometryRef(poly, 0);
    /* The open exterior ring was closed: 4 + 1 points. */
    assert_int_equal(OGR_G_GetPointCount(ring), 5);
    assert_true(OGR_G_GetX(ring, 4) == X0 && OGR_G_GetY(ring, 4) == Y0);
    assert_true(fabs(OGR_G_Area(g) - 9600.0) < 1e-6);
    OGR_F_Destroy(f);
    f = feature_with_fid(l, 8);
    g = OGR_F_GetGeometryRef(f);
    assert_int_equal(OGR_G_GetGeometryCount(g), 2);
    assert_true(fabs(OGR_G_Area(g) - 200.0) < 1e-6);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "label")),
                        "two parts");
    OGR_F_Destroy(f);
}

static void test_gpkg_all_types(void **state)
{
    rm_context *ctx = *state;
    rm_layer *ls[3] = {make_points(), make_lines(), make_polygons()};
    const char *out = path_in("results.gpkg");
    /* DOC: GPKG is the default format. */
    assert_int_equal(rm_io_write(ctx, out, ls, 3, NULL), RM_OK);
    assert_int_equal(count_temp_files(), 0);

    GDALDatasetH ds = open_vector(out);
    assert_string_equal(GDALGetDriverShortName(GDALGetDatasetDriver(ds)),
                        "GPKG");
    assert_int_equal(GDALDatasetGetLayerCount(ds), 3);
    check_gpkg_points(layer_by_name(ds, "incidents"));
    check_gpkg_lines(layer_by_name(ds, "tracks"));
    check_gpkg_polygons(layer_by_name(ds, "zones"));
    GDALClose(ds);
    for (int i = 0; i < 3; i++)
        rm_layer_destroy(ls[i]);
}

static void test_gpkg_single_types_and_spatial_index(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "squares", RM_GEOM_POLYGON), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, "EPSG:32631"), RM_OK);
    double sq[10] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
    for (int i = 0; i < 3; i++) {
        assert_true(rm_layer_begin_feature(l, 100 + i) >= 0);
        for (int k = 0; k < 10; k += 2)
            sq[k] += 20;
        assert_int_equal(rm_layer_add_part(l, sq, 5, NULL, 1), RM_OK);
    }
    const char *out = path_in("single.gpkg");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "gpkg"; /* case does not matter */
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH ol = layer_by_name(ds, "squares");
    assert_int_equal(OGR_L_GetGeomType(ol), wkbPolygon);
    assert_int_equal(OGR_L_GetFeatureCount(ol, TRUE), 3);
    /* The spatial index exists (rtree_<table>_<geometry column>). */
    OGRLayerH res = GDALDatasetExecuteSQL(
        ds,
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'rtree_squares_geom'",
        NULL, NULL);
    assert_non_null(res);
    OGRFeatureH f = OGR_L_GetNextFeature(res);
    assert_non_null(f);
    assert_int_equal(OGR_F_GetFieldAsInteger(f, 0), 1);
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, res);
    /* A spatial filter through the index finds the middle square only. */
    OGR_L_SetSpatialFilterRect(ol, 61, 1, 69, 9);
    assert_int_equal(OGR_L_GetFeatureCount(ol, TRUE), 1);
    f = OGR_L_GetNextFeature(ol);
    assert_int_equal(OGR_F_GetFID(f), 102); /* x 60..70 after 3 shifts */
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

static void test_gpkg_duplicate_fids_go_to_field(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "dups", RM_GEOM_POINT), RM_OK);
    double p[2] = {1, 2};
    for (int i = 0; i < 3; i++) {
        assert_true(rm_layer_begin_feature(l, i == 2 ? 5 : 4) >= 0);
        assert_int_equal(rm_layer_add_part(l, p, 1, NULL, 1), RM_OK);
    }
    const char *out = path_in("dups.gpkg");
    assert_int_equal(rm_io_write(ctx, out, &l, 1, NULL), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH ol = layer_by_name(ds, "dups");
    assert_int_equal(OGR_L_GetFeatureCount(ol, TRUE), 3);
    int64_t want[3] = {4, 4, 5};
    OGR_L_ResetReading(ol);
    OGRFeatureH f;
    int k = 0;
    while ((f = OGR_L_GetNextFeature(ol)) != NULL) {
        assert_int_equal(
            OGR_F_GetFieldAsInteger64(f, field_index(f, "source_fid")),
            want[k++]);
        OGR_F_Destroy(f);
    }
    assert_int_equal(k, 3);
    GDALClose(ds);
    rm_layer_destroy(l);
}

static void test_gpkg_attribute_only_layer(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "counts", RM_GEOM_NONE), RM_OK);
    assert_int_equal(rm_layer_add_field(l, "segment", RM_FIELD_INT), 0);
    assert_int_equal(rm_layer_add_field(l, "fid", RM_FIELD_STRING), 1);
    for (int i = 0; i < 4; i++) {
        assert_true(rm_layer_begin_feature(l, i) >= 0);
        rm_layer_set_int(l, 0, i * 10);
        rm_layer_set_string(l, 1, "x");
    }
    const char *out = path_in("counts.gpkg");
    assert_int_equal(rm_io_write(ctx, out, &l, 1, NULL), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH ol = layer_by_name(ds, "counts");
    assert_int_equal(OGR_L_GetGeomType(ol), wkbNone);
    assert_int_equal(OGR_L_GetFeatureCount(ol, TRUE), 4);
    /* A string field named "fid" survives: the key column is renamed. */
    OGRFeatureH f = feature_with_fid(ol, 3);
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "segment")),
                     30);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "fid")),
                        "x");
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

/* ---- WGS 84 formats ---------------------------------------------------- */

static void test_geojson_wgs84(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_points();
    size_t nc = rm_layer_coord_count(l);
    double before[6];
    memcpy(before, rm_layer_xy(l), sizeof before);
    const char *out = path_in("incidents.geojson");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "GeoJSON";
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    /* DOC: the input layer is never modified. */
    assert_int_equal(rm_layer_coord_count(l), nc);
    assert_memory_equal(rm_layer_xy(l), before, sizeof before);
    assert_string_equal(rm_layer_crs(l), "EPSG:32631");

    GDALDatasetH ds = open_vector(out);
    assert_string_equal(GDALGetDriverShortName(GDALGetDatasetDriver(ds)),
                        "GeoJSON");
    assert_int_equal(GDALDatasetGetLayerCount(ds), 1);
    OGRLayerH ol = GDALDatasetGetLayer(ds, 0);
    assert_int_equal(OGR_L_GetFeatureCount(ol, TRUE), 3);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(ol);
    assert_non_null(srs);
    assert_true(OSRIsGeographic(srs));

    /* RFC 7946 keeps 7 decimals: 1e-7 degrees. */
    OGRFeatureH f = feature_with_fid(ol, 10);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_true(fabs(OGR_G_GetX(g, 0) - 3.0) < 1.01e-7);
    assert_true(fabs(OGR_G_GetY(g, 0) - lat_of_northing(1600000.0)) <
                1.01e-7);
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "n")), 1);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "kind")),
                        "smuggling");
    assert_datetime(f, field_index(f, "when"), 2026, 7, 1, 12, 34, 56.789);
    assert_int_equal(OGR_F_GetFieldAsInteger(f, field_index(f, "ok")), 1);
    OGR_F_Destroy(f);

    f = feature_with_fid(ol, 20);
    assert_true(OGR_F_IsFieldNull(f, field_index(f, "w")));
    OGR_F_Destroy(f);
    f = feature_with_fid(ol, 30);
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "n")),
                     9007199254740993LL);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "kind")),
                        KIND3);
    OGR_F_Destroy(f);
    GDALClose(ds);

    /* The text itself carries lon/lat and the ids. */
    char *text = slurp(out, NULL);
    assert_non_null(strstr(text, "\"id\": 10"));
    assert_null(strstr(text, "500000"));
    free(text);
    rm_layer_destroy(l);
}

static void test_gpkg_wgs84_option(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_points();
    const char *out = path_in("ll.gpkg");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.wgs84 = 1;
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH ol = layer_by_name(ds, "incidents");
    assert_epsg(ol, "4326");
    OGRFeatureH f = feature_with_fid(ol, 20);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    /* x is longitude (GIS order); off the central meridian, so only a
     * range check here, exact values are checked on the meridian. */
    assert_true(OGR_G_GetX(g, 0) > 3.0 && OGR_G_GetX(g, 0) < 3.2);
    assert_true(OGR_G_GetY(g, 0) > 14.4 && OGR_G_GetY(g, 0) < 14.7);
    OGR_F_Destroy(f);
    f = feature_with_fid(ol, 10);
    g = OGR_F_GetGeometryRef(f);
    assert_true(fabs(OGR_G_GetX(g, 0) - 3.0) < 1e-9);
    assert_true(fabs(OGR_G_GetY(g, 0) - lat_of_northing(1600000.0)) < 1e-9);
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

static void test_gpx_waypoints(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_points();
    const char *out = path_in("points.gpx");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "GPX";
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    /* GPX extensions carry no types: OGR's reader guesses Integer for
     * ogr_n and warns about 2^53 + 1; keep that off the test output. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH wpt = layer_by_name(ds, "waypoints");
    assert_int_equal(OGR_L_GetFeatureCount(wpt, TRUE), 3);
    OGR_L_ResetReading(wpt);
    OGRFeatureH f = OGR_L_GetNextFeature(wpt);
    assert_non_null(f);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_true(fabs(OGR_G_GetX(g, 0) - 3.0) < 1e-9);
    assert_true(fabs(OGR_G_GetY(g, 0) - lat_of_northing(1600000.0)) < 1e-9);
    /* "name" fills the GPX <name>; other fields go to extensions. */
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "name")),
                        "Alpha");
    assert_int_equal(OGR_F_GetFieldAsInteger64(f, field_index(f, "ogr_n")),
                     1);
    assert_int_equal(
        OGR_F_GetFieldAsInteger64(f, field_index(f, "ogr_source_fid")), 10);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "ogr_when")),
                        "2026-07-01T12:34:56.789Z");
    OGR_F_Destroy(f);
    GDALClose(ds);
    CPLPopErrorHandler();
    rm_layer_destroy(l);
}

static void test_gpx_tracks_with_times(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_lines();
    const char *out = path_in("tracks.gpx");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "GPX";
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH trk = layer_by_name(ds, "tracks");
    assert_int_equal(OGR_L_GetFeatureCount(trk, TRUE), 2);
    OGR_L_ResetReading(trk);
    OGRFeatureH f = OGR_L_GetNextFeature(trk);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "name")),
                        "patrol one");
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(OGR_G_GetGeometryCount(g), 1);
    assert_int_equal(OGR_G_GetPointCount(OGR_G_GetGeometryRef(g, 0)), 3);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(trk);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "name")),
                        "patrol two");
    assert_int_equal(OGR_G_GetGeometryCount(OGR_F_GetGeometryRef(f)), 2);
    OGR_F_Destroy(f);

    /* Per-vertex times: T0, T0 + 60.5 s, none; then T0 + 1 h ... */
    OGRLayerH pts = layer_by_name(ds, "track_points");
    assert_int_equal(OGR_L_GetFeatureCount(pts, TRUE), 7);
    OGR_L_ResetReading(pts);
    f = OGR_L_GetNextFeature(pts);
    assert_datetime(f, field_index(f, "time"), 2026, 7, 1, 0, 0, 0.0);
    g = OGR_F_GetGeometryRef(f);
    assert_true(fabs(OGR_G_GetX(g, 0) - 3.0) < 1e-9);
    assert_true(fabs(OGR_G_GetY(g, 0) - lat_of_northing(1600000.0)) < 1e-9);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(pts);
    assert_datetime(f, field_index(f, "time"), 2026, 7, 1, 0, 1, 0.5);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(pts);
    assert_false(OGR_F_IsFieldSetAndNotNull(f, field_index(f, "time")));
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(pts);
    assert_int_equal(OGR_F_GetFieldAsInteger(f, field_index(f, "track_fid")),
                     1);
    assert_datetime(f, field_index(f, "time"), 2026, 7, 1, 1, 0, 0.0);
    OGR_F_Destroy(f);
    OGR_F_Destroy(OGR_L_GetNextFeature(pts));
    f = OGR_L_GetNextFeature(pts);
    assert_int_equal(
        OGR_F_GetFieldAsInteger(f, field_index(f, "track_seg_id")), 1);
    assert_datetime(f, field_index(f, "time"), 2026, 7, 1, 2, 0, 0.0);
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

static void test_gpx_tracks_without_times(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "lines", RM_GEOM_LINE), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, "EPSG:4326"), RM_OK);
    assert_int_equal(rm_layer_add_field(l, "name", RM_FIELD_STRING), 0);
    double a[4] = {1.5, 12.25, 1.75, 12.5};
    assert_true(rm_layer_begin_feature(l, 3) >= 0);
    assert_int_equal(rm_layer_add_part(l, a, 2, NULL, 0), RM_OK);
    rm_layer_set_string(l, 0, "route <a & b>");
    const char *out = path_in("plain.gpx");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "gpx";
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH trk = layer_by_name(ds, "tracks");
    assert_int_equal(OGR_L_GetFeatureCount(trk, TRUE), 1);
    OGR_L_ResetReading(trk);
    OGRFeatureH f = OGR_L_GetNextFeature(trk);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "name")),
                        "route <a & b>");
    OGRGeometryH ls = OGR_G_GetGeometryRef(OGR_F_GetGeometryRef(f), 0);
    assert_true(fabs(OGR_G_GetX(ls, 1) - 1.75) < 1e-12);
    assert_true(fabs(OGR_G_GetY(ls, 1) - 12.5) < 1e-12);
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

static void test_gpx_rejects_polygons(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_polygons();
    const char *out = path_in("zones.gpx");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "GPX";
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_EINVAL);
    assert_non_null(strstr(rm_errmsg(ctx), "GeoPackage"));
    assert_false(file_exists(out));
    assert_int_equal(count_temp_files(), 0);
    rm_layer_destroy(l);
}

/* ---- CSV --------------------------------------------------------------- */

static void test_csv_points(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_points();
    const char *out = path_in("incidents.csv");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "CSV";
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    char *text = slurp(out, NULL);
    /* Geometry first as WKT, the fields in order, the source id, x/y. */
    const char *header = "wkt,n,w,kind,when,ok,name,source_fid,x,y\n";
    assert_memory_equal(text, header, strlen(header));
    free(text);

    GDALDatasetH ds = open_vector(out);
    OGRLayerH ol = GDALDatasetGetLayer(ds, 0);
    assert_int_equal(OGR_L_GetFeatureCount(ol, TRUE), 3);
    OGR_L_ResetReading(ol);
    OGRFeatureH f = OGR_L_GetNextFeature(ol);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_non_null(g);
    assert_true(OGR_G_GetX(g, 0) == 500000.0);
    assert_true(OGR_G_GetY(g, 0) == 1600000.0);
    assert_true(OGR_F_GetFieldAsDouble(f, field_index(f, "x")) == 500000.0);
    assert_true(OGR_F_GetFieldAsDouble(f, field_index(f, "y")) ==
                1600000.0);
    assert_string_equal(
        OGR_F_GetFieldAsString(f, field_index(f, "source_fid")), "10");
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "when")),
                        "2026-07-01T12:34:56.789Z");
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(ol);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "when")),
                        "1970-01-01T00:00:00Z");
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(ol);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "kind")),
                        KIND3);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "n")),
                        "9007199254740993");
    assert_true(OGR_F_GetFieldAsDouble(f, field_index(f, "x")) == 490000.5);
    assert_string_equal(OGR_F_GetFieldAsString(f, field_index(f, "when")),
                        "1969-12-31T23:59:59.500Z");
    OGR_F_Destroy(f);
    GDALClose(ds);
    /* No side files (.csvt, .prj) beside the output. */
    assert_false(file_exists(path_in("incidents.csvt")));
    assert_false(file_exists(path_in("incidents.prj")));
    rm_layer_destroy(l);
}

static void test_csv_other_extension_and_wgs84(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_points();
    const char *out = path_in("incidents.txt");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "CSV";
    opt.wgs84 = 1;
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    assert_int_equal(count_temp_files(), 0);
    char *text = slurp(out, NULL);
    const char *header = "wkt,n,w,kind,when,ok,name,source_fid,lon,lat\n";
    assert_memory_equal(text, header, strlen(header));
    free(text);
    /* OGR reads other extensions as CSV with the "CSV:" prefix. */
    char csvname[1300];
    snprintf(csvname, sizeof csvname, "CSV:%s", out);
    GDALDatasetH ds = GDALOpenEx(csvname, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH ol = GDALDatasetGetLayer(ds, 0);
    OGR_L_ResetReading(ol);
    OGRFeatureH f = OGR_L_GetNextFeature(ol);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_true(fabs(OGR_G_GetX(g, 0) - 3.0) < 1e-9);
    assert_true(fabs(OGR_G_GetY(g, 0) - lat_of_northing(1600000.0)) < 1e-9);
    assert_true(fabs(OGR_F_GetFieldAsDouble(f, field_index(f, "lon")) - 3.0) <
                1e-9);
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

static void test_csv_polygons(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_polygons();
    const char *out = path_in("zones.csv");
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "CSV";
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    char *text = slurp(out, NULL);
    /* No x/y columns for polygons. */
    assert_memory_equal(text, "wkt,label,source_fid\n", 21);
    free(text);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH ol = GDALDatasetGetLayer(ds, 0);
    OGR_L_ResetReading(ol);
    OGRFeatureH f = OGR_L_GetNextFeature(ol);
    assert_true(fabs(OGR_G_Area(OGR_F_GetGeometryRef(f)) - 9600.0) < 1e-6);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(ol);
    assert_int_equal(
        wkbFlatten(OGR_G_GetGeometryType(OGR_F_GetGeometryRef(f))),
        wkbMultiPolygon);
    assert_true(fabs(OGR_G_Area(OGR_F_GetGeometryRef(f)) - 200.0) < 1e-6);
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

/* ---- atomicity and errors ---------------------------------------------- */

static void test_missing_folder(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = make_points();
    const char *out = path_in("nowhere/results.gpkg");
    assert_int_equal(rm_io_write(ctx, out, &l, 1, NULL), RM_EIO_WRITE);
    assert_non_null(strstr(rm_errmsg(ctx), "nowhere"));
    assert_non_null(strstr(rm_errmsg(ctx), "writable"));
    assert_false(file_exists(out));
    assert_int_equal(count_temp_files(), 0);
    rm_layer_destroy(l);
}

static void test_failure_keeps_existing_target(void **state)
{
    rm_context *ctx = *state;
    const char *out = path_in("keep.gpkg");
    rm_layer *good = make_points();
    assert_int_equal(rm_io_write(ctx, out, &good, 1, NULL), RM_OK);
    size_t len0;
    char *bytes0 = slurp(out, &len0);

    /* The second layer has two fields that SQLite sees as the same
     * column: GDAL fails on it after the first layer is written. */
    rm_layer *bad = NULL;
    assert_int_equal(rm_layer_create(&bad, "bad", RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm_layer_add_field(bad, "Name", RM_FIELD_STRING), 0);
    assert_int_equal(rm_layer_add_field(bad, "name", RM_FIELD_STRING), 1);
    double p[2] = {0, 0};
    assert_true(rm_layer_begin_feature(bad, 1) >= 0);
    assert_int_equal(rm_layer_add_part(bad, p, 1, NULL, 1), RM_OK);
    rm_layer *two[2] = {make_polygons(), bad};
    /* GDAL's complaint goes into the error, never to stderr. */
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    FILE *errf = fopen(path_in("stderr.txt"), "w+");
    assert_non_null(errf);
    assert_true(dup2(fileno(errf), 2) >= 0);
    int rc = rm_io_write(ctx, out, two, 2, NULL);
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    long err_len = ftell(errf) >= 0 ? (fseek(errf, 0, SEEK_END), ftell(errf))
                                    : -1;
    fclose(errf);
    unlink(path_in("stderr.txt"));
    assert_int_equal(rc, RM_EIO_WRITE);
    assert_int_equal(err_len, 0);
    assert_int_equal(rm_errcode(ctx), RM_EIO_WRITE);
    /* The message names the file, the layer and GDAL's reason. */
    assert_non_null(strstr(rm_errmsg(ctx), "keep.gpkg"));
    assert_non_null(strstr(rm_errmsg(ctx), "bad"));
    assert_non_null(strstr(rm_errmsg(ctx), "name"));

    size_t len1;
    char *bytes1 = slurp(out, &len1);
    assert_int_equal(len1, len0);
    assert_memory_equal(bytes1, bytes0, len0);
    assert_int_equal(count_temp_files(), 0);
    free(bytes0);
    free(bytes1);
    rm_layer_destroy(good);
    rm_layer_destroy(two[0]);
    rm_layer_destroy(bad);
}

static void test_success_replaces_target(void **state)
{
    rm_context *ctx = *state;
    const char *out = path_in("replace.gpkg");
    rm_layer *a = make_points();
    rm_layer *b = make_polygons();
    assert_int_equal(rm_io_write(ctx, out, &a, 1, NULL), RM_OK);
    assert_int_equal(rm_io_write(ctx, out, &b, 1, NULL), RM_OK);
    GDALDatasetH ds = open_vector(out);
    assert_int_equal(GDALDatasetGetLayerCount(ds), 1);
    assert_non_null(GDALDatasetGetLayerByName(ds, "zones"));
    GDALClose(ds);
    assert_int_equal(count_temp_files(), 0);
    rm_layer_destroy(a);
    rm_layer_destroy(b);
}

static void test_argument_errors(void **state)
{
    rm_context *ctx = *state;
    rm_layer *ls[2] = {make_points(), make_lines()};
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    const char *out = path_in("args.geojson");
    opt.format = "GeoJSON";
    /* Single-layer formats take exactly one layer. */
    assert_int_equal(rm_io_write(ctx, out, ls, 2, &opt), RM_EINVAL);
    opt.format = "Shapefile";
    assert_int_equal(rm_io_write(ctx, out, ls, 1, &opt), RM_EINVAL);
    assert_non_null(strstr(rm_errmsg(ctx), "Shapefile"));
    assert_int_equal(rm_io_write(ctx, out, ls, 0, NULL), RM_EINVAL);
    assert_int_equal(rm_io_write(ctx, NULL, ls, 1, NULL), RM_EINVAL);
    /* Two layers of the same name cannot share a GeoPackage. */
    rm_layer_set_name(ls[1], "INCIDENTS");
    assert_int_equal(rm_io_write(ctx, path_in("same.gpkg"), ls, 2, NULL),
                     RM_EINVAL);
    assert_false(file_exists(out));
    assert_false(file_exists(path_in("same.gpkg")));
    /* A raster is not a vector layer. */
    double gt[6] = {0, 1, 0, 0, 0, -1};
    rm_layer *r = NULL;
    assert_int_equal(rm_layer_create_raster(&r, "r", 2, 2, gt), RM_OK);
    assert_int_equal(rm_io_write(ctx, path_in("r.gpkg"), &r, 1, NULL),
                     RM_EINVAL);
    assert_int_equal(count_temp_files(), 0);
    rm_layer_destroy(r);
    rm_layer_destroy(ls[0]);
    rm_layer_destroy(ls[1]);
}

static void test_no_crs_wgs84(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "nocrs", RM_GEOM_POINT), RM_OK);
    double p[2] = {500000, 1600000};
    assert_true(rm_layer_begin_feature(l, 1) >= 0);
    assert_int_equal(rm_layer_add_part(l, p, 1, NULL, 1), RM_OK);
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.format = "GeoJSON";
    const char *out = path_in("nocrs.geojson");
    /* Metres without a CRS cannot become lon/lat. */
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_ECRS);
    assert_false(file_exists(out));
    rm_layer_destroy(l);

    /* Values that look like lon/lat are taken as they are. */
    assert_int_equal(rm_layer_create(&l, "nocrs", RM_GEOM_POINT), RM_OK);
    double q[2] = {2.5, 13.25};
    assert_true(rm_layer_begin_feature(l, 1) >= 0);
    assert_int_equal(rm_layer_add_part(l, q, 1, NULL, 1), RM_OK);
    assert_int_equal(rm_io_write(ctx, out, &l, 1, &opt), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRFeatureH f = feature_with_fid(GDALDatasetGetLayer(ds, 0), 1);
    assert_true(OGR_G_GetX(OGR_F_GetGeometryRef(f), 0) == 2.5);
    assert_true(OGR_G_GetY(OGR_F_GetGeometryRef(f), 0) == 13.25);
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

static void test_multipoints(void **state)
{
    rm_context *ctx = *state;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "mp", RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, "EPSG:32631"), RM_OK);
    double a[2] = {1, 2};
    double b[4] = {3, 4, 5, 6};
    assert_true(rm_layer_begin_feature(l, 1) >= 0);
    assert_int_equal(rm_layer_add_part(l, a, 1, NULL, 1), RM_OK);
    assert_true(rm_layer_begin_feature(l, 2) >= 0);
    assert_int_equal(rm_layer_add_part(l, b, 1, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_add_part(l, b + 2, 1, NULL, 1), RM_OK);
    assert_true(rm_layer_begin_feature(l, 3) >= 0); /* no geometry */
    const char *out = path_in("mp.gpkg");
    assert_int_equal(rm_io_write(ctx, out, &l, 1, NULL), RM_OK);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH ol = layer_by_name(ds, "mp");
    assert_int_equal(wkbFlatten(OGR_L_GetGeomType(ol)), wkbMultiPoint);
    OGRFeatureH f = feature_with_fid(ol, 2);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(OGR_G_GetGeometryCount(g), 2);
    assert_true(OGR_G_GetX(OGR_G_GetGeometryRef(g, 1), 0) == 5.0);
    OGR_F_Destroy(f);
    f = feature_with_fid(ol, 3);
    assert_null(OGR_F_GetGeometryRef(f));
    OGR_F_Destroy(f);
    GDALClose(ds);
    rm_layer_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpkg_all_types),
        cmocka_unit_test(test_gpkg_single_types_and_spatial_index),
        cmocka_unit_test(test_gpkg_duplicate_fids_go_to_field),
        cmocka_unit_test(test_gpkg_attribute_only_layer),
        cmocka_unit_test(test_geojson_wgs84),
        cmocka_unit_test(test_gpkg_wgs84_option),
        cmocka_unit_test(test_gpx_waypoints),
        cmocka_unit_test(test_gpx_tracks_with_times),
        cmocka_unit_test(test_gpx_tracks_without_times),
        cmocka_unit_test(test_gpx_rejects_polygons),
        cmocka_unit_test(test_csv_points),
        cmocka_unit_test(test_csv_other_extension_and_wgs84),
        cmocka_unit_test(test_csv_polygons),
        cmocka_unit_test(test_missing_folder),
        cmocka_unit_test(test_failure_keeps_existing_target),
        cmocka_unit_test(test_success_replaces_target),
        cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_no_crs_wgs84),
        cmocka_unit_test(test_multipoints),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
