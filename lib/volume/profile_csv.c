/*
 * lib/volume/profile_csv.c - read a road's vertical profile: a CSV of
 * station (m) and finished-grade elevation (m), one pair per line, comma,
 * semicolon or tab separated, an optional header line (any line whose
 * first field is not a number), '#' comments and blank lines skipped.
 * Stations must strictly increase; the message names the line.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

static bool parse_num(const char *s, const char **end, double *v)
{
    while (*s == ' ' || *s == '\t' || *s == '"')
        s++;
    char *e;
    errno = 0;
    *v = strtod(s, &e);
    if (e == s || errno == ERANGE || !isfinite(*v))
        return false;
    while (*e == ' ' || *e == '"' || *e == '\r' || *e == '\n')
        e++;
    *end = e;
    return true;
}

gk_status_t gk_road_profile_read(gk_context_t *ctx, const char *path,
                                 double **station_m, double **grade_z_m,
                                 size_t *n)
{
    if (!path || !station_m || !grade_z_m || !n)
        return gk_error(ctx, GK_ERR_ARG, "gk_road_profile_read: NULL argument");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return gk_error(ctx, GK_ERR_IO, "%s: cannot open (%s)", path,
                        strerror(errno));
    size_t cap = 64, cnt = 0, line = 0;
    double *st = malloc(cap * sizeof *st), *z = malloc(cap * sizeof *z);
    char buf[1024];
    gk_status_t rc = GK_OK;
    if (!st || !z) {
        rc = gk_error_nomem(ctx, "a profile");
        goto out;
    }
    while (fgets(buf, sizeof buf, fp)) {
        line++;
        const char *p = buf;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        double s, e;
        const char *q;
        if (!parse_num(p, &q, &s)) {
            if (cnt == 0 && line == 1)
                continue; /* header */
            rc = gk_error(ctx, GK_ERR_INPUT_VALUE,
                          "%s: line %zu: station is not a number", path, line);
            goto out;
        }
        if (*q != ',' && *q != ';' && *q != '\t') {
            rc = gk_error(ctx, GK_ERR_INPUT_FIELD,
                          "%s: line %zu: expected \"station,elevation\"", path,
                          line);
            goto out;
        }
        if (!parse_num(q + 1, &q, &e)) {
            rc = gk_error(ctx, GK_ERR_INPUT_VALUE,
                          "%s: line %zu: elevation is not a number", path,
                          line);
            goto out;
        }
        if (cnt > 0 && !(s > st[cnt - 1])) {
            rc = gk_error(ctx, GK_ERR_INPUT_VALUE,
                          "%s: line %zu: station %g m does not increase (after "
                          "%g m)",
                          path, line, s, st[cnt - 1]);
            goto out;
        }
        if (cnt == cap) {
            double *a = gk_realloc_array(st, cap * 2, sizeof *a);
            if (a)
                st = a;
            double *b = a ? gk_realloc_array(z, cap * 2, sizeof *b) : NULL;
            if (!b) {
                rc = gk_error_nomem(ctx, "a profile");
                goto out;
            }
            z = b;
            cap *= 2;
        }
        st[cnt] = s;
        z[cnt++] = e;
    }
    if (ferror(fp))
        rc = gk_error(ctx, GK_ERR_IO, "%s: read error", path);
    else if (cnt == 0)
        rc = gk_error(ctx, GK_ERR_INPUT_EMPTY, "%s: no profile points", path);
out:
    fclose(fp);
    if (rc != GK_OK) {
        free(st);
        free(z);
        return rc;
    }
    *station_m = st;
    *grade_z_m = z;
    *n = cnt;
    return GK_OK;
}
