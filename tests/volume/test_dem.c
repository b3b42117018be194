/*
 * tests/volume/test_dem.c - the DEM side: bad inputs with their exact
 * messages, nodata, feet, lon/lat cell areas against PROJ's geodesic
 * polygon area, rotated grids, a second DEM as design, a road design,
 * the Float32 fast path against the general path, the difference GeoTIFF,
 * the reports, and the real SRTM DEM end to end (skipped when absent).
 */
#include "vtest.h"

#include <geodesic.h>

#define X0 500000.0
#define Y0 9200000.0

static gk_context_t *ctx;
static char last_log[1024];

static void logger(gk_log_level_t lvl, const char *msg, void *u)
{
    (void)u;
    if (lvl >= GK_LOG_WARNING)
        snprintf(last_log, sizeof last_log, "%s", msg);
}

static double const_fn(double x, double y, void *u)
{
    (void)x;
    (void)y;
    return *(double *)u;
}

static double plane_fn(double x, double y, void *u)
{
    (void)u;
    return 100 + 0.25 * (x - X0) - 0.125 * (y - Y0);
}

static void bad_inputs(void)
{
    double ten = 10;
    gk_dem_t *d = NULL;
    vt_raster_t r = {.name = "nocrs.tif", .w = 8, .h = 8,
                     .gt = {X0, 1, 0, Y0, 0, -1}, .type = GDT_Float32};
    const char *p = vt_make(&r, const_fn, &ten);
    is_int(gk_dem_open(ctx, p, 1, &d), GK_ERR_CRS, "no CRS: GK_ERR_CRS");
    has_str(gk_errmsg(ctx), "nocrs.tif: the raster has no CRS", "no CRS: message");
    ok(d == NULL, "no CRS: out stays NULL");

    r.name = "nogt.tif";
    r.crs = "EPSG:32749";
    r.no_gt = true;
    p = vt_make(&r, const_fn, &ten);
    is_int(gk_dem_open(ctx, p, 1, &d), GK_ERR_FORMAT, "no geotransform: GK_ERR_FORMAT");
    has_str(gk_errmsg(ctx), "nogt.tif: no geotransform", "no geotransform: message");

    is_int(gk_dem_open(ctx, "/nonexistent/dem.tif", 1, &d), GK_ERR_IO,
           "missing file: GK_ERR_IO");
    has_str(gk_errmsg(ctx), "/nonexistent/dem.tif: cannot open as a raster",
            "missing file: message");

    r = (vt_raster_t){.name = "rotgeo.tif", .w = 8, .h = 8,
                      .gt = {110, 0.001, 0.0002, -7, 0.0001, -0.001},
                      .crs = "EPSG:4326", .type = GDT_Float32};
    p = vt_make(&r, const_fn, &ten);
    is_int(gk_dem_open(ctx, p, 1, &d), GK_ERR_UNSUPPORTED,
           "rotated lon/lat grid: refused");
    has_str(gk_errmsg(ctx), "rotated geotransform on a lon/lat grid",
            "rotated lon/lat grid: message");

    r = (vt_raster_t){.name = "ok.tif", .w = 20, .h = 20,
                      .gt = {X0, 1, 0, Y0 + 20, 0, -1}, .crs = "EPSG:32749",
                      .type = GDT_Float32, .has_nodata = true,
                      .nodata = -9999};
    double nd = -9999;
    p = vt_make(&r, const_fn, &nd);
    is_int(gk_dem_open(ctx, p, 1, &d), GK_OK, "all-nodata DEM opens");
    vt_poly_t poly = vt_rect_poly(X0 + 1000, Y0, X0 + 1010, Y0 + 10);
    gk_volume_opts_t o = {.region_name = "site.geojson"};
    gk_volume_result_t res;
    is_int(gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res),
           GK_ERR_INPUT, "region outside: GK_ERR_INPUT");
    has_str(gk_errmsg(ctx), "site.geojson: the region lies outside the DEM",
            "region outside: message names the region");
    poly = vt_rect_poly(X0 + 2, Y0 + 2, X0 + 10, Y0 + 10);
    is_int(gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res),
           GK_ERR_INPUT, "all nodata: GK_ERR_INPUT");
    has_str(gk_errmsg(ctx), "ok.tif: no DEM data under site.geojson",
            "all nodata: message");
    /* a line where a polygon is needed */
    poly.types[0] = GK_GEOM_LINESTRING;
    is_int(gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res),
           GK_ERR_INPUT_GEOM_TYPE, "line as region: GK_ERR_INPUT_GEOM_TYPE");
    poly.types[0] = GK_GEOM_POLYGON;
    poly.xy[3] = NAN;
    is_int(gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res),
           GK_ERR_INPUT_NAN, "NaN vertex: GK_ERR_INPUT_NAN");
    has_str(gk_errmsg(ctx), "site.geojson: feature 0, ring 0, vertex 1",
            "NaN vertex: message names the vertex");
    is_int(gk_volume_compute(ctx, d, NULL, NULL, &o, &res), GK_ERR_ARG,
           "no region for the cell method: GK_ERR_ARG");
    gk_dem_close(d);
}

