/*
 * lib/index/rtree_dist_x86.c - the k-nearest search's node test (squared
 * box distance of every slot of a node, and the bit mask of the slots
 * within a bound) in AVX-512 and AVX2, chosen at run time by what the CPU
 * has; rtree_knn.c keeps the SSE2 / portable version for the others.
 *
 * Why: the node test is the search's main computation (a quarter of a
 * query's time with the tree in cache). SSE2 takes two slots per
 * instruction; AVX2 four and AVX-512 eight, so a 16-slot node is two
 * 512-bit steps, and the compare writes the bit mask directly.
 *
 * Exact, and identical bit for bit to the SSE2 and portable versions:
 * every slot gets the same IEEE double operations in the same order,
 * dx = max(max(xmin - q.xmax, q.xmin - xmax), 0), likewise dy, then
 * dx*dx + dy*dy (two correctly rounded products and one sum; no FMA
 * contraction, the build uses -ffp-contract=off). MAXPD returns its second
 * operand when either is NaN, in every width. Slots past m (padding or the
 * partial tail of B % 8 = 4 under AVX-512) are masked out. Inner nodes
 * hold floats: they are widened to double (exact) and then take the same
 * operations, as in rtree_knn.c's inner_mask2().
 */
#include "index_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define GK_AVX2 __attribute__((target("avx2")))
#define GK_AVX512 __attribute__((target("avx512f")))

/* The query box broadcast to every lane. */
typedef struct q512 {
    __m512d x0, y0, x1, y1, b2, inf;
} q512_t;
typedef struct q256 {
    __m256d x0, y0, x1, y1, b2, inf;
} q256_t;

static GK_AVX512 q512_t broadcast512(gk_box_t q, double b2)
{
    return (q512_t){_mm512_set1_pd(q.xmin), _mm512_set1_pd(q.ymin),
                    _mm512_set1_pd(q.xmax), _mm512_set1_pd(q.ymax),
                    _mm512_set1_pd(b2),     _mm512_set1_pd(INFINITY)};
}

static GK_AVX2 q256_t broadcast256(gk_box_t q, double b2)
{
    return (q256_t){_mm256_set1_pd(q.xmin), _mm256_set1_pd(q.ymin),
                    _mm256_set1_pd(q.xmax), _mm256_set1_pd(q.ymax),
                    _mm256_set1_pd(b2),     _mm256_set1_pd(INFINITY)};
}

/* One step of 8 slots (xmin a, ymin b, xmax c, ymax d): store the squared
 * gaps of the live slots to out, return the bits of those within b2. */
static inline GK_AVX512 uint64_t step512(const q512_t *q, __mmask8 live,
                                         __m512d a, __m512d b, __m512d c,
                                         __m512d d, double *out)
{
    const __m512d zero = _mm512_setzero_pd();
    __m512d dx = _mm512_max_pd(
        _mm512_max_pd(_mm512_sub_pd(a, q->x1), _mm512_sub_pd(q->x0, c)), zero);
    __m512d dy = _mm512_max_pd(
        _mm512_max_pd(_mm512_sub_pd(b, q->y1), _mm512_sub_pd(q->y0, d)), zero);
    __m512d d2 = _mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy));
    _mm512_mask_storeu_pd(out, live, d2);
    __mmask8 ok = _mm512_mask_cmp_pd_mask(live, d2, q->b2, _CMP_LE_OQ);
    return _mm512_mask_cmp_pd_mask(ok, d2, q->inf, _CMP_LT_OQ);
}

/* The same for 4 slots. */
static inline GK_AVX2 uint64_t step256(const q256_t *q, __m256d a, __m256d b,
                                       __m256d c, __m256d d, double *out)
{
    const __m256d zero = _mm256_setzero_pd();
    __m256d dx = _mm256_max_pd(
        _mm256_max_pd(_mm256_sub_pd(a, q->x1), _mm256_sub_pd(q->x0, c)), zero);
    __m256d dy = _mm256_max_pd(
        _mm256_max_pd(_mm256_sub_pd(b, q->y1), _mm256_sub_pd(q->y0, d)), zero);
    __m256d d2 = _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy));
    _mm256_storeu_pd(out, d2);
    __m256d ok = _mm256_and_pd(_mm256_cmp_pd(d2, q->b2, _CMP_LE_OQ),
                               _mm256_cmp_pd(d2, q->inf, _CMP_LT_OQ));
    return (uint64_t)(unsigned)_mm256_movemask_pd(ok);
}

