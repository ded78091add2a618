/*
 * Parameter resolution: checks what a step wrote against its plugin's
 * schema and turns the text into typed values in the declared unit, with
 * defaults for what is unset. Each error names the step, the parameter and
 * the place it was written, and says what would be accepted.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plugin/params.h"
#include "routemap/layer.h"
#include "util/util.h"

#define WHY_MAX 512

struct rm__params {
    const rm_plugin_desc *desc;
    size_t n;
    rm__param_value *values; /* one per schema entry, in schema order */
};

typedef struct unit_word {
    const char *word;
    double factor; /* in the base unit: metres or seconds */
} unit_word;

static const unit_word DISTANCE_UNITS[] = {
    {"m", 1},          {"meter", 1},         {"meters", 1},
    {"metre", 1},      {"metres", 1},        {"km", 1000},
    {"kilometer", 1000}, {"kilometers", 1000}, {"kilometre", 1000},
    {"kilometres", 1000}, {NULL, 0}};

static const unit_word DURATION_UNITS[] = {
    {"s", 1},        {"sec", 1},         {"secs", 1},
    {"second", 1},   {"seconds", 1},     {"min", 60},
    {"mins", 60},    {"minute", 60},     {"minutes", 60},
    {"h", 3600},     {"hr", 3600},       {"hrs", 3600},
    {"hour", 3600},  {"hours", 3600},    {"d", 86400},
    {"day", 86400},  {"days", 86400},    {"w", 604800},
    {"week", 604800}, {"weeks", 604800}, {NULL, 0}};

static int base_type(const rm_param_desc *pd) { return pd->type & 0xff; }
static int is_list_type(const rm_param_desc *pd)
{
    return (pd->type & RM_PARAM_LIST) != 0;
}

int rm__param_name_ok(const char *name)
{
    if (!name || !*name)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return 0;
    return 1;
}

static const unit_word *find_unit(const unit_word *table, const char *word)
{
    for (const unit_word *u = table; word && u->word; u++)
        if (strcasecmp(u->word, word) == 0)
            return u;
    return NULL;
}

/* The declared unit's factor; the schema check guarantees it exists. */
static double declared_factor(const rm_param_desc *pd)
{
    const unit_word *table =
        base_type(pd) == RM_PARAM_DISTANCE ? DISTANCE_UNITS : DURATION_UNITS;
    const unit_word *u = find_unit(table, pd->unit);
    return u ? u->factor : 1.0;
}

/* Copy `s` without leading and trailing white space into a new string. */
static char *trimmed(const char *s, size_t len)
{
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    char *t = malloc(len + 1);
    if (t) {
        memcpy(t, s, len);
        t[len] = '\0';
    }
    return t;
}

static void fmt_num(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.15g", v);
}

/* "a number with a unit": number, optional blanks, optional unit word. */
static int parse_quantity(const char *text, const unit_word *table,
                          double declared, double *out)
{
    char *end;
    if (!*text || isspace((unsigned char)*text))
        return -1;
    double v = strtod(text, &end);
    if (end == text || !isfinite(v))
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end == '\0') {
        *out = v;
        return 0;
    }
    const unit_word *u = find_unit(table, end);
    if (!u)
        return -1;
    *out = v * u->factor / declared;
    return 0;
}

