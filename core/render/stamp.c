/*
 * Fast point drawing for images: each marker (class, size, quarter-pixel
 * phase) is rendered once by cairo into a small premultiplied ARGB image,
 * then copied over the target's pixels for every point with integer
 * offsets in a tight over-compositing loop. Positions keep quarter-pixel
 * accuracy; the result matches cairo's own drawing of the same marker.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "util/util.h"

#define PHASES 4 /* sub-pixel positions per axis */

typedef struct stamp {
    uint64_t key;
    int d;            /* width and height, px */
    int o;            /* marker centre offset, px (integer part) */
    uint32_t *px;     /* d * d premultiplied ARGB */
} stamp;

typedef struct stamp_cache {
    stamp *slots;
    size_t cap, n;
} stamp_cache;

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static void cache_free(stamp_cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].px);
    free(c->slots);
}

static int cache_grow(stamp_cache *c)
{
    size_t cap = c->cap ? 2 * c->cap : 64;
    stamp *ns = rm_callocarray(cap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].px)
            continue;
        size_t j = mix(c->slots[i].key) & (cap - 1);
        while (ns[j].px)
            j = (j + 1) & (cap - 1);
        ns[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = ns;
    c->cap = cap;
    return 0;
}

/* Render one marker into a new stamp. */
static int make_stamp(stamp *st, const rm__symbol *sym, double size_px,
                      double k, double phx, double phy)
{
    double sw = (rm__sym_stroke(sym).a > 0) ? sym->stroke_width * k : 0;
    int d = (int)ceil(size_px * 1.25 + sw) + 4;
    st->d = d;
    st->o = d / 2;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, d, d);
    if (cairo_surface_status(s)) {
        cairo_surface_destroy(s);
        return -1;
    }
    cairo_t *cr = cairo_create(s);
    cairo_translate(cr, st->o + phx, st->o + phy);
    cairo_scale(cr, k, k);
    rm__marker_draw(cr, sym, 0, 0, size_px / k);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    st->px = rm_mallocarray((size_t)d * d, sizeof(uint32_t));
    if (!st->px) {
        cairo_surface_destroy(s);
        return -1;
    }
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < d; y++)
        memcpy(st->px + (size_t)y * d, data + (size_t)y * stride,
               (size_t)d * sizeof(uint32_t));
    cairo_surface_destroy(s);
    return 0;
}

static const stamp *cache_get(stamp_cache *c, int cls, const rm__symbol *sym,
                              double size_px, double k, int qx, int qy)
{
    int sq = (int)lround(size_px * 8); /* 1/8 px steps */
    if (sq < 1)
        sq = 1;
    uint64_t key = ((uint64_t)(uint32_t)cls << 32) |
                   ((uint64_t)(sq & 0xffffff) << 8) |
                   (uint64_t)(qy * PHASES + qx);
    if (c->cap) {
        size_t j = mix(key) & (c->cap - 1);
        while (c->slots[j].px) {
            if (c->slots[j].key == key)
                return &c->slots[j];
            j = (j + 1) & (c->cap - 1);
        }
    }
    if ((c->n + 1) * 2 > c->cap && cache_grow(c))
        return NULL;
    stamp st = {key, 0, 0, NULL};
    if (make_stamp(&st, sym, sq / 8.0, k, (double)qx / PHASES,
                   (double)qy / PHASES))
        return NULL;
    size_t j = mix(key) & (c->cap - 1);
    while (c->slots[j].px)
        j = (j + 1) & (c->cap - 1);
    c->slots[j] = st;
    c->n++;
    return &c->slots[j];
}

/* x * a / 255 for the four 8-bit channels of x (pixman's UN8x4_MUL_UN8). */
static inline uint32_t mul4(uint32_t x, uint32_t a)
{
    uint32_t t = (x & 0xff00ffu) * a + 0x800080u;
    t = ((t + ((t >> 8) & 0xff00ffu)) >> 8) & 0xff00ffu;
    x = ((x >> 8) & 0xff00ffu) * a + 0x800080u;
    x = (x + ((x >> 8) & 0xff00ffu)) & 0xff00ff00u;
    return x | t;
}

