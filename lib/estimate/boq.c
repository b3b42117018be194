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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_internal.h"

/* --- the BOQ's memory pool ---------------------------------------------- */

/* Hand block p (of length len from gk_huge_alloc, 0 if malloc'd) to the
 * pool; on failure it is freed and NULL returned. */
static void *pool_add_block(gk_boq_t *boq, void *p, size_t len)
{
    if (!p)
        return NULL;
    if (boq->n_pool == boq->cap_pool) {
        size_t cap = boq->cap_pool ? boq->cap_pool * 2 : 64;
        gk_boq_block_t *np = gk_realloc_array(boq->pool, cap, sizeof *np);
        if (!np) {
            gk_huge_free(p, len);
            return NULL;
        }
        boq->pool = np;
        boq->cap_pool = cap;
    }
    boq->pool[boq->n_pool++] = (gk_boq_block_t){p, len};
    return p;
}

static void *pool_add(gk_boq_t *boq, void *p)
{
    return pool_add_block(boq, p, 0);
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
        gk_huge_free(boq->pool[i].p, boq->pool[i].len);
    free(boq->pool);
    free(boq->missing);
    free(boq);
}

/* --- the build's arena -------------------------------------------------- */

/* A road needs a dozen small arrays and strings (its layers, items, lines
 * and ids): a malloc each cost more than all of the road's arithmetic,
 * and as much again in free. They are cut from one block instead, sized
 * beforehand from the templates (plan_t.bytes), which the pool owns like
 * any other block. A block of 2 MiB or more is in huge pages: the roads of
 * a city (~60 MB of lines for 20,000 roads) are otherwise ~15,000 page
 * faults, which cost more than everything else in the build. Should the
 * size fall short, further chunks of ARENA_CHUNK (or the request) follow.
 * The memory is not zeroed: the build writes every field it hands out. */
#define ARENA_CHUNK ((size_t)64 << 10)

/* Build state only: the chunks go to boq's pool, and the BOQ keeps none
 * of this. */
typedef struct arena {
    gk_boq_t *boq;
    char *next; /* the free part of the current chunk */
    size_t left;
    size_t chunk; /* size of the next chunk; 0: ARENA_CHUNK */
} arena_t;

/* n elements of `size` bytes aligned to `align` (a power of two, at most
 * 64), never NULL for n = 0; NULL when out of memory. */
static void *arena_alloc(arena_t *a, size_t n, size_t size, size_t align)
{
    if (size && n > SIZE_MAX / 2 / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes == 0)
        bytes = 1;
    size_t pad = (size_t)(-(uintptr_t)a->next & (align - 1));
    if (!a->next || pad + bytes > a->left) {
        size_t chunk = a->chunk ? a->chunk : ARENA_CHUNK;
        if (chunk < bytes)
            chunk = bytes;
        size_t len = 0;
        void *block = gk_huge_alloc(chunk, &len);
        char *c = pool_add_block(a->boq, block, len);
        if (!c)
            return NULL;
        a->next = c; /* 64-byte aligned */
        a->left = chunk;
        a->chunk = 0;
        pad = 0;
    }
    void *p = a->next + pad;
    a->next += pad + bytes;
    a->left -= pad + bytes;
    return p;
}

#define ARENA_ARRAY(a, n, type)                                                \
    ((type *)arena_alloc((a), (n), sizeof(type), _Alignof(type)))

/* Bytes arena_alloc() may use for n elements of `size`, alignment <= 8
 * included. */
static size_t arena_need(size_t n, size_t size)
{
    return (n ? n * size : 1) + 7;
}

static char *arena_strdup(arena_t *a, const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s) + 1;
    char *p = arena_alloc(a, len, 1, 1);
    if (p)
        memcpy(p, s, len);
    return p;
}

/* Round a whole-unit quantity up, ignoring floating-point noise. */
static double ceil_units(double x)
{
    if (!isfinite(x))
        return x;
    return ceil(x - 1e-9 * fabs(x));
}

