/*
 * geokota/geom.h - the columnar geometry model.
 *
 * Many features live in a handful of flat arrays (the GeoArrow "interleaved"
 * layout), so that hot loops stream contiguous memory and numpy can share the
 * arrays without copies:
 *
 *     feature g  ->  parts   geom_off[g]   .. geom_off[g+1]-1
 *     part p     ->  rings   part_off[p]   .. part_off[p+1]-1
 *     ring r     ->  vertices ring_off[r]  .. ring_off[r+1]-1
 *     vertex v   ->  xy[2v], xy[2v+1] (and z[v] when z is not NULL)
 *
 * Every type uses all three levels, so one loop shape serves all:
 * - Point: one part with one ring of one vertex; MultiPoint: one part per
 *   point.
 * - LineString: one part with one ring (the line); MultiLineString: one part
 *   per line.
 * - Polygon: one part whose first ring is the exterior and the others holes;
 *   MultiPolygon: one part per polygon.
 * - An empty or null geometry has type GK_GEOM_NONE and no parts.
 * Polygon rings are stored closed (first vertex == last vertex), as read.
 */
#ifndef GEOKOTA_GEOM_H
#define GEOKOTA_GEOM_H

#include "geokota/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Geometry types; the numbers are the OGC WKB codes. */
typedef enum gk_geom_type {
    GK_GEOM_NONE = 0,
    GK_GEOM_POINT = 1,
    GK_GEOM_LINESTRING = 2,
    GK_GEOM_POLYGON = 3,
    GK_GEOM_MULTIPOINT = 4,
    GK_GEOM_MULTILINESTRING = 5,
    GK_GEOM_MULTIPOLYGON = 6,
} gk_geom_type_t;

/**
 * A borrowed, read-only view of many geometries in the columnar layout.
 * Plain struct: fill it over your own arrays (e.g. numpy buffers), or get one
 * from an owned collection. Nothing in it is freed by geokota.
 */
typedef struct gk_geoms {
    size_t ngeoms;           /**< number of features */
    const uint8_t *types;    /**< ngeoms gk_geom_type_t values */
    const int64_t *geom_off; /**< ngeoms + 1 offsets into parts */
    const int64_t *part_off; /**< nparts + 1 offsets into rings */
    const int64_t *ring_off; /**< nrings + 1 offsets into vertices */
    const double *xy;        /**< 2 * nverts interleaved coordinates */
    const double *z;         /**< nverts heights, or NULL */
} gk_geoms_t;

/** Number of parts, rings and vertices a view addresses. */
static inline size_t gk_geoms_num_parts(const gk_geoms_t *g)
{
    return (size_t)g->geom_off[g->ngeoms];
}
static inline size_t gk_geoms_num_rings(const gk_geoms_t *g)
{
    return (size_t)g->part_off[gk_geoms_num_parts(g)];
}
static inline size_t gk_geoms_num_vertices(const gk_geoms_t *g)
{
    return (size_t)g->ring_off[gk_geoms_num_rings(g)];
}

/** Base type of a (multi) type: MULTIPOLYGON -> POLYGON. */
static inline gk_geom_type_t gk_geom_type_base(gk_geom_type_t t)
{
    return t >= GK_GEOM_MULTIPOINT ? (gk_geom_type_t)(t - 3) : t;
}

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_GEOM_H */
