/*
 * lib/measure/planar.c - area and length in the plane of a projected CRS.
 *
 * Area: the shoelace formula on coordinates taken relative to the ring's
 * first vertex. Without the shift, the products x_i y_(i+1) of UTM
 * coordinates (5e5, 9.3e6) are 4.6e12 m^2 with an ulp of 1e-3 m^2, and
 * their cancellation loses that much per vertex; relative to the first
 * vertex every product is of the ring's own size, so the rounding error is
 * at most about 2 n eps D^2 for a ring of extent D (n = 1000, D = 1 km:
 * 4e-7 m^2). Four independent accumulators let the compiler vectorise; the
 * reduction order is fixed, so results do not depend on the vector width.
 * Length: the sum of hypot-free sqrt(dx^2 + dy^2) per segment; dx, dy are
 * differences of nearby coordinates, exact or nearly so, so each segment is
 * within 1 ulp and the sum within n ulps.
 */
#include <math.h>

#include "measure_internal.h"

double gk_ring_area_planar(const double *xy, size_t n)
{
    n = gk_ring_open_count(xy, n);
    if (n < 3)
        return n == 0 || (isfinite(xy[0]) && isfinite(xy[1])) ? 0 : NAN;
    const double x0 = xy[0], y0 = xy[1];
    /* sum over edges of (x_i y_(i+1) - x_(i+1) y_i); the edges touching
     * vertex 0 vanish in shifted coordinates except through the
     * neighbours, which the general term covers. */
    double acc[4] = {0, 0, 0, 0};
    size_t i = 1;
    for (; i + 4 < n; i += 4) {
        for (int l = 0; l < 4; l++) {
            double xa = xy[2 * (i + l)] - x0, ya = xy[2 * (i + l) + 1] - y0;
            double xb = xy[2 * (i + l) + 2] - x0;
            double yb = xy[2 * (i + l) + 3] - y0;
            acc[l] += xa * yb - xb * ya;
        }
    }
    for (; i + 1 < n; i++) {
        double xa = xy[2 * i] - x0, ya = xy[2 * i + 1] - y0;
        double xb = xy[2 * i + 2] - x0, yb = xy[2 * i + 3] - y0;
        acc[0] += xa * yb - xb * ya;
    }
    return 0.5 * ((acc[0] + acc[1]) + (acc[2] + acc[3]));
}

double gk_line_length_planar(const double *xy, size_t n)
{
    if (n < 2)
        return n == 0 || (isfinite(xy[0]) && isfinite(xy[1])) ? 0 : NAN;
    double acc[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 < n; i += 4) {
        for (int l = 0; l < 4; l++) {
            double dx = xy[2 * (i + l) + 2] - xy[2 * (i + l)];
            double dy = xy[2 * (i + l) + 3] - xy[2 * (i + l) + 1];
            acc[l] += sqrt(dx * dx + dy * dy);
        }
    }
    for (; i + 1 < n; i++) {
        double dx = xy[2 * i + 2] - xy[2 * i];
        double dy = xy[2 * i + 3] - xy[2 * i + 1];
        acc[0] += sqrt(dx * dx + dy * dy);
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}
