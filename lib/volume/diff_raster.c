/*
 * lib/volume/diff_raster.c - the cut/fill difference GeoTIFF: ground minus
 * design (m, positive = cut) at each DEM cell the region covers, NaN
 * (declared nodata) elsewhere, over the region's bounding box on the DEM's
 * own grid and CRS, so it overlays the DEM in QGIS.
 *
 * Written strip by strip (one block row at a time: memory is one strip),
 * tiled 256 x 256, DEFLATE, Float32, into "<path>.part" and renamed over
 * <path> only when complete: a reader never sees half a file, and a failed
 * run leaves any earlier file in place. Progress is reported after each
 * strip (second half of the fraction); a stop request from the callback
 * removes the partial file like any other failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include "volume_internal.h"

typedef struct diff_job {
    gk_context_t *ctx;
    const gk_dem_t *dem;
    const gk_volume_opts_t *o;
    const gk_plan_t *plan;
    GDALDatasetH out;
    int64_t c0, r0, w, h;  /* window in DEM cells */
} diff_job_t;

static gk_status_t write_strips(diff_job_t *j, gk_design_eval_t *de,
                                gk_dem_reader_t *rd)
{
    const gk_dem_t *dem = j->dem;
    int64_t bh = (int64_t)dem->info.block_height;
    double *z = gk_calloc_array((size_t)(j->w * bh), sizeof(double));
    float *f = gk_calloc_array((size_t)(j->w * bh), sizeof(float));
    gk_status_t st = GK_OK;
    if (!z || !f) {
        st = gk_error_nomem(j->ctx, "a difference raster strip");
        goto out;
    }
    double la, lb, lc;
    bool linear = gk_design_linear(&j->o->design, dem, &la, &lb, &lc);
    size_t k = 0; /* items are sorted by row */
    for (int64_t y = j->r0; y < j->r0 + j->h; y += bh) {
        int64_t sh = j->r0 + j->h - y < bh ? j->r0 + j->h - y : bh;
        if ((st = gk_dem_window(rd, j->c0, y, j->w, sh, z)) != GK_OK)
            goto out;
        for (int64_t i = 0; i < j->w * sh; i++)
            f[i] = NAN;
        while (k < j->plan->nitems && j->plan->items[k].row < y + sh) {
            const gk_item_t *it = &j->plan->items[k++];
            if (it->frac <= 0 || it->row < y)
                continue;
            for (int64_t c = it->col0; c < it->col1; c++) {
                if (c < j->c0 || c >= j->c0 + j->w)
                    continue;
                double uc = (double)c + 0.5, vc = (double)it->row + 0.5, d;
                if (linear)
                    d = la + lb * uc + lc * vc;
                else if ((st = gk_design_at(de, uc, vc, &d)) != GK_OK)
                    goto out;
                int64_t at = (it->row - y) * j->w + (c - j->c0);
                f[at] = (float)(z[at] - d);
            }
        }
        gk_gdal_enter(j->ctx);
        CPLErr e = GDALRasterIO(GDALGetRasterBand(j->out, 1), GF_Write, 0,
                                (int)(y - j->r0), (int)j->w, (int)sh, f,
                                (int)j->w, (int)sh, GDT_Float32, 0, 0);
        gk_gdal_leave(j->ctx);
        if (e != CE_None) {
            st = gk_error(j->ctx, GK_ERR_IO, "%s: write failed (%s)",
                          j->o->diff_raster_path, gk_ctx_depmsg(j->ctx));
            goto out;
        }
        /* the volume pass took the first half */
        if (!gk_progress(j->ctx,
                         0.5 + 0.5 * (double)(y + sh - j->r0) / (double)j->h,
                         "volume")) {
            st = GK_ERR_INTERRUPTED;
            goto out;
        }
    }
out:
    free(z);
    free(f);
    return st;
}

gk_status_t gk_volume_write_diff(gk_context_t *ctx, const gk_dem_t *dem,
                                 const gk_rings_t *rings,
                                 const gk_volume_opts_t *o,
                                 const gk_centerline_t *cl)
{
    const char *path = o->diff_raster_path;
    diff_job_t j = {.ctx = ctx, .dem = dem, .o = o};
    double W = (double)dem->info.width, H = (double)dem->info.height;
    j.c0 = (int64_t)fmax(0, floor(rings->umin));
    j.r0 = (int64_t)fmax(0, floor(rings->vmin));
    j.w = (int64_t)fmin(W, ceil(rings->umax)) - j.c0;
    j.h = (int64_t)fmin(H, ceil(rings->vmax)) - j.r0;
    if (j.w <= 0 || j.h <= 0 || j.w > INT32_MAX || j.h > INT32_MAX)
        return gk_error(ctx, GK_ERR_INPUT, "%s: empty window", path);
    gk_plan_t plan;
    gk_status_t st = gk_plan_build(ctx, rings, (int64_t)dem->info.width,
                                   (int64_t)dem->info.height, 0.0, &plan);
    if (st != GK_OK)
        return st;
    j.plan = &plan;
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp) {
        gk_plan_free(&plan);
        return gk_error_nomem(ctx, "a file name");
    }
    snprintf(tmp, n, "%s.part", path);
    gk_dem_reader_t rd = {0};
    gk_design_eval_t de = {0};
    gk_gdal_enter(ctx);
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    char **co = NULL;
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "COMPRESS", "DEFLATE");
    co = CSLSetNameValue(co, "BIGTIFF", "IF_SAFER");
    j.out = drv ? GDALCreate(drv, tmp, (int)j.w, (int)j.h, 1, GDT_Float32, co)
                : NULL;
    CSLDestroy(co);
    if (j.out) {
        double gt[6];
        memcpy(gt, dem->info.geotransform, sizeof gt);
        gk_dem_world(dem, (double)j.c0, (double)j.r0, &gt[0], &gt[3]);
        GDALSetGeoTransform(j.out, gt);
        GDALSetProjection(j.out, dem->wkt);
        GDALRasterBandH b = GDALGetRasterBand(j.out, 1);
        GDALSetRasterNoDataValue(b, NAN);
        GDALSetDescription(b, "ground minus design (m), positive = cut");
        GDALSetRasterUnitType(b, "m");
    }
    gk_gdal_leave(ctx);
    if (!j.out) {
        st = gk_error(ctx, GK_ERR_IO, "%s: cannot create (%s)", path,
                      gk_ctx_depmsg(ctx));
        goto out;
    }
    if ((st = gk_dem_reader_init(&rd, ctx, dem, false)) == GK_OK &&
        (st = gk_design_eval_init(&de, ctx, &o->design, dem, cl, false)) ==
            GK_OK)
        st = write_strips(&j, &de, &rd);
    gk_gdal_enter(ctx);
    CPLErrorReset();
    GDALClose(j.out); /* flushes; GDAL 3.6 reports failure via CPL only */
    if (CPLGetLastErrorType() >= CE_Failure && st == GK_OK)
        st = gk_error(ctx, GK_ERR_IO, "%s: cannot finish writing (%s)", path,
                      gk_ctx_depmsg(ctx));
    gk_gdal_leave(ctx);
    if (st == GK_OK && rename(tmp, path) != 0)
        st = gk_error(ctx, GK_ERR_IO, "%s: cannot rename the finished file",
                      path);
    if (st != GK_OK)
        VSIUnlink(tmp);
out:
    gk_design_eval_fini(&de);
    gk_dem_reader_fini(&rd);
    gk_plan_free(&plan);
    free(tmp);
    return st;
}
