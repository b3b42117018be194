/*
 * bindings/python/src/rtree.c - the RTree type: the library's packed R-tree
 * (include/geokota/rtree.h) over numpy (n, 4) float64 boxes, which are
 * byte-for-byte gk_box_t arrays, so building and batch queries read the
 * caller's array in place.
 *
 * Threads. Queries run with the GIL released and may run from any number
 * of Python threads at once (the tree's queries are read-only). Mutations
 * (insert, remove, repack) need the tree to themselves: each object counts
 * the queries in flight (under the GIL) and a mutation started while one is
 * running raises RuntimeError instead of racing it; a query started while a
 * bulk mutation runs without the GIL raises the same way.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gkpy.h"

typedef struct {
    PyObject_HEAD
    gk_rtree_t *tree;
    Py_ssize_t readers; /* queries running without the GIL */
    int writing;        /* a mutation running without the GIL */
} RTreeObject;

static PyTypeObject RTreeType;

/* ---- helpers ------------------------------------------------------- */

static int begin_read(RTreeObject *self)
{
    if (!self->tree) {
        PyErr_SetString(PyExc_ValueError, "RTree is closed");
        return -1;
    }
    if (self->writing) {
        PyErr_SetString(PyExc_RuntimeError,
                        "RTree is being changed by another thread");
        return -1;
    }
    self->readers++;
    return 0;
}

static void end_read(RTreeObject *self)
{
    self->readers--;
}

static int can_write(RTreeObject *self)
{
    if (!self->tree) {
        PyErr_SetString(PyExc_ValueError, "RTree is closed");
        return -1;
    }
    if (self->readers || self->writing) {
        PyErr_SetString(PyExc_RuntimeError,
                        "RTree cannot change while another thread queries "
                        "or changes it");
        return -1;
    }
    return 0;
}

/* A C-contiguous float64 array of shape (n, cols) (a 1-D array of `cols`
 * values is one row); new reference or NULL with an exception set. */
static PyArrayObject *rows_of(PyObject *o, int cols, const char *name)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(
        o, NPY_FLOAT64, 1, 2, NPY_ARRAY_IN_ARRAY);
    if (!a)
        return NULL;
    npy_intp c = PyArray_NDIM(a) == 2 ? PyArray_DIM(a, 1) : PyArray_DIM(a, 0);
    if (c != cols || (PyArray_NDIM(a) == 2 && PyArray_DIM(a, 0) < 0)) {
        PyErr_Format(PyExc_ValueError,
                     "%s must have shape (n, %d) (xmin, ymin, xmax, ymax%s)",
                     name, cols, cols == 4 ? "" : " or x, y");
        Py_DECREF(a);
        return NULL;
    }
    return a;
}

static npy_intp nrows(PyArrayObject *a, int cols)
{
    return PyArray_NDIM(a) == 2 ? PyArray_DIM(a, 0)
                                : PyArray_DIM(a, 0) / cols;
}

/* One box from a sequence of 4 numbers (or 2: a point). */
static int box_of(PyObject *o, gk_box_t *b)
{
    if (PyTuple_Check(o) || PyList_Check(o)) {
        Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
        PyObject **it = PySequence_Fast_ITEMS(o);
        if (n == 4 || n == 2) {
            double v[4];
            for (Py_ssize_t k = 0; k < n; k++) {
                v[k] = PyFloat_AsDouble(it[k]);
                if (v[k] == -1.0 && PyErr_Occurred())
                    return -1;
            }
            *b = n == 4 ? (gk_box_t){v[0], v[1], v[2], v[3]}
                        : (gk_box_t){v[0], v[1], v[0], v[1]};
            return 0;
        }
    } else {
        PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(
            o, NPY_FLOAT64, 1, 1, NPY_ARRAY_IN_ARRAY);
        if (!a)
            return -1;
        npy_intp n = PyArray_DIM(a, 0);
        const double *v = PyArray_DATA(a);
        if (n == 4 || n == 2) {
            *b = n == 4 ? (gk_box_t){v[0], v[1], v[2], v[3]}
                        : (gk_box_t){v[0], v[1], v[0], v[1]};
            Py_DECREF(a);
            return 0;
        }
        Py_DECREF(a);
    }
    PyErr_SetString(PyExc_ValueError,
                    "a box is (xmin, ymin, xmax, ymax) or a point (x, y)");
    return -1;
}

