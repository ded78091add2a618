/*
 * The plugin's big arrays (friction, moves, second surfaces), advised to
 * the kernel as huge-page memory before their first touch: the cost
 * search reads and writes them all over, and with 2 MiB pages its
 * neighbourhoods stop missing the TLB. They are freed with free().
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "cr.h"

#define HUGE_PAGE ((size_t)2 << 20)

void *cr_alloc_big(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n && size ? n * size : 1;
    void *p = NULL;
    if (bytes < HUGE_PAGE)
        return malloc(bytes);
    /* Aligned, so that every 2 MiB of the array is a whole huge page. */
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    size_t whole = bytes / HUGE_PAGE * HUGE_PAGE;
    if (whole)
        madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}
