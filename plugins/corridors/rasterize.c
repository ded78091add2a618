/*
 * Vector geometry to grid cells: the supercover of a segment (every cell
 * it passes through, 4-connected, so no diagonal move can slip across a
 * rasterised line) and polygons by the even-odd rule on cell centres plus
 * their outline. Everything is clipped to the grid; nothing outside it is
 * ever visited.
 */
#include <math.h>
#include <stdlib.h>

#include "cr.h"

static int visit(const cr_grid *g, int r, int c, cr_cell_fn fn, void *ud)
{
    if (r < 0 || c < 0 || r >= g->h || c >= g->w)
        return 0;
    return fn(ud, (size_t)r * (size_t)g->w + (size_t)c);
}

/* Liang-Barsky clip of p(t) = a + t d, t in [0, 1], to [0, w] x [0, h]. */
static int clip(double u0, double v0, double du, double dv, double w,
                double h, double *t0, double *t1)
{
    double p[4] = {-du, du, -dv, dv};
    double q[4] = {u0, w - u0, v0, h - v0};
    *t0 = 0;
    *t1 = 1;
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > *t1)
                return 0;
            if (t > *t0)
                *t0 = t;
        } else {
            if (t < *t0)
                return 0;
            if (t < *t1)
                *t1 = t;
        }
    }
    return 1;
}

static int cell_of(double u, int n)
{
    double f = floor(u);
    if (f < 0)
        return 0;
    if (f > n - 1)
        return n - 1;
    return (int)f;
}

int cr_raster_segment(const cr_grid *g, double ax, double ay, double bx,
                      double by, cr_cell_fn fn, void *ud)
{
    double ua = (ax - g->x0) / g->res, va = (g->y0 - ay) / g->res;
    double ub = (bx - g->x0) / g->res, vb = (g->y0 - by) / g->res;
    double du = ub - ua, dv = vb - va, t0, t1;
    if (!isfinite(ua + va + ub + vb) ||
        !clip(ua, va, du, dv, g->w, g->h, &t0, &t1))
        return 0;
    double u0 = ua + t0 * du, v0 = va + t0 * dv;
    double u1 = ua + t1 * du, v1 = va + t1 * dv;
    du = u1 - u0;
    dv = v1 - v0;
    int c = cell_of(u0, g->w), r = cell_of(v0, g->h);
    int ce = cell_of(u1, g->w), re = cell_of(v1, g->h);
    int sc = du > 0 ? 1 : (du < 0 ? -1 : 0);
    int sr = dv > 0 ? 1 : (dv < 0 ? -1 : 0);
    double tx = sc > 0 ? (c + 1 - u0) / du
                       : (sc < 0 ? (u0 - c) / -du : INFINITY);
    double ty = sr > 0 ? (r + 1 - v0) / dv
                       : (sr < 0 ? (v0 - r) / -dv : INFINITY);
    double dtx = sc ? 1 / fabs(du) : INFINITY;
    double dty = sr ? 1 / fabs(dv) : INFINITY;
    int rc = visit(g, r, c, fn, ud);
    long steps = labs((long)ce - c) + labs((long)re - r);
    while (rc == 0 && (c != ce || r != re) && steps-- >= 0) {
        if (tx < ty) {
            c += sc;
            tx += dtx;
        } else if (ty < tx) {
            r += sr;
            ty += dty;
        } else {
            /* Through a corner: both cells beside it. */
            rc = visit(g, r, c + sc, fn, ud);
            if (rc == 0)
                rc = visit(g, r + sr, c, fn, ud);
            c += sc;
            r += sr;
            tx += dtx;
            ty += dty;
            steps--;
        }
        if (rc == 0)
            rc = visit(g, r, c, fn, ud);
    }
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int cr_raster_polygon(const cr_grid *g, const double *xy,
                      const int64_t *off, size_t n_rings, cr_cell_fn fn,
                      void *ud)
{
    /* Rows whose centre lies within the polygon's vertical extent. */
    double ymin = INFINITY, ymax = -INFINITY;
    for (int64_t k = off[0]; k < off[n_rings]; k++) {
        ymin = fmin(ymin, xy[2 * k + 1]);
        ymax = fmax(ymax, xy[2 * k + 1]);
    }
    if (!(ymin <= ymax))
        return 0;
    double ra = ceil((g->y0 - ymax) / g->res - 0.5);
    double rb = floor((g->y0 - ymin) / g->res - 0.5);
    if (ra < 0)
        ra = 0;
    if (rb > g->h - 1)
        rb = g->h - 1;
    int rc = 0;
    if (ra <= rb) {
        int r0 = (int)ra, nr = (int)rb - r0 + 1;
        size_t *count = calloc((size_t)nr + 1, sizeof *count);
        if (!count)
            return -1;
        /* Two passes: count crossings per row, then store them. */
        double *xs = NULL;
        for (int pass = 0; pass < 2 && rc == 0; pass++) {
            size_t *fill = NULL;
            if (pass == 1) {
                for (int i = 0; i < nr; i++)
                    count[i + 1] += count[i];
                xs = malloc(sizeof(double) * (count[nr] ? count[nr] : 1));
                fill = calloc((size_t)nr, sizeof *fill);
                if (!xs || !fill) {
                    free(fill);
                    rc = -1;
                    break;
                }
            }
            for (size_t ring = 0; ring < n_rings; ring++) {
                for (int64_t k = off[ring]; k + 1 < off[ring + 1]; k++) {
                    double x1 = xy[2 * k], y1 = xy[2 * k + 1];
                    double x2 = xy[2 * k + 2], y2 = xy[2 * k + 3];
                    if (y1 == y2)
                        continue;
                    double lo = fmin(y1, y2), hi = fmax(y1, y2);
                    /* Rows with lo <= y < hi (half-open). */
                    double a = ceil((g->y0 - hi) / g->res - 0.5);
                    double b = floor((g->y0 - lo) / g->res - 0.5);
                    if (a < r0)
                        a = r0;
                    if (b > r0 + nr - 1)
                        b = r0 + nr - 1;
                    for (int r = (int)a; r <= (int)b; r++) {
                        double y = g->y0 - (r + 0.5) * g->res;
                        if (!(y >= lo && y < hi))
                            continue;
                        if (pass == 0) {
                            count[r - r0 + 1]++;
                        } else {
                            double x = x1 + (y - y1) / (y2 - y1) * (x2 - x1);
                            xs[count[r - r0] + fill[r - r0]++] = x;
                        }
                    }
                }
            }
            free(fill);
        }
        for (int i = 0; rc == 0 && i < nr; i++) {
            size_t a = count[i], b = count[i + 1];
            qsort(xs + a, b - a, sizeof(double), cmp_double);
            for (size_t j = a; rc == 0 && j + 1 < b; j += 2) {
                double ca = ceil((xs[j] - g->x0) / g->res - 0.5);
                double cb = floor((xs[j + 1] - g->x0) / g->res - 0.5);
                if (ca < 0)
                    ca = 0;
                if (cb > g->w - 1)
                    cb = g->w - 1;
                for (int c = (int)ca; rc == 0 && c <= (int)cb; c++)
                    rc = visit(g, r0 + i, c, fn, ud);
            }
        }
        free(xs);
        free(count);
    }
    for (size_t ring = 0; rc == 0 && ring < n_rings; ring++)
        for (int64_t k = off[ring]; rc == 0 && k + 1 < off[ring + 1]; k++)
            rc = cr_raster_segment(g, xy[2 * k], xy[2 * k + 1],
                                   xy[2 * k + 2], xy[2 * k + 3], fn, ud);
    return rc;
}
