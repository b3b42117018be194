/*
 * lib/volume/volume_internal.h - what the volume module's files share: the
 * DEM handle, the block reader, the coverage plan built from the region's
 * edges, and the design evaluator. Not installed; no GK_API.
 */
#ifndef GK_VOLUME_INTERNAL_H
#define GK_VOLUME_INTERNAL_H

#include <gdal.h>

#include "core/core_internal.h"
#include "geom/geom_internal.h"
#include "geokota/volume.h"

#define GK_PI 3.14159265358979323846

struct gk_dem {
    gk_dem_info_t info;
    char *path;
    int band;
    GDALDatasetH ds;
    GDALRasterBandH bh;
    GDALDataType type;
    char *wkt;
    char *z_unit;
    double inv_gt[6];     /* world -> (u, v) cell coordinates */
    double *row_area_m2;  /* height entries: area of one cell of each row */
    double *dual_area_m2; /* height - 1 entries: area of one TIN cell per row */
};

/* ---- dem.c: reading blocks ------------------------------------------- */

/* One thread's access to a DEM: its own GDAL handle (GDAL handles are not
 * thread-safe), a few decoded blocks (as doubles, nodata -> NaN, heights in
 * metres), and a raw block buffer for the fast path. */
#define GK_READER_SLOTS 6
typedef struct gk_dem_reader {
    const gk_dem_t *dem;
    gk_context_t *ctx;        /* for GDAL messages and errors */
    GDALDatasetH ds;          /* owned unless == dem->ds */
    GDALRasterBandH bh;
    void *raw;                /* one native block */
    double *slot[GK_READER_SLOTS];
    int64_t slot_key[GK_READER_SLOTS]; /* block index, -1 empty */
    unsigned slot_age[GK_READER_SLOTS];
    unsigned clock;
} gk_dem_reader_t;

/* Set up a reader; own_handle opens a separate GDAL dataset (for workers). */
gk_status_t gk_dem_reader_init(gk_dem_reader_t *r, gk_context_t *ctx,
                               const gk_dem_t *dem, bool own_handle);
void gk_dem_reader_fini(gk_dem_reader_t *r);
/* Read native block (bx, by) into r->raw (GDALReadBlock: no block cache). */
gk_status_t gk_dem_read_raw(gk_dem_reader_t *r, int bx, int by);
/* The decoded block (bx, by) as doubles (nodata = NaN, metres), cached. */
gk_status_t gk_dem_block(gk_dem_reader_t *r, int bx, int by,
                         const double **out);
/* One cell's height in metres (NaN for nodata or outside). */
gk_status_t gk_dem_cell(gk_dem_reader_t *r, int64_t col, int64_t row,
                        double *z);
/* Bilinear (or nearest) height at cell coordinates (u, v) (cell centres at
 * half-integers); NaN where a needed cell is nodata or outside. */
gk_status_t gk_dem_sample(gk_dem_reader_t *r, double u, double v,
                          gk_resample_t how, double *z);
/* Decode n raw cells starting at raw element `off` into metres / NaN. */
void gk_dem_decode(const gk_dem_t *dem, const void *raw, size_t off,
                   size_t n, double *out);

static inline void gk_dem_world(const gk_dem_t *d, double u, double v,
                                double *x, double *y)
{
    const double *g = d->info.geotransform;
    *x = g[0] + u * g[1] + v * g[2];
    *y = g[3] + u * g[4] + v * g[5];
}

static inline void gk_dem_grid(const gk_dem_t *d, double x, double y,
                               double *u, double *v)
{
    const double *g = d->inv_gt;
    *u = g[0] + x * g[1] + y * g[2];
    *v = g[3] + x * g[4] + y * g[5];
}

/* ---- region.c: the region in grid coordinates -------------------------- */

/* Rings of the region in cell coordinates (u, v), each with its weight:
 * +1 or -1 so that exteriors add and holes subtract whatever way they turn. */
typedef struct gk_rings {
    size_t nrings;
    int64_t *off;     /* nrings + 1 offsets into uv (vertices) */
    double *uv;       /* 2 * nverts */
    int8_t *weight;   /* per ring */
    double area_m2;   /* area of the whole region (inside the DEM or not) */
    double umin, vmin, umax, vmax;
} gk_rings_t;

gk_status_t gk_region_to_grid(gk_context_t *ctx, const gk_dem_t *dem,
                              const gk_geoms_t *region, const char *crs,
                              const char *name, gk_rings_t *out);
