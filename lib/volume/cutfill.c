/*
 * lib/volume/cutfill.c - the grid method with cell-constant heights:
 *     V = sum over cells of area * coverage * (z - z_design)_(+/-).
 *
 * Coverage is exact (plan.c); interior runs have coverage 1 (or the exact
 * fraction of a row a horizontal edge leaves them) and go through a
 * vectorised kernel; boundary cells are single-cell runs.
 *
 * Error bound (stated in volume.h and checked in the tests): the cell
 * method integrates the step function that is z(centre) on each cell, so
 * against a smooth terrain it errs by the midpoint rule's
 * area * (dx^2 z_xx + dy^2 z_yy) / 24 on each fully covered cell, and, on
 * cells the region boundary or the design line crosses (where the
 * integrand is not smooth or the centre is not the centroid of the covered
 * part), by at most covered area * |grad(z - design)| * half the cell
 * diagonal.
 *
 * Precision: sums in double, 16 lanes per kernel call then the lanes in a
 * fixed tree, then calls in item order, then blocks in block order: the same
 * bits for any thread count, and for either kernel (this portable one, or
 * the x86 ones of cutfill_x86.c picked at run time). (A float32 running sum over a large raster
 * loses percents; double keeps ~1e-13 relative.)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

/* Same bits as the x86 kernels needs every a * b - c rounded twice: the
 * build passes -ffp-contract=off to every compiler (meson.build), as clang
 * would otherwise fuse it where FMA is available. */

typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef int64_t v4l __attribute__((vector_size(32)));

/* cut, fill (metres x cells) and the count of valid cells of n float
 * heights against the design d0 + slope * k at cell k. 16 lanes (cell k of
 * the body in lane k mod 16, four 4-lane vectors), combined as
 * l[j] + l[j + 8], then + 4, + 2, + 1, then the tail in order: the
 * association is fixed by the code, not the compiler, and is the one the
 * x86 kernels use, so all give identical bits. NaN heights drop out of the
 * sums by themselves (every comparison with NaN is false). `level` (slope
 * 0, heights in metres) is a compile-time constant in each instance, so
 * the common case (a level on a metre DEM) skips the design arithmetic. */
static inline __attribute__((always_inline)) void
kern_body(const float *z, size_t n, double d0, double slope, double zs,
          float nd, double out[3], const bool level, const bool has_nd)
{
    const v4d zero = {0, 0, 0, 0};
    const v4d iq[4] = {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11},
                       {12, 13, 14, 15}};
    const v4d dc = {d0, d0, d0, d0};
    const double ndd = (double)nd;
    const v4d ndv = {ndd, ndd, ndd, ndd};
    v4d c[4] = {zero, zero, zero, zero}, f[4] = {zero, zero, zero, zero};
    v4l m[4] = {{0}, {0}, {0}, {0}}; /* minus the valid count per lane */
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int q = 0; q < 4; q++) {
            v4f z4;
            memcpy(&z4, z + i + 4 * q, sizeof z4);
            v4d g = __builtin_convertvector(z4, v4d);
            v4d h;
            if (level) {
                h = g - dc;
            } else {
                double base = (double)i;
                h = g * zs - (d0 + slope * (iq[q] + base));
            }
            /* valid: h not NaN (and z not the nodata value) */
            v4l ok = h == h;
            if (has_nd) {
                ok &= g != ndv;
                h = (v4d)((v4l)h & ok);
            }
            /* NaN fails both comparisons, so it adds nothing */
            c[q] += (v4d)((v4l)h & (h > zero));
            f[q] -= (v4d)((v4l)h & (h < zero));
            m[q] += ok;
        }
    }
    v4d cs = (c[0] + c[2]) + (c[1] + c[3]);
    v4d fs = (f[0] + f[2]) + (f[1] + f[3]);
    v4l ms = (m[0] + m[1]) + (m[2] + m[3]);
    double cut = (cs[0] + cs[2]) + (cs[1] + cs[3]);
    double fill = (fs[0] + fs[2]) + (fs[1] + fs[3]);
    double cnt = (double)-(ms[0] + ms[1] + ms[2] + ms[3]);
    gk_kern_f32_tail(z, i, n, d0, slope, zs, nd, cut, fill, cnt, out, level,
                     has_nd);
}

