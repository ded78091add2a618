/*
 * rm_render: checks the document, plans each page once, draws it on the
 * multi-page PDF, a PNG and optionally an SVG, and commits every file
 * atomically only when all pages of all outputs succeeded. PDF dates come
 * from the briefing date, so the same input gives the same bytes.
 */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "render_internal.h"
#include "routemap/crs.h"
#include "util/atomic.h"
#include "util/util.h"

#define DENSE_POINTS 50000 /* points in view drawn as one image in vectors */
#define DENSE_DPI 200.0

/* ---- output paths ------------------------------------------------------- */

/* Check a page pattern: exactly one %d or %0Nd, other '%' only as "%%". */
static int pattern_ok(const char *p)
{
    int n = 0;
    for (const char *c = p; *c; c++) {
        if (*c != '%')
            continue;
        if (c[1] == '%') {
            c++;
            continue;
        }
        const char *d = c + 1;
        while (*d >= '0' && *d <= '9')
            d++;
        if (*d != 'd' || d - c > 3)
            return 0;
        n++;
        c = d;
    }
    return n == 1;
}

static char *pattern_path(const char *p, int page)
{
    rm_strbuf sb = RM_STRBUF_INIT;
    for (const char *c = p; *c; c++) {
        if (*c != '%') {
            rm_strbuf_append_n(&sb, c, 1);
            continue;
        }
        if (c[1] == '%') {
            rm_strbuf_append_n(&sb, "%", 1);
            c++;
            continue;
        }
        int width = 0, zero = c[1] == '0';
        const char *d = c + 1;
        while (*d >= '0' && *d <= '9')
            width = width * 10 + (*d++ - '0');
        char num[32];
        snprintf(num, sizeof num, zero ? "%0*d" : "%*d", width, page);
        rm_strbuf_append(&sb, num);
        c = d;
    }
    if (sb.failed || !sb.data) {
        rm_strbuf_free(&sb);
        return NULL;
    }
    return rm_strbuf_take(&sb);
}

/* ---- pending atomic files ---------------------------------------------- */

typedef struct pending {
    rm__atomic *items;
    size_t n, cap;
} pending;

static rm__atomic *pending_add(pending *p)
{
    if (rm__grow((void **)&p->items, &p->cap, p->n + 1, sizeof *p->items))
        return NULL;
    rm__atomic zero = RM__ATOMIC_INIT;
    p->items[p->n] = zero;
    return &p->items[p->n++];
}

static void pending_abort(pending *p)
{
    for (size_t i = 0; i < p->n; i++)
        rm__atomic_abort(&p->items[i]);
    free(p->items);
    memset(p, 0, sizeof *p);
}

