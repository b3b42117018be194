/*
 * lib/assets/distance.c - true distances in metres between lon/lat
 * geometries, and degree-to-metre bounds for the R-tree windows.
 *
 * Method. The closest points of two geometries are found in a local plane:
 * an equirectangular frame centred at the first vertex of the first
 * geometry, scaled by the ellipsoid's meridional radius M and the parallel's
 * radius N cos(lat) there (x = dlon * N cos(lat0), y = dlat * M). Points,
 * segments and polygon containment are handled exactly in that plane. The
 * distance returned is then the geodesic distance on the WGS 84 ellipsoid
 * between the two closest points, converted back to lon/lat
 * (gk_line_length_geodesic: Karney's accuracy, or 1e-10 relative on its
 * fast path).
 *
 * Error bound. The frame's scale is exact at its centre and drifts by
 * about |dlat| * tan(lat0) relative at a distance from it (plus (d/R)^2
 * terms): 1.6e-6 at 100 m near the equator's 6 degrees south, 1.6e-4 at
 * 10 km. That error moves the chosen closest points along the geometry,
 * not the measured distance: the geodesic between two points of the
 * geometries is an upper bound of the true distance that exceeds it only
 * to second order in the displacement. For a point and a line at distance
 * d in a city (d and the line's extent below 10 km) the result is within
 * 1 mm + 1e-6 d of the exact ellipsoidal point-to-geodesic-line distance;
 * the tests check 1e-6 relative against brute force and SpatiaLite's
 * ST_Distance(..., 1). Segments are straight in the local plane (as GEOS
 * and SpatiaLite take them straight in lon/lat), which at city scale is
 * within millimetres of the geodesic between their ends.
 *
 * Degree bounds. For a window in degrees we need metres-per-degree that no
 * path between two points of a latitude band can undercut: the smaller of
 * M (least at the smallest |lat|) and N cos(lat) (least at the largest
 * |lat|) over the band widened by one degree (a geodesic bows poleward by
 * L^2 tan(lat) / (8R): 0.3 degree for 1,000 km at 60 degrees), times
 * (1 - 1e-9) for rounding. Then metres >= c * (Euclidean degree gap).
 */
#include <math.h>

#include "assets_internal.h"

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define DEG (3.14159265358979323846 / 180.0)

void gk_deg_scale(double lat, double *m_lat, double *m_lon)
{
    double e2 = WGS84_F * (2 - WGS84_F);
    double s = sin(lat * DEG), w = sqrt(1 - e2 * s * s);
    double n = WGS84_A / w;
    double m = WGS84_A * (1 - e2) / (w * w * w);
    *m_lat = m * DEG;
    *m_lon = n * cos(lat * DEG) * DEG;
}

double gk_deg_scale_min(double lat0, double lat1)
{
    double lo = fmax(fmin(lat0, lat1) - 1, -89.9);
    double hi = fmin(fmax(lat0, lat1) + 1, 89.9);
    double amax = fmax(fabs(lo), fabs(hi));
    double amin = (lo <= 0 && hi >= 0) ? 0 : fmin(fabs(lo), fabs(hi));
    double mlat, mlon, t;
    gk_deg_scale(amin, &mlat, &t);
    gk_deg_scale(amax, &t, &mlon);
    return fmin(mlat, mlon) * (1 - 1e-9);
}

double gk_point_distance_m(const gk_geodesic_t *geo, double lon1, double lat1,
                           double lon2, double lat2)
{
    if (lon1 == lon2 && lat1 == lat2)
        return 0;
    double p[4] = {lon1, lat1, lon2, lat2};
    return gk_line_length_geodesic(geo, p, 2);
}

typedef struct frame {
    double lon0, lat0, kx, ky;
} frame_t;

static void to_plane(const frame_t *f, const double *ll, double *x, double *y)
{
    double dlon = ll[0] - f->lon0;
    if (dlon > 180)
        dlon -= 360;
    else if (dlon < -180)
        dlon += 360;
    *x = dlon * f->kx;
    *y = (ll[1] - f->lat0) * f->ky;
}

typedef struct best {
    double d2;
    double ax, ay, bx, by; /* closest points in the plane */
} best_t;

/* Closest point of segment (x1,y1)-(x2,y2) to (px,py). */
static void closest_on_seg(double px, double py, double x1, double y1,
                           double x2, double y2, double *cx, double *cy)
{
    double dx = x2 - x1, dy = y2 - y1, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - x1) * dx + (py - y1) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    *cx = x1 + t * dx;
    *cy = y1 + t * dy;
}

static void consider(best_t *b, double ax, double ay, double bx, double by)
{
    double d2 = (ax - bx) * (ax - bx) + (ay - by) * (ay - by);
    if (d2 < b->d2)
        *b = (best_t){d2, ax, ay, bx, by};
}

