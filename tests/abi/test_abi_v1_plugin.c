/*
 * A plugin built against the frozen ABI 1.0 headers (abi_v1_plugin.c,
 * compiled with tests/abi/v1 only) is found, accepted and run by the
 * current host, in process and in a child. Each value it writes comes from
 * one host call, so the expected values below are the inputs worked
 * through by hand: a slot that moved would give another value or crash.
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
#include "plugin/step.h"
#include "routemap/errors.h"
#include "routemap/layer.h"
#include "routemap/registry.h"

#define CRS "EPSG:32631"

static rm_context *ctx;
static rm_registry *reg;
static rm_layer *input;

static const rm_layer *lookup(void *ud, const char *name)
{
    (void)ud;
    return strcmp(name, "in") == 0 ? input : NULL;
}

/* Points (100, 200) fid 7, (300, 400) fid 8, (500, 600) fid 9; field w
 * 1.5, 2.5, NULL (the weight role); field tag "a", "b", "c". */
static int setup(void **state)
{
    (void)state;
    if (rm_context_create(&ctx) || rm_registry_create(ctx, &reg) ||
        rm_registry_add_path(reg, RM_ABI_FIXTURE_DIR) ||
        rm_registry_scan(reg))
        return -1;
    if (rm_layer_create(&input, "in", RM_GEOM_POINT) ||
        rm_layer_add_field(input, "w", RM_FIELD_REAL) != 0 ||
        rm_layer_add_field(input, "tag", RM_FIELD_STRING) != 1 ||
        rm_layer_set_role(input, RM_ROLE_WEIGHT, 0))
        return -1;
    static const char *tags[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        double xy[2] = {100.0 + 200 * i, 200.0 + 200 * i};
        if (rm_layer_begin_feature(input, 7 + i) < 0 ||
            rm_layer_add_part(input, xy, 1, NULL, 1) ||
            (i < 2 && rm_layer_set_real(input, 0, 1.5 + i)) ||
            rm_layer_set_string(input, 1, tags[i]))
            return -1;
    }
    return rm_layer_set_crs(input, CRS);
}

static int teardown(void **state)
{
    (void)state;
    rm_layer_destroy(input);
    rm_registry_destroy(reg);
    rm_context_destroy(ctx);
    return 0;
}

static void test_accepted(void **state)
{
    (void)state;
    const rm_plugin_desc *d = rm_registry_find(reg, "abiv1");
    if (!d) {
        for (size_t i = 0; i < rm_registry_refused_count(reg); i++)
            print_error("refused %s: %s\n", rm_registry_refused_path(reg, i),
                        rm_registry_refused_reason(reg, i));
        fail_msg("the v1 plugin was not accepted");
    }
    assert_int_equal(d->abi_major, 1);
    assert_int_equal(d->abi_minor, 0);
    assert_int_equal(d->n_params, 11);
    assert_int_equal(d->n_outputs, 2);
    assert_string_equal(d->params[6].choices, "copy|count");
    assert_int_equal(rm_registry_refused_count(reg), 0);
}

static int run(int in_process, rm__step_result *res)
{
    static const char *const v[][3] = {
        {"in"}, {"2.5"}, {"3"}, {"2"}, {"yes"}, {"hello"}, {"count"},
        {"1", "2", "4"}, {"x", "y"}, {"90 min"}, {"in", "in"},
    };
    static const char *const names[] = {"input", "shift", "times", "factor",
                                        "flag", "label", "mode", "list",
                                        "names", "span", "extra"};
    static const size_t counts[] = {1, 1, 1, 1, 1, 1, 1, 3, 2, 1, 2};
    rm__raw_param raw[11];
    for (size_t i = 0; i < 11; i++) {
        rm__raw_param r = {names[i], v[i], counts[i], counts[i] > 1,
                           {"t.yaml", (int)i + 1, 1, NULL, NULL, -1}};
        raw[i] = r;
    }
    const rm_plugin_desc *d = rm_registry_find(reg, "abiv1");
    assert_non_null(d);
    rm__params *p = NULL;
    int rc = rm__params_resolve(ctx, d, "v1", raw, 11, lookup, NULL, &p);
    if (rc == RM_OK) {
        rm_bbox area = {0, 0, 1000, 1000};
        rc = rm__step_run(ctx, d, "v1", p, CRS, area, NULL, NULL,
                          in_process, res);
    }
    rm__params_destroy(p);
    if (rc != RM_OK)
        print_error("%s\n", rm_errmsg(ctx));
    return rc;
}

