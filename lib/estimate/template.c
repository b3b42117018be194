/*
 * lib/estimate/template.c - load, validate and list pavement templates.
 *
 * A template file (schema in README, "Pavement templates"):
 *   {"template": "asphalt", "title": {"en": ..., "id": ...},
 *    "source": "...", "default_width_m": 6,
 *    "layers": [{"name": "ac_wc", "material": "asphalt_ac_wc",
 *                "thickness_m": 0.04, "extra_width_m": 0}, ...],
 *    "items": [{"name": "curbs", "kind": "linear", "material": "...",
 *               "sides": 2},
 *              {"name": "prime", "kind": "area", "material": "prime_coat",
 *               "on": "base_a"}]}
 * Every material must exist in the catalog given, with a kind that fits
 * its use; errors name file, line and key path.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_internal.h"

void gk_template_free(gk_template_t *tpl)
{
    if (!tpl)
        return;
    for (size_t i = 0; i < tpl->n_layers; i++) {
        gk_tpl_layer_t *l = &tpl->layers[i];
        free(l->name);
        free(l->label[0]);
        free(l->label[1]);
        free(l->material);
    }
    for (size_t i = 0; i < tpl->n_items; i++) {
        gk_tpl_item_t *it = &tpl->items[i];
        free(it->name);
        free(it->label[0]);
        free(it->label[1]);
        free(it->material);
    }
    free(tpl->layers);
    free(tpl->items);
    free(tpl->name);
    free(tpl->title[0]);
    free(tpl->title[1]);
    free(tpl->source);
    free(tpl);
}

static gk_status_t material_ref(const gk_jctx_t *j, const gk_catalog_t *cat,
                                const gk_json_t *o, const char *path,
                                char **out, const gk_material_t **mat)
{
    gk_status_t st = gk_jstr(j, o, path, "material", true, out);
    if (st != GK_OK)
        return st;
    long idx = gk_catalog_find(cat, *out);
    if (idx < 0) {
        char full[256];
        snprintf(full, sizeof full, "%s.material", path);
        return gk_jerr(j, GK_ERR_INPUT_INVALID, gk_json_get(o, "material"),
                       full, "unknown material \"%s\"", *out);
    }
    *mat = &cat->materials[idx];
    return GK_OK;
}

static gk_status_t load_layer(const gk_jctx_t *j, const gk_catalog_t *cat,
                              const gk_json_t *o, const char *path,
                              gk_tpl_layer_t *l)
{
    static const char *const keys[] = {
        "name",          "label",  "material", "thickness_m",
        "extra_width_m", "supply", "note",     NULL};
    char full[256];
    const gk_material_t *mat = NULL;
    const gk_json_t *at;
    gk_status_t st = gk_jkeys(j, o, path, keys);
    if (st == GK_OK)
        st = gk_jstr(j, o, path, "name", true, &l->name);
    if (st == GK_OK)
        st = gk_jlabel(j, o, path, "label", l->label);
    if (st == GK_OK)
        st = material_ref(j, cat, o, path, &l->material, &mat);
    if (st == GK_OK)
        st = gk_jfigure(j, o, path, "thickness_m", true, 0, &l->thickness_m,
                        &at);
    if (st != GK_OK)
        return st;
    snprintf(full, sizeof full, "%s.thickness_m", path);
    if (l->thickness_m < 0)
        return gk_jerr(j, GK_ERR_INPUT_VALUE, at, full,
                       "negative thickness (%g)", l->thickness_m);
    if (l->thickness_m == 0)
        return gk_jerr(j, GK_ERR_INPUT_VALUE, at, full,
                       "thickness must be greater than 0");
    st = gk_jfigure(j, o, path, "extra_width_m", false, 0, &l->extra_width_m,
                    &at);
    if (st != GK_OK)
        return st;
    if (l->extra_width_m < 0) {
        snprintf(full, sizeof full, "%s.extra_width_m", path);
        return gk_jerr(j, GK_ERR_INPUT_VALUE, at, full,
                       "negative extra width (%g)", l->extra_width_m);
    }
    snprintf(full, sizeof full, "%s.material", path);
    at = gk_json_get(o, "material");
    switch (mat->kind) {
    case GK_MAT_CONCRETE:
    case GK_MAT_GRANULAR:
    case GK_MAT_ASPHALT:
        break;
    case GK_MAT_BLOCK:
        /* 10 um: thicknesses are written with at most 3 decimals. */
        if (mat->thickness_m > 0 &&
            fabs(mat->thickness_m - l->thickness_m) > 1e-5) {
            snprintf(full, sizeof full, "%s.thickness_m", path);
            return gk_jerr(j, GK_ERR_INPUT_VALUE, gk_json_get(o, "thickness_m"),
                           full,
                           "%g m does not match the %g m thickness of "
                           "\"%s\"",
                           l->thickness_m, mat->thickness_m, mat->id);
        }
        break;
    default:
        return gk_jerr(j, GK_ERR_INPUT_INVALID, at, full,
                       "\"%s\" is not a layer material (use it as an item)",
                       mat->id);
    }
    l->supply = GK_SUPPLY_CHOICE_DEFAULT;
    const gk_json_t *sv = gk_json_get(o, "supply");
    if (sv) {
        snprintf(full, sizeof full, "%s.supply", path);
        st = gk_jreq(j, o, path, "supply", GK_JSON_STRING, &sv);
        if (st != GK_OK)
            return st;
        if (mat->kind != GK_MAT_CONCRETE)
            return gk_jerr(j, GK_ERR_INPUT_VALUE, sv, full,
                           "only concrete layers have a supply");
        if (strcmp(sv->string, "site_mix") == 0)
            l->supply = GK_SUPPLY_CHOICE_SITE;
        else if (strcmp(sv->string, "ready_mix") == 0)
            l->supply = GK_SUPPLY_CHOICE_READY;
        else
            return gk_jerr(j, GK_ERR_INPUT_VALUE, sv, full,
                           "must be \"site_mix\" or \"ready_mix\" (found "
                           "\"%s\")",
                           sv->string);
        if (l->supply == GK_SUPPLY_CHOICE_READY && mat->ready_mix_vehicle < 0)
            return gk_jerr(j, GK_ERR_INPUT_VALUE, sv, full,
                           "\"%s\" has no ready_mix_vehicle in the catalog",
                           mat->id);
    }
    return GK_OK;
}

