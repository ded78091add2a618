/*
 * Parses a briefing's YAML tree into the spec structs (spec.h). Every error
 * names the offending key or value by file:line:column, says what is wrong
 * and what to write instead; the first error stops the parse and the
 * half-built spec is freed, so a spec that is returned is complete.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec.h"
#include "util/util.h"
#include "yaml_tree.h"

/* Largest briefing file read, in bytes. */
#define MAX_FILE (16L * 1024L * 1024L)
/* Longest identifier (layer name, step id, parameter name). */
#define MAX_IDENT 64

typedef struct parser {
    rm_context *ctx;
    rm__spec *s;
} parser;

/* ---- small helpers ---- */

static rm__spec_loc loc_of(const rm__ynode *n)
{
    rm__spec_loc l = {n ? n->line : 0, n ? n->column : 0};
    return l;
}

static int perr(parser *p, int code, rm__spec_loc loc, const char *fmt, ...)
    RM__PRINTF(4, 5);

static int perr(parser *p, int code, rm__spec_loc loc, const char *fmt, ...)
{
    rm_location where = rm__spec_where(p->s, loc);
    va_list ap;
    va_start(ap, fmt);
    rm__verror(p->ctx, code, &where, fmt, ap);
    va_end(ap);
    return code;
}

static int nomem(parser *p)
{
    return rm__error(p->ctx, RM_ENOMEM, NULL,
                     "out of memory while reading the briefing");
}

/* Text for a message: at most 60 bytes, cut at a character boundary. */
typedef struct shown {
    char buf[72];
} shown;

static const char *show(shown *sh, const char *s)
{
    size_t n = strlen(s);
    if (n <= 60)
        return s;
    n = 60;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(sh->buf, s, n);
    memcpy(sh->buf + n, "...", 4);
    return sh->buf;
}

static int str_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* Optimal string alignment distance, case-insensitive; short strings. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t d[MAX_IDENT + 1][MAX_IDENT + 1];
    if (la > MAX_IDENT || lb > MAX_IDENT)
        return (size_t)-1;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]);
            int cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 &&
                ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

/* The closest of `names` to `word` if it is close enough, else NULL. */
static const char *suggest(const char *word, const char *const *names,
                           size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t len = strlen(word);
    size_t limit = len <= 3 ? 1 : (len <= 6 ? 2 : 3);
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

/* "; did you mean 'x'?" or "; expected one of: a, b, c" */
static void hint(rm_strbuf *sb, const char *word, const char *const *names,
                 size_t n, const char *list_intro)
{
    const char *s = suggest(word, names, n);
    if (s) {
        rm_strbuf_printf(sb, "; did you mean '%s'?", s);
        return;
    }
    if (!list_intro || n == 0 || n > 20)
        return;
    rm_strbuf_printf(sb, "; %s: ", list_intro);
    for (size_t i = 0; i < n; i++)
        rm_strbuf_printf(sb, "%s%s", i ? ", " : "", names[i]);
}

static int is_ident(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return n > 0 && n <= MAX_IDENT;
}

/* "name" or "step.output", both parts identifiers. */
static int is_ref(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return is_ident(s);
    if (dot == s || strchr(dot + 1, '.'))
        return 0;
    size_t n = (size_t)(dot - s);
    char head[MAX_IDENT + 1];
    if (n > MAX_IDENT)
        return 0;
    memcpy(head, s, n);
    head[n] = '\0';
    return is_ident(head) && is_ident(dot + 1);
}

/* Strict decimal number: [+-]digits[.digits][e[+-]digits]. */
static int parse_number(const char *t, double *out)
{
    const char *c = t;
    int digits = 0;
    if (*c == '+' || *c == '-')
        c++;
    while (isdigit((unsigned char)*c))
        c++, digits++;
    if (*c == '.') {
        c++;
        while (isdigit((unsigned char)*c))
            c++, digits++;
    }
    if (!digits)
        return -1;
    if (*c == 'e' || *c == 'E') {
        c++;
        if (*c == '+' || *c == '-')
            c++;
        if (!isdigit((unsigned char)*c))
            return -1;
        while (isdigit((unsigned char)*c))
            c++;
    }
    if (*c)
        return -1;
    return rm__parse_double(t, out);
}

static int parse_bool(const char *t, int *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    for (size_t i = 0; i < 3; i++) {
        if (str_ieq(t, yes[i])) {
            *out = 1;
            return 0;
        }
        if (str_ieq(t, no[i])) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* ---- dates ---- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Exactly `n` digits at *c; advances. */
static int digits(const char **c, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*c)[i]))
            return -1;
        v = v * 10 + ((*c)[i] - '0');
    }
    *c += n;
    *out = v;
    return 0;
}

