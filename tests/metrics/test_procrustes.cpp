// Orthogonal Procrustes: recovers a known rotation/reflection, stays orthogonal when AᵀB is
// rank-deficient, gives the residual a closed form predicts, and rejects bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/metrics/metrics.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

// max |RᵀR − I| of a row-major k × k matrix.
double orthogonality_error(const std::vector<double>& r, std::size_t k) {
    double worst = 0;
    for (std::size_t p = 0; p < k; ++p)
        for (std::size_t q = 0; q < k; ++q) {
            double d = 0;
            for (std::size_t t = 0; t < k; ++t) d += r[t * k + p] * r[t * k + q];
            worst = std::max(worst, std::fabs(d - (p == q ? 1.0 : 0.0)));
        }
    return worst;
}

}  // namespace

TEST_CASE("procrustes: a rotated and reflected copy is recovered exactly") {
    const std::size_t n = 60, k = 3;
    Rng rng(11);
    Matrix a(n, k);
    for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = float(rng.normal());
    // Q: a rotation by 0.7 rad in the (0, 1) plane, then axis 2 reflected.
    const double c = std::cos(0.7), s = std::sin(0.7);
    const std::vector<double> q = {c, s, 0, -s, c, 0, 0, 0, -1};
    Matrix b(n, k);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            double v = 0;
            for (std::size_t t = 0; t < k; ++t) v += double(a(i, t)) * q[t * k + j];
            b(i, j) = float(v);
        }
    const std::vector<double> r = procrustes_rotation(a, b);
    REQUIRE(r.size() == k * k);
    for (std::size_t t = 0; t < k * k; ++t) CHECK(std::fabs(r[t] - q[t]) < 1e-6);
    CHECK(orthogonality_error(r, k) < 1e-12);
    CHECK(procrustes_residual(a, b) < 1e-6);
    // Without the rotation the copies differ; the identity says by how much.
    const std::vector<double> identity = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    CHECK(procrustes_residual(a, b, identity) > 0.5);
    CHECK(procrustes_residual(a, a, identity) == 0.0);
}

TEST_CASE("procrustes: the residual is the closed-form minimum, also for rank-deficient AᵀB") {
    // min_R ‖AR − B‖² = ‖A‖² + ‖B‖² − 2 Σ s_i(AᵀB). A's second column is zero, so AᵀB has rank 1
    // and one singular vector pair must be completed.
    const std::size_t n = 5;
    const float av[n] = {1, -2, 0.5f, 3, 1}, bv[n][2] = {{2, 1}, {-1, 0}, {0, 2}, {1, -1}, {0.5f, 0}};
    Matrix a(n, 2), b(n, 2);
    double aa = 0, ab0 = 0, ab1 = 0, bb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        a(i, 0) = av[i];
        a(i, 1) = 0;
        b(i, 0) = bv[i][0];
        b(i, 1) = bv[i][1];
        aa += double(av[i]) * av[i];
        ab0 += double(av[i]) * bv[i][0];
        ab1 += double(av[i]) * bv[i][1];
        bb += double(bv[i][0]) * bv[i][0] + double(bv[i][1]) * bv[i][1];
    }
    // M = [[ab0, ab1], [0, 0]]: one singular value, ‖(ab0, ab1)‖.
    const double want = std::sqrt((aa + bb - 2 * std::hypot(ab0, ab1)) / bb);
    const std::vector<double> r = procrustes_rotation(a, b);
    CHECK(orthogonality_error(r, 2) < 1e-12);
    CHECK(procrustes_residual(a, b) == doctest::Approx(want).epsilon(1e-9));
    // A all zeros: any orthogonal R is optimal; it must still be one.
    const Matrix zero(n, 2);
    CHECK(orthogonality_error(procrustes_rotation(zero, b), 2) < 1e-12);
    CHECK(procrustes_residual(zero, b) == doctest::Approx(1.0));
    // One column: R = ±1, the sign of Σ a b.
    Matrix a1(n, 1), b1(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        a1(i, 0) = av[i];
        b1(i, 0) = -2 * av[i];
    }
    CHECK(procrustes_rotation(a1, b1) == std::vector<double>{-1.0});
    CHECK(procrustes_residual(a1, b1) == doctest::Approx(0.5));
}

TEST_CASE("procrustes: bad input throws n2d::Error") {
    const Matrix a(4, 2), b(4, 3), c(5, 2);
    Matrix ok(4, 2);
    ok(0, 0) = 1;
    CHECK_THROWS_WITH_AS(procrustes_rotation(a, b), doctest::Contains("shape"), Error);
    CHECK_THROWS_WITH_AS(procrustes_residual(a, c), doctest::Contains("shape"), Error);
    CHECK_THROWS_WITH_AS(procrustes_rotation(Matrix(), Matrix()), doctest::Contains("empty"), Error);
    Matrix bad = ok;
    bad(2, 1) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH_AS(procrustes_rotation(bad, ok), doctest::Contains("NaN"), Error);
    CHECK_THROWS_WITH_AS(procrustes_residual(ok, a), doctest::Contains("all zeros"), Error);
    CHECK_THROWS_WITH_AS(procrustes_residual(ok, ok, std::vector<double>{1, 0, 0}), doctest::Contains("2 x 2"), Error);
}
