/*
 * Tests of parameter resolution: every unit conversion (expected values
 * worked out by hand: 1 km = 1000 m, 1 d = 24 h, 1 h = 60 min = 3600 s),
 * defaults, lists, layer references, and every error with the place it
 * was written.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plugin/params.h"
#include "routemap/errors.h"
#include "routemap/layer.h"

static const rm_param_desc PARAMS[] = {
    {"input", RM_PARAM_LAYER, NULL, NULL, 1, NAN, NAN, NULL,
     RM_ACCEPT_POINT | RM_ACCEPT_POLYGON, "incidents"},
    {"reach", RM_PARAM_DISTANCE, "km", "5", 0, 0, 50, NULL, 0, NULL},
    {"radius", RM_PARAM_DISTANCE, "m", NULL, 0, 0, NAN, NULL, 0, NULL},
    {"window", RM_PARAM_DURATION, "h", "2", 0, NAN, NAN, NULL, 0, NULL},
    {"age", RM_PARAM_DURATION, "d", NULL, 0, NAN, NAN, NULL, 0, NULL},
    {"count", RM_PARAM_INT, NULL, "8", 0, 1, 64, NULL, 0, NULL},
    {"ratio", RM_PARAM_REAL, NULL, NULL, 0, NAN, NAN, NULL, 0, NULL},
    {"merge", RM_PARAM_BOOL, NULL, "false", 0, NAN, NAN, NULL, 0, NULL},
    {"title", RM_PARAM_STRING, NULL, NULL, 0, NAN, NAN, NULL, 0, NULL},
    {"shape", RM_PARAM_ENUM, NULL, "hex", 0, NAN, NAN, "hex|square", 0,
     NULL},
    {"levels", RM_PARAM_REAL | RM_PARAM_LIST, NULL, "0.9,0.95,0.99", 0, 0,
     1, NULL, 0, NULL},
    {"rings", RM_PARAM_DISTANCE | RM_PARAM_LIST, "km", NULL, 0, 0, NAN,
     NULL, 0, NULL},
    {"others", RM_PARAM_LAYER | RM_PARAM_LIST, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_LINE, NULL},
};

static rm_plugin_desc DESC;

typedef struct world {
    rm_context *ctx;
    rm_layer *incidents, *tracks, *points;
} world;

static const rm_layer *lookup(void *ud, const char *name)
{
    world *w = ud;
    if (strcmp(name, "incidents") == 0)
        return w->incidents;
    if (strcmp(name, "tracks") == 0)
        return w->tracks;
    if (strcmp(name, "cross.points") == 0)
        return w->points;
    return NULL;
}

static const char *name_at(void *ud, size_t i)
{
    (void)ud;
    static const char *names[] = {"incidents", "tracks", "cross.points"};
    return i < 3 ? names[i] : NULL;
}

static int setup(void **state)
{
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "demo";
    d.version = "1.0.0";
    d.params = PARAMS;
    d.n_params = sizeof PARAMS / sizeof PARAMS[0];
    DESC = d;
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    assert_int_equal(rm_context_create(&w->ctx), RM_OK);
    assert_int_equal(rm_layer_create(&w->incidents, "incidents",
                                     RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm_layer_create(&w->tracks, "tracks", RM_GEOM_LINE),
                     RM_OK);
    assert_int_equal(rm_layer_create(&w->points, "cross.points",
                                     RM_GEOM_POINT), RM_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    rm_layer_destroy(w->incidents);
    rm_layer_destroy(w->tracks);
    rm_layer_destroy(w->points);
    rm_context_destroy(w->ctx);
    free(w);
    return 0;
}

/* A raw parameter written at b.yaml:<line>:7. */
typedef struct raw_store {
    rm__raw_param raw[16];
    const char *items[16][4];
    size_t n;
} raw_store;

