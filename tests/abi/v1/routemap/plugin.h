/* FROZEN copy of include/routemap/plugin.h, plugin ABI 1.0 (commit
 * 635ea68). Never edit: tests/abi checks the current headers against it. */
/*
 * The routemap plugin ABI, version 1. This header (with types.h and
 * common.h) is all a plugin sees: plugins never link libroutemap. The host
 * hands a plugin a table of functions (rm_host_api); the plugin fills a
 * descriptor (rm_plugin_desc) with its name, parameters, outputs and `run`.
 *
 * Rules that keep old plugins working:
 * - rm_host_api and rm_plugin_desc only ever grow at the end. Members added
 *   after ABI 1.0 are marked with the minor version that added them; check
 *   `api->size` (or use RM_API_HAS) before calling them.
 * - The host refuses a plugin whose abi_major differs from its own, whose
 *   abi_minor is newer than its own, or whose descriptor is smaller than the
 *   1.0 descriptor.
 *
 * A plugin's `run` may be executed in a child process: it must reach the
 * host only through the api table and must not keep state between runs.
 * Thread rule: `run` is called from one thread; api calls are valid only
 * during that call, and only with the step they were given.
 */
#ifndef ROUTEMAP_PLUGIN_H
#define ROUTEMAP_PLUGIN_H

#include <stdarg.h>

#include "common.h"
#include "errors.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RM_PLUGIN_ABI_MAJOR 1
#define RM_PLUGIN_ABI_MINOR 0

/** The running step: opaque, valid during `run`. */
typedef struct rm_step rm_step;

/** Parameter types. OR with RM_PARAM_LIST for a list of that type. */
typedef enum rm_param_type {
    RM_PARAM_LAYER = 1,    /**< a layer name: briefing layer or step.output */
    RM_PARAM_INT = 2,      /**< int64 */
    RM_PARAM_REAL = 3,     /**< double */
    RM_PARAM_DISTANCE = 4, /**< double in `unit` (m or km); "5 km" accepted */
    RM_PARAM_DURATION = 5, /**< double in `unit` (s, min, h, d); "30d" ok */
    RM_PARAM_BOOL = 6,     /**< true/false/yes/no/1/0 */
    RM_PARAM_STRING = 7,   /**< any UTF-8 text */
    RM_PARAM_ENUM = 8      /**< one of `choices` */
} rm_param_type;

#define RM_PARAM_LIST 0x100

/** Bit masks of accepted geometry types for layer parameters. */
#define RM_ACCEPT_POINT (1u << RM_GEOM_POINT)
#define RM_ACCEPT_LINE (1u << RM_GEOM_LINE)
#define RM_ACCEPT_POLYGON (1u << RM_GEOM_POLYGON)
#define RM_ACCEPT_RASTER (1u << RM_GEOM_RASTER)
#define RM_ACCEPT_VECTOR                                                     \
    (RM_ACCEPT_POINT | RM_ACCEPT_LINE | RM_ACCEPT_POLYGON)

/** One parameter of a plugin's schema. */
typedef struct rm_param_desc {
    const char *name;          /**< [a-z0-9_]+ */
    int type;                  /**< rm_param_type, maybe | RM_PARAM_LIST */
    const char *unit;          /**< distance: "m"/"km"; duration: "s"/"min"/"h"/"d"; else NULL */
    const char *default_value; /**< text form, NULL for none */
    int required;              /**< 1: the step must set it */
    double min, max;           /**< inclusive bounds for numbers; NaN: none */
    const char *choices;       /**< enum: "hex|square" */
    unsigned accept;           /**< layer: RM_ACCEPT_* mask; 0 means any */
    const char *help;          /**< one or two sentences */
} rm_param_desc;

/** One declared output layer. */
typedef struct rm_output_desc {
    const char *name;      /**< [a-z0-9_]+, addressed as step_id.name */
    rm_geom_type type;     /**< geometry type, or RM_GEOM_RASTER */
    const char *help;
} rm_output_desc;

typedef struct rm_host_api rm_host_api;

