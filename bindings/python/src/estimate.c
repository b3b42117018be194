/*
 * bindings/python/src/estimate.c - the road estimate (gk_estimate_roads) and
 * the rebuilding of a bill of quantities from per-road figures
 * (gk_boq_build), both returning the library's JSON report as text (the
 * Python layer parses it): one writer, so the dicts are the CLI's JSON.
 *
 * Roads come from a file (read by the library) or from Python: the flat
 * geometry arrays of geoms.c plus a CRS, feature ids and attribute columns
 * (float64 arrays, or object arrays of str/None), built into an in-memory
 * layer. The work runs with the GIL released.
 */
#define _GNU_SOURCE /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gkpy.h"

/* ---- warnings from the library's logger, kept for the report ------- */

typedef struct warn_list {
    char **msg;
    size_t n;
    bool nomem;
} warn_list_t;

static void collect(gk_log_level_t level, const char *msg, void *user)
{
    warn_list_t *w = user;
    if (level < GK_LOG_WARNING)
        return;
    char **m = realloc(w->msg, (w->n + 1) * sizeof *m);
    char *s = m ? strdup(msg) : NULL;
    if (m)
        w->msg = m;
    if (!s) {
        w->nomem = true;
        return;
    }
    w->msg[w->n++] = s;
}

static void warn_list_free(warn_list_t *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->msg[i]);
    free(w->msg);
}

/* ---- the report as text -------------------------------------------- */

/* JSON of a BOQ into a new str (NULL with an exception set). */
static PyObject *boq_json(gk_context_t *ctx, const gk_boq_t *boq,
                          gk_lang_t lang)
{
    char *buf = NULL;
    size_t len = 0;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    FILE *f = open_memstream(&buf, &len);
    st = f ? gk_boq_write(ctx, boq, f, GK_BOQ_JSON, lang) : GK_ERR_NOMEM;
    if (f && fclose(f) != 0 && st == GK_OK)
        st = GK_ERR_NOMEM;
    Py_END_ALLOW_THREADS
    PyObject *r = st == GK_OK
                      ? PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace")
                      : gkpy_raise(ctx, st);
    free(buf);
    return r;
}

/* ---- roads from Python --------------------------------------------- */

typedef struct py_layer {
    gkpy_geoms_t geoms;
    bool have_geoms;
    PyObject *crs;    /* str or None (borrowed) */
    PyArrayObject *fids;
    /* columns */
    size_t ncols;
    const char **names; /* borrowed UTF-8 of the dict keys */
    PyArrayObject **dbl;   /* float64 column, or NULL */
    const char ***strs;    /* text column (borrowed UTF-8), or NULL */
    const char *name;
} py_layer_t;

static void py_layer_release(py_layer_t *p)
{
    if (p->have_geoms)
        gkpy_geoms_release(&p->geoms);
    Py_XDECREF(p->fids);
    for (size_t j = 0; j < p->ncols; j++) {
        if (p->dbl)
            Py_XDECREF(p->dbl[j]);
        if (p->strs)
            free((void *)p->strs[j]);
    }
    free((void *)p->names);
    free(p->dbl);
    free(p->strs);
}

