/*
 * Tests of rm_io_inspect. The sources are made here with GDAL/OGR directly
 * (not with routemap's writers), so the expected names, types, counts,
 * CRS and extents are the values put in; the JSON output is parsed with
 * json-c, an independent parser.
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

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "test_support.h"

static char tmpdir[1024];
static char gpkg[1200];
static char tif[1200];

static void make_gpkg(void)
{
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, gpkg, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH utm = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(utm, 32631), OGRERR_NONE);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "sites", utm, wkbPoint, NULL);
    assert_non_null(l);
    OGRFieldDefnH fd = OGR_Fld_Create("label", OFTString);
    assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("count", OFTInteger64);
    assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("checked", OFTInteger);
    OGR_Fld_SetSubType(fd, OFSTBoolean);
    assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    double pts[3][2] = {
        {500000, 1600000}, {512345.5, 1590000}, {499000, 1620000}};
    for (int i = 0; i < 3; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, pts[i][0], pts[i][1]);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, 0, "x");
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OGRLayerH t = GDALDatasetCreateLayer(ds, "notes", NULL, wkbNone, NULL);
    assert_non_null(t);
    fd = OGR_Fld_Create("text", OFTString);
    assert_int_equal(OGR_L_CreateField(t, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(t));
    OGR_F_SetFieldString(f, 0, "hello");
    assert_int_equal(OGR_L_CreateFeature(t, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    OSRDestroySpatialReference(utm);
    GDALClose(ds);
}

static void make_tif(void)
{
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    GDALDatasetH ds = GDALCreate(drv, tif, 30, 20, 2, GDT_Float32, NULL);
    assert_non_null(ds);
    double gt[6] = {300000, 25, 0, 1500000, 0, -50};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(s, 32630);
    GDALSetSpatialRef(ds, s);
    OSRDestroySpatialReference(s);
    GDALClose(ds);
}

static int setup(void **state)
{
    if (rmt_tmpdir(tmpdir, sizeof tmpdir, "inspect") != RM_OK)
        return -1;
    GDALAllRegister();
    snprintf(gpkg, sizeof gpkg, "%s/sites.gpkg", tmpdir);
    snprintf(tif, sizeof tif, "%s/cost.tif", tmpdir);
    return rmt_context_setup(state);
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("member '%s' missing", key);
    return v;
}

static void test_json_gpkg(void **state)
{
    rm_context *ctx = *state;
    make_gpkg();
    char *text = NULL;
    assert_int_equal(rm_io_inspect(ctx, gpkg, 1, &text), RM_OK);
    assert_non_null(text);
    json_object *root = json_tokener_parse(text);
    if (!root)
        fail_msg("not JSON:\n%s", text);
    assert_true(json_object_is_type(root, json_type_array));
    assert_int_equal(json_object_array_length(root), 2);

    json_object *a = json_object_array_get_idx(root, 0);
    assert_string_equal(json_object_get_string(member(a, "name")), "sites");
    assert_string_equal(json_object_get_string(member(a, "geometry_type")),
                        "Point");
    assert_int_equal(json_object_get_int64(member(a, "feature_count")), 3);
    assert_string_equal(json_object_get_string(member(a, "crs")),
                        "EPSG:32631");
    json_object *fields = member(a, "fields");
    assert_int_equal(json_object_array_length(fields), 3);
    const char *names[3] = {"label", "count", "checked"};
    const char *types[3] = {"String", "Integer64", "Integer(Boolean)"};
    for (int i = 0; i < 3; i++) {
        json_object *f = json_object_array_get_idx(fields, (size_t)i);
        assert_string_equal(json_object_get_string(member(f, "name")),
                            names[i]);
        assert_string_equal(json_object_get_string(member(f, "type")),
                            types[i]);
    }
    /* Extent of the three points put in. */
    json_object *e = member(a, "extent");
    double want[4] = {499000, 1590000, 512345.5, 1620000};
    assert_int_equal(json_object_array_length(e), 4);
    for (int i = 0; i < 4; i++)
        assert_true(json_object_get_double(
                        json_object_array_get_idx(e, (size_t)i)) == want[i]);

    json_object *b = json_object_array_get_idx(root, 1);
    assert_string_equal(json_object_get_string(member(b, "name")), "notes");
    assert_string_equal(json_object_get_string(member(b, "geometry_type")),
                        "None");
    assert_int_equal(json_object_get_int64(member(b, "feature_count")), 1);
    assert_true(json_object_is_type(member(b, "extent"), json_type_null));
    assert_true(json_object_is_type(member(b, "crs"), json_type_null));
    json_object_put(root);
    free(text);
}

