/*
 * One GeoTIFF tile of Float64 cells made ready to store: the TIFF
 * floating-point predictor (PREDICTOR=3) and DEFLATE in a zlib stream
 * (TIFF's Adobe Deflate), done here rather than by libtiff so the bytes
 * can be written to the file raw. DEFLATE is ISA-L's fast one, or
 * libdeflate's for cells that compress well.
 */
#ifndef RM_CORE_IO_TIFF_TILES_H
#define RM_CORE_IO_TIFF_TILES_H

#include <stddef.h>
#include <stdint.h>

/** Tile edge, pixels: the tiles this encoder makes are square. */
#define RM__TIFF_TILE 256

/** An encoder: the DEFLATE state and the tile's buffers. */
typedef struct rm__tiff_tiles rm__tiff_tiles;

/**
 * Make an encoder; tiles that compress well are compressed with
 * libdeflate at `level` (1 fastest .. 12).
 * @param[out] out the encoder; the caller frees with rm__tiff_tiles_destroy.
 * @return RM_OK, or RM_ENOMEM.
 */
int rm__tiff_tiles_create(rm__tiff_tiles **out, int level);

/** Free an encoder; NULL does nothing. */
void rm__tiff_tiles_destroy(rm__tiff_tiles *t);

/**
 * Encode one tile as TIFF stores it with PREDICTOR=3 and Adobe Deflate:
 * each row of RM__TIFF_TILE cells split into byte planes, most
 * significant byte first, then each byte less the one before it along
 * the row; the rows then compressed as one zlib stream. Which DEFLATE
 * compressor a tile gets depends on the tiles before it (the bytes, not
 * the cells they decode to).
 *
 * The tile's cells come from `h` rows of `w` cells (1 to RM__TIFF_TILE
 * each), row r starting at cells + r * stride; the rest of the tile
 * (right of `w`, below `h`) is NaN, the nodata.
 *
 * @param[out] out the compressed tile, valid until the next call.
 * @param[out] n its size, bytes.
 * @return RM_OK, RM_EINVAL for sizes out of range, or RM_EINTERNAL if
 *         the compressor failed.
 */
int rm__tiff_tiles_encode(rm__tiff_tiles *t, const double *cells,
                          size_t stride, int w, int h, const void **out,
                          size_t *n);

#endif
