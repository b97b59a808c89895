// t-SNE initial layouts (sklearn 1.2.1 TSNE._fit, init "pca" / "random").
//
// PCA: the centred data's leading principal directions from the d × d covariance (Jacobi for
// small d; for wide data thick-restart Lanczos on v ↦ Xcᵀ(Xc v), never forming the matrix), the
// scores Xc·V sign-fixed as sklearn's svd_flip (each column's largest-|·| entry positive), then
// scaled so column 0 has standard deviation 1e-4. sklearn uses a randomised SVD, so only the
// leading digits agree. Every sum runs in a fixed order or over fixed chunks reduced in order.
#include <algorithm>
#include <cmath>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/manifold/detail/tsne.hpp"

namespace n2d::inline v0 {
namespace tsne_detail {

namespace {

constexpr std::size_t kDenseUpTo = 64;  // widest data whose covariance is eigendecomposed densely
constexpr std::size_t kInitGrain = 256;

// Leading `k` eigenvectors (columns, d each, descending eigenvalue) of the covariance of xc.
std::vector<double> principal_directions(const std::vector<double>& xc, std::size_t n, std::size_t d, std::size_t k,
                                         ThreadPool& pool) {
    std::vector<double> dirs(d * k);
    if (d <= kDenseUpTo) {
        std::vector<double> cov(d * d, 0.0);
        pool.parallel_for(0, d, 1, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t a = lo; a < hi; ++a)
                for (std::size_t i = 0; i < n; ++i) {
                    const double* r = xc.data() + i * d;
                    for (std::size_t b = a; b < d; ++b) cov[a * d + b] += r[a] * r[b];
                }
        });
        for (std::size_t a = 0; a < d; ++a)
            for (std::size_t b = 0; b < a; ++b) cov[a * d + b] = cov[b * d + a];
        std::vector<double> values, vectors;
        jacobi_eigen(d, std::move(cov), values, vectors);
        for (std::size_t c = 0; c < k; ++c)
            for (std::size_t t = 0; t < d; ++t) dirs[c * d + t] = vectors[t * d + (d - 1 - c)];
        return dirs;
    }
    // v ↦ Xcᵀ (Xc v) / n, with the row sums of Xcᵀ u reduced over fixed chunks in order.
    const std::size_t n_chunks = (n + kInitGrain - 1) / kInitGrain;
    std::vector<double> u(n), partial(n_chunks * d);
    double trace = 0.0;
    for (double v : xc) trace += v * v;
    trace /= double(n);
    SymmetricOperator op = [&](const double* v, double* out) {
        pool.parallel_for(0, n, kInitGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
            double* part = partial.data() + (lo / kInitGrain) * d;
            std::fill(part, part + d, 0.0);
            for (std::size_t i = lo; i < hi; ++i) {
                const double* r = xc.data() + i * d;
                double s = 0.0;
                for (std::size_t t = 0; t < d; ++t) s += r[t] * v[t];
                u[i] = s;
                for (std::size_t t = 0; t < d; ++t) part[t] += r[t] * s;
            }
        });
        std::fill(out, out + d, 0.0);
        for (std::size_t c = 0; c < n_chunks; ++c)
            for (std::size_t t = 0; t < d; ++t) out[t] += partial[c * d + t];
        for (std::size_t t = 0; t < d; ++t) out[t] /= double(n);
    };
    LanczosOptions lo;
    lo.n_eigen = k;
    lo.tol = 1e-8 * std::max(trace, 1e-300);
    const LanczosResult r = lanczos_largest(d, op, lo, &pool);
    std::copy(r.vectors.begin(), r.vectors.begin() + std::ptrdiff_t(d * k), dirs.begin());
    return dirs;
}

}  // namespace

Matrix pca_layout(ConstMatrixView x, std::size_t k, ThreadPool& pool) {
    const std::size_t n = x.rows, d = x.cols;
    N2D_REQUIRE(k >= 1 && k <= d && k <= n,
                "t-SNE init pca: n_components = " + std::to_string(k) + " needs at least as many features (" +
                    std::to_string(d) + ") and samples (" + std::to_string(n) +
                    "); use TsneInit::random or fewer components");
    std::vector<double> mean(d, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < d; ++t) mean[t] += double(x(i, t));
    for (double& m : mean) m /= double(n);
    std::vector<double> xc(n * d);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < d; ++t) xc[i * d + t] = double(x(i, t)) - mean[t];
    const std::vector<double> dirs = principal_directions(xc, n, d, k, pool);

    std::vector<double> scores(n * k);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < k; ++c) {
            double s = 0.0;
            for (std::size_t t = 0; t < d; ++t) s += xc[i * d + t] * dirs[c * d + t];
            scores[i * k + c] = s;
        }
    for (std::size_t c = 0; c < k; ++c) {  // svd_flip: the largest-magnitude score positive
        std::size_t arg = 0;
        for (std::size_t i = 1; i < n; ++i)
            if (std::fabs(scores[i * k + c]) > std::fabs(scores[arg * k + c])) arg = i;
        if (scores[arg * k + c] < 0)
            for (std::size_t i = 0; i < n; ++i) scores[i * k + c] = -scores[i * k + c];
    }
    Matrix y(n, k);
    for (std::size_t t = 0; t < n * k; ++t) y.data()[t] = float(scores[t]);
    double m0 = 0.0, v0 = 0.0;
    for (std::size_t i = 0; i < n; ++i) m0 += double(y(i, 0));
    m0 /= double(n);
    for (std::size_t i = 0; i < n; ++i) v0 += (double(y(i, 0)) - m0) * (double(y(i, 0)) - m0);
    const float sd = float(std::sqrt(v0 / double(n)));
    // Constant data has no spread to scale (sklearn would divide by zero): keep the zero scores.
    if (sd > 0.0f && std::isfinite(sd))
        for (std::size_t t = 0; t < n * k; ++t) y.data()[t] = y.data()[t] / sd * 1e-4f;
    return y;
}

Matrix random_layout(std::size_t n, std::size_t k, std::uint64_t seed) {
    Rng rng(seed, 0x54534E45ull);
    Matrix y(n, k);
    for (std::size_t t = 0; t < n * k; ++t) y.data()[t] = float(1e-4 * rng.normal());
    return y;
}

}  // namespace tsne_detail
}  // namespace n2d
