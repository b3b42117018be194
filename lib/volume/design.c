/*
 * lib/volume/design.c - design surfaces: level, plane, a second DEM, a
 * caller's function, and a road formation along a centerline; and the
 * centerline itself (stations, offsets) in a metric frame.
 *
 * Metric frame: a projected DEM's own CRS scaled to metres; for a lon/lat
 * DEM a transverse Mercator centred on the centerline (scale error
 * x^2 / 2R^2: 3e-7 at 5 km from its centre), so stations and offsets are
 * metres along the ground whatever the DEM's CRS.
 *
 * Second DEM: sampled at the first DEM's cell centres, bilinearly between
 * its own four nearest centres (or the containing cell with
 * GK_RESAMPLE_NEAREST); nodata in it is "no design here". Both DEMs must
 * share a CRS (checked in volume.c); warp one with gdalwarp otherwise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

void gk_centerline_free(gk_centerline_t *c)
{
    if (!c)
        return;
    free(c->off);
    free(c->xy);
    free(c->cum);
    if (c->to_dem)
        proj_destroy(c->to_dem);
    memset(c, 0, sizeof *c);
}

gk_status_t gk_centerline_build(gk_context_t *ctx, const gk_dem_t *dem,
                                const gk_geoms_t *g, const char *crs,
                                gk_centerline_t *out)
{
    memset(out, 0, sizeof *out);
    const char *name = "centerline";
    size_t nparts = gk_geoms_num_parts(g);
    for (size_t f = 0; f < g->ngeoms; f++) {
        gk_geom_type_t t = (gk_geom_type_t)g->types[f];
        if (t != GK_GEOM_LINESTRING && t != GK_GEOM_MULTILINESTRING &&
            t != GK_GEOM_NONE)
            return gk_error(ctx, GK_ERR_INPUT_GEOM_TYPE,
                            "%s: feature %zu: not a line (type %d)", name, f,
                            (int)t);
    }
    gk_centerline_t c = {0};
    size_t nv = gk_geoms_num_vertices(g);
    int64_t v0 = g->ring_off[0];
    nv -= (size_t)v0;
    c.off = gk_calloc_array(nparts + 1, sizeof *c.off);
    c.xy = gk_calloc_array(2 * nv, sizeof *c.xy);
    c.cum = gk_calloc_array(nv, sizeof *c.cum);
    if (!c.off || !c.xy || !c.cum) {
        gk_centerline_free(&c);
        return gk_error_nomem(ctx, "the centerline");
    }
    size_t nl = 0;
    for (size_t p = 0; p < nparts; p++) {
        /* a line is the single ring of its part */
        int64_t r = g->part_off[p];
        if (g->part_off[p + 1] == r)
            continue;
        int64_t a = g->ring_off[r] - v0, b = g->ring_off[r + 1] - v0;
        if (b - a < 2) {
            gk_centerline_free(&c);
            return gk_error(ctx, GK_ERR_INPUT_TOO_FEW_POINTS,
                            "%s: line %zu has %lld vertex, need 2", name, p,
                            (long long)(b - a));
        }
        c.off[nl] = a;
        c.off[++nl] = b;
    }
    c.nlines = nl;
    memcpy(c.xy, g->xy + 2 * v0, 2 * nv * sizeof(double));
    for (size_t k = 0; k < 2 * nv; k++)
        if (!isfinite(c.xy[k])) {
            gk_centerline_free(&c);
            return gk_error(ctx, GK_ERR_INPUT_NAN,
                            "%s: vertex %zu: coordinate is not finite", name,
                            k / 2);
        }
    gk_status_t st = gk_transform_to_dem(ctx, dem, crs, name, c.xy, nv);
    if (st != GK_OK) {
        gk_centerline_free(&c);
        return st;
    }
    if (!dem->info.geographic) {
        c.unit = 1.0 / dem->info.linear_unit_m;
        for (size_t k = 0; k < 2 * nv; k++)
            c.xy[k] *= dem->info.linear_unit_m;
    } else {
        double lon = 0, lat = 0;
        for (size_t k = 0; k < nv; k++) {
            lon += c.xy[2 * k];
            lat += c.xy[2 * k + 1];
        }
        lon /= (double)(nv ? nv : 1);
        lat /= (double)(nv ? nv : 1);
        char def[320];
        snprintf(def, sizeof def,
                 "+proj=tmerc +lat_0=%.12g +lon_0=%.12g +k=1 +x_0=0 +y_0=0 "
                 "+a=%.17g +rf=%.17g +units=m +no_defs +type=crs",
                 lat, lon, dem->info.semi_major_m,
                 dem->info.inv_flattening > 0 ? dem->info.inv_flattening
                                              : 1e300);
        PJ_CONTEXT *pc = gk_ctx_proj(ctx);
        PJ *raw = pc ? proj_create_crs_to_crs(pc, dem->wkt, def, NULL) : NULL;
        PJ *pj = raw ? proj_normalize_for_visualization(pc, raw) : NULL;
        if (raw)
            proj_destroy(raw);
        if (!pj) {
            gk_centerline_free(&c);
            return gk_error(ctx, GK_ERR_CRS,
                            "%s: cannot set up a local metric frame (%s)",
                            name, gk_ctx_depmsg(ctx));
        }
        c.to_dem = pj;
        proj_trans_generic(pj, PJ_FWD, c.xy, 2 * sizeof(double), nv,
                           c.xy + 1, 2 * sizeof(double), nv, NULL, 0, 0, NULL,
                           0, 0);
    }
    for (size_t l = 0; l < nl; l++) {
        c.cum[c.off[l]] = 0;
        for (int64_t k = c.off[l] + 1; k < c.off[l + 1]; k++)
            c.cum[k] = c.cum[k - 1] + hypot(c.xy[2 * k] - c.xy[2 * k - 2],
                                            c.xy[2 * k + 1] - c.xy[2 * k - 1]);
    }
    *out = c;
    return GK_OK;
}