/* (geoms, crs, fids, fields, name): see geokota/_estimate.py. */
static int py_layer_parse(PyObject *t, py_layer_t *p)
{
    memset(p, 0, sizeof *p);
    PyObject *geoms, *fids, *fields;
    if (!PyArg_ParseTuple(t, "OOOO!s:roads", &geoms, &p->crs, &fids,
                          &PyDict_Type, &fields, &p->name))
        return -1;
    if (p->crs != Py_None && !PyUnicode_Check(p->crs)) {
        PyErr_SetString(PyExc_TypeError, "crs must be a string or None");
        return -1;
    }
    if (gkpy_geoms_from_py(geoms, &p->geoms) < 0)
        return -1;
    p->have_geoms = true;
    npy_intp n = (npy_intp)p->geoms.view.ngeoms;
    if (fids != Py_None) {
        p->fids = (PyArrayObject *)PyArray_FROMANY(fids, NPY_INT64, 1, 1,
                                                   NPY_ARRAY_IN_ARRAY);
        if (!p->fids)
            return -1;
        if (PyArray_DIM(p->fids, 0) != n) {
            PyErr_SetString(PyExc_ValueError,
                            "one feature id per road is needed");
            return -1;
        }
    }
    Py_ssize_t nc = PyDict_Size(fields);
    p->names = calloc((size_t)nc + 1, sizeof *p->names);
    p->dbl = calloc((size_t)nc + 1, sizeof *p->dbl);
    p->strs = calloc((size_t)nc + 1, sizeof *p->strs);
    if (!p->names || !p->dbl || !p->strs) {
        PyErr_NoMemory();
        return -1;
    }
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(fields, &pos, &key, &val)) {
        size_t j = p->ncols;
        const char *name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        if (!name) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "field names must be str");
            return -1;
        }
        p->names[j] = name;
        p->ncols++;
        if (!PyArray_Check(val) || PyArray_NDIM((PyArrayObject *)val) != 1 ||
            PyArray_DIM((PyArrayObject *)val, 0) != n) {
            PyErr_Format(PyExc_ValueError,
                         "field %s must be a 1-D array with one value per "
                         "road",
                         name);
            return -1;
        }
        PyArrayObject *a = (PyArrayObject *)val;
        if (PyArray_TYPE(a) == NPY_OBJECT) {
            const char **s = calloc((size_t)n + 1, sizeof *s);
            if (!s) {
                PyErr_NoMemory();
                return -1;
            }
            p->strs[j] = s;
            for (npy_intp i = 0; i < n; i++) {
                PyObject *o = *(PyObject **)PyArray_GETPTR1(a, i);
                if (o == Py_None)
                    continue;
                if (!PyUnicode_Check(o)) {
                    PyErr_Format(PyExc_TypeError,
                                 "field %s: text values must be str or None, "
                                 "not %.50s",
                                 name, Py_TYPE(o)->tp_name);
                    return -1;
                }
                if (!(s[i] = PyUnicode_AsUTF8(o)))
                    return -1;
            }
        } else {
            p->dbl[j] = (PyArrayObject *)PyArray_FROMANY(
                val, NPY_FLOAT64, 1, 1, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
            if (!p->dbl[j])
                return -1;
        }
    }
    return 0;
}

/* The in-memory layer (runs without the GIL: touches no Python object
 * but the arrays and strings held by `p`). */
static gk_status_t py_layer_build(gk_context_t *ctx, const py_layer_t *p,
                                  const char *crs, gk_layer_t **out)
{
    gk_layer_t *l = NULL;
    gk_status_t st = gk_layer_from_geoms(ctx, p->name, &p->geoms.view, NULL,
                                         &l);
    if (st == GK_OK && crs)
        st = gk_layer_set_crs(ctx, l, crs);
    if (st == GK_OK && p->fids)
        st = gk_layer_set_fids(ctx, l, PyArray_DATA(p->fids));
    for (size_t j = 0; st == GK_OK && j < p->ncols; j++)
        st = p->dbl[j] ? gk_layer_add_double_field(ctx, l, p->names[j],
                                                   PyArray_DATA(p->dbl[j]))
                       : gk_layer_add_string_field(
                             ctx, l, p->names[j],
                             (const char *const *)p->strs[j]);
    if (st != GK_OK) {
        gk_layer_free(l);
        return st;
    }
    *out = l;
    return GK_OK;
}

/* ---- estimate ------------------------------------------------------ */

typedef struct est_args {
    const char *path, *layer, *where, *crs, *data_dir, *tpl, *width_table;
    const char *prices, *concrete, *lang;
    const char *width_f, *tpl_f, *name_f, *shoulder_f, *lanes_f, *class_f;
    double width;
    int no_waste, skip_invalid, want_surface;
    PyObject *origin;
} est_args_t;

