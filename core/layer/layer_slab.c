/*
 * A layer's arrays in one block, the slab: the decoder of serialized
 * layers and the reader of big point layers lay out a layer's arrays in a
 * single allocation, which fills with a few huge-page faults instead of
 * one fault per 4 KiB page. The layer owns the slab; before any of its
 * arrays must grow, each is copied into an allocation of its own and the
 * slab is freed. Fitted to fewer rows (a read that filtered), the arrays
 * stay and the pages beyond their rows go back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "layer_internal.h"
#include "util/util.h"

/* Huge page size: a slab from this size on gets a mapping of its own,
 * aligned to it, so that all its whole 2 MiB pieces can be huge pages. */
#define HUGE ((uintptr_t)2 << 20)

int rm__layer_slab_create(rm_layer *l, size_t bytes)
{
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t page = pg > 0 ? (uintptr_t)pg : 4096;
    if (bytes >= HUGE && bytes < SIZE_MAX / 2) {
        /* A tail of a quarter huge page or more gets a huge page too:
         * at most 1.5 MiB of memory for up to 384 faults fewer. */
        size_t len = (bytes + page - 1) / page * page;
        if (len % HUGE >= HUGE / 4)
            len = (len + HUGE - 1) / HUGE * HUGE;
        char *m = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
            uintptr_t a = ((uintptr_t)m + HUGE - 1) & ~(HUGE - 1);
            size_t head = (size_t)(a - (uintptr_t)m);
            if (head)
                munmap(m, head);
            if (HUGE - head)
                munmap((char *)a + len, HUGE - head);
#ifdef MADV_HUGEPAGE
            madvise((void *)a, len, MADV_HUGEPAGE); /* advice only */
#endif
            l->slab = (void *)a;
            l->slab_bytes = bytes;
            l->slab_mapped = len;
            return RM_OK;
        }
    }
    if (!(l->slab = malloc(bytes ? bytes : 1)))
        return RM_ENOMEM;
    l->slab_bytes = bytes;
    l->slab_mapped = 0;
    return RM_OK;
}

static void slab_free(rm_layer *l)
{
    if (l->slab_mapped)
        munmap(l->slab, l->slab_mapped);
    else
        free(l->slab);
    l->slab = NULL;
    l->slab_bytes = l->slab_mapped = 0;
}

static int in_slab(const rm_layer *l, const void *p)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)l->slab;
    return p && a >= b && a - b < l->slab_bytes;
}

/* `p` (`bytes` long) in memory of its own when it is in the slab; `p`
 * itself, with *failed set, when there is no memory. */
static void *own(const rm_layer *l, void *p, size_t bytes, int *failed)
{
    if (*failed || !in_slab(l, p))
        return p;
    void *q = rm__alloc_big(bytes ? bytes : 1, 1, 0);
    if (!q) {
        *failed = 1;
        return p;
    }
    memcpy(q, p, bytes);
    return q;
}

int rm__layer_unslab(rm_layer *l)
{
    if (!l->slab)
        return RM_OK;
    int failed = 0;
    size_t nf = l->cap_features, np = l->cap_parts, nc = l->cap_coords;
    l->fids = own(l, l->fids, nf * sizeof *l->fids, &failed);
    l->feat_off = own(l, l->feat_off, (nf + 1) * sizeof *l->feat_off,
                      &failed);
    l->part_off = own(l, l->part_off, (np + 1) * sizeof *l->part_off,
                      &failed);
    l->part_outer = own(l, l->part_outer, np, &failed);
    l->xy = own(l, l->xy, nc * 2 * sizeof *l->xy, &failed);
    l->vtime = own(l, l->vtime, nc * sizeof *l->vtime, &failed);
    for (int i = 0; i < l->n_fields; i++) {
        rm__column *c = &l->fields[i];
        c->valid = own(l, c->valid, nf, &failed);
        c->ints = own(l, c->ints, nf * sizeof *c->ints, &failed);
        c->reals = own(l, c->reals, nf * sizeof *c->reals, &failed);
        c->bools = own(l, c->bools, nf, &failed);
        c->str_off = own(l, c->str_off, (nf + 1) * sizeof *c->str_off,
                         &failed);
        c->str_data = own(l, c->str_data, c->str_cap, &failed);
    }
    if (failed)
        return RM_ENOMEM; /* arrays moved so far stay moved: still valid */
    slab_free(l);
    return RM_OK;
}

/* Give back the whole pages of an array in the slab between its first
 * `used` and its first `reserved` bytes. */
static void release_tail(const rm_layer *l, const void *p, size_t used,
                         size_t reserved)
{
    if (!l->slab_mapped || !in_slab(l, p))
        return;
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t page = pg > 0 ? (uintptr_t)pg : 4096;
    uintptr_t b = ((uintptr_t)p + used + page - 1) & ~(page - 1);
    uintptr_t e = ((uintptr_t)p + reserved) & ~(page - 1);
    if (e > b)
        madvise((void *)b, e - b, MADV_DONTNEED);
}

void rm__layer_slab_fit(rm_layer *l, size_t nf, size_t np, size_t nc)
{
    if (nf < l->cap_features) {
        size_t of = l->cap_features;
        release_tail(l, l->fids, nf * sizeof *l->fids, of * sizeof *l->fids);
        release_tail(l, l->feat_off, (nf + 1) * sizeof *l->feat_off,
                     (of + 1) * sizeof *l->feat_off);
        for (int i = 0; i < l->n_fields; i++) {
            const rm__column *c = &l->fields[i];
            release_tail(l, c->valid, nf, of);
            release_tail(l, c->ints, nf * sizeof *c->ints,
                         of * sizeof *c->ints);
            release_tail(l, c->reals, nf * sizeof *c->reals,
                         of * sizeof *c->reals);
            release_tail(l, c->bools, nf, of);
            release_tail(l, c->str_off, (nf + 1) * sizeof *c->str_off,
                         (of + 1) * sizeof *c->str_off);
        }
        l->cap_features = nf;
    }
    if (np < l->cap_parts) {
        release_tail(l, l->part_off, (np + 1) * sizeof *l->part_off,
                     (l->cap_parts + 1) * sizeof *l->part_off);
        release_tail(l, l->part_outer, np, l->cap_parts);
        l->cap_parts = np;
    }
    if (nc < l->cap_coords) {
        release_tail(l, l->xy, nc * 2 * sizeof *l->xy,
                     l->cap_coords * 2 * sizeof *l->xy);
        release_tail(l, l->vtime, nc * sizeof *l->vtime,
                     l->cap_coords * sizeof *l->vtime);
        l->cap_coords = nc;
    }
}

/* NULL when `p` is in the slab, else `p`. */
static void *outside(const rm_layer *l, void *p)
{
    return in_slab(l, p) ? NULL : p;
}

void rm__layer_slab_drop(rm_layer *l)
{
    if (!l->slab)
        return;
    l->fids = outside(l, l->fids);
    l->feat_off = outside(l, l->feat_off);
    l->part_off = outside(l, l->part_off);
    l->part_outer = outside(l, l->part_outer);
    l->xy = outside(l, l->xy);
    l->vtime = outside(l, l->vtime);
    for (int i = 0; i < l->n_fields; i++) {
        rm__column *c = &l->fields[i];
        c->valid = outside(l, c->valid);
        c->ints = outside(l, c->ints);
        c->reals = outside(l, c->reals);
        c->bools = outside(l, c->bools);
        c->str_off = outside(l, c->str_off);
        c->str_data = outside(l, c->str_data);
    }
    slab_free(l);
}
