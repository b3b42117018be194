/*
 * bindings/python/src/assets.c - the asset store (include/geokota/assets.h)
 * for geokota.assets: open/close, import, near/within/along, summary and
 * gaps. The store travels as a capsule around a small box so that close()
 * can free it while the capsule lives on (a closed box raises); the Python
 * class (geokota/assets.py) serialises calls on one store with a lock,
 * because a store handle belongs to one thread at a time and every library
 * call here runs with the GIL released.
 *
 * Results are built as the CLI's JSON (tools/assets_emit.c) has them, but as
 * columns: asset rows become a dict of numpy arrays (ids, kinds, ...,
 * distance_m, group, fid) and a list of WKB geometries.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gkpy.h"

#define CAPSULE_NAME "geokota.assets.store"

typedef struct store_box {
    gk_assets_t *s;
} store_box_t;

static void box_destroy(PyObject *cap)
{
    store_box_t *b = PyCapsule_GetPointer(cap, CAPSULE_NAME);
    if (b) {
        gk_assets_close(b->s);
        free(b);
    }
}

/* The open store of a capsule, or NULL with an exception set. */
static gk_assets_t *store_of(PyObject *cap)
{
    store_box_t *b = PyCapsule_GetPointer(cap, CAPSULE_NAME);
    if (!b)
        return NULL;
    if (!b->s) {
        PyErr_SetString(PyExc_ValueError, "the asset store is closed");
        return NULL;
    }
    return b->s;
}

/* ---- argument helpers ---------------------------------------------- */

/* Kinds filter from None or a sequence of str; the names stay borrowed
 * from `seq`, which kinds_release() releases. */
typedef struct kinds_arg {
    PyObject *seq;
    const char **names;
    gk_assets_filter_t filter;
} kinds_arg_t;

static int kinds_parse(PyObject *o, kinds_arg_t *k)
{
    memset(k, 0, sizeof *k);
    if (o == Py_None)
        return 0;
    if (!(k->seq = PySequence_Fast(o, "kinds must be a list of str")))
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(k->seq);
    if (!(k->names = calloc((size_t)n + 1, sizeof *k->names))) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PySequence_Fast_GET_ITEM(k->seq, i);
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "kinds[%zd] must be str, not %.80s",
                         i, Py_TYPE(s)->tp_name);
            return -1;
        }
        if (!(k->names[i] = PyUnicode_AsUTF8(s)))
            return -1;
    }
    k->filter.kinds = k->names;
    k->filter.nkinds = (size_t)n;
    return 0;
}

static void kinds_release(kinds_arg_t *k)
{
    free(k->names);
    Py_XDECREF(k->seq);
}

static const gk_assets_filter_t *kinds_filter(const kinds_arg_t *k)
{
    /* an empty list, as None: no filter */
    return k->filter.nkinds ? &k->filter : NULL;
}

/* Read a query layer as the CLI does: the given CRS, else the file's
 * (GK_ERR_CRS when it has none). Runs without the GIL. */
static gk_status_t read_layer(gk_context_t *ctx, const char *path,
                              const char *layer, const char *crs,
                              gk_layer_t **out)
{
    gk_read_opts_t ro = {.layer = layer};
    gk_status_t st = gk_layer_read(ctx, path, &ro, out);
    if (st == GK_OK)
        st = crs ? gk_layer_set_crs(ctx, *out, crs)
                 : gk_layer_require_crs(ctx, *out);
    return st;
}

/* ---- results as Python ------------------------------------------- */

static PyObject *get_str(const void *src, size_t i)
{
    return gkpy_str(((char *const *)src)[i]);
}

static PyObject *str_array(char *const *v, size_t n)
{
    return gkpy_obj_array(n, get_str, v);
}

/* A list of WKB bytes (None for an empty geometry). */
static PyObject *wkb_list(const gk_geoms_t *g)
{
    PyObject *l = PyList_New((Py_ssize_t)g->ngeoms);
    for (size_t i = 0; l && i < g->ngeoms; i++) {
        PyObject *b = gkpy_wkb(g, i);
        if (!b) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, b);
    }
    return l;
}

