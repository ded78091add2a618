/*
 * Resolution of a step's parameters against its plugin's schema: text from
 * the briefing or --set becomes typed values in the parameter's declared
 * unit, with defaults applied. Every message names the parameter, the step
 * and where the value was written; resolved values own their copies.
 */
#ifndef RM_CORE_PLUGIN_PARAMS_H
#define RM_CORE_PLUGIN_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "routemap/context.h"
#include "routemap/plugin.h"
#include "util/util.h"

/**
 * One parameter as written: a YAML scalar (n == 1, is_list == 0), a YAML
 * sequence (is_list == 1) or --set text (is_list == 0; list parameters
 * split it at commas). The pipeline leaves the step's own keys (id,
 * plugin) out.
 */
typedef struct rm__raw_param {
    const char *name;
    const char *const *items;
    size_t n;
    int is_list;
    rm_location loc;
} rm__raw_param;

/** The layer called `name` (briefing layer or "step.output"), or NULL. */
typedef const rm_layer *(*rm__layer_lookup)(void *ud, const char *name);

/**
 * The i-th known layer name, or NULL past the end; only used to list the
 * known layers when a reference is unknown.
 */
typedef const char *(*rm__layer_name_at)(void *ud, size_t i);

/** Resolved, typed values; owns its copies. */
typedef struct rm__params rm__params;

/** One resolved parameter. */
typedef struct rm__param_value {
    const rm_param_desc *desc;
    int set;          /* 1: the step set it or a default applies */
    int from_default; /* 1: the value is the schema's default */
    size_t n;         /* number of values (1 for a set scalar) */
    /* One of these holds the n values, by the base type:
     * INT, BOOL: ints; REAL, DISTANCE, DURATION: reals (declared unit);
     * STRING, ENUM, LAYER: strings (layer names); LAYER also layers
     * (NULL entries when resolved without data). */
    int64_t *ints;
    double *reals;
    char **strings;
    const rm_layer **layers;
} rm__param_value;

/**
 * Check raw parameters against `desc`'s schema and convert them. With
 * `lookup` NULL, layer parameters are only checked to be present and
 * well-formed (validation without data).
 * @param[out] out caller frees with rm__params_destroy.
 * @return RM_OK, RM_EPLUGIN_PARAM (unknown, missing, wrong type, out of
 *         bounds), RM_ESPEC_REF (unknown layer) or RM_ENOMEM; the message,
 *         located at the raw parameter, is on `ctx`.
 */
int rm__params_resolve(rm_context *ctx, const rm_plugin_desc *desc,
                       const char *step_id, const rm__raw_param *raw,
                       size_t n, rm__layer_lookup lookup, void *ud,
                       rm__params **out);

/** As rm__params_resolve; `name_at` (may be NULL) lists known layers. */
int rm__params_resolve_ex(rm_context *ctx, const rm_plugin_desc *desc,
                          const char *step_id, const rm__raw_param *raw,
                          size_t n, rm__layer_lookup lookup,
                          rm__layer_name_at name_at, void *ud,
                          rm__params **out);

/** rm__params_destroy(NULL) is a no-op. */
void rm__params_destroy(rm__params *p);

/** The value of parameter `name`, or NULL when the schema lacks it. */
const rm__param_value *rm__params_get(const rm__params *p, const char *name);

/** Number of parameters (the schema's, in its order). */
size_t rm__params_count(const rm__params *p);
const rm__param_value *rm__params_at(const rm__params *p, size_t i);

/**
 * Append the values as a JSON object {"name": value, ...} (numbers in the
 * declared unit, lists as arrays, layers by name, unset ones left out),
 * for the run manifest.
 */
void rm__params_json(const rm__params *p, rm_strbuf *sb);

/**
 * Check a schema entry's default against its own type, bounds and
 * choices. @return NULL when fine, else a malloc'ed reason.
 */
char *rm__param_check_default(const rm_param_desc *pd);

/** "distance (km)", "list of real", "enum: hex|square", "layer (points)". */
void rm__param_type_text(const rm_param_desc *pd, rm_strbuf *sb);

/** Valid parameter and output names: [a-z0-9_]+. */
int rm__param_name_ok(const char *name);

#endif
