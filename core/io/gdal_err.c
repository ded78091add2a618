/*
 * The GDAL/CPL bridge: one-time driver registration and the error
 * capture. A capture pushes a CPL error handler that copies GDAL's
 * messages into the capture instead of printing them; it is popped again
 * by rm__gdal_capture_end, so captures nest per thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include "io/io_internal.h"

static pthread_once_t register_once = PTHREAD_ONCE_INIT;

/* Captures registered for messages from GDAL's own threads. */
#define MAX_ASYNC 16
static pthread_mutex_t async_lock = PTHREAD_MUTEX_INITIALIZER;
static rm__gdal_capture *async_caps[MAX_ASYNC];
static CPLErrorHandler previous_handler;

static void record(rm__gdal_capture *cap, CPLErr cls, CPLErrorNum err_no,
                   const char *msg);

/*
 * The process-wide handler: it only sees messages from threads that have
 * no handler pushed. While an asynchronous capture is active they go there;
 * otherwise to whatever handler was installed before routemap's.
 */
static void global_handler(CPLErr cls, CPLErrorNum err_no, const char *msg)
{
    int delivered = 0;
    pthread_mutex_lock(&async_lock);
    for (int i = 0; i < MAX_ASYNC; i++)
        if (async_caps[i]) {
            record(async_caps[i], cls, err_no, msg ? msg : "");
            delivered = 1;
        }
    pthread_mutex_unlock(&async_lock);
    if (!delivered)
        (previous_handler ? previous_handler : CPLDefaultErrorHandler)(
            cls, err_no, msg);
}

static void register_drivers(void)
{
    GDALAllRegister();
    previous_handler = CPLSetErrorHandler(global_handler);
    if (previous_handler == global_handler)
        previous_handler = NULL;
}

void rm__gdal_async_begin(rm__gdal_capture *cap)
{
    rm__gdal_register();
    pthread_mutex_lock(&async_lock);
    for (int i = 0; i < MAX_ASYNC; i++)
        if (!async_caps[i]) {
            async_caps[i] = cap;
            break;
        }
    pthread_mutex_unlock(&async_lock);
}

void rm__gdal_async_end(rm__gdal_capture *cap)
{
    pthread_mutex_lock(&async_lock);
    for (int i = 0; i < MAX_ASYNC; i++)
        if (async_caps[i] == cap)
            async_caps[i] = NULL;
    pthread_mutex_unlock(&async_lock);
}

void rm__gdal_register(void)
{
    pthread_once(&register_once, register_drivers);
}

/* A CSV opened with the options for the coordinate columns its names
 * show (rm__csv_find_coords), or as it is when it has none. */
static GDALDatasetH open_csv_auto(const char *source, unsigned flags,
                                  const char *const *allowed)
{
    GDALDatasetH ds = GDALOpenEx(source, flags, allowed, NULL, NULL);
    OGRLayerH lyr = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!lyr || OGR_L_GetGeomType(lyr) != wkbNone)
        return ds;
    const char *x, *y, *wkt;
    rm__csv_find_coords(OGR_L_GetLayerDefn(lyr), &x, &y, &wkt);
    if (!x && !wkt)
        return ds;
    char **oo = rm__csv_open_options(NULL, x, y, wkt);
    GDALDatasetH with = GDALOpenEx(source, flags, allowed,
                                   (const char *const *)oo, NULL);
    CSLDestroy(oo);
    if (!with)
        return ds;
    GDALClose(ds);
    return with;
}

GDALDatasetH rm__gdal_open_source(const char *source, char **oo)
{
    rm__gdal_register();
    unsigned flags = GDAL_OF_VECTOR | GDAL_OF_RASTER | GDAL_OF_READONLY |
                     GDAL_OF_VERBOSE_ERROR;
    const char *const csv_only[] = {"CSV", NULL};
    GDALDriverH drv = GDALIdentifyDriverEx(source, GDAL_OF_VECTOR, NULL,
                                           NULL);
    if (!drv || strcmp(GDALGetDriverShortName(drv), "CSV") != 0)
        return GDALOpenEx(source, flags, NULL, (const char *const *)oo,
                          NULL);
    flags &= ~(unsigned)GDAL_OF_RASTER;
    if (!oo)
        return open_csv_auto(source, flags, csv_only);
    return GDALOpenEx(source, flags, csv_only, (const char *const *)oo, NULL);
}

static void record(rm__gdal_capture *cap, CPLErr cls, CPLErrorNum err_no,
                   const char *msg)
{
    if (cls == CE_Failure || cls == CE_Fatal) {
        cap->n_failures++;
        cap->last_errno = err_no;
        snprintf(cap->msg, sizeof cap->msg, "%s", msg);
    } else if (cls == CE_Warning) {
        cap->n_warnings++;
        snprintf(cap->warning, sizeof cap->warning, "%s", msg);
    }
    if (cap->observer)
        cap->observer(cap->observer_data, cls, err_no, msg);
}

static void capture_handler(CPLErr cls, CPLErrorNum err_no, const char *msg)
{
    rm__gdal_capture *cap = CPLGetErrorHandlerUserData();
    if (!cap)
        return;
    /* The same capture may be receiving from GDAL's threads too. */
    pthread_mutex_lock(&async_lock);
    record(cap, cls, err_no, msg ? msg : "");
    pthread_mutex_unlock(&async_lock);
}

void rm__gdal_capture_begin(rm__gdal_capture *cap)
{
    memset(cap, 0, sizeof *cap);
    CPLPushErrorHandlerEx(capture_handler, cap);
}

void rm__gdal_capture_end(rm__gdal_capture *cap)
{
    (void)cap;
    CPLPopErrorHandler();
}

int rm__gdal_failed(const rm__gdal_capture *cap)
{
    return cap->n_failures > 0;
}

const char *rm__gdal_reason(const rm__gdal_capture *cap)
{
    if (cap->msg[0])
        return cap->msg;
    if (cap->warning[0])
        return cap->warning;
    const char *last = CPLGetLastErrorMsg();
    if (last && *last)
        return last;
    return "unknown GDAL error";
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t rm__ogr_datetime_ms(int year, int month, int day, int hour,
                            int minute, double sec, int tzflag)
{
    int64_t days = days_from_civil(year, month, day);
    int64_t ms = (days * 86400 + (int64_t)hour * 3600 + (int64_t)minute * 60) *
                 1000;
    ms += (int64_t)(sec * 1000.0 + (sec >= 0 ? 0.5 : -0.5));
    if (tzflag > 1)
        ms -= (int64_t)(tzflag - 100) * 15 * 60 * 1000;
    return ms;
}
