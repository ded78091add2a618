/*
 * Shared types of the crossings plugin: the prepared lines (parts merged
 * and indexed by a uniform grid), the assembled tracks, and the per-track
 * detector. Everything here is built once per run from the host's layers
 * and freed before `run` returns; nothing outlives a run.
 */
#ifndef CROSSINGS_INTERNAL_H
#define CROSSINGS_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "routemap/plugin.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Inline for the hot paths even where the compiler would not. */
#if defined(__GNUC__)
#define CROSSINGS_HOT static inline __attribute__((always_inline))
#else
#define CROSSINGS_HOT static inline
#endif

/* Minimum and maximum of finite values (fmin/fmax are library calls). */
static inline double crossings_min(double a, double b)
{
    return a < b ? a : b;
}

static inline double crossings_max(double a, double b)
{
    return a > b ? a : b;
}

/* ---- exact predicate (orient.c) ---------------------------------------- */

/**
 * Orientation of c relative to the directed line a->b: positive when c is
 * to the left (a, b, c counterclockwise), negative to the right, zero when
 * the three points are exactly collinear. The sign is exact for any finite
 * doubles without overflow or underflow (Shewchuk 1997); the magnitude is
 * only an approximation of twice the signed triangle area.
 */
double crossings_orient2d(const double *a, const double *b, const double *c);

/** The exact sign (-1, 0, +1) of crossings_orient2d. */
int crossings_orient_sign(const double *a, const double *b, const double *c);

/** The exact stage alone: the determinant as an expansion, its largest
 * component returned (same sign as the true value). */
double crossings_orient2d_exact(const double *a, const double *b,
                                const double *c);

/* Shewchuk's ccwerrboundA = (3 + 16 eps) eps with eps = 2^-53. */
#define CROSSINGS_CCW_ERRBOUND_A                                             \
    ((3.0 + 16.0 * 1.1102230246251565e-16) * 1.1102230246251565e-16)

/* The filter of crossings_orient2d, inline for the hot paths; it falls
 * back to the exact stage when the rounded value could have the wrong
 * sign. The first test settles almost every call with one predictable
 * branch (the signs of the two products are not): it passes exactly when
 * Shewchuk's own tests below would return det, since his detsum is
 * |detleft| + |detright| when both have one sign and his other early
 * returns need no bound. */
static inline double crossings_orient2d_inline(const double *a,
                                               const double *b,
                                               const double *c)
{
    double detleft = (a[0] - c[0]) * (b[1] - c[1]);
    double detright = (a[1] - c[1]) * (b[0] - c[0]);
    double det = detleft - detright, detsum;
    if (fabs(det) >= CROSSINGS_CCW_ERRBOUND_A *
                         (fabs(detleft) + fabs(detright)))
        return det;
    if (detleft > 0.0) {
        if (detright <= 0.0)
            return det;
        detsum = detleft + detright;
    } else if (detleft < 0.0) {
        if (detright >= 0.0)
            return det;
        detsum = -detleft - detright;
    } else {
        return det;
    }
    double errbound = CROSSINGS_CCW_ERRBOUND_A * detsum;
    if (det >= errbound || -det >= errbound)
        return det;
    return crossings_orient2d_exact(a, b, c);
}

static inline int crossings_orient_sign_inline(const double *a,
                                               const double *b,
                                               const double *c)
{
    double d = crossings_orient2d_inline(a, b, c);
    return (d > 0.0) - (d < 0.0);
}

/** The plain floating-point determinant (for tests and the benchmark). */
double crossings_orient2d_naive(const double *a, const double *b,
                                const double *c);

/* ---- lines (lines.c) ---------------------------------------------------- */

/*
 * The lines, one per merged part, in one vertex array. Line l owns
 * vertices start[l] .. start[l+1]-1; segment g joins vertex g and g+1 and
 * exists when both belong to the same line. A closed line repeats its
 * first vertex at the end. Consecutive duplicate vertices are removed.
 */
typedef struct crossings_lines {
    size_t n_lines;
    size_t n_verts;
    double *xy;        /* 2 * n_verts, analysis CRS (m) */
    double *cum;       /* chainage of each vertex from its line's start (m) */
    uint32_t *vline;   /* line of each vertex */
    size_t *start;     /* n_lines + 1 vertex offsets */
    uint8_t *closed;   /* per line: 1 for a ring */
    int8_t *flip;      /* per line: -1 for a clockwise ring, else +1 */
    size_t *feature;   /* per line: row of its feature in the layer */
    int *part;         /* per line: 0-based index among its feature's lines */
    double *offset;    /* per line: feature chainage of its start (m) */
    double *length;    /* per line: length (m) */
    size_t n_features; /* rows of the lines layer */
    size_t n_dropped;  /* parts without two distinct vertices */
} crossings_lines;

