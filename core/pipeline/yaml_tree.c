/*
 * Builds the small YAML node tree from libyaml's event stream, without
 * recursion on input-controlled depth: open containers live on an explicit
 * stack capped at RM__YAML_MAX_DEPTH. Aliases are expanded by copying the
 * completed anchored node, counted against node and byte budgets, so no
 * input can make the tree cyclic, deep or huge.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/util.h"
#include "yaml_tree.h"

/* Longest input accepted, in bytes. */
#define MAX_YAML_INPUT (64u * 1024u * 1024u)

typedef struct frame {
    rm__ynode *node;
    size_t cap;   /* capacity of node->items or node->pairs */
    char *anchor; /* registered when the container closes */
} frame;

typedef struct anchor {
    char *name;
    rm__ynode *node;
} anchor;

typedef struct builder {
    rm_context *ctx;
    const char *name;
    const char *text;
    size_t len;
    rm__ynode *root;
    frame *stack;
    size_t depth, stack_cap;
    anchor *anchors;
    size_t n_anchors, anchors_cap;
    size_t n_nodes;
    size_t n_bytes;
    int n_docs;
} builder;

static int clamp_int(size_t v)
{
    return v >= (size_t)INT_MAX - 1 ? INT_MAX - 1 : (int)v;
}

static int fail(builder *b, int code, int line, int column, const char *fmt,
                ...) RM__PRINTF(5, 6);

static int fail(builder *b, int code, int line, int column, const char *fmt,
                ...)
{
    rm_location loc = rm__loc_file(b->name, line, column);
    va_list ap;
    va_start(ap, fmt);
    rm__verror(b->ctx, code, &loc, fmt, ap);
    va_end(ap);
    return code;
}

static int fail_mark(builder *b, int code, yaml_mark_t m, const char *fmt,
                     const char *arg)
{
    return fail(b, code, clamp_int(m.line) + 1, clamp_int(m.column) + 1, fmt,
                arg);
}

void rm__ynode_free(rm__ynode *node)
{
    if (!node)
        return;
    free(node->text);
    for (size_t i = 0; i < node->n_items; i++)
        rm__ynode_free(node->items[i]);
    free(node->items);
    for (size_t i = 0; i < node->n_pairs; i++) {
        rm__ynode_free(node->pairs[i].key);
        rm__ynode_free(node->pairs[i].value);
    }
    free(node->pairs);
    free(node);
}

static int new_node(builder *b, rm__ynode **out, rm__ynode_kind kind,
                    yaml_mark_t m)
{
    *out = NULL;
    if (b->n_nodes >= RM__YAML_MAX_NODES)
        return fail_mark(b, RM_ESPEC_VALUE, m,
                         "the briefing holds more than %s values (aliases "
                         "expanded); it cannot be a real briefing",
                         "200000");
    rm__ynode *n = calloc(1, sizeof *n);
    if (!n)
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    n->kind = kind;
    n->line = clamp_int(m.line) + 1;
    n->column = clamp_int(m.column) + 1;
    b->n_nodes++;
    *out = n;
    return RM_OK;
}

/* Line and column of a byte offset in the raw input (reader errors). */
static void offset_position(const builder *b, size_t off, int *line,
                            int *column)
{
    int l = 1, c = 1;
    if (off > b->len)
        off = b->len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)b->text[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= b->len ||
                                          b->text[i + 1] != '\n'))) {
            if (l < INT_MAX - 1)
                l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80 && ch != '\r') {
            if (c < INT_MAX - 1)
                c++;
        }
    }
    *line = l;
    *column = c;
}

static int parser_error(builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_MEMORY_ERROR)
        return rm__error(b->ctx, RM_ENOMEM, NULL,
                         "out of memory reading YAML");
    if (p->error == YAML_READER_ERROR) {
        int line, column;
        offset_position(b, p->problem_offset, &line, &column);
        if (p->problem_value != -1)
            return fail(b, RM_ESPEC_SYNTAX, line, column,
                        "the briefing is not valid text: %s (#%X); save "
                        "it as UTF-8 without control characters",
                        problem, (unsigned)p->problem_value);
        return fail(b, RM_ESPEC_SYNTAX, line, column,
                    "the briefing is not valid text: %s; save it as UTF-8",
                    problem);
    }
    int line = clamp_int(p->problem_mark.line) + 1;
    int column = clamp_int(p->problem_mark.column) + 1;
    if (p->context)
        return fail(b, RM_ESPEC_SYNTAX, line, column,
                    "YAML syntax error: %s %s (from line %d, column %d); "
                    "check indentation, colons, brackets and quotes",
                    problem, p->context,
                    clamp_int(p->context_mark.line) + 1,
                    clamp_int(p->context_mark.column) + 1);
    return fail(b, RM_ESPEC_SYNTAX, line, column,
                "YAML syntax error: %s; check indentation, colons, "
                "brackets and quotes",
                problem);
}