/** What a plugin tells the host about itself. */
typedef struct rm_plugin_desc {
    uint32_t size;      /**< sizeof(rm_plugin_desc) as the plugin saw it */
    uint16_t abi_major; /**< RM_PLUGIN_ABI_MAJOR the plugin was built with */
    uint16_t abi_minor; /**< RM_PLUGIN_ABI_MINOR the plugin was built with */
    const char *name;   /**< [a-z0-9_-]+, matches the file and entry names */
    const char *version; /**< the plugin's own version, e.g. "1.2.0" */
    const char *summary; /**< one line */
    const char *license; /**< SPDX identifier */
    const rm_param_desc *params;
    size_t n_params;
    const rm_output_desc *outputs;
    size_t n_outputs;
    /** Run the step; return RM_OK or the code given to api->fail. */
    int (*run)(const rm_host_api *api, rm_step *step);
    /** Longer help text (conventions, methods, references), or NULL. */
    const char *help;
} rm_plugin_desc;

/** Log levels for api->log. */
#define RM_PLUGIN_LOG_ERROR 0
#define RM_PLUGIN_LOG_WARN 1
#define RM_PLUGIN_LOG_INFO 2
#define RM_PLUGIN_LOG_DEBUG 3

/** The table of host functions a plugin may call. */
struct rm_host_api {
    uint32_t size;      /**< sizeof(rm_host_api) in the host */
    uint16_t abi_major;
    uint16_t abi_minor;

    /* ---- ABI 1.0 ---- */

    /* Messages, progress, cancellation, errors. */
    void (*log)(rm_step *step, int level, const char *fmt, ...);
    /** fraction in [0, 1]. */
    void (*progress)(rm_step *step, double fraction);
    /** Nonzero when the user asked to stop: return RM_ECANCELLED soon. */
    int (*cancelled)(rm_step *step);
    /**
     * Record why the step failed; `code` is an RM_E* value (use
     * RM_EPLUGIN_RUN when unsure). @return `code`, for `return api->fail(..)`.
     */
    int (*fail)(rm_step *step, int code, const char *fmt, ...);

    /* Parameters, already checked against the schema; numbers in the
     * parameter's declared unit. Asking for an undeclared name fails the
     * step. */
    int (*param_is_set)(rm_step *step, const char *name);
    int64_t (*param_int)(rm_step *step, const char *name);
    double (*param_real)(rm_step *step, const char *name);
    int (*param_bool)(rm_step *step, const char *name);
    /** STRING and ENUM values; NULL when unset. */
    const char *(*param_string)(rm_step *step, const char *name);
    /** The layer, or NULL when unset. */
    const rm_layer *(*param_layer)(rm_step *step, const char *name);
    /** Number of values of a list parameter (1 for a scalar that is set). */
    size_t (*param_count)(rm_step *step, const char *name);
    double (*param_list_real)(rm_step *step, const char *name, size_t i);
    const char *(*param_list_string)(rm_step *step, const char *name,
                                     size_t i);
    const rm_layer *(*param_list_layer)(rm_step *step, const char *name,
                                        size_t i);

    /* The run's analysis CRS (a PROJ definition) and area in it. */
    const char *(*analysis_crs)(rm_step *step);
    /** The briefing area in the analysis CRS; NaN box when none. */
    rm_bbox (*analysis_area)(rm_step *step);

