/*
 * tools/earthwork.h - shared set-up of `geokota volume` and
 * `geokota estimate --dem`.
 */
#ifndef GK_TOOLS_EARTHWORK_H
#define GK_TOOLS_EARTHWORK_H

#include "cli.h"

typedef struct earthwork_args {
    const char *dem_path;
    int band;
    bool has_level;
    double level;
    bool has_plane;
    double plane[5];          /* x, y, z, dz/dx, dz/dy */
    const char *surface_path; /* second DEM */
    bool nearest;             /* nearest instead of bilinear */
    const char *profile_path; /* road finished grade */
    bool has_offset;          /* finished grade = smoothed ground + offset */
    double offset_m;
    double smooth_m;          /* smoothing window, 0 = the library's 50 m */
    double camber_pct;
    bool one_way;
    double width_m;           /* carriageway width of the road design */
    gk_volume_method_t method;
    double interval_m;
    double swell, shrink;
    unsigned threads;
    const char *diff_raster;
} earthwork_args_t;

typedef struct earthwork {
    gk_dem_t *dem, *surface;
    double *station_m, *grade_z_m;
    size_t nprofile;
    size_t *line_off, nlines;  /* per-line profiles from the ground */
    bool from_ground;
    double offset_m, smooth_m;
    double half_width_m;
    gk_volume_opts_t opts;
} earthwork_t;

/* Open the DEM(s) and set up the design; tpl gives the pavement depth and
 * extra widths of a road design (may be NULL). */
gk_status_t earthwork_prepare(cli_t *cli, const earthwork_args_t *a,
                              const gk_template_t *tpl, earthwork_t *e);
gk_status_t earthwork_run(cli_t *cli, earthwork_t *e,
                          const gk_layer_t *region,
                          const gk_layer_t *centerline,
                          gk_volume_result_t *out);
void earthwork_free(earthwork_t *e);

#endif /* GK_TOOLS_EARTHWORK_H */
