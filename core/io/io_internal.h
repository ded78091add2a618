/*
 * Helpers shared by the files of core/io (readers, writers, inspection):
 * the GDAL error bridge, GDAL date conversion and a CSV's coordinate
 * columns. Small on purpose; each reader or writer keeps its own details
 * to itself.
 */
#ifndef RM_CORE_IO_INTERNAL_H
#define RM_CORE_IO_INTERNAL_H

#include <stdint.h>

#include <ogr_api.h>

#include "io/gdal_capture.h"

/**
 * Milliseconds since 1970-01-01T00:00Z of a broken-down OGR date/time.
 * `tzflag` is OGR's: 0 unknown and 1 local time are taken as UTC, 100 is
 * UTC, 100 + n is n quarter-hours east of UTC. `sec` may carry a fraction.
 */
int64_t rm__ogr_datetime_ms(int year, int month, int day, int hour,
                            int minute, double sec, int tzflag);

/**
 * The columns of a CSV layer that hold its coordinates by their names:
 * *x and *y (lon/longitude/long/lng/x, lat/latitude/y) when both exist,
 * else *wkt (wkt/geometry/geom/the_geom/wkt_geom); NULL where none.
 */
void rm__csv_find_coords(OGRFeatureDefnH defn, const char **x, const char **y,
                         const char **wkt);

/** GDAL's CSV open options, added to `oo`, for points from columns x and
 * y, or geometries from the WKT column `wkt` (when not NULL). */
char **rm__csv_open_options(char **oo, const char *x, const char *y,
                            const char *wkt);

#endif