static RTreeObject *wrap(PyTypeObject *type, gk_rtree_t *t)
{
    RTreeObject *self = (RTreeObject *)type->tp_alloc(type, 0);
    if (!self) {
        gk_rtree_free(t);
        return NULL;
    }
    self->tree = t;
    return self;
}

static int parse_opts(int node_size, const char *method, gk_rtree_opts_t *o)
{
    o->node_size = node_size < 0 ? 1u : (uint32_t)node_size; /* 1: refused */
    if (!method || strcmp(method, "hilbert") == 0)
        o->method = GK_RTREE_HILBERT;
    else if (strcmp(method, "str") == 0)
        o->method = GK_RTREE_STR;
    else {
        PyErr_Format(PyExc_ValueError,
                     "method must be 'hilbert' or 'str', not '%s'", method);
        return -1;
    }
    return 0;
}

/* ---- construction -------------------------------------------------- */

static PyObject *rtree_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    char *kwlist[] = {(char[]){"boxes"}, (char[]){"ids"},
                      (char[]){"node_size"}, (char[]){"method"}, NULL};
    PyObject *boxes_o = Py_None, *ids_o = Py_None;
    int node_size = 0;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOiz:RTree", kwlist,
                                     &boxes_o, &ids_o, &node_size, &method))
        return NULL;
    gk_rtree_opts_t opts = {0};
    if (parse_opts(node_size, method, &opts) < 0)
        return NULL;
    PyArrayObject *boxes = NULL, *ids = NULL;
    npy_intp n = 0;
    if (boxes_o != Py_None) {
        if (!(boxes = rows_of(boxes_o, 4, "boxes")))
            return NULL;
        n = nrows(boxes, 4);
    }
    if (ids_o != Py_None) {
        if (boxes_o == Py_None) {
            PyErr_SetString(PyExc_TypeError, "ids given without boxes");
            return NULL;
        }
        ids = (PyArrayObject *)PyArray_FROMANY(ids_o, NPY_INT64, 1, 1,
                                               NPY_ARRAY_IN_ARRAY |
                                                   NPY_ARRAY_FORCECAST);
        if (!ids || PyArray_DIM(ids, 0) != n) {
            if (ids)
                PyErr_Format(PyExc_ValueError,
                             "ids has %zd values for %zd boxes",
                             (Py_ssize_t)PyArray_DIM(ids, 0), (Py_ssize_t)n);
            Py_XDECREF(ids);
            Py_DECREF(boxes);
            return NULL;
        }
    }
    gk_context_t *ctx = gkpy_context();
    if (!ctx) {
        Py_XDECREF(boxes);
        Py_XDECREF(ids);
        return NULL;
    }
    gk_rtree_t *t = NULL;
    gk_status_t st;
    const gk_box_t *b = boxes ? PyArray_DATA(boxes) : NULL;
    const int64_t *id = ids ? PyArray_DATA(ids) : NULL;
    Py_BEGIN_ALLOW_THREADS
    st = b ? gk_rtree_build(ctx, b, id, (size_t)n, &opts, &t)
           : gk_rtree_new(ctx, &opts, &t);
    Py_END_ALLOW_THREADS
    Py_XDECREF(boxes);
    Py_XDECREF(ids);
    if (st != GK_OK) {
        gkpy_raise(ctx, st);
        gk_context_free(ctx);
        return NULL;
    }
    gk_context_free(ctx);
    return (PyObject *)wrap(type, t);
}

static void rtree_dealloc(PyObject *o)
{
    gk_rtree_free(((RTreeObject *)o)->tree);
    Py_TYPE(o)->tp_free(o);
}

static PyObject *py_rtree_open(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    char *kwlist[] = {(char[]){"path"}, (char[]){"verify"}, (char[]){"cls"},
                      NULL};
    PyObject *path_obj;
    PyTypeObject *cls = &RTreeType;
    int verify = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|pO!:rtree_open", kwlist,
                                     PyUnicode_FSConverter, &path_obj,
                                     &verify, &PyType_Type, &cls))
        return NULL;
    if (!PyType_IsSubtype(cls, &RTreeType)) {
        Py_DECREF(path_obj);
        PyErr_SetString(PyExc_TypeError, "cls must be a subclass of RTree");
        return NULL;
    }
    gk_context_t *ctx = gkpy_context();
    if (!ctx) {
        Py_DECREF(path_obj);
        return NULL;
    }
    gk_rtree_open_opts_t o = {.no_verify = !verify};
    gk_rtree_t *t = NULL;
    gk_status_t st;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = gk_rtree_open(ctx, path, &o, &t);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    PyObject *r = st == GK_OK ? (PyObject *)wrap(cls, t)
                              : gkpy_raise(ctx, st);
    gk_context_free(ctx);
    return r;
}

