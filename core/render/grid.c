/*
 * Map grids and their numbers: the round scale-bar length, the graticule
 * (meridians and parallels) and the UTM/MGRS grid, all returned as
 * polylines in map coordinates clipped to the map extent, with labels where
 * the lines meet the frame. Lines are densified before projection, so they
 * stay curves on any projection; points PROJ cannot project break a line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/marginalia_math.h"
#include "routemap/crs.h"
#include "util/util.h"

#define DEG_SIGN "\xc2\xb0" /* U+00B0 in UTF-8 */

/* ------------------------------------------------------------------ */
/* scale bar                                                           */
/* ------------------------------------------------------------------ */

/* 2.5 x 10^n is whole in its display unit: 25 m, 250 m, 25 km, ... */
static int quarter_allowed(int n)
{
    return n >= 1 && n != 3;
}

int rm__nice_scale_bar(rm_context *ctx, double *out_len_m, int *out_divisions,
                       double metres_per_px, double max_px)
{
    *out_len_m = NAN;
    *out_divisions = 0;
    double max_m = metres_per_px * max_px;
    if (!isfinite(metres_per_px) || !isfinite(max_px) ||
        metres_per_px <= 0.0 || max_px <= 0.0 || !isfinite(max_m) ||
        max_m <= 0.0)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "cannot choose a scale bar for %g m per pixel "
                         "and at most %g pixels: both must be positive "
                         "and finite",
                         metres_per_px, max_px);
    static const double mant[4] = {5.0, 2.5, 2.0, 1.0};
    int e = (int)floor(log10(max_m));
    for (int n = e + 1; n >= e - 2; n--) {
        double p10 = pow(10.0, n);
        for (int i = 0; i < 4; i++) {
            if (mant[i] == 2.5 && !quarter_allowed(n))
                continue;
            double len = mant[i] * p10;
            if (len <= max_m * (1.0 + 1e-9)) {
                *out_len_m = len;
                *out_divisions = mant[i] == 2.0 ? 4 : 5;
                return RM_OK;
            }
        }
    }
    return rm__error(ctx, RM_EINTERNAL, NULL,
                     "no scale-bar length fits %g m; please report this",
                     max_m);
}

/* "%.3f" without trailing zeros (and without a trailing point). */
static void format_trimmed(char *out, size_t cap, double v)
{
    snprintf(out, cap, "%.3f", v);
    char *dot = strchr(out, '.');
    if (!dot)
        return;
    char *end = out + strlen(out);
    while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == dot + 1)
        *dot = '\0';
}

void rm__format_length(char *out, size_t cap, double metres, int force_km)
{
    if (!out || cap == 0)
        return;
    char num[64];
    if (!isfinite(metres)) {
        snprintf(out, cap, "?");
        return;
    }
    if (force_km || fabs(metres) >= 1000.0) {
        format_trimmed(num, sizeof num, metres / 1000.0);
        snprintf(out, cap, "%s km", num);
    } else {
        format_trimmed(num, sizeof num, metres);
        snprintf(out, cap, "%s m", num);
    }
}

/* ------------------------------------------------------------------ */
/* polylines, labels and clipping                                      */
/* ------------------------------------------------------------------ */

typedef struct label_list {
    rm__map_label *v;
    size_t n, cap;
} label_list;

static int pl_start(rm__polylines *pl)
{
    /* offsets, kinds and values share cap_lines: grow them together. */
    if (pl->n_lines + 2 > pl->cap_lines) {
        size_t ncap = pl->cap_lines ? 2 * pl->cap_lines : 16;
        size_t *o = rm_reallocarray(pl->offsets, ncap, sizeof *o);
        if (!o)
            return RM_ENOMEM;
        pl->offsets = o;
        rm__line_kind *k = rm_reallocarray(pl->kinds, ncap, sizeof *k);
        if (!k)
            return RM_ENOMEM;
        pl->kinds = k;
        double *v = rm_reallocarray(pl->values, ncap, sizeof *v);
        if (!v)
            return RM_ENOMEM;
        pl->values = v;
        pl->cap_lines = ncap;
    }
    pl->offsets[pl->n_lines] = pl->n_points;
    return RM_OK;
}

static int pl_add(rm__polylines *pl, double x, double y)
{
    if (rm__grow((void **)&pl->xy, &pl->cap_points, pl->n_points + 1,
                 2 * sizeof *pl->xy) != RM_OK)
        return RM_ENOMEM;
    pl->xy[2 * pl->n_points] = x;
    pl->xy[2 * pl->n_points + 1] = y;
    pl->n_points++;
    return RM_OK;
}

