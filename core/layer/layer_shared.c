/*
 * Raster cells in a shared memory file, so that a big raster made in a
 * plugin's child process reaches the host without a copy: the child lays
 * the cells out in a memfd the host created before the fork and unmaps
 * them once they are final; the host seals the file against any further
 * write before it maps the cells, so what it checked can never change.
 */
#define _GNU_SOURCE /* memfd_create, file seals */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include "layer/layer_shared.h"
#include "layer_internal.h"
#include "routemap/errors.h"

/* Bytes of a width x height raster's cells; 0 when that overflows. */
static size_t cells_bytes(int width, int height)
{
    if (width <= 0 || height <= 0)
        return 0;
    size_t n = (size_t)width;
    if (n > SIZE_MAX / sizeof(double) / (size_t)height)
        return 0;
    return n * (size_t)height * sizeof(double);
}

int rm__layer_shared_file(void)
{
#if defined(__linux__) && defined(MFD_ALLOW_SEALING)
    return memfd_create("routemap-raster", MFD_CLOEXEC | MFD_ALLOW_SEALING);
#else
    return -1;
#endif
}

int rm__layer_create_raster_shared(rm_layer **out, const char *name,
                                   int width, int height,
                                   const double geotransform[6], int fd)
{
    *out = NULL;
    size_t bytes = cells_bytes(width, height);
    if (!bytes || !geotransform || fd < 0 || (off_t)bytes < 0)
        return RM_EINVAL;
    if (ftruncate(fd, (off_t)bytes) != 0)
        return RM_ENOMEM;
    double *cells = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                         fd, 0);
    if (cells == MAP_FAILED)
        return RM_ENOMEM;
    size_t n = bytes / sizeof *cells;
    for (size_t i = 0; i < n; i++)
        cells[i] = NAN;
    int rc = rm__layer_create_raster_on(out, name, width, height,
                                        geotransform, cells, bytes);
    if (rc)
        munmap(cells, bytes);
    return rc;
}

int rm__layer_is_shared(const rm_layer *l)
{
    return l && l->type == RM_GEOM_RASTER && l->cells_mapped;
}

void rm__layer_shared_release(rm_layer *l)
{
    if (!rm__layer_is_shared(l))
        return;
    munmap(l->cells, l->cells_mapped);
    l->cells = NULL;
    l->cells_mapped = 0;
}

int rm__layer_attach_shared(rm_layer *l, int fd)
{
    if (!l || l->type != RM_GEOM_RASTER || l->cells || fd < 0)
        return RM_EINVAL;
    size_t bytes = cells_bytes(l->width, l->height);
    if (!bytes)
        return RM_EDATA_TYPE;
#if defined(__linux__) && defined(F_ADD_SEALS)
    /* Fails while anyone still maps the file writable. */
    if (fcntl(fd, F_ADD_SEALS,
              F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
        return errno == EBUSY ? RM_EPLUGIN_OUTPUT : RM_EINTERNAL;
#else
    return RM_EINTERNAL;
#endif
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 0 ||
        (uint64_t)st.st_size != (uint64_t)bytes)
        return RM_EDATA_TYPE;
    /* Private: the host may write to its copy; the file stays sealed. */
    double *cells = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                         fd, 0);
    if (cells == MAP_FAILED)
        return RM_ENOMEM;
    l->cells = cells;
    l->cells_mapped = bytes;
    return RM_OK;
}
