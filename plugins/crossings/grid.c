/*
 * The uniform grid over the line segments, built once per run: a
 * compressed list of segments per cell, a summed-area table of those
 * counts (any box answered with four reads), and each cell's Chebyshev
 * distance to the nearest cell with a segment, which gives "safe boxes"
 * that a track can be checked against with four comparisons per vertex;
 * without approaches also a bordered occupancy array and one list per
 * 2 x 2 block of cells, where a short track segment finds its candidates.
 * What stays true: every cell a segment touches lists it (long segments
 * are registered piecewise with a safety margin), so an empty box is a
 * proof that no segment meets it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crossings_internal.h"
#include "routemap/errors.h"

#define MAX_CELLS (1u << 22)

void crossings_grid_free(crossings_grid *g)
{
    if (!g)
        return;
    free(g->cstart);
    free(g->items);
    free(g->sat);
    free(g->dist);
    free(g->bstart);
    free(g->bitems);
    free(g->occ);
    memset(g, 0, sizeof *g);
}

/* Cell range of the box [x0,x1] x [y0,y1], clamped to the grid. */
static void cell_box(const crossings_grid *g, double x0, double y0,
                     double x1, double y1, int *c)
{
    c[0] = crossings_grid_cx(g, x0);
    c[1] = crossings_grid_cy(g, y0);
    c[2] = crossings_grid_cx(g, x1);
    c[3] = crossings_grid_cy(g, y1);
    if (c[0] < 0)
        c[0] = 0;
    if (c[1] < 0)
        c[1] = 0;
    if (c[2] > g->w - 1)
        c[2] = g->w - 1;
    if (c[3] > g->h - 1)
        c[3] = g->h - 1;
}

/*
 * Call `fn` with the cell boxes that together cover segment p-q: its
 * bounding box when short, else the boxes of pieces at most one cell long,
 * each widened by a margin far above the rounding of the interpolation.
 */
typedef void (*box_fn)(crossings_grid *g, const int *box, uint32_t seg,
                       void *ud);

static void cover_segment(crossings_grid *g, const double *p,
                          const double *q, uint32_t seg, box_fn fn,
                          void *ud)
{
    double dx = q[0] - p[0], dy = q[1] - p[1];
    double len = hypot(dx, dy);
    int box[4];
    if (len <= 2.0 * g->cell) {
        cell_box(g, crossings_min(p[0], q[0]), crossings_min(p[1], q[1]),
                 crossings_max(p[0], q[0]), crossings_max(p[1], q[1]), box);
        fn(g, box, seg, ud);
        return;
    }
    double eps = 1e-6 * g->cell + 1e-9 * (fabs(p[0]) + fabs(p[1]) +
                                          fabs(q[0]) + fabs(q[1]));
    size_t n = (size_t)ceil(len / g->cell);
    double ax = p[0], ay = p[1];
    for (size_t k = 1; k <= n; k++) {
        double bx, by;
        if (k == n) {
            bx = q[0];
            by = q[1];
        } else {
            double t = (double)k / (double)n;
            bx = p[0] + t * dx;
            by = p[1] + t * dy;
        }
        cell_box(g, crossings_min(ax, bx) - eps, crossings_min(ay, by) - eps,
                 crossings_max(ax, bx) + eps, crossings_max(ay, by) + eps, box);
        fn(g, box, seg, ud);
        ax = bx;
        ay = by;
    }
}

/* Count pass: cstart[c+1] += 1 for each cell (pieces may repeat cells;
 * the fill pass skips repeats of the same segment). */
typedef struct fill_state {
    uint32_t *last; /* per cell: last segment registered + 1 */
    int counting;
    uint32_t *pos;
} fill_state;

static void count_or_fill(crossings_grid *g, const int *box, uint32_t seg,
                          void *ud)
{
    fill_state *st = ud;
    for (int cy = box[1]; cy <= box[3]; cy++) {
        for (int cx = box[0]; cx <= box[2]; cx++) {
            size_t c = (size_t)cy * (size_t)g->w + (size_t)cx;
            if (st->last[c] == seg + 1)
                continue;
            st->last[c] = seg + 1;
            if (st->counting)
                g->cstart[c + 1]++;
            else
                g->items[st->pos[c]++] = seg;
        }
    }
}

