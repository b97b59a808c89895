// LocallyLinearEmbedding: scikit-learn 1.2.1 goldens (tests/golden/lle_golden.py), errors,
// thread-count independence, save/load, and the dense Cholesky it relies on.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "manifold_test_util.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/linalg/detail/cholesky.hpp"
#include "n2d/manifold/detail/lle_detail.hpp"
#include "n2d/manifold/lle.hpp"
#include "n2d/metrics/metrics.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

std::vector<std::vector<double>> read_csv(const std::string& file) {
    const std::string path = std::string(N2D_SOURCE_DIR) + "/tests/golden/lle/" + file;
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "missing golden " << path << " (run tests/golden/lle_golden.py)");
    std::vector<std::vector<double>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<double> row;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
        rows.push_back(row);
    }
    return rows;
}

Matrix to_matrix(const std::vector<std::vector<double>>& rows) {
    Matrix m(rows.size(), rows.empty() ? 0 : rows[0].size());
    for (std::size_t i = 0; i < m.rows(); ++i)
        for (std::size_t j = 0; j < m.cols(); ++j) m(i, j) = static_cast<float>(rows[i][j]);
    return m;
}

struct Case {
    std::string name;
    std::size_t n_neighbors = 0, n_components = 0;
    double reg = 0, error = 0;
};

std::vector<Case> read_meta() {
    const std::string path = std::string(N2D_SOURCE_DIR) + "/tests/golden/lle/meta.csv";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "missing golden " << path);
    std::vector<Case> cases;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::stringstream ss(line);
        std::string f[5];
        for (auto& s : f) std::getline(ss, s, ',');
        cases.push_back({f[0], std::stoul(f[1]), std::stoul(f[2]), std::stod(f[3]), std::stod(f[4])});
    }
    return cases;
}

Matrix swiss_roll(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    Matrix x(n, 3);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = 1.5 * 3.14159265358979 * (1.0 + 2.0 * rng.uniform(0, 1));
        x(i, 0) = float(t * std::cos(t));
        x(i, 1) = float(21.0 * rng.uniform(0, 1));
        x(i, 2) = float(t * std::sin(t));
    }
    return x;
}

}  // namespace

TEST_CASE("lle: embedding, reconstruction error and transform equal scikit-learn's") {
    for (const Case& g : read_meta()) {
        CAPTURE(g.name);
        const Matrix x = to_matrix(read_csv(g.name + "_x.csv"));
        const Matrix fresh = to_matrix(read_csv(g.name + "_new.csv"));
        const auto want = read_csv(g.name + "_embedding.csv");
        const auto want_t = read_csv(g.name + "_transform.csv");
        LleOptions o;
        o.n_neighbors = g.n_neighbors;
        o.n_components = g.n_components;
        o.reg = g.reg;
        LocallyLinearEmbedding lle(o);
        const Matrix e = lle.fit_transform(x);
        REQUIRE(e.rows() == want.size());
        REQUIRE(e.cols() == g.n_components);
        CHECK(std::fabs(lle.reconstruction_error() - g.error) <= 1e-4 * g.error);
        // Unit columns, like scikit-learn's.
        for (std::size_t c = 0; c < e.cols(); ++c) {
            double s = 0.0;
            for (std::size_t i = 0; i < e.rows(); ++i) s += double(e(i, c)) * e(i, c);
            CHECK(std::fabs(s - 1.0) < 1e-5);
        }
        const std::vector<double> r = procrustes_rotation(e, to_matrix(want));
        const double res = procrustes_residual(e, to_matrix(want), r);
        // Held-out points through the same rotation.
        const Matrix t = lle.transform(fresh);
        REQUIRE(t.rows() == want_t.size());
        const double res_t = procrustes_residual(t, to_matrix(want_t), r);
        MESSAGE(g.name << ": Procrustes residual " << res << ", transform residual " << res_t
                       << ", reconstruction error relative difference " << (lle.reconstruction_error() - g.error) / g.error);
        CHECK(res < 1e-3);
        CHECK(res_t < 1e-3);
    }
}

