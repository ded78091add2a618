/*
 * Resolving a style against a layer on a page: checks that the fields the
 * style names exist, builds the concrete classes (categories found in the
 * data, graduated breaks, ramp colours), gives every feature its class and
 * counts the features in view. Nothing here draws.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "util/util.h"

#define MAX_AUTO_CATEGORIES 12

static int field_error(rm_context *ctx, const rm__resolved *r,
                       const char *page, const char *what,
                       const char *field)
{
    rm_strbuf sb = RM_STRBUF_INIT;
    int n = rm_layer_field_count(r->layer);
    for (int i = 0; i < n; i++) {
        if (i)
            rm_strbuf_append(&sb, ", ");
        rm_strbuf_append(&sb, rm_layer_field_name(r->layer, i));
    }
    rm_location loc = rm__loc_data(NULL, rm_layer_name(r->layer), -1);
    int rc = rm__error(ctx, RM_EDATA_FIELD, &loc,
                       "page '%s': style %s needs %s field '%s', which the "
                       "layer does not have; fields: %s. Pick another "
                       "style or field",
                       page, r->style->name, what, field,
                       sb.data ? sb.data : "(none)");
    rm_strbuf_free(&sb);
    return rc;
}

/* The value of `field` at `row` as text, for category matching. */
static const char *value_text(const rm_layer *l, int field, size_t row,
                              char *buf, size_t cap)
{
    if (rm_layer_field_is_null(l, field, row))
        return NULL;
    switch (rm_layer_field_type(l, field)) {
    case RM_FIELD_STRING:
        return rm_layer_field_string(l, field, row);
    case RM_FIELD_INT:
    case RM_FIELD_DATETIME:
        snprintf(buf, cap, "%" PRId64, rm_layer_field_ints(l, field)[row]);
        return buf;
    case RM_FIELD_BOOL:
        return rm_layer_field_bools(l, field)[row] ? "true" : "false";
    case RM_FIELD_REAL:
        snprintf(buf, cap, "%.15g", rm_layer_field_reals(l, field)[row]);
        return buf;
    }
    return NULL;
}

static void feature_bbox(const rm_layer *l, size_t f, rm_bbox *b)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    b->minx = b->miny = INFINITY;
    b->maxx = b->maxy = -INFINITY;
    int64_t c0 = po[fo[f]], c1 = po[fo[f + 1]];
    for (int64_t c = c0; c < c1; c++) {
        double x = xy[2 * c], y = xy[2 * c + 1];
        if (x < b->minx)
            b->minx = x;
        if (x > b->maxx)
            b->maxx = x;
        if (y < b->miny)
            b->miny = y;
        if (y > b->maxy)
            b->maxy = y;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Format a class bound with as many decimals as the step needs. */
static void fmt_num(char *buf, size_t cap, double v, double step)
{
    int dec = 0;
    if (step > 0 && step < 1)
        dec = (int)ceil(-log10(step)) + 1;
    if (dec > 6)
        dec = 6;
    if (fabs(v) >= 10000 && dec == 0)
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.*f", dec, v);
}

static rm__rgba *class_color_target(rm__symbol *s, rm_geom_type g)
{
    return g == RM_GEOM_LINE ? &s->stroke : &s->fill;
}

/* Distinct values in the data, by count (then text), for ramp categories. */
typedef struct vcount {
    char *text;
    size_t n;
} vcount;

static int cmp_vcount(const void *a, const void *b)
{
    const vcount *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->text, y->text);
}

