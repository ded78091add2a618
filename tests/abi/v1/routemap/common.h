/* FROZEN copy of include/routemap/common.h, plugin ABI 1.0 (commit
 * 635ea68). Never edit: tests/abi checks the current headers against it. */
/*
 * Shared basics of the public headers: the export macro and the plain value
 * types (bounding box) that every other header uses.
 */
#ifndef ROUTEMAP_COMMON_H
#define ROUTEMAP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define RM_EXTERN __declspec(dllexport)
#elif defined(__GNUC__)
#define RM_EXTERN __attribute__((visibility("default")))
#else
#define RM_EXTERN
#endif

#ifndef RM_BBOX_DEFINED
#define RM_BBOX_DEFINED
/** An axis-aligned box in the units of its CRS (m, or degrees lon/lat). */
typedef struct rm_bbox {
    double minx, miny, maxx, maxy;
} rm_bbox;
#endif

#define RM_VERSION_STRING "0.1.0"

#endif
