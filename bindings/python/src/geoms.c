/*
 * bindings/python/src/geoms.c - geometries in from Python and out again:
 * WKB arrays (object arrays of bytes or None, or numpy 'S' arrays) parsed
 * by the library's WKB reader with the GIL released, and flat columnar
 * arrays checked once and then read in place (zero copy).
 */
#include <stdlib.h>
#include <string.h>

#include "gkpy.h"
/* The extension links the library's internal static build; the WKB
 * reader's single-buffer entry point lives in its internal header. */
#include "geom/geom_internal.h"

/* ---- flat arrays --------------------------------------------------- */

static const char *dtype_name(PyArrayObject *a)
{
    static char buf[32];
    PyArray_Descr *d = PyArray_DESCR(a);
    snprintf(buf, sizeof buf, "%c%d", d->kind, (int)d->elsize);
    return buf;
}

/* A borrowed ndarray of the exact dtype, native byte order, aligned and
 * C-contiguous, with `ndim` dimensions (and `cols` columns when 2-D). */
static PyArrayObject *want_array(PyObject *o, char kind, int size, int ndim,
                                 const char *name)
{
    if (!PyArray_Check(o)) {
        PyErr_Format(PyExc_TypeError,
                     "%s must be a numpy array, not %.50s", name,
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)o;
    PyArray_Descr *d = PyArray_DESCR(a);
    bool kind_ok = d->kind == kind || (kind == 'u' && d->kind == 'b');
    if (!kind_ok || d->elsize != size || !PyArray_ISNOTSWAPPED(a)) {
        const char *want = kind == 'f'   ? "float64"
                           : kind == 'i' ? "int64"
                                         : "uint8";
        PyErr_Format(PyExc_TypeError,
                     "%s must have dtype %s in native byte order, not %s "
                     "(convert with np.ascontiguousarray(%s, dtype=np.%s))",
                     name, want, dtype_name(a), name, want);
        return NULL;
    }
    if (PyArray_NDIM(a) != ndim || (ndim == 2 && PyArray_DIM(a, 1) != 2)) {
        PyErr_Format(PyExc_ValueError,
                     "%s must have shape %s, not a %d-D array", name,
                     ndim == 2 ? "(n, 2)" : "(n,)", PyArray_NDIM(a));
        return NULL;
    }
    if (!PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a)) {
        PyErr_Format(PyExc_ValueError,
                     "%s must be C-contiguous and aligned (use "
                     "np.ascontiguousarray(%s))",
                     name, name);
        return NULL;
    }
    return a;
}

