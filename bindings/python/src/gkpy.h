/*
 * bindings/python/src/gkpy.h - what the extension's C files share: the
 * numpy C-API import, the exception mapping and each wrapped module's
 * method table. One C file per wrapped library module (errors, geoms,
 * measure, crs, io, rtree, estimate, volume, assets); a new module adds
 * its file, its table below and one line in module.c.
 */
#ifndef GKPY_H
#define GKPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* One numpy C-API table for all files of the extension; module.c imports
 * it, the others see it through NO_IMPORT_ARRAY. */
#define PY_ARRAY_UNIQUE_SYMBOL gkpy_ARRAY_API
#ifndef GKPY_MODULE_C
#define NO_IMPORT_ARRAY
#endif
#include <numpy/arrayobject.h>

#include <geokota/geokota.h>

/* errors.c: the exception classes and the single status -> exception map. */
int gkpy_errors_init(PyObject *module);
/* Raise the exception for `code` with the context's message; returns NULL
 * so callers can `return gkpy_raise(ctx, st);`. */
PyObject *gkpy_raise(gk_context_t *ctx, gk_status_t code);
/* A new context, or NULL with MemoryError set. */
gk_context_t *gkpy_context(void);

/* geoms.c: geometry input from Python (WKB arrays, flat arrays). */
typedef struct gkpy_geoms {
    gk_geoms_t view;      /* what the kernels read */
    gk_geomcol_t *owned;  /* parsed WKB, or NULL for borrowed arrays */
    PyObject **keep;      /* bytes objects held during the call */
    size_t nkeep;
    uint8_t *missing;     /* n flags (None elements), or NULL */
    PyObject *arrays;     /* tuple of borrowed numpy arrays, or NULL */
} gkpy_geoms_t;

/* Convert `src` (a 1-D object array of bytes/None, a 1-D 'S' array of WKB,
 * or the tuple (types, geom_off, part_off, ring_off, xy, z, missing)) into
 * `out`. WKB is parsed with the GIL released. 0 on success; -1 with an
 * exception set. Release with gkpy_geoms_release(). */
int gkpy_geoms_from_py(PyObject *src, gkpy_geoms_t *out);
void gkpy_geoms_release(gkpy_geoms_t *g);
/* Feature i of g as new little-endian ISO WKB bytes, None for an empty
 * geometry; NULL with an exception set. */
PyObject *gkpy_wkb(const gk_geoms_t *g, size_t i);

extern PyMethodDef gkpy_geoms_methods[];
extern PyMethodDef gkpy_measure_methods[];
extern PyMethodDef gkpy_crs_methods[];
extern PyMethodDef gkpy_io_methods[];
extern PyMethodDef gkpy_rtree_methods[];
extern PyMethodDef gkpy_estimate_methods[];
extern PyMethodDef gkpy_volume_methods[];
extern PyMethodDef gkpy_assets_methods[];

/* io.c: a layer as the dict read() returns (name, source, crs, crs_name,
 * fids, geoms, fields); NULL with an exception set. */
PyObject *gkpy_layer_dict(const gk_layer_t *l);

/* rtree.c: the RTree type. */
int gkpy_rtree_init(PyObject *module);

/* measure.c: the Geodesic type (tables of one ellipsoid). */
int gkpy_measure_init(PyObject *module);

/* Copies of C arrays as new numpy arrays (NULL with an exception set). */
PyObject *gkpy_array_copy(const void *data, npy_intp n, int typenum);
PyObject *gkpy_array_copy2(const double *xy, npy_intp n); /* (n, 2) */
/* A new 1-D object array of n items, item i = get(src, i) (a new
 * reference; NULL stops with the exception it set). */
PyObject *gkpy_obj_array(size_t n, PyObject *(*get)(const void *src, size_t i),
                         const void *src);
/* A new str of UTF-8 text (bad bytes replaced), or None for NULL. */
PyObject *gkpy_str(const char *s);

#endif /* GKPY_H */
