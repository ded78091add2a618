/*
 * Tests of the briefing spec parser: a full briefing parsed into known
 * values, each error kind with its code and hand-counted line:column, path
 * resolution and date parsing. Epoch values come from GNU date
 * (`date -u -d 2026-07-01T00:00:00Z +%s`); syntax-error positions were
 * cross-checked with PyYAML's pure-Python loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/spec.h"
#include "routemap/context.h"
#include "routemap/errors.h"

/* GNU date: 2026-07-01T00:00:00Z and 2026-10-01T00:00:00Z, in ms. */
#define JUL1_MS INT64_C(1782864000000)
#define OCT1_MS INT64_C(1790812800000)

static rm_context *ctx;

static int setup(void **state)
{
    (void)state;
    return rm_context_create(&ctx) == RM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rm_context_destroy(ctx);
    return 0;
}

static rm__spec *parse_ok(const char *text, const char *name)
{
    rm__spec *s = NULL;
    int rc = rm__spec_parse_string(ctx, &s, text, name);
    if (rc != RM_OK)
        print_error("unexpected error: %s\n", rm_errmsg(ctx));
    assert_int_equal(rc, RM_OK);
    assert_non_null(s);
    return s;
}

/* Parse as "t.yaml" and expect `code` at line:column with `part`. */
static void expect_error(const char *text, int code, int line, int column,
                         const char *part)
{
    rm__spec *s = (rm__spec *)1;
    rm_error_clear(ctx);
    int rc = rm__spec_parse_string(ctx, &s, text, "t.yaml");
    if (rc != code || rm_errloc(ctx)->line != line ||
        rm_errloc(ctx)->column != column)
        print_error("got %d: %s\n", rc, rm_errmsg(ctx));
    assert_int_equal(rc, code);
    assert_null(s);
    assert_int_equal(rm_errcode(ctx), code);
    assert_int_equal(rm_errloc(ctx)->line, line);
    assert_int_equal(rm_errloc(ctx)->column, column);
    assert_string_equal(rm_errloc(ctx)->file, "t.yaml");
    char prefix[64];
    snprintf(prefix, sizeof prefix, "t.yaml:%d:%d: ", line, column);
    assert_true(strncmp(rm_errmsg(ctx), prefix, strlen(prefix)) == 0);
    if (part && !strstr(rm_errmsg(ctx), part)) {
        print_error("message '%s' lacks '%s'\n", rm_errmsg(ctx), part);
        fail();
    }
}

/* ------------------------------------------------------------------ */

static const char *full_briefing =
    "# Northern Mali briefing\n"                                     /* 1 */
    "briefing:\n"                                                    /* 2 */
    "  title: Northern Mali \xe2\x80\x94 trafficking corridors, Q3 2026\n"
    "  subtitle: Routes and crossings\n"                             /* 4 */
    "  classification: UN RESTRICTED\n"                              /* 5 */
    "  classification_color: \"#c00000\"\n"                          /* 6 */
    "  organisation: MINUSMA JMAC\n"                                 /* 7 */
    "  author: Analyst\n"                                            /* 8 */
    "  disclaimer: Boundaries are not authoritative.\n"              /* 9 */
    "  date: 2026-10-01\n"                                           /* 10 */
    "  crs: EPSG:32631\n"                                            /* 11 */
    "  area: [-6.0, 14.0, 5.0, 22.0]\n"                              /* 12 */
    "  period: [2026-07-01, 2026-09-30]\n"                           /* 13 */
    "layers:\n"                                                      /* 14 */
    "  incidents: {source: data/incidents.gpkg, layer: incidents, "
    "time: event_date, kind: type, id: report_id, weight: n, "
    "sensitive: [informant, phone], where: \"class = 'x'\", "
    "style: incidents, title: \"Reported incidents\"}\n"             /* 15 */
    "  tracks:\n"                                                    /* 16 */
    "    source: data/patrol_tracks.gpx\n"                           /* 17 */
    "    layer: tracks\n"                                            /* 18 */
    "  reports: {source: ./reports.csv, x: lon, y: lat, crs: EPSG:4326}\n"
    "  countries: {source: /data/world/countries.shp, basemap: true}\n"
    "  ceasefire: data/lines.gpkg\n"                                 /* 21 */
    "steps:\n"                                                       /* 22 */
    "  - {id: cross, plugin: crossings, tracks: tracks, "
    "lines: ceasefire, segment_km: 5}\n"                             /* 23 */
    "  - id: hot\n"                                                  /* 24 */
    "    plugin: hotspots\n"                                         /* 25 */
    "    layers: [incidents, reports]\n"                             /* 26 */
    "    cell: 10 km\n"                                              /* 27 */
    "pages:\n"                                                       /* 28 */
    "  - {title: Ceasefire-line crossings, layers: [countries, "
    "ceasefire, cross.segments, cross.points], extent: area, paper: A3, "
    "orientation: portrait, grid: utm, inset: true, "
    "styles: {cross.points: red_dots}, labels: ceasefire, note: Draft, "
    "titles: {cross.points: Crossings, ceasefire: Ceasefire line}}\n"
    "  - title: Hotspots\n"                                          /* 30 */
    "    layers: [countries, hot.cells]\n"                           /* 31 */
    "    extent: [-2.5, 15.0, 1.0, 18.5]\n"                          /* 32 */
    "  - {title: By district, layers: [countries], extent: countries, "
    "atlas: countries, atlas_title: name}\n"                         /* 33 */
    "outputs: {pdf: north.pdf, png: 300, svg: true, "
    "export: results.geojson, export_crs: wgs84, "
    "export_layers: [cross.points, hot.cells], "
    "manifest: run/manifest.json}\n";                                /* 34 */

