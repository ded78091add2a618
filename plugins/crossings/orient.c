/*
 * The exact orientation predicate every side test of the plugin uses.
 * After J. R. Shewchuk, "Adaptive Precision Floating-Point Arithmetic and
 * Fast Robust Geometric Predicates", Discrete & Computational Geometry
 * 18:305-363, 1997: a floating-point filter with his error bound decides
 * almost every call; the rest are settled exactly with expansion
 * arithmetic (Two-Sum, Two-Product, Grow-Expansion with zero elimination),
 * so the returned sign never depends on rounding. Requires IEEE 754
 * doubles with round-to-nearest, no extended precision and no contraction
 * into fused multiply-adds (the build passes -ffp-contract=off).
 */
#include <math.h>

#include "crossings_internal.h"

/* splitter = 2^27 + 1 (Shewchuk's exactinit for binary64); the filter's
 * error bound is in crossings_internal.h. */
#define SPLITTER 134217729.0

/* x + y = a + b exactly, x = fl(a + b). */
static void two_sum(double a, double b, double *x, double *y)
{
    double s = a + b;
    double bv = s - a;
    double av = s - bv;
    double br = b - bv;
    double ar = a - av;
    *x = s;
    *y = ar + br;
}

static void split(double a, double *hi, double *lo)
{
    double c = SPLITTER * a;
    double abig = c - a;
    *hi = c - abig;
    *lo = a - *hi;
}

/* x + y = a * b exactly, x = fl(a * b) (Dekker, via Veltkamp's split). */
static void two_product(double a, double b, double *x, double *y)
{
    double p = a * b;
    double ahi, alo, bhi, blo;
    split(a, &ahi, &alo);
    split(b, &bhi, &blo);
    double err1 = p - ahi * bhi;
    double err2 = err1 - alo * bhi;
    double err3 = err2 - ahi * blo;
    *x = p;
    *y = alo * blo - err3;
}

/*
 * h = e + b for a nonoverlapping expansion e (increasing magnitude) of
 * elen components; zero components are dropped. h has room for elen + 1.
 * @return the length of h.
 */
static int grow_expansion_zeroelim(int elen, const double *e, double b,
                                   double *h)
{
    double q = b, hh;
    int hlen = 0;
    for (int i = 0; i < elen; i++) {
        two_sum(q, e[i], &q, &hh);
        if (hh != 0.0)
            h[hlen++] = hh;
    }
    if (q != 0.0 || hlen == 0)
        h[hlen++] = q;
    return hlen;
}

/*
 * The exact determinant
 *   ax*by - ax*cy - bx*ay + bx*cy + cx*ay - cx*by
 * as an expansion of the twelve exact product halves; its sign is the sign
 * of the largest (last) component.
 */
static double orient2d_exact(const double *a, const double *b,
                             const double *c)
{
    double terms[12];
    double x, y;
    two_product(a[0], b[1], &x, &y);
    terms[0] = x;
    terms[1] = y;
    two_product(a[0], c[1], &x, &y);
    terms[2] = -x;
    terms[3] = -y;
    two_product(b[0], a[1], &x, &y);
    terms[4] = -x;
    terms[5] = -y;
    two_product(b[0], c[1], &x, &y);
    terms[6] = x;
    terms[7] = y;
    two_product(c[0], a[1], &x, &y);
    terms[8] = x;
    terms[9] = y;
    two_product(c[0], b[1], &x, &y);
    terms[10] = -x;
    terms[11] = -y;

    double e[13], h[13];
    int elen = 0;
    for (int i = 0; i < 12; i++) {
        if (terms[i] == 0.0)
            continue;
        int hlen = grow_expansion_zeroelim(elen, e, terms[i], h);
        for (int k = 0; k < hlen; k++)
            e[k] = h[k];
        elen = hlen;
    }
    return elen ? e[elen - 1] : 0.0;
}

double crossings_orient2d_naive(const double *a, const double *b,
                                const double *c)
{
    return (a[0] - c[0]) * (b[1] - c[1]) - (a[1] - c[1]) * (b[0] - c[0]);
}

double crossings_orient2d_exact(const double *a, const double *b,
                                const double *c)
{
    return orient2d_exact(a, b, c);
}

double crossings_orient2d(const double *a, const double *b, const double *c)
{
    return crossings_orient2d_inline(a, b, c);
}

int crossings_orient_sign(const double *a, const double *b, const double *c)
{
    double d = crossings_orient2d_inline(a, b, c);
    return (d > 0.0) - (d < 0.0);
}
