// Isomap against scikit-learn 1.2.1 (tests/golden/isomap_golden.py): embeddings and transforms
// equal up to an orthogonal map (Procrustes residual < 1e-3), reconstruction errors to 1e-4;
// plus errors, thread-count determinism, serialisation and landmark mode.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "manifold_test_util.hpp"
#include "n2d/manifold/isomap.hpp"
#include "n2d/metrics/metrics.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

struct IsoGolden {
    std::size_t n_neighbors = 0, n_components = 0, n_graph_components = 0;
    double reconstruction_error = 0;
    Matrix x, embedding, queries, transformed;
};

IsoGolden read_iso_golden(const std::string& name) {
    const std::string path = std::string(N2D_SOURCE_DIR) + "/tests/golden/isomap/" + name + ".csv";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "missing golden " << path << " (run /usr/bin/python3 tests/golden/isomap_golden.py)");
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    std::stringstream head(line);
    std::vector<double> h;
    for (std::string cell; std::getline(head, cell, ',');) h.push_back(std::stod(cell));
    REQUIRE(h.size() == 7);
    IsoGolden g;
    g.n_neighbors = std::size_t(h[0]);
    g.n_components = std::size_t(h[1]);
    const std::size_t n_train = std::size_t(h[2]), n_test = std::size_t(h[3]), dim = std::size_t(h[4]);
    g.reconstruction_error = h[5];
    g.n_graph_components = std::size_t(h[6]);
    g.x = Matrix(n_train, dim);
    g.embedding = Matrix(n_train, g.n_components);
    g.queries = Matrix(n_test, dim);
    g.transformed = Matrix(n_test, g.n_components);
    for (std::size_t i = 0; i < n_train + n_test; ++i) {
        REQUIRE(std::getline(in, line));
        std::stringstream row(line);
        std::vector<double> cells;
        for (std::string cell; std::getline(row, cell, ',');) cells.push_back(std::stod(cell));
        REQUIRE(cells.size() == dim + g.n_components);
        Matrix& xs = i < n_train ? g.x : g.queries;
        Matrix& ys = i < n_train ? g.embedding : g.transformed;
        const std::size_t r = i < n_train ? i : i - n_train;
        for (std::size_t j = 0; j < dim; ++j) xs(r, j) = float(cells[j]);
        for (std::size_t j = 0; j < g.n_components; ++j) ys(r, j) = float(cells[dim + j]);
    }
    return g;
}

// `a` minus the column means of `of` (default: of `a` itself).
Matrix centred(const Matrix& a, const Matrix* of = nullptr) {
    const Matrix& ref = of ? *of : a;
    Matrix out = a;
    for (std::size_t c = 0; c < a.cols(); ++c) {
        double m = 0;
        for (std::size_t i = 0; i < ref.rows(); ++i) m += ref(i, c);
        m /= double(ref.rows());
        for (std::size_t i = 0; i < a.rows(); ++i) out(i, c) = float(a(i, c) - m);
    }
    return out;
}

IsomapOptions golden_options(const IsoGolden& g) {
    IsomapOptions o;
    o.n_neighbors = g.n_neighbors;
    o.n_components = g.n_components;
    return o;
}

// A flat strip: `n` points uniform on [0, 12] × [0, 3], placed isometrically in 3-D.
Matrix flat_strip(std::size_t n, std::uint64_t seed, Matrix* truth) {
    Rng rng(seed);
    Matrix x(n, 3);
    if (truth) *truth = Matrix(n, 2);
    for (std::size_t i = 0; i < n; ++i) {
        const double u = rng.uniform(0, 12), v = rng.uniform(0, 3);
        if (truth) {
            (*truth)(i, 0) = float(u);
            (*truth)(i, 1) = float(v);
        }
        x(i, 0) = float(0.6 * u + 0.8 * v);
        x(i, 1) = float(-0.8 * u + 0.6 * v);
        x(i, 2) = float(0.5);
    }
    return x;
}

}  // namespace

