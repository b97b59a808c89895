// KMeans against scikit-learn 1.2.1 from the same initial centres, plus seeding, n_init,
// determinism across thread counts, degenerate inputs and serialisation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "cluster_golden.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/metrics/metrics.hpp"
#include "test_util.hpp"

using namespace n2d;

TEST_CASE("KMeans matches scikit-learn from the same initial centres") {
    const Matrix x = test::matrix_from(golden::kmeans_x, 3);
    for (auto algo : {KMeansAlgorithm::lloyd, KMeansAlgorithm::elkan}) {
        const bool lloyd = algo == KMeansAlgorithm::lloyd;
        CAPTURE(lloyd);
        KMeansOptions o;
        o.n_clusters = 4;
        o.algorithm = algo;
        o.initial_centers = test::matrix_from(golden::kmeans_init, 3);
        KMeans km(o);
        km.fit(x);
        CHECK(km.labels() == (lloyd ? golden::kmeans_lloyd_labels : golden::kmeans_elkan_labels));
        CHECK(km.inertia() == doctest::Approx(lloyd ? golden::kmeans_lloyd_inertia : golden::kmeans_elkan_inertia).epsilon(1e-5));
        CHECK(int(km.n_iter()) == (lloyd ? golden::kmeans_lloyd_n_iter : golden::kmeans_elkan_n_iter));
        const auto& gc = lloyd ? golden::kmeans_lloyd_centers : golden::kmeans_elkan_centers;
        for (std::size_t i = 0; i < gc.size(); ++i) CHECK(km.cluster_centers().data()[i] == doctest::Approx(gc[i]).epsilon(1e-5));
        CHECK(km.predict(x) == km.labels());
    }
    KMeansOptions o;
    o.n_clusters = 6;
    o.tol = 1e-6;
    const Matrix x6 = test::matrix_from(golden::kmeans6_x, 2);
    o.initial_centers = Matrix(6, 2);
    std::copy(x6.data(), x6.data() + 12, o.initial_centers.data());
    KMeans km(o);
    km.fit(x6);
    CHECK(km.labels() == golden::kmeans6_labels);
    CHECK(km.inertia() == doctest::Approx(golden::kmeans6_inertia).epsilon(1e-5));
    CHECK(int(km.n_iter()) == golden::kmeans6_n_iter);
}

TEST_CASE("KMeans finds separated blobs; Lloyd and Elkan agree; n_init keeps the best") {
    std::vector<int> truth;
    const Matrix x = test::blobs(3000, 5, 7, 0.5, 11, &truth);
    KMeansOptions o;
    o.n_clusters = 7;
    o.n_init = 5;
    o.seed = 3;
    KMeans lloyd(o);
    lloyd.fit(x);
    CHECK(cluster_accuracy(truth, lloyd.labels()).accuracy > 0.999);
    o.algorithm = KMeansAlgorithm::elkan;
    KMeans elkan(o);
    elkan.fit(x);
    CHECK(elkan.labels() == lloyd.labels());
    CHECK(elkan.inertia() == doctest::Approx(lloyd.inertia()).epsilon(1e-6));
    // The best of 5 is no worse than each single run with the same seeds.
    for (std::size_t r = 0; r < 3; ++r) {
        KMeansOptions one = o;
        one.n_init = 1;
        one.seed = o.seed;
        KMeans single(one);
        single.fit(x);
        CHECK(lloyd.inertia() <= single.inertia() * (1 + 1e-9));
    }
    // transform gives distances consistent with predict.
    const Matrix dist = lloyd.transform(x);
    const auto pred = lloyd.predict(x);
    for (std::size_t i = 0; i < 50; ++i) {
        const float* row = dist.row(i);
        CHECK(std::size_t(std::min_element(row, row + 7) - row) == std::size_t(pred[i]));
    }
}

TEST_CASE("KMeans is identical at any thread count") {
    const Matrix x = test::blobs(5000, 4, 6, 2.0, 5);
    KMeansOptions o;
    o.n_clusters = 6;
    o.n_init = 3;
    ThreadPool one(1), three(3);
    for (auto algo : {KMeansAlgorithm::lloyd, KMeansAlgorithm::elkan}) {
        o.algorithm = algo;
        o.pool = &one;
        KMeans a(o);
        a.fit(x);
        o.pool = &three;
        KMeans b(o);
        b.fit(x);
        CHECK(a.labels() == b.labels());
        CHECK(a.inertia() == b.inertia());
        CHECK(std::equal(a.cluster_centers().data(), a.cluster_centers().data() + a.cluster_centers().size(),
                         b.cluster_centers().data()));
    }
}

