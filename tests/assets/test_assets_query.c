/*
 * tests/assets/test_assets_query.c - the queries on real data, against
 * brute force (Karney's geod_inverse over every asset, GEOS over every
 * polygon) and against SpatiaLite's own SQL (ST_Distance(..., 1),
 * ST_Within through its R*Tree) on the same database:
 * - near / within / along with the 6,679 Jakarta OSM building points and
 *   the Jakarta roads;
 * - summary and gaps on the Kota Tangerang kelurahan with assets generated
 *   inside them (fixed seed), and an analytic gaps case.
 */
#include "assets_util.h"

#include <geodesic.h>
#include <math.h>

#define PI 3.14159265358979323846
#include "geom/geos_internal.h"

static gk_context_t *ctx;
static struct geod_geodesic G;

static double geod(double lon1, double lat1, double lon2, double lat2)
{
    double s12;
    geod_inverse(&G, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
    return s12;
}

/* Distance from a point to a segment straight in lon/lat (the convention
 * of GEOS, SpatiaLite and geokota), by golden-section search over the
 * exact geodesic distance: an oracle independent of our local plane. */
static double geod_seg(double px, double py, const double *a, const double *b)
{
    double lo = 0, hi = 1;
    const double g = 0.6180339887498949;
    for (int k = 0; k < 80 && hi - lo > 1e-13; k++) {
        double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
        double d1 = geod(px, py, a[0] + m1 * (b[0] - a[0]),
                         a[1] + m1 * (b[1] - a[1]));
        double d2 = geod(px, py, a[0] + m2 * (b[0] - a[0]),
                         a[1] + m2 * (b[1] - a[1]));
        if (d1 <= d2)
            hi = m2;
        else
            lo = m1;
    }
    double t = (lo + hi) / 2;
    double d = geod(px, py, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
    return fmin(d, fmin(geod(px, py, a[0], a[1]), geod(px, py, b[0], b[1])));
}

/* The building points, for brute force. */
typedef struct pts {
    size_t n;
    double *xy;
    char **id;
    char **kind;
} pts_t;

static pts_t P;

static void load_points(gk_assets_t *s)
{
    /* Everything the store holds, read back through SQL. */
    sqlite3 *db = s->db;
    sqlite3_stmt *q;
    int64_t n = sql_int(db, "SELECT count(*) FROM assets");
    P.n = (size_t)n;
    P.xy = calloc(2 * P.n, sizeof *P.xy);
    P.id = calloc(P.n, sizeof *P.id);
    P.kind = calloc(P.n, sizeof *P.kind);
    sqlite3_prepare_v2(db, "SELECT id, kind, X(geom), Y(geom) FROM assets",
                       -1, &q, NULL);
    for (size_t i = 0; i < P.n && sqlite3_step(q) == SQLITE_ROW; i++) {
        P.id[i] = strdup((const char *)sqlite3_column_text(q, 0));
        P.kind[i] = strdup((const char *)sqlite3_column_text(q, 1));
        P.xy[2 * i] = sqlite3_column_double(q, 2);
        P.xy[2 * i + 1] = sqlite3_column_double(q, 3);
    }
    sqlite3_finalize(q);
}

static void free_points(void)
{
    for (size_t i = 0; i < P.n; i++) {
        free(P.id[i]);
        free(P.kind[i]);
    }
    free(P.id);
    free(P.kind);
    free(P.xy);
}

typedef struct cand {
    double d;
    const char *id;
} cand_t;

static int cmp_cand(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return strcmp(x->id, y->id);
}

static void test_near(gk_assets_t *s, oracle_db_t *o)
{
    cand_t *all = calloc(P.n, sizeof *all);
    int ids_ok = 0, dist_ok = 0, sql_ok = 0, kind_ok = 0;
    double worst = 0, worst_sql = 0;
    const int nq = 15;
    sqlite3_stmt *q;
    sqlite3_prepare_v2(o->db,
                       "SELECT id, ST_Distance(geom, MakePoint(?1, ?2, 4326), "
                       "1) AS d FROM assets WHERE ROWID IN (SELECT ROWID "
                       "FROM SpatialIndex WHERE f_table_name = 'assets' AND "
                       "search_frame = BuildCircleMbr(?1, ?2, 0.12)) "
                       "ORDER BY d, id LIMIT 10",
                       -1, &q, NULL);
    for (int t = 0; t < nq; t++) {
        double lon = 106.62 + 0.38 * urand(), lat = -6.40 + 0.30 * urand();
        for (size_t i = 0; i < P.n; i++)
            all[i] = (cand_t){geod(lon, lat, P.xy[2 * i], P.xy[2 * i + 1]),
                              P.id[i]};
        qsort(all, P.n, sizeof *all, cmp_cand);
        gk_asset_rows_t *r = NULL;
        gk_assets_near(ctx, s, lon, lat, 10, 0, NULL, &r);
        bool same = r && r->n == 10, close = same;
        for (size_t i = 0; same && i < 10; i++) {
            same &= strcmp(r->ids[i], all[i].id) == 0;
            double e = fabs(r->distance_m[i] - all[i].d);
            worst = fmax(worst, e);
            close &= e <= 1e-6 + 1e-9 * all[i].d;
        }
        ids_ok += same;
        dist_ok += close;
        /* SpatiaLite's SQL (a full scan, ellipsoidal distance). */
        sqlite3_reset(q);
        sqlite3_bind_double(q, 1, lon);
        sqlite3_bind_double(q, 2, lat);
        bool sql_same = r != NULL;
        for (size_t i = 0; sql_same && i < 10; i++) {
            sql_same &= sqlite3_step(q) == SQLITE_ROW;
            if (!sql_same)
                break;
            const char *id = (const char *)sqlite3_column_text(q, 0);
            double d = sqlite3_column_double(q, 1);
            worst_sql = fmax(worst_sql, fabs(d - r->distance_m[i]));
            /* ids may swap only between near-equal distances */
            sql_same &= strcmp(id, r->ids[i]) == 0 ||
                        fabs(d - r->distance_m[i]) < 1e-3;
            sql_same &= fabs(d - r->distance_m[i]) <= 1e-3 + 1e-7 * d;
        }
        sql_ok += sql_same;
        gk_asset_rows_free(r);

        /* With a kind filter. */
        gk_assets_filter_t f = {(const char *const[]){"school"}, 1};
        size_t m = 0;
        for (size_t i = 0; i < P.n; i++)
            if (strcmp(P.kind[i], "school") == 0)
                all[m++] = (cand_t){geod(lon, lat, P.xy[2 * i],
                                         P.xy[2 * i + 1]),
                                    P.id[i]};
        qsort(all, m, sizeof *all, cmp_cand);
        r = NULL;
        gk_assets_near(ctx, s, lon, lat, 5, 0, &f, &r);
        bool ks = r && r->n == 5;
        for (size_t i = 0; ks && i < 5; i++)
            ks &= strcmp(r->ids[i], all[i].id) == 0 &&
                  strcmp(r->kinds[i], "school") == 0;
        kind_ok += ks;
        gk_asset_rows_free(r);
    }
    sqlite3_finalize(q);
    is_int(ids_ok, nq, "near: 15 random points, the 10 nearest ids equal "
                       "brute force (geod_inverse over all 6,679)");
    is_int(dist_ok, nq, "near: distances within 1e-6 m of Karney's");
    diag("worst near error vs geod_inverse: %.3g m; vs SpatiaLite %.3g m",
         worst, worst_sql);
    is_int(sql_ok, nq, "near: same as SpatiaLite's ST_Distance(g, p, 1) "
                       "+ R*Tree, ORDER BY LIMIT 10 (to 1 mm)");
    is_int(kind_ok, nq, "near --kind school: the 5 nearest schools");

    /* max distance */
    gk_asset_rows_t *r = NULL;
    gk_assets_near(ctx, s, 106.8272, -6.1754, 100, 600, NULL, &r);
    size_t want = 0;
    for (size_t i = 0; i < P.n; i++)
        want += geod(106.8272, -6.1754, P.xy[2 * i], P.xy[2 * i + 1]) <= 600;
    ok(r && r->n == want && want > 0, "near with max 600 m: %zu = brute %zu",
       r ? r->n : 0, want);
    gk_asset_rows_free(r);
    free(all);
}

/* A star-shaped polygon around (cx, cy), as WKT and as GeoJSON ring. */
static void star(double cx, double cy, double rad, char *wkt, size_t wcap,
                 char *gj, size_t gcap)
{
    int n = 14;
    size_t w = (size_t)snprintf(wkt, wcap, "POLYGON((");
    size_t g = (size_t)snprintf(gj, gcap, "{\"type\":\"Feature\",\"properties\":"
                                          "{},\"geometry\":{\"type\":\"Polygon\","
                                          "\"coordinates\":[[");
    double x0 = 0, y0 = 0;
    for (int k = 0; k <= n; k++) {
        double a = 2 * PI * (k % n) / n;
        double rr = rad * (k % 2 ? 0.45 : 1.0) * (0.8 + 0.4 * (k % 3) / 2.0);
        double x = k == n ? x0 : cx + rr * cos(a), y = k == n ? y0 : cy + rr * sin(a);
        if (k == 0) {
            x0 = x;
            y0 = y;
        }
        w += (size_t)snprintf(wkt + w, wcap - w, "%s%.10f %.10f", k ? "," : "",
                              x, y);
        g += (size_t)snprintf(gj + g, gcap - g, "%s[%.10f,%.10f]", k ? "," : "",
                              x, y);
    }
    snprintf(wkt + w, wcap - w, "))");
    snprintf(gj + g, gcap - g, "]]}}");
}

static void test_within(gk_assets_t *s, oracle_db_t *o)
{
    char wkt[3][2048], gj[3][2048];
    double c[3][3] = {{106.82, -6.20, 0.05}, {106.75, -6.15, 0.03},
                      {106.90, -6.30, 0.08}};
    for (int i = 0; i < 3; i++)
        star(c[i][0], c[i][1], c[i][2], wkt[i], sizeof wkt[i], gj[i],
             sizeof gj[i]);
    const char *path = geojson("stars.geojson", 3, gj[0], gj[1], gj[2]);
    gk_layer_t *l = NULL;
    gk_layer_read(ctx, path, NULL, &l);
    gk_layer_require_crs(ctx, l);
    gk_asset_rows_t *r = NULL;
    ok(gk_assets_within(ctx, s, l, NULL, &r) == GK_OK, "within 3 star "
                                                       "polygons");
    GEOSContextHandle_t h = gk_ctx_geos(ctx);
    gk_geoms_t pg = gk_layer_geoms(l);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(o->db,
                       "SELECT count(*) FROM assets WHERE ST_Within(geom, "
                       "GeomFromText(?1, 4326)) AND ROWID IN (SELECT ROWID "
                       "FROM SpatialIndex WHERE f_table_name = 'assets' AND "
                       "search_frame = GeomFromText(?1, 4326))",
                       -1, &q, NULL);
    for (int p = 0; p < 3; p++) {
        GEOSGeometry *poly = gk_geos_from_feature(h, &pg, (size_t)p);
        size_t brute = 0, ours = 0, match = 0;
        for (size_t i = 0; i < P.n; i++) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, P.xy[2 * i],
                                                            P.xy[2 * i + 1]);
            if (GEOSContains_r(h, poly, pt) == 1) {
                brute++;
                for (size_t j = 0; r && j < r->n; j++)
                    match += r->group[j] == p && strcmp(r->ids[j], P.id[i]) == 0;
            }
            GEOSGeom_destroy_r(h, pt);
        }
        for (size_t j = 0; r && j < r->n; j++)
            ours += r->group[j] == p;
        GEOSGeom_destroy_r(h, poly);
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, wkt[p], -1, SQLITE_STATIC);
        sqlite3_step(q);
        int64_t sql = sqlite3_column_int64(q, 0);
        ok(brute > 10 && ours == brute && match == brute && sql == (int64_t)brute,
           "polygon %d: %zu assets = brute force GEOS %zu = SpatiaLite "
           "ST_Within + R*Tree %lld",
           p, ours, brute, (long long)sql);
    }
    sqlite3_finalize(q);
    gk_asset_rows_free(r);
    gk_layer_free(l);

    /* bbox */
    gk_box_t b = {106.80, -6.25, 106.85, -6.15};
    size_t brute = 0;
    for (size_t i = 0; i < P.n; i++)
        brute += P.xy[2 * i] >= b.xmin && P.xy[2 * i] <= b.xmax &&
                 P.xy[2 * i + 1] >= b.ymin && P.xy[2 * i + 1] <= b.ymax;
    r = NULL;
    gk_assets_within_box(ctx, s, b, NULL, &r);
    ok(r && r->n == brute && brute > 0, "within a box: %zu = brute %zu",
       r ? r->n : 0, brute);
    gk_asset_rows_free(r);
}

