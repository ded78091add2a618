/*
 * Columnar features to GEOS and back for the buffer plugin. Coordinates
 * move in whole parts (GEOSCoordSeq_copyFromBuffer_r / copyToBuffer_r);
 * degenerate parts (a one-vertex line) are taken as points rather than
 * dropped, since buffering a point is well defined.
 */
#include <stdlib.h>
#include <string.h>

#include "buffer_geos.h"
#include "routemap/errors.h"

/* A point, or a line from a part of n >= 2 coordinates. */
static GEOSGeometry *point_or_line(GEOSContextHandle_t h, const double *xy,
                                   size_t n)
{
    if (n == 1)
        return GEOSGeom_createPointFromXY_r(h, xy[0], xy[1]);
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(h, xy,
                                                           (unsigned)n, 0, 0);
    return seq ? GEOSGeom_createLineString_r(h, seq) : NULL;
}

static GEOSGeometry *ring(GEOSContextHandle_t h, const double *xy, size_t n)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(h, xy,
                                                           (unsigned)n, 0, 0);
    return seq ? GEOSGeom_createLinearRing_r(h, seq) : NULL;
}

static void destroy_all(GEOSContextHandle_t h, GEOSGeometry **g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (g[i])
            GEOSGeom_destroy_r(h, g[i]);
}

/* Polygons from rings [a, b) of a polygon feature; NULL on error. */
static GEOSGeometry *polygons(const rm_host_api *api, GEOSContextHandle_t h,
                              const rm_layer *l, int64_t a, int64_t b,
                              size_t *count)
{
    const int64_t *po = api->layer_part_offsets(l);
    const uint8_t *outer = api->layer_part_outer(l);
    const double *xy = api->layer_xy(l);
    size_t np = (size_t)(b - a);
    GEOSGeometry **polys = calloc(np, sizeof *polys);
    GEOSGeometry **holes = calloc(np, sizeof *holes);
    size_t n_polys = 0;
    int ok = polys && holes;
    for (int64_t p = a; ok && p < b;) {
        /* An exterior ring and the holes that follow it. */
        int64_t q = p + 1;
        while (q < b && !outer[q])
            q++;
        GEOSGeometry *shell = ring(h, xy + 2 * po[p],
                                   (size_t)(po[p + 1] - po[p]));
        size_t n_holes = 0;
        ok = shell != NULL;
        for (int64_t k = p + 1; ok && k < q; k++) {
            holes[n_holes] = ring(h, xy + 2 * po[k],
                                  (size_t)(po[k + 1] - po[k]));
            ok = holes[n_holes++] != NULL;
        }
        if (ok) {
            polys[n_polys] = GEOSGeom_createPolygon_r(h, shell, holes,
                                                      (unsigned)n_holes);
            ok = polys[n_polys] != NULL;
            n_polys += ok;
        } else {
            if (shell)
                GEOSGeom_destroy_r(h, shell);
            destroy_all(h, holes, n_holes);
        }
        p = q;
    }
    GEOSGeometry *g = NULL;
    if (ok && n_polys == 1) {
        g = polys[0];
    } else if (ok && n_polys > 1) {
        g = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys,
                                        (unsigned)n_polys);
        if (!g)
            destroy_all(h, polys, n_polys);
    } else {
        destroy_all(h, polys, n_polys);
    }
    free(polys);
    free(holes);
    *count = n_polys;
    return g;
}