/* ---- queries ------------------------------------------------------- */

/* Ids of the items meeting one box, into a new int64 array or list. */
static PyObject *query_one(RTreeObject *self, PyObject *arg, bool as_list)
{
    gk_box_t b;
    if (box_of(arg, &b) < 0 || begin_read(self) < 0)
        return NULL;
    int64_t small[256];
    int64_t *ids = small;
    size_t n;
    Py_BEGIN_ALLOW_THREADS
    n = gk_rtree_query_box(self->tree, b, ids, 256);
    if (n > 256) {
        ids = malloc(n * sizeof *ids);
        if (ids)
            n = gk_rtree_query_box(self->tree, b, ids, n);
    }
    Py_END_ALLOW_THREADS
    end_read(self);
    if (!ids)
        return PyErr_NoMemory();
    PyObject *r;
    if (as_list) {
        r = PyList_New((Py_ssize_t)n);
        for (size_t k = 0; r && k < n; k++) {
            PyObject *v = PyLong_FromLongLong((long long)ids[k]);
            if (!v) {
                Py_CLEAR(r);
                break;
            }
            PyList_SET_ITEM(r, (Py_ssize_t)k, v);
        }
    } else {
        r = gkpy_array_copy(ids, (npy_intp)n, NPY_INT64);
    }
    if (ids != small)
        free(ids);
    return r;
}

static PyObject *rtree_query(PyObject *self, PyObject *arg)
{
    return query_one((RTreeObject *)self, arg, false);
}

static PyObject *rtree_query_list(PyObject *self, PyObject *arg)
{
    return query_one((RTreeObject *)self, arg, true);
}

static PyObject *rtree_count(PyObject *self, PyObject *arg)
{
    RTreeObject *s = (RTreeObject *)self;
    gk_box_t b;
    if (box_of(arg, &b) < 0 || begin_read(s) < 0)
        return NULL;
    size_t n;
    Py_BEGIN_ALLOW_THREADS
    n = gk_rtree_query_box(s->tree, b, NULL, 0);
    Py_END_ALLOW_THREADS
    end_read(s);
    return PyLong_FromSize_t(n);
}

static void free_hits_capsule(PyObject *cap)
{
    gk_hits_free(PyCapsule_GetPointer(cap, "geokota.hits"));
}

/* (query_idx, item_ids) of every window: one walk per window by the
 * library's batch query, whose id buffer becomes item_ids without a copy
 * (the array keeps the gk_hits_t alive through a capsule); query_idx is
 * expanded from its offsets. */
static PyObject *rtree_query_batch(PyObject *self, PyObject *arg)
{
    RTreeObject *s = (RTreeObject *)self;
    PyArrayObject *w = rows_of(arg, 4, "boxes");
    if (!w)
        return NULL;
    if (begin_read(s) < 0) {
        Py_DECREF(w);
        return NULL;
    }
    gk_context_t *ctx = gkpy_context();
    if (!ctx) {
        end_read(s);
        Py_DECREF(w);
        return NULL;
    }
    size_t n = (size_t)nrows(w, 4);
    gk_hits_t *hits = NULL;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = gk_rtree_query_box_batch(ctx, s->tree, PyArray_DATA(w), n, &hits);
    Py_END_ALLOW_THREADS
    end_read(s);
    Py_DECREF(w);
    if (st != GK_OK) {
        gkpy_raise(ctx, st);
        gk_context_free(ctx);
        return NULL;
    }
    gk_context_free(ctx);
    gk_hits_view_t v = gk_hits_view(hits);
    npy_intp m = (npy_intp)v.num_ids;
    PyObject *cap = PyCapsule_New(hits, "geokota.hits", free_hits_capsule);
    if (!cap) {
        gk_hits_free(hits);
        return NULL;
    }
    /* an empty result may have no buffer: numpy wants a valid pointer */
    static int64_t none;
    PyObject *ii = PyArray_SimpleNewFromData(1, &m, NPY_INT64,
                                             m ? (void *)(uintptr_t)v.ids
                                               : &none);
    if (!ii || PyArray_SetBaseObject((PyArrayObject *)ii, cap) < 0) {
        Py_XDECREF(ii);
        Py_DECREF(cap);
        return NULL;
    }
    /* the ids are read-only: they are the tree's answer */
    PyArray_CLEARFLAGS((PyArrayObject *)ii, NPY_ARRAY_WRITEABLE);
    PyObject *qi = PyArray_SimpleNew(1, &m, NPY_INT64);
    if (!qi) {
        Py_DECREF(ii);
        return NULL;
    }
    int64_t *q = PyArray_DATA((PyArrayObject *)qi);
    Py_BEGIN_ALLOW_THREADS
    for (size_t k = 0; k < v.num_queries; k++)
        for (int64_t j = v.offsets[k]; j < v.offsets[k + 1]; j++)
            q[j] = (int64_t)k;
    Py_END_ALLOW_THREADS
    return Py_BuildValue("(NN)", qi, ii);
}

