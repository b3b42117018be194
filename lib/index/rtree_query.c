/*
 * lib/index/rtree_query.c - window, point and distance queries, visitors
 * and batches.
 *
 * Method: depth-first walk with an explicit stack of (node, level). A node
 * is tested whole: its children's boxes sit in four rows (xmin[], ymin[],
 * xmax[], ymax[]), compared against the window two (SSE2) or four (AVX2)
 * at a time, giving a bit mask of matching slots; matching children are
 * pushed, matching leaf slots emitted. The mask is cut to the slots that
 * exist (the last node of a level is partly padding), so a walk never
 * leaves the tree whatever the node contents are (a corrupt file included).
 * The stack holds at most B entries per level: 24 * 64 entries, on the C
 * stack, so queries never allocate.
 *
 * Exactness: the leaf tests are the same double comparisons as the
 * definitions in rtree.h (no rounding, no epsilon), so results equal brute
 * force exactly; the distance test computes sqrt(dx*dx + dy*dy) <= d
 * exactly as gk_box_gap() does. Inner nodes hold float boxes rounded
 * outward (index_internal.h); they are tested against the window rounded
 * outward too (four floats per SSE instruction), or, for distances,
 * widened exactly to double: an outward box passes whenever the exact box
 * would (every operation is monotonic in its rounding), so no answer is
 * ever pruned.
 */
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "index_internal.h"

#define STACK_CAP (GK_RTREE_MAX_LEVELS * GK_RTREE_MAX_NODE)

gk_status_t gk_rtree_check_boxes(gk_context_t *ctx, const char *fn,
                                 const gk_box_t *boxes, size_t n,
                                 gk_box_t *extent)
{
    gk_box_t e = gk_box_empty();
    for (size_t i = 0; i < n; i++) {
        gk_box_t b = boxes[i];
        if (!(isfinite(b.xmin) && isfinite(b.ymin) && isfinite(b.xmax) &&
              isfinite(b.ymax)))
            return gk_error(ctx, GK_ERR_INPUT_NAN,
                            "%s: box %zu: coordinate is NaN or infinite "
                            "(%g, %g, %g, %g)",
                            fn, i, b.xmin, b.ymin, b.xmax, b.ymax);
        if (b.xmin > b.xmax || b.ymin > b.ymax)
            return gk_error(ctx, GK_ERR_INPUT_VALUE,
                            "%s: box %zu: min > max (%.17g > %.17g)", fn, i,
                            b.xmin > b.xmax ? b.xmin : b.ymin,
                            b.xmin > b.xmax ? b.xmax : b.ymax);
        e.xmin = b.xmin < e.xmin ? b.xmin : e.xmin;
        e.ymin = b.ymin < e.ymin ? b.ymin : e.ymin;
        e.xmax = b.xmax > e.xmax ? b.xmax : e.xmax;
        e.ymax = b.ymax > e.ymax ? b.ymax : e.ymax;
    }
    if (extent)
        *extent = e;
    return GK_OK;
}

gk_status_t gk_rtree_check_opts(gk_context_t *ctx, const char *fn,
                                const gk_rtree_opts_t *opts, uint32_t *B,
                                gk_rtree_method_t *method)
{
    uint32_t b = opts && opts->node_size ? opts->node_size
                                         : GK_RTREE_DEFAULT_NODE_SIZE;
    gk_rtree_method_t m = opts ? opts->method : GK_RTREE_HILBERT;
    if (b < GK_RTREE_MIN_NODE || b > GK_RTREE_MAX_NODE || b % 4 != 0)
        return gk_error(ctx, GK_ERR_ARG,
                        "%s: node_size %u is not a multiple of 4 in [4, 64]",
                        fn, (unsigned)b);
    if (m != GK_RTREE_HILBERT && m != GK_RTREE_STR)
        return gk_error(ctx, GK_ERR_ARG, "%s: unknown method %d", fn, (int)m);
    *B = b;
    *method = m;
    return GK_OK;
}

/* Bits of the slots of node j on level l that exist (the rest is
 * padding). */
static inline uint64_t valid_mask(const gk_pack_t *p, uint32_t l, size_t j)
{
    return gk_first_slots(~(uint64_t)0, gk_pack_slots(p, l, j));
}

