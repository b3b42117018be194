/*
 * lib/measure/geodesic_fast.c - fast geodesic area and length, with a proven
 * error bound and a fall back to Karney's algorithm outside it.
 *
 * AREA. Coordinates l (longitude), p (latitude) in radians; the area element
 * of the ellipsoid is J(p) dl dp (J = M N cos p, see geodesic_tables.c).
 * With G(p) = integral of J from a reference latitude, Green's theorem gives
 * the signed area of a ring (counter-clockwise positive) as A = -ring
 * integral of G dl. Map each vertex to (x, y) = (l, G(p)) - an equal-area
 * cylindrical map - and take the trapezoid ("shoelace") sum
 * -sum dl (y1 + y2)/2. The true edge is a geodesic, not a straight line in
 * that plane; per edge we add the area between the two, expanded about the
 * edge's coordinate midpoint (dl, dp the edge's differences):
 *     corr = dl (c1 dl^2 + c2 dp^2) + O(d^5),
 *     c1 = J Gm'/(24 E),  c2 = J (Gm'/Gm - E'/(2E))/12 + J'/12.
 * Derivation: the geodesic equations x'' + Gamma(x', x') = 0 for the metric
 * E dp^2 + Gm dl^2 (Christoffel symbols Gamma^l_lp = Gm'/(2Gm),
 * Gamma^p_ll = -Gm'/(2E), Gamma^p_pp = E'/(2E)), linearised about the chord
 * x(t) = x1 + t d, t in [0,1], give a deviation with constant acceleration
 * -Gamma(d, d) and zero ends, whose mean is Gamma(d, d)/12; the area between
 * geodesic and chord is J times the cross product of d with that mean
 * deviation: (J/12)[Gm'/(2E) dl^3 - E'/(2E) dl dp^2 + Gm'/Gm dl dp^2]. The
 * chord (straight in l, p) differs from the straight line in (l, G) by
 * dl (mean of G over the chord - (G1+G2)/2) = dl dp^2 J'/12 + O(d^5). All
 * terms of order d^4 vanish because, about the midpoint, every first-order
 * variation is odd in t - 1/2 and integrates to zero. So the residual per
 * edge is O(a^2 d^5).
 * Error bound: the residual is measured against an extended-precision
 * quadrature (tests/measure/ref_area.h) over latitudes 0..85 degrees, all
 * azimuths and edges of 0.5-20 km; it stays below
 *     0.01 a^2 (1 + |tan p|^3) s^5,  s = edge size in radians of arc,
 * and the table stores 5x that (area_resid). A ring takes the fast path when
 * the sum of those per-edge bounds (bounded by sqrt(max s^2) * sum s^4) is
 * below max(2e-10 |A|, 5e-5 m^2), every |latitude| <= 85 and the latitude
 * extent <= 1 degree; otherwise geod_polygonarea computes it. Table
 * truncation (1e-17 relative) and rounding (coordinates are taken relative
 * to the first vertex and to a node latitude, so every term is of the size
 * of the ring, about 1e-16 * n * perimeter * extent) are far smaller.
 *
 * LENGTH. Expanding the squared geodesic distance about the coordinate
 * midpoint (the same Christoffel symbols; Gauss's midpoint method):
 *     L^2 = Gm dl^2 + E dp^2 + k1 dl^4 + k2 dl^2 dp^2 + k3 dp^4 + O(d^6),
 *     k1 = -Gm'^2/(48E),  k2 = Gm''/24 - Gm'^2/(12 Gm) + Gm' E'/(24 E),
 *     k3 = E''/24 - E'^2/(48E)
 * (the O(d^5) term vanishes by symmetry about the midpoint). The relative
 * residual, measured against geod_inverse, stays below
 * 0.02 (1 + tan^4 p) s^4; an edge takes the fast path when 5x that bound is
 * under 1e-10 (edges up to about 10 km at mid latitudes), otherwise
 * geod_inverse measures it.
 *
 * Speed: no trigonometry per vertex; per vertex one degree-8 polynomial,
 * per edge two degree-4 polynomials and a dozen operations, in blocks of
 * independent lanes so the compiler vectorises them.
 */
