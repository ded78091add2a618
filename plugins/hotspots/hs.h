/*
 * Internal types and functions of the hotspots plugin, shared by its
 * algorithm files (one file per step: lattice, Gi*, FDR, Moran's I, NNI,
 * KDE, Mann-Kendall, emerging hot spots, zone band, automatic choices).
 * Nothing here reaches the host: these functions are pure computations on
 * arrays, so tests and the benchmark can call them directly.
 */
#ifndef RM_PLUGIN_HOTSPOTS_HS_H
#define RM_PLUGIN_HOTSPOTS_HS_H

#include <stddef.h>
#include <stdint.h>

/* ---- lattice (lattice.c) ------------------------------------------------ */

/*
 * A hexagonal or square lattice fully given by its parameters, and a dense
 * array over a padded range of its axial indices. Cell (q, r) has its
 * centre at origin + q*eq + r*er: pointy hexagons eq = (s, 0),
 * er = (s/2, s*sqrt(3)/2); flat hexagons eq = (s*sqrt(3)/2, s/2),
 * er = (0, s); squares eq = (s, 0), er = (0, s). The squared distance
 * between centres with axial offset (dq, dr) is s^2 (dq^2 + dq dr + dr^2)
 * for hexagons and s^2 (dq^2 + dr^2) for squares: exact integers times s^2.
 */
typedef struct hs_lattice {
    int hex;          /* 1 hexagons, 0 squares */
    int pointy;       /* hexagons: 1 pointy-top, 0 flat-top */
    double s;         /* distance between adjacent centres, m */
    double ox, oy;    /* centre of cell (0, 0), analysis CRS, m */
    int64_t q0, r0;   /* axial index of dense element 0 */
    int64_t w, h;     /* dense array columns (q) and rows (r) */
    int pad;          /* padding of the range on every side, in cells */
} hs_lattice;

/* The lattice's norm of an axial offset: squared distance / s^2. */
static inline int64_t hs_norm(const hs_lattice *L, int64_t dq, int64_t dr)
{
    return L->hex ? dq * dq + dq * dr + dr * dr : dq * dq + dr * dr;
}

/* The cell holding point (x, y): nearest centre (cube rounding for hexes). */
void hs_lattice_cell(const hs_lattice *L, double x, double y, int64_t *q,
                     int64_t *r);

/* Centre of cell (q, r). */
void hs_lattice_centre(const hs_lattice *L, int64_t q, int64_t r, double *x,
                       double *y);

/*
 * The cell outline as a closed ring: 7 points for hexagons, 5 for squares,
 * counter-clockwise. `xy` has room for 14 doubles. @return points written.
 */
int hs_lattice_ring(const hs_lattice *L, int64_t q, int64_t r, double *xy);

/* Area of one cell, m^2. */
double hs_lattice_cell_area(const hs_lattice *L);

/*
 * Set the dense range to cover every cell whose centre may fall in `box`
 * (minx, miny, maxx, maxy), padded by `pad` cells on every side.
 * @return 0, or -1 when the range would exceed `max_cells` elements.
 */
int hs_lattice_set_range(hs_lattice *L, const double box[4], int pad,
                         int64_t max_cells);

/* Dense index of (q, r), or -1 outside the range. */
static inline int64_t hs_lattice_index(const hs_lattice *L, int64_t q,
                                       int64_t r)
{
    int64_t a = q - L->q0, b = r - L->r0;
    if (a < 0 || b < 0 || a >= L->w || b >= L->h)
        return -1;
    return b * L->w + a;
}

/*
 * The band stencil: every axial offset whose centre distance is at most
 * `band` (inclusive; a relative 1e-9 of the squared band absorbs the
 * rounding of band/s, so a cell at exactly the band distance is kept).
 * `lin` gets dr * w + dq for the dense array (set the range first).
 * Offsets are sorted by norm, self (0, 0) first.
 */
