// Symmetric eigensolvers shared by the spectral methods (UMAP's initialisation, spectral
// clustering, Isomap, LLE): a thick-restart Lanczos with full reorthogonalisation for the
// largest eigenpairs of a large operator, and a cyclic Jacobi solver for small dense matrices
// (the Lanczos projections, meta-embeddings, tests).
//
// Both are deterministic and independent of the thread count: dot products are reduced over
// fixed row chunks in a fixed order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace n2d::inline v0 {

class ThreadPool;

// Dense symmetric eigendecomposition of the n × n row-major matrix `a` (only its symmetric
// part is used). Returns eigenvalues ascending in `values` and the matching unit eigenvectors
// as the columns of the row-major n × n `vectors`.
void jacobi_eigen(std::size_t n, std::vector<double> a, std::vector<double>& values, std::vector<double>& vectors);

// y = A x for a symmetric n × n operator A (x, y: n doubles, never aliased).
using SymmetricOperator = std::function<void(const double* x, double* y)>;

struct LanczosOptions {
    std::size_t n_eigen = 1;       // eigenpairs wanted (largest algebraic eigenvalues)
    std::size_t krylov_dim = 0;    // basis size before a restart; 0 = max(2·n_eigen + 1, n_eigen + 40)
    double tol = 1e-6;             // converged when ‖A y - θ y‖ <= tol for every wanted pair
    std::size_t max_matvecs = 0;   // budget of operator applications; 0 = max(2000, 20 · krylov_dim)
    std::uint64_t seed = 0;        // start vector
    // Orthonormal vectors (column-major, n each) whose span is excluded from the search, e.g.
    // a known trivial eigenvector.
    const double* deflate = nullptr;
    std::size_t n_deflate = 0;
};

struct LanczosResult {
    std::vector<double> values;   // n_eigen largest eigenvalues, descending
    std::vector<double> vectors;  // column-major: vector i is vectors[i·n, (i+1)·n)
    std::vector<double> residuals;
    bool converged = false;
    std::size_t matvecs = 0;
};

// Largest algebraic eigenpairs of A restricted to the complement of `deflate`. When the budget
// runs out before `tol` is reached, the best Ritz pairs are returned with converged = false.
LanczosResult lanczos_largest(std::size_t n, const SymmetricOperator& op, const LanczosOptions& options,
                              ThreadPool* pool = nullptr);

}  // namespace n2d