int rm__spec_parse_time(const char *text, int end_of_day, int64_t *out)
{
    if (!text || !out)
        return -1;
    const char *c = text;
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, off_min = 0;
    if (digits(&c, 4, &y) || *c++ != '-' || digits(&c, 2, &mo) ||
        *c++ != '-' || digits(&c, 2, &d))
        return -1;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    int64_t day_ms = days_from_civil(y, mo, d) * 86400000;
    if (*c == '\0') {
        *out = end_of_day ? day_ms + 86400000 - 1 : day_ms;
        return 0;
    }
    if (*c != 'T' && *c != 't' && *c != ' ')
        return -1;
    c++;
    if (digits(&c, 2, &h) || *c++ != ':' || digits(&c, 2, &mi))
        return -1;
    if (*c == ':') {
        c++;
        if (digits(&c, 2, &sec))
            return -1;
        if (*c == '.' || *c == ',') {
            c++;
            int nd = 0;
            if (!isdigit((unsigned char)*c))
                return -1;
            while (isdigit((unsigned char)*c)) {
                if (nd < 3)
                    ms = ms * 10 + (*c - '0');
                nd++;
                c++;
            }
            for (; nd < 3; nd++)
                ms *= 10;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return -1;
    if (*c == 'Z' || *c == 'z') {
        c++;
    } else if (*c == '+' || *c == '-') {
        int sign = *c == '-' ? -1 : 1, oh, om;
        c++;
        if (digits(&c, 2, &oh))
            return -1;
        if (*c == ':')
            c++;
        if (digits(&c, 2, &om) || oh > 23 || om > 59)
            return -1;
        off_min = sign * (oh * 60 + om);
    }
    if (*c != '\0')
        return -1;
    *out = day_ms + ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + ms -
           (int64_t)off_min * 60000;
    return 0;
}

/* ---- typed access to mapping values ---- */

/* Unknown keys of `map`, with a suggestion. */
static int check_keys(parser *p, const rm__ynode *map,
                      const char *const *allowed, size_t n_allowed,
                      const char *what)
{
    for (size_t i = 0; i < map->n_pairs; i++) {
        const rm__ynode *k = map->pairs[i].key;
        size_t j = 0;
        while (j < n_allowed && strcmp(k->text, allowed[j]) != 0)
            j++;
        if (j < n_allowed)
            continue;
        shown sh;
        rm_strbuf sb = RM_STRBUF_INIT;
        rm_strbuf_printf(&sb, "unknown key '%s' in %s", show(&sh, k->text),
                         what);
        hint(&sb, k->text, allowed, n_allowed, "the keys are");
        int rc = sb.failed ? nomem(p)
                           : perr(p, RM_ESPEC_KEY, loc_of(k), "%s", sb.data);
        rm_strbuf_free(&sb);
        return rc;
    }
    return RM_OK;
}

/* The value of `key` in `map`; `*key_out` its key node. NULL when absent. */
static const rm__ynode *get(const rm__ynode *map, const char *key,
                            const rm__ynode **key_out)
{
    const rm__ypair *pr = rm__ymap_find(map, key);
    if (key_out)
        *key_out = pr ? pr->key : NULL;
    return pr ? pr->value : NULL;
}

static int missing(parser *p, rm__spec_loc where, const char *key,
                   const char *what, const char *example)
{
    return perr(p, RM_ESPEC_MISSING, where,
                "%s has no '%s'; add '%s: %s'", what, key, key, example);
}

static int no_value(parser *p, const rm__ynode *key, const char *what,
                    const char *extra)
{
    return perr(p, RM_ESPEC_MISSING, loc_of(key),
                "'%s' in %s has no value; write one after the colon or "
                "remove the key%s",
                key->text, what, extra ? extra : "");
}

static int not_scalar(parser *p, const rm__ynode *key, const rm__ynode *v,
                      const char *what, const char *expected)
{
    return perr(p, RM_ESPEC_TYPE, loc_of(v),
                "'%s' in %s must be %s, not a %s", key->text, what, expected,
                rm__ynode_kind_name(v));
}

/* A scalar value for `key`: NULL and RM_OK when the key is absent. */
static int scalar_of(parser *p, const rm__ynode *map, const char *key,
                     const char *what, const char *expected,
                     const rm__ynode **out)
{
    const rm__ynode *k;
    const rm__ynode *v = get(map, key, &k);
    *out = NULL;
    if (!k)
        return RM_OK;
    if (rm__ynode_is_null(v))
        return no_value(p, k, what, NULL);
    if (v->kind != RM__YNODE_SCALAR)
        return not_scalar(p, k, v, what, expected);
    *out = v;
    return RM_OK;
}

enum { TEXT_REQUIRED = 1, TEXT_NONEMPTY = 2 };

static int get_text(parser *p, const rm__ynode *map, rm__spec_loc parent,
                    const char *key, const char *what, int flags,
                    const char *example, rm__spec_text *out)
{
    const rm__ynode *k;
    const rm__ynode *v = get(map, key, &k);
    if (!k) {
        if (flags & TEXT_REQUIRED)
            return missing(p, parent, key, what, example);
        return RM_OK;
    }
    if (rm__ynode_is_null(v))
        return no_value(p, k, what, NULL);
    if (v->kind != RM__YNODE_SCALAR)
        return not_scalar(p, k, v, what, "text");
    if ((flags & TEXT_NONEMPTY) && v->text[0] == '\0')
        return perr(p, RM_ESPEC_VALUE, loc_of(v),
                    "'%s' in %s is empty; write e.g. '%s: %s'", key, what,
                    key, example);
    if (!(out->s = rm__strdup(v->text)))
        return nomem(p);
    out->loc = loc_of(v);
    return RM_OK;
}

static int set_text(parser *p, rm__spec_text *t, const char *s)
{
    if (!(t->s = rm__strdup(s)))
        return nomem(p);
    return RM_OK;
}

static int get_bool(parser *p, const rm__ynode *map, const char *key,
                    const char *what, int *out, rm__spec_loc *loc)
{
    const rm__ynode *v;
    int rc = scalar_of(p, map, key, what, "true or false", &v);
    if (rc || !v)
        return rc;
    shown sh;
    if (parse_bool(v->text, out) != 0)
        return perr(p, RM_ESPEC_TYPE, loc_of(v),
                    "'%s' in %s must be true or false, not '%s'", key, what,
                    show(&sh, v->text));
    if (loc)
        *loc = loc_of(v);
    return RM_OK;
}

/* One of `choices` (case-insensitive); index in *out. */
static int get_choice(parser *p, const rm__ynode *map, const char *key,
                      const char *what, const char *const *choices,
                      size_t n, int *out, rm__spec_loc *loc)
{
    const rm__ynode *v;
    int rc = scalar_of(p, map, key, what, "a word", &v);
    if (rc || !v)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (str_ieq(v->text, choices[i])) {
            *out = (int)i;
            if (loc)
                *loc = loc_of(v);
            return RM_OK;
        }
    }
    shown sh;
    rm_strbuf sb = RM_STRBUF_INIT;
    rm_strbuf_printf(&sb, "'%s' in %s cannot be '%s'", key, what,
                     show(&sh, v->text));
    hint(&sb, v->text, choices, n, "write one of");
    rc = sb.failed ? nomem(p)
                   : perr(p, RM_ESPEC_VALUE, loc_of(v), "%s", sb.data);
    rm_strbuf_free(&sb);
    return rc;
}

/* Append one text item to a value. */
static int value_push(parser *p, rm__spec_value *v, const rm__ynode *n)
{
    char **items = rm_reallocarray(v->items, v->n + 1, sizeof *items);
    if (!items)
        return nomem(p);
    v->items = items;
    rm__spec_loc *locs = rm_reallocarray(v->item_locs, v->n + 1,
                                         sizeof *locs);
    if (!locs)
        return nomem(p);
    v->item_locs = locs;
    if (!(v->items[v->n] = rm__strdup(n->text)))
        return nomem(p);
    v->item_locs[v->n] = loc_of(n);
    v->n++;
    return RM_OK;
}

/*
 * A text or a list of texts. With `list_only` a single text is still
 * accepted (as a list of one, is_list 0). `item_ok` checks each item
 * (NULL: anything non-empty goes).
 */
typedef int (*item_check)(parser *p, const char *key, const char *what,
                          const rm__ynode *item);

static int value_of(parser *p, const rm__ynode *k, const rm__ynode *v,
                    const char *what, item_check check, rm__spec_value *out)
{
    if (rm__ynode_is_null(v))
        return no_value(p, k, what, NULL);
    out->loc = loc_of(v);
    if (v->kind == RM__YNODE_MAP)
        return not_scalar(p, k, v, what, "a value or a list of values");
    if (v->kind == RM__YNODE_SCALAR) {
        out->is_list = 0;
        if (check) {
            int rc = check(p, k->text, what, v);
            if (rc)
                return rc;
        }
        return value_push(p, out, v);
    }
    out->is_list = 1;
    if (v->n_items > 0) {
        /* allocate once so long lists stay linear */
        out->items = rm_callocarray(v->n_items, sizeof *out->items);
        out->item_locs = rm_callocarray(v->n_items, sizeof *out->item_locs);
        if (!out->items || !out->item_locs)
            return nomem(p);
    }
    for (size_t i = 0; i < v->n_items; i++) {
        const rm__ynode *it = v->items[i];
        if (it->kind != RM__YNODE_SCALAR)
            return perr(p, RM_ESPEC_TYPE, loc_of(it),
                        "item %zu of '%s' in %s is a %s; the list may only "
                        "hold plain values",
                        i + 1, k->text, what, rm__ynode_kind_name(it));
        if (rm__ynode_is_null(it))
            return perr(p, RM_ESPEC_MISSING, loc_of(it),
                        "item %zu of '%s' in %s is empty; write a value or "
                        "remove it",
                        i + 1, k->text, what);
        if (check) {
            int rc = check(p, k->text, what, it);
            if (rc)
                return rc;
        }
        if (!(out->items[i] = rm__strdup(it->text)))
            return nomem(p);
        out->item_locs[i] = loc_of(it);
        out->n = i + 1;
    }
    return RM_OK;
}

static int check_nonempty(parser *p, const char *key, const char *what,
                          const rm__ynode *item)
{
    if (item->text[0] != '\0')
        return RM_OK;
    return perr(p, RM_ESPEC_VALUE, loc_of(item),
                "'%s' in %s holds an empty name; remove it", key, what);
}

/* ---- references to layers and step outputs ---- */

static int check_ref_syntax(parser *p, const char *key, const char *what,
                            const rm__ynode *item)
{
    if (is_ref(item->text))
        return RM_OK;
    shown sh;
    return perr(p, RM_ESPEC_VALUE, loc_of(item),
                "'%s' in %s names '%s', which is neither a layer name nor "
                "'step.output' (lower-case letters, digits and '_')",
                key, what, show(&sh, item->text));
}

/* A reference must name a briefing layer or output of a known step. */
static int check_ref(parser *p, const char *ref, rm__spec_loc loc,
                     const char *key, const char *what)
{
    const rm__spec *s = p->s;
    const char *dot = strchr(ref, '.');
    shown sh;
    if (!dot) {
        if (rm__spec_find_layer(s, ref))
            return RM_OK;
        const char **names = rm_mallocarray(s->n_layers, sizeof *names);
        if (!names)
            return nomem(p);
        for (size_t i = 0; i < s->n_layers; i++)
            names[i] = s->layers[i].name;
        rm_strbuf sb = RM_STRBUF_INIT;
        rm_strbuf_printf(&sb,
                         "'%s' in %s names layer '%s', which is not in "
                         "'layers' (step outputs are written 'step.output')",
                         key, what, show(&sh, ref));
        hint(&sb, ref, names, s->n_layers, "the layers are");
        free(names);
        int rc = sb.failed ? nomem(p)
                           : perr(p, RM_ESPEC_REF, loc, "%s", sb.data);
        rm_strbuf_free(&sb);
        return rc;
    }
    char id[MAX_IDENT + 1];
    size_t n = (size_t)(dot - ref);
    if (n > MAX_IDENT)
        n = MAX_IDENT;
    memcpy(id, ref, n);
    id[n] = '\0';
    if (rm__spec_find_step(s, id))
        return RM_OK;
    const char **ids = rm_mallocarray(s->n_steps, sizeof *ids);
    if (!ids)
        return nomem(p);
    for (size_t i = 0; i < s->n_steps; i++)
        ids[i] = s->steps[i].id;
    rm_strbuf sb = RM_STRBUF_INIT;
    rm_strbuf_printf(&sb,
                     "'%s' in %s names '%s', but no step has id '%s'", key,
                     what, show(&sh, ref), id);
    hint(&sb, id, ids, s->n_steps, "the step ids are");
    free(ids);
    int rc = sb.failed ? nomem(p) : perr(p, RM_ESPEC_REF, loc, "%s", sb.data);
    rm_strbuf_free(&sb);
    return rc;
}

static int check_refs(parser *p, const rm__spec_value *v, const char *key,
                      const char *what)
{
    for (size_t i = 0; i < v->n; i++) {
        int rc = check_ref(p, v->items[i], v->item_locs[i], key, what);
        if (rc)
            return rc;
    }
    return RM_OK;
}

/* ---- lon/lat boxes ---- */

/* [minlon, minlat, maxlon, maxlat] in degrees. */
static int parse_box(parser *p, const rm__ynode *k, const rm__ynode *v,
                     const char *what, rm_bbox *out)
{
    static const char *const names[4] = {"minlon", "minlat", "maxlon",
                                         "maxlat"};
    if (rm__ynode_is_null(v))
        return no_value(p, k, what, NULL);
    if (v->kind != RM__YNODE_SEQ || v->n_items != 4) {
        if (v->kind == RM__YNODE_SEQ)
            return perr(p, RM_ESPEC_TYPE, loc_of(v),
                        "'%s' in %s has %zu numbers; write 4: [minlon, "
                        "minlat, maxlon, maxlat] in degrees",
                        k->text, what, v->n_items);
        return not_scalar(p, k, v, what,
                          "a list of 4 numbers [minlon, minlat, maxlon, "
                          "maxlat]");
    }
    double c[4];
    for (int i = 0; i < 4; i++) {
        const rm__ynode *it = v->items[i];
        shown sh;
        if (it->kind != RM__YNODE_SCALAR || parse_number(it->text, &c[i]))
            return perr(p, RM_ESPEC_TYPE, loc_of(it),
                        "%s of '%s' in %s must be a number of degrees, not "
                        "'%s'",
                        names[i], k->text, what,
                        it->kind == RM__YNODE_SCALAR
                            ? show(&sh, it->text)
                            : rm__ynode_kind_name(it));
        double lim = (i % 2 == 0) ? 180.0 : 90.0;
        if (c[i] < -lim || c[i] > lim)
            return perr(p, RM_ESPEC_VALUE, loc_of(it),
                        "%s of '%s' in %s is %g, outside -%g..%g degrees; "
                        "write longitude, then latitude",
                        names[i], k->text, what, c[i], lim, lim);
    }
    for (int i = 0; i < 2; i++)
        if (!(c[i] < c[i + 2]))
            return perr(p, RM_ESPEC_VALUE, loc_of(v->items[i + 2]),
                        "%s (%g) of '%s' in %s must be greater than %s "
                        "(%g); the order is [minlon, minlat, maxlon, "
                        "maxlat]",
                        names[i + 2], c[i + 2], k->text, what, names[i],
                        c[i]);
    out->minx = c[0];
    out->miny = c[1];
    out->maxx = c[2];
    out->maxy = c[3];
    return RM_OK;
}

/* ---- briefing ---- */

static int valid_color(const char *t)
{
    size_t n = strlen(t);
    if (t[0] != '#' || (n != 4 && n != 7))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!isxdigit((unsigned char)t[i]))
            return 0;
    return 1;
}

