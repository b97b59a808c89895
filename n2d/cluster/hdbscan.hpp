// HDBSCAN (Campello, Moulavi, Sander 2013) with the semantics of R's dbscan::hdbscan 1.1-11
// (REFERENCE.md §14.1, §14.7): core distances counting the point itself, mutual-reachability
// MST by Prim's algorithm, R's cluster tree (an undersized part stays in its cluster and its
// points leave one by one), excess-of-mass (FOSC) selection, GLOSH outlier scores and R's
// core-distance membership probabilities. Noise is labelled -1 (R uses 0).
//
// Parameters. R has one, minPts, for both the core neighbourhood and the minimum cluster size;
// min_samples = min_cluster_size = minPts reproduces dbscan::hdbscan(x, minPts). Python's
// hdbscan counts the core neighbourhood without the point: its min_samples = m is our m + 1.
//
// Ties are broken as R does, so equal distances (duplicates, grids) give R's tree: Prim starts at
// point 0 and takes the lowest index among equal keys, MST edges are sorted stably by weight,
// and each edge joins (newly added vertex, previously added vertex) — R 1.1-11's "Prim chain",
// whose single-linkage partitions equal the true MST's at every level.
//
// Cost: O(n² d) time at worst, O(n) memory besides the kept copy of the data (distances are
// recomputed, never stored). All arithmetic is in double, core distances included (exact
// searches rather than build_knn, whose float32 distances would round apart or together values R
// sees as ties). Up to 16 dimensions a kd-tree finds the core distances, and Prim's nearest
// outside points where it prunes well (low intrinsic dimension, as a UMAP manifold); elsewhere
// both scan all pairs. Both ways compute the same distances and break ties the same way, so the
// result does not depend on the path, nor on the thread count (scans split rows into fixed chunks).
#pragma once
#include <cstddef>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"

namespace n2d::inline v0 {

class ThreadPool;

struct HdbscanOptions {
    // Smallest cluster: a split counts only when both parts have at least this many points (>= 2).
    std::size_t min_cluster_size = 5;
    // Core distance = distance to the min_samples-th nearest point, the point itself counted
    // first (1 = plain distances). 0 = min_cluster_size, as R's single minPts.
    std::size_t min_samples = 0;
    ThreadPool* pool = nullptr;  // nullptr = default_pool()
    // Stage "hdbscan": steps 1 core distances, 2 spanning tree, 3 clusters (of 3; loss NaN);
    // false cancels with n2d::Cancelled. Not saved.
    ProgressCallback progress;
};

class Hdbscan {
public:
    explicit Hdbscan(HdbscanOptions options = {});

    // Clusters x (n × d, finite, n >= min_samples). Keeps a copy of x for predict. A fit that
    // throws (bad input, n2d::Cancelled) leaves this object as it was before the call.
    Hdbscan& fit(ConstMatrixView x);
    std::vector<int> fit_predict(ConstMatrixView x);

    // New points, in the spirit of hdbscan's approximate_predict: the training point with the
    // smallest mutual reachability to x (core(x) from the training points, x counted first;
    // lowest index on ties) lends its cluster if that distance is within the cluster's life
    // (<= the distance at which the cluster was born), else -1. Noise neighbours give -1.
    // predict and predict_proba are const and safe to call from many threads at once.
    std::vector<int> predict(ConstMatrixView x) const;
    // n × n_clusters: row i holds its membership probability (R's formula, the core distance
    // of the new point against the cluster's largest, clipped to [0, 1]) in the column of its
    // predicted cluster and zeros elsewhere; noise rows are all zero, so rows do not sum to 1.
    Matrix predict_proba(ConstMatrixView x) const;

    bool fitted() const noexcept { return fitted_; }
    const HdbscanOptions& options() const noexcept { return options_; }
    std::size_t min_samples() const noexcept;
    std::size_t n_clusters() const noexcept { return cluster_birth_.size(); }
    // Of the training data: labels 0 … k−1 numbered by first appearance, noise −1.
    const std::vector<int>& labels() const noexcept { return labels_; }
    // R's membership_prob: (max core − core)/max core over the point's cluster (1 where that
    // max is 0, R's 0/0); noise 0.
    const std::vector<double>& probabilities() const noexcept { return probabilities_; }
    // GLOSH: 1 − eps_max/eps_point (R's convention, 0 where 0/0).
    const std::vector<double>& outlier_scores() const noexcept { return outlier_scores_; }
    const std::vector<double>& core_distances() const noexcept { return core_; }

    void save(ByteWriter& out) const;
    static Hdbscan load(ByteReader& in);

private:
    void require_fitted(const char* what) const;
    void fit_fresh(ConstMatrixView x);  // fits this freshly constructed object in place
    // Nearest training point of one row by mutual reachability, its mr and the row's core distance.
    struct Neighbour { std::size_t index; double mr, core; };
    Neighbour nearest(const float* q, std::vector<double>& scratch) const;
    void assign(ConstMatrixView x, std::vector<int>& labels, std::vector<double>& probs) const;

    HdbscanOptions options_;
    bool fitted_ = false;
    Matrix data_;                          // training points (for predict)
    std::vector<double> core_;             // core distance per training point
    std::vector<int> labels_;
    std::vector<double> probabilities_, outlier_scores_;
    std::vector<double> cluster_birth_;    // distance at which each selected cluster was born
    std::vector<double> cluster_max_core_; // largest core distance among each cluster's members
};

}  // namespace n2d
