/*
 * tools/cmd_assets.c - `geokota assets SUBCOMMAND DB ...`: import city
 * assets into a SpatiaLite store and query it (near, within, along,
 * summary, gaps, info).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets_cli.h"

static const char help[] =
    "usage: geokota assets SUBCOMMAND DB [OPTIONS]\n"
    "\n"
    "Keep the city's assets (street lights, drains, manholes, trees, bins,\n"
    "CCTV, signs, bridges, schools...) in DB, a SpatiaLite file that QGIS and\n"
    "ogr2ogr open, and ask what a road touches or a district lacks. Distances\n"
    "are true metres on the WGS 84 ellipsoid.\n"
    "\n"
    "subcommands:\n"
    "  import DB FILE   add or update assets from any vector file (by id)\n"
    "  near DB          the k assets nearest to a point\n"
    "  within DB        assets inside polygons or a box\n"
    "  along DB         assets within a distance of road centerlines\n"
    "  summary DB       counts and lengths by kind per area (kelurahan...)\n"
    "  gaps DB          road stretches with no asset of a kind nearby\n"
    "  info DB          what the store holds\n"
    "\n"
    "Run 'geokota assets SUBCOMMAND --help' for its options.\n"
    "Exit status: 0 ok, 1 bad input (data, file, locked store), 2 usage.\n";

static const char common_help[] =
    "  --kind K                 only assets of kind K (repeat or K1,K2)\n"
    "  --format table|json|csv|geojson   output format (default table)\n"
    "  -o, --output FILE        write the result to FILE (atomically)\n"
    "  -q, --quiet              no warnings on stderr\n"
    "  -h, --help               show this help\n";

static const char import_help[] =
    "usage: geokota assets import DB FILE [OPTIONS]\n"
    "\n"
    "Add the features of FILE (GeoJSON, Shapefile, GeoPackage, any CRS) to\n"
    "the asset store DB (created if missing), in one transaction: new ids are\n"
    "inserted, known ids updated when their data changed (the old values go\n"
    "to the change log), identical ones left alone, so importing the same\n"
    "file twice changes nothing. Features with an unknown kind, no id, an id\n"
    "seen twice, a bad geometry or a geometry their kind does not allow are\n"
    "rejected and the rest imported.\n"
    "\n"
    "options:\n"
    "  --kind K                 every feature is of kind K\n"
    "  --kind-field F           the kind is in attribute F (values mapped by\n"
    "                           --mapping)\n"
    "  --id-field F             the asset id is in attribute F (default: ids\n"
    "                           generated from kind and geometry)\n"
    "  --mapping FILE           JSON mapping: kind_field, id_field, kinds\n"
    "                           {value: kind}, default_kind, id_prefix,\n"
    "                           condition_field, installed_field,\n"
    "                           district_field (e.g. data/osm_building_kinds.json)\n"
    "  --condition-field F, --installed-field F, --district-field F\n"
    "  --id-prefix P            put P before every source id (e.g. osm-)\n"
    "  --rejects FILE           write rejected features with their reason\n"
    "                           (GeoJSON)\n"
    "  --strict                 import nothing if any feature is rejected\n"
    "  --kinds FILE             load these kinds into the store first\n"
    "                           (default for a new store: data/asset_kinds.json)\n"
    "  --who NAME               who is importing, for the change log\n"
    "                           (default: $USER)\n"
    "  --layer NAME, --crs DEF  layer to read; CRS when the file has none\n"
    "  --timeout MS             wait this long for another writer (default\n"
    "                           5000)\n"
    "  --data-dir DIR           where asset_kinds.json is\n"
    "  --format table|json      report format\n"
    "  -q, --quiet, -h, --help\n"
    "\n"
    "JSON: {\"read\", \"inserted\", \"updated\", \"unchanged\", \"rejected\",\n"
    "\"first_reject\"}\n";

typedef struct args {
    const char *sub, *db, *file;
    assets_fmt_t fmt;
    const char *kinds_list[64];
    gk_assets_filter_t filter;
    /* import */
    gk_assets_import_opts_t imp;
    const char *kinds_file, *data_dir, *crs, *layer;
    int timeout_ms;
    /* queries */
    bool has_point, has_bbox, per_road;
    double point[2], bbox[4], distance, min_length, max_m;
    long k;
    const char *polygon, *road, *by, *by_field, *name_field;
} args_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int usage(const char *sub, const char *fmt, ...)
{
    char what[64], msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(what, sizeof what, "assets %s", sub ? sub : "");
    return cli_usage_error(what, "%s", msg);
}

