// t-SNE: errors, affinities, the Barnes–Hut tree and gradients against brute force, thread-count
// independence, duplicates, save/load, progress. The sklearn goldens are in test_tsne_golden.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "manifold_test_util.hpp"
#include "n2d/core/bytes.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/tsne.hpp"
#include "n2d/manifold/tsne.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

TsneOptions quick_options(TsneMethod method = TsneMethod::barnes_hut) {
    TsneOptions o;
    o.perplexity = 10;
    o.n_iter = 300;
    o.method = method;
    return o;
}

// Brute-force gradient 2(α+1)/α Σ_j (p_ij w_ij − w_ij² / Z)(y_i − y_j) on a sparse P, α = 1;
// exact duplicates stay out of Z, as in sklearn's tree.
std::vector<double> brute_gradient(const tsne_detail::SparseP& p, const Matrix& y) {
    const std::size_t n = y.rows(), d = y.cols();
    auto w = [&](std::size_t i, std::size_t j) {
        double s = 0;
        for (std::size_t a = 0; a < d; ++a) s += (double(y(i, a)) - y(j, a)) * (double(y(i, a)) - y(j, a));
        return s == 0 ? 0.0 : 1.0 / (1.0 + s);
    };
    double z = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j) z += w(i, j);
    std::vector<double> g(n * d, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j)
            if (i != j)
                for (std::size_t a = 0; a < d; ++a) g[i * d + a] -= 4.0 * w(i, j) * w(i, j) / z * (double(y(i, a)) - y(j, a));
        for (std::size_t e = p.indptr[i]; e < p.indptr[i + 1]; ++e) {
            const std::size_t j = std::size_t(p.indices[e]);
            for (std::size_t a = 0; a < d; ++a) g[i * d + a] += 4.0 * p.values[e] * w(i, j) * (double(y(i, a)) - y(j, a));
        }
    }
    return g;
}

double relative_error(const std::vector<float>& got, const std::vector<double>& want) {
    double num = 0, den = 0;
    for (std::size_t t = 0; t < want.size(); ++t) {
        num += (got[t] - want[t]) * (got[t] - want[t]);
        den += want[t] * want[t];
    }
    return std::sqrt(num / den);
}

}  // namespace

TEST_CASE("tsne: option and input errors") {
    const Matrix x = blobs(40, 3, 2, 1.0, 1);
    auto fails = [&](TsneOptions o, ConstMatrixView data, const char* needle) {
        try {
            Tsne(o).fit_transform(data);
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(needle) != std::string::npos);
            return;
        }
        FAIL("no error for " << needle);
    };
    TsneOptions o = quick_options();
    o.perplexity = 40;
    fails(o, x, "perplexity must be less than n_samples");
    fails(quick_options(), x.view().row_block(0, 1), "at least 2 samples");
    fails(quick_options(), ConstMatrixView(), "empty");
    Matrix bad = x;
    bad(5, 1) = std::nanf("");
    fails(quick_options(), bad, "NaN");
    bad(5, 1) = std::numeric_limits<float>::infinity();
    fails(quick_options(), bad, "t-SNE input");
    o = quick_options();
    o.n_iter = 249;
    CHECK_THROWS_WITH_AS(Tsne{o}, doctest::Contains("n_iter should be at least 250"), Error);
    o = quick_options();
    o.angle = 1.5;
    CHECK_THROWS_WITH_AS(Tsne{o}, doctest::Contains("angle"), Error);
    o.angle = -0.1;
    CHECK_THROWS_AS(Tsne{o}, Error);
    o = quick_options();
    o.n_components = 0;
    CHECK_THROWS_WITH_AS(Tsne{o}, doctest::Contains("n_components is 0"), Error);
    o = quick_options();
    o.n_components = 4;
    CHECK_THROWS_WITH_AS(Tsne{o}, doctest::Contains("should be inferior to 4 for the barnes_hut"), Error);
    o = quick_options();
    o.perplexity = 0;
    CHECK_THROWS_AS(Tsne{o}, Error);
    o = quick_options();
    o.early_exaggeration = 0.5;
    CHECK_THROWS_WITH_AS(Tsne{o}, doctest::Contains("early_exaggeration"), Error);
    o = quick_options();
    o.learning_rate = -1;
    CHECK_THROWS_WITH_AS(Tsne{o}, doctest::Contains("learning_rate"), Error);
    o = quick_options(TsneMethod::exact);
    o.n_components = 5;  // PCA needs as many features
    fails(o, x, "init pca");
    fails(quick_options(TsneMethod::exact), Matrix(tsne_detail::kExactMaxPoints + 1, 1), "does not scale");
}

