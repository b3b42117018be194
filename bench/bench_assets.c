/*
 * bench/bench_assets.c - the asset store against SpatiaLite, one run, same
 * data:
 * 1. import N points (default 1,000,000) from one FlatGeobuf file:
 *    geokota (gk_assets_import_file: upsert by id, change log, SpatiaLite
 *    R*Tree) vs `ogr2ogr -f SQLite -dsco SPATIALITE=YES` (plain insert +
 *    its R*Tree);
 * 2. 10,000 `near` queries (10 nearest, true metres) and 10,000 `along`
 *    queries (assets within 30 m of a 2-vertex road of 100-300 m) through
 *    our R-tree path vs the equivalent SpatiaLite SQL with its spatial
 *    index (SpatialIndex + ST_Distance(..., 1)), with the answers compared.
 *
 * usage: bench_assets DIR [N]   (DIR: scratch folder with a few GB free)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sqlite3.h>
#include <spatialite.h>

#include "assets/assets_internal.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU seconds (user + system) of this process or of its children: on a
 * shared machine wall time varies with the load, CPU time much less. */
static double cpu(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec +
           (double)u.ru_stime.tv_sec + 1e-6 * (double)u.ru_stime.tv_usec;
}

static uint64_t rs = 7;
static double urand(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static const char *kinds[] = {"street_light", "tree", "manhole", "trash_bin",
                              "sign", "cctv"};
/* Jakarta's box */
static const double X0 = 106.62, Y0 = -6.40, DX = 0.38, DY = 0.30;

static int run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "bench: '%s' failed (%d)\n", cmd, rc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_assets DIR [N]\n");
        return 2;
    }
    const char *dir = argv[1];
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    char gj[512], fgb[512], ours[512], peer[512], cmd[2048];
    snprintf(gj, sizeof gj, "%s/pts.geojson", dir);
    snprintf(fgb, sizeof fgb, "%s/pts.fgb", dir);
    snprintf(ours, sizeof ours, "%s/ours.sqlite", dir);
    snprintf(peer, sizeof peer, "%s/peer.sqlite", dir);
    snprintf(cmd, sizeof cmd, "rm -f %.400s %.400s %.400s* %.400s*", gj, fgb,
             ours, peer);
    run(cmd);
    FILE *f = fopen(gj, "w");
    if (!f)
        return 1;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", f);
    for (long i = 0; i < n; i++)
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"aid\":\"a%ld\","
                   "\"k\":\"%s\",\"cond\":\"good\"},\"geometry\":{\"type\":"
                   "\"Point\",\"coordinates\":[%.7f,%.7f]}}\n",
                i ? "," : "", i, kinds[i % 6], X0 + DX * urand(),
                Y0 + DY * urand());
    fputs("]}\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "ogr2ogr -f FlatGeobuf %s %s", fgb, gj);
    if (run(cmd))
        return 1;
    printf("geokota assets bench: %ld points (FlatGeobuf input)\n\n", n);

    /* 1. import */
    gk_context_t *ctx;
    gk_context_new(&ctx);
    char kinds_file[1024];
    const char *root = getenv("GK_SOURCE_ROOT");
    snprintf(kinds_file, sizeof kinds_file, "%s/data/asset_kinds.json",
             root ? root : ".");
    double t0 = now(), c0 = cpu(RUSAGE_SELF);
    gk_assets_t *s = NULL;
    gk_status_t st = gk_assets_open(ctx, ours, GK_ASSETS_CREATE, &s);
    if (st == GK_OK)
        st = gk_assets_load_kinds(ctx, s, kinds_file);
    gk_assets_import_opts_t o = {.kind_field = "k", .id_field = "aid",
                                 .condition_field = "cond"};
    gk_assets_import_report_t rep;
    if (st == GK_OK)
        st = gk_assets_import_file(ctx, s, fgb, &o, &rep);
    double t_ours = now() - t0, c_ours = cpu(RUSAGE_SELF) - c0;
    if (st != GK_OK) {
        fprintf(stderr, "import failed: %s\n", gk_errmsg(ctx));
        return 1;
    }
    snprintf(cmd, sizeof cmd,
             "ogr2ogr -f SQLite -dsco SPATIALITE=YES -nln assets %s %s", peer,
             fgb);
    t0 = now();
    c0 = cpu(RUSAGE_CHILDREN);
    run(cmd);
    double t_peer = now() - t0, c_peer = cpu(RUSAGE_CHILDREN) - c0;
    t0 = now();
    st = gk_assets_import_file(ctx, s, fgb, &o, &rep);
    double t_again = now() - t0;
    printf("import  wall      geokota %7.2f s   ogr2ogr %7.2f s   ratio %.2fx "
           "(ogr2ogr time / ours)\n",
           t_ours, t_peer, t_peer / t_ours);
    printf("import  CPU       geokota %7.2f s   ogr2ogr %7.2f s   ratio %.2fx\n",
           c_ours, c_peer, c_peer / c_ours);
    printf("re-import (all %zu unchanged) %.2f s\n\n", rep.unchanged, t_again);

    /* 2. queries */
    t0 = now();
    const gk_asset_snap_t *snap;
    gk_assets_snapshot(ctx, s, &snap);
    double t_snap = now() - t0;
    printf("snapshot (read %zu assets + build R-trees) %.2f s, once per data "
           "version\n",
           snap->n, t_snap);
    sqlite3 *db;
    sqlite3_open_v2(ours, &db, SQLITE_OPEN_READONLY, NULL);
    void *cache = spatialite_alloc_connection();
    spatialite_init_ex(db, cache, 0);
    sqlite3_stmt *qn, *qa;
    sqlite3_prepare_v2(db,
                       "SELECT id, ST_Distance(geom, MakePoint(?1, ?2, 4326), "
                       "1) AS d FROM assets WHERE ROWID IN (SELECT ROWID FROM "
                       "SpatialIndex WHERE f_table_name = 'assets' AND "
                       "search_frame = BuildCircleMbr(?1, ?2, ?3)) ORDER BY "
                       "d LIMIT 10",
                       -1, &qn, NULL);
    sqlite3_prepare_v2(db,
                       "SELECT count(*) FROM assets WHERE ROWID IN (SELECT "
                       "ROWID FROM SpatialIndex WHERE f_table_name = 'assets' "
                       "AND search_frame = BuildMbr(?2, ?3, ?4, ?5)) AND "
                       "ST_Distance(geom, GeomFromText(?1, 4326), 1) <= 30",
                       -1, &qa, NULL);
    const int nq = 10000;
    double *qx = malloc(nq * sizeof *qx), *qy = malloc(nq * sizeof *qy);
    for (int i = 0; i < nq; i++) {
        qx[i] = X0 + 0.02 + (DX - 0.04) * urand();
        qy[i] = Y0 + 0.02 + (DY - 0.04) * urand();
    }
    /* Radius for the SQL window: 10 neighbours need about
     * sqrt(10 / (pi * density)) degrees; take 3x that. */
    double dens = (double)n / (DX * DY);
    double rad = 3 * sqrt(10 / (3.14159 * dens));
    size_t agree = 0;
    double sum = 0;
    t0 = now();
    for (int i = 0; i < nq; i++) {
        gk_asset_rows_t *r = NULL;
        gk_assets_near(ctx, s, qx[i], qy[i], 10, 0, NULL, &r);
        sum += r->distance_m[9];
        gk_asset_rows_free(r);
    }
    double tn_ours = now() - t0;
    double sum_sql = 0;
    t0 = now();
    for (int i = 0; i < nq; i++) {
        sqlite3_reset(qn);
        sqlite3_bind_double(qn, 1, qx[i]);
        sqlite3_bind_double(qn, 2, qy[i]);
        sqlite3_bind_double(qn, 3, rad);
        double last = NAN;
        while (sqlite3_step(qn) == SQLITE_ROW)
            last = sqlite3_column_double(qn, 1);
        sum_sql += last;
    }
    double tn_peer = now() - t0;
    /* agreement on a sample */
    for (int i = 0; i < 200; i++) {
        gk_asset_rows_t *r = NULL;
        gk_assets_near(ctx, s, qx[i], qy[i], 10, 0, NULL, &r);
        sqlite3_reset(qn);
        sqlite3_bind_double(qn, 1, qx[i]);
        sqlite3_bind_double(qn, 2, qy[i]);
        sqlite3_bind_double(qn, 3, rad);
        bool same = true;
        for (size_t k = 0; k < 10; k++) {
            if (sqlite3_step(qn) != SQLITE_ROW) {
                same = false;
                break;
            }
            same &= fabs(sqlite3_column_double(qn, 1) - r->distance_m[k]) <
                    1e-3;
        }
        agree += same;
        gk_asset_rows_free(r);
    }
    printf("near x%d (k=10)   geokota %7.3f s (%.1f us/q)   SpatiaLite SQL "
           "%7.3f s (%.1f us/q)   ratio %.1fx   same answers %zu/200\n",
           nq, tn_ours, 1e6 * tn_ours / nq, tn_peer, 1e6 * tn_peer / nq,
           tn_peer / tn_ours, agree);
    (void)sum;
    (void)sum_sql;

    /* along: short roads, 30 m */
    gk_layer_t **roads = malloc(nq * sizeof *roads);
    char (*wkt)[128] = malloc(nq * sizeof *wkt);
    for (int i = 0; i < nq; i++) {
        double a = 2 * 3.14159265 * urand(), len = (100 + 200 * urand()) / 111e3;
        double xy[4] = {qx[i], qy[i], qx[i] + len * cos(a),
                        qy[i] + len * sin(a)};
        uint8_t type = GK_GEOM_LINESTRING;
        int64_t go[2] = {0, 1}, ro[2] = {0, 2};
        gk_geoms_t g = {1, &type, go, go, ro, xy, NULL};
        gk_crs_t *crs = NULL;
        gk_crs_from_string(ctx, "EPSG:4326", &crs);
        gk_layer_from_geoms(ctx, "road", &g, crs, &roads[i]);
        gk_crs_free(crs);
        snprintf(wkt[i], sizeof wkt[i], "LINESTRING(%.9f %.9f,%.9f %.9f)",
                 xy[0], xy[1], xy[2], xy[3]);
    }
    size_t hits_ours = 0, hits_sql = 0;
    t0 = now();
    for (int i = 0; i < nq; i++) {
        gk_asset_rows_t *r = NULL;
        gk_assets_along(ctx, s, roads[i], 30, false, NULL, &r);
        hits_ours += r->n;
        gk_asset_rows_free(r);
    }
    double ta_ours = now() - t0;
    t0 = now();
    for (int i = 0; i < nq; i++) {
        gk_geoms_t g = gk_layer_geoms(roads[i]);
        gk_box_t b = gk_geoms_feature_box(&g, 0);
        double pad = 30 / 110000.0;
        sqlite3_reset(qa);
        sqlite3_bind_text(qa, 1, wkt[i], -1, SQLITE_STATIC);
        sqlite3_bind_double(qa, 2, b.xmin - pad);
        sqlite3_bind_double(qa, 3, b.ymin - pad);
        sqlite3_bind_double(qa, 4, b.xmax + pad);
        sqlite3_bind_double(qa, 5, b.ymax + pad);
        if (sqlite3_step(qa) == SQLITE_ROW)
            hits_sql += (size_t)sqlite3_column_int64(qa, 0);
    }
    double ta_peer = now() - t0;
    printf("along x%d (30 m) geokota %7.3f s (%.1f us/q)   SpatiaLite SQL "
           "%7.3f s (%.1f us/q)   ratio %.1fx   hits %zu vs %zu\n",
           nq, ta_ours, 1e6 * ta_ours / nq, ta_peer, 1e6 * ta_peer / nq,
           ta_peer / ta_ours, hits_ours, hits_sql);
    for (int i = 0; i < nq; i++)
        gk_layer_free(roads[i]);
    free(roads);
    free(wkt);
    free(qx);
    free(qy);
    sqlite3_finalize(qn);
    sqlite3_finalize(qa);
    sqlite3_close(db);
    spatialite_cleanup_ex(cache);
    gk_assets_close(s);
    gk_context_free(ctx);
    return 0;
}