static int parse_time_value(parser *p, const rm__ynode *it, const char *key,
                            const char *what, int end, int64_t *out)
{
    shown sh;
    if (it->kind != RM__YNODE_SCALAR)
        return perr(p, RM_ESPEC_TYPE, loc_of(it),
                    "'%s' in %s must hold dates, not a %s", key, what,
                    rm__ynode_kind_name(it));
    if (rm__spec_parse_time(it->text, end, out) != 0)
        return perr(p, RM_ESPEC_VALUE, loc_of(it),
                    "'%s' in %s: '%s' is not a valid date; write "
                    "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ",
                    key, what, show(&sh, it->text));
    return RM_OK;
}

static int parse_period(parser *p, const rm__ynode *k, const rm__ynode *v,
                        rm__spec_briefing *b)
{
    const char *what = "briefing";
    if (rm__ynode_is_null(v))
        return no_value(p, k, what, NULL);
    if (v->kind != RM__YNODE_SEQ)
        return not_scalar(p, k, v, what, "a list [start, end]");
    if (v->n_items != 2)
        return perr(p, RM_ESPEC_TYPE, loc_of(v),
                    "'period' has %zu dates; write 2: [start, end], e.g. "
                    "[2026-07-01, 2026-09-30]",
                    v->n_items);
    int rc = parse_time_value(p, v->items[0], "period", what, 0,
                              &b->period_start_ms);
    if (!rc)
        rc = parse_time_value(p, v->items[1], "period", what, 1,
                              &b->period_end_ms);
    if (rc)
        return rc;
    if (b->period_start_ms > b->period_end_ms) {
        shown s1, s2;
        return perr(p, RM_ESPEC_VALUE, loc_of(v->items[1]),
                    "'period' ends (%s) before it starts (%s); write "
                    "[start, end]",
                    show(&s1, v->items[1]->text),
                    show(&s2, v->items[0]->text));
    }
    b->has_period = 1;
    b->period_loc = loc_of(v);
    return RM_OK;
}

