/*
 * lib/assets/rows.c - result sets: the hits of a query, sorted, with each
 * asset's attributes read from the database by row id and its geometry
 * copied from the snapshot.
 */
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"

typedef struct rows_priv {
    gk_geomcol_t geoms;
} rows_priv_t;

void gk_asset_rows_free(gk_asset_rows_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->ids)
            free(r->ids[i]);
        if (r->kinds)
            free(r->kinds[i]);
        if (r->condition)
            free(r->condition[i]);
        if (r->installed)
            free(r->installed[i]);
        if (r->district)
            free(r->district[i]);
        if (r->attrs)
            free(r->attrs[i]);
    }
    free(r->ids);
    free(r->kinds);
    free(r->condition);
    free(r->installed);
    free(r->district);
    free(r->attrs);
    free(r->distance_m);
    free(r->group);
    free(r->fid);
    rows_priv_t *p = r->priv_;
    if (p) {
        gk_geomcol_clear(&p->geoms);
        free(p);
    }
    free(r);
}

/* Append feature i of g to c (the snapshot has no z, so only xy). */
static bool copy_feature(gk_geomcol_t *c, const gk_geoms_t *g, size_t i)
{
    gk_geoms_t one = *g;
    one.ngeoms = 1;
    one.types += i;
    one.geom_off += i;
    return gk_geomcol_append_view(c, &one);
}

static char *col_dup(sqlite3_stmt *q, int c)
{
    const unsigned char *t = sqlite3_column_text(q, c);
    return t ? gk_strdup((const char *)t) : NULL;
}

/* qsort has no user pointer and the order needs the snapshot's ids: a
 * merge sort that takes it explicitly (no static state). */
static int cmp_hit_s(const gk_hit_t *a, const gk_hit_t *b,
                     const gk_asset_snap_t *s)
{
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    return strcmp(s->id[a->asset], s->id[b->asset]);
}

static void merge_sort(gk_hit_t *h, gk_hit_t *tmp, size_t n,
                       const gk_asset_snap_t *s)
{
    if (n < 2)
        return;
    if (n <= 16 || !tmp) { /* small, or no scratch memory: insertion */
        for (size_t i = 1; i < n; i++) {
            gk_hit_t x = h[i];
            size_t j = i;
            while (j > 0 && cmp_hit_s(&h[j - 1], &x, s) > 0) {
                h[j] = h[j - 1];
                j--;
            }
            h[j] = x;
        }
        return;
    }
    size_t m = n / 2;
    merge_sort(h, tmp, m, s);
    merge_sort(h + m, tmp, n - m, s);
    size_t i = 0, j = m, k = 0;
    while (i < m && j < n)
        tmp[k++] = cmp_hit_s(&h[i], &h[j], s) <= 0 ? h[i++] : h[j++];
    while (i < m)
        tmp[k++] = h[i++];
    while (j < n)
        tmp[k++] = h[j++];
    memcpy(h, tmp, n * sizeof *h);
}

void gk_hits_sort(gk_hit_t *hits, size_t n, const gk_asset_snap_t *snap)
{
    gk_hit_t *tmp = n > 16 ? malloc(n * sizeof *tmp) : NULL;
    merge_sort(hits, tmp, n, snap);
    free(tmp);
}

gk_status_t gk_asset_rows_make(gk_context_t *ctx, gk_assets_t *s,
                               const gk_asset_snap_t *snap,
                               const gk_hit_t *hits, size_t n,
                               gk_asset_rows_t **out)
{
    gk_asset_rows_t *r = calloc(1, sizeof *r);
    rows_priv_t *p = calloc(1, sizeof *p);
    if (!r || !p) {
        free(r);
        free(p);
        return gk_error_nomem(ctx, "asset rows");
    }
    r->priv_ = p;
    gk_geomcol_init(&p->geoms);
    size_t m = n ? n : 1;
    r->ids = gk_calloc_array(m, sizeof *r->ids);
    r->kinds = gk_calloc_array(m, sizeof *r->kinds);
    r->condition = gk_calloc_array(m, sizeof *r->condition);
    r->installed = gk_calloc_array(m, sizeof *r->installed);
    r->district = gk_calloc_array(m, sizeof *r->district);
    r->attrs = gk_calloc_array(m, sizeof *r->attrs);
    r->distance_m = gk_calloc_array(m, sizeof *r->distance_m);
    r->group = gk_calloc_array(m, sizeof *r->group);
    r->fid = gk_calloc_array(m, sizeof *r->fid);
    gk_status_t st = GK_OK;
    if (!r->ids || !r->kinds || !r->condition || !r->installed ||
        !r->district || !r->attrs || !r->distance_m || !r->group || !r->fid)
        st = gk_error_nomem(ctx, "asset rows");
    if (st == GK_OK && !s->row_stmt)
        st = gk_assets_prepare(ctx, s,
                               "SELECT condition, installed, district, attrs "
                               "FROM assets WHERE fid = ?",
                               &s->row_stmt);
    gk_geoms_t g = gk_geomcol_view(&snap->geoms);
    for (size_t i = 0; st == GK_OK && i < n; i++) {
        size_t a = hits[i].asset;
        r->n = i + 1;
        r->ids[i] = gk_strdup(snap->id[a]);
        r->kinds[i] = gk_strdup(snap->kinds[snap->kind[a]]);
        r->distance_m[i] = hits[i].dist;
        r->group[i] = hits[i].group;
        r->fid[i] = snap->fid[a];
        sqlite3_stmt *q = s->row_stmt;
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, snap->fid[a]);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            r->condition[i] = col_dup(q, 0);
            r->installed[i] = col_dup(q, 1);
            r->district[i] = col_dup(q, 2);
            r->attrs[i] = col_dup(q, 3);
        } else if (rc != SQLITE_DONE) {
            st = gk_assets_sqlerr(ctx, s, rc, "reading asset attributes");
        }
        sqlite3_reset(q);
        if (!r->attrs[i])
            r->attrs[i] = gk_strdup("{}");
        if (st == GK_OK && (!r->ids[i] || !r->kinds[i] || !r->attrs[i] ||
                            !copy_feature(&p->geoms, &g, a)))
            st = gk_error_nomem(ctx, "asset rows");
    }
    if (st != GK_OK) {
        gk_asset_rows_free(r);
        return st;
    }
    r->geoms = gk_geomcol_view(&p->geoms);
    *out = r;
    return GK_OK;
}
