/*
 * tests/road/test_corridor_fast.c - the fast share path (corridor_shares.c)
 * against the reference (corridor_ref.c, the original all-GEOS path): on
 * random networks with the awkward cases (crossings, T-junctions, shared
 * ends, duplicates, collinear overlaps, sharp bends past the mitre limit,
 * closed loops, zero-length and left-out roads), every road's share must
 * agree to 1e-9 relative or 1e-6 m2, for 1, 2 and 3 threads, and the
 * results must be the same bit for bit whatever the number of threads.
 * With GK_SHARED_DATA, the same on the 18,574 Jakarta roads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom/geom_internal.h"
#include "io/io_internal.h"
#include "road/road_internal.h"
#include "tap.h"

static const char *local_crs =
    "+proj=tmerc +lat_0=-6.2 +lon_0=106.63 +k=1 +x_0=0 +y_0=0 "
    "+ellps=WGS84 +units=m +no_defs +type=crs";

/* A deterministic generator (the C library's rand() differs by platform). */
static uint64_t rng_state;
static double uniform(double lo, double hi)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * (double)(rng_state >> 11) / 9007199254740992.0;
}

static void line(gk_geomcol_t *c, const double *xy, size_t nv)
{
    gk_geomcol_begin_geom(c, GK_GEOM_LINESTRING);
    gk_geomcol_begin_part(c);
    gk_geomcol_begin_ring(c);
    for (size_t v = 0; v < nv; v++)
        gk_geomcol_add_xy(c, xy[2 * v], xy[2 * v + 1]);
}

/* About n roads in a square of side `extent` metres around the origin. */
static gk_layer_t *random_network(gk_context_t *ctx, size_t n, double extent,
                                  double *hw)
{
    gk_geomcol_t c;
    gk_geomcol_init(&c);
    double prev[2 * 16];
    size_t prev_nv = 0;
    double h = extent / 2, grid = extent / 8;
    for (size_t i = 0; i < n; i++) {
        double xy[2 * 16];
        size_t nv = 2;
        int kind = (int)uniform(0, 10);
        if (kind <= 2) {
            /* Grid street between two grid points: crossings, tees and
             * shared ends with the others. */
            double x = grid * floor(uniform(-4, 4)),
                   y = grid * floor(uniform(-4, 4));
            bool east = uniform(0, 1) < 0.5;
            double len = grid * floor(uniform(1, 3));
            xy[0] = x, xy[1] = y;
            xy[2] = east ? x + len : x, xy[3] = east ? y : y + len;
            if (kind == 2) { /* a tee: start on the middle of a street */
                xy[0] += east ? 0 : grid / 2;
                xy[1] += east ? grid / 2 : 0;
            }
        } else if (kind <= 6 || prev_nv == 0) {
            /* A random walk, with bends up to sharper than the mitre
             * limit (5: bends over ~157 degrees are bevelled). */
            nv = 2 + (size_t)uniform(0, 7);
            double x = uniform(-h, h), y = uniform(-h, h);
            double az = uniform(0, 6.283185307179586);
            for (size_t v = 0; v < nv; v++) {
                xy[2 * v] = x, xy[2 * v + 1] = y;
                double step = uniform(3, grid);
                az += uniform(-2.9, 2.9) * (uniform(0, 1) < 0.3 ? 1 : 0.2);
                x += step * cos(az), y += step * sin(az);
            }
            if (kind == 6 && nv >= 4) { /* closed loop */
                xy[2 * (nv - 1)] = xy[0];
                xy[2 * (nv - 1) + 1] = xy[1];
            }
        } else if (kind == 7) { /* the previous road again, maybe reversed */
            nv = prev_nv;
            bool rev = uniform(0, 1) < 0.5;
            for (size_t v = 0; v < nv; v++) {
                size_t s = rev ? nv - 1 - v : v;
                xy[2 * v] = prev[2 * s], xy[2 * v + 1] = prev[2 * s + 1];
            }
        } else if (kind == 8) { /* part of the previous road's first edge */
            double t0 = uniform(0, 0.5), t1 = uniform(0.5, 1);
            for (int e = 0; e < 2; e++) {
                double t = e ? t1 : t0;
                xy[2 * e] = prev[0] + t * (prev[2] - prev[0]);
                xy[2 * e + 1] = prev[1] + t * (prev[3] - prev[1]);
            }
        } else { /* zero length */
            xy[0] = xy[2] = uniform(-h, h);
            xy[1] = xy[3] = uniform(-h, h);
        }
        line(&c, xy, nv);
        memcpy(prev, xy, 2 * nv * sizeof(double));
        prev_nv = nv;
        double u = uniform(0, 1);
        hw[i] = u < 0.03 ? 0 : 0.5 + 4 * u;
    }
    gk_crs_t *cr = NULL;
    gk_crs_from_string(ctx, local_crs, &cr);
    gk_geoms_t view = gk_geomcol_view(&c);
    gk_layer_t *l = NULL;
    gk_layer_from_geoms(ctx, "random", &view, cr, &l);
    gk_crs_free(cr);
    gk_geomcol_clear(&c);
    return l;
}

