/*
 * lib/index/rtree_dynamic.c - inserts, removals, updates and repacking.
 *
 * Method: the logarithmic method (Bentley and Saxe, "Decomposable searching
 * problems I: static-to-dynamic transformation", J. Algorithms 1980), as
 * used for spatial data by the Bkd-tree (Procopiuc, Agarwal, Arge and
 * Vitter, SSTD 2003). Inserts collect in a buffer of 256 items (scanned
 * with the SIMD node test); a full buffer is merged with every trailing
 * packed part at most twice the size gathered so far, like a carry in a
 * counter, and bulk-loaded into one packed part. So part sizes grow by a
 * factor of 3 or more from the smallest to the largest (at most about
 * log3(n / 256) + 2 parts: 9 for 1M items), every part is a freshly packed
 * tree of full quality, and each item is re-sorted O(log n) times:
 * amortised O(log^2 n) cheap work per insert, with no node splits at all.
 * The ratio 2 was measured (bench/RESULTS.md): 1 gives more parts and 1.7x
 * slower queries, 4 gives 1.6x slower inserts for 10% faster queries. A removal blanks the item's slot to the empty box (its
 * ancestors' boxes stay valid, only a little loose); a part more than half
 * blank is rebuilt. gk_rtree_repack() makes one part of everything.
 *
 * Failure: every step builds the new part before touching the tree, so an
 * out-of-memory error leaves the tree as it was.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "index_internal.h"

static size_t live(const gk_pack_t *p)
{
    return p->n - p->ndead;
}

/* Once no part reads from the mapping any more, unmap it. */
static void release_map(gk_rtree_t *t)
{
    if (!t->map)
        return;
    for (size_t i = 0; i < t->nparts; i++)
        if (!t->parts[i]->owned)
            return;
    munmap(t->map, t->map_len);
    t->map = NULL;
    t->map_len = 0;
}

/* Replace parts[first..] (and the buffer if with_buffer) by one part. */
static gk_status_t merge_from(gk_context_t *ctx, gk_rtree_t *t, size_t first,
                              bool with_buffer)
{
    gk_box_t *boxes;
    int64_t *ids;
    size_t n;
    gk_status_t st = gk_rtree_gather(ctx, t, first, with_buffer, &boxes,
                                     &ids, &n);
    if (st)
        return st;
    gk_box_t extent;
    gk_rtree_check_boxes(NULL, "merge", boxes, n, &extent);
    gk_pack_t *p = NULL;
    if (n)
        st = gk_pack_build(ctx, boxes, ids, n, extent, t->B, t->method, &p);
    free(boxes);
    free(ids);
    if (st)
        return st;
    for (size_t i = first; i < t->nparts; i++)
        gk_pack_free(t->parts[i]);
    t->nparts = first;
    if (p)
        t->parts[t->nparts++] = p;
    if (with_buffer) {
        for (size_t i = 0; i < t->nbuf; i++)
            gk_buf_set(t, i, gk_box_empty());
        t->nbuf = 0;
    }
    release_map(t);
    return GK_OK;
}

static gk_status_t flush(gk_context_t *ctx, gk_rtree_t *t)
{
    size_t m = t->nbuf;
    size_t first = t->nparts;
    while (first > 0 && live(t->parts[first - 1]) <= 2 * m) {
        m += live(t->parts[first - 1]);
        first--;
    }
    if (first >= GK_RTREE_MAX_PARTS - 1)
        first = 0;
    return merge_from(ctx, t, first, true);
}

gk_status_t gk_rtree_insert(gk_context_t *ctx, gk_rtree_t *tree, gk_box_t box,
                            int64_t id)
{
    if (!tree)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_insert: tree is NULL");
    gk_status_t st = gk_rtree_check_boxes(ctx, "gk_rtree_insert", &box, 1,
                                          NULL);
    if (st)
        return st;
    if (tree->nbuf == GK_RTREE_BUF_CAP && (st = flush(ctx, tree)))
        return st;
    gk_buf_set(tree, tree->nbuf, box);
    tree->buf_id[tree->nbuf++] = id;
    return GK_OK;
}

