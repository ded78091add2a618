/*
 * Coordinate reference systems and transformations through PROJ, bound to
 * the PJ_CONTEXT of an rm_context. Every transformation is normalised for
 * visualisation, so x is always longitude or easting and y latitude or
 * northing; failed points become NaN, never HUGE_VAL. A faster path (a
 * shortcut into PROJ, or fastproj.c) is used only after it gave PROJ's
 * results on a grid of points when the transformation was created.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crs/crs_internal.h"
#include "util/context_internal.h"
#include "util/util.h"

struct rm_crs {
    rm_context *ctx;
    PJ *pj;           /* the CRS as PROJ built it from the definition */
    char *definition; /* "AUTH:CODE" when known, else the given text */
    char *name;       /* PROJ's name of the CRS */
    int geographic;   /* 1: coordinates in degrees */
};

struct rm_transform {
    rm_context *ctx;
    PJ *pj; /* normalised for visualisation: lon/lat, easting/northing */
    /*
     * Shortcut for the common "degrees to radians, then one conversion"
     * pipeline (and its inverse): `inner` is that one conversion, applied
     * in direction `inner_dir` with the unit change done here. Checked at
     * creation to give the same results as `pj`; NULL when not usable.
     */
    PJ *inner;
    PJ_DIRECTION inner_dir;
    /* RM__PATH_TMERC / _LAEA: `fast` does the points inside its domain,
     * `inner` the others. */
    int path;
    rm__fastproj fast;
};

#define DEG2RAD 0.017453292519943296
#define RAD2DEG 57.295779513082323

static const char FWD_HEAD[] =
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step ";
static const char INV_HEAD[] = "+proj=pipeline +step +inv ";
static const char INV_TAIL[] =
    " +step +proj=unitconvert +xy_in=rad +xy_out=deg";

static void apply_inner(rm_transform *tr, double *xy, size_t n)
{
    size_t stride = 2 * sizeof(double);
    if (tr->inner_dir == PJ_FWD)
        for (size_t i = 0; i < 2 * n; i++)
            xy[i] *= DEG2RAD;
    proj_trans_generic(tr->inner, tr->inner_dir, xy, stride, n, xy + 1,
                       stride, n, NULL, 0, 0, NULL, 0, 0);
    proj_errno_reset(tr->inner);
    if (tr->inner_dir == PJ_INV)
        for (size_t i = 0; i < 2 * n; i++)
            xy[i] *= RAD2DEG;
}

static int same(double a, double b)
{
    if (!isfinite(a) || !isfinite(b))
        return !isfinite(a) && !isfinite(b);
    return fabs(a - b) <= 1e-9 * (1.0 + fabs(a));
}

/* Largest difference from PROJ that a fast path may show, metres. */
#define FAST_TOLERANCE 1e-6
#define GRID_LON 41 /* grid columns across the domain */
#define GRID_LAT 37 /* grid rows */

/*
 * Does `fp` give the results of PROJ's full pipeline, within
 * FAST_TOLERANCE, on a grid over its whole domain: longitudes from
 * lon0 - dlon_max to lon0 + dlon_max, latitudes -lat_max to lat_max, with
 * the central meridian, the UTM zone edges (+-3) and +-9 degrees on it?
 */
