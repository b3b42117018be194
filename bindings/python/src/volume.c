/*
 * bindings/python/src/volume.c - cut and fill between a DEM and a design
 * (level, plane or a second DEM) over a region, as `geokota volume` computes
 * it (gk_volume_compute), returning the library's JSON report as text plus
 * the warnings its logger gave (heights in feet, ...). The DEM is read and
 * the volume computed with the GIL released.
 */
#define _GNU_SOURCE /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gkpy.h"

typedef struct logs {
    char text[4096];
    size_t used;
} logs_t;

static void collect(gk_log_level_t level, const char *msg, void *user)
{
    logs_t *b = user;
    if (level < GK_LOG_WARNING || b->used + 2 >= sizeof b->text)
        return;
    int n = snprintf(b->text + b->used, sizeof b->text - b->used, "%s\n", msg);
    if (n > 0)
        b->used += (size_t)n < sizeof b->text - b->used
                       ? (size_t)n
                       : sizeof b->text - b->used - 1;
}

typedef struct vol_args {
    const char *dem, *surface, *region_path, *region_crs, *diff;
    const char *method;
    PyObject *level, *plane;
    int nearest, band;
    unsigned threads;
    double swell, shrink;
} vol_args_t;

static int method_of(const char *s, gk_volume_method_t *out)
{
    if (!s || strcmp(s, "cell") == 0)
        *out = GK_VOLUME_CELL;
    else if (strcmp(s, "tin") == 0)
        *out = GK_VOLUME_TIN;
    else {
        PyErr_Format(PyExc_ValueError, "method must be 'cell' or 'tin', not "
                     "'%s' (sections: use the CLI's geokota volume --road)",
                     s);
        return -1;
    }
    return 0;
}

static gk_status_t run_volume(gk_context_t *ctx, const vol_args_t *a,
                              gk_volume_opts_t *o, const gk_geoms_t *py_region,
                              gk_volume_result_t *r, char **json, size_t *len)
{
    gk_dem_t *dem = NULL, *surface = NULL;
    gk_layer_t *region = NULL;
    gk_geoms_t rg;
    const char *region_crs = a->region_crs;
    gk_status_t st = gk_dem_open(ctx, a->dem, a->band, &dem);
    if (st == GK_OK && a->surface) {
        st = gk_dem_open(ctx, a->surface, 1, &surface);
        o->design.surface = surface;
    }
    if (st == GK_OK && a->region_path) {
        st = gk_layer_read(ctx, a->region_path, NULL, &region);
        if (st == GK_OK)
            st = gk_layer_require_crs(ctx, region);
        if (st == GK_OK) {
            rg = gk_layer_geoms(region);
            region_crs = gk_crs_wkt(gk_layer_crs(region));
            o->region_name = gk_layer_source(region);
        }
    } else if (py_region) {
        rg = *py_region;
    }
    if (st == GK_OK)
        st = gk_volume_compute(ctx, dem, &rg, region_crs, o, r);
    if (st == GK_OK) {
        FILE *f = open_memstream(json, len);
        st = f ? gk_volume_report(ctx, r, GK_REPORT_JSON, f) : GK_ERR_NOMEM;
        if (f && fclose(f) != 0 && st == GK_OK)
            st = GK_ERR_NOMEM;
    }
    gk_layer_free(region);
    gk_dem_close(surface);
    gk_dem_close(dem);
    return st;
}

