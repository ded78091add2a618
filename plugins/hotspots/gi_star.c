/*
 * Getis-Ord Gi* on the lattice: binary distance-band weights including the
 * cell itself, z-scores exactly as R spdep's localG with include.self
 * (Getis & Ord 1992; Ord & Getis 1995), normal p-values, and conditional-
 * permutation pseudo p-values. Neighbour sums walk a fixed stencil of dense
 * offsets, so the cost is O(cells * stencil) with no search.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hs.h"

double hs_norm_sf(double z) { return 0.5 * erfc(z / sqrt(2.0)); }

double hs_p_two_sided(double z)
{
    return isnan(z) ? NAN : erfc(fabs(z) / sqrt(2.0));
}

/* Mean and S = sqrt(sum (x - xbar)^2 / n) over the members. */
static int moments(const hs_cells *c, const double *x, double *xbar,
                   double *S)
{
    double sum = 0, sum2 = 0;
    for (size_t k = 0; k < c->n; k++)
        sum += x[c->list[k]];
    double m = sum / (double)c->n, ss = 0;
    for (size_t k = 0; k < c->n; k++) {
        double d = x[c->list[k]] - m;
        ss += d * d;
        sum2 += x[c->list[k]] * x[c->list[k]];
    }
    *xbar = m;
    *S = sqrt(ss / (double)c->n);
    if (!(ss > 1e-24 * sum2))
        return -1;
    return 0;
}

int hs_gi_star(const hs_cells *c, const hs_stencil *st, const double *x,
               double *z, int64_t *nb)
{
    if (c->n < 2 || st->radius > c->L.pad)
        return -1;
    double xbar, S;
    if (moments(c, x, &xbar, &S))
        return -1;
    double n = (double)c->n;
    const int64_t *lin = st->lin;
    size_t ns = st->n;
    const uint8_t *mem = c->member;
    for (size_t k = 0; k < c->n; k++) {
        int64_t i = c->list[k];
        double lag = 0;
        int64_t W = 0;
        for (size_t s = 0; s < ns; s++) {
            int64_t j = i + lin[s];
            lag += x[j];
            W += mem[j];
        }
        double Wd = (double)W;
        double var = (n * Wd - Wd * Wd) / (n - 1.0);
        z[k] = var > 0 ? (lag - xbar * Wd) / (S * sqrt(var)) : NAN;
        if (nb)
            nb[k] = W;
    }
    return 0;
}

/* ---- permutations -------------------------------------------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** (Blackman & Vigna 2018). */
static uint64_t next(rng *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform integer in [0, bound): Lemire's multiply-shift with rejection. */
static uint64_t below(rng *g, uint64_t bound)
{
    unsigned __int128 m = (unsigned __int128)next(g) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        uint64_t t = -bound % bound;
        while (low < t) {
            m = (unsigned __int128)next(g) * bound;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

/*
 * One table of m distinct random members per permutation, drawn by a
 * partial Fisher-Yates shuffle, serves every cell: cell i with W_i - 1
 * neighbours takes the first W_i - 1 entries that are not i (if i is among
 * them, the entry after them replaces it). Each cell thus gets a uniform
 * draw of W_i - 1 distinct other members, in O(1) with prefix sums.
 */
int hs_gi_permutations(const hs_cells *c, const hs_stencil *st,
                       const double *x, int nperm, uint64_t seed,
                       double *psim)
{
    size_t n = c->n;
    if (n < 2 || nperm <= 0 || st->radius > c->L.pad)
        return -1;
    double *xm = hs_alloc(n, sizeof *xm), *obs = hs_alloc(n, sizeof *obs);
    int64_t *W = hs_alloc(n, sizeof *W);
    uint32_t *perm = hs_alloc(n, sizeof *perm);
    uint32_t *pos = hs_alloc(n, sizeof *pos);
    int32_t *ge = hs_calloc(n, sizeof *ge), *le = hs_calloc(n, sizeof *le);
    double *P = NULL;
    int rc = -1;
    if (!xm || !obs || !W || !perm || !pos || !ge || !le)
        goto done;
    size_t kmax = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t i = c->list[k];
        double lag = 0;
        int64_t w = 0;
        for (size_t s = 0; s < st->n; s++) {
            lag += x[i + st->lin[s]];
            w += c->member[i + st->lin[s]];
        }
        xm[k] = x[i];
        obs[k] = lag;
        W[k] = w;
        if ((size_t)(w - 1) > kmax)
            kmax = (size_t)(w - 1);
        perm[k] = (uint32_t)k;
    }
    size_t m = kmax + 1 <= n ? kmax + 1 : n;
    P = hs_alloc(m + 1, sizeof *P);
    if (!P)
        goto done;
    for (size_t k = 0; k < n; k++)
        pos[k] = UINT32_MAX;
    rng g;
    uint64_t sm = seed;
    for (int k = 0; k < 4; k++)
        g.s[k] = splitmix64(&sm);
    for (int p = 0; p < nperm; p++) {
        P[0] = 0;
        for (size_t j = 0; j < m; j++) {
            size_t r = j + (size_t)below(&g, (uint64_t)(n - j));
            uint32_t t = perm[j];
            perm[j] = perm[r];
            perm[r] = t;
            pos[perm[j]] = (uint32_t)j;
            P[j + 1] = P[j] + xm[perm[j]];
        }
        for (size_t k = 0; k < n; k++) {
            size_t mk = (size_t)(W[k] - 1);
            double sum = P[mk];
            if (pos[k] < mk)
                sum += xm[perm[mk]] - xm[k];
            double lag = xm[k] + sum;
            double tol = 1e-9 * (fabs(obs[k]) + 1.0);
            ge[k] += lag >= obs[k] - tol;
            le[k] += lag <= obs[k] + tol;
        }
        for (size_t j = 0; j < m; j++)
            pos[perm[j]] = UINT32_MAX;
    }
    for (size_t k = 0; k < n; k++) {
        int32_t lo = ge[k] < le[k] ? ge[k] : le[k];
        psim[k] = W[k] <= 1 ? 1.0 : (lo + 1.0) / (nperm + 1.0);
    }
    rc = 0;
done:
    free(xm);
    free(obs);
    free(W);
    free(perm);
    free(pos);
    free(ge);
    free(le);
    free(P);
    return rc;
}