static int flat_from_tuple(PyObject *t, gkpy_geoms_t *out)
{
    static const char *const names[] = {"types", "geom_offsets",
                                        "part_offsets", "ring_offsets", "xy"};
    static const char kinds[] = {'u', 'i', 'i', 'i', 'f'};
    static const int sizes[] = {1, 8, 8, 8, 8};
    if (PyTuple_GET_SIZE(t) != 7) {
        PyErr_SetString(PyExc_TypeError,
                        "flat geometries are the tuple (types, geom_offsets, "
                        "part_offsets, ring_offsets, xy, z, missing)");
        return -1;
    }
    PyArrayObject *a[5];
    for (int k = 0; k < 5; k++) {
        a[k] = want_array(PyTuple_GET_ITEM(t, k), kinds[k], sizes[k],
                          k == 4 ? 2 : 1, names[k]);
        if (!a[k])
            return -1;
    }
    npy_intp n = PyArray_DIM(a[0], 0), nv = PyArray_DIM(a[4], 0);
    if (PyArray_DIM(a[1], 0) != n + 1 || PyArray_DIM(a[2], 0) < 1 ||
        PyArray_DIM(a[3], 0) < 1) {
        PyErr_Format(PyExc_ValueError,
                     "offset arrays need one entry more than the items they "
                     "index: %zd types but %zd geom_offsets",
                     (Py_ssize_t)n, (Py_ssize_t)PyArray_DIM(a[1], 0));
        return -1;
    }
    PyObject *zo = PyTuple_GET_ITEM(t, 5), *mo = PyTuple_GET_ITEM(t, 6);
    PyArrayObject *z = NULL, *miss = NULL;
    if (zo != Py_None) {
        if (!(z = want_array(zo, 'f', 8, 1, "z")))
            return -1;
        if (PyArray_DIM(z, 0) != nv) {
            PyErr_SetString(PyExc_ValueError, "z needs one value per vertex");
            return -1;
        }
    }
    if (mo != Py_None) {
        if (!(miss = want_array(mo, 'u', 1, 1, "missing")))
            return -1;
        if (PyArray_DIM(miss, 0) != n) {
            PyErr_SetString(PyExc_ValueError,
                            "missing needs one flag per geometry");
            return -1;
        }
    }
    out->view = (gk_geoms_t){
        .ngeoms = (size_t)n,
        .types = PyArray_DATA(a[0]),
        .geom_off = PyArray_DATA(a[1]),
        .part_off = PyArray_DATA(a[2]),
        .ring_off = PyArray_DATA(a[3]),
        .xy = PyArray_DATA(a[4]),
        .z = z ? PyArray_DATA(z) : NULL,
    };
    out->missing = miss ? PyArray_DATA(miss) : NULL;
    size_t np_ = (size_t)PyArray_DIM(a[2], 0) - 1;
    size_t nr = (size_t)PyArray_DIM(a[3], 0) - 1;
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        return -1;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = gk_geoms_check(ctx, &out->view, np_, nr, (size_t)nv);
    Py_END_ALLOW_THREADS
    if (st != GK_OK) {
        gkpy_raise(ctx, st);
        gk_context_free(ctx);
        return -1;
    }
    gk_context_free(ctx);
    Py_INCREF(t);
    out->arrays = t;
    return 0;
}

/* ---- WKB arrays ---------------------------------------------------- */

/* Parse n buffers; `padded` buffers (numpy 'S') may end in zero bytes. */
static gk_status_t parse_all(gk_context_t *ctx, gk_geomcol_t *col,
                             const uint8_t *const *ptr, const size_t *len,
                             size_t n, bool padded)
{
    size_t total = 0; /* see gk_geomcol_from_wkb: one allocation */
    for (size_t i = 0; i < n; i++)
        total += ptr[i] ? len[i] / 16 : 0;
    if (!gk_geomcol_reserve_verts(col, total))
        return gk_error_nomem(ctx, "WKB geometries");
    for (size_t i = 0; i < n; i++) {
        size_t used;
        gk_status_t st = gk_wkb_append(ctx, col, ptr[i], len[i], i, &used);
        if (st != GK_OK)
            return st;
        if (!ptr[i] || used == len[i])
            continue;
        bool zeros = padded;
        for (size_t k = used; zeros && k < len[i]; k++)
            zeros = ptr[i][k] == 0;
        if (!zeros)
            return gk_error(ctx, GK_ERR_INPUT_INVALID,
                            "geometry %zu: %zu bytes after the end of the WKB "
                            "geometry (%zu bytes)",
                            i, len[i] - used, used);
    }
    return GK_OK;
}

