// Internals shared by the HDBSCAN files: core distances, the mutual-reachability single-linkage
// tree, and R's cluster-tree extraction (REFERENCE.md §14.7).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/linalg/detail/kd_tree.hpp"
#include "n2d/linalg/detail/squared_distance.hpp"

namespace n2d::inline v0 {
class ThreadPool;
}

namespace n2d::inline v0::detail {

// Rows per parallel chunk: fixed so the result does not depend on the thread count.
inline constexpr std::size_t kHdbscanChunk = 512;

// Row-major n × d copy of the data in double (every distance is computed in double, as R's).
struct HdbscanData {
    std::vector<double> x;
    std::size_t n = 0, d = 0;
    const double* row(std::size_t i) const noexcept { return x.data() + i * d; }
};
HdbscanData to_double(ConstMatrixView x);

inline double euclidean(const double* a, const double* b, std::size_t d) noexcept {
    return std::sqrt(squared_euclidean(a, b, d));
}

// The k-th smallest of a stream of values, in a caller-owned buffer of k doubles: a bounded
// max-heap (O(log k) per value that enters, O(1) for the rest), so no row of n distances is
// kept or reordered. kth() is 0 for k = 0 and +inf until k values were pushed.
class KthSmallest {
public:
    KthSmallest(double* heap, std::size_t k) noexcept : heap_(heap), k_(k) {}
    void push(double v) noexcept {
        if (size_ < k_) {
            heap_[size_++] = v;
            std::push_heap(heap_, heap_ + size_);
        } else if (k_ > 0 && v < heap_[0]) {
            std::pop_heap(heap_, heap_ + k_);
            heap_[k_ - 1] = v;
            std::push_heap(heap_, heap_ + k_);
        }
    }
    double kth() const noexcept {
        return k_ == 0 ? 0.0 : size_ < k_ ? std::numeric_limits<double>::infinity() : heap_[0];
    }

private:
    double* heap_;
    std::size_t k_, size_ = 0;
};

// HDBSCAN's kd-tree over all the points (linalg/detail/kd_tree.hpp).
KdTree hdbscan_kdtree(const HdbscanData& data);

// The kd-tree pays for itself where its boxes prune: few dimensions and enough points.
bool hdbscan_use_kdtree(std::size_t n, std::size_t d) noexcept;

// Whether Prim should search the kd-tree, given how many distances the core-distance searches
// computed (see core_distances_kdtree).
bool hdbscan_prim_by_kdtree(std::size_t n, std::size_t knn_distances) noexcept;

// Core distance of every point: the min_samples-th nearest point, the point itself counted first.
// tree: nullptr scans all pairs, else searches it (identical values; distances, if given,
// receives how many the searches computed).
std::vector<double> core_distances(const HdbscanData& data, std::size_t min_samples, const KdTree* tree,
                                   ThreadPool& pool, std::size_t* distances = nullptr);
// distances (optional): how many the searches computed, a measure of how well the tree prunes.
std::vector<double> core_distances_kdtree(const KdTree& tree, std::size_t min_samples, ThreadPool& pool,
                                          std::size_t* distances = nullptr);

// Prim from vertex 0 on the mutual reachability max(d(a, b), core a, core b), the lowest index
// winning equal keys: edge s joins (vertex added at step s + 1, vertex added at step s).
struct PrimChain {
    std::vector<std::size_t> added, previous;
    std::vector<double> weight;
};
// Every key updated by a scan of all points per step (O(n²) distances).
PrimChain prim_chain_scan(const HdbscanData& data, const std::vector<double>& core, ThreadPool& pool);
// The same chain, bit for bit: each tree vertex keeps its nearest outside vertices (mutual
// reachability, then index) from a kd-tree search, in a heap ordered as Prim's keys; a vertex
// whose nearest were all taken searches again when it reaches the top. Inputs with many equal
// keys (duplicates) can make these searches outgrow a scan: once the nodes opened and
// distances computed exceed max_work it gives up (nullopt).
std::optional<PrimChain> prim_chain_kdtree(const KdTree& tree, const std::vector<double>& core,
                                           std::size_t max_work);

// Single-linkage merges, lowest first (an hclust): merge k joins left[k] and right[k], where an id
// below n is a point and id n + j is merge j; size[k] counts its points.
struct MergeTree {
    std::vector<std::size_t> left, right, size;
    std::vector<double> height;
};

// Prim's algorithm on the mutual reachability (by the kd-tree when given, else by scans), then
// the stable sort and union that R's prims + hclustMergeOrder perform (ties as the public header
// describes).
MergeTree mutual_reachability_tree(const HdbscanData& data, const std::vector<double>& core, const KdTree* tree,
                                   ThreadPool& pool);
// The merges of a Prim chain over n points.
MergeTree merge_tree_of(const PrimChain& chain, std::size_t n);

struct Extraction {
    std::vector<int> labels;             // 0 … k−1 by first appearance, −1 noise
    std::vector<double> outlier_scores;  // GLOSH
    std::vector<double> cluster_birth;   // per label: the height at which the cluster was born
};

// R's computeStability + FOSC (extractUnsupervised) + getSalientAssignments + GLOSH.
Extraction extract_clusters(const MergeTree& tree, std::size_t min_cluster_size);

}  // namespace n2d::detail
