/*
 * tests/estimate/test_boq.c - the BOQ engine against the worked examples of
 * shared/ROADS.md section 5 (a), (b), (c), (d), computed by hand, before
 * waste (no_waste) and with the shipped waste factors; rounding of bags,
 * pieces and loads once on totals; prices and missing prices.
 */
#include <math.h>
#include <string.h>

#include "est_test.h"

static gk_context_t *ctx;
static gk_catalog_t *cat;

static gk_boq_t *build1(const gk_template_t *t, double len, double width,
                        const double *layer_areas, double surface,
                        const gk_boq_options_t *opt)
{
    gk_road_input_t r = {.id = "R1",
                         .name = "Jl. Melati",
                         .tpl = t,
                         .length_m = len,
                         .width_m = width,
                         .surface_area_m2 = surface,
                         .layer_area_m2 = layer_areas};
    gk_boq_t *boq = NULL;
    gk_status_t st = gk_boq_build(ctx, cat, &r, 1, opt, &boq);
    if (st != GK_OK)
        diag("gk_boq_build: %s", gk_errmsg(ctx));
    return boq;
}

static double order(const gk_boq_t *boq, const char *mat, gk_measure_t m)
{
    const gk_boq_line_t *l = gk_boq_material(boq, mat);
    return l ? l->order[m] : NAN;
}

static double net(const gk_boq_t *boq, const char *mat, gk_measure_t m)
{
    const gk_boq_line_t *l = gk_boq_material(boq, mat);
    return l ? l->net[m] : NAN;
}

static double loads(const gk_boq_t *boq, const char *mat)
{
    const gk_boq_line_t *l = gk_boq_material(boq, mat);
    return l ? l->loads : NAN;
}

static const gk_boq_line_t *layer_line(const gk_boq_layer_t *l, const char *mat)
{
    for (size_t i = 0; i < l->n_lines; i++)
        if (strcmp(l->lines[i].material, mat) == 0)
            return &l->lines[i];
    return NULL;
}

