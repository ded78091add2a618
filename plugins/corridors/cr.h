/*
 * Internal types and functions of the corridors plugin, shared by its
 * algorithm files (one per step: grid and resampling, slope, rasterising,
 * distance transform, friction, accumulated cost, path tracing, corridor
 * zone, polygons, observed density). Everything here is a pure
 * computation on flat row-major arrays, so tests and the benchmark call it
 * directly; nothing here reaches the host.
 */
#ifndef RM_PLUGIN_CORRIDORS_CR_H
#define RM_PLUGIN_CORRIDORS_CR_H

#include <stddef.h>
#include <stdint.h>

/* ---- big arrays (memory.c) ------------------------------------------- */

/*
 * n items of `size` bytes, uninitialised, huge-page backed where the
 * kernel allows (2 MiB aligned from 2 MiB on). NULL when out of memory or
 * n * size overflows. Free with free().
 */
void *cr_alloc_big(size_t n, size_t size);

/* ---- the working grid (grid.c) ----------------------------------------- */

/*
 * A north-up grid of square cells. Cell (r, c), row r counted down from
 * the top, has its centre at x0 + (c + 0.5) res, y0 - (r + 0.5) res and
 * the flat index r * w + c. The GDAL geotransform is
 * {x0, res, 0, y0, 0, -res}.
 */
typedef struct cr_grid {
    int w, h;      /* columns, rows */
    double x0, y0; /* top-left corner, analysis CRS, m */
    double res;    /* cell side, m */
} cr_grid;

/* Most cells a grid may have: memory, not the algorithm, is the limit. */
#define CR_MAX_CELLS ((size_t)200000000)

static inline size_t cr_cells(const cr_grid *g)
{
    return (size_t)g->w * (size_t)g->h;
}

/* The cell holding (x, y), as a flat index, or -1 outside the grid. */
int64_t cr_grid_cell(const cr_grid *g, double x, double y);

/* Centre of flat cell i. */
void cr_grid_centre(const cr_grid *g, size_t i, double *x, double *y);

/* The geotransform of the grid. */
void cr_grid_geotransform(const cr_grid *g, double gt[6]);

/*
 * Does a raster's geotransform describe exactly this kind of grid (north
 * up, square cells, no rotation)? @return 1 and fills `out`, else 0.
 */
int cr_grid_from_raster(cr_grid *out, int w, int h, const double gt[6]);

/*
 * A grid of `res` cells covering `box` (minx, miny, maxx, maxy), snapped
 * to multiples of res. @return 0, or -1 when it would exceed
 * CR_MAX_CELLS or the box is empty or not finite.
 */
int cr_grid_cover(cr_grid *out, const double box[4], double res);

/*
 * Sample a raster (w x h doubles, NaN nodata, any affine geotransform)
 * at every cell centre of `g` by bilinear interpolation of the four
 * nearest raster cell centres; where one of them is NaN the nearest
 * cell's value is used (NaN stays NaN). Outside the raster: NaN.
 * `out` has cr_cells(g) floats.
 */
void cr_resample(const cr_grid *g, const double *src, int w, int h,
                 const double gt[6], float *out);

/* ---- slope (slope.c) --------------------------------------------------- */

enum { CR_SLOPE_LINEAR = 0, CR_SLOPE_TOBLER = 1 };

/*
 * Turn elevations (m, NaN nodata) on grid `g` into slope friction
 * factors in place: the gradient is Horn's (1981) 3x3 estimate, NaN or
 * off-grid neighbours replaced by the centre value, S = |grad z| (rise
 * over run). LINEAR: 1 + k S. TOBLER: exp(3.5 S), the ratio of Tobler's
 * (1993) speed on the flat, 6 exp(-3.5 |0.05 + 0|) ~ 5.04 km/h taken
 * symmetric, to the speed on slope S. NaN elevations stay NaN.
 */
void cr_slope_factor(const cr_grid *g, float *z, int model, double k);

/* ---- rasterising vectors (rasterize.c) --------------------------------- */

/* Callback for each cell a geometry covers; return nonzero to stop. */
typedef int (*cr_cell_fn)(void *ud, size_t cell);