static inline uint64_t mask_box(const double *p, uint32_t B, gk_box_t w)
{
    uint64_t m = 0;
#if defined(__SSE2__)
    __m128d x1 = _mm_set1_pd(w.xmax), y1 = _mm_set1_pd(w.ymax);
    __m128d x0 = _mm_set1_pd(w.xmin), y0 = _mm_set1_pd(w.ymin);
    for (uint32_t i = 0; i < B; i += 4) {
        __m128d a0 = _mm_cmple_pd(_mm_loadu_pd(p + i), x1);
        __m128d b0 = _mm_cmple_pd(_mm_loadu_pd(p + B + i), y1);
        __m128d c0 = _mm_cmpge_pd(_mm_loadu_pd(p + 2 * B + i), x0);
        __m128d d0 = _mm_cmpge_pd(_mm_loadu_pd(p + 3 * B + i), y0);
        __m128d a1 = _mm_cmple_pd(_mm_loadu_pd(p + i + 2), x1);
        __m128d b1 = _mm_cmple_pd(_mm_loadu_pd(p + B + i + 2), y1);
        __m128d c1 = _mm_cmpge_pd(_mm_loadu_pd(p + 2 * B + i + 2), x0);
        __m128d d1 = _mm_cmpge_pd(_mm_loadu_pd(p + 3 * B + i + 2), y0);
        int m0 = _mm_movemask_pd(_mm_and_pd(_mm_and_pd(a0, b0),
                                            _mm_and_pd(c0, d0)));
        int m1 = _mm_movemask_pd(_mm_and_pd(_mm_and_pd(a1, b1),
                                            _mm_and_pd(c1, d1)));
        m |= (uint64_t)(unsigned)(m0 | m1 << 2) << i;
    }
#else
    for (uint32_t i = 0; i < B; i++)
        m |= (uint64_t)(p[i] <= w.xmax && p[B + i] <= w.ymax &&
                        p[2 * B + i] >= w.xmin && p[3 * B + i] >= w.ymin)
             << i;
#endif
    return m;
}

/* Inner node against a window already rounded outward to floats. */
static inline uint64_t mask_box_f(const float *p, uint32_t B, const float w[4])
{
    uint64_t m = 0;
#if defined(__SSE2__)
    __m128 x0 = _mm_set1_ps(w[0]), y0 = _mm_set1_ps(w[1]);
    __m128 x1 = _mm_set1_ps(w[2]), y1 = _mm_set1_ps(w[3]);
    for (uint32_t i = 0; i < B; i += 4) {
        __m128 a = _mm_cmple_ps(_mm_loadu_ps(p + i), x1);
        __m128 b = _mm_cmple_ps(_mm_loadu_ps(p + B + i), y1);
        __m128 c = _mm_cmpge_ps(_mm_loadu_ps(p + 2 * B + i), x0);
        __m128 d = _mm_cmpge_ps(_mm_loadu_ps(p + 3 * B + i), y0);
        int k = _mm_movemask_ps(_mm_and_ps(_mm_and_ps(a, b), _mm_and_ps(c, d)));
        m |= (uint64_t)(unsigned)k << i;
    }
#else
    for (uint32_t i = 0; i < B; i++)
        m |= (uint64_t)(p[i] <= w[2] && p[B + i] <= w[3] &&
                        p[2 * B + i] >= w[0] && p[3 * B + i] >= w[1])
             << i;
#endif
    return m;
}

static inline void window_f(gk_box_t w, float out[4])
{
    out[0] = gk_f32_down(w.xmin);
    out[1] = gk_f32_down(w.ymin);
    out[2] = gk_f32_up(w.xmax);
    out[3] = gk_f32_up(w.ymax);
}

/* Inner node within distance d of q: the floats widened to double, then
 * the arithmetic of mask_within. */
static inline uint64_t mask_within_f(const float *p, uint32_t B, gk_box_t q,
                                     double d)
{
    uint64_t m = 0;
    for (uint32_t i = 0; i < B; i++) {
        gk_box_t b = gk_inner_box(p, B, i);
        m |= (uint64_t)(gk_box_gap(b, q) <= d) << i;
    }
    return m;
}

