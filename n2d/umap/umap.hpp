// UMAP (McInnes, Healy & Melville 2018) with umap-learn 0.5 semantics — N2D's manifold learner.
// Stages, one header each: fuzzy_set.hpp (smooth_knn_dist, membership strengths, fuzzy union),
// find_ab.hpp (curve fit), spectral_init.hpp (+ n2d/linalg/detail/lanczos.hpp), optimize_layout.hpp (SGD).
//
// Reproducibility contract. With a given seed, input, SIMD target (N2D_SIMD) and build, fit,
// fit_transform and transform return bit-identical results at ANY thread count and on every
// run: the kNN graph is thread-count independent (knn.hpp), the fuzzy set and the spectral
// initialisation reduce in a fixed order, and the SGD runs vertex-disjoint edge groups (fixed
// index blocks, paired round-robin) concurrently, with negatives read from a per-epoch snapshot
// and drawn from streams derived from (seed, epoch, group) (optimize_layout.hpp). Unlike
// umap-learn, a seed does not force a single thread.
//
// transform is batch-independent: a point's coordinates depend only on that point and the
// fitted model, never on the other rows of the call (transforming a set at once equals
// transforming each point alone, bit for bit). To get there it differs from umap-learn in
// three batch-wide quantities, made per point: σ's floor uses the point's own mean distance;
// edge pruning and sampling periods use the point's own largest weight; the epoch count is
// 100 (or n_epochs / 3 when n_epochs is set) for every batch size (umap-learn: 30 above 10000
// points). Negatives come from a stream seeded by (transform_seed, hash of the point).
//
// Other deliberate differences: vertices left without edges keep their initial position
// (umap-learn sets them to NaN); transform optimises every row, also when given the training
// matrix itself (umap-learn then returns embedding_); a spectral solve that misses its
// tolerance uses its best Ritz vectors instead of umap-learn's random fallback; in fit, an
// edge sample's attraction and its negative samples are all evaluated at the head's position
// before that sample and applied together (umap-learn moves the head after each force) — the
// forces are then computed eight at a time by a vectorised kernel. The layout depends on
// sgd_blocks (never on the thread count).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/knn/knn.hpp"
#include "n2d/umap/fuzzy_set.hpp"

namespace n2d::inline v0 {

class ThreadPool;
class Device;

enum class UmapInit {
    spectral,  // eigenvectors of the normalised graph Laplacian (umap-learn's default)
    random,    // uniform(-10, 10)
    user,      // UmapOptions::init_embedding
};

struct UmapOptions {
    std::size_t n_neighbors = 15;        // neighbours per point, the point itself included; >= 2
    std::size_t n_components = 2;        // embedding dimension; >= 1
    float min_dist = 0.1f;               // 0 <= min_dist <= spread
    float spread = 1.0f;
    Metric metric = Metric::euclidean;   // input-space metric (kNN and component centroids)
    float minkowski_p = 2;               // for Metric::minkowski
    UmapInit init = UmapInit::spectral;
    Matrix init_embedding;               // n × n_components, used when init == UmapInit::user
    float local_connectivity = 1;        // neighbours assumed connected (fractional allowed)
    float set_op_mix_ratio = 1;          // 1 = fuzzy union, 0 = fuzzy intersection
    float negative_sample_rate = 5;      // at most 1000
    float repulsion_strength = 1;        // γ
    float learning_rate = 1;             // initial SGD step α0 (transform uses α0 / 4)
    std::optional<std::size_t> n_epochs; // unset: 500 when n <= 10000, else 200; at most 10^6
    std::optional<float> a, b;           // curve parameters; unset (either): fitted from min_dist, spread
    std::uint64_t seed = 0;              // drives kNN, initialisation and SGD
    std::uint64_t transform_seed = 42;   // drives transform's negative sampling
    KnnMethod knn_method = KnnMethod::automatic;  // exact below 4096 points, NN-descent above
    float transform_epsilon = 0.12f;     // query search breadth for transform (umap-learn's 0.12)
    std::size_t sgd_blocks = 16;         // parallel SGD schedule (optimize_layout.hpp): even, >= 2; the
                                         // layout depends on it, never on the thread count
    ThreadPool* pool = nullptr;          // nullptr: default_pool()
    ProgressCallback progress;           // stages "knn" and "umap" (one step per epoch); false cancels
    // Where the kNN graph and the layout SGD run (open_device); null or the CPU: on `pool`. A GPU
    // gives a layout close to the CPU's, not bit-identical (optimize_layout.hpp). Not serialised.
    Device* device = nullptr;
};

// Seconds spent in each stage of the last fit.
struct UmapTimings {
    double knn = 0, fuzzy_set = 0, init = 0, optimize = 0;
    double total() const noexcept { return knn + fuzzy_set + init + optimize; }
};

class Umap {
public:
    explicit Umap(UmapOptions options = {});

    // Fits to the rows of x (n × d, finite). Throws n2d::Error for bad options or input, and
    // n2d::Cancelled when the progress callback returns false; either way this object is left
    // as it was before the call (unfitted, or holding its previous fit).
    Umap& fit(ConstMatrixView x);
    Matrix fit_transform(ConstMatrixView x);
    // Embeds new rows (same width as the training data) against the fitted embedding. Const
    // and safe to call from many threads at once (each call has its own scratch).
    Matrix transform(ConstMatrixView x) const;

    bool fitted() const noexcept { return !embedding_.empty(); }
    const Matrix& embedding() const noexcept { return embedding_; }
    // The fuzzy simplicial set of the training data (symmetric CSR, unpruned, as umap-learn's
    // graph_). Empty after load().
    const SparseGraph& graph() const noexcept { return graph_; }
    const KnnIndex& knn_index() const noexcept { return index_; }
    const UmapOptions& options() const noexcept { return options_; }
    double a() const noexcept { return a_; }
    double b() const noexcept { return b_; }
    std::size_t n_epochs_used() const noexcept { return n_epochs_used_; }
    // Whether the spectral initialisation met its eigen-tolerance (else its best Ritz vectors were used).
    bool spectral_converged() const noexcept { return spectral_converged_; }
    const UmapTimings& timings() const noexcept { return timings_; }

    // Everything transform needs: options, a, b, the embedding and the kNN index (with the
    // training data). The progress callback, pool, init_embedding and graph are not saved.
    void save(ByteWriter& out) const;
    static Umap load(ByteReader& in);

private:
    void validate() const;
    void fit_fresh(ConstMatrixView x);  // fits this freshly constructed object in place
    Matrix initial_layout(ConstMatrixView x, const SparseGraph& pruned);

    UmapOptions options_;
    double a_ = 0, b_ = 0;
    std::size_t k_ = 0;  // neighbours actually used (n_neighbors, or n - 1 for tiny inputs)
    std::size_t n_epochs_used_ = 0;
    bool spectral_converged_ = true;
    Matrix embedding_;
    SparseGraph graph_;
    KnnIndex index_;
    UmapTimings timings_;
};

}  // namespace n2d
