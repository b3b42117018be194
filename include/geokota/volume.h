/*
 * geokota/volume.h - earthwork: cut and fill volumes between a DEM and a
 * design surface over a region, by three methods planners can compare.
 *
 * - GK_VOLUME_CELL: each DEM cell is a flat-topped prism at its value,
 *   weighted by the exact fraction of the cell inside the region.
 * - GK_VOLUME_TIN: the terrain is linear on the two triangles between each
 *   2x2 block of cell centres; each triangle is clipped exactly by the region
 *   and split exactly where it crosses the design; prisms in closed form.
 *   Exact for planar terrain and planar designs over any polygon.
 * - GK_VOLUME_SECTIONS: cross-sections every interval along a centerline,
 *   average end area (and prismoidal) volumes, a per-station table with the
 *   mass-haul ordinate.
 *
 * Units: volumes m3, areas m2, heights m (DEM heights in feet are converted
 * and a warning is logged), stations m. The DEM is streamed block by block
 * (memory stays bounded whatever its size); the region is reprojected into
 * the DEM's CRS with PROJ.
 *
 * Include <geokota/geokota.h> rather than this file.
 */
#ifndef GEOKOTA_VOLUME_H
#define GEOKOTA_VOLUME_H

#include <stdio.h>

#include "geokota/common.h"
#include "geokota/geom.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup dem Digital elevation models
 * @{
 */

/** An open DEM band (any raster GDAL reads). Opaque; close with
 *  gk_dem_close(). Not thread-safe: use one gk_dem_t from one thread at a
 *  time (gk_volume_compute opens its own extra handles for its workers). */
typedef struct gk_dem gk_dem_t;

/** What gk_dem_open found; all pointers are owned by the DEM. */
typedef struct gk_dem_info {
    const char *path;        /**< as given to gk_dem_open */
    size_t width, height;    /**< cells */
    size_t block_width, block_height; /**< native blocks (tiles or strips) */
    double geotransform[6];  /**< GDAL order: x0, dx, rx, y0, ry, dy */
    bool rotated;            /**< rx or ry is not 0 (projected CRS only) */
    bool has_nodata;
    double nodata;           /**< the band's nodata value, if has_nodata */
    bool geographic;         /**< lon/lat: cell areas from the ellipsoid */
    double linear_unit_m;    /**< metres per CRS unit (projected CRS) */
    double z_unit_m;         /**< metres per height unit: 1, 0.3048, ... */
    const char *z_unit;      /**< the band's unit text ("" if none) */
    double semi_major_m;     /**< ellipsoid of the CRS */
    double inv_flattening;   /**< 0 for a sphere */
    const char *data_type;   /**< GDAL's name: "Float32", "Int16", ... */
    const char *crs_wkt;     /**< the CRS as WKT2 */
} gk_dem_info_t;

/**
 * Open band @p band (1-based; 0 means 1) of the raster at @p path.
 * Checks that it has a CRS and a geotransform; a rotated geotransform is
 * supported for projected CRSs and refused for geographic ones. Heights in
 * feet (band unit "ft", "foot", "US survey foot") are converted to metres
 * with a warning on the context's logger; an empty unit is taken as metres.
 * @param[out] out the DEM, closed by gk_dem_close(); NULL on failure.
 * @return GK_OK; GK_ERR_IO (cannot open), GK_ERR_CRS (no or unusable CRS),
 *         GK_ERR_FORMAT (no geotransform), GK_ERR_UNSUPPORTED (rotated
 *         geographic grid, complex data), GK_ERR_ARG, GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_dem_open(gk_context_t *ctx, const char *path, int band,
                               gk_dem_t **out);

/** Close a DEM. NULL is a no-op. */
GK_API void gk_dem_close(gk_dem_t *dem);

/** The DEM's description; valid until gk_dem_close. */
GK_API const gk_dem_info_t *gk_dem_info(const gk_dem_t *dem);

/**
 * Area in m2 of one cell of row @p row: |dx dy| times the unit factor for
 * projected CRSs; for lon/lat, the exact area of the cell on the ellipsoid
 * (the zone between two parallels, via the authalic function q(phi)), to
 * about 1e-12 relative. NaN when @p row is out of range.
 */
GK_API double gk_dem_cell_area_m2(const gk_dem_t *dem, size_t row);

/**
 * Exact area in m2 of the lon/lat quadrangle [lon1, lon2] x [lat1, lat2]
 * (degrees) on the ellipsoid with semi-major axis @p a (m) and flattening
 * @p f (0 for a sphere): (lon2 - lon1) * a^2 (1 - e^2) / 2 * [q(lat2) -
 * q(lat1)] with Snyder's q. Signed like lon2 - lon1 and lat2 - lat1.
 * Kernel: no context, cannot fail.
 */
GK_API double gk_ellipsoid_quad_area(double a, double f, double lon1,
                                     double lon2, double lat1, double lat2);
/** @} */

/**
 * @defgroup design Design surfaces
 * @{
 */
typedef enum gk_design_kind {
    GK_DESIGN_LEVEL = 0,   /**< z = level_m */
    GK_DESIGN_PLANE = 1,   /**< z = z0 + dzdx (x - x0) + dzdy (y - y0) */
    GK_DESIGN_SURFACE = 2, /**< a second DEM (before/after survey) */
    GK_DESIGN_FUNCTION = 3,/**< z = fn(x, y, user) */
    GK_DESIGN_ROAD = 4,    /**< formation under a road along the centerline */
} gk_design_kind_t;

/** How a GK_DESIGN_SURFACE raster is sampled at the DEM's cell centres. */
typedef enum gk_resample {
    GK_RESAMPLE_BILINEAR = 0, /**< bilinear between the 4 nearest centres */
    GK_RESAMPLE_NEAREST = 1,  /**< the cell containing the centre */
} gk_resample_t;

/** A design height in metres at (x, y) in the DEM's CRS; NaN means "no
 *  design here" (counted as uncovered). Called from several threads at
 *  once when opts.threads > 1, so it must be thread-safe. */
typedef double (*gk_design_fn)(double x, double y, void *user);

/** A road's formation: finished grade FG(s) from a vertical profile
 *  (linear between the given stations, held constant beyond the ends),
 *  minus the camber drop cross_slope_pct/100 * |t| at offset t from the
 *  centerline (|t| on both sides, a crowned road; or signed t with
 *  one_way_slope, falling to the right), minus the template's total
 *  pavement thickness. Station s and offset t are measured on the
 *  centerline given in the options (the nearest point of the nearest
 *  line; past an end of the line s continues below 0 or beyond its
 *  length). One profile serves every line (each from its own station 0),
 *  or, with line_off, each line has its own (as made by
 *  gk_road_profile_from_ground). */
typedef struct gk_road_design {
    const double *station_m;  /**< nprofile stations, increasing */
    const double *grade_z_m;  /**< nprofile finished-grade heights */
    size_t nprofile;
    double cross_slope_pct;   /**< e.g. 2 (%) */
    bool one_way_slope;
    double thickness_m;       /**< total pavement thickness */
    /** NULL: one profile for all lines. Else nlines + 1 offsets: line k
     *  of the centerline (its k-th non-empty linestring, counting the
     *  parts of multilinestrings) uses entries [line_off[k],
     *  line_off[k + 1]), at least one each; line_off[nlines] = nprofile.
     *  nlines must match the centerline. */
    const size_t *line_off;
    size_t nlines;
} gk_road_design_t;

/**
 * Read a vertical profile CSV: "station,elevation" per line (metres;
 * comma, semicolon or tab; an optional header line; '#' comments).
 * Stations must strictly increase.
 * @param[out] station_m, grade_z_m  arrays of *n values, each freed with
 *             gk_free(); unchanged on failure.
 * @return GK_OK; GK_ERR_IO; GK_ERR_INPUT_VALUE / _FIELD / _EMPTY naming
 *         the line ("profile.csv: line 7: station 40 m does not increase
 *         (after 50 m)"); GK_ERR_NOMEM; GK_ERR_ARG.
 */
GK_API gk_status_t gk_road_profile_read(gk_context_t *ctx, const char *path,
                                        double **station_m,
                                        double **grade_z_m, size_t *n);

/**
 * A finished-grade profile that follows the ground: the DEM sampled
 * (bilinearly) on each line of @p centerline every @p step_m metres from
 * station 0 to the end (the end always included), smoothed, plus
 * @p offset_m (positive: the road above the ground). Stations are metres
 * along the ground (see gk_volume_opts_t.centerline).
 *
 * Smoothing: at each station, the least-squares line through the samples
 * within +/- @p window_m / 2 of it (nodata samples left out), taken at the
 * station. Where the window lies wholly on the line this is the moving
 * average of its samples; near the ends it stays centred on the station
 * without going past the end. Either way a ground that is linear along
 * the line is followed exactly (to rounding), and independent noise of
 * variance sigma^2 is reduced to sigma^2 / m away from the ends, m =
 * the samples in a window (window / step + 1).
 *
 * @param centerline lines (LineString/MultiLineString) in @p crs (NULL:
 *        the DEM's CRS).
 * @param window_m smoothing window (m); 0 = 50 m; less than step_m: no
 *        smoothing.
 * @param step_m sample spacing (m); 0 = 1 m.
 * @param[out] station_m, grade_z_m  *line_off[*nlines] values each;
 *        line_off  *nlines + 1 offsets (for gk_road_design_t.line_off);
 *        all three freed with gk_free(); unchanged on failure. Stations
 *        whose window holds no DEM data are left out (warning logged).
 *        Each line's profile has one more station before 0 and one past
 *        its end (max(window / 2, two DEM cells) out, on the line through
 *        the two end grades), for the cells of a corridor that reach past
 *        the ends.
 * @return GK_OK; GK_ERR_INPUT (a line with no DEM data along it),
 *         GK_ERR_INPUT_GEOM_TYPE, GK_ERR_INPUT_NAN,
 *         GK_ERR_INPUT_TOO_FEW_POINTS, GK_ERR_CRS, GK_ERR_IO, GK_ERR_ARG
 *         (bad offset, window or step; more than 10^8 samples),
 *         GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_road_profile_from_ground(
    gk_context_t *ctx, const gk_dem_t *dem, const gk_geoms_t *centerline,
    const char *crs, double offset_m, double window_m, double step_m,
    double **station_m, double **grade_z_m, size_t **line_off,
    size_t *nlines);

/** The design surface; zero-initialised means "level 0". */
typedef struct gk_design {
    gk_design_kind_t kind;
    double level_m;                      /**< GK_DESIGN_LEVEL */
    double x0, y0, z0_m, dzdx, dzdy;     /**< GK_DESIGN_PLANE (DEM CRS) */
    const gk_dem_t *surface;             /**< GK_DESIGN_SURFACE; same CRS */
    gk_resample_t resample;              /**< GK_DESIGN_SURFACE */
    gk_design_fn fn;                     /**< GK_DESIGN_FUNCTION */
    void *fn_user;
    gk_road_design_t road;               /**< GK_DESIGN_ROAD */
} gk_design_t;
/** @} */

/**
 * @defgroup volume Cut and fill
 * @{
 */
typedef enum gk_volume_method {
    GK_VOLUME_CELL = 0,
    GK_VOLUME_TIN = 1,
    GK_VOLUME_SECTIONS = 2,
} gk_volume_method_t;

/** Options; zero-initialised (or NULL) gives: cell method, level 0, one
 *  thread, 25 m interval, factors 1, no diff raster. */
typedef struct gk_volume_opts {
    gk_volume_method_t method;
    gk_design_t design;
    unsigned threads;          /**< worker threads over DEM blocks; 0 = 1 */
    const char *region_name;   /**< for messages ("region" if NULL) */
    /* sections method and road design */
    const gk_geoms_t *centerline; /**< linestring(s); one station series each */
    const char *centerline_crs;   /**< its CRS; NULL = the DEM's */
    double half_width_m;          /**< sections: half the template width */
    double interval_m;            /**< sections: 0 = 25 m */
    /* shrink and swell (catalog defaults are the caller's business) */
    double swell;   /**< loose / bank volume of cut soil, e.g. 1.25; 0 = 1 */
    double shrink;  /**< compacted / bank volume of fill, e.g. 0.9; 0 = 1 */
    const char *diff_raster_path; /**< write ground - design GeoTIFF here */
} gk_volume_opts_t;

/** One cross-section (GK_VOLUME_SECTIONS). cut_m3 and fill_m3 are the
 *  average-end-area volumes between the previous station and this one (0 at
 *  the first station); cumulative_mass_m3 is the mass-haul ordinate in bank
 *  m3: the running sum of cut - fill / shrink. */
typedef struct gk_volume_station {
    int64_t line;  /**< which centerline feature */
    double station_m, cut_area_m2, fill_area_m2, cut_m3, fill_m3;
    double cumulative_mass_m3;
} gk_volume_station_t;

/** The result. Release the stations with gk_volume_result_free(). */
typedef struct gk_volume_result {
    const char *method;     /**< "cell", "tin" or "sections" (static) */
    double cut_m3;          /**< bank volume above the design */
    double fill_m3;         /**< compacted volume below the design */
    double net_m3;          /**< cut_m3 - fill_m3 (positive: surplus cut) */
    double area_m2;         /**< region area with DEM (and design) data */
    double nodata_area_m2;  /**< region area without: nodata or outside */
    /* shrink and swell, applied */
    double swell, shrink;
    double cut_loose_m3;    /**< cut_m3 * swell: what the trucks carry away */
    double fill_bank_m3;    /**< fill_m3 / shrink: bank soil needed */
    double fill_loose_m3;   /**< fill_bank_m3 * swell: what trucks bring */
    double net_bank_m3;     /**< cut_m3 - fill_bank_m3 */
    /* sections method only (else 0 / NULL) */
    double cut_prismoidal_m3, fill_prismoidal_m3;
    size_t nstations;
    gk_volume_station_t *stations; /**< owned by the result */
    size_t ncells;          /**< DEM cells (or TIN cells) visited */
} gk_volume_result_t;

/**
 * Cut and fill between @p dem and opts->design over @p region.
 *
 * @param region polygons (Polygon/MultiPolygon; holes subtract; features
 *        that overlap are merged into their union with GEOS first, so every
 *        point counts once; if GEOS cannot merge them, e.g. a
 *        self-intersecting ring, a warning is logged and coverage is
 *        clamped to 1 instead) in the CRS @p region_crs (any PROJ string, WKT or "EPSG:n"; NULL =
 *        the DEM's CRS). Reprojected with one PROJ transformation over the
 *        vertex array. Ignored by the sections method (may be NULL).
 * @param[out] out the result; zeroed first, filled only on GK_OK.
 *
 * Accuracy: cell method, exact cell fractions (to rounding) with the
 * midpoint-rule error of the flat cells, bounded by
 * sum(area) * (dx^2 |z_xx| + dy^2 |z_yy|) / 24 plus, in cells the region
 * boundary or the design line cross, |grad(z - design)| * half the cell
 * diagonal * their area. TIN: exact to rounding (~1e-12 relative) for a
 * terrain linear on its triangles. Sections: average end area errs by
 * -(L^2/12) * integral of A''(s) for smooth A(s) (L the interval);
 * prismoidal is exact for quadratic A(s). Lon/lat DEMs: areas on the
 * ellipsoid (the fraction of a cell inside the region is taken in degrees,
 * a relative error of about cell height * tan(lat), 1e-6 for SRTM).
 *
 * Threads: blocks are reduced in a fixed order, so the result is the same
 * to the bit for any @p opts->threads.
 *
 * Progress and cancel: the context's progress callback is called with
 * stage "volume" and the fraction done (0..1) after each DEM block (cell,
 * tin; on the calling thread), each station (sections) and each strip of
 * the difference raster (which takes the second half of the fraction).
 * When it returns false the computation stops at the next such point and
 * returns GK_ERR_INTERRUPTED; no difference raster is left behind (a file
 * already at that path stays as it was).
 *
 * @return GK_OK; GK_ERR_INPUT (region outside the DEM, no valid cells,
 *         bad polygon), GK_ERR_INPUT_GEOM_TYPE, GK_ERR_INPUT_NAN,
 *         GK_ERR_CRS, GK_ERR_IO, GK_ERR_ARG, GK_ERR_UNSUPPORTED,
 *         GK_ERR_NOMEM, GK_ERR_DEP, GK_ERR_INTERRUPTED.
 */
GK_API gk_status_t gk_volume_compute(gk_context_t *ctx, const gk_dem_t *dem,
                                     const gk_geoms_t *region,
                                     const char *region_crs,
                                     const gk_volume_opts_t *opts,
                                     gk_volume_result_t *out);

/** Free what a result owns (the stations) and zero it. NULL is a no-op. */
GK_API void gk_volume_result_free(gk_volume_result_t *r);

/** Output formats of gk_volume_report. */
typedef enum gk_report_format {
    GK_REPORT_JSON = 0,  /**< {"method": ..., "cut_m3": ..., ...} */
    GK_REPORT_TABLE = 1, /**< aligned text for people */
    GK_REPORT_CSV = 2,   /**< one header line and one row */
} gk_report_format_t;

/**
 * Write @p r to @p fp. JSON keys: method, cut_m3, fill_m3, net_m3,
 * area_m2, nodata_area_m2, swell, shrink, cut_loose_m3, fill_bank_m3,
 * fill_loose_m3, net_bank_m3, and for sections cut_prismoidal_m3,
 * fill_prismoidal_m3 and "sections": [{station_m, cut_area_m2,
 * fill_area_m2, cut_m3, fill_m3, cumulative_mass_m3}, ...].
 * @return GK_OK or GK_ERR_IO (write failed), GK_ERR_ARG.
 */
GK_API gk_status_t gk_volume_report(gk_context_t *ctx,
                                    const gk_volume_result_t *r,
                                    gk_report_format_t format, FILE *fp);

/** The per-station CSV (header: station_m, cut_area_m2, fill_area_m2,
 *  cut_m3, fill_m3, cumulative_mass_m3, line).
 *  @return GK_OK, GK_ERR_IO, GK_ERR_ARG. */
GK_API gk_status_t gk_volume_write_sections_csv(gk_context_t *ctx,
                                                const gk_volume_result_t *r,
                                                FILE *fp);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_VOLUME_H */
