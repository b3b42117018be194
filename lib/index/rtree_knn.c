/*
 * lib/index/rtree_knn.c - k nearest neighbours.
 *
 * Method: best-first search (Hjaltason and Samet, "Distance browsing in
 * spatial databases", ACM TODS 1999): a queue of nodes keyed by box
 * distance; the nearest queued node is expanded next, so only nodes whose
 * box distance is <= the final k-th distance are ever read. The queue lives
 * on the C stack (1024 entries, far more than k = 10..100 needs); should it
 * fill, the overflowing child is searched at once depth-first, children
 * nearest first (branch and bound, Roussopoulos, Kelley and Vincent, SIGMOD
 * 1995), which is also exact. Nothing is allocated.
 *
 * Before the queue starts, the search walks straight down to the nearest
 * level-1 node (nearest child per level). With k <= B and no removed
 * items, the far distance of one of its leaf boxes bounds the k-th
 * distance without reading that leaf (see leaf_ub2()), so the queue starts
 * with a finite bound and holds only the nodes within it (queued from the
 * distances computed on the way down) rather than every child met while
 * the bound was infinite, and no leaf is read just to learn a bound.
 * Otherwise the nearest leaf is scanned first to the same end. Node tests
 * compute squared distances for all slots at once (SSE2, or AVX2 /
 * AVX-512 in rtree_dist_x86.c) and a bit mask of
 * the slots within bound^2 (1 + 2^-50) (see bound2()); only those get a
 * square root, a branch, a queue push.
 *
 * Speed: a query reads ~3 leaves and ~6 inner nodes, and what it spends
 * beyond those cache misses was mostly mispredicted branches on distances
 * (~130 per query, measured with callgrind's branch simulation): the
 * choice of the nearest children, the queue's heap, the bound. Those are
 * now written as conditional moves on the distances' bit patterns (see
 * dist_bits(), nearest_keys(), pop(), push_children()), which made the
 * search ~20% faster with the same nodes read and the same answers.
 *
 * Ties and determinism: the k best so far sit inside the caller's arrays
 * ordered by (distance, id): a sorted list for k <= 32 (an insertion moves
 * a few entries and no final sort is needed), a max-heap above; a node is entered when its box
 * distance is <= the k-th best (equal counts: it may hold an item at the
 * same distance with a smaller id), so the answer is exactly the first k of
 * all items sorted by (distance, id).
 *
 * With an exact distance callback, the box distance is a lower bound of the
 * true distance (a geometry lies inside its box), so pruning on box
 * distances stays exact and only leaf items within the bound are measured.
 * Distances are computed as in gk_box_gap() (sqrt(dx*dx + dy*dy), correctly
 * rounded operations), so they equal a brute-force scan bit for bit.
 */
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <string.h>

#include "index_internal.h"

typedef struct knn {
    gk_box_t q;
    size_t k, n;
    int64_t *ids;
    double *d;
    double limit; /* max_dist or +inf */
    gk_rtree_dist_fn fn;
    void *user;
    /* k <= SORTED_MAX: the k best are kept as a sorted list (ascending
     * (distance, id)), cheaper than a heap for small k (an insertion moves
     * a few entries, no sift, no final sort); larger k: a max-heap */
    bool sorted;
    size_t skip; /* the leaf of the current part already scanned by seed() */
    gk_node_mask2_fn mask2;  /* AVX-512 / AVX2 leaf test, or NULL */
    gk_inner_mask2_fn imask2; /* the same for inner (float) nodes */
    /* an upper bound of the k-th squared distance known before k items
     * were seen (see leaf_ub2()), +inf when none: prunes like bound^2 */
    double ub2;
    /* bound() and bound2() kept current by set_bounds(): they are read at
     * every node and item, and deriving them there cost a branch each */
    double kth, kth2;
} knn_t;

#define SORTED_MAX 32

/* The bit pattern of a non-negative double, which orders like its value
 * (as an unsigned integer); comparisons and selects on it compile to
 * integer compares and conditional moves, where on doubles gcc branched. */
static inline uint64_t dist_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* (da, ia) after (db, ib) in the result order; & and | rather than && and
 * ||: one branch at the caller instead of two hard-to-predict ones here */
static inline bool worse(double da, int64_t ia, double db, int64_t ib)
{
    return (da > db) | ((da == db) & (ia > ib));
}

