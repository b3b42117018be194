/*
 * lib/assets/store.c - opening a SpatiaLite asset store: the connection
 * (SpatiaLite loaded per connection, WAL, busy timeout), the versioned
 * schema and its migrations, and errors that name the file.
 *
 * Schema history (each step is one transaction, applied in order on open):
 *   1: gk_meta, asset_kinds, assets (+ geometry column and R*Tree index)
 *   2: asset_log, the change log
 *   3: asset_log.detail; an import logs its inserts as one row (op
 *      'import', detail: count, fid range and ids), updates stay one row
 *      per asset
 * A store whose schema_version is above GK_ASSETS_SCHEMA_VERSION was made
 * by a newer geokota: refused, never touched.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assets_internal.h"

/* After sqlite3.h, which it needs. */
#include <spatialite.h>

gk_status_t gk_assets_sqlerr(gk_context_t *ctx, const gk_assets_t *s, int rc,
                             const char *doing)
{
    int prim = rc & 0xff;
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    const char *path = s && s->path ? s->path : "asset store";
    gk_status_t code = GK_ERR_DEP;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
        return gk_error(ctx, GK_ERR_IO,
                        "%s: database is locked (another program is writing "
                        "to it; try again when it is done)%s%s",
                        path, doing ? " while " : "", doing ? doing : "");
    }
    if (prim == SQLITE_CANTOPEN || prim == SQLITE_IOERR ||
        prim == SQLITE_FULL || prim == SQLITE_READONLY ||
        prim == SQLITE_PERM)
        code = GK_ERR_IO;
    else if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        code = GK_ERR_FORMAT;
    else if (prim == SQLITE_NOMEM)
        code = GK_ERR_NOMEM;
    return gk_error(ctx, code, "%s: %s%s%s", path, msg, doing ? " while " : "",
                    doing ? doing : "");
}

gk_status_t gk_assets_exec(gk_context_t *ctx, const gk_assets_t *s,
                           const char *sql)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? GK_OK : gk_assets_sqlerr(ctx, s, rc, NULL);
}

gk_status_t gk_assets_prepare(gk_context_t *ctx, const gk_assets_t *s,
                              const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? GK_OK : gk_assets_sqlerr(ctx, s, rc, NULL);
}

/* One integer from a query; def when there is no row. */
static gk_status_t query_int(gk_context_t *ctx, const gk_assets_t *s,
                             const char *sql, int64_t def, int64_t *out)
{
    sqlite3_stmt *st;
    gk_status_t code = gk_assets_prepare(ctx, s, sql, &st);
    if (code != GK_OK)
        return code;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        *out = def;
    else
        code = gk_assets_sqlerr(ctx, s, rc, NULL);
    sqlite3_finalize(st);
    return code;
}

int64_t gk_assets_data_version(gk_context_t *ctx, const gk_assets_t *s)
{
    int64_t v = -1;
    if (query_int(ctx, s,
                  "SELECT CAST(value AS INTEGER) FROM gk_meta "
                  "WHERE key = 'data_version'",
                  0, &v) != GK_OK)
        return -1;
    return v;
}

/* The steps that bring a schema from version v-1 to v (index v). */
static const char *const schema_steps[] = {
    NULL,
    /* 1 */
    "CREATE TABLE gk_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO gk_meta VALUES ('application', 'geokota asset store'),"
    " ('schema_version', '1'), ('crs', 'EPSG:4326'), ('data_version', '0');"
    "CREATE TABLE asset_kinds (kind TEXT PRIMARY KEY,"
    " geometry TEXT NOT NULL CHECK (geometry IN"
    " ('point', 'line', 'polygon', 'any')),"
    " label TEXT, label_id TEXT, description TEXT);"
    "CREATE TABLE assets (fid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL, condition TEXT, installed TEXT, district TEXT,"
    " attrs TEXT NOT NULL DEFAULT '{}', updated TEXT NOT NULL);"
    "SELECT AddGeometryColumn('assets', 'geom', 4326, 'GEOMETRY', 'XY', 1);"
    "SELECT CreateSpatialIndex('assets', 'geom');"
    "CREATE INDEX assets_kind ON assets (kind);",
    /* 2 */
    "CREATE TABLE asset_log (seq INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " who TEXT NOT NULL, op TEXT NOT NULL, asset_id TEXT NOT NULL,"
    " kind TEXT, old_values TEXT, old_geom BLOB, source TEXT);"
    "CREATE INDEX asset_log_asset ON asset_log (asset_id);",
    /* 3 */
    "ALTER TABLE asset_log ADD COLUMN detail TEXT;",
};

