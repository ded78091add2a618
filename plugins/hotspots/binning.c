/*
 * The analysed cell set: dense per-cell arrays over the lattice range
 * (membership, incident counts, weight sums) and the binning of points into
 * them in O(1) per point. Only the unpadded interior of the range takes
 * points, so every member keeps `pad` cells of margin for stencils.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hs.h"

int hs_cells_init(hs_cells *c, const hs_lattice *L)
{
    memset(c, 0, sizeof *c);
    c->L = *L;
    c->n_dense = L->w * L->h;
    size_t n = (size_t)c->n_dense;
    c->member = hs_calloc(n, 1);
    c->count = hs_calloc(n, sizeof *c->count);
    c->weight = hs_calloc(n, sizeof *c->weight);
    if (!c->member || !c->count || !c->weight) {
        hs_cells_free(c);
        return -1;
    }
    return 0;
}

void hs_cells_free(hs_cells *c)
{
    free(c->member);
    free(c->count);
    free(c->weight);
    free(c->list);
    memset(c, 0, sizeof *c);
}

void hs_cells_bin(hs_cells *c, const double *xy, const double *w,
                  const uint8_t *keep, size_t n, size_t *out_outside)
{
    const hs_lattice *L = &c->L;
    int64_t lo_q = L->q0 + L->pad, hi_q = L->q0 + L->w - L->pad;
    int64_t lo_r = L->r0 + L->pad, hi_r = L->r0 + L->h - L->pad;
    size_t outside = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep && !keep[i])
            continue;
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (!isfinite(x) || !isfinite(y)) {
            outside++;
            continue;
        }
        int64_t q, r;
        hs_lattice_cell(L, x, y, &q, &r);
        if (q < lo_q || q >= hi_q || r < lo_r || r >= hi_r) {
            outside++;
            continue;
        }
        int64_t k = (r - L->r0) * L->w + (q - L->q0);
        c->count[k]++;
        c->weight[k] += w ? w[i] : 1.0;
    }
    if (out_outside)
        *out_outside = outside;
}

int hs_cells_relist(hs_cells *c)
{
    size_t n = 0;
    for (int64_t k = 0; k < c->n_dense; k++)
        n += c->member[k] != 0;
    int64_t *list = hs_alloc(n ? n : 1, sizeof *list);
    if (!list)
        return -1;
    size_t j = 0;
    for (int64_t k = 0; k < c->n_dense; k++)
        if (c->member[k])
            list[j++] = k;
    free(c->list);
    c->list = list;
    c->n = n;
    return 0;
}

int hs_cells_repad(hs_cells *c, int pad)
{
    if (pad <= c->L.pad)
        return 0;
    hs_lattice L = c->L;
    int64_t grow = pad - c->L.pad;
    L.q0 -= grow;
    L.r0 -= grow;
    L.w += 2 * grow;
    L.h += 2 * grow;
    L.pad = pad;
    hs_cells nc;
    if (hs_cells_init(&nc, &L))
        return -1;
    for (int64_t r = 0; r < c->L.h; r++) {
        size_t from = (size_t)(r * c->L.w);
        size_t to = (size_t)((r + grow) * L.w + grow);
        size_t w = (size_t)c->L.w;
        memcpy(nc.member + to, c->member + from, w);
        memcpy(nc.count + to, c->count + from, w * sizeof *nc.count);
        memcpy(nc.weight + to, c->weight + from, w * sizeof *nc.weight);
    }
    if (hs_cells_relist(&nc)) {
        hs_cells_free(&nc);
        return -1;
    }
    hs_cells_free(c);
    *c = nc;
    return 0;
}

double *hs_cells_values(const hs_cells *c, int use_weight)
{
    double *x = hs_calloc((size_t)c->n_dense, sizeof *x);
    if (!x)
        return NULL;
    for (size_t k = 0; k < c->n; k++) {
        int64_t i = c->list[k];
        x[i] = use_weight ? c->weight[i] : (double)c->count[i];
    }
    return x;
}
