/*
 * Styles: the YAML style format of maps/styles/ parsed into rm__style.
 * Every key is known (an unknown one is an error with file:line:column),
 * every number is range-checked, and classes inherit the base symbol.
 * See maps/styles/README.md for the format.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pipeline/yaml_tree.h"
#include "render_internal.h"
#include "util/util.h"

typedef struct parser {
    rm_context *ctx;
    const char *file;
    rm__style *st;
} parser;

static int err_at(parser *p, const rm__ynode *n, int code, const char *fmt,
                  const char *a, const char *b)
{
    rm_location loc = rm__loc_file(p->file, n ? n->line : 0,
                                   n ? n->column : 0);
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    return rm__error(p->ctx, code, &loc, "style %s: %s", p->st->name, msg);
}

static int want_scalar(parser *p, const rm__ypair *kv)
{
    if (kv->value->kind != RM__YNODE_SCALAR)
        return err_at(p, kv->value, RM_ESPEC_TYPE,
                      "'%s' must be text or a number, not a %s",
                      kv->key->text, rm__ynode_kind_name(kv->value));
    return 0;
}

static int get_num(parser *p, const rm__ypair *kv, double lo, double hi,
                   double *out)
{
    int rc = want_scalar(p, kv);
    if (rc)
        return rc;
    double v;
    if (rm__parse_double(kv->value->text, &v) || v < lo || v > hi) {
        char range[96];
        snprintf(range, sizeof range, "a number from %g to %g", lo, hi);
        return err_at(p, kv->value, RM_ESPEC_VALUE,
                      "'%s' must be %s", kv->key->text, range);
    }
    *out = v;
    return 0;
}

static int get_bool(parser *p, const rm__ypair *kv, int *out)
{
    int rc = want_scalar(p, kv);
    if (rc)
        return rc;
    const char *t = kv->value->text;
    if (!strcasecmp(t, "true") || !strcasecmp(t, "yes") || !strcmp(t, "1"))
        *out = 1;
    else if (!strcasecmp(t, "false") || !strcasecmp(t, "no") ||
             !strcmp(t, "0"))
        *out = 0;
    else
        return err_at(p, kv->value, RM_ESPEC_VALUE,
                      "'%s' must be true or false, not '%s'", kv->key->text,
                      t);
    return 0;
}

static int get_str(parser *p, const rm__ypair *kv, char **out)
{
    int rc = want_scalar(p, kv);
    if (rc)
        return rc;
    char *s = rm__strdup(kv->value->text);
    if (!s)
        return rm__error(p->ctx, RM_ENOMEM, NULL, "out of memory");
    free(*out);
    *out = s;
    return 0;
}

static int get_color(parser *p, const rm__ypair *kv, rm__rgba *out)
{
    int rc = want_scalar(p, kv);
    if (rc)
        return rc;
    if (rm__color_parse(kv->value->text, out))
        return err_at(p, kv->value, RM_ESPEC_VALUE,
                      "'%s' must be a colour \"#rrggbb\", \"#rrggbbaa\" or "
                      "none, not '%s'",
                      kv->key->text, kv->value->text);
    return 0;
}

static int want_map(parser *p, const rm__ynode *n, const char *what)
{
    if (n->kind != RM__YNODE_MAP)
        return err_at(p, n, RM_ESPEC_TYPE, "'%s' must be a mapping, not a %s",
                      what, rm__ynode_kind_name(n));
    return 0;
}

static int unknown_key(parser *p, const rm__ypair *kv, const char *where,
                       const char *known)
{
    rm_location loc = rm__loc_file(p->file, kv->key->line, kv->key->column);
    return rm__error(p->ctx, RM_ESPEC_KEY, &loc,
                     "style %s: unknown key '%s' in %s; known keys: %s",
                     p->st->name, kv->key->text, where, known);
}

static const char *const shape_names[] = {"circle",  "square", "triangle",
                                          "diamond", "cross",  "star"};

static int parse_hatch(parser *p, const rm__ynode *n, rm__symbol *sym)
{
    if (n->kind == RM__YNODE_SCALAR) {
        rm__ypair kv = {NULL, (rm__ynode *)n};
        rm__ynode key = {0};
        key.text = "hatch";
        kv.key = &key;
        return get_bool(p, &kv, &sym->hatch);
    }
    int rc = want_map(p, n, "hatch");
    if (rc)
        return rc;
    sym->hatch = 1;
    for (size_t i = 0; i < n->n_pairs && !rc; i++) {
        const rm__ypair *kv = &n->pairs[i];
        const char *k = kv->key->text;
        if (!strcmp(k, "angle"))
            rc = get_num(p, kv, -360, 360, &sym->hatch_angle);
        else if (!strcmp(k, "spacing"))
            rc = get_num(p, kv, 0.5, 100, &sym->hatch_spacing);
        else if (!strcmp(k, "width"))
            rc = get_num(p, kv, 0.05, 20, &sym->hatch_width);
        else if (!strcmp(k, "color"))
            rc = get_color(p, kv, &sym->hatch_color);
        else
            rc = unknown_key(p, kv, "hatch", "angle, spacing, width, color");
    }
    return rc;
}

static int parse_dash(parser *p, const rm__ypair *kv, rm__symbol *sym)
{
    const rm__ynode *n = kv->value;
    if (rm__ynode_is_null(n) ||
        (n->kind == RM__YNODE_SCALAR &&
         (!strcasecmp(n->text, "none") || !strcasecmp(n->text, "solid")))) {
        sym->n_dash = 0;
        return 0;
    }
    if (n->kind != RM__YNODE_SEQ || n->n_items < 1 || n->n_items > 6)
        return err_at(p, n, RM_ESPEC_TYPE,
                      "'dash' must be a list of 1 to 6 lengths in pt, e.g. "
                      "[4, 2]%s%s",
                      NULL, NULL);
    for (size_t i = 0; i < n->n_items; i++) {
        rm__ypair item = {kv->key, n->items[i]};
        int rc = get_num(p, &item, 0.01, 200, &sym->dash[i]);
        if (rc)
            return rc;
    }
    sym->n_dash = (int)n->n_items;
    return 0;
}

#define SYMBOL_KEYS                                                          \
    "shape, size, fill, fill_opacity, stroke, stroke_opacity, "              \
    "stroke_width (width), opacity, dash, arrows, hatch, label_size, "      \
    "label_bold"

/* One symbol key; returns 1 when `k` is not a symbol key. */
static int symbol_key(parser *p, const rm__ypair *kv, rm__symbol *sym,
                      int *rc)
{
    const char *k = kv->key->text;
    if (!strcmp(k, "shape")) {
        *rc = want_scalar(p, kv);
        if (*rc)
            return 0;
        for (size_t i = 0; i < sizeof shape_names / sizeof *shape_names;
             i++)
            if (!strcasecmp(kv->value->text, shape_names[i])) {
                sym->shape = (rm__shape)i;
                return 0;
            }
        *rc = err_at(p, kv->value, RM_ESPEC_VALUE,
                     "unknown shape '%s'; use circle, square, triangle, "
                     "diamond, cross or star%s",
                     kv->value->text, NULL);
    } else if (!strcmp(k, "size"))
        *rc = get_num(p, kv, 0.1, 100, &sym->size);
    else if (!strcmp(k, "fill"))
        *rc = get_color(p, kv, &sym->fill);
    else if (!strcmp(k, "fill_opacity"))
        *rc = get_num(p, kv, 0, 1, &sym->fill_opacity);
    else if (!strcmp(k, "stroke") || !strcmp(k, "color"))
        *rc = get_color(p, kv, &sym->stroke);
    else if (!strcmp(k, "stroke_opacity"))
        *rc = get_num(p, kv, 0, 1, &sym->stroke_opacity);
    else if (!strcmp(k, "stroke_width") || !strcmp(k, "width"))
        *rc = get_num(p, kv, 0, 50, &sym->stroke_width);
    else if (!strcmp(k, "opacity"))
        *rc = get_num(p, kv, 0, 1, &sym->opacity);
    else if (!strcmp(k, "dash"))
        *rc = parse_dash(p, kv, sym);
    else if (!strcmp(k, "arrows"))
        *rc = get_bool(p, kv, &sym->arrows);
    else if (!strcmp(k, "hatch"))
        *rc = parse_hatch(p, kv->value, sym);
    else if (!strcmp(k, "label_size"))
        *rc = get_num(p, kv, 1, 72, &sym->label_size);
    else if (!strcmp(k, "label_bold"))
        *rc = get_bool(p, kv, &sym->label_bold);
    else
        return 1;
    return 0;
}

