/*
 * Accumulated cost over the friction grid: Dijkstra's label-setting
 * search from many sources with lazy deletion (a cell is queued again
 * when its cost drops; stale entries are skipped on the way out, by a
 * bit per settled cell). A cell's move travels with its queue entry and
 * is written once, when the cell is settled. A move
 * costs the mean friction of the cells it touches times its length in
 * metres; NaN friction propagates into the sum, and NaN never compares
 * below a cost, so barriers stop moves without a test of their own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr.h"

/* Moves: E N W S, NE NW SW SE, then the knight's counter-clockwise from
 * east-north-east. Rows grow southwards. */
const int CR_DR[17] = {0, 0, -1, 0, 1, -1, -1, 1, 1,
                       -1, -2, -2, -1, 1, 2, 2, 1};
const int CR_DC[17] = {0, 1, 0, -1, 0, 1, -1, -1, 1,
                       2, 1, -1, -2, -2, -1, 1, 2};
/* The two cells a knight's move passes between: the orthogonal and the
 * diagonal neighbour of its start on the way. */
const int CR_PASS_DR[17][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0},
                               {0, 0}, {0, 0}, {0, 0}, {0, 0},
                               {0, -1}, {-1, -1}, {-1, -1}, {0, -1},
                               {0, 1}, {1, 1}, {1, 1}, {0, 1}};
const int CR_PASS_DC[17][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0},
                               {0, 0}, {0, 0}, {0, 0}, {0, 0},
                               {1, 1}, {0, 1}, {0, -1}, {-1, -1},
                               {-1, -1}, {0, -1}, {0, 1}, {1, 1}};

/* For each knight's move, its pass-between cells as king's moves. */
static const int PASS_K[17][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0},
                                  {0, 0}, {0, 0}, {0, 0}, {0, 0},
                                  {1, 5}, {2, 5}, {2, 6}, {3, 6},
                                  {3, 7}, {4, 7}, {4, 8}, {1, 8}};

#define SQRT2 1.41421356237309504880
#define SQRT5 2.23606797749978969641

double cr_move_length(int k)
{
    return k <= 0 ? 0 : (k <= 4 ? 1.0 : (k <= 8 ? SQRT2 : SQRT5));
}

double cr_step_cost(const cr_grid *g, const float *f, int r, int c, int k)
{
    size_t w = (size_t)g->w;
    double a = f[(size_t)r * w + c];
    double b = f[(size_t)(r + CR_DR[k]) * w + (c + CR_DC[k])];
    if (k <= 8)
        return (a + b) * (cr_move_length(k) * g->res / 2);
    double p = NAN, q = NAN;
    int pr = r + CR_PASS_DR[k][0], pc = c + CR_PASS_DC[k][0];
    int qr = r + CR_PASS_DR[k][1], qc = c + CR_PASS_DC[k][1];
    if (pr >= 0 && pr < g->h && pc >= 0 && pc < g->w)
        p = f[(size_t)pr * w + pc];
    if (qr >= 0 && qr < g->h && qc >= 0 && qc < g->w)
        q = f[(size_t)qr * w + qc];
    return (a + p + q + b) * (SQRT5 * g->res / 4);
}

typedef struct search {
    const float *f;
    double *cost;
    uint8_t *dir;
    uint64_t *done;   /* settled cells, a bit each */
    int w, h, nk;
    long off[17];     /* flat index offsets of the moves */
    double wt[17];    /* length in m / cells averaged */
    size_t pushes;
    cr_queue q;       /* the heaps, and the buckets' storage */
    /* The bucket queue's state while the search runs (`fast`). */
    cr_bucket *b;
    size_t mask;      /* buckets - 1 */
    double inv;       /* 1 / bucket width */
    size_t size;      /* items queued */
} search;

#define INLINE static inline __attribute__((always_inline))

/* Lower the cost of cell n to c if c is less, and queue it; `fast`
 * pushes onto the bucket queue from the search's own copy of its state
 * (kept in registers). */
INLINE int relax(search *s, uint32_t n, double c, int k, int fast)
{
    if (!(c < s->cost[n]))
        return 0;
    s->cost[n] = c;
    s->pushes++;
    if (!fast)
        return cr_queue_push(&s->q, c, n, (uint8_t)k);
    cr_bucket *b = &s->b[(size_t)((uint64_t)(c * s->inv) & s->mask)];
    if (b->n == b->cap && cr_bucket_grow(b))
        return -1;
    cr_item *it = &b->items[b->n++];
    memcpy(&it->key, &c, sizeof c);
    it->cell = n;
    it->move = (uint8_t)k;
    s->size++;
    return 0;
}

/* How many pops ahead the neighbourhood of a cell is prefetched: far
 * enough for its lines to arrive, near enough for the guess to hold. */