static void test_along(gk_assets_t *s, oracle_db_t *o)
{
    const char *roads = shared_path("roads/jakarta_roads_osm2012.geojson");
    gk_layer_t *all = NULL;
    if (!roads || gk_layer_read(ctx, roads, NULL, &all) != GK_OK) {
        ok(1, "# SKIP no Jakarta roads");
        return;
    }
    /* 25 roads picked with the fixed seed, as their own layer. */
    gk_geoms_t ag = gk_layer_geoms(all);
    gk_geomcol_t c;
    gk_geomcol_init(&c);
    for (int k = 0; k < 15; k++) {
        size_t j = (size_t)(urand() * (double)ag.ngeoms);
        gk_geomcol_begin_geom(&c, GK_GEOM_LINESTRING);
        gk_geomcol_begin_part(&c);
        gk_geomcol_begin_ring(&c);
        int64_t r0 = ag.part_off[ag.geom_off[j]];
        for (int64_t v = ag.ring_off[r0]; v < ag.ring_off[r0 + 1]; v++)
            gk_geomcol_add_xy(&c, ag.xy[2 * v], ag.xy[2 * v + 1]);
    }
    gk_geoms_t rg = gk_geomcol_view(&c);
    gk_layer_t *l = NULL;
    gk_layer_from_geoms(ctx, "roads25", &rg, gk_layer_crs(all), &l);
    const double D = 400;
    gk_asset_rows_t *r = NULL;
    ok(gk_assets_along(ctx, s, l, D, true, NULL, &r) == GK_OK,
       "along 15 Jakarta roads, 400 m, per road");
    size_t brute = 0, match = 0, borderline = 0, close = 0;
    double worst = 0;
    for (size_t j = 0; j < rg.ngeoms; j++) {
        gk_box_t b = gk_geoms_feature_box(&rg, j);
        const double *line = rg.xy + 2 * rg.ring_off[rg.part_off[rg.geom_off[j]]];
        size_t n = (size_t)(rg.ring_off[rg.part_off[rg.geom_off[j]] + 1] -
                            rg.ring_off[rg.part_off[rg.geom_off[j]]]);
        for (size_t i = 0; i < P.n; i++) {
            double x = P.xy[2 * i], y = P.xy[2 * i + 1];
            /* 0.01 degree (over 1 km) around the road: a generous filter */
            if (x < b.xmin - 0.01 || x > b.xmax + 0.01 || y < b.ymin - 0.01 ||
                y > b.ymax + 0.01)
                continue;
            double d = INFINITY;
            for (size_t k = 0; k + 1 < n; k++)
                d = fmin(d, geod_seg(x, y, line + 2 * k, line + 2 * k + 2));
            if (fabs(d - D) < 1e-3)
                borderline++;
            if (d > D)
                continue;
            brute++;
            for (size_t q = 0; r && q < r->n; q++)
                if (r->group[q] == (int64_t)j && strcmp(r->ids[q], P.id[i]) == 0) {
                    match++;
                    double e = fabs(r->distance_m[q] - d);
                    worst = fmax(worst, e);
                    close += e <= 1e-3 + 1e-6 * d;
                }
        }
    }
    ok(brute > 15 && r && r->n == brute && match == brute && borderline == 0,
       "along: %zu (road, asset) pairs = brute force %zu", r ? r->n : 0,
       brute);
    is_int((long long)close, (long long)brute,
           "along: distances within 1 mm + 1e-6 d of the geodesic oracle");
    diag("worst along error vs geod_inverse search: %.3g m", worst);

    /* SpatiaLite: ST_Distance(point, line, 1) on the same rows. */
    sqlite3_stmt *q;
    sqlite3_prepare_v2(o->db,
                       "SELECT ST_Distance((SELECT geom FROM assets WHERE id "
                       "= ?1), GeomFromText(?2, 4326), 1)",
                       -1, &q, NULL);
    size_t agree = 0;
    double worst_sql = 0;
    for (size_t k = 0; r && k < r->n; k++) {
        size_t j = (size_t)r->group[k];
        char wkt[65536];
        size_t w = (size_t)snprintf(wkt, sizeof wkt, "LINESTRING(");
        int64_t r0 = rg.part_off[rg.geom_off[j]];
        for (int64_t v = rg.ring_off[r0]; v < rg.ring_off[r0 + 1] && w < 65000; v++)
            w += (size_t)snprintf(wkt + w, sizeof wkt - w, "%s%.10f %.10f",
                                  v > rg.ring_off[r0] ? "," : "", rg.xy[2 * v],
                                  rg.xy[2 * v + 1]);
        snprintf(wkt + w, sizeof wkt - w, ")");
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, r->ids[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, wkt, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) {
            double d = sqlite3_column_double(q, 0);
            worst_sql = fmax(worst_sql, fabs(d - r->distance_m[k]));
            /* SpatiaLite measures the point-line distance by a planar
             * closest point in degrees, then the ellipsoid: agreement to
             * a decimetre is what its method allows. */
            agree += fabs(d - r->distance_m[k]) <= 0.1 + 1e-3 * d;
        }
    }
    sqlite3_finalize(q);
    diag("worst along difference vs SpatiaLite ST_Distance(,,1): %.3g m",
         worst_sql);
    ok(r && agree == r->n, "along: SpatiaLite's ST_Distance(p, road, 1) "
                           "agrees on every pair (%zu)", agree);
    gk_asset_rows_free(r);

    /* Not per road: each asset once, with its nearest road. */
    r = NULL;
    gk_assets_along(ctx, s, l, D, false, NULL, &r);
    size_t distinct = 0;
    gk_asset_rows_t *pr = NULL;
    gk_assets_along(ctx, s, l, D, true, NULL, &pr);
    for (size_t k = 0; pr && k < pr->n; k++) {
        bool first = true;
        for (size_t m = 0; m < k; m++)
            first &= strcmp(pr->ids[m], pr->ids[k]) != 0;
        distinct += first;
    }
    ok(r && r->n == distinct, "along (nearest road): one row per asset (%zu)",
       distinct);
    gk_asset_rows_free(r);
    gk_asset_rows_free(pr);
    gk_layer_free(l);
    gk_geomcol_clear(&c);
    gk_layer_free(all);
}

