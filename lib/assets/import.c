/*
 * lib/assets/import.c - upserting features into the store by id, in one
 * transaction, with rejects and a change log.
 *
 * Two passes. The first decides every feature without touching the
 * database: its kind (constant, or an attribute mapped through the mapping
 * file), its id (attribute or generated), its geometry's validity and type
 * against the kind, its install date; ids seen twice are rejected in every
 * copy (no copy wins by accident of file order). The second pass runs
 * inside BEGIN IMMEDIATE ... COMMIT: for each accepted feature it reads
 * the row with the same id and inserts, updates (logging the old values
 * and geometry) or leaves it; the inserts are logged as one row for the
 * whole import. SpatiaLite's R*Tree is written after the rows: as a
 * packed tree when it was empty (rtree_bulk.c), else entry by entry.
 * Anything that fails rolls the whole
 * transaction back, so the store is never half-written; SQLite's WAL makes
 * that hold also when the process is killed mid-way.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets_internal.h"
#include "index/index_internal.h"
#include "io/io_internal.h"
#include "util/json_internal.h"

/* --- a small string builder for the attrs JSON ------------------------- */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool nomem;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->nomem = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf_t *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_json_string(sbuf_t *b, const char *s)
{
    sb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            sb_add(b, esc, 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            sb_str(b, esc);
        } else {
            sb_add(b, (const char *)p, 1);
        }
    }
    sb_add(b, "\"", 1);
}

/* --- the effective mapping --------------------------------------------- */
typedef struct mapping {
    gk_json_t *root; /* the mapping file, owning the strings below */
    const char *kind, *kind_field, *id_field, *id_prefix, *default_kind;
    const char *cond_field, *inst_field, *dist_field;
    const gk_json_t *kinds; /* object: source value -> kind */
} mapping_t;

static const char *pick(const char *explicit_value, const gk_json_t *root,
                        const char *key)
{
    if (explicit_value)
        return explicit_value;
    const gk_json_t *v = gk_json_get(root, key);
    return v && v->type == GK_JSON_STRING && v->len ? v->string : NULL;
}

static gk_status_t load_mapping(gk_context_t *ctx,
                                const gk_assets_import_opts_t *o,
                                mapping_t *m)
{
    memset(m, 0, sizeof *m);
    if (o->mapping_path) {
        gk_status_t st = gk_json_parse_file(ctx, o->mapping_path, &m->root);
        if (st != GK_OK)
            return st;
        if (m->root->type != GK_JSON_OBJECT)
            return gk_error(ctx, GK_ERR_INPUT_FIELD,
                            "%s: line 1: a mapping is a JSON object",
                            o->mapping_path);
        m->kinds = gk_json_get(m->root, "kinds");
        if (m->kinds && m->kinds->type != GK_JSON_OBJECT)
            return gk_error(ctx, GK_ERR_INPUT_FIELD,
                            "%s: line %d: \"kinds\" must map source values "
                            "to kinds (an object)",
                            o->mapping_path, m->kinds->line);
        for (size_t i = 0; m->kinds && i < m->kinds->len; i++)
            if (m->kinds->items[i].type != GK_JSON_STRING)
                return gk_error(ctx, GK_ERR_INPUT_FIELD,
                                "%s: line %d: kinds.%s: expected a kind name",
                                o->mapping_path, m->kinds->items[i].line,
                                m->kinds->keys[i]);
    }
    m->kind = o->kind;
    /* An explicit --kind-field beats a constant kind from the file and the
     * other way round: the command line wins. */
    m->kind_field = o->kind ? o->kind_field
                            : pick(o->kind_field, m->root, "kind_field");
    if (!m->kind && !m->kind_field)
        m->kind = pick(NULL, m->root, "kind");
    m->id_field = pick(o->id_field, m->root, "id_field");
    m->id_prefix = pick(o->id_prefix, m->root, "id_prefix");
    m->default_kind = pick(NULL, m->root, "default_kind");
    m->cond_field = pick(o->condition_field, m->root, "condition_field");
    m->inst_field = pick(o->installed_field, m->root, "installed_field");
    m->dist_field = pick(o->district_field, m->root, "district_field");
    if (!m->kind && !m->kind_field)
        return gk_error(ctx, GK_ERR_ARG,
                        "import: say which kind the features are: a kind, a "
                        "kind field, or a mapping file with \"kind_field\"");
    return GK_OK;
}

/* --- the store's kinds --------------------------------------------------- */
typedef struct kind {
    char *name;
    char geometry; /* 'p' point, 'l' line, 'a' polygon, '*' any */
} kind_t;

