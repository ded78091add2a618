/*
 * Internals of core/render shared by its files: colours and ramps, parsed
 * styles and their resolution against a layer, the page layout and map
 * transform, the per-page plan (labels, legend, marginalia numbers) and
 * the record tests read. Page coordinates are points (1/72 in), y down.
 */
#ifndef RM_CORE_RENDER_INTERNAL_H
#define RM_CORE_RENDER_INTERNAL_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stddef.h>
#include <stdint.h>

#include "marginalia_math.h"
#include "routemap/layer.h"
#include "routemap/render.h"

/* ---- colours and ColorBrewer ramps (colorbrewer.c) ------------------- */

typedef struct rm__rgba {
    double r, g, b, a; /* 0..1, straight (not premultiplied) */
} rm__rgba;

typedef enum rm__ramp_type {
    RM__RAMP_SEQUENTIAL = 1,
    RM__RAMP_DIVERGING = 2,
    RM__RAMP_QUALITATIVE = 3
} rm__ramp_type;

/** Parse "#rgb", "#rrggbb" or "#rrggbbaa" (or "none"). @return 0 or -1. */
int rm__color_parse(const char *s, rm__rgba *out);

/**
 * `n` colours of the ColorBrewer scheme `name` (case-insensitive), the
 * scheme's own n-class list when it has one; more classes than it has are
 * interpolated (sequential, diverging) or repeated (qualitative).
 * @return 0, or -1 for an unknown name or n < 1.
 */
int rm__ramp_colors(const char *name, int n, rm__rgba *out,
                    rm__ramp_type *out_type);

/** The colour at t in [0, 1] along the scheme's largest list. */
int rm__ramp_sample(const char *name, double t, rm__rgba *out);

/** A scheme's largest list, found once for many samples. */
typedef struct rm__ramp rm__ramp;
/** The scheme `name` (case-insensitive), or NULL. */
const rm__ramp *rm__ramp_find(const char *name);
/** rm__ramp_sample on a scheme already found. */
void rm__ramp_at(const rm__ramp *ramp, double t, rm__rgba *out);

/* ---- styles (style.c, style_defaults.c) ------------------------------ */

typedef enum rm__shape {
    RM__SHAPE_CIRCLE = 0,
    RM__SHAPE_SQUARE,
    RM__SHAPE_TRIANGLE,
    RM__SHAPE_DIAMOND,
    RM__SHAPE_CROSS,
    RM__SHAPE_STAR
} rm__shape;

typedef enum rm__style_kind {
    RM__STYLE_SINGLE = 0,
    RM__STYLE_CATEGORISED = 1,
    RM__STYLE_GRADUATED = 2
} rm__style_kind;

/** The look of one class (or of the whole layer for single symbols). */
typedef struct rm__symbol {
    char *value;       /* categorised: the attribute text it matches */
    char *label;       /* legend text; NULL: value or range */
    double lo, hi;     /* graduated: lo <= v < hi (last class: v <= hi) */
    rm__shape shape;
    double size;       /* marker width, pt */
    rm__rgba fill;     /* a == 0: no fill */
    rm__rgba stroke;   /* a == 0: no stroke */
    double stroke_width; /* pt */
    double dash[6];    /* pt, on/off lengths */
    int n_dash;
    int arrows;        /* lines: direction arrows */
    int hatch;         /* polygons: 1 hatch lines instead of / over fill */
    double hatch_angle;   /* degrees, counter-clockwise from east */
    double hatch_spacing; /* pt */
    double hatch_width;   /* pt */
    rm__rgba hatch_color;
    double label_size; /* pt; 0: the label style's */
    int label_bold;    /* -1 inherit, 0 no, 1 yes */
    double fill_opacity, stroke_opacity, opacity; /* 0..1, multiplied */
} rm__symbol;

/** Effective fill and stroke colours (opacities multiplied in). */
rm__rgba rm__sym_fill(const rm__symbol *sym);
rm__rgba rm__sym_stroke(const rm__symbol *sym);

