/*
 * lib/estimate/write.c - the BOQ report writers: aligned table, JSON, CSV
 * and Markdown, with English or Indonesian labels.
 *
 * Rounding policy (documented in README): JSON carries full doubles
 * (shortest round-trip form); the text formats print continuous
 * quantities with 3 decimals, whole units (pieces, bags, loads) as the
 * integers they already are, and rupiah rounded to the unit. Nothing is
 * recomputed here: every figure printed is one the engine stored.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate_datadir.h"
#include "estimate_internal.h"

/* --- labels ------------------------------------------------------------- */

typedef enum lbl {
    L_TITLE,
    L_CATALOG,
    L_ROADS,
    L_ROAD,
    L_TEMPLATE,
    L_LENGTH,
    L_WIDTH,
    L_AREA,
    L_LAYER,
    L_MATERIAL,
    L_THICK,
    L_VOLUME,
    L_MASS,
    L_ITEM,
    L_BASIS,
    L_NET,
    L_WASTE,
    L_ORDER,
    L_UNIT,
    L_ALSO,
    L_LOADS,
    L_VEHICLE,
    L_PRICE,
    L_COST,
    L_TOTAL,
    L_NEEDS,
    L_MATERIALS,
    L_LAYERS,
    L_WARNINGS,
    L_MISSING,
    L_TOTAL_COST,
    L_PART,
    L_COUNT
} lbl_t;

static const char *const labels[L_COUNT][2] = {
    [L_TITLE] = {"Bill of quantities", "Daftar kuantitas (BOQ)"},
    [L_CATALOG] = {"catalog", "katalog"},
    [L_ROADS] = {"Roads", "Jalan"},
    [L_ROAD] = {"Road", "Jalan"},
    [L_TEMPLATE] = {"template", "templat"},
    [L_LENGTH] = {"Length m", "Panjang m"},
    [L_WIDTH] = {"Width m", "Lebar m"},
    [L_AREA] = {"Area m2", "Luas m2"},
    [L_LAYER] = {"Layer", "Lapisan"},
    [L_MATERIAL] = {"Material", "Bahan"},
    [L_THICK] = {"Thickness m", "Tebal m"},
    [L_VOLUME] = {"Volume m3", "Volume m3"},
    [L_MASS] = {"Mass t", "Berat t"},
    [L_ITEM] = {"Item", "Item"},
    [L_BASIS] = {"Quantity", "Kuantitas"},
    [L_NET] = {"Net", "Bersih"},
    [L_WASTE] = {"Waste %", "Susut %"},
    [L_ORDER] = {"To order", "Dipesan"},
    [L_UNIT] = {"Unit", "Satuan"},
    [L_ALSO] = {"Also (to order)", "Setara (dipesan)"},
    [L_LOADS] = {"Loads", "Rit"},
    [L_VEHICLE] = {"Vehicle", "Kendaraan"},
    [L_PRICE] = {"Unit price Rp", "Harga satuan Rp"},
    [L_COST] = {"Cost Rp", "Jumlah harga Rp"},
    [L_TOTAL] = {"Total", "Total"},
    [L_NEEDS] = {"Materials per layer and item",
                 "Kebutuhan bahan per lapisan dan item"},
    [L_MATERIALS] = {"Materials", "Kebutuhan bahan"},
    [L_LAYERS] = {"Layers", "Lapisan"},
    [L_WARNINGS] = {"Warnings", "Peringatan"},
    [L_MISSING] = {"Missing prices", "Harga belum tersedia"},
    [L_TOTAL_COST] = {"Total cost Rp", "Jumlah biaya Rp"},
    [L_PART] = {"Layer/item", "Lapisan/item"},
};

static const char *L(gk_lang_t lang, lbl_t l)
{
    return labels[l][lang == GK_LANG_ID ? 1 : 0];
}

const char *gk_measure_symbol(gk_measure_t m)
{
    switch (m) {
    case GK_MEASURE_KG:
        return "kg";
    case GK_MEASURE_T:
        return "t";
    case GK_MEASURE_M3:
        return "m3";
    case GK_MEASURE_L:
        return "L";
    case GK_MEASURE_PCS:
        return "pcs";
    case GK_MEASURE_M2:
        return "m2";
    case GK_MEASURE_M:
        return "m";
    case GK_MEASURE_BAG1:
    case GK_MEASURE_BAG2:
        return "bag";
    case GK_MEASURE_COUNT:
        break;
    }
    return "?";
}

/* Unit name for people: "bag 50 kg" / "sak 50 kg", "pcs" / "bh". */
static void unit_label(char *buf, size_t cap, gk_measure_t m,
                       const gk_boq_matinfo_t *info, gk_lang_t lang)
{
    bool id = lang == GK_LANG_ID;
    if (m == GK_MEASURE_BAG1 || m == GK_MEASURE_BAG2)
        snprintf(buf, cap, "%s %g kg", id ? "sak" : "bag",
                 info ? info->bag_kg[m == GK_MEASURE_BAG1 ? 0 : 1] : 0.0);
    else if (m == GK_MEASURE_PCS)
        snprintf(buf, cap, "%s", id ? "bh" : "pcs");
    else if (m == GK_MEASURE_L)
        snprintf(buf, cap, "%s", id ? "liter" : "L");
    else
        snprintf(buf, cap, "%s", gk_measure_symbol(m));
}