/* The k-th best distance so far, or the limit while fewer than k. */
static inline double bound(const knn_t *s)
{
    return s->kth;
}

/* The bound on squared distances: a node is skipped only when its squared
 * distance exceeds bound^2 (1 + 2^-50). Every item inside the node has
 * dx, dy at least the node's (rounding is monotonic), so its squared
 * distance is at least as large, and the square root of anything above
 * bound^2 (1 + 2^-50) rounds to more than bound: no item that could enter
 * the result is skipped. ub2 (when finite) bounds it further. */
static inline double bound2(const knn_t *s)
{
    return s->kth2;
}

static void set_bounds(knn_t *s)
{
    double b = s->n < s->k ? s->limit : s->d[s->sorted ? s->k - 1 : 0];
    double b2 = b * b < s->ub2 ? b * b : s->ub2;
    s->kth = b;
    s->kth2 = b2 * (1.0 + 0x1p-50);
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

static void offer_item(knn_t *s, double d, int64_t id)
{
    if (s->sorted) {
        size_t i = s->n;
        if (i == s->k) {
            if (!worse(s->d[i - 1], s->ids[i - 1], d, id))
                return;
            i--;
        } else {
            s->n++;
        }
        while (i > 0 && worse(s->d[i - 1], s->ids[i - 1], d, id)) {
            s->d[i] = s->d[i - 1];
            s->ids[i] = s->ids[i - 1];
            i--;
        }
        s->d[i] = d;
        s->ids[i] = id;
        return;
    }
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

static void offer(knn_t *s, double d, int64_t id)
{
    offer_item(s, d, id);
    set_bounds(s);
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

/* Squared box distances (no square root) of the slots of a leaf; see
 * bound2() for why pruning on them stays exact. */
static void node_dists2(const double *nd, uint32_t B, gk_box_t q, double *out)
{
#if defined(__SSE2__)
    __m128d x1 = _mm_set1_pd(q.xmax), y1 = _mm_set1_pd(q.ymax);
    __m128d x0 = _mm_set1_pd(q.xmin), y0 = _mm_set1_pd(q.ymin);
    __m128d zero = _mm_setzero_pd();
    for (uint32_t i = 0; i < B; i += 2) {
        __m128d dx = _mm_max_pd(
            _mm_max_pd(_mm_sub_pd(_mm_loadu_pd(nd + i), x1),
                       _mm_sub_pd(x0, _mm_loadu_pd(nd + 2 * B + i))),
            zero);
        __m128d dy = _mm_max_pd(
            _mm_max_pd(_mm_sub_pd(_mm_loadu_pd(nd + B + i), y1),
                       _mm_sub_pd(y0, _mm_loadu_pd(nd + 3 * B + i))),
            zero);
        _mm_storeu_pd(out + i,
                      _mm_add_pd(_mm_mul_pd(dx, dx), _mm_mul_pd(dy, dy)));
    }
#else
    for (uint32_t i = 0; i < B; i++) {
        double dx = gk_max3(nd[i] - q.xmax, q.xmin - nd[2 * B + i], 0.0);
        double dy = gk_max3(nd[B + i] - q.ymax, q.ymin - nd[3 * B + i], 0.0);
        out[i] = dx * dx + dy * dy;
    }
#endif
}

/* An upper bound of the k-th squared distance without reading a leaf:
 * the smallest squared far distance from q to the box of a child leaf of
 * node j (level 1) holding at least k items. Every item of that leaf lies
 * in its box, so its gap to q on each axis is at most the box's far gap
 * max(xmax - q.xmax, q.xmin - xmin, 0) (and likewise in y; the computed
 * values too, subtraction and products being monotonic in rounding), so
 * the leaf's k items all have squared distances <= the bound, and so does
 * the k-th nearest. Valid only without removed items (a leaf's slot count
 * is then its item count) and without a distance callback (whose
 * distances can exceed the box distance); +inf otherwise or when no child
 * holds k items. The leaf boxes stored here are rounded outward, which
 * only makes far distances larger: still a bound. With this bound the search starts pruned, reads the
 * nearest leaf first and never reads a leaf just to learn a bound. */
static double leaf_ub2(const knn_t *s, const gk_pack_t *p, size_t j,
                       uint64_t mask)
{
    if (s->fn || p->ndead || s->k > p->B)
        return INFINITY;
    const uint32_t B = p->B;
    const float *nd = gk_pack_inner(p, 1, j);
    gk_box_t q = s->q;
    double best = INFINITY;
    while (mask) {
        uint32_t i = (uint32_t)__builtin_ctzll(mask);
        mask &= mask - 1;
        size_t c = j * B + i;
        size_t items = p->n - c * B;
        if (items < s->k)
            continue;
        double dx = gk_max3(nd[2 * B + i] - q.xmax, q.xmin - nd[i], 0.0);
        double dy = gk_max3(nd[3 * B + i] - q.ymax, q.ymin - nd[B + i], 0.0);
        double d2 = dx * dx + dy * dy;
        best = d2 < best ? d2 : best;
    }
    return best;
}

/* Squared distances of the first m slots of a node into out, and the bit
 * mask of the slots with a finite squared distance <= b2: the slots worth a
 * look, found without a branch per slot. The AVX-512 / AVX2 version
 * (rtree_dist_x86.c) when the CPU has one, else SSE2 or portable C. */
static uint64_t node_mask2(const knn_t *s, const double *nd, uint32_t B,
                           double b2, size_t m, double *out)
{
    if (s->mask2)
        return s->mask2(nd, B, s->q, b2, m, out);
    gk_box_t q = s->q;
    node_dists2(nd, B, q, out);
    uint64_t mask = 0;
#if defined(__SSE2__)
    __m128d bv = _mm_set1_pd(b2), inf = _mm_set1_pd(INFINITY);
    for (uint32_t i = 0; i < B; i += 2) {
        __m128d d = _mm_loadu_pd(out + i);
        __m128d ok = _mm_and_pd(_mm_cmple_pd(d, bv), _mm_cmplt_pd(d, inf));
        mask |= (uint64_t)_mm_movemask_pd(ok) << i;
    }
#else
    for (uint32_t i = 0; i < B; i++)
        mask |= (uint64_t)(out[i] <= b2 && out[i] < INFINITY) << i;
#endif
    return gk_first_slots(mask, m);
}

/* node_mask2 for an inner node: its float boxes widened exactly to double,
 * then the same arithmetic, so each squared distance is a lower bound of
 * those of the items below (the boxes contain them; every operation is
 * monotonic in its rounding). */
static uint64_t inner_mask2(const knn_t *s, const float *nd, uint32_t B,
                            double b2, size_t m, double *out)
{
    if (s->imask2)
        return s->imask2(nd, B, s->q, b2, m, out);
    gk_box_t q = s->q;
    uint64_t mask = 0;
#if defined(__SSE2__)
    __m128d x1 = _mm_set1_pd(q.xmax), y1 = _mm_set1_pd(q.ymax);
    __m128d x0 = _mm_set1_pd(q.xmin), y0 = _mm_set1_pd(q.ymin);
    __m128d zero = _mm_setzero_pd(), bv = _mm_set1_pd(b2);
    __m128d inf = _mm_set1_pd(INFINITY);
    for (uint32_t i = 0; i < B; i += 2) {
#define GK_LOAD2F(ptr) \
    _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(const void *)(ptr))))
        __m128d dx = _mm_max_pd(_mm_max_pd(_mm_sub_pd(GK_LOAD2F(nd + i), x1),
                                           _mm_sub_pd(x0, GK_LOAD2F(nd + 2 * B + i))),
                                zero);
        __m128d dy = _mm_max_pd(_mm_max_pd(_mm_sub_pd(GK_LOAD2F(nd + B + i), y1),
                                           _mm_sub_pd(y0, GK_LOAD2F(nd + 3 * B + i))),
                                zero);
#undef GK_LOAD2F
        __m128d d = _mm_add_pd(_mm_mul_pd(dx, dx), _mm_mul_pd(dy, dy));
        _mm_storeu_pd(out + i, d);
        __m128d ok = _mm_and_pd(_mm_cmple_pd(d, bv), _mm_cmplt_pd(d, inf));
        mask |= (uint64_t)_mm_movemask_pd(ok) << i;
    }
#else
    for (uint32_t i = 0; i < B; i++) {
        double dx = gk_max3((double)nd[i] - q.xmax,
                            q.xmin - (double)nd[2 * B + i], 0.0);
        double dy = gk_max3((double)nd[B + i] - q.ymax,
                            q.ymin - (double)nd[3 * B + i], 0.0);
        out[i] = dx * dx + dy * dy;
        mask |= (uint64_t)(out[i] <= b2 && out[i] < INFINITY) << i;
    }
#endif
    return gk_first_slots(mask, m);
}

