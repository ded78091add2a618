/*
 * Fast solid lines for images: each polyline is rasterised as the union of
 * round-capped segments (distance to the segment gives the pixel's
 * coverage), kept as the maximum coverage per pixel so joins are not
 * painted twice, then composited once over the page pixels. Round joins
 * and caps as cairo draws them; dashed lines stay with cairo. Lines of one
 * symbol are composited in a spatial order (Morton order of 64 px tiles):
 * "over" with one colour commutes, so the picture is the same and the
 * pixels stay in cache.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "util/util.h"

typedef struct seg {
    double ax, ay, bx, by;
} seg;

static inline uint32_t mul4(uint32_t x, uint32_t a)
{
    uint32_t t = (x & 0xff00ffu) * a + 0x800080u;
    t = ((t + ((t >> 8) & 0xff00ffu)) >> 8) & 0xff00ffu;
    x = ((x >> 8) & 0xff00ffu) * a + 0x800080u;
    x = (x + ((x >> 8) & 0xff00ffu)) & 0xff00ff00u;
    return x | t;
}

/* The segment's pixel box, clipped; 0 when empty. */
static int clampi(double v, int lo, int hi)
{
    return v <= lo ? lo : v >= hi ? hi : (int)v;
}

static int seg_box(const seg *s, double r, int cx0, int cy0, int cx1, int cy1,
                   int *x0, int *y0, int *x1, int *y1)
{
    if (!isfinite(s->ax) || !isfinite(s->ay) || !isfinite(s->bx) ||
        !isfinite(s->by))
        return 0;
    /* Clamp in floating point first: far-away vertices must not overflow
     * the conversion to int. */
    *x0 = clampi(floor(fmin(s->ax, s->bx) - r - 1), cx0, cx1);
    *y0 = clampi(floor(fmin(s->ay, s->by) - r - 1), cy0, cy1);
    *x1 = clampi(ceil(fmax(s->ax, s->bx) + r + 1), cx0, cx1);
    *y1 = clampi(ceil(fmax(s->ay, s->by) + r + 1), cy0, cy1);
    return *x1 > *x0 && *y1 > *y0;
}

static void seg_coverage(uint8_t *cov, int cw, const seg *s, double hw,
                         double thin, int cx0, int cy0, int cx1, int cy1)
{
    int x0, y0, x1, y1;
    if (!seg_box(s, hw, cx0, cy0, cx1, cy1, &x0, &y0, &x1, &y1))
        return;
    double dx = s->bx - s->ax, dy = s->by - s->ay;
    double len2 = dx * dx + dy * dy;
    double inv = len2 > 0 ? 1.0 / len2 : 0;
    double lim = hw + 0.5, lim2 = lim * lim;
    for (int y = y0; y < y1; y++) {
        double py = y + 0.5 - s->ay;
        /* The columns this row can touch: the part of the segment within
         * `lim` of the row, widened by `lim`. */
        double ta = 0, tb = 1;
        if (fabs(dy) > 1e-12) {
            ta = (py - lim) / dy;
            tb = (py + lim) / dy;
            if (ta > tb) {
                double t = ta;
                ta = tb;
                tb = t;
            }
            ta = ta < 0 ? 0 : ta > 1 ? 1 : ta;
            tb = tb < 0 ? 0 : tb > 1 ? 1 : tb;
        } else if (fabs(py) > lim) {
            continue;
        }
        double xa = s->ax + ta * dx, xb = s->ax + tb * dx;
        int rx0 = clampi(floor(fmin(xa, xb) - lim), x0, x1);
        int rx1 = clampi(ceil(fmax(xa, xb) + lim), x0, x1);
        uint8_t *row = cov + (size_t)(y - cy0) * cw - cx0;
        for (int x = rx0; x < rx1; x++) {
            double px = x + 0.5 - s->ax;
            double t = (px * dx + py * dy) * inv;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double ex = px - t * dx, ey = py - t * dy;
            double d2 = ex * ex + ey * ey;
            if (d2 >= lim2)
                continue;
            double c = (lim - sqrt(d2)) * thin;
            if (c > thin)
                c = thin;
            uint8_t v = (uint8_t)(c * 255 + 0.5);
            if (v > row[x])
                row[x] = v;
        }
    }
}

static void seg_composite(unsigned char *data, int stride, uint8_t *cov,
                          int cw, const seg *s, double hw, uint32_t src,
                          int cx0, int cy0, int cx1, int cy1)
{
    int x0, y0, x1, y1;
    if (!seg_box(s, hw, cx0, cy0, cx1, cy1, &x0, &y0, &x1, &y1))
        return;
    for (int y = y0; y < y1; y++) {
        uint8_t *crow = cov + (size_t)(y - cy0) * cw - cx0;
        uint32_t *d = (uint32_t *)(void *)(data + (size_t)y * stride);
        for (int x = x0; x < x1; x++) {
            uint32_t c = crow[x];
            if (!c)
                continue;
            crow[x] = 0;
            uint32_t sp = c == 255 ? src : mul4(src, c);
            uint32_t ia = 255u - (sp >> 24);
            d[x] = ia ? sp + mul4(d[x], ia) : sp;
        }
    }
}

