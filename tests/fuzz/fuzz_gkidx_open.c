/*
 * tests/fuzz/fuzz_gkidx_open.c - libFuzzer target: any bytes given to the
 * .gkidx reader must give a tree or a clean error, and any tree it accepts
 * must answer queries, kNN and a self-join without leaving its memory.
 * Checked with and without the data checksum (without it, fuzzed node
 * contents reach the query code).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geokota/geokota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const gk_rtree_t *t)
{
    gk_box_t all = {-1e300, -1e300, 1e300, 1e300};
    gk_box_t w = {0, 0, 100, 100};
    int64_t ids[32];
    double d[32];
    (void)gk_rtree_query_box(t, all, ids, 32);
    (void)gk_rtree_query_within(t, w, 10.0, ids, 32);
    (void)gk_rtree_nearest(t, w, 32, NULL, ids, d);
    (void)gk_rtree_info(t);
    gk_hits_t *h = NULL;
    if (gk_rtree_size(t) <= 4096 && gk_rtree_join(NULL, t, t, &h) == GK_OK)
        gk_hits_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the reader wants 8-byte aligned bytes, as from mmap or malloc */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    gk_context_t *ctx = NULL;
    if (gk_context_new(&ctx) != GK_OK) {
        free(copy);
        return 0;
    }
    for (int verify = 0; verify < 2; verify++) {
        gk_rtree_open_opts_t o = {verify == 0};
        gk_rtree_t *t = NULL;
        if (gk_rtree_open_wrap(ctx, copy, size, &o, &t) == GK_OK) {
            exercise(t);
            gk_rtree_free(t);
        } else if (gk_errmsg(ctx)[0] == '\0') {
            abort(); /* an error must always say what went wrong */
        }
    }
    gk_context_free(ctx);
    free(copy);
    return 0;
}