static PyObject *rows_dict(const gk_asset_rows_t *r)
{
    npy_intp n = (npy_intp)r->n;
    return Py_BuildValue(
        "{s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N}", "id",
        str_array(r->ids, r->n), "kind", str_array(r->kinds, r->n),
        "distance_m", gkpy_array_copy(r->distance_m, n, NPY_FLOAT64),
        "group", gkpy_array_copy(r->group, n, NPY_INT64), "fid",
        gkpy_array_copy(r->fid, n, NPY_INT64), "condition",
        str_array(r->condition, r->n), "installed",
        str_array(r->installed, r->n), "district",
        str_array(r->district, r->n), "attrs", str_array(r->attrs, r->n),
        "geometry", wkb_list(&r->geoms));
}

/* Finish a rows query: the dict, or the exception for `st`. */
static PyObject *rows_result(gk_context_t *ctx, gk_status_t st,
                             gk_asset_rows_t *rows)
{
    PyObject *r = st == GK_OK ? rows_dict(rows) : gkpy_raise(ctx, st);
    gk_asset_rows_free(rows);
    gk_context_free(ctx);
    return r;
}

/* ---- open / close -------------------------------------------------- */

static PyObject *py_assets_open(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *path_obj;
    unsigned flags;
    if (!PyArg_ParseTuple(args, "O&I:assets_open", PyUnicode_FSConverter,
                          &path_obj, &flags))
        return NULL;
    store_box_t *b = calloc(1, sizeof *b);
    gk_context_t *ctx = b ? gkpy_context() : NULL;
    if (!ctx) {
        if (!b)
            PyErr_NoMemory();
        free(b);
        Py_DECREF(path_obj);
        return NULL;
    }
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = gk_assets_open(ctx, PyBytes_AS_STRING(path_obj), flags, &b->s);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    PyObject *cap = NULL;
    if (st != GK_OK)
        gkpy_raise(ctx, st);
    else if (!(cap = PyCapsule_New(b, CAPSULE_NAME, box_destroy)))
        gk_assets_close(b->s);
    if (!cap)
        free(b);
    gk_context_free(ctx);
    return cap;
}

