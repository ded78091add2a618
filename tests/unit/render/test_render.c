/*
 * Tests of core/render. Geometry is checked against numbers the test works
 * out itself: marker pixels from the documented map transform, the scale
 * bar from PROJ's scale factor, the north arrow from PROJ's meridian
 * convergence and the spherical formula, declination from the WMM
 * cross-check file, ColorBrewer values from colorbrewer2.org. Output files
 * are read back (cairo PNG reader, poppler's pdfinfo, pdffonts, pdftotext).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <proj.h>

#include "fixtures.h"
#include "render/render_internal.h"
#include "routemap/crs.h"
#include "routemap/errors.h"
#include "routemap/render.h"
#include "test_support.h"

#define DATE_2026_09_30_1200Z 1790769600000LL
#define DATE_2026_01_01_0000Z 1767225600000LL

/* A test run with a new silent context of its own as its state. */
#define CTX_TEST(f)                                                          \
    cmocka_unit_test_setup_teardown(f, rmt_context_setup, rmt_context_teardown)

static char *tmp_path(const char *name)
{
    const char *d = fx_tmpdir();
    assert_non_null(d);
    char *p = malloc(strlen(d) + strlen(name) + 2);
    assert_non_null(p);
    snprintf(p, strlen(d) + strlen(name) + 2, "%s/%s", d, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A styles folder with a plain black dot and a style needing a field. */
static const char *styles_dir(void)
{
    static char dir[1024];
    const char *t = fx_tmpdir();
    snprintf(dir, sizeof dir, "%s/styles", t);
    mkdir(dir, 0755);
    char p[1200];
    snprintf(p, sizeof p, "%s/dot.yaml", dir);
    write_text(p, "geometry: point\n"
                  "symbol: {shape: circle, size: 6, fill: '#000000',\n"
                  "         stroke: none}\n");
    snprintf(p, sizeof p, "%s/by-kind.yaml", dir);
    write_text(p, "geometry: point\ntype: categorised\nfield: kind\n"
                  "ramp: Set1\n");
    snprintf(p, sizeof p, "%s/broken.yaml", dir);
    write_text(p, "geometry: point\n"
                  "symbol: {shape: circle}\n"
                  "colour_by: kind\n");
    return dir;
}

static rm_render_doc base_doc(const char *crs, rm_render_page *pages,
                              size_t n)
{
    rm_render_doc doc = RM_RENDER_DOC_INIT;
    doc.title = "Test briefing \u2014 Sahel";
    doc.classification = "UN RESTRICTED";
    doc.organisation = "Test Unit";
    doc.author = "J. Analyst";
    doc.subject = "render tests";
    doc.sources = "synthetic";
    doc.date_ms = DATE_2026_09_30_1200Z;
    doc.crs = crs;
    doc.crs_name = "WGS 84 / UTM zone 31N";
    doc.pages = pages;
    doc.n_pages = n;
    doc.styles_dir = styles_dir();
    return doc;
}

/* ---- a point lands on the pixel the map transform says ---------------- */

static void test_point_pixel(void **state)
{
    rm_context *ctx = *state;
    const char *crs = "EPSG:32631";
    /* Map coordinates of three points, UTM metres. */
    double pts[3][2] = {{400000, 1800000}, {455000, 1830000},
                        {371234.5, 1761111.1}};
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "dots", RM_GEOM_POINT), RM_OK);
    for (int i = 0; i < 3; i++) {
        rm_layer_begin_feature(l, i);
        rm_layer_add_part(l, pts[i], 1, NULL, 0);
    }
    /* A second layer with nothing in view is not drawn, so not in the
     * legend either. */
    rm_layer *far = NULL;
    assert_int_equal(rm_layer_create(&far, "far", RM_GEOM_POINT), RM_OK);
    double fxy[2] = {900000, 100000};
    rm_layer_begin_feature(far, 1);
    rm_layer_add_part(far, fxy, 1, NULL, 0);
    rm_render_layer rl[2] = {{l, "Dots", "dot", 0, NULL, NULL},
                             {far, "Far away", "dot", 0, NULL, NULL}};
    rm_render_page pg = RM_RENDER_PAGE_INIT;
    pg.title = "pixels";
    pg.layers = rl;
    pg.n_layers = 2;
    rm_bbox want = {300000, 1700000, 500000, 1900000}; /* square */
    pg.extent = want;
    pg.no_graticule = 1;
    pg.inset = 0;
    rm_render_doc doc = base_doc(crs, &pg, 1);
    char *pat = tmp_path("px-%d.png");
    char *png = tmp_path("px-1.png");
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    out.png_pattern = pat;
    out.png_dpi = 150;
    rm__render_record rec;
    assert_int_equal(rm__render_recorded(ctx, &doc, &out, &rec), RM_OK);
    assert_int_equal(rec.n_pages, 1);
    assert_int_equal(rec.pages[0].n_legend, 1);
    assert_string_equal(rec.pages[0].legend_titles[0], "Dots");
    assert_int_equal(rec.pages[0].legend_counts[0], 3);
    const rm__rect *f = &rec.pages[0].layout.frame;
    /* The documented transform: the extent widened about its centre to
     * the frame's shape, one scale s on both axes. */
    double s = fmin(f->w / (want.maxx - want.minx),
                    f->h / (want.maxy - want.miny));
    double cx = 350000 + 50000, cy = 1800000;
    double minx = cx - f->w / s / 2, maxy = cy + f->h / s / 2;
    double k = 150.0 / 72.0;
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    /* Page size at 150 dpi: A4 is 210 x 297 mm. */
    assert_int_equal(cairo_image_surface_get_width(img),
                     (int)ceil(210 / 25.4 * 150 - 1e-6));
    assert_int_equal(cairo_image_surface_get_height(img),
                     (int)ceil(297 / 25.4 * 150 - 1e-6));
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int i = 0; i < 3; i++) {
        double ex = (f->x + (pts[i][0] - minx) * s) * k;
        double ey = (f->y + (maxy - pts[i][1]) * s) * k;
        double sw = 0, sx = 0, sy = 0;
        for (int y = (int)ey - 12; y <= (int)ey + 12; y++)
            for (int x = (int)ex - 12; x <= (int)ex + 12; x++) {
                uint32_t p = *(const uint32_t *)(const void *)(
                    data + (size_t)y * stride + 4 * (size_t)x);
                double lum = (((p >> 16) & 255) + ((p >> 8) & 255) +
                              (p & 255)) / 3.0;
                double wgt = 255 - lum;
                sw += wgt;
                sx += wgt * (x + 0.5);
                sy += wgt * (y + 0.5);
            }
        assert_true(sw > 100); /* something was drawn there */
        /* A 6 pt dot: its ink is 6 pt * 150/72 = 12.5 px across, area
         * pi/4 * 12.5^2 = 123 px of full darkness. */
        assert_true(fabs(sw / 255 - M_PI / 4 * pow(6 * k, 2)) < 12);
        assert_true(fabs(sx / sw - ex) < 0.3);
        assert_true(fabs(sy / sw - ey) < 0.3);
    }
    cairo_surface_destroy(img);
    rm__render_record_free(&rec);
    rm_layer_destroy(l);
    rm_layer_destroy(far);
    free(pat);
    free(png);
}