static int parse_bool(const char *t, int64_t *out)
{
    static const char *yes[] = {"true", "yes", "on", "1"};
    static const char *no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(t, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(t, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Is `t` one of the '|'-separated `choices`? */
static int choice_ok(const char *choices, const char *t)
{
    size_t tl = strlen(t);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == tl && len > 0 && memcmp(p, t, len) == 0)
            return 1;
        p = bar ? bar + 1 : p + len;
    }
    return 0;
}

/* Levenshtein distance of two short strings (capped inputs). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return (size_t)-1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) ==
                                  tolower((unsigned char)b[j - 1])
                              ? 0
                              : 1;
            size_t best = diag + cost;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (up + 1 < best)
                best = up + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Is `cand` a plausible intended spelling of `typed`? */
static int close_to(const char *typed, const char *cand)
{
    size_t lt = strlen(typed), lc = strlen(cand);
    size_t shorter = lt < lc ? lt : lc;
    /* "hexagon" for "hex", "dist" for "distance" */
    if (shorter >= 3 && strncasecmp(typed, cand, shorter) == 0)
        return 1;
    size_t d = edit_distance(typed, cand);
    size_t len = strlen(cand);
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return d <= limit;
}

/* The closest '|' choice to `t`, copied into buf, or "" */
static void closest_choice(const char *choices, const char *t, char *buf,
                           size_t cap)
{
    size_t best = (size_t)-1;
    buf[0] = '\0';
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char one[64];
        if (len < sizeof one) {
            memcpy(one, p, len);
            one[len] = '\0';
            size_t d = edit_distance(t, one);
            if (d < best && close_to(t, one)) {
                best = d;
                snprintf(buf, cap, "%s", one);
            }
        }
        p = bar ? bar + 1 : p + len;
    }
}

typedef struct item_value {
    int64_t i;
    double r;
} item_value;

/*
 * Parse one item of `pd`'s base type. On error write why into `why`
 * ("'abc' is not a real number; ...") and return -1.
 */
static int parse_item(const rm_param_desc *pd, const char *t,
                      item_value *v, char *why, size_t cap)
{
    switch (base_type(pd)) {
    case RM_PARAM_INT:
        if (rm__parse_int64(t, &v->i) == 0)
            return 0;
        snprintf(why, cap, "'%s' is not a whole number; write digits only, "
                 "e.g. 8", t);
        return -1;
    case RM_PARAM_REAL:
        if (rm__parse_double(t, &v->r) == 0)
            return 0;
        snprintf(why, cap, "'%s' is not a real number; write e.g. 0.5 or "
                 "12", t);
        return -1;
    case RM_PARAM_DISTANCE:
        if (parse_quantity(t, DISTANCE_UNITS, declared_factor(pd), &v->r) ==
            0)
            return 0;
        snprintf(why, cap, "'%s' is not a distance; write a number with an "
                 "optional unit m or km, e.g. '500 m' or '2.5 km' (a plain "
                 "number is in %s)", t, pd->unit ? pd->unit : "m");
        return -1;
    case RM_PARAM_DURATION:
        if (parse_quantity(t, DURATION_UNITS, declared_factor(pd), &v->r) ==
            0)
            return 0;
        snprintf(why, cap, "'%s' is not a duration; write a number with an "
                 "optional unit s, min, h, d or w, e.g. '90 min' or '30d' "
                 "(a plain number is in %s)", t, pd->unit ? pd->unit : "s");
        return -1;
    case RM_PARAM_BOOL:
        if (parse_bool(t, &v->i) == 0)
            return 0;
        snprintf(why, cap, "'%s' is not a yes/no value; write true or "
                 "false", t);
        return -1;
    case RM_PARAM_ENUM:
        if (choice_ok(pd->choices, t))
            return 0;
        {
            char near[64];
            closest_choice(pd->choices, t, near, sizeof near);
            if (*near)
                snprintf(why, cap, "'%s' is not one of %s; did you mean "
                         "'%s'?", t, pd->choices, near);
            else
                snprintf(why, cap, "'%s' is not one of %s; write one of "
                         "them", t, pd->choices ? pd->choices : "");
        }
        return -1;
    case RM_PARAM_LAYER:
        if (*t)
            return 0;
        snprintf(why, cap, "the layer name is empty; write the name of a "
                 "briefing layer or a step output (step.output)");
        return -1;
    case RM_PARAM_STRING:
        return 0;
    }
    snprintf(why, cap, "its schema has the unknown type %d", pd->type);
    return -1;
}

static const char *unit_suffix(const rm_param_desc *pd)
{
    int b = base_type(pd);
    if ((b == RM_PARAM_DISTANCE || b == RM_PARAM_DURATION) && pd->unit)
        return pd->unit;
    return NULL;
}

