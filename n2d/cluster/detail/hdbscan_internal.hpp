// Internals shared by the HDBSCAN files: core distances, the mutual-reachability single-linkage
// tree, and R's cluster-tree extraction (REFERENCE.md §14.7).
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "n2d/core/matrix.hpp"

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
    double s = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
        const double t = a[j] - b[j];
        s += t * t;
    }
    return std::sqrt(s);
}

// The k-th smallest of dist[0, m) (reorders it), 0 for k = 0.
double kth_smallest(double* dist, std::size_t m, std::size_t k);

// Core distance of every point: the min_samples-th nearest point, the point itself counted first.
std::vector<double> core_distances(const HdbscanData& data, std::size_t min_samples, ThreadPool& pool);

// Single-linkage merges, lowest first (an hclust): merge k joins left[k] and right[k], where an id
// below n is a point and id n + j is merge j; size[k] counts its points.
struct MergeTree {
    std::vector<std::size_t> left, right, size;
    std::vector<double> height;
};

// Prim's algorithm on the mutual reachability max(d(a, b), core a, core b), then the stable sort
// and union that R's prims + hclustMergeOrder perform (ties as the public header describes).
MergeTree mutual_reachability_tree(const HdbscanData& data, const std::vector<double>& core, ThreadPool& pool);

struct Extraction {
    std::vector<int> labels;             // 0 … k−1 by first appearance, −1 noise
    std::vector<double> outlier_scores;  // GLOSH
    std::vector<double> cluster_birth;   // per label: the height at which the cluster was born
};

// R's computeStability + FOSC (extractUnsupervised) + getSalientAssignments + GLOSH.
Extraction extract_clusters(const MergeTree& tree, std::size_t min_cluster_size);

}  // namespace n2d::detail
