/*
 * The four outputs of the crossings step: crossing points, the lines cut
 * into ranked segments, one row per track, and closest approaches. Output
 * layers are created through the host table only; field names are part of
 * the plugin's contract (users and scripts rely on them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crossings_report.h"
#include "routemap/errors.h"

struct crossings_report {
    const rm_host_api *api;
    rm_step *step;
    const crossings_lines *L;
    const rm_layer *lines_layer;
    const crossings_tracks *T;
    double seg_m;
    const char *name[2]; /* side names: [0] left / inside, [1] the other */

    rm_layer *points, *segments, *tracks, *approaches;
    int p_track, p_line, p_part, p_chain, p_from, p_to, p_angle, p_time,
        p_seq;
    int t_track, t_cross, t_first, t_last;
    int a_track, a_line, a_dist, a_chain, a_time;
    int line_idf;      /* id role of the lines layer, or -1 */
    int line_id_text;  /* line ids are text */
    int64_t next_point, next_approach;

    size_t *seg_base; /* per line: index of its first segment */
    size_t n_segs;
    uint32_t *n_ab, *n_ba;

    double *slice; /* scratch for segment geometry */
    size_t slice_cap;
    int err; /* first error of a set_* call */
};

static int id_is_int(rm_field_type t)
{
    return t == RM_FIELD_INT || t == RM_FIELD_DATETIME || t == RM_FIELD_BOOL;
}

static int add_field(crossings_report *r, rm_layer *l, const char *name,
                     rm_field_type type, int *out)
{
    *out = r->api->add_field(l, name, type);
    if (*out < 0)
        return r->api->fail(r->step, *out,
                             "crossings: cannot add field '%s' to an "
                             "output layer",
                             name);
    return RM_OK;
}

static rm_layer *output(crossings_report *r, const char *name)
{
    rm_layer *l = r->api->output_vector(r->step, name);
    if (!l)
        r->api->fail(r->step, RM_EPLUGIN_OUTPUT,
                     "crossings: the host refused output '%s'", name);
    return l;
}

static void set_time(crossings_report *r, rm_layer *l, int f, double t)
{
    if (isfinite(t))
        r->err |= r->api->set_datetime(l, f, (int64_t)llround(t * 1000.0));
}

static void set_track_id(crossings_report *r, rm_layer *l, int f,
                         size_t track)
{
    if (r->T->id_is_text)
        r->err |= r->api->set_string(l, f, r->T->id_text[track]);
    else
        r->err |= r->api->set_int(l, f, r->T->id_int[track]);
}

static void set_line_id(crossings_report *r, rm_layer *l, int f,
                        size_t feature)
{
    const rm_host_api *api = r->api;
    const rm_layer *src = r->lines_layer;
    int idf = r->line_idf;
    int64_t fid = api->layer_fids(src)[feature];
    char buf[40];
    if (idf >= 0 && !api->layer_field_is_null(src, idf, feature)) {
        rm_field_type t = api->layer_field_type(src, idf);
        if (t == RM_FIELD_STRING) {
            r->err |= api->set_string(
                l, f, api->layer_field_string(src, idf, feature));
        } else if (t == RM_FIELD_BOOL) {
            r->err |= api->set_int(l, f,
                                   api->layer_field_bools(src, idf)[feature]);
        } else if (id_is_int(t)) {
            r->err |= api->set_int(l, f,
                                   api->layer_field_ints(src, idf)[feature]);
        } else {
            snprintf(buf, sizeof buf, "%.17g",
                     api->layer_field_as_real(src, idf, feature));
            r->err |= api->set_string(l, f, buf);
        }
        return;
    }
    if (r->line_id_text) {
        snprintf(buf, sizeof buf, "%lld", (long long)fid);
        r->err |= api->set_string(l, f, buf);
    } else {
        r->err |= api->set_int(l, f, fid);
    }
}

void crossings_report_destroy(crossings_report *r)
{
    if (!r)
        return;
    free(r->seg_base);
    free(r->n_ab);
    free(r->n_ba);
    free(r->slice);
    free(r);
}

/* Number of segment_km pieces of a line of `len` metres (at least 1). */
static size_t piece_count(double len, double seg_m)
{
    double n = ceil(len / seg_m * (1.0 - 1e-12));
    return n < 1.0 ? 1 : (size_t)n;
}

