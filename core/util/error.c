/*
 * The one error funnel: rm__error formats a message with its location
 * prefix into the context, and the static error table answers rm_strerror
 * and rm_exit_code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "context_internal.h"
#include "util.h"

const char *rm_strerror(int code)
{
    switch (code) {
#define RM__ERROR_TEXT(name, value, exit_code, text)                         \
    case value:                                                              \
        return text;
        RM_ERROR_TABLE(RM__ERROR_TEXT)
#undef RM__ERROR_TEXT
    }
    return "unknown error";
}

int rm_exit_code(int code)
{
    switch (code) {
#define RM__ERROR_EXIT(name, value, exit_code, text)                         \
    case value:                                                              \
        return exit_code;
        RM_ERROR_TABLE(RM__ERROR_EXIT)
#undef RM__ERROR_EXIT
    }
    return 1;
}

rm_location rm__loc_file(const char *file, int line, int column)
{
    rm_location loc = {file, line, column, NULL, NULL, -1};
    return loc;
}

rm_location rm__loc_data(const char *source, const char *layer, int64_t fid)
{
    rm_location loc = {NULL, 0, 0, source, layer, fid};
    return loc;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return;
    }
    snprintf(dst, cap, "%s", src);
}

int rm__verror(rm_context *ctx, int code, const rm_location *loc,
               const char *fmt, va_list ap)
{
    if (!ctx)
        return code;
    char prefix[1200] = "";
    rm_location empty = {NULL, 0, 0, NULL, NULL, -1};
    if (!loc)
        loc = &empty;
    copy_str(ctx->err_file, sizeof ctx->err_file, loc->file);
    copy_str(ctx->err_source, sizeof ctx->err_source, loc->source);
    copy_str(ctx->err_layer, sizeof ctx->err_layer, loc->layer);
    ctx->err_loc.file = loc->file ? ctx->err_file : NULL;
    ctx->err_loc.source = loc->source ? ctx->err_source : NULL;
    ctx->err_loc.layer = loc->layer ? ctx->err_layer : NULL;
    ctx->err_loc.line = loc->line;
    ctx->err_loc.column = loc->column;
    ctx->err_loc.fid = loc->fid;

    if (loc->file && loc->line > 0)
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", loc->file, loc->line,
                 loc->column > 0 ? loc->column : 1);
    else if (loc->file)
        snprintf(prefix, sizeof prefix, "%s: ", loc->file);
    else if (loc->source) {
        size_t n = (size_t)snprintf(prefix, sizeof prefix, "%s", loc->source);
        if (loc->layer && n < sizeof prefix)
            n += (size_t)snprintf(prefix + n, sizeof prefix - n,
                                  ", layer '%s'", loc->layer);
        if (loc->fid >= 0 && n < sizeof prefix)
            n += (size_t)snprintf(prefix + n, sizeof prefix - n,
                                  ", feature %lld", (long long)loc->fid);
        if (n < sizeof prefix)
            snprintf(prefix + n, sizeof prefix - n, ": ");
    }
    size_t plen = strlen(prefix);
    memcpy(ctx->err_msg, prefix, plen + 1);
    vsnprintf(ctx->err_msg + plen, sizeof ctx->err_msg - plen, fmt, ap);
    ctx->err_code = code;
    return code;
}

int rm__error(rm_context *ctx, int code, const rm_location *loc,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rm__verror(ctx, code, loc, fmt, ap);
    va_end(ap);
    return code;
}

const char *rm_errmsg(const rm_context *ctx)
{
    return ctx ? ctx->err_msg : "";
}

int rm_errcode(const rm_context *ctx)
{
    return ctx ? ctx->err_code : RM_OK;
}

const rm_location *rm_errloc(const rm_context *ctx)
{
    return ctx ? &ctx->err_loc : NULL;
}

void rm_error_clear(rm_context *ctx)
{
    if (!ctx)
        return;
    ctx->err_code = RM_OK;
    ctx->err_msg[0] = '\0';
    rm_location empty = {NULL, 0, 0, NULL, NULL, -1};
    ctx->err_loc = empty;
}