static gk_status_t load_item(const gk_jctx_t *j, const gk_catalog_t *cat,
                             const gk_json_t *o, const char *path,
                             const gk_template_t *tpl, gk_tpl_item_t *it)
{
    static const char *const keys[] = {"name",  "label", "kind", "material",
                                       "sides", "on",    "note", NULL};
    char full[256];
    const gk_material_t *mat = NULL;
    const gk_json_t *kind, *v;
    gk_status_t st = gk_jkeys(j, o, path, keys);
    if (st == GK_OK)
        st = gk_jstr(j, o, path, "name", true, &it->name);
    if (st == GK_OK)
        st = gk_jlabel(j, o, path, "label", it->label);
    if (st == GK_OK)
        st = gk_jreq(j, o, path, "kind", GK_JSON_STRING, &kind);
    if (st == GK_OK)
        st = material_ref(j, cat, o, path, &it->material, &mat);
    if (st != GK_OK)
        return st;
    snprintf(full, sizeof full, "%s.kind", path);
    if (strcmp(kind->string, "linear") == 0)
        it->linear = true;
    else if (strcmp(kind->string, "area") != 0)
        return gk_jerr(j, GK_ERR_INPUT_VALUE, kind, full,
                       "must be \"linear\" or \"area\" (found \"%s\")",
                       kind->string);
    snprintf(full, sizeof full, "%s.material", path);
    if (it->linear && mat->kind != GK_MAT_LINEAR)
        return gk_jerr(j, GK_ERR_INPUT_INVALID, gk_json_get(o, "material"),
                       full, "\"%s\" is not a linear material", mat->id);
    if (!it->linear && mat->kind != GK_MAT_COAT && mat->kind != GK_MAT_BLOCK)
        return gk_jerr(j, GK_ERR_INPUT_INVALID, gk_json_get(o, "material"),
                       full, "\"%s\" is not a per-area material", mat->id);
    it->on = -1;
    if (it->linear) {
        if (gk_json_get(o, "on"))
            return gk_jerr(j, GK_ERR_INPUT_FIELD, gk_json_get(o, "on"), path,
                           "\"on\" is for area items only");
        st = gk_jreq(j, o, path, "sides", GK_JSON_NUMBER, &v);
        if (st != GK_OK)
            return st;
        if (v->number != 1 && v->number != 2) {
            snprintf(full, sizeof full, "%s.sides", path);
            return gk_jerr(j, GK_ERR_INPUT_VALUE, v, full,
                           "must be 1 or 2 (found %g)", v->number);
        }
        it->sides = (int)v->number;
        return GK_OK;
    }
    if (gk_json_get(o, "sides"))
        return gk_jerr(j, GK_ERR_INPUT_FIELD, gk_json_get(o, "sides"), path,
                       "\"sides\" is for linear items only");
    if ((v = gk_json_get(o, "on"))) {
        st = gk_jreq(j, o, path, "on", GK_JSON_STRING, &v);
        if (st != GK_OK)
            return st;
        if (strcmp(v->string, "surface") != 0) {
            for (size_t i = 0; i < tpl->n_layers; i++)
                if (strcmp(tpl->layers[i].name, v->string) == 0)
                    it->on = (long)i;
            if (it->on < 0) {
                snprintf(full, sizeof full, "%s.on", path);
                return gk_jerr(j, GK_ERR_INPUT_INVALID, v, full,
                               "no layer named \"%s\" (or use \"surface\")",
                               v->string);
            }
        }
    }
    return GK_OK;
}

