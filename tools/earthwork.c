/*
 * tools/earthwork.c - what `geokota volume` and `geokota estimate --dem`
 * share: open the DEM, set up the design surface (level, plane, second DEM
 * or road formation from a profile CSV or from the smoothed ground plus an
 * offset), and run the volume.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "earthwork.h"

void earthwork_free(earthwork_t *e)
{
    gk_dem_close(e->dem);
    gk_dem_close(e->surface);
    gk_free(e->station_m);
    gk_free(e->grade_z_m);
    gk_free(e->line_off);
    memset(e, 0, sizeof *e);
}

/* Total pavement thickness and widest extra width of a template. */
static void template_depth(const gk_template_t *t, double *thickness,
                           double *extra)
{
    *thickness = 0;
    *extra = 0;
    for (size_t j = 0; j < gk_template_layer_count(t); j++) {
        gk_template_layer_t lay;
        gk_template_layer(t, j, &lay);
        *thickness += lay.thickness_m;
        *extra = fmax(*extra, lay.extra_width_m);
    }
}

gk_status_t earthwork_prepare(cli_t *cli, const earthwork_args_t *a,
                              const gk_template_t *tpl, earthwork_t *e)
{
    gk_context_t *ctx = cli->ctx;
    memset(e, 0, sizeof *e);
    gk_status_t st = gk_dem_open(ctx, a->dem_path, a->band ? a->band : 1,
                                 &e->dem);
    gk_design_t *d = &e->opts.design;
    if (st == GK_OK && a->has_level) {
        d->kind = GK_DESIGN_LEVEL;
        d->level_m = a->level;
    } else if (st == GK_OK && a->has_plane) {
        d->kind = GK_DESIGN_PLANE;
        d->x0 = a->plane[0];
        d->y0 = a->plane[1];
        d->z0_m = a->plane[2];
        d->dzdx = a->plane[3];
        d->dzdy = a->plane[4];
    } else if (st == GK_OK && a->surface_path) {
        d->kind = GK_DESIGN_SURFACE;
        st = gk_dem_open(ctx, a->surface_path, 1, &e->surface);
        d->surface = e->surface;
        d->resample = a->nearest ? GK_RESAMPLE_NEAREST : GK_RESAMPLE_BILINEAR;
    } else if (st == GK_OK && a->profile_path) {
        d->kind = GK_DESIGN_ROAD;
        st = gk_road_profile_read(ctx, a->profile_path, &e->station_m,
                                  &e->grade_z_m, &e->nprofile);
        d->road.station_m = e->station_m;
        d->road.grade_z_m = e->grade_z_m;
        d->road.nprofile = e->nprofile;
        d->road.cross_slope_pct = a->camber_pct;
        d->road.one_way_slope = a->one_way;
    } else if (st == GK_OK && a->has_offset) {
        /* the profile needs the centerline: made in earthwork_run */
        d->kind = GK_DESIGN_ROAD;
        e->from_ground = true;
        e->offset_m = a->offset_m;
        e->smooth_m = a->smooth_m;
        d->road.cross_slope_pct = a->camber_pct;
        d->road.one_way_slope = a->one_way;
    }
    double thickness = 0, extra = 0;
    if (tpl)
        template_depth(tpl, &thickness, &extra);
    d->road.thickness_m = thickness;
    e->half_width_m = a->width_m / 2 + extra;
    e->opts.method = a->method;
    e->opts.threads = a->threads ? a->threads : 2;
    e->opts.interval_m = a->interval_m;
    e->opts.swell = a->swell;
    e->opts.shrink = a->shrink;
    e->opts.diff_raster_path = a->diff_raster;
    e->opts.half_width_m = e->half_width_m;
    return st;
}

gk_status_t earthwork_run(cli_t *cli, earthwork_t *e, const gk_layer_t *region,
                          const gk_layer_t *centerline,
                          gk_volume_result_t *out)
{
    gk_geoms_t rg, cg;
    const char *region_crs = NULL;
    if (region) {
        rg = gk_layer_geoms(region);
        region_crs = gk_crs_wkt(gk_layer_crs(region));
    }
    if (centerline) {
        cg = gk_layer_geoms(centerline);
        e->opts.centerline = &cg;
        e->opts.centerline_crs = gk_crs_wkt(gk_layer_crs(centerline));
    }
    if (e->from_ground && centerline && !e->station_m) {
        gk_status_t st = gk_road_profile_from_ground(
            cli->ctx, e->dem, &cg, e->opts.centerline_crs, e->offset_m,
            e->smooth_m, 0, &e->station_m, &e->grade_z_m, &e->line_off,
            &e->nlines);
        if (st != GK_OK)
            return st;
        gk_road_design_t *rd = &e->opts.design.road;
        rd->station_m = e->station_m;
        rd->grade_z_m = e->grade_z_m;
        rd->nprofile = e->line_off[e->nlines];
        rd->line_off = e->line_off;
        rd->nlines = e->nlines;
    }
    /* a region made here (the road corridors) has no source name */
    const char *src = region ? gk_layer_source(region) : NULL;
    e->opts.region_name = src && *src ? src : centerline ? "the road corridors"
                                                         : NULL;
    return gk_volume_compute(cli->ctx, e->dem, region ? &rg : NULL, region_crs,
                             &e->opts, out);
}