/* --- Tangerang: summary and gaps --------------------------------------- */
static void test_summary(void)
{
    const char *kel = shared_path("boundaries/kota_tangerang_kelurahan.geojson");
    const char *kec = shared_path("boundaries/kota_tangerang_kecamatan.geojson");
    if (!kel || !kec) {
        ok(1, "# SKIP no Tangerang boundaries");
        return;
    }
    gk_layer_t *areas = NULL, *dist = NULL;
    gk_layer_read(ctx, kel, NULL, &areas);
    gk_layer_read(ctx, kec, NULL, &dist);
    gk_layer_require_crs(ctx, areas);
    gk_layer_require_crs(ctx, dist);
    /* 3,000 points in the city's box (some fall outside the city), and
     * 30 drains of two vertices ~ 300 m long. */
    const char *kinds[] = {"street_light", "tree", "trash_bin"};
    FILE *f = fopen(spath("tng.geojson"), "w");
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    const int np = 3000, nl = 30;
    double *xy = calloc(2 * np, sizeof *xy);
    for (int i = 0; i < np + nl; i++) {
        double x = 106.5515 + 0.197 * urand(), y = -6.2562 + 0.159 * urand();
        if (i < np) {
            xy[2 * i] = x;
            xy[2 * i + 1] = y;
            fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"aid\":"
                       "\"p%d\",\"k\":\"%s\"},\"geometry\":{\"type\":\"Point\","
                       "\"coordinates\":[%.9f,%.9f]}}",
                    i ? "," : "", i, kinds[i % 3], x, y);
        } else {
            double a = 2 * PI * urand();
            fprintf(f, ",{\"type\":\"Feature\",\"properties\":{\"aid\":\"d%d\","
                       "\"k\":\"drain\"},\"geometry\":{\"type\":\"LineString\","
                       "\"coordinates\":[[%.9f,%.9f],[%.9f,%.9f]]}}",
                    i, x, y, x + 0.0027 * cos(a), y + 0.0027 * sin(a));
        }
    }
    fputs("]}", f);
    fclose(f);
    gk_assets_t *s = NULL;
    gk_assets_open(ctx, spath("tng.sqlite"), GK_ASSETS_CREATE, &s);
    gk_assets_load_kinds(ctx, s, kinds_path());
    gk_assets_import_opts_t o = {.kind_field = "k", .id_field = "aid"};
    gk_assets_import_report_t rep;
    ok(gk_assets_import_file(ctx, s, spath("tng.geojson"), &o, &rep) == GK_OK &&
           rep.inserted == (size_t)(np + nl),
       "3,030 generated assets imported");
    gk_assets_summary_t *sum = NULL;
    ok(gk_assets_summary(ctx, s, areas, "village", &sum) == GK_OK,
       "summary by kelurahan (%s)", gk_errmsg(ctx));
    is_int((long long)sum->num_areas, 105, "104 kelurahan + (outside)");
    /* Brute force: the first kelurahan (file order) that covers each. */
    GEOSContextHandle_t h = gk_ctx_geos(ctx);
    gk_geoms_t pg = gk_layer_geoms(areas);
    GEOSGeometry **polys = calloc(pg.ngeoms, sizeof *polys);
    const GEOSPreparedGeometry **prep = calloc(pg.ngeoms, sizeof *prep);
    for (size_t p = 0; p < pg.ngeoms; p++) {
        polys[p] = gk_geos_from_feature(h, &pg, p);
        prep[p] = GEOSPrepare_r(h, polys[p]);
    }
    size_t *want = calloc(sum->num_areas * sum->num_kinds, sizeof *want);
    for (int i = 0; i < np; i++) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, xy[2 * i],
                                                        xy[2 * i + 1]);
        size_t a = pg.ngeoms;
        for (size_t p = 0; p < pg.ngeoms && a == pg.ngeoms; p++)
            if (GEOSPreparedCovers_r(h, prep[p], pt) == 1)
                a = p;
        GEOSGeom_destroy_r(h, pt);
        size_t k = 0;
        while (strcmp(sum->kinds[k], kinds[i % 3]) != 0)
            k++;
        want[a * sum->num_kinds + k]++;
    }
    size_t same = 0, cells = 0, inside = 0;
    for (size_t a = 0; a < sum->num_areas; a++)
        for (size_t k = 0; k < sum->num_kinds; k++) {
            if (strcmp(sum->kinds[k], "drain") == 0)
                continue;
            cells++;
            same += sum->count[a * sum->num_kinds + k] ==
                    want[a * sum->num_kinds + k];
            if (a + 1 < sum->num_areas)
                inside += want[a * sum->num_kinds + k];
        }
    is_int((long long)same, (long long)cells,
           "point counts per kelurahan and kind = brute force (GEOS covers, "
           "first area wins)");
    ok(inside > 1000 && inside < (size_t)np, "%zu of 3,000 points fell in "
                                             "the city",
       inside);
    /* Lengths: the drains' pieces inside kelurahan sum to their pieces
     * inside the kecamatan (the dissolved union): conservation. */
    size_t kd = 0;
    while (strcmp(sum->kinds[kd], "drain") != 0)
        kd++;
    double by_kel = 0;
    for (size_t a = 0; a + 1 < sum->num_areas; a++)
        by_kel += sum->length_m[a * sum->num_kinds + kd];
    gk_assets_summary_t *s2 = NULL;
    gk_assets_summary(ctx, s, dist, "district", &s2);
    double by_kec = 0;
    for (size_t a = 0; s2 && a + 1 < s2->num_areas; a++)
        by_kec += s2->length_m[a * s2->num_kinds + kd];
    ok(by_kel > 1000 && fabs(by_kel - by_kec) <= 1e-6 * by_kec,
       "drain length inside: by kelurahan %.3f m = by kecamatan %.3f m",
       by_kel, by_kec);
    int df = gk_layer_field_index(dist, "district");
    is_str(s2 ? s2->area_names[0] : "", gk_layer_get_string(dist, (size_t)df, 0),
           "areas named by field");
    /* A kind nobody has is a zero everywhere: what each area lacks. */
    size_t kc = 0;
    while (strcmp(sum->kinds[kc], "cctv") != 0)
        kc++;
    size_t zeros = 0;
    for (size_t a = 0; a < sum->num_areas; a++)
        zeros += sum->count[a * sum->num_kinds + kc] == 0;
    is_int((long long)zeros, 105, "cctv: 0 in every area");
    gk_assets_summary_free(s2);
    gk_assets_summary_free(sum);
    for (size_t p = 0; p < pg.ngeoms; p++) {
        GEOSPreparedGeom_destroy_r(h, prep[p]);
        GEOSGeom_destroy_r(h, polys[p]);
    }
    free(prep);
    free(polys);
    free(want);
    free(xy);
    gk_assets_close(s);
    gk_layer_free(areas);
    gk_layer_free(dist);
}

