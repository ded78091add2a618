/*
 * Nearest-neighbour distances of a point set (exact, bucket grid searched
 * ring by ring) and the Clark & Evans (1954) nearest-neighbour index with
 * its z-score: is there clustering at all before we map it?
 */
#include <math.h>
#include <stdlib.h>

#include "hs.h"

int hs_nn_distances(const double *xy, size_t n, double *d)
{
    if (n < 2) {
        for (size_t i = 0; i < n; i++)
            d[i] = NAN;
        return 0;
    }
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY,
           maxy = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        minx = fmin(minx, xy[2 * i]);
        maxx = fmax(maxx, xy[2 * i]);
        miny = fmin(miny, xy[2 * i + 1]);
        maxy = fmax(maxy, xy[2 * i + 1]);
    }
    double wx = maxx - minx, wy = maxy - miny;
    double g = sqrt(fmax(wx * wy, 1e-12) / (double)n) * 1.5;
    if (!(g > 0))
        g = fmax(fmax(wx, wy), 1.0);
    int64_t gw = (int64_t)(wx / g) + 1, gh = (int64_t)(wy / g) + 1;
    while (gw * gh > 4 * (int64_t)n + 16) {
        g *= 1.5;
        gw = (int64_t)(wx / g) + 1;
        gh = (int64_t)(wy / g) + 1;
    }
    size_t nb = (size_t)(gw * gh);
    size_t *start = hs_calloc(nb + 1, sizeof *start);
    uint32_t *cell = hs_alloc(n, sizeof *cell);
    double *sxy = hs_alloc(n, 2 * sizeof *sxy);
    size_t *sid = hs_alloc(n, sizeof *sid);
    if (!start || !cell || !sxy || !sid) {
        free(start);
        free(cell);
        free(sxy);
        free(sid);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t cx = (int64_t)((xy[2 * i] - minx) / g);
        int64_t cy = (int64_t)((xy[2 * i + 1] - miny) / g);
        cx = cx >= gw ? gw - 1 : cx;
        cy = cy >= gh ? gh - 1 : cy;
        cell[i] = (uint32_t)(cy * gw + cx);
        start[cell[i] + 1]++;
    }
    for (size_t b = 0; b < nb; b++)
        start[b + 1] += start[b];
    for (size_t i = 0; i < n; i++) {
        size_t at = start[cell[i]]++;
        sxy[2 * at] = xy[2 * i];
        sxy[2 * at + 1] = xy[2 * i + 1];
        sid[at] = i;
    }
    for (size_t b = nb; b > 0; b--)
        start[b] = start[b - 1];
    start[0] = 0;
    for (size_t i = 0; i < n; i++) {
        double px = xy[2 * i], py = xy[2 * i + 1];
        int64_t cx = (int64_t)(cell[i] % (uint32_t)gw);
        int64_t cy = (int64_t)(cell[i] / (uint32_t)gw);
        double best = INFINITY;
        for (int64_t ring = 0;; ring++) {
            int64_t y0 = cy - ring, y1 = cy + ring;
            for (int64_t yy = y0; yy <= y1; yy++) {
                if (yy < 0 || yy >= gh)
                    continue;
                int64_t step = (yy == y0 || yy == y1) ? 1 : 2 * ring;
                for (int64_t xx = cx - ring; xx <= cx + ring;
                     xx += step ? step : 1) {
                    if (xx < 0 || xx >= gw)
                        continue;
                    size_t b = (size_t)(yy * gw + xx);
                    for (size_t k = start[b]; k < start[b + 1]; k++) {
                        if (sid[k] == i)
                            continue;
                        double dx = sxy[2 * k] - px, dy = sxy[2 * k + 1] - py;
                        double dd = dx * dx + dy * dy;
                        if (dd < best)
                            best = dd;
                    }
                }
            }
            double reach = (double)ring * g;
            if (best <= reach * reach ||
                (ring > gw && ring > gh))
                break;
        }
        d[i] = sqrt(best);
    }
    free(start);
    free(cell);
    free(sxy);
    free(sid);
    return 0;
}

void hs_nni_index(const double *d, size_t n, double area, hs_nni *out)
{
    double sum = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(d[i])) {
            sum += d[i];
            m++;
        }
    out->observed = m ? sum / (double)m : NAN;
    double dens = (double)m / area;
    out->expected = 0.5 / sqrt(dens);
    double se = 0.26136 / sqrt((double)m * dens);
    out->ratio = out->observed / out->expected;
    out->z = (out->observed - out->expected) / se;
    out->p = hs_p_two_sided(out->z);
}
