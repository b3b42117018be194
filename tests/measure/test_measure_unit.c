/*
 * tests/measure/test_measure_unit.c - planar kernels on analytic shapes far
 * from the origin, the series tables against the closed form, geodesic
 * kernels on a sphere against spherical excess, and gk_measure_geoms with
 * holes, multi-parts, units and every error path.
 */
#include <string.h>

#include "core/core_internal.h"
#include "measure/measure_internal.h"
#include "measure/ref_area.h"
#include "tap.h"

static void planar(void)
{
    /* 100 x 50 rectangle at UTM 48S coordinates, counter-clockwise */
    const double X = 500000.25, Y = 9300000.5;
    double rect[] = {X, Y, X + 100, Y, X + 100, Y + 50, X, Y + 50, X, Y};
    is_double(gk_ring_area_planar(rect, 5), 5000, 0, 1e-9,
              "UTM rectangle 100 x 50 (closed) is 5000");
    is_double(gk_ring_area_planar(rect, 4), 5000, 0, 1e-9,
              "the same ring open is 5000");
    double cw[] = {X, Y, X, Y + 50, X + 100, Y + 50, X + 100, Y};
    is_double(gk_ring_area_planar(cw, 4), -5000, 0, 1e-9,
              "clockwise ring is negative");
    /* 0.1 m x 0.1 m at UTM coordinates: a shoelace on raw coordinates
     * loses ~1e-3 m^2 here; the shifted one is exact to 1e-12 */
    double tiny[] = {X, Y, X + 0.125, Y, X + 0.125, Y + 0.0625, X,
                     Y + 0.0625};
    is_double(gk_ring_area_planar(tiny, 4), 0.125 * 0.0625, 0, 1e-15,
              "12.5 cm x 6.25 cm at UTM coordinates: origin shift keeps "
              "it exact");
    double tri[] = {X, Y, X + 3, Y, X, Y + 4};
    is_double(gk_ring_area_planar(tri, 3), 6, 0, 1e-12, "3-4-5 triangle");
    is_double(gk_line_length_planar(tri, 3), 8, 0, 1e-12,
              "3-4-5 open path is 3 + 5");
    double many[2 * 11];
    for (int i = 0; i <= 10; i++) {
        many[2 * i] = X + 3 * i;
        many[2 * i + 1] = Y + 4 * i;
    }
    is_double(gk_line_length_planar(many, 11), 50, 0, 1e-9,
              "ten 3-4-5 segments (vector and tail paths) are 50");
    is_double(gk_ring_area_planar(tri, 2), 0, 0, 0, "two vertices: 0");
    double nan_ring[] = {0, 0, 1, 0, NAN, 1};
    ok(isnan(gk_ring_area_planar(nan_ring, 3)), "NaN in, NaN out (area)");
    ok(isnan(gk_line_length_planar(nan_ring, 3)), "NaN in, NaN out (length)");
}

static void tables(const gk_geodesic_t *G)
{
    /* G(u) from the node series against the closed form, at the edge of
     * the range the kernels use (|u| = 1.25 degree) */
    const long double d2r = 3.14159265358979323846264338327950288L / 180;
    double worst = 0;
    for (int k = 10; k < GK_NODE_COUNT - 10; k += 7) {
        double nlat = -90 + k * GK_NODE_STEP;
        for (double u = -1.25; u <= 1.25; u += 0.3125) {
            const double *c = G->node[k].g;
            double y = 0;
            for (int j = GK_GDEG; j >= 1; j--)
                y = (y + c[j]) * u;
            long double want =
                ref_G(G->ell.a, G->ell.f, (nlat + u) * d2r) -
                ref_G(G->ell.a, G->ell.f, nlat * d2r);
            double rel = fabs((double)((y - want) / want));
            worst = fmax(worst, rel);
        }
    }
    ok(worst < 1e-13,
       "series G matches the closed form within 1e-13 relative over "
       "+-85 degrees, |u| <= 1.25 (worst %.2e)",
       worst);
}

