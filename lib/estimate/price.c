/*
 * lib/estimate/price.c - unit prices from a CSV (material,unit,price_idr)
 * and the costing of a BOQ.
 *
 * The CSV is RFC 4180 (quoted fields, "" for a quote inside), UTF-8, with
 * a header row naming the three columns in any order (extra columns such
 * as "note" are ignored). Prices are plain decimal numbers in rupiah:
 * "1.250.000" is rejected rather than read as 1.25, because Indonesian
 * price books group thousands with dots and a silent misreading would cost
 * a factor of a million.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "estimate_internal.h"

void gk_prices_free(gk_prices_t *prices)
{
    if (!prices)
        return;
    for (size_t i = 0; i < prices->n_rows; i++) {
        free(prices->rows[i].material);
        free(prices->rows[i].unit);
    }
    free(prices->rows);
    free(prices->name);
    free(prices);
}

bool gk_price_unit_parse(const char *unit, const double bag_kg[2],
                         gk_measure_t *out)
{
    static const struct {
        const char *name;
        gk_measure_t m;
    } map[] = {
        {"kg", GK_MEASURE_KG},    {"t", GK_MEASURE_T},
        {"ton", GK_MEASURE_T},    {"tonne", GK_MEASURE_T},
        {"m3", GK_MEASURE_M3},    {"m\xC2\xB3", GK_MEASURE_M3},
        {"l", GK_MEASURE_L},      {"liter", GK_MEASURE_L},
        {"litre", GK_MEASURE_L},  {"pcs", GK_MEASURE_PCS},
        {"bh", GK_MEASURE_PCS},   {"buah", GK_MEASURE_PCS},
        {"m2", GK_MEASURE_M2},    {"m\xC2\xB2", GK_MEASURE_M2},
        {"m", GK_MEASURE_M},      {"m'", GK_MEASURE_M},
        {"sak", GK_MEASURE_BAG1}, {"zak", GK_MEASURE_BAG1},
        {"bag", GK_MEASURE_BAG1},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(unit, map[i].name) == 0) {
            *out = map[i].m;
            return true;
        }
    /* "bag50", "sak40", "zak50": a bag of that many kg. */
    static const char *const bag_words[] = {"bag", "sak", "zak"};
    for (size_t w = 0; w < 3; w++) {
        size_t n = strlen(bag_words[w]);
        if (strncasecmp(unit, bag_words[w], n) != 0)
            continue;
        char *end;
        errno = 0;
        double kg = strtod(unit + n, &end);
        if (end == unit + n || *end != '\0' || errno)
            return false;
        for (int k = 0; k < 2; k++)
            if (bag_kg[k] > 0 && kg == bag_kg[k]) {
                *out = k == 0 ? GK_MEASURE_BAG1 : GK_MEASURE_BAG2;
                return true;
            }
        return false;
    }
    return false;
}

/* --- CSV ---------------------------------------------------------------- */

typedef struct csv {
    const char *p, *end;
    int line;
} csv_t;

static int csv_fail(char **fields, int n, int code)
{
    for (int i = 0; i < n; i++)
        free(fields[i]);
    return code;
}

/* Read one record into fields (owned, NUL-terminated). Returns the field
 * count, 0 at the end of input, -1 on an unterminated quote, -2 on OOM;
 * on failure no field is left allocated. */