static inline uint64_t mask_within(const double *p, uint32_t B, gk_box_t q,
                                   double d)
{
    uint64_t m = 0;
#if defined(__SSE2__)
    __m128d x1 = _mm_set1_pd(q.xmax), y1 = _mm_set1_pd(q.ymax);
    __m128d x0 = _mm_set1_pd(q.xmin), y0 = _mm_set1_pd(q.ymin);
    __m128d zero = _mm_setzero_pd(), dd = _mm_set1_pd(d);
    for (uint32_t i = 0; i < B; i += 2) {
        __m128d dx = _mm_max_pd(
            _mm_max_pd(_mm_sub_pd(_mm_loadu_pd(p + i), x1),
                       _mm_sub_pd(x0, _mm_loadu_pd(p + 2 * B + i))),
            zero);
        __m128d dy = _mm_max_pd(
            _mm_max_pd(_mm_sub_pd(_mm_loadu_pd(p + B + i), y1),
                       _mm_sub_pd(y0, _mm_loadu_pd(p + 3 * B + i))),
            zero);
        __m128d dist = _mm_sqrt_pd(
            _mm_add_pd(_mm_mul_pd(dx, dx), _mm_mul_pd(dy, dy)));
        m |= (uint64_t)(unsigned)_mm_movemask_pd(_mm_cmple_pd(dist, dd))
             << i;
    }
#else
    for (uint32_t i = 0; i < B; i++) {
        gk_box_t b = {p[i], p[B + i], p[2 * B + i], p[3 * B + i]};
        m |= (uint64_t)(gk_box_gap(b, q) <= d) << i;
    }
#endif
    return m;
}

enum { MODE_BOX = 0, MODE_WITHIN = 1 };

typedef struct sink {
    int64_t *ids; /* buffer mode when fn == NULL */
    size_t cap;
    gk_rtree_visit_fn fn;
    void *user;
    size_t count;
    bool stopped;
} sink_t;

static inline void sink_emit(sink_t *s, int64_t id, const double *node,
                             uint32_t B, uint32_t slot)
{
    if (!s->fn) {
        if (s->count < s->cap)
            s->ids[s->count] = id;
        s->count++;
        return;
    }
    gk_box_t b = {node[slot], node[B + slot], node[2 * B + slot],
                  node[3 * B + slot]};
    s->count++;
    if (!s->fn(id, &b, s->user))
        s->stopped = true;
}

static inline __attribute__((always_inline)) void
walk(const gk_pack_t *p, int mode, gk_box_t q, double d, sink_t *s)
{
    if (p->nlevels == 0 || s->stopped)
        return;
    const uint32_t B = p->B;
    float qf[4];
    window_f(q, qf);
    uint64_t stack[STACK_CAP];
    size_t sp = 0;
    stack[sp++] = (uint64_t)(p->nlevels - 1);
    while (sp) {
        uint64_t e = stack[--sp];
        uint32_t l = (uint32_t)(e & 31);
        size_t j = (size_t)(e >> 5);
        uint64_t m;
        const double *nd = NULL;
        if (l == 0) {
            nd = gk_pack_leaf(p, j);
            m = mode == MODE_BOX ? mask_box(nd, B, q)
                                 : mask_within(nd, B, q, d);
        } else {
            const float *nf = gk_pack_inner(p, l, j);
            m = mode == MODE_BOX ? mask_box_f(nf, B, qf)
                                 : mask_within_f(nf, B, q, d);
        }
        m &= valid_mask(p, l, j);
        if (l == 0) {
            while (m) {
                uint32_t slot = (uint32_t)__builtin_ctzll(m);
                m &= m - 1;
                sink_emit(s, gk_pack_id(p, nd, slot), nd, B, slot);
                if (s->stopped)
                    return;
            }
        } else {
            while (m) {
                uint32_t slot = 63u - (uint32_t)__builtin_clzll(m);
                m &= ~((uint64_t)1 << slot);
                gk_pack_prefetch(p, l - 1, j * B + slot);
                stack[sp++] = (uint64_t)(j * B + slot) << 5 | (l - 1);
            }
        }
    }
}

static inline __attribute__((always_inline)) void
run(const gk_rtree_t *t, int mode, gk_box_t q, double d, sink_t *s)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nparts && !s->stopped; i++)
        walk(t->parts[i], mode, q, d, s);
    for (size_t c = 0; c * 64 < t->nbuf && !s->stopped; c++) {
        const double *nd = t->buf_node[c];
        uint64_t m = mode == MODE_BOX ? mask_box(nd, 64, q)
                                      : mask_within(nd, 64, q, d);
        size_t left = t->nbuf - c * 64;
        if (left < 64)
            m &= ((uint64_t)1 << left) - 1;
        while (m && !s->stopped) {
            uint32_t slot = (uint32_t)__builtin_ctzll(m);
            m &= m - 1;
            sink_emit(s, t->buf_id[c * 64 + slot], nd, 64, slot);
        }
    }
}

size_t gk_rtree_query_box(const gk_rtree_t *tree, gk_box_t window,
                          int64_t *ids, size_t cap)
{
    sink_t s = {ids, ids ? cap : 0, NULL, NULL, 0, false};
    run(tree, MODE_BOX, window, 0.0, &s);
    return s.count;
}