static int parse_briefing(parser *p, const rm__ynode *key,
                          const rm__ynode *map)
{
    static const char *const keys[] = {
        "title",  "subtitle",   "classification", "classification_color",
        "organisation", "author", "disclaimer", "sources", "date",
        "crs",    "area",       "period"};
    const char *what = "briefing";
    rm__spec_briefing *b = &p->s->briefing;
    b->loc = loc_of(key);
    if (rm__ynode_is_null(map))
        return no_value(p, key, "the briefing file", NULL);
    if (map->kind != RM__YNODE_MAP)
        return perr(p, RM_ESPEC_TYPE, loc_of(map),
                    "'briefing' must be a mapping with title, crs, area, "
                    "period and the like, not a %s",
                    rm__ynode_kind_name(map));
    int rc = check_keys(p, map, keys, sizeof keys / sizeof *keys,
                        "briefing");
    if (rc)
        return rc;
    if ((rc = get_text(p, map, b->loc, "title", what,
                       TEXT_REQUIRED | TEXT_NONEMPTY,
                       "Northern Mali, Q3 2026", &b->title)) ||
        (rc = get_text(p, map, b->loc, "subtitle", what, 0, "", 
                       &b->subtitle)) ||
        (rc = get_text(p, map, b->loc, "classification", what,
                       TEXT_NONEMPTY, "UN RESTRICTED",
                       &b->classification)) ||
        (rc = get_text(p, map, b->loc, "organisation", what, 0, "",
                       &b->organisation)) ||
        (rc = get_text(p, map, b->loc, "author", what, 0, "",
                       &b->author)) ||
        (rc = get_text(p, map, b->loc, "disclaimer", what, 0, "",
                       &b->disclaimer)) ||
        (rc = get_text(p, map, b->loc, "sources", what, 0, "",
                       &b->sources)) ||
        (rc = get_text(p, map, b->loc, "crs", what, TEXT_NONEMPTY,
                       "auto", &b->crs)))
        return rc;
    if (!b->classification.s &&
        (rc = set_text(p, &b->classification, "UNCLASSIFIED")))
        return rc;
    if (!b->crs.s && (rc = set_text(p, &b->crs, "auto")))
        return rc;
    b->crs_auto = str_ieq(b->crs.s, "auto");

    const rm__ynode *k;
    const rm__ynode *v = get(map, "classification_color", &k);
    if (k) {
        if (rm__ynode_is_null(v))
            return no_value(p, k, what,
                            " (quote colours: \"#c00000\", since '#' "
                            "starts a YAML comment)");
        if (v->kind != RM__YNODE_SCALAR)
            return not_scalar(p, k, v, what, "a colour such as \"#c00000\"");
        shown sh;
        if (!valid_color(v->text))
            return perr(p, RM_ESPEC_VALUE, loc_of(v),
                        "'classification_color' is '%s'; write a colour "
                        "as \"#rrggbb\" (quoted), e.g. \"#c00000\"",
                        show(&sh, v->text));
        if ((rc = set_text(p, &b->classification_color, v->text)))
            return rc;
        b->classification_color.loc = loc_of(v);
    }

    if ((v = get(map, "area", &k)) != NULL || k) {
        if ((rc = parse_box(p, k, v, what, &b->area)))
            return rc;
        b->has_area = 1;
        b->area_loc = loc_of(v);
    }
    if ((v = get(map, "period", &k)) != NULL || k) {
        if ((rc = parse_period(p, k, v, b)))
            return rc;
    }
    const rm__ynode *dv;
    if ((rc = scalar_of(p, map, "date", what, "a date YYYY-MM-DD", &dv)))
        return rc;
    if (dv) {
        if ((rc = parse_time_value(p, dv, "date", what, 0, &b->date_ms)))
            return rc;
        b->date_loc = loc_of(dv);
    } else if (b->has_period) {
        b->date_ms = b->period_end_ms;
        b->date_loc = b->period_loc;
    } else {
        return perr(p, RM_ESPEC_MISSING, b->loc,
                    "briefing has neither 'date' nor 'period'; add 'date: "
                    "YYYY-MM-DD' (the briefing's date, printed and used for "
                    "the magnetic declination) or 'period: [start, end]'");
    }
    return RM_OK;
}

/* ---- layers ---- */

static int parse_layer(parser *p, const rm__ynode *k, const rm__ynode *v,
                       rm__spec_layer *l)
{
    static const char *const keys[] = {
        "source", "layer", "time", "kind",  "id",    "weight",
        "sensitive", "where", "x", "y",     "wkt",   "crs",
        "style",  "title", "basemap"};
    static const char *const roles[RM_ROLE_COUNT] = {"id", "time", "kind",
                                                     "weight"};
    shown sh;
    char what[96];
    l->loc = loc_of(k);
    if (!is_ident(k->text))
        return perr(p, RM_ESPEC_VALUE, loc_of(k),
                    "layer name '%s' is not valid; use lower-case letters, "
                    "digits and '_' (at most 64), e.g. 'incidents'",
                    show(&sh, k->text));
    if (!(l->name = rm__strdup(k->text)))
        return nomem(p);
    snprintf(what, sizeof what, "layer '%s'", l->name);
    if (rm__ynode_is_null(v))
        return no_value(p, k, "layers",
                        " (write the source path, e.g. 'data/x.gpkg')");
    if (v->kind == RM__YNODE_SCALAR) {
        if (v->text[0] == '\0')
            return perr(p, RM_ESPEC_VALUE, loc_of(v),
                        "layer '%s' has an empty source; write a path such "
                        "as data/incidents.gpkg",
                        l->name);
        if (!(l->source.s = rm__strdup(v->text)))
            return nomem(p);
        l->source.loc = loc_of(v);
        return RM_OK;
    }
    if (v->kind != RM__YNODE_MAP)
        return perr(p, RM_ESPEC_TYPE, loc_of(v),
                    "layer '%s' must be a source path or a mapping such as "
                    "{source: data/x.gpkg, layer: x}, not a %s",
                    l->name, rm__ynode_kind_name(v));
    int rc = check_keys(p, v, keys, sizeof keys / sizeof *keys, what);
    if (rc)
        return rc;
    if ((rc = get_text(p, v, l->loc, "source", what,
                       TEXT_REQUIRED | TEXT_NONEMPTY, "data/incidents.gpkg",
                       &l->source)) ||
        (rc = get_text(p, v, l->loc, "layer", what, TEXT_NONEMPTY, "name",
                       &l->layer)) ||
        (rc = get_text(p, v, l->loc, "where", what, TEXT_NONEMPTY,
                       "\"class = 'x'\"", &l->where)) ||
        (rc = get_text(p, v, l->loc, "x", what, TEXT_NONEMPTY, "lon",
                       &l->x)) ||
        (rc = get_text(p, v, l->loc, "y", what, TEXT_NONEMPTY, "lat",
                       &l->y)) ||
        (rc = get_text(p, v, l->loc, "wkt", what, TEXT_NONEMPTY, "geom",
                       &l->wkt)) ||
        (rc = get_text(p, v, l->loc, "crs", what, TEXT_NONEMPTY,
                       "EPSG:4326", &l->crs)) ||
        (rc = get_text(p, v, l->loc, "style", what, TEXT_NONEMPTY,
                       "incidents", &l->style)) ||
        (rc = get_text(p, v, l->loc, "title", what, 0, "",
                       &l->title)) ||
        (rc = get_bool(p, v, "basemap", what, &l->basemap,
                       &l->basemap_loc)))
        return rc;
    for (int r = 0; r < RM_ROLE_COUNT; r++)
        if ((rc = get_text(p, v, l->loc, roles[r], what, TEXT_NONEMPTY,
                           "field_name", &l->role_fields[r])))
            return rc;
    const rm__ynode *sk;
    const rm__ynode *sv = get(v, "sensitive", &sk);
    if (sk && (rc = value_of(p, sk, sv, what, check_nonempty,
                             &l->sensitive)))
        return rc;
    if ((l->x.s != NULL) != (l->y.s != NULL)) {
        const char *has = l->x.s ? "x" : "y";
        return perr(p, RM_ESPEC_MISSING, l->x.s ? l->x.loc : l->y.loc,
                    "layer '%s' sets '%s' but not '%s'; name both the x "
                    "(longitude) and y (latitude) columns",
                    l->name, has, l->x.s ? "y" : "x");
    }
    if (l->wkt.s && l->x.s)
        return perr(p, RM_ESPEC_VALUE, l->wkt.loc,
                    "layer '%s' sets both 'wkt' and 'x'/'y'; keep one way "
                    "to read the geometry",
                    l->name);
    /* a sensitive field must never be read, so it cannot have a role */
    const rm__spec_text *used[] = {
        &l->role_fields[RM_ROLE_ID], &l->role_fields[RM_ROLE_TIME],
        &l->role_fields[RM_ROLE_KIND], &l->role_fields[RM_ROLE_WEIGHT],
        &l->x, &l->y, &l->wkt};
    static const char *const used_keys[] = {"id", "time", "kind", "weight",
                                            "x",  "y",    "wkt"};
    for (size_t i = 0; i < l->sensitive.n; i++)
        for (size_t j = 0; j < sizeof used / sizeof *used; j++)
            if (used[j]->s && strcmp(used[j]->s, l->sensitive.items[i]) == 0)
                return perr(p, RM_ESPEC_VALUE, l->sensitive.item_locs[i],
                            "layer '%s' marks '%s' sensitive but also reads "
                            "it as '%s'; sensitive fields are never loaded: "
                            "remove one of the two",
                            l->name, show(&sh, l->sensitive.items[i]),
                            used_keys[j]);
    return RM_OK;
}

