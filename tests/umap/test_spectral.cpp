#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/umap/detail/spectral_init.hpp"

using namespace n2d;

namespace {

// A symmetric weighted graph: a ring of n vertices with chords, weights in (0, 1].
SparseGraph ring_graph(std::size_t n, std::size_t offset, std::uint64_t seed) {
    std::vector<std::vector<std::pair<std::int32_t, float>>> adj(n);
    Rng rng(seed);
    auto add = [&](std::size_t i, std::size_t j, float w) {
        adj[i].emplace_back(static_cast<std::int32_t>(j), w);
        adj[j].emplace_back(static_cast<std::int32_t>(i), w);
    };
    for (std::size_t i = 0; i < n; ++i) {
        add(i, (i + 1) % n, 0.5f + 0.5f * rng.uniform_float());
        add(i, (i + 2) % n, 0.2f + 0.3f * rng.uniform_float());
        if (i % 7 == 0) add(i, (i + n / 3) % n, 0.05f);
    }
    SparseGraph g;
    g.n_rows = g.n_cols = n + offset;
    g.indptr.assign(n + offset + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        std::sort(adj[i].begin(), adj[i].end());
        for (std::size_t e = 0; e < adj[i].size(); ++e) {
            if (e > 0 && adj[i][e].first == adj[i][e - 1].first) {
                g.weights.back() += adj[i][e].second;
                continue;
            }
            g.indices.push_back(adj[i][e].first);
            g.weights.push_back(adj[i][e].second);
        }
        g.indptr[i + 1] = g.indices.size();
    }
    for (std::size_t i = n; i < n + offset; ++i) g.indptr[i + 1] = g.indices.size();
    return g;
}

std::vector<double> normalized_dense(const SparseGraph& g) {
    const std::size_t n = g.n_rows;
    std::vector<double> deg(n, 0.0), m(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = g.row_begin(i); e < g.row_end(i); ++e) deg[i] += g.weights[e];
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = g.row_begin(i); e < g.row_end(i); ++e) {
            const auto j = static_cast<std::size_t>(g.indices[e]);
            m[i * n + j] = g.weights[e] / std::sqrt(deg[i] * deg[j]);
        }
    return m;
}

}  // namespace

TEST_CASE("jacobi_eigen diagonalises a symmetric matrix") {
    const std::size_t n = 12;
    Rng rng(3);
    std::vector<double> a(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j <= i; ++j) a[i * n + j] = a[j * n + i] = rng.normal();
    std::vector<double> values, vectors;
    jacobi_eigen(n, a, values, vectors);
    for (std::size_t c = 0; c < n; ++c) {
        if (c > 0) CHECK(values[c] >= values[c - 1]);
        for (std::size_t i = 0; i < n; ++i) {  // A v = λ v
            double av = 0.0;
            for (std::size_t j = 0; j < n; ++j) av += a[i * n + j] * vectors[j * n + c];
            CHECK(std::fabs(av - values[c] * vectors[i * n + c]) < 1e-9);
        }
        for (std::size_t d = 0; d < n; ++d) {  // orthonormal columns
            double dot = 0.0;
            for (std::size_t i = 0; i < n; ++i) dot += vectors[i * n + c] * vectors[i * n + d];
            CHECK(std::fabs(dot - (c == d ? 1.0 : 0.0)) < 1e-9);
        }
    }
}

TEST_CASE("thick-restart Lanczos finds the largest eigenpairs of a sparse operator") {
    const SparseGraph g = ring_graph(150, 0, 5);
    const std::size_t n = g.n_rows;
    const std::vector<double> m = normalized_dense(g);
    std::vector<double> values, vectors;
    jacobi_eigen(n, m, values, vectors);
    SymmetricOperator op = [&](const double* x, double* y) {
        for (std::size_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (std::size_t j = 0; j < n; ++j) s += m[i * n + j] * x[j];
            y[i] = s;
        }
    };
    LanczosOptions lo;
    lo.n_eigen = 4;
    lo.krylov_dim = 12;  // small: forces many thick restarts
    lo.tol = 1e-9;
    lo.max_matvecs = 20000;
    const LanczosResult r = lanczos_largest(n, op, lo);
    CHECK(r.converged);
    for (std::size_t t = 0; t < 4; ++t) {
        CAPTURE(t);
        CHECK(r.values[t] == doctest::Approx(values[n - 1 - t]).epsilon(1e-8));
        double dot = 0.0;
        for (std::size_t i = 0; i < n; ++i) dot += r.vectors[t * n + i] * vectors[i * n + (n - 1 - t)];
        CHECK(std::fabs(std::fabs(dot) - 1.0) < 1e-6);  // equal up to sign
    }
}

