/*
 * tests/measure/test_measure_oracle.c - geodesic area and length against
 * Karney (PROJ geod_polygonarea, geod_inverse) and, for parcels under 1 ha,
 * against the extended-precision reference of ref_area.h; real Tangerang
 * boundaries and Jakarta roads when the shared data are present.
 */
#include <geodesic.h>
#include <stdbool.h>
#include <stdio.h>

#include "measure/measure_internal.h"
#include "measure/ref_area.h"
#include "measure/rings_gen.h"
#include "tap.h"

static double karney_area(const struct geod_geodesic *g, const double *ll,
                          size_t n)
{
    struct geod_polygon p;
    double A, P;
    geod_polygon_init(&p, 0);
    for (size_t i = 0; i < n; i++)
        geod_polygon_addpoint(g, &p, ll[2 * i + 1], ll[2 * i]);
    geod_polygon_compute(g, &p, 0, 1, &A, &P);
    return A;
}

static double karney_length(const struct geod_geodesic *g, const double *ll,
                            size_t n)
{
    double L = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double s12;
        geod_inverse(g, ll[2 * i + 1], ll[2 * i], ll[2 * i + 3],
                     ll[2 * i + 2], &s12, NULL, NULL);
        L += s12;
    }
    return L;
}

/* 10,000 random star-shaped rings, sizes 10 m - 50 km (and 500 of
 * 50-500 km), latitudes -80..80, one in ten across the antimeridian. */
static void random_rings(const gk_geodesic_t *G)
{
    const struct geod_geodesic *g = &G->geod;
    rng_t r = {20240611};
    static double ll[2 * 202];
    int bad_small = 0, bad_big = 0, nfast = 0, nsmall = 0, nbig = 0;
    int bad_len = 0;
    double worst_small = 0, worst_big = 0, worst_len = 0;
    for (int it = 0; it < 10500; it++) {
        bool big = it >= 10000;
        int n = 3 + (int)(198 * rng_uniform(&r));
        double lat = -80 + 160 * rng_uniform(&r);
        double lon = it % 10 == 0 ? 180 - 0.3 * rng_uniform(&r)
                                  : -180 + 360 * rng_uniform(&r);
        double radius = big ? 25e3 * pow(10, rng_uniform(&r))
                            : 5 * pow(5000, rng_uniform(&r));
        ring_star(g, &r, lon, lat, radius, n, it % 2, ll);
        bool fast;
        double ours = gk_ring_area_geodesic_path(G, ll, (size_t)n, &fast);
        double want = karney_area(g, ll, (size_t)n);
        double err = fabs(ours - want);
        if (big) {
            nbig++;
            double e = err / fmax(fabs(want), 1);
            worst_big = fmax(worst_big, e);
            if (!(err <= 1e-7 * fabs(want) + 5e-4) && bad_big++ < 5)
                diag("big ring %d: ours %.6f karney %.6f", it, ours, want);
        } else {
            nsmall++;
            nfast += fast;
            double tol = fmax(1e-9 * fabs(want), 5e-4);
            worst_small = fmax(worst_small, err / tol);
            if (!(err <= tol) && bad_small++ < 5)
                diag("ring %d (n %d, r %.0f m, lat %.2f, fast %d): ours "
                     "%.6f karney %.6f",
                     it, n, radius, lat, fast, ours, want);
        }
        /* the ring's perimeter as a closed line */
        ll[2 * n] = ll[0];
        ll[2 * n + 1] = ll[1];
        double L = gk_line_length_geodesic(G, ll, (size_t)n + 1);
        double Lw = karney_length(g, ll, (size_t)n + 1);
        double le = fabs(L - Lw) / Lw;
        worst_len = fmax(worst_len, le);
        if (!(le <= 1e-9) && bad_len++ < 5)
            diag("ring %d length: ours %.9f karney %.9f", it, L, Lw);
        /* closed input gives the same area as open */
        if (it < 200 && gk_ring_area_geodesic(G, ll, (size_t)n + 1) != ours)
            bad_small++;
    }
    ok(bad_small == 0,
       "%d rings 10 m - 50 km: area within max(1e-9 A, 5e-4 m^2) of "
       "geod_polygonarea (worst %.3f of the tolerance, %d bad)",
       nsmall, worst_small, bad_small);
    diag("fast path taken by %d of %d rings up to 50 km", nfast, nsmall);
    ok(nfast > nsmall / 2, "the fast path serves most rings (%d of %d)",
       nfast, nsmall);
    ok(bad_big == 0,
       "%d rings 50-500 km: area within 1e-7 relative (worst %.2e)", nbig,
       worst_big);
    ok(bad_len == 0,
       "perimeters within 1e-9 of summed geod_inverse (worst %.2e)",
       worst_len);
}

/* Parcels of 10-100 m (under 1 ha): against the extended-precision
 * reference, which is independent of Karney's area series. */