/* ROADS.md 5(a): rigid jalan lingkungan, 100 m x 3 m, before waste. */
static void example_a(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "rigid_jalan_lingkungan");
    gk_boq_options_t opt = {.no_waste = true};
    gk_boq_t *boq = build1(t, 100, 3, NULL, 300, &opt);
    ok(boq != NULL, "(a) builds");
    const gk_boq_road_t *r = gk_boq_road(boq, 0);
    is_int((long long)r->n_layers, 3, "(a) three layers");
    is_double(r->layers[0].area_m2, 300, QTOL, 0, "(a) slab area 300 m2");
    is_double(r->layers[0].volume_m3, 45, QTOL, 0, "(a) slab 45.000 m3");
    is_double(r->layers[1].volume_m3, 15, QTOL, 0, "(a) lean 15.000 m3");
    is_double(r->layers[2].volume_m3, 30, QTOL, 0, "(a) cushion 30.000 m3");
    is_double(r->layers[0].mass_t, 45 * 2.33, QTOL, 0,
              "(a) slab mass 45 x 2.330 t (SNI row sum)");
    const gk_boq_line_t *c = layer_line(&r->layers[0], "cement");
    is_double(c ? c->net[GK_MEASURE_KG] : NAN, 17280, QTOL, 0,
              "(a) slab cement 45 x 384 = 17,280 kg");
    is_double(c ? c->net[GK_MEASURE_BAG1] : NAN, 345.6, QTOL, 0,
              "(a) slab cement 345.6 bags, not rounded per layer");
    c = layer_line(&r->layers[0], "concrete_sand");
    is_double(c ? c->net[GK_MEASURE_KG] : NAN, 31140, QTOL, 0,
              "(a) slab sand 31,140 kg");
    c = layer_line(&r->layers[0], "gravel");
    is_double(c ? c->net[GK_MEASURE_KG] : NAN, 46755, QTOL, 0,
              "(a) slab gravel 46,755 kg");
    c = layer_line(&r->layers[0], "water");
    is_double(c ? c->net[GK_MEASURE_L] : NAN, 9675, QTOL, 0,
              "(a) slab water 9,675 L");
    c = layer_line(&r->layers[1], "cement");
    is_double(c ? c->net[GK_MEASURE_KG] : NAN, 4140, QTOL, 0,
              "(a) lean cement 4,140 kg");
    c = layer_line(&r->layers[1], "concrete_sand");
    is_double(c ? c->net[GK_MEASURE_KG] : NAN, 12420, QTOL, 0,
              "(a) lean sand 12,420 kg");
    c = layer_line(&r->layers[1], "gravel");
    is_double(c ? c->net[GK_MEASURE_KG] : NAN, 15180, QTOL, 0,
              "(a) lean gravel 15,180 kg");
    c = layer_line(&r->layers[1], "water");
    is_double(c ? c->net[GK_MEASURE_L] : NAN, 3225, QTOL, 0,
              "(a) lean water 3,225 L");
    c = layer_line(&r->layers[2], "sand_fill");
    is_double(c ? c->net[GK_MEASURE_M3] : NAN, 36, QTOL, 0,
              "(a) cushion 36.000 m3 loose at 1.2");

    is_double(order(boq, "cement", GK_MEASURE_KG), 21420, QTOL, 0,
              "(a) cement total 21,420 kg");
    is_double(order(boq, "cement", GK_MEASURE_BAG1), 429, 0, 0,
              "(a) 428.4 -> 429 bags of 50 kg");
    is_double(order(boq, "cement", GK_MEASURE_BAG2), 536, 0, 0,
              "(a) 535.5 -> 536 bags of 40 kg");
    is_double(net(boq, "cement", GK_MEASURE_BAG1), 428.4, QTOL, 0,
              "(a) net bags 428.4 shown unrounded");
    is_double(order(boq, "concrete_sand", GK_MEASURE_KG), 43560, QTOL, 0,
              "(a) sand 43,560 kg");
    is_double(order(boq, "concrete_sand", GK_MEASURE_M3), 43560.0 / 1400, QTOL,
              0, "(a) sand 31.114 m3 at 1400 kg/m3");
    is_double(order(boq, "gravel", GK_MEASURE_M3), 61935.0 / 1350, QTOL, 0,
              "(a) gravel 61,935 kg = 45.878 m3 at 1350 kg/m3");
    is_double(order(boq, "water", GK_MEASURE_L), 12900, QTOL, 0,
              "(a) water 12,900 L");
    is_double(order(boq, "sand_fill", GK_MEASURE_M3), 36, QTOL, 0,
              "(a) cushion sand 36 m3");
    /* Loads: 8 t / 6 m3 dump truck, whichever limit comes first. */
    is_double(loads(boq, "concrete_sand"), 6, 0, 0,
              "(a) sand: 43.56 t / 8 -> 6, 31.11 m3 / 6 -> 6 loads");
    is_double(loads(boq, "gravel"), 8, 0, 0,
              "(a) gravel: 61.9 t / 8 -> 8, 45.9 m3 / 6 -> 8 loads");
    is_double(loads(boq, "sand_fill"), 6, 0, 0, "(a) cushion 36/6 = 6 loads");
    is_double(loads(boq, "cement"), 3, 0, 0, "(a) cement 21.42 t / 8 -> 3");
    ok(isnan(loads(boq, "water")), "(a) water has no vehicle");
    is_double(gk_boq_length_m(boq), 100, 0, 0, "(a) length 100 m");
    is_double(gk_boq_area_m2(boq), 300, 0, 0, "(a) area 300 m2");
    gk_boq_free(boq);

    /* Ready-mix: 45 / 7 = 6.43 -> 7 truck-mixer loads; no cement line. */
    opt.concrete = GK_SUPPLY_READY_MIX;
    boq = build1(t, 100, 3, NULL, 300, &opt);
    is_double(order(boq, "K-250", GK_MEASURE_M3), 45, QTOL, 0,
              "(a) ready-mix K-250 45 m3");
    is_double(loads(boq, "K-250"), 7, 0, 0, "(a) 45/7 = 6.43 -> 7 loads");
    is_double(loads(boq, "K-125"), 3, 0, 0, "(a) lean 15/7 -> 3 loads");
    ok(gk_boq_material(boq, "cement") == NULL,
       "(a) ready-mix: no cement to buy");
    gk_boq_free(boq);
    opt.no_waste = false;
    boq = build1(t, 100, 3, NULL, 300, &opt);
    is_double(order(boq, "K-250", GK_MEASURE_M3), 45.9, QTOL, 0,
              "(a) ready-mix with SE68 waste: 45 x 1.02 = 45.9 m3");
    is_double(loads(boq, "K-250"), 7, 0, 0, "(a) 45.9/7 = 6.56 -> 7 loads");
    gk_boq_free(boq);

    /* Shipped waste: cement 3 %, sand and gravel 5 %, water 0. */
    boq = build1(t, 100, 3, NULL, 300, NULL);
    const gk_boq_line_t *cl = gk_boq_material(boq, "cement");
    is_double(cl ? cl->net[GK_MEASURE_KG] : NAN, 21420, QTOL, 0,
              "(a) waste: net cement still 21,420 kg");
    is_double(cl ? cl->waste_fraction : NAN, 0.03, 0, 0,
              "(a) waste: cement 3 % shown");
    is_double(order(boq, "cement", GK_MEASURE_KG), 22062.6, QTOL, 0,
              "(a) waste: 21,420 x 1.03 = 22,062.6 kg to order");
    is_double(order(boq, "cement", GK_MEASURE_BAG1), 442, 0, 0,
              "(a) waste: 441.25 -> 442 bags of 50 kg");
    is_double(order(boq, "cement", GK_MEASURE_BAG2), 552, 0, 0,
              "(a) waste: 551.57 -> 552 bags of 40 kg");
    is_double(order(boq, "concrete_sand", GK_MEASURE_KG), 45738, QTOL, 0,
              "(a) waste: sand 43,560 x 1.05 = 45,738 kg");
    is_double(order(boq, "gravel", GK_MEASURE_KG), 65031.75, QTOL, 0,
              "(a) waste: gravel 61,935 x 1.05 = 65,031.75 kg");
    is_double(loads(boq, "gravel"), 9, 0, 0,
              "(a) waste: gravel 48.17 m3 / 6 -> 9 loads");
    is_double(order(boq, "water", GK_MEASURE_L), 12900, QTOL, 0,
              "(a) waste: water 12,900 L (no waste)");
    is_double(order(boq, "sand_fill", GK_MEASURE_M3), 36, QTOL, 0,
              "(a) waste: cushion 36 m3 (allowance inside the 1.2)");
    gk_boq_free(boq);
    gk_template_free(t);
}