static double worst_rel_seen;

/* The fast path measures shares in the plane (corridor_area.c), the
 * reference with the geodesic kernels, whose own error is up to
 * max(1e-9 A, 5e-4 m2) (lib/measure); against the independent oracle
 * below the reference is off by up to 3.4e-9 on Jakarta shares of ~1000
 * m2 and the fast path by < 1e-10. So the fast path is held to 1e-9 /
 * 1e-6 m2 against the oracle, and to the reference's noise against it. */
#define REF_REL 1e-8
#define REF_ABS 1e-5

/* Ground area of a lon/lat polygon of the reference's share layer, by a
 * route independent of both paths: its edges (straight in the plane, by
 * the corridors' definition) cut to 1 m, back to lon/lat with PROJ, into
 * an ellipsoidal Lambert azimuthal equal-area plane (exactly equal-area),
 * then the shoelace in long double about the first vertex. */
static double oracle_area(gk_context_t *ctx, const gk_corridors_t *c,
                          const gk_transform_t *to_ea, const gk_geoms_t *g,
                          size_t i)
{
    double total = 0;
    for (int64_t p = g->geom_off[i]; p < g->geom_off[i + 1]; p++)
        for (int64_t r = g->part_off[p]; r < g->part_off[p + 1]; r++) {
            int64_t v0 = g->ring_off[r], nv = g->ring_off[r + 1] - v0;
            double *pl = malloc(2 * (size_t)nv * sizeof *pl);
            memcpy(pl, g->xy + 2 * v0, 2 * (size_t)nv * sizeof *pl);
            gk_transform_xy(ctx, c->to_plane, pl, (size_t)nv, false);
            size_t cap = 0, m = 0;
            for (int64_t k = 0; k + 1 < nv; k++)
                cap += 1 + (size_t)ceil(hypot(pl[2 * k + 2] - pl[2 * k],
                                              pl[2 * k + 3] - pl[2 * k + 1]));
            double *d = malloc(2 * cap * sizeof *d);
            for (int64_t k = 0; k + 1 < nv; k++) {
                const double *a = pl + 2 * k, *b = a + 2;
                int steps = (int)ceil(hypot(b[0] - a[0], b[1] - a[1]));
                for (int t = 0; t < steps; t++) {
                    d[2 * m] = a[0] + (b[0] - a[0]) * t / steps;
                    d[2 * m + 1] = a[1] + (b[1] - a[1]) * t / steps;
                    m++;
                }
            }
            gk_transform_xy(ctx, c->to_plane, d, m, true);
            gk_transform_xy(ctx, to_ea, d, m, false);
            long double twice = 0;
            for (size_t k = 1; k + 1 < m; k++) {
                long double x1 = (long double)d[2 * k] - d[0];
                long double y1 = (long double)d[2 * k + 1] - d[1];
                long double x2 = (long double)d[2 * k + 2] - d[0];
                long double y2 = (long double)d[2 * k + 3] - d[1];
                twice += x1 * y2 - x2 * y1;
            }
            double a = fabs((double)(twice / 2));
            total += r == g->part_off[p] ? a : -a;
            free(pl);
            free(d);
        }
    return total;
}

/* The fast shares against the oracle for every `step`-th road, and the
 * reference's distance from it (for the record). */
