/*
 * Successful runs, end to end, checked with independent tools: OGR reads
 * the exports, `sha256sum` checks the manifest's hashes, buffer areas are
 * compared with pi r^2, and sensitive values are searched for in every
 * byte written. Also: a failed run leaves earlier outputs as they were.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ogr_api.h>
#include <gdal.h>

#include "e2e_util.h"

static const char INCIDENTS_CSV[] =
    "id,lon,lat,kind,when,informant\n"
    "1,0.50,14.50,fuel,2026-07-01T10:00:00Z,Aminata Secretname\n"
    "2,0.60,14.60,gold,2026-07-02T10:00:00Z,Boubacar Hiddenname\n"
    "3,0.70,14.70,fuel,2026-08-03T10:00:00Z,Aminata Secretname\n"
    "4,0.80,14.80,fuel,2025-12-03T10:00:00Z,Outside Period\n";

static const char BASES_GEOJSON[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"base_id\":\"PB-1\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0.5,14.5]}},"
    "{\"type\":\"Feature\",\"properties\":{\"base_id\":\"PB-2\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0.9,14.9]}}]}\n";

static const char BRIEFING[] =
    "briefing:\n"
    "  title: End-to-end\n"
    "  crs: auto\n"
    "  area: [0, 14, 1, 15]\n"
    "  period: [2026-01-01, 2026-09-30]\n"
    "layers:\n"
    "  incidents: {source: incidents.csv, time: when, kind: kind,\n"
    "              sensitive: [informant]}\n"
    "  bases: {source: bases.geojson, id: base_id}\n"
    "  bases_again: {source: bases.geojson}\n"
    "steps:\n"
    "  - {id: cover, plugin: buffer, input: bases, distance: 1 km,\n"
    "     segments: 32}\n"
    "outputs:\n"
    "  export: results.gpkg\n"
    "  export_layers: [incidents, cover.buffers]\n";

/* The briefing and its two sources in the test folder; the briefing's
 * path. */
static const char *write_briefing(void)
{
    e2e_write("incidents.csv", INCIDENTS_CSV);
    e2e_write("bases.geojson", BASES_GEOJSON);
    return e2e_write("brief.yaml", BRIEFING);
}

static char *read_file(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    *len = fread(s, 1, (size_t)n, f);
    s[*len] = '\0';
    fclose(f);
    return s;
}

static int contains_bytes(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

/* sha256sum's answer for a file. */
static void sha256sum(const char *path, char out[65])
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, 65, p));
    pclose(p);
}

/* Shoelace area of a polygon's exterior ring. */
static double ring_area(OGRGeometryH ring)
{
    int n = OGR_G_GetPointCount(ring);
    double a = 0;
    for (int i = 0; i + 1 < n; i++)
        a += OGR_G_GetX(ring, i) * OGR_G_GetY(ring, i + 1) -
             OGR_G_GetX(ring, i + 1) * OGR_G_GetY(ring, i);
    return fabs(a) / 2;
}