typedef struct hs_stencil {
    size_t n;
    int64_t *dq, *dr, *norm, *lin;
    int radius; /* max |dq|, |dr| */
} hs_stencil;

int hs_stencil_build(hs_stencil *st, const hs_lattice *L, double band);
/* Recompute `lin` after the dense range changed. */
void hs_stencil_relink(hs_stencil *st, const hs_lattice *L);
void hs_stencil_free(hs_stencil *st);
/* Stencil radius in cells needed for `band` (for padding). */
int hs_stencil_radius(const hs_lattice *L, double band);

/* ---- the cell set (binning.c) ------------------------------------------- */

/*
 * The cells taking part: a dense membership byte and values per dense
 * element, and the list of member indices in dense order.
 */
typedef struct hs_cells {
    hs_lattice L;
    int64_t n_dense;
    uint8_t *member;  /* 1: cell in the analysed set */
    int64_t *count;   /* incidents per dense cell */
    double *weight;   /* weight sums per dense cell */
    int64_t *list;    /* dense indices of members, ascending */
    size_t n;         /* number of members */
} hs_cells;

/* Allocate the dense arrays for `L` (range set). @return 0 or -1. */
int hs_cells_init(hs_cells *c, const hs_lattice *L);
void hs_cells_free(hs_cells *c);

/*
 * Add points to the counts: `xy` interleaved, `w` weights or NULL (1 each),
 * `keep` a byte per point or NULL (all). Points outside the dense range are
 * counted in *out_outside and skipped.
 */
void hs_cells_bin(hs_cells *c, const double *xy, const double *w,
                  const uint8_t *keep, size_t n, size_t *out_outside);

/* Rebuild `list` from `member`. @return 0 or -1 (memory). */
int hs_cells_relist(hs_cells *c);

/* Grow the padding to `pad` cells (copying the arrays); no-op when the
 * padding is already that large. @return 0 or -1 (memory). */
int hs_cells_repad(hs_cells *c, int pad);

/* Dense value array of the cells: weight sums or counts. NULL on memory. */
double *hs_cells_values(const hs_cells *c, int use_weight);

/* ---- Gi* (gi_star.c) ---------------------------------------------------- */

/*
 * Getis-Ord Gi* with binary distance-band weights including the cell
 * itself, over the member cells only (non-members are neither values nor
 * neighbours). `x` is a dense value array (0 at non-members). For member
 * k (c->list[k]): z[k], and nb[k] = W_k, the number of member cells within
 * the band (self included). Mean and variance are over the n members:
 * S^2 = sum (x - xbar)^2 / n, as in R spdep's localG with include.self.
 * z is NaN where the variance term is 0 (every cell a neighbour).
 * @return 0, or -1 when the values have zero variance.
 */
int hs_gi_star(const hs_cells *c, const hs_stencil *st, const double *x,
               double *z, int64_t *nb);

/* Two-sided normal p-value of z. */
double hs_p_two_sided(double z);
/* Upper-tail standard normal probability. */
double hs_norm_sf(double z);

/*
 * Conditional-permutation pseudo p-values for Gi*: for each member, its
 * value stays and W-1 distinct other members' values are drawn at random,
 * `nperm` times; psim = (min(#>=, #<=) + 1) / (nperm + 1) over the lag
 * sums (folded, one-sided on the observed side, as PySAL's esda does).
 * xoshiro256** seeded with splitmix64(`seed`). @return 0 or -1 (memory).
 */
int hs_gi_permutations(const hs_cells *c, const hs_stencil *st,
                       const double *x, int nperm, uint64_t seed,
                       double *psim);

/* ---- FDR (fdr.c) -------------------------------------------------------- */

/*
 * Benjamini-Hochberg adjusted p-values (q-values) of n p-values:
 * q_(i) = min over j >= i of min(1, n p_(j) / j). NaN p-values are left
 * out (their q is NaN). @return 0 or -1 (memory).
 */
int hs_fdr_qvalues(const double *p, size_t n, double *q);

