/*
 * PNG files through GDAL's PNG driver (the project's bridge to every file
 * format): the page image is handed over as three bands read in place from
 * cairo's pixels and written with fast DEFLATE (ZLEVEL=1), about twice as
 * fast as cairo's own writer and no larger for maps. Lossless, and the
 * same pixels always give the same bytes.
 */
#include <gdal.h>
#include <stdint.h>
#include <string.h>

#include "io/gdal_capture.h"
#include "render_internal.h"
#include "util/util.h"

int rm__png_write(rm_context *ctx, cairo_surface_t *img, const char *path,
                  const char *what)
{
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int w = cairo_image_surface_get_width(img);
    int h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    if (!data || w <= 0 || h <= 0)
        return rm__error(ctx, RM_ERENDER, NULL, "%s: no page image to write",
                         what);
    rm__gdal_register();
    rm__gdal_capture cap;
    rm__gdal_capture_begin(&cap);
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDriverH png = GDALGetDriverByName("PNG");
    GDALDatasetH src = NULL, dst = NULL;
    int rc = RM_OK;
    if (!mem || !png) {
        rc = rm__error(ctx, RM_EIO_WRITE, NULL,
                       "%s: GDAL has no %s driver; install a GDAL built "
                       "with it",
                       what, mem ? "PNG" : "MEM");
        goto done;
    }
    src = GDALCreate(mem, "", w, h, 3, GDT_Byte, NULL);
    if (!src) {
        rc = rm__error(ctx, RM_ENOMEM, NULL, "%s: %s", what,
                       rm__gdal_reason(&cap));
        goto done;
    }
    /* cairo keeps a pixel as one native-endian uint32 0xAARRGGBB. */
    uint32_t probe = 0x00010203u;
    int little = ((const unsigned char *)&probe)[0] == 0x03;
    for (int b = 0; b < 3 && !rc; b++) {
        int off = little ? 2 - b : 1 + b;
        if (GDALRasterIO(GDALGetRasterBand(src, b + 1), GF_Write, 0, 0, w, h,
                         data + off, w, h, GDT_Byte, 4, stride) != CE_None)
            rc = rm__error(ctx, RM_EIO_WRITE, NULL, "%s: %s", what,
                           rm__gdal_reason(&cap));
    }
    if (rc)
        goto done;
    char *opts[] = {"ZLEVEL=1", "WORLDFILE=NO", NULL};
    dst = GDALCreateCopy(png, path, src, 0, opts, NULL, NULL);
    if (!dst) {
        rc = rm__error(ctx, RM_EIO_WRITE, NULL,
                       "%s: cannot write the PNG (%s); check the folder "
                       "exists and is writable",
                       what, rm__gdal_reason(&cap));
        goto done;
    }
    GDALClose(dst);
    if (rm__gdal_failed(&cap))
        rc = rm__error(ctx, RM_EIO_WRITE, NULL, "%s: %s", what,
                       rm__gdal_reason(&cap));
done:
    if (src)
        GDALClose(src);
    rm__gdal_capture_end(&cap);
    return rc;
}
