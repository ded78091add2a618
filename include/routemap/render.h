/*
 * Briefing maps: cairo draws pages of layers with pango text into one
 * multi-page vector PDF, a PNG per page and, on request, an SVG per page.
 * Every page carries the same marginalia (classification banners, title,
 * legend of what is drawn, scale bar, north arrows, graticule, inset
 * locator, date-time group, footer, page number). The same document and
 * data always give byte-identical PDF and PNG files.
 *
 * Thread rule: rm_render uses the context of the calling thread; layers
 * may be shared with other threads that only read them.
 */
#ifndef ROUTEMAP_RENDER_H
#define ROUTEMAP_RENDER_H

#include "common.h"
#include "context.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One layer on a page. Its layout belongs to RM_RENDER_DOC_VERSION: a
 * later version of the document struct may grow this struct at the end.
 */
typedef struct rm_render_layer {
    const rm_layer *layer; /**< in the map CRS (rm_render_doc.crs) */
    const char *title;     /**< legend text; NULL: the layer's name */
    /**
     * Style name in the style library (rm_render_doc.styles_dir, file
     * "<name>.yaml"), or NULL for the default style of the layer's role
     * and geometry.
     */
    const char *style;
    /** 1: drawn quietly underneath the analysis layers, not in the legend */
    int basemap;
    /** attribute that labels the features; NULL: the style's label field */
    const char *label_field;
    /**
     * What the layer is, for its default style: a basemap role
     * ("countries", "borders", "admin1", "places", "rivers", "lakes"), an
     * input role ("incidents", "tracks", "lines", "bases") or a plugin
     * output as "<plugin>.<output>" ("crossings.points",
     * "hotspots.cells", "hotspots.kde", "buffer.buffers" ...). NULL or
     * unknown: the layer name, or the part of it after the last '.' or
     * '_', when a default style knows it; else the geometry decides.
     */
    const char *role;
} rm_render_layer;

#define RM_RENDER_PAGE_VERSION 1

/** One page, or one page per feature of `atlas`. */
typedef struct rm_render_page {
    uint32_t version;             /**< RM_RENDER_PAGE_VERSION */
    const char *title;            /**< page title (atlas: the subtitle) */
    const char *subtitle;         /**< may be NULL */
    const rm_render_layer *layers; /**< drawn first to last */
    size_t n_layers;
    /**
     * Area to show, in map CRS units (m). It is widened along one axis to
     * the frame's shape, around its centre. All NaN or empty: the union
     * of the non-basemap layers' extents plus 5 %.
     */
    rm_bbox extent;
    const char *paper;            /**< "A4" (default), "A3" or "Letter" */
    int landscape;                /**< 1: landscape, 0: portrait */
    /**
     * When set: one page per feature of this layer (in the map CRS),
     * zoomed to the feature with `atlas_margin` around it.
     */
    const rm_layer *atlas;
    /** attribute whose value titles each atlas page; NULL: "Feature N" */
    const char *atlas_title_field;
    /** margin around an atlas feature, fraction of its size; 0: 0.15 */
    double atlas_margin;
    const char *grid;             /**< "none" (NULL), "utm" or "mgrs" */
    int inset;                    /**< 1: draw the inset locator map */
    const char *note;             /**< a line of text under the legend */
    int no_graticule;             /**< 1: leave the graticule out */
} rm_render_page;

#define RM_RENDER_PAGE_INIT                                                  \
    {RM_RENDER_PAGE_VERSION, NULL, NULL, NULL, 0,                          \
     {0.0, 0.0, 0.0, 0.0}, "A4", 0, NULL, NULL, 0.0, NULL, 1, NULL, 0}

#define RM_RENDER_DOC_VERSION 1

