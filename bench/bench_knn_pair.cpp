// bench/bench_knn_pair.cpp - kNN head to head in ONE process: geokota's
// gk_rtree_nearest against Boost.Geometry's packed rtree (linear<16>, the
// packing constructor) on the data of `bench_rtree --gen`, repetitions
// interleaved (geokota, Boost, geokota, ...) so that load bursts on a
// shared machine hit both; prints the minimum and median time of each and
// their ratio, and checks that both return the same distances. Times are
// wall clock and, less sensitive to the load, the thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID: the time the thread ran, cache misses included,
// time spent descheduled excluded).
//
//   bench_knn_pair DATA_DIR uniform|clustered [REPS]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <time.h>
#include <vector>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include "geokota/geokota.h"
#include "rtree_bench_util.h"

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
typedef bg::model::point<double, 2, bg::cs::cartesian> point_t;
typedef bg::model::box<point_t> box_t;
typedef std::pair<box_t, int64_t> value_t;

static const size_t N_BOXES = 1000000, N_KNN = 10000, K = 10;

static std::vector<double> read_f64(const std::string &p, size_t n)
{
    std::vector<double> v(n);
    bench_read_f64(p.c_str(), v.data(), n);
    return v;
}

static double cpu_now()
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DATA_DIR uniform|clustered [REPS]\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1], dist = argv[2];
    int reps = argc > 3 ? atoi(argv[3]) : 15;
    auto b = read_f64(dir + "/boxes_" + dist + ".f64", N_BOXES * 4);
    auto k = read_f64(dir + "/knn_" + dist + ".f64", N_KNN * 2);

    gk_rtree_t *g = nullptr;
    gk_rtree_opts_t o = {16, GK_RTREE_HILBERT};
    if (gk_rtree_build(nullptr, (const gk_box_t *)(const void *)b.data(),
                       nullptr, N_BOXES, &o, &g) != GK_OK)
        return 1;
    std::vector<value_t> vals(N_BOXES);
    for (size_t i = 0; i < N_BOXES; i++)
        vals[i] = value_t(box_t(point_t(b[4 * i], b[4 * i + 1]),
                                point_t(b[4 * i + 2], b[4 * i + 3])),
                          (int64_t)i);
    bgi::rtree<value_t, bgi::linear<16>> t(vals.begin(), vals.end());

    std::vector<double> tg, tb, cg, cb;
    double sum_g = 0, sum_b = 0;
    std::vector<value_t> out;
    for (int rep = 0; rep < reps; rep++) {
        int64_t ids[K];
        double d[K];
        double t0 = bench_now(), c0 = cpu_now(), s = 0;
        for (size_t i = 0; i < N_KNN; i++) {
            gk_box_t q = {k[2 * i], k[2 * i + 1], k[2 * i], k[2 * i + 1]};
            size_t n = gk_rtree_nearest(g, q, K, nullptr, ids, d);
            for (size_t j = 0; j < n; j++)
                s += d[j] * d[j];
        }
        tg.push_back(bench_now() - t0);
        cg.push_back(cpu_now() - c0);
        sum_g = s;
        t0 = bench_now();
        c0 = cpu_now();
        s = 0;
        for (size_t i = 0; i < N_KNN; i++) {
            out.clear();
            point_t p(k[2 * i], k[2 * i + 1]);
            t.query(bgi::nearest(p, (unsigned)K), std::back_inserter(out));
            for (auto &v : out)
                s += std::pow(bg::comparable_distance(p, v.first), 1.0);
        }
        tb.push_back(bench_now() - t0);
        cb.push_back(cpu_now() - c0);
        sum_b = s;
    }
    double mg = *std::min_element(tg.begin(), tg.end());
    double mb = *std::min_element(tb.begin(), tb.end());
    printf("KNNPAIR dist=%s reps=%d geokota_min_s=%.5f boost_min_s=%.5f "
           "ratio_min=%.2f geokota_med_s=%.5f boost_med_s=%.5f ratio_med=%.2f "
           "cpu_geokota_med_s=%.5f cpu_boost_med_s=%.5f cpu_ratio_med=%.2f "
           "check=%s\n",
           dist.c_str(), reps, mg, mb, mb / mg, median(tg), median(tb),
           median(tb) / median(tg), median(cg), median(cb),
           median(cb) / median(cg),
           std::fabs(sum_g - sum_b) <= 1e-9 * sum_b ? "identical" : "DIFFERENT");
    gk_rtree_free(g);
    return 0;
}
