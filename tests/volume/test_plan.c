/*
 * tests/volume/test_plan.c - exact cell coverage against GEOS.
 *
 * For star-shaped polygons with holes (fixed seed), multipolygons and
 * polygons reaching far beyond the grid, every cell's covered fraction from
 * the plan must equal the area of GEOS's intersection of the polygon with
 * the cell box, to 1e-12 (cell units). Done on the DEM grid (shift 0) and
 * on the TIN grid (shift 0.5). Also: only boundary cells are visited one
 * by one (the item count stays near the boundary's cell count).
 */
#include "vtest.h"

#include <geos_c.h>

static gk_context_t *ctx;

static double zero_fn(double x, double y, void *u)
{
    (void)x;
    (void)y;
    (void)u;
    return 0;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void star(double cx, double cy, double r0, double r1, int n, bool ccw,
                 double *out)
{
    for (int k = 0; k < n; k++) {
        double a = 2 * 3.141592653589793 * (k + 0.3 * urand()) / n;
        double r = r0 + (r1 - r0) * urand();
        if (!ccw)
            a = -a;
        out[2 * k] = cx + r * cos(a);
        out[2 * k + 1] = cy + r * sin(a);
    }
}

static GEOSGeometry *to_geos(GEOSContextHandle_t h, const vt_poly_t *p)
{
    GEOSGeometry *parts[16];
    for (size_t pt = 0; pt < p->nparts; pt++) {
        GEOSGeometry *rings[8];
        int nr = 0;
        for (int64_t r = p->part_off[pt]; r < p->part_off[pt + 1]; r++) {
            unsigned n = (unsigned)(p->ring_off[r + 1] - p->ring_off[r]);
            GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(
                h, p->xy + 2 * p->ring_off[r], n, 0, 0);
            rings[nr++] = GEOSGeom_createLinearRing_r(h, cs);
        }
        parts[pt] = GEOSGeom_createPolygon_r(h, rings[0], rings + 1,
                                             (unsigned)nr - 1);
    }
    return GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts,
                                       (unsigned)p->nparts);
}

static void compare(const gk_dem_t *dem, vt_poly_t *p, double shift,
                    const char *name)
{
    gk_rings_t rings;
    if (gk_region_to_grid(ctx, dem, vt_view(p), NULL, "t", &rings) != GK_OK) {
        ok(0, "%s: region (%s)", name, gk_errmsg(ctx));
        return;
    }
    int64_t W = (int64_t)dem->info.width - (shift > 0);
    int64_t H = (int64_t)dem->info.height - (shift > 0);
    gk_plan_t plan;
    if (gk_plan_build(ctx, &rings, W, H, shift, &plan) != GK_OK) {
        ok(0, "%s: plan", name);
        gk_rings_free(&rings);
        return;
    }
    double *cov = calloc((size_t)(W * H), sizeof *cov);
    int twice = 0;
    for (size_t k = 0; k < plan.nitems; k++) {
        const gk_item_t *it = &plan.items[k];
        for (int32_t c = it->col0; c < it->col1; c++) {
            if (cov[it->row * W + c] != 0)
                twice++;
            cov[it->row * W + c] += it->frac;
        }
    }
    if (shift == 0) {
        /* the cell method's plan: the same fraction in every cell, to the
         * bit, each cell once, and never more items */
        gk_plan_t fp;
        if (gk_plan_build_fractions(ctx, &rings, W, H, &fp) == GK_OK) {
            double *fc = calloc((size_t)(W * H), sizeof *fc);
            int twice_f = 0, diff = 0;
            for (size_t k = 0; k < fp.nitems; k++) {
                const gk_item_t *it = &fp.items[k];
                for (int32_t c = it->col0; c < it->col1; c++) {
                    twice_f += fc[it->row * W + c] != 0;
                    fc[it->row * W + c] += it->frac;
                }
            }
            for (int64_t i = 0; i < W * H; i++)
                diff += fc[i] != cov[i];
            ok(diff == 0 && twice_f == 0 && fp.nitems <= plan.nitems &&
                   fp.npieces == 0,
               "%s: fraction-only plan: same fractions to the bit (%d differ), "
               "%zu items against %zu",
               name, diff, fp.nitems, plan.nitems);
            free(fc);
            gk_plan_free(&fp);
        } else {
            ok(0, "%s: fraction-only plan", name);
        }
    }
    GEOSContextHandle_t h = gk_ctx_geos(ctx);
    /* the test polygons are given in cell coordinates: gt = identity */
    GEOSGeometry *g = to_geos(h, p);
    double worst = 0, total = 0;
    for (int64_t j = 0; j < H; j++)
        for (int64_t i = 0; i < W; i++) {
            GEOSGeometry *box = GEOSGeom_createRectangle_r(
                h, (double)i + shift, (double)j + shift,
                (double)i + 1 + shift, (double)j + 1 + shift);
            GEOSGeometry *x = GEOSIntersection_r(h, g, box);
            double a = 0;
            GEOSArea_r(h, x, &a);
            total += a;
            worst = fmax(worst, fabs(a - cov[j * W + i]));
            GEOSGeom_destroy_r(h, x);
            GEOSGeom_destroy_r(h, box);
        }
    GEOSGeom_destroy_r(h, g);
    ok(worst < 1e-12, "%s: every cell's fraction = GEOS intersection area "
                      "(worst %.3g, total %.6f)",
       name, worst, total);
    is_int(twice, 0, "no cell planned twice");
    free(cov);
    gk_plan_free(&plan);
    gk_rings_free(&rings);
}

