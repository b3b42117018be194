/*
 * tools/cli.c - shared plumbing of the subcommands.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void on_log(gk_log_level_t level, const char *msg, void *user)
{
    cli_t *cli = user;
    if (level < GK_LOG_WARNING)
        return;
    char **w = realloc(cli->warnings, (cli->nwarnings + 1) * sizeof *w);
    if (w) {
        cli->warnings = w;
        w[cli->nwarnings] = strdup(msg);
        if (w[cli->nwarnings])
            cli->nwarnings++;
    }
    if (!cli->quiet)
        fprintf(stderr, "geokota %s: warning: %s\n", cli->command, msg);
}

/* Progress on a terminal only: a pipe or a log file gets no \r noise. */
static bool on_progress(double fraction, const char *stage, void *user)
{
    cli_t *cli = user;
    if (!cli->quiet && isatty(STDERR_FILENO)) {
        fprintf(stderr, "\r%s %3.0f%%", stage, fraction * 100.0);
        cli->progress_shown = true;
    }
    return true;
}

int cli_init(cli_t *cli, const char *command)
{
    memset(cli, 0, sizeof *cli);
    cli->command = command;
    cli->out = stdout;
    if (gk_context_new(&cli->ctx) != GK_OK) {
        fprintf(stderr, "geokota %s: error: out of memory\n", command);
        return EXIT_INPUT;
    }
    gk_context_set_logger(cli->ctx, on_log, cli);
    gk_context_set_progress(cli->ctx, on_progress, cli);
    return EXIT_OK;
}

static void clear_progress(cli_t *cli)
{
    if (cli->progress_shown) {
        fprintf(stderr, "\r%40s\r", "");
        cli->progress_shown = false;
    }
}

int cli_done(cli_t *cli, int code)
{
    clear_progress(cli);
    if (cli->out && cli->out != stdout)
        fclose(cli->out);
    free(cli->out_buf);
    for (size_t i = 0; i < cli->nwarnings; i++)
        free(cli->warnings[i]);
    free(cli->warnings);
    gk_context_free(cli->ctx);
    memset(cli, 0, sizeof *cli);
    return code;
}

int cli_common_option(cli_t *cli, int opt, const char *help)
{
    switch (opt) {
    case CLI_OPT_FORMAT:
        if (!cli_parse_format(cli, optarg, false))
            return cli_usage_error(cli->command, "unknown format '%s'", optarg);
        return EXIT_OK;
    case CLI_OPT_LAYER: cli->read->layer = optarg; return EXIT_OK;
    case CLI_OPT_WHERE: cli->read->where = optarg; return EXIT_OK;
    case 'o': cli->out_path = optarg; return EXIT_OK;
    case 'q': cli->quiet = true; return EXIT_OK;
    case 'h': fputs(help, stdout); return -1;
    default: return cli_usage_error(cli->command, "bad option");
    }
}

bool cli_parse_format(cli_t *cli, const char *v, bool allow_markdown)
{
    if (strcmp(v, "table") == 0)
        cli->format = FMT_TABLE;
    else if (strcmp(v, "json") == 0)
        cli->format = FMT_JSON;
    else if (strcmp(v, "csv") == 0)
        cli->format = FMT_CSV;
    else if (allow_markdown && strcmp(v, "markdown") == 0)
        cli->format = FMT_MARKDOWN;
    else
        return false;
    return true;
}

int cli_begin_output(cli_t *cli)
{
    clear_progress(cli);
    if (!cli->out_path)
        return EXIT_OK;
    cli->out = open_memstream(&cli->out_buf, &cli->out_len);
    if (!cli->out) {
        cli->out = stdout;
        fprintf(stderr, "geokota %s: error: out of memory\n", cli->command);
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

int cli_end_output(cli_t *cli)
{
    if (!cli->out_path) {
        fflush(stdout);
        return EXIT_OK;
    }
    bool failed = ferror(cli->out) != 0;
    failed |= fclose(cli->out) != 0;
    cli->out = NULL;
    if (failed) {
        fprintf(stderr, "geokota %s: error: %s: could not format the report\n",
                cli->command, cli->out_path);
        return EXIT_INPUT;
    }
    gk_status_t st = gk_write_file_atomic(cli->ctx, cli->out_path,
                                          cli->out_buf, cli->out_len);
    return st == GK_OK ? EXIT_OK : cli_fail(cli, st);
}

int cli_exit_code(gk_status_t st)
{
    switch (GK_STATUS_PRIMARY(st)) {
    case GK_OK: return EXIT_OK;
    case GK_ERR_ARG: return EXIT_USAGE;
    default: return EXIT_INPUT;
    }
}

int cli_fail(cli_t *cli, gk_status_t st)
{
    clear_progress(cli);
    const char *msg = gk_errmsg(cli->ctx);
    fprintf(stderr, "geokota %s: error: %s\n", cli->command,
            *msg ? msg : gk_status_str(st));
    return cli_exit_code(st);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "geokota %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'geokota %s --help'.\n", command);
    return EXIT_USAGE;
}

bool cli_parse_double(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return false;
    double v = strtod(s, &end);
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

bool cli_parse_doubles(const char *s, double *out, int n)
{
    const char *p = s;
    for (int i = 0; i < n; i++) {
        char *end;
        out[i] = strtod(p, &end);
        if (end == p)
            return false;
        if (i < n - 1) {
            if (*end != ',')
                return false;
            p = end + 1;
        } else if (*end != '\0') {
            return false;
        }
    }
    return true;
}