static gk_status_t load_kinds(gk_context_t *ctx, gk_assets_t *s, kind_t **out,
                              size_t *n)
{
    sqlite3_stmt *q;
    gk_status_t st = gk_assets_prepare(
        ctx, s, "SELECT kind, geometry FROM asset_kinds ORDER BY kind", &q);
    kind_t *k = NULL;
    size_t cnt = 0, cap = 0;
    int rc;
    while (st == GK_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? 2 * cap : 32;
            kind_t *p = gk_realloc_array(k, cap, sizeof *k);
            if (!p) {
                st = gk_error_nomem(ctx, "kinds");
                break;
            }
            k = p;
        }
        const char *g = (const char *)sqlite3_column_text(q, 1);
        k[cnt].name = gk_strdup((const char *)sqlite3_column_text(q, 0));
        k[cnt].geometry = !g                          ? '*'
                          : strcmp(g, "point") == 0   ? 'p'
                          : strcmp(g, "line") == 0    ? 'l'
                          : strcmp(g, "polygon") == 0 ? 'a'
                                                      : '*';
        if (!k[cnt++].name)
            st = gk_error_nomem(ctx, "kinds");
    }
    if (st == GK_OK && rc != SQLITE_DONE)
        st = gk_assets_sqlerr(ctx, s, rc, "reading kinds");
    sqlite3_finalize(q);
    *out = k;
    *n = cnt;
    return st;
}

static int find_kind(const kind_t *k, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(k[mid].name, name);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* --- per-feature decisions ----------------------------------------------- */
/* Text of a field value (NULL for null); numbers formatted into buf. */
static const char *field_text(const gk_layer_t *l, int f, size_t i,
                              char buf[64])
{
    if (f < 0 || gk_layer_is_null(l, (size_t)f, i))
        return NULL;
    switch (gk_layer_field_type(l, (size_t)f)) {
    case GK_FIELD_STRING: return gk_layer_get_string(l, (size_t)f, i);
    case GK_FIELD_INT:
        snprintf(buf, 64, "%lld", (long long)gk_layer_get_int(l, (size_t)f, i));
        return buf;
    default: gk_format_double(buf, gk_layer_get_double(l, (size_t)f, i));
        return buf;
    }
}

/* ISO 8601 calendar date: YYYY, YYYY-MM or YYYY-MM-DD. */
static bool iso_date(const char *s)
{
    int y, mo = 1, d = 1, n = 0;
    size_t len = strlen(s);
    if (len == 4 && sscanf(s, "%4d%n", &y, &n) == 1 && n == 4)
        return y >= 1000;
    if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &mo, &n) == 2 && n == 7)
        return y >= 1000 && mo >= 1 && mo <= 12;
    if (len != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 ||
        n != 10 || y < 1000 || mo < 1 || mo > 12 || d < 1)
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[mo - 1] && !(mo == 2 && d == 29 && !leap);
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Stable generated id: kind and the lon/lat coordinates, hashed. */
static char *generated_id(const char *kind, const gk_geoms_t *g, size_t i)
{
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, kind, strlen(kind));
    int64_t v0 = g->ring_off[g->part_off[g->geom_off[i]]];
    int64_t v1 = g->ring_off[g->part_off[g->geom_off[i + 1]]];
    h = fnv1a(h, g->types + i, 1);
    h = fnv1a(h, g->xy + 2 * v0, (size_t)(v1 - v0) * 16);
    char buf[96];
    snprintf(buf, sizeof buf, "%s-%016llx", kind, (unsigned long long)h);
    return gk_strdup(buf);
}

typedef struct plan {
    size_t n;
    char **id;     /* owned */
    int *kind;     /* index into kinds, -1 for a reject */
    char **reason; /* owned; NULL when accepted */
} plan_t;

static void plan_free(plan_t *p)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->id)
            free(p->id[i]);
        if (p->reason)
            free(p->reason[i]);
    }
    free(p->id);
    free(p->kind);
    free(p->reason);
}

static bool reject(plan_t *p, size_t i, const char *fmt, ...) GK_PRINTF(3, 4);
static bool reject(plan_t *p, size_t i, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    p->kind[i] = -1;
    free(p->reason[i]);
    p->reason[i] = gk_strdup(buf);
    return p->reason[i] != NULL;
}

static const char *geom_word(gk_geom_type_t t)
{
    switch (gk_geom_type_base(t)) {
    case GK_GEOM_POINT: return "point";
    case GK_GEOM_LINESTRING: return "line";
    case GK_GEOM_POLYGON: return "polygon";
    default: return "empty";
    }
}

static bool type_fits(char want, gk_geom_type_t t)
{
    gk_geom_type_t b = gk_geom_type_base(t);
    return want == '*' || (want == 'p' && b == GK_GEOM_POINT) ||
           (want == 'l' && b == GK_GEOM_LINESTRING) ||
           (want == 'a' && b == GK_GEOM_POLYGON);
}

static int cmp_ids(const void *a, const void *b, void *ids)
{
    char **id = ids;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(id[x], id[y]);
    return c ? c : (x > y) - (x < y);
}