/* ---- scale bar and north arrow from PROJ ------------------------------- */

static void proj_factors_at(const char *crs, double lon, double lat,
                            PJ_FACTORS *out)
{
    PJ_CONTEXT *pc = proj_context_create();
    PJ *p = proj_create(pc, crs);
    assert_non_null(p);
    PJ_COORD c = proj_coord(proj_torad(lon), proj_torad(lat), 0, 0);
    *out = proj_factors(p, c);
    proj_destroy(p);
    proj_context_destroy(pc);
}

static void to_map(rm_context *ctx, const char *crs, double *xy)
{
    rm_transform *tr = NULL;
    assert_int_equal(rm_transform_create(ctx, &tr, "EPSG:4326", crs), RM_OK);
    assert_int_equal(rm_transform_apply(tr, xy, 1, NULL), RM_OK);
    rm_transform_destroy(tr);
}

static void test_scale_and_north(void **state)
{
    rm_context *ctx = *state;
    /* Timbuktu (cross-check point of maps/data/wmm) on a UTM 31N map: 6
     * degrees west of the central meridian, so convergence is large. */
    const char *crs = "EPSG:32631";
    double lat = 16.7735, lon = -3.0096;
    double c[2] = {lon, lat};
    to_map(ctx, crs, c);
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "dots", RM_GEOM_POINT), RM_OK);
    rm_layer_begin_feature(l, 1);
    rm_layer_add_part(l, c, 1, NULL, 0);
    rm_render_layer rl = {l, "Dots", "dot", 0, NULL, NULL};
    rm_render_page pg = RM_RENDER_PAGE_INIT;
    pg.title = "scale";
    pg.layers = &rl;
    pg.n_layers = 1;
    rm_bbox want = {c[0] - 120000, c[1] - 90000, c[0] + 120000,
                    c[1] + 90000};
    pg.extent = want;
    rm_render_doc doc = base_doc(crs, &pg, 1);
    doc.date_ms = DATE_2026_01_01_0000Z; /* decimal year 2026.0 */
    char *pat = tmp_path("sc-%d.png");
    char *png = tmp_path("sc-1.png");
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    out.png_pattern = pat;
    out.png_dpi = 200;
    rm__render_record rec;
    assert_int_equal(rm__render_recorded(ctx, &doc, &out, &rec), RM_OK);
    const rm__page_record *r = &rec.pages[0];

    PJ_FACTORS pf;
    proj_factors_at(crs, lon, lat, &pf);
    /* Scale bar: true ground metres per pt at the centre is map metres
     * per pt divided by the parallel scale factor. */
    const rm__rect *f = &r->layout.frame;
    double map_m_per_pt = fmax((want.maxx - want.minx) / f->w,
                               (want.maxy - want.miny) / f->h);
    double ground_m_per_pt = map_m_per_pt / pf.parallel_scale;
    double expect_pt = r->scale_len_m / ground_m_per_pt;
    assert_true(fabs(r->scale_len_pt - expect_pt) / expect_pt < 0.01);
    assert_true(fabs(r->scale_k - pf.parallel_scale) < 1e-6);
    /* A round length: 1, 2, 2.5 or 5 times a power of ten. */
    double m = r->scale_len_m / pow(10, floor(log10(r->scale_len_m)));
    assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 ||
                fabs(m - 2.5) < 1e-9 || fabs(m - 5) < 1e-9);
    /* And it is drawn that long: the dark outline of the bar, read back
     * along the row through its middle. */
    double k = 200.0 / 72.0;
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    int row = (int)((r->scale_y + r->scale_h / 2) * k);
    int first = -1, last = -1;
    for (int x = (int)((r->scale_x - 4) * k);
         x < (int)((r->scale_x + r->scale_len_pt + 4) * k); x++) {
        uint32_t p = *(const uint32_t *)(const void *)(
            data + (size_t)row * stride + 4 * (size_t)x);
        if ((p & 255) < 100) {
            if (first < 0)
                first = x;
            last = x;
        }
    }
    cairo_surface_destroy(img);
    assert_true(first >= 0);
    double drawn = last + 1 - first; /* outline included: + one line width */
    assert_true(fabs(drawn - (expect_pt + 0.5) * k) < 0.01 * expect_pt * k);

    /* North arrow: the bearing of true north on the map is minus PROJ's
     * meridian convergence, and the spherical formula agrees. */
    double gamma = pf.meridian_convergence * 180 / M_PI;
    assert_true(fabs(r->convergence_deg + gamma) < 0.1);
    double dl = (lon - 3.0) * M_PI / 180;
    double sph = atan(tan(dl) * sin(lat * M_PI / 180)) * 180 / M_PI;
    assert_true(fabs(r->convergence_deg + sph) < 0.1);
    assert_true(r->convergence_deg > 1.5); /* west of CM: leans east */
    /* Magnetic declination at Timbuktu, 2026.0: -0.930 in the WMM
     * cross-check file. */
    assert_true(fabs(r->declination_deg - (-0.930)) < 0.05);
    assert_int_equal(r->declination_ok, 1);
    assert_string_equal(r->dtg, "010000Z JAN 26");
    rm__render_record_free(&rec);
    rm_layer_destroy(l);
    free(pat);
    free(png);
}

/* ---- legend, labels, files -------------------------------------------- */

typedef struct sahel {
    fx_basemap bm;
    rm_layer *inc, *trk, *cells, *regions;
    char crs[64];
} sahel;

static void sahel_load(rm_context *ctx, sahel *s)
{
    snprintf(s->crs, sizeof s->crs, "EPSG:32631");
    assert_int_equal(fx_basemap_load(ctx, &s->bm, s->crs), 0);
    s->inc = fx_incidents(ctx, 400, s->crs, 5);
    s->trk = fx_tracks(ctx, 12, s->crs, 9);
    s->cells = fx_cells(ctx, s->crs, -1.5, 15.0, 3.0, 19.0, 0.25, 3);
    assert_non_null(s->inc);
    assert_non_null(s->trk);
    assert_non_null(s->cells);
    /* Two atlas regions around Gao and Kidal, titled by name. */
    assert_int_equal(rm_layer_create(&s->regions, "regions", RM_GEOM_POLYGON),
                     RM_OK);
    int fn = rm_layer_add_field(s->regions, "name", RM_FIELD_STRING);
    const char *names[] = {"Gao sector", "Kidal sector"};
    double c[2][2] = {{-0.04, 16.27}, {1.41, 18.44}};
    for (int i = 0; i < 2; i++) {
        double r[10] = {c[i][0] - 0.4, c[i][1] - 0.3, c[i][0] + 0.4,
                        c[i][1] - 0.3, c[i][0] + 0.4, c[i][1] + 0.3,
                        c[i][0] - 0.4, c[i][1] + 0.3, c[i][0] - 0.4,
                        c[i][1] - 0.3};
        for (int k = 0; k < 5; k++)
            to_map(ctx, s->crs, &r[2 * k]);
        rm_layer_begin_feature(s->regions, i + 1);
        rm_layer_add_part(s->regions, r, 5, NULL, 1);
        rm_layer_set_string(s->regions, fn, names[i]);
    }
}

