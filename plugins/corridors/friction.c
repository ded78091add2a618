/*
 * The friction surface of a least-cost run: raster friction and slope,
 * the base cost, then the vector modifiers (barriers, roads, detection
 * risk, borders) on the working grid. On return every cell holds a
 * positive friction (cost per metre) or NaN, which marks a barrier.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* Raster `l` on the working grid, as floats into `out`. */
static void raster_on_grid(cr_run *R, const rm_layer *l, float *out)
{
    const rm_host_api *api = R->api;
    int w = api->raster_width(l), h = api->raster_height(l);
    const double *gt = api->raster_geotransform(l);
    const double *v = api->raster_cdata(l);
    cr_grid rg;
    if (cr_grid_from_raster(&rg, w, h, gt) && rg.w == R->g.w &&
        rg.h == R->g.h && rg.x0 == R->g.x0 && rg.y0 == R->g.y0 &&
        rg.res == R->g.res) {
        size_t n = cr_cells(&R->g);
        for (size_t i = 0; i < n; i++)
            out[i] = (float)v[i];
        return;
    }
    cr_resample(&R->g, v, w, h, gt, out);
}

/* Apply every layer of list parameter `name` to R->flags with `bit`. */
static int flag_list(cr_run *R, const char *name, uint8_t bit, int outline,
                     int *any)
{
    size_t n = R->api->param_is_set(R->step, name)
                   ? R->api->param_count(R->step, name)
                   : 0;
    for (size_t i = 0; i < n; i++) {
        const rm_layer *l = R->api->param_list_layer(R->step, name, i);
        if (!l)
            continue;
        if (!R->flags) {
            R->flags = calloc(cr_cells(&R->g), 1);
            if (!R->flags)
                return cr_nomem(R, "the modifier masks");
        }
        int rc = cr_layer_flag(R, l, bit, outline);
        if (rc)
            return rc;
        *any = 1;
    }
    return RM_OK;
}

/* Detection penalty: distance to the nearest detector cell. */
static int detection(cr_run *R, uint8_t *det)
{
    const rm_host_api *api = R->api;
    double reach = api->param_real(R->step, "detection_km") * 1000;
    double peak = api->param_real(R->step, "detection_cost");
    if (!(reach > 0) || !(peak > 0))
        return RM_OK;
    cr_grid *g = &R->g;
    /* The window of detector cells, widened by the reach. */
    int r0 = g->h, r1 = -1, c0 = g->w, c1 = -1;
    for (int r = 0; r < g->h; r++)
        for (int c = 0; c < g->w; c++)
            if (det[(size_t)r * g->w + c]) {
                r0 = r < r0 ? r : r0;
                r1 = r;
                c0 = c < c0 ? c : c0;
                c1 = c > c1 ? c : c1;
            }
    if (r1 < 0)
        return RM_OK;
    int pad = (int)fmin(ceil(reach / g->res) + 1, 1e9);
    r0 = r0 - pad < 0 ? 0 : r0 - pad;
    c0 = c0 - pad < 0 ? 0 : c0 - pad;
    r1 = r1 + pad >= g->h ? g->h - 1 : r1 + pad;
    c1 = c1 + pad >= g->w ? g->w - 1 : c1 + pad;
    int w = c1 - c0 + 1, h = r1 - r0 + 1;
    float *d = malloc(sizeof(float) * (size_t)w * (size_t)h);
    if (!d)
        return cr_nomem(R, "the detection distances");
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++)
            d[(size_t)r * w + c] =
                det[(size_t)(r + r0) * g->w + (c + c0)] ? 0 : INFINITY;
    if (cr_edt(d, w, h)) {
        free(d);
        return cr_nomem(R, "the detection distances");
    }
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
            double dist = sqrt((double)d[(size_t)r * w + c]) * g->res;
            if (dist >= reach)
                continue;
            float *f = &R->fric[(size_t)(r + r0) * g->w + (c + c0)];
            if (!isnan(*f))
                *f = (float)(*f + peak * (1 - dist / reach));
        }
    free(d);
    return RM_OK;
}

