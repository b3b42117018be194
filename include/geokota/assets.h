/*
 * geokota/assets.h - the city's asset store: street lights, drains,
 * manholes, trees, bins, CCTV, signs, bridges, schools... kept in one
 * SpatiaLite database (one file, no server; QGIS and ogr2ogr read it), and
 * queried through geokota's own R-tree in true metres on the ellipsoid.
 *
 * The store (schema version GK_ASSETS_SCHEMA_VERSION):
 * - `assets`: fid (integer key), id (text, unique, stable: given by the
 *   source or generated from kind and geometry), kind (one of the store's
 *   kinds), geom (Point/LineString/Polygon or their Multi forms, WGS 84
 *   longitude/latitude, SRID 4326, with SpatiaLite's R*Tree index),
 *   condition, installed (ISO date), district, attrs (JSON object of the
 *   source's other fields), updated (UTC time of the last change).
 * - `asset_kinds`: the kinds the store accepts and the geometry each needs,
 *   loaded from a kinds file (data/asset_kinds.json; a region ships its
 *   own).
 * - `asset_log`: the change log, so no edit is lost. An update is one row
 *   (op 'update': who, when, source, asset_id, the asset's previous values
 *   as JSON and its previous geometry). The assets an import inserts are
 *   one row for the whole import (op 'import', asset_id ''; who, when,
 *   source, and detail = {"inserted": n, "fid_first": a, "fid_last": b,
 *   "ids": [...]}); stores written before schema 3 may also hold one
 *   'insert' row per asset. The history of an asset: the 'import' row
 *   whose ids hold it (or whose fid range holds its fid: geokota never
 *   changes a fid nor deletes a row, so fids are not reused unless another
 *   program deletes rows), then its 'update' rows in seq order, then its
 *   current row in `assets`.
 * - `gk_meta`: schema version, storage CRS, data version (bumped by every
 *   committed change; the in-memory index is rebuilt when it moves).
 *
 * Concurrency: the database runs in WAL mode, so readers never block a
 * writer nor a writer readers; writers take the write lock at the start of
 * their transaction (BEGIN IMMEDIATE) and wait up to the busy timeout for
 * another writer, then fail with GK_ERR_IO naming the file. Every write is
 * one transaction: an import that fails or is killed leaves the store as it
 * was.
 *
 * Distances are true metres on the WGS 84 ellipsoid: the closest points of
 * two geometries are found in a local plane around them and their distance
 * measured along the geodesic (gk_line_length_geodesic). For the city-scale
 * distances these queries are made for (under about 50 km) the result is
 * within 1 mm + 1e-6 x distance of the exact ellipsoidal distance between
 * the geometries (see lib/assets/distance.c).
 *
 * Thread safety: a store handle belongs to one thread at a time (it holds
 * a SQLite connection); open one handle per thread. Result sets are plain
 * read-only data.
 */
#ifndef GEOKOTA_ASSETS_H
#define GEOKOTA_ASSETS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "geokota/common.h"
#include "geokota/estimate.h"
#include "geokota/geom.h"
#include "geokota/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The schema version this library writes; older stores are migrated on
 *  open (unless read-only), newer ones are refused. */
#define GK_ASSETS_SCHEMA_VERSION 3

/** The store; opaque. */
typedef struct gk_assets gk_assets_t;

/**
 * @defgroup assets_store Opening and describing a store
 * @{
 */
/** Flags of gk_assets_open(). */
enum {
    GK_ASSETS_READONLY = 1, /**< no writes, no migration */
    GK_ASSETS_CREATE = 2,   /**< create the file and schema if absent */
};

/**
 * Open (and with GK_ASSETS_CREATE create) the store at @p path: loads
 * SpatiaLite into the connection, switches to WAL, sets a busy timeout of
 * 5 s, checks the schema version and migrates an older schema in one
 * transaction.
 * @param[out] out  the store, closed with gk_assets_close(); NULL on error
 * @return GK_OK; GK_ERR_IO if the file is missing (without CREATE), cannot
 *         be opened or is locked ("city.sqlite: database is locked");
 *         GK_ERR_FORMAT for a file that is not a geokota store (or not
 *         SQLite); GK_ERR_UNSUPPORTED for a schema newer than
 *         GK_ASSETS_SCHEMA_VERSION ("city.sqlite: schema version 9 is
 *         newer than this geokota reads (2)"); GK_ERR_DEP if SpatiaLite
 *         fails; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_assets_open(gk_context_t *ctx, const char *path,
                                  unsigned flags, gk_assets_t **out);

/** Close the store and free its in-memory index. NULL is a no-op. */
GK_API void gk_assets_close(gk_assets_t *store);