int rm__transform_fast_agrees(rm_transform *tr, const rm__fastproj *fp)
{
    static const double extra[] = {-9.0, -3.0, -1e-9, 1e-9, 3.0, 9.0};
    size_t n_lon = GRID_LON + sizeof extra / sizeof extra[0];
    size_t n = n_lon * (GRID_LAT + 2);
    double *a = rm_mallocarray(2 * n, sizeof *a);
    double *b = rm_mallocarray(2 * n, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n_lon; i++) {
        double t = 2.0 * (double)i / (GRID_LON - 1) - 1.0;
        double dlon = i < GRID_LON ? fp->dlon_max * t : extra[i - GRID_LON];
        for (size_t j = 0; j < GRID_LAT + 2; j++) {
            double u = 2.0 * (double)j / (GRID_LAT - 1) - 1.0;
            double lat = j < GRID_LAT ? fp->lat_max * u
                                      : (j == GRID_LAT ? fp->lat_max - 1e-3
                                                       : -1e-3);
            a[2 * k] = fp->lon0 + dlon;
            a[2 * k + 1] = lat;
            k++;
        }
    }
    memcpy(b, a, 2 * n * sizeof *a);
    size_t stride = 2 * sizeof(double);
    proj_trans_generic(tr->pj, PJ_FWD, a, stride, n, a + 1, stride, n, NULL,
                       0, 0, NULL, 0, 0);
    proj_errno_reset(tr->pj);
    int ok = rm__fastproj_fwd(fp, b, n) == n;
    for (size_t i = 0; ok && i < 2 * n; i++)
        ok = isfinite(a[i]) && fabs(a[i] - b[i]) <= FAST_TOLERANCE;
    free(a);
    free(b);
    return ok;
}

/* The fast path for the conversion `inner` (PROJ's definition), if any. */
static void find_fast(rm_transform *tr, const char *inner)
{
    rm__fastproj fp;
    if (!rm__fastproj_setup(&fp, inner) || !rm__transform_fast_agrees(tr, &fp))
        return;
    tr->fast = fp;
    tr->path = fp.kind == RM__FAST_TMERC ? RM__PATH_TMERC : RM__PATH_LAEA;
}

/* Find and verify the single-conversion shortcut of tr->pj. */
static void find_shortcut(rm_transform *tr, PJ_CONTEXT *pc, const char *from,
                          const char *to)
{
    /* Only when PROJ has exactly one candidate operation. */
    PJ *src = proj_create(pc, from), *dst = proj_create(pc, to);
    PJ_OPERATION_FACTORY_CONTEXT *fc =
        src && dst ? proj_create_operation_factory_context(pc, NULL) : NULL;
    PJ_OBJ_LIST *ops = fc ? proj_create_operations(pc, src, dst, fc) : NULL;
    int single = ops && proj_list_get_count(ops) == 1;
    proj_list_destroy(ops);
    proj_operation_factory_context_destroy(fc);
    proj_destroy(src);
    proj_destroy(dst);
    if (!single)
        return;
    const char *def = proj_as_proj_string(pc, tr->pj, PJ_PROJ_5, NULL);
    if (!def)
        return;
    char inner[512];
    size_t len = strlen(def);
    if (strncmp(def, FWD_HEAD, sizeof FWD_HEAD - 1) == 0) {
        snprintf(inner, sizeof inner, "%s", def + sizeof FWD_HEAD - 1);
        tr->inner_dir = PJ_FWD;
    } else if (strncmp(def, INV_HEAD, sizeof INV_HEAD - 1) == 0 &&
               len > sizeof INV_HEAD + sizeof INV_TAIL &&
               strcmp(def + len - (sizeof INV_TAIL - 1), INV_TAIL) == 0) {
        size_t n = len - (sizeof INV_HEAD - 1) - (sizeof INV_TAIL - 1);
        if (n >= sizeof inner)
            return;
        memcpy(inner, def + sizeof INV_HEAD - 1, n);
        inner[n] = '\0';
        tr->inner_dir = PJ_INV;
    } else {
        return;
    }
    if (strstr(inner, "+step") || strstr(inner, "+inv") ||
        strncmp(inner, "+proj=", 6) != 0)
        return;
    tr->inner = proj_create(pc, inner);
    if (!tr->inner)
        return;
    /* Same results as the full pipeline on a spread of points? */
    static const double geo[16] = {0, 0, 3, 45, -8, 12.6, 28.3, -15.4,
                                   10, 60, -70, -33, 120, 5, 1, -1};
    static const double met[16] = {5e5, 0, 4.5e5, 5e6, 6e5, 1.4e6, 0, 0,
                                   1e5, -1e5, 3e5, 8.3e6, -2e6, 1e6, 7e5,
                                   9e6};
    double a[16], b[16];
    memcpy(a, tr->inner_dir == PJ_FWD ? geo : met, sizeof a);
    memcpy(b, a, sizeof a);
    size_t stride = 2 * sizeof(double);
    proj_trans_generic(tr->pj, PJ_FWD, a, stride, 8, a + 1, stride, 8, NULL,
                       0, 0, NULL, 0, 0);
    proj_errno_reset(tr->pj);
    apply_inner(tr, b, 8);
    int ok = 1;
    for (int i = 0; i < 16; i++)
        if (!same(a[i], b[i]))
            ok = 0;
    if (!ok) {
        proj_destroy(tr->inner);
        tr->inner = NULL;
        return;
    }
    tr->path = RM__PATH_SHORTCUT;
    if (tr->inner_dir == PJ_FWD)
        find_fast(tr, inner);
}