static bool add_kinds(args_t *a, char *list)
{
    for (char *save = NULL, *k = strtok_r(list, ",", &save); k;
         k = strtok_r(NULL, ",", &save)) {
        if (a->filter.nkinds == 64)
            return false;
        a->kinds_list[a->filter.nkinds++] = k;
    }
    a->filter.kinds = a->kinds_list;
    return true;
}

static const char *sub_help(const char *sub)
{
    static char buf[4096];
    const char *body = "";
    if (strcmp(sub, "near") == 0)
        body = "usage: geokota assets near DB --point LON,LAT [--k N] [OPTIONS]\n"
               "\nThe N (default 10) assets nearest to the point, by true\n"
               "distance in metres (0 inside a polygon asset).\n\noptions:\n"
               "  --point LON,LAT          WGS 84 degrees\n"
               "  --k N                    how many (default 10)\n"
               "  --max-distance M         only within M metres\n";
    else if (strcmp(sub, "within") == 0)
        body = "usage: geokota assets within DB (--polygon FILE | --bbox "
               "W,S,E,N) [OPTIONS]\n"
               "\nAssets inside the polygons of FILE (ST_Within: the boundary\n"
               "is outside; column area = the polygon's feature index) or\n"
               "wholly inside a lon/lat box.\n\noptions:\n"
               "  --polygon FILE           polygons (any CRS)\n"
               "  --bbox W,S,E,N           min lon, min lat, max lon, max lat\n"
               "  --crs DEF                CRS of FILE when it has none\n";
    else if (strcmp(sub, "along") == 0)
        body = "usage: geokota assets along DB --road FILE --distance M "
               "[OPTIONS]\n"
               "\nAssets within M metres of the road centerlines in FILE (any\n"
               "CRS), e.g. the street lights and drains a planned road\n"
               "touches; each with its nearest road (column road = feature\n"
               "index) unless --per-road lists every (road, asset) pair.\n"
               "\noptions:\n"
               "  --road FILE              centerlines (LineStrings)\n"
               "  --distance M             metres (default 0)\n"
               "  --per-road               one row per road and asset\n"
               "  --crs DEF                CRS of FILE when it has none\n";
    else if (strcmp(sub, "summary") == 0)
        body = "usage: geokota assets summary DB --by FILE [--by-field NAME] "
               "[OPTIONS]\n"
               "\nCount assets by kind in each polygon of FILE (kecamatan,\n"
               "kelurahan...): points in the first polygon that covers them,\n"
               "lines and polygons clipped, with their inside length (m) and\n"
               "area (m2) on the ellipsoid. Kinds with count 0 are what an\n"
               "area lacks (JSON: \"missing\"); \"(outside)\" holds assets in\n"
               "no polygon.\n\noptions:\n"
               "  --by FILE                the areas (polygons)\n"
               "  --by-field NAME          attribute naming them (default:\n"
               "                           the feature index)\n"
               "  --crs DEF                CRS of FILE when it has none\n";
    else if (strcmp(sub, "gaps") == 0)
        body = "usage: geokota assets gaps DB --roads FILE --kind K "
               "--distance D --min-length X [OPTIONS]\n"
               "\nStretches of road longer than X metres with no asset of kind\n"
               "K within D metres, e.g. unlit streets (--kind street_light\n"
               "--distance 30 --min-length 100). Chainages are geodesic\n"
               "metres from the start of each road.\n\noptions:\n"
               "  --roads FILE             centerlines (LineStrings)\n"
               "  --distance D             coverage radius, metres\n"
               "  --min-length X           shortest gap to report, metres\n"
               "  --name-field NAME        road name attribute (default name)\n"
               "  --crs DEF                CRS of FILE when it has none\n";
    else if (strcmp(sub, "info") == 0)
        body = "usage: geokota assets info DB [--format table|json]\n"
               "\nSchema version, counts by kind, change-log size, extent.\n";
    else
        return NULL;
    snprintf(buf, sizeof buf, "%s%s", body, common_help);
    return buf;
}

