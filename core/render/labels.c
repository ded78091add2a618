/*
 * Label placement with collision avoidance: the features of a layer are
 * taken by priority (e.g. population), and each label goes to the first of
 * its candidate positions whose box stays inside the frame and overlaps no
 * label placed before it nor a labelled marker. So no two placed labels
 * ever overlap; a label that fits nowhere is left out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "util/context_internal.h"
#include "util/util.h"

#define MAX_CANDIDATES 20000 /* features considered per layer and page */

typedef struct cand {
    size_t row;
    double prio;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->prio != y->prio)
        return x->prio < y->prio ? 1 : -1;
    return (x->row > y->row) - (x->row < y->row);
}

#define CELL 24.0

static int cell_of(double v)
{
    int c = (int)floor(fmin(fmax(v, 0), RM__LGRID * CELL - 1) / CELL);
    return c < 0 ? 0 : c >= RM__LGRID ? RM__LGRID - 1 : c;
}

/* 1 when no avoided box overlaps the box. */
static int box_free(const rm__labels *lab, double x0, double y0, double x1,
                    double y1)
{
    if (!lab->cell)
        return 1;
    int cx0 = cell_of(x0), cy0 = cell_of(y0);
    int cx1 = cell_of(x1), cy1 = cell_of(y1);
    for (int cy = cy0; cy <= cy1; cy++)
        for (int cx = cx0; cx <= cx1; cx++) {
            size_t c = (size_t)cy * RM__LGRID + cx;
            for (uint32_t k = 0; k < lab->cell_n[c]; k++) {
                const double *b = &lab->obs[4 * (size_t)lab->cell[c][k]];
                if (x0 < b[2] && b[0] < x1 && y0 < b[3] && b[1] < y1)
                    return 0;
            }
        }
    return 1;
}

int rm__labels_avoid(rm__labels *lab, double x0, double y0, double x1,
                     double y1)
{
    if (!(x0 <= x1 && y0 <= y1)) /* empty or not a number */
        return 0;
    size_t ncell = (size_t)RM__LGRID * RM__LGRID;
    if (!lab->cell) {
        lab->cell = rm_callocarray(ncell, sizeof *lab->cell);
        lab->cell_n = rm_callocarray(ncell, sizeof *lab->cell_n);
        lab->cell_cap = rm_callocarray(ncell, sizeof *lab->cell_cap);
        if (!lab->cell || !lab->cell_n || !lab->cell_cap)
            return -1;
    }
    if (lab->n_obs >= UINT32_MAX ||
        rm__grow((void **)&lab->obs, &lab->cap_obs, 4 * (lab->n_obs + 1),
                 sizeof(double)))
        return -1;
    uint32_t id = (uint32_t)lab->n_obs++;
    double *b = &lab->obs[4 * (size_t)id];
    b[0] = x0;
    b[1] = y0;
    b[2] = x1;
    b[3] = y1;
    for (int cy = cell_of(y0); cy <= cell_of(y1); cy++)
        for (int cx = cell_of(x0); cx <= cell_of(x1); cx++) {
            size_t c = (size_t)cy * RM__LGRID + cx;
            if (lab->cell_n[c] == lab->cell_cap[c]) {
                uint32_t cap = lab->cell_cap[c] ? 2 * lab->cell_cap[c] : 8;
                uint32_t *nl = rm_reallocarray(lab->cell[c], cap, sizeof *nl);
                if (!nl)
                    return -1;
                lab->cell[c] = nl;
                lab->cell_cap[c] = cap;
            }
            lab->cell[c][lab->cell_n[c]++] = id;
        }
    return 0;
}

/* The anchor of a polygon feature: the centre of the largest circle inside
 * its part within the view (GEOS), in map units. */
