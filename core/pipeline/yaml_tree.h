/*
 * A small YAML document tree built from libyaml events: scalars, sequences
 * and mappings, each node with its 1-based line and column. The tree is
 * always finite and shallow: nesting is limited, mapping keys are unique
 * text, aliases are expanded within a node and byte budget, and an alias
 * can never refer to a node that contains it.
 */
#ifndef RM_CORE_PIPELINE_YAML_TREE_H
#define RM_CORE_PIPELINE_YAML_TREE_H

#include <stddef.h>

#include "routemap/context.h"

/** Deepest nesting of sequences and mappings accepted (root is depth 1). */
#define RM__YAML_MAX_DEPTH 32
/** Most nodes in one tree, aliases expanded. */
#define RM__YAML_MAX_NODES 200000
/** Most scalar bytes in one tree, aliases expanded. */
#define RM__YAML_MAX_BYTES (32u * 1024u * 1024u)

typedef enum rm__ynode_kind {
    RM__YNODE_SCALAR = 1,
    RM__YNODE_SEQ = 2,
    RM__YNODE_MAP = 3
} rm__ynode_kind;

typedef struct rm__ynode rm__ynode;

/** One mapping entry; `key` is always a scalar. */
typedef struct rm__ypair {
    rm__ynode *key;
    rm__ynode *value;
} rm__ypair;

struct rm__ynode {
    rm__ynode_kind kind;
    int line;   /* 1-based line of the node's first character */
    int column; /* 1-based column (characters, not bytes) */
    /* scalar */
    char *text;  /* NUL-terminated UTF-8, never contains NUL */
    size_t len;  /* strlen(text) */
    int plain;   /* 1: unquoted (plain) scalar, so "~" or "" mean null */
    /* sequence */
    rm__ynode **items;
    size_t n_items;
    /* mapping, in document order */
    rm__ypair *pairs;
    size_t n_pairs;
};

/**
 * Parse one YAML document. `name` is used in messages ("name:line:col").
 * @param[out] out the root node; NULL for an empty stream or a document
 *   that is a plain empty or null scalar. Caller frees with rm__ynode_free.
 * @return RM_OK; RM_ESPEC_SYNTAX (YAML error, invalid UTF-8, too deep, more
 *   than one document, unknown alias), RM_ESPEC_KEY (duplicate key),
 *   RM_ESPEC_TYPE (a key that is not text), RM_ESPEC_VALUE (text with a
 *   NUL character, too many nodes), RM_ENOMEM.
 */
int rm__ytree_parse(rm_context *ctx, rm__ynode **out, const char *text,
                    size_t len, const char *name);

/** Free a node and everything under it. NULL is a no-op. */
void rm__ynode_free(rm__ynode *node);

/**
 * The pair with key `key` in a mapping, or NULL (also when `map` is not a
 * mapping).
 */
const rm__ypair *rm__ymap_find(const rm__ynode *map, const char *key);

/** 1 when `node` is NULL or a plain scalar "", "~", "null", "Null", "NULL". */
int rm__ynode_is_null(const rm__ynode *node);

/** "text", "list" or "mapping", for messages. */
const char *rm__ynode_kind_name(const rm__ynode *node);

#endif
