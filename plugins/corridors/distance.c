/*
 * The exact Euclidean distance transform of Felzenszwalb and Huttenlocher
 * ("Distance Transforms of Sampled Functions", Theory of Computing 8,
 * 2012): the lower envelope of parabolas, first down the columns, then
 * along the rows. Linear in the number of cells; distances are between
 * cell centres, in cells, squared.
 */
#include <math.h>
#include <stdlib.h>

#include "cr.h"

/* One line of n samples f (stride s) into d, with scratch v, z, t. */
static void edt_1d(float *f, size_t stride, int n, int *v, double *z,
                   double *t)
{
    int k = 0;
    for (int q = 0; q < n; q++)
        t[q] = f[(size_t)q * stride];
    /* Skip leading infinite samples: they carry no parabola. */
    int q0 = 0;
    while (q0 < n && isinf(t[q0]))
        q0++;
    if (q0 == n)
        return;
    v[0] = q0;
    z[0] = -INFINITY;
    z[1] = INFINITY;
    for (int q = q0 + 1; q < n; q++) {
        if (isinf(t[q]))
            continue;
        double s;
        for (;;) {
            int p = v[k];
            s = ((t[q] + (double)q * q) - (t[p] + (double)p * p)) /
                (2.0 * q - 2.0 * p);
            if (s <= z[k] && k > 0)
                k--;
            else
                break;
        }
        if (s <= z[k]) {
            /* k == 0 and the new parabola wins everywhere. */
            v[0] = q;
            z[0] = -INFINITY;
            z[1] = INFINITY;
            continue;
        }
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = INFINITY;
    }
    k = 0;
    for (int q = 0; q < n; q++) {
        while (z[k + 1] < q)
            k++;
        double dq = (double)q - v[k];
        f[(size_t)q * stride] = (float)(dq * dq + t[v[k]]);
    }
}

int cr_edt(float *d, int w, int h)
{
    int n = w > h ? w : h;
    int *v = malloc(sizeof(int) * (size_t)n);
    double *z = malloc(sizeof(double) * ((size_t)n + 1));
    double *t = malloc(sizeof(double) * (size_t)n);
    if (!v || !z || !t) {
        free(v);
        free(z);
        free(t);
        return -1;
    }
    for (int c = 0; c < w; c++)
        edt_1d(d + c, (size_t)w, h, v, z, t);
    for (int r = 0; r < h; r++)
        edt_1d(d + (size_t)r * w, 1, w, v, z, t);
    free(v);
    free(z);
    free(t);
    return 0;
}
