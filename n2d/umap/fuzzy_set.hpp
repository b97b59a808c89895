// UMAP stage 1: the fuzzy simplicial set of a kNN graph (umap-learn 0.5 semantics,
// REFERENCE.md §4.3–4.5): per-point ρ and σ (smooth_knn_dist), membership strengths, and
// the symmetric fuzzy union weighted by set_op_mix_ratio.
//
// Every function here is deterministic and independent of the thread count: rows are
// processed independently and reductions run in a fixed order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace n2d::inline v0 {

class ThreadPool;

// A sparse n_rows × n_cols matrix in CSR form; column indices ascending within each row.
struct SparseGraph {
    std::size_t n_rows = 0;
    std::size_t n_cols = 0;
    std::vector<std::size_t> indptr;    // n_rows + 1 offsets into indices/weights
    std::vector<std::int32_t> indices;  // column of each entry
    std::vector<float> weights;         // membership strength of each entry (> 0)

    std::size_t nnz() const noexcept { return indices.size(); }
    std::size_t row_begin(std::size_t i) const noexcept { return indptr[i]; }
    std::size_t row_end(std::size_t i) const noexcept { return indptr[i + 1]; }
};

// umap-learn's constants.
inline constexpr float kSmoothKTolerance = 1e-5f;
inline constexpr float kMinKDistScale = 1e-3f;

struct SmoothKnnOptions {
    float n_neighbors = 15;          // k in target = log2(k) * bandwidth (umap-learn passes float(n_neighbors))
    float local_connectivity = 1;    // neighbours assumed connected; the fractional part interpolates ρ
    float bandwidth = 1;
    std::size_t n_iter = 64;         // bisection steps
    // umap-learn floors σ of a row with ρ = 0 at 1e-3 · (mean of ALL distances of the call).
    // true: use the row's own mean instead, so a row's σ never depends on the other rows
    // (transform's batch independence).
    bool row_local_floor = false;
};

// σ (normalisation) and ρ (distance to the local_connectivity-th positive neighbour) per row.
struct SmoothKnnResult {
    std::vector<float> sigmas;
    std::vector<float> rhos;
};

// `distances` is n × k row-major, each row ascending with column 0 the point itself (or, for
// transform, its nearest training point — skipped in the σ search exactly as umap-learn does).
// Infinite distances (cut edges) are allowed. Throws n2d::Error on NaN or negative distances.
SmoothKnnResult smooth_knn_dist(const float* distances, std::size_t n, std::size_t k,
                                const SmoothKnnOptions& options, ThreadPool* pool = nullptr);

// The directed membership graph A (n × n_cols): entry (i, indices[i,j]) = exp(-(d_ij - ρ_i)/σ_i),
// or 1 where d_ij <= ρ_i or σ_i == 0. Negative indices are skipped; `bipartite` false drops the
// self edge (i, i) as fit does, true keeps it (transform: rows are new points, columns training
// points). Zeros are dropped; duplicate (row, column) pairs are summed as scipy does.
SparseGraph membership_graph(const std::int32_t* indices, const float* distances, std::size_t n,
                             std::size_t k, std::size_t n_cols, const SmoothKnnResult& sr, bool bipartite);

// The transpose of a CSR matrix (columns stay sorted).
SparseGraph transpose(const SparseGraph& a);

// Fuzzy set union/intersection mix: mix*(A + Aᵀ - A∘Aᵀ) + (1 - mix)*(A∘Aᵀ). Square A only; the
// result is symmetric, zeros removed.
SparseGraph symmetrize(const SparseGraph& a, float set_op_mix_ratio);

// Convenience: smooth_knn_dist + membership_graph + symmetrize for fit.
SparseGraph fuzzy_simplicial_set(const std::int32_t* indices, const float* distances, std::size_t n,
                                 std::size_t k, const SmoothKnnOptions& options, float set_op_mix_ratio,
                                 ThreadPool* pool = nullptr);

}  // namespace n2d
