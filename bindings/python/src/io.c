/*
 * bindings/python/src/io.c - reading a vector source into numpy arrays
 * (geometry columns, feature ids, attributes), and measuring a file the
 * way `geokota measure` does. File access and measurement run with the GIL
 * released; Python objects are built afterwards.
 */
#include <math.h>
#include <string.h>

#include "gkpy.h"
/* gk_error() for the missing id field, as the CLI words it */
#include "core/core_internal.h"

/* The library's warnings ("no CRS: taken as WGS 84", "UTM is not
 * equal-area") collected while the GIL is released, then issued as Python
 * warnings. */
typedef struct log_buf {
    char text[4096];
    size_t used;
} log_buf_t;

static void collect_log(gk_log_level_t level, const char *msg, void *user)
{
    log_buf_t *b = user;
    if (level < GK_LOG_WARNING)
        return;
    int n = snprintf(b->text + b->used, sizeof b->text - b->used, "%s\n", msg);
    if (n > 0)
        b->used += (size_t)n < sizeof b->text - b->used
                       ? (size_t)n
                       : sizeof b->text - b->used - 1;
}

/* Issue each collected line as a UserWarning; -1 if a warning became an
 * error (filters set to "error"). */
static int issue_warnings(const log_buf_t *b)
{
    const char *p = b->text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        PyObject *s = PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "replace");
        if (!s || PyErr_WarnEx(PyExc_UserWarning, PyUnicode_AsUTF8(s), 1) < 0) {
            Py_XDECREF(s);
            return -1;
        }
        Py_DECREF(s);
        p += n + (e ? 1 : 0);
    }
    return 0;
}

/* A text field's value i as str, None when null. */
typedef struct field {
    const gk_layer_t *l;
    size_t j;
} field_t;

static PyObject *field_str(const void *src, size_t i)
{
    const field_t *f = src;
    return gkpy_str(gk_layer_is_null(f->l, f->j, i)
                        ? NULL
                        : gk_layer_get_string(f->l, f->j, i));
}

/* Attribute column as a numpy array: int64 (float64 with NaN when the
 * column has nulls), float64 (NaN for null), or object (str / None). */
static PyObject *field_array(const gk_layer_t *l, size_t j)
{
    npy_intp n = (npy_intp)gk_layer_num_features(l);
    gk_field_type_t t = gk_layer_field_type(l, j);
    bool nulls = false;
    for (npy_intp i = 0; i < n && !nulls; i++)
        nulls = gk_layer_is_null(l, j, (size_t)i);
    if (t == GK_FIELD_INT && !nulls) {
        PyObject *a = PyArray_SimpleNew(1, &n, NPY_INT64);
        if (a) {
            int64_t *d = PyArray_DATA((PyArrayObject *)a);
            for (npy_intp i = 0; i < n; i++)
                d[i] = gk_layer_get_int(l, j, (size_t)i);
        }
        return a;
    }
    if (t == GK_FIELD_INT || t == GK_FIELD_DOUBLE) {
        PyObject *a = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
        if (a) {
            double *d = PyArray_DATA((PyArrayObject *)a);
            for (npy_intp i = 0; i < n; i++)
                d[i] = gk_layer_is_null(l, j, (size_t)i)
                           ? NAN
                           : gk_layer_get_double(l, j, (size_t)i);
        }
        return a;
    }
    field_t f = {l, j};
    return gkpy_obj_array((size_t)n, field_str, &f);
}

static const char *crs_string(const gk_crs_t *crs)
{
    if (!crs)
        return NULL;
    return *gk_crs_authority(crs) ? gk_crs_authority(crs) : gk_crs_wkt(crs);
}

