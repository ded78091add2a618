/*
 * All text goes through pango: one context per render at 72 units per
 * inch with hinting off, so a label measures the same on the PDF, PNG and
 * SVG surfaces and placement is decided once. Text stays text in vector
 * output (searchable, fonts embedded); halos are stroked outlines.
 */
#include <math.h>

#include "render_internal.h"

PangoContext *rm__text_context(void)
{
    PangoFontMap *fm = pango_cairo_font_map_get_default();
    if (!fm)
        return NULL;
    PangoContext *pc = pango_font_map_create_context(fm);
    if (!pc)
        return NULL;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(pc, 72.0);
    pango_context_set_round_glyph_positions(pc, FALSE);
    return pc;
}

PangoLayout *rm__text_layout(PangoContext *pctx, const char *text,
                             double size, int bold, int italic,
                             double letter_spacing)
{
    PangoLayout *l = pango_layout_new(pctx);
    if (!l)
        return NULL;
    PangoFontDescription *fd =
        pango_font_description_from_string(RM__FONT_FAMILY);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
                                               : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC
                                                : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (letter_spacing > 0) {
        PangoAttrList *al = pango_attr_list_new();
        pango_attr_list_insert(
            al, pango_attr_letter_spacing_new(
                    (int)lround(letter_spacing * PANGO_SCALE)));
        pango_layout_set_attributes(l, al);
        pango_attr_list_unref(al);
    }
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

void rm__text_size(PangoLayout *layout, double *out_w, double *out_h)
{
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    *out_w = (double)logical.width / PANGO_SCALE;
    *out_h = (double)logical.height / PANGO_SCALE;
}

void rm__text_draw(cairo_t *cr, PangoContext *pctx, PangoLayout *layout,
                   double x, double y, const rm__rgba *color,
                   const rm__rgba *halo, double halo_width)
{
    pango_cairo_update_context(cr, pctx);
    pango_layout_context_changed(layout);
    if (halo && halo_width > 0 && halo->a > 0) {
        cairo_save(cr);
        cairo_new_path(cr);
        cairo_move_to(cr, x, y);
        pango_cairo_layout_path(cr, layout);
        cairo_set_source_rgba(cr, halo->r, halo->g, halo->b, halo->a);
        cairo_set_line_width(cr, 2 * halo_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    cairo_new_path(cr);
    cairo_move_to(cr, x, y);
    cairo_set_source_rgba(cr, color->r, color->g, color->b, color->a);
    pango_cairo_show_layout(cr, layout);
    cairo_new_path(cr);
}

int rm__text_unknown_glyphs(PangoContext *pctx, const char *text)
{
    PangoLayout *l = rm__text_layout(pctx, text, 10, 0, 0, 0);
    if (!l)
        return -1;
    int n = pango_layout_get_unknown_glyphs_count(l);
    g_object_unref(l);
    return n;
}