typedef struct rm__label_style {
    char *field;       /* NULL: no labels */
    double size;       /* pt */
    rm__rgba color, halo;
    double halo_width; /* pt */
    char *priority;    /* numeric field: higher is placed first */
    int bold, italic, upper;
    double letter_spacing; /* pt */
    int only_labelled; /* points: draw a marker only where a label fits */
    int max;           /* most labels per page for this layer; 0: any */
} rm__label_style;

typedef enum rm__raster_scale {
    RM__SCALE_LINEAR = 0,
    RM__SCALE_SQRT = 1,
    RM__SCALE_LOG = 2
} rm__raster_scale;

typedef struct rm__style {
    char *name;
    char *file;           /* where it came from, for messages */
    rm_geom_type geom;    /* RM_GEOM_NONE: any */
    rm__style_kind kind;
    char *field;          /* categorised / graduated attribute */
    rm__symbol base;
    rm__symbol *classes;
    size_t n_classes;
    int has_other;
    rm__symbol other;
    char *ramp;           /* ColorBrewer name for classes without colour */
    int n_auto;           /* graduated: classes to compute; 0: 5 */
    int quantile;         /* graduated: 1 quantile breaks, 0 equal */
    char *size_field;     /* points: size by value */
    double size_min, size_max; /* pt */
    double arrow_spacing; /* pt between direction arrows */
    /* raster */
    double opacity;
    double vmin, vmax;    /* NaN: from the data */
    rm__raster_scale scale;
    double transparent_below; /* cells below are not drawn (NaN: none) */
    double transparent_fraction; /* cells below this share of the range
                                    are not drawn (0: none) */
    rm__label_style label;
    int legend;           /* 0: never in the legend */
} rm__style;

/**
 * Parse a style from YAML text. `name` names it (file stem), `file` is
 * used in messages.
 * @param[out] out caller frees with rm__style_free.
 */
int rm__style_parse(rm_context *ctx, rm__style **out, const char *text,
                    size_t len, const char *name, const char *file);

/**
 * Load style `name`: "<styles_dir>/<name>.yaml" when it exists, else the
 * built-in style of that name.
 * @return RM_OK; RM_EINVAL naming the style when it exists nowhere.
 */
int rm__style_load(rm_context *ctx, rm__style **out, const char *styles_dir,
                   const char *name);

/** The default style name for a role and geometry ("default-<...>"). */
const char *rm__style_default_name(const char *role, rm_geom_type geom,
                                   int basemap);

/** Built-in YAML text of a style name, or NULL. */
const char *rm__style_builtin(const char *name);

void rm__style_free(rm__style *style);

/* ---- page geometry (layout.c) ---------------------------------------- */

typedef struct rm__rect {
    double x, y, w, h; /* pt */
} rm__rect;

typedef struct rm__layout {
    double width, height; /* paper, pt */
    int landscape;
    rm__rect banner_top, banner_bottom;
    rm__rect title;       /* title, subtitle, DTG */
    rm__rect frame;       /* the map's neat line */
    rm__rect legend;
    rm__rect north;       /* north arrows diagram */
    rm__rect scale;       /* scale bar */
    rm__rect inset;       /* locator map */
    rm__rect footer;
} rm__layout;

/**
 * Lay out a page. @return 0, or -1 for an unknown paper name.
 * Paper sizes: A4 595.276 x 841.890 pt, A3 841.890 x 1190.551 pt,
 * Letter 612 x 792 pt (portrait).
 */
int rm__layout_page(rm__layout *out, const char *paper, int landscape);

/**
 * Map transform: page x = fx + (X - ext.minx) * s, page y = fy +
 * (ext.maxy - Y) * s, where ext is the requested extent widened about
 * its centre to the frame's shape and s = frame width / ext width.
 */
typedef struct rm__xf {
    rm_bbox ext;  /* the visible extent (map CRS) */
    double s;     /* pt per map unit */
    double fx, fy; /* frame origin, pt */
} rm__xf;

void rm__xf_fit(rm__xf *out, const rm__rect *frame, rm_bbox want);

static inline double rm__xf_x(const rm__xf *xf, double x)
{
    return xf->fx + (x - xf->ext.minx) * xf->s;
}