void gk_kern_f32_portable(const float *z, size_t n, double d0, double slope,
                          double zs, int has_nd, float nd, double out[3])
{
    bool level = slope == 0 && zs == 1;
    if (level && has_nd)
        kern_body(z, n, d0, 0, 1, nd, out, true, true);
    else if (level)
        kern_body(z, n, d0, 0, 1, nd, out, true, false);
    else if (has_nd)
        kern_body(z, n, d0, slope, zs, nd, out, false, true);
    else
        kern_body(z, n, d0, slope, zs, nd, out, false, false);
}

/* The same over decoded heights and design values (NaN = no data). */
static void kern_f64(const double *z, const double *d, size_t n,
                     double out[3])
{
    double c[4] = {0}, f[4] = {0}, m[4] = {0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++) {
            double h = z[i + k] - d[i + k];
            if (h != h)
                continue;
            c[k] += h > 0 ? h : 0;
            f[k] -= h < 0 ? h : 0;
            m[k] += 1;
        }
    double cut = (c[0] + c[1]) + (c[2] + c[3]);
    double fill = (f[0] + f[1]) + (f[2] + f[3]);
    double cnt = (m[0] + m[1]) + (m[2] + m[3]);
    for (; i < n; i++) {
        double h = z[i] - d[i];
        if (h != h)
            continue;
        cut += h > 0 ? h : 0;
        fill -= h < 0 ? h : 0;
        cnt += 1;
    }
    out[0] = cut;
    out[1] = fill;
    out[2] = cnt;
}

typedef struct cell_shared {
    const gk_dem_t *dem;
    const gk_plan_t *plan;
    const gk_units_t *units;
    const gk_volume_opts_t *o;
    bool linear;
    double la, lb, lc;  /* design = la + lb u + lc v when linear */
    gk_kern_f32_fn kern; /* AVX-512, AVX2 or portable: same bits */
    bool whole;         /* fast kernel, level design: merge full rows */
    gk_sums_t *sums;    /* per unit: cut, fill, covered area, cells */
} cell_shared_t;

typedef struct cell_thread {
    gk_volume_worker_t w; /* first: gk_units_run finds its context */
    double *zd, *dd; /* one block row of heights and design, general path */
} cell_thread_t;
_Static_assert(offsetof(cell_thread_t, w) == 0, "worker first");

static gk_status_t cell_block(size_t ui, const void *raw, void *tp, void *sp)
{
    cell_thread_t *t = tp;
    cell_shared_t *s = sp;
    const gk_dem_t *dem = s->dem;
    const gk_unit_t *u = &s->units->units[ui];
    gk_status_t st = GK_OK;
    int64_t bw = (int64_t)dem->info.block_width;
    int64_t bh = (int64_t)dem->info.block_height;
    int64_t x0 = (int64_t)u->bx * bw, y0 = (int64_t)u->by * bh;
    bool fast = s->linear && dem->type == GDT_Float32;
    float ndf = (float)dem->info.nodata;
    gk_sums_t acc = {0};
    const gk_item_t *items = s->plan->items;
    int64_t x1 = x0 + bw;
    for (size_t k = gk_unit_next(s->plan, u, u->k0, x0, x1); k < u->k1;
         k = gk_unit_next(s->plan, u, k + 1, x0, x1)) {
        const gk_item_t *it = &items[k];
        if (it->frac <= 0)
            continue;
        int64_t a = it->col0 > x0 ? it->col0 : x0;
        int64_t b = it->col1 < x1 ? it->col1 : x1;
        size_t n = (size_t)(b - a);
        size_t off = (size_t)((it->row - y0) * bw + (a - x0));
        double r[3];
        double vc = (double)it->row + 0.5, uc = (double)a + 0.5;
        double w = it->frac * dem->row_area_m2[it->row];
        if (s->whole && a == x0 && b == x1) {
            /* Rows across the whole block, one after the other, with the
             * same weight (a level design; every row of a projected DEM
             * has the same cell area): one kernel call over all of them,
             * which are contiguous in the block. */
            int32_t rows = 1;
            for (size_t j = gk_unit_next(s->plan, u, k + 1, x0, x1);
                 j < u->k1; j = gk_unit_next(s->plan, u, j + 1, x0, x1)) {
                const gk_item_t *nx = &items[j];
                if (nx->row != it->row + rows || nx->col0 > x0 ||
                    nx->col1 < x1 || nx->frac * dem->row_area_m2[nx->row] != w)
                    break;
                rows++;
                k = j;
            }
            n *= (size_t)rows;
        }
        if (fast) {
            s->kern((const float *)raw + off, n,
                    s->la + s->lb * uc + s->lc * vc, s->lb,
                    dem->info.z_unit_m, dem->info.has_nodata, ndf, r);
        } else {
            gk_dem_decode(dem, raw, off, n, t->zd);
            for (size_t i = 0; i < n; i++) {
                if (s->linear) {
                    t->dd[i] = s->la + s->lb * (uc + (double)i) + s->lc * vc;
                } else if ((st = gk_design_at(&t->w.de, uc + (double)i, vc,
                                              &t->dd[i])) != GK_OK) {
                    return st;
                }
            }
            kern_f64(t->zd, t->dd, n, r);
        }
        acc.cut += r[0] * w;
        acc.fill += r[1] * w;
        acc.area += r[2] * w;
        acc.ncells += (double)n;
    }
    s->sums[ui] = acc;
    return GK_OK;
}