/* qsort_r is a GNU extension; a plain merge sort keeps this portable. */
static void sort_by_id(size_t *idx, size_t *tmp, size_t n, char **ids)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_by_id(idx, tmp, h, ids);
    sort_by_id(idx + h, tmp, n - h, ids);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_ids(&idx[i], &idx[j], ids) <= 0 ? idx[i++] : idx[j++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* Reject every copy of an id that appears more than once. */
static gk_status_t reject_duplicates(gk_context_t *ctx, plan_t *p)
{
    size_t *idx = gk_calloc_array(p->n + 1, sizeof *idx);
    size_t *tmp = gk_calloc_array(p->n + 1, sizeof *tmp);
    size_t m = 0;
    if (!idx || !tmp) {
        free(idx);
        free(tmp);
        return gk_error_nomem(ctx, "duplicate check");
    }
    for (size_t i = 0; i < p->n; i++)
        if (p->id[i])
            idx[m++] = i;
    sort_by_id(idx, tmp, m, p->id);
    gk_status_t st = GK_OK;
    for (size_t a = 0; a < m && st == GK_OK;) {
        size_t b = a + 1;
        while (b < m && strcmp(p->id[idx[a]], p->id[idx[b]]) == 0)
            b++;
        if (b - a > 1) {
            char count[32];
            snprintf(count, sizeof count, "%zu", b - a);
            for (size_t k = a; k < b && st == GK_OK; k++)
                if (!reject(p, idx[k],
                            "duplicate id '%s': it appears %s times in the "
                            "source",
                            p->id[idx[k]], count))
                    st = gk_error_nomem(ctx, "rejects");
        }
        a = b;
    }
    free(idx);
    free(tmp);
    return st;
}

static int field_or_fail(gk_context_t *ctx, const gk_layer_t *l,
                         const char *name, gk_status_t *st)
{
    if (!name || *st != GK_OK)
        return -1;
    int f = gk_layer_field_index(l, name);
    if (f >= 0)
        return f;
    char label[512], list[512] = "";
    size_t used = 0;
    for (size_t k = 0; k < gk_layer_num_fields(l) && used < sizeof list - 8;
         k++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 k ? ", " : "", gk_layer_field_name(l, k));
    *st = gk_error(ctx, GK_ERR_INPUT_FIELD, "%s: no field '%s' (fields: %s)",
                   gk_layer_label(l, label, sizeof label), name,
                   *list ? list : "none");
    return -1;
}

typedef struct fields {
    int kind, id, cond, inst, dist;
} fields_t;

static gk_status_t decide(gk_context_t *ctx, const gk_layer_t *l,
                          const gk_geoms_t *ll, const mapping_t *m,
                          const fields_t *f, const kind_t *kinds,
                          size_t nkinds, plan_t *p)
{
    gk_validate_opts_t vopt = {0};
    for (size_t i = 0; i < p->n; i++) {
        char buf[64];
        const char *kname = m->kind;
        bool fail = false;
        p->kind[i] = -1;
        if (!kname) {
            const char *v = field_text(l, f->kind, i, buf);
            const gk_json_t *mapped = v && m->kinds ? gk_json_get(m->kinds, v)
                                                    : NULL;
            if (mapped)
                kname = mapped->string;
            else if (v && find_kind(kinds, nkinds, v) >= 0)
                kname = v;
            else if (m->default_kind)
                kname = m->default_kind;
            else if (!v)
                fail = !reject(p, i, "no kind: %s is null", m->kind_field);
            else
                fail = !reject(p, i,
                               "unknown kind '%s' (%s has no mapping for it "
                               "and the store has no such kind)",
                               v, m->kind_field);
            if (!kname) {
                if (fail)
                    return gk_error_nomem(ctx, "rejects");
                continue;
            }
        }
        int k = find_kind(kinds, nkinds, kname);
        if (k < 0) {
            if (!reject(p, i,
                        "unknown kind '%s' (not among the store's kinds; "
                        "load a kinds file that has it)",
                        kname))
                return gk_error_nomem(ctx, "rejects");
            continue;
        }
        gk_status_t code;
        char *problem = gk_layer_feature_problem(ctx, l, i, &vopt, &code);
        if (problem) {
            bool okr = reject(p, i, "invalid geometry: %s", problem);
            free(problem);
            if (!okr)
                return gk_error_nomem(ctx, "rejects");
            continue;
        }
        gk_geom_type_t t = (gk_geom_type_t)ll->types[i];
        if (t == GK_GEOM_NONE || ll->geom_off[i + 1] == ll->geom_off[i]) {
            if (!reject(p, i, "empty geometry"))
                return gk_error_nomem(ctx, "rejects");
            continue;
        }
        if (!type_fits(kinds[k].geometry, t)) {
            char want[16];
            snprintf(want, sizeof want, "%s",
                     kinds[k].geometry == 'p'   ? "point"
                     : kinds[k].geometry == 'l' ? "line"
                                                : "polygon");
            char msg[128];
            snprintf(msg, sizeof msg, "%s needs a %s", kname, want);
            if (!reject(p, i, "wrong geometry type: a %s, but %s", geom_word(t),
                        msg))
                return gk_error_nomem(ctx, "rejects");
            continue;
        }
        const char *inst = field_text(l, f->inst, i, buf);
        if (inst && !iso_date(inst)) {
            if (!reject(p, i,
                        "installed date '%s' is not an ISO date "
                        "(YYYY-MM-DD, YYYY-MM or YYYY)",
                        inst))
                return gk_error_nomem(ctx, "rejects");
            continue;
        }
        if (f->id >= 0) {
            const char *v = field_text(l, f->id, i, buf);
            if (!v || !*v) {
                if (!reject(p, i, "no id: %s is %s", m->id_field,
                            v ? "empty" : "null"))
                    return gk_error_nomem(ctx, "rejects");
                continue;
            }
            size_t need = strlen(v) + (m->id_prefix ? strlen(m->id_prefix) : 0);
            p->id[i] = malloc(need + 1);
            if (p->id[i])
                snprintf(p->id[i], need + 1, "%s%s",
                         m->id_prefix ? m->id_prefix : "", v);
        } else {
            p->id[i] = generated_id(kname, ll, i);
        }
        if (!p->id[i])
            return gk_error_nomem(ctx, "asset ids");
        p->kind[i] = k;
    }
    return reject_duplicates(ctx, p);
}

/* --- writing --------------------------------------------------------------- */
static void attrs_json(const gk_layer_t *l, const fields_t *f, size_t i,
                       sbuf_t *b)
{
    b->len = 0;
    sb_str(b, "{");
    bool first = true;
    for (size_t k = 0; k < gk_layer_num_fields(l); k++) {
        int ki = (int)k;
        if (ki == f->kind || ki == f->id || ki == f->cond || ki == f->inst ||
            ki == f->dist || gk_layer_is_null(l, k, i))
            continue;
        if (!first)
            sb_str(b, ",");
        first = false;
        sb_json_string(b, gk_layer_field_name(l, k));
        sb_str(b, ":");
        char num[32];
        switch (gk_layer_field_type(l, k)) {
        case GK_FIELD_STRING: sb_json_string(b, gk_layer_get_string(l, k, i));
            break;
        case GK_FIELD_INT:
            snprintf(num, sizeof num, "%lld",
                     (long long)gk_layer_get_int(l, k, i));
            sb_str(b, num);
            break;
        default:
            gk_json_format_number(num, sizeof num, gk_layer_get_double(l, k, i));
            sb_str(b, num);
        }
    }
    sb_str(b, "}");
}

static bool same_text(sqlite3_stmt *q, int col, const char *v)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    if (!t || !v)
        return !t && !v;
    return strcmp((const char *)t, v) == 0;
}

