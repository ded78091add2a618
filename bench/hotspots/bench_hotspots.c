/*
 * Hotspots benchmark: 1,000,000 deterministic incidents (clusters plus
 * background) over 600 km x 800 km in UTM metres; times binning + Gi*
 * (5 km pointy hexagons, 15 km band, every cell of the area), 499
 * conditional permutations, Moran's I, NNI and a 1 km quartic KDE with
 * its automatic bandwidth, each the best of `reps` runs. Writes the cells
 * (cx, cy, count, gi_z) as CSV for the R spdep comparison in run.sh.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t st = 0x243f6a8885a308d3ULL;
static double uni(void)
{
    st ^= st << 13;
    st ^= st >> 7;
    st ^= st << 17;
    return (double)(st >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
    double u = uni(), v = uni();
    return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

#define X0 200000.0
#define Y0 1400000.0
#define W 600000.0
#define H 800000.0

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    const char *csv = argc > 3 ? argv[3] : NULL;
    double t0 = now();
    double *xy = malloc(2 * n * sizeof *xy);
    double cx[40], cy[40], cs[40];
    for (int k = 0; k < 40; k++) {
        cx[k] = X0 + 50000 + (W - 100000) * uni();
        cy[k] = Y0 + 50000 + (H - 100000) * uni();
        cs[k] = 5000 + 15000 * uni();
    }
    for (size_t i = 0; i < n; i++) {
        if (i % 5 < 3) {
            int k = (int)(uni() * 40);
            xy[2 * i] = cx[k] + cs[k] * gauss();
            xy[2 * i + 1] = cy[k] + cs[k] * gauss();
        } else {
            xy[2 * i] = X0 + W * uni();
            xy[2 * i + 1] = Y0 + H * uni();
        }
        /* keep everything inside the area */
        xy[2 * i] = fmin(fmax(xy[2 * i], X0), X0 + W);
        xy[2 * i + 1] = fmin(fmax(xy[2 * i + 1], Y0), Y0 + H);
    }
    double t_load = now() - t0;
    double box[4] = {X0, Y0, X0 + W, Y0 + H};
    double best_bin = 1e9, best_gi = 1e9;
    hs_cells c;
    hs_stencil sten;
    double *x = NULL, *z = NULL;
    int64_t *nb = NULL;
    for (int rep = 0; rep < reps; rep++) {
        if (rep) {
            hs_cells_free(&c);
            hs_stencil_free(&sten);
            free(x);
            free(z);
            free(nb);
        }
        double a = now();
        hs_lattice L = {1, 1, 5000.0, 0, 0, 0, 0, 0, 0, 0};
        int pad = hs_stencil_radius(&L, 15000.0);
        if (hs_lattice_set_range(&L, box, pad, 100000000) ||
            hs_cells_init(&c, &L))
            return 1;
        hs_cells_bin(&c, xy, NULL, NULL, n, NULL);
        for (int64_t r = L.pad; r < L.h - L.pad; r++)
            for (int64_t q = L.pad; q < L.w - L.pad; q++) {
                int64_t k = r * L.w + q;
                double ex, ey;
                hs_lattice_centre(&L, L.q0 + q, L.r0 + r, &ex, &ey);
                c.member[k] = c.count[k] > 0 ||
                              (ex >= box[0] && ex <= box[2] &&
                               ey >= box[1] && ey <= box[3]);
            }
        if (hs_cells_relist(&c))
            return 1;
        double b = now();
        if (hs_stencil_build(&sten, &c.L, 15000.0))
            return 1;
        x = hs_cells_values(&c, 0);
        z = malloc(c.n * sizeof *z);
        nb = malloc(c.n * sizeof *nb);
        if (!x || !z || !nb || hs_gi_star(&c, &sten, x, z, nb))
            return 1;
        double e = now();
        best_bin = fmin(best_bin, b - a);
        best_gi = fmin(best_gi, e - b);
    }
    size_t nonempty = 0;
    for (size_t k = 0; k < c.n; k++)
        nonempty += c.count[c.list[k]] > 0;
    double *psim = malloc(c.n * sizeof *psim);
    double best_perm = 1e9;
    for (int rep = 0; rep < reps; rep++) {
        double a = now();
        if (hs_gi_permutations(&c, &sten, x, 499, 20260701, psim))
            return 1;
        best_perm = fmin(best_perm, now() - a);
    }
    hs_moran mo;
    double a = now();
    hs_moran_i(&c, &sten, x, &mo);
    double t_moran = now() - a;
    double *nn = malloc(n * sizeof *nn);
    a = now();
    hs_nn_distances(xy, n, nn);
    hs_nni ni;
    hs_nni_index(nn, n, W * H, &ni);
    double t_nni = now() - a;
    int kw = (int)(W / 1000), kh = (int)(H / 1000);
    double *dens = malloc((size_t)kw * kh * sizeof *dens);
    double best_kde = 1e9, best_bw = 1e9, bw = 0;
    for (int rep = 0; rep < reps; rep++) {
        a = now();
        bw = hs_kde_bandwidth(xy, NULL, n);
        double m = now();
        if (hs_kde(xy, NULL, NULL, n, X0, Y0 + H, 1000.0, kw, kh, HS_QUARTIC,
                   bw, dens))
            return 1;
        best_bw = fmin(best_bw, m - a);
        best_kde = fmin(best_kde, now() - a);
    }
    double mass = 0;
    for (size_t i = 0; i < (size_t)kw * kh; i++)
        mass += dens[i] * 1e6;
    printf("incidents: %zu\n", n);
    printf("generate_seconds: %.4f\n", t_load);
    printf("cells: %zu (nonempty %zu), stencil %zu offsets\n", c.n, nonempty,
           sten.n);
    printf("bin_seconds: %.4f\n", best_bin);
    printf("gi_seconds: %.4f\n", best_gi);
    printf("bin_gi_seconds: %.4f\n", best_bin + best_gi);
    printf("perm499_seconds: %.4f\n", best_perm);
    printf("moran_seconds: %.4f (I = %.4f, z = %.2f)\n", t_moran, mo.I, mo.z);
    printf("nni_seconds: %.4f (NNI = %.4f, z = %.1f)\n", t_nni, ni.ratio,
           ni.z);
    printf("kde_bandwidth_m: %.1f (rule %.4f s)\n", bw, best_bw);
    printf("kde_seconds: %.4f (%d x %d cells of 1 km, mass %.1f)\n", best_kde,
           kw, kh, mass);
    if (csv) {
        FILE *f = fopen(csv, "w");
        if (!f)
            return 1;
        fprintf(f, "cx,cy,count,gi_z\n");
        for (size_t k = 0; k < c.n; k++) {
            int64_t i = c.list[k];
            double ex, ey;
            hs_lattice_centre(&c.L, c.L.q0 + i % c.L.w, c.L.r0 + i / c.L.w,
                              &ex, &ey);
            fprintf(f, "%.17g,%.17g,%lld,%.17g\n", ex, ey,
                    (long long)c.count[i], z[k]);
        }
        fclose(f);
    }
    hs_cells_free(&c);
    hs_stencil_free(&sten);
    free(x);
    free(z);
    free(nb);
    free(psim);
    free(nn);
    free(dens);
    free(xy);
    return 0;
}
