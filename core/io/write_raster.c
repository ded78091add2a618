/*
 * The raster writer: a raster layer out to a tiled, DEFLATE-compressed
 * GeoTIFF with NaN as nodata and internal overviews, written to a
 * temporary file and renamed into place only when complete.
 *
 * Cells are written as Float64, the layer's own type, so values round-trip
 * exactly (densities and costs can need more than Float32's 7 digits);
 * the floating-point predictor keeps the files small all the same. GDAL
 * lays the file out (georeferencing, nodata, empty overview images); the
 * tiles are then encoded here, straight from the layer's cells, and
 * stored raw (io/tiff_tiles.h, io/tiff_file.h): no second copy of the
 * cells, no block cache; a second thread encodes every other tile. The
 * overviews are averaged from the cells (not read back from the file),
 * and DEFLATE runs at its fastest level (files a few per cent larger
 * than at the default level, for 40 % less work).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "io/io_internal.h"
#include "io/tiff_file.h"
#include "io/tiff_tiles.h"
#include "io/tiff_worker.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "util/atomic.h"
#include "util/util.h"

#define BLOCK RM__TIFF_TILE /* tile edge, pixels */
#define ZLEVEL 1            /* DEFLATE at its fastest */
#define OVERVIEW_MIN 512    /* build overviews above this size, pixels */
#define MAX_OVERVIEWS 16

/* Overview factors 2, 4, 8 ... until the smallest fits in one tile. */
static int overview_levels(int w, int h, int levels[MAX_OVERVIEWS])
{
    int n = 0;
    int big = w > h ? w : h;
    if (big <= OVERVIEW_MIN)
        return 0;
    for (int f = 2; n < MAX_OVERVIEWS; f *= 2) {
        levels[n++] = f;
        if ((big + f - 1) / f <= BLOCK)
            break;
    }
    return n;
}

static int fail(rm_context *ctx, const char *path, const char *what,
                const rm__gdal_capture *cap)
{
    rm_location loc = rm__loc_file(path, 0, 0);
    return rm__error(ctx, RM_EIO_WRITE, &loc,
                     "%s: %s; check that the folder exists and is writable "
                     "and the disk is not full",
                     what, rm__gdal_reason(cap));
}

/* First of the n source cells that the i-th of m overview cells covers:
 * overview cells split the extent evenly, as GDAL georeferences them,
 * and take the source cells whose centres fall inside. */
static int window_start(int i, int n, int m)
{
    return (int)((double)i * n / m + 0.5);
}

/* Where encoded tiles go: the file GDAL made, reopened. Tiles in even
 * and odd columns each go through an encoder of their own (the odd ones
 * through the worker's when there is one), so the bytes written never
 * depend on whether a second thread ran. */
typedef struct sink {
    rm_context *ctx;
    rm__tiff_file *file;
    rm__tiff_tiles *enc;
    rm__tiff_worker *worker; /* odd columns, on a second thread ... */
    rm__tiff_tiles *odd;     /* ... or here, when it could not start */
} sink;

static int encode_failed(sink *s, int rc)
{
    return rm__error(s->ctx, rc, NULL,
                     "cannot compress a tile of the GeoTIFF (libdeflate "
                     "failed); please report this");
}

/* Store rows [top, top + n) of an image of w x h cells, `n` at most a
 * tile high and `top` a multiple of it, as one row of tiles, in order:
 * two at a time, the second encoded by the worker meanwhile (or after
 * the first, here, without a worker). */