GEOSGeometry *buffer_feature_geom(const rm_host_api *api,
                                  GEOSContextHandle_t h,
                                  const rm_layer *layer, size_t f,
                                  int *failed)
{
    *failed = 0;
    const int64_t *fo = api->layer_feature_offsets(layer);
    const int64_t *po = api->layer_part_offsets(layer);
    const double *xy = api->layer_xy(layer);
    int64_t a = fo[f], b = fo[f + 1];
    rm_geom_type t = api->layer_geom_type(layer);
    if (b <= a)
        return NULL;
    if (t == RM_GEOM_POLYGON) {
        size_t count = 0;
        GEOSGeometry *g = polygons(api, h, layer, a, b, &count);
        *failed = g == NULL;
        return g;
    }
    /* Points and lines: one geometry per part (each point of a point part
     * when a part holds several). */
    size_t cap = 0;
    for (int64_t p = a; p < b; p++) {
        size_t n = (size_t)(po[p + 1] - po[p]);
        cap += t == RM_GEOM_POINT ? n : n > 0;
    }
    if (cap == 0)
        return NULL;
    GEOSGeometry **parts = calloc(cap, sizeof *parts);
    if (!parts) {
        *failed = 1;
        return NULL;
    }
    size_t k = 0;
    int ok = 1, all_points = 1;
    for (int64_t p = a; ok && p < b; p++) {
        size_t n = (size_t)(po[p + 1] - po[p]);
        const double *c = xy + 2 * po[p];
        if (t == RM_GEOM_POINT) {
            for (size_t i = 0; ok && i < n; i++)
                ok = (parts[k++] = GEOSGeom_createPointFromXY_r(
                          h, c[2 * i], c[2 * i + 1])) != NULL;
        } else if (n > 0) {
            all_points &= n == 1;
            ok = (parts[k++] = point_or_line(h, c, n)) != NULL;
        }
    }
    GEOSGeometry *g = NULL;
    if (ok && k == 1) {
        g = parts[0];
    } else if (ok) {
        int type = t == RM_GEOM_POINT || all_points ? GEOS_MULTIPOINT
                   : GEOS_GEOMETRYCOLLECTION;
        if (t == RM_GEOM_LINE && !all_points) {
            int lines_only = 1;
            for (size_t i = 0; i < k; i++)
                lines_only &= GEOSGeomTypeId_r(h, parts[i]) ==
                              GEOS_LINESTRING;
            if (lines_only)
                type = GEOS_MULTILINESTRING;
        }
        g = GEOSGeom_createCollection_r(h, type, parts, (unsigned)k);
    }
    if (!g) {
        destroy_all(h, parts, k);
        *failed = 1;
    }
    free(parts);
    return g;
}

/* Append one ring of `poly`'s as a part. */
static int write_ring(const rm_host_api *api, GEOSContextHandle_t h,
                      const GEOSGeometry *r, rm_layer *out, int outer)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, r);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n))
        return -1;
    if (n == 0)
        return 0;
    double *xy = malloc((size_t)n * 2 * sizeof *xy);
    if (!xy)
        return -1;
    int rc = -1;
    if (GEOSCoordSeq_copyToBuffer_r(h, seq, xy, 0, 0))
        rc = api->add_part(out, xy, n, NULL, outer) == RM_OK ? 0 : -1;
    free(xy);
    return rc;
}

static int write_polygon(const rm_host_api *api, GEOSContextHandle_t h,
                         const GEOSGeometry *poly, rm_layer *out)
{
    if (GEOSisEmpty_r(h, poly))
        return 0;
    const GEOSGeometry *shell = GEOSGetExteriorRing_r(h, poly);
    if (!shell || write_ring(api, h, shell, out, 1))
        return -1;
    int nh = GEOSGetNumInteriorRings_r(h, poly);
    for (int i = 0; i < nh; i++) {
        const GEOSGeometry *hole = GEOSGetInteriorRingN_r(h, poly, i);
        if (!hole || write_ring(api, h, hole, out, 0))
            return -1;
    }
    return 1;
}

long buffer_write_polygons(const rm_host_api *api, GEOSContextHandle_t h,
                           const GEOSGeometry *g, rm_layer *out)
{
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON)
        return write_polygon(api, h, g, out);
    if (type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION)
        return 0;
    int n = GEOSGetNumGeometries_r(h, g);
    long written = 0;
    for (int i = 0; i < n; i++) {
        long w = buffer_write_polygons(api, h, GEOSGetGeometryN_r(h, g, i),
                                       out);
        if (w < 0)
            return -1;
        written += w;
    }
    return written;
}
