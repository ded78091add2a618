/*
 * A second thread encoding GeoTIFF tiles (io/tiff_tiles.h) while the
 * caller encodes and stores others: one tile at a time is handed over
 * and its result waited for, so the caller keeps the file's order. It
 * only moves work to another core; the work itself is the same.
 */
#ifndef RM_CORE_IO_TIFF_WORKER_H
#define RM_CORE_IO_TIFF_WORKER_H

#include <stddef.h>

/** The thread, its encoder and the tile handed over. */
typedef struct rm__tiff_worker rm__tiff_worker;

/**
 * Start a thread encoding at DEFLATE `level`.
 * @param[out] out the worker; the caller ends it with rm__tiff_worker_stop.
 * @return RM_OK, or RM_ENOMEM when no thread or encoder could be made
 *         (the caller then encodes every tile itself).
 */
int rm__tiff_worker_start(rm__tiff_worker **out, int level);

/**
 * Hand over one tile, as rm__tiff_tiles_encode takes it; returns at
 * once. The cells must stay unchanged until rm__tiff_worker_wait. One
 * tile at a time: wait for each before handing over the next.
 */
void rm__tiff_worker_post(rm__tiff_worker *wk, const double *cells,
                          size_t stride, int w, int h);

/**
 * Wait for the tile handed over and take its result, as
 * rm__tiff_tiles_encode gives it: `*out` is valid until the next post.
 * @return what rm__tiff_tiles_encode returned for it.
 */
int rm__tiff_worker_wait(rm__tiff_worker *wk, const void **out, size_t *n);

/** Stop the thread (after the tile handed over, if any) and free the
 * worker; NULL does nothing. */
void rm__tiff_worker_stop(rm__tiff_worker *wk);

#endif
