/*
 * The tracks: line features as they are, or point features assembled into
 * tracks by their track id and ordered by time; and the split of a track
 * into pieces at GPS gaps. What stays true: a piece never joins two
 * vertices that the gap rules separate, never holds a NaN coordinate and
 * never repeats a vertex.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crossings_internal.h"
#include "routemap/errors.h"

void crossings_tracks_free(crossings_tracks *t)
{
    if (!t)
        return;
    if (t->id_text)
        for (size_t i = 0; i < t->n_tracks; i++)
            free(t->id_text[i]);
    free(t->id_text);
    free(t->own_ids);
    free(t->own_off);
    free(t->own_xy);
    free(t->own_t);
    memset(t, 0, sizeof *t);
}

static void *alloc_array(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    if (size && n > SIZE_MAX / size)
        return NULL;
    return malloc(n * size);
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ---- ISO 8601 ----------------------------------------------------------- */

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

double crossings_parse_time(const char *s)
{
    int y, mo, d, hh = 0, mi = 0, ss = 0;
    double frac = 0.0;
    const char *p = s;
    if (!s)
        return NAN;
    while (*p == ' ')
        p++;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
        *p++ != '-' || digits(&p, 2, &d))
        return NAN;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return NAN;
    int tz = 0;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &hh) || *p++ != ':' || digits(&p, 2, &mi))
            return NAN;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &ss))
                return NAN;
            if (*p == '.' || *p == ',') {
                p++;
                double scale = 0.1;
                if (*p < '0' || *p > '9')
                    return NAN;
                while (*p >= '0' && *p <= '9') {
                    frac += (*p - '0') * scale;
                    scale /= 10.0;
                    p++;
                }
            }
        }
        if (hh > 24 || mi > 59 || ss > 60)
            return NAN;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, th, tm = 0;
            p++;
            if (digits(&p, 2, &th))
                return NAN;
            if (*p == ':')
                p++;
            if (*p >= '0' && *p <= '9' && digits(&p, 2, &tm))
                return NAN;
            tz = sign * (th * 3600 + tm * 60);
        }
    }
    while (*p == ' ')
        p++;
    if (*p)
        return NAN;
    int64_t days = days_from_civil(y, mo, d);
    return (double)(days * 86400 + hh * 3600 + mi * 60 + ss - tz) + frac;
}

/* A field value as seconds since the epoch, NaN when unknown. */
static double time_value(const rm_host_api *api, const rm_layer *layer,
                         int field, size_t row)
{
    if (field < 0 || api->layer_field_is_null(layer, field, row))
        return NAN;
    switch (api->layer_field_type(layer, field)) {
    case RM_FIELD_DATETIME:
        return (double)api->layer_field_ints(layer, field)[row] / 1000.0;
    case RM_FIELD_STRING:
        return crossings_parse_time(
            api->layer_field_string(layer, field, row));
    default:
        return api->layer_field_as_real(layer, field, row);
    }
}

/* ---- identities --------------------------------------------------------- */

static int id_is_int(rm_field_type t)
{
    return t == RM_FIELD_INT || t == RM_FIELD_DATETIME || t == RM_FIELD_BOOL;
}

/* The id of `row` as text (STRING, REAL); NULL when NULL. */
static char *id_text(const rm_host_api *api, const rm_layer *layer,
                     int field, size_t row)
{
    if (api->layer_field_is_null(layer, field, row))
        return NULL;
    if (api->layer_field_type(layer, field) == RM_FIELD_STRING)
        return dup_text(api->layer_field_string(layer, field, row));
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g",
             api->layer_field_as_real(layer, field, row));
    return dup_text(buf);
}

static int64_t id_int(const rm_host_api *api, const rm_layer *layer,
                      int field, size_t row)
{
    rm_field_type t = api->layer_field_type(layer, field);
    if (t == RM_FIELD_BOOL)
        return api->layer_field_bools(layer, field)[row];
    return api->layer_field_ints(layer, field)[row];
}

static int find_id_field(const rm_host_api *api, rm_step *step,
                         const rm_layer *layer, const char *track_field,
                         int *out)
{
    *out = -1;
    if (track_field && *track_field) {
        *out = api->layer_field_index(layer, track_field);
        if (*out < 0)
            return api->fail(step, RM_EDATA_FIELD,
                             "crossings: the tracks layer '%s' has no field "
                             "'%s' (track_field); use one of its fields or "
                             "leave track_field unset to use the id role",
                             api->layer_name(layer), track_field);
    } else {
        *out = api->layer_role_field(layer, RM_ROLE_ID);
    }
    return RM_OK;
}

