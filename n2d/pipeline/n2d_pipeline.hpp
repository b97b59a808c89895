// class N2D: the paper's pipeline — autoencoder → UMAP → Gaussian mixture — with swappable
// stages, one seed, one progress callback, timings, assessment, and the one-file model.
//
//   n2d::N2DOptions o;            // the paper's defaults
//   o.n_clusters = 10;
//   n2d::N2D model(o);
//   auto labels = model.fit_predict(x);
//   auto score = model.assess(y);  // {accuracy, nmi, ari}
//   model.save("mnist.n2d");
//   auto again = n2d::N2D::load("mnist.n2d");   // predicts exactly what `model` predicts
//
// Reproducibility: every stage's seed is derived from N2DOptions::seed (derive_seed(seed,
// stage)); with the same seed, data and SIMD target a fit gives the same model at any thread
// count (each component's own contract, see its header).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/cluster/hdbscan.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/cluster/spectral_clustering.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/manifold/isomap.hpp"
#include "n2d/manifold/lle.hpp"
#include "n2d/manifold/tsne.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/dec.hpp"
#include "n2d/pipeline/k_selection.hpp"
#include "n2d/pipeline/scaler.hpp"
#include "n2d/pipeline/stage.hpp"
#include "n2d/umap/umap.hpp"

namespace n2d::inline v0 {

enum class EmbedderKind { autoencoder, none };
// The paper's manifold learners and clusterers (its --manifold_learner and --cluster); the
// enumerators' values are their codes in the model file.
enum class ManifoldKind { umap, none, tsne, isomap, lle };
enum class ClustererKind { gmm, kmeans, hdbscan, spectral, dec };
// Fine-tuning of the autoencoder after its training (n2d/nn/dec.hpp).
enum class FinetuneKind { none, dec, idec };

const char* to_string(EmbedderKind k) noexcept;
const char* to_string(ManifoldKind k) noexcept;
const char* to_string(ClustererKind k) noexcept;
const char* to_string(FinetuneKind k) noexcept;
// The names to_string gives, back to kinds; throws n2d::Error listing the names.
ManifoldKind parse_manifold_kind(const std::string& name);
ClustererKind parse_clusterer_kind(const std::string& name);
FinetuneKind parse_finetune_kind(const std::string& name);

// Defaults are the paper's (and the seeds' n2d.py): AE [d, 500, 500, 2000, n_clusters] (ReLU,
// linear latent, MSE, Adam 1e-3, batch 256), UMAP(n_neighbors 20, n_components n_clusters,
// min_dist 0, euclidean), GMM(full covariance, n_clusters components).
//
// One rule for the sizes: a stage size of 0 in the nested options — autoencoder.latent_dim,
// umap/isomap/lle.n_components, gmm.n_components, kmeans/spectral.n_clusters — follows
// n_clusters (the paper passes its umap_dim to every learner); any other value is used as
// given. t-SNE is the exception: its default is 2 dimensions (Barnes–Hut works up to 3; more
// dimensions need the exact O(n²) method). The clusterers' size must be 0 or n_clusters
// (validate says so otherwise). lle.n_neighbors 0 follows umap.n_neighbors (the paper's
// LLE uses its UMAP neighbours). resolved() gives the options with every 0 replaced.
//
// Unknown k: n_clusters = 0 makes fit choose k in k_selection's range (k_selection.hpp): the
// sizes that follow n_clusters become kUnknownKStageSize (10, the paper's), the clusterer is fitted
// for each k on the manifold and the best fit by k_selection.criterion is kept;
// N2D::n_clusters() then gives the chosen k and N2D::k_selection() the curve. HDBSCAN finds its
// own k, so with it n_clusters = 0 only sets those sizes. A user clusterer has its own k and
// cannot be combined with n_clusters = 0.
struct N2DOptions {
    std::size_t n_clusters = 10;  // 0 = unknown: chosen by fit in k_selection's range
    KSelectionOptions k_selection;
    // Per-column scaling of the input before the embedder (scaler.hpp), fitted on the training
    // data and saved in the model, so predict scales new data the same way; the latent codes and
    // manifold are then those of the scaled data. none (the default) keeps the library's
    // behaviour and models byte-identical to earlier versions'.
    Scaling scaling = Scaling::none;
    EmbedderKind embedder = EmbedderKind::autoencoder;  // none = cluster the raw data's manifold
    ManifoldKind manifold = ManifoldKind::umap;         // none = cluster the latent codes directly
    ClustererKind clusterer = ClustererKind::gmm;
    // dec labels with the fine-tuned clustering layer itself (the nearest centre under
    // the Student-t kernel: DEC as published); it needs finetune dec or idec and manifold none.
    // t-SNE has no transform: a pipeline with it clusters its training data (fit, fit_predict)
    // but predict on new data throws. Spectral clustering labels new points by their nearest
    // fitted neighbours (SpectralClustering::predict).

