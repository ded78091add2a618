/*
 * The briefing "spec": the YAML briefing file parsed into plain C structs,
 * every value with the line and column it came from. A spec that parsed is
 * internally consistent (ranges, dates, identifiers, references to briefing
 * layers and step ids); plugin parameters stay raw text, checked later
 * against the plugin schemas.
 */
#ifndef RM_CORE_PIPELINE_SPEC_H
#define RM_CORE_PIPELINE_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "routemap/common.h"
#include "routemap/context.h"
#include "routemap/types.h"

/** A position in the briefing file, 1-based; line 0: not in the file
 *  (a default value). The file name is held once, in rm__spec.path. */
typedef struct rm__spec_loc {
    int line;
    int column;
} rm__spec_loc;

/** An optional text value. `s` is NULL when the key was absent. */
typedef struct rm__spec_text {
    char *s;
    rm__spec_loc loc; /* of the value */
} rm__spec_text;

/**
 * A raw value: one text (is_list 0, n 1) or a YAML sequence of texts
 * (is_list 1, n may be 0). Also used for lists of names.
 */
typedef struct rm__spec_value {
    char **items;
    rm__spec_loc *item_locs; /* n locations, one per item */
    size_t n;
    int is_list;
    rm__spec_loc loc; /* of the value (the sequence or the scalar) */
} rm__spec_value;

/** One plugin parameter of a step, as written. */
typedef struct rm__spec_param {
    char *name; /* [a-z0-9_]+ */
    rm__spec_value value;
    rm__spec_loc key_loc;
} rm__spec_param;

/** briefing: the title block, projection, area and period. */
typedef struct rm__spec_briefing {
    rm__spec_text title;          /* required, non-empty */
    rm__spec_text subtitle;
    rm__spec_text classification; /* default "UNCLASSIFIED" (loc line 0) */
    rm__spec_text classification_color; /* "#rgb" or "#rrggbb", or NULL */
    rm__spec_text organisation;
    rm__spec_text author;
    rm__spec_text disclaimer;
    rm__spec_text sources;        /* footer credit for the data sources */
    int64_t date_ms;              /* ms since epoch UTC: `date` (start of
                                     that day) or else the period end */
    rm__spec_loc date_loc;        /* of `date`, or of `period` */
    rm__spec_text crs;            /* default "auto" (loc line 0) */
    int crs_auto;                 /* 1: crs is "auto" */
    int has_area;
    rm_bbox area;                 /* lon/lat degrees, WGS 84 */
    rm__spec_loc area_loc;
    int has_period;
    int64_t period_start_ms;      /* inclusive, ms since epoch UTC */
    int64_t period_end_ms;        /* inclusive (a date means 23:59:59.999) */
    rm__spec_loc period_loc;
    rm__spec_loc loc;             /* of the `briefing` key */
} rm__spec_briefing;

/** One entry of `layers`: an input data set. */
typedef struct rm__spec_layer {
    char *name;                /* [a-z0-9_]+, unique */
    rm__spec_loc loc;          /* of the name (the key) */
    rm__spec_text source;      /* path or connection string, as written;
                                  resolve with rm__spec_resolve_path */
    rm__spec_text layer;       /* layer name inside the source */
    rm__spec_text where;       /* OGR SQL attribute filter */
    rm__spec_text role_fields[RM_ROLE_COUNT]; /* id, time, kind, weight */
    rm__spec_value sensitive;  /* field names never loaded (list) */
    rm__spec_text x, y, wkt;   /* CSV geometry columns */
    rm__spec_text crs;         /* CRS to assume when the source has none */
    rm__spec_text style;       /* style name */
    rm__spec_text title;       /* legend title */
    int basemap;               /* 1: drawn as a basemap (default 0) */
    rm__spec_loc basemap_loc;
} rm__spec_layer;

/** One analysis step. Besides id and plugin, the step's own keys are
 *  timeout_s and memory_mb (limits of its plugin process); every other
 *  key is a plugin parameter. */
