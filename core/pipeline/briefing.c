/*
 * rm_briefing: loading a briefing file and checking it against the plugin
 * registry without reading data — every step's plugin exists, its
 * parameters match the schema, and every reference (step inputs, pages,
 * exports) names a briefing layer or an output of an earlier step.
 */
#include <stdlib.h>
#include <string.h>

#include "briefing_internal.h"
#include "util/util.h"

int rm_briefing_load(rm_context *ctx, rm_briefing **out, const char *path)
{
    *out = NULL;
    rm_briefing *b = calloc(1, sizeof *b);
    if (!b)
        return RM_ENOMEM;
    int rc = rm__spec_load(ctx, &b->spec, path);
    if (rc != RM_OK) {
        free(b);
        return rc;
    }
    *out = b;
    return RM_OK;
}

void rm_briefing_destroy(rm_briefing *b)
{
    if (!b)
        return;
    rm__spec_destroy(b->spec);
    free(b->plugins);
    free(b->plugin_paths);
    free(b);
}

int rm__step_raw_from_spec(const rm__spec *s, const rm__spec_step *step,
                           rm__step_raw *out)
{
    out->n = step->n_params;
    out->params = rm_callocarray(step->n_params, sizeof *out->params);
    if (!out->params)
        return RM_ENOMEM;
    for (size_t i = 0; i < step->n_params; i++) {
        const rm__spec_param *p = &step->params[i];
        out->params[i].name = p->name;
        out->params[i].items = (const char *const *)p->value.items;
        out->params[i].n = p->value.n;
        out->params[i].is_list = p->value.is_list;
        out->params[i].loc = rm__spec_where(s, p->value.loc);
    }
    return RM_OK;
}

void rm__step_raw_free(rm__step_raw *r)
{
    free(r->params);
    r->params = NULL;
    r->n = 0;
}

/* Is `ref` a briefing layer, or "step.output" of a step before `before`
 * (all steps when before == n_steps)? */
static int reference_ok(const rm_briefing *b, const char *ref, size_t before)
{
    if (rm__spec_find_layer(b->spec, ref))
        return 1;
    const char *dot = strchr(ref, '.');
    if (!dot)
        return 0;
    for (size_t i = 0; i < before; i++) {
        const rm__spec_step *st = &b->spec->steps[i];
        size_t idlen = strlen(st->id);
        if ((size_t)(dot - ref) != idlen || strncmp(ref, st->id, idlen))
            continue;
        const rm_plugin_desc *d = b->plugins[i];
        for (size_t o = 0; d && o < d->n_outputs; o++)
            if (strcmp(dot + 1, d->outputs[o].name) == 0)
                return 1;
    }
    return 0;
}

static int unknown_reference(rm_context *ctx, const rm_briefing *b,
                             const char *ref, rm__spec_loc loc,
                             size_t before)
{
    rm_strbuf known = RM_STRBUF_INIT;
    for (size_t i = 0; i < b->spec->n_layers; i++)
        rm_strbuf_printf(&known, "%s%s", known.len ? ", " : "",
                         b->spec->layers[i].name);
    for (size_t i = 0; i < before; i++) {
        const rm_plugin_desc *d = b->plugins[i];
        for (size_t o = 0; d && o < d->n_outputs; o++)
            rm_strbuf_printf(&known, "%s%s.%s", known.len ? ", " : "",
                             b->spec->steps[i].id, d->outputs[o].name);
    }
    rm_location where = rm__spec_where(b->spec, loc);
    int rc = rm__error(ctx, RM_ESPEC_REF, &where,
                       "unknown layer '%s'; known here: %s", ref,
                       known.data ? known.data : "(none)");
    rm_strbuf_free(&known);
    return rc;
}

static int check_value_refs(rm_context *ctx, const rm_briefing *b,
                            const rm__spec_value *v, size_t before)
{
    for (size_t i = 0; i < v->n; i++) {
        rm__spec_loc loc = v->item_locs ? v->item_locs[i] : v->loc;
        if (!reference_ok(b, v->items[i], before))
            return unknown_reference(ctx, b, v->items[i], loc, before);
    }
    return RM_OK;
}

static int check_text_ref(rm_context *ctx, const rm_briefing *b,
                          const char *ref, rm__spec_loc loc)
{
    if (ref && !reference_ok(b, ref, b->spec->n_steps))
        return unknown_reference(ctx, b, ref, loc, b->spec->n_steps);
    return RM_OK;
}

static const char *plugin_path(const rm_registry *reg,
                               const rm_plugin_desc *d)
{
    for (size_t i = 0; i < rm_registry_count(reg); i++)
        if (rm_registry_plugin(reg, i) == d)
            return rm_registry_plugin_path(reg, i);
    return "";
}

