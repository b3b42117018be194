/*
 * lib/core/alloc_huge.c - large blocks in transparent huge pages (moved
 * here from lib/index/rtree_pack.c so that every module can use it).
 *
 * Why: the first write to each fresh 4 KiB page costs a page fault. On the
 * VM geokota is benchmarked on a fault costs ~17 us (bench/RESULTS.md,
 * "BOQ and estimate speed"), so 60 MB of fresh memory took 0.25 s; with
 * 2 MiB pages it is 30 faults. Method: map the length plus 2 MiB, trim to
 * a 2 MiB aligned range and ask for huge pages (MADV_HUGEPAGE; only advice:
 * the kernel may refuse, and nothing changes but the speed). Blocks under
 * 2 MiB come from aligned_alloc. The memory is not zeroed.
 */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "core_internal.h"

#define HUGE_PAGE ((size_t)2 << 20)

void *gk_huge_alloc(size_t bytes, size_t *len)
{
    if (bytes > SIZE_MAX - 2 * HUGE_PAGE)
        return NULL;
    size_t need = (bytes + 63) & ~(size_t)63;
    if (need < HUGE_PAGE) {
        *len = 0;
        return aligned_alloc(64, need ? need : 64);
    }
    /* 4 KiB granularity at the end: the tail below 2 MiB gets small pages,
     * so the memory used is the block's size, not rounded up to 2 MiB */
    size_t round = (need + 4095) & ~(size_t)4095;
    unsigned char *m = mmap(NULL, round + HUGE_PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    /* trim to a 2 MiB aligned range */
    size_t head = (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
    if (head)
        munmap(m, head);
    if (HUGE_PAGE - head)
        munmap(m + head + round, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
    madvise(m + head, round, MADV_HUGEPAGE);
#endif
    *len = round;
    return m + head;
}

void gk_huge_free(void *p, size_t len)
{
    if (len)
        munmap(p, len);
    else
        free(p);
}
