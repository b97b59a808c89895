// The symmetric normalised adjacency M = D^-1/2 W D^-1/2 of a sparse symmetric graph W, shared
// by the spectral methods that need the smallest eigenvectors of the normalised Laplacian
// L = I − M (UMAP's spectral initialisation, spectral clustering): they run Lanczos on M for its
// largest eigenvalues. The degree d_i is the row sum of W, so W must not hold self-loops when
// they are to be ignored (as scipy's laplacian ignores them); isolated vertices get 1/sqrt(d) = 0.
//
// The product is parallel over fixed row chunks, each row summed in CSR order: results are
// identical at any thread count.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/linalg/detail/lanczos.hpp"

namespace n2d::inline v0 {

class ThreadPool;

// A read-only n × n CSR matrix (column indices of a row in any fixed order).
struct CsrView {
    std::size_t n = 0;
    const std::size_t* indptr = nullptr;    // n + 1 offsets
    const std::int32_t* indices = nullptr;  // column of each entry
    const float* weights = nullptr;         // value of each entry
};

class NormalizedAdjacency {
public:
    explicit NormalizedAdjacency(const CsrView& w);

    std::size_t size() const noexcept { return n_; }
    // sqrt(d_i) (0 for an isolated vertex): the eigenvector of M for eigenvalue 1 on each
    // connected component, up to normalisation.
    const std::vector<double>& sqrt_degree() const noexcept { return sqrt_deg_; }
    // M as a dense row-major n × n matrix (small graphs: the Jacobi solver).
    std::vector<double> dense() const;
    // y = M x (x and y never aliased).
    void apply(const double* x, double* y, ThreadPool& pool) const;
    // The product as a Lanczos operator; it refers to this object and to `pool`.
    SymmetricOperator op(ThreadPool& pool) const;

private:
    std::size_t n_;
    const std::size_t* indptr_;
    const std::int32_t* indices_;
    std::vector<double> sqrt_deg_, weights_;  // weights_: w_ij / sqrt(d_i d_j) per CSR entry
};

// Makes each of the `count` column-major n-vectors in `cols` have its largest-magnitude entry
// (the first one on ties) positive: sklearn's deterministic sign flip of eigenvectors.
void fix_eigenvector_signs(double* cols, std::size_t n, std::size_t count);

}  // namespace n2d
