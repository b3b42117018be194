/*
 * lib/assets/assets_internal.h - the store's handle, its in-memory
 * snapshot, and what the files of lib/assets share. Not installed.
 */
#ifndef GK_ASSETS_INTERNAL_H
#define GK_ASSETS_INTERNAL_H

#include <sqlite3.h>

#include "core/core_internal.h"
#include "geokota/assets.h"
#include "geom/geom_internal.h"

/* The in-memory snapshot the queries run on (snapshot.c). Item i of the
 * trees is asset i of these arrays. */
typedef struct gk_asset_snap {
    int64_t data_version; /* of the store when it was read */
    size_t n;
    int64_t *fid;         /* row id of each asset */
    char **id;            /* asset ids */
    uint16_t *kind;       /* index into kinds */
    gk_geomcol_t geoms;   /* lon/lat */
    gk_box_t *box;        /* each asset's box */
    size_t nkinds;
    char **kinds;         /* sorted names */
    gk_rtree_t *all;      /* over every asset */
    gk_rtree_t **by_kind; /* nkinds trees (item ids: snapshot indexes) */
    double lat_min, lat_max; /* of all assets */
} gk_asset_snap_t;

struct gk_assets {
    sqlite3 *db;
    void *splite; /* SpatiaLite's per-connection cache */
    char *path;
    bool readonly;
    gk_asset_snap_t *snap; /* NULL until the first query */
    sqlite3_stmt *row_stmt; /* attributes by fid, for result rows */
    gk_geodesic_t *geo;     /* WGS 84 tables, made on first use */
    sqlite3_stmt *ver_stmt, *pv_stmt; /* the snapshot's freshness key */
    bool in_read; /* a query's read transaction is open */
};

/* End the read transaction gk_assets_snapshot() opened for a query (one
 * transaction per query: one file lock instead of one per statement). */
void gk_assets_read_done(gk_assets_t *s);

/* The store's WGS 84 geodesic tables (built once: about a millisecond,
 * too much to pay per query). NULL with the error set on failure. */
const gk_geodesic_t *gk_assets_geodesic(gk_context_t *ctx, gk_assets_t *s);

/* store.c */
/* Error from SQLite as a geokota error naming the store's file:
 * "city.sqlite: database is locked" (GK_ERR_IO for locks and disk
 * errors, GK_ERR_FORMAT for a corrupt or foreign file, else GK_ERR_DEP). */
gk_status_t gk_assets_sqlerr(gk_context_t *ctx, const gk_assets_t *s,
                             int rc, const char *doing);
/* Run SQL with no result rows. */
gk_status_t gk_assets_exec(gk_context_t *ctx, const gk_assets_t *s,
                           const char *sql);
/* Prepare a statement (error named as above). */
gk_status_t gk_assets_prepare(gk_context_t *ctx, const gk_assets_t *s,
                              const char *sql, sqlite3_stmt **st);
/* The store's data version (gk_meta), or -1 with an error. */
int64_t gk_assets_data_version(gk_context_t *ctx, const gk_assets_t *s);
/* Create the schema of a given version in an empty database (the tests
 * build version-1 stores to check the migration). */
gk_status_t gk_assets_create_schema(gk_context_t *ctx, gk_assets_t *s,
                                    int version);

/* blob.c: SpatiaLite's geometry BLOB format (little-endian, XY). */
/* Encode feature i of g with SRID srid; *blob is malloc'ed. */
gk_status_t gk_splite_encode(const gk_geoms_t *g, size_t i, int32_t srid,
                             unsigned char **blob, size_t *len);
/* Decode a BLOB and append it to c as one feature; false when the BLOB is
 * not a plain XY/XYZ/XYM/XYZM SpatiaLite geometry we read (compressed
 * forms), or memory runs out (*nomem set). */
bool gk_splite_decode(const unsigned char *blob, size_t len, gk_geomcol_t *c,
                      bool *nomem);

/* rtree_bulk.c */
/* Fill the empty SQLite R*Tree `name` (columns pkid, xmin, xmax, ymin,
 * ymax) with entries ids[i]/boxes[i] as a packed tree whose leaves follow
 * order[] (a permutation of 0..n-1, e.g. Hilbert order). ids should rise
 * with i (they are appended to the rowid table in that order). *done is
 * false, and nothing written, when the tree is not empty or not in a
 * format this writes: the caller then inserts through the virtual table. */
gk_status_t gk_rtree_bulk_fill(gk_context_t *ctx, gk_assets_t *s,
                               const char *name, const int64_t *ids,
                               const gk_box_t *boxes, const uint32_t *order,
                               size_t n, bool *done);

/* snapshot.c */
/* The snapshot, (re)built when the store's data version moved. */
gk_status_t gk_assets_snapshot(gk_context_t *ctx, gk_assets_t *s,
                               const gk_asset_snap_t **out);
void gk_asset_snap_free(gk_asset_snap_t *snap);
/* Kind index of name, or -1. */
int gk_asset_snap_kind(const gk_asset_snap_t *snap, const char *name);
/* Mark the kinds a filter allows (nkinds flags, all true for NULL);
 * GK_ERR_ARG naming an unknown kind. *any_ is false when the filter
 * names kinds none of which has an asset. */
gk_status_t gk_asset_filter_mask(gk_context_t *ctx,
                                 const gk_asset_snap_t *snap,
                                 const gk_assets_filter_t *f, bool **mask);

/* rows.c: build result sets from snapshot indexes. */
typedef struct gk_hit {
    size_t asset;  /* snapshot index */
    int64_t group;
    double dist;
} gk_hit_t;
gk_status_t gk_asset_rows_make(gk_context_t *ctx, gk_assets_t *s,
                               const gk_asset_snap_t *snap,
                               const gk_hit_t *hits, size_t n,
                               gk_asset_rows_t **out);
/* Sort hits by group, distance, id. */
void gk_hits_sort(gk_hit_t *hits, size_t n, const gk_asset_snap_t *snap);

/* distance.c: true distances between lon/lat geometries. */
/* Metres per degree of latitude and of longitude at latitude lat (deg). */
void gk_deg_scale(double lat, double *m_per_deg_lat, double *m_per_deg_lon);
/* A lower bound of metres per degree of box gap for points with latitude
 * in [lat0, lat1]: min of both scales over the band (with margin). */
double gk_deg_scale_min(double lat0, double lat1);
/* True distance in m between feature i of a and feature j of b (0 when
 * they touch or one contains the other). geo: WGS 84 tables. */
double gk_geom_distance_m(const gk_geodesic_t *geo, const gk_geoms_t *a,
                          size_t i, const gk_geoms_t *b, size_t j);
/* Geodesic distance between two lon/lat points, m. */
double gk_point_distance_m(const gk_geodesic_t *geo, double lon1, double lat1,
                           double lon2, double lat2);

/* layers.c: the coordinates of a layer in lon/lat: *view is the layer's
 * geometry with xy replaced by a transformed copy (*owned, to free) unless
 * the layer is already WGS 84 lon/lat (*owned NULL). GK_ERR_CRS for a
 * layer without CRS. */
gk_status_t gk_assets_lonlat_xy(gk_context_t *ctx, const gk_layer_t *l,
                                double **owned, gk_geoms_t *view);
/* GK_ERR_INPUT_GEOM_TYPE unless every non-empty feature of l has base type
 * `want` (what: "roads", "polygons"). */
gk_status_t gk_assets_check_type(gk_context_t *ctx, const gk_layer_t *l,
                                 gk_geom_type_t want, const char *what);

#endif /* GK_ASSETS_INTERNAL_H */
