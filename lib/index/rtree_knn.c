/*
 * lib/index/rtree_knn.c - k nearest neighbours.
 *
 * Method: branch and bound (Roussopoulos, Kelley and Vincent, "Nearest
 * neighbor queries", SIGMOD 1995) with the candidate list of each node
 * sorted by box distance, so the nearest child is always entered first, as
 * in best-first search, but with no priority queue to allocate: the
 * recursion is at most one frame per level. The k best so far sit in a
 * max-heap ordered by (distance, id) inside the caller's arrays; a subtree
 * is entered only if its box distance is <= the k-th best distance (equal
 * counts: it may hold an item at the same distance with a smaller id), so
 * the answer is exactly the first k items of the list of all items sorted
 * by (distance, id): deterministic, ties broken by id.
 *
 * With an exact distance callback, the box distance is a lower bound of the
 * true distance (a geometry lies inside its box), so pruning on box
 * distances stays exact and only leaf items within the bound are measured.
 */
#include "index_internal.h"

typedef struct knn {
    gk_box_t q;
    size_t k, n;
    int64_t *ids;
    double *d;
    double limit; /* max_dist or +inf */
    gk_rtree_dist_fn fn;
    void *user;
} knn_t;

static inline bool worse(double da, int64_t ia, double db, int64_t ib)
{
    return da > db || (da == db && ia > ib);
}

static inline double bound(const knn_t *s)
{
    return s->n < s->k ? s->limit : s->d[0];
}

static void sift_down(knn_t *s, size_t i, size_t n)
{
    for (;;) {
        size_t c = 2 * i + 1, w = i;
        if (c < n && worse(s->d[c], s->ids[c], s->d[w], s->ids[w]))
            w = c;
        if (c + 1 < n && worse(s->d[c + 1], s->ids[c + 1], s->d[w], s->ids[w]))
            w = c + 1;
        if (w == i)
            return;
        double td = s->d[i];
        int64_t ti = s->ids[i];
        s->d[i] = s->d[w];
        s->ids[i] = s->ids[w];
        s->d[w] = td;
        s->ids[w] = ti;
        i = w;
    }
}

static void offer(knn_t *s, double d, int64_t id)
{
    if (s->n < s->k) {
        size_t i = s->n++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!worse(d, id, s->d[parent], s->ids[parent]))
                break;
            s->d[i] = s->d[parent];
            s->ids[i] = s->ids[parent];
            i = parent;
        }
        s->d[i] = d;
        s->ids[i] = id;
    } else if (worse(s->d[0], s->ids[0], d, id)) {
        s->d[0] = d;
        s->ids[0] = id;
        sift_down(s, 0, s->n);
    }
}

static void consider(knn_t *s, gk_box_t b, int64_t id)
{
    double bd = gk_box_gap(b, s->q);
    if (!(bd <= bound(s)) || bd == INFINITY)
        return;
    double d = bd;
    if (s->fn) {
        d = s->fn(id, &b, &s->q, s->user);
        if (isnan(d))
            return;
        d = d < bd ? bd : d;
        if (!(d <= bound(s)) || d == INFINITY)
            return;
    }
    offer(s, d, id);
}

static void node_dists(const double *nd, uint32_t B, gk_box_t q, double *out)
{
    for (uint32_t i = 0; i < B; i++) {
        double dx = fmax(fmax(nd[i] - q.xmax, q.xmin - nd[2 * B + i]), 0.0);
        double dy = fmax(fmax(nd[B + i] - q.ymax, q.ymin - nd[3 * B + i]), 0.0);
        out[i] = sqrt(dx * dx + dy * dy);
    }
}

static size_t valid_slots(const gk_pack_t *p, uint32_t l, size_t j)
{
    size_t below = l == 0 ? p->n : p->count[l - 1];
    size_t m = below - j * p->B;
    return m < p->B ? m : p->B;
}

static void visit(knn_t *s, const gk_pack_t *p, uint32_t l, size_t j)
{
    const uint32_t B = p->B;
    const double *nd = gk_pack_node(p, l, j);
    size_t m = valid_slots(p, l, j);
    double dist[GK_RTREE_MAX_NODE];
    node_dists(nd, B, s->q, dist);
    if (l == 0) {
        const int64_t *ids = (const int64_t *)(const void *)(nd + 4 * B);
        for (size_t i = 0; i < m; i++) {
            if (!(dist[i] <= bound(s)) || dist[i] == INFINITY)
                continue;
            gk_box_t b = {nd[i], nd[B + i], nd[2 * B + i], nd[3 * B + i]};
            if (!s->fn) {
                offer(s, dist[i], ids[i]);
                continue;
            }
            consider(s, b, ids[i]);
        }
        return;
    }
    /* candidates sorted by distance (insertion sort: at most 64) */
    double cd[GK_RTREE_MAX_NODE];
    uint32_t cs[GK_RTREE_MAX_NODE];
    size_t nc = 0;
    double b0 = bound(s);
    for (size_t i = 0; i < m; i++) {
        double d = dist[i];
        if (!(d <= b0) || d == INFINITY)
            continue;
        size_t k = nc++;
        while (k > 0 && cd[k - 1] > d) {
            cd[k] = cd[k - 1];
            cs[k] = cs[k - 1];
            k--;
        }
        cd[k] = d;
        cs[k] = (uint32_t)i;
    }
    for (size_t c = 0; c < nc; c++) {
        if (!(cd[c] <= bound(s)))
            break;
        visit(s, p, l - 1, j * B + cs[c]);
    }
}

size_t gk_rtree_nearest(const gk_rtree_t *tree, gk_box_t q, size_t k,
                        const gk_rtree_knn_opts_t *opts, int64_t *ids,
                        double *dists)
{
    if (!tree || !ids || !dists || k == 0)
        return 0;
    knn_t s = {q, k, 0, ids, dists, INFINITY, NULL, NULL};
    if (opts) {
        s.fn = opts->dist_fn;
        s.user = opts->user;
        if (opts->has_max_dist)
            s.limit = opts->max_dist;
    }
    if (!(s.limit >= 0.0))
        return 0;
    for (size_t i = 0; i < tree->nparts; i++) {
        const gk_pack_t *p = tree->parts[i];
        if (p->nlevels)
            visit(&s, p, p->nlevels - 1, 0);
    }
    for (size_t i = 0; i < tree->nbuf; i++)
        consider(&s, tree->buf_box[i], tree->buf_id[i]);
    /* heap -> ascending (distance, id) */
    size_t n = s.n;
    for (size_t end = n; end > 1; end--) {
        double td = s.d[0];
        int64_t ti = s.ids[0];
        s.d[0] = s.d[end - 1];
        s.ids[0] = s.ids[end - 1];
        s.d[end - 1] = td;
        s.ids[end - 1] = ti;
        sift_down(&s, 0, end - 1);
    }
    return n;
}