/* Close the current line: keep it when it has 2+ points. */
static void pl_end(rm__polylines *pl, rm__line_kind kind, double value)
{
    size_t first = pl->offsets[pl->n_lines];
    if (pl->n_points - first < 2) {
        pl->n_points = first;
        return;
    }
    pl->kinds[pl->n_lines] = kind;
    pl->values[pl->n_lines] = value;
    pl->n_lines++;
    pl->offsets[pl->n_lines] = pl->n_points;
}

static void pl_free(rm__polylines *pl)
{
    free(pl->xy);
    free(pl->offsets);
    free(pl->kinds);
    free(pl->values);
    memset(pl, 0, sizeof *pl);
}

static int label_add(label_list *ll, double x, double y, rm__frame_edge edge,
                     rm__line_kind kind, double value, double angle,
                     const char *text)
{
    if (rm__grow((void **)&ll->v, &ll->cap, ll->n + 1, sizeof *ll->v) !=
        RM_OK)
        return RM_ENOMEM;
    rm__map_label *l = &ll->v[ll->n++];
    memset(l, 0, sizeof *l);
    l->x = x;
    l->y = y;
    l->edge = edge;
    l->kind = kind;
    l->value = value;
    l->angle_deg = angle;
    snprintf(l->text, sizeof l->text, "%s", text);
    return RM_OK;
}

/* What to do with one line while clipping it. */
typedef struct clip_job {
    rm__polylines *pl;
    label_list *labels;
    rm_bbox box;
    rm__line_kind kind;
    double value;     /* stored with the line and its labels */
    const char *text; /* label text */
    unsigned edges;   /* bit mask (1 << rm__frame_edge) to label */
} clip_job;

static int crossing(clip_job *job, double x, double y, int edge, double dx,
                    double dy)
{
    if (edge < 0 || !(job->edges & (1u << edge)))
        return RM_OK;
    double angle = atan2(dx, dy) * 180.0 / M_PI;
    return label_add(job->labels, x, y, (rm__frame_edge)edge, job->kind,
                     job->value, angle, job->text);
}

/* The frame edge a point lies on, or -1. */
static int on_edge(const rm_bbox *b, double x, double y)
{
    if (y == b->miny)
        return RM__EDGE_BOTTOM;
    if (y == b->maxy)
        return RM__EDGE_TOP;
    if (x == b->minx)
        return RM__EDGE_LEFT;
    if (x == b->maxx)
        return RM__EDGE_RIGHT;
    return -1;
}

/* Close the open line; a last point exactly on the frame is an exit. */
static int end_on_frame(clip_job *job, double x, double y, double dx,
                        double dy)
{
    int rc = crossing(job, x, y, on_edge(&job->box, x, y), dx, dy);
    pl_end(job->pl, job->kind, job->value);
    return rc;
}

/*
 * Clip the polyline xy[0..n) (NaN points break it) to job->box with
 * Liang-Barsky per segment, appending the visible pieces to job->pl and a
 * label wherever the line enters or leaves through a labelled edge.
 */
static int clip_polyline(clip_job *job, const double *xy, size_t n)
{
    const rm_bbox *b = &job->box;
    static const int edge_of[4] = {RM__EDGE_LEFT, RM__EDGE_RIGHT,
                                   RM__EDGE_BOTTOM, RM__EDGE_TOP};
    int open = 0, rc;
    double lx = 0, ly = 0, ldx = 0, ldy = 1; /* last point and direction */
    for (size_t i = 0; i + 1 < n; i++) {
        double x0 = xy[2 * i], y0 = xy[2 * i + 1];
        double x1 = xy[2 * i + 2], y1 = xy[2 * i + 3];
        if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) ||
            !isfinite(y1)) {
            if (open && (rc = end_on_frame(job, lx, ly, ldx, ldy)) != RM_OK)
                return rc;
            open = 0;
            continue;
        }
        double dx = x1 - x0, dy = y1 - y0;
        double p[4] = {-dx, dx, -dy, dy};
        double q[4] = {x0 - b->minx, b->maxx - x0, y0 - b->miny,
                       b->maxy - y0};
        double t0 = 0.0, t1 = 1.0;
        int ein = -1, eout = -1, reject = 0;
        for (int k = 0; k < 4 && !reject; k++) {
            if (p[k] == 0.0) {
                if (q[k] < 0.0)
                    reject = 1;
                continue;
            }
            double r = q[k] / p[k];
            if (p[k] < 0.0) {
                if (r > t1)
                    reject = 1;
                else if (r > t0) {
                    t0 = r;
                    ein = edge_of[k];
                }
            } else {
                if (r < t0)
                    reject = 1;
                else if (r < t1) {
                    t1 = r;
                    eout = edge_of[k];
                }
            }
        }
        if (!reject && t1 <= t0) {
            /* Touches the frame in one point: an exit when we were in. */
            if (open && t0 == 0.0) {
                if ((rc = crossing(job, x0, y0, eout, dx, dy)) != RM_OK)
                    return rc;
                pl_end(job->pl, job->kind, job->value);
                open = 0;
            }
            continue;
        }
        if (reject) {
            if (open)
                pl_end(job->pl, job->kind, job->value);
            open = 0;
            continue;
        }
        double ax = x0 + t0 * dx, ay = y0 + t0 * dy;
        double bx = x0 + t1 * dx, by = y0 + t1 * dy;
        if (ein >= 0 || !open) {
            if (open)
                pl_end(job->pl, job->kind, job->value);
            if ((rc = pl_start(job->pl)) != RM_OK ||
                (rc = pl_add(job->pl, ax, ay)) != RM_OK)
                return rc;
            open = 1;
            /* Entering: through an edge, or from a vertex lying exactly on
             * the frame (after an outside stretch, or where the line
             * starts, e.g. a meridian ending at a pole on the frame). */
            int e = ein >= 0 ? ein : on_edge(b, ax, ay);
            if ((rc = crossing(job, ax, ay, e, dx, dy)) != RM_OK)
                return rc;
        }
        if ((rc = pl_add(job->pl, bx, by)) != RM_OK)
            return rc;
        lx = bx;
        ly = by;
        ldx = dx;
        ldy = dy;
        if (eout >= 0) {
            if ((rc = crossing(job, bx, by, eout, dx, dy)) != RM_OK)
                return rc;
            pl_end(job->pl, job->kind, job->value);
            open = 0;
        }
    }
    if (open && (rc = end_on_frame(job, lx, ly, ldx, ldy)) != RM_OK)
        return rc;
    return RM_OK;
}

