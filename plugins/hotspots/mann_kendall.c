/*
 * The Mann-Kendall trend test (Mann 1945; Kendall 1975): S, its variance
 * with the tie correction, the continuity-corrected normal z, the two-sided
 * p-value and Kendall's tau-b. NaN values are left out of the series.
 */
#include <math.h>
#include <stdlib.h>

#include "hs.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void hs_mann_kendall(const double *x, size_t n, hs_mk *out)
{
    out->S = out->varS = out->z = out->tau = 0;
    out->p = 1.0;
    double *v = hs_alloc(n ? n : 1, sizeof *v);
    if (!v) {
        out->p = NAN;
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    double S = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = i + 1; j < m; j++)
            S += (v[j] > v[i]) - (v[j] < v[i]);
    qsort(v, m, sizeof *v, cmp_double);
    double md = (double)m, ties = 0, n1 = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && v[j] == v[i])
            j++;
        double t = (double)(j - i);
        ties += t * (t - 1) * (2 * t + 5);
        n1 += t * (t - 1) / 2;
        i = j;
    }
    free(v);
    double var = (md * (md - 1) * (2 * md + 5) - ties) / 18.0;
    double n0 = md * (md - 1) / 2;
    out->S = S;
    out->varS = var;
    if (var > 0) {
        double num = S > 0 ? S - 1 : S < 0 ? S + 1 : 0;
        out->z = num / sqrt(var);
        out->p = hs_p_two_sided(out->z);
    }
    double D = sqrt(n0 * (n0 - n1));
    out->tau = D > 0 ? S / D : 0;
}