static void test_run_and_check_outputs(void **state)
{
    (void)state;
    const char *brief = write_briefing();
    const char *out = e2e_path("out");
    const char *args[] = {"run", brief, "-o", out, NULL};
    e2e_result r = e2e_run(args);
    if (r.exit_code)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);
    /* Exactly the export and the manifest; no staging left behind. */
    assert_int_equal(e2e_count_files(out), 2);

    char gpkg[1200], manifest[1200];
    snprintf(gpkg, sizeof gpkg, "%s/results.gpkg", out);
    snprintf(manifest, sizeof manifest, "%s/manifest.json", out);

    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH buffers = GDALDatasetGetLayerByName(ds, "cover_buffers");
    assert_non_null(buffers);
    assert_int_equal(OGR_L_GetFeatureCount(buffers, 1), 2);
    OGR_L_ResetReading(buffers);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(buffers)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (OGR_G_GetGeometryCount(g) > 0 &&
            wkbFlatten(OGR_G_GetGeometryType(g)) == wkbMultiPolygon)
            g = OGR_G_GetGeometryRef(g, 0);
        OGRGeometryH ring = OGR_G_GetGeometryRef(g, 0);
        /* A 1 km buffer with 32 segments per quadrant: the inscribed
         * 128-gon has area 64 sin(2 pi/128) r^2, 0.04 % under pi r^2. */
        double expected = 64 * sin(2 * M_PI / 128) * 1e6;
        assert_true(fabs(ring_area(ring) - expected) / expected < 1e-3);
        OGR_F_Destroy(f);
    }
    /* Incidents: the period drops row 4; the sensitive field is gone. */
    OGRLayerH inc = GDALDatasetGetLayerByName(ds, "incidents");
    assert_non_null(inc);
    assert_int_equal(OGR_L_GetFeatureCount(inc, 1), 3);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(inc);
    assert_true(OGR_FD_GetFieldIndex(defn, "informant") < 0);
    assert_true(OGR_FD_GetFieldIndex(defn, "kind") >= 0);
    GDALClose(ds);

    /* DOC: sensitive fields can reach no export or manifest. */
    size_t len;
    char *bytes = read_file(gpkg, &len);
    assert_non_null(bytes);
    assert_false(contains_bytes(bytes, len, "Secretname"));
    assert_false(contains_bytes(bytes, len, "Hiddenname"));
    free(bytes);
    char *m = read_file(manifest, &len);
    assert_non_null(m);
    assert_false(contains_bytes(m, len, "Secretname"));

    /* The manifest's hashes are the files' hashes. */
    char want[65];
    sha256sum(e2e_path("incidents.csv"), want);
    assert_non_null(strstr(m, want));
    sha256sum(gpkg, want);
    assert_non_null(strstr(m, want));
    sha256sum(brief, want);
    assert_non_null(strstr(m, want));
    /* A file two layers read: its hash for each (computed once). */
    sha256sum(e2e_path("bases.geojson"), want);
    const char *first = strstr(m, want);
    assert_non_null(first);
    assert_non_null(strstr(first + 64, want));
    assert_non_null(strstr(m, "\"plugin\": \"buffer\""));
    assert_non_null(strstr(m, "\"definition\": \"EPSG:32631\""));
    free(m);
}

/* The one last_change of a GeoPackage's tables, into out. */
static void gpkg_last_change(const char *path, char *out, size_t size)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH q = GDALDatasetExecuteSQL(
        ds, "SELECT DISTINCT CAST(last_change AS TEXT) FROM gpkg_contents",
        NULL, NULL);
    assert_non_null(q);
    assert_int_equal(OGR_L_GetFeatureCount(q, 1), 1);
    OGR_L_ResetReading(q);
    OGRFeatureH f = OGR_L_GetNextFeature(q);
    assert_non_null(f);
    snprintf(out, size, "%s", OGR_F_GetFieldAsString(f, 0));
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, q);
    GDALClose(ds);
}

/* The same briefing run twice gives the same GeoPackage, byte for byte:
 * its tables are stamped with the briefing's date (here the period's
 * end, 2026-09-30, end of day), not the clock. */
static void test_export_reproducible(void **state)
{
    (void)state;
    const char *brief = write_briefing();
    char sums[2][65];
    for (int k = 0; k < 2; k++) {
        const char *out = e2e_path(k ? "again" : "first");
        const char *args[] = {"run", brief, "-o", out, NULL};
        e2e_result r = e2e_run(args);
        assert_int_equal(r.exit_code, 0);
        e2e_free(&r);
        char gpkg[1200];
        snprintf(gpkg, sizeof gpkg, "%s/results.gpkg", out);
        sha256sum(gpkg, sums[k]);
        if (k)
            continue;
        char stamp[64];
        gpkg_last_change(gpkg, stamp, sizeof stamp);
        assert_string_equal(stamp, "2026-09-30T23:59:59.999Z");
    }
    assert_string_equal(sums[0], sums[1]);
}

static void test_failed_run_keeps_previous_outputs(void **state)
{
    (void)state;
    const char *out = e2e_path("out");
    char gpkg[1200], before[65], after[65];
    snprintf(gpkg, sizeof gpkg, "%s/results.gpkg", out);
    sha256sum(gpkg, before);
    /* Same briefing, but a step whose plugin fails on its parameters. */
    char text[4096];
    snprintf(text, sizeof text, "%s", BRIEFING);
    char *seg = strstr(text, "segments: 32");
    memcpy(seg, "segments: 99", 12);
    const char *brief = e2e_write("brief-bad.yaml", text);
    const char *args[] = {"run", brief, "-o", out, NULL};
    e2e_result r = e2e_run(args);
    assert_int_equal(r.exit_code, 3);
    e2e_free(&r);
    sha256sum(gpkg, after);
    assert_string_equal(before, after);
    assert_int_equal(e2e_count_files(out), 2);
}

