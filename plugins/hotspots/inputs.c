/*
 * Inputs of a hotspots run: every point coordinate of the incidents layer
 * becomes one incident with its feature's weight and time; the holdout
 * date splits them into training and holdout sets; the study area is the
 * zone band (clipped to the briefing area), else the briefing area, else
 * the `area` parameter, else the incidents' extent.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* Field index from a named parameter or a role; -1 none, -2 error. */
static int field_of(hs_run *r, const rm_layer *l, const char *param,
                    rm_role role)
{
    const rm_host_api *api = r->api;
    const char *name = api->param_string(r->step, param);
    if (name) {
        int f = api->layer_field_index(l, name);
        if (f < 0) {
            api->fail(r->step, RM_EDATA_FIELD,
                      "%s: the incidents layer '%s' has no field '%s'; "
                      "check the field name (inspect the source with "
                      "'routemap inspect')",
                      param, api->layer_name(l), name);
            return -2;
        }
        return f;
    }
    return api->layer_role_field(l, role);
}

static int time_of(hs_run *r, const rm_layer *l, int f, size_t row,
                   int64_t *ms)
{
    const rm_host_api *api = r->api;
    if (api->layer_field_is_null(l, f, row))
        return -1;
    rm_field_type ft = api->layer_field_type(l, f);
    if (ft == RM_FIELD_DATETIME) {
        *ms = api->layer_field_ints(l, f)[row];
        return 0;
    }
    if (ft == RM_FIELD_STRING)
        return hs_parse_time(api->layer_field_string(l, f, row), ms);
    double v = api->layer_field_as_real(l, f, row); /* seconds */
    if (!isfinite(v))
        return -1;
    *ms = (int64_t)llround(v * 1000.0);
    return 0;
}

int hs_read_incidents(hs_run *r)
{
    const rm_host_api *api = r->api;
    const rm_layer *l = api->param_layer(r->step, "incidents");
    if (!l)
        return api->fail(r->step, RM_EINVAL,
                         "incidents: no layer given; set incidents to a "
                         "point layer");
    size_t nf = api->layer_feature_count(l);
    size_t nc = api->layer_coord_count(l);
    const int64_t *fo = api->layer_feature_offsets(l);
    const int64_t *po = api->layer_part_offsets(l);
    const double *xy = api->layer_xy(l);
    const double *vt = api->layer_vertex_times(l);
    int wf = field_of(r, l, "weight_field", RM_ROLE_WEIGHT);
    int tf = field_of(r, l, "time_field", RM_ROLE_TIME);
    if (wf == -2 || tf == -2)
        return RM_EDATA_FIELD;
    r->n = nc;
    r->xy = hs_alloc(nc ? nc : 1, 2 * sizeof *r->xy);
    r->keep = hs_calloc(nc, 1);
    r->later = hs_calloc(nc, 1);
    r->has_t = hs_calloc(nc, 1);
    if (!r->xy || !r->keep || !r->later || !r->has_t)
        return api->fail(r->step, RM_ENOMEM, "out of memory for %zu "
                         "incidents", nc);
    if (nc)
        memcpy(r->xy, xy, nc * 2 * sizeof *xy);
    const char *vmode = api->param_string(r->step, "value");
    int want_w = vmode && strcmp(vmode, "weight") == 0;
    if (want_w && wf < 0)
        return api->fail(r->step, RM_EDATA_FIELD,
                         "value: 'weight' needs a weight field; map the "
                         "weight role in the briefing or set weight_field");
    r->use_weight = wf >= 0 && !(vmode && strcmp(vmode, "count") == 0);
    if (wf >= 0) {
        r->w = hs_alloc(nc ? nc : 1, sizeof *r->w);
        if (!r->w)
            return api->fail(r->step, RM_ENOMEM, "out of memory");
    }
    int want_t = tf >= 0 || vt;
    if (want_t) {
        r->t = hs_alloc(nc ? nc : 1, sizeof *r->t);
        if (!r->t)
            return api->fail(r->step, RM_ENOMEM, "out of memory");
    }
    for (size_t f = 0; f < nf; f++) {
        double wv = 1.0;
        if (wf >= 0) {
            wv = api->layer_field_as_real(l, wf, f);
            if (!isfinite(wv))
                wv = 0.0;
        }
        int64_t ms = 0;
        int tok = tf >= 0 ? time_of(r, l, tf, f, &ms) == 0 : 0;
        for (int64_t p = fo[f]; p < fo[f + 1]; p++)
            for (int64_t c = po[p]; c < po[p + 1]; c++) {
                if (r->w)
                    r->w[c] = wv;
                if (tf >= 0 && tok) {
                    r->t[c] = ms;
                    r->has_t[c] = 1;
                } else if (tf < 0 && vt && isfinite(vt[c])) {
                    r->t[c] = (int64_t)llround(vt[c] * 1000.0);
                    r->has_t[c] = 1;
                }
            }
    }
    if (!want_t) {
        free(r->t);
        r->t = NULL;
    }
    return RM_OK;
}

