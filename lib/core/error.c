/*
 * lib/core/error.c - status texts and the context's last error.
 */
#include <stdio.h>
#include <string.h>

#include "core_internal.h"

const char *gk_status_str(gk_status_t code)
{
    switch (code) {
    case GK_OK: return "ok";
    case GK_ERR_NOMEM: return "out of memory";
    case GK_ERR_ARG: return "invalid argument";
    case GK_ERR_INPUT: return "invalid input";
    case GK_ERR_IO: return "input/output error";
    case GK_ERR_FORMAT: return "corrupt or unrecognised file";
    case GK_ERR_CRS: return "coordinate reference system error";
    case GK_ERR_UNSUPPORTED: return "unsupported";
    case GK_ERR_DEP: return "error in a dependency (GDAL, PROJ, GEOS, SQLite)";
    case GK_ERR_INTERRUPTED: return "interrupted";
    case GK_ERR_INTERNAL: return "internal error";
    case GK_ERR_INPUT_NAN: return "NaN or infinite coordinate or value";
    case GK_ERR_INPUT_UNCLOSED_RING: return "ring not closed";
    case GK_ERR_INPUT_EMPTY: return "empty geometry";
    case GK_ERR_INPUT_SELF_INTERSECTION: return "self-intersection";
    case GK_ERR_INPUT_TOO_FEW_POINTS: return "too few points";
    case GK_ERR_INPUT_GEOM_TYPE: return "wrong geometry type";
    case GK_ERR_INPUT_FIELD: return "missing or invalid attribute";
    case GK_ERR_INPUT_INVALID: return "invalid geometry";
    case GK_ERR_INPUT_VALUE: return "value out of range";
    }
    switch (GK_STATUS_PRIMARY(code)) {
    case GK_ERR_INPUT: return "invalid input";
    default: return "unknown status code";
    }
}

gk_status_t gk_verror(gk_context_t *ctx, gk_status_t code, const char *fmt,
                      va_list ap)
{
    if (ctx) {
        ctx->code = code;
        vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    }
    return code;
}

gk_status_t gk_error(gk_context_t *ctx, gk_status_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gk_verror(ctx, code, fmt, ap);
    va_end(ap);
    return code;
}

gk_status_t gk_error_nomem(gk_context_t *ctx, const char *what)
{
    return gk_error(ctx, GK_ERR_NOMEM, "out of memory while allocating %s",
                    what);
}

gk_status_t gk_errcode(const gk_context_t *ctx)
{
    return ctx ? ctx->code : GK_ERR_ARG;
}

const char *gk_errmsg(const gk_context_t *ctx)
{
    if (!ctx)
        return "no context (NULL)";
    return ctx->code == GK_OK ? "" : ctx->msg;
}

void gk_clear_error(gk_context_t *ctx)
{
    if (ctx) {
        ctx->code = GK_OK;
        ctx->msg[0] = '\0';
    }
}

void gk_log(gk_context_t *ctx, gk_log_level_t level, const char *fmt, ...)
{
    if (!ctx || !ctx->log_fn)
        return;
    char buf[GK_ERRMSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log_fn(level, buf, ctx->log_user);
}

bool gk_progress(gk_context_t *ctx, double fraction, const char *stage)
{
    if (!ctx || !ctx->progress_fn)
        return true;
    if (ctx->progress_fn(fraction, stage, ctx->progress_user))
        return true;
    gk_error(ctx, GK_ERR_INTERRUPTED, "%s: interrupted by the caller", stage);
    return false;
}

const char *gk_ctx_depmsg(const gk_context_t *ctx)
{
    return ctx ? ctx->dep_msg : "";
}

void gk_ctx_set_depmsg(gk_context_t *ctx, const char *msg)
{
    if (!ctx)
        return;
    snprintf(ctx->dep_msg, sizeof ctx->dep_msg, "%s", msg ? msg : "");
    /* GEOS and GDAL end messages with a newline; messages here never do. */
    size_t n = strlen(ctx->dep_msg);
    while (n > 0 && (ctx->dep_msg[n - 1] == '\n' || ctx->dep_msg[n - 1] == '.'))
        ctx->dep_msg[--n] = '\0';
}