/* Find item id among the leaves of p hitting box: leaf index and slot. */
static bool find_in_pack(const gk_pack_t *p, int64_t id, gk_box_t box,
                         size_t *leaf, uint32_t *slot)
{
    if (!p->nlevels)
        return false;
    uint64_t stack[GK_RTREE_MAX_LEVELS * GK_RTREE_MAX_NODE];
    size_t sp = 0;
    stack[sp++] = (uint64_t)(p->nlevels - 1);
    while (sp) {
        uint64_t e = stack[--sp];
        uint32_t l = (uint32_t)(e & 31);
        size_t j = (size_t)(e >> 5);
        uint64_t m = gk_pack_mask_box(p, l, j, box);
        if (l == 0) {
            const double *nd = gk_pack_leaf(p, j);
            while (m) {
                uint32_t s = (uint32_t)__builtin_ctzll(m);
                m &= m - 1;
                if (gk_pack_id(p, nd, s) == id) {
                    *leaf = j;
                    *slot = s;
                    return true;
                }
            }
            continue;
        }
        while (m) {
            uint32_t s = 63u - (uint32_t)__builtin_clzll(m);
            m &= ~((uint64_t)1 << s);
            stack[sp++] = (uint64_t)(j * p->B + s) << 5 | (l - 1);
        }
    }
    return false;
}

/* A part read from a file or wrapped memory is copied before a change. */
static gk_status_t make_owned(gk_context_t *ctx, gk_pack_t *p)
{
    if (p->owned)
        return GK_OK;
    size_t len;
    unsigned char *d = gk_huge_alloc(p->bytes, &len);
    if (!d)
        return gk_error_nomem(ctx, "a copy of a mapped R-tree");
    memcpy(d, p->data, p->bytes);
    p->data = d;
    p->alloc_len = len;
    p->owned = true;
    return GK_OK;
}

gk_status_t gk_rtree_remove(gk_context_t *ctx, gk_rtree_t *tree, int64_t id,
                            gk_box_t box, bool *removed)
{
    if (removed)
        *removed = false;
    if (!tree)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_remove: tree is NULL");
    for (size_t i = 0; i < tree->nbuf; i++) {
        if (tree->buf_id[i] == id && gk_box_hits(gk_buf_box(tree, i), box)) {
            tree->nbuf--;
            gk_buf_set(tree, i, gk_buf_box(tree, tree->nbuf));
            gk_buf_set(tree, tree->nbuf, gk_box_empty());
            tree->buf_id[i] = tree->buf_id[tree->nbuf];
            if (removed)
                *removed = true;
            return GK_OK;
        }
    }
    for (size_t i = 0; i < tree->nparts; i++) {
        gk_pack_t *p = tree->parts[i];
        size_t leaf;
        uint32_t s;
        if (!find_in_pack(p, id, box, &leaf, &s))
            continue;
        gk_status_t st = make_owned(ctx, p);
        if (st)
            return st;
        release_map(tree);
        double *nd = (double *)(void *)(p->data +
                                        leaf * (32 + p->idw) * (size_t)p->B);
        gk_box_t e = gk_box_empty();
        nd[s] = e.xmin;
        nd[p->B + s] = e.ymin;
        nd[2 * p->B + s] = e.xmax;
        nd[3 * p->B + s] = e.ymax;
        p->ndead++;
        if (removed)
            *removed = true;
        if (p->ndead * 2 > p->n && i + 1 == tree->nparts) {
            /* the last part can simply be rebuilt in place; a blank-heavy
             * inner part is cleaned by the next merge or repack */
            (void)merge_from(ctx, tree, i, false);
            gk_clear_error(ctx);
        } else if (p->ndead == p->n) {
            gk_pack_free(p);
            memmove(tree->parts + i, tree->parts + i + 1,
                    (tree->nparts - i - 1) * sizeof tree->parts[0]);
            tree->nparts--;
        }
        return GK_OK;
    }
    return GK_OK;
}

gk_status_t gk_rtree_update(gk_context_t *ctx, gk_rtree_t *tree, int64_t id,
                            gk_box_t old_box, gk_box_t new_box, bool *found)
{
    if (found)
        *found = false;
    if (!tree)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_update: tree is NULL");
    gk_status_t st = gk_rtree_check_boxes(ctx, "gk_rtree_update", &new_box,
                                          1, NULL);
    if (st)
        return st;
    /* make room first, so that nothing can fail after the removal */
    if (tree->nbuf == GK_RTREE_BUF_CAP && (st = flush(ctx, tree)))
        return st;
    bool got;
    if ((st = gk_rtree_remove(ctx, tree, id, old_box, &got)))
        return st;
    if (!got)
        return GK_OK;
    if (tree->nbuf == GK_RTREE_BUF_CAP && (st = flush(ctx, tree)))
        return st;
    gk_buf_set(tree, tree->nbuf, new_box);
    tree->buf_id[tree->nbuf++] = id;
    if (found)
        *found = true;
    return GK_OK;
}

gk_status_t gk_rtree_repack(gk_context_t *ctx, gk_rtree_t *tree)
{
    if (!tree)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_repack: tree is NULL");
    if (tree->nparts == 1 && tree->nbuf == 0 && tree->parts[0]->ndead == 0)
        return GK_OK;
    return merge_from(ctx, tree, 0, true);
}
