/*
 * lib/road/estimate_roads.c - the road estimate from centerlines: read each
 * road's width, template, name and shoulder, validate them, build the
 * corridors of every layer width, share junctions, and hand the measured
 * areas to the bill-of-quantities engine (lib/estimate).
 *
 * Each distinct per-side layer offset e (0 for the surface, 0.5 m for an
 * asphalt base...) gets its own union of corridors, made of the roads whose
 * template has a layer at that offset, with half width w/2 + shoulder + e.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geokota/estimate.h"
#include "geokota/road.h"
#include "io/io_internal.h"

#define MAX_OFFSETS 16

typedef struct road_attr {
    int width, tpl, name, shoulder, lanes, cls; /* field indexes or -1 */
} road_attr_t;

typedef struct run {
    gk_context_t *ctx;
    const gk_layer_t *roads;
    const gk_estimate_opts_t *o;
    char label[512];
    gk_catalog_t *own_catalog;
    const gk_catalog_t *cat;
    /* Templates by name (loaded once each). */
    gk_template_t **tpls;
    char **tpl_names;
    size_t ntpls;
    size_t n;
    const gk_template_t **road_tpl;
    double *width, *shoulder;
    char **ids;
    bool *skip;
    char *skipped; /* "feature 3: reason\n..." */
    size_t nskipped;
    double offsets[MAX_OFFSETS];
    size_t noffsets;
} run_t;

static const char *field_name(const char *given, const char *dflt)
{
    return given && *given ? given : dflt;
}

/* Look up the attribute; a name the user gave explicitly must exist. */
static gk_status_t find_field(run_t *r, const char *given, const char *dflt,
                              int *idx)
{
    *idx = gk_layer_field_index(r->roads, field_name(given, dflt));
    if (*idx < 0 && given && *given)
        return gk_error(r->ctx, GK_ERR_INPUT_FIELD,
                        "%s: no attribute named \"%s\"", r->label, given);
    return GK_OK;
}

static gk_status_t template_by_name(run_t *r, const char *name,
                                    const gk_template_t **out)
{
    for (size_t k = 0; k < r->ntpls; k++)
        if (strcmp(r->tpl_names[k], name) == 0) {
            *out = r->tpls[k];
            return GK_OK;
        }
    gk_template_t **t = realloc(r->tpls, (r->ntpls + 1) * sizeof *t);
    char **nm = t ? realloc(r->tpl_names, (r->ntpls + 1) * sizeof *nm) : NULL;
    if (t)
        r->tpls = t;
    if (nm)
        r->tpl_names = nm;
    if (!t || !nm)
        return gk_error_nomem(r->ctx, "templates");
    const char *dir = r->o->data_dir ? r->o->data_dir
                                     : gk_estimate_default_data_dir();
    gk_template_t *tpl = NULL;
    gk_status_t st = gk_template_load(r->ctx, name, dir, r->cat, &tpl);
    if (st != GK_OK)
        return st;
    r->tpls[r->ntpls] = tpl;
    r->tpl_names[r->ntpls] = gk_strdup(name);
    if (!r->tpl_names[r->ntpls]) {
        gk_template_free(tpl);
        return gk_error_nomem(r->ctx, "templates");
    }
    r->ntpls++;
    *out = tpl;
    return GK_OK;
}

/* Mark feature i skipped (with --skip-invalid) or fail with its message. */
static gk_status_t reject(run_t *r, size_t i, gk_status_t code,
                          const char *why)
{
    if (!r->o->skip_invalid)
        return gk_error(r->ctx, code, "%s: feature %lld: %s", r->label,
                        (long long)r->roads->fids[i], why);
    char line[600];
    int len = snprintf(line, sizeof line, "feature %lld: %s\n",
                       (long long)r->roads->fids[i], why);
    size_t used = r->skipped ? strlen(r->skipped) : 0;
    char *p = realloc(r->skipped, used + (size_t)len + 1);
    if (!p)
        return gk_error_nomem(r->ctx, "the list of skipped roads");
    memcpy(p + used, line, (size_t)len + 1);
    r->skipped = p;
    r->skip[i] = true;
    r->nskipped++;
    return GK_OK;
}

/* Width from the width table: lanes x lane width, else the road class's
 * row; NaN when the table does not say. */
