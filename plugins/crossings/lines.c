/*
 * Preparation of the lines a track may cross: every part of every feature
 * becomes a line (a polygon's rings, a multi-line's parts), with repeated
 * vertices removed, consecutive parts of one line feature that meet end to
 * start joined, rings closed, and chainage measured along each feature.
 * What stays true: every line has at least two distinct vertices.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crossings_internal.h"
#include "routemap/errors.h"

static int same_pt(const double *a, const double *b)
{
    return a[0] == b[0] && a[1] == b[1];
}

void crossings_lines_free(crossings_lines *l)
{
    if (!l)
        return;
    free(l->xy);
    free(l->cum);
    free(l->vline);
    free(l->start);
    free(l->closed);
    free(l->flip);
    free(l->feature);
    free(l->part);
    free(l->offset);
    free(l->length);
    memset(l, 0, sizeof *l);
}

size_t crossings_lines_canon(const crossings_lines *l, size_t g)
{
    size_t line = l->vline[g];
    if (l->closed[line] && g + 1 == l->start[line + 1])
        return l->start[line];
    return g;
}

static void *alloc_array(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    if (size && n > SIZE_MAX / size)
        return NULL;
    return malloc(n * size);
}

typedef struct builder {
    crossings_lines *l;
    size_t cur_start; /* first vertex of the open line */
    int open;         /* a line is being built */
    size_t cur_feature;
} builder;

/* Close the line being built: keep it if it has two distinct vertices. */
static void finish_line(builder *b, int polygon)
{
    crossings_lines *l = b->l;
    if (!b->open)
        return;
    b->open = 0;
    size_t n = l->n_verts - b->cur_start;
    if (n < 2) {
        l->n_verts = b->cur_start;
        l->n_dropped++;
        return;
    }
    double *first = l->xy + 2 * b->cur_start;
    if (polygon && !same_pt(first, l->xy + 2 * (l->n_verts - 1))) {
        l->xy[2 * l->n_verts] = first[0];
        l->xy[2 * l->n_verts + 1] = first[1];
        l->n_verts++;
        n++;
    }
    size_t line = l->n_lines++;
    l->start[line] = b->cur_start;
    l->start[line + 1] = l->n_verts;
    l->feature[line] = b->cur_feature;
    l->closed[line] =
        n >= 4 && same_pt(first, l->xy + 2 * (l->n_verts - 1));
}

/* Append a vertex to the open line unless it repeats the last one. */
static void push_vertex(builder *b, const double *p)
{
    crossings_lines *l = b->l;
    if (l->n_verts > b->cur_start &&
        same_pt(l->xy + 2 * (l->n_verts - 1), p))
        return;
    l->xy[2 * l->n_verts] = p[0];
    l->xy[2 * l->n_verts + 1] = p[1];
    l->n_verts++;
}

static void start_line(builder *b, size_t feature)
{
    b->open = 1;
    b->cur_start = b->l->n_verts;
    b->cur_feature = feature;
}

/* Measure the lines: chainage, lengths, ring orientation, parts. */
static void measure(crossings_lines *l)
{
    size_t prev_feature = SIZE_MAX;
    int part = 0;
    double feature_len = 0.0;
    for (size_t line = 0; line < l->n_lines; line++) {
        size_t s = l->start[line], e = l->start[line + 1];
        double c = 0.0, area2 = 0.0;
        for (size_t g = s; g < e; g++) {
            l->vline[g] = (uint32_t)line;
            if (g > s) {
                const double *p = l->xy + 2 * (g - 1), *q = l->xy + 2 * g;
                c += hypot(q[0] - p[0], q[1] - p[1]);
                area2 += (p[0] - l->xy[2 * s]) * (q[1] - l->xy[2 * s + 1]) -
                         (q[0] - l->xy[2 * s]) * (p[1] - l->xy[2 * s + 1]);
            }
            l->cum[g] = c;
        }
        l->length[line] = c;
        l->flip[line] = (l->closed[line] && area2 < 0.0) ? -1 : 1;
        if (l->feature[line] != prev_feature) {
            prev_feature = l->feature[line];
            part = 0;
            feature_len = 0.0;
        }
        l->part[line] = part++;
        l->offset[line] = feature_len;
        feature_len += c;
    }
}

int crossings_lines_build(crossings_lines *out, const rm_host_api *api,
                          const rm_layer *layer)
{
    memset(out, 0, sizeof *out);
    crossings_lines *l = out;
    int polygon = api->layer_geom_type(layer) == RM_GEOM_POLYGON;
    size_t nf = api->layer_feature_count(layer);
    size_t np = api->layer_part_count(layer);
    size_t nc = api->layer_coord_count(layer);
    const int64_t *fo = api->layer_feature_offsets(layer);
    const int64_t *po = api->layer_part_offsets(layer);
    const double *xy = api->layer_xy(layer);
    size_t cap_v = nc + np + 1;
    size_t cap_l = nc / 2 + np + 1;

    l->n_features = nf;
    l->xy = alloc_array(cap_v, 2 * sizeof *l->xy);
    l->cum = alloc_array(cap_v, sizeof *l->cum);
    l->vline = alloc_array(cap_v, sizeof *l->vline);
    l->start = alloc_array(cap_l + 1, sizeof *l->start);
    l->closed = alloc_array(cap_l, sizeof *l->closed);
    l->flip = alloc_array(cap_l, sizeof *l->flip);
    l->feature = alloc_array(cap_l, sizeof *l->feature);
    l->part = alloc_array(cap_l, sizeof *l->part);
    l->offset = alloc_array(cap_l, sizeof *l->offset);
    l->length = alloc_array(cap_l, sizeof *l->length);
    if (!l->xy || !l->cum || !l->vline || !l->start || !l->closed ||
        !l->flip || !l->feature || !l->part || !l->offset || !l->length) {
        crossings_lines_free(l);
        return RM_ENOMEM;
    }
    l->start[0] = 0;

    builder b = {l, 0, 0, 0};
    for (size_t f = 0; f < nf; f++) {
        for (int64_t p = fo[f]; p < fo[f + 1]; p++) {
            int64_t c0 = po[p], c1 = po[p + 1];
            int fresh = 1; /* at the start of a part or after a NaN */
            if (polygon) {
                finish_line(&b, 1);
                start_line(&b, f);
            }
            for (int64_t c = c0; c < c1; c++) {
                const double *pt = xy + 2 * c;
                if (!isfinite(pt[0]) || !isfinite(pt[1])) {
                    if (!polygon)
                        fresh = 1; /* a line splits at an unknown vertex */
                    continue;
                }
                if (fresh && !polygon) {
                    fresh = 0;
                    /* Join a part that starts where the last one ended. */
                    size_t nv = l->n_verts;
                    int join = b.open && b.cur_feature == f &&
                               nv > b.cur_start &&
                               same_pt(l->xy + 2 * (nv - 1), pt) &&
                               !(nv - b.cur_start >= 4 &&
                                 same_pt(l->xy + 2 * b.cur_start, pt));
                    if (!join) {
                        finish_line(&b, 0);
                        start_line(&b, f);
                    }
                }
                push_vertex(&b, pt);
            }
        }
        finish_line(&b, polygon);
    }
    finish_line(&b, polygon);
    measure(l);
    return RM_OK;
}
