/*
 * lib/io/source_info.c - describe a vector source without reading its
 * features (for `geokota info`).
 */
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io_internal.h"
#include "ogr_internal.h"

/* Owned strings behind one gk_layer_info_t view. */
typedef struct layer_store {
    char *name, *geometry_type, *crs_name, *crs_authority;
    char **field_names, **field_types;
    size_t nfields;
} layer_store_t;

struct gk_source_info {
    char *driver;
    gk_layer_info_t *layers; /* public views */
    layer_store_t *stores;   /* what they point at */
    size_t nlayers;
};

static void free_store(layer_store_t *s)
{
    free(s->name);
    free(s->geometry_type);
    free(s->crs_name);
    free(s->crs_authority);
    for (size_t k = 0; k < s->nfields; k++) {
        free(s->field_names[k]);
        free(s->field_types[k]);
    }
    free(s->field_names);
    free(s->field_types);
}

void gk_source_info_free(gk_source_info_t *info)
{
    if (!info)
        return;
    for (size_t i = 0; i < info->nlayers; i++)
        free_store(&info->stores[i]);
    free(info->stores);
    free(info->layers);
    free(info->driver);
    free(info);
}

static bool describe_layer(OGRLayerH layer, layer_store_t *s,
                           gk_layer_info_t *li)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    const char *auth = srs ? OSRGetAuthorityName(srs, NULL) : NULL;
    const char *code = srs ? OSRGetAuthorityCode(srs, NULL) : NULL;
    char authbuf[64] = "";
    if (auth && code)
        snprintf(authbuf, sizeof authbuf, "%s:%s", auth, code);
    s->name = gk_strdup(OGR_L_GetName(layer));
    s->geometry_type =
        gk_strdup(OGRGeometryTypeToName(OGR_L_GetGeomType(layer)));
    const char *crs_name = srs ? OSRGetName(srs) : NULL;
    s->crs_name = gk_strdup(crs_name ? crs_name : "");
    s->crs_authority = gk_strdup(authbuf);
    int nf = OGR_FD_GetFieldCount(defn);
    s->field_names = calloc((size_t)nf + 1, sizeof(char *));
    s->field_types = calloc((size_t)nf + 1, sizeof(char *));
    if (!s->name || !s->geometry_type || !s->crs_name || !s->crs_authority ||
        !s->field_names || !s->field_types)
        return false;
    for (int k = 0; k < nf; k++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, k);
        s->field_names[k] = gk_strdup(OGR_Fld_GetNameRef(fd));
        s->field_types[k] =
            gk_strdup(OGR_GetFieldTypeName(OGR_Fld_GetType(fd)));
        s->nfields = (size_t)k + 1;
        if (!s->field_names[k] || !s->field_types[k])
            return false;
    }
    li->name = s->name;
    li->feature_count = OGR_L_GetFeatureCount(layer, TRUE);
    li->geometry_type = s->geometry_type;
    li->crs_name = s->crs_name;
    li->crs_authority = s->crs_authority;
    OGREnvelope env;
    if (OGR_L_GetExtent(layer, &env, TRUE) == OGRERR_NONE) {
        li->has_extent = true;
        li->extent = (gk_box_t){env.MinX, env.MinY, env.MaxX, env.MaxY};
    }
    li->num_fields = s->nfields;
    li->field_names = (const char *const *)s->field_names;
    li->field_types = (const char *const *)s->field_types;
    return true;
}

gk_status_t gk_source_describe(gk_context_t *ctx, const char *path,
                               gk_source_info_t **out)
{
    if (!ctx || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_source_describe: NULL argument");
    *out = NULL;
    gk_gdal_enter(ctx);
    gk_status_t st = GK_OK;
    GDALDatasetH ds = gk_ogr_open(ctx, path, &st);
    gk_source_info_t *info = ds ? calloc(1, sizeof *info) : NULL;
    if (ds && !info)
        st = gk_error_nomem(ctx, "a source description");
    if (info) {
        int n = GDALDatasetGetLayerCount(ds);
        info->driver = gk_strdup(GDALGetDriverShortName(GDALGetDatasetDriver(ds)));
        info->layers = calloc((size_t)n + 1, sizeof *info->layers);
        info->stores = calloc((size_t)n + 1, sizeof *info->stores);
        if (!info->driver || !info->layers || !info->stores)
            st = gk_error_nomem(ctx, "a source description");
        for (int k = 0; k < n && st == GK_OK; k++) {
            info->nlayers = (size_t)k + 1;
            if (!describe_layer(GDALDatasetGetLayer(ds, k), &info->stores[k],
                                &info->layers[k]))
                st = gk_error_nomem(ctx, "a layer description");
        }
    }
    if (ds)
        GDALClose(ds);
    gk_gdal_leave(ctx);
    if (st != GK_OK) {
        gk_source_info_free(info);
        return st;
    }
    *out = info;
    return GK_OK;
}

const char *gk_source_driver(const gk_source_info_t *info)
{
    return info->driver;
}

size_t gk_source_num_layers(const gk_source_info_t *info)
{
    return info->nlayers;
}

const gk_layer_info_t *gk_source_layer(const gk_source_info_t *info, size_t i)
{
    return i < info->nlayers ? &info->layers[i] : NULL;
}