/* ---- line tracks -------------------------------------------------------- */

static int build_from_lines(crossings_tracks *t, const rm_host_api *api,
                            const rm_layer *layer, int idf)
{
    size_t nf = api->layer_feature_count(layer);
    size_t np = api->layer_part_count(layer);
    const int64_t *fo = api->layer_feature_offsets(layer);
    const int64_t *po = api->layer_part_offsets(layer);
    const double *xy = api->layer_xy(layer);
    const double *vt = api->layer_vertex_times(layer);
    const int64_t *fids = api->layer_fids(layer);

    t->n_tracks = nf;
    t->n_runs = np;
    t->roff = fo;
    t->voff = po;
    t->xy = xy;
    t->t = vt;
    if (vt) {
        size_t nc = api->layer_coord_count(layer);
        for (size_t i = 0; i < nc && !t->have_times; i++)
            t->have_times = isfinite(vt[i]);
    }
    t->id_is_text = idf >= 0 && !id_is_int(api->layer_field_type(layer, idf));
    if (t->id_is_text) {
        t->id_text = calloc(nf ? nf : 1, sizeof *t->id_text);
        if (!t->id_text)
            return RM_ENOMEM;
        for (size_t f = 0; f < nf; f++) {
            t->id_text[f] = id_text(api, layer, idf, f);
            if (!t->id_text[f]) {
                char buf[32];
                snprintf(buf, sizeof buf, "%lld", (long long)fids[f]);
                t->id_text[f] = dup_text(buf);
                if (!t->id_text[f])
                    return RM_ENOMEM;
            }
        }
    } else if (idf < 0) {
        t->id_int = fids;
    } else {
        t->own_ids = alloc_array(nf, sizeof *t->own_ids);
        if (!t->own_ids)
            return RM_ENOMEM;
        for (size_t f = 0; f < nf; f++)
            t->own_ids[f] = !api->layer_field_is_null(layer, idf, f)
                                ? id_int(api, layer, idf, f)
                                : fids[f];
        t->id_int = t->own_ids;
    }
    return RM_OK;
}

/* ---- point tracks ------------------------------------------------------- */

typedef struct point_rec {
    const char *s; /* text key, or NULL */
    int64_t i;     /* integer key */
    double t;      /* s, or NaN when the layer has no time */
    size_t row;
} point_rec;

static int cmp_point(const void *pa, const void *pb)
{
    const point_rec *a = pa, *b = pb;
    if (a->s || b->s) {
        int c = strcmp(a->s ? a->s : "", b->s ? b->s : "");
        if (c)
            return c;
    } else if (a->i != b->i) {
        return a->i < b->i ? -1 : 1;
    }
    if (a->t < b->t)
        return -1;
    if (a->t > b->t)
        return 1;
    return (a->row > b->row) - (a->row < b->row);
}

static int same_track(const point_rec *a, const point_rec *b)
{
    if (a->s || b->s)
        return a->s && b->s && strcmp(a->s, b->s) == 0;
    return a->i == b->i;
}