/** Build from a line or polygon layer. @return RM_OK or RM_ENOMEM. */
int crossings_lines_build(crossings_lines *out, const rm_host_api *api,
                          const rm_layer *layer);
void crossings_lines_free(crossings_lines *lines);

/** Canonical vertex index: a ring's closing vertex is its first vertex. */
size_t crossings_lines_canon(const crossings_lines *lines, size_t g);

/* ---- grid index (grid.c) ------------------------------------------------ */

/*
 * A uniform grid over the line segments. Cells are `cell` metres square;
 * cell (cx, cy) covers x0 + cx*cell .. x0 + (cx+1)*cell. Cell coordinates
 * come from one monotone formula (crossings_grid_cx/cy), so two boxes that
 * overlap always share a cell. At least pad + 2 empty cells border the
 * grid, so everything outside it is far from every line.
 */
typedef struct crossings_grid {
    double x0, y0, cell, inv; /* origin (m), cell size (m), 1 / cell */
    int w, h;
    uint32_t *cstart; /* w*h + 1 offsets into items */
    uint32_t *items;  /* segment (start vertex) ids */
    uint32_t *sat;    /* (w+1)*(h+1) summed-area table of segment counts */
    uint8_t *dist;    /* w*h: Chebyshev distance (cells) to the nearest
                         cell holding a segment, at most 255 */
    /* Without approaches (pad 0), on cells -1 .. w and -1 .. h (a border
     * of empty cells around the grid), both indexed (y+1)*(w+2) + x+1:
     * occ says whether a cell holds a segment, and the block of cell
     * (x, y) lists once each segment of the 2 x 2 cells x .. x+1,
     * y .. y+1, so a short track segment finds its candidates in one
     * list. NULL when pad > 0. */
    uint8_t *occ;     /* (w+2)*(h+2) */
    uint32_t *bstart; /* (w+2)*(h+2) + 1 offsets into bitems */
    uint32_t *bitems; /* segment (start vertex) ids */
    int pad;          /* extra cells searched around a box (approaches) */
    double eps;       /* m: safe boxes keep this far inside their cells */
} crossings_grid;

/* An axis-aligned box (m). */
typedef struct crossings_box {
    double x0, y0, x1, y1;
} crossings_box;

/**
 * Index the segments of `lines`. `track_step` (m, or 0 when unknown) is a
 * typical track segment length; `approach` (m) widens searches.
 */
int crossings_grid_build(crossings_grid *out, const crossings_lines *lines,
                         double track_step, double approach);
void crossings_grid_free(crossings_grid *grid);

/* floor(f) clamped to -1 .. top; NaN gives -1. Branch-free: after the
 * clamps f + 1 >= 0, where truncation is floor. */
static inline int crossings_cell_of(double f, double top)
{
    f = f >= -1.0 ? f : -1.0;
    f = f <= top ? f : top;
    return (int)(f + 1.0) - 1;
}

/** Cell column of x, clamped to -1 .. w (monotone in x; NaN gives -1). */
static inline int crossings_grid_cx(const crossings_grid *g, double x)
{
    return crossings_cell_of((x - g->x0) * g->inv, (double)g->w);
}

static inline int crossings_grid_cy(const crossings_grid *g, double y)
{
    return crossings_cell_of((y - g->y0) * g->inv, (double)g->h);
}

static inline int crossings_box_has(const crossings_box *b, double x,
                                    double y)
{
    return x >= b->x0 && x <= b->x1 && y >= b->y0 && y <= b->y1;
}

/*
 * The first vertex k of xy[from..n) (n vertices) outside box b, or n when
 * all are inside; a NaN coordinate is outside. The hot loop of the pass:
 * with SSE2, blocks of four vertices are tested with one branch (a vertex
 * is one register, compared with both corners of the box at once).
 */
