/*
 * lib/estimate/boq.c - the bill-of-quantities engine.
 *
 * Method. Every layer and item turns into "base quantities" per catalog
 * material: compacted m^3 for granular and asphalt layers, placed m^3 for
 * ready-mix, kg or L of each mix component for site-mixed concrete
 * (SNI 7394:2008 quantities per m^3), m^2 for blocks and coats, m for
 * linear items plus their components per m. Every measure a material is
 * counted in (kg, t, loose m^3, pieces, bags, ...) is a fixed multiple of
 * its base quantity, so base quantities are summed first (per road, then
 * over roads) and the measures derived from the sums. Waste multiplies
 * the net measures by (1 + waste). Whole units are rounded up on the sum
 * they belong to, never on the parts (429 bags of cement in ROADS.md 5(a),
 * not 346 + 83).
 *
 * Error bound. Each derived measure is at most 3 roundings from the exact
 * product of the inputs (area x thickness x factor x (1 + waste)), i.e.
 * within 4 ulp; the sums over n layers and roads add n ulp. Before a
 * quantity is rounded up to a whole unit, a relative 1e-9 is taken off,
 * far above that error and far below any real fraction of a piece, so that
 * 1000 m^2 x 44 x 1.05 = 46200.000000000007 orders 46,200 blocks, not
 * 46,201.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_internal.h"

/* --- the BOQ's memory pool ---------------------------------------------- */

static void *pool_add(gk_boq_t *boq, void *p)
{
    if (!p)
        return NULL;
    if (boq->n_pool == boq->cap_pool) {
        size_t cap = boq->cap_pool ? boq->cap_pool * 2 : 64;
        void **np = gk_realloc_array(boq->pool, cap, sizeof *np);
        if (!np) {
            free(p);
            return NULL;
        }
        boq->pool = np;
        boq->cap_pool = cap;
    }
    boq->pool[boq->n_pool++] = p;
    return p;
}

static void *pool_calloc(gk_boq_t *boq, size_t n, size_t size)
{
    return pool_add(boq, gk_calloc_array(n ? n : 1, size));
}

static char *pool_strdup(gk_boq_t *boq, const char *s)
{
    if (!s)
        return NULL;
    return pool_add(boq, gk_strdup(s));
}

void gk_boq_free(gk_boq_t *boq)
{
    if (!boq)
        return;
    for (size_t i = 0; i < boq->n_pool; i++)
        free(boq->pool[i]);
    free(boq->pool);
    free(boq->missing);
    free(boq);
}

/* Round a whole-unit quantity up, ignoring floating-point noise. */
static double ceil_units(double x)
{
    if (!isfinite(x))
        return x;
    return ceil(x - 1e-9 * fabs(x));
}

/* --- accumulating base quantities per material -------------------------- */

typedef struct acc {
    size_t *mat;
    double *q;
    size_t n, cap;
} acc_t;

static bool acc_add(acc_t *a, size_t mat, double q)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->mat[i] == mat) {
            a->q[i] += q;
            return true;
        }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        size_t *nm = gk_realloc_array(a->mat, cap, sizeof *nm);
        if (!nm)
            return false;
        a->mat = nm;
        double *nq = gk_realloc_array(a->q, cap, sizeof *nq);
        if (!nq)
            return false;
        a->q = nq;
        a->cap = cap;
    }
    a->mat[a->n] = mat;
    a->q[a->n] = q;
    a->n++;
    return true;
}

static void acc_free(acc_t *a)
{
    free(a->mat);
    free(a->q);
    memset(a, 0, sizeof *a);
}

/* --- one build ---------------------------------------------------------- */

typedef struct build {
    gk_context_t *ctx;
    const gk_catalog_t *cat;
    const gk_boq_options_t *opt;
    gk_boq_t *boq;
    const char **info_of; /* per catalog material: its info id, or NULL */
    acc_t *group_acc;     /* per entry of boq->layers: its base quantities */
} build_t;

