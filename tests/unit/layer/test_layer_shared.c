/*
 * Raster cells in a sealed shared memory file (core/layer/layer_shared.c):
 * made on the file, their header decoded apart, taken over only once no
 * one can write the file any more, and then immune to later writes.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "layer/layer_serialize.h"
#include "layer/layer_shared.h"
#include "routemap/errors.h"
#include "routemap/layer.h"

static const double GT[6] = {500000.0, 100.0, 0.0, 1600000.0, 0.0, -100.0};

typedef struct buf {
    uint8_t data[4096];
    size_t len, pos;
} buf;

static int sink(void *ud, const void *p, size_t n)
{
    buf *b = ud;
    if (b->len + n > sizeof b->data)
        return 1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int source(void *ud, void *p, size_t n)
{
    buf *b = ud;
    if (b->pos + n > b->len)
        return 1;
    memcpy(p, b->data + b->pos, n);
    b->pos += n;
    return 0;
}

/* The raster's header alone, decoded: a layer waiting for its cells. */
static rm_layer *header_of(const rm_layer *l)
{
    buf b;
    memset(&b, 0, sizeof b);
    assert_int_equal(rm__layer_serialize_head_to(l, sink, &b), RM_OK);
    assert_int_equal(b.len, rm__layer_serialized_head_size(l));
    rm_layer *h = NULL;
    assert_int_equal(rm__layer_deserialize_head_from(&h, b.len, source, &b),
                     RM_OK);
    assert_int_equal(b.pos, b.len);
    return h;
}

static void test_round_trip(void **state)
{
    (void)state;
    int fd = rm__layer_shared_file();
    assert_true(fd >= 0);
    rm_layer *made = NULL;
    assert_int_equal(
        rm__layer_create_raster_shared(&made, "cost", 3, 2, GT, fd), RM_OK);
    assert_true(rm__layer_is_shared(made));
    double *cells = rm_layer_raster_data(made);
    for (int i = 0; i < 6; i++) {
        assert_true(isnan(cells[i])); /* a new raster is all nodata */
        cells[i] = 10.0 * i + 0.5;
    }
    /* The file holds exactly the 6 doubles. */
    assert_int_equal(lseek(fd, 0, SEEK_END), 6 * (off_t)sizeof(double));

    rm_layer *got = header_of(made);
    assert_int_equal(rm_layer_raster_width(got), 3);
    assert_int_equal(rm_layer_raster_height(got), 2);
    assert_memory_equal(rm_layer_raster_geotransform(got), GT, sizeof GT);
    assert_null(rm_layer_raster_cdata(got));

    /* Still mapped for writing by its maker: the seal, and so the
     * take-over, is refused. */
    assert_int_equal(rm__layer_attach_shared(got, fd), RM_EPLUGIN_OUTPUT);
    assert_null(rm_layer_raster_cdata(got));

    rm__layer_shared_release(made);
    assert_false(rm__layer_is_shared(made));
    assert_null(rm_layer_raster_cdata(made));
    assert_int_equal(rm__layer_attach_shared(got, fd), RM_OK);
    const double *back = rm_layer_raster_cdata(got);
    for (int i = 0; i < 6; i++)
        assert_true(back[i] == 10.0 * i + 0.5);

    /* Sealed: the file can no longer be written, grown or shrunk. */
    double v = 99.0;
    assert_true(pwrite(fd, &v, sizeof v, 0) < 0);
    assert_true(ftruncate(fd, 0) != 0);
    assert_true(ftruncate(fd, 4096) != 0);
    /* The host's own writes stay in its private copy. */
    rm_layer_raster_data(got)[0] = -1.0;
    double first;
    assert_int_equal(pread(fd, &first, sizeof first, 0), sizeof first);
    assert_true(first == 0.5);

    rm_layer_destroy(made);
    rm_layer_destroy(got);
    close(fd);
}

static void test_size_mismatch(void **state)
{
    (void)state;
    int fd = rm__layer_shared_file();
    assert_true(fd >= 0);
    rm_layer *made = NULL;
    assert_int_equal(
        rm__layer_create_raster_shared(&made, "cost", 4, 4, GT, fd), RM_OK);
    rm__layer_shared_release(made);
    /* A file cut short after the header was written: 16 cells promised,
     * 15 there. */
    assert_int_equal(ftruncate(fd, 15 * (off_t)sizeof(double)), 0);
    rm_layer *got = header_of(made);
    assert_int_equal(rm__layer_attach_shared(got, fd), RM_EDATA_TYPE);
    assert_null(rm_layer_raster_cdata(got));
    rm_layer_destroy(got);
    rm_layer_destroy(made);
    close(fd);
}

static void test_refusals(void **state)
{
    (void)state;
    rm_layer *made = NULL;
    /* No file, no size: nothing made. */
    assert_int_equal(rm__layer_create_raster_shared(&made, "x", 2, 2, GT, -1),
                     RM_EINVAL);
    assert_null(made);
    int fd = rm__layer_shared_file();
    assert_true(fd >= 0);
    assert_int_equal(rm__layer_create_raster_shared(&made, "x", 0, 2, GT, fd),
                     RM_EINVAL);
    assert_null(made);
    /* A vector layer has no cells to take and no header of this kind. */
    rm_layer *v = NULL;
    assert_int_equal(rm_layer_create(&v, "v", RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm__layer_attach_shared(v, fd), RM_EINVAL);
    buf b;
    memset(&b, 0, sizeof b);
    assert_int_equal(rm__layer_serialize_head_to(v, sink, &b), RM_EINVAL);
    /* The full form of a vector layer is not a raster header. */
    assert_int_equal(rm__layer_serialize_to(v, sink, &b), RM_OK);
    rm_layer *h = NULL;
    assert_int_equal(rm__layer_deserialize_head_from(&h, b.len, source, &b),
                     RM_EDATA_TYPE);
    assert_null(h);
    rm_layer_destroy(v);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_size_mismatch),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
