/*
 * The hexagon and square lattices: point to cell by axial coordinates and
 * cube rounding (Red Blob Games, "Hexagonal Grids", redblobgames.com), cell
 * centres and outlines, the dense index range, and the exact band stencil.
 * Distances between centres are compared as integer lattice norms, so the
 * stencil of a band never depends on where a cell is.
 */
#include <math.h>
#include <stdlib.h>

#include "hs.h"

#define SQRT3 1.7320508075688772

static void to_axial(const hs_lattice *L, double x, double y, double *qf,
                     double *rf)
{
    double dx = (x - L->ox) / L->s, dy = (y - L->oy) / L->s;
    if (!L->hex) {
        *qf = dx;
        *rf = dy;
    } else if (L->pointy) {
        *rf = dy * 2.0 / SQRT3;
        *qf = dx - *rf / 2.0;
    } else {
        *qf = dx * 2.0 / SQRT3;
        *rf = dy - *qf / 2.0;
    }
}

void hs_lattice_cell(const hs_lattice *L, double x, double y, int64_t *q,
                     int64_t *r)
{
    double qf, rf;
    to_axial(L, x, y, &qf, &rf);
    if (!L->hex) {
        *q = (int64_t)floor(qf + 0.5);
        *r = (int64_t)floor(rf + 0.5);
        return;
    }
    double sf = -qf - rf;
    double qr = floor(qf + 0.5), rr = floor(rf + 0.5), sr = floor(sf + 0.5);
    double dq = fabs(qr - qf), dr = fabs(rr - rf), ds = fabs(sr - sf);
    if (dq > dr && dq > ds)
        qr = -rr - sr;
    else if (dr > ds)
        rr = -qr - sr;
    *q = (int64_t)qr;
    *r = (int64_t)rr;
}

void hs_lattice_centre(const hs_lattice *L, int64_t q, int64_t r, double *x,
                       double *y)
{
    double qd = (double)q, rd = (double)r;
    if (!L->hex) {
        *x = L->ox + L->s * qd;
        *y = L->oy + L->s * rd;
    } else if (L->pointy) {
        *x = L->ox + L->s * (qd + rd / 2.0);
        *y = L->oy + L->s * (SQRT3 / 2.0) * rd;
    } else {
        *x = L->ox + L->s * (SQRT3 / 2.0) * qd;
        *y = L->oy + L->s * (rd + qd / 2.0);
    }
}

int hs_lattice_ring(const hs_lattice *L, int64_t q, int64_t r, double *xy)
{
    double cx, cy;
    hs_lattice_centre(L, q, r, &cx, &cy);
    if (!L->hex) {
        double h = L->s / 2.0;
        const double sx[5] = {-1, 1, 1, -1, -1}, sy[5] = {-1, -1, 1, 1, -1};
        for (int k = 0; k < 5; k++) {
            xy[2 * k] = cx + h * sx[k];
            xy[2 * k + 1] = cy + h * sy[k];
        }
        return 5;
    }
    /* Circumradius s / sqrt(3); pointy tops start at 30 degrees. */
    double R = L->s / SQRT3, a0 = L->pointy ? M_PI / 6.0 : 0.0;
    for (int k = 0; k < 6; k++) {
        double a = a0 + k * (M_PI / 3.0);
        xy[2 * k] = cx + R * cos(a);
        xy[2 * k + 1] = cy + R * sin(a);
    }
    xy[12] = xy[0];
    xy[13] = xy[1];
    return 7;
}

double hs_lattice_cell_area(const hs_lattice *L)
{
    return L->hex ? SQRT3 / 2.0 * L->s * L->s : L->s * L->s;
}

