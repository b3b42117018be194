/*
 * bindings/python/src/module.c - the `geokota._geokota` extension module:
 * joins the method tables of the wrapped library modules and imports the
 * numpy C API. The public Python API lives in geokota/__init__.py.
 */
#define GKPY_MODULE_C
#include "gkpy.h"

/* Filled from each wrapped module's table at import. */
static PyMethodDef all_methods[64];

static int add_methods(const PyMethodDef *src, size_t *n)
{
    for (; src->ml_name; src++) {
        if (*n + 1 >= sizeof all_methods / sizeof all_methods[0]) {
            PyErr_SetString(PyExc_SystemError, "_geokota: method table full");
            return -1;
        }
        all_methods[(*n)++] = *src;
    }
    return 0;
}

static PyObject *py_version(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    return PyUnicode_FromString(GK_VERSION_STRING);
}

static PyMethodDef core_methods[] = {
    {"version", py_version, METH_NOARGS,
     "version() -> str\n\nVersion of the geokota library this module "
     "links."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "geokota._geokota",
    .m_doc = "C extension of geokota: thin wrappers over libgeokota. Use the "
             "geokota package, not this module.",
    .m_size = -1,
    .m_methods = all_methods,
};

PyMODINIT_FUNC PyInit__geokota(void);

PyMODINIT_FUNC PyInit__geokota(void)
{
    import_array();
    size_t n = 0;
    if (add_methods(core_methods, &n) < 0 ||
        add_methods(gkpy_geoms_methods, &n) < 0 ||
        add_methods(gkpy_measure_methods, &n) < 0 ||
        add_methods(gkpy_crs_methods, &n) < 0 ||
        add_methods(gkpy_io_methods, &n) < 0 ||
        add_methods(gkpy_rtree_methods, &n) < 0 ||
        add_methods(gkpy_estimate_methods, &n) < 0 ||
        add_methods(gkpy_volume_methods, &n) < 0 ||
        add_methods(gkpy_assets_methods, &n) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    if (gkpy_errors_init(m) < 0 || gkpy_measure_init(m) < 0 ||
        gkpy_rtree_init(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
