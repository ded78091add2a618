/*
 * Automatic choices, each explained in a sentence that goes to the
 * manifest: the cell size from the incidents' nearest-neighbour distances
 * without locational outliers, and the Gi* distance band by the optimized
 * hot-spot rule (incremental Moran's I peaks, else the k-nearest-neighbour
 * distance capped at the standard distance), as ArcGIS's Optimized Hot
 * Spot Analysis describes its own choices.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hs.h"

double hs_auto_cell(const double *nn, size_t n, double area, double hex,
                    int64_t max_cells, char *how, size_t how_cap)
{
    double sum = 0, sum2 = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(nn[i]) && nn[i] > 0) {
            sum += nn[i];
            sum2 += nn[i] * nn[i];
            m++;
        }
    if (m < 2 || !(area > 0))
        return NAN;
    double mean = sum / (double)m;
    double sd = sqrt(fmax(sum2 / (double)m - mean * mean, 0));
    double cut = mean + 3 * sd;
    double *d = hs_alloc(m, sizeof *d);
    if (!d)
        return NAN;
    size_t m2 = 0;
    double s2 = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(nn[i]) && nn[i] > 0 && nn[i] <= cut) {
            d[m2++] = nn[i];
            s2 += nn[i];
        }
    hs_sort_doubles(d, m2);
    double med = m2 % 2 ? d[m2 / 2] : 0.5 * (d[m2 / 2 - 1] + d[m2 / 2]);
    free(d);
    double avg = s2 / (double)m2;
    /* The larger of mean and median, times their ratio but at least 2. */
    double big = fmax(avg, med), ratio = big / fmin(avg, med);
    double scale = ratio > 2.0 ? ratio : 2.0;
    double cell = big * scale;
    /* Cell area is sqrt(3)/2 s^2 (hex) or s^2 (square). */
    double per = hex ? sqrt(3.0) / 2.0 : 1.0;
    double floor_cell = sqrt(area / ((double)max_cells * per));
    int floored = cell < floor_cell;
    if (floored)
        cell = floor_cell;
    snprintf(how, how_cap,
             "nearest-neighbour rule of ArcGIS Optimized Hot Spot Analysis: "
             "%s non-zero NN distance %.1f m of %zu incidents (%zu with a "
             "coincident neighbour and %zu locational outliers beyond "
             "mean + 3 SD = %.1f m left out) times max(2, mean/median "
             "ratio %.2f)%s",
             avg > med ? "mean" : "median", big, m2, n - m, m - m2, cut,
             ratio,
             floored ? "; raised so that the study area holds at most "
                       "max_cells cells"
                     : "");
    return cell;
}

/* Distance (lattice norm) from each member to its k-th nearest member
 * within the probe stencil; -1 when fewer than k are within it. */
static int64_t kth_norm(const hs_cells *c, const hs_stencil *probe,
                        int64_t i, size_t k)
{
    size_t found = 0;
    for (size_t s = 1; s < probe->n; s++)
        if (c->member[i + probe->lin[s]] && ++found == k)
            return probe->norm[s];
    return -1;
}

static double standard_distance(const hs_cells *c)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0;
    for (size_t k = 0; k < c->n; k++) {
        int64_t i = c->list[k];
        double x, y;
        hs_lattice_centre(&c->L, c->L.q0 + i % c->L.w, c->L.r0 + i / c->L.w,
                          &x, &y);
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
    }
    double n = (double)c->n;
    double vx = sxx / n - (sx / n) * (sx / n);
    double vy = syy / n - (sy / n) * (sy / n);
    return sqrt(fmax(vx, 0) + fmax(vy, 0));
}

#define N_BANDS 10
#define PROBE_CELLS 30

double hs_auto_band(hs_cells *c, int use_weight, char *how, size_t how_cap)
{
    const hs_lattice *L = &c->L;
    double s = L->s;
    hs_stencil probe;
    double result = NAN;
    double *x = NULL;
    if (hs_cells_repad(c, hs_stencil_radius(L, PROBE_CELLS * s)) ||
        hs_stencil_build(&probe, &c->L, PROBE_CELLS * s))
        return NAN;
    /* Start: every member (but locational outliers) has a neighbour. */
    double sum = 0, sum2 = 0, mx = 0;
    size_t m = 0;
    double *nn = hs_alloc(c->n ? c->n : 1, sizeof *nn);
    if (!nn)
        goto done;
    for (size_t k = 0; k < c->n; k++) {
        int64_t nm = kth_norm(c, &probe, c->list[k], 1);
        nn[k] = nm < 0 ? NAN : sqrt((double)nm) * s;
        if (nm >= 0) {
            sum += nn[k];
            sum2 += nn[k] * nn[k];
            m++;
        }
    }
    if (m == 0) {
        free(nn);
        goto fallback;
    }
    double mean = sum / (double)m;
    double cut = mean + 3 * sqrt(fmax(sum2 / (double)m - mean * mean, 0));
    for (size_t k = 0; k < c->n; k++)
        if (!isnan(nn[k]) && nn[k] <= cut && nn[k] > mx)
            mx = nn[k];
    free(nn);
    double bands[N_BANDS], zs[N_BANDS];
    for (int b = 0; b < N_BANDS; b++)
        bands[b] = mx + b * s;
    if (hs_cells_repad(c, hs_stencil_radius(&c->L, bands[N_BANDS - 1])))
        goto done;
    hs_stencil_relink(&probe, &c->L);
    x = hs_cells_values(c, use_weight);
    if (!x)
        goto done;
    for (int b = 0; b < N_BANDS; b++) {
        hs_stencil st;
        hs_moran mo;
        zs[b] = NAN;
        if (hs_stencil_build(&st, &c->L, bands[b]))
            goto done;
        if (hs_moran_i(c, &st, x, &mo) == 0)
            zs[b] = mo.z;
        hs_stencil_free(&st);
    }
    int best = -1;
    for (int b = 1; b < N_BANDS - 1; b++) {
        int peak = zs[b] > zs[b - 1] && zs[b] > zs[b + 1];
        if (peak && zs[b] >= 1.959963984540054) {
            snprintf(how, how_cap,
                     "first significant peak of global Moran's I z over "
                     "10 bands from %.1f m in steps of %.1f m (z = %.2f)",
                     bands[0], s, zs[b]);
            result = bands[b];
            goto done;
        }
        if (peak && (best < 0 || zs[b] > zs[best]))
            best = b;
    }
    if (best >= 0) {
        snprintf(how, how_cap,
                 "highest (not significant) peak of global Moran's I z "
                 "over 10 bands from %.1f m in steps of %.1f m (z = %.2f)",
                 bands[0], s, zs[best]);
        result = bands[best];
        goto done;
    }
fallback:;
    size_t k = (size_t)(0.05 * (double)c->n); /* truncated */
    k = k < 3 ? 3 : k > 30 ? 30 : k;
    double acc = 0;
    size_t got = 0;
    for (size_t j = 0; j < c->n; j++) {
        int64_t nm = kth_norm(c, &probe, c->list[j], k);
        if (nm >= 0) {
            acc += sqrt((double)nm) * s;
            got++;
        }
    }
    double sd = standard_distance(c);
    double d = got ? acc / (double)got : sd;
    int capped = d > sd;
    result = capped ? sd : d;
    snprintf(how, how_cap,
             "no peak of global Moran's I z over 10 bands: mean distance to "
             "the %zu-th nearest cell (5 %% of %zu cells, within 3..30)%s",
             k, c->n, capped ? ", capped at the standard distance" : "");
done:
    free(x);
    hs_stencil_free(&probe);
    return result;
}