static void test_gaps_analytic(void)
{
    /* A straight 1 km road along the parallel -6.2 in Tangerang, street
     * lights on it every 50 m from 0 to 400 m and from 700 m to 1000 m:
     * with D = 30 m the one unlit stretch is 430 m .. 670 m. */
    double lon0 = 106.60, lat = -6.2;
    double dlon = 0.0091; /* about 1006 m */
    double L = geod(lon0, lat, lon0 + dlon, lat);
    FILE *f = fopen(spath("lights.geojson"), "w");
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    int n = 0;
    for (double at = 0; at <= 1000.001; at += 50) {
        if (at > 400 && at < 700)
            continue;
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
                   "{\"type\":\"Point\",\"coordinates\":[%.12f,%.12f]}}",
                n++ ? "," : "", lon0 + dlon * at / L, lat);
    }
    fputs("]}", f);
    fclose(f);
    char road[512];
    snprintf(road, sizeof road,
             "{\"type\":\"Feature\",\"properties\":{\"name\":\"Jl. Uji\"},"
             "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[%.12f,"
             "%.12f],[%.12f,%.12f],[%.12f,%.12f]]}}",
             lon0, lat, lon0 + dlon * 0.5, lat, lon0 + dlon, lat);
    gk_layer_t *rl = NULL;
    gk_layer_read(ctx, geojson("road1.geojson", 1, road), NULL, &rl);
    gk_layer_require_crs(ctx, rl);
    gk_assets_t *s = NULL;
    gk_assets_open(ctx, spath("lights.sqlite"), GK_ASSETS_CREATE, &s);
    gk_assets_load_kinds(ctx, s, kinds_path());
    gk_assets_import_opts_t o = {.kind = "street_light"};
    gk_assets_import_file(ctx, s, spath("lights.geojson"), &o, NULL);
    gk_assets_filter_t fl = {(const char *const[]){"street_light"}, 1};
    gk_asset_gaps_t *g = NULL;
    ok(gk_assets_gaps(ctx, s, rl, 30, 100, &fl, &g) == GK_OK && g->n == 1,
       "one gap in the lit road (%s)", gk_errmsg(ctx));
    if (g && g->n == 1) {
        is_double(g->gaps[0].from_m, 430, 0, 1e-3, "gap starts at 430 m");
        is_double(g->gaps[0].to_m, 670, 0, 1e-3, "gap ends at 670 m "
                                                  "(across a vertex)");
        is_int((long long)gk_geoms_num_vertices(&g->geoms), 3,
               "the gap's line keeps the road's middle vertex");
    }
    gk_asset_gaps_free(g);
    g = NULL;
    ok(gk_assets_gaps(ctx, s, rl, 30, 300, &fl, &g) == GK_OK && g->n == 0,
       "no gap longer than 300 m");
    gk_asset_gaps_free(g);
    g = NULL;
    gk_assets_filter_t ft = {(const char *const[]){"tree"}, 1};
    ok(gk_assets_gaps(ctx, s, rl, 30, 100, &ft, &g) == GK_OK && g->n == 1 &&
           fabs(g->gaps[0].length_m - L) < 1e-6,
       "no trees at all: the whole road (%.3f m) is a gap", L);
    gk_asset_gaps_free(g);
    gk_assets_close(s);
    gk_layer_free(rl);
}

