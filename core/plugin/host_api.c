/*
 * The host table (rm_host_api) a plugin calls: logging, progress, failure,
 * typed parameter access, layer reading and output writing, each a thin
 * checked wrapper over layer.h and the running step's state. Nothing a
 * plugin passes in is trusted: NULL handles, foreign steps, undeclared
 * names and writes to layers that are not its outputs are refused and
 * recorded as a misuse that fails the step.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer/layer_shared.h"
#include "plugin/host_api.h"
#include "routemap/layer.h"
#include "util/util.h"

/* The step whose run() is executing on this thread, or NULL. */
static _Thread_local rm_step *current;

/* ---- step state ---------------------------------------------------------- */

static void log_to_context(rm_step *s, int level, const char *msg)
{
    rm_log(s->ctx, (rm_log_level)level, "step '%s' (plugin %s %s): %s",
           s->step_id, s->desc->name, s->desc->version, msg);
}

static void progress_to_callback(rm_step *s, double fraction)
{
    if (s->progress)
        s->progress(s->progress_ud, s->step_id, fraction);
}

int rm__step_state_init(rm_step *s, rm_context *ctx,
                        const rm_plugin_desc *desc, const char *step_id,
                        const rm__params *params, const char *crs,
                        rm_bbox area, rm_progress_fn progress, void *ud)
{
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->desc = desc;
    s->step_id = step_id ? step_id : desc->name;
    s->params = params;
    s->crs = crs ? crs : "";
    s->area = area;
    s->progress = progress;
    s->progress_ud = ud;
    s->emit_log = log_to_context;
    s->emit_progress = progress_to_callback;
    s->outputs = rm_callocarray(desc->n_outputs ? desc->n_outputs : 1,
                                sizeof *s->outputs);
    return s->outputs ? RM_OK : RM_ENOMEM;
}

void rm__step_state_free(rm_step *s)
{
    for (size_t i = 0; s->outputs && i < s->desc->n_outputs; i++)
        rm_layer_destroy(s->outputs[i]);
    free(s->outputs);
    for (size_t i = 0; i < s->n_notes; i++) {
        free(s->note_keys[i]);
        free(s->note_values[i]);
    }
    free(s->note_keys);
    free(s->note_values);
    free(s->fail_msg);
    free(s->misuse_msg);
    s->outputs = NULL;
    s->note_keys = s->note_values = NULL;
    s->n_notes = s->cap_notes = 0;
    s->fail_msg = s->misuse_msg = NULL;
}

int rm__step_call_run(rm_step *s)
{
    rm_step *prev = current;
    current = s;
    int rc = s->desc->run(rm__host_api(), s);
    current = prev;
    return rc;
}

void rm__step_misuse(rm_step *s, int code, const char *fmt, ...)
{
    if (!s || s->misuse_code != RM_OK)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    s->misuse_code = code;
    s->misuse_msg = rm__strdup(buf);
}

int rm__step_add_note(rm_step *s, const char *key, const char *value)
{
    size_t cap = s->cap_notes;
    if (rm__grow((void **)&s->note_keys, &cap, s->n_notes + 1,
                 sizeof *s->note_keys))
        return RM_ENOMEM;
    cap = s->cap_notes;
    if (rm__grow((void **)&s->note_values, &cap, s->n_notes + 1,
                 sizeof *s->note_values))
        return RM_ENOMEM;
    s->cap_notes = cap;
    char *k = rm__strdup(key), *v = rm__strdup(value ? value : "");
    if (!k || !v) {
        free(k);
        free(v);
        return RM_ENOMEM;
    }
    s->note_keys[s->n_notes] = k;
    s->note_values[s->n_notes] = v;
    s->n_notes++;
    return RM_OK;
}

/* The step if it is the running one; a foreign handle is a misuse. */
static rm_step *check_step(rm_step *s, const char *what)
{
    if (s && s == current)
        return s;
    if (current)
        rm__step_misuse(current, RM_EPLUGIN_RUN,
                        "called %s with a step handle that is not the "
                        "running step", what);
    return NULL;
}

/* ---- messages, progress, cancellation, errors --------------------------- */

static void api_log(rm_step *step, int level, const char *fmt, ...)
{
    rm_step *s = check_step(step, "log");
    if (!s || !fmt)
        return;
    if (level < RM_PLUGIN_LOG_ERROR)
        level = RM_PLUGIN_LOG_ERROR;
    if (level > RM_PLUGIN_LOG_DEBUG)
        level = RM_PLUGIN_LOG_DEBUG;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    s->emit_log(s, level, buf);
}

