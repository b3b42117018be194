/*
 * tests/road/test_corridor.c - corridors: ROADS.md's junction examples,
 * ground areas independent of where a road lies, and the properties the
 * estimate relies on (split invariance, width linearity, shares sum to the
 * union).
 */
#include <geodesic.h>
#include <math.h>
#include <stdlib.h>

#include "geom/geom_internal.h"
#include "io/io_internal.h"
#include "tap.h"

/* A layer of straight or bent lines given in a local metric CRS whose scale
 * is 1 at the origin (tmerc k=1 at lon 106.63, lat -6.2), so that the
 * worked examples in metres are ground metres. */
static const char *local_crs =
    "+proj=tmerc +lat_0=-6.2 +lon_0=106.63 +k=1 +x_0=0 +y_0=0 "
    "+ellps=WGS84 +units=m +no_defs +type=crs";

static gk_layer_t *lines_layer(gk_context_t *ctx, const double *const *lines,
                               const size_t *nverts, size_t n, const char *crs)
{
    gk_geomcol_t c;
    gk_geomcol_init(&c);
    for (size_t i = 0; i < n; i++) {
        gk_geomcol_begin_geom(&c, GK_GEOM_LINESTRING);
        gk_geomcol_begin_part(&c);
        gk_geomcol_begin_ring(&c);
        for (size_t v = 0; v < nverts[i]; v++)
            gk_geomcol_add_xy(&c, lines[i][2 * v], lines[i][2 * v + 1]);
    }
    gk_crs_t *cr = NULL;
    gk_crs_from_string(ctx, crs, &cr);
    gk_geoms_t view = gk_geomcol_view(&c);
    gk_layer_t *l = NULL;
    gk_layer_from_geoms(ctx, "roads", &view, cr, &l);
    gk_crs_free(cr);
    gk_geomcol_clear(&c);
    return l;
}

/* Shares for constant half width hw; returns their sum. */
static double shares(gk_context_t *ctx, gk_layer_t *l, double hw, double *out)
{
    gk_corridors_t *c = NULL;
    size_t n = gk_layer_num_features(l);
    double hws[64], tmp[64];
    double *sh = out ? out : tmp;
    for (size_t i = 0; i < n; i++)
        hws[i] = hw;
    if (gk_corridors_prepare(ctx, l, NULL, &c) != GK_OK ||
        gk_corridors_shares(ctx, c, hws, sh, NULL) != GK_OK) {
        diag("%s", gk_errmsg(ctx));
        gk_corridors_free(c);
        return NAN;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += sh[i];
    gk_corridors_free(c);
    return sum;
}

static void test_junctions(gk_context_t *ctx)
{
    /* ROADS.md 5(d): two 100 m x 4 m roads crossing at their midpoints. */
    const double a[] = {-50, 0, 50, 0}, b[] = {0, -50, 0, 50};
    const double *cross[] = {a, b};
    size_t nv[] = {2, 2};
    gk_layer_t *l = lines_layer(ctx, cross, nv, 2, local_crs);
    double sh[2];
    double total = shares(ctx, l, 2.0, sh);
    is_double(total, 784.0, 1e-9, 0, "crossing: 800 - 16 = 784 m2");
    is_double(sh[0], 400.0, 1e-9, 0, "the first road keeps its 400 m2");
    is_double(sh[1], 384.0, 1e-9, 0, "the second gets 400 - 16");
    gk_layer_free(l);

    /* A 50 m road ending (flat end) on the centerline of a 100 m road. */
    const double c[] = {-50, 0, 50, 0}, d[] = {0, 0, 0, 50};
    const double *tee[] = {c, d};
    l = lines_layer(ctx, tee, nv, 2, local_crs);
    total = shares(ctx, l, 2.0, sh);
    is_double(total, 592.0, 1e-9, 0, "T-junction: 400 + 200 - 8 = 592 m2");
    is_double(sh[1], 192.0, 1e-9, 0, "the branch loses the 2 x 4 overlap");
    gk_layer_free(l);

    /* The same road drawn twice counts once. */
    const double *twice[] = {a, a};
    l = lines_layer(ctx, twice, nv, 2, local_crs);
    total = shares(ctx, l, 1.5, sh);
    is_double(total, 300.0, 1e-9, 0, "a road drawn twice: 300 m2 once");
    is_double(sh[1], 0.0, 0, 1e-9, "the duplicate adds nothing");
    gk_layer_free(l);

    /* A bend: mitred joins keep area = centerline length x width. */
    const double bend[] = {0, 0, 60, 0, 60, 40};
    const double *bent[] = {bend};
    size_t nb[] = {3};
    l = lines_layer(ctx, bent, nb, 1, local_crs);
    is_double(shares(ctx, l, 1.5, NULL), 100 * 3.0, 1e-9, 0,
              "bent road: 100 m x 3 m = 300 m2");
    gk_layer_free(l);
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)rand() / RAND_MAX);
}