size_t gk_rtree_query_point(const gk_rtree_t *tree, double x, double y,
                            int64_t *ids, size_t cap)
{
    gk_box_t w = {x, y, x, y};
    return gk_rtree_query_box(tree, w, ids, cap);
}

size_t gk_rtree_query_within(const gk_rtree_t *tree, gk_box_t q, double d,
                             int64_t *ids, size_t cap)
{
    sink_t s = {ids, ids ? cap : 0, NULL, NULL, 0, false};
    if (d >= 0.0)
        run(tree, MODE_WITHIN, q, d, &s);
    return s.count;
}

size_t gk_rtree_visit_box(const gk_rtree_t *tree, gk_box_t window,
                          gk_rtree_visit_fn fn, void *user)
{
    if (!fn)
        return gk_rtree_query_box(tree, window, NULL, 0);
    sink_t s = {NULL, 0, fn, user, 0, false};
    run(tree, MODE_BOX, window, 0.0, &s);
    return s.count;
}

size_t gk_rtree_visit_within(const gk_rtree_t *tree, gk_box_t q, double d,
                             gk_rtree_visit_fn fn, void *user)
{
    if (!fn)
        return gk_rtree_query_within(tree, q, d, NULL, 0);
    sink_t s = {NULL, 0, fn, user, 0, false};
    if (d >= 0.0)
        run(tree, MODE_WITHIN, q, d, &s);
    return s.count;
}

/* Growable hits: the batch appends each window's ids after the last. */
static bool hits_reserve(gk_hits_t *h, size_t need)
{
    if (need <= h->cap)
        return true;
    size_t cap = h->cap ? h->cap : 1024;
    while (cap < need)
        cap *= 2;
    int64_t *ids = gk_realloc_array(h->ids, cap, sizeof *ids);
    if (!ids)
        return false;
    h->ids = ids;
    h->cap = cap;
    return true;
}

gk_status_t gk_rtree_query_box_batch(gk_context_t *ctx,
                                     const gk_rtree_t *tree,
                                     const gk_box_t *windows, size_t n,
                                     gk_hits_t **out)
{
    if (!tree || !out || (n && !windows))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_rtree_query_box_batch: NULL tree, windows or out");
    gk_hits_t *h = calloc(1, sizeof *h);
    if (!h)
        return gk_error_nomem(ctx, "batch results");
    h->nq = n;
    h->offsets = gk_calloc_array(n + 1, sizeof *h->offsets);
    if (!h->offsets || !hits_reserve(h, 1024)) {
        gk_hits_free(h);
        return gk_error_nomem(ctx, "batch results");
    }
    for (size_t i = 0; i < n; i++) {
        size_t room = h->cap - h->nids;
        size_t c = gk_rtree_query_box(tree, windows[i], h->ids + h->nids,
                                      room);
        if (c > room) {
            if (!hits_reserve(h, h->nids + c)) {
                gk_hits_free(h);
                return gk_error_nomem(ctx, "batch results");
            }
            gk_rtree_query_box(tree, windows[i], h->ids + h->nids, c);
        }
        h->nids += c;
        h->offsets[i + 1] = (int64_t)h->nids;
    }
    *out = h;
    return GK_OK;
}

gk_hits_view_t gk_hits_view(const gk_hits_t *hits)
{
    gk_hits_view_t v = {0, NULL, 0, NULL, NULL};
    if (hits) {
        v.num_queries = hits->nq;
        v.offsets = hits->offsets;
        v.num_ids = hits->nids;
        v.ids = hits->ids;
        v.ids_b = hits->ids_b;
    }
    return v;
}

void gk_hits_free(gk_hits_t *hits)
{
    if (!hits)
        return;
    free(hits->offsets);
    free(hits->ids);
    free(hits->ids_b);
    free(hits);
}

size_t gk_pack_visit_box(const gk_pack_t *p, gk_box_t window,
                         gk_rtree_visit_fn fn, void *user)
{
    sink_t s = {NULL, 0, fn, user, 0, false};
    walk(p, MODE_BOX, window, 0.0, &s);
    return s.count;
}

uint64_t gk_pack_mask_box(const gk_pack_t *p, uint32_t l, size_t j,
                          gk_box_t window)
{
    if (l == 0)
        return mask_box(gk_pack_leaf(p, j), p->B, window) &
               valid_mask(p, l, j);
    float wf[4];
    window_f(window, wf);
    return mask_box_f(gk_pack_inner(p, l, j), p->B, wf) & valid_mask(p, l, j);
}
