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

namespace n2d {

namespace {
std::vector<double> to_double(ConstMatrixView m) {
    std::vector<double> out(m.rows * m.cols);
    for (std::size_t i = 0; i < m.rows; ++i)
        for (std::size_t j = 0; j < m.cols; ++j) out[i * m.cols + j] = double(m(i, j));
    return out;
}
double sq_dist(const double* a, const double* b, std::size_t d) {
    double s = 0.0;
    for (std::size_t t = 0; t < d; ++t) {
        const double diff = a[t] - b[t];
        s += diff * diff;
    }
    return s;
}
}  // namespace

double trustworthiness(ConstMatrixView high, ConstMatrixView low, std::size_t k, ThreadPool* pool) {
    const std::size_t n = high.rows;
    N2D_REQUIRE(low.rows == n, "trustworthiness: high has " + std::to_string(n) + " rows but low has " +
                                   std::to_string(low.rows) + "; pass the embedding of the same points");
    N2D_REQUIRE(k >= 1, "trustworthiness: k must be at least 1");
    N2D_REQUIRE(2 * k < n, "trustworthiness: n_neighbors (" + std::to_string(k) +
                               ") should be less than n_samples / 2 (" + std::to_string(double(n) / 2.0) + ")");
    require_finite(high, "trustworthiness input high");
    require_finite(low, "trustworthiness input low");
    const auto hx = to_double(high);
    const auto lx = to_double(low);
    const std::size_t dh = high.cols, dl = low.cols;

    constexpr std::size_t grain = 32;
    const std::size_t n_chunks = (n + grain - 1) / grain;
    std::vector<double> chunk_sum(n_chunks, 0.0);
    ThreadPool& tp = pool ? *pool : default_pool();
    tp.parallel_for(0, n, grain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<std::pair<double, std::size_t>> nn;  // (low-space distance, index), k smallest
        std::vector<double> dist_high(n);
        double sum = 0.0;
        for (std::size_t i = lo; i < hi; ++i) {
            nn.clear();
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i) continue;
                const std::pair<double, std::size_t> cand{sq_dist(&lx[i * dl], &lx[j * dl], dl), j};
                if (nn.size() < k) {
                    nn.push_back(cand);
                    std::push_heap(nn.begin(), nn.end());
                } else if (cand < nn.front()) {
                    std::pop_heap(nn.begin(), nn.end());
                    nn.back() = cand;
                    std::push_heap(nn.begin(), nn.end());
                }
            }
            for (std::size_t j = 0; j < n; ++j)
                dist_high[j] = j == i ? std::numeric_limits<double>::infinity() : sq_dist(&hx[i * dh], &hx[j * dh], dh);
            for (const auto& [dist_low, j] : nn) {
                (void)dist_low;
                const double dj = dist_high[j];
                std::size_t closer = 0;  // points strictly closer than j in the input space
                for (std::size_t m = 0; m < n; ++m) closer += dist_high[m] < dj;
                const std::size_t rank = closer + 1;
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
