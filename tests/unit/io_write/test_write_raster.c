/*
 * Tests of rm_io_write_raster: a raster layer written as GeoTIFF and read
 * back with GDAL directly. Size, geotransform, CRS, NaN nodata, 256-pixel
 * tiles, DEFLATE with the floating-point predictor and exact cell values
 * are checked against the values put in; overview cells are the means of
 * the valid cells under them (windows spread evenly over odd sizes, means
 * kept to single precision), worked out by hand.
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

#include <cmocka.h>

#include <gdal.h>
#include <ogr_srs_api.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "test_support.h"

static char tmpdir[1024];

static int setup(void **state)
{
    if (rmt_tmpdir(tmpdir, sizeof tmpdir, "raster") != RM_OK)
        return -1;
    GDALAllRegister();
    return rmt_context_setup(state);
}

static const char *path_in(const char *name)
{
    static char buf[2][1200];
    static int i;
    i = (i + 1) % 2;
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

/* Cell value of (row, col): NaN on the diagonal, else row*1000+col+0.25. */
static double cell(int row, int col)
{
    return row == col ? NAN : row * 1000.0 + col + 0.25;
}

static rm_layer *make_raster(int w, int h, const double gt[6])
{
    rm_layer *r = NULL;
    assert_int_equal(rm_layer_create_raster(&r, "density", w, h, gt), RM_OK);
    assert_int_equal(rm_layer_set_crs(r, "EPSG:32631"), RM_OK);
    double *d = rm_layer_raster_data(r);
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++)
            d[(size_t)row * w + col] = cell(row, col);
    return r;
}

static void test_geotiff_roundtrip(void **state)
{
    rm_context *ctx = *state;
    const double gt[6] = {400000.0, 10.0, 0.0, 1700000.0, 0.0, -10.0};
    int w = 600, h = 300;
    rm_layer *r = make_raster(w, h, gt);
    const char *out = path_in("density.tif");
    assert_int_equal(rm_io_write_raster(ctx, out, r), RM_OK);
    assert_int_equal(count_temp_files(), 0);

    GDALDatasetH ds = GDALOpen(out, GA_ReadOnly);
    assert_non_null(ds);
    assert_int_equal(GDALGetRasterXSize(ds), w);
    assert_int_equal(GDALGetRasterYSize(ds), h);
    assert_int_equal(GDALGetRasterCount(ds), 1);
    double g[6];
    assert_int_equal(GDALGetGeoTransform(ds, g), CE_None);
    for (int i = 0; i < 6; i++)
        assert_true(g[i] == gt[i]);
    OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), "32631");

    const char *comp = GDALGetMetadataItem(ds, "COMPRESSION",
                                           "IMAGE_STRUCTURE");
    assert_non_null(comp);
    assert_string_equal(comp, "DEFLATE");
    const char *pred = GDALGetMetadataItem(ds, "PREDICTOR", "IMAGE_STRUCTURE");
    assert_non_null(pred);
    assert_string_equal(pred, "3");

    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    assert_int_equal(GDALGetRasterDataType(b), GDT_Float64);
    int bx, by;
    GDALGetBlockSize(b, &bx, &by);
    assert_int_equal(bx, 256); /* tiled, not strips of the full width */
    assert_int_equal(by, 256);
    int has = 0;
    double nd = GDALGetRasterNoDataValue(b, &has);
    assert_true(has);
    assert_true(isnan(nd));

    double *v = malloc(sizeof(double) * (size_t)w * h);
    assert_non_null(v);
    assert_int_equal(GDALRasterIO(b, GF_Read, 0, 0, w, h, v, w, h,
                                  GDT_Float64, 0, 0),
                     CE_None);
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++) {
            double want = cell(row, col), got = v[(size_t)row * w + col];
            if (isnan(want))
                assert_true(isnan(got));
            else
                assert_true(got == want);
        }
    free(v);

    /* 600 px > 512: overviews 2x (300 x 150) and 4x (150 x 75). */
    assert_int_equal(GDALGetOverviewCount(b), 2);
    GDALRasterBandH o = GDALGetOverview(b, 0);
    assert_int_equal(GDALGetRasterBandXSize(o), 300);
    assert_int_equal(GDALGetRasterBandYSize(o), 150);
    /* Cell (0,0) averages (0,1) = 1.25 and (1,0) = 1000.25; the NaN
     * diagonal cells (0,0) and (1,1) are nodata: (1.25+1000.25)/2. */
    double o00;
    assert_int_equal(GDALRasterIO(o, GF_Read, 0, 0, 1, 1, &o00, 1, 1,
                                  GDT_Float64, 0, 0),
                     CE_None);
    assert_true(fabs(o00 - 500.75) < 1e-9);
    /* Overviews are internal: no .ovr beside the file. */
    struct stat st;
    char ovr[1300];
    snprintf(ovr, sizeof ovr, "%s.ovr", out);
    assert_int_not_equal(stat(ovr, &st), 0);
    GDALClose(ds);
    rm_layer_destroy(r);
}

/* Overview cell (row, col) of level `k`, read with GDAL. */
static double overview_cell(const char *path, int k, int row, int col)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    GDALRasterBandH o = GDALGetOverview(GDALGetRasterBand(ds, 1), k);
    assert_non_null(o);
    double v;
    assert_int_equal(GDALRasterIO(o, GF_Read, col, row, 1, 1, &v, 1, 1,
                                  GDT_Float64, 0, 0),
                     CE_None);
    GDALClose(ds);
    return v;
}

