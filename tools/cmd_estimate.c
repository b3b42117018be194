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
#include "earthwork.h"
#include <math.h>

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
    "  --concrete site-mix|ready-mix\n"
    "                           concrete mixed on site (cement, sand, gravel,\n"
    "                           water) or ready-mix by the m3 in truck-mixer\n"
    "                           loads (default: as the template says)\n"
    "  --skip-invalid           estimate the valid roads and list the invalid\n"
    "                           ones as warnings (default: stop at the first)\n"
    "  --corridors FILE         also write each road's surface as GeoJSON\n"
    "  --dem DEM                add earthwork (cut and fill to the formation)\n"
    "                           under the road surfaces, from a DEM; needs\n"
    "                           --profile CSV (station_m,elevation: finished\n"
    "                           grade along the road) or --offset M (finished\n"
    "                           grade M metres above the ground along each\n"
    "                           road, smoothed over --smooth M, default 50;\n"
    "                           negative: below); takes --camber PCT,\n"
    "                           --volume-method cell|tin, --swell F (1.25),\n"
    "                           --shrink F (0.90) and --truck-m3 M (loose m3\n"
    "                           a dump truck carries, 6) as geokota volume\n"
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
    earthwork_args_t ew;
    double truck_m3;
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
           O_SKIP, O_CORR, O_CRS, O_DATA, O_LANG,
           O_WF, O_TF, O_NF, O_SF, O_LF, O_CF, O_DEM, O_PROFILE, O_CAMBER,
           O_VMETHOD, O_SWELL, O_SHRINK, O_TRUCK, O_OFFSET, O_SMOOTH, O_ASSETS,
           O_AMARGIN };
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
        CLI_READ_OPTIONS,
        {"crs", required_argument, NULL, O_CRS},
        {"data-dir", required_argument, NULL, O_DATA},
        {"lang", required_argument, NULL, O_LANG},
        {"width-field", required_argument, NULL, O_WF},
        {"template-field", required_argument, NULL, O_TF},
        {"name-field", required_argument, NULL, O_NF},
        {"shoulder-field", required_argument, NULL, O_SF},
        {"lanes-field", required_argument, NULL, O_LF},
        {"class-field", required_argument, NULL, O_CF},
        {"dem", required_argument, NULL, O_DEM},
        {"profile", required_argument, NULL, O_PROFILE},
        {"offset", required_argument, NULL, O_OFFSET},
        {"smooth", required_argument, NULL, O_SMOOTH},
        {"camber", required_argument, NULL, O_CAMBER},
        {"volume-method", required_argument, NULL, O_VMETHOD},
        {"swell", required_argument, NULL, O_SWELL},
        {"shrink", required_argument, NULL, O_SHRINK},
        {"truck-m3", required_argument, NULL, O_TRUCK},
        CLI_COMMON_OPTIONS,
    };
    int c, code;
    double v;
    a->ew.camber_pct = 2;
    a->ew.swell = 1.25;
    a->ew.shrink = 0.90;
    a->truck_m3 = 6;
    cli->read = &a->read;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, opts, NULL)) != -1) {
        switch (c) {
        case O_DEM: a->ew.dem_path = optarg; break;
        case O_PROFILE: a->ew.profile_path = optarg; break;
        case O_OFFSET:
            if (!cli_parse_double(optarg, &a->ew.offset_m))
                return cli_usage_error("estimate", "--offset needs a number "
                                       "of metres, not '%s'", optarg);
            a->ew.has_offset = true;
            break;
        case O_SMOOTH:
            if (!cli_parse_double(optarg, &a->ew.smooth_m) ||
                !(a->ew.smooth_m > 0))
                return cli_usage_error("estimate", "--smooth needs a positive "
                                       "number of metres, not '%s'",
                                       optarg);
            break;
        case O_CAMBER:
            if (!cli_parse_double(optarg, &a->ew.camber_pct))
                return cli_usage_error("estimate",
                                       "--camber needs a number, not '%s'",
                                       optarg);
            break;
        case O_VMETHOD:
            if (strcmp(optarg, "cell") == 0)
                a->ew.method = GK_VOLUME_CELL;
            else if (strcmp(optarg, "tin") == 0)
                a->ew.method = GK_VOLUME_TIN;
            else
                return cli_usage_error("estimate", "--volume-method is cell "
                                       "or tin, not '%s'", optarg);
            break;
        case O_SWELL:
        case O_SHRINK:
        case O_TRUCK:
            if (!cli_parse_double(optarg, &v) || !(v > 0))
                return cli_usage_error("estimate", "--swell, --shrink and "
                                       "--truck-m3 need a positive number");
            *(c == O_SWELL ? &a->ew.swell
                           : c == O_SHRINK ? &a->ew.shrink : &a->truck_m3) = v;
            break;
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
        case O_CRS: a->crs = optarg; break;
        case O_DATA: a->data_dir = optarg; break;
        case CLI_OPT_FORMAT: /* markdown too, and the BOQ's own format */
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
        default:
            if ((code = cli_common_option(cli, c, help)) != EXIT_OK)
                return code;
            break;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("estimate", "expected one ROADS file");
    a->path = argv[optind];
    a->est.data_dir = cli_data_dir(a->data_dir);
    if (a->ew.dem_path && !a->ew.profile_path == !a->ew.has_offset)
        return cli_usage_error("estimate", "--dem needs one of --profile CSV "
                               "(the finished grade along the road) or "
                               "--offset M (above the smoothed ground)");
    if ((a->ew.profile_path || a->ew.has_offset) && !a->ew.dem_path)
        return cli_usage_error("estimate", "--profile and --offset go with "
                               "--dem DEM");
    if (a->ew.smooth_m > 0 && !a->ew.has_offset)
        return cli_usage_error("estimate", "--smooth goes with --offset");
    return EXIT_OK;
}

/* Earthwork under the road surfaces: the road formation from the profile
 * (or from the smoothed ground plus the offset),
 * minus the pavement depth of the default template, over the surface
 * corridors; the result becomes the BOQ's "earthwork" section. */
static gk_status_t add_earthwork(cli_t *cli, estimate_args_t *a,
                                 const gk_layer_t *roads,
                                 const gk_layer_t *surface, gk_boq_t *boq)
{
    gk_context_t *ctx = cli->ctx;
    gk_template_t *tpl = NULL;
    earthwork_t e = {0};
    gk_volume_result_t r = {0};
    gk_status_t st = gk_template_load(ctx, a->est.template_name
                                               ? a->est.template_name
                                               : "rigid_jalan_lingkungan",
                                      a->est.data_dir, a->est.catalog, &tpl);
    if (st == GK_OK)
        st = earthwork_prepare(cli, &a->ew, tpl, &e);
    if (st == GK_OK)
        st = earthwork_run(cli, &e, surface, roads, &r);
    struct {
        const char *key;
        double value;
        const char *unit;
    } rows[] = {
        {"method", NAN, r.method},
        {"cut_m3", r.cut_m3, "m3"},
        {"fill_m3", r.fill_m3, "m3"},
        {"net_m3", r.net_m3, "m3"},
        {"area_m2", r.area_m2, "m2"},
        {"nodata_area_m2", r.nodata_area_m2, "m2"},
        {"cut_loose_m3", r.cut_loose_m3, "m3"},
        {"fill_bank_m3", r.fill_bank_m3, "m3"},
        {"fill_loose_m3", r.fill_loose_m3, "m3"},
        {"spoil_loads", ceil(r.cut_loose_m3 / a->truck_m3 - 1e-9), "loads"},
        {"fill_loads", ceil(r.fill_loose_m3 / a->truck_m3 - 1e-9), "loads"},
    };
    for (size_t i = 0; st == GK_OK && i < sizeof rows / sizeof rows[0]; i++)
        st = isnan(rows[i].value)
                 ? gk_boq_add_text(ctx, boq, "earthwork", rows[i].key,
                                   rows[i].unit)
                 : gk_boq_add_value(ctx, boq, "earthwork", rows[i].key,
                                    rows[i].value, rows[i].unit);
    gk_volume_result_free(&r);
    earthwork_free(&e);
    gk_template_free(tpl);
    return st;
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
    gk_catalog_t *cat = NULL;
    gk_status_t st = gk_layer_read(ctx, a->path, &a->read, roads);
    if (st == GK_OK)
        st = a->crs ? gk_layer_set_crs(ctx, *roads, a->crs)
                    : gk_layer_require_crs(ctx, *roads);
    if (st == GK_OK && a->width_table)
        st = gk_width_table_load(ctx, a->width_table, &wt);
    if (st == GK_OK && a->prices)
        st = gk_prices_load(ctx, a->prices, &prices);
    a->est.width_table = wt;
    if (st == GK_OK && a->ew.dem_path) {
        /* loaded once here: the estimate and the earthwork template share
         * it */
        st = cli_load_catalog(ctx, a->est.data_dir, &cat);
        a->est.catalog = cat;
    }
    if (st == GK_OK)
        st = gk_estimate_roads(ctx, *roads, &a->est, boq,
                               a->corridors || a->ew.dem_path || a->assets
                                   ? surface
                                   : NULL);
    if (st == GK_OK && a->ew.dem_path)
        st = add_earthwork(cli, a, *roads, *surface, *boq);
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
    a->est.catalog = NULL;
    gk_catalog_free(cat);
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