static void sahel_free(sahel *s)
{
    fx_basemap_free(&s->bm);
    rm_layer_destroy(s->inc);
    rm_layer_destroy(s->trk);
    rm_layer_destroy(s->cells);
    rm_layer_destroy(s->regions);
}

/* Render the sample document; `dir_name` under the test's tmp dir. */
static int render_sahel(rm_context *ctx, sahel *s, const char *tag,
                        rm__render_record *rec, int svg)
{
    static rm_render_layer layers[16];
    size_t n = 0;
    rm_render_layer base[] = {
        {s->bm.countries, "Countries", NULL, 1, NULL, "countries"},
        {s->bm.lakes, "Lakes", NULL, 1, NULL, "lakes"},
        {s->bm.rivers, "Rivers", NULL, 1, NULL, "rivers"},
        {s->bm.borders, "Borders", NULL, 1, NULL, "borders"},
        {s->bm.places, "Places", NULL, 1, NULL, "places"},
        {s->cells, "Hotspot cells", "hotspots-gistar", 0, NULL, NULL},
        {s->trk, "Movement tracks", NULL, 0, NULL, NULL},
        {s->inc, "Incidents by type", "incidents-by-kind", 0, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof base / sizeof *base; i++)
        layers[n++] = base[i];
    double a[2] = {-3.5, 14.5}, b[2] = {4.5, 20.5};
    to_map(ctx, s->crs, a);
    to_map(ctx, s->crs, b);
    static rm_render_page pages[2];
    rm_render_page init = RM_RENDER_PAGE_INIT;
    pages[0] = pages[1] = init;
    pages[0].title = "Overview: incidents, tracks and hotspots";
    pages[0].layers = layers;
    pages[0].n_layers = n;
    rm_bbox ext = {a[0], a[1], b[0], b[1]};
    pages[0].extent = ext;
    pages[0].grid = "mgrs";
    pages[1].title = "Hotspot";
    pages[1].layers = layers;
    pages[1].n_layers = n;
    pages[1].landscape = 1;
    pages[1].atlas = s->regions;
    pages[1].atlas_title_field = "name";
    rm_render_doc doc = base_doc(s->crs, pages, 2);
    doc.styles_dir = RM_SOURCE_DIR "/maps/styles";
    doc.inset_layer = s->bm.countries;
    char pdf[1024], png[1024], svgp[1024];
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", fx_tmpdir(), tag);
    snprintf(png, sizeof png, "%s/%s-%%02d.png", fx_tmpdir(), tag);
    snprintf(svgp, sizeof svgp, "%s/%s-%%d.svg", fx_tmpdir(), tag);
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    out.pdf_path = pdf;
    out.png_pattern = png;
    out.png_dpi = 60;
    out.svg_pattern = svg ? svgp : NULL;
    return rm__render_recorded(ctx, &doc, &out, rec);
}

/* The value of a "Key:   value" line of pdfinfo's output, or NULL. */
static const char *info_value(const char *info, const char *key, char *buf,
                              size_t cap)
{
    size_t kl = strlen(key);
    for (const char *l = info; l && *l;
         l = strchr(l, '\n'), l = l ? l + 1 : l) {
        if (strncmp(l, key, kl) || l[kl] != ':')
            continue;
        const char *v = l + kl + 1;
        while (*v == ' ')
            v++;
        size_t n = strcspn(v, "\n");
        snprintf(buf, cap, "%.*s", (int)n, v);
        return buf;
    }
    return NULL;
}

static sahel g_sahel; /* the Sahel fixture is shared by the tests below */

static int sahel_setup(void **state)
{
    if (rmt_context_setup(state))
        return -1;
    sahel_load(*state, &g_sahel);
    return 0;
}

static int sahel_teardown(void **state)
{
    sahel_free(&g_sahel);
    return rmt_context_teardown(state);
}

static void test_sahel_document(void **state)
{
    rm_context *ctx = *state;
    rm__render_record rec;
    int rc = render_sahel(ctx, &g_sahel, "doc", &rec, 1);
    if (rc)
        fail_msg("%s", rm_errmsg(ctx));
    size_t n_cells = rm_layer_feature_count(g_sahel.cells);
    assert_int_equal(rec.n_pages, 3); /* overview + 2 atlas regions */
    /* DOC: the legend lists exactly the drawn non-basemap layers. */
    const rm__page_record *p = &rec.pages[0];
    assert_int_equal(p->n_legend, 3);
    assert_string_equal(p->legend_titles[0], "Hotspot cells");
    assert_string_equal(p->legend_titles[1], "Movement tracks");
    assert_string_equal(p->legend_titles[2], "Incidents by type");
    /* Counts: incidents whose point lies in the visible extent. */
    const double *xy = rm_layer_xy(g_sahel.inc);
    size_t in = 0;
    for (size_t i = 0; i < rm_layer_feature_count(g_sahel.inc); i++)
        in += xy[2 * i] >= p->xf.ext.minx && xy[2 * i] <= p->xf.ext.maxx &&
              xy[2 * i + 1] >= p->xf.ext.miny &&
              xy[2 * i + 1] <= p->xf.ext.maxy;
    assert_int_equal(p->legend_counts[2], in);
    /* Cells are drawn (and counted) when gi_z falls in a class of the
     * style: 1.645 <= z <= 1000; all cells lie in the view. */
    size_t hot = 0;
    for (size_t i = 0; i < n_cells; i++) {
        double z = rm_layer_field_as_real(g_sahel.cells, 0, i);
        hot += z >= 1.645 && z <= 1000;
    }
    assert_true(hot > 0 && hot < n_cells);
    assert_int_equal(p->legend_counts[0], hot);

    /* DOC: no two placed labels' boxes overlap (places are dense). */
    for (size_t pg = 0; pg < rec.n_pages; pg++) {
        const rm__page_record *q = &rec.pages[pg];
        const rm__rect *f = &q->layout.frame;
        for (size_t i = 0; i < q->n_labels; i++) {
            const double *a = &q->label_boxes[4 * i];
            assert_true(a[0] >= f->x && a[2] <= f->x + f->w);
            assert_true(a[1] >= f->y && a[3] <= f->y + f->h);
            for (size_t j = i + 1; j < q->n_labels; j++) {
                const double *b = &q->label_boxes[4 * j];
                int overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] &&
                              b[1] < a[3];
                if (overlap)
                    fail_msg("labels '%s' and '%s' overlap on page %zu",
                             q->label_texts[i], q->label_texts[j], pg + 1);
            }
        }
    }
    assert_true(p->n_labels >= 15);
    /* Atlas pages are titled from the attribute and zoomed to it. */
    assert_string_equal(rec.pages[1].title, "Gao sector");
    assert_string_equal(rec.pages[2].title, "Kidal sector");
    rm_bbox fb = rm_layer_extent(g_sahel.regions);
    (void)fb;
    const rm_bbox *e2 = &rec.pages[2].xf.ext;
    double kc[2] = {1.41, 18.44};
    to_map(ctx, g_sahel.crs, kc);
    assert_true(e2->minx < kc[0] - 40000 && e2->maxx > kc[0] + 40000);
    assert_true(e2->maxx - e2->minx < 400000); /* zoomed, not the region */
    rm__render_record_free(&rec);

    /* The files as a user checks them. */
    char cmd[1400], pdf[1024];
    snprintf(pdf, sizeof pdf, "%s/doc.pdf", fx_tmpdir());
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null", pdf);
    char *info = fx_run(cmd);
    if (!info) {
        skip();
        return;
    }
    char v[256];
    assert_non_null(info_value(info, "Title", v, sizeof v));
    assert_string_equal(v, "Test briefing \u2014 Sahel");
    assert_non_null(info_value(info, "Author", v, sizeof v));
    assert_string_equal(v, "J. Analyst");
    assert_non_null(info_value(info, "Subject", v, sizeof v));
    assert_string_equal(v, "render tests");
    /* Dates from the briefing (2026-09-30 12:00Z), not from the clock. */
    assert_non_null(info_value(info, "CreationDate", v, sizeof v));
    assert_non_null(strstr(v, "Sep 30 12:00:00 2026"));
    assert_non_null(info_value(info, "ModDate", v, sizeof v));
    assert_non_null(strstr(v, "Sep 30 12:00:00 2026"));
    assert_non_null(info_value(info, "Pages", v, sizeof v));
    assert_string_equal(v, "3");
    free(info);
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", pdf);
    char *fonts = fx_run(cmd);
    assert_non_null(fonts);
    /* Every font line (after the two header lines) says emb = yes. */
    int lines = 0;
    for (char *c = fonts, *nl; c && *c; c = nl ? nl + 1 : NULL) {
        nl = strchr(c, '\n');
        if (nl)
            *nl = '\0';
        if (++lines <= 2 || !*c)
            continue;
        assert_non_null(strstr(c, " yes "));
        if (!nl)
            break;
    }
    assert_true(lines >= 3);
    free(fonts);
    snprintf(cmd, sizeof cmd, "pdftotext -f 1 -l 1 '%s' -", pdf);
    char *text = fx_run(cmd);
    assert_non_null(text);
    assert_non_null(strstr(text, "Overview: incidents, tracks and hotspots"));
    assert_non_null(strstr(text, "UN RESTRICTED"));
    assert_non_null(strstr(text, "Movement tracks"));
    assert_non_null(strstr(text, "Incidents by type"));
    assert_non_null(strstr(text, "Hotspot cells"));
    assert_non_null(strstr(text, "Smuggling"));
    assert_non_null(strstr(text, "301200Z SEP 26"));
    /* Banners top and bottom, graticule labels, footer, page number,
     * locator map. */
    const char *b1 = strstr(text, "UN RESTRICTED");
    assert_non_null(b1);
    assert_non_null(strstr(b1 + 1, "UN RESTRICTED"));
    assert_non_null(strstr(text, "\u00b0N"));
    assert_true(strstr(text, "\u00b0E") || strstr(text, "\u00b0W"));
    assert_non_null(strstr(text, "Sources: synthetic"));
    assert_non_null(strstr(text, "WGS 84 / UTM zone 31N"));
    assert_non_null(strstr(text, "routemap " RM_VERSION_STRING));
    assert_non_null(strstr(text, "Page 1 of 3"));
    assert_non_null(strstr(text, "LOCATION"));
    assert_non_null(strstr(text, "Scale 1:"));
    /* Basemap layers are not in the legend. */
    assert_null(strstr(text, "Countries ("));
    assert_null(strstr(text, "Places ("));
    free(text);
    /* An outline entry per page: an item with a /Dest to its page. */
    size_t plen = 0;
    unsigned char *pb = fx_read_file(pdf, &plen);
    assert_non_null(pb);
    size_t dests = 0;
    for (size_t i = 0; i + 7 < plen; i++)
        dests += !memcmp(pb + i, "/Dest [", 7);
    assert_int_equal(dests, 3);
    free(pb);
    /* SVG per page. */
    char svg[1024];
    snprintf(svg, sizeof svg, "%s/doc-1.svg", fx_tmpdir());
    size_t len = 0;
    unsigned char *sv = fx_read_file(svg, &len);
    assert_non_null(sv);
    assert_true(len > 1000 && !memcmp(sv, "<?xml", 5));
    free(sv);
}

