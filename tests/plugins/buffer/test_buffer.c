/*
 * Tests of the buffer plugin through the host, linked in and as the built
 * routemap-buffer.so in a child process. Expected areas come from
 * geometry, not from the program: a circle pi*r^2 and its inscribed
 * 4*segments-gon (n/2)*r^2*sin(2*pi/n), the lens of two circles, a
 * stadium 2*r*L + pi*r^2, a square's buffer a^2 + 4*a*r + pi*r^2; the
 * test measures output rings with the shoelace formula.
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

int rm_plugin_buffer_init_static(const rm_host_api *api,
                                 rm_plugin_desc *out);

#define PI 3.14159265358979323846
#define CRS "EPSG:32631"

static rm_context *ctx;
static rm_registry *linked; /* the static twin */
static rm_registry *loaded; /* the .so from the build tree */
static rm_layer *input;     /* what `input` names */

static const rm_layer *lookup(void *ud, const char *name)
{
    (void)ud;
    return strcmp(name, "in") == 0 ? input : NULL;
}

static int setup(void **state)
{
    (void)state;
    if (rm_context_create(&ctx) || rm_registry_create(ctx, &linked) ||
        rm_registry_add_static(linked, rm_plugin_buffer_init_static,
                               "linked") ||
        rm_registry_create(ctx, &loaded) ||
        rm_registry_add_path(loaded, RM_BUILD_PLUGIN_DIR) ||
        rm_registry_scan(loaded) || !rm_registry_find(loaded, "buffer"))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_registry_destroy(linked);
    rm_registry_destroy(loaded);
    rm_context_destroy(ctx);
    return 0;
}

/* Buffer `in` with "name=value" settings; in_process picks the twin. */
static int buffer(rm_layer *in, int in_process, rm__step_result *res,
                  const char *const *sets)
{
    input = in;
    rm__raw_param raw[8];
    const char *items[8][1];
    char names[8][32];
    size_t n = 0;
    items[0][0] = "in";
    rm__raw_param first = {"input", items[0], 1, 0,
                           {"t.yaml", 1, 1, NULL, NULL, -1}};
    raw[n++] = first;
    for (size_t i = 0; sets && sets[i]; i++) {
        const char *eq = strchr(sets[i], '=');
        snprintf(names[n], sizeof names[n], "%.*s", (int)(eq - sets[i]),
                 sets[i]);
        items[n][0] = eq + 1;
        rm__raw_param r = {names[n], items[n], 1, 0,
                           {"t.yaml", (int)n + 1, 1, NULL, NULL, -1}};
        raw[n++] = r;
    }
    const rm_plugin_desc *d =
        rm_registry_find(in_process ? linked : loaded, "buffer");
    rm__params *p = NULL;
    int rc = rm__params_resolve(ctx, d, "zone", raw, n, lookup, NULL, &p);
    if (rc == RM_OK) {
        rm_bbox none = {NAN, NAN, NAN, NAN};
        rc = rm__step_run(ctx, d, "zone", p, CRS, none, NULL, NULL,
                          in_process, res);
    }
    rm__params_destroy(p);
    return rc;
}

static rm_layer *points(const double *xy, size_t n)
{
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "in", RM_GEOM_POINT), RM_OK);
    for (size_t i = 0; i < n; i++) {
        assert_true(rm_layer_begin_feature(l, 10 + (int64_t)i) >= 0);
        assert_int_equal(rm_layer_add_part(l, xy + 2 * i, 1, NULL, 1),
                         RM_OK);
    }
    return l;
}

/* Shoelace area of one ring (absolute value). */
static double ring_area(const double *xy, int64_t a, int64_t b)
{
    double s = 0;
    for (int64_t k = a; k + 1 < b; k++)
        s += xy[2 * k] * xy[2 * k + 3] - xy[2 * k + 2] * xy[2 * k + 1];
    return fabs(s) / 2;
}

/* Area of feature f: exterior rings minus holes. */
static double feature_area(const rm_layer *l, size_t f)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const uint8_t *outer = rm_layer_part_outer(l);
    const double *xy = rm_layer_xy(l);
    double a = 0;
    for (int64_t p = fo[f]; p < fo[f + 1]; p++) {
        double r = ring_area(xy, po[p], po[p + 1]);
        a += outer[p] ? r : -r;
    }
    return a;
}

static size_t rings_of(const rm_layer *l, size_t f, int want_outer)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const uint8_t *outer = rm_layer_part_outer(l);
    size_t n = 0;
    for (int64_t p = fo[f]; p < fo[f + 1]; p++)
        n += outer[p] == want_outer;
    return n;
}

