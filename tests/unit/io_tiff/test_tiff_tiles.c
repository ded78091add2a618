/*
 * Tests of the tile encoder (io/tiff_tiles.h) and the raw tile store
 * (io/tiff_file.h). Encoded tiles are inflated with zlib and the
 * floating-point predictor undone as TIFF Technical Note 3 describes it
 * (bytes summed along each row, then byte planes most significant first
 * put back together), independently of the encoder; the worker thread's
 * tiles are those of the caller's encoder; stored tiles are read back
 * with GDAL. Refusals leave a message naming the file.
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

#include <cpl_string.h>
#include <gdal.h>
#include <zlib.h>

#include "io/tiff_file.h"
#include "io/tiff_tiles.h"
#include "io/tiff_worker.h"
#include "routemap/context.h"
#include "routemap/errors.h"
#include "test_support.h"

#define T 256

static char tmpdir[1024];

static int setup(void **state)
{
    if (rmt_tmpdir(tmpdir, sizeof tmpdir, "tiles") != RM_OK)
        return -1;
    GDALAllRegister();
    return rmt_context_setup(state);
}

static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s;
}

/* Inflate a tile and undo the predictor: T * T cell bit patterns. */
static uint64_t *decode(const void *data, size_t n)
{
    uLongf len = (uLongf)T * T * 8;
    unsigned char *raw = malloc(len);
    uint64_t *cells = malloc(sizeof *cells * T * T);
    assert_non_null(raw);
    assert_non_null(cells);
    assert_int_equal(uncompress(raw, &len, data, (uLong)n), Z_OK);
    assert_int_equal(len, (uLongf)T * T * 8);
    for (int r = 0; r < T; r++) {
        unsigned char *row = raw + (size_t)r * T * 8;
        for (int k = 1; k < T * 8; k++)
            row[k] = (unsigned char)(row[k] + row[k - 1]);
        for (int i = 0; i < T; i++) {
            uint64_t b = 0;
            for (int p = 0; p < 8; p++) /* plane 0: the top byte */
                b = b << 8 | row[p * T + i];
            cells[(size_t)r * T + (size_t)i] = b;
        }
    }
    free(raw);
    return cells;
}

/* A full tile of random bit patterns comes back as it went in. */
static void test_full_tile(void **state)
{
    (void)state;
    rm__tiff_tiles *t = NULL;
    assert_int_equal(rm__tiff_tiles_create(&t, 1), RM_OK);
    double *in = malloc(sizeof *in * T * T);
    assert_non_null(in);
    uint64_t s = 99;
    for (int i = 0; i < T * T; i++) {
        uint64_t b = next(&s);
        memcpy(&in[i], &b, sizeof b);
    }
    const void *data;
    size_t n;
    assert_int_equal(rm__tiff_tiles_encode(t, in, T, T, T, &data, &n), RM_OK);
    assert_true(n > 0);
    /* A zlib stream: deflate with a 32 KB window, header check. */
    const unsigned char *z = data;
    assert_int_equal(z[0] & 0x0f, 8);
    assert_int_equal((z[0] * 256 + z[1]) % 31, 0);
    uint64_t *out = decode(data, n);
    assert_memory_equal(out, in, sizeof *in * T * T);
    free(out);
    free(in);
    rm__tiff_tiles_destroy(t);
}

/* A short tile: its rows taken `stride` apart, the rest NaN. */
static void test_partial_tile(void **state)
{
    (void)state;
    rm__tiff_tiles *t = NULL;
    assert_int_equal(rm__tiff_tiles_create(&t, 6), RM_OK);
    double in[3 * 9];
    for (int i = 0; i < 27; i++)
        in[i] = i * 1.5 - 7;
    in[4] = -0.0;
    const void *data;
    size_t n;
    assert_int_equal(rm__tiff_tiles_encode(t, in, 9, 5, 3, &data, &n), RM_OK);
    uint64_t *out = decode(data, n);
    for (int r = 0; r < T; r++)
        for (int c = 0; c < T; c++) {
            double v;
            memcpy(&v, &out[(size_t)r * T + (size_t)c], sizeof v);
            if (r < 3 && c < 5)
                assert_memory_equal(&v, &in[r * 9 + c], sizeof v);
            else
                assert_true(isnan(v));
        }
    free(out);
    rm__tiff_tiles_destroy(t);
}

/* Tiles that compress well and tiles that do not, in turn (each takes
 * its own compressor): every one decodes to its cells. */
