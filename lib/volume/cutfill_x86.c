/*
 * lib/volume/cutfill_x86.c - the cell method's float32 kernel in AVX-512
 * and AVX2 intrinsics, chosen at run time by what the CPU has (cutfill.c
 * keeps the portable version for the others).
 *
 * Why: the portable kernel is written with GCC vector extensions, which
 * have no max/min, so each of cut and fill costs a compare and an AND, and
 * the count of valid cells a compare, an AND and a double add: 11
 * operations per 4 cells. Here cut adds max(h, 0), fill subtracts
 * min(h, 0) and the count adds the compare mask to 64-bit integer lanes:
 * 8 operations per 4 cells (AVX2), or per 8 cells with AVX-512, whose one
 * 512-bit register holds exactly the portable kernel's 8 lanes. Measured
 * in cache on this project's machine (Zen 5), AVX-512 runs about twice as
 * fast as AVX2.
 *
 * Identical results, bit for bit, to the portable kernel: the lanes, the
 * order of every addition and the final combination are the same (cell k
 * in lane k mod 8; lanes then summed as cut += lane[k] + lane[k + 4] for
 * k = 0..3; the tail in order). max(h, 0) is h when h > 0 and +0
 * otherwise, NaN included (MAXPD returns its second operand when either is
 * NaN), which is exactly what h & (h > 0) gives; likewise min for fill;
 * counts are small integers, exact in either type. No FMA is enabled, so
 * h = z * zs - (d0 + slope * k) is rounded as in the portable code.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "volume_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define GK_AVX2 __attribute__((target("avx2")))

static inline GK_AVX2 __attribute__((always_inline)) void
body(const float *z, size_t n, double d0, double slope, double zs, float nd,
     double out[3], const bool level, const bool has_nd)
{
    const __m256d zero = _mm256_setzero_pd();
    const __m256d dc = _mm256_set1_pd(d0), sv = _mm256_set1_pd(slope);
    const __m256d zsv = _mm256_set1_pd(zs);
    const __m256d i0 = _mm256_setr_pd(0, 1, 2, 3), i1 = _mm256_setr_pd(4, 5, 6, 7);
    const __m256d ndv = _mm256_set1_pd((double)nd);
    __m256d c0 = zero, c1 = zero, f0 = zero, f1 = zero;
    __m256i n0 = _mm256_setzero_si256(), n1 = n0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 z8 = _mm256_loadu_ps(z + i);
        __m256d ga = _mm256_cvtps_pd(_mm256_castps256_ps128(z8));
        __m256d gb = _mm256_cvtps_pd(_mm256_extractf128_ps(z8, 1));
        __m256d ha, hb;
        if (level) {
            ha = _mm256_sub_pd(ga, dc);
            hb = _mm256_sub_pd(gb, dc);
        } else {
            __m256d base = _mm256_set1_pd((double)i);
            ha = _mm256_sub_pd(
                _mm256_mul_pd(ga, zsv),
                _mm256_add_pd(dc, _mm256_mul_pd(sv, _mm256_add_pd(i0, base))));
            hb = _mm256_sub_pd(
                _mm256_mul_pd(gb, zsv),
                _mm256_add_pd(dc, _mm256_mul_pd(sv, _mm256_add_pd(i1, base))));
        }
        __m256d ma = _mm256_cmp_pd(ha, ha, _CMP_ORD_Q);
        __m256d mb = _mm256_cmp_pd(hb, hb, _CMP_ORD_Q);
        if (has_nd) {
            ma = _mm256_and_pd(ma, _mm256_cmp_pd(ga, ndv, _CMP_NEQ_UQ));
            mb = _mm256_and_pd(mb, _mm256_cmp_pd(gb, ndv, _CMP_NEQ_UQ));
            ha = _mm256_and_pd(ha, ma);
            hb = _mm256_and_pd(hb, mb);
        }
        /* second operand returned for NaN: NaN adds +0 */
        c0 = _mm256_add_pd(c0, _mm256_max_pd(ha, zero));
        c1 = _mm256_add_pd(c1, _mm256_max_pd(hb, zero));
        f0 = _mm256_sub_pd(f0, _mm256_min_pd(ha, zero));
        f1 = _mm256_sub_pd(f1, _mm256_min_pd(hb, zero));
        n0 = _mm256_sub_epi64(n0, _mm256_castpd_si256(ma));
        n1 = _mm256_sub_epi64(n1, _mm256_castpd_si256(mb));
    }
    double cs0[4], cs1[4], fs0[4], fs1[4];
    int64_t ns0[4], ns1[4];
    _mm256_storeu_pd(cs0, c0);
    _mm256_storeu_pd(cs1, c1);
    _mm256_storeu_pd(fs0, f0);
    _mm256_storeu_pd(fs1, f1);
    _mm256_storeu_si256((__m256i *)ns0, n0);
    _mm256_storeu_si256((__m256i *)ns1, n1);
    double cut = 0, fill = 0, cnt = 0;
    for (int k = 0; k < 4; k++) {
        cut += cs0[k] + cs1[k];
        fill += fs0[k] + fs1[k];
        cnt += (double)ns0[k] + (double)ns1[k];
    }
    for (; i < n; i++) {
        float zf = z[i];
        if (zf != zf || (has_nd && zf == nd))
            continue;
        double h = level ? (double)zf - d0
                         : (double)zf * zs - (d0 + slope * (double)i);
        if (h > 0)
            cut += h;
        else
            fill -= h;
        cnt += 1;
    }
    out[0] = cut;
    out[1] = fill;
    out[2] = cnt;
}