/* What the layers and items of a template are read into. */
typedef struct template_load {
    const gk_catalog_t *cat;
    gk_template_t *tpl;
} template_load_t;

/* Element i of "layers", appended to the template; names are unique. */
static gk_status_t add_layer(const gk_jctx_t *j, const gk_json_t *o,
                             const char *path, size_t i, void *user)
{
    template_load_t *t = user;
    gk_template_t *tpl = t->tpl;
    gk_tpl_layer_t *l = &tpl->layers[tpl->n_layers++];
    gk_status_t st = load_layer(j, t->cat, o, path, l);
    if (st != GK_OK)
        return st;
    for (size_t k = 0; k < i; k++)
        if (strcmp(tpl->layers[k].name, l->name) == 0)
            return gk_jerr(j, GK_ERR_INPUT_INVALID, gk_json_get(o, "name"),
                           path, "duplicate layer name \"%s\"", l->name);
    return GK_OK;
}

/* Element i of "items", appended to the template. */
static gk_status_t add_item(const gk_jctx_t *j, const gk_json_t *o,
                            const char *path, size_t i, void *user)
{
    (void)i;
    template_load_t *t = user;
    gk_template_t *tpl = t->tpl;
    return load_item(j, t->cat, o, path, tpl, &tpl->items[tpl->n_items++]);
}

static gk_status_t load_template(const gk_jctx_t *j, const gk_json_t *root,
                                 const gk_catalog_t *cat, gk_template_t *tpl)
{
    static const char *const keys[] = {
        "template",        "title",  "description", "source", "confidence",
        "default_width_m", "layers", "items",       NULL};
    const gk_json_t *layers, *items = NULL, *at;
    if (root->type != GK_JSON_OBJECT)
        return gk_jerr(j, GK_ERR_INPUT_FIELD, root, "",
                       "a template is a JSON object");
    gk_status_t st = gk_jkeys(j, root, "", keys);
    if (st == GK_OK)
        st = gk_jstr(j, root, "", "template", true, &tpl->name);
    if (st == GK_OK)
        st = gk_jlabel(j, root, "", "title", tpl->title);
    if (st == GK_OK)
        st = gk_jstr(j, root, "", "source", true, &tpl->source);
    if (st == GK_OK)
        st = gk_jfigure(j, root, "", "default_width_m", false, 0,
                        &tpl->default_width_m, &at);
    if (st == GK_OK && tpl->default_width_m < 0)
        st = gk_jerr(j, GK_ERR_INPUT_VALUE, at, "default_width_m",
                     "negative width (%g)", tpl->default_width_m);
    if (st == GK_OK)
        st = gk_jreq(j, root, "", "layers", GK_JSON_ARRAY, &layers);
    if (st == GK_OK && gk_json_get(root, "items"))
        st = gk_jreq(j, root, "", "items", GK_JSON_ARRAY, &items);
    if (st != GK_OK)
        return st;
    if (layers->len == 0)
        return gk_jerr(j, GK_ERR_INPUT_VALUE, layers, "layers", "no layers");
    tpl->layers = gk_calloc_array(layers->len, sizeof *tpl->layers);
    if (!tpl->layers)
        return gk_error_nomem(j->ctx, j->file);
    template_load_t t = {cat, tpl};
    st = gk_jeach_object(j, layers, "layers", add_layer, &t);
    if (st != GK_OK || !items || items->len == 0)
        return st;
    tpl->items = gk_calloc_array(items->len, sizeof *tpl->items);
    if (!tpl->items)
        return gk_error_nomem(j->ctx, j->file);
    return gk_jeach_object(j, items, "items", add_item, &t);
}