/* --- accumulating base quantities per material -------------------------- */

/* Base quantities by material, in order of first appearance. An entry is
 * one catalog material, so `cap` = the catalog's size never overflows and
 * the arrays are allocated once per build, not per road. */
typedef struct acc {
    size_t *mat;
    double *q;
    size_t n, cap;
} acc_t;

static bool acc_init(acc_t *a, size_t cap)
{
    a->mat = gk_calloc_array(cap ? cap : 1, sizeof *a->mat);
    a->q = gk_calloc_array(cap ? cap : 1, sizeof *a->q);
    a->n = 0;
    a->cap = cap;
    return a->mat && a->q;
}

static bool acc_add(acc_t *a, size_t mat, double q)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->mat[i] == mat) {
            a->q[i] += q;
            return true;
        }
    if (a->n == a->cap)
        return false; /* not reached: materials are catalog indexes */
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

/* --- templates, resolved once per build --------------------------------- */

/* What every road of a template shares: its strings copied into the BOQ,
 * its materials' catalog indexes (each found by name once, not once per
 * road) and the arena bytes of one road but its id and name (the number
 * of lines depends on the template, the catalog and the options only). */
typedef struct plan {
    const gk_template_t *tpl;
    const char *name;
    const char **layer_name, **item_name;
    size_t *layer_mat, *item_mat;
    size_t bytes;
} plan_t;

/* --- one build ---------------------------------------------------------- */

typedef struct build {
    gk_context_t *ctx;
    const gk_catalog_t *cat;
    const gk_boq_options_t *opt;
    gk_boq_t *boq;
    arena_t arena;              /* the roads' arrays and strings */
    gk_boq_matinfo_t **info_of; /* per catalog material: its info, or NULL */
    acc_t *group_acc;           /* per entry of boq->layers */
    acc_t part, road;           /* scratch of one layer or item, one road */
    plan_t *plans;              /* one per distinct template */
    size_t n_plans, cap_plans;
    size_t *slots; /* open addressing by template pointer: plan + 1, or 0 */
    size_t cap_slots;
    size_t last; /* the plan last looked up: roads come in runs */
} build_t;

static gk_boq_matinfo_t *info_of(build_t *b, size_t mat)
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
    b->info_of[mat] = info;
    return info;
}

/* Fill a line from a base quantity. `whole` rounds pieces and bags up and
 * computes loads (road and total lines); layer and item lines stay exact. */