static int check_extent(rm_context *ctx, rm_bbox e, const char *what)
{
    if (!isfinite(e.minx) || !isfinite(e.miny) || !isfinite(e.maxx) ||
        !isfinite(e.maxy) || !(e.minx < e.maxx) || !(e.miny < e.maxy))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "cannot draw the %s of the map extent [%g, %g, "
                         "%g, %g]: it must be finite with min < max on "
                         "both axes",
                         what, e.minx, e.miny, e.maxx, e.maxy);
    return RM_OK;
}

/* ------------------------------------------------------------------ */
/* graticule                                                           */
/* ------------------------------------------------------------------ */

void rm__format_angle(char *out, size_t cap, double deg, int is_lat)
{
    if (!out || cap == 0)
        return;
    if (!isfinite(deg)) {
        snprintf(out, cap, "?");
        return;
    }
    if (!is_lat) {
        deg = remainder(deg, 360.0);
        if (deg == -180.0)
            deg = 180.0;
    }
    long total = lround(fabs(deg) * 60.0);
    long d = total / 60, m = total % 60;
    const char *hemi = "";
    if (total != 0 && !(!is_lat && total == 180 * 60))
        hemi = is_lat ? (deg > 0 ? "N" : "S") : (deg > 0 ? "E" : "W");
    if (m)
        snprintf(out, cap, "%ld" DEG_SIGN "%02ld'%s", d, m, hemi);
    else
        snprintf(out, cap, "%ld" DEG_SIGN "%s", d, hemi);
}

/* Round intervals, in minutes of arc. */
static const int interval_min[] = {1,   2,   5,    10,   15,   20,
                                   30,  60,  120,  300,  600,  900,
                                   1200, 1800, 2700, 5400};
#define N_INTERVALS (sizeof interval_min / sizeof interval_min[0])

/* Multiples of `step` (minutes) in [lo, hi] (degrees). */
static long count_lines(int step, double lo, double hi, long *first)
{
    double s = step / 60.0;
    long a = (long)ceil(lo / s - 1e-9), b = (long)floor(hi / s + 1e-9);
    if (first)
        *first = a;
    return b >= a ? b - a + 1 : 0;
}

static int pick_interval(double lo, double hi)
{
    for (size_t i = 0; i < N_INTERVALS; i++)
        if (count_lines(interval_min[i], lo, hi, NULL) <= 8)
            return interval_min[i];
    return interval_min[N_INTERVALS - 1];
}

#define DENSIFY 128 /* segments per graticule line */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * Copy the projected line xy[0..n) (projected from lon/lat ll[0..n)) into
 * out, cut wherever one step is over 20 times the median step: the line
 * wraps round the projection's edge there (a parallel reaching lon0 + 180
 * jumps to the other side of the map). Each side of a cut is extended to
 * the wrap, found by bisection in lon/lat, and a NaN point separates them.
 * Returns the number of points in out (at most 4n).
 */