static void add(raw_store *s, const char *name, int is_list, size_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        s->items[s->n][i] = va_arg(ap, const char *);
    va_end(ap);
    rm__raw_param *r = &s->raw[s->n];
    r->name = name;
    r->items = s->items[s->n];
    r->n = n;
    r->is_list = is_list;
    rm_location loc = {"b.yaml", 10 + (int)s->n, 7, NULL, NULL, -1};
    r->loc = loc;
    s->n++;
}

static int resolve(world *w, raw_store *s, int with_data, rm__params **out)
{
    return rm__params_resolve_ex(w->ctx, &DESC, "cross", s->raw, s->n,
                                 with_data ? lookup : NULL, name_at, w, out);
}

/* Resolve a store that holds `input` plus one more parameter. */
static double one_real(world *w, const char *name, const char *text)
{
    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    add(&s, name, 0, 1, text);
    rm__params *p = NULL;
    int rc = resolve(w, &s, 1, &p);
    if (rc != RM_OK)
        print_error("%s\n", rm_errmsg(w->ctx));
    assert_int_equal(rc, RM_OK);
    const rm__param_value *v = rm__params_get(p, name);
    assert_non_null(v);
    assert_int_equal(v->set, 1);
    assert_int_equal(v->n, 1);
    double r = v->reals ? v->reals[0] : (double)v->ints[0];
    rm__params_destroy(p);
    return r;
}

static void test_distances(void **state)
{
    world *w = *state;
    /* reach is declared in km. */
    assert_true(one_real(w, "reach", "5") == 5.0);
    assert_true(one_real(w, "reach", "5 km") == 5.0);
    assert_true(one_real(w, "reach", "500 m") == 0.5);
    assert_true(one_real(w, "reach", "2.5km") == 2.5);
    assert_true(one_real(w, "reach", "1200 metres") == 1.2);
    assert_true(one_real(w, "reach", "  7 KM ") == 7.0);
    /* radius is declared in m. */
    assert_true(one_real(w, "radius", "5 km") == 5000.0);
    assert_true(one_real(w, "radius", "250") == 250.0);
    assert_true(one_real(w, "radius", "0.25 kilometers") == 250.0);
}

static void test_durations(void **state)
{
    world *w = *state;
    /* window is declared in h: 30 d = 720 h, 90 min = 1.5 h,
     * 45 s = 0.0125 h, 1 w = 168 h. */
    assert_true(one_real(w, "window", "30d") == 720.0);
    assert_true(one_real(w, "window", "2 h") == 2.0);
    assert_true(one_real(w, "window", "90 min") == 1.5);
    assert_true(fabs(one_real(w, "window", "45s") - 0.0125) < 1e-15);
    assert_true(one_real(w, "window", "1 w") == 168.0);
    assert_true(one_real(w, "window", "3") == 3.0);
    /* age is declared in d: 36 h = 1.5 d. */
    assert_true(one_real(w, "age", "36 h") == 1.5);
    assert_true(one_real(w, "age", "2 days") == 2.0);
}

static void test_scalars(void **state)
{
    world *w = *state;
    assert_true(one_real(w, "count", "12") == 12.0);
    assert_true(one_real(w, "count", "64") == 64.0);
    assert_true(one_real(w, "ratio", "0.25") == 0.25);
    assert_true(one_real(w, "ratio", "-1e3") == -1000.0);
    assert_true(one_real(w, "merge", "yes") == 1.0);
    assert_true(one_real(w, "merge", "TRUE") == 1.0);
    assert_true(one_real(w, "merge", "off") == 0.0);
    assert_true(one_real(w, "merge", "0") == 0.0);

    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    add(&s, "title", 0, 1, "Ménaka, north");
    add(&s, "shape", 0, 1, "square");
    rm__params *p = NULL;
    assert_int_equal(resolve(w, &s, 1, &p), RM_OK);
    /* A scalar string keeps its commas. */
    assert_string_equal(rm__params_get(p, "title")->strings[0],
                        "Ménaka, north");
    assert_string_equal(rm__params_get(p, "shape")->strings[0], "square");
    const rm__param_value *in = rm__params_get(p, "input");
    assert_string_equal(in->strings[0], "incidents");
    assert_ptr_equal(in->layers[0], w->incidents);
    assert_null(rm__params_get(p, "nope"));
    rm__params_destroy(p);
}

