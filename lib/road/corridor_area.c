/*
 * lib/road/corridor_area.c - ground areas of corridor pieces in the local
 * transverse Mercator plane, and the area of a triangle covered by the
 * union of earlier corridors, without an overlay.
 *
 * Ground area. The plane is conformal, so a plane element dA is dA / k^2 on
 * the ellipsoid, k the point scale. In the plane's own coordinates,
 * 1/k^2 = sech^2(u) = 1 - u^2 + (2/3) u^4 - ..., u = x / sqrt(rho nu)
 * (x from the central meridian; rho nu at the point's latitude; the sphere's
 * series, with the ellipsoid's terms of relative size eta^2 < 0.007 only in
 * the u^4 coefficient). By Green's theorem, the integral over a polygon is
 * its shoelace area plus the sum over edges of the integral of
 * V(x) dy, V(x) = -x^3 / (3 q) + (2/15) x^5 / q^2, q = rho nu: a degree-5
 * polynomial along each edge, integrated exactly by 3-point Gauss-Legendre.
 * rho nu is taken at one latitude per road (its centre's).
 * Error, relative, for |x| <= 30 km (callers check it): the u^6 term
 * (17/45 u^6 < 1.3e-14), the ellipsoid's part of the u^4 term (< 0.05 u^4
 * < 2e-11), and rho nu varying over the road (d ln(rho nu)/dphi <=
 * 3 e^2 / 2 = 0.01, so u^2 x 0.01 x dy / R: < 4e-10 for a road spanning
 * 10 km north-south at 30 km from the meridian). The geodesic measurement
 * it replaces (densify to 50 m, to lon/lat, Karney-accurate area) agrees to
 * 1e-12; tests/road/test_corridor_fast.c compares the two on every road.
 *
 * Covered area. Corridors are cut into triangles (ear clipping); the
 * triangles of one corridor do not overlap. The area of triangle T covered
 * by the union of the earlier corridors A_1 .. A_m is, by inclusion and
 * exclusion, sum over non-empty S of (-1)^(|S|+1) area(T n (n_{r in S}
 * A_r)), and each term is a sum over one triangle per road in S of the
 * areas of convex intersections (Sutherland-Hodgman clipping). Enumerated
 * depth first by road, a branch ends as soon as its intersection is empty,
 * so the work follows how many corridors actually overlap at a point
 * (junctions: a handful). Intersections under TINY_M2 are dropped: each
 * dropped branch's total is at most its own area, and a budget bounds
 * their number (the caller falls back to GEOS when it runs out).
 * Rounding: coordinates are local to the road (|x| < 10 km), so clipped
 * vertices are within ~1e-12 m and areas within ~1e-9 m2 of exact.
 */
#include <math.h>
#include <stdbool.h>

#include "road_internal.h"

#define DEG_TO_RAD     (3.14159265358979323846 / 180.0)
#define TINY_M2        1e-10 /* intersections smaller than this are empty */
#define MAX_CLIP_VERTS 96

gk_tm_area_t gk_tm_area_at(const gk_corridors_t *c, double x0, double y0)
{
    double a = c->geo->a, f = c->geo->f, e2 = f * (2 - f);
    double s0 = sin(c->lat0 * DEG_TO_RAD);
    double w0 = sqrt(1 - e2 * s0 * s0);
    double rho0 = a * (1 - e2) / (w0 * w0 * w0);
    /* Latitude of the road from its northing (the neglected x^2 terms move
     * it by ~1e-5 rad, which changes rho nu by ~1e-7 relative). */
    double s = sin(c->lat0 * DEG_TO_RAD + y0 / rho0);
    double w2 = 1 - e2 * s * s;
    double q = a * a * (1 - e2) / (w2 * w2);
    return (gk_tm_area_t){x0, y0, 1 / q};
}

/* V(x0 + u) - V(x0): the constant V(x0) integrates to 0 around a ring, and
 * leaving it out keeps the terms small. */