static int type_is_geographic(PJ_CONTEXT *pc, const PJ *pj)
{
    PJ_TYPE t = proj_get_type(pj);
    if (t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS)
        return 1;
    PJ *sub = NULL;
    if (t == PJ_TYPE_BOUND_CRS)
        sub = proj_get_source_crs(pc, pj);
    else if (t == PJ_TYPE_COMPOUND_CRS)
        sub = proj_crs_get_sub_crs(pc, pj, 0);
    if (!sub)
        return 0;
    int g = type_is_geographic(pc, sub);
    proj_destroy(sub);
    return g;
}

/* "AUTH:CODE" of the object itself, or of a 100 % match in EPSG. */
static char *authority_id(PJ_CONTEXT *pc, const PJ *pj)
{
    const char *auth = proj_get_id_auth_name(pj, 0);
    const char *code = proj_get_id_code(pj, 0);
    if (auth && code)
        return rm__asprintf("%s:%s", auth, code);
    int *confidence = NULL;
    PJ_OBJ_LIST *list = proj_identify(pc, pj, "EPSG", NULL, &confidence);
    char *id = NULL;
    if (list && proj_list_get_count(list) > 0 && confidence &&
        confidence[0] == 100) {
        PJ *match = proj_list_get(pc, list, 0);
        if (match) {
            auth = proj_get_id_auth_name(match, 0);
            code = proj_get_id_code(match, 0);
            if (auth && code)
                id = rm__asprintf("%s:%s", auth, code);
            proj_destroy(match);
        }
    }
    proj_int_list_destroy(confidence);
    proj_list_destroy(list);
    return id;
}

int rm_crs_create(rm_context *ctx, rm_crs **out, const char *definition)
{
    *out = NULL;
    if (!definition || !*definition)
        return rm__error(ctx, RM_ECRS, NULL,
                         "empty CRS definition; give one such as "
                         "'EPSG:32631' or 'auto'");
    rm__proj_capture cap;
    rm__proj_capture_begin(ctx, &cap);
    PJ *pj = proj_create(ctx->proj, definition);
    if (!pj || !proj_is_crs(pj)) {
        int rc = rm__error(ctx, RM_ECRS, NULL,
                           "'%.200s' is not a coordinate reference system "
                           "PROJ knows (%s); use e.g. 'EPSG:32631', a WKT "
                           "or a '+proj=... +type=crs' string",
                           definition,
                           pj ? "not a CRS" : rm__proj_reason(&cap));
        proj_destroy(pj);
        rm__proj_capture_end(&cap);
        return rc;
    }
    rm_crs *crs = calloc(1, sizeof *crs);
    if (!crs) {
        proj_destroy(pj);
        rm__proj_capture_end(&cap);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory creating CRS");
    }
    crs->ctx = ctx;
    crs->pj = pj;
    crs->geographic = type_is_geographic(ctx->proj, pj);
    crs->definition = authority_id(ctx->proj, pj);
    if (!crs->definition)
        crs->definition = rm__strdup(definition);
    const char *name = proj_get_name(pj);
    crs->name = rm__strdup(name ? name : "unnamed CRS");
    rm__proj_capture_end(&cap);
    if (!crs->definition || !crs->name) {
        rm_crs_destroy(crs);
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory creating CRS");
    }
    *out = crs;
    return RM_OK;
}

