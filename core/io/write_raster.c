/*
 * The raster writer: a raster layer out to a tiled, DEFLATE-compressed
 * GeoTIFF with NaN as nodata and internal overviews, written to a
 * temporary file and renamed into place only when GDAL closed it cleanly.
 *
 * Cells are written as Float64, the layer's own type, so values round-trip
 * exactly (densities and costs can need more than Float32's 7 digits);
 * the floating-point predictor keeps the files small all the same.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

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
    if (n > 0 && GDALBuildOverviews(ds, "AVERAGE", n, levels, 0, NULL, NULL,
                                    NULL) != CE_None)
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
    opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
    GDALDatasetH ds = GDALCreate(drv, a.tmp, w, h, 1, GDT_Float64, opts);
    CSLDestroy(opts);
    if (!ds)
        rc = fail(ctx, path, "cannot create the GeoTIFF", &cap);
    else {
        rc = fill(ctx, path, ds, raster, &cap);
        int before = cap.n_failures;
        GDALClose(ds);
        if (!rc && cap.n_failures > before)
            rc = fail(ctx, path, "cannot finish the GeoTIFF", &cap);
    }
    rm__gdal_capture_end(&cap);
    if (rc) {
        rm__atomic_abort(&a);
        return rc;
    }
    return rm__atomic_commit(ctx, &a);
}