static const char *info_id(build_t *b, size_t mat)
{
    if (b->info_of[mat])
        return b->info_of[mat];
    const gk_material_t *m = &b->cat->materials[mat];
    gk_boq_t *boq = b->boq;
    gk_boq_matinfo_t *info = &boq->info[boq->n_info];
    info->id = pool_strdup(boq, m->id);
    info->label[0] = pool_strdup(boq, m->label[0] ? m->label[0] : m->id);
    info->label[1] =
        pool_strdup(boq, m->label[1] ? m->label[1] : info->label[0]);
    info->bag_kg[0] = m->bag_kg[0];
    info->bag_kg[1] = m->bag_kg[1];
    long v = m->kind == GK_MAT_CONCRETE ? m->ready_mix_vehicle : m->vehicle;
    if (v >= 0) {
        const gk_vehicle_t *veh = &b->cat->vehicles[v];
        info->vehicle_id = pool_strdup(boq, veh->id);
        info->vehicle_label[0] =
            pool_strdup(boq, veh->label[0] ? veh->label[0] : veh->id);
        info->vehicle_label[1] = pool_strdup(
            boq, veh->label[1] ? veh->label[1] : info->vehicle_label[0]);
        if (!info->vehicle_id || !info->vehicle_label[0] ||
            !info->vehicle_label[1])
            return NULL;
    }
    if (!info->id || !info->label[0] || !info->label[1])
        return NULL;
    boq->n_info++;
    b->info_of[mat] = info->id;
    return info->id;
}

/* Fill a line from a base quantity. `whole` rounds pieces and bags up and
 * computes loads (road and total lines); layer and item lines stay exact. */
static bool make_line(build_t *b, size_t mat, double q, bool whole,
                      gk_boq_line_t *line)
{
    const gk_material_t *m = &b->cat->materials[mat];
    double *net = line->net;
    for (int i = 0; i < GK_MEASURE_COUNT; i++)
        net[i] = line->order[i] = NAN;
    line->material = info_id(b, mat);
    if (!line->material)
        return false;
    line->unit = m->unit;
    line->price_idr = line->cost_idr = NAN;
    line->price_unit = m->unit;
    line->loads = NAN;
    line->vehicle = NULL;
    double waste = m->kind == GK_MAT_CONCRETE ? m->ready_mix_waste : m->waste;
    if (b->opt->no_waste)
        waste = 0;
    line->waste_fraction = waste;
    switch (m->kind) {
    case GK_MAT_BULK:
        if (m->base_litres) {
            net[GK_MEASURE_L] = q;
            break;
        }
        net[GK_MEASURE_KG] = q;
        net[GK_MEASURE_T] = q / 1000;
        if (m->loose_density_kg_m3 > 0)
            net[GK_MEASURE_M3] = q / m->loose_density_kg_m3;
        if (m->bag_kg[0] > 0)
            net[GK_MEASURE_BAG1] = q / m->bag_kg[0];
        if (m->bag_kg[1] > 0)
            net[GK_MEASURE_BAG2] = q / m->bag_kg[1];
        break;
    case GK_MAT_CONCRETE:
        net[GK_MEASURE_M3] = q;
        if (m->density_t_m3 > 0)
            net[GK_MEASURE_T] = q * m->density_t_m3;
        break;
    case GK_MAT_GRANULAR:
        net[GK_MEASURE_M3] = q * m->order_factor;
        if (m->density_t_m3 > 0)
            net[GK_MEASURE_T] = q * m->density_t_m3;
        break;
    case GK_MAT_ASPHALT:
        net[GK_MEASURE_M3] = q;
        net[GK_MEASURE_T] = q * m->density_t_m3;
        break;
    case GK_MAT_BLOCK:
        net[GK_MEASURE_M2] = q;
        net[GK_MEASURE_PCS] = q * m->per_unit;
        break;
    case GK_MAT_LINEAR:
        net[GK_MEASURE_M] = q;
        net[GK_MEASURE_PCS] = q * m->per_unit;
        break;
    case GK_MAT_COAT:
        net[GK_MEASURE_M2] = q;
        net[GK_MEASURE_L] = q * m->per_unit;
        break;
    }
    for (int i = 0; i < GK_MEASURE_COUNT; i++) {
        if (isnan(net[i]))
            continue;
        line->order[i] = waste > 0 ? net[i] * (1 + waste) : net[i];
        if (whole && (i == GK_MEASURE_PCS || i == GK_MEASURE_BAG1 ||
                      i == GK_MEASURE_BAG2))
            line->order[i] = ceil_units(line->order[i]);
    }
    long v = m->kind == GK_MAT_CONCRETE ? m->ready_mix_vehicle : m->vehicle;
    if (whole && v >= 0) {
        const gk_vehicle_t *veh = &b->cat->vehicles[v];
        const gk_boq_matinfo_t *info = gk_boq_info(b->boq, line->material);
        double loads = NAN;
        if (veh->capacity_t > 0 && !isnan(line->order[GK_MEASURE_T]))
            loads = ceil_units(line->order[GK_MEASURE_T] / veh->capacity_t);
        if (veh->capacity_m3 > 0 && !isnan(line->order[GK_MEASURE_M3])) {
            double l =
                ceil_units(line->order[GK_MEASURE_M3] / veh->capacity_m3);
            if (isnan(loads) || l > loads)
                loads = l;
        }
        line->loads = loads;
        line->vehicle = info->vehicle_id;
    }
    return true;
}