gk_status_t gk_template_parse(gk_context_t *ctx, const char *name,
                              const char *text, size_t len,
                              const gk_catalog_t *cat, gk_template_t **out)
{
    if (out)
        *out = NULL;
    if (!out || !text || !cat)
        return gk_error(ctx, GK_ERR_ARG, "gk_template_parse: NULL argument");
    name = name ? name : "(template)";
    gk_json_t *root;
    gk_status_t st = gk_json_parse(ctx, name, text, len, &root);
    if (st != GK_OK)
        return st;
    gk_template_t *tpl = calloc(1, sizeof *tpl);
    if (!tpl) {
        gk_json_free(root);
        return gk_error_nomem(ctx, name);
    }
    gk_jctx_t j = {ctx, name};
    st = load_template(&j, root, cat, tpl);
    gk_json_free(root);
    if (st != GK_OK) {
        gk_template_free(tpl);
        return st;
    }
    *out = tpl;
    return GK_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

gk_status_t gk_template_load(gk_context_t *ctx, const char *name_or_path,
                             const char *data_dir, const gk_catalog_t *cat,
                             gk_template_t **out)
{
    if (out)
        *out = NULL;
    if (!name_or_path || !cat || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_template_load: NULL argument");
    char *path;
    if (strchr(name_or_path, '/') || ends_with(name_or_path, ".json")) {
        path = gk_strdup(name_or_path);
    } else {
        if (!data_dir)
            return gk_error(ctx, GK_ERR_ARG,
                            "template \"%s\": no data directory to look in",
                            name_or_path);
        size_t n = strlen(data_dir) + strlen(name_or_path) + 32;
        path = malloc(n);
        if (path)
            snprintf(path, n, "%s/templates/%s.json", data_dir, name_or_path);
    }
    if (!path)
        return gk_error_nomem(ctx, name_or_path);
    char *text;
    size_t len;
    gk_status_t st = gk_read_file(ctx, path, &text, &len);
    if (st != GK_OK) {
        if (!strchr(name_or_path, '/') && !ends_with(name_or_path, ".json"))
            gk_error(ctx, st,
                     "unknown template \"%s\" (%s: not found; "
                     "`geokota templates` lists them)",
                     name_or_path, path);
        free(path);
        return st;
    }
    st = gk_template_parse(ctx, path, text, len, cat, out);
    free(text);
    free(path);
    return st;
}

const char *gk_template_name(const gk_template_t *tpl)
{
    return tpl ? tpl->name : NULL;
}

const char *gk_template_title(const gk_template_t *tpl, gk_lang_t lang)
{
    if (!tpl)
        return NULL;
    if (lang == GK_LANG_ID && tpl->title[1])
        return tpl->title[1];
    return tpl->title[0] ? tpl->title[0] : tpl->name;
}

double gk_template_default_width(const gk_template_t *tpl)
{
    return tpl ? tpl->default_width_m : 0;
}

size_t gk_template_layer_count(const gk_template_t *tpl)
{
    return tpl ? tpl->n_layers : 0;
}

bool gk_template_layer(const gk_template_t *tpl, size_t i,
                       gk_template_layer_t *out)
{
    if (!tpl || !out || i >= tpl->n_layers)
        return false;
    const gk_tpl_layer_t *l = &tpl->layers[i];
    out->name = l->name;
    out->material = l->material;
    out->thickness_m = l->thickness_m;
    out->extra_width_m = l->extra_width_m;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void gk_template_list_free(char **names, size_t count)
{
    if (!names)
        return;
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

gk_status_t gk_template_list(gk_context_t *ctx, const char *data_dir,
                             char ***names, size_t *count)
{
    if (names)
        *names = NULL;
    if (count)
        *count = 0;
    if (!data_dir || !names || !count)
        return gk_error(ctx, GK_ERR_ARG, "gk_template_list: NULL argument");
    size_t n = strlen(data_dir) + 16;
    char *dir = malloc(n);
    if (!dir)
        return gk_error_nomem(ctx, "template list");
    snprintf(dir, n, "%s/templates", data_dir);
    DIR *d = opendir(dir);
    if (!d) {
        gk_status_t st = gk_error(ctx, GK_ERR_IO, "%s: cannot open (%s)", dir,
                                  strerror(errno));
        free(dir);
        return st;
    }
    free(dir);
    char **list = NULL;
    size_t len = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".json"))
            continue;
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char **nl = gk_realloc_array(list, ncap, sizeof *nl);
            if (!nl)
                goto nomem;
            list = nl;
            cap = ncap;
        }
        size_t k = strlen(e->d_name) - 5;
        list[len] = malloc(k + 1);
        if (!list[len])
            goto nomem;
        memcpy(list[len], e->d_name, k);
        list[len][k] = '\0';
        len++;
    }
    closedir(d);
    if (len > 1)
        qsort(list, len, sizeof *list, cmp_str);
    *names = list;
    *count = len;
    return GK_OK;
nomem:
    closedir(d);
    gk_template_list_free(list, len);
    return gk_error_nomem(ctx, "template list");
}
