/*
 * lib/index/rtree_pack.c - bulk loading of a packed R-tree.
 *
 * Method: sort the items once, then cut the sorted run into leaves of B
 * items and build each upper level from the one below (Kamel and Faloutsos,
 * "On packing R-trees", CIKM 1993, for the Hilbert order; Leutenegger,
 * Lopez and Edgington, "STR: a simple and efficient algorithm for R-tree
 * packing", ICDE 1997, for STR).
 *
 * Keys: the Hilbert index of the box centre on a 2^16 x 2^16 grid over the
 * extent (1.5 m cells over 100 km: ties inside a cell cost nothing in
 * query quality), or for STR the centre's x, then within each vertical
 * slice its y, quantised to 32 bits. A key is packed with the item's index
 * into one uint64 (key << 32 | index) and sorted by a least-significant-
 * digit radix sort on the high 32 bits (3 passes of 11 bits; passes whose
 * digit is constant are skipped). The sort is stable, so equal keys keep
 * input order and a build is deterministic.
 *
 * Re-cut (Hilbert order only): each run of B^3 consecutive items (a
 * level-2 node's worth; B^2 when B^3 > 4096) is then cut again, top-down,
 * like a k-d tree: halved at the median centre along its longer side
 * (halves holding whole level-1 nodes while above one, then whole
 * leaves), down to single leaves. Leaves cut every B items along the curve
 * are often long and thin; these are close to square, and so are the
 * level-1 nodes. Measured on the 1M-box benchmark: a k = 10 search reads
 * 3.18 leaves instead of 3.57 (uniform) and 3.28 instead of 3.72
 * (clustered); mean leaf perimeter -9%. The medians come from quickselect
 * (two pivots from a 63-key sample for 1024 items and more, then
 * median-of-3 rounds) on the centres' cells of the Hilbert keys' 16-bit
 * grid: O(run) per halving, 8 halvings for B = 16. Deterministic: no
 * randomness, and ties only change which of two equal keys goes left.
 * Cost: +40 ms for 1M items (0.047 -> 0.087 s on a quiet machine), for
 * 4-5% less kNN time on uniform data and 7% on clustered
 * (bench/RESULTS.md, owner knn2).
 *
 * Memory: the two sort buffers (16 bytes per item) live in the tail of the
 * tree's own leaf region (S = 36 or 40 bytes per slot, L >= n slots); leaf
 * j is written only after its keys were read, and its bytes end before the
 * keys of leaf j+1 start (S(j+1)B <= SL - 8n + 8(j+1)B, true since
 * (S-8)(j+1)B <= (S-8)L <= SL - 8n); a run's keys are all read before
 * any of its leaves is written, so this holds run by run too. The peak
 * memory of a build is the finished tree plus the re-cut's scratch (8
 * bytes per item of one run, twice, and a copy of its boxes and indices:
 * 208 KiB for B = 16, 0.6% of a 1M-item tree; for trees under ~30,000
 * items it is over 20% of their size).
 * Exact: the items' boxes are copied, never rounded (keys only decide the
 * order); inner boxes are floats rounded outward, so each contains the
 * exact boxes below it.
 */
#include <stdlib.h>
#include <string.h>

#include "index_internal.h"

gk_box_t gk_box_empty(void)
{
    gk_box_t e = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    return e;
}

bool gk_pack_layout(gk_pack_t *p, size_t n, uint32_t B, uint32_t idw)
{
    memset(p->count, 0, sizeof p->count);
    memset(p->off, 0, sizeof p->off);
    p->n = n;
    p->B = B;
    p->idw = idw;
    p->nlevels = 0;
    p->nnodes = 0;
    p->bytes = 0;
    if (n == 0)
        return true;
    if (n > UINT32_MAX || B < GK_RTREE_MIN_NODE || B > GK_RTREE_MAX_NODE ||
        (idw != 4 && idw != 8))
        return false;
    uint32_t l = 0;
    p->count[0] = (n + B - 1) / B;
    size_t bytes = p->count[0] * (32 + idw) * (size_t)B;
    size_t nodes = p->count[0];
    while (p->count[l] > 1) {
        if (l + 1 >= GK_RTREE_MAX_LEVELS)
            return false;
        p->count[l + 1] = (p->count[l] + B - 1) / B;
        p->off[l + 1] = bytes;
        bytes += p->count[l + 1] * 16 * (size_t)B;
        nodes += p->count[l + 1];
        l++;
    }
    p->nlevels = l + 1;
    p->nnodes = nodes;
    p->bytes = bytes;
    return true;
}