static gk_boq_line_t *make_lines(build_t *b, const acc_t *a, bool whole)
{
    gk_boq_line_t *lines = pool_calloc(b->boq, a->n, sizeof *lines);
    if (!lines)
        return NULL;
    for (size_t i = 0; i < a->n; i++)
        if (!make_line(b, a->mat[i], a->q[i], whole, &lines[i]))
            return NULL;
    return lines;
}

static bool use_ready_mix(const build_t *b, const gk_tpl_layer_t *l,
                          const gk_material_t *m)
{
    if (b->opt->concrete == GK_SUPPLY_READY_MIX)
        return m->ready_mix_vehicle >= 0 || m->n_components == 0;
    if (b->opt->concrete == GK_SUPPLY_SITE_MIX)
        return false;
    if (l->supply == GK_SUPPLY_CHOICE_READY)
        return true;
    if (l->supply == GK_SUPPLY_CHOICE_SITE)
        return false;
    return m->ready_mix_default;
}

/* Base quantities of one layer of volume v (m^3) and area a (m^2). */
static bool layer_needs(const build_t *b, const gk_tpl_layer_t *l, size_t mat,
                        double area, double volume, acc_t *out)
{
    const gk_material_t *m = &b->cat->materials[mat];
    switch (m->kind) {
    case GK_MAT_CONCRETE:
        if (use_ready_mix(b, l, m))
            return acc_add(out, mat, volume);
        for (size_t c = 0; c < m->n_components; c++)
            if (!acc_add(out, m->components[c].material,
                         volume * m->components[c].amount))
                return false;
        return true;
    case GK_MAT_BLOCK:
        return acc_add(out, mat, area);
    default:
        return acc_add(out, mat, volume);
    }
}

static bool item_needs(const build_t *b, size_t mat, double basis, acc_t *out)
{
    const gk_material_t *m = &b->cat->materials[mat];
    if (!acc_add(out, mat, basis))
        return false;
    for (size_t c = 0; c < m->n_components; c++)
        if (!acc_add(out, m->components[c].material,
                     basis * m->components[c].amount))
            return false;
    return true;
}

static bool merge(acc_t *into, const acc_t *from)
{
    for (size_t i = 0; i < from->n; i++)
        if (!acc_add(into, from->mat[i], from->q[i]))
            return false;
    return true;
}

