/*
 * tests/volume/test_blocks.c - the cell method's block walk on a Float32
 * tiled DEM (16 x 16 tiles, partial tiles on the right and at the
 * bottom, scattered nodata): regions aligned with cell edges, where every
 * covered cell counts whole, against a brute-force long double sum over
 * the cells read back with GDAL (whole blocks go through one kernel call
 * per block, partial ones row by row); a level exactly equal to some
 * heights (h = 0); an oblique polygon and a lon/lat DEM (rows of unequal
 * area, so no rows are merged) against the general Float64 path; and the
 * same bits on 1 and 3 threads.
 *
 * Tolerances: the brute force and the library sum the same float heights
 * in different orders; each sum of m terms errs by at most m u sum|h|
 * (u = 2^-53), m = 7000 here: 1e-12 of sum|h| covers both with margin.
 * Float32 against Float64 paths: the heights are the same numbers, so
 * only the order of the sums differs: 1e-12 relative as well.
 */
#include "vtest.h"

#define X0 500000.0
#define Y0 9200000.0
#define W 100
#define H 70

static gk_context_t *ctx;

/* heights exact in float32 (multiples of 1/1024 near 100), nodata on a
 * sparse pattern of cells */
static double terrain(double x, double y, void *u)
{
    (void)u;
    double i = floor(x - X0), j = floor(Y0 + H - y);
    if (((int)i * 7 + (int)j * 13) % 97 == 0)
        return -9999;
    double z = 100 + 6 * sin(i / 9) * cos(j / 7) + 0.01 * i;
    return round(z * 1024) / 1024;
}

static double terrain_ll(double x, double y, void *u)
{
    (void)u;
    double i = floor((x - 106.0) / 0.001), j = floor((-6.0 - y) / 0.001);
    return round((100 + 6 * sin(i / 9) * cos(j / 7)) * 1024) / 1024;
}

static float z[H][W];

/* brute force over cells [i0, i1) x [j0, j1) (j from the top) */
static void brute(int i0, int i1, int j0, int j1, double level, double out[4])
{
    long double cut = 0, fill = 0, mag = 0, n = 0;
    for (int j = j0; j < j1; j++)
        for (int i = i0; i < i1; i++) {
            if (z[j][i] == -9999.0f)
                continue;
            long double h = (long double)z[j][i] - level;
            if (h > 0)
                cut += h;
            else
                fill -= h;
            mag += fabsl(h);
            n += 1;
        }
    out[0] = (double)cut;
    out[1] = (double)fill;
    out[2] = (double)mag;
    out[3] = (double)n;
}

static gk_status_t run(gk_dem_t *d, vt_poly_t *p, double level,
                       unsigned threads, gk_volume_result_t *r)
{
    gk_volume_opts_t o = {.design = {.kind = GK_DESIGN_LEVEL, .level_m = level},
                          .threads = threads};
    gk_status_t st = gk_volume_compute(ctx, d, vt_view(p), NULL, &o, r);
    if (st != GK_OK)
        diag("%s", gk_errmsg(ctx));
    return st;
}

static void aligned(gk_dem_t *d)
{
    /* cell boxes in cells [i0, i1) x [j0, j1): whole raster; a box with
     * whole blocks inside and cut blocks round it; a box inside one block */
    const int box[3][4] = {{0, W, 0, H}, {5, 77, 3, 60}, {17, 30, 18, 31}};
    const double levels[2] = {100.3, (double)z[40][40]}; /* the 2nd: h = 0 */
    for (int b = 0; b < 3; b++)
        for (int l = 0; l < 2; l++) {
            const int *q = box[b];
            vt_poly_t p = vt_rect_poly(X0 + q[0], Y0 + H - q[3], X0 + q[1],
                                    Y0 + H - q[2]);
            double want[4];
            brute(q[0], q[1], q[2], q[3], levels[l], want);
            gk_volume_result_t r1, r3;
            char name[160];
            snprintf(name, sizeof name, "box %d, level %.10g", b, levels[l]);
            if (run(d, &p, levels[l], 1, &r1) != GK_OK ||
                run(d, &p, levels[l], 3, &r3) != GK_OK) {
                ok(0, "%s: runs", name);
                continue;
            }
            double tol = 1e-12 * want[2];
            ok(fabs(r1.cut_m3 - want[0]) <= tol, "%s: cut %.17g = brute force %.17g",
               name, r1.cut_m3, want[0]);
            ok(fabs(r1.fill_m3 - want[1]) <= tol, "%s: fill %.17g = brute force %.17g",
               name, r1.fill_m3, want[1]);
            is_double(r1.area_m2, want[3], 0, 1e-9, "valid cells x 1 m2");
            ok(r1.cut_m3 == r3.cut_m3 && r1.fill_m3 == r3.fill_m3 &&
                   r1.area_m2 == r3.area_m2,
               "%s: 1 and 3 threads, same bits", name);
        }
}