uint32_t crossings_grid_box_count(const crossings_grid *g, int cx0, int cy0,
                                  int cx1, int cy1)
{
    if (cx0 < 0)
        cx0 = 0;
    if (cy0 < 0)
        cy0 = 0;
    if (cx1 > g->w - 1)
        cx1 = g->w - 1;
    if (cy1 > g->h - 1)
        cy1 = g->h - 1;
    if (cx0 > cx1 || cy0 > cy1)
        return 0;
    size_t W = (size_t)g->w + 1;
    const uint32_t *s = g->sat;
    return s[(size_t)(cy1 + 1) * W + (size_t)(cx1 + 1)] -
           s[(size_t)(cy1 + 1) * W + (size_t)cx0] -
           s[(size_t)cy0 * W + (size_t)(cx1 + 1)] +
           s[(size_t)cy0 * W + (size_t)cx0];
}

/* Chebyshev distance transform: two raster passes over the 8
 * neighbours, exact for this metric; saturates at 255. */
static void distance_field(crossings_grid *g)
{
    int w = g->w, h = g->h;
    uint8_t *d = g->dist;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t c = (size_t)y * (size_t)w + (size_t)x;
            d[c] = g->cstart[c + 1] > g->cstart[c] ? 0 : 255;
        }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            size_t c = (size_t)y * (size_t)w + (size_t)x;
            int v = d[c];
            if (x > 0 && d[c - 1] + 1 < v)
                v = d[c - 1] + 1;
            if (y > 0) {
                const uint8_t *up = d + c - (size_t)w;
                if (up[0] + 1 < v)
                    v = up[0] + 1;
                if (x > 0 && up[-1] + 1 < v)
                    v = up[-1] + 1;
                if (x + 1 < w && up[1] + 1 < v)
                    v = up[1] + 1;
            }
            d[c] = (uint8_t)v;
        }
    }
    for (int y = h - 1; y >= 0; y--) {
        for (int x = w - 1; x >= 0; x--) {
            size_t c = (size_t)y * (size_t)w + (size_t)x;
            int v = d[c];
            if (x + 1 < w && d[c + 1] + 1 < v)
                v = d[c + 1] + 1;
            if (y + 1 < h) {
                const uint8_t *dn = d + c + (size_t)w;
                if (dn[0] + 1 < v)
                    v = dn[0] + 1;
                if (x + 1 < w && dn[1] + 1 < v)
                    v = dn[1] + 1;
                if (x > 0 && dn[-1] + 1 < v)
                    v = dn[-1] + 1;
            }
            d[c] = (uint8_t)v;
        }
    }
}

/* The occupancy and 2 x 2 block lists (see crossings_grid): a count pass
 * and a fill pass; `seen` keeps a segment of two cells from being listed
 * twice in a block. */
