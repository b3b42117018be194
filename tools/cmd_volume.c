/*
 * tools/cmd_volume.c - `geokota volume DEM ...`: cut and fill between a DEM
 * and a design surface over a region or along roads.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "earthwork.h"

static const char help[] =
    "usage: geokota volume DEM (--region FILE | --road ROADS) DESIGN [OPTIONS]\n"
    "\n"
    "Cut and fill volumes (m3) between the ground of DEM (any raster GDAL\n"
    "reads, any CRS; lon/lat DEMs such as SRTM use exact cell areas on the\n"
    "ellipsoid) and a design surface, over the polygons of a region file or\n"
    "the corridors of roads. Nodata is never zero: it is reported as\n"
    "uncovered area.\n"
    "\n"
    "design (one of):\n"
    "  --level Z                level formation at Z m\n"
    "  --plane X,Y,Z,DZDX,DZDY  plane through (X, Y, Z) in the DEM's CRS\n"
    "  --surface DEM2           a second survey (after - before), sampled\n"
    "                           bilinearly at DEM's cell centres (--nearest)\n"
    "  --profile CSV            road formation: finished grade from a vertical\n"
    "                           profile (station_m,elevation) along --road,\n"
    "                           minus camber and the template's pavement depth\n"
    "  --offset M               road formation as above, the finished grade\n"
    "                           following the ground along --road: the DEM\n"
    "                           along each centerline, smoothed (--smooth),\n"
    "                           plus M metres (negative: below the ground)\n"
    "\n"
    "options:\n"
    "  --region FILE            polygons (holes subtract)\n"
    "  --road ROADS             road centerlines: the region is their corridor\n"
    "                           (width + the template's extra widths), and the\n"
    "                           centerline of the sections method\n"
    "  --template NAME|FILE     pavement template of the road (default\n"
    "                           rigid_jalan_lingkungan)\n"
    "  --width M                carriageway width of the road (default: the\n"
    "                           template's)\n"
    "  --camber PCT             cross slope of the road, % (default 2)\n"
    "  --one-way                one-way cross slope instead of a crown\n"
    "  --method cell|tin|sections  cell: exact cell coverage (default); tin:\n"
    "                           terrain linear on triangles, exact for planes;\n"
    "                           sections: cross-sections along --road\n"
    "  --smooth M               moving-average window of --offset along the\n"
    "                           road, metres (default 50; fitted to a line\n"
    "                           near the ends, so a steady grade is kept)\n"
    "  --interval M             station spacing of the sections method (25)\n"
    "  --sections-csv FILE      per-station table (station_m, cut_area_m2,\n"
    "                           fill_area_m2, cut_m3, fill_m3,\n"
    "                           cumulative_mass_m3)\n"
    "  --swell F                loose/bank volume of cut soil (default 1.25)\n"
    "  --shrink F               compacted/bank volume of fill (default 0.90)\n"
    "  --diff-raster FILE       write ground - design as a GeoTIFF\n"
    "  --threads N              worker threads (default 2; same result)\n"
    "  --band N                 DEM band (default 1)\n"
    "  --data-dir DIR           catalog and templates folder\n"
    "  --format table|json|csv  output format (default table)\n"
    "  -o, --output FILE        write the report to FILE (atomically)\n"
    "  -q, --quiet              no warnings on stderr\n"
    "  -h, --help               show this help\n"
    "\n"
    "JSON: {\"method\", \"cut_m3\", \"fill_m3\", \"net_m3\", \"area_m2\",\n"
    "\"nodata_area_m2\", ...} (+ \"sections\" for the sections method).\n";

typedef struct volume_args {
    earthwork_args_t ew;
    const char *region, *road, *template_name, *sections_csv, *data_dir;
    int ndesigns;
} volume_args_t;

static int parse(cli_t *cli, int argc, char **argv, volume_args_t *a)
{
    enum { O_REGION = 256, O_ROAD, O_LEVEL, O_PLANE, O_SURFACE, O_NEAREST,
           O_PROFILE, O_TEMPLATE, O_WIDTH, O_CAMBER, O_ONEWAY, O_METHOD,
           O_INTERVAL, O_SECTIONS, O_SWELL, O_SHRINK, O_DIFF, O_THREADS,
           O_BAND, O_DATA, O_OFFSET, O_SMOOTH };
    static const struct option opts[] = {
        {"region", required_argument, NULL, O_REGION},
        {"road", required_argument, NULL, O_ROAD},
        {"level", required_argument, NULL, O_LEVEL},
        {"plane", required_argument, NULL, O_PLANE},
        {"surface", required_argument, NULL, O_SURFACE},
        {"nearest", no_argument, NULL, O_NEAREST},
        {"profile", required_argument, NULL, O_PROFILE},
        {"offset", required_argument, NULL, O_OFFSET},
        {"smooth", required_argument, NULL, O_SMOOTH},
        {"template", required_argument, NULL, O_TEMPLATE},
        {"width", required_argument, NULL, O_WIDTH},
        {"camber", required_argument, NULL, O_CAMBER},
        {"one-way", no_argument, NULL, O_ONEWAY},
        {"method", required_argument, NULL, O_METHOD},
        {"interval", required_argument, NULL, O_INTERVAL},
        {"sections-csv", required_argument, NULL, O_SECTIONS},
        {"swell", required_argument, NULL, O_SWELL},
        {"shrink", required_argument, NULL, O_SHRINK},
        {"diff-raster", required_argument, NULL, O_DIFF},
        {"threads", required_argument, NULL, O_THREADS},
        {"band", required_argument, NULL, O_BAND},
        {"data-dir", required_argument, NULL, O_DATA},
        CLI_COMMON_OPTIONS,
    };
    earthwork_args_t *e = &a->ew;
    e->camber_pct = 2;
    e->swell = 1.25;
    e->shrink = 0.90;
    double v;
    int c, code;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, opts, NULL)) != -1) {
        switch (c) {
        case O_REGION: a->region = optarg; break;
        case O_ROAD: a->road = optarg; break;
        case O_LEVEL:
            if (!cli_parse_double(optarg, &e->level))
                return cli_usage_error("volume",
                                       "--level needs a number, not '%s'",
                                       optarg);
            e->has_level = true;
            a->ndesigns++;
            break;
        case O_PLANE:
            if (!cli_parse_doubles(optarg, e->plane, 5))
                return cli_usage_error("volume", "--plane needs "
                                       "X,Y,Z,DZDX,DZDY, not '%s'", optarg);
            e->has_plane = true;
            a->ndesigns++;
            break;
        case O_SURFACE: e->surface_path = optarg; a->ndesigns++; break;
        case O_NEAREST: e->nearest = true; break;
        case O_PROFILE: e->profile_path = optarg; a->ndesigns++; break;
        case O_OFFSET:
            if (!cli_parse_double(optarg, &e->offset_m))
                return cli_usage_error("volume", "--offset needs a number of "
                                       "metres, not '%s'", optarg);
            e->has_offset = true;
            a->ndesigns++;
            break;
        case O_SMOOTH:
            if (!cli_parse_double(optarg, &e->smooth_m) || !(e->smooth_m > 0))
                return cli_usage_error("volume", "--smooth needs a positive "
                                       "number of metres, not '%s'",
                                       optarg);
            break;
        case O_TEMPLATE: a->template_name = optarg; break;
        case O_WIDTH:
            if (!cli_parse_double(optarg, &e->width_m) || !(e->width_m > 0))
                return cli_usage_error("volume", "--width needs a positive "
                                       "number of metres, not '%s'",
                                       optarg);
            break;
        case O_CAMBER:
            if (!cli_parse_double(optarg, &e->camber_pct))
                return cli_usage_error("volume",
                                       "--camber needs a number, not '%s'",
                                       optarg);
            break;
        case O_ONEWAY: e->one_way = true; break;
        case O_METHOD:
            if (strcmp(optarg, "cell") == 0)
                e->method = GK_VOLUME_CELL;
            else if (strcmp(optarg, "tin") == 0)
                e->method = GK_VOLUME_TIN;
            else if (strcmp(optarg, "sections") == 0)
                e->method = GK_VOLUME_SECTIONS;
            else
                return cli_usage_error("volume", "unknown method '%s'", optarg);
            break;
        case O_INTERVAL:
            if (!cli_parse_double(optarg, &e->interval_m) ||
                !(e->interval_m > 0))
                return cli_usage_error("volume", "--interval needs a "
                                       "positive number of metres, not '%s'",
                                       optarg);
            break;
        case O_SECTIONS: a->sections_csv = optarg; break;
        case O_SWELL:
        case O_SHRINK:
            if (!cli_parse_double(optarg, &v) || !(v > 0))
                return cli_usage_error("volume", "--swell and --shrink need "
                                       "a positive factor, not '%s'", optarg);
            *(c == O_SWELL ? &e->swell : &e->shrink) = v;
            break;
        case O_DIFF: e->diff_raster = optarg; break;
        case O_THREADS:
            if (!cli_parse_double(optarg, &v) || v < 1 || v > 256)
                return cli_usage_error("volume",
                                       "--threads needs 1..256, not '%s'",
                                       optarg);
            e->threads = (unsigned)v;
            break;
        case O_BAND:
            if (!cli_parse_double(optarg, &v) || v < 1)
                return cli_usage_error("volume",
                                       "--band needs 1 or more, not '%s'",
                                       optarg);
            e->band = (int)v;
            break;
        case O_DATA: a->data_dir = optarg; break;
        default:
            if ((code = cli_common_option(cli, c, help)) != EXIT_OK)
                return code;
            break;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("volume", "expected one DEM");
    e->dem_path = argv[optind];
    if (a->ndesigns != 1)
        return cli_usage_error("volume", "give exactly one design: --level, "
                               "--plane, --surface, --profile or --offset");
    if (e->smooth_m > 0 && !e->has_offset)
        return cli_usage_error("volume", "--smooth goes with --offset");
    if (!a->region && !a->road)
        return cli_usage_error("volume", "give --region FILE or --road ROADS");
    if ((e->profile_path || e->has_offset ||
         e->method == GK_VOLUME_SECTIONS) && !a->road)
        return cli_usage_error("volume", "--profile, --offset and --method "
                               "sections need --road ROADS");
    return EXIT_OK;
}

static gk_status_t read_layer(cli_t *cli, const char *path, gk_layer_t **out)
{
    gk_status_t st = gk_layer_read(cli->ctx, path, NULL, out);
    return st == GK_OK ? gk_layer_require_crs(cli->ctx, *out) : st;
}

/* The road's corridor at the design's half width, as the region. */
static gk_status_t road_corridor(cli_t *cli, const gk_layer_t *roads,
                                 double half_width, gk_layer_t **region)
{
    gk_corridors_t *c = NULL;
    gk_status_t st = gk_corridors_prepare(cli->ctx, roads, NULL, &c);
    size_t n = gk_layer_num_features(roads);
    double *hw = calloc(n ? n : 1, sizeof *hw);
    double *share = calloc(n ? n : 1, sizeof *share);
    if (st == GK_OK && (!hw || !share))
        st = GK_ERR_NOMEM;
    for (size_t i = 0; st == GK_OK && i < n; i++)
        hw[i] = half_width;
    if (st == GK_OK)
        st = gk_corridors_shares(cli->ctx, c, hw, share, region);
    free(hw);
    free(share);
    gk_corridors_free(c);
    return st;
}