static void assert_loc(rm__spec_loc l, int line, int column)
{
    assert_int_equal(l.line, line);
    assert_int_equal(l.column, column);
}

static void test_full_briefing(void **state)
{
    (void)state;
    rm__spec *s = parse_ok(full_briefing, "/srv/maps/north.yaml");
    assert_string_equal(s->path, "/srv/maps/north.yaml");
    assert_string_equal(s->dir, "/srv/maps");

    const rm__spec_briefing *b = &s->briefing;
    assert_string_equal(b->title.s, "Northern Mali \xe2\x80\x94 trafficking "
                                    "corridors, Q3 2026");
    assert_loc(b->title.loc, 3, 10);
    assert_string_equal(b->subtitle.s, "Routes and crossings");
    assert_string_equal(b->classification.s, "UN RESTRICTED");
    assert_string_equal(b->classification_color.s, "#c00000");
    /* "  classification_color: " is 24 characters */
    assert_loc(b->classification_color.loc, 6, 25);
    assert_string_equal(b->organisation.s, "MINUSMA JMAC");
    assert_string_equal(b->author.s, "Analyst");
    assert_string_equal(b->disclaimer.s, "Boundaries are not authoritative.");
    assert_true(b->date_ms == OCT1_MS);
    assert_loc(b->date_loc, 10, 9);
    assert_string_equal(b->crs.s, "EPSG:32631");
    assert_int_equal(b->crs_auto, 0);
    assert_int_equal(b->has_area, 1);
    assert_true(b->area.minx == -6.0 && b->area.miny == 14.0 &&
                b->area.maxx == 5.0 && b->area.maxy == 22.0);
    assert_loc(b->area_loc, 12, 9);
    assert_int_equal(b->has_period, 1);
    assert_true(b->period_start_ms == JUL1_MS);
    /* end of 2026-09-30 inclusive: one ms before 2026-10-01 */
    assert_true(b->period_end_ms == OCT1_MS - 1);
    assert_loc(b->period_loc, 13, 11);
    assert_loc(b->loc, 2, 1);

    assert_int_equal(s->n_layers, 5);
    const rm__spec_layer *l = &s->layers[0];
    assert_string_equal(l->name, "incidents");
    assert_loc(l->loc, 15, 3);
    assert_string_equal(l->source.s, "data/incidents.gpkg");
    assert_loc(l->source.loc, 15, 23);
    assert_string_equal(l->layer.s, "incidents");
    assert_string_equal(l->role_fields[RM_ROLE_TIME].s, "event_date");
    assert_string_equal(l->role_fields[RM_ROLE_KIND].s, "type");
    assert_string_equal(l->role_fields[RM_ROLE_ID].s, "report_id");
    assert_string_equal(l->role_fields[RM_ROLE_WEIGHT].s, "n");
    assert_int_equal(l->sensitive.n, 2);
    assert_int_equal(l->sensitive.is_list, 1);
    assert_string_equal(l->sensitive.items[0], "informant");
    assert_string_equal(l->sensitive.items[1], "phone");
    assert_string_equal(l->where.s, "class = 'x'");
    assert_string_equal(l->style.s, "incidents");
    assert_string_equal(l->title.s, "Reported incidents");
    assert_int_equal(l->basemap, 0);
    assert_null(l->x.s);
    assert_null(l->crs.s);

    l = &s->layers[1];
    assert_string_equal(l->name, "tracks");
    assert_string_equal(l->source.s, "data/patrol_tracks.gpx");
    assert_loc(l->source.loc, 17, 13);
    assert_string_equal(l->layer.s, "tracks");
    assert_null(l->role_fields[RM_ROLE_TIME].s);
    assert_int_equal(l->sensitive.n, 0);

    l = rm__spec_find_layer(s, "reports");
    assert_ptr_equal(l, &s->layers[2]);
    assert_string_equal(l->x.s, "lon");
    assert_string_equal(l->y.s, "lat");
    assert_string_equal(l->crs.s, "EPSG:4326");
    assert_int_equal(s->layers[3].basemap, 1);
    assert_loc(s->layers[3].basemap_loc, 20, 59);

    /* the plain-string form: the value is the source */
    l = rm__spec_find_layer(s, "ceasefire");
    assert_non_null(l);
    assert_string_equal(l->source.s, "data/lines.gpkg");
    assert_loc(l->source.loc, 21, 14);
    assert_null(l->layer.s);
    assert_null(rm__spec_find_layer(s, "nosuch"));

    assert_int_equal(s->n_steps, 2);
    const rm__spec_step *st = &s->steps[0];
    assert_string_equal(st->id, "cross");
    assert_loc(st->loc, 23, 5);
    assert_loc(st->id_loc, 23, 10);
    assert_string_equal(st->plugin, "crossings");
    assert_loc(st->plugin_loc, 23, 25);
    assert_int_equal(st->n_params, 3);
    assert_string_equal(st->params[0].name, "tracks");
    assert_string_equal(st->params[1].name, "lines");
    assert_string_equal(st->params[2].name, "segment_km");
    assert_loc(st->params[2].key_loc, 23, 70);
    const rm__spec_param *pr = rm__spec_step_param(st, "segment_km");
    assert_ptr_equal(pr, &st->params[2]);
    assert_int_equal(pr->value.is_list, 0);
    assert_int_equal(pr->value.n, 1);
    assert_string_equal(pr->value.items[0], "5");
    assert_loc(pr->value.loc, 23, 82);
    assert_loc(pr->value.item_locs[0], 23, 82);

    st = rm__spec_find_step(s, "hot");
    assert_ptr_equal(st, &s->steps[1]);
    assert_loc(st->loc, 24, 5);
    assert_loc(st->id_loc, 24, 9);
    assert_string_equal(st->plugin, "hotspots");
    assert_loc(st->plugin_loc, 25, 13);
    assert_int_equal(st->n_params, 2);
    pr = rm__spec_step_param(st, "layers");
    assert_non_null(pr);
    assert_loc(pr->key_loc, 26, 5);
    assert_int_equal(pr->value.is_list, 1);
    assert_int_equal(pr->value.n, 2);
    assert_string_equal(pr->value.items[0], "incidents");
    assert_string_equal(pr->value.items[1], "reports");
    assert_loc(pr->value.loc, 26, 13);
    assert_loc(pr->value.item_locs[0], 26, 14);
    assert_loc(pr->value.item_locs[1], 26, 25);
    pr = rm__spec_step_param(st, "cell");
    assert_string_equal(pr->value.items[0], "10 km");
    assert_null(rm__spec_step_param(st, "plugin"));

    assert_int_equal(s->n_pages, 3);
    const rm__spec_page *pg = &s->pages[0];
    assert_string_equal(pg->title.s, "Ceasefire-line crossings");
    assert_int_equal(pg->layers.n, 4);
    assert_string_equal(pg->layers.items[2], "cross.segments");
    assert_string_equal(pg->layers.items[3], "cross.points");
    assert_int_equal(pg->extent, RM__SPEC_EXTENT_AREA);
    assert_int_equal(pg->paper, RM__SPEC_PAPER_A3);
    assert_int_equal(pg->landscape, 0);
    assert_int_equal(pg->grid, RM__SPEC_GRID_UTM);
    assert_int_equal(pg->inset, 1);
    assert_int_equal(pg->n_styles, 1);
    assert_string_equal(pg->styles[0].layer, "cross.points");
    assert_string_equal(pg->styles[0].value, "red_dots");
    assert_int_equal(pg->labels.n, 1);
    assert_int_equal(pg->labels.is_list, 0);
    assert_string_equal(pg->labels.items[0], "ceasefire");
    assert_string_equal(pg->note.s, "Draft");
    assert_int_equal(pg->n_titles, 2);
    assert_string_equal(pg->titles[1].layer, "ceasefire");
    assert_string_equal(pg->titles[1].value, "Ceasefire line");
    assert_null(pg->atlas.s);

    pg = &s->pages[1];
    assert_string_equal(pg->title.s, "Hotspots");
    assert_int_equal(pg->extent, RM__SPEC_EXTENT_BOX);
    assert_true(pg->extent_box.minx == -2.5 && pg->extent_box.miny == 15.0 &&
                pg->extent_box.maxx == 1.0 && pg->extent_box.maxy == 18.5);
    assert_loc(pg->extent_loc, 32, 13);
    /* DOC: defaults A4, landscape, no grid, no inset */
    assert_int_equal(pg->paper, RM__SPEC_PAPER_A4);
    assert_int_equal(pg->landscape, 1);
    assert_int_equal(pg->grid, RM__SPEC_GRID_NONE);
    assert_int_equal(pg->inset, 0);
    assert_int_equal(pg->labels.n, 0);

    pg = &s->pages[2];
    assert_int_equal(pg->extent, RM__SPEC_EXTENT_LAYER);
    assert_string_equal(pg->extent_layer, "countries");
    assert_string_equal(pg->atlas.s, "countries");
    assert_string_equal(pg->atlas_title.s, "name");

    const rm__spec_outputs *o = &s->outputs;
    assert_string_equal(o->pdf.s, "north.pdf");
    assert_int_equal(o->png, 1);
    assert_int_equal(o->png_dpi, 300);
    assert_int_equal(o->svg, 1);
    assert_string_equal(o->export_path.s, "results.geojson");
    assert_string_equal(o->export_format, "GeoJSON");
    assert_int_equal(o->export_wgs84, 1);
    assert_int_equal(o->export_layers.n, 2);
    assert_string_equal(o->export_layers.items[1], "hot.cells");
    assert_string_equal(o->manifest.s, "run/manifest.json");
    assert_loc(o->loc, 34, 1);

    rm_location w = rm__spec_where(s, st->id_loc);
    assert_string_equal(w.file, "/srv/maps/north.yaml");
    assert_int_equal(w.line, 24);
    assert_int_equal(w.column, 9);
    rm__spec_destroy(s);
}

