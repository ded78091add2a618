/*
 * Tests of a decoded layer's slab (layer_slab.c): the decoder puts a
 * layer's arrays in one block, small or mapped on its own; the layer keeps
 * every value when an array must grow out of it, and is freed cleanly
 * whether or not it ever grew (ASan checks the frees).
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

static rm_layer *round_trip(const rm_layer *l)
{
    uint8_t *buf;
    size_t len;
    assert_int_equal(rm_layer_serialize(l, &buf, &len), RM_OK);
    rm_layer *back = NULL;
    assert_int_equal(rm_layer_deserialize(&back, buf, len), RM_OK);
    free(buf);
    return back;
}

/* 1 when p lies in the layer's slab. */
static int in_slab(const rm_layer *l, const void *p)
{
    const char *s = l->slab, *c = p;
    return s && c >= s && c < s + l->slab_bytes;
}

/* Two points, "a" and "bb", ints 7 and NULL; decoded, then grown by a
 * longer string in the last row and a third feature. */
static void test_small_slab_grows(void **state)
{
    (void)state;
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "pts", RM_GEOM_POINT), RM_OK);
    int fs = rm_layer_add_field(l, "s", RM_FIELD_STRING);
    int fi = rm_layer_add_field(l, "i", RM_FIELD_INT);
    const double p0[] = {1, 2}, p1[] = {3, 4}, p2[] = {5, 6};
    rm_layer_begin_feature(l, 10);
    rm_layer_add_part(l, p0, 1, NULL, 1);
    rm_layer_set_string(l, fs, "a");
    rm_layer_set_int(l, fi, 7);
    rm_layer_begin_feature(l, 11);
    rm_layer_add_part(l, p1, 1, NULL, 1);
    rm_layer_set_string(l, fs, "bb");
    rm_layer *d = round_trip(l);
    rm_layer_destroy(l);

    /* Every array in the slab, and the slab a malloc block. */
    assert_non_null(d->slab);
    assert_int_equal(d->slab_mapped, 0);
    assert_true(in_slab(d, d->fids) && in_slab(d, d->xy) &&
                in_slab(d, d->fields[fs].str_data) &&
                in_slab(d, d->fields[fi].ints));

    /* Replacing the last row's string by a longer one grows str_data:
     * the arrays leave the slab with their values. */
    assert_int_equal(rm_layer_set_string(d, fs, "cccc"), RM_OK);
    assert_null(d->slab);
    assert_string_equal(rm_layer_field_string(d, fs, 0), "a");
    assert_string_equal(rm_layer_field_string(d, fs, 1), "cccc");
    assert_int_equal(rm_layer_field_ints(d, fi)[0], 7);
    assert_true(rm_layer_field_is_null(d, fi, 1));

    assert_int_equal(rm_layer_begin_feature(d, 12), 2);
    assert_int_equal(rm_layer_add_part(d, p2, 1, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_set_int(d, fi, -3), RM_OK);
    assert_int_equal(rm_layer_feature_count(d), 3);
    assert_int_equal(rm_layer_fids(d)[0], 10);
    assert_int_equal(rm_layer_fids(d)[2], 12);
    const double *xy = rm_layer_xy(d);
    assert_true(xy[0] == 1 && xy[1] == 2 && xy[2] == 3 && xy[3] == 4 &&
                xy[4] == 5 && xy[5] == 6);
    assert_int_equal(rm_layer_field_ints(d, fi)[2], -3);
    assert_true(rm_layer_field_is_null(d, fs, 2));
    rm_layer_destroy(d);
}

/* One line of 150,000 vertices (2.4 MB of coordinates: a slab mapped on
 * its own), vertex i at (i, -i); decoded, then a second feature. */
static void test_mapped_slab_grows(void **state)
{
    (void)state;
    enum { N = 150000 };
    double *v = malloc(2 * N * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < N; i++) {
        v[2 * i] = (double)i;
        v[2 * i + 1] = -(double)i;
    }
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "long", RM_GEOM_LINE), RM_OK);
    rm_layer_begin_feature(l, 1);
    assert_int_equal(rm_layer_add_part(l, v, N, NULL, 1), RM_OK);
    rm_layer *d = round_trip(l);
    rm_layer_destroy(l);
    /* A mapping of its own, page-rounded, at a 2 MiB boundary. */
    assert_true(d->slab_mapped >= d->slab_bytes);
    assert_true(d->slab_bytes >= 2 * N * sizeof(double));
    assert_int_equal((uintptr_t)d->slab % (2u << 20), 0);
    assert_true(in_slab(d, d->xy));

    /* A two-vertex part makes xy grow out of the slab. */
    const double seg[] = {-1, -2, -3, -4};
    rm_layer_begin_feature(d, 2);
    assert_int_equal(rm_layer_add_part(d, seg, 2, NULL, 1), RM_OK);
    assert_null(d->slab);
    assert_int_equal(rm_layer_coord_count(d), N + 2);
    const double *xy = rm_layer_xy(d);
    assert_true(xy[0] == 0 && xy[1] == 0);
    assert_true(xy[2 * (N - 1)] == N - 1 && xy[2 * (N - 1) + 1] == 1 - N);
    assert_true(xy[2 * N] == -1 && xy[2 * N + 3] == -4);
    assert_int_equal(rm_layer_part_offsets(d)[2], N + 2);
    rm_layer_destroy(d);

    /* Decoded and destroyed without growing: the mapping goes. */
    assert_int_equal(rm_layer_create(&l, "long", RM_GEOM_LINE), RM_OK);
    rm_layer_begin_feature(l, 1);
    assert_int_equal(rm_layer_add_part(l, v, N, NULL, 1), RM_OK);
    d = round_trip(l);
    rm_layer_destroy(l);
    assert_true(rm_layer_xy(d)[2 * 1000] == 1000.0);
    rm_layer_destroy(d);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_slab_grows),
        cmocka_unit_test(test_mapped_slab_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
