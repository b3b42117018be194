/*
 * tools/cmd_templates.c - `geokota templates [show NAME]`: the pavement
 * templates shipped in the data folder, or one of them in full.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: geokota templates [OPTIONS]\n"
    "       geokota templates show [OPTIONS] NAME|FILE\n"
    "\n"
    "List the pavement templates (layer structures) in the data folder, or\n"
    "show one: its layers (material, thickness, extra width) and items.\n"
    "\n"
    "options:\n"
    "  --data-dir DIR                 catalog and templates folder (default:\n"
    "                                 $GEOKOTA_DATA, else the installed data)\n"
    "  --format table|json|csv|markdown   output format (default table)\n"
    "  --lang en|id                   labels in English or Indonesian\n"
    "  -o, --output FILE              write to FILE (atomically)\n"
    "  -h, --help                     show this help\n";

static int list(cli_t *cli, const char *dir, gk_lang_t lang)
{
    char **names = NULL;
    size_t n = 0;
    gk_status_t st = gk_template_list(cli->ctx, dir, &names, &n);
    if (st != GK_OK)
        return cli_fail(cli, st);
    gk_catalog_t *cat = NULL;
    st = cli_load_catalog(cli->ctx, dir, &cat);
    int code = st == GK_OK ? cli_begin_output(cli) : cli_fail(cli, st);
    static const char *const headers[] = {"name", "title", "width_m",
                                          "layers"};
    static const bool numeric[] = {false, false, true, true};
    cli_table_t *t = code == EXIT_OK ? table_new(4, headers, numeric) : NULL;
    if (code == EXIT_OK && cli->format == FMT_JSON)
        fputs("{\"templates\":[", cli->out);
    for (size_t i = 0; t && i < n; i++) {
        gk_template_t *tpl = NULL;
        st = gk_template_load(cli->ctx, names[i], dir, cat, &tpl);
        if (st != GK_OK) {
            code = cli_fail(cli, st);
            break;
        }
        char w[48], nl[16];
        num_cell(w, gk_template_default_width(tpl), 2);
        snprintf(nl, sizeof nl, "%zu", gk_template_layer_count(tpl));
        if (cli->format == FMT_JSON) {
            fputs(i ? ",{\"name\":" : "{\"name\":", cli->out);
            emit_json_string(cli->out, names[i]);
            fputs(",\"title\":", cli->out);
            emit_json_string(cli->out, gk_template_title(tpl, lang));
            fputs(",\"width_m\":", cli->out);
            emit_json_number(cli->out, gk_template_default_width(tpl));
            fprintf(cli->out, ",\"layers\":%zu}", gk_template_layer_count(tpl));
        } else {
            const char *cells[] = {names[i], gk_template_title(tpl, lang), w,
                                   nl};
            table_add_row(t, cells);
        }
        gk_template_free(tpl);
    }
    if (code == EXIT_OK) {
        if (cli->format == FMT_JSON)
            fputs("]}\n", cli->out);
        else
            table_write(t, cli->out, cli->format);
        code = cli_end_output(cli);
    }
    table_free(t);
    gk_catalog_free(cat);
    gk_template_list_free(names, n);
    return code;
}

static int show(cli_t *cli, const char *dir, const char *name,
                gk_boq_format_t fmt, gk_lang_t lang)
{
    gk_catalog_t *cat = NULL;
    gk_template_t *tpl = NULL;
    gk_status_t st = cli_load_catalog(cli->ctx, dir, &cat);
    if (st == GK_OK)
        st = gk_template_load(cli->ctx, name, dir, cat, &tpl);
    int code = st == GK_OK ? cli_begin_output(cli) : cli_fail(cli, st);
    if (code == EXIT_OK) {
        st = gk_template_write(cli->ctx, tpl, cat, cli->out, fmt, lang);
        code = st == GK_OK ? cli_end_output(cli) : cli_fail(cli, st);
    }
    gk_template_free(tpl);
    gk_catalog_free(cat);
    return code;
}

int cmd_templates(int argc, char **argv)
{
    enum { O_DATA = 256, O_LANG };
    static const struct option opts[] = {
        {"data-dir", required_argument, NULL, O_DATA},
        {"lang", required_argument, NULL, O_LANG},
        CLI_COMMON_OPTIONS,
    };
    cli_t cli;
    if (cli_init(&cli, "templates") != EXIT_OK)
        return EXIT_INPUT;
    const char *dir = NULL;
    gk_boq_format_t fmt = GK_BOQ_TABLE;
    gk_lang_t lang = GK_LANG_EN;
    int c, code;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, opts, NULL)) != -1) {
        switch (c) {
        case O_DATA: dir = optarg; break;
        case CLI_OPT_FORMAT: /* markdown too, and the BOQ's own format */
            if (!cli_parse_format(&cli, optarg, true) ||
                gk_boq_format_from_name(cli.ctx, optarg, &fmt) != GK_OK)
                return cli_done(&cli, cli_usage_error("templates",
                                "unknown format '%s'", optarg));
            break;
        case O_LANG:
            if (gk_lang_from_name(cli.ctx, optarg, &lang) != GK_OK)
                return cli_done(&cli, cli_usage_error("templates",
                                "unknown language '%s' (en or id)", optarg));
            break;
        default:
            if ((code = cli_common_option(&cli, c, help)) != EXIT_OK)
                return cli_done(&cli, code < 0 ? EXIT_OK : code);
            break;
        }
    }
    dir = cli_data_dir(dir);
    int rest = argc - optind;
    if (rest == 0)
        code = list(&cli, dir, lang);
    else if (rest == 2 && strcmp(argv[optind], "show") == 0)
        code = show(&cli, dir, argv[optind + 1], fmt, lang);
    else
        code = cli_usage_error("templates", "expected nothing, or show NAME");
    return cli_done(&cli, code);
}