PyObject *gkpy_layer_dict(const gk_layer_t *l)
{
    gk_geoms_t g = gk_layer_geoms(l);
    npy_intp n = (npy_intp)g.ngeoms;
    npy_intp np_ = (npy_intp)gk_geoms_num_parts(&g);
    npy_intp nr = (npy_intp)gk_geoms_num_rings(&g);
    npy_intp nv = (npy_intp)gk_geoms_num_vertices(&g);
    PyObject *fields = PyDict_New();
    if (!fields)
        return NULL;
    for (size_t j = 0; j < gk_layer_num_fields(l); j++) {
        PyObject *a = field_array(l, j);
        if (!a || PyDict_SetItemString(fields, gk_layer_field_name(l, j),
                                       a) < 0) {
            Py_XDECREF(a);
            Py_DECREF(fields);
            return NULL;
        }
        Py_DECREF(a);
    }
    PyObject *fids = PyArray_SimpleNew(1, &n, NPY_INT64);
    if (fids) {
        int64_t *d = PyArray_DATA((PyArrayObject *)fids);
        for (npy_intp i = 0; i < n; i++)
            d[i] = gk_layer_fid(l, (size_t)i);
    }
    PyObject *z = g.z ? gkpy_array_copy(g.z, nv, NPY_FLOAT64)
                      : (Py_INCREF(Py_None), Py_None);
    PyObject *geoms = Py_BuildValue(
        "(NNNNNNO)", gkpy_array_copy(g.types, n, NPY_UINT8),
        gkpy_array_copy(g.geom_off, n + 1, NPY_INT64),
        gkpy_array_copy(g.part_off, np_ + 1, NPY_INT64),
        gkpy_array_copy(g.ring_off, nr + 1, NPY_INT64),
        gkpy_array_copy2(g.xy, nv), z, Py_None);
    const gk_crs_t *crs = gk_layer_crs(l);
    return Py_BuildValue("{s:s,s:s,s:z,s:z,s:N,s:N,s:N}", "name",
                         gk_layer_name(l), "source", gk_layer_source(l),
                         "crs", crs_string(crs), "crs_name",
                         crs ? gk_crs_name(crs) : NULL, "fids", fids,
                         "geoms", geoms, "fields", fields);
}

static PyObject *py_read(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    /* writable copies: the API takes char ** */
    char *kwlist[] = {(char[]){"path"}, (char[]){"layer"}, (char[]){"where"}, (char[]){"drop_z"}, NULL};
    PyObject *path_obj;
    const char *layer = NULL, *where = NULL;
    int drop_z = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|zzp:read", kwlist,
                                     PyUnicode_FSConverter, &path_obj, &layer,
                                     &where, &drop_z))
        return NULL;
    gk_context_t *ctx = gkpy_context();
    if (!ctx) {
        Py_DECREF(path_obj);
        return NULL;
    }
    gk_read_opts_t opts = {layer, where, drop_z != 0};
    gk_layer_t *l = NULL;
    gk_status_t st;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = gk_layer_read(ctx, path, &opts, &l);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    PyObject *r = st == GK_OK ? gkpy_layer_dict(l) : gkpy_raise(ctx, st);
    gk_layer_free(l);
    gk_context_free(ctx);
    return r;
}

static PyObject *number(double v)
{
    if (isnan(v))
        Py_RETURN_NONE; /* as the CLI's JSON writes null */
    return PyFloat_FromDouble(v);
}

static PyObject *feature_id(const gk_layer_t *l, int idf, size_t i)
{
    if (idf < 0 || gk_layer_is_null(l, (size_t)idf, i))
        return PyLong_FromLongLong((long long)gk_layer_fid(l, i));
    switch (gk_layer_field_type(l, (size_t)idf)) {
    case GK_FIELD_STRING: {
        const char *s = gk_layer_get_string(l, (size_t)idf, i);
        return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
    }
    case GK_FIELD_INT:
        return PyLong_FromLongLong(
            (long long)gk_layer_get_int(l, (size_t)idf, i));
    default:
        return PyFloat_FromDouble(gk_layer_get_double(l, (size_t)idf, i));
    }
}

