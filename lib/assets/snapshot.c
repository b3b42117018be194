/*
 * lib/assets/snapshot.c - the in-memory snapshot the queries run on: every
 * asset's id, kind and lon/lat geometry in columnar arrays, and packed
 * geokota R-trees over their boxes (one for all assets, one per kind, so a
 * kind filter costs nothing).
 *
 * It is rebuilt when the store changed since it was read: the key is the
 * store's own data_version (bumped by every geokota write) together with
 * SQLite's PRAGMA data_version (which moves when any other connection,
 * e.g. QGIS, commits). Reading a million points takes about a second;
 * queries then cost microseconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"

void gk_asset_snap_free(gk_asset_snap_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->id[i]);
    for (size_t k = 0; k < s->nkinds; k++) {
        free(s->kinds[k]);
        if (s->by_kind)
            gk_rtree_free(s->by_kind[k]);
    }
    free(s->by_kind);
    free(s->kinds);
    free(s->id);
    free(s->fid);
    free(s->kind);
    free(s->box);
    gk_rtree_free(s->all);
    gk_geomcol_clear(&s->geoms);
    free(s);
}

int gk_asset_snap_kind(const gk_asset_snap_t *s, const char *name)
{
    size_t lo = 0, hi = s->nkinds;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->kinds[mid], name);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

gk_status_t gk_asset_filter_mask(gk_context_t *ctx, const gk_asset_snap_t *s,
                                 const gk_assets_filter_t *f, bool **mask)
{
    bool *m = gk_calloc_array(s->nkinds + 1, sizeof *m);
    if (!m)
        return gk_error_nomem(ctx, "kind filter");
    for (size_t k = 0; k < s->nkinds; k++)
        m[k] = !f || f->nkinds == 0;
    for (size_t j = 0; f && j < f->nkinds; j++) {
        int k = f->kinds[j] ? gk_asset_snap_kind(s, f->kinds[j]) : -1;
        if (k < 0) {
            free(m);
            return gk_error(ctx, GK_ERR_ARG,
                            "unknown kind '%s' (the store's kinds: see "
                            "geokota assets info)",
                            f->kinds[j] ? f->kinds[j] : "(null)");
        }
        m[k] = true;
    }
    *mask = m;
    return GK_OK;
}

static gk_status_t read_kinds(gk_context_t *ctx, gk_assets_t *st_,
                              gk_asset_snap_t *s)
{
    sqlite3_stmt *q;
    gk_status_t st = gk_assets_prepare(
        ctx, st_,
        "SELECT kind FROM asset_kinds UNION SELECT kind FROM assets "
        "ORDER BY 1",
        &q);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    while (st == GK_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (s->nkinds == cap) {
            cap = cap ? 2 * cap : 32;
            char **p = gk_realloc_array(s->kinds, cap, sizeof *p);
            if (!p) {
                st = gk_error_nomem(ctx, "kinds");
                break;
            }
            s->kinds = p;
        }
        s->kinds[s->nkinds] = gk_strdup((const char *)sqlite3_column_text(q, 0));
        if (!s->kinds[s->nkinds++])
            st = gk_error_nomem(ctx, "kinds");
    }
    if (st == GK_OK && rc != SQLITE_DONE)
        st = gk_assets_sqlerr(ctx, st_, rc, "reading kinds");
    sqlite3_finalize(q);
    if (st == GK_OK && s->nkinds > 65535)
        st = gk_error(ctx, GK_ERR_UNSUPPORTED, "%s: more than 65535 kinds",
                      st_->path);
    return st;
}

/* A geometry SpatiaLite stores in a form we do not parse (compressed):
 * let SpatiaLite rewrite it as plain XY. */
