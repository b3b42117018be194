/*
 * tests/estimate/test_json.c - the strict JSON reader: values, positions,
 * key order, numbers, UTF-8 and escapes, and the exact error (line, column)
 * of each kind of invalid input.
 */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "util/json_internal.h"

static gk_context_t *ctx;

static gk_json_t *parse(const char *s)
{
    gk_json_t *v = NULL;
    if (gk_json_parse(ctx, "t.json", s, strlen(s), &v) != GK_OK)
        diag("unexpected error: %s", gk_errmsg(ctx));
    return v;
}

static void valid(void)
{
    gk_json_t *v = parse("{\"b\": 1, \"a\": [true, false, null],\n"
                         "  \"c\": {\"x\": -0.15e1, \"y\": 12}, "
                         "\"s\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\"\"}");
    ok(v && v->type == GK_JSON_OBJECT, "object parses");
    if (!v)
        return;
    is_int((long long)v->len, 4, "four members");
    is_str(v->keys[0], "b", "keys keep file order (b first)");
    is_str(v->keys[1], "a", "then a");
    const gk_json_t *a = gk_json_get(v, "a");
    is_int(a->type, GK_JSON_ARRAY, "array");
    is_int(a->items[0].boolean, 1, "true");
    is_int(a->items[2].type, GK_JSON_NULL, "null");
    const gk_json_t *x = gk_json_get(gk_json_get(v, "c"), "x");
    is_double(x->number, -1.5, 0, 0, "-0.15e1 = -1.5");
    ok(!x->is_integer, "with an exponent it is not an integer");
    const gk_json_t *y = gk_json_get(gk_json_get(v, "c"), "y");
    ok(y->is_integer, "12 is an integer");
    is_int(x->line, 2, "x is on line 2");
    is_int(x->col, 14, "x starts at column 14");
    is_str(gk_json_get(v, "s")->string, "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\"",
           "\\u escapes and surrogate pairs decode to UTF-8");
    ok(gk_json_get(v, "zzz") == NULL, "absent member is NULL");
    gk_json_free(v);

    v = parse("\xEF\xBB\xBF  0.1 ");
    is_double(v ? v->number : NAN, 0.1, 0, 0,
              "BOM and spaces allowed; 0.1 correctly rounded");
    gk_json_free(v);
    v = parse("\"\xC3\xA9\xE2\x82\xAC\"");
    is_str(v ? v->string : NULL, "\xC3\xA9\xE2\x82\xAC", "raw UTF-8 kept");
    gk_json_free(v);
    v = parse("[1.7976931348623157e308, 5e-324, -0]");
    is_double(v->items[0].number, 1.7976931348623157e308, 0, 0, "max double");
    is_double(v->items[1].number, 5e-324, 0, 0, "smallest subnormal");
    gk_json_free(v);
    /* Column counts characters: the é is one column. */
    gk_json_t *bad = NULL;
    gk_json_parse(ctx, "t.json", "[\"\xC3\xA9\", x]", 10, &bad);
    is_str(gk_errmsg(ctx),
           "t.json: line 1, column 7: expected a value, "
           "found 'x'",
           "columns count characters");
}

