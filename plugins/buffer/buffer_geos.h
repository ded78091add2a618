/*
 * The buffer plugin's bridge to GEOS: columnar features of a layer become
 * GEOS geometries, and polygonal GEOS results become parts of an output
 * layer. Uses only plugin.h and the GEOS _r API with the plugin's own
 * handle.
 */
#ifndef RM_PLUGIN_BUFFER_GEOS_H
#define RM_PLUGIN_BUFFER_GEOS_H

#include <geos_c.h>

#include "routemap/plugin.h"

/**
 * Build feature `f` of `layer` as a GEOS geometry (point, line, polygon or
 * their multi forms). @return NULL for a feature without usable geometry
 * (*failed stays 0) or on a GEOS error (*failed set to 1).
 */
GEOSGeometry *buffer_feature_geom(const rm_host_api *api,
                                  GEOSContextHandle_t h,
                                  const rm_layer *layer, size_t f,
                                  int *failed);

/**
 * Append every polygon of `g` (a Polygon, MultiPolygon or collection) as
 * exterior rings and holes to the last feature of `out`.
 * @return the number of polygons written, or -1 on error.
 */
long buffer_write_polygons(const rm_host_api *api, GEOSContextHandle_t h,
                           const GEOSGeometry *g, rm_layer *out);

#endif
