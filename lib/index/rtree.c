/*
 * lib/index/rtree.c - the tree object: build, new, free, info, and the
 * gathering of live items that merges, repacks and saves share.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "index_internal.h"

gk_status_t gk_rtree_new(gk_context_t *ctx, const gk_rtree_opts_t *opts,
                         gk_rtree_t **out)
{
    if (!out)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_new: out is NULL");
    uint32_t B;
    gk_rtree_method_t method;
    gk_status_t st = gk_rtree_check_opts(ctx, "gk_rtree_new", opts, &B,
                                         &method);
    if (st)
        return st;
    gk_rtree_t *t = gk_rtree_alloc(B, method);
    if (!t)
        return gk_error_nomem(ctx, "an R-tree");
    *out = t;
    return GK_OK;
}

gk_rtree_t *gk_rtree_alloc(uint32_t B, gk_rtree_method_t method)
{
    gk_rtree_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->B = B;
    t->method = method;
    t->knn_leaf_test = gk_node_mask2_x86(2);
    t->knn_inner_test = gk_inner_mask2_x86(2);
    for (size_t i = 0; i < GK_RTREE_BUF_CAP; i++)
        gk_buf_set(t, i, gk_box_empty());
    return t;
}

gk_status_t gk_rtree_build(gk_context_t *ctx, const gk_box_t *boxes,
                           const int64_t *ids, size_t n,
                           const gk_rtree_opts_t *opts, gk_rtree_t **out)
{
    if (!out || (n && !boxes))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_rtree_build: boxes or out is NULL");
    gk_box_t extent;
    gk_status_t st = gk_rtree_check_boxes(ctx, "gk_rtree_build", boxes, n,
                                          &extent);
    if (st)
        return st;
    gk_rtree_t *t;
    if ((st = gk_rtree_new(ctx, opts, &t)))
        return st;
    if (n) {
        st = gk_pack_build(ctx, boxes, ids, n, extent, t->B, t->method,
                           &t->parts[0]);
        if (st) {
            free(t);
            return st;
        }
        t->nparts = 1;
    }
    *out = t;
    return GK_OK;
}

void gk_rtree_free(gk_rtree_t *tree)
{
    if (!tree)
        return;
    for (size_t i = 0; i < tree->nparts; i++)
        gk_pack_free(tree->parts[i]);
    if (tree->map)
        munmap(tree->map, tree->map_len);
    free(tree);
}

size_t gk_rtree_size(const gk_rtree_t *tree)
{
    if (!tree)
        return 0;
    size_t n = tree->nbuf;
    for (size_t i = 0; i < tree->nparts; i++)
        n += tree->parts[i]->n - tree->parts[i]->ndead;
    return n;
}

gk_rtree_info_t gk_rtree_info(const gk_rtree_t *tree)
{
    gk_rtree_info_t info;
    memset(&info, 0, sizeof info);
    info.bounds.xmin = info.bounds.ymin = NAN;
    info.bounds.xmax = info.bounds.ymax = NAN;
    if (!tree)
        return info;
    info.node_size = tree->B;
    info.method = tree->method;
    info.num_parts = tree->nparts;
    info.num_buffered = tree->nbuf;
    info.memory_bytes = tree->nbuf * (sizeof(gk_box_t) + sizeof(int64_t));
    gk_box_t e = gk_box_empty();
    size_t largest = 0;
    for (size_t i = 0; i < tree->nparts; i++) {
        const gk_pack_t *p = tree->parts[i];
        info.num_items += p->n - p->ndead;
        info.num_removed += p->ndead;
        info.num_nodes += p->nnodes;
        info.memory_bytes += p->bytes;
        if (p->n > largest) {
            largest = p->n;
            info.height = p->nlevels;
            info.mapped = !p->owned;
        }
        e.xmin = fmin(e.xmin, p->bounds.xmin);
        e.ymin = fmin(e.ymin, p->bounds.ymin);
        e.xmax = fmax(e.xmax, p->bounds.xmax);
        e.ymax = fmax(e.ymax, p->bounds.ymax);
    }
    info.num_items += tree->nbuf;
    for (size_t i = 0; i < tree->nbuf; i++) {
        gk_box_t b = gk_buf_box(tree, i);
        e.xmin = fmin(e.xmin, b.xmin);
        e.ymin = fmin(e.ymin, b.ymin);
        e.xmax = fmax(e.xmax, b.xmax);
        e.ymax = fmax(e.ymax, b.ymax);
    }
    if (e.xmin <= e.xmax)
        info.bounds = e;
    return info;
}

gk_status_t gk_rtree_gather(gk_context_t *ctx, const gk_rtree_t *t,
                            size_t first_part, bool with_buffer,
                            gk_box_t **boxes, int64_t **ids, size_t *n)
{
    size_t total = with_buffer ? t->nbuf : 0;
    for (size_t i = first_part; i < t->nparts; i++)
        total += t->parts[i]->n - t->parts[i]->ndead;
    gk_box_t *bx = gk_calloc_array(total ? total : 1, sizeof *bx);
    int64_t *id = gk_calloc_array(total ? total : 1, sizeof *id);
    if (!bx || !id) {
        free(bx);
        free(id);
        return gk_error_nomem(ctx, "R-tree items");
    }
    size_t k = 0;
    for (size_t i = first_part; i < t->nparts; i++) {
        const gk_pack_t *p = t->parts[i];
        for (size_t j = 0; p->nlevels && j < p->count[0]; j++) {
            const double *nd = gk_pack_leaf(p, j);
            size_t m = gk_pack_slots(p, 0, j);
            for (size_t s = 0; s < m; s++) {
                gk_box_t b = {nd[s], nd[p->B + s], nd[2 * p->B + s],
                              nd[3 * p->B + s]};
                if (!(b.xmin <= b.xmax) || k == total)
                    continue; /* removed (blanked) */
                bx[k] = b;
                id[k++] = gk_pack_id(p, nd, (uint32_t)s);
            }
        }
    }
    for (size_t i = 0; with_buffer && i < t->nbuf && k < total; i++) {
        bx[k] = gk_buf_box(t, i);
        id[k++] = t->buf_id[i];
    }
    *boxes = bx;
    *ids = id;
    *n = k;
    return GK_OK;
}
