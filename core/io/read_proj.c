/*
 * Reprojection of the layer's coordinates while reading continues: a
 * background thread transforms, in place, the coordinates the reader hands
 * over, a chunk at a time, with its own rm_context and transformation
 * (PROJ objects are used by one thread only): a copy of the reader's when
 * that is one conversion, else one the thread makes, off the reader's
 * path. Whenever the reader must wait for it (before it
 * moves the coordinate array, and at the end) it takes the chunks not yet
 * started itself, so it waits at most for one chunk. The thread keeps the
 * normal priority: at the lowest, a machine busy with other work starved
 * it while it held the address space's lock, and reads took seconds
 * (measured). While it has nothing to transform, the thread
 * faults in, ahead of the reader, the pages of the layer's freshly sized
 * arrays (MADV_POPULATE_WRITE: page tables only, contents untouched), so
 * the kernel's page zeroing leaves the reading thread.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crs/crs_internal.h"
#include "io/read_internal.h"
#include "layer/layer_internal.h"
#include "util/util.h"

#define MAX_SPANS 64
#define PREFAULT_ROWS 32768 /* rows faulted in per step, every array */
#define CHUNK 4096          /* coordinates transformed per claim */

/* One array of the layer: base and bytes per row. */
typedef struct span {
    uintptr_t base;
    size_t row_bytes;
} span;

struct rd_proj {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* new work or stop */
    pthread_cond_t idle; /* done caught up with submitted */
    char *src, *dst;     /* the CRSs, copied */
    rm_context *ctx;     /* the thread's own context */
    rm_transform *tr;    /* NULL when it could not be made */
    rm_layer *layer;
    size_t submitted; /* coordinates handed over */
    size_t claimed;   /* coordinates taken by the thread or the reader */
    size_t done;      /* coordinates transformed (a count, not a cursor) */
    size_t failed;
    int stop;
    int running;
    span spans[MAX_SPANS]; /* arrays to fault in, rows [0, pf_rows) */
    int n_spans;
    size_t pf_rows, pf_next; /* rows in the arrays; next row to do */
    size_t page;
};

static void add_span(rd_proj *p, const void *base, size_t row_bytes)
{
    if (base && p->n_spans < MAX_SPANS)
        p->spans[p->n_spans++] = (span){(uintptr_t)base, row_bytes};
}

/* The arrays of a layer sized once for `rows` points (fresh_reserve),
 * all of which the read fills. */
static void plan_prefault(rd_proj *p, const rm_layer *l, int exact)
{
    if (!exact)
        return;
#ifdef MADV_POPULATE_WRITE
    size_t rows = l->cap_features;
    long page = sysconf(_SC_PAGESIZE);
    if (rows < 65536 || l->n_features || page <= 0 ||
        l->cap_parts != rows || l->cap_coords != rows)
        return;
    p->page = (size_t)page;
    p->pf_rows = rows;
    add_span(p, l->xy, 2 * sizeof *l->xy);
    add_span(p, l->fids, sizeof *l->fids);
    if (!atomic_load(&l->lazy_points)) {
        add_span(p, l->feat_off, sizeof *l->feat_off);
        add_span(p, l->part_off, sizeof *l->part_off);
        add_span(p, l->part_outer, 1);
    }
    for (int i = 0; i < l->n_fields; i++) {
        const rm__column *c = &l->fields[i];
        add_span(p, c->valid, 1);
        add_span(p, c->ints, sizeof *c->ints);
        add_span(p, c->reals, sizeof *c->reals);
        add_span(p, c->bools, 1);
        add_span(p, c->str_off, sizeof *c->str_off);
    }
#else
    (void)p;
    (void)l;
#endif
}

/*
 * Fault in the next PREFAULT_ROWS rows of every array (whole pages inside
 * them only). Stops for good at the first refusal (an older kernel).
 * @return 1 while rows remain.
 */
static int prefault_step(rd_proj *p)
{
#ifdef MADV_POPULATE_WRITE
    if (p->pf_next >= p->pf_rows)
        return 0;
    size_t r0 = p->pf_next, r1 = r0 + PREFAULT_ROWS;
    if (r1 > p->pf_rows)
        r1 = p->pf_rows;
    uintptr_t mask = ~(uintptr_t)(p->page - 1);
    for (int i = 0; i < p->n_spans; i++) {
        uintptr_t b = (p->spans[i].base + r0 * p->spans[i].row_bytes +
                       p->page - 1) & mask;
        uintptr_t e = (p->spans[i].base + r1 * p->spans[i].row_bytes) & mask;
        if (e > b && madvise((void *)b, e - b, MADV_POPULATE_WRITE) != 0) {
            p->pf_rows = 0;
            return 0;
        }
    }
    p->pf_next = r1;
    return p->pf_next < p->pf_rows;
#else
    (void)p;
    return 0;
#endif
}

