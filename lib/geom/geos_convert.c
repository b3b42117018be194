/*
 * lib/geom/geos_convert.c - move geometries between the columnar layout and
 * GEOS, in bulk (GEOSCoordSeq_copyFromBuffer_r / copyToBuffer_r: one call
 * per ring, not per vertex).
 */
#include <stdlib.h>

#include "geom_internal.h"
#include "geos_internal.h"

static GEOSCoordSequence *ring_seq(GEOSContextHandle_t h, const gk_geoms_t *g,
                                   int64_t r)
{
    int64_t v0 = g->ring_off[r], n = g->ring_off[r + 1] - v0;
    return GEOSCoordSeq_copyFromBuffer_r(h, g->xy + 2 * v0, (unsigned)n, 0, 0);
}

static GEOSGeometry *make_part(GEOSContextHandle_t h, const gk_geoms_t *g,
                               int64_t p, gk_geom_type_t base)
{
    int64_t r0 = g->part_off[p], r1 = g->part_off[p + 1];
    if (r0 == r1)
        return NULL;
    if (base == GK_GEOM_POINT) {
        GEOSCoordSequence *s = ring_seq(h, g, r0);
        return s ? GEOSGeom_createPoint_r(h, s) : NULL;
    }
    if (base == GK_GEOM_LINESTRING) {
        GEOSCoordSequence *s = ring_seq(h, g, r0);
        return s ? GEOSGeom_createLineString_r(h, s) : NULL;
    }
    GEOSCoordSequence *s = ring_seq(h, g, r0);
    GEOSGeometry *shell = s ? GEOSGeom_createLinearRing_r(h, s) : NULL;
    if (!shell)
        return NULL;
    size_t nholes = (size_t)(r1 - r0 - 1);
    GEOSGeometry **holes = nholes ? calloc(nholes, sizeof *holes) : NULL;
    if (nholes && !holes) {
        GEOSGeom_destroy_r(h, shell);
        return NULL;
    }
    for (size_t k = 0; k < nholes; k++) {
        GEOSCoordSequence *hs = ring_seq(h, g, r0 + 1 + (int64_t)k);
        holes[k] = hs ? GEOSGeom_createLinearRing_r(h, hs) : NULL;
        if (!holes[k]) {
            for (size_t j = 0; j < k; j++)
                GEOSGeom_destroy_r(h, holes[j]);
            free(holes);
            GEOSGeom_destroy_r(h, shell);
            return NULL;
        }
    }
    GEOSGeometry *poly =
        GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nholes);
    free(holes);
    return poly;
}

GEOSGeometry *gk_geos_from_feature(GEOSContextHandle_t h, const gk_geoms_t *g,
                                   size_t i)
{
    gk_geom_type_t t = (gk_geom_type_t)g->types[i];
    gk_geom_type_t base = gk_geom_type_base(t);
    int64_t p0 = g->geom_off[i], p1 = g->geom_off[i + 1];
    if (t == GK_GEOM_NONE || p0 == p1)
        return GEOSGeom_createEmptyCollection_r(h, GEOS_GEOMETRYCOLLECTION);
    if (t == base)
        return make_part(h, g, p0, base);
    size_t n = (size_t)(p1 - p0);
    GEOSGeometry **parts = calloc(n, sizeof *parts);
    if (!parts)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        parts[k] = make_part(h, g, p0 + (int64_t)k, base);
        if (!parts[k]) {
            for (size_t j = 0; j < k; j++)
                GEOSGeom_destroy_r(h, parts[j]);
            free(parts);
            return NULL;
        }
    }
    int gt = t == GK_GEOM_MULTIPOINT        ? GEOS_MULTIPOINT
             : t == GK_GEOM_MULTILINESTRING ? GEOS_MULTILINESTRING
                                            : GEOS_MULTIPOLYGON;
    GEOSGeometry *m = GEOSGeom_createCollection_r(h, gt, parts, (unsigned)n);
    free(parts);
    return m;
}

static bool append_seq(GEOSContextHandle_t h, gk_geomcol_t *c,
                       const GEOSGeometry *ring)
{
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    if (!s || !GEOSCoordSeq_getSize_r(h, s, &n) || !gk_geomcol_begin_ring(c))
        return false;
    for (unsigned k = 0; k < n; k++)
        if (!gk_geomcol_add_xy(c, 0, 0))
            return false;
    return GEOSCoordSeq_copyToBuffer_r(h, s, c->xy + 2 * (c->nverts - n), 0,
                                       0) != 0;
}

static bool append_polygon(GEOSContextHandle_t h, gk_geomcol_t *c,
                           const GEOSGeometry *poly)
{
    if (GEOSisEmpty_r(h, poly))
        return true;
    if (!gk_geomcol_begin_part(c) ||
        !append_seq(h, c, GEOSGetExteriorRing_r(h, poly)))
        return false;
    int nh = GEOSGetNumInteriorRings_r(h, poly);
    for (int k = 0; k < nh; k++)
        if (!append_seq(h, c, GEOSGetInteriorRingN_r(h, poly, k)))
            return false;
    return true;
}

bool gk_geos_append_polygonal(GEOSContextHandle_t h, gk_geomcol_t *c,
                              const GEOSGeometry *geom)
{
    if (!gk_geomcol_begin_geom(c, GK_GEOM_MULTIPOLYGON))
        return false;
    int type = GEOSGeomTypeId_r(h, geom);
    if (type == GEOS_POLYGON)
        return append_polygon(h, c, geom);
    int n = GEOSGetNumGeometries_r(h, geom);
    for (int k = 0; k < n; k++) {
        const GEOSGeometry *sub = GEOSGetGeometryN_r(h, geom, k);
        if (GEOSGeomTypeId_r(h, sub) == GEOS_POLYGON &&
            !append_polygon(h, c, sub))
            return false;
    }
    return true;
}
