/*
 * Fuzz target: parameter values as `--set PARAM=VALUE` or a briefing step
 * gives them, checked against a schema with one parameter of every type
 * (bounded numbers, units, enums, layers, lists). Each input line is one
 * parameter; a line "name=[a|b|c]" is a YAML sequence of three items. Any
 * text must resolve or fail with a message, never crash.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "plugin/params.h"
#include "routemap/layer.h"

#define MAX_LINES 32
#define MAX_ITEMS 64

static const rm_param_desc PARAMS[] = {
    {"n", RM_PARAM_INT, NULL, "3", 0, 1, 1000, NULL, 0, "a count"},
    {"ratio", RM_PARAM_REAL, NULL, NULL, 0, 0, 1, NULL, 0, "a fraction"},
    {"radius", RM_PARAM_DISTANCE, "km", "5 km", 0, 0, 500, NULL, 0, "r"},
    {"gap", RM_PARAM_DURATION, "h", "6 h", 0, 0, NAN, NULL, 0, "gap"},
    {"dissolve", RM_PARAM_BOOL, NULL, "false", 0, NAN, NAN, NULL, 0, "d"},
    {"label", RM_PARAM_STRING, NULL, NULL, 0, NAN, NAN, NULL, 0, "text"},
    {"shape", RM_PARAM_ENUM, NULL, "hex", 0, NAN, NAN, "hex|square", 0,
     "cell shape"},
    {"tracks", RM_PARAM_LAYER, NULL, NULL, 1, NAN, NAN, NULL,
     RM_ACCEPT_LINE, "tracks"},
    {"extra", RM_PARAM_LAYER | RM_PARAM_LIST, NULL, NULL, 0, NAN, NAN, NULL,
     0, "more layers"},
    {"weights", RM_PARAM_REAL | RM_PARAM_LIST, NULL, "1,2", 0, -10, 10,
     NULL, 0, "weights"},
    {"years", RM_PARAM_INT | RM_PARAM_LIST, NULL, NULL, 0, 1900, 2100, NULL,
     0, "years"},
    {"bands", RM_PARAM_DISTANCE | RM_PARAM_LIST, "m", NULL, 0, 0, NAN, NULL,
     0, "bands"},
    {"kinds", RM_PARAM_ENUM | RM_PARAM_LIST, NULL, NULL, 0, NAN, NAN,
     "fuel|gold|arms", 0, "kinds"},
};

static const rm_plugin_desc DESC = {
    sizeof(rm_plugin_desc), RM_PLUGIN_ABI_MAJOR, RM_PLUGIN_ABI_MINOR,
    "fuzz", "1.0", "schema of every parameter type", "CC0-1.0",
    PARAMS, sizeof PARAMS / sizeof PARAMS[0], NULL, 0, NULL, NULL};

static rm_layer *lines, *points;

static void free_layers(void)
{
    rm_layer_destroy(lines);
    rm_layer_destroy(points);
}

static const rm_layer *lookup(void *ud, const char *name)
{
    (void)ud;
    if (!lines) {
        if (rm_layer_create(&lines, "tracks", RM_GEOM_LINE) ||
            rm_layer_create(&points, "incidents", RM_GEOM_POINT))
            return NULL;
        atexit(free_layers);
    }
    if (strcmp(name, "tracks") == 0 || strcmp(name, "step.out") == 0)
        return lines;
    return strcmp(name, "incidents") == 0 ? points : NULL;
}

static const char *name_at(void *ud, size_t i)
{
    static const char *const names[] = {"tracks", "incidents", "step.out"};
    (void)ud;
    return i < 3 ? names[i] : NULL;
}

/* Split `line` (modified in place) into a raw parameter. */
static void parse_line(char *line, rm__raw_param *rp, const char **items,
                       size_t *n_items)
{
    char *eq = strchr(line, '=');
    const char *value = "";
    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }
    rp->name = line;
    rp->loc = rm__loc_data("--set", NULL, -1);
    size_t vl = strlen(value);
    if (vl >= 2 && value[0] == '[' && value[vl - 1] == ']') {
        char *v = (char *)value + 1;
        v[vl - 2] = '\0';
        rp->is_list = 1;
        rp->items = items + *n_items;
        rp->n = 0;
        while (*n_items < MAX_ITEMS) {
            items[(*n_items)++] = v;
            rp->n++;
            char *bar = strchr(v, '|');
            if (!bar)
                break;
            *bar = '\0';
            v = bar + 1;
        }
        return;
    }
    rp->is_list = 0;
    rp->n = 1;
    rp->items = items + *n_items;
    items[(*n_items)++] = value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_context *ctx = rm_fuzz_context();
    char *text = malloc(size + 1);
    if (!ctx || !text) {
        free(text);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    rm__raw_param raw[MAX_LINES];
    const char *items[MAX_ITEMS];
    size_t n = 0, n_items = 0;
    for (char *line = text; line && n < MAX_LINES && n_items < MAX_ITEMS;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        memset(&raw[n], 0, sizeof raw[n]);
        parse_line(line, &raw[n], items, &n_items);
        n++;
        line = nl ? nl + 1 : NULL;
    }
    /* Validation without data, then with layers, as a run does. */
    rm__params *p = NULL;
    int rc = rm__params_resolve(ctx, &DESC, "fuzz", raw, n, NULL, NULL, &p);
    rm__params_destroy(p);
    p = NULL;
    if (rc == RM_OK) {
        rc = rm__params_resolve_ex(ctx, &DESC, "fuzz", raw, n, lookup,
                                   name_at, NULL, &p);
        if (rc == RM_OK) {
            rm_strbuf sb = RM_STRBUF_INIT;
            rm__params_json(p, &sb);
            rm_strbuf_free(&sb);
            for (size_t i = 0; i < rm__params_count(p); i++) {
                const rm__param_value *v = rm__params_at(p, i);
                for (size_t k = 0; v->reals && k < v->n; k++)
                    if (!isfinite(v->reals[k]))
                        __builtin_trap(); /* checked values are finite */
            }
        }
        rm__params_destroy(p);
    }
    free(text);
    return 0;
}
