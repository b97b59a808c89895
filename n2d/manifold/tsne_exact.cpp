// Exact t-SNE objective (sklearn 1.2.1 _kl_divergence): Student-t affinities over all pairs in
// double precision. Two row-parallel passes (Z, then forces and KL); the sums are reduced over
// fixed row chunks in chunk order, so the result does not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <limits>

#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/tsne.hpp"

namespace n2d::inline v0 {
namespace tsne_detail {

double exact_gradient(const DenseP& p, double exaggeration, ConstMatrixView y, bool compute_error, float* grad,
                      ThreadPool& pool) {
    const std::size_t n = y.rows, dim = y.cols;
    const double dof = std::max(double(dim) - 1.0, 1.0);
    const double exponent = (dof + 1.0) / 2.0;
    const double c = 2.0 * (dof + 1.0) / dof;
    constexpr double eps = std::numeric_limits<double>::epsilon();
    auto weight = [&](std::size_t i, std::size_t j) {
        double d2 = 0.0;
        for (std::size_t t = 0; t < dim; ++t) {
            const double v = double(y(i, t)) - double(y(j, t));
            d2 += v * v;
        }
        const double b = d2 / dof + 1.0;
        return dof == 1.0 ? 1.0 / b : std::pow(b, -exponent);
    };

    constexpr std::size_t grain = 32;
    const std::size_t n_chunks = (n + grain - 1) / grain;
    std::vector<double> chunk(n_chunks, 0.0);
    pool.parallel_for(0, n, grain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        double s = 0.0;
        for (std::size_t i = lo; i < hi; ++i)
            for (std::size_t j = 0; j < n; ++j)
                if (j != i) s += weight(i, j);
        chunk[lo / grain] = s;
    });
    double z = 0.0;
    for (double s : chunk) z += s;

    std::vector<double> scratch(pool.num_threads() * dim);  // one force accumulator per worker
    pool.parallel_for(0, n, grain, [&](std::size_t lo, std::size_t hi, std::size_t worker) {
        double kl = 0.0;
        double* acc = scratch.data() + worker * dim;
        for (std::size_t i = lo; i < hi; ++i) {
            std::fill(acc, acc + dim, 0.0);
            const double* prow = p.values.data() + i * n;
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i) continue;
                const double w = weight(i, j);
                const double q = std::max(w / z, eps);
                const double pij = prow[j] * exaggeration;
                if (compute_error) kl += pij * std::log(std::max(pij, eps) / q);
                const double f = (pij - q) * w;
                for (std::size_t t = 0; t < dim; ++t) acc[t] += f * (double(y(i, t)) - double(y(j, t)));
            }
            for (std::size_t t = 0; t < dim; ++t) grad[i * dim + t] = float(c * acc[t]);
        }
        chunk[lo / grain] = kl;
    });
    if (!compute_error) return std::numeric_limits<double>::quiet_NaN();
    double kl = 0.0;
    for (double s : chunk) kl += s;
    return kl;
}

}  // namespace tsne_detail
}  // namespace n2d