static void test_byte_identical(void **state)
{
    rm_context *ctx = *state;
    rm__render_record r1, r2;
    assert_int_equal(render_sahel(ctx, &g_sahel, "run1", &r1, 0), RM_OK);
    sleep(1); /* a clock-stamped file would now differ */
    assert_int_equal(render_sahel(ctx, &g_sahel, "run2", &r2, 0), RM_OK);
    rm__render_record_free(&r1);
    rm__render_record_free(&r2);
    const char *names[][2] = {{"run1.pdf", "run2.pdf"},
                              {"run1-01.png", "run2-01.png"},
                              {"run1-02.png", "run2-02.png"}};
    for (size_t i = 0; i < 3; i++) {
        char a[1024], b[1024];
        snprintf(a, sizeof a, "%s/%s", fx_tmpdir(), names[i][0]);
        snprintf(b, sizeof b, "%s/%s", fx_tmpdir(), names[i][1]);
        size_t la = 0, lb = 0;
        unsigned char *da = fx_read_file(a, &la), *db = fx_read_file(b, &lb);
        assert_non_null(da);
        assert_non_null(db);
        assert_true(la > 1000);
        assert_int_equal(la, lb);
        assert_memory_equal(da, db, la);
        free(da);
        free(db);
    }
}

/* Two separate processes (other heap addresses, font caches built anew)
 * write the same bytes too. */
static void test_identical_across_processes(void **state)
{
    (void)state;
    const char *demo = RM_BINARY_DIR "/bin/render_sahel_demo";
    if (access(demo, X_OK) != 0) {
        skip();
        return;
    }
    const char *dirs[2] = {"proc1", "proc2"};
    for (int i = 0; i < 2; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s' && '%s' '%s/%s' 40",
                 fx_tmpdir(), dirs[i], demo, fx_tmpdir(), dirs[i]);
        assert_int_equal(system(cmd), 0);
    }
    const char *files[] = {"briefing.pdf", "page-01.png", "page-02.png",
                           "page-03.png"};
    for (size_t i = 0; i < 4; i++) {
        char a[1024], b[1024];
        snprintf(a, sizeof a, "%s/%s/%s", fx_tmpdir(), dirs[0], files[i]);
        snprintf(b, sizeof b, "%s/%s/%s", fx_tmpdir(), dirs[1], files[i]);
        size_t la = 0, lb = 0;
        unsigned char *da = fx_read_file(a, &la), *db = fx_read_file(b, &lb);
        assert_non_null(da);
        assert_non_null(db);
        assert_int_equal(la, lb);
        assert_memory_equal(da, db, la);
        free(da);
        free(db);
    }
}

