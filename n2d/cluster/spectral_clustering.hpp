// Spectral clustering with scikit-learn 1.2.1 semantics (REFERENCE.md §13): an affinity graph,
// the spectral embedding of its normalised Laplacian (norm_laplacian true, drop_first false),
// then k-means with n_init runs on the embedding.
//
// Affinities. nearest_neighbors: A = ½(C + Cᵀ), C the exact k-nearest-neighbour connectivity
// with each point counted among its own n_neighbors (sklearn's kneighbors_graph with
// include_self true), so A is sparse with entries 1 (mutual) and ½ (one-way). rbf: the dense
// A_ij = exp(−gamma ‖x_i − x_j‖²), limited to SpectralClustering::kRbfMaxPoints points (it
// stores n² doubles and every eigensolver step reads them all); use nearest_neighbors for more.
//
// Embedding. The n_clusters eigenvectors of L = I − D^-1/2 (A − diag A) D^-1/2 for its smallest
// eigenvalues (the largest of M = D^-1/2 (A − diag A) D^-1/2, from our thick-restart Lanczos, or
// the dense Jacobi solver on small graphs), divided by sqrt(degree) and sign-fixed (largest
// |entry| positive), the columns in ascending order of the Laplacian eigenvalue. On each
// connected component the eigenvector for eigenvalue 0 is known exactly (sqrt(degree) on the
// component), so those are deflated and the solver looks only for the rest.
//
// Disconnected graphs. sklearn only warns ("Graph is not fully connected"); so do we, through
// n_graph_components() and the second progress report (its `loss` is the component count). The
// eigenvalue 0 then has one eigenvector per component and any basis of that space is as
// valid as another (sklearn's comes from ARPACK's start vector): we use the component
// indicators, largest components first. With at least n_clusters components the embedding is
// the indicators of the n_clusters largest ones, so k-means separates those components and the
// remaining smaller ones share the label of the cluster at the origin. Results are always finite
// and deterministic.
//
// Differences from sklearn (besides random streams, which make seeded k-means results
// library-specific): n_neighbors = 1 is refused (each point is connected only to itself, so the
// graph has no edges and sklearn's result is arbitrary); n_clusters must be below the number of
// points, as in sklearn's ARPACK path.
//
// Reproducibility: one seed drives the eigensolver start vector and k-means; every reduction
// runs over fixed chunks in a fixed order, so fits are bit-identical at any thread count.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/knn/knn.hpp"

namespace n2d::inline v0 {

class ThreadPool;

enum class SpectralAffinity { nearest_neighbors, rbf };

struct SpectralClusteringOptions {
    std::size_t n_clusters = 8;
    SpectralAffinity affinity = SpectralAffinity::nearest_neighbors;  // sklearn's default is rbf
    std::size_t n_neighbors = 10;   // nearest_neighbors: kNN connectivity, the point itself included;
                                    // both affinities: the voters of predict()
    double gamma = 1.0;             // rbf: exp(-gamma ‖x − y‖²), dense n × n: small n only
    // The kNN graph (nearest_neighbors) and predict's index: exact as sklearn's; automatic or
    // nn_descent trade an approximate graph for speed on large n (the exact search dominates
    // the fit from a few tens of thousands of points on).
    KnnMethod knn_method = KnnMethod::exact;
    std::size_t n_init = 10;        // k-means runs on the spectral embedding
    std::uint64_t seed = 0;         // eigensolver start vector and k-means
    // Stage "spectral": step 1 the affinity graph, step 2 the embedding (loss = the graph's
    // connected components), then one step per k-means run (loss = its inertia); false →
    // n2d::Cancelled.
    ProgressCallback progress;
    ThreadPool* pool = nullptr;     // nullptr = default_pool()
};

class SpectralClustering {
public:
    // rbf's dense affinity holds n² doubles (200 MB at this size).
    static constexpr std::size_t kRbfMaxPoints = 5000;

    explicit SpectralClustering(SpectralClusteringOptions options = {});

    // x: n × d finite values, n >= 2, n_clusters < n; nearest_neighbors: 2 <= n_neighbors <= n.
    SpectralClustering& fit(ConstMatrixView x);
    std::vector<int> fit_predict(ConstMatrixView x);
    const std::vector<int>& labels() const;   // the fit's labels, 0 … n_clusters − 1
    // n × n_clusters spectral embedding (u = D^-1/2 x, sign-fixed) of the fit; not saved, so a
    // loaded model has none (throws).
    const Matrix& embedding() const;
    // New points (sklearn has no predict): each gets the majority label of its n_neighbors
    // nearest fitted points (ties → the label met first in order of distance). This is an
    // approximation: the fit's labels come from the graph of all points, not from votes.
    // predict and predict_proba are safe to call from many threads at once.
    std::vector<int> predict(ConstMatrixView x) const;
    Matrix predict_proba(ConstMatrixView x) const;  // the vote fractions (n × n_clusters), rows sum to 1

    bool fitted() const noexcept { return !labels_.empty(); }
    std::size_t n_clusters() const noexcept { return options_.n_clusters; }
    std::size_t input_dim() const;
    const SpectralClusteringOptions& options() const noexcept { return options_; }
    // Connected components of the fit's affinity graph (> 1: sklearn's "not fully connected").
    std::size_t n_graph_components() const noexcept { return n_components_; }
    // Whether the eigensolver reached its tolerance (else its best Ritz vectors were used).
    bool eigen_converged() const noexcept { return converged_; }

    // What predict needs: the options, the labels and the kNN index over the fitted points.
    void save(ByteWriter& out) const;
    static SpectralClustering load(ByteReader& in);

private:
    void require_fitted(const char* what) const;
    std::vector<std::int32_t> neighbours(ConstMatrixView x, std::size_t& k) const;

    SpectralClusteringOptions options_;
    std::vector<int> labels_;
    Matrix embedding_;
    KnnIndex index_;
    std::size_t n_components_ = 0;
    bool converged_ = true;
};

}  // namespace n2d
