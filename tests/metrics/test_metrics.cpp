// Metrics against scikit-learn 1.2.1 goldens (tests/golden/make_cluster_golden.py) and
// hand-checkable cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "metrics_golden.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/metrics/metrics.hpp"
#include "test_util.hpp"

using namespace n2d;

TEST_CASE("supervised metrics match scikit-learn on random labelings and edge cases") {
    for (const auto& c : golden::label_cases()) {
        const std::string name = c.name;
        CAPTURE(name);
        CHECK(label_entropy(c.truth) == doctest::Approx(c.entropy_truth).epsilon(1e-12));
        CHECK(mutual_info(c.truth, c.pred) == doctest::Approx(c.mutual_info).epsilon(1e-9));
        CHECK(std::abs(nmi(c.truth, c.pred) - c.nmi_arithmetic) < 1e-9);
        CHECK(std::abs(nmi(c.truth, c.pred, NmiAverage::geometric) - c.nmi_geometric) < 1e-9);
        CHECK(std::abs(nmi(c.truth, c.pred, NmiAverage::min) - c.nmi_min) < 1e-9);
        CHECK(std::abs(nmi(c.truth, c.pred, NmiAverage::max) - c.nmi_max) < 1e-9);
        CHECK(std::abs(ari(c.truth, c.pred) - c.ari) < 1e-12);
        CHECK(std::abs(ami(c.truth, c.pred) - c.ami_arithmetic) < 1e-6);
        CHECK(std::abs(ami(c.truth, c.pred, NmiAverage::geometric) - c.ami_geometric) < 1e-6);
        // All singletons against classes: MI = E[MI] = H(truth) exactly, so with the "min"
        // normaliser AMI is 0/0 evaluated on rounding noise (sklearn itself gives 0.9968).
        if (name != "all singletons") CHECK(std::abs(ami(c.truth, c.pred, NmiAverage::min) - c.ami_min) < 1e-6);
        CHECK(std::abs(ami(c.truth, c.pred, NmiAverage::max) - c.ami_max) < 1e-6);
        CHECK(std::abs(cluster_accuracy(c.truth, c.pred).accuracy - c.accuracy) < 1e-12);
    }
}

TEST_CASE("metrics are symmetric where sklearn's are and reject bad input") {
    const auto& c = golden::label_cases()[0];
    CHECK(nmi(c.truth, c.pred) == doctest::Approx(nmi(c.pred, c.truth)).epsilon(1e-12));
    CHECK(ari(c.truth, c.pred) == doctest::Approx(ari(c.pred, c.truth)).epsilon(1e-12));
    CHECK_THROWS_AS(nmi({0, 1, 2}, {0, 1}), Error);
    CHECK_THROWS_AS(cluster_accuracy({0, -1}, {0, 1}), Error);
    CHECK_THROWS_AS(cluster_accuracy({}, {}), Error);
    CHECK(ami({0, 0, 1, 1}, {0, 1, 0, 1}) == doctest::Approx(-0.5));
    CHECK(ari({0, 0, 0, 0}, {0, 1, 2, 3}) == 0.0);
}

TEST_CASE("cluster accuracy returns the best mapping for unequal counts") {
    // 3 classes, 4 clusters: clusters 0,1 → class 2 and 0; cluster 3 → class 1; cluster 2 unmatched.
    const std::vector<int> truth{2, 2, 2, 0, 0, 1, 1, 1, 1, 0};
    const std::vector<int> pred{0, 0, 0, 1, 1, 3, 3, 3, 2, 2};
    const auto r = cluster_accuracy(truth, pred);
    CHECK(r.accuracy == doctest::Approx(0.8));
    REQUIRE(r.mapping.size() == 4);
    CHECK(r.mapping[0] == 2);
    CHECK(r.mapping[1] == 0);
    CHECK(r.mapping[3] == 1);
    CHECK(r.mapping[2] == -1);
    // Permuted labels are a perfect match and the mapping inverts the permutation.
    std::vector<int> t(50), p(50);
    for (int i = 0; i < 50; ++i) {
        t[std::size_t(i)] = i % 5;
        p[std::size_t(i)] = (i % 5 + 2) % 5;
    }
    const auto q = cluster_accuracy(t, p);
    CHECK(q.accuracy == 1.0);
    for (int k = 0; k < 5; ++k) CHECK(q.mapping[std::size_t((k + 2) % 5)] == k);
    // Cluster ids that never occur map to -1.
    const auto g = cluster_accuracy({0, 0, 1}, {4, 4, 0});
    CHECK(g.mapping.size() == 5);
    CHECK(g.mapping[4] == 0);
    CHECK(g.mapping[1] == -1);
}

