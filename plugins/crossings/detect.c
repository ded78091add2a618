/*
 * Crossing detection for one track piece. Every contact between the piece
 * and a line is found with exact orientation tests and named
 * combinatorially (which track vertex or segment, which line vertex or
 * segment), contacts joined by stretches where the track runs along a line
 * form one run, and a run is a crossing when the track comes from strictly
 * one side and leaves to strictly the other. What stays true: no decision
 * depends on a rounded value; coordinates computed in floating point
 * (crossing points, chainage, time, angle, distances) are only reported.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crossings_internal.h"
#include "routemap/errors.h"

/* A sort of `type` arrays by `cmp`: insertion sort for the few elements
 * of a usual piece (a call to qsort costs more than sorting them), qsort
 * beyond. */
#define SMALL_SORT(name, type, cmp)                                          \
    static void name(type *a, size_t n)                                      \
    {                                                                        \
        if (n > 16) {                                                        \
            qsort(a, n, sizeof *a, cmp);                                     \
            return;                                                          \
        }                                                                    \
        for (size_t k = 1; k < n; k++) {                                     \
            type v = a[k];                                                   \
            size_t j = k;                                                    \
            while (j > 0 && cmp(&a[j - 1], &v) > 0) {                        \
                a[j] = a[j - 1];                                             \
                j--;                                                         \
            }                                                                \
            a[j] = v;                                                        \
        }                                                                    \
    }

typedef struct node {
    int64_t tkey; /* 2k: track vertex k; 2i+1: inside track segment i */
    int64_t lkey; /* 2g: line vertex g (canonical); 2g+1: inside seg g */
    double x, y;  /* the contact point */
    uint32_t raw; /* index before sorting */
} node;

typedef struct edge {
    uint32_t a, b; /* raw node indices joined by a shared stretch */
} edge;

struct crossings_detector {
    const crossings_lines *L;
    const crossings_grid *G;
    double approach; /* m; 0: off */

    uint32_t *stamp; /* per line segment: last track segment visit */
    uint32_t cur;

    const crossings_piece *P;
    node *nodes;
    size_t n_nodes, cap_nodes;
    edge *edges;
    size_t n_edges, cap_edges;
    uint32_t *canon, *parent, *first, *last;
    size_t cap_uf;

    crossings_hit *hits;
    size_t n_hits, cap_hits;

    double *lbox;   /* per line segment g: min x, min y, max x, max y (m) */
    size_t *cand;   /* pairs: track segment of the piece to visit, and
                       its block (SIZE_MAX: followed cell by cell) */
    uint32_t *pair; /* line segments whose box meets a track segment's */
    size_t cap_cand, cap_pair;

    crossings_near *near;  /* per line feature */
    uint32_t *near_epoch;  /* per line feature */
    size_t *near_list;     /* features with an entry this epoch */
    size_t n_near;
    uint32_t epoch;
    int failed; /* an allocation failed */
};

/* ---- small helpers ---------------------------------------------------- */

