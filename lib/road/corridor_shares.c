/*
 * lib/road/corridor_shares.c - each road's first-come share of the union of
 * corridors: the fast path behind gk_corridors_shares(), equal to the
 * reference (corridor_ref.c) to rounding.
 *
 * Method. The same geometry as the reference, with less work per road and
 * the roads spread over threads:
 *  1. Corridors. A two-vertex road's corridor is the rectangle GEOS would
 *     return, built directly with GEOS's own arithmetic (OffsetSegment-
 *     Generator::computeOffsetSegment: u = d (dx, dy) / len, corners p -/+
 *     (uy, -ux)), so its corners are the same doubles; longer lines go to
 *     GEOS buffer (flat caps, mitre joins, limit 5) as before. They are not
 *     built here from their mitre points because GEOS first simplifies the
 *     line by 1% of the width on each side (BufferInputLineSimplifier), so
 *     its corridor differs from the exact mitre polygon by up to tens of m2
 *     on a road (4,410 of the 18,574 Jakarta roads by more than 1e-9).
 *  2. Shares. Road i's share is its corridor minus, one after another, each
 *     earlier corridor that meets it (R-tree on the boxes, then a prepared
 *     intersects test). A - B1 - B2 ... equals A - (B1 u B2 ...) exactly, and
 *     small successive differences cost less than a union of the neighbours
 *     (often long roads) followed by one difference; the loop stops when
 *     nothing is left. The share is densified to 50 m edges, brought back
 *     to longitude/latitude and measured with the geodesic kernels, as in
 *     the reference.
 *  3. Threads. Roads are handed out in chunks from an atomic counter; each
 *     road is computed by one thread alone from read-only inputs, so the
 *     results do not depend on the number of threads or the schedule (bit
 *     for bit; the bench checks it). Each thread has its own context (its
 *     own GEOS and PROJ handles and error message) and its own scratch
 *     buffers, reused from road to road. Corridors made by one thread are
 *     read by others only after all are built (a join), and their
 *     envelopes are computed by their builder, so the reads are pure.
 *     Errors: roads after the first failing one are skipped, roads before
 *     it all run, so the reported failure is the first in input order.
 *
 * Error bound: the areas differ from the reference only by the rounding of
 * the overlay's intersection points (different order of the same
 * operations): tests/road/test_corridor_fast.c requires 1e-9 relative or
 * 1e-6 m2 per road, on random networks and on the Jakarta network.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geokota/rtree.h"
#include "geom/geos_internal.h"
#include "io/io_internal.h"
#include "road_internal.h"

/* Roads are handed to a thread CHUNK at a time; with fewer than
 * MIN_PER_THREAD roads per thread, fewer threads are used. */
#define CHUNK          32
#define MIN_PER_THREAD 64
#define MAX_THREADS    64
#define NO_ROAD        SIZE_MAX
/* Area mode: corridors with more ring vertices than MAX_RING_VERTS, or
 * farther than MAX_X_M from the central meridian (corridor_area.c's error
 * bound), are handled by GEOS; so is a road whose inclusion-exclusion would
 * take more than CLIP_BUDGET clippings. */
#define MAX_RING_VERTS 2048
#define MAX_X_M        30000.0
#define CLIP_BUDGET    200000L
enum { KIND_NONE = 0, KIND_TRIANGLES = 1, KIND_GEOS_ONLY = 2 };

typedef struct shared shared_t;

typedef struct worker {
    shared_t *s;
    uint32_t id;       /* 0: runs on the caller's thread */
    gk_context_t *ctx; /* the caller's for worker 0, else its own */
    gk_transform_t *own_tf;
    const gk_transform_t *tf;
    GEOSContextHandle_t h;
    GEOSBufferParams *bp;
    int64_t *hits;
    size_t cap_hits;
    gk_geomcol_t raw, dense; /* scratch, reused */
    gk_geomcol_t out;        /* lon/lat shares of this worker's roads */
    double *tri;             /* triangles of this worker's corridors */
    size_t ntri, cap_tri, len_tri;
    double *tbox; /* their boxes in the plane (4 per triangle) */
    size_t cap_tbox, len_tbox; /* len_*: of the gk_huge_alloc blocks */
    double *ring; /* scratch: a corridor's ring */
    size_t cap_ring;
    int32_t *link;
    size_t cap_link;
    gk_piece_t *pieces, *near; /* all earlier pieces; those near a triangle */
    size_t cap_pieces, cap_near;
    size_t failed; /* road this worker failed on, or NO_ROAD */
    gk_status_t st;
    pthread_t thread;
    bool started;
} worker_t;

