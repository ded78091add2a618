/*
 * The geometry side of reading: each feature's geometry is staged in the
 * source CRS, checked (empty, NaN or infinite, out of the lon/lat range),
 * repaired (unclosed or degenerate rings and lines, GEOS MakeValid for
 * invalid polygons), tested against the area, and appended to the layer.
 * At the end the whole coordinate array is reprojected at once and only
 * the dominant dimension is kept.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_internal.h"
#include "layer/layer_internal.h"
#include "util/context_internal.h"
#include "util/util.h"

#define AREA_EDGE_STEPS 32 /* densification of each area edge */

static void note_fid(size_t *count, int64_t *ids, int64_t fid)
{
    if (*count < RM_READ_REPORT_IDS)
        ids[*count] = fid;
    (*count)++;
}

void rd_note_dropped(rd_reader *r, int64_t fid)
{
    note_fid(&r->rep.n_dropped, r->rep.dropped_fids, fid);
}

/* ---- the area ------------------------------------------------------- */

int rd_area_setup(rd_reader *r)
{
    const rm_bbox a = r->opt->area;
    if (!(a.minx <= a.maxx && a.miny <= a.maxy) || !isfinite(a.minx) ||
        !isfinite(a.maxx) || !isfinite(a.miny) || !isfinite(a.maxy))
        return rd_error(r, RM_EINVAL, -1,
                        "area [%g, %g, %g, %g] is not a lon/lat box; give "
                        "[min_lon, min_lat, max_lon, max_lat]",
                        a.minx, a.miny, a.maxx, a.maxy);
    r->area_on = 1;
    size_t n = 4 * AREA_EDGE_STEPS + 1;
    r->area_ring = rm_mallocarray(n, 2 * sizeof(double));
    if (!r->area_ring)
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    double *p = r->area_ring;
    const double cx[5] = {a.minx, a.maxx, a.maxx, a.minx, a.minx};
    const double cy[5] = {a.miny, a.miny, a.maxy, a.maxy, a.miny};
    size_t k = 0;
    for (int e = 0; e < 4; e++)
        for (int s = 0; s < AREA_EDGE_STEPS; s++, k++) {
            double t = (double)s / AREA_EDGE_STEPS;
            p[2 * k] = cx[e] + t * (cx[e + 1] - cx[e]);
            p[2 * k + 1] = cy[e] + t * (cy[e + 1] - cy[e]);
        }
    p[2 * k] = cx[0];
    p[2 * k + 1] = cy[0];
    r->area_n = n;
    if (r->geographic) {
        r->area_is_box = 1;
        r->area_src = a;
    } else {
        rm_transform *tr = NULL;
        int rc = rm_transform_create(r->ctx, &tr, "EPSG:4326", r->src_crs);
        if (rc)
            return rc;
        size_t failed = 0;
        rm_transform_apply(tr, p, n, &failed);
        rc = rm_transform_bbox(tr, a, &r->area_src);
        rm_transform_destroy(tr);
        if (rc || failed)
            return rd_error(r, RM_ECRS, -1,
                            "the area [%g, %g, %g, %g] cannot be expressed "
                            "in the source CRS %s; choose an area inside "
                            "the CRS's area of use",
                            a.minx, a.miny, a.maxx, a.maxy, r->src_crs);
    }
    GEOSContextHandle_t gh = r->ctx->geos;
    GEOSCoordSequence *seq =
        GEOSCoordSeq_copyFromBuffer_r(gh, p, (unsigned)n, 0, 0);
    GEOSGeometry *ring = seq ? GEOSGeom_createLinearRing_r(gh, seq) : NULL;
    r->area_geom = ring ? GEOSGeom_createPolygon_r(gh, ring, NULL, 0) : NULL;
    r->area_prep = r->area_geom ? GEOSPrepare_r(gh, r->area_geom) : NULL;
    if (!r->area_prep)
        return rd_error(r, RM_EGEOS, -1,
                        "cannot build the area polygon (%s)",
                        r->ctx->geos_msg);
    return RM_OK;
}

