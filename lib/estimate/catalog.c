/*
 * lib/estimate/catalog.c - load and validate a material catalog (JSON).
 *
 * The schema is documented in README ("Material catalog"); in short: a
 * root object with "catalog", "version", "vehicles" and "materials"; each
 * material has an id, a kind (bulk, concrete, granular, asphalt, block,
 * linear, coat), its figures, and "source" + "confidence". Any figure may
 * instead be {"value": x, "source": "...", "confidence": "..."} when its
 * source differs from its entry's. Unknown fields are errors (a misspelt
 * "waste_fractoin" must not silently become 0); fields starting with '_'
 * are comments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_internal.h"

static const char *const kind_names[] = {
    "bulk", "concrete", "granular", "asphalt", "block", "linear", "coat", NULL};

static void free_material(gk_material_t *m)
{
    free(m->id);
    free(m->label[0]);
    free(m->label[1]);
    free(m->components);
}

void gk_catalog_free(gk_catalog_t *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n_materials; i++)
        free_material(&cat->materials[i]);
    for (size_t i = 0; i < cat->n_vehicles; i++) {
        free(cat->vehicles[i].id);
        free(cat->vehicles[i].label[0]);
        free(cat->vehicles[i].label[1]);
    }
    free(cat->materials);
    free(cat->vehicles);
    free(cat->name);
    free(cat->id);
    free(cat->version);
    free(cat);
}

long gk_catalog_find(const gk_catalog_t *cat, const char *id)
{
    if (!cat || !id)
        return -1;
    for (size_t i = 0; i < cat->n_materials; i++)
        if (strcmp(cat->materials[i].id, id) == 0)
            return (long)i;
    return -1;
}

long gk_catalog_find_vehicle(const gk_catalog_t *cat, const char *id)
{
    if (!cat || !id)
        return -1;
    for (size_t i = 0; i < cat->n_vehicles; i++)
        if (strcmp(cat->vehicles[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* A figure that must be > 0 (or >= 0 when zero_ok). */
static gk_status_t positive(const gk_jctx_t *j, const gk_json_t *obj,
                            const char *path, const char *key, bool required,
                            bool zero_ok, double def, double *out)
{
    const gk_json_t *at;
    gk_status_t st = gk_jfigure(j, obj, path, key, required, def, out, &at);
    if (st != GK_OK || !at)
        return st;
    char full[256];
    snprintf(full, sizeof full, "%s.%s", path, key);
    if (*out < 0)
        return gk_jerr(j, GK_ERR_INPUT_VALUE, at, full, "negative value (%g)",
                       *out);
    if (*out == 0 && !zero_ok)
        return gk_jerr(j, GK_ERR_INPUT_VALUE, at, full,
                       "must be greater than 0");
    return GK_OK;
}

static gk_status_t check_source(const gk_jctx_t *j, const gk_json_t *obj,
                                const char *path)
{
    char *s = NULL;
    gk_status_t st = gk_jstr(j, obj, path, "source", true, &s);
    free(s);
    if (st != GK_OK)
        return st;
    const gk_json_t *c;
    st = gk_jreq(j, obj, path, "confidence", GK_JSON_STRING, &c);
    if (st != GK_OK)
        return st;
    if (strcmp(c->string, "H") && strcmp(c->string, "M") &&
        strcmp(c->string, "L")) {
        char full[256];
        snprintf(full, sizeof full, "%s.confidence", path);
        return gk_jerr(j, GK_ERR_INPUT_VALUE, c, full,
                       "must be \"H\", \"M\" or \"L\" (found \"%s\")",
                       c->string);
    }
    return GK_OK;
}

