// bench/bench_rtree_boost.cpp - Boost.Geometry rtree on the data of
// bench_rtree.c: the packing constructor (bgi::linear<16>, the layout Boost
// recommends for bulk loads), and R* insertion one by one (bgi::rstar<16>)
// for the dynamic comparison. C++ lives only here in bench/.
//
//   bench_rtree_boost --lib boost-pack|boost-rstar --dist D --data DIR
//                     [--reps R]
// prints one RESULT line in the format of bench_rtree.c.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include "rtree_bench_util.h"

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
typedef bg::model::point<double, 2, bg::cs::cartesian> point_t;
typedef bg::model::box<point_t> box_t;
typedef std::pair<box_t, int64_t> value_t;

static const size_t N_BOXES = 1000000, N_WINDOWS = 100000, N_KNN = 10000;
static const size_t K = 10;

static std::vector<double> read_f64(const std::string &p, size_t n)
{
    std::vector<double> v(n);
    bench_read_f64(p.c_str(), v.data(), n);
    return v;
}

static double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

template <typename Tree>
static void run(const char *lib, const char *dist, const std::vector<double> &b,
                const std::vector<double> &w, const std::vector<double> &k,
                int reps, bool pack)
{
    std::vector<double> tb, tq, tk;
    double index_mib = 0, peak_mib = 0;
    Tree *t = nullptr;
    for (int rep = 0; rep < reps; rep++) {
        delete t;
        t = nullptr;
        long before = bench_status_kib("VmRSS");
        bench_reset_peak();
        double t0 = bench_now();
        if (pack) {
            std::vector<value_t> v;
            v.reserve(N_BOXES);
            for (size_t i = 0; i < N_BOXES; i++)
                v.emplace_back(box_t(point_t(b[4 * i], b[4 * i + 1]),
                                     point_t(b[4 * i + 2], b[4 * i + 3])),
                               (int64_t)i);
            t = new Tree(v.begin(), v.end());
        } else {
            t = new Tree();
            for (size_t i = 0; i < N_BOXES; i++)
                t->insert(value_t(box_t(point_t(b[4 * i], b[4 * i + 1]),
                                        point_t(b[4 * i + 2], b[4 * i + 3])),
                                  (int64_t)i));
        }
        tb.push_back(bench_now() - t0);
        if (rep == 0) {
            index_mib = (bench_status_kib("VmRSS") - before) / 1024.0;
            peak_mib = (bench_status_kib("VmHWM") - before) / 1024.0;
        }
    }
    uint64_t hits = 0, sum = 0;
    std::vector<value_t> out;
    for (int rep = 0; rep < reps; rep++) {
        hits = sum = 0;
        double t0 = bench_now();
        for (size_t i = 0; i < N_WINDOWS; i++) {
            out.clear();
            box_t q(point_t(w[4 * i], w[4 * i + 1]),
                    point_t(w[4 * i + 2], w[4 * i + 3]));
            t->query(bgi::intersects(q), std::back_inserter(out));
            for (auto &v : out)
                sum += (uint64_t)v.second;
            hits += out.size();
        }
        tq.push_back(bench_now() - t0);
    }
    std::vector<int64_t> res(N_KNN * K, -1);
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_now();
        for (size_t i = 0; i < N_KNN; i++) {
            out.clear();
            point_t p(k[2 * i], k[2 * i + 1]);
            t->query(bgi::nearest(p, (unsigned)K), std::back_inserter(out));
            for (size_t j = 0; j < out.size() && j < K; j++)
                res[K * i + j] = out[j].second;
        }
        tk.push_back(bench_now() - t0);
    }
    /* the fastest repetition: the steadiest figure on a loaded machine */
    printf("KNN_MIN lib=%s dist=%s knn_min_s=%.5f\n", lib, dist,
           *std::min_element(tk.begin(), tk.end()));
    double knnsum = 0;
    for (size_t i = 0; i < N_KNN; i++) {
        for (size_t j = 0; j < K; j++) {
            int64_t id = res[K * i + j];
            if (id < 0)
                continue;
            const double *bx = &b[4 * id];
            double x = k[2 * i], y = k[2 * i + 1];
            double dx = std::fmax(std::fmax(bx[0] - x, x - bx[2]), 0.0);
            double dy = std::fmax(std::fmax(bx[1] - y, y - bx[3]), 0.0);
            knnsum += dx * dx + dy * dy;
        }
    }
    delete t;
    printf("RESULT lib=%s dist=%s node=16 build_s=%.4f query_s=%.4f "
           "knn_s=%.4f hits=%llu hitsum=%llu knnsum=%.17g index_mib=%.1f "
           "peak_mib=%.1f exact_mib=nan open_s=nan open_nv_s=nan\n",
           lib, dist, median(tb), median(tq), median(tk),
           (unsigned long long)hits, (unsigned long long)sum, knnsum,
           index_mib, peak_mib);
}

int main(int argc, char **argv)
{
    std::string lib = "boost-pack", dist = "uniform", dir = ".";
    int reps = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--lib") lib = argv[i + 1];
        else if (a == "--dist") dist = argv[i + 1];
        else if (a == "--data") dir = argv[i + 1];
        else if (a == "--reps") reps = atoi(argv[i + 1]);
    }
    auto b = read_f64(dir + "/boxes_" + dist + ".f64", N_BOXES * 4);
    auto w = read_f64(dir + "/windows_" + dist + ".f64", N_WINDOWS * 4);
    auto k = read_f64(dir + "/knn_" + dist + ".f64", N_KNN * 2);
    if (lib == "boost-pack")
        run<bgi::rtree<value_t, bgi::linear<16>>>(lib.c_str(), dist.c_str(), b, w, k, reps, true);
    else if (lib == "boost-rstar")
        run<bgi::rtree<value_t, bgi::rstar<16>>>(lib.c_str(), dist.c_str(), b, w, k, reps, false);
    else
        return 2;
    return 0;
}
