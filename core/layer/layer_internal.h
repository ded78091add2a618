/*
 * The inside of rm_layer: geometry and attribute columns as contiguous
 * arrays. Invariants: feat_off has n_features + 1 entries, part_off has
 * n_parts + 1, xy has 2 * n_coords; every column has n_features rows; a
 * raster layer has no features and width * height cells.
 */
#ifndef RM_CORE_LAYER_INTERNAL_H
#define RM_CORE_LAYER_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "routemap/layer.h"

typedef struct rm__column {
    char *name;
    rm_field_type type;
    int64_t *ints;   /* INT, DATETIME */
    double *reals;   /* REAL */
    uint8_t *bools;  /* BOOL */
    int64_t *str_off; /* STRING: n_features + 1 offsets into str_data */
    char *str_data;   /* STRING: values, each NUL-terminated */
    size_t str_len, str_cap;
    uint8_t *valid; /* one byte per row: 1 set, 0 NULL */
} rm__column;

struct rm_layer {
    char *name;
    char *crs;
    rm_geom_type type;

    size_t n_features, cap_features;
    int64_t *fids;
    int64_t *feat_off; /* into parts */

    size_t n_parts, cap_parts;
    int64_t *part_off; /* into coords */
    uint8_t *part_outer;
    /* 1 while every feature is one point (n_features == n_parts ==
     * n_coords) and feat_off, part_off and part_outer, though allocated,
     * are not written yet: the identity, and 1s. rm__layer_points_write
     * writes them; the accessors and every other user call it first. */
    atomic_int lazy_points;

    size_t n_coords, cap_coords;
    double *xy;
    double *vtime; /* NULL until a part with times is added */

    int n_fields, cap_fields;
    rm__column *fields;
    int roles[RM_ROLE_COUNT];

    /* raster */
    int width, height;
    double gt[6];
    double *cells;
    size_t cells_mapped; /* bytes of a mapping holding cells (munmap'ed on
                            destroy); 0 when cells came from malloc */

    /* The layer's arrays in one block (layer_slab.c), NULL when
     * each array is an allocation of its own; slab_mapped: bytes of the
     * mapping holding it, 0 when it came from malloc. */
    void *slab;
    size_t slab_bytes, slab_mapped;
};

/**
 * Give the layer an empty slab of `bytes` for its arrays. RM_OK or
 * RM_ENOMEM (no slab: the arrays are then allocated one by one).
 */
int rm__layer_slab_create(rm_layer *l, size_t bytes);

/**
 * Give every array held in the layer's slab an allocation of its own and
 * free the slab (before an array grows). RM_OK or RM_ENOMEM (the layer is
 * then unchanged as far as its readers can tell).
 */
int rm__layer_unslab(rm_layer *l);

/**
 * Fit the capacities of a layer whose arrays are in its slab to `nf`
 * features, `np` parts and `nc` coordinates (no more than they are),
 * giving back the pages beyond them; the arrays stay where they are.
 */
void rm__layer_slab_fit(rm_layer *l, size_t nf, size_t np, size_t nc);

/** Free the slab and forget the arrays in it (rm_layer_destroy). */
void rm__layer_slab_drop(rm_layer *l);

/**
 * A raster layer over `cells` (width * height values, taken over as they
 * are): freed with free(), or with munmap() when `mapped` gives the
 * mapping's length in bytes. On failure nothing is taken over.
 */
int rm__layer_create_raster_on(rm_layer **out, const char *name,
                               int width, int height,
                               const double geotransform[6], double *cells,
                               size_t mapped);

/**
 * Make room for `n_features` features, `n_parts` parts and `n_coords`
 * coordinates in total (bulk loaders call this once, then fill arrays and
 * counters directly, keeping the invariants above).
 */
int rm__layer_reserve(rm_layer *l, size_t n_features, size_t n_parts,
                      size_t n_coords);

/**
 * Reproject a vector layer's coordinates in place from its CRS to `to`.
 * @return RM_OK, RM_ECRS (message on ctx) or RM_ENOMEM.
 */
int rm__layer_transform(rm_context *ctx, rm_layer *l, const char *to);

/**
 * Write the offsets and outer flags of a layer of single points built
 * without them (lazy_points); nothing when written already. Safe from
 * many threads at once, as reading a layer is.
 */
void rm__layer_points_write(const rm_layer *l);

#endif