static int auto_categories(rm_context *ctx, rm__resolved *r, int field)
{
    const rm_layer *l = r->layer;
    size_t nf = rm_layer_feature_count(l);
    vcount *vals = NULL;
    size_t nv = 0, cap = 0;
    char buf[64];
    int rc = RM_OK;
    for (size_t f = 0; f < nf && !rc; f++) {
        const char *t = value_text(l, field, f, buf, sizeof buf);
        if (!t)
            continue;
        size_t i = 0;
        for (; i < nv; i++)
            if (!strcmp(vals[i].text, t))
                break;
        if (i < nv) {
            vals[i].n++;
            continue;
        }
        if (nv >= 4096) /* a free-text field: the rest falls to "Other" */
            continue;
        if (rm__grow((void **)&vals, &cap, nv + 1, sizeof *vals) ||
            !(vals[nv].text = rm__strdup(t))) {
            rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
            break;
        }
        vals[nv++].n = 1;
    }
    if (!rc && nv)
        qsort(vals, nv, sizeof *vals, cmp_vcount);
    size_t keep = nv < MAX_AUTO_CATEGORIES ? nv : MAX_AUTO_CATEGORIES;
    /* Stable order in the legend: alphabetical among the kept values. */
    if (!rc && keep) {
        for (size_t i = 1; i < keep; i++)
            for (size_t j = i; j > 0 &&
                               strcmp(vals[j - 1].text, vals[j].text) > 0;
                 j--) {
                vcount t = vals[j];
                vals[j] = vals[j - 1];
                vals[j - 1] = t;
            }
        r->classes = rm_callocarray(keep + 1, sizeof *r->classes);
        r->class_labels = rm_callocarray(keep + 1, sizeof(char *));
        rm__rgba *cols = rm_callocarray(keep, sizeof *cols);
        if (!r->classes || !r->class_labels || !cols) {
            free(cols);
            rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        } else {
            rm__ramp_colors(r->style->ramp, (int)keep, cols, NULL);
            for (size_t i = 0; i < keep; i++) {
                r->classes[i] = r->style->base;
                *class_color_target(&r->classes[i], rm_layer_geom_type(l)) =
                    cols[i];
                r->class_labels[i] = vals[i].text;
                r->classes[i].value = vals[i].text;
                vals[i].text = NULL;
            }
            r->n_classes = keep;
            free(cols);
        }
    }
    for (size_t i = 0; i < nv; i++)
        free(vals[i].text);
    free(vals);
    return rc;
}