/*
 * Confidence classes -3..3: 3 for a hot spot at 99 % (p or q <= 0.01),
 * 2 at 95 %, 1 at 90 %, mirrored negative for cold spots (z < 0), 0 else.
 */
int hs_class(double z, double p);

/* ---- Moran's I (moran.c) ------------------------------------------------ */

typedef struct hs_moran {
    double I, E, var, z, p; /* randomisation variance, two-sided p */
    double S0;              /* sum of weights */
    size_t n, islands;      /* n used (members - islands), islands */
} hs_moran;

/*
 * Global Moran's I with binary weights within the band, self excluded,
 * over the members; variance under randomisation (Cliff & Ord 1981), as R
 * spdep's moran.test with its defaults (islands dropped from n).
 * @return 0, or -1 when undefined (n < 4, no pairs or zero variance).
 */
int hs_moran_i(const hs_cells *c, const hs_stencil *st, const double *x,
             hs_moran *out);

/* ---- nearest neighbours (nni.c) ----------------------------------------- */

/*
 * Distance from each point to its nearest other point (0 for coincident
 * points), exact, with a bucket grid. @return 0 or -1 (memory).
 */
int hs_nn_distances(const double *xy, size_t n, double *d);

typedef struct hs_nni {
    double observed, expected, ratio, z, p; /* m, m, -, -, two-sided */
} hs_nni;

/* Clark & Evans (1954) index of n points over `area` m^2. */
void hs_nni_index(const double *d, size_t n, double area, hs_nni *out);

/* ---- KDE (kde.c) -------------------------------------------------------- */

typedef enum hs_kernel { HS_QUARTIC = 0, HS_GAUSSIAN = 1 } hs_kernel;

/*
 * Kernel density over a raster of `w` x `h` cells of side `cell` m whose
 * top-left corner is (x0, y0) (rows go south). Points are linearly binned
 * to the cell centres (Wand 1994), then convolved with the kernel sampled
 * at cell offsets and normalised to sum to 1, so the surface keeps the
 * total weight of points inside the raster. `out` gets w*h densities in
 * weight per m^2. @return 0 or -1 (memory).
 */
int hs_kde(const double *xy, const double *wt, const uint8_t *keep,
           size_t n, double x0, double y0, double cell, int w, int h,
           hs_kernel kernel, double bandwidth, double *out);

/*
 * Silverman's rule of thumb adapted to space (ArcGIS Kernel Density's
 * default): 0.9 * min(SD, sqrt(1/ln 2) * Dm) * n^-0.2, with SD the
 * standard distance and Dm the median distance to the mean centre.
 */
double hs_kde_bandwidth(const double *xy, const uint8_t *keep, size_t n);

/* ---- Mann-Kendall (mann_kendall.c) -------------------------------------- */

typedef struct hs_mk {
    double S, varS, z, p, tau; /* tau-b: S / sqrt(n0 (n0 - n1)) */
} hs_mk;

/* Mann-Kendall trend test of x[0..n-1] in time order, ties corrected. */
void hs_mann_kendall(const double *x, size_t n, hs_mk *out);

/* ---- emerging hot spots (emerging.c) ------------------------------------ */

/* Categories: 0 none; 1..8 hot (new, consecutive, intensifying,
 * persistent, diminishing, sporadic, oscillating, historical); -1..-8 the
 * cold mirror images. */
enum {
    HS_EH_NONE = 0,
    HS_EH_NEW = 1,
    HS_EH_CONSECUTIVE = 2,
    HS_EH_INTENSIFYING = 3,
    HS_EH_PERSISTENT = 4,
    HS_EH_DIMINISHING = 5,
    HS_EH_SPORADIC = 6,
    HS_EH_OSCILLATING = 7,
    HS_EH_HISTORICAL = 8
};

/* "new hot spot", "no pattern", "intensifying cold spot", ... */
const char *hs_eh_name(int category);