TEST_CASE("isomap: embeddings, reconstruction errors and transforms match scikit-learn 1.2.1") {
    for (const std::string name : {"swiss", "scurve", "blobs", "digits", "tiny"}) {
        CAPTURE(name);
        const IsoGolden g = read_iso_golden(name);
        Isomap iso(golden_options(g));
        const Matrix emb = iso.fit_transform(g.x);
        REQUIRE(emb.rows() == g.x.rows());
        REQUIRE(emb.cols() == g.n_components);
        CHECK(iso.n_graph_components() == g.n_graph_components);
        const std::vector<double> r = procrustes_rotation(emb, g.embedding);
        const double res = procrustes_residual(emb, g.embedding, r);
        const double rel_err = std::fabs(iso.reconstruction_error() - g.reconstruction_error) / g.reconstruction_error;
        MESSAGE(name << ": embedding Procrustes residual " << res << ", reconstruction error relative difference "
                     << rel_err);
        CHECK(res < 1e-3);
        // The same sign rule as sklearn's (largest-|·| entry positive): equal without any rotation.
        std::vector<double> identity(g.n_components * g.n_components, 0.0);
        for (std::size_t c = 0; c < g.n_components; ++c) identity[c * g.n_components + c] = 1.0;
        CHECK(procrustes_residual(emb, g.embedding, identity) < 1e-3);
        CHECK(std::fabs(iso.reconstruction_error() - g.reconstruction_error) <= 1e-4 * g.reconstruction_error);
        const Matrix t = iso.transform(g.queries);
        const double tres = procrustes_residual(t, g.transformed, r);
        MESSAGE(name << ": transform residual " << tres);
        CHECK(tres < 1e-3);
        // Training points through transform land on their embedding.
        const Matrix back = iso.transform(g.x);
        double worst = 0, scale = 0;
        for (std::size_t i = 0; i < emb.size(); ++i) {
            worst = std::max(worst, double(std::fabs(back.data()[i] - emb.data()[i])));
            scale = std::max(scale, double(std::fabs(emb.data()[i])));
        }
        CHECK(worst <= 1e-4 * scale);
    }
}

TEST_CASE("isomap: bad input and misuse throw n2d::Error") {
    const Matrix x = flat_strip(40, 1, nullptr);
    IsomapOptions o;
    o.n_neighbors = 40;
    CHECK_THROWS_AS(Isomap(o).fit_transform(x), Error);  // n_neighbors >= n
    o.n_neighbors = 0;
    CHECK_THROWS_AS(Isomap(o).fit_transform(x), Error);
    o = {};
    o.n_components = 0;
    CHECK_THROWS_AS(Isomap(o).fit_transform(x), Error);
    o.n_components = 41;
    CHECK_THROWS_AS(Isomap(o).fit_transform(x), Error);
    CHECK_THROWS_AS(Isomap().fit_transform(Matrix()), Error);
    CHECK_THROWS_AS(Isomap().fit_transform(Matrix(0, 3)), Error);
    Matrix bad = x;
    bad(7, 1) = std::nanf("");
    CHECK_THROWS_AS(Isomap().fit_transform(bad), Error);
    bad(7, 1) = INFINITY;
    CHECK_THROWS_AS(Isomap().fit_transform(bad), Error);
    o = {};
    o.landmark_threshold = 10;
    o.n_landmarks = 2;  // landmark mode needs n_landmarks > n_components
    CHECK_THROWS_AS(Isomap(o).fit_transform(x), Error);

    // A circle's geodesic metric is not euclidean: asking for every eigenpair reaches significant
    // negative eigenvalues, which sklearn 1.2.1 rejects too (0.25 of the largest).
    Matrix circle(40, 2);
    for (std::size_t i = 0; i < 40; ++i) {
        circle(i, 0) = float(std::cos(2 * std::numbers::pi * double(i) / 40));
        circle(i, 1) = float(std::sin(2 * std::numbers::pi * double(i) / 40));
    }
    o = {};
    o.n_neighbors = 2;
    o.n_components = 40;
    CHECK_THROWS_WITH_AS(Isomap(o).fit_transform(circle), doctest::Contains("significant negative eigenvalues"), Error);
    o.n_components = 2;
    CHECK(all_finite(Isomap(o).fit_transform(circle)));

    Isomap unfitted;
    CHECK_FALSE(unfitted.fitted());
    CHECK_THROWS_AS(unfitted.transform(x), Error);
    CHECK_THROWS_AS(unfitted.embedding(), Error);
    CHECK_THROWS_AS(unfitted.reconstruction_error(), Error);
    ByteWriter w;
    CHECK_THROWS_AS(unfitted.save(w), Error);

    Isomap iso;
    iso.fit_transform(x);
    CHECK(iso.fitted());
    CHECK(iso.input_dim() == 3);
    CHECK_THROWS_AS(iso.transform(Matrix(2, 4)), Error);
    Matrix q = Matrix::copy_of(x.view().row_block(0, 3));
    q(1, 0) = std::nanf("");
    CHECK_THROWS_AS(iso.transform(q), Error);
    CHECK(iso.transform(Matrix(0, 3)).rows() == 0);
}

