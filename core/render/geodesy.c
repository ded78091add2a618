/*
 * Grid convergence and point scale factors of a map CRS through PROJ's
 * proj_factors(). The CRS is reduced to its bare projection (its PROJ
 * string, in which axes are always easting, northing and input is always
 * longitude, latitude in radians), so the map's normalised x, y are
 * inverse-projected and fed to proj_factors() without any axis juggling.
 */
#include <math.h>
#include <string.h>

#include "crs/crs_internal.h"
#include "render/marginalia_math.h"
#include "util/context_internal.h"
#include "util/util.h"

#define RAD2DEG (180.0 / 3.14159265358979323846)

/*
 * The bare projection of `crs` (a PJ conversion taking lon/lat radians to
 * easting/northing in the CRS's units), or NULL with *out_geographic = 1
 * for a geographic CRS, or NULL with an error recorded.
 */
static PJ *bare_projection(rm_context *ctx, const char *crs,
                           int *out_geographic, int *out_rc)
{
    *out_geographic = 0;
    *out_rc = RM_OK;
    if (!crs || !*crs) {
        *out_rc = rm__error(ctx, RM_ECRS, NULL,
                            "no map CRS given for the grid convergence "
                            "or scale factor; give one such as "
                            "'EPSG:32631'");
        return NULL;
    }
    rm__proj_capture cap;
    rm__proj_capture_begin(ctx, &cap);
    PJ *obj = proj_create(ctx->proj, crs);
    PJ *proj = NULL;
    if (!obj) {
        *out_rc = rm__error(ctx, RM_ECRS, NULL,
                            "cannot read the map CRS '%s' (%s); give a "
                            "definition PROJ understands, e.g. "
                            "'EPSG:32631'",
                            crs, rm__proj_reason(&cap));
        goto done;
    }
    /* Unwrap bound and compound CRSs to the horizontal CRS. */
    for (int depth = 0; depth < 4; depth++) {
        PJ_TYPE t = proj_get_type(obj);
        PJ *sub = NULL;
        if (t == PJ_TYPE_BOUND_CRS)
            sub = proj_get_source_crs(ctx->proj, obj);
        else if (t == PJ_TYPE_COMPOUND_CRS)
            sub = proj_crs_get_sub_crs(ctx->proj, obj, 0);
        if (!sub)
            break;
        proj_destroy(obj);
        obj = sub;
    }
    PJ_TYPE t = proj_get_type(obj);
    if (t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS) {
        *out_geographic = 1;
        goto done;
    }
    if (t != PJ_TYPE_PROJECTED_CRS) {
        *out_rc = rm__error(ctx, RM_ECRS, NULL,
                            "the map CRS '%s' is not a projected CRS; "
                            "grid convergence and scale factors need one "
                            "(e.g. a UTM zone)",
                            crs);
        goto done;
    }
    const char *def = proj_as_proj_string(ctx->proj, obj, PJ_PROJ_5, NULL);
    if (!def) {
        *out_rc = rm__error(ctx, RM_ECRS, NULL,
                            "the projection of the map CRS '%s' has no "
                            "PROJ-string form (%s); choose another map CRS",
                            crs, rm__proj_reason(&cap));
        goto done;
    }
    /* Drop "+type=crs": what remains is the conversion alone. */
    rm_strbuf sb = RM_STRBUF_INIT;
    const char *p = def;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e > p && !((size_t)(e - p) == 9 && !memcmp(p, "+type=crs", 9))) {
            if (sb.len)
                rm_strbuf_append(&sb, " ");
            rm_strbuf_append_n(&sb, p, (size_t)(e - p));
        }
        p = e;
    }
    if (sb.failed) {
        rm_strbuf_free(&sb);
        *out_rc = rm__error(ctx, RM_ENOMEM, NULL,
                            "out of memory while reading the map CRS");
        goto done;
    }
    proj = sb.data ? proj_create(ctx->proj, sb.data) : NULL;
    if (!proj)
        *out_rc = rm__error(ctx, RM_ECRS, NULL,
                            "cannot build the projection of the map CRS "
                            "'%s' (%s); choose another map CRS",
                            crs, rm__proj_reason(&cap));
    rm_strbuf_free(&sb);
