/*
 * lib/volume/ellipsoid_area.c - exact area of a lon/lat quadrangle on the
 * ellipsoid, for the cell areas of geographic DEMs (SRTM and the like).
 *
 * Method. On an ellipsoid of revolution (semi-major a, eccentricity e) the
 * area element is dA = a^2 (1 - e^2) cos(phi) / (1 - e^2 sin^2 phi)^2
 * dphi dlambda. Its integral in phi from the equator is a^2 q(phi) / 2 with
 * Snyder's authalic function (Map Projections - A Working Manual, USGS PP
 * 1395, 1987, eq. 3-12):
 *     q(phi) = (1 - e^2) [ sin phi / (1 - e^2 sin^2 phi)
 *                          + atanh(e sin phi) / e ],
 * (q -> 2 sin phi as e -> 0). A cell between parallels phi1, phi2 and
 * meridians lambda1, lambda2 therefore has area
 *     A = (lambda2 - lambda1) * a^2 / 2 * (q(phi2) - q(phi1)),
 * exact: the sides of a lon/lat cell are a meridian and a parallel, which
 * is what this integrates (not geodesics).
 *
 * Error. Each q is correct to a few ulps (|q| <= 2); the difference of two
 * nearby values loses log10(q / dq) digits: for a 1" cell dq ~ 1e-5, so
 * the area is good to ~1e-11 relative, far below any DEM's accuracy.
 * Checked against geod_polygonarea (tests/volume/test_dem.c).
 */
#include <math.h>

#include "volume_internal.h"

static double authalic_q(double e, double phi_deg)
{
    double s = sin(phi_deg * (GK_PI / 180.0));
    if (e == 0)
        return 2 * s;
    double e2 = e * e;
    return (1 - e2) * (s / (1 - e2 * s * s) + atanh(e * s) / e);
}

double gk_ellipsoid_quad_area(double a, double f, double lon1, double lon2,
                              double lat1, double lat2)
{
    double e = sqrt(f * (2 - f));
    double dq = authalic_q(e, lat2) - authalic_q(e, lat1);
    return (lon2 - lon1) * (GK_PI / 180.0) * a * a / 2 * dq;
}
