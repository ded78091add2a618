/*
 * Internals of core/crs shared with other core modules: the PROJ error
 * bridge (PROJ's log channel captured into a buffer, never stderr) and
 * direct access to a transformation's PJ for code that needs it.
 */
#ifndef RM_CORE_CRS_INTERNAL_H
#define RM_CORE_CRS_INTERNAL_H

#include <proj.h>

#include "routemap/crs.h"

/** Captures PROJ's error messages between begin and end. */
typedef struct rm__proj_capture {
    PJ_CONTEXT *pc;
    char msg[512]; /* last error message PROJ logged, "" when none */
} rm__proj_capture;

/** Route PROJ's log of `ctx` into `cap` until rm__proj_capture_end. */
void rm__proj_capture_begin(rm_context *ctx, rm__proj_capture *cap);
/** Restore PROJ's silent logging. */
void rm__proj_capture_end(rm__proj_capture *cap);

/**
 * PROJ's reason for the last failure: the captured message, else the
 * context's errno text, else "unknown PROJ error". Never NULL.
 */
const char *rm__proj_reason(rm__proj_capture *cap);

#endif
