#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/bytes.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/umap/detail/spectral_init.hpp"
#include "n2d/umap/umap.hpp"

using namespace n2d;

namespace {

bool quick() { return std::getenv("N2D_TEST_QUICK") != nullptr; }

// Swiss roll: a 2-d sheet rolled up in 3-d.
Matrix swiss_roll(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    Matrix x(n, 3);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = 1.5 * std::numbers::pi * (1.0 + 2.0 * rng.uniform());
        x(i, 0) = static_cast<float>(t * std::cos(t));
        x(i, 1) = static_cast<float>(21.0 * rng.uniform());
        x(i, 2) = static_cast<float>(t * std::sin(t));
    }
    return x;
}

bool bit_equal(const Matrix& a, const Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool all_finite(const Matrix& m) {
    for (std::size_t i = 0; i < m.size(); ++i)
        if (!std::isfinite(m.data()[i])) return false;
    return true;
}

UmapOptions small_options() {
    UmapOptions o;
    o.n_epochs = quick() ? 60 : 200;
    o.seed = 7;
    return o;
}

}  // namespace

TEST_CASE("UMAP keeps the neighbourhoods of a swiss roll (trustworthiness k = 10)") {
    const Matrix x = swiss_roll(quick() ? 600 : 1500, 1);
    UmapOptions o = small_options();
    Umap umap(o);
    const Matrix e = umap.fit_transform(x);
    REQUIRE(e.rows() == x.rows());
    REQUIRE(e.cols() == 2);
    CHECK(all_finite(e));
    CHECK(umap.spectral_converged());
    CHECK(umap.a() == doctest::Approx(1.577).epsilon(1e-3));
    const double t = trustworthiness(x, e, 10);
    MESSAGE("swiss roll trustworthiness(10) = " << t);
    CHECK(t > 0.95);
    // The fuzzy graph is symmetric with weights in (0, 1].
    const SparseGraph& g = umap.graph();
    CHECK(g.n_rows == x.rows());
    for (std::size_t i = 0; i < g.n_rows; ++i)
        for (std::size_t p = g.row_begin(i); p < g.row_end(i); ++p) {
            CHECK(g.weights[p] > 0.0f);
            CHECK(g.weights[p] <= 1.0f + 1e-6f);
        }
}

// Fraction of each point's k nearest neighbours (exact, self excluded) sharing its label.
static double knn_label_purity(ConstMatrixView x, const std::vector<int>& labels, std::size_t k) {
    KnnOptions o;
    o.n_neighbors = k + 1;
    o.method = KnnMethod::exact;
    const KnnGraph g = build_knn(x, o);
    double same = 0.0;
    for (std::size_t i = 0; i < g.n; ++i)
        for (std::size_t j = 1; j <= k; ++j) same += labels[static_cast<std::size_t>(g.indices[i * g.k + j])] == labels[i];
    return same / static_cast<double>(g.n * k);
}

TEST_CASE("UMAP embedding of separated manifolds recovers the clusters") {
    // Gaussian blobs in 10-d: k-means on the N2D-style embedding finds them.
    const Dataset blobs = make_blobs(quick() ? 1000 : 3000, 10, 6, 1.0, 5);
    UmapOptions o = small_options();
    o.n_neighbors = 20;
    o.min_dist = 0.0f;
    o.n_components = 6;  // N2D: as many dimensions as clusters
    const Matrix e = Umap(o).fit_transform(blobs.x);
    KMeansOptions ko;
    ko.n_clusters = 6;
    ko.seed = 1;
    const std::vector<int> pred = KMeans(ko).fit_predict(e);
    const double acc = cluster_accuracy(blobs.labels, pred).accuracy;
    MESSAGE("blobs: k-means on the UMAP embedding, accuracy " << acc);
    CHECK(acc > 0.99);

    // Interleaved spiral arms (elongated, so k-means is not the right judge): the embedding
    // keeps each point's neighbours on its own arm.
    SyntheticOptions so;
    so.n_samples = 3000;  // sparser arms touch in the input space already
    so.seed = 3;
    const Dataset arms = make_synthetic(so);
    o.n_components = 2;
    const Matrix ea = Umap(o).fit_transform(arms.x);
    const double before = knn_label_purity(arms.x, arms.labels, 10), after = knn_label_purity(ea, arms.labels, 10);
    MESSAGE("spiral arms: 10-NN label purity " << before << " in the input, " << after << " in the embedding");
    CHECK(after > 0.98);
    CHECK(after > before - 0.01);

    // N2D on the built-in synthetic manifolds (the demo's data): GMM on the 6-d embedding.
    const Dataset demo = make_synthetic();
    o.n_components = 6;
    const Matrix ed = Umap(o).fit_transform(demo.x);
    GaussianMixtureOptions go;
    go.n_components = 6;
    go.n_init = 10;  // as the pipeline's default: one k-means start can merge two arms by chance
    const std::vector<int> gp = GaussianMixture(go).fit_predict(ed);
    const double gacc = cluster_accuracy(demo.labels, gp).accuracy;
    MESSAGE("synthetic manifolds: GMM on the 6-d UMAP embedding, accuracy " << gacc << ", NMI " << nmi(demo.labels, gp));
    CHECK(gacc > (quick() ? 0.9 : 0.97));
}

