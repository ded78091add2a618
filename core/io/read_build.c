/*
 * Direct, bulk writes into a layer under construction (the reader's side
 * of layer_internal.h): capacity for whole batches, typed cell writes,
 * and the final compaction that removes rejected features. After every
 * call the layer keeps the invariants stated in layer_internal.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_internal.h"
#include "layer/layer_internal.h"
#include "util/util.h"

#define BIG_FRESH 65536 /* features: allocate exactly, huge-page backed */

/* An array for a big layer, huge-page backed (see rm__alloc_big). */
static void *big_array(size_t n, size_t size, int zeroed)
{
    return rm__alloc_big(n ? n : 1, size, zeroed);
}

#define REPLACE(member, np)                                                  \
    do {                                                                     \
        free(member);                                                        \
        (member) = (np);                                                     \
    } while (0)

/* Give column `c` its values array `vals` (of its type), freeing the
 * old one. */
static void set_values(rm__column *c, void *vals)
{
    switch (c->type) {
    case RM_FIELD_INT:
    case RM_FIELD_DATETIME:
        REPLACE(c->ints, vals);
        break;
    case RM_FIELD_REAL: /* NaN written with each row (rd_set_null) */
        REPLACE(c->reals, vals);
        break;
    case RM_FIELD_BOOL:
        REPLACE(c->bools, vals);
        break;
    case RM_FIELD_STRING:
        REPLACE(c->str_off, vals);
        break;
    }
}

/* Where the next array of a slab goes (`base` NULL: only counting), each
 * on a cache line of its own. */
#define SLAB_ALIGN 64
static void *place(char *base, size_t *at, size_t bytes)
{
    void *p = base ? base + *at : NULL;
    *at += (bytes + SLAB_ALIGN - 1) / SLAB_ALIGN * SLAB_ALIGN;
    return p;
}

/*
 * The arrays of `n` single points laid out from `base` (NULL: only
 * counting), the offsets and outer flags last, so that their pages stay
 * untouched while they are unwritten (lazy_points). @return the bytes.
 */
static size_t lay_out_points(rm_layer *l, size_t n, char *base)
{
    size_t at = 0;
    double *xy = place(base, &at, n * 2 * sizeof *xy);
    int64_t *fids = place(base, &at, n * sizeof *fids);
    for (int i = 0; i < l->n_fields; i++) {
        rm__column *c = &l->fields[i];
        size_t size = c->type == RM_FIELD_BOOL ? 1 : sizeof(int64_t);
        void *vals = place(base, &at,
                           (n + (c->type == RM_FIELD_STRING)) * size);
        uint8_t *valid = place(base, &at, n);
        if (base) {
            set_values(c, vals);
            REPLACE(c->valid, valid);
        }
    }
    int64_t *feat_off = place(base, &at, (n + 1) * sizeof *feat_off);
    int64_t *part_off = place(base, &at, (n + 1) * sizeof *part_off);
    uint8_t *outer = place(base, &at, n);
    if (base) {
        REPLACE(l->xy, xy);
        REPLACE(l->fids, fids);
        REPLACE(l->feat_off, feat_off);
        REPLACE(l->part_off, part_off);
        REPLACE(l->part_outer, outer);
    }
    return at;
}

/*
 * First reservation of an empty layer of `n` single points: every array
 * in one zeroed slab (layer_slab.c), advised for huge pages from end to
 * end; arrays allocated one by one lose up to 2 MiB at each end to small
 * pages, which cost about four times as much to fault in when the huge
 * pages are at hand (measured: 30 MB of a 76 MB layer; 76 MB took 33 ms
 * in small pages, 8 ms in huge ones; read_pages.c for when they are not).
 * @return RM_OK, or 1 when there is no slab (nothing changed).
 */
static int fresh_points(rm_layer *l, size_t n)
{
    if (l->slab || n > SIZE_MAX / 64 / ((size_t)l->n_fields + 4))
        return 1;
    size_t bytes = lay_out_points(l, n, NULL);
    if (rm__layer_slab_create(l, bytes) != RM_OK)
        return 1;
    if (!l->slab_mapped)
        memset(l->slab, 0, bytes);
    lay_out_points(l, n, l->slab);
    l->cap_features = l->cap_parts = l->cap_coords = n;
    atomic_store(&l->lazy_points, 1);
    return RM_OK;
}

