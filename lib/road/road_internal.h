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
/* Append ring r of g to dst with points inserted so that no edge is longer
 * than GK_CORRIDOR_DENSIFY_M; false when memory runs out. */
bool gk_corridor_densify_ring(gk_geomcol_t *dst, const gk_geoms_t *g,
                              int64_t r);
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
    double lat0;         /* its latitude of origin (degrees) */
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

/* Ground area in the local transverse Mercator plane (corridor_area.c).
 * Points are taken relative to the origin (x0, y0) of one road, so that
 * areas of small pieces keep their digits. */
typedef struct gk_tm_area {
    double x0, y0; /* origin of the local coordinates (plane m) */
    double inv_q;  /* 1 / (rho nu) at the road's latitude (1/m^2) */
} gk_tm_area_t;

/* The weights for a road centred at plane (x0, y0), in the plane of `c`. */
gk_tm_area_t gk_tm_area_at(const gk_corridors_t *c, double x0, double y0);

/* Ground (ellipsoid) area of the plane polygon xy (n vertices, local
 * coordinates, not closed; counter-clockwise positive), in m2: the
 * integral of 1/k^2 over it, k the transverse Mercator's point scale. See
 * corridor_area.c for the error bound. */
double gk_tm_ground_area(const gk_tm_area_t *t, const double *xy, size_t n);

/* Cut a simple ring of n vertices (not closed; either orientation) into
 * counter-clockwise triangles, 6 doubles each, into `tri` (room for n - 2
 * triangles); `link` is scratch for 2 n ints. Returns the number of
 * triangles, or 0 when the ring cannot be cut (not simple, too degenerate):
 * the caller then uses GEOS. The triangles' areas are checked to sum to the
 * ring's area. */
size_t gk_ring_triangulate(const double *xy, size_t n, double *tri,
                           int32_t *link);

/* One piece of an earlier corridor near the triangle being measured: a
 * counter-clockwise triangle in local coordinates, with its road. */
typedef struct gk_piece {
    double xy[6];
    double box[4];
    int64_t road;
} gk_piece_t;

/* Area on the ground of triangle `tri` (local coordinates, CCW) covered by
 * the union of `pieces` (np, grouped by road in ascending order; the
 * pieces of one road do not overlap), by inclusion and exclusion over the
 * roads with convex clipping. At most *budget clippings are done (the
 * budget is decreased); returns NaN when it runs out. */
double gk_tm_covered_area(const gk_tm_area_t *t, const double *tri,
                          const gk_piece_t *pieces, size_t np,
                          long *budget);

#endif /* GK_ROAD_INTERNAL_H */
