/*
 * tests/assets/assets_util.h - helpers of the asset-store tests: a
 * scratch folder, small GeoJSON files written on the fly, a fixed-seed
 * generator, and a SpatiaLite connection for the SQL oracle.
 */
#ifndef GK_TESTS_ASSETS_UTIL_H
#define GK_TESTS_ASSETS_UTIL_H

#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <spatialite.h>

#include "tap.h"

#include "assets/assets_internal.h"

static char scratch[256];

static inline void scratch_init(const char *name)
{
    snprintf(scratch, sizeof scratch, "/tmp/gk_%s_%d", name, (int)getpid());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", scratch, scratch);
    if (system(cmd) != 0)
        skip_all("cannot make a scratch folder");
}

static inline void scratch_done(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
    if (system(cmd) != 0)
        diag("could not remove %s", scratch);
}

static inline const char *spath(const char *name)
{
    static char buf[16][512];
    static int next;
    char *b = buf[next++ % 16];
    snprintf(b, sizeof buf[0], "%s/%s", scratch, name);
    return b;
}

static inline void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* A small FeatureCollection: features given as JSON text pieces. */
static inline const char *geojson(const char *name, int n, ...)
{
    const char *path = spath(name);
    FILE *f = fopen(path, "w");
    if (!f)
        return path;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? "," : "", va_arg(ap, const char *));
    va_end(ap);
    fputs("]}", f);
    fclose(f);
    return path;
}

/* splitmix64: a fixed-seed generator, the same on every platform. */
static uint64_t rng_state = 42;
static inline double urand(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static inline const char *shared_path(const char *rel)
{
    static char buf[4][1024];
    static int next;
    const char *root = getenv("GK_SHARED_DATA");
    if (!root)
        return NULL;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", root, rel);
    return access(b, R_OK) == 0 ? b : NULL;
}

static inline const char *kinds_path(void)
{
    static char buf[1024];
    const char *root = getenv("GK_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/data/asset_kinds.json", root ? root : ".");
    return buf;
}

static inline const char *source_path(const char *rel)
{
    static char buf[4][1024];
    static int next;
    const char *root = getenv("GK_SOURCE_ROOT");
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", root ? root : ".", rel);
    return b;
}

/* A second connection with SpatiaLite, for the SQL oracle. */
typedef struct oracle_db {
    sqlite3 *db;
    void *cache;
} oracle_db_t;

static inline bool oracle_open(oracle_db_t *o, const char *path)
{
    if (sqlite3_open_v2(path, &o->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return false;
    o->cache = spatialite_alloc_connection();
    spatialite_init_ex(o->db, o->cache, 0);
    return true;
}

static inline void oracle_close(oracle_db_t *o)
{
    sqlite3_close(o->db);
    spatialite_cleanup_ex(o->cache);
}

static inline int64_t sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* True when the first column of the first row of sql is the text want. */
static inline bool sql_text_is(sqlite3 *db, const char *sql, const char *want)
{
    sqlite3_stmt *q;
    bool same = false;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(q, 0);
        same = t && strcmp((const char *)t, want) == 0;
    }
    sqlite3_finalize(q);
    return same;
}

#endif /* GK_TESTS_ASSETS_UTIL_H */