typedef struct rm__spec_step {
    char *id;                 /* [a-z0-9_]+, unique among steps */
    rm__spec_loc id_loc;
    char *plugin;             /* plugin name, [a-z0-9_]+ */
    rm__spec_loc plugin_loc;
    rm__spec_param *params;   /* every other key, in file order */
    size_t n_params;
    rm__spec_loc loc;         /* of the step's mapping */
    double timeout_s;         /* `timeout_s`: seconds the step's plugin
                                 process may take; 0 when not given */
    rm__spec_loc timeout_loc;
    uint64_t memory_mb;       /* `memory_mb`: MiB it may allocate; 0 when
                                 not given */
    rm__spec_loc memory_loc;
} rm__spec_step;

typedef enum rm__spec_extent_kind {
    RM__SPEC_EXTENT_AUTO = 0, /* not given: briefing area, else the data */
    RM__SPEC_EXTENT_AREA = 1, /* "area": the briefing area (which is set) */
    RM__SPEC_EXTENT_LAYER = 2,/* the extent of `extent_layer` */
    RM__SPEC_EXTENT_BOX = 3   /* `extent_box`, lon/lat degrees */
} rm__spec_extent_kind;

typedef enum rm__spec_paper {
    RM__SPEC_PAPER_A4 = 0, /* 210 x 297 mm, the default */
    RM__SPEC_PAPER_A3 = 1, /* 297 x 420 mm */
    RM__SPEC_PAPER_LETTER = 2 /* 215.9 x 279.4 mm */
} rm__spec_paper;

typedef enum rm__spec_grid {
    RM__SPEC_GRID_NONE = 0,
    RM__SPEC_GRID_UTM = 1,
    RM__SPEC_GRID_MGRS = 2
} rm__spec_grid;

/** A per-page setting for one layer: layer reference -> text (a style
 *  name in `styles`, a legend title in `titles`). */
typedef struct rm__spec_layer_ref {
    char *layer;       /* layer name or step.output */
    rm__spec_loc layer_loc;
    char *value;
    rm__spec_loc value_loc;
} rm__spec_layer_ref;

/** One map page. Layer references are "name" or "step.output". */
typedef struct rm__spec_page {
    rm__spec_text title;       /* required */
    rm__spec_text subtitle;
    rm__spec_text note;
    rm__spec_value layers;     /* required, non-empty list, drawn in order */
    rm__spec_extent_kind extent;
    char *extent_layer;        /* RM__SPEC_EXTENT_LAYER */
    rm_bbox extent_box;        /* RM__SPEC_EXTENT_BOX, lon/lat degrees */
    rm__spec_loc extent_loc;
    rm__spec_paper paper;
    rm__spec_loc paper_loc;
    int landscape;             /* 1 (default) landscape, 0 portrait */
    rm__spec_loc orientation_loc;
    rm__spec_text atlas;       /* layer: one page per feature */
    rm__spec_text atlas_title; /* field naming each atlas page */
    rm__spec_layer_ref *styles; /* layer -> style name */
    size_t n_styles;
    rm__spec_layer_ref *titles; /* layer -> legend title */
    size_t n_titles;
    rm__spec_value labels;     /* layers whose features are labelled;
                                  n 0 when absent */
    rm__spec_grid grid;
    rm__spec_loc grid_loc;
    int inset;                 /* 1: draw a locator inset (default 0) */
    rm__spec_loc inset_loc;
    rm__spec_loc loc;          /* of the page's mapping */
} rm__spec_page;