void gk_rings_free(gk_rings_t *r);

/* region_union.c: when features of g overlap (boxes overlapping with
 * positive area), set *merged and fill `out` (in the DEM's CRS) with the
 * features that overlap nothing followed by one MultiPolygon, the GEOS
 * union of the others; the caller clears it. Nothing to do, or GEOS
 * cannot union them (a warning is logged): *merged = false. */
gk_status_t gk_region_merge_overlaps(gk_context_t *ctx, const gk_dem_t *dem,
                                     const gk_geoms_t *g, const char *crs,
                                     const char *name, gk_geomcol_t *out,
                                     bool *merged);

/* Transform n interleaved points from `crs` into the DEM's CRS in place,
 * (one PJ, one proj_trans_generic). crs NULL: nothing to do. */
gk_status_t gk_transform_to_dem(gk_context_t *ctx, const gk_dem_t *dem,
                                const char *crs, const char *name,
                                double *xy, size_t n);

/* ---- plan.c: coverage plan ------------------------------------------- */

/* A piece of a ring edge inside one cell of a grid (cells [i,i+1]x[j,j+1]),
 * with vb != va; sign is the winding change crossing it to the right. */
typedef struct gk_piece {
    int32_t row, col;
    int32_t sign;
    int32_t pad_;
    double ua, va, ub, vb;
} gk_piece_t;

/* An interval of the winding W(v) at a cell's left edge: W = w on
 * [va, vb] (v in cell coordinates of the row). */
typedef struct gk_wint {
    double va, vb, w;
} gk_wint_t;

/* A run of cells [col0, col1) in a row: either one boundary cell with its
 * pieces (npieces > 0 or not), or cells crossed by no edge. The winding at
 * the left edge of each cell is the step function in wint[wint_off ..]. */
typedef struct gk_item {
    int32_t row, col0, col1;
    uint32_t nwint, npieces;
    size_t wint_off, piece_off;
    double frac;   /* area fraction of each cell in [0, 1] */
} gk_item_t;

typedef struct gk_plan {
    int64_t width, height;   /* grid size in cells */
    size_t nitems, npieces, nwint;
    gk_item_t *items;        /* sorted by (row, col0) */
    gk_piece_t *pieces;      /* sorted by (row, col) */
    gk_wint_t *wint;
} gk_plan_t;

/* Build the plan of rings `r` on a grid of width x height cells whose cell
 * (i, j) is [i + shift, i + 1 + shift] x [j + shift, j + 1 + shift] in the
 * rings' coordinates (shift 0 for DEM cells, 0.5 for TIN cells). */
gk_status_t gk_plan_build(gk_context_t *ctx, const gk_rings_t *r,
                          int64_t width, int64_t height, double shift,
                          gk_plan_t *out);
/* The same on DEM cells (shift 0) keeping only what the cell method
 * needs: each item's fraction (no pieces, no W(v) intervals: npieces =
 * nwint = 0), and an item joins the one before it in its row when they
 * touch and their fractions are equal, so every cell has the same
 * fraction as in gk_plan_build's plan, with fewer items and less memory. */
gk_status_t gk_plan_build_fractions(gk_context_t *ctx, const gk_rings_t *r,
                                    int64_t width, int64_t height,
                                    gk_plan_t *out);
void gk_plan_free(gk_plan_t *p);

/* ---- design.c --------------------------------------------------------- */

typedef struct gk_centerline {
    size_t nlines;
    int64_t *off;  /* nlines + 1 into xy */
    double *xy;    /* metric frame (DEM CRS for projected DEMs, else a local
                      transverse Mercator), metres */
    double *cum;   /* cumulative length at each vertex */
    PJ *to_dem;    /* metric frame -> DEM CRS, NULL if identity (scaled) */
    double unit;   /* DEM CRS units per metre when to_dem is NULL */
} gk_centerline_t;

gk_status_t gk_centerline_build(gk_context_t *ctx, const gk_dem_t *dem,
                                const gk_geoms_t *g, const char *crs,
                                gk_centerline_t *out);
void gk_centerline_free(gk_centerline_t *c);
/* Station and offset of a metric-frame point on line `k` (nearest point);
 * offset positive to the left. */
void gk_centerline_project(const gk_centerline_t *c, size_t k, double x,
                           double y, double *s, double *t);
