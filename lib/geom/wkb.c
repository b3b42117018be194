/*
 * lib/geom/wkb.c - reading Well-Known Binary into the columnar layout.
 *
 * Format: OGC Simple Features 1.2.1 (OGC 06-103r4, section 8.2) / ISO
 * 19125-1 WKB: a byte-order mark (0 = big endian, 1 = little endian), a
 * uint32 type code, then counts (uint32) and IEEE doubles in that byte
 * order. Dimensions come either from ISO codes (type + 1000 Z, + 2000 M,
 * + 3000 ZM) or from PostGIS EWKB flag bits (0x80000000 Z, 0x40000000 M,
 * 0x20000000 "an int32 SRID follows the type"). Multi* members are complete
 * WKB geometries with their own byte order and dimensions.
 *
 * Safety, which the fuzz target in tests/fuzz/wkb checks: a cursor never
 * reads past `len`, and every count is compared with the bytes left before
 * anything is allocated (a vertex needs at least 16 bytes, a ring 4, a
 * member 9), so a hostile buffer of n bytes makes at most about n / 4 rings
 * or n / 16 vertices, whatever its counts claim. Nesting is one level deep
 * (GeometryCollection is refused), so there is no recursion to exhaust.
 *
 * Values are copied bit for bit (memcpy, then a byte swap for big endian):
 * no rounding happens here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom_internal.h"

typedef struct cursor {
    gk_context_t *ctx;
    const uint8_t *p;
    size_t len, pos;
    size_t index; /* which geometry, for messages */
} cursor_t;

typedef struct header {
    bool big;   /* big-endian numbers */
    uint32_t type;
    bool z, m;
} header_t;

static gk_status_t truncated(cursor_t *c, size_t need)
{
    return gk_error(c->ctx, GK_ERR_INPUT_INVALID,
                    "geometry %zu: WKB truncated at byte %zu (%zu more bytes "
                    "needed, %zu left)",
                    c->index, c->pos, need, c->len - c->pos);
}

static bool have(const cursor_t *c, size_t n)
{
    return n <= c->len - c->pos;
}

static uint32_t get_u32(cursor_t *c, bool big)
{
    uint8_t b[4];
    memcpy(b, c->p + c->pos, 4);
    c->pos += 4;
    if (big)
        return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
               (uint32_t)b[2] << 8 | (uint32_t)b[3];
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 |
           (uint32_t)b[0];
}

