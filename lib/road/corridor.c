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
 * the geodesic kernels.
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

#include "crs/crs_internal.h"
#include "geokota/measure.h"
#include "geokota/road.h"
#include "geokota/rtree.h"
#include "geom/geos_internal.h"
#include "io/io_internal.h"

#define DENSIFY_M 50.0
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)
#define MITRE_LIMIT 5.0

struct gk_corridors {
    gk_geomcol_t plane; /* centerlines in the local plane (copied) */
    bool *skip;         /* features left out */
    double *length_m;   /* geodesic lengths */
    double *scale;      /* projection scale at each road */
    gk_crs_t *geo;      /* geographic CRS of the data */
    gk_transform_t *to_plane;
    gk_geodesic_t *geod;
    char label[512];
    int64_t *fids;
};

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
    char def[256];
    snprintf(def, sizeof def,
             "+proj=tmerc +lat_0=%.12f +lon_0=%.12f +k=1 +x_0=0 +y_0=0 "
             "+a=%.17g +b=%.17g +units=m +no_defs +type=crs",
             lat0, lon0, c->geo->a, c->geo->a * (1 - c->geo->f));
    gk_crs_t *plane = NULL;
    gk_status_t st = gk_crs_from_string(ctx, def, &plane);
    if (st == GK_OK)
        st = gk_transform_new(ctx, c->geo, plane, &c->to_plane);
    gk_crs_free(plane);
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
    if (n)
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

/* Buffer road i in the plane; NULL with the error set on failure. */
static GEOSGeometry *buffer_road(gk_context_t *ctx, GEOSContextHandle_t h,
                                 GEOSBufferParams *bp, const gk_corridors_t *c,
                                 size_t i, double half_width)
{
    gk_geoms_t pv = gk_geomcol_view(&c->plane);
    GEOSGeometry *line = gk_geos_from_feature(h, &pv, i);
    GEOSGeometry *poly =
        line ? GEOSBufferWithParams_r(h, line, bp, half_width * c->scale[i])
             : NULL;
    if (line)
        GEOSGeom_destroy_r(h, line);
    if (!poly)
        gk_error(ctx, GK_ERR_DEP, "%s: feature %lld: GEOS cannot build the "
                 "corridor: %s", c->label, (long long)c->fids[i],
                 gk_ctx_depmsg(ctx));
    return poly;
}

