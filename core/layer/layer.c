/*
 * rm_layer: creation, the per-feature builder and the read accessors of the
 * columnar layer. Arrays grow by doubling; every column always has exactly
 * n_features rows, NULL (valid = 0) until set. A layer of single points
 * read in bulk writes its offset arrays only when something asks for them.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "layer_internal.h"
#include "util/util.h"

static void init_common(rm_layer *l, rm_geom_type type)
{
    l->type = type;
    for (int r = 0; r < RM_ROLE_COUNT; r++)
        l->roles[r] = -1;
}

int rm_layer_create(rm_layer **out, const char *name, rm_geom_type type)
{
    *out = NULL;
    if (type != RM_GEOM_NONE && type != RM_GEOM_POINT &&
        type != RM_GEOM_LINE && type != RM_GEOM_POLYGON)
        return RM_EINVAL;
    rm_layer *l = calloc(1, sizeof *l);
    if (!l)
        return RM_ENOMEM;
    init_common(l, type);
    l->name = rm__strdup(name ? name : "");
    l->crs = rm__strdup("");
    l->feat_off = calloc(1, sizeof *l->feat_off);
    l->part_off = calloc(1, sizeof *l->part_off);
    if (!l->name || !l->crs || !l->feat_off || !l->part_off) {
        rm_layer_destroy(l);
        return RM_ENOMEM;
    }
    *out = l;
    return RM_OK;
}

int rm__layer_create_raster_on(rm_layer **out, const char *name,
                               int width, int height,
                               const double geotransform[6], double *cells,
                               size_t mapped)
{
    *out = NULL;
    if (width <= 0 || height <= 0 || !geotransform)
        return RM_EINVAL;
    rm_layer *l;
    int rc = rm_layer_create(&l, name, RM_GEOM_NONE);
    if (rc)
        return rc;
    l->type = RM_GEOM_RASTER;
    l->width = width;
    l->height = height;
    memcpy(l->gt, geotransform, sizeof l->gt);
    l->cells = cells;
    l->cells_mapped = mapped;
    *out = l;
    return RM_OK;
}

int rm_layer_create_raster(rm_layer **out, const char *name, int width,
                           int height, const double geotransform[6])
{
    *out = NULL;
    if (width <= 0 || height <= 0 || !geotransform)
        return RM_EINVAL;
    size_t n = (size_t)width * (size_t)height;
    double *cells = rm__alloc_big(n, sizeof *cells, 0);
    if (!cells)
        return RM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        cells[i] = NAN;
    int rc = rm__layer_create_raster_on(out, name, width, height,
                                        geotransform, cells, 0);
    if (rc)
        free(cells);
    return rc;
}

static void free_column(rm__column *c)
{
    free(c->name);
    free(c->ints);
    free(c->reals);
    free(c->bools);
    free(c->str_off);
    free(c->str_data);
    free(c->valid);
}

void rm_layer_destroy(rm_layer *l)
{
    if (!l)
        return;
    rm__layer_slab_drop(l);
    for (int i = 0; i < l->n_fields; i++)
        free_column(&l->fields[i]);
    free(l->fields);
    free(l->name);
    free(l->crs);
    free(l->fids);
    free(l->feat_off);
    free(l->part_off);
    free(l->part_outer);
    free(l->xy);
    free(l->vtime);
    if (l->cells_mapped)
        munmap(l->cells, l->cells_mapped);
    else
        free(l->cells);
    free(l);
}

static int set_string_member(char **member, const char *value)
{
    char *copy = rm__strdup(value ? value : "");
    if (!copy)
        return RM_ENOMEM;
    free(*member);
    *member = copy;
    return RM_OK;
}

int rm_layer_set_crs(rm_layer *l, const char *crs)
{
    return set_string_member(&l->crs, crs);
}

int rm_layer_set_name(rm_layer *l, const char *name)
{
    return set_string_member(&l->name, name);
}

/* ---- capacity ---------------------------------------------------------- */

