/*
 * Global Moran's I over the member cells with binary distance-band weights
 * (self excluded), and its z-score under randomisation (Cliff & Ord 1981)
 * computed as R spdep's moran.test does by default: cells without a
 * neighbour (islands) reduce n, the kurtosis uses every cell.
 */
#include <math.h>

#include "hs.h"

int hs_moran_i(const hs_cells *c, const hs_stencil *st, const double *x,
             hs_moran *out)
{
    size_t N = c->n;
    if (N < 4 || st->radius > c->L.pad)
        return -1;
    double sum = 0;
    for (size_t k = 0; k < N; k++)
        sum += x[c->list[k]];
    double mean = sum / (double)N, zz = 0, z4 = 0;
    for (size_t k = 0; k < N; k++) {
        double z = x[c->list[k]] - mean;
        zz += z * z;
        z4 += z * z * z * z;
    }
    if (!(zz > 0))
        return -1;
    /* Stencil entry 0 is the cell itself (norm 0); skip it. */
    double cross = 0, S0 = 0, sumd2 = 0;
    size_t islands = 0;
    for (size_t k = 0; k < N; k++) {
        int64_t i = c->list[k];
        double lag = 0;
        int64_t d = 0;
        for (size_t s = 1; s < st->n; s++) {
            int64_t j = i + st->lin[s];
            lag += x[j];
            d += c->member[j];
        }
        /* sum over member neighbours of (x_j - mean) */
        double lz = lag - mean * (double)d;
        cross += (x[i] - mean) * lz;
        S0 += (double)d;
        sumd2 += (double)d * (double)d;
        islands += d == 0;
    }
    double n = (double)(N - islands);
    if (S0 <= 0 || n < 4)
        return -1;
    double S1 = 2.0 * S0, S2 = 4.0 * sumd2;
    double I = (n / S0) * (cross / zz);
    double K = (double)N * z4 / (zz * zz);
    double EI = -1.0 / (n - 1.0), S02 = S0 * S0, nn = n * n;
    double VI = n * (S1 * (nn - 3.0 * n + 3.0) - n * S2 + 3.0 * S02);
    double tmp = K * (S1 * (nn - n) - 2.0 * n * S2 + 6.0 * S02);
    VI = (VI - tmp) / ((n - 1.0) * (n - 2.0) * (n - 3.0) * S02) - EI * EI;
    out->I = I;
    out->E = EI;
    out->var = VI;
    out->z = VI > 0 ? (I - EI) / sqrt(VI) : NAN;
    out->p = hs_p_two_sided(out->z);
    out->S0 = S0;
    out->n = (size_t)n;
    out->islands = islands;
    return 0;
}
