/*
 * The briefing's map pages: each `pages` entry becomes an rm_render_page
 * over layers from the catalog, and the renderer writes the PDF, PNG and
 * SVG files into a folder inside the staging area; each file is then
 * adopted as a staged output, so maps land with the exports or not at all.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "routemap/crs.h"
#include "routemap/render.h"
#include "run_state.h"
#include "util/util.h"

static const char *const PAPER[] = {"A4", "A3", "Letter"};
static const char *const GRID[] = {"none", "utm", "mgrs"};

static int lonlat_box_to_map(rm__run *r, rm_bbox in, rm_bbox *out)
{
    rm_transform *tr;
    int rc = rm_transform_create(r->ctx, &tr, "EPSG:4326", r->crs);
    if (rc == RM_OK)
        rc = rm_transform_bbox(tr, in, out);
    rm_transform_destroy(tr);
    return rc;
}

static int in_value(const rm__spec_value *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->items[i], name) == 0)
            return 1;
    return 0;
}

/* "step.output" -> "<plugin>.<output>", the role of a step output's
 * default style; NULL for briefing layers (their name is their role).
 * Written into `buf`. */
static const char *output_role(const rm__run *r, const char *ref, char *buf,
                               size_t cap)
{
    const char *dot = strchr(ref, '.');
    const rm__spec *s = r->b->spec;
    for (size_t i = 0; dot && i < s->n_steps; i++) {
        size_t n = strlen(s->steps[i].id);
        if ((size_t)(dot - ref) == n && strncmp(ref, s->steps[i].id, n) == 0) {
            snprintf(buf, cap, "%s%s", r->b->plugins[i]->name, dot);
            return buf;
        }
    }
    return NULL;
}

static void fill_layer(rm__run *r, const rm__spec_page *pg, const char *ref,
                       rm_render_layer *rl, char *role_buf, size_t role_cap)
{
    const rm__spec *s = r->b->spec;
    rl->role = output_role(r, ref, role_buf, role_cap);
    const rm__spec_layer *sl = rm__spec_find_layer(s, ref);
    rl->layer = rm__catalog_get(&r->catalog, ref);
    rl->title = sl && sl->title.s ? sl->title.s : NULL;
    rl->style = sl && sl->style.s ? sl->style.s : NULL;
    rl->basemap = sl ? sl->basemap : 0;
    for (size_t k = 0; k < pg->n_styles; k++)
        if (strcmp(pg->styles[k].layer, ref) == 0)
            rl->style = pg->styles[k].value;
    for (size_t k = 0; k < pg->n_titles; k++)
        if (strcmp(pg->titles[k].layer, ref) == 0)
            rl->title = pg->titles[k].value;
    if (in_value(&pg->labels, ref) && rl->layer &&
        rm_layer_field_index(rl->layer, "name") >= 0)
        rl->label_field = "name";
}

#define ROLE_CAP 96

static int fill_page(rm__run *r, const rm__spec_page *pg,
                     rm_render_page *rp, rm_render_layer *layers,
                     char (*roles)[ROLE_CAP])
{
    rm_render_page init = RM_RENDER_PAGE_INIT;
    *rp = init;
    rp->title = pg->title.s;
    rp->subtitle = pg->subtitle.s;
    rp->note = pg->note.s;
    rp->paper = PAPER[pg->paper];
    rp->landscape = pg->landscape;
    rp->grid = GRID[pg->grid];
    /* The locator inset is on unless the page turns it off. */
    rp->inset = pg->inset_loc.line == 0 ? 1 : pg->inset;
    for (size_t i = 0; i < pg->layers.n; i++)
        fill_layer(r, pg, pg->layers.items[i], &layers[i], roles[i],
                   ROLE_CAP);
    rp->layers = layers;
    rp->n_layers = pg->layers.n;
    if (pg->atlas.s) {
        rp->atlas = rm__catalog_get(&r->catalog, pg->atlas.s);
        rp->atlas_title_field = pg->atlas_title.s;
    }
    rm_bbox none = {NAN, NAN, NAN, NAN};
    rp->extent = none;
    switch (pg->extent) {
    case RM__SPEC_EXTENT_AUTO:
    case RM__SPEC_EXTENT_AREA:
        rp->extent = r->area;
        return RM_OK;
    case RM__SPEC_EXTENT_LAYER: {
        const rm_layer *l = rm__catalog_get(&r->catalog, pg->extent_layer);
        if (l)
            rp->extent = rm_layer_extent(l);
        return RM_OK;
    }
    case RM__SPEC_EXTENT_BOX:
        return lonlat_box_to_map(r, pg->extent_box, &rp->extent);
    }
    return RM_OK;
}

/* The folder of styles next to the briefing, when there is one. */
static char *styles_dir(const rm__spec *s)
{
    char *dir = rm__asprintf("%s/styles", s->dir);
    struct stat st;
    if (dir && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        free(dir);
        dir = NULL;
    }
    return dir;
}