/*
 * The category of one cell from its per-step z and p series (T steps,
 * oldest first) and the Mann-Kendall test of z: a step is hot when
 * p < alpha and z > 0, cold when p < alpha and z < 0; the trend counts when
 * mk_p < alpha.
 */
int hs_eh_category(const double *z, const double *p, size_t T,
                   const hs_mk *mk, double alpha);

/*
 * Space-time Gi*: `x` holds T dense slices (slice t at x + t * n_dense);
 * neighbours of (i, t) are members within the band at steps t - lag .. t.
 * `z` gets T * c->n values (member k at step t: z[t * n + k]).
 * @return 0, or -1 for zero variance.
 */
int hs_gi_star_st(const hs_cells *c, const hs_stencil *st, const double *x,
                  size_t T, int lag, double *z);

/* ---- automatic choices (auto.c) ----------------------------------------- */

/*
 * Cell size from the incidents: the mean nearest-neighbour distance after
 * dropping locational outliers (NN distance > mean + 3 SD) and coincident
 * points, never below the size that gives `max_cells` cells over `area`.
 * `how` gets a sentence. @return the size in m, or NaN when impossible.
 */
double hs_auto_cell(const double *nn, size_t n, double area, double hex,
                    int64_t max_cells, char *how, size_t how_cap);

/*
 * Band by the optimized hot-spot rule on the member cells: Moran's I z over
 * 10 bands from the smallest distance giving every member a neighbour, in
 * steps of one cell; the first peak with z >= 1.96, else the highest peak,
 * else the mean distance to the k-th nearest member (k = 5 % of members
 * clamped to 3..30) capped at the standard distance.
 * @return the band in m, or NaN (memory or no usable band).
 */
double hs_auto_band(hs_cells *c, int use_weight, char *how,
                    size_t how_cap);

/* ---- small helpers (util.c) ------------------------------------------- */

/* Parse "2026-09-01", "2026-09-01T12:00", "...:00Z"; ms since 1970. */
int hs_parse_time(const char *s, int64_t *out_ms);
/* Sort doubles ascending. */
void hs_sort_doubles(double *v, size_t n);
/* Checked array allocation: n * size bytes, NULL on overflow. */
void *hs_alloc(size_t n, size_t size);
void *hs_calloc(size_t n, size_t size);

#endif

/* ---- zone band (zone.c, GEOS) ------------------------------------------ */

typedef struct hs_zone hs_zone;

/*
 * The band of `half_width` m on each side of border lines (geom_type 2)
 * or of polygon boundaries (geom_type 3): a buffer with flat (or round)
 * end caps, clipped to `clip` (minx, miny, maxx, maxy) when not NULL.
 * Parts are given as in layer.h: `xy`, `part_off` (n_parts + 1).
 * @return 0, or -1 with a reason in `err`.
 */
int hs_zone_create(hs_zone **out, int geom_type, const double *xy,
                   const int64_t *part_off, size_t n_parts,
                   double half_width, int flat_caps, const double *clip,
                   char *err, size_t err_cap);
void hs_zone_destroy(hs_zone *z);
/* Area of the band, m^2; 0 when empty. */
double hs_zone_area(const hs_zone *z);
/* Bounding box; @return -1 when the band is empty. */
int hs_zone_bbox(const hs_zone *z, double box[4]);
/* 1 when (x, y) is in the band (boundary included), 0 when not. */
int hs_zone_contains(hs_zone *z, double x, double y);
/* A closed ring against the band: 2 inside, 0 disjoint, 1 crossing. */
int hs_zone_classify(hs_zone *z, const double *ring, int n);
/*
 * The band's rings: `*xy` (malloc'ed) interleaved, `*part_off` n+1
 * offsets in points, `*outer` one byte per ring. Caller frees the three.
 */
int hs_zone_rings(const hs_zone *z, double **xy, int64_t **part_off,
                  uint8_t **outer, size_t *n_rings);
