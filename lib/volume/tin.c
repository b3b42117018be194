/*
 * lib/volume/tin.c - the TIN method: the terrain is linear on the two
 * triangles of each square between four neighbouring cell centres (split
 * along the diagonal from the top-left to the bottom-right centre), as in
 * the TIN volume surfaces of Civil 3D and the like.
 *
 * Method. The plan is built on the grid of those squares ("TIN cells",
 * shifted half a cell). With h = ground - design linear on a triangle T and
 * a convex polygon Q inside the square,
 *     integral over Q n T of h_+ = |P+| * mean of h over P+,
 * where P+ is Q n T clipped (Sutherland-Hodgman) by the half-plane h >= 0;
 * a linear function's mean over a polygon is exact from a fan of triangles
 * (area times the mean of the three vertex values). Likewise h_- on P-.
 * The covered part of a square is decomposed exactly as in plan.c: the
 * left-edge winding W(v) as rectangles [0,1] x [va,vb] with weights w, plus
 * for each boundary piece the trapezoid to its right with weight sign_p.
 * Fully covered squares use the closed form for a triangle with vertex
 * values h0, h1, h2 (area A): all >= 0 gives A (h0+h1+h2)/3; with one
 * vertex p of opposite sign to the others n1, n2, the part on p's side is
 * A p^3 / (3 (p - n1)(p - n2)) and the rest is the total minus it.
 *
 * Error. Exact in real arithmetic for a terrain linear on each triangle
 * and a planar design (level, plane): any planar terrain, any polygon, also
 * where the plane crosses the design. In floating point each piece carries
 * a few ulps of its own size; sums are in double, so 1e-12 relative is
 * typical (the tests demand 1e-9). The design of a second DEM, a function
 * or a road is taken at the cell centres and is linear between them, so the
 * TIN volume is that between two TINs on the same vertices.
 *
 * A triangle with a nodata vertex is not part of the TIN: its covered area
 * is reported as uncovered. So is the half-cell rim outside the centres.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

void gk_tri_cutfill(double area, double h0, double h1, double h2,
                    double *cut, double *fill)
{
    double tot = area * (h0 + h1 + h2) / 3;
    int npos = (h0 > 0) + (h1 > 0) + (h2 > 0);
    int nneg = (h0 < 0) + (h1 < 0) + (h2 < 0);
    if (nneg == 0) {
        *cut = tot;
        *fill = 0;
        return;
    }
    if (npos == 0) {
        *cut = 0;
        *fill = -tot;
        return;
    }
    /* the lone vertex: the one whose sign differs from the other two
     * (zeros join the majority side, where they contribute nothing) */
    double p, n1, n2;
    bool lone_pos = npos == 1;
    if (lone_pos ? h0 > 0 : h0 < 0) {
        p = h0; n1 = h1; n2 = h2;
    } else if (lone_pos ? h1 > 0 : h1 < 0) {
        p = h1; n1 = h0; n2 = h2;
    } else {
        p = h2; n1 = h0; n2 = h1;
    }
    double part = area * p * p * p / (3 * (p - n1) * (p - n2));
    if (lone_pos) {
        *cut = part;
        *fill = part - tot;
    } else {
        *fill = -part;
        *cut = tot - part;
    }
}

#define MAXV 16

typedef struct poly {
    int n;
    double u[MAXV], v[MAXV], h[MAXV];
} poly_t;

/* Keep the part of p where a*u + b*v + c >= 0 (sense +1) or <= 0 (-1);
 * h is carried linearly. */
static void clip_line(const poly_t *p, double a, double b, double c,
                      double sense, poly_t *q)
{
    q->n = 0;
    for (int i = 0; i < p->n; i++) {
        int j = (i + 1) % p->n;
        double si = sense * (a * p->u[i] + b * p->v[i] + c);
        double sj = sense * (a * p->u[j] + b * p->v[j] + c);
        if (si >= 0) {
            q->u[q->n] = p->u[i];
            q->v[q->n] = p->v[i];
            q->h[q->n++] = p->h[i];
        }
        if ((si > 0 && sj < 0) || (si < 0 && sj > 0)) {
            double t = si / (si - sj);
            q->u[q->n] = p->u[i] + t * (p->u[j] - p->u[i]);
            q->v[q->n] = p->v[i] + t * (p->v[j] - p->v[i]);
            q->h[q->n++] = p->h[i] + t * (p->h[j] - p->h[i]);
        }
    }
}