/* ---- study area ---------------------------------------------------------- */

static int box_ok(const double b[4])
{
    return isfinite(b[0]) && isfinite(b[1]) && isfinite(b[2]) &&
           isfinite(b[3]) && b[2] > b[0] && b[3] > b[1];
}

int hs_study_area(hs_run *r)
{
    const rm_host_api *api = r->api;
    rm_bbox ab = api->analysis_area(r->step);
    double clip[4] = {ab.minx, ab.miny, ab.maxx, ab.maxy};
    int have_clip = box_ok(clip);
    r->area_from = "the briefing area";
    if (!have_clip && api->param_is_set(r->step, "area")) {
        if (api->param_count(r->step, "area") != 4)
            return api->fail(r->step, RM_EINVAL,
                             "area: expected 4 numbers minx,miny,maxx,maxy "
                             "in the analysis CRS (m), got %zu",
                             api->param_count(r->step, "area"));
        for (int k = 0; k < 4; k++)
            clip[k] = api->param_list_real(r->step, "area", (size_t)k);
        if (!box_ok(clip))
            return api->fail(r->step, RM_EINVAL,
                             "area: [%g, %g, %g, %g] is not a box with "
                             "minx < maxx and miny < maxy",
                             clip[0], clip[1], clip[2], clip[3]);
        have_clip = 1;
        r->area_from = "the area parameter";
    }
    const rm_layer *zl = api->param_layer(r->step, "zone");
    if (zl) {
        double half = api->param_real(r->step, "zone_km") * 1000.0;
        const char *caps = api->param_string(r->step, "zone_caps");
        int flat = !(caps && strcmp(caps, "round") == 0);
        char err[400];
        if (hs_zone_create(&r->zone, (int)api->layer_geom_type(zl),
                           api->layer_xy(zl), api->layer_part_offsets(zl),
                           api->layer_part_count(zl), half, flat,
                           have_clip ? clip : NULL, err, sizeof err))
            return api->fail(r->step, RM_EGEOS, "zone '%s': %s",
                             api->layer_name(zl), err);
        r->area_m2 = hs_zone_area(r->zone);
        if (hs_zone_bbox(r->zone, r->box) || !(r->area_m2 > 0))
            return api->fail(r->step, RM_EDATA_EMPTY,
                             "zone '%s': the %.1f km band around its lines "
                             "does not overlap %s; check the zone layer "
                             "and the area",
                             api->layer_name(zl), half / 1000.0,
                             r->area_from);
        r->area_from = have_clip ? "the zone band clipped to the area"
                                 : "the zone band";
        return RM_OK;
    }
    if (have_clip) {
        memcpy(r->box, clip, sizeof clip);
    } else {
        double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (size_t i = 0; i < r->n; i++) {
            double x = r->xy[2 * i], y = r->xy[2 * i + 1];
            if (!isfinite(x) || !isfinite(y))
                continue;
            b[0] = fmin(b[0], x);
            b[1] = fmin(b[1], y);
            b[2] = fmax(b[2], x);
            b[3] = fmax(b[3], y);
        }
        if (!box_ok(b))
            return api->fail(r->step, RM_EDATA_EMPTY,
                             "incidents: the points do not span an area "
                             "(need at least two distinct x and y); give "
                             "the area with 'area'");
        memcpy(r->box, b, sizeof b);
        r->area_from = "the incidents' extent";
    }
    r->area_m2 = (r->box[2] - r->box[0]) * (r->box[3] - r->box[1]);
    return RM_OK;
}