/* Point and unit direction at station s on line k (metric frame). */
void gk_centerline_at(const gk_centerline_t *c, size_t k, double s,
                      double *x, double *y, double *dx, double *dy);

/* Finished grade minus camber and thickness at station s, offset t of
 * centerline line `line` (its own profile when rd->line_off is set). */
double gk_road_formation(const gk_road_design_t *rd, size_t line, double s,
                         double t);
/* ground_profile.c: the least-squares line through the (s[j], z[j]) with
 * |s[j] - s[i]| <= half (NaN z left out), at s[i], for every i; NaN where
 * no sample is in reach. s increasing. Kernel: no allocation. */
void gk_profile_smooth(const double *s, const double *z, size_t n,
                       double half, double *out);

/* A design evaluator for one thread. */
typedef struct gk_design_eval {
    const gk_design_t *d;
    const gk_dem_t *dem;
    gk_dem_reader_t surf;         /* GK_DESIGN_SURFACE */
    bool surf_open;
    const gk_centerline_t *cl;    /* GK_DESIGN_ROAD */
    PJ *dem_to_metric;            /* GK_DESIGN_ROAD on a lon/lat DEM */
} gk_design_eval_t;

gk_status_t gk_design_eval_init(gk_design_eval_t *e, gk_context_t *ctx,
                                const gk_design_t *d, const gk_dem_t *dem,
                                const gk_centerline_t *cl, bool own_handle);
void gk_design_eval_fini(gk_design_eval_t *e);
/* True when the design is z = a + b u + c v in DEM cell coordinates. */
bool gk_design_linear(const gk_design_t *d, const gk_dem_t *dem, double *a,
                      double *b, double *c);
/* Design height at DEM cell coordinates (u, v); NaN = no design there. */
gk_status_t gk_design_at(gk_design_eval_t *e, double u, double v, double *z);

/* ---- the methods --------------------------------------------------------- */

typedef struct gk_sums {
    double cut, fill, area, ncells;
} gk_sums_t;

/* ---- blocks.c: work units, one per DEM block the plan touches --------- */
typedef struct gk_unit {
    int bx, by;       /* the block */
    size_t k0, k1;    /* the plan items of its block row: items[k0 .. k1) */
} gk_unit_t;

typedef struct gk_units {
    size_t nunits;
    gk_unit_t *units; /* in block-row, block-column order */
} gk_units_t;

/* One unit per DEM block that holds a cell of some plan item (item (i, j)
 * belongs to block (i / bw, j / bh); TIN items use the same rule on their
 * top-left cell centre). A unit keeps the item range of its block row;
 * gk_unit_next picks out the items with cells in its block, so no
 * per-block list of items is built. */
gk_status_t gk_units_build(gk_context_t *ctx, const gk_plan_t *pl,
                           const gk_dem_t *dem, gk_units_t *out);
void gk_units_free(gk_units_t *u);

/* The first item at or after i (up to u->k1) with cells in columns
 * [x0, x1) of unit u's block row; u->k1 when none is left. Items come in
 * plan order (row, then column). */
static inline size_t gk_unit_next(const gk_plan_t *pl, const gk_unit_t *u,
                                  size_t i, int64_t x0, int64_t x1)
{
    while (i < u->k1 &&
           (pl->items[i].col1 <= x0 || pl->items[i].col0 >= x1))
        i++;
    return i;
}

/* Run fn(unit, state of thread t, shared) for every unit on `threads`
 * threads (the calling thread is thread 0). The thread states are one array
 * of `threads` elements of tsize bytes at tstate, each starting with its
 * gk_volume_worker_t, whose context carries the thread's errors.
 * After each of its units thread 0 reports gk_progress(ctx, fraction,
 * "volume") with the fraction of units done mapped onto [p0, p1]; when the
 * callback says stop, the threads finish their current unit and the run
 * returns GK_ERR_INTERRUPTED. Otherwise returns the first failing unit's
 * status (in unit order). */
typedef gk_status_t (*gk_unit_fn)(size_t unit, void *tstate, void *shared);
/* The share of the progress fraction the volume pass takes: all of it, or
 * the first half when a difference raster is written after it. */
static inline double gk_volume_pass_share(const gk_volume_opts_t *o)
{
    return o->diff_raster_path ? 0.5 : 1.0;
}
/* Threads for a pass over nunits units: o->threads (0: one), at most one
 * per unit, at least one. */
