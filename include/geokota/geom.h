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

/** Bounding box of feature @p i of a view: every vertex of every part and
 *  ring; a box of NaNs for a feature without geometry. Cannot fail. */
GK_API gk_box_t gk_geoms_feature_box(const gk_geoms_t *g, size_t i);

/** Base type of a (multi) type: MULTIPOLYGON -> POLYGON. */
static inline gk_geom_type_t gk_geom_type_base(gk_geom_type_t t)
{
    return t >= GK_GEOM_MULTIPOINT ? (gk_geom_type_t)(t - 3) : t;
}

/**
 * @defgroup geomcol Owned collections, layout checks and WKB
 * @{
 */

/** An owned collection of geometries in the columnar layout; read it through
 *  gk_geomcol_geoms(). Read-only after creation: any number of threads may
 *  read one at once. */
typedef struct gk_geomcol gk_geomcol_t;

/**
 * Parse @p n Well-Known Binary geometries into a new collection, one feature
 * per buffer, in order.
 *
 * Accepts OGC/ISO WKB and PostGIS EWKB in either byte order (each nested
 * geometry may use its own): Point, LineString, Polygon, MultiPoint,
 * MultiLineString and MultiPolygon, 2D, Z (ISO 1000+ codes or the EWKB Z
 * flag), M and ZM (M values are dropped); an EWKB SRID is skipped. Z values
 * are kept (the collection's z array then covers every vertex, NaN where a
 * geometry had none). Empty geometries (no vertices, a point written as
 * NaN, NaN, or an empty GeometryCollection) and NULL buffers become
 * GK_GEOM_NONE features with no parts;
 * empty members of a Multi* are dropped. Coordinates are copied as read:
 * NaN or infinite values are left for gk_measure_geoms() to report.
 *
 * Memory: at most a small multiple of the input size, whatever the counts
 * in the input claim (every count is checked against the bytes left).
 *
 * @param[in]  ctx  context for the error message; may be NULL
 * @param[in]  wkb  @p n pointers to the buffers (borrowed); a NULL entry is a
 *                  missing geometry
 * @param[in]  len  @p n buffer lengths in bytes; each buffer must hold exactly
 *                  one geometry (trailing bytes are an error)
 * @param[in]  n    number of geometries
 * @param[out] out  the new collection, freed with gk_geomcol_free(); NULL on
 *                  failure
 * @return GK_OK; GK_ERR_ARG for a NULL @p out, or NULL @p wkb or @p len with
 *         n > 0; GK_ERR_INPUT_INVALID for malformed WKB (truncated, bad
 *         byte-order mark, unknown type, Multi* member of the wrong type,
 *         trailing bytes), the message naming the geometry and byte offset;
 *         GK_ERR_UNSUPPORTED for a non-empty GeometryCollection and curved
 *         types;
 *         GK_ERR_NOMEM.
 * @since 0.1
 */
GK_API gk_status_t gk_geomcol_from_wkb(gk_context_t *ctx,
                                       const uint8_t *const *wkb,
                                       const size_t *len, size_t n,
                                       gk_geomcol_t **out);

/** The collection as a view, valid while @p c lives. @since 0.1 */
GK_API gk_geoms_t gk_geomcol_geoms(const gk_geomcol_t *c);

/** Free a collection. NULL is a no-op. @since 0.1 */
GK_API void gk_geomcol_free(gk_geomcol_t *c);

/**
 * Check that a view built over foreign arrays (numpy, Arrow) is safe to
 * read: every type is a gk_geom_type_t; the offsets used are non-decreasing
 * and within the arrays; GK_GEOM_NONE features have no parts, single types
 * at most one part, point parts one ring of one vertex, line parts one ring.
 * Offsets need not start at 0 (sliced arrays). Coordinates are not looked at.
 *
 * @param[in] ctx     context for the error message; may be NULL
 * @param[in] g       the view (borrowed)
 * @param[in] nparts  entries in g->part_off minus one
 * @param[in] nrings  entries in g->ring_off minus one
 * @param[in] nverts  vertices in g->xy (and g->z when not NULL)
 * @return GK_OK; GK_ERR_ARG for a NULL @p g or a NULL array;
 *         GK_ERR_INPUT_INVALID naming the first bad geometry and offset.
 * @since 0.1
 */
GK_API gk_status_t gk_geoms_check(gk_context_t *ctx, const gk_geoms_t *g,
                                  size_t nparts, size_t nrings,
                                  size_t nverts);

/**
 * Write feature @p i of @p g as little-endian ISO WKB (with Z, type codes
 * 1001..1006, when g->z is not NULL), following snprintf: writes at most
 * @p cap bytes to @p buf and returns the size the geometry needs, so call
 * once with cap 0 to size the buffer. A GK_GEOM_NONE feature returns 0
 * (write a null). The view must have passed gk_geoms_check() or come from
 * geokota. Never fails, never allocates.
 * @since 0.1
 */
GK_API size_t gk_geoms_feature_wkb(const gk_geoms_t *g, size_t i,
                                   uint8_t *buf, size_t cap);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_GEOM_H */