TEST_CASE("k-means++ picks distinct, spread-out seeds") {
    const Matrix x = test::blobs(2000, 3, 5, 0.1, 9);
    Rng rng(1);
    const auto idx = kmeans_plusplus(x, 5, rng);
    REQUIRE(idx.size() == 5);
    std::vector<int> blob;
    for (auto i : idx) blob.push_back(int(i % 5));
    std::sort(blob.begin(), blob.end());
    CHECK(std::unique(blob.begin(), blob.end()) == blob.end());  // one seed per blob
}

TEST_CASE("KMeans degenerate inputs: duplicates, n == k, constant feature, bad arguments") {
    // Many duplicates: fewer distinct points than clusters → empty clusters get relocated, no NaN.
    Matrix dup(40, 2);
    for (std::size_t i = 0; i < 40; ++i) dup(i, 0) = float(i % 3);
    for (auto algo : {KMeansAlgorithm::lloyd, KMeansAlgorithm::elkan}) {
        KMeansOptions o;
        o.n_clusters = 5;
        o.algorithm = algo;
        KMeans km(o);
        km.fit(dup);
        for (std::size_t i = 0; i < km.cluster_centers().size(); ++i) CHECK(std::isfinite(km.cluster_centers().data()[i]));
        CHECK(km.inertia() == doctest::Approx(0.0));
    }
    // n == k: every point its own cluster.
    const Matrix few = test::blobs(4, 3, 4, 1.0, 2);
    KMeansOptions o;
    o.n_clusters = 4;
    KMeans km(o);
    km.fit(few);
    CHECK(km.inertia() == doctest::Approx(0.0));
    // Constant feature.
    Matrix cst = test::blobs(300, 3, 3, 0.3, 4);
    for (std::size_t i = 0; i < 300; ++i) cst(i, 1) = 7.0f;
    o.n_clusters = 3;
    KMeans kc(o);
    kc.fit(cst);
    for (std::size_t j = 0; j < 3; ++j) CHECK(kc.cluster_centers()(j, 1) == doctest::Approx(7.0f));
    // Errors.
    o.n_clusters = 5;
    CHECK_THROWS_AS(KMeans(o).fit(few), Error);
    Matrix bad = few;
    bad(1, 1) = std::nanf("");
    o.n_clusters = 2;
    CHECK_THROWS_AS(KMeans(o).fit(bad), Error);
    CHECK_THROWS_AS(KMeans(o).predict(few), Error);
    KMeans fitted(o);
    fitted.fit(few);
    CHECK_THROWS_AS(fitted.predict(Matrix(3, 2)), Error);
}

TEST_CASE("KMeans save/load round-trips and rejects corrupt records") {
    const Matrix x = test::blobs(500, 3, 4, 1.0, 8);
    KMeansOptions o;
    o.n_clusters = 4;
    KMeans km(o);
    km.fit(x);
    ByteWriter w;
    km.save(w);
    ByteReader r(w.bytes().data(), w.size(), "test kmeans");
    const KMeans back = KMeans::load(r);
    CHECK(back.predict(x) == km.predict(x));
    CHECK(back.inertia() == km.inertia());
    CHECK(back.labels() == km.labels());
    auto bytes = w.bytes();
    bytes[0] ^= 0xFF;
    ByteReader bad(bytes.data(), bytes.size(), "corrupt kmeans");
    CHECK_THROWS_AS(KMeans::load(bad), Error);
    ByteReader cut(w.bytes().data(), w.size() / 2, "truncated kmeans");
    CHECK_THROWS_AS(KMeans::load(cut), Error);
}

TEST_CASE("KMeans progress callback can cancel") {
    const Matrix x = test::blobs(200, 2, 3, 1.0, 1);
    KMeansOptions o;
    o.n_clusters = 3;
    o.n_init = 4;
    std::size_t calls = 0;
    o.progress = [&](const Progress& p) {
        ++calls;
        CHECK(std::string(p.stage) == "kmeans");
        return p.step < 2;
    };
    CHECK_THROWS_AS(KMeans(o).fit(x), Cancelled);
    CHECK(calls == 2);
}
