/*
 * bench/bench_measure.c - geokota's area and length kernels against Karney
 * (PROJ geod_polygonarea, summed geod_inverse), GEOS (GEOSArea_r,
 * GEOSLength_r on the same rings, planar) and the analyst's usual path
 * (pyproj -> UTM -> shapely area, bench/measure_analyst.py), all on the same
 * rings in one run: the Kota Tangerang kecamatan and kelurahan boundaries
 * (when GK_SHARED_DATA has them) and 10,000 random rings.
 *
 *   build-rel/bench/bench_measure [path/to/measure_analyst.py]
 *
 * Prints ns per vertex and ratios. Times are the best of 3 repetitions of
 * loops lasting at least 0.2 s.
 */
#define _POSIX_C_SOURCE 200809L
#include <geos_c.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../tests/measure/rings_gen.h"
#include "measure/measure_internal.h"

typedef struct set {
    const char *name;
    double *ll;
    long *off;
    long n;
    long nv;
} set_t;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile double sink;

typedef double (*ring_fn)(const void *ctx, const double *ll, size_t n);

/* ns per vertex of fn over every ring of s */
static double time_rings(const set_t *s, ring_fn fn, const void *ctx)
{
    double best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        long iters = 0;
        double t0 = now(), t;
        do {
            double acc = 0;
            for (long i = 0; i < s->n; i++)
                acc += fn(ctx, s->ll + 2 * s->off[i],
                          (size_t)(s->off[i + 1] - s->off[i]));
            sink = acc;
            iters++;
            t = now() - t0;
        } while (t < 0.2);
        best = fmin(best, t / (double)iters);
    }
    return best / (double)s->nv * 1e9;
}

static double f_ours_area(const void *c, const double *ll, size_t n)
{
    return gk_ring_area_geodesic(c, ll, n);
}
static double f_ours_len(const void *c, const double *ll, size_t n)
{
    return gk_line_length_geodesic(c, ll, n);
}
static double f_karney_area(const void *c, const double *ll, size_t n)
{
    return gk_ring_area_karney(c, ll, n);
}
static double f_karney_len(const void *c, const double *ll, size_t n)
{
    const gk_geodesic_t *g = c;
    double L = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double s12;
        geod_inverse(&g->geod, ll[2 * i + 1], ll[2 * i], ll[2 * i + 3],
                     ll[2 * i + 2], &s12, NULL, NULL);
        L += s12;
    }
    return L;
}
static double f_planar_area(const void *c, const double *ll, size_t n)
{
    (void)c;
    return gk_ring_area_planar(ll, n);
}
static double f_planar_len(const void *c, const double *ll, size_t n)
{
    (void)c;
    return gk_line_length_planar(ll, n);
}

/* GEOS: polygons prebuilt (building them is not part of GEOSArea_r) */
typedef struct geos_set {
    GEOSContextHandle_t h;
    GEOSGeometry **polys;
    const set_t *s;
} geos_set_t;

static double geos_time(const geos_set_t *gs, int length)
{
    double best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        long iters = 0;
        double t0 = now(), t;
        do {
            double acc = 0, v;
            for (long i = 0; i < gs->s->n; i++) {
                if (length)
                    GEOSLength_r(gs->h, gs->polys[i], &v);
                else
                    GEOSArea_r(gs->h, gs->polys[i], &v);
                acc += v;
            }
            sink = acc;
            iters++;
            t = now() - t0;
        } while (t < 0.2);
        best = fmin(best, t / (double)iters);
    }
    return best / (double)gs->s->nv * 1e9;
}

static void make_random(set_t *s, const gk_geodesic_t *G)
{
    rng_t r = {4242};
    long cap = 10000;
    s->name = "random 10 m-50 km";
    s->ll = malloc(sizeof(double) * 2 * 202 * (size_t)cap);
    s->off = malloc(sizeof(long) * (size_t)(cap + 1));
    s->off[0] = 0;
    long nv = 0;
    for (long i = 0; i < cap; i++) {
        int n = 3 + (int)(198 * rng_uniform(&r));
        double lat = -80 + 160 * rng_uniform(&r);
        double lon = -180 + 360 * rng_uniform(&r);
        double radius = 5 * pow(5000, rng_uniform(&r));
        ring_star(&G->geod, &r, lon, lat, radius, n, 1, s->ll + 2 * nv);
        /* close it, as read from files */
        s->ll[2 * (nv + n)] = s->ll[2 * nv];
        s->ll[2 * (nv + n) + 1] = s->ll[2 * nv + 1];
        nv += n + 1;
        s->off[i + 1] = nv;
    }
    s->n = cap;
    s->nv = nv;
}