static int polygon_anchor(rm_context *ctx, const rm_layer *l, size_t f,
                          rm_bbox view, double *ox, double *oy)
{
    GEOSContextHandle_t g = ctx->geos;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const uint8_t *outer = rm_layer_part_outer(l);
    const double *xy = rm_layer_xy(l);
    int64_t p0 = fo[f], p1 = fo[f + 1];
    size_t npoly = 0;
    GEOSGeometry **polys =
        rm_callocarray((size_t)(p1 - p0) + 1, sizeof *polys);
    if (!polys)
        return -1;
    int ok = 1;
    for (int64_t p = p0; p < p1 && ok;) {
        /* exterior ring p, holes until the next exterior */
        int64_t q = p + 1;
        while (q < p1 && !outer[q])
            q++;
        GEOSGeometry **rings =
            rm_callocarray((size_t)(q - p), sizeof *rings);
        if (!rings) {
            ok = 0;
            break;
        }
        size_t nr = 0;
        for (int64_t k = p; k < q; k++) {
            int64_t n = po[k + 1] - po[k];
            if (n < 4)
                continue;
            GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(
                g, xy + 2 * po[k], (unsigned)n, 0, 0);
            GEOSGeometry *ring = cs ? GEOSGeom_createLinearRing_r(g, cs)
                                    : NULL;
            if (ring)
                rings[nr++] = ring;
        }
        if (nr > 0) {
            GEOSGeometry *poly = GEOSGeom_createPolygon_r(
                g, rings[0], nr > 1 ? rings + 1 : NULL, (unsigned)nr - 1);
            if (poly)
                polys[npoly++] = poly;
            else
                for (size_t k = 0; k < nr; k++)
                    GEOSGeom_destroy_r(g, rings[k]);
        }
        free(rings);
        p = q;
    }
    int found = 0;
    if (ok && npoly) {
        GEOSGeometry *mp = GEOSGeom_createCollection_r(
            g, GEOS_MULTIPOLYGON, polys, (unsigned)npoly);
        if (mp) {
            npoly = 0;
            GEOSGeometry *clip = GEOSClipByRect_r(g, mp, view.minx, view.miny,
                                                  view.maxx, view.maxy);
            if (clip && !GEOSisEmpty_r(g, clip)) {
                double tol = fmax(view.maxx - view.minx,
                                  view.maxy - view.miny) / 400;
                GEOSGeometry *mic =
                    GEOSMaximumInscribedCircle_r(g, clip, tol);
                GEOSGeometry *c = mic ? GEOSGeomGetStartPoint_r(g, mic)
                                      : NULL;
                if (c && GEOSGeomGetX_r(g, c, ox) == 1 &&
                    GEOSGeomGetY_r(g, c, oy) == 1)
                    found = 1;
                GEOSGeom_destroy_r(g, c);
                GEOSGeom_destroy_r(g, mic);
            }
            GEOSGeom_destroy_r(g, clip);
            GEOSGeom_destroy_r(g, mp);
        }
    }
    for (size_t i = 0; i < npoly; i++)
        GEOSGeom_destroy_r(g, polys[i]);
    free(polys);
    return found ? 0 : 1;
}

/* The anchor of a line feature: the middle of its longest part, page pt. */
static int line_anchor(const rm_layer *l, size_t f, const rm__xf *xf,
                       double *ox, double *oy)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    double best = 0;
    int64_t bp = -1;
    for (int64_t p = fo[f]; p < fo[f + 1]; p++) {
        double len = 0;
        for (int64_t c = po[p]; c + 1 < po[p + 1]; c++)
            len += hypot(xy[2 * c + 2] - xy[2 * c],
                         xy[2 * c + 3] - xy[2 * c + 1]);
        if (len > best) {
            best = len;
            bp = p;
        }
    }
    if (bp < 0)
        return 1;
    double half = best / 2, acc = 0;
    for (int64_t c = po[bp]; c + 1 < po[bp + 1]; c++) {
        double sl = hypot(xy[2 * c + 2] - xy[2 * c],
                          xy[2 * c + 3] - xy[2 * c + 1]);
        if (acc + sl >= half && sl > 0) {
            double t = (half - acc) / sl;
            *ox = rm__xf_x(xf, xy[2 * c] + t * (xy[2 * c + 2] - xy[2 * c]));
            *oy = rm__xf_y(xf, xy[2 * c + 1] +
                                   t * (xy[2 * c + 3] - xy[2 * c + 1]));
            return 0;
        }
        acc += sl;
    }
    return 1;
}

