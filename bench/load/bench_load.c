/*
 * Load benchmark: generates a deterministic GeoPackage of points in the
 * Sahel and times three ways of reading it (routemap's rm_io_read into a
 * UTM layer, a plain OGR feature loop, and an OGR Arrow stream), one mode
 * per process so /usr/bin/time -v sees each one's peak memory alone.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gdal/cpl_conv.h>
#include <gdal/gdal.h>
#include <gdal/ogr_api.h>
#include <gdal/ogr_recordbatch.h>
#include <gdal/ogr_srs_api.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"

static const char *KINDS[] = {"smuggling", "trafficking", "patrol_contact",
                              "roadblock", "ambush", "seizure",
                              "border_crossing", "checkpoint"};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: a fixed seed keeps the data identical from run to run. */
static uint64_t next_u64(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static double next_unit(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int generate(const char *path, long n)
{
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        fprintf(stderr, "cannot create %s\n", path);
        return 1;
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "incidents", srs, wkbPoint,
                                           NULL);
    OSRRelease(srs);
    const char *names[] = {"event_id", "severity", "kind", "event_time",
                           "n_people"};
    OGRFieldType types[] = {OFTInteger, OFTReal, OFTString, OFTDateTime,
                            OFTInteger};
    for (int i = 0; i < 5; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
        OGR_L_CreateField(lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    GDALDatasetStartTransaction(ds, FALSE);
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (long i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(defn);
        /* Mali and Niger: lon -5.5 .. 5.5 (within reach of UTM 31N), lat
         * 12 .. 20. */
        double lon = -5.5 + 11.0 * next_unit();
        double lat = 12.0 + 8.0 * next_unit();
        OGR_G_SetPoint_2D(pt, 0, lon, lat);
        OGR_F_SetGeometry(f, pt);
        OGR_F_SetFieldInteger(f, 0, (int)(i + 1));
        OGR_F_SetFieldDouble(f, 1, floor(next_unit() * 1000.0) / 100.0);
        OGR_F_SetFieldString(f, 2, KINDS[next_u64() % 8]);
        /* 2026-01-01T00:00:00Z + up to one year, whole seconds. */
        time_t t = (time_t)(1767225600 + (int64_t)(next_u64() % 31536000));
        struct tm tm;
        gmtime_r(&t, &tm);
        OGR_F_SetFieldDateTime(f, 3, tm.tm_year + 1900, tm.tm_mon + 1,
                               tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                               100);
        OGR_F_SetFieldInteger(f, 4, (int)(next_u64() % 40));
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE) {
            fprintf(stderr, "cannot write feature %ld\n", i);
            return 1;
        }
        OGR_F_Destroy(f);
    }
    OGR_G_DestroyGeometry(pt);
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
    return 0;
}

/* A plain feature loop: geometry and the five fields of every feature. */
static int read_ogr(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds)
        return 1;
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f;
    double sum = 0;
    long n = 0;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g)
            sum += OGR_G_GetX(g, 0) + OGR_G_GetY(g, 0);
        sum += OGR_F_GetFieldAsInteger(f, 0);
        sum += OGR_F_GetFieldAsDouble(f, 1);
        sum += (double)strlen(OGR_F_GetFieldAsString(f, 2));
        int y, mo, d, h, mi, tz;
        float s;
        OGR_F_GetFieldAsDateTimeEx(f, 3, &y, &mo, &d, &h, &mi, &s, &tz);
        sum += y;
        sum += OGR_F_GetFieldAsInteger(f, 4);
        OGR_F_Destroy(f);
        n++;
    }
    printf("ogr: %ld features (checksum %.3f)\n", n, sum);
    GDALClose(ds);
    return 0;
}

/* An Arrow stream read: every batch fetched and released. */
static int read_arrow(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds)
        return 1;
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    struct ArrowArrayStream st;
    char *opts[] = {"INCLUDE_FID=YES", NULL};
    if (!OGR_L_GetArrowStream(lyr, &st, opts))
        return 1;
    struct ArrowSchema schema;
    if (st.get_schema(&st, &schema) != 0)
        return 1;
    long n = 0, batches = 0;
    for (;;) {
        struct ArrowArray a;
        if (st.get_next(&st, &a) != 0 || !a.release)
            break;
        n += (long)a.length;
        batches++;
        a.release(&a);
    }
    schema.release(&schema);
    st.release(&st);
    printf("arrow: %ld features in %ld batches\n", n, batches);
    GDALClose(ds);
    return 0;
}

