/*
 * lib/volume/sections.c - the cross-section method.
 *
 * Stations every interval L along each centerline (and one at its end);
 * at each, a section across the road from -half_width to +half_width,
 * ground sampled bilinearly from the DEM, design from the design surface
 * (or the road formation at that station and offset). Section areas:
 * h = ground - design is sampled at N+1 offsets (spacing at most half a
 * DEM cell) and taken as linear between samples; each interval where h
 * changes sign is split exactly at its zero, so cut and fill areas are
 * exact for any ground and design linear across the section.
 *
 * Volumes between stations (Meyer & Gibson, Route Surveying; AASHTO):
 *   average end area  V = L (A1 + A2) / 2,
 *   prismoidal        V = L (A1 + 4 Am + A2) / 6, Am at the mid-station.
 * For an area A(s) smooth along the road the average end area errs by
 * -(L^3 / 12) A'' per interval, i.e. -(L^2 / 12) * integral of A'' over
 * the road: it shrinks as L^2; the prismoidal formula (Simpson's rule) is
 * exact for A quadratic in s and errs by -(L^5 / 2880) A'''' per interval.
 * Neither splits the interval where cut turns to fill, so near such a
 * point both err by O(L * A) (ROADS.md example (e): 156 / 1356 m3 at 20 m
 * against the exact 150 / 1350).
 *
 * Mass-haul ordinate: the running sum of cut - fill / shrink (bank m3).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

typedef struct section {
    double cut, fill, valid, nodata; /* m2, m2, m, m */
} section_t;

typedef struct sec_ctx {
    gk_context_t *ctx;
    const gk_dem_t *dem;
    const gk_volume_opts_t *o;
    const gk_centerline_t *cl;
    gk_dem_reader_t rd;
    gk_design_eval_t de;
    size_t n;          /* samples - 1 */
    double *xy;        /* 2 (n + 1) */
    double *t;         /* n + 1 offsets */
    double *h;         /* n + 1 ground - design */
} sec_ctx_t;

static gk_status_t section_at(sec_ctx_t *c, size_t line, double s,
                              section_t *out)
{
    double px, py, dx, dy;
    gk_centerline_at(c->cl, line, s, &px, &py, &dx, &dy);
    double nx = -dy, ny = dx; /* to the left */
    double hw = c->o->half_width_m;
    for (size_t m = 0; m <= c->n; m++) {
        double t = -hw + 2 * hw * (double)m / (double)c->n;
        c->t[m] = t;
        c->xy[2 * m] = px + t * nx;
        c->xy[2 * m + 1] = py + t * ny;
    }
    size_t np = c->n + 1;
    if (c->cl->to_dem)
        proj_trans_generic(c->cl->to_dem, PJ_INV, c->xy, 2 * sizeof(double),
                           np, c->xy + 1, 2 * sizeof(double), np, NULL, 0, 0,
                           NULL, 0, 0);
    else
        for (size_t m = 0; m < 2 * np; m++)
            c->xy[m] *= c->cl->unit;
    for (size_t m = 0; m < np; m++) {
        double u, v, g, d;
        gk_dem_grid(c->dem, c->xy[2 * m], c->xy[2 * m + 1], &u, &v);
        gk_status_t st = gk_dem_sample(&c->rd, u, v, GK_RESAMPLE_BILINEAR, &g);
        if (st != GK_OK)
            return st;
        if (c->o->design.kind == GK_DESIGN_ROAD)
            d = gk_road_formation(&c->o->design.road, line, s, c->t[m]);
        else if ((st = gk_design_at(&c->de, u, v, &d)) != GK_OK)
            return st;
        c->h[m] = g - d;
    }
    section_t r = {0};
    for (size_t m = 0; m < c->n; m++) {
        double dt = c->t[m + 1] - c->t[m];
        double a = c->h[m], b = c->h[m + 1];
        if (!isfinite(a) || !isfinite(b)) {
            r.nodata += dt;
            continue;
        }
        r.valid += dt;
        if (a >= 0 && b >= 0)
            r.cut += dt * (a + b) / 2;
        else if (a <= 0 && b <= 0)
            r.fill -= dt * (a + b) / 2;
        else {
            double span = fabs(a - b);
            double pa = a > 0 ? a : -a, pb = b > 0 ? b : -b;
            double ta = dt * pa * pa / (2 * span), tb = dt * pb * pb / (2 * span);
            r.cut += a > 0 ? ta : tb;
            r.fill += a > 0 ? tb : ta;
        }
    }
    *out = r;
    return GK_OK;
}

static double cell_size_m(const gk_dem_t *dem)
{
    const double *g = dem->info.geotransform;
    double sx = hypot(g[1], g[4]), sy = hypot(g[2], g[5]);
    double m = fmin(sx, sy);
    if (dem->info.geographic)
        return m * GK_PI / 180 * dem->info.semi_major_m *
               fmax(cos(fabs(g[3]) * GK_PI / 180), 0.01);
    return m * dem->info.linear_unit_m;
}