done:
    proj_destroy(obj);
    rm__proj_capture_end(&cap);
    return proj;
}

/* proj_factors at map point (x, y) of the bare projection `pj`. */
static int factors_at(rm_context *ctx, PJ *pj, const char *crs, double x,
                      double y, PJ_FACTORS *out)
{
    rm__proj_capture cap;
    rm__proj_capture_begin(ctx, &cap);
    proj_errno_reset(pj);
    PJ_COORD c = proj_coord(x, y, 0, 0);
    PJ_COORD lp = proj_trans(pj, PJ_INV, c);
    int rc = RM_OK;
    if (proj_errno(pj) || !isfinite(lp.lp.lam) || !isfinite(lp.lp.phi) ||
        fabs(lp.lp.lam) > 1e3 || fabs(lp.lp.phi) > 1e3) {
        rc = rm__error(ctx, RM_ECRS, NULL,
                       "the map point (%g, %g) lies outside the domain of "
                       "the projection of '%s'; keep the map extent within "
                       "the CRS's area of use",
                       x, y, crs);
        goto done;
    }
    proj_errno_reset(pj);
    *out = proj_factors(pj, lp);
    if (proj_errno(pj) || !isfinite(out->meridian_convergence) ||
        !isfinite(out->meridional_scale) || !isfinite(out->parallel_scale) ||
        out->meridional_scale <= 0.0 || out->parallel_scale <= 0.0)
        rc = rm__error(ctx, RM_ECRS, NULL,
                       "PROJ cannot compute the scale factors of '%s' at "
                       "lon %.6f, lat %.6f (%s); move the map away from "
                       "the projection's singular points",
                       crs, lp.lp.lam * RAD2DEG, lp.lp.phi * RAD2DEG,
                       rm__proj_reason(&cap));
done:
    proj_errno_reset(pj);
    rm__proj_capture_end(&cap);
    return rc;
}

int rm__grid_convergence(rm_context *ctx, double *out_deg, const char *crs,
                         double x, double y)
{
    *out_deg = NAN;
    if (!isfinite(x) || !isfinite(y))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "grid convergence asked at a non-finite map point "
                         "(%g, %g)",
                         x, y);
    int geographic, rc;
    PJ *pj = bare_projection(ctx, crs, &geographic, &rc);
    if (!pj) {
        if (geographic)
            *out_deg = 0.0; /* lon/lat map: grid north is true north */
        return rc;
    }
    PJ_FACTORS f;
    rc = factors_at(ctx, pj, crs, x, y, &f);
    if (rc == RM_OK) {
        /* PROJ's convergence is gamma (true -> grid north, clockwise);
         * true north's bearing from grid north is -gamma. */
        double d = -f.meridian_convergence * RAD2DEG;
        d = remainder(d, 360.0);
        *out_deg = d == -180.0 ? 180.0 : d + 0.0;
    }
    proj_destroy(pj);
    return rc;
}

int rm__scale_factors(rm_context *ctx, double *out_h, double *out_k,
                      const char *crs, double x, double y)
{
    *out_h = *out_k = NAN;
    if (!isfinite(x) || !isfinite(y))
        return rm__error(ctx, RM_EINVAL, NULL,
                         "scale factor asked at a non-finite map point "
                         "(%g, %g)",
                         x, y);
    int geographic, rc;
    PJ *pj = bare_projection(ctx, crs, &geographic, &rc);
    if (!pj) {
        if (geographic)
            rc = rm__error(ctx, RM_ECRS, NULL,
                           "the map CRS '%s' is geographic (degrees), so "
                           "it has no metric scale factor; draw the map "
                           "in a projected CRS to get a scale bar",
                           crs);
        return rc;
    }
    PJ_FACTORS f;
    rc = factors_at(ctx, pj, crs, x, y, &f);
    if (rc == RM_OK) {
        *out_h = f.meridional_scale;
        *out_k = f.parallel_scale;
    }
    proj_destroy(pj);
    return rc;
}
