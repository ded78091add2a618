/*
 * Planning one page before any surface is touched: its extent and map
 * transform, the styles resolved against its layers, label placement,
 * graticule and grid, and the marginalia numbers (convergence, magnetic
 * declination, scale bar, date-time group). Drawing the plan on the PDF,
 * PNG and SVG surfaces then gives the same page on each.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <proj.h>

#include "render_internal.h"
#include "routemap/crs.h"
#include "util/context_internal.h"
#include "util/util.h"

static int bbox_ok(rm_bbox b)
{
    return isfinite(b.minx) && isfinite(b.miny) && isfinite(b.maxx) &&
           isfinite(b.maxy) && b.maxx > b.minx && b.maxy > b.miny;
}

static int bbox_some(rm_bbox b)
{
    return isfinite(b.minx) && isfinite(b.miny) && isfinite(b.maxx) &&
           isfinite(b.maxy) && b.maxx >= b.minx && b.maxy >= b.miny;
}

static void bbox_union(rm_bbox *acc, int *have, rm_bbox b)
{
    if (!bbox_some(b))
        return;
    if (!*have) {
        *acc = b;
        *have = 1;
        return;
    }
    acc->minx = fmin(acc->minx, b.minx);
    acc->miny = fmin(acc->miny, b.miny);
    acc->maxx = fmax(acc->maxx, b.maxx);
    acc->maxy = fmax(acc->maxy, b.maxy);
}

static rm_bbox grow(rm_bbox b, double frac, double min_size)
{
    double w = b.maxx - b.minx, h = b.maxy - b.miny;
    double cx = (b.minx + b.maxx) / 2, cy = (b.miny + b.maxy) / 2;
    w = fmax(w * (1 + 2 * frac), min_size);
    h = fmax(h * (1 + 2 * frac), min_size);
    rm_bbox o = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    return o;
}

static rm_bbox feature_extent(const rm_layer *l, size_t f)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    rm_bbox b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (int64_t c = po[fo[f]]; c < po[fo[f + 1]]; c++) {
        b.minx = fmin(b.minx, xy[2 * c]);
        b.maxx = fmax(b.maxx, xy[2 * c]);
        b.miny = fmin(b.miny, xy[2 * c + 1]);
        b.maxy = fmax(b.maxy, xy[2 * c + 1]);
    }
    return b;
}

/* 1 when a default style knows `role` for geometry `g`. */
static int known_role(const char *role, rm_geom_type g)
{
    return role && rm__style_default_name(role, g, 1) !=
                       rm__style_default_name(NULL, g, 1);
}

/* The part of a name after its last '.' or '_', or NULL. */
static const char *suffix(const char *n)
{
    if (!n)
        return NULL;
    const char *dot = strrchr(n, '.'), *us = strrchr(n, '_');
    const char *sep = dot > us ? dot : us;
    return sep && sep[1] ? sep + 1 : NULL;
}

/*
 * The layer's role for its default style: the given role, its last part,
 * the layer name or the name's last part ("hot_cells": "cells"), the
 * first a default style knows; else the given role or the name.
 */
static const char *role_of(const rm_render_layer *rl)
{
    const char *n = rm_layer_name(rl->layer);
    rm_geom_type g = rm_layer_geom_type(rl->layer);
    const char *cands[4] = {rl->role, suffix(rl->role), n, suffix(n)};
    for (int i = 0; i < 4; i++)
        if (cands[i] && *cands[i] && known_role(cands[i], g))
            return cands[i];
    return rl->role && *rl->role ? rl->role : n;
}

/* "hot_cells" -> "Hot cells": a legend title from a layer name. */
static char *pretty_title(const char *name)
{
    char *t = rm__strdup(name ? name : "layer");
    if (!t)
        return NULL;
    for (char *c = t; *c; c++)
        if (*c == '_' || *c == '.')
            *c = ' ';
    if (t[0] >= 'a' && t[0] <= 'z')
        t[0] = (char)(t[0] - 'a' + 'A');
    return t;
}

