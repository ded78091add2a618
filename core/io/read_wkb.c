/*
 * A small, strict WKB decoder: ISO and extended WKB (and GeoPackage
 * binary blobs) of points, line strings, polygons, their multi forms and
 * collections become parts of a staged geometry. Every count is checked
 * against the bytes left before anything is allocated or copied; Z and M
 * are skipped. Curves are reported as unsupported for OGR to linearise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_internal.h"
#include "util/util.h"

#define MAX_DEPTH 32

typedef struct cursor {
    const uint8_t *p;
    size_t len, pos;
} cursor;

void rd_geom_reset(rd_geom *g)
{
    g->n = 0;
    g->np = 0;
    g->has_t = 0;
}

void rd_geom_free(rd_geom *g)
{
    free(g->xy);
    free(g->t);
    free(g->end);
    free(g->outer);
    free(g->pdim);
    memset(g, 0, sizeof *g);
}

static int reserve_coords(rd_geom *g, size_t extra)
{
    if (g->n + extra <= g->cap)
        return RM_OK;
    size_t cap = g->cap ? g->cap : 64;
    while (cap < g->n + extra) {
        if (cap > SIZE_MAX / 4)
            return RM_ENOMEM;
        cap *= 2;
    }
    double *p = rm_reallocarray(g->xy, cap, 2 * sizeof *p);
    if (!p)
        return RM_ENOMEM;
    g->xy = p;
    g->cap = cap;
    return RM_OK;
}

static int reserve_parts(rd_geom *g, size_t extra)
{
    if (g->np + extra <= g->pcap)
        return RM_OK;
    size_t cap = g->pcap ? g->pcap : 16;
    while (cap < g->np + extra)
        cap *= 2;
    size_t *e = rm_reallocarray(g->end, cap, sizeof *e);
    if (!e)
        return RM_ENOMEM;
    g->end = e;
    uint8_t *o = rm_reallocarray(g->outer, cap, 1);
    if (!o)
        return RM_ENOMEM;
    g->outer = o;
    uint8_t *d = rm_reallocarray(g->pdim, cap, 1);
    if (!d)
        return RM_ENOMEM;
    g->pdim = d;
    g->pcap = cap;
    return RM_OK;
}

int rd_geom_add_part(rd_geom *g, const double *xy, size_t n, int dim,
                     int outer)
{
    if (reserve_coords(g, n) || reserve_parts(g, 1))
        return RM_ENOMEM;
    if (xy && n)
        memcpy(g->xy + 2 * g->n, xy, n * 2 * sizeof *xy);
    g->n += n;
    g->end[g->np] = g->n;
    g->outer[g->np] = (uint8_t)(outer != 0);
    g->pdim[g->np] = (uint8_t)dim;
    g->np++;
    return RM_OK;
}

static int read_u32(cursor *c, int le, uint32_t *out)
{
    if (c->len - c->pos < 4)
        return RD_WKB_BAD;
    const uint8_t *b = c->p + c->pos;
    *out = le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 |
                    (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
              : (uint32_t)b[3] | (uint32_t)b[2] << 8 |
                    (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
    c->pos += 4;
    return RD_WKB_OK;
}

static int host_is_le(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

static double get_f64(const uint8_t *b, int swap)
{
    uint8_t tmp[8];
    if (swap) {
        for (int i = 0; i < 8; i++)
            tmp[i] = b[7 - i];
        b = tmp;
    }
    double d;
    memcpy(&d, b, sizeof d);
    return d;
}

/* Copy `n` coordinates of `dims` doubles each (x and y kept). */
static int read_coords(cursor *c, rd_geom *g, size_t n, int dims, int le,
                       int dim, int outer)
{
    size_t stride = (size_t)dims * 8;
    if (n > (c->len - c->pos) / stride)
        return RD_WKB_BAD;
    if (reserve_coords(g, n) || reserve_parts(g, 1))
        return RM_ENOMEM;
    const uint8_t *b = c->p + c->pos;
    double *dst = g->xy + 2 * g->n;
    int swap = le != host_is_le();
    if (!swap && dims == 2) {
        memcpy(dst, b, n * 16);
    } else {
        for (size_t i = 0; i < n; i++) {
            dst[2 * i] = get_f64(b + i * stride, swap);
            dst[2 * i + 1] = get_f64(b + i * stride + 8, swap);
        }
    }
    c->pos += n * stride;
    g->n += n;
    g->end[g->np] = g->n;
    g->outer[g->np] = (uint8_t)outer;
    g->pdim[g->np] = (uint8_t)dim;
    g->np++;
    return RD_WKB_OK;
}

