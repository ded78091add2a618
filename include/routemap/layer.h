/*
 * Layers: vector features in columnar form, or a single-band raster.
 *
 * A vector layer keeps its geometry in contiguous arrays (the GeoArrow idea):
 * interleaved x,y coordinates, a part offset array into them, and a feature
 * offset array into the parts. A part is a point, a line string or a polygon
 * ring; in polygon layers `part_outer[p]` is 1 for an exterior ring, which
 * starts a new polygon, and 0 for a hole of the polygon before it.
 * Attributes are typed columns with a validity byte per row.
 * Every feature keeps the feature id of its source.
 *
 * Thread rule: a layer may be read from many threads at once; building or
 * changing it needs exclusive access.
 */
#ifndef ROUTEMAP_LAYER_H
#define ROUTEMAP_LAYER_H

#include "common.h"
#include "context.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif


/* ---- creation ---------------------------------------------------------- */

/**
 * Create an empty vector layer.
 * @param[out] out the layer; caller frees with rm_layer_destroy.
 * @param name layer name (copied).
 * @param type RM_GEOM_NONE, _POINT, _LINE or _POLYGON.
 * @return RM_OK, RM_EINVAL or RM_ENOMEM.
 */
RM_EXTERN int rm_layer_create(rm_layer **out, const char *name,
                              rm_geom_type type);

/**
 * Create a single-band raster layer of `width` x `height` cells, all NaN
 * (NaN is nodata). `geotransform` is GDAL's: x = gt[0] + col*gt[1] +
 * row*gt[2], y = gt[3] + col*gt[4] + row*gt[5], in CRS units.
 * @param[out] out the layer; caller frees with rm_layer_destroy.
 */
RM_EXTERN int rm_layer_create_raster(rm_layer **out, const char *name,
                                     int width, int height,
                                     const double geotransform[6]);

/** Free a layer. rm_layer_destroy(NULL) is a no-op. */
RM_EXTERN void rm_layer_destroy(rm_layer *layer);

/** Set the layer's CRS (a PROJ definition such as "EPSG:32631" or WKT). */
RM_EXTERN int rm_layer_set_crs(rm_layer *layer, const char *crs);

/** Rename the layer. */
RM_EXTERN int rm_layer_set_name(rm_layer *layer, const char *name);

/* ---- building vector layers -------------------------------------------- */

/**
 * Add an attribute column. Existing rows get NULL in it.
 * @return the new column's index (>= 0), or a negative RM_E* code
 *         (RM_EINVAL for a duplicate name).
 */
RM_EXTERN int rm_layer_add_field(rm_layer *layer, const char *name,
                                 rm_field_type type);

/**
 * Start a new feature with source feature id `fid`; its attributes start
 * NULL. The set_* and add_part calls below apply to this last feature.
 * @return the new feature's row index (>= 0), or a negative RM_E* code.
 */
RM_EXTERN int64_t rm_layer_begin_feature(rm_layer *layer, int64_t fid);

/**
 * Append a part (point, line string or ring) of `n` coordinates to the last
 * feature. `xy` holds n interleaved x,y pairs. `times` holds n per-vertex
 * times in seconds since 1970-01-01T00:00Z (NaN where unknown) or is NULL.
 * `outer` is 1 for a polygon's exterior ring, 0 for a hole; ignored for
 * points and lines.
 */
RM_EXTERN int rm_layer_add_part(rm_layer *layer, const double *xy, size_t n,
                                const double *times, int outer);

RM_EXTERN int rm_layer_set_int(rm_layer *layer, int field, int64_t value);
RM_EXTERN int rm_layer_set_real(rm_layer *layer, int field, double value);
/** Copies `value`; NULL sets NULL. */
RM_EXTERN int rm_layer_set_string(rm_layer *layer, int field,
                                  const char *value);
/** `ms`: milliseconds since 1970-01-01T00:00Z. */
RM_EXTERN int rm_layer_set_datetime(rm_layer *layer, int field, int64_t ms);
RM_EXTERN int rm_layer_set_bool(rm_layer *layer, int field, int value);

/** Map a role to a column (-1 removes the mapping). */
RM_EXTERN int rm_layer_set_role(rm_layer *layer, rm_role role, int field);

/* ---- reading ----------------------------------------------------------- */