/* Height of a subtree in containers (scalar 0); bounded by the limit. */
static int measure(const rm__ynode *n, size_t *nodes, size_t *bytes)
{
    int h = 0;
    (*nodes)++;
    if (n->kind == RM__YNODE_SCALAR) {
        *bytes += n->len;
        return 0;
    }
    for (size_t i = 0; i < n->n_items; i++) {
        int c = measure(n->items[i], nodes, bytes);
        if (c > h)
            h = c;
    }
    for (size_t i = 0; i < n->n_pairs; i++) {
        measure(n->pairs[i].key, nodes, bytes);
        int c = measure(n->pairs[i].value, nodes, bytes);
        if (c > h)
            h = c;
    }
    return h + 1;
}

static rm__ynode *copy_node(const rm__ynode *src)
{
    rm__ynode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = src->kind;
    n->line = src->line;
    n->column = src->column;
    n->plain = src->plain;
    n->len = src->len;
    if (src->text && !(n->text = rm__strdup(src->text)))
        goto fail;
    if (src->n_items) {
        n->items = rm_callocarray(src->n_items, sizeof *n->items);
        if (!n->items)
            goto fail;
        for (size_t i = 0; i < src->n_items; i++) {
            if (!(n->items[i] = copy_node(src->items[i])))
                goto fail;
            n->n_items = i + 1;
        }
    }
    if (src->n_pairs) {
        n->pairs = rm_callocarray(src->n_pairs, sizeof *n->pairs);
        if (!n->pairs)
            goto fail;
        for (size_t i = 0; i < src->n_pairs; i++) {
            n->n_pairs = i + 1;
            if (!(n->pairs[i].key = copy_node(src->pairs[i].key)) ||
                !(n->pairs[i].value = copy_node(src->pairs[i].value)))
                goto fail;
        }
    }
    return n;
fail:
    rm__ynode_free(n);
    return NULL;
}

static int register_anchor(builder *b, const char *name, rm__ynode *node)
{
    for (size_t i = 0; i < b->n_anchors; i++) {
        if (strcmp(b->anchors[i].name, name) == 0) {
            b->anchors[i].node = node; /* a later anchor wins */
            return RM_OK;
        }
    }
    if (rm__grow((void **)&b->anchors, &b->anchors_cap, b->n_anchors + 1,
                 sizeof *b->anchors) != 0)
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    char *copy = rm__strdup(name);
    if (!copy)
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    b->anchors[b->n_anchors].name = copy;
    b->anchors[b->n_anchors].node = node;
    b->n_anchors++;
    return RM_OK;
}

/*
 * Attach a new node to the open container (or make it the root). Takes
 * ownership of `n` in every case.
 */
static int attach(builder *b, rm__ynode *n)
{
    if (b->depth == 0) {
        if (b->root) { /* cannot happen: one root per document */
            rm__ynode_free(n);
            return rm__error(b->ctx, RM_EINTERNAL, NULL,
                             "YAML document with two roots");
        }
        b->root = n;
        return RM_OK;
    }
    frame *f = &b->stack[b->depth - 1];
    rm__ynode *parent = f->node;
    if (parent->kind == RM__YNODE_SEQ) {
        if (rm__grow((void **)&parent->items, &f->cap, parent->n_items + 1,
                     sizeof *parent->items) != 0) {
            rm__ynode_free(n);
            return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
        }
        parent->items[parent->n_items++] = n;
        return RM_OK;
    }
    /* mapping: a key opens a new pair, a value completes the last one */
    if (parent->n_pairs > 0 && !parent->pairs[parent->n_pairs - 1].value) {
        parent->pairs[parent->n_pairs - 1].value = n;
        return RM_OK;
    }
    if (n->kind != RM__YNODE_SCALAR) {
        int line = n->line, column = n->column;
        const char *what = rm__ynode_kind_name(n);
        rm__ynode_free(n);
        return fail(b, RM_ESPEC_TYPE, line, column,
                    "a %s is used as a mapping key; keys must be plain "
                    "names such as 'title'",
                    what);
    }
    if (rm__grow((void **)&parent->pairs, &f->cap, parent->n_pairs + 1,
                 sizeof *parent->pairs) != 0) {
        rm__ynode_free(n);
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    }
    parent->pairs[parent->n_pairs].key = n;
    parent->pairs[parent->n_pairs].value = NULL;
    parent->n_pairs++;
    return RM_OK;
}

