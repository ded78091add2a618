/*
 * A sample briefing's maps, made with rm_render from the Sahel basemap and
 * synthetic analysis layers: an overview page, a zoomed page with an MGRS
 * grid, a landscape density page and atlas pages per hotspot region.
 * Usage: render_sahel_demo OUTDIR [DPI [PAPER]]  (writes OUTDIR/briefing.pdf
 * and a PNG per page).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "routemap/crs.h"
#include "routemap/render.h"

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    rm_context *ctx = NULL;
    if (rm_context_create(&ctx))
        return 1;
    rm_crs *crs = NULL;
    rm_bbox area = {-6.0, 14.0, 5.0, 22.0};
    if (rm_crs_auto(ctx, &crs, area)) {
        fprintf(stderr, "%s\n", rm_errmsg(ctx));
        return 1;
    }
    const char *def = rm_crs_definition(crs);
    fx_basemap bm;
    if (fx_basemap_load(ctx, &bm, def)) {
        fprintf(stderr, "basemap: %s\n", rm_errmsg(ctx));
        return 1;
    }
    rm_layer *inc = fx_incidents(ctx, 700, def, 42);
    rm_layer *trk = fx_tracks(ctx, 18, def, 7);
    rm_layer *cells = fx_cells(ctx, def, -4.5, 14.5, 3.5, 21.0, 0.25, 3);
    double c0[2] = {-6.0, 14.0}, c1[2] = {5.0, 22.0};
    rm_transform *tr = NULL;
    rm_transform_create(ctx, &tr, "EPSG:4326", def);
    rm_transform_apply(tr, c0, 1, NULL);
    rm_transform_apply(tr, c1, 1, NULL);
    rm_transform_destroy(tr);
    rm_bbox box = {c0[0], c0[1], c1[0], c1[1]};
    rm_layer *dens = fx_density(ctx, def, box, 220, 170, 11);
    double pat[] = {-0.3, 16.6, 1.2, 18.0, -2.6, 16.5, 2.0, 15.6, 0.6, 19.6};
    rm_layer *patrols = fx_points(ctx, "patrols", pat, 5, def);

    rm_render_layer base[] = {
        {bm.countries, NULL, NULL, 1, NULL, "countries"},
        {bm.admin1, NULL, NULL, 1, NULL, "admin1"},
        {bm.lakes, NULL, NULL, 1, NULL, "lakes"},
        {bm.rivers, NULL, NULL, 1, NULL, "rivers"},
        {bm.borders, NULL, NULL, 1, NULL, "borders"},
        {bm.places, NULL, NULL, 1, NULL, "places"},
    };
    rm_render_layer p1[10], p2[10], p3[10];
    size_t n1 = 0, n2 = 0, n3 = 0;
    for (size_t i = 0; i < 6; i++)
        p1[n1++] = p2[n2++] = p3[n3++] = base[i];
    rm_render_layer l_cells = {cells, "Hotspot cells (Gi* z)",
                               "hotspots-gistar", 0, NULL, NULL};
    rm_render_layer l_inc = {inc, "Incidents by type", "incidents-by-kind", 0,
                             NULL, NULL};
    rm_render_layer l_trk = {trk, "Movement tracks", NULL, 0, NULL, NULL};
    rm_render_layer l_pat = {patrols, "Proposed patrol points", NULL, 0,
                             NULL, "patrols"};
    rm_render_layer l_dens = {dens, "Incident density", NULL, 0, NULL, NULL};
    p1[n1++] = l_cells;
    p1[n1++] = l_trk;
    p1[n1++] = l_inc;
    rm_render_layer l_vic = {inc, "Incidents by victims", "incidents-by-victims",
                             0, NULL, NULL};
    p2[n2++] = l_trk;
    p2[n2++] = l_vic;
    p2[n2++] = l_pat;
    p3[n3++] = l_dens;
    p3[n3++] = l_pat;

    rm_render_page pages[3] = {RM_RENDER_PAGE_INIT, RM_RENDER_PAGE_INIT,
                               RM_RENDER_PAGE_INIT};
    pages[0].title = "Northern Mali \u2014 trafficking overview";
    pages[0].subtitle = "Incidents 1 Jul \u2013 30 Sep 2026, hotspot cells "
                        "and movement tracks";
    pages[0].layers = p1;
    pages[0].n_layers = n1;
    pages[0].extent = box;
    pages[0].note = "Synthetic data for demonstration.";
    pages[1].title = "Gao \u2013 M\u00e9naka corridor";
    pages[1].subtitle = "Incidents, tracks and proposed patrols; MGRS grid";
    pages[1].layers = p2;
    pages[1].n_layers = n2;
    double g0[2] = {-1.2, 15.0}, g1[2] = {3.2, 17.4};
    rm_transform_create(ctx, &tr, "EPSG:4326", def);
    rm_transform_apply(tr, g0, 1, NULL);
    rm_transform_apply(tr, g1, 1, NULL);
    rm_transform_destroy(tr);
    rm_bbox gbox = {g0[0], g0[1], g1[0], g1[1]};
    pages[1].extent = gbox;
    pages[1].grid = "mgrs";
    pages[2].title = "Incident density";
    pages[2].subtitle = "Kernel density of reported incidents";
    pages[2].layers = p3;
    pages[2].n_layers = n3;
    pages[2].extent = box;
    pages[2].landscape = 1;
    if (argc > 3) /* paper for every page: A4, A3 or Letter */
        for (int i = 0; i < 3; i++)
            pages[i].paper = argv[3];

    rm_render_doc doc = RM_RENDER_DOC_INIT;
    doc.title = "Northern Mali \u2014 trafficking corridors, Q3 2026";
    doc.classification = "UN RESTRICTED";
    doc.organisation = "MINUSMA JMAC (exercise)";
    doc.subject = "Trafficking and smuggling briefing";
    doc.sources = "Natural Earth; GeoNames (geonames.org) CC BY 4.0; "
                  "GSHHG (LGPL); synthetic incidents";
    doc.date_ms = 1790769600000LL; /* 2026-09-30T12:00Z */
    doc.crs = def;
    doc.crs_name = rm_crs_name(crs);
    doc.pages = pages;
    doc.n_pages = 3;
    doc.styles_dir = RM_SOURCE_DIR "/maps/styles";
    doc.inset_layer = bm.countries;

    char pdf[1024], png[1024];
    snprintf(pdf, sizeof pdf, "%s/briefing.pdf", dir);
    snprintf(png, sizeof png, "%s/page-%%02d.png", dir);
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    out.pdf_path = pdf;
    out.png_pattern = png;
    out.png_dpi = argc > 2 ? atof(argv[2]) : 100;
    int rc = rm_render(ctx, &doc, &out);
    if (rc)
        fprintf(stderr, "render: %s\n", rm_errmsg(ctx));
    fx_basemap_free(&bm);
    rm_layer_destroy(inc);
    rm_layer_destroy(trk);
    rm_layer_destroy(cells);
    rm_layer_destroy(dens);
    rm_layer_destroy(patrols);
    rm_crs_destroy(crs);
    rm_context_destroy(ctx);
    return rc ? 1 : 0;
}
