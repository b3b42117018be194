/*
 * tests/volume/test_ground.c - a road grade that follows the ground
 * (gk_road_profile_from_ground and its smoothing kernel).
 *
 * Kernel: a ground linear in the station is returned exactly (uneven
 * stations, nodata gaps, the ends included); with a whole window of evenly
 * spaced samples the result is the plain moving average (brute force);
 * independent noise of variance s^2 comes out with variance s^2 / m (m
 * samples a window; fixed seed, 20,000 stations).
 * Library: over a planar DEM the grade at every station is the plane plus
 * the offset (1e-9 m), also at the extension stations past the ends; the
 * road formation at offset 0 under a flat-ended corridor gives
 * cut = thickness x area exactly with TIN (the cell method within its
 * stated bound: the ground slopes across the road), and a raised
 * road fill = (offset - thickness) x area; per-line profiles on several
 * lines; noise along a road on a DEM is smoothed as the brute-force moving
 * average of its cells; nodata and bad arguments give the documented
 * errors.
 */
#include "vtest.h"

#define X0 500000.0
#define Y0 9200000.0

static gk_context_t *ctx;
static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double nrand(void)
{
    double u1 = urand(), u2 = urand();
    return sqrt(-2 * log(u1)) * cos(2 * GK_PI * u2);
}

static void kernel_cases(void)
{
    enum { N = 400 };
    double s[N], z[N], out[N];
    /* linear ground, uneven stations, every 7th sample nodata */
    for (int i = 0; i < N; i++) {
        s[i] = 0.7 * i + 0.3 * sin(i);
        z[i] = i % 7 == 3 ? NAN : 12.5 + 0.043 * s[i];
    }
    gk_profile_smooth(s, z, N, 10, out);
    double worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(out[i] - (12.5 + 0.043 * s[i])));
    ok(worst < 1e-12, "linear ground followed exactly, ends and gaps too (%.2g)",
       worst);
    /* evenly spaced: the moving average where the window is whole */
    for (int i = 0; i < N; i++) {
        s[i] = 1000 + i;
        z[i] = 30 + nrand();
    }
    gk_profile_smooth(s, z, N, 25, out);
    worst = 0;
    for (int i = 25; i < N - 25; i++) {
        double m = 0;
        for (int j = i - 25; j <= i + 25; j++)
            m += z[j];
        worst = fmax(worst, fabs(out[i] - m / 51));
    }
    ok(worst < 1e-12, "whole windows: the 51-sample moving average (%.2g)",
       worst);
    /* a window narrower than the step: no smoothing */
    gk_profile_smooth(s, z, N, 0.4, out);
    worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(out[i] - z[i]));
    ok(worst == 0, "window below the step: the samples themselves");
    /* no data in reach */
    for (int i = 100; i < 200; i++)
        z[i] = NAN;
    gk_profile_smooth(s, z, N, 10, out);
    ok(isnan(out[150]) && !isnan(out[105]) && !isnan(out[195]),
       "NaN only where no sample is within the window");
}

static void noise_variance(void)
{
    enum { N = 20000 };
    double *s = malloc(N * sizeof *s), *z = malloc(N * sizeof *z);
    double *out = malloc(N * sizeof *out), *e = malloc(N * sizeof *e);
    double sig2 = 0;
    for (int i = 0; i < N; i++) {
        s[i] = i;
        e[i] = 0.5 * nrand();
        z[i] = 5 + 0.01 * s[i] + e[i];
        sig2 += e[i] * e[i];
    }
    sig2 /= N;
    gk_profile_smooth(s, z, N, 25, out);
    double v = 0;
    int n = 0;
    for (int i = 25; i < N - 25; i++, n++) {
        double r = out[i] - (5 + 0.01 * s[i]);
        v += r * r;
    }
    v /= n;
    double ratio = v / (sig2 / 51);
    /* ~N/51 independent windows: the ratio's own spread is ~7 % */
    ok(ratio > 0.8 && ratio < 1.25,
       "noise variance reduced to sigma^2 / 51 (ratio %.3f, sigma^2 %.4f)",
       ratio, sig2);
    double ve = 0;
    for (int i = 0; i < 5; i++)
        ve += pow(out[i] - (5 + 0.01 * s[i]), 2);
    ok(sqrt(ve / 5) < 0.5 * 0.5,
       "near the ends the fit still reduces the noise (rms %.3f)",
       sqrt(ve / 5));
    free(s);
    free(z);
    free(out);
    free(e);
}