/* First reservation of an empty layer: exact sizes, fresh arrays. */
static int fresh_reserve(rm_layer *l, size_t nf, size_t np, size_t nc)
{
    if (np == nf && nc == nf && fresh_points(l, nf) == RM_OK)
        return RM_OK;
    int64_t *fids = big_array(nf, sizeof *fids, 0);
    int64_t *feat_off = big_array(nf + 1, sizeof *feat_off, 0);
    if (!fids || !feat_off) {
        free(fids);
        free(feat_off);
        return RM_ENOMEM;
    }
    feat_off[0] = 0;
    for (int i = 0; i < l->n_fields; i++) {
        rm__column *c = &l->fields[i];
        uint8_t *valid = big_array(nf, 1, 1);
        void *vals = NULL;
        if (valid) {
            switch (c->type) {
            case RM_FIELD_INT:
            case RM_FIELD_DATETIME:
                vals = big_array(nf, sizeof(int64_t), 1);
                break;
            case RM_FIELD_REAL:
                vals = big_array(nf, sizeof(double), 0);
                break;
            case RM_FIELD_BOOL:
                vals = big_array(nf, 1, 1);
                break;
            case RM_FIELD_STRING:
                vals = big_array(nf + 1, sizeof(int64_t), 0);
                break;
            }
        }
        if (!valid || !vals) {
            free(valid);
            free(vals);
            free(fids);
            free(feat_off);
            return RM_ENOMEM;
        }
        if (c->type == RM_FIELD_STRING)
            ((int64_t *)vals)[0] = 0;
        set_values(c, vals);
        REPLACE(c->valid, valid);
    }
    REPLACE(l->fids, fids);
    REPLACE(l->feat_off, feat_off);
    l->cap_features = nf;
    if (np > l->cap_parts) {
        int64_t *part_off = big_array(np + 1, sizeof *part_off, 0);
        uint8_t *outer = big_array(np, 1, 0);
        if (!part_off || !outer) {
            free(part_off);
            free(outer);
            return RM_ENOMEM;
        }
        part_off[0] = 0;
        REPLACE(l->part_off, part_off);
        REPLACE(l->part_outer, outer);
        l->cap_parts = np;
    }
    if (nc > l->cap_coords) {
        double *xy = big_array(nc, 2 * sizeof *xy, 0);
        if (!xy)
            return RM_ENOMEM;
        REPLACE(l->xy, xy);
        l->cap_coords = nc;
    }
    /* Points: the offsets stay unwritten (untouched pages) until asked
     * for; rd_commit_feature writes them before a feature of any other
     * shape. */
    if (np == nf && nc == nf)
        atomic_store(&l->lazy_points, 1);
    return RM_OK;
}

int rd_layer_reserve(rd_reader *r, size_t features, size_t parts,
                     size_t coords, int times)
{
    rm_layer *l = r->out;
    if (coords > l->cap_coords && r->proj)
        rd_proj_sync(r); /* the background thread works on l->xy */
    if (features > l->cap_features || parts > l->cap_parts ||
        coords > l->cap_coords)
        rd_pages_stop(r); /* the arrays are about to move */
    int rc = RM_OK;
    if (l->n_features == 0 && l->n_parts == 0 && l->n_coords == 0 &&
        !l->vtime && features >= BIG_FRESH && features > l->cap_features)
        rc = fresh_reserve(l, features, parts, coords);
    if (rc || rm__layer_reserve(l, features, parts, coords))
        return rd_error(r, RM_ENOMEM, -1,
                        "out of memory reading %zu features; read a "
                        "smaller area or period",
                        features);
    if (times && !l->vtime) {
        l->vtime = rm_mallocarray(l->cap_coords ? l->cap_coords : 1,
                                  sizeof *l->vtime);
        if (!l->vtime)
            return rd_error(r, RM_ENOMEM, -1, "out of memory");
        for (size_t i = 0; i < l->n_coords; i++)
            l->vtime[i] = NAN;
    }
    return RM_OK;
}

void rd_set_null(rm_layer *l, int col, size_t row)
{
    rm__column *c = &l->fields[col];
    c->valid[row] = 0;
    switch (c->type) {
    case RM_FIELD_INT:
    case RM_FIELD_DATETIME:
        c->ints[row] = 0;
        break;
    case RM_FIELD_REAL:
        c->reals[row] = NAN;
        break;
    case RM_FIELD_BOOL:
        c->bools[row] = 0;
        break;
    case RM_FIELD_STRING:
        break;
    }
}

void rd_set_int(rm_layer *l, int col, size_t row, int64_t v)
{
    l->fields[col].ints[row] = v;
    l->fields[col].valid[row] = 1;
}

void rd_set_real(rm_layer *l, int col, size_t row, double v)
{
    l->fields[col].reals[row] = v;
    l->fields[col].valid[row] = !isnan(v);
}

void rd_set_bool(rm_layer *l, int col, size_t row, int v)
{
    l->fields[col].bools[row] = v != 0;
    l->fields[col].valid[row] = 1;
}

int rd_set_string(rm_layer *l, int col, size_t row, const char *s,
                  size_t len)
{
    rm__column *c = &l->fields[col];
    c->str_len = (size_t)c->str_off[row];
    if (s) {
        if (rm__grow((void **)&c->str_data, &c->str_cap, c->str_len + len + 1,
                     1))
            return RM_ENOMEM;
        memcpy(c->str_data + c->str_len, s, len);
        c->str_data[c->str_len + len] = '\0';
        c->str_len += len + 1;
    }
    c->str_off[row + 1] = (int64_t)c->str_len;
    c->valid[row] = s != NULL;
    return RM_OK;
}

