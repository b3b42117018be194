#include "road_internal.h"

gk_status_t gk_corridors_shares(gk_context_t *ctx, const gk_corridors_t *c,
                                const double *half_width_m, double *share_m2,
                                gk_layer_t **polygons)
{
    return gk_corridors_shares_reference(ctx, c, half_width_m, share_m2,
                                         polygons);
}

gk_status_t gk_corridors_shares_v2(gk_context_t *ctx, const gk_corridors_t *c,
                                   const double *half_width_m,
                                   const gk_corridor_opts_t *opts,
                                   double *share_m2, gk_layer_t **polygons)
{
    (void)opts;
    return gk_corridors_shares_reference(ctx, c, half_width_m, share_m2,
                                         polygons);
}