static const double PZ0 = 100, PB = 0.05, PC = -0.03;

static double plane(double x, double y, void *u)
{
    (void)u;
    return PZ0 + PB * (x - X0) + PC * (y - Y0);
}

/* A line from a to b and its flat-ended corridor of half width hw. */
static void corridor(const double a[2], const double b[2], double hw,
                     double out[8])
{
    double dx = b[0] - a[0], dy = b[1] - a[1], l = hypot(dx, dy);
    double nx = -dy / l * hw, ny = dx / l * hw;
    double c[8] = {a[0] + nx, a[1] + ny, a[0] - nx, a[1] - ny,
                   b[0] - nx, b[1] - ny, b[0] + nx, b[1] + ny};
    memcpy(out, c, sizeof c);
}

static void planar_cases(void)
{
    vt_raster_t rr = {.name = "plane.tif", .w = 200, .h = 200,
                      .gt = {X0, 2.0, 0, Y0 + 300, 0, -1.5},
                      .crs = "EPSG:32749", .type = GDT_Float64, .block = 64};
    const char *path = vt_make(&rr, plane, NULL);
    gk_dem_t *dem = NULL;
    if (!ok(gk_dem_open(ctx, path, 1, &dem) == GK_OK, "open planar DEM"))
        return;
    double a[2] = {X0 + 50.3, Y0 + 60.2}, b[2] = {X0 + 330.7, Y0 + 210.9};
    double L = hypot(b[0] - a[0], b[1] - a[1]);
    uint8_t lt = GK_GEOM_LINESTRING;
    int64_t go[2] = {0, 1}, po[2] = {0, 1}, ro[2] = {0, 2};
    double lxy[4] = {a[0], a[1], b[0], b[1]};
    gk_geoms_t cl = {1, &lt, go, po, ro, lxy, NULL};
    double *st = NULL, *gz = NULL;
    size_t *off = NULL, nl = 0;
    if (!is_int(gk_road_profile_from_ground(ctx, dem, &cl, NULL, 0.7, 0, 0,
                                            &st, &gz, &off, &nl),
                GK_OK, "profile from a planar ground")) {
        diag("%s", gk_errmsg(ctx));
        gk_dem_close(dem);
        return;
    }
    size_t n = off[nl];
    is_int((long long)nl, 1, "one line");
    /* 1 m steps: 0, 1, ..., floor(L), L, plus one station past each end */
    is_int((long long)n, (long long)floor(L) + 2 + 2, "stations every 1 m");
    is_double(st[0], -25, 0, 1e-12, "extension station 25 m before 0");
    is_double(st[n - 1], L + 25, 0, 1e-9, "extension station 25 m past the end");
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double x = a[0] + (b[0] - a[0]) * st[i] / L;
        double y = a[1] + (b[1] - a[1]) * st[i] / L;
        worst = fmax(worst, fabs(gz[i] - (plane(x, y, NULL) + 0.7)));
    }
    ok(worst < 1e-9, "grade = ground + 0.7 m at every station (%.2g m)", worst);

    /* volumes under the flat-ended corridor */
    vt_poly_t p = {0};
    double c8[8];
    corridor(a, b, 4, c8);
    vt_begin_feature(&p);
    vt_begin_part(&p);
    vt_ring(&p, c8, 4);
    double area = 8 * L;
    gk_volume_opts_t o = {.centerline = &cl};
    o.design.kind = GK_DESIGN_ROAD;
    o.design.road = (gk_road_design_t){.station_m = st, .grade_z_m = gz,
                                       .nprofile = n, .thickness_m = 0.3,
                                       .line_off = off, .nlines = nl};
    /* offset 0: rebuild the grades without the 0.7 */
    for (size_t i = 0; i < n; i++)
        gz[i] -= 0.7;
    for (int m = 0; m < 2; m++) {
        gk_volume_result_t r, r2;
        o.method = m ? GK_VOLUME_TIN : GK_VOLUME_CELL;
        o.threads = 1;
        if (gk_volume_compute(ctx, dem, vt_view(&p), NULL, &o, &r) != GK_OK) {
            ok(0, "road from ground: %s", gk_errmsg(ctx));
            continue;
        }
        char bb[120];
        /* h = 0.3 + (cross slope) t: the cross term integrates to 0 over
         * the symmetric corridor, exactly with TIN; the cell method errs
         * in the boundary cells by at most |grad h| x half the cell
         * diagonal x their area (volume.h), ~760 cells of 3 m2 here */
        snprintf(bb, sizeof bb, "%s: offset 0: cut = 0.3 x area (%.6f)",
                 r.method, 0.3 * area);
        if (m)
            is_double(r.cut_m3, 0.3 * area, 1e-9, 0, bb);
        else
            ok(fabs(r.cut_m3 - 0.3 * area) < 0.0502 * 1.25 * 760 * 3,
               "%s, within the cell method's bound (err %.3g)", bb,
               r.cut_m3 - 0.3 * area);
        snprintf(bb, sizeof bb, "%s: offset 0: no fill", r.method);
        is_double(r.fill_m3, 0, 0, 1e-9 * area, bb);
        snprintf(bb, sizeof bb, "%s: area 8 x length", r.method);
        if (!m)
            is_double(r.area_m2, area, 1e-9, 0, bb);
        o.threads = 2;
        gk_volume_compute(ctx, dem, vt_view(&p), NULL, &o, &r2);
        ok(r.cut_m3 == r2.cut_m3 && r.fill_m3 == r2.fill_m3,
           "%s: 2 threads bit-identical", r.method);
    }
    for (size_t i = 0; i < n; i++)
        gz[i] += 1.0;
    o.method = GK_VOLUME_TIN;
    gk_volume_result_t r;
    if (gk_volume_compute(ctx, dem, vt_view(&p), NULL, &o, &r) == GK_OK) {
        is_double(r.fill_m3, 0.7 * area, 1e-9, 0,
                  "tin: road 1 m above ground: fill = 0.7 x area");
        is_double(r.cut_m3, 0, 0, 1e-9 * area, "tin: raised road: no cut");
    } else {
        ok(0, "raised road: %s", gk_errmsg(ctx));
    }
    /* wrong number of line profiles */
    size_t off2[3] = {0, 5, n};
    o.design.road.line_off = off2;
    o.design.road.nlines = 2;
    is_int(gk_volume_compute(ctx, dem, vt_view(&p), NULL, &o, &r), GK_ERR_ARG,
           "line profiles must match the centerline's lines");
    gk_free(st);
    gk_free(gz);
    gk_free(off);

    /* three lines (a multilinestring of two and one more): one profile
     * each, each from its own station 0 */
    uint8_t t3[2] = {GK_GEOM_MULTILINESTRING, GK_GEOM_LINESTRING};
    int64_t g3[3] = {0, 2, 3}, p3[4] = {0, 1, 2, 3}, r3[4] = {0, 2, 5, 7};
    double x3[14] = {X0 + 20, Y0 + 20, X0 + 120, Y0 + 40,
                     X0 + 200, Y0 + 100, X0 + 250, Y0 + 150, X0 + 300, Y0 + 140,
                     X0 + 30, Y0 + 250, X0 + 60, Y0 + 250};
    gk_geoms_t c3 = {2, t3, g3, p3, r3, x3, NULL};
    if (is_int(gk_road_profile_from_ground(ctx, dem, &c3, NULL, -0.5, 30, 2.5,
                                           &st, &gz, &off, &nl),
               GK_OK, "three lines")) {
        is_int((long long)nl, 3, "three line profiles");
        /* the third line: 30 m at 2.5 m steps + 2 extension stations */
        is_int((long long)(off[3] - off[2]), 13 + 2, "line 3: 15 stations");
        double w3 = 0;
        for (size_t i = off[2]; i < off[3]; i++)
            w3 = fmax(w3, fabs(gz[i] - (plane(X0 + 30 + st[i], Y0 + 250, NULL) -
                                        0.5)));
        ok(w3 < 1e-9, "line 3 follows its own ground - 0.5 m (%.2g)", w3);
        /* the bent line 2 at its bend: the ground is linear on each leg
         * only, so the window straddling the bend smooths the kink; away
         * from it (> 15 m) the grade is exact */
        double w2 = 0;
        double l2a = hypot(50, 50);
        for (size_t i = off[1]; i < off[2]; i++) {
            double s = st[i];
            if (fabs(s - l2a) < 15.01 || s < 0 || s > l2a + hypot(50, 10))
                continue;
            double x, y;
            if (s < l2a) {
                x = X0 + 200 + 50 * s / l2a;
                y = Y0 + 100 + 50 * s / l2a;
            } else {
                double f = (s - l2a) / hypot(50, 10);
                x = X0 + 250 + 50 * f;
                y = Y0 + 150 - 10 * f;
            }
            w2 = fmax(w2, fabs(gz[i] - (plane(x, y, NULL) - 0.5)));
        }
        ok(w2 < 1e-9, "bent line 2: exact away from the bend (%.2g)", w2);
        gk_free(st);
        gk_free(gz);
        gk_free(off);
    }
    /* bad arguments */
    is_int(gk_road_profile_from_ground(ctx, dem, &cl, NULL, NAN, 0, 0, &st,
                                       &gz, &off, &nl),
           GK_ERR_ARG, "NaN offset refused");
    is_int(gk_road_profile_from_ground(ctx, dem, &cl, NULL, 0, -5, 0, &st, &gz,
                                       &off, &nl),
           GK_ERR_ARG, "negative window refused");
    gk_dem_close(dem);
}

