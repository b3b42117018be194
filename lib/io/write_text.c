/*
 * lib/io/write_text.c - GeoJSON and CSV (WKT) writers for layers. Text is
 * built in memory and saved with gk_write_file_atomic(), so a failed write
 * never leaves a half-written file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

static void put_num(FILE *f, double v)
{
    char buf[32];
    gk_format_double(buf, v);
    fputs(buf, f);
}

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Coordinates of ring r as "[x,y],[x,y]" (GeoJSON) or "x y, x y" (WKT). */
static void put_ring(FILE *f, const gk_geoms_t *g, int64_t r, bool wkt)
{
    for (int64_t v = g->ring_off[r]; v < g->ring_off[r + 1]; v++) {
        if (v > g->ring_off[r])
            fputs(wkt ? ", " : ",", f);
        if (!wkt)
            fputc('[', f);
        put_num(f, g->xy[2 * v]);
        fputc(wkt ? ' ' : ',', f);
        put_num(f, g->xy[2 * v + 1]);
        if (g->z) {
            fputc(wkt ? ' ' : ',', f);
            put_num(f, g->z[v]);
        }
        if (!wkt)
            fputc(']', f);
    }
}

/* Part p: a point/line is its single ring, a polygon the list of rings. */
static void put_part(FILE *f, const gk_geoms_t *g, int64_t p,
                     gk_geom_type_t base, bool wkt)
{
    const char *open = wkt ? "(" : "[", *close = wkt ? ")" : "]";
    if (base == GK_GEOM_POLYGON) {
        fputs(open, f);
        for (int64_t r = g->part_off[p]; r < g->part_off[p + 1]; r++) {
            fputs(r > g->part_off[p] ? (wkt ? ", (" : ",[") : open, f);
            put_ring(f, g, r, wkt);
            fputs(close, f);
        }
        fputs(close, f);
    } else if (base == GK_GEOM_POINT && !wkt) {
        put_ring(f, g, g->part_off[p], false); /* "[x,y]" */
    } else {
        fputs(open, f);
        put_ring(f, g, g->part_off[p], wkt);
        fputs(close, f);
    }
}

static const char *const type_names[] = {
    NULL, "Point", "LineString", "Polygon",
    "MultiPoint", "MultiLineString", "MultiPolygon"};
static const char *const wkt_names[] = {
    NULL, "POINT", "LINESTRING", "POLYGON",
    "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"};

static void put_geometry(FILE *f, const gk_geoms_t *g, size_t i, bool wkt)
{
    gk_geom_type_t t = (gk_geom_type_t)g->types[i];
    int64_t p0 = g->geom_off[i], p1 = g->geom_off[i + 1];
    if (t == GK_GEOM_NONE || t > GK_GEOM_MULTIPOLYGON || p0 == p1) {
        fputs(wkt ? "GEOMETRYCOLLECTION EMPTY" : "null", f);
        return;
    }
    gk_geom_type_t base = gk_geom_type_base(t);
    bool multi = t != base;
    if (wkt) {
        fprintf(f, "%s%s", wkt_names[t], g->z ? " Z " : " ");
    } else {
        fprintf(f, "{\"type\":\"%s\",\"coordinates\":", type_names[t]);
    }
    if (multi)
        fputs(wkt ? "(" : "[", f);
    for (int64_t p = p0; p < p1; p++) {
        if (p > p0)
            fputs(wkt ? ", " : ",", f);
        if (multi && base == GK_GEOM_POINT && wkt) {
            fputc('(', f);
            put_ring(f, g, g->part_off[p], true);
            fputc(')', f);
        } else {
            put_part(f, g, p, base, wkt);
        }
    }
    if (multi)
        fputs(wkt ? ")" : "]", f);
    if (!wkt)
        fputc('}', f);
}

static void put_value_json(FILE *f, const gk_layer_t *l, size_t j, size_t i)
{
    if (gk_layer_is_null(l, j, i))
        fputs("null", f);
    else if (l->fields[j].type == GK_FIELD_INT)
        fprintf(f, "%lld", (long long)l->fields[j].ints[i]);
    else if (l->fields[j].type == GK_FIELD_DOUBLE)
        put_num(f, l->fields[j].dbls[i]);
    else
        put_json_string(f, l->fields[j].strs[i]);
}

