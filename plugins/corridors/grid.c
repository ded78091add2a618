/*
 * The working grid: north-up square cells, chosen from a raster input's
 * own grid or made to cover a box at a resolution, and the bilinear
 * resampling of any affine raster onto it. Cell indices are row-major
 * from the top-left; a cell's centre is where it is sampled.
 */
#include <math.h>

#include "cr.h"

int64_t cr_grid_cell(const cr_grid *g, double x, double y)
{
    double fc = floor((x - g->x0) / g->res);
    double fr = floor((g->y0 - y) / g->res);
    if (!(fc >= 0 && fr >= 0 && fc < g->w && fr < g->h))
        return -1;
    return (int64_t)fr * g->w + (int64_t)fc;
}

void cr_grid_centre(const cr_grid *g, size_t i, double *x, double *y)
{
    size_t r = i / (size_t)g->w, c = i % (size_t)g->w;
    *x = g->x0 + ((double)c + 0.5) * g->res;
    *y = g->y0 - ((double)r + 0.5) * g->res;
}

void cr_grid_geotransform(const cr_grid *g, double gt[6])
{
    gt[0] = g->x0;
    gt[1] = g->res;
    gt[2] = 0;
    gt[3] = g->y0;
    gt[4] = 0;
    gt[5] = -g->res;
}

int cr_grid_from_raster(cr_grid *out, int w, int h, const double gt[6])
{
    if (w <= 0 || h <= 0 || gt[2] != 0 || gt[4] != 0 || !(gt[1] > 0) ||
        !(gt[5] < 0) || fabs(gt[1] + gt[5]) > 1e-9 * gt[1] ||
        (size_t)w * (size_t)h > CR_MAX_CELLS)
        return 0;
    out->w = w;
    out->h = h;
    out->x0 = gt[0];
    out->y0 = gt[3];
    out->res = gt[1];
    return 1;
}

int cr_grid_cover(cr_grid *out, const double box[4], double res)
{
    if (!(res > 0) || !isfinite(box[0]) || !isfinite(box[1]) ||
        !isfinite(box[2]) || !isfinite(box[3]) || box[2] < box[0] ||
        box[3] < box[1])
        return -1;
    double x0 = floor(box[0] / res) * res;
    double y1 = ceil(box[3] / res) * res;
    double wc = ceil((box[2] - x0) / res), hc = ceil((y1 - box[1]) / res);
    if (wc < 1)
        wc = 1;
    if (hc < 1)
        hc = 1;
    if (wc * hc > (double)CR_MAX_CELLS || wc > 2e9 || hc > 2e9)
        return -1;
    out->w = (int)wc;
    out->h = (int)hc;
    out->x0 = x0;
    out->y0 = y1;
    out->res = res;
    return 0;
}

void cr_resample(const cr_grid *g, const double *src, int w, int h,
                 const double gt[6], float *out)
{
    /* Inverse of the affine geotransform: pixel (p, l) of a point. */
    double det = gt[1] * gt[5] - gt[2] * gt[4];
    double i1 = gt[5] / det, i2 = -gt[2] / det;
    double i4 = -gt[4] / det, i5 = gt[1] / det;
    for (int r = 0; r < g->h; r++) {
        double y = g->y0 - (r + 0.5) * g->res;
        for (int c = 0; c < g->w; c++) {
            double x = g->x0 + (c + 0.5) * g->res;
            double dx = x - gt[0], dy = y - gt[3];
            double p = i1 * dx + i2 * dy, l = i4 * dx + i5 * dy;
            float v = NAN;
            if (p >= 0 && l >= 0 && p < w && l < h) {
                /* Positions relative to the centres of the cells. */
                double u = p - 0.5, t = l - 0.5;
                int c0 = (int)floor(u), r0 = (int)floor(t);
                double fu = u - c0, ft = t - r0;
                int ca = c0 < 0 ? 0 : c0, cb = c0 + 1 >= w ? w - 1 : c0 + 1;
                int ra = r0 < 0 ? 0 : r0, rb = r0 + 1 >= h ? h - 1 : r0 + 1;
                double a = src[(size_t)ra * w + ca];
                double b = src[(size_t)ra * w + cb];
                double cc = src[(size_t)rb * w + ca];
                double d = src[(size_t)rb * w + cb];
                double s = (1 - ft) * ((1 - fu) * a + fu * b) +
                           ft * ((1 - fu) * cc + fu * d);
                if (isnan(s))
                    s = src[(size_t)(int)l * w + (int)p];
                v = (float)s;
            }
            out[(size_t)r * g->w + c] = v;
        }
    }
}