static void nodata_and_feet(void)
{
    /* 1 m cells, z = 10 except a 3 x 3 nodata block */
    vt_raster_t r = {.name = "hole.tif", .w = 40, .h = 40,
                     .gt = {X0, 1, 0, Y0 + 40, 0, -1}, .crs = "EPSG:32749",
                     .type = GDT_Float32, .block = 16, .has_nodata = true,
                     .nodata = -9999, .unit = "ft"};
    double ten = 10;
    const char *p = vt_make(&r, const_fn, &ten);
    /* punch the hole */
    GDALDatasetH ds = GDALOpen(p, GA_Update);
    float hole[9] = {-9999, -9999, -9999, -9999, -9999, -9999, -9999, -9999, -9999};
    if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 15, 15, 3, 3, hole,
                     3, 3, GDT_Float32, 0, 0) != CE_None)
        diag("hole write failed");
    GDALClose(ds);
    gk_dem_t *d = NULL;
    last_log[0] = 0;
    is_int(gk_dem_open(ctx, p, 1, &d), GK_OK, "feet DEM opens");
    has_str(last_log, "heights are in \"ft\"; converted to metres",
            "feet: warning logged");
    is_double(gk_dem_info(d)->z_unit_m, 0.3048, 0, 0, "feet: factor 0.3048");
    vt_poly_t poly = vt_rect_poly(X0 + 5, Y0 + 5, X0 + 35, Y0 + 35);
    gk_volume_opts_t o = {0};
    gk_volume_result_t res;
    last_log[0] = 0;
    if (gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res) == GK_OK) {
        is_double(res.nodata_area_m2, 9, 1e-12, 0, "cell: 9 nodata cells uncovered");
        is_double(res.area_m2, 900 - 9, 1e-12, 0, "cell: 891 m2 covered");
        is_double(res.cut_m3, 891 * 3.048, 1e-12, 0,
                  "cell: cut = 891 m2 x 10 ft (nodata never zero)");
        has_str(last_log, "9 m2 (1 %) of region has no DEM data",
                "partial nodata: warning");
    } else {
        ok(0, "nodata run: %s", gk_errmsg(ctx));
    }
    o.method = GK_VOLUME_TIN;
    if (gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res) == GK_OK) {
        /* 16 TIN cells touch the hole; at two corners only one of the two
         * triangles has a nodata vertex: 16 - 2 x 0.5 = 15 m2 */
        is_double(res.nodata_area_m2, 15, 1e-12, 0,
                  "tin: the 30 triangles with a nodata vertex are uncovered");
        is_double(res.cut_m3, (900 - 15) * 3.048, 1e-12, 0, "tin: cut on the rest");
    }
    /* region half off the DEM: the outside part is uncovered */
    poly = vt_rect_poly(X0 - 10, Y0 + 1, X0 + 10, Y0 + 11);
    o.method = GK_VOLUME_CELL;
    if (gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res) == GK_OK) {
        is_double(res.area_m2, 100, 1e-12, 0, "half off the DEM: 100 m2 covered");
        is_double(res.nodata_area_m2, 100, 1e-12, 0,
                  "half off the DEM: 100 m2 uncovered");
    }
    gk_dem_close(d);
}