static const char *minimal =
    "briefing:\n"
    "  title: T\n"
    "  date: 2026-10-01\n"
    "layers:\n"
    "  a: a.gpkg\n";

static void test_defaults(void **state)
{
    (void)state;
    rm__spec *s = parse_ok(minimal, "/srv/maps/x.yaml");
    assert_string_equal(s->briefing.classification.s, "UNCLASSIFIED");
    assert_int_equal(s->briefing.classification.loc.line, 0);
    assert_string_equal(s->briefing.crs.s, "auto");
    assert_int_equal(s->briefing.crs_auto, 1);
    assert_int_equal(s->briefing.has_area, 0);
    assert_int_equal(s->briefing.has_period, 0);
    assert_null(s->briefing.classification_color.s);
    assert_int_equal(s->n_steps, 0);
    assert_int_equal(s->n_pages, 0);
    assert_null(s->outputs.pdf.s); /* no pages: no PDF */
    assert_int_equal(s->outputs.png, 0);
    assert_int_equal(s->outputs.png_dpi, 150);
    assert_null(s->outputs.export_path.s);
    assert_null(s->outputs.export_format);
    assert_string_equal(s->outputs.manifest.s, "manifest.json");
    assert_int_equal(s->outputs.loc.line, 0);
    rm__spec_destroy(s);

    /* a page without 'pdf' gives "<stem>.pdf"; date defaults to the
       period end; crs "AUTO" counts as auto */
    s = parse_ok("briefing:\n"
                 "  title: T\n"
                 "  crs: AUTO\n"
                 "  period: [2026-07-01T06:00:00Z, 2026-09-30T18:00:00Z]\n"
                 "layers: {a: a.gpkg}\n"
                 "pages:\n"
                 "  - {title: P, layers: a}\n"
                 "outputs: {png_dpi: 200, export: out.GPKG}\n",
                 "maps/north.briefing.yaml");
    assert_int_equal(s->briefing.crs_auto, 1);
    /* 2026-09-30T18:00Z = 2026-10-01T00:00Z - 6 h */
    assert_true(s->briefing.period_end_ms == OCT1_MS - 6 * 3600000);
    assert_true(s->briefing.period_start_ms == JUL1_MS + 6 * 3600000);
    assert_true(s->briefing.date_ms == s->briefing.period_end_ms);
    assert_loc(s->briefing.date_loc, 4, 11);
    assert_string_equal(s->outputs.pdf.s, "north.briefing.pdf");
    assert_int_equal(s->outputs.png, 1);
    assert_int_equal(s->outputs.png_dpi, 200);
    assert_string_equal(s->outputs.export_format, "GPKG");
    assert_int_equal(s->outputs.export_wgs84, 0);
    assert_int_equal(s->pages[0].layers.is_list, 0);
    assert_string_equal(s->pages[0].layers.items[0], "a");
    rm__spec_destroy(s);

    /* pdf: false turns the default PDF off; png: false stays off */
    s = parse_ok("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "pages: [{title: P, layers: [a]}]\n"
                 "outputs: {pdf: false, png: false, export: r.csv, "
                 "export_format: gpx}\n",
                 "b.yaml");
    assert_null(s->outputs.pdf.s);
    assert_int_equal(s->outputs.png, 0);
    assert_string_equal(s->outputs.export_format, "GPX");
    rm__spec_destroy(s);
}