static gk_status_t check_value(gk_context_t *ctx, const char *id,
                               const char *what, double v)
{
    if (!isfinite(v))
        return gk_error(ctx, GK_ERR_INPUT_NAN, "road %s: %s is not finite", id,
                        what);
    if (v < 0)
        return gk_error(ctx, GK_ERR_INPUT_VALUE,
                        "road %s: %s is negative "
                        "(%g)",
                        id, what, v);
    return GK_OK;
}

static gk_status_t check_road(build_t *b, const gk_road_input_t *r, size_t i)
{
    char idbuf[32];
    if (!r->tpl)
        return gk_error(b->ctx, GK_ERR_ARG, "road %zu: no template", i);
    const char *id = r->id;
    if (!id) {
        snprintf(idbuf, sizeof idbuf, "#%zu", i);
        id = idbuf;
    }
    gk_status_t st = check_value(b->ctx, id, "length_m", r->length_m);
    if (st == GK_OK)
        st = check_value(b->ctx, id, "width_m", r->width_m);
    if (st == GK_OK)
        st = check_value(b->ctx, id, "surface_area_m2", r->surface_area_m2);
    for (size_t k = 0; st == GK_OK && r->layer_area_m2 && k < r->tpl->n_layers;
         k++) {
        char what[64];
        snprintf(what, sizeof what, "layer_area_m2[%zu]", k);
        st = check_value(b->ctx, id, what, r->layer_area_m2[k]);
    }
    const gk_template_t *t = r->tpl;
    for (size_t k = 0; st == GK_OK && k < t->n_layers; k++)
        if (gk_catalog_find(b->cat, t->layers[k].material) < 0)
            st = gk_error(b->ctx, GK_ERR_INPUT_INVALID,
                          "road %s: template %s: layer %s: material \"%s\" "
                          "is not in catalog %s",
                          id, t->name, t->layers[k].name, t->layers[k].material,
                          b->cat->id);
    for (size_t k = 0; st == GK_OK && k < t->n_items; k++)
        if (gk_catalog_find(b->cat, t->items[k].material) < 0)
            st = gk_error(b->ctx, GK_ERR_INPUT_INVALID,
                          "road %s: template %s: item %s: material \"%s\" "
                          "is not in catalog %s",
                          id, t->name, t->items[k].name, t->items[k].material,
                          b->cat->id);
    return st;
}

/* Add a road's layer to the total of the layers that share its name,
 * material and thickness (boq->layers has room for every road layer). */
static bool add_to_group(build_t *b, const gk_boq_layer_t *l, const acc_t *part)
{
    gk_boq_t *boq = b->boq;
    gk_boq_layer_t *t = NULL;
    size_t g = 0;
    for (; g < boq->n_layers; g++)
        if (strcmp(boq->layers[g].name, l->name) == 0 &&
            boq->layers[g].material == l->material &&
            boq->layers[g].thickness_m == l->thickness_m) {
            t = &boq->layers[g];
            break;
        }
    if (!t) {
        t = &boq->layers[boq->n_layers++];
        *t = *l;
        t->lines = NULL;
        t->n_lines = 0;
        t->area_m2 = t->volume_m3 = 0;
        t->mass_t = isnan(l->mass_t) ? NAN : 0;
    } else if (t->width_m != l->width_m) {
        t->width_m = NAN; /* roads of different widths */
    }
    t->area_m2 += l->area_m2;
    t->volume_m3 += l->volume_m3;
    t->mass_t += l->mass_t;
    return merge(&b->group_acc[g], part);
}

/* Layers, items and totals of one road; its base quantities are merged
 * into `total`. */