int cr_build_friction(cr_run *R)
{
    const rm_host_api *api = R->api;
    rm_step *st = R->step;
    size_t n = cr_cells(&R->g);
    R->fric = cr_alloc_big(n, sizeof(float));
    if (!R->fric)
        return cr_nomem(R, "the friction surface");
    float *f = R->fric;
    const rm_layer *fl = api->param_layer(st, "friction");
    const rm_layer *el = api->param_layer(st, "elevation");
    if (fl)
        raster_on_grid(R, fl, f);
    else
        for (size_t i = 0; i < n; i++)
            f[i] = 1;
    if (el) {
        float *z = fl ? malloc(sizeof(float) * n) : f;
        if (!z)
            return cr_nomem(R, "the slope factors");
        raster_on_grid(R, el, z);
        const char *model = api->param_string(st, "slope_model");
        cr_slope_factor(&R->g, z,
                        strcmp(model, "tobler") == 0 ? CR_SLOPE_TOBLER
                                                     : CR_SLOPE_LINEAR,
                        api->param_real(st, "slope_k"));
        if (z != f) {
            for (size_t i = 0; i < n; i++)
                f[i] *= z[i];
            free(z);
        }
    }
    double base = api->param_real(st, "base_cost");
    if (!(base > 0))
        return api->fail(st, RM_EPLUGIN_PARAM,
                         "base_cost must be above 0 (it multiplies all "
                         "friction); got %g",
                         base);
    size_t n_bar = 0;
    for (size_t i = 0; i < n; i++) {
        float v = (float)(f[i] * base);
        if (!(v > 0) || isinf(v)) {
            v = NAN;
            n_bar++;
        }
        f[i] = v;
    }
    int any_bar = 0, any_road = 0, any_det = 0, any_border = 0;
    int rc = flag_list(R, "barriers", CR_F_BARRIER, 0, &any_bar);
    if (rc == RM_OK)
        rc = flag_list(R, "roads", CR_F_ROAD, 0, &any_road);
    if (rc == RM_OK)
        rc = flag_list(R, "borders", CR_F_BORDER, 1, &any_border);
    if (rc)
        return rc;
    if (any_bar || any_road) {
        double rf = api->param_real(st, "road_factor");
        double bf = api->param_real(st, "barrier_factor");
        if (any_road && !(rf > 0))
            return api->fail(st, RM_EPLUGIN_PARAM,
                             "road_factor must be above 0; got %g", rf);
        for (size_t i = 0; i < n; i++) {
            uint8_t fl8 = R->flags[i];
            if (isnan(f[i]))
                continue;
            if (fl8 & CR_F_ROAD)
                f[i] = (float)(f[i] * rf);
            else if (fl8 & CR_F_BARRIER)
                f[i] = bf > 0 ? (float)(f[i] * bf) : NAN;
        }
    }
    /* Detection: a separate mask, then the distance transform. */
    size_t n_det = api->param_is_set(st, "detection")
                       ? api->param_count(st, "detection")
                       : 0;
    if (n_det > 0) {
        uint8_t *saved = R->flags;
        R->flags = calloc(n, 1);
        if (!R->flags) {
            R->flags = saved;
            return cr_nomem(R, "the detection mask");
        }
        for (size_t i = 0; rc == RM_OK && i < n_det; i++) {
            const rm_layer *l = api->param_list_layer(st, "detection", i);
            if (l) {
                rc = cr_layer_flag(R, l, 1, 0);
                any_det = 1;
            }
        }
        uint8_t *det = R->flags;
        R->flags = saved;
        if (rc == RM_OK && any_det)
            rc = detection(R, det);
        free(det);
        if (rc)
            return rc;
    }
    if (any_border) {
        double bc = api->param_real(st, "border_cost");
        float add = (float)(bc / R->g.res);
        for (size_t i = 0; bc > 0 && i < n; i++)
            if ((R->flags[i] & CR_F_BORDER) && !isnan(f[i]))
                f[i] += add;
    }
    size_t n_nan = 0;
    for (size_t i = 0; i < n; i++)
        n_nan += isnan(f[i]) != 0;
    api->log(st, RM_PLUGIN_LOG_INFO,
             "friction surface: %s; %zu of %zu cells are barriers",
             R->grid_how, n_nan, n);
    (void)n_bar;
    return RM_OK;
}
