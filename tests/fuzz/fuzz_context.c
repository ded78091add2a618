/*
 * The single context of a fuzz process: created on first use and
 * destroyed at exit, so leak checkers see every allocation freed and each
 * input starts from the same state (only the last error changes).
 */
#include <stdlib.h>

#include "fuzz.h"

static rm_context *ctx;

static void quiet(void *ud, rm_log_level level, const char *msg)
{
    (void)ud;
    (void)level;
    (void)msg;
}

static void destroy(void)
{
    rm_context_destroy(ctx);
    ctx = NULL;
}

rm_context *rm_fuzz_context(void)
{
    if (!ctx) {
        if (rm_context_create(&ctx) != RM_OK)
            return NULL;
        rm_context_set_logger(ctx, quiet, NULL);
        rm_context_set_log_level(ctx, RM_LOG_DEBUG);
        atexit(destroy);
    }
    return ctx;
}
