/*
 * lib/road/road_internal.h - what the corridor files share: the layout of
 * gk_corridors_t, and the reference (one-thread, all-GEOS) share
 * computation that the fast path is tested against.
 */
#ifndef GK_ROAD_INTERNAL_H
#define GK_ROAD_INTERNAL_H

#include "crs/crs_internal.h"
#include "geokota/measure.h"
#include "geokota/road.h"
#include "geom/geom_internal.h"

/* Edges of share polygons are cut to at most this length (m in the plane)
 * before they go back to longitude/latitude, so that straight plane edges
 * and geodesics enclose the same area (see corridor.c). */
#define GK_CORRIDOR_DENSIFY_M 50.0
/* GEOS mitre limit of the corridor joins (ratio of the mitre length to the
 * half width); sharper bends are bevelled there. */
#define GK_CORRIDOR_MITRE_LIMIT 5.0

struct gk_corridors {
    gk_geomcol_t plane; /* centerlines in the local plane (copied) */
    bool *skip;         /* features left out */
    double *length_m;   /* geodesic lengths */
    double *scale;      /* projection scale at each road */
    gk_crs_t *geo;      /* geographic CRS of the data */
    gk_crs_t *plane_crs; /* the local transverse Mercator */
    gk_transform_t *to_plane;
    gk_geodesic_t *geod;
    char label[512];
    int64_t *fids;
};

/* The shares computed the original way, kept as the test oracle of the fast
 * path (tests/road/test_corridor_fast.c) and as the bench's baseline: one
 * thread, GEOS buffer per road, then per road GEOSPreparedIntersects with
 * the earlier corridors, GEOSUnaryUnion of those and GEOSDifference; share
 * polygons densified and measured on the ellipsoid. Same contract as
 * gk_corridors_shares(). */
gk_status_t gk_corridors_shares_reference(gk_context_t *ctx,
                                          const gk_corridors_t *c,
                                          const double *half_width_m,
                                          double *share_m2,
                                          gk_layer_t **polygons);

#endif /* GK_ROAD_INTERNAL_H */
