/*
 * lib/assets/summary.c - counts, lengths and areas of assets by kind in
 * each administrative polygon (kecamatan, kelurahan...).
 *
 * Points go to the first polygon (file order) that covers them (GEOS
 * prepared covers, edges straight in lon/lat as in the source files), so a
 * point on a shared border is counted once. Lines and polygons are clipped
 * to every area they intersect (GEOSIntersection) and the inside parts
 * measured on the ellipsoid (gk_line_length_geodesic,
 * gk_ring_area_geodesic: 1e-9 relative). An asset that meets no area is
 * counted in the last row, "(outside)".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"
#include "geom/geos_internal.h"

void gk_assets_summary_free(gk_assets_summary_t *s)
{
    if (!s)
        return;
    for (size_t a = 0; s->area_names && a < s->num_areas; a++)
        free(s->area_names[a]);
    for (size_t k = 0; s->kinds && k < s->num_kinds; k++)
        free(s->kinds[k]);
    free(s->area_names);
    free(s->kinds);
    free(s->count);
    free(s->length_m);
    free(s->area_m2);
    free(s);
}

/* Geodesic length of the lines and area of the polygons in g. */
static bool measure_geos(GEOSContextHandle_t h, const GEOSGeometry *g,
                         const gk_geodesic_t *geo, double **buf, size_t *cap,
                         double *len, double *area);

static bool ring_coords(GEOSContextHandle_t h, const GEOSGeometry *ring,
                        double **buf, size_t *cap, size_t *n)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int m = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &m))
        return false;
    if (m > *cap) {
        double *p = gk_realloc_array(*buf, 2 * (size_t)m, sizeof *p);
        if (!p)
            return false;
        *buf = p;
        *cap = m;
    }
    for (unsigned int i = 0; i < m; i++)
        if (!GEOSCoordSeq_getXY_r(h, cs, i, *buf + 2 * i, *buf + 2 * i + 1))
            return false;
    *n = m;
    return true;
}

static bool measure_geos(GEOSContextHandle_t h, const GEOSGeometry *g,
                         const gk_geodesic_t *geo, double **buf, size_t *cap,
                         double *len, double *area)
{
    int t = GEOSGeomTypeId_r(h, g);
    size_t n = 0;
    if (t == GEOS_LINESTRING || t == GEOS_LINEARRING) {
        if (!ring_coords(h, g, buf, cap, &n))
            return false;
        *len += gk_line_length_geodesic(geo, *buf, n);
        return true;
    }
    if (t == GEOS_POLYGON) {
        const GEOSGeometry *ext = GEOSGetExteriorRing_r(h, g);
        if (!ext || !ring_coords(h, ext, buf, cap, &n))
            return false;
        *area += fabs(gk_ring_area_geodesic(geo, *buf, n));
        int holes = GEOSGetNumInteriorRings_r(h, g);
        for (int k = 0; k < holes; k++) {
            const GEOSGeometry *r = GEOSGetInteriorRingN_r(h, g, k);
            if (!r || !ring_coords(h, r, buf, cap, &n))
                return false;
            *area -= fabs(gk_ring_area_geodesic(geo, *buf, n));
        }
        return true;
    }
    if (t == GEOS_MULTILINESTRING || t == GEOS_MULTIPOLYGON ||
        t == GEOS_GEOMETRYCOLLECTION) {
        int m = GEOSGetNumGeometries_r(h, g);
        for (int k = 0; k < m; k++)
            if (!measure_geos(h, GEOSGetGeometryN_r(h, g, k), geo, buf, cap,
                              len, area))
                return false;
    }
    return true; /* points: nothing to measure */
}

static char *area_name(const gk_layer_t *l, int f, size_t i)
{
    char buf[64];
    if (f >= 0 && !gk_layer_is_null(l, (size_t)f, i)) {
        if (gk_layer_field_type(l, (size_t)f) == GK_FIELD_STRING)
            return gk_strdup(gk_layer_get_string(l, (size_t)f, i));
        if (gk_layer_field_type(l, (size_t)f) == GK_FIELD_INT)
            snprintf(buf, sizeof buf, "%lld",
                     (long long)gk_layer_get_int(l, (size_t)f, i));
        else
            gk_format_double(buf, gk_layer_get_double(l, (size_t)f, i));
        return gk_strdup(buf);
    }
    snprintf(buf, sizeof buf, "%zu", i);
    return gk_strdup(buf);
}

typedef struct visit {
    size_t *ids;
    size_t n, cap;
    bool nomem;
} visit_t;

