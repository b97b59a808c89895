#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/umap/detail/find_ab.hpp"
#include "n2d/umap/fuzzy_set.hpp"

using namespace n2d;

namespace {
// σ solving Σ_{j>=1} exp(-max(d_j - ρ, 0)/σ) = target, in double (the test's own bisection).
double solve_sigma(const std::vector<double>& d, double rho, double target) {
    double lo = 1e-9, hi = 1e9;
    for (int it = 0; it < 300; ++it) {
        const double mid = std::sqrt(lo * hi);
        double s = 0;
        for (std::size_t j = 1; j < d.size(); ++j) s += d[j] - rho > 0 ? std::exp(-(d[j] - rho) / mid) : 1.0;
        (s > target ? hi : lo) = mid;
    }
    return std::sqrt(lo * hi);
}
}  // namespace

TEST_CASE("find_ab_params matches umap-learn's curve_fit results") {
    struct Case {
        double min_dist, a, b;
    };
    for (Case c : {Case{0.1, 1.577, 0.895}, Case{0.001, 1.929, 0.7915}, Case{0.0, 1.933, 0.7905},
                   Case{0.5, 0.583, 1.334}}) {
        CAPTURE(c.min_dist);
        const CurveParams p = find_ab_params(1.0, c.min_dist);
        CHECK(std::fabs(p.a - c.a) < 1e-2);
        CHECK(std::fabs(p.b - c.b) < 1e-2);
    }
    // Tighter against the scipy 1.10.1 values quoted in REFERENCE.md §4.6.
    const CurveParams p = find_ab_params(1.0, 0.1);
    CHECK(std::fabs(p.a - 1.5769434601962196) < 1e-4);
    CHECK(std::fabs(p.b - 0.8950608779914887) < 1e-4);
    CHECK_THROWS_AS(find_ab_params(1.0, 2.0), Error);
    CHECK_THROWS_AS(find_ab_params(0.0, 0.0), Error);
    CHECK_THROWS_AS(find_ab_params(1.0, -0.1), Error);
}

TEST_CASE("smooth_knn_dist: rho with integer and fractional local_connectivity, sigma by bisection") {
    const std::vector<float> dist = {0, 1, 2, 3};  // one point, self first
    const std::vector<double> dd(dist.begin(), dist.end());
    SmoothKnnOptions o;
    o.n_neighbors = 4;  // target log2(4) = 2
    SUBCASE("local_connectivity 1") {
        o.local_connectivity = 1;
        const SmoothKnnResult r = smooth_knn_dist(dist.data(), 1, 4, o);
        CHECK(r.rhos[0] == doctest::Approx(1.0));
        // 1 + u + u² = 2 with u = exp(-1/σ): u = (√5 − 1)/2.
        CHECK(r.sigmas[0] == doctest::Approx(-1.0 / std::log((std::sqrt(5.0) - 1) / 2)).epsilon(1e-4));
    }
    SUBCASE("local_connectivity 1.5 interpolates") {
        o.local_connectivity = 1.5f;
        const SmoothKnnResult r = smooth_knn_dist(dist.data(), 1, 4, o);
        CHECK(r.rhos[0] == doctest::Approx(1.5));
        CHECK(r.sigmas[0] == doctest::Approx(solve_sigma(dd, 1.5, 2.0)).epsilon(1e-4));
    }
    SUBCASE("local_connectivity 0.5 scales the first positive distance") {
        o.local_connectivity = 0.5f;
        const SmoothKnnResult r = smooth_knn_dist(dist.data(), 1, 4, o);
        CHECK(r.rhos[0] == doctest::Approx(0.5));
        CHECK(r.sigmas[0] == doctest::Approx(solve_sigma(dd, 0.5, 2.0)).epsilon(1e-4));
    }
    SUBCASE("local_connectivity beyond the positive count: rho = largest, sigma floored") {
        o.local_connectivity = 5;
        const SmoothKnnResult r = smooth_knn_dist(dist.data(), 1, 4, o);
        CHECK(r.rhos[0] == doctest::Approx(3.0));
        CHECK(r.sigmas[0] == doctest::Approx(1e-3 * 1.5).epsilon(1e-3));  // 1e-3 · row mean
    }
}

