/*
 * lib/geom/geoms_check.c - is a view over foreign arrays safe to read?
 *
 * The kernels trust their offsets; arrays that come from Python or Arrow
 * are checked once here, in O(features + parts + rings), so that every
 * index the readers will form lies inside the arrays.
 */
#include "geom_internal.h"

static gk_status_t bad(gk_context_t *ctx, size_t i, const char *what,
                       long long a, long long b)
{
    return gk_error(ctx, GK_ERR_INPUT_INVALID, "geometry %zu: %s (%lld, %lld)",
                    i, what, a, b);
}

/* off[lo..hi] must be non-decreasing and within [0, limit]. */
static bool offsets_ok(const int64_t *off, int64_t lo, int64_t hi,
                       size_t limit, int64_t *where)
{
    for (int64_t k = lo; k <= hi; k++) {
        if (off[k] < 0 || (uint64_t)off[k] > (uint64_t)limit ||
            (k > lo && off[k] < off[k - 1])) {
            *where = k;
            return false;
        }
    }
    return true;
}

gk_status_t gk_geoms_check(gk_context_t *ctx, const gk_geoms_t *g,
                           size_t nparts, size_t nrings, size_t nverts)
{
    if (!g || (g->ngeoms > 0 && (!g->types || !g->geom_off)) ||
        !g->part_off || !g->ring_off || (nverts > 0 && !g->xy))
        return gk_error(ctx, GK_ERR_ARG, "gk_geoms_check: NULL array");
    int64_t k;
    if (g->ngeoms == 0)
        return GK_OK;
    for (size_t i = 0; i < g->ngeoms; i++) {
        if (g->types[i] > GK_GEOM_MULTIPOLYGON)
            return gk_error(ctx, GK_ERR_INPUT_INVALID,
                            "geometry %zu: type %u is not a geometry type "
                            "(0..6)",
                            i, g->types[i]);
        if (g->geom_off[i] < 0 || (uint64_t)g->geom_off[i] > nparts ||
            g->geom_off[i + 1] < g->geom_off[i] ||
            (uint64_t)g->geom_off[i + 1] > nparts)
            return bad(ctx, i,
                       "geometry offsets decrease or exceed the parts",
                       (long long)g->geom_off[i],
                       (long long)g->geom_off[i + 1]);
    }
    int64_t p0 = g->geom_off[0], p1 = g->geom_off[g->ngeoms];
    if (!offsets_ok(g->part_off, p0, p1, nrings, &k))
        return gk_error(ctx, GK_ERR_INPUT_INVALID,
                        "part offset %lld is %lld: offsets decrease or exceed "
                        "the %zu rings",
                        (long long)k, (long long)g->part_off[k], nrings);
    int64_t r0 = g->part_off[p0], r1 = g->part_off[p1];
    if (!offsets_ok(g->ring_off, r0, r1, nverts, &k))
        return gk_error(ctx, GK_ERR_INPUT_INVALID,
                        "ring offset %lld is %lld: offsets decrease or exceed "
                        "the %zu vertices",
                        (long long)k, (long long)g->ring_off[k], nverts);
    for (size_t i = 0; i < g->ngeoms; i++) {
        gk_geom_type_t t = (gk_geom_type_t)g->types[i];
        int64_t np = g->geom_off[i + 1] - g->geom_off[i];
        if (t == GK_GEOM_NONE && np != 0)
            return bad(ctx, i, "a NONE geometry has parts (parts, rings)",
                       (long long)np, 0);
        if (t != GK_GEOM_NONE && t <= GK_GEOM_POLYGON && np > 1)
            return bad(ctx, i,
                       "a single geometry has more than one part (use a "
                       "Multi type; parts, limit)",
                       (long long)np, 1);
        gk_geom_type_t base = gk_geom_type_base(t);
        for (int64_t p = g->geom_off[i]; p < g->geom_off[i + 1]; p++) {
            int64_t nr = g->part_off[p + 1] - g->part_off[p];
            if ((base == GK_GEOM_POINT || base == GK_GEOM_LINESTRING) &&
                nr != 1)
                return bad(ctx, i,
                           "a point or line part must have exactly one ring "
                           "(part, rings)",
                           (long long)p, (long long)nr);
            if (base == GK_GEOM_POINT) {
                int64_t r = g->part_off[p];
                int64_t nv = g->ring_off[r + 1] - g->ring_off[r];
                if (nv != 1)
                    return bad(ctx, i,
                               "a point part must have exactly one vertex "
                               "(part, vertices)",
                               (long long)p, (long long)nv);
            }
        }
    }
    return GK_OK;
}
