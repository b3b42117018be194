/*
 * bench/measure_fit.c - measures the residuals of the fast geodesic series
 * (per-edge area and length) against the extended-precision reference and
 * Karney, over latitudes, azimuths and edge lengths. The constants
 * area_resid and len_resid in lib/measure/geodesic_tables.c come from this
 * table (the tables store 5x the largest measured ratio).
 *   build/bench/measure_fit
 */
#include <math.h>
#include <stdio.h>

#include "../tests/measure/ref_area.h"
#include "measure/measure_internal.h"

static double poly(const double *c, int deg, double u)
{
    double r = c[deg];
    for (int k = deg - 1; k >= 0; k--)
        r = r * u + c[k];
    return r;
}

int main(void)
{
    gk_geodesic_t *g = NULL;
    gk_geodesic_new(NULL, gk_ellipsoid_wgs84(), &g);
    const double a = g->ell.a, f = g->ell.f, d2r = GK_PI / 180;
    const double lens[] = {500, 1000, 2000, 5000, 10000, 20000};
    printf("lat  L_m    max|area resid| m2   ratio/(a^2 s^5 (1+t^3))   "
           "max rel len resid   ratio/(s^4 (1+t^4))\n");
    for (int ilat = 0; ilat <= 84; ilat += 6) {
        for (int il = 0; il < 6; il++) {
            double worst = 0, worst_ratio = 0, lworst = 0, lratio = 0;
            for (int iaz = 0; iaz < 24; iaz++) {
                double lat1 = ilat + 0.137, azi = iaz * 15 + 3.7;
                double lat2, lon2;
                geod_direct(&g->geod, lat1, 0, azi, lens[il], &lat2, &lon2,
                            NULL);
                int k = (int)lround((lat1 + 90) / GK_NODE_STEP);
                const gk_node_t *nd = &g->node[k];
                double nlat = -90 + k * GK_NODE_STEP;
                double u1 = lat1 - nlat, u2 = lat2 - nlat, dx = lon2;
                double dy = u2 - u1, um = 0.5 * (u1 + u2);
                /* both relative to G(lat1), so that the harness's
                 * nanometre end-point mismatch costs nothing */
                double ours = d2r * dx *
                              (poly(nd->c1, GK_CDEG, um) * dx * dx +
                               poly(nd->c2, GK_CDEG, um) * dy * dy -
                               0.5 * (poly(nd->g, GK_GDEG, u2) -
                                      poly(nd->g, GK_GDEG, u1)));
                long double ref =
                    ref_edge(&g->geod, a, f, 0, lat1, lon2, lat2,
                             ref_G(a, f, lat1 * d2r), NULL);
                double r = fabs((double)(ours - ref));
                double s2 = nd->gm_over_e * dx * dx + dy * dy;
                double pm = (lat1 + lat2) / 2 * d2r, t = fabs(tan(pm));
                double s = sqrt(s2) * d2r;
                double ratio = r / (a * a * pow(s, 5) * (1 + t * t * t));
                if (r > worst)
                    worst = r;
                if (ratio > worst_ratio)
                    worst_ratio = ratio;
                /* length */
                double ln = gk_line_length_geodesic(
                    g, (double[]){0, lat1, lon2, lat2}, 2);
                double lr = fabs(ln - lens[il]) / lens[il];
                double lrat = lr / (pow(s, 4) * (1 + t * t * t * t));
                if (lr > lworst)
                    lworst = lr;
                if (lrat > lratio)
                    lratio = lrat;
            }
            printf("%3d %6.0f %12.3e %12.3e %12.3e %12.3e\n", ilat,
                   lens[il], worst, worst_ratio, lworst, lratio);
        }
    }
    gk_geodesic_free(g);
    return 0;
}