static int parse_layers(parser *p, const rm__ynode *k, const rm__ynode *v)
{
    if (rm__ynode_is_null(v))
        return no_value(p, k, "the briefing file",
                        " (list the input data under 'layers:')");
    if (v->kind != RM__YNODE_MAP)
        return perr(p, RM_ESPEC_TYPE, loc_of(v),
                    "'layers' must be a mapping of layer names to sources "
                    "(incidents: data/incidents.gpkg), not a %s",
                    rm__ynode_kind_name(v));
    if (v->n_pairs == 0)
        return perr(p, RM_ESPEC_VALUE, loc_of(v),
                    "'layers' is empty; add at least one layer, e.g. "
                    "'incidents: data/incidents.gpkg'");
    rm__spec *s = p->s;
    s->layers = rm_callocarray(v->n_pairs, sizeof *s->layers);
    if (!s->layers)
        return nomem(p);
    s->n_layers = v->n_pairs;
    for (size_t i = 0; i < v->n_pairs; i++) {
        int rc = parse_layer(p, v->pairs[i].key, v->pairs[i].value,
                             &s->layers[i]);
        if (rc)
            return rc;
    }
    return RM_OK;
}

/* ---- steps ---- */

static int parse_step_param(parser *p, const rm__ynode *k,
                            const rm__ynode *v, const char *what,
                            rm__spec_param *par)
{
    shown sh;
    par->key_loc = loc_of(k);
    if (!is_ident(k->text))
        return perr(p, RM_ESPEC_KEY, loc_of(k),
                    "parameter '%s' of %s is not a valid name; plugin "
                    "parameters are lower-case letters, digits and '_'",
                    show(&sh, k->text), what);
    if (!(par->name = rm__strdup(k->text)))
        return nomem(p);
    return value_of(p, k, v, what, NULL, &par->value);
}

