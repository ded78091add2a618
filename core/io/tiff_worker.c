/*
 * A second thread encoding GeoTIFF tiles: it owns an encoder and waits
 * for one tile at a time, handed over and collected under one lock, so
 * the tile's cells and its result are only ever used by one thread at a
 * time and the caller stores every tile in its own order.
 */
#include <pthread.h>
#include <stdlib.h>

#include "io/tiff_tiles.h"
#include "io/tiff_worker.h"
#include "routemap/errors.h"

enum { IDLE, POSTED, DONE, QUIT };

struct rm__tiff_worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* state changed */
    int state;               /* IDLE, POSTED, DONE or QUIT, under lock */
    rm__tiff_tiles *enc;     /* used by the thread alone while POSTED */
    const double *cells;     /* the tile handed over ... */
    size_t stride;
    int w, h;
    int rc;                  /* ... and its result, once DONE */
    const void *out;
    size_t n;
};

static void *run(void *arg)
{
    rm__tiff_worker *wk = arg;
    pthread_mutex_lock(&wk->lock);
    for (;;) {
        while (wk->state != POSTED && wk->state != QUIT)
            pthread_cond_wait(&wk->changed, &wk->lock);
        if (wk->state == QUIT)
            break;
        pthread_mutex_unlock(&wk->lock);
        const void *out;
        size_t n;
        int rc = rm__tiff_tiles_encode(wk->enc, wk->cells, wk->stride, wk->w,
                                       wk->h, &out, &n);
        pthread_mutex_lock(&wk->lock);
        wk->rc = rc;
        wk->out = out;
        wk->n = n;
        wk->state = DONE;
        pthread_cond_broadcast(&wk->changed);
    }
    pthread_mutex_unlock(&wk->lock);
    return NULL;
}

int rm__tiff_worker_start(rm__tiff_worker **out, int level)
{
    *out = NULL;
    rm__tiff_worker *wk = calloc(1, sizeof *wk);
    if (!wk)
        return RM_ENOMEM;
    if (rm__tiff_tiles_create(&wk->enc, level) != RM_OK) {
        free(wk);
        return RM_ENOMEM;
    }
    wk->state = IDLE;
    if (pthread_mutex_init(&wk->lock, NULL) != 0) {
        rm__tiff_tiles_destroy(wk->enc);
        free(wk);
        return RM_ENOMEM;
    }
    if (pthread_cond_init(&wk->changed, NULL) != 0) {
        pthread_mutex_destroy(&wk->lock);
        rm__tiff_tiles_destroy(wk->enc);
        free(wk);
        return RM_ENOMEM;
    }
    if (pthread_create(&wk->thread, NULL, run, wk) != 0) {
        pthread_cond_destroy(&wk->changed);
        pthread_mutex_destroy(&wk->lock);
        rm__tiff_tiles_destroy(wk->enc);
        free(wk);
        return RM_ENOMEM;
    }
    *out = wk;
    return RM_OK;
}

void rm__tiff_worker_post(rm__tiff_worker *wk, const double *cells,
                          size_t stride, int w, int h)
{
    pthread_mutex_lock(&wk->lock);
    wk->cells = cells;
    wk->stride = stride;
    wk->w = w;
    wk->h = h;
    wk->state = POSTED;
    pthread_cond_broadcast(&wk->changed);
    pthread_mutex_unlock(&wk->lock);
}

int rm__tiff_worker_wait(rm__tiff_worker *wk, const void **out, size_t *n)
{
    pthread_mutex_lock(&wk->lock);
    while (wk->state != DONE)
        pthread_cond_wait(&wk->changed, &wk->lock);
    wk->state = IDLE;
    int rc = wk->rc;
    *out = wk->out;
    *n = wk->n;
    pthread_mutex_unlock(&wk->lock);
    return rc;
}

void rm__tiff_worker_stop(rm__tiff_worker *wk)
{
    if (!wk)
        return;
    pthread_mutex_lock(&wk->lock);
    /* A tile still being encoded is finished first. */
    while (wk->state == POSTED)
        pthread_cond_wait(&wk->changed, &wk->lock);
    wk->state = QUIT;
    pthread_cond_broadcast(&wk->changed);
    pthread_mutex_unlock(&wk->lock);
    pthread_join(wk->thread, NULL);
    pthread_cond_destroy(&wk->changed);
    pthread_mutex_destroy(&wk->lock);
    rm__tiff_tiles_destroy(wk->enc);
    free(wk);
}
