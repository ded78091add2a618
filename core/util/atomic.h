/*
 * Atomic output files: everything routemap writes goes first to a temporary
 * file beside its target and is renamed over the target only when complete.
 * While an rm__atomic is active the target is never touched; after commit
 * it holds the whole new content, after abort it is as it was before.
 */
#ifndef RM_CORE_UTIL_ATOMIC_H
#define RM_CORE_UTIL_ATOMIC_H

#include <stddef.h>

#include "routemap/context.h"

/** One pending atomic write. Fields are read-only for callers. */
typedef struct rm__atomic {
    char *target; /* the final path (copied) */
    char *tmp;    /* the temporary path beside it; write here */
    char *dir;    /* the target's directory ("." when none) */
    int active;   /* 1 between begin and commit/abort */
} rm__atomic;

#define RM__ATOMIC_INIT {NULL, NULL, NULL, 0}

/**
 * Reserve a temporary path in the target's directory:
 * "<dir>/.<stem>.tmp-<pid>-<n><ext>", keeping the target's extension last
 * so that format drivers which look at it are satisfied. No file is
 * created; the caller (or a GDAL driver) creates `a->tmp`.
 * @return RM_OK; RM_EIO_WRITE when the directory does not exist or the
 *   target is a directory; RM_EINVAL or RM_ENOMEM.
 */
int rm__atomic_begin(rm_context *ctx, rm__atomic *a, const char *target);

/**
 * rm__atomic_begin, but the temporary name ends in `ext` (e.g. ".csv")
 * when the target's name does not already end in it (case-insensitive),
 * for drivers that insist on an extension. `ext` NULL: plain begin.
 */
int rm__atomic_begin_ext(rm_context *ctx, rm__atomic *a, const char *target,
                         const char *ext);

/**
 * Make the temporary file the target: fsync it, rename it over the target,
 * fsync the directory. On failure the temporary file is removed and the
 * target is untouched. Always ends the rm__atomic (frees its strings).
 * @return RM_OK or RM_EIO_WRITE.
 */
int rm__atomic_commit(rm_context *ctx, rm__atomic *a);

/**
 * Give up: remove the temporary file (and SQLite side files a driver may
 * have left beside it) and free the strings. Safe to call on an ended or
 * zero-initialised rm__atomic.
 */
void rm__atomic_abort(rm__atomic *a);

/**
 * Write `len` bytes to `target` atomically (manifest.json and the like).
 * @return RM_OK, RM_EIO_WRITE or RM_ENOMEM.
 */
int rm__atomic_write_buffer(rm_context *ctx, const char *target,
                            const void *data, size_t len);

#endif
