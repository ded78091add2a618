/*
 * Reading and writing data through GDAL/OGR. Any OGR vector source (path or
 * connection string) becomes a columnar layer; any GDAL raster a raster
 * layer. Writers produce GeoPackage, GeoJSON, CSV, GPX and GeoTIFF, always
 * atomically: a temporary file beside the target, renamed into place when
 * complete.
 */
#ifndef ROUTEMAP_IO_H
#define ROUTEMAP_IO_H

#include "common.h"
#include "context.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RM_READ_OPTIONS_VERSION 1

/** How to read one layer of a source. Zero/NULL members mean "not set". */
typedef struct rm_read_options {
    uint32_t version;        /**< RM_READ_OPTIONS_VERSION */
    const char *layer;       /**< layer name; NULL: the only or first one */
    const char *where;       /**< OGR SQL attribute filter */
    int has_area;            /**< 1: keep features intersecting `area` */
    rm_bbox area;            /**< lon/lat degrees (WGS 84) */
    int has_period;          /**< 1: keep features whose time is in period */
    int64_t period_start_ms; /**< inclusive, ms since epoch UTC */
    int64_t period_end_ms;   /**< inclusive */
    const char *role_fields[RM_ROLE_COUNT]; /**< source field per role */
    const char *const *sensitive;           /**< fields never loaded */
    size_t n_sensitive;
    const char *target_crs; /**< reproject into this; NULL keeps the source's */
    const char *source_crs; /**< CRS to assume when the source has none (default EPSG:4326) */
    const char *x_field;    /**< CSV: longitude / x column (auto-detected when NULL) */
    const char *y_field;    /**< CSV: latitude / y column */
    const char *wkt_field;  /**< CSV: WKT geometry column */
    const char *label;      /**< name used in messages (e.g. briefing layer name) */
} rm_read_options;

#define RM_READ_OPTIONS_INIT                                                 \
    {RM_READ_OPTIONS_VERSION, NULL, NULL, 0, {0, 0, 0, 0}, 0, 0, 0,          \
     {NULL, NULL, NULL, NULL}, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL}

#define RM_READ_REPORT_IDS 5

/** What loading did besides keeping features. */
typedef struct rm_read_report {
    size_t n_kept;      /**< features in the layer */
    size_t n_filtered;  /**< left out by area or period */
    size_t n_repaired;  /**< invalid geometries made valid */
    int64_t repaired_fids[RM_READ_REPORT_IDS];
    size_t n_dropped;   /**< empty, NaN or out-of-range geometries */
    int64_t dropped_fids[RM_READ_REPORT_IDS];
} rm_read_report;

/**
 * Read one layer of a vector or raster source.
 * @param[out] out the layer, caller frees with rm_layer_destroy.
 * @param report filled when not NULL.
 * @return RM_OK; RM_EIO_OPEN (missing or unreadable source), RM_EIO_LAYER
 *   (no such layer), RM_EDATA_FIELD (role, filter or CSV field unknown),
 *   RM_EDATA_GEOM (no geometry, e.g. CSV without coordinates),
 *   RM_EDATA_EMPTY (no feature left), RM_ECRS.
 */
RM_EXTERN int rm_io_read(rm_context *ctx, rm_layer **out, const char *source,
                         const rm_read_options *opt, rm_read_report *report);

#define RM_WRITE_OPTIONS_VERSION 2

typedef struct rm_write_options {
    uint32_t version;   /**< RM_WRITE_OPTIONS_VERSION */
    const char *format; /**< "GPKG" (default), "GeoJSON", "CSV", "GPX" */
    int wgs84;          /**< 1: write in WGS 84 (always for GeoJSON, GPX) */
    /** The time a format records as the data's last change (GeoPackage:
     * gpkg_contents.last_change), ISO 8601 UTC such as
     * "2026-10-01T00:00:00.000Z", so that the same layers always give the
     * same file; NULL: the time of writing. (Since version 2.) */
    const char *timestamp;
} rm_write_options;

#define RM_WRITE_OPTIONS_INIT {RM_WRITE_OPTIONS_VERSION, NULL, 0, NULL}

/**
 * Write vector layers into one file (GeoPackage: one table per layer;
 * single-layer formats take exactly one layer). Atomic: on failure the
 * previous file, if any, is untouched.
 */
RM_EXTERN int rm_io_write(rm_context *ctx, const char *path,
                          rm_layer *const *layers, size_t n,
                          const rm_write_options *opt);

/**
 * Write a raster layer as a tiled, DEFLATE-compressed GeoTIFF with
 * overviews, NaN as nodata. Atomic.
 */
RM_EXTERN int rm_io_write_raster(rm_context *ctx, const char *path,
                                 const rm_layer *raster);

/**
 * Describe a source like `ogrinfo -so`: per layer its name, geometry type,
 * feature count, fields, CRS and extent (rasters: size, bands, CRS,
 * extent).
 * @param json 1 for a JSON array of layer objects with name,
 *   geometry_type, feature_count, fields, crs and extent.
 * @param[out] out malloc'ed text, caller frees with free().
 */
RM_EXTERN int rm_io_inspect(rm_context *ctx, const char *source, int json,
                            char **out);

/**
 * SHA-256 of a file as 64 lowercase hex digits plus NUL.
 * @return RM_OK or RM_EIO_OPEN.
 */
RM_EXTERN int rm_io_sha256_file(rm_context *ctx, const char *path,
                                char out[65]);

#ifdef __cplusplus
}
#endif
#endif