/* k nearest items of each query box or point: (query_idx, item_ids,
 * distances), flat, sorted by distance within a query (ties by id). */
static PyObject *rtree_nearest(PyObject *self, PyObject *args, PyObject *kw)
{
    RTreeObject *s = (RTreeObject *)self;
    char *kwlist[] = {(char[]){"boxes"}, (char[]){"k"},
                      (char[]){"max_distance"}, NULL};
    PyObject *o, *maxd_o = Py_None;
    Py_ssize_t k = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|nO:nearest", kwlist, &o, &k,
                                     &maxd_o))
        return NULL;
    if (k < 0) {
        PyErr_SetString(PyExc_ValueError, "k must be 0 or more");
        return NULL;
    }
    gk_rtree_knn_opts_t ko = {0};
    if (maxd_o != Py_None) {
        ko.has_max_dist = true;
        ko.max_dist = PyFloat_AsDouble(maxd_o);
        if (ko.max_dist == -1.0 && PyErr_Occurred())
            return NULL;
        if (!(ko.max_dist >= 0)) {
            PyErr_SetString(PyExc_ValueError,
                            "max_distance must be 0 or more");
            return NULL;
        }
    }
    PyArrayObject *q = (PyArrayObject *)PyArray_FROMANY(
        o, NPY_FLOAT64, 1, 2, NPY_ARRAY_IN_ARRAY);
    if (!q)
        return NULL;
    int cols = (int)(PyArray_NDIM(q) == 2 ? PyArray_DIM(q, 1)
                                          : PyArray_DIM(q, 0));
    if (cols != 2 && cols != 4) {
        Py_DECREF(q);
        PyErr_SetString(PyExc_ValueError,
                        "nearest needs points (n, 2) or boxes (n, 4)");
        return NULL;
    }
    size_t n = (size_t)nrows(q, cols), kk = (size_t)k;
    if (kk && n > (size_t)PY_SSIZE_T_MAX / sizeof(double) / kk) {
        Py_DECREF(q);
        return PyErr_NoMemory();
    }
    int64_t *ids = malloc(n * kk * sizeof *ids + 1);
    double *d = malloc(n * kk * sizeof *d + 1);
    size_t *found = malloc(n * sizeof *found + 1);
    if (!ids || !d || !found || begin_read(s) < 0) {
        free(ids);
        free(d);
        free(found);
        Py_DECREF(q);
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    }
    const double *v = PyArray_DATA(q);
    size_t total = 0;
    Py_BEGIN_ALLOW_THREADS
    for (size_t i = 0; i < n; i++) {
        const double *p = v + (size_t)cols * i;
        gk_box_t b = cols == 4 ? (gk_box_t){p[0], p[1], p[2], p[3]}
                               : (gk_box_t){p[0], p[1], p[0], p[1]};
        /* compacted as we go: results of query i follow those before */
        found[i] = kk ? gk_rtree_nearest(s->tree, b, kk, &ko, ids + total,
                                         d + total)
                      : 0;
        total += found[i];
    }
    Py_END_ALLOW_THREADS
    end_read(s);
    Py_DECREF(q);
    npy_intp m = (npy_intp)total;
    PyObject *qi = PyArray_SimpleNew(1, &m, NPY_INT64);
    PyObject *ii = gkpy_array_copy(ids, m, NPY_INT64);
    PyObject *di = gkpy_array_copy(d, m, NPY_FLOAT64);
    if (qi) {
        int64_t *qq = PyArray_DATA((PyArrayObject *)qi);
        for (size_t i = 0, j = 0; i < n; i++)
            for (size_t c = 0; c < found[i]; c++)
                qq[j++] = (int64_t)i;
    }
    free(ids);
    free(d);
    free(found);
    if (!qi || !ii || !di) {
        Py_XDECREF(qi);
        Py_XDECREF(ii);
        Py_XDECREF(di);
        return NULL;
    }
    return Py_BuildValue("(NNN)", qi, ii, di);
}