static PyObject *py_assets_close(PyObject *self, PyObject *cap)
{
    (void)self;
    store_box_t *b = PyCapsule_GetPointer(cap, CAPSULE_NAME);
    if (!b)
        return NULL;
    gk_assets_t *s = b->s;
    b->s = NULL;
    Py_BEGIN_ALLOW_THREADS
    gk_assets_close(s);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* ---- import -------------------------------------------------------- */

typedef struct import_args {
    const char *path, *layer, *crs, *kinds_file, *default_kinds;
    gk_assets_import_opts_t o;
} import_args_t;

/* As `geokota assets import` runs it: kinds (the given file, or the
 * default one for a store that has none), the layer, the upsert. */
static gk_status_t run_import(gk_context_t *ctx, gk_assets_t *s,
                              const import_args_t *a,
                              gk_assets_import_report_t *rep)
{
    gk_status_t st = GK_OK;
    const char *kf = a->kinds_file;
    if (!kf) {
        gk_assets_stats_t *stats = NULL;
        st = gk_assets_stats(ctx, s, &stats);
        if (st == GK_OK && stats->num_kinds == 0)
            kf = a->default_kinds;
        gk_assets_stats_free(stats);
    }
    if (st == GK_OK && kf)
        st = gk_assets_load_kinds(ctx, s, kf);
    gk_layer_t *l = NULL;
    if (st == GK_OK)
        st = read_layer(ctx, a->path, a->layer, a->crs, &l);
    if (st == GK_OK)
        st = gk_assets_import_layer(ctx, s, l, &a->o, rep);
    gk_layer_free(l);
    return st;
}

static PyObject *py_assets_import(PyObject *self, PyObject *args,
                                  PyObject *kw)
{
    (void)self;
    char *kwlist[] = {
        (char[]){"store"},        (char[]){"path"},
        (char[]){"default_kinds"}, (char[]){"kind"},
        (char[]){"kind_field"},   (char[]){"id_field"},
        (char[]){"mapping"},      (char[]){"rejects"},
        (char[]){"strict"},       (char[]){"who"},
        (char[]){"layer"},        (char[]){"crs"},
        (char[]){"kinds_file"},   (char[]){"condition_field"},
        (char[]){"installed_field"}, (char[]){"district_field"},
        (char[]){"id_prefix"},    NULL};
    PyObject *cap;
    import_args_t a = {0};
    int strict = 0;
    if (!PyArg_ParseTupleAndKeywords(
            args, kw, "Oss|zzzzzpzzzzzzzz:assets_import", kwlist, &cap,
            &a.path, &a.default_kinds, &a.o.kind, &a.o.kind_field,
            &a.o.id_field, &a.o.mapping_path, &a.o.rejects_path, &strict,
            &a.o.who, &a.layer, &a.crs, &a.kinds_file, &a.o.condition_field,
            &a.o.installed_field, &a.o.district_field, &a.o.id_prefix))
        return NULL;
    a.o.strict = strict != 0;
    gk_assets_t *s = store_of(cap);
    gk_context_t *ctx = s ? gkpy_context() : NULL;
    if (!ctx)
        return NULL;
    gk_assets_import_report_t rep = {0};
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = run_import(ctx, s, &a, &rep);
    Py_END_ALLOW_THREADS
    PyObject *r =
        st != GK_OK
            ? gkpy_raise(ctx, st)
            : Py_BuildValue("{s:n,s:n,s:n,s:n,s:n,s:s}", "read",
                            (Py_ssize_t)rep.read, "inserted",
                            (Py_ssize_t)rep.inserted, "updated",
                            (Py_ssize_t)rep.updated, "unchanged",
                            (Py_ssize_t)rep.unchanged, "rejected",
                            (Py_ssize_t)rep.rejected, "first_reject",
                            rep.first_reject);
    gk_context_free(ctx);
    return r;
}

/* ---- queries ------------------------------------------------------- */

/* What the queries share: the store, the kinds, a context and, for those
 * that read a layer, its path and options. The arguments (cap, kinds_o,
 * path_obj, layer, crs) are parsed into it; q_begin() does the rest. */
typedef struct query {
    PyObject *cap, *kinds_o, *path_obj;
    const char *layer, *crs;
    gk_assets_t *s;
    kinds_arg_t ka;
    gk_context_t *ctx;
} query_t;

static void q_end(query_t *q)
{
    kinds_release(&q->ka);
    Py_CLEAR(q->path_obj);
}

/* The store, the kinds and a context: 0, or -1 with an exception set and
 * the arguments released (q_end). On success the caller calls q_end, then
 * frees q->ctx. */
static int q_begin(query_t *q)
{
    if (!(q->s = store_of(q->cap)) || kinds_parse(q->kinds_o, &q->ka) < 0 ||
        !(q->ctx = gkpy_context())) {
        q_end(q);
        return -1;
    }
    return 0;
}

/* The query's layer (q->path_obj), as read_layer. Runs without the GIL. */
static gk_status_t q_layer(const query_t *q, gk_layer_t **out)
{
    return read_layer(q->ctx, PyBytes_AS_STRING(q->path_obj), q->layer,
                      q->crs, out);
}

static PyObject *py_assets_near(PyObject *self, PyObject *args)
{
    (void)self;
    query_t q = {0};
    double lon, lat, max_m;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "OddndO:assets_near", &q.cap, &lon, &lat, &k,
                          &max_m, &q.kinds_o))
        return NULL;
    if (k < 0) {
        PyErr_SetString(PyExc_ValueError, "k must be >= 0");
        return NULL;
    }
    if (q_begin(&q) < 0)
        return NULL;
    gk_asset_rows_t *rows = NULL;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = gk_assets_near(q.ctx, q.s, lon, lat, (size_t)k, max_m,
                        kinds_filter(&q.ka), &rows);
    Py_END_ALLOW_THREADS
    q_end(&q);
    return rows_result(q.ctx, st, rows);
}

static PyObject *py_assets_within(PyObject *self, PyObject *args)
{
    (void)self;
    query_t q = {0};
    PyObject *where;
    if (!PyArg_ParseTuple(args, "OOOzz:assets_within", &q.cap, &where,
                          &q.kinds_o, &q.layer, &q.crs))
        return NULL;
    gk_box_t box = {0, 0, 0, 0};
    bool is_box = PyTuple_Check(where);
    if (is_box) {
        if (!PyArg_ParseTuple(where, "dddd;box is (west, south, east, north)",
                              &box.xmin, &box.ymin, &box.xmax, &box.ymax))
            return NULL;
    } else if (!PyUnicode_FSConverter(where, &q.path_obj)) {
        return NULL;
    }
    if (q_begin(&q) < 0)
        return NULL;
    gk_asset_rows_t *rows = NULL;
    gk_status_t st;
    const gk_assets_filter_t *f = kinds_filter(&q.ka);
    Py_BEGIN_ALLOW_THREADS
    if (is_box) {
        st = gk_assets_within_box(q.ctx, q.s, box, f, &rows);
    } else {
        gk_layer_t *l = NULL;
        st = q_layer(&q, &l);
        if (st == GK_OK)
            st = gk_assets_within(q.ctx, q.s, l, f, &rows);
        gk_layer_free(l);
    }
    Py_END_ALLOW_THREADS
    q_end(&q);
    return rows_result(q.ctx, st, rows);
}

