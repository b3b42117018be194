/*
 * tests/road/test_partition.c - the property scale-out relies on: a road's
 * share depends only on its corridor and the earlier corridors that meet
 * it. A part of a network holding its own roads plus the earlier roads
 * that come near them, prepared with the whole network's plane origin
 * (gk_corridors_prepare_at), gives each own road the same share, to the
 * bit, as the whole network. Also the in-memory layer helpers the Python
 * binding builds such parts with (text columns, feature ids).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom/geom_internal.h"
#include "io/io_internal.h"
#include "tap.h"

#define GRID 7
#define MAXR (2 * (GRID + 1) * GRID)

static double jitter(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return ((double)((*s >> 8) & 0xffff) / 65535.0 - 0.5) * 0.4;
}

/* A jittered street grid in lon/lat (segments between junctions), 300 m
 * apart; road k's endpoints in xy[4k .. 4k+3]. */
static size_t grid(double *xy)
{
    unsigned s = 2026;
    double node[GRID + 1][GRID + 1][2];
    const double step = 0.0027;
    for (int i = 0; i <= GRID; i++)
        for (int j = 0; j <= GRID; j++) {
            node[i][j][0] = 106.64 + (i + jitter(&s)) * step;
            node[i][j][1] = -6.20 + (j + jitter(&s)) * step;
        }
    size_t n = 0;
    for (int i = 0; i <= GRID; i++)
        for (int j = 0; j < GRID; j++) {
            memcpy(xy + 4 * n++, node[i][j], 2 * sizeof(double));
            memcpy(xy + 4 * n - 2, node[i][j + 1], 2 * sizeof(double));
            memcpy(xy + 4 * n++, node[j][i], 2 * sizeof(double));
            memcpy(xy + 4 * n - 2, node[j + 1][i], 2 * sizeof(double));
        }
    return n;
}

static gk_layer_t *layer_of(gk_context_t *ctx, const double *xy,
                            const size_t *pick, size_t n)
{
    gk_geomcol_t c;
    gk_geomcol_init(&c);
    int64_t fids[MAXR];
    for (size_t k = 0; k < n; k++) {
        const double *p = xy + 4 * pick[k];
        gk_geomcol_begin_geom(&c, GK_GEOM_LINESTRING);
        gk_geomcol_begin_part(&c);
        gk_geomcol_begin_ring(&c);
        gk_geomcol_add_xy(&c, p[0], p[1]);
        gk_geomcol_add_xy(&c, p[2], p[3]);
        fids[k] = (int64_t)pick[k];
    }
    gk_crs_t *crs = NULL;
    gk_crs_from_string(ctx, "EPSG:4326", &crs);
    gk_geoms_t v = gk_geomcol_view(&c);
    gk_layer_t *l = NULL;
    gk_layer_from_geoms(ctx, "roads", &v, crs, &l);
    gk_layer_set_fids(ctx, l, fids);
    gk_crs_free(crs);
    gk_geomcol_clear(&c);
    return l;
}

static int shares_of(gk_context_t *ctx, const gk_layer_t *l,
                     const double *origin, double hw, double *out)
{
    gk_corridors_t *c = NULL;
    size_t n = gk_layer_num_features(l);
    double hws[MAXR];
    for (size_t i = 0; i < n; i++)
        hws[i] = hw;
    int ok = gk_corridors_prepare_at(ctx, l, NULL, origin, &c) == GK_OK &&
             gk_corridors_shares(ctx, c, hws, out, NULL) == GK_OK;
    if (!ok)
        diag("%s", gk_errmsg(ctx));
    gk_corridors_free(c);
    return ok;
}

static double box_gap(const double *a, const double *b)
{
    double ax0 = fmin(a[0], a[2]), ax1 = fmax(a[0], a[2]);
    double ay0 = fmin(a[1], a[3]), ay1 = fmax(a[1], a[3]);
    double bx0 = fmin(b[0], b[2]), bx1 = fmax(b[0], b[2]);
    double by0 = fmin(b[1], b[3]), by1 = fmax(b[1], b[3]);
    double dx = fmax(0, fmax(bx0 - ax1, ax0 - bx1));
    double dy = fmax(0, fmax(by0 - ay1, ay0 - by1));
    return hypot(dx, dy);
}

