/*
 * geokota/common.h - status codes, the context, and the small value types
 * every module shares.
 *
 * Include <geokota/geokota.h> rather than this file.
 */
#ifndef GEOKOTA_COMMON_H
#define GEOKOTA_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "geokota/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup status Status codes
 *
 * Every fallible function returns a gk_status_t. The low byte is the primary
 * class (switch on GK_STATUS_PRIMARY(code)); extended codes add detail in the
 * higher bits, as SQLite does. The numbers are stable forever.
 * @{
 */
typedef enum gk_status {
    GK_OK = 0,
    GK_ERR_NOMEM = 1,       /**< out of memory; nothing was changed */
    GK_ERR_ARG = 2,         /**< API misuse: NULL handle, bad option value */
    GK_ERR_INPUT = 3,       /**< invalid data in an input file or array */
    GK_ERR_IO = 4,          /**< a file could not be read or written */
    GK_ERR_FORMAT = 5,      /**< a file is truncated, corrupt or foreign */
    GK_ERR_CRS = 6,         /**< missing, unknown or unusable CRS */
    GK_ERR_UNSUPPORTED = 7, /**< valid input this version cannot handle */
    GK_ERR_DEP = 8,         /**< GDAL, PROJ, GEOS or SQLite failed */
    GK_ERR_INTERRUPTED = 9, /**< the progress callback asked to stop */
    GK_ERR_INTERNAL = 10,   /**< a bug in geokota; please report it */

    GK_ERR_INPUT_NAN = GK_ERR_INPUT | (1 << 8), /**< NaN or infinite value */
    GK_ERR_INPUT_UNCLOSED_RING = GK_ERR_INPUT | (2 << 8),
    GK_ERR_INPUT_EMPTY = GK_ERR_INPUT | (3 << 8),
    GK_ERR_INPUT_SELF_INTERSECTION = GK_ERR_INPUT | (4 << 8),
    GK_ERR_INPUT_TOO_FEW_POINTS = GK_ERR_INPUT | (5 << 8),
    GK_ERR_INPUT_GEOM_TYPE = GK_ERR_INPUT | (6 << 8), /**< wrong kind */
    GK_ERR_INPUT_FIELD = GK_ERR_INPUT | (7 << 8), /**< missing/bad attribute */
    GK_ERR_INPUT_INVALID = GK_ERR_INPUT | (8 << 8), /**< other invalidity */
    GK_ERR_INPUT_VALUE = GK_ERR_INPUT | (9 << 8), /**< value out of range */
} gk_status_t;

/** The primary class of a status code (GK_ERR_INPUT_NAN -> GK_ERR_INPUT). */
#define GK_STATUS_PRIMARY(code) ((gk_status_t)((code) & 0xff))

/** Fixed English text for a status code; never NULL, never freed. */
GK_API const char *gk_status_str(gk_status_t code);
/** @} */

/**
 * @defgroup values Small value types
 * Plain structs passed by value. A gk_box_t array has exactly the layout of
 * a C-contiguous numpy (n, 4) float64 array; a gk_xy_t array that of (n, 2).
 * @{
 */
typedef struct gk_xy {
    double x, y;
} gk_xy_t;

typedef struct gk_box {
    double xmin, ymin, xmax, ymax;
} gk_box_t;
/** @} */

/**
 * @defgroup context The context
 *
 * A gk_context_t carries the last error, the logger and the progress
 * callback, and the PROJ and GEOS handles the library creates lazily.
 *
 * Thread safety: a context is used by one thread at a time; give each thread
 * its own (they are cheap: one small allocation until PROJ or GEOS is
 * needed). Objects documented as read-only after creation (a built index, a
 * catalog, a CRS) may be shared by any number of threads, each using its own
 * context. There is no global mutable state in geokota.
 * @{
 */
typedef struct gk_context gk_context_t;

/** Severity of a message passed to the logger. */
typedef enum gk_log_level {
    GK_LOG_DEBUG = 0,
    GK_LOG_INFO = 1,
    GK_LOG_WARNING = 2,
} gk_log_level_t;

/** Receives diagnostics that are not errors (e.g. "CRS is not equal-area").
 *  @p msg is valid only during the call. */
typedef void (*gk_log_fn)(gk_log_level_t level, const char *msg, void *user);

/** Called on long work with the fraction done (0..1) and a short stage name;
 *  return false to stop (the running function then returns
 *  GK_ERR_INTERRUPTED and leaves nothing half-written). */
typedef bool (*gk_progress_fn)(double fraction, const char *stage, void *user);

/**
 * Create a context.
 * @param[out] out  the new context; the caller frees it with
 *                  gk_context_free(). Set to NULL on failure.
 * @return GK_OK, GK_ERR_ARG if @p out is NULL, or GK_ERR_NOMEM.
 * @since 0.1
 */
GK_API gk_status_t gk_context_new(gk_context_t **out);

/** Free a context and the PROJ/GEOS handles it owns. NULL is a no-op. */
GK_API void gk_context_free(gk_context_t *ctx);

/** Install (or with NULL remove) the logger. Without one, messages are
 *  dropped: the library never prints. */
GK_API void gk_context_set_logger(gk_context_t *ctx, gk_log_fn fn, void *user);

/** Install (or with NULL remove) the progress and cancel callback. */
GK_API void gk_context_set_progress(gk_context_t *ctx, gk_progress_fn fn,
                                    void *user);

/** Code of the last error on @p ctx (GK_OK if none since gk_clear_error). */
GK_API gk_status_t gk_errcode(const gk_context_t *ctx);

/**
 * Message of the last error: "<input>: <where>: <what> (<detail>)", naming
 * the file, layer, feature, ring, vertex and value where known. Owned by the
 * context, valid until the next call on it; "" when there is no error.
 */
GK_API const char *gk_errmsg(const gk_context_t *ctx);

/** Forget the last error. */
GK_API void gk_clear_error(gk_context_t *ctx);

/** Free memory that a geokota function returned as "free with gk_free()".
 *  NULL is a no-op. */
GK_API void gk_free(void *ptr);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_COMMON_H */