/* ---- text -------------------------------------------------------------- */

static void test_glyphs(void **state)
{
    (void)state;
    PangoContext *pc = rm__text_context();
    assert_non_null(pc);
    /* French accents and Arabic place names have glyphs. */
    assert_int_equal(rm__text_unknown_glyphs(
                         pc, "S\u00e9gou, Dj\u00e9nn\u00e9, "
                             "M\u00e9naka, Tillab\u00e9ri"),
                     0);
    assert_int_equal(
        rm__text_unknown_glyphs(pc, "\u062a\u0645\u0628\u0643\u062a\u0648"),
        0); /* Timbuktu in Arabic */
    /* A character no font here has (a private-use code point) counts. */
    assert_true(rm__text_unknown_glyphs(pc, "\xee\x80\x80") > 0);
    g_object_unref(pc);
}

static void test_arabic_label_pdf(void **state)
{
    rm_context *ctx = *state;
    const char *crs = "EPSG:32631";
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "towns", RM_GEOM_POINT), RM_OK);
    int fn = rm_layer_add_field(l, "name", RM_FIELD_STRING);
    const char *names[] = {"\u062a\u0645\u0628\u0643\u062a\u0648",
                           "S\u00e9gou"};
    for (int i = 0; i < 2; i++) {
        double xy[2] = {400000 + 60000 * i, 1800000};
        rm_layer_begin_feature(l, i);
        rm_layer_add_part(l, xy, 1, NULL, 0);
        rm_layer_set_string(l, fn, names[i]);
    }
    rm_render_layer rl = {l, "Towns", "dot", 0, "name", NULL};
    rm_render_page pg = RM_RENDER_PAGE_INIT;
    pg.title = "Noms";
    pg.layers = &rl;
    pg.n_layers = 1;
    rm_render_doc doc = base_doc(crs, &pg, 1);
    char *pdf = tmp_path("arabic.pdf");
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    out.pdf_path = pdf;
    rm__render_record rec;
    assert_int_equal(rm__render_recorded(ctx, &doc, &out, &rec), RM_OK);
    assert_int_equal(rec.pages[0].n_labels, 2);
    rm__render_record_free(&rec);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "pdftotext '%s' -", pdf);
    char *text = fx_run(cmd);
    if (text) {
        assert_non_null(strstr(text, "S\u00e9gou"));
        free(text);
    }
    rm_layer_destroy(l);
    free(pdf);
}

/* ---- styles ------------------------------------------------------------ */

static void test_colorbrewer(void **state)
{
    (void)state;
    rm__rgba c[9];
    rm__ramp_type t;
    /* colorbrewer2.org, YlOrRd 3-class: #ffeda0 #feb24c #f03b20. */
    assert_int_equal(rm__ramp_colors("YlOrRd", 3, c, &t), 0);
    assert_int_equal(t, RM__RAMP_SEQUENTIAL);
    assert_true(fabs(c[0].r - 0xff / 255.0) < 1e-9 &&
                fabs(c[0].g - 0xed / 255.0) < 1e-9 &&
                fabs(c[0].b - 0xa0 / 255.0) < 1e-9);
    assert_true(fabs(c[2].r - 0xf0 / 255.0) < 1e-9 &&
                fabs(c[2].g - 0x3b / 255.0) < 1e-9 &&
                fabs(c[2].b - 0x20 / 255.0) < 1e-9);
    /* Set1 is qualitative; its first colour is #e41a1c. */
    assert_int_equal(rm__ramp_colors("set1", 4, c, &t), 0);
    assert_int_equal(t, RM__RAMP_QUALITATIVE);
    assert_true(fabs(c[0].r - 0xe4 / 255.0) < 1e-9);
    assert_int_equal(rm__ramp_colors("NoSuchRamp", 3, c, NULL), -1);
}

static void test_style_library(void **state)
{
    rm_context *ctx = *state;
    /* Every style shipped in maps/styles and every built-in parses. */
    char *ls = fx_run("ls " RM_SOURCE_DIR "/maps/styles");
    assert_non_null(ls);
    int n = 0;
    for (char *c = ls, *nl; c && *c; c = nl ? nl + 1 : NULL) {
        nl = strchr(c, '\n');
        if (nl)
            *nl = '\0';
        size_t len = strlen(c);
        if (len > 5 && !strcmp(c + len - 5, ".yaml")) {
            c[len - 5] = '\0';
            rm__style *st = NULL;
            if (rm__style_load(ctx, &st, RM_SOURCE_DIR "/maps/styles", c))
                fail_msg("style %s: %s", c, rm_errmsg(ctx));
            rm__style_free(st);
            n++;
        }
    }
    free(ls);
    assert_true(n >= 2);
    const char *roles[] = {"countries", "borders", "places", "rivers",
                           "lakes", "admin1", "incidents", "tracks",
                           "crossings", "hotspots", "density", "patrols"};
    rm_geom_type geoms[] = {RM_GEOM_POLYGON, RM_GEOM_LINE, RM_GEOM_POINT,
                            RM_GEOM_LINE, RM_GEOM_POLYGON, RM_GEOM_POLYGON,
                            RM_GEOM_POINT, RM_GEOM_LINE, RM_GEOM_POINT,
                            RM_GEOM_POLYGON, RM_GEOM_RASTER, RM_GEOM_POINT};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
        const char *name = rm__style_default_name(roles[i], geoms[i], 0);
        assert_non_null(name);
        char want[64];
        snprintf(want, sizeof want, "default-%s", roles[i]);
        assert_string_equal(name, want); /* a style of its own per role */
        rm__style *st = NULL;
        if (rm__style_load(ctx, &st, NULL, name))
            fail_msg("built-in %s: %s", name, rm_errmsg(ctx));
        assert_int_equal(st->geom, geoms[i]);
        rm__style_free(st);
    }
    /* An unknown key is reported at its line and column. */
    rm__style *st = NULL;
    assert_int_equal(rm__style_load(ctx, &st, styles_dir(), "broken"),
                     RM_ESPEC_KEY);
    assert_null(st);
    assert_non_null(strstr(rm_errmsg(ctx), "broken.yaml:3:1"));
    assert_non_null(strstr(rm_errmsg(ctx), "colour_by"));
    /* Bad values name the key. */
    const char *bad = "geometry: point\nsymbol: {size: -3}\n";
    assert_int_equal(rm__style_parse(ctx, &st, bad, strlen(bad), "x", "x"),
                     RM_ESPEC_VALUE);
    assert_non_null(strstr(rm_errmsg(ctx), "'size'"));
}

static rm_layer *values_layer(const double *v, const char *const *t,
                              size_t n)
{
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "vals", RM_GEOM_POINT), RM_OK);
    int fv = rm_layer_add_field(l, "v", RM_FIELD_REAL);
    int ft = rm_layer_add_field(l, "t", RM_FIELD_STRING);
    for (size_t i = 0; i < n; i++) {
        double xy[2] = {1000.0 * (double)i, 0};
        rm_layer_begin_feature(l, (int64_t)i);
        rm_layer_add_part(l, xy, 1, NULL, 0);
        rm_layer_set_real(l, fv, v[i]);
        rm_layer_set_string(l, ft, t ? t[i] : NULL);
    }
    return l;
}

