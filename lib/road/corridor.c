/*
 * lib/road/corridor.c - road corridors and their first-come shares of the
 * union.
 *
 * Method. Centerlines are transformed once into a transverse Mercator plane
 * centred on the data (k0 = 1). Each road is buffered there by GEOS with
 * flat ends and mitred joins: a mitre join's outer gain equals its inner
 * overlap, so the buffer of a single polyline has area exactly length x
 * width in the plane. The width is multiplied by the projection's point
 * scale at the road, k = 1 + x^2 / (2 M N) (x the road's distance from the
 * central meridian; the neglected terms are O(x^4/R^4) < 1e-11 for x < 20
 * km), so that the corridor is w wide on the ground. Each road's share is
 * its corridor minus the union of the earlier corridors it meets (found
 * with geokota's R-tree). The share polygon is densified to 50 m edges,
 * transformed back to longitude/latitude and measured on the ellipsoid with
 * the geodesic kernels. (This file prepares the roads; corridor_shares.c
 * computes the shares, by threads, and when no polygons are wanted without
 * overlays, measuring in the plane with the exact area scale,
 * corridor_area.c; corridor_ref.c keeps the original path as the oracle.)
 *
 * Error bound for a single straight road of length L: the scale k varies
 * along the road, and using its value at the centre leaves a relative error
 * of about (L/R)^2/12 (2e-9 for L = 1 km); densified edges make the
 * difference between straight plane edges and geodesics negligible
 * (curvature x/R^2 over 50 m edges: < 1e-12 relative).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_internal.h"
#include "road_internal.h"

#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

void gk_corridors_free(gk_corridors_t *c)
{
    if (!c)
        return;
    gk_geomcol_clear(&c->plane);
    free(c->skip);
    free(c->length_m);
    free(c->scale);
    free(c->fids);
    gk_crs_free(c->geo);
    gk_crs_free(c->plane_crs);
    gk_transform_free(c->to_plane);
    gk_geodesic_free(c->geod);
    free(c);
}

const double *gk_corridors_length_m(const gk_corridors_t *c)
{
    return c->length_m;
}

/* Check every feature is a line (or marked to skip). */
static gk_status_t check_types(gk_context_t *ctx, const gk_layer_t *l,
                               const bool *skip, gk_corridors_t *c)
{
    gk_geoms_t g = gk_layer_geoms(l);
    for (size_t i = 0; i < g.ngeoms; i++) {
        c->skip[i] = skip && skip[i];
        if (c->skip[i])
            continue;
        gk_geom_type_t t = (gk_geom_type_t)g.types[i];
        if (t == GK_GEOM_NONE || g.geom_off[i] == g.geom_off[i + 1])
            return gk_error(ctx, GK_ERR_INPUT_EMPTY,
                            "%s: feature %lld: empty or missing geometry",
                            c->label, (long long)l->fids[i]);
        if (gk_geom_type_base(t) != GK_GEOM_LINESTRING)
            return gk_error(ctx, GK_ERR_INPUT_GEOM_TYPE,
                            "%s: feature %lld: %s given where a road "
                            "centerline (LineString) is needed",
                            c->label, (long long)l->fids[i],
                            gk_geom_type_base(t) == GK_GEOM_POLYGON
                                ? "a polygon"
                                : "a point");
    }
    return GK_OK;
}

/* Centre of the bounding box of the kept features, in lon/lat. */
static void data_centre(const gk_geoms_t *g, const bool *skip, double *lon0,
                        double *lat0)
{
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY,
           ymax = -INFINITY;
    for (size_t i = 0; i < g->ngeoms; i++) {
        if (skip[i] || g->geom_off[i] == g->geom_off[i + 1])
            continue;
        gk_box_t b = gk_geoms_feature_box(g, i);
        xmin = fmin(xmin, b.xmin);
        xmax = fmax(xmax, b.xmax);
        ymin = fmin(ymin, b.ymin);
        ymax = fmax(ymax, b.ymax);
    }
    *lon0 = isfinite(xmin) ? 0.5 * (xmin + xmax) : 0;
    *lat0 = isfinite(ymin) ? 0.5 * (ymin + ymax) : 0;
}

static gk_status_t make_plane(gk_context_t *ctx, gk_corridors_t *c,
                              const gk_geoms_t *geo, const double *origin)
{
    double lon0, lat0;
    if (origin) {
        lon0 = origin[0];
        lat0 = origin[1];
    } else {
        data_centre(geo, c->skip, &lon0, &lat0);
    }
    c->lat0 = lat0;
    char def[256];
    snprintf(def, sizeof def,
             "+proj=tmerc +lat_0=%.12f +lon_0=%.12f +k=1 +x_0=0 +y_0=0 "
             "+a=%.17g +b=%.17g +units=m +no_defs +type=crs",
             lat0, lon0, c->geo->a, c->geo->a * (1 - c->geo->f));
    gk_status_t st = gk_crs_from_string(ctx, def, &c->plane_crs);
    if (st == GK_OK)
        st = gk_transform_new(ctx, c->geo, c->plane_crs, &c->to_plane);
    if (st != GK_OK)
        return st;
    if (!gk_geomcol_append_view(&c->plane, geo))
        return gk_error_nomem(ctx, "corridor centerlines");
    st = gk_transform_xy(ctx, c->to_plane, c->plane.xy, c->plane.nverts,
                         false);
    if (st != GK_OK)
        return st;

    /* Point scale of the transverse Mercator at distance x from its
     * central meridian: 1 + x^2 / (2 M N), M N taken at the centre. */
    double e2 = c->geo->f * (2 - c->geo->f);
    double s = sin(lat0 * DEG_TO_RAD);
    double w2 = 1 - e2 * s * s;
    double mn = c->geo->a * c->geo->a * (1 - e2) / (w2 * w2);
    gk_geoms_t pv = gk_geomcol_view(&c->plane);
    for (size_t i = 0; i < pv.ngeoms; i++) {
        if (c->skip[i]) {
            c->scale[i] = 1;
            continue;
        }
        gk_box_t b = gk_geoms_feature_box(&pv, i);
        double x = 0.5 * (b.xmin + b.xmax);
        c->scale[i] = 1 + x * x / (2 * mn);
    }
    return GK_OK;
}