static void geographic(void)
{
    /* a 1" lon/lat grid near Merapi, z = 1 */
    double one = 1, s = 1.0 / 3600;
    vt_raster_t r = {.name = "geo.tif", .w = 60, .h = 50,
                     .gt = {110.4, s, 0, -7.5, 0, -s}, .crs = "EPSG:4326",
                     .type = GDT_Int16, .block = 16};
    gk_dem_t *d = NULL;
    gk_dem_open(ctx, vt_make(&r, const_fn, &one), 1, &d);
    struct geod_geodesic g;
    geod_init(&g, 6378137, 1 / 298.257223563);
    double lats[4] = {-7.5 - 10 * s, -7.5 - 10 * s, -7.5 - 11 * s, -7.5 - 11 * s};
    double lons[4] = {110.4, 110.4 + s, 110.4 + s, 110.4};
    double a_geod = 0;
    geod_polygonarea(&g, lats, lons, 4, &a_geod, NULL);
    is_double(gk_dem_cell_area_m2(d, 10), fabs(a_geod), 1e-9, 0,
              "lon/lat cell area = geod_polygonarea of the cell (1e-9)");
    /* an aligned region: cut = its ellipsoidal area x 1 m */
    vt_poly_t poly = vt_rect_poly(110.4 + 5 * s, -7.5 - 40 * s, 110.4 + 45 * s,
                               -7.5 - 10 * s);
    double area = gk_ellipsoid_quad_area(6378137, 1 / 298.257223563,
                                         110.4 + 5 * s, 110.4 + 45 * s,
                                         -7.5 - 40 * s, -7.5 - 10 * s);
    gk_volume_opts_t o = {0};
    gk_volume_result_t res;
    if (gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res) == GK_OK) {
        is_double(res.cut_m3, fabs(area), 1e-12, 0, "lon/lat: cell cut = ellipsoidal area");
        is_double(res.nodata_area_m2, 0, 0, 1e-9, "lon/lat: region fully covered");
    }
    o.method = GK_VOLUME_TIN;
    if (gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res) == GK_OK)
        is_double(res.cut_m3, fabs(area), 1e-9, 0, "lon/lat: tin cut = ellipsoidal area");
    /* a triangle: covered area (cell sums) = the region's own area */
    vt_poly_t tri = {0};
    vt_begin_feature(&tri);
    vt_begin_part(&tri);
    double t[6] = {110.4 + 3.3 * s, -7.5 - 2.2 * s, 110.4 + 55.1 * s,
                   -7.5 - 13.7 * s, 110.4 + 20.6 * s, -7.5 - 47.9 * s};
    vt_ring(&tri, t, 3);
    o.method = GK_VOLUME_CELL;
    if (gk_volume_compute(ctx, d, vt_view(&tri), NULL, &o, &res) == GK_OK) {
        double la[3] = {t[1], t[3], t[5]}, lo[3] = {t[0], t[2], t[4]};
        geod_polygonarea(&g, la, lo, 3, &a_geod, NULL);
        /* the region's edges are straight in lon/lat, not geodesics: for
         * 1.5 km edges at 7.5 deg S that differs by a few 1e-6 */
        is_double(res.area_m2, fabs(a_geod), 1e-5, 0,
                  "lon/lat triangle: covered area = geodesic area (1e-5)");
        is_double(res.nodata_area_m2, 0, 0, 1e-9 * fabs(a_geod),
                  "lon/lat triangle: coverage sums to the region's area");
    }
    gk_dem_close(d);
}