/* Keys of the step itself rather than of its plugin. */
static int is_step_key(const char *key)
{
    static const char *const keys[] = {"id", "plugin", "timeout_s",
                                       "memory_mb"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/* timeout_s: seconds, 0 < t <= a week; memory_mb: whole MiB, 16 to 1 TiB
 * (the bounds are RM__STEP_* in plugin/step.h, repeated in messages). */
static int parse_limits(parser *p, const rm__ynode *m, const char *what,
                        rm__spec_step *st)
{
    const rm__ynode *v;
    shown sh;
    double d;
    int rc = scalar_of(p, m, "timeout_s", what, "a number of seconds", &v);
    if (rc)
        return rc;
    if (v) {
        if (parse_number(v->text, &d) != 0)
            return perr(p, RM_ESPEC_TYPE, loc_of(v),
                        "'timeout_s' in %s must be a number of seconds "
                        "(e.g. 600), not '%s'",
                        what, show(&sh, v->text));
        if (!(d > 0) || d > 604800)
            return perr(p, RM_ESPEC_VALUE, loc_of(v),
                        "'timeout_s' in %s is %g; give more than 0 and at "
                        "most 604800 seconds (a week); the default is 1800",
                        what, d);
        st->timeout_s = d;
        st->timeout_loc = loc_of(v);
    }
    rc = scalar_of(p, m, "memory_mb", what, "a number of MB", &v);
    if (rc)
        return rc;
    if (v) {
        if (parse_number(v->text, &d) != 0 || d != floor(d))
            return perr(p, RM_ESPEC_TYPE, loc_of(v),
                        "'memory_mb' in %s must be a whole number of MB "
                        "(e.g. 4096), not '%s'",
                        what, show(&sh, v->text));
        if (d < 16 || d > 1048576)
            return perr(p, RM_ESPEC_VALUE, loc_of(v),
                        "'memory_mb' in %s is %g; give 16 to 1048576 MB; "
                        "the default is 4096",
                        what, d);
        st->memory_mb = (uint64_t)d;
        st->memory_loc = loc_of(v);
    }
    return RM_OK;
}

static int parse_step(parser *p, size_t index, const rm__ynode *m,
                      rm__spec_step *st)
{
    char what[96];
    shown sh;
    snprintf(what, sizeof what, "step %zu", index + 1);
    st->loc = loc_of(m);
    if (m->kind != RM__YNODE_MAP)
        return perr(p, RM_ESPEC_TYPE, loc_of(m),
                    "%s must be a mapping such as {id: cross, plugin: "
                    "crossings, ...}, not a %s",
                    what, rm__ynode_kind_name(m));
    rm__spec_text id = {NULL, {0, 0}}, plugin = {NULL, {0, 0}};
    int rc = get_text(p, m, st->loc, "id", what, TEXT_REQUIRED, "cross",
                      &id);
    st->id = id.s;
    st->id_loc = id.loc;
    if (rc)
        return rc;
    if (!is_ident(id.s))
        return perr(p, RM_ESPEC_VALUE, id.loc,
                    "step id '%s' is not valid; use lower-case letters, "
                    "digits and '_' (at most 64), e.g. 'cross'",
                    show(&sh, id.s));
    snprintf(what, sizeof what, "step '%s'", id.s);
    rc = get_text(p, m, st->loc, "plugin", what, TEXT_REQUIRED, "crossings",
                  &plugin);
    st->plugin = plugin.s;
    st->plugin_loc = plugin.loc;
    if (rc)
        return rc;
    if (!is_ident(plugin.s))
        return perr(p, RM_ESPEC_VALUE, plugin.loc,
                    "plugin name '%s' is not valid; plugin names are "
                    "lower-case letters, digits and '_' (see 'routemap "
                    "plugins')",
                    show(&sh, plugin.s));
    if ((rc = parse_limits(p, m, what, st)))
        return rc;
    size_t n = m->n_pairs - 2; /* id and plugin are present */
    if (n > 0) {
        st->params = rm_callocarray(n, sizeof *st->params);
        if (!st->params)
            return nomem(p);
    }
    for (size_t i = 0; i < m->n_pairs; i++) {
        const rm__ynode *k = m->pairs[i].key;
        if (is_step_key(k->text))
            continue;
        rc = parse_step_param(p, k, m->pairs[i].value, what,
                              &st->params[st->n_params++]);
        if (rc)
            return rc;
    }
    return RM_OK;
}

static int cmp_step_ptr(const void *a, const void *b)
{
    const rm__spec_step *sa = *(const rm__spec_step *const *)a;
    const rm__spec_step *sb = *(const rm__spec_step *const *)b;
    int c = strcmp(sa->id, sb->id);
    if (c)
        return c;
    return sa < sb ? -1 : (sa > sb ? 1 : 0);
}

/* The first step (in file order) that repeats an earlier id. */
static int check_step_ids(parser *p)
{
    rm__spec *s = p->s;
    if (s->n_steps < 2)
        return RM_OK;
    const rm__spec_step **order = rm_mallocarray(s->n_steps, sizeof *order);
    if (!order)
        return nomem(p);
    for (size_t i = 0; i < s->n_steps; i++)
        order[i] = &s->steps[i];
    qsort(order, s->n_steps, sizeof *order, cmp_step_ptr);
    const rm__spec_step *dup = NULL, *first = NULL;
    for (size_t i = 1; i < s->n_steps; i++) {
        if (strcmp(order[i]->id, order[i - 1]->id) != 0)
            continue;
        if (i >= 2 && strcmp(order[i]->id, order[i - 2]->id) == 0)
            continue;
        if (!dup || order[i] < dup) {
            dup = order[i];
            first = order[i - 1];
        }
    }
    free(order);
    if (!dup)
        return RM_OK;
    return perr(p, RM_ESPEC_VALUE, dup->id_loc,
                "step id '%s' is used twice (first at line %d, column %d); "
                "give each step its own id",
                dup->id, first->id_loc.line, first->id_loc.column);
}

static int parse_steps(parser *p, const rm__ynode *k, const rm__ynode *v)
{
    rm__spec *s = p->s;
    if (rm__ynode_is_null(v))
        return RM_OK; /* "steps:" with nothing: no analysis */
    if (v->kind != RM__YNODE_SEQ)
        return perr(p, RM_ESPEC_TYPE, loc_of(v),
                    "'%s' must be a list of steps ('- {id: ..., plugin: "
                    "...}'), not a %s",
                    k->text, rm__ynode_kind_name(v));
    if (v->n_items == 0)
        return RM_OK;
    s->steps = rm_callocarray(v->n_items, sizeof *s->steps);
    if (!s->steps)
        return nomem(p);
    s->n_steps = v->n_items;
    for (size_t i = 0; i < v->n_items; i++) {
        int rc = parse_step(p, i, v->items[i], &s->steps[i]);
        if (rc)
            return rc;
    }
    return check_step_ids(p);
}

/* ---- pages ---- */

static int parse_extent(parser *p, const rm__ynode *k, const rm__ynode *v,
                        const char *what, rm__spec_page *pg)
{
    if (rm__ynode_is_null(v))
        return no_value(p, k, what, NULL);
    pg->extent_loc = loc_of(v);
    if (v->kind == RM__YNODE_SEQ) {
        pg->extent = RM__SPEC_EXTENT_BOX;
        return parse_box(p, k, v, what, &pg->extent_box);
    }
    if (v->kind != RM__YNODE_SCALAR)
        return not_scalar(p, k, v, what,
                          "'area', a layer name or [minlon, minlat, maxlon, "
                          "maxlat]");
    if (strcmp(v->text, "area") == 0) {
        if (!p->s->briefing.has_area)
            return perr(p, RM_ESPEC_MISSING, loc_of(v),
                        "%s uses 'extent: area' but the briefing has no "
                        "'area'; add 'area: [minlon, minlat, maxlon, "
                        "maxlat]' to 'briefing'",
                        what);
        pg->extent = RM__SPEC_EXTENT_AREA;
        return RM_OK;
    }
    int rc = check_ref_syntax(p, k->text, what, v);
    if (!rc)
        rc = check_ref(p, v->text, loc_of(v), k->text, what);
    if (rc)
        return rc;
    pg->extent = RM__SPEC_EXTENT_LAYER;
    if (!(pg->extent_layer = rm__strdup(v->text)))
        return nomem(p);
    return RM_OK;
}

/* A mapping of layer references to texts: `styles` or `titles`. */
static int parse_layer_map(parser *p, const rm__ynode *k,
                           const rm__ynode *v, const char *what,
                           const char *key, const char *value_name,
                           rm__spec_layer_ref **out, size_t *n_out)
{
    if (rm__ynode_is_null(v))
        return no_value(p, k, what, NULL);
    if (v->kind != RM__YNODE_MAP)
        return not_scalar(p, k, v, what, value_name);
    if (v->n_pairs == 0)
        return RM_OK;
    *out = rm_callocarray(v->n_pairs, sizeof **out);
    if (!*out)
        return nomem(p);
    for (size_t i = 0; i < v->n_pairs; i++) {
        const rm__ynode *lk = v->pairs[i].key, *sv = v->pairs[i].value;
        rm__spec_layer_ref *st = &(*out)[(*n_out)++];
        int rc = check_ref_syntax(p, key, what, lk);
        if (!rc)
            rc = check_ref(p, lk->text, loc_of(lk), key, what);
        if (rc)
            return rc;
        if (rm__ynode_is_null(sv))
            return no_value(p, lk, what, NULL);
        if (sv->kind != RM__YNODE_SCALAR)
            return not_scalar(p, lk, sv, what, value_name);
        if (!(st->layer = rm__strdup(lk->text)) ||
            !(st->value = rm__strdup(sv->text)))
            return nomem(p);
        st->layer_loc = loc_of(lk);
        st->value_loc = loc_of(sv);
    }
    return RM_OK;
}

static int parse_page(parser *p, size_t index, const rm__ynode *m,
                      rm__spec_page *pg)
{
    static const char *const keys[] = {
        "title", "subtitle", "layers", "extent", "paper", "orientation",
        "atlas", "atlas_title", "styles", "titles", "labels", "grid", "inset",
        "note"};
    static const char *const papers[] = {"A4", "A3", "Letter"};
    static const char *const orientations[] = {"portrait", "landscape"};
    static const char *const grids[] = {"none", "utm", "mgrs"};
    char what[64];
    snprintf(what, sizeof what, "page %zu", index + 1);
    pg->loc = loc_of(m);
    pg->landscape = 1;
    if (m->kind != RM__YNODE_MAP)
        return perr(p, RM_ESPEC_TYPE, loc_of(m),
                    "%s must be a mapping such as {title: ..., layers: "
                    "[...]}, not a %s",
                    what, rm__ynode_kind_name(m));
    int rc = check_keys(p, m, keys, sizeof keys / sizeof *keys, what);
    if (rc)
        return rc;
    if ((rc = get_text(p, m, pg->loc, "title", what,
                       TEXT_REQUIRED | TEXT_NONEMPTY,
                       "Ceasefire-line crossings", &pg->title)) ||
        (rc = get_text(p, m, pg->loc, "subtitle", what, 0, "",
                       &pg->subtitle)) ||
        (rc = get_text(p, m, pg->loc, "note", what, 0, "", &pg->note)))
        return rc;

    const rm__ynode *k;
    const rm__ynode *v = get(m, "layers", &k);
    if (!k)
        return missing(p, pg->loc, "layers", what, "[countries, incidents]");
    if ((rc = value_of(p, k, v, what, check_ref_syntax, &pg->layers)) ||
        (rc = check_refs(p, &pg->layers, "layers", what)))
        return rc;
    if (pg->layers.n == 0)
        return perr(p, RM_ESPEC_VALUE, pg->layers.loc,
                    "'layers' of %s is empty; list the layers to draw, "
                    "bottom first",
                    what);

    if ((v = get(m, "extent", &k)) != NULL || k)
        if ((rc = parse_extent(p, k, v, what, pg)))
            return rc;
    int choice = 0;
    if ((rc = get_choice(p, m, "paper", what, papers, 3, &choice,
                         &pg->paper_loc)))
        return rc;
    pg->paper = (rm__spec_paper)choice;
    choice = 1;
    if ((rc = get_choice(p, m, "orientation", what, orientations, 2,
                         &choice, &pg->orientation_loc)))
        return rc;
    pg->landscape = choice;
    choice = 0;
    if ((rc = get_choice(p, m, "grid", what, grids, 3, &choice,
                         &pg->grid_loc)))
        return rc;
    pg->grid = (rm__spec_grid)choice;
    if ((rc = get_bool(p, m, "inset", what, &pg->inset, &pg->inset_loc)))
        return rc;

    if ((rc = get_text(p, m, pg->loc, "atlas", what, TEXT_NONEMPTY,
                       "districts", &pg->atlas)) ||
        (rc = get_text(p, m, pg->loc, "atlas_title", what, TEXT_NONEMPTY,
                       "name", &pg->atlas_title)))
        return rc;
    if (pg->atlas.s) {
        const rm__ynode *ak;
        const rm__ynode *av = get(m, "atlas", &ak);
        if ((rc = check_ref_syntax(p, "atlas", what, av)) ||
            (rc = check_ref(p, av->text, loc_of(av), "atlas", what)))
            return rc;
    } else if (pg->atlas_title.s) {
        return perr(p, RM_ESPEC_MISSING, pg->atlas_title.loc,
                    "%s sets 'atlas_title' without 'atlas'; add 'atlas: "
                    "<layer>' (one page per feature) or remove "
                    "'atlas_title'",
                    what);
    }
    if ((v = get(m, "labels", &k)) != NULL || k)
        if ((rc = value_of(p, k, v, what, check_ref_syntax, &pg->labels)) ||
            (rc = check_refs(p, &pg->labels, "labels", what)))
            return rc;
    if ((v = get(m, "styles", &k)) != NULL || k)
        if ((rc = parse_layer_map(p, k, v, what, "styles",
                                  "a mapping of layers to style names",
                                  &pg->styles, &pg->n_styles)))
            return rc;
    if ((v = get(m, "titles", &k)) != NULL || k)
        if ((rc = parse_layer_map(p, k, v, what, "titles",
                                  "a mapping of layers to legend titles",
                                  &pg->titles, &pg->n_titles)))
            return rc;
    return RM_OK;
}

static int parse_pages(parser *p, const rm__ynode *k, const rm__ynode *v)
{
    rm__spec *s = p->s;
    if (rm__ynode_is_null(v))
        return RM_OK;
    if (v->kind != RM__YNODE_SEQ)
        return perr(p, RM_ESPEC_TYPE, loc_of(v),
                    "'%s' must be a list of pages ('- {title: ..., layers: "
                    "[...]}'), not a %s",
                    k->text, rm__ynode_kind_name(v));
    if (v->n_items == 0)
        return RM_OK;
    s->pages = rm_callocarray(v->n_items, sizeof *s->pages);
    if (!s->pages)
        return nomem(p);
    s->n_pages = v->n_items;
    for (size_t i = 0; i < v->n_items; i++) {
        int rc = parse_page(p, i, v->items[i], &s->pages[i]);
        if (rc)
            return rc;
    }
    return RM_OK;
}

/* ---- outputs ---- */

static int parse_dpi(parser *p, const rm__ynode *v, const char *key,
                     int *out)
{
    double d;
    shown sh;
    if (parse_number(v->text, &d) != 0 || d != floor(d))
        return perr(p, RM_ESPEC_TYPE, loc_of(v),
                    "'%s' in outputs must be a whole number of dots per "
                    "inch (e.g. 150), not '%s'",
                    key, show(&sh, v->text));
    if (d < 36 || d > 1200)
        return perr(p, RM_ESPEC_VALUE, loc_of(v),
                    "'%s' in outputs is %g dpi; write 36 to 1200 (150 for "
                    "screens, 300 for print)",
                    key, d);
    *out = (int)d;
    return RM_OK;
}

/* The stem of the briefing file name: "maps/north.yaml" -> "north". */
static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (n == 0 || base[0] == '<')
        return rm__strdup("briefing");
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, base, n);
        s[n] = '\0';
    }
    return s;
}

