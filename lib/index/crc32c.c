/*
 * lib/index/crc32c.c - CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected
 * 0x82F63B78), the checksum of .gkidx files.
 *
 * Method: on x86-64 with SSE4.2 the crc32 instruction, 8 bytes at a time;
 * elsewhere a bitwise loop (slow, correct). Same value either way; the test
 * checks the standard check value crc32c("123456789") = 0xE3069283 and that
 * both paths agree, across the lengths where the fast path changes method.
 * The CPU is asked each call (__builtin_cpu_supports reads a table the
 * runtime fills before main), so no state of ours is kept.
 *
 * One chain of crc32 instructions waits on the instruction's latency (3
 * cycles per 8 bytes: 4.3 ms for a 38 MB index here), so long inputs run
 * three independent chains over three adjacent blocks and join them: 3.0
 * ms on this AMD EPYC, whose crc32 throughput then limits (on CPUs that
 * issue one per cycle, 3 chains approach 3x). Without the pre/post inversion the CRC is linear over GF(2):
 * crc(c, A || B) = shift(crc(c, A), |B|) ^ crc(0, B), where shift(c, L) is
 * crc(c, L zero bytes). shift for one block length is itself linear in c,
 * so it is the XOR of shift(2^i) over the set bits of c: 32 values,
 * computed per call with the instruction (~30 us, repaid many times over
 * on the inputs long enough to use this path).
 */
#include <string.h>

#include "index_internal.h"

static uint32_t crc_soft(uint32_t crc, const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define CRC_BLOCK 8192                /* bytes per chain per round */
#define CRC_3WAY_MIN (16 * CRC_BLOCK) /* shorter inputs: one chain */

__attribute__((target("sse4.2"))) static uint64_t
crc_chain(uint64_t c, const unsigned char *p, size_t len)
{
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
    }
    return c;
}

/* shift(c, CRC_BLOCK) from the table of shift(2^i, CRC_BLOCK). */
static uint32_t crc_shift(const uint32_t *basis, uint32_t c)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++)
        r ^= basis[i] & (0u - ((c >> i) & 1u));
    return r;
}

__attribute__((target("sse4.2"))) static uint32_t
crc_hw(uint32_t crc, const unsigned char *p, size_t len)
{
    uint64_t c = crc;
    if (len >= CRC_3WAY_MIN) {
        uint32_t basis[32];
        for (int i = 0; i < 32; i++) {
            uint64_t b = UINT64_C(1) << i;
            for (int k = 0; k < CRC_BLOCK / 8; k++)
                b = __builtin_ia32_crc32di(b, 0);
            basis[i] = (uint32_t)b;
        }
        while (len >= 3 * CRC_BLOCK) {
            uint64_t c0 = c, c1 = 0, c2 = 0;
            for (size_t o = 0; o < CRC_BLOCK; o += 8) {
                uint64_t v0, v1, v2;
                memcpy(&v0, p + o, 8);
                memcpy(&v1, p + CRC_BLOCK + o, 8);
                memcpy(&v2, p + 2 * CRC_BLOCK + o, 8);
                c0 = __builtin_ia32_crc32di(c0, v0);
                c1 = __builtin_ia32_crc32di(c1, v1);
                c2 = __builtin_ia32_crc32di(c2, v2);
            }
            uint32_t j = crc_shift(basis, (uint32_t)c0) ^ (uint32_t)c1;
            c = crc_shift(basis, j) ^ (uint32_t)c2;
            p += 3 * CRC_BLOCK;
            len -= 3 * CRC_BLOCK;
        }
    }
    c = crc_chain(c, p, len & ~(size_t)7);
    p += len & ~(size_t)7;
    len &= 7;
    uint32_t c32 = (uint32_t)c;
    while (len--)
        c32 = __builtin_ia32_crc32qi(c32, *p++);
    return c32;
}
#endif

uint32_t gk_crc32c_soft(uint32_t crc, const void *data, size_t len)
{
    return ~crc_soft(~crc, data, len);
}

uint32_t gk_crc32c(uint32_t crc, const void *data, size_t len)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("sse4.2"))
        return ~crc_hw(~crc, data, len);
#endif
    return ~crc_soft(~crc, data, len);
}