/* Check a numeric item against the bounds; -1 with why when outside. */
static int check_bounds(const rm_param_desc *pd, double v, char *why,
                        size_t cap)
{
    int b = base_type(pd);
    if (b != RM_PARAM_INT && b != RM_PARAM_REAL && b != RM_PARAM_DISTANCE &&
        b != RM_PARAM_DURATION)
        return 0;
    int lo = !isnan(pd->min) && v < pd->min;
    int hi = !isnan(pd->max) && v > pd->max;
    if (!lo && !hi)
        return 0;
    const char *u = unit_suffix(pd);
    char sv[40], smin[40], smax[40];
    char us[24] = "";
    if (u)
        snprintf(us, sizeof us, " %s", u);
    fmt_num(sv, sizeof sv, v);
    fmt_num(smin, sizeof smin, pd->min);
    fmt_num(smax, sizeof smax, pd->max);
    if (!isnan(pd->min) && !isnan(pd->max))
        snprintf(why, cap, "%s%s is out of bounds: it must be between %s "
                 "and %s%s", sv, us, smin, smax, us);
    else if (lo)
        snprintf(why, cap, "%s%s is out of bounds: it must be at least "
                 "%s%s", sv, us, smin, us);
    else
        snprintf(why, cap, "%s%s is out of bounds: it must be at most %s%s",
                 sv, us, smax, us);
    return -1;
}

static void free_value(rm__param_value *v)
{
    free(v->ints);
    free(v->reals);
    if (v->strings)
        for (size_t i = 0; i < v->n; i++)
            free(v->strings[i]);
    free(v->strings);
    free(v->layers);
    v->ints = NULL;
    v->reals = NULL;
    v->strings = NULL;
    v->layers = NULL;
    v->n = 0;
    v->set = 0;
}