/* Crossing-number point-in-polygon on the closed area ring. */
static int in_ring(const double *ring, size_t n, double x, double y)
{
    int in = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = ring[2 * i], yi = ring[2 * i + 1];
        double xj = ring[2 * j], yj = ring[2 * j + 1];
        if ((yi > y) != (yj > y) &&
            x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

static int point_in_area(const rd_reader *r, double x, double y)
{
    const rm_bbox *b = &r->area_src;
    if (x < b->minx || x > b->maxx || y < b->miny || y > b->maxy)
        return 0;
    if (r->area_is_box)
        return 1;
    return in_ring(r->area_ring, r->area_n, x, y);
}

/* ---- GEOS ----------------------------------------------------------- */

static GEOSGeometry *geos_ring_or_line(GEOSContextHandle_t gh,
                                       const double *xy, size_t n, int ring)
{
    GEOSCoordSequence *seq =
        GEOSCoordSeq_copyFromBuffer_r(gh, xy, (unsigned)n, 0, 0);
    if (!seq)
        return NULL;
    return ring ? GEOSGeom_createLinearRing_r(gh, seq)
                : GEOSGeom_createLineString_r(gh, seq);
}

static void destroy_all(GEOSContextHandle_t gh, GEOSGeometry **gs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        GEOSGeom_destroy_r(gh, gs[i]);
}

/* The staged parts (all of one dimension) as one GEOS geometry. */
static GEOSGeometry *to_geos(rd_reader *r)
{
    GEOSContextHandle_t gh = r->ctx->geos;
    rd_geom *g = &r->g;
    size_t np = g->np;
    GEOSGeometry **members = rm_mallocarray(np ? np : 1, sizeof *members);
    if (!members)
        return NULL;
    size_t nm = 0;
    int dim = np ? g->pdim[0] : RD_DIM_POINT;
    GEOSGeometry *out = NULL;
    for (size_t p = 0; p < np;) {
        size_t s = p ? g->end[p - 1] : 0;
        if (dim == RD_DIM_POLY) {
            /* exterior ring p, holes up to the next exterior ring */
            size_t q = p + 1;
            while (q < np && !g->outer[q])
                q++;
            GEOSGeometry *shell =
                geos_ring_or_line(gh, g->xy + 2 * s, g->end[p] - s, 1);
            size_t nh = q - p - 1;
            GEOSGeometry **holes =
                rm_mallocarray(nh ? nh : 1, sizeof *holes);
            int ok = shell && holes;
            size_t made = 0;
            for (size_t h = p + 1; ok && h < q; h++) {
                size_t hs = g->end[h - 1];
                holes[made] =
                    geos_ring_or_line(gh, g->xy + 2 * hs, g->end[h] - hs, 1);
                if (!holes[made])
                    ok = 0;
                else
                    made++;
            }
            GEOSGeometry *poly =
                ok ? GEOSGeom_createPolygon_r(gh, shell, holes,
                                              (unsigned)made)
                   : NULL;
            if (!poly) {
                if (shell)
                    GEOSGeom_destroy_r(gh, shell);
                if (holes)
                    destroy_all(gh, holes, made);
            }
            free(holes);
            if (!poly)
                goto fail;
            members[nm++] = poly;
            p = q;
        } else if (dim == RD_DIM_LINE) {
            members[nm] = geos_ring_or_line(gh, g->xy + 2 * s, g->end[p] - s,
                                            0);
            if (!members[nm])
                goto fail;
            nm++;
            p++;
        } else {
            members[nm] = GEOSGeom_createPointFromXY_r(gh, g->xy[2 * s],
                                                       g->xy[2 * s + 1]);
            if (!members[nm])
                goto fail;
            nm++;
            p++;
        }
    }
    int type = dim == RD_DIM_POLY   ? GEOS_MULTIPOLYGON
               : dim == RD_DIM_LINE ? GEOS_MULTILINESTRING
                                    : GEOS_MULTIPOINT;
    out = GEOSGeom_createCollection_r(gh, type, members, (unsigned)nm);
    if (!out)
        goto fail;
    free(members);
    return out;
fail:
    destroy_all(gh, members, nm);
    free(members);
    return NULL;
}

static int restage_ring(rd_reader *r, const GEOSGeometry *ring, int outer)
{
    GEOSContextHandle_t gh = r->ctx->geos;
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(gh, ring);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(gh, seq, &n))
        return RM_EGEOS;
    if (n < 4)
        return RM_OK;
    int rc = rd_geom_add_part(&r->g, NULL, n, RD_DIM_POLY, outer);
    if (rc)
        return rc;
    if (!GEOSCoordSeq_copyToBuffer_r(gh, seq, r->g.xy + 2 * (r->g.n - n), 0,
                                     0))
        return RM_EGEOS;
    return RM_OK;
}

/* Stage the polygons of a GEOS geometry (other dimensions ignored). */
static int restage_polygons(rd_reader *r, const GEOSGeometry *geom)
{
    GEOSContextHandle_t gh = r->ctx->geos;
    int type = GEOSGeomTypeId_r(gh, geom);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(gh, geom))
            return RM_OK;
        int rc = restage_ring(r, GEOSGetExteriorRing_r(gh, geom), 1);
        int nh = GEOSGetNumInteriorRings_r(gh, geom);
        for (int i = 0; !rc && i < nh; i++)
            rc = restage_ring(r, GEOSGetInteriorRingN_r(gh, geom, i), 0);
        return rc;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(gh, geom);
        for (int i = 0; i < n; i++) {
            int rc = restage_polygons(r, GEOSGetGeometryN_r(gh, geom, i));
            if (rc)
                return rc;
        }
    }
    return RM_OK;
}

