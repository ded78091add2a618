/*
 * Helpers of the corridors tests: the host run of the static twin, input
 * layers, and the reference Dijkstra written from the documented cost
 * convention alone (mean friction of the touched cells times the move's
 * length), with a plain O(n^2) scan for the next cell.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cr_test.h"
#include "plugin/params.h"
#include "routemap/errors.h"
#include "routemap/registry.h"

int rm_plugin_corridors_init_static(const rm_host_api *api,
                                    rm_plugin_desc *out);

rm_context *crt_ctx;
static rm_registry *reg;
static const crt_input *cur_in;
static size_t cur_n;

int crt_setup(void **state)
{
    (void)state;
    if (rm_context_create(&crt_ctx) || rm_registry_create(crt_ctx, &reg) ||
        rm_registry_add_static(reg, rm_plugin_corridors_init_static,
                               "linked"))
        return -1;
    return 0;
}

int crt_teardown(void **state)
{
    (void)state;
    rm_registry_destroy(reg);
    rm_context_destroy(crt_ctx);
    return 0;
}

static const rm_layer *lookup(void *ud, const char *name)
{
    (void)ud;
    for (size_t i = 0; i < cur_n; i++)
        if (strcmp(cur_in[i].name, name) == 0)
            return cur_in[i].layer;
    return NULL;
}

int crt_run(const crt_input *in, size_t n_in, const char *const *sets,
            int in_process, rm__step_result *res)
{
    enum { MAX = 32 };
    rm__raw_param raw[MAX];
    const char *items[MAX][8];
    char names[MAX][40];
    char values[MAX][8][64];
    size_t n = 0;
    cur_in = in;
    cur_n = n_in;
    for (size_t i = 0; sets && sets[i] && n < MAX; i++) {
        const char *eq = strchr(sets[i], '=');
        assert_non_null(eq);
        snprintf(names[n], sizeof names[n], "%.*s", (int)(eq - sets[i]),
                 sets[i]);
        /* "a,b" for lists of layers: split at commas. */
        const char *v = eq + 1;
        size_t k = 0;
        static const char *const LISTS[] = {"roads", "barriers",
                                            "detection", "borders"};
        int is_list = 0;
        for (size_t j = 0; j < 4; j++)
            is_list |= strcmp(names[n], LISTS[j]) == 0;
        while (*v && k < 8) {
            const char *comma = is_list ? strchr(v, ',') : NULL;
            size_t len = comma ? (size_t)(comma - v) : strlen(v);
            snprintf(values[n][k], sizeof values[n][k], "%.*s", (int)len, v);
            items[n][k] = values[n][k];
            k++;
            v += len + (comma ? 1 : 0);
            if (!comma)
                break;
        }
        rm__raw_param r = {names[n], items[n], k, is_list,
                           {"t.yaml", (int)n + 1, 1, NULL, NULL, -1}};
        raw[n++] = r;
    }
    const rm_plugin_desc *d = rm_registry_find(reg, "corridors");
    assert_non_null(d);
    rm__params *p = NULL;
    memset(res, 0, sizeof *res);
    int rc = rm__params_resolve(crt_ctx, d, "corr", raw, n, lookup, NULL,
                                &p);
    if (rc == RM_OK) {
        rm_bbox none = {NAN, NAN, NAN, NAN};
        rc = rm__step_run(crt_ctx, d, "corr", p, CRT_CRS, none, NULL, NULL,
                          in_process, res);
    }
    rm__params_destroy(p);
    return rc;
}

const rm_layer *crt_output(const rm__step_result *res, const char *name)
{
    for (size_t i = 0; i < res->n; i++)
        if (res->layers[i] && strcmp(rm_layer_name(res->layers[i]), name) ==
                                  0)
            return res->layers[i];
    return NULL;
}

rm_layer *crt_raster(const char *name, int w, int h, double x0, double y0,
                     double res, const double *v)
{
    double gt[6] = {x0, res, 0, y0, 0, -res};
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create_raster(&l, name, w, h, gt), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, CRT_CRS), RM_OK);
    memcpy(rm_layer_raster_data(l), v, sizeof(double) * (size_t)w * h);
    return l;
}

