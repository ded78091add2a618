/*
 * Cell masks to polygons: rings traced along cell edges with the inside
 * on the left (outer rings counter-clockwise, holes clockwise), turning
 * left at a corner where two inside cells touch only diagonally, so every
 * polygon is one 4-connected group of cells and rings meet at most in a
 * corner. Also the 4-connected component labelling used to group rings.
 */
#include <stdlib.h>
#include <string.h>

#include "cr.h"

typedef struct win {
    const uint8_t *mask;
    uint8_t value;
    int W;              /* grid width (mask stride) */
    int r0, c0, h, w;   /* window of the mask, rows and columns */
} win;

static inline int inside(const win *v, int r, int c)
{
    if (r < 0 || c < 0 || r >= v->h || c >= v->w)
        return 0;
    return v->mask[(size_t)(r + v->r0) * v->W + (size_t)(c + v->c0)] ==
           v->value;
}

static int64_t label_window(const win *v, uint32_t *label)
{
    size_t n = (size_t)v->w * (size_t)v->h;
    memset(label, 0, n * sizeof *label);
    uint32_t *stack = NULL;
    size_t cap = 0, top = 0;
    uint32_t next = 0;
    for (size_t s = 0; s < n; s++) {
        int sr = (int)(s / (size_t)v->w), sc = (int)(s % (size_t)v->w);
        if (label[s] || !inside(v, sr, sc))
            continue;
        next++;
        label[s] = next;
        top = 0;
        if (cap == 0) {
            cap = 1024;
            stack = malloc(cap * sizeof *stack);
            if (!stack)
                return -1;
        }
        stack[top++] = (uint32_t)s;
        while (top > 0) {
            uint32_t i = stack[--top];
            int r = (int)(i / (uint32_t)v->w), c = (int)(i % (uint32_t)v->w);
            static const int DR[4] = {0, -1, 0, 1}, DC[4] = {1, 0, -1, 0};
            for (int k = 0; k < 4; k++) {
                int rr = r + DR[k], cc = c + DC[k];
                if (!inside(v, rr, cc))
                    continue;
                size_t j = (size_t)rr * v->w + (size_t)cc;
                if (label[j])
                    continue;
                label[j] = next;
                if (top == cap) {
                    uint32_t *t = realloc(stack, 2 * cap * sizeof *t);
                    if (!t) {
                        free(stack);
                        return -1;
                    }
                    stack = t;
                    cap *= 2;
                }
                stack[top++] = (uint32_t)j;
            }
        }
    }
    free(stack);
    return next;
}

int64_t cr_components(const cr_grid *g, const uint8_t *mask,
                      uint32_t *label)
{
    /* Any nonzero cell: copy the mask into 0/1 on the fly. */
    size_t n = cr_cells(g);
    uint8_t *m = malloc(n ? n : 1);
    if (!m)
        return -1;
    for (size_t i = 0; i < n; i++)
        m[i] = mask[i] != 0;
    win v = {m, 1, g->w, 0, 0, g->h, g->w};
    int64_t k = label_window(&v, label);
    free(m);
    return k;
}

/* ---- ring tracing -------------------------------------------------------
 * Directions in map axes: 0 east, 1 north, 2 west, 3 south. The edge of
 * cell (r, c) on side d (0 bottom, 1 right, 2 top, 3 left) runs in
 * direction d with the cell on its left; vertices are (column, row) of
 * cell corners, rows counted down. */

typedef struct ringbuf {
    double *xy;
    size_t n, cap;
} ringbuf;

static int put(ringbuf *b, double x, double y)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        double *t = realloc(b->xy, 2 * cap * sizeof *t);
        if (!t)
            return -1;
        b->xy = t;
        b->cap = cap;
    }
    b->xy[2 * b->n] = x;
    b->xy[2 * b->n + 1] = y;
    b->n++;
    return 0;
}

/* End vertex of edge (r, c, d). */
static void edge_end(int r, int c, int d, int *vr, int *vc)
{
    static const int ER[4] = {1, 0, 0, 1}, EC[4] = {1, 1, 0, 0};
    *vr = r + ER[d];
    *vc = c + EC[d];
}

