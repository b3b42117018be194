/*
 * lib/volume/dem.c - open a DEM band, describe it, and read it block by
 * block without GDAL's block cache.
 *
 * Reads go through GDALReadBlock, which hands over one native block (tile
 * or strip) straight from the driver: no copy into GDAL's global block
 * cache, so memory stays at a few blocks per thread whatever the raster
 * size, and a block costs one decode. Each reader keeps GK_READER_SLOTS
 * decoded blocks (least recently used goes first) for the random access of
 * the TIN halo, bilinear sampling and cross-sections.
 *
 * Cell areas on lon/lat grids are exact for the ellipsoid (see
 * ellipsoid_area.c); on projected grids they are |det(geotransform)| times
 * the square of the CRS's linear unit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include "volume_internal.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Metres per height unit, or 0 if the unit text is unknown. */
static double z_unit_factor(const char *u)
{
    static const struct {
        const char *name;
        double m;
    } units[] = {
        {"", 1.0},          {"m", 1.0},          {"metre", 1.0},
        {"meter", 1.0},     {"metres", 1.0},     {"meters", 1.0},
        {"ft", 0.3048},     {"foot", 0.3048},    {"feet", 0.3048},
        {"international foot", 0.3048},
        {"us survey foot", 1200.0 / 3937.0}, {"us-ft", 1200.0 / 3937.0},
        {"ftus", 1200.0 / 3937.0},  {"survey foot", 1200.0 / 3937.0},
        {"cm", 0.01},       {"mm", 0.001},
    };
    char low[64];
    size_t n = strlen(u);
    if (n >= sizeof low)
        return 0;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)((u[i] >= 'A' && u[i] <= 'Z') ? u[i] + 32 : u[i]);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(low, units[i].name) == 0)
            return units[i].m;
    return 0;
}

static gk_status_t describe_crs(gk_context_t *ctx, gk_dem_t *d,
                                const char *wkt)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(wkt);
    if (!srs)
        return gk_error(ctx, GK_ERR_CRS, "%s: the CRS cannot be read (%s)",
                        d->path, gk_ctx_depmsg(ctx));
    gk_status_t st = GK_OK;
    OGRErr e1 = OGRERR_NONE, e2 = OGRERR_NONE;
    d->info.semi_major_m = OSRGetSemiMajor(srs, &e1);
    d->info.inv_flattening = OSRGetInvFlattening(srs, &e2);
    if (e1 != OGRERR_NONE || !(d->info.semi_major_m > 0)) {
        st = gk_error(ctx, GK_ERR_CRS, "%s: the CRS has no ellipsoid",
                      d->path);
        goto out;
    }
    d->info.geographic = OSRIsGeographic(srs) != 0;
    if (!d->info.geographic && !OSRIsProjected(srs)) {
        st = gk_error(ctx, GK_ERR_CRS,
                      "%s: the CRS is neither geographic nor projected",
                      d->path);
        goto out;
    }
    d->info.linear_unit_m =
        d->info.geographic ? 0.0 : OSRGetLinearUnits(srs, NULL);
    if (!d->info.geographic && !(d->info.linear_unit_m > 0))
        st = gk_error(ctx, GK_ERR_CRS, "%s: the CRS has no linear unit",
                      d->path);
out:
    OSRDestroySpatialReference(srs);
    return st;
}

static gk_status_t fill_areas(gk_context_t *ctx, gk_dem_t *d)
{
    size_t h = d->info.height;
    d->row_area_m2 = gk_calloc_array(h, sizeof *d->row_area_m2);
    d->dual_area_m2 = gk_calloc_array(h, sizeof *d->dual_area_m2);
    if (!d->row_area_m2 || !d->dual_area_m2)
        return gk_error_nomem(ctx, "DEM row areas");
    const double *g = d->info.geotransform;
    if (!d->info.geographic) {
        double u = d->info.linear_unit_m;
        double a = fabs(g[1] * g[5] - g[2] * g[4]) * u * u;
        for (size_t j = 0; j < h; j++)
            d->row_area_m2[j] = d->dual_area_m2[j] = a;
        return GK_OK;
    }
    double a = d->info.semi_major_m;
    double f = d->info.inv_flattening > 0 ? 1.0 / d->info.inv_flattening : 0;
    double dlon = fabs(g[1]);
    for (size_t j = 0; j < h; j++) {
        double lat1 = g[3] + (double)j * g[5];
        double lat2 = g[3] + (double)(j + 1) * g[5];
        d->row_area_m2[j] =
            fabs(gk_ellipsoid_quad_area(a, f, 0, dlon, lat1, lat2));
        /* TIN cells of row j run between the centres of rows j and j+1. */
        double c1 = g[3] + ((double)j + 0.5) * g[5];
        double c2 = g[3] + ((double)j + 1.5) * g[5];
        d->dual_area_m2[j] = fabs(gk_ellipsoid_quad_area(a, f, 0, dlon, c1, c2));
    }
    return GK_OK;
}