static void set_slot(double *node, uint32_t B, uint32_t s, gk_box_t b)
{
    node[s] = b.xmin;
    node[B + s] = b.ymin;
    node[2 * B + s] = b.xmax;
    node[3 * B + s] = b.ymax;
}

/* An inner slot holds the box rounded outward to floats: it contains b. */
static void set_inner_slot(float *node, uint32_t B, uint32_t s, gk_box_t b)
{
    node[s] = gk_f32_down(b.xmin);
    node[B + s] = gk_f32_down(b.ymin);
    node[2 * B + s] = gk_f32_up(b.xmax);
    node[3 * B + s] = gk_f32_up(b.ymax);
}

static double *leaf_w(gk_pack_t *p, size_t j)
{
    return (double *)(void *)(p->data + j * gk_pack_node_bytes(p, 0));
}

static float *inner_w(gk_pack_t *p, uint32_t level, size_t j)
{
    return (float *)(void *)(p->data + p->off[level] +
                             j * gk_pack_node_bytes(p, level));
}

/* Floats widen exactly, so the union of outward boxes is outward too. */
gk_box_t gk_pack_node_box(const gk_pack_t *p, uint32_t l, size_t j)
{
    gk_box_t b = gk_box_empty();
    for (uint32_t i = 0; i < p->B; i++) {
        gk_box_t c = gk_pack_slot_box(p, l, j, i);
        b.xmin = c.xmin < b.xmin ? c.xmin : b.xmin;
        b.ymin = c.ymin < b.ymin ? c.ymin : b.ymin;
        b.xmax = c.xmax > b.xmax ? c.xmax : b.xmax;
        b.ymax = c.ymax > b.ymax ? c.ymax : b.ymax;
    }
    return b;
}

void gk_pack_fill_level(gk_pack_t *p, uint32_t l)
{
    uint32_t B = p->B;
    for (size_t j = 0; j < p->count[l]; j++) {
        float *dst = inner_w(p, l, j);
        for (uint32_t s = 0; s < B; s++) {
            size_t c = j * B + s;
            gk_box_t b = gk_box_empty();
            if (c < p->count[l - 1])
                b = gk_pack_node_box(p, l - 1, c);
            set_inner_slot(dst, B, s, b);
        }
    }
}

/* LSD radix sort of a[0..n) by the high 32 bits, tmp as scratch; returns
 * the buffer holding the result (a or tmp). */
