/*
 * Bad input, end to end: each case runs the routemap program on a broken
 * briefing, data set or plugin and checks the three promises — a message
 * that says what and where, the documented exit code, and no output left
 * behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e_util.h"

/* Exit codes documented in the README and `routemap --help`. */
enum { EXIT_USAGE = 2, EXIT_SPEC = 3, EXIT_DATA = 4, EXIT_PLUGIN = 5,
       EXIT_OUTPUT = 6 };

static const char INCIDENTS_CSV[] =
    "id,lon,lat,kind,when,informant\n"
    "1,0.5,14.5,fuel,2026-07-01T10:00:00Z,Ali\n"
    "2,0.6,14.6,gold,2026-07-02T10:00:00Z,Bintou\n"
    "3,0.7,14.7,fuel,2026-07-03T10:00:00Z,Chaka\n";

static const char *write_data(void)
{
    e2e_write("no_coords.csv", "id,name\n1,a\n2,b\n");
    e2e_write("nan.csv", "id,lon,lat\n1,0.5,14.5\n2,nan,14.6\n3,0.7,14.7\n");
    e2e_write("all_nan.csv", "id,lon,lat\n1,nan,14.5\n2,nan,14.6\n");
    e2e_write("empty.geojson",
              "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
    e2e_write("bowtie.geojson",
              "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
              "\"Feature\",\"id\":7,\"properties\":{\"n\":1},\"geometry\":{"
              "\"type\":\"Polygon\",\"coordinates\":[[[0,14],[1,15],[1,14],"
              "[0,15],[0,14]]]}}]}\n");
    return e2e_write("incidents.csv", INCIDENTS_CSV);
}

/* A briefing around `body` (the layers/steps part). */
static const char *briefing(const char *name, const char *body)
{
    char text[4096];
    snprintf(text, sizeof text,
             "briefing:\n"
             "  title: Test briefing\n"
             "  area: [0, 14, 1, 15]\n"
             "  date: 2026-10-01\n"
             "%s",
             body);
    return e2e_write(name, text);
}

/* Run `routemap run BRIEFING -o OUT` and check code, message, no output. */
static void expect_failure(const char *brief, int exit_code,
                           const char *const *must_contain)
{
    char out_name[256];
    snprintf(out_name, sizeof out_name, "out-%s", strrchr(brief, '/') + 1);
    const char *out = e2e_path(out_name);
    const char *args[] = {"run", brief, "-o", out, NULL};
    e2e_result r = e2e_run(args);
    if (r.exit_code != exit_code)
        fprintf(stderr, "stderr was: %s\n", r.err);
    assert_int_equal(r.exit_code, exit_code);
    for (size_t i = 0; must_contain[i]; i++) {
        if (!strstr(r.err, must_contain[i]))
            fprintf(stderr, "missing '%s' in: %s\n", must_contain[i], r.err);
        assert_non_null(strstr(r.err, must_contain[i]));
    }
    /* DOC: nothing half-written — the output folder holds no file. */
    assert_int_equal(e2e_count_files(out), 0);
    e2e_free(&r);
}

static void test_missing_data_file(void **s)
{
    (void)s;
    const char *b = briefing("missing.yaml",
                             "layers:\n"
                             "  incidents: {source: nowhere.gpkg}\n");
    const char *want[] = {"missing.yaml:6:3", "nowhere.gpkg", NULL};
    expect_failure(b, EXIT_DATA, want);
}

static void test_unreadable_layer(void **s)
{
    (void)s;
    const char *b = briefing("badlayer.yaml",
                             "layers:\n"
                             "  incidents: {source: incidents.csv, "
                             "layer: nosuch}\n");
    const char *want[] = {"badlayer.yaml:6:3", "nosuch", "incidents", NULL};
    expect_failure(b, EXIT_DATA, want);
}

static void test_yaml_syntax(void **s)
{
    (void)s;
    const char *b = e2e_write("syntax.yaml",
                              "briefing:\n  title: [unclosed\nlayers: {}\n");
    const char *want[] = {"syntax.yaml:3:", NULL};
    expect_failure(b, EXIT_SPEC, want);
}

static void test_unknown_key(void **s)
{
    (void)s;
    const char *b = briefing("key.yaml", "layers:\n"
                                         "  incidents: {sorce: incidents.csv}\n");
    const char *want[] = {"key.yaml:6:15", "sorce", "source", NULL};
    expect_failure(b, EXIT_SPEC, want);
}

static void test_wrong_type(void **s)
{
    (void)s;
    const char *b = e2e_write("type.yaml", "briefing:\n"
                                           "  title: T\n"
                                           "  date: 2026-10-01\n"
                                           "  area: [west, 14, 1, 15]\n");
    const char *want[] = {"type.yaml:4:", "west", NULL};
    expect_failure(b, EXIT_SPEC, want);
}

static void test_unknown_plugin(void **s)
{
    (void)s;
    const char *b = briefing("plugin.yaml",
                             "layers:\n"
                             "  incidents: incidents.csv\n"
                             "steps:\n"
                             "  - {id: b, plugin: bufer, input: incidents}\n");
    const char *want[] = {"plugin.yaml:8:", "bufer", "buffer", NULL};
    expect_failure(b, EXIT_PLUGIN, want);
}

static void test_missing_parameter(void **s)
{
    (void)s;
    const char *b = briefing("param.yaml", "layers:\n"
                                           "  incidents: incidents.csv\n"
                                           "steps:\n"
                                           "  - {id: b, plugin: buffer}\n");
    const char *want[] = {"param.yaml:8:", "input", NULL};
    expect_failure(b, EXIT_SPEC, want);
}

static void test_parameter_out_of_bounds(void **s)
{
    (void)s;
    const char *b = briefing("bounds.yaml",
                             "layers:\n"
                             "  incidents: incidents.csv\n"
                             "steps:\n"
                             "  - {id: b, plugin: buffer, input: incidents, "
                             "segments: 1000}\n");
    const char *want[] = {"bounds.yaml:8:", "segments", "64", NULL};
    expect_failure(b, EXIT_SPEC, want);
}

static void test_unknown_field(void **s)
{
    (void)s;
    const char *b = briefing("field.yaml",
                             "layers:\n"
                             "  incidents: {source: incidents.csv, "
                             "time: nosuchfield}\n");
    const char *want[] = {"field.yaml:6:3", "nosuchfield", "when", NULL};
    expect_failure(b, EXIT_DATA, want);
}

static void test_csv_without_coordinates(void **s)
{
    (void)s;
    const char *b = briefing("nocoords.yaml",
                             "layers:\n"
                             "  incidents: no_coords.csv\n");
    const char *want[] = {"nocoords.yaml:6:3", "no_coords.csv", NULL};
    expect_failure(b, EXIT_DATA, want);
}

static void test_empty_layer(void **s)
{
    (void)s;
    const char *b = briefing("empty.yaml", "layers:\n"
                                           "  incidents: empty.geojson\n");
    const char *want[] = {"empty.yaml:6:3", "empty", NULL};
    expect_failure(b, EXIT_DATA, want);
}

static void test_all_nan_coordinates(void **s)
{
    (void)s;
    const char *b = briefing("allnan.yaml", "layers:\n"
                                            "  incidents: all_nan.csv\n");
    const char *want[] = {"allnan.yaml:6:3", NULL};
    expect_failure(b, EXIT_DATA, want);
}

static void test_sensitive_field_unknown(void **s)
{
    (void)s;
    const char *b = briefing("sens.yaml",
                             "layers:\n"
                             "  incidents: {source: incidents.csv, "
                             "sensitive: [informer]}\n");
    const char *want[] = {"sens.yaml:6:3", "informer", NULL};
    expect_failure(b, EXIT_DATA, want);
}

static void test_output_not_writable(void **s)
{
    (void)s;
    const char *b = briefing("outdir.yaml", "layers:\n"
                                            "  incidents: incidents.csv\n");
    const char *args[] = {"run", b, "-o", "/proc/routemap-cannot", NULL};
    e2e_result r = e2e_run(args);
    assert_int_equal(r.exit_code, EXIT_OUTPUT);
    assert_non_null(strstr(r.err, "/proc/routemap-cannot"));
    e2e_free(&r);
}

static void test_missing_briefing(void **s)
{
    (void)s;
    const char *args[] = {"validate", e2e_path("absent.yaml"), NULL};
    e2e_result r = e2e_run(args);
    assert_int_equal(r.exit_code, EXIT_DATA);
    assert_non_null(strstr(r.err, "absent.yaml"));
    e2e_free(&r);
}

static void test_usage(void **s)
{
    (void)s;
    const char *a1[] = {"frobnicate", NULL};
    e2e_result r = e2e_run(a1);
    assert_int_equal(r.exit_code, EXIT_USAGE);
    assert_non_null(strstr(r.err, "frobnicate"));
    e2e_free(&r);
    const char *a2[] = {"analyze", "buffer", "--set", "novalue", "-o",
                        e2e_path("x.gpkg"), NULL};
    r = e2e_run(a2);
    assert_int_equal(r.exit_code, EXIT_USAGE);
    assert_false(e2e_exists(e2e_path("x.gpkg")));
    e2e_free(&r);
}

/* A briefing whose step uses fixture plugin `name` from the bad-plugin
 * fixtures (tests/plugins/bad). */
static e2e_result run_fixture_plugin(const char *name)
{
    char body[512], file[64];
    snprintf(body, sizeof body,
             "layers:\n"
             "  incidents: incidents.csv\n"
             "steps:\n"
             "  - {id: s, plugin: %s}\n",
             name);
    snprintf(file, sizeof file, "fixture-%s.yaml", name);
    const char *b = briefing(file, body);
    snprintf(file, sizeof file, "out-fixture-%s", name);
    const char *out = e2e_path(file);
    const char *args[] = {"--plugin-path",
                          RM_BINARY_DIR "/tests/plugins/bad/fixtures", "run",
                          b, "-o", out, NULL};
    e2e_result r = e2e_run(args);
    assert_int_equal(e2e_count_files(out), 0);
    return r;
}

static void test_plugin_other_abi(void **s)
{
    (void)s;
    e2e_result r = run_fixture_plugin("abi2");
    assert_int_equal(r.exit_code, EXIT_PLUGIN);
    assert_non_null(strstr(r.err, "fixture-abi2.yaml:8:"));
    assert_non_null(strstr(r.err, "ABI 2.0"));
    e2e_free(&r);
}

static void test_plugin_without_entry(void **s)
{
    (void)s;
    e2e_result r = run_fixture_plugin("noentry");
    assert_int_equal(r.exit_code, EXIT_PLUGIN);
    assert_non_null(strstr(r.err, "fixture-noentry.yaml:8:"));
    assert_non_null(strstr(r.err, "rm_plugin_noentry_init"));
    e2e_free(&r);
}

static void test_plugin_crash(void **s)
{
    (void)s;
    e2e_result r = run_fixture_plugin("crash");
    /* DOC: a plugin that crashes never takes the host down. */
    assert_int_equal(r.exit_code, EXIT_PLUGIN);
    assert_non_null(strstr(r.err, "crash"));
    assert_non_null(strstr(r.err, "signal"));
    e2e_free(&r);
}

/* Repaired and dropped features are reported with their ids; the run
 * goes on (exit 0) with the rest. */
static void test_invalid_and_nan_reported(void **s)
{
    (void)s;
    const char *b = briefing("repair.yaml",
                             "layers:\n"
                             "  zones: bowtie.geojson\n"
                             "  points: nan.csv\n"
                             "outputs: {export: r.gpkg, export_layers: "
                             "[zones, points]}\n");
    const char *out = e2e_path("out-repair");
    const char *args[] = {"run", b, "-o", out, NULL};
    e2e_result r = e2e_run(args);
    if (r.exit_code != 0)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.exit_code, 0);
    /* bowtie.geojson feature 7 is invalid; nan.csv row 2 has no lon. */
    assert_non_null(strstr(r.err, "zones"));
    assert_non_null(strstr(r.err, "7"));
    assert_non_null(strstr(r.err, "points"));
    assert_non_null(strstr(r.err, "2"));
    e2e_free(&r);
}

int main(void)
{
    write_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_data_file),
        cmocka_unit_test(test_unreadable_layer),
        cmocka_unit_test(test_yaml_syntax),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_unknown_plugin),
        cmocka_unit_test(test_missing_parameter),
        cmocka_unit_test(test_parameter_out_of_bounds),
        cmocka_unit_test(test_unknown_field),
        cmocka_unit_test(test_csv_without_coordinates),
        cmocka_unit_test(test_empty_layer),
        cmocka_unit_test(test_all_nan_coordinates),
        cmocka_unit_test(test_sensitive_field_unknown),
        cmocka_unit_test(test_output_not_writable),
        cmocka_unit_test(test_missing_briefing),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_invalid_and_nan_reported),
        cmocka_unit_test(test_plugin_other_abi),
        cmocka_unit_test(test_plugin_without_entry),
        cmocka_unit_test(test_plugin_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