static double v_diff(const gk_tm_area_t *t, double u)
{
    double x0 = t->x0, x = x0 + u, iq = t->inv_q;
    double d3 = u * (x * x + x * x0 + x0 * x0);
    double x2 = x * x, y2 = x0 * x0;
    double d5 = u * (x2 * x2 + x2 * x * x0 + x2 * y2 + x * y2 * x0 + y2 * y2);
    return -d3 * iq / 3 + (2.0 / 15.0) * d5 * iq * iq;
}

double gk_tm_ground_area(const gk_tm_area_t *t, const double *xy, size_t n)
{
    /* Gauss-Legendre nodes on [0, 1]. */
    static const double gn[3] = {0.1127016653792583, 0.5, 0.8872983346207417};
    static const double gw[3] = {5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0};
    double twice = 0, corr = 0;
    for (size_t k = 0; k < n; k++) {
        const double *p = xy + 2 * k, *q = xy + 2 * ((k + 1) % n);
        twice += p[0] * q[1] - q[0] * p[1];
        double dx = q[0] - p[0], dy = q[1] - p[1], s = 0;
        for (int g = 0; g < 3; g++)
            s += gw[g] * v_diff(t, p[0] + gn[g] * dx);
        corr += s * dy;
    }
    return 0.5 * twice + corr;
}

static double cross(const double *a, const double *b, const double *c)
{
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/* Shoelace area about the first vertex (so that far-off coordinates do
 * not cancel away the digits of a small area). */
static double shoelace(const double *xy, size_t n)
{
    double twice = 0, x0 = xy[0], y0 = xy[1];
    for (size_t k = 1; k + 1 < n; k++) {
        const double *p = xy + 2 * k, *q = p + 2;
        twice += (p[0] - x0) * (q[1] - y0) - (q[0] - x0) * (p[1] - y0);
    }
    return 0.5 * twice;
}

/* Is p inside or on triangle abc (counter-clockwise)? */
static bool in_triangle(const double *a, const double *b, const double *c,
                        const double *p)
{
    return cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0;
}

size_t gk_ring_triangulate(const double *xy, size_t n, double *tri,
                           int32_t *link)
{
    if (n < 3 || n > INT32_MAX / 2)
        return 0;
    double area = shoelace(xy, n);
    if (!(fabs(area) > 0))
        return 0;
    /* Walk the ring counter-clockwise: vertex k of the walk is ring
     * vertex at(k). */
    bool ccw = area > 0;
    int32_t *next = link, *prev = link + n;
    for (size_t k = 0; k < n; k++) {
        next[k] = (int32_t)((k + 1) % n);
        prev[k] = (int32_t)((k + n - 1) % n);
    }
#define AT(k) (xy + 2 * (ccw ? (size_t)(k) : n - 1 - (size_t)(k)))
    size_t left = n, ntri = 0, miss = 0;
    int32_t v = 0;
    double sum = 0;
    while (left > 3) {
        int32_t p = prev[v], nx = next[v];
        const double *a = AT(p), *b = AT(v), *c = AT(nx);
        double cr = cross(a, b, c);
        bool ear = false, drop = false;
        if (cr == 0) {
            /* A straight vertex between its neighbours adds nothing; a
             * spike (not between them) means the ring is not simple. */
            double dot =
                (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]);
            drop = dot > 0;
        } else if (cr > 0) {
            ear = true;
            for (int32_t r = next[nx]; ear && r != p; r = next[r])
                if (in_triangle(a, b, c, AT(r)))
                    ear = false;
        }
        if (ear || drop) {
            if (ear) {
                double *t = tri + 6 * ntri++;
                t[0] = a[0], t[1] = a[1], t[2] = b[0], t[3] = b[1];
                t[4] = c[0], t[5] = c[1];
                sum += 0.5 * cr;
            }
            next[p] = nx;
            prev[nx] = p;
            left--;
            v = p; /* p may have become an ear */
            miss = 0;
        } else {
            v = nx;
            if (++miss > left)
                return 0; /* a full turn without an ear */
        }
    }
    const double *a = AT(prev[v]), *b = AT(v), *c = AT(next[v]);
    double cr = cross(a, b, c);
    if (cr < 0)
        return 0;
    if (cr > 0) {
        double *t = tri + 6 * ntri++;
        t[0] = a[0], t[1] = a[1], t[2] = b[0], t[3] = b[1];
        t[4] = c[0], t[5] = c[1];
        sum += 0.5 * cr;
    }
#undef AT
    return fabs(sum - fabs(area)) <= 1e-12 * fabs(area) ? ntri : 0;
}