TEST_CASE("linear_sum_assignment is optimal against brute force") {
    Rng rng(7);
    for (int trial = 0; trial < 30; ++trial) {
        const std::size_t r = 1 + rng.below(6), c = 1 + rng.below(6);
        std::vector<double> cost(r * c);
        for (auto& v : cost) v = double(rng.below(20));
        const auto a = linear_sum_assignment(cost, r, c);
        double got = 0;
        std::vector<int> used(c, 0);
        std::size_t assigned = 0;
        for (std::size_t i = 0; i < r; ++i)
            if (a[i] >= 0) {
                got += cost[i * c + std::size_t(a[i])];
                CHECK(used[std::size_t(a[i])]++ == 0);
                ++assigned;
            }
        CHECK(assigned == std::min(r, c));
        // Brute force over permutations of the larger side.
        const std::size_t big = std::max(r, c), small = std::min(r, c);
        std::vector<std::size_t> perm(big);
        std::iota(perm.begin(), perm.end(), std::size_t(0));
        double best = 1e300;
        do {
            double s = 0;
            for (std::size_t i = 0; i < small; ++i) s += r <= c ? cost[i * c + perm[i]] : cost[perm[i] * c + i];
            best = std::min(best, s);
        } while (std::next_permutation(perm.begin(), perm.end()));
        CHECK(got == best);
    }
}

TEST_CASE("silhouette matches scikit-learn, exact and per sample") {
    const Matrix x = test::matrix_from(golden::silhouette_x, 3);
    CHECK(std::abs(silhouette(x, golden::silhouette_labels) - golden::silhouette_score_value) < 1e-9);
    CHECK(std::abs(silhouette(x, golden::silhouette_labels_singleton) - golden::silhouette_score_singleton) < 1e-9);
    const auto s = silhouette_samples(x, golden::silhouette_labels);
    for (std::size_t i = 0; i < s.size(); ++i) CHECK(std::abs(s[i] - golden::silhouette_samples_values[i]) < 1e-9);
    // Same answer with one thread.
    ThreadPool one(1);
    SilhouetteOptions o;
    o.pool = &one;
    CHECK(silhouette(x, golden::silhouette_labels, o) == silhouette(x, golden::silhouette_labels));
    // Sampled: seeded and reproducible, close to the exact score; sample_size >= n is exact.
    o.sample_size = 100;
    o.seed = 3;
    const double a = silhouette(x, golden::silhouette_labels, o), b = silhouette(x, golden::silhouette_labels, o);
    CHECK(a == b);
    CHECK(std::abs(a - golden::silhouette_score_value) < 0.05);
    o.sample_size = 1000;
    CHECK(std::abs(silhouette(x, golden::silhouette_labels, o) - golden::silhouette_score_value) < 1e-9);
    CHECK_THROWS_AS(silhouette(x, std::vector<int>(150, 0)), Error);
    std::vector<int> all(150);
    std::iota(all.begin(), all.end(), 0);
    CHECK_THROWS_AS(silhouette(x, all), Error);
}

TEST_CASE("trustworthiness matches scikit-learn") {
    const Matrix high = test::matrix_from(golden::trust_high, 8), low = test::matrix_from(golden::trust_low, 2);
    CHECK(std::abs(trustworthiness(high, low, 5) - golden::trust_k5) < 1e-9);
    CHECK(std::abs(trustworthiness(high, low, 12) - golden::trust_k12) < 1e-9);
    CHECK(trustworthiness(high, high, 5) == doctest::Approx(1.0));
    CHECK_THROWS_AS(trustworthiness(high, low, 60), Error);
    CHECK_THROWS_AS(trustworthiness(high, Matrix(10, 2), 5), Error);
}

TEST_CASE("metrics with noise: -1 is one more cluster for NMI/ARI/AMI and never correct for ACC") {
    const std::vector<int> truth{0, 0, 0, 1, 1, 1, 2, 2};
    const std::vector<int> pred{0, 0, -1, 1, 1, -1, -1, -1};
    const auto r = cluster_accuracy(truth, pred);
    CHECK(r.accuracy == doctest::Approx(0.5));  // 4 of 8: the 4 noise points count, never match
    REQUIRE(r.mapping.size() == 2);
    CHECK(r.mapping[0] == 0);
    CHECK(r.mapping[1] == 1);
    // NMI, ARI, AMI: noise scores exactly as a cluster with any other id would.
    std::vector<int> relabelled = pred;
    for (int& p : relabelled)
        if (p < 0) p = 7;
    CHECK(nmi(truth, pred) == nmi(truth, relabelled));
    CHECK(ari(truth, pred) == ari(truth, relabelled));
    CHECK(ami(truth, pred) == doctest::Approx(ami(truth, relabelled)).epsilon(1e-12));  // summed in another order
    CHECK(ari({0, 0, 1, 1}, {-1, -1, 0, 0}) == doctest::Approx(1.0));
    const Matrix x = test::matrix_from({0, 0, 0.1f, 0, 5, 5, 5.2f, 5, 9, 0, 9, 0.3f, 2, 8, 3, 8}, 2);
    CHECK(silhouette(x, pred) == doctest::Approx(silhouette(x, relabelled)).epsilon(1e-12));
    CHECK(nmi({0, 0, 1, 1}, {-1, -1, 0, 0}) == doctest::Approx(1.0));
    // All noise: nothing matches.
    const auto none = cluster_accuracy({0, 1, 1}, {-1, -1, -1});
    CHECK(none.accuracy == 0.0);
    CHECK(none.mapping.empty());
    CHECK_THROWS_WITH_AS(cluster_accuracy({0, 1}, {0, -2}), doctest::Contains("below -1"), Error);
    CHECK_THROWS_AS(cluster_accuracy({0, 1}, {0}), Error);
}
