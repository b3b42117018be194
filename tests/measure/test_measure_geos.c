/*
 * tests/measure/test_measure_geos.c - planar measurement against GEOS on
 * 10,000 random polygons with holes (fixed seed) at UTM magnitudes:
 * GEOSArea_r and GEOSLength_r are the oracle. Both libraries shift to a
 * local origin before the shoelace, so they agree to a few ulps.
 */
#include <math.h>
#include <stdlib.h>

#include "geom/geom_internal.h"
#include "geom/geos_internal.h"
#include "geokota/measure.h"
#include "tap.h"

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)rand() / RAND_MAX);
}

/* A star-shaped ring around (cx, cy), counter-clockwise unless `cw`. */
static void add_star(gk_geomcol_t *c, double cx, double cy, double r, int n,
                     bool cw)
{
    gk_geomcol_begin_ring(c);
    double x0 = 0, y0 = 0;
    for (int k = 0; k < n; k++) {
        double t = 2 * 3.14159265358979323846 * k / n * (cw ? -1 : 1);
        double rr = r * uniform(0.6, 1.0);
        double x = cx + rr * cos(t), y = cy + rr * sin(t);
        if (k == 0) {
            x0 = x;
            y0 = y;
        }
        gk_geomcol_add_xy(c, x, y);
    }
    gk_geomcol_add_xy(c, x0, y0);
}

int main(void)
{
    gk_context_t *ctx = NULL;
    gk_context_new(&ctx);
    GEOSContextHandle_t h = gk_ctx_geos(ctx);
    gk_geomcol_t c;
    gk_geomcol_init(&c);
    srand(4242);
    const size_t n = 10000;
    for (size_t i = 0; i < n; i++) {
        double cx = uniform(200000, 800000), cy = uniform(9000000, 9500000);
        double r = exp(uniform(log(5.0), log(20000.0)));
        gk_geomcol_begin_geom(&c, GK_GEOM_POLYGON);
        gk_geomcol_begin_part(&c);
        add_star(&c, cx, cy, r, 3 + rand() % 60, false);
        if (rand() % 3 == 0) /* a hole, well inside the shell */
            add_star(&c, cx, cy, 0.3 * r, 3 + rand() % 20, rand() % 2);
    }
    gk_geoms_t g = gk_geomcol_view(&c);
    double *area = calloc(n, sizeof *area), *perim = calloc(n, sizeof *perim);
    gk_measure_opts_t o = {.method = GK_MEASURE_PLANAR};
    is_int(gk_measure_geoms(ctx, &g, &o, area, perim, NULL), GK_OK,
           "measure 10,000 random polygons");
    double worst_a = 0, worst_p = 0;
    for (size_t i = 0; i < n; i++) {
        GEOSGeometry *geom = gk_geos_from_feature(h, &g, i);
        double ga = NAN, gl = NAN;
        GEOSArea_r(h, geom, &ga);
        GEOSLength_r(h, geom, &gl);
        GEOSGeom_destroy_r(h, geom);
        worst_a = fmax(worst_a, fabs(area[i] - ga) / ga);
        worst_p = fmax(worst_p, fabs(perim[i] - gl) / gl);
    }
    ok(worst_a < 1e-12, "areas agree with GEOSArea_r to 1e-12 (worst %.2e)",
       worst_a);
    ok(worst_p < 1e-12, "perimeters agree with GEOSLength_r to 1e-12 "
       "(worst %.2e)", worst_p);
    free(area);
    free(perim);
    gk_geomcol_clear(&c);
    gk_context_free(ctx);
    return done_testing();
}