static void rotated_and_surface(void)
{
    /* a rotated projected grid: TIN still exact for a plane */
    double th = 0.3, c = cos(th), sn = sin(th);
    vt_raster_t r = {.name = "rot.tif", .w = 60, .h = 60,
                     .gt = {X0, c, -sn, Y0 + 60, -sn, -c},
                     .crs = "EPSG:32749", .type = GDT_Float64, .block = 32};
    gk_dem_t *d = NULL;
    is_int(gk_dem_open(ctx, vt_make(&r, plane_fn, NULL), 1, &d), GK_OK,
           "rotated projected grid: supported");
    ok(gk_dem_info(d)->rotated, "rotated flag set");
    vt_poly_t poly = {0};
    vt_begin_feature(&poly);
    vt_begin_part(&poly);
    double rr[8];
    vt_rect(X0 + 10, Y0 + 30, 30, 20, 0.7, rr);
    vt_ring(&poly, rr, 4);
    double cut, fill, area;
    vt_poly_cutfill(&poly, 100 - 0.25 * X0 + 0.125 * Y0 - 101, 0.25, -0.125,
                    &cut, &fill, &area);
    gk_volume_opts_t o = {.method = GK_VOLUME_TIN,
                          .design = {.kind = GK_DESIGN_LEVEL, .level_m = 101}};
    gk_volume_result_t res;
    if (gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res) == GK_OK) {
        is_double(res.cut_m3, cut, 1e-9, 0, "rotated grid: tin cut exact");
        is_double(res.fill_m3, fill, 1e-9, 0, "rotated grid: tin fill exact");
    } else {
        ok(0, "rotated: %s", gk_errmsg(ctx));
    }
    gk_dem_close(d);

    /* design = a second DEM of the same plane + 0.5 on another grid:
     * bilinear sampling of a plane is exact, so fill = area x 0.5 */
    vt_raster_t a = {.name = "before.tif", .w = 80, .h = 80,
                     .gt = {X0, 1, 0, Y0 + 80, 0, -1}, .crs = "EPSG:32749",
                     .type = GDT_Float64, .block = 32};
    gk_dem_t *d1 = NULL, *d2 = NULL;
    gk_dem_open(ctx, vt_make(&a, plane_fn, NULL), 1, &d1);
    vt_raster_t b = {.name = "after.tif", .w = 70, .h = 70,
                     .gt = {X0 - 3.3, 1.3, 0, Y0 + 83.1, 0, -1.3},
                     .crs = "EPSG:32749", .type = GDT_Float64, .block = 16};
    double off = 0.5;
    struct { double o; } uo = {off};
    (void)uo;
    gk_dem_open(ctx, vt_make(&b, plane_fn, NULL), 1, &d2);
    poly = vt_rect_poly(X0 + 10.5, Y0 + 10.5, X0 + 60.5, Y0 + 50.5);
    o = (gk_volume_opts_t){.method = GK_VOLUME_TIN,
                           .design = {.kind = GK_DESIGN_SURFACE, .surface = d2}};
    if (gk_volume_compute(ctx, d1, vt_view(&poly), NULL, &o, &res) == GK_OK) {
        is_double(res.cut_m3, 0, 0, 1e-6, "same plane on another grid: no cut");
        is_double(res.fill_m3, 0, 0, 1e-6, "same plane on another grid: no fill (bilinear exact)");
    } else {
        ok(0, "surface: %s", gk_errmsg(ctx));
    }
    gk_dem_close(d2);
    vt_raster_t g = {.name = "geo2.tif", .w = 10, .h = 10,
                     .gt = {110, 0.001, 0, -7, 0, -0.001}, .crs = "EPSG:4326",
                     .type = GDT_Float32};
    gk_dem_open(ctx, vt_make(&g, const_fn, &off), 1, &d2);
    o.design.surface = d2;
    is_int(gk_volume_compute(ctx, d1, vt_view(&poly), NULL, &o, &res),
           GK_ERR_UNSUPPORTED, "design DEM in another CRS: refused");
    has_str(gk_errmsg(ctx), "geo2.tif: the design surface is in another CRS",
            "design DEM in another CRS: message");
    gk_dem_close(d2);
    gk_dem_close(d1);
}