/* Bags are rounded once on the total: two 50 m halves of example (a) need
 * 214.2 bags each (215 per road) but 428.4 -> 429 together, not 430. */
static void bags_once(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "rigid_jalan_lingkungan");
    gk_road_input_t r[2] = {
        {.id = "A",
         .tpl = t,
         .length_m = 50,
         .width_m = 3,
         .surface_area_m2 = 150},
        {.id = "B",
         .tpl = t,
         .length_m = 50,
         .width_m = 3,
         .surface_area_m2 = 150},
    };
    gk_boq_options_t opt = {.no_waste = true};
    gk_boq_t *boq = NULL;
    is_int(gk_boq_build(ctx, cat, r, 2, &opt, &boq), GK_OK, "two roads");
    const gk_boq_road_t *a = gk_boq_road(boq, 0);
    const gk_boq_line_t *ca = NULL;
    for (size_t i = 0; i < a->n_materials; i++)
        if (strcmp(a->materials[i].material, "cement") == 0)
            ca = &a->materials[i];
    is_double(ca ? ca->order[GK_MEASURE_BAG1] : NAN, 215, 0, 0,
              "road A alone: 214.2 -> 215 bags");
    is_double(order(boq, "cement", GK_MEASURE_BAG1), 429, 0, 0,
              "total: 428.4 -> 429 bags, rounded once (not 430)");
    size_t n;
    const gk_boq_layer_t *layers = gk_boq_layers(boq, &n);
    is_int((long long)n, 3, "layer totals grouped by name (3, not 6)");
    is_double(layers[0].volume_m3, 45, QTOL, 0, "slab total 45 m3");
    is_double(layers[0].width_m, 3, 0, 0, "same width kept in the total");
    const gk_boq_line_t *lc = layer_line(&layers[0], "cement");
    is_double(lc ? lc->net[GK_MEASURE_KG] : NAN, 17280, QTOL, 0,
              "slab total cement 17,280 kg");
    gk_boq_free(boq);
    gk_template_free(t);
}