static void invalid(void)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"", "t.json: line 1, column 1: unexpected end of input, expected a "
             "value"},
        {"{\"a\": 1,}", "t.json: line 1, column 9: trailing comma before "
                        "'}'"},
        {"[1, 2,\n ]", "t.json: line 2, column 2: trailing comma before "
                       "']'"},
        {"{\"a\": 1 \"b\": 2}", "t.json: line 1, column 9: expected ',' or "
                                "'}' in an object, found '\"'"},
        {"{\"a\": 1, \"a\": 2}", "t.json: line 1, column 10: duplicate "
                                 "member \"a\" (first at line 1)"},
        {"{a: 1}", "t.json: line 1, column 2: expected a quoted member name, "
                   "found 'a'"},
        {"[01]", "t.json: line 1, column 2: invalid number: no leading "
                 "zeros"},
        {"[1.]", "t.json: line 1, column 2: invalid number: a digit must "
                 "follow '.'"},
        {"-", "t.json: line 1, column 1: invalid number: a digit must follow "
              "'-'"},
        {"1e999", "t.json: line 1, column 1: number out of range for a "
                  "double"},
        {"[1] x", "t.json: line 1, column 5: unexpected 'x' after the value"},
        {"\"ab", "t.json: line 1, column 4: unterminated string"},
        {"\"a\tb\"", "t.json: line 1, column 3: control character 0x09 in a "
                     "string (write it as an escape)"},
        {"\"\\x\"", "t.json: line 1, column 3: invalid escape \\ followed by "
                    "'x'"},
        {"\"\\ud800\"", "t.json: line 1, column 8: high surrogate \\uD800 "
                        "not followed by a low surrogate"},
        {"\"\\udc00\"", "t.json: line 1, column 8: lone low surrogate "
                        "\\uDC00"},
        {"\"\\u0000\"", "t.json: line 1, column 8: \\u0000 is not allowed in "
                        "strings"},
        {"\"\\u12g4\"", "t.json: line 1, column 4: \\u must be followed by 4 "
                        "hexadecimal digits"},
        {"\"\xC0\xAF\"", "t.json: line 1, column 2: invalid UTF-8 (byte "
                         "0xC0)"},
        {"\"\xED\xA0\x80\"", "t.json: line 1, column 2: invalid UTF-8 (byte "
                             "0xED)"},
        {"\"\xF4\x90\x80\x80\"", "t.json: line 1, column 2: invalid UTF-8 "
                                 "(byte 0xF4)"},
        {"tru", "t.json: line 1, column 1: expected a value, found 't'"},
        {"{\"k\"\n\n  1}", "t.json: line 3, column 3: expected ':' after "
                           "member name \"k\", found '1'"},
        {"// c\n1", "t.json: line 1, column 1: expected a value, found '/'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_json_t *v = (gk_json_t *)1;
        gk_status_t st = gk_json_parse(ctx, "t.json", cases[i].text,
                                       strlen(cases[i].text), &v);
        is_int(st, GK_ERR_FORMAT, "invalid input is GK_ERR_FORMAT");
        is_str(gk_errmsg(ctx), cases[i].msg, "error message and position");
        ok(v == NULL, "no tree on error");
    }
}

static void depth(void)
{
    char deep[GK_JSON_MAX_DEPTH * 2 + 8];
    size_t n = 0;
    for (int i = 0; i < GK_JSON_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i < GK_JSON_MAX_DEPTH; i++)
        deep[n++] = ']';
    gk_json_t *v = NULL;
    is_int(gk_json_parse(ctx, "t.json", deep, n, &v), GK_OK,
           "nesting at the limit parses");
    gk_json_free(v);
    /* 100,000 open brackets: rejected at the limit, no stack overflow. */
    size_t big = 100000;
    char *s = malloc(big);
    memset(s, '[', big);
    is_int(gk_json_parse(ctx, "t.json", s, big, &v), GK_ERR_FORMAT,
           "deep nesting rejected");
    is_str(gk_errmsg(ctx),
           "t.json: line 1, column 65: nesting deeper than "
           "64 levels",
           "at the 65th level");
    free(s);
    /* Embedded NUL in the buffer is not whitespace. */
    is_int(gk_json_parse(ctx, "t.json", "1\0", 2, &v), GK_ERR_FORMAT,
           "NUL after the value rejected");
}

static void numbers_out(void)
{
    char buf[40];
    gk_numeric_locale_t loc;
    gk_numeric_c_enter(&loc);
    gk_json_format_number(buf, sizeof buf, 0.1);
    is_str(buf, "0.1", "0.1 prints as 0.1");
    gk_json_format_number(buf, sizeof buf, 45.0 * 0.15 / 0.15);
    is_str(buf, "45", "45 prints as 45");
    gk_json_format_number(buf, sizeof buf, 1.0 / 3);
    is_str(buf, "0.3333333333333333", "1/3 round-trips with 16 digits");
    gk_json_format_number(buf, sizeof buf, NAN);
    is_str(buf, "null", "NaN is null");
    gk_json_format_number(buf, sizeof buf, -0.0);
    is_str(buf, "0", "-0 is 0");
    gk_numeric_c_leave(&loc);
    char *text = NULL;
    size_t len;
    is_int(gk_read_file(ctx, "/nonexistent/x.json", &text, &len), GK_ERR_IO,
           "missing file is GK_ERR_IO");
    has_str(gk_errmsg(ctx), "/nonexistent/x.json: cannot open",
            "and names the file");
}

int main(void)
{
    gk_context_new(&ctx);
    valid();
    invalid();
    depth();
    numbers_out();
    gk_context_free(ctx);
    return done_testing();
}