static bool visit_fn(int64_t id, const gk_box_t *box, void *user)
{
    (void)box;
    visit_t *v = user;
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 256;
        size_t *p = gk_realloc_array(v->ids, cap, sizeof *p);
        if (!p) {
            v->nomem = true;
            return false;
        }
        v->ids = p;
        v->cap = cap;
    }
    v->ids[v->n++] = (size_t)id;
    return true;
}

typedef struct sum_run {
    gk_context_t *ctx;
    GEOSContextHandle_t h;
    const gk_asset_snap_t *snap;
    gk_geoms_t ag;
    const gk_geodesic_t *geo;
    gk_assets_summary_t *r;
    bool *met; /* asset met some area */
    double *buf;
    size_t cap;
} sum_run_t;

/* Add asset a's share of area p (prepared as prep, geometry poly). */
static gk_status_t add_asset(sum_run_t *u, size_t p,
                             const GEOSPreparedGeometry *prep,
                             const GEOSGeometry *poly, size_t a)
{
    gk_geom_type_t base =
        gk_geom_type_base((gk_geom_type_t)u->ag.types[a]);
    bool is_point = base == GK_GEOM_POINT;
    if (base == GK_GEOM_NONE || (is_point && u->met[a]))
        return GK_OK;
    GEOSGeometry *g = gk_geos_from_feature(u->h, &u->ag, a);
    if (!g)
        return gk_error(u->ctx, GK_ERR_DEP, "asset '%s': GEOS refused it: %s",
                        u->snap->id[a], gk_ctx_depmsg(u->ctx));
    char hit = is_point ? GEOSPreparedCovers_r(u->h, prep, g)
                        : GEOSPreparedIntersects_r(u->h, prep, g);
    gk_status_t st = GK_OK;
    size_t cell = p * u->r->num_kinds + u->snap->kind[a];
    if (hit == 1) {
        u->met[a] = true;
        u->r->count[cell]++;
        if (!is_point) {
            GEOSGeometry *x = GEOSIntersection_r(u->h, g, poly);
            double len = 0, area = 0;
            if (!x || !measure_geos(u->h, x, u->geo, &u->buf, &u->cap, &len,
                                    &area))
                st = gk_error(u->ctx, GK_ERR_DEP,
                              "asset '%s': GEOS could not clip it: %s",
                              u->snap->id[a], gk_ctx_depmsg(u->ctx));
            u->r->length_m[cell] += len;
            u->r->area_m2[cell] += area;
            if (x)
                GEOSGeom_destroy_r(u->h, x);
        }
    } else if (hit != 0) {
        st = gk_error(u->ctx, GK_ERR_DEP, "asset '%s': GEOS failed: %s",
                      u->snap->id[a], gk_ctx_depmsg(u->ctx));
    }
    GEOSGeom_destroy_r(u->h, g);
    return st;
}

/* Whole lengths and areas of the assets that met no area. */
static void add_outside(sum_run_t *u)
{
    size_t last = (u->r->num_areas - 1) * u->r->num_kinds;
    for (size_t a = 0; a < u->snap->n; a++) {
        if (u->met[a] || u->ag.geom_off[a] == u->ag.geom_off[a + 1])
            continue;
        size_t cell = last + u->snap->kind[a];
        u->r->count[cell]++;
        double area = 0, len = 0;
        for (int64_t p = u->ag.geom_off[a]; p < u->ag.geom_off[a + 1]; p++)
            for (int64_t r = u->ag.part_off[p]; r < u->ag.part_off[p + 1];
                 r++) {
                const double *xy = u->ag.xy + 2 * u->ag.ring_off[r];
                size_t n = (size_t)(u->ag.ring_off[r + 1] - u->ag.ring_off[r]);
                gk_geom_type_t b =
                    gk_geom_type_base((gk_geom_type_t)u->ag.types[a]);
                if (b == GK_GEOM_LINESTRING)
                    len += gk_line_length_geodesic(u->geo, xy, n);
                else if (b == GK_GEOM_POLYGON)
                    area += (r == u->ag.part_off[p] ? 1 : -1) *
                            fabs(gk_ring_area_geodesic(u->geo, xy, n));
            }
        u->r->length_m[cell] += len;
        u->r->area_m2[cell] += area;
    }
}

