/*
 * Gi* z-scores and global Moran's I of the hotspots plugin against R
 * spdep (dnearneigh + include.self + nb2listw style "B" + localG; and
 * moran.test with its defaults) on a generated data set, to 1e-9. The
 * test is skipped, with a message, when Rscript or spdep is missing
 * (install r-cran-spdep; scripts/setup.sh does with RM_WITH_PEERS=1).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hs_assert.h"
#include "hs_test.h"
#include "routemap/errors.h"

static char tmpdir[1024];

static int have_spdep(void)
{
    return system("Rscript -e 'suppressMessages(library(spdep))' "
                  ">/dev/null 2>&1") == 0;
}

static double *points(size_t n)
{
    double *xy = malloc(2 * n * sizeof *xy);
    uint64_t s = 99;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(s >> 11) / 9007199254740992.0;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double v = (double)(s >> 11) / 9007199254740992.0;
        if (i % 4 == 0) {
            xy[2 * i] = 320000 + 15000 + 6000 * sqrt(u) * cos(6.2832 * v);
            xy[2 * i + 1] = 1600000 + 20000 + 6000 * sqrt(u) * sin(6.2832 * v);
        } else if (i % 4 == 1) {
            xy[2 * i] = 320000 + 45000 + 4000 * sqrt(u) * cos(6.2832 * v);
            xy[2 * i + 1] = 1600000 + 35000 + 4000 * sqrt(u) * sin(6.2832 * v);
        } else {
            xy[2 * i] = 320000 + 60000 * u;
            xy[2 * i + 1] = 1600000 + 50000 * v;
        }
    }
    return xy;
}

static void compare(const char *cell, const char *scope, double band_km)
{
    size_t n = 8000;
    double *xy = points(n);
    rm_layer *pts = hs_t_points(xy, n, NULL);
    char s0[64], s1[64], s3[64];
    snprintf(s0, sizeof s0, "cell=%s", cell);
    snprintf(s1, sizeof s1, "cells_scope=%s", scope);
    snprintf(s3, sizeof s3, "band_km=%.17g", band_km);
    const char *sets[] = {s0, s1, "cell_km=2", s3,
                          "area=320000,1600000,380000,1650000"};
    hs_t_run t;
    hs_t_exec(&t, &pts, 1, sets, 5, NULL);
    assert_int_equal(t.rc, RM_OK);
    const rm_layer *c = hs_t_out(&t, "cells");
    const rm_layer *m = hs_t_out(&t, "metrics");
    size_t nc = rm_layer_feature_count(c);
    int fx = hs_t_field(c, "cx"), fy = hs_t_field(c, "cy");
    int fc = hs_t_field(c, "count"), fz = hs_t_field(c, "gi_z");
    char csv[1200], rs[1200], res[1200], cmd[4000];
    snprintf(csv, sizeof csv, "%s/cells_%s_%s.csv", tmpdir, cell, scope);
    snprintf(rs, sizeof rs, "%s/gi_%s_%s.R", tmpdir, cell, scope);
    snprintf(res, sizeof res, "%s/gi_%s_%s.out", tmpdir, cell, scope);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fprintf(f, "cx,cy,count\n");
    for (size_t i = 0; i < nc; i++)
        fprintf(f, "%.17g,%.17g,%lld\n", rm_layer_field_reals(c, fx)[i],
                rm_layer_field_reals(c, fy)[i],
                (long long)rm_layer_field_ints(c, fc)[i]);
    fclose(f);
    f = fopen(rs, "w");
    assert_non_null(f);
    /* dnearneigh's upper bound is inclusive; 1e-9 absorbs the rounding
     * of computed centre distances exactly as the plugin's rule does. */
    fprintf(f,
            "suppressMessages(library(spdep))\n"
            "d <- read.csv('%s')\n"
            "xy <- cbind(d$cx, d$cy)\n"
            "b <- %.17g * (1 + 1e-9)\n"
            "nb <- dnearneigh(xy, 0, b)\n"
            "g <- localG(d$count, nb2listw(include.self(nb), style='B'))\n"
            "mt <- moran.test(d$count, nb2listw(nb, style='B', "
            "zero.policy=TRUE), zero.policy=TRUE, alternative='two.sided')\n"
            "cat(sprintf('%%.17g', mt$estimate[1]), "
            "sprintf('%%.17g', mt$statistic), '\\n', file='%s')\n"
            "cat(sprintf('%%.17g', as.numeric(g)), sep='\\n', file='%s', "
            "append=TRUE)\n",
            csv, band_km * 1000.0, res, res);
    fclose(f);
    snprintf(cmd, sizeof cmd, "Rscript '%s'", rs);
    assert_int_equal(system(cmd), 0);
    f = fopen(res, "r");
    assert_non_null(f);
    double I, Iz;
    assert_int_equal(fscanf(f, "%lf %lf", &I, &Iz), 2);
    double mi = rm_layer_field_reals(m, hs_t_field(m, "moran_i"))[0];
    double mz = rm_layer_field_reals(m, hs_t_field(m, "moran_z"))[0];
    if (fabs(mi - I) > 1e-9 || fabs(mz - Iz) > 1e-9)
        fail_msg("Moran's I %.15g z %.15g, spdep %.15g z %.15g", mi, mz, I,
                 Iz);
    double maxd = 0;
    for (size_t i = 0; i < nc; i++) {
        double g;
        assert_int_equal(fscanf(f, "%lf", &g), 1);
        double d = fabs(g - rm_layer_field_reals(c, fz)[i]);
        maxd = d > maxd ? d : maxd;
    }
    fclose(f);
    print_message("%s/%s: %zu cells, max |gi_z - spdep localG| = %.3g\n",
                  cell, scope, nc, maxd);
    assert_true(maxd <= 1e-9);
    hs_t_free(&t);
    rm_layer_destroy(pts);
    free(xy);
}

static void spdep_hex_all(void **state)
{
    (void)state;
    if (!have_spdep()) {
        print_message("SKIP: Rscript with spdep not found; install "
                      "r-cran-spdep (scripts/setup.sh RM_WITH_PEERS=1)\n");
        skip();
    }
    compare("hex", "all", 6.0);
}

static void spdep_square_nonempty(void **state)
{
    (void)state;
    if (!have_spdep()) {
        print_message("SKIP: Rscript with spdep not found\n");
        skip();
    }
    compare("square", "nonempty", 5.0);
}

int main(void)
{
    const char *t = getenv("RM_TEST_TMP");
    snprintf(tmpdir, sizeof tmpdir, "%s", t ? t : "/tmp/rm_hotspots_spdep");
    if (mkdir(tmpdir, 0755) != 0 && errno != EEXIST)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spdep_hex_all),
        cmocka_unit_test(spdep_square_nonempty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
