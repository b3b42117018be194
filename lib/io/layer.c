/*
 * lib/io/layer.c - the layer object: geometry columns, feature ids,
 * attribute columns and CRS, with their accessors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io_internal.h"

gk_layer_t *gk_layer_alloc(const char *source, const char *name)
{
    gk_layer_t *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    gk_geomcol_init(&l->geoms);
    l->source = gk_strdup(source ? source : "");
    l->name = gk_strdup(name ? name : "");
    if (!l->source || !l->name) {
        gk_layer_free(l);
        return NULL;
    }
    return l;
}

void gk_layer_free(gk_layer_t *l)
{
    if (!l)
        return;
    for (size_t j = 0; j < l->nfields; j++) {
        gk_field_col_t *f = &l->fields[j];
        if (f->strs)
            for (size_t i = 0; i < l->geoms.ngeoms; i++)
                free(f->strs[i]);
        free(f->name);
        free(f->ints);
        free(f->dbls);
        free(f->strs);
        free(f->isnull);
    }
    free(l->fields);
    free(l->fids);
    gk_geomcol_clear(&l->geoms);
    gk_crs_free(l->crs);
    free(l->source);
    free(l->name);
    free(l);
}

bool gk_layer_add_column(gk_layer_t *l, const char *name, gk_field_type_t t)
{
    gk_field_col_t *nf =
        gk_realloc_array(l->fields, l->nfields + 1, sizeof *nf);
    if (!nf)
        return false;
    l->fields = nf;
    gk_field_col_t *f = &nf[l->nfields];
    memset(f, 0, sizeof *f);
    f->type = t;
    f->name = gk_strdup(name);
    size_t cap = l->cap_features ? l->cap_features : 1;
    f->isnull = calloc(cap, 1);
    if (t == GK_FIELD_INT)
        f->ints = calloc(cap, sizeof *f->ints);
    else if (t == GK_FIELD_DOUBLE)
        f->dbls = calloc(cap, sizeof *f->dbls);
    else
        f->strs = calloc(cap, sizeof *f->strs);
    l->nfields++; /* counted even if incomplete, so free() releases it */
    return f->name && f->isnull && (f->ints || f->dbls || f->strs);
}

static bool grow_col(void **p, size_t old, size_t cap, size_t elem)
{
    if (!*p)
        return true;
    char *np = gk_realloc_array(*p, cap, elem);
    if (!np)
        return false;
    memset(np + old * elem, 0, (cap - old) * elem);
    *p = np;
    return true;
}

bool gk_layer_reserve_feature(gk_layer_t *l, size_t n)
{
    if (n <= l->cap_features)
        return true;
    size_t old = l->cap_features;
    size_t cap = old ? old * 2 : 64;
    while (cap < n)
        cap *= 2;
    int64_t *fids = gk_realloc_array(l->fids, cap, sizeof *fids);
    if (!fids)
        return false;
    l->fids = fids;
    for (size_t j = 0; j < l->nfields; j++) {
        gk_field_col_t *f = &l->fields[j];
        if (!grow_col((void **)&f->isnull, old, cap, 1) ||
            !grow_col((void **)&f->ints, old, cap, sizeof *f->ints) ||
            !grow_col((void **)&f->dbls, old, cap, sizeof *f->dbls) ||
            !grow_col((void **)&f->strs, old, cap, sizeof *f->strs))
            return false;
    }
    l->cap_features = cap;
    return true;
}

const char *gk_layer_label(const gk_layer_t *l, char *buf, size_t cap)
{
    if (l->source[0] && l->name[0])
        snprintf(buf, cap, "%s (layer %s)", l->source, l->name);
    else
        snprintf(buf, cap, "%s", l->source[0] ? l->source : l->name);
    return buf;
}

gk_status_t gk_layer_from_geoms(gk_context_t *ctx, const char *name,
                                const gk_geoms_t *geoms, const gk_crs_t *crs,
                                gk_layer_t **out)
{
    if (!out || !geoms)
        return gk_error(ctx, GK_ERR_ARG, "gk_layer_from_geoms: NULL argument");
    *out = NULL;
    gk_layer_t *l = gk_layer_alloc("", name);
    if (!l || !gk_layer_reserve_feature(l, geoms->ngeoms) ||
        !gk_geomcol_append_view(&l->geoms, geoms)) {
        gk_layer_free(l);
        return gk_error_nomem(ctx, "a layer");
    }
    for (size_t i = 0; i < geoms->ngeoms; i++)
        l->fids[i] = (int64_t)i;
    if (crs) {
        gk_status_t st = gk_crs_copy(ctx, crs, &l->crs);
        if (st != GK_OK) {
            gk_layer_free(l);
            return st;
        }
    }
    *out = l;
    return GK_OK;
}

