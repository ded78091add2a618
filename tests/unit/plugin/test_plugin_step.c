/*
 * Tests of running a step: the broken fixtures of tests/plugins/bad in
 * process and in a forked child (each failure becomes the documented code
 * and names step, plugin and cause; crashes only ever run in the child),
 * a well-behaved fixture whose outputs, notes, log and progress must come
 * back the same both ways, and the host table's checks through small
 * plugins defined here.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "plugin/params.h"
#include "plugin/step.h"
#include "routemap/errors.h"
#include "routemap/layer.h"
#include "routemap/registry.h"

#define FIX RM_BAD_PLUGIN_DIR
#define CRS "EPSG:32631"

static rm_context *ctx;
static rm_registry *reg;
static rm_layer *incidents;

/* What the logger and the progress callback received. */
static char log_text[4096];
static double fractions[16];
static size_t n_fractions;
static size_t n_progress; /* every call, beyond the 16 kept */
static double last_fraction;
static char progress_what[64];

static void logger(void *ud, rm_log_level level, const char *msg)
{
    (void)ud;
    size_t len = strlen(log_text);
    snprintf(log_text + len, sizeof log_text - len, "%d|%s\n", (int)level,
             msg);
}

static void on_progress(void *ud, const char *what, double f)
{
    (void)ud;
    snprintf(progress_what, sizeof progress_what, "%s", what);
    if (n_fractions < 16)
        fractions[n_fractions++] = f;
    n_progress++;
    last_fraction = f;
}

static const rm_layer *lookup(void *ud, const char *name)
{
    (void)ud;
    return strcmp(name, "incidents") == 0 ? incidents : NULL;
}