static int parse_symbol(parser *p, const rm__ynode *n, rm__symbol *sym,
                        const char *where)
{
    int rc = want_map(p, n, where);
    for (size_t i = 0; i < n->n_pairs && !rc; i++)
        if (symbol_key(p, &n->pairs[i], sym, &rc))
            rc = unknown_key(p, &n->pairs[i], where, SYMBOL_KEYS);
    return rc;
}

static void symbol_dup_strings(rm__symbol *sym)
{
    sym->value = NULL;
    sym->label = NULL;
}

/* A class: base symbol, then the item's keys (value/min/max/label too). */
static int parse_class(parser *p, const rm__ynode *n, rm__symbol *out,
                       int graduated)
{
    *out = p->st->base;
    symbol_dup_strings(out);
    out->lo = -INFINITY;
    out->hi = INFINITY;
    const char *where = graduated ? "a class" : "a category";
    int rc = want_map(p, n, where);
    int has_value = 0;
    for (size_t i = 0; i < n->n_pairs && !rc; i++) {
        const rm__ypair *kv = &n->pairs[i];
        const char *k = kv->key->text;
        if (!graduated && !strcmp(k, "value")) {
            rc = get_str(p, kv, &out->value);
            has_value = 1;
        } else if (graduated && !strcmp(k, "min"))
            rc = get_num(p, kv, -INFINITY, INFINITY, &out->lo);
        else if (graduated && !strcmp(k, "max"))
            rc = get_num(p, kv, -INFINITY, INFINITY, &out->hi);
        else if (!strcmp(k, "label"))
            rc = get_str(p, kv, &out->label);
        else if (symbol_key(p, kv, out, &rc))
            rc = unknown_key(p, kv, where,
                             graduated ? "min, max, label, " SYMBOL_KEYS
                                       : "value, label, " SYMBOL_KEYS);
    }
    if (!rc && !graduated && !has_value)
        rc = err_at(p, n, RM_ESPEC_MISSING,
                    "a category needs 'value:' (the attribute text it "
                    "matches)%s%s",
                    NULL, NULL);
    if (!rc && graduated && !(out->lo < out->hi))
        rc = err_at(p, n, RM_ESPEC_VALUE,
                    "a class needs min < max%s%s", NULL, NULL);
    return rc;
}

