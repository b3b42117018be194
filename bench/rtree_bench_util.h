/*
 * bench/rtree_bench_util.h - what the R-tree benchmarks (bench_rtree.c,
 * bench_rtree_boost.cpp, bench_knn_pair.cpp) share: reading the data of
 * `bench_rtree --gen`, the clock, and the process's memory figures. C, and
 * usable from C++.
 */
#ifndef GK_BENCH_RTREE_BENCH_UTIL_H
#define GK_BENCH_RTREE_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Read n doubles from path into v; a benchmark cannot go on without its
 * data, so a short or missing file ends the program. */
static inline void bench_read_f64(const char *path, double *v, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f || fread(v, sizeof *v, n, f) != n) {
        fprintf(stderr, "cannot read %s (run bench_rtree --gen first)\n", path);
        exit(1);
    }
    fclose(f);
}

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A "Key:  N kB" figure of /proc/self/status (VmRSS, VmHWM), -1 if none. */
static inline long bench_status_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0)
            v = atol(line + kl + 1);
    if (f)
        fclose(f);
    return v;
}

/* Reset VmHWM to the current RSS, so a build's peak can be read after. */
static inline void bench_reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

#endif
