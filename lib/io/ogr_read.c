/*
 * lib/io/ogr_read.c - read one layer of any OGR vector source into a
 * gk_layer_t.
 *
 * Coordinates are copied with OGR_G_GetPointsZM straight into the
 * interleaved xy array (stride 16 bytes), so reading costs one copy per
 * vertex and no per-vertex call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gdal.h>
#include <cpl_conv.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io_internal.h"
#include "ogr_internal.h"

typedef struct reader {
    gk_context_t *ctx;
    gk_layer_t *l;
    bool drop_z;
    char label[512];
} reader_t;

static gk_status_t nomem(reader_t *r)
{
    return gk_error(r->ctx, GK_ERR_NOMEM, "%s: out of memory while reading",
                    r->label);
}

/* Append the points of a simple curve (LineString or LinearRing) as one
 * ring of the current part. */
static gk_status_t add_curve(reader_t *r, OGRGeometryH g)
{
    gk_geomcol_t *c = &r->l->geoms;
    if (!gk_geomcol_begin_ring(c))
        return nomem(r);
    int n = OGR_G_GetPointCount(g);
    if (n <= 0)
        return GK_OK;
    bool z = !r->drop_z && OGR_G_Is3D(g);
    /* Reserve by appending placeholders, then let OGR fill the slots. */
    size_t first = c->nverts;
    for (int i = 0; i < n; i++) {
        bool okv = z ? gk_geomcol_add_xyz(c, 0, 0, 0) : gk_geomcol_add_xy(c, 0, 0);
        if (!okv)
            return nomem(r);
    }
    double *xy = c->xy + 2 * first;
    double *zz = z ? c->z + first : NULL;
    OGR_G_GetPointsZM(g, xy, 2 * sizeof(double), xy + 1, 2 * sizeof(double),
                      zz, sizeof(double), NULL, 0);
    return GK_OK;
}

static gk_status_t add_simple(reader_t *r, OGRGeometryH g,
                              OGRwkbGeometryType flat)
{
    gk_geomcol_t *c = &r->l->geoms;
    if (OGR_G_IsEmpty(g))
        return GK_OK; /* an empty part is dropped; validation reports
                         a geometry left with no parts */
    if (!gk_geomcol_begin_part(c))
        return nomem(r);
    if (flat == wkbPoint || flat == wkbLineString)
        return add_curve(r, g);
    int nrings = OGR_G_GetGeometryCount(g);
    for (int k = 0; k < nrings; k++) {
        gk_status_t st = add_curve(r, OGR_G_GetGeometryRef(g, k));
        if (st != GK_OK)
            return st;
    }
    return GK_OK;
}

static gk_status_t add_geometry(reader_t *r, OGRGeometryH g, int64_t fid)
{
    gk_geomcol_t *c = &r->l->geoms;
    if (!g || OGR_G_IsEmpty(g))
        return gk_geomcol_begin_geom(c, GK_GEOM_NONE) ? GK_OK : nomem(r);

    OGRGeometryH linear = NULL;
    OGRwkbGeometryType flat = wkbFlatten(OGR_G_GetGeometryType(g));
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        linear = OGR_G_GetLinearGeometry(g, 0, NULL);
        if (!linear)
            return gk_error(r->ctx, GK_ERR_INPUT_INVALID,
                            "%s: feature %lld: curved geometry cannot be "
                            "linearised", r->label, (long long)fid);
        g = linear;
        flat = wkbFlatten(OGR_G_GetGeometryType(g));
    }
    gk_status_t st = GK_OK;
    switch (flat) {
    case wkbPoint:
    case wkbLineString:
    case wkbPolygon:
        if (!gk_geomcol_begin_geom(c, (gk_geom_type_t)flat))
            st = nomem(r);
        else
            st = add_simple(r, g, flat);
        break;
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon: {
        if (!gk_geomcol_begin_geom(c, (gk_geom_type_t)flat)) {
            st = nomem(r);
            break;
        }
        OGRwkbGeometryType base = (OGRwkbGeometryType)(flat - 3);
        int n = OGR_G_GetGeometryCount(g);
        for (int k = 0; k < n && st == GK_OK; k++)
            st = add_simple(r, OGR_G_GetGeometryRef(g, k), base);
        break;
    }
    default:
        st = gk_error(r->ctx, GK_ERR_UNSUPPORTED,
                      "%s: feature %lld: geometry type %s is not supported "
                      "(use points, lines or polygons, or their multi types)",
                      r->label, (long long)fid, OGRGeometryTypeToName(flat));
    }
    if (linear)
        OGR_G_DestroyGeometry(linear);
    return st;
}

static gk_field_type_t field_type(OGRFieldType t)
{
    if (t == OFTInteger || t == OFTInteger64)
        return GK_FIELD_INT;
    if (t == OFTReal)
        return GK_FIELD_DOUBLE;
    return GK_FIELD_STRING;
}

static gk_status_t read_attributes(reader_t *r, OGRFeatureH f, size_t i)
{
    gk_layer_t *l = r->l;
    for (size_t j = 0; j < l->nfields; j++) {
        gk_field_col_t *col = &l->fields[j];
        int k = (int)j;
        if (!OGR_F_IsFieldSetAndNotNull(f, k)) {
            col->isnull[i] = 1;
            continue;
        }
        if (col->type == GK_FIELD_INT) {
            col->ints[i] = OGR_F_GetFieldAsInteger64(f, k);
        } else if (col->type == GK_FIELD_DOUBLE) {
            col->dbls[i] = OGR_F_GetFieldAsDouble(f, k);
        } else if (!(col->strs[i] = gk_strdup(OGR_F_GetFieldAsString(f, k)))) {
            return nomem(r);
        }
    }
    return GK_OK;
}

