/*
 * lib/geom/geom_internal.h - the owned columnar geometry collection and its
 * append-only builder, shared by the readers, the corridor builder and the
 * bindings.
 */
#ifndef GK_GEOM_INTERNAL_H
#define GK_GEOM_INTERNAL_H

#include "core/core_internal.h"

/* Owned arrays in the layout of gk_geoms_t (geom.h). Grown by the builder
 * functions below; counts are the array lengths minus the leading 0. */
typedef struct gk_geomcol {
    uint8_t *types;
    int64_t *geom_off, *part_off, *ring_off;
    double *xy;
    double *z; /* NULL until the first vertex with a z is appended */
    size_t ngeoms, nparts, nrings, nverts;
    size_t cap_geoms, cap_types, cap_parts, cap_rings, cap_verts;
    bool has_z;
} gk_geomcol_t;

/* Initialise an empty collection (no allocation until the first append). */
void gk_geomcol_init(gk_geomcol_t *c);
void gk_geomcol_clear(gk_geomcol_t *c); /* free the arrays, back to empty */

/* Builder: begin a geometry, then for each part begin_part, and for each
 * ring begin_ring + vertices. Every function returns false only when memory
 * runs out (the collection stays consistent up to the last complete call). */
bool gk_geomcol_begin_geom(gk_geomcol_t *c, gk_geom_type_t type);
bool gk_geomcol_begin_part(gk_geomcol_t *c);
bool gk_geomcol_begin_ring(gk_geomcol_t *c);
bool gk_geomcol_add_xy(gk_geomcol_t *c, double x, double y);
bool gk_geomcol_add_xyz(gk_geomcol_t *c, double x, double y, double z);
/* Make room for `more` vertices beyond the current count (one allocation
 * instead of repeated doubling when the total is known or bounded). */
bool gk_geomcol_reserve_verts(gk_geomcol_t *c, size_t more);

/* Drop the geometry being built (after a failure to read it). */
void gk_geomcol_abort_geom(gk_geomcol_t *c);

/* The borrowed view over the arrays (valid until the next append). */
gk_geoms_t gk_geomcol_view(const gk_geomcol_t *c);

/* Deep copy of a view into an empty collection. */
bool gk_geomcol_append_view(gk_geomcol_t *c, const gk_geoms_t *g);

/* Parse one WKB geometry from `wkb` (at most `len` bytes) and append it as
 * one feature (NONE for a NULL `wkb` or an empty geometry). *consumed
 * receives the bytes read, so callers with padded buffers (numpy 'S' arrays)
 * can check what follows. `index` names the geometry in messages. On error
 * nothing is appended. See wkb.c. */
gk_status_t gk_wkb_append(gk_context_t *ctx, gk_geomcol_t *col,
                          const uint8_t *wkb, size_t len, size_t index,
                          size_t *consumed);

#endif /* GK_GEOM_INTERNAL_H */