/* The edge leaving vertex (vr, vc) in direction d, if it exists. */
static int edge_from(const win *v, int vr, int vc, int d, int *r, int *c)
{
    switch (d) {
    case 0: *r = vr - 1; *c = vc; /* bottom of the upper-right cell */
        return inside(v, vr - 1, vc) && !inside(v, vr, vc);
    case 1: *r = vr - 1; *c = vc - 1; /* right of the upper-left cell */
        return inside(v, vr - 1, vc - 1) && !inside(v, vr - 1, vc);
    case 2: *r = vr; *c = vc - 1; /* top of the lower-left cell */
        return inside(v, vr, vc - 1) && !inside(v, vr - 1, vc - 1);
    default: *r = vr; *c = vc; /* left of the lower-right cell */
        return inside(v, vr, vc) && !inside(v, vr, vc - 1);
    }
}

static int has_edge(const win *v, int r, int c, int d)
{
    static const int NR[4] = {1, 0, -1, 0}, NC[4] = {0, 1, 0, -1};
    return inside(v, r, c) && !inside(v, r + NR[d], c + NC[d]);
}

typedef struct ringset {
    cr_rings *out;
    size_t cap_rings, cap_xy, n_xy;
    uint32_t *comp; /* component of each ring */
} ringset;

static int add_ring(ringset *s, const ringbuf *b, uint32_t comp)
{
    cr_rings *o = s->out;
    if (o->n + 2 > s->cap_rings) {
        size_t cap = s->cap_rings ? 2 * s->cap_rings : 64;
        int64_t *off = realloc(o->off, (cap + 1) * sizeof *off);
        if (!off)
            return -1;
        o->off = off;
        uint32_t *cp = realloc(s->comp, cap * sizeof *cp);
        if (!cp)
            return -1;
        s->comp = cp;
        s->cap_rings = cap;
    }
    if (s->n_xy + b->n > s->cap_xy) {
        size_t cap = s->cap_xy ? s->cap_xy : 1024;
        while (cap < s->n_xy + b->n)
            cap *= 2;
        double *xy = realloc(o->xy, 2 * cap * sizeof *xy);
        if (!xy)
            return -1;
        o->xy = xy;
        s->cap_xy = cap;
    }
    memcpy(o->xy + 2 * s->n_xy, b->xy, 2 * b->n * sizeof(double));
    o->off[o->n] = (int64_t)s->n_xy;
    s->n_xy += b->n;
    s->comp[o->n] = comp;
    o->n++;
    o->off[o->n] = (int64_t)s->n_xy;
    return 0;
}

static double ring_area2(const double *xy, size_t n)
{
    double a = 0;
    for (size_t k = 0; k + 1 < n; k++)
        a += xy[2 * k] * xy[2 * k + 3] - xy[2 * k + 2] * xy[2 * k + 1];
    return a;
}

/* Trace the ring through edge (r, c, d); marks the edges it walks. */
static int trace_ring(const cr_grid *g, const win *v, uint8_t *seen, int r,
                      int c, int d, ringbuf *b)
{
    b->n = 0;
    int sr = r, sc = c, sd = d;
    int pd = -1;
    /* A vertex at the start of each run of edges in one direction. */
    for (;;) {
        seen[(size_t)r * v->w + c] |= (uint8_t)(1u << d);
        if (d != pd) {
            /* The corner where edge d of cell (r, c) starts. */
            static const int SR[4] = {1, 1, 0, 0}, SC[4] = {0, 1, 1, 0};
            int vr = r + SR[d], vc = c + SC[d];
            double x = g->x0 + (double)(vc + v->c0) * g->res;
            double y = g->y0 - (double)(vr + v->r0) * g->res;
            if (put(b, x, y))
                return -1;
            pd = d;
        }
        int vr, vc;
        edge_end(r, c, d, &vr, &vc);
        static const int TURN[3] = {1, 0, 3};
        int found = 0;
        for (int t = 0; t < 3 && !found; t++) {
            int nd = (d + TURN[t]) % 4, nr, nc;
            if (edge_from(v, vr, vc, nd, &nr, &nc)) {
                r = nr;
                c = nc;
                d = nd;
                found = 1;
            }
        }
        if (!found)
            return -1; /* cannot happen on a consistent mask */
        if (r == sr && c == sc && d == sd)
            break;
    }
    /* Close the ring; the first vertex may be mid-run if the run wraps. */
    if (b->n >= 3 && pd == sd) {
        /* The last run continues the first: drop the first vertex. */
        memmove(b->xy, b->xy + 2, 2 * (b->n - 1) * sizeof(double));
        b->n--;
    }
    return put(b, b->xy[0], b->xy[1]);
}