CROSSINGS_HOT size_t crossings_box_leave(const crossings_box *b,
                                         const double *xy, size_t from,
                                         size_t n)
{
    size_t k = from;
#if defined(__SSE2__)
    const __m128d lo = _mm_set_pd(b->y0, b->x0);
    const __m128d hi = _mm_set_pd(b->y1, b->x1);
    for (; k + 4 <= n; k += 4) {
        const double *p = xy + 2 * k;
        __m128d v0 = _mm_loadu_pd(p), v1 = _mm_loadu_pd(p + 2);
        __m128d v2 = _mm_loadu_pd(p + 4), v3 = _mm_loadu_pd(p + 6);
        __m128d in0 = _mm_and_pd(_mm_cmpge_pd(v0, lo), _mm_cmple_pd(v0, hi));
        __m128d in1 = _mm_and_pd(_mm_cmpge_pd(v1, lo), _mm_cmple_pd(v1, hi));
        __m128d in2 = _mm_and_pd(_mm_cmpge_pd(v2, lo), _mm_cmple_pd(v2, hi));
        __m128d in3 = _mm_and_pd(_mm_cmpge_pd(v3, lo), _mm_cmple_pd(v3, hi));
        __m128d in = _mm_and_pd(_mm_and_pd(in0, in1), _mm_and_pd(in2, in3));
        if (_mm_movemask_pd(in) != 3)
            break;
    }
#endif
    for (; k < n; k++) {
        double x = xy[2 * k], y = xy[2 * k + 1];
        if (!((x >= b->x0) & (x <= b->x1) & (y >= b->y0) & (y <= b->y1)))
            break;
    }
    return k;
}

/**
 * A safe box around the point (x, y): a track segment with both ends in
 * it touches no line and comes within the approach distance of none.
 * @return 1 and the box, or 0 when the point is too near a line.
 */
int crossings_grid_safe(const crossings_grid *g, double x, double y,
                        crossings_box *out);

/* The safe box of (x, y), in cell (cx, cy), as crossings_grid_safe gives
 * it, or an empty box (x0 > x1) when there is none. Inline: the fast
 * paths call it often. */
CROSSINGS_HOT void crossings_grid_safe_box_at(const crossings_grid *g,
                                             double x, double y, int cx,
                                             int cy, crossings_box *b)
{
    if (cx < 0 || cy < 0 || cx >= g->w || cy >= g->h) {
        /* Outside the grid (NaN lands here too, and fails the last
         * test): the whole side beyond the grid's edge is safe. */
        b->x0 = b->y0 = -INFINITY;
        b->x1 = b->y1 = INFINITY;
        if (cx < 0)
            b->x1 = g->x0 - g->eps;
        else if (cx >= g->w)
            b->x0 = g->x0 + g->w * g->cell + g->eps;
        else if (cy < 0)
            b->y1 = g->y0 - g->eps;
        else
            b->y0 = g->y0 + g->h * g->cell + g->eps;
    } else {
        int r = g->dist[(size_t)cy * (size_t)g->w + (size_t)cx] - 1 - g->pad;
        if (r < 0)
            goto none;
        b->x0 = g->x0 + (cx - r) * g->cell + g->eps;
        b->x1 = g->x0 + (cx + r + 1) * g->cell - g->eps;
        b->y0 = g->y0 + (cy - r) * g->cell + g->eps;
        b->y1 = g->y0 + (cy + r + 1) * g->cell - g->eps;
    }
    /* The point itself must be inside, so that a segment from it to a
     * point in the box stays in the box. */
    if (crossings_box_has(b, x, y))
        return;
none:
    b->x0 = b->y0 = INFINITY;
    b->x1 = b->y1 = -INFINITY;
}

CROSSINGS_HOT void crossings_grid_safe_box(const crossings_grid *g,
                                          double x, double y,
                                          crossings_box *b)
{
    crossings_grid_safe_box_at(g, x, y, crossings_grid_cx(g, x),
                               crossings_grid_cy(g, y), b);
}

/* The cells of vertex v, as crossings_grid_cx and crossings_grid_cy give
 * them: with SSE2 both at once (maxpd and minpd clamp a NaN and order
 * equal values as those functions do). */
static inline void crossings_grid_cells(const crossings_grid *g,
                                        const double *v, int *cx, int *cy)
{
#if defined(__SSE2__)
    __m128d f = _mm_mul_pd(
        _mm_sub_pd(_mm_loadu_pd(v), _mm_set_pd(g->y0, g->x0)),
        _mm_set1_pd(g->inv));
    f = _mm_max_pd(f, _mm_set1_pd(-1.0));
    f = _mm_min_pd(f, _mm_set_pd((double)g->h, (double)g->w));
    __m128i c = _mm_cvttpd_epi32(_mm_add_pd(f, _mm_set1_pd(1.0)));
    *cx = _mm_cvtsi128_si32(c) - 1;
    *cy = _mm_cvtsi128_si32(_mm_shuffle_epi32(c, 1)) - 1;
#else
    *cx = crossings_grid_cx(g, v[0]);
    *cy = crossings_grid_cy(g, v[1]);
#endif
}

