/*
 * tests/geom/test_wkb.c - WKB reading and writing, and the layout check of
 * foreign views: hand-assembled buffers in both byte orders and every
 * dimension flavour, exact coordinates, every truncation of a valid buffer,
 * and each malformed case with its code and message.
 */
#include <math.h>
#include <string.h>

#include "geom/geom_internal.h"
#include "tap.h"

/* A tiny WKB assembler, independent of the writer under test. */
typedef struct buf {
    uint8_t b[1024];
    size_t n;
    bool big;
} buf_t;

static void u8(buf_t *w, uint8_t v)
{
    w->b[w->n++] = v;
}
static void u32(buf_t *w, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        w->b[w->n++] = (uint8_t)(v >> (8 * (w->big ? 3 - k : k)));
}
static void f64(buf_t *w, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    for (int k = 0; k < 8; k++)
        w->b[w->n++] = (uint8_t)(u >> (8 * (w->big ? 7 - k : k)));
}
static void hdr(buf_t *w, uint32_t type)
{
    u8(w, w->big ? 0 : 1);
    u32(w, type);
}

static gk_geomcol_t *parse1(gk_context_t *ctx, const buf_t *w,
                            gk_status_t *st)
{
    const uint8_t *p = w->b;
    gk_geomcol_t *c = NULL;
    *st = gk_geomcol_from_wkb(ctx, &p, &w->n, 1, &c);
    return c;
}

static void test_polygon_orders(gk_context_t *ctx)
{
    for (int big = 0; big <= 1; big++) {
        buf_t w = {.big = big};
        hdr(&w, 3);
        u32(&w, 2);
        u32(&w, 4);
        double ring[] = {0, 0, 4, 0, 0, 3, 0, 0};
        for (int k = 0; k < 8; k++)
            f64(&w, ring[k]);
        u32(&w, 4);
        double hole[] = {0.5, 0.5, 1.5, 0.5, 0.5, 1.25, 0.5, 0.5};
        for (int k = 0; k < 8; k++)
            f64(&w, hole[k]);
        gk_status_t st;
        gk_geomcol_t *c = parse1(ctx, &w, &st);
        if (!ok(st == GK_OK && c, "%s-endian polygon with a hole parses",
                big ? "big" : "little"))
            continue;
        gk_geoms_t g = gk_geomcol_geoms(c);
        ok(g.ngeoms == 1 && g.types[0] == GK_GEOM_POLYGON,
           "one Polygon feature");
        is_int((long long)gk_geoms_num_rings(&g), 2, "two rings");
        is_int((long long)gk_geoms_num_vertices(&g), 8, "eight vertices");
        ok(g.xy[2] == 4 && g.xy[11] == 0.5 && g.xy[13] == 1.25,
           "coordinates exact");
        ok(g.z == NULL, "no z array for 2D input");
        /* writer round trip: same bytes as our little-endian assembly */
        uint8_t out[1024];
        size_t need = gk_geoms_feature_wkb(&g, 0, NULL, 0);
        size_t got = gk_geoms_feature_wkb(&g, 0, out, sizeof out);
        if (!big)
            ok(need == w.n && got == w.n && memcmp(out, w.b, w.n) == 0,
               "writer gives back the same little-endian bytes");
        gk_geomcol_free(c);
    }
}

