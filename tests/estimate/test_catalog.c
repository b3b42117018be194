/*
 * tests/estimate/test_catalog.c - the shipped catalog and templates load and
 * agree with their sources (SNI 7394 rows sum to 2330 +- 1 kg/m3, w/c); every
 * validation error of catalogs and templates gives its exact message with
 * file, line and key.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <string.h>

#include "est_test.h"

static gk_context_t *ctx;

static const gk_material_t *mat(const gk_catalog_t *cat, const char *id)
{
    long i = gk_catalog_find(cat, id);
    return i < 0 ? NULL : &cat->materials[i];
}

static void shipped(void)
{
    gk_catalog_t *cat = load_catalog(ctx);
    is_str(gk_catalog_id(cat), "geokota-id-default", "catalog id");
    ok(gk_catalog_material_count(cat) >= 40, "40+ materials");
    static const struct {
        const char *grade;
        double wc;
    } sni[] = {{"K-100", 0.87}, {"K-125", 0.78}, {"K-150", 0.72},
               {"K-175", 0.66}, {"K-200", 0.61}, {"K-225", 0.58},
               {"K-250", 0.56}, {"K-275", 0.53}, {"K-300", 0.52},
               {"K-325", 0.49}, {"K-350", 0.48}};
    for (size_t i = 0; i < sizeof sni / sizeof sni[0]; i++) {
        const gk_material_t *m = mat(cat, sni[i].grade);
        double sum = 0, cement = 0, water = 0;
        for (size_t c = 0; m && c < m->n_components; c++) {
            const char *id = cat->materials[m->components[c].material].id;
            sum += m->components[c].amount;
            if (strcmp(id, "cement") == 0)
                cement = m->components[c].amount;
            if (strcmp(id, "water") == 0)
                water = m->components[c].amount;
        }
        char name[64];
        snprintf(name, sizeof name, "%s: row sums to 2330 +- 1 kg/m3",
                 sni[i].grade);
        is_double(sum, 2330, 0, 1, name);
        snprintf(name, sizeof name, "%s: water/cement = %.2f +- 0.005",
                 sni[i].grade, sni[i].wc);
        is_double(water / cement, sni[i].wc, 0, 0.005, name);
    }
    const gk_material_t *k250 = mat(cat, "K-250");
    is_double(k250->components[0].amount, 384, 0, 0, "K-250 cement 384 kg");
    is_double(k250->ready_mix_waste, 0.02, 0, 0, "ready-mix 1.02 (SE68)");
    is_double(mat(cat, "rigid_sc35")->components[0].amount, 383, 0, 0,
              "SE68 Sc 3.5 slab cement 383 kg");
    is_double(mat(cat, "lean_fc10")->components[2].amount, 909, 0, 0,
              "SE68 lean concrete gravel 909 kg");
    is_double(mat(cat, "aggregate_a")->order_factor, 1.289, 0, 0,
              "class A order factor 1.289");
    is_double(mat(cat, "aggregate_b")->order_factor, 1.271, 0, 0,
              "class B order factor 1.271");
    is_double(mat(cat, "paving_block_21x10.5_8cm")->per_unit, 44, 0, 0,
              "44 blocks/m2 of 21x10.5");
    is_double(mat(cat, "paving_block_20x10_6cm")->per_unit, 50, 0, 0,
              "50 blocks/m2 of 20x10");
    is_double(mat(cat, "curb_10x20x40")->per_unit, 2.5, 1e-15, 0,
              "2.5 curbs/m of 40 cm");
    is_double(mat(cat, "curb_10x20x50")->per_unit, 2, 1e-15, 0,
              "2 curbs/m of 50 cm");
    is_double(mat(cat, "asphalt_ac_wc")->density_t_m3, 2.32, 0, 0,
              "AC-WC 2.32 t/m3");
    is_double(gk_catalog_bag_kg(cat, "cement", GK_MEASURE_BAG2), 40, 0, 0,
              "40 kg bags");
    is_str(gk_catalog_material_label(cat, "cement", GK_LANG_ID), "Semen (PC)",
           "Indonesian label");
    is_str(gk_catalog_material_label(cat, "cement", GK_LANG_EN), "Cement (PC)",
           "English label");
    long v = gk_catalog_find_vehicle(cat, "truck_mixer_7m3");
    ok(v >= 0 && cat->vehicles[v].capacity_m3 == 7, "7 m3 truck mixer");

    char **names = NULL;
    size_t n = 0;
    is_int(gk_template_list(ctx, data_dir(), &names, &n), GK_OK, "list");
    is_int((long long)n, 5, "five shipped templates");
    if (n == 5) {
        is_str(names[0], "asphalt", "sorted: asphalt first");
        is_str(names[4], "rigid_jalan_lingkungan_se68", "... se68 last");
    }
    for (size_t i = 0; i < n; i++) {
        gk_template_t *t = NULL;
        gk_status_t st = gk_template_load(ctx, names[i], data_dir(), cat, &t);
        ok(st == GK_OK, "template %s loads", names[i]);
        if (st != GK_OK)
            diag("%s", gk_errmsg(ctx));
        gk_template_free(t);
    }
    gk_template_list_free(names, n);
    is_int(gk_template_list(ctx, "/nonexistent", &names, &n), GK_ERR_IO,
           "missing data dir");

    gk_template_t *t = load_tpl(ctx, cat, "asphalt");
    gk_template_layer_t l;
    is_int((long long)gk_template_layer_count(t), 4, "asphalt: 4 layers");
    ok(gk_template_layer(t, 2, &l), "layer 2 view");
    is_str(l.name, "base_a", "layer 2 is base_a");
    is_double(l.extra_width_m, 0.5, 0, 0, "0.5 m extra per side");
    ok(!gk_template_layer(t, 4, &l), "out of range -> false");
    is_double(gk_template_default_width(t), 6, 0, 0, "default 6 m");
    is_str(gk_template_title(t, GK_LANG_ID),
           "Jalan aspal kota (AC-WC / AC-BC di atas LPA dan LPB)",
           "Indonesian title");
    /* templates show: JSON description parses back. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    is_int(gk_template_write(ctx, t, cat, f, GK_BOQ_JSON, GK_LANG_EN), GK_OK,
           "template as JSON");
    fclose(f);
    gk_json_t *j = NULL;
    is_int(gk_json_parse(ctx, "show", buf, len, &j), GK_OK, "parses back");
    const gk_json_t *layers = gk_json_get(j, "layers");
    is_int(layers ? (long long)layers->len : -1, 4, "4 layers in JSON");
    is_double(gk_json_get(&layers->items[3], "extra_width_m")->number, 0.5, 0,
              0, "extra width in JSON");
    gk_json_free(j);
    free(buf);
    for (int fmt = GK_BOQ_TABLE; fmt <= GK_BOQ_MARKDOWN; fmt++) {
        f = open_memstream(&buf, &len);
        gk_template_write(ctx, t, cat, f, (gk_boq_format_t)fmt, GK_LANG_ID);
        fclose(f);
        ok(len > 100 && (strstr(buf, "base_a") || strstr(buf, "LPA")),
           "template format %d mentions the base", fmt);
        free(buf);
    }
    gk_template_free(t);

    t = (gk_template_t *)1;
    is_int(gk_template_load(ctx, "no_such", data_dir(), cat, &t), GK_ERR_IO,
           "unknown template name");
    has_str(gk_errmsg(ctx), "unknown template \"no_such\"", "named");
    ok(t == NULL, "no template");
    char path[4200];
    snprintf(path, sizeof path, "%s/templates/paving_block.json", data_dir());
    is_int(gk_template_load(ctx, path, NULL, cat, &t), GK_OK,
           "load by path without a data dir");
    gk_template_free(t);
    gk_catalog_free(cat);
}

/* A small catalog for the validation cases; line numbers matter. */
static const char *test_catalog =
    "{\"catalog\": \"test\", \"version\": \"1\",\n"                  /* 1 */
    " \"vehicles\": [{\"id\": \"truck\", \"capacity_t\": 8,\n"       /* 2 */
    "   \"source\": \"s\", \"confidence\": \"L\"}],\n"               /* 3 */
    " \"materials\": [\n"                                            /* 4 */
    "  {\"id\": \"cement\", \"kind\": \"bulk\", \"bag_kg\": [50],\n" /* 5 */
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"                /* 6 */
    "  {\"id\": \"K-250\", \"kind\": \"concrete\",\n"                /* 7 */
    "   \"mix_per_m3\": {\"cement\": 384},\n"                        /* 8 */
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"                /* 9 */
    "  {\"id\": \"agg\", \"kind\": \"granular\", \"order_factor\": 1.2,\n"
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"              /* 11 */
    "  {\"id\": \"coat\", \"kind\": \"coat\", \"rate_l_m2\": 1,\n" /* 12 */
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"              /* 13 */
    "  {\"id\": \"curb\", \"kind\": \"linear\", \"unit_length_m\": 0.4,\n"
    "   \"source\": \"s\", \"confidence\": \"H\"}\n" /* 15 */
    " ]}\n";