static int supply_of(const char *s, gk_concrete_supply_t *out)
{
    if (!s)
        *out = GK_SUPPLY_TEMPLATE;
    else if (strcmp(s, "site-mix") == 0 || strcmp(s, "site") == 0)
        *out = GK_SUPPLY_SITE_MIX;
    else if (strcmp(s, "ready-mix") == 0 || strcmp(s, "ready") == 0)
        *out = GK_SUPPLY_READY_MIX;
    else {
        PyErr_Format(PyExc_ValueError,
                     "concrete must be 'site-mix' or 'ready-mix', not '%s'",
                     s);
        return -1;
    }
    return 0;
}

static int lang_of(const char *s, gk_lang_t *out)
{
    if (!s || strcmp(s, "en") == 0)
        *out = GK_LANG_EN;
    else if (strcmp(s, "id") == 0)
        *out = GK_LANG_ID;
    else {
        PyErr_Format(PyExc_ValueError, "lang must be 'en' or 'id', not '%s'",
                     s);
        return -1;
    }
    return 0;
}

/* Everything that can fail before the report, as `geokota estimate` runs
 * it: read (or build) the roads, CRS, width table, prices, estimate,
 * price; then the logger's warnings join the report. */
static gk_status_t run_estimate(gk_context_t *ctx, const est_args_t *a,
                                const py_layer_t *pl, gk_estimate_opts_t *o,
                                warn_list_t *w, gk_boq_t **boq,
                                gk_layer_t **surface)
{
    gk_layer_t *roads = NULL;
    gk_width_table_t *wt = NULL;
    gk_prices_t *prices = NULL;
    gk_read_opts_t ro = {a->layer, a->where, false};
    gk_status_t st = pl ? py_layer_build(ctx, pl, NULL, &roads)
                        : gk_layer_read(ctx, a->path, &ro, &roads);
    if (st == GK_OK)
        st = a->crs ? gk_layer_set_crs(ctx, roads, a->crs)
                    : gk_layer_require_crs(ctx, roads);
    if (st == GK_OK && a->width_table)
        st = gk_width_table_load(ctx, a->width_table, &wt);
    if (st == GK_OK && a->prices)
        st = gk_prices_load(ctx, a->prices, &prices);
    o->width_table = wt;
    if (st == GK_OK)
        st = gk_estimate_roads(ctx, roads, o, boq, surface);
    if (st == GK_OK && prices)
        st = gk_boq_apply_prices(ctx, *boq, prices);
    if (st == GK_OK && w->nomem)
        st = GK_ERR_NOMEM;
    for (size_t i = 0; st == GK_OK && i < w->n; i++)
        st = gk_boq_add_warning(ctx, *boq, w->msg[i]);
    gk_prices_free(prices);
    gk_width_table_free(wt);
    gk_layer_free(roads);
    return st;
}