RM_EXTERN const char *rm_layer_name(const rm_layer *layer);
RM_EXTERN rm_geom_type rm_layer_geom_type(const rm_layer *layer);
/** The CRS definition, or "" when unknown. */
RM_EXTERN const char *rm_layer_crs(const rm_layer *layer);
RM_EXTERN size_t rm_layer_feature_count(const rm_layer *layer);
RM_EXTERN size_t rm_layer_part_count(const rm_layer *layer);
RM_EXTERN size_t rm_layer_coord_count(const rm_layer *layer);
/** Source feature ids, one per feature. */
RM_EXTERN const int64_t *rm_layer_fids(const rm_layer *layer);
/** feature_count + 1 offsets into the parts. */
RM_EXTERN const int64_t *rm_layer_feature_offsets(const rm_layer *layer);
/** part_count + 1 offsets into the coordinates. */
RM_EXTERN const int64_t *rm_layer_part_offsets(const rm_layer *layer);
/** One byte per part: 1 exterior ring, 0 hole (polygon layers). */
RM_EXTERN const uint8_t *rm_layer_part_outer(const rm_layer *layer);
/** 2 * coord_count interleaved coordinates. */
RM_EXTERN const double *rm_layer_xy(const rm_layer *layer);
/** Per-vertex times (s since epoch, NaN unknown), or NULL when none. */
RM_EXTERN const double *rm_layer_vertex_times(const rm_layer *layer);
/** Extent of all coordinates (all NaN when empty). */
RM_EXTERN rm_bbox rm_layer_extent(const rm_layer *layer);

RM_EXTERN int rm_layer_field_count(const rm_layer *layer);
RM_EXTERN const char *rm_layer_field_name(const rm_layer *layer, int field);
RM_EXTERN rm_field_type rm_layer_field_type(const rm_layer *layer,
                                            int field);
/** @return the column index, or -1. */
RM_EXTERN int rm_layer_field_index(const rm_layer *layer, const char *name);
/** @return the column mapped to `role`, or -1. */
RM_EXTERN int rm_layer_role_field(const rm_layer *layer, rm_role role);
/** INT and DATETIME columns: one int64 per row (0 where NULL). */
RM_EXTERN const int64_t *rm_layer_field_ints(const rm_layer *layer,
                                             int field);
/** REAL columns: one double per row (NaN where NULL). */
RM_EXTERN const double *rm_layer_field_reals(const rm_layer *layer,
                                             int field);
/** BOOL columns: one byte per row. */
RM_EXTERN const uint8_t *rm_layer_field_bools(const rm_layer *layer,
                                              int field);
/** STRING columns: the value of `row`, or NULL when NULL. */
RM_EXTERN const char *rm_layer_field_string(const rm_layer *layer, int field,
                                            size_t row);
RM_EXTERN int rm_layer_field_is_null(const rm_layer *layer, int field,
                                     size_t row);
/**
 * Any column's value as a number: INT/DATETIME/BOOL converted, REAL as is,
 * STRING parsed; NaN when NULL or not numeric.
 */
RM_EXTERN double rm_layer_field_as_real(const rm_layer *layer, int field,
                                        size_t row);

/* ---- rasters ----------------------------------------------------------- */

RM_EXTERN int rm_layer_raster_width(const rm_layer *layer);
RM_EXTERN int rm_layer_raster_height(const rm_layer *layer);
/** GDAL geotransform (6 doubles). */
RM_EXTERN const double *rm_layer_raster_geotransform(const rm_layer *layer);
/** width*height cells, row-major from the top row; NaN is nodata. */
RM_EXTERN double *rm_layer_raster_data(rm_layer *layer);
RM_EXTERN const double *rm_layer_raster_cdata(const rm_layer *layer);

/* ---- whole-layer operations -------------------------------------------- */

/** Deep copy. @param[out] out caller frees with rm_layer_destroy. */
RM_EXTERN int rm_layer_clone(rm_layer **out, const rm_layer *layer);

/**
 * Serialize into one self-describing buffer (the form a plugin child
 * process sends back to the host).
 * @param[out] out malloc'ed buffer, caller frees with free().
 */
RM_EXTERN int rm_layer_serialize(const rm_layer *layer, uint8_t **out,
                                 size_t *out_len);

/**
 * Rebuild a layer from rm_layer_serialize's buffer. Untrusted input: every
 * length and offset is checked.
 * @return RM_OK, RM_EDATA_TYPE for a malformed buffer, or RM_ENOMEM.
 */
RM_EXTERN int rm_layer_deserialize(rm_layer **out, const uint8_t *buf,
                                   size_t len);

#ifdef __cplusplus
}
#endif
#endif
