/*
 * lib/crs/crs.c - CRS descriptions and transformations through PROJ.
 *
 * A gk_crs_t keeps only plain facts extracted once from PROJ (text, ellipsoid,
 * units, kind), so it needs no PROJ context afterwards and threads can share
 * it. Transformations are created per context, never per feature.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"
#include "crs_internal.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

void gk_crs_free(gk_crs_t *crs)
{
    if (!crs)
        return;
    free(crs->wkt);
    free(crs->name);
    free(crs->authority);
    free(crs);
}

/* Projection methods whose maps preserve area. PROJ names them in EPSG or
 * PROJ terms; matching "equal area" covers Albers, both Lambert variants,
 * "Equal Earth" is named separately. */
static bool method_is_equal_area(const char *method)
{
    static const char *const names[] = {"Equal Area", "equal area",
                                        "Equal Earth", "Mollweide",
                                        "Sinusoidal", "Eckert IV",
                                        "Goode Homolosine", "Hammer"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (method && strstr(method, names[i]))
            return true;
    return false;
}

/* Reduce bound and compound CRSs to the horizontal CRS. Returns a new PJ
 * (the caller destroys both) or NULL. */
static PJ *horizontal(PJ_CONTEXT *pc, PJ *crs)
{
    PJ_TYPE type = proj_get_type(crs);
    if (type == PJ_TYPE_BOUND_CRS)
        return proj_get_source_crs(pc, crs);
    if (type == PJ_TYPE_COMPOUND_CRS)
        return proj_crs_get_sub_crs(pc, crs, 0);
    return proj_clone(pc, crs);
}

static gk_status_t describe(gk_context_t *ctx, PJ_CONTEXT *pc, PJ *h,
                            const char *definition, gk_crs_t *crs)
{
    PJ_TYPE type = proj_get_type(h);
    crs->geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
                      type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
    if (!crs->geographic && type != PJ_TYPE_PROJECTED_CRS)
        return gk_error(ctx, GK_ERR_CRS,
                        "CRS \"%.80s\": neither geographic nor projected",
                        definition);

    const char *opts[] = {"MULTILINE=NO", NULL};
    crs->wkt = dup_str(proj_as_wkt(pc, h, PJ_WKT2_2019, opts));
    crs->name = dup_str(proj_get_name(h));
    const char *auth = proj_get_id_auth_name(h, 0);
    const char *code = proj_get_id_code(h, 0);
    size_t n = auth && code ? strlen(auth) + strlen(code) + 2 : 1;
    crs->authority = malloc(n);
    if (!crs->wkt || !crs->name || !crs->authority)
        return gk_error_nomem(ctx, "a CRS description");
    if (auth && code)
        snprintf(crs->authority, n, "%s:%s", auth, code);
    else
        crs->authority[0] = '\0';

    PJ *ellps = proj_get_ellipsoid(pc, h);
    double a = NAN, b = NAN, invf = NAN;
    int b_computed = 0;
    if (!ellps || !proj_ellipsoid_get_parameters(pc, ellps, &a, &b,
                                                 &b_computed, &invf)) {
        proj_destroy(ellps);
        return gk_error(ctx, GK_ERR_CRS, "CRS \"%s\": no ellipsoid",
                        crs->name);
    }
    proj_destroy(ellps);
    crs->a = a;
    crs->f = invf > 0 ? 1.0 / invf : 0.0;

    crs->unit_to_m = 0;
    if (!crs->geographic) {
        PJ *cs = proj_crs_get_coordinate_system(pc, h);
        double factor = 0;
        if (cs)
            proj_cs_get_axis_info(pc, cs, 0, NULL, NULL, NULL, &factor, NULL,
                                  NULL, NULL);
        proj_destroy(cs);
        crs->unit_to_m = factor > 0 ? factor : 1.0;
        PJ *op = proj_crs_get_coordoperation(pc, h);
        const char *method = NULL;
        if (op)
            proj_coordoperation_get_method_info(pc, op, &method, NULL, NULL);
        crs->equal_area = method_is_equal_area(method);
        proj_destroy(op);
    }
    return GK_OK;
}

gk_status_t gk_crs_from_string(gk_context_t *ctx, const char *definition,
                               gk_crs_t **out)
{
    if (!ctx || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_crs_from_string: NULL argument");
    *out = NULL;
    if (!definition || !*definition)
        return gk_error(ctx, GK_ERR_CRS, "empty CRS definition");
    PJ_CONTEXT *pc = gk_ctx_proj(ctx);
    if (!pc)
        return gk_errcode(ctx);
    PJ *pj = proj_create(pc, definition);
    if (!pj || !proj_is_crs(pj)) {
        proj_destroy(pj);
        return gk_error(ctx, GK_ERR_CRS, "unknown CRS \"%.80s\"%s%s",
                        definition, *gk_ctx_depmsg(ctx) ? ": " : "",
                        gk_ctx_depmsg(ctx));
    }
    PJ *h = horizontal(pc, pj);
    proj_destroy(pj);
    if (!h)
        return gk_error(ctx, GK_ERR_CRS, "CRS \"%.80s\": no horizontal part",
                        definition);
    gk_crs_t *crs = calloc(1, sizeof *crs);
    gk_status_t st = crs ? describe(ctx, pc, h, definition, crs)
                         : gk_error_nomem(ctx, "a CRS");
    proj_destroy(h);
    if (st != GK_OK) {
        gk_crs_free(crs);
        return st;
    }
    *out = crs;
    return GK_OK;
}

gk_status_t gk_crs_geographic(gk_context_t *ctx, const gk_crs_t *crs,
                              gk_crs_t **out)
{
    if (!ctx || !crs || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_crs_geographic: NULL argument");
    if (crs->geographic)
        return gk_crs_copy(ctx, crs, out);
    *out = NULL;
    PJ_CONTEXT *pc = gk_ctx_proj(ctx);
    if (!pc)
        return gk_errcode(ctx);
    PJ *pj = proj_create(pc, crs->wkt);
    PJ *geo = pj ? proj_crs_get_geodetic_crs(pc, pj) : NULL;
    proj_destroy(pj);
    if (!geo)
        return gk_error(ctx, GK_ERR_CRS, "CRS \"%s\": no geographic base",
                        crs->name);
    const char *opts[] = {"MULTILINE=NO", NULL};
    const char *wkt = proj_as_wkt(pc, geo, PJ_WKT2_2019, opts);
    gk_status_t st = wkt ? gk_crs_from_string(ctx, wkt, out)
                         : gk_error(ctx, GK_ERR_CRS,
                                    "CRS \"%s\": base CRS has no WKT",
                                    crs->name);
    proj_destroy(geo);
    return st;
}

gk_status_t gk_crs_copy(gk_context_t *ctx, const gk_crs_t *crs,
                        gk_crs_t **out)
{
    if (!crs || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_crs_copy: NULL argument");
    gk_crs_t *c = malloc(sizeof *c);
    if (!c)
        return gk_error_nomem(ctx, "a CRS");
    *c = *crs;
    c->wkt = dup_str(crs->wkt);
    c->name = dup_str(crs->name);
    c->authority = dup_str(crs->authority);
    if (!c->wkt || !c->name || !c->authority) {
        gk_crs_free(c);
        return gk_error_nomem(ctx, "a CRS");
    }
    *out = c;
    return GK_OK;
}

const char *gk_crs_name(const gk_crs_t *crs)
{
    return crs ? crs->name : "";
}

const char *gk_crs_authority(const gk_crs_t *crs)
{
    return crs ? crs->authority : "";
}

const char *gk_crs_wkt(const gk_crs_t *crs)
{
    return crs ? crs->wkt : "";
}

bool gk_crs_is_geographic(const gk_crs_t *crs)
{
    return crs && crs->geographic;
}

bool gk_crs_is_equal_area(const gk_crs_t *crs)
{
    return crs && crs->equal_area;
}

void gk_crs_ellipsoid(const gk_crs_t *crs, double *a, double *f)
{
    if (a)
        *a = crs ? crs->a : NAN;
    if (f)
        *f = crs ? crs->f : NAN;
}

double gk_crs_unit_to_m(const gk_crs_t *crs)
{
    return crs ? crs->unit_to_m : 0;
}

struct gk_transform {
    PJ *pj;
};

gk_status_t gk_transform_new(gk_context_t *ctx, const gk_crs_t *src,
                             const gk_crs_t *dst, gk_transform_t **out)
{
    if (!ctx || !src || !dst || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_transform_new: NULL argument");
    *out = NULL;
    PJ_CONTEXT *pc = gk_ctx_proj(ctx);
    if (!pc)
        return gk_errcode(ctx);
    PJ *raw = proj_create_crs_to_crs(pc, src->wkt, dst->wkt, NULL);
    PJ *pj = raw ? proj_normalize_for_visualization(pc, raw) : NULL;
    proj_destroy(raw);
    if (!pj)
        return gk_error(ctx, GK_ERR_CRS, "no transformation from %s to %s%s%s",
                        src->name, dst->name, *gk_ctx_depmsg(ctx) ? ": " : "",
                        gk_ctx_depmsg(ctx));
    gk_transform_t *t = malloc(sizeof *t);
    if (!t) {
        proj_destroy(pj);
        return gk_error_nomem(ctx, "a transformation");
    }
    t->pj = pj;
    *out = t;
    return GK_OK;
}

void gk_transform_free(gk_transform_t *t)
{
    if (!t)
        return;
    proj_destroy(t->pj);
    free(t);
}

gk_status_t gk_transform_xy(gk_context_t *ctx, const gk_transform_t *t,
                            double *xy, size_t n, bool inverse)
{
    if (!ctx || !t || (!xy && n))
        return gk_error(ctx, GK_ERR_ARG, "gk_transform_xy: NULL argument");
    if (n == 0)
        return GK_OK;
    size_t stride = 2 * sizeof(double);
    size_t done = proj_trans_generic(t->pj, inverse ? PJ_INV : PJ_FWD, xy,
                                     stride, n, xy + 1, stride, n, NULL, 0, 0,
                                     NULL, 0, 0);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1]) || done != n)
            return gk_error(ctx, GK_ERR_CRS,
                            "point %zu cannot be transformed%s%s", i,
                            *gk_ctx_depmsg(ctx) ? ": " : "",
                            gk_ctx_depmsg(ctx));
    }
    return GK_OK;
}