/* Length of (dx, dy); metric coordinates never come near overflow. */
static double len2d(double dx, double dy)
{
    return sqrt(dx * dx + dy * dy);
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / size)
        return -1;
    void *p = realloc(*arr, c * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

static const double *tpt(const crossings_detector *d, size_t k)
{
    return d->P->xy + 2 * k;
}

static const double *lpt(const crossings_detector *d, size_t g)
{
    return d->L->xy + 2 * g;
}

static int64_t lvkey(const crossings_detector *d, size_t g)
{
    return 2 * (int64_t)crossings_lines_canon(d->L, g);
}

static void add_node(crossings_detector *d, int64_t tkey, int64_t lkey,
                     const double *at, uint32_t *out)
{
    if (grow((void **)&d->nodes, &d->cap_nodes, d->n_nodes + 1,
             sizeof *d->nodes)) {
        d->failed = 1;
        *out = UINT32_MAX;
        return;
    }
    node *n = &d->nodes[d->n_nodes];
    n->tkey = tkey;
    n->lkey = lkey;
    n->x = at[0];
    n->y = at[1];
    n->raw = (uint32_t)d->n_nodes;
    *out = (uint32_t)d->n_nodes++;
}

static void add_edge(crossings_detector *d, uint32_t a, uint32_t b)
{
    if (a == UINT32_MAX || b == UINT32_MAX)
        return;
    if (grow((void **)&d->edges, &d->cap_edges, d->n_edges + 1,
             sizeof *d->edges)) {
        d->failed = 1;
        return;
    }
    d->edges[d->n_edges].a = a;
    d->edges[d->n_edges].b = b;
    d->n_edges++;
}

/* ---- contacts of track segment i with line segment g ------------------ */

/* Overlap endpoint at axis value c: which vertices it is. */
static void collinear_node(crossings_detector *d, size_t i, size_t g, int ax,
                           double c, uint32_t *out)
{
    const double *P = tpt(d, i), *Q = tpt(d, i + 1);
    const double *A = lpt(d, g), *B = lpt(d, g + 1);
    int64_t tk, lk;
    const double *at;
    if (P[ax] == c) {
        tk = 2 * (int64_t)i;
        at = P;
    } else if (Q[ax] == c) {
        tk = 2 * (int64_t)(i + 1);
        at = Q;
    } else {
        tk = 2 * (int64_t)i + 1;
        at = A[ax] == c ? A : B;
    }
    if (A[ax] == c)
        lk = lvkey(d, g);
    else if (B[ax] == c)
        lk = lvkey(d, g + 1);
    else
        lk = 2 * (int64_t)g + 1;
    add_node(d, tk, lk, at, out);
}

/* The contacts of track segment i and line segment g, whose boxes
 * overlap. */
static void contact_exact(crossings_detector *d, size_t i, size_t g)
{
    const double *P = tpt(d, i), *Q = tpt(d, i + 1);
    const double *A = lpt(d, g), *B = lpt(d, g + 1);
    /* All four signs, then one branch: which pairs meet is random. */
    double a1 = crossings_orient2d_inline(A, B, P);
    double a2 = crossings_orient2d_inline(A, B, Q);
    double a3 = crossings_orient2d_inline(P, Q, A);
    double a4 = crossings_orient2d_inline(P, Q, B);
    int o1 = (a1 > 0.0) - (a1 < 0.0), o2 = (a2 > 0.0) - (a2 < 0.0);
    int o3 = (a3 > 0.0) - (a3 < 0.0), o4 = (a4 > 0.0) - (a4 < 0.0);
    if ((o1 * o2 > 0) | (o3 * o4 > 0))
        return;
    uint32_t n1, n2;
    if (o1 == 0 && o2 == 0) {
        /* Collinear: compare along an axis the line segment spans. */
        int ax = A[0] != B[0] ? 0 : 1;
        double lo = crossings_max(crossings_min(A[ax], B[ax]),
                                  crossings_min(P[ax], Q[ax]));
        double hi = crossings_min(crossings_max(A[ax], B[ax]),
                                  crossings_max(P[ax], Q[ax]));
        if (lo > hi)
            return;
        collinear_node(d, i, g, ax, lo, &n1);
        if (hi > lo) {
            collinear_node(d, i, g, ax, hi, &n2);
            add_edge(d, n1, n2);
        }
        return;
    }
    int64_t lk_at_vertex = o3 == 0   ? lvkey(d, g)
                           : o4 == 0 ? lvkey(d, g + 1)
                                     : 2 * (int64_t)g + 1;
    if (o1 == 0) {
        add_node(d, 2 * (int64_t)i, lk_at_vertex, P, &n1);
    } else if (o2 == 0) {
        add_node(d, 2 * (int64_t)(i + 1), lk_at_vertex, Q, &n1);
    } else if (o3 == 0) {
        add_node(d, 2 * (int64_t)i + 1, lvkey(d, g), A, &n1);
    } else if (o4 == 0) {
        add_node(d, 2 * (int64_t)i + 1, lvkey(d, g + 1), B, &n1);
    } else {
        /* Proper crossing of both interiors; the point is only reported. */
        double f = a1 / (a1 - a2);
        if (!(f > 0.0))
            f = 0.0;
        if (f > 1.0)
            f = 1.0;
        double at[2] = {P[0] + f * (Q[0] - P[0]), P[1] + f * (Q[1] - P[1])};
        add_node(d, 2 * (int64_t)i + 1, 2 * (int64_t)g + 1, at, &n1);
    }
}

static void contact(crossings_detector *d, size_t i, size_t g)
{
    const double *P = tpt(d, i), *Q = tpt(d, i + 1);
    const double *A = lpt(d, g), *B = lpt(d, g + 1);
    if (crossings_max(P[0], Q[0]) < crossings_min(A[0], B[0]) ||
        crossings_max(A[0], B[0]) < crossings_min(P[0], Q[0]) ||
        crossings_max(P[1], Q[1]) < crossings_min(A[1], B[1]) ||
        crossings_max(A[1], B[1]) < crossings_min(P[1], Q[1]))
        return;
    contact_exact(d, i, g);
}

/* ---- closest approach --------------------------------------------------- */

/* Distance from p to segment a-b; *f the parameter of the closest point. */
static double point_seg(const double *p, const double *a, const double *b,
                        double *f)
{
    double dx = b[0] - a[0], dy = b[1] - a[1];
    double l2 = dx * dx + dy * dy;
    double t = l2 > 0.0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2 : 0;
    if (t < 0.0)
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    *f = t;
    return len2d(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

static double lerp_time(const crossings_piece *p, size_t i, double f)
{
    if (!p->t)
        return NAN;
    double t0 = p->t[i], t1 = p->t[i + 1];
    if (!isfinite(t0) || !isfinite(t1))
        return f <= 0.0 ? t0 : (f >= 1.0 ? t1 : NAN);
    return t0 + f * (t1 - t0);
}

static void approach(crossings_detector *d, size_t i, size_t g)
{
    const double *P = tpt(d, i), *Q = tpt(d, i + 1);
    const double *A = lpt(d, g), *B = lpt(d, g + 1);
    double a = d->approach;
    if (crossings_max(P[0], Q[0]) + a < crossings_min(A[0], B[0]) ||
        crossings_max(A[0], B[0]) + a < crossings_min(P[0], Q[0]) ||
        crossings_max(P[1], Q[1]) + a < crossings_min(A[1], B[1]) ||
        crossings_max(A[1], B[1]) + a < crossings_min(P[1], Q[1]))
        return;
    double f, best, tf, lf;
    best = point_seg(P, A, B, &f);
    tf = 0.0;
    lf = f;
    double dd = point_seg(Q, A, B, &f);
    if (dd < best) {
        best = dd;
        tf = 1.0;
        lf = f;
    }
    dd = point_seg(A, P, Q, &f);
    if (dd < best) {
        best = dd;
        tf = f;
        lf = 0.0;
    }
    dd = point_seg(B, P, Q, &f);
    if (dd < best) {
        best = dd;
        tf = f;
        lf = 1.0;
    }
    if (best > a)
        return;
    const crossings_lines *L = d->L;
    size_t line = L->vline[g];
    size_t feat = L->feature[line];
    crossings_near *nr = &d->near[feat];
    if (d->near_epoch[feat] == d->epoch && nr->d <= best)
        return;
    if (d->near_epoch[feat] != d->epoch) {
        d->near_epoch[feat] = d->epoch;
        d->near_list[d->n_near++] = feat;
    }
    nr->d = best;
    nr->x = P[0] + tf * (Q[0] - P[0]);
    nr->y = P[1] + tf * (Q[1] - P[1]);
    nr->chain_m = L->offset[line] + L->cum[g] + lf * (L->cum[g + 1] -
                                                       L->cum[g]);
    nr->t = lerp_time(d->P, i, tf);
}

/* ---- visiting the grid ------------------------------------------------- */

static void visit_box(crossings_detector *d, size_t i, int cx0, int cy0,
                      int cx1, int cy1)
{
    const crossings_grid *G = d->G;
    int pad = G->pad;
    cx0 -= pad;
    cy0 -= pad;
    cx1 += pad;
    cy1 += pad;
    if (cx0 < 0)
        cx0 = 0;
    if (cy0 < 0)
        cy0 = 0;
    if (cx1 > G->w - 1)
        cx1 = G->w - 1;
    if (cy1 > G->h - 1)
        cy1 = G->h - 1;
    for (int cy = cy0; cy <= cy1; cy++) {
        for (int cx = cx0; cx <= cx1; cx++) {
            size_t c = (size_t)cy * (size_t)G->w + (size_t)cx;
            for (uint32_t k = G->cstart[c]; k < G->cstart[c + 1]; k++) {
                uint32_t g = G->items[k];
                if (d->stamp[g] == d->cur)
                    continue;
                d->stamp[g] = d->cur;
                if (d->approach > 0.0)
                    approach(d, i, g);
                contact(d, i, g);
            }
        }
    }
}

/* A new track segment: line segments seen for the last one count again. */
static void next_stamp(crossings_detector *d)
{
    if (++d->cur == 0) {
        memset(d->stamp, 0, d->L->n_verts * sizeof *d->stamp);
        d->cur = 1;
    }
}

/* Visit the line segments in the cells that track segment i may touch. */
static void visit_segment(crossings_detector *d, size_t i)
{
    const crossings_grid *G = d->G;
    const double *p = tpt(d, i), *q = tpt(d, i + 1);
    next_stamp(d);
    double dx = q[0] - p[0], dy = q[1] - p[1];
    double len2 = dx * dx + dy * dy;
    if (len2 <= 4.0 * G->cell * G->cell) {
        visit_box(d, i, crossings_grid_cx(G, crossings_min(p[0], q[0])),
                  crossings_grid_cy(G, crossings_min(p[1], q[1])),
                  crossings_grid_cx(G, crossings_max(p[0], q[0])),
                  crossings_grid_cy(G, crossings_max(p[1], q[1])));
        return;
    }
    double len = sqrt(len2);
    /* A long segment: pieces of one cell with a margin above rounding. */
    double eps = 1e-6 * G->cell + 1e-9 * (fabs(p[0]) + fabs(p[1]) +
                                          fabs(q[0]) + fabs(q[1]));
    size_t n = (size_t)ceil(len / G->cell);
    double ax = p[0], ay = p[1];
    for (size_t k = 1; k <= n; k++) {
        double bx = k == n ? q[0] : p[0] + (double)k / (double)n * dx;
        double by = k == n ? q[1] : p[1] + (double)k / (double)n * dy;
        visit_box(d, i, crossings_grid_cx(G, crossings_min(ax, bx) - eps),
                  crossings_grid_cy(G, crossings_min(ay, by) - eps),
                  crossings_grid_cx(G, crossings_max(ax, bx) + eps),
                  crossings_grid_cy(G, crossings_max(ay, by) + eps));
        ax = bx;
        ay = by;
    }
}

/* ---- runs and sides ----------------------------------------------------- */

static int cmp_node_key(const void *pa, const void *pb)
{
    const node *a = pa, *b = pb;
    if (a->tkey != b->tkey)
        return a->tkey < b->tkey ? -1 : 1;
    if (a->lkey != b->lkey)
        return a->lkey < b->lkey ? -1 : 1;
    return (a->raw > b->raw) - (a->raw < b->raw);
}

SMALL_SORT(sort_nodes, node, cmp_node_key)

/* Is node a before node b along the track? (Nodes inside one segment are
 * line vertices lying exactly on it: comparing a coordinate is exact.) */
static int track_before(const crossings_detector *d, const node *a,
                        const node *b)
{
    if (a->tkey != b->tkey)
        return a->tkey < b->tkey;
    if ((a->tkey & 1) == 0)
        return 0;
    size_t i = (size_t)(a->tkey / 2);
    const double *p = tpt(d, i), *q = tpt(d, i + 1);
    double dx = q[0] - p[0], dy = q[1] - p[1];
    int ax = fabs(dx) >= fabs(dy) ? 0 : 1;
    double da = ax ? a->y : a->x, db = ax ? b->y : b->x;
    return (ax ? dy : dx) > 0 ? da < db : da > db;
}

/* p and a lie on one line through v: are they on the same side of v? */
static int same_ray(const double *v, const double *a, const double *p)
{
    int ax = a[0] != v[0] ? 0 : 1;
    return (a[ax] > v[ax]) == (p[ax] > v[ax]);
}

/*
 * Side (+1 left, -1 right, 0 none) of the ray from a line contact toward
 * point p. At a segment's inside: the side of the segment. At an inner
 * vertex v: left is the sector turning counterclockwise from the outgoing
 * ray (toward the next vertex) to the incoming one (toward the previous);
 * a ray along the line is 0. A line's end vertex has no sides.
 */
static int line_side(const crossings_detector *d, int64_t lkey,
                     const double *p)
{
    const crossings_lines *L = d->L;
    size_t g = (size_t)(lkey / 2);
    if (lkey & 1)
        return crossings_orient_sign(lpt(d, g), lpt(d, g + 1), p);
    size_t line = L->vline[g];
    size_t s = L->start[line], e = L->start[line + 1];
    size_t gp, gn;
    if (g == s) {
        if (!L->closed[line])
            return 0;
        gp = e - 2;
        gn = g + 1;
    } else if (g == e - 1) {
        return 0; /* a closed line's last vertex is canonicalised away */
    } else {
        gp = g - 1;
        gn = g + 1;
    }
    const double *v = lpt(d, g), *w = lpt(d, gn), *u = lpt(d, gp);
    int sAr = crossings_orient_sign(v, w, p); /* cross(w - v, p - v) */
    int srB = crossings_orient_sign(v, p, u); /* cross(p - v, u - v) */
    int sAB = crossings_orient_sign(v, w, u); /* cross(w - v, u - v) */
    if ((sAr == 0 && same_ray(v, w, p)) || (srB == 0 && same_ray(v, u, p)))
        return 0;
    if (sAB > 0)
        return (sAr > 0 && srB > 0) ? 1 : -1;
    if (sAB < 0)
        return (sAr < 0 && srB < 0) ? -1 : 1;
    if (!same_ray(v, w, u))
        return sAr > 0 ? 1 : -1; /* straight through */
    return 1; /* a spike: the line folds back; never crossed here */
}

static double acute_angle(double ax, double ay, double bx, double by)
{
    double cr = fabs(ax * by - ay * bx), dt = fabs(ax * bx + ay * by);
    if (cr == 0.0 && dt == 0.0)
        return NAN;
    return atan2(cr, dt) * (180.0 / 3.14159265358979323846);
}

static void record(crossings_detector *d, const node *en, const node *ex,
                   int entry)
{
    const crossings_lines *L = d->L;
    const crossings_piece *P = d->P;
    size_t g = (size_t)(ex->lkey / 2);
    size_t line = L->vline[g];
    if (grow((void **)&d->hits, &d->cap_hits, d->n_hits + 1,
             sizeof *d->hits)) {
        d->failed = 1;
        return;
    }
    crossings_hit *h = &d->hits[d->n_hits++];
    h->line = line;
    h->x = ex->x;
    h->y = ex->y;
    h->from_a = entry * L->flip[line] > 0;
    if (ex->lkey & 1) {
        const double *a = lpt(d, g);
        double c = L->cum[g] + len2d(ex->x - a[0], ex->y - a[1]);
        h->part_m = crossings_min(c, L->cum[g + 1]);
    } else {
        h->part_m = L->cum[g];
    }
    h->chain_m = L->offset[line] + h->part_m;

    /* Time and position along the piece. */
    size_t i = (size_t)(ex->tkey / 2);
    if ((ex->tkey & 1) == 0) {
        h->t = P->t ? P->t[i] : NAN;
        h->order = (double)i;
    } else {
        const double *p = tpt(d, i), *q = tpt(d, i + 1);
        double f = len2d(ex->x - p[0], ex->y - p[1]) /
                   len2d(q[0] - p[0], q[1] - p[1]);
        if (f > 1.0)
            f = 1.0;
        h->t = lerp_time(P, i, f);
        h->order = (double)i + f;
    }

    /* Track direction: through a point contact, or leaving a run. */
    const double *prev, *next;
    size_t ie = (size_t)(en->tkey / 2), ix = (size_t)(ex->tkey / 2);
    prev = (en->tkey & 1) ? tpt(d, ie) : tpt(d, ie - 1);
    next = tpt(d, ix + 1);
    double tx, ty;
    if (en == ex) {
        tx = next[0] - prev[0];
        ty = next[1] - prev[1];
    } else {
        tx = next[0] - ex->x;
        ty = next[1] - ex->y;
    }
    /* Line direction: the segment, or the chord across a vertex. */
    double lx, ly;
    if (ex->lkey & 1) {
        lx = lpt(d, g + 1)[0] - lpt(d, g)[0];
        ly = lpt(d, g + 1)[1] - lpt(d, g)[1];
    } else {
        size_t s = L->start[line], e = L->start[line + 1];
        size_t gp = g == s ? e - 2 : g - 1;
        lx = lpt(d, g + 1)[0] - lpt(d, gp)[0];
        ly = lpt(d, g + 1)[1] - lpt(d, gp)[1];
    }
    h->angle = acute_angle(tx, ty, lx, ly);
}

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static int cmp_hit(const void *pa, const void *pb)
{
    const crossings_hit *a = pa, *b = pb;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

SMALL_SORT(sort_hits, crossings_hit, cmp_hit)

static int resolve_runs(crossings_detector *d, size_t hits_before)
{
    size_t n = d->n_nodes;
    if (n == 0)
        return RM_OK;
    if (n > d->cap_uf) {
        /* The four arrays share one capacity; it is raised only when all
         * four have it. */
        size_t cap = d->cap_uf;
        if (grow((void **)&d->canon, &cap, n, sizeof *d->canon))
            return RM_ENOMEM;
        uint32_t *p = realloc(d->parent, cap * sizeof *p);
        if (!p)
            return RM_ENOMEM;
        d->parent = p;
        p = realloc(d->first, cap * sizeof *p);
        if (!p)
            return RM_ENOMEM;
        d->first = p;
        p = realloc(d->last, cap * sizeof *p);
        if (!p)
            return RM_ENOMEM;
        d->last = p;
        d->cap_uf = cap;
    }

    /* One representative per distinct (track place, line place). */
    sort_nodes(d->nodes, n);
    for (size_t k = 0; k < n; k++) {
        size_t rep = k;
        if (k > 0 && d->nodes[k - 1].tkey == d->nodes[k].tkey &&
            d->nodes[k - 1].lkey == d->nodes[k].lkey)
            rep = d->canon[d->nodes[k - 1].raw];
        d->canon[d->nodes[k].raw] = (uint32_t)rep;
        d->parent[k] = (uint32_t)k;
        d->first[k] = d->last[k] = UINT32_MAX;
    }
    for (size_t k = 0; k < d->n_edges; k++) {
        uint32_t a = uf_find(d->parent, d->canon[d->edges[k].a]);
        uint32_t b = uf_find(d->parent, d->canon[d->edges[k].b]);
        if (a != b)
            d->parent[a < b ? b : a] = a < b ? a : b;
    }
    for (size_t k = 0; k < n; k++) {
        if (d->canon[d->nodes[k].raw] != k)
            continue; /* a repeat of the node before it */
        uint32_t r = uf_find(d->parent, (uint32_t)k);
        const node *nk = &d->nodes[k];
        if (d->first[r] == UINT32_MAX ||
            track_before(d, nk, &d->nodes[d->first[r]]))
            d->first[r] = (uint32_t)k;
        if (d->last[r] == UINT32_MAX ||
            track_before(d, &d->nodes[d->last[r]], nk))
            d->last[r] = (uint32_t)k;
    }
    size_t last_vertex = d->P->n - 1;
    for (size_t k = 0; k < n; k++) {
        if (d->canon[d->nodes[k].raw] != k || d->parent[k] != k)
            continue;
        const node *en = &d->nodes[d->first[k]];
        const node *ex = &d->nodes[d->last[k]];
        if (en->tkey == 0 || ex->tkey == 2 * (int64_t)last_vertex)
            continue; /* starts or ends on the line */
        size_t ie = (size_t)(en->tkey / 2), ix = (size_t)(ex->tkey / 2);
        const double *prev = (en->tkey & 1) ? tpt(d, ie) : tpt(d, ie - 1);
        const double *next = tpt(d, ix + 1);
        int entry = line_side(d, en->lkey, prev);
        int exit = line_side(d, ex->lkey, next);
        if (entry * exit < 0)
            record(d, en, ex, entry);
    }
    if (d->failed)
        return RM_ENOMEM;
    if (d->n_hits > hits_before)
        sort_hits(d->hits + hits_before, d->n_hits - hits_before);
    return RM_OK;
}

/* ---- public ------------------------------------------------------------- */

int crossings_detector_create(crossings_detector **out,
                              const crossings_lines *lines,
                              const crossings_grid *grid, double approach)
{
    crossings_detector *d = calloc(1, sizeof *d);
    if (!d)
        return RM_ENOMEM;
    d->L = lines;
    d->G = grid;
    d->approach = approach > 0.0 ? approach : 0.0;
    size_t nf = lines->n_features ? lines->n_features : 1;
    d->stamp = calloc(lines->n_verts ? lines->n_verts : 1, sizeof *d->stamp);
    d->near = calloc(nf, sizeof *d->near);
    d->near_epoch = calloc(nf, sizeof *d->near_epoch);
    d->near_list = calloc(nf, sizeof *d->near_list);
    d->epoch = 1;
    d->lbox = malloc((lines->n_verts ? lines->n_verts : 1) * 4 *
                     sizeof *d->lbox);
    if (!d->stamp || !d->near || !d->near_epoch || !d->near_list ||
        !d->lbox) {
        crossings_detector_destroy(d);
        return RM_ENOMEM;
    }
    for (size_t g = 0; g + 1 < lines->n_verts; g++) {
        const double *a = lines->xy + 2 * g, *b = a + 2;
        d->lbox[4 * g] = crossings_min(a[0], b[0]);
        d->lbox[4 * g + 1] = crossings_min(a[1], b[1]);
        d->lbox[4 * g + 2] = crossings_max(a[0], b[0]);
        d->lbox[4 * g + 3] = crossings_max(a[1], b[1]);
    }
    *out = d;
    return RM_OK;
}

void crossings_detector_destroy(crossings_detector *d)
{
    if (!d)
        return;
    free(d->stamp);
    free(d->lbox);
    free(d->cand);
    free(d->pair);
    free(d->nodes);
    free(d->edges);
    free(d->canon);
    free(d->parent);
    free(d->first);
    free(d->last);
    free(d->hits);
    free(d->near);
    free(d->near_epoch);
    free(d->near_list);
    free(d);
}

void crossings_detector_reset(crossings_detector *d)
{
    d->n_hits = 0;
    d->n_near = 0;
    if (++d->epoch == 0) {
        memset(d->near_epoch, 0,
               (d->L->n_features ? d->L->n_features : 1) *
                   sizeof *d->near_epoch);
        d->epoch = 1;
    }
}

/*
 * Without approaches: every segment of the piece from i0 on whose ends
 * lie within one cell of each other is listed when its 2 x 2 block holds
 * a line segment, a longer one always (branch-free: near a line about
 * half of them are listed, an unpredictable branch); then each listed
 * short segment meets the line segments of its block whose boxes overlap
 * its own, a longer one is followed cell by cell.
 */
static int detect_blocks(crossings_detector *d, const crossings_piece *p,
                         size_t i0)
{
    const crossings_grid *G = d->G;
    const double *xy = p->xy;
    const uint32_t *bs = G->bstart;
    const uint8_t *occ = G->occ;
    if (grow((void **)&d->cand, &d->cap_cand, 2 * p->n, sizeof *d->cand))
        return RM_ENOMEM;
    size_t m = 0, *cand = d->cand;
    ptrdiff_t ow = (ptrdiff_t)G->w + 2;
    int pcx, pcy;
    crossings_grid_cells(G, xy + 2 * i0, &pcx, &pcy);
    ptrdiff_t prow = (pcy + 1) * ow + 1; /* + cx: index of (cx, pcy) */
    for (size_t i = i0; i + 1 < p->n; i++) {
        int cx, cy;
        crossings_grid_cells(G, xy + 2 * i + 2, &cx, &cy);
        ptrdiff_t row = (cy + 1) * ow + 1;
        int far = ((unsigned)(cx - pcx + 1) > 2u) |
                  ((unsigned)(cy - pcy + 1) > 2u);
        /* The corners of the segment's cells are all its cells. */
        int near = occ[prow + pcx] | occ[row + cx] | occ[prow + cx] |
                   occ[row + pcx];
        cand[2 * m] = i;
        cand[2 * m + 1] =
            far ? SIZE_MAX
                : (size_t)((prow < row ? prow : row) + (pcx < cx ? pcx : cx));
        m += (size_t)(far | near);
        pcx = cx;
        pcy = cy;
        prow = row;
    }
    for (size_t j = 0; j < m; j++) {
        size_t i = cand[2 * j], b = cand[2 * j + 1];
        if (b == SIZE_MAX) {
            visit_segment(d, i);
            continue;
        }
        const double *a = xy + 2 * i;
        uint32_t k0 = bs[b], k1 = bs[b + 1];
        if (grow((void **)&d->pair, &d->cap_pair, k1 - k0, sizeof *d->pair))
            return RM_ENOMEM;
        double tx0 = crossings_min(a[0], a[2]);
        double tx1 = crossings_max(a[0], a[2]);
        double ty0 = crossings_min(a[1], a[3]);
        double ty1 = crossings_max(a[1], a[3]);
        size_t np = 0;
        for (uint32_t k = k0; k < k1; k++) {
            uint32_t g = G->bitems[k];
            const double *lb = d->lbox + 4 * (size_t)g;
            d->pair[np] = g;
            np += (size_t)((lb[0] <= tx1) & (tx0 <= lb[2]) & (lb[1] <= ty1) &
                           (ty0 <= lb[3]));
        }
        for (size_t k = 0; k < np; k++)
            contact_exact(d, i, d->pair[k]);
    }
    return d->failed ? RM_ENOMEM : RM_OK;
}

int crossings_detect_piece(crossings_detector *d, const crossings_piece *p)
{
    if (p->n < 2)
        return RM_OK;
    d->P = p;
    d->n_nodes = 0;
    d->n_edges = 0;
    d->failed = 0;
    size_t hits_before = d->n_hits;
    const crossings_grid *G = d->G;
    const double *xy = p->xy;
    size_t i0 = p->first < p->n ? p->first : 0;
    if (G->bstart) {
        int rc = detect_blocks(d, p, i0);
        return rc != RM_OK ? rc : resolve_runs(d, hits_before);
    }
    crossings_box b;
    int pcx = crossings_grid_cx(G, xy[2 * i0]);
    int pcy = crossings_grid_cy(G, xy[2 * i0 + 1]);
    int known = 1; /* pcx, pcy are the cell of vertex i */
    crossings_grid_safe_box_at(G, xy[2 * i0], xy[2 * i0 + 1], pcx, pcy, &b);
    for (size_t i = i0; i + 1 < p->n; i++) {
        double x = xy[2 * i + 2], y = xy[2 * i + 3];
        if ((x >= b.x0) & (x <= b.x1) & (y >= b.y0) & (y <= b.y1)) {
            known = 0;
            continue; /* the segment stays in a safe box */
        }
        int cx = crossings_grid_cx(G, x), cy = crossings_grid_cy(G, y);
        if (!known) {
            pcx = crossings_grid_cx(G, xy[2 * i]);
            pcy = crossings_grid_cy(G, xy[2 * i + 1]);
        }
        if (G->pad == 0 && cx - pcx <= 1 && pcx - cx <= 1 &&
            cy - pcy <= 1 && pcy - cy <= 1) {
            /* A short segment: its cells are those of its ends' box. */
            if (crossings_grid_occupied(G, pcx, pcy) |
                crossings_grid_occupied(G, cx, cy) |
                crossings_grid_occupied(G, pcx, cy) |
                crossings_grid_occupied(G, cx, pcy)) {
                next_stamp(d);
                visit_box(d, i, pcx < cx ? pcx : cx, pcy < cy ? pcy : cy,
                          pcx < cx ? cx : pcx, pcy < cy ? cy : pcy);
            }
        } else {
            visit_segment(d, i);
        }
        crossings_grid_safe_box_at(G, x, y, cx, cy, &b);
        pcx = cx;
        pcy = cy;
        known = 1;
    }
    if (d->failed)
        return RM_ENOMEM;
    return resolve_runs(d, hits_before);
}

const crossings_hit *crossings_detector_hits(const crossings_detector *d,
                                             size_t *n)
{
    *n = d->n_hits;
    return d->hits;
}

size_t crossings_detector_near(const crossings_detector *d,
                               const size_t **features,
                               const crossings_near **near)
{
    *features = d->near_list;
    *near = d->near;
    return d->n_near;
}
