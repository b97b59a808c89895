// Internals of spectral clustering (n2d/cluster/spectral_clustering.hpp): the affinity graphs
// and the spectral embedding, exposed for the tests.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/knn/knn.hpp"
#include "n2d/umap/fuzzy_set.hpp"

namespace n2d::inline v0 {

class ThreadPool;

namespace spectral_detail {

// A − diag A for A = ½(C + Cᵀ), C the kNN connectivity of `knn` (its rows include the point
// itself, which A's diagonal holds and the Laplacian ignores): symmetric CSR, columns ascending,
// weights 1 (mutual neighbours) or 0.5 (one-way).
SparseGraph knn_affinity(const KnnGraph& knn, ThreadPool& pool);

// exp(−gamma ‖x_i − x_j‖²) with a zero diagonal, n × n row-major.
std::vector<double> rbf_affinity(ConstMatrixView x, double gamma, ThreadPool& pool);

struct Embedding {
    Matrix vectors;                 // n × k: u = D^-1/2 x, sign-fixed, ascending Laplacian eigenvalue
    std::size_t n_components = 0;   // connected components of the graph
    bool converged = true;          // eigensolver tolerance reached
};

// Graphs up to this size use the dense Jacobi solver.
inline constexpr std::size_t kDenseEigenLimit = 256;

// The k-column spectral embedding (sklearn spectral_embedding with norm_laplacian true,
// drop_first false) of a sparse symmetric graph without self-loops ...
Embedding spectral_embedding(const SparseGraph& w, std::size_t k, std::uint64_t seed, ThreadPool& pool);
// ... or of a dense one (n × n row-major, zero diagonal; consumed).
Embedding spectral_embedding_dense(std::vector<double> w, std::size_t n, std::size_t k, std::uint64_t seed,
                                   ThreadPool& pool);

}  // namespace spectral_detail
}  // namespace n2d