/* Real roads, schools within 300 m: gaps against 1 m sampling. */
static void test_gaps_real(gk_assets_t *s)
{
    const char *roads = shared_path("roads/jakarta_roads_osm2012.geojson");
    gk_layer_t *l = NULL;
    gk_read_opts_t ro = {.where = "highway = 'primary'"};
    if (!roads || gk_layer_read(ctx, roads, &ro, &l) != GK_OK) {
        ok(1, "# SKIP no Jakarta roads");
        return;
    }
    gk_layer_require_crs(ctx, l);
    gk_assets_filter_t fs = {(const char *const[]){"school"}, 1};
    const double D = 300, X = 200;
    gk_asset_gaps_t *g = NULL;
    gk_status_t gst = gk_assets_gaps(ctx, s, l, D, X, &fs, &g);
    ok(gst == GK_OK && g->n > 0,
       "gaps: primary roads with no school within 300 m (%zu stretches)",
       g ? g->n : 0);
    /* Oracle for the first 40 roads: sample every metre of chainage. */
    gk_geoms_t rg = gk_layer_geoms(l);
    size_t checked = 0, good = 0;
    for (size_t j = 0; g && j < rg.ngeoms && j < 20; j++) {
        int64_t r0 = rg.part_off[rg.geom_off[j]];
        const double *line = rg.xy + 2 * rg.ring_off[r0];
        size_t n = (size_t)(rg.ring_off[r0 + 1] - rg.ring_off[r0]);
        gk_box_t b = gk_geoms_feature_box(&rg, j);
        /* schools near the road */
        size_t ns = 0;
        double *sc = calloc(2 * P.n, sizeof *sc);
        for (size_t i = 0; i < P.n; i++)
            if (strcmp(P.kind[i], "school") == 0 &&
                P.xy[2 * i] > b.xmin - 0.01 && P.xy[2 * i] < b.xmax + 0.01 &&
                P.xy[2 * i + 1] > b.ymin - 0.01 && P.xy[2 * i + 1] < b.ymax + 0.01) {
                sc[2 * ns] = P.xy[2 * i];
                sc[2 * ns++ + 1] = P.xy[2 * i + 1];
            }
        /* runs of uncovered samples */
        double chain = 0, run0 = NAN, last = 0;
        double runs[256][2];
        size_t nr = 0;
        for (size_t k = 0; k + 1 < n; k++) {
            double len = geod(line[2 * k], line[2 * k + 1], line[2 * k + 2],
                              line[2 * k + 3]);
            int steps = (int)ceil(len);
            for (int st = 0; st <= steps; st++) {
                double t = (double)st / steps;
                double x = line[2 * k] + t * (line[2 * k + 2] - line[2 * k]);
                double y = line[2 * k + 1] + t * (line[2 * k + 3] - line[2 * k + 1]);
                bool cov = false;
                for (size_t q = 0; q < ns && !cov; q++)
                    cov = geod(x, y, sc[2 * q], sc[2 * q + 1]) <= D;
                double ch = chain + t * len;
                if (!cov && isnan(run0))
                    run0 = ch;
                if (cov && !isnan(run0)) {
                    if (last - run0 > X + 2 && nr < 256) {
                        runs[nr][0] = run0;
                        runs[nr++][1] = last;
                    }
                    run0 = NAN;
                }
                last = ch;
            }
            chain += len;
        }
        if (!isnan(run0) && last - run0 > X + 2 && nr < 256) {
            runs[nr][0] = run0;
            runs[nr++][1] = last;
        }
        free(sc);
        /* every sampled run matches one reported gap to 1.5 m */
        for (size_t q = 0; q < nr; q++) {
            checked++;
            for (size_t m = 0; m < g->n; m++)
                if (g->gaps[m].road == (int64_t)j &&
                    fabs(g->gaps[m].from_m - runs[q][0]) <= 1.5 &&
                    fabs(g->gaps[m].to_m - runs[q][1]) <= 1.5) {
                    good++;
                    break;
                }
        }
    }
    ok(checked > 5 && good == checked,
       "gaps: %zu of %zu sampled runs (1 m steps, geod_inverse) match a "
       "reported stretch to 1.5 m",
       good, checked);
    for (size_t m = 0; g && m < g->n; m++)
        if (!(g->gaps[m].length_m > X)) {
            ok(0, "a gap shorter than the minimum");
            break;
        }
    gk_asset_gaps_free(g);
    gk_layer_free(l);
}