/* Machine unit key: "kg", ..., "bag50". */
static void unit_key(char *buf, size_t cap, gk_measure_t m,
                     const gk_boq_matinfo_t *info)
{
    if (m == GK_MEASURE_BAG1 || m == GK_MEASURE_BAG2)
        snprintf(buf, cap, "bag%g",
                 info ? info->bag_kg[m == GK_MEASURE_BAG1 ? 0 : 1] : 0.0);
    else
        snprintf(buf, cap, "%s", gk_measure_symbol(m));
}

static bool whole_measure(gk_measure_t m)
{
    return m == GK_MEASURE_PCS || m == GK_MEASURE_BAG1 || m == GK_MEASURE_BAG2;
}

/* --- number formatting for the text formats ------------------------------ */

/* "%.*f" with thousands grouped (",", "." in English; ".", "," in
 * Indonesian) when `group`; "-" for NaN. */
static void fmt_num(char *buf, size_t cap, double v, int decimals,
                    gk_lang_t lang, bool group)
{
    char raw[64];
    if (isnan(v)) {
        snprintf(buf, cap, "-");
        return;
    }
    if (v == 0)
        v = 0; /* no "-0.000" */
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    if (fabs(v) < 0.5 * pow(10, -decimals) && raw[0] == '-')
        memmove(raw, raw + 1, strlen(raw));
    char sep = lang == GK_LANG_ID ? '.' : ',';
    char dot = lang == GK_LANG_ID ? ',' : '.';
    const char *p = raw;
    size_t o = 0;
    if (*p == '-' && o + 1 < cap)
        buf[o++] = *p++;
    size_t int_len = strcspn(p, ".");
    for (size_t i = 0; p[i] && o + 2 < cap; i++) {
        if (p[i] == '.') {
            buf[o++] = dot;
            continue;
        }
        if (group && i > 0 && i < int_len && (int_len - i) % 3 == 0)
            buf[o++] = sep;
        buf[o++] = p[i];
    }
    buf[o] = '\0';
}

/* --- an aligned table ---------------------------------------------------- */

#define TMAXC 12
#define TCELL 256

typedef struct table {
    int ncols;
    bool right[TMAXC];
    char (*cells)[TMAXC][TCELL];
    size_t nrows, cap;
} table_t;

static bool t_row(table_t *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        void *n = gk_realloc_array(t->cells, cap, sizeof *t->cells);
        if (!n)
            return false;
        t->cells = n;
        t->cap = cap;
    }
    memset(t->cells[t->nrows], 0, sizeof *t->cells);
    t->nrows++;
    return true;
}

