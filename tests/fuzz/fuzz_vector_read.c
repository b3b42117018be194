/*
 * tests/fuzz/fuzz_vector_read.c - the vector-reading and geometry-building
 * path: bytes become a GeoJSON file in GDAL's in-memory file system, then
 * gk_layer_read, validation (with GEOS), CRS resolution and measurement.
 * Any outcome but a crash, a leak or undefined behaviour is fine.
 */
#include <stdint.h>
#include <stdio.h>

#include <cpl_vsi.h>

#include "geokota/geokota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char path[] = "/vsimem/fuzz_vector.geojson";
    gk_context_t *ctx = NULL;
    if (gk_context_new(&ctx) != GK_OK)
        return 0;
    /* GDAL reads the buffer in place and must not free it. */
    VSILFILE *f = VSIFileFromMemBuffer(path, (GByte *)(uintptr_t)data,
                                       (vsi_l_offset)size, FALSE);
    if (f) {
        VSIFCloseL(f);
        gk_layer_t *l = NULL;
        if (gk_layer_read(ctx, path, NULL, &l) == GK_OK) {
            bool *bad = NULL;
            gk_layer_validate(ctx, l, NULL, &bad);
            gk_free(bad);
            gk_measure_result_t *m = NULL;
            gk_measure_layer_opts_t o = {.skip_invalid = true};
            if (gk_layer_require_crs(ctx, l) == GK_OK &&
                gk_measure_layer(ctx, l, &o, &m) == GK_OK)
                gk_measure_result_free(m);
        }
        gk_layer_free(l);
        VSIUnlink(path);
    }
    gk_context_free(ctx);
    return 0;
}
