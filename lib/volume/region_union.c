/*
 * lib/volume/region_union.c - make overlapping region features count once.
 *
 * The coverage plan adds the winding numbers of all rings, so where two
 * features overlap a cell would be counted twice (and a clamp to 1 is
 * exact only in cells inside both). Here the features whose bounding boxes
 * overlap another's (with positive area: boxes that only touch, as tiles of
 * a parcel map do, cannot hide an overlap of positive area) are replaced by
 * their union, computed by GEOS (GEOSUnaryUnion, overlay in double
 * precision: new vertices where edges cross carry a rounding of a few ulps
 * of the coordinates, far below any cell's size). Features that overlap
 * nothing are kept as they are, so a layer of disjoint polygons costs one
 * sort of its boxes and no GEOS call.
 *
 * The union is taken in the DEM's CRS (the vertices are transformed first),
 * where the coverage treats edges as straight, so the merged region is the
 * same set the coverage of the separate features describes.
 *
 * Finding the pairs: sort the boxes by xmin and sweep; O(n log n) plus the
 * pairs whose x ranges overlap.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom/geos_internal.h"
#include "volume_internal.h"

typedef struct fbox {
    gk_box_t b;
    size_t i;
} fbox_t;

static int by_xmin(const void *a, const void *b)
{
    double x = ((const fbox_t *)a)->b.xmin, y = ((const fbox_t *)b)->b.xmin;
    return (x > y) - (x < y);
}

/* Mark the features whose boxes overlap another's with positive area.
 * Returns how many are marked, or SIZE_MAX when memory runs out. */
static size_t mark_overlaps(const gk_geoms_t *g, bool *mark)
{
    fbox_t *fb = gk_calloc_array(g->ngeoms ? g->ngeoms : 1, sizeof *fb);
    if (!fb)
        return SIZE_MAX;
    size_t n = 0, marked = 0;
    for (size_t i = 0; i < g->ngeoms; i++) {
        gk_box_t b = gk_geoms_feature_box(g, i);
        if (!isnan(b.xmin))
            fb[n++] = (fbox_t){b, i};
    }
    qsort(fb, n, sizeof *fb, by_xmin);
    for (size_t a = 0; a < n; a++)
        for (size_t c = a + 1; c < n && fb[c].b.xmin < fb[a].b.xmax; c++) {
            if (!(fb[c].b.ymin < fb[a].b.ymax && fb[a].b.ymin < fb[c].b.ymax))
                continue;
            marked += !mark[fb[a].i] + !mark[fb[c].i];
            mark[fb[a].i] = mark[fb[c].i] = true;
        }
    free(fb);
    return marked;
}

/* Append feature i of g, rings closed, coordinates transformed later. */
static bool copy_feature(gk_geomcol_t *c, const gk_geoms_t *g, size_t i)
{
    if (!gk_geomcol_begin_geom(c, (gk_geom_type_t)g->types[i]))
        return false;
    for (int64_t p = g->geom_off[i]; p < g->geom_off[i + 1]; p++) {
        if (!gk_geomcol_begin_part(c))
            return false;
        for (int64_t r = g->part_off[p]; r < g->part_off[p + 1]; r++) {
            int64_t a = g->ring_off[r], b = g->ring_off[r + 1];
            if (!gk_geomcol_begin_ring(c))
                return false;
            for (int64_t v = a; v < b; v++)
                if (!gk_geomcol_add_xy(c, g->xy[2 * v], g->xy[2 * v + 1]))
                    return false;
            if ((g->xy[2 * a] != g->xy[2 * b - 2] ||
                 g->xy[2 * a + 1] != g->xy[2 * b - 1]) &&
                !gk_geomcol_add_xy(c, g->xy[2 * a], g->xy[2 * a + 1]))
                return false;
        }
    }
    return true;
}

/* The union of the marked features of t (GEOS), or NULL with the reason in
 * the context's dependency message. */
static GEOSGeometry *union_marked(GEOSContextHandle_t h, const gk_geoms_t *t,
                                  const bool *mark, size_t nmarked)
{
    GEOSGeometry **parts = gk_calloc_array(nmarked, sizeof *parts);
    if (!parts)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < t->ngeoms; i++) {
        if (!mark[i])
            continue;
        parts[k] = gk_geos_from_feature(h, t, i);
        if (!parts[k]) {
            for (size_t j = 0; j < k; j++)
                GEOSGeom_destroy_r(h, parts[j]);
            free(parts);
            return NULL;
        }
        k++;
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(
        h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)k);
    if (!coll) {
        for (size_t j = 0; j < k; j++)
            GEOSGeom_destroy_r(h, parts[j]);
        free(parts);
        return NULL;
    }
    free(parts); /* the collection owns the members */
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    return u;
}

gk_status_t gk_region_merge_overlaps(gk_context_t *ctx, const gk_dem_t *dem,
                                     const gk_geoms_t *g, const char *crs,
                                     const char *name, gk_geomcol_t *out,
                                     bool *merged)
{
    *merged = false;
    gk_geomcol_init(out);
    if (g->ngeoms < 2)
        return GK_OK;
    bool *mark = gk_calloc_array(g->ngeoms, sizeof *mark);
    if (!mark)
        return gk_error_nomem(ctx, "the region's boxes");
    size_t nmarked = mark_overlaps(g, mark);
    if (nmarked == SIZE_MAX) {
        free(mark);
        return gk_error_nomem(ctx, "the region's boxes");
    }
    if (nmarked == 0) {
        free(mark);
        return GK_OK;
    }
    /* All features, rings closed, into the DEM's CRS. */
    gk_geomcol_t all;
    gk_geomcol_init(&all);
    gk_status_t st = GK_OK;
    for (size_t i = 0; i < g->ngeoms && st == GK_OK; i++)
        if (!copy_feature(&all, g, i))
            st = gk_error_nomem(ctx, "a copy of the region");
    if (st == GK_OK)
        st = gk_transform_to_dem(ctx, dem, crs, name, all.xy, all.nverts);
    GEOSContextHandle_t h = st == GK_OK ? gk_ctx_geos(ctx) : NULL;
    if (st == GK_OK && !h)
        st = gk_errcode(ctx);
    if (st != GK_OK)
        goto out;
    gk_ctx_set_depmsg(ctx, "");
    gk_geoms_t tv = gk_geomcol_view(&all);
    GEOSGeometry *u = union_marked(h, &tv, mark, nmarked);
    if (!u) {
        /* e.g. a self-intersecting ring: keep the features as they are */
        gk_log(ctx, GK_LOG_WARNING,
               "%s: %zu features overlap but cannot be merged (%s); "
               "overlaps are counted with coverage clamped to 1",
               name, nmarked, gk_ctx_depmsg(ctx));
        goto out;
    }
    for (size_t i = 0; i < tv.ngeoms && st == GK_OK; i++)
        if (!mark[i] && !copy_feature(out, &tv, i))
            st = gk_error_nomem(ctx, "the merged region");
    if (st == GK_OK && !gk_geos_append_polygonal(h, out, u))
        st = gk_error_nomem(ctx, "the merged region");
    GEOSGeom_destroy_r(h, u);
    if (st == GK_OK)
        *merged = true;
    else
        gk_geomcol_clear(out);
out:
    gk_geomcol_clear(&all);
    free(mark);
    return st;
}
