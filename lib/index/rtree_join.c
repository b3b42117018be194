/*
 * lib/index/rtree_join.c - spatial join of two trees: all intersecting
 * pairs.
 *
 * Method: synchronised traversal (Brinkhoff, Kriegel and Seeger, "Efficient
 * processing of spatial joins using R-trees", SIGMOD 1993). A work list
 * holds pairs of nodes whose boxes intersect; a pair is split by expanding
 * the node on the higher level (A on a tie), keeping only the children that
 * intersect the other node's box (one SIMD node test each); a pair of
 * leaves tests each live item of A against B's leaf as a node test. Cost is
 * proportional to the pairs of intersecting nodes, not n x m. Exact: the
 * same closed-box comparisons as every query; inner boxes are floats
 * rounded outward, so they contain every item below them and prune
 * nothing that intersects, and item pairs are tested on the exact leaf
 * boxes.
 */
#include <stdlib.h>
#include <string.h>

#include "index_internal.h"

typedef struct pair {
    uint32_t la, lb;
    size_t ja, jb;
    gk_box_t ba, bb;
} pair_t;

typedef struct out {
    gk_hits_t *h;
    bool nomem;
    int64_t fixed; /* the id on the other side, for buffer visits */
    bool fixed_is_a;
} out_t;

static bool emit(out_t *o, int64_t a, int64_t b)
{
    gk_hits_t *h = o->h;
    if (h->nids == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 4096;
        int64_t *x = gk_realloc_array(h->ids, cap, sizeof *x);
        if (!x)
            return !(o->nomem = true);
        h->ids = x;
        int64_t *y = gk_realloc_array(h->ids_b, cap, sizeof *y);
        if (!y)
            return !(o->nomem = true);
        h->ids_b = y;
        h->cap = cap;
    }
    h->ids[h->nids] = a;
    h->ids_b[h->nids] = b;
    h->nids++;
    return true;
}

static bool emit_visit(int64_t id, const gk_box_t *box, void *user)
{
    (void)box;
    out_t *o = user;
    return o->fixed_is_a ? emit(o, o->fixed, id) : emit(o, id, o->fixed);
}

typedef struct work {
    pair_t *v;
    size_t n, cap;
} work_t;

static bool push(work_t *w, pair_t p)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 256;
        pair_t *v = gk_realloc_array(w->v, cap, sizeof *v);
        if (!v)
            return false;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = p;
    return true;
}

static bool join_packs(const gk_pack_t *A, const gk_pack_t *Bp, work_t *w,
                       out_t *o)
{
    if (!A->nlevels || !Bp->nlevels)
        return true;
    pair_t root = {A->nlevels - 1, Bp->nlevels - 1, 0, 0,
                   gk_pack_node_box(A, A->nlevels - 1, 0),
                   gk_pack_node_box(Bp, Bp->nlevels - 1, 0)};
    if (!gk_box_hits(root.ba, root.bb))
        return true;
    w->n = 0;
    if (!push(w, root))
        return false;
    while (w->n) {
        pair_t p = w->v[--w->n];
        if (p.la == 0 && p.lb == 0) {
            const double *na = gk_pack_leaf(A, p.ja);
            const double *nb = gk_pack_leaf(Bp, p.jb);
            uint64_t ma = gk_pack_mask_box(A, 0, p.ja, p.bb);
            while (ma) {
                uint32_t s = (uint32_t)__builtin_ctzll(ma);
                ma &= ma - 1;
                uint64_t mb = gk_pack_mask_box(Bp, 0, p.jb,
                                               gk_leaf_box(na, A->B, s));
                while (mb) {
                    uint32_t t = (uint32_t)__builtin_ctzll(mb);
                    mb &= mb - 1;
                    if (!emit(o, gk_pack_id(A, na, s), gk_pack_id(Bp, nb, t)))
                        return false;
                }
            }
            continue;
        }
        bool expand_a = p.la >= p.lb;
        const gk_pack_t *X = expand_a ? A : Bp;
        uint32_t l = expand_a ? p.la : p.lb;
        size_t j = expand_a ? p.ja : p.jb;
        uint64_t m = gk_pack_mask_box(X, l, j, expand_a ? p.bb : p.ba);
        /* push in reverse so pairs pop in slot order (deterministic) */
        while (m) {
            uint32_t s = 63u - (uint32_t)__builtin_clzll(m);
            m &= ~((uint64_t)1 << s);
            pair_t c = p;
            if (expand_a) {
                c.la = l - 1;
                c.ja = j * X->B + s;
                c.ba = gk_pack_slot_box(X, l, j, s);
            } else {
                c.lb = l - 1;
                c.jb = j * X->B + s;
                c.bb = gk_pack_slot_box(X, l, j, s);
            }
            if (!push(w, c))
                return false;
        }
    }
    return true;
}

gk_status_t gk_rtree_join(gk_context_t *ctx, const gk_rtree_t *a,
                          const gk_rtree_t *b, gk_hits_t **out)
{
    if (!a || !b || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_join: NULL tree or out");
    gk_hits_t *h = calloc(1, sizeof *h);
    if (!h)
        return gk_error_nomem(ctx, "join results");
    out_t o = {h, false, 0, false};
    work_t w = {NULL, 0, 0};
    bool okay = true;
    for (size_t i = 0; okay && i < a->nparts; i++)
        for (size_t k = 0; okay && k < b->nparts; k++)
            okay = join_packs(a->parts[i], b->parts[k], &w, &o);
    free(w.v);
    /* buffered items of a against all of b; buffered items of b against
     * the packed parts of a (a's buffer x b's buffer is already done) */
    o.fixed_is_a = true;
    for (size_t i = 0; okay && i < a->nbuf; i++) {
        o.fixed = a->buf_id[i];
        gk_rtree_visit_box(b, gk_buf_box(a, i), emit_visit, &o);
        okay = !o.nomem;
    }
    o.fixed_is_a = false;
    for (size_t k = 0; okay && k < b->nbuf; k++) {
        o.fixed = b->buf_id[k];
        for (size_t i = 0; okay && i < a->nparts; i++) {
            gk_pack_visit_box(a->parts[i], gk_buf_box(b, k), emit_visit,
                              &o);
            okay = !o.nomem;
        }
    }
    if (!okay) {
        gk_hits_free(h);
        return gk_error_nomem(ctx, "join results");
    }
    *out = h;
    return GK_OK;
}
