/*
 * lib/core/context.c - the per-thread context and the PROJ, GEOS and GDAL
 * plumbing behind it.
 *
 * PROJ and GEOS handles are created on first use so that a context that only
 * runs kernels or the R-tree costs one small allocation. Their messages are
 * captured into the context: the library never prints.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>

#include "core_internal.h"

gk_status_t gk_context_new(gk_context_t **out)
{
    if (!out)
        return GK_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? GK_OK : GK_ERR_NOMEM;
}

void gk_context_free(gk_context_t *ctx)
{
    if (!ctx)
        return;
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    free(ctx);
}

void gk_context_set_logger(gk_context_t *ctx, gk_log_fn fn, void *user)
{
    if (ctx) {
        ctx->log_fn = fn;
        ctx->log_user = user;
    }
}

void gk_context_set_progress(gk_context_t *ctx, gk_progress_fn fn, void *user)
{
    if (ctx) {
        ctx->progress_fn = fn;
        ctx->progress_user = user;
    }
}

void gk_free(void *ptr)
{
    free(ptr);
}

static void proj_message(void *user, int level, const char *msg)
{
    (void)level;
    gk_ctx_set_depmsg(user, msg);
}

PJ_CONTEXT *gk_ctx_proj(gk_context_t *ctx)
{
    if (ctx->proj)
        return ctx->proj;
    ctx->proj = proj_context_create();
    if (!ctx->proj) {
        gk_error(ctx, GK_ERR_DEP, "PROJ: cannot create a context");
        return NULL;
    }
    proj_log_func(ctx->proj, ctx, proj_message);
    proj_log_level(ctx->proj, PJ_LOG_ERROR);
    return ctx->proj;
}

static void geos_message(const char *msg, void *user)
{
    gk_ctx_set_depmsg(user, msg);
}

GEOSContextHandle_t gk_ctx_geos(gk_context_t *ctx)
{
    if (ctx->geos)
        return ctx->geos;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos) {
        gk_error(ctx, GK_ERR_DEP, "GEOS: cannot create a context");
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_message, ctx);
    return ctx->geos;
}

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void gdal_register(void)
{
    GDALAllRegister();
}

void gk_gdal_init(void)
{
    pthread_once(&gdal_once, gdal_register);
}

static void CPL_STDCALL gdal_message(CPLErr level, CPLErrorNum num,
                                     const char *msg)
{
    (void)num;
    gk_context_t *ctx = CPLGetErrorHandlerUserData();
    if (ctx && level >= CE_Warning)
        gk_ctx_set_depmsg(ctx, msg);
}

void gk_gdal_enter(gk_context_t *ctx)
{
    gk_gdal_init();
    /* GDAL keeps its handler stack per thread, so this is safe while other
     * threads do the same with their own contexts. */
    CPLPushErrorHandlerEx(gdal_message, ctx);
    ctx->dep_msg[0] = '\0';
}

void gk_gdal_leave(gk_context_t *ctx)
{
    (void)ctx;
    CPLPopErrorHandler();
}