/* ---- changes ------------------------------------------------------- */

/* insert(id, box) and remove(id, box): the same arguments and checks,
 * then one change made holding the GIL (amortised O(log n)), so no query
 * can start meanwhile. Returns None (insert) or whether an item was
 * removed, or NULL with the library's error raised. */
static PyObject *change_one(PyObject *self, PyObject *args, bool remove)
{
    RTreeObject *s = (RTreeObject *)self;
    long long id;
    PyObject *box_o;
    if (!PyArg_ParseTuple(args, remove ? "LO:remove" : "LO:insert", &id,
                          &box_o))
        return NULL;
    gk_box_t b;
    if (box_of(box_o, &b) < 0 || can_write(s) < 0)
        return NULL;
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        return NULL;
    bool removed = false;
    gk_status_t st =
        remove ? gk_rtree_remove(ctx, s->tree, (int64_t)id, b, &removed)
               : gk_rtree_insert(ctx, s->tree, b, (int64_t)id);
    PyObject *r = st != GK_OK ? gkpy_raise(ctx, st)
                  : remove    ? PyBool_FromLong(removed)
                              : (Py_INCREF(Py_None), Py_None);
    gk_context_free(ctx);
    return r;
}

static PyObject *rtree_insert(PyObject *self, PyObject *args)
{
    return change_one(self, args, false);
}

static PyObject *rtree_remove(PyObject *self, PyObject *args)
{
    return change_one(self, args, true);
}

static PyObject *rtree_repack(PyObject *self, PyObject *unused)
{
    (void)unused;
    RTreeObject *s = (RTreeObject *)self;
    if (can_write(s) < 0)
        return NULL;
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        return NULL;
    gk_status_t st;
    s->writing = 1;
    Py_BEGIN_ALLOW_THREADS
    st = gk_rtree_repack(ctx, s->tree);
    Py_END_ALLOW_THREADS
    s->writing = 0;
    PyObject *r = st == GK_OK ? (Py_INCREF(Py_None), Py_None)
                              : gkpy_raise(ctx, st);
    gk_context_free(ctx);
    return r;
}

static PyObject *rtree_save(PyObject *self, PyObject *arg)
{
    RTreeObject *s = (RTreeObject *)self;
    PyObject *path_obj;
    if (!PyUnicode_FSConverter(arg, &path_obj))
        return NULL;
    if (begin_read(s) < 0) {
        Py_DECREF(path_obj);
        return NULL;
    }
    gk_context_t *ctx = gkpy_context();
    if (!ctx) {
        end_read(s);
        Py_DECREF(path_obj);
        return NULL;
    }
    gk_status_t st;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = gk_rtree_save(ctx, s->tree, path);
    Py_END_ALLOW_THREADS
    end_read(s);
    Py_DECREF(path_obj);
    PyObject *r = st == GK_OK ? (Py_INCREF(Py_None), Py_None)
                              : gkpy_raise(ctx, st);
    gk_context_free(ctx);
    return r;
}

/* ---- description --------------------------------------------------- */

static PyObject *rtree_info(PyObject *self, PyObject *unused)
{
    (void)unused;
    RTreeObject *s = (RTreeObject *)self;
    if (!s->tree) {
        PyErr_SetString(PyExc_ValueError, "RTree is closed");
        return NULL;
    }
    gk_rtree_info_t i = gk_rtree_info(s->tree);
    return Py_BuildValue(
        "{s:n,s:n,s:n,s:n,s:I,s:I,s:n,s:n,s:(dddd),s:s,s:O}", "num_items",
        (Py_ssize_t)i.num_items, "num_removed", (Py_ssize_t)i.num_removed,
        "num_buffered", (Py_ssize_t)i.num_buffered, "num_parts",
        (Py_ssize_t)i.num_parts, "node_size", (unsigned)i.node_size, "height",
        (unsigned)i.height, "num_nodes", (Py_ssize_t)i.num_nodes,
        "memory_bytes", (Py_ssize_t)i.memory_bytes, "bounds", i.bounds.xmin,
        i.bounds.ymin, i.bounds.xmax, i.bounds.ymax, "method",
        i.method == GK_RTREE_STR ? "str" : "hilbert", "mapped",
        i.mapped ? Py_True : Py_False);
}