/* The wall and CPU milliseconds of the info line for step `id` in `err`
 * run `how` ("in process", "in a child process"); 0 when it is there. */
static int step_time(const char *err, const char *id, const char *how,
                     double *wall_ms, double *cpu_ms)
{
    char head[200];
    snprintf(head, sizeof head, "routemap: info: step '%s' (plugin ", id);
    const char *at = strstr(err, head);
    if (!at)
        return -1;
    const char *end = strchr(at, '\n');
    const char *mode = strstr(at, how);
    if (!mode || (end && mode > end))
        return -1;
    const char *colon = strstr(mode, "): ");
    if (!colon ||
        sscanf(colon, "): %lf ms, %lf ms CPU", wall_ms, cpu_ms) != 2)
        return -1;
    return 0;
}

static void test_analyze(void **state)
{
    (void)state;
    const char *out = e2e_path("analyze.gpkg");
    const char *args[] = {"analyze", "buffer", "--input",
                          "input=", "--set", "distance=500",
                          "--crs", "EPSG:32631", "-o", out, NULL};
    char input[1300];
    snprintf(input, sizeof input, "input=%s", e2e_path("bases.geojson"));
    args[3] = input;
    e2e_result r = e2e_run(args);
    if (r.exit_code)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);
    /* --verbose: the step's time, as in a briefing run. */
    const char *verbose[] = {"analyze", "buffer", "--input", input, "--set",
                             "distance=500", "--crs", "EPSG:32631", "-o",
                             out, "-v", NULL};
    r = e2e_run(verbose);
    assert_int_equal(r.exit_code, 0);
    double wall, cpu;
    assert_int_equal(step_time(r.err, "analyze", "in a child process",
                               &wall, &cpu),
                     0);
    assert_true(wall > 0 && cpu >= 0);
    e2e_free(&r);
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "buffers");
    assert_non_null(l);
    assert_int_equal(OGR_L_GetFeatureCount(l, 1), 2);
    GDALClose(ds);
}

/* With SOURCE_DATE_EPOCH the same analysis gives the same GeoPackage,
 * stamped with that time: 1790000000 s is 2026-09-21T14:13:20Z
 * (20,717 days and 51,200 s after 1970-01-01). A malformed value is a
 * usage error that writes nothing. */
static void test_analyze_source_date(void **state)
{
    (void)state;
    char input[1300];
    snprintf(input, sizeof input, "input=%s", e2e_path("bases.geojson"));
    char sums[2][65];
    setenv("SOURCE_DATE_EPOCH", "1790000000", 1);
    for (int k = 0; k < 2; k++) {
        const char *out = e2e_path(k ? "dated2.gpkg" : "dated1.gpkg");
        const char *args[] = {"analyze", "buffer", "--input", input,
                              "--set", "distance=500", "--crs",
                              "EPSG:32631", "-o", out, NULL};
        e2e_result r = e2e_run(args);
        assert_int_equal(r.exit_code, 0);
        e2e_free(&r);
        sha256sum(out, sums[k]);
        if (!k)
            sleep(1); /* a clock-stamped file would now differ */
    }
    assert_string_equal(sums[0], sums[1]);
    char stamp[64];
    gpkg_last_change(e2e_path("dated1.gpkg"), stamp, sizeof stamp);
    assert_string_equal(stamp, "2026-09-21T14:13:20.000Z");

    setenv("SOURCE_DATE_EPOCH", "17900000OO", 1);
    const char *bad = e2e_path("dated-bad.gpkg");
    const char *args[] = {"analyze", "buffer", "--input", input, "--set",
                          "distance=500", "-o", bad, NULL};
    e2e_result r = e2e_run(args);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "SOURCE_DATE_EPOCH='17900000OO'"));
    assert_false(e2e_exists(bad));
    e2e_free(&r);
}

