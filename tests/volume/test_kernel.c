/*
 * tests/volume/test_kernel.c - the cell method's float32 kernels agree to
 * the bit: portable (GCC vector extensions), AVX2 and AVX-512 (run-time
 * choice), on heights with NaN and nodata, level and sloping designs,
 * height units other than metres, and every length 0..200 (the 8-cell
 * body and the tails); and the portable one against a scalar reference
 * in the same association (lanes k mod 8, then lanes 0..3 with 4..7).
 */
#include "vtest.h"

static uint64_t rng = 42;

static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* scalar reference with the kernels' lane structure */
static void reference(const float *z, size_t n, double d0, double slope,
                      double zs, int has_nd, float nd, double out[3])
{
    double c[8] = {0}, f[8] = {0}, m[8] = {0};
    size_t body = n / 8 * 8;
    bool level = slope == 0 && zs == 1;
    for (size_t i = 0; i < body; i++) {
        double g = (double)z[i];
        double h = level ? g - d0 : g * zs - (d0 + slope * (double)i);
        if (h != h || (has_nd && g == (double)nd))
            continue;
        if (h > 0)
            c[i % 8] += h;
        if (h < 0)
            f[i % 8] -= h;
        m[i % 8] += 1;
    }
    double cut = 0, fill = 0, cnt = 0;
    for (int k = 0; k < 4; k++) {
        cut += c[k] + c[k + 4];
        fill += f[k] + f[k + 4];
        cnt += m[k] + m[k + 4];
    }
    for (size_t i = body; i < n; i++) {
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

int main(void)
{
    enum { N = 200 };
    float z[N];
    gk_kern_f32_fn x2 = gk_kern_f32_x86(1), x5 = gk_kern_f32_x86(2);
    if (!x2)
        diag("no AVX2 here: only the portable kernel is checked");
    if (x5 == x2)
        diag("no AVX-512 here");
    int bad_ref = 0, bad2 = 0, bad5 = 0, cases = 0;
    for (int variant = 0; variant < 4; variant++) {
        double slope = variant & 1 ? 0.0137 : 0;
        double zs = variant & 2 ? 0.3048 : 1;
        for (int has_nd = 0; has_nd < 2; has_nd++) {
            for (size_t n = 0; n <= N; n++) {
                float nd = -9999;
                for (size_t i = 0; i < n; i++) {
                    double u = urand();
                    z[i] = u < 0.05   ? NAN
                           : u < 0.1 ? nd
                                     : (float)(100 + 20 * (urand() - 0.5));
                }
                double d0 = 100 + (urand() - 0.5);
                double r[3], p[3], a[3], b[3];
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
                cases++;
            }
        }
    }
    is_int(bad_ref, 0, "portable kernel = scalar reference, to the bit");
    is_int(bad2, 0, "AVX2 kernel = portable, to the bit");
    is_int(bad5, 0, "AVX-512 kernel (or the best available) = portable, to the bit");
    ok(cases == 8 * (N + 1), "%d cases", cases);
    return done_testing();
}
