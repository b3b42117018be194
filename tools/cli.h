/*
 * tools/cli.h - what every subcommand shares: common options, output
 * (stdout, or a file written atomically with -o), warnings and progress on
 * stderr, exit codes, and small emitters for table, JSON, CSV and markdown.
 */
#ifndef GK_TOOLS_CLI_H
#define GK_TOOLS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <geokota/geokota.h>

/* Exit codes: 0 ok, 1 bad input (data, files, CRS), 2 usage. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef enum cli_format {
    FMT_TABLE = 0,
    FMT_JSON,
    FMT_CSV,
    FMT_MARKDOWN,
} cli_format_t;

/* State shared by a command run: context, output sink, collected warnings. */
typedef struct cli {
    const char *command; /* "measure", for messages */
    gk_context_t *ctx;
    cli_format_t format;
    const char *out_path; /* -o FILE, or NULL for stdout */
    bool quiet;
    FILE *out;           /* where to write the report */
    char *out_buf;       /* memory stream behind out when out_path is set */
    size_t out_len;
    char **warnings;     /* collected for JSON reports too */
    size_t nwarnings;
    bool progress_shown;
    gk_read_opts_t *read; /* where --layer and --where go (CLI_READ_OPTIONS) */
} cli_t;

/* Set up the context (logger, progress) for a command. */
int cli_init(cli_t *cli, const char *command);
/* Free everything; returns `code` so commands can `return cli_done(...)`. */
int cli_done(cli_t *cli, int code);

/* The options every command takes: they end each command's getopt_long
 * table (CLI_COMMON_OPTIONS, then nothing) and its short options are
 * CLI_SHORT_OPTIONS. A command numbers its own long options from 256;
 * the shared ones get codes above those. A command that reads a vector
 * layer also lists CLI_READ_OPTIONS (--layer NAME, --where SQL) and points
 * cli->read at its gk_read_opts_t before parsing. */
enum { CLI_OPT_FORMAT = 1024, CLI_OPT_LAYER, CLI_OPT_WHERE };
#define CLI_SHORT_OPTIONS "o:qh"
#define CLI_COMMON_OPTIONS                                 \
    {"format", required_argument, NULL, CLI_OPT_FORMAT},   \
    {"output", required_argument, NULL, 'o'},              \
    {"quiet", no_argument, NULL, 'q'},                     \
    {"help", no_argument, NULL, 'h'},                      \
    {NULL, 0, NULL, 0}
#define CLI_READ_OPTIONS                                   \
    {"layer", required_argument, NULL, CLI_OPT_LAYER},     \
    {"where", required_argument, NULL, CLI_OPT_WHERE}

/* The default of a command's getopt_long switch: -o FILE and -q set
 * cli->out_path and cli->quiet, --layer and --where cli->read's layer and
 * where; -h prints `help` to stdout; --format takes
 * table|json|csv (a command whose formats differ handles CLI_OPT_FORMAT,
 * or -h, in its own case before this). Any other option is a usage error.
 * Returns EXIT_OK to go on, -1 after the help (the command then exits 0),
 * or EXIT_USAGE after saying what was wrong on stderr. */
int cli_common_option(cli_t *cli, int opt, const char *help);

/* Parse a --format value (table|json|csv, and markdown where allowed). */
bool cli_parse_format(cli_t *cli, const char *value, bool allow_markdown);

/* Open the report sink (stdout or a memory stream for -o). */
int cli_begin_output(cli_t *cli);
/* Finish the report: with -o, write the file atomically. */
int cli_end_output(cli_t *cli);

/* Report a library failure on stderr ("geokota measure: error: ...") and
 * return the exit code for its status. */
int cli_fail(cli_t *cli, gk_status_t st);
/* Report a usage error and return EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int cli_exit_code(gk_status_t st);

/* Parse helpers: whole-string numbers; false on junk. */
bool cli_parse_double(const char *s, double *out);
bool cli_parse_doubles(const char *s, double *out, int n); /* "a,b,c" */

/* Emitters. */
void emit_json_string(FILE *f, const char *s);
void emit_json_number(FILE *f, double v);
void emit_csv_field(FILE *f, const char *s);
void emit_warnings_json(FILE *f, const cli_t *cli); /* "warnings":[...] */

/* A simple aligned text table / markdown table / CSV writer. Cells are
 * copied; numeric columns are right-aligned. */
typedef struct cli_table cli_table_t;
cli_table_t *table_new(size_t ncols, const char *const *headers,
                       const bool *numeric);
bool table_add_row(cli_table_t *t, const char *const *cells);
void table_write(const cli_table_t *t, FILE *f, cli_format_t format);
void table_free(cli_table_t *t);
/* Format a number for a table cell with `decimals` places and thousands
 * kept plain (tables are pasted into spreadsheets). */
const char *num_cell(char buf[48], double v, int decimals);

/* The catalog and templates folder: the given one, $GEOKOTA_DATA, the
 * installed data, or the source tree of an uninstalled build. */
const char *cli_data_dir(const char *given);

/* Load DIR/materials.json, the catalog of a data folder. */
gk_status_t cli_load_catalog(gk_context_t *ctx, const char *dir,
                             gk_catalog_t **out);

/* The subcommands. */
int cmd_assets(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_templates(int argc, char **argv);
int cmd_volume(int argc, char **argv);

#endif /* GK_TOOLS_CLI_H */