static gk_status_t cell_unit(size_t ui, void *tp, void *sp)
{
    cell_thread_t *t = tp;
    cell_shared_t *s = sp;
    const gk_unit_t *u = &s->units->units[ui];
    gk_status_t st = gk_dem_read_raw(&t->w.rd, u->bx, u->by);
    return st == GK_OK ? cell_block(ui, t->w.rd.raw, tp, sp) : st;
}

gk_status_t gk_volume_cell(gk_context_t *ctx, const gk_dem_t *dem,
                           const gk_rings_t *rings,
                           const gk_volume_opts_t *o,
                           const gk_centerline_t *cl, gk_sums_t *out)
{
    gk_plan_t plan;
    gk_units_t units = {0};
    gk_status_t st = gk_plan_build_fractions(ctx, rings,
                                             (int64_t)dem->info.width,
                                             (int64_t)dem->info.height, &plan);
    if (st != GK_OK)
        return st;
    if ((st = gk_units_build(ctx, &plan, dem, &units)) != GK_OK) {
        gk_plan_free(&plan);
        return st;
    }
    unsigned nt = gk_volume_threads(o, units.nunits);
    cell_shared_t sh = {.dem = dem, .plan = &plan, .units = &units, .o = o};
    sh.linear = gk_design_linear(&o->design, dem, &sh.la, &sh.lb, &sh.lc);
    sh.whole = sh.linear && dem->type == GDT_Float32 && sh.lb == 0 &&
               sh.lc == 0;
    sh.kern = gk_kern_f32_x86(2);
    if (!sh.kern)
        sh.kern = gk_kern_f32_portable;
    sh.sums = gk_calloc_array(units.nunits, sizeof *sh.sums);
    cell_thread_t *th = gk_calloc_array(nt, sizeof *th);
    if (!sh.sums || !th) {
        st = gk_error_nomem(ctx, "per-block sums");
        goto out;
    }
    size_t bw = dem->info.block_width;
    for (unsigned t = 0; t < nt && st == GK_OK; t++) {
        st = gk_volume_worker_init(&th[t].w, ctx, t, dem, &o->design, cl);
        th[t].zd = gk_calloc_array(bw, sizeof(double));
        th[t].dd = gk_calloc_array(bw, sizeof(double));
        if (st == GK_OK && (!th[t].zd || !th[t].dd))
            st = gk_error_nomem(ctx, "worker buffers");
    }
    if (st == GK_OK)
        st = gk_units_run(ctx, units.nunits, nt, th, sizeof *th, cell_unit,
                          &sh, 0.0, gk_volume_pass_share(o));
    if (st == GK_OK) {
        gk_sums_t tot = {0};
        for (size_t u = 0; u < units.nunits; u++) {
            tot.cut += sh.sums[u].cut;
            tot.fill += sh.sums[u].fill;
            tot.area += sh.sums[u].area;
            tot.ncells += sh.sums[u].ncells;
        }
        /* out->area = covered; the caller derives the uncovered part from
         * the region's area (which also counts what lies off the DEM). */
        *out = tot;
    }
out:
    for (unsigned t = 0; th && t < nt; t++) {
        gk_volume_worker_fini(&th[t].w);
        free(th[t].zd);
        free(th[t].dd);
    }
    free(th);
    free(sh.sums);
    gk_units_free(&units);
    gk_plan_free(&plan);
    return st;
}
