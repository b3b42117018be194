/*
 * bench/bench_volume.c - whole-raster and corridor cut/fill on one 8192 x
 * 8192 Float32 tiled (256 x 256) GeoTIFF, against its floors and peers, in
 * one run on the same file (page cache warm after the first pass):
 *   - geokota cell method, 1 and 2 threads (a region equal to the raster)
 *   - a naive single-threaded GDALReadBlock loop in C (scalar double sums)
 *   - floor 1: GDALReadBlock of every block, no compute
 *   - floor 2: a plain double sum over the same 256 MB already in memory
 *   - numpy via /usr/bin/python3 + osgeo.gdal (bench/volume_numpy.py)
 *   - the 10 m x 5 km corridor with exact coverage (geokota) against numpy
 *     with a cell-centre mask over the corridor's bounding box
 * exactextract is not packaged for Debian 12 (apt-cache policy
 * exactextract: nothing), so it is not run.
 *
 * Usage: bench_volume [DIR]   (default /tmp; writes DIR/gk_bench_dem.tif,
 * 256 MB, reused if present). Prints wall-clock medians and bests, CPU
 * time medians (the machine is shared: CPU time is what the code costs,
 * wall time also what it waited), ratios to the read floor, and the
 * median count of minor page faults per call (each costs microseconds in
 * this VM, so a call that allocates fresh memory pays for it).
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <geokota/geokota.h>

#define N 8192
#define TILE 256
#define X0 500000.0
#define Y0 9200000.0
#define LEVEL 100.0

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void make_dem(const char *path)
{
    if (access(path, R_OK) == 0)
        return;
    fprintf(stderr, "writing %s (256 MB)...\n", path);
    char **co = NULL;
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", "256");
    co = CSLSetNameValue(co, "BLOCKYSIZE", "256");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, N, N, 1,
                                 GDT_Float32, co);
    CSLDestroy(co);
    double gt[6] = {X0, 1, 0, Y0 + N, 0, -1};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(s, 32749);
    char *wkt = NULL;
    OSRExportToWkt(s, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(s);
    float *row = malloc(sizeof(float) * N * TILE);
    for (int j0 = 0; j0 < N; j0 += TILE) {
        for (int j = 0; j < TILE; j++)
            for (int i = 0; i < N; i++) {
                double x = i, y = j0 + j;
                row[(size_t)j * N + i] =
                    (float)(LEVEL + 20 * sin(x / 700) * cos(y / 900) +
                            0.002 * (x - y) + 0.3 * sin(x * 0.37 + y * 0.11));
            }
        if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, j0, N, TILE,
                         row, N, TILE, GDT_Float32, 0, 0) != CE_None)
            fprintf(stderr, "write failed\n");
    }
    free(row);
    GDALClose(ds);
}

/* Wall and CPU time (all threads of the process) of every repetition:
 * the machine is shared, so medians are reported next to the best. */
#define MAXREP 32
typedef struct timing {
    double best;
    int n;
    double wall[MAXREP], cpu[MAXREP], flt[MAXREP];
} timing_t;

/* minor page faults so far: each costs microseconds in a VM, and a run
 * that allocates afresh pays them on every call */
static double faults_now(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_minflt;
}

static double cpu_now(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec +
           1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static void tadd(timing_t *t, double dt)
{
    if (t->n == 0 || dt < t->best)
        t->best = dt;
    if (t->n < MAXREP)
        t->wall[t->n] = dt;
    t->n++;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAXREP];
    n = n < MAXREP ? n : MAXREP;
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmpd);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* run fn, recording wall and CPU time */
#define TIMED(t, expr)                                                     \
    do {                                                                   \
        double c0_ = cpu_now(), f0_ = faults_now();                        \
        double w_ = (expr);                                                \
        if ((t)->n < MAXREP) {                                             \
            (t)->cpu[(t)->n] = cpu_now() - c0_;                            \
            (t)->flt[(t)->n] = faults_now() - f0_;                         \
        }                                                                  \
        tadd((t), w_);                                                     \
    } while (0)