static void test_step_params_lists_and_scalars(void **state)
{
    (void)state;
    rm__spec *s = parse_ok("briefing: {title: T, date: 2026-10-01}\n"
                           "layers: {a: a.gpkg, b: b.gpkg}\n"
                           "steps:\n"
                           "  - id: s1\n"
                           "    plugin: p\n"
                           "    one: a\n"
                           "    many: [a, b]\n"
                           "    block:\n"
                           "      - x\n"
                           "      - \"\"\n"
                           "    none: []\n"
                           "    quoted: \"5 km\"\n",
                           "t.yaml");
    const rm__spec_step *st = &s->steps[0];
    assert_int_equal(st->n_params, 5);
    const rm__spec_param *p = rm__spec_step_param(st, "one");
    assert_int_equal(p->value.is_list, 0);
    assert_int_equal(p->value.n, 1);
    assert_string_equal(p->value.items[0], "a");
    p = rm__spec_step_param(st, "many");
    assert_int_equal(p->value.is_list, 1);
    assert_int_equal(p->value.n, 2);
    assert_string_equal(p->value.items[1], "b");
    assert_loc(p->value.item_locs[1], 7, 15);
    p = rm__spec_step_param(st, "block");
    assert_int_equal(p->value.is_list, 1);
    assert_int_equal(p->value.n, 2);
    assert_string_equal(p->value.items[0], "x");
    assert_string_equal(p->value.items[1], "");
    assert_loc(p->value.loc, 9, 7);
    assert_loc(p->value.item_locs[0], 9, 9);
    assert_loc(p->value.item_locs[1], 10, 9);
    p = rm__spec_step_param(st, "none");
    assert_int_equal(p->value.is_list, 1);
    assert_int_equal(p->value.n, 0);
    p = rm__spec_step_param(st, "quoted");
    assert_string_equal(p->value.items[0], "5 km");
    rm__spec_destroy(s);

    /* a mapping or a nested list is not a parameter value */
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps:\n"
                 "  - {id: s1, plugin: p, opts: {k: v}}\n",
                 RM_ESPEC_TYPE, 4, 31, "'opts'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps:\n"
                 "  - {id: s1, plugin: p, pairs: [a, [b, c]]}\n",
                 RM_ESPEC_TYPE, 4, 36, "item 2 of 'pairs'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps:\n"
                 "  - {id: s1, plugin: p, radius: }\n",
                 RM_ESPEC_MISSING, 4, 25, "'radius'");
}

