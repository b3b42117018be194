/*
 * tests/volume/vtest.h - helpers for the volume tests: synthetic GeoTIFFs
 * written with GDAL into a temporary folder, polygon views, and an
 * independent closed-form oracle for the integral of a linear function's
 * positive part over a polygon with holes.
 */
#ifndef GK_TESTS_VTEST_H
#define GK_TESTS_VTEST_H

#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "tap.h"
#include "volume/volume_internal.h"

static char vt_dir[256];

static inline void vt_tmpdir(void)
{
    snprintf(vt_dir, sizeof vt_dir, "/tmp/gk_vol_XXXXXX");
    if (!mkdtemp(vt_dir)) {
        printf("Bail out! cannot create a temp dir\n");
        exit(1);
    }
}

static inline void vt_cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", vt_dir);
    if (system(cmd) != 0)
        diag("could not remove %s", vt_dir);
}

typedef double (*vt_fn)(double x, double y, void *u);

typedef struct vt_raster {
    const char *name;
    int w, h;
    double gt[6];
    const char *crs;    /* "EPSG:32749", or NULL for none */
    GDALDataType type;
    int block;          /* tile size, 0 = strips */
    bool has_nodata;
    double nodata;
    const char *unit;   /* band unit or NULL */
    bool no_gt;
} vt_raster_t;

/* Write a raster with value fn(x, y) at each cell centre; returns path. */
static inline const char *vt_make(const vt_raster_t *r, vt_fn fn, void *u)
{
    static char paths[16][300];
    static int np;
    char *path = paths[np++ % 16];
    snprintf(path, 300, "%s/%s", vt_dir, r->name);
    GDALAllRegister();
    char **co = NULL;
    if (r->block) {
        char b[16];
        snprintf(b, sizeof b, "%d", r->block);
        co = CSLSetNameValue(co, "TILED", "YES");
        co = CSLSetNameValue(co, "BLOCKXSIZE", b);
        co = CSLSetNameValue(co, "BLOCKYSIZE", b);
    }
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, r->w,
                                 r->h, 1, r->type, co);
    CSLDestroy(co);
    if (!r->no_gt)
        GDALSetGeoTransform(ds, (double *)(uintptr_t)r->gt);
    if (r->crs) {
        OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
        OSRSetFromUserInput(s, r->crs);
        char *wkt = NULL;
        OSRExportToWkt(s, &wkt);
        GDALSetProjection(ds, wkt);
        CPLFree(wkt);
        OSRDestroySpatialReference(s);
    }
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    if (r->has_nodata)
        GDALSetRasterNoDataValue(b, r->nodata);
    if (r->unit)
        GDALSetRasterUnitType(b, r->unit);
    double *row = malloc(sizeof(double) * (size_t)r->w);
    for (int j = 0; j < r->h; j++) {
        for (int i = 0; i < r->w; i++) {
            double x = r->gt[0] + (i + 0.5) * r->gt[1] + (j + 0.5) * r->gt[2];
            double y = r->gt[3] + (i + 0.5) * r->gt[4] + (j + 0.5) * r->gt[5];
            row[i] = fn(x, y, u);
        }
        if (GDALRasterIO(b, GF_Write, 0, j, r->w, 1, row, r->w, 1,
                         GDT_Float64, 0, 0) != CE_None)
            diag("write failed");
    }
    free(row);
    GDALClose(ds);
    return path;
}

/* A polygon collection built ring by ring (up to a few hundred vertices). */
typedef struct vt_poly {
    size_t ngeoms;
    uint8_t types[16];
    int64_t geom_off[17], part_off[65], ring_off[129];
    double xy[8192];
    size_t nparts, nrings, nverts;
    gk_geoms_t view;
} vt_poly_t;

static inline void vt_begin_feature(vt_poly_t *p)
{
    if (p->ngeoms == 0) {
        p->geom_off[0] = p->part_off[0] = p->ring_off[0] = 0;
    }
    p->types[p->ngeoms] = GK_GEOM_POLYGON;
    p->ngeoms++;
    p->geom_off[p->ngeoms] = (int64_t)p->nparts;
}

static inline void vt_begin_part(vt_poly_t *p)
{
    p->nparts++;
    p->geom_off[p->ngeoms] = (int64_t)p->nparts;
    p->part_off[p->nparts] = (int64_t)p->nrings;
    if (p->nparts > 1)
        p->types[p->ngeoms - 1] = GK_GEOM_MULTIPOLYGON;
}

