/*
 * lib/assets/blob.c - SpatiaLite's geometry BLOB, written and read
 * directly: an import stores a million points without building a gaia
 * object per feature, and the snapshot reads them back the same way.
 *
 * Format (SpatiaLite "BLOB-Geometry", little-endian here):
 *   0x00, 0x01 (endian), int32 SRID, 4 doubles MBR (minx miny maxx maxy),
 *   0x7C, int32 class, body, 0xFE.
 * Bodies: Point = x y; LineString = int32 n, n points; Polygon = int32
 * rings, each int32 n and n points; Multi* = int32 count, then per entity
 * 0x69, int32 class, body. Classes 1..6 are XY; +1000 XYZ, +2000 XYM,
 * +3000 XYZM (more doubles per point; we drop z and m when reading).
 * Compressed classes (1000000+) are not read here: the caller falls back
 * to SpatiaLite's CastToXY() for them.
 */
#include <stdlib.h>
#include <string.h>

#include "assets_internal.h"

static void put_i32(unsigned char **p, int32_t v)
{
    memcpy(*p, &v, 4);
    *p += 4;
}

static void put_f64(unsigned char **p, double v)
{
    memcpy(*p, &v, 8);
    *p += 8;
}

static bool host_little(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

gk_status_t gk_splite_encode(const gk_geoms_t *g, size_t i, int32_t srid,
                             unsigned char **blob, size_t *len)
{
    gk_geom_type_t t = (gk_geom_type_t)g->types[i];
    int64_t p0 = g->geom_off[i], p1 = g->geom_off[i + 1];
    if (t == GK_GEOM_NONE || p1 <= p0 || !host_little())
        return GK_ERR_INPUT_EMPTY;
    bool multi = t >= GK_GEOM_MULTIPOINT;
    gk_geom_type_t base = gk_geom_type_base(t);
    size_t nverts = (size_t)(g->ring_off[g->part_off[p1]] -
                             g->ring_off[g->part_off[p0]]);
    size_t nrings = (size_t)(g->part_off[p1] - g->part_off[p0]);
    size_t nparts = (size_t)(p1 - p0);
    size_t n = 44 + 16 * nverts + 4 * nrings + 9 * nparts + 4 + 1;
    unsigned char *b = malloc(n), *p = b;
    if (!b)
        return GK_ERR_NOMEM;
    gk_box_t box = gk_geoms_feature_box(g, i);
    *p++ = 0x00;
    *p++ = 0x01;
    put_i32(&p, srid);
    put_f64(&p, box.xmin);
    put_f64(&p, box.ymin);
    put_f64(&p, box.xmax);
    put_f64(&p, box.ymax);
    *p++ = 0x7C;
    put_i32(&p, (int32_t)t);
    if (multi)
        put_i32(&p, (int32_t)nparts);
    for (int64_t part = p0; part < p1; part++) {
        if (multi) {
            *p++ = 0x69;
            put_i32(&p, (int32_t)base);
        }
        int64_t r0 = g->part_off[part], r1 = g->part_off[part + 1];
        if (base == GK_GEOM_POLYGON)
            put_i32(&p, (int32_t)(r1 - r0));
        for (int64_t r = r0; r < r1; r++) {
            int64_t v0 = g->ring_off[r], v1 = g->ring_off[r + 1];
            if (base != GK_GEOM_POINT)
                put_i32(&p, (int32_t)(v1 - v0));
            memcpy(p, g->xy + 2 * v0, (size_t)(v1 - v0) * 16);
            p += (size_t)(v1 - v0) * 16;
        }
    }
    *p++ = 0xFE;
    *blob = b;
    *len = (size_t)(p - b);
    return GK_OK;
}

typedef struct reader {
    const unsigned char *p, *end;
    int dims; /* doubles per point */
} reader_t;

static bool get_i32(reader_t *r, int32_t *v)
{
    if (r->end - r->p < 4)
        return false;
    memcpy(v, r->p, 4);
    r->p += 4;
    return true;
}

static bool read_points(reader_t *r, gk_geomcol_t *c, int32_t n, bool *nomem)
{
    if (n < 0 || (r->end - r->p) / (8 * r->dims) < n)
        return false;
    for (int32_t k = 0; k < n; k++) {
        double xy[2];
        memcpy(xy, r->p, 16);
        r->p += 8 * r->dims;
        if (!gk_geomcol_add_xy(c, xy[0], xy[1])) {
            *nomem = true;
            return false;
        }
    }
    return true;
}

/* One body of base class cls (1, 2 or 3) as one part. */
static bool read_body(reader_t *r, gk_geomcol_t *c, int32_t cls, bool *nomem)
{
    int32_t nrings = 1, n = 1;
    if (!gk_geomcol_begin_part(c)) {
        *nomem = true;
        return false;
    }
    if (cls == 3 && (!get_i32(r, &nrings) || nrings < 0))
        return false;
    for (int32_t k = 0; k < nrings; k++) {
        if (cls != 1 && !get_i32(r, &n))
            return false;
        if (!gk_geomcol_begin_ring(c)) {
            *nomem = true;
            return false;
        }
        if (!read_points(r, c, n, nomem))
            return false;
    }
    return true;
}

static bool split_class(int32_t cls, int32_t *base, int *dims)
{
    if (cls < 1 || cls > 3007)
        return false;
    int32_t d = cls / 1000;
    *base = cls % 1000;
    *dims = d == 0 ? 2 : d == 3 ? 4 : 3;
    return *base >= 1 && *base <= 6;
}

bool gk_splite_decode(const unsigned char *blob, size_t len, gk_geomcol_t *c,
                      bool *nomem)
{
    *nomem = false;
    if (!blob || len < 44 || blob[0] != 0x00 || blob[1] != 0x01 ||
        blob[38] != 0x7C || blob[len - 1] != 0xFE || !host_little())
        return false;
    reader_t r = {blob + 39, blob + len - 1, 2};
    int32_t cls, base;
    if (!get_i32(&r, &cls) || !split_class(cls, &base, &r.dims))
        return false;
    if (!gk_geomcol_begin_geom(c, (gk_geom_type_t)base)) {
        *nomem = true;
        return false;
    }
    bool good;
    if (base <= 3) {
        good = read_body(&r, c, base, nomem);
    } else {
        int32_t count;
        good = get_i32(&r, &count) && count >= 0;
        for (int32_t k = 0; good && k < count; k++) {
            int32_t ecls = 0, ebase = 0;
            int edims = 0;
            good = r.p < r.end && *r.p++ == 0x69 && get_i32(&r, &ecls) &&
                   split_class(ecls, &ebase, &edims) && ebase == base - 3;
            if (good)
                r.dims = edims;
            good = good && read_body(&r, c, ebase, nomem);
        }
    }
    if (!good || r.p != r.end) {
        gk_geomcol_abort_geom(c);
        return false;
    }
    return true;
}
