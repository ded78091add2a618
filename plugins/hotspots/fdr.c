/*
 * Multiple-testing correction and confidence classes: Benjamini-Hochberg
 * (1995) adjusted p-values, and the -3..3 classes for 99/95/90 % cold and
 * hot spots. A cell is significant at level a under BH exactly when its
 * adjusted p-value is <= a, so classes read the adjusted values directly.
 */
#include <math.h>
#include <stdlib.h>

#include "hs.h"

typedef struct pv {
    double p;
    size_t i;
} pv;

static int by_p(const void *a, const void *b)
{
    const pv *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

int hs_fdr_qvalues(const double *p, size_t n, double *q)
{
    pv *v = hs_alloc(n ? n : 1, sizeof *v);
    if (!v)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        q[i] = NAN;
        if (!isnan(p[i])) {
            v[m].p = p[i];
            v[m].i = i;
            m++;
        }
    }
    qsort(v, m, sizeof *v, by_p);
    double run = 1.0;
    for (size_t k = m; k-- > 0;) {
        double adj = v[k].p * (double)m / (double)(k + 1);
        if (adj < run)
            run = adj;
        q[v[k].i] = run;
    }
    free(v);
    return 0;
}

int hs_class(double z, double p)
{
    if (isnan(z) || isnan(p))
        return 0;
    int level = p <= 0.01 ? 3 : p <= 0.05 ? 2 : p <= 0.10 ? 1 : 0;
    return z > 0 ? level : z < 0 ? -level : 0;
}