static double table_width(const run_t *r, const road_attr_t *a, size_t i)
{
    const gk_width_table_t *t = r->o->width_table;
    const gk_layer_t *l = r->roads;
    if (!t)
        return NAN;
    if (a->lanes >= 0 && !gk_layer_is_null(l, (size_t)a->lanes, i)) {
        double lanes = gk_layer_get_double(l, (size_t)a->lanes, i);
        double lane = gk_width_table_get(t, "lane");
        if (lanes > 0 && !isnan(lane))
            return lanes * lane;
    }
    if (a->cls >= 0 && !gk_layer_is_null(l, (size_t)a->cls, i))
        return gk_width_table_get(t, gk_layer_get_string(l, (size_t)a->cls, i));
    return NAN;
}

/* Width, shoulder and template of feature i. */
static gk_status_t road_attributes(run_t *r, const road_attr_t *a, size_t i,
                                   const gk_template_t *dflt, double dflt_w)
{
    const gk_layer_t *l = r->roads;
    char why[300];
    const gk_template_t *tpl = dflt;
    if (a->tpl >= 0 && !gk_layer_is_null(l, (size_t)a->tpl, i)) {
        const char *name = gk_layer_get_string(l, (size_t)a->tpl, i);
        gk_status_t st = name ? template_by_name(r, name, &tpl)
                              : gk_error(r->ctx, GK_ERR_INPUT_FIELD,
                                         "template attribute is not text");
        if (st != GK_OK) {
            if (GK_STATUS_PRIMARY(st) == GK_ERR_NOMEM)
                return st;
            snprintf(why, sizeof why, "template: %s", gk_errmsg(r->ctx));
            return reject(r, i, st, why);
        }
    }
    double w = table_width(r, a, i);
    if (isnan(w))
        w = dflt_w > 0 ? dflt_w : gk_template_default_width(tpl);
    if (!(w > 0))
        w = 3.0;
    if (a->width >= 0 && !gk_layer_is_null(l, (size_t)a->width, i))
        w = gk_layer_get_double(l, (size_t)a->width, i);
    if (!isfinite(w) || w <= 0) {
        snprintf(why, sizeof why, "width is %s (%g); it must be a positive "
                 "number of metres", isfinite(w) ? (w == 0 ? "zero"
                 : "negative") : "not a number", w);
        return reject(r, i, GK_ERR_INPUT_VALUE, why);
    }
    double s = 0;
    if (a->shoulder >= 0 && !gk_layer_is_null(l, (size_t)a->shoulder, i))
        s = gk_layer_get_double(l, (size_t)a->shoulder, i);
    if (!isfinite(s) || s < 0) {
        snprintf(why, sizeof why, "shoulder is %g; it must be 0 or more "
                 "metres", s);
        return reject(r, i, GK_ERR_INPUT_VALUE, why);
    }
    r->road_tpl[i] = tpl;
    r->width[i] = w;
    r->shoulder[i] = s;
    return GK_OK;
}

/* Geometry checks the corridors need: lines with finite coordinates and at
 * least two points (polygons and points are refused by the corridors). */
static gk_status_t road_geometry(run_t *r, size_t i)
{
    gk_geoms_t g = gk_layer_geoms(r->roads);
    gk_geom_type_t base = gk_geom_type_base((gk_geom_type_t)g.types[i]);
    if (base == GK_GEOM_POLYGON || base == GK_GEOM_POINT)
        return reject(r, i, GK_ERR_INPUT_GEOM_TYPE,
                      base == GK_GEOM_POLYGON
                          ? "a polygon given where a road centerline "
                            "(LineString) is needed"
                          : "a point given where a road centerline "
                            "(LineString) is needed");
    gk_validate_opts_t vo = {.skip_geos = true};
    gk_status_t code;
    char *why = gk_layer_feature_problem(r->ctx, r->roads, i, &vo, &code);
    if (!why)
        return GK_OK;
    gk_status_t st = reject(r, i, code, why);
    gk_free(why);
    return st;
}

