/*
 * tools/cmd_index.c - `geokota index build|query|info`: build a packed
 * R-tree over the features of a vector file, save it as a .gkidx file, and
 * query or describe a saved one.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: geokota index build [OPTIONS] FILE -o INDEX.gkidx\n"
    "       geokota index query [OPTIONS] INDEX.gkidx (--bbox XMIN,YMIN,XMAX,YMAX\n"
    "                           | --point X,Y [--k N] | --within X,Y,D)\n"
    "       geokota index info [OPTIONS] INDEX.gkidx\n"
    "\n"
    "build: a packed R-tree (Hilbert order) over the bounding boxes of the\n"
    "features of FILE, keyed by feature id, saved atomically as a versioned,\n"
    "checksummed .gkidx file that opens with mmap (no parsing, no copy).\n"
    "query: the ids of the features whose boxes meet a window, the k nearest\n"
    "to a point (box distance, ties by id; default k = 1), or those within\n"
    "distance D of a point. Coordinates and D are in the units of the indexed\n"
    "data's CRS (degrees for lon/lat).\n"
    "info: size, height, node size, memory and bounds of an index.\n"
    "\n"
    "options:\n"
    "  --layer NAME             layer of FILE to index (build)\n"
    "  --where SQL              OGR attribute filter (build)\n"
    "  --node-size N            children per node (build; default chosen by\n"
    "                           measurement, see bench/RESULTS.md)\n"
    "  --format table|json|csv  output format (default table)\n"
    "  -o, --output FILE        build: the index file; query/info: the report\n"
    "  -q, --quiet              no warnings on stderr\n"
    "  -h, --help               show this help\n";

typedef struct index_args {
    const char *action, *input;
    gk_read_opts_t read;
    double node_size;
    bool has_bbox, has_point, has_within;
    double bbox[4], point[2], within[3];
    double k;
} index_args_t;

static int parse(cli_t *cli, int argc, char **argv, index_args_t *a)
{
    enum { O_NODE = 256, O_BBOX, O_POINT, O_K, O_WITHIN };
    static const struct option opts[] = {
        CLI_READ_OPTIONS,
        {"node-size", required_argument, NULL, O_NODE},
        {"bbox", required_argument, NULL, O_BBOX},
        {"point", required_argument, NULL, O_POINT},
        {"k", required_argument, NULL, O_K},
        {"within", required_argument, NULL, O_WITHIN},
        CLI_COMMON_OPTIONS,
    };
    a->k = 1;
    cli->read = &a->read;
    int c, code;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, opts, NULL)) != -1) {
        switch (c) {
        case O_NODE:
            if (!cli_parse_double(optarg, &a->node_size) || a->node_size < 2 ||
                a->node_size > 1024)
                return cli_usage_error("index", "--node-size needs 2..1024");
            break;
        case O_BBOX:
            if (!cli_parse_doubles(optarg, a->bbox, 4))
                return cli_usage_error("index", "--bbox needs "
                                       "XMIN,YMIN,XMAX,YMAX");
            a->has_bbox = true;
            break;
        case O_POINT:
            if (!cli_parse_doubles(optarg, a->point, 2))
                return cli_usage_error("index", "--point needs X,Y");
            a->has_point = true;
            break;
        case O_K:
            if (!cli_parse_double(optarg, &a->k) || a->k < 1 || a->k > 1e7 ||
                a->k != floor(a->k))
                return cli_usage_error("index", "--k needs a whole number "
                                       ">= 1");
            break;
        case O_WITHIN:
            if (!cli_parse_doubles(optarg, a->within, 3) || a->within[2] < 0)
                return cli_usage_error("index", "--within needs X,Y,D with "
                                       "D >= 0");
            a->has_within = true;
            break;
        default:
            if ((code = cli_common_option(cli, c, help)) != EXIT_OK)
                return code;
            break;
        }
    }
    if (optind != argc - 2)
        return cli_usage_error("index", "expected build|query|info and a file");
    a->action = argv[optind];
    a->input = argv[optind + 1];
    if (strcmp(a->action, "build") == 0 && !cli->out_path)
        return cli_usage_error("index", "build needs -o INDEX.gkidx");
    if (strcmp(a->action, "query") == 0 &&
        a->has_bbox + a->has_point + a->has_within != 1)
        return cli_usage_error("index", "query needs one of --bbox, --point, "
                               "--within");
    if (strcmp(a->action, "build") && strcmp(a->action, "query") &&
        strcmp(a->action, "info"))
        return cli_usage_error("index", "unknown action '%s'", a->action);
    return EXIT_OK;
}

static int build(cli_t *cli, const index_args_t *a)
{
    gk_layer_t *l = NULL;
    gk_rtree_t *tree = NULL;
    gk_status_t st = gk_layer_read(cli->ctx, a->input, &a->read, &l);
    size_t n = l ? gk_layer_num_features(l) : 0, m = 0;
    gk_box_t *boxes = calloc(n ? n : 1, sizeof *boxes);
    int64_t *ids = calloc(n ? n : 1, sizeof *ids);
    if (st == GK_OK && (!boxes || !ids))
        st = GK_ERR_NOMEM;
    gk_geoms_t g = l ? gk_layer_geoms(l) : (gk_geoms_t){0};
    for (size_t i = 0; st == GK_OK && i < n; i++) {
        /* Features without geometry have no box and are left out. */
        if (g.geom_off[i] == g.geom_off[i + 1])
            continue;
        boxes[m] = gk_geoms_feature_box(&g, i);
        ids[m++] = gk_layer_fid(l, i);
    }
    gk_rtree_opts_t o = {.node_size = (uint32_t)a->node_size};
    if (st == GK_OK)
        st = gk_rtree_build(cli->ctx, boxes, ids, m, &o, &tree);
    if (st == GK_OK)
        st = gk_rtree_save(cli->ctx, tree, cli->out_path);
    if (st == GK_OK && !cli->quiet)
        fprintf(stderr, "geokota index: %zu features of %s indexed into %s\n",
                m, a->input, cli->out_path);
    free(boxes);
    free(ids);
    gk_rtree_free(tree);
    gk_layer_free(l);
    return st == GK_OK ? EXIT_OK : cli_fail(cli, st);
}

