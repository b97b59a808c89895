// KnnIndex: query recall, batch independence, exact small indices, serialisation.
#include <doctest/doctest.h>

#include <cstdlib>

#include "knn_test_util.hpp"
#include "n2d/core/thread_pool.hpp"

using namespace n2d;

namespace {
bool quick() { return std::getenv("N2D_TEST_QUICK") != nullptr; }

KnnOptions options(std::size_t k, KnnMethod method, Metric m = Metric::euclidean) {
    return test::knn_options(k, method, m, 7);
}

// Exact answers for queries against `train` (an exact index answers exactly).
KnnGraph exact_query(const Matrix& train, const Matrix& queries, std::size_t k, Metric m) {
    return KnnIndex::build(train, options(k, KnnMethod::exact, m)).query(queries, k);
}

KnnIndex round_trip(const KnnIndex& index) {
    ByteWriter w;
    index.save(w);
    ByteReader r(w.bytes().data(), w.size(), "kNN index test");
    KnnIndex back = KnnIndex::load(r);
    CHECK(r.at_end());
    return back;
}
}  // namespace

TEST_CASE("graph-search queries: recall, batch independence, serialisation") {
    const std::size_t n = quick() ? 4000 : 10000, nq = quick() ? 300 : 1000;
    const Matrix all = test::embedding_like(n + nq, 10, 10, 5);
    const Matrix train = test::rows_of(all, 0, n), queries = test::rows_of(all, n, nq);
    for (Metric m : {Metric::euclidean, Metric::cosine}) {
        const std::string name = to_string(m);
        CAPTURE(name);
        const KnnIndex index = KnnIndex::build(train, options(15, KnnMethod::nn_descent, m));
        CHECK(index.size() == n);
        CHECK(index.dim() == 10);
        CHECK(index.metric() == m);
        CHECK(index.graph().k == 15);
        const KnnGraph got = index.query(queries, 20);
        const KnnGraph truth = exact_query(train, queries, 20, m);
        const double r = test::recall(truth, got);
        MESSAGE(name << " query recall@20 = " << r);
        CHECK(r >= 0.99);

        // One row at a time gives exactly what the batch gave.
        for (std::size_t i = 0; i < nq; i += 37) {
            const KnnGraph one = index.query(test::rows_of(queries, i, 1), 20);
            for (std::size_t j = 0; j < 20; ++j) {
                REQUIRE(one.indices[j] == got.row_indices(i)[j]);
                REQUIRE(one.distances[j] == got.row_distances(i)[j]);
            }
        }
        // Thread count does not matter either.
        set_num_threads(1);
        const KnnGraph single = index.query(queries, 20);
        set_num_threads(0);
        CHECK(single.indices == got.indices);

        const KnnIndex loaded = round_trip(index);
        CHECK(loaded.graph().indices == index.graph().indices);
        const KnnGraph again = loaded.query(queries, 20);
        CHECK(again.indices == got.indices);
        CHECK(again.distances == got.distances);
    }
}

TEST_CASE("a training point queried finds itself; larger epsilon does not lose recall") {
    const Matrix train = test::embedding_like(quick() ? 3000 : 6000, 10, 8, 6);
    const KnnIndex index = KnnIndex::build(train, options(10, KnnMethod::nn_descent));
    const Matrix some = test::rows_of(train, 100, 200);
    const KnnGraph g = index.query(some, 10, 0.0f);
    std::size_t self = 0;
    for (std::size_t i = 0; i < g.n; ++i) self += g.row_indices(i)[0] == static_cast<std::int32_t>(100 + i);
    CHECK(self >= 198);
    CHECK(g.row_distances(0)[0] == 0.0f);
    const KnnGraph truth = exact_query(train, some, 10, Metric::euclidean);
    CHECK(test::recall(truth, index.query(some, 10, 0.3f)) >= test::recall(truth, g) - 1e-9);
}

TEST_CASE("exact (small) indices answer exactly and serialise") {
    const Matrix all = test::embedding_like(900, 7, 3, 8);
    const Matrix train = test::rows_of(all, 0, 800), queries = test::rows_of(all, 800, 100);
    const KnnIndex index = KnnIndex::build(train, options(12, KnnMethod::automatic, Metric::manhattan));
    const KnnGraph g = index.query(queries, 5);
    for (std::size_t i = 0; i < g.n; ++i) {
        std::vector<double> d(800);
        for (std::size_t j = 0; j < 800; ++j) d[j] = test::oracle_distance(queries.row(i), train.row(j), 7, Metric::manhattan);
        std::sort(d.begin(), d.end());
        for (std::size_t j = 0; j < 5; ++j) CHECK(g.row_distances(i)[j] == doctest::Approx(d[j]).epsilon(1e-5));
    }
    CHECK(round_trip(index).query(queries, 5).indices == g.indices);
}

TEST_CASE("query input errors and corrupt index bytes") {
    const Matrix train = test::embedding_like(300, 4, 2, 9);
    const KnnIndex index = KnnIndex::build(train, options(5, KnnMethod::nn_descent));
    CHECK_THROWS_WITH_AS(index.query(test::embedding_like(3, 5, 1, 1), 3), doctest::Contains("columns"), Error);
    CHECK_THROWS_AS(index.query(test::rows_of(train, 0, 2), 0), Error);
    CHECK_THROWS_AS(index.query(test::rows_of(train, 0, 2), 301), Error);
    CHECK_THROWS_AS(KnnIndex().query(train, 1), Error);

    ByteWriter w;
    index.save(w);
    std::vector<unsigned char> bytes = w.bytes();
    for (std::size_t cut : {std::size_t(0), std::size_t(5), bytes.size() / 2, bytes.size() - 1}) {
        ByteReader r(bytes.data(), cut, "truncated index");
        CHECK_THROWS_AS(KnnIndex::load(r), Error);
    }
    bytes[0] ^= 0xFF;
    ByteReader bad(bytes.data(), bytes.size(), "bad magic");
    CHECK_THROWS_WITH_AS(KnnIndex::load(bad), doctest::Contains("magic"), Error);
}
