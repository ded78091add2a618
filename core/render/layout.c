/*
 * Page geometry: paper sizes, the rectangles of the banners, title block,
 * map frame, marginalia band and footer, and the map transform that fits
 * an extent into the frame at one scale on both axes. All in points.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "render_internal.h"

#define MARGIN 18.0
#define BANNER_H 13.0
#define GRAT_GAP 13.0 /* room for graticule labels around the frame */
#define FOOTER_H 30.0

static rm__rect rect(double x, double y, double w, double h)
{
    rm__rect r = {x, y, w, h};
    return r;
}

int rm__layout_page(rm__layout *out, const char *paper, int landscape)
{
    double pw, ph;
    if (!paper || !strcasecmp(paper, "A4")) {
        pw = 595.2756;
        ph = 841.8898;
    } else if (!strcasecmp(paper, "A3")) {
        pw = 841.8898;
        ph = 1190.5512;
    } else if (!strcasecmp(paper, "Letter")) {
        pw = 612;
        ph = 792;
    } else {
        return -1;
    }
    memset(out, 0, sizeof *out);
    out->landscape = landscape ? 1 : 0;
    double W = landscape ? ph : pw, H = landscape ? pw : ph;
    out->width = W;
    out->height = H;
    out->banner_top = rect(MARGIN, 6, W - 2 * MARGIN, BANNER_H);
    out->banner_bottom = rect(MARGIN, H - 6 - BANNER_H, W - 2 * MARGIN,
                              BANNER_H);
    out->title = rect(MARGIN, 6 + BANNER_H + 5, W - 2 * MARGIN, 38);
    double top = out->title.y + out->title.h + GRAT_GAP;
    out->footer = rect(MARGIN, out->banner_bottom.y - 3 - FOOTER_H,
                       W - 2 * MARGIN, FOOTER_H);
    double bottom = out->footer.y - 6; /* lowest y of map + marginalia */
    double inner_w = W - 2 * MARGIN;

    if (!landscape) {
        /* Marginalia band under the map: legend | north + scale | inset. */
        double band_h = H > 1000 ? 185 : 158;
        double band_y = bottom - band_h;
        out->frame = rect(MARGIN + GRAT_GAP, top,
                          inner_w - 2 * GRAT_GAP,
                          band_y - GRAT_GAP - 4 - top);
        double inset_w = band_h;
        double mid_w = 150;
        out->inset = rect(W - MARGIN - inset_w, band_y, inset_w, band_h);
        out->north = rect(out->inset.x - 8 - mid_w, band_y, mid_w,
                          band_h - 52);
        out->scale = rect(out->north.x, band_y + band_h - 46, mid_w, 46);
        out->legend = rect(MARGIN, band_y, out->north.x - 8 - MARGIN,
                           band_h);
    } else {
        /* Marginalia column right of the map. */
        double col_w = W > 1000 ? 230 : 190;
        double col_x = W - MARGIN - col_w;
        out->frame = rect(MARGIN + GRAT_GAP, top,
                          col_x - 8 - GRAT_GAP - (MARGIN + GRAT_GAP),
                          bottom - GRAT_GAP - top);
        double colb = bottom;
        double inset_h = col_w * 0.72;
        double ns_h = 96;
        out->scale = rect(col_x, colb - 46, col_w, 46);
        out->north = rect(col_x, out->scale.y - ns_h, col_w, ns_h);
        out->inset = rect(col_x, out->north.y - 6 - inset_h, col_w,
                          inset_h);
        double ltop = out->title.y + out->title.h + 4;
        out->legend = rect(col_x, ltop, col_w, out->inset.y - 8 - ltop);
    }
    return 0;
}

void rm__xf_fit(rm__xf *out, const rm__rect *frame, rm_bbox want)
{
    double ww = want.maxx - want.minx, wh = want.maxy - want.miny;
    double cx = 0.5 * (want.minx + want.maxx);
    double cy = 0.5 * (want.miny + want.maxy);
    if (!(ww > 0))
        ww = 1;
    if (!(wh > 0))
        wh = 1;
    double s = fmin(frame->w / ww, frame->h / wh);
    double ew = frame->w / s, eh = frame->h / s;
    out->s = s;
    out->ext.minx = cx - ew / 2;
    out->ext.maxx = cx + ew / 2;
    out->ext.miny = cy - eh / 2;
    out->ext.maxy = cy + eh / 2;
    out->fx = frame->x;
    out->fy = frame->y;
}