static void resolve_text(rm_context *ctx, rm__resolved *r, rm__style **st,
                         const char *yaml, const rm_layer *l)
{
    if (rm__style_parse(ctx, st, yaml, strlen(yaml), "t", "t"))
        fail_msg("%s", rm_errmsg(ctx));
    rm_bbox view = {-1e9, -1e9, 1e9, 1e9};
    if (rm__resolve(ctx, r, *st, l, NULL, view, "p"))
        fail_msg("%s", rm_errmsg(ctx));
}

static void test_classify(void **state)
{
    rm_context *ctx = *state;
    double v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const char *t[10] = {"a", "b", "b", "c", "c", "c", NULL, "a", "c", "c"};
    rm_layer *l = values_layer(v, t, 10);
    rm__style *st = NULL;
    rm__resolved r;
    /* Equal intervals over 1..10 in 3 classes: breaks 1, 4, 7, 10. */
    resolve_text(ctx, &r, &st,
                 "geometry: point\ntype: graduated\nfield: v\n"
                 "n_classes: 3\nramp: Blues\n",
                 l);
    assert_int_equal(r.n_classes, 3);
    double br[4] = {1, 4, 7, 10};
    size_t counts[3] = {3, 3, 4}; /* [1,4) [4,7) [7,10] */
    /* colorbrewer2.org Blues 3-class: #deebf7 #9ecae1 #3182bd. */
    unsigned blues[3] = {0xdeebf7, 0x9ecae1, 0x3182bd};
    for (int i = 0; i < 3; i++) {
        assert_true(fabs(r.classes[i].lo - br[i]) < 1e-12);
        assert_true(fabs(r.classes[i].hi - br[i + 1]) < 1e-12);
        assert_int_equal(r.counts[i], counts[i]);
        assert_true(fabs(r.classes[i].fill.r - (blues[i] >> 16) / 255.0) <
                    1e-9);
        assert_true(fabs(r.classes[i].fill.b - (blues[i] & 255) / 255.0) <
                    1e-9);
    }
    assert_string_equal(r.class_labels[0], "1 \u2013 4");
    rm__resolved_free(&r);
    rm__style_free(st);
    /* Quantiles, nearest rank: breaks at sorted positions round(i/5*9):
     * 0, 2, 4, 5, 7, 9 -> values 1, 3, 5, 6, 8, 10. */
    resolve_text(ctx, &r, &st,
                 "geometry: point\ntype: graduated\nfield: v\n"
                 "n_classes: 5\nmethod: quantile\nramp: Reds\n",
                 l);
    assert_int_equal(r.n_classes, 5);
    double qb[6] = {1, 3, 5, 6, 8, 10};
    size_t qc[5] = {2, 2, 1, 2, 3};
    for (int i = 0; i < 5; i++) {
        assert_true(fabs(r.classes[i].lo - qb[i]) < 1e-12);
        assert_int_equal(r.counts[i], qc[i]);
    }
    rm__resolved_free(&r);
    rm__style_free(st);
    /* Categories from the data, alphabetical, NULL falls to Other. */
    resolve_text(ctx, &r, &st,
                 "geometry: point\ntype: categorised\nfield: t\n"
                 "ramp: Set2\n",
                 l);
    assert_int_equal(r.n_classes, 4);
    assert_string_equal(r.class_labels[0], "a");
    assert_string_equal(r.class_labels[1], "b");
    assert_string_equal(r.class_labels[2], "c");
    assert_string_equal(r.class_labels[3], "Other");
    assert_int_equal(r.counts[0], 2);
    assert_int_equal(r.counts[1], 2);
    assert_int_equal(r.counts[2], 5);
    assert_int_equal(r.counts[3], 1);
    rm__resolved_free(&r);
    rm__style_free(st);
    /* Size by value: area grows linearly, so width with the square root:
     * v = 1 -> 2 pt, v = 10 -> 12 pt, v = 3.25 (a quarter) -> 2 + 10/2. */
    resolve_text(ctx, &r, &st,
                 "geometry: point\nsize_by: {field: v, min: 2, max: 12}\n",
                 l);
    assert_true(fabs(rm__resolved_size(&r, 0) - 2) < 1e-12);
    assert_true(fabs(rm__resolved_size(&r, 9) - 12) < 1e-12);
    rm__resolved_free(&r);
    rm__style_free(st);
    rm_layer_destroy(l);
    double v2[3] = {1, 3.25, 10};
    l = values_layer(v2, NULL, 3);
    resolve_text(ctx, &r, &st,
                 "geometry: point\nsize_by: {field: v, min: 2, max: 12}\n",
                 l);
    assert_true(fabs(rm__resolved_size(&r, 1) - 7) < 1e-12);
    rm__resolved_free(&r);
    rm__style_free(st);
    rm_layer_destroy(l);
}

/* No style text, however broken, crashes the parser: every shipped and
 * built-in style mutated byte by byte (deterministically) parses or fails
 * with a message. */
static void test_style_mutations(void **state)
{
    rm_context *ctx = *state;
    const char *names[] = {"default-places", "default-borders",
                           "default-gistar", "default-trends",
                           "default-segments", "default-density"};
    uint64_t rs = 2026;
    int ok = 0, failed = 0;
    for (size_t n = 0; n < sizeof names / sizeof *names; n++) {
        const char *text = rm__style_builtin(names[n]);
        assert_non_null(text);
        size_t len = strlen(text);
        char *buf = malloc(len + 1);
        assert_non_null(buf);
        for (int m = 0; m < 150; m++) {
            memcpy(buf, text, len + 1);
            int edits = 1 + (int)(fx_rand(&rs) * 4);
            for (int e = 0; e < edits; e++) {
                size_t at = (size_t)(fx_rand(&rs) * len);
                const char pool[] = "{}[]:,-#'\"\n \t&*!|>%@`0x9e";
                buf[at] = pool[(size_t)(fx_rand(&rs) * (sizeof pool - 1))];
            }
            rm__style *st = NULL;
            int rc = rm__style_parse(ctx, &st, buf, len, "m", "m.yaml");
            if (rc == RM_OK) {
                assert_non_null(st);
                ok++;
            } else {
                assert_null(st);
                assert_true(strlen(rm_errmsg(ctx)) > 0);
                failed++;
            }
            rm__style_free(st);
        }
        free(buf);
    }
    assert_true(ok > 0 && failed > 0);
}