struct shared {
    const gk_corridors_t *c;
    const double *hw;
    double *share;
    size_t n;
    int phase; /* 0: corridors, 1: shares */
    GEOSGeometry **corr;
    gk_box_t *box;
    gk_rtree_t *tree;
    bool want_polygons;
    /* Area mode (no polygons wanted): corridors cut into triangles. */
    uint8_t *kind;       /* per road: KIND_TRIANGLES or KIND_GEOS_ONLY */
    uint32_t *tri_owner; /* the worker holding its triangles */
    int64_t *tri_off;    /* its first triangle there */
    uint32_t *tri_n;     /* its number of triangles */
    double *ground;      /* ground area of its whole corridor (m2) */
    worker_t *workers;
    uint32_t *owner;   /* per road: the worker holding its polygon */
    int64_t *out_geom; /* per road: its geometry in that worker's `out` */
    atomic_size_t next;
    atomic_size_t first_fail;
    atomic_bool stop;
};

/* Empty a collection, keeping its memory. */
static void reset_col(gk_geomcol_t *c)
{
    c->ngeoms = c->nparts = c->nrings = c->nverts = 0;
}

/* The flat-capped rectangle of the segment p0-p1 at distance d, with the
 * arithmetic of GEOS's OffsetSegmentGenerator; NULL for a zero-length
 * segment (GEOS then returns an empty polygon: left to GEOS). */
static GEOSGeometry *rectangle(GEOSContextHandle_t h, const double *p, double d)
{
    double dx = p[2] - p[0], dy = p[3] - p[1];
    double len = sqrt(dx * dx + dy * dy);
    if (!(len > 0))
        return NULL;
    double ux = d * dx / len, uy = d * dy / len;
    double ring[10] = {p[0] - uy, p[1] + ux, p[2] - uy, p[3] + ux, p[2] + uy,
                       p[3] - ux, p[0] + uy, p[1] - ux, p[0] - uy, p[1] + ux};
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, ring, 5, 0, 0);
    GEOSGeometry *lr = cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
    return lr ? GEOSGeom_createPolygon_r(h, lr, NULL, 0) : NULL;
}

/* Room for `need` doubles, `used` of them kept, in *arr (capacity *cap),
 * a gk_huge_alloc block of length *len. The triangles of a city's
 * corridors are ~10 MB: in 4 KiB pages, their page faults alone took
 * ~40 ms on the bench's VM (bench/RESULTS.md, BOQ and estimate speed). */
static bool reserve_huge(double **arr, size_t *cap, size_t *len, size_t used,
                         size_t need)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 4096;
    while (ncap < need)
        if (ncap > SIZE_MAX / 4 / sizeof(double))
            return false;
        else
            ncap *= 2;
    size_t nlen = 0;
    double *p = gk_huge_alloc(ncap * sizeof *p, &nlen);
    if (!p)
        return false;
    if (used)
        memcpy(p, *arr, used * sizeof *p);
    if (*arr)
        gk_huge_free(*arr, *len);
    *arr = p;
    *cap = ncap;
    *len = nlen;
    return true;
}

/* Room for `need` elements in *arr (capacity *cap). */
static bool reserve(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 256;
    while (ncap < need)
        ncap *= 2;
    void *p = gk_realloc_array(*arr, ncap, elem);
    if (!p)
        return false;
    *arr = p;
    *cap = ncap;
    return true;
}

/* Box of a triangle (no fmin/fmax: they are calls, and NaN cannot occur
 * here). */
static void tri_box(const double *xy, double *box)
{
    box[0] = box[2] = xy[0];
    box[1] = box[3] = xy[1];
    for (int v = 1; v < 3; v++) {
        double x = xy[2 * v], y = xy[2 * v + 1];
        box[0] = x < box[0] ? x : box[0];
        box[2] = x > box[2] ? x : box[2];
        box[1] = y < box[1] ? y : box[1];
        box[3] = y > box[3] ? y : box[3];
    }
}

/* Area mode: cut the corridor of road i into triangles (kept by this
 * worker) and measure its ground area; GEOS_ONLY when it has holes or
 * several parts, is large, far from the meridian or cannot be cut. */