/*
 * Visit every cell the segment (ax, ay)-(bx, by) passes through
 * (supercover: 4-connected, both cells at an exact corner), clipped to
 * the grid. A cell may be visited twice.
 */
int cr_raster_segment(const cr_grid *g, double ax, double ay, double bx,
                      double by, cr_cell_fn fn, void *ud);

/*
 * Visit the cells of polygon rings xy[2 * off[i]] .. (n_rings rings,
 * ring i from off[i] to off[i + 1] coordinates): cells whose centre is
 * inside by the even-odd rule, then the supercover of every ring edge.
 */
int cr_raster_polygon(const cr_grid *g, const double *xy,
                      const int64_t *off, size_t n_rings, cr_cell_fn fn,
                      void *ud);

/* ---- distance transform (distance.c) ----------------------------------- */

/*
 * Exact squared Euclidean distance transform (Felzenszwalb and
 * Huttenlocher 2012): on entry d[i] is 0 at feature cells and INFINITY
 * elsewhere; on return the squared distance, in cells, from each cell
 * centre to the nearest feature cell centre. @return 0, -1 out of memory.
 */
int cr_edt(float *d, int w, int h);

/* ---- accumulated cost (accumulate.c, queue.c) -------------------------- */

/*
 * The neighbour table: moves 1..16 (0 means none); 1-8 are the king's
 * moves, 9-16 the knight's. CR_DR[k], CR_DC[k] are the row and column
 * steps of move k; a knight's move k also passes between the two cells
 * (CR_PASS_DR[k][j], CR_PASS_DC[k][j]), j = 0, 1, relative to its start.
 */
extern const int CR_DR[17], CR_DC[17];
extern const int CR_PASS_DR[17][2], CR_PASS_DC[17][2];

/* Length of move k in cells: 1, sqrt(2) or sqrt(5). */
double cr_move_length(int k);

/*
 * Cost of move k from cell (r, c) on friction `f` (NaN at barriers):
 * mean friction of the cells it touches times its length in metres, NaN
 * when blocked. Does not check the grid bounds of the end cell.
 */
double cr_step_cost(const cr_grid *g, const float *f, int r, int c, int k);

enum { CR_QUEUE_AUTO = 0, CR_QUEUE_RADIX = 1, CR_QUEUE_BINARY = 2,
       CR_QUEUE_BUCKET = 3 };

typedef struct cr_item {
    uint64_t key; /* bits of a non-negative double */
    uint32_t cell;
    uint8_t move; /* the move that gave the cell this key, 0 at sources */
} cr_item;

/*
 * A monotone priority queue of cells keyed by non-negative doubles.
 * RADIX: a radix heap (Ahuja et al. 1990) on the IEEE bits, whose order is
 * the numeric order for non-negative doubles. BINARY: a binary heap.
 * BUCKET: a circular array of buckets of width `width` (Dial 1969 with
 * buckets as wide as the least edge, Dinitz 1978): items of the lowest
 * bucket leave last in, first out, not in key order, which keeps
 * Dijkstra exact as long as no edge is shorter than `width`, because no
 * item of a bucket can then improve another of the same bucket. Keys
 * pushed must not be below the last key popped (for BUCKET: at least
 * `width` above it).
 */
typedef struct cr_bucket {
    cr_item *items;
    size_t n, cap; /* items held, room */
} cr_bucket;

typedef struct cr_queue {
    int kind;
    size_t size;
    uint64_t last;
    size_t nb;         /* buckets (BUCKET: a power of two) */
    cr_bucket *b;
    double inv_width;  /* BUCKET: 1 / width */
    uint64_t cur;      /* BUCKET: absolute index of the lowest bucket */
    size_t peak;       /* largest size seen */
} cr_queue;

/* `width` and `span` (the largest key step, for the number of buckets)
 * only matter for BUCKET. @return 0, -1 out of memory. */
int cr_queue_init(cr_queue *q, int kind, double width, double span);
void cr_queue_free(cr_queue *q);

/* @return 0, -1 out of memory. */
int cr_queue_push(cr_queue *q, double key, uint32_t cell, uint8_t move);
/* @return 1 with the least item, 0 when empty, -1 out of memory. */
int cr_queue_pop(cr_queue *q, double *key, uint32_t *cell, uint8_t *move);
/* Room for at least one more item in bucket b. @return 0, -1 out of
 * memory. The cost search pushes onto the bucket queue itself. */