static void road_design(void)
{
    double ten = 10;
    vt_raster_t r = {.name = "flat10.tif", .w = 260, .h = 20,
                     .gt = {X0 - 30, 1, 0, Y0 + 10.5, 0, -1},
                     .crs = "EPSG:32749", .type = GDT_Float32, .block = 64};
    gk_dem_t *d = NULL;
    gk_dem_open(ctx, vt_make(&r, const_fn, &ten), 1, &d);
    uint8_t lt = GK_GEOM_LINESTRING;
    int64_t go[2] = {0, 1}, po[2] = {0, 1}, ro[2] = {0, 2};
    double lxy[4] = {X0, Y0, X0 + 200, Y0}; /* along a row of centres */
    gk_geoms_t cl = {1, &lt, go, po, ro, lxy, NULL};
    double st[2] = {0, 200}, fg[2] = {10, 10};
    gk_volume_opts_t o = {.method = GK_VOLUME_SECTIONS, .centerline = &cl,
                          .half_width_m = 3, .interval_m = 25};
    o.design.kind = GK_DESIGN_ROAD;
    o.design.road = (gk_road_design_t){.station_m = st, .grade_z_m = fg,
                                       .nprofile = 2, .cross_slope_pct = 2.0,
                                       .thickness_m = 0.3};
    /* cut per metre: 0.3 x 6 + 2 x 0.02 x 3^2 / 2 = 1.98 */
    gk_volume_result_t res;
    if (gk_volume_compute(ctx, d, NULL, NULL, &o, &res) == GK_OK) {
        is_double(res.cut_m3, 396, 1e-12, 0, "road: sections cut 396 (camber + 0.3 m)");
        gk_volume_result_free(&res);
    } else {
        ok(0, "road sections: %s", gk_errmsg(ctx));
    }
    /* the same profile from a CSV file: a rising grade 10 -> 11 m */
    char csv[300];
    snprintf(csv, sizeof csv, "%s/profile.csv", vt_dir);
    FILE *fp = fopen(csv, "w");
    fputs("station_m,elevation_m\n# comment\n0,10\n100;10.5\n200\t11\n", fp);
    fclose(fp);
    double *ps = NULL, *pz = NULL;
    size_t pn = 0;
    if (is_int(gk_road_profile_read(ctx, csv, &ps, &pz, &pn), GK_OK,
               "profile CSV read") &&
        is_int((long long)pn, 3, "profile CSV: 3 points")) {
        is_double(pz[2], 11, 0, 0, "profile CSV: tab-separated last value");
        gk_volume_opts_t o2 = o;
        o2.design.road = (gk_road_design_t){.station_m = ps, .grade_z_m = pz,
                                            .nprofile = pn,
                                            .cross_slope_pct = 2.0,
                                            .thickness_m = 0.3};
        /* fill above the flat ground: 6 x integral of (s / 200) ds = 600,
         * minus the cut of the trench: the section method sees both */
        if (gk_volume_compute(ctx, d, NULL, NULL, &o2, &res) == GK_OK) {
            /* h = -s/200 + 0.3 + 0.02 |t|: net = 396 - 6 * 100 = -204 */
            is_double(res.net_m3, -204, 1e-9, 0,
                      "road from profile CSV: net -204 m3 (linear in s)");
            gk_volume_result_free(&res);
        }
        gk_free(ps);
        gk_free(pz);
    }
    fp = fopen(csv, "w");
    fputs("0,10\n50,10.2\n40,10.4\n", fp);
    fclose(fp);
    is_int(gk_road_profile_read(ctx, csv, &ps, &pz, &pn), GK_ERR_INPUT_VALUE,
           "profile CSV: decreasing station refused");
    has_str(gk_errmsg(ctx), "profile.csv: line 3: station 40 m does not increase",
            "profile CSV: message names the line");

    vt_poly_t poly = vt_rect_poly(X0, Y0 - 3, X0 + 200, Y0 + 3);
    o.method = GK_VOLUME_TIN;
    if (gk_volume_compute(ctx, d, vt_view(&poly), NULL, &o, &res) == GK_OK)
        is_double(res.cut_m3, 396, 1e-12, 0,
                  "road: tin cut 396 (crown on a centre row)");
    else
        ok(0, "road tin: %s", gk_errmsg(ctx));
    gk_dem_close(d);
}

