/*
 * lib/volume/region.c - bring the region's polygons into the DEM's cell
 * coordinates: validate, reproject (one PROJ transformation over the whole
 * vertex array), map through the inverse geotransform, give every ring the
 * weight that makes exteriors add and holes subtract, and measure the
 * region's whole area (also the part outside the DEM, reported as
 * uncovered). Features that overlap are first merged into their union
 * (region_union.c), so every point of the region counts once.
 *
 * Area of the region: on projected DEMs the shoelace formula in cell
 * coordinates times |det(geotransform)| and the unit squared (the same
 * plane the cell areas live in). On lon/lat DEMs the edges are straight in
 * lon/lat, as the coverage treats them, so the area is Green's theorem with
 * the ellipsoid's area density: A = -(a^2/2) * sum over edges of the
 * integral of q(phi) dlambda, q Snyder's authalic function (see
 * ellipsoid_area.c), by 3-point Gauss-Legendre along each edge (exact for
 * q of degree 5 along the edge; q is smooth, so the error is far below
 * 1e-12 relative for edges shorter than a degree).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

gk_status_t gk_transform_to_dem(gk_context_t *ctx, const gk_dem_t *dem,
                                const char *crs, const char *name,
                                double *xy, size_t n)
{
    if (!crs || !*crs || n == 0)
        return GK_OK;
    PJ_CONTEXT *pc = gk_ctx_proj(ctx);
    if (!pc)
        return gk_errcode(ctx);
    gk_ctx_set_depmsg(ctx, "");
    PJ *raw = proj_create_crs_to_crs(pc, crs, dem->wkt, NULL);
    if (!raw)
        return gk_error(ctx, GK_ERR_CRS,
                        "%s: no transformation from its CRS \"%.80s\" to "
                        "the DEM's (%s)",
                        name, crs, gk_ctx_depmsg(ctx));
    /* Longitude first, whatever the CRS definitions say about axis order. */
    PJ *pj = proj_normalize_for_visualization(pc, raw);
    proj_destroy(raw);
    if (!pj)
        return gk_error(ctx, GK_ERR_CRS, "%s: cannot normalise the CRS axes (%s)",
                        name, gk_ctx_depmsg(ctx));
    size_t done = proj_trans_generic(pj, PJ_FWD, xy, 2 * sizeof(double), n,
                                     xy + 1, 2 * sizeof(double), n, NULL, 0,
                                     0, NULL, 0, 0);
    proj_destroy(pj);
    (void)done;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(xy[2 * k]) || !isfinite(xy[2 * k + 1]))
            return gk_error(ctx, GK_ERR_CRS,
                            "%s: vertex %zu cannot be transformed into the "
                            "DEM's CRS",
                            name, k);
    return GK_OK;
}

void gk_rings_free(gk_rings_t *r)
{
    if (!r)
        return;
    free(r->off);
    free(r->uv);
    free(r->weight);
    memset(r, 0, sizeof *r);
}

static double ring_area_uv(const double *uv, size_t n)
{
    /* Relative to the first vertex, to keep the products small. */
    double s = 0, u0 = uv[0], v0 = uv[1];
    for (size_t k = 1; k + 1 < n; k++) {
        double ua = uv[2 * k] - u0, va = uv[2 * k + 1] - v0;
        double ub = uv[2 * k + 2] - u0, vb = uv[2 * k + 3] - v0;
        s += ua * vb - ub * va;
    }
    return s / 2;
}

/* Signed integral of -(a^2/2) q(phi) dlambda around a lon/lat ring. */
static double ring_area_geo(const double *xy, size_t n, double a, double f)
{
    static const double gx[3] = {-0.7745966692414834, 0.0, 0.7745966692414834};
    static const double gw[3] = {5.0 / 9, 8.0 / 9, 5.0 / 9};
    double s = 0;
    for (size_t k = 0; k < n; k++) {
        size_t k1 = (k + 1) % n;
        double l1 = xy[2 * k], p1 = xy[2 * k + 1];
        double l2 = xy[2 * k1], p2 = xy[2 * k1 + 1];
        if (l1 == l2)
            continue;
        double m = 0;
        for (int g = 0; g < 3; g++) {
            double t = 0.5 + 0.5 * gx[g];
            double p = p1 + t * (p2 - p1);
            /* q(phi) via the quadrangle area from the equator over 1 rad */
            m += gw[g] / 2 * gk_ellipsoid_quad_area(a, f, 0, 180.0 / GK_PI, 0, p);
        }
        s -= (l2 - l1) * (GK_PI / 180.0) * m;
    }
    return s;
}

