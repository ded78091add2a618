/*
 * Internals of core/crs shared with other core modules and the tests: the
 * PROJ error bridge (PROJ's log channel captured into a buffer, never
 * stderr), the fast projection paths and which path a transformation uses.
 */
#ifndef RM_CORE_CRS_INTERNAL_H
#define RM_CORE_CRS_INTERNAL_H

#include <stddef.h>

#include <proj.h>

#include "routemap/crs.h"

/** Captures PROJ's error messages between begin and end. */
typedef struct rm__proj_capture {
    PJ_CONTEXT *pc;
    char msg[512]; /* last error message PROJ logged, "" when none */
} rm__proj_capture;

/** Route PROJ's log of `ctx` into `cap` until rm__proj_capture_end. */
void rm__proj_capture_begin(rm_context *ctx, rm__proj_capture *cap);
/** Restore PROJ's silent logging. */
void rm__proj_capture_end(rm__proj_capture *cap);

/**
 * PROJ's reason for the last failure: the captured message, else the
 * context's errno text, else "unknown PROJ error". Never NULL.
 */
const char *rm__proj_reason(rm__proj_capture *cap);

/* ---- fast forward projections (fastproj.c) ---- */

#define RM__FAST_NONE 0
#define RM__FAST_TMERC 1 /* transverse Mercator, UTM */
#define RM__FAST_LAEA 2  /* Lambert azimuthal equal-area */

/* How many points the fast paths take at a time. */
enum {
    RM__FP_VEC_NONE,  /* one, through libm */
    RM__FP_VEC_AVX2,  /* four (AVX2, FMA, glibc's libmvec) */
    RM__FP_VEC_AVX512 /* eight (AVX-512F, FMA, libmvec) */
};

/** Constants of one fast projection from lon/lat degrees to metres. */
typedef struct rm__fastproj {
    int kind;        /* RM__FAST_* */
    int vec;         /* RM__FP_VEC_*: the widest path the CPU has */
    double lon0;     /* central meridian or centre, degrees */
    double dlon_max; /* domain: |lon - lon0| <= dlon_max, */
    double lat_max;  /* |lat| <= lat_max */
    double x0, y0;   /* added to the projected coordinates */
    double scale;    /* tmerc: k0 times the rectifying radius A */
    double c[6];     /* tmerc: geodetic to conformal latitude series */
    double alpha[6]; /* tmerc: Krueger's alpha_1..6 */
    double e, one_es, qp, sinb1, cosb1, xmf, ymf; /* laea */
} rm__fastproj;

/**
 * Recognise PROJ's definition of a single conversion from radians ("+proj=
 * utm +zone=31 +ellps=WGS84", "+proj=tmerc ...", "+proj=laea ...", on the
 * WGS 84 or GRS 1980 ellipsoid, metres) and set up `fp`.
 * @return 1 when recognised, else 0 (fp->kind is RM__FAST_NONE).
 */
int rm__fastproj_setup(rm__fastproj *fp, const char *proj_definition);

/**
 * Project lon/lat degree pairs in place, from the first on, stopping at
 * the first point outside the domain (NaN included), which is left as is.
 * @return the number of points projected.
 */
size_t rm__fastproj_fwd(const rm__fastproj *fp, double *xy, size_t n);

/** The number of points, from the first on, outside fp's domain. */
size_t rm__fastproj_outside(const rm__fastproj *fp, const double *xy,
                            size_t n);

/* ---- how a transformation is carried out ---- */

#define RM__PATH_PROJ 0     /* PROJ's pipeline */
#define RM__PATH_SHORTCUT 1 /* PROJ's one conversion, unit change here */
#define RM__PATH_TMERC 2    /* fastproj.c's transverse Mercator */
#define RM__PATH_LAEA 3     /* fastproj.c's Lambert azimuthal equal-area */

/**
 * 1 when `fp` gives the results of `tr`'s PROJ pipeline within 1e-6 m on
 * a grid over fp's whole domain (the test before a fast path is used).
 */
int rm__transform_fast_agrees(rm_transform *tr, const rm__fastproj *fp);

/** A copy of `tr` for use in the same context (PROJ objects cloned). */
int rm__transform_copy(rm_context *ctx, const rm_transform *tr,
                       rm_transform **out);

/**
 * The context's cache of transformations (transform_cache.c): creating
 * one searches PROJ's database (3-6 ms for a projection given as a PROJ
 * string), copying a made one takes 0.1 ms. _get gives a copy of the
 * transformation made for (from, to), RM_EINVAL when there is none; _put
 * keeps a copy of `tr` (nothing when full or out of memory); _free, from
 * rm_context_destroy, drops them all.
 */
int rm__transform_cache_get(rm_context *ctx, const char *from, const char *to,
                            rm_transform **out);
void rm__transform_cache_put(rm_context *ctx, const char *from,
                             const char *to, const rm_transform *tr);
void rm__transform_cache_free(rm_context *ctx);

/**
 * A copy of `tr` bound to `ctx`, for another thread, made without
 * PROJ's database (creating a transformation in a fresh context opens
 * it again: about 4 ms against 0.1 ms). Only for a transformation that is
 * one conversion (RM__PATH_SHORTCUT, _TMERC, _LAEA); RM_EINVAL for the
 * others, which must be created anew.
 */
int rm__transform_clone(rm_context *ctx, const rm_transform *tr,
                        rm_transform **out);

/** The RM__PATH_* that rm_transform_apply takes. */
int rm__transform_path(const rm_transform *tr);

#endif
