/*
 * tests/core/test_core.c - context, errors, versions.
 */
#include <stdbool.h>
#include <string.h>

#include "core/core_internal.h"
#include "tap.h"

static int logged;
static void count_log(gk_log_level_t level, const char *msg, void *user)
{
    (void)level;
    (void)msg;
    (*(int *)user)++;
}

static bool stop_at_half(double fraction, const char *stage, void *user)
{
    (void)stage;
    (void)user;
    return fraction < 0.5;
}

int main(void)
{
    gk_context_t *ctx = NULL;
    is_int(gk_context_new(NULL), GK_ERR_ARG, "context_new(NULL) is ARG");
    is_int(gk_context_new(&ctx), GK_OK, "context_new succeeds");
    is_int(gk_errcode(ctx), GK_OK, "a new context has no error");
    is_str(gk_errmsg(ctx), "", "and an empty message");

    gk_status_t st = gk_error(ctx, GK_ERR_INPUT_NAN,
                              "%s: feature %d: x is NaN", "roads.geojson", 17);
    is_int(st, GK_ERR_INPUT_NAN, "gk_error returns its code");
    is_int(GK_STATUS_PRIMARY(gk_errcode(ctx)), GK_ERR_INPUT,
           "extended code maps to its primary class");
    is_str(gk_errmsg(ctx), "roads.geojson: feature 17: x is NaN",
           "message is formatted");
    gk_clear_error(ctx);
    is_int(gk_errcode(ctx), GK_OK, "clear_error clears");

    is_str(gk_status_str(GK_ERR_INPUT_UNCLOSED_RING), "ring not closed",
           "status_str names extended codes");
    is_str(gk_status_str((gk_status_t)(GK_ERR_INPUT | (200 << 8))),
           "invalid input", "unknown extended code falls back to its class");

    gk_log(ctx, GK_LOG_WARNING, "dropped without a logger");
    gk_context_set_logger(ctx, count_log, &logged);
    gk_log(ctx, GK_LOG_WARNING, "counted %d", 1);
    is_int(logged, 1, "logger receives messages");

    ok(gk_progress(ctx, 0.9, "x"), "progress without callback continues");
    gk_context_set_progress(ctx, stop_at_half, NULL);
    ok(gk_progress(ctx, 0.1, "measure"), "callback continues below half");
    ok(!gk_progress(ctx, 0.6, "measure"), "callback stops");
    is_int(gk_errcode(ctx), GK_ERR_INTERRUPTED, "stop sets INTERRUPTED");

    ok(gk_ctx_proj(ctx) != NULL, "PROJ context created lazily");
    ok(gk_ctx_geos(ctx) != NULL, "GEOS context created lazily");

    is_str(gk_version(), GK_VERSION_STRING, "runtime version matches header");
    is_int(gk_version_number(), GK_VERSION_NUMBER, "version number matches");
    has_str(gk_build_info(), "PROJ", "build info names PROJ");
    has_str(gk_build_info(), "GEOS", "build info names GEOS");

    gk_context_free(ctx);
    gk_context_free(NULL);
    ok(1, "context_free(NULL) is a no-op");
    return done_testing();
}
