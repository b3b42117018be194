/*
 * tests/assets/test_assets_store.c - the store: schema and migration, the
 * SpatiaLite BLOB codec (checked by SpatiaLite itself), imports (upsert by
 * id, idempotence, change log) and bad input (unknown kind, missing id
 * field, duplicate ids, wrong geometry type, locked database, newer
 * schema): clear errors, nothing lost.
 */
#include "assets_util.h"

#include <math.h>

static gk_context_t *ctx;

static gk_assets_t *open_store(const char *name, bool kinds)
{
    gk_assets_t *s = NULL;
    if (gk_assets_open(ctx, spath(name), GK_ASSETS_CREATE, &s) != GK_OK) {
        diag("open: %s", gk_errmsg(ctx));
        return NULL;
    }
    if (kinds && gk_assets_load_kinds(ctx, s, kinds_path()) != GK_OK)
        diag("kinds: %s", gk_errmsg(ctx));
    return s;
}

static size_t count_assets(gk_assets_t *s)
{
    gk_assets_stats_t *st = NULL;
    if (gk_assets_stats(ctx, s, &st) != GK_OK)
        return (size_t)-1;
    size_t n = st->num_assets;
    gk_assets_stats_free(st);
    return n;
}

static void test_open_errors(void)
{
    gk_assets_t *s = NULL;
    gk_status_t st = gk_assets_open(ctx, spath("missing.sqlite"), 0, &s);
    ok(st == GK_ERR_IO && !s, "opening a missing store without CREATE: IO");
    has_str(gk_errmsg(ctx), "missing.sqlite", "the message names the file");

    write_text(spath("text.sqlite"), "this is not a database at all, just text");
    st = gk_assets_open(ctx, spath("text.sqlite"), 0, &s);
    ok(st == GK_ERR_FORMAT && !s, "a text file: FORMAT (%s)", gk_errmsg(ctx));

    /* A SQLite file that is someone else's. */
    sqlite3 *db;
    sqlite3_open(spath("other.sqlite"), &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    st = gk_assets_open(ctx, spath("other.sqlite"), GK_ASSETS_CREATE, &s);
    ok(st == GK_ERR_FORMAT && !s, "another program's database: FORMAT");
    has_str(gk_errmsg(ctx), "not a geokota asset store", "and says why");
}

static void test_schema(void)
{
    gk_assets_t *s = open_store("schema.sqlite", true);
    ok(s != NULL, "create a store");
    gk_assets_stats_t *r = NULL;
    ok(gk_assets_stats(ctx, s, &r) == GK_OK, "stats");
    is_int(r->schema_version, GK_ASSETS_SCHEMA_VERSION, "schema version");
    ok(r->num_kinds >= 20, "kinds loaded (%zu)", r->num_kinds);
    is_str(r->crs, "EPSG:4326", "storage CRS");
    gk_assets_stats_free(r);
    gk_assets_close(s);

    /* SpatiaLite sees a registered geometry column with its index. */
    oracle_db_t o;
    oracle_open(&o, spath("schema.sqlite"));
    is_int(sql_int(o.db, "SELECT srid FROM geometry_columns WHERE "
                         "f_table_name = 'assets'"),
           4326, "geometry_columns: SRID 4326");
    is_int(sql_int(o.db, "SELECT spatial_index_enabled FROM geometry_columns "
                         "WHERE f_table_name = 'assets'"),
           1, "SpatiaLite's R*Tree index is on");
    sqlite3_stmt *q;
    sqlite3_prepare_v2(o.db, "PRAGMA journal_mode", -1, &q, NULL);
    sqlite3_step(q);
    is_str((const char *)sqlite3_column_text(q, 0), "wal", "WAL mode");
    sqlite3_finalize(q);

    /* From a newer geokota: refused, untouched. */
    sqlite3_exec(o.db, "UPDATE gk_meta SET value = '99' WHERE key = "
                       "'schema_version'", NULL, NULL, NULL);
    oracle_close(&o);
    gk_status_t st = gk_assets_open(ctx, spath("schema.sqlite"), 0, &s);
    ok(st == GK_ERR_UNSUPPORTED && !s, "schema 99: UNSUPPORTED");
    has_str(gk_errmsg(ctx), "schema version 99 is newer", "message says so");
    oracle_open(&o, spath("schema.sqlite"));
    is_int(sql_int(o.db, "SELECT value FROM gk_meta WHERE key = "
                         "'schema_version'"),
           99, "the newer store was not touched");
    oracle_close(&o);
}

static void test_migration(void)
{
    /* A version-1 store with one asset, made the way geokota 1 made it. */
    gk_assets_t *s = calloc(1, sizeof *s);
    s->path = gk_strdup(spath("v1.sqlite"));
    sqlite3_open(s->path, &s->db);
    s->splite = spatialite_alloc_connection();
    spatialite_init_ex(s->db, s->splite, 0);
    ok(gk_assets_create_schema(ctx, s, 1) == GK_OK, "build a v1 schema");
    sqlite3_exec(s->db,
                 "INSERT INTO asset_kinds VALUES ('tree', 'point', 'Tree', "
                 "NULL, NULL);"
                 "INSERT INTO assets (id, kind, attrs, updated, geom) VALUES "
                 "('t1', 'tree', '{}', '2020-01-01', "
                 "MakePoint(106.6, -6.2, 4326))",
                 NULL, NULL, NULL);
    is_int(sql_int(s->db, "SELECT count(*) FROM sqlite_master WHERE name = "
                          "'asset_log'"),
           0, "v1 has no change log");
    gk_assets_close(s);

    s = NULL;
    ok(gk_assets_open(ctx, spath("v1.sqlite"), 0, &s) == GK_OK,
       "open migrates v1 (%s)", gk_errmsg(ctx));
    gk_assets_stats_t *r = NULL;
    gk_assets_stats(ctx, s, &r);
    is_int(r->schema_version, 3, "now version 3");
    is_int((long long)r->num_assets, 1, "the v1 asset is kept");
    is_int((long long)r->num_log, 0, "and the new change log is empty");
    gk_assets_stats_free(r);
    gk_asset_rows_t *rows = NULL;
    ok(gk_assets_near(ctx, s, 106.6, -6.2, 1, 0, NULL, &rows) == GK_OK &&
           rows->n == 1 && strcmp(rows->ids[0], "t1") == 0 &&
           rows->distance_m[0] == 0,
       "the SQL-made geometry is read back (distance 0)");
    gk_asset_rows_free(rows);
    gk_assets_close(s);
}

static void test_blob(void)
{
    /* Every type, encoded by us, decoded by SpatiaLite and by us. */
    static const char *const wkts[] = {
        "POINT(106.1 -6.2)",
        "LINESTRING(106.1 -6.2, 106.2 -6.3, 106.25 -6.31)",
        "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))",
        "MULTIPOINT(1 2, 3 4)",
        "MULTILINESTRING((0 0, 1 1), (2 2, 3 3, 4 5))",
        "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
    };
    oracle_db_t o;
    oracle_open(&o, spath("schema.sqlite"));
    for (size_t i = 0; i < sizeof wkts / sizeof wkts[0]; i++) {
        /* SpatiaLite makes the blob; we decode, re-encode: same bytes. */
        sqlite3_stmt *q;
        sqlite3_prepare_v2(o.db, "SELECT GeomFromText(?, 4326)", -1, &q,
                           NULL);
        sqlite3_bind_text(q, 1, wkts[i], -1, SQLITE_STATIC);
        sqlite3_step(q);
        const unsigned char *b = sqlite3_column_blob(q, 0);
        size_t n = (size_t)sqlite3_column_bytes(q, 0);
        gk_geomcol_t c;
        gk_geomcol_init(&c);
        bool nomem;
        bool dec = gk_splite_decode(b, n, &c, &nomem);
        gk_geoms_t g = gk_geomcol_view(&c);
        unsigned char *e = NULL;
        size_t en = 0;
        gk_status_t st = dec ? gk_splite_encode(&g, 0, 4326, &e, &en)
                             : GK_ERR_INTERNAL;
        ok(dec && st == GK_OK && en == n && memcmp(e, b, n) == 0,
           "blob round trip, byte for byte: %s", wkts[i]);
        sqlite3_finalize(q);
        /* And SpatiaLite reads what we wrote back to the same WKT. */
        sqlite3_prepare_v2(o.db, "SELECT AsText(?) = AsText(GeomFromText(?))",
                           -1, &q, NULL);
        sqlite3_bind_blob(q, 1, e, (int)en, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, wkts[i], -1, SQLITE_STATIC);
        ok(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 1,
           "SpatiaLite reads our blob as %s", wkts[i]);
        sqlite3_finalize(q);
        free(e);
        gk_geomcol_clear(&c);
    }
    unsigned char junk[50] = {0};
    gk_geomcol_t c;
    gk_geomcol_init(&c);
    bool nomem;
    ok(!gk_splite_decode(junk, sizeof junk, &c, &nomem) && c.ngeoms == 0,
       "junk is refused and leaves nothing");
    gk_geomcol_clear(&c);
    oracle_close(&o);
}

#define PT(id, kind, x, y)                                                     \
    "{\"type\":\"Feature\",\"properties\":{\"aid\":\"" id "\",\"k\":\"" kind \
    "\",\"cond\":\"good\"},\"geometry\":{\"type\":\"Point\","                 \
    "\"coordinates\":[" #x "," #y "]}}"

static void test_import_small(void)
{
    gk_assets_t *s = open_store("small.sqlite", true);
    const char *f1 = geojson("small1.geojson", 4, PT("a1", "street_light", 106.60, -6.20),
                             PT("a2", "tree", 106.61, -6.20),
                             PT("a3", "manhole", 106.62, -6.20),
                             PT("a4", "trash_bin", 106.63, -6.20));
    gk_assets_import_opts_t o = {.kind_field = "k", .id_field = "aid",
                                 .condition_field = "cond", .who = "tester"};
    gk_assets_import_report_t rep;
    ok(gk_assets_import_file(ctx, s, f1, &o, &rep) == GK_OK &&
           rep.inserted == 4 && rep.rejected == 0,
       "import 4 points (%s)", gk_errmsg(ctx));
    int64_t v1 = gk_assets_data_version(ctx, s);
    ok(gk_assets_import_file(ctx, s, f1, &o, &rep) == GK_OK &&
           rep.unchanged == 4 && rep.inserted == 0 && rep.updated == 0,
       "re-importing the same file changes nothing");
    is_int(gk_assets_data_version(ctx, s), v1, "not even the data version");

    /* a2 moves, a3 changes kind, a5 is new. */
    const char *f2 = geojson("small2.geojson", 3, PT("a2", "tree", 106.615, -6.20),
                             PT("a3", "sign", 106.62, -6.20),
                             PT("a5", "cctv", 106.64, -6.20));
    ok(gk_assets_import_file(ctx, s, f2, &o, &rep) == GK_OK &&
           rep.updated == 2 && rep.inserted == 1 && rep.unchanged == 0,
       "upsert: 2 updated, 1 inserted");
    is_int((long long)count_assets(s), 5, "5 assets");
    oracle_db_t od;
    oracle_open(&od, spath("small.sqlite"));
    /* Inserts: one 'import' row per import naming the ids and fids. */
    is_int(sql_int(od.db, "SELECT count(*) FROM asset_log WHERE op = "
                          "'import'"),
           2, "one 'import' row per import that inserted (not per asset)");
    ok(sql_text_is(od.db, "SELECT detail FROM asset_log WHERE op = 'import' "
                          "ORDER BY seq LIMIT 1",
                   "{\"inserted\":4,\"fid_first\":1,\"fid_last\":4,"
                   "\"ids\":[\"a1\",\"a2\",\"a3\",\"a4\"]}"),
       "the first names its 4 ids and fids 1..4");
    is_int(sql_int(od.db, "SELECT count(*) FROM asset_log WHERE seq = 1 "
                          "AND who = 'tester' AND source LIKE "
                          "'%small1.geojson' AND at LIKE '20__-__-__T%Z'"),
           1, "with who, when and the source");
    /* Each asset's insert is found from its id (ids in detail) and from
     * its fid (the fid range), and both agree. */
    is_int(sql_int(od.db,
                   "SELECT count(*) FROM assets a WHERE (SELECT l.seq FROM "
                   "asset_log l, json_each(l.detail, '$.ids') j WHERE l.op = "
                   "'import' AND j.value = a.id) = (SELECT l.seq FROM "
                   "asset_log l WHERE l.op = 'import' AND a.fid BETWEEN "
                   "json_extract(l.detail, '$.fid_first') AND "
                   "json_extract(l.detail, '$.fid_last'))"),
           5, "every asset's insert is in the log, by id and by fid");
    is_int(sql_int(od.db, "SELECT count(*) FROM asset_log WHERE op = "
                          "'update'"),
           2, "updates: one row per asset");
    is_int(sql_int(od.db, "SELECT count(*) FROM asset_log WHERE op = "
                          "'update' AND asset_id = 'a3' AND who = 'tester' "
                          "AND old_values LIKE '%\"kind\":\"manhole\"%'"),
           1, "the log keeps a3's old kind, and who changed it");
    is_int(sql_int(od.db, "SELECT count(*) FROM asset_log WHERE asset_id = "
                          "'a2' AND old_geom IS NOT NULL AND "
                          "abs(X(old_geom) - 106.61) < 1e-12"),
           1, "and a2's old position");
    is_int(sql_int(od.db, "SELECT count(*) FROM assets WHERE fid IN (SELECT "
                          "ROWID FROM SpatialIndex WHERE f_table_name = "
                          "'assets' AND search_frame = BuildMbr(106.614, "
                          "-6.21, 106.616, -6.19))"),
           1, "SpatiaLite's own index found the moved asset");
    is_int(sql_int(od.db, "SELECT count(*) FROM idx_assets_geom"), 5,
           "its R*Tree has one entry per asset");
    is_int(sql_int(od.db, "SELECT count(*) FROM sqlite_master WHERE type = "
                          "'trigger' AND tbl_name = 'assets'"),
           8, "and all 8 SpatiaLite triggers are back after the import");
    /* An edit by another program (SQL, as QGIS would) still goes through
     * SpatiaLite's triggers: index and constraints. */
    sqlite3_exec(od.db, "UPDATE assets SET geom = MakePoint(106.9, -6.1, "
                        "4326) WHERE id = 'a5'", NULL, NULL, NULL);
    is_int(sql_int(od.db, "SELECT count(*) FROM idx_assets_geom WHERE "
                          "xmin > 106.89 AND xmax < 106.91"),
           1, "an SQL edit moves the index entry (triggers work)");
    ok(sqlite3_exec(od.db, "UPDATE assets SET geom = MakePoint(1, 2, 3857) "
                           "WHERE id = 'a5'", NULL, NULL, NULL) != SQLITE_OK,
       "and a wrong SRID is refused by the constraint trigger");
    oracle_close(&od);

    gk_asset_rows_t *r = NULL;
    ok(gk_assets_near(ctx, s, 106.6151, -6.2, 1, 0, NULL, &r) == GK_OK &&
           r->n == 1 && strcmp(r->ids[0], "a2") == 0,
       "queries see the update (snapshot rebuilt)");
    if (r && r->n)
        is_str(r->condition[0], "good", "attributes come with the rows");
    gk_asset_rows_free(r);

    /* Generated ids are stable: the same file gives the same ids. */
    gk_assets_import_opts_t og = {.kind = "tree"};
    const char *f3 = geojson("gen.geojson", 2, PT("x", "tree", 106.70, -6.1),
                             PT("x", "tree", 106.71, -6.1));
    ok(gk_assets_import_file(ctx, s, f3, &og, &rep) == GK_OK &&
           rep.inserted == 2,
       "generated ids: 2 inserted");
    ok(gk_assets_import_file(ctx, s, f3, &og, &rep) == GK_OK &&
           rep.unchanged == 2,
       "generated ids are stable across imports");
    gk_assets_close(s);
}

static void test_bad_input(void)
{
    gk_assets_t *s = open_store("bad.sqlite", true);
    gk_assets_import_opts_t o = {.kind_field = "k", .id_field = "aid",
                                 .rejects_path = spath("rejects.geojson")};
    gk_assets_import_report_t rep;
    const char *poly_light =
        "{\"type\":\"Feature\",\"properties\":{\"aid\":\"p1\",\"k\":"
        "\"street_light\"},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[106.6,-6.2],[106.61,-6.2],[106.61,-6.21],"
        "[106.6,-6.2]]]}}";
    const char *f = geojson("bad.geojson", 6, PT("b1", "street_light", 106.6, -6.2),
                            PT("b2", "flying_saucer", 106.6, -6.2),
                            PT("dup", "tree", 106.6, -6.21),
                            PT("dup", "tree", 106.6, -6.22), poly_light,
                            PT("b3", "tree", 106.7, -6.2));
    ok(gk_assets_import_file(ctx, s, f, &o, &rep) == GK_OK,
       "an import with bad features succeeds for the good ones");
    is_int((long long)rep.inserted, 2, "2 good ones inserted");
    is_int((long long)rep.rejected, 4,
           "unknown kind, both duplicates and the polygon rejected");
    gk_layer_t *rj = NULL;
    ok(gk_layer_read(ctx, spath("rejects.geojson"), NULL, &rj) == GK_OK &&
           gk_layer_num_features(rj) == 4,
       "the rejects file has the 4 features");
    int rf = rj ? gk_layer_field_index(rj, "reject_reason") : -1;
    bool kind = false, dup = false, type = false;
    for (size_t i = 0; rf >= 0 && i < gk_layer_num_features(rj); i++) {
        const char *why = gk_layer_get_string(rj, (size_t)rf, i);
        kind |= strstr(why, "unknown kind 'flying_saucer'") != NULL;
        dup |= strstr(why, "duplicate id 'dup'") != NULL;
        type |= strstr(why, "wrong geometry type: a polygon, but "
                            "street_light needs a point") != NULL;
    }
    ok(kind && dup && type, "each with its reason");
    gk_layer_free(rj);

    /* Strict: nothing written at all. */
    size_t before = count_assets(s);
    gk_assets_import_opts_t os = o;
    os.strict = true;
    os.rejects_path = NULL;
    const char *f2 = geojson("strict.geojson", 2, PT("s1", "tree", 106.6, -6.3),
                             PT("s2", "nonsense", 106.6, -6.3));
    ok(gk_assets_import_file(ctx, s, f2, &os, &rep) == GK_ERR_INPUT,
       "strict import with a reject fails");
    has_str(gk_errmsg(ctx), "unknown kind 'nonsense'", "naming the reason");
    is_int((long long)count_assets(s), (long long)before, "nothing written");

    /* Missing id field: an error before anything is written. */
    gk_assets_import_opts_t om = {.kind = "tree", .id_field = "asset_id"};
    ok(gk_assets_import_file(ctx, s, f2, &om, &rep) == GK_ERR_INPUT_FIELD,
       "a missing id field: INPUT_FIELD");
    has_str(gk_errmsg(ctx), "no field 'asset_id' (fields: aid, k, cond)",
            "the message lists the fields");
    is_int((long long)count_assets(s), (long long)before, "nothing written");

    /* No kind at all: usage error. */
    gk_assets_import_opts_t on = {0};
    ok(gk_assets_import_file(ctx, s, f2, &on, &rep) == GK_ERR_ARG,
       "no kind option: ARG");

    /* A locked store: another writer holds the lock. */
    sqlite3 *other;
    sqlite3_open(spath("bad.sqlite"), &other);
    ok(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK,
       "another connection takes the write lock");
    gk_assets_set_busy_timeout(ctx, s, 100);
    const char *f3 = geojson("ok.geojson", 1, PT("l1", "tree", 106.6, -6.4));
    gk_assets_import_opts_t ol = {.kind_field = "k", .id_field = "aid"};
    gk_status_t st = gk_assets_import_file(ctx, s, f3, &ol, &rep);
    ok(st == GK_ERR_IO, "import into a locked store: IO");
    has_str(gk_errmsg(ctx), "bad.sqlite: database is locked",
            "the message names the file");
    /* Readers are not blocked by the writer (WAL). */
    gk_asset_rows_t *r = NULL;
    ok(gk_assets_near(ctx, s, 106.6, -6.2, 3, 0, NULL, &r) == GK_OK &&
           r->n == 2,
       "queries still run while another writer holds the lock");
    gk_asset_rows_free(r);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    ok(gk_assets_import_file(ctx, s, f3, &ol, &rep) == GK_OK &&
           rep.inserted == 1,
       "after the lock is gone the import goes through");

    /* A kinds file with a bad entry changes nothing. */
    write_text(spath("badkinds.json"),
               "{\"kinds\":[{\"kind\":\"ok_kind\",\"geometry\":\"point\"},"
               "{\"kind\":\"Bad Kind\"}]}");
    ok(gk_assets_load_kinds(ctx, s, spath("badkinds.json")) ==
           GK_ERR_INPUT_VALUE,
       "bad kind name: INPUT_VALUE");
    has_str(gk_errmsg(ctx), "kinds[1].kind: \"Bad Kind\"", "names the entry");
    gk_assets_filter_t kf = {(const char *const[]){"ok_kind"}, 1};
    ok(gk_assets_near(ctx, s, 106.6, -6.2, 1, 0, &kf, &r) == GK_ERR_ARG,
       "so ok_kind was not added either");

    /* Read-only handles refuse writes. */
    gk_assets_t *ro = NULL;
    gk_assets_open(ctx, spath("bad.sqlite"), GK_ASSETS_READONLY, &ro);
    ok(ro && gk_assets_import_file(ctx, ro, f3, &ol, &rep) == GK_ERR_ARG,
       "read-only store refuses an import");
    gk_assets_close(ro);
    gk_assets_close(s);
}

static void test_import_buildings(void)
{
    const char *pts = shared_path("assets/jakarta_osm_building_points_2012.geojson");
    if (!pts) {
        ok(1, "# SKIP shared data absent");
        return;
    }
    gk_assets_t *s = open_store("jakarta.sqlite", true);
    gk_assets_import_opts_t o = {
        .mapping_path = source_path("data/osm_building_kinds.json")};
    gk_assets_import_report_t rep;
    ok(gk_assets_import_file(ctx, s, pts, &o, &rep) == GK_OK,
       "import the 6,679 Jakarta building points (%s)", gk_errmsg(ctx));
    is_int((long long)rep.inserted, 6679, "all inserted");
    ok(gk_assets_import_file(ctx, s, pts, &o, &rep) == GK_OK &&
           rep.unchanged == 6679,
       "re-import: 6,679 unchanged");
    gk_assets_stats_t *r = NULL;
    gk_assets_stats(ctx, s, &r);
    size_t school = 0, clinic = 0, hospital = 0, building = 0;
    for (size_t k = 0; k < r->num_kinds; k++) {
        if (!strcmp(r->kinds[k], "school"))
            school = r->kind_counts[k];
        if (!strcmp(r->kinds[k], "clinic"))
            clinic = r->kind_counts[k];
        if (!strcmp(r->kinds[k], "hospital"))
            hospital = r->kind_counts[k];
        if (!strcmp(r->kinds[k], "building"))
            building = r->kind_counts[k];
    }
    /* SOURCES.md: education 332, medical 61, "rumah sakit" 1 + "rs" 1. */
    is_int((long long)school, 332, "332 schools (use = education)");
    is_int((long long)clinic, 61, "61 clinics (use = medical)");
    is_int((long long)hospital, 2, "2 hospitals (rumah sakit, rs)");
    is_int((long long)building, 6026, "the rest default to building");
    gk_assets_stats_free(r);
    gk_assets_close(s);
}

/* Points i0 .. i0 + n - 1 of a fixed pseudo-random cloud, as GeoJSON. */
static const char *cloud(const char *name, int i0, int n)
{
    FILE *f = fopen(spath(name), "w");
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", f);
    for (int i = i0; i < i0 + n; i++) {
        /* a Weyl sequence: deterministic, spread over the box */
        double u = fmod(0.7548776662466927 * (i + 1), 1.0);
        double v = fmod(0.5698402909980532 * (i + 1), 1.0);
        fprintf(f,
                "%s{\"type\":\"Feature\",\"properties\":{\"aid\":\"c%d\","
                "\"k\":\"tree\"},\"geometry\":{\"type\":\"Point\","
                "\"coordinates\":[%.9f,%.9f]}}\n",
                i > i0 ? "," : "", i, 106.6 + 0.1 * u, -6.3 + 0.1 * v);
    }
    fputs("]}\n", f);
    fclose(f);
    return spath(name);
}

/* Count of assets inside a box through SpatiaLite's SpatialIndex (the
 * R*Tree) and by a plain scan of the geometries. */
static void index_vs_scan(sqlite3 *db, double x0, double y0, double x1,
                          double y1, int64_t *via_index, int64_t *scan)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM assets WHERE fid IN (SELECT ROWID FROM "
             "SpatialIndex WHERE f_table_name = 'assets' AND search_frame = "
             "BuildMbr(%.9f, %.9f, %.9f, %.9f)) AND X(geom) BETWEEN %.9f AND "
             "%.9f AND Y(geom) BETWEEN %.9f AND %.9f",
             x0, y0, x1, y1, x0, x1, y0, y1);
    *via_index = sql_int(db, sql);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM assets WHERE X(geom) BETWEEN %.9f AND %.9f "
             "AND Y(geom) BETWEEN %.9f AND %.9f",
             x0, x1, y0, y1);
    *scan = sql_int(db, sql);
}

