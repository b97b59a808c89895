// Greedy k-means++ seeding (sklearn 1.2 _kmeans_plusplus). Distances are exact (double);
// per-chunk potentials are added in chunk order, so the seeds do not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <string>

#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d {

namespace {
constexpr std::size_t kSeedChunk = 1024;

double sq_distance(const float* a, const float* b, std::size_t d) {
    double s = 0.0;
    for (std::size_t t = 0; t < d; ++t) {
        const double diff = double(a[t]) - double(b[t]);
        s += diff * diff;
    }
    return s;
}
}  // namespace

std::vector<std::size_t> kmeans_plusplus(ConstMatrixView x, std::size_t k, Rng& rng, ThreadPool* pool) {
    const std::size_t n = x.rows, d = x.cols;
    N2D_REQUIRE(k >= 1 && k <= n, "kmeans_plusplus: cannot choose " + std::to_string(k) + " centres from " +
                                      std::to_string(n) + " samples; use 1 <= k <= n_samples");
    ThreadPool& tp = pool ? *pool : default_pool();
    const std::size_t trials = 2 + std::size_t(std::log(double(k)));
    const std::size_t n_chunks = (n + kSeedChunk - 1) / kSeedChunk;
    std::vector<std::size_t> chosen;
    chosen.reserve(k);
    chosen.push_back(std::size_t(rng.below(n)));

    std::vector<double> closest(n), cand_dist(trials * n), cumsum(n), chunk_pot(n_chunks * trials);
    tp.parallel_for(0, n, kSeedChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
        double pot = 0.0;
        for (std::size_t i = lo; i < hi; ++i) pot += closest[i] = sq_distance(x.row(i), x.row(chosen[0]), d);
        chunk_pot[lo / kSeedChunk * trials] = pot;
    });
    double current_pot = 0.0;
    for (std::size_t c = 0; c < n_chunks; ++c) current_pot += chunk_pot[c * trials];

    std::vector<std::size_t> cand(trials);
    for (std::size_t c = 1; c < k; ++c) {
        double run = 0.0;
        for (std::size_t i = 0; i < n; ++i) cumsum[i] = run += closest[i];
        for (std::size_t t = 0; t < trials; ++t) {
            const double target = rng.uniform() * current_pot;
            // Left search: first index whose cumulative sum reaches the target.
            const auto pos = std::size_t(std::lower_bound(cumsum.begin(), cumsum.end(), target) - cumsum.begin());
            cand[t] = std::min(pos, n - 1);
        }
        tp.parallel_for(0, n, kSeedChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            const std::size_t chunk = lo / kSeedChunk;
            for (std::size_t t = 0; t < trials; ++t) {
                double pot = 0.0;
                const float* ct = x.row(cand[t]);
                double* dist = &cand_dist[t * n];
                for (std::size_t i = lo; i < hi; ++i) pot += dist[i] = std::min(closest[i], sq_distance(x.row(i), ct, d));
                chunk_pot[chunk * trials + t] = pot;
            }
        });
        std::size_t best = 0;
        double best_pot = 0.0;
        for (std::size_t t = 0; t < trials; ++t) {
            double pot = 0.0;
            for (std::size_t ch = 0; ch < n_chunks; ++ch) pot += chunk_pot[ch * trials + t];
            if (t == 0 || pot < best_pot) {
                best_pot = pot;
                best = t;
            }
        }
        current_pot = best_pot;
        std::copy(cand_dist.begin() + std::ptrdiff_t(best * n), cand_dist.begin() + std::ptrdiff_t((best + 1) * n),
                  closest.begin());
        chosen.push_back(cand[best]);
    }
    return chosen;
}

}  // namespace n2d
