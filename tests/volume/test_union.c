/*
 * tests/volume/test_union.c - overlapping region features count once.
 *
 * Planar terrain on a 2 m x 1.5 m grid; regions made of features that
 * overlap in cells they only partly cover (rotated rectangles, a polygon
 * with a hole, a multipolygon, a feature inside another, a duplicate).
 * Oracle: GEOS itself, independently of the library's conversion: the
 * features are written as WKT, unioned with GEOSUnaryUnion, and
 *   - the region's area (cell method, nothing off the DEM) must equal
 *     GEOSArea of the union to 1e-9;
 *   - the TIN volumes must equal the closed form over the union's rings
 *     (vtest.h clips them by the zero line of ground - design) to 1e-9;
 *   - the cell volumes must equal those of the union given as one feature.
 * Features that only touch (tiles) are not merged and still add up.
 */
#include "vtest.h"

#include <geos_c.h>

#define X0 500000.0
#define Y0 9200000.0

static gk_context_t *ctx;
static GEOSContextHandle_t gh;
static const double TZ0 = 100, TB = 0.05, TC = -0.03; /* terrain plane */

static double terrain(double x, double y, void *u)
{
    (void)u;
    return TZ0 + TB * (x - X0) + TC * (y - Y0);
}

/* WKT of a vt_poly feature set as one GEOMETRYCOLLECTION of polygons. */
static char *to_wkt(const vt_poly_t *p)
{
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s + n, cap - n, "GEOMETRYCOLLECTION(");
    for (size_t pt = 0; pt < p->nparts; pt++) {
        n += (size_t)snprintf(s + n, cap - n, "%sPOLYGON(", pt ? "," : "");
        for (int64_t r = p->part_off[pt]; r < p->part_off[pt + 1]; r++) {
            n += (size_t)snprintf(s + n, cap - n, "%s(",
                                  r > p->part_off[pt] ? "," : "");
            for (int64_t v = p->ring_off[r]; v < p->ring_off[r + 1]; v++)
                n += (size_t)snprintf(s + n, cap - n, "%s%.17g %.17g",
                                      v > p->ring_off[r] ? "," : "",
                                      p->xy[2 * v], p->xy[2 * v + 1]);
            n += (size_t)snprintf(s + n, cap - n, ")");
        }
        n += (size_t)snprintf(s + n, cap - n, ")");
    }
    snprintf(s + n, cap - n, ")");
    return s;
}

/* The GEOS union as one vt_poly feature (a multipolygon). */
static GEOSGeometry *geos_union(const vt_poly_t *p, vt_poly_t *u)
{
    char *wkt = to_wkt(p);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(gh);
    GEOSGeometry *g = GEOSWKTReader_read_r(gh, rd, wkt);
    GEOSWKTReader_destroy_r(gh, rd);
    free(wkt);
    GEOSGeometry *un = GEOSUnaryUnion_r(gh, g);
    GEOSGeom_destroy_r(gh, g);
    memset(u, 0, sizeof *u);
    vt_begin_feature(u);
    int np = GEOSGetNumGeometries_r(gh, un);
    for (int k = 0; k < np; k++) {
        const GEOSGeometry *pg = GEOSGetGeometryN_r(gh, un, k);
        vt_begin_part(u);
        int nh = GEOSGetNumInteriorRings_r(gh, pg);
        for (int r = -1; r < nh; r++) {
            const GEOSGeometry *ring =
                r < 0 ? GEOSGetExteriorRing_r(gh, pg)
                      : GEOSGetInteriorRingN_r(gh, pg, r);
            const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(gh, ring);
            unsigned m = 0;
            GEOSCoordSeq_getSize_r(gh, cs, &m);
            double xy[2048];
            for (unsigned v = 0; v + 1 < m && v < 1024; v++) {
                GEOSCoordSeq_getX_r(gh, cs, v, &xy[2 * v]);
                GEOSCoordSeq_getY_r(gh, cs, v, &xy[2 * v + 1]);
            }
            vt_ring(u, xy, m - 1);
        }
    }
    return un;
}

