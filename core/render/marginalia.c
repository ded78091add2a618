/*
 * Drawing of everything around the layers: graticule and UTM/MGRS grid,
 * the frame and its degree labels, classification banners, title block
 * with date-time group, legend of the drawn layers, north arrows, scale
 * bar, inset locator and footer. The numbers come from the page plan;
 * this file only draws them, identically on every surface.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "render_internal.h"

static const rm__rgba INK = {0.13, 0.13, 0.13, 1};
static const rm__rgba GREY = {0.38, 0.38, 0.38, 1};
static const rm__rgba WHITE_HALO = {1, 1, 1, 0.85};

enum { LEFT = 0, CENTER = 1, RIGHT = 2 };

/* Draw text with its top at y, aligned on x; returns its width. max_w > 0
 * ellipsizes. */
static double text_at(cairo_t *cr, PangoContext *pctx, const char *text,
                      double size, int bold, int italic, const rm__rgba *c,
                      double x, double y, int align, double max_w)
{
    if (!text || !*text)
        return 0;
    PangoLayout *l = rm__text_layout(pctx, text, size, bold, italic, 0);
    if (!l)
        return 0;
    if (max_w > 0) {
        pango_layout_set_width(l, (int)(max_w * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    double w, h;
    rm__text_size(l, &w, &h);
    double tx = align == CENTER ? x - w / 2 : align == RIGHT ? x - w : x;
    rm__text_draw(cr, pctx, l, tx, y, c, NULL, 0);
    g_object_unref(l);
    return w;
}

static void set_rgba(cairo_t *cr, rm__rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/* ---- grids inside the frame ------------------------------------------- */

static void stroke_polylines(cairo_t *cr, const rm__xf *xf,
                             const rm__polylines *pl)
{
    for (size_t i = 0; i < pl->n_lines; i++) {
        for (size_t j = pl->offsets[i]; j < pl->offsets[i + 1]; j++) {
            double x = rm__xf_x(xf, pl->xy[2 * j]);
            double y = rm__xf_y(xf, pl->xy[2 * j + 1]);
            if (j == pl->offsets[i])
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
    }
    cairo_stroke(cr);
}

void rm__draw_grids(cairo_t *cr, PangoContext *pctx, const rm__page_plan *pp)
{
    cairo_save(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    if (pp->has_grat) {
        cairo_set_source_rgba(cr, 0.33, 0.40, 0.50, 0.55);
        cairo_set_line_width(cr, 0.35);
        stroke_polylines(cr, &pp->xf, &pp->grat.lines);
    }
    if (pp->has_utm) {
        cairo_set_source_rgba(cr, 0.05, 0.30, 0.60, 0.55);
        cairo_set_line_width(cr, pp->utm.spacing_m >= 100000 ? 0.6 : 0.4);
        stroke_polylines(cr, &pp->xf, &pp->utm.lines);
        rm__rgba blue = {0.05, 0.25, 0.55, 0.9};
        for (size_t i = 0; i < pp->utm.n_squares; i++) {
            const rm__map_label *m = &pp->utm.squares[i];
            PangoLayout *l = rm__text_layout(pctx, m->text, 8, 1, 0, 0);
            if (!l)
                continue;
            double w, h;
            rm__text_size(l, &w, &h);
            rm__text_draw(cr, pctx, l, rm__xf_x(&pp->xf, m->x) - w / 2,
                          rm__xf_y(&pp->xf, m->y) - h / 2, &blue,
                          &WHITE_HALO, 1.2);
            g_object_unref(l);
        }
    }
    cairo_restore(cr);
}

void rm__draw_frame_labels(cairo_t *cr, PangoContext *pctx,
                           const rm__page_plan *pp)
{
    const rm__rect *f = &pp->lay.frame;
    cairo_save(cr);
    /* Neat line. */
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 0.8);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_rectangle(cr, f->x, f->y, f->w, f->h);
    cairo_stroke(cr);
    if (pp->has_grat) {
        /* Placed label intervals per edge: a label overlapping one is
         * left out (ticks stay). */
        double placed[4][64][2];
        int np[4] = {0, 0, 0, 0};
        cairo_set_line_width(cr, 0.5);
        for (size_t i = 0; i < pp->grat.n_labels; i++) {
            const rm__map_label *m = &pp->grat.labels[i];
            int e = m->edge;
            if (e > RM__EDGE_RIGHT)
                continue;
            double px = rm__xf_x(&pp->xf, m->x), py = rm__xf_y(&pp->xf, m->y);
            PangoLayout *l = rm__text_layout(pctx, m->text, 6, 0, 0, 0);
            if (!l)
                continue;
            double w, h, tx, ty, lo, hi;
            rm__text_size(l, &w, &h);
            if (e == RM__EDGE_BOTTOM || e == RM__EDGE_TOP) {
                px = fmin(fmax(px, f->x), f->x + f->w);
                tx = px - w / 2;
                ty = e == RM__EDGE_BOTTOM ? f->y + f->h + 3.5
                                          : f->y - 3.5 - h;
                lo = tx;
                hi = tx + w;
                cairo_move_to(cr, px, e == RM__EDGE_BOTTOM ? f->y + f->h
                                                           : f->y);
                cairo_rel_line_to(cr, 0, e == RM__EDGE_BOTTOM ? 3 : -3);
            } else {
                py = fmin(fmax(py, f->y), f->y + f->h);
                tx = e == RM__EDGE_LEFT ? f->x - 3.5 - w : f->x + f->w + 3.5;
                ty = py - h / 2;
                lo = ty;
                hi = ty + h;
                cairo_move_to(cr, e == RM__EDGE_LEFT ? f->x : f->x + f->w,
                              py);
                cairo_rel_line_to(cr, e == RM__EDGE_LEFT ? -3 : 3, 0);
            }
            cairo_stroke(cr);
            int free_slot = np[e] < 64 && tx >= 1 &&
                            tx + w <= pp->lay.width - 1;
            for (int k = 0; k < np[e] && free_slot; k++)
                if (lo < placed[e][k][1] + 2 && placed[e][k][0] < hi + 2)
                    free_slot = 0;
            if (free_slot) {
                rm__text_draw(cr, pctx, l, tx, ty, &GREY, NULL, 0);
                placed[e][np[e]][0] = lo;
                placed[e][np[e]][1] = hi;
                np[e]++;
            }
            g_object_unref(l);
        }
    }
    if (pp->has_utm) {
        rm__rgba blue = {0.05, 0.25, 0.55, 1};
        for (size_t i = 0; i < pp->utm.n_labels; i++) {
            const rm__map_label *m = &pp->utm.labels[i];
            double px = rm__xf_x(&pp->xf, m->x), py = rm__xf_y(&pp->xf, m->y);
            PangoLayout *l = rm__text_layout(pctx, m->text, 5.5, 0, 0, 0);
            if (!l)
                continue;
            double w, h;
            rm__text_size(l, &w, &h);
            double tx = px - w / 2, ty = py - h / 2;
            if (m->edge == RM__EDGE_BOTTOM)
                ty = f->y + f->h - h - 1.5;
            else if (m->edge == RM__EDGE_TOP)
                ty = f->y + 1.5;
            else if (m->edge == RM__EDGE_LEFT)
                tx = f->x + 1.5;
            else if (m->edge == RM__EDGE_RIGHT)
                tx = f->x + f->w - w - 1.5;
            if (tx >= f->x && tx + w <= f->x + f->w && ty >= f->y &&
                ty + h <= f->y + f->h)
                rm__text_draw(cr, pctx, l, tx, ty, &blue, &WHITE_HALO, 1);
            g_object_unref(l);
        }
    }
    cairo_restore(cr);
}

/* ---- banners and title block ----------------------------------------- */

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return 1;
    return 0;
}

static rm__rgba banner_color(const rm_render_doc *doc)
{
    rm__rgba c = {0.33, 0.33, 0.33, 1};
    if (doc->classification_color &&
        !rm__color_parse(doc->classification_color, &c) && c.a > 0)
        return c;
    const char *t = doc->classification ? doc->classification : "";
    struct {
        const char *word;
        rm__rgba c;
    } map[] = {{"TOP SECRET", {1.0, 0.40, 0.12, 1}},
               {"SECRET", {0.78, 0.06, 0.18, 1}},
               {"CONFIDENTIAL", {0.0, 0.20, 0.63, 1}},
               {"RESTRICTED", {0.70, 0.37, 0.02, 1}},
               {"UNCLASSIFIED", {0.0, 0.48, 0.20, 1}},
               {"PUBLIC", {0.0, 0.48, 0.20, 1}}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (contains_nocase(t, map[i].word))
            return map[i].c;
    return c;
}

static void banner(cairo_t *cr, PangoContext *pctx, const rm__rect *r,
                   const rm_render_doc *doc)
{
    rm__rgba c = banner_color(doc);
    set_rgba(cr, c);
    cairo_rectangle(cr, r->x, r->y, r->w, r->h);
    cairo_fill(cr);
    double lum = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
    rm__rgba tc = lum > 0.6 ? INK : (rm__rgba){1, 1, 1, 1};
    text_at(cr, pctx, doc->classification, 8, 1, 0, &tc, r->x + r->w / 2,
            r->y + 1.3, CENTER, r->w - 8);
}

static void title_block(cairo_t *cr, PangoContext *pctx,
                        const rm__page_plan *pp)
{
    const rm__rect *t = &pp->lay.title;
    double right_w = 150;
    text_at(cr, pctx, pp->title, 15, 1, 0, &INK, t->x, t->y, LEFT,
            t->w - right_w - 10);
    text_at(cr, pctx, pp->subtitle, 9, 0, 0, &GREY, t->x, t->y + 21, LEFT,
            t->w - right_w - 10);
    double rx = t->x + t->w;
    if (pp->doc->organisation)
        text_at(cr, pctx, pp->doc->organisation, 7, 1, 0, &GREY, rx, t->y,
                RIGHT, right_w);
    char dtg[64];
    snprintf(dtg, sizeof dtg, "DTG %s", pp->dtg);
    text_at(cr, pctx, dtg, 9, 1, 0, &INK, rx, t->y + 11, RIGHT, right_w);
    char page[64];
    snprintf(page, sizeof page, "Page %d of %d", pp->number, pp->count);
    text_at(cr, pctx, page, 7, 0, 0, &GREY, rx, t->y + 24, RIGHT, right_w);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, t->x, t->y + t->h);
    cairo_line_to(cr, t->x + t->w, t->y + t->h);
    cairo_stroke(cr);
}

/* ---- legend ----------------------------------------------------------- */

enum { ROW_TITLE, ROW_SYMBOL, ROW_RAMP, ROW_NOTE, ROW_SIZE };

typedef struct row {
    int kind;
    const rm__plan_layer *pl;
    int cls;
    char text[256];
    int bold, indent;
    double size; /* ROW_SIZE: marker width, pt */
} row;

#define MAX_ROWS 128
#define ROW_H 11.0

static void swatch(cairo_t *cr, const rm__plan_layer *pl, int cls, double x,
                   double cy)
{
    const rm__symbol *s = &pl->res.classes[cls];
    rm_geom_type g = rm_layer_geom_type(pl->res.layer);
    cairo_save(cr);
    if (g == RM_GEOM_POINT) {
        double size = s->size;
        if (pl->res.size_field >= 0)
            size = 0.5 * (pl->style->size_min + pl->style->size_max);
        size = fmin(size * pl->res.size_scale, 10);
        rm__marker_draw(cr, s, x + 8, cy, size);
    } else if (g == RM_GEOM_LINE) {
        cairo_move_to(cr, x, cy);
        cairo_line_to(cr, x + 16, cy);
        rm__line_apply(cr, s);
        cairo_set_line_width(cr, fmin(s->stroke_width, 4));
        cairo_stroke(cr);
        if (s->arrows) {
            set_rgba(cr, rm__sym_stroke(s));
            double a = fmax(3.2, s->stroke_width * 2.6);
            cairo_move_to(cr, x + 8 + a * 0.6, cy);
            cairo_line_to(cr, x + 8 - a * 0.6, cy - a * 0.5);
            cairo_line_to(cr, x + 8 - a * 0.25, cy);
            cairo_line_to(cr, x + 8 - a * 0.6, cy + a * 0.5);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
    } else if (g == RM_GEOM_POLYGON) {
        cairo_rectangle(cr, x + 1, cy - 4.5, 14, 9);
        rm__rgba f = rm__sym_fill(s);
        if (f.a > 0) {
            set_rgba(cr, f);
            cairo_fill_preserve(cr);
        }
        if (s->hatch) {
            cairo_save(cr);
            cairo_clip_preserve(cr);
            cairo_new_path(cr);
            rm__rgba hc = s->hatch_color;
            hc.a *= s->opacity;
            set_rgba(cr, hc);
            cairo_set_line_width(cr, s->hatch_width);
            double a = s->hatch_angle * M_PI / 180;
            double ux = cos(a), uy = -sin(a);
            for (double d = -20; d <= 20; d += s->hatch_spacing) {
                double px = x + 8 - uy * d, py = cy + ux * d;
                cairo_move_to(cr, px - ux * 20, py - uy * 20);
                cairo_line_to(cr, px + ux * 20, py + uy * 20);
            }
            cairo_stroke(cr);
            cairo_restore(cr);
            cairo_rectangle(cr, x + 1, cy - 4.5, 14, 9);
        }
        rm__rgba st = rm__sym_stroke(s);
        if (st.a > 0 && s->stroke_width > 0) {
            rm__line_apply(cr, s);
            /* Hairline outlines would vanish at legend size. */
            cairo_set_line_width(cr, fmin(fmax(s->stroke_width, 0.5), 2));
            cairo_stroke(cr);
        } else if (f.a < 0.6 && !s->hatch) {
            /* A pale fill without outline: a faint frame shows the box. */
            cairo_set_source_rgba(cr, 0.6, 0.6, 0.6, 1);
            cairo_set_line_width(cr, 0.4);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_stroke(cr);
        }
        cairo_new_path(cr);
    }
    cairo_restore(cr);
}

static void ramp_bar(cairo_t *cr, PangoContext *pctx, const rm__plan_layer *pl,
                     double x, double y, double w)
{
    const rm__resolved *r = &pl->res;
    int n = 48;
    for (int i = 0; i < n; i++) {
        rm__rgba c;
        double v = r->rvmin + (r->rvmax - r->rvmin) * (i + 0.5) / n;
        rm__ramp_sample(pl->style->ramp ? pl->style->ramp : "YlOrRd",
                        (double)(i + 0.5) / n, &c);
        (void)v;
        c.a = pl->style->opacity;
        set_rgba(cr, c);
        cairo_rectangle(cr, x + w * i / n, y, w / n + 0.05, 6);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 0.3);
    cairo_rectangle(cr, x, y, w, 6);
    cairo_stroke(cr);
    char a[48], b[48];
    double lo = fabs(r->rvmin) < 1e-6 * fabs(r->rvmax) ? 0 : r->rvmin;
    snprintf(a, sizeof a, "%.3g", lo);
    snprintf(b, sizeof b, "%.3g", r->rvmax);
    text_at(cr, pctx, a, 5.5, 0, 0, &GREY, x, y + 6.5, LEFT, 0);
    text_at(cr, pctx, b, 5.5, 0, 0, &GREY, x + w, y + 6.5, RIGHT, 0);
}

/* Proportional symbols: three sizes with the values they stand for. */
static size_t size_rows(const rm__plan_layer *pl, row *rows, size_t n)
{
    const rm__resolved *r = &pl->res;
    if (r->size_field < 0 || !(r->size_dmax > r->size_dmin))
        return n;
    const rm__style *st = pl->style;
    double ts[3] = {1, 0.25, 0};
    for (int i = 0; i < 3 && n < MAX_ROWS - 1; i++) {
        row *w = &rows[n++];
        memset(w, 0, sizeof *w);
        w->kind = ROW_SIZE;
        w->pl = pl;
        w->indent = 1;
        double v = r->size_dmin + (r->size_dmax - r->size_dmin) * ts[i];
        w->size = r->size_scale *
                  (st->size_min + (st->size_max - st->size_min) * sqrt(ts[i]));
        snprintf(w->text, sizeof w->text, "%s %.4g",
                 st->size_field ? st->size_field : "", v);
    }
    return n;
}

static size_t legend_rows(const rm__page_plan *pp, row *rows)
{
    size_t n = 0;
    for (size_t i = 0; i < pp->n_layers && n < MAX_ROWS - 2; i++) {
        const rm__plan_layer *pl = &pp->layers[i];
        if (!rm__plan_in_legend(pl))
            continue;
        const rm__resolved *r = &pl->res;
        rm_geom_type g = rm_layer_geom_type(r->layer);
        row *w = &rows[n];
        memset(w, 0, sizeof *w);
        w->pl = pl;
        if (g == RM_GEOM_RASTER) {
            w->kind = ROW_TITLE;
            w->bold = 1;
            snprintf(w->text, sizeof w->text, "%s", pl->title);
            n++;
            rows[n] = *w;
            rows[n].kind = ROW_RAMP;
            n++;
            continue;
        }
        if (r->n_classes == 1) {
            w->kind = ROW_SYMBOL;
            w->cls = 0;
            snprintf(w->text, sizeof w->text, "%s (%zu)", pl->title,
                     r->n_in_view);
            n++;
            n = size_rows(pl, rows, n);
            continue;
        }
        w->kind = ROW_TITLE;
        w->bold = 1;
        snprintf(w->text, sizeof w->text, "%s (%zu)", pl->title,
                 r->n_in_view);
        n++;
        for (size_t c = 0; c < r->n_classes && n < MAX_ROWS - 1; c++) {
            if (!r->counts[c] && pl->style->kind != RM__STYLE_GRADUATED)
                continue;
            row *cr = &rows[n++];
            memset(cr, 0, sizeof *cr);
            cr->kind = ROW_SYMBOL;
            cr->pl = pl;
            cr->cls = (int)c;
            cr->indent = 1;
            snprintf(cr->text, sizeof cr->text, "%s (%zu)",
                     r->class_labels[c] ? r->class_labels[c] : "",
                     r->counts[c]);
        }
        n = size_rows(pl, rows, n);
    }
    if (pp->pg->note && *pp->pg->note) {
        memset(&rows[n], 0, sizeof rows[n]);
        rows[n].kind = ROW_NOTE;
        snprintf(rows[n].text, sizeof rows[n].text, "%s", pp->pg->note);
        n++;
    }
    return n;
}

static void legend(cairo_t *cr, PangoContext *pctx, const rm__page_plan *pp)
{
    const rm__rect *L = &pp->lay.legend;
    text_at(cr, pctx, "LEGEND", 7.5, 1, 0, &INK, L->x, L->y, LEFT, 0);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, L->x, L->y + 12);
    cairo_line_to(cr, L->x + L->w, L->y + 12);
    cairo_stroke(cr);
    row rows[MAX_ROWS];
    size_t n = legend_rows(pp, rows);
    if (n == 0) {
        text_at(cr, pctx, "Basemap only: no analysis layer in view.", 6.5, 0,
                1, &GREY, L->x, L->y + 16, LEFT, L->w);
        return;
    }
    double top = L->y + 16, bottom = L->y + L->h;
    double heights[MAX_ROWS], total = 0;
    for (size_t i = 0; i < n; i++) {
        heights[i] = rows[i].kind == ROW_RAMP ? 16
                     : rows[i].kind == ROW_SIZE ? fmax(ROW_H, rows[i].size + 2)
                                                : ROW_H;
        total += heights[i];
    }
    int cols = total > bottom - top ? 2 : 1;
    double cw = L->w / cols;
    double x = L->x, y = top;
    int col = 0;
    for (size_t i = 0; i < n; i++) {
        if (y + heights[i] > bottom) {
            if (++col >= cols) {
                char more[64];
                snprintf(more, sizeof more, "\u2026 %zu more", n - i);
                text_at(cr, pctx, more, 6, 0, 1, &GREY, x + cw - 2,
                        bottom - ROW_H, RIGHT, 0);
                break;
            }
            x += cw;
            y = top;
        }
        const row *w = &rows[i];
        double ix = x + (w->indent ? 8 : 0);
        switch (w->kind) {
        case ROW_TITLE:
            text_at(cr, pctx, w->text, 7, 1, 0, &INK, ix, y, LEFT,
                    cw - (ix - x) - 4);
            break;
        case ROW_SYMBOL:
            swatch(cr, w->pl, w->cls, ix, y + ROW_H / 2 - 0.5);
            text_at(cr, pctx, w->text, 7, w->bold, 0, &INK, ix + 20, y,
                    LEFT, cw - (ix - x) - 24);
            break;
        case ROW_RAMP:
            ramp_bar(cr, pctx, w->pl, ix + 4, y + 1, fmin(cw - 16, 110));
            break;
        case ROW_SIZE: {
            rm__symbol sym = w->pl->res.classes[0];
            if (w->pl->res.n_classes > 1) { /* neutral grey: size only */
                rm__rgba g = {0.55, 0.55, 0.55, 1};
                sym.fill = g;
            }
            double hgt = heights[i];
            rm__marker_draw(cr, &sym, ix + 8, y + hgt / 2, w->size);
            text_at(cr, pctx, w->text, 7, 0, 0, &INK,
                    ix + fmax(20, w->size + 6), y + hgt / 2 - 4.5, LEFT,
                    cw - (ix - x) - 24);
            break;
        }
        case ROW_NOTE:
            text_at(cr, pctx, w->text, 6.5, 0, 1, &GREY, x, y + 2, LEFT,
                    cw - 4);
            break;
        }
        y += heights[i];
    }
}

/* ---- north arrows ----------------------------------------------------- */

static void fmt_bearing(char *out, size_t cap, double deg)
{
    snprintf(out, cap, "%.2f\u00b0 %s", fabs(deg), deg < 0 ? "W" : "E");
}

static void prong(cairo_t *cr, double bx, double by, double ang, double len,
                  double *tx, double *ty)
{
    double a = ang * M_PI / 180;
    *tx = bx + len * sin(a);
    *ty = by - len * cos(a);
    cairo_move_to(cr, bx, by);
    cairo_line_to(cr, *tx, *ty);
    cairo_stroke(cr);
}

static void north(cairo_t *cr, PangoContext *pctx, const rm__page_plan *pp)
{
    const rm__rect *N = &pp->lay.north;
    if (!pp->has_north)
        return;
    double L = fmin(N->h - 24, 62);
    double bx = N->x + 30, by = N->y + 14 + L;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 0.8);
    cairo_set_dash(cr, NULL, 0, 0);
    double tx, ty;
    /* Grid north: straight up. */
    prong(cr, bx, by, 0, L, &tx, &ty);
    text_at(cr, pctx, "GN", 6.5, 1, 0, &INK, tx, ty - 10, CENTER, 0);
    /* True north: star at the tip. */
    double tn = pp->convergence, mn = pp->convergence + pp->declination;
    prong(cr, bx, by, tn, L * 0.86, &tx, &ty);
    rm__symbol star = {0};
    star.shape = RM__SHAPE_STAR;
    star.fill = INK;
    star.fill_opacity = star.stroke_opacity = star.opacity = 1;
    rm__marker_draw(cr, &star, tx, ty, 7);
    double side = mn >= tn ? -1 : 1;
    text_at(cr, pctx, "TN", 6, 1, 0, &INK, tx + side * 5,
            ty - 4, side < 0 ? RIGHT : LEFT, 0);
    /* Magnetic north: half arrowhead. */
    double mtx, mty;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 0.8);
    prong(cr, bx, by, mn, L * 0.74, &mtx, &mty);
    double a = mn * M_PI / 180;
    cairo_move_to(cr, mtx, mty);
    cairo_line_to(cr, mtx - 7 * sin(a) + 3 * cos(a),
                  mty + 7 * cos(a) + 3 * sin(a));
    cairo_line_to(cr, mtx - 7 * sin(a), mty + 7 * cos(a));
    cairo_close_path(cr);
    cairo_fill(cr);
    text_at(cr, pctx, "MN", 6, 1, 0, &INK, mtx - side * 5, mty - 4,
            side < 0 ? LEFT : RIGHT, 0);

    double x = N->x + 62, y = N->y + 4, w = N->w - 62;
    char b1[48], b2[48], b3[48], line[160];
    text_at(cr, pctx, "NORTH", 7, 1, 0, &INK, x, y, LEFT, w);
    y += 11;
    text_at(cr, pctx, "GN grid north (map up)", 6, 0, 0, &INK, x, y, LEFT,
            w);
    y += 9;
    fmt_bearing(b1, sizeof b1, tn);
    snprintf(line, sizeof line, "TN true north %s", b1);
    text_at(cr, pctx, line, 6, 0, 0, &INK, x, y, LEFT, w);
    y += 8;
    text_at(cr, pctx, "of GN (convergence)", 6, 0, 0, &GREY, x + 11, y,
            LEFT, w);
    y += 9;
    fmt_bearing(b2, sizeof b2, pp->declination);
    snprintf(line, sizeof line, "MN magnetic north %s", b2);
    text_at(cr, pctx, line, 6, 0, 0, &INK, x, y, LEFT, w);
    y += 8;
    fmt_bearing(b3, sizeof b3, mn);
    snprintf(line, sizeof line, "of TN, %s of GN", b3);
    text_at(cr, pctx, line, 6, 0, 0, &GREY, x + 11, y, LEFT, w);
    y += 8;
    snprintf(line, sizeof line, "WMM2025, %.1f%s", rm__decimal_year(
                 pp->doc->date_ms), pp->decl_valid ? "" : " (outside model)");
    text_at(cr, pctx, line, 6, 0, 1, &GREY, x + 11, y, LEFT, w);
    cairo_restore(cr);
}

/* ---- scale bar ---------------------------------------------------------- */

static void scale_bar(cairo_t *cr, PangoContext *pctx, const rm__page_plan *pp)
{
    const rm__rect *S = &pp->lay.scale;
    if (!(pp->bar_pt > 0))
        return;
    double x0 = pp->bar_x, y0 = pp->bar_y, h = pp->bar_h;
    double seg = pp->bar_pt / pp->bar_div;
    cairo_save(cr);
    cairo_set_line_width(cr, 0.5);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int i = 0; i < pp->bar_div; i++) {
        cairo_rectangle(cr, x0 + i * seg, y0, seg, h);
        if (i % 2 == 0)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_stroke(cr);
    }
    char t[48];
    int force_km = pp->bar_len_m >= 1000;
    text_at(cr, pctx, "0", 6, 0, 0, &INK, x0, y0 - 8.5, CENTER, 0);
    rm__format_length(t, sizeof t, pp->bar_len_m / 2, force_km);
    if (pp->bar_div % 2 == 0)
        text_at(cr, pctx, t, 6, 0, 0, &INK, x0 + pp->bar_pt / 2, y0 - 8.5,
                CENTER, 0);
    rm__format_length(t, sizeof t, pp->bar_len_m, force_km);
    text_at(cr, pctx, t, 6, 0, 0, &INK, x0 + pp->bar_pt, y0 - 8.5, CENTER,
            0);
    char line[160], den[48];
    /* Three significant digits: 1:6 180 000. */
    double mag = pow(10, floor(log10(fmax(pp->denominator, 1))) - 2);
    long long d = llround(llround(pp->denominator / mag) * mag);
    /* thousands separated by thin spaces, as cartographers print them */
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", d);
    size_t nd = strlen(digits), o = 0;
    for (size_t i = 0; i < nd && o + 4 < sizeof den; i++) {
        if (i && (nd - i) % 3 == 0)
            den[o++] = ' ';
        den[o++] = digits[i];
    }
    den[o] = '\0';
    snprintf(line, sizeof line, "Scale 1:%s at the map centre", den);
    text_at(cr, pctx, line, 6, 0, 0, &INK, x0, y0 + h + 3, LEFT, S->w - 8);
    snprintf(line, sizeof line, "scale factor %.4f; distances true there",
             pp->scale_k);
    text_at(cr, pctx, line, 5.5, 0, 1, &GREY, x0, y0 + h + 11, LEFT,
            S->w - 8);
    cairo_restore(cr);
}

/* ---- inset locator ------------------------------------------------------ */

static void inset(cairo_t *cr, PangoContext *pctx, const rm__page_plan *pp)
{
    if (!pp->has_inset)
        return;
    const rm__rect *I = &pp->lay.inset;
    const rm__xf *xf = &pp->inset_xf;
    cairo_save(cr);
    cairo_rectangle(cr, I->x, I->y, I->w, I->h);
    cairo_clip(cr);
    const rm_layer *l = pp->inset_layer;
    /* Water behind the land of the inset layer; without one, no claim
     * about land or sea: a neutral grey. */
    if (l)
        cairo_set_source_rgb(cr, RM__WATER_RGB);
    else
        cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
    cairo_paint(cr);
    if (l && rm_layer_geom_type(l) == RM_GEOM_POLYGON) {
        const int64_t *fo = rm_layer_feature_offsets(l);
        const int64_t *po = rm_layer_part_offsets(l);
        const double *xy = rm_layer_xy(l);
        size_t nf = rm_layer_feature_count(l);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_set_line_width(cr, 0.3);
        for (size_t f = 0; f < nf; f++) {
            cairo_new_path(cr);
            for (int64_t p = fo[f]; p < fo[f + 1]; p++) {
                /* Every 2nd vertex is plenty at this size. */
                int64_t n = po[p + 1] - po[p];
                int64_t step = n > 400 ? 3 : 1;
                for (int64_t c = po[p]; c < po[p + 1]; c += step) {
                    double x = rm__xf_x(xf, xy[2 * c]);
                    double y = rm__xf_y(xf, xy[2 * c + 1]);
                    if (c == po[p])
                        cairo_move_to(cr, x, y);
                    else
                        cairo_line_to(cr, x, y);
                }
                cairo_close_path(cr);
            }
            cairo_set_source_rgb(cr, 0.93, 0.92, 0.88);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0.62, 0.60, 0.56);
            cairo_stroke(cr);
        }
    }
    /* The page's extent. */
    const rm_bbox *e = &pp->xf.ext;
    double x0 = rm__xf_x(xf, e->minx), x1 = rm__xf_x(xf, e->maxx);
    double y0 = rm__xf_y(xf, e->maxy), y1 = rm__xf_y(xf, e->miny);
    cairo_set_source_rgb(cr, 0.84, 0.10, 0.11);
    cairo_set_line_width(cr, 1.2);
    if (x1 - x0 < 5 && y1 - y0 < 5) {
        cairo_arc(cr, (x0 + x1) / 2, (y0 + y1) / 2, 4, 0, 2 * M_PI);
        cairo_stroke(cr);
    } else {
        cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
        cairo_set_source_rgba(cr, 0.84, 0.10, 0.11, 0.12);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.84, 0.10, 0.11);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, I->x, I->y, I->w, I->h);
    cairo_stroke(cr);
    PangoLayout *lay = rm__text_layout(pctx, "LOCATION", 6, 1, 0, 0);
    if (lay) {
        rm__text_draw(cr, pctx, lay, I->x + 3, I->y + 2, &INK, &WHITE_HALO,
                      1);
        g_object_unref(lay);
    }
    cairo_restore(cr);
}

