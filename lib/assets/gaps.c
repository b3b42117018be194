/*
 * lib/assets/gaps.c - stretches of road with no asset of some kinds within
 * a distance: unlit streets, undrained ones.
 *
 * Method: each segment A-B of a road is taken in a local plane centred at
 * its midpoint (scales as in distance.c). The road point P(t) = A + t(B-A),
 * t in [0, 1], is covered by an asset piece when |P(t) - piece| <= D:
 * - for a point C that is the interval where |A + t(B-A) - C|^2 <= D^2, the
 *   roots of a quadratic (exact);
 * - for a segment C-E the distance is convex in t, so the covered set is
 *   again an interval: its lowest point by golden-section search, its ends
 *   by bisection, to 1e-12 in t (far below a millimetre).
 * The union of the intervals is swept to find the uncovered parts, which
 * join across consecutive segments into stretches; chainages are geodesic
 * (t times the segment's geodesic length). Polygon assets count by their
 * outlines (a road running deep inside a large polygon asset, more than D
 * from its outline, is not covered by it).
 * Error: the plane's scale error over half a segment (|dlat| tan(lat)
 * relative, 1e-5 for a 1 km segment in Jakarta) on distances of D.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"

typedef struct ival {
    double t0, t1;
} ival_t;

typedef struct ivec {
    ival_t *v;
    size_t n, cap;
    bool nomem;
} ivec_t;

static void ipush(ivec_t *iv, double t0, double t1)
{
    t0 = fmax(t0, 0);
    t1 = fmin(t1, 1);
    if (!(t0 <= t1))
        return;
    if (iv->n == iv->cap) {
        size_t cap = iv->cap ? 2 * iv->cap : 32;
        ival_t *p = gk_realloc_array(iv->v, cap, sizeof *p);
        if (!p) {
            iv->nomem = true;
            return;
        }
        iv->v = p;
        iv->cap = cap;
    }
    iv->v[iv->n++] = (ival_t){t0, t1};
}

typedef struct seg {
    double ax, ay, bx, by; /* the road segment in the plane */
} seg_t;

/* Distance from P(t) to the segment (cx,cy)-(ex,ey). */
static double dist_t(const seg_t *s, double t, const double *c)
{
    double px = s->ax + t * (s->bx - s->ax), py = s->ay + t * (s->by - s->ay);
    double dx = c[2] - c[0], dy = c[3] - c[1], l2 = dx * dx + dy * dy;
    double u = l2 > 0 ? ((px - c[0]) * dx + (py - c[1]) * dy) / l2 : 0;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    double qx = c[0] + u * dx - px, qy = c[1] + u * dy - py;
    return sqrt(qx * qx + qy * qy);
}

static void cover_point(const seg_t *s, const double *c, double d, ivec_t *iv)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay;
    double ex = s->ax - c[0], ey = s->ay - c[1];
    double a = dx * dx + dy * dy, b = 2 * (ex * dx + ey * dy);
    double cc = ex * ex + ey * ey - d * d;
    if (a == 0) {
        if (cc <= 0)
            ipush(iv, 0, 1);
        return;
    }
    double disc = b * b - 4 * a * cc;
    if (disc < 0)
        return;
    double r = sqrt(disc);
    ipush(iv, (-b - r) / (2 * a), (-b + r) / (2 * a));
}

static void cover_segment(const seg_t *s, const double *c, double d,
                          ivec_t *iv)
{
    if (c[0] == c[2] && c[1] == c[3]) {
        cover_point(s, c, d, iv);
        return;
    }
    const double g = 0.6180339887498949;
    double lo = 0, hi = 1;
    for (int k = 0; k < 60 && hi - lo > 1e-12; k++) {
        double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
        if (dist_t(s, m1, c) <= dist_t(s, m2, c))
            hi = m2;
        else
            lo = m1;
    }
    double tm = (lo + hi) / 2;
    if (dist_t(s, tm, c) > d)
        return;
    double l0 = 0, l1 = tm, r0 = tm, r1 = 1;
    if (dist_t(s, 0, c) <= d)
        l1 = 0;
    else
        for (int k = 0; k < 50; k++) {
            double m = (l0 + l1) / 2;
            if (dist_t(s, m, c) <= d)
                l1 = m;
            else
                l0 = m;
        }
    if (dist_t(s, 1, c) <= d)
        r0 = 1;
    else
        for (int k = 0; k < 50; k++) {
            double m = (r0 + r1) / 2;
            if (dist_t(s, m, c) <= d)
                r0 = m;
            else
                r1 = m;
        }
    ipush(iv, l1, r0);
}

static int cmp_ival(const void *a, const void *b)
{
    const ival_t *x = a, *y = b;
    return (x->t0 > y->t0) - (x->t0 < y->t0);
}

typedef struct gaps_priv {
    gk_geomcol_t geoms;
} gaps_priv_t;

