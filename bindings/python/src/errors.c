/*
 * bindings/python/src/errors.c - the exception classes and the one place
 * where a gk_status_t becomes a Python exception.
 *
 *   GeokotaError(Exception)              every library error; .code, .primary
 *   InputError(GeokotaError, ValueError) bad data or arguments (GK_ERR_INPUT*,
 *                                        GK_ERR_ARG)
 *   UnsupportedError(InputError)         valid input this version cannot
 *                                        handle (GeometryCollection...)
 *   FileError(GeokotaError, OSError)     GK_ERR_IO, GK_ERR_FORMAT
 *   CRSError(GeokotaError, ValueError)   GK_ERR_CRS
 *   MemoryError                          GK_ERR_NOMEM
 */
#include "gkpy.h"

/* Set once in module init, read-only afterwards (types are immortal for the
 * life of the interpreter, like any C extension's exception objects). */
static PyObject *exc_base, *exc_input, *exc_unsupported, *exc_file, *exc_crs;

static PyObject *new_exc(PyObject *module, const char *name, PyObject *bases,
                         const char *doc)
{
    char full[64];
    snprintf(full, sizeof full, "geokota.%s", name);
    PyObject *t = PyErr_NewExceptionWithDoc(full, doc, bases, NULL);
    if (!t)
        return NULL;
    Py_INCREF(t);
    if (PyModule_AddObject(module, name, t) < 0) {
        Py_DECREF(t);
        Py_DECREF(t);
        return NULL;
    }
    return t;
}

int gkpy_errors_init(PyObject *m)
{
    exc_base = new_exc(m, "GeokotaError", NULL,
                       "Base class of the errors geokota raises; .code is the "
                       "library's status code, .primary its class.");
    if (!exc_base)
        return -1;
    PyObject *b = Py_BuildValue("(OO)", exc_base, PyExc_ValueError);
    exc_input = b ? new_exc(m, "InputError", b,
                            "Invalid input data or arguments (a ValueError).")
                  : NULL;
    Py_XDECREF(b);
    if (!exc_input)
        return -1;
    b = Py_BuildValue("(O)", exc_input);
    exc_unsupported =
        b ? new_exc(m, "UnsupportedError", b,
                    "Valid input this version cannot handle, such as a "
                    "GeometryCollection (an InputError).")
          : NULL;
    Py_XDECREF(b);
    if (!exc_unsupported)
        return -1;
    b = Py_BuildValue("(OO)", exc_base, PyExc_OSError);
    exc_file = b ? new_exc(m, "FileError", b,
                           "A file could not be read or written, or is not "
                           "vector data (an OSError).")
                 : NULL;
    Py_XDECREF(b);
    if (!exc_file)
        return -1;
    b = Py_BuildValue("(OO)", exc_base, PyExc_ValueError);
    exc_crs = b ? new_exc(m, "CRSError", b,
                          "Missing, unknown or unusable coordinate reference "
                          "system (a ValueError).")
                : NULL;
    Py_XDECREF(b);
    return exc_crs ? 0 : -1;
}

PyObject *gkpy_raise(gk_context_t *ctx, gk_status_t code)
{
    const char *msg = ctx ? gk_errmsg(ctx) : "";
    if (!msg || !*msg)
        msg = gk_status_str(code);
    PyObject *type;
    switch (GK_STATUS_PRIMARY(code)) {
    case GK_ERR_NOMEM:
        PyErr_SetString(PyExc_MemoryError, msg);
        return NULL;
    case GK_ERR_INTERRUPTED:
        if (PyErr_Occurred()) /* KeyboardInterrupt from a signal check */
            return NULL;
        type = exc_base;
        break;
    case GK_ERR_ARG:
    case GK_ERR_INPUT:
        type = exc_input;
        break;
    case GK_ERR_UNSUPPORTED:
        type = exc_unsupported;
        break;
    case GK_ERR_IO:
    case GK_ERR_FORMAT:
        type = exc_file;
        break;
    case GK_ERR_CRS:
        type = exc_crs;
        break;
    default:
        type = exc_base;
        break;
    }
    PyObject *e = PyObject_CallFunction(type, "s", msg);
    if (!e)
        return NULL;
    PyObject *c = PyLong_FromLong((long)code);
    PyObject *p = PyLong_FromLong((long)GK_STATUS_PRIMARY(code));
    if (c && p && PyObject_SetAttrString(e, "code", c) == 0 &&
        PyObject_SetAttrString(e, "primary", p) == 0)
        PyErr_SetObject(type, e);
    Py_XDECREF(c);
    Py_XDECREF(p);
    Py_DECREF(e);
    return NULL;
}

gk_context_t *gkpy_context(void)
{
    gk_context_t *ctx = NULL;
    if (gk_context_new(&ctx) != GK_OK) {
        PyErr_NoMemory();
        return NULL;
    }
    return ctx;
}

PyObject *gkpy_array_copy(const void *data, npy_intp n, int typenum)
{
    PyObject *a = PyArray_SimpleNew(1, &n, typenum);
    if (a && n > 0)
        memcpy(PyArray_DATA((PyArrayObject *)a), data,
               (size_t)n * (size_t)PyArray_ITEMSIZE((PyArrayObject *)a));
    return a;
}

PyObject *gkpy_array_copy2(const double *xy, npy_intp n)
{
    npy_intp dims[2] = {n, 2};
    PyObject *a = PyArray_SimpleNew(2, dims, NPY_FLOAT64);
    if (a && n > 0)
        memcpy(PyArray_DATA((PyArrayObject *)a), xy,
               (size_t)n * 2 * sizeof(double));
    return a;
}

PyObject *gkpy_obj_array(size_t n, PyObject *(*get)(const void *src, size_t i),
                         const void *src)
{
    npy_intp dim = (npy_intp)n;
    PyArrayObject *a = (PyArrayObject *)PyArray_SimpleNew(1, &dim, NPY_OBJECT);
    if (!a)
        return NULL;
    PyObject **items = PyArray_DATA(a);
    for (size_t i = 0; i < n; i++) {
        PyObject *v = get(src, i);
        if (!v) {
            Py_DECREF(a);
            return NULL;
        }
        Py_XDECREF(items[i]);
        items[i] = v;
    }
    return (PyObject *)a;
}

PyObject *gkpy_str(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}