static int pending_commit(rm_context *ctx, pending *p)
{
    int rc = RM_OK;
    for (size_t i = 0; i < p->n; i++) {
        if (rc)
            rm__atomic_abort(&p->items[i]);
        else
            rc = rm__atomic_commit(ctx, &p->items[i]);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
    return rc;
}

/* ---- drawing a planned page on a target ------------------------------ */

static int draw_points_image(rm__render_state *rs, const rm__target *t,
                             const rm__page_plan *pp,
                             const rm__plan_layer *pl)
{
    const rm__rect *f = &pp->lay.frame;
    double k = t->dense_dpi / 72.0;
    int w = (int)ceil(f->w * k), h = (int)ceil(f->h * k);
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    int rc = rm__cairo_error(rs->ctx, cairo_surface_status(img),
                             "dense point layer image");
    if (!rc)
        rc = rm__stamp_points(rs->ctx, img, &pp->xf, &pl->res, pl->show,
                              f->x, f->y, k, 0, 0, w, h);
    if (!rc) {
        cairo_t *cr = t->cr;
        cairo_save(cr);
        cairo_translate(cr, f->x, f->y);
        cairo_scale(cr, 1 / k, 1 / k);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        cairo_rectangle(cr, 0, 0, w, h);
        cairo_fill(cr);
        cairo_restore(cr);
    }
    cairo_surface_destroy(img);
    return rc;
}

static int draw_page(rm__render_state *rs, const rm__page_plan *pp,
                     const rm__target *t, const char *what)
{
    cairo_t *cr = t->cr;
    const rm__rect *f = &pp->lay.frame;
    int rc = RM_OK;
    cairo_save(cr);
    if (t->raster) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    cairo_save(cr);
    cairo_rectangle(cr, f->x, f->y, f->w, f->h);
    cairo_clip(cr);
    if (pp->water)
        cairo_set_source_rgb(cr, RM__WATER_RGB);
    else
        cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    for (size_t i = 0; i < pp->n_layers && !rc; i++) {
        const rm__plan_layer *pl = &pp->layers[i];
        rm_geom_type g = rm_layer_geom_type(pl->rl->layer);
        if (g == RM_GEOM_RASTER) {
            rc = rm__draw_raster(rs->ctx, t, &pp->xf, &pl->res);
        } else if (g == RM_GEOM_POINT && t->raster) {
            double k = t->dev_per_pt;
            rc = rm__stamp_points(
                rs->ctx, t->img, &pp->xf, &pl->res, pl->show, 0, 0, k,
                (int)lround(f->x * k), (int)lround(f->y * k),
                (int)lround((f->x + f->w) * k), (int)lround((f->y + f->h) * k));
        } else if (g == RM_GEOM_POINT && pl->dense) {
            rc = draw_points_image(rs, t, pp, pl);
        } else {
            rc = rm__draw_layer(rs->ctx, t, &pp->xf, &pl->res, pl->show);
        }
        if (!rc && cairo_status(cr)) {
            char w[600];
            snprintf(w, sizeof w, "%s, page %d, layer '%s'", what, pp->number,
                     pl->title);
            rc = rm__cairo_error(rs->ctx, cairo_status(cr), w);
        }
    }
    if (!rc) {
        if (pp->atlas_row >= 0)
            rm__draw_outline(cr, &pp->xf, pp->pg->atlas,
                             (size_t)pp->atlas_row);
        rm__draw_grids(cr, rs->pctx, pp);
        rm__labels_draw(cr, rs->pctx, &pp->labels);
    }
    cairo_restore(cr);
    if (!rc) {
        rm__draw_frame_labels(cr, rs->pctx, pp);
        rm__draw_marginalia(cr, rs->pctx, pp);
    }
    cairo_restore(cr);
    if (!rc && cairo_status(cr)) {
        char w[300];
        snprintf(w, sizeof w, "%s, page %d", what, pp->number);
        rc = rm__cairo_error(rs->ctx, cairo_status(cr), w);
    }
    return rc;
}

/* ---- the record ------------------------------------------------------- */

static int record_page(rm__render_record *rec, const rm__page_plan *pp)
{
    rm__page_record *np =
        rm_reallocarray(rec->pages, rec->n_pages + 1, sizeof *np);
    if (!np)
        return -1;
    rec->pages = np;
    rm__page_record *r = &rec->pages[rec->n_pages++];
    memset(r, 0, sizeof *r);
    r->title = rm__strdup(pp->title);
    r->layout = pp->lay;
    r->xf = pp->xf;
    r->scale_k = pp->scale_k;
    r->scale_len_m = pp->bar_len_m;
    r->scale_len_pt = pp->bar_pt;
    r->scale_divisions = pp->bar_div;
    r->scale_x = pp->bar_x;
    r->scale_y = pp->bar_y;
    r->scale_h = pp->bar_h;
    r->convergence_deg = pp->convergence;
    r->declination_deg = pp->declination;
    r->declination_ok = pp->decl_valid;
    snprintf(r->dtg, sizeof r->dtg, "%s", pp->dtg);
    size_t nl = 0;
    for (size_t i = 0; i < pp->n_layers; i++)
        nl += rm__plan_in_legend(&pp->layers[i]);
    r->legend_titles = rm_callocarray(nl + 1, sizeof(char *));
    r->legend_counts = rm_callocarray(nl + 1, sizeof(size_t));
    r->label_boxes = rm_callocarray(4 * pp->labels.n + 1, sizeof(double));
    r->label_texts = rm_callocarray(pp->labels.n + 1, sizeof(char *));
    if (!r->title || !r->legend_titles || !r->legend_counts ||
        !r->label_boxes || !r->label_texts)
        return -1;
    for (size_t i = 0; i < pp->n_layers; i++) {
        const rm__plan_layer *pl = &pp->layers[i];
        if (!rm__plan_in_legend(pl))
            continue;
        r->legend_titles[r->n_legend] = rm__strdup(pl->title);
        r->legend_counts[r->n_legend++] = pl->res.n_in_view;
    }
    for (size_t i = 0; i < pp->labels.n; i++) {
        const rm__label *lb = &pp->labels.items[i];
        double *b = &r->label_boxes[4 * i];
        b[0] = lb->bx0;
        b[1] = lb->by0;
        b[2] = lb->bx1;
        b[3] = lb->by1;
        r->label_texts[i] = rm__strdup(pango_layout_get_text(lb->layout));
        r->n_labels = i + 1;
    }
    return 0;
}

void rm__render_record_free(rm__render_record *rec)
{
    if (!rec)
        return;
    for (size_t i = 0; i < rec->n_pages; i++) {
        rm__page_record *r = &rec->pages[i];
        free(r->title);
        for (size_t j = 0; j < r->n_legend; j++)
            free(r->legend_titles[j]);
        free(r->legend_titles);
        free(r->legend_counts);
        for (size_t j = 0; j < r->n_labels; j++)
            free(r->label_texts[j]);
        free(r->label_texts);
        free(r->label_boxes);
    }
    free(rec->pages);
    memset(rec, 0, sizeof *rec);
}

/* ---- the document ------------------------------------------------------- */

static void pdf_date(int64_t ms, char *out, size_t cap)
{
    time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int check_doc(rm_context *ctx, const rm_render_doc *doc,
                     const rm_render_output *out, int *out_pages,
                     char **out_crs_label)
{
    if (!doc || !out)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "rm_render needs a document and an output");
    if (doc->version != RM_RENDER_DOC_VERSION ||
        out->version != RM_RENDER_OUTPUT_VERSION)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "rm_render: document or output struct of an "
                         "unknown version; initialise them with "
                         "RM_RENDER_DOC_INIT and RM_RENDER_OUTPUT_INIT");
    if (!doc->pages || doc->n_pages == 0)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "the briefing has no map pages; add a page");
    if (!doc->crs || !*doc->crs)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no map CRS given; set the document's crs to the "
                         "analysis CRS");
    if (!out->pdf_path && !out->png_pattern && !out->svg_pattern)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no output asked for; give a PDF path, a PNG or an "
                         "SVG pattern");
    if (out->png_pattern && !pattern_ok(out->png_pattern))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "PNG pattern '%s' needs exactly one %%d (or %%02d) "
                         "for the page number",
                         out->png_pattern);
    if (out->svg_pattern && !pattern_ok(out->svg_pattern))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "SVG pattern '%s' needs exactly one %%d (or %%02d) "
                         "for the page number",
                         out->svg_pattern);
    if (out->png_dpi != 0 && !(out->png_dpi >= 10 && out->png_dpi <= 1200))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "PNG resolution %g dpi is out of range; use 10 to "
                         "1200",
                         out->png_dpi);
    rm_crs *crs = NULL;
    int rc = rm_crs_create(ctx, &crs, doc->crs);
    if (rc)
        return rc;
    int geo = rm_crs_is_geographic(crs);
    /* The footer names the projection: the given name, else PROJ's with
     * the definition when that is short ("EPSG:32631"). */
    const char *pn = rm_crs_name(crs);
    if (doc->crs_name && *doc->crs_name)
        *out_crs_label = rm__strdup(doc->crs_name);
    else if (pn && *pn && strcmp(pn, "unknown") && strlen(doc->crs) < 24)
        *out_crs_label = rm__asprintf("%s (%s)", pn, doc->crs);
    else if (pn && *pn && strcmp(pn, "unknown"))
        *out_crs_label = rm__strdup(pn);
    else
        *out_crs_label = rm__strdup(doc->crs);
    rm_crs_destroy(crs);
    if (!*out_crs_label)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    if (geo)
        return rm__error(ctx, RM_ECRS, NULL,
                         "map CRS %s is geographic (degrees); maps are drawn "
                         "in the projected analysis CRS (metres)",
                         doc->crs);
    long total = 0;
    for (size_t i = 0; i < doc->n_pages; i++) {
        const rm_render_page *pg = &doc->pages[i];
        if (pg->version != RM_RENDER_PAGE_VERSION)
            return rm__error(ctx, RM_EINVAL, NULL,
                             "page %zu: struct of an unknown version; "
                             "initialise it with RM_RENDER_PAGE_INIT",
                             i + 1);
        if (pg->n_layers && !pg->layers)
            return rm__error(ctx, RM_EINVAL, NULL,
                             "page %zu: n_layers is %zu but no layers given",
                             i + 1, pg->n_layers);
        if (pg->grid && strcasecmp(pg->grid, "none") &&
            strcasecmp(pg->grid, "utm") && strcasecmp(pg->grid, "mgrs"))
            return rm__error(ctx, RM_EINVAL, NULL,
                             "page %zu: unknown grid '%s'; use none, utm or "
                             "mgrs",
                             i + 1, pg->grid);
        rm__layout lay;
        if (rm__layout_page(&lay, pg->paper, pg->landscape))
            return rm__error(ctx, RM_EINVAL, NULL,
                             "page %zu: unknown paper '%s'; use A4, A3 or "
                             "Letter",
                             i + 1, pg->paper);
        if (pg->atlas) {
            size_t n = rm_layer_feature_count(pg->atlas);
            if (n == 0) {
                rm_location loc =
                    rm__loc_data(NULL, rm_layer_name(pg->atlas), -1);
                return rm__error(ctx, RM_EDATA_EMPTY, &loc,
                                 "atlas page '%s': the atlas layer has no "
                                 "features, so there is no page to draw",
                                 pg->title ? pg->title : "");
            }
            if (rm_layer_geom_type(pg->atlas) == RM_GEOM_RASTER ||
                rm_layer_geom_type(pg->atlas) == RM_GEOM_NONE)
                return rm__error(ctx, RM_EINVAL, NULL,
                                 "atlas page '%s': the atlas layer needs "
                                 "vector features",
                                 pg->title ? pg->title : "");
            total += (long)n;
        } else {
            total++;
        }
        if (total > 10000)
            return rm__error(ctx, RM_EINVAL, NULL,
                             "more than 10000 pages; filter the atlas "
                             "layer");
    }
    *out_pages = (int)total;
    return RM_OK;
}

