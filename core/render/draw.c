/*
 * Vector drawing of features with cairo: marker shapes, lines with dashes
 * and direction arrows, polygons with fill, opacity, hatching and holes.
 * Geometry is transformed to page points and clipped to a guard box around
 * the frame, so far-away vertices never overflow cairo's fixed point.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "util/util.h"

#define GUARD 40.0 /* pt around the frame kept when clipping geometry */
#define VECTOR_QUANT 16.0 /* vector coordinates in steps of 1/16 pt */

static void set_rgba(cairo_t *cr, rm__rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

void rm__marker_path(cairo_t *cr, rm__shape shape, double cx, double cy,
                     double size)
{
    double r = size / 2;
    switch (shape) {
    case RM__SHAPE_CIRCLE:
        cairo_new_sub_path(cr);
        cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
        cairo_close_path(cr);
        break;
    case RM__SHAPE_SQUARE: {
        double h = r * 0.88;
        cairo_rectangle(cr, cx - h, cy - h, 2 * h, 2 * h);
        break;
    }
    case RM__SHAPE_TRIANGLE: {
        double R = r * 1.2;
        cairo_move_to(cr, cx, cy - R);
        cairo_line_to(cr, cx + R * 0.8660254, cy + R * 0.5);
        cairo_line_to(cr, cx - R * 0.8660254, cy + R * 0.5);
        cairo_close_path(cr);
        break;
    }
    case RM__SHAPE_DIAMOND: {
        double R = r * 1.15;
        cairo_move_to(cr, cx, cy - R);
        cairo_line_to(cr, cx + R * 0.8, cy);
        cairo_line_to(cr, cx, cy + R);
        cairo_line_to(cr, cx - R * 0.8, cy);
        cairo_close_path(cr);
        break;
    }
    case RM__SHAPE_CROSS: {
        double a = r, w = r * 0.34;
        cairo_move_to(cr, cx - w, cy - a);
        cairo_line_to(cr, cx + w, cy - a);
        cairo_line_to(cr, cx + w, cy - w);
        cairo_line_to(cr, cx + a, cy - w);
        cairo_line_to(cr, cx + a, cy + w);
        cairo_line_to(cr, cx + w, cy + w);
        cairo_line_to(cr, cx + w, cy + a);
        cairo_line_to(cr, cx - w, cy + a);
        cairo_line_to(cr, cx - w, cy + w);
        cairo_line_to(cr, cx - a, cy + w);
        cairo_line_to(cr, cx - a, cy - w);
        cairo_line_to(cr, cx - w, cy - w);
        cairo_close_path(cr);
        break;
    }
    case RM__SHAPE_STAR: {
        double R = r * 1.1, ri = R * 0.42;
        for (int i = 0; i < 10; i++) {
            double ang = -M_PI / 2 + i * M_PI / 5;
            double rr = (i % 2) ? ri : R;
            double x = cx + rr * cos(ang), y = cy + rr * sin(ang);
            if (i == 0)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        cairo_close_path(cr);
        break;
    }
    }
}

void rm__marker_draw(cairo_t *cr, const rm__symbol *sym, double cx,
                     double cy, double size)
{
    cairo_new_path(cr);
    rm__marker_path(cr, sym->shape, cx, cy, size);
    rm__rgba f = rm__sym_fill(sym), s = rm__sym_stroke(sym);
    if (f.a > 0) {
        set_rgba(cr, f);
        if (s.a > 0 && sym->stroke_width > 0)
            cairo_fill_preserve(cr);
        else
            cairo_fill(cr);
    }
    if (s.a > 0 && sym->stroke_width > 0) {
        set_rgba(cr, s);
        cairo_set_line_width(cr, sym->stroke_width);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

void rm__line_apply(cairo_t *cr, const rm__symbol *sym)
{
    set_rgba(cr, rm__sym_stroke(sym));
    cairo_set_line_width(cr, sym->stroke_width);
    cairo_set_dash(cr, sym->n_dash ? sym->dash : NULL, sym->n_dash, 0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, sym->n_dash ? CAIRO_LINE_CAP_BUTT
                                       : CAIRO_LINE_CAP_ROUND);
}

/* ---- clipping to the guard box ---------------------------------------- */

typedef struct box {
    double x0, y0, x1, y1;
} box;

typedef struct ptbuf {
    double *p; /* interleaved x,y */
    size_t n, cap;
} ptbuf;

static int pt_push(ptbuf *b, double x, double y)
{
    if (b->n + 1 > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        double *np = rm_reallocarray(b->p, cap, 2 * sizeof(double));
        if (!np)
            return -1;
        b->p = np;
        b->cap = cap;
    }
    b->p[2 * b->n] = x;
    b->p[2 * b->n + 1] = y;
    b->n++;
    return 0;
}

/* One Sutherland-Hodgman pass against edge `e` (0 left,1 right,2 top,3
 * bottom) of `g`. */
static int inside(int e, const box *g, double x, double y)
{
    switch (e) {
    case 0:
        return x >= g->x0;
    case 1:
        return x <= g->x1;
    case 2:
        return y >= g->y0;
    default:
        return y <= g->y1;
    }
}

static void cross(int e, const box *g, double ax, double ay, double bx,
                  double by, double *ox, double *oy)
{
    double t;
    if (e < 2) {
        double xe = e == 0 ? g->x0 : g->x1;
        t = (xe - ax) / (bx - ax);
        *ox = xe;
        *oy = ay + t * (by - ay);
    } else {
        double ye = e == 2 ? g->y0 : g->y1;
        t = (ye - ay) / (by - ay);
        *ox = ax + t * (bx - ax);
        *oy = ye;
    }
}

static int clip_ring(ptbuf *in, ptbuf *tmp, const box *g)
{
    for (int e = 0; e < 4; e++) {
        tmp->n = 0;
        size_t n = in->n;
        for (size_t i = 0; i < n; i++) {
            double ax = in->p[2 * ((i + n - 1) % n)];
            double ay = in->p[2 * ((i + n - 1) % n) + 1];
            double bx = in->p[2 * i], by = in->p[2 * i + 1];
            int ia = inside(e, g, ax, ay), ib = inside(e, g, bx, by);
            double x, y;
            if (ib) {
                if (!ia) {
                    cross(e, g, ax, ay, bx, by, &x, &y);
                    if (pt_push(tmp, x, y))
                        return -1;
                }
                if (pt_push(tmp, bx, by))
                    return -1;
            } else if (ia) {
                cross(e, g, ax, ay, bx, by, &x, &y);
                if (pt_push(tmp, x, y))
                    return -1;
            }
        }
        ptbuf t = *in;
        *in = *tmp;
        *tmp = t;
        if (in->n == 0)
            break;
    }
    return 0;
}

typedef struct scratch {
    ptbuf a, b;
    double quant; /* vector output: coordinates rounded to 1/quant pt */
} scratch;

static void scratch_free(scratch *s)
{
    free(s->a.p);
    free(s->b.p);
}

/* Transform a part into s->a in page pt. */
static int part_to_page(scratch *s, const rm__xf *xf, const double *xy,
                        int64_t c0, int64_t c1)
{
    s->a.n = 0;
    double q = s->quant;
    for (int64_t c = c0; c < c1; c++) {
        double x = rm__xf_x(xf, xy[2 * c]), y = rm__xf_y(xf, xy[2 * c + 1]);
        if (!isfinite(x) || !isfinite(y))
            continue; /* a broken vertex is left out, never drawn */
        if (q > 0) {
            /* Short numbers in the PDF/SVG: 1/16 pt is 0.02 mm. Skip
             * repeats the rounding makes. */
            x = round(x * q) / q;
            y = round(y * q) / q;
            if (s->a.n && s->a.p[2 * s->a.n - 2] == x &&
                s->a.p[2 * s->a.n - 1] == y)
                continue;
        }
        if (pt_push(&s->a, x, y))
            return -1;
    }
    return 0;
}

static int needs_clip(const ptbuf *p, const box *g)
{
    for (size_t i = 0; i < p->n; i++) {
        double x = p->p[2 * i], y = p->p[2 * i + 1];
        if (x < g->x0 || x > g->x1 || y < g->y0 || y > g->y1)
            return 1;
    }
    return 0;
}

static box guard_of(const rm__xf *xf)
{
    double w = (xf->ext.maxx - xf->ext.minx) * xf->s;
    double h = (xf->ext.maxy - xf->ext.miny) * xf->s;
    box g = {xf->fx - GUARD, xf->fy - GUARD, xf->fx + w + GUARD,
             xf->fy + h + GUARD};
    return g;
}

static void path_pts(cairo_t *cr, const ptbuf *p, int close)
{
    for (size_t i = 0; i < p->n; i++) {
        if (i == 0)
            cairo_move_to(cr, p->p[0], p->p[1]);
        else
            cairo_line_to(cr, p->p[2 * i], p->p[2 * i + 1]);
    }
    if (close && p->n)
        cairo_close_path(cr);
}

/* Clip a polyline to the guard box (Liang-Barsky per segment), adding the
 * visible runs to the path. */
static void path_line_clipped(cairo_t *cr, const ptbuf *p, const box *g)
{
    int pen = 0;
    for (size_t i = 0; i + 1 < p->n; i++) {
        double x0 = p->p[2 * i], y0 = p->p[2 * i + 1];
        double x1 = p->p[2 * i + 2], y1 = p->p[2 * i + 3];
        double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
        double pp[4] = {-dx, dx, -dy, dy};
        double qq[4] = {x0 - g->x0, g->x1 - x0, y0 - g->y0, g->y1 - y0};
        int out = 0;
        for (int k = 0; k < 4 && !out; k++) {
            if (pp[k] == 0) {
                if (qq[k] < 0)
                    out = 1;
            } else {
                double t = qq[k] / pp[k];
                if (pp[k] < 0) {
                    if (t > t1)
                        out = 1;
                    else if (t > t0)
                        t0 = t;
                } else {
                    if (t < t0)
                        out = 1;
                    else if (t < t1)
                        t1 = t;
                }
            }
        }
        if (out) {
            pen = 0;
            continue;
        }
        if (!pen || t0 > 0)
            cairo_move_to(cr, x0 + t0 * dx, y0 + t0 * dy);
        cairo_line_to(cr, x0 + t1 * dx, y0 + t1 * dy);
        pen = t1 >= 1;
    }
}

/* ---- lines ------------------------------------------------------------ */

static void arrows_along(cairo_t *cr, const ptbuf *p, double spacing,
                         double width, rm__rgba color, const box *g)
{
    double len = 0;
    for (size_t i = 0; i + 1 < p->n; i++)
        len += hypot(p->p[2 * i + 2] - p->p[2 * i],
                     p->p[2 * i + 3] - p->p[2 * i + 1]);
    if (len < spacing * 0.4)
        return;
    double a = fmax(3.2, width * 2.6);
    /* First arrow half a spacing in, or mid-line on short lines. */
    double next = len < spacing ? len / 2 : spacing / 2, done = 0;
    set_rgba(cr, color);
    for (size_t i = 0; i + 1 < p->n; i++) {
        double x0 = p->p[2 * i], y0 = p->p[2 * i + 1];
        double dx = p->p[2 * i + 2] - x0, dy = p->p[2 * i + 3] - y0;
        double sl = hypot(dx, dy);
        if (sl <= 0)
            continue;
        while (next <= done + sl) {
            double t = (next - done) / sl;
            double x = x0 + t * dx, y = y0 + t * dy;
            next += spacing;
            if (x < g->x0 || x > g->x1 || y < g->y0 || y > g->y1)
                continue;
            double ux = dx / sl, uy = dy / sl;
            cairo_move_to(cr, x + ux * a * 0.6, y + uy * a * 0.6);
            cairo_line_to(cr, x - ux * a * 0.6 - uy * a * 0.5,
                          y - uy * a * 0.6 + ux * a * 0.5);
            cairo_line_to(cr, x - ux * a * 0.25, y - uy * a * 0.25);
            cairo_line_to(cr, x - ux * a * 0.6 + uy * a * 0.5,
                          y - uy * a * 0.6 - ux * a * 0.5);
            cairo_close_path(cr);
        }
        done += sl;
    }
    cairo_fill(cr);
}

static int draw_lines(rm_context *ctx, const rm__target *tg,
                      const rm__xf *xf, const rm__resolved *r)
{
    cairo_t *cr = tg->cr;
    double quant = tg->raster ? 0 : VECTOR_QUANT;
    const rm_layer *l = r->layer;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    size_t nf = rm_layer_feature_count(l);
    box g = guard_of(xf);
    scratch s = {{0}, {0}, quant};
    /* One path per class: overlapping lines of a class do not pile up. */
    for (size_t c = 0; c < r->n_classes; c++) {
        const rm__symbol *sym = &r->classes[c];
        if (rm__sym_stroke(sym).a <= 0 || sym->stroke_width <= 0)
            continue;
        if (tg->raster && sym->n_dash == 0) {
            /* Images: solid lines straight into the pixels (fast). */
            double k = tg->dev_per_pt;
            double fw = (xf->ext.maxx - xf->ext.minx) * xf->s;
            double fh = (xf->ext.maxy - xf->ext.miny) * xf->s;
            int rc = rm__fast_lines(ctx, tg->img, xf, r, (int)c, k,
                                    (int)lround(xf->fx * k),
                                    (int)lround(xf->fy * k),
                                    (int)lround((xf->fx + fw) * k),
                                    (int)lround((xf->fy + fh) * k));
            if (rc) {
                scratch_free(&s);
                return rc;
            }
        } else {
            cairo_new_path(cr);
            int any = 0;
            for (size_t f = 0; f < nf; f++) {
                if (!r->in_view[f] || r->row_class[f] != (int32_t)c)
                    continue;
                for (int64_t pi = fo[f]; pi < fo[f + 1]; pi++) {
                    if (part_to_page(&s, xf, xy, po[pi], po[pi + 1]))
                        goto oom;
                    if (s.a.n < 2)
                        continue;
                    if (needs_clip(&s.a, &g))
                        path_line_clipped(cr, &s.a, &g);
                    else
                        path_pts(cr, &s.a, 0);
                    any = 1;
                }
            }
            if (!any)
                continue;
            rm__line_apply(cr, sym);
            cairo_stroke(cr);
        }
        if (!sym->arrows)
            continue;
        cairo_set_dash(cr, NULL, 0, 0);
        for (size_t f = 0; f < nf; f++) {
            if (!r->in_view[f] || r->row_class[f] != (int32_t)c)
                continue;
            for (int64_t pi = fo[f]; pi < fo[f + 1]; pi++) {
                if (part_to_page(&s, xf, xy, po[pi], po[pi + 1]))
                    goto oom;
                arrows_along(cr, &s.a, r->style->arrow_spacing,
                             sym->stroke_width, rm__sym_stroke(sym), &g);
            }
        }
    }
    scratch_free(&s);
    return RM_OK;
oom:
    scratch_free(&s);
    return rm__error(ctx, RM_ENOMEM, NULL, "out of memory drawing lines");
}

/* ---- polygons --------------------------------------------------------- */

static void hatch_fill(cairo_t *cr, const rm__symbol *sym, const box *g)
{
    /* Clip to the current path, then rule parallel lines over its box. */
    double x0, y0, x1, y1;
    cairo_fill_extents(cr, &x0, &y0, &x1, &y1);
    x0 = fmax(x0, g->x0);
    y0 = fmax(y0, g->y0);
    x1 = fmin(x1, g->x1);
    y1 = fmin(y1, g->y1);
    if (x1 <= x0 || y1 <= y0)
        return;
    cairo_save(cr);
    cairo_clip(cr);
    double a = sym->hatch_angle * M_PI / 180;
    double ux = cos(a), uy = -sin(a); /* along the hatch, page y down */
    double nx = -uy, ny = ux;         /* across it */
    double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    double half = hypot(x1 - x0, y1 - y0) / 2;
    double sp = sym->hatch_spacing;
    /* Lines at fixed page offsets so hatches of neighbours line up. */
    double c0 = floor((cx * nx + cy * ny - half) / sp) * sp;
    for (double d = c0; d <= cx * nx + cy * ny + half; d += sp) {
        double off = d - (cx * nx + cy * ny);
        double px = cx + nx * off, py = cy + ny * off;
        cairo_move_to(cr, px - ux * half, py - uy * half);
        cairo_line_to(cr, px + ux * half, py + uy * half);
    }
    rm__rgba hc = sym->hatch_color;
    hc.a *= sym->opacity;
    set_rgba(cr, hc);
    cairo_set_line_width(cr, sym->hatch_width);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static int draw_polygons(rm_context *ctx, cairo_t *cr, const rm__xf *xf,
                         const rm__resolved *r, double quant)
{
    const rm_layer *l = r->layer;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    size_t nf = rm_layer_feature_count(l);
    box g = guard_of(xf);
    scratch s = {{0}, {0}, quant};
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (size_t f = 0; f < nf; f++) {
        if (!r->in_view[f] || r->row_class[f] < 0)
            continue;
        const rm__symbol *sym = &r->classes[r->row_class[f]];
        cairo_new_path(cr);
        int any = 0;
        for (int64_t pi = fo[f]; pi < fo[f + 1]; pi++) {
            if (part_to_page(&s, xf, xy, po[pi], po[pi + 1]))
                goto oom;
            if (s.a.n < 3)
                continue;
            if (needs_clip(&s.a, &g) && clip_ring(&s.a, &s.b, &g))
                goto oom;
            if (s.a.n < 3)
                continue;
            path_pts(cr, &s.a, 1);
            any = 1;
        }
        if (!any)
            continue;
        rm__rgba fill = rm__sym_fill(sym);
        if (fill.a > 0) {
            set_rgba(cr, fill);
            cairo_fill_preserve(cr);
        }
        if (sym->hatch)
            hatch_fill(cr, sym, &g);
        rm__rgba st = rm__sym_stroke(sym);
        if (st.a > 0 && sym->stroke_width > 0) {
            rm__line_apply(cr, sym);
            cairo_stroke(cr);
        }
        cairo_new_path(cr);
    }
    scratch_free(&s);
    return RM_OK;
oom:
    scratch_free(&s);
    return rm__error(ctx, RM_ENOMEM, NULL, "out of memory drawing polygons");
}

/* ---- points ----------------------------------------------------------- */

static void draw_points(cairo_t *cr, const rm__xf *xf, const rm__resolved *r,
                        const uint8_t *show)
{
    const rm_layer *l = r->layer;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    size_t nf = rm_layer_feature_count(l);
    box g = guard_of(xf);
    for (size_t k = 0; k < nf; k++) {
        size_t f = r->order ? r->order[k] : k;
        if (!r->in_view[f] || r->row_class[f] < 0 || (show && !show[f]))
            continue;
        const rm__symbol *sym = &r->classes[r->row_class[f]];
        double size = rm__resolved_size(r, f);
        for (int64_t c = po[fo[f]]; c < po[fo[f + 1]]; c++) {
            double x = rm__xf_x(xf, xy[2 * c]), y = rm__xf_y(xf, xy[2 * c + 1]);
            if (!(x >= g.x0 && x <= g.x1 && y >= g.y0 && y <= g.y1))
                continue; /* outside, or not a number */
            rm__marker_draw(cr, sym, x, y, size);
        }
    }
}

int rm__draw_layer(rm_context *ctx, const rm__target *t, const rm__xf *xf,
                   const rm__resolved *r, const uint8_t *show_point)
{
    cairo_t *cr = t->cr;
    int rc = RM_OK;
    cairo_save(cr);
    switch (rm_layer_geom_type(r->layer)) {
    case RM_GEOM_POINT:
        draw_points(cr, xf, r, show_point);
        break;
    case RM_GEOM_LINE:
        rc = draw_lines(ctx, t, xf, r);
        break;
    case RM_GEOM_POLYGON:
        rc = draw_polygons(ctx, cr, xf, r, t->raster ? 0 : VECTOR_QUANT);
        break;
    default:
        break;
    }
    cairo_restore(cr);
    return rc;
}

void rm__draw_outline(cairo_t *cr, const rm__xf *xf, const rm_layer *l,
                      size_t row)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    rm_geom_type g = rm_layer_geom_type(l);
    box gb = guard_of(xf);
    scratch s = {{0}, {0}, 0};
    cairo_save(cr);
    cairo_new_path(cr);
    for (int64_t p = fo[row]; p < fo[row + 1]; p++) {
        if (part_to_page(&s, xf, xy, po[p], po[p + 1]))
            break;
        if (g == RM_GEOM_POINT) {
            for (size_t i = 0; i < s.a.n; i++) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, s.a.p[2 * i], s.a.p[2 * i + 1], 9, 0,
                          2 * M_PI);
            }
        } else if (g == RM_GEOM_POLYGON) {
            if (needs_clip(&s.a, &gb) && clip_ring(&s.a, &s.b, &gb))
                break;
            if (s.a.n >= 3)
                path_pts(cr, &s.a, 1);
        } else if (s.a.n >= 2) {
            if (needs_clip(&s.a, &gb))
                path_line_clipped(cr, &s.a, &gb);
            else
                path_pts(cr, &s.a, 0);
        }
    }
    /* A white casing under a dark dashed line reads on any background. */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 3.2);
    cairo_stroke_preserve(cr);
    double dash[2] = {6, 3};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.3);
    cairo_stroke(cr);
    cairo_restore(cr);
    scratch_free(&s);
}