/* ---- errors, one per kind ---- */

static void test_syntax_errors(void **state)
{
    (void)state;
    /* tab indentation (PyYAML: line 2, column 1) */
    expect_error("briefing:\n\ttitle: T\n", RM_ESPEC_SYNTAX, 2, 1,
                 "YAML syntax error");
    /* a second colon in a plain value (PyYAML: line 2, column 11) */
    expect_error("briefing:\n  title: a: b\n", RM_ESPEC_SYNTAX, 2, 11,
                 "mapping values are not allowed");
    /* unclosed quote: the end of the text (PyYAML: line 3, column 1) */
    expect_error("briefing:\n  title: \"abc\n", RM_ESPEC_SYNTAX, 3, 1,
                 "quoted scalar");
    /* unclosed flow mapping (PyYAML: line 2, column 7) */
    expect_error("briefing: {title: T\nlayers: x\n", RM_ESPEC_SYNTAX, 2, 7,
                 NULL);
    /* invalid UTF-8: byte 19 is line 2, column 10 */
    expect_error("briefing:\n  title: \xff\xfe\n", RM_ESPEC_SYNTAX, 2, 10,
                 "UTF-8");
    /* a second document */
    expect_error("briefing: {title: T}\n---\nlayers: {}\n", RM_ESPEC_SYNTAX,
                 2, 1, "one document");
}

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  date: 2026-10-01\n"
                 "  organization: UN\n"
                 "layers:\n"
                 "  a: a.gpkg\n",
                 RM_ESPEC_KEY, 4, 3, "did you mean 'organisation'?");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layer:\n"
                 "  a: a.gpkg\n",
                 RM_ESPEC_KEY, 2, 1, "did you mean 'layers'?");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers:\n"
                 "  a: {sourse: a.gpkg}\n",
                 RM_ESPEC_KEY, 3, 7, "did you mean 'source'?");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "pages:\n"
                 "  - title: P\n"
                 "    layers: [a]\n"
                 "    orientaton: portrait\n",
                 RM_ESPEC_KEY, 6, 5, "did you mean 'orientation'?");
    /* nothing close: the message lists the keys */
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "outputs: {zzzzzzzzzz: 1}\n",
                 RM_ESPEC_KEY, 3, 11, "the keys are: pdf, png");
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_error("briefing:\n"
                 "  title: {a: b}\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_TYPE, 2, 10, "must be text, not a mapping");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  area: [1, 2, 3]\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_TYPE, 3, 9, "has 3 numbers; write 4");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  area: [abc, 14, 5, 22]\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_TYPE, 3, 10, "not 'abc'");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  area: -6\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_TYPE, 3, 9, "list of 4 numbers");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "outputs: {png: abc}\n",
                 RM_ESPEC_TYPE, 3, 16, "whole number of dots per inch");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: {source: a.gpkg, basemap: maybe}}\n",
                 RM_ESPEC_TYPE, 2, 39, "true or false");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: [a.gpkg]\n",
                 RM_ESPEC_TYPE, 2, 9, "'layers' must be a mapping");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps: {id: x}\n",
                 RM_ESPEC_TYPE, 3, 8, "list of steps");
    expect_error("- a\n- b\n", RM_ESPEC_TYPE, 1, 1, "not a list");
}