TEST_CASE("UMAP is reproducible with a seed, bit for bit, at 1 and 2 threads") {
    const Dataset d = make_blobs(quick() ? 500 : 1200, 8, 4, 1.5, 11);
    UmapOptions o = small_options();
    o.n_epochs = 80;
    ThreadPool one(1), two(2);
    o.pool = &one;
    const Matrix a = Umap(o).fit_transform(d.x);
    const Matrix b = Umap(o).fit_transform(d.x);
    o.pool = &two;
    Umap u2(o);
    const Matrix c = u2.fit_transform(d.x);
    CHECK(bit_equal(a, b));
    CHECK(bit_equal(a, c));
    // transform too.
    const Matrix q = Matrix::copy_of(d.x.view().row_block(0, 40));
    const Matrix t2 = u2.transform(q);
    o.pool = &one;
    Umap u1(o);
    u1.fit(d.x);
    CHECK(bit_equal(u1.transform(q), t2));
    // A different seed gives a different layout.
    o.seed = 8;
    CHECK(!bit_equal(Umap(o).fit_transform(d.x), a));
}

TEST_CASE("UMAP reproducibility with NN-descent kNN across thread counts") {
    if (quick()) return;
    const Dataset d = make_blobs(5000, 10, 5, 2.0, 2);
    UmapOptions o = small_options();
    o.n_epochs = 30;
    ThreadPool one(1), two(2);
    o.pool = &one;
    const Matrix a = Umap(o).fit_transform(d.x);
    o.pool = &two;
    const Matrix b = Umap(o).fit_transform(d.x);
    CHECK(bit_equal(a, b));
}

TEST_CASE("UMAP transform: training points land near their fitted positions; batch independence") {
    const Matrix x = swiss_roll(quick() ? 600 : 1200, 5);
    UmapOptions o = small_options();
    Umap umap(o);
    umap.fit(x);
    const Matrix& e = umap.embedding();
    const Matrix te = umap.transform(x);
    std::vector<double> err(x.rows());
    double spread = 0.0;
    for (std::size_t i = 0; i < x.rows(); ++i) {
        err[i] = std::hypot(te(i, 0) - e(i, 0), te(i, 1) - e(i, 1));
        spread = std::max(spread, static_cast<double>(std::hypot(e(i, 0) - e(0, 0), e(i, 1) - e(0, 1))));
    }
    std::nth_element(err.begin(), err.begin() + err.size() / 2, err.end());
    MESSAGE("transform of training points: median displacement " << err[err.size() / 2] << " in a layout of extent "
                                                                 << spread);
    CHECK(err[err.size() / 2] < 0.05 * spread);

    // New points: all at once versus one at a time.
    const Matrix fresh = swiss_roll(30, 99);
    const Matrix together = umap.transform(fresh);
    CHECK(all_finite(together));
    for (std::size_t i = 0; i < fresh.rows(); ++i) {
        const Matrix alone = umap.transform(fresh.view().row_block(i, 1));
        CHECK(std::memcmp(alone.row(0), together.row(i), 2 * sizeof(float)) == 0);
    }
    // And in another order / batch composition.
    Matrix reversed(fresh.rows(), 3);
    for (std::size_t i = 0; i < fresh.rows(); ++i) std::memcpy(reversed.row(i), fresh.row(fresh.rows() - 1 - i), 3 * sizeof(float));
    const Matrix rev = umap.transform(reversed);
    for (std::size_t i = 0; i < fresh.rows(); ++i)
        CHECK(std::memcmp(rev.row(fresh.rows() - 1 - i), together.row(i), 2 * sizeof(float)) == 0);
    CHECK_THROWS_AS(umap.transform(Matrix(2, 4)), Error);
}