static gk_status_t run(cli_t *cli, volume_args_t *a, earthwork_t *e,
                       gk_volume_result_t *r)
{
    gk_context_t *ctx = cli->ctx;
    gk_layer_t *region = NULL, *roads = NULL;
    gk_catalog_t *cat = NULL;
    gk_template_t *tpl = NULL;
    gk_status_t st = GK_OK;
    if (a->road) {
        const char *dir = cli_data_dir(a->data_dir);
        st = cli_load_catalog(ctx, dir, &cat);
        if (st == GK_OK)
            st = gk_template_load(ctx, a->template_name ? a->template_name
                                                        : "rigid_jalan_lingkungan",
                                  dir, cat, &tpl);
        if (st == GK_OK && !(a->ew.width_m > 0))
            a->ew.width_m = gk_template_default_width(tpl) > 0
                                ? gk_template_default_width(tpl)
                                : 3.0;
        if (st == GK_OK)
            st = read_layer(cli, a->road, &roads);
    }
    if (st == GK_OK)
        st = earthwork_prepare(cli, &a->ew, tpl, e);
    if (st == GK_OK && a->region)
        st = read_layer(cli, a->region, &region);
    else if (st == GK_OK && roads && a->ew.method != GK_VOLUME_SECTIONS)
        st = road_corridor(cli, roads, e->half_width_m, &region);
    if (st == GK_OK)
        st = earthwork_run(cli, e, region, roads, r);
    gk_layer_free(region);
    gk_layer_free(roads);
    gk_template_free(tpl);
    gk_catalog_free(cat);
    return st;
}

