/*
 * The host survives its plugins, end to end: `routemap run` with each
 * deliberately broken plugin of tests/plugins/bad (crash, abort, hang,
 * memory blow-up, invalid output, wrong ABI, missing entry symbol, a file
 * writable by everyone) after a good step. Each must end with exit code 5
 * and one message naming the plugin, the step and the cause, and the
 * whole run is refused: outputs of an earlier complete run stay exactly
 * as they were and no staging folder is left. `routemap analyze` keeps
 * the same promises with --timeout and --memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <gdal.h>

#include "e2e_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define FIXTURES RM_BINARY_DIR "/tests/plugins/bad/fixtures"
enum { EXIT_PLUGIN = 5 };

static char *slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s) {
        *len = fread(s, 1, (size_t)n, f);
        s[*len] = '\0';
    }
    fclose(f);
    return s;
}

/* The bytes of results.gpkg and manifest.json in `out`. */
typedef struct snapshot {
    char *gpkg, *manifest;
    size_t gpkg_len, manifest_len;
} snapshot;

static snapshot take(const char *out)
{
    char p[1400];
    snapshot s;
    snprintf(p, sizeof p, "%s/results.gpkg", out);
    s.gpkg = slurp(p, &s.gpkg_len);
    snprintf(p, sizeof p, "%s/manifest.json", out);
    s.manifest = slurp(p, &s.manifest_len);
    assert_non_null(s.gpkg);
    assert_non_null(s.manifest);
    return s;
}

static void assert_same(const snapshot *a, const snapshot *b)
{
    assert_int_equal(a->gpkg_len, b->gpkg_len);
    assert_memory_equal(a->gpkg, b->gpkg, a->gpkg_len);
    assert_int_equal(a->manifest_len, b->manifest_len);
    assert_memory_equal(a->manifest, b->manifest, a->manifest_len);
}

static void release(snapshot *s)
{
    free(s->gpkg);
    free(s->manifest);
}

/* A briefing: a good buffer step, then `bad_step` (may be empty). */
static const char *briefing(const char *name, const char *bad_step)
{
    char text[2048];
    snprintf(text, sizeof text,
             "briefing: {title: Isolation, date: 2026-10-01, "
             "area: [0, 14, 1, 15]}\n"
             "layers: {bases: bases.geojson}\n"
             "steps:\n"
             "  - {id: cover, plugin: buffer, input: bases, distance: 5 km}\n"
             "%s"
             "outputs: {export: results.gpkg}\n",
             bad_step);
    return e2e_write(name, text);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fprintf(stderr, "missing '%s' in: %s\n", part, text);
    assert_non_null(strstr(text, part));
}

/*
 * Run the good briefing into out-<plugin> (outputs complete), then the
 * one with step `bad: <plugin>` and `extra` step keys; expect exit 5 with
 * every part in the message, and the earlier outputs untouched.
 */
static void expect_refused(const char *plugin, const char *extra,
                           const char *plugin_dir, const char *const *parts)
{
    char name[128], step[256], out[1200], bad[1200];
    snprintf(name, sizeof name, "out-%s", plugin);
    snprintf(out, sizeof out, "%s", e2e_path(name));
    snprintf(name, sizeof name, "good-%s.yaml", plugin);
    const char *good = briefing(name, "");
    const char *a1[] = {"--plugin-path", plugin_dir, "run", good, "-o", out,
                        NULL};
    e2e_result r = e2e_run(a1);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);
    assert_int_equal(e2e_count_files(out), 2);
    snapshot before = take(out);

    snprintf(step, sizeof step, "  - {id: bad, plugin: %s%s}\n", plugin,
             extra);
    snprintf(name, sizeof name, "bad-%s.yaml", plugin);
    snprintf(bad, sizeof bad, "%s", briefing(name, step));
    const char *a2[] = {"--plugin-path", plugin_dir, "run", bad, "-o", out,
                        NULL};
    r = e2e_run(a2);
    if (r.exit_code != EXIT_PLUGIN)
        fprintf(stderr, "%s: exit %d: %s\n", plugin, r.exit_code, r.err);
    assert_int_equal(r.exit_code, EXIT_PLUGIN);
    for (size_t i = 0; parts[i]; i++)
        assert_contains(r.err, parts[i]);
    /* One error, and nothing from a dying host after it. */
    const char *e = strstr(r.err, "routemap: error: ");
    assert_non_null(e);
    assert_null(strstr(e + 1, "routemap: error: "));
    assert_null(strchr(e, '\n') ? strchr(strchr(e, '\n') + 1, '\n') : NULL);
    e2e_free(&r);
    /* DOC: the whole run is refused; earlier outputs stay as they were,
     * and no staging folder is left behind. */
    assert_int_equal(e2e_count_files(out), 2);
    snapshot after = take(out);
    assert_same(&before, &after);
    release(&before);
    release(&after);
}