static gk_status_t triangulate_road(worker_t *w, size_t i,
                                    const GEOSGeometry *poly)
{
    shared_t *s = w->s;
    s->kind[i] = KIND_GEOS_ONLY;
    const gk_box_t *b = &s->box[i];
    if (fmax(fabs(b->xmin), fabs(b->xmax)) > MAX_X_M ||
        GEOSGeomTypeId_r(w->h, poly) != GEOS_POLYGON ||
        GEOSGetNumInteriorRings_r(w->h, poly) != 0)
        return GK_OK;
    const GEOSGeometry *ring = GEOSGetExteriorRing_r(w->h, poly);
    const GEOSCoordSequence *cs =
        ring ? GEOSGeom_getCoordSeq_r(w->h, ring) : NULL;
    unsigned size = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(w->h, cs, &size) || size < 4 ||
        size > MAX_RING_VERTS + 1)
        return GK_OK;
    size_t n = size - 1; /* closed ring: the last point repeats the first */
    if (!reserve((void **)&w->ring, &w->cap_ring, 2 * (size_t)size,
                 sizeof(double)) ||
        !reserve((void **)&w->link, &w->cap_link, 2 * n, sizeof(int32_t)) ||
        !reserve_huge(&w->tri, &w->cap_tri, &w->len_tri, 6 * w->ntri,
                      6 * (w->ntri + n)) ||
        !reserve_huge(&w->tbox, &w->cap_tbox, &w->len_tbox, 4 * w->ntri,
                      4 * (w->ntri + n)))
        return gk_error_nomem(w->ctx, "corridor triangles");
    if (!GEOSCoordSeq_copyToBuffer_r(w->h, cs, w->ring, 0, 0))
        return GK_OK;
    size_t k = gk_ring_triangulate(w->ring, n, w->tri + 6 * w->ntri, w->link);
    if (k == 0)
        return GK_OK;
    for (size_t q = 0; q < k; q++)
        tri_box(w->tri + 6 * (w->ntri + q), w->tbox + 4 * (w->ntri + q));
    gk_tm_area_t t = gk_tm_area_at(s->c, 0.5 * (b->xmin + b->xmax),
                                   0.5 * (b->ymin + b->ymax));
    for (size_t v = 0; v < n; v++) {
        w->ring[2 * v] -= t.x0;
        w->ring[2 * v + 1] -= t.y0;
    }
    s->ground[i] = fabs(gk_tm_ground_area(&t, w->ring, n));
    s->tri_owner[i] = w->id;
    s->tri_off[i] = (int64_t)w->ntri;
    s->tri_n[i] = (uint32_t)k;
    w->ntri += k;
    s->kind[i] = KIND_TRIANGLES;
    return GK_OK;
}

/* Phase 0: the corridor of road i and its box. */
static gk_status_t build_one(worker_t *w, size_t i)
{
    shared_t *s = w->s;
    const gk_corridors_t *c = s->c;
    if (c->skip[i] || s->hw[i] == 0)
        return GK_OK;
    gk_geoms_t pv = gk_geomcol_view(&c->plane);
    double d = s->hw[i] * c->scale[i];
    int64_t p0 = pv.geom_off[i];
    GEOSGeometry *poly = NULL;
    if (pv.geom_off[i + 1] == p0 + 1 &&
        pv.part_off[p0 + 1] == pv.part_off[p0] + 1) {
        int64_t r = pv.part_off[p0];
        if (pv.ring_off[r + 1] - pv.ring_off[r] == 2)
            poly = rectangle(w->h, pv.xy + 2 * pv.ring_off[r], d);
    }
    if (!poly) {
        GEOSGeometry *line = gk_geos_from_feature(w->h, &pv, i);
        poly = line ? GEOSBufferWithParams_r(w->h, line, w->bp, d) : NULL;
        if (line)
            GEOSGeom_destroy_r(w->h, line);
    }
    if (poly && GEOSisEmpty_r(w->h, poly) == 1) {
        /* A zero-length road has no corridor (and no box). */
        GEOSGeom_destroy_r(w->h, poly);
        return GK_OK;
    }
    if (!poly)
        return gk_error(w->ctx, GK_ERR_DEP,
                        "%s: feature %lld: GEOS cannot build the "
                        "corridor: %s",
                        c->label, (long long)c->fids[i], gk_ctx_depmsg(w->ctx));
    double b[4];
    GEOSGeom_getXMin_r(w->h, poly, &b[0]);
    GEOSGeom_getYMin_r(w->h, poly, &b[1]);
    GEOSGeom_getXMax_r(w->h, poly, &b[2]);
    GEOSGeom_getYMax_r(w->h, poly, &b[3]);
    s->box[i] = (gk_box_t){b[0], b[1], b[2], b[3]};
    s->corr[i] = poly;
    return s->kind ? triangulate_road(w, i, poly) : GK_OK;
}

