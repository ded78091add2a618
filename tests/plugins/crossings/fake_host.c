/*
 * The stand-in host for the crossings unit tests (see fake_host.h). It
 * forwards layer reads and writes to layer.c and answers parameters from
 * text, falling back to the descriptor's defaults.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"

#define FH_MAX 16

typedef struct fh_param {
    const char *name;
    char *text;
    const rm_layer *layer;
    char *items[FH_MAX]; /* list items split from text */
    size_t n_items;
} fh_param;

struct fh_step {
    const rm_plugin_desc *desc;
    fh_param params[FH_MAX];
    size_t n_params;
    rm_layer *outputs[FH_MAX];
    char fail_msg[4096];
    char log[16384];
    char *note_key[FH_MAX], *note_val[FH_MAX];
    size_t n_notes;
    int cancel_after; /* -1: never */
    int cancel_calls;
};

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static const rm_param_desc *schema(const fh_step *s, const char *name)
{
    for (size_t i = 0; i < s->desc->n_params; i++)
        if (strcmp(s->desc->params[i].name, name) == 0)
            return &s->desc->params[i];
    return NULL;
}

static fh_param *slot(fh_step *s, const char *name, int create)
{
    for (size_t i = 0; i < s->n_params; i++)
        if (strcmp(s->params[i].name, name) == 0)
            return &s->params[i];
    if (!create || s->n_params == FH_MAX)
        return NULL;
    fh_param *p = &s->params[s->n_params++];
    memset(p, 0, sizeof *p);
    p->name = name;
    return p;
}

static void split(fh_param *p)
{
    for (size_t i = 0; i < p->n_items; i++)
        free(p->items[i]);
    p->n_items = 0;
    const char *t = p->text;
    while (t && p->n_items < FH_MAX) {
        const char *c = strchr(t, ',');
        size_t n = c ? (size_t)(c - t) : strlen(t);
        while (n && *t == ' ') {
            t++;
            n--;
        }
        while (n && t[n - 1] == ' ')
            n--;
        char *it = malloc(n + 1);
        memcpy(it, t, n);
        it[n] = 0;
        p->items[p->n_items++] = it;
        t = c ? c + 1 : NULL;
    }
}

/* The parameter's value: set by the test, else the schema's default. */
static fh_param *value(rm_step *step, const char *name)
{
    fh_step *s = (fh_step *)step;
    fh_param *p = slot(s, name, 0);
    if (p)
        return p;
    const rm_param_desc *pd = schema(s, name);
    if (!pd || !pd->default_value)
        return NULL;
    p = slot(s, name, 1);
    p->text = dup(pd->default_value);
    split(p);
    return p;
}

static void fh_log_fn(rm_step *step, int level, const char *fmt, ...)
{
    fh_step *s = (fh_step *)step;
    size_t len = strlen(s->log);
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(s->log + len, sizeof s->log - len, "[%d] ", level);
    if (n > 0 && (size_t)n < sizeof s->log - len)
        len += (size_t)n;
    vsnprintf(s->log + len, sizeof s->log - len, fmt, ap);
    va_end(ap);
    len = strlen(s->log);
    if (len + 1 < sizeof s->log) {
        s->log[len] = '\n';
        s->log[len + 1] = 0;
    }
}

static void fh_progress(rm_step *step, double f)
{
    (void)step;
    (void)f;
}

static int fh_cancelled(rm_step *step)
{
    fh_step *s = (fh_step *)step;
    return s->cancel_after >= 0 && s->cancel_calls++ >= s->cancel_after;
}

static int fh_fail(rm_step *step, int code, const char *fmt, ...)
{
    fh_step *s = (fh_step *)step;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->fail_msg, sizeof s->fail_msg, fmt, ap);
    va_end(ap);
    return code;
}

static int fh_param_is_set(rm_step *step, const char *name)
{
    return value(step, name) != NULL;
}

static int64_t fh_param_int(rm_step *step, const char *name)
{
    fh_param *p = value(step, name);
    return p ? strtoll(p->text, NULL, 10) : 0;
}

static double fh_param_real(rm_step *step, const char *name)
{
    fh_param *p = value(step, name);
    return p ? strtod(p->text, NULL) : NAN;
}

static int fh_param_bool(rm_step *step, const char *name)
{
    fh_param *p = value(step, name);
    return p && (strcmp(p->text, "true") == 0 || strcmp(p->text, "1") == 0);
}

static const char *fh_param_string(rm_step *step, const char *name)
{
    fh_param *p = value(step, name);
    return p ? p->text : NULL;
}

static const rm_layer *fh_param_layer(rm_step *step, const char *name)
{
    fh_param *p = value(step, name);
    return p ? p->layer : NULL;
}

static size_t fh_param_count(rm_step *step, const char *name)
{
    fh_param *p = value(step, name);
    return p ? p->n_items : 0;
}

static double fh_param_list_real(rm_step *step, const char *name, size_t i)
{
    fh_param *p = value(step, name);
    return p && i < p->n_items ? strtod(p->items[i], NULL) : NAN;
}

static const char *fh_param_list_string(rm_step *step, const char *name,
                                        size_t i)
{
    fh_param *p = value(step, name);
    return p && i < p->n_items ? p->items[i] : NULL;
}

static const rm_layer *fh_param_list_layer(rm_step *step, const char *name,
                                           size_t i)
{
    fh_param *p = value(step, name);
    return p && i == 0 ? p->layer : NULL;
}

