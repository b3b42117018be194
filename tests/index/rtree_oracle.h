/*
 * tests/index/rtree_oracle.h - data generators (fixed seeds) and brute-force
 * oracles for the R-tree tests. Coordinates are multiples of 1/64 so every
 * comparison is exact.
 */
#ifndef GK_TESTS_RTREE_ORACLE_H
#define GK_TESTS_RTREE_ORACLE_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_internal.h"

static inline uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static inline double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double q64(double v)
{
    return floor(v * 64.0) / 64.0;
}

enum { DATA_UNIFORM, DATA_CLUSTERED, DATA_POINTS, DATA_IDENTICAL };

/* n boxes in [0, side]^2, sizes up to maxsize. */
static inline void gen_boxes(gk_box_t *b, size_t n, int kind, double side,
                             double maxsize, uint64_t seed)
{
    uint64_t s = seed;
    double cx[64], cy[64];
    for (int c = 0; c < 64; c++) {
        cx[c] = rng_unit(&s) * side;
        cy[c] = rng_unit(&s) * side;
    }
    for (size_t i = 0; i < n; i++) {
        double x, y;
        if (kind == DATA_CLUSTERED) {
            int c = (int)(rng_next(&s) % 64);
            /* sum of 3 uniforms: a bump of width side/50 */
            double r = side / 50.0;
            x = cx[c] + (rng_unit(&s) + rng_unit(&s) + rng_unit(&s) - 1.5) * r;
            y = cy[c] + (rng_unit(&s) + rng_unit(&s) + rng_unit(&s) - 1.5) * r;
        } else {
            x = rng_unit(&s) * side;
            y = rng_unit(&s) * side;
        }
        double w = kind == DATA_POINTS ? 0 : rng_unit(&s) * maxsize;
        double h = kind == DATA_POINTS ? 0 : rng_unit(&s) * maxsize;
        if (kind == DATA_IDENTICAL) {
            x = side / 3;
            y = side / 3;
            w = h = maxsize;
        }
        b[i].xmin = q64(x);
        b[i].ymin = q64(y);
        b[i].xmax = q64(x + w);
        b[i].ymax = q64(y + h);
    }
}

static inline gk_box_t rand_window(uint64_t *s, double side, double size)
{
    double x = rng_unit(s) * side - size / 2, y = rng_unit(s) * side - size / 2;
    double w = rng_unit(s) * size, h = rng_unit(s) * size;
    gk_box_t q = {q64(x), q64(y), q64(x + w), q64(y + h)};
    return q;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static inline void sort_ids(int64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_i64);
}

/* brute force: ids of boxes hitting w (or within d when d >= 0) */
static inline size_t brute_query(const gk_box_t *b, const int64_t *ids,
                                 size_t n, gk_box_t w, double d, int64_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool hit = d < 0 ? gk_box_hits(b[i], w) : gk_box_gap(b[i], w) <= d;
        if (hit)
            out[k++] = ids ? ids[i] : (int64_t)i;
    }
    return k;
}

typedef struct dist_id {
    double d;
    int64_t id;
} dist_id_t;

static int cmp_dist_id(const void *a, const void *b)
{
    const dist_id_t *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* brute force kNN: fills tmp (n entries) sorted by (d, id) */
static inline void brute_knn(const gk_box_t *b, const int64_t *ids, size_t n,
                             gk_box_t q, dist_id_t *tmp)
{
    for (size_t i = 0; i < n; i++) {
        tmp[i].d = gk_box_gap(b[i], q);
        tmp[i].id = ids ? ids[i] : (int64_t)i;
    }
    qsort(tmp, n, sizeof *tmp, cmp_dist_id);
}

/* compare a tree query with the oracle (sorted); returns true if equal */
static inline bool same_ids(int64_t *got, size_t ng, int64_t *want,
                            size_t nw)
{
    if (ng != nw)
        return false;
    sort_ids(got, ng);
    sort_ids(want, nw);
    return memcmp(got, want, ng * sizeof *got) == 0;
}

#endif
