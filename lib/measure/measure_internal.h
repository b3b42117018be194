/*
 * lib/measure/measure_internal.h - the per-ellipsoid tables shared by the
 * geodesic kernels, and the Karney fallbacks. Not installed; no GK_API.
 */
#ifndef GK_MEASURE_INTERNAL_H
#define GK_MEASURE_INTERNAL_H

#include <geodesic.h>

#include "geokota/measure.h"

#define GK_PI 3.14159265358979323846

/* Latitude nodes every GK_NODE_STEP degrees from -90 to 90. Each node holds
 * Taylor coefficients in u = latitude - node latitude, in DEGREES (so the
 * kernels never convert coordinates), of the functions the kernels need. */
#define GK_NODE_STEP 0.5
#define GK_NODE_COUNT 361 /* 180 / GK_NODE_STEP + 1 */
#define GK_GDEG 8         /* G(u) = g[1] u + ... + g[8] u^8 */
#define GK_CDEG 4         /* area edge correction coefficients */
#define GK_MDEG 6         /* metric E and Gm for lengths */
#define GK_KDEG 3         /* quartic length coefficients */

typedef struct gk_node {
    /* area: G(u) = integral of J over latitude from the node (m^2/rad) */
    double g[GK_GDEG + 1];
    /* area: curvature correction per edge, see geodesic_fast.c */
    double c1[GK_CDEG + 1], c2[GK_CDEG + 1];
    /* length: squared length = gm dlon^2 + e dlat^2 + quartic terms */
    double gm[GK_MDEG + 1], e[GK_MDEG + 1];
    double k1[GK_KDEG + 1], k2[GK_KDEG + 1], k3[GK_KDEG + 1];
    /* bound on the area residual per (edge size)^5, see geodesic_fast.c */
    double area_resid;
    /* bound on the relative length residual per (edge size)^4 */
    double len_resid;
    /* (Gm / E) at the node: the east-west scale for the edge-size measure */
    double gm_over_e;
} gk_node_t;

struct gk_geodesic {
    gk_ellipsoid_t ell;
    struct geod_geodesic geod; /* Karney's constants for the fallback */
    double area_total;         /* area of the whole ellipsoid, m^2 */
    double a2;                 /* a^2 */
    gk_node_t node[GK_NODE_COUNT];
};

/* Fill node tables for ellipsoid (a, f). */
void gk_geodesic_tables_fill(struct gk_geodesic *g);

/* gk_ring_area_geodesic, telling whether the fast path was taken (for the
 * tests and benchmarks). */
double gk_ring_area_geodesic_path(const gk_geodesic_t *g, const double *ll,
                                  size_t n, bool *fast);

/* Karney's algorithm on a whole ring (signed, CCW > 0) and on one edge. */
double gk_ring_area_karney(const struct gk_geodesic *g, const double *lonlat,
                           size_t n);
double gk_edge_length_karney(const struct gk_geodesic *g, double lon1,
                             double lat1, double lon2, double lat2);

/* Number of vertices of a ring without its closing duplicate. */
static inline size_t gk_ring_open_count(const double *xy, size_t n)
{
    if (n >= 2 && xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1])
        return n - 1;
    return n;
}

#endif /* GK_MEASURE_INTERNAL_H */