typedef struct writer {
    gk_context_t *ctx;
    gk_assets_t *s;
    sqlite3_stmt *get, *ins, *upd, *log;
    const char *now, *who, *source;
    sbuf_t attrs, old;
    /* The inserts of this import, logged as one row (see log_inserts). */
    sbuf_t new_ids;
    size_t ninserted;
    int64_t fid_first, fid_last;
    /* rows whose R*Tree entry we write ourselves (see suspend_triggers) */
    int64_t *fids;
    gk_box_t *boxes;
    size_t nchanged, capchanged;
    char *trigger_sql[6];
    bool empty; /* the store had no assets: every row is an insert */
} writer_t;

/* SpatiaLite keeps its R*Tree in step through triggers that run
 * RTreeAlign() per row, which prepares a SQL statement each time: most of
 * the cost of a big import. Inside the import's transaction we drop the
 * insert/update triggers, write the index entries ourselves in one pass
 * at the end, and recreate the triggers from their own saved SQL, so the
 * store is exactly as SpatiaLite would have left it; a rollback (or a
 * kill) restores the triggers with everything else. */
static const char *const index_triggers[6] = {
    "gii_assets_geom", "giu_assets_geom", "tmi_assets_geom",
    "tmu_assets_geom", "ggi_assets_geom", "ggu_assets_geom"};
/* The last two check each geometry's type and SRID against
 * geometry_columns with a sub-query per row; the blobs an import writes
 * are made by gk_splite_encode with SRID 4326 and XY, so the check is
 * redundant here (it stays for every other writer). */

static gk_status_t suspend_triggers(writer_t *w)
{
    sqlite3_stmt *q;
    gk_status_t st = gk_assets_prepare(
        w->ctx, w->s,
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        &q);
    for (int k = 0; st == GK_OK && k < 6; k++) {
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, index_triggers[k], -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_ROW)
            continue; /* not there (an older SpatiaLite): nothing to do */
        w->trigger_sql[k] = gk_strdup((const char *)sqlite3_column_text(q, 0));
        if (!w->trigger_sql[k]) {
            st = gk_error_nomem(w->ctx, "import");
            break;
        }
        char sql[96];
        snprintf(sql, sizeof sql, "DROP TRIGGER \"%s\"", index_triggers[k]);
        st = gk_assets_exec(w->ctx, w->s, sql);
    }
    sqlite3_finalize(q);
    return st;
}

static void note_changed(writer_t *w, int64_t fid, gk_box_t box)
{
    if (w->nchanged == w->capchanged) {
        size_t cap = w->capchanged ? 2 * w->capchanged : 1024;
        int64_t *f = gk_realloc_array(w->fids, cap, sizeof *f);
        if (f)
            w->fids = f;
        gk_box_t *b = gk_realloc_array(w->boxes, cap, sizeof *b);
        if (b)
            w->boxes = b;
        if (!f || !b)
            return; /* caught by resume_triggers */
        w->capchanged = cap;
    }
    w->fids[w->nchanged] = fid;
    w->boxes[w->nchanged++] = box;
}

typedef struct keyed {
    uint32_t key;
    uint32_t i;
} keyed_t;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The order to write index entries in: along the Hilbert curve of their
 * centres, so consecutive R*Tree inserts touch the same few pages (in
 * file order they land all over the tree). NULL when out of memory. */