/* ground = 50 + 0.02 (x - X0) + noise of its column */
static double noisy(double x, double y, void *u)
{
    (void)y;
    const double *e = u;
    int col = (int)floor(x - X0);
    return 50 + 0.02 * (x - X0) + e[col];
}

static void dem_noise(void)
{
    enum { W = 6000 };
    double *e = malloc(W * sizeof *e);
    double sig2 = 0;
    for (int i = 0; i < W; i++) {
        e[i] = 0.3 * nrand();
        sig2 += e[i] * e[i];
    }
    sig2 /= W;
    vt_raster_t rr = {.name = "noisy.tif", .w = W, .h = 5,
                      .gt = {X0, 1.0, 0, Y0 + 5, 0, -1.0},
                      .crs = "EPSG:32749", .type = GDT_Float64, .block = 0};
    const char *path = vt_make(&rr, noisy, e);
    gk_dem_t *dem = NULL;
    if (!ok(gk_dem_open(ctx, path, 1, &dem) == GK_OK, "open noisy DEM")) {
        free(e);
        return;
    }
    /* along the middle row of centres, from the first centre to the last */
    uint8_t lt = GK_GEOM_LINESTRING;
    int64_t go[2] = {0, 1}, po[2] = {0, 1}, ro[2] = {0, 2};
    double lxy[4] = {X0 + 0.5, Y0 + 2.5, X0 + W - 0.5, Y0 + 2.5};
    gk_geoms_t cl = {1, &lt, go, po, ro, lxy, NULL};
    double *st = NULL, *gz = NULL;
    size_t *off = NULL, nl = 0;
    if (!is_int(gk_road_profile_from_ground(ctx, dem, &cl, NULL, 0, 50, 1,
                                            &st, &gz, &off, &nl),
                GK_OK, "profile over noisy ground")) {
        diag("%s", gk_errmsg(ctx));
        gk_dem_close(dem);
        free(e);
        return;
    }
    /* station i (1..W-1 in the array, after the extension) sits on the
     * centre of column i */
    is_int((long long)off[1], W + 2, "one station per cell centre + 2");
    double worst = 0, v = 0;
    int n = 0;
    for (int i = 25; i < W - 25; i++, n++) {
        double m = 0;
        for (int j = i - 25; j <= i + 25; j++)
            m += 50 + 0.02 * (j + 0.5) + e[j];
        worst = fmax(worst, fabs(gz[i + 1] - m / 51));
        double r = gz[i + 1] - (50 + 0.02 * (i + 0.5));
        v += r * r;
    }
    ok(worst < 1e-9, "grade = moving average of the DEM's cells (%.2g m)",
       worst);
    double ratio = v / n / (sig2 / 51);
    ok(ratio > 0.75 && ratio < 1.33,
       "DEM noise variance reduced by the 51 samples of the window (%.3f)",
       ratio);
    gk_free(st);
    gk_free(gz);
    gk_free(off);
    gk_dem_close(dem);
    free(e);
}