static gk_status_t load_vehicle(const gk_jctx_t *j, const gk_json_t *o,
                                const char *path, gk_vehicle_t *v)
{
    static const char *const keys[] = {"id",          "label",  "capacity_t",
                                       "capacity_m3", "source", "confidence",
                                       "note",        NULL};
    gk_status_t st = gk_jkeys(j, o, path, keys);
    if (st == GK_OK)
        st = gk_jstr(j, o, path, "id", true, &v->id);
    if (st == GK_OK)
        st = gk_jlabel(j, o, path, "label", v->label);
    if (st == GK_OK)
        st =
            positive(j, o, path, "capacity_t", false, false, 0, &v->capacity_t);
    if (st == GK_OK)
        st = positive(j, o, path, "capacity_m3", false, false, 0,
                      &v->capacity_m3);
    if (st == GK_OK && v->capacity_t == 0 && v->capacity_m3 == 0)
        st = gk_jerr(j, GK_ERR_INPUT_FIELD, o, path,
                     "missing field \"capacity_t\" or \"capacity_m3\"");
    if (st == GK_OK)
        st = check_source(j, o, path);
    return st;
}

static bool measure_from_name(const char *s, gk_measure_t *out)
{
    static const struct {
        const char *name;
        gk_measure_t m;
    } map[] = {{"kg", GK_MEASURE_KG},    {"t", GK_MEASURE_T},
               {"m3", GK_MEASURE_M3},    {"L", GK_MEASURE_L},
               {"pcs", GK_MEASURE_PCS},  {"m2", GK_MEASURE_M2},
               {"m", GK_MEASURE_M},      {"bag1", GK_MEASURE_BAG1},
               {"bag2", GK_MEASURE_BAG2}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i].name) == 0) {
            *out = map[i].m;
            return true;
        }
    return false;
}

/* Whether material m is counted in measure x. */
static bool has_measure(const gk_material_t *m, gk_measure_t x)
{
    switch (m->kind) {
    case GK_MAT_BULK:
        if (m->base_litres)
            return x == GK_MEASURE_L;
        return x == GK_MEASURE_KG || x == GK_MEASURE_T ||
               (x == GK_MEASURE_M3 && m->loose_density_kg_m3 > 0) ||
               (x == GK_MEASURE_BAG1 && m->bag_kg[0] > 0) ||
               (x == GK_MEASURE_BAG2 && m->bag_kg[1] > 0);
    case GK_MAT_CONCRETE:
    case GK_MAT_GRANULAR:
        return x == GK_MEASURE_M3 || (x == GK_MEASURE_T && m->density_t_m3 > 0);
    case GK_MAT_ASPHALT:
        return x == GK_MEASURE_T || x == GK_MEASURE_M3;
    case GK_MAT_BLOCK:
        return x == GK_MEASURE_PCS || x == GK_MEASURE_M2;
    case GK_MAT_LINEAR:
        return x == GK_MEASURE_PCS || x == GK_MEASURE_M;
    case GK_MAT_COAT:
        return x == GK_MEASURE_L || x == GK_MEASURE_M2;
    }
    return false;
}

static const char *const bulk_keys[] = {
    "id",     "kind",       "label", "unit",      "waste_fraction",
    "source", "confidence", "note",  "base_unit", "loose_density_kg_m3",
    "bag_kg", "vehicle",    NULL};
static const char *const concrete_keys[] = {"id",
                                            "kind",
                                            "label",
                                            "unit",
                                            "waste_fraction",
                                            "source",
                                            "confidence",
                                            "note",
                                            "fc_mpa",
                                            "mix_per_m3",
                                            "density_t_m3",
                                            "supply",
                                            "ready_mix_vehicle",
                                            "ready_mix_waste_fraction",
                                            NULL};
static const char *const granular_keys[] = {
    "id",      "kind",       "label", "unit",         "waste_fraction",
    "source",  "confidence", "note",  "order_factor", "density_t_m3",
    "vehicle", NULL};
static const char *const asphalt_keys[] = {
    "id",     "kind",       "label", "unit",         "waste_fraction",
    "source", "confidence", "note",  "density_t_m3", "vehicle",
    NULL};
