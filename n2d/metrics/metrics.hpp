// Clustering quality metrics with scikit-learn 1.2 semantics (cluster accuracy as the N2D
// paper computes it). Supervised scores work on a sparse contingency table: O(n log n) time
// and O(n + cells) memory. Labels may be any integers (re-encoded internally) except for
// cluster_accuracy, which needs non-negative ids because its mapping is indexed by them.
// All logarithms are natural (nats).
//
// Noise (label -1, as HDBSCAN predicts). NMI, AMI, ARI and silhouette treat -1 as one more
// cluster (as sklearn does with any label): noise points are "together" with each other. cluster_accuracy
// treats predicted -1 as never matching a class: noise points count in n but are never correct,
// so labelling points noise can only lower the accuracy.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "n2d/core/matrix.hpp"

namespace n2d::inline v0 {

class ThreadPool;

// How NMI/AMI normalise the mutual information by the two entropies.
enum class NmiAverage { arithmetic, geometric, min, max };

struct ClusterAccuracy {
    double accuracy = 0.0;
    // mapping[c] = the class id matched to cluster id c by the best one-to-one assignment, or -1
    // when cluster c is matched to no class (more clusters than classes, or c never predicted).
    // Size: max(pred) + 1.
    std::vector<int> mapping;
};

// Best one-to-one mapping of clusters to classes (Hungarian algorithm, maximising matched
// samples); accuracy = matched / n. Works for different numbers of clusters and classes.
// pred = -1 is noise: left out of the matching, counted in n (never correct).
// Throws n2d::Error for negative truth ids, pred below -1, unequal lengths or empty input.
ClusterAccuracy cluster_accuracy(const std::vector<int>& truth, const std::vector<int>& pred);

// Entropy of a labelling (sklearn: 1.0 for empty input, 0.0 for one label).
double label_entropy(const std::vector<int>& labels);
// Mutual information (sklearn mutual_info_score).
double mutual_info(const std::vector<int>& truth, const std::vector<int>& pred);
// Normalised mutual information (sklearn normalized_mutual_info_score; default arithmetic).
double nmi(const std::vector<int>& truth, const std::vector<int>& pred, NmiAverage avg = NmiAverage::arithmetic);
// Adjusted Rand index (sklearn adjusted_rand_score; exact 128-bit pair counts).
double ari(const std::vector<int>& truth, const std::vector<int>& pred);
// Adjusted mutual information (sklearn adjusted_mutual_info_score, hypergeometric expectation).
double ami(const std::vector<int>& truth, const std::vector<int>& pred, NmiAverage avg = NmiAverage::arithmetic);

// Optimal assignment of a rows × cols cost matrix (row-major, any shape): returns for each
// row the column assigned to it, or -1 for rows left unassigned when rows > cols. Minimises
// the total cost, or maximises it when `maximize`. O(min² · max) time.
std::vector<int> linear_sum_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols,
                                       bool maximize = false);

struct SilhouetteOptions {
    // Score a random subsample of this many points (sklearn silhouette_score sample_size);
    // nullopt = all points (exact, O(n² d)).
    std::optional<std::size_t> sample_size;
    std::uint64_t seed = 0;       // drives the subsample
    ThreadPool* pool = nullptr;   // nullptr = default_pool()
};

// Per-sample silhouette coefficients with Euclidean distances (computed in double; singletons
// score 0). Needs 2 <= distinct labels <= n - 1. Deterministic at any thread count.
std::vector<double> silhouette_samples(ConstMatrixView x, const std::vector<int>& labels, ThreadPool* pool = nullptr);
// Mean silhouette coefficient (sklearn silhouette_score), exact or on a seeded subsample.
double silhouette(ConstMatrixView x, const std::vector<int>& labels, const SilhouetteOptions& options = {});

// Trustworthiness of an embedding (sklearn.manifold.trustworthiness, Euclidean): how well the
// k nearest neighbours in `low` are neighbours in `high`. Needs k < n / 2. O(n² (d_high +
// d_low)) time, O(n) memory per thread; distance ties are resolved in favour of the neighbour.
double trustworthiness(ConstMatrixView high, ConstMatrixView low, std::size_t k = 5, ThreadPool* pool = nullptr);

// Orthogonal Procrustes between two embeddings A and B (n × k) of the same points: the
// orthogonal k × k matrix R (row-major, doubles) minimising ‖A R − B‖_F (scipy.linalg.
// orthogonal_procrustes). Nothing is centred or scaled, unlike scipy.spatial.procrustes, so
// embeddings defined only up to rotation and reflection (Isomap, LLE, spectral) compare as is.
// Throws n2d::Error for empty, non-finite or differently shaped inputs.
std::vector<double> procrustes_rotation(ConstMatrixView a, ConstMatrixView b);
// ‖A R − B‖_F / ‖B‖_F with R = procrustes_rotation(a, b): 0 when A is B rotated or reflected.
double procrustes_residual(ConstMatrixView a, ConstMatrixView b);
// The same with a given k × k `rotation`, e.g. one fitted on training points applied to
// held-out points, or the identity. Throws n2d::Error when B is all zeros.
double procrustes_residual(ConstMatrixView a, ConstMatrixView b, const std::vector<double>& rotation);

}  // namespace n2d