/* ---- footer ------------------------------------------------------------- */

#define DEFAULT_DISCLAIMER                                                   \
    "The boundaries and names shown and the designations used on this map " \
    "do not imply official endorsement or acceptance by the United "        \
    "Nations. Clear this map before release."

static void footer(cairo_t *cr, PangoContext *pctx, const rm__page_plan *pp)
{
    const rm_render_doc *d = pp->doc;
    const rm__rect *F = &pp->lay.footer;
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, F->x, F->y);
    cairo_line_to(cr, F->x + F->w, F->y);
    cairo_stroke(cr);
    char line[1024];
    snprintf(line, sizeof line, "Sources: %s",
             d->sources && *d->sources ? d->sources : "not stated");
    text_at(cr, pctx, line, 6, 0, 0, &INK, F->x, F->y + 2, LEFT, F->w - 70);
    char page[48];
    snprintf(page, sizeof page, "%d / %d", pp->number, pp->count);
    text_at(cr, pctx, page, 7, 1, 0, &INK, F->x + F->w, F->y + 2, RIGHT, 0);
    snprintf(line, sizeof line,
             "Projection: %s \u00b7 graticule WGS 84 \u00b7 magnetic "
             "declination WMM2025 \u00b7 routemap %s",
             pp->crs_label,
             d->program_version && *d->program_version ? d->program_version
                                                       : RM_VERSION_STRING);
    text_at(cr, pctx, line, 6, 0, 0, &GREY, F->x, F->y + 10.5, LEFT, F->w);
    text_at(cr, pctx, d->disclaimer ? d->disclaimer : DEFAULT_DISCLAIMER, 5.5,
            0, 1, &GREY, F->x, F->y + 19, LEFT, F->w);
}

void rm__draw_marginalia(cairo_t *cr, PangoContext *pctx,
                         const rm__page_plan *pp)
{
    cairo_save(cr);
    if (pp->doc->classification && *pp->doc->classification) {
        banner(cr, pctx, &pp->lay.banner_top, pp->doc);
        banner(cr, pctx, &pp->lay.banner_bottom, pp->doc);
    }
    title_block(cr, pctx, pp);
    legend(cr, pctx, pp);
    north(cr, pctx, pp);
    scale_bar(cr, pctx, pp);
    inset(cr, pctx, pp);
    footer(cr, pctx, pp);
    cairo_restore(cr);
}
