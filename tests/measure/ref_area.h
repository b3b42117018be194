/*
 * tests/measure/ref_area.h - an extended-precision reference for the area of
 * small geodesic polygons, by a method independent of both geokota's series
 * and Karney's area series.
 *
 * Method: A = -(ring integral of (G(p) - G(p_ref)) dl), Green's theorem with
 * G the closed-form integral of the area element over latitude,
 *     G(p) = a^2 (1-e^2)/2 [ sin p/(1 - e^2 sin^2 p)
 *                            + atanh(e sin p)/e ],
 * (a^2 q(p)/2 with Snyder's authalic q), evaluated in long double. Along each
 * edge, parametrised by arc length s, dl/ds = sin(alpha)/(N cos p); the
 * integral is a 20-point Gauss-Legendre quadrature in long double over s.
 * The path (latitude and azimuth at the quadrature nodes) comes from
 * geod_position on the geodesic line from geod_inverse: Karney's direct
 * problem, accurate to about 15 nm, so the path error contributes at most
 * perimeter * 15 nm (6e-6 m^2 for a 400 m perimeter); the longitude is never
 * used (the edge is shifted to start at lon 0, and dl/ds comes from the
 * azimuth), so no degree-valued longitude limits the precision.
 * Why it is right: (1) 20-point Gauss-Legendre is exact for polynomials of
 * degree 39, and on an edge of at most a few hundred metres the integrand
 * is analytic with Taylor terms shrinking by the edge length over the
 * earth's radius (~1e-5) per degree, so the quadrature error is nil; (2) the
 * same quadrature of dl/ds reproduces an edge's longitude difference within
 * 1e-17 rad, which test_measure_oracle.c checks; (3) on 300 parcels of
 * 10-56 m radius it agrees with geod_polygonarea within 1e-4 m^2 (Karney's
 * floor), and with geokota's series within 2e-7 m^2, two different methods.
 */
#ifndef GK_TESTS_REF_AREA_H
#define GK_TESTS_REF_AREA_H

#include <geodesic.h>
#include <math.h>

static inline long double ref_G(long double a, long double f, long double p)
{
    long double e2 = f * (2 - f), e = sqrtl(e2), s = sinl(p);
    if (e2 == 0)
        return a * a * s;
    return a * a * (1 - e2) / 2 *
           (s / (1 - e2 * s * s) + atanhl(e * s) / e);
}

/* Gauss-Legendre 20-point nodes and weights on [-1, 1] (positive half). */
static const long double ref_gl_x[10] = {
    0.0765265211334973337546404093988382L, 0.2277858511416450780804961953685746L,
    0.3737060887154195606725481770249272L, 0.5108670019508270980043640509552510L,
    0.6360536807265150254528366962262859L, 0.7463319064601507926143050703556416L,
    0.8391169718222188233945290617015207L, 0.9122344282513259058677524412032981L,
    0.9639719272779137912676661311972772L, 0.9931285991850949247861223884713203L};
static const long double ref_gl_w[10] = {
    0.1527533871307258506980843319550976L, 0.1491729864726037467878287370019694L,
    0.1420961093183820513292983250671649L, 0.1316886384491766268984944997481631L,
    0.1181945319615184173123773777113823L, 0.1019301198172404350367501354803499L,
    0.0832767415767047487247581432220463L, 0.0626720483341090635695065351870038L,
    0.0406014298003869413310399522749243L, 0.0176140071391521183118619623518528L};

/* -(integral of (G - Gref) dl) along the geodesic edge, and the edge's
 * longitude difference in radians (from the same quadrature) in *dl. */
static inline long double ref_edge(const struct geod_geodesic *g, long double a,
                            long double f, double lon1, double lat1,
                            double lon2, double lat2, long double Gref,
                            long double *dl)
{
    double s12, azi1, azi2;
    double dlon = remainder(lon2 - lon1, 360.0);
    geod_inverse(g, lat1, 0, lat2, dlon, &s12, &azi1, &azi2);
    struct geod_geodesicline l;
    geod_lineinit(&l, g, lat1, 0, azi1, GEOD_LATITUDE | GEOD_AZIMUTH | GEOD_DISTANCE_IN);
    long double e2 = f * (2 - f), sum = 0, sdl = 0;
    const long double d2r = 3.14159265358979323846264338327950288L / 180;
    for (int j = 0; j < 20; j++) {
        long double x = j < 10 ? -ref_gl_x[9 - j] : ref_gl_x[j - 10];
        long double w = j < 10 ? ref_gl_w[9 - j] : ref_gl_w[j - 10];
        double lat, azi;
        geod_genposition(&l, 0, (double)((1 + x) / 2 * s12), &lat, NULL,
                         &azi, NULL, NULL, NULL, NULL, NULL);
        long double p = lat * d2r, sp = sinl(p);
        long double N = a / sqrtl(1 - e2 * sp * sp);
        long double dlds = sinl(azi * d2r) / (N * cosl(p));
        sum += w * (ref_G(a, f, p) - Gref) * dlds;
        sdl += w * dlds;
    }
    if (dl)
        *dl = sdl * s12 / 2;
    return -sum * s12 / 2;
}

/* Signed area of a ring (n vertices, open or closed), CCW > 0. */
static inline long double ref_ring_area(const struct geod_geodesic *g, double a,
                                 double f, const double *ll, size_t n)
{
    const long double d2r = 3.14159265358979323846264338327950288L / 180;
    long double Gref = ref_G(a, f, ll[1] * d2r), A = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        A += ref_edge(g, a, f, ll[2 * i], ll[2 * i + 1], ll[2 * j],
                      ll[2 * j + 1], Gref, NULL);
    }
    return A;
}

#endif /* GK_TESTS_REF_AREA_H */