static const char *const block_keys[] = {"id",
                                         "kind",
                                         "label",
                                         "unit",
                                         "waste_fraction",
                                         "source",
                                         "confidence",
                                         "note",
                                         "pieces_per_m2",
                                         "thickness_m",
                                         "size_cm",
                                         "strength",
                                         "vehicle",
                                         NULL};
static const char *const linear_keys[] = {"id",
                                          "kind",
                                          "label",
                                          "unit",
                                          "waste_fraction",
                                          "source",
                                          "confidence",
                                          "note",
                                          "pieces_per_m",
                                          "unit_length_m",
                                          "components_per_m",
                                          "size_cm",
                                          "vehicle",
                                          NULL};
static const char *const coat_keys[] = {
    "id",     "kind",       "label", "unit",      "waste_fraction",
    "source", "confidence", "note",  "rate_l_m2", "vehicle",
    NULL};

static const char *const *kind_keys(gk_mat_kind_t k)
{
    switch (k) {
    case GK_MAT_BULK:
        return bulk_keys;
    case GK_MAT_CONCRETE:
        return concrete_keys;
    case GK_MAT_GRANULAR:
        return granular_keys;
    case GK_MAT_ASPHALT:
        return asphalt_keys;
    case GK_MAT_BLOCK:
        return block_keys;
    case GK_MAT_LINEAR:
        return linear_keys;
    case GK_MAT_COAT:
        return coat_keys;
    }
    return bulk_keys;
}

static gk_measure_t default_unit(const gk_material_t *m)
{
    switch (m->kind) {
    case GK_MAT_BULK:
        return m->base_litres ? GK_MEASURE_L : GK_MEASURE_KG;
    case GK_MAT_CONCRETE:
    case GK_MAT_GRANULAR:
        return GK_MEASURE_M3;
    case GK_MAT_ASPHALT:
        return GK_MEASURE_T;
    case GK_MAT_BLOCK:
    case GK_MAT_LINEAR:
        return GK_MEASURE_PCS;
    case GK_MAT_COAT:
        return GK_MEASURE_L;
    }
    return GK_MEASURE_KG;
}

static gk_status_t vehicle_ref(const gk_jctx_t *j, const gk_catalog_t *cat,
                               const gk_json_t *o, const char *path,
                               const char *key, long *out)
{
    *out = -1;
    const gk_json_t *v = gk_json_get(o, key);
    if (!v)
        return GK_OK;
    gk_status_t st = gk_jreq(j, o, path, key, GK_JSON_STRING, &v);
    if (st != GK_OK)
        return st;
    *out = gk_catalog_find_vehicle(cat, v->string);
    if (*out < 0) {
        char full[256];
        snprintf(full, sizeof full, "%s.%s", path, key);
        return gk_jerr(j, GK_ERR_INPUT_INVALID, v, full,
                       "unknown vehicle \"%s\"", v->string);
    }
    return GK_OK;
}

/* Kind-specific figures, read in the first pass (components are resolved
 * in the second, once every id is known). */