static gk_status_t alloc_result(gk_context_t *ctx, const gk_layer_t *l,
                                int nf, const gk_asset_snap_t *snap,
                                gk_assets_summary_t **out)
{
    gk_assets_summary_t *r = calloc(1, sizeof *r);
    if (!r)
        return gk_error_nomem(ctx, "summary");
    size_t np = gk_layer_num_features(l);
    r->num_areas = np + 1;
    r->num_kinds = snap->nkinds;
    size_t cells = r->num_areas * (r->num_kinds ? r->num_kinds : 1);
    r->area_names = gk_calloc_array(r->num_areas, sizeof *r->area_names);
    r->kinds = gk_calloc_array(r->num_kinds + 1, sizeof *r->kinds);
    r->count = gk_calloc_array(cells, sizeof *r->count);
    r->length_m = gk_calloc_array(cells, sizeof *r->length_m);
    r->area_m2 = gk_calloc_array(cells, sizeof *r->area_m2);
    bool good = r->area_names && r->kinds && r->count && r->length_m &&
                r->area_m2;
    for (size_t a = 0; good && a < np; a++)
        good = (r->area_names[a] = area_name(l, nf, a)) != NULL;
    if (good)
        good = (r->area_names[np] = gk_strdup("(outside)")) != NULL;
    for (size_t k = 0; good && k < r->num_kinds; k++)
        good = (r->kinds[k] = gk_strdup(snap->kinds[k])) != NULL;
    if (!good) {
        if (!r->area_names)
            r->num_areas = 0;
        if (!r->kinds)
            r->num_kinds = 0;
        gk_assets_summary_free(r);
        return gk_error_nomem(ctx, "summary");
    }
    *out = r;
    return GK_OK;
}

gk_status_t gk_assets_summary(gk_context_t *ctx, gk_assets_t *s,
                              const gk_layer_t *areas, const char *name_field,
                              gk_assets_summary_t **out)
{
    if (!s || !areas || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_summary: NULL argument");
    *out = NULL;
    int nf = -1;
    if (name_field && (nf = gk_layer_field_index(areas, name_field)) < 0)
        return gk_error(ctx, GK_ERR_INPUT_FIELD, "%s: no field '%s'",
                        gk_layer_source(areas), name_field);
    gk_status_t st = gk_assets_check_type(ctx, areas, GK_GEOM_POLYGON,
                                          "summary areas");
    double *xy = NULL;
    gk_geoms_t pg;
    if (st == GK_OK)
        st = gk_assets_lonlat_xy(ctx, areas, &xy, &pg);
    const gk_asset_snap_t *snap = NULL;
    if (st == GK_OK)
        st = gk_assets_snapshot(ctx, s, &snap);
    sum_run_t u = {.ctx = ctx, .snap = snap};
    if (st == GK_OK)
        st = alloc_result(ctx, areas, nf, snap, &u.r);
    if (st == GK_OK && !(u.h = gk_ctx_geos(ctx)))
        st = gk_errcode(ctx);
    const gk_geodesic_t *geo = NULL;
    if (st == GK_OK)
        st = (geo = gk_assets_geodesic(ctx, s)) ? GK_OK : gk_errcode(ctx);
    u.geo = geo;
    if (st == GK_OK) {
        u.ag = gk_geomcol_view(&snap->geoms);
        u.met = gk_calloc_array(snap->n + 1, sizeof *u.met);
        if (!u.met)
            st = gk_error_nomem(ctx, "summary");
    }
    visit_t v = {0};
    for (size_t p = 0; st == GK_OK && p < pg.ngeoms; p++) {
        if (pg.geom_off[p] == pg.geom_off[p + 1])
            continue;
        GEOSGeometry *poly = gk_geos_from_feature(u.h, &pg, p);
        const GEOSPreparedGeometry *prep = poly ? GEOSPrepare_r(u.h, poly)
                                                : NULL;
        if (!prep) {
            st = gk_error(ctx, GK_ERR_DEP, "%s: feature %lld: GEOS cannot use "
                          "the polygon: %s", gk_layer_source(areas),
                          (long long)gk_layer_fid(areas, p), gk_ctx_depmsg(ctx));
            if (poly)
                GEOSGeom_destroy_r(u.h, poly);
            break;
        }
        v.n = 0;
        gk_rtree_visit_box(snap->all, gk_geoms_feature_box(&pg, p), visit_fn,
                           &v);
        if (v.nomem)
            st = gk_error_nomem(ctx, "summary");
        /* In fid order, so "first area wins" is the only tie rule. */
        for (size_t i = 0; st == GK_OK && i < v.n; i++)
            st = add_asset(&u, p, prep, poly, v.ids[i]);
        GEOSPreparedGeom_destroy_r(u.h, prep);
        GEOSGeom_destroy_r(u.h, poly);
        if (st == GK_OK && !gk_progress(ctx, (double)(p + 1) / (double)pg.ngeoms,
                                        "summary"))
            st = GK_ERR_INTERRUPTED;
    }
    if (st == GK_OK)
        add_outside(&u);
    free(v.ids);
    free(u.met);
    free(u.buf);
    free(xy);
    gk_assets_read_done(s);
    if (st != GK_OK) {
        gk_assets_summary_free(u.r);
        return st;
    }
    *out = u.r;
    return GK_OK;
}
