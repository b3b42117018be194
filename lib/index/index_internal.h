/*
 * lib/index/index_internal.h - the R-tree's memory layout, shared by the
 * files of lib/index. Not installed.
 *
 * A packed part ("pack") of n items with node size B has levels 0 (leaves)
 * .. nlevels-1 (the root, one node). Level l has count[l] nodes:
 * count[0] = ceil(n / B), count[l+1] = ceil(count[l] / B). Slot s of node j
 * on level l > 0 describes node j*B + s of level l-1; slot s of leaf j is
 * item j*B + s. Slots past the end of a level are padding holding the empty
 * box (+inf, +inf, -inf, -inf), which no query matches: so traversal needs
 * no bounds checks, and a removed item is simply blanked to that box.
 *
 * One contiguous block, leaves first:
 *   leaf j     at data + j * (32 + w)B bytes: xmin[B] ymin[B] xmax[B]
 *              ymax[B] (doubles) then id[B] - ids beside their boxes so a
 *              hit costs no extra cache miss. Ids take w = 4 bytes (int32)
 *              when every id of the part fits, else 8 (int64);
 *   level l>0  at data + off[l] + j * 16B bytes: the four coordinate rows
 *              as floats, each box rounded outward (mins down, maxes up:
 *              gk_f32_down/up) so it contains the exact box below it.
 * Leaves are exact, so every answer is; an inner box is only ever used to
 * decide whether to descend, and a box that contains the exact one never
 * skips a child that holds an answer (it may rarely enter one that does
 * not). Float inner levels halve the bytes of every inner node: level 1
 * of a 1M-item tree is 1 MB instead of 2 MB, and a k-nearest search reads
 * 2-3 of its nodes per query. The file format (version 2) stores this
 * block verbatim after its header.
 */
#ifndef GK_INDEX_INTERNAL_H
#define GK_INDEX_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include "core/core_internal.h"
#include "geokota/rtree.h"

#define GK_RTREE_MIN_NODE 4
#define GK_RTREE_MAX_NODE 64
#define GK_RTREE_MAX_LEVELS 24 /* n < 2^32, B >= 4: at most 16 levels */
#define GK_RTREE_MAX_PARTS 48
#define GK_RTREE_BUF_CAP 256   /* inserts gathered before a merge */

typedef struct gk_pack {
    size_t n;     /* item slots (live + removed) */
    size_t ndead; /* removed (blanked) slots */
    uint32_t B;
    uint32_t idw;     /* bytes per leaf id: 4 or 8 */
    uint32_t nlevels; /* 0 when n == 0 */
    size_t count[GK_RTREE_MAX_LEVELS];
    size_t off[GK_RTREE_MAX_LEVELS]; /* byte offset of each level */
    size_t nnodes;
    size_t bytes;          /* size of data */
    unsigned char *data;   /* the block; may point into a mapping */
    bool owned;            /* data allocated by us (else mapped/wrapped) */
    size_t alloc_len;      /* length of our allocation (gk_huge_alloc) */
    gk_box_t bounds;
    gk_rtree_method_t method;
} gk_pack_t;

/* rtree_dist_x86.c: squared box distances from q to the B slots of a node
 * into out and the mask of the first m slots whose squared distance is
 * finite and <= b2 (the k-nearest search's node test), in the widest SIMD
 * the CPU has up to level (2: AVX-512, 1: AVX2); NULL when it has neither
 * (or is not x86-64), and the caller uses its SSE2 / portable version.
 * Bit-identical to that version. */
typedef uint64_t (*gk_node_mask2_fn)(const double *nd, uint32_t B, gk_box_t q,
                                     double b2, size_t m, double *out);
gk_node_mask2_fn gk_node_mask2_x86(int level);
/* The same for an inner node (rows of floats, widened exactly to double
 * and then the same arithmetic). */
typedef uint64_t (*gk_inner_mask2_fn)(const float *nd, uint32_t B, gk_box_t q,
                                      double b2, size_t m, double *out);
gk_inner_mask2_fn gk_inner_mask2_x86(int level);

