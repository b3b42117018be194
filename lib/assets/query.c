/*
 * lib/assets/query.c - near, within, along and in-corridor queries: the
 * R-tree narrows the candidates by lon/lat box, the exact test or the true
 * distance (distance.c) decides.
 *
 * near: branch-and-bound kNN over the boxes, with the exact distance in
 * metres divided by a metres-per-degree lower bound c as the ranking value
 * (so it never undercuts the box gap in degrees, as gk_rtree_nearest
 * requires, and ranks exactly as metres do). along/corridors: each query
 * geometry's box widened by D / c, then the exact distance <= D.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"
#include "geom/geos_internal.h"

/* A growable list of hits. */
typedef struct hitvec {
    gk_hit_t *h;
    size_t n, cap;
    bool nomem;
} hitvec_t;

static void push(hitvec_t *v, size_t asset, int64_t group, double dist)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        gk_hit_t *p = gk_realloc_array(v->h, cap, sizeof *p);
        if (!p) {
            v->nomem = true;
            return;
        }
        v->h = p;
        v->cap = cap;
    }
    v->h[v->n++] = (gk_hit_t){asset, group, dist};
}

/* Sort, turn into rows, free the list. */
static gk_status_t finish(gk_context_t *ctx, gk_assets_t *s,
                          const gk_asset_snap_t *snap, hitvec_t *v,
                          gk_status_t st, gk_asset_rows_t **out)
{
    if (st == GK_OK && v->nomem)
        st = gk_error_nomem(ctx, "query hits");
    if (st == GK_OK) {
        gk_hits_sort(v->h, v->n, snap);
        st = gk_asset_rows_make(ctx, s, snap, v->h, v->n, out);
    }
    free(v->h);
    gk_assets_read_done(s);
    return st;
}

/* The tree to search: one kind's when the filter names exactly one. */
static const gk_rtree_t *pick_tree(const gk_asset_snap_t *snap,
                                   const bool *mask, bool *need_mask)
{
    size_t on = 0, which = 0;
    for (size_t k = 0; k < snap->nkinds; k++)
        if (mask[k]) {
            on++;
            which = k;
        }
    *need_mask = on != snap->nkinds;
    if (on == 1) {
        *need_mask = false;
        return snap->by_kind[which];
    }
    return snap->all;
}

/* --- near ------------------------------------------------------------ */
typedef struct near_ctx {
    const gk_asset_snap_t *snap;
    gk_geoms_t assets, q;
    const gk_geodesic_t *geo;
    const bool *mask; /* NULL: all kinds */
    double c;         /* metres per degree, lower bound */
} near_ctx_t;

static double near_dist(int64_t id, const gk_box_t *box, const gk_box_t *q,
                        void *user)
{
    (void)box;
    (void)q;
    near_ctx_t *n = user;
    if (n->mask && !n->mask[n->snap->kind[id]])
        return INFINITY;
    return gk_geom_distance_m(n->geo, &n->q, 0, &n->assets, (size_t)id) / n->c;
}

/* A one-point view over xy[2]. */
static gk_geoms_t point_view(const double *xy, uint8_t *type, int64_t *off)
{
    *type = GK_GEOM_POINT;
    off[0] = 0;
    off[1] = 1;
    return (gk_geoms_t){1, type, off, off, off, xy, NULL};
}

