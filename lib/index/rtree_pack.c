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
 * Memory: the two sort buffers (16 bytes per item) live in the tail of the
 * tree's own leaf region (S = 36 or 40 bytes per slot, L >= n slots); leaf
 * j is written only after its keys were read, and its bytes end before the
 * keys of leaf j+1 start (S(j+1)B <= SL - 8n + 8(j+1)B, true since
 * (S-8)(j+1)B <= (S-8)L <= SL - 8n), so the peak memory of a build is the
 * finished tree and nothing more. Exact: the items' boxes are copied,
 * never rounded (keys only decide the order); inner boxes are floats
 * rounded outward, so each contains the exact boxes below it.
 */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "index_internal.h"

#define HUGE_PAGE ((size_t)2 << 20)

/* Big trees live in huge pages when the system allows: 20 page faults
 * instead of 10,000 for a 40 MB tree, and far fewer TLB misses on random
 * queries. */
void *gk_index_alloc(size_t bytes, size_t *len)
{
    size_t need = (bytes + 63) & ~(size_t)63;
    if (need < HUGE_PAGE) {
        *len = 0;
        return aligned_alloc(64, need ? need : 64);
    }
    /* 4 KiB granularity at the end: the tail below 2 MiB gets small pages,
     * so the memory used is the tree's size, not rounded up to 2 MiB */
    size_t round = (need + 4095) & ~(size_t)4095;
    unsigned char *m = mmap(NULL, round + HUGE_PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    /* trim to a 2 MiB aligned range */
    size_t head = (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
    if (head)
        munmap(m, head);
    if (HUGE_PAGE - head)
        munmap(m + head + round, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
    madvise(m + head, round, MADV_HUGEPAGE);
#endif
    *len = round;
    return m + head;
}

void gk_index_release(void *p, size_t len)
{
    if (len)
        munmap(p, len);
    else
        free(p);
}

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

/* The union of the B slots of a leaf or an inner node (floats widen
 * exactly, so the union of outward boxes is outward too). */
static gk_box_t node_union(const gk_pack_t *p, uint32_t l, size_t j)
{
    uint32_t B = p->B;
    gk_box_t b = gk_box_empty();
    for (uint32_t i = 0; i < B; i++) {
        gk_box_t c = l == 0 ? gk_leaf_box(gk_pack_leaf(p, j), B, i)
                            : gk_inner_box(gk_pack_inner(p, l, j), B, i);
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
                b = node_union(p, l - 1, c);
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

/* Scratch for one run of B^2 items: their indices, box centres and the
 * permutation the re-cut produces (at most 4096 items, 90 KiB). */
typedef struct recut {
    uint32_t *idx;
    double *cx, *cy;
    uint16_t *perm;
} recut_t;

static bool recut_init(recut_t *r, size_t run)
{
    r->idx = malloc(run * sizeof *r->idx);
    r->cx = malloc(run * sizeof *r->cx);
    r->cy = malloc(run * sizeof *r->cy);
    r->perm = malloc(run * sizeof *r->perm);
    if (r->idx && r->cx && r->cy && r->perm)
        return true;
    free(r->idx);
    free(r->cx);
    free(r->cy);
    free(r->perm);
    return false;
}

static void recut_free(recut_t *r)
{
    free(r->idx);
    free(r->cx);
    free(r->cy);
    free(r->perm);
}

/* Read the keys of items g..g+cnt of the sorted order and the centres of
 * their boxes. The boxes are read at random: prefetch `ahead` items on so
 * their cache misses overlap. */
static void gather_run(recut_t *r, const gk_box_t *boxes, const uint64_t *keys,
                       size_t n, size_t g, size_t cnt, size_t ahead)
{
    for (size_t i = 0; i < cnt; i++) {
        if (g + i + ahead < n)
            __builtin_prefetch(&boxes[(uint32_t)keys[g + i + ahead]]);
        uint32_t k = (uint32_t)keys[g + i];
        gk_box_t b = boxes[k];
        r->idx[i] = k;
        r->cx[i] = centre(b.xmin, b.xmax);
        r->cy[i] = centre(b.ymin, b.ymax);
        r->perm[i] = (uint16_t)i;
    }
}

/* Move the entries of p[0..n) whose key c[] is below piv to the front
 * (branch-free: the swap always happens, only the count depends on the
 * test); returns how many there are. */
static size_t part_below(const double *c, uint16_t *p, size_t n, double piv)
{
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t t = p[i];
        size_t lt = c[t] < piv;
        p[i] = p[s];
        p[s] = t;
        s += lt;
    }
    return s;
}

/* The same for keys not above piv (equal keys, and NaN, which no box
 * has: the build rejects them). */
static size_t part_not_above(const double *c, uint16_t *p, size_t n,
                             double piv)
{
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t t = p[i];
        size_t le = !(piv < c[t]);
        p[i] = p[s];
        p[s] = t;
        s += le;
    }
    return s;
}

static double median3(double a, double b, double c)
{
    double lo = a < b ? a : b, hi = a < b ? b : a;
    return c < lo ? lo : c > hi ? hi : c;
}

/* Quickselect: reorder p[0..n) so that the k first have keys no greater
 * than the rest (k < n). Each round removes at least the pivot's equals,
 * so it ends; expected O(n). */
static void select_k(const double *c, uint16_t *p, size_t n, size_t k)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        double piv = median3(c[p[lo]], c[p[lo + (hi - lo) / 2]], c[p[hi - 1]]);
        size_t a = lo + part_below(c, p + lo, hi - lo, piv);
        if (k < a) {
            hi = a;
            continue;
        }
        size_t e = a + part_not_above(c, p + a, hi - a, piv);
        if (k < e)
            return;
        lo = e;
    }
}

/* Re-cut a run of cnt items (a level-1 node's worth, in Hilbert order)
 * into leaves of B: halve it by the median centre along its longer side,
 * then each half the same way, until one leaf is left (a k-d split with
 * halves holding whole leaves). Hilbert runs are compact but their leaves,
 * cut every B items along the curve, are often long and thin; these are
 * close to square, which is what a nearest-neighbour search's circle
 * overlaps least. */
static void recut(const double *cx, const double *cy, uint16_t *perm,
                  size_t cnt, uint32_t B)
{
    size_t leaves = (cnt + B - 1) / B;
    if (leaves <= 1)
        return;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < cnt; i++) {
        double x = cx[perm[i]], y = cy[perm[i]];
        x0 = x < x0 ? x : x0;
        x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0;
        y1 = y > y1 ? y : y1;
    }
    size_t left = leaves / 2 * B;
    select_k(x1 - x0 >= y1 - y0 ? cx : cy, perm, cnt, left);
    recut(cx, cy, perm, left, B);
    recut(cx, cy, perm + left, cnt - left, B);
}

