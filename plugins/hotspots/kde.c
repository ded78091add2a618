/*
 * Kernel density surfaces: points linearly binned to the raster's cell
 * centres (Wand 1994, as in R's KernSmooth), then convolved with a quartic
 * (Silverman 1986, eq. 4.5, as ArcGIS's Kernel Density) or Gaussian kernel
 * sampled at cell offsets and normalised to sum to one, so the surface
 * keeps the weight of the points inside it. Quartic uses a disc stencil,
 * Gaussian two separable passes; both are O(cells * kernel width^k).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hs.h"

static void bin_linear(const double *xy, const double *wt,
                       const uint8_t *keep, size_t n, double x0, double y0,
                       double cell, int w, int h, double *G)
{
    for (size_t i = 0; i < n; i++) {
        if (keep && !keep[i])
            continue;
        double u = (xy[2 * i] - x0) / cell - 0.5;
        double v = (y0 - xy[2 * i + 1]) / cell - 0.5;
        if (!(u > -1.0 && v > -1.0 && u < w && v < h))
            continue;
        double fi = floor(u), fj = floor(v);
        int ci = (int)fi, cj = (int)fj;
        double fu = u - fi, fv = v - fj, m = wt ? wt[i] : 1.0;
        double a[4] = {(1 - fu) * (1 - fv), fu * (1 - fv), (1 - fu) * fv,
                       fu * fv};
        int di[4] = {0, 1, 0, 1}, dj[4] = {0, 0, 1, 1};
        for (int k = 0; k < 4; k++) {
            int ii = ci + di[k], jj = cj + dj[k];
            if (ii >= 0 && jj >= 0 && ii < w && jj < h)
                G[(size_t)jj * (size_t)w + (size_t)ii] += m * a[k];
        }
    }
}

static int quartic(const double *G, int w, int h, double cell, double bw,
                   double *out)
{
    int R = (int)ceil(bw / cell);
    size_t side = (size_t)(2 * R + 1);
    double *K = hs_calloc(side * side, sizeof *K);
    int *half = hs_alloc(side, sizeof *half);
    if (!K || !half) {
        free(K);
        free(half);
        return -1;
    }
    double total = 0;
    for (int dy = -R; dy <= R; dy++) {
        half[dy + R] = -1;
        for (int dx = -R; dx <= R; dx++) {
            double d2 = (dx * dx + dy * dy) * cell * cell / (bw * bw);
            double k = d2 < 1.0 ? (1.0 - d2) * (1.0 - d2) : 0.0;
            K[(size_t)(dy + R) * side + (size_t)(dx + R)] = k;
            total += k;
            if (k > 0 && abs(dx) > half[dy + R])
                half[dy + R] = abs(dx);
        }
    }
    if (!(total > 0)) { /* bandwidth below the cell: keep mass in place */
        K[(size_t)R * side + (size_t)R] = total = 1.0;
        half[R] = 0;
    }
    double norm = 1.0 / (total * cell * cell);
    for (size_t k = 0; k < side * side; k++)
        K[k] *= norm;
    memset(out, 0, (size_t)w * (size_t)h * sizeof *out);
    for (int y = 0; y < h; y++) {
        double *o = out + (size_t)y * (size_t)w;
        for (int dy = -R; dy <= R; dy++) {
            int sy = y + dy, a = half[dy + R];
            if (sy < 0 || sy >= h || a < 0)
                continue;
            const double *g = G + (size_t)sy * (size_t)w;
            const double *krow = K + (size_t)(dy + R) * side + R;
            for (int dx = -a; dx <= a; dx++) {
                double k = krow[dx];
                if (k == 0)
                    continue;
                int xs = dx < 0 ? -dx : 0, xe = dx > 0 ? w - dx : w;
                const double *gs = g + dx;
                for (int x = xs; x < xe; x++)
                    o[x] += k * gs[x];
            }
        }
    }
    free(K);
    free(half);
    return 0;
}

