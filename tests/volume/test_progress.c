/*
 * tests/volume/test_progress.c - progress and cancel of gk_volume_compute.
 *
 * A 256 x 256 DEM in 32 x 32 tiles (64 blocks) under a region covering it:
 * the callback must see stage "volume", fractions that never decrease and
 * end at 1, one call per block on one thread; a callback that says stop
 * after k calls must give GK_ERR_INTERRUPTED with the context's message,
 * a zeroed result and no difference raster (neither the file nor its
 * ".part"), both during the volume pass and while the raster is written;
 * a file already at that path must stay as it was. The context must then
 * give the same volumes as an uninterrupted run. Same for the sections
 * method, stopped between stations.
 */
#include "vtest.h"

#include <sys/stat.h>

#define X0 500000.0
#define Y0 9200000.0

typedef struct rec {
    int calls, stop_after;
    double last, stop_above;
    bool decreasing, bad_stage;
} rec_t;

static bool on_progress(double f, const char *stage, void *u)
{
    rec_t *r = u;
    if (strcmp(stage, "volume") != 0)
        r->bad_stage = true;
    if (f < r->last || f > 1)
        r->decreasing = true;
    r->last = f;
    r->calls++;
    if (r->stop_after > 0 && r->calls >= r->stop_after)
        return false;
    if (r->stop_above > 0 && f > r->stop_above)
        return false;
    return true;
}

static double wavy(double x, double y, void *u)
{
    (void)u;
    return 10 + 2 * sin((x - X0) / 17) * cos((y - Y0) / 23);
}

static bool exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static gk_context_t *ctx;

static void zeroed(const gk_volume_result_t *r, const char *what)
{
    ok(r->cut_m3 == 0 && r->fill_m3 == 0 && r->method == NULL &&
           r->stations == NULL,
       "%s: the result stays zeroed", what);
}

