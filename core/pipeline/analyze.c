/*
 * rm_analyze: one plugin run without a briefing (`routemap analyze`).
 * Inputs NAME=SOURCE bind layer parameters, PARAM=VALUE texts are checked
 * against the plugin's schema like briefing values, and the declared
 * outputs go into one GeoPackage (rasters beside it as OUT.<output>.tif).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "layer/layer_internal.h"
#include "plugin/params.h"
#include "plugin/step.h"
#include "routemap/crs.h"
#include "routemap/io.h"
#include "routemap/pipeline.h"
#include "util/util.h"

typedef struct analysis {
    rm_context *ctx;
    const rm_analyze_options *opt;
    rm__catalog catalog;
    char *crs;
} analysis;

/* Split "NAME=VALUE" into a new name and a pointer to the value. */
static int split_pair(const char *pair, char **name, const char **value)
{
    const char *eq = strchr(pair, '=');
    if (!eq || eq == pair)
        return RM_EUSAGE;
    *name = rm__strdup(pair);
    if (!*name)
        return RM_ENOMEM;
    (*name)[eq - pair] = '\0';
    *value = eq + 1;
    return RM_OK;
}

static int read_inputs(analysis *a, const char *target)
{
    int rc = RM_OK;
    for (size_t i = 0; rc == RM_OK && i < a->opt->n_inputs; i++) {
        char *name;
        const char *source;
        rc = split_pair(a->opt->inputs[i], &name, &source);
        if (rc == RM_EUSAGE)
            return rm__error(a->ctx, RM_EUSAGE, NULL,
                             "--input '%s' is not NAME=SOURCE",
                             a->opt->inputs[i]);
        if (rc != RM_OK)
            return rc;
        rm_read_options o = RM_READ_OPTIONS_INIT;
        o.target_crs = target;
        o.label = name;
        rm_layer *l = NULL;
        rc = rm_io_read(a->ctx, &l, source, &o, NULL);
        if (rc == RM_OK)
            rc = rm_layer_set_name(l, name);
        if (rc == RM_OK)
            rc = rm__catalog_add(&a->catalog, name, l, 0);
        else
            rm_layer_destroy(l);
        free(name);
    }
    return rc;
}

/* Without --crs: the automatic CRS for the inputs' lon/lat extent. */
static int choose_crs(analysis *a)
{
    rm_bbox acc = {NAN, NAN, NAN, NAN};
    int rc = RM_OK;
    for (size_t i = 0; rc == RM_OK && i < a->catalog.n; i++) {
        const rm_layer *l = a->catalog.entries[i].layer;
        rm_transform *tr;
        rm_bbox b;
        rc = rm_transform_create(a->ctx, &tr, rm_layer_crs(l), "EPSG:4326");
        if (rc == RM_OK)
            rc = rm_transform_bbox(tr, rm_layer_extent(l), &b);
        rm_transform_destroy(tr);
        if (rc != RM_OK || isnan(b.minx))
            continue;
        if (isnan(acc.minx))
            acc = b;
        acc.minx = fmin(acc.minx, b.minx);
        acc.miny = fmin(acc.miny, b.miny);
        acc.maxx = fmax(acc.maxx, b.maxx);
        acc.maxy = fmax(acc.maxy, b.maxy);
    }
    if (rc != RM_OK)
        return rc;
    if (isnan(acc.minx))
        return rm__error(a->ctx, RM_ECRS, NULL,
                         "cannot choose an analysis CRS: the inputs have no "
                         "extent; give one with --crs");
    rm_crs *crs;
    rc = rm_crs_auto(a->ctx, &crs, acc);
    if (rc != RM_OK)
        return rc;
    a->crs = rm__strdup(rm_crs_definition(crs));
    rm_crs_destroy(crs);
    return a->crs ? RM_OK : RM_ENOMEM;
}

static int load(analysis *a)
{
    if (a->opt->crs) {
        rm_crs *crs;
        int rc = rm_crs_create(a->ctx, &crs, a->opt->crs);
        if (rc != RM_OK)
            return rc;
        a->crs = rm__strdup(rm_crs_definition(crs));
        rm_crs_destroy(crs);
        return a->crs ? read_inputs(a, a->crs) : RM_ENOMEM;
    }
    int rc = read_inputs(a, NULL);
    if (rc == RM_OK)
        rc = choose_crs(a);
    for (size_t i = 0; rc == RM_OK && i < a->catalog.n; i++) {
        rm_layer *l = a->catalog.entries[i].layer;
        if (rm_layer_geom_type(l) != RM_GEOM_RASTER)
            rc = rm__layer_transform(a->ctx, l, a->crs);
    }
    /* Rasters are warped on read: read them again in the chosen CRS. */
    int any_raster = 0;
    for (size_t i = 0; i < a->catalog.n; i++)
        any_raster |= rm_layer_geom_type(a->catalog.entries[i].layer) ==
                      RM_GEOM_RASTER;
    if (rc == RM_OK && any_raster) {
        rm__catalog_free(&a->catalog);
        rc = read_inputs(a, a->crs);
    }
    return rc;
}