static void test_ground_area_anywhere(gk_context_t *ctx)
{
    struct geod_geodesic g;
    geod_init(&g, 6378137, 1 / 298.257223563);
    srand(20261122);
    double worst = 0, worst_split = 0, worst_double = 0;
    for (int k = 0; k < 40; k++) {
        double lat = uniform(-60, 60), lon = uniform(-179, 179);
        double az = uniform(0, 360), len = uniform(20, 1000);
        double w = uniform(2, 8);
        double lat2, lon2, latm, lonm;
        geod_direct(&g, lat, lon, az, len, &lat2, &lon2, NULL);
        geod_direct(&g, lat, lon, az, len * 0.37, &latm, &lonm, NULL);
        const double road[] = {lon, lat, lon2, lat2};
        const double *one[] = {road};
        size_t nv[] = {2};
        gk_layer_t *l = lines_layer(ctx, one, nv, 1, "EPSG:4326");
        double area = shares(ctx, l, w / 2, NULL);
        double area2 = shares(ctx, l, w, NULL);
        gk_layer_free(l);
        double rel = fabs(area - len * w) / (len * w);
        worst = fmax(worst, rel);
        worst_double = fmax(worst_double, fabs(area2 - 2 * area) / area);

        /* Split at a point on the geodesic: the two halves' union is the
         * same road. */
        const double p1[] = {lon, lat, lonm, latm}, p2[] = {lonm, latm, lon2, lat2};
        const double *halves[] = {p1, p2};
        size_t nh[] = {2, 2};
        l = lines_layer(ctx, halves, nh, 2, "EPSG:4326");
        double split = shares(ctx, l, w / 2, NULL);
        gk_layer_free(l);
        worst_split = fmax(worst_split, fabs(split - area) / area);
    }
    ok(worst < 1e-9, "straight roads anywhere: area = length x width to "
       "1e-9 (worst %.2e)", worst);
    ok(worst_split < 1e-9, "splitting a road changes nothing (worst %.2e)",
       worst_split);
    ok(worst_double < 1e-9, "doubling the width doubles the area (worst %.2e)",
       worst_double);
}

static void test_bad_input(gk_context_t *ctx)
{
    gk_geomcol_t c;
    gk_geomcol_init(&c);
    gk_geomcol_begin_geom(&c, GK_GEOM_POLYGON);
    gk_geomcol_begin_part(&c);
    gk_geomcol_begin_ring(&c);
    const double sq[] = {0, 0, 1, 0, 1, 1, 0, 0};
    for (int v = 0; v < 4; v++)
        gk_geomcol_add_xy(&c, sq[2 * v], sq[2 * v + 1]);
    gk_geoms_t view = gk_geomcol_view(&c);
    gk_crs_t *cr = NULL;
    gk_crs_from_string(ctx, "EPSG:4326", &cr);
    gk_layer_t *l = NULL;
    gk_layer_from_geoms(ctx, "parcels", &view, cr, &l);
    gk_corridors_t *co = NULL;
    is_int(gk_corridors_prepare(ctx, l, NULL, &co), GK_ERR_INPUT_GEOM_TYPE,
           "polygons instead of lines are refused");
    has_str(gk_errmsg(ctx), "feature 0: a polygon given where a road "
            "centerline (LineString) is needed", "message names the feature");
    bool skip[] = {true};
    is_int(gk_corridors_prepare(ctx, l, skip, &co), GK_OK,
           "...unless the feature is skipped");
    double hw[] = {-1}, sh[1];
    gk_corridors_free(co);
    gk_layer_free(l);

    const double road[] = {106.6, -6.2, 106.601, -6.2};
    const double *one[] = {road};
    size_t nv[] = {2};
    l = lines_layer(ctx, one, nv, 1, "EPSG:4326");
    gk_corridors_prepare(ctx, l, NULL, &co);
    is_int(gk_corridors_shares(ctx, co, hw, sh, NULL), GK_ERR_INPUT_VALUE,
           "negative width refused");
    has_str(gk_errmsg(ctx), "feature 0: half width is -1", "and named");
    hw[0] = 1.5;
    gk_layer_t *polys = NULL;
    is_int(gk_corridors_shares(ctx, co, hw, sh, &polys), GK_OK,
           "corridor polygons out");
    ok(polys && gk_layer_num_features(polys) == 1 &&
           gk_crs_is_geographic(gk_layer_crs(polys)),
       "one lon/lat polygon per road");
    gk_layer_free(polys);
    gk_corridors_free(co);
    gk_layer_free(l);
    gk_crs_free(cr);
    gk_geomcol_clear(&c);
}

int main(void)
{
    gk_context_t *ctx = NULL;
    gk_context_new(&ctx);
    test_junctions(ctx);
    test_ground_area_anywhere(ctx);
    test_bad_input(ctx);
    gk_context_free(ctx);
    return done_testing();
}