static inline double rm__xf_y(const rm__xf *xf, double y)
{
    return xf->fy + (xf->ext.maxy - y) * xf->s;
}

/* ---- text (text.c) --------------------------------------------------- */

/** The font family list of all text: Latin, Arabic, fallback. */
#define RM__FONT_FAMILY "Noto Sans, Noto Sans Arabic, DejaVu Sans"

/**
 * A pango context for measuring and drawing at 72 units per inch with
 * hinting off, so text has the same size on every surface.
 */
PangoContext *rm__text_context(void);

/**
 * A layout of `text` in `pctx`. size in pt; bold/italic 0 or 1.
 * @return a new layout (g_object_unref), NULL on failure.
 */
PangoLayout *rm__text_layout(PangoContext *pctx, const char *text,
                             double size, int bold, int italic,
                             double letter_spacing);

/** Logical extent in pt (width, height). */
void rm__text_size(PangoLayout *layout, double *out_w, double *out_h);

/**
 * Draw `layout` with its top-left at (x, y), in `color`, with a halo of
 * `halo_width` pt in `halo` (halo_width 0: none). Text stays text.
 */
void rm__text_draw(cairo_t *cr, PangoContext *pctx, PangoLayout *layout,
                   double x, double y, const rm__rgba *color,
                   const rm__rgba *halo, double halo_width);

/** Glyphs the fonts could not show (pango's unknown glyph count). */
int rm__text_unknown_glyphs(PangoContext *pctx, const char *text);

/* ---- resolved styles (classify.c) ------------------------------------ */

/** A style applied to one layer on one page. */
typedef struct rm__resolved {
    const rm__style *style;
    const rm_layer *layer;
    rm__symbol *classes;  /* owned; strings borrowed from style */
    char **class_labels;  /* owned legend texts, one per class */
    size_t n_classes;
    int32_t *row_class;   /* per feature: class index, -1 not drawn */
    size_t *counts;       /* per class: features in view */
    size_t n_in_view;     /* features in view in total */
    uint8_t *in_view;     /* per feature: 1 bbox meets the extent */
    int size_field;       /* column or -1 */
    double size_dmin, size_dmax; /* data range of the size field */
    double rvmin, rvmax;  /* raster: value range used */
    double size_scale;    /* markers drawn at this share of their size */
    size_t *order;        /* drawing order of rows (NULL: data order);
                             proportional symbols: biggest first */
    int label_col;        /* column labelling features, or -1 */
    int prio_col;         /* label priority column, or -1 */
} rm__resolved;

/**
 * Resolve `style` against `layer` over `view` (map CRS): classes, each
 * feature's class, counts in view. Fails naming the layer when a field
 * is missing or the geometry does not fit the style.
 */
int rm__resolve(rm_context *ctx, rm__resolved *out, const rm__style *style,
                const rm_layer *layer, const char *label_field,
                rm_bbox view, const char *page_name);

void rm__resolved_free(rm__resolved *r);

/** Marker size of row (pt), size-by-value applied. */
double rm__resolved_size(const rm__resolved *r, size_t row);

/* ---- drawing (draw.c, stamp.c, raster.c) ----------------------------- */

/** Where a page is drawn. */
typedef struct rm__target {
    cairo_t *cr;
    int raster;              /* 1: cr draws into `img` (PNG) */
    cairo_surface_t *img;    /* raster targets: the page image */
    double dev_per_pt;       /* device units per pt */
    double dense_dpi;        /* vector targets: dpi of dense point images */
    size_t dense_threshold;  /* points in view above which a layer is an
                                image on vector targets */
} rm__target;

/** Draw one marker path (for vector output and the legend). */
void rm__marker_path(cairo_t *cr, rm__shape shape, double cx, double cy,
                     double size);

/** Fill and stroke one marker of `sym` at (cx, cy) with width `size`. */
void rm__marker_draw(cairo_t *cr, const rm__symbol *sym, double cx,
                     double cy, double size);

/** Outline feature `row` of `l` (the atlas feature of its page). */
void rm__draw_outline(cairo_t *cr, const rm__xf *xf, const rm_layer *l,
                      size_t row);

