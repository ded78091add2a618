/*
 * Helpers of the hotspots plugin tests (see hs_test.h): the plugin is run
 * exactly as the pipeline runs it, through the static registry entry, the
 * parameter resolver and the step runner.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hs_test.h"
#include "routemap/errors.h"
#include "routemap/registry.h"

int rm_plugin_hotspots_init_static(const rm_host_api *api,
                                   rm_plugin_desc *out);

rm_layer *hs_t_points(const double *xy, size_t n, const int64_t *ms)
{
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, "incidents", RM_GEOM_POINT), RM_OK);
    int f = -1;
    if (ms) {
        f = rm_layer_add_field(l, "when", RM_FIELD_DATETIME);
        assert_true(f >= 0);
        assert_int_equal(rm_layer_set_role(l, RM_ROLE_TIME, f), RM_OK);
    }
    for (size_t i = 0; i < n; i++) {
        assert_true(rm_layer_begin_feature(l, (int64_t)i + 1) >= 0);
        assert_int_equal(rm_layer_add_part(l, xy + 2 * i, 1, NULL, 1), RM_OK);
        if (ms)
            assert_int_equal(rm_layer_set_datetime(l, f, ms[i]), RM_OK);
    }
    return l;
}

typedef struct cat {
    rm_layer **layers;
    size_t n;
} cat;

static const rm_layer *lookup(void *ud, const char *name)
{
    cat *c = ud;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(rm_layer_name(c->layers[i]), name) == 0)
            return c->layers[i];
    return NULL;
}

void hs_t_exec(hs_t_run *t, rm_layer **layers, size_t n_layers,
               const char *const *sets, size_t n_sets, const double *area)
{
    memset(t, 0, sizeof *t);
    assert_int_equal(rm_context_create(&t->ctx), RM_OK);
    assert_int_equal(rm_registry_create(t->ctx, &t->reg), RM_OK);
    assert_int_equal(rm_registry_add_static(t->reg,
                                            rm_plugin_hotspots_init_static,
                                            "static"),
                     RM_OK);
    t->desc = rm_registry_find(t->reg, "hotspots");
    assert_non_null(t->desc);
    size_t cap = n_sets + 1;
    rm__raw_param *raw = calloc(cap, sizeof *raw);
    char **names = calloc(cap, sizeof *names);
    const char **vals = calloc(cap, sizeof *vals);
    assert_non_null(raw);
    size_t n = 0;
    int has_inc = 0;
    for (size_t i = 0; i < n_layers; i++)
        has_inc |= strcmp(rm_layer_name(layers[i]), "incidents") == 0;
    int sets_inc = 0;
    for (size_t i = 0; i < n_sets; i++)
        sets_inc |= strncmp(sets[i], "incidents=", 10) == 0;
    if (has_inc && !sets_inc) {
        names[n] = strdup("incidents");
        vals[n] = "incidents";
        n++;
    }
    for (size_t i = 0; i < n_sets; i++) {
        const char *eq = strchr(sets[i], '=');
        assert_non_null(eq);
        names[n] = strndup(sets[i], (size_t)(eq - sets[i]));
        vals[n] = eq + 1;
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        raw[i].name = names[i];
        raw[i].items = &vals[i];
        raw[i].n = 1;
        raw[i].is_list = 0;
        raw[i].loc.fid = -1;
    }
    cat c = {layers, n_layers};
    rm__params *params = NULL;
    t->rc = rm__params_resolve(t->ctx, t->desc, "hs", raw, n, lookup, &c,
                               &params);
    if (t->rc == RM_OK) {
        rm_bbox box = {NAN, NAN, NAN, NAN};
        if (area) {
            box.minx = area[0];
            box.miny = area[1];
            box.maxx = area[2];
            box.maxy = area[3];
        }
        t->rc = rm__step_run(t->ctx, t->desc, "hs", params, "EPSG:32631",
                             box, NULL, NULL, 1, &t->res);
    }
    if (t->rc != RM_OK)
        fprintf(stderr, "hotspots run: %s\n", rm_errmsg(t->ctx));
    rm__params_destroy(params);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(vals);
    free(raw);
}

void hs_t_free(hs_t_run *t)
{
    rm__step_result_free(&t->res);
    rm_registry_destroy(t->reg);
    rm_context_destroy(t->ctx);
    memset(t, 0, sizeof *t);
}

const rm_layer *hs_t_out(const hs_t_run *t, const char *name)
{
    for (size_t i = 0; i < t->desc->n_outputs && i < t->res.n; i++)
        if (strcmp(t->desc->outputs[i].name, name) == 0)
            return t->res.layers[i];
    return NULL;
}

int hs_t_field(const rm_layer *l, const char *name)
{
    int f = rm_layer_field_index(l, name);
    if (f < 0)
        fprintf(stderr, "no field '%s' in '%s'\n", name, rm_layer_name(l));
    assert_true(f >= 0);
    return f;
}

const char *hs_t_note(const hs_t_run *t, const char *key)
{
    for (size_t i = 0; i < t->res.n_notes; i++)
        if (strcmp(t->res.note_keys[i], key) == 0)
            return t->res.note_values[i];
    return NULL;
}