static gk_status_t build_road(build_t *b, const gk_road_input_t *r,
                              gk_boq_road_t *out, acc_t *total)
{
    gk_boq_t *boq = b->boq;
    const gk_template_t *t = r->tpl;
    acc_t road = {0}, part = {0};
    out->id = pool_strdup(boq, r->id);
    out->name = pool_strdup(boq, r->name);
    out->template_name = pool_strdup(boq, t->name);
    out->length_m = r->length_m;
    out->width_m = r->width_m;
    out->area_m2 = r->surface_area_m2;
    out->cost_idr = NAN;
    gk_boq_layer_t *layers = pool_calloc(boq, t->n_layers, sizeof *layers);
    gk_boq_item_t *items = pool_calloc(boq, t->n_items, sizeof *items);
    if (!out->id || (r->name && !out->name) || !out->template_name || !layers ||
        !items)
        goto nomem;
    out->layers = layers;
    out->n_layers = t->n_layers;
    out->items = items;
    out->n_items = t->n_items;
    for (size_t k = 0; k < t->n_layers; k++) {
        const gk_tpl_layer_t *l = &t->layers[k];
        size_t mat = (size_t)gk_catalog_find(b->cat, l->material);
        const gk_material_t *m = &b->cat->materials[mat];
        gk_boq_layer_t *bl = &layers[k];
        double width = r->width_m + 2 * l->extra_width_m;
        bl->name = pool_strdup(boq, l->name);
        bl->material = info_id(b, mat);
        if (!bl->name || !bl->material)
            goto nomem;
        bl->thickness_m = l->thickness_m;
        bl->width_m = width;
        bl->area_m2 =
            r->layer_area_m2 ? r->layer_area_m2[k] : r->length_m * width;
        bl->volume_m3 = bl->area_m2 * l->thickness_m;
        bl->mass_t =
            m->density_t_m3 > 0 ? bl->volume_m3 * m->density_t_m3 : NAN;
        part.n = 0;
        if (!layer_needs(b, l, mat, bl->area_m2, bl->volume_m3, &part))
            goto nomem;
        bl->lines = make_lines(b, &part, false);
        bl->n_lines = part.n;
        if (!bl->lines || !merge(&road, &part) || !add_to_group(b, bl, &part))
            goto nomem;
    }
    for (size_t k = 0; k < t->n_items; k++) {
        const gk_tpl_item_t *it = &t->items[k];
        size_t mat = (size_t)gk_catalog_find(b->cat, it->material);
        gk_boq_item_t *bi = &items[k];
        bi->name = pool_strdup(boq, it->name);
        bi->material = info_id(b, mat);
        if (!bi->name || !bi->material)
            goto nomem;
        bi->linear = it->linear;
        if (it->linear)
            bi->basis = r->length_m * it->sides;
        else if (it->on >= 0)
            bi->basis = layers[it->on].area_m2;
        else
            bi->basis = r->surface_area_m2;
        part.n = 0;
        if (!item_needs(b, mat, bi->basis, &part))
            goto nomem;
        bi->lines = make_lines(b, &part, false);
        bi->n_lines = part.n;
        if (!bi->lines || !merge(&road, &part))
            goto nomem;
    }
    out->materials = make_lines(b, &road, true);
    out->n_materials = road.n;
    if (!out->materials || !merge(total, &road))
        goto nomem;
    acc_free(&road);
    acc_free(&part);
    return GK_OK;
nomem:
    acc_free(&road);
    acc_free(&part);
    return gk_error_nomem(b->ctx, "the bill of quantities");
}