TEST_CASE("tsne: conditional probabilities reach the perplexity; P is symmetric and sums to 1") {
    ThreadPool pool(2);
    const Matrix x = blobs(120, 5, 3, 1.5, 7);
    const double perplexity = 12;
    const tsne_detail::SparseP p = tsne_detail::joint_probabilities_knn(x, perplexity, pool);
    REQUIRE(p.n == 120);
    double total = 0;
    for (float v : p.values) total += v;
    CHECK(total == doctest::Approx(1.0).epsilon(1e-6));
    auto at = [&](std::size_t i, std::size_t j) {
        for (std::size_t e = p.indptr[i]; e < p.indptr[i + 1]; ++e)
            if (std::size_t(p.indices[e]) == j) return double(p.values[e]);
        return -1.0;
    };
    for (std::size_t i = 0; i < p.n; ++i)
        for (std::size_t e = p.indptr[i]; e < p.indptr[i + 1]; ++e) {
            CHECK(std::size_t(p.indices[e]) != i);
            CHECK(at(std::size_t(p.indices[e]), i) == doctest::Approx(p.values[e]).epsilon(1e-7));
            if (e > p.indptr[i]) CHECK(p.indices[e] > p.indices[e - 1]);
        }
    // Each row's conditional distribution has entropy ln(perplexity).
    std::vector<float> d2 = {0.5f, 1.0f, 1.5f, 2.0f, 4.0f, 9.0f, 0.1f, 3.0f, 2.5f, 7.0f, 1.2f, 0.7f, 5.0f, 6.0f, 8.0f};
    const auto c = tsne_detail::conditional_probabilities(d2.data(), 1, d2.size(), 5.0, false, pool);
    double sum = 0, h = 0;
    for (double v : c) {
        sum += v;
        if (v > 0) h -= v * std::log(v);
    }
    CHECK(sum == doctest::Approx(1.0));
    CHECK(h == doctest::Approx(std::log(5.0)).epsilon(1e-4));

    const tsne_detail::DenseP dp = tsne_detail::joint_probabilities_exact(x, perplexity, pool);
    double dense_total = 0;
    for (std::size_t i = 0; i < dp.n; ++i) {
        CHECK(dp.values[i * dp.n + i] == 0.0);
        for (std::size_t j = 0; j < dp.n; ++j) dense_total += dp.values[i * dp.n + j];
    }
    CHECK(dense_total == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(dp.values[3 * dp.n + 17] == dp.values[17 * dp.n + 3]);
}

TEST_CASE("tsne: Barnes-Hut tree and gradient against brute force") {
    ThreadPool pool(2);
    const Matrix x = blobs(150, 4, 3, 2.0, 11);
    const tsne_detail::SparseP p = tsne_detail::joint_probabilities_knn(x, 10, pool);
    Matrix y(150, 2);
    Rng rng(5);
    for (std::size_t t = 0; t < y.size(); ++t) y.data()[t] = float(rng.normal() * 3);
    y(7, 0) = y(8, 0);  // an exact duplicate
    y(7, 1) = y(8, 1);

    tsne_detail::BhWorkspace ws;
    tsne_detail::build_bh_tree(y, ws);
    REQUIRE(!ws.nodes.empty());
    CHECK(ws.nodes[0].count == 150.0f);
    CHECK(ws.nodes[0].next == ws.nodes.size());
    double leaf_points = 0;
    for (const auto& nd : ws.nodes)
        if (nd.w2 < 0) leaf_points += nd.count;
    CHECK(leaf_points == 150.0);  // the leaves partition the points
    std::vector<bool> seen(150, false);
    for (auto i : ws.perm) seen[i] = true;
    CHECK(std::count(seen.begin(), seen.end(), true) == 150);

    const std::vector<double> want = brute_gradient(p, y);
    std::vector<float> grad(300);
    tsne_detail::bh_gradient(p, 1.0f, y, 0.0f, false, grad.data(), ws, pool);
    CHECK(relative_error(grad, want) < 1e-5);  // θ = 0: every leaf on its own, no approximation
    tsne_detail::bh_gradient(p, 1.0f, y, 0.5f, false, grad.data(), ws, pool);
    CHECK(relative_error(grad, want) < 0.05);
    CHECK(relative_error(grad, want) > 0.0);

    // 3-D (α = 2) at θ = 0 against the exact objective's gradient on the same (densified) P.
    Matrix y3(150, 3);
    for (std::size_t t = 0; t < y3.size(); ++t) y3.data()[t] = float(rng.normal() * 3);
    tsne_detail::DenseP dp;
    dp.n = 150;
    dp.values.assign(150 * 150, 0.0);
    for (std::size_t i = 0; i < 150; ++i)
        for (std::size_t e = p.indptr[i]; e < p.indptr[i + 1]; ++e) dp.values[i * 150 + std::size_t(p.indices[e])] = p.values[e];
    std::vector<float> g_exact(450), g_bh(450);
    tsne_detail::exact_gradient(dp, 1.0, y3, false, g_exact.data(), pool);
    tsne_detail::bh_gradient(p, 1.0f, y3, 0.0f, false, g_bh.data(), ws, pool);
    CHECK(relative_error(g_bh, std::vector<double>(g_exact.begin(), g_exact.end())) < 1e-4);
}

TEST_CASE("tsne: exact gradient is the derivative of the KL divergence") {
    ThreadPool pool(1);
    const Matrix x = blobs(30, 3, 2, 1.0, 3);
    const tsne_detail::DenseP p = tsne_detail::joint_probabilities_exact(x, 5, pool);
    Matrix y(30, 2);
    Rng rng(9);
    for (std::size_t t = 0; t < y.size(); ++t) y.data()[t] = float(rng.normal());
    std::vector<float> grad(60), scratch(60);
    tsne_detail::exact_gradient(p, 1.0, y, true, grad.data(), pool);
    for (std::size_t t : {0u, 13u, 41u}) {
        const float h = 1e-3f, keep = y.data()[t];
        y.data()[t] = keep + h;
        const double up = tsne_detail::exact_gradient(p, 1.0, y, true, scratch.data(), pool);
        y.data()[t] = keep - h;
        const double down = tsne_detail::exact_gradient(p, 1.0, y, true, scratch.data(), pool);
        y.data()[t] = keep;
        CHECK(grad[t] == doctest::Approx((up - down) / (double(keep + h) - double(keep - h))).epsilon(2e-3));
    }
}

TEST_CASE("tsne: 1 and 2 threads give bit-identical embeddings") {
    const Matrix x = blobs(600, 6, 4, 1.0, 21);
    for (TsneMethod m : {TsneMethod::barnes_hut, TsneMethod::exact}) {
        TsneOptions o = quick_options(m);
        if (m == TsneMethod::exact) o.n_iter = 260;
        ThreadPool one(1), two(2);
        o.pool = &one;
        Tsne a(o);
        const Matrix ya = a.fit_transform(m == TsneMethod::exact ? x.view().row_block(0, 200) : ConstMatrixView(x));
        o.pool = &two;
        Tsne b(o);
        const Matrix yb = b.fit_transform(m == TsneMethod::exact ? x.view().row_block(0, 200) : ConstMatrixView(x));
        CHECK(same_bits(ya, yb));
        CHECK(a.kl_divergence() == b.kl_divergence());
        CHECK(all_finite(ya));
    }
}

TEST_CASE("tsne: duplicate points and constant data give finite embeddings") {
    Matrix x = blobs(90, 3, 3, 0.5, 4);
    for (std::size_t i = 30; i < 60; ++i)
        for (std::size_t t = 0; t < 3; ++t) x(i, t) = x(0, t);  // a third of the points identical
    for (TsneMethod m : {TsneMethod::barnes_hut, TsneMethod::exact}) {
        Tsne t(quick_options(m));
        const Matrix y = t.fit_transform(x);
        CHECK(all_finite(y));
        CHECK(std::isfinite(t.kl_divergence()));
    }
    Matrix flat(20, 2);  // every point the same
    TsneOptions o = quick_options();
    o.perplexity = 5;
    Tsne t(o);
    CHECK(all_finite(t.fit_transform(flat)));
}

TEST_CASE("tsne: iteration count and KL as sklearn reports them; 1-D and 3-D layouts") {
    const Matrix x = blobs(100, 4, 2, 1.0, 8);
    TsneOptions o = quick_options();
    o.n_iter = 250;  // no second phase: sklearn reports n_iter_ 250 and kl_divergence_ = float max
    Tsne a(o);
    a.fit_transform(x);
    CHECK(a.n_iter() == 250);
    CHECK(a.kl_divergence() == std::numeric_limits<double>::max());
    o.n_iter = 300;
    Tsne b(o);
    b.fit_transform(x);
    CHECK(b.n_iter() == 299);
    CHECK(b.kl_divergence() > 0);
    CHECK(b.kl_divergence() < 5);
    for (std::size_t dim : {1u, 3u}) {
        o.n_components = dim;
        Tsne c(o);
        const Matrix y = c.fit_transform(x);
        CHECK(y.cols() == dim);
        CHECK(all_finite(y));
        CHECK(c.method_used() == TsneMethod::barnes_hut);
    }
    o = quick_options(TsneMethod::automatic);
    o.n_components = 4;
    Tsne e(o);
    CHECK(e.fit_transform(x).cols() == 4);
    CHECK(e.method_used() == TsneMethod::exact);
}

TEST_CASE("tsne: PCA initialisation (dense and Lanczos paths) and random initialisation") {
    ThreadPool pool(2);
    for (std::size_t d : {8u, 80u}) {  // 80 features: the Lanczos path
        Matrix x(300, d);
        Rng rng(d);
        for (std::size_t i = 0; i < 300; ++i)
            for (std::size_t t = 0; t < d; ++t) x(i, t) = float(rng.normal() * (t == 2 ? 10.0 : t == 5 ? 4.0 : 1.0) + 3.0);
        const Matrix y = tsne_detail::pca_layout(x, 2, pool);
        double m0 = 0, v0 = 0, corr = 0, vx = 0;
        for (std::size_t i = 0; i < 300; ++i) m0 += y(i, 0) / 300.0;
        for (std::size_t i = 0; i < 300; ++i) {
            v0 += (y(i, 0) - m0) * (y(i, 0) - m0) / 300.0;
            corr += (y(i, 0) - m0) * (x(i, 2) - 3.0);
            vx += (x(i, 2) - 3.0) * (x(i, 2) - 3.0);
        }
        CHECK(std::sqrt(v0) == doctest::Approx(1e-4).epsilon(1e-3));
        CHECK(std::fabs(corr) / std::sqrt(v0 * 300.0 * vx) > 0.99);  // the widest axis comes first
        std::size_t arg = 0;
        for (std::size_t i = 1; i < 300; ++i)
            if (std::fabs(y(i, 1)) > std::fabs(y(arg, 1))) arg = i;
        CHECK(y(arg, 1) > 0);  // sign convention
    }
    const Matrix r1 = tsne_detail::random_layout(50, 2, 3), r2 = tsne_detail::random_layout(50, 2, 3);
    CHECK(same_bits(r1, r2));
    CHECK(std::fabs(r1(0, 0)) < 1e-3);
}

TEST_CASE("tsne: save and load round trip; corrupt records are rejected") {
    const Matrix x = blobs(80, 3, 2, 1.0, 2);
    TsneOptions o = quick_options();
    o.init = TsneInit::random;
    o.seed = 77;
    Tsne t(o);
    t.fit_transform(x);
    ByteWriter w;
    t.save(w);
    ByteReader r(w.bytes().data(), w.size(), "t-SNE test record");
    const Tsne back = Tsne::load(r);
    CHECK(r.at_end());
    CHECK(same_bits(back.embedding(), t.embedding()));
    CHECK(back.kl_divergence() == t.kl_divergence());
    CHECK(back.n_iter() == t.n_iter());
    CHECK(back.options().seed == 77);
    CHECK(back.options().init == TsneInit::random);
    CHECK(back.options().perplexity == o.perplexity);
    CHECK_THROWS_AS(Tsne().save(w), Error);

    std::vector<unsigned char> bytes = w.bytes();
    ByteReader truncated(bytes.data(), bytes.size() - 5, "truncated");
    CHECK_THROWS_AS(Tsne::load(truncated), Error);
    bytes[0] ^= 0xFF;
    ByteReader bad_magic(bytes.data(), bytes.size(), "bad magic");
    CHECK_THROWS_WITH_AS(Tsne::load(bad_magic), doctest::Contains("bad magic"), Error);
    bytes[0] ^= 0xFF;
    double angle = 7.0;  // angle sits after 4 + 4 + 8 + 8·3 + 8·2 + 8 bytes
    std::memcpy(bytes.data() + 64, &angle, 8);
    ByteReader bad_angle(bytes.data(), bytes.size(), "bad angle");
    CHECK_THROWS_WITH_AS(Tsne::load(bad_angle), doctest::Contains("angle"), Error);
}

TEST_CASE("tsne: progress reports every iteration and cancels") {
    const Matrix x = blobs(60, 3, 2, 1.0, 5);
    TsneOptions o = quick_options();
    std::size_t calls = 0, checks = 0;
    o.progress = [&](const Progress& p) {
        const std::string stage = p.stage;
        CHECK((stage == "tsne" || stage == "knn"));
        if (stage == "knn") return true;
        CHECK(p.total == 300);
        ++calls;
        if (!std::isnan(p.loss)) ++checks;
        return true;
    };
    Tsne(o).fit_transform(x);
    CHECK(calls == 300);
    CHECK(checks == 6);  // iterations 49, 99, ..., 299
    o.progress = [](const Progress& p) { return std::string(p.stage) != "tsne" || p.step < 10; };
    CHECK_THROWS_AS(Tsne(o).fit_transform(x), Cancelled);
}

}  // namespace n2d::test