static void api_progress(rm_step *step, double fraction)
{
    rm_step *s = check_step(step, "progress");
    if (!s || isnan(fraction))
        return;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    s->emit_progress(s, fraction);
}

static int api_cancelled(rm_step *step)
{
    (void)check_step(step, "cancelled");
    return 0;
}

static int api_fail(rm_step *step, int code, const char *fmt, ...)
{
    if (code >= 0)
        code = RM_EPLUGIN_RUN;
    rm_step *s = check_step(step, "fail");
    if (!s || s->fail_code != RM_OK)
        return code;
    char buf[1024] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    s->fail_code = code;
    s->fail_msg = rm__strdup(buf);
    return code;
}

/* ---- parameters ---------------------------------------------------------- */

enum want {
    WANT_ANY,
    WANT_INT,
    WANT_NUMBER,
    WANT_BOOL,
    WANT_TEXT,
    WANT_LAYER
};

static const char *WANT_TEXTS[] = {"", "an integer", "a number",
                                   "a yes/no value", "text", "a layer"};
static const char *WANT_CALLS[] = {"", "param_int", "param_real",
                                   "param_bool", "param_string",
                                   "param_layer"};
static const char *LIST_CALLS[] = {"", "param_list_real", "param_list_real",
                                   "param_list_real", "param_list_string",
                                   "param_list_layer"};

static int type_fits(int base, enum want w)
{
    switch (w) {
    case WANT_ANY: return 1;
    case WANT_INT: return base == RM_PARAM_INT;
    case WANT_NUMBER:
        return base == RM_PARAM_INT || base == RM_PARAM_REAL ||
               base == RM_PARAM_DISTANCE || base == RM_PARAM_DURATION;
    case WANT_BOOL: return base == RM_PARAM_BOOL;
    case WANT_TEXT:
        return base == RM_PARAM_STRING || base == RM_PARAM_ENUM ||
               base == RM_PARAM_LAYER;
    case WANT_LAYER: return base == RM_PARAM_LAYER;
    }
    return 0;
}

static enum want want_of_base(int base)
{
    switch (base) {
    case RM_PARAM_INT: return WANT_INT;
    case RM_PARAM_REAL:
    case RM_PARAM_DISTANCE:
    case RM_PARAM_DURATION: return WANT_NUMBER;
    case RM_PARAM_BOOL: return WANT_BOOL;
    case RM_PARAM_LAYER: return WANT_LAYER;
    }
    return WANT_TEXT;
}

/*
 * The value of a declared parameter asked for as `w`; `list` says whether
 * a list accessor is used. Misuses are recorded and give NULL.
 */
static const rm__param_value *param(rm_step *step, const char *name,
                                    enum want w, int list, const char *call)
{
    rm_step *s = check_step(step, call);
    if (!s)
        return NULL;
    const rm__param_value *v = rm__params_get(s->params, name);
    if (!v) {
        rm__step_misuse(s, RM_EPLUGIN_RUN,
                        "%s asked for the parameter '%s', which the "
                        "plugin's descriptor does not declare",
                        call, name ? name : "(null)");
        return NULL;
    }
    int base = v->desc->type & 0xff;
    int is_list = (v->desc->type & RM_PARAM_LIST) != 0;
    if (!type_fits(base, w)) {
        enum want fit = want_of_base(base);
        rm__step_misuse(s, RM_EPLUGIN_RUN,
                        "%s asked for the parameter '%s' as %s, but it is "
                        "declared as %s%s; use %s",
                        call, name, WANT_TEXTS[w],
                        is_list ? "a list of " : "", WANT_TEXTS[fit],
                        is_list ? LIST_CALLS[fit] : WANT_CALLS[fit]);
        return NULL;
    }
    if (is_list && !list && w != WANT_ANY) {
        rm__step_misuse(s, RM_EPLUGIN_RUN,
                        "%s asked for the list parameter '%s' as one "
                        "value; use param_count and param_list_*",
                        call, name);
        return NULL;
    }
    return v;
}

static int api_param_is_set(rm_step *step, const char *name)
{
    const rm__param_value *v =
        param(step, name, WANT_ANY, 1, "param_is_set");
    return v ? v->set : 0;
}