gk_status_t gk_boq_build(gk_context_t *ctx, const gk_catalog_t *cat,
                         const gk_road_input_t *roads, size_t n,
                         const gk_boq_options_t *opt, gk_boq_t **out)
{
    static const gk_boq_options_t defaults = {0};
    if (out)
        *out = NULL;
    if (!cat || !out || (!roads && n > 0))
        return gk_error(ctx, GK_ERR_ARG, "gk_boq_build: NULL argument");
    build_t b = {.ctx = ctx, .cat = cat, .opt = opt ? opt : &defaults};
    gk_status_t st = GK_OK;
    size_t n_layers = 0;
    for (size_t i = 0; i < n && st == GK_OK; i++) {
        st = check_road(&b, &roads[i], i);
        if (st == GK_OK)
            n_layers += roads[i].tpl->n_layers;
    }
    if (st != GK_OK)
        return st;
    gk_boq_t *boq = calloc(1, sizeof *boq);
    acc_t total = {0};
    b.boq = boq;
    b.info_of = gk_calloc_array(cat->n_materials, sizeof *b.info_of);
    b.group_acc = gk_calloc_array(n_layers, sizeof *b.group_acc);
    if (!boq || !b.info_of || !b.group_acc)
        goto nomem;
    boq->cost_idr = NAN;
    boq->info = pool_calloc(boq, cat->n_materials, sizeof *boq->info);
    boq->roads = pool_calloc(boq, n, sizeof *boq->roads);
    boq->layers = pool_calloc(boq, n_layers, sizeof *boq->layers);
    boq->catalog_id = pool_strdup(boq, cat->id);
    boq->catalog_version = pool_strdup(boq, cat->version);
    if (!boq->info || !boq->roads || !boq->layers || !boq->catalog_id ||
        !boq->catalog_version)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        st = build_road(&b, &roads[i], &boq->roads[i], &total);
        if (st != GK_OK)
            goto fail;
        boq->n_roads++;
        boq->length_m += roads[i].length_m;
        boq->area_m2 += roads[i].surface_area_m2;
    }
    for (size_t g = 0; g < boq->n_layers; g++) {
        boq->layers[g].lines = make_lines(&b, &b.group_acc[g], false);
        boq->layers[g].n_lines = b.group_acc[g].n;
        if (!boq->layers[g].lines)
            goto nomem;
    }
    boq->materials = make_lines(&b, &total, true);
    boq->n_materials = total.n;
    if (!boq->materials)
        goto nomem;
    acc_free(&total);
    for (size_t g = 0; g < n_layers; g++)
        acc_free(&b.group_acc[g]);
    free(b.group_acc);
    free(b.info_of);
    *out = boq;
    return GK_OK;
nomem:
    st = gk_error_nomem(ctx, "the bill of quantities");
fail:
    acc_free(&total);
    if (b.group_acc)
        for (size_t g = 0; g < n_layers; g++)
            acc_free(&b.group_acc[g]);
    free(b.group_acc);
    free(b.info_of);
    gk_boq_free(boq);
    return st;
}

const gk_boq_matinfo_t *gk_boq_info(const gk_boq_t *boq, const char *id)
{
    if (!boq || !id)
        return NULL;
    for (size_t i = 0; i < boq->n_info; i++)
        if (boq->info[i].id == id || strcmp(boq->info[i].id, id) == 0)
            return &boq->info[i];
    return NULL;
}

/* --- accessors ---------------------------------------------------------- */

size_t gk_boq_road_count(const gk_boq_t *boq)
{
    return boq ? boq->n_roads : 0;
}

const gk_boq_road_t *gk_boq_road(const gk_boq_t *boq, size_t i)
{
    return boq && i < boq->n_roads ? &boq->roads[i] : NULL;
}

const gk_boq_layer_t *gk_boq_layers(const gk_boq_t *boq, size_t *n)
{
    if (n)
        *n = boq ? boq->n_layers : 0;
    return boq ? boq->layers : NULL;
}

const gk_boq_line_t *gk_boq_materials(const gk_boq_t *boq, size_t *n)
{
    if (n)
        *n = boq ? boq->n_materials : 0;
    return boq ? boq->materials : NULL;
}

const gk_boq_line_t *gk_boq_material(const gk_boq_t *boq, const char *material)
{
    if (!boq || !material)
        return NULL;
    for (size_t i = 0; i < boq->n_materials; i++)
        if (strcmp(boq->materials[i].material, material) == 0)
            return &boq->materials[i];
    return NULL;
}

double gk_boq_length_m(const gk_boq_t *boq)
{
    return boq ? boq->length_m : NAN;
}

