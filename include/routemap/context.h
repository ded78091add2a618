/*
 * The routemap context: one per thread. It owns the GEOS and PROJ handles of
 * that thread, the logger, and the last error with its location.
 * Thread rule: a context and everything created from it are used by one
 * thread at a time; use one context per thread.
 */
#ifndef ROUTEMAP_CONTEXT_H
#define ROUTEMAP_CONTEXT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rm_context rm_context;

/** Log levels, most severe first. */
typedef enum rm_log_level {
    RM_LOG_ERROR = 0,
    RM_LOG_WARN = 1,
    RM_LOG_INFO = 2,
    RM_LOG_DEBUG = 3
} rm_log_level;

/** Receives log lines (without trailing newline). */
typedef void (*rm_log_fn)(void *userdata, rm_log_level level, const char *msg);

/**
 * Where an error happened. Fields that do not apply are NULL, 0 or -1.
 * line and column are 1-based positions in `file`; `fid` is the source
 * feature id.
 */
typedef struct rm_location {
    const char *file;   /**< briefing or data file path */
    int line;           /**< 1-based, 0 when unknown */
    int column;         /**< 1-based, 0 when unknown */
    const char *source; /**< data source name */
    const char *layer;  /**< data layer name */
    int64_t fid;        /**< feature id, -1 when unknown */
} rm_location;

/**
 * Create a context.
 * @param[out] out the new context; caller frees with rm_context_destroy.
 * @return RM_OK or RM_ENOMEM.
 */
RM_EXTERN int rm_context_create(rm_context **out);

/** Free a context. rm_context_destroy(NULL) is a no-op. */
RM_EXTERN void rm_context_destroy(rm_context *ctx);

/**
 * The last error's full message: location prefix, what went wrong and
 * what to do. Empty string when there was none. Valid until the next call
 * that fails on this context.
 */
RM_EXTERN const char *rm_errmsg(const rm_context *ctx);

/** The last error's code (RM_OK when none). */
RM_EXTERN int rm_errcode(const rm_context *ctx);

/** The last error's location; valid as long as rm_errmsg's result. */
RM_EXTERN const rm_location *rm_errloc(const rm_context *ctx);

/** Forget the last error. */
RM_EXTERN void rm_error_clear(rm_context *ctx);

/**
 * Set the logger. The default logger writes warnings and errors to stderr.
 * @param fn NULL silences all logging.
 */
RM_EXTERN void rm_context_set_logger(rm_context *ctx, rm_log_fn fn,
                                     void *userdata);

/** Only messages at `level` or more severe reach the logger. */
RM_EXTERN void rm_context_set_log_level(rm_context *ctx, rm_log_level level);

/** Log a message through the context's logger (printf format). */
RM_EXTERN void rm_log(rm_context *ctx, rm_log_level level, const char *fmt,
                      ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