/*
 * Claim the next chunk of handed-over coordinates (lock held).
 * @return its length, 0 when none is left; *from: its first coordinate.
 */
static size_t claim(rd_proj *p, size_t *from)
{
    size_t n = p->submitted - p->claimed;
    if (n > CHUNK)
        n = CHUNK;
    *from = p->claimed;
    p->claimed += n;
    return n;
}

/* Transform a claimed chunk with `tr` and count it done (lock held on
 * entry and return, released while transforming). */
static void transform_chunk(rd_proj *p, rm_transform *tr, size_t from,
                            size_t n)
{
    double *xy = p->layer->xy;
    pthread_mutex_unlock(&p->lock);
    size_t failed = 0;
    rm_transform_apply(tr, xy + 2 * from, n, &failed);
    pthread_mutex_lock(&p->lock);
    p->failed += failed;
    p->done += n;
    if (p->done == p->submitted)
        pthread_cond_broadcast(&p->idle);
}

static void *worker(void *arg)
{
    rd_proj *p = arg;
    /* A transformation that could not be copied is made here, off the
     * reader's path; without one the reader does all. */
    if (!p->ctx && rm_context_create(&p->ctx) != RM_OK)
        return NULL;
    rm_context_set_logger(p->ctx, NULL, NULL);
    if (!p->tr &&
        rm_transform_create(p->ctx, &p->tr, p->src, p->dst) != RM_OK)
        return NULL;
    pthread_mutex_lock(&p->lock);
    int prefault = p->pf_rows > 0;
    for (;;) {
        size_t from, n;
        while ((n = claim(p, &from)) == 0 && !p->stop) {
            if (prefault) {
                /* Idle: fault in pages until there is work. */
                pthread_mutex_unlock(&p->lock);
                prefault = prefault_step(p);
                pthread_mutex_lock(&p->lock);
                continue;
            }
            pthread_cond_wait(&p->wake, &p->lock);
        }
        if (n == 0)
            break;
        transform_chunk(p, p->tr, from, n);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int rd_proj_start(rd_reader *r)
{
    if (!r->tr)
        return RM_OK;
    rd_proj *p = calloc(1, sizeof *p);
    if (!p)
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    p->layer = r->out;
    p->src = rm__strdup(r->src_crs);
    p->dst = rm__strdup(r->dst_crs);
    if (!p->src || !p->dst) {
        free(p->src);
        free(p->dst);
        free(p);
        return RM_OK; /* the reader reprojects everything itself */
    }
    plan_prefault(p, r->out, r->sized_exact);
    /* One conversion is copied for the thread at once (0.1 ms); anything
     * else the thread makes from the CRSs, in a context of its own. */
    if (rm_context_create(&p->ctx) == RM_OK &&
        rm__transform_clone(p->ctx, r->tr, &p->tr) != RM_OK)
        p->tr = NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    if (pthread_create(&p->thread, NULL, worker, p) != 0) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->wake);
        pthread_cond_destroy(&p->idle);
        rm_transform_destroy(p->tr);
        rm_context_destroy(p->ctx);
        free(p->src);
        free(p->dst);
        free(p);
        return RM_OK;
    }
    p->running = 1;
    r->proj = p;
    return RM_OK;
}

void rd_proj_submit(rd_reader *r)
{
    rd_proj *p = r->proj;
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->submitted = r->out->n_coords;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void rd_proj_sync(rd_reader *r)
{
    rd_proj *p = r->proj;
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    size_t from, n;
    while ((n = claim(p, &from)) != 0)
        transform_chunk(p, r->tr, from, n);
    while (p->done != p->submitted)
        pthread_cond_wait(&p->idle, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

static void stop(rd_proj *p)
{
    if (!p->running)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    p->running = 0;
}

int rd_proj_finish(rd_reader *r)
{
    rm_layer *l = r->out;
    size_t from = 0;
    if (r->proj) {
        rd_proj_submit(r);
        rd_proj_sync(r);
        stop(r->proj);
        from = r->proj->done;
        r->n_proj_failed += r->proj->failed;
        rd_proj_free(r);
    }
    if (r->tr && from < l->n_coords) {
        size_t failed = 0;
        int rc = rm_transform_apply(r->tr, l->xy + 2 * from,
                                    l->n_coords - from, &failed);
        if (rc)
            return rd_error(r, rc, -1, "cannot reproject to %s",
                            r->dst_crs);
        r->n_proj_failed += failed;
    }
    return RM_OK;
}

void rd_proj_free(rd_reader *r)
{
    rd_proj *p = r->proj;
    if (!p)
        return;
    stop(p);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->idle);
    rm_transform_destroy(p->tr);
    rm_context_destroy(p->ctx);
    free(p->src);
    free(p->dst);
    free(p);
    r->proj = NULL;
}