void gk_asset_gaps_free(gk_asset_gaps_t *g)
{
    if (!g)
        return;
    gaps_priv_t *p = g->priv_;
    if (p) {
        gk_geomcol_clear(&p->geoms);
        free(p);
    }
    free(g->gaps);
    free(g);
}

typedef struct run {
    gk_context_t *ctx;
    const gk_asset_snap_t *snap;
    gk_geoms_t ag;
    const gk_rtree_t *tree;
    const bool *mask;
    const gk_geodesic_t *geo;
    double d, min_len;
    gk_asset_gaps_t *out;
    gk_geomcol_t *gc;
    size_t cap;
    ivec_t iv;
    size_t *cand;
    size_t ncand, capcand;
    bool nomem;
    /* the open stretch */
    bool open;
    double from, to;
    const double *line; /* lon/lat of the current part */
    size_t k0, k1;      /* segments where it starts and ends */
    double t0, t1;
} run_t;

static bool cand_fn(int64_t id, const gk_box_t *box, void *user)
{
    (void)box;
    run_t *r = user;
    if (r->mask && !r->mask[r->snap->kind[id]])
        return true;
    if (r->ncand == r->capcand) {
        size_t cap = r->capcand ? 2 * r->capcand : 64;
        size_t *p = gk_realloc_array(r->cand, cap, sizeof *p);
        if (!p) {
            r->nomem = true;
            return false;
        }
        r->cand = p;
        r->capcand = cap;
    }
    r->cand[r->ncand++] = (size_t)id;
    return true;
}

static void lerp(const double *line, size_t k, double t, double *lon,
                 double *lat)
{
    const double *a = line + 2 * k, *b = a + 2;
    *lon = a[0] + t * (b[0] - a[0]);
    *lat = a[1] + t * (b[1] - a[1]);
}

/* Close the open stretch; keep it when long enough. */
static void close_gap(run_t *r, int64_t road)
{
    if (!r->open)
        return;
    r->open = false;
    double len = r->to - r->from;
    if (!(len > r->min_len))
        return;
    gk_asset_gaps_t *o = r->out;
    if (o->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        gk_asset_gap_t *p = gk_realloc_array(o->gaps, cap, sizeof *p);
        if (!p) {
            r->nomem = true;
            return;
        }
        o->gaps = p;
        r->cap = cap;
    }
    o->gaps[o->n++] = (gk_asset_gap_t){road, r->from, r->to, len};
    double lon, lat;
    bool good = gk_geomcol_begin_geom(r->gc, GK_GEOM_LINESTRING) &&
                gk_geomcol_begin_part(r->gc) && gk_geomcol_begin_ring(r->gc);
    lerp(r->line, r->k0, r->t0, &lon, &lat);
    good = good && gk_geomcol_add_xy(r->gc, lon, lat);
    for (size_t k = r->k0 + 1; good && k <= r->k1; k++)
        good = gk_geomcol_add_xy(r->gc, r->line[2 * k], r->line[2 * k + 1]);
    lerp(r->line, r->k1, r->t1, &lon, &lat);
    good = good && gk_geomcol_add_xy(r->gc, lon, lat);
    if (!good)
        r->nomem = true;
}

/* Uncovered parts of segment k of the line (n vertices), chainage c0. */
static void do_segment(run_t *r, int64_t road, const double *line, size_t k,
                       double c0, double len)
{
    const double *a = line + 2 * k, *b = a + 2;
    double mlon = (a[0] + b[0]) / 2, mlat = (a[1] + b[1]) / 2, kx, ky;
    gk_deg_scale(mlat, &ky, &kx);
    seg_t s = {(a[0] - mlon) * kx, (a[1] - mlat) * ky, (b[0] - mlon) * kx,
               (b[1] - mlat) * ky};
    gk_box_t w = {fmin(a[0], b[0]), fmin(a[1], b[1]), fmax(a[0], b[0]),
                  fmax(a[1], b[1])};
    double pad = r->d / gk_deg_scale_min(w.ymin, w.ymax);
    w = (gk_box_t){w.xmin - pad, w.ymin - pad, w.xmax + pad, w.ymax + pad};
    r->ncand = 0;
    r->iv.n = 0;
    gk_rtree_visit_box(r->tree, w, cand_fn, r);
    for (size_t i = 0; i < r->ncand; i++) {
        size_t as = r->cand[i];
        for (int64_t rr = r->ag.part_off[r->ag.geom_off[as]];
             rr < r->ag.part_off[r->ag.geom_off[as + 1]]; rr++) {
            int64_t v0 = r->ag.ring_off[rr], v1 = r->ag.ring_off[rr + 1];
            for (int64_t v = v0; v < v1; v++) {
                if (v1 - v0 > 1 && v + 1 == v1)
                    break;
                const double *p = r->ag.xy + 2 * v;
                const double *q = v1 - v0 > 1 ? p + 2 : p;
                double c[4] = {(p[0] - mlon) * kx, (p[1] - mlat) * ky,
                               (q[0] - mlon) * kx, (q[1] - mlat) * ky};
                cover_segment(&s, c, r->d, &r->iv);
            }
        }
    }
    if (r->iv.nomem) {
        r->nomem = true;
        return;
    }
    if (r->iv.n > 1)
        qsort(r->iv.v, r->iv.n, sizeof *r->iv.v, cmp_ival);
    /* Sweep: the uncovered pieces are the holes between merged intervals. */
    double t = 0;
    bool reached_end = false;
    for (size_t i = 0; i <= r->iv.n; i++) {
        double u0 = i < r->iv.n ? r->iv.v[i].t0 : 1;
        if (u0 > t || (i == r->iv.n && t < 1)) {
            double u1 = fmin(u0, 1);
            if (r->open && t > 0)
                close_gap(r, road);
            if (!r->open) {
                r->open = true;
                r->from = c0 + t * len;
                r->line = line;
                r->k0 = k;
                r->t0 = t;
            }
            r->to = c0 + u1 * len;
            r->k1 = k;
            r->t1 = u1;
            reached_end = u1 >= 1;
            if (!reached_end)
                close_gap(r, road);
        }
        if (i < r->iv.n)
            t = fmax(t, r->iv.v[i].t1);
        if (t >= 1)
            break;
    }
    if (!reached_end)
        close_gap(r, road);
}