static gk_status_t read_crs(reader_t *r, OGRLayerH layer)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    if (!srs)
        return GK_OK;
    char *wkt = NULL;
    const char *opts[] = {"FORMAT=WKT2_2019", NULL};
    if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return gk_error(r->ctx, GK_ERR_CRS, "%s: the CRS cannot be exported",
                        r->label);
    }
    gk_status_t st = gk_crs_from_string(r->ctx, wkt, &r->l->crs);
    CPLFree(wkt);
    if (st != GK_OK)
        return gk_error(r->ctx, st, "%s: %s", r->label,
                        gk_errmsg(r->ctx));
    return GK_OK;
}

static OGRLayerH find_layer(reader_t *r, GDALDatasetH ds, const char *name,
                            const char *path, gk_status_t *st)
{
    OGRLayerH layer = name ? GDALDatasetGetLayerByName(ds, name)
                           : GDALDatasetGetLayer(ds, 0);
    if (layer)
        return layer;
    char names[256] = "";
    int n = GDALDatasetGetLayerCount(ds);
    for (int k = 0; k < n && strlen(names) < 200; k++) {
        if (k)
            strcat(names, ", ");
        strncat(names, OGR_L_GetName(GDALDatasetGetLayer(ds, k)), 60);
    }
    *st = name ? gk_error(r->ctx, GK_ERR_INPUT,
                          "%s: no layer named \"%s\" (layers: %s)", path,
                          name, names)
               : gk_error(r->ctx, GK_ERR_INPUT, "%s: no vector layer", path);
    return NULL;
}

static gk_status_t read_features(reader_t *r, OGRLayerH layer)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int nf = OGR_FD_GetFieldCount(defn);
    for (int k = 0; k < nf; k++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, k);
        if (!gk_layer_add_column(r->l, OGR_Fld_GetNameRef(fd),
                                 field_type(OGR_Fld_GetType(fd))))
            return nomem(r);
    }
    GIntBig total = OGR_L_GetFeatureCount(layer, FALSE);
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    size_t i = 0;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        gk_status_t st = GK_OK;
        int64_t fid = OGR_F_GetFID(f);
        if (!gk_layer_reserve_feature(r->l, i + 1))
            st = nomem(r);
        if (st == GK_OK)
            st = add_geometry(r, OGR_F_GetGeometryRef(f), fid);
        if (st == GK_OK) {
            r->l->fids[i] = fid == OGRNullFID ? (int64_t)i : fid;
            st = read_attributes(r, f, i);
        }
        OGR_F_Destroy(f);
        if (st != GK_OK)
            return st;
        i++;
        if (total > 0 && i % 4096 == 0 &&
            !gk_progress(r->ctx, (double)i / (double)total, "read"))
            return GK_ERR_INTERRUPTED;
    }
    if (CPLGetLastErrorType() >= CE_Failure && *gk_ctx_depmsg(r->ctx))
        return gk_error(r->ctx, GK_ERR_FORMAT, "%s: after feature %zu: %s",
                        r->label, i, gk_ctx_depmsg(r->ctx));
    return GK_OK;
}

GDALDatasetH gk_ogr_open(gk_context_t *ctx, const char *path, gk_status_t *st)
{
    struct stat sb;
    if (!path || !*path) {
        *st = gk_error(ctx, GK_ERR_ARG, "no input file given");
        return NULL;
    }
    /* GDAL paths may be virtual (/vsizip/...) or connection strings, so
     * only a plain path that does not exist is reported as missing. */
    if (strncmp(path, "/vsi", 4) != 0 && strchr(path, ':') == NULL &&
        stat(path, &sb) != 0) {
        *st = gk_error(ctx, GK_ERR_IO, "%s: no such file", path);
        return NULL;
    }
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, NULL, NULL);
    if (!ds) {
        const char *why = gk_ctx_depmsg(ctx);
        *st = gk_error(ctx, GK_ERR_FORMAT,
                       "%s: not a readable vector file%s%s", path,
                       *why ? ": " : "", why);
    }
    return ds;
}

gk_status_t gk_layer_read(gk_context_t *ctx, const char *path,
                          const gk_read_opts_t *opts, gk_layer_t **out)
{
    if (!ctx || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_layer_read: NULL argument");
    *out = NULL;
    gk_read_opts_t defaults = {0};
    if (!opts)
        opts = &defaults;

    gk_gdal_enter(ctx);
    gk_status_t st = GK_OK;
    reader_t r = {.ctx = ctx, .drop_z = opts->drop_z};
    GDALDatasetH ds = gk_ogr_open(ctx, path, &st);
    OGRLayerH layer = ds ? find_layer(&r, ds, opts->layer, path, &st) : NULL;
    if (layer) {
        r.l = gk_layer_alloc(path, OGR_L_GetName(layer));
        if (!r.l)
            st = gk_error_nomem(ctx, "a layer");
    }
    if (r.l) {
        gk_layer_label(r.l, r.label, sizeof r.label);
        if (opts->where &&
            OGR_L_SetAttributeFilter(layer, opts->where) != OGRERR_NONE)
            st = gk_error(ctx, GK_ERR_INPUT, "%s: invalid filter \"%s\": %s",
                          r.label, opts->where, gk_ctx_depmsg(ctx));
        if (st == GK_OK)
            st = read_crs(&r, layer);
        if (st == GK_OK)
            st = read_features(&r, layer);
    }
    if (ds)
        GDALClose(ds);
    gk_gdal_leave(ctx);
    if (st != GK_OK) {
        gk_layer_free(r.l);
        return st;
    }
    *out = r.l;
    return GK_OK;
}