int main(void)
{
    vt_tmpdir();
    gk_context_new(&ctx);
    /* identity geotransform (south-up), so cell coords = map coords */
    vt_raster_t rr = {.name = "grid.tif", .w = 48, .h = 40,
                      .gt = {0, 1, 0, 0, 0, 1}, .crs = "EPSG:32749",
                      .type = GDT_Byte, .block = 16};
    gk_dem_t *dem = NULL;
    if (gk_dem_open(ctx, vt_make(&rr, zero_fn, NULL), 1, &dem) != GK_OK) {
        diag("%s", gk_errmsg(ctx));
        return 1;
    }
    for (int trial = 0; trial < 2; trial++) {
        vt_poly_t p = {0};
        double a[200], b[100];
        vt_begin_feature(&p);
        vt_begin_part(&p);
        star(24, 20, 9, 17, 60, trial % 2 == 0, a);
        vt_ring(&p, a, 60);
        star(23, 21, 2.5, 5, 31, trial % 2 == 0, b);
        vt_ring(&p, b, 31);
        char name[64];
        snprintf(name, sizeof name, "star with hole %d", trial);
        compare(dem, &p, 0.0, name);
        snprintf(name, sizeof name, "star with hole %d, TIN grid", trial);
        compare(dem, &p, 0.5, name);
    }
    {
        /* far larger than the grid, with an axis-aligned hole on cell
         * lines and a multipolygon part: the clamping must keep all */
        vt_poly_t p = {0};
        vt_begin_feature(&p);
        vt_begin_part(&p);
        double big[8] = {-1e5, -3e4, 2e5, -1e4, 1e5, 4e5, -2e5, 1e5};
        vt_ring(&p, big, 4);
        double hole[8] = {10, 10, 10, 20, 30, 20, 30, 10};
        vt_ring(&p, hole, 4);
        vt_begin_part(&p);
        double isl[8] = {12.25, 12.5, 27.75, 12.5, 27.75, 17.125, 12.25, 17.125};
        vt_ring(&p, isl, 4);
        compare(dem, &p, 0.0, "huge polygon, hole on cell lines, island");
        compare(dem, &p, 0.5, "huge polygon, hole on cell lines, island, TIN");
    }
    {
        /* sparse: a thin diagonal strip's plan lists about its boundary
         * cells plus one run per row, never the bounding box */
        vt_poly_t p = {0};
        vt_begin_feature(&p);
        vt_begin_part(&p);
        double strip[8];
        vt_rect(24, 20, 50, 2, 0.6, strip);
        vt_ring(&p, strip, 4);
        gk_rings_t rings;
        gk_plan_t plan;
        gk_region_to_grid(ctx, dem, vt_view(&p), NULL, "strip", &rings);
        gk_plan_build(ctx, &rings, 48, 40, 0, &plan);
        size_t cells = 0;
        for (size_t k = 0; k < plan.nitems; k++)
            cells += (size_t)(plan.items[k].col1 - plan.items[k].col0);
        ok(plan.nitems <= 3 * 40 + 2 * 104 && cells < 400,
           "thin strip: %zu items over %zu cells (bbox ~1000)", plan.nitems,
           cells);
        gk_plan_free(&plan);
        gk_rings_free(&rings);
    }
    gk_dem_close(dem);
    gk_context_free(ctx);
    vt_cleanup();
    return done_testing();
}