static void test_defaults(void **state)
{
    world *w = *state;
    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    rm__params *p = NULL;
    assert_int_equal(resolve(w, &s, 1, &p), RM_OK);
    const rm__param_value *v = rm__params_get(p, "reach");
    assert_true(v->set && v->from_default && v->reals[0] == 5.0);
    v = rm__params_get(p, "window");
    assert_true(v->set && v->reals[0] == 2.0);
    v = rm__params_get(p, "count");
    assert_true(v->set && v->ints[0] == 8);
    v = rm__params_get(p, "merge");
    assert_true(v->set && v->ints[0] == 0);
    v = rm__params_get(p, "shape");
    assert_string_equal(v->strings[0], "hex");
    v = rm__params_get(p, "levels");
    assert_int_equal(v->n, 3);
    assert_true(v->reals[0] == 0.9 && v->reals[1] == 0.95 &&
                v->reals[2] == 0.99);
    /* No value and no default: unset. */
    v = rm__params_get(p, "ratio");
    assert_int_equal(v->set, 0);
    assert_int_equal(v->n, 0);
    v = rm__params_get(p, "input");
    assert_int_equal(v->from_default, 0);
    assert_int_equal(rm__params_count(p), sizeof PARAMS / sizeof PARAMS[0]);
    assert_string_equal(rm__params_at(p, 1)->desc->name, "reach");
    assert_null(rm__params_at(p, 99));
    rm__params_destroy(p);
}

static void test_lists(void **state)
{
    world *w = *state;
    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    add(&s, "levels", 1, 2, "0.5", "0.75");
    add(&s, "rings", 0, 1, "1 km, 500 m,2.5km");
    add(&s, "others", 1, 1, "tracks");
    rm__params *p = NULL;
    assert_int_equal(resolve(w, &s, 1, &p), RM_OK);
    const rm__param_value *v = rm__params_get(p, "levels");
    assert_int_equal(v->n, 2);
    assert_true(v->reals[0] == 0.5 && v->reals[1] == 0.75);
    v = rm__params_get(p, "rings");
    assert_int_equal(v->n, 3);
    assert_true(v->reals[0] == 1.0 && v->reals[1] == 0.5 &&
                v->reals[2] == 2.5);
    v = rm__params_get(p, "others");
    assert_int_equal(v->n, 1);
    assert_ptr_equal(v->layers[0], w->tracks);
    rm__params_destroy(p);

    /* --set text: a list parameter splits at commas. */
    raw_store t = {0};
    add(&t, "input", 0, 1, "incidents");
    add(&t, "levels", 0, 1, "0.1,0.2 , 0.3");
    assert_int_equal(resolve(w, &t, 1, &p), RM_OK);
    v = rm__params_get(p, "levels");
    assert_int_equal(v->n, 3);
    assert_true(v->reals[0] == 0.1 && v->reals[1] == 0.2 &&
                v->reals[2] == 0.3);
    rm__params_destroy(p);
}

