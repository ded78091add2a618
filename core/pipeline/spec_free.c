/*
 * Freeing a briefing spec. Every member may be NULL or zero (a spec is
 * freed half-built when parsing fails), so each free here tolerates that.
 */
#include <stdlib.h>

#include "spec.h"

static void free_text(rm__spec_text *t)
{
    free(t->s);
    t->s = NULL;
}

static void free_value(rm__spec_value *v)
{
    if (v->items)
        for (size_t i = 0; i < v->n; i++)
            free(v->items[i]);
    free(v->items);
    free(v->item_locs);
    v->items = NULL;
    v->item_locs = NULL;
    v->n = 0;
}

static void free_layer(rm__spec_layer *l)
{
    free(l->name);
    free_text(&l->source);
    free_text(&l->layer);
    free_text(&l->where);
    for (int r = 0; r < RM_ROLE_COUNT; r++)
        free_text(&l->role_fields[r]);
    free_value(&l->sensitive);
    free_text(&l->x);
    free_text(&l->y);
    free_text(&l->wkt);
    free_text(&l->crs);
    free_text(&l->style);
    free_text(&l->title);
}

static void free_step(rm__spec_step *st)
{
    free(st->id);
    free(st->plugin);
    if (st->params)
        for (size_t i = 0; i < st->n_params; i++) {
            free(st->params[i].name);
            free_value(&st->params[i].value);
        }
    free(st->params);
}

static void free_layer_refs(rm__spec_layer_ref *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(refs[i].layer);
        free(refs[i].value);
    }
    free(refs);
}

static void free_page(rm__spec_page *pg)
{
    free_text(&pg->title);
    free_text(&pg->subtitle);
    free_text(&pg->note);
    free_value(&pg->layers);
    free(pg->extent_layer);
    free_text(&pg->atlas);
    free_text(&pg->atlas_title);
    free_layer_refs(pg->styles, pg->n_styles);
    free_layer_refs(pg->titles, pg->n_titles);
    free_value(&pg->labels);
}

void rm__spec_destroy(rm__spec *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->dir);
    rm__spec_briefing *b = &s->briefing;
    free_text(&b->title);
    free_text(&b->subtitle);
    free_text(&b->classification);
    free_text(&b->classification_color);
    free_text(&b->organisation);
    free_text(&b->author);
    free_text(&b->disclaimer);
    free_text(&b->sources);
    free_text(&b->crs);
    if (s->layers)
        for (size_t i = 0; i < s->n_layers; i++)
            free_layer(&s->layers[i]);
    free(s->layers);
    if (s->steps)
        for (size_t i = 0; i < s->n_steps; i++)
            free_step(&s->steps[i]);
    free(s->steps);
    if (s->pages)
        for (size_t i = 0; i < s->n_pages; i++)
            free_page(&s->pages[i]);
    free(s->pages);
    rm__spec_outputs *o = &s->outputs;
    free_text(&o->pdf);
    free_text(&o->export_path);
    free_value(&o->export_layers);
    free_text(&o->manifest);
    free(s);
}