/** Line symbol: set width, dash, colour on cr (no path change). */
void rm__line_apply(cairo_t *cr, const rm__symbol *sym);

/** Draw the features of a resolved vector layer. */
int rm__draw_layer(rm_context *ctx, const rm__target *t, const rm__xf *xf,
                   const rm__resolved *r, const uint8_t *show_point);

/**
 * Stamp the points of `r` into the ARGB32/RGB24 image `img` whose pixel
 * (0,0) is page point (ox, oy) at `px_per_pt`, clipped to pixel box
 * [cx0, cx1) x [cy0, cy1).
 */
int rm__stamp_points(rm_context *ctx, cairo_surface_t *img,
                     const rm__xf *xf, const rm__resolved *r,
                     const uint8_t *show_point, double ox, double oy,
                     double px_per_pt, int cx0, int cy0, int cx1, int cy1);

/**
 * Solid lines of class `cls` straight into an image (round joins and
 * caps), `k` px per pt, clipped to the pixel box [cx0, cx1) x [cy0, cy1).
 */
int rm__fast_lines(rm_context *ctx, cairo_surface_t *img, const rm__xf *xf,
                   const rm__resolved *r, int cls, double k, int cx0, int cy0,
                   int cx1, int cy1);

/** Draw a raster layer as a colour-ramped image. */
int rm__draw_raster(rm_context *ctx, const rm__target *t, const rm__xf *xf,
                    const rm__resolved *r);

/* ---- labels (labels.c) ----------------------------------------------- */

typedef struct rm__label {
    PangoLayout *layout;  /* owned */
    double x, y;          /* top-left of the text, pt */
    double bx0, by0, bx1, by1; /* its box incl. halo, pt */
    const rm__label_style *ls;
    rm__rgba color;
} rm__label;

typedef struct rm__labels {
    rm__label *items;
    size_t n, cap;
    /* Every box a new label must avoid (placed labels, labelled markers,
     * grid square names), 4 doubles each, and a grid of 24 pt cells
     * listing the boxes that touch each cell. */
    double *obs;
    size_t n_obs, cap_obs;
    uint32_t **cell;  /* RM__LGRID * RM__LGRID lists, NULL until used */
    uint32_t *cell_n, *cell_cap;
} rm__labels;

#define RM__LGRID 96 /* cells per side: 96 * 24 pt covers an A3 page */

/** Add a box (pt) that labels must avoid. @return 0 or -1 (memory). */
int rm__labels_avoid(rm__labels *lab, double x0, double y0, double x1,
                     double y1);

/**
 * Place labels of one resolved layer greedily by priority, each at the
 * first of its candidate positions whose box lies inside the frame and
 * overlaps no placed label. Points placed get show_point[row] = 1.
 */
int rm__labels_place(rm_context *ctx, rm__labels *lab, PangoContext *pctx,
                     const rm__xf *xf, const rm__rect *frame,
                     const rm__resolved *r, uint8_t *show_point);

void rm__labels_draw(cairo_t *cr, PangoContext *pctx, const rm__labels *lab);
void rm__labels_free(rm__labels *lab);

/* ---- the page plan (plan.c) ------------------------------------------ */

/** One layer as planned for one page. */
typedef struct rm__plan_layer {
    const rm_render_layer *rl;
    rm__style *style;   /* owned */
    rm__resolved res;
    uint8_t *show;      /* points of only_labelled styles: rows drawn */
    const char *title;  /* legend text */
    char *own_title;    /* owned title made from the layer name */
    const char *role;
    int dense;          /* points in view above the dense threshold */
} rm__plan_layer;