static void against_float64(const vt_raster_t *r32, vt_fn fn, vt_poly_t *p,
                            const char *what)
{
    vt_raster_t r64 = *r32;
    char nm[64];
    snprintf(nm, sizeof nm, "%s64.tif", what);
    r64.name = nm;
    r64.type = GDT_Float64;
    gk_dem_t *a = NULL, *b = NULL;
    if (gk_dem_open(ctx, vt_make(r32, fn, NULL), 1, &a) != GK_OK ||
        gk_dem_open(ctx, vt_make(&r64, fn, NULL), 1, &b) != GK_OK) {
        ok(0, "%s: open (%s)", what, gk_errmsg(ctx));
        gk_dem_close(a);
        return;
    }
    gk_volume_result_t ra, rb;
    if (run(a, p, 100.3, 1, &ra) == GK_OK && run(b, p, 100.3, 1, &rb) == GK_OK) {
        double mag = rb.cut_m3 + rb.fill_m3;
        ok(fabs(ra.cut_m3 - rb.cut_m3) <= 1e-12 * mag,
           "%s: float32 cut %.17g = general path %.17g", what, ra.cut_m3, rb.cut_m3);
        ok(fabs(ra.fill_m3 - rb.fill_m3) <= 1e-12 * mag,
           "%s: float32 fill %.17g = general path %.17g", what, ra.fill_m3,
           rb.fill_m3);
        is_double(ra.area_m2, rb.area_m2, 1e-13, 0, "same covered area");
    } else {
        ok(0, "%s: runs", what);
    }
    gk_dem_close(a);
    gk_dem_close(b);
}

int main(void)
{
    vt_tmpdir();
    gk_context_new(&ctx);
    vt_raster_t r = {.name = "tiles.tif", .w = W, .h = H,
                     .gt = {X0, 1, 0, Y0 + H, 0, -1}, .crs = "EPSG:32749",
                     .type = GDT_Float32, .block = 16, .has_nodata = true,
                     .nodata = -9999};
    const char *path = vt_make(&r, terrain, NULL);
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    bool read = ds && GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0,
                                   W, H, z, W, H, GDT_Float32, 0,
                                   0) == CE_None;
    if (ds)
        GDALClose(ds);
    gk_dem_t *d = NULL;
    if (ok(read && gk_dem_open(ctx, path, 1, &d) == GK_OK,
           "tiled Float32 DEM written, read back and opened"))
        aligned(d);
    gk_dem_close(d);

    /* an oblique polygon: boundary cells one by one, whole-width rows of
     * inner blocks merged */
    vt_poly_t p = {0};
    vt_begin_feature(&p);
    vt_begin_part(&p);
    double rr[8];
    vt_rect(X0 + 50, Y0 + 35, 85, 50, 0.3, rr);
    vt_ring(&p, rr, 4);
    r.name = "obl32.tif";
    against_float64(&r, terrain, &p, "oblique");

    /* lon/lat: cell areas differ from row to row */
    vt_raster_t g = {.name = "ll32.tif", .w = W, .h = H,
                     .gt = {106.0, 0.001, 0, -6.0, 0, -0.001},
                     .crs = "EPSG:4326", .type = GDT_Float32, .block = 16};
    vt_poly_t q = vt_rect_poly(106.0, -6.0 - H * 0.001, 106.0 + W * 0.001, -6.0);
    against_float64(&g, terrain_ll, &q, "lonlat");

    gk_context_free(ctx);
    vt_cleanup();
    return done_testing();
}