static int column_reserve(rm__column *c, size_t old_cap, size_t cap)
{
    void *p;
    switch (c->type) {
    case RM_FIELD_INT:
    case RM_FIELD_DATETIME:
        if (!(p = rm__realloc_big(c->ints, old_cap, cap, sizeof *c->ints)))
            return RM_ENOMEM;
        c->ints = p;
        memset(c->ints + old_cap, 0, (cap - old_cap) * sizeof *c->ints);
        break;
    case RM_FIELD_REAL:
        if (!(p = rm__realloc_big(c->reals, old_cap, cap, sizeof *c->reals)))
            return RM_ENOMEM;
        c->reals = p;
        for (size_t i = old_cap; i < cap; i++)
            c->reals[i] = NAN;
        break;
    case RM_FIELD_BOOL:
        if (!(p = rm__realloc_big(c->bools, old_cap, cap, 1)))
            return RM_ENOMEM;
        c->bools = p;
        memset(c->bools + old_cap, 0, cap - old_cap);
        break;
    case RM_FIELD_STRING:
        if (!(p = rm__realloc_big(c->str_off, old_cap + 1, cap + 1,
                                   sizeof *c->str_off)))
            return RM_ENOMEM;
        c->str_off = p;
        break;
    }
    if (!(p = rm__realloc_big(c->valid, old_cap, cap, 1)))
        return RM_ENOMEM;
    c->valid = p;
    memset(c->valid + old_cap, 0, cap - old_cap);
    return RM_OK;
}

/* One lock for all layers: the identity is written once per layer. */
static pthread_mutex_t points_lock = PTHREAD_MUTEX_INITIALIZER;

void rm__layer_points_write(const rm_layer *cl)
{
    rm_layer *l = (rm_layer *)cl;
    if (!atomic_load_explicit(&l->lazy_points, memory_order_acquire))
        return;
    pthread_mutex_lock(&points_lock);
    if (atomic_load_explicit(&l->lazy_points, memory_order_relaxed)) {
        for (size_t i = 0; i <= l->n_features; i++)
            l->feat_off[i] = (int64_t)i;
        for (size_t i = 0; i <= l->n_parts; i++)
            l->part_off[i] = (int64_t)i;
        memset(l->part_outer, 1, l->n_parts);
        atomic_store_explicit(&l->lazy_points, 0, memory_order_release);
    }
    pthread_mutex_unlock(&points_lock);
}

static int reserve_features(rm_layer *l, size_t need)
{
    if (need <= l->cap_features)
        return RM_OK;
    rm__layer_points_write(l); /* before the arrays move */
    if (rm__layer_unslab(l))
        return RM_ENOMEM;
    size_t cap = l->cap_features ? l->cap_features : 64;
    while (cap < need)
        cap *= 2;
    void *p;
    if (!(p = rm__realloc_big(l->fids, l->cap_features, cap,
                                 sizeof *l->fids)))
        return RM_ENOMEM;
    l->fids = p;
    if (!(p = rm__realloc_big(l->feat_off, l->cap_features + 1, cap + 1,
                                 sizeof *l->feat_off)))
        return RM_ENOMEM;
    l->feat_off = p;
    for (int i = 0; i < l->n_fields; i++)
        if (column_reserve(&l->fields[i], l->cap_features, cap))
            return RM_ENOMEM;
    l->cap_features = cap;
    return RM_OK;
}

static int reserve_parts(rm_layer *l, size_t need)
{
    if (need <= l->cap_parts)
        return RM_OK;
    rm__layer_points_write(l);
    if (rm__layer_unslab(l))
        return RM_ENOMEM;
    size_t cap = l->cap_parts ? l->cap_parts : 64;
    while (cap < need)
        cap *= 2;
    void *p;
    if (!(p = rm__realloc_big(l->part_off, l->cap_parts + 1, cap + 1,
                                 sizeof *l->part_off)))
        return RM_ENOMEM;
    l->part_off = p;
    if (!(p = rm__realloc_big(l->part_outer, l->cap_parts, cap, 1)))
        return RM_ENOMEM;
    l->part_outer = p;
    l->cap_parts = cap;
    return RM_OK;
}