static int build_from_points(crossings_tracks *t, const rm_host_api *api,
                             rm_step *step, const rm_layer *layer, int idf,
                             int tf)
{
    size_t nf = api->layer_feature_count(layer);
    const int64_t *fo = api->layer_feature_offsets(layer);
    const int64_t *po = api->layer_part_offsets(layer);
    const double *xy = api->layer_xy(layer);
    rm_field_type idt = api->layer_field_type(layer, idf);
    int text = !id_is_int(idt);
    char **texts = NULL;
    int rc = RM_ENOMEM;

    t->from_points = 1;
    t->id_is_text = text;
    point_rec *rec = alloc_array(nf, sizeof *rec);
    if (!rec)
        return RM_ENOMEM;
    if (text && idt != RM_FIELD_STRING) {
        texts = calloc(nf ? nf : 1, sizeof *texts);
        if (!texts)
            goto out;
    }
    size_t nr = 0, ncoord = 0;
    for (size_t f = 0; f < nf; f++) {
        point_rec r = {NULL, 0, NAN, f};
        if (api->layer_field_is_null(layer, idf, f)) {
            t->n_skipped++;
            continue;
        }
        if (idt == RM_FIELD_STRING) {
            r.s = api->layer_field_string(layer, idf, f);
        } else if (text) {
            texts[f] = id_text(api, layer, idf, f);
            if (!texts[f])
                goto out;
            r.s = texts[f];
        } else {
            r.i = id_int(api, layer, idf, f);
        }
        if (tf >= 0) {
            r.t = time_value(api, layer, tf, f);
            if (!isfinite(r.t)) {
                t->n_skipped++;
                continue;
            }
        }
        rec[nr++] = r;
        ncoord += (size_t)(po[fo[f + 1]] - po[fo[f]]);
    }
    qsort(rec, nr, sizeof *rec, cmp_point);

    size_t ntr = 0;
    for (size_t i = 0; i < nr; i++)
        if (i == 0 || !same_track(&rec[i - 1], &rec[i]))
            ntr++;
    t->n_tracks = ntr;
    t->n_runs = ntr;
    /* One run per track: roff[r] = r, voff the tracks' first points. */
    t->own_off = alloc_array(2 * (ntr + 1), sizeof *t->own_off);
    t->own_xy = alloc_array(ncoord, 2 * sizeof *t->own_xy);
    t->own_t = alloc_array(ncoord, sizeof *t->own_t);
    if (text)
        t->id_text = calloc(ntr ? ntr : 1, sizeof *t->id_text);
    else
        t->own_ids = alloc_array(ntr, sizeof *t->own_ids);
    if (!t->own_off || !t->own_xy || !t->own_t ||
        (text ? !t->id_text : !t->own_ids))
        goto out;
    int64_t *roff = t->own_off, *voff = t->own_off + ntr + 1;
    t->roff = roff;
    t->voff = voff;
    t->xy = t->own_xy;
    t->t = t->own_t;
    t->id_int = t->own_ids;

    size_t k = 0, tr = SIZE_MAX;
    for (size_t i = 0; i < nr; i++) {
        if (i == 0 || !same_track(&rec[i - 1], &rec[i])) {
            tr = tr == SIZE_MAX ? 0 : tr + 1;
            roff[tr] = (int64_t)tr;
            voff[tr] = (int64_t)k;
            if (text) {
                t->id_text[tr] = dup_text(rec[i].s);
                if (!t->id_text[tr])
                    goto out;
            } else {
                t->own_ids[tr] = rec[i].i;
            }
        }
        size_t f = rec[i].row;
        for (int64_t c = po[fo[f]]; c < po[fo[f + 1]]; c++) {
            t->own_xy[2 * k] = xy[2 * c];
            t->own_xy[2 * k + 1] = xy[2 * c + 1];
            t->own_t[k] = rec[i].t;
            t->have_times |= isfinite(rec[i].t);
            k++;
        }
    }
    roff[ntr] = (int64_t)ntr;
    voff[ntr] = (int64_t)k;
    if (tf < 0)
        api->log(step, RM_PLUGIN_LOG_WARN,
                 "crossings: the point layer '%s' has no time role: points "
                 "are joined in the order of the source, and crossings get "
                 "no time; map the time role in the briefing or set "
                 "time_field",
                 api->layer_name(layer));
    rc = RM_OK;
out:
    if (texts)
        for (size_t f = 0; f < nf; f++)
            free(texts[f]);
    free(texts);
    free(rec);
    return rc;
}