static size_t break_jumps(rm_transform *to_map, const double *ll,
                          const double *xy, size_t n, double *out)
{
    double len[DENSIFY], sorted[DENSIFY];
    size_t m = 0;
    for (size_t i = 0; i + 1 < n && i < DENSIFY; i++) {
        len[i] = hypot(xy[2 * i + 2] - xy[2 * i], xy[2 * i + 3] -
                                                      xy[2 * i + 1]);
        if (isfinite(len[i]))
            sorted[m++] = len[i];
    }
    double limit = INFINITY;
    if (m > 0) {
        qsort(sorted, m, sizeof *sorted, cmp_double);
        limit = 20.0 * sorted[m / 2];
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        out[2 * k] = xy[2 * i];
        out[2 * k + 1] = xy[2 * i + 1];
        k++;
        if (!(i + 1 < n && i < DENSIFY && isfinite(len[i]) &&
              len[i] > limit))
            continue;
        /* Bisect the wrap between vertices i (side a) and i + 1 (b). */
        const double *pa = &xy[2 * i], *pb = &xy[2 * i + 2];
        double la[2] = {ll[2 * i], ll[2 * i + 1]};
        double lb[2] = {ll[2 * i + 2], ll[2 * i + 3]};
        double qa[2] = {pa[0], pa[1]}, qb[2] = {pb[0], pb[1]};
        for (int it = 0; it < 50; it++) {
            double lm[2] = {0.5 * (la[0] + lb[0]), 0.5 * (la[1] + lb[1])};
            double q[2] = {lm[0], lm[1]};
            if (rm_transform_apply(to_map, q, 1, NULL) != RM_OK ||
                !isfinite(q[0]) || !isfinite(q[1]))
                break;
            if (hypot(q[0] - pa[0], q[1] - pa[1]) <=
                hypot(q[0] - pb[0], q[1] - pb[1])) {
                memcpy(la, lm, sizeof la);
                memcpy(qa, q, sizeof qa);
            } else {
                memcpy(lb, lm, sizeof lb);
                memcpy(qb, q, sizeof qb);
            }
        }
        out[2 * k] = qa[0];
        out[2 * k + 1] = qa[1];
        out[2 * k + 2] = out[2 * k + 3] = NAN;
        out[2 * k + 4] = qb[0];
        out[2 * k + 5] = qb[1];
        k += 3;
    }
    return k;
}

/* Densify a line in lon/lat, project it and clip it. `buf` holds
 * 2 * (6 * DENSIFY + 6) doubles. */
static int graticule_line(clip_job *job, rm_transform *to_map, int meridian,
                          double fixed, double lo, double hi, double *buf)
{
    double *ll = buf, *xy = buf + 2 * (DENSIFY + 1);
    for (int i = 0; i <= DENSIFY; i++) {
        double v = lo + (hi - lo) * i / DENSIFY;
        ll[2 * i] = meridian ? fixed : v;
        ll[2 * i + 1] = meridian ? v : fixed;
    }
    memcpy(xy, ll, 2 * (DENSIFY + 1) * sizeof *xy);
    int rc = rm_transform_apply(to_map, xy, DENSIFY + 1, NULL);
    if (rc != RM_OK)
        return rc;
    double *broken = buf + 4 * (DENSIFY + 1);
    size_t n = break_jumps(to_map, ll, xy, DENSIFY + 1, broken);
    return clip_polyline(job, broken, n);
}

void rm__graticule_free(rm__graticule *g)
{
    if (!g)
        return;
    pl_free(&g->lines);
    free(g->labels);
    memset(g, 0, sizeof *g);
}