static void fast_path_diff_report(void)
{
    /* Float32 (fast kernel) and Float64 (general path) of a plane whose
     * centre values are exact in float32 */
    vt_raster_t r = {.name = "p32.tif", .w = 100, .h = 90,
                     .gt = {X0, 1, 0, Y0 + 90, 0, -1}, .crs = "EPSG:32749",
                     .type = GDT_Float32, .block = 32};
    gk_dem_t *d32 = NULL, *d64 = NULL;
    gk_dem_open(ctx, vt_make(&r, plane_fn, NULL), 1, &d32);
    r.name = "p64.tif";
    r.type = GDT_Float64;
    gk_dem_open(ctx, vt_make(&r, plane_fn, NULL), 1, &d64);
    vt_poly_t poly = {0};
    vt_begin_feature(&poly);
    vt_begin_part(&poly);
    double rr[8];
    vt_rect(X0 + 50, Y0 + 45, 80, 50, 0.4, rr);
    vt_ring(&poly, rr, 4);
    gk_volume_opts_t o = {.design = {.kind = GK_DESIGN_LEVEL, .level_m = 110}};
    gk_volume_result_t a, b;
    gk_volume_compute(ctx, d32, vt_view(&poly), NULL, &o, &a);
    gk_volume_compute(ctx, d64, vt_view(&poly), NULL, &o, &b);
    is_double(a.cut_m3, b.cut_m3, 1e-13, 0, "float32 fast kernel = general path (cut)");
    is_double(a.fill_m3, b.fill_m3, 1e-13, 0, "float32 fast kernel = general path (fill)");

    /* difference raster */
    char path[300];
    snprintf(path, sizeof path, "%s/diff.tif", vt_dir);
    o.diff_raster_path = path;
    if (gk_volume_compute(ctx, d32, vt_view(&poly), NULL, &o, &a) == GK_OK) {
        GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
        ok(ds != NULL, "diff raster written and readable");
        if (ds) {
            double gt[6];
            GDALGetGeoTransform(ds, gt);
            int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
            int cx = w / 2, cy = h / 2;
            float v = 0, corner = 0;
            GDALRasterBandH bd = GDALGetRasterBand(ds, 1);
            if (GDALRasterIO(bd, GF_Read, cx, cy, 1, 1, &v, 1, 1, GDT_Float32, 0, 0) != CE_None ||
                GDALRasterIO(bd, GF_Read, 0, 0, 1, 1, &corner, 1, 1, GDT_Float32, 0, 0) != CE_None)
                diag("read failed");
            double x = gt[0] + (cx + 0.5) * gt[1], y = gt[3] + (cy + 0.5) * gt[5];
            is_double(v, plane_fn(x, y, NULL) - 110, 1e-6, 0,
                      "diff raster: centre cell = ground - design");
            ok(isnan(corner), "diff raster: outside the rotated region is nodata");
            int has = 0;
            GDALGetRasterNoDataValue(bd, &has);
            ok(has, "diff raster declares nodata");
            GDALClose(ds);
        }
        char part[320];
        snprintf(part, sizeof part, "%s.part", path);
        ok(access(part, F_OK) != 0, "no .part file left");
    } else {
        ok(0, "diff: %s", gk_errmsg(ctx));
    }
    /* reports */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    gk_volume_report(ctx, &a, GK_REPORT_JSON, fp);
    fclose(fp);
    has_str(buf, "\"method\": \"cell\"", "json: method");
    has_str(buf, "\"nodata_area_m2\": 0", "json: nodata_area_m2");
    ok(strstr(buf, "\"cut_m3\"") && strstr(buf, "\"fill_m3\"") &&
           strstr(buf, "\"net_m3\"") && strstr(buf, "\"area_m2\""),
       "json: the issue's keys");
    free(buf);
    fp = open_memstream(&buf, &len);
    gk_volume_report(ctx, &a, GK_REPORT_CSV, fp);
    fclose(fp);
    has_str(buf, "method,cut_m3,fill_m3,net_m3,area_m2,nodata_area_m2", "csv header");
    free(buf);
    gk_dem_close(d32);
    gk_dem_close(d64);
}

