// HDBSCAN against R dbscan 1.1-11 (tests/golden/hdbscan_goldens.R): identical labels up to
// renumbering (noise stays noise), GLOSH and membership probabilities to 1e-6; plus thread-count
// determinism, parameter errors, predict on new points and serialisation.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "n2d/cluster/detail/hdbscan_internal.hpp"
#include "n2d/cluster/hdbscan.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

struct RGolden {
    std::size_t min_pts = 0, d = 0;
    Matrix x;
    std::vector<int> cluster;  // R: 0 = noise
    std::vector<double> outlier, prob;
};

RGolden read_golden(const std::string& name) {
    const std::string path = std::string(N2D_SOURCE_DIR) + "/tests/golden/hdbscan/" + name + ".csv";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "missing golden " << path << " (run Rscript tests/golden/hdbscan_goldens.R)");
    RGolden g;
    std::string line;
    std::getline(in, line);
    g.min_pts = std::stoul(line.substr(line.find(',') + 1));
    std::getline(in, line);  // header: x1..xd,cluster,outlier,prob
    g.d = std::size_t(std::count(line.begin(), line.end(), ',')) - 2;
    std::vector<float> xs;
    while (std::getline(in, line)) {
        std::stringstream row(line);
        std::string cell;
        std::vector<std::string> cells;
        while (std::getline(row, cell, ',')) cells.push_back(cell);
        REQUIRE(cells.size() == g.d + 3);
        for (std::size_t j = 0; j < g.d; ++j) xs.push_back(std::stof(cells[j]));
        g.cluster.push_back(std::stoi(cells[g.d]));
        g.outlier.push_back(std::stod(cells[g.d + 1]));
        g.prob.push_back(std::stod(cells[g.d + 2]));
    }
    g.x = test::matrix_from(xs, g.d);
    return g;
}

// Labels equal up to a one-to-one renumbering; R's 0 must be our −1.
bool same_partition(const std::vector<int>& ours, const std::vector<int>& r) {
    if (ours.size() != r.size()) return false;
    std::map<int, int> fwd, back;
    for (std::size_t i = 0; i < r.size(); ++i) {
        if ((ours[i] < 0) != (r[i] == 0)) return false;
        if (ours[i] < 0) continue;
        auto [f, fnew] = fwd.emplace(ours[i], r[i]);
        auto [b, bnew] = back.emplace(r[i], ours[i]);
        if (f->second != r[i] || b->second != ours[i]) return false;
    }
    return true;
}

}  // namespace

// Equal mutual reachabilities are common (wherever core distances dominate), so the tie rules
// matter: sorting equal MST weights in reverse order fails all five sets.
TEST_CASE("Hdbscan matches R dbscan::hdbscan on the golden data sets") {
    for (const std::string name : {"blobs", "moons", "noise", "ties", "line"}) {
        CAPTURE(name);
        const RGolden g = read_golden(name);
        HdbscanOptions o;
        o.min_cluster_size = g.min_pts;
        Hdbscan h(o);
        h.fit(g.x.view());
        CHECK(same_partition(h.labels(), g.cluster));
        int r_clusters = 0;
        for (int c : g.cluster) r_clusters = std::max(r_clusters, c);
        CHECK(h.n_clusters() == std::size_t(r_clusters));
        for (std::size_t i = 0; i < g.cluster.size(); ++i) {
            CAPTURE(i);
            CHECK(std::abs(h.outlier_scores()[i] - g.outlier[i]) <= 1e-6);
            CHECK(std::abs(h.probabilities()[i] - g.prob[i]) <= 1e-6);
        }
    }
}