#define PREFETCH_AHEAD 2

/* Ask for the cost and friction rows around cell i (m rows up and down
 * of it), which its expansion will read and write. */
INLINE void prefetch(const search *s, uint32_t i, int m, size_t n)
{
    size_t lo = i >= (size_t)m * (size_t)s->w + 1
                    ? i - (size_t)m * (size_t)s->w - 1 : 0;
    for (int k = 0; k <= 2 * m; k++) {
        size_t j = lo + (size_t)k * (size_t)s->w;
        if (j >= n)
            break;
        __builtin_prefetch(s->cost + j, 1);
        __builtin_prefetch(s->f + j, 0);
    }
}

/* A cell at least two cells from every edge: no bounds to check. */
INLINE int expand_inner(search *s, uint32_t i, double d, int fast)
{
    const float *f = s->f;
    double f0 = f[i];
    double fk[9];
    int rc = 0;
    for (int k = 1; k <= 8; k++) {
        uint32_t n = (uint32_t)((long)i + s->off[k]);
        fk[k] = f[n];
        rc |= relax(s, n, d + (f0 + fk[k]) * s->wt[k], k, fast);
    }
    if (s->nk == 16) {
        for (int k = 9; k <= 16; k++) {
            uint32_t n = (uint32_t)((long)i + s->off[k]);
            double sum = f0 + fk[PASS_K[k][0]] + fk[PASS_K[k][1]] + f[n];
            rc |= relax(s, n, d + sum * s->wt[k], k, fast);
        }
    }
    return rc;
}

/* Near an edge: moves leaving the grid are skipped. */
INLINE int expand_edge(search *s, uint32_t i, int r, int c, double d,
                       int fast)
{
    double f0 = s->f[i];
    double fk[9];
    int rc = 0;
    for (int k = 1; k <= 8; k++) {
        int rr = r + CR_DR[k], cc = c + CR_DC[k];
        fk[k] = NAN;
        if (rr < 0 || cc < 0 || rr >= s->h || cc >= s->w)
            continue;
        uint32_t n = (uint32_t)((long)i + s->off[k]);
        fk[k] = s->f[n];
        rc |= relax(s, n, d + (f0 + fk[k]) * s->wt[k], k, fast);
    }
    for (int k = 9; k <= s->nk; k++) {
        int rr = r + CR_DR[k], cc = c + CR_DC[k];
        if (rr < 0 || cc < 0 || rr >= s->h || cc >= s->w)
            continue;
        uint32_t n = (uint32_t)((long)i + s->off[k]);
        double sum = f0 + fk[PASS_K[k][0]] + fk[PASS_K[k][1]] + s->f[n];
        rc |= relax(s, n, d + sum * s->wt[k], k, fast);
    }
    return rc;
}

/*
 * The next item: 1, 0 when the queue is empty, -1 out of memory. `fast`
 * pops the bucket queue from the search's own copy of its state, and
 * `next` is then the cell PREFETCH_AHEAD pops ahead in the current bucket
 * (its neighbourhood is prefetched), else UINT32_MAX.
 */
INLINE int pop(search *s, double *key, uint32_t *cell, uint8_t *move,
               uint32_t *next, int fast)
{
    if (!fast) {
        *next = UINT32_MAX;
        return cr_queue_pop(&s->q, key, cell, move);
    }
    if (s->size == 0)
        return 0;
    cr_bucket *b = &s->b[s->q.cur & s->mask];
    while (b->n == 0) {
        s->q.cur++;
        b = &s->b[s->q.cur & s->mask];
    }
    cr_item it = b->items[--b->n];
    s->size--;
    memcpy(key, &it.key, sizeof *key);
    *cell = it.cell;
    *move = it.move;
    *next = b->n >= PREFETCH_AHEAD ? b->items[b->n - PREFETCH_AHEAD].cell
                                   : UINT32_MAX;
    return 1;
}

/* The search proper, once for the bucket queue (`fast`, every call
 * inlined) and once for the others. */