/* ---- staging checks ------------------------------------------------- */

static void move_coords(rd_geom *g, size_t to, size_t from, size_t n)
{
    memmove(g->xy + 2 * to, g->xy + 2 * from, n * 2 * sizeof(double));
    if (g->has_t)
        memmove(g->t + to, g->t + from, n * sizeof(double));
}

/* Does ring [s, e) end somewhere else than it starts? */
static int ring_open(const rd_geom *g, size_t s, size_t e)
{
    return e > s && (g->xy[2 * s] != g->xy[2 * (e - 1)] ||
                     g->xy[2 * s + 1] != g->xy[2 * (e - 1) + 1]);
}

/* Keep only the parts of the highest dimension (collections). */
static int keep_top_dimension(rd_geom *g)
{
    int top = -1;
    for (size_t p = 0; p < g->np; p++)
        if (g->pdim[p] > top)
            top = g->pdim[p];
    size_t w = 0, wc = 0;
    for (size_t p = 0; p < g->np; p++) {
        size_t s = p ? g->end[p - 1] : 0, e = g->end[p];
        if (g->pdim[p] != top)
            continue;
        if (s != wc)
            move_coords(g, wc, s, e - s);
        wc += e - s;
        g->end[w] = wc;
        g->outer[w] = g->outer[p];
        g->pdim[w] = g->pdim[p];
        w++;
    }
    g->np = w;
    g->n = wc;
    return top;
}

/*
 * Remove lines of fewer than 2 coordinates; close open rings, remove
 * rings of fewer than 4 (and the holes of a removed exterior ring).
 * @return 1 when something changed, 0 when not, negative on ENOMEM.
 */
static int fix_parts(rd_geom *g, int dim)
{
    if (dim == RD_DIM_POINT)
        return 0;
    int changed = 0;
    /* Close rings first: may grow the arrays, so rebuild into a copy. */
    if (dim == RD_DIM_POLY) {
        size_t need = 0;
        for (size_t p = 0; p < g->np; p++)
            need += ring_open(g, p ? g->end[p - 1] : 0, g->end[p]);
        if (need) {
            rd_geom tmp = {0};
            for (size_t p = 0; p < g->np; p++) {
                size_t s = p ? g->end[p - 1] : 0, e = g->end[p];
                int open = ring_open(g, s, e);
                const double *first = g->xy + 2 * s;
                if (rd_geom_add_part(&tmp, first, e - s, dim, g->outer[p]) ||
                    (open && rd_geom_add_part(&tmp, first, 1, dim, 0))) {
                    rd_geom_free(&tmp);
                    return RM_ENOMEM;
                }
                if (open) { /* merge the closing vertex into the ring */
                    tmp.np--;
                    tmp.end[tmp.np - 1] = tmp.n;
                }
            }
            free(g->xy);
            free(g->end);
            free(g->outer);
            free(g->pdim);
            double *t = g->t;
            size_t tcap = g->tcap;
            *g = tmp;
            g->t = t; /* polygons carry no vertex times */
            g->tcap = tcap;
            changed = 1;
        }
    }
    size_t min = dim == RD_DIM_POLY ? 4 : 2;
    size_t w = 0, wc = 0;
    int drop_holes = 0;
    for (size_t p = 0; p < g->np; p++) {
        size_t s = p ? g->end[p - 1] : 0, e = g->end[p];
        int keep = e - s >= min;
        if (dim == RD_DIM_POLY) {
            if (g->outer[p])
                drop_holes = !keep;
            else if (drop_holes)
                keep = 0;
        }
        if (!keep) {
            changed = 1;
            continue;
        }
        if (s != wc)
            move_coords(g, wc, s, e - s);
        wc += e - s;
        g->end[w] = wc;
        g->outer[w] = g->outer[p];
        g->pdim[w] = g->pdim[p];
        w++;
    }
    g->np = w;
    g->n = wc;
    return changed;
}