static int64_t api_param_int(rm_step *step, const char *name)
{
    const rm__param_value *v = param(step, name, WANT_INT, 0, "param_int");
    return v && v->set && v->n > 0 ? v->ints[0] : 0;
}

static double item_real(const rm__param_value *v, size_t i)
{
    return v->ints ? (double)v->ints[i] : v->reals[i];
}

static double api_param_real(rm_step *step, const char *name)
{
    const rm__param_value *v =
        param(step, name, WANT_NUMBER, 0, "param_real");
    return v && v->set && v->n > 0 ? item_real(v, 0) : NAN;
}

static int api_param_bool(rm_step *step, const char *name)
{
    const rm__param_value *v = param(step, name, WANT_BOOL, 0, "param_bool");
    return v && v->set && v->n > 0 ? v->ints[0] != 0 : 0;
}

static const char *api_param_string(rm_step *step, const char *name)
{
    const rm__param_value *v =
        param(step, name, WANT_TEXT, 0, "param_string");
    return v && v->set && v->n > 0 ? v->strings[0] : NULL;
}

static const rm_layer *api_param_layer(rm_step *step, const char *name)
{
    const rm__param_value *v =
        param(step, name, WANT_LAYER, 0, "param_layer");
    return v && v->set && v->n > 0 ? v->layers[0] : NULL;
}

static size_t api_param_count(rm_step *step, const char *name)
{
    const rm__param_value *v =
        param(step, name, WANT_ANY, 1, "param_count");
    return v && v->set ? v->n : 0;
}

/* Item i of a list (or scalar) value; out of range is a misuse. */
static const rm__param_value *list_item(rm_step *step, const char *name,
                                        size_t i, enum want w,
                                        const char *call)
{
    const rm__param_value *v = param(step, name, w, 1, call);
    if (!v)
        return NULL;
    size_t n = v->set ? v->n : 0;
    if (i >= n) {
        rm__step_misuse(step, RM_EPLUGIN_RUN,
                        "%s asked for item %zu of the parameter '%s', which "
                        "has %zu; check param_count first",
                        call, i, name, n);
        return NULL;
    }
    return v;
}

static double api_param_list_real(rm_step *step, const char *name, size_t i)
{
    const rm__param_value *v =
        list_item(step, name, i, WANT_NUMBER, "param_list_real");
    return v ? item_real(v, i) : NAN;
}

static const char *api_param_list_string(rm_step *step, const char *name,
                                         size_t i)
{
    const rm__param_value *v =
        list_item(step, name, i, WANT_TEXT, "param_list_string");
    return v ? v->strings[i] : NULL;
}

static const rm_layer *api_param_list_layer(rm_step *step, const char *name,
                                            size_t i)
{
    const rm__param_value *v =
        list_item(step, name, i, WANT_LAYER, "param_list_layer");
    return v ? v->layers[i] : NULL;
}

/* ---- analysis frame ------------------------------------------------------ */

static const char *api_analysis_crs(rm_step *step)
{
    rm_step *s = check_step(step, "analysis_crs");
    return s ? s->crs : "";
}

static rm_bbox api_analysis_area(rm_step *step)
{
    rm_step *s = check_step(step, "analysis_area");
    rm_bbox none = {NAN, NAN, NAN, NAN};
    return s ? s->area : none;
}

/* ---- reading layers: NULL-safe wrappers ---------------------------------- */