TEST_CASE("lle: columnwise equal to scikit-learn up to sign where eigenvalues are distinct") {
    const Matrix x = to_matrix(read_csv("swiss_x.csv"));
    const auto want = read_csv("swiss_embedding.csv");
    LleOptions o;
    o.n_neighbors = 10;
    const Matrix e = LocallyLinearEmbedding(o).fit_transform(x);
    for (std::size_t c = 0; c < 2; ++c) {
        double dot = 0.0;
        for (std::size_t i = 0; i < e.rows(); ++i) dot += double(e(i, c)) * want[i][c];
        const double sign = dot < 0 ? -1.0 : 1.0;
        double worst = 0.0;
        for (std::size_t i = 0; i < e.rows(); ++i) worst = std::max(worst, std::fabs(sign * e(i, c) - want[i][c]));
        CHECK(worst < 1e-4);
        // Our sign rule: the largest-magnitude entry is positive.
        std::size_t arg = 0;
        for (std::size_t i = 1; i < e.rows(); ++i)
            if (std::fabs(e(i, c)) > std::fabs(e(arg, c))) arg = i;
        CHECK(e(arg, c) > 0.0f);
    }
}

TEST_CASE("lle: bit-identical at 1 and 2 threads; save/load transforms identically") {
    const Matrix x = swiss_roll(400, 7);
    const Matrix fresh = swiss_roll(25, 8);
    ThreadPool one(1), two(2);
    LleOptions o;
    o.n_neighbors = 9;
    o.n_components = 3;
    o.pool = &one;
    LocallyLinearEmbedding a(o);
    o.pool = &two;
    LocallyLinearEmbedding b(o);
    const Matrix ea = a.fit_transform(x), eb = b.fit_transform(x);
    CHECK(same_bits(ea, eb));
    CHECK(a.reconstruction_error() == b.reconstruction_error());
    const Matrix ta = a.transform(fresh), tb = b.transform(fresh);
    CHECK(same_bits(ta, tb));
    CHECK(a.max_residual() < 1e-8);

    ByteWriter w;
    a.save(w);
    ByteReader r(w.bytes().data(), w.size(), "LLE test record");
    const LocallyLinearEmbedding c = LocallyLinearEmbedding::load(r);
    CHECK(r.at_end());
    CHECK(same_bits(c.transform(fresh), ta));
    CHECK(same_bits(c.embedding(), ea));
    CHECK(c.reconstruction_error() == a.reconstruction_error());
    CHECK(c.input_dim() == 3);
    CHECK(c.options().n_neighbors == 9);

    // Each transformed row depends on that row only.
    Matrix first(1, 3);
    for (std::size_t j = 0; j < 3; ++j) first(0, j) = fresh(0, j);
    const Matrix t1 = a.transform(first);
    for (std::size_t j = 0; j < 3; ++j) CHECK(t1(0, j) == ta(0, j));

    // A corrupt record fails cleanly.
    std::vector<unsigned char> bytes = w.bytes();
    bytes.resize(bytes.size() / 2);
    ByteReader bad(bytes.data(), bytes.size(), "truncated LLE record");
    CHECK_THROWS_AS(LocallyLinearEmbedding::load(bad), Error);
    bytes = w.bytes();
    bytes[0] ^= 0xFF;
    ByteReader bad_magic(bytes.data(), bytes.size(), "LLE record");
    CHECK_THROWS_AS(LocallyLinearEmbedding::load(bad_magic), Error);
}

TEST_CASE("lle: duplicates and more neighbours than dimensions still give finite output") {
    Matrix x = swiss_roll(120, 3);
    for (std::size_t i = 0; i < 20; ++i)
        for (std::size_t j = 0; j < 3; ++j) x(60 + i, j) = x(i, j);  // exact twins
    for (std::size_t j = 0; j < 3; ++j) x(100, j) = x(101, j) = x(102, j) = x(0, j);  // a quadruple
    LleOptions o;
    o.n_neighbors = 12;  // > d = 3: singular local Gram, saved by reg
    LocallyLinearEmbedding lle(o);
    const Matrix e = lle.fit_transform(x);
    for (std::size_t i = 0; i < e.size(); ++i) REQUIRE(std::isfinite(e.data()[i]));
    CHECK(std::isfinite(lle.reconstruction_error()));
    const Matrix t = lle.transform(x);
    for (std::size_t i = 0; i < t.size(); ++i) REQUIRE(std::isfinite(t.data()[i]));
    // reg = 0 with twins: a singular Gram matrix is a clear error, not NaN.
    o.reg = 0.0;
    CHECK_THROWS_WITH_AS(LocallyLinearEmbedding(o).fit_transform(x), doctest::Contains("not positive definite"), Error);
}