gk_status_t gk_assets_gaps(gk_context_t *ctx, gk_assets_t *s,
                           const gk_layer_t *roads, double distance_m,
                           double min_length_m,
                           const gk_assets_filter_t *filter,
                           gk_asset_gaps_t **out)
{
    if (!s || !roads || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_gaps: NULL argument");
    *out = NULL;
    if (!(distance_m >= 0) || !isfinite(distance_m) || !(min_length_m >= 0))
        return gk_error(ctx, GK_ERR_ARG,
                        "gaps: distance (%g) and minimum length (%g) must be "
                        "non-negative metres",
                        distance_m, min_length_m);
    if (!filter || filter->nkinds == 0)
        return gk_error(ctx, GK_ERR_ARG,
                        "gaps: name the kind of asset to look for (e.g. "
                        "street_light)");
    gk_status_t st = gk_assets_check_type(ctx, roads, GK_GEOM_LINESTRING,
                                          "roads");
    double *xy = NULL;
    gk_geoms_t g;
    if (st == GK_OK)
        st = gk_assets_lonlat_xy(ctx, roads, &xy, &g);
    const gk_asset_snap_t *snap = NULL;
    if (st == GK_OK)
        st = gk_assets_snapshot(ctx, s, &snap);
    bool *mask = NULL;
    if (st == GK_OK)
        st = gk_asset_filter_mask(ctx, snap, filter, &mask);
    const gk_geodesic_t *geo = NULL;
    if (st == GK_OK)
        st = (geo = gk_assets_geodesic(ctx, s)) ? GK_OK : gk_errcode(ctx);
    gk_asset_gaps_t *o = NULL;
    gaps_priv_t *p = NULL;
    if (st == GK_OK) {
        o = calloc(1, sizeof *o);
        p = calloc(1, sizeof *p);
        if (!o || !p) {
            free(o);
            free(p);
            o = NULL;
            p = NULL;
            st = gk_error_nomem(ctx, "gaps");
        } else {
            o->priv_ = p;
            gk_geomcol_init(&p->geoms);
        }
    }
    run_t r = {.ctx = ctx, .snap = snap, .mask = mask, .geo = geo,
               .d = distance_m, .min_len = min_length_m, .out = o};
    if (st == GK_OK) {
        r.ag = gk_geomcol_view(&snap->geoms);
        r.tree = snap->all;
        r.gc = &p->geoms;
    }
    for (size_t j = 0; st == GK_OK && j < g.ngeoms; j++) {
        double chain = 0;
        for (int64_t part = g.geom_off[j]; part < g.geom_off[j + 1]; part++) {
            int64_t ring = g.part_off[part];
            const double *line = g.xy + 2 * g.ring_off[ring];
            size_t n = (size_t)(g.ring_off[ring + 1] - g.ring_off[ring]);
            for (size_t k = 0; k + 1 < n && !r.nomem; k++) {
                double len = gk_line_length_geodesic(geo, line + 2 * k, 2);
                do_segment(&r, (int64_t)j, line, k, chain, len);
                chain += len;
            }
            close_gap(&r, (int64_t)j); /* parts are not connected */
        }
        if (r.nomem)
            st = gk_error_nomem(ctx, "gaps");
    }
    free(r.iv.v);
    free(r.cand);
    free(mask);
    free(xy);
    gk_assets_read_done(s);
    if (st != GK_OK) {
        gk_asset_gaps_free(o);
        return st;
    }
    o->geoms = gk_geomcol_view(&p->geoms);
    *out = o;
    return GK_OK;
}