static void catalog_errors(void)
{
    gk_catalog_t *cat = NULL;
    is_int(gk_catalog_parse(ctx, "cat.json", test_catalog, strlen(test_catalog),
                            &cat),
           GK_OK, "test catalog parses");
    if (!cat)
        diag("%s", gk_errmsg(ctx));
    gk_catalog_free(cat);

    static const struct {
        const char *from, *to, *msg;
        gk_status_t code;
    } cases[] = {
        {"\"kind\": \"granular\"", "\"kind\": \"gravelly\"",
         "cat.json: line 10: materials[2].kind: unknown kind \"gravelly\" "
         "(bulk, concrete, granular, asphalt, block, linear or coat)",
         GK_ERR_INPUT_VALUE},
        {"\"order_factor\": 1.2", "\"order_factor\": -1.2",
         "cat.json: line 10: materials[2].order_factor: negative value "
         "(-1.2)",
         GK_ERR_INPUT_VALUE},
        {"\"order_factor\": 1.2", "\"order_factr\": 1.2",
         "cat.json: line 10: materials[2].order_factr: unknown field (a "
         "typo? comments start with '_')",
         GK_ERR_INPUT_FIELD},
        {"\"kind\": \"coat\", \"rate_l_m2\": 1",
         "\"kind\": \"coat\", \"rate_l_m2\": {\"value\": 1}",
         "cat.json: line 12: materials[3].rate_l_m2: missing field "
         "\"source\"",
         GK_ERR_INPUT_FIELD},
        {"\"mix_per_m3\": {\"cement\": 384}",
         "\"mix_per_m3\": {\"cemen\": 384}",
         "cat.json: line 8: materials[1].mix_per_m3.cemen: unknown material "
         "\"cemen\"",
         GK_ERR_INPUT_INVALID},
        {"\"mix_per_m3\": {\"cement\": 384}", "\"mix_per_m3\": {\"agg\": 384}",
         "cat.json: line 8: materials[1].mix_per_m3.agg: a component must be "
         "a bulk material",
         GK_ERR_INPUT_INVALID},
        {"\"mix_per_m3\": {\"cement\": 384},\n", "\n",
         "cat.json: line 7: materials[1]: missing field \"mix_per_m3\"",
         GK_ERR_INPUT_FIELD},
        {"\"confidence\": \"L\"}]", "\"confidence\": \"low\"}]",
         "cat.json: line 3: vehicles[0].confidence: must be \"H\", \"M\" or "
         "\"L\" (found \"low\")",
         GK_ERR_INPUT_VALUE},
        {"\"id\": \"agg\", \"kind\": \"granular\", \"order_factor\": 1.2,\n"
         "   \"source\": \"s\", ",
         "\"id\": \"agg\", \"kind\": \"granular\", \"order_factor\": 1.2,\n"
         "   \"vehicle\": \"lorry\", ",
         "cat.json: line 10: materials[2]: missing field \"source\"",
         GK_ERR_INPUT_FIELD},
        {"\"order_factor\": 1.2,",
         "\"order_factor\": 1.2, \"vehicle\": "
         "\"lorry\",",
         "cat.json: line 10: materials[2].vehicle: unknown vehicle \"lorry\"",
         GK_ERR_INPUT_INVALID},
        {"\"id\": \"agg\"", "\"id\": \"cement\"",
         "cat.json: line 10: materials[2]: duplicate material id \"cement\"",
         GK_ERR_INPUT_INVALID},
        {"\"kind\": \"coat\", \"rate_l_m2\": 1",
         "\"kind\": \"coat\", \"rate_l_m2\": 1, \"waste_fraction\": 5",
         "cat.json: line 12: materials[3].waste_fraction: a fraction below 1 "
         "is expected (found 5; 5 % is 0.05)",
         GK_ERR_INPUT_VALUE},
        {"\"unit_length_m\": 0.4",
         "\"unit_length_m\": 0.4, \"pieces_per_m\": "
         "2.5",
         "cat.json: line 14: materials[4]: give exactly one of "
         "\"pieces_per_m\" and \"unit_length_m\"",
         GK_ERR_INPUT_FIELD},
        {"\"bag_kg\": [50]", "\"bag_kg\": [50], \"unit\": \"pcs\"",
         "cat.json: line 5: materials[0].unit: unit \"pcs\" does not apply to "
         "a bulk material",
         GK_ERR_INPUT_VALUE},
        {"\"version\": \"1\"", "\"version\": 1",
         "cat.json: line 1: version: expected a string, found a number",
         GK_ERR_INPUT_FIELD},
        {"\"capacity_t\": 8", "\"capacity\": 8",
         "cat.json: line 2: vehicles[0].capacity: unknown field (a typo? "
         "comments start with '_')",
         GK_ERR_INPUT_FIELD},
        {" ]}", " ],}",
         "cat.json: line 16, column 4: trailing comma before "
         "'}'",
         GK_ERR_FORMAT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[4096];
        const char *at = strstr(test_catalog, cases[i].from);
        if (!at) {
            ok(0, "case %zu: pattern not found", i);
            continue;
        }
        size_t pre = (size_t)(at - test_catalog);
        snprintf(text, sizeof text, "%.*s%s%s", (int)pre, test_catalog,
                 cases[i].to, at + strlen(cases[i].from));
        cat = (gk_catalog_t *)1;
        gk_status_t st =
            gk_catalog_parse(ctx, "cat.json", text, strlen(text), &cat);
        char name[64];
        snprintf(name, sizeof name, "catalog case %zu: code", i);
        is_int(st, cases[i].code, name);
        is_str(gk_errmsg(ctx), cases[i].msg, "catalog case: message");
        ok(cat == NULL, "catalog case: no result");
    }
}

static const char *test_template =
    "{\"template\": \"rigid\", \"source\": \"test\",\n"   /* 1 */
    " \"layers\": [\n"                                    /* 2 */
    "  {\"name\": \"slab\", \"material\": \"K-250\",\n"   /* 3 */
    "   \"thickness_m\": 0.15},\n"                        /* 4 */
    "  {\"name\": \"cushion\", \"material\": \"agg\",\n"  /* 5 */
    "   \"thickness_m\": 0.10, \"extra_width_m\": 0.5}\n" /* 6 */
    " ],\n"                                               /* 7 */
    " \"items\": [\n"                                     /* 8 */
    "  {\"name\": \"curbs\", \"kind\": \"linear\", \"material\": \"curb\",\n"
    "   \"sides\": 2},\n" /* 10 */
    "  {\"name\": \"prime\", \"kind\": \"area\", \"material\": \"coat\",\n"
    "   \"on\": \"cushion\"}\n" /* 12 */
    " ]}\n";

static void template_errors(void)
{
    gk_catalog_t *cat = NULL;
    gk_catalog_parse(ctx, "cat.json", test_catalog, strlen(test_catalog), &cat);
    gk_template_t *t = NULL;
    is_int(gk_template_parse(ctx, "rigid.json", test_template,
                             strlen(test_template), cat, &t),
           GK_OK, "test template parses");
    is_int(t ? t->items[1].on : -9, 1, "prime coat on layer 1");
    gk_template_free(t);
    static const struct {
        const char *from, *to, *msg;
        gk_status_t code;
    } cases[] = {
        {"\"thickness_m\": 0.10", "\"thickness_m\": -0.15",
         "rigid.json: line 6: layers[1].thickness_m: negative thickness "
         "(-0.15)",
         GK_ERR_INPUT_VALUE},
        {"\"material\": \"K-250\"", "\"material\": \"K-999\"",
         "rigid.json: line 3: layers[0].material: unknown material "
         "\"K-999\"",
         GK_ERR_INPUT_INVALID},
        {"\"name\": \"cushion\", \"material\": \"agg\",",
         "\"name\": \"cushion\",",
         "rigid.json: line 5: layers[1]: missing field \"material\"",
         GK_ERR_INPUT_FIELD},
        {"\"thickness_m\": 0.15}", "\"thickness\": 0.15}",
         "rigid.json: line 4: layers[0].thickness: unknown field (a typo? "
         "comments start with '_')",
         GK_ERR_INPUT_FIELD},
        {"\"thickness_m\": 0.15}", "\"note\": \"x\"}",
         "rigid.json: line 3: layers[0]: missing field \"thickness_m\"",
         GK_ERR_INPUT_FIELD},
        {"\"thickness_m\": 0.15}", "\"thickness_m\": \"15 cm\"}",
         "rigid.json: line 4: layers[0].thickness_m: expected a number, "
         "found a string",
         GK_ERR_INPUT_FIELD},
        {"\"thickness_m\": 0.15}", "\"thickness_m\": 0}",
         "rigid.json: line 4: layers[0].thickness_m: thickness must be "
         "greater than 0",
         GK_ERR_INPUT_VALUE},
        {"\"extra_width_m\": 0.5", "\"extra_width_m\": -0.5",
         "rigid.json: line 6: layers[1].extra_width_m: negative extra width "
         "(-0.5)",
         GK_ERR_INPUT_VALUE},
        {"\"sides\": 2", "\"sides\": 3",
         "rigid.json: line 10: items[0].sides: must be 1 or 2 (found 3)",
         GK_ERR_INPUT_VALUE},
        {"\"on\": \"cushion\"", "\"on\": \"base\"",
         "rigid.json: line 12: items[1].on: no layer named \"base\" (or use "
         "\"surface\")",
         GK_ERR_INPUT_INVALID},
        {"\"material\": \"curb\"", "\"material\": \"coat\"",
         "rigid.json: line 9: items[0].material: \"coat\" is not a linear "
         "material",
         GK_ERR_INPUT_INVALID},
        {"\"material\": \"K-250\"", "\"material\": \"coat\"",
         "rigid.json: line 3: layers[0].material: \"coat\" is not a layer "
         "material (use it as an item)",
         GK_ERR_INPUT_INVALID},
        {"\"name\": \"cushion\"", "\"name\": \"slab\"",
         "rigid.json: line 5: layers[1]: duplicate layer name \"slab\"",
         GK_ERR_INPUT_INVALID},
        {"\"thickness_m\": 0.15}",
         "\"thickness_m\": 0.15, \"supply\": "
         "\"truck\"}",
         "rigid.json: line 4: layers[0].supply: must be \"site_mix\" or "
         "\"ready_mix\" (found \"truck\")",
         GK_ERR_INPUT_VALUE},
        {"\"template\": \"rigid\", ", "",
         "rigid.json: line 1: missing field \"template\"", GK_ERR_INPUT_FIELD},
        {"\"kind\": \"linear\"", "\"kind\": \"line\"",
         "rigid.json: line 9: items[0].kind: must be \"linear\" or \"area\" "
         "(found \"line\")",
         GK_ERR_INPUT_VALUE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[4096];
        const char *at = strstr(test_template, cases[i].from);
        if (!at) {
            ok(0, "case %zu: pattern not found", i);
            continue;
        }
        size_t pre = (size_t)(at - test_template);
        snprintf(text, sizeof text, "%.*s%s%s", (int)pre, test_template,
                 cases[i].to, at + strlen(cases[i].from));
        t = (gk_template_t *)1;
        gk_status_t st =
            gk_template_parse(ctx, "rigid.json", text, strlen(text), cat, &t);
        char name[64];
        snprintf(name, sizeof name, "template case %zu: code", i);
        is_int(st, cases[i].code, name);
        is_str(gk_errmsg(ctx), cases[i].msg, "template case: message");
        ok(t == NULL, "template case: no result");
    }
    gk_catalog_free(cat);
}

int main(void)
{
    gk_context_new(&ctx);
    shipped();
    catalog_errors();
    template_errors();
    gk_context_free(ctx);
    return done_testing();
}