static gk_status_t read_roads(run_t *r)
{
    const gk_estimate_opts_t *o = r->o;
    road_attr_t a;
    gk_status_t st = find_field(r, o->width_field, "width", &a.width);
    if (st == GK_OK)
        st = find_field(r, o->template_field, "template", &a.tpl);
    if (st == GK_OK)
        st = find_field(r, o->name_field, "name", &a.name);
    if (st == GK_OK)
        st = find_field(r, o->shoulder_field, "shoulder", &a.shoulder);
    if (st == GK_OK)
        st = find_field(r, o->lanes_field, "lanes", &a.lanes);
    if (st == GK_OK)
        st = find_field(r, o->class_field, "highway", &a.cls);
    const gk_template_t *dflt = NULL;
    if (st == GK_OK)
        st = template_by_name(r, o->template_name ? o->template_name
                                                  : "rigid_jalan_lingkungan",
                              &dflt);
    for (size_t i = 0; st == GK_OK && i < r->n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)r->roads->fids[i]);
        r->ids[i] = gk_strdup(id);
        if (!r->ids[i])
            return gk_error_nomem(r->ctx, "road ids");
        st = road_geometry(r, i);
        if (st == GK_OK && !r->skip[i])
            st = road_attributes(r, &a, i, dflt, o->width_m);
    }
    if (st == GK_OK && r->nskipped == r->n && r->n > 0)
        st = gk_error(r->ctx, GK_ERR_INPUT, "%s: every road is invalid:\n%s",
                      r->label, r->skipped);
    return st;
}

/* The distinct per-side offsets of the layers in use, 0 first. */
static gk_status_t collect_offsets(run_t *r)
{
    r->offsets[0] = 0;
    r->noffsets = 1;
    for (size_t k = 0; k < r->ntpls; k++) {
        for (size_t j = 0; j < gk_template_layer_count(r->tpls[k]); j++) {
            gk_template_layer_t lay;
            gk_template_layer(r->tpls[k], j, &lay);
            size_t m = 0;
            while (m < r->noffsets && r->offsets[m] != lay.extra_width_m)
                m++;
            if (m < r->noffsets)
                continue;
            if (r->noffsets == MAX_OFFSETS)
                return gk_error(r->ctx, GK_ERR_UNSUPPORTED,
                                "more than %d different layer widths",
                                MAX_OFFSETS);
            r->offsets[r->noffsets++] = lay.extra_width_m;
        }
    }
    return GK_OK;
}

static bool template_has_offset(const gk_template_t *t, double e)
{
    if (e == 0)
        return true; /* every road has a surface */
    for (size_t j = 0; j < gk_template_layer_count(t); j++) {
        gk_template_layer_t lay;
        gk_template_layer(t, j, &lay);
        if (lay.extra_width_m == e)
            return true;
    }
    return false;
}

/* Shares per offset, then the BOQ inputs. */
static gk_status_t measure_and_build(run_t *r, gk_boq_t **out,
                                     gk_layer_t **surface)
{
    gk_corridors_t *c = NULL;
    double origin[2] = {r->o->plane_origin_lon, r->o->plane_origin_lat};
    gk_status_t st = gk_corridors_prepare_at(
        r->ctx, r->roads, r->skip, r->o->has_plane_origin ? origin : NULL, &c);
    double *share = gk_calloc_array(r->noffsets * r->n, sizeof *share);
    double *hw = gk_calloc_array(r->n, sizeof *hw);
    if (st == GK_OK && (!share || !hw))
        st = gk_error_nomem(r->ctx, "corridor areas");
    for (size_t m = 0; st == GK_OK && m < r->noffsets; m++) {
        for (size_t i = 0; i < r->n; i++)
            hw[i] = r->skip[i] || !template_has_offset(r->road_tpl[i],
                                                       r->offsets[m])
                        ? 0
                        : r->width[i] / 2 + r->shoulder[i] + r->offsets[m];
        gk_corridor_opts_t co = {.threads = r->o->threads};
        st = gk_corridors_shares_v2(r->ctx, c, hw, &co, share + m * r->n,
                                    m == 0 ? surface : NULL);
    }
    size_t kept = r->n - r->nskipped, nl = 0, maxl = 0;
    for (size_t k = 0; k < r->ntpls; k++)
        maxl += gk_template_layer_count(r->tpls[k]);
    gk_road_input_t *in = gk_calloc_array(kept, sizeof *in);
    double *larea = gk_calloc_array(kept * (maxl ? maxl : 1), sizeof *larea);
    if (st == GK_OK && (!in || !larea))
        st = gk_error_nomem(r->ctx, "road inputs");
    int nf = gk_layer_field_index(r->roads,
                                  field_name(r->o->name_field, "name"));
    for (size_t i = 0, k = 0; st == GK_OK && i < r->n; i++) {
        if (r->skip[i])
            continue;
        const gk_template_t *t = r->road_tpl[i];
        double *la = larea + nl;
        for (size_t j = 0; j < gk_template_layer_count(t); j++) {
            gk_template_layer_t lay;
            gk_template_layer(t, j, &lay);
            size_t m = 0;
            while (r->offsets[m] != lay.extra_width_m)
                m++;
            la[j] = share[m * r->n + i];
        }
        nl += gk_template_layer_count(t);
        in[k++] = (gk_road_input_t){
            .id = r->ids[i],
            .name = nf >= 0 ? gk_layer_get_string(r->roads, (size_t)nf, i)
                            : NULL,
            .tpl = t,
            .length_m = gk_corridors_length_m(c)[i],
            .width_m = r->width[i] + 2 * r->shoulder[i],
            .surface_area_m2 = share[i],
            .layer_area_m2 = la,
        };
    }
    /* A stage of its own, so that a caller (bench/bench_estimate.c) can see
     * where the time goes. */
    if (st == GK_OK && !gk_progress(r->ctx, 1.0, "bill of quantities"))
        st = GK_ERR_INTERRUPTED;
    if (st == GK_OK)
        st = gk_boq_build(r->ctx, r->cat, in, kept, &r->o->boq, out);
    free(in);
    free(larea);
    free(share);
    free(hw);
    gk_corridors_free(c);
    return st;
}

