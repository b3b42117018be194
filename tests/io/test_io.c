/*
 * tests/io/test_io.c - reading, describing, validating and writing layers,
 * and every bad-input case with its exact error.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io_internal.h"
#include "tap.h"

static char tmpdir[256];

static const char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

#define FC(features)                                                          \
    "{\"type\":\"FeatureCollection\",\"features\":[" features "]}"

static void test_read_mixed(gk_context_t *ctx)
{
    const char *path = write_tmp(
        "mixed.geojson",
        FC("{\"type\":\"Feature\",\"id\":7,\"properties\":{\"name\":\"Jl. A\","
           "\"width\":3.5,\"lanes\":2},\"geometry\":{\"type\":\"LineString\","
           "\"coordinates\":[[106.6,-6.2],[106.61,-6.21,12.5]]}},"
           "{\"type\":\"Feature\",\"id\":8,\"properties\":{\"name\":null,"
           "\"width\":null,\"lanes\":null},\"geometry\":{\"type\":"
           "\"MultiPolygon\",\"coordinates\":[[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
           "[[1,1],[1,2],[2,2],[1,1]]],[[[10,10],[11,10],[11,11],[10,10]]]]}},"
           "{\"type\":\"Feature\",\"id\":9,\"properties\":{},\"geometry\":null}"));
    gk_layer_t *l = NULL;
    is_int(gk_layer_read(ctx, path, NULL, &l), GK_OK, "read mixed GeoJSON");
    if (!l)
        return;
    gk_geoms_t g = gk_layer_geoms(l);
    is_int((long long)g.ngeoms, 3, "three features");
    is_int(g.types[0], GK_GEOM_LINESTRING, "feature 0 is a LineString");
    is_int(g.types[1], GK_GEOM_MULTIPOLYGON, "feature 1 is a MultiPolygon");
    is_int(g.types[2], GK_GEOM_NONE, "null geometry is NONE");
    is_int(gk_layer_fid(l, 1), 8, "GeoJSON id becomes the fid");
    is_int((long long)gk_geoms_num_parts(&g), 3, "1 + 2 + 0 parts");
    is_int((long long)gk_geoms_num_rings(&g), 4, "1 + 3 rings");
    is_int((long long)gk_geoms_num_vertices(&g), 15, "2 + 5 + 4 + 4 vertices");
    ok(g.z != NULL && g.z[1] == 12.5, "Z value kept");
    ok(g.xy[2] == 106.61 && g.xy[3] == -6.21, "x = lon, y = lat, exact");
    ok(gk_layer_crs(l) && gk_crs_is_geographic(gk_layer_crs(l)),
       "GeoJSON CRS is geographic");
    int w = gk_layer_field_index(l, "WIDTH");
    ok(w >= 0, "field lookup is case-insensitive");
    is_double(gk_layer_get_double(l, (size_t)w, 0), 3.5, 0, 0, "width 3.5");
    ok(gk_layer_is_null(l, (size_t)w, 1), "null attribute");
    ok(isnan(gk_layer_get_double(l, (size_t)w, 1)), "null reads as NaN");
    int n = gk_layer_field_index(l, "name");
    is_str(gk_layer_get_string(l, (size_t)n, 0), "Jl. A", "string field");
    int lanes = gk_layer_field_index(l, "lanes");
    is_int(gk_layer_get_int(l, (size_t)lanes, 0), 2, "integer field");

    bool *bad = NULL;
    gk_status_t st = gk_layer_validate(ctx, l, NULL, &bad);
    is_int(st, GK_ERR_INPUT_EMPTY, "the null geometry is reported");
    has_str(gk_errmsg(ctx), "(layer mixed): feature 9: empty or missing",
            "message names source, layer and feature id");
    ok(bad && !bad[0] && !bad[1] && bad[2], "only feature 9 is flagged");
    gk_free(bad);
    gk_layer_free(l);
}

/* Each bad file gives the exact code and a message naming the place. */
static void expect_invalid(gk_context_t *ctx, const char *name,
                           const char *geometry, gk_status_t code,
                           const char *msg)
{
    char text[1024];
    snprintf(text, sizeof text,
             FC("{\"type\":\"Feature\",\"id\":17,\"properties\":{},"
                "\"geometry\":%s}"),
             geometry);
    const char *path = write_tmp(name, text);
    gk_layer_t *l = NULL;
    gk_status_t st = gk_layer_read(ctx, path, NULL, &l);
    if (st == GK_OK) {
        bool *bad = NULL;
        st = gk_layer_validate(ctx, l, NULL, &bad);
        ok(bad && bad[0], "%s: flagged", name);
        gk_free(bad);
    }
    is_int(st, code, name);
    has_str(gk_errmsg(ctx), msg, name);
    gk_layer_free(l);
}