static int graduated_auto(rm_context *ctx, rm__resolved *r, int field)
{
    const rm_layer *l = r->layer;
    size_t nf = rm_layer_feature_count(l);
    double *v = rm_mallocarray(nf ? nf : 1, sizeof *v);
    if (!v)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    size_t n = 0;
    for (size_t f = 0; f < nf; f++) {
        double x = rm_layer_field_as_real(l, field, f);
        if (isfinite(x))
            v[n++] = x;
    }
    int k = r->style->n_auto > 0 ? r->style->n_auto : 5;
    if (n == 0) {
        free(v);
        return RM_OK; /* nothing to classify; nothing drawn */
    }
    qsort(v, n, sizeof *v, cmp_double);
    double lo = v[0], hi = v[n - 1];
    if (hi <= lo)
        k = 1;
    double *br = rm_mallocarray((size_t)k + 1, sizeof *br);
    r->classes = rm_callocarray((size_t)k, sizeof *r->classes);
    r->class_labels = rm_callocarray((size_t)k + 1, sizeof(char *));
    rm__rgba *cols = rm_callocarray((size_t)k, sizeof *cols);
    if (!br || !r->classes || !r->class_labels || !cols) {
        free(v);
        free(br);
        free(cols);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    for (int i = 0; i <= k; i++) {
        if (r->style->quantile) {
            size_t idx = (size_t)((double)i / k * (n - 1) + 0.5);
            br[i] = v[idx];
        } else {
            br[i] = lo + (hi - lo) * i / k;
        }
    }
    br[0] = lo;
    br[k] = hi;
    rm__ramp_colors(r->style->ramp, k, cols, NULL);
    size_t nk = 0;
    for (int i = 0; i < k; i++) {
        if (i < k - 1 && br[i + 1] <= br[i])
            continue; /* an empty class between equal quantile breaks */
        rm__symbol *s = &r->classes[nk];
        *s = r->style->base;
        s->lo = br[i];
        s->hi = br[i + 1];
        *class_color_target(s, rm_layer_geom_type(l)) = cols[i];
        char a[48], b[48];
        double step = (hi - lo) / k;
        fmt_num(a, sizeof a, br[i], step);
        fmt_num(b, sizeof b, br[i + 1], step);
        r->class_labels[nk] = rm__asprintf("%s \u2013 %s", a, b);
        if (!r->class_labels[nk]) {
            free(v);
            free(br);
            free(cols);
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        }
        nk++;
    }
    r->n_classes = nk;
    free(v);
    free(br);
    free(cols);
    return RM_OK;
}

static int explicit_classes(rm_context *ctx, rm__resolved *r)
{
    const rm__style *st = r->style;
    r->classes = rm_callocarray(st->n_classes + 1, sizeof *r->classes);
    r->class_labels = rm_callocarray(st->n_classes + 1, sizeof(char *));
    if (!r->classes || !r->class_labels)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    rm__rgba *cols = NULL;
    if (st->ramp) {
        cols = rm_callocarray(st->n_classes, sizeof *cols);
        if (!cols)
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        rm__ramp_colors(st->ramp, (int)st->n_classes, cols, NULL);
    }
    for (size_t i = 0; i < st->n_classes; i++) {
        r->classes[i] = st->classes[i];
        const rm__symbol *c = &st->classes[i];
        char a[48], b[48];
        if (c->label)
            r->class_labels[i] = rm__strdup(c->label);
        else if (st->kind == RM__STYLE_CATEGORISED)
            r->class_labels[i] = rm__strdup(c->value);
        else {
            fmt_num(a, sizeof a, c->lo, fabs(c->hi - c->lo));
            fmt_num(b, sizeof b, c->hi, fabs(c->hi - c->lo));
            r->class_labels[i] =
                isinf(c->lo) ? rm__asprintf("< %s", b)
                : isinf(c->hi) ? rm__asprintf("\u2265 %s", a)
                               : rm__asprintf("%s \u2013 %s", a, b);
        }
        if (!r->class_labels[i]) {
            free(cols);
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        }
        /* A ramp colours the classes that keep the base colour. */
        rm__rgba *tc = class_color_target(&r->classes[i],
                                          rm_layer_geom_type(r->layer));
        const rm__rgba *bc = class_color_target(
            (rm__symbol *)&st->base, rm_layer_geom_type(r->layer));
        if (cols && !memcmp(tc, bc, sizeof *tc))
            *tc = cols[i];
    }
    r->n_classes = st->n_classes;
    free(cols);
    return RM_OK;
}

typedef struct size_key {
    double size;
    size_t row;
} size_key;

static int cmp_size_key(const void *a, const void *b)
{
    const size_key *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return (x->row > y->row) - (x->row < y->row);
}

int rm__resolve(rm_context *ctx, rm__resolved *out, const rm__style *style,
                const rm_layer *layer, const char *label_field,
                rm_bbox view, const char *page_name)
{
    memset(out, 0, sizeof *out);
    out->style = style;
    out->layer = layer;
    out->size_field = -1;
    out->label_col = -1;
    out->prio_col = -1;
    out->size_scale = 1;
    rm_geom_type g = rm_layer_geom_type(layer);
    rm_location loc = rm__loc_data(NULL, rm_layer_name(layer), -1);
    const char *gname[] = {"no", "point", "line", "polygon"};
    if (g == RM_GEOM_NONE)
        return rm__error(ctx, RM_EDATA_GEOM, &loc,
                         "page '%s': the layer has no geometry and cannot "
                         "be drawn; remove it from the page",
                         page_name);
    if ((style->geom == RM_GEOM_RASTER) != (g == RM_GEOM_RASTER) ||
        (style->geom != RM_GEOM_NONE && style->geom != g))
        return rm__error(
            ctx, RM_EDATA_TYPE, &loc,
            "page '%s': style %s is for %s layers but the layer is a %s "
            "layer; pick a style for its geometry",
            page_name, style->name,
            style->geom == RM_GEOM_RASTER ? "raster"
            : style->geom <= RM_GEOM_POLYGON ? gname[style->geom]
                                             : "?",
            g == RM_GEOM_RASTER ? "raster" : gname[g]);

    if (g == RM_GEOM_RASTER) {
        out->classes = rm_callocarray(1, sizeof *out->classes);
        out->class_labels = rm_callocarray(1, sizeof(char *));
        out->counts = rm_callocarray(1, sizeof *out->counts);
        if (!out->classes || !out->class_labels || !out->counts)
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        out->classes[0] = style->base;
        out->n_classes = 1;
        const double *cells = rm_layer_raster_cdata(layer);
        size_t nc = (size_t)rm_layer_raster_width(layer) *
                    (size_t)rm_layer_raster_height(layer);
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < nc; i++)
            if (isfinite(cells[i])) {
                if (cells[i] < lo)
                    lo = cells[i];
                if (cells[i] > hi)
                    hi = cells[i];
            }
        out->rvmin = isfinite(style->vmin) ? style->vmin : lo;
        out->rvmax = isfinite(style->vmax) ? style->vmax : hi;
        rm_bbox e = rm_layer_extent(layer);
        out->n_in_view = out->counts[0] =
            (e.maxx >= view.minx && e.minx <= view.maxx &&
             e.maxy >= view.miny && e.miny <= view.maxy && nc > 0);
        return RM_OK;
    }

    int field = -1, rc = RM_OK;
    if (style->kind != RM__STYLE_SINGLE) {
        field = rm_layer_field_index(layer, style->field);
        if (field < 0)
            return field_error(ctx, out, page_name, "the class", style->field);
    }
    if (style->size_field) {
        out->size_field = rm_layer_field_index(layer, style->size_field);
        if (out->size_field < 0)
            return field_error(ctx, out, page_name, "the size",
                               style->size_field);
    }
    const char *lf = label_field ? label_field : style->label.field;
    if (lf && rm_layer_field_index(layer, lf) < 0)
        return field_error(ctx, out, page_name, "the label", lf);
    if (lf && style->label.priority &&
        rm_layer_field_index(layer, style->label.priority) < 0)
        return field_error(ctx, out, page_name, "the label priority",
                           style->label.priority);
    if (lf) {
        out->label_col = rm_layer_field_index(layer, lf);
        if (style->label.priority)
            out->prio_col = rm_layer_field_index(layer, style->label.priority);
    }

    if (style->kind == RM__STYLE_SINGLE) {
        out->classes = rm_callocarray(1, sizeof *out->classes);
        out->class_labels = rm_callocarray(1, sizeof(char *));
        if (!out->classes || !out->class_labels)
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        out->classes[0] = style->base;
        out->n_classes = 1;
    } else if (style->n_classes) {
        rc = explicit_classes(ctx, out);
    } else if (style->kind == RM__STYLE_CATEGORISED) {
        rc = auto_categories(ctx, out, field);
    } else {
        rc = graduated_auto(ctx, out, field);
    }
    if (rc)
        return rc;
    /* "Other" for categorised values matching no category. */
    int other = -1;
    if (style->kind == RM__STYLE_CATEGORISED) {
        rm__symbol *grown = realloc(out->classes, (out->n_classes + 1) *
                                                      sizeof *out->classes);
        char **gl = realloc(out->class_labels,
                            (out->n_classes + 1) * sizeof(char *));
        if (grown)
            out->classes = grown;
        if (gl)
            out->class_labels = gl;
        if (!grown || !gl)
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        other = (int)out->n_classes;
        out->classes[other] = style->has_other ? style->other : style->base;
        if (!style->has_other && style->ramp && !style->n_classes) {
            rm__rgba grey = {0.6, 0.6, 0.6, 1};
            *class_color_target(&out->classes[other],
                                rm_layer_geom_type(layer)) = grey;
        }
        out->class_labels[other] = rm__strdup(
            style->has_other && style->other.label ? style->other.label
                                                   : "Other");
        if (!out->class_labels[other])
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        out->n_classes++;
    }

    size_t nf = rm_layer_feature_count(layer);
    out->row_class = rm_mallocarray(nf ? nf : 1, sizeof *out->row_class);
    out->in_view = rm_callocarray(nf ? nf : 1, 1);
    out->counts = rm_callocarray(out->n_classes ? out->n_classes : 1,
                                 sizeof *out->counts);
    if (!out->row_class || !out->in_view || !out->counts)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    char buf[64];
    for (size_t f = 0; f < nf; f++) {
        int c = -1;
        if (style->kind == RM__STYLE_SINGLE) {
            c = 0;
        } else if (style->kind == RM__STYLE_CATEGORISED) {
            const char *t = value_text(layer, field, f, buf, sizeof buf);
            c = other;
            for (int i = 0; t && i < other; i++)
                if (out->classes[i].value &&
                    !strcmp(out->classes[i].value, t)) {
                    c = i;
                    break;
                }
        } else {
            double v = rm_layer_field_as_real(layer, field, f);
            for (size_t i = 0; isfinite(v) && i < out->n_classes; i++) {
                const rm__symbol *s = &out->classes[i];
                int last = i + 1 == out->n_classes;
                if (v >= s->lo && (v < s->hi || (last && v <= s->hi))) {
                    c = (int)i;
                    break;
                }
            }
        }
        out->row_class[f] = c;
        rm_bbox b;
        feature_bbox(layer, f, &b);
        out->in_view[f] = b.maxx >= view.minx && b.minx <= view.maxx &&
                          b.maxy >= view.miny && b.miny <= view.maxy;
        if (out->in_view[f] && c >= 0) {
            out->counts[c]++;
            out->n_in_view++;
        }
    }
    if (out->size_field >= 0) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t f = 0; f < nf; f++) {
            double v = rm_layer_field_as_real(layer, out->size_field, f);
            if (isfinite(v)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
        out->size_dmin = lo;
        out->size_dmax = hi;
        /* Proportional symbols: big ones first, so small ones stay seen. */
        size_key *keys = rm_mallocarray(nf ? nf : 1, sizeof *keys);
        out->order = rm_mallocarray(nf ? nf : 1, sizeof *out->order);
        if (!keys || !out->order) {
            free(keys);
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
        }
        for (size_t f = 0; f < nf; f++) {
            keys[f].size = rm__resolved_size(out, f);
            keys[f].row = f;
        }
        qsort(keys, nf, sizeof *keys, cmp_size_key);
        for (size_t f = 0; f < nf; f++)
            out->order[f] = keys[f].row;
        free(keys);
    }
    return RM_OK;
}