/** A briefing's maps: document metadata and pages. */
typedef struct rm_render_doc {
    uint32_t version;           /**< RM_RENDER_DOC_VERSION */
    const char *title;          /**< document title (PDF metadata) */
    const char *subtitle;       /**< document subtitle; may be NULL */
    /** classification text of the banners, e.g. "UN RESTRICTED"; NULL none */
    const char *classification;
    /** banner colour "#rrggbb"; NULL: a colour for the classification */
    const char *classification_color;
    const char *organisation;   /**< e.g. "MINUSMA JMAC"; PDF author */
    const char *author;         /**< PDF author when set, else organisation */
    const char *subject;        /**< PDF subject */
    const char *disclaimer;     /**< footer line; NULL: the default text */
    /**
     * Footer credit, e.g. "Natural Earth; GeoNames (geonames.org) CC BY
     * 4.0; synthetic incidents".
     */
    const char *sources;
    /**
     * Briefing date, ms since 1970-01-01T00:00Z. The PDF dates, the
     * date-time group and the magnetic declination come from it, never
     * from the clock.
     */
    int64_t date_ms;
    const char *crs;            /**< map CRS definition (projected, metres) */
    const char *crs_name;       /**< for the footer; NULL: PROJ's name */
    const char *program_version; /**< NULL: RM_VERSION_STRING */
    const rm_layer *inset_layer; /**< e.g. countries, for the locator map */
    const rm_render_page *pages;
    size_t n_pages;
    /** style library folder (maps/styles); NULL: built-in defaults only */
    const char *styles_dir;
} rm_render_doc;

#define RM_RENDER_DOC_INIT                                                   \
    {RM_RENDER_DOC_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
     NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL}

#define RM_RENDER_OUTPUT_VERSION 1

/** Where the pages go. Paths NULL: that output is not made. */
typedef struct rm_render_output {
    uint32_t version;        /**< RM_RENDER_OUTPUT_VERSION */
    const char *pdf_path;    /**< one multi-page PDF */
    /**
     * PNG per page: a path with one "%d" (or "%0Nd") that becomes the
     * 1-based page number, e.g. "out/page-%02d.png". "%%" is a percent
     * sign.
     */
    const char *png_pattern;
    double png_dpi;          /**< dots per inch; 0: 150 */
    const char *svg_pattern; /**< SVG per page, as png_pattern */
} rm_render_output;

#define RM_RENDER_OUTPUT_INIT {RM_RENDER_OUTPUT_VERSION, NULL, NULL, 0.0, NULL}

/**
 * Render every page of `doc` into the outputs of `out`. Each file is
 * written atomically: on failure no target is touched. A layer that
 * cannot be drawn (unknown style, style field missing from the layer,
 * wrong geometry for the style) fails the whole run with a message naming
 * the page, the layer and what to do.
 *
 * A page's legend lists its non-basemap layers that have a feature in
 * view, in drawing order, with the number of features in view (per class
 * for classified styles).
 *
 * The PDF is vector with transparency, fonts embedded, one outline entry
 * per page and metadata from `doc` (creation and modification dates are
 * the briefing date). Only a point layer with more than 50,000 points in
 * a page's view goes into the PDF and SVG as one 200 dpi image; lines,
 * polygons and text stay vector. Nothing here reads the clock or needs a
 * display; the same document and layers give byte-identical PDF and PNG
 * files.
 *
 * @param ctx the calling thread's context (errors land here).
 * @param doc the document; nothing in it is kept after the call.
 * @param out the files to write.
 * @return RM_OK; RM_EINVAL (bad document: no page, unknown paper or grid,
 *   bad pattern), RM_ESPEC_* (a style file that does not parse, with
 *   file:line:column), RM_EDATA_FIELD, RM_ECRS, RM_ERENDER (cairo or
 *   pango failed), RM_EIO_WRITE, RM_ENOMEM.
 */
RM_EXTERN int rm_render(rm_context *ctx, const rm_render_doc *doc,
                        const rm_render_output *out);

#ifdef __cplusplus
}
#endif
#endif