static void check_oracle(gk_context_t *ctx, const char *name,
                         const gk_corridors_t *c, const gk_layer_t *ref_poly,
                         const double *fast, const double *ref, size_t step)
{
    char def[256];
    snprintf(def, sizeof def,
             "+proj=laea +lat_0=%.12f +lon_0=%.12f +ellps=WGS84 +units=m "
             "+no_defs +type=crs",
             c->lat0, 106.63);
    gk_crs_t *ea = NULL;
    gk_transform_t *to_ea = NULL;
    gk_crs_from_string(ctx, def, &ea);
    gk_transform_new(ctx, c->geo, ea, &to_ea);
    gk_geoms_t g = gk_layer_geoms(ref_poly);
    size_t n = g.ngeoms, bad = 0, checked = 0;
    double worst_fast = 0, worst_ref = 0;
    for (size_t i = 0; to_ea && i < n; i += step) {
        if (g.types[i] == GK_GEOM_NONE)
            continue;
        double a = oracle_area(ctx, c, to_ea, &g, i);
        double df = fabs(fast[i] - a), dr = fabs(ref[i] - a);
        if (df > 1e-6 && df > 1e-9 * a) {
            if (bad++ < 5)
                diag("road %zu: fast %.9f, oracle %.9f m2", i, fast[i], a);
        }
        if (a > 1)
            worst_fast = fmax(worst_fast, df / a);
        if (a > 1)
            worst_ref = fmax(worst_ref, dr / a);
        checked++;
    }
    ok(bad == 0,
       "%s: fast shares = independent oracle to 1e-9 or 1e-6 m2 "
       "(%zu off)",
       name, bad);
    diag("%s: %zu roads against the oracle: fast within %.1e, reference "
         "within %.1e (relative)",
         name, checked, worst_fast, worst_ref);
    gk_transform_free(to_ea);
    gk_crs_free(ea);
}

/* Roads whose fast share differs from the reference beyond the bound. */
static size_t count_differing(const double *got, const double *want, size_t n,
                              double rel_tol, double abs_tol, double *worst)
{
    size_t bad = 0;
    *worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(got[i] - want[i]);
        if (d > abs_tol && d > rel_tol * fabs(want[i])) {
            if (bad < 5)
                diag("road %zu: fast %.9f, reference %.9f m2", i, got[i],
                     want[i]);
            bad++;
        }
        *worst = fmax(*worst, d);
        if (d > 1e-6)
            worst_rel_seen = fmax(worst_rel_seen, d / fabs(want[i]));
    }
    return bad;
}

static void compare_network(gk_context_t *ctx, const char *name, size_t n,
                            double extent, uint64_t seed)
{
    rng_state = seed;
    double *hw = calloc(n, sizeof *hw), *ref = calloc(n, sizeof *ref);
    double *sh[3];
    for (int t = 0; t < 3; t++)
        sh[t] = calloc(n, sizeof **sh);
    gk_layer_t *l = random_network(ctx, n, extent, hw);
    gk_corridors_t *c = NULL;
    gk_layer_t *ref_poly = NULL, *fast_poly = NULL;
    bool run =
        gk_corridors_prepare(ctx, l, NULL, &c) == GK_OK &&
        gk_corridors_shares_reference(ctx, c, hw, ref, &ref_poly) == GK_OK;
    for (int t = 0; run && t < 3; t++) {
        gk_corridor_opts_t o = {.threads = t + 1};
        run = gk_corridors_shares_v2(ctx, c, hw, &o, sh[t], NULL) == GK_OK;
    }
    /* With polygons wanted, the shares are polygons cut by GEOS. */
    double *shp = calloc(n, sizeof *shp);
    gk_corridor_opts_t o2 = {.threads = 2};
    run = run &&
          gk_corridors_shares_v2(ctx, c, hw, &o2, shp, &fast_poly) == GK_OK;
    if (!ok(run, "%s: shares computed", name))
        diag("%s", gk_errmsg(ctx));
    double worst = 0, total = 0;
    is_int((long long)count_differing(sh[0], ref, n, REF_REL, REF_ABS, &worst),
           0, "each road's share equals the reference (1e-8 rel or 1e-5 m2)");
    for (size_t i = 0; i < n; i++)
        total += ref[i];
    diag("%s: %zu roads, union %.1f m2, worst difference %.2e m2", name, n,
         total, worst);
    is_int((long long)count_differing(shp, ref, n, 1e-9, 1e-6, &worst), 0,
           "with polygons: each share equals the reference");
    ok(memcmp(sh[0], sh[1], n * sizeof(double)) == 0 &&
           memcmp(sh[0], sh[2], n * sizeof(double)) == 0,
       "%s: 1, 2 and 3 threads give the same shares bit for bit", name);
    bool same_types = fast_poly && ref_poly &&
                      gk_layer_num_features(fast_poly) == n &&
                      gk_layer_num_features(ref_poly) == n;
    gk_geoms_t fg = same_types ? gk_layer_geoms(fast_poly) : (gk_geoms_t){0};
    gk_geoms_t rg = same_types ? gk_layer_geoms(ref_poly) : (gk_geoms_t){0};
    for (size_t i = 0; same_types && i < n; i++)
        same_types = fg.types[i] == rg.types[i];
    ok(same_types, "%s: one share polygon per road, as the reference", name);
    if (same_types)
        check_oracle(ctx, name, c, ref_poly, sh[0], ref, 1);
    /* The polygons are the shares: their geodesic areas are the shares. */
    double *pa = calloc(n, sizeof *pa);
    gk_measure_opts_t mo = {.method = GK_MEASURE_GEODESIC,
                            .geodesic = c ? c->geod : NULL};
    if (same_types &&
        gk_measure_geoms(ctx, &fg, &mo, pa, NULL, NULL) == GK_OK) {
        for (size_t i = 0; i < n; i++)
            if (fg.types[i] == GK_GEOM_NONE)
                pa[i] = 0;
        is_int((long long)count_differing(pa, ref, n, 1e-9, 1e-6, &worst), 0,
               "the share polygons measure as the shares");
    } else {
        ok(0, "share polygons measured: %s", gk_errmsg(ctx));
    }
    free(pa);
    free(shp);
    gk_layer_free(ref_poly);
    gk_layer_free(fast_poly);
    gk_corridors_free(c);
    gk_layer_free(l);
    for (int t = 0; t < 3; t++)
        free(sh[t]);
    free(hw);
    free(ref);
}