static int parse(cli_t *cli, int argc, char **argv, args_t *a)
{
    enum { O_KIND = 256, O_KF, O_IDF, O_MAP, O_REJ, O_STRICT, O_KINDS, O_WHO,
           O_LAYER, O_CRS, O_TIMEOUT, O_DATA, O_POINT, O_K, O_MAX,
           O_POLY, O_BBOX, O_ROAD, O_DIST, O_PER, O_BY, O_BYF, O_MINLEN,
           O_NAMEF, O_CONDF, O_INSTF, O_DISTF, O_PREFIX };
    static const struct option opts[] = {
        {"kind", required_argument, NULL, O_KIND},
        {"kind-field", required_argument, NULL, O_KF},
        {"id-field", required_argument, NULL, O_IDF},
        {"mapping", required_argument, NULL, O_MAP},
        {"rejects", required_argument, NULL, O_REJ},
        {"strict", no_argument, NULL, O_STRICT},
        {"kinds", required_argument, NULL, O_KINDS},
        {"who", required_argument, NULL, O_WHO},
        {"layer", required_argument, NULL, O_LAYER},
        {"crs", required_argument, NULL, O_CRS},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"data-dir", required_argument, NULL, O_DATA},
        {"point", required_argument, NULL, O_POINT},
        {"k", required_argument, NULL, O_K},
        {"max-distance", required_argument, NULL, O_MAX},
        {"polygon", required_argument, NULL, O_POLY},
        {"bbox", required_argument, NULL, O_BBOX},
        {"road", required_argument, NULL, O_ROAD},
        {"roads", required_argument, NULL, O_ROAD},
        {"distance", required_argument, NULL, O_DIST},
        {"per-road", no_argument, NULL, O_PER},
        {"by", required_argument, NULL, O_BY},
        {"by-field", required_argument, NULL, O_BYF},
        {"min-length", required_argument, NULL, O_MINLEN},
        {"name-field", required_argument, NULL, O_NAMEF},
        {"condition-field", required_argument, NULL, O_CONDF},
        {"installed-field", required_argument, NULL, O_INSTF},
        {"district-field", required_argument, NULL, O_DISTF},
        {"id-prefix", required_argument, NULL, O_PREFIX},
        CLI_COMMON_OPTIONS,
    };
    const char *sub = a->sub;
    bool imp = strcmp(sub, "import") == 0;
    const char *sub_text = imp ? import_help : sub_help(sub);
    int c, code;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, opts, NULL)) != -1) {
        switch (c) {
        case O_KIND:
            if (imp)
                a->imp.kind = optarg;
            else if (!add_kinds(a, optarg))
                return usage(sub, "too many kinds");
            break;
        case O_KF: a->imp.kind_field = optarg; break;
        case O_IDF: a->imp.id_field = optarg; break;
        case O_MAP: a->imp.mapping_path = optarg; break;
        case O_REJ: a->imp.rejects_path = optarg; break;
        case O_STRICT: a->imp.strict = true; break;
        case O_KINDS: a->kinds_file = optarg; break;
        case O_WHO: a->imp.who = optarg; break;
        case O_LAYER: a->layer = optarg; break;
        case O_CRS: a->crs = optarg; break;
        case O_DATA: a->data_dir = optarg; break;
        case O_CONDF: a->imp.condition_field = optarg; break;
        case O_INSTF: a->imp.installed_field = optarg; break;
        case O_DISTF: a->imp.district_field = optarg; break;
        case O_PREFIX: a->imp.id_prefix = optarg; break;
        case O_TIMEOUT: {
            double v;
            if (!cli_parse_double(optarg, &v) || v < 0 || v > 1e9)
                return usage(sub, "--timeout needs milliseconds, not '%s'",
                             optarg);
            a->timeout_ms = (int)v;
            break;
        }
        case CLI_OPT_FORMAT: /* geojson too */
            if (strcmp(optarg, "table") == 0)
                a->fmt = AFMT_TABLE;
            else if (strcmp(optarg, "json") == 0)
                a->fmt = AFMT_JSON;
            else if (strcmp(optarg, "csv") == 0)
                a->fmt = AFMT_CSV;
            else if (strcmp(optarg, "geojson") == 0)
                a->fmt = AFMT_GEOJSON;
            else
                return usage(sub, "unknown format '%s'", optarg);
            cli_parse_format(cli, a->fmt == AFMT_GEOJSON ? "json" : optarg,
                             false);
            break;
        case O_POINT:
            if (!cli_parse_doubles(optarg, a->point, 2))
                return usage(sub, "--point needs LON,LAT, not '%s'", optarg);
            a->has_point = true;
            break;
        case O_K: {
            double v;
            if (!cli_parse_double(optarg, &v) || v < 1 || v > 1e7 ||
                v != (double)(long)v)
                return usage(sub, "--k needs a whole number >= 1, not '%s'",
                             optarg);
            a->k = (long)v;
            break;
        }
        case O_MAX:
            if (!cli_parse_double(optarg, &a->max_m) || !(a->max_m > 0))
                return usage(sub, "--max-distance needs metres > 0, not '%s'",
                             optarg);
            break;
        case O_POLY: a->polygon = optarg; break;
        case O_BBOX:
            if (!cli_parse_doubles(optarg, a->bbox, 4))
                return usage(sub, "--bbox needs W,S,E,N, not '%s'", optarg);
            a->has_bbox = true;
            break;
        case O_ROAD: a->road = optarg; break;
        case O_DIST:
            if (!cli_parse_double(optarg, &a->distance) || !(a->distance >= 0))
                return usage(sub, "--distance needs metres >= 0, not '%s'",
                             optarg);
            break;
        case O_PER: a->per_road = true; break;
        case O_BY: a->by = optarg; break;
        case O_BYF: a->by_field = optarg; break;
        case O_MINLEN:
            if (!cli_parse_double(optarg, &a->min_length) ||
                !(a->min_length >= 0))
                return usage(sub, "--min-length needs metres >= 0, not '%s'",
                             optarg);
            break;
        case O_NAMEF: a->name_field = optarg; break;
        default:
            if ((code = cli_common_option(cli, c, sub_text)) != EXIT_OK)
                return code;
            break;
        }
    }
    int want = imp ? 2 : 1;
    if (argc - optind != want)
        return usage(sub, "%s", imp ? "expected DB and FILE" : "expected DB");
    a->db = argv[optind];
    a->file = imp ? argv[optind + 1] : NULL;
    return EXIT_OK;
}