TEST_CASE("spectral_layout equals the dense Laplacian eigenvectors up to sign") {
    const SparseGraph g = ring_graph(300, 0, 9);
    const std::size_t n = g.n_rows, dim = 3;
    std::vector<double> values, vectors;
    jacobi_eigen(n, normalized_dense(g), values, vectors);
    SpectralOptions so;
    so.n_components = dim;
    so.dense_limit = 0;  // force Lanczos
    so.tol = 1e-10;
    so.max_matvecs = 50000;
    bool converged = false;
    const Matrix lay = spectral_layout(g, so, nullptr, &converged);
    CHECK(converged);
    REQUIRE(lay.rows() == n);
    REQUIRE(lay.cols() == dim);
    for (std::size_t c = 0; c < dim; ++c) {  // dense column n-1 is the trivial vector
        CAPTURE(c);
        REQUIRE(values[n - 2 - c] - values[n - 3 - c] > 1e-6);  // non-degenerate (else only the space is defined)
        double dot = 0.0, norm = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            dot += lay(i, c) * vectors[i * n + (n - 2 - c)];
            norm += static_cast<double>(lay(i, c)) * lay(i, c);
        }
        CHECK(std::fabs(std::fabs(dot) / std::sqrt(norm) - 1.0) < 1e-5);
    }
    // Dense path gives the same layout; thread count does not matter.
    so.dense_limit = 1000;
    const Matrix dense = spectral_layout(g, so);
    ThreadPool one(1);
    so.dense_limit = 0;
    const Matrix single = spectral_layout(g, so, &one);
    ThreadPool two(2);
    const Matrix dual = spectral_layout(g, so, &two);
    double worst = 0.0;
    for (std::size_t i = 0; i < lay.size(); ++i) {
        worst = std::max(worst, static_cast<double>(std::fabs(dense.data()[i] - lay.data()[i])));
        CHECK(single.data()[i] == dual.data()[i]);
    }
    CHECK(worst < 1e-4);
}

TEST_CASE("disconnected graphs: components on separate meta positions") {
    // Two rings plus three isolated vertices.
    SparseGraph a = ring_graph(60, 0, 1), b = ring_graph(80, 0, 2);
    SparseGraph g;
    g.n_rows = g.n_cols = 60 + 80 + 3;
    g.indptr = a.indptr;
    for (std::size_t i = 1; i <= 80; ++i) g.indptr.push_back(a.nnz() + b.indptr[i]);
    for (int i = 0; i < 3; ++i) g.indptr.push_back(a.nnz() + b.nnz());
    g.indices = a.indices;
    g.weights = a.weights;
    for (std::size_t e = 0; e < b.nnz(); ++e) {
        g.indices.push_back(b.indices[e] + 60);
        g.weights.push_back(b.weights[e]);
    }
    std::size_t nc = 0;
    const std::vector<int> labels = connected_components(g, nc);
    CHECK(nc == 5);
    CHECK(labels[0] == 0);
    CHECK(labels[60] == 1);
    CHECK(labels[142] == 4);
    for (std::size_t dim : {2u, 1u}) {  // dim 1: 5 > 2·dim components → ±axes with data absent
        CAPTURE(dim);
        SpectralOptions so;
        so.n_components = dim;
        const Matrix lay = spectral_layout(g, so);
        REQUIRE(lay.rows() == g.n_rows);
        for (std::size_t i = 0; i < lay.size(); ++i) CHECK(std::isfinite(lay.data()[i]));
        if (dim == 2) {  // ring 0 sits around (1, 0), ring 1 around (0, 1) within half their distance
            for (std::size_t i = 0; i < 60; ++i) CHECK(std::hypot(lay(i, 0) - 1.0, lay(i, 1)) <= 0.5 * std::sqrt(2.0) + 1e-5);
            for (std::size_t i = 60; i < 140; ++i) CHECK(std::hypot(lay(i, 0), lay(i, 1) - 1.0) <= 0.5 * std::sqrt(2.0) + 1e-5);
        }
    }
}

