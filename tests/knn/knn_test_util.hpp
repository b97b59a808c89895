// Shared helpers of the kNN tests: synthetic data and a brute-force double-precision oracle.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/knn/knn.hpp"

namespace n2d::inline v0::test {

// Shaped like an autoencoder embedding: `clusters` anisotropic Gaussian blobs of different
// spreads in `dim` dimensions, each bent along a curve.
inline Matrix embedding_like(std::size_t n, std::size_t dim, std::size_t clusters, std::uint64_t seed) {
    Rng rng(seed);
    Matrix centers(clusters, dim), scales(clusters, dim);
    for (std::size_t c = 0; c < clusters; ++c)
        for (std::size_t j = 0; j < dim; ++j) {
            centers(c, j) = static_cast<float>(rng.normal(0.0, 6.0));
            scales(c, j) = static_cast<float>(0.3 + 1.5 * rng.uniform());
        }
    Matrix x(n, dim);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = rng.below(clusters);
        const double t = rng.normal();
        for (std::size_t j = 0; j < dim; ++j)
            x(i, j) = static_cast<float>(centers(c, j) + scales(c, j) * rng.normal() + (j % 2 ? std::sin(t) : t) * 1.5);
    }
    return x;
}

// Double-precision brute-force distance of the metric.
inline double oracle_distance(const float* a, const float* b, std::size_t d, Metric m, double p = 2) {
    double s = 0, na = 0, nb = 0, ma = 0, mb = 0;
    if (m == Metric::correlation) {
        for (std::size_t j = 0; j < d; ++j) { ma += a[j]; mb += b[j]; }
        ma /= double(d);
        mb /= double(d);
    }
    for (std::size_t j = 0; j < d; ++j) {
        const double x = a[j] - ma, y = b[j] - mb, diff = double(a[j]) - double(b[j]);
        switch (m) {
            case Metric::euclidean: s += diff * diff; break;
            case Metric::cosine:
            case Metric::correlation: s += x * y; na += x * x; nb += y * y; break;
            case Metric::manhattan: s += std::fabs(diff); break;
            case Metric::chebyshev: s = std::max(s, std::fabs(diff)); break;
            case Metric::minkowski: s += std::pow(std::fabs(diff), p); break;
        }
    }
    switch (m) {
        case Metric::euclidean: return std::sqrt(s);
        case Metric::cosine:
        case Metric::correlation:
            if (na == 0 && nb == 0) return 0;
            if (na == 0 || nb == 0) return 1;
            return 1 - s / std::sqrt(na * nb);
        case Metric::minkowski: return std::pow(s, 1 / p);
        default: return s;
    }
}

// Fraction of the true k nearest (exact graph) found by `approx`, self entries included.
inline double recall(const KnnGraph& exact, const KnnGraph& approx) {
    std::size_t hit = 0;
    for (std::size_t i = 0; i < exact.n; ++i) {
        std::vector<std::int32_t> a(approx.row_indices(i), approx.row_indices(i) + approx.k);
        std::sort(a.begin(), a.end());
        for (std::size_t j = 0; j < exact.k; ++j) hit += std::binary_search(a.begin(), a.end(), exact.row_indices(i)[j]);
    }
    return double(hit) / double(exact.n * exact.k);
}

// Recall measured by distance (robust to ties): a found neighbour counts when its true
// distance is within the exact k-th distance (plus a relative 1e-5).
inline double distance_recall(const KnnGraph& exact, const KnnGraph& approx) {
    std::size_t hit = 0;
    for (std::size_t i = 0; i < exact.n; ++i) {
        const float kth = exact.row_distances(i)[exact.k - 1];
        for (std::size_t j = 0; j < approx.k; ++j) hit += approx.row_distances(i)[j] <= kth * (1 + 1e-5f) + 1e-6f;
    }
    return double(hit) / double(exact.n * exact.k);
}

// Options for a `k`-neighbour graph built by `method` under metric `m` from `seed`.
inline KnnOptions knn_options(std::size_t k, KnnMethod method, Metric m, std::uint64_t seed) {
    KnnOptions o;
    o.n_neighbors = k;
    o.method = method;
    o.metric = m;
    o.seed = seed;
    return o;
}

inline Matrix rows_of(const Matrix& x, std::size_t begin, std::size_t count) {
    return Matrix::copy_of(x.view().row_block(begin, count));
}

}  // namespace n2d::test