/* Split item texts into the list of trimmed values to parse. */
static int split_items(const char *const *items, size_t n, int split,
                       char ***out, size_t *out_n)
{
    char **list = NULL;
    size_t len = 0, cap = 0;
    for (size_t k = 0; k < n; k++) {
        const char *s = items[k] ? items[k] : "";
        const char *p = s;
        for (;;) {
            const char *comma = split ? strchr(p, ',') : NULL;
            size_t piece = comma ? (size_t)(comma - p) : strlen(p);
            if (rm__grow((void **)&list, &cap, len + 1, sizeof *list))
                goto nomem;
            list[len] = trimmed(p, piece);
            if (!list[len])
                goto nomem;
            len++;
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    *out = list;
    *out_n = len;
    return RM_OK;
nomem:
    for (size_t i = 0; i < len; i++)
        free(list[i]);
    free(list);
    return RM_ENOMEM;
}

static void free_items(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

/*
 * Fill `v` from the item texts (already split and trimmed). On a parse or
 * bounds error return RM_EPLUGIN_PARAM with why (prefixed "item k: " for
 * lists of several); RM_ENOMEM on allocation failure.
 */
static int fill_value(rm__param_value *v, const rm_param_desc *pd,
                      char **texts, size_t n, char *why, size_t cap)
{
    int b = base_type(pd);
    v->desc = pd;
    v->n = n;
    size_t alloc_n = n ? n : 1;
    if (b == RM_PARAM_INT || b == RM_PARAM_BOOL)
        v->ints = rm_callocarray(alloc_n, sizeof *v->ints);
    else if (b == RM_PARAM_REAL || b == RM_PARAM_DISTANCE ||
             b == RM_PARAM_DURATION)
        v->reals = rm_callocarray(alloc_n, sizeof *v->reals);
    else {
        v->strings = rm_callocarray(alloc_n, sizeof *v->strings);
        if (b == RM_PARAM_LAYER)
            v->layers = rm_callocarray(alloc_n, sizeof *v->layers);
    }
    if ((!v->ints && !v->reals && !v->strings) ||
        (b == RM_PARAM_LAYER && !v->layers))
        return RM_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        item_value iv = {0, 0};
        char one[WHY_MAX];
        int bad = parse_item(pd, texts[k], &iv, one, sizeof one);
        if (!bad && b == RM_PARAM_INT)
            bad = check_bounds(pd, (double)iv.i, one, sizeof one);
        else if (!bad && v->reals)
            bad = check_bounds(pd, iv.r, one, sizeof one);
        if (bad) {
            if (n > 1)
                snprintf(why, cap, "item %zu: %.400s", k + 1, one);
            else
                snprintf(why, cap, "%s", one);
            return RM_EPLUGIN_PARAM;
        }
        if (v->ints)
            v->ints[k] = iv.i;
        else if (v->reals)
            v->reals[k] = iv.r;
        else if (!(v->strings[k] = rm__strdup(texts[k])))
            return RM_ENOMEM;
    }
    v->set = 1;
    return RM_OK;
}

static int fill_default(rm__param_value *v, const rm_param_desc *pd,
                        char *why, size_t cap)
{
    char **texts = NULL;
    size_t n = 0;
    const char *d = pd->default_value;
    int rc = split_items(&d, 1, is_list_type(pd), &texts, &n);
    if (rc)
        return rc;
    /* An empty default of a list is the empty list. */
    if (is_list_type(pd) && n == 1 && texts[0][0] == '\0') {
        free(texts[0]);
        n = 0;
    }
    rc = fill_value(v, pd, texts, n, why, cap);
    free_items(texts, n);
    return rc;
}

char *rm__param_check_default(const rm_param_desc *pd)
{
    if (!pd->default_value)
        return NULL;
    rm__param_value v;
    memset(&v, 0, sizeof v);
    char why[WHY_MAX];
    int rc = fill_default(&v, pd, why, sizeof why);
    free_value(&v);
    if (rc == RM_ENOMEM)
        return rm__strdup("out of memory while checking the default");
    if (rc) {
        if (pd->min == 0 && pd->max == 0 && strstr(why, "out of bounds"))
            return rm__asprintf("default: %s (min and max are both 0; use "
                                "NAN for no bound)", why);
        return rm__asprintf("default: %s", why);
    }
    return NULL;
}

void rm__param_type_text(const rm_param_desc *pd, rm_strbuf *sb)
{
    static const char *names[] = {"?", "layer", "int", "real", "distance",
                                  "duration", "bool", "string", "enum"};
    int b = base_type(pd);
    if (is_list_type(pd))
        rm_strbuf_append(sb, "list of ");
    rm_strbuf_append(sb, b >= 1 && b <= 8 ? names[b] : "?");
    if (pd->unit && (b == RM_PARAM_DISTANCE || b == RM_PARAM_DURATION ||
                     b == RM_PARAM_INT || b == RM_PARAM_REAL))
        rm_strbuf_printf(sb, " (%s)", pd->unit);
    if (b == RM_PARAM_ENUM)
        rm_strbuf_printf(sb, ": %s", pd->choices ? pd->choices : "");
    if (b == RM_PARAM_LAYER) {
        static const struct {
            unsigned bit;
            const char *what;
        } kinds[] = {{RM_ACCEPT_POINT, "points"},
                     {RM_ACCEPT_LINE, "lines"},
                     {RM_ACCEPT_POLYGON, "polygons"},
                     {RM_ACCEPT_RASTER, "raster"}};
        if (pd->accept == 0) {
            rm_strbuf_append(sb, " (any)");
            return;
        }
        rm_strbuf_append(sb, " (");
        int first = 1;
        for (size_t i = 0; i < 4; i++) {
            if (!(pd->accept & kinds[i].bit))
                continue;
            rm_strbuf_printf(sb, "%s%s", first ? "" : ", ", kinds[i].what);
            first = 0;
        }
        rm_strbuf_append(sb, ")");
    }
}

static const char *geom_words(rm_geom_type t)
{
    switch (t) {
    case RM_GEOM_NONE: return "no geometry";
    case RM_GEOM_POINT: return "points";
    case RM_GEOM_LINE: return "lines";
    case RM_GEOM_POLYGON: return "polygons";
    case RM_GEOM_RASTER: return "a raster";
    }
    return "an unknown geometry type";
}

/* "points or polygons" for an accept mask. */
static void accept_words(unsigned accept, char *buf, size_t cap)
{
    static const struct {
        unsigned bit;
        const char *what;
    } kinds[] = {{RM_ACCEPT_POINT, "points"},
                 {RM_ACCEPT_LINE, "lines"},
                 {RM_ACCEPT_POLYGON, "polygons"},
                 {RM_ACCEPT_RASTER, "a raster"}};
    size_t len = 0, count = 0, total = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < 4; i++)
        total += (accept & kinds[i].bit) != 0;
    for (size_t i = 0; i < 4 && len < cap; i++) {
        if (!(accept & kinds[i].bit))
            continue;
        count++;
        const char *sep = count == 1 ? "" : count == total ? " or " : ", ";
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", sep,
                                kinds[i].what);
    }
}

