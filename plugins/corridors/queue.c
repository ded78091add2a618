/*
 * Monotone priority queues for the cost search: a circular bucket queue
 * with buckets as wide as the least edge (exact for Dijkstra, and the
 * fastest here), a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster
 * algorithms for the shortest path problem", JACM 37, 1990) over the bits
 * of non-negative doubles, and a binary heap kept for comparison.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr.h"

static uint64_t bits_of(double key)
{
    uint64_t u;
    memcpy(&u, &key, sizeof u);
    return u;
}

static double double_of(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

int cr_queue_init(cr_queue *q, int kind, double width, double span)
{
    memset(q, 0, sizeof *q);
    q->kind = kind;
    q->nb = 65;
    if (kind == CR_QUEUE_BINARY) {
        q->nb = 1;
    } else if (kind == CR_QUEUE_BUCKET) {
        /* Keys in the queue span at most one step: span / width + 2
         * buckets keep them apart around the circle; a power of two, so
         * that a mask finds a key's bucket. */
        double nb = ceil(span / width) + 2;
        if (!(width > 0) || !(nb <= 1 << 24))
            return -1;
        q->nb = 1;
        while ((double)q->nb < nb)
            q->nb *= 2;
        q->inv_width = 1 / width;
    }
    q->b = calloc(q->nb, sizeof *q->b);
    return q->b ? 0 : -1;
}

void cr_queue_free(cr_queue *q)
{
    for (size_t i = 0; q->b && i < q->nb; i++)
        free(q->b[i].items);
    free(q->b);
    q->b = NULL;
}

int cr_bucket_grow(cr_bucket *b)
{
    size_t cap = b->cap ? b->cap * 2 : 256;
    cr_item *it = realloc(b->items, cap * sizeof *it);
    if (!it)
        return -1;
    b->items = it;
    b->cap = cap;
    return 0;
}

static int append(cr_queue *q, size_t i, cr_item it)
{
    if (q->b[i].n == q->b[i].cap && cr_bucket_grow(&q->b[i]))
        return -1;
    q->b[i].items[q->b[i].n++] = it;
    return 0;
}

static int bucket(uint64_t key, uint64_t last)
{
    return key == last ? 0 : 64 - __builtin_clzll(key ^ last);
}

/* Binary heap in bucket 0, ordered by key. */
static int heap_push(cr_queue *q, cr_item it)
{
    if (append(q, 0, it))
        return -1;
    cr_item *h = q->b[0].items;
    size_t i = q->b[0].n - 1;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h[p].key <= it.key)
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = it;
    return 0;
}

static cr_item heap_pop(cr_queue *q)
{
    cr_item *h = q->b[0].items;
    cr_item top = h[0], it = h[--q->b[0].n];
    size_t n = q->b[0].n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1].key < h[c].key)
            c++;
        if (it.key <= h[c].key)
            break;
        h[i] = h[c];
        i = c;
    }
    if (n > 0)
        h[i] = it;
    return top;
}

int cr_queue_push(cr_queue *q, double key, uint32_t cell, uint8_t move)
{
    cr_item it = {bits_of(key), cell, move};
    int rc;
    if (q->kind == CR_QUEUE_BUCKET) {
        uint64_t k = (uint64_t)(key * q->inv_width);
        rc = append(q, (size_t)(k & (q->nb - 1)), it);
    } else if (q->kind == CR_QUEUE_BINARY) {
        rc = heap_push(q, it);
    } else {
        rc = append(q, (size_t)bucket(it.key, q->last), it);
    }
    if (rc == 0 && ++q->size > q->peak)
        q->peak = q->size;
    return rc;
}

int cr_queue_pop(cr_queue *q, double *key, uint32_t *cell, uint8_t *move)
{
    if (q->size == 0)
        return 0;
    cr_item it;
    if (q->kind == CR_QUEUE_BUCKET) {
        size_t i = (size_t)(q->cur & (q->nb - 1));
        while (q->b[i].n == 0) {
            q->cur++;
            i = (i + 1) & (q->nb - 1);
        }
        it = q->b[i].items[--q->b[i].n];
    } else if (q->kind == CR_QUEUE_BINARY) {
        it = heap_pop(q);
    } else {
        if (q->b[0].n == 0) {
            /* Refill bucket 0 from the first non-empty bucket: its least
             * key becomes `last`, and every item moves to a lower one. */
            int i = 1;
            while (q->b[i].n == 0)
                i++;
            cr_item *b = q->b[i].items;
            size_t n = q->b[i].n;
            uint64_t m = b[0].key;
            for (size_t j = 1; j < n; j++)
                if (b[j].key < m)
                    m = b[j].key;
            q->last = m;
            q->b[i].n = 0;
            for (size_t j = 0; j < n; j++) {
                /* The target is below i: bucket i is not written. */
                if (append(q, (size_t)bucket(b[j].key, m), b[j]))
                    return -1;
            }
        }
        it = q->b[0].items[--q->b[0].n];
    }
    q->size--;
    *key = double_of(it.key);
    *cell = it.cell;
    *move = it.move;
    return 1;
}