struct gk_rtree {
    uint32_t B;
    gk_rtree_method_t method;
    size_t nparts;
    gk_pack_t *parts[GK_RTREE_MAX_PARTS]; /* largest first */
    /* insert buffer, scanned by queries: chunks of 64 slots in the node
     * layout (four coordinate rows), so the SIMD node test scans it;
     * unused slots hold the empty box */
    size_t nbuf;
    double buf_node[GK_RTREE_BUF_CAP / 64][4 * 64];
    int64_t buf_id[GK_RTREE_BUF_CAP];
    /* a mapping that backs parts[0] (NULL for none) */
    void *map;
    size_t map_len;
    /* the k-nearest search's node tests for this CPU (NULL: SSE2 or
     * portable), chosen once when the tree is made */
    gk_node_mask2_fn knn_leaf_test;
    gk_inner_mask2_fn knn_inner_test;
};

struct gk_hits {
    size_t nq;
    int64_t *offsets;
    size_t nids;
    size_t cap;
    int64_t *ids;
    int64_t *ids_b;
};

/* Bytes of one node of a level. */
static inline size_t gk_pack_node_bytes(const gk_pack_t *p, uint32_t level)
{
    return (size_t)p->B * (level == 0 ? 32 + p->idw : 16);
}

/* Leaf j: four rows of B doubles, then the ids. */
static inline const double *gk_pack_leaf(const gk_pack_t *p, size_t j)
{
    return (const double *)(const void *)(p->data +
                                          j * gk_pack_node_bytes(p, 0));
}

/* Node j of level >= 1: four rows of B floats. */
static inline const float *gk_pack_inner(const gk_pack_t *p, uint32_t level,
                                         size_t j)
{
    return (const float *)(const void *)(p->data + p->off[level] +
                                         j * gk_pack_node_bytes(p, level));
}

/* Ask for all cache lines of a node at once: a node is 4-9 lines read
 * together, and issuing them in parallel hides most of the miss latency
 * of the random step from parent to child. */
static inline void gk_pack_prefetch(const gk_pack_t *p, uint32_t level,
                                    size_t j)
{
    const char *a = (const char *)(const void *)p->data + p->off[level] +
                    j * gk_pack_node_bytes(p, level);
    size_t bytes = gk_pack_node_bytes(p, level);
    for (size_t o = 0; o < bytes; o += 64)
        __builtin_prefetch(a + o);
}

/* Number of slots of node j on level l that exist (the rest of a node at
 * the end of a level is padding). */
static inline size_t gk_pack_slots(const gk_pack_t *p, uint32_t l, size_t j)
{
    size_t below = l == 0 ? p->n : p->count[l - 1];
    size_t m = below - j * p->B;
    return m < p->B ? m : p->B;
}

/* mask restricted to its first m bits (m <= 64). */
static inline uint64_t gk_first_slots(uint64_t mask, size_t m)
{
    return m < 64 ? mask & ((UINT64_C(1) << m) - 1) : mask;
}

/* Slot s of a leaf or of an inner node, as a box of doubles. */
static inline gk_box_t gk_leaf_box(const double *nd, uint32_t B, uint32_t s)
{
    gk_box_t b = {nd[s], nd[B + s], nd[2 * B + s], nd[3 * B + s]};
    return b;
}

static inline gk_box_t gk_inner_box(const float *nd, uint32_t B, uint32_t s)
{
    gk_box_t b = {nd[s], nd[B + s], nd[2 * B + s], nd[3 * B + s]};
    return b;
}

/* Box of slot s of node j on level l: exact on a leaf, rounded outward
 * (it contains every item below) on an inner node. */
static inline gk_box_t gk_pack_slot_box(const gk_pack_t *p, uint32_t l,
                                        size_t j, uint32_t s)
{
    return l == 0 ? gk_leaf_box(gk_pack_leaf(p, j), p->B, s)
                  : gk_inner_box(gk_pack_inner(p, l, j), p->B, s);
}

/* Id of slot s of the leaf whose node pointer is nd. */
static inline int64_t gk_pack_id(const gk_pack_t *p, const double *nd,
                                 uint32_t s)
{
    const void *ids = nd + 4 * p->B;
    return p->idw == 4 ? (int64_t)((const int32_t *)ids)[s]
                       : ((const int64_t *)ids)[s];
}

