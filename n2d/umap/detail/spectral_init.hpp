// UMAP stage: the initial layout (umap-learn 0.5 semantics, REFERENCE.md §4.8).
//
// spectral_layout: eigenvectors of the symmetric normalised Laplacian L = I − D^-1/2 W D^-1/2
// for the smallest non-trivial eigenvalues, from our own thick-restart Lanczos (n2d/linalg/detail/lanczos.hpp) on
// D^-1/2 W D^-1/2 with the trivial eigenvector sqrt(deg) deflated. Graphs with several
// connected components get umap-learn's multi-component layout: components placed on a
// meta-embedding (±unit axes when there are at most 2·dim components, else a spectral
// embedding of the component centroids), each laid out by its own spectral embedding (or
// uniformly at random when too small) scaled to half the distance to the nearest other
// component. Each eigenvector's sign is fixed (largest-magnitude entry positive), so the
// layout is deterministic and independent of the thread count.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/knn/knn.hpp"
#include "n2d/umap/fuzzy_set.hpp"

namespace n2d::inline v0 {

class ThreadPool;

struct SpectralOptions {
    std::size_t n_components = 2;
    std::uint64_t seed = 0;           // Lanczos start vectors, tiny-component placement
    double tol = 1e-4;                // eigen-residual tolerance (umap-learn's ARPACK tol)
    std::size_t dense_limit = 256;    // (sub)graphs up to this size use the dense Jacobi solver
    std::size_t max_matvecs = 0;      // Lanczos budget per graph; 0 = automatic
    // For the meta-embedding of more than 2·n_components components: the data and metric
    // whose component centroids are embedded. Empty data → ±unit axes are used instead.
    ConstMatrixView data;
    Metric metric = Metric::euclidean;
    float minkowski_p = 2;
    // More components than this: their centroids are placed by principal components instead of
    // the spectral embedding, whose dense affinity takes components² memory (near-duplicate
    // points, e.g. augmented copies, can split a kNN graph into tens of thousands of pieces).
    std::size_t meta_dense_limit = 4096;
};

// Connected components of a symmetric graph, labelled 0, 1, … in order of their smallest vertex.
std::vector<int> connected_components(const SparseGraph& graph, std::size_t& n_components);

// For each of the n points (row-major n × dim), the distance to its nearest point at a positive
// (squared, computed) distance, +inf when there is none: spectral_layout's brute-force
// min over o of sqrt(Σ_j (p_j − o_j)²) with d² > 0, exactly (same sums), found with a kd-tree
// over the distinct points in about n log n instead of n².
std::vector<double> nearest_positive_distances(const std::vector<double>& points, std::size_t n, std::size_t dim,
                                               ThreadPool* pool = nullptr);

// Spectral layout (n × n_components) before scaling. Never fails: a connected graph too small
// for its eigenvectors (n <= n_components + 1) gets uniform(-10, 10) coordinates as umap-learn's
// fallback does; when Lanczos does not reach `tol` within its budget, the best Ritz vectors are
// used (accurate enough for a starting layout). `converged` (optional) reports which happened.
Matrix spectral_layout(const SparseGraph& graph, const SpectralOptions& options, ThreadPool* pool = nullptr,
                       bool* converged = nullptr);

// umap-learn's scaling of a spectral layout: × 10 / max|coord|, plus N(0, 1e-4²) noise.
void noisy_scale(MatrixView layout, std::uint64_t seed);

// Each column linearly mapped to [0, 10] (applied to every init method by umap-learn's fit).
// A constant column becomes 0 (umap-learn divides by zero there).
void rescale_to_box(MatrixView layout);

// Uniform(-10, 10) coordinates.
Matrix random_layout(std::size_t n, std::size_t n_components, std::uint64_t seed);

}  // namespace n2d