static int blocks_build(crossings_grid *g, const crossings_lines *l)
{
    size_t ow = (size_t)g->w + 2, nb = ow * ((size_t)g->h + 2);
    uint32_t *seen = calloc(l->n_verts ? l->n_verts : 1, sizeof *seen);
    g->bstart = calloc(nb + 1, sizeof *g->bstart);
    g->occ = calloc(nb + ow + 1, 1); /* + a row: see `any` below */
    if (!seen || !g->bstart || !g->occ) {
        free(seen);
        return RM_ENOMEM;
    }
    for (int cy = 0; cy < g->h; cy++)
        for (int cx = 0; cx < g->w; cx++)
            g->occ[crossings_grid_bcell(g, cx, cy)] =
                g->dist[(size_t)cy * (size_t)g->w + (size_t)cx] == 0;
    uint64_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int by = -1; by <= g->h; by++) {
            for (int bx = -1; bx <= g->w; bx++) {
                size_t b = crossings_grid_bcell(g, bx, by);
                uint32_t n = 0;
                /* Most blocks are empty, as their cells say (past the
                 * last column or row, the border's zeros and the zeroed
                 * extra row). */
                const uint8_t *o = g->occ + b;
                int any = o[0] | o[1] | o[ow] | o[ow + 1];
                for (int cy = by; any && cy <= by + 1; cy++) {
                    for (int cx = bx; cx <= bx + 1; cx++) {
                        if (cx < 0 || cy < 0 || cx >= g->w || cy >= g->h)
                            continue;
                        size_t c = (size_t)cy * (size_t)g->w + (size_t)cx;
                        for (uint32_t k = g->cstart[c];
                             k < g->cstart[c + 1]; k++) {
                            uint32_t s = g->items[k];
                            if (seen[s] == (uint32_t)b + 1)
                                continue;
                            seen[s] = (uint32_t)b + 1;
                            if (pass == 1)
                                g->bitems[g->bstart[b] + n] = s;
                            n++;
                        }
                    }
                }
                if (pass == 0) {
                    total += n;
                    if (total >= UINT32_MAX) {
                        free(seen);
                        return RM_ENOMEM;
                    }
                    g->bstart[b + 1] = (uint32_t)total;
                }
            }
        }
        if (pass == 0) {
            g->bitems =
                malloc((size_t)(total ? total : 1) * sizeof *g->bitems);
            if (!g->bitems) {
                free(seen);
                return RM_ENOMEM;
            }
            memset(seen, 0, (l->n_verts ? l->n_verts : 1) * sizeof *seen);
        }
    }
    free(seen);
    return RM_OK;
}

int crossings_grid_build(crossings_grid *out, const crossings_lines *l,
                         double track_step, double approach)
{
    crossings_grid *g = out;
    memset(g, 0, sizeof *g);
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY,
           maxy = -INFINITY, total = 0.0;
    size_t nseg = 0;
    for (size_t i = 0; i < l->n_verts; i++) {
        minx = crossings_min(minx, l->xy[2 * i]);
        maxx = crossings_max(maxx, l->xy[2 * i]);
        miny = crossings_min(miny, l->xy[2 * i + 1]);
        maxy = crossings_max(maxy, l->xy[2 * i + 1]);
    }
    for (size_t k = 0; k < l->n_lines; k++) {
        total += l->length[k];
        nseg += l->start[k + 1] - l->start[k] - 1;
    }
    if (nseg == 0 || l->n_verts >= UINT32_MAX)
        return RM_EINVAL;
    double width = maxx - minx, height = maxy - miny;
    double cell = total / (double)nseg;
    if (track_step > cell)
        cell = track_step;
    double floor_cell =
        1e-9 * crossings_max(crossings_max(width, height), 1.0);
    if (!(cell > floor_cell))
        cell = floor_cell;
    int margin;
    for (;;) {
        g->pad = approach > 0.0 ? (int)ceil(approach / cell) + 1 : 0;
        margin = g->pad + 2;
        double fw = floor(width / cell) + 2.0 * margin + 1.0;
        double fh = floor(height / cell) + 2.0 * margin + 1.0;
        if (fw * fh <= (double)MAX_CELLS)
            break;
        cell *= 1.25;
    }
    g->cell = cell;
    g->inv = 1.0 / cell;
    g->x0 = minx - margin * cell;
    g->y0 = miny - margin * cell;
    g->w = (int)(floor(width / cell) + 2.0 * margin + 1.0);
    g->h = (int)(floor(height / cell) + 2.0 * margin + 1.0);
    g->eps = 1e-6 * cell + 1e-12 * (fabs(g->x0) + fabs(g->y0) +
                                    fabs(maxx) + fabs(maxy));
    size_t ncell = (size_t)g->w * (size_t)g->h;
    g->cstart = calloc(ncell + 1, sizeof *g->cstart);
    uint32_t *last = calloc(ncell, sizeof *last);
    uint32_t *pos = NULL;
    fill_state st = {last, 1, NULL};
    if (!g->cstart || !last)
        goto nomem;
    for (size_t k = 0; k < l->n_lines; k++)
        for (size_t s = l->start[k]; s + 1 < l->start[k + 1]; s++)
            cover_segment(g, l->xy + 2 * s, l->xy + 2 * s + 2, (uint32_t)s,
                          count_or_fill, &st);
    uint64_t run = 0;
    for (size_t c = 0; c < ncell; c++) {
        run += g->cstart[c + 1];
        if (run >= UINT32_MAX)
            goto nomem;
        g->cstart[c + 1] = (uint32_t)run;
    }
    g->items = malloc((size_t)(run ? run : 1) * sizeof *g->items);
    pos = malloc(ncell * sizeof *pos);
    if (!g->items || !pos)
        goto nomem;
    memcpy(pos, g->cstart, ncell * sizeof *pos);
    memset(last, 0, ncell * sizeof *last);
    st.counting = 0;
    st.pos = pos;
    for (size_t k = 0; k < l->n_lines; k++)
        for (size_t s = l->start[k]; s + 1 < l->start[k + 1]; s++)
            cover_segment(g, l->xy + 2 * s, l->xy + 2 * s + 2, (uint32_t)s,
                          count_or_fill, &st);
    free(pos);
    pos = NULL;
    free(last);
    last = NULL;

    /* Summed-area table, then the distance field. */
    size_t W = (size_t)g->w + 1, H = (size_t)g->h + 1;
    g->sat = calloc(W * H, sizeof *g->sat);
    g->dist = malloc(ncell);
    if (!g->sat || !g->dist)
        goto nomem;
    for (size_t cy = 0; cy < (size_t)g->h; cy++) {
        uint32_t row = 0;
        for (size_t cx = 0; cx < (size_t)g->w; cx++) {
            size_t c = cy * (size_t)g->w + cx;
            row += g->cstart[c + 1] - g->cstart[c];
            g->sat[(cy + 1) * W + cx + 1] = g->sat[cy * W + cx + 1] + row;
        }
    }
    distance_field(g);
    if (g->pad == 0 && blocks_build(g, l) != RM_OK)
        goto nomem;
    return RM_OK;
nomem:
    free(last);
    free(pos);
    crossings_grid_free(g);
    return RM_ENOMEM;
}