TEST_CASE("UMAP save/load round trip keeps transform") {
    const Dataset d = make_blobs(400, 5, 3, 1.0, 4);
    UmapOptions o = small_options();
    o.n_epochs = 50;
    Umap umap(o);
    umap.fit(d.x);
    ByteWriter w;
    umap.save(w);
    ByteReader r(w.bytes().data(), w.size(), "test UMAP model");
    const Umap back = Umap::load(r);
    CHECK(r.at_end());
    CHECK(bit_equal(back.embedding(), umap.embedding()));
    CHECK(back.a() == umap.a());
    const Matrix q = Matrix::copy_of(d.x.view().row_block(10, 20));
    CHECK(bit_equal(back.transform(q), umap.transform(q)));
    // Truncated data is a clear error, not a crash.
    ByteReader cut(w.bytes().data(), w.size() / 2, "truncated UMAP model");
    CHECK_THROWS_AS(Umap::load(cut), Error);
    {  // A row count the data cannot hold is refused before allocating (found by fuzzing).
        std::vector<unsigned char> bytes = w.bytes();
        // The embedding's shape: u64 rows then u64 cols; claim 2^33 rows (64 GiB of floats).
        const std::uint64_t shape[2] = {umap.embedding().rows(), umap.embedding().cols()};
        std::size_t at = 0;
        while (at + 16 <= bytes.size() && std::memcmp(bytes.data() + at, shape, 16) != 0) ++at;
        REQUIRE(at + 16 <= bytes.size());
        const std::uint64_t huge = std::uint64_t(1) << 33;
        std::memcpy(bytes.data() + at, &huge, 8);
        ByteReader bad(bytes.data(), bytes.size(), "fuzzed UMAP model");
        try {
            Umap::load(bad);
            FAIL("loaded");
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find("UMAP embedding larger than the remaining bytes") != std::string::npos);
        }
    }
    CHECK_THROWS_AS(Umap().save(w), Error);
}

