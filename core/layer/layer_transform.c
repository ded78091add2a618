/*
 * Reprojection of a whole vector layer in place: one PROJ call over the
 * contiguous coordinate array. Points that cannot be transformed fail the
 * call with the count, so no NaN slips into an analysis.
 */
#include "layer_internal.h"
#include "routemap/crs.h"
#include "util/util.h"

int rm__layer_transform(rm_context *ctx, rm_layer *l, const char *to)
{
    if (l->type == RM_GEOM_RASTER)
        return rm__error(ctx, RM_EINTERNAL, NULL,
                         "raster layer '%s' cannot be reprojected in place",
                         l->name);
    rm_transform *tr;
    int rc = rm_transform_create(ctx, &tr, l->crs, to);
    if (rc != RM_OK)
        return rc;
    size_t failed = 0;
    rc = rm_transform_apply(tr, l->xy, l->n_coords, &failed);
    rm_transform_destroy(tr);
    if (rc == RM_OK && failed > 0)
        rc = rm__error(ctx, RM_ECRS, NULL,
                       "%zu coordinates of layer '%s' cannot be expressed in "
                       "%s; choose an analysis CRS that covers the data",
                       failed, l->name, to);
    if (rc == RM_OK)
        rc = rm_layer_set_crs(l, to);
    return rc;
}