int rm__labels_place(rm_context *ctx, rm__labels *lab, PangoContext *pctx,
                     const rm__xf *xf, const rm__rect *frame,
                     const rm__resolved *r, uint8_t *show_point)
{
    const rm_layer *l = r->layer;
    const rm__label_style *ls = &r->style->label;
    if (r->label_col < 0)
        return RM_OK;
    rm_geom_type g = rm_layer_geom_type(l);
    size_t nf = rm_layer_feature_count(l);
    cand *cs = rm_mallocarray(nf ? nf : 1, sizeof *cs);
    if (!cs)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory placing labels");
    size_t n = 0;
    for (size_t f = 0; f < nf; f++) {
        if (!r->in_view[f] || r->row_class[f] < 0)
            continue;
        const char *t = rm_layer_field_is_null(l, r->label_col, f)
                            ? NULL
                            : rm_layer_field_string(l, r->label_col, f);
        double v = NAN;
        if (!t && rm_layer_field_type(l, r->label_col) != RM_FIELD_STRING &&
            !rm_layer_field_is_null(l, r->label_col, f))
            v = 0; /* numeric labels are formatted below */
        if ((!t || !*t) && isnan(v))
            continue;
        double pr = r->prio_col >= 0
                        ? rm_layer_field_as_real(l, r->prio_col, f)
                        : 0;
        cs[n].row = f;
        cs[n].prio = isfinite(pr) ? pr : -INFINITY;
        n++;
    }
    qsort(cs, n, sizeof *cs, cmp_cand);
    if (n > MAX_CANDIDATES)
        n = MAX_CANDIDATES;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    double fx0 = frame->x + 1, fy0 = frame->y + 1;
    double fx1 = frame->x + frame->w - 1, fy1 = frame->y + frame->h - 1;
    int placed_here = 0, rc = RM_OK;
    for (size_t i = 0; i < n && rc == RM_OK; i++) {
        if (ls->max > 0 && placed_here >= ls->max)
            break;
        size_t f = cs[i].row;
        const rm__symbol *sym = &r->classes[r->row_class[f]];
        char num[64];
        const char *text;
        if (rm_layer_field_type(l, r->label_col) == RM_FIELD_STRING) {
            text = rm_layer_field_string(l, r->label_col, f);
        } else {
            snprintf(num, sizeof num, "%.10g",
                     rm_layer_field_as_real(l, r->label_col, f));
            text = num;
        }
        char *up = ls->upper ? g_utf8_strup(text, -1) : NULL;
        double size = sym->label_size > 0 ? sym->label_size : ls->size;
        int bold = sym->label_bold >= 0 ? sym->label_bold : ls->bold;
        PangoLayout *lay = rm__text_layout(pctx, up ? up : text, size, bold,
                                           ls->italic, ls->letter_spacing);
        g_free(up);
        if (!lay) {
            rc = rm__error(ctx, RM_ERENDER, NULL,
                           "pango could not lay out a label");
            break;
        }
        double w, h;
        rm__text_size(lay, &w, &h);
        double hw = ls->halo_width * 0.6;
        double ax = 0, ay = 0, rr = 0;
        int ok = 0;
        if (g == RM_GEOM_POINT) {
            int64_t c = po[fo[f]];
            ax = rm__xf_x(xf, xy[2 * c]);
            ay = rm__xf_y(xf, xy[2 * c + 1]);
            rr = rm__resolved_size(r, f) / 2 + 0.8;
            ok = 1;
        } else if (g == RM_GEOM_POLYGON) {
            double mx, my;
            int pr = polygon_anchor(ctx, l, f, xf->ext, &mx, &my);
            if (pr < 0) {
                g_object_unref(lay);
                rc = rm__error(ctx, RM_ENOMEM, NULL,
                               "out of memory placing labels");
                break;
            }
            ok = pr == 0;
            ax = ok ? rm__xf_x(xf, mx) : 0;
            ay = ok ? rm__xf_y(xf, my) : 0;
        } else {
            ok = line_anchor(l, f, xf, &ax, &ay) == 0;
        }
        if (!ok || !isfinite(ax) || !isfinite(ay)) {
            g_object_unref(lay);
            continue;
        }
        /* Candidate offsets of the text box's top-left from the anchor. */
        double gap = 1.2;
        double cand_xy[8][2];
        int nc = 0;
        if (g == RM_GEOM_POINT) {
            double d = rr + gap;
            double dd = d * 0.72;
            double pos[8][2] = {{d, -h / 2},           /* right */
                                {-d - w, -h / 2},      /* left */
                                {dd, -dd - h},         /* upper right */
                                {dd, dd},              /* lower right */
                                {-w / 2, -d - h},      /* above */
                                {-w / 2, d},           /* below */
                                {-dd - w, -dd - h},    /* upper left */
                                {-dd - w, dd}};        /* lower left */
            memcpy(cand_xy, pos, sizeof pos);
            nc = 8;
        } else {
            double pos[3][2] = {{-w / 2, -h / 2},
                                {-w / 2, -h / 2 - h * 0.8},
                                {-w / 2, -h / 2 + h * 0.8}};
            memcpy(cand_xy, pos, sizeof pos);
            nc = 3;
        }
        int done = 0;
        for (int k = 0; k < nc && !done; k++) {
            double x = ax + cand_xy[k][0], y = ay + cand_xy[k][1];
            double x0 = x - hw, y0 = y - hw, x1 = x + w + hw, y1 = y + h + hw;
            if (x0 < fx0 || y0 < fy0 || x1 > fx1 || y1 > fy1)
                continue;
            if (!box_free(lab, x0, y0, x1, y1))
                continue;
            /* Its own marker must also not sit under another label. */
            if (g == RM_GEOM_POINT &&
                !box_free(lab, ax - rr, ay - rr, ax + rr, ay + rr))
                break;
            if (rm__grow((void **)&lab->items, &lab->cap, lab->n + 1,
                         sizeof *lab->items) ||
                rm__labels_avoid(lab, x0, y0, x1, y1) ||
                (g == RM_GEOM_POINT &&
                 rm__labels_avoid(lab, ax - rr, ay - rr, ax + rr, ay + rr))) {
                rc = rm__error(ctx, RM_ENOMEM, NULL,
                               "out of memory placing labels");
                break;
            }
            rm__label *it = &lab->items[lab->n++];
            it->layout = lay;
            it->x = x;
            it->y = y;
            it->bx0 = x0;
            it->by0 = y0;
            it->bx1 = x1;
            it->by1 = y1;
            it->ls = ls;
            it->color = ls->color;
            done = 1;
            placed_here++;
            if (show_point)
                show_point[f] = 1;
        }
        if (!done)
            g_object_unref(lay);
    }
    free(cs);
    return rc;
}

void rm__labels_draw(cairo_t *cr, PangoContext *pctx, const rm__labels *lab)
{
    for (size_t i = 0; i < lab->n; i++) {
        const rm__label *it = &lab->items[i];
        rm__text_draw(cr, pctx, it->layout, it->x, it->y, &it->color,
                      &it->ls->halo, it->ls->halo_width);
    }
}

void rm__labels_free(rm__labels *lab)
{
    for (size_t i = 0; i < lab->n; i++)
        g_object_unref(lab->items[i].layout);
    free(lab->items);
    free(lab->obs);
    if (lab->cell)
        for (size_t c = 0; c < (size_t)RM__LGRID * RM__LGRID; c++)
            free(lab->cell[c]);
    free(lab->cell);
    free(lab->cell_n);
    free(lab->cell_cap);
    memset(lab, 0, sizeof *lab);
}