int hs_lattice_set_range(hs_lattice *L, const double box[4], int pad,
                         int64_t max_cells)
{
    double qmin = INFINITY, qmax = -INFINITY, rmin = INFINITY,
           rmax = -INFINITY;
    for (int k = 0; k < 4; k++) {
        double qf, rf;
        to_axial(L, box[(k & 1) ? 2 : 0], box[(k & 2) ? 3 : 1], &qf, &rf);
        qmin = fmin(qmin, qf);
        qmax = fmax(qmax, qf);
        rmin = fmin(rmin, rf);
        rmax = fmax(rmax, rf);
    }
    double span = (qmax - qmin + 3.0 + 2.0 * pad) *
                  (rmax - rmin + 3.0 + 2.0 * pad);
    if (!isfinite(span) || span > (double)max_cells || qmin < -4e12 ||
        qmax > 4e12 || rmin < -4e12 || rmax > 4e12)
        return -1;
    L->pad = pad;
    L->q0 = (int64_t)floor(qmin) - 1 - pad;
    L->r0 = (int64_t)floor(rmin) - 1 - pad;
    L->w = (int64_t)ceil(qmax) + 1 + pad - L->q0 + 1;
    L->h = (int64_t)ceil(rmax) + 1 + pad - L->r0 + 1;
    return 0;
}

/* Largest norm inside the band: the squared band in lattice units, with
 * a relative 1e-9 so that band/s rounding never drops a boundary cell. */
static double norm_bound(const hs_lattice *L, double band)
{
    double B = (band / L->s) * (band / L->s);
    return B + 1e-9 * fmax(B, 1.0);
}

int hs_stencil_radius(const hs_lattice *L, double band)
{
    double B = norm_bound(L, band);
    /* Hexagons: norm >= 3/4 max(|dq|, |dr|)^2; squares: norm >= max^2. */
    double m = L->hex ? sqrt(4.0 * B / 3.0) : sqrt(B);
    return (int)ceil(m) + 1;
}

static int by_norm(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    if (x[2] != y[2])
        return x[2] < y[2] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

int hs_stencil_build(hs_stencil *st, const hs_lattice *L, double band)
{
    st->n = 0;
    st->dq = st->dr = st->norm = st->lin = NULL;
    double B = norm_bound(L, band);
    int R = hs_stencil_radius(L, band);
    size_t side = (size_t)(2 * R + 1);
    int64_t *tmp = hs_alloc(side * side, 3 * sizeof *tmp);
    if (!tmp)
        return -1;
    size_t n = 0;
    int radius = 0;
    for (int dr = -R; dr <= R; dr++)
        for (int dq = -R; dq <= R; dq++) {
            int64_t nm = hs_norm(L, dq, dr);
            if ((double)nm <= B) {
                tmp[3 * n] = nm;
                tmp[3 * n + 1] = dq;
                tmp[3 * n + 2] = dr;
                n++;
                radius = abs(dq) > radius ? abs(dq) : radius;
                radius = abs(dr) > radius ? abs(dr) : radius;
            }
        }
    qsort(tmp, n, 3 * sizeof *tmp, by_norm);
    st->dq = hs_alloc(n, sizeof *st->dq);
    st->dr = hs_alloc(n, sizeof *st->dr);
    st->norm = hs_alloc(n, sizeof *st->norm);
    st->lin = hs_alloc(n, sizeof *st->lin);
    if (!st->dq || !st->dr || !st->norm || !st->lin) {
        free(tmp);
        hs_stencil_free(st);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        st->norm[k] = tmp[3 * k];
        st->dq[k] = tmp[3 * k + 1];
        st->dr[k] = tmp[3 * k + 2];
    }
    free(tmp);
    st->n = n;
    st->radius = radius;
    hs_stencil_relink(st, L);
    return 0;
}

void hs_stencil_relink(hs_stencil *st, const hs_lattice *L)
{
    for (size_t k = 0; k < st->n; k++)
        st->lin[k] = st->dr[k] * L->w + st->dq[k];
}

void hs_stencil_free(hs_stencil *st)
{
    free(st->dq);
    free(st->dr);
    free(st->norm);
    free(st->lin);
    st->dq = st->dr = st->norm = st->lin = NULL;
    st->n = 0;
}