static void test_crash(void **s)
{
    (void)s;
    /* The step's mapping opens at line 5, column 5 of the briefing:
     * "  - {id: bad, plugin: crash}". */
    expect_refused("crash", "", FIXTURES,
                   (const char *const[]){"bad-crash.yaml:5:5: ",
                                         "step 'bad' (plugin crash 0.0.1) "
                                         "crashed with signal 11",
                                         "outputs were discarded", NULL});
}

static void test_abort(void **s)
{
    (void)s;
    expect_refused("abort", "", FIXTURES,
                   (const char *const[]){"step 'bad' (plugin abort 0.0.1) "
                                         "crashed with signal 6", NULL});
}

static void test_hang(void **s)
{
    (void)s;
    time_t t0 = time(NULL);
    /* The error points at the limit that was hit, the value of timeout_s
     * in "  - {id: bad, plugin: hang, timeout_s: 1}": line 5, column 40. */
    expect_refused("hang", ", timeout_s: 1", FIXTURES,
                   (const char *const[]){"bad-hang.yaml:5:40: ",
                                         "step 'bad' (plugin hang 0.0.1): "
                                         "no answer after 1 s (timeout_s); "
                                         "raise timeout_s or check the "
                                         "plugin", NULL});
    assert_true(time(NULL) - t0 < 30);
}

static void test_memory(void **s)
{
    (void)s;
    if (UNDER_ASAN)
        skip(); /* ASan maps its heap up front: RLIMIT_AS cannot see it */
    /* "  - {id: bad, plugin: hog, memory_mb: 64}": the 64 is at 5:39,
     * and at 5:44 in "  - {id: bad, plugin: hogcheck, memory_mb: 64}". */
    expect_refused("hog", ", memory_mb: 64", FIXTURES,
                   (const char *const[]){"bad-hog.yaml:5:39: ",
                                         "step 'bad' (plugin hog 0.0.1): "
                                         "exceeded memory_mb (64 MB)",
                                         "raise memory_mb", NULL});
    expect_refused("hogcheck", ", memory_mb: 64", FIXTURES,
                   (const char *const[]){"bad-hogcheck.yaml:5:44: ",
                                         "step 'bad' (plugin hogcheck "
                                         "0.0.1): exceeded memory_mb (64 "
                                         "MB): it ran out of memory", NULL});
}

static void test_invalid_output(void **s)
{
    (void)s;
    expect_refused("nan", "", FIXTURES,
                   (const char *const[]){"step 'bad' (plugin nan 0.0.1)",
                                         "output 'points' is invalid",
                                         "not finite", NULL});
    expect_refused("wrongtype", "", FIXTURES,
                   (const char *const[]){"step 'bad' (plugin wrongtype "
                                         "0.0.1)", "wrong geometry type",
                                         NULL});
    expect_refused("undeclared", "", FIXTURES,
                   (const char *const[]){"step 'bad' (plugin undeclared "
                                         "0.0.1)", "does not declare",
                                         NULL});
    expect_refused("garble", "", FIXTURES,
                   (const char *const[]){"step 'bad' (plugin garble 0.0.1)",
                                         "sent a message of unknown type",
                                         NULL});
}