static int decode(cursor *c, rd_geom *g, int depth)
{
    if (depth > MAX_DEPTH || c->pos >= c->len)
        return RD_WKB_BAD;
    uint8_t order = c->p[c->pos++];
    if (order > 1)
        return RD_WKB_BAD;
    int le = order == 1;
    uint32_t type;
    if (read_u32(c, le, &type))
        return RD_WKB_BAD;
    int dims = 2;
    if (type & 0x80000000u)
        dims++;
    if (type & 0x40000000u)
        dims++;
    if (type & 0x20000000u) { /* EWKB SRID */
        uint32_t srid;
        if (read_u32(c, le, &srid))
            return RD_WKB_BAD;
    }
    type &= 0x0fffffffu;
    uint32_t iso = type / 1000, kind = type % 1000;
    if (iso > 3)
        return RD_WKB_BAD;
    dims += iso == 3 ? 2 : (iso ? 1 : 0);

    uint32_t n;
    int rc;
    switch (kind) {
    case 1: { /* Point; NaN NaN is the empty point */
        size_t stride = (size_t)dims * 8;
        if (c->len - c->pos < stride)
            return RD_WKB_BAD;
        int swap = le != host_is_le();
        double x = get_f64(c->p + c->pos, swap);
        double y = get_f64(c->p + c->pos + 8, swap);
        if (isnan(x) && isnan(y)) {
            c->pos += stride;
            return RD_WKB_OK;
        }
        return read_coords(c, g, 1, dims, le, RD_DIM_POINT, 1);
    }
    case 2: /* LineString */
        if (read_u32(c, le, &n))
            return RD_WKB_BAD;
        if (n == 0)
            return RD_WKB_OK;
        return read_coords(c, g, n, dims, le, RD_DIM_LINE, 1);
    case 3: { /* Polygon */
        uint32_t rings;
        if (read_u32(c, le, &rings))
            return RD_WKB_BAD;
        if (rings > (c->len - c->pos) / 4)
            return RD_WKB_BAD;
        for (uint32_t i = 0; i < rings; i++) {
            if (read_u32(c, le, &n))
                return RD_WKB_BAD;
            if (n == 0)
                continue;
            rc = read_coords(c, g, n, dims, le, RD_DIM_POLY, i == 0);
            if (rc)
                return rc;
        }
        return RD_WKB_OK;
    }
    case 4: /* MultiPoint */
    case 5: /* MultiLineString */
    case 6: /* MultiPolygon */
    case 7: /* GeometryCollection */
        if (read_u32(c, le, &n))
            return RD_WKB_BAD;
        if (n > (c->len - c->pos) / 5)
            return RD_WKB_BAD;
        for (uint32_t i = 0; i < n; i++) {
            rc = decode(c, g, depth + 1);
            if (rc)
                return rc;
        }
        return RD_WKB_OK;
    case 8:  /* CircularString */
    case 9:  /* CompoundCurve */
    case 10: /* CurvePolygon */
    case 11: /* MultiCurve */
    case 12: /* MultiSurface */
    case 15: /* PolyhedralSurface */
    case 16: /* TIN */
    case 17: /* Triangle */
        return RD_WKB_UNSUPPORTED;
    default:
        return RD_WKB_BAD;
    }
}

int rd_wkb_decode(rd_geom *g, const uint8_t *wkb, size_t len)
{
    cursor c = {wkb, len, 0};
    if (len >= 8 && wkb[0] == 'G' && wkb[1] == 'P') {
        /* GeoPackage binary: magic, version, flags, srs_id, envelope. */
        uint8_t flags = wkb[3];
        static const size_t env[8] = {0, 32, 48, 48, 64, 0, 0, 0};
        int indicator = (flags >> 1) & 7;
        if (indicator > 4 || (flags & 0x20))
            return RD_WKB_UNSUPPORTED;
        if (flags & 0x10) /* empty */
            return RD_WKB_OK;
        c.pos = 8 + env[indicator];
        if (c.pos > len)
            return RD_WKB_BAD;
    }
    return decode(&c, g, 0); /* RD_WKB_* or RM_ENOMEM */
}
