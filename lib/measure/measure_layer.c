/*
 * lib/measure/measure_layer.c - measure a whole layer the way a user means
 * it: pick the method from the CRS (ellipsoid for longitude/latitude, plane
 * for projected data), validate first, and total with compensated sums.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crs/crs_internal.h"
#include "geokota/measure.h"
#include "io/io_internal.h"

void gk_measure_result_free(gk_measure_result_t *r)
{
    if (!r)
        return;
    free(r->area_m2);
    free(r->perimeter_m);
    free(r->length_m);
    free(r->invalid);
    free(r->problems);
    free(r);
}

/* Neumaier's compensated sum: totals of many features stay exact to the
 * last bits whatever the order of magnitudes. */
typedef struct ksum {
    double s, c;
} ksum_t;

static void ksum_add(ksum_t *k, double v)
{
    double t = k->s + v;
    if (fabs(k->s) >= fabs(v))
        k->c += (k->s - t) + v;
    else
        k->c += (v - t) + k->s;
    k->s = t;
}

static double ksum_value(const ksum_t *k)
{
    return k->s + k->c;
}

/* Copy of the layer's coordinates in the geographic CRS of its datum, for
 * geodesic measurement of projected data. */
static gk_status_t to_geographic(gk_context_t *ctx, const gk_layer_t *l,
                                 gk_crs_t **geo, double **xy)
{
    gk_geoms_t g = gk_layer_geoms(l);
    size_t nv = gk_geoms_num_vertices(&g);
    gk_status_t st = gk_crs_geographic(ctx, l->crs, geo);
    if (st != GK_OK)
        return st;
    *xy = gk_calloc_array(2 * nv, sizeof(double));
    if (!*xy)
        return gk_error_nomem(ctx, "projected coordinates");
    if (nv)
        memcpy(*xy, g.xy, 2 * nv * sizeof(double));
    gk_transform_t *t = NULL;
    st = gk_transform_new(ctx, l->crs, *geo, &t);
    if (st == GK_OK)
        st = gk_transform_xy(ctx, t, *xy, nv, false);
    gk_transform_free(t);
    return st;
}

static gk_status_t choose_method(gk_context_t *ctx, const gk_layer_t *l,
                                 const gk_measure_layer_opts_t *o,
                                 gk_measure_method_t *method)
{
    char label[512];
    gk_layer_label(l, label, sizeof label);
    bool geographic = l->crs->geographic;
    *method = o->method ? o->method
                        : geographic ? GK_MEASURE_GEODESIC : GK_MEASURE_PLANAR;
    if (*method == GK_MEASURE_PLANAR && geographic)
        return gk_error(ctx, GK_ERR_CRS,
                        "%s: planar measurement of longitude/latitude "
                        "degrees is meaningless; measure geodesically or "
                        "project the data first",
                        label);
    if (*method == GK_MEASURE_PLANAR && o->ground_area && !l->crs->equal_area)
        gk_log(ctx, GK_LOG_WARNING,
               "%s: areas are measured in the plane of %s, which is not "
               "equal-area, so they differ from true ground area by the "
               "projection's scale (UTM: -0.08%% to +0.19%%); use the "
               "geodesic method for ground area",
               label, l->crs->authority[0] ? l->crs->authority : l->crs->name);
    return GK_OK;
}

static gk_status_t validate(gk_context_t *ctx, const gk_layer_t *l,
                            const gk_measure_layer_opts_t *o,
                            gk_measure_result_t *r)
{
    gk_validate_opts_t vo = {.skip_geos = o->skip_geos};
    gk_status_t st = gk_layer_validate(ctx, l, &vo, &r->invalid);
    if (st == GK_OK || GK_STATUS_PRIMARY(st) != GK_ERR_INPUT ||
        !o->skip_invalid)
        return st;
    /* Keep the reason of each skipped feature for the report. */
    gk_clear_error(ctx);
    size_t used = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (!r->invalid[i])
            continue;
        gk_status_t code;
        char *why = gk_layer_feature_problem(ctx, l, i, &vo, &code);
        char line[600];
        int n = snprintf(line, sizeof line, "feature %lld: %s\n",
                         (long long)l->fids[i], why ? why : "invalid");
        gk_free(why);
        char *p = realloc(r->problems, used + (size_t)n + 1);
        if (!p)
            return gk_error_nomem(ctx, "the list of invalid features");
        r->problems = p;
        memcpy(p + used, line, (size_t)n + 1);
        used += (size_t)n;
        r->num_invalid++;
    }
    return GK_OK;
}

