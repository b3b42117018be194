/*
 * geokota/rtree.h - the spatial index: a packed R-tree over boxes, with
 * inserts and removals, saved to and opened from .gkidx files by mmap.
 *
 * A tree holds items: a box (gk_box_t, doubles, in any planar units) and a
 * caller id (int64_t). It is built in one go from arrays (gk_rtree_build), or
 * grown item by item (gk_rtree_new + gk_rtree_insert), or opened from a file
 * (gk_rtree_open). The same queries work on all three.
 *
 * Layout: a static packed tree (Hilbert or STR order) whose nodes hold their
 * children's boxes side by side (xmin[], ymin[], xmax[], ymax[]) so a node is
 * tested with a few SIMD compares; children are found by arithmetic, never by
 * pointers, so memory is 40 bytes per item (box + id) plus about 32/(B-1)
 * bytes of inner nodes for node size B (36 when every id fits in 32 bits).
 * Inserts go to a small buffer that is merged into packed sub-trees of
 * geometrically growing size (the logarithmic method of
 * Bentley and Saxe, as in the Bkd-tree); removals blank the item in place.
 * gk_rtree_repack() folds everything back into one packed tree.
 *
 * Query semantics (exact, in double precision, boxes closed):
 * - a box intersects a window when xmin <= w.xmax && xmax >= w.xmin and the
 *   same in y (touching counts);
 * - the distance between two boxes is the Euclidean length of the gap
 *   between them (0 when they intersect); a point is a box with
 *   xmin == xmax and ymin == ymax.
 * A query box with NaN coordinates matches nothing.
 *
 * Thread safety: query functions take a const tree, no context, never
 * allocate and never fail; any number of threads may query one tree at once.
 * gk_rtree_insert, gk_rtree_remove, gk_rtree_update and gk_rtree_repack
 * mutate the tree and need exclusive access (no concurrent queries). There
 * is no global state.
 */
#ifndef GEOKOTA_RTREE_H
#define GEOKOTA_RTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "geokota/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An R-tree; opaque. Create with gk_rtree_build(), gk_rtree_new() or
 *  gk_rtree_open(); free with gk_rtree_free(). */
typedef struct gk_rtree gk_rtree_t;

/** How the packed layout orders items. */
typedef enum gk_rtree_method {
    GK_RTREE_HILBERT = 0, /**< sort by the Hilbert key of box centres */
    GK_RTREE_STR = 1,     /**< Sort-Tile-Recursive (Leutenegger et al.) */
} gk_rtree_method_t;

/** Build options; zero means default, NULL means all defaults. */
typedef struct gk_rtree_opts {
    /** Children per node: a multiple of 4 in [4, 64]; 0 = default (16,
     *  chosen by measurement, see bench/RESULTS.md). */
    uint32_t node_size;
    /** Sort order of the packed layout; default GK_RTREE_HILBERT. */
    gk_rtree_method_t method;
} gk_rtree_opts_t;

/** Default children per node. */
#define GK_RTREE_DEFAULT_NODE_SIZE 16

/**
 * @defgroup rtree_life Building, freeing, describing
 * @{
 */

/**
 * Build a packed tree over @p n boxes in one go.
 *
 * Cost: one radix sort of 32-bit keys plus one pass over the boxes; extra
 * memory during the build is nil (the sort runs inside the tree's own
 * storage).
 *
 * @param[in]  boxes  @p n boxes, borrowed; each must be finite with
 *                    xmin <= xmax and ymin <= ymax (points are fine)
 * @param[in]  ids    @p n ids, borrowed; NULL means ids 0, 1, ..., n-1
 * @param[in]  n      number of items, below 2^32; 0 gives an empty tree
 * @param[in]  opts   options or NULL
 * @param[out] out    the tree, owned by the caller (gk_rtree_free)
 * @return GK_OK; GK_ERR_ARG for NULL pointers or a bad option;
 *         GK_ERR_INPUT_NAN for a non-finite coordinate and
 *         GK_ERR_INPUT_VALUE for xmin > xmax (the message names the box);
 *         GK_ERR_UNSUPPORTED for n >= 2^32; GK_ERR_NOMEM.
 * @since 0.1
 */
GK_API gk_status_t gk_rtree_build(gk_context_t *ctx, const gk_box_t *boxes,
                                  const int64_t *ids, size_t n,
                                  const gk_rtree_opts_t *opts,
                                  gk_rtree_t **out);

/**
 * Create an empty tree to fill with gk_rtree_insert().
 * @return GK_OK, GK_ERR_ARG, GK_ERR_NOMEM.
 * @since 0.1
 */
GK_API gk_status_t gk_rtree_new(gk_context_t *ctx, const gk_rtree_opts_t *opts,
                                gk_rtree_t **out);

/** Free a tree (and unmap its file). NULL is a no-op. */
GK_API void gk_rtree_free(gk_rtree_t *tree);

