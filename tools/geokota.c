/*
 * tools/geokota.c - the `geokota` command: argument dispatch only.
 * Each subcommand lives in tools/cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"estimate", cmd_estimate, "bill of quantities to build roads from centerlines"},
    {"templates", cmd_templates, "list the pavement templates, or show one"},
    {"volume", cmd_volume, "cut and fill volumes from a DEM against a design surface"},
    {"index", cmd_index, "build, query and describe .gkidx spatial indexes"},
    {"info", cmd_info, "describe a vector file: layers, counts, types, CRS, extent"},
    {"measure", cmd_measure, "area, perimeter and length per feature, and totals"},
    {"assets", cmd_assets, "the city's asset store: import, near, within, along, gaps"},
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

static void usage(FILE *f)
{
    fprintf(f,
            "usage: geokota COMMAND [OPTIONS] [ARGS]\n"
            "\n"
            "Measure what a city builds: exact areas and lengths on the\n"
            "ellipsoid, road material estimates, earthwork volumes.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < ncommands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "options:\n"
            "  --help       show this help (geokota COMMAND --help for a command)\n"
            "  --version    show the version and the libraries linked\n"
            "\n"
            "Exit status: 0 ok, 1 bad input (data, file, CRS), 2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            char help[] = "--help";
            char *sub[] = {argv[2], help, NULL};
            for (size_t i = 0; i < ncommands; i++)
                if (strcmp(commands[i].name, argv[2]) == 0)
                    return commands[i].run(2, sub);
        }
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("geokota %s\n%s\n", gk_version(), gk_build_info());
        return EXIT_OK;
    }
    for (size_t i = 0; i < ncommands; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "geokota: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
