/*
 * The observed method: a line-density surface from reported tracks (how
 * many distinct tracks pass within search_km of each cell), bundles of
 * cells at or above min_tracks as ranked corridor polygons with the number
 * of distinct tracks passing through them, and a centre line per bundle.
 * Outputs: density (raster), corridors, paths (the centre lines).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

typedef struct bundle {
    uint32_t id;      /* component label */
    int64_t tracks;   /* distinct tracks passing through */
    size_t cells;
    int r0, r1, c0, c1;
} bundle;

static int cmp_bundle(const void *a, const void *b)
{
    const bundle *x = a, *y = b;
    if (x->tracks != y->tracks)
        return x->tracks > y->tracks ? -1 : 1;
    if (x->cells != y->cells)
        return x->cells > y->cells ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The farthest reachable cell of a search, by cost. */
static uint32_t farthest(const double *cost, size_t n)
{
    uint32_t best = 0;
    double bc = -1;
    for (size_t i = 0; i < n; i++)
        if (isfinite(cost[i]) && cost[i] > bc) {
            bc = cost[i];
            best = (uint32_t)i;
        }
    return best;
}

/*
 * Centre line of bundle b: on its bounding box, the two ends of a
 * geodesic diameter (double sweep over friction 1), joined by the least-
 * cost path over friction 1 / (distance to the edge). Writes the path as
 * full-grid cells into *out, *n.
 */
static int centre_line(cr_run *R, const uint32_t *label, const bundle *b,
                       uint32_t **out, size_t *n_out)
{
    const cr_grid *g = &R->g;
    cr_grid sg = {b->c1 - b->c0 + 3, b->r1 - b->r0 + 3,
                  g->x0 + (b->c0 - 1) * g->res, g->y0 - (b->r0 - 1) * g->res,
                  g->res};
    size_t n = cr_cells(&sg);
    float *f = malloc(n * sizeof *f);
    float *d = malloc(n * sizeof *d);
    double *cost = malloc(n * sizeof *cost);
    uint8_t *dir = malloc(n);
    uint32_t *path = NULL;
    int rc = f && d && cost && dir ? 0 : -1;
    uint32_t first = UINT32_MAX;
    for (int r = 0; rc == 0 && r < sg.h; r++)
        for (int c = 0; c < sg.w; c++) {
            int gr = r + b->r0 - 1, gc = c + b->c0 - 1;
            int in = gr >= 0 && gc >= 0 && gr < g->h && gc < g->w &&
                     label[(size_t)gr * g->w + gc] == b->id;
            size_t i = (size_t)r * sg.w + c;
            f[i] = in ? 1.0f : NAN;
            d[i] = in ? INFINITY : 0;
            if (in && first == UINT32_MAX)
                first = (uint32_t)i;
        }
    if (rc == 0)
        rc = cr_edt(d, sg.w, sg.h);
    uint32_t a = 0, z = 0;
    if (rc == 0)
        rc = cr_accumulate(&sg, f, 8, &first, 1, CR_QUEUE_AUTO, cost, dir,
                           NULL, NULL, NULL);
    if (rc == 0) {
        a = farthest(cost, n);
        rc = cr_accumulate(&sg, f, 8, &a, 1, CR_QUEUE_AUTO, cost, dir,
                           NULL, NULL, NULL);
    }
    if (rc == 0) {
        z = farthest(cost, n);
        for (size_t i = 0; i < n; i++)
            if (!isnan(f[i]))
                f[i] = (float)(1.0 / sqrt((double)d[i]));
        rc = cr_accumulate(&sg, f, 8, &a, 1, CR_QUEUE_AUTO, cost, dir,
                           NULL, NULL, NULL);
    }
    int64_t len = rc == 0 ? cr_trace(&sg, dir, z, NULL, 0) : -1;
    if (len > 0) {
        path = malloc((size_t)len * sizeof *path);
        if (path) {
            cr_trace(&sg, dir, z, path, (size_t)len);
            for (int64_t j = 0; j < len; j++) {
                int r = (int)(path[j] / (uint32_t)sg.w) + b->r0 - 1;
                int c = (int)(path[j] % (uint32_t)sg.w) + b->c0 - 1;
                path[j] = (uint32_t)r * (uint32_t)g->w + (uint32_t)c;
            }
        }
    }
    free(f);
    free(d);
    free(cost);
    free(dir);
    if (!path)
        return -1;
    *out = path;
    *n_out = (size_t)len;
    return 0;
}

static int write_bundles(cr_run *R, const uint32_t *label, bundle *bs,
                         size_t nb, const uint8_t *mask)
{
    const rm_host_api *api = R->api;
    rm_step *st = R->step;
    rm_layer *corr = NULL, *paths = NULL;
    int cf[7];
    int rc = cr_corridors_layer(R, &corr, cf);
    if (rc)
        return rc;
    paths = api->output_vector(st, "paths");
    if (!paths)
        return api->fail(st, RM_EPLUGIN_OUTPUT,
                         "cannot create the output 'paths'");
    int f_rank = api->add_field(paths, "rank", RM_FIELD_INT);
    int f_kind = api->add_field(paths, "kind", RM_FIELD_STRING);
    int f_tracks = api->add_field(paths, "tracks", RM_FIELD_INT);
    int f_len = api->add_field(paths, "length_m", RM_FIELD_REAL);
    if (f_rank < 0 || f_kind < 0 || f_tracks < 0 || f_len < 0)
        return cr_nomem(R, "the paths' fields");
    cr_rings rings;
    if (cr_polygonize(&R->g, mask, 1, &rings))
        return cr_nomem(R, "the corridor polygons");
    /* First ring of each component (rings come grouped by component). */
    uint32_t max_id = 0;
    for (size_t k = 0; k < nb; k++)
        max_id = bs[k].id > max_id ? bs[k].id : max_id;
    size_t *at = calloc((size_t)max_id + 2, sizeof *at);
    if (!at) {
        cr_rings_free(&rings);
        return cr_nomem(R, "the corridor polygons");
    }
    for (size_t k = rings.n; k-- > 0;)
        if (rings.comp[k] <= max_id)
            at[rings.comp[k]] = k + 1;
    for (size_t k = 0; rc == RM_OK && k < nb; k++) {
        const bundle *b = &bs[k];
        if (api->begin_feature(corr, (int64_t)k + 1) < 0) {
            rc = cr_nomem(R, "a corridor");
            break;
        }
        for (size_t j = at[b->id] ? at[b->id] - 1 : rings.n;
             rc == RM_OK && j < rings.n && rings.comp[j] == b->id; j++)
            rc = api->add_part(corr, rings.xy + 2 * rings.off[j],
                               (size_t)(rings.off[j + 1] - rings.off[j]),
                               NULL, rings.outer[j]);
        if (rc == RM_OK)
            rc = api->set_int(corr, cf[0], (int64_t)k + 1);
        if (rc == RM_OK)
            rc = api->set_string(corr, cf[1], "observed");
        if (rc == RM_OK)
            rc = api->set_int(corr, cf[4], b->tracks);
        if (rc == RM_OK)
            rc = api->set_real(corr, cf[5], (double)b->cells * R->g.res *
                                                R->g.res / 1e6);
        if (rc == RM_OK)
            rc = api->set_int(corr, cf[6], (int64_t)b->cells);
        uint32_t *p = NULL;
        size_t np = 0;
        if (rc == RM_OK && centre_line(R, label, b, &p, &np))
            rc = cr_nomem(R, "a centre line");
        if (rc == RM_OK && api->begin_feature(paths, (int64_t)k + 1) < 0)
            rc = cr_nomem(R, "a centre line");
        if (rc == RM_OK)
            rc = cr_add_path(R, paths, p, np);
        if (rc == RM_OK)
            rc = api->set_int(paths, f_rank, (int64_t)k + 1);
        if (rc == RM_OK)
            rc = api->set_string(paths, f_kind, "centreline");
        if (rc == RM_OK)
            rc = api->set_int(paths, f_tracks, b->tracks);
        if (rc == RM_OK)
            rc = api->set_real(paths, f_len, cr_path_length(&R->g, p, np));
        free(p);
    }
    free(at);
    cr_rings_free(&rings);
    return rc;
}

static int observed(cr_run *R, cr_cellset *cs, uint32_t **stamp_out,
                    uint32_t **label_out, uint8_t **mask_out)
{
    const rm_host_api *api = R->api;
    rm_step *st = R->step;
    const rm_layer *tracks = api->param_layer(st, "tracks");
    if (!tracks)
        return api->fail(st, RM_EPLUGIN_PARAM,
                         "the observed method needs 'tracks' (a layer of "
                         "track or route lines, one feature per track)");
    int rc = cr_choose_grid(R);
    if (rc == RM_OK)
        rc = cr_layer_cells(R, tracks, cs);
    if (rc)
        return rc;
    cr_grid *g = &R->g;
    size_t n = cr_cells(g);
    double gt[6];
    cr_grid_geotransform(g, gt);
    rm_layer *dl = api->output_raster(st, "density", g->w, g->h, gt);
    double *dens = dl ? api->raster_data(dl) : NULL;
    if (!dens)
        return api->fail(st, RM_ENOMEM,
                         "cannot create the %d x %d output raster 'density'",
                         g->w, g->h);
    uint32_t *stamp = calloc(n, sizeof *stamp);
    *stamp_out = stamp;
    if (!stamp)
        return cr_nomem(R, "the density surface");
    for (size_t i = 0; i < n; i++)
        dens[i] = 0;
    /* The disc of cells within search_km of a centre. */
    double rad = api->param_real(st, "search_km") * 1000 / g->res;
    int ri = (int)floor(rad);
    size_t nd = 0;
    int *dr = malloc(sizeof(int) * (size_t)(2 * ri + 1) * (2 * ri + 1));
    int *dc = malloc(sizeof(int) * (size_t)(2 * ri + 1) * (2 * ri + 1));
    if (!dr || !dc) {
        free(dr);
        free(dc);
        return cr_nomem(R, "the search disc");
    }
    for (int a = -ri; a <= ri; a++)
        for (int b = -ri; b <= ri; b++)
            if ((double)a * a + (double)b * b <= rad * rad * (1 + 1e-12)) {
                dr[nd] = a;
                dc[nd++] = b;
            }
    /* Each track stamps the cells within reach once: a distinct count. */
    for (size_t k = 0; k < cs->n; k++) {
        uint32_t t = cs->feat[k] + 1, cell = cs->cell[k];
        int r = (int)(cell / (uint32_t)g->w), c = (int)(cell % (uint32_t)g->w);
        for (size_t j = 0; j < nd; j++) {
            int rr = r + dr[j], cc = c + dc[j];
            if (rr < 0 || cc < 0 || rr >= g->h || cc >= g->w)
                continue;
            size_t i = (size_t)rr * g->w + cc;
            if (stamp[i] != t) {
                stamp[i] = t;
                dens[i] += 1;
            }
        }
        if (k % 4096 == 0 && cr_cancelled(R)) {
            free(dr);
            free(dc);
            return RM_ECANCELLED;
        }
    }
    free(dr);
    free(dc);
    int64_t min_tracks = api->param_int(st, "min_tracks");
    uint8_t *mask = malloc(n ? n : 1);
    *mask_out = mask;
    uint32_t *label = malloc((n ? n : 1) * sizeof *label);
    *label_out = label;
    if (!mask || !label)
        return cr_nomem(R, "the corridor bundles");
    for (size_t i = 0; i < n; i++)
        mask[i] = dens[i] >= (double)min_tracks;
    int64_t nb = cr_components(g, mask, label);
    if (nb < 0)
        return cr_nomem(R, "the corridor bundles");
    bundle *bs = calloc((size_t)nb + 1, sizeof *bs);
    if (!bs)
        return cr_nomem(R, "the corridor bundles");
    for (int64_t k = 0; k < nb; k++) {
        bs[k].id = (uint32_t)k + 1;
        bs[k].r0 = g->h;
        bs[k].c0 = g->w;
        bs[k].r1 = bs[k].c1 = -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!label[i])
            continue;
        bundle *b = &bs[label[i] - 1];
        int r = (int)(i / (size_t)g->w), c = (int)(i % (size_t)g->w);
        b->cells++;
        b->r0 = r < b->r0 ? r : b->r0;
        b->r1 = r > b->r1 ? r : b->r1;
        b->c0 = c < b->c0 ? c : b->c0;
        b->c1 = c > b->c1 ? c : b->c1;
    }
    /* Distinct tracks through each bundle: reuse stamp per bundle. */
    uint32_t *seen = calloc((size_t)nb + 1, sizeof *seen);
    if (!seen) {
        free(bs);
        return cr_nomem(R, "the corridor bundles");
    }
    for (size_t k = 0; k < cs->n; k++) {
        uint32_t l = label[cs->cell[k]], t = cs->feat[k] + 1;
        if (l && seen[l] != t) {
            seen[l] = t;
            bs[l - 1].tracks++;
        }
    }
    free(seen);
    qsort(bs, (size_t)nb, sizeof *bs, cmp_bundle);
    api->log(st, RM_PLUGIN_LOG_INFO,
             "observed corridors: %s; %zu track cells; %lld bundles with "
             "at least %lld tracks within %g km",
             R->grid_how, cs->n, (long long)nb, (long long)min_tracks,
             rad * g->res / 1000);
    rc = write_bundles(R, label, bs, (size_t)nb, mask);
    free(bs);
    return rc;
}

int cr_run_observed(cr_run *R)
{
    cr_cellset cs;
    memset(&cs, 0, sizeof cs);
    uint32_t *stamp = NULL, *label = NULL;
    uint8_t *mask = NULL;
    int rc = observed(R, &cs, &stamp, &label, &mask);
    cr_cellset_free(&cs);
    free(stamp);
    free(label);
    free(mask);
    return rc;
}