/** What gk_rtree_info() reports. */
typedef struct gk_rtree_info {
    size_t num_items;      /**< live items */
    size_t num_removed;    /**< removed items still taking space */
    size_t num_buffered;   /**< inserted items not yet in a packed part */
    size_t num_parts;      /**< packed sub-trees (1 after build/repack) */
    uint32_t node_size;    /**< children per node */
    uint32_t height;       /**< levels of the largest part (0 if empty) */
    size_t num_nodes;      /**< nodes over all parts */
    size_t memory_bytes;   /**< bytes of node, id and buffer storage */
    gk_box_t bounds;       /**< box around all items; NaNs if empty */
    gk_rtree_method_t method;
    bool mapped;           /**< the largest part is a mapped file */
} gk_rtree_info_t;

/** Describe a tree; cannot fail. */
GK_API gk_rtree_info_t gk_rtree_info(const gk_rtree_t *tree);

/** Number of live items (0 for NULL). */
GK_API size_t gk_rtree_size(const gk_rtree_t *tree);
/** @} */

/**
 * @defgroup rtree_query Queries (no context, no allocation, cannot fail)
 *
 * The _query_ functions write at most @p cap ids to @p ids (which may be
 * NULL when cap is 0) and return the total number of matches, which may
 * exceed @p cap (snprintf's rule: call again with a bigger buffer). Order:
 * tree order (deterministic for a given tree), not sorted.
 * @{
 */

/** Items whose box intersects @p window (touching counts). */
GK_API size_t gk_rtree_query_box(const gk_rtree_t *tree, gk_box_t window,
                                 int64_t *ids, size_t cap);

/** Items whose box contains the point (x, y), boundary included. */
GK_API size_t gk_rtree_query_point(const gk_rtree_t *tree, double x, double y,
                                   int64_t *ids, size_t cap);

/** Items whose box lies within distance @p d (>= 0, index units) of the box
 *  @p q (a point when q is degenerate): box distance <= d. */
GK_API size_t gk_rtree_query_within(const gk_rtree_t *tree, gk_box_t q,
                                    double d, int64_t *ids, size_t cap);

/** Called for each match with its id and box (valid during the call only);
 *  return false to stop the query early. */
typedef bool (*gk_rtree_visit_fn)(int64_t id, const gk_box_t *box,
                                  void *user);

/** Visit items whose box intersects @p window; returns the number visited
 *  (including the one that stopped the walk). */
GK_API size_t gk_rtree_visit_box(const gk_rtree_t *tree, gk_box_t window,
                                 gk_rtree_visit_fn fn, void *user);

/** Visit items whose box is within distance @p d of @p q. */
GK_API size_t gk_rtree_visit_within(const gk_rtree_t *tree, gk_box_t q,
                                    double d, gk_rtree_visit_fn fn,
                                    void *user);

/**
 * Exact distance from the query to item @p id, for kNN over real
 * geometries. It must be >= the box distance (a geometry lies inside its
 * box); smaller values are raised to the box distance. Return INFINITY or
 * NaN to exclude the item.
 */
typedef double (*gk_rtree_dist_fn)(int64_t id, const gk_box_t *item_box,
                                   const gk_box_t *query, void *user);

/** kNN options; zero means default, NULL means all defaults. */
typedef struct gk_rtree_knn_opts {
    gk_rtree_dist_fn dist_fn; /**< NULL: distance between boxes */
    void *user;               /**< passed to dist_fn */
    bool has_max_dist;        /**< only items within max_dist */
    double max_dist;          /**< used when has_max_dist */
} gk_rtree_knn_opts_t;

/**
 * The @p k items nearest to @p q (a point when degenerate).
 *
 * Exact branch-and-bound over box distances, nodes taken nearest first;
 * with dist_fn the ranking uses the exact distances it returns. Results are
 * sorted by distance, ties by id, so they are deterministic.
 *
 * @param[out] ids    k ids (caller buffer)
 * @param[out] dists  k distances in index units (caller buffer; needed as
 *                    the working heap, so it must not be NULL)
 * @return the number found, min(k, items in range); 0 if a buffer is NULL.
 */
GK_API size_t gk_rtree_nearest(const gk_rtree_t *tree, gk_box_t q, size_t k,
                               const gk_rtree_knn_opts_t *opts, int64_t *ids,
                               double *dists);
/** @} */

/**
 * @defgroup rtree_batch Batch queries and joins (owned results)
 * @{
 */

/** Results of many queries or of a join; opaque, free with gk_hits_free(). */
typedef struct gk_hits gk_hits_t;

/** A borrowed view of a gk_hits_t, valid until it is freed. */
typedef struct gk_hits_view {
    size_t num_queries;     /**< batch: number of windows; join: 0 */
    const int64_t *offsets; /**< batch: num_queries + 1 offsets into ids */
    size_t num_ids;         /**< batch: total hits; join: pairs */
    const int64_t *ids;     /**< batch: ids of all hits; join: ids in a */
    const int64_t *ids_b;   /**< join: ids in b (NULL for a batch) */
} gk_hits_view_t;

/** The arrays of @p hits (CSR style for batches). */
GK_API gk_hits_view_t gk_hits_view(const gk_hits_t *hits);

