/*
 * lib/core/alloc.c - allocation helpers every module uses: overflow-checked
 * array allocation and string duplication.
 */
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

void *gk_calloc_array(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

void *gk_realloc_array(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    return realloc(ptr, bytes ? bytes : 1);
}

char *gk_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