static double cross(double ax, double ay, double bx, double by, double cx,
                    double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Segments a (p1-p2) and b (q1-q2); degenerate segments are points. */
static void seg_seg(best_t *b, const double *p, const double *q)
{
    double d1 = cross(q[0], q[1], q[2], q[3], p[0], p[1]);
    double d2 = cross(q[0], q[1], q[2], q[3], p[2], p[3]);
    double d3 = cross(p[0], p[1], p[2], p[3], q[0], q[1]);
    double d4 = cross(p[0], p[1], p[2], p[3], q[2], q[3]);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
        ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
        double t = d1 / (d1 - d2);
        double x = p[0] + t * (p[2] - p[0]), y = p[1] + t * (p[3] - p[1]);
        consider(b, x, y, x, y);
        return;
    }
    double cx, cy;
    closest_on_seg(p[0], p[1], q[0], q[1], q[2], q[3], &cx, &cy);
    consider(b, p[0], p[1], cx, cy);
    closest_on_seg(p[2], p[3], q[0], q[1], q[2], q[3], &cx, &cy);
    consider(b, p[2], p[3], cx, cy);
    closest_on_seg(q[0], q[1], p[0], p[1], p[2], p[3], &cx, &cy);
    consider(b, cx, cy, q[0], q[1]);
    closest_on_seg(q[2], q[3], p[0], p[1], p[2], p[3], &cx, &cy);
    consider(b, cx, cy, q[2], q[3]);
}

/* Segment k of ring r in the plane; a one-vertex ring is a point. */
static void ring_seg(const frame_t *f, const gk_geoms_t *g, int64_t r,
                     int64_t k, double s[4])
{
    int64_t v0 = g->ring_off[r], n = g->ring_off[r + 1] - v0;
    to_plane(f, g->xy + 2 * (v0 + k), &s[0], &s[1]);
    if (n == 1) {
        s[2] = s[0];
        s[3] = s[1];
    } else {
        to_plane(f, g->xy + 2 * (v0 + k + 1), &s[2], &s[3]);
    }
}

static int64_t ring_nseg(const gk_geoms_t *g, int64_t r)
{
    int64_t n = g->ring_off[r + 1] - g->ring_off[r];
    return n <= 1 ? n : n - 1;
}

/* Even-odd test of (x, y) against the rings of polygon part p. */
static bool in_part(const frame_t *f, const gk_geoms_t *g, int64_t p,
                    double x, double y)
{
    bool in = false;
    for (int64_t r = g->part_off[p]; r < g->part_off[p + 1]; r++) {
        int64_t v0 = g->ring_off[r], v1 = g->ring_off[r + 1];
        for (int64_t v = v0; v + 1 < v1; v++) {
            double x1, y1, x2, y2;
            to_plane(f, g->xy + 2 * v, &x1, &y1);
            to_plane(f, g->xy + 2 * (v + 1), &x2, &y2);
            if ((y1 > y) != (y2 > y) &&
                x < x1 + (y - y1) * (x2 - x1) / (y2 - y1))
                in = !in;
        }
    }
    return in;
}

/* Is some vertex of feature j of b inside a polygon part of feature i of
 * a? (A geometry inside a polygon touches none of its edges.) */
static bool contains_vertex(const frame_t *f, const gk_geoms_t *a, size_t i,
                            const gk_geoms_t *b, size_t j, double *x,
                            double *y)
{
    if (gk_geom_type_base((gk_geom_type_t)a->types[i]) != GK_GEOM_POLYGON)
        return false;
    for (int64_t q = b->geom_off[j]; q < b->geom_off[j + 1]; q++) {
        int64_t r = b->part_off[q];
        if (r == b->part_off[q + 1] || b->ring_off[r] == b->ring_off[r + 1])
            continue;
        to_plane(f, b->xy + 2 * b->ring_off[r], x, y);
        for (int64_t p = a->geom_off[i]; p < a->geom_off[i + 1]; p++)
            if (in_part(f, a, p, *x, *y))
                return true;
    }
    return false;
}

double gk_geom_distance_m(const gk_geodesic_t *geo, const gk_geoms_t *a,
                          size_t i, const gk_geoms_t *b, size_t j)
{
    int64_t ra = a->part_off[a->geom_off[i]];
    int64_t rb = b->part_off[b->geom_off[j]];
    if (a->geom_off[i] == a->geom_off[i + 1] ||
        b->geom_off[j] == b->geom_off[j + 1] ||
        a->ring_off[ra] == a->ring_off[ra + 1] ||
        b->ring_off[rb] == b->ring_off[rb + 1])
        return INFINITY;
    frame_t f;
    f.lon0 = a->xy[2 * a->ring_off[ra]];
    f.lat0 = a->xy[2 * a->ring_off[ra] + 1];
    gk_deg_scale(f.lat0, &f.ky, &f.kx);
    double x, y;
    if (contains_vertex(&f, a, i, b, j, &x, &y) ||
        contains_vertex(&f, b, j, a, i, &x, &y))
        return 0;
    best_t best = {INFINITY, 0, 0, 0, 0};
    int64_t ra1 = a->part_off[a->geom_off[i + 1]];
    int64_t rb1 = b->part_off[b->geom_off[j + 1]];
    for (int64_t r = ra; r < ra1; r++)
        for (int64_t k = 0; k < ring_nseg(a, r); k++) {
            double s[4];
            ring_seg(&f, a, r, k, s);
            for (int64_t q = rb; q < rb1; q++)
                for (int64_t m = 0; m < ring_nseg(b, q); m++) {
                    double t[4];
                    ring_seg(&f, b, q, m, t);
                    seg_seg(&best, s, t);
                }
        }
    if (!isfinite(best.d2))
        return INFINITY;
    if (best.d2 == 0)
        return 0;
    /* Back to lon/lat (the frame's inverse), then along the geodesic. */
    double lon1 = f.lon0 + best.ax / f.kx, lat1 = f.lat0 + best.ay / f.ky;
    double lon2 = f.lon0 + best.bx / f.kx, lat2 = f.lat0 + best.by / f.ky;
    return gk_point_distance_m(geo, lon1, lat1, lon2, lat2);
}
