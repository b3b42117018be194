/*
 * lib/road/corridor_ref.c - the reference share computation: the original
 * one-thread implementation, all in GEOS, kept unchanged as the oracle the
 * fast path (corridor_shares.c) is tested against and as the bench's
 * baseline.
 *
 * Method: each road buffered by GEOS (flat caps, mitre joins, limit 5) in
 * the local plane at its half width times the projection scale; per road,
 * the earlier corridors whose boxes meet it (R-tree) and that intersect it
 * (prepared geometry) are united (GEOSUnaryUnion) and subtracted
 * (GEOSDifference); the share is densified to 50 m edges, brought back to
 * longitude/latitude and measured with the geodesic kernels. The error
 * bounds are those stated in corridor.c.
 */
#include <math.h>
#include <stdlib.h>

#include "geokota/rtree.h"
#include "geom/geos_internal.h"
#include "io/io_internal.h"
#include "road_internal.h"

#define MITRE_LIMIT GK_CORRIDOR_MITRE_LIMIT

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
    if (poly && GEOSisEmpty_r(h, poly) == 1) {
        /* A zero-length road has no corridor (and no box). */
        GEOSGeom_destroy_r(h, poly);
        return NULL;
    }
    if (!poly)
        gk_error(ctx, GK_ERR_DEP,
                 "%s: feature %lld: GEOS cannot build the "
                 "corridor: %s",
                 c->label, (long long)c->fids[i], gk_ctx_depmsg(ctx));
    return poly;
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
            if (!gk_corridor_densify_ring(&dense, &rv, r))
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

/* Road i minus the union of the earlier corridors that meet it. */
static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

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
        GEOSGeometry *coll = GEOSGeom_createCollection_r(
            h, GEOS_GEOMETRYCOLLECTION, earlier, (unsigned)m);
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
        gk_clear_error(s->ctx);
        s->corr[i] = buffer_road(s->ctx, s->h, bp, c, i, hw[i]);
        if (!s->corr[i]) {
            st = gk_errcode(s->ctx);
            if (st != GK_OK)
                break;
            continue; /* empty corridor */
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

gk_status_t gk_corridors_shares_reference(gk_context_t *ctx,
                                          const gk_corridors_t *c,
                                          const double *half_width_m,
                                          double *share_m2,
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
