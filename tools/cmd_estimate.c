/*
 * tools/cmd_estimate.c - `geokota estimate ROADS`: the bill of quantities
 * (materials, bags, truck loads, cost) to build the roads of a centerline
 * file.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: geokota estimate [OPTIONS] ROADS\n"
    "\n"
    "Estimate the materials needed to build the roads whose centerlines are\n"
    "in ROADS (GeoJSON, Shapefile, GeoPackage, ...; lon/lat or projected):\n"
    "per road and in total, each layer's area and volume, cement in kg and\n"
    "bags, sand, gravel, aggregate, asphalt, blocks, curbs, with waste, truck\n"
    "loads, and the cost when prices are given. Lengths are measured on the\n"
    "ellipsoid; where roads meet or overlap the shared surface counts once\n"
    "(it belongs to the road that comes first in the file).\n"
    "\n"
    "road attributes (all optional):\n"
    "  width     carriageway width, m      (--width-field NAME)\n"
    "  template  pavement template name     (--template-field NAME)\n"
    "  name      road name for the report   (--name-field NAME)\n"
    "  shoulder  paved shoulder per side, m (--shoulder-field NAME)\n"
    "\n"
    "options:\n"
    "  --template NAME|FILE     template for roads without one (default\n"
    "                           rigid_jalan_lingkungan; see geokota templates)\n"
    "  --width M                width for roads without one (default: the\n"
    "                           template's width, else 3 m)\n"
    "  --width-table FILE       widths by lanes/road class for roads without a\n"
    "                           width (e.g. data/osm_widths.csv; attributes\n"
    "                           lanes and highway, see --lanes-field,\n"
    "                           --class-field)\n"
    "  --prices FILE            unit prices, CSV material,unit,price_idr: adds\n"
    "                           cost per line and total in rupiah\n"
    "  --no-waste               order net quantities (no waste allowance)\n"
    "  --concrete site|ready    concrete mixed on site or ready-mix (default:\n"
    "                           as the template says)\n"
    "  --skip-invalid           estimate the valid roads and list the invalid\n"
    "                           ones as warnings (default: stop at the first)\n"
    "  --corridors FILE         also write each road's surface as GeoJSON\n"
    "  --assets DB              list the assets of this asset store that lie\n"
    "                           in a road's surface (to relocate or protect):\n"
    "                           section \"assets\" of the report\n"
    "  --assets-margin M        also assets within M metres of the surface\n"
    "  --layer NAME, --where SQL, --crs DEF   as in geokota measure\n"
    "  --data-dir DIR           catalog and templates folder (default:\n"
    "                           $GEOKOTA_DATA, else the installed data)\n"
    "  --format table|json|csv|markdown   output format (default table)\n"
    "  --lang en|id             labels in English or Indonesian\n"
    "  -o, --output FILE        write the report to FILE (atomically)\n"
    "  -q, --quiet              no warnings or progress on stderr\n"
    "  -h, --help               show this help\n"
    "\n"
    "JSON: {\"roads\":[...], \"length_m\", \"area_m2\", \"layers\":[{\"name\",\n"
    "\"material\", \"thickness_m\", \"width_m\", \"area_m2\", \"volume_m3\", \"mass_t\"}],\n"
    "\"materials\":[{\"material\", \"quantity\", \"unit\", \"loads\"}], \"cost_idr\",\n"
    "\"warnings\":[...]} (see README.md).\n";

typedef struct estimate_args {
    gk_read_opts_t read;
    gk_estimate_opts_t est;
    const char *crs, *path, *prices, *corridors, *width_table, *data_dir;
    const char *assets;
    double assets_margin;
    gk_boq_format_t fmt;
    gk_lang_t lang;
} estimate_args_t;

static int parse(cli_t *cli, int argc, char **argv, estimate_args_t *a)
{
    enum { O_TEMPLATE = 256, O_WIDTH, O_WTABLE, O_PRICES, O_NOWASTE, O_CONCRETE,
           O_SKIP, O_CORR, O_LAYER, O_WHERE, O_CRS, O_DATA, O_FORMAT, O_LANG,
           O_WF, O_TF, O_NF, O_SF, O_LF, O_CF, O_ASSETS, O_AMARGIN };
    static const struct option opts[] = {
        {"template", required_argument, NULL, O_TEMPLATE},
        {"width", required_argument, NULL, O_WIDTH},
        {"width-table", required_argument, NULL, O_WTABLE},
        {"prices", required_argument, NULL, O_PRICES},
        {"no-waste", no_argument, NULL, O_NOWASTE},
        {"concrete", required_argument, NULL, O_CONCRETE},
        {"skip-invalid", no_argument, NULL, O_SKIP},
        {"corridors", required_argument, NULL, O_CORR},
        {"assets", required_argument, NULL, O_ASSETS},
        {"assets-margin", required_argument, NULL, O_AMARGIN},
        {"layer", required_argument, NULL, O_LAYER},
        {"where", required_argument, NULL, O_WHERE},
        {"crs", required_argument, NULL, O_CRS},
        {"data-dir", required_argument, NULL, O_DATA},
        {"format", required_argument, NULL, O_FORMAT},
        {"lang", required_argument, NULL, O_LANG},
        {"width-field", required_argument, NULL, O_WF},
        {"template-field", required_argument, NULL, O_TF},
        {"name-field", required_argument, NULL, O_NF},
        {"shoulder-field", required_argument, NULL, O_SF},
        {"lanes-field", required_argument, NULL, O_LF},
        {"class-field", required_argument, NULL, O_CF},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case O_TEMPLATE: a->est.template_name = optarg; break;
        case O_WIDTH:
            if (!cli_parse_double(optarg, &a->est.width_m) ||
                !(a->est.width_m > 0))
                return cli_usage_error("estimate", "--width needs a positive "
                                       "number of metres, not '%s'", optarg);
            break;
        case O_WTABLE: a->width_table = optarg; break;
        case O_PRICES: a->prices = optarg; break;
        case O_NOWASTE: a->est.boq.no_waste = true; break;
        case O_CONCRETE:
            if (strcmp(optarg, "site") == 0 || strcmp(optarg, "site-mix") == 0)
                a->est.boq.concrete = GK_SUPPLY_SITE_MIX;
            else if (strcmp(optarg, "ready") == 0 ||
                     strcmp(optarg, "ready-mix") == 0)
                a->est.boq.concrete = GK_SUPPLY_READY_MIX;
            else
                return cli_usage_error("estimate", "--concrete is site-mix "
                                       "or ready-mix, not '%s'", optarg);
            break;
        case O_SKIP: a->est.skip_invalid = true; break;
        case O_CORR: a->corridors = optarg; break;
        case O_ASSETS: a->assets = optarg; break;
        case O_AMARGIN:
            if (!cli_parse_double(optarg, &a->assets_margin) ||
                !(a->assets_margin >= 0))
                return cli_usage_error("estimate", "--assets-margin needs "
                                       "metres >= 0, not '%s'", optarg);
            break;
        case O_LAYER: a->read.layer = optarg; break;
        case O_WHERE: a->read.where = optarg; break;
        case O_CRS: a->crs = optarg; break;
        case O_DATA: a->data_dir = optarg; break;
        case O_FORMAT:
            if (!cli_parse_format(cli, optarg, true) ||
                gk_boq_format_from_name(cli->ctx, optarg, &a->fmt) != GK_OK)
                return cli_usage_error("estimate", "unknown format '%s'",
                                       optarg);
            break;
        case O_LANG:
            if (gk_lang_from_name(cli->ctx, optarg, &a->lang) != GK_OK)
                return cli_usage_error("estimate", "unknown language '%s' "
                                       "(en or id)", optarg);
            break;
        case O_WF: a->est.width_field = optarg; break;
        case O_TF: a->est.template_field = optarg; break;
        case O_NF: a->est.name_field = optarg; break;
        case O_SF: a->est.shoulder_field = optarg; break;
        case O_LF: a->est.lanes_field = optarg; break;
        case O_CF: a->est.class_field = optarg; break;
        case 'o': cli->out_path = optarg; break;
        case 'q': cli->quiet = true; break;
        case 'h': fputs(help, stdout); return -1;
        default: return cli_usage_error("estimate", "bad option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("estimate", "expected one ROADS file");
    a->path = argv[optind];
    a->est.data_dir = cli_data_dir(a->data_dir);
    return EXIT_OK;
}

/* The assets inside the road surfaces, as the BOQ's "assets" section. */
static gk_status_t add_assets(gk_context_t *ctx, const estimate_args_t *a,
                              gk_boq_t *boq, const gk_layer_t *surface)
{
    gk_assets_t *store = NULL;
    gk_asset_rows_t *rows = NULL;
    gk_status_t st = gk_assets_open(ctx, a->assets, GK_ASSETS_READONLY, &store);
    if (st == GK_OK)
        st = gk_assets_in_corridors(ctx, store, surface, a->assets_margin,
                                    &rows);
    if (st == GK_OK)
        st = gk_assets_add_to_boq(ctx, boq, rows, surface);
    gk_asset_rows_free(rows);
    gk_assets_close(store);
    return st;
}

