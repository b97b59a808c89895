// Exact kNN against a double-precision brute-force oracle, every metric, degenerate inputs.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "knn_test_util.hpp"
#include "n2d/core/thread_pool.hpp"

using namespace n2d;

namespace {

// Checks `g` against the oracle: each row ascending, each reported distance equals the oracle
// distance of that index, and the k-th distance equals the oracle's k-th (ties may pick any).
void check_exact(const Matrix& x, const KnnGraph& g, Metric m, bool self, double p = 2) {
    const std::size_t n = x.rows();
    std::vector<double> all(n);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) all[j] = test::oracle_distance(x.row(i), x.row(j), x.cols(), m, p);
        if (!self) all[i] = std::numeric_limits<double>::infinity();
        std::vector<double> sorted = all;
        std::sort(sorted.begin(), sorted.end());
        const std::int32_t* gi = g.row_indices(i);
        const float* gd = g.row_distances(i);
        if (self) {
            REQUIRE(gi[0] == static_cast<std::int32_t>(i));
            REQUIRE(gd[0] == 0.0f);
        }
        for (std::size_t j = 0; j < g.k; ++j) {
            REQUIRE(gi[j] >= 0);
            if (j) REQUIRE(gd[j] >= gd[j - 1]);
            const double tol = 1e-4 * (1 + std::fabs(all[static_cast<std::size_t>(gi[j])]));
            REQUIRE(std::fabs(gd[j] - all[static_cast<std::size_t>(gi[j])]) <= tol);
            REQUIRE(std::fabs(gd[j] - sorted[j]) <= tol);
        }
    }
}

KnnOptions exact_options(std::size_t k, Metric m, bool self = true) {
    KnnOptions o;
    o.n_neighbors = k;
    o.metric = m;
    o.method = KnnMethod::exact;
    o.include_self = self;
    return o;
}

}  // namespace

TEST_CASE("parse_metric and to_string round-trip; unknown names are errors") {
    for (Metric m : {Metric::euclidean, Metric::cosine, Metric::correlation, Metric::manhattan, Metric::chebyshev,
                     Metric::minkowski})
        CHECK(parse_metric(to_string(m)) == m);
    CHECK(parse_metric("l1") == Metric::manhattan);
    CHECK_THROWS_WITH_AS(parse_metric("hamming"), doctest::Contains("euclidean, cosine"), Error);
}

TEST_CASE("exact kNN matches the brute-force oracle for every metric") {
    const Matrix x = test::embedding_like(300, 13, 4, 7);
    for (Metric m : {Metric::euclidean, Metric::cosine, Metric::correlation, Metric::manhattan, Metric::chebyshev}) {
        const std::string name = to_string(m);
        CAPTURE(name);
        for (bool self : {true, false}) {
            const KnnGraph g = build_knn(x, exact_options(12, m, self));
            CHECK(g.n == 300);
            CHECK(g.k == 12);
            check_exact(x, g, m, self);
        }
    }
    KnnOptions o = exact_options(9, Metric::minkowski);
    for (float p : {1.0f, 1.5f, 2.0f, 3.0f}) {
        CAPTURE(p);
        o.minkowski_p = p;
        check_exact(x, build_knn(x, o), Metric::minkowski, true, p);
    }
}

TEST_CASE("GEMM expansion stays exact far from the origin and with near ties") {
    // A large common offset makes |x|^2 + |y|^2 - 2xy cancel badly; rows on a fine lattice tie.
    Matrix x(600, 24);
    Rng rng(3);
    for (std::size_t i = 0; i < x.rows(); ++i)
        for (std::size_t j = 0; j < x.cols(); ++j)
            x(i, j) = 1.0e4f + static_cast<float>(rng.below(4)) * 0.5f + (j == 0 ? float(i % 7) * 1e-3f : 0.0f);
    const KnnGraph g = build_knn(x, exact_options(15, Metric::euclidean));
    check_exact(x, g, Metric::euclidean, true);
}