/* the analyst's path on the same rings: ns per vertex, or -1 */
static double analyst(const char *script, const set_t *s)
{
    char tmp[] = "/tmp/gk_bench_rings_XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    FILE *fp = fdopen(fd, "wb");
    long n = s->n;
    fwrite(&n, sizeof n, 1, fp);
    fwrite(s->off, sizeof(long), (size_t)n + 1, fp);
    fwrite(s->ll, sizeof(double), 2 * (size_t)s->nv, fp);
    fclose(fp);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s", script, tmp);
    FILE *p = popen(cmd, "r");
    double ns = -1;
    if (p) {
        if (fscanf(p, "%lf", &ns) != 1)
            ns = -1;
        pclose(p);
    }
    remove(tmp);
    return ns;
}

int main(int argc, char **argv)
{
    gk_geodesic_t *G = NULL;
    gk_geodesic_new(NULL, gk_ellipsoid_wgs84(), &G);
    set_t sets[3];
    int ns = 0;
    const char *root = getenv("GK_SHARED_DATA");
    const char *files[] = {"boundaries/kota_tangerang_kecamatan.geojson",
                           "boundaries/kota_tangerang_kelurahan.geojson"};
    for (int k = 0; root && k < 2; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", root, files[k]);
        set_t *s = &sets[ns];
        s->n = ogr_read_paths(path, &s->ll, &s->off);
        if (s->n <= 0)
            continue;
        s->name = k ? "kelurahan (104)" : "kecamatan (13)";
        s->nv = s->off[s->n];
        ns++;
    }
    make_random(&sets[ns++], G);

    GEOSContextHandle_t h = GEOS_init_r();
    printf("%-20s %7s %8s | %7s %7s %6s | %7s %7s %6s | %6s %6s %6s "
           "%6s | %8s %6s | fast\n",
           "set", "rings", "verts", "area", "karney", "x", "len", "inv",
           "x", "planA", "geosA", "planL", "geosL", "analyst", "x");
    for (int k = 0; k < ns; k++) {
        set_t *s = &sets[k];
        int nfast = 0;
        for (long i = 0; i < s->n; i++) {
            bool fast;
            gk_ring_area_geodesic_path(G, s->ll + 2 * s->off[i],
                                       (size_t)(s->off[i + 1] - s->off[i]),
                                       &fast);
            nfast += fast;
        }
        double a = time_rings(s, f_ours_area, G);
        double ka = time_rings(s, f_karney_area, G);
        double l = time_rings(s, f_ours_len, G);
        double kl = time_rings(s, f_karney_len, G);
        double pa = time_rings(s, f_planar_area, NULL);
        double pl = time_rings(s, f_planar_len, NULL);
        geos_set_t gs = {h, malloc(sizeof(GEOSGeometry *) * (size_t)s->n),
                         s};
        for (long i = 0; i < s->n; i++) {
            unsigned nv = (unsigned)(s->off[i + 1] - s->off[i]);
            const double *p = s->ll + 2 * s->off[i];
            GEOSCoordSequence *cs =
                GEOSCoordSeq_copyFromBuffer_r(h, p, nv, 0, 0);
            gs.polys[i] =
                GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, cs),
                                         NULL, 0);
        }
        double ga = geos_time(&gs, 0), gl = geos_time(&gs, 1);
        for (long i = 0; i < s->n; i++)
            GEOSGeom_destroy_r(h, gs.polys[i]);
        free(gs.polys);
        double an = argc > 1 ? analyst(argv[1], s) : -1;
        printf("%-20s %7ld %8ld | %7.2f %7.1f %6.0f | %7.2f %7.1f %6.0f | "
               "%6.2f %6.2f %6.2f %6.2f | %8.1f %6.0f | %d/%ld\n",
               s->name, s->n, s->nv, a, ka, ka / a, l, kl, kl / l, pa, ga, pl,
               gl, an, an / a, nfast, s->n);
        free(s->ll);
        free(s->off);
    }
    printf("columns: ns per vertex; area/len = geokota geodesic, karney = "
           "geod_polygonarea, inv = summed geod_inverse, x = ratio; "
           "planA/planL = geokota planar, geosA/geosL = GEOSArea_r/"
           "GEOSLength_r; analyst = pyproj->UTM->shapely area (same "
           "rings), x = analyst / geokota geodesic area\n");
    GEOS_finish_r(h);
    gk_geodesic_free(G);
    return 0;
}
