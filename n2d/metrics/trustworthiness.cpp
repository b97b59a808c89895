// Trustworthiness (sklearn.manifold.trustworthiness, Euclidean). For each point: its k
// nearest neighbours in the embedding (brute force, self excluded), then each neighbour's
// rank among all points by distance in the input space; ranks beyond k are penalised.
// Per-row work in fixed chunks with per-chunk sums reduced in order: thread-count independent.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/thread_pool.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/metrics/detail/pairwise.hpp"

namespace n2d::inline v0 {

double trustworthiness(ConstMatrixView high, ConstMatrixView low, std::size_t k, ThreadPool* pool) {
    const std::size_t n = high.rows;
    N2D_REQUIRE(low.rows == n, "trustworthiness: high has " + std::to_string(n) + " rows but low has " +
                                   std::to_string(low.rows) + "; pass the embedding of the same points");
    N2D_REQUIRE(k >= 1, "trustworthiness: k must be at least 1");
    N2D_REQUIRE(2 * k < n, "trustworthiness: n_neighbors (" + std::to_string(k) +
                               ") should be less than n_samples / 2 (" + std::to_string(double(n) / 2.0) + ")");
    require_finite(high, "trustworthiness input high");
    require_finite(low, "trustworthiness input low");
    const auto hx = detail::feature_major(high);
    const auto lx = detail::feature_major(low);
    const std::size_t dh = high.cols, dl = low.cols;

    constexpr std::size_t grain = 32;
    const std::size_t n_chunks = (n + grain - 1) / grain;
    std::vector<double> chunk_sum(n_chunks, 0.0);
    ThreadPool& tp = pool_or_default(pool);
    std::vector<std::vector<double>> buffers(tp.num_threads());
    tp.parallel_for(0, n, grain, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        std::vector<double>& buf = buffers[w];
        buf.resize(2 * n);
        double* dist_low = buf.data();
        double* dist_high = buf.data() + n;
        std::vector<std::pair<double, std::size_t>> nn;  // k smallest (low-space distance, index)
        std::vector<double> p(std::max(dh, dl));
        double sum = 0.0;
        for (std::size_t i = lo; i < hi; ++i) {
            for (std::size_t t = 0; t < dl; ++t) p[t] = double(low(i, t));
            detail::distances_to_point(lx.data(), n, dl, p.data(), dist_low, false);
            nn.clear();
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i) continue;
                const std::pair<double, std::size_t> cand{dist_low[j], j};
                if (nn.size() < k) {
                    nn.push_back(cand);
                    std::push_heap(nn.begin(), nn.end());
                } else if (cand < nn.front()) {
                    std::pop_heap(nn.begin(), nn.end());
                    nn.back() = cand;
                    std::push_heap(nn.begin(), nn.end());
                }
            }
            for (std::size_t t = 0; t < dh; ++t) p[t] = double(high(i, t));
            detail::distances_to_point(hx.data(), n, dh, p.data(), dist_high, false);
            dist_high[i] = std::numeric_limits<double>::infinity();
            for (const auto& nb : nn) {
                // Rank of the neighbour among all points by input-space distance (1-based).
                const std::size_t rank = detail::count_below(dist_high, n, dist_high[nb.second]) + 1;
                if (rank > k) sum += double(rank - k);
            }
        }
        chunk_sum[lo / grain] = sum;
    });
    double t = 0.0;
    for (double s : chunk_sum) t += s;
    const double nd = double(n), kd = double(k);
    return 1.0 - t * (2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)));
}

}  // namespace n2d