static const rm_layer *inset_layer(rm__run *r)
{
    const rm__spec *s = r->b->spec;
    for (size_t i = 0; i < s->n_layers; i++)
        if (s->layers[i].basemap) {
            const rm_layer *l = rm__catalog_get(&r->catalog,
                                                s->layers[i].name);
            if (l && rm_layer_geom_type(l) == RM_GEOM_POLYGON)
                return l;
        }
    return NULL;
}

/* Adopt every file the renderer wrote into `dir` as a staged output. */
static int adopt_dir(rm__run *r, const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    int rc = n < 0 ? rm__error(r->ctx, RM_EIO_WRITE, NULL,
                               "cannot list the rendered maps in '%s'", dir)
                   : RM_OK;
    for (int i = 0; i < n; i++) {
        if (rc == RM_OK && names[i]->d_name[0] != '.') {
            char *path = rm__asprintf("%s/%s", dir, names[i]->d_name);
            rc = path ? rm__run_adopt(r, path, names[i]->d_name)
                      : RM_ENOMEM;
            free(path);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static char *stem_of(const char *pdf)
{
    char *stem = rm__strdup(pdf ? pdf : "map");
    char *dot = stem ? strrchr(stem, '.') : NULL;
    if (dot && !strchr(dot, '/'))
        *dot = '\0';
    return stem;
}

int rm__run_maps(rm__run *r)
{
    const rm__spec *s = r->b->spec;
    const rm__spec_outputs *o = &s->outputs;
    if (s->n_pages == 0)
        return RM_OK;
    if (!o->pdf.s && !o->png && !o->svg)
        return RM_OK;
    rm_render_page *pages = rm_callocarray(s->n_pages, sizeof *pages);
    rm_render_layer **layers = rm_callocarray(s->n_pages, sizeof *layers);
    char(**roles)[ROLE_CAP] = rm_callocarray(s->n_pages, sizeof *roles);
    char *maps_dir = rm__asprintf("%s/maps", r->stage_dir);
    char *stem = stem_of(o->pdf.s);
    char *pdf = NULL, *png = NULL, *svg = NULL, *styles = styles_dir(s);
    int rc = pages && layers && roles && maps_dir && stem ? RM_OK
                                                          : RM_ENOMEM;
    if (rc == RM_OK && mkdir(maps_dir, 0700) != 0)
        rc = rm__error(r->ctx, RM_EIO_WRITE, NULL,
                       "cannot create '%s' for the maps", maps_dir);
    for (size_t i = 0; rc == RM_OK && i < s->n_pages; i++) {
        size_t n = s->pages[i].layers.n;
        layers[i] = rm_callocarray(n, sizeof **layers);
        roles[i] = rm_callocarray(n, sizeof **roles);
        rc = layers[i] && roles[i] ? fill_page(r, &s->pages[i], &pages[i],
                                               layers[i], roles[i])
                                   : RM_ENOMEM;
    }
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    if (rc == RM_OK && o->pdf.s) {
        pdf = rm__asprintf("%s/%s", maps_dir, o->pdf.s);
        out.pdf_path = pdf;
    }
    if (rc == RM_OK && o->png) {
        png = rm__asprintf("%s/%s-page-%%02d.png", maps_dir, stem);
        out.png_pattern = png;
        out.png_dpi = o->png_dpi;
    }
    if (rc == RM_OK && o->svg) {
        svg = rm__asprintf("%s/%s-page-%%02d.svg", maps_dir, stem);
        out.svg_pattern = svg;
    }
    if (rc == RM_OK) {
        const rm__spec_briefing *bf = &s->briefing;
        rm_render_doc doc = RM_RENDER_DOC_INIT;
        doc.title = bf->title.s;
        doc.subtitle = bf->subtitle.s;
        doc.classification = bf->classification.s;
        doc.classification_color = bf->classification_color.s;
        doc.organisation = bf->organisation.s;
        doc.author = bf->author.s;
        doc.subject = bf->subtitle.s ? bf->subtitle.s : bf->title.s;
        doc.disclaimer = bf->disclaimer.s;
        doc.sources = bf->sources.s;
        doc.date_ms = bf->date_ms;
        doc.crs = r->crs;
        doc.crs_name = r->crs_name;
        doc.inset_layer = inset_layer(r);
        doc.pages = pages;
        doc.n_pages = s->n_pages;
        doc.styles_dir = styles;
        rc = rm_render(r->ctx, &doc, &out);
    }
    if (rc == RM_OK)
        rc = adopt_dir(r, maps_dir);
    for (size_t i = 0; layers && i < s->n_pages; i++)
        free(layers[i]);
    for (size_t i = 0; roles && i < s->n_pages; i++)
        free(roles[i]);
    free(layers);
    free(roles);
    free(pages);
    if (maps_dir)
        rmdir(maps_dir); /* empty once adopted; left to remove_stage else */
    free(maps_dir);
    free(stem);
    free(pdf);
    free(png);
    free(svg);
    free(styles);
    return rc;
}