int crossings_report_create(crossings_report **out, const rm_host_api *api,
                            rm_step *step, const crossings_lines *L,
                            const rm_layer *lines_layer,
                            const crossings_tracks *T, double seg_km,
                            const char *name_a, const char *name_b)
{
    int rc;
    crossings_report *r = calloc(1, sizeof *r);
    if (!r)
        return api->fail(step, RM_ENOMEM, "crossings: out of memory");
    *out = r;
    r->api = api;
    r->step = step;
    r->L = L;
    r->lines_layer = lines_layer;
    r->T = T;
    r->seg_m = seg_km * 1000.0;
    r->name[0] = name_a;
    r->name[1] = name_b;
    r->line_idf = api->layer_role_field(lines_layer, RM_ROLE_ID);
    r->line_id_text =
        r->line_idf >= 0 &&
        !id_is_int(api->layer_field_type(lines_layer, r->line_idf));

    /* Segment table first: it is the one that can be too large. */
    double total = 0.0;
    r->seg_base = calloc(L->n_lines + 1, sizeof *r->seg_base);
    if (!r->seg_base)
        return api->fail(step, RM_ENOMEM, "crossings: out of memory");
    for (size_t l = 0; l < L->n_lines; l++) {
        r->seg_base[l] = r->n_segs;
        double n = ceil(L->length[l] / r->seg_m);
        total += n < 1.0 ? 1.0 : n;
        if (total > 2e7)
            return api->fail(step, RM_EPLUGIN_PARAM,
                             "crossings: segment_km = %g cuts the lines "
                             "into more than 20 million segments; use a "
                             "larger segment_km",
                             seg_km);
        r->n_segs += piece_count(L->length[l], r->seg_m);
    }
    r->seg_base[L->n_lines] = r->n_segs;
    r->n_ab = calloc(r->n_segs ? r->n_segs : 1, sizeof *r->n_ab);
    r->n_ba = calloc(r->n_segs ? r->n_segs : 1, sizeof *r->n_ba);
    if (!r->n_ab || !r->n_ba)
        return api->fail(step, RM_ENOMEM, "crossings: out of memory");

    rm_field_type tid = T->id_is_text ? RM_FIELD_STRING : RM_FIELD_INT;
    rm_field_type lid = r->line_id_text ? RM_FIELD_STRING : RM_FIELD_INT;
    if (!(r->points = output(r, "points")) ||
        !(r->segments = output(r, "segments")) ||
        !(r->tracks = output(r, "tracks")) ||
        !(r->approaches = output(r, "approaches")))
        return RM_EPLUGIN_OUTPUT;
    if ((rc = add_field(r, r->points, "track_id", tid, &r->p_track)) ||
        (rc = add_field(r, r->points, "line_id", lid, &r->p_line)) ||
        (rc = add_field(r, r->points, "line_part", RM_FIELD_INT,
                        &r->p_part)) ||
        (rc = add_field(r, r->points, "chainage_km", RM_FIELD_REAL,
                        &r->p_chain)) ||
        (rc = add_field(r, r->points, "from_side", RM_FIELD_STRING,
                        &r->p_from)) ||
        (rc = add_field(r, r->points, "to_side", RM_FIELD_STRING,
                        &r->p_to)) ||
        (rc = add_field(r, r->points, "angle_deg", RM_FIELD_REAL,
                        &r->p_angle)) ||
        (rc = add_field(r, r->points, "time", RM_FIELD_DATETIME,
                        &r->p_time)) ||
        (rc = add_field(r, r->points, "seq", RM_FIELD_INT, &r->p_seq)) ||
        (rc = add_field(r, r->tracks, "track_id", tid, &r->t_track)) ||
        (rc = add_field(r, r->tracks, "crossings", RM_FIELD_INT,
                        &r->t_cross)) ||
        (rc = add_field(r, r->tracks, "first_time", RM_FIELD_DATETIME,
                        &r->t_first)) ||
        (rc = add_field(r, r->tracks, "last_time", RM_FIELD_DATETIME,
                        &r->t_last)) ||
        (rc = add_field(r, r->approaches, "track_id", tid, &r->a_track)) ||
        (rc = add_field(r, r->approaches, "line_id", lid, &r->a_line)) ||
        (rc = add_field(r, r->approaches, "distance_m", RM_FIELD_REAL,
                        &r->a_dist)) ||
        (rc = add_field(r, r->approaches, "chainage_km", RM_FIELD_REAL,
                        &r->a_chain)) ||
        (rc = add_field(r, r->approaches, "time", RM_FIELD_DATETIME,
                        &r->a_time)))
        return rc;
    return RM_OK;
}

static int write_failed(crossings_report *r, const char *what)
{
    return r->api->fail(r->step, RM_ENOMEM,
                        "crossings: cannot write %s (out of memory?)", what);
}

