/*
 * Corridors benchmark: writes a deterministic 4000 x 4000 friction
 * GeoTIFF (100 m cells, UTM 31N) with 3 origins and 3 destinations, and
 * times the plugin's cost search on it: one cost surface with directions
 * (radix or binary heap, 8 or 16 neighbours) or a corridor (the surface
 * from the origins, the one from the destinations as far as the zone's
 * limit, and the zone), one mode per process so each peak memory is its
 * own.
 *
 *   bench_corridors gen DIR            friction.tif, origins/destinations
 *   bench_corridors surface F.tif bucket|radix|binary 8|16
 *   bench_corridors corridor F.tif 8|16
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gdal/cpl_conv.h>
#include <gdal/cpl_string.h>
#include <gdal/gdal.h>
#include <gdal/ogr_srs_api.h>

#include "cr.h"

#define W 4000
#define H 4000
#define RES 100.0
#define X0 300000.0
#define Y0 1900000.0

/* Origins and destinations, in cells (row, column). */
static const int ORIG[3][2] = {{200, 300}, {2100, 150}, {3700, 500}};
static const int DEST[3][2] = {{350, 3800}, {1900, 3650}, {3800, 3500}};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_u64(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the process so far (user + system), s. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* Smooth terrain-like friction 1..~10 from a few octaves of value noise,
 * a meandering impassable "river" with three fords, and cheap "roads". */
static void make_friction(float *f)
{
    enum { G = 65 };
    static double lat[4][G][G];
    for (int o = 0; o < 4; o++)
        for (int i = 0; i < G; i++)
            for (int j = 0; j < G; j++)
                lat[o][i][j] = (double)(next_u64() >> 11) / 9007199254740992.0;
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) {
            double v = 0, amp = 1, sum = 0;
            for (int o = 0; o < 4; o++) {
                /* Lattice spacing 1000, 500, 250, 125 cells. */
                double sp = 1000.0 / (1 << o);
                double u = fmod(c / sp, G - 1), t = fmod(r / sp, G - 1);
                int iu = (int)u, it = (int)t;
                double fu = u - iu, ft = t - it;
                double a = lat[o][it][iu], b = lat[o][it][iu + 1];
                double cc = lat[o][it + 1][iu], d = lat[o][it + 1][iu + 1];
                v += amp * ((1 - ft) * ((1 - fu) * a + fu * b) +
                            ft * ((1 - fu) * cc + fu * d));
                sum += amp;
                amp *= 0.5;
            }
            f[(size_t)r * W + c] = (float)(1 + 9 * pow(v / sum, 2));
        }
    /* River: x = 2000 + 300 sin(y / 500), 3 cells wide, fords at 3 rows. */
    for (int r = 0; r < H; r++) {
        if (abs(r - 800) < 5 || abs(r - 2200) < 5 || abs(r - 3300) < 5)
            continue;
        int c = (int)(2000 + 300 * sin(r / 500.0));
        for (int k = -1; k <= 1; k++)
            f[(size_t)r * W + c + k] = NAN;
    }
    /* Two straight roads. */
    for (int c = 0; c < W; c++)
        f[(size_t)1000 * W + c] = 0.5f;
    for (int r = 0; r < H; r++)
        f[(size_t)r * W + 3000] = 0.5f;
}

static int write_points(const char *path, const int pts[3][2])
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fprintf(fp, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
                "\"properties\":{\"name\":\"EPSG:32631\"}},\"features\":[");
    for (int k = 0; k < 3; k++)
        fprintf(fp,
                "%s{\"type\":\"Feature\",\"properties\":{\"id\":%d},"
                "\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                "[%.1f,%.1f]}}",
                k ? "," : "", k + 1, X0 + (pts[k][1] + 0.5) * RES,
                Y0 - (pts[k][0] + 0.5) * RES);
    fprintf(fp, "]}\n");
    return fclose(fp);
}