/* Resolve and expect failure `code` at b.yaml:<line>:7 with `parts`. */
static void expect_error(world *w, raw_store *s, int with_data, int code,
                         int line, const char *const *parts)
{
    rm__params *p = (rm__params *)1;
    rm_error_clear(w->ctx);
    int rc = resolve(w, s, with_data, &p);
    const char *msg = rm_errmsg(w->ctx);
    if (rc != code)
        print_error("unexpected result %d: %s\n", rc, msg);
    assert_int_equal(rc, code);
    assert_null(p);
    assert_int_equal(rm_errcode(w->ctx), code);
    if (line > 0) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "b.yaml:%d:7: ", line);
        if (strncmp(msg, prefix, strlen(prefix)) != 0)
            print_error("message '%s' lacks the place %s\n", msg, prefix);
        assert_true(strncmp(msg, prefix, strlen(prefix)) == 0);
        assert_int_equal(rm_errloc(w->ctx)->line, line);
        assert_int_equal(rm_errloc(w->ctx)->column, 7);
    } else {
        assert_null(rm_errloc(w->ctx)->file);
    }
    for (size_t i = 0; parts[i]; i++) {
        if (!strstr(msg, parts[i]))
            print_error("message '%s' lacks '%s'\n", msg, parts[i]);
        assert_non_null(strstr(msg, parts[i]));
    }
}

/* `input` at line 10, then `name: text` at line 11 must fail. */
static void expect_bad(world *w, const char *name, const char *text,
                       const char *const *parts)
{
    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    add(&s, name, 0, 1, text);
    expect_error(w, &s, 1, RM_EPLUGIN_PARAM, 11, parts);
}

static void test_unknown_and_missing(void **state)
{
    world *w = *state;
    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    add(&s, "raduis", 0, 1, "5");
    expect_error(w, &s, 1, RM_EPLUGIN_PARAM, 11,
                 (const char *const[]){"step 'cross'", "plugin 'demo'",
                                       "no parameter 'raduis'",
                                       "did you mean 'radius'?", NULL});
    raw_store t = {0};
    add(&t, "input", 0, 1, "incidents");
    add(&t, "zzzzzzzz", 0, 1, "5");
    expect_error(w, &t, 1, RM_EPLUGIN_PARAM, 11,
                 (const char *const[]){"no parameter 'zzzzzzzz'",
                                       "input, reach, radius", NULL});
    /* Missing: no place of its own (the pipeline points at the step). */
    raw_store u = {0};
    add(&u, "reach", 0, 1, "5");
    expect_error(w, &u, 1, RM_EPLUGIN_PARAM, 0,
                 (const char *const[]){"step 'cross'", "requires the "
                                       "parameter 'input'",
                                       "layer (points, polygons)", NULL});
    raw_store v = {0};
    add(&v, "input", 0, 1, "incidents");
    add(&v, "count", 0, 1, "3");
    add(&v, "count", 0, 1, "4");
    expect_error(w, &v, 1, RM_EPLUGIN_PARAM, 12,
                 (const char *const[]){"'count' is set twice",
                                       "first at b.yaml:11", NULL});
}

