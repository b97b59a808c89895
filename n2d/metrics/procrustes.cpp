// Orthogonal Procrustes through the SVD of M = AᵀB = U S Vᵀ: R = U Vᵀ. The k × k SVD comes
// from the symmetric eigenproblem MᵀM = V S² Vᵀ with u_i = M v_i / s_i; singular vectors of
// (near-)zero singular values are completed to an orthonormal basis, so R stays orthogonal
// when M is rank-deficient (any completion reaches the same minimum).
#include <algorithm>
#include <cmath>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/metrics/metrics.hpp"

namespace n2d::inline v0 {

namespace {

void require_pair(ConstMatrixView a, ConstMatrixView b, const char* who) {
    N2D_REQUIRE(a.rows > 0 && a.cols > 0, std::string(who) + ": empty embedding; pass at least one point and one column");
    require_shape(b, a.rows, a.cols, (std::string(who) + " input b (shaped like a)").c_str());
    require_finite(a, who);
    require_finite(b, who);
}

// Removes from the column `w` (k doubles) its components along columns cols[0..m) of the
// row-major k × k `u`, twice (one pass loses orthogonality to rounding); returns its norm.
double orthogonalise(std::vector<double>& w, const std::vector<double>& u, const std::vector<std::size_t>& cols,
                     std::size_t k) {
    for (int pass = 0; pass < 2; ++pass)
        for (const std::size_t c : cols) {
            double d = 0;
            for (std::size_t p = 0; p < k; ++p) d += u[p * k + c] * w[p];
            for (std::size_t p = 0; p < k; ++p) w[p] -= d * u[p * k + c];
        }
    double s = 0;
    for (const double v : w) s += v * v;
    return std::sqrt(s);
}

}  // namespace

std::vector<double> procrustes_rotation(ConstMatrixView a, ConstMatrixView b) {
    require_pair(a, b, "procrustes_rotation");
    const std::size_t k = a.cols;
    std::vector<double> m(k * k, 0.0), mtm(k * k, 0.0), s2, v;
    for (std::size_t i = 0; i < a.rows; ++i)
        for (std::size_t p = 0; p < k; ++p)
            for (std::size_t q = 0; q < k; ++q) m[p * k + q] += double(a(i, p)) * double(b(i, q));
    for (std::size_t p = 0; p < k; ++p)
        for (std::size_t q = 0; q < k; ++q)
            for (std::size_t t = 0; t < k; ++t) mtm[p * k + q] += m[t * k + p] * m[t * k + q];
    jacobi_eigen(k, mtm, s2, v);  // ascending
    const double tol = 1e-12 * std::sqrt(std::max(s2[k - 1], 0.0)) * double(k);
    // U's columns, largest singular value first; those of tiny singular values filled in after.
    std::vector<double> u(k * k, 0.0), w(k);
    std::vector<std::size_t> done, missing;
    for (std::size_t c = k; c-- > 0;) {
        const double s = std::sqrt(std::max(s2[c], 0.0));
        bool ok = s > tol;
        if (ok) {
            for (std::size_t p = 0; p < k; ++p) {
                w[p] = 0;
                for (std::size_t t = 0; t < k; ++t) w[p] += m[p * k + t] * v[t * k + c];
            }
            const double norm = orthogonalise(w, u, done, k);
            ok = norm > 1e-8 * s;
            if (ok)
                for (std::size_t p = 0; p < k; ++p) u[p * k + c] = w[p] / norm;
        }
        if (ok) done.push_back(c);
        else missing.push_back(c);
    }
    // Completion: the unit vector e_j whose part outside the span so far is largest (at least
    // 1/√k of it), orthogonalised.
    for (const std::size_t c : missing) {
        double best = -1;
        std::vector<double> pick(k);
        for (std::size_t j = 0; j < k; ++j) {
            std::fill(w.begin(), w.end(), 0.0);
            w[j] = 1;
            const double norm = orthogonalise(w, u, done, k);
            if (norm > best) {
                best = norm;
                for (std::size_t p = 0; p < k; ++p) pick[p] = w[p] / norm;
            }
        }
        for (std::size_t p = 0; p < k; ++p) u[p * k + c] = pick[p];
        done.push_back(c);
    }
    std::vector<double> r(k * k, 0.0);
    for (std::size_t p = 0; p < k; ++p)
        for (std::size_t q = 0; q < k; ++q)
            for (std::size_t t = 0; t < k; ++t) r[p * k + q] += u[p * k + t] * v[q * k + t];
    return r;
}

double procrustes_residual(ConstMatrixView a, ConstMatrixView b, const std::vector<double>& rotation) {
    require_pair(a, b, "procrustes_residual");
    const std::size_t k = a.cols;
    N2D_REQUIRE(rotation.size() == k * k, "procrustes_residual: rotation has " + std::to_string(rotation.size()) +
                                              " entries but the embeddings have " + std::to_string(k) +
                                              " columns; pass a " + std::to_string(k) + " x " + std::to_string(k) +
                                              " matrix (from procrustes_rotation)");
    double num = 0, den = 0;
    for (std::size_t i = 0; i < a.rows; ++i)
        for (std::size_t q = 0; q < k; ++q) {
            double y = 0;
            for (std::size_t p = 0; p < k; ++p) y += double(a(i, p)) * rotation[p * k + q];
            const double t = double(b(i, q));
            num += (y - t) * (y - t);
            den += t * t;
        }
    N2D_REQUIRE(den > 0, "procrustes_residual: b is all zeros, so the relative residual is undefined");
    return std::sqrt(num / den);
}

double procrustes_residual(ConstMatrixView a, ConstMatrixView b) {
    return procrustes_residual(a, b, procrustes_rotation(a, b));
}

}  // namespace n2d
