/*
 * lib/assets/rtree_bulk.c - filling an empty SQLite R*Tree (SpatiaLite's
 * spatial index) in one pass, as a packed tree, by writing its three
 * shadow tables directly.
 *
 * Why: inserting through the virtual table runs the R*-tree algorithm per
 * entry (choose-subtree, forced reinsert, split): about 9 us per entry, the
 * largest single cost of a 1M-point import. A packed tree is built in
 * O(n log n) (the caller's Hilbert order) plus one write per node.
 *
 * The on-disk format (SQLite's ext/rtree/rtree.c, "Database Format of
 * R-Tree Tables"; stable since 3.6, it is part of the file format):
 * - %_node(nodeno INTEGER PRIMARY KEY, data BLOB): node 1 is the root.
 *   Every blob has the same size (the root's, fixed when the table was
 *   created: min(page size - 64, 4 + 51 cells)). Bytes 0-1: the tree depth
 *   (read from the root only; 0 = the root is a leaf), bytes 2-3: cell
 *   count, then cells of 8 bytes rowid (leaf) or child node number
 *   (inner), followed by xmin, xmax, ymin, ymax as 32-bit floats; all
 *   big-endian.
 * - %_rowid(rowid INTEGER PRIMARY KEY, nodeno): the leaf of each entry.
 * - %_parent(nodeno INTEGER PRIMARY KEY, parentnode): of each non-root node.
 * Coordinates are rounded outwards to float (min down, max up), as the
 * virtual table itself does, so every stored box contains the true one; an
 * inner cell is the exact union of its children's float boxes.
 *
 * Checked by the tests with SQLite's rtreecheck() and SpatiaLite's
 * CheckSpatialIndex(), and by queries through SpatiaLite's SpatialIndex
 * compared with brute force.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"

enum { CELL_BYTES = 8 + 4 * 4 };

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(v >> (24 - 8 * k));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        p[k] = (unsigned char)(v >> (56 - 8 * k));
}

static void put_float(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    put32(p, u);
}

typedef struct fbox {
    float x0, x1, y0, y1;
} fbox_t;

static void put_cell(unsigned char *p, int64_t id, const fbox_t *b)
{
    put64(p, (uint64_t)id);
    put_float(p + 8, b->x0);
    put_float(p + 12, b->x1);
    put_float(p + 16, b->y0);
    put_float(p + 20, b->y1);
}

static gk_status_t step_done(gk_context_t *ctx, const gk_assets_t *s,
                             sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE
               ? GK_OK
               : gk_assets_sqlerr(ctx, s, rc, "writing the R*Tree");
}

/* Prepare the statement printf(fmt, ...) makes (a shadow table's name). */
static gk_status_t prepare_fmt(gk_context_t *ctx, const gk_assets_t *s,
                               sqlite3_stmt **q, const char *fmt, ...)
    GK_PRINTF(4, 5);

static gk_status_t prepare_fmt(gk_context_t *ctx, const gk_assets_t *s,
                               sqlite3_stmt **q, const char *fmt, ...)
{
    char sql[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return gk_assets_prepare(ctx, s, sql, q);
}

/* Node size of the tree and whether it is empty (its root has no cell). */
static gk_status_t root_info(gk_context_t *ctx, const gk_assets_t *s,
                             const char *name, int *size, bool *empty)
{
    sqlite3_stmt *q;
    gk_status_t st = prepare_fmt(
        ctx, s, &q, "SELECT data FROM \"%s_node\" WHERE nodeno = 1", name);
    if (st != GK_OK)
        return st;
    *size = 0;
    *empty = false;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const unsigned char *d = sqlite3_column_blob(q, 0);
        *size = sqlite3_column_bytes(q, 0);
        *empty = d && *size >= 4 && d[2] == 0 && d[3] == 0;
    } else if (rc != SQLITE_DONE) {
        st = gk_assets_sqlerr(ctx, s, rc, "reading the R*Tree");
    }
    sqlite3_finalize(q);
    return st;
}

/* Number of nodes for n cells at most cap per node. */
static size_t nodes_for(size_t n, size_t cap) { return (n + cap - 1) / cap; }