static int make_raw(analysis *a, rm__raw_param *raw, char **names,
                    const char **values)
{
    size_t k = 0;
    for (size_t i = 0; i < a->opt->n_inputs; i++, k++) {
        const char *v;
        int rc = split_pair(a->opt->inputs[i], &names[k], &v);
        if (rc != RM_OK)
            return rc;
        values[k] = names[k]; /* the catalog knows the layer by NAME */
        raw[k].name = names[k];
        raw[k].items = &values[k];
        raw[k].n = 1;
        raw[k].loc = rm__loc_data("--input", NULL, -1);
    }
    for (size_t i = 0; i < a->opt->n_sets; i++, k++) {
        int rc = split_pair(a->opt->sets[i], &names[k], &values[k]);
        if (rc == RM_EUSAGE)
            return rm__error(a->ctx, RM_EUSAGE, NULL,
                             "--set '%s' is not PARAM=VALUE",
                             a->opt->sets[i]);
        if (rc != RM_OK)
            return rc;
        raw[k].name = names[k];
        raw[k].items = &values[k];
        raw[k].n = 1;
        raw[k].loc = rm__loc_data("--set", NULL, -1);
    }
    return RM_OK;
}

/* "out.gpkg" -> "out.<name>.tif" */
static char *raster_path(const char *output, const char *name)
{
    const char *slash = strrchr(output, '/');
    const char *dot = strrchr(output, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - output)
                                                 : strlen(output);
    return rm__asprintf("%.*s.%s.tif", (int)stem, output, name);
}

static int write_outputs(analysis *a, const rm_plugin_desc *d,
                         rm__step_result *res)
{
    rm_layer **vec = rm_callocarray(res->n, sizeof *vec);
    size_t n_vec = 0;
    int rc = vec ? RM_OK : RM_ENOMEM;
    for (size_t o = 0; rc == RM_OK && o < res->n && o < d->n_outputs; o++) {
        rm_layer *l = res->layers[o];
        if (!l)
            continue;
        rc = rm_layer_set_name(l, d->outputs[o].name);
        if (rc != RM_OK)
            break;
        if (rm_layer_geom_type(l) == RM_GEOM_RASTER) {
            char *path = raster_path(a->opt->output, d->outputs[o].name);
            rc = path ? rm_io_write_raster(a->ctx, path, l) : RM_ENOMEM;
            free(path);
        } else {
            vec[n_vec++] = l;
        }
    }
    if (rc == RM_OK && n_vec > 0) {
        rm_write_options wo = RM_WRITE_OPTIONS_INIT;
        wo.format = "GPKG";
        wo.timestamp = a->opt->version >= 2 ? a->opt->timestamp : NULL;
        rc = rm_io_write(a->ctx, a->opt->output, vec, n_vec, &wo);
    }
    free(vec);
    return rc;
}

int rm_analyze(rm_context *ctx, rm_registry *reg,
               const rm_analyze_options *opt)
{
    const rm_plugin_desc *d = rm_registry_find(reg, opt->plugin);
    if (!d)
        return rm__error(ctx, RM_EPLUGIN_NOTFOUND, NULL,
                         "no plugin named '%s'; 'routemap plugins' lists "
                         "the available ones",
                         opt->plugin);
    rm__step_limits lim = rm__step_limits_default();
    if (opt->timeout_s != 0) {
        if (!(opt->timeout_s > 0) || opt->timeout_s > RM__STEP_TIMEOUT_MAX_S)
            return rm__error(ctx, RM_EUSAGE, NULL,
                             "--timeout %g is out of range; give more than "
                             "0 and at most 604800 seconds (a week)",
                             opt->timeout_s);
        lim.timeout_s = opt->timeout_s;
    }
    if (opt->memory_mb != 0) {
        if (opt->memory_mb < RM__STEP_MEMORY_MIN_MB ||
            opt->memory_mb > RM__STEP_MEMORY_MAX_MB)
            return rm__error(ctx, RM_EUSAGE, NULL,
                             "--memory %llu is out of range; give 16 to "
                             "1048576 MB",
                             (unsigned long long)opt->memory_mb);
        lim.memory_mb = opt->memory_mb;
    }
    analysis a;
    memset(&a, 0, sizeof a);
    a.ctx = ctx;
    a.opt = opt;
    size_t n_raw = opt->n_inputs + opt->n_sets;
    rm__raw_param *raw = rm_callocarray(n_raw, sizeof *raw);
    char **names = rm_callocarray(n_raw, sizeof *names);
    const char **values = rm_callocarray(n_raw, sizeof *values);
    int rc = raw && names && values ? RM_OK : RM_ENOMEM;
    if (rc == RM_OK)
        rc = make_raw(&a, raw, names, values);
    rm__params *params = NULL;
    /* Check the parameters before reading any data. */
    if (rc == RM_OK)
        rc = rm__params_resolve(ctx, d, "analyze", raw, n_raw, NULL, NULL,
                                &params);
    rm__params_destroy(params);
    params = NULL;
    if (rc == RM_OK)
        rc = load(&a);
    if (rc == RM_OK)
        rc = rm__params_resolve_ex(ctx, d, "analyze", raw, n_raw,
                                   rm__catalog_lookup, rm__catalog_name_at,
                                   &a.catalog, &params);
    rm__step_result res;
    memset(&res, 0, sizeof res);
    if (rc == RM_OK) {
        rm_bbox none = {NAN, NAN, NAN, NAN};
        rc = rm__step_run_limited(ctx, d, "analyze", params, a.crs, none,
                                  NULL, NULL, opt->in_process, &lim, &res);
    }
    if (rc == RM_OK)
        rc = write_outputs(&a, d, &res);
    rm__step_result_free(&res);
    rm__params_destroy(params);
    for (size_t i = 0; names && i < n_raw; i++)
        free(names[i]);
    free(names);
    free(values);
    free(raw);
    rm__catalog_free(&a.catalog);
    free(a.crs);
    return rc;
}