static void test_out_of_range(void **state)
{
    (void)state;
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  area: [-6, 14, 5, 95]\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_VALUE, 3, 21, "maxlat");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  area: [5, 14, -6, 22]\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_VALUE, 3, 17, "maxlon (-6)");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  date: 2026-02-30\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_VALUE, 3, 9, "not a valid date");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  period: [2026-09-30, 2026-07-01]\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_VALUE, 3, 24, "before it starts");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  classification_color: red\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_VALUE, 3, 25, "#rrggbb");
    /* an unquoted colour is a comment: no value, with the hint */
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  classification_color: #c00000\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_MISSING, 3, 3, "quote colours");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "outputs: {png: 5000}\n",
                 RM_ESPEC_VALUE, 3, 16, "36 to 1200");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "pages: [{title: P, layers: [a], paper: A5}]\n",
                 RM_ESPEC_VALUE, 3, 40, "did you mean 'A4'?");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "outputs: {export: results.shp}\n",
                 RM_ESPEC_VALUE, 3, 19, "export_format");
    /* a sensitive field may not also be read for a role */
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers:\n"
                 "  a: {source: a.gpkg, id: who, sensitive: [phone, who]}\n",
                 RM_ESPEC_VALUE, 3, 51, "also reads it as 'id'");
}

static void test_missing(void **state)
{
    (void)state;
    expect_error("briefing:\n"
                 "  date: 2026-10-01\n"
                 "layers:\n"
                 "  a: a.gpkg\n",
                 RM_ESPEC_MISSING, 1, 1, "briefing has no 'title'");
    expect_error("briefing:\n"
                 "  title: T\n"
                 "layers:\n"
                 "  a: a.gpkg\n",
                 RM_ESPEC_MISSING, 1, 1, "neither 'date' nor 'period'");
    expect_error("# comment\n"
                 "briefing: {title: T, date: 2026-10-01}\n",
                 RM_ESPEC_MISSING, 2, 1, "has no 'layers'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers:\n"
                 "  a: {layer: x}\n",
                 RM_ESPEC_MISSING, 3, 3, "layer 'a' has no 'source'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps:\n"
                 "  - {id: x}\n",
                 RM_ESPEC_MISSING, 4, 5, "step 'x' has no 'plugin'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "pages:\n"
                 "  - title: P\n",
                 RM_ESPEC_MISSING, 4, 5, "page 1 has no 'layers'");
    expect_error("briefing:\n"
                 "  title:\n"
                 "  date: 2026-10-01\n"
                 "layers: {a: a.gpkg}\n",
                 RM_ESPEC_MISSING, 2, 3, "'title' in briefing has no value");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: {source: a.csv, x: lon}}\n",
                 RM_ESPEC_MISSING, 2, 32, "not 'y'");
    /* maps without pages */
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "outputs: {pdf: b.pdf}\n",
                 RM_ESPEC_MISSING, 3, 16, "no 'pages'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "outputs: {pdf: false, svg: yes}\n",
                 RM_ESPEC_MISSING, 3, 28, "remove 'svg'");
}

