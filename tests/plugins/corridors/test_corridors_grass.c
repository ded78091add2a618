/*
 * The corridors plugin against GRASS GIS r.cost on a generated friction
 * GeoTIFF with nodata cells and two start points: r.cost (8 moves) and
 * r.cost -k (16), exported with r.out.gdal. GRASS counts lengths in cell
 * widths, so on square cells of side res the plugin's cost must equal
 * GRASS's cost x res, to 1e-6 relative, with unreachable cells alike.
 * Skipped when `grass` is not on PATH (scripts/setup.sh installs
 * grass-core with RM_WITH_PEERS=1).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "cr_test.h"
#include "routemap/errors.h"
#include "routemap/io.h"

#define W 60
#define H 45
#define RES 100.0
#define X0 600000.0
#define Y0 1500000.0
#define NODATA -9999.0

static char tmp[512];

static int have_grass(void)
{
    return system("grass --version >/dev/null 2>&1") == 0;
}

static uint64_t seed = 0x13198a2e03707344ULL;
static double uniform01(void)
{
    seed ^= seed >> 12;
    seed ^= seed << 25;
    seed ^= seed >> 27;
    return (double)((seed * 0x2545F4914F6CDD1DULL) >> 11) /
           9007199254740992.0;
}

/* Float32 friction with nodata holes; origins on open cells. */
static void write_friction(const char *path, int *src)
{
    float *v = malloc(sizeof(float) * W * H);
    assert_non_null(v);
    for (int i = 0; i < W * H; i++)
        v[i] = uniform01() < 0.08 ? (float)NODATA
                                  : (float)(0.5 + 5 * uniform01());
    src[0] = 7 * W + 5;
    src[1] = 38 * W + 51;
    v[src[0]] = 1.5f;
    v[src[1]] = 2.5f;
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, W, H,
                                 1, GDT_Float32, NULL);
    assert_non_null(ds);
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
    GDALSetRasterNoDataValue(b, NODATA);
    assert_int_equal(GDALRasterIO(b, GF_Write, 0, 0, W, H, v, W, H,
                                  GDT_Float32, 0, 0),
                     CE_None);
    GDALClose(ds);
    free(v);
}

/* GRASS's cost, NaN where null. */
static double *read_grass(const char *path)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    assert_int_equal(GDALGetRasterXSize(ds), W);
    assert_int_equal(GDALGetRasterYSize(ds), H);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    double *v = malloc(sizeof(double) * W * H);
    assert_int_equal(GDALRasterIO(b, GF_Read, 0, 0, W, H, v, W, H,
                                  GDT_Float64, 0, 0),
                     CE_None);
    int has = 0;
    double nd = GDALGetRasterNoDataValue(b, &has);
    for (int i = 0; has && i < W * H; i++)
        if (v[i] == nd)
            v[i] = NAN;
    GDALClose(ds);
    return v;
}

static void compare(int neighbours)
{
    char ftif[600], gtif[600], loc[600], cmd[4096];
    int src[2];
    snprintf(ftif, sizeof ftif, "%s/friction.tif", tmp);
    snprintf(gtif, sizeof gtif, "%s/grass%d.tif", tmp, neighbours);
    snprintf(loc, sizeof loc, "%s/loc%d", tmp, neighbours);
    write_friction(ftif, src);
    double sxy[4];
    for (int k = 0; k < 2; k++) {
        sxy[2 * k] = X0 + (src[k] % W + 0.5) * RES;
        sxy[2 * k + 1] = Y0 - (src[k] / W + 0.5) * RES;
    }
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && grass -c EPSG:32631 '%s' -e >/dev/null 2>&1 && "
             "grass '%s/PERMANENT' --exec sh -c \"r.in.gdal -o --quiet "
             "input='%s' output=f && g.region raster=f && r.cost %s --quiet "
             "input=f output=c start_coordinates=%.1f,%.1f,%.1f,%.1f && "
             "r.out.gdal -c --quiet --overwrite input=c output='%s' "
             "type=Float64\" >'%s/grass.log' 2>&1",
             loc, loc, loc, ftif, neighbours == 16 ? "-k" : "", sxy[0],
             sxy[1], sxy[2], sxy[3], gtif, tmp);
    assert_int_equal(system(cmd), 0);
    double *g = read_grass(gtif);

    /* The plugin on the same file, read by routemap's own reader. */
    rm_layer *fr = NULL;
    rm_read_options o = RM_READ_OPTIONS_INIT;
    assert_int_equal(rm_io_read(crt_ctx, &fr, ftif, &o, NULL), RM_OK);
    rm_layer *orig = crt_points("o", sxy, 2);
    crt_input in[2] = {{"fr", fr}, {"o", orig}};
    char nb[32];
    snprintf(nb, sizeof nb, "neighbours=%d", neighbours);
    const char *sets[] = {"friction=fr", "origins=o", nb, NULL};
    rm__step_result out;
    int rc = crt_run(in, 2, sets, 1, &out);
    if (rc)
        print_error("%s\n", rm_errmsg(crt_ctx));
    assert_int_equal(rc, RM_OK);
    const double *c = rm_layer_raster_cdata(crt_output(&out, "cost"));
    double worst = 0;
    size_t reached = 0;
    for (int i = 0; i < W * H; i++) {
        if (isnan(g[i])) {
            assert_true(isnan(c[i]));
            continue;
        }
        reached++;
        double want = g[i] * RES;
        double d = want == 0 ? fabs(c[i]) : crt_rel(c[i], want);
        worst = fmax(worst, d);
        if (!(d <= 1e-6))
            print_error("cell %d: %.12g vs GRASS %.12g x %g\n", i, c[i],
                        g[i], RES);
        assert_true(d <= 1e-6);
    }
    print_message("r.cost%s: %zu cells, plugin = GRASS x %g m, worst "
                  "relative difference %.3g\n",
                  neighbours == 16 ? " -k" : "", reached, RES, worst);
    assert_true(reached > W * H / 2);
    rm__step_result_free(&out);
    rm_layer_destroy(fr);
    rm_layer_destroy(orig);
    free(g);
}

static void test_rcost_8(void **state)
{
    (void)state;
    if (!have_grass()) {
        print_message("SKIP: grass not found; install grass-core "
                      "(scripts/setup.sh with RM_WITH_PEERS=1)\n");
        skip();
    }
    compare(8);
}

static void test_rcost_16(void **state)
{
    (void)state;
    if (!have_grass()) {
        print_message("SKIP: grass not found\n");
        skip();
    }
    compare(16);
}

int main(void)
{
    const char *t = getenv("RM_TEST_TMP");
    snprintf(tmp, sizeof tmp, "%s", t ? t : "/tmp/rm_corridors_grass");
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rcost_8),
        cmocka_unit_test(test_rcost_16),
    };
    return cmocka_run_group_tests(tests, crt_setup, crt_teardown);
}
