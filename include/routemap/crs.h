/*
 * Coordinate reference systems through PROJ. routemap reprojects every layer
 * once, on load, into one metric analysis CRS. Axis order is always
 * normalised for GIS use: x = easting or longitude, y = northing or latitude.
 */
#ifndef ROUTEMAP_CRS_H
#define ROUTEMAP_CRS_H

#include "common.h"
#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rm_crs rm_crs;
typedef struct rm_transform rm_transform;

/**
 * Create a CRS from a definition PROJ understands ("EPSG:32631", WKT,
 * a PROJ string, "WGS84").
 * @param[out] out caller frees with rm_crs_destroy.
 * @return RM_OK or RM_ECRS with a message naming the definition.
 */
RM_EXTERN int rm_crs_create(rm_context *ctx, rm_crs **out,
                            const char *definition);

/**
 * Choose the analysis CRS for an area given as a lon/lat box: the WGS 84
 * UTM zone of the box centre (EPSG:326zz north, 327zz south) when the box
 * spans at most 6 degrees of longitude, otherwise a Lambert azimuthal
 * equal-area projection centred on the box.
 */
RM_EXTERN int rm_crs_auto(rm_context *ctx, rm_crs **out, rm_bbox lonlat);

/** rm_crs_destroy(NULL) is a no-op. */
RM_EXTERN void rm_crs_destroy(rm_crs *crs);

/** A definition that recreates this CRS ("EPSG:32631" when it has one). */
RM_EXTERN const char *rm_crs_definition(const rm_crs *crs);
/** Human-readable name, e.g. "WGS 84 / UTM zone 31N". */
RM_EXTERN const char *rm_crs_name(const rm_crs *crs);
/** 1 for geographic (degrees) CRSs, 0 for projected. */
RM_EXTERN int rm_crs_is_geographic(const rm_crs *crs);

/**
 * A transformation between two CRS definitions, with GIS axis order on
 * both sides.
 * @param[out] out caller frees with rm_transform_destroy.
 */
RM_EXTERN int rm_transform_create(rm_context *ctx, rm_transform **out,
                                  const char *from, const char *to);

/**
 * Transform `n` interleaved x,y pairs in place. Points that cannot be
 * transformed become NaN (and are counted in `*n_failed` when not NULL).
 */
RM_EXTERN int rm_transform_apply(rm_transform *tr, double *xy, size_t n,
                                 size_t *n_failed);

/** Transform a box, densifying its edges; the result encloses the image. */
RM_EXTERN int rm_transform_bbox(rm_transform *tr, rm_bbox in, rm_bbox *out);

/** rm_transform_destroy(NULL) is a no-op. */
RM_EXTERN void rm_transform_destroy(rm_transform *tr);

#ifdef __cplusplus
}
#endif
#endif