static int reserve_coords(rm_layer *l, size_t need)
{
    if (need <= l->cap_coords)
        return RM_OK;
    if (rm__layer_unslab(l))
        return RM_ENOMEM;
    size_t cap = l->cap_coords ? l->cap_coords : 256;
    while (cap < need)
        cap *= 2;
    void *p;
    if (!(p = rm__realloc_big(l->xy, l->cap_coords, cap,
                                 2 * sizeof *l->xy)))
        return RM_ENOMEM;
    l->xy = p;
    if (l->vtime) {
        if (!(p = rm__realloc_big(l->vtime, l->cap_coords, cap,
                                     sizeof *l->vtime)))
            return RM_ENOMEM;
        l->vtime = p;
    }
    l->cap_coords = cap;
    return RM_OK;
}

int rm__layer_reserve(rm_layer *l, size_t n_features, size_t n_parts,
                      size_t n_coords)
{
    if (reserve_features(l, n_features) || reserve_parts(l, n_parts) ||
        reserve_coords(l, n_coords))
        return RM_ENOMEM;
    return RM_OK;
}

/* ---- building ---------------------------------------------------------- */

int rm_layer_add_field(rm_layer *l, const char *name, rm_field_type type)
{
    if (!name || !*name || type < RM_FIELD_INT || type > RM_FIELD_BOOL ||
        l->type == RM_GEOM_RASTER)
        return RM_EINVAL;
    if (rm_layer_field_index(l, name) >= 0)
        return RM_EINVAL;
    if (l->n_fields == l->cap_fields) {
        int cap = l->cap_fields ? l->cap_fields * 2 : 8;
        void *p = rm_reallocarray(l->fields, (size_t)cap, sizeof *l->fields);
        if (!p)
            return RM_ENOMEM;
        l->fields = p;
        l->cap_fields = cap;
    }
    rm__column *c = &l->fields[l->n_fields];
    memset(c, 0, sizeof *c);
    c->type = type;
    c->name = rm__strdup(name);
    if (!c->name || column_reserve(c, 0, l->cap_features)) {
        free_column(c);
        return RM_ENOMEM;
    }
    if (type == RM_FIELD_STRING)
        for (size_t i = 0; i <= l->n_features; i++)
            c->str_off[i] = 0;
    return l->n_fields++;
}

int64_t rm_layer_begin_feature(rm_layer *l, int64_t fid)
{
    if (l->type == RM_GEOM_RASTER)
        return RM_EINVAL;
    rm__layer_points_write(l);
    if (reserve_features(l, l->n_features + 1))
        return RM_ENOMEM;
    size_t row = l->n_features;
    l->fids[row] = fid;
    l->feat_off[row + 1] = (int64_t)l->n_parts;
    for (int i = 0; i < l->n_fields; i++) {
        rm__column *c = &l->fields[i];
        c->valid[row] = 0;
        if (c->type == RM_FIELD_STRING)
            c->str_off[row + 1] = (int64_t)c->str_len;
    }
    l->n_features++;
    return (int64_t)row;
}

int rm_layer_add_part(rm_layer *l, const double *xy, size_t n,
                      const double *times, int outer)
{
    if (l->n_features == 0 || l->type == RM_GEOM_NONE ||
        l->type == RM_GEOM_RASTER || (n > 0 && !xy))
        return RM_EINVAL;
    rm__layer_points_write(l);
    if (reserve_parts(l, l->n_parts + 1) ||
        reserve_coords(l, l->n_coords + n))
        return RM_ENOMEM;
    if (times && !l->vtime) {
        l->vtime = rm__alloc_big(l->cap_coords, sizeof *l->vtime, 0);
        if (!l->vtime)
            return RM_ENOMEM;
        for (size_t i = 0; i < l->n_coords; i++)
            l->vtime[i] = NAN;
    }
    if (n > 0)
        memcpy(l->xy + 2 * l->n_coords, xy, n * 2 * sizeof *xy);
    if (l->vtime) {
        for (size_t i = 0; i < n; i++)
            l->vtime[l->n_coords + i] = times ? times[i] : NAN;
    }
    l->part_outer[l->n_parts] = l->type == RM_GEOM_POLYGON ? (outer != 0) : 1;
    l->n_coords += n;
    l->n_parts++;
    l->part_off[l->n_parts] = (int64_t)l->n_coords;
    l->feat_off[l->n_features] = (int64_t)l->n_parts;
    return RM_OK;
}