static void srtm(void)
{
    const char *dir = getenv("GK_SHARED_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/dem/srtm1_merapi.tif", dir ? dir : "");
    if (!dir || access(path, R_OK) != 0) {
        ok(1, "# SKIP srtm1_merapi.tif absent");
        return;
    }
    gk_dem_t *d = NULL;
    if (!ok(gk_dem_open(ctx, path, 1, &d) == GK_OK, "SRTM opens")) {
        diag("%s", gk_errmsg(ctx));
        return;
    }
    const gk_dem_info_t *in = gk_dem_info(d);
    ok(in->geographic && strcmp(in->data_type, "Int16") == 0 &&
           in->width == 360,
       "SRTM: lon/lat Int16 360 x 360");
    struct geod_geodesic g;
    geod_init(&g, in->semi_major_m, 1 / in->inv_flattening);
    const double *gt = in->geotransform;
    double la[4] = {gt[3], gt[3], gt[3] + gt[5], gt[3] + gt[5]};
    double lo[4] = {gt[0], gt[0] + gt[1], gt[0] + gt[1], gt[0]};
    double a = 0;
    geod_polygonarea(&g, la, lo, 4, &a, NULL);
    is_double(gk_dem_cell_area_m2(d, 0), fabs(a), 1e-9, 0,
              "SRTM cell area on the ellipsoid = geod_polygonarea");
    /* a rotated square of ~1.2 km on the flank, against level 2100 m */
    vt_poly_t poly = {0};
    vt_begin_feature(&poly);
    vt_begin_part(&poly);
    double rr[8];
    vt_rect(110.44, -7.55, 0.011, 0.011, 0.35, rr);
    vt_ring(&poly, rr, 4);
    double las[4] = {rr[1], rr[3], rr[5], rr[7]}, los[4] = {rr[0], rr[2], rr[4], rr[6]};
    geod_polygonarea(&g, las, los, 4, &a, NULL);
    gk_volume_opts_t o = {.design = {.kind = GK_DESIGN_LEVEL, .level_m = 2100}};
    gk_volume_result_t c1, c2, t1;
    if (gk_volume_compute(ctx, d, vt_view(&poly), "EPSG:4326", &o, &c1) != GK_OK) {
        ok(0, "SRTM cell: %s", gk_errmsg(ctx));
        gk_dem_close(d);
        return;
    }
    is_double(c1.area_m2, fabs(a), 1e-7, 0, "SRTM: covered area = geodesic area (1e-7)");
    ok(c1.cut_m3 > 0 && c1.fill_m3 > 0, "SRTM: both cut (%.0f) and fill (%.0f)",
       c1.cut_m3, c1.fill_m3);
    o.threads = 2;
    gk_volume_compute(ctx, d, vt_view(&poly), "EPSG:4326", &o, &c2);
    ok(c1.cut_m3 == c2.cut_m3 && c1.fill_m3 == c2.fill_m3,
       "SRTM: 2 threads bit-identical");
    o.method = GK_VOLUME_TIN;
    gk_volume_compute(ctx, d, vt_view(&poly), "EPSG:4326", &o, &t1);
    is_double(t1.net_m3, c1.net_m3, 0.02, 0, "SRTM: tin and cell net within 2 %");
    diag("SRTM cell cut %.0f fill %.0f; tin cut %.0f fill %.0f m3", c1.cut_m3,
         c1.fill_m3, t1.cut_m3, t1.fill_m3);
    gk_dem_close(d);
}

int main(void)
{
    vt_tmpdir();
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    gk_context_new(&ctx);
    gk_context_set_logger(ctx, logger, NULL);
    bad_inputs();
    nodata_and_feet();
    geographic();
    rotated_and_surface();
    road_design();
    fast_path_diff_report();
    srtm();
    gk_context_free(ctx);
    vt_cleanup();
    return done_testing();
}
