/*
 * tests/fuzz/wkb/fuzz_wkb.c - libFuzzer target for the WKB reader.
 *
 * Properties checked on every input: the reader never reads out of bounds
 * or leaks (ASan), fails only with INPUT_INVALID or UNSUPPORTED, and what it
 * accepts passes gk_geoms_check() and survives a write / read round trip
 * with identical arrays (NaN payloads compared bit for bit).
 */
#include <stdlib.h>
#include <string.h>

#include "geom/geom_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gk_context_t *ctx = NULL;
    if (gk_context_new(&ctx) != GK_OK)
        return 0;
    gk_geomcol_t *c = NULL;
    gk_status_t st = gk_geomcol_from_wkb(ctx, &data, &size, 1, &c);
    if (st != GK_OK) {
        check(c == NULL);
        check(st == GK_ERR_INPUT_INVALID || st == GK_ERR_UNSUPPORTED ||
              st == GK_ERR_NOMEM);
        gk_context_free(ctx);
        return 0;
    }
    gk_geoms_t g = gk_geomcol_geoms(c);
    size_t np = gk_geoms_num_parts(&g), nr = gk_geoms_num_rings(&g);
    size_t nv = gk_geoms_num_vertices(&g);
    check(g.ngeoms == 1);
    check(gk_geoms_check(ctx, &g, np, nr, nv) == GK_OK);
    size_t need = gk_geoms_feature_wkb(&g, 0, NULL, 0);
    uint8_t *out = need ? malloc(need) : NULL;
    if (need && !out) {
        gk_geomcol_free(c);
        gk_context_free(ctx);
        return 0;
    }
    check(gk_geoms_feature_wkb(&g, 0, out, need) == need);
    const uint8_t *optr = out;
    gk_geomcol_t *c2 = NULL;
    check(gk_geomcol_from_wkb(ctx, &optr, &need, 1, &c2) == GK_OK);
    gk_geoms_t h = gk_geomcol_geoms(c2);
    check(h.types[0] == g.types[0]);
    check(gk_geoms_num_parts(&h) == np && gk_geoms_num_rings(&h) == nr &&
          gk_geoms_num_vertices(&h) == nv);
    check(nv == 0 || memcmp(h.xy, g.xy, 2 * nv * sizeof(double)) == 0);
    check((h.z == NULL) == (g.z == NULL));
    check(nv == 0 || !g.z || memcmp(h.z, g.z, nv * sizeof(double)) == 0);
    free(out);
    gk_geomcol_free(c2);
    gk_geomcol_free(c);
    gk_context_free(ctx);
    return 0;
}