static int wkb_from_array(PyArrayObject *a, gkpy_geoms_t *out)
{
    if (PyArray_NDIM(a) != 1 || !PyArray_IS_C_CONTIGUOUS(a)) {
        PyErr_SetString(PyExc_ValueError,
                        "a WKB array must be 1-D and C-contiguous");
        return -1;
    }
    char kind = PyArray_DESCR(a)->kind;
    if (kind != 'O' && kind != 'S') {
        PyErr_Format(PyExc_TypeError,
                     "expected geometries as WKB (an object array of bytes "
                     "or None, or a bytes 'S' array), not a %s array",
                     dtype_name(a));
        return -1;
    }
    size_t n = (size_t)PyArray_DIM(a, 0);
    const uint8_t **ptr = PyMem_Calloc(n ? n : 1, sizeof *ptr);
    size_t *len = PyMem_Calloc(n ? n : 1, sizeof *len);
    out->missing = PyMem_Calloc(n ? n : 1, 1);
    if (kind == 'O')
        out->keep = PyMem_Calloc(n ? n : 1, sizeof *out->keep);
    if (!ptr || !len || !out->missing || (kind == 'O' && !out->keep)) {
        PyMem_Free(ptr);
        PyMem_Free(len);
        PyErr_NoMemory();
        return -1;
    }
    if (kind == 'O') {
        PyObject **items = PyArray_DATA(a);
        for (size_t i = 0; i < n; i++) {
            PyObject *o = items[i];
            if (o == NULL || o == Py_None) {
                out->missing[i] = 1;
                continue;
            }
            if (!PyBytes_Check(o)) {
                PyErr_Format(PyExc_TypeError,
                             "element %zu is %.50s, expected bytes (WKB) or "
                             "None",
                             i, Py_TYPE(o)->tp_name);
                PyMem_Free(ptr);
                PyMem_Free(len);
                return -1;
            }
            /* Hold a reference: another thread may replace the array's
             * element while the GIL is released. */
            Py_INCREF(o);
            out->keep[out->nkeep++] = o;
            ptr[i] = (const uint8_t *)PyBytes_AS_STRING(o);
            len[i] = (size_t)PyBytes_GET_SIZE(o);
        }
    } else {
        const uint8_t *base = PyArray_DATA(a);
        size_t w = (size_t)PyArray_ITEMSIZE(a);
        for (size_t i = 0; i < n; i++) {
            ptr[i] = base + i * w;
            len[i] = w;
        }
        /* keep the array itself alive for the call */
        Py_INCREF(a);
        out->arrays = (PyObject *)a;
    }
    gk_context_t *ctx = gkpy_context();
    /* malloc, not PyMem: gk_geomcol_free() releases it with free(). */
    gk_geomcol_t *col = ctx ? malloc(sizeof *col) : NULL;
    gk_status_t st = GK_ERR_NOMEM;
    if (col) {
        gk_geomcol_init(col);
        Py_BEGIN_ALLOW_THREADS
        st = parse_all(ctx, col, ptr, len, n, kind == 'S');
        Py_END_ALLOW_THREADS
    }
    PyMem_Free(ptr);
    PyMem_Free(len);
    if (st != GK_OK) {
        gk_geomcol_free(col);
        if (ctx)
            gkpy_raise(ctx, st);
        gk_context_free(ctx);
        return -1;
    }
    gk_context_free(ctx);
    out->owned = col;
    out->view = gk_geomcol_geoms(col);
    return 0;
}

int gkpy_geoms_from_py(PyObject *src, gkpy_geoms_t *out)
{
    memset(out, 0, sizeof *out);
    int rc;
    if (PyTuple_Check(src))
        rc = flat_from_tuple(src, out);
    else if (PyArray_Check(src))
        rc = wkb_from_array((PyArrayObject *)src, out);
    else {
        PyErr_Format(PyExc_TypeError,
                     "expected a WKB array or flat geometry arrays, not "
                     "%.50s",
                     Py_TYPE(src)->tp_name);
        rc = -1;
    }
    if (rc < 0)
        gkpy_geoms_release(out);
    return rc;
}

void gkpy_geoms_release(gkpy_geoms_t *g)
{
    gk_geomcol_free(g->owned);
    for (size_t i = 0; i < g->nkeep; i++)
        Py_DECREF(g->keep[i]);
    PyMem_Free(g->keep);
    if (!g->arrays || !PyTuple_Check(g->arrays))
        PyMem_Free(g->missing); /* ours; a tuple's flags are borrowed */
    Py_XDECREF(g->arrays);
    memset(g, 0, sizeof *g);
}

/* ---- Python functions -------------------------------------------- */