typedef struct resolver {
    rm_context *ctx;
    const rm_plugin_desc *desc;
    const char *step;
    rm__layer_lookup lookup;
    rm__layer_name_at name_at;
    void *ud;
} resolver;

static int unknown_param(const resolver *r, const rm__raw_param *raw)
{
    rm_strbuf names = RM_STRBUF_INIT;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < r->desc->n_params; i++) {
        const char *pn = r->desc->params[i].name;
        rm_strbuf_printf(&names, "%s%s", i ? ", " : "", pn);
        size_t d = edit_distance(raw->name, pn);
        if (d < best_d && close_to(raw->name, pn)) {
            best_d = d;
            best = pn;
        }
    }
    char hint[128] = "";
    if (best)
        snprintf(hint, sizeof hint, "did you mean '%s'? ", best);
    int rc = rm__error(
        r->ctx, RM_EPLUGIN_PARAM, &raw->loc,
        "step '%s': plugin '%s' has no parameter '%s'; %sits parameters "
        "are: %s (see `routemap plugins info %s`)",
        r->step, r->desc->name, raw->name, hint,
        names.data && *names.data ? names.data : "(none)", r->desc->name);
    rm_strbuf_free(&names);
    return rc;
}

static int unknown_layer(const resolver *r, const rm__raw_param *raw,
                         const char *name)
{
    rm_strbuf known = RM_STRBUF_INIT;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; r->name_at; i++) {
        const char *ln = r->name_at(r->ud, i);
        if (!ln)
            break;
        rm_strbuf_printf(&known, "%s%s", i ? ", " : "", ln);
        size_t d = edit_distance(name, ln);
        if (d < best_d && close_to(name, ln)) {
            best_d = d;
            best = ln;
        }
    }
    char hint[160] = "";
    if (best)
        snprintf(hint, sizeof hint, "did you mean '%s'? ", best);
    int rc;
    if (r->name_at)
        rc = rm__error(r->ctx, RM_ESPEC_REF, &raw->loc,
                       "step '%s': parameter '%s' names the layer '%s', "
                       "which is not defined; %sknown layers: %s",
                       r->step, raw->name, name, hint,
                       known.data && *known.data ? known.data : "(none)");
    else
        rc = rm__error(r->ctx, RM_ESPEC_REF, &raw->loc,
                       "step '%s': parameter '%s' names the layer '%s', "
                       "which is not defined; define it under `layers:` "
                       "or name an earlier step's output as step.output",
                       r->step, raw->name, name);
    rm_strbuf_free(&known);
    return rc;
}

/* Look up and type-check the layers named by a resolved LAYER value. */
static int bind_layers(const resolver *r, const rm__raw_param *raw,
                       rm__param_value *v)
{
    const rm_param_desc *pd = v->desc;
    for (size_t k = 0; r->lookup && k < v->n; k++) {
        const rm_layer *l = r->lookup(r->ud, v->strings[k]);
        if (!l)
            return unknown_layer(r, raw, v->strings[k]);
        rm_geom_type t = rm_layer_geom_type(l);
        int ti = (int)t;
        unsigned bit = (ti >= 0 && ti < 31) ? 1u << ti : 0;
        if (pd->accept != 0 && !(pd->accept & bit)) {
            char want[80];
            accept_words(pd->accept, want, sizeof want);
            return rm__error(r->ctx, RM_EPLUGIN_PARAM, &raw->loc,
                             "step '%s': parameter '%s' wants a layer of "
                             "%s, but '%s' holds %s; name a layer of %s",
                             r->step, raw->name, want, v->strings[k],
                             geom_words(t), want);
        }
        v->layers[k] = l;
    }
    return RM_OK;
}

