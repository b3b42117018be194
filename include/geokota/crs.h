/*
 * geokota/crs.h - coordinate reference systems and transformations (PROJ).
 *
 * A gk_crs_t is an immutable description (WKT, name, ellipsoid, units,
 * whether it is geographic or equal-area): read-only after creation, so any
 * number of threads may share one. A gk_transform_t holds a PROJ object tied
 * to the context that created it: use it only with that context.
 */
#ifndef GEOKOTA_CRS_H
#define GEOKOTA_CRS_H

#include "geokota/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gk_crs gk_crs_t;
typedef struct gk_transform gk_transform_t;

/**
 * Make a CRS from any definition PROJ understands: "EPSG:32748", WKT,
 * PROJJSON or a PROJ string. A bound or compound CRS is reduced to its
 * horizontal part.
 * @param[out] out  new CRS, freed with gk_crs_free(); NULL on failure
 * @return GK_OK; GK_ERR_CRS if PROJ does not know the definition or it is
 *         not a geographic or projected CRS; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_crs_from_string(gk_context_t *ctx, const char *definition,
                                      gk_crs_t **out);

/**
 * The geographic (longitude/latitude) CRS on which @p crs is based: itself
 * for a geographic CRS, the base geodetic CRS of a projected one.
 */
GK_API gk_status_t gk_crs_geographic(gk_context_t *ctx, const gk_crs_t *crs,
                                     gk_crs_t **out);

/** Deep copy. @return GK_OK or GK_ERR_NOMEM. */
GK_API gk_status_t gk_crs_copy(gk_context_t *ctx, const gk_crs_t *crs,
                               gk_crs_t **out);

/** Free a CRS. NULL is a no-op. */
GK_API void gk_crs_free(gk_crs_t *crs);

/** Name, e.g. "WGS 84 / UTM zone 48S". Owned by the CRS. */
GK_API const char *gk_crs_name(const gk_crs_t *crs);
/** Authority code such as "EPSG:32748", or "" when there is none. */
GK_API const char *gk_crs_authority(const gk_crs_t *crs);
/** WKT2:2019 text. Owned by the CRS. */
GK_API const char *gk_crs_wkt(const gk_crs_t *crs);

/** True for geographic (longitude/latitude) CRSs: measured on the
 *  ellipsoid. Coordinates are always x = longitude, y = latitude, degrees. */
GK_API bool gk_crs_is_geographic(const gk_crs_t *crs);
/** True when the projection preserves area (Albers, Lambert azimuthal or
 *  cylindrical equal-area, Equal Earth, Mollweide, sinusoidal...). */
GK_API bool gk_crs_is_equal_area(const gk_crs_t *crs);
/** Semi-major axis (m) and flattening of the CRS's ellipsoid. */
GK_API void gk_crs_ellipsoid(const gk_crs_t *crs, double *a, double *f);
/** Metres per unit of a projected CRS's axes (1 for metres, 0.3048 for
 *  international feet); 0 for geographic CRSs. */
GK_API double gk_crs_unit_to_m(const gk_crs_t *crs);

/**
 * A transformation between two CRSs, with x = longitude, y = latitude for
 * geographic ones (PROJ's "normalised for visualisation" order).
 * @return GK_OK; GK_ERR_CRS when PROJ finds no transformation.
 */
GK_API gk_status_t gk_transform_new(gk_context_t *ctx, const gk_crs_t *src,
                                    const gk_crs_t *dst,
                                    gk_transform_t **out);

/** Free a transformation. NULL is a no-op. */
GK_API void gk_transform_free(gk_transform_t *t);

/**
 * Transform @p n interleaved x, y pairs in place (forward, or inverse when
 * @p inverse is true).
 * @return GK_OK; GK_ERR_CRS if a point cannot be transformed (the message
 *         gives its index and coordinates; the array is then unspecified).
 */
GK_API gk_status_t gk_transform_xy(gk_context_t *ctx, const gk_transform_t *t,
                                   double *xy, size_t n, bool inverse);

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_CRS_H */