static const char *str(const rm_layer *l, const char *field, size_t row)
{
    return rm_layer_field_string(l, rm_layer_field_index(l, field), row);
}

static double num(const rm_layer *l, const char *field, size_t row)
{
    return rm_layer_field_as_real(l, rm_layer_field_index(l, field), row);
}

static void check(int in_process)
{
    rm__step_result res;
    memset(&res, 0, sizeof res);
    assert_int_equal(run(in_process, &res), RM_OK);
    assert_int_equal(res.n, 2);
    const rm_layer *m = res.layers[0];
    assert_non_null(m);
    assert_int_equal(rm_layer_feature_count(m), 3);
    const double *xy = rm_layer_xy(m);
    for (size_t f = 0; f < 3; f++) {
        /* 2.5 km east of (100 + 200f, 200 + 200f). */
        assert_float_equal(xy[2 * f], 100.0 + 200 * (double)f + 2500, 0);
        assert_float_equal(xy[2 * f + 1], 200.0 + 200 * (double)f, 0);
        assert_int_equal(rm_layer_fids(m)[f], 7 + (int64_t)f);
        assert_float_equal(num(m, "fid_in", f), 7 + (double)f, 0);
        assert_float_equal(num(m, "k", f), 3, 0);
        assert_float_equal(num(m, "flag", f), 1, 0);
        assert_string_equal(str(m, "label", f), "hello");
        assert_string_equal(str(m, "mode", f), "count");
        assert_float_equal(num(m, "sum", f), 7, 0);
        assert_float_equal(num(m, "n_list", f), 3, 0);
        assert_float_equal(num(m, "span", f), 1.5, 1e-12); /* 90 min in h */
        assert_float_equal(num(m, "when", f), 3 * 86400000.0, 0);
        assert_float_equal(num(m, "extra", f), 6, 0);
        assert_string_equal(str(m, "crs", f), CRS);
    }
    assert_float_equal(num(m, "f", 0), 3.0, 0); /* 2 * 1.5 */
    assert_float_equal(num(m, "f", 1), 5.0, 0);
    assert_true(isnan(num(m, "f", 2)));         /* w is NULL */
    assert_string_equal(str(m, "tag", 2), "c");
    assert_string_equal(str(m, "info", 0), "3 3 100 200 500 600 area");
    assert_string_equal(str(m, "info", 1), "y");
    assert_string_equal(str(m, "stats", 0), "outer=1 null=0");
    assert_string_equal(str(m, "stats", 2), "outer=1 null=1");
    assert_float_equal(num(m, "wsum", 2), 4.0, 0);
    const rm_layer *g = res.layers[1];
    assert_non_null(g);
    assert_int_equal(rm_layer_raster_width(g), 3);
    assert_int_equal(rm_layer_raster_height(g), 2);
    const double *c = rm_layer_raster_cdata(g);
    assert_float_equal(c[0], 0, 0);
    assert_float_equal(c[2], 2, 0);
    assert_float_equal(c[4], 11, 0);
    assert_int_equal(res.n_notes, 1);
    assert_string_equal(res.note_keys[0], "built_against");
    assert_string_equal(res.note_values[0], "v1 frozen headers");
    rm__step_result_free(&res);
}

static void test_runs_in_process(void **state)
{
    (void)state;
    check(1);
}

static void test_runs_in_child(void **state)
{
    (void)state;
    check(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_runs_in_process),
        cmocka_unit_test(test_runs_in_child),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
