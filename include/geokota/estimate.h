/*
 * geokota/estimate.h - road material estimates: the material catalog, the
 * pavement templates, and the bill of quantities (BOQ) with its reports.
 *
 * The flow: load a catalog (data/materials.json or a region's own file),
 * load a template by name or path (validated against the catalog), give the
 * BOQ engine one gk_road_input_t per road (lengths and areas from the
 * geometry side), optionally price it from a CSV, and write it as a table,
 * JSON, CSV or Markdown, with English or Indonesian labels.
 *
 * Arithmetic rules, stated once (the worked examples in ROADS.md section 5
 * are reproduced by tests/estimate):
 * - volume = area x thickness, compacted (as placed);
 * - concrete mixed on site needs its mix per m^3 (kg of cement, sand and
 *   gravel, L of water); ready-mix is ordered by the m^3;
 * - granular layers order loose m^3 = compacted m^3 x the material's order
 *   factor, and weigh compacted m^3 x compacted density;
 * - asphalt weighs compacted m^3 x compacted density;
 * - waste: each material's waste fraction turns the quantity before waste
 *   ("net") into the quantity to order; both are kept and shown;
 * - whole units (pieces, bags, truck loads) are rounded up once, on the sum
 *   they belong to: a road's lines on that road's total, the BOQ's lines on
 *   the grand total (so 17,280 + 4,140 kg of cement is 429 bags of 50 kg,
 *   not 346 + 83 = 430). A per-layer line is never rounded;
 * - loads = ceil(quantity to order / vehicle capacity), the larger of the
 *   mass and volume limits when the vehicle has both.
 *
 * Thread safety: a loaded catalog, template or price list is read-only and
 * may be shared by threads; a gk_boq_t is mutated only by the functions
 * that say so.
 */
#ifndef GEOKOTA_ESTIMATE_H
#define GEOKOTA_ESTIMATE_H

#include <stdio.h>

