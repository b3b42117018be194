/*
 * lib/volume/ground_profile.c - a road's finished grade that follows the
 * ground: sample the DEM along each centerline, smooth, add an offset.
 *
 * Sampling: stations every `step` metres from 0 to the line's length (the
 * end always included), measured in the centerline's metric frame
 * (design.c: the projected DEM's CRS in metres, or a local transverse
 * Mercator for lon/lat DEMs), the ground taken bilinearly between the four
 * nearest cell centres (gk_dem_sample), NaN where one of them is nodata.
 *
 * Smoothing (gk_profile_smooth): a local linear regression with a box
 * kernel, i.e. at station s_i the least-squares line through the samples
 * with |s_j - s_i| <= W/2, evaluated at s_i. Why not a plain moving
 * average: at the ends of a line the window is cut off on one side, and a
 * plain average there is biased by half the window times the grade (a
 * 5 % grade and W = 50 m: 0.6 m at the end station); the fitted line is
 * unbiased for any ground linear along the road. Where the window is whole
 * and the samples evenly spaced, the sum of the offsets d_j = s_j - s_i is
 * zero and the fit reduces to the moving average exactly, so the
 * variance of independent noise drops from sigma^2 to sigma^2 / m with m
 * samples in the window (the tests check both). Near the ends the fit has
 * fewer samples and a larger variance: sigma^2 (1/m' + d_mean^2 / S_dd).
 *
 * Beyond the ends: the region's cells reach past the ends of a line (a
 * flat-ended corridor's boundary cells; the TIN's vertices at cell
 * centres), where the design takes stations below 0 or above the length.
 * Each line's profile gets one more station at each end, max(W/2, two
 * cells) further, on the line through its two end stations, so a planar
 * ground is followed there too (and the TIN volume stays exact).
 *
 * Precision: sums in offsets d_j and heights relative to the first sample
 * of the window, so a 100 km road at 1000 m elevation keeps ~1e-13 m.
 * Cost: O(n * m) for n stations and m samples a window.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volume_internal.h"

void gk_profile_smooth(const double *s, const double *z, size_t n,
                       double half, double *out)
{
    size_t lo = 0, hi = 0; /* window [lo, hi) */
    /* a margin of rounding so that evenly spaced stations at exactly
     * +/- half are inside on both sides */
    double eps = 1e-9 * (half > 0 ? half : 1);
    for (size_t i = 0; i < n; i++) {
        while (lo < i && s[i] - s[lo] > half + eps)
            lo++;
        if (hi < i + 1)
            hi = i + 1;
        while (hi < n && s[hi] - s[i] <= half + eps)
            hi++;
        double zc = NAN, sn = 0, sd = 0, sdd = 0, sz = 0, sdz = 0;
        for (size_t j = lo; j < hi; j++) {
            if (isnan(z[j]))
                continue;
            if (isnan(zc))
                zc = z[j];
            double d = s[j] - s[i], h = z[j] - zc;
            sn += 1;
            sd += d;
            sdd += d * d;
            sz += h;
            sdz += d * h;
        }
        if (sn == 0) {
            out[i] = NAN;
            continue;
        }
        /* centred second moment; 0 when all samples sit at one station */
        double den = sn * sdd - sd * sd;
        double b = den > 1e-12 * sn * sdd ? (sn * sdz - sd * sz) / den : 0;
        out[i] = zc + (sz - b * sd) / sn;
    }
}

/* Ground at station s of line k (bilinear; NaN off the data). */
static gk_status_t ground_at(gk_dem_reader_t *rd, const gk_centerline_t *cl,
                             size_t k, double s, double *z)
{
    double x, y, dx, dy, u, v;
    gk_centerline_at(cl, k, s, &x, &y, &dx, &dy);
    if (cl->to_dem) {
        PJ_COORD p = proj_trans(cl->to_dem, PJ_INV, proj_coord(x, y, 0, 0));
        x = p.xy.x;
        y = p.xy.y;
    } else {
        x *= cl->unit;
        y *= cl->unit;
    }
    gk_dem_grid(rd->dem, x, y, &u, &v);
    return gk_dem_sample(rd, u, v, GK_RESAMPLE_BILINEAR, z);
}

/* Stations of a line of length len every step (end included). */
static size_t station_count(double len, double step)
{
    double n = floor(len / step);
    /* the end: its own station unless the last step lands on it */
    if (len - n * step > 1e-9 * step)
        n += 1;
    return (size_t)n + 1;
}

