/*
 * lib/index/crc32c.c - CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected
 * 0x82F63B78), the checksum of .gkidx files.
 *
 * Method: on x86-64 with SSE4.2 the crc32 instruction, 8 bytes at a time
 * (about 8 GB/s, so checking a 40 MB index costs ~5 ms); elsewhere a
 * bitwise loop (slow, correct). Same value either way; the test checks the
 * standard check value crc32c("123456789") = 0xE3069283 and that both paths
 * agree. The CPU is asked each call (__builtin_cpu_supports reads a table
 * the runtime fills before main), so no state of ours is kept.
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
__attribute__((target("sse4.2"))) static uint32_t
crc_hw(uint32_t crc, const unsigned char *p, size_t len)
{
    uint64_t c = crc;
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        len -= 8;
    }
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
