/*
 * Fast point drawing for images: each marker (class, size, quarter-pixel
 * phase) is rendered once by cairo into a small premultiplied ARGB image,
 * then copied over the target's pixels for every point with integer
 * offsets. Points are bucketed by 64 px tiles; each tile is built in a
 * small buffer from the last point back to the first with the "under"
 * operator (the same picture as drawing them in data order with "over")
 * and stops as soon as every pixel of the tile is opaque, so the hidden
 * markers of a dense cluster cost nothing. Positions keep quarter-pixel
 * accuracy.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "util/util.h"

#define PHASES 4 /* sub-pixel positions per axis */
#define TILE 64  /* px */

typedef struct stamp {
    uint64_t key;
    int d;          /* width and height, px */
    int o;          /* marker centre offset, px (integer part) */
    int index;      /* position in stamp_cache.list */
    uint32_t *px;   /* d * d premultiplied ARGB */
    int16_t *span;  /* per row: first and last+1 non-zero column */
} stamp;

typedef struct stamp_cache {
    stamp **slots; /* open addressing; stamps themselves never move */
    size_t cap, n;
    stamp **list;  /* in creation order: items refer to them by index */
    size_t n_list, cap_list;
} stamp_cache;

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static void stamp_free(stamp *s)
{
    if (!s)
        return;
    free(s->px);
    free(s->span);
    free(s);
}

static void cache_free(stamp_cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        stamp_free(c->slots[i]);
    free(c->slots);
    free(c->list);
}

static int cache_grow(stamp_cache *c)
{
    size_t cap = c->cap ? 2 * c->cap : 64;
    stamp **ns = rm_callocarray(cap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i])
            continue;
        size_t j = mix(c->slots[i]->key) & (cap - 1);
        while (ns[j])
            j = (j + 1) & (cap - 1);
        ns[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = ns;
    c->cap = cap;
    return 0;
}

/* Render one marker into a new stamp. */
static stamp *make_stamp(uint64_t key, const rm__symbol *sym, double size_px,
                         double k, double phx, double phy)
{
    double sw = (rm__sym_stroke(sym).a > 0) ? sym->stroke_width * k : 0;
    int d = (int)ceil(size_px * 1.25 + sw) + 4;
    stamp *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->key = key;
    st->d = d;
    st->o = d / 2;
    st->px = rm_mallocarray((size_t)d * d, sizeof(uint32_t));
    st->span = rm_mallocarray((size_t)d * 2, sizeof(int16_t));
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, d, d);
    if (!st->px || !st->span || cairo_surface_status(s)) {
        cairo_surface_destroy(s);
        stamp_free(st);
        return NULL;
    }
    cairo_t *cr = cairo_create(s);
    cairo_translate(cr, st->o + phx, st->o + phy);
    cairo_scale(cr, k, k);
    rm__marker_draw(cr, sym, 0, 0, size_px / k);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < d; y++) {
        uint32_t *row = st->px + (size_t)y * d;
        memcpy(row, data + (size_t)y * stride, (size_t)d * sizeof(uint32_t));
        int a = 0, b = d;
        while (a < d && !row[a])
            a++;
        while (b > a && !row[b - 1])
            b--;
        st->span[2 * y] = (int16_t)a;
        st->span[2 * y + 1] = (int16_t)b;
    }
    cairo_surface_destroy(s);
    return st;
}

