/*
 * lib/io/ogr_internal.h - OGR helpers shared inside lib/io.
 */
#ifndef GK_OGR_INTERNAL_H
#define GK_OGR_INTERNAL_H

#include <gdal.h>

#include "core/core_internal.h"

/* Open a vector dataset read-only, turning OGR's refusal into a clear
 * error (missing file: GK_ERR_IO; not vector data: GK_ERR_FORMAT). Call
 * between gk_gdal_enter() and gk_gdal_leave(). */
GDALDatasetH gk_ogr_open(gk_context_t *ctx, const char *path,
                         gk_status_t *st);

#endif /* GK_OGR_INTERNAL_H */