static gk_status_t check_region(gk_context_t *ctx, const gk_geoms_t *g,
                                const char *name)
{
    for (size_t f = 0; f < g->ngeoms; f++) {
        gk_geom_type_t t = (gk_geom_type_t)g->types[f];
        if (t != GK_GEOM_POLYGON && t != GK_GEOM_MULTIPOLYGON &&
            t != GK_GEOM_NONE)
            return gk_error(ctx, GK_ERR_INPUT_GEOM_TYPE,
                            "%s: feature %zu: not a polygon (type %d)", name,
                            f, (int)t);
        for (int64_t p = g->geom_off[f]; p < g->geom_off[f + 1]; p++)
            for (int64_t r = g->part_off[p]; r < g->part_off[p + 1]; r++) {
                int64_t a = g->ring_off[r], b = g->ring_off[r + 1];
                if (b - a < 3)
                    return gk_error(ctx, GK_ERR_INPUT_TOO_FEW_POINTS,
                                    "%s: feature %zu, ring %lld: %lld "
                                    "vertices, need at least 3",
                                    name, f, (long long)(r - g->part_off[p]),
                                    (long long)(b - a));
                for (int64_t v = a; v < b; v++)
                    if (!isfinite(g->xy[2 * v]) || !isfinite(g->xy[2 * v + 1]))
                        return gk_error(ctx, GK_ERR_INPUT_NAN,
                                        "%s: feature %zu, ring %lld, vertex "
                                        "%lld: coordinate is not finite",
                                        name, f,
                                        (long long)(r - g->part_off[p]),
                                        (long long)(v - a));
            }
    }
    return GK_OK;
}

static gk_status_t to_grid(gk_context_t *ctx, const gk_dem_t *dem,
                           const gk_geoms_t *g, const char *crs,
                           const char *name, gk_rings_t *out)
{
    gk_status_t st;
    size_t nparts = gk_geoms_num_parts(g);
    size_t nrings = gk_geoms_num_rings(g);
    int64_t v0 = g->ring_off[g->part_off[g->geom_off[0]]];
    size_t nv = (size_t)(g->ring_off[nrings] - v0);
    if (nrings == 0 || nv == 0)
        return gk_error(ctx, GK_ERR_INPUT_EMPTY, "%s: no polygons", name);
    gk_rings_t r = {0};
    r.off = gk_calloc_array(nrings + 1, sizeof *r.off);
    r.uv = gk_calloc_array(2 * nv, sizeof *r.uv);
    r.weight = gk_calloc_array(nrings, sizeof *r.weight);
    if (!r.off || !r.uv || !r.weight) {
        gk_rings_free(&r);
        return gk_error_nomem(ctx, "the region's vertices");
    }
    memcpy(r.uv, g->xy + 2 * v0, 2 * nv * sizeof(double));
    st = gk_transform_to_dem(ctx, dem, crs, name, r.uv, nv);
    if (st != GK_OK) {
        gk_rings_free(&r);
        return st;
    }
    const gk_dem_info_t *in = &dem->info;
    double a = in->semi_major_m;
    double fl = in->inv_flattening > 0 ? 1 / in->inv_flattening : 0;
    const double *gt = in->geotransform;
    double cell_plane = fabs(gt[1] * gt[5] - gt[2] * gt[4]) *
                        in->linear_unit_m * in->linear_unit_m;
    r.umin = r.vmin = INFINITY;
    r.umax = r.vmax = -INFINITY;
    size_t ri = 0;
    for (size_t p = 0; p < nparts; p++) {
        for (int64_t k = g->part_off[p]; k < g->part_off[p + 1]; k++, ri++) {
            size_t a0 = (size_t)(g->ring_off[k] - v0);
            size_t n = (size_t)(g->ring_off[k + 1] - g->ring_off[k]);
            double *uv = r.uv + 2 * a0;
            double geo = in->geographic ? ring_area_geo(uv, n, a, fl) : 0;
            for (size_t v = 0; v < n; v++) {
                double x = uv[2 * v], y = uv[2 * v + 1];
                gk_dem_grid(dem, x, y, &uv[2 * v], &uv[2 * v + 1]);
                r.umin = fmin(r.umin, uv[2 * v]);
                r.umax = fmax(r.umax, uv[2 * v]);
                r.vmin = fmin(r.vmin, uv[2 * v + 1]);
                r.vmax = fmax(r.vmax, uv[2 * v + 1]);
            }
            r.off[ri] = (int64_t)a0;
            double auv = ring_area_uv(uv, n);
            bool exterior = k == g->part_off[p];
            /* A ring's pieces add up to -auv (plan.c): make exteriors
             * count +|A| and holes -|A|. */
            int8_t w = auv == 0 ? 0 : (int8_t)((auv > 0) == exterior ? -1 : 1);
            r.weight[ri] = w;
            double area = in->geographic ? fabs(geo) : fabs(auv) * cell_plane;
            r.area_m2 += exterior ? area : -area;
        }
    }
    r.off[nrings] = (int64_t)nv;
    r.nrings = nrings;
    *out = r;
    return GK_OK;
}

gk_status_t gk_region_to_grid(gk_context_t *ctx, const gk_dem_t *dem,
                              const gk_geoms_t *g, const char *crs,
                              const char *name, gk_rings_t *out)
{
    memset(out, 0, sizeof *out);
    gk_status_t st = check_region(ctx, g, name);
    if (st != GK_OK)
        return st;
    /* Overlapping features count once: their union replaces them, already
     * in the DEM's CRS (region_union.c). */
    gk_geomcol_t merged;
    bool is_merged = false;
    st = gk_region_merge_overlaps(ctx, dem, g, crs, name, &merged, &is_merged);
    if (st != GK_OK)
        return st;
    if (!is_merged)
        return to_grid(ctx, dem, g, crs, name, out);
    gk_geoms_t mv = gk_geomcol_view(&merged);
    st = to_grid(ctx, dem, &mv, NULL, name, out);
    gk_geomcol_clear(&merged);
    return st;
}
