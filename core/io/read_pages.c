/*
 * Faulting in a freshly sized layer's pages just ahead of the rows each
 * batch fills, in the reader's thread, which otherwise waits for GDAL's
 * next batch: one madvise(MADV_POPULATE_WRITE) per array and batch
 * instead of a page fault for every page. Each call is timed, and when a
 * huge page cost more than small pages would, the rest of the layer's
 * slab gets small pages (see SLOW_HUGE_NS).
 */
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "io/read_internal.h"
#include "layer/layer_internal.h"
#include "util/util.h"

/*
 * CPU time past which one call counts as slow: a huge page costs 0.2-0.3
 * ms to fault in when its memory is at hand, but 4.5-6.5 ms on a virtual
 * machine whose host took the memory back (virtio-balloon free page
 * reporting, which hands free 2 MiB blocks back to the host shortly after
 * they are freed), against 0.9 ms for the same 2 MiB in small pages,
 * which come from memory still at hand (measured on the CI machine).
 */
#define SLOW_HUGE_NS 2000000
#define MIN_ROWS 65536 /* smaller layers fault in as they are written */

static int64_t thread_cpu_ns(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
        return 0;
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void add_span(rd_pages *pg, const void *base, size_t row_bytes)
{
    if (base && pg->n_spans < RD_PAGE_SPANS)
        pg->spans[pg->n_spans++] = (rd_span){(uintptr_t)base, row_bytes};
}

void rd_pages_plan(rd_reader *r)
{
    rd_pages *pg = &r->pages;
    pg->rows = 0;
#ifdef MADV_POPULATE_WRITE
    const rm_layer *l = r->out;
    size_t rows = l->cap_features;
    long page = sysconf(_SC_PAGESIZE);
    if (!r->sized_exact || rows < MIN_ROWS || l->n_features || page <= 0 ||
        l->cap_parts != rows || l->cap_coords != rows)
        return;
    pg->page = (size_t)page;
    pg->n_spans = 0;
    add_span(pg, l->xy, 2 * sizeof *l->xy);
    add_span(pg, l->fids, sizeof *l->fids);
    if (!atomic_load(&l->lazy_points)) {
        add_span(pg, l->feat_off, sizeof *l->feat_off);
        add_span(pg, l->part_off, sizeof *l->part_off);
        add_span(pg, l->part_outer, 1);
    }
    for (int i = 0; i < l->n_fields; i++) {
        const rm__column *c = &l->fields[i];
        add_span(pg, c->valid, 1);
        add_span(pg, c->ints, sizeof *c->ints);
        add_span(pg, c->reals, sizeof *c->reals);
        add_span(pg, c->bools, 1);
        add_span(pg, c->str_off, sizeof *c->str_off);
    }
    pg->n_strs = 0;
    pg->huge = l->slab_mapped ? l->slab : NULL;
    pg->huge_len = l->slab_mapped;
    pg->next = 0;
    pg->rows = rows;
#endif
}

void rd_pages_ahead(rd_reader *r, size_t rows)
{
#ifdef MADV_POPULATE_WRITE
    rd_pages *pg = &r->pages;
    if (rows > pg->rows)
        rows = pg->rows;
    if (rows <= pg->next)
        return;
    uintptr_t mask = ~(uintptr_t)(pg->page - 1);
    const rm_layer *l = r->out;
    for (int i = 0; i < pg->n_strs; i++) {
        /* The column's bytes as they are now (they may have grown past
         * the estimate, and moved). */
        const rm__column *c = &l->fields[pg->strs[i].col];
        size_t rb = pg->strs[i].row_bytes;
        size_t from = pg->next * rb, to = rows * rb;
        if (to > c->str_cap)
            to = c->str_cap;
        uintptr_t b = ((uintptr_t)c->str_data + from) & mask;
        uintptr_t e = ((uintptr_t)c->str_data + to) & mask;
        if (c->str_data && e > b)
            madvise((void *)b, e - b, MADV_POPULATE_WRITE);
    }
    for (int i = 0; i < pg->n_spans; i++) {
        const rd_span *s = &pg->spans[i];
        /* Every page the rows touch, shared ones too: faulting a page in
         * leaves its contents as they are. */
        uintptr_t b = (s->base + pg->next * s->row_bytes) & mask;
        uintptr_t e = (s->base + rows * s->row_bytes + pg->page - 1) & mask;
        if (e <= b)
            continue;
        int64_t t0 = pg->huge_len ? thread_cpu_ns() : 0;
        if (madvise((void *)b, e - b, MADV_POPULATE_WRITE) != 0) {
            pg->rows = 0; /* an older kernel: the writes fault them in */
            return;
        }
        if (pg->huge_len && thread_cpu_ns() - t0 > SLOW_HUGE_NS) {
            madvise(pg->huge, pg->huge_len, MADV_NOHUGEPAGE);
            pg->huge_len = 0;
        }
    }
    pg->next = rows;
#else
    (void)r;
    (void)rows;
#endif
}

void rd_pages_stop(rd_reader *r)
{
    r->pages.rows = 0;
}

void rd_pages_strings(rd_reader *r, int col, size_t bytes, size_t rows)
{
    rd_pages *pg = &r->pages;
    rm__column *c = &r->out->fields[col];
    if (!pg->rows || !rows || pg->n_strs >= RD_PAGE_SPANS ||
        bytes > SIZE_MAX / 2 / pg->rows)
        return;
    for (int i = 0; i < pg->n_strs; i++)
        if (pg->strs[i].col == col)
            return;
    /* The first batch's average, an eighth more: the bytes are reserved,
     * not touched, until written. Without the memory, the bytes grow as
     * they come. */
    size_t row_bytes = (bytes + rows - 1) / rows;
    size_t want = pg->rows * row_bytes;
    want += want / 8 + 4096;
    if (rm__grow((void **)&c->str_data, &c->str_cap, want, 1) == 0)
        pg->strs[pg->n_strs++] = (rd_str_span){col, row_bytes};
}