static double naive(GDALRasterBandH b, float *blk, double *cut, double *fill)
{
    double t0 = now(), c = 0, f = 0;
    for (int by = 0; by < N / TILE; by++)
        for (int bx = 0; bx < N / TILE; bx++) {
            if (GDALReadBlock(b, bx, by, blk) != CE_None)
                return NAN;
            for (int k = 0; k < TILE * TILE; k++) {
                double h = (double)blk[k] - LEVEL;
                if (h > 0)
                    c += h;
                else
                    f -= h;
            }
        }
    *cut = c;
    *fill = f;
    return now() - t0;
}

static double read_only(GDALRasterBandH b, float *blk)
{
    double t0 = now();
    for (int by = 0; by < N / TILE; by++)
        for (int bx = 0; bx < N / TILE; bx++)
            if (GDALReadBlock(b, bx, by, blk) != CE_None)
                return NAN;
    return now() - t0;
}

static double ours(gk_context_t *ctx, gk_dem_t *dem, const gk_geoms_t *g,
                   unsigned threads, gk_volume_result_t *r)
{
    gk_volume_opts_t o = {.design = {.kind = GK_DESIGN_LEVEL,
                                     .level_m = LEVEL},
                          .threads = threads};
    double t0 = now();
    if (gk_volume_compute(ctx, dem, g, NULL, &o, r) != GK_OK) {
        fprintf(stderr, "geokota: %s\n", gk_errmsg(ctx));
        return NAN;
    }
    return now() - t0;
}

