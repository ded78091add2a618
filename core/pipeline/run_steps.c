/*
 * Running a briefing's steps in order. Each step's parameters are resolved
 * against its plugin's schema with the catalog at hand (so layer
 * parameters get their layers), the plugin runs under the step's limits
 * (timeout_s, memory_mb, else the defaults), and its outputs join the
 * catalog as "step.output" for later steps, pages and exports.
 */
#include <stdlib.h>
#include <string.h>

#include "plugin/step.h"
#include "run_state.h"
#include "util/util.h"

typedef struct step_progress {
    const rm_run_options *opt;
    const char *id;
} step_progress;

static void forward_progress(void *ud, const char *what, double fraction)
{
    step_progress *sp = ud;
    (void)what;
    if (sp->opt->progress)
        sp->opt->progress(sp->opt->progress_userdata, sp->id, fraction);
}

static char *notes_json(const rm__step_result *res)
{
    rm_strbuf sb = RM_STRBUF_INIT;
    rm_strbuf_append(&sb, "{");
    for (size_t i = 0; i < res->n_notes; i++) {
        if (i)
            rm_strbuf_append(&sb, ",");
        rm_strbuf_json_string(&sb, res->note_keys[i]);
        rm_strbuf_append(&sb, ":");
        rm_strbuf_json_string(&sb, res->note_values[i]);
    }
    rm_strbuf_append(&sb, "}");
    return rm_strbuf_take(&sb);
}

/* Move the step's outputs into the catalog; records their sizes. */
static int adopt_outputs(rm__run *r, const rm__spec_step *st,
                         const rm_plugin_desc *d, rm__step_result *res,
                         rm__step_record *rec)
{
    rm_strbuf sb = RM_STRBUF_INIT;
    rm_strbuf_append(&sb, "{");
    int rc = RM_OK, first = 1;
    for (size_t o = 0; o < res->n && o < d->n_outputs; o++) {
        rm_layer *l = res->layers[o];
        res->layers[o] = NULL;
        if (!l)
            continue;
        char *name = rm__asprintf("%s.%s", st->id, d->outputs[o].name);
        if (!name) {
            rm_layer_destroy(l);
            rc = RM_ENOMEM;
            break;
        }
        rm_strbuf_printf(&sb, "%s\"%s\":", first ? "" : ",",
                         d->outputs[o].name);
        first = 0;
        if (rm_layer_geom_type(l) == RM_GEOM_RASTER)
            rm_strbuf_printf(&sb, "[%d,%d]", rm_layer_raster_width(l),
                             rm_layer_raster_height(l));
        else
            rm_strbuf_printf(&sb, "%zu", rm_layer_feature_count(l));
        /* The catalog key is "step.output"; the layer's own name, used as
         * the table name in exports, is "step_output". */
        char *table = rm__asprintf("%s_%s", st->id, d->outputs[o].name);
        rc = table ? rm_layer_set_name(l, table) : RM_ENOMEM;
        free(table);
        if (rc != RM_OK) {
            free(name);
            rm_layer_destroy(l);
            break;
        }
        rc = rm__catalog_add(&r->catalog, name, l, 1);
        free(name);
        if (rc != RM_OK)
            break;
    }
    rm_strbuf_append(&sb, "}");
    rec->outputs_json = rm_strbuf_take(&sb);
    return rc != RM_OK ? rc : rec->outputs_json ? RM_OK : RM_ENOMEM;
}

/*
 * A failure of the plugin itself (crash, timeout, memory, bad output)
 * has no place in a data source: point it at the step in the briefing,
 * or at the limit the briefing set when that limit was hit.
 */
static void locate_error(rm__run *r, const rm__spec_step *st)
{
    const rm_location *had = rm_errloc(r->ctx);
    if (had && (had->file || had->source))
        return;
    int code = rm_errcode(r->ctx);
    const char *msg = rm_errmsg(r->ctx);
    rm__spec_loc at = st->loc;
    if (st->timeout_s > 0 && strstr(msg, "(timeout_s)"))
        at = st->timeout_loc;
    else if (st->memory_mb > 0 && strstr(msg, "memory_mb"))
        at = st->memory_loc;
    char *copy = rm__strdup(msg);
    if (!copy)
        return;
    rm_location loc = rm__spec_where(r->b->spec, at);
    rm__error(r->ctx, code, &loc, "%s", copy);
    free(copy);
}

static int run_step(rm__run *r, size_t i)
{
    const rm__spec *s = r->b->spec;
    const rm__spec_step *st = &s->steps[i];
    const rm_plugin_desc *d = r->b->plugins[i];
    rm__step_raw raw;
    int rc = rm__step_raw_from_spec(s, st, &raw);
    if (rc != RM_OK)
        return rc;
    rm__params *params = NULL;
    rc = rm__params_resolve_ex(r->ctx, d, st->id, raw.params, raw.n,
                               rm__catalog_lookup, rm__catalog_name_at,
                               &r->catalog, &params);
    rm__step_raw_free(&raw);
    if (rc != RM_OK)
        return rc;
    rm_strbuf pj = RM_STRBUF_INIT;
    rm__params_json(params, &pj);
    r->steps[i].params_json = rm_strbuf_take(&pj);

    step_progress sp = {r->opt, st->id};
    rm__step_result res;
    memset(&res, 0, sizeof res);
    rm__step_limits lim = rm__step_limits_default();
    if (st->timeout_s > 0)
        lim.timeout_s = st->timeout_s;
    if (st->memory_mb > 0)
        lim.memory_mb = st->memory_mb;
    /* In process no limit holds: the manifest says so (null). */
    r->steps[i].in_process = r->opt->in_process;
    r->steps[i].timeout_s = r->opt->in_process ? 0 : lim.timeout_s;
    r->steps[i].memory_mb = r->opt->in_process ? 0 : lim.memory_mb;
    rc = rm__step_run_limited(r->ctx, d, st->id, params, r->crs, r->area,
                              forward_progress, &sp, r->opt->in_process,
                              &lim, &res);
    if (rc != RM_OK)
        locate_error(r, st);
    if (rc == RM_OK) {
        r->steps[i].notes_json = notes_json(&res);
        rc = adopt_outputs(r, st, d, &res, &r->steps[i]);
    }
    rm__step_result_free(&res);
    rm__params_destroy(params);
    return rc;
}

int rm__run_steps(rm__run *r)
{
    int rc = RM_OK;
    for (size_t i = 0; rc == RM_OK && i < r->b->spec->n_steps; i++)
        rc = run_step(r, i);
    return rc;
}
