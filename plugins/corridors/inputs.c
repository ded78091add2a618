/*
 * Reading the host's layers for a corridors run: the working grid chosen
 * from the parameters, vector features turned into grid cells (sources,
 * destinations, modifier masks), and the labels that name features in
 * attributes. Only the api table is used; coordinates are already in the
 * analysis CRS.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

void cr_cellset_free(cr_cellset *s)
{
    free(s->cell);
    free(s->feat);
    memset(s, 0, sizeof *s);
}

typedef struct collect {
    cr_cellset *s;
    uint32_t feat;
    uint8_t *flags;
    uint8_t bit;
} collect;

static int add_cell(void *ud, size_t cell)
{
    collect *k = ud;
    if (k->flags) {
        k->flags[cell] |= k->bit;
        return 0;
    }
    cr_cellset *s = k->s;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        uint32_t *c = realloc(s->cell, cap * sizeof *c);
        if (!c)
            return -1;
        s->cell = c;
        uint32_t *f = realloc(s->feat, cap * sizeof *f);
        if (!f)
            return -1;
        s->feat = f;
        s->cap = cap;
    }
    s->cell[s->n] = (uint32_t)cell;
    s->feat[s->n] = k->feat;
    s->n++;
    return 0;
}

/* Visit the cells of every feature of `l`. */
static int layer_visit(cr_run *R, const rm_layer *l, int outline,
                       collect *k)
{
    const rm_host_api *api = R->api;
    rm_geom_type t = api->layer_geom_type(l);
    size_t nf = api->layer_feature_count(l);
    const int64_t *fo = api->layer_feature_offsets(l);
    const int64_t *po = api->layer_part_offsets(l);
    const double *xy = api->layer_xy(l);
    int rc = 0;
    for (size_t f = 0; rc == 0 && f < nf; f++) {
        k->feat = (uint32_t)f;
        int64_t p0 = fo[f], p1 = fo[f + 1];
        if (t == RM_GEOM_POLYGON && !outline && p1 > p0) {
            rc = cr_raster_polygon(&R->g, xy, po + p0, (size_t)(p1 - p0),
                                   add_cell, k);
            continue;
        }
        for (int64_t p = p0; rc == 0 && p < p1; p++) {
            int64_t a = po[p], b = po[p + 1];
            if (b - a == 1 || t == RM_GEOM_POINT) {
                for (int64_t v = a; rc == 0 && v < b; v++) {
                    int64_t c = cr_grid_cell(&R->g, xy[2 * v],
                                             xy[2 * v + 1]);
                    if (c >= 0)
                        rc = add_cell(k, (size_t)c);
                }
                continue;
            }
            for (int64_t v = a; rc == 0 && v + 1 < b; v++)
                rc = cr_raster_segment(&R->g, xy[2 * v], xy[2 * v + 1],
                                       xy[2 * v + 2], xy[2 * v + 3],
                                       add_cell, k);
        }
    }
    return rc;
}

int cr_layer_cells(cr_run *R, const rm_layer *l, cr_cellset *out)
{
    collect k = {out, 0, NULL, 0};
    if (layer_visit(R, l, 0, &k))
        return cr_nomem(R, "the cells of a layer");
    return RM_OK;
}

int cr_layer_flag(cr_run *R, const rm_layer *l, uint8_t bit, int outline)
{
    collect k = {NULL, 0, R->flags, bit};
    if (layer_visit(R, l, outline, &k))
        return cr_nomem(R, "rasterising a layer");
    return RM_OK;
}

static int field_named(const rm_host_api *api, const rm_layer *l,
                       const char *name)
{
    int i = api->layer_field_index(l, name);
    return i >= 0 && api->layer_field_type(l, i) == RM_FIELD_STRING ? i : -1;
}

static const char *text_of(const rm_host_api *api, const rm_layer *l,
                           int field, size_t row, char *buf, size_t size)
{
    if (field < 0 || api->layer_field_is_null(l, field, row))
        return NULL;
    switch (api->layer_field_type(l, field)) {
    case RM_FIELD_STRING: {
        const char *s = api->layer_field_string(l, field, row);
        return s && *s ? s : NULL;
    }
    case RM_FIELD_INT:
    case RM_FIELD_DATETIME:
        snprintf(buf, size, "%lld",
                 (long long)api->layer_field_ints(l, field)[row]);
        return buf;
    default:
        snprintf(buf, size, "%g", api->layer_field_as_real(l, field, row));
        return buf;
    }
}

