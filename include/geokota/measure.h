/*
 * geokota/measure.h - areas, perimeters and lengths, exact and fast.
 *
 * Two families of kernels on raw coordinate arrays (xy interleaved, as in
 * gk_geoms_t):
 * - planar: coordinates in a projected CRS, results in CRS units (squared);
 * - geodesic: x = longitude, y = latitude in degrees on an ellipsoid,
 *   results in metres and square metres, measured on the ellipsoid along
 *   geodesics (the shortest paths), as Karney's algorithm does.
 *
 * The geodesic kernels take a fast path (a local series, no trigonometry
 * per vertex) wherever its proven error bound is below the accuracy stated
 * below, and fall back to Karney's algorithm (PROJ's geod_polygonarea and
 * geod_inverse) elsewhere, so every result carries the stated accuracy:
 * - ring area: within max(1e-9 * |area|, 1e-4 m^2) of the exact ellipsoidal
 *   area for rings whose fast path applies (edges up to a few km, latitude
 *   within +-85 degrees, extent under a degree), and Karney's accuracy
 *   otherwise (about 1e-9 relative with an absolute floor of a few 1e-4 m^2);
 * - line length: within 1e-10 relative per edge on the fast path (edges
 *   under 10 km), Karney's accuracy (nanometres) otherwise.
 * See lib/measure/geodesic_fast.c for the method and the error bound.
 *
 * Kernels never fail, never allocate and need no context; a NaN or infinite
 * coordinate gives NaN. Rings may be given closed (first == last) or open.
 */
#ifndef GEOKOTA_MEASURE_H
#define GEOKOTA_MEASURE_H

#include <stddef.h>

