/*
 * tests/estimate/est_test.h - shared helpers of the estimate tests: load the
 * shipped catalog and templates from the source tree's data/ folder.
 */
#ifndef GK_TESTS_EST_TEST_H
#define GK_TESTS_EST_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "estimate/estimate_internal.h"
#include "tap.h"

static const char *data_dir(void)
{
    static char buf[4096];
    const char *root = getenv("GK_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/data", root ? root : ".");
    return buf;
}

static gk_catalog_t *load_catalog(gk_context_t *ctx)
{
    char path[4200];
    gk_catalog_t *cat = NULL;
    snprintf(path, sizeof path, "%s/materials.json", data_dir());
    if (gk_catalog_load(ctx, path, &cat) != GK_OK) {
        printf("Bail out! cannot load %s: %s\n", path, gk_errmsg(ctx));
        exit(1);
    }
    return cat;
}

static gk_template_t *load_tpl(gk_context_t *ctx, const gk_catalog_t *cat,
                               const char *name)
{
    gk_template_t *t = NULL;
    if (gk_template_load(ctx, name, data_dir(), cat, &t) != GK_OK) {
        printf("Bail out! cannot load template %s: %s\n", name, gk_errmsg(ctx));
        exit(1);
    }
    return t;
}

/* Relative tolerance for quantities: each is a product of at most four
 * decimal figures, so a few ulp (documented in lib/estimate/boq.c). */
#define QTOL 1e-13

#endif
