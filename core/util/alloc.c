/*
 * Checked allocation: every array allocation goes through rm_mallocarray and
 * friends, which refuse size overflow instead of wrapping around. Big
 * arrays (layers, rasters) are backed by huge pages where the kernel
 * offers them; they are still freed with free().
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

void *rm_mallocarray(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return malloc(n && size ? n * size : 1);
}

void *rm_callocarray(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

void *rm_reallocarray(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return realloc(p, n && size ? n * size : 1);
}

#define HUGE_ALIGN ((uintptr_t)2 << 20)

/*
 * Ask for huge pages over the whole 2 MiB pages inside [p, p + bytes)
 * before any of them is touched: a 100 MB array then faults in 50 pages,
 * not 25,000, and a forked child shares it through 50 page-table entries,
 * which makes fork and exit nearly free. Advice only.
 */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!p || bytes < RM__BIG_BYTES)
        return;
    uintptr_t b = ((uintptr_t)p + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(HUGE_ALIGN - 1);
    if (e > b)
        madvise((void *)b, e - b, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void *rm__alloc_big(size_t n, size_t size, int zeroed)
{
    /* calloc of a big block maps fresh zero pages without touching them */
    void *p = zeroed ? rm_callocarray(n, size) : rm_mallocarray(n, size);
    advise_huge(p, n * size);
    return p;
}

void *rm__realloc_big(void *p, size_t old_n, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    if (n * size < RM__BIG_BYTES || old_n >= n)
        return rm_reallocarray(p, n, size);
    /* A fresh, advised block and one copy: realloc would move the old
     * small pages along and leave the array mostly without huge pages. */
    void *q = rm__alloc_big(n, size, 0);
    if (!q)
        return NULL;
    if (p && old_n)
        memcpy(q, p, old_n * size);
    free(p);
    return q;
}

char *rm__strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *rm__asprintf(const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = NULL;
    if (n >= 0 && (s = malloc((size_t)n + 1)) != NULL)
        vsnprintf(s, (size_t)n + 1, fmt, aq);
    va_end(aq);
    return s;
}

int rm__grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return RM_ENOMEM;
        ncap *= 2;
    }
    void *p = rm_reallocarray(*array, ncap, size);
    if (!p)
        return RM_ENOMEM;
    *array = p;
    *cap = ncap;
    return 0;
}
