/*
 * bindings/python/src/measure.c - the Geodesic type (series tables of one
 * ellipsoid, shared read-only by every call and thread) and the vectorised
 * area / perimeter / length over a geometry array. All numeric work runs
 * with the GIL released; outputs are new float64 arrays.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gkpy.h"

#include <structmember.h>

typedef struct {
    PyObject_HEAD
    gk_geodesic_t *g;
    double a, f;
} GeodesicObject;

static PyObject *geodesic_new(PyTypeObject *type, PyObject *args,
                              PyObject *kw)
{
    /* writable copies: the API takes char ** */
    char *kwlist[] = {(char[]){"a"}, (char[]){"f"}, NULL};
    double a, f;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "dd:Geodesic", kwlist, &a, &f))
        return NULL;
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        return NULL;
    gk_geodesic_t *g = NULL;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = gk_geodesic_new(ctx, (gk_ellipsoid_t){a, f}, &g);
    Py_END_ALLOW_THREADS
    if (st != GK_OK) {
        gkpy_raise(ctx, st);
        gk_context_free(ctx);
        return NULL;
    }
    gk_context_free(ctx);
    GeodesicObject *self = (GeodesicObject *)type->tp_alloc(type, 0);
    if (!self) {
        gk_geodesic_free(g);
        return NULL;
    }
    self->g = g;
    self->a = a;
    self->f = f;
    return (PyObject *)self;
}

static void geodesic_dealloc(PyObject *o)
{
    gk_geodesic_free(((GeodesicObject *)o)->g);
    Py_TYPE(o)->tp_free(o);
}

static PyObject *geodesic_repr(PyObject *o)
{
    GeodesicObject *s = (GeodesicObject *)o;
    char buf[96];
    snprintf(buf, sizeof buf, "Geodesic(a=%.17g, f=%.17g)", s->a, s->f);
    return PyUnicode_FromString(buf);
}

