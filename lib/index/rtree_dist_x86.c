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

static GK_AVX512 uint64_t mask2_avx512(const double *nd, uint32_t B,
                                       gk_box_t q, double b2, size_t m,
                                       double *out)
{
    const __m512d x1 = _mm512_set1_pd(q.xmax), y1 = _mm512_set1_pd(q.ymax);
    const __m512d x0 = _mm512_set1_pd(q.xmin), y0 = _mm512_set1_pd(q.ymin);
    const __m512d zero = _mm512_setzero_pd(), bv = _mm512_set1_pd(b2);
    const __m512d inf = _mm512_set1_pd(INFINITY);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 8) {
        /* B is a multiple of 4: the last step may hold 4 slots */
        __mmask8 live = B - i >= 8 ? (__mmask8)0xff : (__mmask8)0x0f;
        __m512d a = _mm512_maskz_loadu_pd(live, nd + i);
        __m512d b = _mm512_maskz_loadu_pd(live, nd + B + i);
        __m512d c = _mm512_maskz_loadu_pd(live, nd + 2 * B + i);
        __m512d d = _mm512_maskz_loadu_pd(live, nd + 3 * B + i);
        __m512d dx = _mm512_max_pd(
            _mm512_max_pd(_mm512_sub_pd(a, x1), _mm512_sub_pd(x0, c)), zero);
        __m512d dy = _mm512_max_pd(
            _mm512_max_pd(_mm512_sub_pd(b, y1), _mm512_sub_pd(y0, d)), zero);
        __m512d d2 =
            _mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy));
        _mm512_mask_storeu_pd(out + i, live, d2);
        __mmask8 ok = _mm512_mask_cmp_pd_mask(live, d2, bv, _CMP_LE_OQ);
        ok = _mm512_mask_cmp_pd_mask(ok, d2, inf, _CMP_LT_OQ);
        mask |= (uint64_t)ok << i;
    }
    return m < 64 ? mask & ((UINT64_C(1) << m) - 1) : mask;
}

static GK_AVX2 uint64_t mask2_avx2(const double *nd, uint32_t B, gk_box_t q,
                                   double b2, size_t m, double *out)
{
    const __m256d x1 = _mm256_set1_pd(q.xmax), y1 = _mm256_set1_pd(q.ymax);
    const __m256d x0 = _mm256_set1_pd(q.xmin), y0 = _mm256_set1_pd(q.ymin);
    const __m256d zero = _mm256_setzero_pd(), bv = _mm256_set1_pd(b2);
    const __m256d inf = _mm256_set1_pd(INFINITY);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 4) {
        __m256d dx = _mm256_max_pd(
            _mm256_max_pd(_mm256_sub_pd(_mm256_loadu_pd(nd + i), x1),
                          _mm256_sub_pd(x0, _mm256_loadu_pd(nd + 2 * B + i))),
            zero);
        __m256d dy = _mm256_max_pd(
            _mm256_max_pd(_mm256_sub_pd(_mm256_loadu_pd(nd + B + i), y1),
                          _mm256_sub_pd(y0, _mm256_loadu_pd(nd + 3 * B + i))),
            zero);
        __m256d d2 =
            _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy));
        _mm256_storeu_pd(out + i, d2);
        __m256d ok = _mm256_and_pd(_mm256_cmp_pd(d2, bv, _CMP_LE_OQ),
                                   _mm256_cmp_pd(d2, inf, _CMP_LT_OQ));
        mask |= (uint64_t)(unsigned)_mm256_movemask_pd(ok) << i;
    }
    return m < 64 ? mask & ((UINT64_C(1) << m) - 1) : mask;
}

/* The inner-node versions: load floats, widen, then the same body. A
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
    const __m512d x1 = _mm512_set1_pd(q.xmax), y1 = _mm512_set1_pd(q.ymax);
    const __m512d x0 = _mm512_set1_pd(q.xmin), y0 = _mm512_set1_pd(q.ymin);
    const __m512d zero = _mm512_setzero_pd(), bv = _mm512_set1_pd(b2);
    const __m512d inf = _mm512_set1_pd(INFINITY);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 8) {
        bool full = B - i >= 8;
        __mmask8 live = full ? (__mmask8)0xff : (__mmask8)0x0f;
        __m512d a = load8f(nd + i, full);
        __m512d b = load8f(nd + B + i, full);
        __m512d c = load8f(nd + 2 * B + i, full);
        __m512d d = load8f(nd + 3 * B + i, full);
        __m512d dx = _mm512_max_pd(
            _mm512_max_pd(_mm512_sub_pd(a, x1), _mm512_sub_pd(x0, c)), zero);
        __m512d dy = _mm512_max_pd(
            _mm512_max_pd(_mm512_sub_pd(b, y1), _mm512_sub_pd(y0, d)), zero);
        __m512d d2 =
            _mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy));
        _mm512_mask_storeu_pd(out + i, live, d2);
        __mmask8 ok = _mm512_mask_cmp_pd_mask(live, d2, bv, _CMP_LE_OQ);
        ok = _mm512_mask_cmp_pd_mask(ok, d2, inf, _CMP_LT_OQ);
        mask |= (uint64_t)ok << i;
    }
    return m < 64 ? mask & ((UINT64_C(1) << m) - 1) : mask;
}

static GK_AVX2 uint64_t imask2_avx2(const float *nd, uint32_t B, gk_box_t q,
                                    double b2, size_t m, double *out)
{
    const __m256d x1 = _mm256_set1_pd(q.xmax), y1 = _mm256_set1_pd(q.ymax);
    const __m256d x0 = _mm256_set1_pd(q.xmin), y0 = _mm256_set1_pd(q.ymin);
    const __m256d zero = _mm256_setzero_pd(), bv = _mm256_set1_pd(b2);
    const __m256d inf = _mm256_set1_pd(INFINITY);
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i += 4) {
        __m256d a = _mm256_cvtps_pd(_mm_loadu_ps(nd + i));
        __m256d b = _mm256_cvtps_pd(_mm_loadu_ps(nd + B + i));
        __m256d c = _mm256_cvtps_pd(_mm_loadu_ps(nd + 2 * B + i));
        __m256d d = _mm256_cvtps_pd(_mm_loadu_ps(nd + 3 * B + i));
        __m256d dx = _mm256_max_pd(
            _mm256_max_pd(_mm256_sub_pd(a, x1), _mm256_sub_pd(x0, c)), zero);
        __m256d dy = _mm256_max_pd(
            _mm256_max_pd(_mm256_sub_pd(b, y1), _mm256_sub_pd(y0, d)), zero);
        __m256d d2 =
            _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy));
        _mm256_storeu_pd(out + i, d2);
        __m256d ok = _mm256_and_pd(_mm256_cmp_pd(d2, bv, _CMP_LE_OQ),
                                   _mm256_cmp_pd(d2, inf, _CMP_LT_OQ));
        mask |= (uint64_t)(unsigned)_mm256_movemask_pd(ok) << i;
    }
    return m < 64 ? mask & ((UINT64_C(1) << m) - 1) : mask;
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
