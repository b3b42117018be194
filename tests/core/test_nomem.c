/*
 * tests/core/test_nomem.c - every allocation geokota makes may fail, and the
 * library must answer with an error, never a crash, a leak or a
 * half-built result.
 *
 * How: this program is linked with -Wl,--wrap=malloc (and calloc, realloc,
 * aligned_alloc), which redirects the calls made by geokota's own objects
 * (the internal static library linked into this program) to the wrappers
 * below, while GDAL, PROJ, GEOS and SQLite, which are shared libraries,
 * keep the real allocator. A scenario is run once to count its
 * allocations and record its result, then once per allocation with that
 * one allocation failing. Each run must either fail with a message (and
 * leave its output pointer NULL) or, where the failed allocation was only
 * an optimisation, succeed with the recorded result. Leaks on the error
 * paths are caught by the AddressSanitizer run of the suite.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <unistd.h>

#include <geokota/geokota.h>

#include "core/core_internal.h"
#include "geom/geom_internal.h"
#include "tap.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);

/* The scenarios run on one thread (threads = 1 where there is a choice),
 * so the count is deterministic and plain globals are enough. */
static long alloc_calls;
static long fail_call = -1; /* index of the call that fails; -1: none */

static int should_fail(void) { return alloc_calls++ == fail_call; }

void *__wrap_malloc(size_t size)
{
    return should_fail() ? NULL : __real_malloc(size);
}
void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *ptr, size_t size)
{
    return should_fail() ? NULL : __real_realloc(ptr, size);
}
void *__wrap_aligned_alloc(size_t align, size_t size)
{
    return should_fail() ? NULL : __real_aligned_alloc(align, size);
}

/* A scenario returns its status and, on success, a text that describes its
 * result completely enough to compare runs (malloc'ed with the real
 * allocator, after the injection window). */
typedef gk_status_t (*scenario_fn)(gk_context_t *ctx, char **result);

/* Scratch files of the scenarios, made once before the runs. */
static char scratch_dir[64];
static char dem_path[128], points_path[128], store_path[128];

static const char *source_root(void)
{
    const char *r = getenv("GK_SOURCE_ROOT");
    return r ? r : ".";
}

/* Set *result to the text of a result; GK_ERR_NOMEM when that fails.
 * libc's own allocations (vasprintf, open_memstream) are not redirected
 * by --wrap: only geokota's objects and this file's direct calls are. */
static gk_status_t describe(gk_context_t *ctx, char **result,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static gk_status_t describe(gk_context_t *ctx, char **result,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(result, fmt, ap) < 0)
        *result = NULL;
    va_end(ap);
    return *result ? GK_OK : gk_error(ctx, GK_ERR_NOMEM, "describe failed");
}

/* The README's job: read the bundled sample, estimate with the width table
 * and the shipped catalog and templates, write the JSON report. */
static gk_status_t run_estimate(gk_context_t *ctx, char **result)
{
    char roads_path[1024], widths_path[1024], data_dir[1024];
    snprintf(roads_path, sizeof roads_path,
             "%s/examples/jalan_lingkungan_tebet.geojson", source_root());
    snprintf(widths_path, sizeof widths_path, "%s/data/osm_widths.csv",
             source_root());
    snprintf(data_dir, sizeof data_dir, "%s/data", source_root());

    gk_layer_t *roads = NULL;
    gk_width_table_t *widths = NULL;
    gk_boq_t *boq = NULL;
    gk_layer_t *surface = NULL;
    gk_status_t st = gk_layer_read(ctx, roads_path, NULL, &roads);
    if (st == GK_OK)
        st = gk_width_table_load(ctx, widths_path, &widths);
    gk_estimate_opts_t opts = {.data_dir = data_dir, .width_table = widths,
                               .threads = 1};
    if (st == GK_OK)
        st = gk_estimate_roads(ctx, roads, &opts, &boq, &surface);
    if (st == GK_OK && (boq == NULL || surface == NULL))
        st = gk_error(ctx, GK_ERR_INTERNAL, "estimate gave no result");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = st == GK_OK ? open_memstream(&text, &len) : NULL;
    if (st == GK_OK && mem == NULL)
        st = gk_error(ctx, GK_ERR_NOMEM, "open_memstream failed");
    if (st == GK_OK)
        st = gk_boq_write(ctx, boq, mem, GK_BOQ_JSON, GK_LANG_EN);
    if (mem)
        fclose(mem);
    if (st == GK_OK)
        *result = text;
    else
        free(text);
    gk_layer_free(surface);
    gk_boq_free(boq);
    gk_width_table_free(widths);
    gk_layer_free(roads);
    return st;
}

/* The R-tree's allocating calls: build, dynamic inserts and removals,
 * repack, batch query, join, save and open. */