void gk_centerline_project(const gk_centerline_t *c, size_t k, double x,
                           double y, double *s, double *t)
{
    double best = INFINITY;
    *s = *t = NAN;
    for (int64_t i = c->off[k]; i + 1 < c->off[k + 1]; i++) {
        double ax = c->xy[2 * i], ay = c->xy[2 * i + 1];
        double dx = c->xy[2 * i + 2] - ax, dy = c->xy[2 * i + 3] - ay;
        double len2 = dx * dx + dy * dy;
        if (len2 == 0)
            continue;
        double len = sqrt(len2);
        double p = ((x - ax) * dx + (y - ay) * dy) / len2;
        double pc = p < 0 ? 0 : p > 1 ? 1 : p;
        double ex = x - (ax + pc * dx), ey = y - (ay + pc * dy);
        double d2 = ex * ex + ey * ey;
        if (d2 < best) {
            best = d2;
            /* Past either end of the line the station runs on (negative,
             * or beyond the length) so that a profile reaching past the
             * ends (gk_road_profile_from_ground) stays linear there. */
            bool open = (i == c->off[k] && p < 0) ||
                        (i + 2 == c->off[k + 1] && p > 1);
            *s = c->cum[i] + (open ? p : pc) * len;
            *t = (dx * (y - ay) - dy * (x - ax)) / len;
        }
    }
}

void gk_centerline_at(const gk_centerline_t *c, size_t k, double s,
                      double *x, double *y, double *dx, double *dy)
{
    int64_t a = c->off[k], b = c->off[k + 1] - 1;
    /* the segment [i, i+1] with cum[i] <= s < cum[i+1]; the last one at
     * the end */
    int64_t lo = a, hi = b - 1;
    while (lo < hi) {
        int64_t mid = (lo + hi + 1) / 2;
        if (c->cum[mid] <= s)
            lo = mid;
        else
            hi = mid - 1;
    }
    int64_t i = lo;
    while (i < b - 1 && c->cum[i + 1] == c->cum[i])
        i++;
    double ax = c->xy[2 * i], ay = c->xy[2 * i + 1];
    double ex = c->xy[2 * i + 2] - ax, ey = c->xy[2 * i + 3] - ay;
    double len = hypot(ex, ey);
    double p = len > 0 ? (s - c->cum[i]) / len : 0;
    *x = ax + p * ex;
    *y = ay + p * ey;
    *dx = len > 0 ? ex / len : 1;
    *dy = len > 0 ? ey / len : 0;
}