/* Keep the part where h >= 0 (sense +1) or h <= 0 (-1); new vertices get
 * h = 0 exactly. */
static void clip_h(const poly_t *p, double sense, poly_t *q)
{
    q->n = 0;
    for (int i = 0; i < p->n; i++) {
        int j = (i + 1) % p->n;
        double si = sense * p->h[i], sj = sense * p->h[j];
        if (si >= 0) {
            q->u[q->n] = p->u[i];
            q->v[q->n] = p->v[i];
            q->h[q->n++] = p->h[i];
        }
        if ((si > 0 && sj < 0) || (si < 0 && sj > 0)) {
            double t = si / (si - sj);
            q->u[q->n] = p->u[i] + t * (p->u[j] - p->u[i]);
            q->v[q->n] = p->v[i] + t * (p->v[j] - p->v[i]);
            q->h[q->n++] = 0;
        }
    }
}

/* |area| and |integral of h| of a convex polygon (fan from vertex 0). */
static void integrate(const poly_t *p, double *area, double *ih)
{
    double a = 0, s = 0;
    for (int i = 1; i + 1 < p->n; i++) {
        double cr = (p->u[i] - p->u[0]) * (p->v[i + 1] - p->v[0]) -
                    (p->u[i + 1] - p->u[0]) * (p->v[i] - p->v[0]);
        a += cr;
        s += cr * (p->h[0] + p->h[i] + p->h[i + 1]);
    }
    *area = fabs(a) / 2;
    *ih = fabs(s) / 6;
}

typedef struct tin_acc {
    double cut, fill, area, nodata;
} tin_acc_t;

/* Add w times the integrals over the convex polygon q (cell-local
 * coordinates, h unused) to acc, for the square with corner values
 * h00 (u=0,v=0), h10, h01, h11. */
static void add_poly(const poly_t *q, double w, const double hc[4],
                     tin_acc_t *acc)
{
    /* T1: u >= v, vertices (0,0) (1,0) (1,1); T2: u <= v. */
    for (int t = 0; t < 2; t++) {
        poly_t a, pos, neg;
        clip_line(q, 1, -1, 0, t == 0 ? 1 : -1, &a);
        if (a.n < 3)
            continue;
        double h00 = hc[0], h10 = hc[1], h01 = hc[2], h11 = hc[3];
        double al = h00, be, ga;
        if (t == 0) {
            be = h10 - h00;
            ga = h11 - h10;
        } else {
            be = h11 - h01;
            ga = h01 - h00;
        }
        bool valid;
        if (t == 0)
            valid = isfinite(h00) && isfinite(h10) && isfinite(h11);
        else
            valid = isfinite(h00) && isfinite(h11) && isfinite(h01);
        if (!valid) {
            double ar, ih;
            for (int i = 0; i < a.n; i++)
                a.h[i] = 0;
            integrate(&a, &ar, &ih);
            acc->nodata += w * ar;
            continue;
        }
        for (int i = 0; i < a.n; i++)
            a.h[i] = al + be * a.u[i] + ga * a.v[i];
        double ar, ih;
        integrate(&a, &ar, &ih);
        acc->area += w * ar;
        clip_h(&a, 1, &pos);
        if (pos.n >= 3) {
            integrate(&pos, &ar, &ih);
            acc->cut += w * ih;
        }
        clip_h(&a, -1, &neg);
        if (neg.n >= 3) {
            integrate(&neg, &ar, &ih);
            acc->fill += w * ih;
        }
    }
}

static void add_full(double w, const double hc[4], tin_acc_t *acc)
{
    /* T1 = (0,0) (1,0) (1,1), T2 = (0,0) (1,1) (0,1), each of area 1/2 */
    const double tri[2][3] = {{hc[0], hc[1], hc[3]}, {hc[0], hc[3], hc[2]}};
    for (int t = 0; t < 2; t++) {
        if (!isfinite(tri[t][0]) || !isfinite(tri[t][1]) ||
            !isfinite(tri[t][2])) {
            acc->nodata += w * 0.5;
            continue;
        }
        double c, f;
        gk_tri_cutfill(0.5, tri[t][0], tri[t][1], tri[t][2], &c, &f);
        acc->cut += w * c;
        acc->fill += w * f;
        acc->area += w * 0.5;
    }
}

