/*
 * The PROJ bridge: PROJ reports errors through a per-context log function
 * and an errno. While a capture is active the log goes into a buffer on the
 * caller's stack, so messages end up in rm errors, never on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "util/context_internal.h"
#include "crs/crs_internal.h"

static void capture_log(void *app_data, int level, const char *msg)
{
    rm__proj_capture *cap = app_data;
    if (!cap || level > PJ_LOG_ERROR || !msg)
        return;
    snprintf(cap->msg, sizeof cap->msg, "%s", msg);
}

void rm__proj_capture_begin(rm_context *ctx, rm__proj_capture *cap)
{
    cap->pc = ctx->proj;
    cap->msg[0] = '\0';
    proj_log_func(cap->pc, cap, capture_log);
    proj_log_level(cap->pc, PJ_LOG_ERROR);
}

void rm__proj_capture_end(rm__proj_capture *cap)
{
    proj_log_level(cap->pc, PJ_LOG_NONE);
    proj_log_func(cap->pc, NULL, NULL);
}

const char *rm__proj_reason(rm__proj_capture *cap)
{
    if (cap->msg[0])
        return cap->msg;
    int err = proj_context_errno(cap->pc);
    if (err) {
        const char *s = proj_context_errno_string(cap->pc, err);
        if (s && *s)
            return s;
    }
    return "unknown PROJ error";
}
