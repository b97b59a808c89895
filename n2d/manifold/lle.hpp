// Locally Linear Embedding (Roweis & Saul 2000), the "standard" method with scikit-learn 1.2.1
// semantics (LocallyLinearEmbedding): each point is written as an affine combination of its
// n_neighbors nearest neighbours (regularised least squares), and the embedding is the bottom
// n_components eigenvectors of M = (I − W)ᵀ(I − W) after the constant one.
//
// Eigensolver. M's wanted eigenvalues are tiny and clustered (about 1e-9 next to a largest one
// of tens), so plain Krylov methods on M stall. Up to max_dense_points points we factor
// M + εI densely (Cholesky) and run shift-invert Lanczos on it, then a Rayleigh–Ritz step on the
// exact sparse M; scikit-learn does a sparse LU (ARPACK, n_components + 1 < 10) or a dense
// eigh (otherwise). Above max_dense_points the factor would not fit, and we run Lanczos on
// σI − M (σ ≥ λmax(M) by Gershgorin) within max_iter operator applications; when that does not
// reach tol it throws n2d::Error rather than return a poor embedding.
//
// Results are bit-identical at any thread count for a given seed and SIMD target. Eigenvector
// signs are fixed (largest-|·| entry positive); scikit-learn leaves them to the solver.
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/knn/knn.hpp"

namespace n2d::inline v0 {

class ThreadPool;

struct LleOptions {
    std::size_t n_neighbors = 5;   // sklearn's default; the paper passes its UMAP n_neighbors (20)
    std::size_t n_components = 2;
    double reg = 1e-3;             // regularisation of the local Gram matrices (≥ 0)
    double tol = 1e-6;             // eigensolver tolerance, relative to the shift-inverted Ritz values
    std::size_t max_iter = 0;      // eigensolver budget in operator applications; 0 = automatic
    std::uint64_t seed = 0;        // eigensolver start vector
    // Largest n solved with the dense shift-invert factor; it peaks at 1.5 n² doubles (n² while
    // factoring, then a packed copy of the lower triangle): 20000 points take 4.8 GB.
    std::size_t max_dense_points = 20000;
    // Stage "lle", total 0 (unknown): a step after the neighbours, the weights, each block column
    // of the factorisation and each eigensolver operator application; false cancels.
    ProgressCallback progress;
    ThreadPool* pool = nullptr;    // nullptr = default_pool()
};

class LocallyLinearEmbedding {
public:
    explicit LocallyLinearEmbedding(LleOptions options = {});

    // Fits on the rows of x (n × d, finite) and returns the n × n_components embedding.
    // Throws n2d::Error for empty or non-finite input, n_neighbors = 0 or ≥ n, n_components = 0,
    // > d or ≥ n, a non-positive-definite local Gram matrix (reg = 0 with duplicate points), or an
    // eigensolver that does not converge.
    Matrix fit_transform(ConstMatrixView x);
    // New points by barycentric weights of their n_neighbors nearest training points; each row
    // depends on that row only (a training point finds itself, so this is not embedding()).
    // Safe to call from many threads at once.
    Matrix transform(ConstMatrixView x) const;

    const Matrix& embedding() const;
    // scikit-learn's reconstruction_error_: the sum of the kept eigenvalues of M.
    double reconstruction_error() const;
    // Largest eigen-residual ‖M v − λ v‖ of the kept eigenvectors.
    double max_residual() const { return max_residual_; }
    std::size_t input_dim() const;
    bool fitted() const noexcept { return embedding_.rows() > 0; }
    const LleOptions& options() const;

    // Options, the training rows, their KnnIndex and the embedding: what transform needs.
    void save(ByteWriter& out) const;
    static LocallyLinearEmbedding load(ByteReader& in);

private:
    LleOptions options_;
    KnnIndex index_;   // exact, over the training rows
    Matrix train_;     // the training rows (the barycentric weights of transform)
    Matrix embedding_;
    double reconstruction_error_ = 0.0;
    double max_residual_ = 0.0;
};

}  // namespace n2d