static gk_status_t load_figures(const gk_jctx_t *j, const gk_catalog_t *cat,
                                const gk_json_t *o, const char *path,
                                gk_material_t *m)
{
    gk_status_t st = GK_OK;
    const gk_json_t *v;
    char full[256];
    switch (m->kind) {
    case GK_MAT_BULK:
        if ((v = gk_json_get(o, "base_unit"))) {
            st = gk_jreq(j, o, path, "base_unit", GK_JSON_STRING, &v);
            if (st != GK_OK)
                return st;
            if (strcmp(v->string, "L") == 0)
                m->base_litres = true;
            else if (strcmp(v->string, "kg") != 0) {
                snprintf(full, sizeof full, "%s.base_unit", path);
                return gk_jerr(j, GK_ERR_INPUT_VALUE, v, full,
                               "must be \"kg\" or \"L\" (found \"%s\")",
                               v->string);
            }
        }
        st = positive(j, o, path, "loose_density_kg_m3", false, false, 0,
                      &m->loose_density_kg_m3);
        if (st == GK_OK && (v = gk_json_get(o, "bag_kg"))) {
            snprintf(full, sizeof full, "%s.bag_kg", path);
            st = gk_jreq(j, o, path, "bag_kg", GK_JSON_ARRAY, &v);
            if (st == GK_OK && (v->len < 1 || v->len > 2))
                st = gk_jerr(j, GK_ERR_INPUT_VALUE, v, full,
                             "give one or two bag sizes in kg");
            for (size_t i = 0; st == GK_OK && i < v->len; i++) {
                const gk_json_t *b = &v->items[i];
                if (b->type != GK_JSON_NUMBER || !(b->number > 0))
                    st = gk_jerr(j, GK_ERR_INPUT_VALUE, b, full,
                                 "bag sizes must be positive numbers");
                else
                    m->bag_kg[i] = b->number;
            }
        }
        if (st == GK_OK)
            st = vehicle_ref(j, cat, o, path, "vehicle", &m->vehicle);
        return st;
    case GK_MAT_CONCRETE:
        st = positive(j, o, path, "density_t_m3", false, false, 0,
                      &m->density_t_m3);
        if (st == GK_OK)
            st = positive(j, o, path, "ready_mix_waste_fraction", false, true,
                          0, &m->ready_mix_waste);
        if (st == GK_OK)
            st = vehicle_ref(j, cat, o, path, "ready_mix_vehicle",
                             &m->ready_mix_vehicle);
        if (st == GK_OK && (v = gk_json_get(o, "supply"))) {
            st = gk_jreq(j, o, path, "supply", GK_JSON_STRING, &v);
            if (st == GK_OK && strcmp(v->string, "ready_mix") == 0)
                m->ready_mix_default = true;
            else if (st == GK_OK && strcmp(v->string, "site_mix") != 0) {
                snprintf(full, sizeof full, "%s.supply", path);
                st = gk_jerr(j, GK_ERR_INPUT_VALUE, v, full,
                             "must be \"site_mix\" or \"ready_mix\"");
            }
        }
        if (st == GK_OK)
            st = gk_jreq(j, o, path, "mix_per_m3", GK_JSON_OBJECT, &v);
        return st;
    case GK_MAT_GRANULAR:
        st = positive(j, o, path, "order_factor", true, false, 0,
                      &m->order_factor);
        if (st == GK_OK)
            st = positive(j, o, path, "density_t_m3", false, false, 0,
                          &m->density_t_m3);
        if (st == GK_OK)
            st = vehicle_ref(j, cat, o, path, "vehicle", &m->vehicle);
        return st;
    case GK_MAT_ASPHALT:
        st = positive(j, o, path, "density_t_m3", true, false, 0,
                      &m->density_t_m3);
        if (st == GK_OK)
            st = vehicle_ref(j, cat, o, path, "vehicle", &m->vehicle);
        return st;
    case GK_MAT_BLOCK:
        st =
            positive(j, o, path, "pieces_per_m2", true, false, 0, &m->per_unit);
        if (st == GK_OK)
            st = positive(j, o, path, "thickness_m", false, false, 0,
                          &m->thickness_m);
        if (st == GK_OK)
            st = vehicle_ref(j, cat, o, path, "vehicle", &m->vehicle);
        return st;
    case GK_MAT_LINEAR: {
        double unit_len = 0;
        st =
            positive(j, o, path, "pieces_per_m", false, false, 0, &m->per_unit);
        if (st == GK_OK)
            st = positive(j, o, path, "unit_length_m", false, false, 0,
                          &unit_len);
        if (st == GK_OK && (m->per_unit > 0) == (unit_len > 0))
            st = gk_jerr(j, GK_ERR_INPUT_FIELD, o, path,
                         "give exactly one of \"pieces_per_m\" and "
                         "\"unit_length_m\"");
        if (st == GK_OK && unit_len > 0)
            m->per_unit = 1.0 / unit_len;
        if (st == GK_OK)
            st = vehicle_ref(j, cat, o, path, "vehicle", &m->vehicle);
        return st;
    }
    case GK_MAT_COAT:
        st = positive(j, o, path, "rate_l_m2", true, false, 0, &m->per_unit);
        if (st == GK_OK)
            st = vehicle_ref(j, cat, o, path, "vehicle", &m->vehicle);
        return st;
    }
    return st;
}

