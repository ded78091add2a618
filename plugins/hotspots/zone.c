/*
 * The zone band: a buffer of zone_km on each side of border lines (or of
 * polygon boundaries), flat end caps by default so a straight border of
 * length L gives exactly 2 * zone_km * L, clipped to the briefing area.
 * GEOS through its _r API with the plugin's own handle; every GEOS error
 * becomes a message, never an exit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geos_c.h>

#include "hs.h"

struct hs_zone {
    GEOSContextHandle_t h;
    GEOSGeometry *band;
    const GEOSPreparedGeometry *prep;
    char msg[256];
};

static void on_error(const char *fmt, void *ud)
{
    hs_zone *z = ud;
    snprintf(z->msg, sizeof z->msg, "%s", fmt ? fmt : "GEOS error");
}

static GEOSGeometry *make_seq_geom(hs_zone *z, const double *xy, size_t n,
                                   int ring)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(z->h, (unsigned)n, 2);
    if (!cs)
        return NULL;
    for (size_t i = 0; i < n; i++)
        GEOSCoordSeq_setXY_r(z->h, cs, (unsigned)i, xy[2 * i],
                             xy[2 * i + 1]);
    return ring ? GEOSGeom_createLinearRing_r(z->h, cs)
                : GEOSGeom_createLineString_r(z->h, cs);
}

int hs_zone_create(hs_zone **out, int geom_type, const double *xy,
                   const int64_t *part_off, size_t n_parts,
                   double half_width, int flat_caps, const double *clip,
                   char *err, size_t err_cap)
{
    *out = NULL;
    hs_zone *z = calloc(1, sizeof *z);
    if (!z) {
        snprintf(err, err_cap, "out of memory");
        return -1;
    }
    z->h = GEOS_init_r();
    if (!z->h) {
        free(z);
        snprintf(err, err_cap, "cannot start GEOS");
        return -1;
    }
    GEOSContext_setErrorMessageHandler_r(z->h, on_error, z);
    GEOSGeometry **lines = hs_calloc(n_parts, sizeof *lines);
    size_t nl = 0;
    int rc = lines ? 0 : -1;
    for (size_t p = 0; rc == 0 && p < n_parts; p++) {
        size_t n = (size_t)(part_off[p + 1] - part_off[p]);
        if (n < 2)
            continue;
        /* Polygon rings become their boundary lines. */
        GEOSGeometry *g = make_seq_geom(z, xy + 2 * part_off[p], n, 0);
        if (!g)
            rc = -1;
        else
            lines[nl++] = g;
    }
    (void)geom_type;
    GEOSGeometry *multi = NULL, *buf = NULL;
    if (rc == 0 && nl == 0) {
        snprintf(err, err_cap, "the zone layer has no line or ring with "
                               "two or more points");
        free(lines);
        hs_zone_destroy(z);
        return -1;
    }
    if (rc == 0) {
        multi = GEOSGeom_createCollection_r(z->h, GEOS_MULTILINESTRING,
                                            lines, (unsigned)nl);
        if (!multi)
            rc = -1;
        else
            nl = 0; /* owned by multi */
    }
    for (size_t i = 0; i < nl; i++)
        GEOSGeom_destroy_r(z->h, lines[i]);
    free(lines);
    if (rc == 0) {
        buf = GEOSBufferWithStyle_r(z->h, multi, half_width, 16,
                                    flat_caps ? GEOSBUF_CAP_FLAT
                                              : GEOSBUF_CAP_ROUND,
                                    GEOSBUF_JOIN_ROUND, 5.0);
        if (!buf)
            rc = -1;
    }
    if (multi)
        GEOSGeom_destroy_r(z->h, multi);
    if (rc == 0 && clip) {
        GEOSGeometry *box = GEOSGeom_createRectangle_r(z->h, clip[0], clip[1],
                                                       clip[2], clip[3]);
        GEOSGeometry *cut = box ? GEOSIntersection_r(z->h, buf, box) : NULL;
        if (box)
            GEOSGeom_destroy_r(z->h, box);
        GEOSGeom_destroy_r(z->h, buf);
        buf = cut;
        if (!buf)
            rc = -1;
    }
    if (rc == 0) {
        z->band = buf;
        z->prep = GEOSPrepare_r(z->h, buf);
        if (!z->prep)
            rc = -1;
    }
    if (rc != 0) {
        snprintf(err, err_cap, "building the zone band failed: %s",
                 z->msg[0] ? z->msg : "out of memory");
        hs_zone_destroy(z);
        return -1;
    }
    *out = z;
    return 0;
}

