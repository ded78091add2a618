/*
 * The run's layer catalog: a small array searched by name (briefings have
 * tens of layers, not thousands).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "util/util.h"

int rm__catalog_add(rm__catalog *c, const char *name, rm_layer *layer,
                    int is_output)
{
    char *copy = rm__strdup(name);
    if (!copy || rm__grow((void **)&c->entries, &c->cap, c->n + 1,
                          sizeof *c->entries)) {
        free(copy);
        rm_layer_destroy(layer);
        return RM_ENOMEM;
    }
    c->entries[c->n].name = copy;
    c->entries[c->n].layer = layer;
    c->entries[c->n].is_output = is_output;
    c->n++;
    return RM_OK;
}

const rm_layer *rm__catalog_get(const rm__catalog *c, const char *name)
{
    for (size_t i = 0; name && i < c->n; i++)
        if (strcmp(c->entries[i].name, name) == 0)
            return c->entries[i].layer;
    return NULL;
}

const rm_layer *rm__catalog_lookup(void *ud, const char *name)
{
    return rm__catalog_get(ud, name);
}

const char *rm__catalog_name_at(void *ud, size_t i)
{
    const rm__catalog *c = ud;
    return i < c->n ? c->entries[i].name : NULL;
}

void rm__catalog_free(rm__catalog *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].name);
        rm_layer_destroy(c->entries[i].layer);
    }
    free(c->entries);
    c->entries = NULL;
    c->n = c->cap = 0;
}