/* Re-state the context's last error with the page and layer in front. */
static int wrap_error(rm_context *ctx, int rc, const char *page,
                      const char *layer)
{
    char msg[1600];
    snprintf(msg, sizeof msg, "%s", rm_errmsg(ctx));
    return rm__error(ctx, rc, NULL, "page '%s', layer '%s': %s", page,
                     layer ? layer : "?", msg);
}

/* 1 when CRS definitions `a` and `b` are the same CRS (PROJ decides when
 * the texts differ); an unknown CRS ("") is taken to be the map's. */
static int same_crs(rm_context *ctx, const char *a, const char *b)
{
    if (!a || !*a || !b || !*b || !strcmp(a, b))
        return 1;
    PJ *pa = proj_create(ctx->proj, a), *pb = proj_create(ctx->proj, b);
    int same = pa && pb &&
               proj_is_equivalent_to_with_ctx(
                   ctx->proj, pa, pb,
                   PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS);
    proj_destroy(pa);
    proj_destroy(pb);
    return same;
}

static int plan_layers(rm__render_state *rs, rm__page_plan *pp)
{
    rm_context *ctx = rs->ctx;
    const rm_render_page *pg = pp->pg;
    pp->layers = rm_callocarray(pg->n_layers ? pg->n_layers : 1,
                                sizeof *pp->layers);
    if (!pp->layers)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    /* Basemap layers first, each group in the listed order. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < pg->n_layers; i++) {
            const rm_render_layer *rl = &pg->layers[i];
            if ((rl->basemap != 0) != (pass == 0))
                continue;
            rm__plan_layer *pl = &pp->layers[pp->n_layers++];
            pl->rl = rl;
        }
    for (size_t i = 0; i < pp->n_layers; i++) {
        rm__plan_layer *pl = &pp->layers[i];
        const rm_render_layer *rl = pl->rl;
        if (!rl->layer)
            return rm__error(ctx, RM_EINVAL, NULL,
                             "page '%s': layer %zu of the page is NULL; "
                             "give every page layer its data",
                             pp->title, i + 1);
        const char *lname = rm_layer_name(rl->layer);
        if (!same_crs(ctx, rm_layer_crs(rl->layer), rs->doc->crs)) {
            rm_location loc = rm__loc_data(NULL, lname, -1);
            return rm__error(ctx, RM_ECRS, &loc,
                             "page '%s': the layer is in %s but the map in "
                             "%s; reproject it into the map CRS first",
                             pp->title, rm_layer_crs(rl->layer),
                             rs->doc->crs);
        }
        if (rl->title && *rl->title) {
            pl->title = rl->title;
        } else {
            pl->own_title = pretty_title(lname);
            if (!pl->own_title)
                return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
            pl->title = pl->own_title;
        }
        pl->role = role_of(rl);
        rm_geom_type g = rm_layer_geom_type(rl->layer);
        const char *sname = rl->style;
        if (!sname)
            sname = rm__style_default_name(pl->role, g, rl->basemap);
        if (!sname) {
            rm_location loc = rm__loc_data(NULL, lname, -1);
            return rm__error(ctx, RM_EDATA_GEOM, &loc,
                             "page '%s': the layer has no geometry to draw; "
                             "remove it from the page",
                             pp->title);
        }
        int rc = rm__style_load(ctx, &pl->style, rs->doc->styles_dir, sname);
        if (rc && (rc > RM_ESPEC_SYNTAX || rc < RM_ESPEC_REF))
            return wrap_error(ctx, rc, pp->title, lname);
        if (rc)
            return rc; /* keeps the style file's line and column */
        rc = rm__resolve(ctx, &pl->res, pl->style, rl->layer, rl->label_field,
                         pp->xf.ext, pp->title);
        if (rc == RM_EDATA_FIELD && !rl->style) {
            /* A role's default wants a field this layer lacks (another
             * plugin's output of the same name): use the geometry's. */
            rm__resolved_free(&pl->res);
            rm__style_free(pl->style);
            pl->style = NULL;
            rm_error_clear(ctx);
            sname = rm__style_default_name(NULL, g, rl->basemap);
            rc = rm__style_load(ctx, &pl->style, rs->doc->styles_dir, sname);
            if (!rc)
                rc = rm__resolve(ctx, &pl->res, pl->style, rl->layer,
                                 rl->label_field, pp->xf.ext, pp->title);
        }
        if (rc)
            return rc;
        if (g == RM_GEOM_POINT) {
            if (pl->style->label.only_labelled && pl->res.label_col >= 0) {
                size_t nf = rm_layer_feature_count(rl->layer);
                pl->show = rm_callocarray(nf ? nf : 1, 1);
                if (!pl->show)
                    return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
            }
            pl->dense = rm_layer_coord_count(rl->layer) > rs->dense_threshold &&
                        pl->res.n_in_view > rs->dense_threshold;
            /* Default styles draw crowded point layers smaller, down to
             * 70 %, so a few thousand incidents do not bury the map. A
             * style chosen by name keeps its sizes. */
            if (!rl->style && !rl->basemap && pl->res.n_in_view > 1000)
                pl->res.size_scale =
                    fmax(0.7, sqrt(1000.0 / (double)pl->res.n_in_view));
        }
        if (!strcmp(pl->role ? pl->role : "", "countries") && rl->basemap &&
            g == RM_GEOM_POLYGON)
            pp->water = 1;
    }
    return RM_OK;
}