INLINE int run(search *s, size_t n, double stop, double inv_w,
               cr_tick_fn tick, void *ud, size_t *settled, int fast)
{
    int m = s->nk == 16 ? 2 : 1;
    int rc = 0;
    double d;
    uint32_t i, nx;
    uint8_t move;
    while (rc == 0) {
        int got = pop(s, &d, &i, &move, &nx, fast);
        if (got <= 0)
            return got;
        /* Stale: the cell was settled from an earlier, cheaper entry.
         * The first entry of a cell to leave the queue is its least: the
         * heaps pop in key order, and the entries of one cell in one
         * bucket were pushed in falling key order and leave last in,
         * first out. The bit is in cache where the cost may not be. */
        uint64_t bit = (uint64_t)1 << (i & 63);
        if (s->done[i >> 6] & bit)
            continue;
        s->done[i >> 6] |= bit;
        /* The move of the least entry, recorded once: the cell's cost
         * line is in cache now, its neighbours' moves need not be. */
        s->dir[i] = move;
        if (d > stop)
            continue; /* not spread: no path to a cell up to stop
                         passes through a dearer cell; the queue drains
                         (whatever order a queue pops a bucket in) */
        if (++*settled % (1u << 20) == 0 && tick && tick(ud, *settled))
            return -2;
        /* The neighbourhood of a cell soon popped. */
        if (nx < n)
            prefetch(s, nx, m, n);
        int r = (int)((double)i * inv_w);
        if ((uint32_t)r * (uint32_t)s->w > i)
            r--;
        else if ((uint32_t)(r + 1) * (uint32_t)s->w <= i)
            r++;
        int c = (int)(i - (uint32_t)r * (uint32_t)s->w);
        if (r >= m && c >= m && r < s->h - m && c < s->w - m)
            rc = expand_inner(s, i, d, fast);
        else
            rc = expand_edge(s, i, r, c, d, fast);
        if (fast && s->size > s->q.peak)
            s->q.peak = s->size;
    }
    return rc;
}

int cr_accumulate(const cr_grid *g, const float *f, int neighbours,
                  const uint32_t *src, size_t n_src, int queue,
                  double *cost, uint8_t *dir, cr_tick_fn tick, void *ud,
                  cr_accum_stats *stats)
{
    return cr_accumulate_below(g, f, neighbours, src, n_src, queue,
                               INFINITY, cost, dir, tick, ud, stats);
}

int cr_accumulate_below(const cr_grid *g, const float *f, int neighbours,
                        const uint32_t *src, size_t n_src, int queue,
                        double stop, double *cost, uint8_t *dir,
                        cr_tick_fn tick, void *ud, cr_accum_stats *stats)
{
    size_t n = cr_cells(g);
    search s;
    memset(&s, 0, sizeof s);
    s.f = f;
    s.cost = cost;
    s.dir = dir;
    s.w = g->w;
    s.h = g->h;
    s.nk = neighbours == 16 ? 16 : 8;
    for (int k = 1; k <= 16; k++) {
        s.off[k] = (long)CR_DR[k] * g->w + CR_DC[k];
        s.wt[k] = cr_move_length(k) * g->res / (k <= 8 ? 2 : 4);
    }
    /* Friction range: the least and largest step, for the buckets. */
    float fmin = INFINITY, fmax = 0;
    for (size_t i = 0; i < n; i++) {
        cost[i] = INFINITY;
        float v = f[i];
        if (v > 0 && v < fmin)
            fmin = v;
        if (v > fmax && v < INFINITY)
            fmax = v;
    }
    memset(dir, 0, n);
    double wmin = (double)fmin * g->res * (1 - 1e-6);
    double span = (double)fmax * g->res * (s.nk == 16 ? 2.3 : 1.5);
    if (queue == CR_QUEUE_AUTO)
        queue = fmin > 0 && span / wmin < 65536 ? CR_QUEUE_BUCKET
                                                 : CR_QUEUE_RADIX;
    if (queue == CR_QUEUE_BUCKET && !(fmin > 0 && span / wmin < 1 << 24))
        queue = CR_QUEUE_RADIX;
    s.done = calloc(n / 64 + 1, sizeof *s.done);
    if (!s.done || cr_queue_init(&s.q, queue, wmin, span)) {
        free(s.done);
        return -1;
    }
    int rc = 0;
    for (size_t j = 0; j < n_src && rc == 0; j++) {
        uint32_t i = src[j];
        if (i >= n || cost[i] == 0)
            continue;
        cost[i] = 0;
        rc = cr_queue_push(&s.q, 0, i, 0);
    }
    int fast = queue == CR_QUEUE_BUCKET;
    s.b = s.q.b;
    s.mask = s.q.nb - 1;
    s.inv = s.q.inv_width;
    s.size = s.q.size;
    /* Row of a cell by a multiplication, corrected: no division. */
    double inv_w = 1.0 / g->w;
    size_t settled = 0;
    if (rc == 0)
        rc = fast ? run(&s, n, stop, inv_w, tick, ud, &settled, 1)
                  : run(&s, n, stop, inv_w, tick, ud, &settled, 0);
    if (stats) {
        stats->settled = settled;
        stats->pushes = s.pushes + n_src;
        stats->queue_peak = s.q.peak;
    }
    cr_queue_free(&s.q);
    free(s.done);
    return rc < 0 ? rc : 0;
}
