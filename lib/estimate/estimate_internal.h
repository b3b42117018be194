/*
 * lib/estimate/estimate_internal.h - what the estimate module's files share:
 * the catalog, template, price and BOQ layouts and the helpers that read
 * validated fields from JSON with "FILE: line L: path.key: what" errors.
 */
#ifndef GK_ESTIMATE_INTERNAL_H
#define GK_ESTIMATE_INTERNAL_H

#include <stdarg.h>

#include "core/core_internal.h"
#include "geokota/estimate.h"
#include "util/json_internal.h"

/* --- catalog ------------------------------------------------------------ */

typedef enum gk_mat_kind {
    GK_MAT_BULK,     /* counted in kg or L (cement, sands, gravel, water) */
    GK_MAT_CONCRETE, /* a mix per m^3 of bulk components */
    GK_MAT_GRANULAR, /* compacted layer ordered loose (aggregate, fill) */
    GK_MAT_ASPHALT,  /* hot mix by the tonne */
    GK_MAT_BLOCK,    /* pieces per m^2 */
    GK_MAT_LINEAR,   /* pieces per m (curbs, U-ditches) */
    GK_MAT_COAT,     /* litres per m^2 (prime, tack) */
} gk_mat_kind_t;

typedef struct gk_component {
    size_t material; /* index in the catalog, a bulk material */
    double amount;   /* in the component's base unit per parent base unit */
} gk_component_t;

typedef struct gk_material {
    char *id;
    char *label[2]; /* en, id (id may be NULL) */
    gk_mat_kind_t kind;
    gk_measure_t unit;          /* headline measure */
    bool base_litres;           /* bulk counted in L rather than kg */
    double waste;               /* fraction */
    double density_t_m3;        /* compacted/placed density, 0 if none */
    double loose_density_kg_m3; /* bulk: kg per loose m^3, 0 if none */
    double order_factor;        /* granular: loose m^3 per compacted m^3 */
    double per_unit;            /* block: pcs/m^2, linear: pcs/m, coat: L/m^2 */
    double thickness_m;         /* block thickness, 0 if not stated */
    double bag_kg[2];           /* 0 if none */
    gk_component_t *components; /* concrete: per m^3; linear: per m */
    size_t n_components;
    long vehicle;           /* index or -1 */
    long ready_mix_vehicle; /* concrete, index or -1 */
    double ready_mix_waste;
    bool ready_mix_default; /* concrete: supply when the template is silent */
} gk_material_t;

typedef struct gk_vehicle {
    char *id;
    char *label[2];
    double capacity_t;  /* 0 if not limited by mass */
    double capacity_m3; /* 0 if not limited by volume */
} gk_vehicle_t;

struct gk_catalog {
    char *name;
    char *id;
    char *version;
    gk_material_t *materials;
    size_t n_materials;
    gk_vehicle_t *vehicles;
    size_t n_vehicles;
};

/* Whether material m is counted in measure x (kg, t, m3, ...). */
bool gk_material_has_measure(const gk_material_t *m, gk_measure_t x);

/* Index of a material or vehicle id, or -1. */
long gk_catalog_find(const gk_catalog_t *cat, const char *id);
long gk_catalog_find_vehicle(const gk_catalog_t *cat, const char *id);

/* --- templates ---------------------------------------------------------- */

typedef enum gk_supply_choice {
    GK_SUPPLY_CHOICE_DEFAULT, /* the material's default */
    GK_SUPPLY_CHOICE_SITE,
    GK_SUPPLY_CHOICE_READY,
} gk_supply_choice_t;

typedef struct gk_tpl_layer {
    char *name;
    char *label[2];
    char *material;
    double thickness_m;
    double extra_width_m;
    gk_supply_choice_t supply;
} gk_tpl_layer_t;

typedef struct gk_tpl_item {
    char *name;
    char *label[2];
    char *material;
    bool linear;
    int sides; /* linear: 1 or 2 */
    long on;   /* area: -1 for the surface, else a layer index */
} gk_tpl_item_t;

struct gk_template {
    char *name;
    char *title[2];
    char *source;
    double default_width_m;
    gk_tpl_layer_t *layers;
    size_t n_layers;
    gk_tpl_item_t *items;
    size_t n_items;
};

/* --- prices ------------------------------------------------------------- */

typedef struct gk_price_row {
    char *material;
    char *unit; /* as written */
    double price;
    int line;
} gk_price_row_t;