TEST_CASE("many duplicate points, constant data, n == k") {
    Matrix dup(400, 5);
    Rng rng(11);
    for (std::size_t i = 0; i < dup.rows(); ++i)
        for (std::size_t j = 0; j < dup.cols(); ++j)
            dup(i, j) = i < 300 ? float(i % 3) : static_cast<float>(rng.normal());  // 100 copies of 3 points
    check_exact(dup, build_knn(dup, exact_options(20, Metric::euclidean)), Metric::euclidean, true);
    check_exact(dup, build_knn(dup, exact_options(20, Metric::cosine, false)), Metric::cosine, false);

    Matrix constant(200, 9);
    for (std::size_t i = 0; i < constant.size(); ++i) constant.data()[i] = 2.5f;
    const KnnGraph c = build_knn(constant, exact_options(10, Metric::correlation));
    for (std::size_t i = 0; i < c.n; ++i) {
        CHECK(c.row_indices(i)[0] == static_cast<std::int32_t>(i));
        for (std::size_t j = 0; j < c.k; ++j) CHECK(c.row_distances(i)[j] == 0.0f);
    }

    const Matrix small = test::embedding_like(7, 3, 2, 1);
    const KnnGraph all = build_knn(small, exact_options(7, Metric::euclidean));  // everyone, self first
    check_exact(small, all, Metric::euclidean, true);
    CHECK_THROWS_WITH_AS(build_knn(small, exact_options(8, Metric::euclidean)), doctest::Contains("n_neighbors <= 7"),
                         Error);
    CHECK_THROWS_WITH_AS(build_knn(small, exact_options(7, Metric::euclidean, false)),
                         doctest::Contains("n_neighbors <= 6"), Error);
    CHECK_THROWS_AS(build_knn(small, exact_options(0, Metric::euclidean)), Error);
    const KnnGraph one = build_knn(small, exact_options(1, Metric::euclidean));
    for (std::size_t i = 0; i < one.n; ++i) CHECK(one.row_indices(i)[0] == static_cast<std::int32_t>(i));
}

TEST_CASE("cosine and correlation treat zero rows as pynndescent does") {
    Matrix x(50, 6);
    Rng rng(5);
    for (std::size_t i = 10; i < 50; ++i)
        for (std::size_t j = 0; j < 6; ++j) x(i, j) = static_cast<float>(rng.normal());
    const KnnGraph g = build_knn(x, exact_options(12, Metric::cosine));
    check_exact(x, g, Metric::cosine, true);
    // Row 0 is zero: its 9 zero siblings at 0, then everything else at 1.
    for (std::size_t j = 1; j < 10; ++j) CHECK(g.row_distances(0)[j] == 0.0f);
    CHECK(g.row_distances(0)[10] == doctest::Approx(1.0f));
}

TEST_CASE("bad input gives clear errors") {
    Matrix x = test::embedding_like(50, 4, 2, 2);
    x(17, 2) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH_AS(build_knn(x, exact_options(5, Metric::euclidean)), doctest::Contains("17"), Error);
    x(17, 2) = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(build_knn(x, exact_options(5, Metric::euclidean)), Error);
    CHECK_THROWS_AS(build_knn(Matrix(), exact_options(5, Metric::euclidean)), Error);
    KnnOptions o = exact_options(5, Metric::minkowski);
    o.minkowski_p = 0.5f;
    CHECK_THROWS_WITH_AS(build_knn(test::embedding_like(50, 4, 2, 2), o), doctest::Contains("p >= 1"), Error);
}

TEST_CASE("exact kNN is identical at any thread count; progress can cancel") {
    const Matrix x = test::embedding_like(1500, 10, 5, 9);
    ThreadPool one(1), three(3);
    KnnOptions o = exact_options(10, Metric::euclidean);
    o.pool = &one;
    const KnnGraph a = build_knn(x, o);
    o.pool = &three;
    const KnnGraph b = build_knn(x, o);
    CHECK(a.indices == b.indices);
    CHECK(a.distances == b.distances);
    o.progress = [](const Progress& p) { return p.step < 1; };
    CHECK_THROWS_AS(build_knn(x, o), Cancelled);
}
