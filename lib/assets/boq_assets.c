/*
 * lib/assets/boq_assets.c - the assets a road project touches, as the
 * "assets" section of its bill of quantities (gk_boq_add_value/_text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"

gk_status_t gk_assets_add_to_boq(gk_context_t *ctx, gk_boq_t *boq,
                                 const gk_asset_rows_t *rows,
                                 const gk_layer_t *surface)
{
    if (!boq || !rows)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_add_to_boq: NULL argument");
    const char *sec = "assets";
    gk_status_t st = gk_boq_add_value(ctx, boq, sec, "count", (double)rows->n,
                                      NULL);
    /* Counts per kind, in order of first appearance (rows are by road). */
    for (size_t i = 0; st == GK_OK && i < rows->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(rows->kinds[j], rows->kinds[i]) == 0;
        if (seen)
            continue;
        size_t c = 0;
        for (size_t j = i; j < rows->n; j++)
            c += strcmp(rows->kinds[j], rows->kinds[i]) == 0;
        char key[160];
        snprintf(key, sizeof key, "count %s", rows->kinds[i]);
        st = gk_boq_add_value(ctx, boq, sec, key, (double)c, NULL);
    }
    for (size_t i = 0; st == GK_OK && i < rows->n; i++) {
        char text[256];
        long long road = surface && rows->group[i] >= 0 &&
                                 (size_t)rows->group[i] <
                                     gk_layer_num_features(surface)
                             ? (long long)gk_layer_fid(surface,
                                                       (size_t)rows->group[i])
                             : (long long)rows->group[i];
        snprintf(text, sizeof text, "%s, road %lld, %.2f m from the surface",
                 rows->kinds[i], road, rows->distance_m[i]);
        st = gk_boq_add_text(ctx, boq, sec, rows->ids[i], text);
    }
    return st;
}