/* A raster made in the plugin's process arrives as it was written (its
 * cells cross in a shared memory file, not through the pipe). */
static void test_raster_output(void **s)
{
    (void)s;
    const char *b = briefing("raster.yaml", "  - {id: r, plugin: raster}\n");
    const char *out = e2e_path("out-raster");
    const char *args[] = {"--plugin-path", FIXTURES, "run", b, "-o", out,
                          NULL};
    e2e_result r = e2e_run(args);
    if (r.exit_code != 0)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);
    char tif[1300];
    snprintf(tif, sizeof tif, "%s/results.r.grid.tif", out);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(tif, GA_ReadOnly);
    assert_non_null(ds);
    assert_int_equal(GDALGetRasterXSize(ds), 3);
    assert_int_equal(GDALGetRasterYSize(ds), 2);
    double gt[6];
    assert_int_equal(GDALGetGeoTransform(ds, gt), CE_None);
    const double want_gt[6] = {500000.0, 1000.0, 0.0, 1600000.0, 0.0,
                               -1000.0};
    for (int i = 0; i < 6; i++)
        assert_true(gt[i] == want_gt[i]);
    double cells[6];
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, 3,
                                  2, cells, 3, 2, GDT_Float64, 0, 0),
                     CE_None);
    for (int i = 0; i < 6; i++)
        assert_true(cells[i] == i + 0.25);
    GDALClose(ds);
}

/* A plugin that leaves a process still able to write the raster it
 * handed over: the host cannot seal the cells and refuses the output. */
static void test_raster_kept_writable(void **s)
{
    (void)s;
    expect_refused("rasterkeep", "", FIXTURES,
                   (const char *const[]){"step 'bad' (plugin rasterkeep "
                                         "0.0.1)",
                                         "a raster output it still maps for "
                                         "writing after handing it over",
                                         "outputs were discarded", NULL});
}

static void test_refused_plugins(void **s)
{
    (void)s;
    /* The step's line (5) and the plugin's column (23) in the briefing:
     * "  - {id: bad, plugin: abi2}". */
    expect_refused("abi2", "", FIXTURES,
                   (const char *const[]){"bad-abi2.yaml:5:23:",
                                         "step 'bad'", "ABI 2.0", NULL});
    expect_refused("noentry", "", FIXTURES,
                   (const char *const[]){"bad-noentry.yaml:5:23:",
                                         "step 'bad'",
                                         "rm_plugin_noentry_init", NULL});
}

static void copy(const char *from, const char *to, mode_t mode)
{
    size_t len;
    char *bytes = slurp(from, &len);
    assert_non_null(bytes);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(bytes);
    assert_int_equal(chmod(to, mode), 0);
}

static void test_world_writable(void **s)
{
    (void)s;
    char dir[1200], file[1300];
    snprintf(dir, sizeof dir, "%s", e2e_path("ww"));
    mkdir(dir, 0755);
    snprintf(file, sizeof file, "%s/routemap-echo.so", dir);
    copy(FIXTURES "/routemap-echo.so", file, 0757);
    expect_refused("echo", "", dir,
                   (const char *const[]){"step 'bad'", file,
                                         "writable by every user",
                                         "chmod o-w",
                                         "--allow-writable-plugins", NULL});
    /* Explicitly allowed, it loads (with a warning) and the run ends. */
    const char *b = e2e_path("bad-echo.yaml");
    const char *out = e2e_path("out-echo");
    const char *args[] = {"--allow-writable-plugins", "--plugin-path", dir,
                          "run", b, "-o", out, NULL};
    e2e_result r = e2e_run(args);
    if (r.exit_code != 0)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.exit_code, 0);
    assert_contains(r.err, "writable by every user");
    assert_contains(r.err, "(allowed by --allow-writable-plugins)");
    e2e_free(&r);
}