static int parse_classes(parser *p, const rm__ynode *n, int graduated)
{
    if (n->kind != RM__YNODE_SEQ || n->n_items == 0 || n->n_items > 256)
        return err_at(p, n, RM_ESPEC_TYPE,
                      "'%s' must be a list of 1 to 256 mappings",
                      graduated ? "classes" : "categories", NULL);
    rm__style *st = p->st;
    st->classes = rm_callocarray(n->n_items, sizeof *st->classes);
    if (!st->classes)
        return rm__error(p->ctx, RM_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n->n_items; i++) {
        int rc = parse_class(p, n->items[i], &st->classes[i], graduated);
        st->n_classes = i + 1;
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_label(parser *p, const rm__ynode *n)
{
    rm__label_style *ls = &p->st->label;
    int rc = want_map(p, n, "label");
    for (size_t i = 0; i < n->n_pairs && !rc; i++) {
        const rm__ypair *kv = &n->pairs[i];
        const char *k = kv->key->text;
        if (!strcmp(k, "field"))
            rc = get_str(p, kv, &ls->field);
        else if (!strcmp(k, "size"))
            rc = get_num(p, kv, 1, 72, &ls->size);
        else if (!strcmp(k, "color"))
            rc = get_color(p, kv, &ls->color);
        else if (!strcmp(k, "halo"))
            rc = get_color(p, kv, &ls->halo);
        else if (!strcmp(k, "halo_width"))
            rc = get_num(p, kv, 0, 10, &ls->halo_width);
        else if (!strcmp(k, "priority"))
            rc = get_str(p, kv, &ls->priority);
        else if (!strcmp(k, "bold"))
            rc = get_bool(p, kv, &ls->bold);
        else if (!strcmp(k, "italic"))
            rc = get_bool(p, kv, &ls->italic);
        else if (!strcmp(k, "upper"))
            rc = get_bool(p, kv, &ls->upper);
        else if (!strcmp(k, "letter_spacing"))
            rc = get_num(p, kv, 0, 20, &ls->letter_spacing);
        else if (!strcmp(k, "only_labelled"))
            rc = get_bool(p, kv, &ls->only_labelled);
        else if (!strcmp(k, "max")) {
            double v;
            rc = get_num(p, kv, 0, 100000, &v);
            ls->max = (int)v;
        } else
            rc = unknown_key(p, kv, "label",
                             "field, size, color, halo, halo_width, "
                             "priority, bold, italic, upper, "
                             "letter_spacing, only_labelled, max");
    }
    return rc;
}

static int parse_size_by(parser *p, const rm__ynode *n)
{
    rm__style *st = p->st;
    int rc = want_map(p, n, "size_by");
    for (size_t i = 0; i < n->n_pairs && !rc; i++) {
        const rm__ypair *kv = &n->pairs[i];
        const char *k = kv->key->text;
        if (!strcmp(k, "field"))
            rc = get_str(p, kv, &st->size_field);
        else if (!strcmp(k, "min"))
            rc = get_num(p, kv, 0.1, 100, &st->size_min);
        else if (!strcmp(k, "max"))
            rc = get_num(p, kv, 0.1, 100, &st->size_max);
        else
            rc = unknown_key(p, kv, "size_by", "field, min, max");
    }
    if (!rc && !st->size_field)
        rc = err_at(p, n, RM_ESPEC_MISSING,
                    "size_by needs 'field:' (a numeric attribute)%s%s",
                    NULL, NULL);
    if (!rc && !(st->size_min < st->size_max))
        rc = err_at(p, n, RM_ESPEC_VALUE,
                    "size_by needs min < max (marker widths in pt)%s%s",
                    NULL, NULL);
    return rc;
}

static int parse_raster(parser *p, const rm__ynode *n)
{
    rm__style *st = p->st;
    int rc = want_map(p, n, "raster");
    for (size_t i = 0; i < n->n_pairs && !rc; i++) {
        const rm__ypair *kv = &n->pairs[i];
        const char *k = kv->key->text;
        if (!strcmp(k, "ramp"))
            rc = get_str(p, kv, &st->ramp);
        else if (!strcmp(k, "opacity"))
            rc = get_num(p, kv, 0, 1, &st->opacity);
        else if (!strcmp(k, "min"))
            rc = get_num(p, kv, -INFINITY, INFINITY, &st->vmin);
        else if (!strcmp(k, "max"))
            rc = get_num(p, kv, -INFINITY, INFINITY, &st->vmax);
        else if (!strcmp(k, "transparent_below"))
            rc = get_num(p, kv, -INFINITY, INFINITY,
                         &st->transparent_below);
        else if (!strcmp(k, "transparent_fraction"))
            rc = get_num(p, kv, 0, 1, &st->transparent_fraction);
        else if (!strcmp(k, "scale")) {
            rc = want_scalar(p, kv);
            if (rc)
                break;
            const char *t = kv->value->text;
            if (!strcmp(t, "linear"))
                st->scale = RM__SCALE_LINEAR;
            else if (!strcmp(t, "sqrt"))
                st->scale = RM__SCALE_SQRT;
            else if (!strcmp(t, "log"))
                st->scale = RM__SCALE_LOG;
            else
                rc = err_at(p, kv->value, RM_ESPEC_VALUE,
                            "unknown scale '%s'; use linear, sqrt or log%s",
                            t, NULL);
        } else
            rc = unknown_key(p, kv, "raster",
                             "ramp, opacity, min, max, scale, "
                             "transparent_below, transparent_fraction");
    }
    return rc;
}

static void style_init(rm__style *st)
{
    memset(st, 0, sizeof *st);
    rm__symbol *b = &st->base;
    b->shape = RM__SHAPE_CIRCLE;
    b->size = 4;
    rm__rgba fill = {0.89, 0.10, 0.11, 1}, stroke = {1, 1, 1, 1};
    b->fill = fill;
    b->stroke = stroke;
    b->stroke_width = 0.5;
    b->hatch_angle = 45;
    b->hatch_spacing = 4;
    b->hatch_width = 0.5;
    rm__rgba hc = {0.3, 0.3, 0.3, 1};
    b->hatch_color = hc;
    b->label_bold = -1;
    b->fill_opacity = b->stroke_opacity = b->opacity = 1;
    b->lo = -INFINITY;
    b->hi = INFINITY;
    st->opacity = 1;
    st->vmin = st->vmax = NAN;
    st->transparent_below = NAN;
    st->arrow_spacing = 60;
    st->label.size = 7;
    rm__rgba lc = {0.2, 0.2, 0.2, 1}, halo = {1, 1, 1, 0.85};
    st->label.color = lc;
    st->label.halo = halo;
    st->label.halo_width = 1.2;
    st->legend = 1;
    st->size_min = 2;
    st->size_max = 12;
}

static int parse_top(parser *p, const rm__ynode *root)
{
    rm__style *st = p->st;
    int rc = want_map(p, root, "the style");
    if (rc)
        return rc;
    /* The base symbol first: classes inherit it whatever the key order. */
    const rm__ypair *sym = rm__ymap_find(root, "symbol");
    if (sym && (rc = parse_symbol(p, sym->value, &st->base, "symbol")))
        return rc;
    const rm__ypair *cats = NULL, *classes = NULL, *other = NULL;
    for (size_t i = 0; i < root->n_pairs && !rc; i++) {
        const rm__ypair *kv = &root->pairs[i];
        const char *k = kv->key->text;
        if (!strcmp(k, "symbol"))
            continue;
        if (!strcmp(k, "style") || !strcmp(k, "description"))
            rc = want_scalar(p, kv);
        else if (!strcmp(k, "geometry")) {
            rc = want_scalar(p, kv);
            const char *t = rc ? "" : kv->value->text;
            if (rc)
                break;
            if (!strcmp(t, "point"))
                st->geom = RM_GEOM_POINT;
            else if (!strcmp(t, "line"))
                st->geom = RM_GEOM_LINE;
            else if (!strcmp(t, "polygon"))
                st->geom = RM_GEOM_POLYGON;
            else if (!strcmp(t, "raster"))
                st->geom = RM_GEOM_RASTER;
            else if (!strcmp(t, "any"))
                st->geom = RM_GEOM_NONE;
            else
                rc = err_at(p, kv->value, RM_ESPEC_VALUE,
                            "unknown geometry '%s'; use point, line, "
                            "polygon, raster or any%s",
                            t, NULL);
        } else if (!strcmp(k, "type")) {
            rc = want_scalar(p, kv);
            if (rc)
                break;
            const char *t = kv->value->text;
            if (!strcmp(t, "single"))
                st->kind = RM__STYLE_SINGLE;
            else if (!strcmp(t, "categorised") || !strcmp(t, "categorized"))
                st->kind = RM__STYLE_CATEGORISED;
            else if (!strcmp(t, "graduated"))
                st->kind = RM__STYLE_GRADUATED;
            else
                rc = err_at(p, kv->value, RM_ESPEC_VALUE,
                            "unknown type '%s'; use single, categorised or "
                            "graduated%s",
                            t, NULL);
        } else if (!strcmp(k, "field"))
            rc = get_str(p, kv, &st->field);
        else if (!strcmp(k, "ramp"))
            rc = get_str(p, kv, &st->ramp);
        else if (!strcmp(k, "n_classes")) {
            double v;
            rc = get_num(p, kv, 1, 12, &v);
            st->n_auto = (int)v;
        } else if (!strcmp(k, "method")) {
            rc = want_scalar(p, kv);
            if (rc)
                break;
            if (!strcmp(kv->value->text, "quantile"))
                st->quantile = 1;
            else if (!strcmp(kv->value->text, "equal"))
                st->quantile = 0;
            else
                rc = err_at(p, kv->value, RM_ESPEC_VALUE,
                            "unknown method '%s'; use equal or quantile%s",
                            kv->value->text, NULL);
        } else if (!strcmp(k, "categories"))
            cats = kv;
        else if (!strcmp(k, "classes"))
            classes = kv;
        else if (!strcmp(k, "other"))
            other = kv;
        else if (!strcmp(k, "size_by"))
            rc = parse_size_by(p, kv->value);
        else if (!strcmp(k, "raster"))
            rc = parse_raster(p, kv->value);
        else if (!strcmp(k, "label"))
            rc = parse_label(p, kv->value);
        else if (!strcmp(k, "legend"))
            rc = get_bool(p, kv, &st->legend);
        else if (!strcmp(k, "arrow_spacing"))
            rc = get_num(p, kv, 5, 1000, &st->arrow_spacing);
        else
            rc = unknown_key(p, kv, "the style",
                             "style, description, geometry, type, field, "
                             "symbol, categories, other, classes, ramp, "
                             "n_classes, method, size_by, raster, label, "
                             "legend, arrow_spacing");
    }
    if (rc)
        return rc;
    if (cats && classes)
        return err_at(p, classes->key, RM_ESPEC_VALUE,
                      "give either 'categories' or 'classes'%s%s", NULL,
                      NULL);
    if (st->kind == RM__STYLE_CATEGORISED && classes)
        return err_at(p, classes->key, RM_ESPEC_VALUE,
                      "a categorised style lists 'categories', not "
                      "'classes'%s%s",
                      NULL, NULL);
    if (st->kind == RM__STYLE_GRADUATED && cats)
        return err_at(p, cats->key, RM_ESPEC_VALUE,
                      "a graduated style lists 'classes', not "
                      "'categories'%s%s",
                      NULL, NULL);
    if (cats && (rc = parse_classes(p, cats->value, 0)))
        return rc;
    if (classes && (rc = parse_classes(p, classes->value, 1)))
        return rc;
    if (other) {
        st->has_other = 1;
        st->other = st->base;
        symbol_dup_strings(&st->other);
        const rm__ynode *n = other->value;
        if ((rc = want_map(p, n, "other")))
            return rc;
        for (size_t i = 0; i < n->n_pairs && !rc; i++) {
            const rm__ypair *kv = &n->pairs[i];
            if (!strcmp(kv->key->text, "label"))
                rc = get_str(p, kv, &st->other.label);
            else if (symbol_key(p, kv, &st->other, &rc))
                rc = unknown_key(p, kv, "other", "label, " SYMBOL_KEYS);
        }
        if (rc)
            return rc;
    }
    if (st->kind != RM__STYLE_SINGLE && !st->field)
        return err_at(p, root, RM_ESPEC_MISSING,
                      "a %s style needs 'field:' (the attribute that picks "
                      "the class)%s",
                      st->kind == RM__STYLE_GRADUATED ? "graduated"
                                                      : "categorised",
                      NULL);
    if (st->kind == RM__STYLE_CATEGORISED && !cats && !st->ramp)
        return err_at(p, root, RM_ESPEC_MISSING,
                      "a categorised style needs 'categories:' or 'ramp:' "
                      "(a ColorBrewer scheme for the values found)%s%s",
                      NULL, NULL);
    if (st->kind == RM__STYLE_GRADUATED && !classes && !st->ramp)
        return err_at(p, root, RM_ESPEC_MISSING,
                      "a graduated style needs 'classes:' or 'ramp:'%s%s",
                      NULL, NULL);
    if (st->ramp) {
        rm__rgba probe[3];
        if (rm__ramp_colors(st->ramp, 3, probe, NULL))
            return err_at(p, root, RM_ESPEC_VALUE,
                          "unknown ramp '%s'; use a ColorBrewer scheme name "
                          "such as YlOrRd, Reds, Blues, RdBu, Set1%s",
                          st->ramp, NULL);
    }
    if (st->kind == RM__STYLE_SINGLE && st->n_classes)
        return err_at(p, root, RM_ESPEC_VALUE,
                      "a single-symbol style has no categories or classes; "
                      "set 'type:'%s%s",
                      NULL, NULL);
    return 0;
}

int rm__style_parse(rm_context *ctx, rm__style **out, const char *text,
                    size_t len, const char *name, const char *file)
{
    *out = NULL;
    rm__style *st = malloc(sizeof *st);
    if (!st)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    style_init(st);
    st->name = rm__strdup(name ? name : "style");
    st->file = rm__strdup(file ? file : st->name);
    if (!st->name || !st->file) {
        rm__style_free(st);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    rm__ynode *root = NULL;
    int rc = rm__ytree_parse(ctx, &root, text, len, st->file);
    if (!rc && !root) {
        rm_location loc = rm__loc_file(st->file, 1, 1);
        rc = rm__error(ctx, RM_ESPEC_MISSING, &loc,
                       "style %s is empty; see maps/styles/README.md",
                       st->name);
    }
    if (!rc) {
        parser p = {ctx, st->file, st};
        rc = parse_top(&p, root);
    }
    rm__ynode_free(root);
    if (rc) {
        rm__style_free(st);
        return rc;
    }
    *out = st;
    return RM_OK;
}

static void symbol_free(rm__symbol *s)
{
    free(s->value);
    free(s->label);
}

void rm__style_free(rm__style *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n_classes; i++)
        symbol_free(&st->classes[i]);
    free(st->classes);
    symbol_free(&st->other);
    free(st->name);
    free(st->file);
    free(st->field);
    free(st->ramp);
    free(st->size_field);
    free(st->label.field);
    free(st->label.priority);
    free(st);
}

static int valid_name(const char *name)
{
    if (!name || !*name || strlen(name) > 100)
        return 0;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
              *c == '.'))
            return 0;
    return name[0] != '.';
}