gk_status_t gk_rtree_bulk_fill(gk_context_t *ctx, gk_assets_t *s,
                               const char *name, const int64_t *ids,
                               const gk_box_t *boxes, const uint32_t *order,
                               size_t n, bool *done)
{
    *done = false;
    int size;
    bool empty;
    gk_status_t st = root_info(ctx, s, name, &size, &empty);
    size_t cap = size > 4 ? (size_t)(size - 4) / CELL_BYTES : 0;
    /* Not an R*Tree we know how to fill (or not empty): the caller inserts
     * through the virtual table. */
    if (st != GK_OK || !empty || cap < 4 || n == 0 || n > UINT32_MAX / 2)
        return st;

    /* Levels bottom-up: level 0 are the entries; each level's nodes hold
     * its cells spread evenly (every node at least half full, so none is
     * below SQLite's minimum fill of a third). */
    size_t levels = 0;
    for (size_t m = n; levels == 0 || m > 1; m = nodes_for(m, cap))
        levels++;
    unsigned char *blob = calloc((size_t)size, 1);
    fbox_t *box = gk_calloc_array(n + 1, sizeof *box);
    fbox_t *up = gk_calloc_array(nodes_for(n, cap) + 1, sizeof *up);
    int64_t *leaf_of = gk_calloc_array(n + 1, sizeof *leaf_of);
    sqlite3_stmt *wn = NULL, *wr = NULL, *wp = NULL;
    if (!blob || !box || !up || !leaf_of)
        st = gk_error_nomem(ctx, "the spatial index (R*Tree) entries");
    if (st == GK_OK)
        st = prepare_fmt(ctx, s, &wn,
                         "INSERT OR REPLACE INTO \"%s_node\" (nodeno, data) "
                         "VALUES (?, ?)",
                         name);
    if (st == GK_OK)
        st = prepare_fmt(ctx, s, &wr,
                         "INSERT INTO \"%s_rowid\" (rowid, nodeno) "
                         "VALUES (?, ?)",
                         name);
    if (st == GK_OK)
        st = prepare_fmt(ctx, s, &wp,
                         "INSERT INTO \"%s_parent\" (nodeno, parentnode) "
                         "VALUES (?, ?)",
                         name);
    for (size_t i = 0; st == GK_OK && i < n; i++) {
        const gk_box_t *b = &boxes[order[i]];
        box[i] = (fbox_t){gk_f32_down(b->xmin), gk_f32_up(b->xmax),
                          gk_f32_down(b->ymin), gk_f32_up(b->ymax)};
    }
    /* Node numbers: the root is 1, the others 2, 3, ... level by level
     * from the leaves. cell_id[i] of the current level: entry rowids at
     * level 0, child node numbers above. */
    int64_t next_node = 2;
    size_t m = n; /* cells on this level */
    int64_t first_child = 0; /* node number of the first cell (levels > 0) */
    for (size_t lv = 0; st == GK_OK && lv < levels; lv++) {
        size_t k = nodes_for(m, cap);
        bool root = lv + 1 == levels;
        int64_t first_node = root ? 1 : next_node;
        size_t c = 0;
        for (size_t j = 0; st == GK_OK && j < k; j++) {
            /* cells c .. c + cnt - 1 go to node j: an even spread */
            size_t cnt = m / k + (j < m % k);
            int64_t node = first_node + (int64_t)j;
            memset(blob, 0, (size_t)size);
            put16(blob, root ? (unsigned)(levels - 1) : 0);
            put16(blob + 2, (unsigned)cnt);
            fbox_t u = box[c];
            for (size_t e = 0; e < cnt; e++, c++) {
                int64_t id = lv == 0 ? ids[order[c]] : first_child + (int64_t)c;
                put_cell(blob + 4 + e * CELL_BYTES, id, &box[c]);
                u.x0 = fminf(u.x0, box[c].x0);
                u.x1 = fmaxf(u.x1, box[c].x1);
                u.y0 = fminf(u.y0, box[c].y0);
                u.y1 = fmaxf(u.y1, box[c].y1);
                if (lv == 0)
                    leaf_of[order[c]] = node;
                else {
                    sqlite3_bind_int64(wp, 1, id);
                    sqlite3_bind_int64(wp, 2, node);
                    if ((st = step_done(ctx, s, wp)) != GK_OK)
                        break;
                }
            }
            up[j] = u;
            sqlite3_bind_int64(wn, 1, node);
            sqlite3_bind_blob(wn, 2, blob, size, SQLITE_STATIC);
            if (st == GK_OK)
                st = step_done(ctx, s, wn);
        }
        /* This level's node boxes are the next level's cells. */
        memcpy(box, up, k * sizeof *box);
        first_child = first_node;
        next_node += root ? 0 : (int64_t)k;
        m = k;
    }
    /* Entry -> leaf, in the caller's (insertion, so rowid) order: appends
     * to the rowid table's B-tree instead of random inserts. */
    for (size_t i = 0; st == GK_OK && i < n; i++) {
        sqlite3_bind_int64(wr, 1, ids[i]);
        sqlite3_bind_int64(wr, 2, leaf_of[i]);
        st = step_done(ctx, s, wr);
    }
    sqlite3_finalize(wn);
    sqlite3_finalize(wr);
    sqlite3_finalize(wp);
    free(blob);
    free(box);
    free(up);
    free(leaf_of);
    *done = st == GK_OK;
    return st;
}
