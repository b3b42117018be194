/*
 * lib/util/json.c - strict JSON reader (RFC 8259) with positions.
 *
 * Method: recursive descent over the byte buffer, one function per grammar
 * rule, depth bounded by GK_JSON_MAX_DEPTH (so at most that many frames of
 * a few dozen bytes whatever the input). Positions are counted while
 * consuming bytes, so reporting a line and column costs nothing extra and
 * the parse stays linear in the input size.
 *
 * Numbers: the grammar is checked here; the conversion is strtod() under
 * the C numeric locale, which glibc rounds correctly (to nearest, ties to
 * even), so "0.15" becomes exactly the double nearest 0.15. Values that
 * overflow a double are rejected rather than turned into infinity.
 *
 * Strings: raw bytes are decoded as UTF-8 (RFC 3629 table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF); \u escapes are decoded to
 * UTF-8 with surrogate pairs joined and lone surrogates rejected.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"
#include "util/json_internal.h"

typedef struct parser {
    gk_context_t *ctx;
    const char *name;
    const unsigned char *p, *end;
    int line, col;
    int depth;
    gk_status_t status;
} parser_t;

static gk_status_t fail(parser_t *ps, const char *fmt, ...) GK_PRINTF(2, 3);

static gk_status_t fail(parser_t *ps, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    ps->status = gk_error(ps->ctx, GK_ERR_FORMAT, "%s: line %d, column %d: %s",
                          ps->name, ps->line, ps->col, what);
    return ps->status;
}

static gk_status_t nomem(parser_t *ps)
{
    ps->status = gk_error(ps->ctx, GK_ERR_NOMEM,
                          "%s: out of memory while parsing JSON", ps->name);
    return ps->status;
}

/* Consume one byte, keeping line and column. Continuation bytes of a UTF-8
 * sequence do not advance the column. */
static void advance(parser_t *ps)
{
    unsigned char c = *ps->p++;
    if (c == '\n') {
        ps->line++;
        ps->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        ps->col++;
    }
}

static void skip_ws(parser_t *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r'))
        advance(ps);
}

/* Describe the byte at the cursor for an error message. */
static void describe_here(const parser_t *ps, char *buf, size_t cap)
{
    if (ps->p >= ps->end)
        snprintf(buf, cap, "end of input");
    else if (*ps->p >= 0x20 && *ps->p < 0x7f)
        snprintf(buf, cap, "'%c'", *ps->p);
    else
        snprintf(buf, cap, "byte 0x%02X", *ps->p);
}

static void free_value(gk_json_t *v)
{
    if (!v)
        return;
    free(v->string);
    if (v->type == GK_JSON_ARRAY || v->type == GK_JSON_OBJECT) {
        for (size_t i = 0; i < v->len; i++) {
            free_value(&v->items[i]);
            if (v->keys)
                free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
        free(v->key_lines);
    }
}

void gk_json_free(gk_json_t *root)
{
    if (!root)
        return;
    free_value(root);
    free(root);
}

/* --- strings ------------------------------------------------------------ */

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf_t;

static bool sbuf_put(sbuf_t *b, const char *bytes, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s)
            return false;
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, bytes, n);
    b->len += n;
    b->s[b->len] = '\0';
    return true;
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629 table), 0 if invalid. */
static size_t utf8_valid_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

