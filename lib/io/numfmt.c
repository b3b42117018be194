/*
 * lib/io/numfmt.c - shortest round-trip formatting of doubles, so that
 * outputs are exact (reading a number back gives the same double) without
 * printing 17 noisy digits for 0.1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io_internal.h"

int gk_format_double(char buf[32], double v)
{
    if (!isfinite(v))
        return snprintf(buf, 32, "null");
    if (v == 0)
        return snprintf(buf, 32, "0");
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return n;
}