static const char *format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return NULL;
    if (str_ieq(dot, ".gpkg"))
        return "GPKG";
    if (str_ieq(dot, ".geojson") || str_ieq(dot, ".json"))
        return "GeoJSON";
    if (str_ieq(dot, ".csv"))
        return "CSV";
    if (str_ieq(dot, ".gpx"))
        return "GPX";
    return NULL;
}

/* pdf: a name, true (the default name) or false; *asked: where it was
   asked for explicitly (line 0: not asked). */
static int parse_pdf(parser *p, const rm__ynode *map, int *disabled,
                     rm__spec_loc *asked)
{
    rm__spec_outputs *o = &p->s->outputs;
    const rm__ynode *v;
    int b;
    int rc = scalar_of(p, map, "pdf", "outputs", "a file name", &v);
    if (rc || !v)
        return rc;
    if (v->plain && parse_bool(v->text, &b) == 0) {
        *disabled = !b;
        if (b)
            *asked = loc_of(v);
        return RM_OK; /* true: the default name */
    }
    *asked = loc_of(v);
    if (v->text[0] == '\0')
        return perr(p, RM_ESPEC_VALUE, loc_of(v),
                    "'pdf' in outputs is empty; write a file name such as "
                    "briefing.pdf, or false");
    if ((rc = set_text(p, &o->pdf, v->text)))
        return rc;
    o->pdf.loc = loc_of(v);
    return RM_OK;
}

static int parse_outputs(parser *p, const rm__ynode *key,
                         const rm__ynode *map)
{
    static const char *const keys[] = {
        "pdf",    "png",           "png_dpi",    "svg",          "export",
        "export_format", "export_crs", "export_layers", "manifest"};
    static const char *const formats[] = {"GPKG", "GeoJSON", "CSV", "GPX"};
    static const char *const crss[] = {"analysis", "wgs84"};
    const char *what = "outputs";
    shown sh;
    rm__spec_outputs *o = &p->s->outputs;
    int rc, pdf_disabled = 0;
    rm__spec_loc pdf_asked = {0, 0};
    o->png_dpi = 150;
    if (key) {
        o->loc = loc_of(key);
        if (!rm__ynode_is_null(map) && map->kind != RM__YNODE_MAP)
            return perr(p, RM_ESPEC_TYPE, loc_of(map),
                        "'outputs' must be a mapping such as {pdf: "
                        "briefing.pdf, export: results.gpkg}, not a %s",
                        rm__ynode_kind_name(map));
    }
    if (map && map->kind == RM__YNODE_MAP) {
        if ((rc = check_keys(p, map, keys, sizeof keys / sizeof *keys,
                             what)) ||
            (rc = parse_pdf(p, map, &pdf_disabled, &pdf_asked)) ||
            (rc = get_bool(p, map, "svg", what, &o->svg, &o->svg_loc)) ||
            (rc = get_text(p, map, o->loc, "export", what, TEXT_NONEMPTY,
                           "results.gpkg", &o->export_path)) ||
            (rc = get_text(p, map, o->loc, "manifest", what, TEXT_NONEMPTY,
                           "manifest.json", &o->manifest)))
            return rc;
        /* png: true/false or a dpi; png_dpi alone also asks for PNGs */
        const rm__ynode *v, *dv;
        int png_number = 0;
        if ((rc = scalar_of(p, map, "png", what, "true, false or a dpi",
                            &v)) ||
            (rc = scalar_of(p, map, "png_dpi", what, "a number", &dv)))
            return rc;
        if (v) {
            o->png_loc = loc_of(v);
            if (parse_bool(v->text, &o->png) != 0) {
                if ((rc = parse_dpi(p, v, "png", &o->png_dpi)))
                    return rc;
                o->png = 1;
                png_number = 1;
            }
        }
        if (dv) {
            int dpi;
            if ((rc = parse_dpi(p, dv, "png_dpi", &dpi)))
                return rc;
            if (png_number && dpi != o->png_dpi)
                return perr(p, RM_ESPEC_VALUE, loc_of(dv),
                            "'png_dpi: %d' contradicts 'png: %d'; keep one "
                            "of them",
                            dpi, o->png_dpi);
            o->png_dpi = dpi;
            if (!v) {
                o->png = 1;
                o->png_loc = loc_of(dv);
            }
        }
        int choice = 0;
        const rm__ynode *fk, *ck, *lk;
        get(map, "export_format", &fk);
        get(map, "export_crs", &ck);
        const rm__ynode *lv = get(map, "export_layers", &lk);
        const rm__ynode *first = fk ? fk : (ck ? ck : lk);
        if (first && !o->export_path.s)
            return perr(p, RM_ESPEC_MISSING, loc_of(first),
                        "'%s' is set but outputs has no 'export'; add "
                        "'export: results.gpkg' or remove '%s'",
                        first->text, first->text);
        if ((rc = get_choice(p, map, "export_format", what, formats, 4,
                             &choice, &o->export_format_loc)))
            return rc;
        if (fk)
            o->export_format = formats[choice];
        choice = 0;
        if ((rc = get_choice(p, map, "export_crs", what, crss, 2, &choice,
                             &o->export_crs_loc)))
            return rc;
        o->export_wgs84 = choice;
        if (lk && ((rc = value_of(p, lk, lv, what, check_ref_syntax,
                                  &o->export_layers)) ||
                   (rc = check_refs(p, &o->export_layers, "export_layers",
                                    what))))
            return rc;
    }
    if (o->export_path.s && !o->export_format) {
        o->export_format = format_from_path(o->export_path.s);
        o->export_format_loc = o->export_path.loc;
        if (!o->export_format)
            return perr(p, RM_ESPEC_VALUE, o->export_path.loc,
                        "cannot tell the export format from '%s'; end the "
                        "name with .gpkg, .geojson, .csv or .gpx, or add "
                        "'export_format: GPKG'",
                        show(&sh, o->export_path.s));
    }
    /* maps asked for without pages to draw them on */
    if (p->s->n_pages == 0) {
        const char *maps = pdf_asked.line ? "pdf" : o->png ? "png"
                                                          : o->svg ? "svg"
                                                                   : NULL;
        rm__spec_loc at = pdf_asked.line ? pdf_asked
                                         : o->png ? o->png_loc : o->svg_loc;
        if (maps)
            return perr(p, RM_ESPEC_MISSING, at,
                        "'%s' in outputs asks for maps but the briefing has "
                        "no 'pages'; add 'pages: [{title: ..., layers: "
                        "[...]}]' or remove '%s'",
                        maps, maps);
    }
    if (!o->manifest.s && (rc = set_text(p, &o->manifest, "manifest.json")))
        return rc;
    if (!o->pdf.s && !pdf_disabled && p->s->n_pages > 0) {
        char *stem = file_stem(p->s->path);
        if (!stem)
            return nomem(p);
        o->pdf.s = rm__asprintf("%s.pdf", stem);
        free(stem);
        if (!o->pdf.s)
            return nomem(p);
    }
    return RM_OK;
}