static PyObject *py_estimate(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    char *kwlist[] = {
        (char[]){"roads"},          (char[]){"data_dir"},
        (char[]){"layer"},          (char[]){"where"},
        (char[]){"crs"},            (char[]){"template"},
        (char[]){"width"},          (char[]){"width_table"},
        (char[]){"prices"},         (char[]){"no_waste"},
        (char[]){"concrete"},       (char[]){"skip_invalid"},
        (char[]){"lang"},           (char[]){"width_field"},
        (char[]){"template_field"}, (char[]){"name_field"},
        (char[]){"shoulder_field"}, (char[]){"lanes_field"},
        (char[]){"class_field"},    (char[]){"plane_origin"},
        (char[]){"surface"},        NULL};
    est_args_t a = {.origin = Py_None};
    PyObject *roads_o;
    if (!PyArg_ParseTupleAndKeywords(
            args, kw, "Os|zzzzdzzpzpzzzzzzzOp:estimate", kwlist, &roads_o,
            &a.data_dir, &a.layer, &a.where, &a.crs, &a.tpl, &a.width,
            &a.width_table, &a.prices, &a.no_waste, &a.concrete,
            &a.skip_invalid, &a.lang, &a.width_f, &a.tpl_f, &a.name_f,
            &a.shoulder_f, &a.lanes_f, &a.class_f, &a.origin,
            &a.want_surface))
        return NULL;
    gk_estimate_opts_t o = {
        .data_dir = a.data_dir,
        .template_name = a.tpl,
        .width_m = a.width,
        .width_field = a.width_f,
        .template_field = a.tpl_f,
        .name_field = a.name_f,
        .shoulder_field = a.shoulder_f,
        .lanes_field = a.lanes_f,
        .class_field = a.class_f,
        .skip_invalid = a.skip_invalid != 0,
        .boq = {.no_waste = a.no_waste != 0},
    };
    gk_lang_t lang;
    if (supply_of(a.concrete, &o.boq.concrete) < 0 || lang_of(a.lang, &lang) < 0)
        return NULL;
    if (a.origin != Py_None) {
        if (!PyArg_ParseTuple(a.origin, "dd;plane_origin is (lon, lat)",
                              &o.plane_origin_lon, &o.plane_origin_lat))
            return NULL;
        o.has_plane_origin = true;
    }
    py_layer_t pl;
    bool from_py = PyTuple_Check(roads_o);
    PyObject *path_obj = NULL;
    if (from_py) {
        if (py_layer_parse(roads_o, &pl) < 0) {
            py_layer_release(&pl);
            return NULL;
        }
        if (!a.crs && pl.crs != Py_None && !(a.crs = PyUnicode_AsUTF8(pl.crs))) {
            py_layer_release(&pl);
            return NULL;
        }
    } else {
        if (!PyUnicode_FSConverter(roads_o, &path_obj))
            return NULL;
        a.path = PyBytes_AS_STRING(path_obj);
    }
    gk_context_t *ctx = gkpy_context();
    PyObject *r = NULL, *surf = NULL;
    if (ctx) {
        warn_list_t w = {0};
        gk_context_set_logger(ctx, collect, &w);
        gk_boq_t *boq = NULL;
        gk_layer_t *surface = NULL;
        gk_status_t st;
        Py_BEGIN_ALLOW_THREADS
        st = run_estimate(ctx, &a, from_py ? &pl : NULL, &o, &w, &boq,
                          a.want_surface ? &surface : NULL);
        Py_END_ALLOW_THREADS
        if (st != GK_OK) {
            gkpy_raise(ctx, st);
        } else {
            r = boq_json(ctx, boq, lang);
            if (r && surface && !(surf = gkpy_layer_dict(surface)))
                Py_CLEAR(r);
        }
        gk_layer_free(surface);
        gk_boq_free(boq);
        warn_list_free(&w);
        gk_context_free(ctx);
    }
    if (from_py)
        py_layer_release(&pl);
    Py_XDECREF(path_obj);
    if (!r)
        return NULL;
    return Py_BuildValue("(NN)", r, surf ? surf : (Py_INCREF(Py_None), Py_None));
}

/* ---- a bill from per-road figures ---------------------------------- */

typedef struct tpl_set {
    gk_template_t **t;
    size_t n;
} tpl_set_t;

static void tpl_set_free(tpl_set_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        gk_template_free(s->t[i]);
    free(s->t);
}

static gk_status_t tpl_add(gk_context_t *ctx, tpl_set_t *s, const char *what,
                           const char *data_dir, const gk_catalog_t *cat,
                           const gk_template_t **out)
{
    gk_template_t **t = realloc(s->t, (s->n + 1) * sizeof *t);
    if (!t)
        return GK_ERR_NOMEM;
    s->t = t;
    gk_template_t *tpl = NULL;
    gk_status_t st = gk_template_load(ctx, what, data_dir, cat, &tpl);
    if (st != GK_OK)
        return st;
    s->t[s->n++] = tpl;
    if (out)
        *out = tpl;
    return GK_OK;
}

