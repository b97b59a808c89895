// k-means with scikit-learn 1.2 semantics (REFERENCE.md §6): greedy k-means++ seeding,
// n_init runs keeping the lowest inertia, Lloyd or Elkan iterations, tolerance relative to the
// mean feature variance, empty clusters relocated to the points farthest from their centres.
//
// Determinism: one seed drives everything (run r draws from Rng(derive_seed(seed, r))). Every
// reduction runs over fixed 256-row chunks whose partial sums are added in chunk order, so a
// fit gives identical centres, labels and inertia with any thread count. Random streams differ
// from NumPy's, so seeded results are not sklearn's bit for bit; given the same initial centres
// (KMeansOptions::initial_centers) the iterations are the same algorithm.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"

namespace n2d::inline v0 {

class ThreadPool;
class Rng;
class Device;

enum class KMeansAlgorithm { lloyd, elkan };
enum class KMeansInit { k_means_plus_plus, random };

struct KMeansOptions {
    std::size_t n_clusters = 8;     // k (sklearn default 8)
    std::size_t n_init = 10;        // independent runs; the lowest inertia wins (the N2D paper's KM uses 20)
    std::size_t max_iter = 300;     // iterations per run
    double tol = 1e-4;              // stop when Σ‖centre shift‖² <= tol · mean feature variance
    KMeansAlgorithm algorithm = KMeansAlgorithm::lloyd;  // elkan: same result, skips distances by bounds
    KMeansInit init = KMeansInit::k_means_plus_plus;      // random: k distinct random samples
    // Explicit starting centres (n_clusters × n_features, input coordinates). Non-empty → one
    // run from these centres (n_init is ignored, as sklearn does for an array init).
    Matrix initial_centers;
    std::uint64_t seed = 0;
    ThreadPool* pool = nullptr;     // nullptr = default_pool()
    ProgressCallback progress;      // stage "kmeans", one step per run; false → n2d::Cancelled
    // Where to run (null: the CPU); not serialised. On a GPU, Lloyd's assignment step runs
    // there (the data uploaded once, the centres each iteration) and the centre update stays on
    // the host in the same chunk order; with a device, algorithm elkan runs as lloyd (same
    // result) and the n_init runs go one after another.
    Device* device = nullptr;
};

class KMeans {
public:
    explicit KMeans(KMeansOptions options = {});

    // Runs n_init times on x (n × d, n >= n_clusters) and keeps the lowest-inertia run.
    KMeans& fit(ConstMatrixView x);
    // Index of the nearest centre of each row (lowest index on ties). predict and transform
    // are safe to call from many threads at once.
    std::vector<int> predict(ConstMatrixView x) const;
    std::vector<int> fit_predict(ConstMatrixView x);
    // Euclidean distance of each row to each centre (n × n_clusters).
    Matrix transform(ConstMatrixView x) const;

    bool fitted() const noexcept { return !centers_.empty(); }
    const KMeansOptions& options() const noexcept { return options_; }
    double inertia() const;                          // Σ squared distance to the assigned centre
    const Matrix& cluster_centers() const;           // n_clusters × d
    const std::vector<int>& labels() const noexcept { return labels_; }  // of the training data
    std::size_t n_iter() const noexcept { return n_iter_; }  // iterations of the best run

    void save(ByteWriter& out) const;
    static KMeans load(ByteReader& in);

private:
    void require_fitted(const char* what) const;
    KMeansOptions options_;
    Matrix centers_;
    std::vector<int> labels_;
    double inertia_ = 0.0;
    std::size_t n_iter_ = 0;
};

// Greedy k-means++ seeding (sklearn _kmeans_plusplus: 2 + ⌊ln k⌋ candidates per step, the one
// lowering the potential most wins). Returns the k chosen row indices of x.
std::vector<std::size_t> kmeans_plusplus(ConstMatrixView x, std::size_t k, Rng& rng, ThreadPool* pool = nullptr);

}  // namespace n2d
