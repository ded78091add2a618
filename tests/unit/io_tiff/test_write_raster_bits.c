/*
 * rm_io_write_raster against GDAL as the independent reader: every cell
 * of rasters holding NaN (with payloads and sign), negative zero,
 * infinities, subnormals and the extremes comes back bit for bit, at
 * sizes that are and are not multiples of the 256-pixel tile, down to
 * 1 x 1; each overview reads back as the means worked out here, and
 * GDAL's checksum of every image matches its checksum of the same cells
 * held in memory.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cpl_error.h>
#include <gdal.h>
#include <gdal_alg.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "test_support.h"

static char tmpdir[1024];

static int setup(void **state)
{
    if (rmt_tmpdir(tmpdir, sizeof tmpdir, "bits") != RM_OK)
        return -1;
    GDALAllRegister();
    return rmt_context_setup(state);
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t bits_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* A fixed pseudo-random sequence (64-bit LCG, top bits). */
static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s;
}

/*
 * Cells of a w x h raster: smooth values (as cost surfaces are) broken
 * by special values at fixed places and random bit patterns: every
 * 7th cell a special value in turn, every 11th raw random bits (any
 * double, NaN with any payload included) when `wild`, else a random
 * value in [-1e6, 1e6).
 */
static void fill(double *d, int w, int h, int wild)
{
    const double special[] = {
        NAN,
        -0.0,
        INFINITY,
        -INFINITY,
        from_bits(0x7ff0000000000001ULL), /* signalling NaN */
        from_bits(0xfff8000000000123ULL), /* negative NaN, payload */
        DBL_TRUE_MIN,
        -DBL_MIN / 3, /* subnormal */
        DBL_MAX,
        -DBL_MAX,
        0.0,
        1.0 / 3,
    };
    const size_t ns = sizeof special / sizeof special[0];
    uint64_t s = 12345;
    size_t k = 0;
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
            size_t i = (size_t)r * (size_t)w + (size_t)c;
            uint64_t x = next(&s);
            if (i % 7 == 3)
                d[i] = special[k++ % ns];
            else if (i % 11 == 5)
                d[i] = wild ? from_bits(x)
                            : (double)(x >> 11) / 9007199254740992.0 * 2e6 -
                                  1e6;
            else
                d[i] = 1000.0 + r * 0.7 + c * 0.3 + sin(c * 0.01) * 5;
        }
}

static rm_layer *make(int w, int h, int wild)
{
    const double gt[6] = {500000.0, 30.0, 0.0, 1600000.0, 0.0, -30.0};
    rm_layer *r = NULL;
    assert_int_equal(rm_layer_create_raster(&r, "bits", w, h, gt), RM_OK);
    assert_int_equal(rm_layer_set_crs(r, "EPSG:32631"), RM_OK);
    fill(rm_layer_raster_data(r), w, h, wild);
    return r;
}

/* All cells of `band`, read with GDAL. */
static double *read_all(GDALRasterBandH band, int w, int h)
{
    double *v = malloc(sizeof(double) * (size_t)w * (size_t)h);
    assert_non_null(v);
    assert_int_equal(GDALRasterIO(band, GF_Read, 0, 0, w, h, v, w, h,
                                  GDT_Float64, 0, 0),
                     CE_None);
    return v;
}

/* GDAL's checksum of `cells` held in memory, the reference for the
 * checksum of the same image read from the file. */
static int mem_checksum(const double *cells, int w, int h)
{
    GDALDriverH mem = GDALGetDriverByName("MEM");
    assert_non_null(mem);
    GDALDatasetH ds = GDALCreate(mem, "", w, h, 1, GDT_Float64, NULL);
    assert_non_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    assert_int_equal(GDALRasterIO(b, GF_Write, 0, 0, w, h, (void *)cells, w,
                                  h, GDT_Float64, 0, 0),
                     CE_None);
    int sum = GDALChecksumImage(b, 0, 0, w, h);
    GDALClose(ds);
    return sum;
}