static gk_status_t run_rtree(gk_context_t *ctx, char **result)
{
    enum { N = 600 };
    gk_box_t boxes[N];
    uint64_t s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        double x = (double)(s >> 40) / 16.0, y = (double)((s >> 20) & 0xfffff)
                                                    / 16.0;
        boxes[i] = (gk_box_t){x, y, x + (double)(i % 7), y + (double)(i % 5)};
    }
    char path[160];
    snprintf(path, sizeof path, "%s/tree.gkidx", scratch_dir);
    gk_rtree_t *packed = NULL, *dyn = NULL, *opened = NULL;
    gk_hits_t *batch = NULL, *pairs = NULL;
    gk_status_t st = gk_rtree_build(ctx, boxes, NULL, N, NULL, &packed);
    if (st == GK_OK)
        st = gk_rtree_new(ctx, NULL, &dyn);
    for (int i = 0; st == GK_OK && i < N; i++)
        st = gk_rtree_insert(ctx, dyn, boxes[i], i);
    for (int i = 0; st == GK_OK && i < N; i += 3)
        st = gk_rtree_remove(ctx, dyn, i, boxes[i], NULL);
    if (st == GK_OK)
        st = gk_rtree_repack(ctx, dyn);
    if (st == GK_OK)
        st = gk_rtree_query_box_batch(ctx, packed, boxes, 50, &batch);
    if (st == GK_OK)
        st = gk_rtree_join(ctx, packed, dyn, &pairs);
    if (st == GK_OK)
        st = gk_rtree_save(ctx, dyn, path);
    if (st == GK_OK)
        st = gk_rtree_open(ctx, path, NULL, &opened);
    if (st == GK_OK) {
        gk_hits_view_t b = gk_hits_view(batch), p = gk_hits_view(pairs);
        int64_t near[10];
        double dist[10];
        size_t k = gk_rtree_nearest(opened, boxes[7], 10, NULL, near, dist);
        st = describe(ctx, result, "%zu %zu %zu %zu %zu %lld",
                      gk_rtree_size(dyn), gk_rtree_size(opened), b.num_ids,
                      p.num_ids, k, (long long)near[0]);
    }
    remove(path);
    gk_hits_free(pairs);
    gk_hits_free(batch);
    gk_rtree_free(opened);
    gk_rtree_free(dyn);
    gk_rtree_free(packed);
    return st;
}

/* A 96 x 80 tiled GeoTIFF (UTM 48S, 2 m cells) of a tilted, curved
 * terrain with a nodata patch, and a GeoJSON of a few assets. */
static bool make_inputs(void)
{
    snprintf(scratch_dir, sizeof scratch_dir, "/tmp/gk_nomem_XXXXXX");
    if (!mkdtemp(scratch_dir))
        return false;
    snprintf(dem_path, sizeof dem_path, "%s/dem.tif", scratch_dir);
    snprintf(points_path, sizeof points_path, "%s/points.geojson",
             scratch_dir);
    GDALAllRegister();
    char **co = NULL;
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", "32");
    co = CSLSetNameValue(co, "BLOCKYSIZE", "32");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), dem_path, 96,
                                 80, 1, GDT_Float32, co);
    CSLDestroy(co);
    if (!ds)
        return false;
    double gt[6] = {700000, 2, 0, 9300160, 0, -2};
    GDALSetGeoTransform(ds, gt);
    GDALSetProjection(ds, "EPSG:32748");
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(band, -9999);
    float row[96];
    bool written = true;
    for (int j = 0; j < 80; j++) {
        for (int i = 0; i < 96; i++)
            row[i] = (i > 70 && j > 60) ? -9999.0f
                                        : (float)(10 + 0.05 * i - 0.03 * j +
                                                  0.001 * (i - 40) * (i - 40));
        written = written && GDALRasterIO(band, GF_Write, 0, j, 96, 1, row,
                                          96, 1, GDT_Float32, 0, 0) == CE_None;
    }
    GDALClose(ds);
    FILE *f = fopen(points_path, "w");
    if (!f)
        return false;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (int i = 0; i < 40; i++)
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"aid\":\"p%d\","
                   "\"kind\":\"%s\"},\"geometry\":{\"type\":\"Point\","
                   "\"coordinates\":[%.6f,%.6f]}}",
                i ? "," : "", i, i % 3 ? "street_light" : "trash_bin",
                106.63 + 0.0007 * (i % 8), -6.17 + 0.0005 * (i / 8));
    fputs("]}\n", f);
    return fclose(f) == 0 && written;
}

static void remove_inputs(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    if (system(cmd) != 0)
        diag("could not remove %s", scratch_dir);
}

