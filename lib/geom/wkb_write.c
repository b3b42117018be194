/*
 * lib/geom/wkb_write.c - one feature of a view as little-endian ISO WKB.
 *
 * The writer follows snprintf (tg's rule): it always computes the full
 * size and writes only what fits, so one function serves sizing and
 * writing. Doubles are copied bit for bit; the output read back by
 * gk_geomcol_from_wkb() gives the same arrays (tested).
 */
#include <math.h>
#include <string.h>

#include "geom_internal.h"

typedef struct writer {
    uint8_t *buf;
    size_t cap, pos;
} writer_t;

static void put_bytes(writer_t *w, const void *src, size_t n)
{
    if (w->pos + n <= w->cap)
        memcpy(w->buf + w->pos, src, n);
    w->pos += n;
}

static void put_u32(writer_t *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    put_bytes(w, b, 4);
}

static void put_f64(writer_t *w, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    uint8_t b[8];
    for (int k = 0; k < 8; k++)
        b[k] = (uint8_t)(u >> (8 * k));
    put_bytes(w, b, 8);
}

static void put_header(writer_t *w, uint32_t type, bool z)
{
    uint8_t bom = 1;
    put_bytes(w, &bom, 1);
    put_u32(w, type + (z ? 1000u : 0u));
}

static void put_vertex(writer_t *w, const gk_geoms_t *g, int64_t v)
{
    put_f64(w, g->xy[2 * v]);
    put_f64(w, g->xy[2 * v + 1]);
    if (g->z)
        put_f64(w, g->z[v]);
}

static void put_ring(writer_t *w, const gk_geoms_t *g, int64_t r)
{
    put_u32(w, (uint32_t)(g->ring_off[r + 1] - g->ring_off[r]));
    for (int64_t v = g->ring_off[r]; v < g->ring_off[r + 1]; v++)
        put_vertex(w, g, v);
}

/* The body of one part as a simple geometry of type `base` (header
 * included). A missing part (p < 0) writes the empty geometry. */
static void put_simple(writer_t *w, const gk_geoms_t *g, int64_t p,
                       gk_geom_type_t base)
{
    bool z = g->z != NULL;
    put_header(w, (uint32_t)base, z);
    int64_t r0 = p < 0 ? 0 : g->part_off[p];
    int64_t r1 = p < 0 ? 0 : g->part_off[p + 1];
    if (base == GK_GEOM_POINT) {
        if (r1 > r0 && g->ring_off[r0 + 1] > g->ring_off[r0]) {
            put_vertex(w, g, g->ring_off[r0]);
        } else { /* POINT EMPTY, as GEOS writes it */
            put_f64(w, NAN);
            put_f64(w, NAN);
            if (z)
                put_f64(w, NAN);
        }
    } else if (base == GK_GEOM_LINESTRING) {
        if (r1 > r0)
            put_ring(w, g, r0);
        else
            put_u32(w, 0);
    } else {
        put_u32(w, (uint32_t)(r1 - r0));
        for (int64_t r = r0; r < r1; r++)
            put_ring(w, g, r);
    }
}

size_t gk_geoms_feature_wkb(const gk_geoms_t *g, size_t i, uint8_t *buf,
                            size_t cap)
{
    writer_t w = {buf, buf ? cap : 0, 0};
    gk_geom_type_t t = (gk_geom_type_t)g->types[i];
    if (t == GK_GEOM_NONE || t > GK_GEOM_MULTIPOLYGON)
        return 0;
    int64_t p0 = g->geom_off[i], p1 = g->geom_off[i + 1];
    if (t <= GK_GEOM_POLYGON) {
        put_simple(&w, g, p1 > p0 ? p0 : -1, t);
    } else {
        put_header(&w, (uint32_t)t, g->z != NULL);
        put_u32(&w, (uint32_t)(p1 - p0));
        for (int64_t p = p0; p < p1; p++)
            put_simple(&w, g, p, gk_geom_type_base(t));
    }
    return w.pos;
}