TEST_CASE("isomap: duplicates and disconnected data give finite output") {
    // Two far-apart clusters of exact duplicates: the graph has zero-length edges and two components.
    Matrix x(30, 2);
    for (std::size_t i = 0; i < 30; ++i) {
        x(i, 0) = i < 15 ? float(i % 3) : 100.0f + float(i % 2);
        x(i, 1) = i < 15 ? 0.0f : 50.0f;
    }
    IsomapOptions o;
    o.n_neighbors = 3;
    Isomap iso(o);
    const Matrix e = iso.fit_transform(x);
    CHECK(iso.n_graph_components() >= 2);
    CHECK(all_finite(e));
    CHECK(std::isfinite(iso.reconstruction_error()));
    CHECK(all_finite(iso.transform(x)));
    // All points equal: every distance is 0, so is the embedding.
    Matrix same(12, 3);
    for (std::size_t i = 0; i < same.size(); ++i) same.data()[i] = 1.5f;
    Isomap flat;
    const Matrix z = flat.fit_transform(same);
    CHECK(all_finite(z));
    CHECK(std::all_of(z.data(), z.data() + z.size(), [](float v) { return v == 0.0f; }));
    CHECK(flat.reconstruction_error() == 0.0);
}

TEST_CASE("isomap: 1 and 2 threads give bit-identical results (exact and landmark modes)") {
    const IsoGolden g = read_iso_golden("swiss");
    for (const bool landmarks : {false, true}) {
        CAPTURE(landmarks);
        Matrix emb[2], tr[2];
        double err[2];
        for (std::size_t t = 0; t < 2; ++t) {
            ThreadPool pool(t + 1);
            IsomapOptions o = golden_options(g);
            o.pool = &pool;
            if (landmarks) {
                o.landmark_threshold = 100;
                o.n_landmarks = 60;
            }
            Isomap iso(o);
            emb[t] = iso.fit_transform(g.x);
            CHECK(iso.landmark_mode() == landmarks);
            tr[t] = iso.transform(g.queries);
            err[t] = iso.reconstruction_error();
        }
        CHECK(same_bits(emb[0], emb[1]));
        CHECK(same_bits(tr[0], tr[1]));
        CHECK(err[0] == err[1]);
    }
}

TEST_CASE("isomap: save/load round trip gives the identical transform; corrupt data throws") {
    const IsoGolden g = read_iso_golden("scurve");
    for (const bool landmarks : {false, true}) {
        CAPTURE(landmarks);
        IsomapOptions o = golden_options(g);
        if (landmarks) {
            o.landmark_threshold = 100;
            o.n_landmarks = 50;
        }
        Isomap iso(o);
        iso.fit_transform(g.x);
        ByteWriter w;
        iso.save(w);
        ByteReader r(w.bytes().data(), w.size(), "test isomap");
        const Isomap back = Isomap::load(r);
        CHECK(r.at_end());
        CHECK(back.landmark_mode() == landmarks);
        CHECK(back.options().n_neighbors == o.n_neighbors);
        CHECK(back.input_dim() == g.x.cols());
        CHECK(back.reconstruction_error() == iso.reconstruction_error());
        CHECK(same_bits(back.embedding(), iso.embedding()));
        CHECK(same_bits(back.transform(g.queries), iso.transform(g.queries)));

        std::vector<unsigned char> bytes = w.bytes();
        bytes[0] ^= 0xFF;
        ByteReader bad(bytes.data(), bytes.size(), "corrupt isomap");
        CHECK_THROWS_AS(Isomap::load(bad), Error);
        ByteReader cut(w.bytes().data(), w.size() / 2, "truncated isomap");
        CHECK_THROWS_AS(Isomap::load(cut), Error);
        // A count after the header made inconsistent (n_neighbors >= n).
        bytes = w.bytes();
        const std::uint64_t huge = 1u << 20;
        std::memcpy(bytes.data() + 12, &huge, sizeof huge);
        ByteReader inconsistent(bytes.data(), bytes.size(), "inconsistent isomap");
        CHECK_THROWS_AS(Isomap::load(inconsistent), Error);
    }
}

