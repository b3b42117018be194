/*
 * lib/volume/blocks.c - turn a coverage plan into work units, one per DEM
 * block the region touches, and run them on threads.
 *
 * Only blocks that hold at least one planned cell become units, so a 10 m
 * corridor across a huge raster reads only the tiles under it. Each unit
 * writes its partial sums into its own slot; the caller adds the slots in
 * unit order (block row, then block column), so the total is the same to
 * the bit for any number of threads. Units are claimed from an atomic
 * counter: the assignment varies between runs, the arithmetic does not.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

void gk_units_free(gk_units_t *u)
{
    if (!u)
        return;
    free(u->units);
    memset(u, 0, sizeof *u);
}

gk_status_t gk_units_build(gk_context_t *ctx, const gk_plan_t *pl,
                           const gk_dem_t *dem, gk_units_t *out)
{
    memset(out, 0, sizeof *out);
    int64_t bw = (int64_t)dem->info.block_width;
    int64_t bh = (int64_t)dem->info.block_height;
    int64_t nbx = ((int64_t)dem->info.width + bw - 1) / bw;
    bool *hit = gk_calloc_array((size_t)nbx, sizeof *hit);
    size_t cap_u = 64;
    gk_units_t u = {0};
    u.units = gk_calloc_array(cap_u, sizeof *u.units);
    if (!hit || !u.units)
        goto nomem;
    size_t k = 0;
    while (k < pl->nitems) {
        int64_t by = pl->items[k].row / bh;
        size_t k1 = k;
        while (k1 < pl->nitems && pl->items[k1].row / bh == by)
            k1++;
        /* the block columns the items of this block row touch */
        memset(hit, 0, (size_t)nbx * sizeof *hit);
        for (size_t i = k; i < k1; i++) {
            const gk_item_t *it = &pl->items[i];
            for (int64_t bx = it->col0 / bw; bx <= (it->col1 - 1) / bw; bx++)
                hit[bx] = true;
        }
        for (int64_t bx = 0; bx < nbx; bx++) {
            if (!hit[bx])
                continue;
            if (u.nunits == cap_u) {
                gk_unit_t *p = gk_realloc_array(u.units, cap_u *= 2,
                                                sizeof *p);
                if (!p)
                    goto nomem;
                u.units = p;
            }
            u.units[u.nunits++] = (gk_unit_t){.bx = (int)bx, .by = (int)by,
                                              .k0 = k, .k1 = k1};
        }
        k = k1;
    }
    free(hit);
    *out = u;
    return GK_OK;
nomem:
    free(hit);
    gk_units_free(&u);
    return gk_error_nomem(ctx, "the block list");
}

typedef struct runner {
    gk_unit_fn fn;
    void *shared;
    size_t nunits;
    atomic_size_t next;
    atomic_size_t done;    /* units finished, for the progress fraction */
    gk_context_t *ctx;     /* the caller's: progress is reported on it */
    double p0, p1;         /* fraction range of this run */
    double reported;       /* last fraction reported (thread 0 only) */
    bool interrupted;      /* written by thread 0 only */
    gk_status_t *status;   /* per unit */
    char *tstate;          /* thread t's state at tstate + t * tsize */
    size_t tsize;
    atomic_bool stop;
} runner_t;

typedef struct worker_arg {
    runner_t *r;
    unsigned t;
    size_t failed; /* the unit that failed on this thread, or SIZE_MAX */
} worker_arg_t;

static void *worker(void *p)
{
    worker_arg_t *a = p;
    runner_t *r = a->r;
    for (;;) {
        if (atomic_load(&r->stop))
            break;
        size_t u = atomic_fetch_add(&r->next, 1);
        if (u >= r->nunits)
            break;
        gk_status_t st = r->fn(u, r->tstate + a->t * r->tsize, r->shared);
        r->status[u] = st;
        size_t done = atomic_fetch_add(&r->done, 1) + 1;
        if (st != GK_OK) {
            a->failed = u; /* the thread's last unit: it stops here */
            atomic_store(&r->stop, true);
        }
        /* The caller's context belongs to the calling thread (thread 0):
         * only it reports progress, between its units. */
        if (a->t == 0 && st == GK_OK) {
            r->reported =
                r->p0 + (r->p1 - r->p0) * (double)done / (double)r->nunits;
            if (!gk_progress(r->ctx, r->reported, "volume")) {
                r->interrupted = true;
                atomic_store(&r->stop, true);
            }
        }
    }
    return NULL;
}

