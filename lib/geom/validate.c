/*
 * lib/geom/validate.c - report invalid input instead of using it silently:
 * non-finite coordinates, empty geometries, too few points, unclosed rings,
 * and GEOS validity (self-intersections, with GEOS's reason and location).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geos_internal.h"
#include "io/io_internal.h"

typedef struct problem {
    gk_status_t code;
    char text[384];
} problem_t;

static bool set(problem_t *p, gk_status_t code, const char *fmt, ...)
    GK_PRINTF(3, 4);
static bool set(problem_t *p, gk_status_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p->code = code;
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
    return false;
}

/* Structural checks that need no GEOS; false with the problem set. */
static bool check_structure(const gk_geoms_t *g, size_t i, problem_t *p)
{
    gk_geom_type_t t = (gk_geom_type_t)g->types[i];
    gk_geom_type_t base = gk_geom_type_base(t);
    int64_t p0 = g->geom_off[i], p1 = g->geom_off[i + 1];
    if (t == GK_GEOM_NONE || p0 == p1)
        return set(p, GK_ERR_INPUT_EMPTY, "empty or missing geometry");
    int64_t ring_no = 0;
    for (int64_t part = p0; part < p1; part++) {
        for (int64_t r = g->part_off[part]; r < g->part_off[part + 1];
             r++, ring_no++) {
            int64_t v0 = g->ring_off[r], v1 = g->ring_off[r + 1];
            for (int64_t v = v0; v < v1; v++)
                if (!isfinite(g->xy[2 * v]) || !isfinite(g->xy[2 * v + 1]))
                    return set(p, GK_ERR_INPUT_NAN,
                               "%s %lld, vertex %lld: coordinate is not a "
                               "finite number (%g, %g)",
                               base == GK_GEOM_POLYGON     ? "ring"
                               : base == GK_GEOM_LINESTRING ? "line"
                                                            : "point",
                               (long long)ring_no, (long long)(v - v0),
                               g->xy[2 * v], g->xy[2 * v + 1]);
            int64_t n = v1 - v0;
            if (base == GK_GEOM_LINESTRING && n < 2)
                return set(p, GK_ERR_INPUT_TOO_FEW_POINTS,
                           "line %lld has %lld point%s (at least 2 needed)",
                           (long long)(part - p0), (long long)n,
                           n == 1 ? "" : "s");
            if (base != GK_GEOM_POLYGON)
                continue;
            if (n < 4)
                return set(p, GK_ERR_INPUT_TOO_FEW_POINTS,
                           "ring %lld has %lld points (a closed ring needs "
                           "at least 4)", (long long)ring_no, (long long)n);
            const double *a = g->xy + 2 * v0, *b = g->xy + 2 * (v1 - 1);
            if (a[0] != b[0] || a[1] != b[1])
                return set(p, GK_ERR_INPUT_UNCLOSED_RING,
                           "ring %lld not closed (first %.9g,%.9g != last "
                           "%.9g,%.9g)", (long long)ring_no, a[0], a[1],
                           b[0], b[1]);
        }
    }
    return true;
}

static bool check_geos(gk_context_t *ctx, const gk_geoms_t *g, size_t i,
                       problem_t *p)
{
    if (gk_geom_type_base((gk_geom_type_t)g->types[i]) != GK_GEOM_POLYGON)
        return true;
    GEOSContextHandle_t h = gk_ctx_geos(ctx);
    if (!h)
        return set(p, GK_ERR_DEP, "GEOS is not available");
    GEOSGeometry *geom = gk_geos_from_feature(h, g, i);
    if (!geom)
        return set(p, GK_ERR_INPUT_INVALID, "GEOS cannot build it: %s",
                   gk_ctx_depmsg(ctx));
    char *reason = NULL;
    GEOSGeometry *where = NULL;
    char valid = GEOSisValidDetail_r(h, geom, 0, &reason, &where);
    bool okv = true;
    if (valid == 0) {
        double x = NAN, y = NAN;
        if (where) {
            GEOSGeomGetX_r(h, where, &x);
            GEOSGeomGetY_r(h, where, &y);
        }
        bool self = reason && strstr(reason, "elf-intersection");
        okv = set(p, self ? GK_ERR_INPUT_SELF_INTERSECTION
                          : GK_ERR_INPUT_INVALID,
                  "invalid polygon: %s at or near %.9g,%.9g",
                  reason ? reason : "unknown reason", x, y);
    } else if (valid != 1) {
        okv = set(p, GK_ERR_DEP, "GEOS validity check failed: %s",
                  gk_ctx_depmsg(ctx));
    }
    GEOSFree_r(h, reason);
    if (where)
        GEOSGeom_destroy_r(h, where);
    GEOSGeom_destroy_r(h, geom);
    return okv;
}

static bool feature_ok(gk_context_t *ctx, const gk_geoms_t *g, size_t i,
                       const gk_validate_opts_t *opts, problem_t *p)
{
    return check_structure(g, i, p) &&
           (opts->skip_geos || check_geos(ctx, g, i, p));
}

char *gk_layer_feature_problem(gk_context_t *ctx, const gk_layer_t *l,
                               size_t i, const gk_validate_opts_t *opts,
                               gk_status_t *code)
{
    gk_validate_opts_t defaults = {0};
    problem_t p = {GK_OK, ""};
    gk_geoms_t g = gk_layer_geoms(l);
    if (code)
        *code = GK_OK;
    if (i >= g.ngeoms || feature_ok(ctx, &g, i, opts ? opts : &defaults, &p))
        return NULL;
    if (code)
        *code = p.code;
    return gk_strdup(p.text);
}

gk_status_t gk_layer_validate(gk_context_t *ctx, const gk_layer_t *l,
                              const gk_validate_opts_t *opts, bool **bad)
{
    if (!ctx || !l)
        return gk_error(ctx, GK_ERR_ARG, "gk_layer_validate: NULL argument");
    gk_validate_opts_t defaults = {0};
    if (!opts)
        opts = &defaults;
    gk_geoms_t g = gk_layer_geoms(l);
    bool *flags = NULL;
    if (bad) {
        *bad = NULL;
        flags = calloc(g.ngeoms ? g.ngeoms : 1, sizeof *flags);
        if (!flags)
            return gk_error_nomem(ctx, "validation flags");
    }
    gk_status_t first = GK_OK;
    char label[512];
    for (size_t i = 0; i < g.ngeoms; i++) {
        problem_t p = {GK_OK, ""};
        if (feature_ok(ctx, &g, i, opts, &p))
            continue;
        if (flags)
            flags[i] = true;
        if (first == GK_OK)
            first = gk_error(ctx, p.code, "%s: feature %lld: %s",
                             gk_layer_label(l, label, sizeof label),
                             (long long)l->fids[i], p.text);
        if (!flags)
            break;
    }
    if (bad)
        *bad = flags;
    return first;
}