/* ROADS.md 5(b): paving block, 250 m x 4 m, curbs both sides. */
static void example_b(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "paving_block");
    gk_boq_options_t opt = {.no_waste = true};
    gk_boq_t *boq = build1(t, 250, 4, NULL, 1000, &opt);
    const gk_boq_road_t *r = gk_boq_road(boq, 0);
    const char *blk = "paving_block_21x10.5_8cm";
    is_double(order(boq, blk, GK_MEASURE_PCS), 44000, 0, 0,
              "(b) 1,000 x 44 = 44,000 blocks before waste");
    is_double(r->layers[1].volume_m3, 50, QTOL, 0,
              "(b) bedding 50.000 m3 compacted");
    is_double(order(boq, "bedding_sand", GK_MEASURE_M3), 60, QTOL, 0,
              "(b) bedding 60 m3 loose");
    is_double(r->layers[2].volume_m3, 150, QTOL, 0,
              "(b) base B 150.000 m3 compacted");
    is_double(order(boq, "aggregate_b", GK_MEASURE_M3), 190.65, QTOL, 0,
              "(b) base B 150 x 1.271 = 190.65 m3 to order");
    is_double(order(boq, "aggregate_b", GK_MEASURE_T), 315, QTOL, 0,
              "(b) base B 150 x 2.1 = 315 t");
    is_double(r->layers[2].mass_t, 315, QTOL, 0, "(b) layer mass 315 t");
    is_double(r->items[0].basis, 500, 0, 0, "(b) curbs 2 x 250 = 500 m");
    is_double(order(boq, "curb_10x20x40", GK_MEASURE_PCS), 1250, 0, 0,
              "(b) 500 x 2.5 = 1,250 curbs of 40 cm");
    is_double(order(boq, "cement", GK_MEASURE_KG), 642.7, QTOL, 0,
              "(b) curb mortar cement 500 x 1.2854 = 642.7 kg");
    is_double(order(boq, "cement", GK_MEASURE_BAG1), 13, 0, 0,
              "(b) 12.85 -> 13 bags");
    is_double(order(boq, "concrete_sand", GK_MEASURE_KG), 3612.2, QTOL, 0,
              "(b) curb mortar sand 500 x 7.2244 = 3,612.2 kg");
    is_double(loads(boq, "aggregate_b"), 40, 0, 0,
              "(b) base B: 315 t / 8 -> 40 loads (190.65 m3 / 6 -> 32)");
    gk_boq_free(boq);

    boq = build1(t, 250, 4, NULL, 1000, NULL);
    is_double(order(boq, blk, GK_MEASURE_PCS), 46200, 0, 0,
              "(b) 46,200 blocks with 5 % waste (not 46,201)");
    is_double(net(boq, blk, GK_MEASURE_PCS), 44000, 0, 0,
              "(b) and 44,000 shown before waste");
    is_double(order(boq, "curb_10x20x40", GK_MEASURE_PCS), 1275, 0, 0,
              "(b) curbs 1,250 x 1.02 = 1,275");
    is_double(order(boq, "aggregate_b", GK_MEASURE_M3), 190.65, QTOL, 0,
              "(b) base B unchanged (loss in the 1.271)");
    is_double(order(boq, "cement", GK_MEASURE_BAG1), 14, 0, 0,
              "(b) mortar cement 642.7 x 1.03 = 661.98 kg -> 14 bags");
    gk_boq_free(boq);
    gk_template_free(t);
}