TEST_CASE("smooth_knn_dist: duplicates (rho = 0) use the global floor; bad distances throw") {
    const std::vector<float> dist = {0, 0, 0, 0,  // a point with three exact duplicates
                                     0, 2, 4, 6};
    SmoothKnnOptions o;
    o.n_neighbors = 4;
    const SmoothKnnResult r = smooth_knn_dist(dist.data(), 2, 4, o);
    CHECK(r.rhos[0] == 0.0f);
    CHECK(r.sigmas[0] == doctest::Approx(1e-3 * 12.0 / 8.0).epsilon(1e-3));
    CHECK(r.rhos[1] == doctest::Approx(2.0));
    o.row_local_floor = true;  // transform's per-row floor
    CHECK(smooth_knn_dist(dist.data(), 2, 4, o).sigmas[0] == doctest::Approx(0.0));
    const std::vector<float> bad = {0, NAN, 1, 2};
    CHECK_THROWS_AS(smooth_knn_dist(bad.data(), 1, 4, o), Error);
    const std::vector<float> neg = {0, -1, 1, 2};
    CHECK_THROWS_AS(smooth_knn_dist(neg.data(), 1, 4, o), Error);
}

TEST_CASE("membership strengths and fuzzy union") {
    // Three points on a line at 0, 1, 3; k = 3 (self first).
    const std::vector<std::int32_t> idx = {0, 1, 2, 1, 0, 2, 2, 1, 0};
    const std::vector<float> dist = {0, 1, 3, 0, 1, 2, 0, 2, 3};
    SmoothKnnOptions o;
    o.n_neighbors = 3;
    const SmoothKnnResult sr = smooth_knn_dist(dist.data(), 3, 3, o);
    const SparseGraph a = membership_graph(idx.data(), dist.data(), 3, 3, 3, sr, false);
    REQUIRE(a.nnz() == 6);  // self edges dropped
    // Row 0: (0,1) at d = ρ → 1; (0,2) = exp(-(3 - 1)/σ0).
    CHECK(a.indices[0] == 1);
    CHECK(a.weights[0] == 1.0f);
    CHECK(a.weights[1] == doctest::Approx(std::exp(-2.0 / sr.sigmas[0])));
    const SparseGraph bip = membership_graph(idx.data(), dist.data(), 3, 3, 3, sr, true);
    CHECK(bip.nnz() == 9);  // bipartite keeps column == row

    SparseGraph g;
    g.n_rows = g.n_cols = 3;
    g.indptr = {0, 2, 3, 3};
    g.indices = {1, 2, 0};
    g.weights = {0.5f, 0.3f, 0.4f};
    const SparseGraph u = symmetrize(g, 1.0f);
    REQUIRE(u.nnz() == 4);
    CHECK(u.indptr == std::vector<std::size_t>{0, 2, 3, 4});
    CHECK(u.weights[0] == doctest::Approx(0.5 + 0.4 - 0.2));  // (0,1)
    CHECK(u.weights[1] == doctest::Approx(0.3));              // (0,2)
    CHECK(u.weights[2] == doctest::Approx(0.7));              // (1,0)
    CHECK(u.indices[3] == 0);                                 // (2,0)
    const SparseGraph inter = symmetrize(g, 0.0f);
    REQUIRE(inter.nnz() == 2);  // only the mutual pair survives the intersection
    CHECK(inter.weights[0] == doctest::Approx(0.2));
    const SparseGraph half = symmetrize(g, 0.5f);
    CHECK(half.weights[0] == doctest::Approx(0.5 * 0.7 + 0.5 * 0.2));
    CHECK_THROWS_AS(symmetrize(g, 1.5f), Error);
}
