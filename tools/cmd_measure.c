/*
 * tools/cmd_measure.c - `geokota measure FILE`: area, perimeter and length
 * of every feature, and totals.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: geokota measure [OPTIONS] FILE\n"
    "\n"
    "Area (m2), perimeter (m) and length (m) of every feature of FILE, and\n"
    "totals. Longitude/latitude data are measured on the ellipsoid (exact to\n"
    "1e-9 against Karney's geodesics); projected data in the plane of their\n"
    "CRS. Polygon holes subtract; lines have length, polygons perimeter.\n"
    "\n"
    "options:\n"
    "  --layer NAME             layer to read (default: the first)\n"
    "  --where SQL              OGR SQL attribute filter, e.g. \"district = 'Benda'\"\n"
    "  --crs DEF                CRS of the data when the file has none or a wrong\n"
    "                           one (EPSG:32748, WKT, PROJ string)\n"
    "  --method auto|geodesic|planar\n"
    "                           auto (default): geodesic for lon/lat, planar for\n"
    "                           projected data; geodesic on projected data measures\n"
    "                           on the ellipsoid of its datum\n"
    "  --ground                 you want true ground area: warn when measuring in\n"
    "                           the plane of a CRS that is not equal-area\n"
    "  --id-field NAME          attribute to report as id (default: feature id)\n"
    "  --skip-invalid           measure valid features, list invalid ones on\n"
    "                           stderr (default: stop at the first invalid one)\n"
    "  --format table|json|csv  output format (default table)\n"
    "  -o, --output FILE        write the report to FILE (atomically)\n"
    "  -q, --quiet              no warnings or progress on stderr\n"
    "  -h, --help               show this help\n"
    "\n"
    "JSON: {\"crs\", \"method\", \"features\": [{\"id\", \"area_m2\", \"perimeter_m\",\n"
    "\"length_m\"}], \"total\": {\"area_m2\", \"perimeter_m\", \"length_m\", \"count\"}}\n";

typedef struct measure_args {
    gk_read_opts_t read;
    gk_measure_layer_opts_t measure;
    const char *crs;
    const char *id_field;
    const char *path;
} measure_args_t;

/* The id of feature i as text: the chosen attribute, or the feature id. */
static const char *feature_id(const gk_layer_t *l, int field, size_t i,
                              char buf[64], bool *is_text)
{
    *is_text = false;
    if (field >= 0 && !gk_layer_is_null(l, (size_t)field, i)) {
        if (gk_layer_field_type(l, (size_t)field) == GK_FIELD_STRING) {
            *is_text = true;
            return gk_layer_get_string(l, (size_t)field, i);
        }
        if (gk_layer_field_type(l, (size_t)field) == GK_FIELD_INT) {
            snprintf(buf, 64, "%lld",
                     (long long)gk_layer_get_int(l, (size_t)field, i));
            return buf;
        }
        gk_format_double(buf, gk_layer_get_double(l, (size_t)field, i));
        return buf;
    }
    snprintf(buf, 64, "%lld", (long long)gk_layer_fid(l, i));
    return buf;
}

static void write_json(cli_t *cli, const gk_layer_t *l, int idf,
                       const gk_measure_result_t *r)
{
    FILE *f = cli->out;
    fputs("{\"crs\":", f);
    emit_json_string(f, r->crs);
    fprintf(f, ",\"method\":\"%s\",\"features\":[",
            r->method == GK_MEASURE_GEODESIC ? "geodesic" : "planar");
    for (size_t i = 0; i < r->n; i++) {
        char buf[64];
        bool text;
        const char *id = feature_id(l, idf, i, buf, &text);
        fputs(i ? ",\n{\"id\":" : "\n{\"id\":", f);
        if (text)
            emit_json_string(f, id);
        else
            fputs(id, f);
        fputs(",\"area_m2\":", f);
        emit_json_number(f, r->area_m2[i]);
        fputs(",\"perimeter_m\":", f);
        emit_json_number(f, r->perimeter_m[i]);
        fputs(",\"length_m\":", f);
        emit_json_number(f, r->length_m[i]);
        fputc('}', f);
    }
    fputs("],\n\"total\":{\"area_m2\":", f);
    emit_json_number(f, r->total_area_m2);
    fputs(",\"perimeter_m\":", f);
    emit_json_number(f, r->total_perimeter_m);
    fputs(",\"length_m\":", f);
    emit_json_number(f, r->total_length_m);
    fprintf(f, ",\"count\":%zu}}\n", r->count);
}