TEST_CASE("many components: centroids placed by principal components, in order along the data's line") {
    // 1200 disconnected pairs whose data lie along a line in 5-d (pair c around t = c), more
    // components than meta_dense_limit: the dense nc × nc affinity would be refused there.
    constexpr std::size_t kPairs = 1200;
    SparseGraph g;
    g.n_rows = g.n_cols = 2 * kPairs;
    g.indptr.assign(1, 0);
    Matrix data(2 * kPairs, 5);
    Rng rng(3);
    for (std::size_t i = 0; i < 2 * kPairs; ++i) {
        g.indices.push_back(static_cast<std::int32_t>(i ^ 1));  // i's partner
        g.weights.push_back(1.0f);
        g.indptr.push_back(g.indices.size());
        const double t = static_cast<double>(i / 2);
        for (std::size_t j = 0; j < 5; ++j) data(i, j) = static_cast<float>((j == 0 ? t : 0.3 * t) + rng.uniform(-0.1, 0.1));
    }
    SpectralOptions so;
    so.n_components = 2;
    so.data = data.view();
    so.meta_dense_limit = 1000;
    const Matrix lay = spectral_layout(g, so);
    REQUIRE(lay.rows() == 2 * kPairs);
    for (std::size_t i = 0; i < lay.size(); ++i) REQUIRE(std::isfinite(lay.data()[i]));
    // The first coordinate follows t (up to sign): pairs 10 apart keep their order.
    auto at = [&](std::size_t c) { return lay(2 * c, 0) + lay(2 * c + 1, 0); };
    const double direction = at(kPairs - 1) > at(0) ? 1.0 : -1.0;
    std::size_t in_order = 0;
    for (std::size_t c = 0; c + 10 < kPairs; ++c) in_order += direction * (at(c + 10) - at(c)) > 0;
    CHECK(in_order == kPairs - 10);
}

TEST_CASE("nearest_positive_distances equals brute force, duplicates and zero distances skipped") {
    // Random points on a coarse grid (many exact duplicates, ties and equal coordinates on an
    // axis) and continuous ones, in 1..5 dimensions; brute force as spectral_layout did it.
    ThreadPool pool(3);
    for (std::size_t dim = 1; dim <= 5; ++dim)
        for (int grid = 0; grid < 2; ++grid) {
            const std::size_t n = 50 + 211 * dim;
            Rng rng(17 * dim + static_cast<std::uint64_t>(grid));
            std::vector<double> pts(n * dim);
            for (double& v : pts) v = grid ? static_cast<double>(rng.below(4)) * 0.25 - 0.5 : rng.uniform(-1.0, 1.0);
            for (std::size_t i = 0; i < n / 5; ++i)  // exact copies of earlier points
                std::copy_n(pts.begin() + std::ptrdiff_t(rng.below(n) * dim), dim, pts.begin() + std::ptrdiff_t(i * dim));
            const std::vector<double> fast = nearest_positive_distances(pts, n, dim, &pool);
            REQUIRE(fast.size() == n);
            std::size_t mismatches = 0;
            for (std::size_t c = 0; c < n; ++c) {
                double nearest = std::numeric_limits<double>::infinity();
                for (std::size_t o = 0; o < n; ++o) {
                    double d2 = 0.0;
                    for (std::size_t j = 0; j < dim; ++j) {
                        const double t = pts[c * dim + j] - pts[o * dim + j];
                        d2 += t * t;
                    }
                    if (d2 > 0.0) nearest = std::min(nearest, std::sqrt(d2));
                }
                mismatches += fast[c] != nearest;  // exact: the same sums
            }
            CHECK(mismatches == 0);
        }
    // No other distinct point: +inf, as the brute force has it; one point, and a single location.
    CHECK(std::isinf(nearest_positive_distances({1.0, 2.0}, 1, 2)[0]));
    const std::vector<double> same = nearest_positive_distances(std::vector<double>(40, 0.5), 20, 2);
    for (double d : same) CHECK(std::isinf(d));
    // Non-finite coordinates take the brute-force path.
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> odd = nearest_positive_distances({0.0, inf, 3.0}, 3, 1);
    CHECK(odd[0] == 3.0);
    CHECK(std::isinf(odd[1]));  // inf - inf is NaN, inf - x is inf: never a finite nearest
    CHECK(odd[2] == 3.0);
}

TEST_CASE("noisy_scale and rescale_to_box") {
    Matrix m(3, 2);
    m(0, 0) = -1; m(1, 0) = 0.5f; m(2, 0) = 2;
    m(0, 1) = 4; m(1, 1) = 4; m(2, 1) = 4;
    noisy_scale(m, 1);
    CHECK(std::fabs(m(2, 0) - 5.0f) < 1e-3f);  // × 10 / max|·| = × 2.5, plus N(0, 1e-4²) noise
    CHECK(std::fabs(m(0, 1) - 10.0f) < 1e-3f);
    CHECK(m(0, 1) != m(1, 1));
    rescale_to_box(m);
    CHECK(m(0, 0) == 0.0f);
    CHECK(m(2, 0) == doctest::Approx(10.0));
    for (std::size_t i = 0; i < 3; ++i) CHECK(m(i, 1) >= 0.0f);
}
