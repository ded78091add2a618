/*
 * Tiles of Float64 cells made ready to store in a GeoTIFF: the TIFF
 * floating-point predictor (TIFF Technical Note 3, as libtiff applies it
 * to each row of a tile), then DEFLATE in the zlib stream TIFF's Adobe
 * Deflate expects. A tile is compressed first with ISA-L's fast DEFLATE;
 * one that shrinks to less than TIGHT of its size (smooth or repetitive
 * cells, where a closer search pays: up to 8 % smaller) is compressed
 * again with libdeflate at the level asked for, and the encoder goes on
 * with libdeflate until a tile compresses less well. Any DEFLATE reader
 * decodes either.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>
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
/* Tiles compressed to less than this share of TILE_BYTES by the fast
 * pass are compressed again with libdeflate (on the benchmark's cost
 * surface: 2 % larger than libdeflate's files for 60 % less work; its
 * overviews and Float32-like cells, 5-8 % larger, fall below it). */
#define TIGHT 0.30
#define FAST_LEVEL 2 /* ISA-L's levels 0-3 */

struct rm__tiff_tiles {
    struct libdeflate_compressor *deflate;
    uint8_t *fast_buf; /* ISA-L's working memory, ISAL_DEF_LVL2_DEFAULT */
    int tight;         /* 1: the last tile went to libdeflate */
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

/* The tile compressed by ISA-L into t->packed: its size, or 0 when ISA-L
 * could not (libdeflate then does). */
static size_t fast_deflate(rm__tiff_tiles *t)
{
    struct isal_zstream z;
    isal_deflate_stateless_init(&z);
    z.level = FAST_LEVEL;
    z.level_buf = t->fast_buf;
    z.level_buf_size = ISAL_DEF_LVL2_DEFAULT;
    z.gzip_flag = IGZIP_ZLIB;
    z.end_of_stream = 1;
    z.flush = NO_FLUSH;
    z.next_in = t->tile;
    z.avail_in = (uint32_t)TILE_BYTES;
    z.next_out = t->packed;
    z.avail_out = t->bound > UINT32_MAX ? UINT32_MAX : (uint32_t)t->bound;
    if (isal_deflate_stateless(&z) != COMP_OK || z.avail_in != 0)
        return 0;
    return z.total_out;
}

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
    /* Room for ISA-L to fall back to stored blocks as well. */
    if (t->bound && t->bound < TILE_BYTES + 4 * ISAL_DEF_MAX_HDR_SIZE)
        t->bound = TILE_BYTES + 4 * ISAL_DEF_MAX_HDR_SIZE;
    t->tile = rm_mallocarray(TILE_BYTES, 1);
    t->packed = t->bound ? rm_mallocarray(t->bound, 1) : NULL;
    t->fast_buf = rm_mallocarray(ISAL_DEF_LVL2_DEFAULT, 1);
    if (!t->deflate || !t->tile || !t->packed || !t->fast_buf) {
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
    free(t->fast_buf);
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
    size_t got = t->tight ? 0 : fast_deflate(t);
    if (got == 0 || got < (size_t)(TIGHT * TILE_BYTES)) {
        got = libdeflate_zlib_compress(t->deflate, t->tile, TILE_BYTES,
                                       t->packed, t->bound);
        if (got == 0)
            return RM_EINTERNAL;
        t->tight = got < (size_t)(TIGHT * TILE_BYTES);
    }
    *out = t->packed;
    *n = got;
    return RM_OK;
}
