// Silhouette coefficients (sklearn silhouette_samples / silhouette_score) with exact
// Euclidean distances in double, O(n) memory. Points are grouped by label in a feature-major
// copy, so one vectorised pass gives a row's distances and each cluster's sum is a range sum.
// Each row's result depends only on that row: identical output at any thread count.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/metrics/detail/contingency.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/metrics/detail/pairwise.hpp"

namespace n2d::inline v0 {

std::vector<double> silhouette_samples(ConstMatrixView x, const std::vector<int>& labels, ThreadPool* pool) {
    const std::size_t n = x.rows, d = x.cols;
    N2D_REQUIRE(labels.size() == n, "silhouette: x has " + std::to_string(n) + " rows but labels has " +
                                        std::to_string(labels.size()) + " entries; pass one label per row");
    std::vector<int> ids;
    const auto code = detail::encode_labels(labels, ids);
    const std::size_t n_labels = ids.size();
    N2D_REQUIRE(n_labels >= 2 && n_labels + 1 <= n,
                "silhouette: number of labels is " + std::to_string(n_labels) +
                    ". Valid values are 2 to n_samples - 1 (inclusive) = " + std::to_string(n > 0 ? n - 1 : 0));
    require_finite(x, "silhouette input x");
    std::vector<std::size_t> freq(n_labels, 0);
    for (auto c : code) ++freq[c];
    // Points grouped by label (feature-major), so each cluster's distance sum is one range.
    std::vector<std::size_t> start(n_labels + 1, 0), order(n);
    for (std::size_t c = 0; c < n_labels; ++c) start[c + 1] = start[c] + freq[c];
    {
        std::vector<std::size_t> fill(start.begin(), start.end() - 1);
        for (std::size_t i = 0; i < n; ++i) order[fill[code[i]]++] = i;
    }
    const auto xt = detail::feature_major(x, order);

    std::vector<double> s(n, 0.0);
    ThreadPool& tp = pool_or_default(pool);
    std::vector<std::vector<double>> dist(tp.num_threads());
    tp.parallel_for(0, n, 64, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        std::vector<double>& dw = dist[w];
        dw.resize(n);
        std::vector<double> p(d), sums(n_labels);
        for (std::size_t i = lo; i < hi; ++i) {
            for (std::size_t t = 0; t < d; ++t) p[t] = double(x(i, t));
            detail::distances_to_point(xt.data(), n, d, p.data(), dw.data(), true);
            for (std::size_t c = 0; c < n_labels; ++c) sums[c] = detail::range_sum(dw.data() + start[c], freq[c]);
            const std::uint32_t own = code[i];
            if (freq[own] <= 1) continue;  // singleton: 0/0 in sklearn, replaced by 0
            const double a = sums[own] / double(freq[own] - 1);
            double b = std::numeric_limits<double>::infinity();
            for (std::size_t c = 0; c < n_labels; ++c)
                if (c != own) b = std::min(b, sums[c] / double(freq[c]));
            const double m = std::max(a, b);
            s[i] = m > 0 ? (b - a) / m : 0.0;
        }
    });
    return s;
}

double silhouette(ConstMatrixView x, const std::vector<int>& labels, const SilhouetteOptions& options) {
    if (!options.sample_size || *options.sample_size >= x.rows) {
        const auto s = silhouette_samples(x, labels, options.pool);
        return std::accumulate(s.begin(), s.end(), 0.0) / double(s.size());
    }
    const std::size_t m = *options.sample_size;
    N2D_REQUIRE(labels.size() == x.rows, "silhouette: x has " + std::to_string(x.rows) + " rows but labels has " +
                                             std::to_string(labels.size()) + " entries; pass one label per row");
    N2D_REQUIRE(m >= 3, "silhouette: sample_size " + std::to_string(m) + " is too small; use at least 3 (or none)");
    std::vector<std::size_t> idx(x.rows);
    std::iota(idx.begin(), idx.end(), std::size_t(0));
    Rng rng(options.seed, 0x73696c68ull);
    // Partial Fisher–Yates: the first m entries are a uniform random subset.
    for (std::size_t i = 0; i < m; ++i) std::swap(idx[i], idx[i + std::size_t(rng.below(x.rows - i))]);
    Matrix sub(m, x.cols);
    std::vector<int> sub_labels(m);
    for (std::size_t i = 0; i < m; ++i) {
        std::copy(x.row(idx[i]), x.row(idx[i]) + x.cols, sub.row(i));
        sub_labels[i] = labels[idx[i]];
    }
    const auto s = silhouette_samples(sub, sub_labels, options.pool);
    return std::accumulate(s.begin(), s.end(), 0.0) / double(m);
}

}  // namespace n2d
