/*
 * lib/volume/read_ahead.c - one computing thread fed by a reading thread.
 *
 * Why: on one thread the cell method spends about as long fetching each
 * block (GDALReadBlock: the copy out of the page cache, or the decoding)
 * as computing on it, one after the other. Here a helper thread reads the
 * raw blocks of the units, in unit order, into a ring of GK_AHEAD buffers
 * of GK_BATCH blocks while the calling thread computes on the ones before, so the time
 * approaches max(read, compute) instead of their sum when a second core
 * is free (and costs a few microseconds of hand-over per block when not).
 *
 * The helper opens its own GDAL handle (handles are not thread-safe) and
 * its own context for errors; the computation, the progress callback and
 * the order of every addition stay on the calling thread, unit by unit,
 * so results are the same bits as without read-ahead. A read error stops
 * the run with the reader's message; a stop from the progress callback
 * stops the reader at its next block.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

/* GK_AHEAD slots of GK_BATCH blocks: a hand-over between the threads
 * costs a futex wake and often a context switch, so it is made once per
 * batch rather than once per block. */
#define GK_AHEAD 3
#define GK_BATCH 8

typedef struct ahead {
    pthread_mutex_t mu;
    pthread_cond_t filled, freed;
    const gk_units_t *units;
    gk_dem_reader_t rd;       /* the reader's own handle */
    gk_context_t *rctx;       /* the reader's context */
    void *buf[GK_AHEAD];
    gk_status_t st[GK_AHEAD];
    size_t head, tail;        /* batches consumed / read */
    size_t bytes;             /* one raw block */
    bool stop;
} ahead_t;

static void *reader(void *p)
{
    ahead_t *a = p;
    size_t nu = a->units->nunits, nb = (nu + GK_BATCH - 1) / GK_BATCH;
    for (size_t j = 0; j < nb; j++) {
        pthread_mutex_lock(&a->mu);
        while (a->tail - a->head == GK_AHEAD && !a->stop)
            pthread_cond_wait(&a->freed, &a->mu);
        bool stop = a->stop;
        pthread_mutex_unlock(&a->mu);
        if (stop)
            break;
        gk_status_t st = GK_OK;
        char *buf = a->buf[j % GK_AHEAD];
        for (size_t u = j * GK_BATCH; u < nu && u < (j + 1) * GK_BATCH &&
                                      st == GK_OK;
             u++) {
            const gk_unit_t *un = &a->units->units[u];
            st = gk_dem_read_raw_into(&a->rd, un->bx, un->by,
                                      buf + (u - j * GK_BATCH) * a->bytes);
        }
        pthread_mutex_lock(&a->mu);
        a->st[j % GK_AHEAD] = st;
        a->tail++;
        pthread_cond_signal(&a->filled);
        pthread_mutex_unlock(&a->mu);
        if (st != GK_OK)
            break;
    }
    return NULL;
}

gk_status_t gk_units_run_ahead(gk_context_t *ctx, const gk_dem_t *dem,
                               const gk_units_t *units, void *tstate,
                               gk_context_t *tctx, gk_unit_raw_fn fn,
                               void *shared, double p0, double p1)
{
    ahead_t a = {.units = units};
    a.bytes = dem->info.block_width * dem->info.block_height *
              (size_t)GDALGetDataTypeSizeBytes(dem->type);
    if (gk_context_new(&a.rctx) != GK_OK)
        return gk_error_nomem(ctx, "a reader context");
    gk_status_t st = GK_OK;
    for (int k = 0; k < GK_AHEAD && st == GK_OK; k++)
        if (!(a.buf[k] = gk_calloc_array(GK_BATCH, a.bytes ? a.bytes : 1)))
            st = gk_error_nomem(ctx, "read-ahead buffers");
    if (st == GK_OK &&
        (st = gk_dem_reader_init(&a.rd, a.rctx, dem, true)) != GK_OK)
        gk_error(ctx, st, "%s", gk_errmsg(a.rctx));
    pthread_t th;
    bool started = false, inited = false;
    if (st == GK_OK) {
        inited = true;
        pthread_mutex_init(&a.mu, NULL);
        pthread_cond_init(&a.filled, NULL);
        pthread_cond_init(&a.freed, NULL);
        started = pthread_create(&th, NULL, reader, &a) == 0;
        if (!started)
            st = gk_error(ctx, GK_ERR_NOMEM, "cannot start a reader thread");
    }
    size_t nu = units->nunits, nb = (nu + GK_BATCH - 1) / GK_BATCH;
    for (size_t j = 0; st == GK_OK && j < nb; j++) {
        pthread_mutex_lock(&a.mu);
        while (a.tail <= j)
            pthread_cond_wait(&a.filled, &a.mu);
        pthread_mutex_unlock(&a.mu);
        if ((st = a.st[j % GK_AHEAD]) != GK_OK) {
            gk_error(ctx, st, "%s", gk_errmsg(a.rctx));
            break;
        }
        const char *buf = a.buf[j % GK_AHEAD];
        for (size_t u = j * GK_BATCH; u < nu && u < (j + 1) * GK_BATCH; u++) {
            if ((st = fn(u, buf + (u - j * GK_BATCH) * a.bytes, tstate,
                         shared)) != GK_OK) {
                gk_error(ctx, st, "%s", gk_errmsg(tctx));
                break;
            }
            if (!gk_progress(ctx, p0 + (p1 - p0) * (double)(u + 1) / (double)nu,
                             "volume")) {
                st = GK_ERR_INTERRUPTED; /* the message is on ctx */
                break;
            }
        }
        pthread_mutex_lock(&a.mu);
        a.head++;
        pthread_cond_signal(&a.freed);
        pthread_mutex_unlock(&a.mu);
    }
    if (started) {
        pthread_mutex_lock(&a.mu);
        a.stop = true;
        pthread_cond_signal(&a.freed);
        pthread_mutex_unlock(&a.mu);
        pthread_join(th, NULL);
    }
    if (inited) {
        pthread_cond_destroy(&a.filled);
        pthread_cond_destroy(&a.freed);
        pthread_mutex_destroy(&a.mu);
    }
    gk_dem_reader_fini(&a.rd);
    for (int k = 0; k < GK_AHEAD; k++)
        free(a.buf[k]);
    gk_context_free(a.rctx);
    return st;
}