#include "geokota/common.h"
#include "geokota/geom.h"
#include "geokota/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup ellipsoid Ellipsoids
 * @{
 */
/** An ellipsoid of revolution: equatorial radius @p a in metres and
 *  flattening @p f (0 for a sphere; 1/298.257223563 for WGS84). */
typedef struct gk_ellipsoid {
    double a;
    double f;
} gk_ellipsoid_t;

/** The WGS84 ellipsoid (a = 6378137 m, f = 1/298.257223563). @since 0.1 */
GK_API gk_ellipsoid_t gk_ellipsoid_wgs84(void);
/** @} */

/**
 * @defgroup planar Planar kernels
 * @{
 */
/**
 * Signed area of a ring in the plane (shoelace formula), in squared CRS
 * units; counter-clockwise (x east, y north) is positive.
 *
 * Coordinates are taken relative to the first vertex, so rings far from the
 * CRS origin (UTM northings of 9.3e6 m) lose no precision: the rounding
 * error is about n * 1e-16 * (ring extent)^2.
 *
 * @param[in] xy  2 * @p n interleaved coordinates; closed or open ring
 * @param[in] n   number of vertices; fewer than 3 gives 0
 * @return signed area; NaN if a coordinate is NaN or infinite
 * @since 0.1
 */
GK_API double gk_ring_area_planar(const double *xy, size_t n);

/**
 * Length of a polyline in the plane, in CRS units (sum of the Euclidean
 * lengths of its segments; a closed ring gives its perimeter).
 * @param[in] xy  2 * @p n interleaved coordinates
 * @param[in] n   number of vertices; fewer than 2 gives 0
 * @return length; NaN if a coordinate is NaN or infinite
 * @since 0.1
 */
GK_API double gk_line_length_planar(const double *xy, size_t n);
/** @} */

/**
 * @defgroup geodesic Geodesic kernels
 * @{
 */
/** Precomputed series tables of one ellipsoid (about 140 kB). Read-only
 *  after creation: any number of threads may use one at once. */
typedef struct gk_geodesic gk_geodesic_t;

/**
 * Build the tables for ellipsoid @p e (about a millisecond).
 * @param[in]  ctx  context for the error message; may be NULL
 * @param[in]  e    a > 0 and finite, 0 <= f < 0.1 (oblate or a sphere)
 * @param[out] out  the new object, freed with gk_geodesic_free(); NULL on
 *                  failure
 * @return GK_OK; GK_ERR_ARG for a NULL @p out or an ellipsoid outside that
 *         range; GK_ERR_NOMEM.
 * @since 0.1
 */
GK_API gk_status_t gk_geodesic_new(gk_context_t *ctx, gk_ellipsoid_t e,
                                   gk_geodesic_t **out);

/** Free the tables. NULL is a no-op. @since 0.1 */
GK_API void gk_geodesic_free(gk_geodesic_t *g);

/** The ellipsoid @p g was built for. @since 0.1 */
GK_API gk_ellipsoid_t gk_geodesic_ellipsoid(const gk_geodesic_t *g);

/**
 * Signed area of a ring of geodesic edges on the ellipsoid, in m^2;
 * counter-clockwise (seen from outside the ellipsoid) is positive, as in
 * geod_polygonarea. Edges cross the antimeridian the short way.
 *
 * @param[in] g       tables from gk_geodesic_new()
 * @param[in] lonlat  2 * @p n interleaved longitude, latitude in degrees;
 *                    closed or open ring; |latitude| <= 90
 * @param[in] n       number of vertices; fewer than 3 gives 0
 * @return signed area (accuracy: see the top of this header); a ring around
 *         a pole gives the area on its left, reduced to within +-half the
 *         ellipsoid's area, as geod_polygonarea does; NaN for a NaN or
 *         infinite coordinate or a latitude beyond +-90.
 * @since 0.1
 */
GK_API double gk_ring_area_geodesic(const gk_geodesic_t *g,
                                    const double *lonlat, size_t n);

/**
 * Length along geodesics of a polyline on the ellipsoid, in metres (a
 * closed ring gives its perimeter).
 * @param[in] g       tables from gk_geodesic_new()
 * @param[in] lonlat  2 * @p n interleaved longitude, latitude in degrees
 * @param[in] n       number of vertices; fewer than 2 gives 0
 * @return length, within 1e-10 relative of Karney's; NaN for a NaN or
 *         infinite coordinate or a latitude beyond +-90.
 * @since 0.1
 */
GK_API double gk_line_length_geodesic(const gk_geodesic_t *g,
                                      const double *lonlat, size_t n);
/** @} */

/**
 * @defgroup measure Measuring many features
 * @{
 */
typedef enum gk_measure_method {
    GK_MEASURE_PLANAR = 1,   /**< in the plane of a projected CRS */
    GK_MEASURE_GEODESIC = 2, /**< on the ellipsoid, lon/lat degrees */
} gk_measure_method_t;

/** Options for gk_measure_geoms(). */
typedef struct gk_measure_opts {
    gk_measure_method_t method;
    const gk_geodesic_t *geodesic; /**< required for GK_MEASURE_GEODESIC */
    double unit_to_m; /**< PLANAR: metres per CRS unit; 0 means 1 */
} gk_measure_opts_t;

/**
 * Area, perimeter and length of every feature of @p g.
 *
 * Per feature: area = sum over polygon parts of (|exterior| - sum |holes|),
 * in m^2 (0 for points and lines); perimeter = sum of the lengths of all
 * polygon rings, in m (0 for points and lines); length = sum of the lengths
 * of all lines, in m (0 for polygons and points). Features of type
 * GK_GEOM_NONE get 0.
 *
 * @param[in]  ctx          context for the error message; may be NULL
 * @param[in]  g            the features (borrowed)
 * @param[in]  opts         method and its parameters (borrowed)
 * @param[out] area_m2      g->ngeoms values, or NULL
 * @param[out] perimeter_m  g->ngeoms values, or NULL
 * @param[out] length_m     g->ngeoms values, or NULL
 * @return GK_OK; GK_ERR_ARG for a NULL @p g or @p opts, an unknown method,
 *         a GEODESIC method without tables, or a negative or non-finite
 *         unit_to_m; GK_ERR_INPUT_NAN for a NaN or infinite coordinate
 *         ("feature i, ring r, vertex v: ..."); GK_ERR_INPUT_VALUE for a
 *         latitude beyond +-90 (GEODESIC). On failure the output arrays are
 *         not written.
 * @since 0.1
 */
GK_API gk_status_t gk_measure_geoms(gk_context_t *ctx, const gk_geoms_t *g,
                                    const gk_measure_opts_t *opts,
                                    double *area_m2, double *perimeter_m,
                                    double *length_m);
/** @} */

/**
 * @defgroup measure_layer Measuring a layer
 * @{
 */
/** Options for gk_measure_layer(); zero means defaults. */
typedef struct gk_measure_layer_opts {
    /** 0: geodesic for geographic CRSs, planar for projected ones.
     *  GK_MEASURE_GEODESIC on projected data measures it on the ellipsoid of
     *  its datum (coordinates are transformed once, in bulk). */
    gk_measure_method_t method;
    /** The user wants true ground area: warn when measuring in the plane of
     *  a CRS that is not equal-area. */
    bool ground_area;
    /** Measure the valid features and list the invalid ones, instead of
     *  failing on the first. */
    bool skip_invalid;
    /** Skip the GEOS validity check (self-intersections). */
    bool skip_geos;
} gk_measure_layer_opts_t;

/** Per-feature measurements and totals; free with gk_measure_result_free(). */
typedef struct gk_measure_result {
    size_t n;             /**< features in the layer */
    double *area_m2;      /**< n values; NaN for skipped invalid features */
    double *perimeter_m;  /**< n values */
    double *length_m;     /**< n values */
    bool *invalid;        /**< n flags */
    size_t num_invalid;   /**< features skipped (skip_invalid) */
    char *problems;       /**< one line per skipped feature, or NULL */
    double total_area_m2, total_perimeter_m, total_length_m;
    size_t count;         /**< features measured */
    gk_measure_method_t method;
    char crs[128];        /**< authority code or name of the layer's CRS */
} gk_measure_result_t;

/**
 * Validate and measure every feature of @p layer (which must have a CRS:
 * see gk_layer_require_crs()). Totals are compensated sums.
 * @return GK_OK; the validation error of the first invalid feature (unless
 *         skip_invalid); GK_ERR_CRS for planar measurement of lon/lat data.
 */
GK_API gk_status_t gk_measure_layer(gk_context_t *ctx,
                                    const gk_layer_t *layer,
                                    const gk_measure_layer_opts_t *opts,
                                    gk_measure_result_t **out);
GK_API void gk_measure_result_free(gk_measure_result_t *result);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_MEASURE_H */
