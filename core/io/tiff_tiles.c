/*
 * Tiles of Float64 cells made ready to store in a GeoTIFF: the TIFF
 * floating-point predictor (TIFF Technical Note 3, as libtiff applies it
 * to each row of a tile) and DEFLATE at a fixed level with libdeflate, in
 * the zlib stream TIFF's Adobe Deflate expects. What comes out is what
 * libtiff would store for the same cells, so any TIFF reader decodes it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "io/tiff_tiles.h"
#include "routemap/errors.h"
#include "util/util.h"

#define CELL_BYTES 8                                 /* Float64 */
#define ROW_BYTES (RM__TIFF_TILE * CELL_BYTES)       /* one tile row */
#define TILE_BYTES ((size_t)RM__TIFF_TILE * ROW_BYTES)

struct rm__tiff_tiles {
    struct libdeflate_compressor *deflate;
    uint8_t *tile;     /* the tile after the predictor, TILE_BYTES */
    uint8_t *packed;   /* the compressed tile, `bound` bytes */
    size_t bound;      /* the most a tile can compress to, bytes */
    double pad[RM__TIFF_TILE];       /* a short row padded with NaN */
    uint8_t nan_row[ROW_BYTES];      /* a row all NaN, predicted */
};

/*
 * The byte planes of one row: byte b (0 the least significant, as the
 * cells lie in memory on this little-endian host) of cell i goes to
 * plane 7 - b at i, so the most significant bytes come first.
 */
#if defined(__SSE2__) && defined(__ORDER_LITTLE_ENDIAN__) &&                 \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static void split_planes(const double *row, uint8_t *planes)
{
    const uint8_t *src = (const uint8_t *)row;
    /*
     * 16 cells (128 bytes, 8 vectors) at a time. Interleaving the first
     * four vectors with the last four byte by byte moves the byte at
     * address a (7 bits) to a rotated left by one; four rounds turn
     * a = 8 * cell + byte into 16 * byte + cell: vector b then holds
     * byte b of the 16 cells.
     */
    for (int i = 0; i < RM__TIFF_TILE; i += 16) {
        __m128i x[8], y[8];
        for (int j = 0; j < 8; j++)
            x[j] = _mm_loadu_si128((const __m128i *)(src + 8 * i + 16 * j));
        for (int round = 0; round < 4; round++) {
            for (int j = 0; j < 4; j++) {
                y[2 * j] = _mm_unpacklo_epi8(x[j], x[j + 4]);
                y[2 * j + 1] = _mm_unpackhi_epi8(x[j], x[j + 4]);
            }
            memcpy(x, y, sizeof x);
        }
        for (int b = 0; b < 8; b++)
            _mm_storeu_si128(
                (__m128i *)(planes + (7 - b) * RM__TIFF_TILE + i), x[b]);
    }
}

/* Each byte of the row less the one before it (the first kept). */
static void difference(uint8_t *p)
{
    __m128i prev = _mm_setzero_si128();
    for (int k = 0; k < ROW_BYTES; k += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + k));
        __m128i before =
            _mm_or_si128(_mm_slli_si128(v, 1), _mm_srli_si128(prev, 15));
        _mm_storeu_si128((__m128i *)(p + k), _mm_sub_epi8(v, before));
        prev = v;
    }
}
#else
static void split_planes(const double *row, uint8_t *planes)
{
    for (int i = 0; i < RM__TIFF_TILE; i++) {
        uint64_t bits;
        memcpy(&bits, &row[i], sizeof bits);
        for (int k = 0; k < CELL_BYTES; k++)
            planes[k * RM__TIFF_TILE + i] = (uint8_t)(bits >> (56 - 8 * k));
    }
}

static void difference(uint8_t *p)
{
    for (int k = ROW_BYTES - 1; k > 0; k--)
        p[k] = (uint8_t)(p[k] - p[k - 1]);
}
#endif

int rm__tiff_tiles_create(rm__tiff_tiles **out, int level)
{
    *out = NULL;
    rm__tiff_tiles *t = calloc(1, sizeof *t);
    if (!t)
        return RM_ENOMEM;
    t->deflate = libdeflate_alloc_compressor(level);
    t->bound = t->deflate
                   ? libdeflate_zlib_compress_bound(t->deflate, TILE_BYTES)
                   : 0;
    t->tile = rm_mallocarray(TILE_BYTES, 1);
    t->packed = t->bound ? rm_mallocarray(t->bound, 1) : NULL;
    if (!t->deflate || !t->tile || !t->packed) {
        rm__tiff_tiles_destroy(t);
        return RM_ENOMEM;
    }
    for (int i = 0; i < RM__TIFF_TILE; i++)
        t->pad[i] = NAN;
    split_planes(t->pad, t->nan_row);
    difference(t->nan_row);
    *out = t;
    return RM_OK;
}

void rm__tiff_tiles_destroy(rm__tiff_tiles *t)
{
    if (!t)
        return;
    if (t->deflate)
        libdeflate_free_compressor(t->deflate);
    free(t->tile);
    free(t->packed);
    free(t);
}

int rm__tiff_tiles_encode(rm__tiff_tiles *t, const double *cells,
                          size_t stride, int w, int h, const void **out,
                          size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!cells || w < 1 || w > RM__TIFF_TILE || h < 1 ||
        h > RM__TIFF_TILE || stride < (size_t)w)
        return RM_EINVAL;
    for (int r = 0; r < RM__TIFF_TILE; r++) {
        uint8_t *dst = t->tile + (size_t)r * ROW_BYTES;
        if (r >= h) {
            memcpy(dst, t->nan_row, ROW_BYTES);
            continue;
        }
        const double *row = cells + (size_t)r * stride;
        if (w < RM__TIFF_TILE) {
            memcpy(t->pad, row, (size_t)w * sizeof *row);
            for (int i = w; i < RM__TIFF_TILE; i++)
                t->pad[i] = NAN;
            row = t->pad;
        }
        split_planes(row, dst);
        difference(dst);
    }
    size_t got = libdeflate_zlib_compress(t->deflate, t->tile, TILE_BYTES,
                                          t->packed, t->bound);
    if (got == 0)
        return RM_EINTERNAL;
    *out = t->packed;
    *n = got;
    return RM_OK;
}