static GK_AVX2 void kern_avx2(const float *z, size_t n, double d0,
                              double slope, double zs, int has_nd, float nd,
                              double out[3])
{
    bool level = slope == 0 && zs == 1;
    if (level && has_nd)
        body(z, n, d0, 0, 1, nd, out, true, true);
    else if (level)
        body(z, n, d0, 0, 1, nd, out, true, false);
    else if (has_nd)
        body(z, n, d0, slope, zs, nd, out, false, true);
    else
        body(z, n, d0, slope, zs, nd, out, false, false);
}

#define GK_AVX512 __attribute__((target("avx512f")))

static inline GK_AVX512 __attribute__((always_inline)) void
body512(const float *z, size_t n, double d0, double slope, double zs,
        float nd, double out[3], const bool level, const bool has_nd)
{
    const __m512d zero = _mm512_setzero_pd();
    const __m512d dc = _mm512_set1_pd(d0), sv = _mm512_set1_pd(slope);
    const __m512d zsv = _mm512_set1_pd(zs);
    const __m512d i0 = _mm512_setr_pd(0, 1, 2, 3, 4, 5, 6, 7);
    const __m512d ndv = _mm512_set1_pd((double)nd);
    const __m512i one = _mm512_set1_epi64(1);
    __m512d c = zero, f = zero;
    __m512i cn = _mm512_setzero_si512();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d g = _mm512_cvtps_pd(_mm256_loadu_ps(z + i));
        __m512d h;
        if (level) {
            h = _mm512_sub_pd(g, dc);
        } else {
            __m512d k = _mm512_add_pd(i0, _mm512_set1_pd((double)i));
            h = _mm512_sub_pd(_mm512_mul_pd(g, zsv),
                              _mm512_add_pd(dc, _mm512_mul_pd(sv, k)));
        }
        __mmask8 m = _mm512_cmp_pd_mask(h, h, _CMP_ORD_Q);
        if (has_nd) {
            m &= _mm512_cmp_pd_mask(g, ndv, _CMP_NEQ_UQ);
            h = _mm512_maskz_mov_pd(m, h);
        }
        /* second operand returned for NaN: NaN adds +0 */
        c = _mm512_add_pd(c, _mm512_max_pd(h, zero));
        f = _mm512_sub_pd(f, _mm512_min_pd(h, zero));
        cn = _mm512_mask_add_epi64(cn, m, cn, one);
    }
    double cs[8], fs[8];
    int64_t ns[8];
    _mm512_storeu_pd(cs, c);
    _mm512_storeu_pd(fs, f);
    _mm512_storeu_si512(ns, cn);
    double cut = 0, fill = 0, cnt = 0;
    for (int k = 0; k < 4; k++) {
        cut += cs[k] + cs[k + 4];
        fill += fs[k] + fs[k + 4];
        cnt += (double)ns[k] + (double)ns[k + 4];
    }
    for (; i < n; i++) {
        float zf = z[i];
        if (zf != zf || (has_nd && zf == nd))
            continue;
        double hh = level ? (double)zf - d0
                          : (double)zf * zs - (d0 + slope * (double)i);
        if (hh > 0)
            cut += hh;
        else
            fill -= hh;
        cnt += 1;
    }
    out[0] = cut;
    out[1] = fill;
    out[2] = cnt;
}

static GK_AVX512 void kern_avx512(const float *z, size_t n, double d0,
                                  double slope, double zs, int has_nd,
                                  float nd, double out[3])
{
    bool level = slope == 0 && zs == 1;
    if (level && has_nd)
        body512(z, n, d0, 0, 1, nd, out, true, true);
    else if (level)
        body512(z, n, d0, 0, 1, nd, out, true, false);
    else if (has_nd)
        body512(z, n, d0, slope, zs, nd, out, false, true);
    else
        body512(z, n, d0, slope, zs, nd, out, false, false);
}

gk_kern_f32_fn gk_kern_f32_x86(int level)
{
    /* libgcc's CPU model: read-only after its constructor has run */
    if (level >= 2 && __builtin_cpu_supports("avx512f"))
        return kern_avx512;
    if (level >= 1 && __builtin_cpu_supports("avx2"))
        return kern_avx2;
    return NULL;
}
#else
gk_kern_f32_fn gk_kern_f32_x86(int level)
{
    (void)level;
    return NULL;
}
#endif