/* Write leaf j from the m items of the run starting at perm[first]. */
static void write_leaf(gk_pack_t *p, const recut_t *r, const gk_box_t *boxes,
                       const int64_t *ids, size_t j, size_t first, size_t m)
{
    uint32_t B = p->B;
    double *node = leaf_w(p, j);
    void *nid = node + 4 * B;
    gk_box_t bb = gk_box_empty();
    for (uint32_t s = 0; s < B; s++) {
        if (s < m) {
            uint32_t i = r->idx[r->perm[first + s]];
            gk_box_t b = boxes[i];
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
        gk_index_release(p->data, p->alloc_len);
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
    p->data = gk_index_alloc(p->bytes, &p->alloc_len);
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

    /* One level-1 node's worth of items (B^2) at a time: read its keys and
     * gather its boxes' centres, re-cut it into leaves (Hilbert order
     * only), then write its leaves. The keys of a run are all read before
     * any of its leaves is written, so the invariant above still holds. */
    size_t run = (size_t)B * B < n ? (size_t)B * B : n;
    recut_t rc;
    if (!recut_init(&rc, run)) {
        gk_index_release(p->data, p->alloc_len);
        free(p);
        return gk_error_nomem(ctx, "R-tree build scratch");
    }
    for (size_t g = 0; g < n; g += run) {
        size_t cnt = n - g < run ? n - g : run;
        gather_run(&rc, boxes, r2, n, g, cnt, 2 * (size_t)B);
        if (method != GK_RTREE_STR)
            recut(rc.cx, rc.cy, rc.perm, cnt, B);
        for (size_t j = g / B; j * B < g + cnt; j++)
            write_leaf(p, &rc, boxes, ids, j, j * B - g,
                       (g + cnt) - j * B < B ? (g + cnt) - j * B : B);
    }
    recut_free(&rc);
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