typedef struct part_key {
    uint64_t key;
    int64_t part;
} part_key;

static int cmp_key(const void *a, const void *b)
{
    const part_key *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->part > y->part) - (x->part < y->part);
}

/* Interleave the bits of two 24-bit numbers. */
static uint64_t morton(uint32_t x, uint32_t y)
{
    uint64_t m = 0;
    for (int b = 0; b < 24; b++)
        m |= (uint64_t)((x >> b) & 1) << (2 * b) |
             (uint64_t)((y >> b) & 1) << (2 * b + 1);
    return m;
}

int rm__fast_lines(rm_context *ctx, cairo_surface_t *img, const rm__xf *xf,
                   const rm__resolved *r, int cls, double k, int cx0, int cy0,
                   int cx1, int cy1)
{
    const rm__symbol *sym = &r->classes[cls];
    rm__rgba c = rm__sym_stroke(sym);
    double wpx = sym->stroke_width * k;
    if (c.a <= 0 || wpx <= 0)
        return RM_OK;
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    int w = cairo_image_surface_get_width(img);
    int h = cairo_image_surface_get_height(img);
    if (!data)
        return rm__error(ctx, RM_ERENDER, NULL,
                         "cannot reach the pixels of the page image");
    cx0 = cx0 < 0 ? 0 : cx0;
    cy0 = cy0 < 0 ? 0 : cy0;
    cx1 = cx1 > w ? w : cx1;
    cy1 = cy1 > h ? h : cy1;
    if (cx1 <= cx0 || cy1 <= cy0)
        return RM_OK;
    int cw = cx1 - cx0;
    uint8_t *cov = rm_callocarray((size_t)cw * (cy1 - cy0), 1);
    seg *segs = NULL;
    size_t cap = 0;
    if (!cov)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory drawing lines");
    uint32_t A = (uint32_t)lround(c.a * 255);
    uint32_t src = A << 24 | (uint32_t)lround(c.r * A) << 16 |
                   (uint32_t)lround(c.g * A) << 8 | (uint32_t)lround(c.b * A);
    double hw = wpx / 2, thin = 1;
    if (wpx < 1) { /* hairlines: a 1 px line at partial coverage */
        thin = wpx;
        hw = 0.5;
    }
    const rm_layer *l = r->layer;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    size_t nf = rm_layer_feature_count(l);
    double B = xf->s * k;
    double X0 = (xf->fx - xf->ext.minx * xf->s) * k;
    double Y0 = (xf->fy + xf->ext.maxy * xf->s) * k;
    int rc = RM_OK;
    part_key *keys = NULL;
    size_t nk = 0, capk = 0;
    for (size_t f = 0; f < nf && !rc; f++) {
        if (!r->in_view[f] || r->row_class[f] != cls)
            continue;
        for (int64_t p = fo[f]; p < fo[f + 1]; p++) {
            if (po[p + 1] - po[p] < 2)
                continue;
            if (rm__grow((void **)&keys, &capk, nk + 1, sizeof *keys)) {
                rc = rm__error(ctx, RM_ENOMEM, NULL,
                               "out of memory drawing lines");
                break;
            }
            double px = X0 + xy[2 * po[p]] * B - cx0;
            double py = Y0 - xy[2 * po[p] + 1] * B - cy0;
            px = !(px > 0) ? 0 : px > 1e6 ? 1e6 : px; /* NaN: 0 */
            py = !(py > 0) ? 0 : py > 1e6 ? 1e6 : py;
            keys[nk].key = morton((uint32_t)(px / 64), (uint32_t)(py / 64));
            keys[nk++].part = p;
        }
    }
    if (!rc && nk)
        qsort(keys, nk, sizeof *keys, cmp_key);
    for (size_t i = 0; i < nk && !rc; i++) {
        int64_t p = keys[i].part;
        int64_t c0 = po[p], c1 = po[p + 1];
        size_t ns = (size_t)(c1 - c0 - 1);
        if (rm__grow((void **)&segs, &cap, ns, sizeof *segs)) {
            rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory drawing lines");
            break;
        }
        double px = X0 + xy[2 * c0] * B, py = Y0 - xy[2 * c0 + 1] * B;
        for (size_t j = 0; j < ns; j++) {
            double qx = X0 + xy[2 * (c0 + 1 + j)] * B;
            double qy = Y0 - xy[2 * (c0 + 1 + j) + 1] * B;
            seg sg = {px, py, qx, qy};
            segs[j] = sg;
            px = qx;
            py = qy;
        }
        for (size_t j = 0; j < ns; j++)
            seg_coverage(cov, cw, &segs[j], hw, thin, cx0, cy0, cx1, cy1);
        for (size_t j = 0; j < ns; j++)
            seg_composite(data, stride, cov, cw, &segs[j], hw, src, cx0, cy0,
                          cx1, cy1);
    }
    free(keys);
    free(segs);
    free(cov);
    cairo_surface_mark_dirty(img);
    return rc;
}