static gk_status_t load_material(const gk_jctx_t *j, const gk_catalog_t *cat,
                                 const gk_json_t *o, const char *path,
                                 gk_material_t *m)
{
    const gk_json_t *v;
    char full[256];
    m->vehicle = m->ready_mix_vehicle = -1;
    gk_status_t st = gk_jstr(j, o, path, "id", true, &m->id);
    if (st != GK_OK)
        return st;
    if (gk_catalog_find(cat, m->id) >= 0)
        return gk_jerr(j, GK_ERR_INPUT_INVALID, gk_json_get(o, "id"), path,
                       "duplicate material id \"%s\"", m->id);
    st = gk_jreq(j, o, path, "kind", GK_JSON_STRING, &v);
    if (st != GK_OK)
        return st;
    size_t k = 0;
    while (kind_names[k] && strcmp(kind_names[k], v->string) != 0)
        k++;
    if (!kind_names[k]) {
        snprintf(full, sizeof full, "%s.kind", path);
        return gk_jerr(j, GK_ERR_INPUT_VALUE, v, full,
                       "unknown kind \"%s\" (bulk, concrete, granular, "
                       "asphalt, block, linear or coat)",
                       v->string);
    }
    m->kind = (gk_mat_kind_t)k;
    st = gk_jkeys(j, o, path, kind_keys(m->kind));
    if (st == GK_OK)
        st = gk_jlabel(j, o, path, "label", m->label);
    if (st == GK_OK)
        st = check_source(j, o, path);
    if (st == GK_OK)
        st = positive(j, o, path, "waste_fraction", false, true, 0, &m->waste);
    if (st == GK_OK && m->waste >= 1) {
        snprintf(full, sizeof full, "%s.waste_fraction", path);
        st = gk_jerr(j, GK_ERR_INPUT_VALUE, gk_json_get(o, "waste_fraction"),
                     full,
                     "a fraction below 1 is expected (found %g; 5 %% "
                     "is 0.05)",
                     m->waste);
    }
    if (st == GK_OK)
        st = load_figures(j, cat, o, path, m);
    if (st != GK_OK)
        return st;
    m->unit = default_unit(m);
    if ((v = gk_json_get(o, "unit"))) {
        snprintf(full, sizeof full, "%s.unit", path);
        st = gk_jreq(j, o, path, "unit", GK_JSON_STRING, &v);
        if (st != GK_OK)
            return st;
        if (!measure_from_name(v->string, &m->unit) || !has_measure(m, m->unit))
            return gk_jerr(j, GK_ERR_INPUT_VALUE, v, full,
                           "unit \"%s\" does not apply to a %s material",
                           v->string, kind_names[m->kind]);
    }
    return GK_OK;
}