gk_status_t gk_assets_near(gk_context_t *ctx, gk_assets_t *s, double lon,
                           double lat, size_t k, double max_m,
                           const gk_assets_filter_t *filter,
                           gk_asset_rows_t **out)
{
    if (!s || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_near: NULL argument");
    *out = NULL;
    if (!isfinite(lon) || !isfinite(lat) || fabs(lat) > 90 || fabs(lon) > 360)
        return gk_error(ctx, GK_ERR_ARG,
                        "near: the point %g,%g is not a longitude,latitude",
                        lon, lat);
    if (!(max_m >= 0))
        return gk_error(ctx, GK_ERR_ARG, "near: negative maximum distance");
    const gk_asset_snap_t *snap;
    gk_status_t st = gk_assets_snapshot(ctx, s, &snap);
    bool *mask = NULL;
    if (st == GK_OK)
        st = gk_asset_filter_mask(ctx, snap, filter, &mask);
    const gk_geodesic_t *geo = NULL;
    if (st == GK_OK)
        st = (geo = gk_assets_geodesic(ctx, s)) ? GK_OK : gk_errcode(ctx);
    hitvec_t v = {0};
    int64_t *ids = NULL;
    double *d = NULL;
    if (st == GK_OK && k > 0 && snap->n > 0) {
        size_t kk = k < snap->n ? k : snap->n;
        ids = gk_calloc_array(kk, sizeof *ids);
        d = gk_calloc_array(kk, sizeof *d);
        if (!ids || !d)
            st = gk_error_nomem(ctx, "near");
        bool need_mask = false;
        const gk_rtree_t *tree = st == GK_OK ? pick_tree(snap, mask, &need_mask)
                                             : NULL;
        double xy[2] = {lon, lat};
        uint8_t type;
        int64_t off[2];
        near_ctx_t nc = {snap, gk_geomcol_view(&snap->geoms),
                         point_view(xy, &type, off), geo,
                         need_mask ? mask : NULL,
                         gk_deg_scale_min(fmin(lat, snap->lat_min),
                                          fmax(lat, snap->lat_max))};
        gk_rtree_knn_opts_t ko = {near_dist, &nc, max_m > 0,
                                  max_m > 0 ? max_m / nc.c : 0};
        size_t found = tree ? gk_rtree_nearest(tree,
                                               (gk_box_t){lon, lat, lon, lat},
                                               kk, &ko, ids, d)
                            : 0;
        for (size_t i = 0; i < found; i++) {
            /* The ranking value times c is the metres, but recompute them
             * rather than trust a division and a multiplication. */
            double m = gk_geom_distance_m(geo, &nc.q, 0, &nc.assets,
                                          (size_t)ids[i]);
            if (max_m > 0 && m > max_m)
                continue;
            push(&v, (size_t)ids[i], -1, m);
        }
    }
    free(ids);
    free(d);
    free(mask);
    return finish(ctx, s, snap, &v, st, out);
}

/* --- within ------------------------------------------------------------ */
typedef struct collect {
    hitvec_t cand;
    const bool *mask;
    const gk_asset_snap_t *snap;
} collect_t;

static bool collect_fn(int64_t id, const gk_box_t *box, void *user)
{
    (void)box;
    collect_t *c = user;
    if (!c->mask || c->mask[c->snap->kind[id]])
        push(&c->cand, (size_t)id, 0, 0);
    return !c->cand.nomem;
}

/* Candidates of a window, into c->cand (cleared first). */
static void candidates(const gk_rtree_t *tree, gk_box_t w, collect_t *c)
{
    c->cand.n = 0;
    gk_rtree_visit_box(tree, w, collect_fn, c);
}

gk_status_t gk_assets_within_box(gk_context_t *ctx, gk_assets_t *s,
                                 gk_box_t box,
                                 const gk_assets_filter_t *filter,
                                 gk_asset_rows_t **out)
{
    if (!s || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_within_box: NULL argument");
    *out = NULL;
    if (!(box.xmin <= box.xmax && box.ymin <= box.ymax))
        return gk_error(ctx, GK_ERR_ARG,
                        "within: the box %g,%g,%g,%g is empty or not a "
                        "number (min lon, min lat, max lon, max lat)",
                        box.xmin, box.ymin, box.xmax, box.ymax);
    const gk_asset_snap_t *snap;
    gk_status_t st = gk_assets_snapshot(ctx, s, &snap);
    bool *mask = NULL;
    if (st == GK_OK)
        st = gk_asset_filter_mask(ctx, snap, filter, &mask);
    hitvec_t v = {0};
    if (st == GK_OK) {
        bool need;
        const gk_rtree_t *tree = pick_tree(snap, mask, &need);
        collect_t c = {{0}, need ? mask : NULL, snap};
        candidates(tree, box, &c);
        for (size_t i = 0; i < c.cand.n; i++) {
            gk_box_t b = snap->box[c.cand.h[i].asset];
            if (b.xmin >= box.xmin && b.xmax <= box.xmax &&
                b.ymin >= box.ymin && b.ymax <= box.ymax)
                push(&v, c.cand.h[i].asset, -1, 0);
        }
        v.nomem |= c.cand.nomem;
        free(c.cand.h);
    }
    free(mask);
    return finish(ctx, s, snap, &v, st, out);
}

gk_status_t gk_assets_within(gk_context_t *ctx, gk_assets_t *s,
                             const gk_layer_t *polys,
                             const gk_assets_filter_t *filter,
                             gk_asset_rows_t **out)
{
    if (!s || !polys || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_within: NULL argument");
    *out = NULL;
    gk_status_t st = gk_assets_check_type(ctx, polys, GK_GEOM_POLYGON,
                                          "the within areas");
    double *xy = NULL;
    gk_geoms_t pg = {0};
    if (st == GK_OK)
        st = gk_assets_lonlat_xy(ctx, polys, &xy, &pg);
    const gk_asset_snap_t *snap = NULL;
    if (st == GK_OK)
        st = gk_assets_snapshot(ctx, s, &snap);
    bool *mask = NULL;
    if (st == GK_OK)
        st = gk_asset_filter_mask(ctx, snap, filter, &mask);
    GEOSContextHandle_t h = st == GK_OK ? gk_ctx_geos(ctx) : NULL;
    if (st == GK_OK && !h)
        st = gk_errcode(ctx);
    hitvec_t v = {0};
    collect_t c = {{0}, NULL, snap};
    const gk_rtree_t *tree = NULL;
    if (st == GK_OK) {
        bool need;
        tree = pick_tree(snap, mask, &need);
        c.mask = need ? mask : NULL;
    }
    gk_geoms_t ag = snap ? gk_geomcol_view(&snap->geoms) : pg;
    for (size_t p = 0; st == GK_OK && p < pg.ngeoms; p++) {
        if (pg.geom_off[p] == pg.geom_off[p + 1])
            continue;
        GEOSGeometry *poly = gk_geos_from_feature(h, &pg, p);
        const GEOSPreparedGeometry *prep = poly ? GEOSPrepare_r(h, poly) : NULL;
        if (!prep) {
            st = gk_error(ctx, GK_ERR_DEP, "%s: feature %lld: GEOS cannot use "
                          "the polygon: %s", gk_layer_source(polys),
                          (long long)gk_layer_fid(polys, p), gk_ctx_depmsg(ctx));
            if (poly)
                GEOSGeom_destroy_r(h, poly);
            break;
        }
        candidates(tree, gk_geoms_feature_box(&pg, p), &c);
        for (size_t i = 0; st == GK_OK && i < c.cand.n; i++) {
            size_t a = c.cand.h[i].asset;
            GEOSGeometry *g = gk_geos_from_feature(h, &ag, a);
            char in = g ? GEOSPreparedContains_r(h, prep, g) : 2;
            if (g)
                GEOSGeom_destroy_r(h, g);
            if (in == 1)
                push(&v, a, (int64_t)p, 0);
            else if (in != 0)
                st = gk_error(ctx, GK_ERR_DEP, "%s: asset '%s': GEOS failed: "
                              "%s", s->path, snap->id[a], gk_ctx_depmsg(ctx));
        }
        GEOSPreparedGeom_destroy_r(h, prep);
        GEOSGeom_destroy_r(h, poly);
    }
    v.nomem |= c.cand.nomem;
    free(c.cand.h);
    free(mask);
    free(xy);
    if (!snap) {
        free(v.h);
        gk_assets_read_done(s);
        return st;
    }
    return finish(ctx, s, snap, &v, st, out);
}

/* --- along and corridors ------------------------------------------------ */
static int cmp_nearest(const void *pa, const void *pb)
{
    const gk_hit_t *a = pa, *b = pb;
    if (a->asset != b->asset)
        return a->asset < b->asset ? -1 : 1;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    return (a->group > b->group) - (a->group < b->group);
}

static int cmp_first(const void *pa, const void *pb)
{
    const gk_hit_t *a = pa, *b = pb;
    if (a->asset != b->asset)
        return a->asset < b->asset ? -1 : 1;
    return (a->group > b->group) - (a->group < b->group);
}

/* Reduce (feature, asset) pairs to one per asset: its nearest feature
 * (ties: lower index), or its first feature in file order. */
static void keep_one_per_asset(hitvec_t *v, bool first)
{
    if (v->n < 2)
        return;
    qsort(v->h, v->n, sizeof *v->h, first ? cmp_first : cmp_nearest);
    size_t m = 0;
    for (size_t i = 0; i < v->n; i++)
        if (m == 0 || v->h[m - 1].asset != v->h[i].asset)
            v->h[m++] = v->h[i];
    v->n = m;
}

/* Hits of every feature of g within dist_m of some asset, one row per
 * (feature, asset), or one per asset with its nearest feature (NEAREST)
 * or its first feature in file order (FIRST). */
typedef enum { PER_FEATURE, NEAREST, FIRST } along_mode_t;

static gk_status_t along_run(gk_context_t *ctx, gk_assets_t *s,
                             const gk_geoms_t *g, double dist_m,
                             along_mode_t mode,
                             const gk_assets_filter_t *filter,
                             gk_asset_rows_t **out)
{
    const gk_asset_snap_t *snap = NULL;
    gk_status_t st = gk_assets_snapshot(ctx, s, &snap);
    if (st != GK_OK) {
        gk_assets_read_done(s);
        return st;
    }
    bool *mask = NULL;
    st = gk_asset_filter_mask(ctx, snap, filter, &mask);
    const gk_geodesic_t *geo = NULL;
    if (st == GK_OK)
        st = (geo = gk_assets_geodesic(ctx, s)) ? GK_OK : gk_errcode(ctx);
    hitvec_t v = {0};
    collect_t c = {{0}, NULL, snap};
    const gk_rtree_t *tree = NULL;
    if (st == GK_OK) {
        bool need;
        tree = pick_tree(snap, mask, &need);
        c.mask = need ? mask : NULL;
    }
    gk_geoms_t ag = gk_geomcol_view(&snap->geoms);
    for (size_t j = 0; st == GK_OK && j < g->ngeoms; j++) {
        gk_box_t b = gk_geoms_feature_box(g, j);
        if (!(b.xmin <= b.xmax))
            continue;
        double cdeg = gk_deg_scale_min(b.ymin, b.ymax);
        double pad = dist_m / cdeg;
        candidates(tree, (gk_box_t){b.xmin - pad, b.ymin - pad, b.xmax + pad,
                                    b.ymax + pad},
                   &c);
        for (size_t i = 0; i < c.cand.n; i++) {
            size_t a = c.cand.h[i].asset;
            double d = gk_geom_distance_m(geo, &ag, a, g, j);
            if (d <= dist_m)
                push(&v, a, (int64_t)j, d);
        }
        if (c.cand.nomem)
            st = gk_error_nomem(ctx, "along");
    }
    free(c.cand.h);
    free(mask);
    if (st == GK_OK && mode != PER_FEATURE && !v.nomem)
        keep_one_per_asset(&v, mode == FIRST);
    return finish(ctx, s, snap, &v, st, out);
}

gk_status_t gk_assets_along(gk_context_t *ctx, gk_assets_t *s,
                            const gk_layer_t *roads, double distance_m,
                            bool per_road, const gk_assets_filter_t *filter,
                            gk_asset_rows_t **out)
{
    if (!s || !roads || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_along: NULL argument");
    *out = NULL;
    if (!(distance_m >= 0) || !isfinite(distance_m))
        return gk_error(ctx, GK_ERR_ARG,
                        "along: the distance must be a non-negative number "
                        "of metres (%g)",
                        distance_m);
    gk_status_t st = gk_assets_check_type(ctx, roads, GK_GEOM_LINESTRING,
                                          "roads");
    double *xy = NULL;
    gk_geoms_t g;
    if (st == GK_OK)
        st = gk_assets_lonlat_xy(ctx, roads, &xy, &g);
    if (st == GK_OK)
        st = along_run(ctx, s, &g, distance_m,
                       per_road ? PER_FEATURE : NEAREST, filter, out);
    free(xy);
    return st;
}

gk_status_t gk_assets_in_corridors(gk_context_t *ctx, gk_assets_t *s,
                                   const gk_layer_t *surface, double margin_m,
                                   gk_asset_rows_t **out)
{
    if (!s || !surface || !out)
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_assets_in_corridors: NULL argument");
    *out = NULL;
    if (!(margin_m >= 0) || !isfinite(margin_m))
        return gk_error(ctx, GK_ERR_ARG,
                        "corridors: the margin must be a non-negative number "
                        "of metres (%g)",
                        margin_m);
    double *xy = NULL;
    gk_geoms_t g;
    gk_status_t st = gk_assets_lonlat_xy(ctx, surface, &xy, &g);
    if (st == GK_OK)
        st = along_run(ctx, s, &g, margin_m, FIRST, NULL, out);
    free(xy);
    return st;
}