static int put_rows(sink *s, int w, int h, const double *rows, int top,
                    int n)
{
    int rc = rm__tiff_file_select(s->ctx, s->file, w, h);
    for (int c = 0; c < w && rc == RM_OK; c += 2 * BLOCK) {
        int c2 = c + BLOCK;
        int two = c2 < w, w2 = w - c2 < BLOCK ? w - c2 : BLOCK;
        if (two && s->worker)
            rm__tiff_worker_post(s->worker, rows + c2, (size_t)w, w2, n);
        const void *data;
        size_t size;
        int e = rm__tiff_tiles_encode(s->enc, rows + c, (size_t)w,
                                      w - c < BLOCK ? w - c : BLOCK, n,
                                      &data, &size);
        if (e != RM_OK)
            rc = encode_failed(s, e);
        else
            rc = rm__tiff_file_put(s->ctx, s->file, c / BLOCK, top / BLOCK,
                                   data, size);
        if (!two)
            continue;
        e = s->worker ? rm__tiff_worker_wait(s->worker, &data, &size)
                      : rm__tiff_tiles_encode(s->odd, rows + c2, (size_t)w,
                                              w2, n, &data, &size);
        if (rc == RM_OK && e != RM_OK)
            rc = encode_failed(s, e);
        else if (rc == RM_OK)
            rc = rm__tiff_file_put(s->ctx, s->file, c2 / BLOCK, top / BLOCK,
                                   data, size);
    }
    return rc;
}

/* One overview level being built, one overview row at a time, stored a
 * row of tiles at a time. */
typedef struct level {
    int w, h;       /* size, cells */
    int *first;     /* first source column of each overview column, and
                       the source width after the last */
    double *sum;    /* the open row: sums of valid cells ... */
    int64_t *count; /* ... and how many */
    double *strip;  /* finished rows not yet stored: BLOCK rows */
    int row;        /* the open row */
    int end;        /* the source row where it ends */
} level;

/* Finish the open row of `lv` as means (NaN where nothing was valid),
 * store the strip when it is full or the level complete, and open the
 * next row. */
static int close_row(sink *s, level *lv, int src_h)
{
    double *out = lv->strip + (size_t)(lv->row % BLOCK) * (size_t)lv->w;
    for (int j = 0; j < lv->w; j++) {
        double m = lv->count[j] ? lv->sum[j] / (double)lv->count[j] : NAN;
        /* Single precision, as GDAL's own AVERAGE of Float64 cells. */
        out[j] = fabs(m) <= FLT_MAX ? (double)(float)m : m;
        lv->sum[j] = 0;
        lv->count[j] = 0;
    }
    int rc = RM_OK;
    lv->row++;
    if (lv->row % BLOCK == 0 || lv->row == lv->h) {
        int first = (lv->row - 1) / BLOCK * BLOCK;
        rc = put_rows(s, lv->w, lv->h, lv->strip, first, lv->row - first);
    }
    lv->end = window_start(lv->row + 1, src_h, lv->h);
    return rc;
}

/*
 * Internal AVERAGE overviews: each overview cell is the mean of the valid
 * (non-NaN) cells under it, worked out in one pass over the cells in
 * memory for every level at once, so the file's tiles are never read
 * back or decompressed. The means are kept to single precision, as
 * GDAL's own AVERAGE overviews of Float64 rasters: they are a display
 * aid, and compress like the ones GDAL makes. `ow`, `oh`: the sizes GDAL
 * gave the n levels.
 */