rm_layer *crt_points(const char *name, const double *xy, size_t n)
{
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, name, RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, CRT_CRS), RM_OK);
    for (size_t i = 0; i < n; i++) {
        assert_true(rm_layer_begin_feature(l, (int64_t)i + 1) >= 0);
        assert_int_equal(rm_layer_add_part(l, xy + 2 * i, 1, NULL, 1),
                         RM_OK);
    }
    return l;
}

rm_layer *crt_lines(const char *name, const double *const *lines,
                    const size_t *n, size_t n_lines)
{
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, name, RM_GEOM_LINE), RM_OK);
    assert_int_equal(rm_layer_set_crs(l, CRT_CRS), RM_OK);
    for (size_t i = 0; i < n_lines; i++) {
        assert_true(rm_layer_begin_feature(l, (int64_t)i + 1) >= 0);
        assert_int_equal(rm_layer_add_part(l, lines[i], n[i], NULL, 1),
                         RM_OK);
    }
    return l;
}

static int barrier(const double *f, int w, int h, int r, int c)
{
    if (r < 0 || c < 0 || r >= h || c >= w)
        return 1;
    double v = f[(size_t)r * w + c];
    return !(v > 0);
}

double crt_move_cost(const double *f, int w, int h, double res, int r,
                     int c, int dr, int dc)
{
    int r2 = r + dr, c2 = c + dc;
    if (barrier(f, w, h, r, c) || barrier(f, w, h, r2, c2))
        return NAN;
    double a = f[(size_t)r * w + c], b = f[(size_t)r2 * w + c2];
    int adr = abs(dr), adc = abs(dc);
    if (adr <= 1 && adc <= 1)
        return (a + b) / 2 * res * sqrt((double)(adr + adc));
    /* Knight's move: the two cells it passes between. */
    int pr1, pc1, pr2, pc2;
    if (adr == 1) { /* (+-1, +-2): the middle column, both rows */
        pr1 = r;
        pc1 = c + dc / 2;
        pr2 = r + dr;
        pc2 = c + dc / 2;
    } else { /* (+-2, +-1): the middle row, both columns */
        pr1 = r + dr / 2;
        pc1 = c;
        pr2 = r + dr / 2;
        pc2 = c + dc;
    }
    if (barrier(f, w, h, pr1, pc1) || barrier(f, w, h, pr2, pc2))
        return NAN;
    double p = f[(size_t)pr1 * w + pc1], q = f[(size_t)pr2 * w + pc2];
    return (a + b + p + q) / 4 * res * sqrt(5.0);
}

void crt_reference_cost(const double *f, int w, int h, double res,
                        int neighbours, const int *src, size_t n_src,
                        double *out)
{
    static const int MOVES[16][2] = {
        {0, 1}, {-1, 0}, {0, -1}, {1, 0}, {-1, 1}, {-1, -1}, {1, -1},
        {1, 1}, {-1, 2}, {-2, 1}, {-2, -1}, {-1, -2}, {1, -2}, {2, -1},
        {2, 1}, {1, 2}};
    size_t n = (size_t)w * h;
    char *done = calloc(n, 1);
    assert_non_null(done);
    for (size_t i = 0; i < n; i++)
        out[i] = INFINITY;
    for (size_t k = 0; k < n_src; k++)
        out[src[k]] = 0;
    for (;;) {
        size_t u = n;
        for (size_t i = 0; i < n; i++)
            if (!done[i] && isfinite(out[i]) && (u == n || out[i] < out[u]))
                u = i;
        if (u == n)
            break;
        done[u] = 1;
        int r = (int)(u / (size_t)w), c = (int)(u % (size_t)w);
        for (int k = 0; k < neighbours; k++) {
            int r2 = r + MOVES[k][0], c2 = c + MOVES[k][1];
            if (r2 < 0 || c2 < 0 || r2 >= h || c2 >= w)
                continue;
            double m = crt_move_cost(f, w, h, res, r, c, MOVES[k][0],
                                     MOVES[k][1]);
            size_t v = (size_t)r2 * w + c2;
            if (!isnan(m) && out[u] + m < out[v])
                out[v] = out[u] + m;
        }
    }
    free(done);
}

double crt_rel(double a, double b)
{
    double d = fabs(a - b), m = fabs(b);
    return d / (m > 1e-300 ? m : 1e-300);
}