/* ROADS.md 5(c): asphalt, 500 m x 6 m, base layers 7 m wide. */
static void example_c(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "asphalt");
    gk_boq_options_t opt = {.no_waste = true};
    gk_boq_t *boq = build1(t, 500, 6, NULL, 3000, &opt);
    const gk_boq_road_t *r = gk_boq_road(boq, 0);
    is_double(r->layers[0].volume_m3, 120, QTOL, 0, "(c) AC-WC 120 m3");
    is_double(order(boq, "asphalt_ac_wc", GK_MEASURE_T), 278.4, QTOL, 0,
              "(c) AC-WC 278.4 t at 2.32");
    is_double(r->layers[1].volume_m3, 180, QTOL, 0, "(c) AC-BC 180 m3");
    is_double(order(boq, "asphalt_ac_bc", GK_MEASURE_T), 417.6, QTOL, 0,
              "(c) AC-BC 417.6 t");
    is_double(r->layers[2].width_m, 7, 0, 0, "(c) base A 7 m wide");
    is_double(r->layers[2].area_m2, 3500, QTOL, 0, "(c) base A 3,500 m2");
    is_double(r->layers[2].volume_m3, 525, QTOL, 0, "(c) base A 525 m3");
    is_double(order(boq, "aggregate_a", GK_MEASURE_T), 1155, QTOL, 0,
              "(c) base A 1,155 t at 2.2");
    is_double(order(boq, "aggregate_a", GK_MEASURE_M3), 525 * 1.289, QTOL, 0,
              "(c) base A 676.725 m3 to order at 1.289");
    is_double(r->layers[3].volume_m3, 700, QTOL, 0, "(c) subbase B 700 m3");
    is_double(order(boq, "aggregate_b", GK_MEASURE_T), 1470, QTOL, 0,
              "(c) subbase B 1,470 t at 2.1");
    is_double(loads(boq, "asphalt_ac_wc"), 28, 0, 0,
              "(c) AC-WC 27.84 -> 28 loads of 10 t");
    is_double(loads(boq, "asphalt_ac_bc"), 42, 0, 0,
              "(c) AC-BC 41.76 -> 42 loads (70 in all)");
    is_double(order(boq, "prime_coat", GK_MEASURE_L), 2700, QTOL, 0,
              "(c) prime coat 3,000 m2 x 0.9 L");
    is_double(order(boq, "tack_coat", GK_MEASURE_L), 750, QTOL, 0,
              "(c) tack coat 3,000 m2 x 0.25 L");
    gk_boq_free(boq);
    gk_template_free(t);
}

/* ROADS.md 5(d): two 100 m x 4 m roads crossing share 784 m2; the engine
 * takes the geometry side's shares as given. */
static void example_d(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "rigid_jalan_lingkungan");
    double areas[3] = {392, 392, 392};
    gk_road_input_t r[2] = {
        {.id = "X",
         .tpl = t,
         .length_m = 100,
         .width_m = 4,
         .surface_area_m2 = 392,
         .layer_area_m2 = areas},
        {.id = "Y",
         .tpl = t,
         .length_m = 100,
         .width_m = 4,
         .surface_area_m2 = 392,
         .layer_area_m2 = areas},
    };
    gk_boq_options_t opt = {.no_waste = true};
    gk_boq_t *boq = NULL;
    is_int(gk_boq_build(ctx, cat, r, 2, &opt, &boq), GK_OK, "(d) builds");
    is_double(gk_boq_area_m2(boq), 784, 0, 0, "(d) 784 m2, not 800");
    size_t n;
    const gk_boq_layer_t *l = gk_boq_layers(boq, &n);
    is_double(l[0].volume_m3, 784 * 0.15, QTOL, 0,
              "(d) slab 784 x 0.15 m3 (junction once)");
    is_double(order(boq, "cement", GK_MEASURE_KG),
              784 * 0.15 * 384 + 784 * 0.05 * 276, QTOL, 0,
              "(d) cement from the union areas");
    gk_boq_free(boq);
    gk_template_free(t);
}