int cr_bucket_grow(cr_bucket *b);

/* Called every 2^20 settled cells; nonzero stops the search. */
typedef int (*cr_tick_fn)(void *ud, size_t settled);

typedef struct cr_accum_stats {
    size_t settled;    /* cells settled */
    size_t pushes;     /* queue insertions */
    size_t queue_peak; /* most items queued at once */
} cr_accum_stats;

/*
 * Accumulated cost from the `n_src` source cells over friction `f`
 * (cr_cells(g) floats; NaN marks barriers) with 8 or 16 neighbours:
 * Dijkstra's label-setting search with lazy deletion. `queue` AUTO takes
 * BUCKET when the friction's range keeps the bucket array small (at most
 * 2^16 buckets), else RADIX. On return cost[i]
 * is the least cost (friction x m) of reaching cell i, INFINITY when
 * unreachable, and dir[i] the move (1..16) that last reached it, 0 at
 * sources and unreached cells. A source on a barrier gets cost 0 but
 * spreads nowhere.
 * @return 0, -1 out of memory, -2 stopped by `tick`.
 */
int cr_accumulate(const cr_grid *g, const float *f, int neighbours,
                  const uint32_t *src, size_t n_src, int queue,
                  double *cost, uint8_t *dir, cr_tick_fn tick, void *ud,
                  cr_accum_stats *stats);

/*
 * cr_accumulate, stopped once every cell with a least cost up to `stop`
 * is settled: those cells get their exact cost and move as above, every
 * other cell INFINITY or a cost above `stop` (an upper bound), and a move
 * that is 0 or leads from a cell above `stop`. The corridor zone needs no
 * more from the surface from the destinations.
 */
int cr_accumulate_below(const cr_grid *g, const float *f, int neighbours,
                        const uint32_t *src, size_t n_src, int queue,
                        double stop, double *cost, uint8_t *dir,
                        cr_tick_fn tick, void *ud, cr_accum_stats *stats);

/* ---- paths (trace.c) ---------------------------------------------------- */

/*
 * Follow `dir` back from cell `end` to a source. @return the number of
 * cells on the path (end included, written source first into `out` when
 * it is not NULL and has room for `cap`), or -1 when the walk finds an
 * unreached cell or loops longer than the grid.
 */
int64_t cr_trace(const cr_grid *g, const uint8_t *dir, uint32_t end,
                 uint32_t *out, size_t cap);

/* Sum of the step costs along cells p[0..n-1] (consecutive moves). */
double cr_path_cost(const cr_grid *g, const float *f, const uint32_t *p,
                    size_t n);

/* Length of the path in metres. */
double cr_path_length(const cr_grid *g, const uint32_t *p, size_t n);

/* ---- polygons from a cell mask (polygonize.c) -------------------------- */

typedef struct cr_rings {
    double *xy;   /* coordinates, m */
    int64_t *off; /* n + 1 ring offsets into xy (in points) */
    uint8_t *outer;
    int *poly;    /* polygon number of each ring: outer rings start one */
    uint32_t *comp; /* 4-connected component of each ring, 1, 2, ... in
                       raster order of the components' first cells */
    size_t n;     /* rings */
    size_t n_poly;
} cr_rings;

/*
 * The outlines of the cells where mask[i] == value, as polygons of
 * 4-connected cells: closed rings along cell edges, outer rings counter-
 * clockwise and holes clockwise, each polygon's outer ring followed by
 * its holes, collinear vertices dropped. Diagonally touching cells become
 * separate polygons that share a corner.
 * @return 0, -1 out of memory. Free with cr_rings_free.
 */
int cr_polygonize(const cr_grid *g, const uint8_t *mask, uint8_t value,
                  cr_rings *out);
void cr_rings_free(cr_rings *r);

/* ---- connected components (polygonize.c) ------------------------------- */

/*
 * Label the 4-connected components of cells with mask[i] != 0 as 1, 2,
 * ... in raster order into `label` (0 elsewhere). @return the number of
 * components, or -1 out of memory.
 */
int64_t cr_components(const cr_grid *g, const uint8_t *mask,
                      uint32_t *label);

#endif
