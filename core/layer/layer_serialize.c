/*
 * The compact binary form of a layer: a header followed by the raw column
 * arrays, as a plugin's child process sends its outputs to the host. The
 * decoder treats its input as untrusted: every count, offset and string is
 * checked before use. Native byte order (both ends are the same program).
 * Both directions also stream: the encoder hands each array to a sink as
 * it stands, the decoder reads each array from a source straight into the
 * layer's own, so a big raster crossing a pipe is never held twice. A
 * vector layer's arrays are decoded into one block (layer_slab.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layer_internal.h"
#include "layer_serialize.h"
#include "util/util.h"

static const char MAGIC[8] = {'R', 'M', 'L', 'A', 'Y', 'E', 'R', '1'};

/* Where encoded bytes go: counted only, into buf (exactly len bytes
 * allocated beforehand), or handed to a sink. */
typedef struct writer {
    uint8_t *buf;
    size_t len;
    rm__layer_sink sink;
    void *ud;
    int failed;
} writer;

static void put(writer *w, const void *p, size_t n)
{
    if (w->failed || n == 0)
        return;
    if (w->sink && w->sink(w->ud, p, n) != 0) {
        w->failed = 1;
        return;
    }
    if (w->buf)
        memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put_u64(writer *w, uint64_t v) { put(w, &v, sizeof v); }

static void put_str(writer *w, const char *s)
{
    uint64_t n = s ? strlen(s) : 0;
    put_u64(w, n);
    put(w, s, n);
}

/* The layer's bytes; a raster's cells only `with_cells`. */
static void encode_as(writer *w, const rm_layer *l, int with_cells)
{
    rm__layer_points_write(l);
    put(w, MAGIC, sizeof MAGIC);
    put_u64(w, (uint64_t)l->type);
    put_str(w, l->name);
    put_str(w, l->crs);
    for (int r = 0; r < RM_ROLE_COUNT; r++)
        put_u64(w, (uint64_t)(int64_t)l->roles[r]);
    if (l->type == RM_GEOM_RASTER) {
        put_u64(w, (uint64_t)l->width);
        put_u64(w, (uint64_t)l->height);
        put(w, l->gt, sizeof l->gt);
        if (with_cells)
            put(w, l->cells,
                (size_t)l->width * (size_t)l->height * sizeof *l->cells);
    } else {
        put_u64(w, l->n_features);
        put_u64(w, l->n_parts);
        put_u64(w, l->n_coords);
        put_u64(w, l->vtime != NULL);
        put_u64(w, (uint64_t)l->n_fields);
        put(w, l->fids, l->n_features * sizeof *l->fids);
        put(w, l->feat_off, (l->n_features + 1) * sizeof *l->feat_off);
        put(w, l->part_off, (l->n_parts + 1) * sizeof *l->part_off);
        put(w, l->part_outer, l->n_parts);
        put(w, l->xy, l->n_coords * 2 * sizeof *l->xy);
        if (l->vtime)
            put(w, l->vtime, l->n_coords * sizeof *l->vtime);
        for (int i = 0; i < l->n_fields; i++) {
            const rm__column *c = &l->fields[i];
            put_str(w, c->name);
            put_u64(w, (uint64_t)c->type);
            put(w, c->valid, l->n_features);
            switch (c->type) {
            case RM_FIELD_INT:
            case RM_FIELD_DATETIME:
                put(w, c->ints, l->n_features * sizeof *c->ints);
                break;
            case RM_FIELD_REAL:
                put(w, c->reals, l->n_features * sizeof *c->reals);
                break;
            case RM_FIELD_BOOL:
                put(w, c->bools, l->n_features);
                break;
            case RM_FIELD_STRING:
                put(w, c->str_off, (l->n_features + 1) * sizeof *c->str_off);
                put_u64(w, c->str_len);
                put(w, c->str_data, c->str_len);
                break;
            }
        }
    }
}

static void encode(writer *w, const rm_layer *l) { encode_as(w, l, 1); }

uint64_t rm__layer_serialized_head_size(const rm_layer *l)
{
    writer w = {NULL, 0, NULL, NULL, 0};
    encode_as(&w, l, 0);
    return (uint64_t)w.len;
}

int rm__layer_serialize_head_to(const rm_layer *l, rm__layer_sink sink,
                                void *ud)
{
    if (l->type != RM_GEOM_RASTER)
        return RM_EINVAL;
    writer w = {NULL, 0, sink, ud, 0};
    encode_as(&w, l, 0);
    return w.failed ? RM_EIO_WRITE : RM_OK;
}

uint64_t rm__layer_serialized_size(const rm_layer *l)
{
    writer w = {NULL, 0, NULL, NULL, 0};
    encode(&w, l);
    return (uint64_t)w.len;
}

int rm__layer_serialize_to(const rm_layer *l, rm__layer_sink sink, void *ud)
{
    writer w = {NULL, 0, sink, ud, 0};
    encode(&w, l);
    return w.failed ? RM_EIO_WRITE : RM_OK;
}

int rm_layer_serialize(const rm_layer *l, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    uint64_t len = rm__layer_serialized_size(l);
    writer w = {malloc(len ? (size_t)len : 1), 0, NULL, NULL, 0};
    if (!w.buf)
        return RM_ENOMEM;
    encode(&w, l);
    *out = w.buf;
    *out_len = w.len;
    return RM_OK;
}

/* Where encoded bytes come from: memory at p, or a source. `left` is
 * what the input claims to hold; nothing may be read beyond it. */
typedef struct reader {
    const uint8_t *p;
    size_t left;
    rm__layer_source src;
    void *ud;
    int bad;
    int nomem; /* an allocation failed (the input may still be good) */
    char *slab; /* what is left of the layer's slab (layer_slab.c) */
    size_t slab_left;
} reader;

static int get(reader *r, void *dst, size_t n)
{
    if (r->bad || n > r->left) {
        r->bad = 1;
        return -1;
    }
    if (n && r->src) {
        if (r->src(r->ud, dst, n) != 0) {
            r->bad = 1;
            return -1;
        }
    } else if (n) {
        memcpy(dst, r->p, n);
        r->p += n;
    }
    r->left -= n;
    return 0;
}

static uint64_t get_u64(reader *r)
{
    uint64_t v = 0;
    get(r, &v, sizeof v);
    return v;
}

/* Slab room taken by an array beyond its bytes in the input: at most one
 * element when it has none (up to 16 bytes), then alignment. */
#define SLAB_EXTRA 32
#define SLAB_ALIGN 16

/* Give the layer one block for all its arrays, which are at most what is
 * left of the input plus SLAB_EXTRA each; without memory for it, each
 * array is allocated alone. */
static void make_slab(reader *r, rm_layer *l, uint64_t n_arrays)
{
    if (r->left > SIZE_MAX / 2 || n_arrays > SIZE_MAX / 2 / SLAB_EXTRA)
        return;
    size_t bytes = r->left + (size_t)n_arrays * SLAB_EXTRA;
    if (rm__layer_slab_create(l, bytes))
        return;
    r->slab = l->slab;
    r->slab_left = bytes;
}

/* Room for `bytes` in the slab, NULL when there is none. */
static void *slab_take(reader *r, size_t bytes)
{
    size_t room = (bytes + SLAB_ALIGN - 1) / SLAB_ALIGN * SLAB_ALIGN;
    if (!r->slab || room < bytes || room > r->slab_left)
        return NULL;
    void *a = r->slab;
    r->slab += room;
    r->slab_left -= room;
    return a;
}

/* Read `count` elements of `size` bytes into a new array (at least one
 * element allocated), in the slab when there is one; NULL and r->bad on
 * short input or overflow. */
static void *get_array(reader *r, uint64_t count, size_t size)
{
    if (r->bad || (size && count > r->left / size)) {
        r->bad = 1;
        return NULL;
    }
    size_t n = count ? (size_t)count : 1;
    void *a = slab_take(r, n * size);
    int own = !a;
    if (own && !(a = rm__alloc_big(n, size, 0)))
        r->nomem = 1;
    if (!a || get(r, a, (size_t)count * size)) {
        if (own)
            free(a);
        r->bad = 1;
        return NULL;
    }
    return a;
}

static char *get_str(reader *r)
{
    uint64_t n = get_u64(r);
    if (r->bad || n > r->left || n > 1u << 20) {
        r->bad = 1;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s || get(r, s, (size_t)n)) {
        free(s);
        r->bad = 1;
        return NULL;
    }
    s[n] = '\0';
    if (memchr(s, '\0', (size_t)n)) {
        free(s);
        r->bad = 1;
        return NULL;
    }
    return s;
}

static int offsets_ok(const int64_t *off, uint64_t n, uint64_t last)
{
    if (off[0] != 0 || (uint64_t)off[n] != last)
        return 0;
    for (uint64_t i = 0; i < n; i++)
        if (off[i + 1] < off[i])
            return 0;
    return 1;
}

static int read_column(reader *r, rm_layer *l, rm__column *c)
{
    uint64_t n = l->n_features;
    c->name = get_str(r);
    uint64_t type = get_u64(r);
    if (r->bad || !c->name || !*c->name || type < RM_FIELD_INT ||
        type > RM_FIELD_BOOL)
        return -1;
    c->type = (rm_field_type)type;
    if (!(c->valid = get_array(r, n, 1)))
        return -1;
    for (uint64_t i = 0; i < n; i++)
        if (c->valid[i] > 1)
            return -1;
    switch (c->type) {
    case RM_FIELD_INT:
    case RM_FIELD_DATETIME:
        return (c->ints = get_array(r, n, sizeof *c->ints)) ? 0 : -1;
    case RM_FIELD_REAL:
        return (c->reals = get_array(r, n, sizeof *c->reals)) ? 0 : -1;
    case RM_FIELD_BOOL:
        if (!(c->bools = get_array(r, n, 1)))
            return -1;
        for (uint64_t i = 0; i < n; i++)
            if (c->bools[i] > 1)
                return -1;
        return 0;
    case RM_FIELD_STRING:
        if (!(c->str_off = get_array(r, n + 1, sizeof *c->str_off)))
            return -1;
        c->str_len = (size_t)get_u64(r);
        if (r->bad || c->str_len > r->left ||
            !offsets_ok(c->str_off, n, c->str_len))
            return -1;
        if (!(c->str_data = get_array(r, c->str_len, 1)))
            return -1;
        c->str_cap = c->str_len;
        for (uint64_t i = 0; i < n; i++) {
            int64_t a = c->str_off[i], b = c->str_off[i + 1];
            if (c->valid[i] ? (b <= a || c->str_data[b - 1] != '\0')
                            : b != a)
                return -1;
        }
        return 0;
    }
    return -1;
}

static int read_vector(reader *r, rm_layer *l)
{
    uint64_t nf = get_u64(r), np = get_u64(r), nc = get_u64(r);
    uint64_t has_t = get_u64(r), nfields = get_u64(r);
    if (r->bad || nf > r->left / 8 || np > r->left / 8 ||
        nc > r->left / 16 || has_t > 1 || nfields > 10000)
        return -1;
    free(l->feat_off);
    free(l->part_off);
    l->feat_off = l->part_off = NULL;
    make_slab(r, l, 6 + 3 * nfields);
    l->fids = get_array(r, nf, sizeof *l->fids);
    l->feat_off = get_array(r, nf + 1, sizeof *l->feat_off);
    l->part_off = get_array(r, np + 1, sizeof *l->part_off);
    l->part_outer = get_array(r, np, 1);
    l->xy = get_array(r, nc, 2 * sizeof *l->xy);
    if (has_t)
        l->vtime = get_array(r, nc, sizeof *l->vtime);
    if (r->bad)
        return -1;
    l->n_features = l->cap_features = (size_t)nf;
    l->n_parts = l->cap_parts = (size_t)np;
    l->n_coords = l->cap_coords = (size_t)nc;
    if (!offsets_ok(l->feat_off, nf, np) || !offsets_ok(l->part_off, np, nc))
        return -1;
    for (uint64_t i = 0; i < np; i++)
        if (l->part_outer[i] > 1)
            return -1;
    if (nfields) {
        l->fields = calloc((size_t)nfields, sizeof *l->fields);
        if (!l->fields)
            return -1;
        l->cap_fields = (int)nfields;
    }
    for (uint64_t i = 0; i < nfields; i++) {
        l->n_fields = (int)i + 1;
        if (read_column(r, l, &l->fields[i]))
            return -1;
        for (uint64_t j = 0; j < i; j++)
            if (strcmp(l->fields[j].name, l->fields[i].name) == 0)
                return -1;
    }
    return 0;
}

/* Decode a layer; `head_only`: a raster without its cells. */
static int decode(rm_layer **out, reader r, int head_only)
{
    *out = NULL;
    char magic[sizeof MAGIC];
    if (get(&r, magic, sizeof magic) || memcmp(magic, MAGIC, sizeof MAGIC))
        return RM_EDATA_TYPE;
    uint64_t type = get_u64(&r);
    if (r.bad || !(type <= RM_GEOM_POLYGON || type == RM_GEOM_RASTER))
        return RM_EDATA_TYPE;
    rm_layer *l = calloc(1, sizeof *l);
    if (!l)
        return RM_ENOMEM;
    l->type = (rm_geom_type)type;
    l->feat_off = calloc(1, sizeof *l->feat_off);
    l->part_off = calloc(1, sizeof *l->part_off);
    l->name = get_str(&r);
    l->crs = get_str(&r);
    int bad = !l->feat_off || !l->part_off || !l->name || !l->crs;
    for (int i = 0; i < RM_ROLE_COUNT; i++) {
        /* -1 or a field index, checked below; a value an int cannot
         * hold is refused here rather than cut to one that passes. */
        int64_t v = (int64_t)get_u64(&r);
        if (v < -1 || v > INT32_MAX)
            bad = 1;
        l->roles[i] = v < -1 || v > INT32_MAX ? -1 : (int)v;
    }
    if (type == RM_GEOM_RASTER) {
        uint64_t w = get_u64(&r), h = get_u64(&r);
        get(&r, l->gt, sizeof l->gt);
        if (r.bad || w == 0 || h == 0 || w > INT32_MAX || h > INT32_MAX ||
            (!head_only && w > r.left / 8 / h))
            bad = 1;
        else {
            l->width = (int)w;
            l->height = (int)h;
            if (!head_only)
                l->cells = get_array(&r, w * h, sizeof *l->cells);
        }
    } else if (head_only) {
        bad = 1;
    } else if (!bad) {
        bad = read_vector(&r, l) != 0;
    }
    for (int i = 0; i < RM_ROLE_COUNT; i++)
        if (l->roles[i] < -1 || l->roles[i] >= l->n_fields)
            bad = 1;
    if (bad || r.bad || r.left != 0) {
        rm_layer_destroy(l);
        return r.nomem ? RM_ENOMEM : RM_EDATA_TYPE;
    }
    *out = l;
    return RM_OK;
}

int rm_layer_deserialize(rm_layer **out, const uint8_t *buf, size_t len)
{
    reader r = {buf, len, NULL, NULL, 0, 0, NULL, 0};
    return decode(out, r, 0);
}

static int decode_from(rm_layer **out, uint64_t len, rm__layer_source src,
                       void *ud, int head_only)
{
    *out = NULL;
    if (len > SIZE_MAX)
        return RM_EDATA_TYPE;
    reader r = {NULL, (size_t)len, src, ud, 0, 0, NULL, 0};
    return decode(out, r, head_only);
}

int rm__layer_deserialize_from(rm_layer **out, uint64_t len,
                               rm__layer_source src, void *ud)
{
    return decode_from(out, len, src, ud, 0);
}

int rm__layer_deserialize_head_from(rm_layer **out, uint64_t len,
                                    rm__layer_source src, void *ud)
{
    return decode_from(out, len, src, ud, 1);
}

int rm_layer_clone(rm_layer **out, const rm_layer *layer)
{
    uint8_t *buf;
    size_t len;
    *out = NULL;
    int rc = rm_layer_serialize(layer, &buf, &len);
    if (rc)
        return rc;
    rc = rm_layer_deserialize(out, buf, len);
    free(buf);
    return rc == RM_EDATA_TYPE ? RM_EINTERNAL : rc;
}