static keyed_t *hilbert_order(const writer_t *w)
{
    keyed_t *k = gk_calloc_array(w->nchanged + 1, sizeof *k);
    if (!k)
        return NULL;
    gk_box_t e = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < w->nchanged; i++) {
        e.xmin = fmin(e.xmin, w->boxes[i].xmin);
        e.ymin = fmin(e.ymin, w->boxes[i].ymin);
        e.xmax = fmax(e.xmax, w->boxes[i].xmax);
        e.ymax = fmax(e.ymax, w->boxes[i].ymax);
    }
    double sx = e.xmax > e.xmin ? 65535.0 / (e.xmax - e.xmin) : 0;
    double sy = e.ymax > e.ymin ? 65535.0 / (e.ymax - e.ymin) : 0;
    for (size_t i = 0; i < w->nchanged; i++) {
        const gk_box_t *b = &w->boxes[i];
        double cx = ((b->xmin + b->xmax) / 2 - e.xmin) * sx;
        double cy = ((b->ymin + b->ymax) / 2 - e.ymin) * sy;
        k[i] = (keyed_t){gk_hilbert16((uint32_t)cx, (uint32_t)cy),
                         (uint32_t)i};
    }
    qsort(k, w->nchanged, sizeof *k, cmp_keyed);
    return k;
}

static gk_status_t resume_triggers(writer_t *w, size_t expected)
{
    if (w->nchanged != expected)
        return gk_error_nomem(w->ctx, "index entries");
    keyed_t *order = hilbert_order(w);
    if (!order)
        return gk_error_nomem(w->ctx, "index entries");
    sqlite3_stmt *del = NULL, *ins = NULL;
    gk_status_t st = GK_OK;
    bool bulk = false;
    /* An empty R*Tree (a first import) is written as a packed tree in one
     * pass; otherwise entry by entry through the virtual table. */
    if (w->trigger_sql[0] && w->nchanged) {
        uint32_t *perm = gk_calloc_array(w->nchanged, sizeof *perm);
        if (!perm) {
            free(order);
            return gk_error_nomem(w->ctx, "index entries");
        }
        for (size_t o = 0; o < w->nchanged; o++)
            perm[o] = order[o].i;
        st = gk_rtree_bulk_fill(w->ctx, w->s, "idx_assets_geom", w->fids,
                                w->boxes, perm, w->nchanged, &bulk);
        free(perm);
    }
    if (st == GK_OK && !bulk && w->trigger_sql[0]) {
        st = gk_assets_prepare(w->ctx, w->s,
                               "DELETE FROM idx_assets_geom WHERE pkid = ?",
                               &del);
        if (st == GK_OK)
            st = gk_assets_prepare(w->ctx, w->s,
                                   "INSERT INTO idx_assets_geom (pkid, xmin, "
                                   "xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)",
                                   &ins);
    }
    for (size_t o = 0; st == GK_OK && del && o < w->nchanged; o++) {
        size_t i = order[o].i;
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, w->fids[i]);
        int rc = sqlite3_step(del);
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, w->fids[i]);
        sqlite3_bind_double(ins, 2, w->boxes[i].xmin);
        sqlite3_bind_double(ins, 3, w->boxes[i].xmax);
        sqlite3_bind_double(ins, 4, w->boxes[i].ymin);
        sqlite3_bind_double(ins, 5, w->boxes[i].ymax);
        if (rc == SQLITE_DONE)
            rc = sqlite3_step(ins);
        if (rc != SQLITE_DONE)
            st = gk_assets_sqlerr(w->ctx, w->s, rc, "updating the R*Tree");
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    free(order);
    if (st == GK_OK && w->nchanged && (w->trigger_sql[2] || w->trigger_sql[3]))
        st = gk_assets_exec(w->ctx, w->s,
                            "UPDATE geometry_columns_time SET last_insert = "
                            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
                            "last_update = strftime('%Y-%m-%dT%H:%M:%fZ', "
                            "'now') WHERE lower(f_table_name) = 'assets'");
    for (int k = 0; st == GK_OK && k < 6; k++)
        if (w->trigger_sql[k])
            st = gk_assets_exec(w->ctx, w->s, w->trigger_sql[k]);
    return st;
}

static void bind_text(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q, i);
}

/* The old values of the row `get` points at, as a JSON object. */
static void old_values(sqlite3_stmt *get, sbuf_t *b)
{
    static const char *const names[] = {"kind", "condition", "installed",
                                        "district"};
    b->len = 0;
    sb_str(b, "{");
    for (int c = 0; c < 4; c++) {
        const unsigned char *t = sqlite3_column_text(get, c + 1);
        if (c)
            sb_str(b, ",");
        sb_json_string(b, names[c]);
        sb_str(b, ":");
        if (t)
            sb_json_string(b, (const char *)t);
        else
            sb_str(b, "null");
    }
    const unsigned char *a = sqlite3_column_text(get, 5);
    sb_str(b, ",\"attrs\":");
    sb_str(b, a ? (const char *)a : "{}");
    sb_str(b, "}");
}