static void test_fail_loudly(void **state)
{
    rm_context *ctx = *state;
    const char *crs = "EPSG:32631";
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "events", RM_GEOM_POINT), RM_OK);
    double xy[2] = {400000, 1800000};
    rm_layer_begin_feature(l, 1);
    rm_layer_add_part(l, xy, 1, NULL, 0);
    /* by-kind needs a field `kind` this layer lacks. */
    rm_render_layer rl = {l, "Events", "by-kind", 0, NULL, NULL};
    rm_render_page pg = RM_RENDER_PAGE_INIT;
    pg.title = "failing page";
    pg.layers = &rl;
    pg.n_layers = 1;
    rm_render_doc doc = base_doc(crs, &pg, 1);
    char *pdf = tmp_path("fail.pdf");
    write_text(pdf, "old content");
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    out.pdf_path = pdf;
    assert_int_equal(rm_render(ctx, &doc, &out), RM_EDATA_FIELD);
    assert_non_null(strstr(rm_errmsg(ctx), "failing page"));
    assert_non_null(strstr(rm_errmsg(ctx), "'kind'"));
    /* The earlier file is untouched. */
    size_t len = 0;
    unsigned char *d = fx_read_file(pdf, &len);
    assert_int_equal(len, 11);
    assert_memory_equal(d, "old content", 11);
    free(d);
    /* Unknown style, unknown paper, bad pattern, geographic CRS. */
    rl.style = "no-such-style";
    assert_int_equal(rm_render(ctx, &doc, &out), RM_EINVAL);
    assert_non_null(strstr(rm_errmsg(ctx), "no-such-style"));
    rl.style = "dot";
    pg.paper = "A9";
    assert_int_equal(rm_render(ctx, &doc, &out), RM_EINVAL);
    pg.paper = "A3";
    out.png_pattern = "page.png";
    assert_int_equal(rm_render(ctx, &doc, &out), RM_EINVAL);
    out.png_pattern = NULL;
    doc.crs = "EPSG:4326";
    assert_int_equal(rm_render(ctx, &doc, &out), RM_ECRS);
    /* A raster style on a point layer. */
    doc.crs = crs;
    rl.style = "default-density";
    assert_int_equal(rm_render(ctx, &doc, &out), RM_EDATA_TYPE);
    /* A layer in another CRS than the map would land in the wrong place:
     * refused. The same CRS written differently is accepted. */
    rl.style = "dot";
    pg.paper = "A4";
    assert_int_equal(rm_layer_set_crs(l, "EPSG:4326"), RM_OK);
    assert_int_equal(rm_render(ctx, &doc, &out), RM_ECRS);
    assert_non_null(strstr(rm_errmsg(ctx), "reproject"));
    assert_int_equal(rm_layer_set_crs(l, "+proj=utm +zone=31 +datum=WGS84 "
                                         "+units=m +no_defs +type=crs"),
                     RM_OK);
    assert_int_equal(rm_render(ctx, &doc, &out), RM_OK);
    rm_layer_destroy(l);
    free(pdf);
}

/* Stamped markers give the pixels cairo gives drawing each marker in data
 * order: 600 overlapping, half-transparent markers of two classes with
 * outlines, at quarter-pixel positions (the stamps' phases). */
static void test_stamps_match_cairo(void **state)
{
    rm_context *ctx = *state;
    const int W = 160, H = 120;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "pts", RM_GEOM_POINT), RM_OK);
    int fk = rm_layer_add_field(l, "k", RM_FIELD_STRING);
    uint64_t s = 99;
    for (int i = 0; i < 600; i++) {
        double xy[2] = {floor(fx_rand(&s) * W * 4) / 4,
                        floor(fx_rand(&s) * H * 4) / 4};
        rm_layer_begin_feature(l, i);
        rm_layer_add_part(l, xy, 1, NULL, 0);
        rm_layer_set_string(l, fk, fx_rand(&s) < 0.5 ? "a" : "b");
    }
    const char *yaml =
        "geometry: point\ntype: categorised\nfield: k\n"
        "symbol: {size: 9, stroke: '#ffffff', stroke_width: 1,\n"
        "         fill_opacity: 0.6}\n"
        "categories:\n"
        "  - {value: a, fill: '#e41a1c', shape: circle}\n"
        "  - {value: b, fill: '#377eb8', shape: triangle}\n";
    rm__style *st = NULL;
    rm__resolved r;
    resolve_text(ctx, &r, &st, yaml, l);
    /* Page = map coordinates with y flipped: s = 1, origin at (0, H). */
    rm__xf xf = {{0, 0, W, H}, 1.0, 0, 0};
    cairo_surface_t *a = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_surface_t *b = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = cairo_create(a);
    cairo_set_source_rgb(cr, 1, 1, 0.9);
    cairo_paint(cr);
    rm__target t = {cr, 0, NULL, 1.0, 200, 50000};
    assert_int_equal(rm__draw_layer(ctx, &t, &xf, &r, NULL), RM_OK);
    cairo_destroy(cr);
    cr = cairo_create(b);
    cairo_set_source_rgb(cr, 1, 1, 0.9);
    cairo_paint(cr);
    cairo_destroy(cr);
    assert_int_equal(
        rm__stamp_points(ctx, b, &xf, &r, NULL, 0, 0, 1.0, 0, 0, W, H),
        RM_OK);
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    int stride = cairo_image_surface_get_stride(a);
    int worst = 0, inked = 0;
    double sum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            inked += pa[y * stride + 4 * x + 2] != 255 ||
                     pa[y * stride + 4 * x] != 230;
            for (int c = 0; c < 3; c++) {
                int d = abs(pa[y * stride + 4 * x + c] -
                            pb[y * stride + 4 * x + c]);
                worst = d > worst ? d : worst;
                sum += d;
            }
        }
    assert_true(inked > W * H / 2); /* the markers cover most pixels */
    /* 8-bit rounding only: at most a few levels, under 1 on average (seen:
     * worst 3, mean 0.32). */
    assert_true(worst <= 6);
    assert_true(sum / (W * H * 3) < 0.5);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    rm__resolved_free(&r);
    rm__style_free(st);
    rm_layer_destroy(l);
}

/* Image lines drawn straight into pixels match cairo's stroke: the same
 * ink, and pixels that differ only along the anti-aliased edges. */
