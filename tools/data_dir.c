/*
 * tools/data_dir.c - where the catalog and templates are: --data-dir, then
 * $GEOKOTA_DATA, then the installed data, then the source tree this binary
 * was built from (so an uninstalled build works out of the box).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static bool has_catalog(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/materials.json", dir);
    return access(path, R_OK) == 0;
}

gk_status_t cli_load_catalog(gk_context_t *ctx, const char *dir,
                             gk_catalog_t **out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/materials.json", dir);
    return gk_catalog_load(ctx, path, out);
}

const char *cli_data_dir(const char *given)
{
    if (given)
        return given;
    const char *env = getenv("GEOKOTA_DATA");
    if (env && *env)
        return env;
    const char *installed = gk_estimate_default_data_dir();
    if (has_catalog(installed))
        return installed;
#ifdef GK_SOURCE_DATA_DIR
    if (has_catalog(GK_SOURCE_DATA_DIR))
        return GK_SOURCE_DATA_DIR;
#endif
    return installed;
}