int crossings_report_track(crossings_report *r, size_t track,
                           const crossings_hit *hits, size_t n_hits,
                           const size_t *near_features,
                           const crossings_near *near, size_t n_near)
{
    const rm_host_api *api = r->api;
    const crossings_lines *L = r->L;
    double first = NAN, last = NAN;
    for (size_t k = 0; k < n_hits; k++) {
        const crossings_hit *h = &hits[k];
        size_t l = h->line;
        size_t piece = (size_t)floor(h->part_m / r->seg_m);
        size_t np = r->seg_base[l + 1] - r->seg_base[l];
        if (piece >= np || !(h->part_m >= 0.0))
            piece = h->part_m > 0.0 ? np - 1 : 0;
        if (h->from_a) {
            r->n_ab[r->seg_base[l] + piece]++;
        } else {
            r->n_ba[r->seg_base[l] + piece]++;
        }
        if (isfinite(h->t)) {
            first = isfinite(first) ? fmin(first, h->t) : h->t;
            last = isfinite(last) ? fmax(last, h->t) : h->t;
        }
        double xy[2] = {h->x, h->y};
        if (api->begin_feature(r->points, ++r->next_point) < 0 ||
            api->add_part(r->points, xy, 1, NULL, 1) != RM_OK)
            return write_failed(r, "a crossing point");
        set_track_id(r, r->points, r->p_track, track);
        set_line_id(r, r->points, r->p_line, L->feature[l]);
        r->err |= api->set_int(r->points, r->p_part, L->part[l]);
        r->err |= api->set_real(r->points, r->p_chain, h->chain_m / 1000.0);
        r->err |= api->set_string(r->points, r->p_from,
                                  r->name[h->from_a ? 0 : 1]);
        r->err |= api->set_string(r->points, r->p_to,
                                  r->name[h->from_a ? 1 : 0]);
        if (isfinite(h->angle))
            r->err |= api->set_real(r->points, r->p_angle, h->angle);
        set_time(r, r->points, r->p_time, h->t);
        r->err |= api->set_int(r->points, r->p_seq, (int64_t)k + 1);
    }
    if (api->begin_feature(r->tracks, (int64_t)track + 1) < 0)
        return write_failed(r, "a track row");
    set_track_id(r, r->tracks, r->t_track, track);
    r->err |= api->set_int(r->tracks, r->t_cross, (int64_t)n_hits);
    set_time(r, r->tracks, r->t_first, first);
    set_time(r, r->tracks, r->t_last, last);

    for (size_t k = 0; k < n_near; k++) {
        size_t feat = near_features[k];
        int crossed = 0;
        for (size_t j = 0; j < n_hits && !crossed; j++)
            crossed = L->feature[hits[j].line] == feat;
        if (crossed)
            continue;
        const crossings_near *nr = &near[k];
        double xy[2] = {nr->x, nr->y};
        if (api->begin_feature(r->approaches, ++r->next_approach) < 0 ||
            api->add_part(r->approaches, xy, 1, NULL, 1) != RM_OK)
            return write_failed(r, "an approach point");
        set_track_id(r, r->approaches, r->a_track, track);
        set_line_id(r, r->approaches, r->a_line, feat);
        r->err |= api->set_real(r->approaches, r->a_dist, nr->d);
        r->err |=
            api->set_real(r->approaches, r->a_chain, nr->chain_m / 1000.0);
        set_time(r, r->approaches, r->a_time, nr->t);
    }
    return r->err ? write_failed(r, "an output value") : RM_OK;
}

/* The part of line l between a and b metres from its start. */
static int slice(crossings_report *r, size_t l, double a, double b,
                 size_t *n)
{
    const crossings_lines *L = r->L;
    size_t s = L->start[l], e = L->start[l + 1];
    size_t need = e - s + 2;
    if (need > r->slice_cap) {
        double *p = realloc(r->slice, need * 2 * sizeof *p);
        if (!p)
            return RM_ENOMEM;
        r->slice = p;
        r->slice_cap = need;
    }
    /* First vertex index with cum > a. */
    size_t lo = s, hi = e - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (L->cum[mid] > a)
            hi = mid;
        else
            lo = mid + 1;
    }
    size_t k = 0;
    for (size_t g = lo; g < e; g++) {
        double c0 = L->cum[g - 1], c1 = L->cum[g];
        const double *p = L->xy + 2 * (g - 1), *q = L->xy + 2 * g;
        if (k == 0) {
            double f = c1 > c0 ? (a - c0) / (c1 - c0) : 0.0;
            r->slice[0] = p[0] + f * (q[0] - p[0]);
            r->slice[1] = p[1] + f * (q[1] - p[1]);
            k = 1;
        }
        if (c1 >= b || g == e - 1) {
            double f = c1 > c0 ? (fmin(b, c1) - c0) / (c1 - c0) : 1.0;
            r->slice[2 * k] = p[0] + f * (q[0] - p[0]);
            r->slice[2 * k + 1] = p[1] + f * (q[1] - p[1]);
            k++;
            break;
        }
        r->slice[2 * k] = q[0];
        r->slice[2 * k + 1] = q[1];
        k++;
    }
    /* Drop repeats that interpolation may produce at vertices. */
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m > 0 && r->slice[2 * m - 2] == r->slice[2 * i] &&
            r->slice[2 * m - 1] == r->slice[2 * i + 1])
            continue;
        r->slice[2 * m] = r->slice[2 * i];
        r->slice[2 * m + 1] = r->slice[2 * i + 1];
        m++;
    }
    *n = m;
    return RM_OK;
}