#include "geokota/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup estimate_common Languages, formats and measures
 * @{
 */

/** Label language of reports. Keys of JSON output stay English always. */
typedef enum gk_lang {
    GK_LANG_EN = 0, /**< English (default) */
    GK_LANG_ID = 1, /**< Bahasa Indonesia, RAB vocabulary */
} gk_lang_t;

/** Report formats of gk_boq_write(). */
typedef enum gk_boq_format {
    GK_BOQ_TABLE = 0,    /**< aligned text for a terminal */
    GK_BOQ_JSON = 1,     /**< the fixed JSON shape documented in README */
    GK_BOQ_CSV = 2,      /**< RFC 4180, one row per line item */
    GK_BOQ_MARKDOWN = 3, /**< GitHub-flavoured tables */
} gk_boq_format_t;

/** Parse "en"/"id" (GK_ERR_ARG otherwise, *out unchanged). */
GK_API gk_status_t gk_lang_from_name(gk_context_t *ctx, const char *name,
                                     gk_lang_t *out);
/** Parse "table"/"json"/"csv"/"markdown" (also "md"). */
GK_API gk_status_t gk_boq_format_from_name(gk_context_t *ctx, const char *name,
                                           gk_boq_format_t *out);

/**
 * The measures a material line is counted in. A line has a value for
 * every measure that applies to its material and NAN for the others.
 * GK_MEASURE_M3 is the volume as ordered and delivered: loose for sand,
 * gravel and aggregates, placed for ready-mix, compacted for asphalt.
 */
typedef enum gk_measure {
    GK_MEASURE_KG = 0,
    GK_MEASURE_T,    /**< tonnes */
    GK_MEASURE_M3,   /**< cubic metres as ordered (see above) */
    GK_MEASURE_L,    /**< litres */
    GK_MEASURE_PCS,  /**< pieces */
    GK_MEASURE_M2,   /**< square metres (blocks, coats) */
    GK_MEASURE_M,    /**< metres (curbs, channels) */
    GK_MEASURE_BAG1, /**< bags of the material's first bag size */
    GK_MEASURE_BAG2, /**< bags of its second bag size */
    GK_MEASURE_COUNT
} gk_measure_t;

/** Unit symbol of a measure ("kg", "t", "m3", "L", "pcs", "m2", "m",
 *  "bag"): never NULL. Bags are named with their size by
 *  gk_catalog_bag_kg(). */
GK_API const char *gk_measure_symbol(gk_measure_t m);
/** @} */

/**
 * @defgroup catalog Material catalog
 *
 * A catalog is a JSON file of vehicles and materials (data/materials.json
 * is the shipped default, with SNI 7394:2008 concrete mixes, AHSP factors,
 * paving blocks, curbs, ...). Every figure in it carries a source and a
 * confidence; a region ships its own file with the same schema (README).
 * @{
 */
typedef struct gk_catalog gk_catalog_t;

/**
 * Load and validate a catalog file.
 * @param[in]  path  a JSON catalog; its name starts every error message
 * @param[out] out   the catalog, freed with gk_catalog_free(); NULL on error
 * @return GK_OK; GK_ERR_IO if unreadable; GK_ERR_FORMAT for bad JSON
 *         ("FILE: line L, column C: ..."); GK_ERR_INPUT_FIELD for a missing
 *         or mistyped field, GK_ERR_INPUT_VALUE for a value out of range,
 *         GK_ERR_INPUT_INVALID for an unknown reference, each as
 *         "FILE: line L: materials[3].density_t_m3: what (value)";
 *         GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_catalog_load(gk_context_t *ctx, const char *path,
                                   gk_catalog_t **out);
/** Same as gk_catalog_load() from a buffer; @p name is used in messages. */
GK_API gk_status_t gk_catalog_parse(gk_context_t *ctx, const char *name,
                                    const char *text, size_t len,
                                    gk_catalog_t **out);
/** Free a catalog. NULL is a no-op. */
GK_API void gk_catalog_free(gk_catalog_t *cat);

/** Catalog identity for reports: its "catalog" and "version" strings. */
GK_API const char *gk_catalog_id(const gk_catalog_t *cat);
GK_API const char *gk_catalog_version(const gk_catalog_t *cat);
/** Number of materials, and the id of the i-th (NULL if out of range). */
GK_API size_t gk_catalog_material_count(const gk_catalog_t *cat);
GK_API const char *gk_catalog_material_id(const gk_catalog_t *cat, size_t i);
/** Label of a material in a language (falls back to English, then to the
 *  id); NULL only if the id is unknown. */
GK_API const char *gk_catalog_material_label(const gk_catalog_t *cat,
                                             const char *id, gk_lang_t lang);
/** Size in kg of bag 1 or 2 (GK_MEASURE_BAG1/2) of a material, 0 if it has
 *  none. */
GK_API double gk_catalog_bag_kg(const gk_catalog_t *cat, const char *id,
                                gk_measure_t bag);
/** @} */

/**
 * @defgroup templates Pavement templates
 *
 * A template is a named pavement structure (data/templates/NAME.json):
 * layers top to bottom (material, thickness, extra width per side) and
 * items (linear, e.g. curbs on 1 or 2 sides; per area, e.g. prime coat).
 * @{
 */
typedef struct gk_template gk_template_t;

/** One layer of a template, as a borrowed view. */
typedef struct gk_template_layer {
    const char *name;     /**< unique within the template, e.g. "ac_wc" */
    const char *material; /**< catalog id */
    double thickness_m;   /**< > 0 */
    double extra_width_m; /**< per side, >= 0: the layer is
                               width + 2 * extra_width_m wide */
} gk_template_layer_t;

/**
 * Load and validate a template.
 * @param[in] name_or_path a file path (contains '/' or ends in ".json") or
 *                  a template name, looked up as DIR/templates/NAME.json
 * @param[in] data_dir the data directory (holding materials.json and
 *                  templates/); may be NULL when a path is given; see
 *                  gk_estimate_default_data_dir()
 * @param[in] cat   the catalog every material must exist in (borrowed; the
 *                  template keeps no pointer to it)
 * @param[out] out  the template, freed with gk_template_free(); NULL on
 *                  failure
 * @return GK_OK; GK_ERR_IO; GK_ERR_FORMAT; GK_ERR_INPUT_FIELD,
 *         GK_ERR_INPUT_VALUE or GK_ERR_INPUT_INVALID with
 *         "FILE: line L: layers[1].thickness_m: negative thickness (-0.15)"
 *         or "... layers[0].material: unknown material \"K-999\"";
 *         GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_template_load(gk_context_t *ctx, const char *name_or_path,
                                    const char *data_dir,
                                    const gk_catalog_t *cat,
                                    gk_template_t **out);
/** Same from a buffer; @p name is used in messages. */
GK_API gk_status_t gk_template_parse(gk_context_t *ctx, const char *name,
                                     const char *text, size_t len,
                                     const gk_catalog_t *cat,
                                     gk_template_t **out);
/** Free a template. NULL is a no-op. */
GK_API void gk_template_free(gk_template_t *tpl);

/** The template's "template" name, its title in a language, and its
 *  default carriageway width in m (0 when it states none). */
GK_API const char *gk_template_name(const gk_template_t *tpl);
GK_API const char *gk_template_title(const gk_template_t *tpl, gk_lang_t lang);
GK_API double gk_template_default_width(const gk_template_t *tpl);
/** Number of layers, and a view of layer i (top first). Returns false and
 *  leaves *out untouched when i is out of range. The strings belong to the
 *  template. The geometry side builds one corridor per layer at
 *  width + 2 * extra_width_m. */
GK_API size_t gk_template_layer_count(const gk_template_t *tpl);
GK_API bool gk_template_layer(const gk_template_t *tpl, size_t i,
                              gk_template_layer_t *out);

/**
 * Names of the templates in DATA_DIR/templates (files NAME.json), sorted.
 * @param[out] names  array of *count strings, freed with
 *                    gk_template_list_free(); NULL on failure
 * @return GK_OK (count 0 for an empty folder); GK_ERR_IO when
 *         DATA_DIR/templates cannot be opened; GK_ERR_ARG; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_template_list(gk_context_t *ctx, const char *data_dir,
                                    char ***names, size_t *count);
GK_API void gk_template_list_free(char **names, size_t count);

/**
 * Describe a template for `geokota templates show`: its layers, widths and
 * items with their material labels, as GK_BOQ_TABLE, GK_BOQ_MARKDOWN or
 * GK_BOQ_JSON (GK_BOQ_CSV gives one row per layer and item).
 * @return GK_OK; GK_ERR_ARG; GK_ERR_IO if writing fails.
 */
GK_API gk_status_t gk_template_write(gk_context_t *ctx,
                                     const gk_template_t *tpl,
                                     const gk_catalog_t *cat, FILE *out,
                                     gk_boq_format_t format, gk_lang_t lang);

/** The data directory compiled in at build time (PREFIX/share/geokota),
 *  for programs that run installed. Never NULL. */
GK_API const char *gk_estimate_default_data_dir(void);
/** @} */

/**
 * @defgroup prices Unit prices
 *
 * A CSV file with the header `material,unit,price_idr` (a city's
 * HSPK/AHSP price book): one price per material id of the catalog, in
 * rupiah per unit. The unit is one of the measures the material is
 * counted in (kg, t, m3, L, pcs, m2, m, bag50, bag40 for 50/40 kg bags,
 * also "sak50", "zak", "buah", "liter", "ton"). Blank lines and lines
 * starting with '#' are ignored; fields may be quoted.
 * @{
 */
typedef struct gk_prices gk_prices_t;

/** Load a price list. Errors name the file and line:
 *  "prices.csv: line 4: price_idr: not a number (\"1.250.000\")".
 *  @return GK_OK; GK_ERR_IO; GK_ERR_INPUT_FIELD or GK_ERR_INPUT_VALUE;
 *  GK_ERR_NOMEM. *out is freed with gk_prices_free(). */
GK_API gk_status_t gk_prices_load(gk_context_t *ctx, const char *path,
                                  gk_prices_t **out);
GK_API gk_status_t gk_prices_parse(gk_context_t *ctx, const char *name,
                                   const char *text, size_t len,
                                   gk_prices_t **out);
GK_API void gk_prices_free(gk_prices_t *prices);
/** @} */

/**
 * @defgroup boq Bill of quantities
 * @{
 */

/** One road, as the geometry side measured it. All lengths in m, areas in
 *  m^2, in a projected or ellipsoidal measure (the engine does not care). */
typedef struct gk_road_input {
    const char *id;              /**< for output and messages; not NULL */
    const char *name;            /**< display name, or NULL */
    const gk_template_t *tpl;    /**< its pavement structure; not NULL */
    double length_m;             /**< centerline length: linear items */
    double width_m;              /**< carriageway width */
    double surface_area_m2;      /**< this road's share of the union of
                                      carriageway surfaces (area items "on
                                      surface") */
    const double *layer_area_m2; /**< one per template layer: this road's
                                    share of the union corridor at that
                                    layer's width; NULL to use
                                    length_m x layer width (no junctions) */
} gk_road_input_t;

/** How concrete layers are supplied. */
typedef enum gk_concrete_supply {
    GK_SUPPLY_TEMPLATE = 0,  /**< as each template layer says (default) */
    GK_SUPPLY_SITE_MIX = 1,  /**< mixed on site: cement, sand, gravel, water */
    GK_SUPPLY_READY_MIX = 2, /**< ready-mix by the m^3, truck-mixer loads */
} gk_concrete_supply_t;

/** Options of gk_boq_build(); zero-initialised means the defaults. */
typedef struct gk_boq_options {
    bool no_waste;                 /**< order exactly the net quantities */
    gk_concrete_supply_t concrete; /**< override the templates' supply */
} gk_boq_options_t;

typedef struct gk_boq gk_boq_t;

/** One material line: what a layer, an item, a road or the whole job
 *  needs of one catalog material. Arrays are indexed by gk_measure_t and
 *  hold NAN where a measure does not apply. */
typedef struct gk_boq_line {
    const char *material;         /**< catalog id */
    gk_measure_t unit;            /**< the headline measure (catalog "unit") */
    double net[GK_MEASURE_COUNT]; /**< before waste */
    double waste_fraction;        /**< applied: order = net x (1 + waste) */
    double order[GK_MEASURE_COUNT]; /**< to order; pieces and bags rounded
                                         up in road and total lines */
    const char *vehicle;            /**< vehicle id, or NULL (e.g. water) */
    double loads;            /**< truck loads (integer), NAN if no vehicle
                                  or in a layer line */
    gk_measure_t price_unit; /**< valid when price_idr is not NAN */
    double price_idr;        /**< unit price, NAN if not priced */
    double cost_idr;         /**< order[price_unit] x price_idr, or NAN */
} gk_boq_line_t;

/** One layer of a road, or (in gk_boq_layers()) a layer summed over all
 *  roads that share its name, material and thickness. */
typedef struct gk_boq_layer {
    const char *name;
    const char *material;
    double thickness_m;
    double width_m; /**< nominal width (road width + 2 x extra); NAN in a
                         total whose roads differ */
    double area_m2;
    double volume_m3;           /**< compacted */
    double mass_t;              /**< NAN when the material has no density */
    const gk_boq_line_t *lines; /**< what the layer needs, unrounded */
    size_t n_lines;
} gk_boq_layer_t;

/** A linear or per-area item of a road (curbs, prime coat, ...). */
typedef struct gk_boq_item {
    const char *name;
    const char *material;
    bool linear;  /**< basis is metres (length x sides), else m^2 */
    double basis; /**< m or m^2 */
    const gk_boq_line_t *lines;
    size_t n_lines;
} gk_boq_item_t;

typedef struct gk_boq_road {
    const char *id;
    const char *name; /**< may be NULL */
    const char *template_name;
    double length_m;
    double width_m;
    double area_m2; /**< surface share */
    const gk_boq_layer_t *layers;
    size_t n_layers;
    const gk_boq_item_t *items;
    size_t n_items;
    const gk_boq_line_t *materials; /**< the road's totals per material */
    size_t n_materials;
    double cost_idr; /**< sum of priced lines; NAN if not priced */
} gk_boq_road_t;

/**
 * Compute the bill of quantities of @p n roads.
 * @param[in] cat   catalog the templates were loaded against (borrowed)
 * @param[in] roads n road inputs (borrowed; strings are copied)
 * @param[in] opt   options, or NULL for the defaults
 * @param[out] out  the BOQ, freed with gk_boq_free(); NULL on failure
 * @return GK_OK; GK_ERR_ARG for a NULL argument; GK_ERR_INPUT_VALUE for a
 *         negative or non-finite length, width or area ("road R7:
 *         layer_area_m2[2] is negative (-3)"); GK_ERR_INPUT_INVALID if a
 *         template names a material the catalog lacks; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_boq_build(gk_context_t *ctx, const gk_catalog_t *cat,
                                const gk_road_input_t *roads, size_t n,
                                const gk_boq_options_t *opt, gk_boq_t **out);
/** Free a BOQ. NULL is a no-op. */
GK_API void gk_boq_free(gk_boq_t *boq);

/** Roads (in input order), totals per layer and per material (in order of
 *  first appearance), total length and surface area. Pointers belong to
 *  the BOQ and stay valid until it is freed or mutated. */
GK_API size_t gk_boq_road_count(const gk_boq_t *boq);
GK_API const gk_boq_road_t *gk_boq_road(const gk_boq_t *boq, size_t i);
GK_API const gk_boq_layer_t *gk_boq_layers(const gk_boq_t *boq, size_t *n);
GK_API const gk_boq_line_t *gk_boq_materials(const gk_boq_t *boq, size_t *n);
GK_API double gk_boq_length_m(const gk_boq_t *boq);
GK_API double gk_boq_area_m2(const gk_boq_t *boq);
/** Find the total line of a material id, or NULL. */
GK_API const gk_boq_line_t *gk_boq_material(const gk_boq_t *boq,
                                            const char *material);

/**
 * Price every road and total line from @p prices (mutates @p boq). Lines
 * without a price are left NAN and their materials listed as missing (and
 * in a warning); nothing is guessed. Repricing replaces earlier prices.
 * @return GK_OK; GK_ERR_INPUT_VALUE when a price's unit is not one the
 *         material is counted in ("prices.csv: line 3: unit \"m2\" does not
 *         apply to cement (kg, t, bag50, bag40)"); GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_boq_apply_prices(gk_context_t *ctx, gk_boq_t *boq,
                                       const gk_prices_t *prices);
/** Total cost in rupiah of the priced lines; NAN before pricing. */
GK_API double gk_boq_cost_idr(const gk_boq_t *boq);
/** Material ids that had no price (valid after gk_boq_apply_prices()). */
GK_API size_t gk_boq_missing_price_count(const gk_boq_t *boq);
GK_API const char *gk_boq_missing_price(const gk_boq_t *boq, size_t i);

/** Append a warning (copied) to the report. GK_ERR_NOMEM on failure. */
GK_API gk_status_t gk_boq_add_warning(gk_context_t *ctx, gk_boq_t *boq,
                                      const char *msg);
GK_API size_t gk_boq_warning_count(const gk_boq_t *boq);
GK_API const char *gk_boq_warning(const gk_boq_t *boq, size_t i);

/**
 * Extension point for other modules (earthwork, assets found, ...): named
 * sections of key/value rows that every writer prints after the materials
 * ("sections":[{"name":..., "rows":[{"key","value","unit"}]}] in JSON).
 * A section is created by its first row; rows keep their order. @p unit may
 * be NULL. gk_boq_add_text() stores a string value instead of a number.
 * @return GK_OK; GK_ERR_ARG for NULL names; GK_ERR_NOMEM.
 */
GK_API gk_status_t gk_boq_add_value(gk_context_t *ctx, gk_boq_t *boq,
                                    const char *section, const char *key,
                                    double value, const char *unit);
GK_API gk_status_t gk_boq_add_text(gk_context_t *ctx, gk_boq_t *boq,
                                   const char *section, const char *key,
                                   const char *text);

/**
 * Write the BOQ to @p out as a table, JSON, CSV or Markdown with labels in
 * @p lang. JSON keys are fixed and English; numbers in JSON are the full
 * double (shortest round-trip form). Text formats show continuous
 * quantities with 3 decimals (2 for rupiah... see README), whole units as
 * integers. The C numeric locale is used whatever the program's locale.
 * @return GK_OK; GK_ERR_ARG; GK_ERR_IO if a write to @p out fails.
 */
GK_API gk_status_t gk_boq_write(gk_context_t *ctx, const gk_boq_t *boq,
                                FILE *out, gk_boq_format_t format,
                                gk_lang_t lang);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GEOKOTA_ESTIMATE_H */