/* Second pass: concrete mixes and linear items name bulk components. */
static gk_status_t load_components(const gk_jctx_t *j, gk_catalog_t *cat,
                                   const gk_json_t *o, const char *path,
                                   gk_material_t *m)
{
    const char *key =
        m->kind == GK_MAT_CONCRETE ? "mix_per_m3" : "components_per_m";
    const gk_json_t *mix = gk_json_get(o, key);
    char full[256];
    if (!mix)
        return GK_OK;
    snprintf(full, sizeof full, "%s.%s", path, key);
    if (mix->type != GK_JSON_OBJECT)
        return gk_jerr(j, GK_ERR_INPUT_FIELD, mix, full,
                       "expected an object of material: amount");
    m->components = gk_calloc_array(mix->len, sizeof *m->components);
    if (!m->components)
        return gk_error_nomem(j->ctx, j->file);
    for (size_t i = 0; i < mix->len; i++) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s.%s", full, mix->keys[i]);
        long idx = gk_catalog_find(cat, mix->keys[i]);
        if (idx < 0)
            return gk_jerr(j, GK_ERR_INPUT_INVALID, &mix->items[i], sub,
                           "unknown material \"%s\"", mix->keys[i]);
        if (cat->materials[idx].kind != GK_MAT_BULK)
            return gk_jerr(j, GK_ERR_INPUT_INVALID, &mix->items[i], sub,
                           "a component must be a bulk material");
        double amount;
        gk_status_t st =
            positive(j, mix, full, mix->keys[i], true, false, 0, &amount);
        if (st != GK_OK)
            return st;
        m->components[m->n_components].material = (size_t)idx;
        m->components[m->n_components].amount = amount;
        m->n_components++;
    }
    return GK_OK;
}

/* Element i of "vehicles", appended to the catalog; ids are unique. */
static gk_status_t add_vehicle(const gk_jctx_t *j, const gk_json_t *o,
                               const char *path, size_t i, void *catalog)
{
    gk_catalog_t *cat = catalog;
    gk_vehicle_t *v = &cat->vehicles[cat->n_vehicles++];
    gk_status_t st = load_vehicle(j, o, path, v);
    if (st == GK_OK && gk_catalog_find_vehicle(cat, v->id) != (long)i)
        st = gk_jerr(j, GK_ERR_INPUT_INVALID, o, path,
                     "duplicate vehicle id \"%s\"", v->id);
    return st;
}

/* Element i of "materials", appended to the catalog (first pass). */
static gk_status_t add_material(const gk_jctx_t *j, const gk_json_t *o,
                                const char *path, size_t i, void *catalog)
{
    (void)i;
    gk_catalog_t *cat = catalog;
    gk_material_t *m = &cat->materials[cat->n_materials];
    gk_status_t st = load_material(j, cat, o, path, m);
    cat->n_materials++; /* owned now, freed with the catalog */
    return st;
}

/* The components of material i (second pass, once all ids are known). */
static gk_status_t add_components(const gk_jctx_t *j, const gk_json_t *o,
                                  const char *path, size_t i, void *catalog)
{
    gk_catalog_t *cat = catalog;
    gk_material_t *m = &cat->materials[i];
    gk_status_t st = load_components(j, cat, o, path, m);
    if (st == GK_OK && m->kind == GK_MAT_CONCRETE && m->n_components == 0)
        st = gk_jerr(j, GK_ERR_INPUT_VALUE, o, path,
                     "a concrete mix needs at least one component");
    return st;
}