TEST_CASE("lle: the smallest inputs give finite unit eigenvectors") {
    const Matrix x = matrix_from({0.f, 0.f, 1.f, 0.2f, 2.f, 0.1f, 3.f, 0.5f, 4.f, 0.4f}, 2);
    for (std::size_t nc : {1u, 2u}) {
        LleOptions o;
        o.n_neighbors = 2;
        o.n_components = nc;
        LocallyLinearEmbedding lle(o);
        const Matrix e = lle.fit_transform(x);
        REQUIRE(e.rows() == 5);
        REQUIRE(e.cols() == nc);
        for (std::size_t c = 0; c < nc; ++c) {
            double s = 0.0;
            for (std::size_t i = 0; i < 5; ++i) s += double(e(i, c)) * e(i, c);
            CHECK(std::fabs(s - 1.0) < 1e-5);
        }
        CHECK(lle.reconstruction_error() >= -1e-12);
    }
    LleOptions o;
    o.n_neighbors = 1;
    o.n_components = 1;
    const Matrix two = LocallyLinearEmbedding(o).fit_transform(matrix_from({0.f, 1.f}, 1));
    CHECK(std::fabs(std::fabs(two(0, 0)) - std::sqrt(0.5f)) < 1e-5);
}

TEST_CASE("lle: training neighbours drop the first of the k + 1 nearest, as scikit-learn") {
    // Points 0, 1, 2 coincide; 3 and 4 are further away. Self-first graph rows (k + 1 = 3 columns).
    KnnGraph g;
    g.n = 5;
    g.k = 3;
    g.indices = {0, 1, 2, 1, 0, 2, 2, 0, 1, 3, 4, 0, 4, 3, 0};
    g.distances = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 1, 2};
    const std::vector<std::int32_t> nb = lle_detail::training_neighbors(g, 2);
    // k + 1 nearest by (distance, index) is [0, 1, 2] for each twin; without the first: [1, 2],
    // so twins 1 and 2 list themselves.
    CHECK(nb == std::vector<std::int32_t>{1, 2, 1, 2, 1, 2, 4, 0, 3, 0});
}

TEST_CASE("lle: bad input and misuse throw n2d::Error") {
    const Matrix x = swiss_roll(50, 1);
    auto fit = [&](LleOptions o, const Matrix& data) { LocallyLinearEmbedding(o).fit_transform(data); };
    LleOptions o;
    o.n_components = 4;
    CHECK_THROWS_WITH_AS(fit(o, x), doctest::Contains("output dimension must be less than or equal to input dimension"),
                         Error);
    o = {};
    o.n_components = 0;
    CHECK_THROWS_AS(fit(o, x), Error);
    o = {};
    o.n_neighbors = 0;
    CHECK_THROWS_WITH_AS(fit(o, x), doctest::Contains("n_neighbors = 0"), Error);
    o.n_neighbors = 50;
    CHECK_THROWS_WITH_AS(fit(o, x), doctest::Contains("n_neighbors < n_samples"), Error);
    o = {};
    o.reg = -1.0;
    CHECK_THROWS_AS(fit(o, x), Error);
    o = {};
    o.tol = 0.0;
    CHECK_THROWS_AS(fit(o, x), Error);
    CHECK_THROWS_WITH_AS(fit({}, Matrix()), doctest::Contains("empty"), Error);
    o = {};
    o.n_neighbors = 1;
    o.n_components = 3;
    CHECK_THROWS_WITH_AS(fit(o, matrix_from({0.f, 0.f, 1.f, 1.f, 0.f, 2.f, 0.f, 1.f, 3.f}, 3)),
                         doctest::Contains("needs at least 4 points"), Error);
    Matrix nan = x;
    nan(7, 1) = std::nanf("");
    CHECK_THROWS_WITH_AS(fit({}, nan), doctest::Contains("non-finite"), Error);

    LocallyLinearEmbedding lle;
    CHECK_THROWS_WITH_AS(lle.transform(x), doctest::Contains("before fit"), Error);
    ByteWriter w;
    CHECK_THROWS_AS(lle.save(w), Error);
    lle.fit_transform(x);
    CHECK_THROWS_WITH_AS(lle.transform(Matrix(2, 2)), doctest::Contains("columns"), Error);
    Matrix bad_row(1, 3);
    bad_row(0, 2) = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(lle.transform(bad_row), Error);
}

