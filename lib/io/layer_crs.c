/*
 * lib/io/layer_crs.c - assigning a CRS to a layer, and refusing to guess
 * when coordinates cannot be longitude/latitude.
 */
#include <math.h>

#include "io_internal.h"

gk_status_t gk_layer_set_crs(gk_context_t *ctx, gk_layer_t *l,
                             const char *definition)
{
    if (!ctx || !l)
        return gk_error(ctx, GK_ERR_ARG, "gk_layer_set_crs: NULL argument");
    gk_crs_t *crs = NULL;
    gk_status_t st = gk_crs_from_string(ctx, definition, &crs);
    if (st != GK_OK)
        return st;
    gk_crs_free(l->crs);
    l->crs = crs;
    return GK_OK;
}

gk_status_t gk_layer_require_crs(gk_context_t *ctx, gk_layer_t *l)
{
    if (!ctx || !l)
        return gk_error(ctx, GK_ERR_ARG, "gk_layer_require_crs: NULL argument");
    if (l->crs)
        return GK_OK;
    char label[512];
    gk_layer_label(l, label, sizeof label);
    gk_geoms_t g = gk_layer_geoms(l);
    size_t nv = gk_geoms_num_vertices(&g);
    for (size_t v = 0; v < nv; v++) {
        double x = g.xy[2 * v], y = g.xy[2 * v + 1];
        if (isfinite(x) && isfinite(y) &&
            (fabs(x) > 180.0 || fabs(y) > 90.0))
            return gk_error(ctx, GK_ERR_CRS,
                            "%s: no CRS, and coordinates such as %.10g, %.10g "
                            "are not longitude/latitude: give the CRS "
                            "(e.g. --crs EPSG:32748)",
                            label, x, y);
    }
    gk_log(ctx, GK_LOG_WARNING,
           "%s: no CRS; coordinates look like longitude/latitude, so "
           "WGS 84 (OGC:CRS84) is assumed", label);
    return gk_layer_set_crs(ctx, l, "OGC:CRS84");
}