int rm_crs_auto(rm_context *ctx, rm_crs **out, rm_bbox ll)
{
    *out = NULL;
    if (!isfinite(ll.minx) || !isfinite(ll.miny) || !isfinite(ll.maxx) ||
        !isfinite(ll.maxy) || ll.minx > ll.maxx || ll.miny > ll.maxy ||
        ll.minx < -180 || ll.maxx > 180 || ll.miny < -90 || ll.maxy > 90)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "area [%g, %g, %g, %g] is not a lon/lat box; give "
                         "[min_lon, min_lat, max_lon, max_lat] within "
                         "[-180, -90, 180, 90]",
                         ll.minx, ll.miny, ll.maxx, ll.maxy);
    double lon = (ll.minx + ll.maxx) / 2;
    double lat = (ll.miny + ll.maxy) / 2;
    char def[160];
    if (ll.maxx - ll.minx <= 6.0) {
        int zone = (int)floor((lon + 180.0) / 6.0) + 1;
        if (zone < 1)
            zone = 1;
        if (zone > 60)
            zone = 60;
        snprintf(def, sizeof def, "EPSG:%d", (lat < 0 ? 32700 : 32600) + zone);
    } else {
        snprintf(def, sizeof def,
                 "+proj=laea +lat_0=%.6f +lon_0=%.6f +datum=WGS84 +units=m "
                 "+no_defs +type=crs",
                 lat, lon);
    }
    return rm_crs_create(ctx, out, def);
}

void rm_crs_destroy(rm_crs *crs)
{
    if (!crs)
        return;
    proj_destroy(crs->pj);
    free(crs->definition);
    free(crs->name);
    free(crs);
}

const char *rm_crs_definition(const rm_crs *crs)
{
    return crs ? crs->definition : "";
}

const char *rm_crs_name(const rm_crs *crs)
{
    return crs ? crs->name : "";
}

int rm_crs_is_geographic(const rm_crs *crs)
{
    return crs ? crs->geographic : 0;
}

int rm_transform_create(rm_context *ctx, rm_transform **out, const char *from,
                        const char *to)
{
    *out = NULL;
    if (!from || !*from || !to || !*to)
        return rm__error(ctx, RM_ECRS, NULL,
                         "transformation needs a source and a target CRS");
    if (rm__transform_cache_get(ctx, from, to, out) == RM_OK)
        return RM_OK;
    rm__proj_capture cap;
    rm__proj_capture_begin(ctx, &cap);
    PJ *raw = proj_create_crs_to_crs(ctx->proj, from, to, NULL);
    PJ *pj = raw ? proj_normalize_for_visualization(ctx->proj, raw) : NULL;
    if (!pj) {
        int rc = rm__error(ctx, RM_ECRS, NULL,
                           "no transformation from '%.200s' to '%.200s' (%s); "
                           "check both CRS definitions",
                           from, to, rm__proj_reason(&cap));
        proj_destroy(raw);
        rm__proj_capture_end(&cap);
        return rc;
    }
    proj_destroy(raw);
    rm__proj_capture_end(&cap);
    rm_transform *tr = calloc(1, sizeof *tr);
    if (!tr) {
        proj_destroy(pj);
        return rm__error(ctx, RM_ENOMEM, NULL,
                         "out of memory creating a transformation");
    }
    tr->ctx = ctx;
    tr->pj = pj;
    rm__proj_capture_begin(ctx, &cap);
    find_shortcut(tr, ctx->proj, from, to);
    rm__proj_capture_end(&cap);
    rm__transform_cache_put(ctx, from, to, tr);
    *out = tr;
    return RM_OK;
}