static const char *api_layer_name(const rm_layer *l)
{
    return l ? rm_layer_name(l) : NULL;
}
static rm_geom_type api_layer_geom_type(const rm_layer *l)
{
    return l ? rm_layer_geom_type(l) : RM_GEOM_NONE;
}
static size_t api_layer_feature_count(const rm_layer *l)
{
    return l ? rm_layer_feature_count(l) : 0;
}
static size_t api_layer_part_count(const rm_layer *l)
{
    return l ? rm_layer_part_count(l) : 0;
}
static size_t api_layer_coord_count(const rm_layer *l)
{
    return l ? rm_layer_coord_count(l) : 0;
}
static const int64_t *api_layer_fids(const rm_layer *l)
{
    return l ? rm_layer_fids(l) : NULL;
}
static const int64_t *api_layer_feature_offsets(const rm_layer *l)
{
    return l ? rm_layer_feature_offsets(l) : NULL;
}
static const int64_t *api_layer_part_offsets(const rm_layer *l)
{
    return l ? rm_layer_part_offsets(l) : NULL;
}
static const uint8_t *api_layer_part_outer(const rm_layer *l)
{
    return l ? rm_layer_part_outer(l) : NULL;
}
static const double *api_layer_xy(const rm_layer *l)
{
    return l ? rm_layer_xy(l) : NULL;
}
static const double *api_layer_vertex_times(const rm_layer *l)
{
    return l ? rm_layer_vertex_times(l) : NULL;
}
static rm_bbox api_layer_extent(const rm_layer *l)
{
    rm_bbox none = {NAN, NAN, NAN, NAN};
    return l ? rm_layer_extent(l) : none;
}
static int api_layer_field_count(const rm_layer *l)
{
    return l ? rm_layer_field_count(l) : 0;
}
static const char *api_layer_field_name(const rm_layer *l, int f)
{
    return l ? rm_layer_field_name(l, f) : NULL;
}
static rm_field_type api_layer_field_type(const rm_layer *l, int f)
{
    return l ? rm_layer_field_type(l, f) : (rm_field_type)0;
}
static int api_layer_field_index(const rm_layer *l, const char *name)
{
    return l && name ? rm_layer_field_index(l, name) : -1;
}
static int api_layer_role_field(const rm_layer *l, rm_role role)
{
    return l ? rm_layer_role_field(l, role) : -1;
}
static const int64_t *api_layer_field_ints(const rm_layer *l, int f)
{
    return l ? rm_layer_field_ints(l, f) : NULL;
}
static const double *api_layer_field_reals(const rm_layer *l, int f)
{
    return l ? rm_layer_field_reals(l, f) : NULL;
}
static const uint8_t *api_layer_field_bools(const rm_layer *l, int f)
{
    return l ? rm_layer_field_bools(l, f) : NULL;
}
static const char *api_layer_field_string(const rm_layer *l, int f,
                                          size_t row)
{
    return l ? rm_layer_field_string(l, f, row) : NULL;
}
static int api_layer_field_is_null(const rm_layer *l, int f, size_t row)
{
    return l ? rm_layer_field_is_null(l, f, row) : 1;
}
static double api_layer_field_as_real(const rm_layer *l, int f, size_t row)
{
    return l ? rm_layer_field_as_real(l, f, row) : NAN;
}
static int api_raster_width(const rm_layer *l)
{
    return l && rm_layer_geom_type(l) == RM_GEOM_RASTER
               ? rm_layer_raster_width(l)
               : 0;
}
static int api_raster_height(const rm_layer *l)
{
    return l && rm_layer_geom_type(l) == RM_GEOM_RASTER
               ? rm_layer_raster_height(l)
               : 0;
}
static const double *api_raster_geotransform(const rm_layer *l)
{
    return l ? rm_layer_raster_geotransform(l) : NULL;
}
static const double *api_raster_cdata(const rm_layer *l)
{
    return l ? rm_layer_raster_cdata(l) : NULL;
}

/* ---- writing outputs ----------------------------------------------------- */

static void declared_list(const rm_plugin_desc *d, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->n_outputs && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "",
                                d->outputs[i].name);
    if (d->n_outputs == 0)
        snprintf(buf, cap, "none");
}

static const char *kind_words(rm_geom_type t)
{
    switch (t) {
    case RM_GEOM_NONE: return "a table without geometry";
    case RM_GEOM_POINT: return "points";
    case RM_GEOM_LINE: return "lines";
    case RM_GEOM_POLYGON: return "polygons";
    case RM_GEOM_RASTER: return "a raster";
    }
    return "an unknown type";
}

/* Index of the declared output that may be created now, or -1. */
static long creatable(rm_step *s, const char *name, int raster,
                      const char *call)
{
    const rm_plugin_desc *d = s->desc;
    for (size_t i = 0; name && i < d->n_outputs; i++) {
        if (strcmp(d->outputs[i].name, name) != 0)
            continue;
        int decl_raster = d->outputs[i].type == RM_GEOM_RASTER;
        if (decl_raster != raster) {
            rm__step_misuse(s, RM_EPLUGIN_OUTPUT,
                            "output '%s' has the wrong geometry type: it is "
                            "declared as %s, but %s created it as %s",
                            name, kind_words(d->outputs[i].type), call,
                            raster ? "a raster" : "a vector layer");
            return -1;
        }
        if (s->outputs[i]) {
            rm__step_misuse(s, RM_EPLUGIN_OUTPUT,
                            "%s created the output '%s' a second time; "
                            "create each output once", call, name);
            return -1;
        }
        return (long)i;
    }
    char decl[512];
    declared_list(d, decl, sizeof decl);
    rm__step_misuse(s, RM_EPLUGIN_OUTPUT,
                    "%s wrote the output '%s', which the plugin's "
                    "descriptor does not declare (declared: %s)",
                    call, name ? name : "(null)", decl);
    return -1;
}