double gk_boq_area_m2(const gk_boq_t *boq)
{
    return boq ? boq->area_m2 : NAN;
}

double gk_boq_cost_idr(const gk_boq_t *boq)
{
    return boq ? boq->cost_idr : NAN;
}

size_t gk_boq_missing_price_count(const gk_boq_t *boq)
{
    return boq ? boq->n_missing : 0;
}

const char *gk_boq_missing_price(const gk_boq_t *boq, size_t i)
{
    return boq && i < boq->n_missing ? boq->missing[i] : NULL;
}

size_t gk_boq_warning_count(const gk_boq_t *boq)
{
    return boq ? boq->n_warnings : 0;
}

const char *gk_boq_warning(const gk_boq_t *boq, size_t i)
{
    return boq && i < boq->n_warnings ? boq->warnings[i] : NULL;
}

/* --- extension points --------------------------------------------------- */

/* Grow a pooled array by one element: the old block stays in the pool
 * (freed with the BOQ), which keeps the pool the only owner. */
static void *pool_grow(gk_boq_t *boq, void *arr, size_t n, size_t size)
{
    void *na = pool_calloc(boq, n + 1, size);
    if (na && n)
        memcpy(na, arr, n * size);
    return na;
}

gk_status_t gk_boq_add_warning(gk_context_t *ctx, gk_boq_t *boq,
                               const char *msg)
{
    if (!boq || !msg)
        return gk_error(ctx, GK_ERR_ARG, "gk_boq_add_warning: NULL argument");
    char **w = pool_grow(boq, boq->warnings, boq->n_warnings, sizeof *w);
    char *copy = w ? pool_strdup(boq, msg) : NULL;
    if (!copy)
        return gk_error_nomem(ctx, "a warning");
    w[boq->n_warnings++] = copy;
    boq->warnings = w;
    return GK_OK;
}

static gk_status_t add_row(gk_context_t *ctx, gk_boq_t *boq,
                           const char *section, const char *key, double value,
                           const char *text, const char *unit)
{
    if (!boq || !section || !key)
        return gk_error(ctx, GK_ERR_ARG, "gk_boq_add_value: NULL argument");
    gk_boq_section_t *s = NULL;
    for (size_t i = 0; i < boq->n_sections && !s; i++)
        if (strcmp(boq->sections[i].name, section) == 0)
            s = &boq->sections[i];
    if (!s) {
        gk_boq_section_t *ns =
            pool_grow(boq, boq->sections, boq->n_sections, sizeof *ns);
        char *name = ns ? pool_strdup(boq, section) : NULL;
        if (!name)
            return gk_error_nomem(ctx, "a report section");
        boq->sections = ns;
        s = &ns[boq->n_sections++];
        s->name = name;
    }
    gk_boq_row_t *rows = pool_grow(boq, s->rows, s->n_rows, sizeof *rows);
    if (!rows)
        return gk_error_nomem(ctx, "a report row");
    gk_boq_row_t *r = &rows[s->n_rows];
    r->key = pool_strdup(boq, key);
    r->text = text ? pool_strdup(boq, text) : NULL;
    r->unit = unit ? pool_strdup(boq, unit) : NULL;
    r->value = value;
    if (!r->key || (text && !r->text) || (unit && !r->unit))
        return gk_error_nomem(ctx, "a report row");
    s->rows = rows;
    s->n_rows++;
    return GK_OK;
}

gk_status_t gk_boq_add_value(gk_context_t *ctx, gk_boq_t *boq,
                             const char *section, const char *key, double value,
                             const char *unit)
{
    return add_row(ctx, boq, section, key, value, NULL, unit);
}

gk_status_t gk_boq_add_text(gk_context_t *ctx, gk_boq_t *boq,
                            const char *section, const char *key,
                            const char *text)
{
    if (!text)
        return gk_error(ctx, GK_ERR_ARG, "gk_boq_add_text: NULL text");
    return add_row(ctx, boq, section, key, NAN, text, NULL);
}