static void visit(knn_t *s, const gk_pack_t *p, uint32_t l, size_t j)
{
    const uint32_t B = p->B;
    size_t m = gk_pack_slots(p, l, j);
    double dist[GK_RTREE_MAX_NODE];
    if (l == 0) {
        const double *nd = gk_pack_leaf(p, j);
        if (j == s->skip)
            return;
        /* squared distances first: only the few slots within the bound
         * need a square root */
        uint64_t mask = node_mask2(s, nd, B, bound2(s), m, dist);
        while (mask) {
            uint32_t i = (uint32_t)__builtin_ctzll(mask);
            mask &= mask - 1;
            int64_t id = gk_pack_id(p, nd, i);
            if (s->fn) {
                gk_box_t b = {nd[i], nd[B + i], nd[2 * B + i], nd[3 * B + i]};
                consider(s, b, id);
                continue;
            }
            /* the same correctly rounded sqrt(dx*dx + dy*dy) as
             * gk_box_gap, so distances match a brute-force scan */
            double d = sqrt(dist[i]);
            if (d <= bound(s))
                offer(s, d, id);
        }
        return;
    }
    /* the rare depth-first path (a full queue): plain box distances */
    const float *nf = gk_pack_inner(p, l, j);
    for (uint32_t i = 0; i < B; i++)
        dist[i] = gk_box_gap(gk_inner_box(nf, B, i), s->q);
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
    /* the nearest two children are almost always entered */
    for (size_t c = 0; c < nc && c < 2; c++)
        gk_pack_prefetch(p, l - 1, j * B + cs[c]);
    for (size_t c = 0; c < nc; c++) {
        if (!(cd[c] <= bound(s)))
            break;
        if (c + 2 < nc)
            gk_pack_prefetch(p, l - 1, j * B + cs[c + 2]);
        visit(s, p, l - 1, j * B + cs[c]);
    }
}