static void test_text_gpkg(void **state)
{
    rm_context *ctx = *state;
    char *text = NULL;
    assert_int_equal(rm_io_inspect(ctx, gpkg, 0, &text), RM_OK);
    assert_non_null(strstr(text, "Layer 'sites'"));
    assert_non_null(strstr(text, "Features:   3\n"));
    assert_non_null(strstr(text, "(EPSG:32631)"));
    /* Field names padded to the longest ("checked", 7 letters). */
    assert_non_null(strstr(text, "    label    String\n"));
    assert_non_null(strstr(text, "    checked  Integer(Boolean)\n"));
    assert_non_null(strstr(text, "Layer 'notes'"));
    free(text);
}

/* A CSV of numbers only, with an empty cell: a CSV, not an XYZ grid
 * (GDAL's XYZ raster driver also claims it and fails at the gap), whose
 * lon/lat columns make points as the reader makes them. */
static void test_numeric_csv_with_gap(void **state)
{
    rm_context *ctx = *state;
    char path[1300];
    snprintf(path, sizeof path, "%s/gap.csv", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("lon,lat,w,v\n0.5,0.25,0.5,0\n1.5,1.25,1.5,-1\n2.5,2.25,,\n"
          "3.5,3.25,3.5,-3\n",
          f);
    assert_int_equal(fclose(f), 0);
    char *text = NULL;
    assert_int_equal(rm_io_inspect(ctx, path, 0, &text), RM_OK);
    assert_non_null(strstr(text, "(CSV)"));
    assert_non_null(strstr(text, "Features:   4\n"));
    assert_non_null(strstr(text, "Geometry:   Point\n"));
    assert_non_null(strstr(text, "Extent:     (0.5, 0.25) - (3.5, 3.25)\n"));
    assert_non_null(strstr(text, "    w  Real\n"));
    free(text);
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    rm_layer *l = NULL;
    assert_int_equal(rm_io_read(ctx, &l, path, &opt, NULL), RM_OK);
    assert_int_equal(rm_layer_feature_count(l), 4);
    rm_layer_destroy(l);
}

static void test_raster(void **state)
{
    rm_context *ctx = *state;
    make_tif();
    char *text = NULL;
    assert_int_equal(rm_io_inspect(ctx, tif, 1, &text), RM_OK);
    json_object *root = json_tokener_parse(text);
    if (!root)
        fail_msg("not JSON:\n%s", text);
    assert_int_equal(json_object_array_length(root), 1);
    json_object *r = json_object_array_get_idx(root, 0);
    assert_string_equal(json_object_get_string(member(r, "name")), "cost.tif");
    assert_string_equal(json_object_get_string(member(r, "geometry_type")),
                        "raster");
    assert_int_equal(json_object_get_int(member(r, "width")), 30);
    assert_int_equal(json_object_get_int(member(r, "height")), 20);
    assert_int_equal(json_object_get_int(member(r, "bands")), 2);
    assert_string_equal(json_object_get_string(member(r, "data_type")),
                        "Float32");
    assert_string_equal(json_object_get_string(member(r, "crs")),
                        "EPSG:32630");
    /* 30 x 25 m wide, 20 x 50 m tall, from the top-left corner. */
    double want[4] = {300000, 1499000, 300750, 1500000};
    json_object *e = member(r, "extent");
    for (int i = 0; i < 4; i++)
        assert_true(json_object_get_double(
                        json_object_array_get_idx(e, (size_t)i)) == want[i]);
    json_object_put(root);
    free(text);

    assert_int_equal(rm_io_inspect(ctx, tif, 0, &text), RM_OK);
    assert_non_null(strstr(text, "30 x 20 pixels, 2 bands, Float32"));
    free(text);
}

static void test_open_errors(void **state)
{
    rm_context *ctx = *state;
    char *text = (char *)"sentinel";
    char missing[1300];
    snprintf(missing, sizeof missing, "%s/nope.gpkg", tmpdir);
    assert_int_equal(rm_io_inspect(ctx, missing, 1, &text), RM_EIO_OPEN);
    assert_null(text);
    assert_non_null(strstr(rm_errmsg(ctx), "nope.gpkg"));
    assert_non_null(strstr(rm_errmsg(ctx), "check the path"));

    /* A file GDAL does not recognise. */
    char junk[1300];
    snprintf(junk, sizeof junk, "%s/junk.bin", tmpdir);
    FILE *f = fopen(junk, "wb");
    assert_non_null(f);
    fputs("\x01\x02 not a data set \x03", f);
    fclose(f);
    assert_int_equal(rm_io_inspect(ctx, junk, 0, &text), RM_EIO_OPEN);
    assert_int_equal(rm_io_inspect(ctx, NULL, 0, &text), RM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_gpkg),
        cmocka_unit_test(test_text_gpkg),
        cmocka_unit_test(test_raster),
        cmocka_unit_test(test_numeric_csv_with_gap),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
