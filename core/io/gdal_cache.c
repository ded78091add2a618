/*
 * GDAL's block cache limit, lowered while routemap streams a big raster
 * through GDAL and restored afterwards. The limit is process-wide, so the
 * caps are counted under a lock: the lowest asked for holds while any cap
 * is active, and the limit found before the first returns after the last.
 */
#include <pthread.h>

#include "io/gdal_cache.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int active;      /* caps not yet restored */
static GIntBig saved;   /* the limit before the first cap, bytes */
static GIntBig lowest;  /* the limit in force while capped, bytes */

int64_t rm__gdal_cache_for(GDALRasterBandH band)
{
    int bx = 0, by = 0;
    GDALGetBlockSize(band, &bx, &by);
    int64_t w = GDALGetRasterBandXSize(band);
    int64_t px = GDALGetDataTypeSizeBytes(GDALGetRasterDataType(band));
    if (bx <= 0 || by <= 0 || w <= 0 || px <= 0)
        return RM__GDAL_STREAM_CACHE;
    int64_t rows = (w + bx - 1) / bx * bx * by * px * 3 / 2;
    return rows > RM__GDAL_STREAM_CACHE ? rows : RM__GDAL_STREAM_CACHE;
}

void rm__gdal_cache_cap(int64_t bytes)
{
    pthread_mutex_lock(&lock);
    if (active++ == 0) {
        saved = GDALGetCacheMax64();
        lowest = saved;
    }
    if ((GIntBig)bytes < lowest) {
        lowest = (GIntBig)bytes;
        GDALSetCacheMax64(lowest);
    }
    pthread_mutex_unlock(&lock);
}

void rm__gdal_cache_restore(void)
{
    pthread_mutex_lock(&lock);
    if (active > 0 && --active == 0 && lowest != saved)
        GDALSetCacheMax64(saved);
    pthread_mutex_unlock(&lock);
}