    /* Reading layers: see layer.h for the meaning of each array. */
    const char *(*layer_name)(const rm_layer *layer);
    rm_geom_type (*layer_geom_type)(const rm_layer *layer);
    size_t (*layer_feature_count)(const rm_layer *layer);
    size_t (*layer_part_count)(const rm_layer *layer);
    size_t (*layer_coord_count)(const rm_layer *layer);
    const int64_t *(*layer_fids)(const rm_layer *layer);
    const int64_t *(*layer_feature_offsets)(const rm_layer *layer);
    const int64_t *(*layer_part_offsets)(const rm_layer *layer);
    const uint8_t *(*layer_part_outer)(const rm_layer *layer);
    const double *(*layer_xy)(const rm_layer *layer);
    const double *(*layer_vertex_times)(const rm_layer *layer);
    rm_bbox (*layer_extent)(const rm_layer *layer);
    int (*layer_field_count)(const rm_layer *layer);
    const char *(*layer_field_name)(const rm_layer *layer, int field);
    rm_field_type (*layer_field_type)(const rm_layer *layer, int field);
    int (*layer_field_index)(const rm_layer *layer, const char *name);
    int (*layer_role_field)(const rm_layer *layer, rm_role role);
    const int64_t *(*layer_field_ints)(const rm_layer *layer, int field);
    const double *(*layer_field_reals)(const rm_layer *layer, int field);
    const uint8_t *(*layer_field_bools)(const rm_layer *layer, int field);
    const char *(*layer_field_string)(const rm_layer *layer, int field,
                                      size_t row);
    int (*layer_field_is_null)(const rm_layer *layer, int field, size_t row);
    double (*layer_field_as_real)(const rm_layer *layer, int field,
                                  size_t row);
    int (*raster_width)(const rm_layer *layer);
    int (*raster_height)(const rm_layer *layer);
    const double *(*raster_geotransform)(const rm_layer *layer);
    const double *(*raster_cdata)(const rm_layer *layer);

    /* Writing outputs. `name` must be one of the declared outputs; the
     * host owns the layer. Output layers are in the analysis CRS. */
    rm_layer *(*output_vector)(rm_step *step, const char *name);
    rm_layer *(*output_raster)(rm_step *step, const char *name, int width,
                               int height, const double geotransform[6]);
    int (*add_field)(rm_layer *layer, const char *name, rm_field_type type);
    int64_t (*begin_feature)(rm_layer *layer, int64_t fid);
    int (*add_part)(rm_layer *layer, const double *xy, size_t n,
                    const double *times, int outer);
    int (*set_int)(rm_layer *layer, int field, int64_t value);
    int (*set_real)(rm_layer *layer, int field, double value);
    int (*set_string)(rm_layer *layer, int field, const char *value);
    int (*set_datetime)(rm_layer *layer, int field, int64_t ms);
    int (*set_bool)(rm_layer *layer, int field, int value);
    double *(*raster_data)(rm_layer *layer);
    /** Attach a note (convention, automatic choice) to the run manifest. */
    int (*manifest_note)(rm_step *step, const char *key, const char *value);
};

/** True when the host table has member `m` (added in a later minor). */
#define RM_API_HAS(api, m)                                                   \
    ((api)->size >= offsetof(rm_host_api, m) + sizeof((api)->m))

#if defined(_WIN32)
#define RM_PLUGIN_EXPORT __declspec(dllexport)
#else
#define RM_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/** Fill a descriptor's ABI header; plugins call it first. */
#define RM_PLUGIN_DESC_INIT                                                  \
    {sizeof(rm_plugin_desc), RM_PLUGIN_ABI_MAJOR, RM_PLUGIN_ABI_MINOR,        \
     NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL}

/**
 * Define the plugin's entry point. The host loads `routemap-NAME.so` and
 * calls `rm_plugin_NAME_init` (dashes in NAME become underscores). `fill`
 * is `int fill(const rm_host_api *api, rm_plugin_desc *out)`.
 * A static twin `rm_plugin_NAME_init_static` lets tests link the plugin in.
 */
#define RM_PLUGIN_DEFINE(NAME, fill)                                         \
    int rm_plugin_##NAME##_init_static(const rm_host_api *api,               \
                                       rm_plugin_desc *out)                  \
    {                                                                        \
        return fill(api, out);                                               \
    }                                                                        \
    RM_PLUGIN_EXPORT int rm_plugin_##NAME##_init(const rm_host_api *api,     \
                                                 rm_plugin_desc *out)        \
    {                                                                        \
        return fill(api, out);                                               \
    }

/** The entry point's type. */
typedef int (*rm_plugin_init_fn)(const rm_host_api *api,
                                 rm_plugin_desc *out);

#ifdef __cplusplus
}
#endif
#endif