/* The W nearest candidates of a node, without a branch per slot: each
 * candidate becomes one key, its squared distance's bits (a non-negative
 * double orders like its bit pattern) with the slot in the low 6 bits, and
 * is passed down a row of W min/max steps (compiled to conditional moves).
 * The insertion sort this replaces mispredicted on nearly every slot, and
 * the seed's walk waits for the choice at each level. Distances within 64
 * ulps may come out of order: harmless, the choice only steers the
 * prefetches and the seed's path, never which nodes are searched. */
#define NEAR_NONE UINT64_MAX

static inline __attribute__((always_inline)) void
nearest_keys(const double *dist, uint64_t mask, uint64_t *near, int W)
{
    for (int i = 0; i < W; i++)
        near[i] = NEAR_NONE;
    while (mask) {
        uint64_t k = (uint64_t)__builtin_ctzll(mask);
        mask &= mask - 1;
        uint64_t x = (dist_bits(dist[k]) & ~UINT64_C(63)) | k;
        for (int i = 0; i < W; i++) {
            uint64_t lo = x < near[i] ? x : near[i];
            x = x < near[i] ? near[i] : x;
            near[i] = lo;
        }
    }
}

/* Prefetch the nearest children of inner node j on level l among the
 * candidates in mask (squared distances in dist): 4 for a leaf parent (a
 * k = 10 search reads 3-4 leaves, nearly always among the 4 nearest
 * children of the first leaf parent), else 1. Returns the nearest slot, or
 * m when mask is empty. */
static size_t prefetch_nearest(const gk_pack_t *p, uint32_t l, size_t j,
                               const double *dist, uint64_t mask, size_t m)
{
    uint64_t near[4];
    int want = l == 1 ? 4 : 1;
    if (want == 4)
        nearest_keys(dist, mask, near, 4);
    else
        nearest_keys(dist, mask, near, 1);
    for (int i = 0; i < want && near[i] != NEAR_NONE; i++)
        gk_pack_prefetch(p, l - 1, j * p->B + (near[i] & 63));
    return near[0] == NEAR_NONE ? m : (size_t)(near[0] & 63);
}