static PyObject *py_volume(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    char *kwlist[] = {(char[]){"dem"},         (char[]){"region"},
                      (char[]){"region_crs"},  (char[]){"level"},
                      (char[]){"plane"},       (char[]){"surface"},
                      (char[]){"nearest"},     (char[]){"method"},
                      (char[]){"threads"},     (char[]){"band"},
                      (char[]){"swell"},       (char[]){"shrink"},
                      (char[]){"diff_raster"}, (char[]){"region_name"},
                      NULL};
    PyObject *dem_o, *region_o;
    const char *region_name = NULL;
    vol_args_t a = {.level = Py_None, .plane = Py_None, .band = 1,
                    .threads = 2, .swell = 1.25, .shrink = 0.90};
    if (!PyArg_ParseTupleAndKeywords(
            args, kw, "O&O|zOOzpzIiddzz:volume", kwlist,
            PyUnicode_FSConverter, &dem_o, &region_o, &a.region_crs, &a.level,
            &a.plane, &a.surface, &a.nearest, &a.method, &a.threads, &a.band,
            &a.swell, &a.shrink, &a.diff, &region_name))
        return NULL;
    gk_volume_opts_t o = {.threads = a.threads ? a.threads : 1,
                          .swell = a.swell,
                          .shrink = a.shrink,
                          .diff_raster_path = a.diff,
                          .region_name = region_name};
    gk_design_t *d = &o.design;
    int ndesigns = (a.level != Py_None) + (a.plane != Py_None) +
                   (a.surface != NULL);
    PyObject *r = NULL;
    gkpy_geoms_t pg;
    bool have_pg = false;
    PyObject *path_obj = NULL;
    if (ndesigns != 1) {
        PyErr_SetString(PyExc_ValueError, "give exactly one design: level=, "
                        "plane= or surface=");
        goto out;
    }
    if (!(a.swell > 0) || !(a.shrink > 0)) {
        PyErr_SetString(PyExc_ValueError, "swell and shrink must be positive");
        goto out;
    }
    if (method_of(a.method, &o.method) < 0)
        goto out;
    if (a.level != Py_None) {
        d->kind = GK_DESIGN_LEVEL;
        d->level_m = PyFloat_AsDouble(a.level);
        if (d->level_m == -1.0 && PyErr_Occurred())
            goto out;
    } else if (a.plane != Py_None) {
        d->kind = GK_DESIGN_PLANE;
        if (!PyArg_ParseTuple(a.plane, "ddddd;plane is (x0, y0, z0, dzdx, dzdy)",
                              &d->x0, &d->y0, &d->z0_m, &d->dzdx, &d->dzdy))
            goto out;
    } else {
        d->kind = GK_DESIGN_SURFACE;
        d->resample = a.nearest ? GK_RESAMPLE_NEAREST : GK_RESAMPLE_BILINEAR;
    }
    if (PyUnicode_Check(region_o) || PyBytes_Check(region_o) ||
        PyObject_HasAttrString(region_o, "__fspath__")) {
        if (!PyUnicode_FSConverter(region_o, &path_obj))
            goto out;
        a.region_path = PyBytes_AS_STRING(path_obj);
    } else {
        if (gkpy_geoms_from_py(region_o, &pg) < 0)
            goto out;
        have_pg = true;
    }
    a.dem = PyBytes_AS_STRING(dem_o);
    gk_context_t *ctx = gkpy_context();
    if (!ctx)
        goto out;
    logs_t logs = {.used = 0};
    logs.text[0] = 0;
    gk_context_set_logger(ctx, collect, &logs);
    gk_volume_result_t res = {0};
    char *json = NULL;
    size_t len = 0;
    gk_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = run_volume(ctx, &a, &o, have_pg ? &pg.view : NULL, &res, &json,
                    &len);
    Py_END_ALLOW_THREADS
    if (st == GK_OK)
        r = Py_BuildValue("(s#s#)", json, (Py_ssize_t)len, logs.text,
                          (Py_ssize_t)logs.used);
    else
        gkpy_raise(ctx, st);
    free(json);
    gk_volume_result_free(&res);
    gk_context_free(ctx);
out:
    if (have_pg)
        gkpy_geoms_release(&pg);
    Py_XDECREF(path_obj);
    Py_DECREF(dem_o);
    return r;
}

PyMethodDef gkpy_volume_methods[] = {
    {"volume", (PyCFunction)(void (*)(void))py_volume,
     METH_VARARGS | METH_KEYWORDS,
     "volume(dem, region, region_crs=None, level=None, plane=None, "
     "surface=None, nearest=False, method='cell', threads=2, band=1, "
     "swell=1.25, shrink=0.9, diff_raster=None, region_name=None) -> "
     "(json_text, warnings_text)\n\nThe report of `geokota volume`; region "
     "is a path or geometries. See geokota.volume."},
    {NULL, NULL, 0, NULL},
};