double gk_road_formation(const gk_road_design_t *rd, size_t line, double s,
                         double t)
{
    double fg;
    size_t a = 0, n = rd->nprofile;
    if (rd->line_off) {
        if (line >= rd->nlines)
            return NAN;
        a = rd->line_off[line];
        n = rd->line_off[line + 1] - a;
    }
    if (n == 0)
        return NAN;
    const double *st = rd->station_m + a, *gz = rd->grade_z_m + a;
    if (s <= st[0])
        fg = gz[0];
    else if (s >= st[n - 1])
        fg = gz[n - 1];
    else {
        size_t lo = 0, hi = n - 1;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (st[mid] <= s)
                lo = mid;
            else
                hi = mid;
        }
        double ds = st[hi] - st[lo];
        double w = ds > 0 ? (s - st[lo]) / ds : 0;
        fg = gz[lo] + w * (gz[hi] - gz[lo]);
    }
    double k = rd->cross_slope_pct / 100;
    double camber = rd->one_way_slope ? k * t : -k * fabs(t);
    return fg + camber - rd->thickness_m;
}

bool gk_design_linear(const gk_design_t *d, const gk_dem_t *dem, double *a,
                      double *b, double *c)
{
    const double *g = dem->info.geotransform;
    switch (d->kind) {
    case GK_DESIGN_LEVEL:
        *a = d->level_m;
        *b = *c = 0;
        return true;
    case GK_DESIGN_PLANE:
        *a = d->z0_m + d->dzdx * (g[0] - d->x0) + d->dzdy * (g[3] - d->y0);
        *b = d->dzdx * g[1] + d->dzdy * g[4];
        *c = d->dzdx * g[2] + d->dzdy * g[5];
        return true;
    default:
        return false;
    }
}

gk_status_t gk_design_eval_init(gk_design_eval_t *e, gk_context_t *ctx,
                                const gk_design_t *d, const gk_dem_t *dem,
                                const gk_centerline_t *cl, bool own_handle)
{
    memset(e, 0, sizeof *e);
    e->d = d;
    e->dem = dem;
    e->cl = cl;
    if (d->kind == GK_DESIGN_SURFACE) {
        gk_status_t st = gk_dem_reader_init(&e->surf, ctx, d->surface,
                                            own_handle);
        if (st != GK_OK) {
            gk_dem_reader_fini(&e->surf);
            return st;
        }
        e->surf_open = true;
    }
    return GK_OK;
}

void gk_design_eval_fini(gk_design_eval_t *e)
{
    if (e->surf_open)
        gk_dem_reader_fini(&e->surf);
    memset(e, 0, sizeof *e);
}

gk_status_t gk_design_at(gk_design_eval_t *e, double u, double v, double *z)
{
    const gk_design_t *d = e->d;
    double x, y;
    gk_dem_world(e->dem, u, v, &x, &y);
    switch (d->kind) {
    case GK_DESIGN_LEVEL:
        *z = d->level_m;
        return GK_OK;
    case GK_DESIGN_PLANE:
        *z = d->z0_m + d->dzdx * (x - d->x0) + d->dzdy * (y - d->y0);
        return GK_OK;
    case GK_DESIGN_SURFACE: {
        double u2, v2;
        gk_dem_grid(d->surface, x, y, &u2, &v2);
        return gk_dem_sample(&e->surf, u2, v2, d->resample, z);
    }
    case GK_DESIGN_FUNCTION:
        *z = d->fn(x, y, d->fn_user);
        return GK_OK;
    case GK_DESIGN_ROAD: {
        const gk_centerline_t *cl = e->cl;
        if (cl->to_dem) {
            PJ_COORD p = proj_trans(cl->to_dem, PJ_FWD, proj_coord(x, y, 0, 0));
            x = p.xy.x;
            y = p.xy.y;
        } else {
            x /= cl->unit;
            y /= cl->unit;
        }
        double best = INFINITY;
        *z = NAN;
        for (size_t k = 0; k < cl->nlines; k++) {
            double s, t;
            gk_centerline_project(cl, k, x, y, &s, &t);
            if (fabs(t) < best) {
                best = fabs(t);
                *z = gk_road_formation(&d->road, k, s, t);
            }
        }
        return GK_OK;
    }
    }
    *z = NAN;
    return GK_OK;
}