int main(void)
{
    vt_tmpdir();
    gk_context_new(&ctx);
    vt_raster_t rr = {.name = "wavy.tif", .w = 256, .h = 256,
                      .gt = {X0, 1.0, 0, Y0 + 256, 0, -1.0},
                      .crs = "EPSG:32749", .type = GDT_Float32, .block = 32};
    const char *path = vt_make(&rr, wavy, NULL);
    gk_dem_t *dem = NULL;
    if (gk_dem_open(ctx, path, 1, &dem) != GK_OK) {
        diag("%s", gk_errmsg(ctx));
        return done_testing();
    }
    vt_poly_t p = {0};
    vt_begin_feature(&p);
    vt_begin_part(&p);
    double sq[8] = {X0 - 5, Y0 - 5, X0 + 300, Y0 - 5, X0 + 300, Y0 + 300,
                    X0 - 5, Y0 + 300};
    vt_ring(&p, sq, 4);
    const gk_geoms_t *g = vt_view(&p);
    gk_volume_opts_t o = {.design = {.kind = GK_DESIGN_LEVEL, .level_m = 10}};
    gk_volume_result_t ref, r;
    if (!ok(gk_volume_compute(ctx, dem, g, NULL, &o, &ref) == GK_OK,
            "reference run without a callback"))
        diag("%s", gk_errmsg(ctx));

    for (unsigned th = 1; th <= 2; th++) {
        for (int m = 0; m < 2; m++) {
            rec_t rec = {0};
            o.threads = th;
            o.method = m ? GK_VOLUME_TIN : GK_VOLUME_CELL;
            gk_context_set_progress(ctx, on_progress, &rec);
            gk_status_t st = gk_volume_compute(ctx, dem, g, NULL, &o, &r);
            ok(st == GK_OK, "%s, %u thread(s): runs with a callback",
               r.method, th);
            ok(!rec.bad_stage && !rec.decreasing && rec.last == 1.0,
               "%s, %u thread(s): stage \"volume\", fractions rise to 1 "
               "(last %g, %d calls)",
               m ? "tin" : "cell", th, rec.last, rec.calls);
            if (th == 1 && m == 0)
                is_int(rec.calls, 64, "cell, 1 thread: one call per block");
            if (m == 0)
                ok(r.cut_m3 == ref.cut_m3 && r.fill_m3 == ref.fill_m3,
                   "cell, %u thread(s): same volumes as without a callback",
                   th);
        }
    }
    o.method = GK_VOLUME_CELL;

    /* stop during the volume pass, with a difference raster requested */
    char diff[300], part[320];
    snprintf(diff, sizeof diff, "%s/diff.tif", vt_dir);
    snprintf(part, sizeof part, "%s.part", diff);
    o.diff_raster_path = diff;
    for (unsigned th = 1; th <= 2; th++) {
        rec_t rec = {.stop_after = 5};
        o.threads = th;
        gk_context_set_progress(ctx, on_progress, &rec);
        memset(&r, 0x55, sizeof r);
        gk_status_t st = gk_volume_compute(ctx, dem, g, NULL, &o, &r);
        is_int(st, GK_ERR_INTERRUPTED, "stop after 5 blocks: interrupted");
        is_int(gk_errcode(ctx), GK_ERR_INTERRUPTED, "the context says so");
        has_str(gk_errmsg(ctx), "volume: interrupted", "message names the stage");
        is_int(rec.calls, 5, "no call after the stop");
        zeroed(&r, "stopped in the volume pass");
        ok(!exists(diff) && !exists(part), "no difference raster left behind");
    }
    /* stop while the raster is being written */
    {
        rec_t rec = {.stop_above = 0.75};
        o.threads = 1;
        gk_context_set_progress(ctx, on_progress, &rec);
        gk_status_t st = gk_volume_compute(ctx, dem, g, NULL, &o, &r);
        is_int(st, GK_ERR_INTERRUPTED, "stop while writing the raster");
        ok(rec.last > 0.5 && rec.last < 1, "stopped in the second half (%g)",
           rec.last);
        zeroed(&r, "stopped while writing");
        ok(!exists(diff) && !exists(part),
           "no difference raster or .part left behind");
    }
    /* a finished run, then a stopped one must keep the earlier file */
    {
        gk_context_set_progress(ctx, NULL, NULL);
        ok(gk_volume_compute(ctx, dem, g, NULL, &o, &r) == GK_OK &&
               exists(diff),
           "an uninterrupted run writes the raster");
        struct stat before, after;
        stat(diff, &before);
        rec_t rec = {.stop_above = 0.6};
        gk_context_set_progress(ctx, on_progress, &rec);
        is_int(gk_volume_compute(ctx, dem, g, NULL, &o, &r), GK_ERR_INTERRUPTED,
               "stopped rewrite");
        stat(diff, &after);
        ok(after.st_size == before.st_size &&
               after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
               after.st_mtim.tv_nsec == before.st_mtim.tv_nsec &&
               !exists(part),
           "the earlier raster stays as it was, no .part");
    }
    o.diff_raster_path = NULL;
    /* the context works again afterwards */
    gk_context_set_progress(ctx, NULL, NULL);
    ok(gk_volume_compute(ctx, dem, g, NULL, &o, &r) == GK_OK &&
           r.cut_m3 == ref.cut_m3 && r.fill_m3 == ref.fill_m3,
       "after a stop, the same context gives the same volumes");

    /* sections: stopped between stations */
    uint8_t lt = GK_GEOM_LINESTRING;
    int64_t go[2] = {0, 1}, po[2] = {0, 1}, ro[2] = {0, 2};
    double lxy[4] = {X0 + 20, Y0 + 128, X0 + 220, Y0 + 128};
    gk_geoms_t cl = {1, &lt, go, po, ro, lxy, NULL};
    gk_volume_opts_t os = {.method = GK_VOLUME_SECTIONS, .centerline = &cl,
                           .half_width_m = 4, .interval_m = 10,
                           .design = {.kind = GK_DESIGN_LEVEL, .level_m = 10}};
    rec_t rec = {0};
    gk_context_set_progress(ctx, on_progress, &rec);
    if (ok(gk_volume_compute(ctx, dem, NULL, NULL, &os, &r) == GK_OK,
           "sections with a callback")) {
        is_int(rec.calls, 21, "sections: one call per station (21)");
        ok(!rec.decreasing && rec.last == 1.0, "sections: fractions rise to 1");
        gk_volume_result_free(&r);
    }
    rec = (rec_t){.stop_after = 7};
    is_int(gk_volume_compute(ctx, dem, NULL, NULL, &os, &r), GK_ERR_INTERRUPTED,
           "sections: stop after 7 stations");
    is_int(rec.calls, 7, "sections: no call after the stop");
    zeroed(&r, "sections stopped");

    gk_context_set_progress(ctx, NULL, NULL);
    gk_dem_close(dem);
    gk_context_free(ctx);
    vt_cleanup();
    return done_testing();
}