static int hex4(const unsigned char *p, const unsigned char *end, uint32_t *out)
{
    uint32_t v = 0;
    if (end - p < 4)
        return 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* A \uXXXX escape at the cursor (just after the backslash and 'u'),
 * joined with a following low surrogate when it is a high one. */
static gk_status_t parse_u_escape(parser_t *ps, sbuf_t *b)
{
    uint32_t cp;
    if (!hex4(ps->p, ps->end, &cp))
        return fail(ps, "\\u must be followed by 4 hexadecimal digits");
    for (int i = 0; i < 4; i++)
        advance(ps);
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(ps, "lone low surrogate \\u%04X", (unsigned)cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t lo;
        if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
            !hex4(ps->p + 2, ps->end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return fail(ps,
                        "high surrogate \\u%04X not followed by a low "
                        "surrogate",
                        (unsigned)cp);
        for (int i = 0; i < 6; i++)
            advance(ps);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0)
        return fail(ps, "\\u0000 is not allowed in strings");
    char enc[4];
    size_t n = utf8_encode(cp, enc);
    return sbuf_put(b, enc, n) ? GK_OK : nomem(ps);
}

/* A string at the cursor (on the opening quote). *out is owned by caller. */
static gk_status_t parse_string_raw(parser_t *ps, char **out, size_t *len)
{
    sbuf_t b = {0};
    advance(ps); /* opening quote */
    if (!sbuf_put(&b, "", 0))
        return nomem(ps);
    for (;;) {
        if (ps->p >= ps->end) {
            free(b.s);
            return fail(ps, "unterminated string");
        }
        unsigned char c = *ps->p;
        if (c == '"') {
            advance(ps);
            break;
        }
        if (c < 0x20) {
            free(b.s);
            return fail(ps,
                        "control character 0x%02X in a string (write "
                        "it as an escape)",
                        c);
        }
        if (c == '\\') {
            advance(ps);
            if (ps->p >= ps->end) {
                free(b.s);
                return fail(ps, "unterminated string");
            }
            unsigned char e = *ps->p;
            const char *rep = NULL;
            switch (e) {
            case '"':
                rep = "\"";
                break;
            case '\\':
                rep = "\\";
                break;
            case '/':
                rep = "/";
                break;
            case 'b':
                rep = "\b";
                break;
            case 'f':
                rep = "\f";
                break;
            case 'n':
                rep = "\n";
                break;
            case 'r':
                rep = "\r";
                break;
            case 't':
                rep = "\t";
                break;
            case 'u':
                break;
            default: {
                char what[32];
                describe_here(ps, what, sizeof what);
                free(b.s);
                return fail(ps, "invalid escape \\ followed by %s", what);
            }
            }
            advance(ps);
            if (rep) {
                if (!sbuf_put(&b, rep, 1)) {
                    free(b.s);
                    return nomem(ps);
                }
            } else if (parse_u_escape(ps, &b) != GK_OK) {
                free(b.s);
                return ps->status;
            }
            continue;
        }
        size_t n = utf8_valid_len(ps->p, ps->end);
        if (n == 0) {
            free(b.s);
            return fail(ps, "invalid UTF-8 (byte 0x%02X)", c);
        }
        if (!sbuf_put(&b, (const char *)ps->p, n)) {
            free(b.s);
            return nomem(ps);
        }
        for (size_t i = 0; i < n; i++)
            advance(ps);
    }
    *out = b.s;
    *len = b.len;
    return GK_OK;
}

/* --- numbers ------------------------------------------------------------ */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static gk_status_t parse_number(parser_t *ps, gk_json_t *v)
{
    const unsigned char *start = ps->p;
    const unsigned char *q = ps->p;
    bool integer = true;
    if (q < ps->end && *q == '-')
        q++;
    if (q >= ps->end || !is_digit(*q))
        return fail(ps, "invalid number: a digit must follow '-'");
    if (*q == '0') {
        q++;
        if (q < ps->end && is_digit(*q))
            return fail(ps, "invalid number: no leading zeros");
    } else {
        while (q < ps->end && is_digit(*q))
            q++;
    }
    if (q < ps->end && *q == '.') {
        integer = false;
        q++;
        if (q >= ps->end || !is_digit(*q))
            return fail(ps, "invalid number: a digit must follow '.'");
        while (q < ps->end && is_digit(*q))
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        integer = false;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || !is_digit(*q))
            return fail(ps, "invalid number: a digit must follow the "
                            "exponent");
        while (q < ps->end && is_digit(*q))
            q++;
    }
    size_t n = (size_t)(q - start);
    char small[64];
    char *tmp = n < sizeof small ? small : malloc(n + 1);
    if (!tmp)
        return nomem(ps);
    memcpy(tmp, start, n);
    tmp[n] = '\0';
    errno = 0;
    double d = strtod(tmp, NULL);
    int overflow = errno == ERANGE && isinf(d);
    if (tmp != small)
        free(tmp);
    if (overflow || !isfinite(d))
        return fail(ps, "number out of range for a double");
    v->type = GK_JSON_NUMBER;
    v->number = d;
    v->is_integer = integer;
    while (ps->p < q)
        advance(ps);
    return GK_OK;
}

/* --- values ------------------------------------------------------------- */

static gk_status_t parse_value(parser_t *ps, gk_json_t *v);

static bool match_word(parser_t *ps, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        advance(ps);
    return true;
}

/* Append one zeroed value to a container, growing it geometrically. */
static gk_json_t *push_item(gk_json_t *c, size_t *cap, bool with_key)
{
    if (c->len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        gk_json_t *items = gk_realloc_array(c->items, ncap, sizeof *items);
        if (!items)
            return NULL;
        c->items = items;
        if (with_key) {
            char **keys = gk_realloc_array(c->keys, ncap, sizeof *keys);
            if (!keys)
                return NULL;
            c->keys = keys;
            int *lines = gk_realloc_array(c->key_lines, ncap, sizeof *lines);
            if (!lines)
                return NULL;
            c->key_lines = lines;
        }
        *cap = ncap;
    }
    gk_json_t *v = &c->items[c->len];
    memset(v, 0, sizeof *v);
    if (with_key)
        c->keys[c->len] = NULL;
    c->len++;
    return v;
}

/* After an array item or an object member: a ',' and another one (never
 * a trailing comma), or the closing bracket. *more tells which. */
static gk_status_t next_or_close(parser_t *ps, char close,
                                 const char *container, bool *more)
{
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
        advance(ps);
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == close)
            return fail(ps, "trailing comma before '%c'", close);
        *more = true;
        return GK_OK;
    }
    if (ps->p < ps->end && *ps->p == close) {
        advance(ps);
        *more = false;
        return GK_OK;
    }
    char what[32];
    describe_here(ps, what, sizeof what);
    return fail(ps, "expected ',' or '%c' in %s, found %s", close, container,
                what);
}