static void test_mixed_tiles(void **state)
{
    (void)state;
    rm__tiff_tiles *t = NULL;
    assert_int_equal(rm__tiff_tiles_create(&t, 1), RM_OK);
    double *in = malloc(sizeof *in * T * T);
    assert_non_null(in);
    uint64_t s = 7;
    for (int k = 0; k < 6; k++) {
        for (int i = 0; i < T * T; i++) {
            uint64_t b = next(&s);
            if (k % 3 == 0) /* the same value everywhere */
                in[i] = 12.5;
            else if (k % 3 == 1) /* any bits */
                memcpy(&in[i], &b, sizeof b);
            else /* a smooth surface, full precision */
                in[i] = 1000 + sqrt((double)i) * 0.731;
        }
        const void *data;
        size_t n;
        assert_int_equal(rm__tiff_tiles_encode(t, in, T, T, T, &data, &n),
                         RM_OK);
        uint64_t *out = decode(data, n);
        assert_memory_equal(out, in, sizeof *in * T * T);
        free(out);
    }
    free(in);
    rm__tiff_tiles_destroy(t);
}

static void test_encode_refuses_bad_sizes(void **state)
{
    (void)state;
    rm__tiff_tiles *t = NULL;
    assert_int_equal(rm__tiff_tiles_create(&t, 1), RM_OK);
    double in[4] = {1, 2, 3, 4};
    const void *data = in;
    size_t n = 1;
    assert_int_equal(rm__tiff_tiles_encode(t, in, 2, 0, 1, &data, &n),
                     RM_EINVAL);
    assert_null(data);
    assert_int_equal(n, 0);
    assert_int_equal(rm__tiff_tiles_encode(t, in, 2, 1, 0, &data, &n),
                     RM_EINVAL);
    assert_int_equal(rm__tiff_tiles_encode(t, in, 300, 257, 1, &data, &n),
                     RM_EINVAL);
    assert_int_equal(rm__tiff_tiles_encode(t, in, 400, 1, 257, &data, &n),
                     RM_EINVAL);
    assert_int_equal(rm__tiff_tiles_encode(t, in, 1, 2, 1, &data, &n),
                     RM_EINVAL);
    assert_int_equal(rm__tiff_tiles_encode(t, NULL, 2, 2, 1, &data, &n),
                     RM_EINVAL);
    rm__tiff_tiles_destroy(t);
    rm__tiff_tiles_destroy(NULL); /* DOC: NULL does nothing. */
}

/* DOC: the worker's result is what rm__tiff_tiles_encode gives. */
static void test_worker_matches_encoder(void **state)
{
    (void)state;
    double *in = malloc(sizeof *in * 300 * 300);
    assert_non_null(in);
    for (int i = 0; i < 300 * 300; i++)
        in[i] = sqrt((double)i) * 3.25;
    rm__tiff_tiles *t = NULL;
    rm__tiff_worker *wk = NULL;
    assert_int_equal(rm__tiff_tiles_create(&t, 1), RM_OK);
    assert_int_equal(rm__tiff_worker_start(&wk, 1), RM_OK);
    const int tiles[][4] = {{0, 0, 256, 256}, {256, 0, 44, 256},
                            {0, 256, 256, 44}, {256, 256, 44, 44}};
    for (int k = 0; k < 4; k++) {
        const double *at = in + tiles[k][1] * 300 + tiles[k][0];
        rm__tiff_worker_post(wk, at, 300, tiles[k][2], tiles[k][3]);
        const void *mine, *theirs;
        size_t n_mine, n_theirs;
        assert_int_equal(rm__tiff_tiles_encode(t, at, 300, tiles[k][2],
                                               tiles[k][3], &mine, &n_mine),
                         RM_OK);
        assert_int_equal(rm__tiff_worker_wait(wk, &theirs, &n_theirs), RM_OK);
        assert_int_equal(n_theirs, n_mine);
        assert_memory_equal(theirs, mine, n_mine);
    }
    /* A refusal comes back as the encoder's. */
    const void *out;
    size_t n;
    rm__tiff_worker_post(wk, in, 300, 0, 1);
    assert_int_equal(rm__tiff_worker_wait(wk, &out, &n), RM_EINVAL);
    /* DOC: stop finishes the tile handed over first. */
    rm__tiff_worker_post(wk, in, 300, 256, 256);
    rm__tiff_worker_stop(wk);
    rm__tiff_worker_stop(NULL); /* DOC: NULL does nothing. */
    rm__tiff_tiles_destroy(t);
    free(in);
}