static void test_bad_geometry(gk_context_t *ctx)
{
    expect_invalid(ctx, "unclosed.geojson",
                   "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],"
                   "[0,1]]]}",
                   GK_ERR_INPUT_UNCLOSED_RING,
                   "feature 17: ring 0 not closed (first 0,0 != last 0,1)");
    expect_invalid(ctx, "short_line.geojson",
                   "{\"type\":\"LineString\",\"coordinates\":[[0,0]]}",
                   GK_ERR_INPUT_TOO_FEW_POINTS,
                   "feature 17: line 0 has 1 point (at least 2 needed)");
    expect_invalid(ctx, "empty.geojson",
                   "{\"type\":\"Polygon\",\"coordinates\":[]}",
                   GK_ERR_INPUT_EMPTY, "feature 17: empty or missing geometry");
    expect_invalid(ctx, "bowtie.geojson",
                   "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,2],[2,0],"
                   "[0,2],[0,0]]]}",
                   GK_ERR_INPUT_SELF_INTERSECTION,
                   "feature 17: invalid polygon: Self-intersection at or near 1,1");
    expect_invalid(ctx, "collection.geojson",
                   "{\"type\":\"GeometryCollection\",\"geometries\":[]}",
                   GK_ERR_INPUT_EMPTY, "feature 17: empty or missing geometry");
    expect_invalid(ctx, "collection2.geojson",
                   "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":"
                   "\"Point\",\"coordinates\":[1,2]}]}",
                   GK_ERR_UNSUPPORTED,
                   "feature 17: geometry type Geometry Collection is not "
                   "supported");
}

static void test_bad_files(gk_context_t *ctx)
{
    gk_layer_t *l = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/missing.geojson", tmpdir);
    is_int(gk_layer_read(ctx, path, NULL, &l), GK_ERR_IO, "missing file: IO");
    has_str(gk_errmsg(ctx), "missing.geojson: no such file",
            "missing file named");
    ok(l == NULL, "no layer on failure");

    const char *broken = write_tmp("broken.geojson", "{\"type\":\"Feature");
    is_int(gk_layer_read(ctx, broken, NULL, &l), GK_ERR_FORMAT,
           "broken GeoJSON: FORMAT");
    has_str(gk_errmsg(ctx), "broken.geojson: not a readable vector file",
            "broken file named");

    const char *good = write_tmp(
        "good.geojson",
        FC("{\"type\":\"Feature\",\"properties\":{\"k\":1},\"geometry\":"
           "{\"type\":\"Point\",\"coordinates\":[1,2]}},"
           "{\"type\":\"Feature\",\"properties\":{\"k\":2},\"geometry\":"
           "{\"type\":\"Point\",\"coordinates\":[3,4]}}"));
    gk_read_opts_t opts = {.layer = "nope"};
    is_int(gk_layer_read(ctx, good, &opts, &l), GK_ERR_INPUT, "unknown layer");
    has_str(gk_errmsg(ctx), "no layer named \"nope\" (layers: good)",
            "unknown layer lists the layers");
    opts = (gk_read_opts_t){.where = "k >"};
    is_int(gk_layer_read(ctx, good, &opts, &l), GK_ERR_INPUT, "bad filter");
    has_str(gk_errmsg(ctx), "invalid filter \"k >\"", "bad filter named");
    opts = (gk_read_opts_t){.where = "k = 2"};
    is_int(gk_layer_read(ctx, good, &opts, &l), GK_OK, "filter applies");
    is_int((long long)gk_layer_num_features(l), 1, "one feature passes");
    if (l)
        ok(l->geoms.xy[0] == 3, "the right one");
    gk_layer_free(l);
}

