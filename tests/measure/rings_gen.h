/*
 * tests/measure/rings_gen.h - reproducible random rings and the real
 * boundary and road data, shared by the measure tests and benchmarks.
 *
 * Random rings are star-shaped around a centre: vertices at sorted random
 * azimuths and radii in [r/2, r], placed with geod_direct so that the size
 * is in metres on the ellipsoid. Real data are read with OGR directly (the
 * library's I/O module is not used here, on purpose).
 */
#ifndef GK_TESTS_RINGS_GEN_H
#define GK_TESTS_RINGS_GEN_H

#include <geodesic.h>
#include <math.h>
#include <ogr_api.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct rng {
    uint64_t s;
} rng_t;

static inline double rng_uniform(rng_t *r) /* [0, 1) */
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A star-shaped ring of n vertices (open, 2n doubles into ll) of radius
 * `radius` m around (lon, lat); counter-clockwise when ccw. */
static inline void ring_star(const struct geod_geodesic *g, rng_t *r,
                             double lon, double lat, double radius, int n,
                             int ccw, double *ll)
{
    double az[512];
    for (int i = 0; i < n; i++)
        az[i] = 360 * rng_uniform(r);
    qsort(az, (size_t)n, sizeof az[0], cmp_double);
    for (int i = 0; i < n; i++) {
        /* azimuths increase clockwise seen from above, so reverse them for
         * a counter-clockwise ring */
        double a = ccw ? az[n - 1 - i] : az[i];
        double d = radius * (0.5 + 0.5 * rng_uniform(r));
        double lat2, lon2;
        geod_direct(g, lat, lon, a, d, &lat2, &lon2, NULL);
        ll[2 * i] = lon2;
        ll[2 * i + 1] = lat2;
    }
}

/* Every ring (polygon layers) or line (line layers) of a file, as flat
 * arrays: vertices ll[2 * off[i] ..] for i < count. Returns the count, or
 * -1 when the file cannot be opened. Free *ll and *off. */
static inline long ogr_read_paths(const char *path, double **ll,
                                  long **off)
{
    OGRRegisterAll();
    OGRDataSourceH ds = OGROpen(path, 0, NULL);
    if (!ds)
        return -1;
    OGRLayerH lyr = OGR_DS_GetLayer(ds, 0);
    size_t cap = 1 << 16, nv = 0, ncap = 1024;
    long count = 0;
    *ll = malloc(cap * 2 * sizeof **ll);
    *off = malloc(ncap * sizeof **off);
    (*off)[0] = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        /* flatten: collect leaf curves (rings or lines) */
        OGRGeometryH stack[64];
        int sp = 0;
        if (geom)
            stack[sp++] = geom;
        while (sp > 0) {
            OGRGeometryH h = stack[--sp];
            int sub = OGR_G_GetGeometryCount(h);
            if (sub > 0) {
                for (int k = sub - 1; k >= 0 && sp < 64; k--)
                    stack[sp++] = OGR_G_GetGeometryRef(h, k);
                continue;
            }
            int np = OGR_G_GetPointCount(h);
            if (np < 2)
                continue;
            while (nv + (size_t)np > cap) {
                cap *= 2;
                *ll = realloc(*ll, cap * 2 * sizeof **ll);
            }
            for (int k = 0; k < np; k++) {
                (*ll)[2 * nv] = OGR_G_GetX(h, k);
                (*ll)[2 * nv + 1] = OGR_G_GetY(h, k);
                nv++;
            }
            if ((size_t)count + 2 > ncap) {
                ncap *= 2;
                *off = realloc(*off, ncap * sizeof **off);
            }
            (*off)[++count] = (long)nv;
        }
        OGR_F_Destroy(f);
    }
    OGR_DS_Destroy(ds);
    return count;
}

#endif /* GK_TESTS_RINGS_GEN_H */