static long peak_rss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    char path[512], cmd[1400];
    snprintf(path, sizeof path, "%s/gk_bench_dem.tif", dir);
    GDALAllRegister();
    make_dem(path);
    const int reps = 15;

    gk_context_t *ctx;
    gk_context_new(&ctx);
    gk_dem_t *dem;
    if (gk_dem_open(ctx, path, 1, &dem) != GK_OK) {
        fprintf(stderr, "%s\n", gk_errmsg(ctx));
        return 1;
    }
    /* the whole raster as a region */
    uint8_t ty = GK_GEOM_POLYGON;
    int64_t go[2] = {0, 1}, po[2] = {0, 1}, ro[2] = {0, 5};
    double xy[10] = {X0, Y0, X0 + N, Y0, X0 + N, Y0 + N, X0, Y0 + N, X0, Y0};
    gk_geoms_t whole = {1, &ty, go, po, ro, xy, NULL};
    /* the corridor: 10 m wide, 5 km long, slightly oblique */
    double ax = X0 + 1500, ay = Y0 + 4000.3, bx = ax + 5000 * cos(0.06),
           by = ay + 5000 * sin(0.06);
    double nx = -sin(0.06) * 5, ny = cos(0.06) * 5;
    double cxy[10] = {ax - nx, ay - ny, bx - nx, by - ny, bx + nx,
                      by + ny, ax + nx, ay + ny, ax - nx, ay - ny};
    gk_geoms_t corr = {1, &ty, go, po, ro, cxy, NULL};

    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    float *blk = malloc(sizeof(float) * TILE * TILE);
    read_only(band, blk); /* warm the page cache */

    timing_t t_ro = {0}, t_naive = {0}, t_1 = {0}, t_2 = {0}, t_corr = {0};
    double ncut = 0, nfill = 0;
    gk_volume_result_t r1, r2, rc;
    for (int k = 0; k < reps; k++) {
        TIMED(&t_ro, read_only(band, blk));
        TIMED(&t_naive, naive(band, blk, &ncut, &nfill));
        TIMED(&t_1, ours(ctx, dem, &whole, 1, &r1));
        TIMED(&t_2, ours(ctx, dem, &whole, 2, &r2));
        TIMED(&t_corr, ours(ctx, dem, &corr, 1, &rc));
    }
    long rss_ours = peak_rss_kb();

    /* floor 2: the same bytes already in memory, a plain double sum */
    float *all = malloc(sizeof(float) * (size_t)N * N);
    if (GDALRasterIO(band, GF_Read, 0, 0, N, N, all, N, N, GDT_Float32, 0,
                     0) != CE_None)
        fprintf(stderr, "read failed\n");
    timing_t t_mem = {0};
    double msum = 0;
    for (int k = 0; k < reps; k++) {
        double t0 = now(), s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t i = 0; i < (size_t)N * N; i += 4) {
            s0 += all[i];
            s1 += all[i + 1];
            s2 += all[i + 2];
            s3 += all[i + 3];
        }
        msum = s0 + s1 + s2 + s3;
        tadd(&t_mem, now() - t0);
    }
    free(all);
    GDALClose(ds);
    free(blk);

    printf("geokota volume bench: %d x %d Float32, %dx%d tiles, %s\n", N, N,
           TILE, TILE, path);
    printf("(%d repetitions, page cache warm; wall-clock median and best, "
           "CPU time median;\n ratios are medians over the read floor's)\n\n",
           reps);
    printf("%-46s %8s %8s %8s %8s %8s %8s\n", "", "med ms", "best ms",
           "x floor", "cpu ms", "cpu x", "faults");
    double fl = median(t_ro.wall, t_ro.n), flc = median(t_ro.cpu, t_ro.n);
    struct {
        const char *name;
        const timing_t *t;
    } rows[] = {
        {"floor: GDALReadBlock all blocks, no compute", &t_ro},
        {"naive C GDALReadBlock loop (1 thread)", &t_naive},
        {"geokota cell method, 1 thread", &t_1},
        {"geokota cell method, 2 threads", &t_2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double m = median(rows[i].t->wall, rows[i].t->n);
        double c = median(rows[i].t->cpu, rows[i].t->n);
        printf("%-46s %8.1f %8.1f %8.2f %8.1f %8.2f %8.0f\n", rows[i].name,
               1e3 * m, 1e3 * rows[i].t->best, m / fl, 1e3 * c, c / flc,
               median(rows[i].t->flt, rows[i].t->n));
    }
    printf("%-46s %8.1f %8.1f %8.2f\n", "floor: double sum of 256 MB in memory",
           1e3 * median(t_mem.wall, t_mem.n), 1e3 * t_mem.best,
           median(t_mem.wall, t_mem.n) / fl);
    double load[3] = {0};
    if (getloadavg(load, 3) == 3)
        printf("load average at the end: %.2f %.2f %.2f on %ld CPUs\n", load[0],
               load[1], load[2], sysconf(_SC_NPROCESSORS_ONLN));
    printf("\ncut %.6e / fill %.6e m3 (geokota 1 thread)\n", r1.cut_m3,
           r1.fill_m3);
    printf("cut %.6e / fill %.6e m3 (naive loop)   rel diff %.2g / %.2g\n",
           ncut, nfill, fabs(ncut - r1.cut_m3) / r1.cut_m3,
           fabs(nfill - r1.fill_m3) / r1.fill_m3);
    printf("1 vs 2 threads bit-identical: %s\n",
           r1.cut_m3 == r2.cut_m3 && r1.fill_m3 == r2.fill_m3 ? "yes" : "NO");
    printf("memory sum check %.6e; peak RSS before the in-memory floor: "
           "%.1f MB\n",
           msum, (double)rss_ours / 1024);
    printf("\n10 m x 5 km corridor, exact coverage (geokota, 1 thread): "
           "%.2f ms (median), cut %.3f fill %.3f m3, area %.3f m2 (%zu cells)\n",
           1e3 * median(t_corr.wall, t_corr.n), rc.cut_m3, rc.fill_m3,
           rc.area_m2, rc.ncells);
    fflush(stdout);

    /* numpy, on the same file, whole raster and the corridor */
    const char *src = getenv("GK_BENCH_DIR");
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 %s/volume_numpy.py %s %.17g %.17g %.17g %.17g "
             "%.17g %.17g %.17g %.17g %.17g %.17g %.17g",
             src ? src : "bench", path, LEVEL, fl, median(t_1.wall, t_1.n),
             median(t_2.wall, t_2.n), median(t_corr.wall, t_corr.n), rc.cut_m3, rc.fill_m3, ax - X0, ay - Y0, 0.06, 5000.0);
    if (system(cmd) != 0)
        printf("numpy run failed (%s)\n", cmd);
    gk_dem_close(dem);
    gk_context_free(ctx);
    return 0;
}