static void test_overview_windows(void **state)
{
    rm_context *ctx = *state;
    const double gt[6] = {0.0, 1.0, 0.0, 100.0, 0.0, -1.0};
    /* 601 x 40: overviews 301 x 20 and 151 x 10 (GDAL rounds sizes up).
     * 301 cells share 601 columns evenly (601 / 301 = 1.9967 each):
     * cell j takes the columns whose centres fall in its share, rounded:
     * round(j * 601 / 301) up to round((j + 1) * 601 / 301). */
    rm_layer *r = make_raster(601, 40, gt);
    const char *out = path_in("odd.tif");
    assert_int_equal(rm_io_write_raster(ctx, out, r), RM_OK);
    GDALDatasetH ds = GDALOpen(out, GA_ReadOnly);
    assert_non_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    assert_int_equal(GDALGetOverviewCount(b), 2);
    assert_int_equal(GDALGetRasterBandXSize(GDALGetOverview(b, 0)), 301);
    assert_int_equal(GDALGetRasterBandYSize(GDALGetOverview(b, 0)), 20);
    GDALClose(ds);
    /* Cell 150: round(299.50) = 300 to round(301.50) = 301, one column:
     * (300.25 + 1300.25) / 2 over rows 0 and 1. */
    assert_true(overview_cell(out, 0, 0, 150) == 800.25);
    /* Cell 300, the last: columns 599 and 600 of rows 0 and 1:
     * (599.25 + 600.25 + 1599.25 + 1600.25) / 4. */
    assert_true(overview_cell(out, 0, 0, 300) == 1099.75);
    /* Level 2 (151 x 10), cell 0: columns 0..3 (up to round(3.98) = 4)
     * and rows 0..3. The 16 cells r * 1000 + c + 0.25 would sum to
     * 4 * 6000 + 4 * 6 + 16 * 0.25 = 24028; the 4 NaN diagonal ones are
     * left out (6000 + 6 + 4 * 0.25 = 6007): 18021 over 12 cells. */
    assert_true(overview_cell(out, 1, 0, 0) ==
                (double)(float)(18021.0 / 12));
    rm_layer_destroy(r);

    /* Means are kept to single precision; a window of NaN stays NaN. */
    rm_layer *q = NULL;
    assert_int_equal(rm_layer_create_raster(&q, "q", 520, 4, gt), RM_OK);
    double *d = rm_layer_raster_data(q);
    for (int i = 0; i < 520 * 4; i++)
        d[i] = 7.0;
    d[0] = 1.0;
    d[1] = 2.0;
    d[520] = 2.0;
    d[521] = NAN;
    d[2] = d[3] = d[522] = d[523] = NAN;
    out = path_in("means.tif");
    assert_int_equal(rm_io_write_raster(ctx, out, q), RM_OK);
    assert_true(overview_cell(out, 0, 0, 0) == (double)(float)(5.0 / 3));
    assert_true(isnan(overview_cell(out, 0, 0, 1)));
    assert_true(overview_cell(out, 0, 1, 1) == 7.0);
    rm_layer_destroy(q);
}

static void test_small_raster_no_overviews(void **state)
{
    rm_context *ctx = *state;
    const double gt[6] = {0.0, 1.0, 0.0, 100.0, 0.0, -1.0};
    rm_layer *r = make_raster(100, 40, gt);
    const char *out = path_in("small.tif");
    assert_int_equal(rm_io_write_raster(ctx, out, r), RM_OK);
    GDALDatasetH ds = GDALOpen(out, GA_ReadOnly);
    assert_non_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    assert_int_equal(GDALGetOverviewCount(b), 0);
    double v;
    assert_int_equal(GDALRasterIO(b, GF_Read, 99, 39, 1, 1, &v, 1, 1,
                                  GDT_Float64, 0, 0),
                     CE_None);
    assert_true(v == 39099.25);
    GDALClose(ds);
    rm_layer_destroy(r);
}

static void test_raster_errors_leave_nothing(void **state)
{
    rm_context *ctx = *state;
    const double gt[6] = {0.0, 1.0, 0.0, 10.0, 0.0, -1.0};
    rm_layer *r = make_raster(10, 10, gt);
    const char *out = path_in("missing_dir/x.tif");
    assert_int_equal(rm_io_write_raster(ctx, out, r), RM_EIO_WRITE);
    assert_non_null(strstr(rm_errmsg(ctx), "missing_dir"));

    /* An existing file survives a failure (unknown CRS) byte for byte. */
    const char *keep = path_in("keep.tif");
    assert_int_equal(rm_io_write_raster(ctx, keep, r), RM_OK);
    struct stat st0, st1;
    assert_int_equal(stat(keep, &st0), 0);
    assert_int_equal(rm_layer_set_crs(r, "EPSG:999999"), RM_OK);
    assert_int_equal(rm_io_write_raster(ctx, keep, r), RM_ECRS);
    assert_int_equal(stat(keep, &st1), 0);
    assert_int_equal(st0.st_size, st1.st_size);
    assert_int_equal(st0.st_mtime, st1.st_mtime);
    assert_int_equal(st0.st_ino, st1.st_ino);
    assert_int_equal(count_temp_files(), 0);

    rm_layer *v = NULL;
    assert_int_equal(rm_layer_create(&v, "pts", RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm_io_write_raster(ctx, path_in("v.tif"), v),
                     RM_EINVAL);
    assert_int_equal(rm_io_write_raster(ctx, path_in("n.tif"), NULL),
                     RM_EINVAL);
    assert_int_equal(count_temp_files(), 0);
    rm_layer_destroy(v);
    rm_layer_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geotiff_roundtrip),
        cmocka_unit_test(test_overview_windows),
        cmocka_unit_test(test_small_raster_no_overviews),
        cmocka_unit_test(test_raster_errors_leave_nothing),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