/* Leaves hold doubles. B is a multiple of 4: under AVX-512 the last step
 * may hold 4 slots. */
static GK_AVX512 uint64_t mask2_avx512(const double *nd, uint32_t B,
                                       gk_box_t q, double b2, size_t m,
                                       double *out)
{
    const q512_t qv = broadcast512(q, b2);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 8) {
        __mmask8 live = B - i >= 8 ? (__mmask8)0xff : (__mmask8)0x0f;
        mask |= step512(&qv, live, _mm512_maskz_loadu_pd(live, nd + i),
                        _mm512_maskz_loadu_pd(live, nd + B + i),
                        _mm512_maskz_loadu_pd(live, nd + 2 * B + i),
                        _mm512_maskz_loadu_pd(live, nd + 3 * B + i), out + i)
                << i;
    }
    return gk_first_slots(mask, m);
}

static GK_AVX2 uint64_t mask2_avx2(const double *nd, uint32_t B, gk_box_t q,
                                   double b2, size_t m, double *out)
{
    const q256_t qv = broadcast256(q, b2);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 4)
        mask |= step256(&qv, _mm256_loadu_pd(nd + i),
                        _mm256_loadu_pd(nd + B + i),
                        _mm256_loadu_pd(nd + 2 * B + i),
                        _mm256_loadu_pd(nd + 3 * B + i), out + i)
                << i;
    return gk_first_slots(mask, m);
}

/* Inner nodes hold floats: load, widen (exact), then the same step. A
 * step of 4 slots (B % 8 = 4) loads 4 floats and zeros the rest. */
static GK_AVX512 __m512d load8f(const float *p, bool full)
{
    __m256 v = full ? _mm256_loadu_ps(p)
                    : _mm256_insertf128_ps(_mm256_setzero_ps(),
                                           _mm_loadu_ps(p), 0);
    return _mm512_cvtps_pd(v);
}

static GK_AVX512 uint64_t imask2_avx512(const float *nd, uint32_t B,
                                        gk_box_t q, double b2, size_t m,
                                        double *out)
{
    const q512_t qv = broadcast512(q, b2);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 8) {
        bool full = B - i >= 8;
        __mmask8 live = full ? (__mmask8)0xff : (__mmask8)0x0f;
        mask |= step512(&qv, live, load8f(nd + i, full),
                        load8f(nd + B + i, full), load8f(nd + 2 * B + i, full),
                        load8f(nd + 3 * B + i, full), out + i)
                << i;
    }
    return gk_first_slots(mask, m);
}

static GK_AVX2 uint64_t imask2_avx2(const float *nd, uint32_t B, gk_box_t q,
                                    double b2, size_t m, double *out)
{
    const q256_t qv = broadcast256(q, b2);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 4)
        mask |= step256(&qv, _mm256_cvtps_pd(_mm_loadu_ps(nd + i)),
                        _mm256_cvtps_pd(_mm_loadu_ps(nd + B + i)),
                        _mm256_cvtps_pd(_mm_loadu_ps(nd + 2 * B + i)),
                        _mm256_cvtps_pd(_mm_loadu_ps(nd + 3 * B + i)), out + i)
                << i;
    return gk_first_slots(mask, m);
}

gk_inner_mask2_fn gk_inner_mask2_x86(int level)
{
    if (level >= 2 && __builtin_cpu_supports("avx512f"))
        return imask2_avx512;
    if (level >= 1 && __builtin_cpu_supports("avx2"))
        return imask2_avx2;
    return NULL;
}

gk_node_mask2_fn gk_node_mask2_x86(int level)
{
    /* libgcc's CPU model: read-only after its constructor has run */
    if (level >= 2 && __builtin_cpu_supports("avx512f"))
        return mask2_avx512;
    if (level >= 1 && __builtin_cpu_supports("avx2"))
        return mask2_avx2;
    return NULL;
}
#else
gk_node_mask2_fn gk_node_mask2_x86(int level)
{
    (void)level;
    return NULL;
}

gk_inner_mask2_fn gk_inner_mask2_x86(int level)
{
    (void)level;
    return NULL;
}
#endif
