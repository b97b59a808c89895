#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/error.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/knn/knn.hpp"
#include "n2d/metrics/metrics.hpp"

using namespace n2d;

namespace {

bool same_data(const Dataset& a, const Dataset& b) {
    return a.labels == b.labels && a.x.rows() == b.x.rows() && a.x.cols() == b.x.cols() &&
           std::memcmp(a.x.data(), b.x.data(), a.x.size() * sizeof(float)) == 0;
}

// Fraction of each point's k nearest neighbours (itself excluded) that share its label.
double knn_purity(const Dataset& d, std::size_t k) {
    KnnOptions o;
    o.n_neighbors = k + 1;
    o.method = KnnMethod::exact;
    const KnnGraph g = build_knn(d.x, o);
    std::size_t same = 0, total = 0;
    for (std::size_t i = 0; i < g.n; ++i)
        for (std::size_t j = 0; j < g.k; ++j) {
            const auto nb = static_cast<std::size_t>(g.indices[i * g.k + j]);
            if (nb == i) continue;
            same += d.labels[nb] == d.labels[i];
            ++total;
        }
    return double(same) / double(total);
}

}  // namespace

TEST_CASE("synthetic: shape, balance, value range; the same seed gives the same data") {
    const Dataset a = make_synthetic();
    CHECK(a.name == "synthetic");
    CHECK(a.x.rows() == 6000);
    CHECK(a.x.cols() == 32);
    CHECK(a.class_names.size() == 6);
    std::vector<int> counts(6);
    for (int l : a.labels) ++counts[std::size_t(l)];
    CHECK(counts == std::vector<int>(6, 1000));
    const auto [lo, hi] = std::minmax_element(a.x.data(), a.x.data() + a.x.size());
    CHECK(*lo > -0.05f);
    CHECK(*hi < 1.05f);
    CHECK(same_data(a, make_synthetic()));
    CHECK(same_data(a, load_dataset("synthetic")));
    SyntheticOptions o;
    o.seed = 1;
    CHECK_FALSE(same_data(a, make_synthetic(o)));
    o.n_samples = 1001;
    o.n_clusters = 4;
    o.dim = 10;
    const Dataset b = make_synthetic(o);
    CHECK(b.x.rows() == 1001);
    CHECK(b.x.cols() == 10);
    CHECK(b.n_classes() == 4);
}

TEST_CASE("synthetic: k-means on the raw data fails while the manifold (k-NN) structure separates the arms") {
    const Dataset d = make_synthetic();
    KMeansOptions ko;
    ko.n_clusters = 6;
    ko.n_init = 10;
    const std::vector<int> pred = KMeans(ko).fit_predict(d.x);
    const double acc = cluster_accuracy(d.labels, pred).accuracy;
    const double score = nmi(d.labels, pred);
    const double purity = knn_purity(d, 15);
    MESSAGE("k-means on raw synthetic data: accuracy " << acc << ", NMI " << score << "; 15-NN label purity " << purity);
    CHECK(acc < 0.6);
    CHECK(score < 0.5);
    CHECK(purity > 0.99);
    CHECK(cluster_accuracy(d.labels, d.labels).accuracy == 1.0);
}

TEST_CASE("blobs: seeded, balanced, separated; k-means recovers them") {
    const Dataset a = make_blobs(900, 5, 3, 0.5, 7);
    CHECK(a.name == "blobs");
    CHECK(a.x.rows() == 900);
    CHECK(a.x.cols() == 5);
    CHECK(same_data(a, make_blobs(900, 5, 3, 0.5, 7)));
    CHECK_FALSE(same_data(a, make_blobs(900, 5, 3, 0.5, 8)));
    KMeansOptions ko;
    ko.n_clusters = 3;
    CHECK(cluster_accuracy(a.labels, KMeans(ko).fit_predict(a.x)).accuracy > 0.99);
}

TEST_CASE("synthetic and blobs refuse bad options") {
    SyntheticOptions o;
    o.n_clusters = 1;
    CHECK_THROWS_WITH_AS(make_synthetic(o), doctest::Contains("n_clusters"), Error);
    o = {};
    o.dim = 2;
    CHECK_THROWS_WITH_AS(make_synthetic(o), doctest::Contains("dim"), Error);
    o = {};
    o.noise = -1;
    CHECK_THROWS_WITH_AS(make_synthetic(o), doctest::Contains("noise"), Error);
    o = {};
    o.n_samples = 3;
    CHECK_THROWS_WITH_AS(make_synthetic(o), doctest::Contains("n_samples"), Error);
    CHECK_THROWS_AS(make_blobs(10, 2, 0, 1.0, 0), Error);
    CHECK_THROWS_AS(make_blobs(10, 0, 2, 1.0, 0), Error);
}