static PyMemberDef geodesic_members[] = {
    {"a", T_DOUBLE, offsetof(GeodesicObject, a), READONLY,
     "equatorial radius in metres"},
    {"f", T_DOUBLE, offsetof(GeodesicObject, f), READONLY, "flattening"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject GeodesicType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "geokota._geokota.Geodesic",
    .tp_basicsize = sizeof(GeodesicObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Geodesic(a, f)\n\nPrecomputed series tables of the ellipsoid "
              "with equatorial radius a (m) and flattening f (0 <= f < "
              "0.1). Immutable; safe to share between threads.",
    .tp_new = geodesic_new,
    .tp_dealloc = geodesic_dealloc,
    .tp_repr = geodesic_repr,
    .tp_members = geodesic_members,
};

int gkpy_measure_init(PyObject *m)
{
    if (PyType_Ready(&GeodesicType) < 0)
        return -1;
    Py_INCREF(&GeodesicType);
    if (PyModule_AddObject(m, "Geodesic", (PyObject *)&GeodesicType) < 0) {
        Py_DECREF(&GeodesicType);
        return -1;
    }
    return 0;
}

/* Geodesic measurement of projected data: a copy of the coordinates in the
 * geographic CRS of its datum (transformed in one bulk call). */
static gk_status_t unproject(gk_context_t *ctx, const char *crs_def,
                             gk_geoms_t *view, double **xy_out)
{
    /* every vertex up to the last one used (also those before a sliced
     * view's first offset, which are then transformed for nothing) */
    size_t nv = gk_geoms_num_vertices(view);
    gk_crs_t *src = NULL, *geo = NULL;
    gk_transform_t *t = NULL;
    double *xy = NULL;
    gk_status_t st = gk_crs_from_string(ctx, crs_def, &src);
    if (st == GK_OK)
        st = gk_crs_geographic(ctx, src, &geo);
    if (st == GK_OK)
        st = gk_transform_new(ctx, src, geo, &t);
    if (st == GK_OK) {
        xy = malloc(nv ? 2 * nv * sizeof(double) : 1);
        if (!xy)
            st = GK_ERR_NOMEM;
        else if (nv)
            memcpy(xy, view->xy, 2 * nv * sizeof(double));
    }
    if (st == GK_OK)
        st = gk_transform_xy(ctx, t, xy, nv, false);
    gk_transform_free(t);
    gk_crs_free(geo);
    gk_crs_free(src);
    if (st != GK_OK) {
        free(xy);
        return st;
    }
    view->xy = xy;
    *xy_out = xy;
    return GK_OK;
}

enum { WANT_AREA = 1, WANT_PERIMETER = 2, WANT_LENGTH = 4 };

static PyObject *py_measure(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    /* writable copies: the API takes char ** */
    char *kwlist[] = {(char[]){"geoms"}, (char[]){"what"}, (char[]){"geodesic"}, (char[]){"unit_to_m"}, (char[]){"project_from"}, NULL};
    PyObject *src, *geod = Py_None;
    int what;
    double unit = 1;
    const char *project_from = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Oi|Odz:measure", kwlist, &src,
                                     &what, &geod, &unit, &project_from))
        return NULL;
    if (geod != Py_None && !PyObject_TypeCheck(geod, &GeodesicType)) {
        PyErr_Format(PyExc_TypeError,
                     "geodesic must be a Geodesic or None, not %.50s",
                     Py_TYPE(geod)->tp_name);
        return NULL;
    }
    if (project_from && geod == Py_None) {
        PyErr_SetString(PyExc_ValueError,
                        "project_from needs geodesic tables");
        return NULL;
    }
    if (what <= 0 || what > 7) {
        PyErr_SetString(PyExc_ValueError, "what must be a mask in 1..7");
        return NULL;
    }
    gkpy_geoms_t g;
    if (gkpy_geoms_from_py(src, &g) < 0)
        return NULL;
    npy_intp n = (npy_intp)g.view.ngeoms;
    PyObject *out[3] = {NULL, NULL, NULL};
    double *ptr[3] = {NULL, NULL, NULL};
    for (int k = 0; k < 3; k++) {
        if (!(what & (1 << k)))
            continue;
        out[k] = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
        if (!out[k])
            goto fail;
        ptr[k] = PyArray_DATA((PyArrayObject *)out[k]);
    }
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        goto fail;
    gk_measure_opts_t opts = {
        .method = geod == Py_None ? GK_MEASURE_PLANAR : GK_MEASURE_GEODESIC,
        .geodesic = geod == Py_None ? NULL : ((GeodesicObject *)geod)->g,
        .unit_to_m = unit,
    };
    gk_status_t st = GK_OK;
    double *xy_copy = NULL;
    Py_BEGIN_ALLOW_THREADS
    if (project_from)
        st = unproject(ctx, project_from, &g.view, &xy_copy);
    if (st == GK_OK)
        st = gk_measure_geoms(ctx, &g.view, &opts, ptr[0], ptr[1], ptr[2]);
    if (st == GK_OK && g.missing)
        for (npy_intp i = 0; i < n; i++)
            if (g.missing[i])
                for (int k = 0; k < 3; k++)
                    if (ptr[k])
                        ptr[k][i] = NAN;
    free(xy_copy);
    Py_END_ALLOW_THREADS
    if (st != GK_OK) {
        gkpy_raise(ctx, st);
        gk_context_free(ctx);
        goto fail;
    }
    gk_context_free(ctx);
    gkpy_geoms_release(&g);
    for (int k = 0; k < 3; k++)
        if (!out[k]) {
            Py_INCREF(Py_None);
            out[k] = Py_None;
        }
    return Py_BuildValue("(NNN)", out[0], out[1], out[2]);
fail:
    for (int k = 0; k < 3; k++)
        Py_XDECREF(out[k]);
    gkpy_geoms_release(&g);
    return NULL;
}

PyMethodDef gkpy_measure_methods[] = {
    {"measure", (PyCFunction)(void (*)(void))py_measure,
     METH_VARARGS | METH_KEYWORDS,
     "measure(geoms, what, geodesic=None, unit_to_m=1.0, project_from=None)"
     "\n    -> (area, perimeter, length)\n\nwhat is a mask: 1 area (m2), 2 "
     "perimeter (m), 4 length (m); entries not asked for are None. geodesic "
     "is a Geodesic (lon/lat degrees on its ellipsoid) or None (planar, "
     "scaled by unit_to_m). project_from: CRS of projected coordinates to "
     "measure on the ellipsoid of their datum."},
    {NULL, NULL, 0, NULL},
};
