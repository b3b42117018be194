/*
 * lib/io/io_internal.h - the layout of gk_layer_t, shared by the reader,
 * the writers and the validation.
 */
#ifndef GK_IO_INTERNAL_H
#define GK_IO_INTERNAL_H

#include "crs/crs_internal.h"
#include "geokota/io.h"
#include "geom/geom_internal.h"

typedef struct gk_field_col {
    char *name;
    gk_field_type_t type;
    int64_t *ints;   /* GK_FIELD_INT */
    double *dbls;    /* GK_FIELD_DOUBLE */
    char **strs;     /* GK_FIELD_STRING (NULL entries are null) */
    uint8_t *isnull; /* one per feature */
} gk_field_col_t;

struct gk_layer {
    char *source;
    char *name;
    gk_geomcol_t geoms;
    int64_t *fids;
    size_t cap_features; /* capacity of fids and every column */
    gk_field_col_t *fields;
    size_t nfields;
    gk_crs_t *crs;
};

/* An empty layer with a name and source (copied). */
gk_layer_t *gk_layer_alloc(const char *source, const char *name);
/* Add a column (no values yet); false on out-of-memory. */
bool gk_layer_add_column(gk_layer_t *l, const char *name, gk_field_type_t t);
/* Make room for one more feature in fids and every column. */
bool gk_layer_reserve_feature(gk_layer_t *l, size_t n);

/* "source: layer name" prefix used by every message about a layer. */
const char *gk_layer_label(const gk_layer_t *l, char *buf, size_t cap);

#endif /* GK_IO_INTERNAL_H */