static void test_wrong_values(void **state)
{
    world *w = *state;
    expect_bad(w, "ratio", "abc",
               (const char *const[]){"parameter 'ratio' (real)",
                                     "'abc' is not a real number", NULL});
    expect_bad(w, "count", "5.5",
               (const char *const[]){"'5.5' is not a whole number", NULL});
    expect_bad(w, "count", "100",
               (const char *const[]){"100 is out of bounds",
                                     "between 1 and 64", NULL});
    expect_bad(w, "count", "0",
               (const char *const[]){"between 1 and 64", NULL});
    expect_bad(w, "reach", "60 km",
               (const char *const[]){"parameter 'reach' (distance (km))",
                                     "60 km is out of bounds",
                                     "between 0 and 50 km", NULL});
    /* 51000 m is 51 km, over the 50 km bound. */
    expect_bad(w, "reach", "51000 m",
               (const char *const[]){"51 km is out of bounds", NULL});
    expect_bad(w, "radius", "-5 m",
               (const char *const[]){"-5 m is out of bounds",
                                     "at least 0 m", NULL});
    expect_bad(w, "reach", "5 miles",
               (const char *const[]){"'5 miles' is not a distance",
                                     "m or km", "a plain number is in km",
                                     NULL});
    expect_bad(w, "reach", "km",
               (const char *const[]){"'km' is not a distance", NULL});
    expect_bad(w, "window", "3 fortnights",
               (const char *const[]){"'3 fortnights' is not a duration",
                                     "a plain number is in h", NULL});
    expect_bad(w, "merge", "maybe",
               (const char *const[]){"'maybe' is not a yes/no value", NULL});
    expect_bad(w, "shape", "hexagon",
               (const char *const[]){"'hexagon' is not one of hex|square",
                                     "did you mean 'hex'?", NULL});
    expect_bad(w, "shape", "circle",
               (const char *const[]){"'circle' is not one of hex|square",
                                     NULL});
    expect_bad(w, "levels", "0.5,abc",
               (const char *const[]){"item 2: 'abc' is not a real number",
                                     NULL});
    expect_bad(w, "levels", "0.5,1.5",
               (const char *const[]){"item 2: 1.5 is out of bounds",
                                     "between 0 and 1", NULL});
    expect_bad(w, "rings", "1 km,,2 km",
               (const char *const[]){"item 2: '' is not a distance", NULL});
    expect_bad(w, "count", "",
               (const char *const[]){"'' is not a whole number", NULL});

    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    add(&s, "count", 1, 2, "1", "2");
    expect_error(w, &s, 1, RM_EPLUGIN_PARAM, 11,
                 (const char *const[]){"parameter 'count' takes one value",
                                       "a list of 2", NULL});
    raw_store t = {0};
    add(&t, "input", 0, 1, "incidents");
    add(&t, "reach", 1, 1, "5");
    expect_error(w, &t, 1, RM_EPLUGIN_PARAM, 11,
                 (const char *const[]){"takes one value", NULL});
}

static void test_layer_refs(void **state)
{
    world *w = *state;
    raw_store s = {0};
    add(&s, "input", 0, 1, "incidnts");
    expect_error(w, &s, 1, RM_ESPEC_REF, 10,
                 (const char *const[]){"names the layer 'incidnts'",
                                       "not defined",
                                       "did you mean 'incidents'?",
                                       "known layers: incidents, tracks, "
                                       "cross.points",
                                       NULL});
    /* Without a name list, the message says how to fix it. */
    rm__params *p = NULL;
    int rc = rm__params_resolve(w->ctx, &DESC, "cross", s.raw, s.n, lookup,
                                w, &p);
    assert_int_equal(rc, RM_ESPEC_REF);
    assert_non_null(strstr(rm_errmsg(w->ctx), "step.output"));

    raw_store t = {0};
    add(&t, "input", 0, 1, "tracks");
    expect_error(w, &t, 1, RM_EPLUGIN_PARAM, 10,
                 (const char *const[]){"wants a layer of points or polygons",
                                       "'tracks' holds lines", NULL});
    raw_store u = {0};
    add(&u, "input", 0, 1, "cross.points");
    add(&u, "others", 1, 2, "tracks", "cross.points");
    expect_error(w, &u, 1, RM_EPLUGIN_PARAM, 11,
                 (const char *const[]){"wants a layer of lines",
                                       "'cross.points' holds points", NULL});
    raw_store v = {0};
    add(&v, "input", 0, 1, "  ");
    expect_error(w, &v, 0, RM_EPLUGIN_PARAM, 10,
                 (const char *const[]){"layer name is empty", NULL});
}

static void test_without_data(void **state)
{
    world *w = *state;
    /* lookup NULL: any non-empty name passes, no layer is bound. */
    raw_store s = {0};
    add(&s, "input", 0, 1, "not.loaded_yet");
    add(&s, "others", 0, 1, "a, b");
    rm__params *p = NULL;
    assert_int_equal(resolve(w, &s, 0, &p), RM_OK);
    const rm__param_value *v = rm__params_get(p, "input");
    assert_string_equal(v->strings[0], "not.loaded_yet");
    assert_null(v->layers[0]);
    v = rm__params_get(p, "others");
    assert_int_equal(v->n, 2);
    assert_string_equal(v->strings[1], "b");
    rm__params_destroy(p);
    /* Values are still checked. */
    raw_store t = {0};
    add(&t, "input", 0, 1, "x");
    add(&t, "count", 0, 1, "lots");
    expect_error(w, &t, 0, RM_EPLUGIN_PARAM, 11,
                 (const char *const[]){"'lots' is not a whole number",
                                       NULL});
}