/* Index of cell (cx, cy), -1 .. w and -1 .. h, in occ and bstart. */
static inline size_t crossings_grid_bcell(const crossings_grid *g, int cx,
                                          int cy)
{
    return (size_t)(cy + 1) * ((size_t)g->w + 2) + (size_t)(cx + 1);
}

/* Does cell (cx, cy) hold a line segment? (False outside the grid.) */
static inline int crossings_grid_occupied(const crossings_grid *g, int cx,
                                          int cy)
{
    return (unsigned)cx < (unsigned)g->w && (unsigned)cy < (unsigned)g->h &&
           g->dist[(size_t)cy * (size_t)g->w + (size_t)cx] == 0;
}

/** Nonzero when segment p-q may touch (or come within the approach
 * distance of) a line segment; zero is a proof that it does not. */
int crossings_grid_segment_may_touch(const crossings_grid *g,
                                     const double *p, const double *q);

/** Number of segments in cells cx0..cx1 x cy0..cy1 (clamped). */
uint32_t crossings_grid_box_count(const crossings_grid *g, int cx0, int cy0,
                                  int cx1, int cy1);

/**
 * The first segment of the run xy[0..n) (n vertices) that may touch, or
 * come within the approach distance of, a line: 1 + its index, or 0 when
 * none does (a proof). This is the fast path that rejects most tracks.
 */
size_t crossings_grid_run_may_touch(const crossings_grid *g,
                                    const double *xy, size_t n);

/* ---- tracks (tracks.c) -------------------------------------------------- */

/* One run of raw vertices of a track: a line part, or a point track. */
typedef struct crossings_run {
    const double *xy; /* 2 * n */
    const double *t;  /* n times (s since epoch, NaN unknown), or NULL */
    size_t n;
} crossings_run;

/*
 * The input tracks: track r owns runs roff[r] .. roff[r+1]-1, run k the
 * vertices voff[k] .. voff[k+1]-1 of xy (and t). For a line layer all of
 * these are the layer's own arrays (feature and part offsets, coordinates,
 * vertex times), so nothing is built per track; point tracks are
 * assembled into owned arrays.
 */
typedef struct crossings_tracks {
    size_t n_tracks;
    size_t n_runs;
    const int64_t *roff; /* n_tracks + 1 */
    const int64_t *voff; /* n_runs + 1 */
    const double *xy;    /* 2 per vertex, analysis CRS (m) */
    const double *t;     /* per vertex: s since epoch, NaN unknown; or NULL */
    /* Identity of each track: the id value as text or integer. */
    int id_is_text;        /* 1: ids[] text; 0: ints */
    char **id_text;        /* n_tracks (owned) when id_is_text */
    const int64_t *id_int; /* n_tracks when !id_is_text */
    int64_t *own_ids;      /* id_int when it is not the layer's fids */
    int64_t *own_off;      /* point tracks: roff and voff */
    double *own_xy;        /* point tracks: xy and t */
    double *own_t;
    int from_points;    /* 1: assembled from a point layer */
    int have_times;     /* 1: some vertex has a known time */
    size_t n_skipped;   /* points skipped (no id or no time) */
} crossings_tracks;

/* Run k of the tracks. */
static inline crossings_run crossings_tracks_run(const crossings_tracks *T,
                                                 size_t k)
{
    crossings_run run;
    run.xy = T->xy + 2 * T->voff[k];
    run.t = T->t ? T->t + T->voff[k] : NULL;
    run.n = (size_t)(T->voff[k + 1] - T->voff[k]);
    return run;
}

/**
 * Read the tracks layer. Points are grouped by the field `track_field`
 * (NULL: the id role) and ordered by the field `time_field` (NULL: the
 * time role). On error the message went to api->fail and the code is
 * returned.
 */
int crossings_tracks_build(crossings_tracks *out, const rm_host_api *api,
                           rm_step *step, const rm_layer *layer,
                           const char *track_field, const char *time_field);
void crossings_tracks_free(crossings_tracks *tracks);

/** Parse an ISO 8601 date-time ("2026-07-01T12:30:00Z"); NaN if not. */
double crossings_parse_time(const char *s);

/*
 * A piece of a track: consecutive vertices that the gap rules join,
 * without NaN coordinates or repeated vertices.
 */