static bool make_line(build_t *b, size_t mat, double q, bool whole,
                      gk_boq_line_t *line)
{
    const gk_material_t *m = &b->cat->materials[mat];
    const gk_boq_matinfo_t *info = info_of(b, mat);
    if (!info)
        return false;
    double *net = line->net;
    for (int i = 0; i < GK_MEASURE_COUNT; i++)
        net[i] = line->order[i] = NAN;
    line->material = info->id;
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
    gk_boq_line_t *lines = ARENA_ARRAY(&b->arena, a->n, gk_boq_line_t);
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

static size_t hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

/* Slot of `tpl` in b->slots: where it is, or the empty slot it goes to. */
static size_t plan_slot(const build_t *b, const gk_template_t *tpl)
{
    size_t mask = b->cap_slots - 1, s = hash_ptr(tpl) & mask;
    while (b->slots[s] && b->plans[b->slots[s] - 1].tpl != tpl)
        s = (s + 1) & mask;
    return s;
}

/* Catalog index of `material`, used by the layer or item (`part`) `name`
 * of template t; the error names road `id`, the first to use t. */
static gk_status_t find_material(const build_t *b, const char *id,
                                 const gk_template_t *t, const char *part,
                                 const char *name, const char *material,
                                 size_t *out)
{
    long mat = gk_catalog_find(b->cat, material);
    if (mat < 0)
        return gk_error(b->ctx, GK_ERR_INPUT_INVALID,
                        "road %s: template %s: %s %s: material \"%s\" is not "
                        "in catalog %s",
                        id, t->name, part, name, material, b->cat->id);
    *out = (size_t)mat;
    return GK_OK;
}

/* Resolve a template new to this build: copy its strings, find its
 * materials (the first road using it names it in the error) and count the
 * lines a road of it has, by the very functions that will make them. */
static gk_status_t plan_new(build_t *b, const gk_template_t *t,
                            const char *id, plan_t *p)
{
    gk_boq_t *boq = b->boq;
    p->tpl = t;
    p->name = pool_strdup(boq, t->name);
    p->layer_name = pool_calloc(boq, t->n_layers, sizeof *p->layer_name);
    p->item_name = pool_calloc(boq, t->n_items, sizeof *p->item_name);
    p->layer_mat = pool_calloc(boq, t->n_layers, sizeof *p->layer_mat);
    p->item_mat = pool_calloc(boq, t->n_items, sizeof *p->item_mat);
    if (!p->name || !p->layer_name || !p->item_name || !p->layer_mat ||
        !p->item_mat)
        return gk_error_nomem(b->ctx, "the bill of quantities");
    gk_status_t st = GK_OK;
    for (size_t k = 0; st == GK_OK && k < t->n_layers; k++)
        st = find_material(b, id, t, "layer", t->layers[k].name,
                           t->layers[k].material, &p->layer_mat[k]);
    for (size_t k = 0; st == GK_OK && k < t->n_items; k++)
        st = find_material(b, id, t, "item", t->items[k].name,
                           t->items[k].material, &p->item_mat[k]);
    if (st != GK_OK)
        return st;
    for (size_t k = 0; k < t->n_layers; k++)
        if (!(p->layer_name[k] = pool_strdup(boq, t->layers[k].name)))
            return gk_error_nomem(b->ctx, "the bill of quantities");
    for (size_t k = 0; k < t->n_items; k++)
        if (!(p->item_name[k] = pool_strdup(boq, t->items[k].name)))
            return gk_error_nomem(b->ctx, "the bill of quantities");
    size_t bytes = arena_need(t->n_layers, sizeof(gk_boq_layer_t)) +
                   arena_need(t->n_items, sizeof(gk_boq_item_t));
    acc_t *part = &b->part, *road = &b->road;
    road->n = 0;
    for (size_t k = 0; k < t->n_layers; k++) {
        part->n = 0;
        if (!layer_needs(b, &t->layers[k], p->layer_mat[k], 0, 0, part) ||
            !merge(road, part))
            return gk_error_nomem(b->ctx, "the bill of quantities");
        bytes += arena_need(part->n, sizeof(gk_boq_line_t));
    }
    for (size_t k = 0; k < t->n_items; k++) {
        part->n = 0;
        if (!item_needs(b, p->item_mat[k], 0, part) || !merge(road, part))
            return gk_error_nomem(b->ctx, "the bill of quantities");
        bytes += arena_need(part->n, sizeof(gk_boq_line_t));
    }
    p->bytes = bytes + arena_need(road->n, sizeof(gk_boq_line_t));
    return GK_OK;
}

/* The plan of a road's template, made on first use. */
static gk_status_t find_plan(build_t *b, const gk_template_t *t,
                             const char *id, const plan_t **out)
{
    if (b->n_plans && b->plans[b->last].tpl == t) {
        *out = &b->plans[b->last];
        return GK_OK;
    }
    if (2 * (b->n_plans + 1) > b->cap_slots) {
        size_t cap = b->cap_slots ? 2 * b->cap_slots : 16;
        size_t *slots = gk_calloc_array(cap, sizeof *slots);
        plan_t *plans = gk_realloc_array(b->plans, cap / 2, sizeof *plans);
        if (plans)
            b->plans = plans;
        if (!slots || !plans) {
            free(slots);
            return gk_error_nomem(b->ctx, "the bill of quantities");
        }
        free(b->slots);
        b->slots = slots;
        b->cap_slots = cap;
        b->cap_plans = cap / 2;
        for (size_t i = 0; i < b->n_plans; i++)
            b->slots[plan_slot(b, b->plans[i].tpl)] = i + 1;
    }
    size_t s = plan_slot(b, t);
    if (!b->slots[s]) {
        gk_status_t st = plan_new(b, t, id, &b->plans[b->n_plans]);
        if (st != GK_OK)
            return st;
        b->slots[s] = ++b->n_plans;
    }
    b->last = b->slots[s] - 1;
    *out = &b->plans[b->last];
    return GK_OK;
}

static gk_status_t check_road(build_t *b, const gk_road_input_t *r, size_t i,
                              const plan_t **p)
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
        double v = r->layer_area_m2[k];
        if (isfinite(v) && v >= 0)
            continue; /* the message below is only formatted when needed */
        char what[64];
        snprintf(what, sizeof what, "layer_area_m2[%zu]", k);
        st = check_value(b->ctx, id, what, v);
    }
    if (st == GK_OK)
        st = find_plan(b, r->tpl, id, p);
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
        if ((boq->layers[g].name == l->name ||
             strcmp(boq->layers[g].name, l->name) == 0) &&
            boq->layers[g].material == l->material &&
            boq->layers[g].thickness_m == l->thickness_m) {
            t = &boq->layers[g];
            break;
        }
    if (!t) {
        if (!acc_init(&b->group_acc[g], b->cat->n_materials))
            return false;
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
                              const plan_t *p, gk_boq_road_t *out,
                              acc_t *total)
{
    const gk_template_t *t = r->tpl;
    acc_t *road = &b->road, *part = &b->part;
    road->n = 0;
    out->id = arena_strdup(&b->arena, r->id);
    out->name = arena_strdup(&b->arena, r->name);
    out->template_name = p->name;
    out->length_m = r->length_m;
    out->width_m = r->width_m;
    out->area_m2 = r->surface_area_m2;
    out->cost_idr = NAN;
    gk_boq_layer_t *layers =
        ARENA_ARRAY(&b->arena, t->n_layers, gk_boq_layer_t);
    gk_boq_item_t *items = ARENA_ARRAY(&b->arena, t->n_items, gk_boq_item_t);
    if (!out->id || (r->name && !out->name) || !layers || !items)
        goto nomem;
    out->layers = layers;
    out->n_layers = t->n_layers;
    out->items = items;
    out->n_items = t->n_items;
    for (size_t k = 0; k < t->n_layers; k++) {
        const gk_tpl_layer_t *l = &t->layers[k];
        size_t mat = p->layer_mat[k];
        const gk_material_t *m = &b->cat->materials[mat];
        const gk_boq_matinfo_t *info = info_of(b, mat);
        gk_boq_layer_t *bl = &layers[k];
        double width = r->width_m + 2 * l->extra_width_m;
        if (!info)
            goto nomem;
        bl->name = p->layer_name[k];
        bl->material = info->id;
        bl->thickness_m = l->thickness_m;
        bl->width_m = width;
        bl->area_m2 =
            r->layer_area_m2 ? r->layer_area_m2[k] : r->length_m * width;
        bl->volume_m3 = bl->area_m2 * l->thickness_m;
        bl->mass_t =
            m->density_t_m3 > 0 ? bl->volume_m3 * m->density_t_m3 : NAN;
        part->n = 0;
        if (!layer_needs(b, l, mat, bl->area_m2, bl->volume_m3, part))
            goto nomem;
        bl->lines = make_lines(b, part, false);
        bl->n_lines = part->n;
        if (!bl->lines || !merge(road, part) || !add_to_group(b, bl, part))
            goto nomem;
    }
    for (size_t k = 0; k < t->n_items; k++) {
        const gk_tpl_item_t *it = &t->items[k];
        size_t mat = p->item_mat[k];
        const gk_boq_matinfo_t *info = info_of(b, mat);
        gk_boq_item_t *bi = &items[k];
        if (!info)
            goto nomem;
        bi->name = p->item_name[k];
        bi->material = info->id;
        bi->linear = it->linear;
        if (it->linear)
            bi->basis = r->length_m * it->sides;
        else if (it->on >= 0)
            bi->basis = layers[it->on].area_m2;
        else
            bi->basis = r->surface_area_m2;
        part->n = 0;
        if (!item_needs(b, mat, bi->basis, part))
            goto nomem;
        bi->lines = make_lines(b, part, false);
        bi->n_lines = part->n;
        if (!bi->lines || !merge(road, part))
            goto nomem;
    }
    out->materials = make_lines(b, road, true);
    out->n_materials = road->n;
    if (!out->materials || !merge(total, road))
        goto nomem;
    return GK_OK;
nomem:
    return gk_error_nomem(b->ctx, "the bill of quantities");
}