static Py_ssize_t rtree_len(PyObject *self)
{
    return (Py_ssize_t)gk_rtree_size(((RTreeObject *)self)->tree);
}

static PyMethodDef rtree_methods[] = {
    {"query", rtree_query, METH_O,
     "query(box) -> int64 array\n\nIds of the items whose box meets `box` "
     "(xmin, ymin, xmax, ymax; or a point (x, y)), touching included, in "
     "tree order."},
    {"query_list", rtree_query_list, METH_O,
     "query_list(box) -> list of int\n\nAs query(), as a list (faster for "
     "a few hits)."},
    {"count", rtree_count, METH_O,
     "count(box) -> int\n\nNumber of items whose box meets `box`."},
    {"query_batch", rtree_query_batch, METH_O,
     "query_batch(boxes) -> (query_idx, item_ids)\n\nEvery pair (i, id) "
     "with item `id` meeting boxes[i], for an (n, 4) float64 array; pairs "
     "grouped by query in increasing i."},
    {"nearest", (PyCFunction)(void (*)(void))rtree_nearest,
     METH_VARARGS | METH_KEYWORDS,
     "nearest(boxes, k=1, max_distance=None) -> (query_idx, item_ids, "
     "distances)\n\nThe k items nearest each query ((n, 2) points or (n, 4) "
     "boxes), by the gap between boxes, sorted by distance then id."},
    {"insert", rtree_insert, METH_VARARGS,
     "insert(id, box)\n\nAdd one item (amortised O(log n))."},
    {"remove", rtree_remove, METH_VARARGS,
     "remove(id, box) -> bool\n\nRemove an item with this id whose box "
     "meets `box` (pass the box it was inserted with); False if none."},
    {"repack", rtree_repack, METH_NOARGS,
     "repack()\n\nFold inserted and removed items back into one packed "
     "tree (fastest queries)."},
    {"save", rtree_save, METH_O,
     "save(path)\n\nWrite the tree to a .gkidx file atomically; "
     "geokota.RTree.open maps it back without parsing."},
    {"info", rtree_info, METH_NOARGS,
     "info() -> dict\n\nnum_items, num_removed, num_buffered, num_parts, "
     "node_size, height, num_nodes, memory_bytes, bounds, method, mapped."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods rtree_as_sequence = {
    .sq_length = rtree_len,
};

static PyTypeObject RTreeType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "geokota._geokota.RTree",
    .tp_basicsize = sizeof(RTreeObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "RTree(boxes=None, ids=None, node_size=0, method='hilbert')\n\n"
              "Packed R-tree over an (n, 4) float64 array of boxes (xmin, "
              "ymin, xmax, ymax) with int64 ids (default 0..n-1); empty "
              "without boxes. Queries release the GIL and may run from many "
              "threads at once.",
    .tp_new = rtree_new,
    .tp_dealloc = rtree_dealloc,
    .tp_methods = rtree_methods,
    .tp_as_sequence = &rtree_as_sequence,
};

int gkpy_rtree_init(PyObject *m)
{
    if (PyType_Ready(&RTreeType) < 0)
        return -1;
    Py_INCREF(&RTreeType);
    if (PyModule_AddObject(m, "RTree", (PyObject *)&RTreeType) < 0) {
        Py_DECREF(&RTreeType);
        return -1;
    }
    return 0;
}

PyMethodDef gkpy_rtree_methods[] = {
    {"rtree_open", (PyCFunction)(void (*)(void))py_rtree_open,
     METH_VARARGS | METH_KEYWORDS,
     "rtree_open(path, verify=True, cls=RTree) -> RTree\n\nMap a .gkidx file saved by "
     "RTree.save (checked with its CRC32C unless verify=False)."},
    {NULL, NULL, 0, NULL},
};