const char *cr_feature_label(const rm_host_api *api, const rm_layer *l,
                             size_t row, const char *field, char *buf,
                             size_t size)
{
    const char *s = NULL;
    if (field)
        s = text_of(api, l, api->layer_field_index(l, field), row, buf,
                    size);
    if (!s)
        s = text_of(api, l, field_named(api, l, "name"), row, buf, size);
    if (!s) {
        char a[128], b[128];
        const char *sa = text_of(api, l, field_named(api, l, "name_a"),
                                 row, a, sizeof a);
        const char *sb = text_of(api, l, field_named(api, l, "name_b"),
                                 row, b, sizeof b);
        if (sa && sb) {
            snprintf(buf, size, "%s-%s", sa, sb);
            s = buf;
        }
    }
    if (!s)
        s = text_of(api, l, api->layer_role_field(l, RM_ROLE_ID), row, buf,
                    size);
    if (s && s != buf) {
        snprintf(buf, size, "%s", s);
        s = buf;
    }
    if (!s) {
        snprintf(buf, size, "fid %lld",
                 (long long)api->layer_fids(l)[row]);
        s = buf;
    }
    return s;
}

static void grow_box(double box[4], rm_bbox b)
{
    if (!(b.minx <= b.maxx) || !(b.miny <= b.maxy))
        return;
    box[0] = fmin(box[0], b.minx);
    box[1] = fmin(box[1], b.miny);
    box[2] = fmax(box[2], b.maxx);
    box[3] = fmax(box[3], b.maxy);
}

int cr_choose_grid(cr_run *R)
{
    const rm_host_api *api = R->api;
    rm_step *st = R->step;
    const rm_layer *ras = api->param_layer(st, "friction");
    const char *ras_name = "friction";
    if (!ras) {
        ras = api->param_layer(st, "elevation");
        ras_name = "elevation";
    }
    int res_set = api->param_is_set(st, "resolution_m");
    double res = res_set ? api->param_real(st, "resolution_m") : NAN;
    if (res_set && !(res > 0))
        return api->fail(st, RM_EPLUGIN_PARAM,
                         "resolution_m must be above 0 m; write e.g. "
                         "'resolution_m: 500 m'");
    double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    if (ras) {
        int w = api->raster_width(ras), h = api->raster_height(ras);
        const double *gt = api->raster_geotransform(ras);
        if (!res_set && cr_grid_from_raster(&R->g, w, h, gt)) {
            snprintf(R->grid_how, sizeof R->grid_how,
                     "the %s raster's own %d x %d cells of %g m", ras_name,
                     w, h, gt[1]);
            return RM_OK;
        }
        if (!res_set)
            res = sqrt(fabs(gt[1] * gt[5] - gt[2] * gt[4]));
        for (int k = 0; k < 4; k++) {
            double p = (k & 1) ? w : 0, l = (k & 2) ? h : 0;
            rm_bbox b = {gt[0] + p * gt[1] + l * gt[2],
                         gt[3] + p * gt[4] + l * gt[5], 0, 0};
            b.maxx = b.minx;
            b.maxy = b.miny;
            grow_box(box, b);
        }
        snprintf(R->grid_how, sizeof R->grid_how,
                 "%g m cells over the %s raster", res, ras_name);
    } else {
        if (!res_set)
            res = 1000;
        rm_bbox area = api->analysis_area(st);
        if (area.minx <= area.maxx && area.miny <= area.maxy) {
            grow_box(box, area);
            snprintf(R->grid_how, sizeof R->grid_how,
                     "%g m cells over the briefing area", res);
        } else {
            static const char *const NAMES[] = {"origins", "destinations",
                                                "tracks"};
            for (int i = 0; i < 3; i++) {
                const rm_layer *l = api->param_layer(st, NAMES[i]);
                if (l)
                    grow_box(box, api->layer_extent(l));
            }
            double m = api->param_real(st, "margin_km") * 1000;
            box[0] -= m;
            box[1] -= m;
            box[2] += m;
            box[3] += m;
            snprintf(R->grid_how, sizeof R->grid_how,
                     "%g m cells over the inputs plus %g km", res,
                     m / 1000);
        }
    }
    if (!(box[0] <= box[2]))
        return api->fail(st, RM_EPLUGIN_PARAM,
                         "cannot place the grid: give a friction or "
                         "elevation raster, or origins and destinations "
                         "(tracks for the observed method) with features");
    if (cr_grid_cover(&R->g, box, res) != 0)
        return api->fail(st, RM_EPLUGIN_PARAM,
                         "a grid of %g m cells over %.0f x %.0f m would "
                         "exceed %zu cells; set a coarser resolution_m",
                         res, box[2] - box[0], box[3] - box[1],
                         CR_MAX_CELLS);
    return RM_OK;
}