static int setup(void **state)
{
    (void)state;
    if (rm_context_create(&ctx) || rm_registry_create(ctx, &reg) ||
        rm_registry_add_path(reg, FIX) || rm_registry_scan(reg))
        return -1;
    rm_context_set_logger(ctx, logger, NULL);
    rm_context_set_log_level(ctx, RM_LOG_INFO);
    if (rm_layer_create(&incidents, "incidents", RM_GEOM_POINT))
        return -1;
    double xy[2] = {1, 2};
    rm_layer_begin_feature(incidents, 1);
    rm_layer_add_part(incidents, xy, 1, NULL, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_layer_destroy(incidents);
    rm_registry_destroy(reg);
    rm_context_destroy(ctx);
    return 0;
}

static int run_desc(const rm_plugin_desc *d, const rm__raw_param *raw,
                    size_t n_raw, int in_process, rm__step_result *res)
{
    rm__params *p = NULL;
    log_text[0] = '\0';
    n_fractions = 0;
    n_progress = 0;
    last_fraction = -1;
    progress_what[0] = '\0';
    int rc = rm__params_resolve(ctx, d, "cross", raw, n_raw, lookup, NULL,
                                &p);
    if (rc != RM_OK) {
        print_error("params: %s\n", rm_errmsg(ctx));
        return rc;
    }
    rm_bbox area = {100, 200, 300, 400};
    rc = rm__step_run(ctx, d, "cross", p, CRS, area, on_progress, NULL,
                      in_process, res);
    rm__params_destroy(p);
    return rc;
}

static int run_fixture(const char *name, int in_process,
                       rm__step_result *res)
{
    const rm_plugin_desc *d = rm_registry_find(reg, name);
    assert_non_null(d);
    rm__raw_param raw[1];
    const char *items[] = {"incidents"};
    size_t n = 0;
    if (strcmp(name, "writeinput") == 0) {
        rm__raw_param r = {"input", items, 1, 0,
                           {"b.yaml", 3, 5, NULL, NULL, -1}};
        raw[n++] = r;
    }
    return run_desc(d, raw, n, in_process, res);
}

/* Run the fixture and expect `code` with every part in the message. */
static void expect(const char *name, int in_process, int code,
                   const char *const *parts)
{
    rm__step_result res;
    memset(&res, 0xab, sizeof res);
    int rc = run_fixture(name, in_process, &res);
    const char *msg = rm_errmsg(ctx);
    if (rc != code)
        print_error("%s (%s): %d %s\n", name,
                    in_process ? "in process" : "child", rc, msg);
    assert_int_equal(rc, code);
    /* Nothing half-written: a failed step hands back nothing. */
    assert_null(res.layers);
    assert_int_equal(res.n, 0);
    assert_int_equal(res.n_notes, 0);
    for (size_t i = 0; parts[i]; i++) {
        if (!strstr(msg, parts[i]))
            print_error("%s: message '%s' lacks '%s'\n", name, msg,
                        parts[i]);
        assert_non_null(strstr(msg, parts[i]));
    }
    rm__step_result_free(&res);
}

static void both(const char *name, int code, const char *const *parts)
{
    expect(name, 1, code, parts);
    expect(name, 0, code, parts);
}

static void test_failing_run(void **state)
{
    (void)state;
    both("fail", RM_EPLUGIN_RUN, (const char *const[]){"", NULL});
    for (int in = 0; in < 2; in++) {
        rm__step_result res;
        assert_int_equal(run_fixture("fail", in, &res), RM_EPLUGIN_RUN);
        assert_string_equal(rm_errmsg(ctx),
                            "step 'cross' (plugin fail 0.0.1): no tracks "
                            "cross the line L1");
    }
    both("silentfail", RM_EPLUGIN_RUN,
         (const char *const[]){"step 'cross' (plugin silentfail 0.0.1)",
                               "failed with code -25 (layer is empty) "
                               "without saying why", NULL});
    both("undeclparam", RM_EPLUGIN_RUN,
         (const char *const[]){"step 'cross' (plugin undeclparam 0.0.1)",
                               "param_real asked for the parameter 'nope'",
                               "does not declare", NULL});
}

static void test_bad_outputs(void **state)
{
    (void)state;
    both("undeclared", RM_EPLUGIN_OUTPUT,
         (const char *const[]){"step 'cross' (plugin undeclared 0.0.1)",
                               "the output 'secret'",
                               "does not declare (declared: points)",
                               "bug in the plugin", NULL});
    both("nan", RM_EPLUGIN_OUTPUT,
         (const char *const[]){"step 'cross' (plugin nan 0.0.1)",
                               "output 'points' is invalid",
                               "feature 1 (fid 8), part 0",
                               "coordinate 0 is (nan, 5), not finite", NULL});
    both("wrongtype", RM_EPLUGIN_OUTPUT,
         (const char *const[]){"output 'zones' has the wrong geometry type",
                               "declared as polygons",
                               "output_raster created it as a raster", NULL});
    both("badring", RM_EPLUGIN_OUTPUT,
         (const char *const[]){"output 'zones' is invalid",
                               "feature 0 (fid 3), part 0",
                               "a polygon ring has 3 coordinates", NULL});
    both("writeinput", RM_EPLUGIN_OUTPUT,
         (const char *const[]){"add_field wrote to a layer 'incidents'",
                               "not one of the step's outputs", NULL});
    /* The input was not touched, even in process. */
    assert_int_equal(rm_layer_field_count(incidents), 0);
}

static void test_crashes(void **state)
{
    (void)state;
    expect("crash", 0, RM_EPLUGIN_CRASH,
           (const char *const[]){"step 'cross' (plugin crash 0.0.1) "
                                 "crashed with signal 11 (Segmentation "
                                 "fault)", "outputs were discarded", NULL});
    expect("abort", 0, RM_EPLUGIN_CRASH,
           (const char *const[]){"crashed with signal 6 (Aborted)", NULL});
    expect("exit", 0, RM_EPLUGIN_CRASH,
           (const char *const[]){"exited with status 3 before finishing",
                                 "never exit", NULL});
    expect("quit", 0, RM_EPLUGIN_CRASH,
           (const char *const[]){"ended without sending its results",
                                 NULL});
    expect("garble", 0, RM_EPLUGIN_OUTPUT,
           (const char *const[]){"step 'cross' (plugin garble 0.0.1)",
                                 "sent a message of unknown type", NULL});
    /* An output said to wait in the child's memory where nothing is. */
    expect("farpoint", 0, RM_EPLUGIN_OUTPUT,
           (const char *const[]){"step 'cross' (plugin farpoint 0.0.1)",
                                 "sent an output that cannot be decoded",
                                 NULL});
    /* The host carries on: the next step runs normally. */
    rm__step_result res;
    assert_int_equal(run_fixture("echo", 0, &res), RM_OK);
    rm__step_result_free(&res);
}

static void check_echo(const rm__step_result *res, const char *label)
{
    assert_int_equal(res->n, 3);
    const rm_layer *t = res->layers[0];
    assert_non_null(t);
    assert_string_equal(rm_layer_name(t), "tracks");
    assert_string_equal(rm_layer_crs(t), CRS);
    assert_int_equal(rm_layer_geom_type(t), RM_GEOM_LINE);
    assert_int_equal(rm_layer_feature_count(t), 2);
    assert_int_equal(rm_layer_coord_count(t), 6);
    assert_int_equal(rm_layer_fids(t)[0], 40);
    assert_int_equal(rm_layer_fids(t)[1], 41);
    const double *xy = rm_layer_xy(t);
    assert_true(xy[2] == 3 && xy[3] == 4 && xy[10] == 6 && xy[11] == 8);
    assert_true(rm_layer_vertex_times(t)[4] == 200);
    int fn = rm_layer_field_index(t, "n"), fw = rm_layer_field_index(t, "w");
    int fl = rm_layer_field_index(t, "label");
    int fd = rm_layer_field_index(t, "when");
    int fb = rm_layer_field_index(t, "ok");
    assert_int_equal(rm_layer_field_ints(t, fn)[1], 2);
    /* weights default "1,2": row k gets item k. */
    assert_true(rm_layer_field_reals(t, fw)[0] == 1.0);
    assert_true(rm_layer_field_reals(t, fw)[1] == 2.0);
    assert_string_equal(rm_layer_field_string(t, fl, 1), label);
    assert_int_equal(rm_layer_field_ints(t, fd)[1], 1751328000001LL);
    assert_int_equal(rm_layer_field_bools(t, fb)[0], 0);
    assert_int_equal(rm_layer_field_bools(t, fb)[1], 1);

    const rm_layer *g = res->layers[1];
    assert_non_null(g);
    assert_string_equal(rm_layer_name(g), "grid");
    assert_string_equal(rm_layer_crs(g), CRS);
    assert_int_equal(rm_layer_raster_width(g), 3);
    assert_int_equal(rm_layer_raster_height(g), 2);
    assert_true(rm_layer_raster_geotransform(g)[3] == 800);
    const double *c = rm_layer_raster_cdata(g);
    assert_true(c[0] == 0 && c[1] == 1.5 && c[5] == 7.5 && isnan(c[4]));
    /* Declared but not created. */
    assert_null(res->layers[2]);

    assert_int_equal(res->n_notes, 2);
    assert_string_equal(res->note_keys[0], "convention");
    assert_string_equal(res->note_values[0], "chainage from the west end");
    assert_string_equal(res->note_keys[1], "crs");
    assert_string_equal(res->note_values[1], CRS);

    assert_non_null(strstr(log_text, "1|step 'cross' (plugin echo 0.0.1): "
                                     "echoed 2 features\n"));
    assert_string_equal(progress_what, "cross");
    assert_int_equal(n_fractions, 2);
    assert_true(fractions[0] == 0.5 && fractions[1] == 1.0);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A plugin reporting progress 100,000 times, ending at 0.75: in process
 * every call reaches the callback; from a child, each message wakes the
 * host, so only the first, the last (held back until run returned) and
 * at most one per 0.1 s between do, in order. */
static void test_progress_from_child_throttled(void **state)
{
    (void)state;
    rm__step_result res;
    assert_int_equal(run_fixture("chatty", 1, &res), RM_OK);
    rm__step_result_free(&res);
    assert_int_equal(n_progress, 100000);
    assert_true(last_fraction == 0.75);

    double t0 = now_s();
    assert_int_equal(run_fixture("chatty", 0, &res), RM_OK);
    double took = now_s() - t0;
    rm__step_result_free(&res);
    assert_string_equal(progress_what, "cross");
    assert_true(fractions[0] == 0.75 * 1 / 100000);
    assert_true(last_fraction == 0.75);
    assert_true(n_progress >= 2);
    assert_true(n_progress <= 3 + (size_t)(took / 0.1));
    for (size_t i = 1; i < n_fractions; i++)
        assert_true(fractions[i] > fractions[i - 1]);
}

/* The CPUs this process may use, as the cpus fixture writes them. */
static void allowed_cpus(char *text, size_t size)
{
    cpu_set_t set;
    size_t len = 0;
    text[0] = '\0';
    assert_int_equal(sched_getaffinity(0, sizeof set, &set), 0);
    for (int c = 0; c < CPU_SETSIZE && len + 8 < size; c++)
        if (CPU_ISSET(c, &set))
            len += (size_t)snprintf(text + len, size - len, "%s%d",
                                    len ? "," : "", c);
}

/* A plugin's process starts on the CPU the host ran on but may then use
 * every CPU the host may: in process and in a child alike. */
static void test_child_keeps_allowed_cpus(void **state)
{
    (void)state;
    char want[1024];
    allowed_cpus(want, sizeof want);
    for (int in_process = 0; in_process <= 1; in_process++) {
        rm__step_result res;
        assert_int_equal(run_fixture("cpus", in_process, &res), RM_OK);
        assert_int_equal(res.n_notes, 1);
        assert_string_equal(res.note_keys[0], "cpus");
        assert_string_equal(res.note_values[0], want);
        rm__step_result_free(&res);
    }
}

static void test_echo_both_ways(void **state)
{
    (void)state;
    rm__step_result here, child;
    assert_int_equal(run_fixture("echo", 1, &here), RM_OK);
    check_echo(&here, "none");
    assert_int_equal(run_fixture("echo", 0, &child), RM_OK);
    check_echo(&child, "none");
    /* Byte for byte the same layers. */
    for (size_t i = 0; i < 2; i++) {
        uint8_t *a, *b;
        size_t la, lb;
        assert_int_equal(rm_layer_serialize(here.layers[i], &a, &la), RM_OK);
        assert_int_equal(rm_layer_serialize(child.layers[i], &b, &lb),
                         RM_OK);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(a);
        free(b);
    }
    rm__step_result_free(&here);
    rm__step_result_free(&child);
    /* DOC: freeing a zeroed result is fine. */
    rm__step_result_free(&here);

    /* A parameter reaches the child too. */
    const rm_plugin_desc *d = rm_registry_find(reg, "echo");
    const char *items[] = {"patrol 7"};
    rm__raw_param raw = {"label", items, 1, 0,
                         {"b.yaml", 9, 3, NULL, NULL, -1}};
    assert_int_equal(run_desc(d, &raw, 1, 0, &child), RM_OK);
    check_echo(&child, "patrol 7");
    rm__step_result_free(&child);
}

/* Points in each of the bulk fixture's two outputs. */
#define BULK_POINTS 40000

/* One of the bulk fixture's outputs, checked against its formulas: fid
 * 1000 + i at (i, 2i), sq = i * i, name "p<i>" or NULL when 7 divides i. */
static void check_bulk_layer(const rm_layer *l)
{
    assert_non_null(l);
    assert_int_equal(rm_layer_feature_count(l), BULK_POINTS);
    assert_int_equal(rm_layer_coord_count(l), BULK_POINTS);
    const int64_t *fid = rm_layer_fids(l);
    const double *xy = rm_layer_xy(l);
    const int64_t *sq = rm_layer_field_ints(l, 0);
    for (int i = 0; i < BULK_POINTS; i++) {
        assert_int_equal(fid[i], 1000 + i);
        assert_true(xy[2 * i] == i && xy[2 * i + 1] == 2.0 * i);
        assert_int_equal(sq[i], (int64_t)i * i);
        if (i % 7 == 0) {
            assert_true(rm_layer_field_is_null(l, 1, (size_t)i));
        } else {
            char want[16];
            snprintf(want, sizeof want, "p%d", i);
            assert_string_equal(rm_layer_field_string(l, 1, (size_t)i),
                                want);
        }
    }
}

static void check_bulk(const rm__step_result *res)
{
    assert_int_equal(res->n, 2);
    check_bulk_layer(res->layers[0]);
    check_bulk_layer(res->layers[1]);
    assert_string_equal(rm_layer_name(res->layers[0]), "points");
    assert_string_equal(rm_layer_name(res->layers[1]), "again");
}

static void test_big_output_both_ways(void **state)
{
    (void)state;
    /* About 2 MB each: the child leaves them in its memory for the host
     * to read where the system lets it (else they cross the pipe), and
     * with a CPU to spare the host decodes one on a thread of its own
     * while it reads the other: either way the same values as in
     * process. */
    rm__step_result here, child;
    assert_int_equal(run_fixture("bulk", 1, &here), RM_OK);
    check_bulk(&here);
    assert_int_equal(run_fixture("bulk", 0, &child), RM_OK);
    check_bulk(&child);
    /* The host's copy grows like any layer. */
    rm_layer *l = child.layers[0];
    const double xy[2] = {-1, -2};
    assert_int_equal(rm_layer_begin_feature(l, 7), BULK_POINTS);
    assert_int_equal(rm_layer_add_part(l, xy, 1, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_set_int(l, 0, -5), RM_OK);
    assert_int_equal(rm_layer_field_ints(l, 0)[BULK_POINTS], -5);
    assert_int_equal(rm_layer_field_ints(l, 0)[BULK_POINTS - 1],
                     (int64_t)(BULK_POINTS - 1) * (BULK_POINTS - 1));
    assert_true(rm_layer_xy(l)[2 * (BULK_POINTS - 1)] == BULK_POINTS - 1);
    rm__step_result_free(&here);
    rm__step_result_free(&child);
}

/* ---- the host table, through plugins defined here (in process) -------- */

static const rm_param_desc PROBE_PARAMS[] = {
    {"input", RM_PARAM_LAYER, NULL, NULL, 0, NAN, NAN, NULL, 0, NULL},
    {"reach", RM_PARAM_DISTANCE, "km", "2", 0, NAN, NAN, NULL, 0, NULL},
    {"count", RM_PARAM_INT, NULL, "8", 0, NAN, NAN, NULL, 0, NULL},
    {"merge", RM_PARAM_BOOL, NULL, "yes", 0, NAN, NAN, NULL, 0, NULL},
    {"shape", RM_PARAM_ENUM, NULL, "hex", 0, NAN, NAN, "hex|square", 0,
     NULL},
    {"levels", RM_PARAM_REAL | RM_PARAM_LIST, NULL, "0.5,0.75", 0, NAN, NAN,
     NULL, 0, NULL},
    {"title", RM_PARAM_STRING, NULL, NULL, 0, NAN, NAN, NULL, 0, NULL},
};

static const rm_output_desc PROBE_OUTPUTS[] = {
    {"points", RM_GEOM_POINT, NULL},
    {"grid", RM_GEOM_RASTER, NULL},
};

typedef struct probe_seen {
    uint32_t api_size;
    int abi_major, has_note;
    double reach, levels1, missing_real;
    int64_t count;
    int merge, title_set, input_set;
    size_t n_levels, n_title;
    char shape[16], crs[32];
    int title_null;
    const rm_layer *input;
    rm_bbox area;
} probe_seen;

static probe_seen seen;
static int probe_case;

static int probe_run(const rm_host_api *api, rm_step *step)
{
    static char other_step;
    static const double gt[6] = {0, 1, 0, 0, 0, -1};
    rm_layer *l;
    switch (probe_case) {
    case 0: /* read everything */
        seen.api_size = api->size;
        seen.abi_major = api->abi_major;
        seen.has_note = RM_API_HAS(api, manifest_note);
        seen.reach = api->param_real(step, "reach");
        seen.count = api->param_int(step, "count");
        seen.merge = api->param_bool(step, "merge");
        snprintf(seen.shape, sizeof seen.shape, "%s",
                 api->param_string(step, "shape"));
        seen.n_levels = api->param_count(step, "levels");
        seen.levels1 = api->param_list_real(step, "levels", 1);
        seen.title_set = api->param_is_set(step, "title");
        seen.title_null = api->param_string(step, "title") == NULL;
        seen.n_title = api->param_count(step, "title");
        seen.input_set = api->param_is_set(step, "input");
        seen.input = api->param_layer(step, "input");
        snprintf(seen.crs, sizeof seen.crs, "%s", api->analysis_crs(step));
        seen.area = api->analysis_area(step);
        /* Reading a NULL layer is harmless. */
        if (api->layer_feature_count(NULL) != 0 ||
            api->layer_xy(NULL) != NULL ||
            !isnan(api->layer_field_as_real(NULL, 0, 0)))
            return (api->fail)(step, RM_EPLUGIN_RUN, "NULL layer misread");
        return RM_OK;
    case 1:
        (void)api->param_int(step, "reach");
        return RM_OK;
    case 2:
        (void)api->param_list_real(step, "levels", 5);
        return RM_OK;
    case 3:
        api->output_vector(step, "points");
        api->output_vector(step, "points");
        return RM_OK;
    case 4:
        api->output_raster(step, "grid", 0, 3, gt);
        return RM_OK;
    case 5:
        api->log((rm_step *)&other_step, RM_PLUGIN_LOG_INFO, "hello");
        return RM_OK;
    case 6:
        api->manifest_note(step, "", "x");
        return RM_OK;
    case 7:
        (void)api->param_real(step, "levels");
        return RM_OK;
    case 8: /* cancelled is honoured as such */
        return (api->fail)(step, RM_ECANCELLED, "stopped");
    case 9: /* a valid output with an empty feature and an attribute */
        l = api->output_vector(step, "points");
        if (api->begin_feature(l, 5) < 0 ||
            api->add_field(l, "k", RM_FIELD_INT) != 0 ||
            api->set_int(l, 0, 9) != RM_OK)
            return (api->fail)(step, RM_EPLUGIN_RUN, "write failed");
        return RM_OK;
    case 10: /* writing to a NULL layer */
        return api->begin_feature(NULL, 1) < 0 ? RM_OK : RM_EINTERNAL;
    case 11: /* a part without coordinates */
        l = api->output_vector(step, "points");
        api->begin_feature(l, 1);
        api->add_part(l, gt, 0, NULL, 1);
        return RM_OK;
    }
    return RM_EINTERNAL;
}

static rm_plugin_desc probe_desc(void)
{
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "probe";
    d.version = "2.1.0";
    d.summary = "probe";
    d.params = PROBE_PARAMS;
    d.n_params = sizeof PROBE_PARAMS / sizeof PROBE_PARAMS[0];
    d.outputs = PROBE_OUTPUTS;
    d.n_outputs = 2;
    d.run = probe_run;
    return d;
}

static int probe(int which, rm__step_result *res)
{
    rm_plugin_desc d = probe_desc();
    probe_case = which;
    memset(&seen, 0, sizeof seen);
    const char *items[] = {"incidents"};
    rm__raw_param raw = {"input", items, 1, 0,
                         {"b.yaml", 3, 5, NULL, NULL, -1}};
    int rc = run_desc(&d, &raw, 1, 1, res);
    return rc;
}

static void probe_fails(int which, int code, const char *part)
{
    rm__step_result res;
    int rc = probe(which, &res);
    if (rc != code || !strstr(rm_errmsg(ctx), part))
        print_error("probe %d: %d %s\n", which, rc, rm_errmsg(ctx));
    assert_int_equal(rc, code);
    assert_non_null(strstr(rm_errmsg(ctx), "step 'cross' (plugin probe "
                                           "2.1.0)"));
    assert_non_null(strstr(rm_errmsg(ctx), part));
    assert_null(res.layers);
}

static void test_host_table(void **state)
{
    (void)state;
    rm__step_result res;
    assert_int_equal(probe(0, &res), RM_OK);
    assert_int_equal(seen.api_size, sizeof(rm_host_api));
    assert_int_equal(seen.abi_major, RM_PLUGIN_ABI_MAJOR);
    assert_true(seen.has_note);
    assert_true(seen.reach == 2.0);
    assert_int_equal(seen.count, 8);
    assert_int_equal(seen.merge, 1);
    assert_string_equal(seen.shape, "hex");
    assert_int_equal(seen.n_levels, 2);
    assert_true(seen.levels1 == 0.75);
    assert_int_equal(seen.title_set, 0);
    assert_true(seen.title_null);
    assert_int_equal(seen.n_title, 0);
    assert_int_equal(seen.input_set, 1);
    assert_ptr_equal(seen.input, incidents);
    assert_string_equal(seen.crs, CRS);
    assert_true(seen.area.minx == 100 && seen.area.maxy == 400);
    /* No output created: all NULL, in declared order. */
    assert_int_equal(res.n, 2);
    assert_null(res.layers[0]);
    assert_null(res.layers[1]);
    rm__step_result_free(&res);

    probe_fails(1, RM_EPLUGIN_RUN,
                "param_int asked for the parameter 'reach' as an integer, "
                "but it is declared as a number; use param_real");
    probe_fails(2, RM_EPLUGIN_RUN,
                "asked for item 5 of the parameter 'levels', which has 2");
    probe_fails(3, RM_EPLUGIN_OUTPUT,
                "created the output 'points' a second time");
    probe_fails(4, RM_EPLUGIN_OUTPUT, "the size 0 x 3");
    probe_fails(5, RM_EPLUGIN_RUN, "called log with a step handle that is "
                                   "not the running step");
    probe_fails(6, RM_EPLUGIN_RUN, "manifest_note was given an empty key");
    probe_fails(7, RM_EPLUGIN_RUN, "use param_count and param_list_*");
    probe_fails(8, RM_ECANCELLED, "cancelled");
    probe_fails(10, RM_EPLUGIN_OUTPUT, "begin_feature wrote to a layer that "
                                       "is not one of the step's outputs");

    probe_fails(11, RM_EPLUGIN_OUTPUT, "add_part was given a part without "
                                       "coordinates in output 'points'");
    assert_int_equal(probe(9, &res), RM_OK);
    assert_non_null(res.layers[0]);
    assert_int_equal(rm_layer_feature_count(res.layers[0]), 1);
    assert_int_equal(rm_layer_part_count(res.layers[0]), 0);
    assert_int_equal(rm_layer_field_ints(res.layers[0], 0)[0], 9);
    rm__step_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failing_run),
        cmocka_unit_test(test_bad_outputs),
        cmocka_unit_test(test_crashes),
        cmocka_unit_test(test_echo_both_ways),
        cmocka_unit_test(test_progress_from_child_throttled),
        cmocka_unit_test(test_child_keeps_allowed_cpus),
        cmocka_unit_test(test_big_output_both_ways),
        cmocka_unit_test(test_host_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