static void bbox_of(const rd_geom *g, rm_bbox *b)
{
    b->minx = b->miny = INFINITY;
    b->maxx = b->maxy = -INFINITY;
    for (size_t i = 0; i < g->n; i++) {
        double x = g->xy[2 * i], y = g->xy[2 * i + 1];
        if (x < b->minx)
            b->minx = x;
        if (x > b->maxx)
            b->maxx = x;
        if (y < b->miny)
            b->miny = y;
        if (y > b->maxy)
            b->maxy = y;
    }
}

static int vertex_in_period(const rd_reader *r)
{
    const rd_geom *g = &r->g;
    if (!g->has_t)
        return 0;
    for (size_t i = 0; i < g->n; i++) {
        double t = g->t[i];
        if (!isnan(t) && rd_in_period(r, (int64_t)llround(t * 1000.0)))
            return 1;
    }
    return 0;
}

/* Linearise a curve geometry through OGR and decode its WKB. */
static int stage_ogr(rd_reader *r, OGRGeometryH geom, int *wkb_rc)
{
    OGRGeometryH lin = NULL;
    if (OGR_G_HasCurveGeometry(geom, TRUE)) {
        lin = OGR_G_GetLinearGeometry(geom, 0, NULL);
        if (!lin) {
            *wkb_rc = RD_WKB_BAD;
            return RM_OK;
        }
        geom = lin;
    }
    size_t len = OGR_G_WkbSizeEx(geom);
    if (len > r->wkb_cap) {
        uint8_t *p = realloc(r->wkb, len);
        if (!p) {
            OGR_G_DestroyGeometry(lin);
            return rd_error(r, RM_ENOMEM, -1, "out of memory");
        }
        r->wkb = p;
        r->wkb_cap = len;
    }
    OGRErr err = OGR_G_ExportToIsoWkb(geom, wkbNDR, r->wkb);
    OGR_G_DestroyGeometry(lin);
    *wkb_rc = err == OGRERR_NONE ? rd_wkb_decode(&r->g, r->wkb, len)
                                 : RD_WKB_BAD;
    return RM_OK;
}