static void write_info(cli_t *cli, const char *path, const gk_rtree_info_t *i)
{
    FILE *f = cli->out;
    if (cli->format == FMT_JSON) {
        fprintf(f, "{\"file\":");
        emit_json_string(f, path);
        fprintf(f, ",\"items\":%zu,\"node_size\":%u,\"height\":%u,"
                   "\"nodes\":%zu,\"memory_bytes\":%zu,\"mapped\":%s,"
                   "\"bounds\":[",
                i->num_items, i->node_size, i->height, i->num_nodes,
                i->memory_bytes, i->mapped ? "true" : "false");
        const double b[4] = {i->bounds.xmin, i->bounds.ymin, i->bounds.xmax,
                             i->bounds.ymax};
        for (int k = 0; k < 4; k++) {
            if (k)
                fputc(',', f);
            emit_json_number(f, b[k]);
        }
        fputs("]}\n", f);
        return;
    }
    static const char *const headers[] = {"key", "value"};
    cli_table_t *t = table_new(2, headers, NULL);
    char v[6][96];
    snprintf(v[0], sizeof v[0], "%zu", i->num_items);
    snprintf(v[1], sizeof v[1], "%u", i->node_size);
    snprintf(v[2], sizeof v[2], "%u", i->height);
    snprintf(v[3], sizeof v[3], "%zu", i->num_nodes);
    snprintf(v[4], sizeof v[4], "%zu", i->memory_bytes);
    snprintf(v[5], sizeof v[5], "%.10g %.10g %.10g %.10g", i->bounds.xmin,
             i->bounds.ymin, i->bounds.xmax, i->bounds.ymax);
    const char *keys[] = {"items", "node_size", "height", "nodes",
                          "memory_bytes", "bounds"};
    for (int k = 0; t && k < 6; k++) {
        const char *row[] = {keys[k], v[k]};
        table_add_row(t, row);
    }
    if (t)
        table_write(t, f, cli->format);
    table_free(t);
}