static void parcels(const gk_geodesic_t *G)
{
    const struct geod_geodesic *g = &G->geod;
    rng_t r = {77};
    double ll[2 * 24];
    int bad = 0, bad_ref = 0, nfast = 0;
    double worst = 0, worst_ref = 0;
    const int count = 300;
    for (int it = 0; it < count; it++) {
        int n = 3 + (int)(20 * rng_uniform(&r));
        double lat = it < 250 ? -80 + 160 * rng_uniform(&r)
                              : -6.3 + 0.2 * rng_uniform(&r);
        double lon = -180 + 360 * rng_uniform(&r);
        double radius = 10 * pow(5.6, rng_uniform(&r));
        ring_star(g, &r, lon, lat, radius, n, it % 2, ll);
        bool fast;
        double ours = gk_ring_area_geodesic_path(G, ll, (size_t)n, &fast);
        nfast += fast;
        double ref =
            (double)ref_ring_area(g, G->ell.a, G->ell.f, ll, (size_t)n);
        double err = fabs(ours - ref);
        worst = fmax(worst, err);
        if (!(err <= 5e-5) && bad++ < 5)
            diag("parcel %d: ours %.9f ref %.9f", it, ours, ref);
        double kerr = fabs(karney_area(g, ll, (size_t)n) - ref);
        worst_ref = fmax(worst_ref, kerr);
        if (!(kerr <= 5e-4))
            bad_ref++;
    }
    ok(bad == 0,
       "%d parcels under 1 ha: within 5e-5 m^2 of the extended-precision "
       "reference (worst %.2e m^2, %d fast)",
       count, worst, nfast);
    ok(bad_ref == 0,
       "the reference agrees with geod_polygonarea to its 5e-4 m^2 floor "
       "(worst %.2e m^2)",
       worst_ref);

    /* the reference's own check: the quadrature reproduces each edge's
     * longitude difference */
    long double dl;
    ref_edge(g, G->ell.a, G->ell.f, 0, -6.2, 0.001, -6.2003, 0, &dl);
    is_double((double)dl, 0.001 * GK_PI / 180, 0, 1e-17,
              "reference quadrature reproduces an edge's longitude span "
              "within 1e-17 rad (0.06 nm)");
}

static void real_data(const gk_geodesic_t *G, const char *root)
{
    const struct geod_geodesic *g = &G->geod;
    static const char *names[] = {
        "boundaries/kota_tangerang_kecamatan.geojson",
        "boundaries/kota_tangerang_kelurahan.geojson"};
    char path[1024];
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", root, names[k]);
        double *ll;
        long *off;
        long nr = ogr_read_paths(path, &ll, &off);
        if (nr < 0) {
            ok(0, "open %s", path);
            continue;
        }
        int bad = 0, nfast = 0, badl = 0;
        double worst = 0;
        for (long i = 0; i < nr; i++) {
            size_t n = (size_t)(off[i + 1] - off[i]);
            const double *p = ll + 2 * off[i];
            bool fast;
            double ours = gk_ring_area_geodesic_path(G, p, n, &fast);
            double want = karney_area(g, p, gk_ring_open_count(p, n));
            nfast += fast;
            double tol = fmax(1e-9 * fabs(want), 5e-4);
            worst = fmax(worst, fabs(ours - want) / tol);
            if (!(fabs(ours - want) <= tol) && bad++ < 3)
                diag("%s ring %ld: ours %.6f karney %.6f", names[k], i, ours,
                     want);
            double L = gk_line_length_geodesic(G, p, n);
            double Lw = karney_length(g, p, n);
            if (!(fabs(L - Lw) <= 1e-9 * Lw + 1e-9))
                badl++;
        }
        ok(bad == 0 && badl == 0,
           "%s: %ld rings, areas within the tolerance of geod_polygonarea "
           "(worst %.3f of it, %d fast), perimeters within 1e-9",
           names[k], nr, worst, nfast);
        free(ll);
        free(off);
    }
    snprintf(path, sizeof path, "%s/roads/jakarta_roads_osm2012.geojson",
             root);
    double *ll;
    long *off;
    long nl = ogr_read_paths(path, &ll, &off);
    if (nl < 0) {
        ok(0, "open %s", path);
        return;
    }
    double sum = 0, sumw = 0, worst = 0;
    int bad = 0;
    for (long i = 0; i < nl; i++) {
        size_t n = (size_t)(off[i + 1] - off[i]);
        double L = gk_line_length_geodesic(G, ll + 2 * off[i], n);
        double Lw = karney_length(g, ll + 2 * off[i], n);
        sum += L;
        sumw += Lw;
        worst = fmax(worst, fabs(L - Lw) / Lw);
        if (!(fabs(L - Lw) <= 1e-9 * Lw + 1e-9))
            bad++;
    }
    ok(bad == 0,
       "%ld Jakarta roads: lengths within 1e-9 + 1 nm of summed geod_inverse "
       "(worst %.2e, total %.3f km)",
       nl, worst, sum / 1000);
    is_double(sum, sumw, 1e-10, 0, "total road length matches");
    free(ll);
    free(off);
}

int main(void)
{
    gk_geodesic_t *G = NULL;
    if (gk_geodesic_new(NULL, gk_ellipsoid_wgs84(), &G) != GK_OK)
        return 1;
    random_rings(G);
    parcels(G);
    const char *root = getenv("GK_SHARED_DATA");
    char probe[1024];
    snprintf(probe, sizeof probe,
             "%s/boundaries/kota_tangerang_kecamatan.geojson",
             root ? root : ".");
    FILE *fp = root ? fopen(probe, "r") : NULL;
    if (fp) {
        fclose(fp);
        real_data(G, root);
    } else {
        diag("shared data absent: real-data checks skipped");
    }
    gk_geodesic_free(G);
    return done_testing();
}
