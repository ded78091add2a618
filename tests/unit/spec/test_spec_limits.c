/*
 * Tests of a step's own limit keys in a briefing, `timeout_s` and
 * `memory_mb`: parsed values, absence (0: the defaults apply), every
 * refusal with its code and hand-counted line:column, and that neither
 * key reaches the plugin as a parameter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pipeline/spec.h"
#include "routemap/context.h"
#include "routemap/errors.h"

static rm_context *ctx;

static int setup(void **state)
{
    (void)state;
    return rm_context_create(&ctx) == RM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rm_context_destroy(ctx);
    return 0;
}

/* A briefing whose only step is `step` (one line, at line 4). */
static const char *briefing(const char *step)
{
    static char text[1024];
    snprintf(text, sizeof text,
             "briefing: {title: T, date: 2026-10-01}\n"
             "layers: {bases: b.geojson}\n"
             "steps:\n"
             "  %s\n",
             step);
    return text;
}

static void expect_error(const char *step, int code, int column,
                         const char *part)
{
    rm__spec *s = NULL;
    int rc = rm__spec_parse_string(ctx, &s, briefing(step), "t.yaml");
    if (rc != code || rm_errloc(ctx)->line != 4 ||
        rm_errloc(ctx)->column != column || !strstr(rm_errmsg(ctx), part))
        print_error("got %d: %s\n", rc, rm_errmsg(ctx));
    assert_int_equal(rc, code);
    assert_null(s);
    assert_int_equal(rm_errloc(ctx)->line, 4);
    assert_int_equal(rm_errloc(ctx)->column, column);
    assert_non_null(strstr(rm_errmsg(ctx), part));
}

static void test_values(void **state)
{
    (void)state;
    rm__spec *s = NULL;
    const char *text = briefing("- {id: cover, plugin: buffer, input: bases,"
                                " timeout_s: 2.5, memory_mb: 512, "
                                "distance: 30 km}");
    assert_int_equal(rm__spec_parse_string(ctx, &s, text, "t.yaml"), RM_OK);
    const rm__spec_step *st = &s->steps[0];
    assert_true(st->timeout_s == 2.5);
    assert_int_equal(st->memory_mb, 512);
    /* "  - {id: cover, plugin: buffer, input: bases, timeout_s: 2.5" —
     * the value 2.5 starts at column 58, 512 at column 74. */
    assert_int_equal(st->timeout_loc.line, 4);
    assert_int_equal(st->timeout_loc.column, 58);
    assert_int_equal(st->memory_loc.column, 74);
    /* Only input and distance are plugin parameters. */
    assert_int_equal(st->n_params, 2);
    assert_string_equal(st->params[0].name, "input");
    assert_string_equal(st->params[1].name, "distance");
    assert_null(rm__spec_step_param(st, "timeout_s"));
    assert_null(rm__spec_step_param(st, "memory_mb"));
    rm__spec_destroy(s);

    /* Absent: 0, the defaults apply. */
    text = briefing("- {id: cover, plugin: buffer, input: bases}");
    assert_int_equal(rm__spec_parse_string(ctx, &s, text, "t.yaml"), RM_OK);
    assert_true(s->steps[0].timeout_s == 0);
    assert_int_equal(s->steps[0].memory_mb, 0);
    assert_int_equal(s->steps[0].n_params, 1);
    rm__spec_destroy(s);

    /* The extremes allowed: a week, 16 MB and 1 TiB. */
    text = briefing("- {id: a, plugin: p, timeout_s: 604800, memory_mb: 16}");
    assert_int_equal(rm__spec_parse_string(ctx, &s, text, "t.yaml"), RM_OK);
    assert_true(s->steps[0].timeout_s == 604800);
    assert_int_equal(s->steps[0].memory_mb, 16);
    rm__spec_destroy(s);
    text = briefing("- {id: a, plugin: p, memory_mb: 1048576}");
    assert_int_equal(rm__spec_parse_string(ctx, &s, text, "t.yaml"), RM_OK);
    assert_int_equal(s->steps[0].memory_mb, 1048576);
    rm__spec_destroy(s);
}

static void test_refusals(void **state)
{
    (void)state;
    /* "  - {id: a, plugin: p, timeout_s: " is 34 columns: values at 35;
     * "  - {id: a, plugin: p, memory_mb: " likewise. */
    expect_error("- {id: a, plugin: p, timeout_s: 0}", RM_ESPEC_VALUE, 35,
                 "'timeout_s' in step 'a' is 0; give more than 0");
    expect_error("- {id: a, plugin: p, timeout_s: -3}", RM_ESPEC_VALUE, 35,
                 "at most 604800 seconds");
    expect_error("- {id: a, plugin: p, timeout_s: 604801}", RM_ESPEC_VALUE,
                 35, "is 604801");
    expect_error("- {id: a, plugin: p, timeout_s: 10 min}", RM_ESPEC_TYPE,
                 35, "must be a number of seconds (e.g. 600), not '10 min'");
    expect_error("- {id: a, plugin: p, timeout_s: nan}", RM_ESPEC_TYPE, 35,
                 "not 'nan'");
    expect_error("- {id: a, plugin: p, timeout_s: [1]}", RM_ESPEC_TYPE, 35,
                 "must be a number of seconds, not a list");
    expect_error("- {id: a, plugin: p, memory_mb: 15}", RM_ESPEC_VALUE, 35,
                 "'memory_mb' in step 'a' is 15; give 16 to 1048576 MB");
    expect_error("- {id: a, plugin: p, memory_mb: 1048577}", RM_ESPEC_VALUE,
                 35, "is 1.04858e+06");
    expect_error("- {id: a, plugin: p, memory_mb: 1.5}", RM_ESPEC_TYPE, 35,
                 "must be a whole number of MB (e.g. 4096), not '1.5'");
    expect_error("- {id: a, plugin: p, memory_mb: 4 GB}", RM_ESPEC_TYPE, 35,
                 "not '4 GB'");
    /* "  - {id: a, plugin: p, memory_mb:" — the key at 24 has no value. */
    expect_error("- {id: a, plugin: p, memory_mb: }", RM_ESPEC_MISSING, 24,
                 "'memory_mb' in step 'a' has no value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