typedef struct crossings_piece {
    double *xy;   /* 2 * n */
    double *t;    /* n, NaN where unknown; NULL: all unknown */
    size_t n;
    size_t cap;
    size_t first; /* segments before this one touch no line (proved) */
} crossings_piece;

/*
 * Split a run into pieces at gaps: consecutive vertices further apart
 * than gap_s seconds (when both times are known) or gap_m metres (points
 * always; lines only when both times are known) start a new piece. A gap
 * of 0 disables that rule. A repeated vertex is dropped (the piece keeps
 * the first one's time) but its time counts for the time gap to the next
 * vertex: waiting on one spot is not a gap. NaN coordinates split too.
 * `cb` is called with each piece of >= 2 vertices; a nonzero return stops
 * the split and is returned. `first`: segments of the run before this one
 * were proved to touch no line (used when the run is one piece as it is).
 */
typedef int (*crossings_piece_fn)(void *ud, const crossings_piece *piece);
int crossings_split_run(const crossings_run *run, int from_points,
                        double gap_s, double gap_m, size_t first,
                        crossings_piece *buf, crossings_piece_fn cb,
                        void *ud);

/* ---- detection (detect.c) ----------------------------------------------- */

/* One crossing of a track piece over a line. */
typedef struct crossings_hit {
    size_t line;     /* index into crossings_lines */
    double x, y;     /* where the track leaves the line (m) */
    double chain_m;  /* feature chainage (m) */
    double part_m;   /* chainage from the line's own start (m) */
    double angle;    /* degrees, 0..90 */
    double t;        /* seconds since epoch, NaN when unknown */
    double order;    /* position along the piece (segment + fraction) */
    int from_a;      /* 1: from the first side name to the second */
} crossings_hit;

/* The closest approach of a piece to a line feature. */
typedef struct crossings_near {
    double d;       /* m */
    double x, y;    /* point on the track */
    double chain_m; /* feature chainage of the closest line point (m) */
    double t;       /* s, NaN unknown */
} crossings_near;

typedef struct crossings_detector crossings_detector;

int crossings_detector_create(crossings_detector **out,
                              const crossings_lines *lines,
                              const crossings_grid *grid, double approach);
void crossings_detector_destroy(crossings_detector *d);

/**
 * Find the crossings of one piece. Hits are appended to the detector's
 * list (crossings_detector_hits). With approach > 0, closest approaches
 * per line feature are kept too (crossings_detector_near).
 * @return RM_OK or RM_ENOMEM.
 */
int crossings_detect_piece(crossings_detector *d, const crossings_piece *p);

/** Forget hits and approaches (before the next track). */
void crossings_detector_reset(crossings_detector *d);

const crossings_hit *crossings_detector_hits(const crossings_detector *d,
                                             size_t *n);

/**
 * Line features approached (within the approach distance) by the pieces
 * since the last reset: their feature rows and closest approaches.
 */
size_t crossings_detector_near(const crossings_detector *d,
                               const size_t **features,
                               const crossings_near **near);

/* ---- the pass over all tracks (scan.c) --------------------------------- */

/* Receives track r's crossings (in track order) and the line features it
 * came near (features[k], near[k]); RM_OK to go on. */
typedef int (*crossings_emit_fn)(void *ud, size_t r,
                                 const crossings_hit *hits, size_t n_hits,
                                 const size_t *features,
                                 const crossings_near *near, size_t n_near);

/* Progress (0..1); nonzero stops the pass (cancelled). */
typedef int (*crossings_tick_fn)(void *ud, double fraction);

typedef struct crossings_pass_stats {
    int threads;        /* threads that worked */
    size_t examined;    /* tracks that came near a line */
    size_t chunks;      /* chunks of tracks */
    size_t main_chunks; /* of which the calling thread did */
} crossings_pass_stats;

/**
 * Test every track against the grid, detect the crossings of those that
 * come near a line (on `threads` threads, 0: one per core the process may
 * use; at most 4, and fewer for small inputs), and call `emit` for every
 * track in order, and `tick` now and then, from the calling thread only.
 * @return RM_OK, RM_ENOMEM, RM_ECANCELLED or what emit returned.
 */
int crossings_pass_run(const crossings_lines *lines,
                       const crossings_grid *grid,
                       const crossings_tracks *tracks, double gap_s,
                       double gap_m, double approach, int threads,
                       crossings_emit_fn emit, crossings_tick_fn tick,
                       void *ud, crossings_pass_stats *stats);

#endif