int rm__graticule_build(rm_context *ctx, rm__graticule *out, const char *crs,
                        rm_bbox extent)
{
    memset(out, 0, sizeof *out);
    int rc = check_extent(ctx, extent, "graticule");
    if (rc != RM_OK)
        return rc;
    rm_transform *to_ll = NULL, *to_map = NULL;
    label_list labels = {NULL, 0, 0};
    double *buf = NULL;
    rm_bbox ll;
    if ((rc = rm_transform_create(ctx, &to_ll, crs, "EPSG:4326")) != RM_OK ||
        (rc = rm_transform_create(ctx, &to_map, "EPSG:4326", crs)) != RM_OK ||
        (rc = rm_transform_bbox(to_ll, extent, &ll)) != RM_OK)
        goto done;
    if (ll.maxx < ll.minx) /* across the antimeridian */
        ll.maxx += 360.0;
    ll.miny = fmax(ll.miny, -90.0);
    ll.maxy = fmin(ll.maxy, 90.0);
    /* A full turn: -180 and 180 are one meridian, count it once. */
    if (ll.maxx - ll.minx >= 360.0 - 1e-9)
        ll.maxx = ll.minx + 360.0 - 1e-6;

    int ilon = pick_interval(ll.minx, ll.maxx);
    int ilat = pick_interval(ll.miny, ll.maxy);
    int common = ilon > ilat ? ilon : ilat;
    if (count_lines(common, ll.minx, ll.maxx, NULL) >= 3 &&
        count_lines(common, ll.miny, ll.maxy, NULL) >= 3)
        ilon = ilat = common;
    out->lon_interval_deg = ilon / 60.0;
    out->lat_interval_deg = ilat / 60.0;

    buf = rm_mallocarray(2 * (6 * DENSIFY + 6), sizeof *buf);
    if (!buf) {
        rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory (graticule)");
        goto done;
    }
    /* Lines run a little beyond the box so they cross the frame. */
    double mlat = 0.1 * (ll.maxy - ll.miny) + 1e-6;
    double mlon = 0.1 * (ll.maxx - ll.minx) + 1e-6;
    double lat_lo = fmax(ll.miny - mlat, -90.0);
    double lat_hi = fmin(ll.maxy + mlat, 90.0);
    double lon_lo = ll.minx - mlon, lon_hi = ll.maxx + mlon;
    if (lon_hi - lon_lo > 360.0) {
        lon_lo = ll.minx;
        lon_hi = ll.minx + 360.0;
    }

    clip_job job = {&out->lines, &labels, extent, RM__LINE_MERIDIAN, 0,
                    NULL, (1u << RM__EDGE_TOP) | (1u << RM__EDGE_BOTTOM)};
    char text[32];
    long first, n = count_lines(ilon, ll.minx, ll.maxx, &first);
    for (long i = 0; i < n && rc == RM_OK; i++) {
        long minutes = (first + i) * ilon;
        double lon = minutes / 60.0;
        /* A full turn would draw the same meridian twice. */
        if (i > 0 && (first + i) * ilon - first * ilon >= 360 * 60)
            break;
        rm__format_angle(text, sizeof text, lon, 0);
        job.value = remainder(lon, 360.0) == -180.0 ? 180.0
                                                    : remainder(lon, 360.0);
        job.text = text;
        rc = graticule_line(&job, to_map, 1, lon, lat_lo, lat_hi, buf);
    }
    job.kind = RM__LINE_PARALLEL;
    job.edges = (1u << RM__EDGE_LEFT) | (1u << RM__EDGE_RIGHT);
    n = count_lines(ilat, ll.miny, ll.maxy, &first);
    for (long i = 0; i < n && rc == RM_OK; i++) {
        double lat = (first + i) * ilat / 60.0;
        if (fabs(lat) >= 90.0) /* a pole is a point, not a line */
            continue;
        rm__format_angle(text, sizeof text, lat, 1);
        job.value = lat;
        job.text = text;
        rc = graticule_line(&job, to_map, 0, lat, lon_lo, lon_hi, buf);
    }
    if (rc == RM_ENOMEM)
        rm__error(ctx, RM_ENOMEM, NULL, "out of memory (graticule)");
done:
    free(buf);
    rm_transform_destroy(to_ll);
    rm_transform_destroy(to_map);
    out->labels = labels.v;
    out->n_labels = labels.n;
    if (rc != RM_OK)
        rm__graticule_free(out);
    return rc;
}

/* ------------------------------------------------------------------ */
/* UTM zones and MGRS letters                                          */
/* ------------------------------------------------------------------ */

int rm__utm_zone(double lat, double lon)
{
    if (!isfinite(lat) || !isfinite(lon))
        return 0;
    lon = remainder(lon, 360.0); /* [-180, 180] */
    if (lon >= 180.0)
        lon -= 360.0;
    int zone = (int)floor((lon + 180.0) / 6.0) + 1;
    if (zone > 60)
        zone = 60;
    if (zone < 1)
        zone = 1;
    /* Norway: 32V extends west to 3 E. */
    if (lat >= 56.0 && lat < 64.0 && lon >= 3.0 && lon < 12.0)
        zone = 32;
    /* Svalbard: 31X, 33X, 35X, 37X; 32X, 34X, 36X are not used. */
    if (lat >= 72.0 && lat <= 84.0 && lon >= 0.0 && lon < 42.0) {
        if (lon < 9.0)
            zone = 31;
        else if (lon < 21.0)
            zone = 33;
        else if (lon < 33.0)
            zone = 35;
        else
            zone = 37;
    }
    return zone;
}

char rm__mgrs_band(double lat)
{
    static const char bands[] = "CDEFGHJKLMNPQRSTUVWX";
    if (!isfinite(lat) || lat < -80.0 || lat > 84.0)
        return 0;
    int i = (int)floor((lat + 80.0) / 8.0);
    if (i > 19) /* X spans 72..84 */
        i = 19;
    return bands[i];
}