/* Ground area of the share polygon of road i: densify, back to lon/lat,
 * geodesic area; the lon/lat polygon is kept when polygons are wanted. */
static gk_status_t measure(worker_t *w, size_t i, const GEOSGeometry *g)
{
    shared_t *s = w->s;
    const gk_corridors_t *c = s->c;
    reset_col(&w->raw);
    reset_col(&w->dense);
    if (!gk_geos_append_polygonal(w->h, &w->raw, g) ||
        !gk_geomcol_begin_geom(&w->dense, GK_GEOM_MULTIPOLYGON))
        return gk_error_nomem(w->ctx, "a corridor polygon");
    gk_geoms_t rv = gk_geomcol_view(&w->raw);
    for (int64_t p = 0; p < (int64_t)w->raw.nparts; p++) {
        if (!gk_geomcol_begin_part(&w->dense))
            return gk_error_nomem(w->ctx, "a corridor polygon");
        for (int64_t r = rv.part_off[p]; r < rv.part_off[p + 1]; r++)
            if (!gk_corridor_densify_ring(&w->dense, &rv, r))
                return gk_error_nomem(w->ctx, "a corridor polygon");
    }
    gk_status_t st =
        gk_transform_xy(w->ctx, w->tf, w->dense.xy, w->dense.nverts, true);
    if (st != GK_OK)
        return st;
    double sum = 0;
    gk_geoms_t dv = gk_geomcol_view(&w->dense);
    for (int64_t p = 0; p < (int64_t)w->dense.nparts; p++)
        for (int64_t r = dv.part_off[p]; r < dv.part_off[p + 1]; r++) {
            int64_t v0 = dv.ring_off[r];
            double a = fabs(gk_ring_area_geodesic(
                c->geod, dv.xy + 2 * v0, (size_t)(dv.ring_off[r + 1] - v0)));
            sum += r == dv.part_off[p] ? a : -a;
        }
    s->share[i] = sum;
    if (s->want_polygons) {
        s->owner[i] = w->id;
        s->out_geom[i] = (int64_t)w->out.ngeoms;
        if (!gk_geomcol_append_view(&w->out, &dv))
            return gk_error_nomem(w->ctx, "corridor polygons");
    }
    return GK_OK;
}

/* Sort road ids ascending (few: insertion sort). */
static void sort_ids(int64_t *ids, size_t k)
{
    for (size_t a = 1; a < k; a++)
        for (size_t b = a; b > 0 && ids[b - 1] > ids[b]; b--) {
            int64_t t = ids[b];
            ids[b] = ids[b - 1];
            ids[b - 1] = t;
        }
}

/* The earlier roads (j < i) whose corridors meet road i's, ascending. */
static gk_status_t earlier_neighbours(worker_t *w, size_t i, size_t *m)
{
    shared_t *s = w->s;
    size_t n = gk_rtree_query_box(s->tree, s->box[i], w->hits, w->cap_hits);
    if (n > w->cap_hits) {
        int64_t *more = gk_realloc_array(w->hits, n, sizeof *more);
        if (!more)
            return gk_error_nomem(w->ctx, "corridor neighbours");
        w->hits = more;
        w->cap_hits = n;
        n = gk_rtree_query_box(s->tree, s->box[i], w->hits, w->cap_hits);
    }
    size_t k = 0;
    for (size_t q = 0; q < n; q++)
        if ((size_t)w->hits[q] < i)
            w->hits[k++] = w->hits[q];
    sort_ids(w->hits, k);
    *m = 0;
    if (k == 0)
        return GK_OK;
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(w->h, s->corr[i]);
    if (!prep)
        return GK_ERR_DEP;
    for (size_t q = 0; q < k; q++) {
        char hit = GEOSPreparedIntersects_r(w->h, prep, s->corr[w->hits[q]]);
        if (hit == 2) {
            GEOSPreparedGeom_destroy_r(w->h, prep);
            return GK_ERR_DEP;
        }
        if (hit)
            w->hits[(*m)++] = w->hits[q];
    }
    GEOSPreparedGeom_destroy_r(w->h, prep);
    return GK_OK;
}

static bool boxes_meet(const double *a, const double *b)
{
    return !(a[0] > b[2] || a[2] < b[0] || a[1] > b[3] || a[3] < b[1]);
}

/* Area mode: road i's share is the ground area of its corridor minus the
 * area of its triangles covered by the earlier corridors (corridor_area.c).
 * *done is false when GEOS must do it: a corridor involved was not cut
 * into triangles, or the clipping budget ran out. */
