/*
 * tools/cmd_info.c - `geokota info FILE`: layers, feature counts, geometry
 * types, CRS and extent of a vector source.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: geokota info [OPTIONS] FILE\n"
    "\n"
    "Describe a vector file (GeoJSON, Shapefile, GeoPackage, CSV, anything\n"
    "GDAL/OGR reads): its layers, feature counts, geometry types, CRS,\n"
    "extent and attribute fields. Features are not read.\n"
    "\n"
    "options:\n"
    "  --format table|json|csv   output format (default table)\n"
    "  -o, --output FILE         write the report to FILE (atomically)\n"
    "  -q, --quiet               no warnings on stderr\n"
    "  -h, --help                show this help\n";

static void write_json(cli_t *cli, const gk_source_info_t *info,
                       const char *path)
{
    FILE *f = cli->out;
    fputs("{\"file\":", f);
    emit_json_string(f, path);
    fputs(",\"driver\":", f);
    emit_json_string(f, gk_source_driver(info));
    fputs(",\"layers\":[", f);
    for (size_t i = 0; i < gk_source_num_layers(info); i++) {
        const gk_layer_info_t *li = gk_source_layer(info, i);
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        emit_json_string(f, li->name);
        fprintf(f, ",\"feature_count\":%lld,\"geometry_type\":",
                (long long)li->feature_count);
        emit_json_string(f, li->geometry_type);
        fputs(",\"crs\":", f);
        emit_json_string(f, li->crs_authority[0] ? li->crs_authority
                                                 : li->crs_name);
        fputs(",\"crs_name\":", f);
        emit_json_string(f, li->crs_name);
        fputs(",\"extent\":", f);
        if (li->has_extent) {
            fputc('[', f);
            emit_json_number(f, li->extent.xmin);
            fputc(',', f);
            emit_json_number(f, li->extent.ymin);
            fputc(',', f);
            emit_json_number(f, li->extent.xmax);
            fputc(',', f);
            emit_json_number(f, li->extent.ymax);
            fputc(']', f);
        } else {
            fputs("null", f);
        }
        fputs(",\"fields\":[", f);
        for (size_t k = 0; k < li->num_fields; k++) {
            fputs(k ? ",{\"name\":" : "{\"name\":", f);
            emit_json_string(f, li->field_names[k]);
            fputs(",\"type\":", f);
            emit_json_string(f, li->field_types[k]);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("]}\n", f);
}

static int write_table(cli_t *cli, const gk_source_info_t *info,
                       const char *path)
{
    static const char *const headers[] = {"layer", "features", "geometry",
                                          "crs", "extent (xmin ymin xmax ymax)",
                                          "fields"};
    static const bool numeric[] = {false, true, false, false, false, false};
    cli_table_t *t = table_new(6, headers, numeric);
    if (!t)
        return EXIT_INPUT;
    for (size_t i = 0; i < gk_source_num_layers(info); i++) {
        const gk_layer_info_t *li = gk_source_layer(info, i);
        char count[32], extent[160] = "-", fields[512] = "";
        snprintf(count, sizeof count, "%lld", (long long)li->feature_count);
        if (li->has_extent)
            snprintf(extent, sizeof extent, "%.9g %.9g %.9g %.9g",
                     li->extent.xmin, li->extent.ymin, li->extent.xmax,
                     li->extent.ymax);
        for (size_t k = 0; k < li->num_fields; k++) {
            size_t used = strlen(fields);
            snprintf(fields + used, sizeof fields - used, "%s%s:%s",
                     k ? " " : "", li->field_names[k], li->field_types[k]);
        }
        const char *cells[] = {li->name, count, li->geometry_type,
                               li->crs_authority[0] ? li->crs_authority
                                                    : li->crs_name,
                               extent, fields};
        table_add_row(t, cells);
    }
    if (cli->format == FMT_TABLE)
        fprintf(cli->out, "%s (%s)\n\n", path, gk_source_driver(info));
    table_write(t, cli->out, cli->format);
    table_free(t);
    return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS};
    cli_t cli;
    if (cli_init(&cli, "info") != EXIT_OK)
        return EXIT_INPUT;
    int c, code;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, opts, NULL)) != -1)
        if ((code = cli_common_option(&cli, c, help)) != EXIT_OK)
            return cli_done(&cli, code < 0 ? EXIT_OK : code);
    if (optind != argc - 1)
        return cli_done(&cli, cli_usage_error("info", "expected one FILE"));
    const char *path = argv[optind];
    gk_source_info_t *info = NULL;
    gk_status_t st = gk_source_describe(cli.ctx, path, &info);
    if (st != GK_OK)
        return cli_done(&cli, cli_fail(&cli, st));
    code = cli_begin_output(&cli);
    if (code == EXIT_OK) {
        if (cli.format == FMT_JSON)
            write_json(&cli, info, path);
        else
            code = write_table(&cli, info, path);
    }
    gk_source_info_free(info);
    if (code == EXIT_OK)
        code = cli_end_output(&cli);
    return cli_done(&cli, code);
}