int rm__transform_copy(rm_context *ctx, const rm_transform *tr,
                       rm_transform **out)
{
    *out = NULL;
    rm_transform *c = calloc(1, sizeof *c);
    if (!c)
        return RM_ENOMEM;
    *c = *tr;
    c->ctx = ctx;
    c->pj = proj_clone(ctx->proj, tr->pj);
    c->inner = tr->inner ? proj_clone(ctx->proj, tr->inner) : NULL;
    if (!c->pj || (tr->inner && !c->inner)) {
        rm_transform_destroy(c);
        return RM_ENOMEM;
    }
    *out = c;
    return RM_OK;
}

int rm__transform_clone(rm_context *ctx, const rm_transform *tr,
                        rm_transform **out)
{
    *out = NULL;
    if (!tr || !tr->inner)
        return RM_EINVAL;
    return rm__transform_copy(ctx, tr, out);
}

/* Points PROJ could not transform become NaN. @return their number. */
static size_t mark_failed(double *xy, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < 2 * n; i += 2) {
        if (!isfinite(xy[i]) || !isfinite(xy[i + 1])) {
            xy[i] = NAN;
            xy[i + 1] = NAN;
            failed++;
        }
    }
    return failed;
}

int rm_transform_apply(rm_transform *tr, double *xy, size_t n,
                       size_t *n_failed)
{
    if (n_failed)
        *n_failed = 0;
    if (!tr || (!xy && n))
        return RM_EINVAL;
    if (n == 0)
        return RM_OK;
    size_t failed = 0;
    if (tr->path == RM__PATH_TMERC || tr->path == RM__PATH_LAEA) {
        /* Points outside the fast path's domain go through PROJ; inside
         * it every result is finite. */
        size_t i = 0;
        while (i < n) {
            size_t done = rm__fastproj_fwd(&tr->fast, xy + 2 * i, n - i);
            i += done;
            size_t k = rm__fastproj_outside(&tr->fast, xy + 2 * i, n - i);
            if (!k && !done)
                k = 1; /* cannot happen; never loop forever */
            if (k) {
                apply_inner(tr, xy + 2 * i, k);
                failed += mark_failed(xy + 2 * i, k);
            }
            i += k;
        }
    } else {
        if (tr->inner) {
            apply_inner(tr, xy, n);
        } else {
            size_t stride = 2 * sizeof(double);
            proj_trans_generic(tr->pj, PJ_FWD, xy, stride, n, xy + 1, stride,
                               n, NULL, 0, 0, NULL, 0, 0);
            proj_errno_reset(tr->pj);
        }
        failed = mark_failed(xy, n);
    }
    if (n_failed)
        *n_failed = failed;
    return RM_OK;
}

int rm_transform_bbox(rm_transform *tr, rm_bbox in, rm_bbox *out)
{
    out->minx = out->miny = out->maxx = out->maxy = NAN;
    if (!tr)
        return RM_EINVAL;
    rm__proj_capture cap;
    rm__proj_capture_begin(tr->ctx, &cap);
    int ok = proj_trans_bounds(tr->ctx->proj, tr->pj, PJ_FWD, in.minx,
                               in.miny, in.maxx, in.maxy, &out->minx,
                               &out->miny, &out->maxx, &out->maxy, 21);
    int rc = RM_OK;
    if (!ok)
        rc = rm__error(tr->ctx, RM_ECRS, NULL,
                       "cannot transform the box [%g, %g, %g, %g] (%s); "
                       "check that it lies inside the CRS's area of use",
                       in.minx, in.miny, in.maxx, in.maxy,
                       rm__proj_reason(&cap));
    rm__proj_capture_end(&cap);
    proj_errno_reset(tr->pj);
    return rc;
}

int rm__transform_path(const rm_transform *tr)
{
    return tr ? tr->path : RM__PATH_PROJ;
}

void rm_transform_destroy(rm_transform *tr)
{
    if (!tr)
        return;
    proj_destroy(tr->inner);
    proj_destroy(tr->pj);
    free(tr);
}