static gk_status_t share_by_triangles(worker_t *w, size_t i, bool *done)
{
    shared_t *s = w->s;
    *done = false;
    if (s->kind[i] != KIND_TRIANGLES)
        return GK_OK;
    size_t n = gk_rtree_query_box(s->tree, s->box[i], w->hits, w->cap_hits);
    if (n > w->cap_hits) {
        if (!reserve((void **)&w->hits, &w->cap_hits, n, sizeof *w->hits))
            return gk_error_nomem(w->ctx, "corridor neighbours");
        n = gk_rtree_query_box(s->tree, s->box[i], w->hits, w->cap_hits);
    }
    size_t m = 0, np = 0;
    for (size_t q = 0; q < n; q++) {
        size_t j = (size_t)w->hits[q];
        if (j >= i)
            continue;
        if (s->kind[j] != KIND_TRIANGLES)
            return GK_OK;
        w->hits[m++] = (int64_t)j;
        np += s->tri_n[j];
    }
    sort_ids(w->hits, m);
    const gk_box_t *b = &s->box[i];
    gk_tm_area_t t = gk_tm_area_at(s->c, 0.5 * (b->xmin + b->xmax),
                                   0.5 * (b->ymin + b->ymax));
    if (!reserve((void **)&w->pieces, &w->cap_pieces, np, sizeof *w->pieces) ||
        !reserve((void **)&w->near, &w->cap_near, np, sizeof *w->near))
        return gk_error_nomem(w->ctx, "corridor pieces");
    /* The earlier corridors' triangles that reach into road i's box, in
     * road i's local coordinates. */
    double bx[4] = {b->xmin - t.x0, b->ymin - t.y0, b->xmax - t.x0,
                    b->ymax - t.y0};
    /* Most are far: they are first rejected on their plane boxes against
     * road i's box widened by a margin, which implies the exact test (in
     * local coordinates) below. Why: x - x0 rounds monotonically, so for
     * a > c + M the local values differ in the same sense once M exceeds
     * the two roundings (2^-52 (|a - x0| + |c - x0|)); M = 1e-12 (1 + |c| +
     * |x0|) is far above that, and far below any gap that matters. */
    double mx = 1e-12 * (1 + fabs(t.x0) + fmax(fabs(b->xmin), fabs(b->xmax)));
    double my = 1e-12 * (1 + fabs(t.y0) + fmax(fabs(b->ymin), fabs(b->ymax)));
    double gb[4] = {b->xmin - mx, b->ymin - my, b->xmax + mx, b->ymax + my};
    np = 0;
    for (size_t q = 0; q < m; q++) {
        size_t j = (size_t)w->hits[q];
        const worker_t *wj = &s->workers[s->tri_owner[j]];
        const double *tj = wj->tri + 6 * s->tri_off[j];
        const double *bj = wj->tbox + 4 * s->tri_off[j];
        for (uint32_t k = 0; k < s->tri_n[j]; k++) {
            if (!boxes_meet(bj + 4 * k, gb))
                continue;
            /* Tested exactly before it is stored. */
            double xy[6], box[4];
            for (int v = 0; v < 3; v++) {
                xy[2 * v] = tj[6 * k + 2 * v] - t.x0;
                xy[2 * v + 1] = tj[6 * k + 2 * v + 1] - t.y0;
            }
            tri_box(xy, box);
            if (!boxes_meet(box, bx))
                continue;
            gk_piece_t *pc = &w->pieces[np++];
            pc->road = (int64_t)j;
            memcpy(pc->xy, xy, sizeof xy);
            memcpy(pc->box, box, sizeof box);
        }
    }
    const double *ti = s->workers[s->tri_owner[i]].tri + 6 * s->tri_off[i];
    double covered = 0;
    long budget = CLIP_BUDGET;
    for (uint32_t k = 0; np && k < s->tri_n[i]; k++) {
        double tri[6], box[4];
        for (int v = 0; v < 6; v++)
            tri[v] = ti[6 * k + v] - (v % 2 ? t.y0 : t.x0);
        tri_box(tri, box);
        size_t nn = 0;
        for (size_t q = 0; q < np; q++)
            if (boxes_meet(w->pieces[q].box, box))
                w->near[nn++] = w->pieces[q];
        double cov = gk_tm_covered_area(&t, tri, w->near, nn, &budget);
        if (isnan(cov))
            return GK_OK;
        covered += cov;
    }
    /* Rounding may leave -1e-10 for a road wholly covered. */
    s->share[i] = fmax(0, s->ground[i] - covered);
    *done = true;
    return GK_OK;
}

