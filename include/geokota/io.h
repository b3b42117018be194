/*
 * geokota/io.h - reading vector data (any OGR source) into the columnar
 * model, describing sources, and writing GeoJSON and CSV atomically.
 */
#ifndef GEOKOTA_IO_H
#define GEOKOTA_IO_H

#include <stdio.h>

#include "geokota/common.h"
#include "geokota/crs.h"
#include "geokota/geom.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup layer Layers: features with geometry, attributes and a CRS
 * @{
 */
typedef struct gk_layer gk_layer_t;

typedef enum gk_field_type {
    GK_FIELD_INT = 1,    /**< 64-bit integer */
    GK_FIELD_DOUBLE = 2, /**< double */
    GK_FIELD_STRING = 3, /**< UTF-8 text (dates and other types as text) */
} gk_field_type_t;

/** Options for gk_layer_read(); zero (or NULL) means all defaults. */
typedef struct gk_read_opts {
    const char *layer; /**< layer name; NULL: the first layer */
    const char *where; /**< OGR SQL attribute filter; NULL: none */
    bool drop_z;       /**< ignore Z values even when present */
} gk_read_opts_t;

/**
 * Read every feature of one layer of a vector source (GeoJSON, Shapefile,
 * GeoPackage, CSV with WKT, anything OGR opens) into a new layer.
 *
 * Geometries are read as they are: nothing is repaired or dropped, so that
 * gk_layer_validate() can report the problems. Curved geometries are
 * linearised by OGR. Coordinates keep the source's x, y order, which for
 * geographic CRSs is longitude, latitude.
 *
 * @param[out] out  the new layer, freed with gk_layer_free(); NULL on failure
 * @return GK_OK; GK_ERR_IO if the file does not exist or cannot be read;
 *         GK_ERR_FORMAT if OGR cannot open it as vector data;
 *         GK_ERR_INPUT if the layer does not exist or the filter is invalid
 *         (the message lists the layers); GK_ERR_UNSUPPORTED for geometry
 *         collections; GK_ERR_CRS for an unusable CRS; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_layer_read(gk_context_t *ctx, const char *path,
                                 const gk_read_opts_t *opts, gk_layer_t **out);

/**
 * A new layer holding a copy of @p geoms, with feature ids 0..n-1, no
 * attributes, and a copy of @p crs (which may be NULL).
 */
GK_API gk_status_t gk_layer_from_geoms(gk_context_t *ctx, const char *name,
                                       const gk_geoms_t *geoms,
                                       const gk_crs_t *crs, gk_layer_t **out);

/** Free a layer. NULL is a no-op. */
GK_API void gk_layer_free(gk_layer_t *layer);

/** The geometries, as a view valid while the layer lives unchanged. */
GK_API gk_geoms_t gk_layer_geoms(const gk_layer_t *layer);
GK_API size_t gk_layer_num_features(const gk_layer_t *layer);
/** The source's feature id (OGR FID) of feature @p i. */
GK_API int64_t gk_layer_fid(const gk_layer_t *layer, size_t i);
/** Layer name and the path it was read from ("" when built in memory). */
GK_API const char *gk_layer_name(const gk_layer_t *layer);
GK_API const char *gk_layer_source(const gk_layer_t *layer);
/** The layer's CRS, or NULL when the source declares none. Owned by the
 *  layer. */
GK_API const gk_crs_t *gk_layer_crs(const gk_layer_t *layer);

GK_API size_t gk_layer_num_fields(const gk_layer_t *layer);
GK_API const char *gk_layer_field_name(const gk_layer_t *layer, size_t field);
GK_API gk_field_type_t gk_layer_field_type(const gk_layer_t *layer,
                                           size_t field);
/** Index of the field named @p name (exact match, then case-insensitive),
 *  or -1. */
GK_API int gk_layer_field_index(const gk_layer_t *layer, const char *name);
GK_API bool gk_layer_is_null(const gk_layer_t *layer, size_t field, size_t i);
/** Values; a NULL value reads as 0, NaN or NULL. Integer fields also read
 *  as double and numeric text as numbers; gk_layer_get_string() returns
 *  the text of string fields only (NULL for other types), owned by the
 *  layer. */
GK_API int64_t gk_layer_get_int(const gk_layer_t *layer, size_t field,
                                size_t i);
GK_API double gk_layer_get_double(const gk_layer_t *layer, size_t field,
                                  size_t i);
GK_API const char *gk_layer_get_string(const gk_layer_t *layer, size_t field,
                                       size_t i);

/**
 * Give the layer a CRS (mutates): @p definition is anything
 * gk_crs_from_string() accepts. Used to assign a CRS to a source that has
 * none, or to override a wrong one (coordinates are not transformed).
 */
GK_API gk_status_t gk_layer_set_crs(gk_context_t *ctx, gk_layer_t *layer,
                                    const char *definition);

/**
 * Make sure the layer has a usable CRS before measuring. A layer without one
 * whose coordinates all lie within longitude/latitude bounds is taken as
 * WGS 84 longitude/latitude (OGC:CRS84), with a warning through the logger;
 * otherwise GK_ERR_CRS says that coordinates such as "500000, 9300000" need
 * an explicit CRS.
 */
GK_API gk_status_t gk_layer_require_crs(gk_context_t *ctx, gk_layer_t *layer);

/** Append a double column (one value per feature; NaN writes null). */
GK_API gk_status_t gk_layer_add_double_field(gk_context_t *ctx,
                                             gk_layer_t *layer,
                                             const char *name,
                                             const double *values);
/** Append a text column (copied): one UTF-8 string per feature, NULL for
 *  null. @return GK_OK, GK_ERR_ARG, GK_ERR_NOMEM (the layer then has the
 *  column with the values copied so far; free it). */
GK_API gk_status_t gk_layer_add_string_field(gk_context_t *ctx,
                                             gk_layer_t *layer,
                                             const char *name,
                                             const char *const *values);

/** Replace the feature ids (mutates; one per feature): a layer built in
 *  memory from part of a source keeps the source's ids, which name the
 *  features in messages and reports (e.g. the road ids of an estimate).
 *  @return GK_OK, GK_ERR_ARG. */
GK_API gk_status_t gk_layer_set_fids(gk_context_t *ctx, gk_layer_t *layer,
                                     const int64_t *fids);
/** @} */

/**
 * @defgroup validate Validation
 * @{
 */
/** What gk_layer_validate() checks; zero means everything. */
typedef struct gk_validate_opts {
    bool skip_geos; /**< skip GEOS validity (self-intersections etc.) */
} gk_validate_opts_t;

/**
 * Check every feature: non-finite coordinates, empty geometries, lines with
 * fewer than two points, rings that are not closed or have fewer than four
 * points, and (with GEOS) self-intersections and other invalid polygons.
 *
 * @param[out] bad  if not NULL, receives a new array of one flag per
 *                  feature (true = invalid), freed with gk_free().
 * @return GK_OK when every feature is valid; otherwise the code of the
 *         first problem, with a message naming source, layer, feature id,
 *         ring and vertex. *bad is filled in either case.
 */
GK_API gk_status_t gk_layer_validate(gk_context_t *ctx,
                                     const gk_layer_t *layer,
                                     const gk_validate_opts_t *opts,
                                     bool **bad);

/**
 * The reason feature @p i is invalid, or NULL when it is valid: a new
 * string freed with gk_free(), e.g. "ring 0 not closed (first 106.63,-6.17
 * != last 106.64,-6.18)". Uses the context's GEOS handle.
 */
GK_API char *gk_layer_feature_problem(gk_context_t *ctx,
                                      const gk_layer_t *layer, size_t i,
                                      const gk_validate_opts_t *opts,
                                      gk_status_t *code);
/** @} */

/**
 * @defgroup source Describing a source (for `geokota info`)
 * @{
 */
typedef struct gk_layer_info {
    const char *name;
    int64_t feature_count; /**< -1 when the driver cannot count cheaply */
    const char *geometry_type; /**< e.g. "Polygon", "LineString", "Unknown" */
    const char *crs_name;      /**< "" when none */
    const char *crs_authority; /**< e.g. "EPSG:4326", "" when none */
    bool has_extent;
    gk_box_t extent;
    size_t num_fields;
    const char *const *field_names;
    const char *const *field_types; /**< "Integer", "Real", "String"... */
} gk_layer_info_t;

typedef struct gk_source_info gk_source_info_t;

/** Describe a vector source without reading its features.
 *  @param[out] out freed with gk_source_info_free(). */
GK_API gk_status_t gk_source_describe(gk_context_t *ctx, const char *path,
                                      gk_source_info_t **out);
GK_API void gk_source_info_free(gk_source_info_t *info);
GK_API const char *gk_source_driver(const gk_source_info_t *info);
GK_API size_t gk_source_num_layers(const gk_source_info_t *info);
GK_API const gk_layer_info_t *gk_source_layer(const gk_source_info_t *info,
                                              size_t i);
/** @} */

/**
 * @defgroup write Writing
 * @{
 */
/**
 * Write @p n bytes to @p path atomically: into a temporary file in the same
 * folder, flushed to disk, then renamed over the target. Readers see the old
 * file or the new one, never a half-written one; on failure the target is
 * untouched and the temporary file removed.
 * @return GK_OK or GK_ERR_IO naming the path and the system's reason.
 */
GK_API gk_status_t gk_write_file_atomic(gk_context_t *ctx, const char *path,
                                        const void *data, size_t n);

/** Write a layer as GeoJSON (RFC 7946 text; a "crs" member is added when
 *  the CRS is not longitude/latitude WGS 84), atomically. */
GK_API gk_status_t gk_layer_write_geojson(gk_context_t *ctx,
                                          const gk_layer_t *layer,
                                          const char *path);
/** Write a layer as CSV with a WKT geometry column first, atomically. */
GK_API gk_status_t gk_layer_write_csv(gk_context_t *ctx,
                                      const gk_layer_t *layer,
                                      const char *path);

/** Format @p v with the fewest digits that read back to the same double
 *  ("0.1", "300", "1e-09"; "null" for NaN/Inf). Returns the length. */
GK_API int gk_format_double(char buf[32], double v);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_IO_H */