/* Everything that can fail before the report: read, estimate, price. */
static gk_status_t run(cli_t *cli, estimate_args_t *a, gk_layer_t **roads,
                       gk_boq_t **boq, gk_layer_t **surface)
{
    gk_context_t *ctx = cli->ctx;
    gk_width_table_t *wt = NULL;
    gk_prices_t *prices = NULL;
    gk_status_t st = gk_layer_read(ctx, a->path, &a->read, roads);
    if (st == GK_OK)
        st = a->crs ? gk_layer_set_crs(ctx, *roads, a->crs)
                    : gk_layer_require_crs(ctx, *roads);
    if (st == GK_OK && a->width_table)
        st = gk_width_table_load(ctx, a->width_table, &wt);
    if (st == GK_OK && a->prices)
        st = gk_prices_load(ctx, a->prices, &prices);
    a->est.width_table = wt;
    if (st == GK_OK)
        st = gk_estimate_roads(ctx, *roads, &a->est, boq,
                               a->corridors || a->assets ? surface : NULL);
    if (st == GK_OK && a->assets)
        st = add_assets(ctx, a, *boq, *surface);
    if (st == GK_OK && prices)
        st = gk_boq_apply_prices(ctx, *boq, prices);
    if (st == GK_OK && a->corridors)
        st = gk_layer_write_geojson(ctx, *surface, a->corridors);
    /* Warnings the library collected in the BOQ also go to stderr. */
    for (size_t i = 0; st == GK_OK && *boq && !cli->quiet &&
                       i < gk_boq_warning_count(*boq);
         i++)
        fprintf(stderr, "geokota estimate: warning: %s\n",
                gk_boq_warning(*boq, i));
    gk_prices_free(prices);
    gk_width_table_free(wt);
    return st;
}

int cmd_estimate(int argc, char **argv)
{
    cli_t cli;
    if (cli_init(&cli, "estimate") != EXIT_OK)
        return EXIT_INPUT;
    estimate_args_t a = {0};
    int code = parse(&cli, argc, argv, &a);
    if (code != EXIT_OK)
        return cli_done(&cli, code < 0 ? EXIT_OK : code);
    /* Warnings from reading (e.g. an assumed CRS) belong in the report. */
    gk_layer_t *roads = NULL, *surface = NULL;
    gk_boq_t *boq = NULL;
    gk_status_t st = run(&cli, &a, &roads, &boq, &surface);
    for (size_t i = 0; st == GK_OK && i < cli.nwarnings; i++)
        st = gk_boq_add_warning(cli.ctx, boq, cli.warnings[i]);
    code = st == GK_OK ? cli_begin_output(&cli) : cli_fail(&cli, st);
    if (code == EXIT_OK) {
        st = gk_boq_write(cli.ctx, boq, cli.out, a.fmt, a.lang);
        code = st == GK_OK ? cli_end_output(&cli) : cli_fail(&cli, st);
    }
    gk_boq_free(boq);
    gk_layer_free(surface);
    gk_layer_free(roads);
    return cli_done(&cli, code);
}