static void assert_rel(double got, double want, double tol)
{
    if (fabs(got - want) > tol * fabs(want))
        print_error("got %.10g, want %.10g (tolerance %g)\n", got, want,
                    tol);
    assert_true(fabs(got - want) <= tol * fabs(want));
}

/* The inscribed n-gon of a circle of radius r. */
static double ngon_area(double r, int n)
{
    return n / 2.0 * r * r * sin(2 * PI / n);
}

static void test_point_circle(void **state)
{
    (void)state;
    static const double c[] = {1000, 2000};
    rm_layer *in = points(c, 1);
    for (int in_process = 1; in_process >= 0; in_process--) {
        rm__step_result res;
        int rc = buffer(in, in_process, &res,
                        (const char *const[]){"distance=100 m",
                                              "segments=64", NULL});
        if (rc)
            print_error("%s\n", rm_errmsg(ctx));
        assert_int_equal(rc, RM_OK);
        assert_int_equal(res.n, 1);
        const rm_layer *out = res.layers[0];
        assert_string_equal(rm_layer_name(out), "buffers");
        assert_string_equal(rm_layer_crs(out), CRS);
        assert_int_equal(rm_layer_geom_type(out), RM_GEOM_POLYGON);
        assert_int_equal(rm_layer_feature_count(out), 1);
        assert_int_equal(rm_layer_fids(out)[0], 10);
        assert_int_equal(rings_of(out, 0, 1), 1);
        assert_int_equal(rings_of(out, 0, 0), 0);
        double area = feature_area(out, 0);
        /* The brief's promise: within 0.1% of pi r^2 ... */
        assert_rel(area, PI * 100 * 100, 1e-3);
        /* ... and in fact the inscribed 256-gon. */
        assert_rel(area, ngon_area(100, 4 * 64), 1e-6);
        /* Every vertex lies on the circle. */
        const double *xy = rm_layer_xy(out);
        for (size_t k = 0; k < rm_layer_coord_count(out); k++)
            assert_true(fabs(hypot(xy[2 * k] - 1000, xy[2 * k + 1] - 2000) -
                             100) < 1e-6);
        rm__step_result_free(&res);
    }
    rm_layer_destroy(in);
}

static void test_defaults_and_units(void **state)
{
    (void)state;
    static const double c[] = {0, 0};
    rm_layer *in = points(c, 1);
    rm__step_result res;
    /* Defaults: 1000 m, 8 segments per quarter: a 32-gon of radius 1000. */
    assert_int_equal(buffer(in, 1, &res, NULL), RM_OK);
    assert_rel(feature_area(res.layers[0], 0), ngon_area(1000, 32), 1e-9);
    assert_int_equal(rm_layer_coord_count(res.layers[0]), 33);
    rm__step_result_free(&res);
    /* "0.1 km" is 100 m. */
    assert_int_equal(buffer(in, 1, &res,
                            (const char *const[]){"distance=0.1 km", NULL}),
                     RM_OK);
    assert_rel(feature_area(res.layers[0], 0), ngon_area(100, 32), 1e-9);
    rm__step_result_free(&res);
    /* A point buffered by 0 has no area: nothing is written. */
    assert_int_equal(buffer(in, 1, &res,
                            (const char *const[]){"distance=0", NULL}),
                     RM_OK);
    assert_int_equal(rm_layer_feature_count(res.layers[0]), 0);
    rm__step_result_free(&res);
    rm_layer_destroy(in);
}

static void test_dissolve(void **state)
{
    (void)state;
    /* Two circles of r = 100 whose centres are d = 150 apart. */
    static const double c[] = {0, 0, 150, 0};
    rm_layer *in = points(c, 2);
    double r = 100, d = 150;
    double lens = 2 * r * r * acos(d / (2 * r)) -
                  d / 2 * sqrt(4 * r * r - d * d);
    for (int in_process = 1; in_process >= 0; in_process--) {
        rm__step_result res;
        assert_int_equal(buffer(in, in_process, &res,
                                (const char *const[]){"distance=100",
                                                      "segments=64",
                                                      "dissolve=true",
                                                      NULL}),
                         RM_OK);
        const rm_layer *out = res.layers[0];
        assert_int_equal(rm_layer_feature_count(out), 1);
        assert_int_equal(rings_of(out, 0, 1), 1);
        assert_int_equal(rings_of(out, 0, 0), 0);
        assert_rel(feature_area(out, 0), 2 * PI * r * r - lens, 1e-3);
        int f = rm_layer_field_index(out, "sources");
        assert_true(f >= 0);
        assert_int_equal(rm_layer_field_ints(out, f)[0], 2);
        rm__step_result_free(&res);
    }
    /* Without dissolve: two features, each a whole circle. */
    rm__step_result res;
    assert_int_equal(buffer(in, 1, &res,
                            (const char *const[]){"distance=100",
                                                  "segments=64", NULL}),
                     RM_OK);
    assert_int_equal(rm_layer_feature_count(res.layers[0]), 2);
    assert_int_equal(rm_layer_fids(res.layers[0])[1], 11);
    assert_rel(feature_area(res.layers[0], 1), PI * r * r, 1e-3);
    rm__step_result_free(&res);
    rm_layer_destroy(in);
}

