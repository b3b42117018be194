/*
 * lib/core/version.c - runtime version and build information.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>

#include <gdal.h>
#include <sqlite3.h>

#include "core_internal.h"

const char *gk_version(void)
{
    return GK_VERSION_STRING;
}

int gk_version_number(void)
{
    return GK_VERSION_NUMBER;
}

static char build_info[256];
static pthread_once_t build_info_once = PTHREAD_ONCE_INIT;

static void build_info_fill(void)
{
    PJ_INFO proj = proj_info();
    snprintf(build_info, sizeof build_info,
             "geokota %s; GDAL %s; PROJ %s; GEOS %s; SQLite %s", GK_VERSION_STRING,
             GDALVersionInfo("RELEASE_NAME"), proj.version, GEOSversion(),
             sqlite3_libversion());
}

const char *gk_build_info(void)
{
    pthread_once(&build_info_once, build_info_fill);
    return build_info;
}