/* The manifest records how each step ran: in a child under the
 * briefing's limits or the documented defaults (1800 s, 4096 MB), or in
 * process, where no limit holds. */
static void test_manifest_limits(void **s)
{
    (void)s;
    const char *b = briefing("limits.yaml",
                             "  - {id: capped, plugin: buffer, input: bases, "
                             "distance: 1 km, timeout_s: 7.5, "
                             "memory_mb: 300}\n");
    const char *out = e2e_path("out-limits");
    const char *a1[] = {"run", b, "-o", out, NULL};
    e2e_result r = e2e_run(a1);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);
    char p[1300];
    snprintf(p, sizeof p, "%s/manifest.json", out);
    size_t len;
    char *m = slurp(p, &len);
    assert_non_null(m);
    const char *cover = strstr(m, "\"id\": \"cover\"");
    const char *capped = strstr(m, "\"id\": \"capped\"");
    assert_non_null(cover);
    assert_non_null(capped);
    const char *want_cover = "\"isolation\": \"child\", \"timeout_s\": "
                             "1800, \"memory_mb\": 4096";
    const char *want_capped = "\"isolation\": \"child\", \"timeout_s\": "
                              "7.5, \"memory_mb\": 300";
    const char *at = strstr(cover, want_cover);
    assert_true(at && at < capped);
    assert_non_null(strstr(capped, want_capped));
    free(m);

    const char *out2 = e2e_path("out-limits-inproc");
    const char *a2[] = {"--in-process", "run", b, "-o", out2, NULL};
    r = e2e_run(a2);
    assert_int_equal(r.exit_code, 0);
    e2e_free(&r);
    snprintf(p, sizeof p, "%s/manifest.json", out2);
    m = slurp(p, &len);
    assert_non_null(m);
    const char *none = "\"isolation\": \"in-process\", \"timeout_s\": "
                       "null, \"memory_mb\": null";
    at = strstr(m, none);
    assert_non_null(at);
    assert_non_null(strstr(at + 1, none)); /* both steps */
    free(m);
}

static void test_analyze_limits(void **s)
{
    (void)s;
    const char *out = e2e_path("analyze.gpkg");
    const char *a1[] = {"--plugin-path", FIXTURES, "analyze", "hang",
                        "--crs", "EPSG:32631", "--timeout", "0.5", "-o",
                        out, NULL};
    e2e_result r = e2e_run(a1);
    assert_int_equal(r.exit_code, EXIT_PLUGIN);
    assert_contains(r.err, "step 'analyze' (plugin hang 0.0.1): no answer "
                           "after 0.5 s (timeout_s)");
    assert_false(e2e_exists(out));
    e2e_free(&r);
    if (UNDER_ASAN)
        return;
    const char *a2[] = {"--plugin-path", FIXTURES, "analyze", "hog",
                        "--crs", "EPSG:32631", "--memory", "64", "-o", out,
                        NULL};
    r = e2e_run(a2);
    assert_int_equal(r.exit_code, EXIT_PLUGIN);
    assert_contains(r.err, "exceeded memory_mb (64 MB)");
    assert_false(e2e_exists(out));
    e2e_free(&r);
}

int main(void)
{
    e2e_write("bases.geojson",
              "{\"type\":\"FeatureCollection\",\"features\":["
              "{\"type\":\"Feature\",\"id\":1,\"properties\":{},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0.5,14.5]}},"
              "{\"type\":\"Feature\",\"id\":2,\"properties\":{},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0.7,14.6]}}"
              "]}\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_hang),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_invalid_output),
        cmocka_unit_test(test_raster_output),
        cmocka_unit_test(test_raster_kept_writable),
        cmocka_unit_test(test_refused_plugins),
        cmocka_unit_test(test_world_writable),
        cmocka_unit_test(test_manifest_limits),
        cmocka_unit_test(test_analyze_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