static void prices(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "rigid_jalan_lingkungan");
    gk_boq_options_t opt = {.no_waste = true};
    gk_boq_t *boq = build1(t, 100, 3, NULL, 300, &opt);
    const char *csv = "material,unit,price_idr\n"
                      "# a comment\n"
                      "cement,bag50,75000\n"
                      "concrete_sand,m3,250000\n"
                      "\"gravel\",kg,300\n"
                      "sand_fill,m3,180000.5\n"
                      "unused_thing,m3,1\n";
    gk_prices_t *p = NULL;
    is_int(gk_prices_parse(ctx, "prices.csv", csv, strlen(csv), &p), GK_OK,
           "price list parses");
    is_int(gk_boq_apply_prices(ctx, boq, p), GK_OK, "prices apply");
    const gk_boq_line_t *c = gk_boq_material(boq, "cement");
    is_double(c->cost_idr, 429 * 75000.0, 0, 0,
              "cement 429 bags x Rp 75,000 (whole bags)");
    is_int(c->price_unit, GK_MEASURE_BAG1, "priced per 50 kg bag");
    double want =
        429 * 75000.0 + 43560.0 / 1400 * 250000 + 61935 * 300.0 + 36 * 180000.5;
    is_double(gk_boq_cost_idr(boq), want, 1e-15, 0,
              "total = sum of priced lines");
    is_double(gk_boq_road(boq, 0)->cost_idr, want, 1e-15, 0,
              "road cost (one road) = total");
    is_int((long long)gk_boq_missing_price_count(boq), 1, "one missing");
    is_str(gk_boq_missing_price(boq, 0), "water", "water has no price");
    ok(isnan(gk_boq_material(boq, "water")->cost_idr), "and is not guessed");
    has_str(gk_boq_warning(boq, 0), "no price for 1 material",
            "a warning says so");
    gk_prices_free(p);

    /* A unit the material is not counted in. */
    const char *bad = "material,unit,price_idr\ncement,m2,5\n";
    is_int(gk_prices_parse(ctx, "prices.csv", bad, strlen(bad), &p), GK_OK,
           "parses (units are checked against the BOQ)");
    is_int(gk_boq_apply_prices(ctx, boq, p), GK_ERR_INPUT_VALUE,
           "m2 of cement is rejected");
    is_str(gk_errmsg(ctx),
           "prices.csv: line 2: unit \"m2\" does not apply to cement (kg, t, "
           "bag50, bag40)",
           "message names file, line, unit and the units that apply");
    is_double(gk_boq_cost_idr(boq), want, 1e-15, 0,
              "a failed repricing leaves the old prices");
    gk_prices_free(p);
    gk_boq_free(boq);
    gk_template_free(t);

    struct {
        const char *csv, *msg;
        gk_status_t code;
    } cases[] = {
        {"material,unit,price_idr\ncement,kg,1.250.000\n",
         "prices.csv: line 2: price_idr: not a plain number (\"1.250.000\"; "
         "write rupiah as digits, e.g. 1250000)",
         GK_ERR_INPUT_VALUE},
        {"material,unit,price_idr\ncement,kg,-5\n",
         "prices.csv: line 2: price_idr: not a plain number (\"-5\"; write "
         "rupiah as digits, e.g. 1250000)",
         GK_ERR_INPUT_VALUE},
        {"material,price\ncement,5\n",
         "prices.csv: line 1: the header must name the columns material,"
         "unit,price_idr",
         GK_ERR_INPUT_FIELD},
        {"material,unit,price_idr\n\ncement,kg\n",
         "prices.csv: line 3: 2 fields, expected material,unit,price_idr",
         GK_ERR_INPUT_FIELD},
        {"material,unit,price_idr\ncement,kg,1\ncement,KG,2\n",
         "prices.csv: line 3: duplicate price for cement per KG (first at "
         "line 2)",
         GK_ERR_INPUT_VALUE},
        {"material,unit,price_idr\n\"cement,kg,1\n",
         "prices.csv: line 2: unterminated quoted field", GK_ERR_INPUT_FIELD},
        {"",
         "prices.csv: line 1: empty price list (expected the header "
         "material,unit,price_idr)",
         GK_ERR_INPUT_FIELD},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p = (gk_prices_t *)1;
        gk_status_t st = gk_prices_parse(ctx, "prices.csv", cases[i].csv,
                                         strlen(cases[i].csv), &p);
        is_int(st, cases[i].code, "bad price list: code");
        is_str(gk_errmsg(ctx), cases[i].msg, "bad price list: message");
        ok(p == NULL, "bad price list: no result");
    }
}