double rm__resolved_size(const rm__resolved *r, size_t row)
{
    int c = r->row_class ? r->row_class[row] : 0;
    double base = c >= 0 ? r->classes[c].size : r->style->base.size;
    if (r->size_field < 0)
        return base * r->size_scale;
    double v = rm_layer_field_as_real(r->layer, r->size_field, row);
    const rm__style *st = r->style;
    if (!isfinite(v) || !(r->size_dmax > r->size_dmin))
        return r->size_scale * (isfinite(v) ? 0.5 * (st->size_min +
                                                     st->size_max)
                                            : st->size_min);
    double t = (v - r->size_dmin) / (r->size_dmax - r->size_dmin);
    if (t < 0)
        t = 0;
    /* Area, not width, grows with the value. */
    return r->size_scale *
           (st->size_min + (st->size_max - st->size_min) * sqrt(t));
}

void rm__resolved_free(rm__resolved *r)
{
    if (!r)
        return;
    if (r->class_labels) {
        for (size_t i = 0; i < r->n_classes; i++) {
            /* auto categories own their value text through the label */
            free(r->class_labels[i]);
        }
    }
    free(r->class_labels);
    free(r->classes);
    free(r->row_class);
    free(r->in_view);
    free(r->counts);
    free(r->order);
    memset(r, 0, sizeof *r);
}