/* A CSV text cell, always quoted (RFC 4180: quotes doubled), so commas,
 * quotes and line breaks in names and values survive. */
static void put_csv_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void put_value_csv(FILE *f, const gk_layer_t *l, size_t j, size_t i)
{
    if (gk_layer_is_null(l, j, i))
        return;
    if (l->fields[j].type == GK_FIELD_INT)
        fprintf(f, "%lld", (long long)l->fields[j].ints[i]);
    else if (l->fields[j].type == GK_FIELD_DOUBLE)
        put_num(f, l->fields[j].dbls[i]);
    else
        put_csv_string(f, l->fields[j].strs[i]);
}

static bool is_wgs84_lonlat(const gk_crs_t *crs)
{
    return !crs || strcmp(crs->authority, "EPSG:4326") == 0 ||
           strcmp(crs->authority, "OGC:CRS84") == 0;
}

static void print_geojson(FILE *f, const gk_layer_t *l)
{
    gk_geoms_t g = gk_layer_geoms(l);
    fputs("{\"type\":\"FeatureCollection\",", f);
    fputs("\"name\":", f);
    put_json_string(f, l->name);
    if (!is_wgs84_lonlat(l->crs) && l->crs->authority[0]) {
        fputs(",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":", f);
        put_json_string(f, l->crs->authority);
        fputs("}}", f);
    }
    fputs(",\"features\":[\n", f);
    for (size_t i = 0; i < g.ngeoms; i++) {
        fprintf(f, "%s{\"type\":\"Feature\",\"id\":%lld,\"properties\":{",
                i ? ",\n" : "", (long long)l->fids[i]);
        for (size_t j = 0; j < l->nfields; j++) {
            if (j)
                fputc(',', f);
            put_json_string(f, l->fields[j].name);
            fputc(':', f);
            put_value_json(f, l, j, i);
        }
        fputs("},\"geometry\":", f);
        put_geometry(f, &g, i, false);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

static void print_csv(FILE *f, const gk_layer_t *l)
{
    gk_geoms_t g = gk_layer_geoms(l);
    fputs("WKT,fid", f);
    for (size_t j = 0; j < l->nfields; j++) {
        fputc(',', f);
        put_csv_string(f, l->fields[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < g.ngeoms; i++) {
        fputc('"', f);
        put_geometry(f, &g, i, true);
        fprintf(f, "\",%lld", (long long)l->fids[i]);
        for (size_t j = 0; j < l->nfields; j++) {
            fputc(',', f);
            put_value_csv(f, l, j, i);
        }
        fputc('\n', f);
    }
}

/* Format the whole layer into memory, then save it atomically: a failure
 * part-way leaves no file behind. The memory stream publishes its buffer
 * only when closed. */
static gk_status_t write_layer(gk_context_t *ctx, const gk_layer_t *l,
                               const char *path, const char *function,
                               void (*print)(FILE *f, const gk_layer_t *l))
{
    if (!l || !path)
        return gk_error(ctx, GK_ERR_ARG, "%s: NULL argument", function);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return gk_error_nomem(ctx, "an output buffer");
    print(f, l);
    bool failed = ferror(f) != 0;
    failed |= fclose(f) != 0;
    gk_status_t st = failed ? gk_error(ctx, GK_ERR_NOMEM,
                                       "%s: out of memory while formatting",
                                       path)
                            : gk_write_file_atomic(ctx, path, buf, len);
    free(buf);
    return st;
}

gk_status_t gk_layer_write_geojson(gk_context_t *ctx, const gk_layer_t *l,
                                   const char *path)
{
    return write_layer(ctx, l, path, "gk_layer_write_geojson", print_geojson);
}

gk_status_t gk_layer_write_csv(gk_context_t *ctx, const gk_layer_t *l,
                               const char *path)
{
    return write_layer(ctx, l, path, "gk_layer_write_csv", print_csv);
}