static uint64_t *radix_hi32(uint64_t *a, uint64_t *tmp, size_t n)
{
    static const unsigned shift[3] = {32, 43, 54};
    uint32_t hist[3][2048];
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = a[i];
        hist[0][(k >> 32) & 2047]++;
        hist[1][(k >> 43) & 2047]++;
        hist[2][(k >> 54) & 2047]++;
    }
    uint64_t *src = a, *dst = tmp;
    for (int pass = 0; pass < 3; pass++) {
        uint32_t *h = hist[pass];
        uint32_t sum = 0;
        bool constant = false;
        for (int d = 0; d < 2048; d++) {
            uint32_t c = h[d];
            if (c == n)
                constant = true;
            h[d] = sum;
            sum += c;
        }
        if (constant)
            continue;
        unsigned sh = shift[pass];
        for (size_t i = 0; i < n; i++) {
            uint64_t k = src[i];
            dst[h[(k >> sh) & 2047]++] = k;
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* Map v in [lo, hi] to [0, scale] without overflow for any finite input. */
static uint32_t quantise(double v, double lo, double inv_w, double scale)
{
    double f = (v * 0.5 - lo * 0.5) * inv_w * scale;
    if (!(f >= 0.0))
        return 0;
    if (f >= scale)
        return (uint32_t)scale;
    return (uint32_t)f;
}

static double inverse_half_width(double lo, double hi)
{
    double w = hi * 0.5 - lo * 0.5;
    return w > 0.0 ? 1.0 / w : 0.0;
}

static double centre(double a, double b)
{
    return a * 0.5 + b * 0.5;
}

/* Sorted keys for Hilbert order, written to r1 (tmp r2); returns result. */
static uint64_t *sort_hilbert(const gk_box_t *boxes, size_t n, gk_box_t ext,
                              uint64_t *r1, uint64_t *r2)
{
    double ix = inverse_half_width(ext.xmin, ext.xmax);
    double iy = inverse_half_width(ext.ymin, ext.ymax);
    for (size_t i = 0; i < n; i++) {
        gk_box_t b = boxes[i];
        uint32_t qx = quantise(centre(b.xmin, b.xmax), ext.xmin, ix, 65535.0);
        uint32_t qy = quantise(centre(b.ymin, b.ymax), ext.ymin, iy, 65535.0);
        r1[i] = (uint64_t)gk_hilbert16(qx, qy) << 32 | (uint64_t)i;
    }
    return radix_hi32(r1, r2, n);
}

/* STR: x order, then y order inside each of ceil(sqrt(leaves)) slices. */
static uint64_t *sort_str(const gk_box_t *boxes, size_t n, gk_box_t ext,
                          uint32_t B, uint64_t *r1, uint64_t *r2)
{
    const double scale = 4294967295.0;
    double ix = inverse_half_width(ext.xmin, ext.xmax);
    double iy = inverse_half_width(ext.ymin, ext.ymax);
    for (size_t i = 0; i < n; i++) {
        gk_box_t b = boxes[i];
        uint32_t qx = quantise(centre(b.xmin, b.xmax), ext.xmin, ix, scale);
        r1[i] = (uint64_t)qx << 32 | (uint64_t)i;
    }
    uint64_t *x = radix_hi32(r1, r2, n);
    uint64_t *other = x == r1 ? r2 : r1;
    size_t leaves = (n + B - 1) / B;
    size_t slices = (size_t)ceil(sqrt((double)leaves));
    size_t per = ((leaves + slices - 1) / slices) * B;
    for (size_t a = 0; a < n; a += per) {
        size_t len = n - a < per ? n - a : per;
        for (size_t i = a; i < a + len; i++) {
            uint32_t idx = (uint32_t)x[i];
            gk_box_t b = boxes[idx];
            uint32_t qy =
                quantise(centre(b.ymin, b.ymax), ext.ymin, iy, scale);
            x[i] = (uint64_t)qy << 32 | idx;
        }
        uint64_t *r = radix_hi32(x + a, other + a, len);
        if (r != x + a)
            memcpy(x + a, r, len * sizeof *r);
    }
    return x;
}

/* An item of a run being re-cut, packed in one uint64: its centre on the
 * 2^16 x 2^16 grid of the Hilbert keys (y in bits 48-63, x in 32-47; the
 * cut only needs an order, and 1.5 m cells over 100 km are far finer than
 * any leaf) and its position in the run (bits 0-31). One word per item:
 * a partition moves 8 bytes, and every load reads what one store wrote. */
#define CUT_X 32
#define CUT_Y 48

static uint32_t cut_key(uint64_t e, unsigned sh)
{
    return (uint32_t)(e >> sh) & 0xFFFFu;
}

/* Read the keys of items g..g+cnt of the sorted order, copy their boxes
 * and indices to lbox and gid, and make their cut entries. The boxes are
 * read at random: prefetch `ahead` items on so their misses overlap. */
static void gather_run(uint64_t *e, gk_box_t *lbox, uint32_t *gid,
                       const gk_box_t *boxes, const uint64_t *keys, size_t n,
                       size_t g, size_t cnt, size_t ahead, gk_box_t ext)
{
    double ix = inverse_half_width(ext.xmin, ext.xmax);
    double iy = inverse_half_width(ext.ymin, ext.ymax);
    for (size_t i = 0; i < cnt; i++) {
        if (g + i + ahead < n)
            __builtin_prefetch(&boxes[(uint32_t)keys[g + i + ahead]]);
        uint32_t k = (uint32_t)keys[g + i];
        gk_box_t b = boxes[k];
        lbox[i] = b;
        gid[i] = k;
        uint64_t qx = quantise(centre(b.xmin, b.xmax), ext.xmin, ix, 65535.0);
        uint64_t qy = quantise(centre(b.ymin, b.ymax), ext.ymin, iy, 65535.0);
        e[i] = qy << CUT_Y | qx << CUT_X | (uint64_t)i;
    }
}

/* Move the entries of e[0..n) whose key on axis sh is below piv (or, with
 * le, not above it) to the front; returns how many moved. Out of place,
 * through tmp: each entry is written both at the next front slot and the
 * next back slot, and only the counts depend on the test, so no load
 * waits on a store (in place, each step would reload the slot the step
 * before wrote: ~4x slower). */
static inline size_t part_front(uint64_t *e, uint64_t *tmp, size_t n,
                                unsigned sh, uint32_t piv, bool le)
{
    size_t f = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = e[i];
        uint32_t key = cut_key(t, sh);
        size_t in = le ? key <= piv : key < piv;
        tmp[f] = t;
        tmp[n - 1 - i + f] = t;
        f += in;
    }
    memcpy(e, tmp, n * sizeof *e);
    return f;
}

static uint32_t median3(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    return c < lo ? lo : c > hi ? hi : c;
}

/* Quickselect: reorder e[0..n) so that the k first have keys on axis sh
 * no greater than the rest (k < n). The pivot is a key of the range, so a
 * partition always leaves it out of the front; when nothing is below it
 * the entries equal to it are split off instead. Every round shrinks the
 * range, so it ends; expected O(n). */
static void select_k(uint64_t *e, uint64_t *tmp, size_t n, size_t k,
                     unsigned sh)
{
    size_t lo = 0, hi = n;
    if (n >= 1024) {
        /* First narrow the range with two pivots taken from a sorted
         * sample of 63 keys on either side of rank k (Floyd and Rivest's
         * idea): two passes leave about a sixth of the entries around
         * rank k, where plain median-of-3 rounds would take ~2.7 passes. */
        uint32_t smp[63];
        for (size_t i = 0; i < 63; i++) {
            uint32_t v = cut_key(e[(2 * i + 1) * n / 126], sh);
            size_t at = i;
            for (; at > 0 && smp[at - 1] > v; at--)
                smp[at] = smp[at - 1];
            smp[at] = v;
        }
        size_t r = k * 63 / n;
        uint32_t plo = smp[r >= 5 ? r - 5 : 0];
        uint32_t phi = smp[r + 5 < 63 ? r + 5 : 62];
        size_t a = part_front(e, tmp, n, sh, plo, false);
        if (k < a) {
            hi = a;
        } else {
            size_t b = a + part_front(e + a, tmp, n - a, sh, phi, true);
            lo = a;
            if (k < b)
                hi = b;
            else
                lo = b;
        }
    }
    while (hi - lo > 1) {
        uint32_t piv = median3(cut_key(e[lo], sh),
                               cut_key(e[lo + (hi - lo) / 2], sh),
                               cut_key(e[hi - 1], sh));
        size_t a = lo + part_front(e + lo, tmp, hi - lo, sh, piv, false);
        if (k < a) {
            hi = a;
            continue;
        }
        if (a > lo) {
            lo = a;
            continue;
        }
        size_t eq = a + part_front(e + a, tmp, hi - a, sh, piv, true);
        if (k < eq)
            return;
        lo = eq;
    }
}

/* Re-cut a run of cnt items (a level-2 node's worth, in Hilbert order)
 * into leaves of B: halve it at the median centre along its longer side,
 * then each half the same way, until one leaf is left (a k-d split whose
 * halves hold whole leaves, and whole level-1 nodes while above one).
 * Hilbert runs are compact, but leaves cut every B items along the curve
 * are often long and thin; these are close to square, which is what a
 * nearest-neighbour search's circle overlaps least. wx, wy: the width
 * and height of the extent (halved: grid units differ between axes). */
static void recut(uint64_t *e, uint64_t *tmp, size_t cnt, uint32_t B,
                  double wx, double wy)
{
    size_t leaves = (cnt + B - 1) / B;
    if (leaves <= 1)
        return;
    /* the longer side, judged from at most 64 items spread over the run
     * (exact up to 64: an estimate above decides nothing but speed) */
    uint32_t x0 = UINT32_MAX, x1 = 0, y0 = UINT32_MAX, y1 = 0;
    size_t step = cnt > 64 ? cnt / 64 : 1;
    for (size_t i = 0; i < cnt; i += step) {
        uint32_t x = cut_key(e[i], CUT_X), y = cut_key(e[i], CUT_Y);
        x0 = x < x0 ? x : x0;
        x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0;
        y1 = y > y1 ? y : y1;
    }
    /* above one level-1 node, halve on node boundaries so that each
     * level-1 node is a k-d cell too */
    size_t unit = leaves > B ? B : 1;
    size_t units = (leaves + unit - 1) / unit;
    size_t left = units / 2 * unit * B;
    bool by_x = (double)(x1 - x0) * wx >= (double)(y1 - y0) * wy;
    select_k(e, tmp, cnt, left, by_x ? CUT_X : CUT_Y);
    recut(e, tmp, left, B, wx, wy);
    recut(e + left, tmp, cnt - left, B, wx, wy);
}

/* Write leaf j from the m items of the run starting at e[first]. */
static void write_leaf(gk_pack_t *p, const uint64_t *e, const gk_box_t *lbox,
                       const uint32_t *gid, const int64_t *ids, size_t j,
                       size_t first, size_t m)
{
    uint32_t B = p->B;
    double *node = leaf_w(p, j);
    void *nid = node + 4 * B;
    gk_box_t bb = gk_box_empty();
    for (uint32_t s = 0; s < B; s++) {
        if (s < m) {
            uint32_t pos = (uint32_t)e[first + s];
            uint32_t i = gid[pos];
            gk_box_t b = lbox[pos];
            set_slot(node, B, s, b);
            int64_t id = ids ? ids[i] : (int64_t)i;
            if (p->idw == 4)
                ((int32_t *)nid)[s] = (int32_t)id;
            else
                ((int64_t *)nid)[s] = id;
            bb.xmin = b.xmin < bb.xmin ? b.xmin : bb.xmin;
            bb.ymin = b.ymin < bb.ymin ? b.ymin : bb.ymin;
            bb.xmax = b.xmax > bb.xmax ? b.xmax : bb.xmax;
            bb.ymax = b.ymax > bb.ymax ? b.ymax : bb.ymax;
        } else {
            set_slot(node, B, s, gk_box_empty());
            if (p->idw == 4)
                ((int32_t *)nid)[s] = 0;
            else
                ((int64_t *)nid)[s] = 0;
        }
    }
    if (p->nlevels > 1)
        set_inner_slot(inner_w(p, 1, j / B), B, (uint32_t)(j % B), bb);
}

void gk_pack_free(gk_pack_t *p)
{
    if (!p)
        return;
    if (p->owned && p->data)
        gk_huge_free(p->data, p->alloc_len);
    free(p);
}

gk_status_t gk_pack_build(gk_context_t *ctx, const gk_box_t *boxes,
                          const int64_t *ids, size_t n, gk_box_t extent,
                          uint32_t B, gk_rtree_method_t method,
                          gk_pack_t **out)
{
    gk_pack_t *p = calloc(1, sizeof *p);
    if (!p)
        return gk_error_nomem(ctx, "an R-tree");
    /* 4-byte ids when they all fit: 36 instead of 40 bytes per item */
    uint32_t idw = 4;
    if (ids) {
        for (size_t i = 0; i < n && idw == 4; i++)
            if (ids[i] < INT32_MIN || ids[i] > INT32_MAX)
                idw = 8;
    } else if (n > (size_t)INT32_MAX + 1) {
        idw = 8;
    }
    if (!gk_pack_layout(p, n, B, idw)) {
        free(p);
        return gk_error(ctx, GK_ERR_UNSUPPORTED,
                        "gk_rtree_build: %zu items is too many for one tree "
                        "(limit 2^32 - 1)",
                        n);
    }
    p->owned = true;
    p->method = method;
    p->bounds = extent;
    if (n == 0) {
        *out = p;
        return GK_OK;
    }
    p->data = gk_huge_alloc(p->bytes, &p->alloc_len);
    if (!p->data) {
        free(p);
        return gk_error_nomem(ctx, "R-tree nodes");
    }
    size_t leafbytes = p->count[0] * (32 + idw) * (size_t)B;
    uint64_t *r2 = (uint64_t *)(void *)(p->data + leafbytes - 8 * n);
    uint64_t *r1 = r2 - n;
    uint64_t *sorted = method == GK_RTREE_STR
                           ? sort_str(boxes, n, extent, B, r1, r2)
                           : sort_hilbert(boxes, n, extent, r1, r2);
    if (sorted != r2)
        memmove(r2, sorted, n * sizeof *r2);

    /* One level-2 node's worth of items (B^3, or B^2 when B^3 > 4096) at
     * a time: read its keys and gather its boxes, re-cut it into leaves
     * (Hilbert order only), then write its leaves. The keys of a run are
     * all read before any of its leaves is written, so the invariant
     * above still holds. */
    size_t run = (size_t)B * B * B <= 4096 ? (size_t)B * B * B : (size_t)B * B;
    run = run < n ? run : n;
    /* scratch: the run's cut entries and a copy, and its boxes and
     * indices in sorted order (so that writing the leaves reads them from
     * here, not at random again): at most 4096 items, 208 KiB */
    uint64_t *ce = malloc(run * sizeof *ce);
    uint64_t *tmp = malloc(run * sizeof *tmp);
    gk_box_t *lbox = malloc(run * sizeof *lbox);
    uint32_t *gid = malloc(run * sizeof *gid);
    if (!ce || !tmp || !lbox || !gid) {
        free(ce);
        free(tmp);
        free(lbox);
        free(gid);
        gk_huge_free(p->data, p->alloc_len);
        free(p);
        return gk_error_nomem(ctx, "R-tree build scratch");
    }
    for (size_t g = 0; g < n; g += run) {
        size_t cnt = n - g < run ? n - g : run;
        gather_run(ce, lbox, gid, boxes, r2, n, g, cnt, 2 * (size_t)B,
                   extent);
        if (method != GK_RTREE_STR)
            recut(ce, tmp, cnt, B, extent.xmax * 0.5 - extent.xmin * 0.5,
                  extent.ymax * 0.5 - extent.ymin * 0.5);
        for (size_t j = g / B; j * B < g + cnt; j++)
            write_leaf(p, ce, lbox, gid, ids, j, j * B - g,
                       (g + cnt) - j * B < B ? (g + cnt) - j * B : B);
    }
    free(ce);
    free(tmp);
    free(lbox);
    free(gid);
    if (p->nlevels > 1) {
        /* padding of the last level-1 node */
        for (size_t c = p->count[0]; c < p->count[1] * B; c++)
            set_inner_slot(inner_w(p, 1, c / B), B, (uint32_t)(c % B),
                           gk_box_empty());
    }
    for (uint32_t l = 2; l < p->nlevels; l++)
        gk_pack_fill_level(p, l);
    *out = p;
    return GK_OK;
}