static int cmp_pair_ptr(const void *a, const void *b)
{
    const rm__ypair *pa = *(const rm__ypair *const *)a;
    const rm__ypair *pb = *(const rm__ypair *const *)b;
    int c = strcmp(pa->key->text, pb->key->text);
    if (c)
        return c;
    return pa < pb ? -1 : (pa > pb ? 1 : 0);
}

/* The first key (in document order) that repeats an earlier one. */
static int check_duplicates(builder *b, const rm__ynode *map)
{
    if (map->n_pairs < 2)
        return RM_OK;
    const rm__ypair **order = rm_mallocarray(map->n_pairs, sizeof *order);
    if (!order)
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < map->n_pairs; i++)
        order[i] = &map->pairs[i];
    qsort(order, map->n_pairs, sizeof *order, cmp_pair_ptr);
    const rm__ypair *dup = NULL, *first = NULL;
    for (size_t i = 1; i < map->n_pairs; i++) {
        if (strcmp(order[i]->key->text, order[i - 1]->key->text) != 0)
            continue;
        if (i >= 2 &&
            strcmp(order[i]->key->text, order[i - 2]->key->text) == 0)
            continue; /* only the second occurrence of each key counts */
        if (!dup || order[i] < dup) {
            dup = order[i];
            first = order[i - 1];
        }
    }
    free(order);
    if (!dup)
        return RM_OK;
    return fail(b, RM_ESPEC_KEY, dup->key->line, dup->key->column,
                "duplicate key '%.60s' (first at line %d, column %d); "
                "keep one of them",
                dup->key->text, first->key->line, first->key->column);
}

static int push(builder *b, rm__ynode *n, const yaml_char_t *anchor_name)
{
    if (rm__grow((void **)&b->stack, &b->stack_cap, b->depth + 1,
                 sizeof *b->stack) != 0)
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    char *a = NULL;
    if (anchor_name && !(a = rm__strdup((const char *)anchor_name)))
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    b->stack[b->depth].node = n;
    b->stack[b->depth].cap = 0;
    b->stack[b->depth].anchor = a;
    b->depth++;
    return RM_OK;
}

static int on_container(builder *b, const yaml_event_t *ev,
                        rm__ynode_kind kind, const yaml_char_t *anchor_name)
{
    if (b->depth + 1 > RM__YAML_MAX_DEPTH)
        return fail_mark(b, RM_ESPEC_SYNTAX, ev->start_mark,
                         "lists and mappings are nested more than %s deep; "
                         "a briefing never needs that",
                         "32 levels");
    rm__ynode *n;
    int rc = new_node(b, &n, kind, ev->start_mark);
    if (rc)
        return rc;
    rc = attach(b, n);
    if (rc)
        return rc;
    return push(b, n, anchor_name);
}

static int on_end(builder *b)
{
    if (b->depth == 0)
        return rm__error(b->ctx, RM_EINTERNAL, NULL,
                         "unbalanced YAML events");
    frame *f = &b->stack[b->depth - 1];
    int rc = RM_OK;
    if (f->node->kind == RM__YNODE_MAP)
        rc = check_duplicates(b, f->node);
    if (!rc && f->anchor)
        rc = register_anchor(b, f->anchor, f->node);
    free(f->anchor);
    f->anchor = NULL;
    b->depth--;
    return rc;
}

static int on_scalar(builder *b, const yaml_event_t *ev)
{
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(value, '\0', len))
        return fail_mark(b, RM_ESPEC_VALUE, ev->start_mark,
                         "text holds a NUL character%s; remove it", "");
    if (len > RM__YAML_MAX_BYTES - b->n_bytes)
        return fail_mark(b, RM_ESPEC_VALUE, ev->start_mark,
                         "the briefing holds more than %s of text (aliases "
                         "expanded)",
                         "32 MiB");
    rm__ynode *n;
    int rc = new_node(b, &n, RM__YNODE_SCALAR, ev->start_mark);
    if (rc)
        return rc;
    n->text = malloc(len + 1);
    if (!n->text) {
        rm__ynode_free(n);
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    }
    memcpy(n->text, value, len);
    n->text[len] = '\0';
    n->len = len;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    b->n_bytes += len;
    rc = attach(b, n);
    if (rc)
        return rc;
    if (ev->data.scalar.anchor)
        return register_anchor(b, (const char *)ev->data.scalar.anchor, n);
    return RM_OK;
}