int rd_stage_geometry(rd_reader *r, int64_t fid, const uint8_t *wkb,
                      size_t len, OGRGeometryH geom, int *status)
{
    rd_geom *g = &r->g;
    rd_geom_reset(g);
    *status = RD_DROPPED;
    int rc = RD_WKB_OK;
    if (wkb) {
        rc = rd_wkb_decode(g, wkb, len);
        if (rc == RD_WKB_UNSUPPORTED) {
            OGRGeometryH tmp = NULL;
            rd_geom_reset(g);
            if (OGR_G_CreateFromWkbEx(wkb, NULL, &tmp, len) == OGRERR_NONE &&
                tmp) {
                int e = stage_ogr(r, tmp, &rc);
                OGR_G_DestroyGeometry(tmp);
                if (e)
                    return e;
            } else {
                rc = RD_WKB_BAD;
            }
        }
    } else if (geom) {
        int e = stage_ogr(r, geom, &rc);
        if (e)
            return e;
    }
    if (rc == RM_ENOMEM)
        return rd_error(r, RM_ENOMEM, fid, "out of memory");
    if (rc != RD_WKB_OK || g->n == 0) {
        rd_note_dropped(r, fid);
        return RM_OK;
    }
    int dim = keep_top_dimension(g);
    /* NaN or infinite coordinates; degrees out of range */
    for (size_t i = 0; i < 2 * g->n; i += 2) {
        double x = g->xy[i], y = g->xy[i + 1];
        if (!isfinite(x) || !isfinite(y) ||
            (r->geographic &&
             (x < -180.0 || x > 180.0 || y < -90.0 || y > 90.0))) {
            rd_note_dropped(r, fid);
            return RM_OK;
        }
    }
    if (r->want_dim != RD_DIM_ANY && dim != r->want_dim) {
        rd_note_dropped(r, fid);
        return RM_OK;
    }
    if (r->gpx && dim == RD_DIM_LINE)
        rd_gpx_times(r, fid);
    if (r->period_vertex && !vertex_in_period(r)) {
        r->rep.n_filtered++;
        *status = RD_FILTERED;
        return RM_OK;
    }
    if (dim == RD_DIM_POINT) {
        if (r->area_on) {
            int any = 0;
            for (size_t i = 0; i < g->n && !any; i++)
                any = point_in_area(r, g->xy[2 * i], g->xy[2 * i + 1]);
            if (!any) {
                r->rep.n_filtered++;
                *status = RD_FILTERED;
                return RM_OK;
            }
        }
        *status = RD_KEEP;
        return RM_OK;
    }

    rm_bbox fb;
    if (r->area_on) {
        bbox_of(g, &fb);
        const rm_bbox *a = &r->area_src;
        if (fb.maxx < a->minx || fb.minx > a->maxx || fb.maxy < a->miny ||
            fb.miny > a->maxy) {
            r->rep.n_filtered++;
            *status = RD_FILTERED;
            return RM_OK;
        }
    }
    int repaired = fix_parts(g, dim);
    if (repaired < 0)
        return rd_error(r, RM_ENOMEM, fid, "out of memory");
    if (g->np == 0) {
        rd_note_dropped(r, fid);
        return RM_OK;
    }

    GEOSContextHandle_t gh = r->ctx->geos;
    GEOSGeometry *gg = NULL;
    if (dim == RD_DIM_POLY) {
        gg = to_geos(r);
        char valid = gg ? GEOSisValid_r(gh, gg) : 0;
        if (valid != 1) {
            GEOSGeometry *fixed = gg ? GEOSMakeValid_r(gh, gg) : NULL;
            if (gg)
                GEOSGeom_destroy_r(gh, gg);
            gg = NULL;
            rd_geom_reset(g);
            int e = fixed ? restage_polygons(r, fixed) : RM_OK;
            if (fixed)
                GEOSGeom_destroy_r(gh, fixed);
            if (e == RM_ENOMEM)
                return rd_error(r, RM_ENOMEM, fid, "out of memory");
            if (e || g->np == 0) {
                rd_note_dropped(r, fid);
                return RM_OK;
            }
            repaired = 1;
        }
    }
    if (r->area_on) {
        int inside = 0;
        const rm_bbox *a = &r->area_src;
        bbox_of(g, &fb);
        if (r->area_is_box && fb.minx >= a->minx && fb.maxx <= a->maxx &&
            fb.miny >= a->miny && fb.maxy <= a->maxy) {
            inside = 1;
        } else {
            if (!gg)
                gg = to_geos(r);
            inside = gg ? GEOSPreparedIntersects_r(gh, r->area_prep, gg) == 1
                        : 0;
        }
        if (!inside) {
            if (gg)
                GEOSGeom_destroy_r(gh, gg);
            r->rep.n_filtered++;
            *status = RD_FILTERED;
            return RM_OK;
        }
    }
    if (gg)
        GEOSGeom_destroy_r(gh, gg);
    if (repaired)
        note_fid(&r->rep.n_repaired, r->rep.repaired_fids, fid);
    *status = RD_KEEP;
    return RM_OK;
}