static void test_json_and_texts(void **state)
{
    world *w = *state;
    raw_store s = {0};
    add(&s, "input", 0, 1, "incidents");
    add(&s, "radius", 0, 1, "1.5 km");
    add(&s, "title", 0, 1, "say \"hi\"");
    add(&s, "rings", 1, 2, "1", "2");
    rm__params *p = NULL;
    assert_int_equal(resolve(w, &s, 1, &p), RM_OK);
    rm_strbuf sb = RM_STRBUF_INIT;
    rm__params_json(p, &sb);
    assert_string_equal(
        sb.data, "{\"input\": \"incidents\", \"reach\": 5, \"radius\": 1500, "
                 "\"window\": 2, \"count\": 8, \"merge\": false, "
                 "\"title\": \"say \\\"hi\\\"\", \"shape\": \"hex\", "
                 "\"levels\": [0.9, 0.95, 0.99], \"rings\": [1, 2]}");
    rm_strbuf_free(&sb);
    rm__params_destroy(p);

    static const char *expect[] = {
        "layer (points, polygons)", "distance (km)", "distance (m)",
        "duration (h)", "duration (d)", "int", "real", "bool", "string",
        "enum: hex|square", "list of real", "list of distance (km)",
        "list of layer (lines)"};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        rm_strbuf t = RM_STRBUF_INIT;
        rm__param_type_text(&PARAMS[i], &t);
        assert_string_equal(t.data, expect[i]);
        rm_strbuf_free(&t);
    }
    assert_true(rm__param_name_ok("segment_km2"));
    assert_false(rm__param_name_ok("Segment"));
    assert_false(rm__param_name_ok("a-b"));
    assert_false(rm__param_name_ok(""));
    assert_false(rm__param_name_ok(NULL));
}

static void test_check_default(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof PARAMS / sizeof PARAMS[0]; i++)
        assert_null(rm__param_check_default(&PARAMS[i]));
    rm_param_desc bad = {"n", RM_PARAM_INT, NULL, "100", 0, 1, 10, NULL, 0,
                         NULL};
    char *why = rm__param_check_default(&bad);
    assert_non_null(why);
    assert_non_null(strstr(why, "between 1 and 10"));
    free(why);
    /* The trap of zero-initialised bounds gets a hint. */
    rm_param_desc zero = {"n", RM_PARAM_REAL, NULL, "5", 0, 0, 0, NULL, 0,
                          NULL};
    why = rm__param_check_default(&zero);
    assert_non_null(strstr(why, "use NAN for no bound"));
    free(why);
    rm_param_desc en = {"s", RM_PARAM_ENUM, NULL, "circle", 0, NAN, NAN,
                        "hex|square", 0, NULL};
    why = rm__param_check_default(&en);
    assert_non_null(strstr(why, "'circle' is not one of hex|square"));
    free(why);
    rm_param_desc empty_list = {"l", RM_PARAM_REAL | RM_PARAM_LIST, NULL, "",
                                0, NAN, NAN, NULL, 0, NULL};
    assert_null(rm__param_check_default(&empty_list));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distances),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_unknown_and_missing),
        cmocka_unit_test(test_wrong_values),
        cmocka_unit_test(test_layer_refs),
        cmocka_unit_test(test_without_data),
        cmocka_unit_test(test_json_and_texts),
        cmocka_unit_test(test_check_default),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