static gk_status_t parse_array(parser_t *ps, gk_json_t *v)
{
    size_t cap = 0;
    v->type = GK_JSON_ARRAY;
    advance(ps); /* '[' */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        advance(ps);
        return GK_OK;
    }
    for (;;) {
        gk_json_t *item = push_item(v, &cap, false);
        if (!item)
            return nomem(ps);
        if (parse_value(ps, item) != GK_OK)
            return ps->status;
        bool more = false;
        gk_status_t st = next_or_close(ps, ']', "an array", &more);
        if (st != GK_OK || !more)
            return st;
    }
}

static gk_status_t parse_object(parser_t *ps, gk_json_t *v)
{
    size_t cap = 0;
    v->type = GK_JSON_OBJECT;
    advance(ps); /* '{' */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        advance(ps);
        return GK_OK;
    }
    for (;;) {
        if (ps->p >= ps->end || *ps->p != '"') {
            char what[32];
            describe_here(ps, what, sizeof what);
            return fail(ps, "expected a quoted member name, found %s", what);
        }
        int key_line = ps->line, key_col = ps->col;
        char *key = NULL;
        size_t key_len;
        if (parse_string_raw(ps, &key, &key_len) != GK_OK)
            return ps->status;
        for (size_t i = 0; i < v->len; i++) {
            if (strcmp(v->keys[i], key) == 0) {
                ps->line = key_line;
                ps->col = key_col;
                fail(ps, "duplicate member \"%s\" (first at line %d)", key,
                     v->key_lines[i]);
                free(key);
                return ps->status;
            }
        }
        gk_json_t *item = push_item(v, &cap, true);
        if (!item) {
            free(key);
            return nomem(ps);
        }
        v->keys[v->len - 1] = key;
        v->key_lines[v->len - 1] = key_line;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            char what[32];
            describe_here(ps, what, sizeof what);
            return fail(ps, "expected ':' after member name \"%s\", found %s",
                        key, what);
        }
        advance(ps);
        if (parse_value(ps, item) != GK_OK)
            return ps->status;
        bool more = false;
        gk_status_t st = next_or_close(ps, '}', "an object", &more);
        if (st != GK_OK || !more)
            return st;
    }
}

static gk_status_t parse_value(parser_t *ps, gk_json_t *v)
{
    skip_ws(ps);
    v->line = ps->line;
    v->col = ps->col;
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of input, expected a value");
    unsigned char c = *ps->p;
    if (c == '{' || c == '[') {
        if (ps->depth >= GK_JSON_MAX_DEPTH)
            return fail(ps, "nesting deeper than %d levels", GK_JSON_MAX_DEPTH);
        ps->depth++;
        gk_status_t st = c == '{' ? parse_object(ps, v) : parse_array(ps, v);
        ps->depth--;
        return st;
    }
    if (c == '"') {
        v->type = GK_JSON_STRING;
        return parse_string_raw(ps, &v->string, &v->len);
    }
    if (c == '-' || is_digit(c))
        return parse_number(ps, v);
    if (match_word(ps, "true")) {
        v->type = GK_JSON_BOOL;
        v->boolean = true;
        return GK_OK;
    }
    if (match_word(ps, "false")) {
        v->type = GK_JSON_BOOL;
        return GK_OK;
    }
    if (match_word(ps, "null")) {
        v->type = GK_JSON_NULL;
        return GK_OK;
    }
    char what[32];
    describe_here(ps, what, sizeof what);
    return fail(ps, "expected a value, found %s", what);
}

