/*
 * Tests of the output checks on layers built here: each rule (declared
 * type, finite coordinates, point/line/ring sizes, closed rings, exterior
 * ring first, raster size, geotransform and cells) is broken once and
 * must be named; well-formed layers pass.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plugin/step.h"
#include "routemap/errors.h"
#include "routemap/layer.h"

static const double SQUARE[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
static const double HOLE[] = {2, 2, 2, 4, 4, 4, 4, 2, 2, 2};

static rm_layer *make(rm_geom_type t)
{
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "out", t), RM_OK);
    return l;
}

static void expect_bad(rm_geom_type declared, rm_layer *l,
                       const char *const *parts)
{
    rm_output_desc od = {"out", declared, NULL};
    char *why = rm__step_check_output(&od, l);
    assert_non_null(why);
    for (size_t i = 0; parts[i]; i++) {
        if (!strstr(why, parts[i]))
            print_error("'%s' lacks '%s'\n", why, parts[i]);
        assert_non_null(strstr(why, parts[i]));
    }
    free(why);
    rm_layer_destroy(l);
}

static void expect_good(rm_geom_type declared, rm_layer *l)
{
    rm_output_desc od = {"out", declared, NULL};
    char *why = rm__step_check_output(&od, l);
    if (why)
        print_error("unexpected: %s\n", why);
    assert_null(why);
    rm_layer_destroy(l);
}

static void test_good_layers(void **state)
{
    (void)state;
    rm_layer *l = make(RM_GEOM_POLYGON);
    rm_layer_begin_feature(l, 1);
    rm_layer_add_part(l, SQUARE, 5, NULL, 1);
    rm_layer_add_part(l, HOLE, 5, NULL, 0);
    rm_layer_begin_feature(l, 2); /* empty geometry is allowed */
    expect_good(RM_GEOM_POLYGON, l);

    l = make(RM_GEOM_LINE);
    rm_layer_begin_feature(l, 1);
    rm_layer_add_part(l, SQUARE, 2, NULL, 1);
    expect_good(RM_GEOM_LINE, l);

    l = make(RM_GEOM_POINT);
    rm_layer_begin_feature(l, 1);
    rm_layer_add_part(l, SQUARE + 2, 1, NULL, 1);
    rm_layer_add_part(l, SQUARE + 4, 1, NULL, 1);
    expect_good(RM_GEOM_POINT, l);

    l = make(RM_GEOM_NONE);
    rm_layer_begin_feature(l, 1);
    expect_good(RM_GEOM_NONE, l);

    double gt[6] = {0, 10, 0, 100, 0, -10};
    assert_int_equal(rm_layer_create_raster(&l, "r", 2, 2, gt), RM_OK);
    expect_good(RM_GEOM_RASTER, l); /* all NaN: nodata is fine */
}

static void test_bad_vectors(void **state)
{
    (void)state;
    rm_layer *l = make(RM_GEOM_POINT);
    expect_bad(RM_GEOM_POLYGON, l,
               (const char *const[]){"wrong geometry type",
                                     "declared as polygons",
                                     "holds points", NULL});

    static const double open[] = {0, 0, 10, 0, 10, 10, 0, 10};
    l = make(RM_GEOM_POLYGON);
    rm_layer_begin_feature(l, 1);
    rm_layer_add_part(l, SQUARE, 5, NULL, 1);
    rm_layer_begin_feature(l, 77);
    rm_layer_add_part(l, SQUARE, 5, NULL, 1);
    rm_layer_add_part(l, open, 4, NULL, 0);
    expect_bad(RM_GEOM_POLYGON, l,
               (const char *const[]){"feature 1 (fid 77), part 1",
                                     "not closed", NULL});

    l = make(RM_GEOM_POLYGON);
    rm_layer_begin_feature(l, 4);
    rm_layer_add_part(l, HOLE, 5, NULL, 0);
    expect_bad(RM_GEOM_POLYGON, l,
               (const char *const[]){"feature 0 (fid 4), part 0",
                                     "first ring is a hole", NULL});

    l = make(RM_GEOM_POLYGON);
    rm_layer_begin_feature(l, 3);
    rm_layer_add_part(l, SQUARE, 5, NULL, 1);
    rm_layer_begin_feature(l, 4);
    rm_layer_add_part(l, SQUARE, 0, NULL, 1);
    expect_bad(RM_GEOM_POLYGON, l,
               (const char *const[]){"feature 1 (fid 4), part 0",
                                     "ring has 0 coordinates", NULL});

    l = make(RM_GEOM_LINE);
    rm_layer_begin_feature(l, 9);
    rm_layer_add_part(l, SQUARE, 1, NULL, 1);
    expect_bad(RM_GEOM_LINE, l,
               (const char *const[]){"fid 9", "a line has 1 coordinate;",
                                     "at least 2", NULL});

    l = make(RM_GEOM_POINT);
    rm_layer_begin_feature(l, 9);
    rm_layer_add_part(l, SQUARE, 2, NULL, 1);
    expect_bad(RM_GEOM_POINT, l,
               (const char *const[]){"a point part has 2 coordinates", NULL});

    double inf_line[] = {0, 0, 1, INFINITY};
    l = make(RM_GEOM_LINE);
    rm_layer_begin_feature(l, 2);
    rm_layer_add_part(l, inf_line, 2, NULL, 1);
    expect_bad(RM_GEOM_LINE, l,
               (const char *const[]){"coordinate 1 is (1, inf), not finite",
                                     NULL});
}

static void test_bad_rasters(void **state)
{
    (void)state;
    double gt[6] = {0, 10, 0, 100, 0, -10};
    rm_layer *l;
    assert_int_equal(rm_layer_create_raster(&l, "r", 3, 2, gt), RM_OK);
    rm_layer_raster_data(l)[4] = -INFINITY;
    /* Cell 4 of a 3-wide raster is row 1, column 1. */
    expect_bad(RM_GEOM_RASTER, l,
               (const char *const[]){"cell (row 1, column 1) is infinite",
                                     NULL});
    assert_int_equal(rm_layer_create_raster(&l, "r", 3, 2, gt), RM_OK);
    expect_bad(RM_GEOM_POLYGON, l,
               (const char *const[]){"declared as polygons",
                                     "holds a raster", NULL});
    double flat[6] = {0, 10, 0, 100, 0, 0};
    assert_int_equal(rm_layer_create_raster(&l, "r", 3, 2, flat), RM_OK);
    expect_bad(RM_GEOM_RASTER, l,
               (const char *const[]){"degenerate", NULL});
    double nan_gt[6] = {NAN, 10, 0, 100, 0, -10};
    assert_int_equal(rm_layer_create_raster(&l, "r", 3, 2, nan_gt), RM_OK);
    expect_bad(RM_GEOM_RASTER, l,
               (const char *const[]){"geotransform value 0 is nan", NULL});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_layers),
        cmocka_unit_test(test_bad_vectors),
        cmocka_unit_test(test_bad_rasters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
