/*
 * tools/emit.c - small writers for the report formats: JSON values, CSV
 * fields, and aligned text / markdown / CSV tables.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void emit_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void emit_json_number(FILE *f, double v)
{
    char buf[32];
    gk_format_double(buf, v);
    fputs(buf, f);
}

void emit_csv_field(FILE *f, const char *s)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void emit_warnings_json(FILE *f, const cli_t *cli)
{
    fputs("\"warnings\":[", f);
    for (size_t i = 0; i < cli->nwarnings; i++) {
        if (i)
            fputc(',', f);
        emit_json_string(f, cli->warnings[i]);
    }
    fputc(']', f);
}

struct cli_table {
    size_t ncols, nrows, cap;
    char **cells; /* row-major, nrows + 1 (headers first) */
    bool *numeric;
};

cli_table_t *table_new(size_t ncols, const char *const *headers,
                       const bool *numeric)
{
    cli_table_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->numeric = calloc(ncols, sizeof *t->numeric);
    if (!t->numeric || !table_add_row(t, headers)) {
        table_free(t);
        return NULL;
    }
    if (numeric)
        memcpy(t->numeric, numeric, ncols * sizeof *numeric);
    return t;
}

bool table_add_row(cli_table_t *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (!c)
            return false;
        t->cells = c;
        t->cap = cap;
    }
    for (size_t j = 0; j < t->ncols; j++) {
        char *s = strdup(cells[j] ? cells[j] : "");
        if (!s)
            return false;
        t->cells[t->nrows * t->ncols + j] = s;
    }
    t->nrows++;
    return true;
}

/* Display width of UTF-8 text: count code points, not bytes. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *f, size_t n)
{
    while (n-- > 0)
        fputc(' ', f);
}

void table_write(const cli_table_t *t, FILE *f, cli_format_t format)
{
    if (format == FMT_CSV) {
        for (size_t i = 0; i < t->nrows; i++) {
            for (size_t j = 0; j < t->ncols; j++) {
                if (j)
                    fputc(',', f);
                emit_csv_field(f, t->cells[i * t->ncols + j]);
            }
            fputc('\n', f);
        }
        return;
    }
    size_t *w = calloc(t->ncols, sizeof *w);
    if (!w)
        return;
    for (size_t i = 0; i < t->nrows; i++)
        for (size_t j = 0; j < t->ncols; j++) {
            size_t cw = width(t->cells[i * t->ncols + j]);
            w[j] = cw > w[j] ? cw : w[j];
        }
    bool md = format == FMT_MARKDOWN;
    for (size_t i = 0; i < t->nrows; i++) {
        if (md)
            fputs("| ", f);
        for (size_t j = 0; j < t->ncols; j++) {
            const char *c = t->cells[i * t->ncols + j];
            size_t gap = w[j] - width(c);
            bool right = t->numeric[j] && i > 0;
            if (j)
                fputs(md ? " | " : "  ", f);
            if (right)
                pad(f, gap);
            fputs(c, f);
            if (!right && (md || j + 1 < t->ncols))
                pad(f, gap);
        }
        fputs(md ? " |\n" : "\n", f);
        if (i == 0) {
            if (md)
                fputc('|', f);
            for (size_t j = 0; j < t->ncols; j++) {
                if (md) {
                    fputs(t->numeric[j] ? " " : " ", f);
                    for (size_t k = 0; k < w[j]; k++)
                        fputc('-', f);
                    fputs(t->numeric[j] ? ":|" : " |", f);
                } else {
                    if (j)
                        fputs("  ", f);
                    for (size_t k = 0; k < w[j]; k++)
                        fputc('-', f);
                }
            }
            fputc('\n', f);
        }
    }
    free(w);
}

void table_free(cli_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->numeric);
    free(t);
}

const char *num_cell(char buf[48], double v, int decimals)
{
    if (!isfinite(v))
        snprintf(buf, 48, "-");
    else
        snprintf(buf, 48, "%.*f", decimals, v);
    return buf;
}
