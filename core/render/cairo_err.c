/*
 * The cairo bridge: cairo's sticky status becomes an rm error code with a
 * message naming what was being drawn or written. Out-of-memory stays
 * RM_ENOMEM, file trouble is RM_EIO_WRITE, the rest is RM_ERENDER.
 */
#include <cairo.h>

#include "render_internal.h"
#include "util/util.h"

int rm__cairo_error(rm_context *ctx, cairo_status_t st, const char *what)
{
    switch (st) {
    case CAIRO_STATUS_SUCCESS:
        return RM_OK;
    case CAIRO_STATUS_NO_MEMORY:
        return rm__error(ctx, RM_ENOMEM, NULL, "%s: out of memory (cairo)",
                         what);
    case CAIRO_STATUS_WRITE_ERROR:
    case CAIRO_STATUS_FILE_NOT_FOUND:
    case CAIRO_STATUS_TEMP_FILE_ERROR:
        return rm__error(ctx, RM_EIO_WRITE, NULL,
                         "%s: cannot write the file (%s); check the folder "
                         "exists, is writable and the disk is not full",
                         what, cairo_status_to_string(st));
    default:
        return rm__error(ctx, RM_ERENDER, NULL, "%s: cairo failed: %s", what,
                         cairo_status_to_string(st));
    }
}