static void add_poly(vt_poly_t *p, const double *xy, size_t n, bool new_feature)
{
    if (new_feature)
        vt_begin_feature(p);
    vt_begin_part(p);
    vt_ring(p, xy, n);
}

static void check(const gk_dem_t *dem, vt_poly_t *p, const char *name)
{
    vt_poly_t u;
    GEOSGeometry *un = geos_union(p, &u);
    double garea = 0;
    GEOSArea_r(gh, un, &garea);
    GEOSGeom_destroy_r(gh, un);
    double a = TZ0 - TB * X0 - TC * Y0 - 101.0, cut, fill, area;
    vt_poly_cutfill(&u, a, TB, TC, &cut, &fill, &area);
    gk_volume_opts_t o = {.design = {.kind = GK_DESIGN_LEVEL, .level_m = 101}};
    gk_volume_result_t cell, cellu, tin;
    if (gk_volume_compute(ctx, dem, vt_view(p), NULL, &o, &cell) != GK_OK ||
        gk_volume_compute(ctx, dem, vt_view(&u), NULL, &o, &cellu) != GK_OK) {
        ok(0, "%s: runs (%s)", name, gk_errmsg(ctx));
        return;
    }
    o.method = GK_VOLUME_TIN;
    if (gk_volume_compute(ctx, dem, vt_view(p), NULL, &o, &tin) != GK_OK) {
        ok(0, "%s: tin runs (%s)", name, gk_errmsg(ctx));
        return;
    }
    char b[160];
    snprintf(b, sizeof b, "%s: area = GEOS area of the union (%.6f m2)", name,
             garea);
    is_double(cell.area_m2, garea, 1e-9, 0, b);
    snprintf(b, sizeof b, "%s: nothing reported uncovered", name);
    is_double(cell.nodata_area_m2, 0, 0, 0, b);
    snprintf(b, sizeof b, "%s: oracle area agrees with GEOS", name);
    is_double(area, garea, 1e-9, 0, b);
    snprintf(b, sizeof b, "%s: tin cut = closed form over the union (%.6f)", name,
             cut);
    is_double(tin.cut_m3, cut, 1e-9, 1e-9, b);
    snprintf(b, sizeof b, "%s: tin fill = closed form over the union (%.6f)",
             name, fill);
    is_double(tin.fill_m3, fill, 1e-9, 1e-9, b);
    snprintf(b, sizeof b, "%s: cell cut = cell cut over the union", name);
    is_double(cell.cut_m3, cellu.cut_m3, 1e-9, 1e-9, b);
    snprintf(b, sizeof b, "%s: cell fill = cell fill over the union", name);
    is_double(cell.fill_m3, cellu.fill_m3, 1e-9, 1e-9, b);
}

