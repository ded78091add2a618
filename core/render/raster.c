/*
 * Raster layers (density, cost) drawn as one image: every cell coloured
 * from a ColorBrewer ramp over the value range, with the style's opacity;
 * nodata (NaN) and cells below the transparency threshold stay clear. The
 * image is placed by the layer's geotransform, so rotation is honoured.
 */
#include <math.h>
#include <stdint.h>

#include "render_internal.h"
#include "util/util.h"

/* Position of v in [lo, hi] on the style's scale, 0..1. */
static double ramp_pos(const rm__style *st, double v, double lo, double hi)
{
    if (!(hi > lo))
        return 1;
    double t;
    switch (st->scale) {
    case RM__SCALE_SQRT:
        t = sqrt(fmax(v - lo, 0)) / sqrt(hi - lo);
        break;
    case RM__SCALE_LOG:
        t = log1p(fmax(v - lo, 0)) / log1p(hi - lo);
        break;
    default:
        t = (v - lo) / (hi - lo);
        break;
    }
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

/* Colour of a raster value on `ramp`; 0 when the cell stays clear below
 * `cut` (the transparent fraction of the range) or is nodata. */
static int raster_color(const rm__resolved *r, const rm__ramp *ramp,
                        double cut, double v, rm__rgba *out)
{
    const rm__style *st = r->style;
    if (!isfinite(v) ||
        (isfinite(st->transparent_below) && v < st->transparent_below) ||
        (st->transparent_fraction > 0 && v < cut)) {
        rm__rgba clear = {0, 0, 0, 0};
        *out = clear;
        return 0;
    }
    rm__ramp_at(ramp, ramp_pos(st, v, r->rvmin, r->rvmax), out);
    out->a = st->opacity;
    return 1;
}

int rm__draw_raster(rm_context *ctx, const rm__target *t, const rm__xf *xf,
                    const rm__resolved *r)
{
    const rm_layer *l = r->layer;
    int w = rm_layer_raster_width(l), h = rm_layer_raster_height(l);
    if (w <= 0 || h <= 0 || !r->n_in_view)
        return RM_OK;
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(img)) {
        cairo_surface_destroy(img);
        return rm__error(ctx, RM_ERENDER, NULL,
                         "cannot make a %d x %d image for raster layer %s; "
                         "resample it smaller",
                         w, h, rm_layer_name(l));
    }
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    const double *cells = rm_layer_raster_cdata(l);
    const rm__style *st = r->style;
    const rm__ramp *ramp = rm__ramp_find(st->ramp ? st->ramp : "YlOrRd");
    if (!ramp)
        ramp = rm__ramp_find("YlOrRd");
    double cut = r->rvmin + st->transparent_fraction * (r->rvmax - r->rvmin);
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            rm__rgba c;
            if (!raster_color(r, ramp, cut, cells[(size_t)y * w + x], &c) ||
                c.a <= 0) {
                row[x] = 0;
                continue;
            }
            uint32_t a = (uint32_t)lround(c.a * 255);
            uint32_t R = (uint32_t)lround(c.r * a);
            uint32_t G = (uint32_t)lround(c.g * a);
            uint32_t B = (uint32_t)lround(c.b * a);
            row[x] = a << 24 | R << 16 | G << 8 | B;
        }
    }
    cairo_surface_mark_dirty(img);
    const double *gt = rm_layer_raster_geotransform(l);
    cairo_matrix_t m;
    cairo_matrix_init(&m, gt[1] * xf->s, -gt[4] * xf->s, gt[2] * xf->s,
                      -gt[5] * xf->s, xf->fx + (gt[0] - xf->ext.minx) * xf->s,
                      xf->fy + (xf->ext.maxy - gt[3]) * xf->s);
    cairo_t *cr = t->cr;
    cairo_save(cr);
    cairo_transform(cr, &m);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    return RM_OK;
}
