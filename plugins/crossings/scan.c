/*
 * The pass over all tracks: the grid's fast test rejects a track that
 * comes near no line with a few comparisons per vertex; the others are
 * split at gaps and go through the exact detector while their vertices
 * are still in cache. Tracks are taken in chunks by a few threads (for
 * large inputs); the calling thread also hands each finished chunk, in
 * track order, to `emit`, which is the only place the host is called.
 * What stays true: the results, and the order they are emitted in, do not
 * depend on the number of threads.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crossings_internal.h"
#include "routemap/errors.h"

#define MAX_THREADS 4
#define CHUNK 1024 /* tracks */

typedef struct chunk {
    size_t lo, hi;               /* tracks */
    size_t *hoff;                /* hi - lo + 1 offsets into hits */
    crossings_hit *hits;
    size_t n_hits, cap_hits;
    size_t *noff;                /* hi - lo + 1 offsets into nfeat/near */
    size_t *nfeat;
    crossings_near *near;
    size_t n_near, cap_near, cap_nfeat;
    size_t examined;
    int rc;
    atomic_int done;
} chunk;

typedef struct pass {
    const crossings_lines *L;
    const crossings_grid *G;
    const crossings_tracks *T;
    double gap_s, gap_m, approach;
    chunk *chunks;
    size_t n_chunks;
    atomic_size_t next; /* next chunk to take */
    atomic_int stop;    /* an error: take no more chunks */
    pthread_mutex_t lock; /* with `finished`: the emitter sleeps on it */
    pthread_cond_t finished;
    int sync;             /* lock and finished are initialised */
} pass;

/* What one thread owns. */
typedef struct worker {
    pass *P;
    crossings_detector *det;
    crossings_piece piece;
    int rc;
    size_t chunks; /* chunks this thread did */
} worker;

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

static void chunk_free(chunk *c)
{
    free(c->hoff);
    free(c->hits);
    free(c->noff);
    free(c->nfeat);
    free(c->near);
    c->hoff = c->noff = c->nfeat = NULL;
    c->hits = NULL;
    c->near = NULL;
}

static int on_piece(void *ud, const crossings_piece *piece)
{
    worker *w = ud;
    return crossings_detect_piece(w->det, piece);
}

/* Detect track r and append its results to chunk c. Its run `hit` had
 * the first segment that may touch a line, segment `first`. */
static int track(worker *w, chunk *c, size_t r, size_t hit, size_t first)
{
    const pass *P = w->P;
    const crossings_tracks *T = P->T;
    crossings_detector_reset(w->det);
    for (size_t k = hit; k < (size_t)T->roff[r + 1]; k++) {
        /* Runs before `hit` have no segment that may touch. */
        crossings_run run = crossings_tracks_run(T, k);
        int rc = crossings_split_run(&run, T->from_points, P->gap_s,
                                     P->gap_m, k == hit ? first : 0,
                                     &w->piece, on_piece, w);
        if (rc != RM_OK)
            return rc;
    }
    size_t n;
    const crossings_hit *h = crossings_detector_hits(w->det, &n);
    if (n) {
        if (grow((void **)&c->hits, &c->cap_hits, c->n_hits + n,
                 sizeof *c->hits))
            return RM_ENOMEM;
        memcpy(c->hits + c->n_hits, h, n * sizeof *h);
        c->n_hits += n;
    }
    const size_t *feat;
    const crossings_near *near;
    n = crossings_detector_near(w->det, &feat, &near);
    if (n) {
        if (grow((void **)&c->near, &c->cap_near, c->n_near + n,
                 sizeof *c->near) ||
            grow((void **)&c->nfeat, &c->cap_nfeat, c->n_near + n,
                 sizeof *c->nfeat))
            return RM_ENOMEM;
        for (size_t k = 0; k < n; k++) {
            c->nfeat[c->n_near + k] = feat[k];
            c->near[c->n_near + k] = near[feat[k]];
        }
        c->n_near += n;
    }
    return RM_OK;
}

static void do_chunk(worker *w, chunk *c)
{
    const pass *P = w->P;
    const crossings_tracks *T = P->T;
    c->hoff = malloc((c->hi - c->lo + 1) * sizeof *c->hoff);
    c->noff = malloc((c->hi - c->lo + 1) * sizeof *c->noff);
    if (!c->hoff || !c->noff) {
        c->rc = RM_ENOMEM;
        return;
    }
    for (size_t r = c->lo; r < c->hi; r++) {
        c->hoff[r - c->lo] = c->n_hits;
        c->noff[r - c->lo] = c->n_near;
        size_t may = 0, k, k1 = (size_t)T->roff[r + 1];
        for (k = (size_t)T->roff[r]; k < k1 && !may; k++) {
            size_t v0 = (size_t)T->voff[k], v1 = (size_t)T->voff[k + 1];
            may = crossings_grid_run_may_touch(P->G, T->xy + 2 * v0,
                                               v1 - v0);
        }
        if (!may)
            continue;
        c->examined++;
        if ((c->rc = track(w, c, r, k - 1, may - 1)) != RM_OK)
            return;
    }
    c->hoff[c->hi - c->lo] = c->n_hits;
    c->noff[c->hi - c->lo] = c->n_near;
}

/* The cores this process may run on (its affinity mask where there is
 * one, e.g. under taskset), not merely the machine's. */
static int usable_cores(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
#endif
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : (int)cpus;
}