static PyObject *flat_tuple(const gk_geoms_t *g, const uint8_t *missing)
{
    npy_intp n = (npy_intp)g->ngeoms;
    npy_intp np_ = (npy_intp)gk_geoms_num_parts(g);
    npy_intp nr = (npy_intp)gk_geoms_num_rings(g);
    npy_intp nv = (npy_intp)gk_geoms_num_vertices(g);
    PyObject *z = g->z ? gkpy_array_copy(g->z, nv, NPY_FLOAT64)
                       : (Py_INCREF(Py_None), Py_None);
    PyObject *m = missing ? gkpy_array_copy(missing, n, NPY_BOOL)
                          : (Py_INCREF(Py_None), Py_None);
    PyObject *r = Py_BuildValue(
        "(NNNNNNN)", gkpy_array_copy(g->types, n, NPY_UINT8),
        gkpy_array_copy(g->geom_off, n + 1, NPY_INT64),
        gkpy_array_copy(g->part_off, np_ + 1, NPY_INT64),
        gkpy_array_copy(g->ring_off, nr + 1, NPY_INT64),
        gkpy_array_copy2(g->xy, nv), z, m);
    return r;
}

static PyObject *py_parse_wkb(PyObject *self, PyObject *arg)
{
    (void)self;
    gkpy_geoms_t g;
    if (!PyArray_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "expected a WKB array, not %.50s",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    if (gkpy_geoms_from_py(arg, &g) < 0)
        return NULL;
    bool any_missing = false;
    for (size_t i = 0; i < g.view.ngeoms && g.missing; i++)
        any_missing |= g.missing[i] != 0;
    PyObject *r = flat_tuple(&g.view, any_missing ? g.missing : NULL);
    gkpy_geoms_release(&g);
    return r;
}

static PyObject *py_check_geoms(PyObject *self, PyObject *arg)
{
    (void)self;
    if (!PyTuple_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "expected the flat geometry tuple");
        return NULL;
    }
    gkpy_geoms_t g;
    if (gkpy_geoms_from_py(arg, &g) < 0)
        return NULL;
    gkpy_geoms_release(&g);
    Py_RETURN_NONE;
}

PyObject *gkpy_wkb(const gk_geoms_t *g, size_t i)
{
    size_t need = gk_geoms_feature_wkb(g, i, NULL, 0);
    if (need == 0)
        Py_RETURN_NONE;
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)need);
    if (b)
        gk_geoms_feature_wkb(g, i, (uint8_t *)PyBytes_AS_STRING(b), need);
    return b;
}

static PyObject *wkb_item(const void *src, size_t i)
{
    const gkpy_geoms_t *g = src;
    if (g->missing && g->missing[i])
        Py_RETURN_NONE;
    return gkpy_wkb(&g->view, i);
}

static PyObject *py_to_wkb(PyObject *self, PyObject *arg)
{
    (void)self;
    gkpy_geoms_t g;
    if (gkpy_geoms_from_py(arg, &g) < 0)
        return NULL;
    PyObject *out = gkpy_obj_array(g.view.ngeoms, wkb_item, &g);
    gkpy_geoms_release(&g);
    return out;
}

PyMethodDef gkpy_geoms_methods[] = {
    {"parse_wkb", py_parse_wkb, METH_O,
     "parse_wkb(wkb) -> (types, geom_offsets, part_offsets, ring_offsets, "
     "xy, z, missing)\n\nParse a 1-D WKB array (object array of bytes/None "
     "or an 'S' array) into new columnar arrays."},
    {"check_geoms", py_check_geoms, METH_O,
     "check_geoms(flat) -> None\n\nRaise if the flat arrays are not a safe, "
     "consistent columnar layout."},
    {"to_wkb", py_to_wkb, METH_O,
     "to_wkb(flat_or_wkb) -> object array\n\nLittle-endian ISO WKB bytes "
     "per geometry (None for missing or empty ones)."},
    {NULL, NULL, 0, NULL},
};