static const gk_template_t *tpl_find(const tpl_set_t *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(gk_template_name(s->t[i]), name) == 0)
            return s->t[i];
    return NULL;
}

/* Borrowed UTF-8 of d[key] (a str, or None -> NULL when allowed). */
static int get_str(PyObject *d, const char *key, bool none_ok,
                   const char **out)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (v && v == Py_None && none_ok) {
        *out = NULL;
        return 0;
    }
    if (!v || !PyUnicode_Check(v)) {
        PyErr_Format(PyExc_ValueError, "road %s: '%s' must be a string",
                     key, key);
        return -1;
    }
    return (*out = PyUnicode_AsUTF8(v)) ? 0 : -1;
}

static int get_num(PyObject *d, const char *key, double *out)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v || !(PyFloat_Check(v) || PyLong_Check(v))) {
        PyErr_Format(PyExc_ValueError, "road field '%s' must be a number",
                     key);
        return -1;
    }
    *out = PyFloat_AsDouble(v);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

static PyObject *py_estimate_merge(PyObject *self, PyObject *args,
                                   PyObject *kw)
{
    (void)self;
    char *kwlist[] = {(char[]){"roads"},    (char[]){"data_dir"},
                      (char[]){"templates"}, (char[]){"prices"},
                      (char[]){"no_waste"}, (char[]){"concrete"},
                      (char[]){"warnings"}, (char[]){"lang"},
                      NULL};
    PyObject *roads_o, *tpls_o = Py_None, *warn_o = Py_None;
    const char *data_dir, *prices_path = NULL, *concrete = NULL, *lang_s = NULL;
    int no_waste = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!s|OzpzOz:estimate_merge",
                                     kwlist, &PyList_Type, &roads_o, &data_dir,
                                     &tpls_o, &prices_path, &no_waste,
                                     &concrete, &warn_o, &lang_s))
        return NULL;
    gk_boq_options_t bo = {.no_waste = no_waste != 0};
    gk_lang_t lang;
    if (supply_of(concrete, &bo.concrete) < 0 || lang_of(lang_s, &lang) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(roads_o);
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        return NULL;
    gk_catalog_t *cat = NULL;
    gk_prices_t *prices = NULL;
    gk_boq_t *boq = NULL;
    tpl_set_t tpls = {0};
    gk_road_input_t *in = calloc((size_t)n + 1, sizeof *in);
    double **la = calloc((size_t)n + 1, sizeof *la);
    PyObject *result = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/materials.json", data_dir);
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = gk_catalog_load(ctx, path, &cat);
    if (st == GK_OK && prices_path)
        st = gk_prices_load(ctx, prices_path, &prices);
    Py_END_ALLOW_THREADS
    if (!in || !la) {
        PyErr_NoMemory();
        goto done;
    }
    if (st != GK_OK) {
        gkpy_raise(ctx, st);
        goto done;
    }
    /* Templates given by path (or name) first: roads name them by their
     * "template" name, which a file elsewhere need not share. */
    if (tpls_o != Py_None) {
        PyObject *seq = PySequence_Fast(tpls_o, "templates must be a list");
        if (!seq)
            goto done;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
            const char *t = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i));
            if (!t || (st = tpl_add(ctx, &tpls, t, data_dir, cat, NULL))) {
                Py_DECREF(seq);
                if (t)
                    gkpy_raise(ctx, st);
                goto done;
            }
        }
        Py_DECREF(seq);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *d = PyList_GET_ITEM(roads_o, i);
        gk_road_input_t *r = &in[i];
        const char *tname;
        if (!PyDict_Check(d)) {
            PyErr_SetString(PyExc_TypeError, "roads must be dicts of a "
                            "report's \"roads\"");
            goto done;
        }
        if (get_str(d, "id", false, &r->id) < 0 ||
            get_str(d, "name", true, &r->name) < 0 ||
            get_str(d, "template", false, &tname) < 0 ||
            get_num(d, "length_m", &r->length_m) < 0 ||
            get_num(d, "width_m", &r->width_m) < 0 ||
            get_num(d, "area_m2", &r->surface_area_m2) < 0)
            goto done;
        r->tpl = tpl_find(&tpls, tname);
        if (!r->tpl && (st = tpl_add(ctx, &tpls, tname, data_dir, cat,
                                     &r->tpl)) != GK_OK) {
            gkpy_raise(ctx, st);
            goto done;
        }
        PyObject *layers = PyDict_GetItemString(d, "layers");
        size_t nl = gk_template_layer_count(r->tpl);
        if (!layers || !PyList_Check(layers) ||
            (size_t)PyList_GET_SIZE(layers) != nl) {
            PyErr_Format(PyExc_ValueError,
                         "road %s: 'layers' must list the %zu layers of "
                         "template %s",
                         r->id, nl, tname);
            goto done;
        }
        if (!(la[i] = calloc(nl + 1, sizeof *la[i]))) {
            PyErr_NoMemory();
            goto done;
        }
        for (size_t k = 0; k < nl; k++) {
            PyObject *ld = PyList_GET_ITEM(layers, (Py_ssize_t)k);
            if (!PyDict_Check(ld) || get_num(ld, "area_m2", &la[i][k]) < 0) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "layers are dicts");
                goto done;
            }
        }
        r->layer_area_m2 = la[i];
    }
    Py_BEGIN_ALLOW_THREADS
    st = gk_boq_build(ctx, cat, in, (size_t)n, &bo, &boq);
    if (st == GK_OK && prices)
        st = gk_boq_apply_prices(ctx, boq, prices);
    Py_END_ALLOW_THREADS
    if (st == GK_OK && warn_o != Py_None) {
        PyObject *seq = PySequence_Fast(warn_o, "warnings must be a list");
        if (!seq)
            goto done;
        for (Py_ssize_t i = 0; st == GK_OK && i < PySequence_Fast_GET_SIZE(seq);
             i++) {
            const char *m = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i));
            if (!m) {
                Py_DECREF(seq);
                goto done;
            }
            st = gk_boq_add_warning(ctx, boq, m);
        }
        Py_DECREF(seq);
    }
    result = st == GK_OK ? boq_json(ctx, boq, lang) : gkpy_raise(ctx, st);