static int overviews(sink *s, const double *cells, int w, int h, int n,
                     const int *ow, const int *oh)
{
    level lv[MAX_OVERVIEWS];
    memset(lv, 0, sizeof lv);
    int rc = RM_OK;
    for (int k = 0; k < n && rc == RM_OK; k++) {
        lv[k].w = ow[k];
        lv[k].h = oh[k];
        lv[k].first = rm_mallocarray((size_t)lv[k].w + 1,
                                     sizeof *lv[k].first);
        lv[k].sum = rm_callocarray((size_t)lv[k].w, sizeof *lv[k].sum);
        lv[k].count = rm_callocarray((size_t)lv[k].w, sizeof *lv[k].count);
        lv[k].strip = rm_mallocarray((size_t)lv[k].w * BLOCK,
                                     sizeof *lv[k].strip);
        if (!lv[k].first || !lv[k].sum || !lv[k].count || !lv[k].strip) {
            rc = rm__error(s->ctx, RM_ENOMEM, NULL,
                           "out of memory building overviews");
            break;
        }
        for (int j = 0; j <= lv[k].w; j++)
            lv[k].first[j] = window_start(j, w, lv[k].w);
        lv[k].end = window_start(1, h, lv[k].h);
    }
    for (int r = 0; r < h && rc == RM_OK; r++) {
        const double *row = cells + (size_t)r * (size_t)w;
        for (int k = 0; k < n && rc == RM_OK; k++) {
            if (r == lv[k].end)
                rc = close_row(s, &lv[k], h);
            const int *first = lv[k].first;
            double *sum = lv[k].sum;
            int64_t *count = lv[k].count;
            /* Each window summed in a register, cells in column order
             * as before: the same additions in the same order. */
            for (int j = 0; j < lv[k].w; j++) {
                double t = sum[j];
                int64_t m = count[j];
                for (int c = first[j]; c < first[j + 1]; c++)
                    if (!isnan(row[c])) {
                        t += row[c];
                        m++;
                    }
                sum[j] = t;
                count[j] = m;
            }
        }
    }
    for (int k = 0; k < n && rc == RM_OK; k++)
        rc = close_row(s, &lv[k], h);
    for (int k = 0; k < n; k++) {
        free(lv[k].first);
        free(lv[k].sum);
        free(lv[k].count);
        free(lv[k].strip);
    }
    return rc;
}

