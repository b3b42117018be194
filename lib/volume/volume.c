/*
 * lib/volume/volume.c - gk_volume_compute: check the inputs once, bring the
 * region and centerline into the DEM's frame, run the chosen method, and
 * apply shrink and swell.
 *
 * Uncovered area = the region's whole area (region.c) minus the area where
 * the method had DEM data: nodata cells, triangles with a nodata vertex,
 * and whatever lies off the DEM all count, and it is never treated as
 * zero height. Differences below 1e-9 of the region's area are rounding
 * and are reported as 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_srs_api.h>

#include "volume_internal.h"

static const char *method_name(gk_volume_method_t m)
{
    switch (m) {
    case GK_VOLUME_CELL: return "cell";
    case GK_VOLUME_TIN: return "tin";
    case GK_VOLUME_SECTIONS: return "sections";
    }
    return "?";
}

static gk_status_t same_crs(gk_context_t *ctx, const gk_dem_t *a,
                            const gk_dem_t *b)
{
    gk_gdal_enter(ctx);
    OGRSpatialReferenceH sa = OSRNewSpatialReference(a->wkt);
    OGRSpatialReferenceH sb = OSRNewSpatialReference(b->wkt);
    bool same = sa && sb && OSRIsSame(sa, sb);
    OSRDestroySpatialReference(sa);
    OSRDestroySpatialReference(sb);
    gk_gdal_leave(ctx);
    if (!same)
        return gk_error(ctx, GK_ERR_UNSUPPORTED,
                        "%s: the design surface is in another CRS than the "
                        "DEM %s; warp it first (gdalwarp -t_srs ... -tr ...)",
                        b->path, a->path);
    return GK_OK;
}

static gk_status_t check_road_profile(gk_context_t *ctx,
                                     const gk_road_design_t *r)
{
    size_t nl = r->line_off ? r->nlines : 1;
    if (r->line_off && (r->nlines == 0 || r->line_off[0] != 0 ||
                        r->line_off[r->nlines] != r->nprofile))
        return gk_error(ctx, GK_ERR_ARG,
                        "road profile: line_off must run from 0 to nprofile "
                        "(%zu)",
                        r->nprofile);
    for (size_t l = 0; l < nl; l++) {
        size_t a = r->line_off ? r->line_off[l] : 0;
        size_t b = r->line_off ? r->line_off[l + 1] : r->nprofile;
        if (b <= a || b > r->nprofile)
            return gk_error(ctx, GK_ERR_ARG,
                            "road profile: line %zu has no profile entries",
                            l);
        for (size_t k = a; k < b; k++) {
            if (!isfinite(r->station_m[k]) || !isfinite(r->grade_z_m[k]))
                return gk_error(ctx, GK_ERR_INPUT_NAN,
                                "road profile: line %zu, station %zu: "
                                "station or grade is not finite",
                                l, k - a);
            if (k > a && !(r->station_m[k] > r->station_m[k - 1]))
                return gk_error(ctx, GK_ERR_INPUT_VALUE,
                                "road profile: line %zu, station %zu (%g m) "
                                "does not increase",
                                l, k - a, r->station_m[k]);
        }
    }
    return GK_OK;
}

static gk_status_t check_opts(gk_context_t *ctx, const gk_dem_t *dem,
                              const gk_geoms_t *region,
                              const gk_volume_opts_t *o)
{
    const gk_design_t *d = &o->design;
    if (o->method > GK_VOLUME_SECTIONS)
        return gk_error(ctx, GK_ERR_ARG, "gk_volume_compute: unknown method %d",
                        (int)o->method);
    if (o->method != GK_VOLUME_SECTIONS && (!region || region->ngeoms == 0))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_volume_compute: the %s method needs a region",
                        method_name(o->method));
    if (o->swell < 0 || o->shrink < 0 || !isfinite(o->swell) ||
        !isfinite(o->shrink))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_volume_compute: swell (%g) and shrink (%g) must "
                        "be positive",
                        o->swell, o->shrink);
    if (o->interval_m < 0 || !isfinite(o->interval_m))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_volume_compute: interval_m must be positive (%g)",
                        o->interval_m);
    switch (d->kind) {
    case GK_DESIGN_LEVEL:
        if (!isfinite(d->level_m))
            return gk_error(ctx, GK_ERR_ARG, "design level is not finite");
        break;
    case GK_DESIGN_PLANE:
        if (!isfinite(d->x0) || !isfinite(d->y0) || !isfinite(d->z0_m) ||
            !isfinite(d->dzdx) || !isfinite(d->dzdy))
            return gk_error(ctx, GK_ERR_ARG, "design plane is not finite");
        break;
    case GK_DESIGN_SURFACE:
        if (!d->surface)
            return gk_error(ctx, GK_ERR_ARG, "design surface: no DEM given");
        return same_crs(ctx, dem, d->surface);
    case GK_DESIGN_FUNCTION:
        if (!d->fn)
            return gk_error(ctx, GK_ERR_ARG, "design function: NULL");
        break;
    case GK_DESIGN_ROAD:
        if (!o->centerline)
            return gk_error(ctx, GK_ERR_ARG,
                            "road design: a centerline is needed");
        if (d->road.nprofile == 0 || !d->road.station_m || !d->road.grade_z_m)
            return gk_error(ctx, GK_ERR_ARG,
                            "road design: the vertical profile is empty");
        return check_road_profile(ctx, &d->road);
    default:
        return gk_error(ctx, GK_ERR_ARG, "unknown design kind %d",
                        (int)d->kind);
    }
    return GK_OK;
}

static gk_status_t check_overlap(gk_context_t *ctx, const gk_dem_t *dem,
                                 const gk_rings_t *r, const char *name)
{
    double W = (double)dem->info.width, H = (double)dem->info.height;
    if (r->umax > 0 && r->umin < W && r->vmax > 0 && r->vmin < H)
        return GK_OK;
    double x0, y0, x1, y1, dx0, dy0, dx1, dy1;
    gk_dem_world(dem, r->umin, r->vmin, &x0, &y0);
    gk_dem_world(dem, r->umax, r->vmax, &x1, &y1);
    gk_dem_world(dem, 0, 0, &dx0, &dy0);
    gk_dem_world(dem, W, H, &dx1, &dy1);
    return gk_error(ctx, GK_ERR_INPUT,
                    "%s: the region lies outside the DEM %s (region %.10g "
                    "%.10g .. %.10g %.10g, DEM %.10g %.10g .. %.10g %.10g in "
                    "its CRS)",
                    name, dem->path, fmin(x0, x1), fmin(y0, y1), fmax(x0, x1),
                    fmax(y0, y1), fmin(dx0, dx1), fmin(dy0, dy1),
                    fmax(dx0, dx1), fmax(dy0, dy1));
}

static void apply_factors(const gk_volume_opts_t *o, gk_volume_result_t *r)
{
    r->swell = o->swell > 0 ? o->swell : 1.0;
    r->shrink = o->shrink > 0 ? o->shrink : 1.0;
    r->net_m3 = r->cut_m3 - r->fill_m3;
    r->cut_loose_m3 = r->cut_m3 * r->swell;
    r->fill_bank_m3 = r->fill_m3 / r->shrink;
    r->fill_loose_m3 = r->fill_bank_m3 * r->swell;
    r->net_bank_m3 = r->cut_m3 - r->fill_bank_m3;
}

gk_status_t gk_volume_compute(gk_context_t *ctx, const gk_dem_t *dem,
                              const gk_geoms_t *region,
                              const char *region_crs,
                              const gk_volume_opts_t *opts,
                              gk_volume_result_t *out)
{
    if (!ctx || !dem || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_volume_compute: NULL argument");
    memset(out, 0, sizeof *out);
    gk_volume_opts_t o = {0};
    if (opts)
        o = *opts;
    const char *name = o.region_name ? o.region_name : "region";
    gk_status_t st = check_opts(ctx, dem, region, &o);
    if (st != GK_OK)
        return st;
    gk_centerline_t cl = {0};
    gk_rings_t rings = {0};
    gk_volume_result_t res = {0};
    res.method = method_name(o.method);
    if (o.centerline &&
        (st = gk_centerline_build(ctx, dem, o.centerline, o.centerline_crs,
                                  &cl)) != GK_OK)
        return st;
    if (o.design.kind == GK_DESIGN_ROAD && o.design.road.line_off &&
        o.design.road.nlines != cl.nlines) {
        st = gk_error(ctx, GK_ERR_ARG,
                      "road design: %zu line profiles for a centerline of "
                      "%zu lines",
                      o.design.road.nlines, cl.nlines);
        goto out;
    }
    /* PROJ objects are not shareable between threads: a road design on a
     * lon/lat DEM maps every cell through one, so it runs on one thread. */
    if (o.design.kind == GK_DESIGN_ROAD && cl.to_dem)
        o.threads = 1;
    if (o.method == GK_VOLUME_SECTIONS) {
        if (o.diff_raster_path) {
            st = gk_error(ctx, GK_ERR_ARG,
                          "a difference raster needs a region (cell or tin "
                          "method)");
            goto out;
        }
        st = gk_volume_sections(ctx, dem, &o, &cl, &res);
        if (st == GK_OK && res.area_m2 <= 0) {
            st = gk_error(ctx, GK_ERR_INPUT,
                          "%s: no DEM data under the cross-sections (all "
                          "nodata or outside)",
                          dem->path);
            gk_volume_result_free(&res);
        }
        goto out;
    }
    if ((st = gk_region_to_grid(ctx, dem, region, region_crs, name,
                                &rings)) != GK_OK ||
        (st = check_overlap(ctx, dem, &rings, name)) != GK_OK)
        goto out;
    gk_sums_t sums = {0};
    st = o.method == GK_VOLUME_CELL
             ? gk_volume_cell(ctx, dem, &rings, &o, &cl, &sums)
             : gk_volume_tin(ctx, dem, &rings, &o, &cl, &sums);
    if (st != GK_OK)
        goto out;
    res.cut_m3 = sums.cut;
    res.fill_m3 = sums.fill;
    res.area_m2 = sums.area;
    res.ncells = (size_t)sums.ncells;
    double unc = rings.area_m2 - sums.area;
    if (!(unc > 1e-9 * fabs(rings.area_m2)))
        unc = 0;
    res.nodata_area_m2 = unc;
    if (!(sums.area > 0)) {
        st = gk_error(ctx, GK_ERR_INPUT,
                      "%s: no DEM data under %s (%.6g m2: all nodata%s)",
                      dem->path, name, rings.area_m2,
                      o.method == GK_VOLUME_TIN
                          ? ", or narrower than the cell centres"
                          : "");
        goto out;
    }
    if (unc > 0)
        gk_log(ctx, GK_LOG_WARNING,
               "%s: %.6g m2 (%.3g %%) of %s has no DEM data (nodata or off "
               "the DEM) and is not counted",
               dem->path, unc, 100 * unc / rings.area_m2, name);
    if (o.diff_raster_path &&
        (st = gk_volume_write_diff(ctx, dem, &rings, &o, &cl)) != GK_OK)
        goto out;
out:
    gk_rings_free(&rings);
    gk_centerline_free(&cl);
    if (st == GK_OK) {
        apply_factors(&o, &res);
        *out = res;
    }
    return st;
}

void gk_volume_result_free(gk_volume_result_t *r)
{
    if (!r)
        return;
    free(r->stations);
    memset(r, 0, sizeof *r);
}