static PyObject *py_assets_along(PyObject *self, PyObject *args)
{
    (void)self;
    query_t q = {0};
    double dist;
    int per_road;
    if (!PyArg_ParseTuple(args, "OO&dpOzz:assets_along", &q.cap,
                          PyUnicode_FSConverter, &q.path_obj, &dist,
                          &per_road, &q.kinds_o, &q.layer, &q.crs))
        return NULL;
    if (q_begin(&q) < 0)
        return NULL;
    gk_asset_rows_t *rows = NULL;
    gk_status_t st;
    const gk_assets_filter_t *f = kinds_filter(&q.ka);
    Py_BEGIN_ALLOW_THREADS
    gk_layer_t *l = NULL;
    st = q_layer(&q, &l);
    if (st == GK_OK)
        st = gk_assets_along(q.ctx, q.s, l, dist, per_road != 0, f, &rows);
    gk_layer_free(l);
    Py_END_ALLOW_THREADS
    q_end(&q);
    return rows_result(q.ctx, st, rows);
}

/* `a` (steals it) as an area x kind table; NULL passes through. */
static PyObject *reshaped(PyObject *a, npy_intp *dims)
{
    if (!a)
        return NULL;
    PyArray_Dims shape = {dims, 2};
    PyObject *r = PyArray_Newshape((PyArrayObject *)a, &shape, NPY_CORDER);
    Py_DECREF(a);
    return r;
}

static PyObject *summary_dict(const gk_assets_summary_t *s)
{
    npy_intp dims[2] = {(npy_intp)s->num_areas, (npy_intp)s->num_kinds};
    npy_intp n = dims[0] * dims[1];
    PyObject *count = PyArray_SimpleNew(2, dims, NPY_INT64);
    if (count) {
        int64_t *d = PyArray_DATA((PyArrayObject *)count);
        for (npy_intp i = 0; i < n; i++)
            d[i] = (int64_t)s->count[i];
    }
    PyObject *len = reshaped(gkpy_array_copy(s->length_m, n, NPY_FLOAT64),
                             dims);
    PyObject *area = reshaped(gkpy_array_copy(s->area_m2, n, NPY_FLOAT64),
                              dims);
    return Py_BuildValue("{s:N,s:N,s:N,s:N,s:N}", "areas",
                         str_array(s->area_names, s->num_areas), "kinds",
                         str_array(s->kinds, s->num_kinds), "count", count,
                         "length_m", len, "area_m2", area);
}

static PyObject *py_assets_summary(PyObject *self, PyObject *args)
{
    (void)self;
    query_t q = {.kinds_o = Py_None};
    const char *by_field;
    if (!PyArg_ParseTuple(args, "OO&zzz:assets_summary", &q.cap,
                          PyUnicode_FSConverter, &q.path_obj, &by_field,
                          &q.layer, &q.crs))
        return NULL;
    if (q_begin(&q) < 0)
        return NULL;
    gk_assets_summary_t *sum = NULL;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    gk_layer_t *l = NULL;
    st = q_layer(&q, &l);
    if (st == GK_OK)
        st = gk_assets_summary(q.ctx, q.s, l, by_field, &sum);
    gk_layer_free(l);
    Py_END_ALLOW_THREADS
    q_end(&q);
    PyObject *r = st == GK_OK ? summary_dict(sum) : gkpy_raise(q.ctx, st);
    gk_assets_summary_free(sum);
    gk_context_free(q.ctx);
    return r;
}

typedef struct gap_names {
    const gk_asset_gaps_t *g;
    const gk_layer_t *roads;
    int field; /* text field index, or -1: no names */
} gap_names_t;

static PyObject *get_gap_name(const void *src, size_t i)
{
    const gap_names_t *gn = src;
    if (gn->field < 0)
        Py_RETURN_NONE;
    return gkpy_str(gk_layer_get_string(gn->roads, (size_t)gn->field,
                                           (size_t)gn->g->gaps[i].road));
}

/* The gaps, with each road's fid and (when the roads have such a text
 * field) name, as the CLI's JSON. */
