/*
 * tests/estimate/test_write.c - the report writers. The JSON output is read
 * back with our own parser and every number compared with the engine's
 * (exactly: the writer prints round-trip doubles); the fixed keys are
 * checked; each format is compared byte for byte with a reviewed golden
 * file in tests/estimate/golden/ (set GK_UPDATE_GOLDEN=1 to rewrite them
 * after a deliberate change, then review the diff); CSV rows all have the
 * header's column count; a non-C LC_NUMERIC does not change the output.
 */
#define _POSIX_C_SOURCE 200809L

#include <locale.h>
#include <math.h>
#include <string.h>

#include "est_test.h"

static gk_context_t *ctx;
static gk_catalog_t *cat;

static char *render(const gk_boq_t *boq, gk_boq_format_t fmt, gk_lang_t lang,
                    size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    gk_status_t st = gk_boq_write(ctx, boq, f, fmt, lang);
    fclose(f);
    if (st != GK_OK)
        diag("gk_boq_write: %s", gk_errmsg(ctx));
    return buf;
}

/* Example (a) with a price list (water unpriced), and example (b) as a
 * second road, with a section row and a warning. */
static gk_boq_t *sample(gk_template_t **t1, gk_template_t **t2)
{
    *t1 = load_tpl(ctx, cat, "rigid_jalan_lingkungan");
    *t2 = load_tpl(ctx, cat, "paving_block");
    gk_road_input_t r[2] = {
        {.id = "R1",
         .name = "Jl. Melati, Gg. 2",
         .tpl = *t1,
         .length_m = 100,
         .width_m = 3,
         .surface_area_m2 = 300},
        {.id = "R2",
         .tpl = *t2,
         .length_m = 250,
         .width_m = 4,
         .surface_area_m2 = 1000},
    };
    gk_boq_t *boq = NULL;
    gk_boq_build(ctx, cat, r, 2, NULL, &boq);
    const char *csv = "material,unit,price_idr\n"
                      "cement,bag50,75000\n"
                      "concrete_sand,m3,250000\n"
                      "gravel,m3,300000\n"
                      "sand_fill,m3,180000\n"
                      "paving_block_21x10.5_8cm,pcs,2300\n"
                      "curb_10x20x40,pcs,15000\n";
    gk_prices_t *p = NULL;
    gk_prices_parse(ctx, "prices.csv", csv, strlen(csv), &p);
    gk_boq_apply_prices(ctx, boq, p);
    gk_prices_free(p);
    gk_boq_add_value(ctx, boq, "earthwork", "cut_m3", 1350, "m3");
    gk_boq_add_text(ctx, boq, "earthwork", "method", "TIN, \"exact\"");
    return boq;
}

static void check_line(const gk_json_t *o, const gk_boq_line_t *l)
{
    const gk_json_t *q = gk_json_get(o, "quantity");
    const gk_json_t *u = gk_json_get(o, "unit");
    const gk_json_t *loads = gk_json_get(o, "loads");
    ok(gk_json_get(o, "material") && u && q && loads,
       "%s: material, quantity, unit, loads keys", l->material);
    is_str(gk_json_get(o, "material")->string, l->material, "material id");
    is_double(q->number, l->order[l->unit], 0, 0, "quantity exact");
    if (isnan(l->loads))
        is_int(loads->type, GK_JSON_NULL, "no vehicle: loads null");
    else
        is_double(loads->number, l->loads, 0, 0, "loads exact");
    const gk_json_t *om = gk_json_get(o, "order_measures");
    const gk_json_t *kg = gk_json_get(om, "kg");
    if (!isnan(l->order[GK_MEASURE_KG]))
        is_double(kg ? kg->number : NAN, l->order[GK_MEASURE_KG], 0, 0,
                  "order kg exact");
}