/* Labels: top layers first, so analysis labels win over the basemap; MGRS
 * square identifiers are drawn over everything, so labels avoid them. */
static int plan_labels(rm__render_state *rs, rm__page_plan *pp)
{
    rm_context *ctx = rs->ctx;
    for (size_t i = 0; pp->has_utm && i < pp->utm.n_squares; i++) {
        const rm__map_label *m = &pp->utm.squares[i];
        PangoLayout *l = rm__text_layout(rs->pctx, m->text, 8, 1, 0, 0);
        if (!l)
            return rm__error(ctx, RM_ERENDER, NULL, "pango failed");
        double w, h;
        rm__text_size(l, &w, &h);
        g_object_unref(l);
        double x = rm__xf_x(&pp->xf, m->x), y = rm__xf_y(&pp->xf, m->y);
        if (rm__labels_avoid(&pp->labels, x - w / 2 - 1, y - h / 2 - 1,
                             x + w / 2 + 1, y + h / 2 + 1))
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    for (size_t i = pp->n_layers; i-- > 0;) {
        rm__plan_layer *pl = &pp->layers[i];
        if (rm_layer_geom_type(pl->rl->layer) == RM_GEOM_RASTER)
            continue;
        int rc = rm__labels_place(ctx, &pp->labels, rs->pctx, &pp->xf,
                                  &pp->lay.frame, &pl->res, pl->show);
        if (rc)
            return rc;
    }
    return RM_OK;
}

/* Log why a map element is left out and go on; returns 0. */
static int degrade(rm_context *ctx, const rm__page_plan *pp, const char *what)
{
    rm_log(ctx, RM_LOG_WARN, "page %d '%s': %s left out: %s", pp->number,
           pp->title, what, rm_errmsg(ctx));
    rm_error_clear(ctx);
    return 0;
}

static int plan_marginalia(rm__render_state *rs, rm__page_plan *pp)
{
    rm_context *ctx = rs->ctx;
    const rm_render_doc *doc = rs->doc;
    const rm_render_page *pg = pp->pg;
    double cx = (pp->xf.ext.minx + pp->xf.ext.maxx) / 2;
    double cy = (pp->xf.ext.miny + pp->xf.ext.maxy) / 2;
    rm_transform *tr = NULL;
    int rc = rm_transform_create(ctx, &tr, doc->crs, "EPSG:4326");
    if (rc)
        return rc;
    double ll[2] = {cx, cy};
    size_t failed = 0;
    rc = rm_transform_apply(tr, ll, 1, &failed);
    rm_transform_destroy(tr);
    if (!rc && (failed || !isfinite(ll[0]) || !isfinite(ll[1])))
        rc = rm__error(ctx, RM_ECRS, NULL,
                       "page '%s': the map centre (%.1f, %.1f) has no "
                       "longitude/latitude in %s; check the page extent",
                       pp->title, cx, cy, doc->crs);
    if (rc)
        return rc;
    pp->center_lon = ll[0];
    pp->center_lat = ll[1];
    /* North arrows and scale bar: a CRS PROJ cannot give factors for
     * costs the page those elements (with a warning), not the briefing. */
    pp->has_north = 1;
    if (rm__grid_convergence(ctx, &pp->convergence, doc->crs, cx, cy) ||
        rm__wmm_declination(ctx, &pp->declination, &pp->decl_valid,
                            pp->center_lat, pp->center_lon, 0,
                            rm__decimal_year(doc->date_ms)))
        pp->has_north = degrade(ctx, pp, "the north arrows");
    double m_per_pt = 0;
    if (rm__scale_factors(ctx, &pp->scale_h, &pp->scale_k, doc->crs, cx,
                          cy)) {
        degrade(ctx, pp, "the scale bar");
    } else {
        /* A horizontal bar: the scale along the parallel. */
        m_per_pt = 1.0 / (pp->xf.s * pp->scale_k);
        double max_pt = pp->lay.scale.w - 40;
        if (rm__nice_scale_bar(ctx, &pp->bar_len_m, &pp->bar_div, m_per_pt,
                               max_pt))
            degrade(ctx, pp, "the scale bar");
        else
            pp->bar_pt = pp->bar_len_m / m_per_pt;
        pp->denominator = m_per_pt / (0.0254 / 72.0);
    }
    pp->bar_x = pp->lay.scale.x + 6;
    pp->bar_y = pp->lay.scale.y + 12;
    pp->bar_h = 4.5;
    rm__format_dtg(pp->dtg, doc->date_ms);

    if (!pg->no_graticule) {
        if (rm__graticule_build(ctx, &pp->grat, doc->crs, pp->xf.ext))
            degrade(ctx, pp, "the graticule");
        else
            pp->has_grat = 1;
    }
    if (pg->grid && (!strcasecmp(pg->grid, "utm") ||
                     !strcasecmp(pg->grid, "mgrs"))) {
        if ((rc = rm__utm_grid_build(ctx, &pp->utm, doc->crs, pp->xf.ext)))
            return rc;
        pp->has_utm = 1;
        if (!strcasecmp(pg->grid, "utm"))
            pp->utm.n_squares = 0; /* lines and numbers, no square ids */
    }

    if (pg->inset) {
        const rm_layer *il = doc->inset_layer;
        for (size_t i = 0; !il && i < pp->n_layers; i++)
            if (pp->layers[i].rl->basemap && pp->layers[i].role &&
                !strcmp(pp->layers[i].role, "countries"))
                il = pp->layers[i].rl->layer;
        rm_bbox e = grow(pp->xf.ext, 0.3, 0);
        int have = 1;
        if (il && !same_crs(ctx, rm_layer_crs(il), doc->crs)) {
            rm_location loc = rm__loc_data(NULL, rm_layer_name(il), -1);
            return rm__error(ctx, RM_ECRS, &loc,
                             "page '%s': the inset layer is in %s but the "
                             "map in %s; reproject it first",
                             pp->title, rm_layer_crs(il), doc->crs);
        }
        if (il && rm_layer_geom_type(il) == RM_GEOM_POLYGON) {
            rm_bbox le = rm_layer_extent(il);
            bbox_union(&e, &have, le);
        } else {
            e = grow(pp->xf.ext, 1.5, 0);
        }
        pp->inset_layer = il;
        rm__xf_fit(&pp->inset_xf, &pp->lay.inset, e);
        pp->has_inset = 1;
    }
    return RM_OK;
}

int rm__plan_page(rm__render_state *rs, rm__page_plan *pp,
                  const rm_render_page *pg, long atlas_row, int number,
                  int count)
{
    rm_context *ctx = rs->ctx;
    const rm_render_doc *doc = rs->doc;
    memset(pp, 0, sizeof *pp);
    pp->number = number;
    pp->count = count;
    pp->doc = doc;
    pp->pg = pg;
    pp->atlas_row = atlas_row;
    pp->crs_label = rs->crs_label;
    if (rm__layout_page(&pp->lay, pg->paper, pg->landscape))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "page %d: unknown paper '%s'; use A4, A3 or Letter",
                         number, pg->paper);
    rm_bbox want = {0, 0, 0, 0};
    int have = 0;
    if (atlas_row >= 0) {
        const rm_layer *al = pg->atlas;
        if (!same_crs(ctx, rm_layer_crs(al), doc->crs)) {
            rm_location loc = rm__loc_data(NULL, rm_layer_name(al), -1);
            return rm__error(ctx, RM_ECRS, &loc,
                             "atlas page '%s': the atlas layer is in %s but "
                             "the map in %s; reproject it first",
                             pg->title ? pg->title : "", rm_layer_crs(al),
                             doc->crs);
        }
        int field = pg->atlas_title_field
                        ? rm_layer_field_index(al, pg->atlas_title_field)
                        : -1;
        if (pg->atlas_title_field && field < 0) {
            rm_location loc = rm__loc_data(NULL, rm_layer_name(al), -1);
            return rm__error(ctx, RM_EDATA_FIELD, &loc,
                             "atlas page '%s': no field '%s' to title the "
                             "pages; name an attribute of the atlas layer",
                             pg->title ? pg->title : "", pg->atlas_title_field);
        }
        char num[64];
        const char *t = NULL;
        if (field >= 0 && !rm_layer_field_is_null(al, field, atlas_row)) {
            if (rm_layer_field_type(al, field) == RM_FIELD_STRING)
                t = rm_layer_field_string(al, field, atlas_row);
            else {
                snprintf(num, sizeof num, "%.10g",
                         rm_layer_field_as_real(al, field, atlas_row));
                t = num;
            }
        }
        pp->title = t ? rm__strdup(t)
                      : rm__asprintf("Feature %lld",
                                     (long long)rm_layer_fids(al)[atlas_row]);
        if (pg->title && pg->subtitle)
            pp->subtitle = rm__asprintf("%s \u2014 %s", pg->title,
                                        pg->subtitle);
        else
            pp->subtitle = rm__strdup(pg->title ? pg->title : pg->subtitle);
        double margin = pg->atlas_margin > 0 ? pg->atlas_margin : 0.15;
        want = grow(feature_extent(al, (size_t)atlas_row), margin, 2000);
        have = 1;
    } else {
        pp->title = rm__strdup(pg->title ? pg->title
                               : doc->title ? doc->title : "Map");
        pp->subtitle = rm__strdup(pg->subtitle ? pg->subtitle
                                               : doc->subtitle);
        if (bbox_ok(pg->extent)) {
            want = pg->extent;
            have = 1;
        }
    }
    if (!pp->title)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    for (int pass = 0; pass < 2 && !have; pass++) {
        for (size_t i = 0; i < pg->n_layers; i++) {
            const rm_render_layer *rl = &pg->layers[i];
            if (rl->layer && (pass == 1 || !rl->basemap))
                bbox_union(&want, &have, rm_layer_extent(rl->layer));
        }
        if (have)
            want = grow(want, 0.05, 2000);
    }
    if (!have)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "page '%s': nothing to show (no extent and no "
                         "layer with features); give the page an extent "
                         "or layers",
                         pp->title);
    rm__xf_fit(&pp->xf, &pp->lay.frame, want);
    int rc = plan_layers(rs, pp);
    if (!rc)
        rc = plan_marginalia(rs, pp);
    if (!rc)
        rc = plan_labels(rs, pp);
    return rc;
}

void rm__plan_free(rm__page_plan *pp)
{
    if (!pp)
        return;
    for (size_t i = 0; i < pp->n_layers; i++) {
        rm__resolved_free(&pp->layers[i].res);
        rm__style_free(pp->layers[i].style);
        free(pp->layers[i].show);
        free(pp->layers[i].own_title);
    }
    free(pp->layers);
    rm__labels_free(&pp->labels);
    rm__graticule_free(&pp->grat);
    rm__utm_grid_free(&pp->utm);
    free(pp->title);
    free(pp->subtitle);
    memset(pp, 0, sizeof *pp);
}