/* Upsert one asset; *what gets 'i', 'u' or '='. */
static gk_status_t upsert(writer_t *w, const char *id, const char *kind,
                          const char *cond, const char *inst,
                          const char *dist, const unsigned char *blob,
                          size_t blen, gk_box_t box, char *what)
{
    sqlite3_reset(w->get);
    sqlite3_bind_text(w->get, 1, id, -1, SQLITE_STATIC);
    /* Into an empty store every id is new (the source's are unique). */
    int rc = w->empty ? SQLITE_DONE : sqlite3_step(w->get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gk_assets_sqlerr(w->ctx, w->s, rc, "reading an asset");
    const char *attrs = w->attrs.s;
    if (rc == SQLITE_ROW) {
        const void *ob = sqlite3_column_blob(w->get, 6);
        size_t olen = (size_t)sqlite3_column_bytes(w->get, 6);
        if (same_text(w->get, 1, kind) && same_text(w->get, 2, cond) &&
            same_text(w->get, 3, inst) && same_text(w->get, 4, dist) &&
            same_text(w->get, 5, attrs) && olen == blen && ob &&
            memcmp(ob, blob, blen) == 0) {
            *what = '=';
            sqlite3_reset(w->get);
            return GK_OK;
        }
        old_values(w->get, &w->old);
        sqlite3_reset(w->log);
        sqlite3_bind_text(w->log, 6, w->old.s, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(w->log, 7, ob, (int)olen, SQLITE_TRANSIENT);
        sqlite3_reset(w->upd);
        sqlite3_bind_int64(w->upd, 8, sqlite3_column_int64(w->get, 0));
        *what = 'u';
    } else {
        *what = 'i';
    }
    if (w->old.nomem || w->attrs.nomem)
        return gk_error_nomem(w->ctx, "asset attributes");
    sqlite3_stmt *q = *what == 'u' ? w->upd : w->ins;
    if (*what == 'i') {
        sqlite3_reset(q);
        sqlite3_bind_text(q, 8, id, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
    bind_text(q, 2, cond);
    bind_text(q, 3, inst);
    bind_text(q, 4, dist);
    sqlite3_bind_text(q, 5, attrs, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, w->now, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 7, blob, (int)blen, SQLITE_STATIC);
    int64_t fid = *what == 'u' ? sqlite3_column_int64(w->get, 0) : 0;
    rc = sqlite3_step(q);
    sqlite3_reset(w->get);
    if (rc != SQLITE_DONE)
        return gk_assets_sqlerr(w->ctx, w->s, rc, "writing an asset");
    if (*what == 'i') {
        fid = sqlite3_last_insert_rowid(w->s->db);
        if (!w->ninserted++)
            w->fid_first = fid;
        w->fid_last = fid;
        if (w->new_ids.len)
            sb_add(&w->new_ids, ",", 1);
        sb_json_string(&w->new_ids, id);
        note_changed(w, fid, box);
        return w->new_ids.nomem ? gk_error_nomem(w->ctx, "change log")
                                : GK_OK;
    }
    note_changed(w, fid, box);
    sqlite3_bind_text(w->log, 4, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->log, 5, kind, -1, SQLITE_STATIC);
    rc = sqlite3_step(w->log);
    return rc == SQLITE_DONE
               ? GK_OK
               : gk_assets_sqlerr(w->ctx, w->s, rc, "writing the change log");
}

/* One change-log row for all the assets this import inserted (op
 * 'import', asset_id ''), with detail = {"inserted": n, "fid_first": a,
 * "fid_last": b, "ids": [...]}: who, when, from which source and which
 * ids, at the cost of one row instead of one per asset. The inserted rows
 * are exactly fids a..b (SQLite gives a new row the largest fid + 1, and
 * the import holds the write lock); "ids" names them independently of
 * fids, should another program ever delete rows and fids be reused. Updates keep one row per asset with the old values. */
static gk_status_t log_inserts(writer_t *w)
{
    if (!w->ninserted)
        return GK_OK;
    sbuf_t d = {0};
    char head[160];
    snprintf(head, sizeof head,
             "{\"inserted\":%zu,\"fid_first\":%lld,\"fid_last\":%lld,"
             "\"ids\":[",
             w->ninserted, (long long)w->fid_first, (long long)w->fid_last);
    sb_str(&d, head);
    sb_add(&d, w->new_ids.s, w->new_ids.len);
    sb_str(&d, "]}");
    if (d.nomem)
        return gk_error_nomem(w->ctx, "change log");
    sqlite3_stmt *q = NULL;
    gk_status_t st = gk_assets_prepare(
        w->ctx, w->s,
        "INSERT INTO asset_log (at, who, op, asset_id, source, detail) "
        "VALUES (?1, ?2, 'import', '', ?3, ?4)",
        &q);
    if (st == GK_OK) {
        sqlite3_bind_text(q, 1, w->now, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, w->who, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, w->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, d.s, (int)d.len, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        if (rc != SQLITE_DONE)
            st = gk_assets_sqlerr(w->ctx, w->s, rc, "writing the change log");
    }
    sqlite3_finalize(q);
    free(d.s);
    return st;
}

static gk_status_t prepare_writer(writer_t *w)
{
    gk_status_t st = gk_assets_prepare(
        w->ctx, w->s,
        "SELECT fid, kind, condition, installed, district, attrs, geom "
        "FROM assets WHERE id = ?1",
        &w->get);
    if (st == GK_OK)
        st = gk_assets_prepare(
            w->ctx, w->s,
            "INSERT INTO assets (kind, condition, installed, district, attrs, "
            "updated, geom, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &w->ins);
    if (st == GK_OK)
        st = gk_assets_prepare(
            w->ctx, w->s,
            "UPDATE assets SET kind = ?1, condition = ?2, installed = ?3, "
            "district = ?4, attrs = ?5, updated = ?6, geom = ?7 "
            "WHERE fid = ?8",
            &w->upd);
    if (st == GK_OK)
        st = gk_assets_prepare(
            w->ctx, w->s,
            "INSERT INTO asset_log (at, who, op, asset_id, kind, old_values, "
            "old_geom, source) VALUES (?1, ?2, 'update', ?4, ?5, ?6, ?7, ?8)",
            &w->log);
    if (st == GK_OK) {
        sqlite3_bind_text(w->log, 1, w->now, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->log, 2, w->who, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->log, 8, w->source, -1, SQLITE_STATIC);
    }
    return st;
}

static void finalize_writer(writer_t *w)
{
    sqlite3_finalize(w->get);
    sqlite3_finalize(w->ins);
    sqlite3_finalize(w->upd);
    sqlite3_finalize(w->log);
    free(w->attrs.s);
    free(w->old.s);
    free(w->new_ids.s);
    free(w->fids);
    free(w->boxes);
    for (int k = 0; k < 6; k++)
        free(w->trigger_sql[k]);
}

/* The rejects as GeoJSON: source attributes + reject_reason. */
static gk_status_t write_rejects(gk_context_t *ctx, const gk_layer_t *l,
                                 const gk_geoms_t *ll, const plan_t *p,
                                 const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return gk_error_nomem(ctx, "rejects file");
    fputs("{\"type\":\"FeatureCollection\",\"name\":\"rejects\",\"features\":[",
          f);
    bool first = true;
    sbuf_t b = {0};
    fields_t none = {-1, -1, -1, -1, -1};
    for (size_t i = 0; i < p->n; i++) {
        if (!p->reason[i])
            continue;
        fputs(first ? "\n" : ",\n", f);
        first = false;
        attrs_json(l, &none, i, &b);
        fputs("{\"type\":\"Feature\",\"properties\":{\"reject_reason\":", f);
        sbuf_t r = {0};
        sb_json_string(&r, p->reason[i]);
        fputs(r.s ? r.s : "\"\"", f);
        free(r.s);
        fprintf(f, ",\"source_fid\":%lld", (long long)gk_layer_fid(l, i));
        if (b.s && b.len > 2) {
            fputc(',', f);
            fwrite(b.s + 1, 1, b.len - 2, f);
        }
        fputs("},\"geometry\":", f);
        gk_geojson_write_geometry(f, ll, i);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
    bool failed = ferror(f) != 0 || b.nomem;
    failed |= fclose(f) != 0;
    free(b.s);
    gk_status_t st = failed ? gk_error_nomem(ctx, "rejects file")
                            : gk_write_file_atomic(ctx, path, buf, len);
    free(buf);
    return st;
}

static gk_status_t write_all(writer_t *w, const gk_layer_t *l,
                             const gk_geoms_t *ll, const fields_t *f,
                             const kind_t *kinds, const plan_t *p,
                             gk_assets_import_report_t *rep)
{
    gk_status_t st = GK_OK;
    for (size_t i = 0; st == GK_OK && i < p->n; i++) {
        if ((i & 4095) == 0 &&
            !gk_progress(w->ctx, (double)i / (double)p->n, "import"))
            return GK_ERR_INTERRUPTED;
        if (p->kind[i] < 0)
            continue;
        unsigned char *blob = NULL;
        size_t blen = 0;
        st = gk_splite_encode(ll, i, 4326, &blob, &blen);
        if (st != GK_OK)
            return gk_error_nomem(w->ctx, "geometry blob");
        char b1[64], b2[64], b3[64], what = '=';
        attrs_json(l, f, i, &w->attrs);
        st = upsert(w, p->id[i], kinds[p->kind[i]].name,
                    field_text(l, f->cond, i, b1),
                    field_text(l, f->inst, i, b2),
                    field_text(l, f->dist, i, b3), blob, blen,
                    gk_geoms_feature_box(ll, i), &what);
        free(blob);
        rep->inserted += what == 'i';
        rep->updated += what == 'u';
        rep->unchanged += what == '=';
    }
    return st;
}

gk_status_t gk_assets_import_layer(gk_context_t *ctx, gk_assets_t *s,
                                   const gk_layer_t *l,
                                   const gk_assets_import_opts_t *opts,
                                   gk_assets_import_report_t *report)
{
    if (!s || !l || !opts)
        return gk_error(ctx, GK_ERR_ARG, "gk_assets_import: NULL argument");
    if (s->readonly)
        return gk_error(ctx, GK_ERR_ARG, "%s: opened read-only", s->path);
    gk_assets_import_report_t rep;
    memset(&rep, 0, sizeof rep);
    mapping_t m;
    gk_status_t st = load_mapping(ctx, opts, &m);
    fields_t f = {-1, -1, -1, -1, -1};
    f.kind = m.kind ? -1 : field_or_fail(ctx, l, m.kind_field, &st);
    f.id = field_or_fail(ctx, l, m.id_field, &st);
    f.cond = field_or_fail(ctx, l, m.cond_field, &st);
    f.inst = field_or_fail(ctx, l, m.inst_field, &st);
    f.dist = field_or_fail(ctx, l, m.dist_field, &st);
    double *xy = NULL;
    gk_geoms_t ll = {0};
    if (st == GK_OK)
        st = gk_assets_lonlat_xy(ctx, l, &xy, &ll);
    kind_t *kinds = NULL;
    size_t nkinds = 0;
    if (st == GK_OK)
        st = load_kinds(ctx, s, &kinds, &nkinds);
    plan_t p = {0};
    p.n = ll.ngeoms;
    rep.read = p.n;
    if (st == GK_OK) {
        p.id = gk_calloc_array(p.n + 1, sizeof *p.id);
        p.kind = gk_calloc_array(p.n + 1, sizeof *p.kind);
        p.reason = gk_calloc_array(p.n + 1, sizeof *p.reason);
        if (!p.id || !p.kind || !p.reason)
            st = gk_error_nomem(ctx, "import plan");
    }
    if (st == GK_OK)
        st = decide(ctx, l, &ll, &m, &f, kinds, nkinds, &p);
    char label[512];
    gk_layer_label(l, label, sizeof label);
    for (size_t i = 0; st == GK_OK && i < p.n; i++) {
        if (!p.reason[i])
            continue;
        if (!rep.rejected++)
            snprintf(rep.first_reject, sizeof rep.first_reject,
                     "feature %lld: %s", (long long)gk_layer_fid(l, i),
                     p.reason[i]);
    }
    if (st == GK_OK && rep.rejected && opts->strict)
        st = gk_error(ctx, GK_ERR_INPUT,
                      "%s: %zu feature%s rejected, nothing imported; first: "
                      "%s",
                      label, rep.rejected, rep.rejected == 1 ? "" : "s",
                      rep.first_reject);
    if (st == GK_OK && rep.rejected)
        gk_log(ctx, GK_LOG_WARNING, "%s: %zu feature%s rejected; first: %s",
               label, rep.rejected, rep.rejected == 1 ? "" : "s",
               rep.first_reject);
    char now[32];
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    writer_t w = {.ctx = ctx, .s = s, .now = now,
                  .who = opts->who ? opts->who : "geokota",
                  .source = gk_layer_source(l)};
    bool began = false;
    if (st == GK_OK) {
        st = gk_assets_exec(ctx, s, "BEGIN IMMEDIATE");
        began = st == GK_OK;
    }
    /* Room for the import's pages: a spill to the WAL mid-transaction
     * writes the same R*Tree pages again and again. */
    if (st == GK_OK)
        st = gk_assets_exec(ctx, s, "PRAGMA cache_size = -262144");
    if (st == GK_OK) {
        sqlite3_stmt *q = NULL;
        st = gk_assets_prepare(ctx, s, "SELECT EXISTS (SELECT 1 FROM assets)",
                               &q);
        w.empty = st == GK_OK && sqlite3_step(q) == SQLITE_ROW &&
                  sqlite3_column_int(q, 0) == 0;
        sqlite3_finalize(q);
    }
    if (st == GK_OK)
        st = suspend_triggers(&w);
    if (st == GK_OK)
        st = prepare_writer(&w);
    if (st == GK_OK)
        st = write_all(&w, l, &ll, &f, kinds, &p, &rep);
    if (st == GK_OK)
        st = log_inserts(&w);
    if (st == GK_OK)
        st = resume_triggers(&w, rep.inserted + rep.updated);
    if (st == GK_OK && (rep.inserted || rep.updated))
        st = gk_assets_exec(ctx, s,
                            "UPDATE gk_meta SET value = CAST(value AS "
                            "INTEGER) + 1 WHERE key = 'data_version'");
    if (st == GK_OK && opts->rejects_path)
        st = write_rejects(ctx, l, &ll, &p, opts->rejects_path);
    finalize_writer(&w);
    if (st == GK_OK && began)
        st = gk_assets_exec(ctx, s, "COMMIT");
    if (st != GK_OK && began && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(s->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
    if (st == GK_OK)
        gk_progress(ctx, 1.0, "import");
    plan_free(&p);
    for (size_t k = 0; k < nkinds; k++)
        free(kinds[k].name);
    free(kinds);
    free(xy);
    gk_json_free(m.root);
    if (report)
        *report = rep;
    return st;
}

gk_status_t gk_assets_import_file(gk_context_t *ctx, gk_assets_t *s,
                                  const char *path,
                                  const gk_assets_import_opts_t *opts,
                                  gk_assets_import_report_t *report)
{
    gk_layer_t *l = NULL;
    gk_status_t st = gk_layer_read(ctx, path, NULL, &l);
    if (st == GK_OK)
        st = gk_layer_require_crs(ctx, l);
    if (st == GK_OK)
        st = gk_assets_import_layer(ctx, s, l, opts, report);
    gk_layer_free(l);
    return st;
}
