/*
 * tests/fuzz/json/fuzz_json.c - libFuzzer target for the strict JSON reader
 * and the loaders built on it: the bytes are parsed as JSON, then as a
 * catalog, as a template (against a small fixed catalog) and as a price
 * list. Nothing may crash, leak or read out of bounds, whatever the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "estimate/estimate_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char catalog_text[] =
    "{\"catalog\": \"fuzz\", \"version\": \"1\",\n"
    " \"vehicles\": [{\"id\": \"truck\", \"capacity_t\": 8,\n"
    "   \"capacity_m3\": 6, \"source\": \"s\", \"confidence\": \"L\"}],\n"
    " \"materials\": [\n"
    "  {\"id\": \"cement\", \"kind\": \"bulk\", \"bag_kg\": [50, 40],\n"
    "   \"vehicle\": \"truck\", \"source\": \"s\", \"confidence\": \"H\"},\n"
    "  {\"id\": \"water\", \"kind\": \"bulk\", \"base_unit\": \"L\",\n"
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"
    "  {\"id\": \"K-250\", \"kind\": \"concrete\",\n"
    "   \"mix_per_m3\": {\"cement\": 384, \"water\": 215},\n"
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"
    "  {\"id\": \"agg\", \"kind\": \"granular\", \"order_factor\": 1.2,\n"
    "   \"density_t_m3\": 2.1, \"vehicle\": \"truck\",\n"
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"
    "  {\"id\": \"coat\", \"kind\": \"coat\", \"rate_l_m2\": 1,\n"
    "   \"source\": \"s\", \"confidence\": \"H\"},\n"
    "  {\"id\": \"curb\", \"kind\": \"linear\", \"unit_length_m\": 0.4,\n"
    "   \"components_per_m\": {\"cement\": 1.3},\n"
    "   \"source\": \"s\", \"confidence\": \"H\"}\n"
    " ]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    gk_context_t *ctx = NULL;
    if (gk_context_new(&ctx) != GK_OK)
        return 0;
    gk_json_t *root = NULL;
    if (gk_json_parse(ctx, "fuzz", text, size, &root) == GK_OK) {
        /* Touch every lookup path on the tree. */
        (void)gk_json_get(root, "layers");
        gk_json_free(root);
    }
    gk_catalog_t *cat = NULL;
    if (gk_catalog_parse(ctx, "fuzz", text, size, &cat) == GK_OK)
        gk_catalog_free(cat);
    cat = NULL;
    if (gk_catalog_parse(ctx, "cat", catalog_text, sizeof catalog_text - 1,
                         &cat) == GK_OK) {
        gk_template_t *tpl = NULL;
        if (gk_template_parse(ctx, "fuzz", text, size, cat, &tpl) == GK_OK) {
            /* A template that loads must also compute and print. */
            gk_road_input_t r = {.id = "F",
                                 .tpl = tpl,
                                 .length_m = 10,
                                 .width_m = 3,
                                 .surface_area_m2 = 30};
            gk_boq_t *boq = NULL;
            if (gk_boq_build(ctx, cat, &r, 1, NULL, &boq) == GK_OK) {
                FILE *devnull = fopen("/dev/null", "w");
                if (devnull) {
                    for (int f = GK_BOQ_TABLE; f <= GK_BOQ_MARKDOWN; f++)
                        gk_boq_write(ctx, boq, devnull, (gk_boq_format_t)f,
                                     GK_LANG_ID);
                    fclose(devnull);
                }
                gk_boq_free(boq);
            }
            gk_template_free(tpl);
        }
        gk_catalog_free(cat);
    }
    gk_prices_t *prices = NULL;
    if (gk_prices_parse(ctx, "fuzz", text, size, &prices) == GK_OK)
        gk_prices_free(prices);
    gk_context_free(ctx);
    return 0;
}
