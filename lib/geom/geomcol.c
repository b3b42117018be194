/*
 * lib/geom/geomcol.c - the owned columnar collection and its builder.
 *
 * Arrays grow geometrically; offsets arrays always hold count + 1 entries so
 * that the view is valid at every step (the last offset closes the open
 * element).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom_internal.h"

void gk_geomcol_init(gk_geomcol_t *c)
{
    memset(c, 0, sizeof *c);
}

void gk_geomcol_clear(gk_geomcol_t *c)
{
    free(c->types);
    free(c->geom_off);
    free(c->part_off);
    free(c->ring_off);
    free(c->xy);
    free(c->z);
    gk_geomcol_init(c);
}

/* Make room for `need` elements (+1 for the closing offset). */
static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need + 1 <= *cap && *arr)
        return true;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need + 1) {
        if (ncap > SIZE_MAX / 2)
            return false;
        ncap *= 2;
    }
    void *p = gk_realloc_array(*arr, ncap, elem);
    if (!p)
        return false;
    *arr = p;
    *cap = ncap;
    return true;
}

static bool ensure_offsets(gk_geomcol_t *c)
{
    if (c->geom_off)
        return true;
    if (!grow((void **)&c->geom_off, &c->cap_geoms, 0, sizeof(int64_t)))
        return false;
    c->geom_off[0] = 0;
    size_t cap = 0;
    if (!grow((void **)&c->part_off, &cap, 0, sizeof(int64_t)))
        return false;
    c->cap_parts = cap;
    c->part_off[0] = 0;
    cap = 0;
    if (!grow((void **)&c->ring_off, &cap, 0, sizeof(int64_t)))
        return false;
    c->cap_rings = cap;
    c->ring_off[0] = 0;
    return true;
}

bool gk_geomcol_begin_geom(gk_geomcol_t *c, gk_geom_type_t type)
{
    if (!ensure_offsets(c))
        return false;
    if (!grow((void **)&c->geom_off, &c->cap_geoms, c->ngeoms + 1,
              sizeof(int64_t)) ||
        !grow((void **)&c->types, &c->cap_types, c->ngeoms + 1,
              sizeof(uint8_t)))
        return false;
    c->types[c->ngeoms] = (uint8_t)type;
    c->ngeoms++;
    c->geom_off[c->ngeoms] = (int64_t)c->nparts;
    return true;
}

bool gk_geomcol_begin_part(gk_geomcol_t *c)
{
    if (!grow((void **)&c->part_off, &c->cap_parts, c->nparts + 1,
              sizeof(int64_t)))
        return false;
    c->nparts++;
    c->part_off[c->nparts] = (int64_t)c->nrings;
    c->geom_off[c->ngeoms] = (int64_t)c->nparts;
    return true;
}

bool gk_geomcol_begin_ring(gk_geomcol_t *c)
{
    if (!grow((void **)&c->ring_off, &c->cap_rings, c->nrings + 1,
              sizeof(int64_t)))
        return false;
    c->nrings++;
    c->ring_off[c->nrings] = (int64_t)c->nverts;
    c->part_off[c->nparts] = (int64_t)c->nrings;
    return true;
}

static bool add_vertex(gk_geomcol_t *c, double x, double y, double z,
                       bool with_z)
{
    size_t cap = c->cap_verts;
    if (!grow((void **)&c->xy, &cap, 2 * (c->nverts + 1), sizeof(double)))
        return false;
    if (with_z && !c->z) {
        /* First z seen: earlier vertices get NaN ("no height"). */
        c->z = gk_realloc_array(NULL, cap / 2 + 1, sizeof(double));
        if (!c->z)
            return false;
        for (size_t i = 0; i < c->nverts; i++)
            c->z[i] = NAN;
        c->has_z = true;
    }
    if (c->z && cap != c->cap_verts) {
        double *nz = gk_realloc_array(c->z, cap / 2 + 1, sizeof(double));
        if (!nz)
            return false;
        c->z = nz;
    }
    c->cap_verts = cap;
    c->xy[2 * c->nverts] = x;
    c->xy[2 * c->nverts + 1] = y;
    if (c->z)
        c->z[c->nverts] = with_z ? z : NAN;
    c->nverts++;
    c->ring_off[c->nrings] = (int64_t)c->nverts;
    return true;
}