done:
    for (Py_ssize_t i = 0; la && i < n; i++)
        free(la[i]);
    free(la);
    free(in);
    gk_boq_free(boq);
    tpl_set_free(&tpls);
    gk_prices_free(prices);
    gk_catalog_free(cat);
    gk_context_free(ctx);
    return result;
}

static PyObject *py_default_data_dir(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_DecodeFSDefault(gk_estimate_default_data_dir());
}

PyMethodDef gkpy_estimate_methods[] = {
    {"estimate", (PyCFunction)(void (*)(void))py_estimate,
     METH_VARARGS | METH_KEYWORDS,
     "estimate(roads, data_dir, ...) -> (json_text, surface or None)\n\n"
     "The bill of quantities of `geokota estimate` as JSON text; roads is "
     "a path or (geoms, crs, fids, fields, name). See geokota.estimate."},
    {"estimate_merge", (PyCFunction)(void (*)(void))py_estimate_merge,
     METH_VARARGS | METH_KEYWORDS,
     "estimate_merge(roads, data_dir, templates=None, prices=None, "
     "no_waste=False, concrete=None, warnings=None, lang=None) -> "
     "json_text\n\nThe bill of quantities rebuilt from per-road figures (the "
     "\"roads\" of reports). See geokota.estimate_merge."},
    {"default_data_dir", py_default_data_dir, METH_NOARGS,
     "default_data_dir() -> str\n\nThe data folder compiled into the "
     "library (PREFIX/share/geokota)."},
    {NULL, NULL, 0, NULL},
};