gk_status_t gk_layer_add_double_field(gk_context_t *ctx, gk_layer_t *l,
                                      const char *name, const double *values)
{
    if (!l || !name || (!values && l->geoms.ngeoms))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_layer_add_double_field: NULL argument");
    if (!gk_layer_add_column(l, name, GK_FIELD_DOUBLE))
        return gk_error_nomem(ctx, "a column");
    gk_field_col_t *f = &l->fields[l->nfields - 1];
    for (size_t i = 0; i < l->geoms.ngeoms; i++) {
        f->dbls[i] = values[i];
        f->isnull[i] = !isfinite(values[i]);
    }
    return GK_OK;
}

gk_status_t gk_layer_add_string_field(gk_context_t *ctx, gk_layer_t *l,
                                      const char *name,
                                      const char *const *values)
{
    if (!l || !name || (!values && l->geoms.ngeoms))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_layer_add_string_field: NULL argument");
    if (!gk_layer_add_column(l, name, GK_FIELD_STRING))
        return gk_error_nomem(ctx, "a column");
    gk_field_col_t *f = &l->fields[l->nfields - 1];
    for (size_t i = 0; i < l->geoms.ngeoms; i++) {
        f->isnull[i] = values[i] == NULL;
        /* the layer owns its copies; gk_layer_free() releases those made
         * before a failure */
        if (values[i] && !(f->strs[i] = gk_strdup(values[i])))
            return gk_error_nomem(ctx, "a text column");
    }
    return GK_OK;
}

gk_status_t gk_layer_set_fids(gk_context_t *ctx, gk_layer_t *l,
                              const int64_t *fids)
{
    if (!l || (!fids && l->geoms.ngeoms))
        return gk_error(ctx, GK_ERR_ARG, "gk_layer_set_fids: NULL argument");
    if (l->geoms.ngeoms)
        memcpy(l->fids, fids, l->geoms.ngeoms * sizeof *fids);
    return GK_OK;
}

gk_geoms_t gk_layer_geoms(const gk_layer_t *l)
{
    return gk_geomcol_view(&l->geoms);
}

size_t gk_layer_num_features(const gk_layer_t *l)
{
    return l ? l->geoms.ngeoms : 0;
}

int64_t gk_layer_fid(const gk_layer_t *l, size_t i)
{
    return l->fids[i];
}

const char *gk_layer_name(const gk_layer_t *l)
{
    return l->name;
}

const char *gk_layer_source(const gk_layer_t *l)
{
    return l->source;
}

const gk_crs_t *gk_layer_crs(const gk_layer_t *l)
{
    return l->crs;
}

size_t gk_layer_num_fields(const gk_layer_t *l)
{
    return l->nfields;
}

const char *gk_layer_field_name(const gk_layer_t *l, size_t field)
{
    return field < l->nfields ? l->fields[field].name : NULL;
}

gk_field_type_t gk_layer_field_type(const gk_layer_t *l, size_t field)
{
    return l->fields[field].type;
}

int gk_layer_field_index(const gk_layer_t *l, const char *name)
{
    for (size_t j = 0; j < l->nfields; j++)
        if (strcmp(l->fields[j].name, name) == 0)
            return (int)j;
    for (size_t j = 0; j < l->nfields; j++)
        if (strcasecmp(l->fields[j].name, name) == 0)
            return (int)j;
    return -1;
}

bool gk_layer_is_null(const gk_layer_t *l, size_t field, size_t i)
{
    return l->fields[field].isnull[i] != 0;
}

int64_t gk_layer_get_int(const gk_layer_t *l, size_t field, size_t i)
{
    const gk_field_col_t *f = &l->fields[field];
    if (f->isnull[i])
        return 0;
    if (f->type == GK_FIELD_INT)
        return f->ints[i];
    if (f->type == GK_FIELD_DOUBLE)
        return (int64_t)f->dbls[i];
    return strtoll(f->strs[i], NULL, 10);
}

double gk_layer_get_double(const gk_layer_t *l, size_t field, size_t i)
{
    const gk_field_col_t *f = &l->fields[field];
    if (f->isnull[i])
        return NAN;
    if (f->type == GK_FIELD_INT)
        return (double)f->ints[i];
    if (f->type == GK_FIELD_DOUBLE)
        return f->dbls[i];
    char *end;
    double v = strtod(f->strs[i], &end);
    return end != f->strs[i] && *end == '\0' ? v : NAN;
}

const char *gk_layer_get_string(const gk_layer_t *l, size_t field, size_t i)
{
    const gk_field_col_t *f = &l->fields[field];
    return f->type == GK_FIELD_STRING && !f->isnull[i] ? f->strs[i] : NULL;
}