static void blit(unsigned char *data, int stride, const stamp *st, int x0,
                 int y0, int cx0, int cy0, int cx1, int cy1)
{
    int sx0 = 0, sy0 = 0, sx1 = st->d, sy1 = st->d;
    if (x0 < cx0)
        sx0 = cx0 - x0;
    if (y0 < cy0)
        sy0 = cy0 - y0;
    if (x0 + sx1 > cx1)
        sx1 = cx1 - x0;
    if (y0 + sy1 > cy1)
        sy1 = cy1 - y0;
    for (int y = sy0; y < sy1; y++) {
        uint32_t *d = (uint32_t *)(void *)(data + (size_t)(y0 + y) * stride) +
                      x0;
        const uint32_t *s = st->px + (size_t)y * st->d;
        for (int x = sx0; x < sx1; x++) {
            uint32_t sp = s[x];
            if (!sp)
                continue;
            uint32_t ia = 255u - (sp >> 24);
            d[x] = ia ? sp + mul4(d[x], ia) : sp;
        }
    }
}

int rm__stamp_points(rm_context *ctx, cairo_surface_t *img,
                     const rm__xf *xf, const rm__resolved *r,
                     const uint8_t *show, double ox, double oy,
                     double px_per_pt, int cx0, int cy0, int cx1, int cy1)
{
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    int w = cairo_image_surface_get_width(img);
    int h = cairo_image_surface_get_height(img);
    if (!data)
        return rm__error(ctx, RM_ERENDER, NULL,
                         "cannot reach the pixels of the page image");
    if (cx0 < 0)
        cx0 = 0;
    if (cy0 < 0)
        cy0 = 0;
    if (cx1 > w)
        cx1 = w;
    if (cy1 > h)
        cy1 = h;
    const rm_layer *l = r->layer;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    size_t nf = rm_layer_feature_count(l);
    double B = xf->s * px_per_pt;
    double A = (xf->fx - ox - xf->ext.minx * xf->s) * px_per_pt;
    double C = (xf->fy - oy + xf->ext.maxy * xf->s) * px_per_pt;
    stamp_cache cache = {NULL, 0, 0};
    int fixed_size = r->size_field < 0;
    stamp last[PHASES * PHASES]; /* copies: cache slots move on growth */
    int last_cls = -1;
    int rc = RM_OK;
    for (size_t f = 0; f < nf; f++) {
        int cls = r->row_class[f];
        if (!r->in_view[f] || cls < 0 || (show && !show[f]))
            continue;
        const rm__symbol *sym = &r->classes[cls];
        double size_px = rm__resolved_size(r, f) * px_per_pt;
        if (!fixed_size || cls != last_cls) {
            memset(last, 0, sizeof last);
            last_cls = fixed_size ? cls : -1;
        }
        for (int64_t c = po[fo[f]]; c < po[fo[f + 1]]; c++) {
            double X = A + xy[2 * c] * B, Y = C - xy[2 * c + 1] * B;
            if (!(X > cx0 - 64 && X < cx1 + 64 && Y > cy0 - 64 &&
                  Y < cy1 + 64))
                continue;
            double fx = floor(X), fy = floor(Y);
            int qx = (int)((X - fx) * PHASES + 0.5);
            int qy = (int)((Y - fy) * PHASES + 0.5);
            int ix = (int)fx, iy = (int)fy;
            if (qx == PHASES) {
                qx = 0;
                ix++;
            }
            if (qy == PHASES) {
                qy = 0;
                iy++;
            }
            const stamp *st = &last[qy * PHASES + qx];
            if (!st->px) {
                st = cache_get(&cache, cls, sym, size_px, px_per_pt, qx, qy);
                if (!st) {
                    rc = rm__error(ctx, RM_ENOMEM, NULL,
                                   "out of memory drawing point markers");
                    goto done;
                }
                if (fixed_size)
                    last[qy * PHASES + qx] = *st;
            }
            int x0 = ix - st->o, y0 = iy - st->o;
            if (x0 >= cx1 || y0 >= cy1 || x0 + st->d <= cx0 ||
                y0 + st->d <= cy0)
                continue;
            blit(data, stride, st, x0, y0, cx0, cy0, cx1, cy1);
        }
    }
done:
    cache_free(&cache);
    cairo_surface_mark_dirty(img);
    return rc;
}