static rm_layer *api_output_vector(rm_step *step, const char *name)
{
    rm_step *s = check_step(step, "output_vector");
    if (!s)
        return NULL;
    long i = creatable(s, name, 0, "output_vector");
    if (i < 0)
        return NULL;
    rm_layer *l = NULL;
    if (rm_layer_create(&l, name, s->desc->outputs[i].type) ||
        rm_layer_set_crs(l, s->crs)) {
        rm_layer_destroy(l);
        rm__step_misuse(s, RM_ENOMEM, "out of memory creating output '%s'",
                        name);
        return NULL;
    }
    s->outputs[i] = l;
    return l;
}

static rm_layer *api_output_raster(rm_step *step, const char *name,
                                   int width, int height,
                                   const double gt[6])
{
    rm_step *s = check_step(step, "output_raster");
    if (!s)
        return NULL;
    long i = creatable(s, name, 1, "output_raster");
    if (i < 0)
        return NULL;
    if (width <= 0 || height <= 0) {
        rm__step_misuse(s, RM_EPLUGIN_OUTPUT,
                        "output_raster gave output '%s' the size %d x %d; "
                        "both must be positive", name, width, height);
        return NULL;
    }
    int gt_ok = gt != NULL;
    for (int k = 0; gt_ok && k < 6; k++)
        gt_ok = isfinite(gt[k]);
    if (!gt_ok || gt[1] * gt[5] - gt[2] * gt[4] == 0) {
        rm__step_misuse(s, RM_EPLUGIN_OUTPUT,
                        "output_raster gave output '%s' a missing, "
                        "non-finite or degenerate geotransform", name);
        return NULL;
    }
    rm_layer *l = NULL;
    int rc = RM_EINVAL;
    /* In a child, the cells go straight into the file the host will map;
     * without one (or when it cannot grow) they go the ordinary way. */
    if (s->shared_fd && s->shared_fd[i] >= 0)
        rc = rm__layer_create_raster_shared(&l, name, width, height, gt,
                                            s->shared_fd[i]);
    if (rc) {
        if (s->shared_fd)
            s->shared_fd[i] = -1;
        rc = rm_layer_create_raster(&l, name, width, height, gt);
    }
    if (!rc)
        rc = rm_layer_set_crs(l, s->crs);
    if (rc) {
        rm_layer_destroy(l);
        rm__step_misuse(s, RM_ENOMEM,
                        "out of memory creating the %d x %d raster '%s'",
                        width, height, name);
        return NULL;
    }
    s->outputs[i] = l;
    return l;
}

/* Is `l` an output of the running step? Anything else is a misuse. */
static int writable(rm_layer *l, const char *call)
{
    rm_step *s = current;
    if (!s)
        return 0;
    for (size_t i = 0; l && i < s->desc->n_outputs; i++)
        if (s->outputs[i] == l)
            return 1;
    rm__step_misuse(s, RM_EPLUGIN_OUTPUT,
                    "%s wrote to a layer%s%s%s that is not one of the "
                    "step's outputs; write only to layers from output_vector "
                    "or output_raster",
                    call, l ? " '" : "", l ? rm_layer_name(l) : "",
                    l ? "'" : "");
    return 0;
}

static int api_add_field(rm_layer *l, const char *name, rm_field_type type)
{
    return writable(l, "add_field") ? rm_layer_add_field(l, name, type)
                                    : RM_EINVAL;
}

static int64_t api_begin_feature(rm_layer *l, int64_t fid)
{
    return writable(l, "begin_feature") ? rm_layer_begin_feature(l, fid)
                                        : RM_EINVAL;
}

static int api_add_part(rm_layer *l, const double *xy, size_t n,
                        const double *times, int outer)
{
    if (!writable(l, "add_part"))
        return RM_EINVAL;
    if (n == 0 || !xy) {
        rm__step_misuse(current, RM_EPLUGIN_OUTPUT,
                        "add_part was given a part without coordinates "
                        "in output '%s'", rm_layer_name(l));
        return RM_EINVAL;
    }
    return rm_layer_add_part(l, xy, n, times, outer);
}