static void rect_poly(double va, double vb, poly_t *q)
{
    q->n = 4;
    q->u[0] = 0; q->v[0] = va;
    q->u[1] = 1; q->v[1] = va;
    q->u[2] = 1; q->v[2] = vb;
    q->u[3] = 0; q->v[3] = vb;
}

/* One TIN cell of an item: its left-edge winding and its pieces. */
static void tin_cell(const gk_plan_t *pl, const gk_item_t *it,
                     const double hc[4], tin_acc_t *acc)
{
    const gk_wint_t *wi = pl->wint + it->wint_off;
    poly_t q;
    if (it->nwint == 1 && wi[0].va == 0 && wi[0].vb == 1 && it->npieces == 0) {
        add_full(wi[0].w, hc, acc);
        return;
    }
    for (uint32_t k = 0; k < it->nwint; k++) {
        rect_poly(wi[k].va, wi[k].vb, &q);
        add_poly(&q, wi[k].w, hc, acc);
    }
    for (uint32_t k = 0; k < it->npieces; k++) {
        const gk_piece_t *p = &pl->pieces[it->piece_off + k];
        q.n = 4;
        q.u[0] = p->ua; q.v[0] = p->va;
        q.u[1] = p->ub; q.v[1] = p->vb;
        q.u[2] = 1;     q.v[2] = p->vb;
        q.u[3] = 1;     q.v[3] = p->va;
        add_poly(&q, p->sign, hc, acc);
    }
}

typedef struct tin_shared {
    const gk_dem_t *dem;
    const gk_plan_t *plan;
    const gk_units_t *units;
    bool linear;
    double la, lb, lc;
    tin_acc_t *acc; /* per unit */
    double *ncells;
} tin_shared_t;

typedef struct tin_thread {
    gk_volume_worker_t w; /* first: gk_units_run finds its context */
    double *win;   /* (bw + 1) x (bh + 1) heights minus design */
} tin_thread_t;
_Static_assert(offsetof(tin_thread_t, w) == 0, "worker first");

static gk_status_t tin_unit(size_t ui, void *tp, void *sp)
{
    tin_thread_t *t = tp;
    tin_shared_t *s = sp;
    const gk_dem_t *dem = s->dem;
    const gk_unit_t *u = &s->units->units[ui];
    int64_t bw = (int64_t)dem->info.block_width;
    int64_t bh = (int64_t)dem->info.block_height;
    int64_t x0 = (int64_t)u->bx * bw, y0 = (int64_t)u->by * bh;
    int64_t ww = bw + 1;
    gk_status_t st = gk_dem_window(&t->w.rd, x0, y0, ww, bh + 1, t->win);
    if (st != GK_OK)
        return st;
    /* subtract the design at the centres the unit uses */
    int64_t cmin = x0 + bw, cmax = x0, rmin = y0 + bh, rmax = y0;
    for (size_t k = gk_unit_next(s->plan, u, u->k0, x0, x0 + bw); k < u->k1;
         k = gk_unit_next(s->plan, u, k + 1, x0, x0 + bw)) {
        const gk_item_t *it = &s->plan->items[k];
        int64_t a = it->col0 > x0 ? it->col0 : x0;
        int64_t b = it->col1 < x0 + bw ? it->col1 : x0 + bw;
        cmin = a < cmin ? a : cmin;
        cmax = b > cmax ? b : cmax;
        rmin = it->row < rmin ? it->row : rmin;
        rmax = it->row + 1 > rmax ? it->row + 1 : rmax;
    }
    for (int64_t r = rmin; r <= rmax; r++)
        for (int64_t c = cmin; c <= cmax; c++) {
            double *h = &t->win[(r - y0) * ww + (c - x0)];
            double d;
            if (s->linear) {
                d = s->la + s->lb * ((double)c + 0.5) +
                    s->lc * ((double)r + 0.5);
            } else if ((st = gk_design_at(&t->w.de, (double)c + 0.5,
                                          (double)r + 0.5, &d)) != GK_OK) {
                return st;
            }
            *h -= d;
        }
    tin_acc_t acc = {0};
    double ncells = 0;
    for (size_t k = gk_unit_next(s->plan, u, u->k0, x0, x0 + bw); k < u->k1;
         k = gk_unit_next(s->plan, u, k + 1, x0, x0 + bw)) {
        const gk_item_t *it = &s->plan->items[k];
        int64_t a = it->col0 > x0 ? it->col0 : x0;
        int64_t b = it->col1 < x0 + bw ? it->col1 : x0 + bw;
        tin_acc_t ra = {0};
        for (int64_t c = a; c < b; c++) {
            const double *h = &t->win[(it->row - y0) * ww + (c - x0)];
            double hc[4] = {h[0], h[1], h[ww], h[ww + 1]};
            tin_cell(s->plan, it, hc, &ra);
        }
        double m2 = dem->dual_area_m2[it->row];
        acc.cut += ra.cut * m2;
        acc.fill += ra.fill * m2;
        acc.area += ra.area * m2;
        acc.nodata += ra.nodata * m2;
        ncells += (double)(b - a);
    }
    s->acc[ui] = acc;
    s->ncells[ui] = ncells;
    return GK_OK;
}