int main(void)
{
    vt_tmpdir();
    gk_context_new(&ctx);
    gh = GEOS_init_r();
    vt_raster_t rr = {.name = "plane.tif", .w = 160, .h = 160,
                      .gt = {X0, 2.0, 0, Y0 + 240, 0, -1.5},
                      .crs = "EPSG:32749", .type = GDT_Float64, .block = 64};
    const char *path = vt_make(&rr, terrain, NULL);
    gk_dem_t *dem = NULL;
    if (gk_dem_open(ctx, path, 1, &dem) != GK_OK) {
        diag("%s", gk_errmsg(ctx));
        return done_testing();
    }
    double r1[8], r2[8], r3[8], r4[8];
    vt_rect(X0 + 100.3, Y0 + 100.7, 90.1, 40.3, 0.31, r1);
    vt_rect(X0 + 140.9, Y0 + 120.2, 70.7, 55.9, -0.47, r2);
    vt_rect(X0 + 110.1, Y0 + 150.4, 30.3, 80.6, 1.1, r3);
    vt_rect(X0 + 200.5, Y0 + 60.2, 40.2, 30.7, 0.2, r4);
    {
        vt_poly_t p = {0};
        add_poly(&p, r1, 4, true);
        add_poly(&p, r2, 4, true);
        check(dem, &p, "two rotated rectangles");
    }
    {
        vt_poly_t p = {0};
        add_poly(&p, r1, 4, true);
        add_poly(&p, r2, 4, true);
        add_poly(&p, r3, 4, true);
        add_poly(&p, r4, 4, true); /* apart from the rest */
        check(dem, &p, "three overlapping, one apart");
    }
    {
        /* a polygon with a hole the other one half fills */
        vt_poly_t p = {0};
        double hole[8];
        vt_rect(X0 + 100.3, Y0 + 100.7, 40.2, 20.1, 0.31, hole);
        add_poly(&p, r1, 4, true);
        vt_ring(&p, hole, 4);
        double patch[8];
        vt_rect(X0 + 90.7, Y0 + 95.9, 25.3, 25.1, -0.2, patch);
        add_poly(&p, patch, 4, true);
        check(dem, &p, "hole partly filled by another feature");
    }
    {
        /* a multipolygon whose parts overlap two other features */
        vt_poly_t p = {0};
        add_poly(&p, r1, 4, true);
        add_poly(&p, r4, 4, false);
        add_poly(&p, r2, 4, true);
        double r5[8];
        vt_rect(X0 + 215.5, Y0 + 70.2, 20.2, 30.7, -0.6, r5);
        add_poly(&p, r5, 4, true);
        check(dem, &p, "multipolygon overlapping two features");
    }
    {
        vt_poly_t p = {0};
        add_poly(&p, r1, 4, true);
        add_poly(&p, r1, 4, true);
        check(dem, &p, "the same polygon twice");
        vt_poly_t q = {0};
        double in[8];
        vt_rect(X0 + 100.3, Y0 + 100.7, 10.5, 5.5, 0.9, in);
        add_poly(&q, r1, 4, true);
        add_poly(&q, in, 4, true);
        check(dem, &q, "a feature inside another");
    }
    {
        /* 3 x 3 tiles that only touch: not merged, still exact */
        vt_poly_t p = {0};
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                double x = X0 + 50.3 + 20.1 * i, y = Y0 + 40.9 + 15.7 * j;
                double t[8] = {x, y, x + 20.1, y, x + 20.1, y + 15.7, x,
                               y + 15.7};
                add_poly(&p, t, 4, true);
            }
        gk_geomcol_t m;
        bool merged = true;
        gk_region_merge_overlaps(ctx, dem, vt_view(&p), NULL, "tiles", &m,
                                 &merged);
        ok(!merged, "touching tiles are not merged");
        gk_geomcol_clear(&m);
        check(dem, &p, "touching tiles");
    }
    {
        /* given in lon/lat: overlaps merged after the transformation */
        vt_poly_t p = {0};
        add_poly(&p, r1, 4, true);
        add_poly(&p, r2, 4, true);
        gk_volume_opts_t o = {
            .design = {.kind = GK_DESIGN_LEVEL, .level_m = 101}};
        gk_volume_result_t a, b;
        gk_status_t s1 = gk_volume_compute(ctx, dem, vt_view(&p), NULL, &o, &a);
        PJ *pj = proj_create_crs_to_crs(NULL, "EPSG:32749", "EPSG:4326", NULL);
        PJ *nz = proj_normalize_for_visualization(NULL, pj);
        for (size_t v = 0; v < p.nverts; v++) {
            PJ_COORD c = proj_trans(nz, PJ_FWD,
                                    proj_coord(p.xy[2 * v], p.xy[2 * v + 1], 0, 0));
            p.xy[2 * v] = c.xy.x;
            p.xy[2 * v + 1] = c.xy.y;
        }
        proj_destroy(nz);
        proj_destroy(pj);
        gk_status_t s2 =
            gk_volume_compute(ctx, dem, vt_view(&p), "EPSG:4326", &o, &b);
        ok(s1 == GK_OK && s2 == GK_OK &&
               fabs(a.area_m2 - b.area_m2) < 1e-6 * a.area_m2 &&
               fabs(a.cut_m3 - b.cut_m3) < 1e-6 * a.cut_m3,
           "region in lon/lat: same merged area and cut (%.9g vs %.9g m2)",
           a.area_m2, b.area_m2);
    }
    gk_dem_close(dem);
    GEOS_finish_r(gh);
    gk_context_free(ctx);
    vt_cleanup();
    return done_testing();
}