/* GDAL's checksum of a band of the file, read without error. */
static int file_checksum(GDALRasterBandH b, int w, int h)
{
    CPLErrorReset();
    int sum = GDALChecksumImage(b, 0, 0, w, h);
    assert_int_equal(CPLGetLastErrorType(), CE_None);
    return sum;
}

/* First of n source cells under overview cell i of m: the cells whose
 * centres fall in its share of the extent, i * n / m rounded. */
static int start(int i, int n, int m)
{
    return (int)floor((double)i * n / m + 0.5);
}

/*
 * Overview (ow x oh) of `src` (w x h): each cell the mean of the non-NaN
 * cells under it, summed row by row, NaN when there are none; kept to
 * single precision where it fits in a float.
 */
static double *means(const double *src, int w, int h, int ow, int oh)
{
    double *o = malloc(sizeof(double) * (size_t)ow * (size_t)oh);
    assert_non_null(o);
    for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++) {
            double sum = 0;
            long n = 0;
            for (int r = start(i, h, oh); r < start(i + 1, h, oh); r++)
                for (int c = start(j, w, ow); c < start(j + 1, w, ow); c++) {
                    double v = src[(size_t)r * (size_t)w + (size_t)c];
                    if (v == v) {
                        sum += v;
                        n++;
                    }
                }
            double m = n ? sum / (double)n : NAN;
            if (fabs(m) <= FLT_MAX)
                m = (double)(float)m;
            o[(size_t)i * (size_t)ow + (size_t)j] = m;
        }
    return o;
}

/* Overview sizes GDAL gives factor f: ceil(w / f) x ceil(h / f). */
static int levels_of(int w, int h)
{
    int big = w > h ? w : h, n = 0;
    if (big <= 512)
        return 0;
    for (int f = 2;; f *= 2) {
        n++;
        if ((big + f - 1) / f <= 256)
            return n;
    }
}

/* Check one image read from the file against the cells it must hold:
 * bit for bit when `exact`, else as values (NaN matching any NaN). */
static void check_image(GDALRasterBandH b, const double *want, int w, int h,
                        int exact)
{
    assert_int_equal(GDALGetRasterBandXSize(b), w);
    assert_int_equal(GDALGetRasterBandYSize(b), h);
    double *got = read_all(b, w, h);
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        if (exact) {
            if (bits_of(got[i]) != bits_of(want[i]))
                fail_msg("cell %zu of %d x %d: %016llx, want %016llx", i, w,
                         h, (unsigned long long)bits_of(got[i]),
                         (unsigned long long)bits_of(want[i]));
        } else if (isnan(want[i])) {
            if (!isnan(got[i]))
                fail_msg("cell %zu of %d x %d: %g, want NaN", i, w, h,
                         got[i]);
        } else if (bits_of(got[i]) != bits_of(want[i])) {
            fail_msg("cell %zu of %d x %d: %.17g, want %.17g", i, w, h,
                     got[i], want[i]);
        }
    }
    free(got);
    assert_int_equal(file_checksum(b, w, h), mem_checksum(want, w, h));
}

/* Image k of the file (0 the full image) seen as its own dataset: it is
 * DEFLATE-compressed with the floating-point predictor. */
static void check_structure(const char *path, int k)
{
    char name[1400];
    snprintf(name, sizeof name, "GTIFF_DIR:%d:%s", k + 1, path);
    GDALDatasetH ds = GDALOpen(name, GA_ReadOnly);
    assert_non_null(ds);
    const char *comp = GDALGetMetadataItem(ds, "COMPRESSION",
                                           "IMAGE_STRUCTURE");
    const char *pred = GDALGetMetadataItem(ds, "PREDICTOR", "IMAGE_STRUCTURE");
    assert_non_null(comp);
    assert_string_equal(comp, "DEFLATE");
    assert_non_null(pred);
    assert_string_equal(pred, "3");
    int bx = 0, by = 0;
    GDALGetBlockSize(GDALGetRasterBand(ds, 1), &bx, &by);
    assert_int_equal(bx, 256);
    assert_int_equal(by, 256);
    GDALClose(ds);
}