static void test_write_roundtrip(gk_context_t *ctx)
{
    const char *src = write_tmp(
        "src.geojson",
        FC("{\"type\":\"Feature\",\"id\":3,\"properties\":{\"name\":\"a\\\"b\","
           "\"v\":0.1},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
           "[[[106.1,-6.1],[106.2,-6.1],[106.2,-6.0],[106.1,-6.1]]]}},"
           "{\"type\":\"Feature\",\"id\":4,\"properties\":{\"name\":null,"
           "\"v\":2},\"geometry\":{\"type\":\"MultiPoint\",\"coordinates\":"
           "[[1,2],[3,4]]}}"));
    gk_layer_t *a = NULL, *b = NULL, *c = NULL;
    gk_layer_read(ctx, src, NULL, &a);
    char out[512], csv[512];
    snprintf(out, sizeof out, "%s/out.geojson", tmpdir);
    snprintf(csv, sizeof csv, "%s/out.csv", tmpdir);
    double extra[2] = {1.0 / 3.0, NAN};
    is_int(gk_layer_add_double_field(ctx, a, "third", extra), GK_OK,
           "add a double column");
    is_int(gk_layer_add_double_field(ctx, a, "cut, bank m3", extra),
           GK_OK, "add a column whose name needs CSV quoting");
    is_int(gk_layer_write_geojson(ctx, a, out), GK_OK, "write GeoJSON");
    is_int(gk_layer_read(ctx, out, NULL, &b), GK_OK, "read it back");
    if (!b)
        diag("%s", gk_errmsg(ctx));
    is_int(gk_layer_write_csv(ctx, a, csv), GK_OK, "write CSV");
    gk_read_opts_t o = {0};
    is_int(gk_layer_read(ctx, csv, &o, &c), GK_OK, "read CSV (WKT) back");
    if (!b || !c)
        return;
    gk_geoms_t ga = gk_layer_geoms(a), gb = gk_layer_geoms(b),
               gc = gk_layer_geoms(c);
    size_t nv = gk_geoms_num_vertices(&ga);
    ok(gk_geoms_num_vertices(&gb) == nv &&
           memcmp(ga.xy, gb.xy, nv * 2 * sizeof(double)) == 0,
       "GeoJSON coordinates round-trip bit for bit");
    ok(gk_geoms_num_vertices(&gc) == nv &&
           memcmp(ga.xy, gc.xy, nv * 2 * sizeof(double)) == 0,
       "CSV WKT coordinates round-trip bit for bit");
    ok(gb.types[1] == GK_GEOM_MULTIPOINT, "MultiPoint type kept");
    int t = gk_layer_field_index(b, "third");
    ok(t >= 0 && gk_layer_get_double(b, (size_t)t, 0) == 1.0 / 3.0,
       "1/3 round-trips exactly");
    ok(t >= 0 && gk_layer_is_null(b, (size_t)t, 1), "NaN written as null");
    int nm = gk_layer_field_index(b, "name");
    is_str(gk_layer_get_string(b, (size_t)nm, 0), "a\"b", "quote escaped");
    is_int(gk_layer_fid(b, 1), 4, "ids kept");
    int q = gk_layer_field_index(c, "cut, bank m3");
    ok(q >= 0 && strtod(gk_layer_get_string(c, (size_t)q, 0), NULL) ==
                     1.0 / 3.0,
       "a CSV header with a comma reads back as one column");
    gk_layer_free(a);
    gk_layer_free(b);
    gk_layer_free(c);

    char fmt[32];
    gk_format_double(fmt, 0.1);
    is_str(fmt, "0.1", "0.1 prints short");
    gk_format_double(fmt, 300.0);
    is_str(fmt, "300", "300 prints as an integer");
    gk_format_double(fmt, 1.0 / 3.0);
    ok(strtod(fmt, NULL) == 1.0 / 3.0, "1/3 prints exactly (%s)", fmt);
}

static void test_atomic(gk_context_t *ctx)
{
    char path[512];
    snprintf(path, sizeof path, "%s/atomic.txt", tmpdir);
    is_int(gk_write_file_atomic(ctx, path, "old", 3), GK_OK, "first write");
    char bad[600];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.txt", tmpdir);
    is_int(gk_write_file_atomic(ctx, bad, "x", 1), GK_ERR_IO,
           "unwritable folder: IO");
    has_str(gk_errmsg(ctx), "x.txt: cannot create", "names the path");
    is_int(gk_write_file_atomic(ctx, path, "new!", 4), GK_OK, "overwrite");
    FILE *f = fopen(path, "r");
    char buf[8] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    ok(n == 4 && strcmp(buf, "new!") == 0, "content replaced whole");
}

static void test_describe(gk_context_t *ctx)
{
    char path[512];
    snprintf(path, sizeof path, "%s/data/samples/kota_tangerang_kecamatan.geojson",
             getenv("GK_SOURCE_ROOT") ? getenv("GK_SOURCE_ROOT") : "..");
    gk_source_info_t *info = NULL;
    is_int(gk_source_describe(ctx, path, &info), GK_OK, "describe sample");
    if (!info)
        return;
    is_str(gk_source_driver(info), "GeoJSON", "driver");
    is_int((long long)gk_source_num_layers(info), 1, "one layer");
    const gk_layer_info_t *li = gk_source_layer(info, 0);
    is_int(li->feature_count, 13, "13 kecamatan");
    is_str(li->geometry_type, "Polygon", "polygons");
    is_str(li->crs_authority, "EPSG:4326", "CRS84 is reported as EPSG:4326 by OGR");
    ok(li->has_extent && fabs(li->extent.xmin - 106.551456) < 1e-6,
       "extent xmin 106.551456");
    ok(li->num_fields >= 6, "fields listed");
    gk_source_info_free(info);

    gk_layer_t *l = NULL;
    is_int(gk_layer_read(ctx, path, NULL, &l), GK_OK, "read sample");
    gk_geoms_t g = gk_layer_geoms(l);
    is_int((long long)gk_geoms_num_vertices(&g), 8034, "8,034 vertices");
    bool *bad = NULL;
    is_int(gk_layer_validate(ctx, l, NULL, &bad), GK_OK,
           "all 13 valid (GEOS)");
    gk_free(bad);
    gk_layer_free(l);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gk_test_io_XXXXXX");
    if (!mkdtemp(tmpdir))
        skip_all("cannot make a temporary folder");
    gk_context_t *ctx = NULL;
    gk_context_new(&ctx);
    test_read_mixed(ctx);
    test_bad_geometry(ctx);
    test_bad_files(ctx);
    test_write_roundtrip(ctx);
    test_atomic(ctx);
    test_describe(ctx);
    gk_context_free(ctx);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (getenv("GK_KEEP_TMP") == NULL && system(cmd) != 0)
        diag("could not remove %s", tmpdir);
    return done_testing();
}