static void compact_column(rm__column *c, const uint8_t *keep, size_t n)
{
    size_t w = 0;
    size_t sw = 0; /* string bytes written */
    for (size_t i = 0; i < n; i++) {
        if (!keep[i])
            continue;
        switch (c->type) {
        case RM_FIELD_INT:
        case RM_FIELD_DATETIME:
            c->ints[w] = c->ints[i];
            break;
        case RM_FIELD_REAL:
            c->reals[w] = c->reals[i];
            break;
        case RM_FIELD_BOOL:
            c->bools[w] = c->bools[i];
            break;
        case RM_FIELD_STRING: {
            size_t a = (size_t)c->str_off[i], b = (size_t)c->str_off[i + 1];
            if (b > a && sw != a)
                memmove(c->str_data + sw, c->str_data + a, b - a);
            c->str_off[w] = (int64_t)sw;
            sw += b - a;
            break;
        }
        }
        c->valid[w] = c->valid[i];
        w++;
    }
    if (c->type == RM_FIELD_STRING) {
        c->str_off[w] = (int64_t)sw;
        c->str_len = sw;
    }
    /* Rows past the end return to their pristine NULL state. */
    for (size_t i = w; i < n; i++) {
        c->valid[i] = 0;
        if (c->type == RM_FIELD_INT || c->type == RM_FIELD_DATETIME)
            c->ints[i] = 0;
        else if (c->type == RM_FIELD_REAL)
            c->reals[i] = NAN;
        else if (c->type == RM_FIELD_BOOL)
            c->bools[i] = 0;
    }
}

void rd_layer_compact(rm_layer *l, const uint8_t *keep)
{
    rm__layer_points_write(l);
    size_t n = l->n_features;
    size_t wf = 0, wp = 0, wc = 0;
    for (size_t f = 0; f < n; f++) {
        size_t p0 = (size_t)l->feat_off[f], p1 = (size_t)l->feat_off[f + 1];
        if (!keep[f])
            continue;
        l->fids[wf] = l->fids[f];
        l->feat_off[wf] = (int64_t)wp;
        for (size_t p = p0; p < p1; p++) {
            size_t c0 = (size_t)l->part_off[p], c1 = (size_t)l->part_off[p + 1];
            l->part_outer[wp] = l->part_outer[p];
            l->part_off[wp] = (int64_t)wc;
            if (c0 != wc && c1 > c0) {
                memmove(l->xy + 2 * wc, l->xy + 2 * c0,
                        (c1 - c0) * 2 * sizeof *l->xy);
                if (l->vtime)
                    memmove(l->vtime + wc, l->vtime + c0,
                            (c1 - c0) * sizeof *l->vtime);
            }
            wc += c1 - c0;
            wp++;
        }
        wf++;
    }
    l->feat_off[wf] = (int64_t)wp;
    l->part_off[wp] = (int64_t)wc;
    for (int i = 0; i < l->n_fields; i++)
        compact_column(&l->fields[i], keep, n);
    l->n_features = wf;
    l->n_parts = wp;
    l->n_coords = wc;
}

/* Shrink one array to `n` elements of `size`; 0 when it could not (the
 * array is then as it was). */
static int shrink(void *arrayp, size_t n, size_t size)
{
    void **array = arrayp;
    if (!*array)
        return 1;
    void *p = rm_reallocarray(*array, n ? n : 1, size);
    if (!p)
        return 0;
    *array = p;
    return 1;
}

int rd_layer_fit(rm_layer *l)
{
    size_t nf = l->n_features, np = l->n_parts, nc = l->n_coords;
    /* Worth it only when a good part of the reservation went unused. */
    if (l->cap_features - nf <= nf / 4 + 4096)
        return RM_OK;
    if (l->slab) {
        /* The rows never filled were never written: their pages go back
         * and the arrays stay, with no copy. */
        rm__layer_slab_fit(l, nf, np, nc);
        return RM_OK;
    }
    int ok = shrink(&l->fids, nf, sizeof *l->fids) &&
             shrink(&l->feat_off, nf + 1, sizeof *l->feat_off);
    for (int i = 0; ok && i < l->n_fields; i++) {
        rm__column *c = &l->fields[i];
        ok = shrink(&c->valid, nf, 1) &&
             shrink(&c->ints, nf, sizeof *c->ints) &&
             shrink(&c->reals, nf, sizeof *c->reals) &&
             shrink(&c->bools, nf, 1) &&
             shrink(&c->str_off, nf + 1, sizeof *c->str_off);
    }
    if (!ok)
        return RM_ENOMEM;
    l->cap_features = nf;
    if (l->cap_parts > np) {
        if (!shrink(&l->part_off, np + 1, sizeof *l->part_off) ||
            !shrink(&l->part_outer, np, 1))
            return RM_ENOMEM;
        l->cap_parts = np;
    }
    if (l->cap_coords > nc) {
        if (!shrink(&l->xy, nc, 2 * sizeof *l->xy) ||
            (l->vtime && !shrink(&l->vtime, nc, sizeof *l->vtime)))
            return RM_ENOMEM;
        l->cap_coords = nc;
    }
    return RM_OK;
}

void rd_layer_set_type(rm_layer *l, rm_geom_type type)
{
    l->type = type;
}