static gk_status_t add_skip_warnings(run_t *r, gk_boq_t *boq)
{
    char *line = r->skipped;
    while (line && *line) {
        char *end = strchr(line, '\n');
        char msg[640];
        snprintf(msg, sizeof msg, "%s: skipped invalid road %.*s", r->label,
                 (int)(end ? end - line : (ptrdiff_t)strlen(line)), line);
        gk_status_t st = gk_boq_add_warning(r->ctx, boq, msg);
        if (st != GK_OK)
            return st;
        line = end ? end + 1 : NULL;
    }
    return GK_OK;
}

static void run_free(run_t *r)
{
    for (size_t k = 0; k < r->ntpls; k++) {
        gk_template_free(r->tpls[k]);
        free(r->tpl_names[k]);
    }
    free(r->tpls);
    free(r->tpl_names);
    for (size_t i = 0; r->ids && i < r->n; i++)
        free(r->ids[i]);
    free(r->ids);
    free((void *)r->road_tpl);
    free(r->width);
    free(r->shoulder);
    free(r->skip);
    free(r->skipped);
    gk_catalog_free(r->own_catalog);
}

gk_status_t gk_estimate_roads(gk_context_t *ctx, const gk_layer_t *roads,
                              const gk_estimate_opts_t *opts, gk_boq_t **out,
                              gk_layer_t **surface)
{
    if (!ctx || !roads || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_estimate_roads: NULL argument");
    *out = NULL;
    if (surface)
        *surface = NULL;
    gk_estimate_opts_t defaults = {0};
    run_t r = {.ctx = ctx, .roads = roads, .o = opts ? opts : &defaults};
    gk_layer_label(roads, r.label, sizeof r.label);
    r.n = gk_layer_num_features(roads);
    r.road_tpl = gk_calloc_array(r.n, sizeof *r.road_tpl);
    r.width = gk_calloc_array(r.n, sizeof *r.width);
    r.shoulder = gk_calloc_array(r.n, sizeof *r.shoulder);
    r.ids = gk_calloc_array(r.n, sizeof *r.ids);
    r.skip = gk_calloc_array(r.n, sizeof *r.skip);
    gk_status_t st = GK_OK;
    if (!r.road_tpl || !r.width || !r.shoulder || !r.ids || !r.skip)
        st = gk_error_nomem(ctx, "road attributes");
    r.cat = r.o->catalog;
    if (st == GK_OK && !r.cat) {
        char path[1024];
        snprintf(path, sizeof path, "%s/materials.json",
                 r.o->data_dir ? r.o->data_dir
                               : gk_estimate_default_data_dir());
        st = gk_catalog_load(ctx, path, &r.own_catalog);
        r.cat = r.own_catalog;
    }
    if (st == GK_OK)
        st = read_roads(&r);
    if (st == GK_OK)
        st = collect_offsets(&r);
    gk_boq_t *boq = NULL;
    if (st == GK_OK)
        st = measure_and_build(&r, &boq, surface);
    if (st == GK_OK)
        st = add_skip_warnings(&r, boq);
    run_free(&r);
    if (st != GK_OK) {
        gk_boq_free(boq);
        if (surface) {
            gk_layer_free(*surface);
            *surface = NULL;
        }
        return st;
    }
    *out = boq;
    return GK_OK;
}