bool gk_geomcol_reserve_verts(gk_geomcol_t *c, size_t more)
{
    if (more > (SIZE_MAX / 2 - 1) / sizeof(double) - c->nverts)
        return false;
    size_t cap = c->cap_verts;
    if (!grow((void **)&c->xy, &cap, 2 * (c->nverts + more), sizeof(double)))
        return false;
    if (c->z && cap != c->cap_verts) {
        double *nz = gk_realloc_array(c->z, cap / 2 + 1, sizeof(double));
        if (!nz)
            return false;
        c->z = nz;
    }
    c->cap_verts = cap;
    return true;
}

bool gk_geomcol_add_xy(gk_geomcol_t *c, double x, double y)
{
    return add_vertex(c, x, y, NAN, false);
}

bool gk_geomcol_add_xyz(gk_geomcol_t *c, double x, double y, double z)
{
    return add_vertex(c, x, y, z, true);
}

void gk_geomcol_abort_geom(gk_geomcol_t *c)
{
    if (c->ngeoms == 0)
        return;
    c->ngeoms--;
    c->nparts = (size_t)c->geom_off[c->ngeoms];
    c->nrings = (size_t)c->part_off[c->nparts];
    c->nverts = (size_t)c->ring_off[c->nrings];
}

gk_geoms_t gk_geomcol_view(const gk_geomcol_t *c)
{
    static const int64_t zero = 0;
    gk_geoms_t v = {
        .ngeoms = c->ngeoms,
        .types = c->types,
        .geom_off = c->geom_off ? c->geom_off : &zero,
        .part_off = c->part_off ? c->part_off : &zero,
        .ring_off = c->ring_off ? c->ring_off : &zero,
        .xy = c->xy,
        .z = c->z,
    };
    return v;
}

bool gk_geomcol_append_view(gk_geomcol_t *c, const gk_geoms_t *g)
{
    for (size_t i = 0; i < g->ngeoms; i++) {
        if (!gk_geomcol_begin_geom(c, (gk_geom_type_t)g->types[i]))
            return false;
        for (int64_t p = g->geom_off[i]; p < g->geom_off[i + 1]; p++) {
            if (!gk_geomcol_begin_part(c))
                return false;
            for (int64_t r = g->part_off[p]; r < g->part_off[p + 1]; r++) {
                if (!gk_geomcol_begin_ring(c))
                    return false;
                for (int64_t v = g->ring_off[r]; v < g->ring_off[r + 1]; v++) {
                    bool okv = g->z ? gk_geomcol_add_xyz(c, g->xy[2 * v],
                                                         g->xy[2 * v + 1],
                                                         g->z[v])
                                    : gk_geomcol_add_xy(c, g->xy[2 * v],
                                                        g->xy[2 * v + 1]);
                    if (!okv)
                        return false;
                }
            }
        }
    }
    return true;
}

gk_box_t gk_geoms_feature_box(const gk_geoms_t *g, size_t i)
{
    gk_box_t b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    int64_t p0 = g->geom_off[i], p1 = g->geom_off[i + 1];
    if (p0 == p1)
        return (gk_box_t){NAN, NAN, NAN, NAN};
    int64_t v0 = g->ring_off[g->part_off[p0]];
    int64_t v1 = g->ring_off[g->part_off[p1]];
    for (int64_t v = v0; v < v1; v++) {
        double x = g->xy[2 * v], y = g->xy[2 * v + 1];
        b.xmin = x < b.xmin ? x : b.xmin;
        b.xmax = x > b.xmax ? x : b.xmax;
        b.ymin = y < b.ymin ? y : b.ymin;
        b.ymax = y > b.ymax ? y : b.ymax;
    }
    return b;
}