static int csv_record(csv_t *c, char **fields, int max_fields)
{
    int n = 0;
    if (c->p >= c->end)
        return 0;
    for (;;) {
        size_t cap = 16, len = 0;
        char *f = malloc(cap);
        if (!f)
            return csv_fail(fields, n, -2);
        bool quoted = c->p < c->end && *c->p == '"';
        if (quoted)
            c->p++;
        for (;;) {
            if (c->p >= c->end) {
                if (quoted) {
                    free(f);
                    return csv_fail(fields, n, -1);
                }
                break;
            }
            char ch = *c->p;
            if (quoted) {
                if (ch == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        c->p += 2;
                    } else {
                        c->p++;
                        quoted = false;
                        continue;
                    }
                } else {
                    if (ch == '\n')
                        c->line++;
                    c->p++;
                }
            } else {
                if (ch == ',' || ch == '\n' || ch == '\r')
                    break;
                c->p++;
            }
            if (len + 2 > cap) {
                char *nf = realloc(f, cap * 2);
                if (!nf) {
                    free(f);
                    return csv_fail(fields, n, -2);
                }
                f = nf;
                cap *= 2;
            }
            f[len++] = ch;
        }
        f[len] = '\0';
        if (n < max_fields)
            fields[n++] = f;
        else
            free(f);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        c->line++;
        return n;
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static bool parse_price(const char *s, double *out)
{
    /* digits, at most one '.', then more digits: no sign, no grouping */
    const char *q = s;
    int digits = 0, dots = 0;
    for (; *q; q++) {
        if (*q >= '0' && *q <= '9')
            digits++;
        else if (*q == '.' && dots == 0 && digits > 0)
            dots++;
        else
            return false;
    }
    if (digits == 0 || q[-1] == '.')
        return false;
    *out = strtod(s, NULL);
    return isfinite(*out);
}

#define MAX_FIELDS 16

static gk_status_t parse_rows(gk_context_t *ctx, gk_prices_t *pr,
                              const char *text, size_t len)
{
    csv_t c = {text, text + len, 1};
    char *f[MAX_FIELDS];
    int col_mat = -1, col_unit = -1, col_price = -1;
    size_t cap = 0;
    /* Skip a UTF-8 byte order mark (spreadsheets write one). */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c.p += 3;
    for (;;) {
        int line = c.line;
        /* Blank and comment lines. */
        if (c.p < c.end && (*c.p == '#' || *c.p == '\n' || *c.p == '\r')) {
            while (c.p < c.end && *c.p != '\n')
                c.p++;
            if (c.p < c.end)
                c.p++;
            c.line++;
            continue;
        }
        int n = csv_record(&c, f, MAX_FIELDS);
        if (n == 0)
            break;
        if (n == -2)
            return gk_error_nomem(ctx, pr->name);
        if (n == -1)
            return gk_error(ctx, GK_ERR_INPUT_FIELD,
                            "%s: line %d: unterminated quoted field", pr->name,
                            line);
        gk_status_t st = GK_OK;
        if (col_mat < 0) {
            for (int i = 0; i < n; i++) {
                char *h = trim(f[i]);
                if (strcasecmp(h, "material") == 0)
                    col_mat = i;
                else if (strcasecmp(h, "unit") == 0)
                    col_unit = i;
                else if (strcasecmp(h, "price_idr") == 0)
                    col_price = i;
            }
            if (col_mat < 0 || col_unit < 0 || col_price < 0)
                st = gk_error(ctx, GK_ERR_INPUT_FIELD,
                              "%s: line %d: the header must name the columns "
                              "material,unit,price_idr",
                              pr->name, line);
        } else if (n <= col_mat || n <= col_unit || n <= col_price) {
            st = gk_error(ctx, GK_ERR_INPUT_FIELD,
                          "%s: line %d: %d fields, expected material,unit,"
                          "price_idr",
                          pr->name, line, n);
        } else {
            const char *mat = trim(f[col_mat]);
            const char *unit = trim(f[col_unit]);
            const char *price = trim(f[col_price]);
            double v = 0;
            if (!*mat)
                st = gk_error(ctx, GK_ERR_INPUT_FIELD,
                              "%s: line %d: material: empty", pr->name, line);
            else if (!*unit)
                st = gk_error(ctx, GK_ERR_INPUT_FIELD,
                              "%s: line %d: unit: empty", pr->name, line);
            else if (!parse_price(price, &v))
                st = gk_error(ctx, GK_ERR_INPUT_VALUE,
                              "%s: line %d: price_idr: not a plain number "
                              "(\"%s\"; write rupiah as digits, e.g. 1250000)",
                              pr->name, line, price);
            for (size_t i = 0; st == GK_OK && i < pr->n_rows; i++)
                if (strcmp(pr->rows[i].material, mat) == 0 &&
                    strcasecmp(pr->rows[i].unit, unit) == 0)
                    st = gk_error(ctx, GK_ERR_INPUT_VALUE,
                                  "%s: line %d: duplicate price for %s per %s "
                                  "(first at line %d)",
                                  pr->name, line, mat, unit, pr->rows[i].line);
            if (st == GK_OK && pr->n_rows == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                gk_price_row_t *nr =
                    gk_realloc_array(pr->rows, ncap, sizeof *nr);
                if (!nr)
                    st = gk_error_nomem(ctx, pr->name);
                else {
                    pr->rows = nr;
                    cap = ncap;
                }
            }
            if (st == GK_OK) {
                gk_price_row_t *r = &pr->rows[pr->n_rows];
                r->material = gk_strdup(mat);
                r->unit = gk_strdup(unit);
                r->price = v;
                r->line = line;
                pr->n_rows++;
                if (!r->material || !r->unit)
                    st = gk_error_nomem(ctx, pr->name);
            }
        }
        for (int i = 0; i < n; i++)
            free(f[i]);
        if (st != GK_OK)
            return st;
    }
    if (col_mat < 0)
        return gk_error(ctx, GK_ERR_INPUT_FIELD,
                        "%s: line 1: empty price list (expected the header "
                        "material,unit,price_idr)",
                        pr->name);
    return GK_OK;
}

gk_status_t gk_prices_parse(gk_context_t *ctx, const char *name,
                            const char *text, size_t len, gk_prices_t **out)
{
    if (out)
        *out = NULL;
    if (!out || (!text && len))
        return gk_error(ctx, GK_ERR_ARG, "gk_prices_parse: NULL argument");
    gk_prices_t *pr = calloc(1, sizeof *pr);
    if (!pr || !(pr->name = gk_strdup(name ? name : "(prices)"))) {
        free(pr);
        return gk_error_nomem(ctx, "price list");
    }
    gk_numeric_locale_t loc;
    gk_numeric_c_enter(&loc);
    gk_status_t st = parse_rows(ctx, pr, text ? text : "", len);
    gk_numeric_c_leave(&loc);
    if (st != GK_OK) {
        gk_prices_free(pr);
        return st;
    }
    *out = pr;
    return GK_OK;
}

gk_status_t gk_prices_load(gk_context_t *ctx, const char *path,
                           gk_prices_t **out)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_prices_load: NULL argument");
    char *text;
    size_t len;
    gk_status_t st = gk_read_file(ctx, path, &text, &len);
    if (st != GK_OK)
        return st;
    st = gk_prices_parse(ctx, path, text, len, out);
    free(text);
    return st;
}