int main(void)
{
    scratch_init("assets_query");
    gk_context_new(&ctx);
    geod_init(&G, 6378137, 1 / 298.257223563);
    const char *pts = shared_path("assets/jakarta_osm_building_points_2012.geojson");
    test_gaps_analytic();
    if (!pts) {
        ok(1, "# SKIP shared data absent: Jakarta tests skipped");
        gk_context_free(ctx);
        scratch_done();
        return done_testing();
    }
    gk_assets_t *s = NULL;
    gk_assets_open(ctx, spath("jk.sqlite"), GK_ASSETS_CREATE, &s);
    gk_assets_load_kinds(ctx, s, kinds_path());
    gk_assets_import_opts_t o = {
        .mapping_path = source_path("data/osm_building_kinds.json")};
    ok(gk_assets_import_file(ctx, s, pts, &o, NULL) == GK_OK,
       "Jakarta building points imported");
    load_points(s);
    oracle_db_t od;
    oracle_open(&od, spath("jk.sqlite"));
    /* The import wrote SpatiaLite's R*Tree as a packed tree (its three
     * shadow tables directly): SQLite's and SpatiaLite's own checkers
     * accept it, and the SQL oracles below query through it. */
    ok(sql_text_is(od.db, "SELECT rtreecheck('idx_assets_geom')", "ok"),
       "rtreecheck() finds the bulk-written R*Tree consistent");
    is_int(sql_int(od.db, "SELECT CheckSpatialIndex('assets', 'geom')"), 1,
           "CheckSpatialIndex(): the R*Tree matches the geometries");
    is_int(sql_int(od.db, "SELECT count(*) FROM idx_assets_geom"),
           (long long)P.n, "one R*Tree entry per asset");
    test_near(s, &od);
    test_within(s, &od);
    test_along(s, &od);
    test_gaps_real(s);
    oracle_close(&od);
    free_points();
    gk_assets_close(s);
    test_summary();
    gk_context_free(ctx);
    scratch_done();
    return done_testing();
}