/* The whole Jakarta network: fast (default threads) against the reference. */
static void compare_jakarta(gk_context_t *ctx)
{
    const char *data = getenv("GK_SHARED_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/roads/jakarta_roads_osm2012.geojson",
             data ? data : "");
    gk_layer_t *l = NULL;
    if (!data || gk_layer_read(ctx, path, NULL, &l) != GK_OK)
        skip_all("no Jakarta road network in GK_SHARED_DATA");
    size_t n = gk_layer_num_features(l);
    double *hw = calloc(n, sizeof *hw), *ref = calloc(n, sizeof *ref);
    double *sh = calloc(n, sizeof *sh);
    for (size_t i = 0; i < n; i++)
        hw[i] = 1.5 + 0.5 * (double)(i % 5); /* 3-7 m wide */
    gk_corridors_t *c = NULL;
    gk_layer_t *ref_poly = NULL;
    bool run =
        gk_corridors_prepare(ctx, l, NULL, &c) == GK_OK &&
        gk_corridors_shares_reference(ctx, c, hw, ref, &ref_poly) == GK_OK &&
        gk_corridors_shares(ctx, c, hw, sh, NULL) == GK_OK;
    if (!ok(run, "Jakarta: %zu roads computed both ways", n))
        diag("%s", gk_errmsg(ctx));
    double worst = 0;
    is_int((long long)count_differing(sh, ref, n, REF_REL, REF_ABS, &worst), 0,
           "Jakarta: each road's share equals the reference");
    diag("Jakarta: worst difference %.2e m2, worst relative %.2e", worst,
         worst_rel_seen);
    if (run)
        check_oracle(ctx, "Jakarta, every 37th road", c, ref_poly, sh, ref, 37);
    gk_layer_free(ref_poly);
    gk_corridors_free(c);
    gk_layer_free(l);
    free(hw);
    free(ref);
    free(sh);
}

/* No argument: the random networks (suite oracle); "jakarta": the Jakarta
 * network (suite slow: about 10 s, 45 s under ASan). */
int main(int argc, char **argv)
{
    gk_context_t *ctx = NULL;
    gk_context_new(&ctx);
    if (argc > 1 && strcmp(argv[1], "jakarta") == 0) {
        compare_jakarta(ctx);
    } else {
        compare_network(ctx, "dense 2 km", 400, 2000, 20261123);
        compare_network(ctx, "sparse 40 km", 300, 40000, 7);
        compare_network(ctx, "very dense 300 m", 300, 300, 99);
    }
    gk_context_free(ctx);
    return done_testing();
}
