/*
 * lib/geom/geos_internal.h - conversions between the columnar layout and
 * GEOS geometries (reentrant API only).
 */
#ifndef GK_GEOS_INTERNAL_H
#define GK_GEOS_INTERNAL_H

#include <geos_c.h>

#include "geom_internal.h"

/* A new GEOS geometry for feature i (an empty collection for an empty
 * feature); NULL when GEOS refuses it (e.g. a ring with 1-3 points) or
 * memory runs out. The caller destroys it with GEOSGeom_destroy_r. */
GEOSGeometry *gk_geos_from_feature(GEOSContextHandle_t h, const gk_geoms_t *g,
                                   size_t i);

/* Append the polygons of a Polygon, MultiPolygon or collection as one
 * MultiPolygon feature (non-polygonal members are ignored). */
bool gk_geos_append_polygonal(GEOSContextHandle_t h, gk_geomcol_t *c,
                              const GEOSGeometry *geom);

#endif /* GK_GEOS_INTERNAL_H */
