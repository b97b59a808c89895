// NN-descent: recall against the exact oracle, reproducibility, degenerate inputs.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "knn_test_util.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/dataset.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {
bool quick() { return std::getenv("N2D_TEST_QUICK") != nullptr; }

KnnOptions options(std::size_t k, KnnMethod method, Metric m = Metric::euclidean) {
    return test::knn_options(k, method, m, 42);
}
}  // namespace

TEST_CASE("NN-descent recall@20 >= 0.99 on a 10-d embedding-shaped set") {
    const std::size_t n = quick() ? 4000 : 12000;
    const Matrix x = test::embedding_like(n, 10, 10, 1);
    const KnnGraph exact = build_knn(x, options(20, KnnMethod::exact));
    const KnnGraph approx = build_knn(x, options(20, KnnMethod::nn_descent));
    REQUIRE(approx.n == n);
    REQUIRE(approx.k == 20);
    const double r = test::recall(exact, approx);
    MESSAGE("recall@20 = " << r);
    CHECK(r >= 0.99);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(approx.row_indices(i)[0] == static_cast<std::int32_t>(i));
        for (std::size_t j = 1; j < approx.k; ++j) {
            REQUIRE(approx.row_distances(i)[j] >= approx.row_distances(i)[j - 1]);
            REQUIRE(approx.row_indices(i)[j] != static_cast<std::int32_t>(i));
        }
    }
    // Reported distances are the true metric distances of the reported points.
    for (std::size_t i = 0; i < n; i += 97)
        for (std::size_t j = 0; j < approx.k; ++j)
            CHECK(approx.row_distances(i)[j] ==
                  doctest::Approx(test::oracle_distance(x.row(i), x.row(static_cast<std::size_t>(approx.row_indices(i)[j])),
                                                        10, Metric::euclidean))
                      .epsilon(1e-4));
}

TEST_CASE("NN-descent: same seed gives the same graph at any thread count; seeds differ") {
    const Matrix x = test::embedding_like(quick() ? 3000 : 8000, 10, 6, 2);
    ThreadPool one(1), two(2), five(5);
    KnnOptions o = options(15, KnnMethod::nn_descent);
    o.pool = &one;
    const KnnGraph a = build_knn(x, o);
    o.pool = &two;
    const KnnGraph b = build_knn(x, o);
    o.pool = &five;
    const KnnGraph c = build_knn(x, o);
    CHECK(a.indices == b.indices);
    CHECK(a.distances == b.distances);
    CHECK(a.indices == c.indices);
    o.seed = 43;
    const KnnGraph d = build_knn(x, o);
    CHECK(d.indices != a.indices);

    // Without the point itself: k others per row, never the point.
    o.include_self = false;
    const KnnGraph e = build_knn(x, o);
    CHECK(e.k == 15);
    bool self_seen = false;
    for (std::size_t i = 0; i < e.n; ++i)
        for (std::size_t j = 0; j < e.k; ++j) self_seen |= e.row_indices(i)[j] == static_cast<std::int32_t>(i);
    CHECK_FALSE(self_seen);
    o.method = KnnMethod::exact;
    CHECK(test::recall(build_knn(x, o), e) >= 0.99);
}

TEST_CASE("NN-descent with other metrics") {
    const Matrix x = test::embedding_like(quick() ? 2000 : 5000, 12, 8, 3);
    for (Metric m : {Metric::cosine, Metric::correlation, Metric::manhattan, Metric::chebyshev}) {
        const std::string name = to_string(m);
        CAPTURE(name);
        const KnnGraph exact = build_knn(x, options(10, KnnMethod::exact, m));
        const KnnGraph approx = build_knn(x, options(10, KnnMethod::nn_descent, m));
        const double r = test::distance_recall(exact, approx);
        MESSAGE(name << " recall@10 = " << r);
        CHECK(r >= (m == Metric::chebyshev ? 0.93 : 0.97));  // chebyshev: many near ties
    }
}

TEST_CASE("NN-descent on duplicates, constant data and tiny sets") {
    Matrix dup(3000, 8);
    Rng rng(9);
    for (std::size_t i = 0; i < dup.rows(); ++i)
        for (std::size_t j = 0; j < dup.cols(); ++j)
            dup(i, j) = i < 2000 ? float(i % 40) : static_cast<float>(rng.normal(0, 20));  // 50 copies of 40 points
    const KnnGraph exact = build_knn(dup, options(10, KnnMethod::exact));
    const KnnGraph approx = build_knn(dup, options(10, KnnMethod::nn_descent));
    CHECK(test::distance_recall(exact, approx) >= 0.98);

    Matrix constant(1000, 5);
    for (std::size_t i = 0; i < constant.size(); ++i) constant.data()[i] = -3.0f;
    const KnnGraph c = build_knn(constant, options(12, KnnMethod::nn_descent));
    for (std::size_t i = 0; i < c.n; ++i) {
        CHECK(c.row_indices(i)[0] == static_cast<std::int32_t>(i));
        for (std::size_t j = 0; j < c.k; ++j) {
            CHECK(c.row_distances(i)[j] == 0.0f);
            CHECK(c.row_indices(i)[j] >= 0);
        }
    }

    const Matrix tiny = test::embedding_like(12, 3, 2, 4);  // n == k: every point is everyone's neighbour
    const KnnGraph t = build_knn(tiny, options(12, KnnMethod::nn_descent));
    const KnnGraph te = build_knn(tiny, options(12, KnnMethod::exact));
    CHECK(test::distance_recall(te, t) == 1.0);
}

TEST_CASE("NN-descent recall@20 >= 0.95 on raw MNIST (10000-row subset)") {
    const auto dir = test::shared_datasets();
    if (dir.empty() || !std::filesystem::exists(dir / "mnist")) {
        MESSAGE("skipped: shared datasets not found (set N2D_DATA_DIR)");
        return;
    }
    Dataset d = load_dataset("mnist-test", dir.string());
    const std::size_t n = quick() ? 3000 : d.x.rows();
    const Matrix x = test::rows_of(d.x, 0, n);
    const KnnGraph exact = build_knn(x, options(20, KnnMethod::exact));
    const KnnGraph approx = build_knn(x, options(20, KnnMethod::nn_descent));
    const double r = test::recall(exact, approx);
    MESSAGE("MNIST-test raw recall@20 = " << r);
    CHECK(r >= 0.95);

    // Query recall: index the first 80 %, query the rest.
    const std::size_t n_train = n * 4 / 5;
    const Matrix train = test::rows_of(x, 0, n_train), queries = test::rows_of(x, n_train, n - n_train);
    const KnnGraph got = KnnIndex::build(train, options(20, KnnMethod::nn_descent)).query(queries, 20);
    const KnnGraph truth = KnnIndex::build(train, options(20, KnnMethod::exact)).query(queries, 20);
    const double qr = test::recall(truth, got);
    MESSAGE("MNIST-test raw query recall@20 = " << qr);
    CHECK(qr >= 0.95);
}