static void check_rtree(const char *path, int64_t n, const char *when)
{
    oracle_db_t od;
    oracle_open(&od, path);
    ok(sql_text_is(od.db, "SELECT rtreecheck('idx_assets_geom')", "ok"),
       "%s: rtreecheck() ok", when);
    ok(sql_int(od.db, "SELECT CheckSpatialIndex('assets', 'geom')") == 1,
       "%s: CheckSpatialIndex() ok", when);
    ok(sql_int(od.db, "SELECT count(*) FROM idx_assets_geom") == n,
       "%s: %lld R*Tree entries", when, (long long)n);
    int bad = 0;
    int64_t total = 0;
    for (int q = 0; q < 40; q++) {
        double x = 106.6 + 0.1 * fmod(0.31 * q, 1.0);
        double y = -6.3 + 0.1 * fmod(0.47 * q, 1.0);
        int64_t a, b;
        index_vs_scan(od.db, x, y, x + 0.01 + 0.001 * q, y + 0.012, &a, &b);
        bad += a != b;
        total += b;
    }
    ok(bad == 0, "%s: 40 box queries through the R*Tree = scans (%lld hits)",
       when, (long long)total);
    ok(total > 200, "%s: the queries are not trivial", when);
    /* A box of zero size exactly at each point finds it: the float boxes
     * were rounded outwards, never to nearest. */
    sqlite3_stmt *q;
    sqlite3_prepare_v2(od.db, "SELECT X(geom), Y(geom), fid FROM assets "
                              "WHERE fid % 13 = 0", -1, &q, NULL);
    int missed = 0, tried = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        double x = sqlite3_column_double(q, 0), y = sqlite3_column_double(q, 1);
        char sql[384];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM idx_assets_geom WHERE xmin <= %.17g "
                 "AND xmax >= %.17g AND ymin <= %.17g AND ymax >= %.17g AND "
                 "pkid = %lld",
                 x, x, y, y, (long long)sqlite3_column_int64(q, 2));
        missed += sql_int(od.db, sql) != 1;
        tried++;
    }
    sqlite3_finalize(q);
    ok(missed == 0 && tried > 400,
       "%s: each of %d points is found by a zero-size box on it", when, tried);
    oracle_close(&od);
}