/** outputs: file names, relative to the output folder. */
typedef struct rm__spec_outputs {
    rm__spec_text pdf;          /* NULL: no PDF. Default "<stem>.pdf" when
                                   there are pages ("pdf: false" disables) */
    int png;                    /* 1: one PNG per page */
    int png_dpi;                /* dots per inch, default 150 */
    rm__spec_loc png_loc;
    int svg;                    /* 1: one SVG per page */
    rm__spec_loc svg_loc;
    rm__spec_text export_path;  /* NULL: no export */
    const char *export_format;  /* static "GPKG", "GeoJSON", "CSV", "GPX";
                                   from the extension when not given */
    rm__spec_loc export_format_loc;
    int export_wgs84;           /* 1: export_crs wgs84, 0: analysis CRS */
    rm__spec_loc export_crs_loc;
    rm__spec_value export_layers; /* n 0: every step output */
    rm__spec_text manifest;     /* default "manifest.json" */
    rm__spec_loc loc;           /* of the `outputs` key, line 0 if absent */
} rm__spec_outputs;

/** A parsed briefing. */
typedef struct rm__spec {
    char *path; /* file name used in messages (as given) */
    char *dir;  /* absolute folder of the briefing; relative paths in the
                   briefing resolve against it */
    rm__spec_briefing briefing;
    rm__spec_layer *layers;
    size_t n_layers;
    rm__spec_step *steps;
    size_t n_steps;
    rm__spec_page *pages;
    size_t n_pages;
    rm__spec_outputs outputs;
} rm__spec;

/**
 * Read and parse a briefing file.
 * @param[out] out caller frees with rm__spec_destroy.
 * @return RM_OK; RM_EIO_OPEN (missing or unreadable file); RM_ESPEC_SYNTAX,
 *   RM_ESPEC_KEY, RM_ESPEC_TYPE, RM_ESPEC_VALUE, RM_ESPEC_MISSING,
 *   RM_ESPEC_REF with "path:line:column: what; what to do" in the context;
 *   RM_ENOMEM.
 */
int rm__spec_load(rm_context *ctx, rm__spec **out, const char *path);

/**
 * Parse a briefing held in memory. `name_for_messages` is used as the file
 * name in messages and, taken as a path, gives the briefing folder (its
 * directory, or the current directory when it has none).
 * @param[out] out caller frees with rm__spec_destroy.
 */
int rm__spec_parse_string(rm_context *ctx, rm__spec **out, const char *text,
                          const char *name_for_messages);

/** Free a spec. rm__spec_destroy(NULL) is a no-op. */
void rm__spec_destroy(rm__spec *s);

/** The rm_location (file:line:column) of `loc`, for rm__error. Its file
 *  pointer lives as long as the spec. */
rm_location rm__spec_where(const rm__spec *s, rm__spec_loc loc);

/**
 * Resolve a path written in the briefing: absolute paths stay, relative
 * ones join the briefing folder; connection strings ("PG:...", any
 * "DRIVER:..." prefix of two or more letters, URLs with "://", "/vsi...")
 * stay as written.
 * @param[out] out malloc'ed path, caller frees with free().
 * @return RM_OK, RM_EINVAL (NULL or empty path) or RM_ENOMEM.
 */
int rm__spec_resolve_path(const rm__spec *s, const char *rel, char **out);

/** The layer named `name`, or NULL. */
const rm__spec_layer *rm__spec_find_layer(const rm__spec *s,
                                          const char *name);

/** The step with id `id`, or NULL. */
const rm__spec_step *rm__spec_find_step(const rm__spec *s, const char *id);

/** The parameter `name` of a step, or NULL. */
const rm__spec_param *rm__spec_step_param(const rm__spec_step *step,
                                          const char *name);

/**
 * Parse an ISO 8601 date ("2026-07-01") or date-time
 * ("2026-07-01T12:00:00Z", "...T12:00", "...+02:00", fractions of a
 * second allowed; no zone means UTC) into ms since 1970-01-01T00:00Z.
 * A date alone means the start of the day, or with `end_of_day` 1 its
 * last millisecond (23:59:59.999).
 * @return 0, or -1 when the text is not such a date (or out of the years
 *   1-9999).
 */
int rm__spec_parse_time(const char *text, int end_of_day, int64_t *out);

#endif