static void round_trip(rm_context *ctx, int w, int h, int wild)
{
    rm_layer *r = make(w, h, wild);
    const double *cells = rm_layer_raster_cdata(r);
    char path[1200];
    snprintf(path, sizeof path, "%s/r%dx%d%s.tif", tmpdir, w, h,
             wild ? "w" : "");
    assert_int_equal(rm_io_write_raster(ctx, path, r), RM_OK);

    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    assert_int_equal(GDALGetRasterDataType(b), GDT_Float64);
    int has = 0;
    assert_true(isnan(GDALGetRasterNoDataValue(b, &has)));
    assert_true(has);
    check_image(b, cells, w, h, 1);

    int n = levels_of(w, h);
    assert_int_equal(GDALGetOverviewCount(b), n);
    for (int k = 0; k < n; k++) {
        int f = 2 << k;
        int ow = (w + f - 1) / f, oh = (h + f - 1) / f;
        double *want = means(cells, w, h, ow, oh);
        check_image(GDALGetOverview(b, k), want, ow, oh, 0);
        free(want);
    }
    GDALClose(ds);
    for (int k = 0; k <= n; k++)
        check_structure(path, k);
    rm_layer_destroy(r);
}

/* DOC: values bit-identical when read back by GDAL, at any size. */
static void test_special_values_any_size(void **state)
{
    rm_context *ctx = *state;
    const int sizes[][2] = {{1, 1},     {1, 300},   {300, 1},
                            {255, 255}, {256, 256}, {257, 257},
                            {513, 7},   {700, 530}, {1030, 260}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        round_trip(ctx, sizes[i][0], sizes[i][1], 0);
}

/* Raw random bit patterns: NaN payloads, any exponent. */
static void test_any_bit_pattern(void **state)
{
    rm_context *ctx = *state;
    round_trip(ctx, 600, 300, 1);
    round_trip(ctx, 3, 2, 1);
}

/* Overviews of a raster of one value: that value; of NaN: NaN. */
static void test_constant_overviews(void **state)
{
    rm_context *ctx = *state;
    const double gt[6] = {0.0, 1.0, 0.0, 0.0, 0.0, -1.0};
    rm_layer *r = NULL;
    assert_int_equal(rm_layer_create_raster(&r, "c", 1100, 3, gt), RM_OK);
    double *d = rm_layer_raster_data(r);
    for (int i = 0; i < 1100 * 3; i++)
        d[i] = i % 1100 < 550 ? 2.5 : NAN;
    char path[1200];
    snprintf(path, sizeof path, "%s/const.tif", tmpdir);
    assert_int_equal(rm_io_write_raster(ctx, path, r), RM_OK);
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    /* 1100 wide: 550, 275, 138 (ceil), the last within a tile. */
    assert_int_equal(GDALGetOverviewCount(b), 3);
    GDALRasterBandH o = GDALGetOverview(b, 2);
    assert_int_equal(GDALGetRasterBandXSize(o), 138);
    double *v = read_all(o, 138, 1);
    /* Cell j covers columns round(j * 1100 / 138) on: 2.5 when the
     * first of them is left of column 550 (a window across 550 leaves
     * its NaN out), NaN when all of them are right of it. */
    for (int j = 0; j < 138; j++) {
        int lo = (int)floor(j * 1100.0 / 138 + 0.5);
        if (lo < 550)
            assert_true(v[j] == 2.5);
        else
            assert_true(isnan(v[j]));
    }
    free(v);
    GDALClose(ds);
    rm_layer_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_special_values_any_size),
        cmocka_unit_test(test_any_bit_pattern),
        cmocka_unit_test(test_constant_overviews),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
