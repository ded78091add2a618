/*
 * Tests of the streamed binary form of a layer (layer_serialize.h), the
 * way a plugin's child sends its outputs: the sink sees the very bytes of
 * rm_layer_serialize, the size is the documented layout worked out by
 * hand, a source serving a few bytes at a time decodes to the values put
 * in, and every short, long or lying input is refused without a layer.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layer/layer_serialize.h"
#include "routemap/errors.h"
#include "routemap/layer.h"

/* A sink that appends to a buffer, or stops after `stop_after` pieces. */
typedef struct sink {
    uint8_t *buf;
    size_t len, cap;
    size_t pieces;
    size_t stop_after; /* 0: never */
} sink;

static int to_buffer(void *ud, const void *p, size_t n)
{
    sink *s = ud;
    if (s->stop_after && s->pieces == s->stop_after)
        return 1;
    s->pieces++;
    if (s->len + n > s->cap) {
        s->cap = 2 * (s->len + n);
        s->buf = realloc(s->buf, s->cap);
        assert_non_null(s->buf);
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return 0;
}

/* A source over a buffer: at most `step` bytes per call are copied (it
 * loops, as a pipe reader does), and it fails past `avail` bytes. */
typedef struct source {
    const uint8_t *buf;
    size_t pos, avail, step;
} source;

static int from_buffer(void *ud, void *p, size_t n)
{
    source *s = ud;
    uint8_t *out = p;
    while (n > 0) {
        if (s->pos == s->avail)
            return -1;
        size_t k = n < s->step ? n : s->step;
        if (k > s->avail - s->pos)
            k = s->avail - s->pos;
        memcpy(out, s->buf + s->pos, k);
        s->pos += k;
        out += k;
        n -= k;
    }
    return 0;
}

static rm_layer *small_raster(int w, int h)
{
    const double gt[6] = {300000, 100, 0, 1900000, 0, -100};
    rm_layer *r = NULL;
    assert_int_equal(rm_layer_create_raster(&r, "cost", w, h, gt), RM_OK);
    assert_int_equal(rm_layer_set_crs(r, "EPSG:32631"), RM_OK);
    double *c = rm_layer_raster_data(r);
    for (int i = 0; i < w * h; i++)
        c[i] = i % 5 == 0 ? NAN : i * 0.5;
    return r;
}

static rm_layer *two_lines(void)
{
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "paths", RM_GEOM_LINE), RM_OK);
    int fr = rm_layer_add_field(l, "rank", RM_FIELD_INT);
    int fn = rm_layer_add_field(l, "name", RM_FIELD_STRING);
    static const double a[] = {0, 0, 1, 1, 2, 0};
    static const double b[] = {5, 5, 6, 6};
    assert_int_equal(rm_layer_begin_feature(l, 7), 0);
    assert_int_equal(rm_layer_add_part(l, a, 3, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_set_int(l, fr, 1), RM_OK);
    assert_int_equal(rm_layer_set_string(l, fn, "north"), RM_OK);
    assert_int_equal(rm_layer_begin_feature(l, 9), 1);
    assert_int_equal(rm_layer_add_part(l, b, 2, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_set_int(l, fr, 2), RM_OK);
    return l;
}

static void test_sink_sees_serialize_bytes(void **state)
{
    (void)state;
    rm_layer *layers[2] = {small_raster(13, 7), two_lines()};
    for (int k = 0; k < 2; k++) {
        uint8_t *ref = NULL;
        size_t ref_len = 0;
        assert_int_equal(rm_layer_serialize(layers[k], &ref, &ref_len),
                         RM_OK);
        sink s = {0};
        assert_int_equal(rm__layer_serialize_to(layers[k], to_buffer, &s),
                         RM_OK);
        assert_int_equal(s.len, ref_len);
        assert_memory_equal(s.buf, ref, ref_len);
        assert_int_equal(rm__layer_serialized_size(layers[k]), ref_len);
        free(s.buf);
        free(ref);
    }
    /* DOC: each array goes out in one piece straight from the layer: the
     * raster's 91 cells are one piece of 728 bytes. Size by the layout:
     * magic 8, type 8, name 8 + 4, CRS 8 + 10, roles 8 each, width 8,
     * height 8, geotransform 48, cells 8 each. */
    uint64_t want = 8 + 8 + 12 + 18 + 8 * (uint64_t)RM_ROLE_COUNT + 16 + 48 +
                    8 * 13 * 7;
    assert_int_equal(rm__layer_serialized_size(layers[0]), want);
    sink s = {0};
    assert_int_equal(rm__layer_serialize_to(layers[0], to_buffer, &s),
                     RM_OK);
    double cells[13 * 7];
    memcpy(cells, s.buf + want - sizeof cells, sizeof cells);
    assert_memory_equal(cells, rm_layer_raster_cdata(layers[0]),
                        sizeof cells);
    free(s.buf);
    /* A sink that stops: the encoder stops and says so. */
    sink stop = {0};
    stop.stop_after = 3;
    assert_int_equal(rm__layer_serialize_to(layers[1], to_buffer, &stop),
                     RM_EIO_WRITE);
    assert_int_equal(stop.pieces, 3);
    free(stop.buf);
    rm_layer_destroy(layers[0]);
    rm_layer_destroy(layers[1]);
}

static void test_source_decodes_in_small_steps(void **state)
{
    (void)state;
    rm_layer *r = small_raster(13, 7);
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(rm_layer_serialize(r, &buf, &len), RM_OK);
    for (size_t step = 1; step <= 64; step *= 4) {
        source src = {buf, 0, len, step};
        rm_layer *back = NULL;
        assert_int_equal(
            rm__layer_deserialize_from(&back, len, from_buffer, &src),
            RM_OK);
        assert_int_equal(src.pos, len);
        assert_int_equal(rm_layer_raster_width(back), 13);
        assert_int_equal(rm_layer_raster_height(back), 7);
        assert_string_equal(rm_layer_crs(back), "EPSG:32631");
        const double *c = rm_layer_raster_cdata(back);
        for (int i = 0; i < 13 * 7; i++)
            if (i % 5 == 0)
                assert_true(isnan(c[i]));
            else
                assert_true(c[i] == i * 0.5);
        rm_layer_destroy(back);
    }
    free(buf);
    rm_layer_destroy(r);

    rm_layer *l = two_lines();
    assert_int_equal(rm_layer_serialize(l, &buf, &len), RM_OK);
    source src = {buf, 0, len, 3};
    rm_layer *back = NULL;
    assert_int_equal(rm__layer_deserialize_from(&back, len, from_buffer, &src),
                     RM_OK);
    assert_int_equal(rm_layer_feature_count(back), 2);
    assert_int_equal(rm_layer_fids(back)[1], 9);
    assert_int_equal(rm_layer_coord_count(back), 5);
    assert_true(rm_layer_xy(back)[6] == 5 && rm_layer_xy(back)[9] == 6);
    int fn = rm_layer_field_index(back, "name");
    assert_string_equal(rm_layer_field_string(back, fn, 0), "north");
    assert_int_equal(rm_layer_field_is_null(back, fn, 1), 1);
    rm_layer_destroy(back);
    free(buf);
    rm_layer_destroy(l);
}

static void test_short_long_and_lying_inputs(void **state)
{
    (void)state;
    rm_layer *l = two_lines();
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(rm_layer_serialize(l, &buf, &len), RM_OK);
    /* DOC: missing bytes fail the decoding. Every cut of the stream, with
     * the length still claiming all of it, is refused without a layer. */
    for (size_t cut = 0; cut < len; cut++) {
        source src = {buf, 0, cut, 16};
        rm_layer *t = (rm_layer *)1;
        assert_int_equal(rm__layer_deserialize_from(&t, len, from_buffer,
                                                    &src),
                         RM_EDATA_TYPE);
        assert_null(t);
    }
    /* A length claiming less, or more, than the layer takes. */
    source a = {buf, 0, len, 16};
    rm_layer *t = NULL;
    assert_int_equal(rm__layer_deserialize_from(&t, len - 1, from_buffer, &a),
                     RM_EDATA_TYPE);
    assert_null(t);
    uint8_t *longer = calloc(len + 8, 1);
    memcpy(longer, buf, len);
    source b = {longer, 0, len + 8, 16};
    assert_int_equal(
        rm__layer_deserialize_from(&t, len + 8, from_buffer, &b),
        RM_EDATA_TYPE);
    assert_null(t);
    free(longer);
    free(buf);
    rm_layer_destroy(l);

    /* A raster whose header claims 2^31 x 2^31 cells in a short message:
     * refused from the header, before any cell is asked of the source. */
    rm_layer *r = small_raster(2, 2);
    assert_int_equal(rm_layer_serialize(r, &buf, &len), RM_OK);
    size_t wpos = len - 32 - 48 - 16;
    uint64_t big = (uint64_t)1 << 31;
    memcpy(buf + wpos, &big, 8);
    memcpy(buf + wpos + 8, &big, 8);
    source c = {buf, 0, len, 16};
    assert_int_equal(rm__layer_deserialize_from(&t, len, from_buffer, &c),
                     RM_EDATA_TYPE);
    assert_null(t);
    assert_true(c.pos <= wpos + 16 + 48);
    free(buf);
    rm_layer_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sink_sees_serialize_bytes),
        cmocka_unit_test(test_source_decodes_in_small_steps),
        cmocka_unit_test(test_short_long_and_lying_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
