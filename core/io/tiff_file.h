/*
 * The libtiff bridge: a tiled GeoTIFF that GDAL created with every tile
 * still empty (SPARSE_OK), opened for update so tiles encoded elsewhere
 * (io/tiff_tiles.h) are stored raw, in the full image or any of its
 * internal overviews. libtiff's errors become rm errors, never stderr.
 */
#ifndef RM_CORE_IO_TIFF_FILE_H
#define RM_CORE_IO_TIFF_FILE_H

#include <stddef.h>

#include "routemap/context.h"

/** An open file and its image directories. */
typedef struct rm__tiff_file rm__tiff_file;

/**
 * Open `path` for update and list its images; each must be tiled in
 * RM__TIFF_TILE squares of one Float64 sample, DEFLATE with the
 * floating-point predictor, as io/tiff_tiles.h encodes them.
 * `shown` is the path errors name (the file being replaced, not the
 * temporary file).
 * @param[out] out the file; the caller ends it with rm__tiff_file_close.
 * @return RM_OK, or RM_EIO_WRITE / RM_ENOMEM with the error set on `ctx`.
 */
int rm__tiff_file_open(rm_context *ctx, rm__tiff_file **out,
                       const char *path, const char *shown);

/**
 * Make the image of `w` x `h` cells (the full image or an overview)
 * the one tiles go to.
 * @return RM_OK, or RM_EIO_WRITE (no image of that size, or libtiff
 *         failed) with the error set on `ctx`.
 */
int rm__tiff_file_select(rm_context *ctx, rm__tiff_file *f, int w, int h);

/**
 * Store the `n` bytes of an encoded tile as tile (`col`, `row`) of the
 * selected image, at the end of the file. Each tile is stored once.
 * @return RM_OK, or RM_EIO_WRITE with the error set on `ctx`.
 */
int rm__tiff_file_put(rm_context *ctx, rm__tiff_file *f, int col, int row,
                      const void *data, size_t n);

/**
 * Write the tile offsets and close the file; `f` is freed either way.
 * NULL does nothing. With `keep` 0 the file is only closed (after an
 * error elsewhere), and RM_OK is returned.
 * @return RM_OK, or RM_EIO_WRITE with the error set on `ctx`.
 */
int rm__tiff_file_close(rm_context *ctx, rm__tiff_file *f, int keep);

#endif
