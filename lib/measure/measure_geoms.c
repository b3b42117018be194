/*
 * lib/measure/measure_geoms.c - area, perimeter and length of many features:
 * validates the input once, then runs the kernels per ring.
 */
#include <math.h>

#include "core/core_internal.h"
#include "measure_internal.h"

/* Check every coordinate once, so that the kernels (which turn bad input
 * into NaN) never see it and the message can say where it is. */
static gk_status_t validate(gk_context_t *ctx, const gk_geoms_t *g,
                            bool geodesic)
{
    for (size_t f = 0; f < g->ngeoms; f++) {
        int64_t r0 = g->part_off[g->geom_off[f]];
        int64_t r1 = g->part_off[g->geom_off[f + 1]];
        for (int64_t r = r0; r < r1; r++) {
            for (int64_t v = g->ring_off[r]; v < g->ring_off[r + 1]; v++) {
                double x = g->xy[2 * v], y = g->xy[2 * v + 1];
                if (!isfinite(x) || !isfinite(y))
                    return gk_error(ctx, GK_ERR_INPUT_NAN,
                                    "feature %zu, ring %lld, vertex %lld: "
                                    "coordinate is not finite (%g, %g)",
                                    f, (long long)(r - r0),
                                    (long long)(v - g->ring_off[r]), x, y);
                if (geodesic && fabs(y) > 90)
                    return gk_error(ctx, GK_ERR_INPUT_VALUE,
                                    "feature %zu, ring %lld, vertex %lld: "
                                    "latitude %g is beyond +-90 degrees",
                                    f, (long long)(r - r0),
                                    (long long)(v - g->ring_off[r]), y);
            }
        }
    }
    return GK_OK;
}

gk_status_t gk_measure_geoms(gk_context_t *ctx, const gk_geoms_t *g,
                             const gk_measure_opts_t *opts, double *area_m2,
                             double *perimeter_m, double *length_m)
{
    if (!g || !opts)
        return gk_error(ctx, GK_ERR_ARG, "gk_measure_geoms: %s is NULL",
                        !g ? "geoms" : "opts");
    bool geodesic = opts->method == GK_MEASURE_GEODESIC;
    if (!geodesic && opts->method != GK_MEASURE_PLANAR)
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_measure_geoms: unknown method %d",
                        (int)opts->method);
    if (geodesic && !opts->geodesic)
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_measure_geoms: GEODESIC needs opts->geodesic "
                        "(from gk_geodesic_new)");
    double unit = opts->unit_to_m == 0 ? 1 : opts->unit_to_m;
    if (!geodesic && !(isfinite(unit) && unit > 0))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_measure_geoms: unit_to_m %g is not a positive "
                        "number",
                        opts->unit_to_m);
    if (g->ngeoms == 0)
        return GK_OK;
    gk_status_t st = validate(ctx, g, geodesic);
    if (st != GK_OK)
        return st;

    const gk_geodesic_t *geo = opts->geodesic;
    const double ascale = geodesic ? 1 : unit * unit;
    const double lscale = geodesic ? 1 : unit;
    for (size_t f = 0; f < g->ngeoms; f++) {
        gk_geom_type_t t = gk_geom_type_base((gk_geom_type_t)g->types[f]);
        double area = 0, perim = 0, len = 0;
        for (int64_t p = g->geom_off[f]; p < g->geom_off[f + 1]; p++) {
            for (int64_t r = g->part_off[p]; r < g->part_off[p + 1]; r++) {
                const double *xy = g->xy + 2 * g->ring_off[r];
                size_t n = (size_t)(g->ring_off[r + 1] - g->ring_off[r]);
                /* Only what the caller asked for: an area-only call on
                 * small parcels would otherwise spend half its time on
                 * perimeters nobody reads. */
                if (t == GK_GEOM_POLYGON && area_m2) {
                    double a = geodesic ? gk_ring_area_geodesic(geo, xy, n)
                                        : gk_ring_area_planar(xy, n);
                    /* the first ring of a part is its exterior */
                    area += r == g->part_off[p] ? fabs(a) : -fabs(a);
                }
                if (t == GK_GEOM_POLYGON && perimeter_m) {
                    size_t m = n;
                    double l;
                    if (m >= 2 && gk_ring_open_count(xy, m) == m) {
                        /* an open ring: add its closing edge */
                        double closing[4] = {xy[2 * m - 2], xy[2 * m - 1],
                                             xy[0], xy[1]};
                        l = geodesic
                                ? gk_line_length_geodesic(geo, closing, 2)
                                : gk_line_length_planar(closing, 2);
                    } else {
                        l = 0;
                    }
                    l += geodesic ? gk_line_length_geodesic(geo, xy, m)
                                  : gk_line_length_planar(xy, m);
                    perim += l;
                } else if (t == GK_GEOM_LINESTRING && length_m) {
                    len += geodesic ? gk_line_length_geodesic(geo, xy, n)
                                    : gk_line_length_planar(xy, n);
                }
            }
        }
        if (area_m2)
            area_m2[f] = area * ascale;
        if (perimeter_m)
            perimeter_m[f] = perim * lscale;
        if (length_m)
            length_m[f] = len * lscale;
    }
    return GK_OK;
}
