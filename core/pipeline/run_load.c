/*
 * Loading a briefing's layers into one analysis CRS. The CRS is the
 * briefing's `crs`, or with `auto` the choice rm_crs_auto makes for the
 * briefing area — or, without an area, for the lon/lat extent of the
 * vector data, which is then read first in its own CRS and reprojected
 * in place.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer/layer_internal.h"
#include "routemap/crs.h"
#include "run_state.h"
#include "util/context_internal.h"
#include "util/util.h"

/* PROJ names a CRS made from a PROJ string "unknown": name the automatic
 * equal-area projection by its centre instead. */
static char *crs_display_name(const rm_crs *crs)
{
    const char *name = rm_crs_name(crs);
    const char *def = rm_crs_definition(crs);
    const char *lat = strstr(def, "+lat_0="), *lon = strstr(def, "+lon_0=");
    if (strcmp(name, "unknown") != 0 || !strstr(def, "+proj=laea") || !lat ||
        !lon)
        return rm__strdup(name);
    double la = strtod(lat + 7, NULL), lo = strtod(lon + 7, NULL);
    return rm__asprintf("WGS 84 / Lambert azimuthal equal-area, centre "
                        "%.4g°%c %.4g°%c",
                        fabs(la), la < 0 ? 'S' : 'N', fabs(lo),
                        lo < 0 ? 'W' : 'E');
}

static int set_crs(rm__run *r, rm_crs *crs, const char *reason)
{
    r->crs = rm__strdup(rm_crs_definition(crs));
    r->crs_name = crs_display_name(crs);
    r->crs_reason = reason;
    rm_crs_destroy(crs);
    return r->crs && r->crs_name ? RM_OK : RM_ENOMEM;
}

static int area_in_crs(rm__run *r)
{
    const rm__spec_briefing *bf = &r->b->spec->briefing;
    rm_bbox nan_box = {NAN, NAN, NAN, NAN};
    r->area = nan_box;
    if (!bf->has_area)
        return RM_OK;
    rm_transform *tr;
    int rc = rm_transform_create(r->ctx, &tr, "EPSG:4326", r->crs);
    if (rc == RM_OK)
        rc = rm_transform_bbox(tr, bf->area, &r->area);
    rm_transform_destroy(tr);
    return rc;
}

/* The CRS named by the briefing, or the automatic one for its area. */
static int crs_from_briefing(rm__run *r)
{
    const rm__spec *s = r->b->spec;
    const rm__spec_briefing *bf = &s->briefing;
    rm_crs *crs;
    int rc;
    if (!bf->crs_auto) {
        rc = rm_crs_create(r->ctx, &crs, bf->crs.s);
        if (rc != RM_OK) {
            rm_location where = rm__spec_where(s, bf->crs.loc);
            return rm__error(r->ctx, rc, &where, "%s", rm_errmsg(r->ctx));
        }
        return set_crs(r, crs, "named in the briefing");
    }
    if (!bf->has_area)
        return RM_OK; /* decided from the data */
    rc = rm_crs_auto(r->ctx, &crs, bf->area);
    if (rc != RM_OK)
        return rc;
    return set_crs(r, crs, "auto: chosen for the briefing area");
}

static int read_one(rm__run *r, size_t i, const char *target,
                    rm_layer **out)
{
    const rm__spec *s = r->b->spec;
    const rm__spec_layer *sl = &s->layers[i];
    rm__input_record *rec = &r->inputs[i];
    rec->spec = sl;
    if (!rec->source) {
        int rc = rm__spec_resolve_path(s, sl->source.s, &rec->source);
        if (rc != RM_OK)
            return rc;
    }
    rm_read_options o = RM_READ_OPTIONS_INIT;
    o.layer = sl->layer.s;
    o.where = sl->where.s;
    o.has_area = s->briefing.has_area && !sl->basemap;
    o.area = s->briefing.area;
    for (int k = 0; k < RM_ROLE_COUNT; k++)
        o.role_fields[k] = sl->role_fields[k].s;
    o.has_period = s->briefing.has_period && sl->role_fields[RM_ROLE_TIME].s;
    o.period_start_ms = s->briefing.period_start_ms;
    o.period_end_ms = s->briefing.period_end_ms;
    o.sensitive = (const char *const *)sl->sensitive.items;
    o.n_sensitive = sl->sensitive.n;
    o.target_crs = target;
    o.source_crs = sl->crs.s;
    o.x_field = sl->x.s;
    o.y_field = sl->y.s;
    o.wkt_field = sl->wkt.s;
    o.label = sl->name;
    int timed = r->ctx->log_level >= RM_LOG_INFO;
    double wall0 = 0, cpu0 = 0;
    if (timed)
        rm__clock_now(&wall0, &cpu0);
    int rc = rm_io_read(r->ctx, out, rec->source, &o, &rec->report);
    if (rc != RM_OK) {
        /* Point at the layer's entry in the briefing as well. */
        rm_location where = rm__spec_where(s, sl->loc);
        char *msg = rm__strdup(rm_errmsg(r->ctx));
        rm__error(r->ctx, rc, &where, "layer '%s': %s", sl->name,
                  msg ? msg : rm_strerror(rc));
        free(msg);
        return rc;
    }
    rm_layer_set_name(*out, sl->name);
    if (timed) {
        double wall1, cpu1;
        rm__clock_now(&wall1, &cpu1);
        if (rm_layer_geom_type(*out) == RM_GEOM_RASTER)
            rm_log(r->ctx, RM_LOG_INFO,
                   "layer '%s': a raster of %d x %d cells from %s; %.1f "
                   "ms, %.1f ms CPU",
                   sl->name, rm_layer_raster_width(*out),
                   rm_layer_raster_height(*out), sl->source.s,
                   1e3 * (wall1 - wall0), 1e3 * (cpu1 - cpu0));
        else {
            char cut[64] = "";
            if (rec->report.n_filtered)
                snprintf(cut, sizeof cut, " (%zu more outside the area or "
                                          "period)",
                         rec->report.n_filtered);
            rm_log(r->ctx, RM_LOG_INFO,
                   "layer '%s': %zu features from %s%s; %.1f ms, %.1f ms "
                   "CPU",
                   sl->name, rm_layer_feature_count(*out), sl->source.s, cut,
                   1e3 * (wall1 - wall0), 1e3 * (cpu1 - cpu0));
        }
    }
    if (rec->report.n_repaired || rec->report.n_dropped)
        rm_log(r->ctx, RM_LOG_WARN,
               "layer '%s': %zu invalid geometries repaired, %zu features "
               "without usable geometry dropped",
               sl->name, rec->report.n_repaired, rec->report.n_dropped);
    return RM_OK;
}