static const char *fh_analysis_crs(rm_step *step)
{
    (void)step;
    return "EPSG:32631";
}

static rm_bbox fh_analysis_area(rm_step *step)
{
    (void)step;
    rm_bbox b = {NAN, NAN, NAN, NAN};
    return b;
}

static rm_layer *fh_output_vector(rm_step *step, const char *name)
{
    fh_step *s = (fh_step *)step;
    for (size_t i = 0; i < s->desc->n_outputs && i < FH_MAX; i++) {
        const rm_output_desc *od = &s->desc->outputs[i];
        if (strcmp(od->name, name) != 0)
            continue;
        if (!s->outputs[i] &&
            rm_layer_create(&s->outputs[i], name, od->type) != 0)
            return NULL;
        return s->outputs[i];
    }
    return NULL;
}

static rm_layer *fh_output_raster(rm_step *step, const char *name, int w,
                                  int h, const double gt[6])
{
    (void)step;
    (void)name;
    (void)w;
    (void)h;
    (void)gt;
    return NULL;
}

static int fh_manifest_note(rm_step *step, const char *key,
                            const char *value)
{
    fh_step *s = (fh_step *)step;
    if (s->n_notes == FH_MAX)
        return -1;
    s->note_key[s->n_notes] = dup(key);
    s->note_val[s->n_notes] = dup(value);
    s->n_notes++;
    return 0;
}

static int64_t fh_begin_feature(rm_layer *l, int64_t fid)
{
    return rm_layer_begin_feature(l, fid);
}

static const rm_host_api API = {
    sizeof(rm_host_api),
    RM_PLUGIN_ABI_MAJOR,
    RM_PLUGIN_ABI_MINOR,
    fh_log_fn,
    fh_progress,
    fh_cancelled,
    fh_fail,
    fh_param_is_set,
    fh_param_int,
    fh_param_real,
    fh_param_bool,
    fh_param_string,
    fh_param_layer,
    fh_param_count,
    fh_param_list_real,
    fh_param_list_string,
    fh_param_list_layer,
    fh_analysis_crs,
    fh_analysis_area,
    rm_layer_name,
    rm_layer_geom_type,
    rm_layer_feature_count,
    rm_layer_part_count,
    rm_layer_coord_count,
    rm_layer_fids,
    rm_layer_feature_offsets,
    rm_layer_part_offsets,
    rm_layer_part_outer,
    rm_layer_xy,
    rm_layer_vertex_times,
    rm_layer_extent,
    rm_layer_field_count,
    rm_layer_field_name,
    rm_layer_field_type,
    rm_layer_field_index,
    rm_layer_role_field,
    rm_layer_field_ints,
    rm_layer_field_reals,
    rm_layer_field_bools,
    rm_layer_field_string,
    rm_layer_field_is_null,
    rm_layer_field_as_real,
    rm_layer_raster_width,
    rm_layer_raster_height,
    rm_layer_raster_geotransform,
    rm_layer_raster_cdata,
    fh_output_vector,
    fh_output_raster,
    rm_layer_add_field,
    fh_begin_feature,
    rm_layer_add_part,
    rm_layer_set_int,
    rm_layer_set_real,
    rm_layer_set_string,
    rm_layer_set_datetime,
    rm_layer_set_bool,
    rm_layer_raster_data,
    fh_manifest_note,
};

const rm_host_api *fh_api(void)
{
    return &API;
}

fh_step *fh_step_create(const rm_plugin_desc *desc)
{
    fh_step *s = calloc(1, sizeof *s);
    if (s) {
        s->desc = desc;
        s->cancel_after = -1;
    }
    return s;
}

void fh_step_destroy(fh_step *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_params; i++) {
        free(s->params[i].text);
        for (size_t k = 0; k < s->params[i].n_items; k++)
            free(s->params[i].items[k]);
    }
    for (size_t i = 0; i < FH_MAX; i++)
        rm_layer_destroy(s->outputs[i]);
    for (size_t i = 0; i < s->n_notes; i++) {
        free(s->note_key[i]);
        free(s->note_val[i]);
    }
    free(s);
}

void fh_set(fh_step *s, const char *name, const char *text)
{
    fh_param *p = slot(s, name, 1);
    free(p->text);
    p->text = dup(text);
    split(p);
}

void fh_set_layer(fh_step *s, const char *name, const rm_layer *layer)
{
    fh_param *p = slot(s, name, 1);
    free(p->text);
    p->text = dup(layer ? rm_layer_name(layer) : "");
    split(p);
    p->layer = layer;
}

int fh_run(fh_step *s)
{
    return s->desc->run(&API, (rm_step *)s);
}

rm_layer *fh_output(fh_step *s, const char *name)
{
    for (size_t i = 0; i < s->desc->n_outputs && i < FH_MAX; i++)
        if (strcmp(s->desc->outputs[i].name, name) == 0)
            return s->outputs[i];
    return NULL;
}

void fh_cancel_after(fh_step *s, int n)
{
    s->cancel_after = n;
    s->cancel_calls = 0;
}

const char *fh_failure(const fh_step *s)
{
    return s->fail_msg;
}

const char *fh_log(const fh_step *s)
{
    return s->log;
}

const char *fh_note(const fh_step *s, const char *key)
{
    for (size_t i = 0; i < s->n_notes; i++)
        if (strcmp(s->note_key[i], key) == 0)
            return s->note_val[i];
    return NULL;
}