int rm__style_load(rm_context *ctx, rm__style **out, const char *styles_dir,
                   const char *name)
{
    *out = NULL;
    if (!valid_name(name))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "style name '%s' is not valid; use letters, digits, "
                         "'-', '_' and '.' (the file stem in maps/styles/)",
                         name ? name : "");
    if (styles_dir && *styles_dir) {
        char *path = rm__asprintf("%s/%s.yaml", styles_dir, name);
        if (!path)
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        FILE *f = fopen(path, "rb");
        if (f) {
            rm_strbuf sb = RM_STRBUF_INIT;
            char buf[4096];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0 &&
                   sb.len < (1u << 20))
                rm_strbuf_append_n(&sb, buf, n);
            int bad = ferror(f);
            fclose(f);
            int rc;
            if (bad) {
                rm_location loc = rm__loc_file(path, 0, 0);
                rc = rm__error(ctx, RM_EIO_READ, &loc,
                               "cannot read style file; check its "
                               "permissions");
            } else if (sb.failed) {
                rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
            } else if (sb.len >= (1u << 20)) {
                rm_location loc = rm__loc_file(path, 0, 0);
                rc = rm__error(ctx, RM_ESPEC_VALUE, &loc,
                               "style file larger than 1 MiB; a style is "
                               "a few lines of YAML");
            } else {
                rc = rm__style_parse(ctx, out, sb.data ? sb.data : "",
                                     sb.len, name, path);
            }
            rm_strbuf_free(&sb);
            free(path);
            return rc;
        }
        free(path);
    }
    const char *text = rm__style_builtin(name);
    if (!text)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "unknown style '%s': no file %s/%s.yaml and no "
                         "built-in style of that name; check the name or "
                         "the styles folder",
                         name, styles_dir ? styles_dir : "(none)", name);
    char *label = rm__asprintf("built-in style %s", name);
    int rc = rm__style_parse(ctx, out, text, strlen(text), name,
                             label ? label : name);
    free(label);
    return rc;
}

rm__rgba rm__sym_fill(const rm__symbol *sym)
{
    rm__rgba c = sym->fill;
    c.a *= sym->fill_opacity * sym->opacity;
    return c;
}

rm__rgba rm__sym_stroke(const rm__symbol *sym)
{
    rm__rgba c = sym->stroke;
    c.a *= sym->stroke_opacity * sym->opacity;
    return c;
}