static void test_duplicates_and_identifiers(void **state)
{
    (void)state;
    expect_error("briefing:\n"
                 "  title: T\n"
                 "  date: 2026-10-01\n"
                 "  title: U\n",
                 RM_ESPEC_KEY, 4, 3, "first at line 2, column 3");
    /* the first repeat in file order is reported, not the last */
    expect_error("layers: {b: 1, a: 2, b: 3, a: 4}\n", RM_ESPEC_KEY, 1, 22,
                 "'b' (first at line 1, column 10)");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps:\n"
                 "  - {id: a1, plugin: p}\n"
                 "  - {id: b1, plugin: p}\n"
                 "  - {id: a1, plugin: q}\n",
                 RM_ESPEC_VALUE, 6, 10, "first at line 4, column 10");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps:\n"
                 "  - {id: Cross-1, plugin: p}\n",
                 RM_ESPEC_VALUE, 4, 10, "step id 'Cross-1' is not valid");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers:\n"
                 "  My Layer: a.gpkg\n",
                 RM_ESPEC_VALUE, 3, 3, "layer name 'My Layer'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps:\n"
                 "  - {id: s, plugin: p, Segment-Km: 5}\n",
                 RM_ESPEC_KEY, 4, 24, "'Segment-Km'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "pages: [{title: P, layers: [a, \"b..c\"]}]\n",
                 RM_ESPEC_VALUE, 3, 32, "'b..c'");
}

static void test_references(void **state)
{
    (void)state;
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {incidents: a.gpkg}\n"
                 "pages: [{title: P, layers: [incident]}]\n",
                 RM_ESPEC_REF, 3, 29, "did you mean 'incidents'?");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "steps: [{id: cross, plugin: crossings}]\n"
                 "outputs: {export: r.gpkg, export_layers: [crosss.points]}\n",
                 RM_ESPEC_REF, 4, 43, "no step has id 'crosss'");
    expect_error("briefing: {title: T, date: 2026-10-01}\n"
                 "layers: {a: a.gpkg}\n"
                 "pages: [{title: P, layers: [a], extent: area}]\n",
                 RM_ESPEC_MISSING, 3, 41, "no 'area'");
}

static void test_empty_documents(void **state)
{
    (void)state;
    expect_error("", RM_ESPEC_MISSING, 1, 1, "the briefing is empty");
    expect_error("# nothing here\n\n", RM_ESPEC_MISSING, 1, 1, "empty");
    expect_error("---\n...\n", RM_ESPEC_MISSING, 1, 1, "empty");
    expect_error("~\n", RM_ESPEC_MISSING, 1, 1, "empty");
}

/* ---- files and paths ---- */

static char tmpdir[1024];

