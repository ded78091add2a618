/*
 * Fuzz target: the decoder of a plugin child's output, the trust boundary
 * between a plugin process and the host: rm_layer_deserialize on a buffer
 * and rm__layer_deserialize_from on a source that hands the bytes out in
 * pieces, as the host reads them from the pipe. Any bytes must decode the
 * same both ways or be refused both ways; what decodes must pass or fail
 * the host's output check without crashing, and encode back (buffer and
 * stream alike) to the same bytes. The same bytes also go to the decoder
 * of a raster's header alone (whose cells come in a shared file): what it
 * accepts has no cells, is refused by the full decoder, and encodes back
 * to the input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "layer/layer_serialize.h"
#include "plugin/step.h"
#include "routemap/layer.h"

/* A source over the input: exactly the bytes the decoder asks for. */
typedef struct source {
    const uint8_t *p;
    size_t left;
} source;

static int take(void *ud, void *p, size_t n)
{
    source *s = ud;
    if (n > s->left)
        return -1;
    memcpy(p, s->p, n);
    s->p += n;
    s->left -= n;
    return 0;
}

/* A sink that appends to a buffer. */
typedef struct sink {
    uint8_t *p;
    size_t len, cap;
} sink;

static int put(void *ud, const void *p, size_t n)
{
    sink *s = ud;
    if (s->len + n > s->cap)
        return -1;
    memcpy(s->p + s->len, p, n);
    s->len += n;
    return 0;
}

/* The header-only decoder (rasters whose cells travel in a shared file). */
static void check_head(const uint8_t *data, size_t size, int full_rc)
{
    rm_layer *h = NULL;
    source src = {data, size};
    int rc = rm__layer_deserialize_head_from(&h, size, take, &src);
    if (rc != RM_OK) {
        if (h)
            __builtin_trap();
        return;
    }
    if (src.left != 0 || rm_layer_geom_type(h) != RM_GEOM_RASTER ||
        rm_layer_raster_cdata(h) != NULL || full_rc == RM_OK)
        __builtin_trap();
    uint64_t n = rm__layer_serialized_head_size(h);
    sink out = {malloc(size ? size : 1), 0, size};
    if (n != size || (out.p && (rm__layer_serialize_head_to(h, put, &out) !=
                                    RM_OK ||
                                out.len != size ||
                                memcmp(out.p, data, size) != 0)))
        __builtin_trap();
    free(out.p);
    rm_layer_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_layer *l = NULL, *ls = NULL;
    int rc = rm_layer_deserialize(&l, data, size);
    source src = {data, size};
    int rs = rm__layer_deserialize_from(&ls, size, take, &src);
    if ((rc == RM_OK) != (rs == RM_OK))
        __builtin_trap(); /* buffer and stream decode alike */
    check_head(data, size, rc);
    if (rc != RM_OK) {
        if (l || ls)
            __builtin_trap(); /* a refused buffer yields no layer */
        return 0;
    }
    /* The stream decoder read exactly the input. */
    if (src.left != 0)
        __builtin_trap();
    /* What the host does next: check it against its declaration. */
    rm_output_desc od = {"out", rm_layer_geom_type(l), NULL};
    free(rm__step_check_output(&od, l));
    (void)rm_layer_extent(l);
    /* The encoding is canonical: decode(encode(x)) == x, byte for byte. */
    uint8_t *again = NULL;
    size_t n = 0;
    if (rm_layer_serialize(l, &again, &n) == RM_OK) {
        rm_layer *l2 = NULL;
        if (rm_layer_deserialize(&l2, again, n) != RM_OK)
            __builtin_trap();
        uint8_t *third = NULL;
        size_t n3 = 0;
        if (rm_layer_serialize(l2, &third, &n3) == RM_OK &&
            (n3 != n || memcmp(third, again, n) != 0))
            __builtin_trap();
        free(third);
        rm_layer_destroy(l2);
    }
    /* The streamed encoding of both decodings is the same bytes. */
    uint64_t want = rm__layer_serialized_size(l);
    if (again && (want != n || rm__layer_serialized_size(ls) != n))
        __builtin_trap();
    sink out = {malloc(n ? n : 1), 0, n};
    if (again && out.p && rm__layer_serialize_to(ls, put, &out) == RM_OK &&
        (out.len != n || memcmp(out.p, again, n) != 0))
        __builtin_trap();
    free(out.p);
    free(again);
    rm_layer_destroy(l);
    rm_layer_destroy(ls);
    return 0;
}