/* The stamp's index in c->list, or -1 when out of memory. */
static int cache_get(stamp_cache *c, int cls, const rm__symbol *sym,
                     double size_px, double k, int qx, int qy)
{
    /* Sizes in 1/8 px steps; coarser for big markers, where it does not
     * show, so size-by-value layers keep a small set of stamps. */
    int sq = size_px <= 24   ? (int)lround(size_px * 8)
             : size_px <= 96 ? (int)lround(size_px * 2) * 4
                             : (int)lround(size_px) * 8;
    if (sq < 1)
        sq = 1;
    if (sq > 8 * 400)
        sq = 8 * 400;
    uint64_t key = ((uint64_t)(uint32_t)cls << 32) |
                   ((uint64_t)(sq & 0xffffff) << 8) |
                   (uint64_t)(qy * PHASES + qx);
    if (c->cap) {
        size_t j = mix(key) & (c->cap - 1);
        while (c->slots[j]) {
            if (c->slots[j]->key == key)
                return c->slots[j]->index;
            j = (j + 1) & (c->cap - 1);
        }
    }
    if (((c->n + 1) * 2 > c->cap && cache_grow(c)) || c->n_list >= 32767 ||
        rm__grow((void **)&c->list, &c->cap_list, c->n_list + 1,
                 sizeof *c->list))
        return -1;
    stamp *st = make_stamp(key, sym, sq / 8.0, k, (double)qx / PHASES,
                           (double)qy / PHASES);
    if (!st)
        return -1;
    size_t j = mix(key) & (c->cap - 1);
    while (c->slots[j])
        j = (j + 1) & (c->cap - 1);
    c->slots[j] = st;
    c->n++;
    int idx = (int)c->n_list;
    c->list[c->n_list++] = st;
    st->index = idx;
    return idx;
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

/*
 * Put `st` under the tile buffer `tb` (TILE px wide, covering [bx0, bx0 +
 * bw) x [by0, by0 + bh) of the page) with its top-left at page (x0, y0):
 * t = t + s * (1 - alpha_t). Counts pixels that become opaque.
 */
static void blit_under(uint32_t *tb, const stamp *st, int x0, int y0, int bx0,
                       int by0, int bw, int bh, int *opaque)
{
    int ox = x0 - bx0, oy = y0 - by0;
    int sy0 = oy < 0 ? -oy : 0;
    int sy1 = oy + st->d > bh ? bh - oy : st->d;
    int lo = ox < 0 ? -ox : 0;
    int hi = ox + st->d > bw ? bw - ox : st->d;
    for (int y = sy0; y < sy1; y++) {
        int a = st->span[2 * y], b = st->span[2 * y + 1];
        if (a < lo)
            a = lo;
        if (b > hi)
            b = hi;
        uint32_t *t = tb + (size_t)(oy + y) * TILE + ox;
        const uint32_t *s = st->px + (size_t)y * st->d;
        for (int x = a; x < b; x++) {
            uint32_t tv = t[x], ta = tv >> 24, sp = s[x];
            if (ta == 255 || !sp)
                continue;
            tv += mul4(sp, 255u - ta);
            t[x] = tv;
            *opaque += (tv >> 24) == 255;
        }
    }
}

/* The tile buffer over the page pixels. */
static void tile_over(unsigned char *data, int stride, const uint32_t *tb,
                      int bx0, int by0, int bw, int bh)
{
    for (int y = 0; y < bh; y++) {
        uint32_t *d = (uint32_t *)(void *)(data + (size_t)(by0 + y) * stride) +
                      bx0;
        const uint32_t *t = tb + (size_t)y * TILE;
        for (int x = 0; x < bw; x++) {
            uint32_t sp = t[x];
            if (!sp)
                continue;
            uint32_t ia = 255u - (sp >> 24);
            d[x] = ia ? sp + mul4(d[x], ia) : sp;
        }
    }
}

/* One marker to composite: 8 bytes, so a million stay in cache lines. */
typedef struct item {
    int16_t x0, y0;  /* top-left, px (images are at most 32000 px) */
    uint32_t stamp;  /* index in stamp_cache.list */
} item;

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
    if (cx1 <= cx0 || cy1 <= cy0)
        return RM_OK;
    if (w > 32000 || h > 32000)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "page image of %d x %d px is too large for point "
                         "markers; lower the resolution",
                         w, h);
    const rm_layer *l = r->layer;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    size_t nf = rm_layer_feature_count(l);
    double B = xf->s * px_per_pt;
    double A = (xf->fx - ox - xf->ext.minx * xf->s) * px_per_pt;
    double C = (xf->fy - oy + xf->ext.maxy * xf->s) * px_per_pt;
    int tw = (cx1 - cx0 + TILE - 1) / TILE, th = (cy1 - cy0 + TILE - 1) / TILE;
    size_t ntiles = (size_t)tw * th;
    stamp_cache cache = {NULL, 0, 0, NULL, 0, 0};
    item *items = NULL;
    size_t n_items = 0, cap_items = 0;
    uint32_t *tile_start = rm_callocarray(ntiles + 1, sizeof *tile_start);
    item *order = NULL; /* items copied tile by tile: read in sequence */
    uint32_t *tbuf = NULL;
    int fixed_size = r->size_field < 0;
    int last[PHASES * PHASES];
    int last_cls = -1;
    int rc = RM_OK;
    if (!tile_start)
        goto oom;
    /* Pass 1: each visible point's stamp and position, in drawing order
     * (data order, or biggest first for proportional symbols). */
    for (size_t k = 0; k < nf; k++) {
        size_t f = r->order ? r->order[k] : k;
        int cls = r->row_class[f];
        if (!r->in_view[f] || cls < 0 || (show && !show[f]))
            continue;
        const rm__symbol *sym = &r->classes[cls];
        double size_px = rm__resolved_size(r, f) * px_per_pt;
        if (!fixed_size || cls != last_cls) {
            for (int i = 0; i < PHASES * PHASES; i++)
                last[i] = -1;
            last_cls = fixed_size ? cls : -1;
        }
        for (int64_t c = po[fo[f]]; c < po[fo[f + 1]]; c++) {
            double X = A + xy[2 * c] * B, Y = C - xy[2 * c + 1] * B;
            if (!(X > cx0 - 512 && X < cx1 + 512 && Y > cy0 - 512 &&
                  Y < cy1 + 512))
                continue;
            double fx = floor(X), fy = floor(Y);
            int qx = (int)((X - fx) * PHASES + 0.5);
            int qy = (int)((Y - fy) * PHASES + 0.5);
            if (size_px > 24) { /* big markers: whole pixels are enough */
                qx = qx >= PHASES / 2 ? PHASES : 0;
                qy = qy >= PHASES / 2 ? PHASES : 0;
            }
            int ix = (int)fx, iy = (int)fy;
            if (qx == PHASES) {
                qx = 0;
                ix++;
            }
            if (qy == PHASES) {
                qy = 0;
                iy++;
            }
            int si = last[qy * PHASES + qx];
            if (si < 0) {
                si = cache_get(&cache, cls, sym, size_px, px_per_pt, qx, qy);
                if (si < 0)
                    goto oom;
                if (fixed_size)
                    last[qy * PHASES + qx] = si;
            }
            const stamp *st = cache.list[si];
            int x0 = ix - st->o, y0 = iy - st->o;
            if (x0 >= cx1 || y0 >= cy1 || x0 + st->d <= cx0 ||
                y0 + st->d <= cy0)
                continue;
            if (rm__grow((void **)&items, &cap_items, n_items + 1,
                         sizeof *items))
                goto oom;
            item *it = &items[n_items++];
            it->x0 = (int16_t)x0;
            it->y0 = (int16_t)y0;
            it->stamp = (uint32_t)si;
            int tx0 = (x0 > cx0 ? x0 - cx0 : 0) / TILE;
            int ty0 = (y0 > cy0 ? y0 - cy0 : 0) / TILE;
            int tx1 = (x0 + st->d - 1 - cx0) / TILE;
            int ty1 = (y0 + st->d - 1 - cy0) / TILE;
            if (tx1 >= tw)
                tx1 = tw - 1;
            if (ty1 >= th)
                ty1 = th - 1;
            for (int ty = ty0; ty <= ty1; ty++)
                for (int tx = tx0; tx <= tx1; tx++)
                    tile_start[(size_t)ty * tw + tx + 1]++;
        }
    }
    /* Pass 2: bucket the items per tile, keeping data order. */
    for (size_t t = 0; t < ntiles; t++)
        tile_start[t + 1] += tile_start[t];
    order = rm_mallocarray(tile_start[ntiles] ? tile_start[ntiles] : 1,
                           sizeof *order);
    if (!order)
        goto oom;
    {
        uint32_t *fill = rm_mallocarray(ntiles ? ntiles : 1, sizeof *fill);
        if (!fill)
            goto oom;
        memcpy(fill, tile_start, ntiles * sizeof *fill);
        for (size_t i = 0; i < n_items; i++) {
            const item *it = &items[i];
            int x0 = it->x0, y0 = it->y0, d = cache.list[it->stamp]->d;
            int tx0 = (x0 > cx0 ? x0 - cx0 : 0) / TILE;
            int ty0 = (y0 > cy0 ? y0 - cy0 : 0) / TILE;
            int tx1 = (x0 + d - 1 - cx0) / TILE;
            int ty1 = (y0 + d - 1 - cy0) / TILE;
            if (tx1 >= tw)
                tx1 = tw - 1;
            if (ty1 >= th)
                ty1 = th - 1;
            for (int ty = ty0; ty <= ty1; ty++)
                for (int tx = tx0; tx <= tx1; tx++)
                    order[fill[(size_t)ty * tw + tx]++] = *it;
        }
        free(fill);
    }
    /* Pass 3: tile by tile, last point first, until the tile is opaque. */
    tbuf = rm_mallocarray(TILE * TILE, sizeof *tbuf);
    if (!tbuf)
        goto oom;
    for (int ty = 0; ty < th; ty++)
        for (int tx = 0; tx < tw; tx++) {
            size_t t = (size_t)ty * tw + tx;
            if (tile_start[t] == tile_start[t + 1])
                continue;
            int bx0 = cx0 + tx * TILE, by0 = cy0 + ty * TILE;
            int bw = (bx0 + TILE < cx1 ? bx0 + TILE : cx1) - bx0;
            int bh = (by0 + TILE < cy1 ? by0 + TILE : cy1) - by0;
            memset(tbuf, 0, TILE * TILE * sizeof *tbuf);
            int opaque = 0, all = bw * bh;
            for (uint32_t k = tile_start[t + 1]; k-- > tile_start[t];) {
                const item *it = &order[k];
                blit_under(tbuf, cache.list[it->stamp], it->x0, it->y0, bx0,
                           by0, bw, bh, &opaque);
                if (opaque == all)
                    break;
            }
            tile_over(data, stride, tbuf, bx0, by0, bw, bh);
        }
    goto done;
oom:
    rc = rm__error(ctx, RM_ENOMEM, NULL,
                   "out of memory drawing the point markers of %s",
                   rm_layer_name(l));
done:
    free(tbuf);
    free(items);
    free(order);
    free(tile_start);
    cache_free(&cache);
    cairo_surface_mark_dirty(img);
    return rc;
}
