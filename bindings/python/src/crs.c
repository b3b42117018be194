/*
 * bindings/python/src/crs.c - what geokota knows about a CRS definition
 * (the Python layer caches the answer per definition, so PROJ's database
 * is consulted once per CRS, not once per call).
 */
#include "gkpy.h"

static PyObject *py_crs_info(PyObject *self, PyObject *arg)
{
    (void)self;
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError,
                     "crs must be a string such as 'EPSG:32748', not %.50s",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    const char *def = PyUnicode_AsUTF8(arg);
    if (!def)
        return NULL;
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        return NULL;
    gk_crs_t *crs = NULL;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = gk_crs_from_string(ctx, def, &crs);
    Py_END_ALLOW_THREADS
    if (st != GK_OK) {
        gkpy_raise(ctx, st);
        gk_context_free(ctx);
        return NULL;
    }
    double a = 0, f = 0;
    gk_crs_ellipsoid(crs, &a, &f);
    PyObject *r = Py_BuildValue(
        "{s:s,s:s,s:s,s:O,s:O,s:d,s:d,s:d}", "name", gk_crs_name(crs),
        "authority", gk_crs_authority(crs), "wkt", gk_crs_wkt(crs),
        "geographic", gk_crs_is_geographic(crs) ? Py_True : Py_False,
        "equal_area", gk_crs_is_equal_area(crs) ? Py_True : Py_False,
        "unit_to_m", gk_crs_unit_to_m(crs), "a", a, "f", f);
    gk_crs_free(crs);
    gk_context_free(ctx);
    return r;
}

PyMethodDef gkpy_crs_methods[] = {
    {"crs_info", py_crs_info, METH_O,
     "crs_info(definition) -> dict\n\nname, authority, wkt, geographic, "
     "equal_area, unit_to_m (metres per unit, 0 for geographic) and the "
     "ellipsoid's a (m) and f, for any definition PROJ understands."},
    {NULL, NULL, 0, NULL},
};