#include <math.h>

#include "measure_internal.h"

#define BLK 32 /* vertices per block; a multiple of the vector width */

/* The block loops are written for the vectoriser: on GCC ask for it at any
 * -O level, and on x86-64 build an AVX2 clone chosen at load time. Lanes
 * are independent and every reduction runs in a fixed scalar order after
 * the lanes, and the build has -ffp-contract=off (no FMA), so each clone
 * performs the same IEEE operations: results are bit-identical. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&       \
    defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
#define GK_VECTOR_KERNEL                                                     \
    __attribute__((optimize("tree-vectorize", "vect-cost-model=dynamic"),    \
                   target_clones("avx2", "default"), noinline))
#else
#define GK_VECTOR_KERNEL
#endif

static inline double poly_g(const double *c, double u)
{
    /* G has no constant term */
    double r = c[8];
    r = r * u + c[7];
    r = r * u + c[6];
    r = r * u + c[5];
    r = r * u + c[4];
    r = r * u + c[3];
    r = r * u + c[2];
    r = r * u + c[1];
    return r * u;
}

static inline double poly4(const double *c, double u)
{
    return (((c[4] * u + c[3]) * u + c[2]) * u + c[1]) * u + c[0];
}

static inline double poly3(const double *c, double u)
{
    return ((c[3] * u + c[2]) * u + c[1]) * u + c[0];
}

static inline double poly6(const double *c, double u)
{
    return (((((c[6] * u + c[5]) * u + c[4]) * u + c[3]) * u + c[2]) * u +
            c[1]) *
               u +
           c[0];
}

static inline double wrap180(double x)
{
    x = x > 180 ? x - 360 : x;
    return x < -180 ? x + 360 : x;
}

static inline int node_index(double lat)
{
    return (int)lround((lat + 90) * (1 / GK_NODE_STEP));
}

/* Running state of the area pass over one ring. */
typedef struct area_acc {
    double sum;   /* sum of dl (corr - (y1+y2)/2), degrees * m^2 */
    double s2max; /* largest edge size^2 (degrees of meridian arc) */
    double s4sum; /* sum of edge size^4 */
    double umin, umax, xmax;
} area_acc_t;

/* One block: vertices v[0..BLK] (BLK + 1 of them, the last shared with the
 * next block). Plain loops over arrays so that GCC vectorises them. */
GK_VECTOR_KERNEL
static void area_block(const gk_node_t *nd, const double *x, const double *u,
                       area_acc_t *acc)
{
    double y[BLK + 1];
    for (int j = 0; j <= BLK; j++)
        y[j] = poly_g(nd->g, u[j]);
    double sum[BLK], s2[BLK];
    for (int j = 0; j < BLK; j++) {
        double dx = x[j + 1] - x[j], dy = u[j + 1] - u[j];
        double um = 0.5 * (u[j] + u[j + 1]);
        double c1 = poly4(nd->c1, um), c2 = poly4(nd->c2, um);
        sum[j] = dx * (c1 * dx * dx + c2 * dy * dy - 0.5 * (y[j] + y[j + 1]));
        s2[j] = nd->gm_over_e * dx * dx + dy * dy;
    }
    /* fixed-order reductions: results do not depend on the vector width */
    double s = 0, m = acc->s2max, q = 0;
    for (int j = 0; j < BLK; j++) {
        s += sum[j];
        m = s2[j] > m ? s2[j] : m;
        q += s2[j] * s2[j];
    }
    acc->sum += s;
    acc->s2max = m;
    acc->s4sum += q;
    for (int j = 0; j <= BLK; j++) {
        acc->umin = u[j] < acc->umin ? u[j] : acc->umin;
        acc->umax = u[j] > acc->umax ? u[j] : acc->umax;
        acc->xmax = fabs(x[j]) > acc->xmax ? fabs(x[j]) : acc->xmax;
    }
}