/* Insert points so that no edge of ring r is longer than DENSIFY_M. */
static bool densify_into(gk_geomcol_t *dst, const gk_geoms_t *g, int64_t r)
{
    if (!gk_geomcol_begin_ring(dst))
        return false;
    int64_t v0 = g->ring_off[r], v1 = g->ring_off[r + 1];
    for (int64_t v = v0; v < v1; v++) {
        const double *p = g->xy + 2 * v;
        if (v > v0) {
            const double *q = p - 2;
            double d = hypot(p[0] - q[0], p[1] - q[1]);
            int steps = (int)ceil(d / DENSIFY_M);
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

/* Ground area of a share polygon: densify, back to lon/lat, geodesic area.
 * The lon/lat polygon is appended to `lonlat` when it is not NULL. */
static gk_status_t share_area(gk_context_t *ctx, GEOSContextHandle_t h,
                              const gk_corridors_t *c, const GEOSGeometry *s,
                              double *area, gk_geomcol_t *lonlat)
{
    gk_geomcol_t raw, dense;
    gk_geomcol_init(&raw);
    gk_geomcol_init(&dense);
    gk_status_t st = GK_OK;
    if (!gk_geos_append_polygonal(h, &raw, s) ||
        !gk_geomcol_begin_geom(&dense, GK_GEOM_MULTIPOLYGON))
        st = gk_error_nomem(ctx, "a corridor polygon");
    gk_geoms_t rv = gk_geomcol_view(&raw);
    for (int64_t p = 0; st == GK_OK && p < (int64_t)raw.nparts; p++) {
        if (!gk_geomcol_begin_part(&dense))
            st = gk_error_nomem(ctx, "a corridor polygon");
        for (int64_t r = rv.part_off[p]; st == GK_OK && r < rv.part_off[p + 1];
             r++)
            if (!densify_into(&dense, &rv, r))
                st = gk_error_nomem(ctx, "a corridor polygon");
    }
    if (st == GK_OK)
        st = gk_transform_xy(ctx, c->to_plane, dense.xy, dense.nverts, true);
    double sum = 0;
    gk_geoms_t dv = gk_geomcol_view(&dense);
    for (int64_t p = 0; st == GK_OK && p < (int64_t)dense.nparts; p++)
        for (int64_t r = dv.part_off[p]; r < dv.part_off[p + 1]; r++) {
            int64_t v0 = dv.ring_off[r];
            double a = fabs(gk_ring_area_geodesic(
                c->geod, dv.xy + 2 * v0, (size_t)(dv.ring_off[r + 1] - v0)));
            sum += r == dv.part_off[p] ? a : -a;
        }
    if (st == GK_OK && lonlat && !gk_geomcol_append_view(lonlat, &dv))
        st = gk_error_nomem(ctx, "corridor polygons");
    *area = sum;
    gk_geomcol_clear(&raw);
    gk_geomcol_clear(&dense);
    return st;
}

typedef struct share_run {
    gk_context_t *ctx;
    GEOSContextHandle_t h;
    const gk_corridors_t *c;
    GEOSGeometry **corr;
    gk_rtree_t *tree;
    int64_t *hits;
    size_t cap;
} share_run_t;

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Road i minus the union of the earlier corridors that meet it. */
static GEOSGeometry *road_share(share_run_t *s, size_t i)
{
    GEOSContextHandle_t h = s->h;
    double xmin, ymin, xmax, ymax;
    GEOSGeom_getXMin_r(h, s->corr[i], &xmin);
    GEOSGeom_getYMin_r(h, s->corr[i], &ymin);
    GEOSGeom_getXMax_r(h, s->corr[i], &xmax);
    GEOSGeom_getYMax_r(h, s->corr[i], &ymax);
    gk_box_t box = {xmin, ymin, xmax, ymax};
    size_t n = gk_rtree_query_box(s->tree, box, s->hits, s->cap);
    if (n > s->cap) {
        int64_t *more = realloc(s->hits, n * sizeof *more);
        if (!more)
            return NULL;
        s->hits = more;
        s->cap = n;
        n = gk_rtree_query_box(s->tree, box, s->hits, s->cap);
    }
    /* In input order, so that the union (whose rounding depends on the
     * order of its inputs) is the same whatever else the tree holds. */
    qsort(s->hits, n, sizeof *s->hits, cmp_id);
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, s->corr[i]);
    GEOSGeometry **earlier = calloc(n ? n : 1, sizeof *earlier);
    size_t m = 0;
    for (size_t k = 0; prep && earlier && k < n; k++) {
        size_t j = (size_t)s->hits[k];
        if (j < i && GEOSPreparedIntersects_r(h, prep, s->corr[j]) == 1)
            earlier[m++] = GEOSGeom_clone_r(h, s->corr[j]);
    }
    if (prep)
        GEOSPreparedGeom_destroy_r(h, prep);
    GEOSGeometry *share = NULL;
    if (earlier && m == 0) {
        share = GEOSGeom_clone_r(h, s->corr[i]);
    } else if (earlier) {
        GEOSGeometry *coll =
            GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, earlier,
                                        (unsigned)m);
        GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
        share = u ? GEOSDifference_r(h, s->corr[i], u) : NULL;
        if (u)
            GEOSGeom_destroy_r(h, u);
        if (coll)
            GEOSGeom_destroy_r(h, coll);
    }
    free(earlier);
    return share;
}

static gk_status_t build_corridors(share_run_t *s, const double *hw)
{
    const gk_corridors_t *c = s->c;
    size_t n = c->plane.ngeoms;
    GEOSBufferParams *bp = GEOSBufferParams_create_r(s->h);
    if (!bp)
        return gk_error(s->ctx, GK_ERR_DEP, "GEOS: no buffer parameters");
    GEOSBufferParams_setEndCapStyle_r(s->h, bp, GEOSBUF_CAP_FLAT);
    GEOSBufferParams_setJoinStyle_r(s->h, bp, GEOSBUF_JOIN_MITRE);
    GEOSBufferParams_setMitreLimit_r(s->h, bp, MITRE_LIMIT);
    gk_box_t *boxes = gk_calloc_array(n, sizeof *boxes);
    int64_t *ids = gk_calloc_array(n, sizeof *ids);
    size_t nb = 0;
    gk_status_t st = boxes && ids ? GK_OK : gk_error_nomem(s->ctx, "boxes");
    for (size_t i = 0; st == GK_OK && i < n; i++) {
        if (!isfinite(hw[i]) || hw[i] < 0)
            st = gk_error(s->ctx, GK_ERR_INPUT_VALUE,
                          "%s: feature %lld: half width is %g (must be a "
                          "positive number of metres)",
                          c->label, (long long)c->fids[i], hw[i]);
        if (st != GK_OK || c->skip[i] || hw[i] == 0)
            continue;
        s->corr[i] = buffer_road(s->ctx, s->h, bp, c, i, hw[i]);
        if (!s->corr[i]) {
            st = gk_errcode(s->ctx);
            break;
        }
        double b[4];
        GEOSGeom_getXMin_r(s->h, s->corr[i], &b[0]);
        GEOSGeom_getYMin_r(s->h, s->corr[i], &b[1]);
        GEOSGeom_getXMax_r(s->h, s->corr[i], &b[2]);
        GEOSGeom_getYMax_r(s->h, s->corr[i], &b[3]);
        boxes[nb] = (gk_box_t){b[0], b[1], b[2], b[3]};
        ids[nb++] = (int64_t)i;
    }
    GEOSBufferParams_destroy_r(s->h, bp);
    if (st == GK_OK)
        st = gk_rtree_build(s->ctx, boxes, ids, nb, NULL, &s->tree);
    free(boxes);
    free(ids);
    return st;
}

gk_status_t gk_corridors_shares(gk_context_t *ctx, const gk_corridors_t *c,
                                const double *half_width_m, double *share_m2,
                                gk_layer_t **polygons)
{
    if (!ctx || !c || !half_width_m || !share_m2)
        return gk_error(ctx, GK_ERR_ARG, "gk_corridors_shares: NULL argument");
    if (polygons)
        *polygons = NULL;
    size_t n = c->plane.ngeoms;
    share_run_t s = {.ctx = ctx, .c = c, .h = gk_ctx_geos(ctx)};
    if (!s.h)
        return gk_errcode(ctx);
    s.corr = gk_calloc_array(n, sizeof *s.corr);
    gk_layer_t *out = polygons ? gk_layer_alloc("", "corridors") : NULL;
    gk_status_t st = !s.corr || (polygons && !out)
                         ? gk_error_nomem(ctx, "corridors")
                         : build_corridors(&s, half_width_m);
    if (st == GK_OK && out) {
        st = gk_crs_copy(ctx, c->geo, &out->crs);
        if (st == GK_OK && !gk_layer_reserve_feature(out, n))
            st = gk_error_nomem(ctx, "corridors");
    }
    for (size_t i = 0; st == GK_OK && i < n; i++) {
        share_m2[i] = 0;
        GEOSGeometry *share = s.corr[i] ? road_share(&s, i) : NULL;
        if (s.corr[i] && !share) {
            st = gk_error(ctx, GK_ERR_DEP,
                          "%s: feature %lld: GEOS cannot subtract the "
                          "earlier corridors: %s",
                          c->label, (long long)c->fids[i], gk_ctx_depmsg(ctx));
            break;
        }
        if (share)
            st = share_area(ctx, s.h, c, share, &share_m2[i],
                            out ? &out->geoms : NULL);
        else if (out && !gk_geomcol_begin_geom(&out->geoms, GK_GEOM_NONE))
            st = gk_error_nomem(ctx, "corridors");
        if (share)
            GEOSGeom_destroy_r(s.h, share);
        if (out)
            out->fids[i] = c->fids[i];
        if (st == GK_OK && i % 1024 == 0 &&
            !gk_progress(ctx, (double)i / (double)n, "corridors"))
            st = GK_ERR_INTERRUPTED;
    }
    for (size_t i = 0; s.corr && i < n; i++)
        if (s.corr[i])
            GEOSGeom_destroy_r(s.h, s.corr[i]);
    free(s.corr);
    free(s.hits);
    gk_rtree_free(s.tree);
    if (st != GK_OK) {
        gk_layer_free(out);
        return st;
    }
    if (polygons)
        *polygons = out;
    return GK_OK;
}