/* spherical excess of a triangle by L'Huilier, in long double */
static long double sph_excess(const double *ll)
{
    const long double d2r = 3.14159265358979323846264338327950288L / 180;
    long double s[3];
    for (int i = 0; i < 3; i++) {
        int j = (i + 1) % 3;
        long double p1 = ll[2 * i + 1] * d2r, p2 = ll[2 * j + 1] * d2r;
        long double dl = (ll[2 * j] - ll[2 * i]) * d2r;
        long double h = sinl((p2 - p1) / 2) * sinl((p2 - p1) / 2) +
                        cosl(p1) * cosl(p2) * sinl(dl / 2) * sinl(dl / 2);
        s[i] = 2 * asinl(sqrtl(h));
    }
    long double p = (s[0] + s[1] + s[2]) / 2;
    long double t = tanl(p / 2) * tanl((p - s[0]) / 2) * tanl((p - s[1]) / 2) *
                    tanl((p - s[2]) / 2);
    return 4 * atanl(sqrtl(t));
}

static void sphere(void)
{
    gk_geodesic_t *S = NULL;
    gk_ellipsoid_t e = {6371000, 0};
    is_int(gk_geodesic_new(NULL, e, &S), GK_OK, "sphere tables");
    double tri[] = {10.0, 45.0, 10.02, 45.001, 10.005, 45.015};
    long double want = sph_excess(tri) * 6371000.0L * 6371000.0L;
    is_double(gk_ring_area_geodesic(S, tri, 3), (double)want, 1e-10, 1e-6,
              "2 km triangle on a sphere: R^2 x spherical excess");
    double tri_cw[] = {10.0, 45.0, 10.005, 45.015, 10.02, 45.001};
    is_double(gk_ring_area_geodesic(S, tri_cw, 3), -(double)want, 1e-10,
              1e-6, "clockwise triangle is negative");
    gk_geodesic_free(S);
}

static void geodesic_misc(const gk_geodesic_t *G)
{
    /* the same square on both sides of the antimeridian and at lon 0 */
    double a[] = {179.999, 10, -179.999, 10, -179.999, 10.002, 179.999,
                  10.002};
    double b[] = {-0.001, 10, 0.001, 10, 0.001, 10.002, -0.001, 10.002};
    double Aa = gk_ring_area_geodesic(G, a, 4);
    double Ab = gk_ring_area_geodesic(G, b, 4);
    is_double(Aa, Ab, 1e-12, 1e-6,
              "a square across the antimeridian has its area at lon 0");
    ok(Ab > 4.8e4 && Ab < 4.9e4, "and that is about 219 m x 221 m (%.3f)",
       Ab);
    /* a ring around the north pole: the fallback, like geod_polygonarea */
    double pole[2 * 8];
    for (int i = 0; i < 8; i++) {
        pole[2 * i] = -180 + 45 * i;
        pole[2 * i + 1] = 89;
    }
    struct geod_polygon p;
    double Ak, Pk;
    geod_polygon_init(&p, 0);
    for (int i = 0; i < 8; i++)
        geod_polygon_addpoint(&G->geod, &p, pole[2 * i + 1], pole[2 * i]);
    geod_polygon_compute(&G->geod, &p, 0, 1, &Ak, &Pk);
    is_double(gk_ring_area_geodesic(G, pole, 8), Ak, 1e-12, 0,
              "ring around the pole equals geod_polygonarea");
    double bad[] = {0, 0, 1, 0, 1, 95};
    ok(isnan(gk_ring_area_geodesic(G, bad, 3)), "latitude 95: NaN");
    double nanl[] = {0, 0, NAN, 0, 1, 1};
    ok(isnan(gk_line_length_geodesic(G, nanl, 3)), "NaN length: NaN");
    is_double(gk_line_length_geodesic(G, nanl, 1), 0, 0, 0,
              "one vertex: length 0");
    /* one degree of the equator: a (pi/180) */
    double eq[] = {0, 0, 0.01, 0};
    is_double(gk_line_length_geodesic(G, eq, 2),
              6378137.0 * GK_PI / 180 * 0.01, 1e-12, 0,
              "0.01 degree of equator is a pi/18000");
    gk_ellipsoid_t w = gk_geodesic_ellipsoid(G);
    ok(w.a == 6378137.0 && w.f == 1 / 298.257223563, "WGS84 constants");
}

