/*
 * The checks every plugin output passes before the host accepts it: the
 * declared geometry type, finite coordinates and well-formed parts, or a
 * positive, finite raster. The checks read only layer.h accessors and
 * report the first violation with its feature, fid, part and coordinate.
 */
#include <math.h>
#include <stdlib.h>

#include "plugin/step.h"
#include "routemap/layer.h"
#include "util/util.h"

static const char *kind_words(rm_geom_type t)
{
    switch (t) {
    case RM_GEOM_NONE: return "no geometry";
    case RM_GEOM_POINT: return "points";
    case RM_GEOM_LINE: return "lines";
    case RM_GEOM_POLYGON: return "polygons";
    case RM_GEOM_RASTER: return "a raster";
    }
    return "an unknown geometry type";
}

static char *check_raster(const rm_layer *l)
{
    int w = rm_layer_raster_width(l), h = rm_layer_raster_height(l);
    if (w <= 0 || h <= 0)
        return rm__asprintf("the raster size %d x %d is not positive", w, h);
    const double *gt = rm_layer_raster_geotransform(l);
    if (!gt)
        return rm__strdup("the raster has no geotransform");
    for (int k = 0; k < 6; k++)
        if (!isfinite(gt[k]))
            return rm__asprintf("geotransform value %d is %g", k, gt[k]);
    if (gt[1] * gt[5] - gt[2] * gt[4] == 0)
        return rm__strdup("the geotransform is degenerate (zero cell size)");
    const double *c = rm_layer_raster_cdata(l);
    size_t n = (size_t)w * (size_t)h;
    for (size_t i = 0; c && i < n; i++)
        if (isinf(c[i]))
            return rm__asprintf("cell (row %zu, column %zu) is infinite; "
                                "use NaN for no data", i / (size_t)w,
                                i % (size_t)w);
    return NULL;
}

static char *check_part(rm_geom_type t, const double *xy, int64_t a,
                        int64_t b)
{
    int64_t n = b - a;
    for (int64_t k = a; k < b; k++)
        if (!isfinite(xy[2 * k]) || !isfinite(xy[2 * k + 1]))
            return rm__asprintf("coordinate %lld is (%g, %g), not finite",
                                (long long)(k - a), xy[2 * k], xy[2 * k + 1]);
    if (t == RM_GEOM_POINT && n != 1)
        return rm__asprintf("a point part has %lld coordinates instead of 1",
                            (long long)n);
    if (t == RM_GEOM_LINE && n < 2)
        return rm__asprintf("a line has %lld coordinate%s; it needs at least "
                            "2", (long long)n, n == 1 ? "" : "s");
    if (t == RM_GEOM_POLYGON) {
        if (n < 4)
            return rm__asprintf("a polygon ring has %lld coordinate%s; it "
                                "needs at least 4, the last equal to the "
                                "first", (long long)n, n == 1 ? "" : "s");
        if (xy[2 * a] != xy[2 * (b - 1)] ||
            xy[2 * a + 1] != xy[2 * (b - 1) + 1])
            return rm__strdup("a polygon ring is not closed: its last "
                              "coordinate differs from its first");
    }
    return NULL;
}

static char *check_vector(const rm_layer *l)
{
    rm_geom_type t = rm_layer_geom_type(l);
    size_t nf = rm_layer_feature_count(l);
    size_t np = rm_layer_part_count(l);
    const int64_t *fids = rm_layer_fids(l);
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const uint8_t *outer = rm_layer_part_outer(l);
    const double *xy = rm_layer_xy(l);
    if (t == RM_GEOM_NONE && np > 0)
        return rm__asprintf("a layer without geometry has %zu parts", np);
    for (size_t f = 0; f < nf; f++) {
        for (int64_t p = fo[f]; p < fo[f + 1]; p++) {
            char *why = NULL;
            if (t == RM_GEOM_POLYGON && p == fo[f] && !outer[p])
                why = rm__strdup("the first ring is a hole; a polygon "
                                 "starts with its exterior ring");
            else
                why = check_part(t, xy, po[p], po[p + 1]);
            if (why) {
                char *r = rm__asprintf("feature %zu (fid %lld), part %lld: "
                                       "%s", f, (long long)fids[f],
                                       (long long)(p - fo[f]), why);
                free(why);
                return r;
            }
        }
    }
    return NULL;
}

char *rm__step_check_output(const rm_output_desc *od, const rm_layer *l)
{
    rm_geom_type t = rm_layer_geom_type(l);
    if (t != od->type)
        return rm__asprintf("it has the wrong geometry type: declared as "
                            "%s, it holds %s", kind_words(od->type),
                            kind_words(t));
    if (t == RM_GEOM_RASTER)
        return check_raster(l);
    return check_vector(l);
}
