/*
 * lib/estimate/jfield.c - typed access to members of a parsed JSON data
 * file, with errors that name the file, the line and the key path:
 * "data/templates/rigid.json: line 12: layers[1].thickness_m: negative
 * thickness (-0.15)".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_internal.h"

gk_status_t gk_jerr(const gk_jctx_t *j, gk_status_t code, const gk_json_t *at,
                    const char *path, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (path && *path)
        return gk_error(j->ctx, code, "%s: line %d: %s: %s", j->file,
                        at ? at->line : 1, path, what);
    return gk_error(j->ctx, code, "%s: line %d: %s", j->file, at ? at->line : 1,
                    what);
}

static void join(char *buf, size_t cap, const char *path, const char *key)
{
    if (path && *path)
        snprintf(buf, cap, "%s.%s", path, key);
    else
        snprintf(buf, cap, "%s", key);
}

gk_status_t gk_jreq(const gk_jctx_t *j, const gk_json_t *obj, const char *path,
                    const char *key, gk_json_type_t type, const gk_json_t **out)
{
    char full[256];
    const gk_json_t *v = gk_json_get(obj, key);
    *out = NULL;
    if (!v)
        return gk_jerr(j, GK_ERR_INPUT_FIELD, obj, path, "missing field \"%s\"",
                       key);
    if (v->type != type) {
        join(full, sizeof full, path, key);
        return gk_jerr(j, GK_ERR_INPUT_FIELD, v, full, "expected %s, found %s",
                       gk_json_type_name(type), gk_json_type_name(v->type));
    }
    *out = v;
    return GK_OK;
}

gk_status_t gk_jstr(const gk_jctx_t *j, const gk_json_t *obj, const char *path,
                    const char *key, bool required, char **out)
{
    const gk_json_t *v = gk_json_get(obj, key);
    *out = NULL;
    if (!v && !required)
        return GK_OK;
    gk_status_t st = gk_jreq(j, obj, path, key, GK_JSON_STRING, &v);
    if (st != GK_OK)
        return st;
    if (v->len == 0) {
        char full[256];
        join(full, sizeof full, path, key);
        return gk_jerr(j, GK_ERR_INPUT_VALUE, v, full, "empty string");
    }
    *out = gk_strdup(v->string);
    return *out ? GK_OK : gk_error_nomem(j->ctx, j->file);
}

gk_status_t gk_jfigure(const gk_jctx_t *j, const gk_json_t *obj,
                       const char *path, const char *key, bool required,
                       double def, double *out, const gk_json_t **at)
{
    char full[256];
    const gk_json_t *v = gk_json_get(obj, key);
    if (at)
        *at = v;
    if (!v) {
        if (required)
            return gk_jerr(j, GK_ERR_INPUT_FIELD, obj, path,
                           "missing field \"%s\"", key);
        *out = def;
        return GK_OK;
    }
    join(full, sizeof full, path, key);
    if (v->type == GK_JSON_OBJECT) {
        /* {"value": x, "source": "...", "confidence": "..."}: a figure that
         * carries its own source, different from its entry's. */
        static const char *const keys[] = {"value", "source", "confidence",
                                           "note", NULL};
        gk_status_t st = gk_jkeys(j, v, full, keys);
        if (st != GK_OK)
            return st;
        const gk_json_t *num;
        st = gk_jreq(j, v, full, "value", GK_JSON_NUMBER, &num);
        if (st != GK_OK)
            return st;
        char *src;
        st = gk_jstr(j, v, full, "source", true, &src);
        if (st != GK_OK)
            return st;
        free(src);
        *out = num->number;
        if (at)
            *at = num;
        return GK_OK;
    }
    if (v->type != GK_JSON_NUMBER)
        return gk_jerr(j, GK_ERR_INPUT_FIELD, v, full,
                       "expected a number, found %s",
                       gk_json_type_name(v->type));
    *out = v->number;
    return GK_OK;
}

gk_status_t gk_jlabel(const gk_jctx_t *j, const gk_json_t *obj,
                      const char *path, const char *key, char *label[2])
{
    char full[256];
    const gk_json_t *v = gk_json_get(obj, key);
    label[0] = label[1] = NULL;
    if (!v)
        return GK_OK;
    join(full, sizeof full, path, key);
    if (v->type == GK_JSON_STRING)
        return gk_jstr(j, obj, path, key, true, &label[0]);
    if (v->type != GK_JSON_OBJECT)
        return gk_jerr(j, GK_ERR_INPUT_FIELD, v, full,
                       "expected a string or {\"en\": ..., \"id\": ...}, "
                       "found %s",
                       gk_json_type_name(v->type));
    static const char *const keys[] = {"en", "id", NULL};
    gk_status_t st = gk_jkeys(j, v, full, keys);
    if (st == GK_OK)
        st = gk_jstr(j, v, full, "en", true, &label[0]);
    if (st == GK_OK)
        st = gk_jstr(j, v, full, "id", false, &label[1]);
    if (st != GK_OK) {
        free(label[0]);
        label[0] = NULL;
    }
    return st;
}

gk_status_t gk_jkeys(const gk_jctx_t *j, const gk_json_t *obj, const char *path,
                     const char *const *allowed)
{
    for (size_t i = 0; i < obj->len; i++) {
        const char *k = obj->keys[i];
        if (k[0] == '_')
            continue;
        bool found = false;
        for (const char *const *a = allowed; *a && !found; a++)
            found = strcmp(*a, k) == 0;
        if (!found) {
            char full[256];
            join(full, sizeof full, path, k);
            return gk_jerr(j, GK_ERR_INPUT_FIELD, &obj->items[i], full,
                           "unknown field (a typo? comments start with '_')");
        }
    }
    return GK_OK;
}

gk_status_t gk_jeach_object(const gk_jctx_t *j, const gk_json_t *arr,
                            const char *name, gk_jobject_fn fn, void *user)
{
    for (size_t i = 0; i < arr->len; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s[%zu]", name, i);
        const gk_json_t *o = &arr->items[i];
        if (o->type != GK_JSON_OBJECT)
            return gk_jerr(j, GK_ERR_INPUT_FIELD, o, path,
                           "expected an object");
        gk_status_t st = fn(j, o, path, i, user);
        if (st != GK_OK)
            return st;
    }
    return GK_OK;
}