/* rm_io_read into `crs`; with `size`, also the layer's size in bytes
 * (walking every string) and its extent, outside the timed runs. */
static int read_routemap(const char *path, const char *crs, int size)
{
    rm_context *ctx = NULL;
    if (rm_context_create(&ctx) != RM_OK)
        return 1;
    rm_read_options opt = RM_READ_OPTIONS_INIT;
    opt.target_crs = crs;
    rm_read_report rep;
    rm_layer *layer = NULL;
    int rc = rm_io_read(ctx, &layer, path, &opt, &rep);
    if (rc != RM_OK) {
        fprintf(stderr, "rm_io_read: %s\n", rm_errmsg(ctx));
        rm_context_destroy(ctx);
        return 1;
    }
    size_t nf = rm_layer_feature_count(layer);
    if (!size) {
        printf("routemap: %zu features, crs %s\n", nf, rm_layer_crs(layer));
        rm_layer_destroy(layer);
        rm_context_destroy(ctx);
        return 0;
    }
    size_t np = rm_layer_part_count(layer);
    size_t nc = rm_layer_coord_count(layer);
    /* Column sizes: fids, offsets, outer flags, coordinates, and per field
     * its values (8 bytes; strings: offsets and bytes with their NULs)
     * plus validity. A layer of single points read in bulk holds no
     * offsets or outer flags until something asks for them (the timed
     * runs never do), so they count only for other layers. */
    int points = np == nf && nc == nf;
    size_t bytes = nf * 8 + nc * 16;
    if (!points)
        bytes += (nf + 1) * 8 + (np + 1) * 8 + np;
    for (int i = 0; i < rm_layer_field_count(layer); i++) {
        bytes += nf; /* validity */
        if (rm_layer_field_type(layer, i) == RM_FIELD_STRING) {
            bytes += (nf + 1) * 8;
            for (size_t r = 0; r < nf; r++) {
                const char *s = rm_layer_field_string(layer, i, r);
                bytes += s ? strlen(s) + 1 : 0;
            }
        } else if (rm_layer_field_type(layer, i) == RM_FIELD_BOOL) {
            bytes += nf;
        } else {
            bytes += nf * 8;
        }
    }
    rm_bbox e = rm_layer_extent(layer);
    printf("routemap: %zu features, %d fields, crs %s, extent %.0f %.0f "
           "%.0f %.0f\n",
           nf, rm_layer_field_count(layer), rm_layer_crs(layer), e.minx,
           e.miny, e.maxx, e.maxy);
    printf("layer_bytes: %zu\n", bytes);
    rm_layer_destroy(layer);
    rm_context_destroy(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr,
                "usage: bench_load gen PATH [N] | ogr PATH | arrow PATH | "
                "routemap PATH [CRS] | routemap-size PATH [CRS]\n");
        return 2;
    }
    GDALAllRegister();
    const char *mode = argv[1], *path = argv[2];
    double t0 = now_s();
    int rc;
    if (strcmp(mode, "gen") == 0)
        rc = generate(path, argc > 3 ? strtol(argv[3], NULL, 10) : 1000000);
    else if (strcmp(mode, "ogr") == 0)
        rc = read_ogr(path);
    else if (strcmp(mode, "arrow") == 0)
        rc = read_arrow(path);
    else if (strcmp(mode, "routemap") == 0 ||
             strcmp(mode, "routemap-size") == 0)
        rc = read_routemap(path, argc > 3 ? argv[3] : "EPSG:32631",
                           strcmp(mode, "routemap-size") == 0);
    else {
        fprintf(stderr, "unknown mode '%s'\n", mode);
        return 2;
    }
    printf("%s_seconds: %.3f\n", mode, now_s() - t0);
    return rc;
}