/* The first import into an empty store writes SpatiaLite's R*Tree as a
 * packed tree (lib/assets/rtree_bulk.c); everything after goes through
 * the virtual table: SQL edits (node splits in the full packed nodes) and
 * a second import. The tree must stay what SQLite and SpatiaLite expect. */
static void test_bulk_rtree(void)
{
    gk_assets_t *s = open_store("bulk.sqlite", true);
    gk_assets_import_opts_t o = {.kind_field = "k", .id_field = "aid"};
    gk_assets_import_report_t rep;
    /* 6,000 points: 118 leaves of 51 cells, 3 levels */
    ok(gk_assets_import_file(ctx, s, cloud("cloud1.geojson", 0, 6000), &o,
                             &rep) == GK_OK &&
           rep.inserted == 6000,
       "import 6,000 points into an empty store (%s)", gk_errmsg(ctx));
    check_rtree(spath("bulk.sqlite"), 6000, "packed");
    /* the same connection then inserts through the virtual table */
    ok(gk_assets_import_file(ctx, s, cloud("cloud3.geojson", 6000, 200), &o,
                             &rep) == GK_OK &&
           rep.inserted == 200,
       "then 200 more on the same handle (%s)", gk_errmsg(ctx));
    gk_assets_close(s);
    check_rtree(spath("bulk.sqlite"), 6200, "packed + 200");

    oracle_db_t od;
    oracle_open(&od, spath("bulk.sqlite"));
    int rc = sqlite3_exec(
        od.db,
        "BEGIN;"
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 799) INSERT INTO assets (id, kind, attrs, updated, geom) "
        "SELECT 'sql' || i, 'tree', '{}', '2024-01-01', MakePoint(106.6 + "
        "0.1 * ((i * 0.618034) % 1.0), -6.3 + 0.1 * ((i * 0.414214) % 1.0), "
        "4326) FROM n;"
        "UPDATE assets SET geom = MakePoint(X(geom) + 0.003, Y(geom), 4326) "
        "WHERE fid % 7 = 0;"
        "COMMIT",
        NULL, NULL, NULL);
    is_int(rc, SQLITE_OK, "SpatiaLite SQL adds 800 points and moves 1/7");
    oracle_close(&od);
    check_rtree(spath("bulk.sqlite"), 7000, "after SQL edits");

    s = open_store("bulk.sqlite", false);
    ok(gk_assets_import_file(ctx, s, cloud("cloud2.geojson", 5000, 3000), &o,
                             &rep) == GK_OK &&
           rep.inserted == 1800 && rep.updated == 171 && rep.unchanged == 1029,
       "a third import: 1,800 new, the SQL-moved ones updated back, the "
       "rest unchanged");
    gk_assets_close(s);
    check_rtree(spath("bulk.sqlite"), 8800, "after a third import");
}

int main(void)
{
    scratch_init("assets_store");
    gk_context_new(&ctx);
    test_open_errors();
    test_schema();
    test_migration();
    test_blob();
    test_import_small();
    test_bad_input();
    test_import_buildings();
    test_bulk_rtree();
    gk_context_free(ctx);
    scratch_done();
    return done_testing();
}
