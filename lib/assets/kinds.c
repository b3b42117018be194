/*
 * lib/assets/kinds.c - the kinds a store accepts, loaded from a kinds file
 * (data/asset_kinds.json or a region's own) into its asset_kinds table.
 */
#include <stdio.h>
#include <string.h>

#include "assets_internal.h"
#include "util/json_internal.h"

static bool valid_geometry(const char *g)
{
    return strcmp(g, "point") == 0 || strcmp(g, "line") == 0 ||
           strcmp(g, "polygon") == 0 || strcmp(g, "any") == 0;
}

/* A kind name: lower-case letters, digits and '_', so that it is safe in
 * a file name, a SQL literal in a QGIS filter and a JSON key. */
static bool valid_kind(const char *k)
{
    if (!*k)
        return false;
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

static const char *opt_string(const gk_json_t *obj, const char *key)
{
    const gk_json_t *v = gk_json_get(obj, key);
    return v && v->type == GK_JSON_STRING ? v->string : NULL;
}

gk_status_t gk_assets_load_kinds(gk_context_t *ctx, gk_assets_t *s,
                                 const char *path)
{
    if (!s || !path)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_load_kinds: NULL argument");
    if (s->readonly)
        return gk_error(ctx, GK_ERR_ARG, "%s: opened read-only", s->path);
    gk_json_t *root = NULL;
    gk_status_t st = gk_json_parse_file(ctx, path, &root);
    if (st != GK_OK)
        return st;
    const gk_json_t *list = gk_json_get(root, "kinds");
    if (!list || list->type != GK_JSON_ARRAY) {
        gk_json_free(root);
        return gk_error(ctx, GK_ERR_INPUT_FIELD,
                        "%s: line 1: expected an object with a \"kinds\" "
                        "array",
                        path);
    }
    /* Validate everything first, so a bad file changes nothing. */
    for (size_t i = 0; st == GK_OK && i < list->len; i++) {
        const gk_json_t *e = &list->items[i];
        const char *kind = opt_string(e, "kind");
        const char *geom = opt_string(e, "geometry");
        if (e->type != GK_JSON_OBJECT || !kind)
            st = gk_error(ctx, GK_ERR_INPUT_FIELD,
                          "%s: line %d: kinds[%zu]: missing string \"kind\"",
                          path, e->line, i);
        else if (!valid_kind(kind))
            st = gk_error(ctx, GK_ERR_INPUT_VALUE,
                          "%s: line %d: kinds[%zu].kind: \"%s\" is not a "
                          "kind name (a-z, 0-9, _)",
                          path, e->line, i, kind);
        else if (geom && !valid_geometry(geom))
            st = gk_error(ctx, GK_ERR_INPUT_VALUE,
                          "%s: line %d: kinds[%zu].geometry: \"%s\" is not "
                          "point, line, polygon or any",
                          path, e->line, i, geom);
        for (size_t j = 0; st == GK_OK && j < i; j++)
            if (strcmp(opt_string(&list->items[j], "kind"), kind) == 0)
                st = gk_error(ctx, GK_ERR_INPUT_VALUE,
                              "%s: line %d: kinds[%zu]: kind \"%s\" listed "
                              "twice",
                              path, e->line, i, kind);
    }
    sqlite3_stmt *ins = NULL;
    if (st == GK_OK)
        st = gk_assets_exec(ctx, s, "BEGIN IMMEDIATE");
    if (st == GK_OK)
        st = gk_assets_prepare(
            ctx, s,
            "INSERT INTO asset_kinds (kind, geometry, label, label_id, "
            "description) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind) DO "
            "UPDATE SET geometry = ?2, label = ?3, label_id = ?4, "
            "description = ?5",
            &ins);
    for (size_t i = 0; st == GK_OK && i < list->len; i++) {
        const gk_json_t *e = &list->items[i];
        const char *geom = opt_string(e, "geometry");
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, opt_string(e, "kind"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, geom ? geom : "any", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, opt_string(e, "label"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, opt_string(e, "label_id"), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, opt_string(e, "description"), -1,
                          SQLITE_STATIC);
        int rc = sqlite3_step(ins);
        if (rc != SQLITE_DONE)
            st = gk_assets_sqlerr(ctx, s, rc, "loading kinds");
    }
    sqlite3_finalize(ins);
    if (st == GK_OK)
        st = gk_assets_exec(ctx, s,
                            "UPDATE gk_meta SET value = CAST(value AS "
                            "INTEGER) + 1 WHERE key = 'data_version';"
                            "COMMIT");
    if (st != GK_OK && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    gk_json_free(root);
    return st;
}