    // Each stage's options; the pipeline's seed and progress replace theirs.
    AutoencoderOptions autoencoder = default_autoencoder();
    UmapOptions umap = default_umap();
    // n_init = 10 (sklearn: 1): the reference pipeline merges two classes on some seeds; keeping
    // the best lower bound of several initialisations removes that failure at a small cost (EM
    // on a 10-d manifold).
    GaussianMixtureOptions gmm = default_gmm();
    KMeansOptions kmeans = default_kmeans();
    TsneOptions tsne;                                  // sklearn's defaults, 2 dimensions
    IsomapOptions isomap = default_isomap();           // 5 neighbours (sklearn's and the paper's)
    LleOptions lle = default_lle();
    SpectralClusteringOptions spectral = default_spectral();  // kNN affinity, 10 neighbours
    // HDBSCAN finds its own number of clusters (noise -1); n_clusters then only sizes the
    // autoencoder latent and UMAP output, and N2D::n_clusters() reports what HDBSCAN found.
    HdbscanOptions hdbscan;

    // DEC self-training: dec or idec fine-tunes the trained (or pretrained) autoencoder with
    // fit_dec before the codes go on, so the manifold and clusterer see the fine-tuned codes
    // and the model saves the fine-tuned weights. `dec` holds its settings; its mode,
    // n_clusters, seed, progress and pool are the pipeline's. Needs the autoencoder embedder
    // and a known n_clusters. none (the default) keeps models byte-identical to earlier ones.
    FinetuneKind finetune = FinetuneKind::none;
    DecOptions dec;

    // Pretrained autoencoder weights (Autoencoder::save_weights) used instead of training
    // (the seeds' `weights=`); train_pretrained continues training them instead.
    std::string pretrained_weights;
    bool train_pretrained = false;
    // Write the trained autoencoder's weights here after training (the seeds' `weight_id=`).
    std::string save_weights;
    // Continue the autoencoder training saved in this checkpoint (autoencoder.checkpoint_path
    // writes them) instead of starting afresh: the result equals the uninterrupted run's.
    // The options must be the interrupted run's; autoencoder.epochs may be raised.
    std::string resume_checkpoint;

    std::uint64_t seed = 0;     // drives every stage
    ProgressCallback progress;  // receives every stage's progress; return false to cancel
    // Where the stages run (list_devices() names them): "cpu", "opencl[:N]", "cuda[:N]", or
    // "auto" (the first available GPU, else the CPU). An op a device lacks runs on the CPU.
    // Not saved in the model: a loaded model runs on the CPU.
    std::string device = "cpu";

    static AutoencoderOptions default_autoencoder();
    static UmapOptions default_umap();
    static GaussianMixtureOptions default_gmm();
    static KMeansOptions default_kmeans();
    static IsomapOptions default_isomap();
    static LleOptions default_lle();
    static SpectralClusteringOptions default_spectral();
};

// Throws n2d::Error naming the first invalid field.
void validate(const N2DOptions& options);
// The options with every stage size of 0 replaced by n_clusters (the rule above; with
// n_clusters 0 the learners' sizes become kUnknownKStageSize and the clusterers' stay 0).
N2DOptions resolved(N2DOptions options);
// The unfitted manifold / clusterer stage the options describe (the sizes resolved).
std::unique_ptr<ManifoldLearner> make_manifold_stage(const N2DOptions& options);
std::unique_ptr<Clusterer> make_clusterer_stage(const N2DOptions& options);

struct Assessment {
    double accuracy = 0, nmi = 0, ari = 0;
};
// ACC (Hungarian), NMI (arithmetic), ARI of `pred` against `truth`.
Assessment assess(const std::vector<int>& truth, const std::vector<int>& pred);

// Seconds spent in each stage of the last fit.
struct StageSeconds {
    double embedder = 0, manifold = 0, clusterer = 0, total = 0;
    double finetune = 0;  // DEC/IDEC fine-tuning (after the embedder, not part of its time)
};

// The process's peak resident set (peak_resident_bytes) when each stage of the last fit ended:
// a high-water mark over the whole process, so each is at least the one before it (0 where
// the system does not say, and finetune stays 0 without fine-tuning).
struct StagePeakBytes {
    std::size_t embedder = 0, finetune = 0, manifold = 0, clusterer = 0;
};

// What the last fit's DEC/IDEC fine-tuning did (ran false without fine-tuning or for a loaded model).
struct FinetuneReport {
    bool ran = false;
    std::size_t iterations = 0;      // optimiser steps
    std::size_t target_updates = 0;
    bool converged = false;          // stopped by DecOptions::tol rather than max_iter
    double last_delta = 0.0;         // fraction of labels changed at the last target update
};

// Everything a prediction computes, for callers who want the intermediate representations.
struct N2DOutput {
    Matrix latent;          // embedder output (n × latent width)
    Matrix manifold;        // manifold output (n × manifold width)
    std::vector<int> labels;
    Matrix probabilities;   // n × n_clusters
};

// What a saved model records about where it came from.
struct Provenance {
    std::string n2d_version;
    std::string dataset;         // free text: a dataset name or file path
    std::uint64_t rows = 0;      // training rows
    std::uint64_t input_dim = 0;
    std::uint64_t created_unix = 0;
};

class N2D {
public:
    // Builds the stages; no file is read here (pretrained weights are read by fit).
    explicit N2D(N2DOptions options = {});
    // User stages; a null pointer means "the stage N2DOptions describes".
    N2D(N2DOptions options, std::unique_ptr<Embedder> embedder, std::unique_ptr<ManifoldLearner> manifold,
        std::unique_ptr<Clusterer> clusterer);
    N2D(N2D&&) noexcept;
    N2D& operator=(N2D&&) noexcept;
    ~N2D();