/* Best-first search over one part: the queue of (squared box distance,
 * node) is an unsorted array on the stack and the nearest entry is found
 * by a scan when popped; a node is expanded only when no queued node is
 * nearer, so exactly the nodes with box distance <= the final k-th
 * distance are read. A binary heap did fewer comparisons but its sift
 * loops branched on the distances, and with ~25 pushes and ~13 pops per
 * query their mispredictions cost more than scanning a few dozen entries
 * with conditional moves. Distances are kept as dist_bits() (never NaN:
 * the node test's mask excludes it). Should the queue fill (a huge k), the
 * overflowing child is searched depth-first at once instead, which stays
 * exact. */
#define QCAP 1024

typedef struct queue {
    uint64_t d[QCAP]; /* bits of the squared box distance */
    uint64_t e[QCAP]; /* node: j << 5 | level */
    size_t n;
} queue_t;

/* Queue node j of level l at squared distance d (or, the queue being
 * full, search it at once). */
static void push(knn_t *s, const gk_pack_t *p, queue_t *qu, double d,
                 uint32_t l, size_t j)
{
    if (qu->n == QCAP) {
        visit(s, p, l, j);
        return;
    }
    qu->d[qu->n] = dist_bits(d);
    qu->e[qu->n] = (uint64_t)j << 5 | l;
    qu->n++;
}

/* Remove the nearest entry into *d, *e; *next gets the nearest of the rest
 * (its index after the removal), or SIZE_MAX when none is left. */
static void pop(queue_t *qu, uint64_t *d, uint64_t *e, size_t *next)
{
    size_t n = qu->n, i1 = 0, i2 = SIZE_MAX;
    uint64_t d1 = qu->d[0], d2 = UINT64_MAX;
    for (size_t i = 1; i < n; i++) {
        /* selects written as masks: as "c ? a : b" gcc branched here */
        uint64_t di = qu->d[i];
        uint64_t m1 = -(uint64_t)(di < d1);
        uint64_t hi = di ^ ((di ^ d1) & m1); /* the loser: runner-up? */
        size_t ihi = i ^ ((i ^ i1) & m1);
        d1 ^= (d1 ^ di) & m1;
        i1 ^= (i1 ^ i) & m1;
        uint64_t m2 = -(uint64_t)(hi < d2);
        d2 ^= (d2 ^ hi) & m2;
        i2 ^= (i2 ^ ihi) & m2;
    }
    *d = d1;
    *e = qu->e[i1];
    n--;
    qu->d[i1] = qu->d[n];
    qu->e[i1] = qu->e[n];
    qu->n = n;
    *next = i2 == n ? i1 : i2; /* the last entry moved into the hole */
}

/* Queue the children of node j of level l (squared distances in dist,
 * candidates in mask) within the current bound, except slot skip. Each
 * candidate is written and the count advanced by 0 or 1, so there is no
 * branch on its distance; only a queue near its capacity takes the slow
 * path (push(), which may search a child at once and tighten the bound). */
static void push_children(knn_t *s, const gk_pack_t *p, queue_t *qu,
                          uint32_t l, size_t j, const double *dist,
                          uint64_t mask, size_t skip)
{
    if (qu->n + GK_RTREE_MAX_NODE > QCAP) {
        while (mask) {
            size_t k = (size_t)__builtin_ctzll(mask);
            mask &= mask - 1;
            if (k != skip && dist[k] <= bound2(s))
                push(s, p, qu, dist[k], l - 1, j * p->B + k);
        }
        return;
    }
    uint64_t b2 = dist_bits(bound2(s));
    size_t n = qu->n;
    while (mask) {
        size_t k = (size_t)__builtin_ctzll(mask);
        mask &= mask - 1;
        uint64_t dk = dist_bits(dist[k]);
        qu->d[n] = dk;
        qu->e[n] = (uint64_t)(j * p->B + k) << 5 | (l - 1);
        n += (k != skip) & (dk <= b2);
    }
    qu->n = n;
}

/* Seed the result before the best-first search: walk from the root to the
 * nearest child at each level (no queue) and scan the leaf reached. With
 * k <= B that leaf fills the result, so the search proper starts with a
 * finite bound near the final one and queues only the few nodes within
 * it, instead of every child of every node on the way down (most of the
 * queue work when it started unbounded). The distances computed on the way
 * are kept: the siblings within the bound are queued from them, which is
 * what expanding the path again would queue. Returns false (nothing
 * seeded, s->skip unset) when some level had no child within the bound. */