static inline unsigned gk_volume_threads(const gk_volume_opts_t *o,
                                         size_t nunits)
{
    unsigned nt = o->threads ? o->threads : 1;
    if (nt > nunits)
        nt = nunits ? (unsigned)nunits : 1;
    return nt;
}
/* What each worker thread of a volume pass owns: a context of its own
 * (errors), a DEM reader and a design evaluator. Worker 0 shares the
 * caller's GDAL handle, the others open their own. init copies a failure
 * into ctx; fini is safe on a zeroed or partly set-up worker. */
typedef struct gk_volume_worker {
    gk_context_t *ctx;
    gk_dem_reader_t rd;
    gk_design_eval_t de;
} gk_volume_worker_t;
gk_status_t gk_volume_worker_init(gk_volume_worker_t *w, gk_context_t *ctx,
                                  unsigned index, const gk_dem_t *dem,
                                  const gk_design_t *design,
                                  const gk_centerline_t *cl);
void gk_volume_worker_fini(gk_volume_worker_t *w);
gk_status_t gk_units_run(gk_context_t *ctx, size_t nunits, unsigned threads,
                         void *tstate, size_t tsize, gk_unit_fn fn,
                         void *shared, double p0, double p1);

/* Cells [x0, x0 + w) x [y0, y0 + h) as metres (NaN: nodata or outside). */
gk_status_t gk_dem_window(gk_dem_reader_t *r, int64_t x0, int64_t y0,
                          int64_t w, int64_t h, double *out);

/* The cell method's kernel over n float heights z against the design
 * d0 + slope * k at cell k (heights times zs, nodata nd when has_nd):
 * out = {cut, fill, valid cells}, in metres x cells. Versions with the
 * same bits: portable (cutfill.c) and x86 (cutfill_x86.c): the best the
 * CPU has up to `level` (2: AVX-512F, 1: AVX2), NULL if none. */
typedef void (*gk_kern_f32_fn)(const float *z, size_t n, double d0,
                               double slope, double zs, int has_nd, float nd,
                               double out[3]);
void gk_kern_f32_portable(const float *z, size_t n, double d0, double slope,
                          double zs, int has_nd, float nd, double out[3]);
gk_kern_f32_fn gk_kern_f32_x86(int level);

/* Every kernel's tail: cells i .. n - 1 (after the 16-lane body) added in
 * order to the body's cut, fill and count, then out = {cut, fill, count}.
 * One copy, so that all kernels round it alike; `level` and `has_nd` are
 * constants at each call (always inlined, also into the x86 target
 * functions). Counts are integers, exact in a double. */
static inline __attribute__((always_inline)) void
gk_kern_f32_tail(const float *z, size_t i, size_t n, double d0, double slope,
                 double zs, float nd, double cut, double fill, double cnt,
                 double out[3], const bool level, const bool has_nd)
{
    for (; i < n; i++) {
        float zf = z[i];
        if (zf != zf || (has_nd && zf == nd))
            continue;
        double h = level ? (double)zf - d0
                         : (double)zf * zs - (d0 + slope * (double)i);
        if (h > 0)
            cut += h;
        else
            fill -= h;
        cnt += 1;
    }
    out[0] = cut;
    out[1] = fill;
    out[2] = cnt;
}

gk_status_t gk_volume_cell(gk_context_t *ctx, const gk_dem_t *dem,
                           const gk_rings_t *rings,
                           const gk_volume_opts_t *o,
                           const gk_centerline_t *cl, gk_sums_t *out);
gk_status_t gk_volume_tin(gk_context_t *ctx, const gk_dem_t *dem,
                          const gk_rings_t *rings, const gk_volume_opts_t *o,
                          const gk_centerline_t *cl, gk_sums_t *out);
gk_status_t gk_volume_sections(gk_context_t *ctx, const gk_dem_t *dem,
                               const gk_volume_opts_t *o,
                               const gk_centerline_t *cl,
                               gk_volume_result_t *out);
gk_status_t gk_volume_write_diff(gk_context_t *ctx, const gk_dem_t *dem,
                                 const gk_rings_t *rings,
                                 const gk_volume_opts_t *o,
                                 const gk_centerline_t *cl);

/* Closed-form TIN pieces (tin.c), exposed for the tests. */
/* Positive and negative parts of the integral of a linear h over a
 * triangle of area `area` with vertex values h0, h1, h2. */
void gk_tri_cutfill(double area, double h0, double h1, double h2,
                    double *cut, double *fill);

#endif /* GK_VOLUME_INTERNAL_H */