static bool decode_via_sql(gk_assets_t *store, int64_t fid, gk_geomcol_t *c,
                           bool *nomem)
{
    sqlite3_stmt *q;
    bool okd = false;
    if (sqlite3_prepare_v2(store->db,
                           "SELECT CastToXY(geom) FROM assets WHERE fid = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_int64(q, 1, fid);
    if (sqlite3_step(q) == SQLITE_ROW)
        okd = gk_splite_decode(sqlite3_column_blob(q, 0),
                               (size_t)sqlite3_column_bytes(q, 0), c, nomem);
    sqlite3_finalize(q);
    return okd;
}

static gk_status_t read_assets(gk_context_t *ctx, gk_assets_t *store,
                               gk_asset_snap_t *s)
{
    sqlite3_stmt *q;
    gk_status_t st = gk_assets_prepare(
        ctx, store, "SELECT fid, id, kind, geom FROM assets ORDER BY fid", &q);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    while (st == GK_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (s->n == cap) {
            cap = cap ? 2 * cap : 1024;
            int64_t *f = gk_realloc_array(s->fid, cap, sizeof *f);
            if (f)
                s->fid = f;
            char **id = gk_realloc_array(s->id, cap, sizeof *id);
            if (id)
                s->id = id;
            uint16_t *k = gk_realloc_array(s->kind, cap, sizeof *k);
            if (k)
                s->kind = k;
            if (!f || !id || !k) {
                st = gk_error_nomem(ctx, "asset snapshot");
                break;
            }
        }
        size_t i = s->n;
        s->fid[i] = sqlite3_column_int64(q, 0);
        s->id[i] = gk_strdup((const char *)sqlite3_column_text(q, 1));
        const char *kind = (const char *)sqlite3_column_text(q, 2);
        int k = kind ? gk_asset_snap_kind(s, kind) : -1;
        s->kind[i] = (uint16_t)(k < 0 ? 0 : k);
        s->n++;
        if (!s->id[i]) {
            st = gk_error_nomem(ctx, "asset snapshot");
            break;
        }
        bool nomem = false;
        const void *blob = sqlite3_column_blob(q, 3);
        size_t len = (size_t)sqlite3_column_bytes(q, 3);
        if (!blob) {
            /* No geometry: keep the asset, with an empty one. */
            if (!gk_geomcol_begin_geom(&s->geoms, GK_GEOM_NONE))
                st = gk_error_nomem(ctx, "asset snapshot");
        } else if (!gk_splite_decode(blob, len, &s->geoms, &nomem) &&
                   !nomem && !decode_via_sql(store, s->fid[i], &s->geoms,
                                             &nomem)) {
            st = nomem ? gk_error_nomem(ctx, "asset snapshot")
                       : gk_error(ctx, GK_ERR_FORMAT,
                                  "%s: asset '%s' (fid %lld): geometry is not "
                                  "a SpatiaLite geometry",
                                  store->path, s->id[i],
                                  (long long)s->fid[i]);
        } else if (nomem) {
            st = gk_error_nomem(ctx, "asset snapshot");
        }
    }
    if (st == GK_OK && rc != SQLITE_DONE)
        st = gk_assets_sqlerr(ctx, store, rc, "reading assets");
    sqlite3_finalize(q);
    return st;
}

static gk_status_t build_trees(gk_context_t *ctx, gk_asset_snap_t *s)
{
    gk_geoms_t g = gk_geomcol_view(&s->geoms);
    s->box = gk_calloc_array(s->n + 1, sizeof *s->box);
    gk_box_t *boxes = gk_calloc_array(s->n + 1, sizeof *boxes);
    int64_t *ids = gk_calloc_array(s->n + 1, sizeof *ids);
    size_t *count = gk_calloc_array(s->nkinds + 1, sizeof *count);
    s->by_kind = gk_calloc_array(s->nkinds + 1, sizeof *s->by_kind);
    gk_status_t st = GK_OK;
    if (!s->box || !boxes || !ids || !count || !s->by_kind)
        st = gk_error_nomem(ctx, "asset index");
    s->lat_min = INFINITY;
    s->lat_max = -INFINITY;
    size_t m = 0;
    for (size_t i = 0; st == GK_OK && i < s->n; i++) {
        s->box[i] = gk_geoms_feature_box(&g, i);
        if (!(s->box[i].xmin <= s->box[i].xmax))
            continue; /* empty geometry: never found */
        boxes[m] = s->box[i];
        ids[m++] = (int64_t)i;
        count[s->kind[i]]++;
        s->lat_min = fmin(s->lat_min, s->box[i].ymin);
        s->lat_max = fmax(s->lat_max, s->box[i].ymax);
    }
    if (st == GK_OK)
        st = gk_rtree_build(ctx, boxes, ids, m, NULL, &s->all);
    /* Per kind: gather that kind's items (stable order), then build. */
    for (size_t k = 0; st == GK_OK && k < s->nkinds; k++) {
        size_t mk = count[k];
        int64_t *kid = gk_calloc_array(mk + 1, sizeof *kid);
        gk_box_t *kbox = gk_calloc_array(mk + 1, sizeof *kbox);
        if (!kid || !kbox) {
            free(kid);
            free(kbox);
            st = gk_error_nomem(ctx, "asset index");
            break;
        }
        size_t t = 0;
        for (size_t j = 0; j < m; j++)
            if (s->kind[ids[j]] == k) {
                kid[t] = ids[j];
                kbox[t++] = s->box[ids[j]];
            }
        st = gk_rtree_build(ctx, kbox, kid, mk, NULL, &s->by_kind[k]);
        free(kid);
        free(kbox);
    }
    free(boxes);
    free(ids);
    free(count);
    return st;
}

/* The two halves of the freshness key (statements kept: a query must not
 * pay two prepares). */
static gk_status_t version_key(gk_context_t *ctx, gk_assets_t *store,
                               int64_t *key)
{
    gk_status_t st = GK_OK;
    if (!store->ver_stmt)
        st = gk_assets_prepare(ctx, store,
                               "SELECT CAST(value AS INTEGER) FROM gk_meta "
                               "WHERE key = 'data_version'",
                               &store->ver_stmt);
    if (st == GK_OK && !store->pv_stmt)
        st = gk_assets_prepare(ctx, store, "PRAGMA data_version",
                               &store->pv_stmt);
    if (st != GK_OK)
        return st;
    int rc = sqlite3_step(store->ver_stmt);
    int64_t dv = rc == SQLITE_ROW ? sqlite3_column_int64(store->ver_stmt, 0)
                                  : 0;
    sqlite3_reset(store->ver_stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gk_assets_sqlerr(ctx, store, rc, "reading the data version");
    rc = sqlite3_step(store->pv_stmt);
    int64_t pv = rc == SQLITE_ROW ? sqlite3_column_int64(store->pv_stmt, 0)
                                  : 0;
    sqlite3_reset(store->pv_stmt);
    *key = dv * 1000003 + pv;
    return GK_OK;
}

void gk_assets_read_done(gk_assets_t *s)
{
    if (s && s->in_read) {
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        s->in_read = false;
    }
}

gk_status_t gk_assets_snapshot(gk_context_t *ctx, gk_assets_t *store,
                               const gk_asset_snap_t **out)
{
    if (!store || !out)
        return gk_error(ctx, GK_ERR_ARG, "asset query: NULL argument");
    /* One read transaction for the whole query, ended by
     * gk_assets_read_done(): kinds, assets and attributes all from the
     * same state, and one lock instead of one per statement. */
    if (sqlite3_get_autocommit(store->db) &&
        sqlite3_exec(store->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
        store->in_read = true;
    int64_t key = 0;
    gk_status_t st = version_key(ctx, store, &key);
    if (st != GK_OK)
        return st;
    if (store->snap && store->snap->data_version == key) {
        *out = store->snap;
        return GK_OK;
    }
    gk_asset_snap_free(store->snap);
    store->snap = NULL;
    gk_asset_snap_t *s = calloc(1, sizeof *s);
    if (!s)
        return gk_error_nomem(ctx, "asset snapshot");
    gk_geomcol_init(&s->geoms);
    st = read_kinds(ctx, store, s);
    if (st == GK_OK)
        st = read_assets(ctx, store, s);
    if (st == GK_OK)
        st = build_trees(ctx, s);
    if (st != GK_OK) {
        gk_asset_snap_free(s);
        return st;
    }
    s->data_version = key;
    store->snap = s;
    *out = s;
    return GK_OK;
}