int rm__render_recorded(rm_context *ctx, const rm_render_doc *doc,
                        const rm_render_output *out, rm__render_record *rec)
{
    if (rec)
        memset(rec, 0, sizeof *rec);
    int count = 0;
    char *crs_label = NULL;
    int rc = check_doc(ctx, doc, out, &count, &crs_label);
    if (rc) {
        free(crs_label);
        return rc;
    }
    rm__render_state rs = {ctx, doc, NULL, DENSE_POINTS, crs_label};
    rs.pctx = rm__text_context();
    if (!rs.pctx) {
        free(crs_label);
        return rm__error(ctx, RM_ERENDER, NULL,
                         "pango has no fonts; install fonts-noto-core and "
                         "fonts-dejavu-core");
    }
    double dpi = out->png_dpi > 0 ? out->png_dpi : 150;
    pending files = {NULL, 0, 0};
    cairo_surface_t *pdf = NULL;
    cairo_t *pcr = NULL;
    rm__atomic *pdf_at = NULL;
    if (out->pdf_path) {
        pdf_at = pending_add(&files);
        if (!pdf_at) {
            rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
            goto fail;
        }
        if ((rc = rm__atomic_begin(ctx, pdf_at, out->pdf_path)))
            goto fail;
        pdf = cairo_pdf_surface_create(pdf_at->tmp, 595.2756, 841.8898);
        if ((rc = rm__cairo_error(ctx, cairo_surface_status(pdf),
                                  out->pdf_path)))
            goto fail;
        char date[40], creator[80];
        pdf_date(doc->date_ms, date, sizeof date);
        snprintf(creator, sizeof creator, "routemap %s",
                 doc->program_version ? doc->program_version
                                      : RM_VERSION_STRING);
        const char *author = doc->author ? doc->author : doc->organisation;
        if (doc->title)
            cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE,
                                           doc->title);
        if (author)
            cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR,
                                           author);
        if (doc->subject)
            cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT,
                                           doc->subject);
        if (doc->classification)
            cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_KEYWORDS,
                                           doc->classification);
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR,
                                       creator);
        /* The briefing's date, never the clock: cairo would stamp now. */
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE,
                                       date);
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE,
                                       date);
        pcr = cairo_create(pdf);
    }
    int number = 0;
    for (size_t i = 0; i < doc->n_pages && !rc; i++) {
        const rm_render_page *pg = &doc->pages[i];
        long n = pg->atlas ? (long)rm_layer_feature_count(pg->atlas) : 1;
        for (long a = 0; a < n && !rc; a++) {
            number++;
            rm__page_plan pp;
            rc = rm__plan_page(&rs, &pp, pg, pg->atlas ? a : -1, number,
                               count);
            if (!rc && pdf) {
                cairo_pdf_surface_set_size(pdf, pp.lay.width, pp.lay.height);
                rm__target t = {pcr, 0, NULL, 1.0, DENSE_DPI, DENSE_POINTS};
                rc = draw_page(&rs, &pp, &t, out->pdf_path);
                if (!rc) {
                    char link[32], label[600];
                    snprintf(link, sizeof link, "page=%d", number);
                    snprintf(label, sizeof label, "%d. %s", number, pp.title);
                    cairo_pdf_surface_add_outline(pdf, CAIRO_PDF_OUTLINE_ROOT,
                                                  label, link, 0);
                    cairo_show_page(pcr);
                    rc = rm__cairo_error(ctx, cairo_status(pcr),
                                         out->pdf_path);
                }
            }
            if (!rc && out->png_pattern) {
                char *path = pattern_path(out->png_pattern, number);
                rm__atomic *at = path ? pending_add(&files) : NULL;
                if (!at)
                    rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
                else
                    rc = rm__atomic_begin(ctx, at, path);
                if (!rc) {
                    double k = dpi / 72.0;
                    int w = (int)ceil(pp.lay.width * k - 1e-6);
                    int h = (int)ceil(pp.lay.height * k - 1e-6);
                    cairo_surface_t *img = NULL;
                    cairo_t *cr = NULL;
                    if ((double)w * h > 4e8)
                        rc = rm__error(ctx, RM_EINVAL, NULL,
                                       "%s: a %d x %d px page at %g dpi is "
                                       "too large; lower the PNG "
                                       "resolution",
                                       path, w, h, dpi);
                    if (!rc) {
                        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                         w, h);
                        cr = cairo_create(img);
                        rc = rm__cairo_error(ctx, cairo_status(cr), path);
                    }
                    if (!rc) {
                        cairo_scale(cr, k, k);
                        rm__target t = {cr, 1, img, k, DENSE_DPI,
                                        DENSE_POINTS};
                        rc = draw_page(&rs, &pp, &t, path);
                    }
                    if (cr)
                        cairo_destroy(cr);
                    if (!rc)
                        rc = rm__png_write(ctx, img, at->tmp, path);
                    if (img)
                        cairo_surface_destroy(img);
                }
                free(path);
            }
            if (!rc && out->svg_pattern) {
                char *path = pattern_path(out->svg_pattern, number);
                rm__atomic *at = path ? pending_add(&files) : NULL;
                if (!at)
                    rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
                else
                    rc = rm__atomic_begin(ctx, at, path);
                if (!rc) {
                    cairo_surface_t *svg = cairo_svg_surface_create(
                        at->tmp, pp.lay.width, pp.lay.height);
                    cairo_t *cr = cairo_create(svg);
                    rc = rm__cairo_error(ctx, cairo_status(cr), path);
                    if (!rc) {
                        rm__target t = {cr, 0, NULL, 1.0, DENSE_DPI,
                                        DENSE_POINTS};
                        rc = draw_page(&rs, &pp, &t, path);
                    }
                    cairo_destroy(cr);
                    cairo_surface_finish(svg);
                    if (!rc)
                        rc = rm__cairo_error(ctx, cairo_surface_status(svg),
                                             path);
                    cairo_surface_destroy(svg);
                }
                free(path);
            }
            if (!rc && rec && record_page(rec, &pp))
                rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
            rm__plan_free(&pp);
        }
    }
    if (pdf) {
        cairo_destroy(pcr);
        pcr = NULL;
        cairo_surface_finish(pdf);
        if (!rc)
            rc = rm__cairo_error(ctx, cairo_surface_status(pdf),
                                 out->pdf_path);
        cairo_surface_destroy(pdf);
        pdf = NULL;
    }
    if (rc)
        goto fail;
    g_object_unref(rs.pctx);
    free(crs_label);
    return pending_commit(ctx, &files);
fail:
    if (pcr)
        cairo_destroy(pcr);
    if (pdf) {
        cairo_surface_finish(pdf);
        cairo_surface_destroy(pdf);
    }
    pending_abort(&files);
    g_object_unref(rs.pctx);
    free(crs_label);
    if (rec)
        rm__render_record_free(rec);
    return rc;
}

int rm_render(rm_context *ctx, const rm_render_doc *doc,
              const rm_render_output *out)
{
    return rm__render_recorded(ctx, doc, out, NULL);
}