gk_status_t gk_units_run(gk_context_t *ctx, size_t nunits, unsigned threads,
                         void *tstate, size_t tsize, gk_unit_fn fn,
                         void *shared, double p0, double p1)
{
    if (threads < 1)
        threads = 1;
    runner_t r = {.fn = fn, .shared = shared, .nunits = nunits,
                  .tstate = tstate, .tsize = tsize, .ctx = ctx, .p0 = p0,
                  .p1 = p1};
    atomic_init(&r.next, 0);
    atomic_init(&r.done, 0);
    atomic_init(&r.stop, false);
    r.status = gk_calloc_array(nunits, sizeof *r.status);
    pthread_t *th = gk_calloc_array(threads, sizeof *th);
    worker_arg_t *args = gk_calloc_array(threads, sizeof *args);
    if (!r.status || !th || !args) {
        free(r.status);
        free(th);
        free(args);
        return gk_error_nomem(ctx, "the thread list");
    }
    unsigned started = 1;
    for (unsigned t = 0; t < threads; t++)
        args[t] = (worker_arg_t){&r, t, SIZE_MAX};
    for (unsigned t = 1; t < threads; t++) {
        if (pthread_create(&th[t], NULL, worker, &args[t]) != 0)
            break; /* fewer threads: same result, only slower */
        started++;
    }
    worker(&args[0]);
    for (unsigned t = 1; t < started; t++)
        pthread_join(th[t], NULL);
    /* The other threads may have finished the last units: say so. */
    if (!r.interrupted && !atomic_load(&r.stop) && r.reported < p1 &&
        !gk_progress(ctx, p1, "volume"))
        r.interrupted = true;
    if (r.interrupted) {
        /* gk_progress has set the error on the caller's context. */
        free(r.status);
        free(th);
        free(args);
        return GK_ERR_INTERRUPTED;
    }
    /* Report the error of the first failing unit, in unit order, with
     * the message on the context of the thread that ran it (not that of
     * another thread whose unit failed at the same time). */
    size_t fu = 0;
    while (fu < nunits && r.status[fu] == GK_OK)
        fu++;
    gk_status_t st = fu < nunits ? r.status[fu] : GK_OK;
    if (st != GK_OK) {
        for (unsigned t = 0; t < threads; t++) {
            const gk_volume_worker_t *w =
                (const gk_volume_worker_t *)(r.tstate + t * tsize);
            if (args[t].failed == fu && gk_errcode(w->ctx) != GK_OK) {
                gk_error(ctx, gk_errcode(w->ctx), "%s", gk_errmsg(w->ctx));
                break;
            }
        }
    }
    free(r.status);
    free(th);
    free(args);
    return st;
}

gk_status_t gk_dem_window(gk_dem_reader_t *r, int64_t x0, int64_t y0,
                          int64_t w, int64_t h, double *out)
{
    const gk_dem_t *d = r->dem;
    int64_t W = (int64_t)d->info.width, H = (int64_t)d->info.height;
    int64_t bw = (int64_t)d->info.block_width;
    int64_t bh = (int64_t)d->info.block_height;
    for (int64_t k = 0; k < w * h; k++)
        out[k] = NAN;
    int64_t xa = x0 < 0 ? 0 : x0, ya = y0 < 0 ? 0 : y0;
    int64_t xb = x0 + w > W ? W : x0 + w, yb = y0 + h > H ? H : y0 + h;
    if (xa >= xb || ya >= yb)
        return GK_OK;
    for (int64_t by = ya / bh; by <= (yb - 1) / bh; by++)
        for (int64_t bx = xa / bw; bx <= (xb - 1) / bw; bx++) {
            const double *b;
            gk_status_t st = gk_dem_block(r, (int)bx, (int)by, &b);
            if (st != GK_OK)
                return st;
            int64_t cx0 = bx * bw > xa ? bx * bw : xa;
            int64_t cx1 = (bx + 1) * bw < xb ? (bx + 1) * bw : xb;
            int64_t cy0 = by * bh > ya ? by * bh : ya;
            int64_t cy1 = (by + 1) * bh < yb ? (by + 1) * bh : yb;
            for (int64_t y = cy0; y < cy1; y++)
                memcpy(out + (y - y0) * w + (cx0 - x0),
                       b + (y - by * bh) * bw + (cx0 - bx * bw),
                       (size_t)(cx1 - cx0) * sizeof(double));
        }
    return GK_OK;
}

gk_status_t gk_volume_worker_init(gk_volume_worker_t *w, gk_context_t *ctx,
                                  unsigned index, const gk_dem_t *dem,
                                  const gk_design_t *design,
                                  const gk_centerline_t *cl)
{
    if (gk_context_new(&w->ctx) != GK_OK)
        return gk_error_nomem(ctx, "a worker context");
    gk_status_t st = gk_dem_reader_init(&w->rd, w->ctx, dem, index > 0);
    if (st == GK_OK)
        st = gk_design_eval_init(&w->de, w->ctx, design, dem, cl, index > 0);
    if (st != GK_OK)
        gk_error(ctx, st, "%s", gk_errmsg(w->ctx));
    return st;
}

void gk_volume_worker_fini(gk_volume_worker_t *w)
{
    gk_design_eval_fini(&w->de);
    gk_dem_reader_fini(&w->rd);
    gk_context_free(w->ctx);
}