/* A GeoTIFF as the raster writer has GDAL make it: no tile written. */
static void make_sparse(const char *path, int w, int h, const char *type,
                        const char *predictor)
{
    char **o = NULL;
    o = CSLSetNameValue(o, "TILED", "YES");
    o = CSLSetNameValue(o, "COMPRESS", "DEFLATE");
    o = CSLSetNameValue(o, "PREDICTOR", predictor);
    o = CSLSetNameValue(o, "SPARSE_OK", "TRUE");
    GDALDatasetH ds =
        GDALCreate(GDALGetDriverByName("GTiff"), path, w, h, 1,
                   GDALGetDataTypeByName(type), o);
    CSLDestroy(o);
    assert_non_null(ds);
    GDALSetRasterNoDataValue(GDALGetRasterBand(ds, 1), NAN);
    GDALClose(ds);
}

/* Tiles stored raw read back with GDAL; the others stay empty. */
static void test_store_tiles(void **state)
{
    rm_context *ctx = *state;
    char path[1200];
    snprintf(path, sizeof path, "%s/sparse.tif", tmpdir);
    make_sparse(path, 300, 260, "Float64", "3");
    rm__tiff_file *f = NULL;
    assert_int_equal(rm__tiff_file_open(ctx, &f, path, "shown.tif"), RM_OK);
    assert_int_equal(rm__tiff_file_select(ctx, f, 300, 260), RM_OK);
    rm__tiff_tiles *t = NULL;
    assert_int_equal(rm__tiff_tiles_create(&t, 1), RM_OK);
    /* Tile (1, 1): cells 256..299 x 256..259, value row * 1000 + col. */
    double in[4 * 44];
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 44; c++)
            in[r * 44 + c] = (256 + r) * 1000.0 + 256 + c;
    const void *data;
    size_t n;
    assert_int_equal(rm__tiff_tiles_encode(t, in, 44, 44, 4, &data, &n),
                     RM_OK);
    assert_int_equal(rm__tiff_file_put(ctx, f, 1, 1, data, n), RM_OK);
    /* DOC: each tile is stored once. */
    assert_int_equal(rm__tiff_file_put(ctx, f, 1, 1, data, n), RM_EIO_WRITE);
    assert_non_null(strstr(rm_errmsg(ctx), "shown.tif"));
    assert_non_null(strstr(rm_errmsg(ctx), "already written"));
    assert_int_equal(rm__tiff_file_put(ctx, f, 2, 0, data, n), RM_EINTERNAL);
    assert_int_equal(rm__tiff_file_select(ctx, f, 150, 130), RM_EIO_WRITE);
    assert_non_null(strstr(rm_errmsg(ctx), "150 x 130"));
    assert_int_equal(rm__tiff_file_close(ctx, f, 1), RM_OK);
    rm__tiff_tiles_destroy(t);

    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    double v[4 * 44];
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 256,
                                  256, 44, 4, v, 44, 4, GDT_Float64, 0, 0),
                     CE_None);
    assert_memory_equal(v, in, sizeof v);
    double e;
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0,
                                  1, 1, &e, 1, 1, GDT_Float64, 0, 0),
                     CE_None);
    assert_true(isnan(e)); /* never written: nodata */
    GDALClose(ds);
}

/* Files laid out otherwise, or missing, are refused with their name. */
static void test_open_refusals(void **state)
{
    rm_context *ctx = *state;
    char path[1200];
    rm__tiff_file *f = NULL;
    snprintf(path, sizeof path, "%s/f32.tif", tmpdir);
    make_sparse(path, 40, 40, "Float32", "3");
    assert_int_equal(rm__tiff_file_open(ctx, &f, path, "f32.tif"),
                     RM_EIO_WRITE);
    assert_null(f);
    assert_non_null(strstr(rm_errmsg(ctx), "f32.tif"));
    snprintf(path, sizeof path, "%s/pred2.tif", tmpdir);
    make_sparse(path, 40, 40, "Float64", "2");
    assert_int_equal(rm__tiff_file_open(ctx, &f, path, "pred2.tif"),
                     RM_EIO_WRITE);
    snprintf(path, sizeof path, "%s/none.tif", tmpdir);
    assert_int_equal(rm__tiff_file_open(ctx, &f, path, "none.tif"),
                     RM_EIO_WRITE);
    assert_non_null(strstr(rm_errmsg(ctx), "none.tif"));
    /* DOC: NULL does nothing. */
    assert_int_equal(rm__tiff_file_close(ctx, NULL, 1), RM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_tile),
        cmocka_unit_test(test_partial_tile),
        cmocka_unit_test(test_mixed_tiles),
        cmocka_unit_test(test_encode_refuses_bad_sizes),
        cmocka_unit_test(test_worker_matches_encoder),
        cmocka_unit_test(test_store_tiles),
        cmocka_unit_test(test_open_refusals),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