static PyObject *gaps_dict(const gk_asset_gaps_t *g, const gk_layer_t *roads,
                           const char *name_field)
{
    npy_intp n = (npy_intp)g->n;
    int nf = gk_layer_field_index(roads, name_field ? name_field : "name");
    if (nf >= 0 && gk_layer_field_type(roads, (size_t)nf) != GK_FIELD_STRING)
        nf = -1;
    PyObject *road = PyArray_SimpleNew(1, &n, NPY_INT64);
    PyObject *fid = PyArray_SimpleNew(1, &n, NPY_INT64);
    PyObject *from = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    PyObject *to = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    PyObject *len = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    gap_names_t gn = {g, roads, nf};
    PyObject *name = gkpy_obj_array((size_t)n, get_gap_name, &gn);
    if (road && fid && from && to && len) {
        for (npy_intp i = 0; i < n; i++) {
            const gk_asset_gap_t *x = &g->gaps[i];
            ((int64_t *)PyArray_DATA((PyArrayObject *)road))[i] = x->road;
            ((int64_t *)PyArray_DATA((PyArrayObject *)fid))[i] =
                gk_layer_fid(roads, (size_t)x->road);
            ((double *)PyArray_DATA((PyArrayObject *)from))[i] = x->from_m;
            ((double *)PyArray_DATA((PyArrayObject *)to))[i] = x->to_m;
            ((double *)PyArray_DATA((PyArrayObject *)len))[i] = x->length_m;
        }
    }
    return Py_BuildValue("{s:N,s:N,s:N,s:N,s:N,s:N,s:N}", "road", road,
                         "road_fid", fid, "name", name, "from_m", from,
                         "to_m", to, "length_m", len, "geometry",
                         wkb_list(&g->geoms));
}

static PyObject *py_assets_gaps(PyObject *self, PyObject *args)
{
    (void)self;
    query_t q = {0};
    double dist, min_len;
    const char *name_field;
    if (!PyArg_ParseTuple(args, "OO&ddOzzz:assets_gaps", &q.cap,
                          PyUnicode_FSConverter, &q.path_obj, &dist, &min_len,
                          &q.kinds_o, &name_field, &q.layer, &q.crs))
        return NULL;
    if (q_begin(&q) < 0)
        return NULL;
    gk_asset_gaps_t *gaps = NULL;
    gk_layer_t *l = NULL;
    gk_status_t st;
    const gk_assets_filter_t *f = kinds_filter(&q.ka);
    Py_BEGIN_ALLOW_THREADS
    st = q_layer(&q, &l);
    if (st == GK_OK)
        st = gk_assets_gaps(q.ctx, q.s, l, dist, min_len, f, &gaps);
    Py_END_ALLOW_THREADS
    q_end(&q);
    PyObject *r = st == GK_OK ? gaps_dict(gaps, l, name_field)
                              : gkpy_raise(q.ctx, st);
    gk_asset_gaps_free(gaps);
    gk_layer_free(l);
    gk_context_free(q.ctx);
    return r;
}

PyMethodDef gkpy_assets_methods[] = {
    {"assets_open", py_assets_open, METH_VARARGS,
     "assets_open(path, flags) -> store\n\nOpen an asset store "
     "(flags: 1 read-only, 2 create). See geokota.assets.open."},
    {"assets_close", py_assets_close, METH_O,
     "assets_close(store) -> None\n\nClose the store (idempotent)."},
    {"assets_import", (PyCFunction)(void (*)(void))py_assets_import,
     METH_VARARGS | METH_KEYWORDS,
     "assets_import(store, path, default_kinds, ...) -> dict\n\nUpsert the "
     "features of a vector file; the report of `geokota assets import`."},
    {"assets_near", py_assets_near, METH_VARARGS,
     "assets_near(store, lon, lat, k, max_m, kinds) -> rows"},
    {"assets_within", py_assets_within, METH_VARARGS,
     "assets_within(store, path_or_box, kinds, layer, crs) -> rows"},
    {"assets_along", py_assets_along, METH_VARARGS,
     "assets_along(store, path, distance, per_road, kinds, layer, crs) -> "
     "rows"},
    {"assets_summary", py_assets_summary, METH_VARARGS,
     "assets_summary(store, path, by_field, layer, crs) -> dict"},
    {"assets_gaps", py_assets_gaps, METH_VARARGS,
     "assets_gaps(store, path, distance, min_length, kinds, name_field, "
     "layer, crs) -> dict"},
    {NULL, NULL, 0, NULL},
};