static void test_attributes_pass_through(void **state)
{
    (void)state;
    static const double c[] = {0, 0, 500, 0};
    rm_layer *in = points(c, 2);
    int fs = rm_layer_add_field(in, "name", RM_FIELD_STRING);
    int fi = rm_layer_add_field(in, "pop", RM_FIELD_INT);
    int fr = rm_layer_add_field(in, "w", RM_FIELD_REAL);
    int fb = rm_layer_add_field(in, "ok", RM_FIELD_BOOL);
    int fd = rm_layer_add_field(in, "when", RM_FIELD_DATETIME);
    /* set_* apply to the last feature: row 1 gets values, row 0 stays
     * NULL in every column. */
    assert_int_equal(rm_layer_set_string(in, fs, "Ménaka"), RM_OK);
    assert_int_equal(rm_layer_set_int(in, fi, 130690), RM_OK);
    assert_int_equal(rm_layer_set_real(in, fr, 0.25), RM_OK);
    assert_int_equal(rm_layer_set_bool(in, fb, 1), RM_OK);
    assert_int_equal(rm_layer_set_datetime(in, fd, 1751328000000LL), RM_OK);
    for (int in_process = 1; in_process >= 0; in_process--) {
        rm__step_result res;
        assert_int_equal(buffer(in, in_process, &res,
                                (const char *const[]){"distance=10", NULL}),
                         RM_OK);
        const rm_layer *out = res.layers[0];
        assert_int_equal(rm_layer_feature_count(out), 2);
        assert_int_equal(rm_layer_field_count(out), 5);
        assert_int_equal(rm_layer_fids(out)[0], 10);
        assert_int_equal(rm_layer_fids(out)[1], 11);
        assert_string_equal(rm_layer_field_name(out, 4), "when");
        assert_int_equal(rm_layer_field_type(out, 4), RM_FIELD_DATETIME);
        for (int f = 0; f < 5; f++)
            assert_true(rm_layer_field_is_null(out, f, 0));
        assert_string_equal(rm_layer_field_string(out, 0, 1), "Ménaka");
        assert_int_equal(rm_layer_field_ints(out, 1)[1], 130690);
        assert_true(rm_layer_field_reals(out, 2)[1] == 0.25);
        assert_int_equal(rm_layer_field_bools(out, 3)[1], 1);
        assert_int_equal(rm_layer_field_ints(out, 4)[1], 1751328000000LL);
        rm__step_result_free(&res);
    }
    rm_layer_destroy(in);
}