static int on_alias(builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const anchor *a = NULL;
    for (size_t i = 0; i < b->n_anchors; i++)
        if (strcmp(b->anchors[i].name, name) == 0)
            a = &b->anchors[i];
    if (!a)
        return fail_mark(b, RM_ESPEC_SYNTAX, ev->start_mark,
                         "alias '*%.60s' names no anchor defined (and "
                         "complete) before it; define '&name' on an "
                         "earlier value",
                         name);
    size_t nodes = 0, bytes = 0;
    int h = measure(a->node, &nodes, &bytes);
    if ((size_t)h + b->depth > RM__YAML_MAX_DEPTH)
        return fail_mark(b, RM_ESPEC_SYNTAX, ev->start_mark,
                         "alias '*%.60s' nests lists and mappings more than "
                         "32 levels deep",
                         name);
    if (nodes > RM__YAML_MAX_NODES - b->n_nodes ||
        bytes > RM__YAML_MAX_BYTES - b->n_bytes)
        return fail_mark(b, RM_ESPEC_VALUE, ev->start_mark,
                         "alias '*%.60s' expands the briefing beyond 200000 "
                         "values or 32 MiB; write the values out instead",
                         name);
    rm__ynode *n = copy_node(a->node);
    if (!n)
        return rm__error(b->ctx, RM_ENOMEM, NULL, "out of memory");
    b->n_nodes += nodes;
    b->n_bytes += bytes;
    n->line = clamp_int(ev->start_mark.line) + 1;
    n->column = clamp_int(ev->start_mark.column) + 1;
    return attach(b, n);
}

static int on_event(builder *b, const yaml_event_t *ev, int *done)
{
    switch (ev->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    case YAML_NO_EVENT:
        return RM_OK;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return RM_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (++b->n_docs > 1)
            return fail_mark(b, RM_ESPEC_SYNTAX, ev->start_mark,
                             "a second YAML document starts here%s; a "
                             "briefing is one document: remove the '---' "
                             "line or split the file",
                             "");
        return RM_OK;
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_ALIAS_EVENT:
        return on_alias(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_container(b, ev, RM__YNODE_SEQ,
                            ev->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
        return on_container(b, ev, RM__YNODE_MAP,
                            ev->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b);
    }
    return RM_OK;
}

static void builder_free(builder *b)
{
    for (size_t i = 0; i < b->depth; i++)
        free(b->stack[i].anchor);
    free(b->stack);
    for (size_t i = 0; i < b->n_anchors; i++)
        free(b->anchors[i].name);
    free(b->anchors);
}

int rm__ytree_parse(rm_context *ctx, rm__ynode **out, const char *text,
                    size_t len, const char *name)
{
    if (!out)
        return rm__error(ctx, RM_EINVAL, NULL, "rm__ytree_parse: no out");
    *out = NULL;
    if (!name)
        name = "<briefing>";
    if (!text && len)
        return rm__error(ctx, RM_EINVAL, NULL, "rm__ytree_parse: no text");
    builder b;
    memset(&b, 0, sizeof b);
    b.ctx = ctx;
    b.name = name;
    b.text = text ? text : "";
    b.len = text ? len : 0;
    if (b.len > MAX_YAML_INPUT)
        return fail(&b, RM_ESPEC_VALUE, 1, 1,
                    "the briefing is larger than 64 MiB; it cannot be a "
                    "real briefing");

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)b.text,
                                 b.len);
    int rc = RM_OK, done = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(&b, &parser);
            break;
        }
        rc = on_event(&b, &ev, &done);
        yaml_event_delete(&ev);
        if (rc)
            break;
    }
    yaml_parser_delete(&parser);
    builder_free(&b);
    if (rc) {
        rm__ynode_free(b.root);
        return rc;
    }
    if (rm__ynode_is_null(b.root)) {
        rm__ynode_free(b.root);
        b.root = NULL;
    }
    *out = b.root;
    return RM_OK;
}

const rm__ypair *rm__ymap_find(const rm__ynode *map, const char *key)
{
    if (!map || map->kind != RM__YNODE_MAP || !key)
        return NULL;
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key->text, key) == 0)
            return &map->pairs[i];
    return NULL;
}

int rm__ynode_is_null(const rm__ynode *node)
{
    if (!node)
        return 1;
    if (node->kind != RM__YNODE_SCALAR || !node->plain)
        return 0;
    const char *t = node->text;
    return t[0] == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 ||
           strcmp(t, "Null") == 0 || strcmp(t, "NULL") == 0;
}

const char *rm__ynode_kind_name(const rm__ynode *node)
{
    if (!node)
        return "nothing";
    switch (node->kind) {
    case RM__YNODE_SCALAR:
        return "text";
    case RM__YNODE_SEQ:
        return "list";
    case RM__YNODE_MAP:
        return "mapping";
    }
    return "value";
}
