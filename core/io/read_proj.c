/*
 * Reprojection of the layer's coordinates while reading continues: a
 * background thread transforms, in place, the coordinates the reader hands
 * over, a chunk at a time, with its own rm_context and transformation
 * (PROJ objects are used by one thread only): a copy of the reader's when
 * that is one conversion, else one the thread makes, off the reader's
 * path. Whenever the reader must wait for it (before it moves the
 * coordinate array, and at the end) it takes the chunks not yet started
 * itself, so it waits at most for one chunk. The thread keeps the normal
 * priority: at nice 5 or 19 reads took no less time (bench/load).
 */
#include <pthread.h>
#include <stdlib.h>

#include "crs/crs_internal.h"
#include "io/read_internal.h"
#include "layer/layer_internal.h"
#include "util/util.h"

#define CHUNK 4096 /* coordinates transformed per claim */

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
};

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
    for (;;) {
        size_t from, n;
        while ((n = claim(p, &from)) == 0 && !p->stop)
            pthread_cond_wait(&p->wake, &p->lock);
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