typedef struct seg_rank {
    uint32_t total;
    double from_km;
    size_t index;
} seg_rank;

static int cmp_rank(const void *pa, const void *pb)
{
    const seg_rank *a = pa, *b = pb;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    if (a->from_km != b->from_km)
        return a->from_km < b->from_km ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

int crossings_report_finish(crossings_report *r)
{
    const rm_host_api *api = r->api;
    const crossings_lines *L = r->L;
    rm_layer *o = r->segments;
    int f_line, f_part, f_from, f_to, f_ab, f_ba, f_total, f_rank, rc;
    rm_field_type lid = r->line_id_text ? RM_FIELD_STRING : RM_FIELD_INT;
    if ((rc = add_field(r, o, "line_id", lid, &f_line)) ||
        (rc = add_field(r, o, "line_part", RM_FIELD_INT, &f_part)) ||
        (rc = add_field(r, o, "from_km", RM_FIELD_REAL, &f_from)) ||
        (rc = add_field(r, o, "to_km", RM_FIELD_REAL, &f_to)) ||
        (rc = add_field(r, o, "n_ab", RM_FIELD_INT, &f_ab)) ||
        (rc = add_field(r, o, "n_ba", RM_FIELD_INT, &f_ba)) ||
        (rc = add_field(r, o, "n_total", RM_FIELD_INT, &f_total)) ||
        (rc = add_field(r, o, "rank", RM_FIELD_INT, &f_rank)))
        return rc;

    seg_rank *rk = malloc((r->n_segs ? r->n_segs : 1) * sizeof *rk);
    uint32_t *rank = malloc((r->n_segs ? r->n_segs : 1) * sizeof *rank);
    if (!rk || !rank) {
        free(rk);
        free(rank);
        return write_failed(r, "the segments");
    }
    for (size_t l = 0; l < L->n_lines; l++) {
        for (size_t k = r->seg_base[l]; k < r->seg_base[l + 1]; k++) {
            size_t j = k - r->seg_base[l];
            rk[k].total = r->n_ab[k] + r->n_ba[k];
            rk[k].from_km = (L->offset[l] + (double)j * r->seg_m) / 1000.0;
            rk[k].index = k;
        }
    }
    qsort(rk, r->n_segs, sizeof *rk, cmp_rank);
    for (size_t k = 0; k < r->n_segs; k++)
        rank[rk[k].index] = (uint32_t)(k + 1);
    free(rk);

    int64_t fid = 0;
    for (size_t l = 0; l < L->n_lines && rc == RM_OK; l++) {
        size_t np = r->seg_base[l + 1] - r->seg_base[l];
        for (size_t j = 0; j < np; j++) {
            size_t k = r->seg_base[l] + j;
            double a = (double)j * r->seg_m;
            double b = j + 1 == np ? L->length[l] : a + r->seg_m;
            size_t n;
            if (slice(r, l, a, b, &n) != RM_OK ||
                api->begin_feature(o, ++fid) < 0) {
                rc = write_failed(r, "the segments");
                break;
            }
            if (n >= 2 && api->add_part(o, r->slice, n, NULL, 1) != RM_OK) {
                rc = write_failed(r, "the segments");
                break;
            }
            set_line_id(r, o, f_line, L->feature[l]);
            r->err |= api->set_int(o, f_part, L->part[l]);
            r->err |= api->set_real(o, f_from, (L->offset[l] + a) / 1000.0);
            r->err |= api->set_real(o, f_to, (L->offset[l] + b) / 1000.0);
            r->err |= api->set_int(o, f_ab, r->n_ab[k]);
            r->err |= api->set_int(o, f_ba, r->n_ba[k]);
            r->err |= api->set_int(o, f_total, r->n_ab[k] + r->n_ba[k]);
            r->err |= api->set_int(o, f_rank, rank[k]);
        }
    }
    free(rank);
    if (rc == RM_OK && r->err)
        rc = write_failed(r, "the segments");
    return rc;
}