int crossings_grid_safe(const crossings_grid *g, double x, double y,
                        crossings_box *b)
{
    crossings_grid_safe_box(g, x, y, b);
    return b->x0 <= b->x1;
}

int crossings_grid_segment_may_touch(const crossings_grid *g,
                                     const double *p, const double *q)
{
    if (!(p[0] == p[0]) || !(p[1] == p[1]) || !(q[0] == q[0]) ||
        !(q[1] == q[1]))
        return 0; /* a segment with an unknown end is no segment */
    int cx0 = crossings_grid_cx(g, crossings_min(p[0], q[0]));
    int cy0 = crossings_grid_cy(g, crossings_min(p[1], q[1]));
    int cx1 = crossings_grid_cx(g, crossings_max(p[0], q[0]));
    int cy1 = crossings_grid_cy(g, crossings_max(p[1], q[1]));
    return crossings_grid_box_count(g, cx0 - g->pad, cy0 - g->pad,
                                    cx1 + g->pad, cy1 + g->pad) != 0;
}

size_t crossings_grid_run_may_touch(const crossings_grid *g,
                                    const double *xy, size_t n)
{
    if (n < 2)
        return 0;
    crossings_box b;
    crossings_grid_safe_box(g, xy[0], xy[1], &b);
    for (size_t k = 1;; k++) {
        /* Both ends in the safe box: the segment is in it too. */
        k = crossings_box_leave(&b, xy, k, n);
        if (k >= n)
            return 0;
        if (crossings_grid_segment_may_touch(g, xy + 2 * k - 2, xy + 2 * k))
            return k; /* segment k - 1, plus one */
        crossings_grid_safe_box(g, xy[2 * k], xy[2 * k + 1], &b);
    }
}