double gk_ring_area_geodesic(const gk_geodesic_t *g, const double *ll,
                             size_t n)
{
    return gk_ring_area_geodesic_path(g, ll, n, NULL);
}

double gk_ring_area_geodesic_path(const gk_geodesic_t *g, const double *ll,
                                  size_t n, bool *fast)
{
    if (fast)
        *fast = false;
    n = gk_ring_open_count(ll, n);
    if (n < 3)
        return n == 0 || (isfinite(ll[0]) && isfinite(ll[1])) ? 0 : NAN;
    const double lon0 = ll[0], lat0 = ll[1];
    if (!isfinite(lon0) || !(fabs(lat0) <= 90))
        return NAN;
    if (fabs(lat0) > 84)
        return gk_ring_area_karney(g, ll, n);
    const int k = node_index(lat0);
    const gk_node_t *nd = &g->node[k];
    const double nlat = -90 + k * GK_NODE_STEP;

    area_acc_t acc = {0, 0, 0, INFINITY, -INFINITY, 0};
    double x[BLK + 1], u[BLK + 1];
    for (size_t b = 0; b < n; b += BLK) {
        for (int j = 0; j <= BLK; j++) {
            /* past the end: repeat vertex 0, closing the ring with
             * zero-length edges that add nothing */
            size_t i = b + j < n ? b + j : 0;
            x[j] = wrap180(ll[2 * i] - lon0);
            u[j] = ll[2 * i + 1] - nlat;
        }
        area_block(nd, x, u, &acc);
    }
    const double d2r = GK_PI / 180;
    double area = acc.sum * d2r;
    if (!isfinite(area) || !isfinite(acc.s2max))
        return NAN;
    double bound = nd->area_resid * sqrt(acc.s2max) * acc.s4sum;
    double tol = fmax(2e-10 * fabs(area), 5e-5);
    if (bound > tol || acc.umax - acc.umin > 1 || acc.xmax > 90 ||
        !(fabs(nlat + acc.umax) <= 85 && fabs(nlat + acc.umin) <= 85))
        return gk_ring_area_karney(g, ll, n);
    if (fast)
        *fast = true;
    return area;
}

double gk_line_length_geodesic(const gk_geodesic_t *g, const double *ll,
                               size_t n)
{
    if (n < 2)
        return n == 0 || (isfinite(ll[0]) && isfinite(ll[1])) ? 0 : NAN;
    double total = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double lon1 = ll[2 * i], lat1 = ll[2 * i + 1];
        double lon2 = ll[2 * i + 2], lat2 = ll[2 * i + 3];
        double dx = wrap180(lon2 - lon1), dy = lat2 - lat1;
        double latm = lat1 + 0.5 * dy;
        if (!(fabs(latm) <= 85)) {
            if (!(fabs(lat1) <= 90 && fabs(lat2) <= 90 && isfinite(dx)))
                return NAN;
            total += gk_edge_length_karney(g, lon1, lat1, lon2, lat2);
            continue;
        }
        const int k = node_index(latm);
        const gk_node_t *nd = &g->node[k];
        double um = latm - (-90 + k * GK_NODE_STEP);
        double dx2 = dx * dx, dy2 = dy * dy;
        double s2 = nd->gm_over_e * dx2 + dy2;
        if (!(nd->len_resid * s2 * s2 <= 1e-10)) {
            if (!(fabs(lat1) <= 90 && fabs(lat2) <= 90 && isfinite(dx)))
                return NAN;
            total += gk_edge_length_karney(g, lon1, lat1, lon2, lat2);
            continue;
        }
        double L2 = poly6(nd->gm, um) * dx2 + poly6(nd->e, um) * dy2 +
                    dx2 * (poly3(nd->k1, um) * dx2 + poly3(nd->k2, um) * dy2) +
                    poly3(nd->k3, um) * dy2 * dy2;
        total += sqrt(L2);
    }
    return total;
}
