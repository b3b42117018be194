/*
 * tools/assets_emit.c - how `geokota assets` prints its results: asset
 * rows, summaries and gaps as a table, JSON, CSV or GeoJSON.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assets_cli.h"

static void json_opt_string(FILE *f, const char *key, const char *v)
{
    fprintf(f, ",\"%s\":", key);
    if (v)
        emit_json_string(f, v);
    else
        fputs("null", f);
}

/* The properties of row i, as JSON members (no braces). */
static void row_props(FILE *f, const gk_asset_rows_t *r, size_t i,
                      const char *group_name, bool with_dist)
{
    fputs("\"id\":", f);
    emit_json_string(f, r->ids[i]);
    fputs(",\"kind\":", f);
    emit_json_string(f, r->kinds[i]);
    if (with_dist) {
        fputs(",\"distance_m\":", f);
        emit_json_number(f, r->distance_m[i]);
    }
    if (group_name)
        fprintf(f, ",\"%s\":%lld", group_name, (long long)r->group[i]);
    json_opt_string(f, "condition", r->condition[i]);
    json_opt_string(f, "installed", r->installed[i]);
    json_opt_string(f, "district", r->district[i]);
    fprintf(f, ",\"attrs\":%s", r->attrs[i] ? r->attrs[i] : "{}");
}

void emit_rows(cli_t *cli, assets_fmt_t fmt, const gk_asset_rows_t *r,
               const char *group_name, bool with_dist, const char *title)
{
    FILE *f = cli->out;
    if (fmt == AFMT_GEOJSON) {
        fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
        for (size_t i = 0; i < r->n; i++) {
            fputs(i ? ",\n{\"type\":\"Feature\",\"properties\":{"
                    : "\n{\"type\":\"Feature\",\"properties\":{",
                  f);
            row_props(f, r, i, group_name, with_dist);
            fputs("},\"geometry\":", f);
            gk_geojson_write_geometry(f, &r->geoms, i);
            fputc('}', f);
        }
        fputs("\n]}\n", f);
        return;
    }
    if (fmt == AFMT_JSON) {
        fprintf(f, "{\"count\":%zu,\"assets\":[", r->n);
        for (size_t i = 0; i < r->n; i++) {
            fputs(i ? ",\n{" : "\n{", f);
            row_props(f, r, i, group_name, with_dist);
            fputs(",\"geometry\":", f);
            gk_geojson_write_geometry(f, &r->geoms, i);
            fputc('}', f);
        }
        fputs("\n],", f);
        emit_warnings_json(f, cli);
        fputs("}\n", f);
        return;
    }
    const char *headers[8];
    bool numeric[8] = {false};
    size_t nc = 0;
    headers[nc++] = "id";
    headers[nc++] = "kind";
    if (with_dist) {
        numeric[nc] = true;
        headers[nc++] = "distance_m";
    }
    if (group_name) {
        numeric[nc] = true;
        headers[nc++] = group_name;
    }
    headers[nc++] = "condition";
    headers[nc++] = "installed";
    headers[nc++] = "district";
    cli_table_t *t = table_new(nc, headers, numeric);
    if (!t)
        return;
    for (size_t i = 0; i < r->n; i++) {
        char d[48], g[32];
        const char *cells[8];
        size_t c = 0;
        cells[c++] = r->ids[i];
        cells[c++] = r->kinds[i];
        if (with_dist) {
            if (fmt == AFMT_CSV)
                gk_format_double(d, r->distance_m[i]);
            else
                num_cell(d, r->distance_m[i], 2);
            cells[c++] = d;
        }
        if (group_name) {
            snprintf(g, sizeof g, "%lld", (long long)r->group[i]);
            cells[c++] = g;
        }
        cells[c++] = r->condition[i] ? r->condition[i] : "";
        cells[c++] = r->installed[i] ? r->installed[i] : "";
        cells[c++] = r->district[i] ? r->district[i] : "";
        table_add_row(t, cells);
    }
    if (fmt == AFMT_TABLE && title)
        fprintf(f, "%s: %zu asset%s\n\n", title, r->n, r->n == 1 ? "" : "s");
    table_write(t, f, fmt == AFMT_CSV ? FMT_CSV : FMT_TABLE);
    table_free(t);
}