static void test_fast_lines_match_cairo(void **state)
{
    rm_context *ctx = *state;
    const int W = 200, H = 150;
    rm_layer *l = NULL;
    assert_int_equal(rm_layer_create(&l, "lns", RM_GEOM_LINE), RM_OK);
    uint64_t s = 5;
    for (int i = 0; i < 40; i++) {
        double xy[2 * 12];
        double x = fx_rand(&s) * W, y = fx_rand(&s) * H;
        double h = fx_rand(&s) * 6.283;
        for (int k = 0; k < 12; k++) {
            xy[2 * k] = x;
            xy[2 * k + 1] = y;
            h += (fx_rand(&s) - 0.5) * 1.5;
            x += 9 * cos(h);
            y += 9 * sin(h);
        }
        rm_layer_begin_feature(l, i);
        rm_layer_add_part(l, xy, 12, NULL, 0);
    }
    const char *yaml = "geometry: line\n"
                       "symbol: {stroke: '#6a3d9a', stroke_width: 2.5,\n"
                       "         opacity: 0.7}\n";
    rm__style *st = NULL;
    rm__resolved r;
    resolve_text(ctx, &r, &st, yaml, l);
    rm__xf xf = {{0, 0, W, H}, 1.0, 0, 0};
    cairo_surface_t *img[2];
    for (int m = 0; m < 2; m++) {
        img[m] = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
        cairo_t *cr = cairo_create(img[m]);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        /* m = 0: cairo strokes (vector target); m = 1: the image path. */
        rm__target t = {cr, m, img[m], 1.0, 200, 50000};
        assert_int_equal(rm__draw_layer(ctx, &t, &xf, &r, NULL), RM_OK);
        cairo_destroy(cr);
        cairo_surface_flush(img[m]);
    }
    const unsigned char *pa = cairo_image_surface_get_data(img[0]);
    const unsigned char *pb = cairo_image_surface_get_data(img[1]);
    int stride = cairo_image_surface_get_stride(img[0]);
    double ink_a = 0, ink_b = 0;
    int big = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int g = 1; /* green channel: most contrast for purple */
            ink_a += 255 - pa[y * stride + 4 * x + g];
            ink_b += 255 - pb[y * stride + 4 * x + g];
            big += abs(pa[y * stride + 4 * x + g] -
                       pb[y * stride + 4 * x + g]) > 40;
        }
    assert_true(ink_a > 100000); /* the lines are there */
    assert_true(fabs(ink_b - ink_a) / ink_a < 0.04); /* seen: 2.2 % */
    assert_true(big < W * H / 100); /* a few edge pixels at most */
    cairo_surface_destroy(img[0]);
    cairo_surface_destroy(img[1]);
    rm__resolved_free(&r);
    rm__style_free(st);
    rm_layer_destroy(l);
}

/* Broken coordinates (NaN, 1e300) are left out, never a crash. */
static void test_hostile_geometry(void **state)
{
    rm_context *ctx = *state;
    const char *crs = "EPSG:32631";
    double bad[][2] = {{NAN, 1800000}, {400000, NAN}, {1e300, 1800000},
                       {-1e300, -1e300}, {INFINITY, 0}, {410000, 1810000}};
    size_t nb = sizeof bad / sizeof *bad;
    rm_layer *pt = NULL, *ln = NULL, *pg = NULL;
    assert_int_equal(rm_layer_create(&pt, "pts", RM_GEOM_POINT), RM_OK);
    assert_int_equal(rm_layer_create(&ln, "lns", RM_GEOM_LINE), RM_OK);
    assert_int_equal(rm_layer_create(&pg, "pgs", RM_GEOM_POLYGON), RM_OK);
    int fn = rm_layer_add_field(pt, "name", RM_FIELD_STRING);
    for (size_t i = 0; i < nb; i++) {
        rm_layer_begin_feature(pt, (int64_t)i);
        rm_layer_add_part(pt, bad[i], 1, NULL, 0);
        rm_layer_set_string(pt, fn, "x");
    }
    double line[2 * 6];
    memcpy(line, bad, sizeof line);
    rm_layer_begin_feature(ln, 1);
    rm_layer_add_part(ln, line, 6, NULL, 0);
    double ring[2 * 7];
    memcpy(ring, bad, sizeof line);
    ring[12] = bad[0][0];
    ring[13] = bad[0][1];
    rm_layer_begin_feature(pg, 1);
    rm_layer_add_part(pg, ring, 7, NULL, 1);
    rm_render_layer rl[3] = {{pg, "P", NULL, 0, NULL, NULL},
                             {ln, "L", NULL, 0, NULL, NULL},
                             {pt, "Pt", "dot", 0, "name", NULL}};
    rm_render_page page = RM_RENDER_PAGE_INIT;
    page.title = "hostile";
    page.layers = rl;
    page.n_layers = 3;
    rm_bbox ext = {390000, 1790000, 430000, 1830000};
    page.extent = ext;
    rm_render_doc doc = base_doc(crs, &page, 1);
    char *pdf = tmp_path("hostile.pdf");
    char *png = tmp_path("hostile-%d.png");
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    out.pdf_path = pdf;
    out.png_pattern = png;
    out.png_dpi = 72;
    int rc = rm_render(ctx, &doc, &out);
    if (rc)
        fail_msg("%s", rm_errmsg(ctx));
    rm_layer_destroy(pt);
    rm_layer_destroy(ln);
    rm_layer_destroy(pg);
    free(pdf);
    free(png);
}

static void test_dense_points_pdf(void **state)
{
    rm_context *ctx = *state;
    const char *crs = "EPSG:32631";
    char *pdf = tmp_path("dense.pdf");
    size_t counts[2] = {1000, 60000};
    size_t images[2];
    for (int t = 0; t < 2; t++) {
        rm_layer *l = NULL;
        assert_int_equal(rm_layer_create(&l, "incidents", RM_GEOM_POINT),
                         RM_OK);
        uint64_t s = 17;
        for (size_t i = 0; i < counts[t]; i++) {
            double xy[2] = {300000 + 200000 * fx_rand(&s),
                            1700000 + 200000 * fx_rand(&s)};
            rm_layer_begin_feature(l, (int64_t)i);
            rm_layer_add_part(l, xy, 1, NULL, 0);
        }
        rm_render_layer rl = {l, "Incidents", NULL, 0, NULL, NULL};
        rm_render_page pg = RM_RENDER_PAGE_INIT;
        pg.title = "dense";
        pg.layers = &rl;
        pg.n_layers = 1;
        pg.inset = 0;
        rm_render_doc doc = base_doc(crs, &pg, 1);
        rm_render_output out = RM_RENDER_OUTPUT_INIT;
        out.pdf_path = pdf;
        assert_int_equal(rm_render(ctx, &doc, &out), RM_OK);
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "pdfimages -list '%s' | tail -n +3 | wc -l",
                 pdf);
        char *o = fx_run(cmd);
        images[t] = o ? strtoul(o, NULL, 10) : 99;
        free(o);
        rm_layer_destroy(l);
    }
    /* Few points stay vector; a dense layer is one image (plus its
     * transparency mask, which pdfimages lists as an smask). */
    assert_int_equal(images[0], 0);
    assert_true(images[1] >= 1 && images[1] <= 2);
    free(pdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colorbrewer),
        cmocka_unit_test(test_glyphs),
        CTX_TEST(test_style_library),
        CTX_TEST(test_point_pixel),
        CTX_TEST(test_scale_and_north),
        CTX_TEST(test_arabic_label_pdf),
        CTX_TEST(test_classify),
        CTX_TEST(test_style_mutations),
        CTX_TEST(test_fail_loudly),
        CTX_TEST(test_stamps_match_cairo),
        CTX_TEST(test_fast_lines_match_cairo),
        CTX_TEST(test_hostile_geometry),
        CTX_TEST(test_dense_points_pdf),
    };
    const struct CMUnitTest sahel_tests[] = {
        cmocka_unit_test(test_sahel_document),
        cmocka_unit_test(test_byte_identical),
        cmocka_unit_test(test_identical_across_processes),
    };
    int rc = cmocka_run_group_tests_name("render", tests, NULL, NULL);
    rc += cmocka_run_group_tests_name("render_sahel", sahel_tests,
                                      sahel_setup, sahel_teardown);
    return rc;
}
