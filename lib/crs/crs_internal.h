/*
 * lib/crs/crs_internal.h - the layout of gk_crs_t, for modules that read
 * its facts directly.
 */
#ifndef GK_CRS_INTERNAL_H
#define GK_CRS_INTERNAL_H

#include "geokota/crs.h"

struct gk_crs {
    char *wkt;
    char *name;
    char *authority; /* "EPSG:32748" or "" */
    bool geographic;
    bool equal_area;
    double a, f;      /* ellipsoid */
    double unit_to_m; /* projected axes; 0 for geographic */
};

#endif /* GK_CRS_INTERNAL_H */