static int gen(const char *dir)
{
    float *f = malloc(sizeof(float) * W * H);
    if (!f)
        return 1;
    make_friction(f);
    char path[1024];
    snprintf(path, sizeof path, "%s/friction.tif", dir);
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    char **opt = NULL;
    opt = CSLSetNameValue(opt, "TILED", "YES");
    opt = CSLSetNameValue(opt, "COMPRESS", "DEFLATE");
    GDALDatasetH ds = GDALCreate(drv, path, W, H, 1, GDT_Float32, opt);
    CSLDestroy(opt);
    if (!ds)
        return 1;
    double gt[6] = {X0, RES, 0, Y0, 0, -RES};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32631);
    char *wkt = NULL;
    OSRExportToWkt(srs, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(b, NAN);
    CPLErr e = GDALRasterIO(b, GF_Write, 0, 0, W, H, f, W, H, GDT_Float32,
                            0, 0);
    GDALClose(ds);
    free(f);
    if (e != CE_None)
        return 1;
    snprintf(path, sizeof path, "%s/origins.geojson", dir);
    if (write_points(path, ORIG))
        return 1;
    snprintf(path, sizeof path, "%s/destinations.geojson", dir);
    if (write_points(path, DEST))
        return 1;
    /* GRASS coordinates, for the script. */
    snprintf(path, sizeof path, "%s/coords.txt", dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return 1;
    for (int k = 0; k < 3; k++)
        fprintf(fp, "%s%.1f,%.1f", k ? "," : "",
                X0 + (ORIG[k][1] + 0.5) * RES, Y0 - (ORIG[k][0] + 0.5) * RES);
    fprintf(fp, "\n");
    return fclose(fp) != 0;
}

static float *read_friction(const char *path, cr_grid *g)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds)
        return NULL;
    double gt[6];
    GDALGetGeoTransform(ds, gt);
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    float *f = cr_alloc_big((size_t)w * h, sizeof(float));
    if (f && GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, w, h, f,
                          w, h, GDT_Float32, 0, 0) != CE_None) {
        free(f);
        f = NULL;
    }
    GDALClose(ds);
    cr_grid_from_raster(g, w, h, gt);
    return f;
}

static void cells(const cr_grid *g, const int pts[3][2], uint32_t *out)
{
    for (int k = 0; k < 3; k++)
        out[k] = (uint32_t)pts[k][0] * (uint32_t)g->w + (uint32_t)pts[k][1];
}

int main(int argc, char **argv)
{
    GDALAllRegister();
    if (argc == 3 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2]);
    if (argc < 4)
        return 2;
    cr_grid g;
    double t0 = now();
    float *f = read_friction(argv[2], &g);
    if (!f)
        return 1;
    double t_read = now() - t0;
    size_t n = cr_cells(&g);
    double *cost = cr_alloc_big(n, sizeof(double));
    uint8_t *dir = cr_alloc_big(n, 1);
    uint32_t src[3], dst[3];
    cells(&g, ORIG, src);
    cells(&g, DEST, dst);
    if (!cost || !dir)
        return 1;
    if (strcmp(argv[1], "surface") == 0 && argc == 5) {
        int q = strcmp(argv[3], "binary") == 0
                    ? CR_QUEUE_BINARY
                    : (strcmp(argv[3], "radix") == 0 ? CR_QUEUE_RADIX
                                                      : CR_QUEUE_BUCKET);
        int nb = strcmp(argv[4], "8") == 0 ? 8 : 16;
        cr_accum_stats st;
        t0 = now();
        double c0 = cpu_s();
        int rc = cr_accumulate(&g, f, nb, src, 3, q, cost, dir, NULL, NULL,
                               &st);
        double t = now() - t0, c = cpu_s() - c0;
        printf("surface %s %2d: %.3f s, cpu %.3f s (read %.3f s), settled "
               "%zu, pushes %zu, queue peak %zu, cost at destinations "
               "%.6g %.6g %.6g, peak RSS %.0f MB\n",
               argv[3], nb, t, c, t_read, st.settled, st.pushes,
               st.queue_peak, cost[dst[0]], cost[dst[1]], cost[dst[2]],
               peak_mb());
        return rc != 0;
    }
    if (strcmp(argv[1], "corridor") == 0) {
        int nb = strcmp(argv[3], "8") == 0 ? 8 : 16;
        double *cd = cr_alloc_big(n, sizeof(double));
        uint8_t *dd = cr_alloc_big(n, 1), *label = calloc(n, 1);
        if (!cd || !dd || !label)
            return 1;
        t0 = now();
        double c0 = cpu_s();
        int rc = cr_accumulate(&g, f, nb, src, 3, CR_QUEUE_AUTO, cost, dir,
                               NULL, NULL, NULL);
        double best = INFINITY;
        for (int k = 0; k < 3; k++)
            best = fmin(best, cost[dst[k]]);
        double limit = best * 1.05;
        /* As the plugin: from the destinations only as far as the zone's
         * limit. */
        rc |= cr_accumulate_below(&g, f, nb, dst, 3, CR_QUEUE_AUTO, limit,
                                  cd, dd, NULL, NULL, NULL);
        size_t in = 0;
        for (size_t i = 0; i < n; i++)
            if (cost[i] + cd[i] <= limit) {
                label[i] = 1;
                in++;
            }
        double t = now() - t0, c = cpu_s() - c0;
        printf("corridor %2d: %.3f s, cpu %.3f s (two surfaces and the 5 %% "
               "zone: %zu cells, optimum %.6g), peak RSS %.0f MB\n",
               nb, t, c, in, best, peak_mb());
        return rc != 0;
    }
    return 2;
}
