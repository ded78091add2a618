/*
 * The inside of rm_context: the per-thread GEOS and PROJ handles, logging,
 * the last error and the transformations made so far. Only core modules
 * include this.
 */
#ifndef RM_CORE_CONTEXT_INTERNAL_H
#define RM_CORE_CONTEXT_INTERNAL_H

#include <geos_c.h>
#include <proj.h>

#include "routemap/context.h"

#define RM__ERRMSG_MAX 2048

struct rm_context {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    rm_log_fn log_fn;
    void *log_userdata;
    rm_log_level log_level;
    int err_code;
    char err_msg[RM__ERRMSG_MAX];
    rm_location err_loc;
    char err_file[512];
    char err_source[512];
    char err_layer[256];
    char geos_msg[512]; /* last message of the GEOS error handler */
    struct rm__transform_cache *transforms; /* crs/transform_cache.c */
};

#endif