static void grow_box(rm_bbox *acc, rm_bbox b, int *any)
{
    if (isnan(b.minx))
        return;
    if (!*any) {
        *acc = b;
        *any = 1;
        return;
    }
    acc->minx = fmin(acc->minx, b.minx);
    acc->miny = fmin(acc->miny, b.miny);
    acc->maxx = fmax(acc->maxx, b.maxx);
    acc->maxy = fmax(acc->maxy, b.maxy);
}

/* No area and crs auto: read everything in its own CRS, choose the CRS for
 * the union of the vector layers' lon/lat extents, then reproject. */
static int load_deciding_crs(rm__run *r, rm_layer **layers)
{
    size_t n = r->b->spec->n_layers;
    rm_bbox lonlat = {0, 0, 0, 0};
    int any = 0, rc = RM_OK;
    for (size_t i = 0; rc == RM_OK && i < n; i++) {
        rc = read_one(r, i, NULL, &layers[i]);
        if (rc != RM_OK || rm_layer_geom_type(layers[i]) == RM_GEOM_RASTER)
            continue;
        rm_transform *tr;
        rm_bbox b;
        rc = rm_transform_create(r->ctx, &tr, rm_layer_crs(layers[i]),
                                 "EPSG:4326");
        if (rc == RM_OK)
            rc = rm_transform_bbox(tr, rm_layer_extent(layers[i]), &b);
        rm_transform_destroy(tr);
        if (rc == RM_OK)
            grow_box(&lonlat, b, &any);
    }
    if (rc != RM_OK)
        return rc;
    if (!any)
        return rm__error(r->ctx, RM_ECRS, NULL,
                         "cannot choose an analysis CRS: the briefing has "
                         "no `area` and no vector layer has data; set "
                         "briefing.crs or briefing.area");
    rm_crs *crs;
    rc = rm_crs_auto(r->ctx, &crs, lonlat);
    if (rc == RM_OK)
        rc = set_crs(r, crs, "auto: chosen for the extent of the data");
    for (size_t i = 0; rc == RM_OK && i < n; i++) {
        if (rm_layer_geom_type(layers[i]) == RM_GEOM_RASTER) {
            rm_layer_destroy(layers[i]);
            layers[i] = NULL;
            rc = read_one(r, i, r->crs, &layers[i]);
        } else {
            rc = rm__layer_transform(r->ctx, layers[i], r->crs);
        }
    }
    return rc;
}

int rm__run_load_inputs(rm__run *r)
{
    size_t n = r->b->spec->n_layers;
    int rc = crs_from_briefing(r);
    rm_layer **layers = rm_callocarray(n, sizeof *layers);
    if (!layers)
        return RM_ENOMEM;
    if (rc == RM_OK && r->crs) {
        for (size_t i = 0; rc == RM_OK && i < n; i++) {
            if (r->opt->progress)
                r->opt->progress(r->opt->progress_userdata, "loading",
                                 (double)i / (double)n);
            rc = read_one(r, i, r->crs, &layers[i]);
        }
    } else if (rc == RM_OK) {
        rc = load_deciding_crs(r, layers);
    }
    if (rc == RM_OK)
        rc = area_in_crs(r);
    for (size_t i = 0; i < n; i++) {
        if (rc == RM_OK)
            rc = rm__catalog_add(&r->catalog, r->b->spec->layers[i].name,
                                 layers[i], 0);
        else
            rm_layer_destroy(layers[i]);
    }
    free(layers);
    if (rc == RM_OK && r->opt->progress)
        r->opt->progress(r->opt->progress_userdata, "loading", 1.0);
    return rc;
}
