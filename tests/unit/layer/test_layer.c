/*
 * Tests of the columnar layer: building, reading back, NULL handling, roles,
 * extent, and the serialized form (round trip and rejection of every
 * truncated or corrupted buffer).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layer/layer_internal.h"
#include "routemap/errors.h"
#include "routemap/layer.h"

static rm_layer *two_polygons(void)
{
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "zones", RM_GEOM_POLYGON), RM_OK);
    int fname = rm_layer_add_field(l, "name", RM_FIELD_STRING);
    int fpop = rm_layer_add_field(l, "pop", RM_FIELD_INT);
    int farea = rm_layer_add_field(l, "area", RM_FIELD_REAL);
    int fwhen = rm_layer_add_field(l, "when", RM_FIELD_DATETIME);
    int fok = rm_layer_add_field(l, "ok", RM_FIELD_BOOL);
    assert_int_equal(fname, 0);
    assert_int_equal(fok, 4);
    /* A square with a square hole, then a triangle. */
    static const double outer[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
    static const double hole[] = {2, 2, 2, 4, 4, 4, 4, 2, 2, 2};
    static const double tri[] = {20, 0, 30, 0, 25, 5, 20, 0};
    assert_int_equal(rm_layer_begin_feature(l, 17), 0);
    assert_int_equal(rm_layer_add_part(l, outer, 5, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_add_part(l, hole, 5, NULL, 0), RM_OK);
    assert_int_equal(rm_layer_set_string(l, fname, "Ségou"), RM_OK);
    assert_int_equal(rm_layer_set_int(l, fpop, 130690), RM_OK);
    assert_int_equal(rm_layer_set_real(l, farea, 96.0), RM_OK);
    assert_int_equal(rm_layer_set_datetime(l, fwhen, 1751328000000LL),
                     RM_OK);
    assert_int_equal(rm_layer_set_bool(l, fok, 1), RM_OK);
    assert_int_equal(rm_layer_begin_feature(l, 42), 1);
    assert_int_equal(rm_layer_add_part(l, tri, 4, NULL, 1), RM_OK);
    /* Second row: name set twice keeps the last value, others NULL. */
    assert_int_equal(rm_layer_set_string(l, fname, "first"), RM_OK);
    assert_int_equal(rm_layer_set_string(l, fname, "Ménaka"), RM_OK);
    assert_int_equal(rm_layer_set_role(l, RM_ROLE_KIND, fname), RM_OK);
    return l;
}

static void check_two_polygons(const rm_layer *l)
{
    assert_string_equal(rm_layer_name(l), "zones");
    assert_int_equal(rm_layer_geom_type(l), RM_GEOM_POLYGON);
    assert_int_equal(rm_layer_feature_count(l), 2);
    assert_int_equal(rm_layer_part_count(l), 3);
    assert_int_equal(rm_layer_coord_count(l), 14);
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    assert_int_equal(fo[0], 0);
    assert_int_equal(fo[1], 2);
    assert_int_equal(fo[2], 3);
    assert_int_equal(po[1], 5);
    assert_int_equal(po[2], 10);
    assert_int_equal(po[3], 14);
    assert_int_equal(rm_layer_part_outer(l)[0], 1);
    assert_int_equal(rm_layer_part_outer(l)[1], 0);
    assert_int_equal(rm_layer_part_outer(l)[2], 1);
    assert_int_equal(rm_layer_fids(l)[0], 17);
    assert_int_equal(rm_layer_fids(l)[1], 42);
    assert_true(rm_layer_xy(l)[2 * 12] == 25.0);
    assert_true(rm_layer_xy(l)[2 * 12 + 1] == 5.0);
    assert_string_equal(rm_layer_field_string(l, 0, 0), "Ségou");
    assert_string_equal(rm_layer_field_string(l, 0, 1), "Ménaka");
    assert_int_equal(rm_layer_field_ints(l, 1)[0], 130690);
    assert_true(rm_layer_field_is_null(l, 1, 1));
    assert_true(isnan(rm_layer_field_reals(l, 2)[1]));
    assert_true(rm_layer_field_as_real(l, 2, 0) == 96.0);
    assert_true(isnan(rm_layer_field_as_real(l, 2, 1)));
    assert_int_equal(rm_layer_field_ints(l, 3)[0], 1751328000000LL);
    assert_int_equal(rm_layer_field_bools(l, 4)[0], 1);
    assert_true(rm_layer_field_is_null(l, 4, 1));
    assert_int_equal(rm_layer_field_index(l, "area"), 2);
    assert_int_equal(rm_layer_field_index(l, "nope"), -1);
    assert_int_equal(rm_layer_role_field(l, RM_ROLE_KIND), 0);
    assert_int_equal(rm_layer_role_field(l, RM_ROLE_TIME), -1);
    rm_bbox b = rm_layer_extent(l);
    assert_true(b.minx == 0 && b.miny == 0 && b.maxx == 30 && b.maxy == 10);
}

static void test_build_and_read(void **state)
{
    (void)state;
    rm_layer *l = two_polygons();
    check_two_polygons(l);
    rm_layer_destroy(l);
}

static void test_invalid_calls(void **state)
{
    (void)state;
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "x", (rm_geom_type)7), RM_EINVAL);
    assert_null(l);
    assert_int_equal(rm_layer_create(&l, "p", RM_GEOM_POINT), RM_OK);
    double xy[2] = {1, 2};
    /* No feature begun yet. */
    assert_int_equal(rm_layer_add_part(l, xy, 1, NULL, 1), RM_EINVAL);
    int f = rm_layer_add_field(l, "a", RM_FIELD_INT);
    assert_int_equal(rm_layer_add_field(l, "a", RM_FIELD_REAL), RM_EINVAL);
    assert_int_equal(rm_layer_set_int(l, f, 1), RM_EINVAL);
    rm_layer_begin_feature(l, 0);
    assert_int_equal(rm_layer_set_real(l, f, 1.0), RM_EINVAL);
    assert_int_equal(rm_layer_set_int(l, 5, 1), RM_EINVAL);
    assert_int_equal(rm_layer_set_role(l, RM_ROLE_ID, 3), RM_EINVAL);
    rm_layer_destroy(l);
    /* DOC: rm_layer_destroy(NULL) is a no-op. */
    rm_layer_destroy(NULL);
}