struct gk_prices {
    char *name; /* file name for messages */
    gk_price_row_t *rows;
    size_t n_rows;
};

/* Map a price-list unit ("kg", "sak50", "bag40", "ton", "liter", "buah",
 * ...) to a measure, given the material's bag sizes; false if unknown. */
bool gk_price_unit_parse(const char *unit, const double bag_kg[2],
                         gk_measure_t *out);

/* --- the BOQ ------------------------------------------------------------ */

typedef struct gk_boq_matinfo {
    char *id;
    char *label[2];
    double bag_kg[2];
    char *vehicle_id; /* NULL if none */
    char *vehicle_label[2];
} gk_boq_matinfo_t;

typedef struct gk_boq_row {
    char *key;
    char *text; /* NULL for a number */
    double value;
    char *unit;
} gk_boq_row_t;

typedef struct gk_boq_section {
    char *name;
    gk_boq_row_t *rows;
    size_t n_rows;
} gk_boq_section_t;

typedef struct gk_boq_block {
    void *p;
    size_t len; /* 0: malloc'd; else mapped (gk_huge_alloc) */
} gk_boq_block_t;

struct gk_boq {
    gk_boq_road_t *roads;
    size_t n_roads;
    gk_boq_layer_t *layers; /* totals by (name, material, thickness) */
    size_t n_layers;
    gk_boq_line_t *materials; /* totals per material */
    size_t n_materials;
    double length_m, area_m2;
    double cost_idr;      /* NAN until priced */
    const char **missing; /* malloc'd; entries point at info ids */
    size_t n_missing;
    char **warnings;
    size_t n_warnings;
    gk_boq_section_t *sections;
    size_t n_sections;
    /* Copies of what the writers need from the catalog, so that a BOQ
     * outlives it: one entry per material the BOQ mentions. Line
     * `material` pointers point at these ids. */
    gk_boq_matinfo_t *info;
    size_t n_info;
    char *catalog_id, *catalog_version;
    /* Every string and array owned by the BOQ that is not listed above is
     * in this pool, freed at once (gk_huge_free(p, len)). */
    gk_boq_block_t *pool;
    size_t n_pool, cap_pool;
};

const gk_boq_matinfo_t *gk_boq_info(const gk_boq_t *boq, const char *id);

/* --- JSON field readers with positioned errors -------------------------- */

/* A path like "layers[1]" for messages, built while walking a file. */
typedef struct gk_jctx {
    gk_context_t *ctx;
    const char *file;
} gk_jctx_t;

gk_status_t gk_jerr(const gk_jctx_t *j, gk_status_t code, const gk_json_t *at,
                    const char *path, const char *fmt, ...) GK_PRINTF(5, 6);

/* Required / optional members. A "figure" is a number or an object
 * {"value": number, "source": "...", "confidence": "H|M|L"}. */
gk_status_t gk_jreq(const gk_jctx_t *j, const gk_json_t *obj, const char *path,
                    const char *key, gk_json_type_t type,
                    const gk_json_t **out);
gk_status_t gk_jstr(const gk_jctx_t *j, const gk_json_t *obj, const char *path,
                    const char *key, bool required, char **out);
gk_status_t gk_jfigure(const gk_jctx_t *j, const gk_json_t *obj,
                       const char *path, const char *key, bool required,
                       double def, double *out, const gk_json_t **at);
/* Labels: a string (English) or {"en": "...", "id": "..."}. */
gk_status_t gk_jlabel(const gk_jctx_t *j, const gk_json_t *obj,
                      const char *path, const char *key, char *label[2]);
/* Reject members not in the NULL-terminated list (typos must not pass
 * silently). Members starting with '_' are comments and always allowed. */
gk_status_t gk_jkeys(const gk_jctx_t *j, const gk_json_t *obj, const char *path,
                     const char *const *allowed);
/* Call @p fn on each element of the array @p arr in order, with its path
 * "NAME[i]" for messages; an element that is not an object is an error
 * there ("NAME[i]: expected an object"). Stops at the first failure and
 * returns it. */
typedef gk_status_t (*gk_jobject_fn)(const gk_jctx_t *j, const gk_json_t *o,
                                     const char *path, size_t i, void *user);
gk_status_t gk_jeach_object(const gk_jctx_t *j, const gk_json_t *arr,
                            const char *name, gk_jobject_fn fn, void *user);


#endif /* GK_ESTIMATE_INTERNAL_H */