int cmd_volume(int argc, char **argv)
{
    cli_t cli;
    if (cli_init(&cli, "volume") != EXIT_OK)
        return EXIT_INPUT;
    volume_args_t a = {0};
    int code = parse(&cli, argc, argv, &a);
    if (code != EXIT_OK)
        return cli_done(&cli, code < 0 ? EXIT_OK : code);
    earthwork_t e = {0};
    gk_volume_result_t r = {0};
    gk_status_t st = run(&cli, &a, &e, &r);
    if (st == GK_OK && a.sections_csv) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        st = f ? gk_volume_write_sections_csv(cli.ctx, &r, f) : GK_ERR_NOMEM;
        if (f)
            fclose(f);
        if (st == GK_OK)
            st = gk_write_file_atomic(cli.ctx, a.sections_csv, buf, len);
        free(buf);
    }
    code = st == GK_OK ? cli_begin_output(&cli) : cli_fail(&cli, st);
    if (code == EXIT_OK) {
        gk_report_format_t fmt = cli.format == FMT_JSON  ? GK_REPORT_JSON
                                 : cli.format == FMT_CSV ? GK_REPORT_CSV
                                                         : GK_REPORT_TABLE;
        st = gk_volume_report(cli.ctx, &r, fmt, cli.out);
        code = st == GK_OK ? cli_end_output(&cli) : cli_fail(&cli, st);
    }
    gk_volume_result_free(&r);
    earthwork_free(&e);
    return cli_done(&cli, code);
}