TEST_CASE("isomap: landmark mode is exact on a line and close to exact Isomap on a strip") {
    // Points on a straight line in 3-D: geodesics are exactly the distances along the line, so
    // landmark MDS recovers the coordinate up to sign and shift.
    {
        Rng rng(5);
        const std::size_t n = 400;
        Matrix x(n, 3), t(n, 1);
        for (std::size_t i = 0; i < n; ++i) {
            const double s = rng.uniform(0, 20);
            t(i, 0) = float(s);
            x(i, 0) = float(0.48 * s);
            x(i, 1) = float(0.6 * s);
            x(i, 2) = float(0.64 * s);
        }
        IsomapOptions o;
        o.n_components = 1;
        o.landmark_threshold = 100;
        o.n_landmarks = 40;
        Isomap iso(o);
        const Matrix e = centred(iso.fit_transform(x));
        CHECK(iso.landmark_mode());
        const Matrix tc = centred(t);
        const double res = procrustes_residual(e, tc);
        MESSAGE("line: landmark residual " << res);
        CHECK(res < 1e-5);
    }
    // A flat strip: landmark and exact Isomap agree, and both recover the flat coordinates.
    Matrix truth;
    const Matrix x = flat_strip(700, 3, &truth);
    IsomapOptions o;
    o.n_neighbors = 10;
    const Matrix exact = Isomap(o).fit_transform(x);
    o.landmark_threshold = 300;
    o.n_landmarks = 150;
    Isomap lm(o);
    const Matrix raw = lm.fit_transform(x);
    const Matrix approx = centred(raw);  // landmark MDS is centred on the landmarks, not all points
    CHECK(lm.landmark_mode());
    CHECK(all_finite(approx));
    const double vs_exact = procrustes_residual(approx, exact);
    const Matrix tc = centred(truth);
    const double vs_truth = procrustes_residual(approx, tc);
    const double exact_vs_truth = procrustes_residual(exact, tc);
    MESSAGE("strip: landmark vs exact " << vs_exact << ", landmark vs truth " << vs_truth << ", exact vs truth "
                                        << exact_vs_truth);
    CHECK(vs_exact < 0.02);
    // The graph's geodesics overestimate the flat distances a little; landmarks add next to nothing.
    CHECK(exact_vs_truth < 0.1);
    CHECK(vs_truth < exact_vs_truth + 0.01);
    // New points: transform agrees with exact Isomap's.
    Matrix truth_q;
    const Matrix q = flat_strip(50, 4, &truth_q);
    IsomapOptions eo;
    eo.n_neighbors = 10;
    Isomap ex(eo);
    ex.fit_transform(x);
    const Matrix tq_exact = ex.transform(q), tq_lm = centred(lm.transform(q), &raw);
    CHECK(all_finite(tq_lm));
    const double tq_res = procrustes_residual(tq_lm, tq_exact, procrustes_rotation(approx, exact));
    MESSAGE("strip: landmark vs exact transform " << tq_res);
    CHECK(tq_res < 0.02);
}

TEST_CASE("isomap: progress reports stage isomap and cancelling throws Cancelled") {
    const Matrix x = flat_strip(300, 6, nullptr);
    IsomapOptions o;
    std::size_t calls = 0, last = 0, total = 0;
    o.progress = [&](const Progress& p) {
        CHECK(std::string(p.stage) == "isomap");
        CHECK(p.step == last + 1);
        last = p.step;
        total = p.total;
        ++calls;
        return true;
    };
    Isomap(o).fit_transform(x);
    CHECK(calls == total);
    CHECK(calls >= 3);
    o.progress = [](const Progress&) { return false; };
    CHECK_THROWS_AS(Isomap(o).fit_transform(x), Cancelled);
}

}  // namespace n2d::inline v0::test