gk_status_t gk_volume_tin(gk_context_t *ctx, const gk_dem_t *dem,
                          const gk_rings_t *rings, const gk_volume_opts_t *o,
                          const gk_centerline_t *cl, gk_sums_t *out)
{
    if (dem->info.width < 2 || dem->info.height < 2)
        return gk_error(ctx, GK_ERR_INPUT,
                        "%s: the TIN method needs at least 2 x 2 cells",
                        dem->path);
    gk_plan_t plan;
    gk_units_t units = {0};
    gk_status_t st = gk_plan_build(ctx, rings, (int64_t)dem->info.width - 1,
                                   (int64_t)dem->info.height - 1, 0.5, &plan);
    if (st != GK_OK)
        return st;
    if ((st = gk_units_build(ctx, &plan, dem, &units)) != GK_OK) {
        gk_plan_free(&plan);
        return st;
    }
    unsigned nt = gk_volume_threads(o, units.nunits);
    tin_shared_t sh = {.dem = dem, .plan = &plan, .units = &units};
    sh.linear = gk_design_linear(&o->design, dem, &sh.la, &sh.lb, &sh.lc);
    sh.acc = gk_calloc_array(units.nunits, sizeof *sh.acc);
    sh.ncells = gk_calloc_array(units.nunits, sizeof *sh.ncells);
    tin_thread_t *th = gk_calloc_array(nt, sizeof *th);
    if (!sh.acc || !sh.ncells || !th) {
        st = gk_error_nomem(ctx, "per-block sums");
        goto out;
    }
    size_t wsz = (dem->info.block_width + 1) * (dem->info.block_height + 1);
    for (unsigned t = 0; t < nt && st == GK_OK; t++) {
        st = gk_volume_worker_init(&th[t].w, ctx, t, dem, &o->design, cl);
        th[t].win = gk_calloc_array(wsz, sizeof(double));
        if (st == GK_OK && !th[t].win)
            st = gk_error_nomem(ctx, "a TIN window");
    }
    if (st == GK_OK)
        st = gk_units_run(ctx, units.nunits, nt, th, sizeof *th, tin_unit,
                          &sh, 0.0, gk_volume_pass_share(o));
    if (st == GK_OK) {
        gk_sums_t tot = {0};
        for (size_t u = 0; u < units.nunits; u++) {
            tot.cut += sh.acc[u].cut;
            tot.fill += sh.acc[u].fill;
            tot.area += sh.acc[u].area;
            tot.ncells += sh.ncells[u];
        }
        *out = tot;
    }
out:
    for (unsigned t = 0; th && t < nt; t++) {
        gk_volume_worker_fini(&th[t].w);
        free(th[t].win);
    }
    free(th);
    free(sh.acc);
    free(sh.ncells);
    gk_units_free(&units);
    gk_plan_free(&plan);
    return st;
}