static void test_dimensions(gk_context_t *ctx)
{
    /* ISO Z LineString, EWKB Z+SRID, ISO M, ISO ZM */
    struct {
        uint32_t type;
        int ncoord;
        bool srid;
        const char *name;
        bool has_z;
    } cases[] = {
        {1002, 3, false, "ISO LineString Z", true},
        {0x80000002u | 0x20000000u, 3, true, "EWKB LineString Z with SRID",
         true},
        {2002, 3, false, "ISO LineString M (M dropped)", false},
        {3002, 4, false, "ISO LineString ZM", true},
        {0x40000002u, 3, false, "EWKB LineString M", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_t w = {.big = i % 2 == 1};
        hdr(&w, cases[i].type);
        if (cases[i].srid)
            u32(&w, 4326);
        u32(&w, 2);
        for (int v = 0; v < 2; v++)
            for (int k = 0; k < cases[i].ncoord; k++)
                f64(&w, 10 * v + k + 0.25);
        gk_status_t st;
        gk_geomcol_t *c = parse1(ctx, &w, &st);
        if (!ok(st == GK_OK && c, "%s parses", cases[i].name))
            continue;
        gk_geoms_t g = gk_geomcol_geoms(c);
        ok(g.types[0] == GK_GEOM_LINESTRING && g.xy[2] == 10.25 &&
               g.xy[3] == 11.25,
           "%s: x, y exact", cases[i].name);
        ok(cases[i].has_z ? (g.z && g.z[1] == 12.25) : g.z == NULL,
           "%s: z %s", cases[i].name, cases[i].has_z ? "kept" : "absent");
        gk_geomcol_free(c);
    }
}

static void test_multi_and_empty(gk_context_t *ctx)
{
    buf_t a = {0}; /* MultiPolygon of a big-endian member and an empty one */
    hdr(&a, 6);
    u32(&a, 2);
    buf_t m = {.big = true};
    hdr(&m, 3);
    u32(&m, 1);
    u32(&m, 4);
    double ring[] = {0, 0, 1, 0, 0, 1, 0, 0};
    for (int k = 0; k < 8; k++)
        f64(&m, ring[k]);
    memcpy(a.b + a.n, m.b, m.n);
    a.n += m.n;
    hdr(&a, 3);
    u32(&a, 0);
    buf_t gc = {0}; /* GEOMETRYCOLLECTION EMPTY (Shapely 1.8's Polygon()) */
    hdr(&gc, 7);
    u32(&gc, 0);
    gk_status_t gst;
    gk_geomcol_t *gcc = parse1(ctx, &gc, &gst);
    ok(gst == GK_OK && gcc && gk_geomcol_geoms(gcc).types[0] == GK_GEOM_NONE,
       "empty GeometryCollection is NONE");
    gk_geomcol_free(gcc);
    buf_t e = {0}; /* POINT EMPTY as GEOS writes it */
    hdr(&e, 1);
    f64(&e, NAN);
    f64(&e, NAN);
    buf_t mp = {0}; /* MultiPoint of two points */
    hdr(&mp, 4);
    u32(&mp, 2);
    for (int k = 0; k < 2; k++) {
        hdr(&mp, 1);
        f64(&mp, k);
        f64(&mp, -k);
    }
    const uint8_t *ptr[] = {a.b, NULL, e.b, mp.b};
    size_t len[] = {a.n, 0, e.n, mp.n};
    gk_geomcol_t *c = NULL;
    gk_status_t st = gk_geomcol_from_wkb(ctx, ptr, len, 4, &c);
    if (!ok(st == GK_OK && c, "multi, NULL and empty geometries parse"))
        return;
    gk_geoms_t g = gk_geomcol_geoms(c);
    is_int((long long)g.ngeoms, 4, "four features");
    is_int(g.types[0], GK_GEOM_MULTIPOLYGON, "MultiPolygon kept");
    is_int(g.geom_off[1] - g.geom_off[0], 1, "its empty member dropped");
    is_int(g.types[1], GK_GEOM_NONE, "NULL buffer is NONE");
    is_int(g.types[2], GK_GEOM_NONE, "POINT EMPTY is NONE");
    is_int(g.geom_off[3] - g.geom_off[2], 0, "NONE has no parts");
    is_int(g.geom_off[4] - g.geom_off[3], 2, "MultiPoint has two parts");
    is_int(gk_geoms_check(ctx, &g, gk_geoms_num_parts(&g),
                          gk_geoms_num_rings(&g), gk_geoms_num_vertices(&g)),
           GK_OK, "parsed collection passes the layout check");
    /* writing each and reading back gives the same arrays */
    uint8_t out[4][512];
    const uint8_t *optr[4];
    size_t olen[4];
    for (size_t i = 0; i < 4; i++) {
        olen[i] = gk_geoms_feature_wkb(&g, i, out[i], sizeof out[i]);
        optr[i] = olen[i] ? out[i] : NULL;
    }
    gk_geomcol_t *c2 = NULL;
    st = gk_geomcol_from_wkb(ctx, optr, olen, 4, &c2);
    if (ok(st == GK_OK, "written WKB reads back")) {
        gk_geoms_t h = gk_geomcol_geoms(c2);
        size_t nv = gk_geoms_num_vertices(&g);
        ok(h.ngeoms == 4 && memcmp(h.types, g.types, 4) == 0 &&
               memcmp(h.geom_off, g.geom_off, 5 * sizeof(int64_t)) == 0 &&
               gk_geoms_num_vertices(&h) == nv &&
               memcmp(h.xy, g.xy, 2 * nv * sizeof(double)) == 0,
           "round trip: identical types, offsets and coordinates");
    }
    gk_geomcol_free(c2);
    gk_geomcol_free(c);
}

static void test_mixed_dimensions(gk_context_t *ctx)
{
    /* 2D, then Z (the z array appears), then 2D again (z = NaN) */
    buf_t a = {0}, b = {0}, c = {.big = true};
    hdr(&a, 2);
    u32(&a, 2);
    for (int k = 0; k < 4; k++)
        f64(&a, k + 0.5);
    hdr(&b, 1002);
    u32(&b, 1);
    f64(&b, 7);
    f64(&b, 8);
    f64(&b, 9);
    hdr(&c, 2);
    u32(&c, 2);
    for (int k = 0; k < 4; k++)
        f64(&c, -k - 0.25);
    const uint8_t *ptr[] = {a.b, b.b, c.b};
    size_t len[] = {a.n, b.n, c.n};
    gk_geomcol_t *col = NULL;
    if (!ok(gk_geomcol_from_wkb(ctx, ptr, len, 3, &col) == GK_OK,
            "2D, Z and big-endian 2D lines in one collection"))
        return;
    gk_geoms_t g = gk_geomcol_geoms(col);
    double want_xy[] = {0.5, 1.5, 2.5, 3.5, 7, 8, -0.25, -1.25, -2.25, -3.25};
    ok(gk_geoms_num_vertices(&g) == 5 &&
           memcmp(g.xy, want_xy, sizeof want_xy) == 0,
       "coordinates exact across the fast and per-vertex paths");
    ok(g.z && isnan(g.z[0]) && isnan(g.z[1]) && g.z[2] == 9 &&
           isnan(g.z[3]) && isnan(g.z[4]),
       "z is 9 for the Z vertex and NaN for the 2D ones");
    gk_geomcol_free(col);
}

static void expect_error(gk_context_t *ctx, const buf_t *w, gk_status_t code,
                         const char *msg, const char *name)
{
    gk_status_t st;
    gk_geomcol_t *c = parse1(ctx, w, &st);
    is_int(st, code, name);
    ok(c == NULL, "%s: no collection", name);
    has_str(gk_errmsg(ctx), msg, name);
}

static void test_bad_input(gk_context_t *ctx)
{
    buf_t w = {0};
    hdr(&w, 7);
    u32(&w, 1);
    hdr(&w, 1);
    f64(&w, 1);
    f64(&w, 2);
    expect_error(ctx, &w, GK_ERR_UNSUPPORTED, "GeometryCollection is not "
                 "supported", "GeometryCollection refused");
    w = (buf_t){0};
    hdr(&w, 8);
    expect_error(ctx, &w, GK_ERR_UNSUPPORTED, "CircularString",
                 "CircularString refused by name");
    w = (buf_t){0};
    u8(&w, 7);
    u32(&w, 1);
    expect_error(ctx, &w, GK_ERR_INPUT_INVALID, "byte-order mark",
                 "bad byte-order mark");
    w = (buf_t){0};
    hdr(&w, 42);
    expect_error(ctx, &w, GK_ERR_INPUT_INVALID, "unknown WKB geometry type 42",
                 "unknown type");
    w = (buf_t){0};
    hdr(&w, 2);
    u32(&w, 0x7fffffff);
    expect_error(ctx, &w, GK_ERR_INPUT_INVALID, "claims 2147483647 points",
                 "huge count refused before allocating");
    w = (buf_t){0};
    hdr(&w, 5);
    u32(&w, 1);
    hdr(&w, 3);
    u32(&w, 0);
    expect_error(ctx, &w, GK_ERR_INPUT_INVALID,
                 "member 0 of a MultiLineString is a Polygon",
                 "wrong member type");
    w = (buf_t){0};
    hdr(&w, 1);
    f64(&w, 1);
    f64(&w, 2);
    u8(&w, 0);
    expect_error(ctx, &w, GK_ERR_INPUT_INVALID, "1 bytes after the end",
                 "trailing byte");

    /* every truncation of a valid buffer fails cleanly */
    buf_t v = {0};
    hdr(&v, 6);
    u32(&v, 1);
    hdr(&v, 1003);
    u32(&v, 1);
    u32(&v, 4);
    for (int k = 0; k < 12; k++)
        f64(&v, k);
    int clean = 1;
    for (size_t n = 0; n < v.n; n++) {
        buf_t t = v;
        t.n = n;
        gk_status_t st;
        gk_geomcol_t *c = parse1(ctx, &t, &st);
        clean &= st == GK_ERR_INPUT_INVALID && c == NULL;
        gk_geomcol_free(c);
    }
    ok(clean, "all %zu truncations of a MultiPolygon Z give INPUT_INVALID",
       v.n);
    buf_t t3 = v;
    t3.n = 3;
    gk_status_t st3;
    gk_geomcol_free(parse1(ctx, &t3, &st3));
    has_str(gk_errmsg(ctx), "WKB truncated at byte 0 (5 more bytes needed, 3 left)",
            "truncation message gives place and sizes");
    gk_geomcol_t *c = NULL;
    is_int(gk_geomcol_from_wkb(ctx, NULL, NULL, 1, &c), GK_ERR_ARG,
           "NULL arrays with n > 0");
    is_int(gk_geomcol_from_wkb(ctx, NULL, NULL, 0, &c), GK_OK,
           "zero geometries");
    ok(c && gk_geomcol_geoms(c).ngeoms == 0 &&
           gk_geomcol_geoms(c).geom_off[0] == 0,
       "empty collection has its leading offset");
    gk_geomcol_free(c);
}

static void test_check(gk_context_t *ctx)
{
    /* two polygons: a triangle and a square */
    uint8_t types[] = {GK_GEOM_POLYGON, GK_GEOM_LINESTRING};
    int64_t goff[] = {0, 1, 2};
    int64_t poff[] = {0, 1, 2};
    int64_t roff[] = {0, 4, 6};
    double xy[12] = {0};
    gk_geoms_t g = {2, types, goff, poff, roff, xy, NULL};
    is_int(gk_geoms_check(ctx, &g, 2, 2, 6), GK_OK, "good view passes");
    is_int(gk_geoms_check(ctx, &g, 2, 2, 5), GK_ERR_INPUT_INVALID,
           "ring offset beyond the vertices");
    has_str(gk_errmsg(ctx), "exceed the 5 vertices", "message says so");
    roff[1] = 7;
    is_int(gk_geoms_check(ctx, &g, 2, 2, 6), GK_ERR_INPUT_INVALID,
           "decreasing ring offsets");
    roff[1] = 4;
    goff[1] = 3;
    is_int(gk_geoms_check(ctx, &g, 2, 2, 6), GK_ERR_INPUT_INVALID,
           "geometry offset beyond the parts");
    goff[1] = 1;
    types[1] = 9;
    is_int(gk_geoms_check(ctx, &g, 2, 2, 6), GK_ERR_INPUT_INVALID,
           "unknown type");
    types[1] = GK_GEOM_POINT;
    is_int(gk_geoms_check(ctx, &g, 2, 2, 6), GK_ERR_INPUT_INVALID,
           "point part with two vertices");
    types[1] = GK_GEOM_NONE;
    is_int(gk_geoms_check(ctx, &g, 2, 2, 6), GK_ERR_INPUT_INVALID,
           "NONE with a part");
    types[1] = GK_GEOM_LINESTRING;
    goff[2] = 1;
    goff[1] = 0;
    types[0] = GK_GEOM_POLYGON;
    goff[1] = 2;
    goff[2] = 2;
    is_int(gk_geoms_check(ctx, &g, 2, 2, 6), GK_ERR_INPUT_INVALID,
           "Polygon with two parts");
    has_str(gk_errmsg(ctx), "use a Multi type", "message suggests Multi");
}

int main(void)
{
    gk_context_t *ctx = NULL;
    if (gk_context_new(&ctx) != GK_OK)
        return 1;
    test_polygon_orders(ctx);
    test_dimensions(ctx);
    test_multi_and_empty(ctx);
    test_mixed_dimensions(ctx);
    test_bad_input(ctx);
    test_check(ctx);
    gk_context_free(ctx);
    return done_testing();
}