int rm__mgrs_square(rm_context *ctx, char out[3], int zone, double easting,
                    double northing)
{
    static const char cols[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"; /* 24 */
    static const char rows[] = "ABCDEFGHJKLMNPQRSTUV";     /* 20 */
    out[0] = out[1] = out[2] = '\0';
    if (zone < 1 || zone > 60 || !isfinite(easting) || !isfinite(northing) ||
        easting < 100000.0 || easting >= 900000.0 ||
        fabs(northing) > 2e7)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no MGRS 100 km square for UTM zone %d, easting "
                         "%.0f m, northing %.0f m: the zone must be 1..60 "
                         "and the easting in [100 km, 900 km)",
                         zone, easting, northing);
    int col = (int)floor(easting / 100000.0);  /* 1..8 */
    int set = zone % 3;                        /* 1: A-H, 2: J-R, 0: S-Z */
    int col_base = set == 1 ? 0 : set == 2 ? 8 : 16;
    long row = (long)floor(northing / 100000.0);
    row %= 20;
    if (row < 0)
        row += 20;
    if (zone % 2 == 0)
        row = (row + 5) % 20;
    out[0] = cols[col_base + col - 1];
    out[1] = rows[row];
    return RM_OK;
}

/* ------------------------------------------------------------------ */
/* UTM grid                                                            */
/* ------------------------------------------------------------------ */

typedef struct utm_env {
    rm_transform *utm_to_ll, *utm_to_map;
    int zone;
} utm_env;

/* Is UTM point (e, n) inside the grid's zone (and 80 S .. 84 N)? */
static int in_zone(utm_env *env, double e, double n, double *lonlat)
{
    double p[2] = {e, n};
    if (rm_transform_apply(env->utm_to_ll, p, 1, NULL) != RM_OK ||
        !isfinite(p[0]) || !isfinite(p[1]))
        return 0;
    if (lonlat) {
        lonlat[0] = p[0];
        lonlat[1] = p[1];
    }
    return p[1] >= -80.0 && p[1] <= 84.0 &&
           rm__utm_zone(p[1], p[0]) == env->zone;
}

/* The zone boundary between inside point a and outside point b (UTM). */
static void boundary(utm_env *env, const double *a, const double *b,
                     double *out)
{
    double in[2] = {a[0], a[1]}, ou[2] = {b[0], b[1]};
    for (int i = 0; i < 40; i++) {
        double m[2] = {0.5 * (in[0] + ou[0]), 0.5 * (in[1] + ou[1])};
        if (in_zone(env, m[0], m[1], NULL)) {
            in[0] = m[0];
            in[1] = m[1];
        } else {
            ou[0] = m[0];
            ou[1] = m[1];
        }
    }
    out[0] = in[0];
    out[1] = in[1];
}

/*
 * One grid line from UTM a to UTM b: densified in `nseg` segments, cut to
 * the zone (boundary points found by bisection), projected to the map and
 * clipped. `buf` holds 2 * (2 * nseg + 4) doubles.
 */
static int utm_line(utm_env *env, clip_job *job, const double *a,
                    const double *b, int nseg, double *pts, double *buf)
{
    size_t m = 0;
    int prev_in = 0;
    double prev[2] = {0, 0};
    for (int i = 0; i <= nseg; i++) {
        double p[2] = {a[0] + (b[0] - a[0]) * i / nseg,
                       a[1] + (b[1] - a[1]) * i / nseg};
        int cur_in = in_zone(env, p[0], p[1], NULL);
        if (i > 0 && cur_in != prev_in) {
            double q[2];
            if (cur_in)
                boundary(env, p, prev, q);
            else
                boundary(env, prev, p, q);
            pts[2 * m] = q[0];
            pts[2 * m + 1] = q[1];
            m++;
        }
        if (cur_in) {
            pts[2 * m] = p[0];
            pts[2 * m + 1] = p[1];
        } else {
            pts[2 * m] = pts[2 * m + 1] = NAN;
        }
        m++;
        prev[0] = p[0];
        prev[1] = p[1];
        prev_in = cur_in;
    }
    memcpy(buf, pts, 2 * m * sizeof *buf);
    int rc = rm_transform_apply(env->utm_to_map, buf, m, NULL);
    if (rc != RM_OK)
        return rc;
    return clip_polyline(job, buf, m);
}

void rm__utm_grid_free(rm__utm_grid *g)
{
    if (!g)
        return;
    pl_free(&g->lines);
    free(g->labels);
    free(g->squares);
    memset(g, 0, sizeof *g);
}

static double fold_northing(int north, double n)
{
    if (north && n < 0.0)
        return n + 1e7;
    if (!north && n >= 1e7)
        return n - 1e7;
    return n;
}

#define MAX_GRID_LINES 400