int cr_polygonize(const cr_grid *g, const uint8_t *mask, uint8_t value,
                  cr_rings *out)
{
    memset(out, 0, sizeof *out);
    /* The window holding the value's cells. */
    int r0 = g->h, r1 = -1, c0 = g->w, c1 = -1;
    for (int r = 0; r < g->h; r++) {
        const uint8_t *row = mask + (size_t)r * g->w;
        for (int c = 0; c < g->w; c++)
            if (row[c] == value) {
                if (r < r0)
                    r0 = r;
                r1 = r;
                if (c < c0)
                    c0 = c;
                if (c > c1)
                    c1 = c;
            }
    }
    if (r1 < 0)
        return 0;
    win v = {mask, value, g->w, r0, c0, r1 - r0 + 1, c1 - c0 + 1};
    size_t n = (size_t)v.w * (size_t)v.h;
    uint32_t *label = malloc(n * sizeof *label);
    uint8_t *seen = calloc(n, 1);
    ringset s;
    memset(&s, 0, sizeof s);
    s.out = out;
    ringbuf b = {NULL, 0, 0};
    int64_t n_comp = label && seen ? label_window(&v, label) : -1;
    int rc = n_comp < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int r = (int)(i / (size_t)v.w), c = (int)(i % (size_t)v.w);
        if (!label[i])
            continue;
        for (int d = 0; rc == 0 && d < 4; d++) {
            if (seen[i] & (1u << d) || !has_edge(&v, r, c, d))
                continue;
            rc = trace_ring(g, &v, seen, r, c, d, &b);
            if (rc == 0)
                rc = add_ring(&s, &b, label[i]);
        }
    }
    /* Order: each component's outer ring, then its holes. */
    if (rc == 0 && out->n > 0) {
        size_t nr = out->n;
        int64_t *off = malloc((nr + 1) * sizeof *off);
        double *xy = malloc(2 * s.n_xy * sizeof *xy);
        uint8_t *outer = malloc(nr);
        int *poly = malloc(nr * sizeof *poly);
        uint32_t *comp = malloc(nr * sizeof *comp);
        size_t *order = malloc(nr * sizeof *order);
        /* Counting sort by component, outer ring first within it. */
        size_t *start = calloc((size_t)n_comp + 2, sizeof *start);
        if (!off || !xy || !outer || !poly || !comp || !order || !start) {
            rc = -1;
        } else {
            for (size_t k = 0; k < nr; k++)
                start[s.comp[k] + 1]++;
            for (int64_t k = 1; k <= n_comp + 1; k++)
                start[k] += start[k - 1];
            size_t *fill = calloc((size_t)n_comp + 1, sizeof *fill);
            if (!fill)
                rc = -1;
            for (int pass = 0; rc == 0 && pass < 2; pass++)
                for (size_t k = 0; k < nr; k++) {
                    const double *p = out->xy + 2 * out->off[k];
                    size_t m = (size_t)(out->off[k + 1] - out->off[k]);
                    int is_outer = ring_area2(p, m) > 0;
                    if (is_outer == (pass == 0))
                        order[start[s.comp[k]] + fill[s.comp[k]]++] = k;
                }
            free(fill);
            size_t pos = 0;
            int npoly = 0;
            for (size_t j = 0; rc == 0 && j < nr; j++) {
                size_t k = order[j];
                const double *p = out->xy + 2 * out->off[k];
                size_t m = (size_t)(out->off[k + 1] - out->off[k]);
                off[j] = (int64_t)pos;
                memcpy(xy + 2 * pos, p, 2 * m * sizeof *xy);
                pos += m;
                outer[j] = ring_area2(p, m) > 0;
                if (outer[j] || npoly == 0)
                    npoly++;
                poly[j] = npoly - 1;
                comp[j] = s.comp[k];
            }
            off[nr] = (int64_t)pos;
            free(out->xy);
            free(out->off);
            out->xy = xy;
            out->off = off;
            out->outer = outer;
            out->poly = poly;
            out->comp = comp;
            out->n_poly = (size_t)npoly;
            comp = NULL;
            xy = NULL;
            off = NULL;
            outer = NULL;
            poly = NULL;
        }
        free(off);
        free(xy);
        free(outer);
        free(poly);
        free(comp);
        free(order);
        free(start);
    }
    free(s.comp);
    free(b.xy);
    free(label);
    free(seen);
    if (rc)
        cr_rings_free(out);
    return rc;
}

void cr_rings_free(cr_rings *r)
{
    free(r->xy);
    free(r->off);
    free(r->outer);
    free(r->poly);
    free(r->comp);
    memset(r, 0, sizeof *r);
}