/** How long a writer waits for another one before failing, in ms. */
GK_API gk_status_t gk_assets_set_busy_timeout(gk_context_t *ctx,
                                              gk_assets_t *store, int ms);

/**
 * Load the kinds file @p path (JSON: {"kinds":[{"kind":"street_light",
 * "geometry":"point", "label":"Street light", ...}]}, see
 * data/asset_kinds.json) into the store, adding new kinds and updating the
 * geometry and labels of known ones, in one transaction.
 * @return GK_OK; GK_ERR_IO; GK_ERR_FORMAT for bad JSON; GK_ERR_INPUT_FIELD
 *         or GK_ERR_INPUT_VALUE naming the file, line and entry.
 */
GK_API gk_status_t gk_assets_load_kinds(gk_context_t *ctx, gk_assets_t *store,
                                        const char *path);

/** What gk_assets_stats() reports. */
typedef struct gk_assets_stats {
    int schema_version;
    int64_t data_version; /**< bumped by every committed change */
    size_t num_assets;
    size_t num_log;       /**< rows in the change log */
    size_t num_kinds;     /**< kinds the store accepts */
    char **kinds;         /**< their names, sorted */
    size_t *kind_counts;  /**< assets of each kind */
    char **kind_geometry; /**< "point", "line", "polygon" or "any" */
    gk_box_t bounds;      /**< lon/lat box of all assets; NaNs if empty */
    char crs[32];         /**< storage CRS, "EPSG:4326" */
    char spatialite_version[32];
} gk_assets_stats_t;

/** Describe the store. @param[out] out freed with gk_assets_stats_free(). */
GK_API gk_status_t gk_assets_stats(gk_context_t *ctx, gk_assets_t *store,
                                   gk_assets_stats_t **out);
GK_API void gk_assets_stats_free(gk_assets_stats_t *stats);
/** @} */

/**
 * @defgroup assets_import Importing
 * @{
 */
/** How source features become assets; zero means the defaults. */
typedef struct gk_assets_import_opts {
    /** One kind for every feature, or the attribute holding the kind
     *  (its values mapped through the mapping file's "kinds"). One of them,
     *  or a mapping file naming "kind_field", is required. */
    const char *kind;
    const char *kind_field;
    /** Attribute holding the asset id; NULL: ids are generated from the
     *  kind and the geometry (so re-importing the same file gives the same
     *  ids). */
    const char *id_field;
    /** A JSON mapping file: {"kind_field":"use", "id_field":"id",
     *  "kinds":{"education":"school", ...}, "default_kind":"building",
     *  "condition_field":..., "installed_field":..., "district_field":...,
     *  "id_prefix":"osm-"}. Explicit options above override it. */
    const char *mapping_path;
    const char *condition_field, *installed_field, *district_field;
    /** Prefix put before every source id (e.g. "osm-"), or NULL. */
    const char *id_prefix;
    /** Write rejected features (with a "reject_reason" attribute) to this
     *  GeoJSON file, atomically; NULL: only count them. */
    const char *rejects_path;
    /** Fail the whole import (writing nothing) if any feature is
     *  rejected. */
    bool strict;
    /** Recorded in the change log as who made the change (NULL:
     *  "geokota"). */
    const char *who;
} gk_assets_import_opts_t;

/** What an import did. */
typedef struct gk_assets_import_report {
    size_t read;      /**< features in the source */
    size_t inserted;  /**< new assets */
    size_t updated;   /**< existing ids whose data changed */
    size_t unchanged; /**< existing ids with identical data */
    size_t rejected;  /**< features refused (see rejects file) */
    char first_reject[256]; /**< reason of the first reject, or "" */
} gk_assets_import_report_t;

/**
 * Upsert the features of @p layer (any CRS: transformed to lon/lat) as
 * assets, by id, in one transaction: a new id is inserted, a known id with
 * different data updated (its old values go to the change log), a known id
 * with the same data left alone (so re-importing a file changes nothing).
 *
 * A feature is rejected (and the rest imported) when its kind is unknown or
 * unmapped, its id is empty, its id appears more than once in the source
 * (every copy is rejected), its geometry is empty, invalid or of a type its
 * kind does not allow, or its installed date is not an ISO date.
 *
 * @param[out] report  counts (may be NULL)
 * @return GK_OK; GK_ERR_ARG for missing kind options; GK_ERR_INPUT_FIELD
 *         when a named attribute does not exist in the source
 *         ("roads.geojson: no field 'asset_id' (fields: id, name, use)");
 *         GK_ERR_INPUT (with the first reason) when strict and a feature
 *         was rejected; GK_ERR_CRS; GK_ERR_IO when the store is locked or
 *         a write fails ("city.sqlite: database is locked"); GK_ERR_NOMEM.
 *         On any error nothing was written.
 */