TEST_CASE("UMAP edge cases: disconnected data, tiny inputs, duplicates, NaN, bad options, cancel") {
    SUBCASE("far-apart blobs give a disconnected graph and still embed") {
        const Dataset d = make_blobs(300, 4, 3, 0.01, 6);  // tight blobs, centres ~10 apart
        Matrix x = d.x;
        for (std::size_t i = 0; i < x.rows(); ++i) x(i, 0) += 1000.0f * static_cast<float>(d.labels[i]);
        UmapOptions o = small_options();
        o.n_neighbors = 5;
        Umap umap(o);
        const Matrix e = umap.fit_transform(x);
        CHECK(all_finite(e));
        std::size_t nc = 0;
        connected_components(umap.graph(), nc);
        CHECK(nc >= 3);
    }
    SUBCASE("more components than 2 * n_components use the centroid meta-embedding") {
        const Dataset d = make_blobs(400, 3, 8, 0.01, 8);
        Matrix x = d.x;
        for (std::size_t i = 0; i < x.rows(); ++i) x(i, 1) += 500.0f * static_cast<float>(d.labels[i]);
        UmapOptions o = small_options();
        o.n_neighbors = 6;
        o.n_components = 2;
        const Matrix e = Umap(o).fit_transform(x);
        CHECK(all_finite(e));
    }
    SUBCASE("n <= n_neighbors") {
        const Dataset d = make_blobs(10, 3, 2, 1.0, 1);
        UmapOptions o = small_options();
        Umap umap(o);
        const Matrix e = umap.fit_transform(d.x);
        CHECK(e.rows() == 10);
        CHECK(all_finite(e));
        CHECK(all_finite(umap.transform(d.x)));
        const Matrix one = Umap(o).fit_transform(d.x.view().row_block(0, 1));
        CHECK(one.rows() == 1);
        CHECK(one(0, 0) == 0.0f);
        const Matrix two = Umap(o).fit_transform(d.x.view().row_block(0, 2));
        CHECK(all_finite(two));
    }
    SUBCASE("duplicate points") {
        Dataset d = make_blobs(300, 4, 3, 1.0, 2);
        for (std::size_t i = 0; i < 100; ++i) std::memcpy(d.x.row(i), d.x.row(0), 4 * sizeof(float));
        const Matrix e = Umap(small_options()).fit_transform(d.x);
        CHECK(all_finite(e));
        UmapOptions o = small_options();  // all points identical
        const Matrix same(50, 3);
        CHECK(all_finite(Umap(o).fit_transform(same)));
    }
    SUBCASE("NaN / Inf input and bad options throw n2d::Error") {
        Matrix x = make_blobs(50, 3, 2, 1.0, 1).x;
        x(7, 2) = NAN;
        CHECK_THROWS_AS(Umap(small_options()).fit(x), Error);
        x(7, 2) = INFINITY;
        CHECK_THROWS_AS(Umap(small_options()).fit(x), Error);
        CHECK_THROWS_AS(Umap(small_options()).fit(Matrix()), Error);
        UmapOptions o;
        o.n_neighbors = 1;
        CHECK_THROWS_AS(Umap{o}, Error);
        o = {};
        o.min_dist = 2.0f;
        CHECK_THROWS_AS(Umap{o}, Error);
        o = {};
        o.set_op_mix_ratio = -0.5f;
        CHECK_THROWS_AS(Umap{o}, Error);
        // Bounds that keep a corrupt model from running for years (fuzz_model: n_epochs 7.5e14).
        o = {};
        o.n_epochs = 1000001;
        CHECK_THROWS_WITH_AS(Umap{o}, doctest::Contains("must be at most 1000000"), Error);
        o.n_epochs = 1000000;
        CHECK_NOTHROW(Umap{o});
        o = {};
        o.negative_sample_rate = 1e30f;
        CHECK_THROWS_WITH_AS(Umap{o}, doctest::Contains("must be in [0, 1000]"), Error);
        o = {};
        o.init = UmapInit::user;
        o.init_embedding = Matrix(3, 2);
        CHECK_THROWS_AS(Umap(o).fit(make_blobs(50, 3, 2, 1.0, 1).x), Error);
        CHECK_THROWS_AS(Umap().transform(Matrix(2, 2)), Error);
    }
    SUBCASE("random and user-supplied initialisation") {
        const Dataset d = make_blobs(200, 4, 2, 1.0, 3);
        UmapOptions o = small_options();
        o.init = UmapInit::random;
        CHECK(all_finite(Umap(o).fit_transform(d.x)));
        o.init = UmapInit::user;
        o.init_embedding = Matrix(200, 2);  // all rows equal: jittered apart first
        const Matrix e = Umap(o).fit_transform(d.x);
        CHECK(all_finite(e));
        CHECK(e(0, 0) != e(1, 0));
    }
    SUBCASE("the progress callback sees every epoch and can cancel") {
        const Dataset d = make_blobs(200, 4, 2, 1.0, 3);
        UmapOptions o = small_options();
        o.n_epochs = 40;
        std::size_t seen = 0;
        o.progress = [&](const Progress& p) {
            if (std::string(p.stage) == "umap") {
                ++seen;
                CHECK(p.total == 40);
            }
            return true;
        };
        Umap(o).fit(d.x);
        CHECK(seen == 40);
        o.progress = [](const Progress& p) { return !(std::string(p.stage) == "umap" && p.step == 5); };
        CHECK_THROWS_AS(Umap(o).fit(d.x), Cancelled);
    }
}
