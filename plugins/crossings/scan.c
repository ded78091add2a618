/*
 * The pass over all tracks: the grid's fast test rejects a track that
 * comes near no line with a few comparisons per vertex; the others are
 * split at gaps and go through the exact detector while their vertices
 * are still in cache. The tracks are cut into contiguous ranges, one per
 * thread (a few threads for large inputs; they read shared, read-only
 * inputs, keep their own detector and results, and never call the host).
 * What stays true: the results do not depend on the number of threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crossings_internal.h"
#include "routemap/errors.h"

#define MAX_THREADS 4
#define MIN_PER_THREAD 4096

typedef struct worker {
    const crossings_lines *L;
    const crossings_grid *G;
    const crossings_tracks *T;
    double gap_s, gap_m, approach;
    size_t lo, hi; /* tracks */

    crossings_detector *det;
    crossings_piece piece;

    size_t *hoff; /* hi - lo + 1 offsets into hits */
    crossings_hit *hits;
    size_t n_hits, cap_hits;
    size_t *noff; /* hi - lo + 1 offsets into nfeat / near */
    size_t *nfeat;
    crossings_near *near;
    size_t n_near, cap_near, cap_nfeat;
    size_t examined;
    int rc;
} worker;

struct crossings_results {
    worker w[MAX_THREADS];
    int n;
};

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / size)
        return -1;
    void *p = realloc(*arr, c * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

static int on_piece(void *ud, const crossings_piece *piece)
{
    worker *w = ud;
    return crossings_detect_piece(w->det, piece);
}

/* Detect track r and append its results. */
static int track(worker *w, size_t r)
{
    const crossings_tracks *T = w->T;
    crossings_detector_reset(w->det);
    for (size_t k = T->roff[r]; k < T->roff[r + 1]; k++) {
        int rc = crossings_split_run(&T->runs[k], T->from_points, w->gap_s,
                                     w->gap_m, &w->piece, on_piece, w);
        if (rc != RM_OK)
            return rc;
    }
    size_t n;
    const crossings_hit *h = crossings_detector_hits(w->det, &n);
    if (n) {
        if (grow((void **)&w->hits, &w->cap_hits, w->n_hits + n,
                 sizeof *w->hits))
            return RM_ENOMEM;
        memcpy(w->hits + w->n_hits, h, n * sizeof *h);
        w->n_hits += n;
    }
    const size_t *feat;
    const crossings_near *near;
    n = crossings_detector_near(w->det, &feat, &near);
    if (n) {
        if (grow((void **)&w->near, &w->cap_near, w->n_near + n,
                 sizeof *w->near) ||
            grow((void **)&w->nfeat, &w->cap_nfeat, w->n_near + n,
                 sizeof *w->nfeat))
            return RM_ENOMEM;
        for (size_t k = 0; k < n; k++) {
            w->nfeat[w->n_near + k] = feat[k];
            w->near[w->n_near + k] = near[feat[k]];
        }
        w->n_near += n;
    }
    return RM_OK;
}

static void *work(void *arg)
{
    worker *w = arg;
    const crossings_tracks *T = w->T;
    w->rc = crossings_detector_create(&w->det, w->L, w->G, w->approach);
    if (w->rc)
        return NULL;
    for (size_t r = w->lo; r < w->hi; r++) {
        w->hoff[r - w->lo] = w->n_hits;
        w->noff[r - w->lo] = w->n_near;
        int may = 0;
        for (size_t k = T->roff[r]; k < T->roff[r + 1] && !may; k++)
            may = crossings_grid_run_may_touch(w->G, T->runs[k].xy,
                                               T->runs[k].n);
        if (!may)
            continue;
        w->examined++;
        if ((w->rc = track(w, r)) != RM_OK)
            return NULL;
    }
    w->hoff[w->hi - w->lo] = w->n_hits;
    w->noff[w->hi - w->lo] = w->n_near;
    return NULL;
}

void crossings_results_destroy(crossings_results *R)
{
    if (!R)
        return;
    for (int i = 0; i < MAX_THREADS; i++) {
        worker *w = &R->w[i];
        crossings_detector_destroy(w->det);
        free(w->piece.xy);
        free(w->piece.t);
        free(w->hoff);
        free(w->hits);
        free(w->noff);
        free(w->nfeat);
        free(w->near);
    }
    free(R);
}

int crossings_results_compute(crossings_results **out,
                              const crossings_lines *L,
                              const crossings_grid *G,
                              const crossings_tracks *T, double gap_s,
                              double gap_m, double approach)
{
    crossings_results *R = calloc(1, sizeof *R);
    *out = R;
    if (!R)
        return RM_ENOMEM;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cpus > MAX_THREADS ? MAX_THREADS : (cpus < 1 ? 1 : (int)cpus);
    while (n > 1 && T->n_tracks / (size_t)n < MIN_PER_THREAD)
        n--;
    R->n = n;
    for (int i = 0; i < n; i++) {
        worker *w = &R->w[i];
        w->L = L;
        w->G = G;
        w->T = T;
        w->gap_s = gap_s;
        w->gap_m = gap_m;
        w->approach = approach;
        w->lo = T->n_tracks * (size_t)i / (size_t)n;
        w->hi = T->n_tracks * (size_t)(i + 1) / (size_t)n;
        w->hoff = calloc(w->hi - w->lo + 1, sizeof *w->hoff);
        w->noff = calloc(w->hi - w->lo + 1, sizeof *w->noff);
        if (!w->hoff || !w->noff)
            return RM_ENOMEM;
    }
    pthread_t th[MAX_THREADS];
    int started = 0;
    for (int i = 1; i < n; i++) {
        if (pthread_create(&th[i], NULL, work, &R->w[i]) != 0)
            break;
        started = i;
    }
    /* This thread takes the first range, and any a thread could not. */
    work(&R->w[0]);
    for (int i = started + 1; i < n; i++)
        work(&R->w[i]);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    R->n = n;
    for (int i = 0; i < n; i++)
        if (R->w[i].rc)
            return R->w[i].rc;
    return RM_OK;
}

int crossings_results_threads(const crossings_results *R)
{
    return R->n;
}

size_t crossings_results_examined(const crossings_results *R)
{
    size_t n = 0;
    for (int i = 0; i < R->n; i++)
        n += R->w[i].examined;
    return n;
}

static const worker *owner(const crossings_results *R, size_t r)
{
    for (int i = 0; i < R->n; i++)
        if (r < R->w[i].hi)
            return &R->w[i];
    return &R->w[R->n - 1];
}

const crossings_hit *crossings_results_hits(const crossings_results *R,
                                            size_t r, size_t *n)
{
    const worker *w = owner(R, r);
    size_t k = r - w->lo;
    *n = w->hoff[k + 1] - w->hoff[k];
    return *n ? w->hits + w->hoff[k] : NULL;
}

size_t crossings_results_near(const crossings_results *R, size_t r,
                              const size_t **features,
                              const crossings_near **near)
{
    const worker *w = owner(R, r);
    size_t k = r - w->lo;
    size_t n = w->noff[k + 1] - w->noff[k];
    *features = n ? w->nfeat + w->noff[k] : NULL;
    *near = n ? w->near + w->noff[k] : NULL;
    return n;
}
