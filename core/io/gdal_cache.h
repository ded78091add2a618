/*
 * A cap on GDAL's block cache while a big raster is read, so
 * the cache never holds a second copy of what the layer already has in
 * memory. Caps nest across threads; the limit in force before the first
 * comes back after the last.
 */
#ifndef RM_CORE_IO_GDAL_CACHE_H
#define RM_CORE_IO_GDAL_CACHE_H

#include <stdint.h>

#include <gdal.h>

/* Least cache while streaming a raster (bytes). */
#define RM__GDAL_STREAM_CACHE ((int64_t)32 << 20)

/**
 * Cache to stream `band` through (bytes): a row and a half of its blocks,
 * at least RM__GDAL_STREAM_CACHE. GDAL reads a row of blocks line by
 * line; less than a row would evict half-read blocks, to be decompressed
 * again.
 */
int64_t rm__gdal_cache_for(GDALRasterBandH band);

/** Lower GDAL's block cache limit to at most `bytes` (never raise it)
 * until the matching rm__gdal_cache_restore. */
void rm__gdal_cache_cap(int64_t bytes);

/** End one rm__gdal_cache_cap. */
void rm__gdal_cache_restore(void);

#endif