/* ---- the document ---- */

static int parse_root(parser *p, const rm__ynode *root)
{
    static const char *const keys[] = {"briefing", "layers", "steps",
                                       "pages", "outputs"};
    rm__spec_loc start = {1, 1};
    if (!root)
        return perr(p, RM_ESPEC_MISSING, start,
                    "the briefing is empty; write at least 'briefing:' "
                    "(with a title and a date or period) and 'layers:'");
    if (root->kind != RM__YNODE_MAP)
        return perr(p, RM_ESPEC_TYPE, loc_of(root),
                    "the briefing must be a mapping with the keys "
                    "briefing, layers, steps, pages and outputs, not a %s",
                    rm__ynode_kind_name(root));
    int rc = check_keys(p, root, keys, sizeof keys / sizeof *keys,
                        "the briefing file");
    if (rc)
        return rc;
    const rm__ynode *k;
    const rm__ynode *v = get(root, "briefing", &k);
    if (!k)
        return missing(p, loc_of(root), "briefing", "the briefing file",
                       "{title: ..., period: [start, end]}");
    if ((rc = parse_briefing(p, k, v)))
        return rc;
    v = get(root, "layers", &k);
    if (!k)
        return missing(p, loc_of(root), "layers", "the briefing file",
                       "{incidents: data/incidents.gpkg}");
    if ((rc = parse_layers(p, k, v)))
        return rc;
    v = get(root, "steps", &k);
    if (k && (rc = parse_steps(p, k, v)))
        return rc;
    v = get(root, "pages", &k);
    if (k && (rc = parse_pages(p, k, v)))
        return rc;
    v = get(root, "outputs", &k);
    return parse_outputs(p, k, v);
}

/* Absolute folder holding `path` ("." based on the current directory). */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (!slash)
        dir = rm__strdup("");
    else if (slash == path)
        return rm__strdup("/");
    else {
        size_t n = (size_t)(slash - path);
        dir = malloc(n + 1);
        if (dir) {
            memcpy(dir, path, n);
            dir[n] = '\0';
        }
    }
    if (!dir || dir[0] == '/')
        return dir;
    size_t cap = 256;
    char *cwd = NULL;
    for (;;) {
        char *b = realloc(cwd, cap);
        if (!b) {
            free(cwd);
            free(dir);
            return NULL;
        }
        cwd = b;
        if (getcwd(cwd, cap))
            break;
        if (errno != ERANGE || cap > 65536) {
            free(cwd); /* no usable cwd: stay relative */
            if (dir[0] == '\0') {
                free(dir);
                return rm__strdup(".");
            }
            return dir;
        }
        cap *= 2;
    }
    char *abs;
    if (dir[0] == '\0')
        abs = rm__strdup(cwd);
    else if (strcmp(cwd, "/") == 0)
        abs = rm__asprintf("/%s", dir);
    else
        abs = rm__asprintf("%s/%s", cwd, dir);
    free(cwd);
    free(dir);
    return abs;
}

static int parse_buffer(rm_context *ctx, rm__spec **out, const char *text,
                        size_t len, const char *name)
{
    rm__spec *s = calloc(1, sizeof *s);
    if (!s)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    if (!(s->path = rm__strdup(name)) || !(s->dir = folder_of(name))) {
        rm__spec_destroy(s);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    rm__ynode *root = NULL;
    int rc = rm__ytree_parse(ctx, &root, text, len, s->path);
    if (!rc) {
        parser p = {ctx, s};
        rc = parse_root(&p, root);
    }
    rm__ynode_free(root);
    if (rc) {
        rm__spec_destroy(s);
        return rc;
    }
    *out = s;
    return RM_OK;
}

int rm__spec_parse_string(rm_context *ctx, rm__spec **out, const char *text,
                          const char *name_for_messages)
{
    if (!out)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "rm__spec_parse_string: no out");
    *out = NULL;
    if (!text)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "rm__spec_parse_string: no text");
    const char *name = name_for_messages && *name_for_messages
                           ? name_for_messages
                           : "<briefing>";
    return parse_buffer(ctx, out, text, strlen(text), name);
}

int rm__spec_load(rm_context *ctx, rm__spec **out, const char *path)
{
    if (!out)
        return rm__error(ctx, RM_EINVAL, NULL, "rm__spec_load: no out");
    *out = NULL;
    if (!path || !*path)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no briefing file given; name a .yaml file");
    rm_location where = rm__loc_file(path, 0, 0);
    FILE *f = fopen(path, "rb");
    if (!f)
        return rm__error(ctx, RM_EIO_OPEN, &where,
                         "cannot open the briefing: %s; check the path and "
                         "permissions",
                         strerror(errno));
    rm_strbuf sb = RM_STRBUF_INIT;
    char buf[65536];
    size_t n;
    long total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        total += (long)n;
        if (total > MAX_FILE) {
            fclose(f);
            rm_strbuf_free(&sb);
            return rm__error(ctx, RM_ESPEC_VALUE, &where,
                             "the briefing is larger than 16 MiB; is this "
                             "the right file?");
        }
        rm_strbuf_append_n(&sb, buf, n);
    }
    int read_err = ferror(f) ? errno : 0;
    fclose(f);
    if (read_err) {
        rm_strbuf_free(&sb);
        return rm__error(ctx, RM_EIO_OPEN, &where,
                         "cannot read the briefing: %s; is it a regular, "
                         "readable file?",
                         strerror(read_err));
    }
    if (sb.failed) {
        rm_strbuf_free(&sb);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    int rc = parse_buffer(ctx, out, sb.data ? sb.data : "", sb.len, path);
    rm_strbuf_free(&sb);
    return rc;
}

/* ---- accessors ---- */

rm_location rm__spec_where(const rm__spec *s, rm__spec_loc loc)
{
    return rm__loc_file(s ? s->path : NULL, loc.line, loc.column);
}

/* "PG:...", "GPKG:...": a driver prefix of 2+ word characters and ':'. */
static int is_connection(const char *t)
{
    if (strstr(t, "://"))
        return 1;
    size_t n = 0;
    while (isalnum((unsigned char)t[n]) || t[n] == '_')
        n++;
    return n >= 2 && t[n] == ':';
}

int rm__spec_resolve_path(const rm__spec *s, const char *rel, char **out)
{
    if (!out)
        return RM_EINVAL;
    *out = NULL;
    if (!rel || !*rel)
        return RM_EINVAL;
    if (rel[0] == '/' || is_connection(rel) || !s || !s->dir) {
        *out = rm__strdup(rel);
        return *out ? RM_OK : RM_ENOMEM;
    }
    while (rel[0] == '.' && rel[1] == '/') {
        rel += 2;
        while (*rel == '/')
            rel++;
    }
    if (!*rel)
        *out = rm__strdup(s->dir);
    else if (strcmp(s->dir, "/") == 0)
        *out = rm__asprintf("/%s", rel);
    else
        *out = rm__asprintf("%s/%s", s->dir, rel);
    return *out ? RM_OK : RM_ENOMEM;
}

const rm__spec_layer *rm__spec_find_layer(const rm__spec *s,
                                          const char *name)
{
    if (!s || !name)
        return NULL;
    for (size_t i = 0; i < s->n_layers; i++)
        if (s->layers[i].name && strcmp(s->layers[i].name, name) == 0)
            return &s->layers[i];
    return NULL;
}

const rm__spec_step *rm__spec_find_step(const rm__spec *s, const char *id)
{
    if (!s || !id)
        return NULL;
    for (size_t i = 0; i < s->n_steps; i++)
        if (s->steps[i].id && strcmp(s->steps[i].id, id) == 0)
            return &s->steps[i];
    return NULL;
}

const rm__spec_param *rm__spec_step_param(const rm__spec_step *step,
                                          const char *name)
{
    if (!step || !name)
        return NULL;
    for (size_t i = 0; i < step->n_params; i++)
        if (strcmp(step->params[i].name, name) == 0)
            return &step->params[i];
    return NULL;
}