static void test_growth_and_late_fields(void **state)
{
    (void)state;
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "pts", RM_GEOM_POINT), RM_OK);
    int fa = rm_layer_add_field(l, "i", RM_FIELD_INT);
    for (int i = 0; i < 5000; i++) {
        double xy[2] = {i, -i};
        rm_layer_begin_feature(l, i);
        rm_layer_add_part(l, xy, 1, NULL, 1);
        rm_layer_set_int(l, fa, (int64_t)i * 3);
    }
    /* A field added after the rows exist is NULL everywhere. */
    int fs = rm_layer_add_field(l, "s", RM_FIELD_STRING);
    assert_true(rm_layer_field_is_null(l, fs, 4999));
    assert_null(rm_layer_field_string(l, fs, 0));
    assert_int_equal(rm_layer_field_ints(l, fa)[4321], 12963);
    assert_true(rm_layer_xy(l)[2 * 4321 + 1] == -4321.0);
    assert_int_equal(rm_layer_feature_offsets(l)[5000], 5000);
    rm_layer_destroy(l);
}

static void test_vertex_times(void **state)
{
    (void)state;
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "tracks", RM_GEOM_LINE), RM_OK);
    double a[] = {0, 0, 1, 1};
    double b[] = {2, 2, 3, 3, 4, 4};
    double tb[] = {100, 160, 220};
    rm_layer_begin_feature(l, 1);
    rm_layer_add_part(l, a, 2, NULL, 1);
    assert_null(rm_layer_vertex_times(l));
    rm_layer_begin_feature(l, 2);
    rm_layer_add_part(l, b, 3, tb, 1);
    const double *t = rm_layer_vertex_times(l);
    assert_non_null(t);
    assert_true(isnan(t[0]) && isnan(t[1]));
    assert_true(t[2] == 100 && t[4] == 220);
    rm_layer_destroy(l);
}

static void test_serialize_round_trip(void **state)
{
    (void)state;
    rm_layer *l = two_polygons();
    rm_layer_set_crs(l, "EPSG:32631");
    uint8_t *buf;
    size_t len;
    assert_int_equal(rm_layer_serialize(l, &buf, &len), RM_OK);
    rm_layer *back;
    assert_int_equal(rm_layer_deserialize(&back, buf, len), RM_OK);
    check_two_polygons(back);
    assert_string_equal(rm_layer_crs(back), "EPSG:32631");
    /* The copy is independent and still buildable. */
    rm_layer_begin_feature(back, 99);
    assert_int_equal(rm_layer_feature_count(back), 3);
    rm_layer_destroy(back);

    /* DOC: every length and offset is checked. Each truncation fails. */
    for (size_t n = 0; n < len; n++) {
        rm_layer *t = (rm_layer *)1;
        assert_int_equal(rm_layer_deserialize(&t, buf, n), RM_EDATA_TYPE);
        assert_null(t);
    }
    /* Flipping bytes never crashes; it fails or yields a consistent layer
     * (coordinate bytes carry no structure). */
    for (size_t i = 0; i < len; i++) {
        uint8_t *c = malloc(len);
        memcpy(c, buf, len);
        c[i] ^= 0xA5;
        rm_layer *t;
        if (rm_layer_deserialize(&t, c, len) == RM_OK) {
            size_t nf = rm_layer_feature_count(t);
            const int64_t *fo = rm_layer_feature_offsets(t);
            assert_int_equal((size_t)fo[nf], rm_layer_part_count(t));
            rm_layer_destroy(t);
        }
        free(c);
    }
    free(buf);
    rm_layer_destroy(l);
}

static void test_raster(void **state)
{
    (void)state;
    const double gt[6] = {1000, 100, 0, 5000, 0, -100};
    rm_layer *r;
    assert_int_equal(rm_layer_create_raster(&r, "cost", 3, 2, gt), RM_OK);
    assert_int_equal(rm_layer_geom_type(r), RM_GEOM_RASTER);
    double *d = rm_layer_raster_data(r);
    assert_true(isnan(d[5]));
    for (int i = 0; i < 6; i++)
        d[i] = i * 1.5;
    rm_bbox b = rm_layer_extent(r);
    assert_true(b.minx == 1000 && b.maxx == 1300);
    assert_true(b.miny == 4800 && b.maxy == 5000);
    rm_layer *c;
    assert_int_equal(rm_layer_clone(&c, r), RM_OK);
    assert_int_equal(rm_layer_raster_width(c), 3);
    assert_true(rm_layer_raster_cdata(c)[5] == 7.5);
    assert_true(rm_layer_raster_geotransform(c)[5] == -100);
    assert_int_equal(rm_layer_begin_feature(c, 1), RM_EINVAL);
    rm_layer_destroy(c);
    rm_layer_destroy(r);
    assert_int_equal(rm_layer_create_raster(&r, "x", 0, 2, gt), RM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_read),
        cmocka_unit_test(test_invalid_calls),
        cmocka_unit_test(test_growth_and_late_fields),
        cmocka_unit_test(test_vertex_times),
        cmocka_unit_test(test_serialize_round_trip),
        cmocka_unit_test(test_raster),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
