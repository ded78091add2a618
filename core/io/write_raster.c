/*
 * The raster writer: a raster layer out to a tiled, DEFLATE-compressed
 * GeoTIFF with NaN as nodata and internal overviews, written to a
 * temporary file and renamed into place only when GDAL closed it cleanly.
 *
 * Cells are written as Float64, the layer's own type, so values round-trip
 * exactly (densities and costs can need more than Float32's 7 digits);
 * the floating-point predictor keeps the files small all the same. The
 * layer's cells are the only full copy in memory: GDAL's block cache is
 * capped while writing, the overviews are averaged from the cells (not
 * read back from the file), and DEFLATE runs at its fastest level on all
 * cores (files a few per cent larger than at the default level, for 40 %
 * less work).
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

#include "io/gdal_cache.h"
#include "io/io_internal.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "util/atomic.h"
#include "util/util.h"

#define BLOCK 256         /* tile edge, pixels */
#define OVERVIEW_MIN 512  /* build overviews above this size, pixels */
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

/* One overview level being built, one overview row at a time, written
 * a row of tiles at a time (each tile whole, in one go). */
typedef struct level {
    GDALRasterBandH band;
    int w, h;       /* size, cells */
    int *first;     /* first source column of each overview column, and
                       the source width after the last */
    double *sum;    /* the open row: sums of valid cells ... */
    int64_t *count; /* ... and how many */
    double *strip;  /* finished rows not yet written: BLOCK rows */
    int row;        /* the open row */
    int end;        /* the source row where it ends */
} level;

/* Finish the open row of `lv` as means (NaN where nothing was valid),
 * write the strip when it is full or the level complete, and open the
 * next row. */
static CPLErr close_row(level *lv, int src_h)
{
    double *out = lv->strip + (size_t)(lv->row % BLOCK) * (size_t)lv->w;
    for (int j = 0; j < lv->w; j++) {
        double m = lv->count[j] ? lv->sum[j] / (double)lv->count[j] : NAN;
        /* Single precision, as GDAL's own AVERAGE of Float64 cells. */
        out[j] = fabs(m) <= FLT_MAX ? (double)(float)m : m;
        lv->sum[j] = 0;
        lv->count[j] = 0;
    }
    CPLErr e = CE_None;
    lv->row++;
    if (lv->row % BLOCK == 0 || lv->row == lv->h) {
        int first = (lv->row - 1) / BLOCK * BLOCK, n = lv->row - first;
        e = GDALRasterIO(lv->band, GF_Write, 0, first, lv->w, n, lv->strip,
                         lv->w, n, GDT_Float64, 0, 0);
    }
    lv->end = window_start(lv->row + 1, src_h, lv->h);
    return e;
}

/*
 * Internal AVERAGE overviews: each overview cell is the mean of the valid
 * (non-NaN) cells under it, worked out in one pass over the cells in
 * memory for every level at once, so the file's tiles are never read
 * back, decompressed or cached. The means are kept to single precision,
 * as GDAL's own AVERAGE overviews of Float64 rasters: they are a display
 * aid, and compress like the ones GDAL makes.
 */
static CPLErr overviews(GDALDatasetH ds, const double *cells, int w, int h,
                        int n, int *levels)
{
    /* The overview directories, empty; then their cells. */
    if (GDALBuildOverviews(ds, "NONE", n, levels, 0, NULL, NULL, NULL) !=
        CE_None)
        return CE_Failure;
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    if (GDALGetOverviewCount(band) != n)
        return CE_Failure;
    level lv[MAX_OVERVIEWS];
    memset(lv, 0, sizeof lv);
    CPLErr e = CE_None;
    for (int k = 0; k < n && e == CE_None; k++) {
        lv[k].band = GDALGetOverview(band, k);
        lv[k].w = lv[k].band ? GDALGetRasterBandXSize(lv[k].band) : 0;
        lv[k].h = lv[k].band ? GDALGetRasterBandYSize(lv[k].band) : 0;
        if (lv[k].w <= 0 || lv[k].h <= 0 || lv[k].w > w || lv[k].h > h) {
            e = CE_Failure;
            break;
        }
        lv[k].first = rm_mallocarray((size_t)lv[k].w + 1,
                                     sizeof *lv[k].first);
        lv[k].sum = rm_callocarray((size_t)lv[k].w, sizeof *lv[k].sum);
        lv[k].count = rm_callocarray((size_t)lv[k].w, sizeof *lv[k].count);
        lv[k].strip = rm_mallocarray((size_t)lv[k].w * BLOCK,
                                     sizeof *lv[k].strip);
        if (!lv[k].first || !lv[k].sum || !lv[k].count || !lv[k].strip) {
            e = CE_Failure;
            break;
        }
        for (int j = 0; j <= lv[k].w; j++)
            lv[k].first[j] = window_start(j, w, lv[k].w);
        lv[k].end = window_start(1, h, lv[k].h);
    }
    for (int r = 0; r < h && e == CE_None; r++) {
        const double *row = cells + (size_t)r * (size_t)w;
        for (int k = 0; k < n && e == CE_None; k++) {
            if (r == lv[k].end)
                e = close_row(&lv[k], h);
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
    for (int k = 0; k < n && e == CE_None; k++)
        e = close_row(&lv[k], h);
    for (int k = 0; k < n; k++) {
        free(lv[k].first);
        free(lv[k].sum);
        free(lv[k].count);
        free(lv[k].strip);
    }
    return e;
}

/* Everything after Create: georeferencing, nodata, cells, overviews. */
static int fill(rm_context *ctx, const char *path, GDALDatasetH ds,
                const rm_layer *r, rm__gdal_capture *cap)
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
    /* GDAL only reads from the buffer for GF_Write. */
    double *cells = (double *)(uintptr_t)rm_layer_raster_cdata(r);
    if (GDALRasterIO(band, GF_Write, 0, 0, w, h, cells, w, h, GDT_Float64,
                     0, 0) != CE_None)
        return fail(ctx, path, "cannot write the cells", cap);

    int levels[MAX_OVERVIEWS];
    int n = overview_levels(w, h, levels);
    if (n > 0 && overviews(ds, cells, w, h, n, levels) != CE_None)
        return fail(ctx, path, "cannot build overviews", cap);
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
    opts = CSLSetNameValue(opts, "ZLEVEL", "1");
    opts = CSLSetNameValue(opts, "NUM_THREADS", "ALL_CPUS");
    opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
    GDALDatasetH ds = GDALCreate(drv, a.tmp, w, h, 1, GDT_Float64, opts);
    CSLDestroy(opts);
    /* Rows of tiles are written whole (overview rows are narrower). */
    rm__gdal_cache_cap(ds ? rm__gdal_cache_for(GDALGetRasterBand(ds, 1))
                          : RM__GDAL_STREAM_CACHE);
    if (!ds)
        rc = fail(ctx, path, "cannot create the GeoTIFF", &cap);
    else {
        rc = fill(ctx, path, ds, raster, &cap);
        int before = cap.n_failures;
        GDALClose(ds);
        if (!rc && cap.n_failures > before)
            rc = fail(ctx, path, "cannot finish the GeoTIFF", &cap);
    }
    rm__gdal_cache_restore();
    rm__gdal_capture_end(&cap);
    if (rc) {
        rm__atomic_abort(&a);
        return rc;
    }
    return rm__atomic_commit(ctx, &a);
}