/* Phase 1: the share of road i. */
static gk_status_t share_one(worker_t *w, size_t i)
{
    shared_t *s = w->s;
    s->share[i] = 0;
    if (!s->corr[i])
        return GK_OK;
    if (s->kind) {
        bool done = false;
        gk_status_t st = share_by_triangles(w, i, &done);
        if (st != GK_OK || done)
            return st;
    }
    size_t m = 0;
    gk_status_t st = earlier_neighbours(w, i, &m);
    const GEOSGeometry *cur = s->corr[i];
    GEOSGeometry *owned = NULL;
    for (size_t k = 0; st == GK_OK && k < m; k++) {
        GEOSGeometry *d = GEOSDifference_r(w->h, cur, s->corr[w->hits[k]]);
        if (!d) {
            st = GK_ERR_DEP;
            break;
        }
        if (owned)
            GEOSGeom_destroy_r(w->h, owned);
        cur = owned = d;
        if (GEOSisEmpty_r(w->h, cur) == 1)
            break;
    }
    if (st == GK_ERR_DEP)
        st = gk_error(w->ctx, GK_ERR_DEP,
                      "%s: feature %lld: GEOS cannot subtract the earlier "
                      "corridors: %s",
                      s->c->label, (long long)s->c->fids[i],
                      gk_ctx_depmsg(w->ctx));
    if (st == GK_OK)
        st = measure(w, i, cur);
    if (owned)
        GEOSGeom_destroy_r(w->h, owned);
    return st;
}

static void note_failure(worker_t *w, size_t i, gk_status_t st)
{
    w->failed = i;
    w->st = st;
    size_t cur = atomic_load(&w->s->first_fail);
    while (i < cur &&
           !atomic_compare_exchange_weak(&w->s->first_fail, &cur, i)) {
    }
}

/* Take chunks of roads until none is left. Worker 0 runs on the caller's
 * thread and reports progress. */
static void *work(void *arg)
{
    worker_t *w = arg;
    shared_t *s = w->s;
    bool main_thread = w->id == 0;
    for (;;) {
        if (atomic_load(&s->stop))
            break;
        size_t i0 = atomic_fetch_add(&s->next, CHUNK);
        if (i0 >= s->n)
            break;
        size_t i1 = i0 + CHUNK < s->n ? i0 + CHUNK : s->n;
        for (size_t i = i0; i < i1; i++) {
            if (i > atomic_load(&s->first_fail))
                break;
            gk_status_t st = s->phase == 0 ? build_one(w, i) : share_one(w, i);
            if (st != GK_OK) {
                note_failure(w, i, st);
                break;
            }
        }
        if (main_thread && s->phase == 1 &&
            !gk_progress(w->ctx, (double)i1 / (double)s->n, "corridors")) {
            w->st = GK_ERR_INTERRUPTED;
            atomic_store(&s->stop, true);
        }
    }
    return NULL;
}

/* Run the current phase on all workers; the first failure in road order,
 * with its message moved to worker 0's context. */
static gk_status_t run_phase(worker_t *ws, size_t nw, shared_t *s, int phase)
{
    s->phase = phase;
    atomic_store(&s->next, 0);
    for (size_t k = 1; k < nw; k++)
        ws[k].started = pthread_create(&ws[k].thread, NULL, work, &ws[k]) == 0;
    work(&ws[0]);
    for (size_t k = 1; k < nw; k++)
        if (ws[k].started) {
            pthread_join(ws[k].thread, NULL);
            ws[k].started = false;
        } else {
            work(&ws[k]); /* no thread: do its share here */
        }
    if (ws[0].st == GK_ERR_INTERRUPTED)
        return GK_ERR_INTERRUPTED;
    size_t first = NO_ROAD, who = 0;
    for (size_t k = 0; k < nw; k++)
        if (ws[k].failed < first) {
            first = ws[k].failed;
            who = k;
        }
    if (first == NO_ROAD)
        return GK_OK;
    if (who != 0)
        gk_error(ws[0].ctx, ws[who].st, "%s", gk_errmsg(ws[who].ctx));
    return ws[who].st;
}