gk_status_t gk_corridors_prepare(gk_context_t *ctx, const gk_layer_t *l,
                                 const bool *skip, gk_corridors_t **out)
{
    return gk_corridors_prepare_at(ctx, l, skip, NULL, out);
}

gk_status_t gk_corridors_prepare_at(gk_context_t *ctx, const gk_layer_t *l,
                                    const bool *skip, const double *origin,
                                    gk_corridors_t **out)
{
    if (!ctx || !l || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_corridors_prepare: NULL argument");
    *out = NULL;
    if (origin && !(fabs(origin[0]) <= 180 && fabs(origin[1]) < 90))
        return gk_error(ctx, GK_ERR_INPUT_VALUE,
                        "corridor plane origin %g, %g is not a longitude, "
                        "latitude in degrees", origin[0], origin[1]);
    gk_corridors_t *c = calloc(1, sizeof *c);
    if (!c)
        return gk_error_nomem(ctx, "corridors");
    gk_layer_label(l, c->label, sizeof c->label);
    if (!l->crs) {
        gk_corridors_free(c);
        return gk_error(ctx, GK_ERR_CRS, "%s: no CRS", c->label);
    }
    size_t n = gk_layer_num_features(l);
    gk_geomcol_init(&c->plane);
    c->skip = gk_calloc_array(n, sizeof *c->skip);
    c->length_m = gk_calloc_array(n, sizeof *c->length_m);
    c->scale = gk_calloc_array(n, sizeof *c->scale);
    c->fids = gk_calloc_array(n, sizeof *c->fids);
    gk_status_t st = !c->skip || !c->length_m || !c->scale || !c->fids
                         ? gk_error_nomem(ctx, "corridors")
                         : check_types(ctx, l, skip, c);
    if (st == GK_OK && n)
        memcpy(c->fids, l->fids, n * sizeof *c->fids);

    gk_geoms_t g = gk_layer_geoms(l);
    double *geo_xy = NULL;
    if (st == GK_OK)
        st = gk_crs_geographic(ctx, l->crs, &c->geo);
    if (st == GK_OK && !l->crs->geographic) {
        size_t nv = gk_geoms_num_vertices(&g);
        geo_xy = gk_calloc_array(2 * nv, sizeof(double));
        gk_transform_t *t = NULL;
        st = geo_xy ? gk_transform_new(ctx, l->crs, c->geo, &t)
                    : gk_error_nomem(ctx, "coordinates");
        if (st == GK_OK) {
            memcpy(geo_xy, g.xy, 2 * nv * sizeof(double));
            st = gk_transform_xy(ctx, t, geo_xy, nv, false);
        }
        gk_transform_free(t);
        g.xy = geo_xy;
    }
    if (st == GK_OK)
        st = gk_geodesic_new(ctx, (gk_ellipsoid_t){c->geo->a, c->geo->f},
                             &c->geod);
    if (st == GK_OK) {
        /* Skipped features are measured as empty. */
        uint8_t *types = malloc(n ? n : 1);
        if (!types) {
            st = gk_error_nomem(ctx, "geometry types");
        } else {
            for (size_t i = 0; i < n; i++)
                types[i] = c->skip[i] ? GK_GEOM_NONE : g.types[i];
            gk_geoms_t kept = g;
            kept.types = types;
            gk_measure_opts_t mo = {.method = GK_MEASURE_GEODESIC,
                                    .geodesic = c->geod};
            st = gk_measure_geoms(ctx, &kept, &mo, NULL, NULL, c->length_m);
            if (st != GK_OK)
                st = gk_error(ctx, st, "%s: %s", c->label, gk_errmsg(ctx));
            free(types);
        }
    }
    if (st == GK_OK)
        st = make_plane(ctx, c, &g, origin);
    free(geo_xy);
    if (st != GK_OK) {
        gk_corridors_free(c);
        return st;
    }
    *out = c;
    return GK_OK;
}

bool gk_corridor_densify_ring(gk_geomcol_t *dst, const gk_geoms_t *g, int64_t r)
{
    if (!gk_geomcol_begin_ring(dst))
        return false;
    int64_t v0 = g->ring_off[r], v1 = g->ring_off[r + 1];
    for (int64_t v = v0; v < v1; v++) {
        const double *p = g->xy + 2 * v;
        if (v > v0) {
            const double *q = p - 2;
            double dist = hypot(p[0] - q[0], p[1] - q[1]);
            int steps = (int)ceil(dist / GK_CORRIDOR_DENSIFY_M);
            for (int k = 1; k < steps; k++) {
                double t = (double)k / steps;
                if (!gk_geomcol_add_xy(dst, q[0] + t * (p[0] - q[0]),
                                       q[1] + t * (p[1] - q[1])))
                    return false;
            }
        }
        if (!gk_geomcol_add_xy(dst, p[0], p[1]))
            return false;
    }
    return true;
}