GK_API gk_status_t gk_assets_import_layer(gk_context_t *ctx,
                                          gk_assets_t *store,
                                          const gk_layer_t *layer,
                                          const gk_assets_import_opts_t *opts,
                                          gk_assets_import_report_t *report);

/** gk_assets_import_layer() on the first layer of any OGR source. */
GK_API gk_status_t gk_assets_import_file(gk_context_t *ctx, gk_assets_t *store,
                                         const char *path,
                                         const gk_assets_import_opts_t *opts,
                                         gk_assets_import_report_t *report);
/** @} */

/**
 * @defgroup assets_query Queries
 *
 * Queries answer from an in-memory snapshot of the store (geometries,
 * ids, kinds and one geokota R-tree per kind plus one for all, over
 * lon/lat boxes) built on the first query and rebuilt when the store's
 * data version changes; the exact test or distance then runs on the
 * geometries. Other attributes of the hits are read from the database.
 * @{
 */
/** The assets a query found, in the order stated by each query; free with
 *  gk_asset_rows_free(). All arrays have n entries. */
typedef struct gk_asset_rows {
    size_t n;
    char **ids;
    char **kinds;
    char **condition;  /**< NULL entries where unknown */
    char **installed;  /**< NULL entries where unknown */
    char **district;   /**< NULL entries where unknown */
    char **attrs;      /**< JSON object text ("{}" when none) */
    double *distance_m; /**< near/along: metres; within: 0 */
    int64_t *group;    /**< the query feature (road, polygon) the row
                            belongs to, as an index into its layer; -1 for
                            near and bbox queries */
    int64_t *fid;      /**< the store's fid (row id) of each asset */
    gk_geoms_t geoms;  /**< each asset's geometry, lon/lat (view into the
                            result, valid until it is freed) */
    void *priv_;       /**< owned geometry storage; do not touch */
} gk_asset_rows_t;

GK_API void gk_asset_rows_free(gk_asset_rows_t *rows);

/** Write feature @p i of @p g as a GeoJSON geometry object (RFC 7946,
 *  shortest round-trip numbers; "null" for an empty feature). */
GK_API void gk_geojson_write_geometry(FILE *out, const gk_geoms_t *g,
                                      size_t i);

/** Restricts a query to some kinds; zero/NULL means all kinds. */
typedef struct gk_assets_filter {
    const char *const *kinds; /**< nkinds names */
    size_t nkinds;
} gk_assets_filter_t;

/**
 * The @p k assets nearest to the point (@p lon, @p lat) (WGS 84 degrees),
 * by true distance in metres (0 inside a polygon), sorted by distance,
 * ties by id; only those within @p max_m metres when max_m > 0.
 * @return GK_OK (fewer rows when the store has fewer); GK_ERR_ARG for a bad
 *         point or an unknown kind in the filter; GK_ERR_IO; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_assets_near(gk_context_t *ctx, gk_assets_t *store,
                                  double lon, double lat, size_t k,
                                  double max_m,
                                  const gk_assets_filter_t *filter,
                                  gk_asset_rows_t **out);

/**
 * Assets within the polygons of @p polygons (any CRS; transformed to
 * lon/lat), with ST_Within's meaning (GEOS, edges straight in lon/lat; a
 * point on the boundary is not within). An asset within several polygons
 * is listed once per polygon; group = the polygon's feature index. Sorted
 * by group, then id.
 * @return GK_OK; GK_ERR_INPUT_GEOM_TYPE for a layer that is not polygons;
 *         GK_ERR_CRS; GK_ERR_DEP; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_assets_within(gk_context_t *ctx, gk_assets_t *store,
                                    const gk_layer_t *polygons,
                                    const gk_assets_filter_t *filter,
                                    gk_asset_rows_t **out);

/** Assets whose whole geometry lies in the lon/lat box (closed). Sorted by
 *  id. */
GK_API gk_status_t gk_assets_within_box(gk_context_t *ctx, gk_assets_t *store,
                                        gk_box_t box,
                                        const gk_assets_filter_t *filter,
                                        gk_asset_rows_t **out);

