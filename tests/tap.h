/*
 * tests/tap.h - a tiny Test Anything Protocol helper for the C tests.
 *
 * Each test program prints "ok N - name" lines and a plan; meson runs them
 * with protocol: 'tap' and shows every subtest. Doubles are compared with an
 * explicit tolerance so that every check says how exact it claims to be.
 */
#ifndef GK_TESTS_TAP_H
#define GK_TESTS_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static inline int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    return cond;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static inline void diag(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* |got - want| <= abs_tol + rel_tol * |want| */
static inline int is_double(double got, double want, double rel_tol,
                            double abs_tol, const char *name)
{
    double err = fabs(got - want);
    int pass = err <= abs_tol + rel_tol * fabs(want) && !isnan(got);
    if (!ok(pass, "%s", name))
        diag("got %.17g, want %.17g (err %.3g, rel %.3g)", got, want, err,
             want != 0 ? err / fabs(want) : err);
    return pass;
}

static inline int is_int(long long got, long long want, const char *name)
{
    if (!ok(got == want, "%s", name))
        diag("got %lld, want %lld", got, want);
    return got == want;
}

static inline int is_str(const char *got, const char *want, const char *name)
{
    int pass = got && want && strcmp(got, want) == 0;
    if (!ok(pass, "%s", name))
        diag("got \"%s\", want \"%s\"", got ? got : "(null)",
             want ? want : "(null)");
    return pass;
}

/* got contains want */
static inline int has_str(const char *got, const char *want, const char *name)
{
    int pass = got && want && strstr(got, want) != NULL;
    if (!ok(pass, "%s", name))
        diag("\"%s\" does not contain \"%s\"", got ? got : "(null)", want);
    return pass;
}

static inline void skip_all(const char *why)
{
    printf("1..0 # SKIP %s\n", why);
    exit(0);
}

/* Print the plan at the end and return the exit status for main(). */
static inline int done_testing(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif /* GK_TESTS_TAP_H */