int rd_commit_feature(rd_reader *r, int64_t fid)
{
    rm_layer *l = r->out;
    rd_geom *g = &r->g;
    rm__layer_points_write(l);
    int rc = rd_layer_reserve(r, l->n_features + 1, l->n_parts + g->np,
                              l->n_coords + g->n, g->has_t);
    if (rc)
        return rc;
    size_t c0 = l->n_coords;
    if (g->n)
        memcpy(l->xy + 2 * c0, g->xy, g->n * 2 * sizeof(double));
    if (l->vtime)
        for (size_t i = 0; i < g->n; i++)
            l->vtime[c0 + i] = g->has_t ? g->t[i] : NAN;
    for (size_t p = 0; p < g->np; p++) {
        l->part_outer[l->n_parts + p] =
            g->pdim[p] == RD_DIM_POLY ? g->outer[p] : 1;
        l->part_off[l->n_parts + p + 1] = (int64_t)(c0 + g->end[p]);
    }
    l->n_parts += g->np;
    l->n_coords += g->n;
    size_t row = l->n_features;
    l->fids[row] = fid;
    l->feat_off[row + 1] = (int64_t)l->n_parts;
    for (int i = 0; i < l->n_fields; i++) {
        rm__column *c = &l->fields[i];
        rd_set_null(l, i, row);
        if (c->type == RM_FIELD_STRING)
            c->str_off[row + 1] = (int64_t)c->str_len;
    }
    l->n_features++;
    if (r->want_dim == RD_DIM_ANY) {
        if (rm__grow((void **)&r->fdim, &r->fdim_cap, l->n_features, 1))
            return rd_error(r, RM_ENOMEM, fid, "out of memory");
        int dim = g->np ? g->pdim[0] : RD_DIM_POINT;
        r->fdim[row] = (uint8_t)dim;
        r->dim_count[dim]++;
    }
    return RM_OK;
}

static int has_nan(const rm_layer *l, size_t f)
{
    size_t c0 = (size_t)l->part_off[l->feat_off[f]];
    size_t c1 = (size_t)l->part_off[l->feat_off[f + 1]];
    for (size_t i = 2 * c0; i < 2 * c1; i++)
        if (isnan(l->xy[i]))
            return 1;
    return 0;
}

int rd_finish_geometry(rd_reader *r)
{
    rm_layer *l = r->out;
    int rc = rd_proj_finish(r);
    if (rc)
        return rc;
    int dim = r->want_dim;
    if (dim == RD_DIM_ANY) {
        dim = RD_DIM_POINT;
        for (int d = 1; d < 3; d++)
            if (r->dim_count[d] >= r->dim_count[dim])
                dim = d;
    }
    static const rm_geom_type types[3] = {RM_GEOM_POINT, RM_GEOM_LINE,
                                          RM_GEOM_POLYGON};
    rd_layer_set_type(l, r->has_geom ? types[dim] : RM_GEOM_NONE);
    int other = r->want_dim == RD_DIM_ANY &&
                r->dim_count[dim] != l->n_features;
    if (!other && r->n_proj_failed == 0)
        return RM_OK;
    uint8_t *keep = rm_mallocarray(l->n_features ? l->n_features : 1, 1);
    if (!keep)
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    rm__layer_points_write(l); /* has_nan reads the offsets */
    size_t unprojectable = 0;
    for (size_t f = 0; f < l->n_features; f++) {
        keep[f] = 1;
        if (other && r->fdim[f] != dim)
            keep[f] = 0;
        else if (r->n_proj_failed && has_nan(l, f)) {
            keep[f] = 0;
            unprojectable++;
        }
        if (!keep[f])
            rd_note_dropped(r, l->fids[f]);
    }
    if (unprojectable)
        rm_log(r->ctx, RM_LOG_WARN,
               "%s, layer '%s': %zu features lie outside the area where "
               "%s can represent them and were dropped",
               r->source, r->layer, unprojectable, r->dst_crs);
    rd_layer_compact(l, keep);
    free(keep);
    return RM_OK;
}

void rd_geom_cleanup(rd_reader *r)
{
    if (r->area_prep)
        GEOSPreparedGeom_destroy_r(r->ctx->geos, r->area_prep);
    if (r->area_geom)
        GEOSGeom_destroy_r(r->ctx->geos, r->area_geom);
    free(r->area_ring);
    free(r->fdim);
    free(r->wkb);
    rd_geom_free(&r->g);
}