static int resolve_one(const resolver *r, const rm__raw_param *raw,
                       rm__param_value *v)
{
    const rm_param_desc *pd = v->desc;
    if (raw->is_list && !is_list_type(pd)) {
        return rm__error(r->ctx, RM_EPLUGIN_PARAM, &raw->loc,
                         "step '%s': parameter '%s' takes one value, but a "
                         "list of %zu was given; write a single value",
                         r->step, raw->name, raw->n);
    }
    if (!raw->is_list && raw->n != 1 && !is_list_type(pd)) {
        return rm__error(r->ctx, RM_EPLUGIN_PARAM, &raw->loc,
                         "step '%s': parameter '%s' takes one value, but "
                         "%zu were given; write a single value",
                         r->step, raw->name, raw->n);
    }
    char **texts = NULL;
    size_t n = 0;
    int rc = split_items(raw->items, raw->n,
                         is_list_type(pd) && !raw->is_list, &texts, &n);
    if (rc)
        return rm__error(r->ctx, rc, &raw->loc, "out of memory");
    char why[WHY_MAX];
    rc = fill_value(v, pd, texts, n, why, sizeof why);
    free_items(texts, n);
    if (rc == RM_ENOMEM)
        return rm__error(r->ctx, rc, &raw->loc, "out of memory");
    if (rc) {
        rm_strbuf tt = RM_STRBUF_INIT;
        rm__param_type_text(pd, &tt);
        rc = rm__error(r->ctx, rc, &raw->loc,
                       "step '%s': parameter '%s' (%s): %s", r->step,
                       raw->name, tt.data ? tt.data : "?", why);
        rm_strbuf_free(&tt);
        return rc;
    }
    if (base_type(pd) == RM_PARAM_LAYER)
        return bind_layers(r, raw, v);
    return RM_OK;
}

static const rm__raw_param *find_raw(const rm__raw_param *raw, size_t n,
                                     const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (raw[i].name && strcmp(raw[i].name, name) == 0)
            return &raw[i];
    return NULL;
}

static int check_names(const resolver *r, const rm__raw_param *raw,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *name = raw[i].name ? raw[i].name : "";
        int known = 0;
        for (size_t j = 0; j < r->desc->n_params && !known; j++)
            known = strcmp(r->desc->params[j].name, name) == 0;
        if (!known) {
            rm__raw_param copy = raw[i];
            copy.name = name;
            return unknown_param(r, &copy);
        }
        for (size_t j = 0; j < i; j++) {
            if (raw[j].name && strcmp(raw[j].name, name) == 0) {
                char where[600] = "";
                if (raw[j].loc.file && raw[j].loc.line > 0)
                    snprintf(where, sizeof where, " (first at %s:%d)",
                             raw[j].loc.file, raw[j].loc.line);
                return rm__error(r->ctx, RM_EPLUGIN_PARAM, &raw[i].loc,
                                 "step '%s': parameter '%s' is set twice%s; "
                                 "keep one", r->step, name, where);
            }
        }
    }
    return RM_OK;
}