static int gaussian(double *G, int w, int h, double cell, double sigma,
                    double *out)
{
    int R = (int)ceil(4.0 * sigma / cell);
    size_t side = (size_t)(2 * R + 1);
    double *k = hs_alloc(side, sizeof *k);
    if (!k)
        return -1;
    double total = 0;
    for (int d = -R; d <= R; d++) {
        double t = d * cell / sigma;
        k[d + R] = exp(-0.5 * t * t);
        total += k[d + R];
    }
    for (size_t i = 0; i < side; i++)
        k[i] /= total;
    /* rows into out, then columns back into G, then scale into out */
    memset(out, 0, (size_t)w * (size_t)h * sizeof *out);
    for (int y = 0; y < h; y++) {
        const double *g = G + (size_t)y * (size_t)w;
        double *o = out + (size_t)y * (size_t)w;
        for (int d = -R; d <= R; d++) {
            int xs = d < 0 ? -d : 0, xe = d > 0 ? w - d : w;
            double kk = k[d + R];
            for (int x = xs; x < xe; x++)
                o[x] += kk * g[x + d];
        }
    }
    memset(G, 0, (size_t)w * (size_t)h * sizeof *G);
    for (int y = 0; y < h; y++) {
        double *g = G + (size_t)y * (size_t)w;
        for (int d = -R; d <= R; d++) {
            int sy = y + d;
            if (sy < 0 || sy >= h)
                continue;
            const double *o = out + (size_t)sy * (size_t)w;
            double kk = k[d + R];
            for (int x = 0; x < w; x++)
                g[x] += kk * o[x];
        }
    }
    double inv = 1.0 / (cell * cell);
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
        out[i] = G[i] * inv;
    free(k);
    return 0;
}

int hs_kde(const double *xy, const double *wt, const uint8_t *keep,
           size_t n, double x0, double y0, double cell, int w, int h,
           hs_kernel kernel, double bandwidth, double *out)
{
    double *G = hs_calloc((size_t)w * (size_t)h, sizeof *G);
    if (!G)
        return -1;
    bin_linear(xy, wt, keep, n, x0, y0, cell, w, h, G);
    int rc = kernel == HS_GAUSSIAN ? gaussian(G, w, h, cell, bandwidth, out)
                                   : quartic(G, w, h, cell, bandwidth, out);
    free(G);
    return rc;
}

/* k-th smallest of v[0..n-1] (v is reordered): Hoare's selection. */
static double select_kth(double *v, size_t n, size_t k)
{
    int64_t lo = 0, hi = (int64_t)n - 1, kk = (int64_t)k;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        int64_t i = lo - 1, j = hi + 1;
        for (;;) {
            do
                i++;
            while (v[i] < pivot);
            do
                j--;
            while (v[j] > pivot);
            if (i >= j)
                break;
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        if (kk <= j)
            hi = j;
        else
            lo = j + 1;
    }
    return v[kk];
}

double hs_kde_bandwidth(const double *xy, const uint8_t *keep, size_t n)
{
    double sx = 0, sy = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!keep || keep[i]) {
            sx += xy[2 * i];
            sy += xy[2 * i + 1];
            m++;
        }
    if (m < 2)
        return NAN;
    double mx = sx / (double)m, my = sy / (double)m, ss = 0;
    double *d = hs_alloc(m, sizeof *d);
    if (!d)
        return NAN;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (!keep || keep[i]) {
            double dx = xy[2 * i] - mx, dy = xy[2 * i + 1] - my;
            ss += dx * dx + dy * dy;
            d[j++] = sqrt(dx * dx + dy * dy);
        }
    double SD = sqrt(ss / (double)m);
    double Dm = select_kth(d, m, m / 2);
    if (m % 2 == 0) {
        double lo = select_kth(d, m, m / 2 - 1);
        Dm = 0.5 * (Dm + lo);
    }
    free(d);
    return 0.9 * fmin(SD, sqrt(1.0 / log(2.0)) * Dm) * pow((double)m, -0.2);
}