/* Take the next chunk and do it. @return 0 when none was left. */
static int take(worker *w)
{
    pass *P = w->P;
    if (atomic_load(&P->stop))
        return 0;
    size_t i = atomic_fetch_add(&P->next, 1);
    if (i >= P->n_chunks)
        return 0;
    chunk *c = &P->chunks[i];
    if (!w->det)
        c->rc = crossings_detector_create(&w->det, P->L, P->G, P->approach);
    if (c->rc == RM_OK)
        do_chunk(w, c);
    w->chunks++;
    if (c->rc != RM_OK)
        atomic_store(&P->stop, 1);
    atomic_store_explicit(&c->done, 1, memory_order_release);
    if (P->sync) {
        pthread_mutex_lock(&P->lock);
        pthread_cond_broadcast(&P->finished);
        pthread_mutex_unlock(&P->lock);
    }
    return 1;
}

static void *work(void *arg)
{
    worker *w = arg;
    while (take(w))
        ;
    return NULL;
}

static void worker_free(worker *w)
{
    crossings_detector_destroy(w->det);
    free(w->piece.xy);
    free(w->piece.t);
}

/* Hand chunk c's tracks to emit, in order. */
static int emit_chunk(const chunk *c, crossings_emit_fn emit, void *ud)
{
    for (size_t r = c->lo; r < c->hi; r++) {
        size_t k = r - c->lo;
        size_t nh = c->hoff[k + 1] - c->hoff[k];
        size_t nn = c->noff[k + 1] - c->noff[k];
        int rc = emit(ud, r, nh ? c->hits + c->hoff[k] : NULL, nh,
                      nn ? c->nfeat + c->noff[k] : NULL,
                      nn ? c->near + c->noff[k] : NULL, nn);
        if (rc != RM_OK)
            return rc;
    }
    return RM_OK;
}

int crossings_pass_run(const crossings_lines *L, const crossings_grid *G,
                       const crossings_tracks *T, double gap_s, double gap_m,
                       double approach, int threads, crossings_emit_fn emit,
                       crossings_tick_fn tick, void *ud,
                       crossings_pass_stats *stats)
{
    pass P;
    memset(&P, 0, sizeof P);
    P.L = L;
    P.G = G;
    P.T = T;
    P.gap_s = gap_s;
    P.gap_m = gap_m;
    P.approach = approach;
    P.n_chunks = (T->n_tracks + CHUNK - 1) / CHUNK;
    atomic_init(&P.next, 0);
    atomic_init(&P.stop, 0);
    memset(stats, 0, sizeof *stats);
    P.chunks = calloc(P.n_chunks ? P.n_chunks : 1, sizeof *P.chunks);
    if (!P.chunks)
        return RM_ENOMEM;
    for (size_t i = 0; i < P.n_chunks; i++) {
        P.chunks[i].lo = i * CHUNK;
        P.chunks[i].hi = i + 1 == P.n_chunks ? T->n_tracks : (i + 1) * CHUNK;
        atomic_init(&P.chunks[i].done, 0);
    }

    int n = threads > 0 ? threads : usable_cores();
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if ((size_t)n > P.n_chunks / 4)
        n = (int)(P.n_chunks / 4) > 1 ? (int)(P.n_chunks / 4) : 1;
    if (n > 1 && pthread_mutex_init(&P.lock, NULL) == 0) {
        if (pthread_cond_init(&P.finished, NULL) == 0)
            P.sync = 1;
        else
            pthread_mutex_destroy(&P.lock);
    }
    if (!P.sync)
        n = 1;
    worker w[MAX_THREADS];
    pthread_t th[MAX_THREADS];
    memset(w, 0, sizeof w);
    int started = 0;
    for (int i = 0; i < n; i++)
        w[i].P = &P;
    for (int i = 1; i < n; i++) {
        if (pthread_create(&th[i], NULL, work, &w[i]) != 0)
            break;
        started = i;
    }

    /* This thread emits finished chunks in order, and works on chunks
     * while the next one to emit is not finished. */
    int rc = RM_OK;
    size_t next_emit = 0;
    while (next_emit < P.n_chunks) {
        chunk *c = &P.chunks[next_emit];
        if (atomic_load_explicit(&c->done, memory_order_acquire)) {
            rc = c->rc;
            if (rc == RM_OK)
                rc = emit_chunk(c, emit, ud);
            stats->examined += c->examined;
            chunk_free(c);
            next_emit++;
            if (rc == RM_OK && tick &&
                tick(ud, (double)next_emit / (double)P.n_chunks))
                rc = RM_ECANCELLED;
            if (rc != RM_OK)
                break;
            continue;
        }
        if (take(&w[0]))
            continue;
        /* Another thread is on chunk next_emit: sleep until a chunk is
         * finished. */
        pthread_mutex_lock(&P.lock);
        while (!atomic_load_explicit(&c->done, memory_order_acquire))
            pthread_cond_wait(&P.finished, &P.lock);
        pthread_mutex_unlock(&P.lock);
    }
    atomic_store(&P.stop, 1);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    for (size_t i = 0; i < P.n_chunks; i++)
        chunk_free(&P.chunks[i]);
    for (int i = 0; i < n; i++)
        worker_free(&w[i]);
    free(P.chunks);
    if (P.sync) {
        pthread_cond_destroy(&P.finished);
        pthread_mutex_destroy(&P.lock);
    }
    stats->threads = started + 1;
    stats->main_chunks = w[0].chunks;
    stats->chunks = P.n_chunks;
    return rc;
}
