/* FROZEN copy of include/routemap/types.h, plugin ABI 1.0 (commit
 * 635ea68). Never edit: tests/abi checks the current headers against it. */
/*
 * The value types shared by the library API and the plugin ABI: the opaque
 * layer handle and the geometry, field and role enumerations. Values only
 * ever get added, never renumbered.
 */
#ifndef ROUTEMAP_TYPES_H
#define ROUTEMAP_TYPES_H

#include "common.h"

typedef struct rm_layer rm_layer;

/** Geometry type of a vector layer; every type may hold multi-part features. */
typedef enum rm_geom_type {
    RM_GEOM_NONE = 0,    /**< attributes only */
    RM_GEOM_POINT = 1,   /**< points and multi-points */
    RM_GEOM_LINE = 2,    /**< line strings and multi-line strings */
    RM_GEOM_POLYGON = 3, /**< polygons and multi-polygons */
    RM_GEOM_RASTER = 10  /**< not a vector layer: a single-band raster */
} rm_geom_type;

/** Attribute column types. */
typedef enum rm_field_type {
    RM_FIELD_INT = 1,      /**< int64 */
    RM_FIELD_REAL = 2,     /**< double */
    RM_FIELD_STRING = 3,   /**< UTF-8 */
    RM_FIELD_DATETIME = 4, /**< int64 milliseconds since 1970-01-01T00:00Z */
    RM_FIELD_BOOL = 5      /**< uint8, 0 or 1 */
} rm_field_type;

/** Roles a briefing maps source fields to. */
typedef enum rm_role {
    RM_ROLE_ID = 0,
    RM_ROLE_TIME = 1,
    RM_ROLE_KIND = 2,
    RM_ROLE_WEIGHT = 3,
    RM_ROLE_COUNT = 4
} rm_role;

#endif
