/*
 * Slope-derived friction: elevations on the working grid become the
 * factor by which slope multiplies the cost of crossing a cell. The
 * gradient is Horn's 3x3 estimate; the factor is 1 on flat ground and
 * grows with the slope, so friction never drops below the flat value.
 */
#include <math.h>
#include <stdlib.h>

#include "cr.h"

void cr_slope_factor(const cr_grid *g, float *z, int model, double k)
{
    int w = g->w, h = g->h;
    /* Two rows of the original elevations: the one above and this one. */
    float *prev = malloc(sizeof(float) * (size_t)w * 2);
    if (!prev) {
        /* Without scratch memory fall back to flat ground. */
        for (size_t i = 0; i < cr_cells(g); i++)
            if (!isnan(z[i]))
                z[i] = 1;
        return;
    }
    float *cur = prev + w;
    for (int r = 0; r < h; r++) {
        float *row = z + (size_t)r * w;
        const float *below = r + 1 < h ? row + w : NULL;
        const float *above = r > 0 ? prev : NULL;
        for (int c = 0; c < w; c++)
            cur[c] = row[c];
        for (int c = 0; c < w; c++) {
            double e = cur[c];
            if (isnan(e))
                continue;
            double v[3][3];
            for (int dr = -1; dr <= 1; dr++)
                for (int dc = -1; dc <= 1; dc++) {
                    int cc = c + dc;
                    const float *src = dr < 0 ? above
                                              : (dr > 0 ? below : cur);
                    double x = (src && cc >= 0 && cc < w) ? src[cc] : NAN;
                    v[dr + 1][dc + 1] = isnan(x) ? e : x;
                }
            double dzdx = ((v[0][2] + 2 * v[1][2] + v[2][2]) -
                           (v[0][0] + 2 * v[1][0] + v[2][0])) /
                          (8 * g->res);
            double dzdy = ((v[2][0] + 2 * v[2][1] + v[2][2]) -
                           (v[0][0] + 2 * v[0][1] + v[0][2])) /
                          (8 * g->res);
            double s = sqrt(dzdx * dzdx + dzdy * dzdy);
            row[c] = (float)(model == CR_SLOPE_TOBLER ? exp(3.5 * s)
                                                      : 1 + k * s);
        }
        /* The row above the next one is this row's elevations. */
        float *t = prev;
        prev = cur;
        cur = t;
    }
    free(prev < cur ? prev : cur);
}