    // Fits every stage in turn on x (n × d, finite). Returns *this. Bad input is refused before
    // anything changes; once the stages are being refitted, a fit that throws (n2d::Cancelled
    // from the progress callback included) leaves the model unfitted — fit it again, and with
    // the same seed it equals a fit that was never interrupted.
    N2D& fit(ConstMatrixView x);
    // fit, then the training data's labels.
    std::vector<int> fit_predict(ConstMatrixView x);
    // encode → manifold transform → cluster; each row's result depends on that row only.
    // Thread safety: the const calls (predict, predict_proba, predict_all, the stages' transform
    // and predict) may run from many threads at once on one fitted or loaded model, and give
    // exactly what one thread gets; fit, load into and move must not overlap any other call.
    std::vector<int> predict(ConstMatrixView x) const;
    Matrix predict_proba(ConstMatrixView x) const;
    N2DOutput predict_all(ConstMatrixView x) const;

    // The training data's labels, latent codes and manifold embedding (the seeds' `hle`).
    const std::vector<int>& labels() const noexcept { return labels_; }
    const Matrix& latent() const noexcept { return latent_; }
    const Matrix& manifold_embedding() const noexcept { return manifold_; }
    // ACC/NMI/ARI of the training labels against the truth.
    Assessment assess(const std::vector<int>& truth) const;

    const StageSeconds& seconds() const noexcept { return seconds_; }
    const StagePeakBytes& peak_bytes() const noexcept { return peak_bytes_; }
    const N2DOptions& options() const noexcept { return options_; }
    // The device the last fit ran on ("cpu" before a fit).
    std::string device_name() const;
    bool fitted() const noexcept { return input_dim_ != 0; }
    std::size_t input_dim() const noexcept { return input_dim_; }
    // The clusterer's number of clusters: the chosen k after a fit with n_clusters = 0 (0 before it).
    std::size_t n_clusters() const;
    // How the last fit chose k (n_clusters = 0): each candidate's scores and the chosen k.
    // Empty when k was given, with HDBSCAN, and for a loaded model (the model file keeps the
    // chosen fit, not the curve).
    const KSelection& k_selection() const noexcept { return k_selection_; }
    const FinetuneReport& finetune_report() const noexcept { return finetune_; }
    // The input scaling fitted by the last fit (or loaded): kind() none when there is none.
    const Scaler& scaler() const noexcept { return scaler_; }
    const Embedder& embedder() const { return *embedder_; }
    const ManifoldLearner& manifold() const { return *manifold_learner_; }
    const Clusterer& clusterer() const { return *clusterer_; }
    const Provenance& provenance() const noexcept { return provenance_; }
    // Free-text dataset name recorded in saved models.
    void set_dataset_name(std::string name) { provenance_.dataset = std::move(name); }

    // The .n2d model file (n2d/model/FORMAT.md), written atomically.
    void save(const std::string& path) const;
    std::vector<unsigned char> save_to_bytes() const;
    static N2D load(const std::string& path, const StageLoaders& loaders = {});
    static N2D load_from_bytes(std::vector<unsigned char> image, const std::string& source,
                               const StageLoaders& loaders = {});

private:
    void require_fitted(const char* what) const;
    N2DOptions options_;
    std::shared_ptr<Device> device_;  // declared before the stages: they may hold it until destroyed
    Scaler scaler_;
    std::unique_ptr<Embedder> embedder_;
    std::unique_ptr<ManifoldLearner> manifold_learner_;
    std::unique_ptr<Clusterer> clusterer_;
    std::size_t input_dim_ = 0;
    std::vector<int> labels_;
    Matrix latent_, manifold_;
    StageSeconds seconds_;
    StagePeakBytes peak_bytes_;
    KSelection k_selection_;
    FinetuneReport finetune_;
    Provenance provenance_;
};

}  // namespace n2d
