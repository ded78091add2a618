/*
 * Each context's cache of the transformations made in it, keyed by the
 * source and target CRS definitions as given: the same pair is searched
 * for in PROJ's database once, later requests get a copy. Entries belong
 * to the context's PROJ context and are used by its thread only.
 */
#include <stdlib.h>
#include <string.h>

#include "crs/crs_internal.h"
#include "util/context_internal.h"
#include "util/util.h"

/* Pairs kept per context; a briefing uses a handful. */
#define CACHE_MAX 16

typedef struct cache_entry {
    char *from, *to;
    rm_transform *tr;
} cache_entry;

struct rm__transform_cache {
    size_t n;
    cache_entry e[CACHE_MAX];
};

int rm__transform_cache_get(rm_context *ctx, const char *from, const char *to,
                            rm_transform **out)
{
    *out = NULL;
    struct rm__transform_cache *c = ctx->transforms;
    for (size_t i = 0; c && i < c->n; i++)
        if (strcmp(c->e[i].from, from) == 0 && strcmp(c->e[i].to, to) == 0)
            return rm__transform_copy(ctx, c->e[i].tr, out);
    return RM_EINVAL;
}

void rm__transform_cache_put(rm_context *ctx, const char *from,
                             const char *to, const rm_transform *tr)
{
    if (!ctx->transforms &&
        !(ctx->transforms = calloc(1, sizeof *ctx->transforms)))
        return;
    struct rm__transform_cache *c = ctx->transforms;
    if (c->n == CACHE_MAX)
        return;
    cache_entry e = {rm__strdup(from), rm__strdup(to), NULL};
    if (!e.from || !e.to || rm__transform_copy(ctx, tr, &e.tr) != RM_OK) {
        free(e.from);
        free(e.to);
        return;
    }
    c->e[c->n++] = e;
}

void rm__transform_cache_free(rm_context *ctx)
{
    struct rm__transform_cache *c = ctx->transforms;
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        rm_transform_destroy(c->e[i].tr);
        free(c->e[i].from);
        free(c->e[i].to);
    }
    free(c);
    ctx->transforms = NULL;
}