static double with_hole(double x, double y, void *u)
{
    (void)u;
    (void)y;
    return x - X0 > 100 && x - X0 < 200 ? -9999 : 20;
}

static void nodata_cases(void)
{
    vt_raster_t rr = {.name = "hole.tif", .w = 300, .h = 10,
                      .gt = {X0, 1.0, 0, Y0 + 10, 0, -1.0},
                      .crs = "EPSG:32749", .type = GDT_Float32, .block = 0,
                      .has_nodata = true, .nodata = -9999};
    const char *path = vt_make(&rr, with_hole, NULL);
    gk_dem_t *dem = NULL;
    if (!ok(gk_dem_open(ctx, path, 1, &dem) == GK_OK, "open DEM with a hole"))
        return;
    uint8_t lt = GK_GEOM_LINESTRING;
    int64_t go[2] = {0, 1}, po[2] = {0, 1}, ro[2] = {0, 2};
    double lxy[4] = {X0 + 10, Y0 + 5, X0 + 290, Y0 + 5};
    gk_geoms_t cl = {1, &lt, go, po, ro, lxy, NULL};
    double *st = NULL, *gz = NULL;
    size_t *off = NULL, nl = 0;
    if (is_int(gk_road_profile_from_ground(ctx, dem, &cl, NULL, 0, 50, 1, &st,
                                           &gz, &off, &nl),
               GK_OK, "a road across a nodata gap")) {
        bool gap = false, flat = true;
        for (size_t i = 1; i < off[1]; i++) {
            if (st[i] - st[i - 1] > 1.5 && st[i] > 0 && st[i] < 280)
                gap = true;
            flat = flat && gz[i] == 20;
        }
        ok(gap, "stations with no data within 25 m are left out");
        ok(flat, "the rest follow the flat ground at 20 m");
        gk_free(st);
        gk_free(gz);
        gk_free(off);
    }
    double lxy2[4] = {X0 + 120, Y0 + 5, X0 + 180, Y0 + 5};
    cl.xy = lxy2;
    st = NULL;
    is_int(gk_road_profile_from_ground(ctx, dem, &cl, NULL, 0, 10, 1, &st, &gz,
                                       &off, &nl),
           GK_ERR_INPUT, "a line wholly over nodata: error");
    has_str(gk_errmsg(ctx), "no DEM data along line 0", "message names the line");
    ok(st == NULL, "outputs untouched on failure");
    gk_dem_close(dem);
}

int main(void)
{
    vt_tmpdir();
    gk_context_new(&ctx);
    kernel_cases();
    noise_variance();
    planar_cases();
    dem_noise();
    nodata_cases();
    gk_context_free(ctx);
    vt_cleanup();
    return done_testing();
}