/* One feature of `nrings` rings of `n` vertices each from `xy`. */
static bool add_shape(gk_geomcol_t *c, gk_geom_type_t type, const double *xy,
                      int nrings, int n)
{
    if (!gk_geomcol_begin_geom(c, type) || !gk_geomcol_begin_part(c))
        return false;
    for (int r = 0; r < nrings; r++) {
        if (!gk_geomcol_begin_ring(c))
            return false;
        for (int i = 0; i < n; i++)
            if (!gk_geomcol_add_xy(c, xy[2 * (r * n + i)],
                                   xy[2 * (r * n + i) + 1]))
                return false;
    }
    return true;
}

/* Cut and fill by the three methods, with a difference raster. */
static gk_status_t run_volume(gk_context_t *ctx, char **result)
{
    /* A rectangle with a hole, and a centerline for the sections. */
    static const double ring_xy[] = {700010, 9300010, 700150, 9300010,
                                     700150, 9300120, 700010, 9300120,
                                     700010, 9300010, 700050, 9300040,
                                     700050, 9300070, 700090, 9300070,
                                     700090, 9300040, 700050, 9300040};
    static const double line_xy[] = {700020, 9300050, 700140, 9300090};
    gk_geomcol_t region, line;
    gk_geomcol_init(&region);
    gk_geomcol_init(&line);
    gk_dem_t *dem = NULL;
    gk_volume_result_t r[3] = {{0}};
    char diff_path[160];
    snprintf(diff_path, sizeof diff_path, "%s/diff.tif", scratch_dir);
    gk_status_t st = gk_dem_open(ctx, dem_path, 1, &dem);
    if (st == GK_OK && !(add_shape(&region, GK_GEOM_POLYGON, ring_xy, 2, 5) &&
                         add_shape(&line, GK_GEOM_LINESTRING, line_xy, 1, 2)))
        st = gk_error(ctx, GK_ERR_NOMEM, "test geometry");
    const gk_geoms_t rv = gk_geomcol_view(&region), lv = gk_geomcol_view(&line);
    gk_volume_method_t methods[3] = {GK_VOLUME_CELL, GK_VOLUME_TIN,
                                     GK_VOLUME_SECTIONS};
    for (int m = 0; m < 3 && st == GK_OK; m++) {
        gk_volume_opts_t o = {.method = methods[m],
                              .design = {.kind = GK_DESIGN_LEVEL,
                                         .level_m = 11.5},
                              .threads = 1, .centerline = &lv,
                              .half_width_m = 4, .interval_m = 10,
                              .swell = 1.25, .shrink = 0.9,
                              .diff_raster_path = m == 0 ? diff_path : NULL};
        st = gk_volume_compute(ctx, dem, &rv, NULL, &o, &r[m]);
    }
    if (st == GK_OK)
        st = describe(ctx, result,
                      "%.17g %.17g %.17g %.17g %.17g %.17g %.17g %zu",
                      r[0].cut_m3, r[0].fill_m3, r[0].nodata_area_m2,
                      r[1].cut_m3, r[1].fill_m3, r[2].cut_m3, r[2].fill_m3,
                      r[2].nstations);
    for (int m = 0; m < 3; m++)
        gk_volume_result_free(&r[m]);
    gk_dem_close(dem);
    gk_geomcol_clear(&line);
    gk_geomcol_clear(&region);
    return st;
}

/* The foundation's path: read the kecamatan polygons, measure them on the
 * ellipsoid (with the GEOS validity check), add the areas as a field and
 * write GeoJSON and CSV atomically. */
static gk_status_t run_measure(gk_context_t *ctx, char **result)
{
    char src[1024], geojson[160], csv[160];
    snprintf(src, sizeof src, "%s/data/samples/kota_tangerang_kecamatan.geojson",
             source_root());
    snprintf(geojson, sizeof geojson, "%s/areas.geojson", scratch_dir);
    snprintf(csv, sizeof csv, "%s/areas.csv", scratch_dir);
    gk_layer_t *layer = NULL;
    gk_measure_result_t *m = NULL;
    gk_status_t st = gk_layer_read(ctx, src, NULL, &layer);
    if (st == GK_OK)
        st = gk_measure_layer(ctx, layer, NULL, &m);
    if (st == GK_OK)
        st = gk_layer_add_double_field(ctx, layer, "area_m2", m->area_m2);
    if (st == GK_OK)
        st = gk_layer_write_geojson(ctx, layer, geojson);
    if (st == GK_OK)
        st = gk_layer_write_csv(ctx, layer, csv);
    if (st == GK_OK)
        st = describe(ctx, result, "%zu %.17g %.17g", m->count,
                      m->total_area_m2, m->total_perimeter_m);
    gk_measure_result_free(m);
    gk_layer_free(layer);
    return st;
}

/* Create a store, load the kinds, import the points, query near: and
 * after any failure the store holds all the points or none. */