static void bad_roads(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "asphalt");
    double areas[4] = {3000, 3000, -3, 3500};
    gk_road_input_t r = {.id = "R7",
                         .tpl = t,
                         .length_m = 500,
                         .width_m = 6,
                         .surface_area_m2 = 3000,
                         .layer_area_m2 = areas};
    gk_boq_t *boq = (gk_boq_t *)1;
    is_int(gk_boq_build(ctx, cat, &r, 1, NULL, &boq), GK_ERR_INPUT_VALUE,
           "negative layer area rejected");
    is_str(gk_errmsg(ctx), "road R7: layer_area_m2[2] is negative (-3)",
           "message names road and layer");
    ok(boq == NULL, "no BOQ on failure");
    r.layer_area_m2 = NULL;
    r.length_m = NAN;
    is_int(gk_boq_build(ctx, cat, &r, 1, NULL, &boq), GK_ERR_INPUT_NAN,
           "NaN length rejected");
    is_str(gk_errmsg(ctx), "road R7: length_m is not finite", "message");
    is_int(gk_boq_build(ctx, cat, NULL, 1, NULL, &boq), GK_ERR_ARG,
           "NULL roads");
    /* An empty job is a valid, empty BOQ. */
    is_int(gk_boq_build(ctx, cat, NULL, 0, NULL, &boq), GK_OK, "0 roads ok");
    is_int((long long)gk_boq_road_count(boq), 0, "no roads");
    gk_boq_free(boq);
    gk_template_free(t);
}

static void extension_points(void)
{
    gk_template_t *t = load_tpl(ctx, cat, "gravel_telford");
    gk_boq_t *boq = build1(t, 200, 3, NULL, 600, NULL);
    is_double(order(boq, "telford_stone", GK_MEASURE_M3), 600 * 0.15 * 1.3,
              QTOL, 0, "telford 90 m3 x 1.3 = 117 m3");
    is_double(order(boq, "crushed_stone", GK_MEASURE_M3), 600 * 0.10 * 1.307,
              QTOL, 0, "crushed stone 60 m3 x 1.307");
    is_int(gk_boq_add_warning(ctx, boq, "feature 3 skipped"), GK_OK,
           "add warning");
    is_int(gk_boq_add_value(ctx, boq, "earthwork", "cut", 1350, "m3"), GK_OK,
           "add a section row");
    is_int(gk_boq_add_text(ctx, boq, "earthwork", "method", "TIN"), GK_OK,
           "add a text row");
    is_int(gk_boq_add_value(ctx, boq, "assets", "manholes", 4, NULL), GK_OK,
           "second section");
    is_int((long long)boq->n_sections, 2, "two sections");
    is_int((long long)boq->sections[0].n_rows, 2, "rows grouped by section");
    is_str(gk_boq_warning(boq, 0), "feature 3 skipped", "warning kept");
    gk_boq_free(boq);
    gk_template_free(t);
}

int main(void)
{
    gk_context_new(&ctx);
    cat = load_catalog(ctx);
    example_a();
    bags_once();
    example_b();
    example_c();
    example_d();
    prices();
    bad_roads();
    extension_points();
    gk_catalog_free(cat);
    gk_context_free(ctx);
    return done_testing();
}