void hs_zone_destroy(hs_zone *z)
{
    if (!z)
        return;
    if (z->prep)
        GEOSPreparedGeom_destroy_r(z->h, z->prep);
    if (z->band)
        GEOSGeom_destroy_r(z->h, z->band);
    GEOS_finish_r(z->h);
    free(z);
}

double hs_zone_area(const hs_zone *z)
{
    double a = 0;
    if (!z->band || GEOSArea_r(z->h, z->band, &a) != 1)
        return 0;
    return a;
}

int hs_zone_bbox(const hs_zone *z, double box[4])
{
    if (!z->band || GEOSisEmpty_r(z->h, z->band))
        return -1;
    if (GEOSGeom_getXMin_r(z->h, z->band, &box[0]) != 1 ||
        GEOSGeom_getYMin_r(z->h, z->band, &box[1]) != 1 ||
        GEOSGeom_getXMax_r(z->h, z->band, &box[2]) != 1 ||
        GEOSGeom_getYMax_r(z->h, z->band, &box[3]) != 1)
        return -1;
    return 0;
}

int hs_zone_contains(hs_zone *z, double x, double y)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(z->h, x, y);
    if (!pt)
        return 0;
    int in = GEOSPreparedIntersects_r(z->h, z->prep, pt) == 1;
    GEOSGeom_destroy_r(z->h, pt);
    return in;
}

int hs_zone_classify(hs_zone *z, const double *ring, int n)
{
    GEOSGeometry *lr = make_seq_geom(z, ring, (size_t)n, 1);
    GEOSGeometry *poly =
        lr ? GEOSGeom_createPolygon_r(z->h, lr, NULL, 0) : NULL;
    if (!poly)
        return 1;
    int res = 1;
    if (GEOSPreparedContains_r(z->h, z->prep, poly) == 1)
        res = 2;
    else if (GEOSPreparedIntersects_r(z->h, z->prep, poly) == 0)
        res = 0;
    GEOSGeom_destroy_r(z->h, poly);
    return res;
}

/* Append one ring's coordinates. */
static int put_ring(const hs_zone *z, const GEOSGeometry *ring, double **xy,
                    size_t *n_xy, size_t *cap)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(z->h, ring);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(z->h, cs, &n))
        return -1;
    if (*n_xy + n > *cap) {
        size_t nc = (*n_xy + n) * 2;
        double *g = realloc(*xy, nc * 2 * sizeof **xy);
        if (!g)
            return -1;
        *xy = g;
        *cap = nc;
    }
    for (unsigned i = 0; i < n; i++)
        GEOSCoordSeq_getXY_r(z->h, cs, i, &(*xy)[2 * (*n_xy + i)],
                             &(*xy)[2 * (*n_xy + i) + 1]);
    *n_xy += n;
    return 0;
}

int hs_zone_rings(const hs_zone *z, double **xy, int64_t **part_off,
                  uint8_t **outer, size_t *n_rings)
{
    *xy = NULL;
    *part_off = NULL;
    *outer = NULL;
    *n_rings = 0;
    int ng = GEOSGetNumGeometries_r(z->h, z->band);
    size_t total = 0;
    for (int g = 0; g < ng; g++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(z->h, z->band, g);
        if (GEOSGeomTypeId_r(z->h, poly) == GEOS_POLYGON &&
            !GEOSisEmpty_r(z->h, poly))
            total += 1 + (size_t)GEOSGetNumInteriorRings_r(z->h, poly);
    }
    int64_t *off = hs_alloc(total + 1, sizeof *off);
    uint8_t *out = hs_alloc(total + 1, 1);
    double *pts = NULL;
    size_t n_xy = 0, cap = 0, r = 0;
    if (!off || !out)
        goto fail;
    off[0] = 0;
    for (int g = 0; g < ng; g++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(z->h, z->band, g);
        if (GEOSGeomTypeId_r(z->h, poly) != GEOS_POLYGON ||
            GEOSisEmpty_r(z->h, poly))
            continue;
        if (put_ring(z, GEOSGetExteriorRing_r(z->h, poly), &pts, &n_xy,
                     &cap))
            goto fail;
        out[r] = 1;
        off[++r] = (int64_t)n_xy;
        int nh = GEOSGetNumInteriorRings_r(z->h, poly);
        for (int k = 0; k < nh; k++) {
            if (put_ring(z, GEOSGetInteriorRingN_r(z->h, poly, k), &pts,
                         &n_xy, &cap))
                goto fail;
            out[r] = 0;
            off[++r] = (int64_t)n_xy;
        }
    }
    *xy = pts;
    *part_off = off;
    *outer = out;
    *n_rings = r;
    return 0;
fail:
    free(off);
    free(out);
    free(pts);
    return -1;
}