// R's rule, worked by hand (REFERENCE.md §14.7): an undersized part stays in its cluster and its
// points leave one by one. Eight points, min_cluster_size 3; merges (ids 8 + k):
//   k0 {3,4} at 0.5, k1 {0,1} at 1, k2 k1+2 at 1.2, k3 {5,6} at 1.4, k4 k3+7 at 1.6,
//   k5 k2+k0 at 3 (parts of 3 and 2: no split), k6 k5+k4 at 5 (3+ and 3+: the root splits).
// Cluster {0..4} keeps {3,4} (Python's hdbscan would drop them at 3), so its death is 0.5, the
// height of their own merge: GLOSH(0) = 1 − 0.5/1 = 0.5 and GLOSH(2) = 1 − 0.5/1.2.
TEST_CASE("R's cluster tree keeps undersized parts inside the cluster") {
    detail::MergeTree t;
    t.left = {3, 0, 9, 5, 11, 10, 13};
    t.right = {4, 1, 2, 6, 7, 8, 12};
    t.size = {2, 2, 3, 2, 3, 5, 8};
    t.height = {0.5, 1.0, 1.2, 1.4, 1.6, 3.0, 5.0};
    const auto ex = detail::extract_clusters(t, 3);
    CHECK(ex.labels == std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1});
    const std::vector<double> glosh{0.5, 0.5, 1 - 0.5 / 1.2, 0, 0, 0, 0, 1 - 1.4 / 1.6};
    for (std::size_t i = 0; i < glosh.size(); ++i) CHECK(ex.outlier_scores[i] == doctest::Approx(glosh[i]).epsilon(1e-15));
    CHECK(ex.cluster_birth == std::vector<double>{5.0, 5.0});
    // Same tree with min_cluster_size 4: the root never splits, so everything is noise and every
    // point's GLOSH is 1 (the root's death stays 0, as in R).
    const auto none = detail::extract_clusters(t, 4);
    for (std::size_t i = 0; i < 8; ++i) {
        CHECK(none.labels[i] == -1);
        CHECK(none.outlier_scores[i] == 1.0);
    }
}

// The kd-tree searches must reproduce the scans exactly, equal keys included: uniform points,
// an integer grid (ties everywhere), blobs, and a grid with a fifth of the rows set to one point
// (duplicates), over dimensions 1-12 and min_samples 1-12.
TEST_CASE("Hdbscan kd-tree core distances and Prim chain equal the scans' bit for bit") {
    std::mt19937_64 rng(7);
    ThreadPool pool(2);
    for (int trial = 0; trial < 64; ++trial) {
        const std::size_t n = 2 + rng() % 500, d = 1 + rng() % 12, min_samples = std::min<std::size_t>(n, 1 + rng() % 12);
        const int kind = trial % 4;
        CAPTURE(trial);
        CAPTURE(n);
        CAPTURE(d);
        CAPTURE(min_samples);
        CAPTURE(kind);
        std::uniform_real_distribution<float> uniform(-5.0f, 5.0f);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        Matrix x(n, d);
        for (std::size_t i = 0; i < n; ++i) {
            const float centre = float(rng() % 4) * 3.0f;
            for (std::size_t j = 0; j < d; ++j)
                x(i, j) = kind == 0 ? uniform(rng) : kind == 2 ? centre + normal(rng) : float(rng() % 4);
        }
        if (kind == 3)
            for (std::size_t i = 0; i < n / 5; ++i) std::fill_n(x.row(rng() % n), d, 0.5f);
        const auto data = detail::to_double(x.view());
        const detail::KdTree tree = detail::hdbscan_kdtree(data);
        std::size_t searched = 0;
        const auto core = detail::core_distances(data, min_samples, nullptr, pool);
        CHECK(detail::core_distances(data, min_samples, &tree, pool, &searched) == core);
        CHECK(searched <= (min_samples > 1 ? n * n : 0));
        const auto scan = detail::prim_chain_scan(data, core, pool);
        const auto kd = detail::prim_chain_kdtree(tree, core, std::numeric_limits<std::size_t>::max());
        REQUIRE(kd);
        CHECK(kd->added == scan.added);
        CHECK(kd->previous == scan.previous);
        CHECK(kd->weight == scan.weight);
        // Out of budget it gives up rather than returning a partial chain.
        CHECK_FALSE(detail::prim_chain_kdtree(tree, core, 0));
        const auto a = detail::mutual_reachability_tree(data, core, &tree, pool);
        const auto b = detail::mutual_reachability_tree(data, core, nullptr, pool);
        CHECK(a.left == b.left);
        CHECK(a.right == b.right);
        CHECK(a.height == b.height);
    }
}

TEST_CASE("Hdbscan gives identical results at any thread count") {
    const RGolden g = read_golden("moons");
    ThreadPool one(1), four(4);
    auto run = [&](ThreadPool& pool) {
        HdbscanOptions o;
        o.min_cluster_size = 8;
        o.pool = &pool;
        Hdbscan h(o);
        h.fit(g.x.view());
        return h;
    };
    const Hdbscan a = run(one), b = run(four);
    CHECK(a.labels() == b.labels());
    CHECK(a.outlier_scores() == b.outlier_scores());
    CHECK(a.probabilities() == b.probabilities());
    const Matrix q = test::blobs(50, 2, 2, 0.5, 3);
    CHECK(a.predict(q.view()) == b.predict(q.view()));
}

