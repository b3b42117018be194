/*
 * lib/volume/report.c - a volume result as JSON, an aligned table, or CSV,
 * so that the CLI stays thin. Numbers are printed with gk_format_double
 * (the fewest digits that read back to the same double, as every other
 * geokota report); non-finite values as null in JSON, empty in CSV.
 */
#include <math.h>
#include <stdio.h>

#include "geokota/io.h"
#include "volume_internal.h"

static void num(FILE *fp, double x)
{
    char buf[32];
    gk_format_double(buf, x); /* "null" when not finite */
    fputs(buf, fp);
}

static void json_kv(FILE *fp, const char *k, double v, bool comma)
{
    fprintf(fp, "  \"%s\": ", k);
    num(fp, v);
    fputs(comma ? ",\n" : "\n", fp);
}

static void write_json(const gk_volume_result_t *r, FILE *fp)
{
    bool sec = r->stations != NULL;
    fprintf(fp, "{\n  \"method\": \"%s\",\n", r->method ? r->method : "");
    json_kv(fp, "cut_m3", r->cut_m3, true);
    json_kv(fp, "fill_m3", r->fill_m3, true);
    json_kv(fp, "net_m3", r->net_m3, true);
    json_kv(fp, "area_m2", r->area_m2, true);
    json_kv(fp, "nodata_area_m2", r->nodata_area_m2, true);
    json_kv(fp, "swell", r->swell, true);
    json_kv(fp, "shrink", r->shrink, true);
    json_kv(fp, "cut_loose_m3", r->cut_loose_m3, true);
    json_kv(fp, "fill_bank_m3", r->fill_bank_m3, true);
    json_kv(fp, "fill_loose_m3", r->fill_loose_m3, true);
    json_kv(fp, "net_bank_m3", r->net_bank_m3, sec);
    if (sec) {
        json_kv(fp, "cut_prismoidal_m3", r->cut_prismoidal_m3, true);
        json_kv(fp, "fill_prismoidal_m3", r->fill_prismoidal_m3, true);
        fputs("  \"sections\": [", fp);
        for (size_t i = 0; i < r->nstations; i++) {
            const gk_volume_station_t *s = &r->stations[i];
            fprintf(fp, "%s\n    {\"line\": %lld, \"station_m\": ",
                    i ? "," : "", (long long)s->line);
            num(fp, s->station_m);
            fputs(", \"cut_area_m2\": ", fp);
            num(fp, s->cut_area_m2);
            fputs(", \"fill_area_m2\": ", fp);
            num(fp, s->fill_area_m2);
            fputs(", \"cut_m3\": ", fp);
            num(fp, s->cut_m3);
            fputs(", \"fill_m3\": ", fp);
            num(fp, s->fill_m3);
            fputs(", \"cumulative_mass_m3\": ", fp);
            num(fp, s->cumulative_mass_m3);
            fputs("}", fp);
        }
        fputs(r->nstations ? "\n  ]\n" : "]\n", fp);
    }
    fputs("}\n", fp);
}

static void write_table(const gk_volume_result_t *r, FILE *fp)
{
    fprintf(fp, "method            %s\n", r->method ? r->method : "");
    fprintf(fp, "cut (bank)        %14.3f m3\n", r->cut_m3);
    fprintf(fp, "fill (compacted)  %14.3f m3\n", r->fill_m3);
    fprintf(fp, "net (cut - fill)  %14.3f m3\n", r->net_m3);
    fprintf(fp, "area with data    %14.3f m2\n", r->area_m2);
    fprintf(fp, "area without data %14.3f m2\n", r->nodata_area_m2);
    fprintf(fp, "swell / shrink    %8.3f / %.3f\n", r->swell, r->shrink);
    fprintf(fp, "cut, loose        %14.3f m3\n", r->cut_loose_m3);
    fprintf(fp, "fill, bank        %14.3f m3\n", r->fill_bank_m3);
    fprintf(fp, "fill, loose       %14.3f m3\n", r->fill_loose_m3);
    fprintf(fp, "net, bank         %14.3f m3\n", r->net_bank_m3);
    if (r->stations) {
        fprintf(fp, "cut, prismoidal   %14.3f m3\n", r->cut_prismoidal_m3);
        fprintf(fp, "fill, prismoidal  %14.3f m3\n", r->fill_prismoidal_m3);
        fprintf(fp, "stations          %14zu\n", r->nstations);
    }
}

static void write_csv(const gk_volume_result_t *r, FILE *fp)
{
    fputs("method,cut_m3,fill_m3,net_m3,area_m2,nodata_area_m2,swell,shrink,"
          "cut_loose_m3,fill_bank_m3,fill_loose_m3,net_bank_m3\n",
          fp);
    fprintf(fp, "%s", r->method ? r->method : "");
    const double v[] = {r->cut_m3,        r->fill_m3,      r->net_m3,
                        r->area_m2,       r->nodata_area_m2, r->swell,
                        r->shrink,        r->cut_loose_m3, r->fill_bank_m3,
                        r->fill_loose_m3, r->net_bank_m3};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        fputc(',', fp);
        if (isfinite(v[i]))
            num(fp, v[i]);
    }
    fputc('\n', fp);
}

gk_status_t gk_volume_report(gk_context_t *ctx, const gk_volume_result_t *r,
                             gk_report_format_t format, FILE *fp)
{
    if (!r || !fp)
        return gk_error(ctx, GK_ERR_ARG, "gk_volume_report: NULL argument");
    switch (format) {
    case GK_REPORT_JSON: write_json(r, fp); break;
    case GK_REPORT_TABLE: write_table(r, fp); break;
    case GK_REPORT_CSV: write_csv(r, fp); break;
    default:
        return gk_error(ctx, GK_ERR_ARG, "gk_volume_report: format %d",
                        (int)format);
    }
    if (ferror(fp))
        return gk_error(ctx, GK_ERR_IO, "volume report: write failed");
    return GK_OK;
}

gk_status_t gk_volume_write_sections_csv(gk_context_t *ctx,
                                         const gk_volume_result_t *r,
                                         FILE *fp)
{
    if (!r || !fp)
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_volume_write_sections_csv: NULL argument");
    fputs("station_m,cut_area_m2,fill_area_m2,cut_m3,fill_m3,"
          "cumulative_mass_m3,line\n",
          fp);
    for (size_t i = 0; i < r->nstations; i++) {
        const gk_volume_station_t *s = &r->stations[i];
        const double v[] = {s->station_m, s->cut_area_m2, s->fill_area_m2,
                            s->cut_m3,     s->fill_m3,     s->cumulative_mass_m3};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            num(fp, v[k]);
            fputc(',', fp);
        }
        fprintf(fp, "%lld\n", (long long)s->line);
    }
    if (ferror(fp))
        return gk_error(ctx, GK_ERR_IO, "sections CSV: write failed");
    return GK_OK;
}