static bool seed(knn_t *s, const gk_pack_t *p, queue_t *qu)
{
    double dist[GK_RTREE_MAX_LEVELS][GK_RTREE_MAX_NODE];
    uint64_t mask[GK_RTREE_MAX_LEVELS];
    size_t node[GK_RTREE_MAX_LEVELS], pick[GK_RTREE_MAX_LEVELS];
    size_t j = 0;
    for (uint32_t l = p->nlevels - 1; l > 0; l--) {
        const float *nd = gk_pack_inner(p, l, j);
        size_t m = gk_pack_slots(p, l, j);
        double b2 = bound2(s);
        mask[l] = inner_mask2(s, nd, p->B, b2, m, dist[l]);
        size_t c = prefetch_nearest(p, l, j, dist[l], mask[l], m);
        if (c == m)
            return false;
        node[l] = j;
        pick[l] = c;
        j = j * p->B + c;
    }
    double ub2 = s->n < s->k ? leaf_ub2(s, p, node[1], mask[1]) : INFINITY;
    if (ub2 < s->ub2) {
        /* a bound without reading the leaf: queue every leaf of the
         * path's level-1 node within it (the nearest included) */
        s->ub2 = ub2;
        set_bounds(s);
        pick[1] = SIZE_MAX;
    } else {
        visit(s, p, 0, j);
        s->skip = j;
    }
    for (uint32_t l = p->nlevels - 1; l > 0; l--)
        push_children(s, p, qu, l, node[l], dist[l], mask[l], pick[l]);
    return true;
}

static void best_first(knn_t *s, const gk_pack_t *p)
{
    queue_t qu;
    qu.n = 0;
    const uint32_t B = p->B;
    s->skip = SIZE_MAX;
    if (p->nlevels == 1 || !seed(s, p, &qu))
        push(s, p, &qu, 0.0, p->nlevels - 1, 0);
    while (qu.n) {
        uint64_t d, e;
        size_t next;
        pop(&qu, &d, &e, &next);
        if (d > dist_bits(bound2(s)))
            break;
        if (next != SIZE_MAX)
            gk_pack_prefetch(p, (uint32_t)(qu.e[next] & 31),
                             (size_t)(qu.e[next] >> 5));
        uint32_t l = (uint32_t)(e & 31);
        size_t j = (size_t)(e >> 5);
        if (l == 0) {
            visit(s, p, 0, j);
            continue;
        }
        const float *nd = gk_pack_inner(p, l, j);
        size_t m = gk_pack_slots(p, l, j);
        double dist[GK_RTREE_MAX_NODE];
        double b2 = bound2(s);
        uint64_t mask = inner_mask2(s, nd, B, b2, m, dist);
        /* Start fetching the nearest children now, so that their cache
         * misses overlap: the nearest inner child is nearly always expanded
         * next. */
        prefetch_nearest(p, l, j, dist, mask, m);
        push_children(s, p, &qu, l, j, dist, mask, SIZE_MAX);
    }
}

size_t gk_rtree_nearest(const gk_rtree_t *tree, gk_box_t q, size_t k,
                        const gk_rtree_knn_opts_t *opts, int64_t *ids,
                        double *dists)
{
    if (!tree || !ids || !dists || k == 0)
        return 0;
    knn_t s = {q, k, 0, ids, dists, INFINITY, NULL, NULL, k <= SORTED_MAX,
               SIZE_MAX, tree->knn_leaf_test, tree->knn_inner_test,
               INFINITY, INFINITY, INFINITY};
    if (opts) {
        s.fn = opts->dist_fn;
        s.user = opts->user;
        if (opts->has_max_dist)
            s.limit = opts->max_dist;
    }
    if (!(s.limit >= 0.0))
        return 0;
    set_bounds(&s);
    for (size_t i = 0; i < tree->nparts; i++) {
        const gk_pack_t *p = tree->parts[i];
        if (p->nlevels)
            best_first(&s, p);
    }
    for (size_t i = 0; i < tree->nbuf; i++)
        consider(&s, gk_buf_box(tree, i), tree->buf_id[i]);
    /* heap -> ascending (distance, id); the sorted list already is */
    size_t n = s.n;
    for (size_t end = s.sorted ? 0 : n; end > 1; end--) {
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