static gk_status_t check_geo(gk_context_t *ctx, gk_dem_t *d)
{
    const double *g = d->info.geotransform;
    if (d->info.geographic) {
        double lat_a = g[3], lat_b = g[3] + (double)d->info.height * g[5];
        if (fabs(lat_a) > 90.000001 || fabs(lat_b) > 90.000001)
            return gk_error(ctx, GK_ERR_CRS,
                            "%s: latitudes outside [-90, 90] (%g to %g): "
                            "is the CRS right?",
                            d->path, lat_a, lat_b);
    }
    if (g[2] != 0 || g[4] != 0) {
        d->info.rotated = true;
        if (d->info.geographic)
            return gk_error(ctx, GK_ERR_UNSUPPORTED,
                            "%s: rotated geotransform on a lon/lat grid "
                            "(rx %g, ry %g) is not supported; warp it "
                            "first (gdalwarp)",
                            d->path, g[2], g[4]);
    }
    double gcopy[6];
    memcpy(gcopy, g, sizeof gcopy);
    if (!GDALInvGeoTransform(gcopy, d->inv_gt))
        return gk_error(ctx, GK_ERR_FORMAT,
                        "%s: the geotransform is singular (%g %g %g %g %g "
                        "%g)",
                        d->path, g[0], g[1], g[2], g[3], g[4], g[5]);
    return GK_OK;
}

static gk_status_t open_band(gk_context_t *ctx, gk_dem_t *d)
{
    d->ds = GDALOpenEx(d->path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL,
                       NULL, NULL);
    if (!d->ds)
        return gk_error(ctx, GK_ERR_IO, "%s: cannot open as a raster (%s)",
                        d->path, gk_ctx_depmsg(ctx));
    int nb = GDALGetRasterCount(d->ds);
    if (d->band < 1 || d->band > nb)
        return gk_error(ctx, GK_ERR_ARG,
                        "%s: band %d does not exist (the raster has %d)",
                        d->path, d->band, nb);
    d->bh = GDALGetRasterBand(d->ds, d->band);
    d->type = GDALGetRasterDataType(d->bh);
    switch (d->type) {
    case GDT_Byte: case GDT_UInt16: case GDT_Int16: case GDT_UInt32:
    case GDT_Int32: case GDT_Float32: case GDT_Float64:
        break;
    default:
        return gk_error(ctx, GK_ERR_UNSUPPORTED,
                        "%s: band %d: data type %s is not supported for "
                        "heights",
                        d->path, d->band, GDALGetDataTypeName(d->type));
    }
    d->info.data_type = GDALGetDataTypeName(d->type);
    d->info.width = (size_t)GDALGetRasterXSize(d->ds);
    d->info.height = (size_t)GDALGetRasterYSize(d->ds);
    int bw = 0, bhh = 0;
    GDALGetBlockSize(d->bh, &bw, &bhh);
    d->info.block_width = (size_t)bw;
    d->info.block_height = (size_t)bhh;
    int has = 0;
    double nd = GDALGetRasterNoDataValue(d->bh, &has);
    d->info.has_nodata = has != 0;
    d->info.nodata = has ? nd : 0.0;
    return GK_OK;
}