static void test_lines_and_polygons(void **state)
{
    (void)state;
    rm_layer *line;
    assert_int_equal(rm_layer_create(&line, "in", RM_GEOM_LINE), RM_OK);
    static const double seg[] = {0, 0, 1000, 0};
    rm_layer_begin_feature(line, 1);
    rm_layer_add_part(line, seg, 2, NULL, 1);
    rm__step_result res;
    assert_int_equal(buffer(line, 1, &res,
                            (const char *const[]){"distance=10",
                                                  "segments=64", NULL}),
                     RM_OK);
    /* A stadium: 2 r L + pi r^2. */
    assert_rel(feature_area(res.layers[0], 0), 2 * 10 * 1000 + PI * 100,
               1e-3);
    rm__step_result_free(&res);
    rm_layer_destroy(line);

    /* A 100 m square with a 40 m square hole, buffered by 10 m: the outer
     * edge grows to a^2 + 4 a r + pi r^2, the hole shrinks to 20 x 20. */
    rm_layer *poly;
    assert_int_equal(rm_layer_create(&poly, "in", RM_GEOM_POLYGON), RM_OK);
    static const double sq[] = {0, 0, 100, 0, 100, 100, 0, 100, 0, 0};
    static const double hole[] = {30, 30, 30, 70, 70, 70, 70, 30, 30, 30};
    rm_layer_begin_feature(poly, 5);
    rm_layer_add_part(poly, sq, 5, NULL, 1);
    rm_layer_add_part(poly, hole, 5, NULL, 0);
    for (int in_process = 1; in_process >= 0; in_process--) {
        assert_int_equal(buffer(poly, in_process, &res,
                                (const char *const[]){"distance=10",
                                                      "segments=64", NULL}),
                         RM_OK);
        const rm_layer *out = res.layers[0];
        assert_int_equal(rings_of(out, 0, 1), 1);
        assert_int_equal(rings_of(out, 0, 0), 1);
        double want = 100.0 * 100 + 4 * 100 * 10 + PI * 100 - 20 * 20;
        assert_rel(feature_area(out, 0), want, 1e-3);
        rm__step_result_free(&res);
    }
    /* Distance 0 keeps a polygon as it is: 100^2 - 40^2. */
    assert_int_equal(buffer(poly, 1, &res,
                            (const char *const[]){"distance=0", NULL}),
                     RM_OK);
    assert_rel(feature_area(res.layers[0], 0), 10000 - 1600, 1e-12);
    rm__step_result_free(&res);
    rm_layer_destroy(poly);
}

static void test_multipart_and_empty(void **state)
{
    (void)state;
    rm_layer *in;
    assert_int_equal(rm_layer_create(&in, "in", RM_GEOM_POINT), RM_OK);
    static const double a[] = {0, 0}, b[] = {1000, 0};
    rm_layer_begin_feature(in, 1);
    rm_layer_add_part(in, a, 1, NULL, 1);
    rm_layer_add_part(in, b, 1, NULL, 1);
    rm_layer_begin_feature(in, 2); /* no geometry: skipped */
    rm__step_result res;
    assert_int_equal(buffer(in, 1, &res,
                            (const char *const[]){"distance=50", NULL}),
                     RM_OK);
    const rm_layer *out = res.layers[0];
    assert_int_equal(rm_layer_feature_count(out), 1);
    assert_int_equal(rings_of(out, 0, 1), 2);
    assert_rel(feature_area(out, 0), 2 * ngon_area(50, 32), 1e-9);
    rm__step_result_free(&res);
    rm_layer_destroy(in);

    assert_int_equal(rm_layer_create(&in, "in", RM_GEOM_LINE), RM_OK);
    assert_int_equal(buffer(in, 0, &res, NULL), RM_OK);
    assert_non_null(res.layers[0]);
    assert_int_equal(rm_layer_feature_count(res.layers[0]), 0);
    rm__step_result_free(&res);
    assert_int_equal(buffer(in, 1, &res,
                            (const char *const[]){"dissolve=yes", NULL}),
                     RM_OK);
    assert_int_equal(rm_layer_feature_count(res.layers[0]), 0);
    rm__step_result_free(&res);
    rm_layer_destroy(in);
}

static void test_bad_parameters(void **state)
{
    (void)state;
    static const double c[] = {0, 0};
    rm_layer *in = points(c, 1);
    rm__step_result res;
    assert_int_equal(buffer(in, 1, &res,
                            (const char *const[]){"segments=65", NULL}),
                     RM_EPLUGIN_PARAM);
    assert_non_null(strstr(rm_errmsg(ctx), "between 1 and 64"));
    assert_int_equal(buffer(in, 1, &res,
                            (const char *const[]){"distance=-5 m", NULL}),
                     RM_EPLUGIN_PARAM);
    assert_non_null(strstr(rm_errmsg(ctx), "at least 0 m"));
    rm_layer_destroy(in);
    double gt[6] = {0, 1, 0, 0, 0, -1};
    assert_int_equal(rm_layer_create_raster(&in, "in", 2, 2, gt), RM_OK);
    assert_int_equal(buffer(in, 1, &res, NULL), RM_EPLUGIN_PARAM);
    assert_non_null(strstr(rm_errmsg(ctx), "holds a raster"));
    rm_layer_destroy(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_point_circle),
        cmocka_unit_test(test_defaults_and_units),
        cmocka_unit_test(test_dissolve),
        cmocka_unit_test(test_attributes_pass_through),
        cmocka_unit_test(test_lines_and_polygons),
        cmocka_unit_test(test_multipart_and_empty),
        cmocka_unit_test(test_bad_parameters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