/* Read a query layer, with --crs or an assumed lon/lat. */
static gk_status_t read_layer(cli_t *cli, const args_t *a, const char *path,
                              gk_layer_t **l)
{
    gk_read_opts_t ro = {.layer = a->layer};
    gk_status_t st = gk_layer_read(cli->ctx, path, &ro, l);
    if (st == GK_OK)
        st = a->crs ? gk_layer_set_crs(cli->ctx, *l, a->crs)
                    : gk_layer_require_crs(cli->ctx, *l);
    return st;
}

static int finish_output(cli_t *cli)
{
    return cli_end_output(cli);
}

static int run_import(cli_t *cli, args_t *a)
{
    gk_assets_t *s = NULL;
    gk_status_t st = gk_assets_open(cli->ctx, a->db, GK_ASSETS_CREATE, &s);
    if (st == GK_OK && a->timeout_ms)
        st = gk_assets_set_busy_timeout(cli->ctx, s, a->timeout_ms);
    gk_assets_stats_t *stats = NULL;
    if (st == GK_OK && !a->kinds_file)
        st = gk_assets_stats(cli->ctx, s, &stats);
    char def[4096];
    if (st == GK_OK && (a->kinds_file || stats->num_kinds == 0)) {
        const char *kf = a->kinds_file;
        if (!kf) {
            snprintf(def, sizeof def, "%s/asset_kinds.json",
                     cli_data_dir(a->data_dir));
            kf = def;
        }
        st = gk_assets_load_kinds(cli->ctx, s, kf);
    }
    gk_assets_stats_free(stats);
    gk_layer_t *l = NULL;
    if (st == GK_OK)
        st = read_layer(cli, a, a->file, &l);
    if (!a->imp.who)
        a->imp.who = getenv("USER") ? getenv("USER") : "geokota";
    gk_assets_import_report_t rep = {0};
    if (st == GK_OK)
        st = gk_assets_import_layer(cli->ctx, s, l, &a->imp, &rep);
    gk_layer_free(l);
    gk_assets_close(s);
    if (st != GK_OK)
        return cli_fail(cli, st);
    int code = cli_begin_output(cli);
    if (code != EXIT_OK)
        return code;
    if (a->fmt == AFMT_JSON) {
        fprintf(cli->out,
                "{\"read\":%zu,\"inserted\":%zu,\"updated\":%zu,"
                "\"unchanged\":%zu,\"rejected\":%zu,\"first_reject\":",
                rep.read, rep.inserted, rep.updated, rep.unchanged,
                rep.rejected);
        emit_json_string(cli->out, rep.first_reject);
        fputc(',', cli->out);
        emit_warnings_json(cli->out, cli);
        fputs("}\n", cli->out);
    } else {
        fprintf(cli->out,
                "%s: read %zu, inserted %zu, updated %zu, unchanged %zu, "
                "rejected %zu\n",
                a->db, rep.read, rep.inserted, rep.updated, rep.unchanged,
                rep.rejected);
        if (rep.rejected)
            fprintf(cli->out, "first reject: %s\n", rep.first_reject);
    }
    return finish_output(cli);
}

