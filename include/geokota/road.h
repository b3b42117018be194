/*
 * geokota/road.h - road corridors: the paved surface built from centerlines
 * and widths, with junctions counted once.
 */
#ifndef GEOKOTA_ROAD_H
#define GEOKOTA_ROAD_H

#include "geokota/common.h"
#include "geokota/estimate.h"
#include "geokota/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup corridor Corridors
 *
 * A corridor is the surface of a road: the centerline widened by a half
 * width on each side, with flat ends and mitred bends (so that a bend's
 * inner overlap and outer gain cancel and a single road's area is exactly
 * length x width). It is built in a local transverse Mercator plane centred
 * on the data, with each road's width scaled by the projection's scale at
 * the road, then brought back to longitude/latitude and measured on the
 * ellipsoid (gk_measure), so that a 100 m x 3 m road is 300 m2 wherever it
 * lies (to about (L/R)^2/12 relative for a road L long, 2e-9 at 1 km).
 *
 * Junctions count once: each road's share is the part of its corridor that
 * no earlier road (in input order) covers. Shares therefore sum exactly to
 * the area of the union, and a junction belongs to the road that comes
 * first in the file. A road's share depends only on its own corridor and
 * on the earlier corridors that meet it (subtracted as one union taken in
 * input order), never on the other roads of the layer.
 * @{
 */
typedef struct gk_corridors gk_corridors_t;

/**
 * Prepare the centerlines of @p roads (LineString or MultiLineString
 * features; the layer must have a CRS) for corridor building: transform
 * them once to the local plane and measure their geodesic lengths.
 * Features that are not lines, or that are empty, are refused with
 * GK_ERR_INPUT_GEOM_TYPE / GK_ERR_INPUT_EMPTY naming the feature, unless
 * @p skip is given: then skip[i] = true marks features to leave out (their
 * length and shares are 0).
 * @param[out] out  freed with gk_corridors_free()
 */
GK_API gk_status_t gk_corridors_prepare(gk_context_t *ctx,
                                        const gk_layer_t *roads,
                                        const bool *skip,
                                        gk_corridors_t **out);
/**
 * Same as gk_corridors_prepare() with the centre of the local plane given
 * as @p origin_lonlat = {longitude, latitude} in degrees (of the roads'
 * geographic CRS) instead of the centre of the roads' bounding box; NULL
 * means that default. Corridors prepared with the same origin are the
 * same to the bit whatever other roads the layer holds, which is what makes
 * estimates of parts of a network add up exactly (gk_estimate_opts_t).
 * @since 0.1
 */
GK_API gk_status_t gk_corridors_prepare_at(gk_context_t *ctx,
                                           const gk_layer_t *roads,
                                           const bool *skip,
                                           const double *origin_lonlat,
                                           gk_corridors_t **out);
GK_API void gk_corridors_free(gk_corridors_t *c);

/** Geodesic centerline length of each road, in m (n values). */
GK_API const double *gk_corridors_length_m(const gk_corridors_t *c);

/**
 * Each road's share of the union of corridors of the given half widths
 * (gk_corridors_shares_v2() with the default options: as many threads as
 * online CPUs).
 *
 * Accuracy: without @p polygons, shares are measured in the plane with the
 * projection's exact area scale (error < 1e-9 relative within 30 km of the
 * data's centre, farther roads are measured on the ellipsoid); with
 * @p polygons, each share polygon is densified to 50 m and measured with
 * the geodesic kernels (gk_measure: max(1e-9 A, 5e-4 m2)). The two agree
 * to 1e-8 relative or 1e-5 m2 per road.
 * @param[in]  half_width_m  one per road, > 0 (m on the ground), or 0 to
 *                           leave the road out
 * @param[out] share_m2      one per road: ground area of its corridor not
 *                           covered by earlier roads
 * @param[out] polygons      if not NULL, a new layer (longitude/latitude)
 *                           with each road's share polygon, freed with
 *                           gk_layer_free()
 * @return GK_OK; GK_ERR_INPUT_VALUE for a negative or non-finite width
 *         (naming the feature); GK_ERR_DEP if GEOS fails; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_corridors_shares(gk_context_t *ctx,
                                       const gk_corridors_t *c,
                                       const double *half_width_m,
                                       double *share_m2,
                                       gk_layer_t **polygons);

/** Options of gk_corridors_shares_v2(); zero means the defaults. */
typedef struct gk_corridor_opts {
    /** Threads to build the corridors and shares with: 0 for the number of
     *  online CPUs, 1 for the calling thread only. The results are the same
     *  bit for bit whatever the number (each road is computed alone, by one
     *  thread, and nothing is summed across threads). */
    int threads;
} gk_corridor_opts_t;

/**
 * gk_corridors_shares() with options (@p opts may be NULL: the defaults).
 * The corridors and shares are computed by several threads, each with its
 * own GEOS and PROJ handles; @p c is only read, and the progress callback
 * of @p ctx is called from the calling thread only.
 * Errors: as gk_corridors_shares(); when several roads fail, the message
 * names the first of them in input order.
 */
GK_API gk_status_t gk_corridors_shares_v2(gk_context_t *ctx,
                                          const gk_corridors_t *c,
                                          const double *half_width_m,
                                          const gk_corridor_opts_t *opts,
                                          double *share_m2,
                                          gk_layer_t **polygons);
/** @} */

/**
 * @defgroup width_table Default widths by road class
 * @{
 */
typedef struct gk_width_table gk_width_table_t;

/** Load a CSV of `key,width_m` rows (road classes such as OSM `highway`
 *  values, and "lane" for the width of one lane; '#' starts a comment),
 *  e.g. data/osm_widths.csv. Errors name the file and line.
 *  @param[out] out freed with gk_width_table_free(); read-only after. */
GK_API gk_status_t gk_width_table_load(gk_context_t *ctx, const char *path,
                                       gk_width_table_t **out);
GK_API void gk_width_table_free(gk_width_table_t *table);
/** Width for @p key, or NaN when the table has no such row. */
GK_API double gk_width_table_get(const gk_width_table_t *table,
                                 const char *key);
/** @} */

/**
 * @defgroup estimate_roads The road estimate
 * @{
 */

/** Options of gk_estimate_roads(); zero means the defaults. */
typedef struct gk_estimate_opts {
    /** Folder with materials.json and templates/ (NULL: the installed
     *  data, gk_estimate_default_data_dir()). */
    const char *data_dir;
    /** Catalog to use (borrowed); NULL: DATA_DIR/materials.json. */
    const gk_catalog_t *catalog;
    /** Template for roads without a template attribute (NULL:
     *  "rigid_jalan_lingkungan"). A name in DATA_DIR/templates or a path. */
    const char *template_name;
    /** Width (m) for roads without a width attribute; 0: the template's
     *  default width, or 3 m when it has none. */
    double width_m;
    /** Attribute names (NULL: "width", "template", "name", "shoulder").
     *  shoulder is a paved shoulder per side (m): the structure extends
     *  under it, so the road is width + 2 x shoulder wide. */
    const char *width_field, *template_field, *name_field, *shoulder_field;
    /** Widths for roads without a width attribute, by lanes ("lane" row x
     *  the lanes attribute) or by road class (the class attribute's row);
     *  NULL: none. Borrowed. */
    const gk_width_table_t *width_table;
    /** Attributes for the width table (NULL: "lanes", "highway"). */
    const char *lanes_field, *class_field;
    /** Estimate the valid roads and list the invalid ones as warnings,
     *  instead of failing on the first. */
    bool skip_invalid;
    /** Bill-of-quantities options (waste, concrete supply). */
    gk_boq_options_t boq;
    /** Build the corridors in a local plane centred on (plane_origin_lon,
     *  plane_origin_lat), degrees of the roads' geographic CRS, instead of
     *  the centre of the roads' bounding box (gk_corridors_prepare_at()).
     *  Estimates of parts of one network that pass the whole network's
     *  origin, and that hold, besides the roads of the part, the earlier
     *  roads (in the network's order) that meet them, give per-road
     *  figures equal to the bit to those of the whole: how an estimate is
     *  split into tasks per district and reduced exactly. */
    bool has_plane_origin;
    double plane_origin_lon, plane_origin_lat;
    /** Threads for the corridors (gk_corridor_opts_t.threads): 0 for the
     *  number of online CPUs. The estimate is the same for any number. */
    int threads;
} gk_estimate_opts_t;

/**
 * Estimate the materials to build the roads whose centerlines are in
 * @p roads (LineString/MultiLineString features with a CRS; see
 * gk_layer_require_crs()). Lengths are geodesic; each layer's area is the
 * road's first-come share of the union of corridors at that layer's width,
 * so junctions count once and per-road figures sum to the totals.
 *
 * @param[out] out      the bill of quantities (gk_boq_free())
 * @param[out] surface  if not NULL, a new layer with each road's share of
 *                      the surface, in longitude/latitude (gk_layer_free())
 * @return GK_OK; for an invalid road (unless skip_invalid) the code and a
 *         message naming the feature: GK_ERR_INPUT_VALUE for a zero,
 *         negative or NaN width, GK_ERR_INPUT_GEOM_TYPE for polygons given
 *         instead of lines, GK_ERR_INPUT_TOO_FEW_POINTS, GK_ERR_INPUT_NAN;
 *         GK_ERR_INPUT_FIELD for a named attribute that does not exist; an
 *         unknown template's error; GK_ERR_CRS; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_estimate_roads(gk_context_t *ctx,
                                     const gk_layer_t *roads,
                                     const gk_estimate_opts_t *opts,
                                     gk_boq_t **out, gk_layer_t **surface);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_ROAD_H */
