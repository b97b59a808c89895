#include "n2d/linalg/detail/normalized_adjacency.hpp"

#include <cmath>

#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

NormalizedAdjacency::NormalizedAdjacency(const CsrView& w)
    : n_(w.n), indptr_(w.indptr), indices_(w.indices), sqrt_deg_(w.n), weights_(w.n ? w.indptr[w.n] : 0) {
    std::vector<double> inv_sqrt(n_);
    for (std::size_t i = 0; i < n_; ++i) {
        double d = 0.0;
        for (std::size_t e = indptr_[i]; e < indptr_[i + 1]; ++e) d += w.weights[e];
        sqrt_deg_[i] = std::sqrt(d);
        inv_sqrt[i] = d > 0.0 ? 1.0 / sqrt_deg_[i] : 0.0;
    }
    for (std::size_t i = 0; i < n_; ++i)
        for (std::size_t e = indptr_[i]; e < indptr_[i + 1]; ++e)
            weights_[e] = w.weights[e] * inv_sqrt[i] * inv_sqrt[static_cast<std::size_t>(indices_[e])];
}

std::vector<double> NormalizedAdjacency::dense() const {
    std::vector<double> m(n_ * n_, 0.0);
    for (std::size_t i = 0; i < n_; ++i)
        for (std::size_t e = indptr_[i]; e < indptr_[i + 1]; ++e)
            m[i * n_ + static_cast<std::size_t>(indices_[e])] += weights_[e];
    return m;
}

void NormalizedAdjacency::apply(const double* x, double* y, ThreadPool& pool) const {
    pool.parallel_for(0, n_, 2048, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            double s = 0.0;
            for (std::size_t e = indptr_[i]; e < indptr_[i + 1]; ++e)
                s += weights_[e] * x[static_cast<std::size_t>(indices_[e])];
            y[i] = s;
        }
    });
}

SymmetricOperator NormalizedAdjacency::op(ThreadPool& pool) const {
    return [this, &pool](const double* x, double* y) { apply(x, y, pool); };
}

void fix_eigenvector_signs(double* cols, std::size_t n, std::size_t count) {
    for (std::size_t c = 0; c < count; ++c) {
        double* v = cols + c * n;
        std::size_t arg = 0;
        for (std::size_t i = 1; i < n; ++i)
            if (std::fabs(v[i]) > std::fabs(v[arg])) arg = i;
        if (v[arg] < 0)
            for (std::size_t i = 0; i < n; ++i) v[i] = -v[i];
    }
}

}  // namespace n2d
