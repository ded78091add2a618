/*
 * Internal helpers every core module uses: checked allocation, the one error
 * funnel (rm__error), a growable string buffer, small string utilities and
 * a clock.
 * Nothing here is public API.
 */
#ifndef RM_CORE_UTIL_H
#define RM_CORE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "routemap/context.h"
#include "routemap/errors.h"

#if defined(__GNUC__)
#define RM__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define RM__PRINTF(a, b)
#endif

/* ---- allocation ---- */

/** malloc(n * size) with overflow check; NULL on overflow or failure. */
void *rm_mallocarray(size_t n, size_t size);
/** calloc-like zeroed allocation with overflow check. */
void *rm_callocarray(size_t n, size_t size);
/** realloc(p, n * size) with overflow check; p untouched on failure. */
void *rm_reallocarray(void *p, size_t n, size_t size);
/** Arrays from this size on are huge-page backed (see rm__alloc_big). */
#define RM__BIG_BYTES ((size_t)4 << 20)
/**
 * rm_mallocarray (or rm_callocarray when `zeroed`) for arrays that may be
 * big: from RM__BIG_BYTES on the kernel is asked for huge pages before
 * any page is touched. Freed with free().
 */
void *rm__alloc_big(size_t n, size_t size, int zeroed);
/**
 * Grow `p` from `old_n` to `n` elements of `size` bytes, keeping the
 * first `old_n`; a big result is huge-page backed. NULL on overflow or
 * failure (p untouched).
 */
void *rm__realloc_big(void *p, size_t old_n, size_t n, size_t size);
/** strdup that returns NULL for NULL. */
char *rm__strdup(const char *s);
/** printf into a new malloc'ed string (NULL on failure). */
char *rm__asprintf(const char *fmt, ...) RM__PRINTF(1, 2);

/**
 * Grow `*array` (of `*cap` elements of `size` bytes) to hold `need`.
 * @return 0, or RM_ENOMEM (array untouched).
 */
int rm__grow(void **array, size_t *cap, size_t need, size_t size);

/* ---- errors ---- */

/**
 * Record an error on the context and return `code`. `loc` may be NULL.
 * The message should say what went wrong and what to do; the location
 * prefix ("file:line:col: " or "source, layer L, feature F: ") is added.
 */
int rm__error(rm_context *ctx, int code, const rm_location *loc,
              const char *fmt, ...) RM__PRINTF(4, 5);
int rm__verror(rm_context *ctx, int code, const rm_location *loc,
               const char *fmt, va_list ap);

/** A location in a file (line and column 1-based). */
rm_location rm__loc_file(const char *file, int line, int column);
/** A location in a data source. fid -1 when not about one feature. */
rm_location rm__loc_data(const char *source, const char *layer, int64_t fid);

/* ---- string buffer ---- */

typedef struct rm_strbuf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    int failed; /* sticky: an allocation failed */
} rm_strbuf;

#define RM_STRBUF_INIT {NULL, 0, 0, 0}

void rm_strbuf_append(rm_strbuf *sb, const char *s);
void rm_strbuf_append_n(rm_strbuf *sb, const char *s, size_t n);
void rm_strbuf_printf(rm_strbuf *sb, const char *fmt, ...) RM__PRINTF(2, 3);
/** Append `s` as a JSON string literal, quotes included. */
void rm_strbuf_json_string(rm_strbuf *sb, const char *s);
/** Take ownership of the text (never NULL unless failed). */
char *rm_strbuf_take(rm_strbuf *sb);
void rm_strbuf_free(rm_strbuf *sb);

/* ---- parsing ---- */

/** Parse a whole string as a finite double. @return 0 or -1. */
int rm__parse_double(const char *s, double *out);
/** Parse a whole string as a base-10 int64. @return 0 or -1. */
int rm__parse_int64(const char *s, int64_t *out);

/* ---- timing ---- */

/** Wall seconds (monotonic) and CPU seconds of this process and of its
 * reaped children, for reports of how long things take. */
void rm__clock_now(double *wall_s, double *cpu_s);

#endif