static gk_status_t worker_init(worker_t *w, shared_t *s, gk_context_t *ctx,
                               size_t id, size_t nw)
{
    bool first = id == 0;
    w->s = s;
    w->id = (uint32_t)id;
    w->failed = NO_ROAD;
    gk_geomcol_init(&w->raw);
    gk_geomcol_init(&w->dense);
    gk_geomcol_init(&w->out);
    if (first) {
        w->ctx = ctx;
        w->tf = s->c->to_plane;
    } else {
        gk_status_t st = gk_context_new(&w->ctx);
        if (st != GK_OK)
            return gk_error(ctx, st, "corridors: cannot create a context");
        st = gk_transform_new(w->ctx, s->c->geo, s->c->plane_crs, &w->own_tf);
        if (st != GK_OK)
            return gk_error(ctx, st, "%s", gk_errmsg(w->ctx));
        w->tf = w->own_tf;
    }
    w->h = gk_ctx_geos(w->ctx);
    w->bp = w->h ? GEOSBufferParams_create_r(w->h) : NULL;
    if (!w->bp)
        return gk_error(ctx, GK_ERR_DEP, "GEOS: no buffer parameters");
    GEOSBufferParams_setEndCapStyle_r(w->h, w->bp, GEOSBUF_CAP_FLAT);
    GEOSBufferParams_setJoinStyle_r(w->h, w->bp, GEOSBUF_JOIN_MITRE);
    GEOSBufferParams_setMitreLimit_r(w->h, w->bp, GK_CORRIDOR_MITRE_LIMIT);
    /* Area mode: room for the triangles at once (a corridor has about 2
     * ring vertices per centerline vertex, and n - 2 triangles for n). */
    size_t hint = 2 * s->c->plane.nverts / nw + 64;
    if (s->kind && (!reserve_huge(&w->tri, &w->cap_tri, &w->len_tri, 0,
                                  6 * hint) ||
                    !reserve_huge(&w->tbox, &w->cap_tbox, &w->len_tbox, 0,
                                  4 * hint)))
        return gk_error_nomem(ctx, "corridor triangles");
    return GK_OK;
}

static void worker_free(worker_t *w, bool first)
{
    if (w->bp)
        GEOSBufferParams_destroy_r(w->h, w->bp);
    free(w->hits);
    if (w->tri)
        gk_huge_free(w->tri, w->len_tri);
    if (w->tbox)
        gk_huge_free(w->tbox, w->len_tbox);
    free(w->ring);
    free(w->link);
    free(w->pieces);
    free(w->near);
    gk_geomcol_clear(&w->raw);
    gk_geomcol_clear(&w->dense);
    gk_geomcol_clear(&w->out);
    gk_transform_free(w->own_tf);
    if (!first)
        gk_context_free(w->ctx);
}

static size_t thread_count(const gk_corridor_opts_t *opts, size_t n)
{
    long t = opts && opts->threads > 0 ? opts->threads : 0;
    if (t == 0)
        t = sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1)
        t = 1;
    if (t > MAX_THREADS)
        t = MAX_THREADS;
    size_t most = n / MIN_PER_THREAD;
    return (size_t)t < most ? (size_t)t : (most ? most : 1);
}

static gk_status_t check_widths(gk_context_t *ctx, const gk_corridors_t *c,
                                const double *hw, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(hw[i]) || hw[i] < 0)
            return gk_error(ctx, GK_ERR_INPUT_VALUE,
                            "%s: feature %lld: half width is %g (must be a "
                            "positive number of metres)",
                            c->label, (long long)c->fids[i], hw[i]);
    return GK_OK;
}

/* The R-tree of the corridors' boxes (built on the caller's thread). */
static gk_status_t build_tree(gk_context_t *ctx, shared_t *s)
{
    gk_box_t *boxes = gk_calloc_array(s->n ? s->n : 1, sizeof *boxes);
    int64_t *ids = gk_calloc_array(s->n ? s->n : 1, sizeof *ids);
    size_t nb = 0;
    for (size_t i = 0; boxes && ids && i < s->n; i++)
        if (s->corr[i]) {
            boxes[nb] = s->box[i];
            ids[nb++] = (int64_t)i;
        }
    gk_status_t st = boxes && ids
                         ? gk_rtree_build(ctx, boxes, ids, nb, NULL, &s->tree)
                         : gk_error_nomem(ctx, "corridor boxes");
    free(boxes);
    free(ids);
    return st;
}