static void write_ids(cli_t *cli, const int64_t *ids, const double *dist,
                      size_t n)
{
    FILE *f = cli->out;
    if (cli->format == FMT_JSON) {
        fputs("{\"ids\":[", f);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s%lld", i ? "," : "", (long long)ids[i]);
        fputc(']', f);
        if (dist) {
            fputs(",\"distances\":[", f);
            for (size_t i = 0; i < n; i++) {
                if (i)
                    fputc(',', f);
                emit_json_number(f, dist[i]);
            }
            fputc(']', f);
        }
        fprintf(f, ",\"count\":%zu}\n", n);
        return;
    }
    static const char *const headers[] = {"id", "distance"};
    static const bool numeric[] = {true, true};
    cli_table_t *t = table_new(dist ? 2 : 1, headers, numeric);
    for (size_t i = 0; t && i < n; i++) {
        char idb[32], db[32];
        snprintf(idb, sizeof idb, "%lld", (long long)ids[i]);
        if (dist)
            gk_format_double(db, dist[i]);
        const char *row[] = {idb, db};
        table_add_row(t, row);
    }
    if (t)
        table_write(t, f, cli->format);
    table_free(t);
}

static int query(cli_t *cli, const index_args_t *a, const gk_rtree_t *tree)
{
    size_t n = 0, cap = 1024;
    int64_t *ids = NULL;
    double *dist = NULL;
    if (a->has_point) {
        cap = (size_t)a->k;
        ids = calloc(cap, sizeof *ids);
        dist = calloc(cap, sizeof *dist);
        gk_box_t q = {a->point[0], a->point[1], a->point[0], a->point[1]};
        if (ids && dist)
            n = gk_rtree_nearest(tree, q, cap, NULL, ids, dist);
    } else {
        for (;;) {
            int64_t *more = realloc(ids, cap * sizeof *ids);
            if (!more)
                break;
            ids = more;
            if (a->has_bbox) {
                gk_box_t w = {a->bbox[0], a->bbox[1], a->bbox[2], a->bbox[3]};
                n = gk_rtree_query_box(tree, w, ids, cap);
            } else {
                gk_box_t q = {a->within[0], a->within[1], a->within[0],
                              a->within[1]};
                n = gk_rtree_query_within(tree, q, a->within[2], ids, cap);
            }
            if (n <= cap)
                break;
            cap = n;
        }
    }
    int code = EXIT_OK;
    if (!ids || (a->has_point && !dist)) {
        fprintf(stderr, "geokota index: error: out of memory\n");
        code = EXIT_INPUT;
    } else {
        n = n < cap ? n : cap;
        code = cli_begin_output(cli);
        if (code == EXIT_OK) {
            write_ids(cli, ids, dist, n);
            code = cli_end_output(cli);
        }
    }
    free(ids);
    free(dist);
    return code;
}

int cmd_index(int argc, char **argv)
{
    cli_t cli;
    if (cli_init(&cli, "index") != EXIT_OK)
        return EXIT_INPUT;
    index_args_t a = {0};
    int code = parse(&cli, argc, argv, &a);
    if (code != EXIT_OK)
        return cli_done(&cli, code < 0 ? EXIT_OK : code);
    if (strcmp(a.action, "build") == 0)
        return cli_done(&cli, build(&cli, &a));
    gk_rtree_t *tree = NULL;
    gk_status_t st = gk_rtree_open(cli.ctx, a.input, NULL, &tree);
    if (st != GK_OK)
        return cli_done(&cli, cli_fail(&cli, st));
    if (strcmp(a.action, "info") == 0) {
        gk_rtree_info_t info = gk_rtree_info(tree);
        code = cli_begin_output(&cli);
        if (code == EXIT_OK) {
            write_info(&cli, a.input, &info);
            code = cli_end_output(&cli);
        }
    } else {
        code = query(&cli, &a, tree);
    }
    gk_rtree_free(tree);
    return cli_done(&cli, code);
}