static gk_status_t apply_step(gk_context_t *ctx, gk_assets_t *s, int v)
{
    char sql[96];
    gk_status_t st = gk_assets_exec(ctx, s, schema_steps[v]);
    snprintf(sql, sizeof sql,
             "UPDATE gk_meta SET value = '%d' WHERE key = 'schema_version'", v);
    return st == GK_OK ? gk_assets_exec(ctx, s, sql) : st;
}

gk_status_t gk_assets_create_schema(gk_context_t *ctx, gk_assets_t *s,
                                    int version)
{
    gk_status_t st = gk_assets_exec(ctx, s, "BEGIN IMMEDIATE");
    if (st != GK_OK)
        return st;
    /* WGS84 only: the store's one CRS, without 5,000 reference rows. */
    st = gk_assets_exec(ctx, s, "SELECT InitSpatialMetadata(0, 'WGS84')");
    for (int v = 1; st == GK_OK && v <= version; v++)
        st = apply_step(ctx, s, v);
    if (st == GK_OK)
        st = gk_assets_exec(ctx, s, "COMMIT");
    if (st != GK_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

static bool table_exists(const gk_assets_t *s, const char *name)
{
    sqlite3_stmt *st;
    bool found = false;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                           "AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Check the version; migrate an older schema (one transaction). */
static gk_status_t check_schema(gk_context_t *ctx, gk_assets_t *s)
{
    int64_t v = 0;
    gk_status_t st = query_int(ctx, s,
                               "SELECT CAST(value AS INTEGER) FROM gk_meta "
                               "WHERE key = 'schema_version'",
                               0, &v);
    if (st != GK_OK)
        return st;
    if (v > GK_ASSETS_SCHEMA_VERSION)
        return gk_error(ctx, GK_ERR_UNSUPPORTED,
                        "%s: schema version %lld is newer than this geokota "
                        "reads (%d); use a newer geokota",
                        s->path, (long long)v, GK_ASSETS_SCHEMA_VERSION);
    if (v < 1)
        return gk_error(ctx, GK_ERR_FORMAT,
                        "%s: gk_meta has no valid schema_version", s->path);
    if (v == GK_ASSETS_SCHEMA_VERSION)
        return GK_OK;
    if (s->readonly)
        return gk_error(ctx, GK_ERR_UNSUPPORTED,
                        "%s: schema version %lld needs a migration to %d; "
                        "open it once for writing",
                        s->path, (long long)v, GK_ASSETS_SCHEMA_VERSION);
    st = gk_assets_exec(ctx, s, "BEGIN IMMEDIATE");
    if (st != GK_OK)
        return st;
    /* Read again under the write lock: another process may have migrated
     * the store while we waited. */
    st = query_int(ctx, s,
                   "SELECT CAST(value AS INTEGER) FROM gk_meta "
                   "WHERE key = 'schema_version'",
                   0, &v);
    for (int k = (int)v + 1; st == GK_OK && k <= GK_ASSETS_SCHEMA_VERSION; k++) {
        gk_log(ctx, GK_LOG_INFO, "%s: migrating schema to version %d", s->path,
               k);
        st = apply_step(ctx, s, k);
    }
    if (st == GK_OK)
        st = gk_assets_exec(ctx, s, "COMMIT");
    if (st != GK_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

static gk_status_t connect(gk_context_t *ctx, gk_assets_t *s, bool create)
{
    int oflags = s->readonly ? SQLITE_OPEN_READONLY
                             : SQLITE_OPEN_READWRITE |
                                   (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(s->path, &s->db, oflags | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK)
        return gk_assets_sqlerr(ctx, s, rc, "opening");
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    s->splite = spatialite_alloc_connection();
    if (!s->splite)
        return gk_error_nomem(ctx, "SpatiaLite connection");
    spatialite_init_ex(s->db, s->splite, 0);
    return GK_OK;
}

gk_status_t gk_assets_open(gk_context_t *ctx, const char *path,
                           unsigned flags, gk_assets_t **out)
{
    if (!out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_open: out is NULL");
    *out = NULL;
    if (!path || !*path)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_open: no path");
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    bool create = (flags & GK_ASSETS_CREATE) && !(flags & GK_ASSETS_READONLY);
    if (!exists && !create)
        return gk_error(ctx, GK_ERR_IO, "%s: no such asset store (%s)", path,
                        strerror(errno));
    gk_assets_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = gk_strdup(path))) {
        free(s);
        return gk_error_nomem(ctx, "asset store");
    }
    s->readonly = (flags & GK_ASSETS_READONLY) != 0;
    gk_status_t st = connect(ctx, s, create);
    bool fresh = !exists || sb.st_size == 0;
    /* A file that exists must be a store; an empty one becomes one. */
    if (st == GK_OK && !fresh && !table_exists(s, "gk_meta")) {
        /* table_exists fails quietly on a file that is not SQLite at all:
         * ask SQLite for the reason. */
        int rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master",
                              NULL, NULL, NULL);
        st = rc != SQLITE_OK
                 ? gk_assets_sqlerr(ctx, s, rc, "reading the schema")
                 : gk_error(ctx, GK_ERR_FORMAT,
                            "%s: not a geokota asset store (no gk_meta table)",
                            path);
    }
    if (st == GK_OK && !s->readonly) {
        /* WAL: readers never block the importer, nor it them. NORMAL sync
         * in WAL keeps every commit atomic; a power cut may lose the last
         * one, never corrupt the file. */
        int rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL;"
                                     "PRAGMA synchronous = NORMAL",
                              NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            st = gk_assets_sqlerr(ctx, s, rc, "switching to WAL");
    }
    if (st == GK_OK && fresh) {
        if (!create)
            st = gk_error(ctx, GK_ERR_FORMAT,
                          "%s: empty file, not an asset store", path);
        else
            st = gk_assets_create_schema(ctx, s, GK_ASSETS_SCHEMA_VERSION);
    }
    if (st == GK_OK)
        st = check_schema(ctx, s);
    if (st != GK_OK) {
        gk_assets_close(s);
        return st;
    }
    *out = s;
    return GK_OK;
}

const gk_geodesic_t *gk_assets_geodesic(gk_context_t *ctx, gk_assets_t *s)
{
    if (!s->geo && gk_geodesic_new(ctx, gk_ellipsoid_wgs84(), &s->geo) != GK_OK)
        return NULL;
    return s->geo;
}

void gk_assets_close(gk_assets_t *s)
{
    if (!s)
        return;
    gk_geodesic_free(s->geo);
    gk_asset_snap_free(s->snap);
    sqlite3_finalize(s->row_stmt);
    sqlite3_finalize(s->ver_stmt);
    sqlite3_finalize(s->pv_stmt);
    if (s->db)
        sqlite3_close(s->db);
    if (s->splite)
        spatialite_cleanup_ex(s->splite);
    free(s->path);
    free(s);
}

gk_status_t gk_assets_set_busy_timeout(gk_context_t *ctx, gk_assets_t *s,
                                       int ms)
{
    if (!s || ms < 0)
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_assets_set_busy_timeout: bad store or time");
    sqlite3_busy_timeout(s->db, ms);
    return GK_OK;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return gk_strdup(t ? (const char *)t : "");
}

gk_status_t gk_assets_stats(gk_context_t *ctx, gk_assets_t *s,
                            gk_assets_stats_t **out)
{
    if (!s || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_stats: NULL argument");
    *out = NULL;
    gk_assets_stats_t *r = calloc(1, sizeof *r);
    if (!r)
        return gk_error_nomem(ctx, "asset stats");
    int64_t v = 0;
    gk_status_t st = query_int(ctx, s,
                               "SELECT CAST(value AS INTEGER) FROM gk_meta "
                               "WHERE key = 'schema_version'",
                               0, &v);
    r->schema_version = (int)v;
    r->data_version = gk_assets_data_version(ctx, s);
    if (st == GK_OK && r->data_version < 0)
        st = gk_errcode(ctx);
    if (st == GK_OK)
        st = query_int(ctx, s, "SELECT count(*) FROM assets", 0, &v);
    r->num_assets = (size_t)v;
    if (st == GK_OK)
        st = query_int(ctx, s, "SELECT count(*) FROM asset_log", 0, &v);
    r->num_log = (size_t)v;
    if (st == GK_OK)
        st = query_int(ctx, s, "SELECT count(*) FROM asset_kinds", 0, &v);
    r->num_kinds = (size_t)v;
    snprintf(r->crs, sizeof r->crs, "EPSG:4326");
    snprintf(r->spatialite_version, sizeof r->spatialite_version, "%s",
             spatialite_version());
    r->bounds = (gk_box_t){NAN, NAN, NAN, NAN};
    sqlite3_stmt *q = NULL;
    if (st == GK_OK) {
        r->kinds = gk_calloc_array(r->num_kinds + 1, sizeof *r->kinds);
        r->kind_geometry =
            gk_calloc_array(r->num_kinds + 1, sizeof *r->kind_geometry);
        r->kind_counts =
            gk_calloc_array(r->num_kinds + 1, sizeof *r->kind_counts);
        if (!r->kinds || !r->kind_geometry || !r->kind_counts)
            st = gk_error_nomem(ctx, "asset stats");
    }
    if (st == GK_OK)
        st = gk_assets_prepare(ctx, s,
                               "SELECT k.kind, k.geometry, (SELECT count(*) "
                               "FROM assets a WHERE a.kind = k.kind) FROM "
                               "asset_kinds k ORDER BY k.kind",
                               &q);
    size_t i = 0;
    int rc = SQLITE_DONE;
    while (st == GK_OK && i < r->num_kinds &&
           (rc = sqlite3_step(q)) == SQLITE_ROW) {
        r->kinds[i] = dup_col(q, 0);
        r->kind_geometry[i] = dup_col(q, 1);
        r->kind_counts[i] = (size_t)sqlite3_column_int64(q, 2);
        if (!r->kinds[i] || !r->kind_geometry[i])
            st = gk_error_nomem(ctx, "asset stats");
        i++;
    }
    r->num_kinds = i;
    sqlite3_finalize(q);
    q = NULL;
    if (st == GK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = gk_assets_sqlerr(ctx, s, rc, NULL);
    /* Bounds from SpatiaLite's own R*Tree: its root box, no table scan. */
    if (st == GK_OK &&
        gk_assets_prepare(ctx, s,
                          "SELECT min(xmin), min(ymin), max(xmax), max(ymax) "
                          "FROM idx_assets_geom",
                          &q) == GK_OK &&
        sqlite3_step(q) == SQLITE_ROW &&
        sqlite3_column_type(q, 0) != SQLITE_NULL) {
        r->bounds.xmin = sqlite3_column_double(q, 0);
        r->bounds.ymin = sqlite3_column_double(q, 1);
        r->bounds.xmax = sqlite3_column_double(q, 2);
        r->bounds.ymax = sqlite3_column_double(q, 3);
    }
    sqlite3_finalize(q);
    if (st != GK_OK) {
        gk_assets_stats_free(r);
        return st;
    }
    gk_clear_error(ctx);
    *out = r;
    return GK_OK;
}

void gk_assets_stats_free(gk_assets_stats_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->num_kinds; i++) {
        free(r->kinds[i]);
        free(r->kind_geometry[i]);
    }
    free(r->kinds);
    free(r->kind_geometry);
    free(r->kind_counts);
    free(r);
}