gk_status_t gk_dem_open(gk_context_t *ctx, const char *path, int band,
                        gk_dem_t **out)
{
    if (!ctx || !path || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_dem_open: NULL argument");
    *out = NULL;
    gk_dem_t *d = calloc(1, sizeof *d);
    if (!d)
        return gk_error_nomem(ctx, "a DEM");
    d->band = band == 0 ? 1 : band;
    d->path = dup_str(path);
    if (!d->path) {
        free(d);
        return gk_error_nomem(ctx, "a DEM path");
    }
    d->info.path = d->path;

    gk_gdal_enter(ctx);
    gk_status_t st = open_band(ctx, d);
    if (st == GK_OK && GDALGetGeoTransform(d->ds, d->info.geotransform) !=
                           CE_None)
        st = gk_error(ctx, GK_ERR_FORMAT,
                      "%s: no geotransform: the raster is not georeferenced",
                      path);
    if (st == GK_OK) {
        const char *wkt = GDALGetProjectionRef(d->ds);
        if (!wkt || !*wkt)
            st = gk_error(ctx, GK_ERR_CRS, "%s: the raster has no CRS", path);
        else if (!(d->wkt = dup_str(wkt)))
            st = gk_error_nomem(ctx, "a CRS");
    }
    if (st == GK_OK) {
        d->info.crs_wkt = d->wkt;
        st = describe_crs(ctx, d, d->wkt);
    }
    if (st == GK_OK) {
        const char *u = GDALGetRasterUnitType(d->bh);
        d->z_unit = dup_str(u ? u : "");
        if (!d->z_unit)
            st = gk_error_nomem(ctx, "a unit");
    }
    gk_gdal_leave(ctx);
    if (st == GK_OK)
        st = check_geo(ctx, d);
    if (st == GK_OK) {
        d->info.z_unit = d->z_unit;
        double f = z_unit_factor(d->z_unit);
        if (f == 0) {
            gk_log(ctx, GK_LOG_WARNING,
                   "%s: height unit \"%s\" is unknown; taken as metres",
                   path, d->z_unit);
            f = 1.0;
        } else if (f != 1.0) {
            gk_log(ctx, GK_LOG_WARNING,
                   "%s: heights are in \"%s\"; converted to metres (x %.10g)",
                   path, d->z_unit, f);
        }
        d->info.z_unit_m = f;
        if (d->info.linear_unit_m > 0 && d->info.linear_unit_m != 1.0)
            gk_log(ctx, GK_LOG_WARNING,
                   "%s: the CRS unit is %.10g m; areas converted to m2",
                   path, d->info.linear_unit_m);
        st = fill_areas(ctx, d);
    }
    if (st != GK_OK) {
        gk_dem_close(d);
        return st;
    }
    *out = d;
    return GK_OK;
}

void gk_dem_close(gk_dem_t *d)
{
    if (!d)
        return;
    if (d->ds) {
        /* Closing emits no messages worth keeping; no context here. */
        GDALClose(d->ds);
    }
    free(d->row_area_m2);
    free(d->dual_area_m2);
    free(d->wkt);
    free(d->z_unit);
    free(d->path);
    free(d);
}

const gk_dem_info_t *gk_dem_info(const gk_dem_t *d)
{
    return d ? &d->info : NULL;
}

double gk_dem_cell_area_m2(const gk_dem_t *d, size_t row)
{
    if (!d || row >= d->info.height)
        return NAN;
    return d->row_area_m2[row];
}

/* ---- readers -------------------------------------------------------- */

gk_status_t gk_dem_reader_init(gk_dem_reader_t *r, gk_context_t *ctx,
                               const gk_dem_t *dem, bool own_handle)
{
    memset(r, 0, sizeof *r);
    r->dem = dem;
    r->ctx = ctx;
    for (int k = 0; k < GK_READER_SLOTS; k++)
        r->slot_key[k] = -1;
    size_t bw = dem->info.block_width, bh = dem->info.block_height;
    /* Cache-line aligned, so that neither the copy GDALReadBlock makes
     * into it nor the kernel's 64-byte loads split lines (malloc gives 16
     * bytes: every load of the kernel then spans two lines). Not zeroed:
     * GDALReadBlock writes the whole block before any use. */
    size_t sz = (size_t)GDALGetDataTypeSizeBytes(dem->type);
    if (sz && bw * bh <= (SIZE_MAX - 64) / sz)
        r->raw = aligned_alloc(64, (bw * bh * sz + 63) / 64 * 64);
    if (!r->raw)
        return gk_error_nomem(ctx, "a DEM block");
    if (!own_handle) {
        r->ds = dem->ds;
        r->bh = dem->bh;
        return GK_OK;
    }
    gk_gdal_enter(ctx);
    r->ds = GDALOpenEx(dem->path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL,
                       NULL, NULL);
    gk_gdal_leave(ctx);
    if (!r->ds)
        return gk_error(ctx, GK_ERR_IO, "%s: cannot reopen (%s)", dem->path,
                        gk_ctx_depmsg(ctx));
    r->bh = GDALGetRasterBand(r->ds, dem->band);
    return GK_OK;
}

void gk_dem_reader_fini(gk_dem_reader_t *r)
{
    if (!r->dem)
        return;
    if (r->ds && r->ds != r->dem->ds)
        GDALClose(r->ds);
    free(r->raw);
    for (int k = 0; k < GK_READER_SLOTS; k++)
        free(r->slot[k]);
    memset(r, 0, sizeof *r);
}

gk_status_t gk_dem_read_raw(gk_dem_reader_t *r, int bx, int by)
{
    gk_gdal_enter(r->ctx);
    CPLErr e = GDALReadBlock(r->bh, bx, by, r->raw);
    gk_gdal_leave(r->ctx);
    if (e != CE_None)
        return gk_error(r->ctx, GK_ERR_IO, "%s: cannot read block %d,%d (%s)",
                        r->dem->path, bx, by, gk_ctx_depmsg(r->ctx));
    return GK_OK;
}

#define DECODE_LOOP(T)                                                     \
    do {                                                                   \
        const T *p = (const T *)raw + off;                                 \
        for (size_t k = 0; k < n; k++) {                                   \
            double z = (double)p[k];                                       \
            out[k] = (has && z == nd) || isnan(z) ? NAN : z * zs;          \
        }                                                                  \
    } while (0)

void gk_dem_decode(const gk_dem_t *dem, const void *raw, size_t off,
                   size_t n, double *out)
{
    bool has = dem->info.has_nodata;
    double zs = dem->info.z_unit_m;
    double nd = dem->info.nodata;
    /* Compare with the nodata value as the band stores it. */
    if (dem->type == GDT_Float32)
        nd = (double)(float)nd;
    switch (dem->type) {
    case GDT_Byte: DECODE_LOOP(uint8_t); break;
    case GDT_UInt16: DECODE_LOOP(uint16_t); break;
    case GDT_Int16: DECODE_LOOP(int16_t); break;
    case GDT_UInt32: DECODE_LOOP(uint32_t); break;
    case GDT_Int32: DECODE_LOOP(int32_t); break;
    case GDT_Float32: DECODE_LOOP(float); break;
    case GDT_Float64: DECODE_LOOP(double); break;
    default:
        for (size_t k = 0; k < n; k++)
            out[k] = NAN;
    }
}

gk_status_t gk_dem_block(gk_dem_reader_t *r, int bx, int by,
                         const double **out)
{
    const gk_dem_t *d = r->dem;
    size_t bw = d->info.block_width, bh = d->info.block_height;
    size_t nbx = (d->info.width + bw - 1) / bw;
    int64_t key = (int64_t)by * (int64_t)nbx + bx;
    int victim = 0;
    for (int k = 0; k < GK_READER_SLOTS; k++) {
        if (r->slot_key[k] == key) {
            r->slot_age[k] = ++r->clock;
            *out = r->slot[k];
            return GK_OK;
        }
        if (r->slot_key[k] < 0 ||
            (r->slot_key[victim] >= 0 && r->slot_age[k] < r->slot_age[victim]))
            victim = k;
    }
    if (!r->slot[victim]) {
        r->slot[victim] = gk_calloc_array(bw * bh, sizeof(double));
        if (!r->slot[victim])
            return gk_error_nomem(r->ctx, "a decoded DEM block");
    }
    gk_status_t st = gk_dem_read_raw(r, bx, by);
    if (st != GK_OK)
        return st;
    gk_dem_decode(d, r->raw, 0, bw * bh, r->slot[victim]);
    r->slot_key[victim] = key;
    r->slot_age[victim] = ++r->clock;
    *out = r->slot[victim];
    return GK_OK;
}

gk_status_t gk_dem_cell(gk_dem_reader_t *r, int64_t col, int64_t row,
                        double *z)
{
    const gk_dem_t *d = r->dem;
    if (col < 0 || row < 0 || col >= (int64_t)d->info.width ||
        row >= (int64_t)d->info.height) {
        *z = NAN;
        return GK_OK;
    }
    int64_t bw = (int64_t)d->info.block_width;
    int64_t bh = (int64_t)d->info.block_height;
    const double *b;
    gk_status_t st = gk_dem_block(r, (int)(col / bw), (int)(row / bh), &b);
    if (st != GK_OK)
        return st;
    *z = b[(row % bh) * bw + col % bw];
    return GK_OK;
}

gk_status_t gk_dem_sample(gk_dem_reader_t *r, double u, double v,
                          gk_resample_t how, double *z)
{
    if (!isfinite(u) || !isfinite(v)) {
        *z = NAN;
        return GK_OK;
    }
    if (how == GK_RESAMPLE_NEAREST)
        return gk_dem_cell(r, (int64_t)floor(u), (int64_t)floor(v), z);
    /* Centres are at half-integers: interpolate between those around. */
    double fu = u - 0.5, fv = v - 0.5;
    double iu = floor(fu), iv = floor(fv);
    double a = fu - iu, b = fv - iv;
    int64_t i = (int64_t)iu, j = (int64_t)iv;
    /* On the last centre row/column the weight of the next one is 0: use
     * the same cell so that sampling exactly at an edge centre works. */
    int64_t i1 = a > 0 ? i + 1 : i, j1 = b > 0 ? j + 1 : j;
    double z00, z10, z01, z11;
    gk_status_t st;
    if ((st = gk_dem_cell(r, i, j, &z00)) || (st = gk_dem_cell(r, i1, j, &z10)) ||
        (st = gk_dem_cell(r, i, j1, &z01)) || (st = gk_dem_cell(r, i1, j1, &z11)))
        return st;
    *z = (1 - b) * ((1 - a) * z00 + a * z10) + b * ((1 - a) * z01 + a * z11);
    return GK_OK;
}