TEST_CASE("lle: progress reports stage lle and cancels") {
    const Matrix x = swiss_roll(200, 2);
    LleOptions o;
    std::size_t calls = 0;
    o.progress = [&](const Progress& p) {
        CHECK(std::string(p.stage) == "lle");
        ++calls;
        return true;
    };
    LocallyLinearEmbedding(o).fit_transform(x);
    CHECK(calls >= 3);
    o.progress = [&](const Progress& p) { return p.step < 3; };
    CHECK_THROWS_AS(LocallyLinearEmbedding(o).fit_transform(x), Cancelled);
}

TEST_CASE("lle: the sparse eigensolver path agrees with the dense one where it converges") {
    const Matrix x = swiss_roll(300, 5);
    LleOptions o;
    o.n_neighbors = 10;
    o.reg = 1e-1;  // a less clustered spectrum, within reach of Lanczos on σI − M
    LocallyLinearEmbedding dense(o);
    const Matrix ed = dense.fit_transform(x);
    o.max_dense_points = 0;
    o.tol = 1e-9;
    o.max_iter = 200000;
    LocallyLinearEmbedding sparse(o);
    const Matrix es = sparse.fit_transform(x);
    CHECK(std::fabs(sparse.reconstruction_error() - dense.reconstruction_error()) <= 1e-6 * dense.reconstruction_error());
    CHECK(procrustes_residual(es, ed) < 1e-3);
    // A budget too small: a clear error, never a poor embedding.
    o.max_iter = 50;
    CHECK_THROWS_WITH_AS(LocallyLinearEmbedding(o).fit_transform(x), doctest::Contains("did not converge"), Error);
}

TEST_CASE("cholesky: factor and solve match a direct check, at any thread count") {
    for (std::size_t n : {1u, 7u, 130u, 300u}) {
        CAPTURE(n);
        Rng rng(n);
        std::vector<double> b(n * n), a(n * n, 0.0);
        for (auto& v : b) v = rng.normal();
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                double s = i == j ? 1.0 : 0.0;
                for (std::size_t t = 0; t < n; ++t) s += b[i * n + t] * b[j * n + t] / double(n);
                a[i * n + j] = s;
            }
        ThreadPool one(1), two(2);
        std::vector<double> l1 = a, l2 = a;
        REQUIRE(cholesky_factor(n, l1.data(), one));
        REQUIRE(cholesky_factor(n, l2.data(), two));
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j <= i; ++j) REQUIRE(l1[i * n + j] == l2[i * n + j]);
        std::vector<double> rhs(n), x1, x2;
        for (auto& v : rhs) v = rng.normal();
        x1 = rhs;
        x2 = rhs;
        PackedCholesky(n, l1.data()).solve(x1.data(), one);
        PackedCholesky(n, l2.data()).solve(x2.data(), two);
        double worst = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(x1[i] == x2[i]);
            double s = 0.0;
            for (std::size_t j = 0; j < n; ++j) s += a[i * n + j] * x1[j];
            worst = std::max(worst, std::fabs(s - rhs[i]));
        }
        CHECK(worst < 1e-9);
    }
    std::vector<double> indefinite = {1.0, 2.0, 2.0, 1.0};
    ThreadPool pool(1);
    CHECK_FALSE(cholesky_factor(2, indefinite.data(), pool));
}

}  // namespace n2d::test