static void make_tmp(void)
{
    const char *t = getenv("RM_TEST_TMP");
    assert_non_null(t);
    snprintf(tmpdir, sizeof tmpdir, "%s", t);
    mkdir(tmpdir, 0755);
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void test_load_file(void **state)
{
    (void)state;
    make_tmp();
    char path[1200];
    snprintf(path, sizeof path, "%s/brief.yaml", tmpdir);
    write_file(path, minimal, strlen(minimal));
    rm__spec *s = NULL;
    assert_int_equal(rm__spec_load(ctx, &s, path), RM_OK);
    assert_string_equal(s->path, path);
    assert_string_equal(s->dir, tmpdir);
    char *r = NULL;
    assert_int_equal(rm__spec_resolve_path(s, s->layers[0].source.s, &r),
                     RM_OK);
    char want[1300];
    snprintf(want, sizeof want, "%s/a.gpkg", tmpdir);
    assert_string_equal(r, want);
    free(r);
    rm__spec_destroy(s);

    /* errors in a file carry its path */
    snprintf(path, sizeof path, "%s/bad.yaml", tmpdir);
    write_file(path, "briefing:\n  titel: T\n", 21);
    s = (rm__spec *)1;
    assert_int_equal(rm__spec_load(ctx, &s, path), RM_ESPEC_KEY);
    assert_null(s);
    assert_string_equal(rm_errloc(ctx)->file, path);
    assert_int_equal(rm_errloc(ctx)->line, 2);
    assert_int_equal(rm_errloc(ctx)->column, 3);
    assert_non_null(strstr(rm_errmsg(ctx), "did you mean 'title'?"));

    /* a NUL byte in the file is refused as text, not read past */
    snprintf(path, sizeof path, "%s/nul.yaml", tmpdir);
    write_file(path, "briefing:\n  title: a\0b\n", 23);
    assert_int_equal(rm__spec_load(ctx, &s, path), RM_ESPEC_SYNTAX);
    assert_int_equal(rm_errloc(ctx)->line, 2);
    assert_int_equal(rm_errloc(ctx)->column, 11);

    /* missing file, and a folder */
    snprintf(path, sizeof path, "%s/no/such.yaml", tmpdir);
    assert_int_equal(rm__spec_load(ctx, &s, path), RM_EIO_OPEN);
    assert_null(s);
    assert_non_null(strstr(rm_errmsg(ctx), path));
    assert_non_null(strstr(rm_errmsg(ctx), "cannot open the briefing"));
    assert_int_equal(rm__spec_load(ctx, &s, tmpdir), RM_EIO_OPEN);
    assert_null(s);
}

static void test_resolve_path(void **state)
{
    (void)state;
    rm__spec *s = parse_ok(minimal, "/srv/maps/north.yaml");
    struct {
        const char *in, *want;
    } cases[] = {
        {"data/incidents.gpkg", "/srv/maps/data/incidents.gpkg"},
        {"./reports.csv", "/srv/maps/reports.csv"},
        {"../shared/x.gpkg", "/srv/maps/../shared/x.gpkg"},
        {"/data/world.shp", "/data/world.shp"},
        {"PG:dbname=mission host=db", "PG:dbname=mission host=db"},
        {"GPKG:data/x.gpkg:incidents", "GPKG:data/x.gpkg:incidents"},
        {"https://example.org/a.geojson", "https://example.org/a.geojson"},
        {"/vsizip/data/a.zip/a.shp", "/vsizip/data/a.zip/a.shp"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *r = NULL;
        assert_int_equal(rm__spec_resolve_path(s, cases[i].in, &r), RM_OK);
        assert_string_equal(r, cases[i].want);
        free(r);
    }
    char *r = (char *)1;
    assert_int_equal(rm__spec_resolve_path(s, "", &r), RM_EINVAL);
    assert_null(r);
    assert_int_equal(rm__spec_resolve_path(s, NULL, &r), RM_EINVAL);
    rm__spec_destroy(s);

    /* a relative briefing name resolves against the current folder */
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    s = parse_ok(minimal, "maps/north.yaml");
    char want[1200];
    snprintf(want, sizeof want, "%s/maps", cwd);
    assert_string_equal(s->dir, want);
    assert_int_equal(rm__spec_resolve_path(s, "d/a.gpkg", &r), RM_OK);
    snprintf(want, sizeof want, "%s/maps/d/a.gpkg", cwd);
    assert_string_equal(r, want);
    free(r);
    rm__spec_destroy(s);
    s = parse_ok(minimal, "north.yaml");
    assert_string_equal(s->dir, cwd);
    rm__spec_destroy(s);
    /* DOC: rm__spec_destroy(NULL) is a no-op. */
    rm__spec_destroy(NULL);
}

static void test_parse_time(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(rm__spec_parse_time("2026-07-01", 0, &t), 0);
    assert_true(t == JUL1_MS);
    assert_int_equal(rm__spec_parse_time("2026-09-30", 1, &t), 0);
    assert_true(t == OCT1_MS - 1);
    /* GNU date: 2026-09-15T10:30:00Z = 1789468200 */
    assert_int_equal(rm__spec_parse_time("2026-09-15T10:30:00Z", 1, &t), 0);
    assert_true(t == INT64_C(1789468200000));
    /* GNU date: 2026-07-01T12:00:00+02:00 = 1782900000 */
    assert_int_equal(rm__spec_parse_time("2026-07-01T12:00:00+02:00", 0, &t),
                     0);
    assert_true(t == INT64_C(1782900000000));
    assert_int_equal(rm__spec_parse_time("2026-07-01t12:00+0200", 0, &t), 0);
    assert_true(t == INT64_C(1782900000000));
    /* no zone is UTC: 12:00Z is JUL1 + 43200 s; fractions to the ms */
    assert_int_equal(rm__spec_parse_time("2026-07-01 12:00:00.5", 0, &t), 0);
    assert_true(t == JUL1_MS + 43200000 + 500);
    assert_int_equal(rm__spec_parse_time("2026-07-01T12:00:00.123456Z", 0,
                                         &t),
                     0);
    assert_true(t == JUL1_MS + 43200000 + 123);
    /* GNU date: 2024-02-29 = 1709164800, 1969-12-31 = -86400,
       2000-03-01 = 951868800 */
    assert_int_equal(rm__spec_parse_time("2024-02-29", 0, &t), 0);
    assert_true(t == INT64_C(1709164800000));
    assert_int_equal(rm__spec_parse_time("1969-12-31", 0, &t), 0);
    assert_true(t == INT64_C(-86400000));
    assert_int_equal(rm__spec_parse_time("2000-03-01", 0, &t), 0);
    assert_true(t == INT64_C(951868800000));
    const char *bad[] = {"2026-02-29", "2026-13-01", "2026-7-1",
                         "2026-07-01T24:00:00Z", "2026-07-01T12:00:00+2",
                         "", "2026-07-01x", "0000-01-01", "2026-07-01T",
                         "2026-07-01T12:60", "2026-07-01T12:00:00.",
                         "2026-04-31", "1900-02-29", "20260701"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (rm__spec_parse_time(bad[i], 0, &t) != -1) {
            print_error("accepted '%s'\n", bad[i]);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_briefing),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_step_params_lists_and_scalars),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_duplicates_and_identifiers),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_empty_documents),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_resolve_path),
        cmocka_unit_test(test_parse_time),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