static void json_back(const gk_boq_t *boq)
{
    size_t len;
    char *s = render(boq, GK_BOQ_JSON, GK_LANG_ID, &len);
    gk_json_t *j = NULL;
    is_int(gk_json_parse(ctx, "boq.json", s, len, &j), GK_OK,
           "JSON output parses with our strict parser");
    if (!j) {
        free(s);
        return;
    }
    static const char *const top[] = {"roads",    "length_m",      "area_m2",
                                      "layers",   "materials",     "cost_idr",
                                      "warnings", "missing_prices"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        ok(gk_json_get(j, top[i]) != NULL, "top-level key %s", top[i]);
    is_double(gk_json_get(j, "length_m")->number, 350, 0, 0, "length 350");
    is_double(gk_json_get(j, "area_m2")->number, 1300, 0, 0, "area 1300");
    is_double(gk_json_get(j, "cost_idr")->number, gk_boq_cost_idr(boq), 0, 0,
              "cost exact");
    size_t n;
    const gk_boq_layer_t *layers = gk_boq_layers(boq, &n);
    const gk_json_t *jl = gk_json_get(j, "layers");
    is_int((long long)jl->len, (long long)n, "layer count");
    static const char *const lkeys[] = {"name",    "material", "thickness_m",
                                        "width_m", "area_m2",  "volume_m3",
                                        "mass_t"};
    for (size_t i = 0; i < jl->len && i < n; i++) {
        for (size_t k = 0; k < 7; k++)
            ok(gk_json_get(&jl->items[i], lkeys[k]) != NULL, "layer %zu key %s",
               i, lkeys[k]);
        is_double(gk_json_get(&jl->items[i], "volume_m3")->number,
                  layers[i].volume_m3, 0, 0, "layer volume exact");
    }
    const gk_boq_line_t *lines = gk_boq_materials(boq, &n);
    const gk_json_t *jm = gk_json_get(j, "materials");
    is_int((long long)jm->len, (long long)n, "material count");
    for (size_t i = 0; i < jm->len && i < n; i++)
        check_line(&jm->items[i], &lines[i]);
    const gk_json_t *cement = NULL;
    for (size_t i = 0; i < jm->len; i++)
        if (strcmp(gk_json_get(&jm->items[i], "material")->string, "cement") ==
            0)
            cement = &jm->items[i];
    is_str(gk_json_get(cement, "label")->string, "Semen (PC)",
           "labels follow --lang, keys stay English");
    is_double(
        gk_json_get(gk_json_get(cement, "order_measures"), "bag50")->number,
        gk_boq_material(boq, "cement")->order[GK_MEASURE_BAG1], 0, 0,
        "bags in JSON");
    const gk_json_t *mp = gk_json_get(j, "missing_prices");
    ok(mp->len >= 1 && strcmp(mp->items[0].string, "water") == 0,
       "water listed as missing");
    const gk_json_t *roads = gk_json_get(j, "roads");
    is_str(gk_json_get(&roads->items[0], "name")->string, "Jl. Melati, Gg. 2",
           "road name kept");
    is_int(gk_json_get(&roads->items[1], "name")->type, GK_JSON_NULL,
           "no name -> null");
    const gk_json_t *sec = gk_json_get(j, "sections");
    is_str(gk_json_get(&sec->items[0], "name")->string, "earthwork",
           "section in JSON");
    gk_json_free(j);
    free(s);
}

static void csv_shape(const gk_boq_t *boq)
{
    size_t len;
    char *s = render(boq, GK_BOQ_CSV, GK_LANG_EN, &len);
    const char *hdr = "scope,road_id,road_name,part,material,description,"
                      "thickness_m,width_m,area_m2,volume_m3,mass_t,unit,"
                      "net,waste_pct,order,loads,vehicle,price_idr,"
                      "cost_idr\r\n";
    ok(strncmp(s, hdr, strlen(hdr)) == 0, "CSV header");
    /* Every record has 19 fields (commas outside quotes + 1). */
    int fields = 1, bad = 0, rows = 0;
    bool q = false;
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            q = !q;
        else if (*p == ',' && !q)
            fields++;
        else if (*p == '\n' && !q) {
            bad += fields != 19;
            rows++;
            fields = 1;
        }
    }
    is_int(bad, 0, "every CSV row has 19 fields");
    ok(rows > 30, "CSV has %d rows", rows);
    has_str(s, "total_material,,,,cement,Cement (PC),,,,,,bag50,",
            "total cement row in bags");
    has_str(s, "\"Jl. Melati, Gg. 2\"", "a comma in a name is quoted");
    has_str(s, "\"TIN, \"\"exact\"\"\"", "quotes doubled");
    free(s);
    s = render(boq, GK_BOQ_CSV, GK_LANG_ID, &len);
    has_str(s, "lingkup,id_jalan,nama_jalan,bagian,bahan,uraian,",
            "Indonesian CSV header");
    free(s);
}

static void text_labels(const gk_boq_t *boq)
{
    size_t len;
    char *s = render(boq, GK_BOQ_TABLE, GK_LANG_ID, &len);
    has_str(s, "Semen (PC)", "id: Semen");
    has_str(s, "sak 50 kg", "id: sak");
    has_str(s, "Rit", "id: rit");
    has_str(s, "Jumlah biaya Rp", "id: total cost label");
    has_str(s, "22.062,600", "id: 22,062.6 kg grouped the Indonesian way");
    free(s);
    s = render(boq, GK_BOQ_TABLE, GK_LANG_EN, &len);
    has_str(s, "22,062.600", "en: grouped with commas");
    has_str(s, "Loads", "en: loads");
    free(s);
}