/** Everything decided about a page before it is drawn on any surface. */
typedef struct rm__page_plan {
    int number, count;      /* 1-based page number, pages in document */
    const rm_render_doc *doc;
    const rm_render_page *pg;
    const char *crs_label;  /* the projection as the footer names it */
    long atlas_row;         /* the page's atlas feature, -1 when none */
    char *title, *subtitle; /* owned */
    rm__layout lay;
    rm__xf xf;
    rm__plan_layer *layers; /* drawing order: basemap layers first */
    size_t n_layers;
    rm__labels labels;
    int has_grat, has_utm;
    int has_north;            /* 0: convergence or declination unknown */
    rm__graticule grat;
    rm__utm_grid utm;
    double center_lon, center_lat; /* degrees */
    double scale_h, scale_k;  /* PROJ scale factors at the centre */
    double convergence;       /* bearing of true north, deg clockwise */
    double declination;       /* magnetic from true, deg clockwise */
    int decl_valid;
    double bar_len_m, bar_pt;
    double bar_x, bar_y, bar_h; /* the bar's top-left and height, pt */
    int bar_div;
    double denominator;       /* representative fraction 1:N at centre */
    char dtg[32];
    int water;                /* a countries basemap: water behind land */
    rm__xf inset_xf;
    int has_inset;
    const rm_layer *inset_layer;
} rm__page_plan;

/**
 * 1 when a layer belongs in the page's legend: drawn (a feature in view),
 * not basemap, and its style does not opt out.
 */
static inline int rm__plan_in_legend(const rm__plan_layer *pl)
{
    return !pl->rl->basemap && pl->style->legend && pl->res.n_in_view > 0;
}

/** Shared state of one rm_render call. */
typedef struct rm__render_state {
    rm_context *ctx;
    const rm_render_doc *doc;
    PangoContext *pctx;
    size_t dense_threshold;
    const char *crs_label;   /* the projection as the footer names it */
} rm__render_state;

/**
 * Plan page `number` of `count` for `pg`; `atlas_row` >= 0 zooms to that
 * feature of pg->atlas. Free with rm__plan_free (also after failure).
 */
int rm__plan_page(rm__render_state *rs, rm__page_plan *out,
                  const rm_render_page *pg, long atlas_row, int number,
                  int count);
void rm__plan_free(rm__page_plan *pp);

/** Background of the frame where the basemap has land polygons. */
#define RM__WATER_RGB 0.812, 0.886, 0.945

/** Draw everything but the layers: grids, frame, marginalia. */
void rm__draw_grids(cairo_t *cr, PangoContext *pctx,
                    const rm__page_plan *pp);
void rm__draw_frame_labels(cairo_t *cr, PangoContext *pctx,
                           const rm__page_plan *pp);
void rm__draw_marginalia(cairo_t *cr, PangoContext *pctx,
                         const rm__page_plan *pp);

/* ---- the record tests read (render.c) -------------------------------- */

/** What a page shows beyond its layers; numbers tests compare. */
typedef struct rm__page_record {
    char *title;
    rm__layout layout;
    rm__xf xf;
    double scale_k;          /* projection scale factor at the centre */
    double scale_len_m;      /* scale bar length, ground metres */
    double scale_len_pt;     /* its length on paper, pt */
    double scale_x, scale_y, scale_h; /* the bar's top-left, height, pt */
    int scale_divisions;
    double convergence_deg;  /* grid north to true north, clockwise */
    double declination_deg;  /* true north to magnetic north, clockwise */
    int declination_ok;      /* 0: outside the model's validity */
    char **legend_titles;    /* layer titles, in legend order */
    size_t *legend_counts;   /* features in view per legend layer */
    size_t n_legend;
    double *label_boxes;     /* 4 per placed label: x0 y0 x1 y1, pt */
    char **label_texts;
    size_t n_labels;
    char dtg[32];
} rm__page_record;

typedef struct rm__render_record {
    rm__page_record *pages;
    size_t n_pages;
} rm__render_record;

/** rm_render, also filling `rec` (may be NULL) with every page's numbers. */
int rm__render_recorded(rm_context *ctx, const rm_render_doc *doc,
                        const rm_render_output *out, rm__render_record *rec);

void rm__render_record_free(rm__render_record *rec);

/** Write an RGB24/ARGB32 page image as PNG (png_out.c, through GDAL). */
int rm__png_write(rm_context *ctx, cairo_surface_t *img, const char *path,
                  const char *what);

/** cairo status to an rm error naming `what`. (cairo_err.c) */
int rm__cairo_error(rm_context *ctx, cairo_status_t st, const char *what);

#endif
