/*
 * lib/volume/plan.c - exact coverage of grid cells by polygons, computed
 * only where the boundary passes.
 *
 * Method (the signed-area accumulation of exact-area scanline rasterisers,
 * e.g. libart / FreeType's "gray" renderer, here kept sparse):
 * 1. Every ring edge is clipped to the box [-1, W+1] x [-1, H+1] around the
 *    grid by clamping (a segment is first split where it crosses the box
 *    lines, then each part is clamped). Clamping is the nearest-point
 *    retraction onto the box, homotopic to the identity away from the open
 *    box, so the winding number of every point inside the box is unchanged:
 *    regions far larger than the DEM cost only their part near it.
 * 2. Each clamped edge is cut at every integer u and v (a DDA), giving
 *    pieces that each lie in one cell. Horizontal pieces change nothing and
 *    are dropped. A piece is stored in cell-local coordinates with the sign
 *    of the winding change met when crossing it to the right (ring weight
 *    times the sign of dv; region.c orients exteriors +1, holes -1).
 * 3. Row by row, sorted by column, the winding at the left edge of a cell
 *    is a step function W(v) on [0, 1]: the sum of the v-intervals of all
 *    pieces to its left (kept merged, so a row crossed by a long shallow
 *    edge stays short). Inside a cell with pieces,
 *        w(u, v) = W(v) + sum over pieces p of sign_p [v in p] [u > u_p(v)],
 *    so the covered area is  sum_W w (vb - va)
 *                          + sum_p sign_p |dv_p| (1 - (ua_p + ub_p) / 2):
 *    exact up to rounding (a few ulps per piece). Cells without pieces
 *    between two boundary cells form one run with the same W(v) for all.
 * The plan lists runs and boundary cells with their W(v) and pieces: the
 * cell method uses each item's area fraction; the TIN integrates the
 * terrain over exactly the same decomposition (tin.c). Cost: O(cells the
 * boundary crosses) plus one item per run, never the bounding box.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

typedef struct buf {
    void *p;
    size_t n, cap, size;
} buf_t;

static void *buf_push(buf_t *b)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        void *p = gk_realloc_array(b->p, cap, b->size);
        if (!p)
            return NULL;
        b->p = p;
        b->cap = cap;
    }
    return (char *)b->p + b->size * b->n++;
}

/* Room for n elements up front (memory not yet written costs nothing):
 * growing by doubling would copy the array at every step. */
static bool buf_reserve(buf_t *b, size_t n)
{
    if (n <= b->cap)
        return true;
    void *p = gk_realloc_array(b->p, n, b->size);
    if (!p)
        return false;
    b->p = p;
    b->cap = n;
    return true;
}

typedef struct dda {
    buf_t pieces;
    int64_t w, h;
    int8_t weight;
    bool nomem;
} dda_t;

static void emit_piece(dda_t *s, double u0, double v0, double u1, double v1)
{
    if (v0 == v1)
        return;
    double col = floor((u0 + u1) / 2), row = floor((v0 + v1) / 2);
    if (row < 0 || row >= (double)s->h || col >= (double)s->w)
        return;
    if (col < 0)
        col = -1;
    gk_piece_t *p = buf_push(&s->pieces);
    if (!p) {
        s->nomem = true;
        return;
    }
    /* Cell-local, and clamped into the cell against rounding. */
    double c = col < 0 ? floor(fmin(u0, u1)) : col;
    p->row = (int32_t)row;
    p->col = (int32_t)col;
    p->ua = fmin(fmax(u0 - c, 0.0), 1.0);
    p->ub = fmin(fmax(u1 - c, 0.0), 1.0);
    p->va = fmin(fmax(v0 - row, 0.0), 1.0);
    p->vb = fmin(fmax(v1 - row, 0.0), 1.0);
    if (col < 0) /* left of the grid: only its winding matters */
        p->ua = p->ub = 0;
    p->sign = ((v1 > v0) == (s->weight > 0)) ? 1 : -1;
    p->pad_ = 0;
}