static void build_free(build_t *b, acc_t *total, size_t n_groups)
{
    acc_free(total);
    acc_free(&b->part);
    acc_free(&b->road);
    for (size_t g = 0; b->group_acc && g < n_groups; g++)
        acc_free(&b->group_acc[g]);
    free(b->group_acc);
    free(b->info_of);
    free(b->plans);
    free(b->slots);
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
    acc_t total = {0};
    /* The BOQ exists before the roads are checked: the templates' strings
     * are copied into it as they are first met. */
    gk_boq_t *boq = calloc(1, sizeof *boq);
    b.boq = boq;
    b.arena.boq = boq;
    b.info_of = gk_calloc_array(cat->n_materials, sizeof *b.info_of);
    if (!boq || !b.info_of || !acc_init(&b.part, cat->n_materials) ||
        !acc_init(&b.road, cat->n_materials))
        goto nomem;
    /* Bytes of the roads in the arena: the array, then each road's. */
    size_t bytes = arena_need(n, sizeof(gk_boq_road_t));
    for (size_t i = 0; i < n && st == GK_OK; i++) {
        const plan_t *p;
        st = check_road(&b, &roads[i], i, &p);
        if (st != GK_OK)
            break;
        n_layers += roads[i].tpl->n_layers;
        size_t more = p->bytes + (roads[i].id ? strlen(roads[i].id) : 0) +
                      (roads[i].name ? strlen(roads[i].name) : 0) + 2;
        bytes = bytes > SIZE_MAX - more ? SIZE_MAX : bytes + more;
    }
    if (st != GK_OK)
        goto fail;
    b.arena.chunk = bytes;
    b.group_acc = gk_calloc_array(n_layers, sizeof *b.group_acc);
    if (!b.group_acc || !acc_init(&total, cat->n_materials))
        goto nomem;
    boq->cost_idr = NAN;
    boq->info = pool_calloc(boq, cat->n_materials, sizeof *boq->info);
    boq->roads = ARENA_ARRAY(&b.arena, n, gk_boq_road_t); /* build_road fills */
    boq->layers = pool_calloc(boq, n_layers, sizeof *boq->layers);
    boq->catalog_id = pool_strdup(boq, cat->id);
    boq->catalog_version = pool_strdup(boq, cat->version);
    if (!boq->info || !boq->roads || !boq->layers || !boq->catalog_id ||
        !boq->catalog_version)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        const plan_t *p;
        st = find_plan(&b, roads[i].tpl, roads[i].id, &p);
        if (st == GK_OK)
            st = build_road(&b, &roads[i], p, &boq->roads[i], &total);
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
    build_free(&b, &total, n_layers);
    *out = boq;
    return GK_OK;
nomem:
    st = gk_error_nomem(ctx, "the bill of quantities");
fail:
    build_free(&b, &total, n_layers);
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