static gk_status_t load_root(const gk_jctx_t *j, const gk_json_t *root,
                             gk_catalog_t *cat)
{
    static const char *const keys[] = {"catalog",     "version", "title",
                                       "description", "sources", "vehicles",
                                       "materials",   NULL};
    if (root->type != GK_JSON_OBJECT)
        return gk_jerr(j, GK_ERR_INPUT_FIELD, root, "",
                       "a catalog is a JSON object");
    gk_status_t st = gk_jkeys(j, root, "", keys);
    if (st == GK_OK)
        st = gk_jstr(j, root, "", "catalog", true, &cat->id);
    if (st == GK_OK)
        st = gk_jstr(j, root, "", "version", true, &cat->version);
    const gk_json_t *vehicles = NULL, *materials = NULL;
    if (st == GK_OK && gk_json_get(root, "vehicles"))
        st = gk_jreq(j, root, "", "vehicles", GK_JSON_ARRAY, &vehicles);
    if (st == GK_OK)
        st = gk_jreq(j, root, "", "materials", GK_JSON_ARRAY, &materials);
    if (st != GK_OK)
        return st;
    if (vehicles && vehicles->len) {
        cat->vehicles = gk_calloc_array(vehicles->len, sizeof *cat->vehicles);
        if (!cat->vehicles)
            return gk_error_nomem(j->ctx, j->file);
        st = gk_jeach_object(j, vehicles, "vehicles", add_vehicle, cat);
        if (st != GK_OK)
            return st;
    }
    if (materials->len == 0)
        return gk_jerr(j, GK_ERR_INPUT_VALUE, materials, "materials",
                       "no materials");
    cat->materials = gk_calloc_array(materials->len, sizeof *cat->materials);
    if (!cat->materials)
        return gk_error_nomem(j->ctx, j->file);
    st = gk_jeach_object(j, materials, "materials", add_material, cat);
    if (st == GK_OK)
        st = gk_jeach_object(j, materials, "materials", add_components, cat);
    return st;
}

gk_status_t gk_catalog_parse(gk_context_t *ctx, const char *name,
                             const char *text, size_t len, gk_catalog_t **out)
{
    if (out)
        *out = NULL;
    if (!out || !text)
        return gk_error(ctx, GK_ERR_ARG, "gk_catalog_parse: NULL argument");
    name = name ? name : "(catalog)";
    gk_json_t *root;
    gk_status_t st = gk_json_parse(ctx, name, text, len, &root);
    if (st != GK_OK)
        return st;
    gk_catalog_t *cat = calloc(1, sizeof *cat);
    if (!cat) {
        gk_json_free(root);
        return gk_error_nomem(ctx, name);
    }
    gk_jctx_t j = {ctx, name};
    st = load_root(&j, root, cat);
    gk_json_free(root);
    if (st != GK_OK) {
        gk_catalog_free(cat);
        return st;
    }
    *out = cat;
    return GK_OK;
}

gk_status_t gk_catalog_load(gk_context_t *ctx, const char *path,
                            gk_catalog_t **out)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_catalog_load: NULL argument");
    char *text;
    size_t len;
    gk_status_t st = gk_read_file(ctx, path, &text, &len);
    if (st != GK_OK)
        return st;
    st = gk_catalog_parse(ctx, path, text, len, out);
    free(text);
    return st;
}

const char *gk_catalog_id(const gk_catalog_t *cat)
{
    return cat ? cat->id : NULL;
}

const char *gk_catalog_version(const gk_catalog_t *cat)
{
    return cat ? cat->version : NULL;
}

size_t gk_catalog_material_count(const gk_catalog_t *cat)
{
    return cat ? cat->n_materials : 0;
}

const char *gk_catalog_material_id(const gk_catalog_t *cat, size_t i)
{
    return cat && i < cat->n_materials ? cat->materials[i].id : NULL;
}

const char *gk_catalog_material_label(const gk_catalog_t *cat, const char *id,
                                      gk_lang_t lang)
{
    long i = gk_catalog_find(cat, id);
    if (i < 0)
        return NULL;
    const gk_material_t *m = &cat->materials[i];
    if (lang == GK_LANG_ID && m->label[1])
        return m->label[1];
    return m->label[0] ? m->label[0] : m->id;
}

double gk_catalog_bag_kg(const gk_catalog_t *cat, const char *id,
                         gk_measure_t bag)
{
    long i = gk_catalog_find(cat, id);
    if (i < 0 || (bag != GK_MEASURE_BAG1 && bag != GK_MEASURE_BAG2))
        return 0;
    return cat->materials[i].bag_kg[bag == GK_MEASURE_BAG1 ? 0 : 1];
}

bool gk_material_has_measure(const gk_material_t *m, gk_measure_t x)
{
    return has_measure(m, x);
}
