/*
 * lib/core/core_internal.h - what the core shares with the other modules:
 * the context's layout, error setters, logging, progress, and the lazily
 * created PROJ/GEOS handles. Not installed; no GK_API here.
 */
#ifndef GK_CORE_INTERNAL_H
#define GK_CORE_INTERNAL_H

#include <math.h>
#include <stdarg.h>

#include <geos_c.h>
#include <proj.h>

#include "geokota/geokota.h"

#define GK_ERRMSG_CAP 1024
#define GK_DEPMSG_CAP 512

struct gk_context {
    gk_status_t code;
    char msg[GK_ERRMSG_CAP];
    gk_log_fn log_fn;
    void *log_user;
    gk_progress_fn progress_fn;
    void *progress_user;
    PJ_CONTEXT *proj;          /* created on first use */
    GEOSContextHandle_t geos;  /* created on first use */
    char dep_msg[GK_DEPMSG_CAP]; /* last message from PROJ, GEOS or GDAL */
};

#if defined(__GNUC__)
#define GK_PRINTF(fmt_index, first_arg)                                      \
    __attribute__((format(printf, fmt_index, first_arg)))
#else
#define GK_PRINTF(fmt_index, first_arg)
#endif

/* Record an error on the context and return its code, so that callers can
 * write `return gk_error(ctx, GK_ERR_INPUT, "%s: feature %lld: ...", ...)`.
 * A NULL ctx is allowed (the error is then only returned). */
gk_status_t gk_error(gk_context_t *ctx, gk_status_t code, const char *fmt,
                     ...) GK_PRINTF(3, 4);
gk_status_t gk_verror(gk_context_t *ctx, gk_status_t code, const char *fmt,
                      va_list ap) GK_PRINTF(3, 0);

/* Shorthand for the out-of-memory error, naming what was being allocated. */
gk_status_t gk_error_nomem(gk_context_t *ctx, const char *what);

/* Pass a diagnostic to the context's logger, if any. */
void gk_log(gk_context_t *ctx, gk_log_level_t level, const char *fmt, ...)
    GK_PRINTF(3, 4);

/* Report progress; false means the caller must stop with
 * GK_ERR_INTERRUPTED (the error is already set on the context). */
bool gk_progress(gk_context_t *ctx, double fraction, const char *stage);

/* The context's PROJ and GEOS handles, created on first use. NULL only when
 * creation failed, with the error set. */
PJ_CONTEXT *gk_ctx_proj(gk_context_t *ctx);
GEOSContextHandle_t gk_ctx_geos(gk_context_t *ctx);

/* The last message PROJ, GEOS or GDAL gave on this context ("" if none). */
const char *gk_ctx_depmsg(const gk_context_t *ctx);
void gk_ctx_set_depmsg(gk_context_t *ctx, const char *msg);

/* GDAL: register drivers once per process (thread-safe), and route GDAL's
 * diagnostics for the current thread into the context instead of stderr.
 * Every GDAL call sits between gk_gdal_enter() and gk_gdal_leave(). */
void gk_gdal_init(void);
void gk_gdal_enter(gk_context_t *ctx);
void gk_gdal_leave(gk_context_t *ctx);

/* Overflow-checked allocation helpers: NULL on overflow or exhaustion. */
void *gk_calloc_array(size_t n, size_t size);
void *gk_realloc_array(void *ptr, size_t n, size_t size);
/* strdup; NULL for NULL or when memory runs out. */
char *gk_strdup(const char *s);
/* A block of `bytes`, 64-byte aligned and not zeroed; blocks of 2 MiB and
 * more are mapped with transparent huge pages requested (a page fault per
 * 2 MiB instead of per 4 KiB: alloc_huge.c says why). *len receives the
 * length to pass to gk_huge_free(). NULL when memory runs out. */
void *gk_huge_alloc(size_t bytes, size_t *len);
void gk_huge_free(void *p, size_t len);

/* The float nearest v from below / above (v itself when exact; +-inf
 * stay; beyond the float range: +-inf on the open side, +-FLT_MAX on the
 * other), so that [down(a), up(b)] contains [a, b]. */
static inline float gk_f32_down(double v)
{
    if (v > 3.4028234663852886e38)
        return 3.4028234663852886e38f;
    if (v < -3.4028234663852886e38)
        return -INFINITY;
    float f = (float)v;
    return (double)f > v ? nextafterf(f, -INFINITY) : f;
}

static inline float gk_f32_up(double v)
{
    if (v < -3.4028234663852886e38)
        return -3.4028234663852886e38f;
    if (v > 3.4028234663852886e38)
        return INFINITY;
    float f = (float)v;
    return (double)f < v ? nextafterf(f, INFINITY) : f;
}

#endif /* GK_CORE_INTERNAL_H */
