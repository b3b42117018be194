/*
 * lib/assets/layers.c - bringing input layers to the store's CRS (WGS 84
 * longitude/latitude), checking their geometry types, and writing
 * geometries as GeoJSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"
#include "crs/crs_internal.h"
#include "io/io_internal.h"
#include "util/json_internal.h"

/* True when coordinates in crs are already WGS 84 lon/lat degrees. */
static bool is_wgs84_lonlat(const gk_crs_t *crs)
{
    return strcmp(crs->authority, "EPSG:4326") == 0 ||
           strcmp(crs->authority, "OGC:CRS84") == 0;
}

gk_status_t gk_assets_lonlat_xy(gk_context_t *ctx, const gk_layer_t *l,
                                double **owned, gk_geoms_t *view)
{
    *owned = NULL;
    *view = gk_layer_geoms(l);
    const gk_crs_t *crs = gk_layer_crs(l);
    char label[512];
    if (!crs)
        return gk_error(ctx, GK_ERR_CRS,
                        "%s: no CRS; give one (e.g. --crs EPSG:4326)",
                        gk_layer_label(l, label, sizeof label));
    if (is_wgs84_lonlat(crs))
        return GK_OK;
    size_t nv = gk_geoms_num_vertices(view);
    double *xy = gk_calloc_array(nv ? 2 * nv : 1, sizeof *xy);
    if (!xy)
        return gk_error_nomem(ctx, "reprojected coordinates");
    if (nv)
        memcpy(xy, view->xy, 2 * nv * sizeof *xy);
    gk_crs_t *wgs = NULL;
    gk_transform_t *t = NULL;
    gk_status_t st = gk_crs_from_string(ctx, "EPSG:4326", &wgs);
    if (st == GK_OK)
        st = gk_transform_new(ctx, crs, wgs, &t);
    if (st == GK_OK)
        st = gk_transform_xy(ctx, t, xy, nv, false);
    gk_transform_free(t);
    gk_crs_free(wgs);
    if (st != GK_OK) {
        free(xy);
        return st;
    }
    *owned = xy;
    view->xy = xy;
    return GK_OK;
}

gk_status_t gk_assets_check_type(gk_context_t *ctx, const gk_layer_t *l,
                                 gk_geom_type_t want, const char *what)
{
    gk_geoms_t g = gk_layer_geoms(l);
    char label[512];
    static const char *const names[] = {"empty", "point", "line", "polygon"};
    for (size_t i = 0; i < g.ngeoms; i++) {
        gk_geom_type_t b = gk_geom_type_base((gk_geom_type_t)g.types[i]);
        if (b != GK_GEOM_NONE && b != want)
            return gk_error(ctx, GK_ERR_INPUT_GEOM_TYPE,
                            "%s: feature %lld: a %s, but %s must be %ss",
                            gk_layer_label(l, label, sizeof label),
                            (long long)gk_layer_fid(l, i), names[b], what,
                            names[want]);
    }
    return GK_OK;
}

static void write_xy(FILE *f, const double *xy)
{
    char bx[32], by[32];
    gk_json_format_number(bx, sizeof bx, xy[0]);
    gk_json_format_number(by, sizeof by, xy[1]);
    fprintf(f, "[%s,%s]", bx, by);
}

static void write_ring(FILE *f, const gk_geoms_t *g, int64_t r)
{
    fputc('[', f);
    for (int64_t v = g->ring_off[r]; v < g->ring_off[r + 1]; v++) {
        if (v > g->ring_off[r])
            fputc(',', f);
        write_xy(f, g->xy + 2 * v);
    }
    fputc(']', f);
}

static void write_part(FILE *f, const gk_geoms_t *g, int64_t p,
                       gk_geom_type_t base)
{
    int64_t r0 = g->part_off[p], r1 = g->part_off[p + 1];
    if (base == GK_GEOM_POINT) {
        if (r1 > r0 && g->ring_off[r0 + 1] > g->ring_off[r0])
            write_xy(f, g->xy + 2 * g->ring_off[r0]);
        else
            fputs("[]", f);
        return;
    }
    if (base == GK_GEOM_LINESTRING) {
        if (r1 > r0)
            write_ring(f, g, r0);
        else
            fputs("[]", f);
        return;
    }
    fputc('[', f);
    for (int64_t r = r0; r < r1; r++) {
        if (r > r0)
            fputc(',', f);
        write_ring(f, g, r);
    }
    fputc(']', f);
}

void gk_geojson_write_geometry(FILE *f, const gk_geoms_t *g, size_t i)
{
    static const char *const names[] = {
        NULL,         "Point",      "LineString",     "Polygon",
        "MultiPoint", "MultiLineString", "MultiPolygon"};
    gk_geom_type_t t = (gk_geom_type_t)g->types[i];
    int64_t p0 = g->geom_off[i], p1 = g->geom_off[i + 1];
    if (t == GK_GEOM_NONE || t > GK_GEOM_MULTIPOLYGON || p1 <= p0) {
        fputs("null", f);
        return;
    }
    gk_numeric_locale_t loc;
    gk_numeric_c_enter(&loc);
    fprintf(f, "{\"type\":\"%s\",\"coordinates\":", names[t]);
    gk_geom_type_t base = gk_geom_type_base(t);
    if (t >= GK_GEOM_MULTIPOINT) {
        fputc('[', f);
        for (int64_t p = p0; p < p1; p++) {
            if (p > p0)
                fputc(',', f);
            write_part(f, g, p, base);
        }
        fputc(']', f);
    } else {
        write_part(f, g, p0, base);
    }
    fputs("}", f);
    gk_numeric_c_leave(&loc);
}
