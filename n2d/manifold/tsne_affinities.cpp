// t-SNE input affinities (sklearn 1.2.1 _joint_probabilities_nn / _joint_probabilities and
// _utils._binary_search_perplexity): per-row precision search, then symmetrisation.
// Rows are independent and every sum runs in a fixed order: thread-count independent.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/tsne.hpp"

namespace n2d::inline v0 {
namespace tsne_detail {

namespace {

constexpr double kEntropyTolerance = 1e-5;
constexpr int kMaxSteps = 100;
constexpr double kTinySum = 1e-8;  // sklearn's EPSILON_DBL: a row whose weights all underflow

// One row: p (k doubles) from squared distances d, skipping column `skip` (k = none).
void search_row(const float* d, std::size_t k, std::size_t skip, double target_entropy, double* p) {
    double beta = 1.0, beta_min = -std::numeric_limits<double>::infinity(),
           beta_max = std::numeric_limits<double>::infinity();
    for (int step = 0; step < kMaxSteps; ++step) {
        double sum = 0.0;
        for (std::size_t j = 0; j < k; ++j) {
            p[j] = j == skip ? 0.0 : std::exp(-double(d[j]) * beta);
            sum += p[j];
        }
        if (sum == 0.0) sum = kTinySum;
        double sum_dp = 0.0;
        for (std::size_t j = 0; j < k; ++j) {
            p[j] /= sum;
            sum_dp += double(d[j]) * p[j];
        }
        const double diff = std::log(sum) + beta * sum_dp - target_entropy;
        if (std::fabs(diff) <= kEntropyTolerance) break;
        if (diff > 0) {
            beta_min = beta;
            beta = beta_max == std::numeric_limits<double>::infinity() ? beta * 2.0 : (beta + beta_max) / 2.0;
        } else {
            beta_max = beta;
            beta = beta_min == -std::numeric_limits<double>::infinity() ? beta / 2.0 : (beta + beta_min) / 2.0;
        }
    }
}

}  // namespace

std::vector<double> conditional_probabilities(const float* sqdist, std::size_t n, std::size_t k, double perplexity,
                                              bool skip_diagonal, ThreadPool& pool) {
    std::vector<double> p(n * k);
    const double target = std::log(perplexity);
    pool.parallel_for(0, n, 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) search_row(sqdist + i * k, k, skip_diagonal ? i : k, target, p.data() + i * k);
    });
    return p;
}

SparseP joint_probabilities_knn(const KnnGraph& graph, double perplexity, ThreadPool& pool) {
    const std::size_t n = graph.n, k = graph.k;
    N2D_REQUIRE(n >= 2 && k >= 1, "t-SNE affinities need at least 2 points and 1 neighbour each");
    // sklearn squares the float32 kNN distances in float32.
    std::vector<float> sq(n * k);
    for (std::size_t t = 0; t < n * k; ++t) {
        N2D_REQUIRE(graph.indices[t] >= 0 && std::size_t(graph.indices[t]) < n,
                    "t-SNE affinities: the kNN graph has a missing or out-of-range neighbour; build it exactly");
        sq[t] = graph.distances[t] * graph.distances[t];
    }
    const std::vector<double> c = conditional_probabilities(sq.data(), n, k, perplexity, false, pool);

    // C + Cᵀ: each stored (i, j, c) goes to row i and, transposed, to row j; rows are then
    // sorted by column and duplicates (mutual neighbours) merged, as scipy's sparse sum.
    std::vector<std::size_t> count(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < k; ++t) {
            ++count[i + 1];
            ++count[std::size_t(graph.indices[i * k + t]) + 1];
        }
    for (std::size_t i = 0; i < n; ++i) count[i + 1] += count[i];
    std::vector<std::pair<std::int32_t, double>> entries(count[n]);
    std::vector<std::size_t> fill(count.begin(), count.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < k; ++t) {
            const auto j = std::size_t(graph.indices[i * k + t]);
            const double v = c[i * k + t];
            entries[fill[i]++] = {std::int32_t(j), v};
            entries[fill[j]++] = {std::int32_t(i), v};
        }
    SparseP p;
    p.n = n;
    p.indptr.assign(n + 1, 0);
    std::vector<double> merged;
    merged.reserve(entries.size());
    p.indices.reserve(entries.size());
    for (std::size_t i = 0; i < n; ++i) {
        auto* b = entries.data() + count[i];
        auto* e = entries.data() + count[i + 1];
        // Stable: duplicates of a column add in insertion order, which does not depend on threads.
        std::stable_sort(b, e, [](const auto& a, const auto& o) { return a.first < o.first; });
        for (auto* it = b; it != e; ++it) {
            if (p.indices.size() > p.indptr[i] && p.indices.back() == it->first) {
                merged.back() += it->second;
            } else {
                p.indices.push_back(it->first);
                merged.push_back(it->second);
            }
        }
        p.indptr[i + 1] = p.indices.size();
    }
    double total = 0.0;
    for (double v : merged) total += v;
    total = std::max(total, std::numeric_limits<double>::epsilon());
    p.values.resize(merged.size());
    for (std::size_t t = 0; t < merged.size(); ++t) p.values[t] = float(merged[t] / total);
    return p;
}

SparseP joint_probabilities_knn(ConstMatrixView x, double perplexity, ThreadPool& pool,
                                const ProgressCallback& progress) {
    const std::size_t n = x.rows;
    N2D_REQUIRE(n >= 2, "t-SNE needs at least 2 samples, got " + std::to_string(n));
    KnnOptions ko;
    ko.n_neighbors = std::min<std::size_t>(n - 1, std::size_t(3.0 * perplexity + 1.0));
    ko.method = KnnMethod::exact;
    ko.include_self = false;
    ko.pool = &pool;
    ko.progress = progress;
    return joint_probabilities_knn(build_knn(x, ko), perplexity, pool);
}

DenseP joint_probabilities_exact(ConstMatrixView x, double perplexity, ThreadPool& pool) {
    const std::size_t n = x.rows, d = x.cols;
    N2D_REQUIRE(n >= 2, "t-SNE needs at least 2 samples, got " + std::to_string(n));
    N2D_REQUIRE(n <= kExactMaxPoints,
                "exact t-SNE holds n × n matrices and does not scale to " + std::to_string(n) + " points (at most " +
                    std::to_string(kExactMaxPoints) + "); use TsneMethod::barnes_hut with n_components <= 3");
    std::vector<float> sq(n * n);
    pool.parallel_for(0, n, 32, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                double s = 0.0;
                for (std::size_t t = 0; t < d; ++t) {
                    const double v = double(x(i, t)) - double(x(j, t));
                    s += v * v;
                }
                sq[i * n + j] = i == j ? 0.0f : float(s);
            }
    });
    const std::vector<double> c = conditional_probabilities(sq.data(), n, n, perplexity, true, pool);
    DenseP p;
    p.n = n;
    p.values.assign(n * n, 0.0);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) total += c[i * n + j] + c[j * n + i];
    total = std::max(total, std::numeric_limits<double>::epsilon());
    constexpr double eps = std::numeric_limits<double>::epsilon();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j) p.values[i * n + j] = std::max((c[i * n + j] + c[j * n + i]) / total, eps);
    return p;
}

}  // namespace tsne_detail
}  // namespace n2d
