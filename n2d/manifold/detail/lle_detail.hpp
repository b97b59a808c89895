// Internal pieces of LocallyLinearEmbedding: neighbour lists, barycentric weights, the sparse
// operator M = (I − W)ᵀ(I − W) and its bottom eigenvectors.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/knn/knn.hpp"

namespace n2d::inline v0 {

class ThreadPool;

namespace lle_detail {

// W with exactly k entries per row (row i: weights w[i·k + j] on points idx[i·k + j]).
struct SparseWeights {
    std::size_t n = 0, k = 0;
    std::vector<std::int32_t> idx;
    std::vector<double> w;
};

// scikit-learn's training neighbours: the k + 1 nearest points of each point (itself included,
// ties by index) without the first. `graph` is a self-first graph of ≥ k + 1 columns (the point,
// then its nearest others by (distance, index)); with exact duplicates the dropped first one may
// be a lower-indexed twin, and the point then lists itself, as in scikit-learn.
std::vector<std::int32_t> training_neighbors(const KnnGraph& graph, std::size_t k);

// Barycentric weights of each query row on its k neighbours `ind` (m × k) among the rows of
// `train`: G = (A − x)(A − x)ᵀ + R·I with R = reg·trace (reg when the trace is 0), G w = 1 by
// Cholesky, w / Σw. Returns m × k weights; throws n2d::Error naming the first point whose
// regularised Gram matrix is not positive definite (reg = 0 with duplicates).
std::vector<double> barycenter_weights(ConstMatrixView queries, ConstMatrixView train, const std::int32_t* ind,
                                       std::size_t k, double reg, ThreadPool& pool);

// y = M x with M = (I − W)ᵀ(I − W) applied as two sparse products; rows in fixed chunks.
class LleOperator {
public:
    LleOperator(const SparseWeights& w, ThreadPool& pool);
    void apply(const double* x, double* y) const;
    std::size_t size() const noexcept { return w_.n; }
    // Gershgorin bound on λmax(M).
    double gershgorin() const;
    // The dense n × n matrix M (row-major).
    void dense(double* m) const;

private:
    const SparseWeights& w_;
    ThreadPool& pool_;
    std::vector<std::size_t> t_start_;  // Wᵀ in CSR: column j's entries in [t_start_[j], t_start_[j+1])
    std::vector<std::int32_t> t_row_;
    std::vector<double> t_w_;
    mutable std::vector<double> u_;
};

struct NullSpace {
    std::vector<double> values;   // ascending
    std::vector<double> vectors;  // column-major, unit norm, sign-normalised
    double max_residual = 0.0;
};

struct EigenSettings {
    std::size_t n_components = 2;
    double tol = 1e-6;
    std::size_t max_iter = 0;
    std::uint64_t seed = 0;
    std::size_t max_dense_points = 0;
    std::function<void(std::size_t step, double loss)> report;  // may throw to cancel
};

// The n_components eigenpairs of M next above its constant null vector.
NullSpace bottom_eigenvectors(const LleOperator& m, const EigenSettings& settings, ThreadPool& pool);

}  // namespace lle_detail
}  // namespace n2d
