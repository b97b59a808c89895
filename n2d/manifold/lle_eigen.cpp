// The bottom of M's spectrum. M's wanted eigenvalues are tiny and clustered next to a largest
// one of tens, so Krylov methods on M itself stall; shift-invert spreads them apart: Lanczos on
// ε(M + εI)⁻¹ through a dense Cholesky factor, then Rayleigh–Ritz with the exact sparse M.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/linalg/detail/cholesky.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/manifold/detail/lle_detail.hpp"

namespace n2d::inline v0::lle_detail {

namespace {

constexpr std::size_t kChunk = 4096;

// Σ a_r b_r over fixed chunks summed in order (independent of the thread count).
double dot(const double* a, const double* b, std::size_t n) {
    double total = 0.0;
    for (std::size_t lo = 0; lo < n; lo += kChunk) {
        const std::size_t hi = std::min(n, lo + kChunk);
        double s = 0.0;
        for (std::size_t r = lo; r < hi; ++r) s += a[r] * b[r];
        total += s;
    }
    return total;
}

// Rayleigh–Ritz of M on span(Y) (n × c column-major): eigenpairs ascending, residuals, signs.
NullSpace rayleigh_ritz(const LleOperator& m, std::vector<double> y, std::size_t c) {
    const std::size_t n = m.size();
    // Orthonormalise (two Gram–Schmidt passes): the Ritz vectors are only nearly orthogonal.
    for (std::size_t t = 0; t < c; ++t) {
        double* v = y.data() + t * n;
        for (int pass = 0; pass < 2; ++pass)
            for (std::size_t s = 0; s < t; ++s) {
                const double* u = y.data() + s * n;
                const double h = dot(u, v, n);
                for (std::size_t r = 0; r < n; ++r) v[r] -= h * u[r];
            }
        const double nr = std::sqrt(dot(v, v, n));
        N2D_ASSERT(nr > 0.0, "lle: Ritz vectors are linearly dependent");
        for (std::size_t r = 0; r < n; ++r) v[r] /= nr;
    }
    std::vector<double> z(n * c), h(c * c), values, u;
    for (std::size_t t = 0; t < c; ++t) m.apply(y.data() + t * n, z.data() + t * n);
    for (std::size_t a = 0; a < c; ++a)
        for (std::size_t b = 0; b < c; ++b) h[a * c + b] = dot(y.data() + a * n, z.data() + b * n, n);
    jacobi_eigen(c, h, values, u);
    NullSpace out;
    out.values = values;
    out.vectors.assign(n * c, 0.0);
    std::vector<double> mv(n);
    for (std::size_t t = 0; t < c; ++t) {
        double* v = out.vectors.data() + t * n;
        std::fill(mv.begin(), mv.end(), 0.0);
        for (std::size_t s = 0; s < c; ++s) {
            const double coef = u[s * c + t];
            const double *ys = y.data() + s * n, *zs = z.data() + s * n;
            for (std::size_t r = 0; r < n; ++r) {
                v[r] += coef * ys[r];
                mv[r] += coef * zs[r];
            }
        }
        const double nr = std::sqrt(dot(v, v, n));
        for (std::size_t r = 0; r < n; ++r) {
            v[r] /= nr;
            mv[r] /= nr;
        }
        double res = 0.0;
        for (std::size_t r = 0; r < n; ++r) res += (mv[r] - values[t] * v[r]) * (mv[r] - values[t] * v[r]);
        out.max_residual = std::max(out.max_residual, std::sqrt(res));
        // Sign: the largest-magnitude entry (first on ties) positive.
        std::size_t arg = 0;
        for (std::size_t r = 1; r < n; ++r)
            if (std::fabs(v[r]) > std::fabs(v[arg])) arg = r;
        if (v[arg] < 0)
            for (std::size_t r = 0; r < n; ++r) v[r] = -v[r];
    }
    return out;
}

std::string not_converged(std::size_t matvecs, double worst, double tol, bool dense) {
    return "n2d: LocallyLinearEmbedding: the eigensolver did not converge in " + std::to_string(matvecs) +
           " operator applications (relative residual " + std::to_string(worst) + " > tol " + std::to_string(tol) +
           "); raise max_iter or tol" +
           (dense ? std::string()
                  : ", or raise max_dense_points to at least n for the dense shift-invert solver (1.5 n² doubles of "
                    "memory): Lanczos without shift-invert rarely resolves LLE's clustered bottom eigenvalues");
}

}  // namespace

NullSpace bottom_eigenvectors(const LleOperator& m, const EigenSettings& s, ThreadPool& pool) {
    const std::size_t n = m.size(), c = s.n_components;
    const std::vector<double> ones(n, 1.0 / std::sqrt(double(n)));
    LanczosOptions lo;
    lo.n_eigen = c;
    lo.seed = s.seed;
    lo.max_matvecs = s.max_iter;
    lo.deflate = ones.data();
    lo.n_deflate = 1;
    std::size_t step = 0;
    if (n > s.max_dense_points) {
        // Too large to factor: Lanczos on σI − M, whose top is M's bottom.
        const double sigma = m.gershgorin();
        lo.tol = s.tol * sigma;
        const SymmetricOperator op = [&](const double* x, double* y) {
            m.apply(x, y);
            for (std::size_t r = 0; r < n; ++r) y[r] = sigma * x[r] - y[r];
            if (s.report && ++step % 16 == 0) s.report(step, std::numeric_limits<double>::quiet_NaN());
        };
        LanczosResult r = lanczos_largest(n, op, lo, &pool);
        if (!r.converged) {
            double worst = 0.0;
            for (double v : r.residuals) worst = std::max(worst, v / sigma);
            N2D_FAIL(not_converged(r.matvecs, worst, s.tol, false));
        }
        return rayleigh_ritz(m, std::move(r.vectors), c);
    }
    // Shift ε: large enough that the rounded factorisation stays positive definite, tiny next
    // to ‖M‖; raised 100-fold until the Cholesky succeeds.
    std::vector<double> a(n * n);
    double diag_max = 0.0;
    m.dense(a.data());
    for (std::size_t i = 0; i < n; ++i) diag_max = std::max(diag_max, a[i * n + i]);
    double eps = 1e-10 * std::max(1.0, diag_max);
    bool ok = false;
    for (int attempt = 0; attempt < 4 && !ok; ++attempt) {
        if (attempt > 0) {
            m.dense(a.data());
            eps *= 100.0;
        }
        for (std::size_t i = 0; i < n; ++i) a[i * n + i] += eps;
        ok = cholesky_factor(n, a.data(), pool, [&](std::size_t, std::size_t) {
            if (s.report) s.report(++step, std::numeric_limits<double>::quiet_NaN());
        });
    }
    N2D_REQUIRE(ok, "LocallyLinearEmbedding: M + " + std::to_string(eps) +
                        "·I is not positive definite in double precision; the weights are ill-conditioned, raise reg");
    const PackedCholesky factor(n, a.data());
    std::vector<double>().swap(a);
    // ε(M + εI)⁻¹ has eigenvalues ε/(λ + ε) in (0, 1]; the wanted ones are its largest.
    const SymmetricOperator op = [&](const double* x, double* y) {
        std::copy(x, x + n, y);
        factor.solve(y, pool);
        for (std::size_t r = 0; r < n; ++r) y[r] *= eps;
        if (s.report) s.report(++step, std::numeric_limits<double>::quiet_NaN());
    };
    // Converged when every residual ≤ tol · its Ritz value; the first pass cannot know the
    // smallest wanted value, so later passes tighten the absolute tolerance to it.
    lo.tol = s.tol;
    LanczosResult r = lanczos_largest(n, op, lo, &pool);
    auto relative_ok = [&](const LanczosResult& res, double& worst) {
        worst = 0.0;
        for (std::size_t t = 0; t < res.values.size(); ++t)
            worst = std::max(worst, res.residuals[t] / std::max(res.values[t], std::numeric_limits<double>::min()));
        return res.converged && worst <= s.tol;
    };
    double worst = 0.0;
    for (int pass = 0; pass < 3 && r.converged && !relative_ok(r, worst); ++pass) {
        lo.tol = s.tol * r.values.back();
        r = lanczos_largest(n, op, lo, &pool);
    }
    if (!relative_ok(r, worst)) N2D_FAIL(not_converged(r.matvecs, worst, s.tol, true));
    return rayleigh_ritz(m, std::move(r.vectors), c);
}

}  // namespace n2d::lle_detail