/* Box distance (gap length) between two boxes; +inf for the empty box. */
static inline double gk_max3(double a, double b, double c)
{
    /* not fmax(): a libm call at -O2; NaN inputs give NaN or a bound, and
     * every caller compares with <=, which NaN fails */
    double m = a > b ? a : b;
    return m > c ? m : c;
}

static inline double gk_box_gap(gk_box_t a, gk_box_t b)
{
    double dx = gk_max3(a.xmin - b.xmax, b.xmin - a.xmax, 0.0);
    double dy = gk_max3(a.ymin - b.ymax, b.ymin - a.ymax, 0.0);
    return sqrt(dx * dx + dy * dy);
}

static inline bool gk_box_hits(gk_box_t a, gk_box_t w)
{
    return a.xmin <= w.xmax && a.ymin <= w.ymax && a.xmax >= w.xmin &&
           a.ymax >= w.ymin;
}

static inline gk_box_t gk_buf_box(const gk_rtree_t *t, size_t i)
{
    const double *c = t->buf_node[i / 64];
    size_t s = i % 64;
    gk_box_t b = {c[s], c[64 + s], c[128 + s], c[192 + s]};
    return b;
}

static inline void gk_buf_set(gk_rtree_t *t, size_t i, gk_box_t b)
{
    double *c = t->buf_node[i / 64];
    size_t s = i % 64;
    c[s] = b.xmin;
    c[64 + s] = b.ymin;
    c[128 + s] = b.xmax;
    c[192 + s] = b.ymax;
}

/* rtree.c: a tree with no parts and an empty buffer */
gk_rtree_t *gk_rtree_alloc(uint32_t B, gk_rtree_method_t method);

/* rtree_pack.c */
/* Compute the level layout for n items; false if n or the size overflows. */
bool gk_pack_layout(gk_pack_t *p, size_t n, uint32_t B, uint32_t idw);
/* Build a pack from arrays (validated by the caller); ids NULL -> index. */
gk_status_t gk_pack_build(gk_context_t *ctx, const gk_box_t *boxes,
                          const int64_t *ids, size_t n, gk_box_t extent,
                          uint32_t B, gk_rtree_method_t method,
                          gk_pack_t **out);
void gk_pack_free(gk_pack_t *p);
/* The union of the slots of node j on level l (padding and removed slots
 * hold the empty box and add nothing). */
gk_box_t gk_pack_node_box(const gk_pack_t *p, uint32_t l, size_t j);
/* Recompute level l >= 1 from level l-1. */
void gk_pack_fill_level(gk_pack_t *p, uint32_t l);
/* The empty box (+inf, +inf, -inf, -inf) that pads nodes. */
gk_box_t gk_box_empty(void);
/* Hilbert index of a cell on the 2^16 x 2^16 grid (hilbert.c). */
uint32_t gk_hilbert16(uint32_t x, uint32_t y);

/* rtree_query.c: validation shared by build and insert */
gk_status_t gk_rtree_check_boxes(gk_context_t *ctx, const char *fn,
                                 const gk_box_t *boxes, size_t n,
                                 gk_box_t *extent);
gk_status_t gk_rtree_check_opts(gk_context_t *ctx, const char *fn,
                                const gk_rtree_opts_t *opts, uint32_t *B,
                                gk_rtree_method_t *method);

/* Visit the items of one pack whose box intersects window. */
size_t gk_pack_visit_box(const gk_pack_t *p, gk_box_t window,
                         gk_rtree_visit_fn fn, void *user);
/* Bit mask of the existing slots of node j on level l hitting window. */
uint64_t gk_pack_mask_box(const gk_pack_t *p, uint32_t l, size_t j,
                          gk_box_t window);

/* Live items of a tree gathered into new arrays (for merges, repack, save).
 * Caller frees *boxes and *ids with free(). */
gk_status_t gk_rtree_gather(gk_context_t *ctx, const gk_rtree_t *t,
                            size_t first_part, bool with_buffer,
                            gk_box_t **boxes, int64_t **ids, size_t *n);


/* crc32c.c */
/* Running CRC-32C: start with crc = 0, feed pieces in order. */
uint32_t gk_crc32c(uint32_t crc, const void *data, size_t len);
/* The portable path, exposed so the test can compare both. */
uint32_t gk_crc32c_soft(uint32_t crc, const void *data, size_t len);

#endif /* GK_INDEX_INTERNAL_H */
