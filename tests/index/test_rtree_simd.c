/*
 * tests/index/test_rtree_simd.c - the k-nearest search's node test in
 * AVX-512 and AVX2 (rtree_dist_x86.c) gives the same squared distances, bit
 * for bit, and the same slot mask as a plain C reference written from the
 * definition, for every node size, with padding (empty box) slots, partial
 * nodes, points inside boxes, huge coordinates (squares overflowing to
 * +inf) and bounds of 0 and +inf.
 */
#include "tap.h"

#include "rtree_oracle.h"

/* The reference: gk_box_gap's arithmetic without the square root. */
static uint64_t reference(const double *nd, uint32_t B, gk_box_t q, double b2,
                          size_t m, double *out)
{
    uint64_t mask = 0;
    for (uint32_t i = 0; i < B; i++) {
        double dx = gk_max3(nd[i] - q.xmax, q.xmin - nd[2 * B + i], 0.0);
        double dy = gk_max3(nd[B + i] - q.ymax, q.ymin - nd[3 * B + i], 0.0);
        out[i] = dx * dx + dy * dy;
        if (i < m && out[i] <= b2 && out[i] < INFINITY)
            mask |= UINT64_C(1) << i;
    }
    return mask;
}

static void fill_node(double *nd, uint32_t B, uint64_t *s)
{
    for (uint32_t i = 0; i < B; i++) {
        int kind = (int)(rng_next(s) % 8);
        double scale = kind == 7 ? 1e150 : 1000.0;
        double x = q64(rng_unit(s) * scale), y = q64(rng_unit(s) * scale);
        double w = q64(rng_unit(s) * 50), h = q64(rng_unit(s) * 50);
        gk_box_t b = {x, y, x + w, y + h};
        if (kind == 0)
            b = gk_box_empty(); /* padding or a removed item */
        nd[i] = b.xmin;
        nd[B + i] = b.ymin;
        nd[2 * B + i] = b.xmax;
        nd[3 * B + i] = b.ymax;
    }
}

static int check_kernel(gk_node_mask2_fn fn, int trials)
{
    uint64_t s = 42;
    double nd[4 * GK_RTREE_MAX_NODE];
    double got[GK_RTREE_MAX_NODE], want[GK_RTREE_MAX_NODE];
    int bad = 0;
    for (int t = 0; t < trials; t++) {
        uint32_t B = 4 * (uint32_t)(1 + rng_next(&s) % 16);
        fill_node(nd, B, &s);
        double x = q64(rng_unit(&s) * 1000), y = q64(rng_unit(&s) * 1000);
        gk_box_t q = {x, y, x, y};
        if (t % 11 == 0)
            q.xmin = q.xmax = -1e200; /* squares overflow to +inf */
        if (t % 3 == 0) {
            q.xmax += 20;
            q.ymax += 7;
        }
        size_t m = 1 + rng_next(&s) % B;
        double b2 = t % 5 == 0 ? INFINITY
                    : t % 7 == 0 ? 0.0
                                 : rng_unit(&s) * 3e5;
        uint64_t mw = reference(nd, B, q, b2, m, want);
        uint64_t mg = fn(nd, B, q, b2, m, got);
        if (mw != mg || memcmp(want, got, B * sizeof *got) != 0)
            bad++;
    }
    return bad;
}

int main(void)
{
    gk_node_mask2_fn avx512 = gk_node_mask2_x86(2);
    gk_node_mask2_fn avx2 = gk_node_mask2_x86(1);
    if (!avx2)
        skip_all("this CPU has no AVX2: the portable node test is used");
    is_int(check_kernel(avx2, 20000), 0,
           "AVX2 node test: distances and mask bit-identical (20000 nodes)");
    if (avx512 && avx512 != avx2)
        is_int(check_kernel(avx512, 20000), 0,
               "AVX-512 node test: distances and mask bit-identical "
               "(20000 nodes)");
    else
        diag("no AVX-512 on this CPU: only AVX2 checked");
    ok(gk_node_mask2_x86(0) == NULL, "level 0 asks for no SIMD version");
    return done_testing();
}