static void geoms(const gk_geodesic_t *G)
{
    gk_context_t *ctx = NULL;
    gk_context_new(&ctx);
    /* f0: polygon 100x100 with a 10x10 hole (hole given clockwise);
     * f1: multipolygon of two 10x10 squares; f2: line 3-4-5 x2;
     * f3: point; f4: none; f5: multiline of two 5 m lines */
    const double X = 500000, Y = 9300000;
    double xy[] = {
        /* f0 exterior (closed) */
        X, Y, X + 100, Y, X + 100, Y + 100, X, Y + 100, X, Y,
        /* f0 hole, clockwise, closed */
        X + 10, Y + 10, X + 10, Y + 20, X + 20, Y + 20, X + 20, Y + 10,
        X + 10, Y + 10,
        /* f1 part 0, open ring */
        X, Y, X + 10, Y, X + 10, Y + 10, X, Y + 10,
        /* f1 part 1, closed ring */
        X + 50, Y, X + 60, Y, X + 60, Y + 10, X + 50, Y + 10, X + 50, Y,
        /* f2 line */
        X, Y, X + 3, Y + 4, X + 6, Y + 8,
        /* f3 point */
        X, Y,
        /* f5 two lines */
        X, Y, X + 3, Y + 4, X, Y, X + 4, Y + 3};
    uint8_t types[] = {GK_GEOM_POLYGON,    GK_GEOM_MULTIPOLYGON,
                       GK_GEOM_LINESTRING, GK_GEOM_POINT,
                       GK_GEOM_NONE,       GK_GEOM_MULTILINESTRING};
    int64_t geom_off[] = {0, 1, 3, 4, 5, 5, 7};
    int64_t part_off[] = {0, 2, 3, 4, 5, 6, 7, 8};
    int64_t ring_off[] = {0, 5, 10, 14, 19, 22, 23, 25, 27};
    gk_geoms_t g = {6, types, geom_off, part_off, ring_off, xy, NULL};
    double area[6], per[6], len[6];
    gk_measure_opts_t o = {GK_MEASURE_PLANAR, NULL, 0};
    is_int(gk_measure_geoms(ctx, &g, &o, area, per, len), GK_OK,
           "planar measure of six features");
    is_double(area[0], 9900, 0, 1e-9, "polygon with a hole: 10000 - 100");
    is_double(per[0], 440, 0, 1e-9, "its perimeter counts the hole: 440");
    is_double(len[0], 0, 0, 0, "a polygon has no length");
    is_double(area[1], 200, 0, 1e-9, "multipolygon of two squares: 200");
    is_double(per[1], 80, 0, 1e-9,
              "perimeter 80 (the open ring's closing edge counted)");
    is_double(len[2], 10, 0, 1e-9, "line of two 5 m segments: 10");
    is_double(area[2] + per[2], 0, 0, 0, "a line has no area or perimeter");
    is_double(area[3] + per[3] + len[3], 0, 0, 0, "a point measures 0");
    is_double(area[4] + per[4] + len[4], 0, 0, 0, "an empty feature: 0");
    is_double(len[5], 10, 0, 1e-9, "multiline of two 5 m lines: 10");
    o.unit_to_m = 0.3048;
    is_int(gk_measure_geoms(ctx, &g, &o, area, NULL, len), GK_OK,
           "feet, NULL perimeter array");
    is_double(area[0], 9900 * 0.3048 * 0.3048, 1e-14, 0,
              "areas scale by unit^2");
    is_double(len[2], 10 * 0.3048, 1e-14, 0, "lengths scale by unit");

    /* errors */
    double keep = 12345;
    xy[2 * 20] = NAN; /* f2 line, vertex 1 */
    o.unit_to_m = 0;
    is_int(gk_measure_geoms(ctx, &g, &o, &keep, NULL, NULL),
           GK_ERR_INPUT_NAN, "NaN coordinate: INPUT_NAN");
    has_str(gk_errmsg(ctx), "feature 2, ring 0, vertex 1",
            "the message names feature, ring and vertex");
    ok(keep == 12345, "outputs untouched on failure");
    xy[2 * 20] = X + 3;
    o.method = GK_MEASURE_GEODESIC;
    is_int(gk_measure_geoms(ctx, &g, &o, area, NULL, NULL), GK_ERR_ARG,
           "GEODESIC without tables: ARG");
    o.geodesic = G;
    is_int(gk_measure_geoms(ctx, &g, &o, area, NULL, NULL),
           GK_ERR_INPUT_VALUE, "UTM numbers as latitudes: INPUT_VALUE");
    has_str(gk_errmsg(ctx), "feature 0, ring 0, vertex 0: latitude",
            "the message names the latitude");
    o.method = (gk_measure_method_t)7;
    is_int(gk_measure_geoms(ctx, &g, &o, area, NULL, NULL), GK_ERR_ARG,
           "unknown method: ARG");
    is_int(gk_measure_geoms(ctx, NULL, &o, area, NULL, NULL), GK_ERR_ARG,
           "NULL geoms: ARG");
    o.method = GK_MEASURE_PLANAR;
    o.unit_to_m = -1;
    is_int(gk_measure_geoms(ctx, &g, &o, area, NULL, NULL), GK_ERR_ARG,
           "negative unit: ARG");

    /* geodesic: a lon/lat polygon with a hole equals |ext| - |hole| */
    double ll[] = {106.60, -6.20, 106.61, -6.20, 106.61, -6.19, 106.60,
                   -6.19, 106.60, -6.20, 106.602, -6.198, 106.602, -6.196,
                   106.604, -6.196, 106.604, -6.198, 106.602, -6.198};
    uint8_t t1[] = {GK_GEOM_POLYGON};
    int64_t go[] = {0, 1}, po[] = {0, 2}, ro[] = {0, 5, 10};
    gk_geoms_t gg = {1, t1, go, po, ro, ll, NULL};
    o.method = GK_MEASURE_GEODESIC;
    o.geodesic = G;
    is_int(gk_measure_geoms(ctx, &gg, &o, area, per, len), GK_OK,
           "geodesic measure");
    double want = fabs(gk_ring_area_geodesic(G, ll, 5)) -
                  fabs(gk_ring_area_geodesic(G, ll + 10, 5));
    is_double(area[0], want, 1e-15, 0, "geodesic polygon with a hole");
    ok(area[0] > 1.17e6 && area[0] < 1.18e6,
       "about 1106 m x 1106 m minus 221 m x 221 m (%.1f)", area[0]);
    is_double(per[0],
              gk_line_length_geodesic(G, ll, 5) +
                  gk_line_length_geodesic(G, ll + 10, 5),
              1e-15, 0, "geodesic perimeter sums both rings");
    gk_context_free(ctx);
}

int main(void)
{
    planar();
    gk_geodesic_t *G = NULL;
    gk_status_t st = gk_geodesic_new(NULL, gk_ellipsoid_wgs84(), &G);
    is_int(st, GK_OK, "WGS84 tables");
    gk_geodesic_t *bad = (gk_geodesic_t *)&st;
    gk_ellipsoid_t e = {-1, 0};
    is_int(gk_geodesic_new(NULL, e, &bad), GK_ERR_ARG,
           "negative radius: ARG");
    ok(bad == NULL, "out is NULL on failure");
    tables(G);
    sphere();
    geodesic_misc(G);
    geoms(G);
    gk_geodesic_free(G);
    gk_geodesic_free(NULL);
    return done_testing();
}