/* Golden files: exact bytes of each format for the sample. */
static void golden(const gk_boq_t *boq)
{
    static const struct {
        gk_boq_format_t fmt;
        gk_lang_t lang;
        const char *file;
    } g[] = {
        {GK_BOQ_TABLE, GK_LANG_EN, "sample_en.txt"},
        {GK_BOQ_TABLE, GK_LANG_ID, "sample_id.txt"},
        {GK_BOQ_MARKDOWN, GK_LANG_EN, "sample_en.md"},
        {GK_BOQ_CSV, GK_LANG_EN, "sample_en.csv"},
        {GK_BOQ_JSON, GK_LANG_EN, "sample_en.json"},
    };
    const char *root = getenv("GK_SOURCE_ROOT");
    bool update = getenv("GK_UPDATE_GOLDEN") != NULL;
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/tests/estimate/golden/%s",
                 root ? root : ".", g[i].file);
        size_t len;
        char *s = render(boq, g[i].fmt, g[i].lang, &len);
        if (update) {
            FILE *f = fopen(path, "wb");
            if (f) {
                fwrite(s, 1, len, f);
                fclose(f);
            }
        }
        char *want = NULL;
        size_t wlen = 0;
        if (gk_read_file(ctx, path, &want, &wlen) != GK_OK) {
            ok(0, "golden %s readable", g[i].file);
            free(s);
            continue;
        }
        bool same = wlen == len && memcmp(want, s, len) == 0;
        ok(same, "golden %s matches", g[i].file);
        if (!same)
            diag("output differs from %s; rerun with GK_UPDATE_GOLDEN=1 and "
                 "review the diff",
                 path);
        free(want);
        free(s);
    }
}

static void locale_independent(const gk_boq_t *boq)
{
    size_t a_len, b_len;
    char *a = render(boq, GK_BOQ_JSON, GK_LANG_EN, &a_len);
    const char *names[] = {"de_DE.UTF-8", "id_ID.UTF-8", "fr_FR.UTF-8",
                           "de_DE.utf8", NULL};
    const char *got = NULL;
    for (int i = 0; names[i] && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (!got) {
        ok(1, "# SKIP no comma-decimal locale installed");
        free(a);
        return;
    }
    char *b = render(boq, GK_BOQ_JSON, GK_LANG_EN, &b_len);
    ok(a_len == b_len && memcmp(a, b, a_len) == 0,
       "JSON identical under LC_NUMERIC=%s", got);
    gk_json_t *j = NULL;
    is_int(gk_json_parse(ctx, "x", "0.15", 4, &j), GK_OK,
           "parser reads 0.15 under a comma locale");
    is_double(j ? j->number : NAN, 0.15, 0, 0, "as 0.15");
    gk_json_free(j);
    setlocale(LC_NUMERIC, "C");
    free(a);
    free(b);
}

static void bad_args(const gk_boq_t *boq)
{
    is_int(gk_boq_write(ctx, boq, NULL, GK_BOQ_JSON, GK_LANG_EN), GK_ERR_ARG,
           "NULL stream");
    gk_boq_format_t f;
    gk_lang_t l;
    is_int(gk_boq_format_from_name(ctx, "md", &f), GK_OK, "md is markdown");
    is_int(f, GK_BOQ_MARKDOWN, "markdown");
    is_int(gk_boq_format_from_name(ctx, "xlsx", &f), GK_ERR_ARG, "xlsx no");
    is_str(gk_errmsg(ctx),
           "unknown format \"xlsx\" (table, json, csv or "
           "markdown)",
           "message");
    is_int(gk_lang_from_name(ctx, "id", &l), GK_OK, "id");
    is_int(l, GK_LANG_ID, "id is Indonesian");
    is_int(gk_lang_from_name(ctx, "jv", &l), GK_ERR_ARG, "jv unknown");
    ok(strlen(gk_estimate_default_data_dir()) > 0, "default data dir set");
}

int main(void)
{
    gk_context_new(&ctx);
    cat = load_catalog(ctx);
    gk_template_t *t1, *t2;
    gk_boq_t *boq = sample(&t1, &t2);
    ok(boq != NULL, "sample BOQ");
    json_back(boq);
    csv_shape(boq);
    text_labels(boq);
    golden(boq);
    locale_independent(boq);
    bad_args(boq);
    gk_boq_free(boq);
    gk_template_free(t1);
    gk_template_free(t2);
    gk_catalog_free(cat);
    gk_context_free(ctx);
    return done_testing();
}