static gk_status_t run_assets(gk_context_t *ctx, char **result)
{
    char kinds_path[1024];
    snprintf(kinds_path, sizeof kinds_path, "%s/data/asset_kinds.json",
             source_root());
    static int serial;
    snprintf(store_path, sizeof store_path, "%s/store%d.sqlite", scratch_dir,
             serial++);
    gk_assets_t *store = NULL;
    gk_asset_rows_t *rows = NULL;
    gk_assets_import_report_t rep = {0};
    gk_assets_import_opts_t io = {.kind_field = "kind", .id_field = "aid"};
    gk_status_t st = gk_assets_open(ctx, store_path, GK_ASSETS_CREATE, &store);
    if (st == GK_OK)
        st = gk_assets_load_kinds(ctx, store, kinds_path);
    if (st == GK_OK)
        st = gk_assets_import_file(ctx, store, points_path, &io, &rep);
    if (st == GK_OK)
        st = gk_assets_near(ctx, store, 106.632, -6.169, 5, 0, NULL, &rows);
    if (st == GK_OK)
        st = describe(ctx, result, "%zu %zu %s %s %.9f", rep.inserted,
                      rows->n, rows->ids[0], rows->ids[4],
                      rows->distance_m[4]);
    gk_asset_rows_free(rows);
    gk_assets_close(store);
    if (st != GK_OK && access(store_path, F_OK) == 0) {
        /* Whatever failed, the import is all or nothing. */
        long saved = fail_call;
        fail_call = -1;
        gk_context_t *c2 = NULL;
        gk_assets_t *s2 = NULL;
        gk_assets_stats_t *stats = NULL;
        if (gk_context_new(&c2) == GK_OK &&
            gk_assets_open(c2, store_path, GK_ASSETS_READONLY, &s2) == GK_OK &&
            gk_assets_stats(c2, s2, &stats) == GK_OK &&
            stats->num_assets != 0 && stats->num_assets != 40)
            st = GK_ERR_INTERNAL; /* reported by the caller as bad */
        gk_assets_stats_free(stats);
        gk_assets_close(s2);
        gk_context_free(c2);
        fail_call = saved;
    }
    return st;
}

/* Run `fn` once per allocation it makes, failing that allocation; past
 * `max_runs` allocations, every allocation of the first and last
 * max_runs / 4 (set-up and output code) and an even spread between. */
static void check_scenario(const char *name, scenario_fn fn, long max_runs)
{
    gk_context_t *ctx = NULL;
    if (gk_context_new(&ctx) != GK_OK) {
        ok(0, "%s: context", name);
        return;
    }
    char *baseline = NULL;
    alloc_calls = 0;
    fail_call = -1;
    gk_status_t st = fn(ctx, &baseline);
    long total = alloc_calls;
    if (!ok(st == GK_OK && baseline, "%s runs (%ld allocations): %s", name,
            total, gk_errmsg(ctx))) {
        gk_context_free(ctx);
        return;
    }
    long edge = max_runs / 4;
    long stride = total > max_runs ? (total - 2 * edge) / (max_runs / 2) : 1;
    long failed_cleanly = 0, survived = 0, bad = 0;
    for (long n = 0; n < total; n++) {
        if (n >= edge && n < total - edge && n % stride != 0)
            continue;
        gk_context_t *c = NULL;
        fail_call = -1;
        if (gk_context_new(&c) != GK_OK)
            break;
        char *text = NULL;
        alloc_calls = 0;
        fail_call = n;
        st = fn(c, &text);
        fail_call = -1;
        if (st != GK_OK) {
            if (text == NULL && st != GK_ERR_INTERNAL &&
                gk_errmsg(c)[0] != '\0')
                failed_cleanly++;
            else if (bad++ < 5)
                diag("%s: allocation %ld: status %d without a message or "
                     "with a result", name, n, (int)st);
        } else if (text && strcmp(text, baseline) == 0) {
            survived++;
        } else if (bad++ < 5) {
            diag("%s: allocation %ld failed but the result changed", name,
                 n);
        }
        free(text);
        gk_context_free(c);
    }
    ok(bad == 0,
       "%s: every failed allocation gives an error or the same result "
       "(%ld errors, %ld recovered)",
       name, failed_cleanly, survived);
    ok(failed_cleanly > 0, "%s: the failures were reported", name);
    free(baseline);
    gk_context_free(ctx);
}

int main(void)
{
    if (!make_inputs()) {
        remove_inputs();
        skip_all("cannot write the scratch inputs");
    }
    /* Creating a SpatiaLite store costs ~20 ms, hence fewer runs there. */
    check_scenario("estimate", run_estimate, 4000);
    check_scenario("measure", run_measure, 4000);
    check_scenario("rtree", run_rtree, 4000);
    check_scenario("volume", run_volume, 4000);
    check_scenario("assets", run_assets, 240);
    remove_inputs();
    return done_testing();
}
