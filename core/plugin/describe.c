/*
 * rm_registry_describe: a plugin's schema for people (`routemap plugins
 * info`: header, a parameter table, outputs, help) and for programs
 * (JSON). Reads only the descriptor; every string it prints comes from the
 * checked schema.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/params.h"
#include "routemap/registry.h"
#include "util/util.h"

static const char *geom_text(rm_geom_type t)
{
    switch (t) {
    case RM_GEOM_NONE: return "table";
    case RM_GEOM_POINT: return "points";
    case RM_GEOM_LINE: return "lines";
    case RM_GEOM_POLYGON: return "polygons";
    case RM_GEOM_RASTER: return "raster";
    }
    return "?";
}

static int numeric(const rm_param_desc *pd)
{
    int b = pd->type & 0xff;
    return b == RM_PARAM_INT || b == RM_PARAM_REAL ||
           b == RM_PARAM_DISTANCE || b == RM_PARAM_DURATION;
}

static void bounds_text(const rm_param_desc *pd, rm_strbuf *sb)
{
    if (!numeric(pd) || (isnan(pd->min) && isnan(pd->max)))
        rm_strbuf_append(sb, "-");
    else if (isnan(pd->max))
        rm_strbuf_printf(sb, ">= %.15g", pd->min);
    else if (isnan(pd->min))
        rm_strbuf_printf(sb, "<= %.15g", pd->max);
    else
        rm_strbuf_printf(sb, "%.15g..%.15g", pd->min, pd->max);
}

/* Cell texts of one parameter row. */
enum { COL_NAME, COL_TYPE, COL_DEFAULT, COL_BOUNDS, COL_REQUIRED, NCOL };

static char *cell(const rm_param_desc *pd, int col)
{
    rm_strbuf sb = RM_STRBUF_INIT;
    switch (col) {
    case COL_NAME: rm_strbuf_append(&sb, pd->name); break;
    case COL_TYPE: rm__param_type_text(pd, &sb); break;
    case COL_DEFAULT:
        rm_strbuf_append(&sb, pd->default_value ? pd->default_value : "-");
        break;
    case COL_BOUNDS: bounds_text(pd, &sb); break;
    case COL_REQUIRED: rm_strbuf_append(&sb, pd->required ? "yes" : "no");
        break;
    }
    return rm_strbuf_take(&sb);
}

static void pad(rm_strbuf *sb, const char *s, size_t width)
{
    rm_strbuf_append(sb, s);
    for (size_t n = strlen(s); n < width; n++)
        rm_strbuf_append(sb, " ");
}

static void describe_text(const rm_plugin_desc *d, rm_strbuf *sb)
{
    static const char *heads[NCOL] = {"name", "type", "default", "bounds",
                                      "required"};
    rm_strbuf_printf(sb, "%s %s\n", d->name, d->version);
    rm_strbuf_printf(sb, "  %s\n", d->summary ? d->summary : "");
    rm_strbuf_printf(sb, "  license: %s\n", d->license ? d->license
                                                        : "unknown");
    rm_strbuf_printf(sb, "  plugin ABI: %u.%u\n\n", (unsigned)d->abi_major,
                     (unsigned)d->abi_minor);

    rm_strbuf_append(sb, "Parameters:\n");
    if (d->n_params == 0)
        rm_strbuf_append(sb, "  (none)\n");
    size_t width[NCOL];
    for (int c = 0; c < NCOL; c++)
        width[c] = strlen(heads[c]);
    for (size_t i = 0; i < d->n_params; i++)
        for (int c = 0; c < NCOL; c++) {
            char *t = cell(&d->params[i], c);
            if (t && strlen(t) > width[c])
                width[c] = strlen(t);
            free(t);
        }
    if (d->n_params > 0) {
        rm_strbuf_append(sb, "  ");
        for (int c = 0; c < NCOL; c++) {
            pad(sb, heads[c], width[c]);
            rm_strbuf_append(sb, "  ");
        }
        rm_strbuf_append(sb, "help\n");
    }
    for (size_t i = 0; i < d->n_params; i++) {
        rm_strbuf_append(sb, "  ");
        for (int c = 0; c < NCOL; c++) {
            char *t = cell(&d->params[i], c);
            pad(sb, t ? t : "", width[c]);
            rm_strbuf_append(sb, "  ");
            free(t);
        }
        rm_strbuf_printf(sb, "%s\n",
                         d->params[i].help ? d->params[i].help : "");
    }

    rm_strbuf_append(sb, "\nOutputs:\n");
    if (d->n_outputs == 0)
        rm_strbuf_append(sb, "  (none)\n");
    size_t ow = 0;
    for (size_t i = 0; i < d->n_outputs; i++)
        if (strlen(d->outputs[i].name) > ow)
            ow = strlen(d->outputs[i].name);
    for (size_t i = 0; i < d->n_outputs; i++) {
        rm_strbuf_append(sb, "  ");
        pad(sb, d->outputs[i].name, ow);
        rm_strbuf_append(sb, "  ");
        pad(sb, geom_text(d->outputs[i].type), 8);
        rm_strbuf_printf(sb, "  %s\n",
                         d->outputs[i].help ? d->outputs[i].help : "");
    }
    if (d->help && *d->help)
        rm_strbuf_printf(sb, "\n%s%s", d->help,
                         d->help[strlen(d->help) - 1] == '\n' ? "" : "\n");
}

static void json_str_or_null(rm_strbuf *sb, const char *s)
{
    if (s)
        rm_strbuf_json_string(sb, s);
    else
        rm_strbuf_append(sb, "null");
}

