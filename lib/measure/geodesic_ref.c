/*
 * lib/measure/geodesic_ref.c - Karney's algorithm (PROJ's geodesic.c) as the
 * reference and the fall back of the fast kernels, and the gk_geodesic_t
 * object that holds its constants and the series tables.
 *
 * Reference: C. F. F. Karney, Algorithms for geodesics, J. Geodesy 87, 43-55
 * (2013), doi:10.1007/s00190-012-0578-z. Accuracy: lengths to about 15 nm;
 * areas to about 1e-9 relative with an absolute floor of a few 1e-4 m^2
 * on small polygons (the equator-referenced edge areas cancel). geod_* are
 * plain C on caller-owned structs: no PROJ object, no allocation.
 */
#include <math.h>
#include <stdlib.h>

#include "core/core_internal.h"
#include "measure_internal.h"

gk_ellipsoid_t gk_ellipsoid_wgs84(void)
{
    gk_ellipsoid_t e = {6378137.0, 1 / 298.257223563};
    return e;
}

gk_status_t gk_geodesic_new(gk_context_t *ctx, gk_ellipsoid_t e,
                            gk_geodesic_t **out)
{
    if (!out)
        return gk_error(ctx, GK_ERR_ARG, "gk_geodesic_new: out is NULL");
    *out = NULL;
    if (!(isfinite(e.a) && e.a > 0 && e.f >= 0 && e.f < 0.1))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_geodesic_new: ellipsoid a=%g f=%g is outside "
                        "a > 0, 0 <= f < 0.1",
                        e.a, e.f);
    gk_geodesic_t *g = calloc(1, sizeof *g);
    if (!g)
        return gk_error_nomem(ctx, "geodesic tables");
    g->ell = e;
    g->a2 = e.a * e.a;
    geod_init(&g->geod, e.a, e.f);
    /* area of the whole ellipsoid, from Karney's constants */
    g->area_total = 4 * GK_PI * g->geod.c2;
    gk_geodesic_tables_fill(g);
    *out = g;
    return GK_OK;
}

void gk_geodesic_free(gk_geodesic_t *g)
{
    free(g);
}

gk_ellipsoid_t gk_geodesic_ellipsoid(const gk_geodesic_t *g)
{
    return g->ell;
}

double gk_ring_area_karney(const struct gk_geodesic *g, const double *ll,
                           size_t n)
{
    struct geod_polygon p;
    double area = 0, perim = 0;
    n = gk_ring_open_count(ll, n);
    geod_polygon_init(&p, 0);
    for (size_t i = 0; i < n; i++) {
        double lon = ll[2 * i], lat = ll[2 * i + 1];
        if (!isfinite(lon) || !(fabs(lat) <= 90))
            return NAN;
        geod_polygon_addpoint(&g->geod, &p, lat, lon);
    }
    geod_polygon_compute(&g->geod, &p, 0, 1, &area, &perim);
    return area;
}

double gk_edge_length_karney(const struct gk_geodesic *g, double lon1,
                             double lat1, double lon2, double lat2)
{
    double s12 = 0;
    geod_inverse(&g->geod, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
    return s12;
}
