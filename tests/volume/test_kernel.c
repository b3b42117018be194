/*
 * tests/volume/test_kernel.c - the cell method's float32 kernels agree to
 * the bit: portable (GCC vector extensions), AVX2 and AVX-512 (run-time
 * choice), on heights with NaN and nodata (dense, sparse so that the x86
 * kernels' optimistic loop runs and then hands over mid-row, and none),
 * heights a few ulps either side of a level design (h = 0 and its
 * neighbours), level and sloping designs, height units other than metres, every length
 * 0..200 (the 16-cell body and the tails) and a few long rows; and the
 * portable one against a scalar reference in the same association (cell k
 * in lane k mod 16, lanes combined l[j] + l[j + 8], + 4, + 2, + 1, then
 * the tail in order). Also checks the sums against an independent long
 * double sum, to the bound of the fixed-order sum (cells x 2^-52 x the
 * sum of |h|).
 */
#include "vtest.h"

/* the heights here must round like the kernels' (no fused a * b - c) */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

static uint64_t rng = 42;

static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double tree16(const double *l)
{
    double s[8], t[4];
    for (int j = 0; j < 8; j++)
        s[j] = l[j] + l[j + 8];
    for (int j = 0; j < 4; j++)
        t[j] = s[j] + s[j + 4];
    return (t[0] + t[2]) + (t[1] + t[3]);
}

/* Height of cell i against the design d0 + slope * i (heights times zs),
 * false for a cell that does not count (NaN, or the nodata value): one
 * copy for both oracles below, written apart from the library's. */
static bool cell_height(const float *z, size_t i, double d0, double slope,
                        double zs, int has_nd, float nd, double *h)
{
    float zf = z[i];
    if (zf != zf || (has_nd && zf == nd))
        return false;
    bool level = slope == 0 && zs == 1;
    *h = level ? (double)zf - d0 : (double)zf * zs - (d0 + slope * (double)i);
    return true;
}

/* scalar reference with the kernels' lane structure */
static void reference(const float *z, size_t n, double d0, double slope,
                      double zs, int has_nd, float nd, double out[3])
{
    double c[16] = {0}, f[16] = {0}, cnt = 0;
    size_t body = n / 16 * 16;
    double h;
    for (size_t i = 0; i < body; i++) {
        if (!cell_height(z, i, d0, slope, zs, has_nd, nd, &h))
            continue;
        if (h > 0)
            c[i % 16] += h;
        if (h < 0)
            f[i % 16] -= h;
        cnt += 1;
    }
    double cut = tree16(c), fill = tree16(f);
    for (size_t i = body; i < n; i++) {
        if (!cell_height(z, i, d0, slope, zs, has_nd, nd, &h))
            continue;
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

/* long double sums in cell order: an independent value for the bound */
static void exactish(const float *z, size_t n, double d0, double slope,
                     double zs, int has_nd, float nd, long double out[4])
{
    long double cut = 0, fill = 0, cnt = 0, mag = 0;
    double h;
    for (size_t i = 0; i < n; i++) {
        if (!cell_height(z, i, d0, slope, zs, has_nd, nd, &h))
            continue;
        if (h > 0)
            cut += h;
        else
            fill -= h;
        mag += fabs(h);
        cnt += 1;
    }
    out[0] = cut;
    out[1] = fill;
    out[2] = cnt;
    out[3] = mag;
}

enum { NMAX = 70000 };
static float z[NMAX];

int main(void)
{
    gk_kern_f32_fn x2 = gk_kern_f32_x86(1), x5 = gk_kern_f32_x86(2);
    if (!x2)
        diag("no AVX2 here: only the portable kernel is checked");
    if (x5 == x2)
        diag("no AVX-512 here");
    int bad_ref = 0, bad2 = 0, bad5 = 0, bad_bound = 0, cases = 0;
    double worst = 0;
    /* lengths: every one to 200, then long rows and a whole 256 x 256 block */
    size_t longs[] = {1000, 4099, 65536, NMAX};
    const double dens[] = {0.1, 0.003, 0};
    for (int variant = 0; variant < 4; variant++) {
        double slope = variant & 1 ? 0.0137 : 0;
        double zs = variant & 2 ? 0.3048 : 1;
        for (int has_nd = 0; has_nd < 2; has_nd++)
            for (int di = 0; di < 3; di++)
                for (size_t li = 0; li <= 200 + 4; li++) {
                    size_t n = li <= 200 ? li : longs[li - 201];
                    float nd = -9999;
                    /* every other case: d0 exactly a float (or not),
                     * heights within a few ulps of it, so that the
                     * level kernel's float threshold meets h = 0 and
                     * the heights just either side */
                    bool near = li % 2;
                    double d0 = 100 + (urand() - 0.5);
                    if (near && li % 4 == 1)
                        d0 = (double)(float)d0;
                    for (size_t i = 0; i < n; i++) {
                        double u = urand();
                        float zf = (float)(100 + 20 * (urand() - 0.5));
                        if (near) {
                            zf = (float)d0;
                            for (int s = (int)(urand() * 5) - 2; s; s += s < 0 ? 1 : -1)
                                zf = nextafterf(zf, s < 0 ? -INFINITY : INFINITY);
                        }
                        z[i] = u < dens[di] / 2 ? NAN : u < dens[di] ? nd : zf;
                    }
                    double r[3], p[3], a[3], b[3];
                    long double e[4];
                    reference(z, n, d0, slope, zs, has_nd, nd, r);
                    gk_kern_f32_portable(z, n, d0, slope, zs, has_nd, nd, p);
                    bad_ref += memcmp(r, p, sizeof r) != 0;
                    if (x2) {
                        x2(z, n, d0, slope, zs, has_nd, nd, a);
                        bad2 += memcmp(p, a, sizeof p) != 0;
                    }
                    if (x5) {
                        x5(z, n, d0, slope, zs, has_nd, nd, b);
                        bad5 += memcmp(p, b, sizeof p) != 0;
                    }
                    exactish(z, n, d0, slope, zs, has_nd, nd, e);
                    /* a sum of m terms in any order errs by at most
                     * (m - 1) u sum |terms|, u = 2^-53 */
                    double bound = (double)n * 0x1p-53 * (double)e[3];
                    double err = fmax(fabs(p[0] - (double)e[0]),
                                      fabs(p[1] - (double)e[1]));
                    bad_bound += err > bound || p[2] != (double)e[2];
                    if (e[3] > 0 && err / (double)e[3] > worst)
                        worst = err / (double)e[3];
                    cases++;
                }
    }
    diag("worst error / sum |h|: %.3g", worst);
    is_int(bad_ref, 0, "portable kernel = scalar reference, to the bit");
    is_int(bad2, 0, "AVX2 kernel = portable, to the bit");
    is_int(bad5, 0, "AVX-512 kernel (or the best available) = portable, to the bit");
    is_int(bad_bound, 0, "sums within the fixed-order bound of a long double sum, counts exact");
    ok(cases == 4 * 2 * 3 * 205, "%d cases", cases);
    return done_testing();
}