static void test_verbose_times(void **state)
{
    (void)state;
    const char *brief = write_briefing();
    const char *out = e2e_path("verbose");
    double wall, cpu;
    /* Quiet by default. */
    const char *plain[] = {"run", brief, "-o", out, NULL};
    e2e_result r = e2e_run(plain);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.err, "step 'cover'"));
    e2e_free(&r);
    /* --verbose: each step's time, the way it ran. */
    const char *child[] = {"run", brief, "-o", out, "--verbose", NULL};
    r = e2e_run(child);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(step_time(r.err, "cover", "in a child process", &wall,
                               &cpu), 0);
    assert_true(wall > 0 && wall < 60000);
    assert_true(cpu >= 0 && cpu < 60000);
    /* Each layer with what it kept: 3 of the 4 incidents fall in the
     * period, both bases in the area. */
    assert_non_null(strstr(r.err, "routemap: info: layer 'incidents': 3 "
                                  "features from incidents.csv (1 more "
                                  "outside the area or period); "));
    assert_non_null(strstr(r.err, "routemap: info: layer 'bases': 2 "
                                  "features from bases.geojson; "));
    /* The parts of the run, in order, and the whole. */
    const char *parts[] = {"layers loaded: ", "steps run: ",
                           "exports written: ", "run done: "};
    const char *prev = r.err;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        const char *at = strstr(prev, parts[i]);
        assert_non_null(at);
        double w = -1, c = -1;
        assert_int_equal(sscanf(at + strlen(parts[i]), "%lf ms, %lf ms CPU",
                                &w, &c),
                         2);
        assert_true(w >= 0 && c >= 0);
        prev = at;
    }
    e2e_free(&r);
    const char *here[] = {"-v", "--in-process", "run", brief, "-o", out,
                          NULL};
    r = e2e_run(here);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(step_time(r.err, "cover", "in process", &wall, &cpu),
                     0);
    assert_true(wall > 0 && cpu >= 0);
    e2e_free(&r);
}

static void test_validate_plugins_inspect(void **state)
{
    (void)state;
    const char *a1[] = {"validate", e2e_path("brief.yaml"), NULL};
    e2e_result r = e2e_run(a1);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "valid"));
    e2e_free(&r);

    const char *a2[] = {"--json", "plugins", NULL};
    r = e2e_run(a2);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "\"name\":\"buffer\""));
    e2e_free(&r);

    const char *a3[] = {"plugins", "info", "buffer", NULL};
    r = e2e_run(a3);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "distance"));
    e2e_free(&r);

    const char *a4[] = {"--json", "inspect", e2e_path("bases.geojson"),
                        NULL};
    r = e2e_run(a4);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "\"feature_count\""));
    assert_non_null(strstr(r.out, "\"name\""));
    assert_non_null(strstr(r.out, "\"extent\""));
    e2e_free(&r);

    /* Global options work after the command as well as before it; a
     * command's own option keeps its value even when it looks like one. */
    const char *a6[] = {"validate", e2e_path("brief.yaml"), "--quiet", NULL};
    r = e2e_run(a6);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "");
    e2e_free(&r);

    const char *a7[] = {"validate", e2e_path("brief.yaml"), "--json", NULL};
    r = e2e_run(a7);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "{\"ok\":true}\n");
    e2e_free(&r);

    const char *a8[] = {"plugins", "--json", NULL};
    r = e2e_run(a8);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "\"name\":\"buffer\""));
    e2e_free(&r);

    const char *a9[] = {"analyze", "buffer", "--set", "--json", "-o",
                        "never.gpkg", NULL};
    r = e2e_run(a9);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "'--json' is not NAME=VALUE"));
    assert_string_equal(r.out, "");
    e2e_free(&r);

    const char *a5[] = {"--version", NULL};
    r = e2e_run(a5);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "routemap"));
    e2e_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_and_check_outputs),
        cmocka_unit_test(test_export_reproducible),
        cmocka_unit_test(test_failed_run_keeps_previous_outputs),
        cmocka_unit_test(test_analyze),
        cmocka_unit_test(test_analyze_source_date),
        cmocka_unit_test(test_validate_plugins_inspect),
        cmocka_unit_test(test_verbose_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
