/*
 * rm_context: creates and owns the per-thread GEOS handle and PROJ context,
 * routes GEOS notices into the context instead of stderr, and carries the
 * logger. GEOS is used only through its reentrant _r API.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "context_internal.h"
#include "crs/crs_internal.h"
#include "util.h"

static void geos_message(const char *msg, void *userdata)
{
    rm_context *ctx = userdata;
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", msg ? msg : "");
}

static void stderr_logger(void *userdata, rm_log_level level, const char *msg)
{
    (void)userdata;
    static const char *names[] = {"error", "warning", "info", "debug"};
    fprintf(stderr, "routemap: %s: %s\n", names[level], msg);
}

int rm_context_create(rm_context **out)
{
    *out = NULL;
    rm_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return RM_ENOMEM;
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->geos || !ctx->proj) {
        rm_context_destroy(ctx);
        return RM_ENOMEM;
    }
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_message, ctx);
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message, ctx);
    proj_log_level(ctx->proj, PJ_LOG_NONE);
    ctx->log_fn = stderr_logger;
    ctx->log_level = RM_LOG_WARN;
    rm_error_clear(ctx);
    *out = ctx;
    return RM_OK;
}

void rm_context_destroy(rm_context *ctx)
{
    if (!ctx)
        return;
    rm__transform_cache_free(ctx); /* before its PROJ context */
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    free(ctx);
}

void rm_context_set_logger(rm_context *ctx, rm_log_fn fn, void *userdata)
{
    ctx->log_fn = fn;
    ctx->log_userdata = userdata;
}

void rm_context_set_log_level(rm_context *ctx, rm_log_level level)
{
    ctx->log_level = level;
}

void rm_log(rm_context *ctx, rm_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log_fn || level > ctx->log_level)
        return;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_userdata, level, buf);
}