static gk_status_t measure(gk_context_t *ctx, const gk_layer_t *l,
                           gk_measure_result_t *r)
{
    gk_geoms_t g = gk_layer_geoms(l);
    gk_crs_t *geo = NULL;
    double *xy = NULL;
    gk_geodesic_t *geod = NULL;
    gk_status_t st = GK_OK;
    gk_measure_opts_t mo = {.method = r->method,
                            .unit_to_m = l->crs->unit_to_m};
    if (r->method == GK_MEASURE_GEODESIC) {
        const gk_crs_t *on = l->crs;
        if (!l->crs->geographic) {
            st = to_geographic(ctx, l, &geo, &xy);
            g.xy = xy;
            on = geo;
        }
        if (st == GK_OK)
            st = gk_geodesic_new(ctx, (gk_ellipsoid_t){on->a, on->f}, &geod);
        mo.geodesic = geod;
    }
    /* Invalid features (when skipped) are measured as empty. */
    uint8_t *types = NULL;
    if (st == GK_OK && r->num_invalid) {
        types = malloc(g.ngeoms);
        if (!types)
            st = gk_error_nomem(ctx, "geometry types");
        else
            for (size_t i = 0; i < g.ngeoms; i++)
                types[i] = r->invalid[i] ? GK_GEOM_NONE : g.types[i];
        g.types = types;
    }
    if (st == GK_OK)
        st = gk_measure_geoms(ctx, &g, &mo, r->area_m2, r->perimeter_m,
                              r->length_m);
    free(types);
    gk_geodesic_free(geod);
    gk_crs_free(geo);
    free(xy);
    return st;
}

gk_status_t gk_measure_layer(gk_context_t *ctx, const gk_layer_t *l,
                             const gk_measure_layer_opts_t *opts,
                             gk_measure_result_t **out)
{
    if (!ctx || !l || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_measure_layer: NULL argument");
    *out = NULL;
    gk_measure_layer_opts_t defaults = {0};
    const gk_measure_layer_opts_t *o = opts ? opts : &defaults;
    char label[512];
    if (!l->crs)
        return gk_error(ctx, GK_ERR_CRS,
                        "%s: no CRS (see gk_layer_require_crs)",
                        gk_layer_label(l, label, sizeof label));
    gk_measure_result_t *r = calloc(1, sizeof *r);
    if (!r)
        return gk_error_nomem(ctx, "a measurement");
    r->n = gk_layer_num_features(l);
    r->area_m2 = gk_calloc_array(r->n, sizeof(double));
    r->perimeter_m = gk_calloc_array(r->n, sizeof(double));
    r->length_m = gk_calloc_array(r->n, sizeof(double));
    snprintf(r->crs, sizeof r->crs, "%s",
             l->crs->authority[0] ? l->crs->authority : l->crs->name);
    gk_status_t st = !r->area_m2 || !r->perimeter_m || !r->length_m
                         ? gk_error_nomem(ctx, "measurements")
                         : choose_method(ctx, l, o, &r->method);
    if (st == GK_OK)
        st = validate(ctx, l, o, r);
    if (st == GK_OK)
        st = measure(ctx, l, r);
    if (st != GK_OK) {
        gk_measure_result_free(r);
        return st;
    }
    ksum_t a = {0, 0}, p = {0, 0}, len = {0, 0};
    for (size_t i = 0; i < r->n; i++) {
        if (r->invalid && r->invalid[i]) {
            r->area_m2[i] = r->perimeter_m[i] = r->length_m[i] = NAN;
            continue;
        }
        ksum_add(&a, r->area_m2[i]);
        ksum_add(&p, r->perimeter_m[i]);
        ksum_add(&len, r->length_m[i]);
        r->count++;
    }
    r->total_area_m2 = ksum_value(&a);
    r->total_perimeter_m = ksum_value(&p);
    r->total_length_m = ksum_value(&len);
    *out = r;
    return GK_OK;
}