static int run_info(cli_t *cli, args_t *a, gk_assets_t *s)
{
    gk_assets_stats_t *r = NULL;
    gk_status_t st = gk_assets_stats(cli->ctx, s, &r);
    if (st != GK_OK)
        return cli_fail(cli, st);
    int code = cli_begin_output(cli);
    FILE *f = cli->out;
    if (code == EXIT_OK && a->fmt == AFMT_JSON) {
        fprintf(f, "{\"path\":");
        emit_json_string(f, a->db);
        fprintf(f,
                ",\"schema_version\":%d,\"data_version\":%lld,\"assets\":%zu,"
                "\"log\":%zu,\"crs\":\"%s\",\"spatialite\":",
                r->schema_version, (long long)r->data_version, r->num_assets,
                r->num_log, r->crs);
        emit_json_string(f, r->spatialite_version);
        fputs(",\"bounds\":[", f);
        emit_json_number(f, r->bounds.xmin);
        fputc(',', f);
        emit_json_number(f, r->bounds.ymin);
        fputc(',', f);
        emit_json_number(f, r->bounds.xmax);
        fputc(',', f);
        emit_json_number(f, r->bounds.ymax);
        fputs("],\"kinds\":[", f);
        for (size_t k = 0; k < r->num_kinds; k++) {
            fputs(k ? ",{\"kind\":" : "{\"kind\":", f);
            emit_json_string(f, r->kinds[k]);
            fprintf(f, ",\"geometry\":\"%s\",\"count\":%zu}",
                    r->kind_geometry[k], r->kind_counts[k]);
        }
        fputs("]}\n", f);
    } else if (code == EXIT_OK) {
        fprintf(f,
                "%s: geokota asset store, schema %d, data version %lld\n"
                "%zu assets, %zu change-log rows, CRS %s, SpatiaLite %s\n",
                a->db, r->schema_version, (long long)r->data_version,
                r->num_assets, r->num_log, r->crs, r->spatialite_version);
        if (r->num_assets)
            fprintf(f, "extent: %.7f, %.7f - %.7f, %.7f\n", r->bounds.xmin,
                    r->bounds.ymin, r->bounds.xmax, r->bounds.ymax);
        fputc('\n', f);
        static const char *const h[] = {"kind", "geometry", "count"};
        static const bool num[] = {false, false, true};
        cli_table_t *t = table_new(3, h, num);
        for (size_t k = 0; t && k < r->num_kinds; k++) {
            char n[32];
            snprintf(n, sizeof n, "%zu", r->kind_counts[k]);
            const char *cells[] = {r->kinds[k], r->kind_geometry[k], n};
            table_add_row(t, cells);
        }
        if (t)
            table_write(t, f, a->fmt == AFMT_CSV ? FMT_CSV : FMT_TABLE);
        table_free(t);
    }
    gk_assets_stats_free(r);
    return code == EXIT_OK ? finish_output(cli) : code;
}

