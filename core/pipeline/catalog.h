/*
 * The catalog of a run: every layer by the name a briefing uses for it —
 * input layers by their own name, step outputs as "step.output". The
 * catalog owns its layers.
 */
#ifndef RM_CORE_PIPELINE_CATALOG_H
#define RM_CORE_PIPELINE_CATALOG_H

#include <stddef.h>

#include "routemap/layer.h"

typedef struct rm__catalog_entry {
    char *name;
    rm_layer *layer;
    int is_output; /* 1: produced by a step */
} rm__catalog_entry;

typedef struct rm__catalog {
    rm__catalog_entry *entries;
    size_t n, cap;
} rm__catalog;

/** Add `layer` under `name`; the catalog takes ownership (also on error). */
int rm__catalog_add(rm__catalog *c, const char *name, rm_layer *layer,
                    int is_output);
/** The layer called `name`, or NULL. */
const rm_layer *rm__catalog_get(const rm__catalog *c, const char *name);
/** rm__layer_lookup-compatible: ud is the catalog. */
const rm_layer *rm__catalog_lookup(void *ud, const char *name);
/** rm__layer_name_at-compatible: ud is the catalog. */
const char *rm__catalog_name_at(void *ud, size_t i);
void rm__catalog_free(rm__catalog *c);

#endif
