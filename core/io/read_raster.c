/*
 * Raster sources: band 1 of any GDAL raster becomes a raster layer of
 * doubles with NaN as nodata, warped (bilinear) into the target CRS when
 * one is set. The warp runs as a virtual dataset, read once straight into
 * the layer's cells, with GDAL's block cache capped meanwhile so it never
 * holds a second copy of the raster.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_string.h>
#include <gdal_utils.h>
#include <ogr_srs_api.h>

#include "io/gdal_cache.h"
#include "io/read_internal.h"
#include "util/util.h"

static int raster_error(rm_context *ctx, const char *source, int code,
                        const char *what, const rm__gdal_capture *cap)
{
    rm_location loc = rm__loc_data(source, NULL, -1);
    return rm__error(ctx, code, &loc, "%s (%s); check the raster file",
                     what, rm__gdal_reason(cap));
}

static char *crs_of(rm_context *ctx, const char *def, int *rc)
{
    rm_crs *crs = NULL;
    *rc = rm_crs_create(ctx, &crs, def);
    if (*rc)
        return NULL;
    char *out = rm__strdup(rm_crs_definition(crs));
    rm_crs_destroy(crs);
    if (!out)
        *rc = RM_ENOMEM;
    return out;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int rd_read_raster(rm_context *ctx, rm_layer **out, const char *source,
                   GDALDatasetH ds, const rm_read_options *opt)
{
    rm__gdal_capture cap;
    rm__gdal_capture_begin(&cap);
    int rc = RM_OK;
    GDALDatasetH warped = NULL;
    char *src = NULL, *dst = NULL;
    const char *wkt = GDALGetProjectionRef(ds);
    src = crs_of(ctx, wkt && *wkt ? wkt
                                  : (opt->source_crs ? opt->source_crs
                                                     : "EPSG:4326"),
                 &rc);
    if (!rc && opt->target_crs)
        dst = crs_of(ctx, opt->target_crs, &rc);
    if (rc)
        goto done;
    GDALDatasetH work = ds;
    if (dst && strcmp(src, dst) != 0) {
        char **argv = NULL;
        argv = CSLAddString(argv, "-of");
        argv = CSLAddString(argv, "VRT");
        argv = CSLAddString(argv, "-s_srs");
        argv = CSLAddString(argv, src);
        argv = CSLAddString(argv, "-t_srs");
        argv = CSLAddString(argv, dst);
        argv = CSLAddString(argv, "-ot");
        argv = CSLAddString(argv, "Float64");
        argv = CSLAddString(argv, "-dstnodata");
        argv = CSLAddString(argv, "nan");
        argv = CSLAddString(argv, "-r");
        argv = CSLAddString(argv, "bilinear");
        GDALWarpAppOptions *wo = GDALWarpAppOptionsNew(argv, NULL);
        CSLDestroy(argv);
        int usage = 0;
        warped = wo ? GDALWarp("", NULL, 1, &ds, wo, &usage) : NULL;
        GDALWarpAppOptionsFree(wo);
        if (!warped) {
            rc = raster_error(ctx, source, RM_ECRS,
                              "cannot warp the raster into the target CRS",
                              &cap);
            goto done;
        }
        work = warped;
    }
    int w = GDALGetRasterXSize(work), h = GDALGetRasterYSize(work);
    double gt[6];
    if (GDALGetGeoTransform(work, gt) != CE_None) {
        rc = raster_error(ctx, source, RM_EDATA_GEOM,
                          "the raster has no georeferencing", &cap);
        goto done;
    }
    GDALRasterBandH band = GDALGetRasterBand(work, 1);
    if (GDALGetRasterCount(ds) > 1)
        rm_log(ctx, RM_LOG_INFO, "%s: %d bands, reading band 1", source,
               GDALGetRasterCount(ds));
    rc = rm_layer_create_raster(out, opt->label ? opt->label
                                                : base_name(source),
                                w, h, gt);
    if (rc) {
        rm_location loc = rm__loc_data(source, NULL, -1);
        rc = rm__error(ctx, rc, &loc,
                       "cannot hold a %d x %d raster in memory; crop or "
                       "resample it first",
                       w, h);
        goto done;
    }
    double *cells = rm_layer_raster_data(*out);
    /* Rows of the file's own blocks: what a warp or a read decodes. */
    rm__gdal_cache_cap(rm__gdal_cache_for(GDALGetRasterBand(ds, 1)));
    CPLErr e = GDALRasterIO(band, GF_Read, 0, 0, w, h, cells, w, h,
                            GDT_Float64, 0, 0);
    /* Drop what the read left in the cache before the limit goes back. */
    GDALFlushRasterCache(band);
    rm__gdal_cache_restore();
    if (e != CE_None) {
        rc = raster_error(ctx, source, RM_EIO_READ, "cannot read the raster",
                          &cap);
        goto done;
    }
    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    if (has_nodata && !isnan(nodata)) {
        size_t n = (size_t)w * (size_t)h;
        for (size_t i = 0; i < n; i++)
            if (cells[i] == nodata)
                cells[i] = NAN;
    }
    rc = rm_layer_set_crs(*out, dst ? dst : src);
done:
    if (rc) {
        rm_layer_destroy(*out);
        *out = NULL;
    }
    if (warped)
        GDALClose(warped);
    free(src);
    free(dst);
    rm__gdal_capture_end(&cap);
    return rc;
}