static rm__column *settable(rm_layer *l, int field, int want_a,
                            int want_b)
{
    if (l->n_features == 0 || field < 0 || field >= l->n_fields)
        return NULL;
    rm__column *c = &l->fields[field];
    if ((int)c->type != want_a && (int)c->type != want_b)
        return NULL;
    return c;
}

int rm_layer_set_int(rm_layer *l, int field, int64_t value)
{
    rm__column *c = settable(l, field, RM_FIELD_INT, RM_FIELD_DATETIME);
    if (!c)
        return RM_EINVAL;
    c->ints[l->n_features - 1] = value;
    c->valid[l->n_features - 1] = 1;
    return RM_OK;
}

int rm_layer_set_datetime(rm_layer *l, int field, int64_t ms)
{
    return rm_layer_set_int(l, field, ms);
}

int rm_layer_set_real(rm_layer *l, int field, double value)
{
    rm__column *c = settable(l, field, RM_FIELD_REAL, RM_FIELD_REAL);
    if (!c)
        return RM_EINVAL;
    c->reals[l->n_features - 1] = value;
    c->valid[l->n_features - 1] = !isnan(value);
    return RM_OK;
}

int rm_layer_set_bool(rm_layer *l, int field, int value)
{
    rm__column *c = settable(l, field, RM_FIELD_BOOL, RM_FIELD_BOOL);
    if (!c)
        return RM_EINVAL;
    c->bools[l->n_features - 1] = value != 0;
    c->valid[l->n_features - 1] = 1;
    return RM_OK;
}

int rm_layer_set_string(rm_layer *l, int field, const char *value)
{
    rm__column *c = settable(l, field, RM_FIELD_STRING, RM_FIELD_STRING);
    if (!c)
        return RM_EINVAL;
    size_t row = l->n_features - 1;
    /* Replace an earlier value of this row: the row is the last one, so
     * its bytes are at the end of the buffer. */
    c->str_len = (size_t)c->str_off[row];
    if (value) {
        size_t n = strlen(value) + 1;
        if (c->str_len + n > c->str_cap && rm__layer_unslab(l))
            return RM_ENOMEM;
        if (rm__grow((void **)&c->str_data, &c->str_cap, c->str_len + n, 1))
            return RM_ENOMEM;
        memcpy(c->str_data + c->str_len, value, n);
        c->str_len += n;
    }
    c->str_off[row + 1] = (int64_t)c->str_len;
    c->valid[row] = value != NULL;
    return RM_OK;
}

int rm_layer_set_role(rm_layer *l, rm_role role, int field)
{
    if ((int)role < 0 || role >= RM_ROLE_COUNT || field < -1 ||
        field >= l->n_fields)
        return RM_EINVAL;
    l->roles[role] = field;
    return RM_OK;
}

/* ---- reading ----------------------------------------------------------- */

const char *rm_layer_name(const rm_layer *l) { return l->name; }
rm_geom_type rm_layer_geom_type(const rm_layer *l) { return l->type; }
const char *rm_layer_crs(const rm_layer *l) { return l->crs; }
size_t rm_layer_feature_count(const rm_layer *l) { return l->n_features; }
size_t rm_layer_part_count(const rm_layer *l) { return l->n_parts; }
size_t rm_layer_coord_count(const rm_layer *l) { return l->n_coords; }
const int64_t *rm_layer_fids(const rm_layer *l) { return l->fids; }
const int64_t *rm_layer_feature_offsets(const rm_layer *l)
{
    rm__layer_points_write(l);
    return l->feat_off;
}
const int64_t *rm_layer_part_offsets(const rm_layer *l)
{
    rm__layer_points_write(l);
    return l->part_off;
}
const uint8_t *rm_layer_part_outer(const rm_layer *l)
{
    rm__layer_points_write(l);
    return l->part_outer;
}
const double *rm_layer_xy(const rm_layer *l) { return l->xy; }
const double *rm_layer_vertex_times(const rm_layer *l) { return l->vtime; }