TEST_CASE("Hdbscan min_samples sets the core neighbourhood, counting the point itself") {
    const RGolden g = read_golden("blobs");
    HdbscanOptions o;
    o.min_cluster_size = 5;
    o.min_samples = 1;
    Hdbscan plain(o);
    plain.fit(g.x.view());
    for (double c : plain.core_distances()) CHECK(c == 0.0);
    o.min_samples = 2;  // nearest other point
    Hdbscan two(o);
    two.fit(g.x.view());
    const std::size_t n = g.x.rows();
    for (std::size_t i = 0; i < n; i += 37) {
        double best = 1e300;
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i) continue;
            const double dx = double(g.x(i, 0)) - g.x(j, 0), dy = double(g.x(i, 1)) - g.x(j, 1);
            best = std::min(best, std::sqrt(dx * dx + dy * dy));
        }
        CHECK(two.core_distances()[i] == best);
    }
    CHECK(Hdbscan(HdbscanOptions{5, 0, nullptr, {}}).min_samples() == 5);
}

TEST_CASE("Hdbscan predict: new points join their nearest cluster within its life, else noise") {
    const RGolden g = read_golden("blobs");
    Hdbscan h(HdbscanOptions{5, 0, nullptr, {}});
    h.fit(g.x.view());
    // Slightly moved training points that sit well inside their cluster keep its label.
    Matrix moved = Matrix::copy_of(g.x.view());
    for (std::size_t i = 0; i < moved.rows(); ++i) moved(i, 0) += 1e-4f;
    const auto labels = h.predict(moved.view());
    const Matrix proba = h.predict_proba(moved.view());
    REQUIRE(proba.cols() == h.n_clusters());
    std::size_t inside = 0;
    for (std::size_t i = 0; i < moved.rows(); ++i) {
        if (h.labels()[i] < 0 || h.outlier_scores()[i] > 0.5) continue;
        ++inside;
        CAPTURE(i);
        CHECK(labels[i] == h.labels()[i]);
        for (std::size_t c = 0; c < proba.cols(); ++c)
            if (int(c) != labels[i]) CHECK(proba(i, c) == 0.0f);
    }
    CHECK(inside > 100);
    // A far point is noise with an all-zero row.
    const Matrix far = test::matrix_from({100.0f, -100.0f, 3.0f, 40.0f}, 2);
    CHECK(h.predict(far.view()) == std::vector<int>{-1, -1});
    const Matrix pf = h.predict_proba(far.view());
    for (std::size_t c = 0; c < pf.cols(); ++c) CHECK(pf(0, c) == 0.0f);
}

TEST_CASE("Hdbscan save/load round trip") {
    const RGolden g = read_golden("noise");
    Hdbscan h(HdbscanOptions{10, 0, nullptr, {}});
    h.fit(g.x.view());
    ByteWriter w;
    h.save(w);
    ByteReader r(w.bytes().data(), w.bytes().size(), "hdbscan test");
    const Hdbscan l = Hdbscan::load(r);
    CHECK(l.labels() == h.labels());
    CHECK(l.outlier_scores() == h.outlier_scores());
    CHECK(l.probabilities() == h.probabilities());
    CHECK(l.n_clusters() == h.n_clusters());
    const Matrix q = test::blobs(40, 2, 2, 2.0, 5);
    CHECK(l.predict(q.view()) == h.predict(q.view()));
}

TEST_CASE("Hdbscan rejects bad parameters and inputs with a clear error") {
    CHECK_THROWS_WITH_AS(Hdbscan(HdbscanOptions{1, 0, nullptr, {}}), doctest::Contains("min_cluster_size must be >= 2"), Error);
    const Matrix x = test::blobs(20, 2, 2, 0.5, 1);
    Hdbscan big(HdbscanOptions{5, 21, nullptr, {}});
    CHECK_THROWS_WITH_AS(big.fit(x.view()), doctest::Contains("exceeds the 20 points"), Error);
    Hdbscan h(HdbscanOptions{5, 0, nullptr, {}});
    CHECK_THROWS_WITH_AS(h.predict(x.view()), doctest::Contains("call fit first"), Error);
    Matrix bad = Matrix::copy_of(x.view());
    bad(3, 1) = std::nanf("");
    CHECK_THROWS_AS(h.fit(bad.view()), Error);
    h.fit(x.view());
    const Matrix wide(2, 3);
    CHECK_THROWS_AS(h.predict(wide.view()), Error);
    // Every point identical: one root that never splits, so everything is noise.
    const Matrix same(12, 2);
    h.fit(same.view());
    CHECK(h.n_clusters() == 0);
    for (int l : h.labels()) CHECK(l == -1);
}