static PyObject *result_dict(const gk_layer_t *l, int idf,
                             const gk_measure_result_t *r)
{
    PyObject *features = PyList_New((Py_ssize_t)r->n);
    if (!features)
        return NULL;
    for (size_t i = 0; i < r->n; i++) {
        PyObject *f = Py_BuildValue("{s:N,s:N,s:N,s:N}", "id",
                                    feature_id(l, idf, i), "area_m2",
                                    number(r->area_m2[i]), "perimeter_m",
                                    number(r->perimeter_m[i]), "length_m",
                                    number(r->length_m[i]));
        if (!f) {
            Py_DECREF(features);
            return NULL;
        }
        PyList_SET_ITEM(features, (Py_ssize_t)i, f);
    }
    PyObject *d = Py_BuildValue(
        "{s:s,s:s,s:N,s:{s:N,s:N,s:N,s:n}}", "crs", r->crs, "method",
        r->method == GK_MEASURE_GEODESIC ? "geodesic" : "planar", "features",
        features, "total", "area_m2", number(r->total_area_m2), "perimeter_m",
        number(r->total_perimeter_m), "length_m", number(r->total_length_m),
        "count", (Py_ssize_t)r->count);
    if (d && r->num_invalid) {
        PyObject *p = PyUnicode_DecodeUTF8(
            r->problems ? r->problems : "",
            (Py_ssize_t)strlen(r->problems ? r->problems : ""), "replace");
        PyObject *lines = p ? PyUnicode_Splitlines(p, 0) : NULL;
        Py_XDECREF(p);
        if (!lines || PyDict_SetItemString(d, "problems", lines) < 0) {
            Py_XDECREF(lines);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(lines);
    }
    return d;
}

static PyObject *py_measure_file(PyObject *self, PyObject *args,
                                 PyObject *kw)
{
    (void)self;
    /* writable copies: the API takes char ** */
    char *kwlist[] = {(char[]){"path"}, (char[]){"layer"}, (char[]){"where"}, (char[]){"crs"}, (char[]){"method"}, (char[]){"skip_invalid"}, (char[]){"id_field"}, (char[]){"ground"}, NULL};
    PyObject *path_obj;
    const char *layer = NULL, *where = NULL, *crs = NULL, *method = NULL;
    const char *id_field = NULL;
    int skip_invalid = 0, ground = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|zzzzpzp:measure", kwlist,
                                     PyUnicode_FSConverter, &path_obj, &layer,
                                     &where, &crs, &method, &skip_invalid,
                                     &id_field, &ground))
        return NULL;
    gk_measure_layer_opts_t mo = {.skip_invalid = skip_invalid != 0,
                                  .ground_area = ground != 0};
    if (method && strcmp(method, "geodesic") == 0)
        mo.method = GK_MEASURE_GEODESIC;
    else if (method && strcmp(method, "planar") == 0)
        mo.method = GK_MEASURE_PLANAR;
    else if (method && strcmp(method, "auto") != 0) {
        Py_DECREF(path_obj);
        return PyErr_Format(PyExc_ValueError,
                            "method must be 'auto', 'geodesic' or 'planar', "
                            "not '%s'",
                            method);
    }
    gk_context_t *ctx = gkpy_context();
    if (!ctx) {
        Py_DECREF(path_obj);
        return NULL;
    }
    log_buf_t logs = {.used = 0};
    logs.text[0] = 0;
    gk_context_set_logger(ctx, collect_log, &logs);
    gk_read_opts_t ro = {layer, where, false};
    gk_layer_t *l = NULL;
    gk_measure_result_t *r = NULL;
    gk_status_t st;
    int idf = -1;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = gk_layer_read(ctx, path, &ro, &l);
    if (st == GK_OK)
        st = crs ? gk_layer_set_crs(ctx, l, crs) : gk_layer_require_crs(ctx, l);
    if (st == GK_OK && id_field &&
        (idf = gk_layer_field_index(l, id_field)) < 0)
        st = gk_error(ctx, GK_ERR_INPUT_FIELD, "%s has no field '%s'", path,
                      id_field);
    if (st == GK_OK)
        st = gk_measure_layer(ctx, l, &mo, &r);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    PyObject *d = st == GK_OK ? result_dict(l, idf, r) : gkpy_raise(ctx, st);
    if (d && issue_warnings(&logs) < 0)
        Py_CLEAR(d);
    gk_measure_result_free(r);
    gk_layer_free(l);
    gk_context_free(ctx);
    return d;
}

PyMethodDef gkpy_io_methods[] = {
    {"read", (PyCFunction)(void (*)(void))py_read,
     METH_VARARGS | METH_KEYWORDS,
     "read(path, layer=None, where=None, drop_z=False) -> dict\n\nname, "
     "source, crs (authority code or WKT, or None), crs_name, fids, geoms "
     "(the flat tuple) and fields (name -> numpy array)."},
    {"measure_file", (PyCFunction)(void (*)(void))py_measure_file,
     METH_VARARGS | METH_KEYWORDS,
     "measure_file(path, layer=None, where=None, crs=None, method=None, "
     "skip_invalid=False, id_field=None, ground=False) -> dict\n\nThe JSON "
     "report of `geokota measure` as a dict."},
    {NULL, NULL, 0, NULL},
};