static void test_parts_equal_whole(gk_context_t *ctx)
{
    double xy[4 * MAXR];
    size_t n = grid(xy), all[MAXR] = {0};
    for (size_t k = 0; k < n; k++)
        all[k] = k;
    double lon0 = INFINITY, lon1 = -INFINITY, lat0 = INFINITY,
           lat1 = -INFINITY;
    for (size_t k = 0; k < 2 * n; k++) {
        lon0 = fmin(lon0, xy[2 * k]);
        lon1 = fmax(lon1, xy[2 * k]);
        lat0 = fmin(lat0, xy[2 * k + 1]);
        lat1 = fmax(lat1, xy[2 * k + 1]);
    }
    double origin[2] = {0.5 * (lon0 + lon1), 0.5 * (lat0 + lat1)};
    const double hw = 3.0;
    gk_layer_t *whole = layer_of(ctx, xy, all, n);
    double want[MAXR], dflt[MAXR];
    ok(shares_of(ctx, whole, origin, hw, want), "whole network shares");
    ok(shares_of(ctx, whole, NULL, hw, dflt), "with the default origin");
    int same = 1;
    for (size_t k = 0; k < n; k++)
        same &= dflt[k] == want[k];
    ok(same, "the default origin is the centre of the roads' box");

    /* Three parts by the x of each road's midpoint; context: earlier
     * roads within 5 x (2 hw) of an own road (mitre limit 5). */
    const double reach = 5 * 2 * hw / 100000.0; /* degrees, generous */
    int exact = 1, naive_differs = 0;
    size_t owned = 0;
    for (int part = 0; part < 3; part++) {
        size_t pick[MAXR], npick = 0;
        bool own[MAXR];
        for (size_t k = 0; k < n; k++) {
            double mx = 0.5 * (xy[4 * k] + xy[4 * k + 2]);
            int p = mx < 106.6455 ? 0 : mx < 106.6535 ? 1 : 2;
            bool mine = p == part, near = false;
            for (size_t i = k + 1; !mine && i < n && !near; i++) {
                double mi = 0.5 * (xy[4 * i] + xy[4 * i + 2]);
                int pi = mi < 106.6455 ? 0 : mi < 106.6535 ? 1 : 2;
                near = pi == part && box_gap(xy + 4 * k, xy + 4 * i) <= reach;
            }
            if (mine || near) {
                own[npick] = mine;
                pick[npick++] = k;
            }
        }
        gk_layer_t *l = layer_of(ctx, xy, pick, npick);
        double got[MAXR];
        if (!shares_of(ctx, l, origin, hw, got))
            exact = 0;
        for (size_t k = 0; k < npick; k++)
            if (own[k]) {
                owned++;
                exact &= got[k] == want[pick[k]];
            }
        gk_layer_free(l);

        /* The part alone (no context) counts border junctions again. */
        size_t mine_only[MAXR], nm = 0;
        for (size_t k = 0; k < npick; k++)
            if (own[k])
                mine_only[nm++] = pick[k];
        l = layer_of(ctx, xy, mine_only, nm);
        if (shares_of(ctx, l, origin, hw, got))
            for (size_t k = 0; k < nm; k++)
                naive_differs |= got[k] > want[mine_only[k]] + 1;
        gk_layer_free(l);
    }
    ok(owned == n, "every road is in exactly one part (%zu of %zu)", owned,
       n);
    ok(exact, "own roads' shares equal the whole's to the bit");
    ok(naive_differs, "without the earlier roads, border junctions count "
                      "twice");
    gk_layer_free(whole);

    gk_corridors_t *c = NULL;
    double bad[2] = {200, 0};
    gk_layer_t *empty = layer_of(ctx, xy, all, 0);
    is_int(gk_corridors_prepare_at(ctx, empty, NULL, bad, &c),
           GK_ERR_INPUT_VALUE, "an origin that is not lon/lat is refused");
    gk_layer_free(empty);
}

static void test_layer_helpers(gk_context_t *ctx)
{
    double xy[4 * MAXR];
    grid(xy);
    size_t pick[3] = {5, 9, 2};
    gk_layer_t *l = layer_of(ctx, xy, pick, 3);
    is_int((int)gk_layer_fid(l, 1), 9, "feature ids set");
    const char *names[3] = {"Jalan Satu", NULL, "Jalan Tiga"};
    is_int(gk_layer_add_string_field(ctx, l, "name", names), GK_OK,
           "text column");
    int f = gk_layer_field_index(l, "name");
    ok(f == 0 && gk_layer_field_type(l, 0) == GK_FIELD_STRING, "is text");
    ok(strcmp(gk_layer_get_string(l, 0, 2), "Jalan Tiga") == 0 &&
           gk_layer_get_string(l, 0, 2) != names[2],
       "values are copied");
    ok(gk_layer_is_null(l, 0, 1) && !gk_layer_is_null(l, 0, 0),
       "NULL is a null value");
    is_int(gk_layer_add_string_field(ctx, l, "x", NULL), GK_ERR_ARG,
           "NULL values refused");
    is_int(gk_layer_set_fids(ctx, l, NULL), GK_ERR_ARG, "NULL ids refused");
    gk_layer_free(l);
}

int main(void)
{
    gk_context_t *ctx = NULL;
    gk_context_new(&ctx);
    test_parts_equal_whole(ctx);
    test_layer_helpers(ctx);
    gk_context_free(ctx);
    return done_testing();
}
