/*
 * lib/road/width_table.c - default widths by road class: a two-column CSV
 * (key,width_m) read with line-numbered errors. Keys are road classes
 * (OSM `highway` values) plus "lane" for the width of one lane.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geokota/road.h"
#include "core/core_internal.h"

typedef struct width_row {
    char *key;
    double width_m;
} width_row_t;

struct gk_width_table {
    width_row_t *rows;
    size_t n;
};

void gk_width_table_free(gk_width_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->rows[i].key);
    free(t->rows);
    free(t);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static gk_status_t parse_line(gk_context_t *ctx, const char *path, int lineno,
                              char *line, gk_width_table_t *t)
{
    char *comma = strchr(line, ',');
    if (!comma)
        return gk_error(ctx, GK_ERR_FORMAT,
                        "%s: line %d: expected \"key,width_m\"", path, lineno);
    *comma = '\0';
    char *key = trim(line), *val = trim(comma + 1), *end;
    if (strcmp(key, "key") == 0)
        return GK_OK; /* the header */
    double w = strtod(val, &end);
    if (!*key || end == val || *end || !isfinite(w) || w <= 0)
        return gk_error(ctx, GK_ERR_INPUT_VALUE,
                        "%s: line %d: %s: width \"%s\" is not a positive "
                        "number of metres", path, lineno, key, val);
    width_row_t *rows = gk_realloc_array(t->rows, t->n + 1, sizeof *rows);
    if (!rows)
        return gk_error_nomem(ctx, "a width table");
    t->rows = rows;
    rows[t->n].key = gk_strdup(key);
    if (!rows[t->n].key)
        return gk_error_nomem(ctx, "a width table");
    rows[t->n++].width_m = w;
    return GK_OK;
}

gk_status_t gk_width_table_load(gk_context_t *ctx, const char *path,
                                gk_width_table_t **out)
{
    if (!ctx || !path || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_width_table_load: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return gk_error(ctx, GK_ERR_IO, "%s: cannot open: %s", path,
                        strerror(errno));
    gk_width_table_t *t = calloc(1, sizeof *t);
    gk_status_t st = t ? GK_OK : gk_error_nomem(ctx, "a width table");
    char buf[512];
    int lineno = 0;
    while (st == GK_OK && fgets(buf, sizeof buf, f)) {
        lineno++;
        char *line = trim(buf);
        if (*line && *line != '#')
            st = parse_line(ctx, path, lineno, line, t);
    }
    fclose(f);
    if (st != GK_OK) {
        gk_width_table_free(t);
        return st;
    }
    *out = t;
    return GK_OK;
}

double gk_width_table_get(const gk_width_table_t *t, const char *key)
{
    for (size_t i = 0; t && key && i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return t->rows[i].width_m;
    return NAN;
}