/* Clip convex counter-clockwise polygon `in` (n vertices) by the
 * counter-clockwise triangle `t` into `out`; returns the vertex count, or
 * -1 when it would not fit. */
static int clip(const double *in, int n, const double *t, double *out)
{
    double buf[2][2 * MAX_CLIP_VERTS];
    const double *src = in;
    int m = n;
    for (int e = 0; e < 3; e++) {
        const double *a = t + 2 * e, *b = t + 2 * ((e + 1) % 3);
        double *dst = e == 2 ? out : buf[e];
        int k = 0;
        /* The previous vertex's side is the one computed a step before (no
         * modulo, no second cross product per vertex). */
        const double *prv = src + 2 * (m - 1);
        double dp = cross(a, b, prv);
        for (int i = 0; i < m; i++) {
            const double *cur = src + 2 * i;
            double dc = cross(a, b, cur);
            if ((dc >= 0) != (dp >= 0)) {
                if (k + 1 >= MAX_CLIP_VERTS)
                    return -1;
                double s = dp / (dp - dc);
                dst[2 * k] = prv[0] + s * (cur[0] - prv[0]);
                dst[2 * k + 1] = prv[1] + s * (cur[1] - prv[1]);
                k++;
            }
            if (dc >= 0) {
                if (k + 1 >= MAX_CLIP_VERTS)
                    return -1;
                dst[2 * k] = cur[0];
                dst[2 * k + 1] = cur[1];
                k++;
            }
            prv = cur;
            dp = dc;
        }
        if (k < 3)
            return 0;
        src = dst;
        m = k;
    }
    return m;
}

static void box_of(const double *xy, int n, double *box)
{
    box[0] = box[2] = xy[0];
    box[1] = box[3] = xy[1];
    for (int k = 1; k < n; k++) { /* (fmin/fmax are calls) */
        double x = xy[2 * k], y = xy[2 * k + 1];
        box[0] = x < box[0] ? x : box[0];
        box[2] = x > box[2] ? x : box[2];
        box[1] = y < box[1] ? y : box[1];
        box[3] = y > box[3] ? y : box[3];
    }
}

/* Ground area of convex `poly` covered by the roads of pieces[start..]. */
static double cover(const gk_tm_area_t *t, const double *poly, int n,
                    const double *box, const gk_piece_t *pc, size_t np,
                    size_t start, long *budget)
{
    double total = 0;
    for (size_t k = start; k < np; k++) {
        const double *b = pc[k].box;
        if (b[0] > box[2] || b[2] < box[0] || b[1] > box[3] || b[3] < box[1])
            continue;
        if (--*budget < 0)
            return NAN;
        double q[2 * MAX_CLIP_VERTS];
        int nq = clip(poly, n, pc[k].xy, q);
        if (nq < 0)
            return NAN;
        if (nq < 3 || shoelace(q, (size_t)nq) <= TINY_M2)
            continue;
        size_t later = k + 1;
        while (later < np && pc[later].road == pc[k].road)
            later++;
        double qbox[4];
        box_of(q, nq, qbox);
        double sub = cover(t, q, nq, qbox, pc, np, later, budget);
        if (isnan(sub))
            return NAN;
        total += gk_tm_ground_area(t, q, (size_t)nq) - sub;
    }
    return total;
}

double gk_tm_covered_area(const gk_tm_area_t *t, const double *tri,
                          const gk_piece_t *pieces, size_t np, long *budget)
{
    double box[4];
    box_of(tri, 3, box);
    return cover(t, tri, 3, box, pieces, np, 0, budget);
}