/* --- costing ------------------------------------------------------------ */

/* The measures a line is counted in, for a message: "kg, t, bag50". */
static void list_units(const gk_boq_line_t *l, const gk_boq_matinfo_t *info,
                       char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int m = 0; m < GK_MEASURE_COUNT; m++) {
        if (isnan(l->order[m]))
            continue;
        char name[32];
        if (m == GK_MEASURE_BAG1 || m == GK_MEASURE_BAG2)
            snprintf(name, sizeof name, "bag%g",
                     info->bag_kg[m == GK_MEASURE_BAG1 ? 0 : 1]);
        else
            snprintf(name, sizeof name, "%s",
                     gk_measure_symbol((gk_measure_t)m));
        int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", name);
        if (w < 0 || (size_t)w >= cap - n)
            return;
        n += (size_t)w;
    }
}

/* Price one line: the row in the line's headline unit if there is one,
 * else the first row for the material. False with the error set when a
 * row's unit does not apply to the material. */
static gk_status_t price_line(gk_context_t *ctx, const gk_boq_t *boq,
                              const gk_prices_t *pr, gk_boq_line_t *l,
                              bool *found)
{
    const gk_boq_matinfo_t *info = gk_boq_info(boq, l->material);
    const gk_price_row_t *best = NULL;
    gk_measure_t best_m = l->unit;
    *found = false;
    l->price_idr = l->cost_idr = NAN;
    for (size_t i = 0; i < pr->n_rows; i++) {
        const gk_price_row_t *r = &pr->rows[i];
        if (strcmp(r->material, l->material) != 0)
            continue;
        gk_measure_t m;
        if (!gk_price_unit_parse(r->unit, info->bag_kg, &m) ||
            isnan(l->order[m])) {
            char units[128];
            list_units(l, info, units, sizeof units);
            return gk_error(ctx, GK_ERR_INPUT_VALUE,
                            "%s: line %d: unit \"%s\" does not apply to %s "
                            "(%s)",
                            pr->name, r->line, r->unit, l->material, units);
        }
        if (!best || (m == l->unit && best_m != l->unit)) {
            best = r;
            best_m = m;
        }
    }
    if (!best)
        return GK_OK;
    *found = true;
    l->price_unit = best_m;
    l->price_idr = best->price;
    l->cost_idr = l->order[best_m] * best->price;
    return GK_OK;
}

gk_status_t gk_boq_apply_prices(gk_context_t *ctx, gk_boq_t *boq,
                                const gk_prices_t *prices)
{
    if (!boq || !prices)
        return gk_error(ctx, GK_ERR_ARG, "gk_boq_apply_prices: NULL argument");
    bool found;
    /* Validate everything first so that a failure leaves the BOQ as it
     * was: price the totals into a scratch copy. */
    gk_boq_line_t *scratch = gk_calloc_array(boq->n_materials, sizeof *scratch);
    const char **missing = gk_calloc_array(boq->n_materials, sizeof *missing);
    if (!scratch || !missing) {
        free(scratch);
        free(missing);
        return gk_error_nomem(ctx, "prices");
    }
    size_t n_missing = 0;
    double total = 0;
    for (size_t i = 0; i < boq->n_materials; i++) {
        scratch[i] = boq->materials[i];
        gk_status_t st = price_line(ctx, boq, prices, &scratch[i], &found);
        if (st != GK_OK) {
            free(scratch);
            free(missing);
            return st;
        }
        if (found)
            total += scratch[i].cost_idr;
        else
            missing[n_missing++] = scratch[i].material;
    }
    memcpy(boq->materials, scratch, boq->n_materials * sizeof *scratch);
    free(scratch);
    for (size_t r = 0; r < boq->n_roads; r++) {
        gk_boq_road_t *road = &boq->roads[r];
        double cost = 0;
        /* Road lines are the BOQ's own (pooled) memory. */
        gk_boq_line_t *lines = (gk_boq_line_t *)(uintptr_t)road->materials;
        for (size_t i = 0; i < road->n_materials; i++) {
            price_line(ctx, boq, prices, &lines[i], &found);
            if (found)
                cost += lines[i].cost_idr;
        }
        road->cost_idr = cost;
    }
    boq->cost_idr = total;
    free(boq->missing);
    boq->missing = missing; /* pointers to info ids owned by the BOQ */
    boq->n_missing = n_missing;
    if (n_missing) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "no price for %zu material%s (listed in "
                 "missing prices); the cost excludes them",
                 n_missing, n_missing == 1 ? "" : "s");
        gk_status_t st = gk_boq_add_warning(ctx, boq, msg);
        if (st != GK_OK)
            return st;
    }
    return GK_OK;
}
