/*
 * Reprojection of the layer's coordinates while reading continues: a
 * background thread transforms, in place, each range of coordinates the
 * reader hands over, with its own rm_context and transformation (PROJ
 * objects are used by one thread only). The reader syncs before it moves
 * the coordinate array; the last range is done when reading ends.
 */
#include <pthread.h>
#include <stdlib.h>

#include "io/read_internal.h"
#include "layer/layer_internal.h"
#include "util/util.h"

struct rd_proj {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* new work or stop */
    pthread_cond_t idle; /* done caught up with submitted */
    rm_context *ctx;     /* the thread's own context */
    rm_transform *tr;
    rm_layer *layer;
    size_t submitted; /* coordinates handed over */
    size_t done;      /* coordinates transformed */
    size_t failed;
    int stop;
    int running;
};

static void *worker(void *arg)
{
    rd_proj *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->done == p->submitted && !p->stop)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->done == p->submitted && p->stop)
            break;
        size_t from = p->done, to = p->submitted;
        double *xy = p->layer->xy;
        pthread_mutex_unlock(&p->lock);
        size_t failed = 0;
        rm_transform_apply(p->tr, xy + 2 * from, to - from, &failed);
        pthread_mutex_lock(&p->lock);
        p->failed += failed;
        p->done = to;
        pthread_cond_broadcast(&p->idle);
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
    if (rm_context_create(&p->ctx) != RM_OK) {
        free(p);
        return RM_OK; /* fall back to reprojecting at the end */
    }
    rm_context_set_logger(p->ctx, NULL, NULL);
    if (rm_transform_create(p->ctx, &p->tr, r->src_crs, r->dst_crs) !=
        RM_OK) {
        rm_context_destroy(p->ctx);
        free(p);
        return RM_OK;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    if (pthread_create(&p->thread, NULL, worker, p) != 0) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->wake);
        pthread_cond_destroy(&p->idle);
        rm_transform_destroy(p->tr);
        rm_context_destroy(p->ctx);
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
    free(p);
    r->proj = NULL;
}