gk_status_t gk_json_parse(gk_context_t *ctx, const char *name, const char *text,
                          size_t len, gk_json_t **out)
{
    if (out)
        *out = NULL;
    if (!out || (!text && len > 0))
        return gk_error(ctx, GK_ERR_ARG, "gk_json_parse: NULL argument");
    parser_t ps = {
        .ctx = ctx,
        .name = name ? name : "(json)",
        .p = (const unsigned char *)(text ? text : ""),
        .line = 1,
        .col = 1,
        .status = GK_OK,
    };
    ps.end = ps.p + len;
    /* A UTF-8 byte order mark is allowed (RFC 8259 section 8.1): editors on
     * Windows add one, and it carries no meaning. */
    if (len >= 3 && memcmp(ps.p, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3;
    gk_json_t *root = calloc(1, sizeof *root);
    if (!root)
        return gk_error(ctx, GK_ERR_NOMEM, "%s: out of memory", ps.name);
    gk_numeric_locale_t loc;
    gk_numeric_c_enter(&loc);
    gk_status_t st = parse_value(&ps, root);
    gk_numeric_c_leave(&loc);
    if (st == GK_OK) {
        skip_ws(&ps);
        if (ps.p < ps.end) {
            char what[32];
            describe_here(&ps, what, sizeof what);
            st = fail(&ps, "unexpected %s after the value", what);
        }
    }
    if (st != GK_OK) {
        gk_json_free(root);
        return st;
    }
    *out = root;
    return GK_OK;
}

gk_status_t gk_read_file(gk_context_t *ctx, const char *path, char **text,
                         size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gk_error(ctx, GK_ERR_IO, "%s: cannot open (%s)", path,
                        strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return gk_error_nomem(ctx, path);
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                fclose(f);
                return gk_error_nomem(ctx, path);
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return gk_error(ctx, GK_ERR_IO, "%s: read error", path);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return GK_OK;
}

gk_status_t gk_json_parse_file(gk_context_t *ctx, const char *path,
                               gk_json_t **out)
{
    char *text;
    size_t len;
    if (out)
        *out = NULL;
    if (!path || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_json_parse_file: NULL argument");
    gk_status_t st = gk_read_file(ctx, path, &text, &len);
    if (st != GK_OK)
        return st;
    st = gk_json_parse(ctx, path, text, len, out);
    free(text);
    return st;
}

const gk_json_t *gk_json_get(const gk_json_t *obj, const char *key)
{
    if (!obj || obj->type != GK_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->len; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

const char *gk_json_type_name(gk_json_type_t type)
{
    switch (type) {
    case GK_JSON_NULL:
        return "null";
    case GK_JSON_BOOL:
        return "a boolean";
    case GK_JSON_NUMBER:
        return "a number";
    case GK_JSON_STRING:
        return "a string";
    case GK_JSON_ARRAY:
        return "an array";
    case GK_JSON_OBJECT:
        return "an object";
    }
    return "a value";
}

/* --- writing ------------------------------------------------------------ */

void gk_json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void gk_json_format_number(char *buf, size_t cap, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, cap, "null");
        return;
    }
    if (v == 0) {
        snprintf(buf, cap, "0"); /* also for -0: no "-0" in reports */
        return;
    }
    /* The shortest of 15, 16, 17 significant digits that round-trips: 17
     * always does (IEEE 754 binary64), 15 is what most readers expect. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

void gk_numeric_c_enter(gk_numeric_locale_t *s)
{
    s->c_locale = NULL;
    s->previous = NULL;
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c == (locale_t)0)
        return;
    s->c_locale = (void *)c;
    s->previous = (void *)uselocale(c);
}

void gk_numeric_c_leave(gk_numeric_locale_t *s)
{
    if (!s->c_locale)
        return;
    uselocale((locale_t)s->previous);
    freelocale((locale_t)s->c_locale);
    s->c_locale = NULL;
}