/**
 * Assets within @p distance_m metres (true distance, closed) of the lines of
 * @p roads (any CRS), e.g. the street lights and drains a planned road
 * touches. With @p per_road each (road, asset) pair is a row (group = the
 * road's index); otherwise each asset once, with its nearest road. Sorted
 * by group (or nearest road), then distance, then id.
 * @return GK_OK; GK_ERR_INPUT_GEOM_TYPE when a feature is not a line;
 *         GK_ERR_ARG for a negative distance; GK_ERR_CRS; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_assets_along(gk_context_t *ctx, gk_assets_t *store,
                                   const gk_layer_t *roads, double distance_m,
                                   bool per_road,
                                   const gk_assets_filter_t *filter,
                                   gk_asset_rows_t **out);

/** Per-area, per-kind totals; free with gk_assets_summary_free(). The
 *  tables are area-major: entry [a * num_kinds + k]. The last area
 *  (index num_areas - 1) is "(outside)": assets in no polygon. */
typedef struct gk_assets_summary {
    size_t num_areas;   /**< polygons + 1 */
    char **area_names;  /**< the --by-field value, or the feature index */
    size_t num_kinds;   /**< every kind of the store, sorted */
    char **kinds;
    size_t *count;      /**< assets (points: in the area; lines and
                             polygons: intersecting it) */
    double *length_m;   /**< geodesic length of the lines inside the area */
    double *area_m2;    /**< geodesic area of the polygons inside it */
} gk_assets_summary_t;

/**
 * Count assets by kind in each polygon of @p areas (e.g. kelurahan): a
 * point belongs to the first polygon (in file order) that covers it, so
 * none is counted twice; lines and polygons are clipped to each area they
 * cross (GEOS) and their inside parts measured on the ellipsoid. Kinds with
 * no asset in an area have count 0: what each district lacks.
 * @param[in] name_field attribute naming the areas, or NULL (index)
 * @return GK_OK; GK_ERR_INPUT_FIELD for an unknown name field;
 *         GK_ERR_INPUT_GEOM_TYPE; GK_ERR_CRS; GK_ERR_DEP; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_assets_summary(gk_context_t *ctx, gk_assets_t *store,
                                     const gk_layer_t *areas,
                                     const char *name_field,
                                     gk_assets_summary_t **out);
GK_API void gk_assets_summary_free(gk_assets_summary_t *s);

/** One uncovered stretch of a road. */
typedef struct gk_asset_gap {
    int64_t road;   /**< feature index in the roads layer */
    double from_m;  /**< chainage along the road, geodesic metres */
    double to_m;
    double length_m; /**< to_m - from_m */
} gk_asset_gap_t;

/** Gaps found; free with gk_asset_gaps_free(). */
typedef struct gk_asset_gaps {
    size_t n;
    gk_asset_gap_t *gaps; /**< sorted by road, then from_m */
    gk_geoms_t geoms;     /**< each gap as a lon/lat LineString */
    void *priv_;
} gk_asset_gaps_t;

/**
 * Stretches of the roads longer than @p min_length_m with no asset of the
 * filter's kinds within @p distance_m (e.g. unlit streets: kind
 * street_light, 30 m, 100 m). A road point is covered when some asset is
 * within distance_m of it (point and line assets, and polygon outlines);
 * coverage along each segment is solved exactly in a local plane (a disc
 * cuts a segment in one interval), chainages are geodesic.
 * @return GK_OK; GK_ERR_ARG for a negative distance or length, or an
 *         empty filter; GK_ERR_INPUT_GEOM_TYPE; GK_ERR_CRS; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_assets_gaps(gk_context_t *ctx, gk_assets_t *store,
                                  const gk_layer_t *roads, double distance_m,
                                  double min_length_m,
                                  const gk_assets_filter_t *filter,
                                  gk_asset_gaps_t **out);
GK_API void gk_asset_gaps_free(gk_asset_gaps_t *g);
/** @} */

/**
 * @defgroup assets_estimate With the road estimate
 * @{
 */
/**
 * Assets inside (or within @p margin_m metres of) the road surface
 * polygons of @p surface (gk_estimate_roads' `surface` output, lon/lat,
 * one feature per road): what a road project must relocate or protect.
 * group = the road's feature index; each asset is listed once, with the
 * first road (in file order) that touches it. Sorted by road, then id.
 */
GK_API gk_status_t gk_assets_in_corridors(gk_context_t *ctx,
                                          gk_assets_t *store,
                                          const gk_layer_t *surface,
                                          double margin_m,
                                          gk_asset_rows_t **out);

/**
 * Add the rows of gk_assets_in_corridors() to @p boq as the section
 * "assets": "count" (all), "count <kind>" per kind, then one text row per
 * asset, key = its id, text "<kind>, road <fid>, <distance> m".
 */
GK_API gk_status_t gk_assets_add_to_boq(gk_context_t *ctx, gk_boq_t *boq,
                                        const gk_asset_rows_t *rows,
                                        const gk_layer_t *surface);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_ASSETS_H */