static int run_query(cli_t *cli, args_t *a)
{
    const char *sub = a->sub;
    gk_assets_t *s = NULL;
    gk_status_t st = gk_assets_open(cli->ctx, a->db, GK_ASSETS_READONLY, &s);
    if (st != GK_OK)
        return cli_fail(cli, st);
    if (strcmp(sub, "info") == 0) {
        int code = run_info(cli, a, s);
        gk_assets_close(s);
        return code;
    }
    gk_asset_rows_t *rows = NULL;
    gk_assets_summary_t *sum = NULL;
    gk_asset_gaps_t *gaps = NULL;
    gk_layer_t *l = NULL;
    const char *group = NULL, *title = NULL;
    bool dist = false;
    const gk_assets_filter_t *f = a->filter.nkinds ? &a->filter : NULL;
    if (strcmp(sub, "near") == 0) {
        st = gk_assets_near(cli->ctx, s, a->point[0], a->point[1],
                            a->k ? (size_t)a->k : 10, a->max_m, f, &rows);
        dist = true;
        title = "nearest";
    } else if (strcmp(sub, "within") == 0) {
        if (a->polygon) {
            st = read_layer(cli, a, a->polygon, &l);
            if (st == GK_OK)
                st = gk_assets_within(cli->ctx, s, l, f, &rows);
            group = "area";
            title = a->polygon;
        } else {
            gk_box_t b = {a->bbox[0], a->bbox[1], a->bbox[2], a->bbox[3]};
            st = gk_assets_within_box(cli->ctx, s, b, f, &rows);
            title = "within the box";
        }
    } else if (strcmp(sub, "along") == 0) {
        st = read_layer(cli, a, a->road, &l);
        if (st == GK_OK)
            st = gk_assets_along(cli->ctx, s, l, a->distance, a->per_road, f,
                                 &rows);
        group = "road";
        dist = true;
        title = a->road;
    } else if (strcmp(sub, "summary") == 0) {
        st = read_layer(cli, a, a->by, &l);
        if (st == GK_OK)
            st = gk_assets_summary(cli->ctx, s, l, a->by_field, &sum);
    } else {
        st = read_layer(cli, a, a->road, &l);
        if (st == GK_OK)
            st = gk_assets_gaps(cli->ctx, s, l, a->distance, a->min_length, f,
                                &gaps);
    }
    int code = st == GK_OK ? cli_begin_output(cli) : cli_fail(cli, st);
    if (code == EXIT_OK && rows) {
        emit_rows(cli, a->fmt, rows, group, dist, title);
    } else if (code == EXIT_OK && sum) {
        bool *show = calloc(sum->num_kinds + 1, sizeof *show);
        for (size_t k = 0; show && k < sum->num_kinds; k++) {
            show[k] = a->filter.nkinds == 0;
            for (size_t j = 0; j < a->filter.nkinds; j++)
                show[k] |= strcmp(a->filter.kinds[j], sum->kinds[k]) == 0;
        }
        if (show)
            emit_summary(cli, a->fmt, sum, show, a->by_field);
        free(show);
    } else if (code == EXIT_OK && gaps) {
        int nf = gk_layer_field_index(l, a->name_field ? a->name_field
                                                       : "name");
        if (nf >= 0 && gk_layer_field_type(l, (size_t)nf) != GK_FIELD_STRING)
            nf = -1;
        emit_gaps(cli, a->fmt, gaps, l, nf);
    }
    if (code == EXIT_OK)
        code = finish_output(cli);
    gk_asset_rows_free(rows);
    gk_assets_summary_free(sum);
    gk_asset_gaps_free(gaps);
    gk_layer_free(l);
    gk_assets_close(s);
    return code;
}

/* What each query needs, before touching the store. */
static int check_query_args(const args_t *a)
{
    const char *sub = a->sub;
    if (strcmp(sub, "near") == 0 && !a->has_point)
        return usage(sub, "near needs --point LON,LAT");
    if (strcmp(sub, "within") == 0 && !a->polygon == !a->has_bbox)
        return usage(sub, "within needs --polygon FILE or --bbox W,S,E,N");
    if (strcmp(sub, "along") == 0 && !a->road)
        return usage(sub, "along needs --road FILE");
    if (strcmp(sub, "summary") == 0 && !a->by)
        return usage(sub, "summary needs --by FILE");
    if (strcmp(sub, "gaps") == 0 && (!a->road || !a->filter.nkinds))
        return usage(sub, "gaps needs --roads FILE and --kind K");
    if (a->fmt == AFMT_GEOJSON &&
        (strcmp(sub, "summary") == 0 || strcmp(sub, "info") == 0))
        return usage(sub, "GeoJSON output is for asset lists and gaps");
    return EXIT_OK;
}

int cmd_assets(int argc, char **argv)
{
    static const char *const subs[] = {"import", "near",    "within", "along",
                                       "summary", "gaps",   "info"};
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known |= strcmp(argv[1], subs[i]) == 0;
    if (!known)
        return cli_usage_error("assets", "unknown subcommand '%s'", argv[1]);
    cli_t cli;
    char name[32];
    snprintf(name, sizeof name, "assets %s", argv[1]);
    if (cli_init(&cli, name) != EXIT_OK)
        return EXIT_INPUT;
    args_t a = {0};
    a.sub = argv[1];
    int code = parse(&cli, argc - 1, argv + 1, &a);
    if (code != EXIT_OK)
        return cli_done(&cli, code < 0 ? EXIT_OK : code);
    if (strcmp(a.sub, "import") == 0)
        code = run_import(&cli, &a);
    else if ((code = check_query_args(&a)) == EXIT_OK)
        code = run_query(&cli, &a);
    return cli_done(&cli, code);
}
