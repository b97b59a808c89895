// t-SNE internals, one stage per source file: affinities (tsne_affinities.cpp), the exact
// objective (tsne_exact.cpp), the Barnes–Hut tree and objective (tsne_bh.cpp), the initial
// layout (tsne_init.cpp) and the two-phase optimiser (tsne_optimize.cpp). Exposed for the tests
// and the golden comparison (e.g. optimising from a given P and a given initial layout).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/knn/knn.hpp"
#include "n2d/manifold/tsne.hpp"

namespace n2d::inline v0 {

class ThreadPool;

namespace tsne_detail {

// Symmetric joint probabilities in CSR form (Barnes–Hut): row i holds p_ij for the union of i's
// neighbours and the points that have i as a neighbour, columns ascending; Σ all values = 1.
struct SparseP {
    std::size_t n = 0;
    std::vector<std::size_t> indptr;    // n + 1
    std::vector<std::int32_t> indices;  // column of each value
    std::vector<float> values;
};

// Dense joint probabilities (exact method): n × n row-major, zero diagonal, off-diagonal
// entries floored at DBL_EPSILON as sklearn's condensed P; Σ_{i≠j} p_ij = 1 up to the floor.
struct DenseP {
    std::size_t n = 0;
    std::vector<double> values;
};

// Conditional probabilities p_{j|i} for each of n rows of k squared distances (row-major),
// each row's precision found by sklearn's binary search on the entropy (ln perplexity, 100
// steps at most, tolerance 1e-5, double arithmetic). skip_diagonal: the rows are full n × n
// distance rows and column i of row i is left out (and set to 0).
std::vector<double> conditional_probabilities(const float* sqdist, std::size_t n, std::size_t k, double perplexity,
                                             bool skip_diagonal, ThreadPool& pool);

// P from a kNN graph (self excluded; euclidean distances, squared here in float32 as sklearn):
// conditional probabilities per row, then (C + Cᵀ) / Σ.
SparseP joint_probabilities_knn(const KnnGraph& graph, double perplexity, ThreadPool& pool);
// P from data: the exact k = min(n − 1, ⌊3·perplexity + 1⌋) nearest neighbours, then as above.
// `progress` (may be empty) gets the kNN stage's reports.
SparseP joint_probabilities_knn(ConstMatrixView x, double perplexity, ThreadPool& pool,
                                const ProgressCallback& progress = {});
// P over all pairs (exact method): squared euclidean distances (float32), conditional
// probabilities, (C + Cᵀ) / max(Σ, eps) floored at eps. At most kExactMaxPoints points.
constexpr std::size_t kExactMaxPoints = 20000;
DenseP joint_probabilities_exact(ConstMatrixView x, double perplexity, ThreadPool& pool);

// Reusable buffers of the Barnes–Hut objective (the tree's node arrays, permutation, partial
// sums): allocated on the first call, reused by later ones.
// A cell of the Barnes–Hut tree, stored in depth-first preorder (children in index order), so
// a traversal needs no stack: descend to k + 1, or skip the subtree to `next`.
struct BhNode {
    float c[3];          // barycentre (first dim entries used)
    float w2;            // squared largest cell width; -1 marks a leaf
    float count;         // points in the cell
    std::uint32_t next;  // preorder index just past this cell's subtree
};

struct BhWorkspace {
    std::vector<BhNode> nodes;
    std::vector<std::uint32_t> perm, scratch;
    std::vector<double> neg;             // n × dim negative forces (unnormalised)
    std::vector<double> chunk_z, chunk_error;
};

// Builds the Barnes–Hut tree of `y` (contiguous, 1 to 3 columns) into ws.nodes / ws.perm
// (perm: the points in leaf order). Called by bh_gradient; exposed for tests.
void build_bh_tree(ConstMatrixView y, BhWorkspace& ws);

// Barnes–Hut KL gradient of `y` (n × dim, dim in 1..3) into `grad` (n × dim), P multiplied by
// `exaggeration`; returns the KL divergence when compute_error, else NaN.
double bh_gradient(const SparseP& p, float exaggeration, ConstMatrixView y, float theta, bool compute_error,
                   float* grad, BhWorkspace& ws, ThreadPool& pool);
// Exact KL gradient (any dim), P multiplied by `exaggeration`; returns the KL divergence when
// compute_error, else NaN (sklearn always computes it; only the checks read it).
double exact_gradient(const DenseP& p, double exaggeration, ConstMatrixView y, bool compute_error, float* grad,
                      ThreadPool& pool);

// Initial layouts as sklearn's init="pca" (exact principal components, sign-fixed, scaled so
// column 0 has std 1e-4) and init="random" (1e-4 · N(0, 1) from `seed`).
Matrix pca_layout(ConstMatrixView x, std::size_t n_components, ThreadPool& pool);
Matrix random_layout(std::size_t n, std::size_t n_components, std::uint64_t seed);

struct OptimizeResult {
    double kl_divergence = 0;
    std::size_t n_iter = 0;
};

// Two-phase gradient descent (sklearn's _tsne) of `y` in place from the given affinities:
// `sparse` non-null → Barnes–Hut, else `dense` → exact. learning_rate must already be resolved
// (> 0). Reports progress and honours cancellation.
OptimizeResult optimize(const SparseP* sparse, const DenseP* dense, Matrix& y, const TsneOptions& options,
                        double learning_rate, ThreadPool& pool);

// sklearn's "auto" learning rate max(n / early_exaggeration / 4, 50), or the option when set.
double resolve_learning_rate(const TsneOptions& options, std::size_t n);

}  // namespace tsne_detail
}  // namespace n2d