/* The cells and overviews, stored as tiles into the file GDAL made. */
static int store(rm_context *ctx, const char *tmp, const char *path,
                 const rm_layer *r, int n, const int *ow, const int *oh)
{
    int w = rm_layer_raster_width(r), h = rm_layer_raster_height(r);
    const double *cells = rm_layer_raster_cdata(r);
    sink s = {ctx, NULL, NULL, NULL, NULL};
    int rc = rm__tiff_file_open(ctx, &s.file, tmp, path);
    if (rc)
        return rc;
    if (rm__tiff_tiles_create(&s.enc, ZLEVEL) != RM_OK ||
        (w > BLOCK && rm__tiff_worker_start(&s.worker, ZLEVEL) != RM_OK &&
         rm__tiff_tiles_create(&s.odd, ZLEVEL) != RM_OK)) {
        rm__tiff_tiles_destroy(s.enc);
        rm__tiff_file_close(ctx, s.file, 0);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    for (int top = 0; top < h && rc == RM_OK; top += BLOCK)
        rc = put_rows(&s, w, h, cells + (size_t)top * (size_t)w, top,
                      h - top < BLOCK ? h - top : BLOCK);
    if (rc == RM_OK && n > 0)
        rc = overviews(&s, cells, w, h, n, ow, oh);
    rm__tiff_worker_stop(s.worker);
    rm__tiff_tiles_destroy(s.odd);
    rm__tiff_tiles_destroy(s.enc);
    int closed = rm__tiff_file_close(ctx, s.file, rc == RM_OK);
    return rc ? rc : closed;
}

/* Everything after Create but the cells: georeferencing, nodata, and the
 * overview levels, empty; their sizes go to `ow`, `oh`, their number to
 * `*n`. */
static int prepare(rm_context *ctx, const char *path, GDALDatasetH ds,
                   const rm_layer *r, rm__gdal_capture *cap, int *n,
                   int *ow, int *oh)
{
    int w = rm_layer_raster_width(r), h = rm_layer_raster_height(r);
    double gt[6];
    memcpy(gt, rm_layer_raster_geotransform(r), sizeof gt);
    if (GDALSetGeoTransform(ds, gt) != CE_None)
        return fail(ctx, path, "cannot set the geotransform", cap);

    const char *crs = rm_layer_crs(r);
    if (crs && *crs) {
        OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
        if (!srs)
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (OSRSetFromUserInput(srs, crs) != OGRERR_NONE) {
            OSRRelease(srs);
            rm_location loc = rm__loc_data(path, rm_layer_name(r), -1);
            return rm__error(ctx, RM_ECRS, &loc,
                             "GDAL does not understand the raster's CRS "
                             "'%s' (%s); set a CRS such as EPSG:32631",
                             crs, rm__gdal_reason(cap));
        }
        CPLErr e = GDALSetSpatialRef(ds, srs);
        OSRRelease(srs);
        if (e != CE_None)
            return fail(ctx, path, "cannot set the CRS", cap);
    }

    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    if (GDALSetRasterNoDataValue(band, NAN) != CE_None)
        return fail(ctx, path, "cannot set NaN as nodata", cap);
    GDALSetDescription(band, rm_layer_name(r));

    int levels[MAX_OVERVIEWS];
    *n = overview_levels(w, h, levels);
    if (*n == 0)
        return RM_OK;
    /* Empty overview images (no tile written: SPARSE_OK). */
    if (GDALBuildOverviews(ds, "NONE", *n, levels, 0, NULL, NULL, NULL) !=
            CE_None ||
        GDALGetOverviewCount(band) != *n)
        return fail(ctx, path, "cannot make the overviews", cap);
    for (int k = 0; k < *n; k++) {
        GDALRasterBandH o = GDALGetOverview(band, k);
        ow[k] = o ? GDALGetRasterBandXSize(o) : 0;
        oh[k] = o ? GDALGetRasterBandYSize(o) : 0;
        if (ow[k] <= 0 || oh[k] <= 0 || ow[k] > w || oh[k] > h)
            return fail(ctx, path, "GDAL made overviews of an unexpected "
                                   "size", cap);
    }
    return RM_OK;
}

int rm_io_write_raster(rm_context *ctx, const char *path,
                       const rm_layer *raster)
{
    if (!path || !*path)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no output path given; name the file to write");
    rm_location loc = rm__loc_file(path, 0, 0);
    if (!raster || rm_layer_geom_type(raster) != RM_GEOM_RASTER)
        return rm__error(ctx, RM_EINVAL, &loc,
                         "only a raster layer can be written as GeoTIFF; "
                         "write vector layers with rm_io_write");
    int w = rm_layer_raster_width(raster), h = rm_layer_raster_height(raster);
    if (w <= 0 || h <= 0 || !rm_layer_raster_cdata(raster))
        return rm__error(ctx, RM_EINVAL, &loc,
                         "the raster '%s' has no cells (%d x %d)",
                         rm_layer_name(raster), w, h);

    rm__gdal_register();
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    if (!drv)
        return rm__error(ctx, RM_EIO_WRITE, &loc,
                         "this GDAL has no GTiff driver; install a GDAL "
                         "with GeoTIFF support");
    rm__atomic a;
    int rc = rm__atomic_begin(ctx, &a, path);
    if (rc)
        return rc;

    rm__gdal_capture cap;
    rm__gdal_capture_begin(&cap);
    char **opts = NULL;
    char block[16];
    snprintf(block, sizeof block, "%d", BLOCK);
    opts = CSLSetNameValue(opts, "TILED", "YES");
    opts = CSLSetNameValue(opts, "BLOCKXSIZE", block);
    opts = CSLSetNameValue(opts, "BLOCKYSIZE", block);
    opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
    opts = CSLSetNameValue(opts, "PREDICTOR", "3");
    opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
    /* No tile is written by GDAL: they are stored afterwards. */
    opts = CSLSetNameValue(opts, "SPARSE_OK", "TRUE");
    GDALDatasetH ds = GDALCreate(drv, a.tmp, w, h, 1, GDT_Float64, opts);
    CSLDestroy(opts);
    int n = 0, ow[MAX_OVERVIEWS], oh[MAX_OVERVIEWS];
    if (!ds)
        rc = fail(ctx, path, "cannot create the GeoTIFF", &cap);
    else {
        rc = prepare(ctx, path, ds, raster, &cap, &n, ow, oh);
        int before = cap.n_failures;
        GDALClose(ds);
        if (!rc && cap.n_failures > before)
            rc = fail(ctx, path, "cannot finish the GeoTIFF", &cap);
    }
    rm__gdal_capture_end(&cap);
    if (!rc)
        rc = store(ctx, a.tmp, path, raster, n, ow, oh);
    if (rc) {
        rm__atomic_abort(&a);
        return rc;
    }
    return rm__atomic_commit(ctx, &a);
}
