/*
 * lib/util/json_internal.h - a small strict JSON reader (RFC 8259) for the
 * data files (catalogs, templates), and the string escaper the report
 * writers share. Not installed; no GK_API here.
 *
 * A parsed document is a tree of gk_json_t values owned by the root: free
 * the root with gk_json_free() and every value, key and string under it
 * goes with it. Every value remembers the line and column (both from 1,
 * columns counted in bytes) where it starts, so that a loader can say
 * "rigid.json: line 12: layers[1].thickness_m: negative thickness (-0.15)".
 * Columns count characters (UTF-8 sequences), not bytes.
 *
 * Strictness: one value per text, no comments, no trailing commas, no
 * duplicate keys in an object, UTF-8 only (overlong forms, surrogates and
 * code points above U+10FFFF rejected, also when written as \u escapes),
 * no \u0000 (strings are C strings), numbers must be finite doubles. Nesting
 * deeper than GK_JSON_MAX_DEPTH is an error, so the recursive descent uses a
 * bounded stack whatever the input. A read-only tree may be shared by
 * threads.
 */
#ifndef GK_UTIL_JSON_INTERNAL_H
#define GK_UTIL_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "geokota/common.h"

#define GK_JSON_MAX_DEPTH 64

typedef enum gk_json_type {
    GK_JSON_NULL,
    GK_JSON_BOOL,
    GK_JSON_NUMBER,
    GK_JSON_STRING,
    GK_JSON_ARRAY,
    GK_JSON_OBJECT,
} gk_json_type_t;

typedef struct gk_json gk_json_t;
struct gk_json {
    gk_json_type_t type;
    int line, col;    /* where the value starts, from 1 */
    bool boolean;     /* GK_JSON_BOOL */
    bool is_integer;  /* GK_JSON_NUMBER written without '.', 'e' or 'E' */
    double number;    /* GK_JSON_NUMBER, correctly rounded */
    char *string;     /* GK_JSON_STRING: NUL-terminated UTF-8 */
    size_t len;       /* bytes of string, or count of items / members */
    gk_json_t *items; /* GK_JSON_ARRAY and GK_JSON_OBJECT: len values */
    char **keys;      /* GK_JSON_OBJECT: len keys, in file order */
    int *key_lines;   /* GK_JSON_OBJECT: line of each key */
};

/* Parse @p len bytes of @p text. @p name (a file name) starts every error
 * message: "NAME: line L, column C: what". On success *out is the root,
 * freed with gk_json_free(); on failure *out is NULL. Errors:
 * GK_ERR_FORMAT for a syntax or encoding error, GK_ERR_NOMEM. */
gk_status_t gk_json_parse(gk_context_t *ctx, const char *name, const char *text,
                          size_t len, gk_json_t **out);

/* Read the whole file at @p path and parse it (GK_ERR_IO if unreadable). */
gk_status_t gk_json_parse_file(gk_context_t *ctx, const char *path,
                               gk_json_t **out);

/* Free a root returned by gk_json_parse*(). NULL is a no-op. */
void gk_json_free(gk_json_t *root);

/* Member @p key of an object, or NULL if @p obj is not an object or has no
 * such member. */
const gk_json_t *gk_json_get(const gk_json_t *obj, const char *key);

/* Name of a type for messages: "a number", "an object", ... */
const char *gk_json_type_name(gk_json_type_t type);

/* Read a whole file into a NUL-terminated buffer (caller frees). GK_ERR_IO
 * with "PATH: cannot read (reason)" when it cannot be read. */
gk_status_t gk_read_file(gk_context_t *ctx, const char *path, char **text,
                         size_t *len);

/* Write @p s as a JSON string literal (quotes included) to @p out. */
void gk_json_write_string(FILE *out, const char *s);

/* Format a finite double with the shortest "%.*g" (15 to 17 digits) that
 * reads back to the same value. Must run between gk_numeric_c_enter() and
 * gk_numeric_c_leave() so that the decimal point is '.'. Writes at most
 * @p cap bytes (cap >= 32) including the NUL. NaN and infinities become
 * "null". */
void gk_json_format_number(char *buf, size_t cap, double v);

/* Switch the calling thread to the C numeric locale for strtod/printf, and
 * back. The parser and the report writers do this themselves so that a
 * program that called setlocale(LC_ALL, "id_ID.UTF-8") still reads "0.15"
 * and writes "0.15". Thread-local (POSIX uselocale); if the C locale cannot
 * be created, nothing is switched (then numbers follow the current locale,
 * which for every program that never calls setlocale is "C" anyway). */
typedef struct gk_numeric_locale {
    void *c_locale; /* locale_t, kept opaque to spare includers <locale.h> */
    void *previous;
} gk_numeric_locale_t;
void gk_numeric_c_enter(gk_numeric_locale_t *s);
void gk_numeric_c_leave(gk_numeric_locale_t *s);

#endif /* GK_UTIL_JSON_INTERNAL_H */