static int api_set_int(rm_layer *l, int f, int64_t v)
{
    return writable(l, "set_int") ? rm_layer_set_int(l, f, v) : RM_EINVAL;
}

static int api_set_real(rm_layer *l, int f, double v)
{
    return writable(l, "set_real") ? rm_layer_set_real(l, f, v) : RM_EINVAL;
}

static int api_set_string(rm_layer *l, int f, const char *v)
{
    return writable(l, "set_string") ? rm_layer_set_string(l, f, v)
                                     : RM_EINVAL;
}

static int api_set_datetime(rm_layer *l, int f, int64_t ms)
{
    return writable(l, "set_datetime") ? rm_layer_set_datetime(l, f, ms)
                                       : RM_EINVAL;
}

static int api_set_bool(rm_layer *l, int f, int v)
{
    return writable(l, "set_bool") ? rm_layer_set_bool(l, f, v)
                                   : RM_EINVAL;
}

static double *api_raster_data(rm_layer *l)
{
    return writable(l, "raster_data") ? rm_layer_raster_data(l) : NULL;
}

static int api_manifest_note(rm_step *step, const char *key,
                             const char *value)
{
    rm_step *s = check_step(step, "manifest_note");
    if (!s)
        return RM_EINVAL;
    if (!key || !*key) {
        rm__step_misuse(s, RM_EPLUGIN_RUN,
                        "manifest_note was given an empty key");
        return RM_EINVAL;
    }
    return rm__step_add_note(s, key, value);
}

/* ---- the table ----------------------------------------------------------- */

static const rm_host_api HOST_API = {
    .size = sizeof(rm_host_api),
    .abi_major = RM_PLUGIN_ABI_MAJOR,
    .abi_minor = RM_PLUGIN_ABI_MINOR,
    .log = api_log,
    .progress = api_progress,
    .cancelled = api_cancelled,
    .fail = api_fail,
    .param_is_set = api_param_is_set,
    .param_int = api_param_int,
    .param_real = api_param_real,
    .param_bool = api_param_bool,
    .param_string = api_param_string,
    .param_layer = api_param_layer,
    .param_count = api_param_count,
    .param_list_real = api_param_list_real,
    .param_list_string = api_param_list_string,
    .param_list_layer = api_param_list_layer,
    .analysis_crs = api_analysis_crs,
    .analysis_area = api_analysis_area,
    .layer_name = api_layer_name,
    .layer_geom_type = api_layer_geom_type,
    .layer_feature_count = api_layer_feature_count,
    .layer_part_count = api_layer_part_count,
    .layer_coord_count = api_layer_coord_count,
    .layer_fids = api_layer_fids,
    .layer_feature_offsets = api_layer_feature_offsets,
    .layer_part_offsets = api_layer_part_offsets,
    .layer_part_outer = api_layer_part_outer,
    .layer_xy = api_layer_xy,
    .layer_vertex_times = api_layer_vertex_times,
    .layer_extent = api_layer_extent,
    .layer_field_count = api_layer_field_count,
    .layer_field_name = api_layer_field_name,
    .layer_field_type = api_layer_field_type,
    .layer_field_index = api_layer_field_index,
    .layer_role_field = api_layer_role_field,
    .layer_field_ints = api_layer_field_ints,
    .layer_field_reals = api_layer_field_reals,
    .layer_field_bools = api_layer_field_bools,
    .layer_field_string = api_layer_field_string,
    .layer_field_is_null = api_layer_field_is_null,
    .layer_field_as_real = api_layer_field_as_real,
    .raster_width = api_raster_width,
    .raster_height = api_raster_height,
    .raster_geotransform = api_raster_geotransform,
    .raster_cdata = api_raster_cdata,
    .output_vector = api_output_vector,
    .output_raster = api_output_raster,
    .add_field = api_add_field,
    .begin_feature = api_begin_feature,
    .add_part = api_add_part,
    .set_int = api_set_int,
    .set_real = api_set_real,
    .set_string = api_set_string,
    .set_datetime = api_set_datetime,
    .set_bool = api_set_bool,
    .raster_data = api_raster_data,
    .manifest_note = api_manifest_note,
};

const rm_host_api *rm__host_api(void) { return &HOST_API; }
