/*
 * Emerging hot spots: space-time Gi* (neighbours within the band in the
 * same step and the `lag` steps before) and the 17 categories of Esri's
 * Emerging Hot Spot Analysis, decided from each cell's significant hot and
 * cold steps, its final step and the Mann-Kendall trend of its z-scores.
 */
#include <math.h>
#include <stdlib.h>

#include "hs.h"

static const char *const NAMES[] = {
    "no pattern",       "new hot spot",         "consecutive hot spot",
    "intensifying hot spot", "persistent hot spot", "diminishing hot spot",
    "sporadic hot spot", "oscillating hot spot", "historical hot spot"};
static const char *const COLD[] = {
    "no pattern",       "new cold spot",         "consecutive cold spot",
    "intensifying cold spot", "persistent cold spot", "diminishing cold spot",
    "sporadic cold spot", "oscillating cold spot", "historical cold spot"};

const char *hs_eh_name(int category)
{
    if (category > 8 || category < -8)
        return "unknown";
    return category >= 0 ? NAMES[category] : COLD[-category];
}

/*
 * Categories of a series whose final step is significant in direction
 * `sign` (+1 hot, -1 cold); `hits` marks steps significant that way and
 * `other` the opposite way.
 */
static int final_category(const uint8_t *hits, const uint8_t *other,
                          size_t T, int trend)
{
    size_t h = 0, opp = 0;
    for (size_t t = 0; t < T; t++) {
        h += hits[t];
        opp += other[t];
    }
    if (h * 10 >= 9 * T) {
        if (trend > 0)
            return HS_EH_INTENSIFYING;
        if (trend < 0)
            return HS_EH_DIMINISHING;
        return HS_EH_PERSISTENT;
    }
    if (h == 1)
        return HS_EH_NEW;
    size_t run = 0;
    for (size_t t = T; t-- > 0 && hits[t];)
        run++;
    if (run == h && run >= 2)
        return HS_EH_CONSECUTIVE;
    if (opp > 0)
        return HS_EH_OSCILLATING;
    return HS_EH_SPORADIC;
}

int hs_eh_category(const double *z, const double *p, size_t T,
                   const hs_mk *mk, double alpha)
{
    if (T == 0)
        return HS_EH_NONE;
    uint8_t *hot = hs_calloc(T, 1), *cold = hs_calloc(T, 1);
    if (!hot || !cold) {
        free(hot);
        free(cold);
        return HS_EH_NONE;
    }
    size_t nh = 0, nc = 0;
    for (size_t t = 0; t < T; t++) {
        int sig = !isnan(p[t]) && p[t] < alpha;
        hot[t] = sig && z[t] > 0;
        cold[t] = sig && z[t] < 0;
        nh += hot[t];
        nc += cold[t];
    }
    int sig_trend = mk && !isnan(mk->p) && mk->p < alpha && mk->S != 0;
    int trend = sig_trend ? (mk->S > 0 ? 1 : -1) : 0;
    int cat = HS_EH_NONE;
    if (hot[T - 1])
        cat = final_category(hot, cold, T, trend);
    else if (cold[T - 1])
        cat = -final_category(cold, hot, T, -trend);
    else if (nh * 10 >= 9 * T)
        cat = HS_EH_HISTORICAL;
    else if (nc * 10 >= 9 * T)
        cat = -HS_EH_HISTORICAL;
    free(hot);
    free(cold);
    return cat;
}

int hs_gi_star_st(const hs_cells *c, const hs_stencil *st, const double *x,
                  size_t T, int lag, double *z)
{
    size_t N = c->n;
    if (N < 2 || T < 1 || st->radius > c->L.pad)
        return -1;
    double *sl = hs_alloc(N * T, sizeof *sl);
    int64_t *W = hs_alloc(N, sizeof *W);
    if (!sl || !W) {
        free(sl);
        free(W);
        return -1;
    }
    double sum = 0, sum2 = 0;
    for (size_t t = 0; t < T; t++) {
        const double *xt = x + t * (size_t)c->n_dense;
        for (size_t k = 0; k < N; k++) {
            int64_t i = c->list[k];
            double s = 0;
            int64_t w = 0;
            for (size_t j = 0; j < st->n; j++) {
                s += xt[i + st->lin[j]];
                w += c->member[i + st->lin[j]];
            }
            sl[t * N + k] = s;
            W[k] = w;
            sum += xt[i];
        }
    }
    double n = (double)N * (double)T, mean = sum / n, ss = 0;
    for (size_t t = 0; t < T; t++) {
        const double *xt = x + t * (size_t)c->n_dense;
        for (size_t k = 0; k < N; k++) {
            double d = xt[c->list[k]] - mean;
            ss += d * d;
            sum2 += xt[c->list[k]] * xt[c->list[k]];
        }
    }
    if (!(ss > 1e-24 * sum2)) {
        free(sl);
        free(W);
        return -1;
    }
    double S = sqrt(ss / n);
    for (size_t t = 0; t < T; t++) {
        size_t t0 = t >= (size_t)lag ? t - (size_t)lag : 0;
        for (size_t k = 0; k < N; k++) {
            double lagsum = 0;
            for (size_t u = t0; u <= t; u++)
                lagsum += sl[u * N + k];
            double Wd = (double)W[k] * (double)(t - t0 + 1);
            double var = (n * Wd - Wd * Wd) / (n - 1.0);
            z[t * N + k] =
                var > 0 ? (lagsum - mean * Wd) / (S * sqrt(var)) : NAN;
        }
    }
    free(sl);
    free(W);
    return 0;
}