rm_bbox rm_layer_extent(const rm_layer *l)
{
    rm_bbox b = {NAN, NAN, NAN, NAN};
    if (l->type == RM_GEOM_RASTER) {
        double x0 = l->gt[0], y0 = l->gt[3];
        double x1 = x0 + l->width * l->gt[1] + l->height * l->gt[2];
        double y1 = y0 + l->width * l->gt[4] + l->height * l->gt[5];
        b.minx = fmin(x0, x1);
        b.maxx = fmax(x0, x1);
        b.miny = fmin(y0, y1);
        b.maxy = fmax(y0, y1);
        return b;
    }
    for (size_t i = 0; i < l->n_coords; i++) {
        double x = l->xy[2 * i], y = l->xy[2 * i + 1];
        if (i == 0 || x < b.minx)
            b.minx = x;
        if (i == 0 || x > b.maxx)
            b.maxx = x;
        if (i == 0 || y < b.miny)
            b.miny = y;
        if (i == 0 || y > b.maxy)
            b.maxy = y;
    }
    return b;
}

int rm_layer_field_count(const rm_layer *l) { return l->n_fields; }

static const rm__column *column(const rm_layer *l, int field)
{
    return field >= 0 && field < l->n_fields ? &l->fields[field] : NULL;
}

const char *rm_layer_field_name(const rm_layer *l, int field)
{
    const rm__column *c = column(l, field);
    return c ? c->name : NULL;
}

rm_field_type rm_layer_field_type(const rm_layer *l, int field)
{
    const rm__column *c = column(l, field);
    return c ? c->type : (rm_field_type)0;
}

int rm_layer_field_index(const rm_layer *l, const char *name)
{
    for (int i = 0; name && i < l->n_fields; i++)
        if (strcmp(l->fields[i].name, name) == 0)
            return i;
    return -1;
}

int rm_layer_role_field(const rm_layer *l, rm_role role)
{
    return (int)role >= 0 && role < RM_ROLE_COUNT ? l->roles[role] : -1;
}

const int64_t *rm_layer_field_ints(const rm_layer *l, int field)
{
    const rm__column *c = column(l, field);
    return c ? c->ints : NULL;
}

const double *rm_layer_field_reals(const rm_layer *l, int field)
{
    const rm__column *c = column(l, field);
    return c ? c->reals : NULL;
}

const uint8_t *rm_layer_field_bools(const rm_layer *l, int field)
{
    const rm__column *c = column(l, field);
    return c ? c->bools : NULL;
}

const char *rm_layer_field_string(const rm_layer *l, int field, size_t row)
{
    const rm__column *c = column(l, field);
    if (!c || c->type != RM_FIELD_STRING || row >= l->n_features ||
        !c->valid[row])
        return NULL;
    return c->str_data + c->str_off[row];
}

int rm_layer_field_is_null(const rm_layer *l, int field, size_t row)
{
    const rm__column *c = column(l, field);
    return !c || row >= l->n_features || !c->valid[row];
}

double rm_layer_field_as_real(const rm_layer *l, int field, size_t row)
{
    const rm__column *c = column(l, field);
    if (!c || row >= l->n_features || !c->valid[row])
        return NAN;
    double v;
    switch (c->type) {
    case RM_FIELD_INT:
    case RM_FIELD_DATETIME:
        return (double)c->ints[row];
    case RM_FIELD_REAL:
        return c->reals[row];
    case RM_FIELD_BOOL:
        return c->bools[row];
    case RM_FIELD_STRING:
        return rm__parse_double(c->str_data + c->str_off[row], &v) ? NAN
                                                                   : v;
    }
    return NAN;
}

int rm_layer_raster_width(const rm_layer *l) { return l->width; }
int rm_layer_raster_height(const rm_layer *l) { return l->height; }
const double *rm_layer_raster_geotransform(const rm_layer *l)
{
    return l->type == RM_GEOM_RASTER ? l->gt : NULL;
}
double *rm_layer_raster_data(rm_layer *l) { return l->cells; }
const double *rm_layer_raster_cdata(const rm_layer *l) { return l->cells; }