int rm__utm_grid_build(rm_context *ctx, rm__utm_grid *out, const char *crs,
                       rm_bbox extent)
{
    memset(out, 0, sizeof *out);
    int rc = check_extent(ctx, extent, "UTM grid");
    if (rc != RM_OK)
        return rc;
    rm_transform *map_to_ll = NULL, *ll_to_utm = NULL, *map_to_utm = NULL;
    utm_env env = {NULL, NULL, 0};
    label_list labels = {NULL, 0, 0}, squares = {NULL, 0, 0};
    double *pts = NULL, *buf = NULL;
    char utm_def[24];

    if ((rc = rm_transform_create(ctx, &map_to_ll, crs, "EPSG:4326")) !=
        RM_OK)
        goto done;
    double c[2] = {0.5 * (extent.minx + extent.maxx),
                   0.5 * (extent.miny + extent.maxy)};
    rm_transform_apply(map_to_ll, c, 1, NULL);
    if (!isfinite(c[0]) || !isfinite(c[1]) || c[1] < -80.0 ||
        c[1] > 84.0) {
        rc = rm__error(ctx, RM_ECRS, NULL,
                       "no UTM grid for this map: its centre (lon %g, "
                       "lat %g) is not within 80 S .. 84 N where UTM is "
                       "defined; use the graticule instead",
                       c[0], c[1]);
        goto done;
    }
    out->zone = env.zone = rm__utm_zone(c[1], c[0]);
    out->north = c[1] >= 0.0;
    snprintf(utm_def, sizeof utm_def, "EPSG:%d",
             (out->north ? 32600 : 32700) + out->zone);
    if ((rc = rm_transform_create(ctx, &env.utm_to_ll, utm_def,
                                  "EPSG:4326")) != RM_OK ||
        (rc = rm_transform_create(ctx, &env.utm_to_map, utm_def, crs)) !=
            RM_OK ||
        (rc = rm_transform_create(ctx, &ll_to_utm, "EPSG:4326", utm_def)) !=
            RM_OK)
        goto done;

    /* The part of the map near the zone, as a UTM box. */
    rm_bbox ll;
    if ((rc = rm_transform_bbox(map_to_ll, extent, &ll)) != RM_OK)
        goto done;
    double lon0 = (out->zone - 1) * 6.0 - 177.0;
    if (ll.maxx < ll.minx || ll.maxx - ll.minx >= 360.0) {
        ll.minx = -180.0;
        ll.maxx = 180.0;
    }
    /* Compare longitudes relative to the zone's meridian. */
    double rmin = ll.minx - lon0, rmax = ll.maxx - lon0;
    if (ll.maxx - ll.minx < 360.0 && (rmax < -180.0 || rmin > 180.0)) {
        double shift = rmax < -180.0 ? 360.0 : -360.0;
        rmin += shift;
        rmax += shift;
    }
    rm_bbox zl = {lon0 + fmax(rmin, -6.0), fmax(ll.miny, -80.0),
                  lon0 + fmin(rmax, 6.0), fmin(ll.maxy, 84.0)};
    rm_bbox ub;
    if (!(zl.minx < zl.maxx && zl.miny < zl.maxy) ||
        (rc = rm_transform_bbox(ll_to_utm, zl, &ub)) != RM_OK) {
        if (rc == RM_OK)
            rc = rm__error(ctx, RM_ECRS, NULL,
                           "the map does not overlap UTM zone %d; "
                           "please report this with the map extent",
                           out->zone);
        goto done;
    }
    /* Tighter: the map extent itself in UTM, when PROJ can give it. */
    rm_bbox ue;
    if (rm_transform_create(ctx, &map_to_utm, crs, utm_def) == RM_OK &&
        rm_transform_bbox(map_to_utm, extent, &ue) == RM_OK &&
        isfinite(ue.minx) && isfinite(ue.maxx) && isfinite(ue.miny) &&
        isfinite(ue.maxy)) {
        ub.minx = fmax(ub.minx, ue.minx);
        ub.miny = fmax(ub.miny, ue.miny);
        ub.maxx = fmin(ub.maxx, ue.maxx);
        ub.maxy = fmin(ub.maxy, ue.maxy);
    }
    if (!(ub.minx < ub.maxx && ub.miny < ub.maxy)) {
        rc = rm__error(ctx, RM_ECRS, NULL,
                       "the map does not overlap UTM zone %d; please "
                       "report this with the map extent",
                       out->zone);
        goto done;
    }
    double side = fmax(ub.maxx - ub.minx, ub.maxy - ub.miny);
    double s = side <= 15000.0 ? 1000.0 : side <= 150000.0 ? 10000.0
                                                           : 100000.0;
    out->spacing_m = s;
    long e0 = (long)ceil(ub.minx / s), e1 = (long)floor(ub.maxx / s);
    long n0 = (long)ceil(ub.miny / s), n1 = (long)floor(ub.maxy / s);
    if (e1 - e0 > MAX_GRID_LINES || n1 - n0 > MAX_GRID_LINES) {
        rc = rm__error(ctx, RM_EINVAL, NULL,
                       "the map is too large for a UTM grid (more than "
                       "%d lines); use the graticule instead",
                       MAX_GRID_LINES);
        goto done;
    }

    /* Lines run a little beyond the box so they cross the frame. */
    double mg = 0.02 * side + 1.0;
    int nseg = 64;
    pts = rm_mallocarray(2 * (2 * (size_t)nseg + 4), sizeof *pts);
    buf = rm_mallocarray(2 * (2 * (size_t)nseg + 4), sizeof *buf);
    if (!pts || !buf) {
        rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory (UTM grid)");
        goto done;
    }
    char text[32];
    clip_job job = {&out->lines, &labels, extent, RM__LINE_EASTING, 0, text,
                    (1u << RM__EDGE_TOP) | (1u << RM__EDGE_BOTTOM)};
    for (long i = e0; i <= e1 && rc == RM_OK; i++) {
        double e = i * s;
        double a[2] = {e, ub.miny - mg}, b[2] = {e, ub.maxy + mg};
        job.value = e;
        snprintf(text, sizeof text, "%ld km E", (long)lround(e / 1000.0));
        rc = utm_line(&env, &job, a, b, nseg, pts, buf);
    }
    job.kind = RM__LINE_NORTHING;
    job.edges = (1u << RM__EDGE_LEFT) | (1u << RM__EDGE_RIGHT);
    for (long i = n0; i <= n1 && rc == RM_OK; i++) {
        double n = i * s;
        double a[2] = {ub.minx - mg, n}, b[2] = {ub.maxx + mg, n};
        job.value = fold_northing(out->north, n);
        snprintf(text, sizeof text, "%ld km N",
                 (long)lround(job.value / 1000.0));
        rc = utm_line(&env, &job, a, b, nseg, pts, buf);
    }

    /* MGRS 100 km squares: label the centre of each square's visible part. */
    long se0 = (long)floor(ub.minx / 1e5), se1 = (long)floor(ub.maxx / 1e5);
    long sn0 = (long)floor(ub.miny / 1e5), sn1 = (long)floor(ub.maxy / 1e5);
    for (long i = se0; i <= se1 && rc == RM_OK; i++) {
        for (long j = sn0; j <= sn1 && rc == RM_OK; j++) {
            double w0 = fmax(i * 1e5, ub.minx);
            double w1 = fmin((i + 1) * 1e5, ub.maxx);
            double h0 = fmax(j * 1e5, ub.miny);
            double h1 = fmin((j + 1) * 1e5, ub.maxy);
            /* Slivers (under a quarter of a square or of the map) get no
             * identifier of their own. */
            if (w1 - w0 < 0.25 * fmin(1e5, ub.maxx - ub.minx) ||
                h1 - h0 < 0.25 * fmin(1e5, ub.maxy - ub.miny))
                continue;
            double ce = 0.5 * (w0 + w1), cn = 0.5 * (h0 + h1);
            double lonlat[2];
            char sq[3];
            if (!in_zone(&env, ce, cn, lonlat) ||
                rm__mgrs_square(NULL, sq, out->zone, ce, cn) != RM_OK)
                continue;
            char band = rm__mgrs_band(lonlat[1]);
            double p[2] = {ce, cn};
            rm_transform_apply(env.utm_to_map, p, 1, NULL);
            if (!band || !(p[0] >= extent.minx && p[0] <= extent.maxx &&
                           p[1] >= extent.miny && p[1] <= extent.maxy))
                continue;
            snprintf(text, sizeof text, "%d%c %s", out->zone, band, sq);
            if (label_add(&squares, p[0], p[1], RM__EDGE_NONE,
                          RM__LINE_SQUARE, 0.0, 0.0, text) != RM_OK)
                rc = RM_ENOMEM;
        }
    }
    if (rc == RM_ENOMEM)
        rm__error(ctx, RM_ENOMEM, NULL, "out of memory (UTM grid)");
done:
    free(pts);
    free(buf);
    rm_transform_destroy(map_to_ll);
    rm_transform_destroy(ll_to_utm);
    rm_transform_destroy(map_to_utm);
    rm_transform_destroy(env.utm_to_ll);
    rm_transform_destroy(env.utm_to_map);
    out->labels = labels.v;
    out->n_labels = labels.n;
    out->squares = squares.v;
    out->n_squares = squares.n;
    if (rc != RM_OK)
        rm__utm_grid_free(out);
    return rc;
}