gk_status_t gk_road_profile_from_ground(
    gk_context_t *ctx, const gk_dem_t *dem, const gk_geoms_t *centerline,
    const char *crs, double offset_m, double window_m, double step_m,
    double **station_m, double **grade_z_m, size_t **line_off,
    size_t *nlines)
{
    if (!ctx || !dem || !centerline || !station_m || !grade_z_m ||
        !line_off || !nlines)
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_road_profile_from_ground: NULL argument");
    if (!isfinite(offset_m) || !(window_m >= 0) || !isfinite(window_m) ||
        !(step_m >= 0) || !isfinite(step_m))
        return gk_error(ctx, GK_ERR_ARG,
                        "ground profile: offset (%g m) must be finite, "
                        "window (%g m) and step (%g m) 0 or positive",
                        offset_m, window_m, step_m);
    double W = window_m > 0 ? window_m : 50.0;
    double step = step_m > 0 ? step_m : 1.0;
    gk_centerline_t cl;
    gk_status_t st = gk_centerline_build(ctx, dem, centerline, crs, &cl);
    if (st != GK_OK)
        return st;
    size_t nl = cl.nlines, total = 0;
    const double *g = dem->info.geotransform;
    double cell = fmax(hypot(g[1], g[4]), hypot(g[2], g[5])) *
                  (dem->info.geographic
                       ? GK_PI / 180 * dem->info.semi_major_m
                       : dem->info.linear_unit_m);
    double ext = fmax(W / 2, 2 * cell);
    for (size_t k = 0; k < nl; k++) {
        double len = cl.cum[cl.off[k + 1] - 1];
        if (len / step > 1e8 || total > 100000000) {
            gk_centerline_free(&cl);
            return gk_error(ctx, GK_ERR_ARG,
                            "ground profile: line %zu: %g m at a %g m step "
                            "is too many samples",
                            k, len, step);
        }
        total += station_count(len, step) + 2;
    }
    if (nl == 0) {
        gk_centerline_free(&cl);
        return gk_error(ctx, GK_ERR_INPUT_EMPTY, "ground profile: no lines");
    }
    double *sta = gk_calloc_array(total, sizeof *sta);
    double *gz = gk_calloc_array(total, sizeof *gz);
    double *raw = gk_calloc_array(total, sizeof *raw);
    size_t *off = gk_calloc_array(nl + 1, sizeof *off);
    gk_dem_reader_t rd = {0};
    if (!sta || !gz || !raw || !off) {
        st = gk_error_nomem(ctx, "the ground profile");
        goto out;
    }
    if ((st = gk_dem_reader_init(&rd, ctx, dem, false)) != GK_OK)
        goto out;
    size_t n = 0, dropped = 0, sampled = 0;
    for (size_t k = 0; k < nl; k++) {
        double len = cl.cum[cl.off[k + 1] - 1];
        /* samples at a.., after a slot for the extension before 0 */
        size_t m = station_count(len, step), a = n + 1;
        sampled += m;
        for (size_t i = 0; i < m; i++) {
            sta[a + i] = i + 1 == m ? len : (double)i * step;
            if ((st = ground_at(&rd, &cl, k, sta[a + i], &raw[a + i])) !=
                GK_OK)
                goto out;
        }
        gk_profile_smooth(sta + a, raw + a, m, W / 2, gz + a);
        /* keep the stations with a grade, packed in place */
        size_t b = n + 1;
        for (size_t i = 0; i < m; i++) {
            if (isnan(gz[a + i])) {
                dropped++;
                continue;
            }
            sta[b] = sta[a + i];
            gz[b++] = gz[a + i] + offset_m;
        }
        if (b == n + 1) {
            st = gk_error(ctx, GK_ERR_INPUT,
                          "%s: no DEM data along line %zu of the centerline "
                          "(%.6g m long)",
                          dem->path, k, len);
            goto out;
        }
        /* The corridor's cells reach up to a cell past the ends, where
         * stations are negative or beyond the length (design.c): carry
         * the end grades on linearly over `ext` metres. */
        double g0 = gz[n + 1], g1 = gz[b - 1], k0 = 0, k1 = 0;
        if (b - n - 1 >= 2) {
            k0 = (gz[n + 2] - g0) / (sta[n + 2] - sta[n + 1]);
            k1 = (g1 - gz[b - 2]) / (sta[b - 1] - sta[b - 2]);
        }
        sta[n] = sta[n + 1] - ext;
        gz[n] = g0 - ext * k0;
        sta[b] = sta[b - 1] + ext;
        gz[b] = g1 + ext * k1;
        n = b + 1;
        off[k + 1] = n;
    }
    if (dropped)
        gk_log(ctx, GK_LOG_WARNING,
               "%s: %zu of %zu stations of the ground profile have no DEM "
               "data within %g m; the grade is interpolated across them",
               dem->path, dropped, sampled, W / 2);
    *station_m = sta;
    *grade_z_m = gz;
    *line_off = off;
    *nlines = nl;
    sta = gz = NULL;
    off = NULL;
out:
    gk_dem_reader_fini(&rd);
    gk_centerline_free(&cl);
    free(sta);
    free(gz);
    free(raw);
    free(off);
    return st;
}