void emit_summary(cli_t *cli, assets_fmt_t fmt, const gk_assets_summary_t *s,
                  const bool *show, const char *by)
{
    FILE *f = cli->out;
    size_t nk = s->num_kinds;
    if (fmt == AFMT_JSON) {
        fputs("{\"by\":", f);
        emit_json_string(f, by ? by : "");
        fputs(",\"areas\":[", f);
        for (size_t a = 0; a < s->num_areas; a++) {
            fputs(a ? ",\n{\"name\":" : "\n{\"name\":", f);
            emit_json_string(f, s->area_names[a]);
            fputs(",\"kinds\":{", f);
            bool first = true;
            for (size_t k = 0; k < nk; k++) {
                if (!show[k])
                    continue;
                size_t c = a * nk + k;
                if (!first)
                    fputc(',', f);
                first = false;
                emit_json_string(f, s->kinds[k]);
                fprintf(f, ":{\"count\":%zu,\"length_m\":", s->count[c]);
                emit_json_number(f, s->length_m[c]);
                fputs(",\"area_m2\":", f);
                emit_json_number(f, s->area_m2[c]);
                fputc('}', f);
            }
            fputs("},\"missing\":[", f);
            first = true;
            for (size_t k = 0; k < nk; k++) {
                if (!show[k] || s->count[a * nk + k])
                    continue;
                if (!first)
                    fputc(',', f);
                first = false;
                emit_json_string(f, s->kinds[k]);
            }
            fputs("]}", f);
        }
        fputs("\n],", f);
        emit_warnings_json(f, cli);
        fputs("}\n", f);
        return;
    }
    static const char *const headers[] = {"area", "kind", "count", "length_m",
                                          "area_m2"};
    static const bool numeric[] = {false, false, true, true, true};
    cli_table_t *t = table_new(5, headers, numeric);
    if (!t)
        return;
    for (size_t a = 0; a < s->num_areas; a++)
        for (size_t k = 0; k < nk; k++) {
            if (!show[k])
                continue;
            size_t c = a * nk + k;
            char n[32], l[48], ar[48];
            snprintf(n, sizeof n, "%zu", s->count[c]);
            if (fmt == AFMT_CSV) {
                gk_format_double(l, s->length_m[c]);
                gk_format_double(ar, s->area_m2[c]);
            } else {
                num_cell(l, s->length_m[c], 1);
                num_cell(ar, s->area_m2[c], 1);
            }
            const char *cells[] = {s->area_names[a], s->kinds[k], n, l, ar};
            table_add_row(t, cells);
        }
    table_write(t, f, fmt == AFMT_CSV ? FMT_CSV : FMT_TABLE);
    table_free(t);
}

void emit_gaps(cli_t *cli, assets_fmt_t fmt, const gk_asset_gaps_t *g,
               const gk_layer_t *roads, int name_field)
{
    FILE *f = cli->out;
    if (fmt == AFMT_GEOJSON || fmt == AFMT_JSON) {
        bool gj = fmt == AFMT_GEOJSON;
        fputs(gj ? "{\"type\":\"FeatureCollection\",\"features\":["
                 : "{\"count\":",
              f);
        if (!gj)
            fprintf(f, "%zu,\"gaps\":[", g->n);
        for (size_t i = 0; i < g->n; i++) {
            const gk_asset_gap_t *x = &g->gaps[i];
            fputs(i ? ",\n" : "\n", f);
            fputs(gj ? "{\"type\":\"Feature\",\"properties\":{" : "{", f);
            fprintf(f, "\"road\":%lld,\"road_fid\":%lld", (long long)x->road,
                    (long long)gk_layer_fid(roads, (size_t)x->road));
            if (name_field >= 0)
                json_opt_string(f, "name",
                                gk_layer_get_string(roads, (size_t)name_field,
                                                    (size_t)x->road));
            fputs(",\"from_m\":", f);
            emit_json_number(f, x->from_m);
            fputs(",\"to_m\":", f);
            emit_json_number(f, x->to_m);
            fputs(",\"length_m\":", f);
            emit_json_number(f, x->length_m);
            fputs(gj ? "},\"geometry\":" : ",\"geometry\":", f);
            gk_geojson_write_geometry(f, &g->geoms, i);
            fputc('}', f);
        }
        fputs("\n]", f);
        if (!gj) {
            fputc(',', f);
            emit_warnings_json(f, cli);
        }
        fputs("}\n", f);
        return;
    }
    static const char *const headers[] = {"road", "road_fid", "name",
                                          "from_m", "to_m", "length_m"};
    static const bool numeric[] = {true, true, false, true, true, true};
    cli_table_t *t = table_new(6, headers, numeric);
    if (!t)
        return;
    double total = 0;
    for (size_t i = 0; i < g->n; i++) {
        const gk_asset_gap_t *x = &g->gaps[i];
        char r[32], fid[32], a[48], b[48], l[48];
        snprintf(r, sizeof r, "%lld", (long long)x->road);
        snprintf(fid, sizeof fid, "%lld",
                 (long long)gk_layer_fid(roads, (size_t)x->road));
        if (fmt == AFMT_CSV) {
            gk_format_double(a, x->from_m);
            gk_format_double(b, x->to_m);
            gk_format_double(l, x->length_m);
        } else {
            num_cell(a, x->from_m, 1);
            num_cell(b, x->to_m, 1);
            num_cell(l, x->length_m, 1);
        }
        const char *name = name_field >= 0
                               ? gk_layer_get_string(roads, (size_t)name_field,
                                                     (size_t)x->road)
                               : NULL;
        const char *cells[] = {r, fid, name ? name : "", a, b, l};
        table_add_row(t, cells);
        total += x->length_m;
    }
    if (fmt == AFMT_TABLE)
        fprintf(f, "%zu gap%s, %.1f m in total\n\n", g->n, g->n == 1 ? "" : "s",
                total);
    table_write(t, f, fmt == AFMT_CSV ? FMT_CSV : FMT_TABLE);
    table_free(t);
}