/* Add a ring of n vertices (closed here) to the current part. */
static inline void vt_ring(vt_poly_t *p, const double *xy, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        p->xy[2 * p->nverts] = xy[2 * k];
        p->xy[2 * p->nverts + 1] = xy[2 * k + 1];
        p->nverts++;
    }
    p->xy[2 * p->nverts] = xy[0];
    p->xy[2 * p->nverts + 1] = xy[1];
    p->nverts++;
    p->nrings++;
    p->ring_off[p->nrings] = (int64_t)p->nverts;
    p->part_off[p->nparts] = (int64_t)p->nrings;
}

static inline const gk_geoms_t *vt_view(vt_poly_t *p)
{
    p->view = (gk_geoms_t){p->ngeoms, p->types, p->geom_off, p->part_off,
                           p->ring_off, p->xy, NULL};
    return &p->view;
}

/* One polygon feature: the axis-aligned box [xa, xb] x [ya, yb]. */
static inline vt_poly_t vt_rect_poly(double xa, double ya, double xb, double yb)
{
    vt_poly_t p = {0};
    vt_begin_feature(&p);
    vt_begin_part(&p);
    double r[8] = {xa, ya, xb, ya, xb, yb, xa, yb};
    vt_ring(&p, r, 4);
    return p;
}

/* Rectangle (rotated by angle rad about its centre) as 4 vertices. */
static inline void vt_rect(double cx, double cy, double w, double h, double ang,
                    double out[8])
{
    double c = cos(ang), s = sin(ang);
    const double px[4] = {-w / 2, w / 2, w / 2, -w / 2};
    const double py[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int k = 0; k < 4; k++) {
        out[2 * k] = cx + c * px[k] - s * py[k];
        out[2 * k + 1] = cy + s * px[k] + c * py[k];
    }
}

/* Oracle: integral of (a + b x + c y)_+ and _- over a ring (signed by its
 * orientation, CCW positive), by clipping the ring against the half-plane
 * (Sutherland-Hodgman against one line is exact for signed integrals of
 * any simple ring) and integrating the linear function over the clipped
 * ring with Green's theorem: fan triangles, area times mean. */
static inline void vt_ring_cutfill(const double *xy, size_t n, double a, double b,
                            double c, double *cut, double *fill,
                            double *area)
{
    double *q = malloc(sizeof(double) * 2 * (2 * n + 4));
    double *hq = malloc(sizeof(double) * (2 * n + 4));
    for (int sense = 1; sense >= -1; sense -= 2) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            size_t j = (i + 1) % n;
            double hi = a + b * xy[2 * i] + c * xy[2 * i + 1];
            double hj = a + b * xy[2 * j] + c * xy[2 * j + 1];
            double si = sense * hi, sj = sense * hj;
            if (si >= 0) {
                q[2 * m] = xy[2 * i];
                q[2 * m + 1] = xy[2 * i + 1];
                hq[m++] = hi;
            }
            if ((si > 0 && sj < 0) || (si < 0 && sj > 0)) {
                double t = si / (si - sj);
                q[2 * m] = xy[2 * i] + t * (xy[2 * j] - xy[2 * i]);
                q[2 * m + 1] = xy[2 * i + 1] + t * (xy[2 * j + 1] - xy[2 * i + 1]);
                hq[m++] = 0;
            }
        }
        double s = 0, ar = 0;
        for (size_t k = 1; k + 1 < m; k++) {
            double cr = (q[2 * k] - q[0]) * (q[2 * k + 3] - q[1]) -
                        (q[2 * k + 2] - q[0]) * (q[2 * k + 1] - q[1]);
            s += cr * (hq[0] + hq[k] + hq[k + 1]) / 6;
            ar += cr / 2;
        }
        if (sense > 0)
            *cut = s;
        else
            *fill = -s;
        if (sense > 0)
            *area = ar;
        else
            *area += ar;
    }
    free(q);
    free(hq);
}

/* Oracle over a whole vt_poly: exterior rings add |.|, holes subtract. */
static inline void vt_poly_cutfill(const vt_poly_t *p, double a, double b, double c,
                            double *cut, double *fill, double *area)
{
    *cut = *fill = *area = 0;
    for (size_t pt = 0; pt < p->nparts; pt++)
        for (int64_t r = p->part_off[pt]; r < p->part_off[pt + 1]; r++) {
            const double *xy = p->xy + 2 * p->ring_off[r];
            size_t n = (size_t)(p->ring_off[r + 1] - p->ring_off[r]) - 1;
            double cu = 0, fi = 0, ar = 0;
            vt_ring_cutfill(xy, n, a, b, c, &cu, &fi, &ar);
            double sg = ar >= 0 ? 1 : -1;
            if (r != p->part_off[pt])
                sg = -sg;
            *cut += sg * cu;
            *fill += sg * fi;
            *area += sg * ar;
        }
}

#endif /* GK_TESTS_VTEST_H */