static double get_f64(cursor_t *c, bool big)
{
    uint8_t b[8];
    uint64_t u = 0;
    memcpy(b, c->p + c->pos, 8);
    c->pos += 8;
    for (int k = 0; k < 8; k++)
        u |= (uint64_t)b[big ? 7 - k : k] << (8 * k);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static bool host_little(void)
{
    const uint16_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static double swap_f64(double d)
{
    uint64_t u, r = 0;
    memcpy(&u, &d, 8);
    for (int k = 0; k < 8; k++)
        r |= ((u >> (8 * k)) & 0xffu) << (8 * (7 - k));
    memcpy(&d, &r, 8);
    return d;
}

/* Read a count and check that `count` items of at least `min_size` bytes
 * each fit in what is left. */
static gk_status_t get_count(cursor_t *c, bool big, size_t min_size,
                             const char *what, uint32_t *count)
{
    if (!have(c, 4))
        return truncated(c, 4);
    size_t at = c->pos;
    *count = get_u32(c, big);
    if ((size_t)*count > (c->len - c->pos) / min_size)
        return gk_error(c->ctx, GK_ERR_INPUT_INVALID,
                        "geometry %zu: WKB claims %u %s at byte %zu but only "
                        "%zu bytes follow",
                        c->index, *count, what, at, c->len - c->pos);
    return GK_OK;
}

static const char *type_name(uint32_t t)
{
    static const char *const names[] = {
        "Geometry",        "Point",          "LineString",
        "Polygon",         "MultiPoint",     "MultiLineString",
        "MultiPolygon",    "GeometryCollection", "CircularString",
        "CompoundCurve",   "CurvePolygon",   "MultiCurve",
        "MultiSurface",    "Curve",          "Surface",
        "PolyhedralSurface", "TIN",          "Triangle"};
    return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

static gk_status_t unsupported(cursor_t *c, uint32_t t)
{
    return gk_error(c->ctx, GK_ERR_UNSUPPORTED,
                    "geometry %zu: %s is not supported (only Point, "
                    "LineString, Polygon and their Multi types)",
                    c->index, type_name(t));
}

static gk_status_t get_header(cursor_t *c, header_t *h)
{
    if (!have(c, 5))
        return truncated(c, 5);
    size_t at = c->pos;
    uint8_t bom = c->p[c->pos++];
    if (bom > 1)
        return gk_error(c->ctx, GK_ERR_INPUT_INVALID,
                        "geometry %zu: byte %zu is 0x%02x, not a WKB "
                        "byte-order mark (0 or 1)",
                        c->index, at, bom);
    h->big = bom == 0;
    uint32_t t = get_u32(c, h->big);
    h->z = (t & 0x80000000u) != 0;
    h->m = (t & 0x40000000u) != 0;
    bool srid = (t & 0x20000000u) != 0;
    t &= 0x1fffffffu;
    uint32_t iso = t / 1000;
    t %= 1000;
    if (iso > 3 || t > 17 || t == 0)
        return gk_error(c->ctx, GK_ERR_INPUT_INVALID,
                        "geometry %zu: unknown WKB geometry type %u at byte "
                        "%zu",
                        c->index, (unsigned)(iso * 1000 + t), at + 1);
    h->z = h->z || iso == 1 || iso == 3;
    h->m = h->m || iso == 2 || iso == 3;
    h->type = t;
    if (t > 7) /* GeometryCollection: see get_geometry() */
        return unsupported(c, t);
    if (srid) {
        if (!have(c, 4))
            return truncated(c, 4);
        c->pos += 4;
    }
    return GK_OK;
}

static gk_status_t nomem(cursor_t *c)
{
    return gk_error_nomem(c->ctx, "WKB geometries");
}

/* Append `n` vertices (already known to fit) to the open ring. */
static gk_status_t get_points(cursor_t *c, const header_t *h, uint32_t n,
                              gk_geomcol_t *col)
{
    if (!gk_geomcol_reserve_verts(col, n))
        return nomem(c);
    if (!h->z && !h->m && !col->z && !h->big && n > 0) {
        /* The common case (2D little-endian into a 2D collection): the
         * WKB points are already the interleaved xy layout on this
         * little-endian machine or get swapped below; one copy. */
        double *dst = col->xy + 2 * col->nverts;
        memcpy(dst, c->p + c->pos, 16 * (size_t)n);
        if (!host_little()) /* big-endian host: swap each double */
            for (size_t k = 0; k < 2 * (size_t)n; k++)
                dst[k] = swap_f64(dst[k]);
        c->pos += 16 * (size_t)n;
        col->nverts += n;
        col->ring_off[col->nrings] = (int64_t)col->nverts;
        return GK_OK;
    }
    for (uint32_t k = 0; k < n; k++) {
        double x = get_f64(c, h->big), y = get_f64(c, h->big);
        bool okv;
        if (h->z) {
            double z = get_f64(c, h->big);
            okv = gk_geomcol_add_xyz(col, x, y, z);
        } else {
            okv = gk_geomcol_add_xy(col, x, y);
        }
        if (h->m)
            c->pos += 8;
        if (!okv)
            return nomem(c);
    }
    return GK_OK;
}

static size_t vertex_size(const header_t *h)
{
    return 8 * (2 + (size_t)h->z + (size_t)h->m);
}

/* Point, LineString or Polygon body after its header; an empty one adds no
 * part. */
static gk_status_t get_simple(cursor_t *c, const header_t *h,
                              gk_geomcol_t *col)
{
    size_t vs = vertex_size(h);
    uint32_t n;
    gk_status_t st;
    switch (h->type) {
    case GK_GEOM_POINT: {
        if (!have(c, vs))
            return truncated(c, vs);
        double x = get_f64(c, h->big), y = get_f64(c, h->big);
        c->pos -= 16;
        if (isnan(x) && isnan(y)) { /* POINT EMPTY as GEOS writes it */
            c->pos += vs;
            return GK_OK;
        }
        if (!gk_geomcol_begin_part(col) || !gk_geomcol_begin_ring(col))
            return nomem(c);
        return get_points(c, h, 1, col);
    }
    case GK_GEOM_LINESTRING:
        if ((st = get_count(c, h->big, vs, "points", &n)) != GK_OK)
            return st;
        if (n == 0)
            return GK_OK;
        if (!gk_geomcol_begin_part(col) || !gk_geomcol_begin_ring(col))
            return nomem(c);
        return get_points(c, h, n, col);
    default: /* GK_GEOM_POLYGON */
        if ((st = get_count(c, h->big, 4, "rings", &n)) != GK_OK)
            return st;
        if (n == 0)
            return GK_OK;
        if (!gk_geomcol_begin_part(col))
            return nomem(c);
        for (uint32_t r = 0; r < n; r++) {
            uint32_t nv;
            if ((st = get_count(c, h->big, vs, "points", &nv)) != GK_OK)
                return st;
            if (!gk_geomcol_begin_ring(col))
                return nomem(c);
            if ((st = get_points(c, h, nv, col)) != GK_OK)
                return st;
        }
        return GK_OK;
    }
}

static gk_status_t get_geometry(cursor_t *c, gk_geomcol_t *col)
{
    header_t h;
    gk_status_t st = get_header(c, &h);
    if (st != GK_OK)
        return st;
    if (h.type == 7) {
        /* An empty collection is just an empty geometry (Shapely 1.8
         * writes Polygon() that way); members would need a nested layout
         * geokota does not have. */
        uint32_t n;
        if ((st = get_count(c, h.big, 9, "members", &n)) != GK_OK)
            return st;
        if (n > 0)
            return unsupported(c, h.type);
        return gk_geomcol_begin_geom(col, GK_GEOM_NONE) ? GK_OK : nomem(c);
    }
    if (!gk_geomcol_begin_geom(col, (gk_geom_type_t)h.type))
        return nomem(c);
    size_t verts0 = col->nverts;
    if (h.type <= GK_GEOM_POLYGON) {
        st = get_simple(c, &h, col);
    } else {
        uint32_t n;
        /* smallest member: 1 byte-order mark + 4 type + 4 count */
        st = get_count(c, h.big, 9, "members", &n);
        for (uint32_t k = 0; st == GK_OK && k < n; k++) {
            header_t mh;
            size_t at = c->pos;
            st = get_header(c, &mh);
            if (st == GK_OK && mh.type != h.type - 3)
                st = gk_error(c->ctx, GK_ERR_INPUT_INVALID,
                              "geometry %zu: member %u of a %s is a %s (byte "
                              "%zu)",
                              c->index, k, type_name(h.type),
                              type_name(mh.type), at);
            if (st == GK_OK)
                st = get_simple(c, &mh, col);
        }
    }
    if (st != GK_OK) {
        gk_geomcol_abort_geom(col);
        return st;
    }
    if (col->nverts == verts0) { /* empty: no vertices at all */
        gk_geomcol_abort_geom(col);
        if (!gk_geomcol_begin_geom(col, GK_GEOM_NONE))
            return nomem(c);
    }
    return GK_OK;
}

gk_status_t gk_wkb_append(gk_context_t *ctx, gk_geomcol_t *col,
                          const uint8_t *wkb, size_t len, size_t index,
                          size_t *consumed)
{
    if (!wkb) {
        *consumed = 0;
        return gk_geomcol_begin_geom(col, GK_GEOM_NONE)
                   ? GK_OK
                   : gk_error_nomem(ctx, "WKB geometries");
    }
    cursor_t c = {ctx, wkb, len, 0, index};
    gk_status_t st = get_geometry(&c, col);
    *consumed = c.pos;
    return st;
}

gk_status_t gk_geomcol_from_wkb(gk_context_t *ctx, const uint8_t *const *wkb,
                                const size_t *len, size_t n,
                                gk_geomcol_t **out)
{
    if (!out)
        return gk_error(ctx, GK_ERR_ARG, "gk_geomcol_from_wkb: out is NULL");
    *out = NULL;
    if (n > 0 && (!wkb || !len))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_geomcol_from_wkb: %s is NULL",
                        !wkb ? "wkb" : "len");
    gk_geomcol_t *col = malloc(sizeof *col);
    if (!col)
        return gk_error_nomem(ctx, "WKB geometries");
    gk_geomcol_init(col);
    /* An empty collection still gets its leading offsets. */
    if (!gk_geomcol_begin_geom(col, GK_GEOM_NONE)) {
        gk_geomcol_free(col);
        return gk_error_nomem(ctx, "WKB geometries");
    }
    gk_geomcol_abort_geom(col);
    /* A vertex takes at least 16 bytes of WKB: reserving input / 16
     * vertices once avoids every regrowth copy. */
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += wkb[i] ? len[i] / 16 : 0;
    if (!gk_geomcol_reserve_verts(col, total)) {
        gk_geomcol_free(col);
        return gk_error_nomem(ctx, "WKB geometries");
    }
    for (size_t i = 0; i < n; i++) {
        size_t used;
        gk_status_t st = gk_wkb_append(ctx, col, wkb[i], len[i], i, &used);
        if (st == GK_OK && wkb[i] && used != len[i])
            st = gk_error(ctx, GK_ERR_INPUT_INVALID,
                          "geometry %zu: %zu bytes after the end of the WKB "
                          "geometry (%zu bytes)",
                          i, len[i] - used, used);
        if (st != GK_OK) {
            gk_geomcol_free(col);
            return st;
        }
    }
    *out = col;
    return GK_OK;
}

gk_geoms_t gk_geomcol_geoms(const gk_geomcol_t *c)
{
    return gk_geomcol_view(c);
}

void gk_geomcol_free(gk_geomcol_t *c)
{
    if (!c)
        return;
    gk_geomcol_clear(c);
    free(c);
}