static void json_num_or_null(rm_strbuf *sb, double v)
{
    if (isfinite(v))
        rm_strbuf_printf(sb, "%.17g", v);
    else
        rm_strbuf_append(sb, "null");
}

static void json_param(const rm_param_desc *pd, rm_strbuf *sb)
{
    static const char *base_names[] = {"?",        "layer",    "int",
                                       "real",     "distance", "duration",
                                       "bool",     "string",   "enum"};
    int b = pd->type & 0xff;
    rm_strbuf_append(sb, "{\"name\": ");
    rm_strbuf_json_string(sb, pd->name);
    rm_strbuf_append(sb, ", \"type\": ");
    rm_strbuf_json_string(sb, b >= 1 && b <= 8 ? base_names[b] : "?");
    rm_strbuf_printf(sb, ", \"list\": %s",
                     pd->type & RM_PARAM_LIST ? "true" : "false");
    rm_strbuf_append(sb, ", \"type_text\": ");
    rm_strbuf tt = RM_STRBUF_INIT;
    rm__param_type_text(pd, &tt);
    json_str_or_null(sb, tt.data);
    rm_strbuf_free(&tt);
    rm_strbuf_append(sb, ", \"unit\": ");
    json_str_or_null(sb, pd->unit);
    rm_strbuf_append(sb, ", \"default\": ");
    json_str_or_null(sb, pd->default_value);
    rm_strbuf_printf(sb, ", \"required\": %s",
                     pd->required ? "true" : "false");
    rm_strbuf_append(sb, ", \"min\": ");
    json_num_or_null(sb, numeric(pd) ? pd->min : NAN);
    rm_strbuf_append(sb, ", \"max\": ");
    json_num_or_null(sb, numeric(pd) ? pd->max : NAN);
    if (b == RM_PARAM_ENUM) {
        rm_strbuf_append(sb, ", \"choices\": [");
        const char *p = pd->choices ? pd->choices : "";
        for (int first = 1; *p; first = 0) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            char *one = malloc(len + 1);
            if (one) {
                memcpy(one, p, len);
                one[len] = '\0';
                rm_strbuf_append(sb, first ? "" : ", ");
                rm_strbuf_json_string(sb, one);
                free(one);
            }
            p = bar ? bar + 1 : p + len;
        }
        rm_strbuf_append(sb, "]");
    }
    if (b == RM_PARAM_LAYER) {
        static const struct {
            unsigned bit;
            const char *name;
        } kinds[] = {{RM_ACCEPT_POINT, "point"},
                     {RM_ACCEPT_LINE, "line"},
                     {RM_ACCEPT_POLYGON, "polygon"},
                     {RM_ACCEPT_RASTER, "raster"}};
        unsigned acc = pd->accept ? pd->accept
                                  : RM_ACCEPT_VECTOR | RM_ACCEPT_RASTER;
        rm_strbuf_append(sb, ", \"accept\": [");
        int first = 1;
        for (size_t i = 0; i < 4; i++) {
            if (!(acc & kinds[i].bit))
                continue;
            rm_strbuf_printf(sb, "%s\"%s\"", first ? "" : ", ",
                             kinds[i].name);
            first = 0;
        }
        rm_strbuf_append(sb, "]");
    }
    rm_strbuf_append(sb, ", \"help\": ");
    json_str_or_null(sb, pd->help);
    rm_strbuf_append(sb, "}");
}

static void describe_json(const rm_plugin_desc *d, rm_strbuf *sb)
{
    rm_strbuf_append(sb, "{\"name\": ");
    rm_strbuf_json_string(sb, d->name);
    rm_strbuf_append(sb, ", \"version\": ");
    json_str_or_null(sb, d->version);
    rm_strbuf_append(sb, ", \"summary\": ");
    json_str_or_null(sb, d->summary);
    rm_strbuf_append(sb, ", \"license\": ");
    json_str_or_null(sb, d->license);
    rm_strbuf_printf(sb, ", \"abi\": \"%u.%u\"", (unsigned)d->abi_major,
                     (unsigned)d->abi_minor);
    rm_strbuf_append(sb, ", \"params\": [");
    for (size_t i = 0; i < d->n_params; i++) {
        if (i)
            rm_strbuf_append(sb, ", ");
        json_param(&d->params[i], sb);
    }
    rm_strbuf_append(sb, "], \"outputs\": [");
    for (size_t i = 0; i < d->n_outputs; i++) {
        if (i)
            rm_strbuf_append(sb, ", ");
        rm_strbuf_append(sb, "{\"name\": ");
        rm_strbuf_json_string(sb, d->outputs[i].name);
        rm_strbuf_printf(sb, ", \"type\": \"%s\", \"help\": ",
                         geom_text(d->outputs[i].type));
        json_str_or_null(sb, d->outputs[i].help);
        rm_strbuf_append(sb, "}");
    }
    rm_strbuf_append(sb, "], \"help\": ");
    json_str_or_null(sb, d->help);
    rm_strbuf_append(sb, "}\n");
}

int rm_registry_describe(const rm_plugin_desc *desc, int json, char **out)
{
    *out = NULL;
    if (!desc || !desc->name)
        return RM_EINVAL;
    rm_strbuf sb = RM_STRBUF_INIT;
    if (json)
        describe_json(desc, &sb);
    else
        describe_text(desc, &sb);
    *out = rm_strbuf_take(&sb);
    return *out ? RM_OK : RM_ENOMEM;
}
