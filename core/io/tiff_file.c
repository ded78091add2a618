/*
 * The libtiff bridge: tiles already encoded as TIFF stores them are put
 * raw into the empty tiles of a GeoTIFF GDAL created, in its full image
 * or any of its internal overviews; libtiff appends each tile to the file
 * and rewrites only the tile offsets and sizes in place. Every libtiff
 * message goes into the file's record and on into an rm error.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

#include "io/tiff_file.h"
#include "io/tiff_tiles.h"
#include "routemap/errors.h"
#include "util/util.h"

#define MAX_IMAGES 32 /* the full image and its overviews */

struct rm__tiff_file {
    TIFF *tif;
    const char *shown;     /* the path errors name (the caller's) */
    int n;                 /* images */
    int w[MAX_IMAGES];     /* their sizes, cells, in file order */
    int h[MAX_IMAGES];
    int current;           /* the selected image, -1 before any */
    char msg[512];         /* libtiff's last error, "" when none */
};

static int on_error(TIFF *tif, void *user, const char *module,
                    const char *fmt, va_list ap)
{
    (void)tif;
    rm__tiff_file *f = user;
    int k = snprintf(f->msg, sizeof f->msg, "%s: ", module ? module : "");
    if (k < 0 || (size_t)k >= sizeof f->msg)
        k = 0;
    vsnprintf(f->msg + k, sizeof f->msg - (size_t)k, fmt, ap);
    return 1; /* handled: nothing reaches stderr */
}

static int on_warning(TIFF *tif, void *user, const char *module,
                      const char *fmt, va_list ap)
{
    (void)tif;
    (void)user;
    (void)module;
    (void)fmt;
    (void)ap;
    return 1;
}

static int fail(rm_context *ctx, rm__tiff_file *f, const char *what)
{
    rm_location loc = rm__loc_file(f->shown, 0, 0);
    return rm__error(ctx, RM_EIO_WRITE, &loc,
                     "%s (libtiff: %s); check that the disk is not full "
                     "and the folder is writable",
                     what, f->msg[0] ? f->msg : "no reason given");
}

/* Whether the current directory is laid out as io/tiff_tiles encodes. */
static int layout_fits(TIFF *tif)
{
    uint32_t tw = 0, th = 0;
    uint16_t comp = 0, pred = 0, bits = 0, fmt = 0, spp = 0;
    return TIFFIsTiled(tif) && TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw) &&
           TIFFGetField(tif, TIFFTAG_TILELENGTH, &th) &&
           tw == RM__TIFF_TILE && th == RM__TIFF_TILE &&
           TIFFGetField(tif, TIFFTAG_COMPRESSION, &comp) &&
           comp == COMPRESSION_ADOBE_DEFLATE &&
           TIFFGetField(tif, TIFFTAG_PREDICTOR, &pred) &&
           pred == PREDICTOR_FLOATINGPOINT &&
           TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits) &&
           bits == 64 &&
           TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &fmt) &&
           fmt == SAMPLEFORMAT_IEEEFP &&
           TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp) &&
           spp == 1;
}

int rm__tiff_file_open(rm_context *ctx, rm__tiff_file **out,
                       const char *path, const char *shown)
{
    *out = NULL;
    rm__tiff_file *f = calloc(1, sizeof *f);
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!f || !opts) {
        free(f);
        TIFFOpenOptionsFree(opts);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    f->shown = shown;
    f->current = -1;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, f);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, f);
    f->tif = TIFFOpenExt(path, "r+", opts);
    TIFFOpenOptionsFree(opts);
    if (!f->tif) {
        int rc = fail(ctx, f, "cannot reopen the GeoTIFF to store its tiles");
        free(f);
        return rc;
    }
    int n = TIFFNumberOfDirectories(f->tif);
    if (n < 1 || n > MAX_IMAGES) {
        int rc = fail(ctx, f, "the GeoTIFF GDAL made has an unexpected "
                              "number of images");
        rm__tiff_file_close(ctx, f, 0);
        return rc;
    }
    for (int d = 0; d < n; d++) {
        uint32_t w = 0, h = 0;
        if (!TIFFSetDirectory(f->tif, (tdir_t)d) ||
            !TIFFGetField(f->tif, TIFFTAG_IMAGEWIDTH, &w) ||
            !TIFFGetField(f->tif, TIFFTAG_IMAGELENGTH, &h) || w < 1 ||
            h < 1 || w > INT32_MAX || h > INT32_MAX ||
            !layout_fits(f->tif)) {
            int rc = fail(ctx, f, "the GeoTIFF GDAL made is not tiled, "
                                  "compressed and predicted as expected");
            rm__tiff_file_close(ctx, f, 0);
            return rc;
        }
        f->w[d] = (int)w;
        f->h[d] = (int)h;
    }
    f->n = n;
    f->current = n - 1;
    *out = f;
    return RM_OK;
}

int rm__tiff_file_select(rm_context *ctx, rm__tiff_file *f, int w, int h)
{
    int d = 0;
    while (d < f->n && (f->w[d] != w || f->h[d] != h))
        d++;
    if (d == f->n) {
        rm_location loc = rm__loc_file(f->shown, 0, 0);
        return rm__error(ctx, RM_EIO_WRITE, &loc,
                         "the GeoTIFF GDAL made has no %d x %d image; "
                         "check the GDAL installation",
                         w, h);
    }
    if (d == f->current)
        return RM_OK;
    /* The offsets of the tiles stored so far go to the file first. */
    if (!TIFFFlush(f->tif))
        return fail(ctx, f, "cannot record the tiles written");
    if (!TIFFSetDirectory(f->tif, (tdir_t)d))
        return fail(ctx, f, "cannot go to an image of the GeoTIFF");
    f->current = d;
    return RM_OK;
}

int rm__tiff_file_put(rm_context *ctx, rm__tiff_file *f, int col, int row,
                      const void *data, size_t n)
{
    int d = f->current;
    int cols = (f->w[d] + RM__TIFF_TILE - 1) / RM__TIFF_TILE;
    int rows = (f->h[d] + RM__TIFF_TILE - 1) / RM__TIFF_TILE;
    if (col < 0 || row < 0 || col >= cols || row >= rows || n == 0 ||
        n > (size_t)INT32_MAX) {
        rm_location loc = rm__loc_file(f->shown, 0, 0);
        return rm__error(ctx, RM_EINTERNAL, &loc,
                         "tile (%d, %d) of %zu bytes does not fit a "
                         "%d x %d image; please report this",
                         col, row, n, f->w[d], f->h[d]);
    }
    uint32_t tile = TIFFComputeTile(f->tif, (uint32_t)col * RM__TIFF_TILE,
                                    (uint32_t)row * RM__TIFF_TILE, 0, 0);
    if (TIFFGetStrileByteCount(f->tif, tile) != 0)
        return fail(ctx, f, "a tile of the GeoTIFF was already written");
    /* libtiff only reads from the buffer. */
    if (TIFFWriteRawTile(f->tif, tile, (void *)(uintptr_t)data,
                         (tmsize_t)n) != (tmsize_t)n)
        return fail(ctx, f, "cannot write a tile of the GeoTIFF");
    return RM_OK;
}

int rm__tiff_file_close(rm_context *ctx, rm__tiff_file *f, int keep)
{
    if (!f)
        return RM_OK;
    int rc = RM_OK;
    if (keep && !TIFFFlush(f->tif))
        rc = fail(ctx, f, "cannot record the tiles written");
    TIFFClose(f->tif);
    free(f);
    return rc;
}