/* The output layer: each road's lon/lat share in input order. */
static gk_status_t collect_polygons(gk_context_t *ctx, shared_t *s,
                                    worker_t *ws, gk_layer_t **polygons)
{
    const gk_corridors_t *c = s->c;
    gk_layer_t *out = gk_layer_alloc("", "corridors");
    if (!out)
        return gk_error_nomem(ctx, "corridors");
    gk_status_t st = gk_crs_copy(ctx, c->geo, &out->crs);
    if (st == GK_OK && !gk_layer_reserve_feature(out, s->n))
        st = gk_error_nomem(ctx, "corridors");
    for (size_t i = 0; st == GK_OK && i < s->n; i++) {
        bool okay;
        if (s->corr[i]) {
            gk_geoms_t v = gk_geomcol_view(&ws[s->owner[i]].out);
            v.types += s->out_geom[i];
            v.geom_off += s->out_geom[i];
            v.ngeoms = 1;
            okay = gk_geomcol_append_view(&out->geoms, &v);
        } else {
            okay = gk_geomcol_begin_geom(&out->geoms, GK_GEOM_NONE);
        }
        if (!okay)
            st = gk_error_nomem(ctx, "corridors");
        out->fids[i] = c->fids[i];
    }
    if (st != GK_OK) {
        gk_layer_free(out);
        return st;
    }
    *polygons = out;
    return GK_OK;
}

gk_status_t gk_corridors_shares_v2(gk_context_t *ctx, const gk_corridors_t *c,
                                   const double *half_width_m,
                                   const gk_corridor_opts_t *opts,
                                   double *share_m2, gk_layer_t **polygons)
{
    if (!ctx || !c || !half_width_m || !share_m2)
        return gk_error(ctx, GK_ERR_ARG, "gk_corridors_shares: NULL argument");
    if (polygons)
        *polygons = NULL;
    size_t n = c->plane.ngeoms;
    gk_status_t st = check_widths(ctx, c, half_width_m, n);
    if (st != GK_OK)
        return st;
    shared_t s = {.c = c,
                  .hw = half_width_m,
                  .share = share_m2,
                  .n = n,
                  .want_polygons = polygons != NULL};
    atomic_init(&s.next, 0);
    atomic_init(&s.first_fail, NO_ROAD);
    atomic_init(&s.stop, false);
    size_t nw = thread_count(opts, n);
    s.corr = gk_calloc_array(n ? n : 1, sizeof *s.corr);
    s.box = gk_calloc_array(n ? n : 1, sizeof *s.box);
    if (polygons) {
        s.owner = gk_calloc_array(n ? n : 1, sizeof *s.owner);
        s.out_geom = gk_calloc_array(n ? n : 1, sizeof *s.out_geom);
    }
    if (!polygons) {
        s.kind = gk_calloc_array(n ? n : 1, sizeof *s.kind);
        s.tri_owner = gk_calloc_array(n ? n : 1, sizeof *s.tri_owner);
        s.tri_off = gk_calloc_array(n ? n : 1, sizeof *s.tri_off);
        s.tri_n = gk_calloc_array(n ? n : 1, sizeof *s.tri_n);
        s.ground = gk_calloc_array(n ? n : 1, sizeof *s.ground);
    }
    worker_t *ws = gk_calloc_array(nw, sizeof *ws);
    s.workers = ws;
    if (!s.corr || !s.box || !ws || (polygons && (!s.owner || !s.out_geom)) ||
        (!polygons &&
         (!s.kind || !s.tri_owner || !s.tri_off || !s.tri_n || !s.ground)))
        st = gk_error_nomem(ctx, "corridors");
    size_t ready = 0;
    for (; st == GK_OK && ready < nw; ready++)
        st = worker_init(&ws[ready], &s, ctx, ready, nw);
    if (st == GK_OK)
        st = run_phase(ws, nw, &s, 0);
    if (st == GK_OK)
        st = build_tree(ctx, &s);
    /* Progress 0 marks the end of the corridors (the bench times it). */
    if (st == GK_OK && !gk_progress(ctx, 0, "corridors"))
        st = GK_ERR_INTERRUPTED;
    if (st == GK_OK)
        st = run_phase(ws, nw, &s, 1);
    if (st == GK_OK && polygons)
        st = collect_polygons(ctx, &s, ws, polygons);
    for (size_t i = 0; s.corr && i < n; i++)
        if (s.corr[i])
            GEOSGeom_destroy_r(ws[0].h, s.corr[i]);
    for (size_t k = 0; ws && k < ready; k++)
        worker_free(&ws[k], k == 0);
    free(ws);
    free(s.corr);
    free(s.box);
    free(s.owner);
    free(s.out_geom);
    free(s.kind);
    free(s.tri_owner);
    free(s.tri_off);
    free(s.tri_n);
    free(s.ground);
    gk_rtree_free(s.tree);
    return st;
}

gk_status_t gk_corridors_shares(gk_context_t *ctx, const gk_corridors_t *c,
                                const double *half_width_m, double *share_m2,
                                gk_layer_t **polygons)
{
    return gk_corridors_shares_v2(ctx, c, half_width_m, NULL, share_m2,
                                  polygons);
}
