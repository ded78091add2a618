/*
 * The GDAL/CPL bridge: driver registration, opening a source to read, and
 * the error capture: while a capture is active on this thread, GDAL's
 * errors and warnings go into the capture (never to stderr), so callers
 * can put GDAL's own reason into an rm error. Captures nest.
 */
#ifndef RM_CORE_IO_GDAL_CAPTURE_H
#define RM_CORE_IO_GDAL_CAPTURE_H

#include <cpl_error.h>
#include <gdal.h>

/** Optional observer of every captured message (e.g. to spot a warning). */
typedef void (*rm__gdal_observer)(void *userdata, CPLErr cls, int err_no,
                                  const char *msg);

typedef struct rm__gdal_capture {
    int n_failures;      /* CE_Failure and CE_Fatal messages since begin */
    int n_warnings;      /* CE_Warning messages since begin */
    int last_errno;      /* CPLErrorNum of the last failure, 0 when none */
    char msg[1024];      /* last failure message, "" when none */
    char warning[512];   /* last warning message, "" when none */
    rm__gdal_observer observer; /* NULL, or called for every message */
    void *observer_data;
} rm__gdal_capture;

/** Register GDAL's drivers once per process (thread-safe). */
void rm__gdal_register(void);

/**
 * Open a source to read, vector or raster, with GDAL's open options `oo`
 * (may be NULL). A file the CSV driver claims opens as CSV only: raster
 * drivers (XYZ) claim numeric CSV files too and fail at the first empty
 * cell, which would stop the open. A CSV opened without options gets
 * those of the coordinate columns its names show, as the reader finds
 * them (lon/lat, or WKT).
 */
GDALDatasetH rm__gdal_open_source(const char *source, char **oo);

/**
 * Start capturing this thread's GDAL messages into `cap` (zeroed here;
 * set observer after begin). Pair with rm__gdal_capture_end.
 */
void rm__gdal_capture_begin(rm__gdal_capture *cap);

/** Stop capturing; messages go to the previous handler again. */
void rm__gdal_capture_end(rm__gdal_capture *cap);

/**
 * Also route messages GDAL emits from its own worker threads (which bypass
 * the per-thread handler, e.g. the GeoPackage Arrow prefetch thread) into
 * `cap` until rm__gdal_async_end. Counters are then updated under a lock:
 * read them only after rm__gdal_async_end; the observer may be called from
 * another thread. Call between capture_begin and capture_end.
 */
void rm__gdal_async_begin(rm__gdal_capture *cap);
void rm__gdal_async_end(rm__gdal_capture *cap);

/** Non-zero when a failure was captured since begin. */
int rm__gdal_failed(const rm__gdal_capture *cap);

/**
 * GDAL's reason for the last failure: the captured failure message, else
 * the last warning, else CPLGetLastErrorMsg(), else "unknown GDAL error".
 * Never NULL; valid until the capture changes.
 */
const char *rm__gdal_reason(const rm__gdal_capture *cap);

#endif
