/*
 * lib/index/hilbert.c - position of a grid cell along the Hilbert curve.
 *
 * Method: the branch-free evaluation of the Hilbert index as a parallel
 * prefix scan over the bit pairs of (x, y) (the "2D Hilbert curves in
 * O(1)" construction published by rawrunprotected, 2016, which flatbush
 * also uses). Each of the 16 levels of the curve is a state (a rotation and
 * a reflection, encoded in the bit rows a, b, c, d below); combining
 * neighbouring levels is associative, so four rounds of shifts (1, 2, 4, 8)
 * compose all 16 states at once, then the index bits are recovered from the
 * final states and interleaved. Exact: integer arithmetic only.
 *
 * Checked in tests/index/test_rtree_static.c: the 256 x 256 corner block is
 * visited as 65536 consecutive indices and consecutive cells are
 * 4-neighbours (the defining property of the curve).
 */
#include "index_internal.h"

static uint32_t interleave16(uint32_t x)
{
    x = (x | (x << 8)) & 0x00FF00FFu;
    x = (x | (x << 4)) & 0x0F0F0F0Fu;
    x = (x | (x << 2)) & 0x33333333u;
    x = (x | (x << 1)) & 0x55555555u;
    return x;
}

uint32_t gk_hilbert16(uint32_t x, uint32_t y)
{
    uint32_t A, B, C, D, a, b, c, d;

    a = x ^ y;
    b = 0xFFFFu ^ a;
    c = 0xFFFFu ^ (x | y);
    d = x & (y ^ 0xFFFFu);
    A = a | (b >> 1);
    B = (a >> 1) ^ a;
    C = ((c >> 1) ^ (b & (d >> 1))) ^ c;
    D = ((a & (c >> 1)) ^ (d >> 1)) ^ d;

    a = A; b = B; c = C; d = D;
    A = (a & (a >> 2)) ^ (b & (b >> 2));
    B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
    C ^= (a & (c >> 2)) ^ (b & (d >> 2));
    D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));

    a = A; b = B; c = C; d = D;
    A = (a & (a >> 4)) ^ (b & (b >> 4));
    B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
    C ^= (a & (c >> 4)) ^ (b & (d >> 4));
    D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));

    a = A; b = B; c = C; d = D;
    C ^= (a & (c >> 8)) ^ (b & (d >> 8));
    D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));

    a = C ^ (C >> 1);
    b = D ^ (D >> 1);
    uint32_t i0 = x ^ y;
    uint32_t i1 = b | (0xFFFFu ^ (i0 | a));
    return (interleave16(i1) << 1) | interleave16(i0);
}
