/*
 * Helpers shared by the files of core/io (readers, writers, inspection):
 * the GDAL error bridge and GDAL date conversion. Small on purpose; each
 * reader or writer keeps its own details to itself.
 */
#ifndef RM_CORE_IO_INTERNAL_H
#define RM_CORE_IO_INTERNAL_H

#include <stdint.h>

#include "io/gdal_capture.h"

/**
 * Milliseconds since 1970-01-01T00:00Z of a broken-down OGR date/time.
 * `tzflag` is OGR's: 0 unknown and 1 local time are taken as UTC, 100 is
 * UTC, 100 + n is n quarter-hours east of UTC. `sec` may carry a fraction.
 */
int64_t rm__ogr_datetime_ms(int year, int month, int day, int hour,
                            int minute, double sec, int tzflag);

#endif