static void t_set(table_t *t, int col, const char *s)
{
    char *cell = t->cells[t->nrows - 1][col];
    size_t n = s ? strlen(s) : 0;
    if (n >= TCELL) { /* cut, but never inside a UTF-8 sequence */
        n = TCELL - 1;
        while (n > 0 && (s[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(cell, s, n);
    cell[n] = '\0';
}

/* Display width in characters (UTF-8 sequences count once). */
static size_t u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if ((*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void t_print(const table_t *t, FILE *out, bool markdown)
{
    size_t w[TMAXC] = {0};
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            size_t n = u8len(t->cells[r][c]);
            if (n > w[c])
                w[c] = n;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        fputs(markdown ? "|" : "  ", out);
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r][c];
            size_t pad = w[c] - u8len(s);
            if (markdown)
                fputc(' ', out);
            if (t->right[c] && r > 0)
                fprintf(out, "%*s%s", (int)pad, "", s);
            else if (c + 1 < t->ncols || markdown)
                fprintf(out, "%s%*s", s, (int)pad, "");
            else
                fputs(s, out); /* no trailing blanks */
            fputs(markdown ? " |" : (c + 1 < t->ncols ? "  " : ""), out);
        }
        fputc('\n', out);
        if (r == 0) {
            fputs(markdown ? "|" : "  ", out);
            for (int c = 0; c < t->ncols; c++) {
                if (markdown)
                    fputc(t->right[c] ? '-' : ':', out);
                for (size_t k = 0; k < w[c] + (markdown ? 0 : 0); k++)
                    fputc('-', out);
                fputs(markdown ? (t->right[c] ? ":|" : "-|")
                               : (c + 1 < t->ncols ? "  " : ""),
                      out);
            }
            fputc('\n', out);
        }
    }
}

static void t_free(table_t *t)
{
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* --- shared text helpers ------------------------------------------------- */

typedef struct wctx {
    const gk_boq_t *boq;
    FILE *out;
    gk_lang_t lang;
    bool md;
    bool priced;
} wctx_t;

static const char *mat_label(const wctx_t *w, const char *id)
{
    const gk_boq_matinfo_t *info = gk_boq_info(w->boq, id);
    return info ? info->label[w->lang == GK_LANG_ID] : id;
}

static void qty(const wctx_t *w, char *buf, size_t cap, double v,
                gk_measure_t m)
{
    /* Whole units are integers in road and total lines; a fractional
     * value (a net quantity before rounding up) keeps its decimals. */
    bool integral = whole_measure(m) && isfinite(v) && v == floor(v);
    fmt_num(buf, cap, v, integral ? 0 : 3, w->lang, true);
}

static void heading(const wctx_t *w, int level, const char *text)
{
    if (w->md)
        fprintf(w->out, "\n%s %s\n\n",
                level == 1   ? "#"
                : level == 2 ? "##"
                             : "###",
                text);
    else if (level == 1)
        fprintf(w->out, "%s\n", text);
    else
        fprintf(w->out, "\n%s\n", text);
}

static bool layers_table(const wctx_t *w, const gk_boq_layer_t *layers,
                         size_t n)
{
    table_t t = {.ncols = 7};
    for (int c = 2; c < 7; c++)
        t.right[c] = true;
    char b[5][64];
    if (!t_row(&t))
        return false;
    const lbl_t hdr[7] = {L_LAYER, L_MATERIAL, L_THICK, L_WIDTH,
                          L_AREA,  L_VOLUME,   L_MASS};
    for (int c = 0; c < 7; c++)
        t_set(&t, c, L(w->lang, hdr[c]));
    for (size_t i = 0; i < n; i++) {
        const gk_boq_layer_t *l = &layers[i];
        if (!t_row(&t)) {
            t_free(&t);
            return false;
        }
        t_set(&t, 0, l->name);
        t_set(&t, 1, mat_label(w, l->material));
        fmt_num(b[0], 64, l->thickness_m, 3, w->lang, true);
        fmt_num(b[1], 64, l->width_m, 3, w->lang, true);
        fmt_num(b[2], 64, l->area_m2, 3, w->lang, true);
        fmt_num(b[3], 64, l->volume_m3, 3, w->lang, true);
        fmt_num(b[4], 64, l->mass_t, 3, w->lang, true);
        for (int c = 0; c < 5; c++)
            t_set(&t, 2 + c, b[c]);
    }
    t_print(&t, w->out, w->md);
    t_free(&t);
    return true;
}

/* One row of a needs table: part, material, net, waste, order, unit. */
static bool needs_rows(const wctx_t *w, table_t *t, const char *part,
                       const gk_boq_line_t *lines, size_t n)
{
    char b[3][64], u[32];
    for (size_t i = 0; i < n; i++) {
        const gk_boq_line_t *l = &lines[i];
        const gk_boq_matinfo_t *info = gk_boq_info(w->boq, l->material);
        if (!t_row(t))
            return false;
        t_set(t, 0, i == 0 ? part : "");
        t_set(t, 1, mat_label(w, l->material));
        fmt_num(b[0], 64, l->net[l->unit], 3, w->lang, true);
        fmt_num(b[1], 64, 100 * l->waste_fraction, 1, w->lang, true);
        fmt_num(b[2], 64, l->order[l->unit], 3, w->lang, true);
        unit_label(u, sizeof u, l->unit, info, w->lang);
        t_set(t, 2, b[0]);
        t_set(t, 3, b[1]);
        t_set(t, 4, b[2]);
        t_set(t, 5, u);
    }
    return true;
}

static bool needs_table(const wctx_t *w, const gk_boq_road_t *r)
{
    table_t t = {.ncols = 6};
    t.right[2] = t.right[3] = t.right[4] = true;
    const lbl_t hdr[6] = {L_PART, L_MATERIAL, L_NET, L_WASTE, L_ORDER, L_UNIT};
    bool ok = t_row(&t);
    for (int c = 0; ok && c < 6; c++)
        t_set(&t, c, L(w->lang, hdr[c]));
    for (size_t k = 0; ok && k < r->n_layers; k++)
        ok = needs_rows(w, &t, r->layers[k].name, r->layers[k].lines,
                        r->layers[k].n_lines);
    for (size_t k = 0; ok && k < r->n_items; k++)
        ok = needs_rows(w, &t, r->items[k].name, r->items[k].lines,
                        r->items[k].n_lines);
    if (ok)
        t_print(&t, w->out, w->md);
    t_free(&t);
    return ok;
}

static bool items_table(const wctx_t *w, const gk_boq_road_t *r)
{
    if (r->n_items == 0)
        return true;
    fputc('\n', w->out); /* a separate table (also in Markdown) */
    table_t t = {.ncols = 4};
    t.right[2] = true;
    const lbl_t hdr[4] = {L_ITEM, L_MATERIAL, L_BASIS, L_UNIT};
    bool ok = t_row(&t);
    for (int c = 0; ok && c < 4; c++)
        t_set(&t, c, L(w->lang, hdr[c]));
    for (size_t k = 0; ok && k < r->n_items; k++) {
        char b[64];
        ok = t_row(&t);
        if (!ok)
            break;
        t_set(&t, 0, r->items[k].name);
        t_set(&t, 1, mat_label(w, r->items[k].material));
        fmt_num(b, sizeof b, r->items[k].basis, 3, w->lang, true);
        t_set(&t, 2, b);
        t_set(&t, 3, r->items[k].linear ? "m" : "m2");
    }
    if (ok)
        t_print(&t, w->out, w->md);
    t_free(&t);
    return ok;
}

static bool materials_table(const wctx_t *w, const gk_boq_line_t *lines,
                            size_t n)
{
    table_t t = {.ncols = w->priced ? 10 : 8};
    t.right[1] = t.right[2] = t.right[3] = t.right[6] = true;
    t.right[8] = t.right[9] = true;
    const lbl_t hdr[10] = {L_MATERIAL, L_NET,   L_WASTE,   L_ORDER, L_UNIT,
                           L_ALSO,     L_LOADS, L_VEHICLE, L_PRICE, L_COST};
    bool ok = t_row(&t);
    for (int c = 0; ok && c < t.ncols; c++)
        t_set(&t, c, L(w->lang, hdr[c]));
    for (size_t i = 0; ok && i < n; i++) {
        const gk_boq_line_t *l = &lines[i];
        const gk_boq_matinfo_t *info = gk_boq_info(w->boq, l->material);
        char b[64], u[32], also[TCELL] = "";
        ok = t_row(&t);
        if (!ok)
            break;
        t_set(&t, 0, mat_label(w, l->material));
        qty(w, b, sizeof b, l->net[l->unit], l->unit);
        t_set(&t, 1, b);
        fmt_num(b, sizeof b, 100 * l->waste_fraction, 1, w->lang, true);
        t_set(&t, 2, b);
        qty(w, b, sizeof b, l->order[l->unit], l->unit);
        t_set(&t, 3, b);
        unit_label(u, sizeof u, l->unit, info, w->lang);
        t_set(&t, 4, u);
        size_t o = 0;
        for (int m = 0; m < GK_MEASURE_COUNT; m++) {
            if (m == (int)l->unit || isnan(l->order[m]))
                continue;
            qty(w, b, sizeof b, l->order[m], (gk_measure_t)m);
            unit_label(u, sizeof u, (gk_measure_t)m, info, w->lang);
            int k = snprintf(also + o, sizeof also - o, "%s%s %s",
                             o ? "; " : "", b, u);
            if (k < 0 || (size_t)k >= sizeof also - o)
                break;
            o += (size_t)k;
        }
        t_set(&t, 5, also);
        fmt_num(b, sizeof b, l->loads, 0, w->lang, true);
        t_set(&t, 6, b);
        t_set(&t, 7,
              l->vehicle && info ? info->vehicle_label[w->lang == GK_LANG_ID]
                                 : "-");
        if (w->priced) {
            fmt_num(b, sizeof b, l->price_idr, 0, w->lang, true);
            if (!isnan(l->price_idr)) {
                unit_label(u, sizeof u, l->price_unit, info, w->lang);
                size_t bl = strlen(b);
                snprintf(b + bl, sizeof b - bl, "/%s", u);
            }
            t_set(&t, 8, b);
            fmt_num(b, sizeof b, l->cost_idr, 0, w->lang, true);
            t_set(&t, 9, b);
        }
    }
    if (ok)
        t_print(&t, w->out, w->md);
    t_free(&t);
    return ok;
}

static void list_block(const wctx_t *w, lbl_t title, const char *const *s,
                       size_t n)
{
    if (n == 0)
        return;
    heading(w, 2, L(w->lang, title));
    for (size_t i = 0; i < n; i++)
        fprintf(w->out, "%s%s\n", w->md ? "- " : "  - ", s[i]);
}

static void sections_text(const wctx_t *w)
{
    const gk_boq_t *boq = w->boq;
    for (size_t s = 0; s < boq->n_sections; s++) {
        const gk_boq_section_t *sec = &boq->sections[s];
        heading(w, 2, sec->name);
        for (size_t i = 0; i < sec->n_rows; i++) {
            const gk_boq_row_t *r = &sec->rows[i];
            char b[64];
            if (r->text)
                snprintf(b, sizeof b, "%s", r->text);
            else
                fmt_num(b, sizeof b, r->value, 3, w->lang, true);
            fprintf(w->out, "%s%s: %s%s%s\n", w->md ? "- " : "  ", r->key, b,
                    r->unit ? " " : "", r->unit ? r->unit : "");
        }
    }
}

static gk_status_t write_text(gk_context_t *ctx, const gk_boq_t *boq, FILE *out,
                              gk_lang_t lang, bool md)
{
    wctx_t w = {boq, out, lang, md, !isnan(boq->cost_idr)};
    char b[3][64], line[512];
    bool ok = true;
    snprintf(line, sizeof line, "%s (%s %s %s)", L(lang, L_TITLE),
             L(lang, L_CATALOG), boq->catalog_id, boq->catalog_version);
    heading(&w, 1, line);
    fmt_num(b[0], 64, boq->length_m, 3, lang, true);
    fmt_num(b[1], 64, boq->area_m2, 3, lang, true);
    fprintf(out, "%s: %zu; %s: %s; %s: %s\n", L(lang, L_ROADS), boq->n_roads,
            L(lang, L_LENGTH), b[0], L(lang, L_AREA), b[1]);
    for (size_t i = 0; ok && i < boq->n_roads; i++) {
        const gk_boq_road_t *r = &boq->roads[i];
        fmt_num(b[0], 64, r->length_m, 3, lang, true);
        fmt_num(b[1], 64, r->width_m, 3, lang, true);
        fmt_num(b[2], 64, r->area_m2, 3, lang, true);
        snprintf(line, sizeof line, "%s %s%s%s%s (%s %s; %s %s, %s %s, %s %s)",
                 L(lang, L_ROAD), r->id, r->name ? " \"" : "",
                 r->name ? r->name : "", r->name ? "\"" : "",
                 L(lang, L_TEMPLATE), r->template_name, L(lang, L_LENGTH), b[0],
                 L(lang, L_WIDTH), b[1], L(lang, L_AREA), b[2]);
        heading(&w, 2, line);
        ok = layers_table(&w, r->layers, r->n_layers) && items_table(&w, r);
        if (ok) {
            heading(&w, 3, L(lang, L_NEEDS));
            ok = needs_table(&w, r);
        }
        if (ok && boq->n_roads > 1) {
            heading(&w, 3, L(lang, L_MATERIALS));
            ok = materials_table(&w, r->materials, r->n_materials);
            if (ok && w.priced) {
                fmt_num(b[0], 64, r->cost_idr, 0, lang, true);
                fprintf(out, "%s%s: %s\n", md ? "\n" : "  ",
                        L(lang, L_TOTAL_COST), b[0]);
            }
        }
    }
    if (ok) {
        snprintf(line, sizeof line, "%s: %s", L(lang, L_TOTAL),
                 L(lang, L_LAYERS));
        heading(&w, 2, line);
        ok = layers_table(&w, boq->layers, boq->n_layers);
    }
    if (ok) {
        snprintf(line, sizeof line, "%s: %s", L(lang, L_TOTAL),
                 L(lang, L_MATERIALS));
        heading(&w, 2, line);
        ok = materials_table(&w, boq->materials, boq->n_materials);
    }
    if (!ok)
        return gk_error_nomem(ctx, "report table");
    if (w.priced) {
        fmt_num(b[0], 64, boq->cost_idr, 0, lang, true);
        fprintf(out, md ? "\n**%s: %s**\n" : "\n%s: %s\n",
                L(lang, L_TOTAL_COST), b[0]);
    }
    list_block(&w, L_MISSING, boq->missing, boq->n_missing);
    list_block(&w, L_WARNINGS, (const char *const *)boq->warnings,
               boq->n_warnings);
    sections_text(&w);
    return GK_OK;
}

/* --- JSON ---------------------------------------------------------------- */

static void jnum(FILE *out, double v)
{
    char buf[40];
    gk_json_format_number(buf, sizeof buf, v);
    fputs(buf, out);
}

static void jkey(FILE *out, const char *key)
{
    gk_json_write_string(out, key);
    fputc(':', out);
}

static void jmeasures(FILE *out, const double *v, const gk_boq_matinfo_t *info)
{
    bool first = true;
    fputc('{', out);
    for (int m = 0; m < GK_MEASURE_COUNT; m++) {
        if (isnan(v[m]))
            continue;
        char k[32];
        unit_key(k, sizeof k, (gk_measure_t)m, info);
        if (!first)
            fputc(',', out);
        first = false;
        jkey(out, k);
        jnum(out, v[m]);
    }
    fputc('}', out);
}

static void jline(const wctx_t *w, const gk_boq_line_t *l)
{
    FILE *out = w->out;
    const gk_boq_matinfo_t *info = gk_boq_info(w->boq, l->material);
    char u[32];
    unit_key(u, sizeof u, l->unit, info);
    fputc('{', out);
    jkey(out, "material");
    gk_json_write_string(out, l->material);
    fputc(',', out);
    jkey(out, "label");
    gk_json_write_string(out, mat_label(w, l->material));
    fputc(',', out);
    jkey(out, "quantity");
    jnum(out, l->order[l->unit]);
    fputc(',', out);
    jkey(out, "unit");
    gk_json_write_string(out, u);
    fputc(',', out);
    jkey(out, "loads");
    jnum(out, l->loads);
    fputc(',', out);
    jkey(out, "vehicle");
    if (l->vehicle)
        gk_json_write_string(out, l->vehicle);
    else
        fputs("null", out);
    fputc(',', out);
    jkey(out, "net");
    jnum(out, l->net[l->unit]);
    fputc(',', out);
    jkey(out, "waste_fraction");
    jnum(out, l->waste_fraction);
    fputc(',', out);
    jkey(out, "net_measures");
    jmeasures(out, l->net, info);
    fputc(',', out);
    jkey(out, "order_measures");
    jmeasures(out, l->order, info);
    if (!isnan(l->price_idr)) {
        unit_key(u, sizeof u, l->price_unit, info);
        fputc(',', out);
        jkey(out, "price_idr");
        jnum(out, l->price_idr);
        fputc(',', out);
        jkey(out, "price_unit");
        gk_json_write_string(out, u);
        fputc(',', out);
        jkey(out, "cost_idr");
        jnum(out, l->cost_idr);
    }
    fputc('}', out);
}

static void jlines(const wctx_t *w, const gk_boq_line_t *lines, size_t n)
{
    fputc('[', w->out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', w->out);
        jline(w, &lines[i]);
    }
    fputc(']', w->out);
}

static void jlayer(const wctx_t *w, const gk_boq_layer_t *l)
{
    FILE *out = w->out;
    fputc('{', out);
    jkey(out, "name");
    gk_json_write_string(out, l->name);
    fputc(',', out);
    jkey(out, "material");
    gk_json_write_string(out, l->material);
    fputc(',', out);
    jkey(out, "thickness_m");
    jnum(out, l->thickness_m);
    fputc(',', out);
    jkey(out, "width_m");
    jnum(out, l->width_m);
    fputc(',', out);
    jkey(out, "area_m2");
    jnum(out, l->area_m2);
    fputc(',', out);
    jkey(out, "volume_m3");
    jnum(out, l->volume_m3);
    fputc(',', out);
    jkey(out, "mass_t");
    jnum(out, l->mass_t);
    fputc(',', out);
    jkey(out, "needs");
    jlines(w, l->lines, l->n_lines);
    fputc('}', out);
}

static void jstrings(FILE *out, const char *const *s, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        gk_json_write_string(out, s[i]);
    }
    fputc(']', out);
}

static void write_json(const gk_boq_t *boq, FILE *out, gk_lang_t lang)
{
    wctx_t w = {boq, out, lang, false, !isnan(boq->cost_idr)};
    fputs("{\"catalog\":{", out);
    jkey(out, "id");
    gk_json_write_string(out, boq->catalog_id);
    fputc(',', out);
    jkey(out, "version");
    gk_json_write_string(out, boq->catalog_version);
    fputs("},\n\"roads\":[", out);
    for (size_t i = 0; i < boq->n_roads; i++) {
        const gk_boq_road_t *r = &boq->roads[i];
        fputs(i ? ",\n{" : "\n{", out);
        jkey(out, "id");
        gk_json_write_string(out, r->id);
        fputc(',', out);
        jkey(out, "name");
        if (r->name)
            gk_json_write_string(out, r->name);
        else
            fputs("null", out);
        fputc(',', out);
        jkey(out, "template");
        gk_json_write_string(out, r->template_name);
        fputc(',', out);
        jkey(out, "length_m");
        jnum(out, r->length_m);
        fputc(',', out);
        jkey(out, "width_m");
        jnum(out, r->width_m);
        fputc(',', out);
        jkey(out, "area_m2");
        jnum(out, r->area_m2);
        fputc(',', out);
        jkey(out, "layers");
        fputc('[', out);
        for (size_t k = 0; k < r->n_layers; k++) {
            if (k)
                fputc(',', out);
            jlayer(&w, &r->layers[k]);
        }
        fputs("],", out);
        jkey(out, "items");
        fputc('[', out);
        for (size_t k = 0; k < r->n_items; k++) {
            const gk_boq_item_t *it = &r->items[k];
            if (k)
                fputc(',', out);
            fputc('{', out);
            jkey(out, "name");
            gk_json_write_string(out, it->name);
            fputc(',', out);
            jkey(out, "material");
            gk_json_write_string(out, it->material);
            fputc(',', out);
            jkey(out, "kind");
            gk_json_write_string(out, it->linear ? "linear" : "area");
            fputc(',', out);
            jkey(out, "quantity");
            jnum(out, it->basis);
            fputc(',', out);
            jkey(out, "unit");
            gk_json_write_string(out, it->linear ? "m" : "m2");
            fputc(',', out);
            jkey(out, "needs");
            jlines(&w, it->lines, it->n_lines);
            fputc('}', out);
        }
        fputs("],", out);
        jkey(out, "materials");
        jlines(&w, r->materials, r->n_materials);
        if (w.priced) {
            fputc(',', out);
            jkey(out, "cost_idr");
            jnum(out, r->cost_idr);
        }
        fputc('}', out);
    }
    fputs("],\n", out);
    jkey(out, "length_m");
    jnum(out, boq->length_m);
    fputs(",\n", out);
    jkey(out, "area_m2");
    jnum(out, boq->area_m2);
    fputs(",\n", out);
    jkey(out, "layers");
    fputc('[', out);
    for (size_t k = 0; k < boq->n_layers; k++) {
        fputs(k ? ",\n" : "\n", out);
        jlayer(&w, &boq->layers[k]);
    }
    fputs("],\n", out);
    jkey(out, "materials");
    fputc('[', out);
    for (size_t k = 0; k < boq->n_materials; k++) {
        fputs(k ? ",\n" : "\n", out);
        jline(&w, &boq->materials[k]);
    }
    fputs("],\n", out);
    if (w.priced) {
        jkey(out, "cost_idr");
        jnum(out, boq->cost_idr);
        fputs(",\n", out);
        jkey(out, "missing_prices");
        jstrings(out, boq->missing, boq->n_missing);
        fputs(",\n", out);
    }
    jkey(out, "warnings");
    jstrings(out, (const char *const *)boq->warnings, boq->n_warnings);
    fputs(",\n", out);
    jkey(out, "sections");
    fputc('[', out);
    for (size_t s = 0; s < boq->n_sections; s++) {
        const gk_boq_section_t *sec = &boq->sections[s];
        if (s)
            fputc(',', out);
        fputc('{', out);
        jkey(out, "name");
        gk_json_write_string(out, sec->name);
        fputc(',', out);
        jkey(out, "rows");
        fputc('[', out);
        for (size_t i = 0; i < sec->n_rows; i++) {
            const gk_boq_row_t *r = &sec->rows[i];
            if (i)
                fputc(',', out);
            fputc('{', out);
            jkey(out, "key");
            gk_json_write_string(out, r->key);
            fputc(',', out);
            jkey(out, "value");
            if (r->text)
                gk_json_write_string(out, r->text);
            else
                jnum(out, r->value);
            fputc(',', out);
            jkey(out, "unit");
            if (r->unit)
                gk_json_write_string(out, r->unit);
            else
                fputs("null", out);
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs("]}\n", out);
}

/* --- CSV ----------------------------------------------------------------- */

static void csv_str(FILE *out, const char *s)
{
    if (!s)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_num(FILE *out, double v)
{
    if (isnan(v))
        return;
    jnum(out, v);
}

#define CSV_COLS 19

static const char *const csv_header[2][CSV_COLS] = {
    {"scope", "road_id", "road_name", "part", "material", "description",
     "thickness_m", "width_m", "area_m2", "volume_m3", "mass_t", "unit", "net",
     "waste_pct", "order", "loads", "vehicle", "price_idr", "cost_idr"},
    {"lingkup", "id_jalan", "nama_jalan", "bagian", "bahan", "uraian",
     "tebal_m", "lebar_m", "luas_m2", "volume_m3", "berat_t", "satuan",
     "volume_bersih", "susut_persen", "volume_pesan", "rit", "kendaraan",
     "harga_satuan_rp", "jumlah_harga_rp"},
};

typedef struct csv_row {
    const char *scope, *road_id, *road_name, *part, *material, *desc;
    double geo[5]; /* thickness, width, area, volume, mass */
    const char *unit;
    double net, waste_pct, order, loads;
    const char *vehicle;
    double price, cost;
} csv_row_t;

static void csv_emit(FILE *out, const csv_row_t *r)
{
    csv_str(out, r->scope);
    fputc(',', out);
    csv_str(out, r->road_id);
    fputc(',', out);
    csv_str(out, r->road_name);
    fputc(',', out);
    csv_str(out, r->part);
    fputc(',', out);
    csv_str(out, r->material);
    fputc(',', out);
    csv_str(out, r->desc);
    for (int i = 0; i < 5; i++) {
        fputc(',', out);
        csv_num(out, r->geo[i]);
    }
    fputc(',', out);
    csv_str(out, r->unit);
    fputc(',', out);
    csv_num(out, r->net);
    fputc(',', out);
    csv_num(out, r->waste_pct);
    fputc(',', out);
    csv_num(out, r->order);
    fputc(',', out);
    csv_num(out, r->loads);
    fputc(',', out);
    csv_str(out, r->vehicle);
    fputc(',', out);
    csv_num(out, r->price);
    fputc(',', out);
    csv_num(out, r->cost);
    fputs("\r\n", out);
}

static csv_row_t csv_blank(const char *scope)
{
    csv_row_t r = {.scope = scope};
    for (int i = 0; i < 5; i++)
        r.geo[i] = NAN;
    r.net = r.waste_pct = r.order = r.loads = r.price = r.cost = NAN;
    return r;
}

/* A material line: one row per measure, the headline first; loads on the
 * headline row, price and cost on the priced measure's row. */
static void csv_lines(const wctx_t *w, const char *scope,
                      const gk_boq_road_t *road, const char *part,
                      const gk_boq_line_t *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const gk_boq_line_t *l = &lines[i];
        const gk_boq_matinfo_t *info = gk_boq_info(w->boq, l->material);
        for (int pass = 0; pass < GK_MEASURE_COUNT + 1; pass++) {
            gk_measure_t m = pass == 0 ? l->unit : (gk_measure_t)(pass - 1);
            if ((pass > 0 && m == l->unit) || isnan(l->order[m]))
                continue;
            char u[32];
            unit_key(u, sizeof u, m, info);
            csv_row_t r = csv_blank(scope);
            r.road_id = road ? road->id : NULL;
            r.road_name = road ? road->name : NULL;
            r.part = part;
            r.material = l->material;
            r.desc = mat_label(w, l->material);
            r.unit = u;
            r.net = l->net[m];
            r.waste_pct = 100 * l->waste_fraction;
            r.order = l->order[m];
            if (pass == 0) {
                r.loads = l->loads;
                r.vehicle = l->vehicle;
            }
            if (!isnan(l->price_idr) && m == l->price_unit) {
                r.price = l->price_idr;
                r.cost = l->cost_idr;
            }
            csv_emit(w->out, &r);
        }
    }
}

static void csv_layer(const wctx_t *w, const char *scope,
                      const gk_boq_road_t *road, const gk_boq_layer_t *l)
{
    csv_row_t r = csv_blank(scope);
    r.road_id = road ? road->id : NULL;
    r.road_name = road ? road->name : NULL;
    r.part = l->name;
    r.material = l->material;
    r.desc = mat_label(w, l->material);
    r.geo[0] = l->thickness_m;
    r.geo[1] = l->width_m;
    r.geo[2] = l->area_m2;
    r.geo[3] = l->volume_m3;
    r.geo[4] = l->mass_t;
    csv_emit(w->out, &r);
}

static void write_csv(const gk_boq_t *boq, FILE *out, gk_lang_t lang)
{
    wctx_t w = {boq, out, lang, false, !isnan(boq->cost_idr)};
    for (int c = 0; c < CSV_COLS; c++) {
        if (c)
            fputc(',', out);
        fputs(csv_header[lang == GK_LANG_ID][c], out);
    }
    fputs("\r\n", out);
    for (size_t i = 0; i < boq->n_roads; i++) {
        const gk_boq_road_t *road = &boq->roads[i];
        csv_row_t r = csv_blank("road");
        r.road_id = road->id;
        r.road_name = road->name;
        r.part = road->template_name;
        r.geo[1] = road->width_m;
        r.geo[2] = road->area_m2;
        r.unit = "m";
        r.net = r.order = road->length_m;
        r.cost = road->cost_idr;
        csv_emit(out, &r);
        for (size_t k = 0; k < road->n_layers; k++)
            csv_layer(&w, "road_layer", road, &road->layers[k]);
        for (size_t k = 0; k < road->n_layers; k++)
            csv_lines(&w, "layer_need", road, road->layers[k].name,
                      road->layers[k].lines, road->layers[k].n_lines);
        for (size_t k = 0; k < road->n_items; k++) {
            const gk_boq_item_t *it = &road->items[k];
            r = csv_blank("item");
            r.road_id = road->id;
            r.road_name = road->name;
            r.part = it->name;
            r.material = it->material;
            r.desc = mat_label(&w, it->material);
            r.unit = it->linear ? "m" : "m2";
            r.net = r.order = it->basis;
            csv_emit(out, &r);
            csv_lines(&w, "item_need", road, it->name, it->lines, it->n_lines);
        }
        csv_lines(&w, "road_material", road, NULL, road->materials,
                  road->n_materials);
    }
    for (size_t k = 0; k < boq->n_layers; k++)
        csv_layer(&w, "total_layer", NULL, &boq->layers[k]);
    csv_lines(&w, "total_material", NULL, NULL, boq->materials,
              boq->n_materials);
    csv_row_t r = csv_blank("total");
    r.geo[2] = boq->area_m2;
    r.unit = "m";
    r.net = r.order = boq->length_m;
    r.cost = boq->cost_idr;
    csv_emit(out, &r);
    for (size_t i = 0; i < boq->n_missing; i++) {
        r = csv_blank("missing_price");
        r.material = boq->missing[i];
        r.desc = mat_label(&w, boq->missing[i]);
        csv_emit(out, &r);
    }
    for (size_t i = 0; i < boq->n_warnings; i++) {
        r = csv_blank("warning");
        r.desc = boq->warnings[i];
        csv_emit(out, &r);
    }
    for (size_t s = 0; s < boq->n_sections; s++) {
        const gk_boq_section_t *sec = &boq->sections[s];
        for (size_t i = 0; i < sec->n_rows; i++) {
            r = csv_blank("section");
            r.part = sec->name;
            r.material = sec->rows[i].key;
            r.desc = sec->rows[i].text;
            r.unit = sec->rows[i].unit;
            r.net = r.order = sec->rows[i].text ? NAN : sec->rows[i].value;
            csv_emit(out, &r);
        }
    }
}

/* --- entry points -------------------------------------------------------- */

gk_status_t gk_boq_write(gk_context_t *ctx, const gk_boq_t *boq, FILE *out,
                         gk_boq_format_t format, gk_lang_t lang)
{
    if (!boq || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_boq_write: NULL argument");
    if (lang != GK_LANG_EN && lang != GK_LANG_ID)
        return gk_error(ctx, GK_ERR_ARG, "gk_boq_write: unknown language %d",
                        (int)lang);
    gk_status_t st = GK_OK;
    gk_numeric_locale_t loc;
    gk_numeric_c_enter(&loc);
    switch (format) {
    case GK_BOQ_TABLE:
        st = write_text(ctx, boq, out, lang, false);
        break;
    case GK_BOQ_MARKDOWN:
        st = write_text(ctx, boq, out, lang, true);
        break;
    case GK_BOQ_JSON:
        write_json(boq, out, lang);
        break;
    case GK_BOQ_CSV:
        write_csv(boq, out, lang);
        break;
    default:
        st = gk_error(ctx, GK_ERR_ARG, "gk_boq_write: unknown format %d",
                      (int)format);
    }
    gk_numeric_c_leave(&loc);
    if (st == GK_OK && (fflush(out) != 0 || ferror(out)))
        st = gk_error(ctx, GK_ERR_IO, "writing the bill of quantities failed");
    return st;
}

gk_status_t gk_lang_from_name(gk_context_t *ctx, const char *name,
                              gk_lang_t *out)
{
    if (name && out && strcmp(name, "en") == 0) {
        *out = GK_LANG_EN;
        return GK_OK;
    }
    if (name && out && strcmp(name, "id") == 0) {
        *out = GK_LANG_ID;
        return GK_OK;
    }
    return gk_error(ctx, GK_ERR_ARG, "unknown language \"%s\" (en or id)",
                    name ? name : "(null)");
}

gk_status_t gk_boq_format_from_name(gk_context_t *ctx, const char *name,
                                    gk_boq_format_t *out)
{
    static const struct {
        const char *name;
        gk_boq_format_t f;
    } map[] = {{"table", GK_BOQ_TABLE},
               {"json", GK_BOQ_JSON},
               {"csv", GK_BOQ_CSV},
               {"markdown", GK_BOQ_MARKDOWN},
               {"md", GK_BOQ_MARKDOWN}};
    for (size_t i = 0; name && out && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(name, map[i].name) == 0) {
            *out = map[i].f;
            return GK_OK;
        }
    return gk_error(ctx, GK_ERR_ARG,
                    "unknown format \"%s\" (table, json, csv or markdown)",
                    name ? name : "(null)");
}

const char *gk_estimate_default_data_dir(void)
{
    return GK_DATA_DIR;
}