/* Why a step's plugin is missing: refused (and why), or not there. */
static int plugin_not_found(rm_context *ctx, const rm__spec *s,
                            const rm__spec_step *st, const rm_registry *reg)
{
    rm_location where = rm__spec_where(s, st->plugin_loc);
    char *file = rm__asprintf("/routemap-%s.so", st->plugin);
    for (size_t k = 0; file && k < rm_registry_refused_count(reg); k++) {
        const char *path = rm_registry_refused_path(reg, k);
        size_t n = strlen(path), m = strlen(file);
        if (n >= m && strcmp(path + n - m, file) == 0) {
            free(file);
            return rm__error(ctx, RM_EPLUGIN_LOAD, &where,
                             "step '%s': plugin '%s' was refused: %s: %s",
                             st->id, st->plugin, path,
                             rm_registry_refused_reason(reg, k));
        }
    }
    free(file);
    rm_strbuf names = RM_STRBUF_INIT;
    for (size_t k = 0; k < rm_registry_count(reg); k++)
        rm_strbuf_printf(&names, "%s%s", k ? ", " : "",
                         rm_registry_plugin(reg, k)->name);
    int rc = rm__error(ctx, RM_EPLUGIN_NOTFOUND, &where,
                       "step '%s': no plugin named '%s' (available: %s); "
                       "'routemap plugins' lists them and any that were "
                       "refused",
                       st->id, st->plugin, names.data ? names.data : "none");
    rm_strbuf_free(&names);
    return rc;
}

static int check_step(rm_context *ctx, rm_briefing *b, rm_registry *reg,
                      size_t i)
{
    const rm__spec *s = b->spec;
    const rm__spec_step *st = &s->steps[i];
    const rm_plugin_desc *d = rm_registry_find(reg, st->plugin);
    if (!d)
        return plugin_not_found(ctx, s, st, reg);
    b->plugins[i] = d;
    b->plugin_paths[i] = plugin_path(reg, d);
    rm__step_raw raw;
    int rc = rm__step_raw_from_spec(s, st, &raw);
    if (rc != RM_OK)
        return rc;
    rm__params *params = NULL;
    rc = rm__params_resolve(ctx, d, st->id, raw.params, raw.n, NULL, NULL,
                            &params);
    if (rc != RM_OK && !rm_errloc(ctx)->file) {
        /* A message with no place of its own points at the step. */
        rm_location where = rm__spec_where(s, st->loc);
        char *msg = rm__strdup(rm_errmsg(ctx));
        rm__error(ctx, rc, &where, "%s", msg ? msg : rm_strerror(rc));
        free(msg);
    }
    /* Layer parameters name briefing layers or earlier steps' outputs. */
    for (size_t k = 0; rc == RM_OK && k < st->n_params; k++) {
        const rm__param_value *v = rm__params_get(params, st->params[k].name);
        if (v && (v->desc->type & ~RM_PARAM_LIST) == RM_PARAM_LAYER)
            rc = check_value_refs(ctx, b, &st->params[k].value, i);
    }
    rm__params_destroy(params);
    rm__step_raw_free(&raw);
    return rc;
}

int rm_briefing_check(rm_context *ctx, rm_briefing *b, rm_registry *reg)
{
    const rm__spec *s = b->spec;
    free(b->plugins);
    free(b->plugin_paths);
    b->checked = 0;
    b->plugins = rm_callocarray(s->n_steps, sizeof *b->plugins);
    b->plugin_paths = rm_callocarray(s->n_steps, sizeof *b->plugin_paths);
    if (!b->plugins || !b->plugin_paths)
        return RM_ENOMEM;
    int rc = RM_OK;
    for (size_t i = 0; rc == RM_OK && i < s->n_steps; i++)
        rc = check_step(ctx, b, reg, i);
    for (size_t p = 0; rc == RM_OK && p < s->n_pages; p++) {
        const rm__spec_page *pg = &s->pages[p];
        rc = check_value_refs(ctx, b, &pg->layers, s->n_steps);
        if (rc == RM_OK)
            rc = check_value_refs(ctx, b, &pg->labels, s->n_steps);
        if (rc == RM_OK)
            rc = check_text_ref(ctx, b, pg->atlas.s, pg->atlas.loc);
        if (rc == RM_OK && pg->extent == RM__SPEC_EXTENT_LAYER)
            rc = check_text_ref(ctx, b, pg->extent_layer, pg->extent_loc);
        for (size_t k = 0; rc == RM_OK && k < pg->n_styles; k++)
            rc = check_text_ref(ctx, b, pg->styles[k].layer,
                                pg->styles[k].layer_loc);
        for (size_t k = 0; rc == RM_OK && k < pg->n_titles; k++)
            rc = check_text_ref(ctx, b, pg->titles[k].layer,
                                pg->titles[k].layer_loc);
    }
    if (rc == RM_OK)
        rc = check_value_refs(ctx, b, &s->outputs.export_layers,
                              s->n_steps);
    b->checked = rc == RM_OK;
    return rc;
}

int rm_briefing_run(rm_context *ctx, rm_briefing *b, rm_registry *reg,
                    const rm_run_options *opt)
{
    int rc = b->checked ? RM_OK : rm_briefing_check(ctx, b, reg);
    if (rc != RM_OK)
        return rc;
    rm_run_options defaults = RM_RUN_OPTIONS_INIT;
    return rm__briefing_execute(ctx, b, reg, opt ? opt : &defaults);
}