static int write_table(cli_t *cli, const gk_layer_t *l, int idf,
                       const gk_measure_result_t *r)
{
    static const char *const headers[] = {"id", "area_m2", "perimeter_m",
                                          "length_m"};
    static const bool numeric[] = {false, true, true, true};
    cli_table_t *t = table_new(4, headers, numeric);
    if (!t)
        return EXIT_INPUT;
    /* Three decimals: millimetres and square millimetres are below any
     * survey's precision, so more digits would only be noise on screen
     * (JSON keeps every digit). CSV keeps full precision too. */
    int dec = cli->format == FMT_CSV ? -1 : 3;
    for (size_t i = 0; i <= r->n; i++) {
        char idbuf[64], a[48], p[48], len[48];
        bool text;
        bool total = i == r->n;
        double va = total ? r->total_area_m2 : r->area_m2[i];
        double vp = total ? r->total_perimeter_m : r->perimeter_m[i];
        double vl = total ? r->total_length_m : r->length_m[i];
        if (dec < 0) {
            gk_format_double(a, va);
            gk_format_double(p, vp);
            gk_format_double(len, vl);
        } else {
            num_cell(a, va, dec);
            num_cell(p, vp, dec);
            num_cell(len, vl, dec);
        }
        const char *cells[] = {
            total ? "total" : feature_id(l, idf, i, idbuf, &text), a, p, len};
        table_add_row(t, cells);
    }
    if (cli->format == FMT_TABLE)
        fprintf(cli->out, "%s: %zu features, CRS %s, %s measurement\n\n",
                gk_layer_source(l), r->count, r->crs,
                r->method == GK_MEASURE_GEODESIC ? "geodesic (ellipsoid)"
                                                 : "planar");
    table_write(t, cli->out, cli->format);
    table_free(t);
    return EXIT_OK;
}

static int parse(cli_t *cli, int argc, char **argv, measure_args_t *a)
{
    enum { O_CRS = 256, O_METHOD, O_GROUND, O_IDF, O_SKIP };
    static const struct option opts[] = {
        CLI_READ_OPTIONS,
        {"crs", required_argument, NULL, O_CRS},
        {"method", required_argument, NULL, O_METHOD},
        {"ground", no_argument, NULL, O_GROUND},
        {"id-field", required_argument, NULL, O_IDF},
        {"skip-invalid", no_argument, NULL, O_SKIP},
        CLI_COMMON_OPTIONS,
    };
    cli->read = &a->read;
    int c, code;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, opts, NULL)) != -1) {
        switch (c) {
        case O_CRS: a->crs = optarg; break;
        case O_METHOD:
            if (strcmp(optarg, "geodesic") == 0)
                a->measure.method = GK_MEASURE_GEODESIC;
            else if (strcmp(optarg, "planar") == 0)
                a->measure.method = GK_MEASURE_PLANAR;
            else if (strcmp(optarg, "auto") != 0)
                return cli_usage_error("measure", "unknown method '%s'", optarg);
            break;
        case O_GROUND: a->measure.ground_area = true; break;
        case O_IDF: a->id_field = optarg; break;
        case O_SKIP: a->measure.skip_invalid = true; break;
        default:
            if ((code = cli_common_option(cli, c, help)) != EXIT_OK)
                return code;
            break;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("measure", "expected one FILE");
    a->path = argv[optind];
    return EXIT_OK;
}

int cmd_measure(int argc, char **argv)
{
    cli_t cli;
    if (cli_init(&cli, "measure") != EXIT_OK)
        return EXIT_INPUT;
    measure_args_t a = {0};
    int code = parse(&cli, argc, argv, &a);
    if (code != EXIT_OK)
        return cli_done(&cli, code < 0 ? EXIT_OK : code);

    gk_layer_t *l = NULL;
    gk_measure_result_t *r = NULL;
    gk_status_t st = gk_layer_read(cli.ctx, a.path, &a.read, &l);
    if (st == GK_OK)
        st = a.crs ? gk_layer_set_crs(cli.ctx, l, a.crs)
                   : gk_layer_require_crs(cli.ctx, l);
    int idf = -1;
    if (st == GK_OK && a.id_field && (idf = gk_layer_field_index(l, a.id_field)) < 0) {
        gk_layer_free(l);
        cli_usage_error("measure", "%s has no field '%s'", a.path, a.id_field);
        return cli_done(&cli, EXIT_INPUT);
    }
    if (st == GK_OK)
        st = gk_measure_layer(cli.ctx, l, &a.measure, &r);
    if (st != GK_OK) {
        gk_layer_free(l);
        return cli_done(&cli, cli_fail(&cli, st));
    }
    if (r->num_invalid && !cli.quiet)
        fprintf(stderr, "geokota measure: skipped %zu invalid feature%s:\n%s",
                r->num_invalid, r->num_invalid == 1 ? "" : "s", r->problems);
    code = cli_begin_output(&cli);
    if (code == EXIT_OK) {
        if (cli.format == FMT_JSON)
            write_json(&cli, l, idf, r);
        else
            code = write_table(&cli, l, idf, r);
    }
    if (code == EXIT_OK)
        code = cli_end_output(&cli);
    gk_measure_result_free(r);
    gk_layer_free(l);
    return cli_done(&cli, code);
}