gk_status_t gk_volume_sections(gk_context_t *ctx, const gk_dem_t *dem,
                               const gk_volume_opts_t *o,
                               const gk_centerline_t *cl,
                               gk_volume_result_t *out)
{
    double L = o->interval_m > 0 ? o->interval_m : 25.0;
    double hw = o->half_width_m;
    if (!(hw > 0) || !isfinite(hw))
        return gk_error(ctx, GK_ERR_ARG,
                        "sections: half_width_m must be positive (%g)", hw);
    if (!cl || cl->nlines == 0)
        return gk_error(ctx, GK_ERR_ARG,
                        "sections: a centerline is needed");
    double shrink = o->shrink > 0 ? o->shrink : 1.0;
    double step = cell_size_m(dem) / 2;
    double nd = ceil(2 * hw / step);
    if (nd > 1e6)
        return gk_error(ctx, GK_ERR_ARG,
                        "sections: %g m half width over %g m cells needs too "
                        "many samples",
                        hw, 2 * step);
    sec_ctx_t c = {.ctx = ctx, .dem = dem, .o = o, .cl = cl};
    c.n = nd < 2 ? 2 : (size_t)nd;
    c.xy = gk_calloc_array(2 * (c.n + 1), sizeof(double));
    c.t = gk_calloc_array(c.n + 1, sizeof(double));
    c.h = gk_calloc_array(c.n + 1, sizeof(double));
    size_t cap = 64, ns = 0;
    gk_volume_station_t *sta = gk_calloc_array(cap, sizeof *sta);
    gk_status_t st = GK_OK;
    if (!c.xy || !c.t || !c.h || !sta) {
        st = gk_error_nomem(ctx, "cross-sections");
        goto out;
    }
    if ((st = gk_dem_reader_init(&c.rd, ctx, dem, false)) != GK_OK ||
        (st = gk_design_eval_init(&c.de, ctx, &o->design, dem, cl, false)) !=
            GK_OK)
        goto out;
    double cut = 0, fill = 0, pcut = 0, pfill = 0, valid = 0, nodata = 0;
    double mass = 0, total_len = 0, done_len = 0;
    for (size_t k = 0; k < cl->nlines; k++)
        total_len += cl->cum[cl->off[k + 1] - 1];
    for (size_t k = 0; k < cl->nlines; k++) {
        double len = cl->cum[cl->off[k + 1] - 1];
        if (k > 0)
            done_len += cl->cum[cl->off[k] - 1];
        if (!(len > 0))
            continue;
        section_t prev = {0};
        double sprev = 0;
        for (size_t i = 0;; i++) {
            double s = (double)i * L;
            bool last = s >= len - 1e-9 * L;
            if (last)
                s = len;
            section_t cur;
            if ((st = section_at(&c, k, s, &cur)) != GK_OK)
                goto out;
            double vc = 0, vf = 0;
            if (i > 0) {
                double dl = s - sprev;
                section_t mid;
                if ((st = section_at(&c, k, (s + sprev) / 2, &mid)) != GK_OK)
                    goto out;
                vc = dl * (prev.cut + cur.cut) / 2;
                vf = dl * (prev.fill + cur.fill) / 2;
                pcut += dl * (prev.cut + 4 * mid.cut + cur.cut) / 6;
                pfill += dl * (prev.fill + 4 * mid.fill + cur.fill) / 6;
                valid += dl * (prev.valid + cur.valid) / 2;
                nodata += dl * (prev.nodata + cur.nodata) / 2;
                cut += vc;
                fill += vf;
                mass += vc - vf / shrink;
            }
            if (ns == cap) {
                gk_volume_station_t *p =
                    gk_realloc_array(sta, cap *= 2, sizeof *p);
                if (!p) {
                    st = gk_error_nomem(ctx, "the station table");
                    goto out;
                }
                sta = p;
            }
            sta[ns++] = (gk_volume_station_t){
                .line = (int64_t)k, .station_m = s, .cut_area_m2 = cur.cut,
                .fill_area_m2 = cur.fill, .cut_m3 = vc, .fill_m3 = vf,
                .cumulative_mass_m3 = mass};
            prev = cur;
            sprev = s;
            if (!gk_progress(ctx,
                             total_len > 0 ? (done_len + s) / total_len : 1,
                             "volume")) {
                st = GK_ERR_INTERRUPTED;
                goto out;
            }
            if (last)
                break;
        }
    }
    out->cut_m3 = cut;
    out->fill_m3 = fill;
    out->cut_prismoidal_m3 = pcut;
    out->fill_prismoidal_m3 = pfill;
    out->area_m2 = valid;
    out->nodata_area_m2 = nodata;
    out->ncells = ns;
    out->nstations = ns;
    out->stations = sta;
    sta = NULL;
out:
    gk_design_eval_fini(&c.de);
    gk_dem_reader_fini(&c.rd);
    free(c.xy);
    free(c.t);
    free(c.h);
    free(sta);
    return st;
}