int crossings_tracks_build(crossings_tracks *out, const rm_host_api *api,
                           rm_step *step, const rm_layer *layer,
                           const char *track_field, const char *time_field)
{
    memset(out, 0, sizeof *out);
    rm_geom_type gt = api->layer_geom_type(layer);
    int idf, rc;
    if (gt != RM_GEOM_POINT && gt != RM_GEOM_LINE)
        return api->fail(step, RM_EDATA_TYPE,
                         "crossings: the tracks layer '%s' must hold lines "
                         "or points (GPS fixes), not polygons or a raster; "
                         "pass a track layer as `tracks`",
                         api->layer_name(layer));
    rc = find_id_field(api, step, layer, track_field, &idf);
    if (rc)
        return rc;
    if (gt == RM_GEOM_LINE) {
        rc = build_from_lines(out, api, layer, idf);
    } else {
        if (idf < 0)
            return api->fail(step, RM_EDATA_FIELD,
                             "crossings: the point layer '%s' needs a track "
                             "id to join its points into tracks: map the id "
                             "role in the briefing (id: FIELD) or set "
                             "track_field",
                             api->layer_name(layer));
        int tf = api->layer_role_field(layer, RM_ROLE_TIME);
        if (time_field && *time_field) {
            tf = api->layer_field_index(layer, time_field);
            if (tf < 0)
                return api->fail(step, RM_EDATA_FIELD,
                                 "crossings: the tracks layer '%s' has no "
                                 "field '%s' (time_field); use one of its "
                                 "fields or leave time_field unset to use "
                                 "the time role",
                                 api->layer_name(layer), time_field);
        }
        rc = build_from_points(out, api, step, layer, idf, tf);
    }
    if (rc == RM_ENOMEM) {
        crossings_tracks_free(out);
        return api->fail(step, RM_ENOMEM,
                         "crossings: out of memory reading the tracks layer "
                         "'%s'",
                         api->layer_name(layer));
    }
    return rc;
}

/* ---- gaps ---------------------------------------------------------------- */

static int grow_piece(crossings_piece *p, size_t need)
{
    if (need <= p->cap)
        return RM_OK;
    size_t cap = p->cap ? p->cap : 64;
    while (cap < need)
        cap *= 2;
    double *xy = realloc(p->xy, cap * 2 * sizeof *xy);
    if (!xy)
        return RM_ENOMEM;
    p->xy = xy;
    double *t = realloc(p->t, cap * sizeof *t);
    if (!t)
        return RM_ENOMEM;
    p->t = t;
    p->cap = cap;
    return RM_OK;
}

/* A run without times, unknown coordinates or repeated vertices is one
 * piece as it stands (the usual drawn line): no copy needed. */
static int clean_run(const crossings_run *run)
{
    if (run->t || run->n < 2)
        return 0;
    const double *xy = run->xy;
    int ok = isfinite(xy[0]) && isfinite(xy[1]);
    for (size_t k = 1; k < run->n && ok; k++)
        ok = isfinite(xy[2 * k]) && isfinite(xy[2 * k + 1]) &&
             (xy[2 * k] != xy[2 * k - 2] || xy[2 * k + 1] != xy[2 * k - 1]);
    return ok;
}

int crossings_split_run(const crossings_run *run, int from_points,
                        double gap_s, double gap_m, size_t first,
                        crossings_piece *p, crossings_piece_fn cb, void *ud)
{
    if (!from_points && clean_run(run)) {
        crossings_piece whole = {(double *)run->xy, NULL, run->n, 0, first};
        return cb(ud, &whole);
    }
    p->first = 0;
    int rc = grow_piece(p, run->n);
    if (rc)
        return rc;
    p->n = 0;
    double last_t = NAN; /* time of the last vertex read, repeats too */
    for (size_t k = 0; k < run->n; k++) {
        double x = run->xy[2 * k], y = run->xy[2 * k + 1];
        double tv = run->t ? run->t[k] : NAN;
        if (!isfinite(x) || !isfinite(y)) {
            if (p->n >= 2 && (rc = cb(ud, p)))
                return rc;
            p->n = 0;
            last_t = NAN;
            continue;
        }
        if (p->n > 0) {
            double px = p->xy[2 * (p->n - 1)], py = p->xy[2 * (p->n - 1) + 1];
            double pt = isfinite(last_t) ? last_t : p->t[p->n - 1];
            if (px == x && py == y) {
                if (isfinite(tv))
                    last_t = tv; /* waiting on one spot is not a gap */
                continue;
            }
            int known = isfinite(pt) && isfinite(tv);
            double ddx = x - px, ddy = y - py;
            int gap = (gap_s > 0.0 && known && fabs(tv - pt) > gap_s) ||
                      (gap_m > 0.0 && (from_points || known) &&
                       ddx * ddx + ddy * ddy > gap_m * gap_m);
            if (gap) {
                if (p->n >= 2 && (rc = cb(ud, p)))
                    return rc;
                p->n = 0;
            }
        }
        p->xy[2 * p->n] = x;
        p->xy[2 * p->n + 1] = y;
        p->t[p->n] = tv;
        p->n++;
        last_t = tv;
    }
    if (p->n >= 2 && (rc = cb(ud, p)))
        return rc;
    p->n = 0;
    return RM_OK;
}