/** Free hits. NULL is a no-op. */
GK_API void gk_hits_free(gk_hits_t *hits);

/**
 * Window queries for @p n windows: hits of window i are
 * ids[offsets[i] .. offsets[i+1]-1], in the order gk_rtree_query_box gives.
 * @return GK_OK, GK_ERR_ARG, GK_ERR_NOMEM; *out owned by the caller.
 */
GK_API gk_status_t gk_rtree_query_box_batch(gk_context_t *ctx,
                                            const gk_rtree_t *tree,
                                            const gk_box_t *windows, size_t n,
                                            gk_hits_t **out);

/**
 * Spatial join: every pair (item of @p a, item of @p b) whose boxes
 * intersect, found by walking both trees together (no n x m work). Pairs
 * come in a deterministic order; a and b may be the same tree.
 * @return GK_OK, GK_ERR_ARG, GK_ERR_NOMEM; *out owned by the caller.
 */
GK_API gk_status_t gk_rtree_join(gk_context_t *ctx, const gk_rtree_t *a,
                                 const gk_rtree_t *b, gk_hits_t **out);
/** @} */

/**
 * @defgroup rtree_dyn Changing a tree (exclusive access needed)
 * @{
 */

/** Add one item. Amortised O(log n) box sorts; see the file comment.
 *  @return GK_OK, GK_ERR_ARG, GK_ERR_INPUT_NAN, GK_ERR_INPUT_VALUE,
 *  GK_ERR_NOMEM (the tree is then unchanged). */
GK_API gk_status_t gk_rtree_insert(gk_context_t *ctx, gk_rtree_t *tree,
                                   gk_box_t box, int64_t id);

/**
 * Remove one item with id @p id whose box intersects @p box (pass the box
 * it was inserted with). Sets *removed (may be NULL) to whether one was
 * found. A part opened from a file is copied to memory first.
 * @return GK_OK, GK_ERR_ARG, GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_rtree_remove(gk_context_t *ctx, gk_rtree_t *tree,
                                   int64_t id, gk_box_t box, bool *removed);

/** Move item @p id from @p old_box to @p new_box (remove + insert). If
 *  it is not found nothing changes and *found (may be NULL) is false. */
GK_API gk_status_t gk_rtree_update(gk_context_t *ctx, gk_rtree_t *tree,
                                   int64_t id, gk_box_t old_box,
                                   gk_box_t new_box, bool *found);

/** Fold all parts, the buffer and removals back into one packed tree.
 *  @return GK_OK, GK_ERR_NOMEM (the tree is then unchanged). */
GK_API gk_status_t gk_rtree_repack(gk_context_t *ctx, gk_rtree_t *tree);
/** @} */

/**
 * @defgroup rtree_file Saving and opening (.gkidx)
 *
 * The file is a 128-byte little-endian header (magic, format version,
 * counts, node size, bounds, CRC32C of header and data) followed by the
 * nodes exactly as they sit in memory, so opening maps the file and queries
 * it in place: no parse, no copy. Format version 2 (this one) stores the
 * leaves' boxes as exact doubles and the inner nodes' boxes as floats
 * rounded outward (answers are exact either way); version 1 files, with
 * double inner nodes, still open (see gk_rtree_open()).
 * @{
 */

/**
 * Save @p tree to @p path atomically (temporary file in the same
 * directory, fsync, rename). A tree with several parts or removals is
 * written repacked (the tree itself is not changed).
 * @return GK_OK, GK_ERR_ARG, GK_ERR_IO (message names the path and the
 *         system error), GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_rtree_save(gk_context_t *ctx, const gk_rtree_t *tree,
                                 const char *path);

/** Open options; zero means default, NULL means all defaults. */
typedef struct gk_rtree_open_opts {
    /** Skip the CRC32C check of the data (structure is still checked, so a
     *  corrupt file gives wrong answers but never a crash). */
    bool no_verify;
} gk_rtree_open_opts_t;

/**
 * Open a saved tree by mapping the file read-only. The tree keeps the
 * mapping until gk_rtree_free(). A version 1 file (written before the
 * float inner nodes) is checked the same way, then copied into memory and
 * its inner levels rebuilt (memory the size of the index; info.mapped is
 * false); saving it again writes version 2, which maps in place.
 * @return GK_OK; GK_ERR_IO if the file cannot be read; GK_ERR_FORMAT for a
 *         truncated, corrupt or foreign file; GK_ERR_UNSUPPORTED for a newer
 *         format version or a big-endian host; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_rtree_open(gk_context_t *ctx, const char *path,
                                 const gk_rtree_open_opts_t *opts,
                                 gk_rtree_t **out);

/**
 * Like gk_rtree_open() over bytes already in memory (the contents of a
 * .gkidx file), without copying: @p data must be 8-byte aligned and stay
 * valid and unchanged until the tree is freed.
 */
GK_API gk_status_t gk_rtree_open_wrap(gk_context_t *ctx, const void *data,
                                      size_t size,
                                      const gk_rtree_open_opts_t *opts,
                                      gk_rtree_t **out);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_RTREE_H */