int rm__params_resolve_ex(rm_context *ctx, const rm_plugin_desc *desc,
                          const char *step_id, const rm__raw_param *raw,
                          size_t n, rm__layer_lookup lookup,
                          rm__layer_name_at name_at, void *ud,
                          rm__params **out)
{
    *out = NULL;
    resolver r = {ctx, desc, step_id ? step_id : "?", lookup, name_at, ud};
    int rc = check_names(&r, raw, n);
    if (rc)
        return rc;
    rm__params *p = calloc(1, sizeof *p);
    if (!p)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    p->desc = desc;
    p->n = desc->n_params;
    p->values = rm_callocarray(p->n ? p->n : 1, sizeof *p->values);
    if (!p->values) {
        free(p);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < p->n; i++)
        p->values[i].desc = &desc->params[i];

    for (size_t i = 0; i < p->n && !rc; i++) {
        const rm_param_desc *pd = &desc->params[i];
        rm__param_value *v = &p->values[i];
        const rm__raw_param *rp = find_raw(raw, n, pd->name);
        if (rp) {
            rc = resolve_one(&r, rp, v);
        } else if (pd->required) {
            rm_strbuf tt = RM_STRBUF_INIT;
            rm__param_type_text(pd, &tt);
            /* No place of its own: the caller points at the step. */
            rc = rm__error(ctx, RM_EPLUGIN_PARAM, NULL,
                           "step '%s': plugin '%s' requires the parameter "
                           "'%s' (%s), which is not set; add `%s: ...` to "
                           "the step", r.step, desc->name, pd->name,
                           tt.data ? tt.data : "?", pd->name);
            rm_strbuf_free(&tt);
        } else if (pd->default_value) {
            char why[WHY_MAX];
            rc = fill_default(v, pd, why, sizeof why);
            if (rc == RM_ENOMEM)
                rc = rm__error(ctx, rc, NULL, "out of memory");
            else if (rc)
                rc = rm__error(ctx, RM_EPLUGIN_PARAM, NULL,
                               "plugin '%s': the default of '%s' is "
                               "invalid: %s", desc->name, pd->name, why);
            v->from_default = 1;
            /* Defaults of layer parameters name layers too. */
            if (!rc && base_type(pd) == RM_PARAM_LAYER && lookup) {
                rm__raw_param dr = {pd->name, NULL, 0, 0,
                                    {NULL, 0, 0, NULL, NULL, -1}};
                rc = bind_layers(&r, &dr, v);
            }
        }
    }
    if (rc) {
        rm__params_destroy(p);
        return rc;
    }
    *out = p;
    return RM_OK;
}

int rm__params_resolve(rm_context *ctx, const rm_plugin_desc *desc,
                       const char *step_id, const rm__raw_param *raw,
                       size_t n, rm__layer_lookup lookup, void *ud,
                       rm__params **out)
{
    return rm__params_resolve_ex(ctx, desc, step_id, raw, n, lookup, NULL,
                                 ud, out);
}

void rm__params_destroy(rm__params *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free_value(&p->values[i]);
    free(p->values);
    free(p);
}

const rm__param_value *rm__params_get(const rm__params *p, const char *name)
{
    for (size_t i = 0; p && name && i < p->n; i++)
        if (strcmp(p->values[i].desc->name, name) == 0)
            return &p->values[i];
    return NULL;
}

size_t rm__params_count(const rm__params *p) { return p ? p->n : 0; }

const rm__param_value *rm__params_at(const rm__params *p, size_t i)
{
    return p && i < p->n ? &p->values[i] : NULL;
}

/* The shortest of %.15g, %.16g, %.17g that reads back exactly. */
static void json_real(rm_strbuf *sb, double v)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    rm_strbuf_append(sb, buf);
}

static void json_item(const rm__param_value *v, size_t k, rm_strbuf *sb)
{
    int b = base_type(v->desc);
    if (b == RM_PARAM_BOOL)
        rm_strbuf_append(sb, v->ints[k] ? "true" : "false");
    else if (v->ints)
        rm_strbuf_printf(sb, "%lld", (long long)v->ints[k]);
    else if (v->reals)
        json_real(sb, v->reals[k]);
    else
        rm_strbuf_json_string(sb, v->strings[k]);
}

void rm__params_json(const rm__params *p, rm_strbuf *sb)
{
    rm_strbuf_append(sb, "{");
    int first = 1;
    for (size_t i = 0; p && i < p->n; i++) {
        const rm__param_value *v = &p->values[i];
        if (!v->set)
            continue;
        if (!first)
            rm_strbuf_append(sb, ", ");
        first = 0;
        rm_strbuf_json_string(sb, v->desc->name);
        rm_strbuf_append(sb, ": ");
        if (is_list_type(v->desc)) {
            rm_strbuf_append(sb, "[");
            for (size_t k = 0; k < v->n; k++) {
                if (k)
                    rm_strbuf_append(sb, ", ");
                json_item(v, k, sb);
            }
            rm_strbuf_append(sb, "]");
        } else if (v->n > 0) {
            json_item(v, 0, sb);
        } else {
            rm_strbuf_append(sb, "null");
        }
    }
    rm_strbuf_append(sb, "}");
}