/* Cut a segment (inside the box) at every integer u and v. */
static void dda_segment(dda_t *s, double ua, double va, double ub, double vb)
{
    double du = ub - ua, dv = vb - va;
    /* next integer crossings in u and v, as parameters t in (0, 1) */
    double ku = du > 0 ? floor(ua) + 1 : ceil(ua) - 1;
    double kv = dv > 0 ? floor(va) + 1 : ceil(va) - 1;
    double stepu = du > 0 ? 1 : -1, stepv = dv > 0 ? 1 : -1;
    double pu = ua, pv = va;
    for (;;) {
        double tu = du != 0 ? (ku - ua) / du : INFINITY;
        double tv = dv != 0 ? (kv - va) / dv : INFINITY;
        double t = fmin(tu, tv);
        if (!(t < 1))
            break;
        double nu, nv;
        if (tu <= tv) {
            nu = ku;
            nv = tu == tv ? kv : va + tu * dv;
        } else {
            nu = ua + tv * du;
            nv = kv;
        }
        if (tu <= tv)
            ku += stepu;
        if (tv <= tu)
            kv += stepv;
        emit_piece(s, pu, pv, nu, nv);
        pu = nu;
        pv = nv;
    }
    emit_piece(s, pu, pv, ub, vb);
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Split an edge where it crosses the box lines, clamp, then DDA. */
static void clip_edge(dda_t *s, double ua, double va, double ub, double vb)
{
    double lo_u = -1, hi_u = (double)s->w + 1;
    double lo_v = -1, hi_v = (double)s->h + 1;
    double ts[6];
    int nt = 0;
    ts[nt++] = 0;
    double lines_u[2] = {lo_u, hi_u}, lines_v[2] = {lo_v, hi_v};
    for (int k = 0; k < 2; k++) {
        if ((ua - lines_u[k]) * (ub - lines_u[k]) < 0)
            ts[nt++] = (lines_u[k] - ua) / (ub - ua);
        if ((va - lines_v[k]) * (vb - lines_v[k]) < 0)
            ts[nt++] = (lines_v[k] - va) / (vb - va);
    }
    ts[nt++] = 1;
    /* insertion sort of at most 6 values */
    for (int i = 1; i < nt; i++)
        for (int j = i; j > 0 && ts[j] < ts[j - 1]; j--) {
            double t = ts[j];
            ts[j] = ts[j - 1];
            ts[j - 1] = t;
        }
    double pu = ua, pv = va;
    for (int k = 1; k < nt; k++) {
        double nu = k == nt - 1 ? ub : ua + ts[k] * (ub - ua);
        double nv = k == nt - 1 ? vb : va + ts[k] * (vb - va);
        dda_segment(s, clampd(pu, lo_u, hi_u), clampd(pv, lo_v, hi_v),
                    clampd(nu, lo_u, hi_u), clampd(nv, lo_v, hi_v));
        pu = nu;
        pv = nv;
    }
}

static int cmp_piece(const void *a, const void *b)
{
    const gk_piece_t *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    if (p->col != q->col)
        return p->col < q->col ? -1 : 1;
    if (p->va != q->va)
        return p->va < q->va ? -1 : 1;
    if (p->ua != q->ua)
        return p->ua < q->ua ? -1 : 1;
    return (p->vb > q->vb) - (p->vb < q->vb);
}

typedef struct event {
    double v, dw;
} event_t;

static int cmp_event(const void *a, const void *b)
{
    const event_t *p = a, *q = b;
    return (p->v > q->v) - (p->v < q->v);
}

/* Merge the step function `cur` (n intervals) with the pieces' intervals
 * into `next`; returns the new count or -1 on out of memory. */
static long merge_steps(const gk_wint_t *cur, size_t n, const gk_piece_t *pc,
                        size_t np, buf_t *ev, gk_wint_t **next, size_t *cap)
{
    ev->n = 0;
    for (size_t k = 0; k < n + np; k++) {
        double va, vb, w;
        if (k < n) {
            va = cur[k].va;
            vb = cur[k].vb;
            w = cur[k].w;
        } else {
            const gk_piece_t *p = &pc[k - n];
            va = fmin(p->va, p->vb);
            vb = fmax(p->va, p->vb);
            w = p->sign;
        }
        event_t *e1 = buf_push(ev), *e2 = e1 ? buf_push(ev) : NULL;
        if (!e2)
            return -1;
        e1 = (event_t *)ev->p + ev->n - 2;
        e1[0] = (event_t){va, w};
        e1[1] = (event_t){vb, -w};
    }
    event_t *e = ev->p;
    if (ev->n <= 16) {
        /* most rows meet one or two pieces: no qsort call for those */
        for (size_t i = 1; i < ev->n; i++)
            for (size_t j = i; j > 0 && e[j].v < e[j - 1].v; j--) {
                event_t t = e[j];
                e[j] = e[j - 1];
                e[j - 1] = t;
            }
    } else {
        qsort(e, ev->n, sizeof *e, cmp_event);
    }
    if (*cap < ev->n) {
        gk_wint_t *p = gk_realloc_array(*next, ev->n, sizeof **next);
        if (!p)
            return -1;
        *next = p;
        *cap = ev->n;
    }
    size_t m = 0;
    double sum = 0;
    for (size_t k = 0; k < ev->n;) {
        double v = e[k].v;
        while (k < ev->n && e[k].v == v)
            sum += e[k++].dw;
        if (k == ev->n || sum == 0)
            continue;
        double vn = e[k].v;
        if (m > 0 && (*next)[m - 1].vb == v && (*next)[m - 1].w == sum)
            (*next)[m - 1].vb = vn;
        else
            (*next)[m++] = (gk_wint_t){v, vn, sum};
    }
    return (long)m;
}

typedef struct sweep {
    buf_t items, wint, ev;
    gk_wint_t *cur, *next;
    size_t ncur, cap_cur, cap_next;
    bool frac_only; /* keep only each item's fraction (the cell method) */
} sweep_t;

static bool emit_item(sweep_t *s, int32_t row, int32_t c0, int32_t c1,
                      const gk_piece_t *pc, size_t piece_off, size_t np)
{
    double f = 0;
    for (size_t k = 0; k < s->ncur; k++)
        f += s->cur[k].w * (s->cur[k].vb - s->cur[k].va);
    for (size_t k = 0; k < np; k++) {
        const gk_piece_t *p = &pc[k];
        f += p->sign * fabs(p->vb - p->va) * (1 - (p->ua + p->ub) / 2);
    }
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    if (s->frac_only && s->items.n > 0) {
        /* the cell method needs only the fraction of each cell: a cell
         * right after a run with the same fraction joins it (a boundary
         * cell on a grid line is fully covered, like the run after it) */
        gk_item_t *last = (gk_item_t *)s->items.p + s->items.n - 1;
        if (last->row == row && last->col1 == c0 && last->frac == f) {
            last->col1 = c1;
            return true;
        }
    }
    gk_item_t *it = buf_push(&s->items);
    if (!it)
        return false;
    it->row = row;
    it->col0 = c0;
    it->col1 = c1;
    it->frac = f;
    it->nwint = s->frac_only ? 0 : (uint32_t)s->ncur;
    it->wint_off = s->wint.n;
    it->npieces = s->frac_only ? 0 : (uint32_t)np;
    it->piece_off = s->frac_only ? 0 : piece_off;
    for (size_t k = 0; k < it->nwint; k++) {
        gk_wint_t *w = buf_push(&s->wint);
        if (!w)
            return false;
        *w = s->cur[k];
    }
    return true;
}

static gk_status_t sweep_rows(gk_context_t *ctx, gk_plan_t *pl,
                              bool frac_only)
{
    sweep_t s = {.frac_only = frac_only};
    s.items.size = sizeof(gk_item_t);
    s.wint.size = sizeof(gk_wint_t);
    s.ev.size = sizeof(event_t);
    gk_status_t st = GK_OK;
    /* at most a run and a boundary cell per group of pieces, and a
     * closing run per row (a hint: growth still works if it fails) */
    (void)buf_reserve(&s.items, 2 * pl->npieces + 64);
    const gk_piece_t *pc = pl->pieces;
    size_t k = 0;
    while (k < pl->npieces) {
        int32_t row = pc[k].row;
        s.ncur = 0;
        int32_t cur_col = 0;
        while (k < pl->npieces && pc[k].row == row) {
            int32_t c = pc[k].col;
            size_t k1 = k;
            while (k1 < pl->npieces && pc[k1].row == row && pc[k1].col == c)
                k1++;
            bool ok = true;
            if (c >= 0) {
                if (s.ncur > 0 && cur_col < c)
                    ok = emit_item(&s, row, cur_col, c, NULL, 0, 0);
                if (ok && c < pl->width)
                    ok = emit_item(&s, row, c, c + 1, pc + k, k, k1 - k);
                cur_col = c + 1;
            }
            long m = ok ? merge_steps(s.cur, s.ncur, pc + k, k1 - k, &s.ev,
                                      &s.next, &s.cap_next)
                        : -1;
            if (m < 0) {
                st = gk_error_nomem(ctx, "the coverage plan");
                goto out;
            }
            gk_wint_t *t = s.cur;
            s.cur = s.next;
            s.next = t;
            size_t tc = s.cap_cur;
            s.cap_cur = s.cap_next;
            s.cap_next = tc;
            s.ncur = (size_t)m;
            k = k1;
        }
        if (s.ncur > 0 && cur_col < pl->width &&
            !emit_item(&s, row, cur_col, (int32_t)pl->width, NULL, 0, 0)) {
            st = gk_error_nomem(ctx, "the coverage plan");
            goto out;
        }
    }
    pl->items = s.items.p;
    pl->nitems = s.items.n;
    pl->wint = s.wint.p;
    pl->nwint = s.wint.n;
    s.items.p = s.wint.p = NULL;
out:
    free(s.items.p);
    free(s.wint.p);
    free(s.ev.p);
    free(s.cur);
    free(s.next);
    return st;
}

static gk_status_t plan_build(gk_context_t *ctx, const gk_rings_t *r,
                              int64_t width, int64_t height, double shift,
                              bool frac_only, gk_plan_t *out)
{
    memset(out, 0, sizeof *out);
    if (width <= 0 || height <= 0 || width > INT32_MAX - 2 ||
        height > INT32_MAX - 2)
        return gk_error(ctx, GK_ERR_UNSUPPORTED,
                        "grid of %lld x %lld cells is not supported",
                        (long long)width, (long long)height);
    dda_t s = {.w = width, .h = height};
    s.pieces.size = sizeof(gk_piece_t);
    /* Reserve about what the edges will yield: an edge inside the box
     * [-1, W+1] x [-1, H+1] gives at most |du| + |dv| + 1 pieces (one per
     * grid line it crosses, plus one), clipping adds at most 4 parts. Only
     * a hint (capped; growth still works if it falls short or fails). */
    double est = 64;
    for (size_t k = 0; k < r->nrings; k++)
        for (int64_t e = r->off[k]; e + 1 < r->off[k + 1]; e++) {
            const double *a = r->uv + 2 * e;
            double du = fmin(fabs(a[2] - a[0]), (double)width + 2);
            double dv = fmin(fabs(a[3] - a[1]), (double)height + 2);
            est += du + dv + 5;
        }
    if (est >= 0)
        (void)buf_reserve(&s.pieces, (size_t)fmin(est, 1 << 22));
    for (size_t k = 0; k < r->nrings && !s.nomem; k++) {
        if (r->weight[k] == 0)
            continue;
        s.weight = r->weight[k];
        const double *uv = r->uv + 2 * r->off[k];
        size_t n = (size_t)(r->off[k + 1] - r->off[k]);
        for (size_t e = 0; e < n && !s.nomem; e++) {
            size_t e1 = (e + 1) % n;
            clip_edge(&s, uv[2 * e] - shift, uv[2 * e + 1] - shift,
                      uv[2 * e1] - shift, uv[2 * e1 + 1] - shift);
        }
    }
    if (s.nomem) {
        free(s.pieces.p);
        return gk_error_nomem(ctx, "the region's edge pieces");
    }
    out->width = width;
    out->height = height;
    out->pieces = s.pieces.p;
    out->npieces = s.pieces.n;
    if (out->npieces)
        qsort(out->pieces, out->npieces, sizeof(gk_piece_t), cmp_piece);
    gk_status_t st = sweep_rows(ctx, out, frac_only);
    if (st != GK_OK) {
        gk_plan_free(out);
    } else if (frac_only) {
        free(out->pieces);
        out->pieces = NULL;
        out->npieces = 0;
    }
    return st;
}

gk_status_t gk_plan_build(gk_context_t *ctx, const gk_rings_t *r,
                          int64_t width, int64_t height, double shift,
                          gk_plan_t *out)
{
    return plan_build(ctx, r, width, height, shift, false, out);
}

gk_status_t gk_plan_build_fractions(gk_context_t *ctx, const gk_rings_t *r,
                                    int64_t width, int64_t height,
                                    gk_plan_t *out)
{
    return plan_build(ctx, r, width, height, 0.0, true, out);
}

void gk_plan_free(gk_plan_t *p)
{
    if (!p)
        return;
    free(p->items);
    free(p->pieces);
    free(p->wint);
    memset(p, 0, sizeof *p);
}
