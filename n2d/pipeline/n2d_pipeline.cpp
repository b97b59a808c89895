#include "n2d/pipeline/n2d_pipeline.hpp"

#include <chrono>
#include <optional>

#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/resource_usage.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/pipeline/builtin_stages.hpp"
#include "n2d/pipeline/detail/k_selection.hpp"
#include "n2d/pipeline/detail/stage_state.hpp"

namespace n2d::inline v0 {

namespace {

using detail::kClustererStream, detail::kEmbedderStream, detail::kKSelectionStream, detail::kManifoldStream;

}  // namespace

const char* to_string(EmbedderKind k) noexcept { return k == EmbedderKind::autoencoder ? "ae" : "none"; }
namespace {

constexpr const char* kManifoldNames[] = {"umap", "none", "tsne", "isomap", "lle"};
constexpr const char* kClustererNames[] = {"gmm", "kmeans", "hdbscan", "sc", "dec"};
constexpr const char* kFinetuneNames[] = {"none", "dec", "idec"};

template <class Kind, std::size_t N>
Kind parse_kind(const std::string& name, const char* const (&names)[N], const char* what) {
    std::string list;
    for (std::size_t i = 0; i < N; ++i) {
        if (name == names[i]) return static_cast<Kind>(i);
        list += (i ? ", " : "") + std::string(names[i]);
    }
    N2D_FAIL("n2d: " + std::string(what) + " '" + name + "' is unknown; use one of: " + list);
}

}  // namespace

const char* to_string(ManifoldKind k) noexcept { return kManifoldNames[static_cast<std::size_t>(k)]; }
const char* to_string(ClustererKind k) noexcept { return kClustererNames[static_cast<std::size_t>(k)]; }
ManifoldKind parse_manifold_kind(const std::string& name) {
    return parse_kind<ManifoldKind>(name, kManifoldNames, "manifold learner");
}
ClustererKind parse_clusterer_kind(const std::string& name) {
    return parse_kind<ClustererKind>(name, kClustererNames, "clusterer");
}
const char* to_string(FinetuneKind k) noexcept { return kFinetuneNames[static_cast<std::size_t>(k)]; }
FinetuneKind parse_finetune_kind(const std::string& name) {
    return parse_kind<FinetuneKind>(name, kFinetuneNames, "fine-tuning");
}

AutoencoderOptions N2DOptions::default_autoencoder() {
    AutoencoderOptions o;
    o.architecture = {500, 500, 2000};
    o.batch_size = 256;
    o.latent_dim = 0;  // n_clusters
    return o;
}

UmapOptions N2DOptions::default_umap() {
    UmapOptions o;
    o.n_neighbors = 20;
    o.min_dist = 0.0f;
    o.metric = Metric::euclidean;
    o.n_components = 0;  // n_clusters
    return o;
}

GaussianMixtureOptions N2DOptions::default_gmm() {
    GaussianMixtureOptions o;
    o.covariance_type = CovarianceType::full;
    o.n_init = 10;
    o.n_components = 0;  // n_clusters
    return o;
}

KMeansOptions N2DOptions::default_kmeans() {
    KMeansOptions o;
    o.n_clusters = 0;  // n_clusters
    return o;
}

IsomapOptions N2DOptions::default_isomap() {
    IsomapOptions o;
    o.n_components = 0;  // n_clusters
    return o;
}

LleOptions N2DOptions::default_lle() {
    LleOptions o;
    o.n_components = 0;  // n_clusters
    o.n_neighbors = 0;   // umap.n_neighbors
    return o;
}

SpectralClusteringOptions N2DOptions::default_spectral() {
    SpectralClusteringOptions o;
    o.n_clusters = 0;  // n_clusters
    o.affinity = SpectralAffinity::nearest_neighbors;
    o.n_neighbors = 10;
    return o;
}

N2DOptions resolved(N2DOptions o) {
    const std::size_t k = o.n_clusters;
    const std::size_t size = k ? k : kUnknownKStageSize;
    if (o.autoencoder.latent_dim == 0) o.autoencoder.latent_dim = size;
    if (o.umap.n_components == 0) o.umap.n_components = size;
    if (o.isomap.n_components == 0) o.isomap.n_components = size;
    if (o.lle.n_components == 0) o.lle.n_components = size;
    if (o.lle.n_neighbors == 0) o.lle.n_neighbors = o.umap.n_neighbors;
    if (o.spectral.n_clusters == 0) o.spectral.n_clusters = k;
    if (o.gmm.n_components == 0) o.gmm.n_components = k;
    if (o.kmeans.n_clusters == 0) o.kmeans.n_clusters = k;
    return o;
}

void validate(const N2DOptions& o) {
    N2D_REQUIRE(static_cast<unsigned>(o.scaling) <= static_cast<unsigned>(Scaling::standard),
                "N2DOptions::scaling has the unknown code " + std::to_string(static_cast<unsigned>(o.scaling)) +
                    "; use Scaling::none, minmax or standard");
    if (o.n_clusters == 0 && o.clusterer != ClustererKind::hdbscan) {
        const auto& ks = o.k_selection;
        const std::string range = "N2DOptions::k_selection: the k range " + std::to_string(ks.min_k) + ".." +
                                  std::to_string(ks.max_k);
        N2D_REQUIRE(ks.min_k >= 2, range + " starts below 2; the smallest k to choose from is 2 (set min_k >= 2)");
        N2D_REQUIRE(ks.min_k <= ks.max_k, range + " is empty: min_k is above max_k; swap them");
        N2D_REQUIRE(ks.silhouette_sample >= 3, "N2DOptions::k_selection.silhouette_sample is " +
                                                   std::to_string(ks.silhouette_sample) + "; use at least 3");
        N2D_REQUIRE(ks.criterion != KCriterion::bic || o.clusterer == ClustererKind::gmm,
                    "N2DOptions::k_selection: the bic criterion needs the gmm clusterer (it is the Gaussian mixture's "
                    "likelihood); use the silhouette criterion with " + std::string(to_string(o.clusterer)));
    }
    N2D_REQUIRE(o.clusterer != ClustererKind::hdbscan || o.hdbscan.min_cluster_size >= 2,
                "N2DOptions::hdbscan.min_cluster_size is " + std::to_string(o.hdbscan.min_cluster_size) +
                    "; use at least 2");
    N2D_REQUIRE(o.gmm.n_components == 0 || o.gmm.n_components == o.n_clusters,
                "N2DOptions::gmm.n_components is " + std::to_string(o.gmm.n_components) + " but n_clusters is " +
                    std::to_string(o.n_clusters) + "; set n_clusters (gmm.n_components 0 follows it)");
    N2D_REQUIRE(o.kmeans.n_clusters == 0 || o.kmeans.n_clusters == o.n_clusters,
                "N2DOptions::kmeans.n_clusters is " + std::to_string(o.kmeans.n_clusters) + " but n_clusters is " +
                    std::to_string(o.n_clusters) + "; set n_clusters (kmeans.n_clusters 0 follows it)");
    N2D_REQUIRE(o.spectral.n_clusters == 0 || o.spectral.n_clusters == o.n_clusters,
                "N2DOptions::spectral.n_clusters is " + std::to_string(o.spectral.n_clusters) + " but n_clusters is " +
                    std::to_string(o.n_clusters) + "; set n_clusters (spectral.n_clusters 0 follows it)");
    N2D_REQUIRE(static_cast<unsigned>(o.finetune) <= static_cast<unsigned>(FinetuneKind::idec),
                "N2DOptions::finetune holds an unknown value; use FinetuneKind::none, dec or idec");
    if (o.finetune != FinetuneKind::none) {
        const std::string what = std::string("N2DOptions::finetune ") + to_string(o.finetune);
        N2D_REQUIRE(o.embedder == EmbedderKind::autoencoder,
                    what + " fine-tunes the autoencoder; use the autoencoder embedder (or finetune none)");
        N2D_REQUIRE(o.n_clusters != 0, what + " needs a known number of clusters; set n_clusters (>= 2)");
        DecOptions d = o.dec;
        d.n_clusters = o.n_clusters;
        validate(d);
    }
    N2D_REQUIRE(o.clusterer != ClustererKind::dec || (o.finetune != FinetuneKind::none && o.manifold == ManifoldKind::none),
                "N2DOptions: the dec clusterer labels with the fine-tuned clustering layer, so it needs finetune dec or "
                "idec and manifold none (it clusters the codes directly)");
    N2D_REQUIRE(o.embedder == EmbedderKind::autoencoder || (o.pretrained_weights.empty() && o.save_weights.empty()),
                "N2DOptions: pretrained_weights / save_weights need the autoencoder embedder");
    N2D_REQUIRE(o.resume_checkpoint.empty() || (o.embedder == EmbedderKind::autoencoder && o.pretrained_weights.empty()),
                "N2DOptions: resume_checkpoint needs the autoencoder embedder and no pretrained_weights (a checkpoint "
                "continues a training run; pretrained weights replace it)");
    const ImageAugmentation& aug = o.autoencoder.augmentation;
    N2D_REQUIRE(!aug.enabled || o.embedder == EmbedderKind::autoencoder,
                "N2DOptions: autoencoder.augmentation needs the autoencoder embedder (it augments its training batches)");
    // Per-column scaling gives each pixel its own scale, which moving pixels between columns mixes.
    N2D_REQUIRE(!aug.enabled || o.scaling == Scaling::none,
                "N2DOptions: autoencoder.augmentation moves pixels between columns, but scaling " +
                    std::string(to_string(o.scaling)) + " scales each column on its own; use Scaling::none and bring "
                    "the images into one range (e.g. [0, 1]) beforehand");
}

Assessment assess(const std::vector<int>& truth, const std::vector<int>& pred) {
    N2D_REQUIRE(truth.size() == pred.size(), "assess: " + std::to_string(truth.size()) + " true labels but " +
                                                 std::to_string(pred.size()) + " predicted labels; they must match");
    Assessment a;
    a.accuracy = cluster_accuracy(truth, pred).accuracy;
    a.nmi = nmi(truth, pred);
    a.ari = ari(truth, pred);
    return a;
}

std::unique_ptr<ManifoldLearner> make_manifold_stage(const N2DOptions& options) {
    const N2DOptions o = resolved(options);
    switch (o.manifold) {
        case ManifoldKind::umap: return std::make_unique<UmapManifold>(o.umap);
        case ManifoldKind::none: return std::make_unique<IdentityManifold>();
        case ManifoldKind::tsne: return std::make_unique<TsneManifold>(o.tsne);
        case ManifoldKind::isomap: return std::make_unique<IsomapManifold>(o.isomap);
        case ManifoldKind::lle: return std::make_unique<LleManifold>(o.lle);
    }
    detail::throw_internal(__FILE__, __LINE__, "manifold kind", "unknown ManifoldKind");
}

std::unique_ptr<Clusterer> make_clusterer_stage(const N2DOptions& options) {
    const N2DOptions o = resolved(options);
    switch (o.clusterer) {
        case ClustererKind::gmm: return std::make_unique<GmmClusterer>(o.gmm);
        case ClustererKind::kmeans: return std::make_unique<KMeansClusterer>(o.kmeans);
        case ClustererKind::hdbscan: return std::make_unique<HdbscanClusterer>(o.hdbscan);
        case ClustererKind::spectral: return std::make_unique<SpectralClusterer>(o.spectral);
        case ClustererKind::dec: return std::make_unique<DecClusterer>(o.n_clusters, o.dec.alpha, o.dec.kmeans_n_init);
    }
    detail::throw_internal(__FILE__, __LINE__, "clusterer kind", "unknown ClustererKind");
}

N2D::N2D(N2DOptions options) : N2D(std::move(options), nullptr, nullptr, nullptr) {}

N2D::N2D(N2DOptions options, std::unique_ptr<Embedder> embedder, std::unique_ptr<ManifoldLearner> manifold,
         std::unique_ptr<Clusterer> clusterer)
    : options_(std::move(options)),
      embedder_(std::move(embedder)),
      manifold_learner_(std::move(manifold)),
      clusterer_(std::move(clusterer)) {
    validate(options_);
    N2D_REQUIRE(options_.n_clusters != 0 || !clusterer_,
                "N2D: n_clusters is 0 (choose k) but a user clusterer was given; it has its own k, so set n_clusters "
                "to it (or leave the clusterer to the pipeline)");
    const N2DOptions o = resolved(options_);
    if (!embedder_) {
        if (o.embedder == EmbedderKind::none) {
            embedder_ = std::make_unique<IdentityEmbedder>();
        } else {
            auto ae = o.pretrained_weights.empty()
                          ? std::make_unique<AutoencoderEmbedder>(o.autoencoder)
                          : AutoencoderEmbedder::from_weights_file(o.pretrained_weights, o.train_pretrained);
            ae->set_save_weights_path(o.save_weights);
            ae->set_resume_path(o.resume_checkpoint);
            embedder_ = std::move(ae);
        }
    }
    if (!manifold_learner_) manifold_learner_ = make_manifold_stage(o);
    if (!clusterer_) clusterer_ = make_clusterer_stage(o);
}

N2D::N2D(N2D&&) noexcept = default;
N2D& N2D::operator=(N2D&&) noexcept = default;
N2D::~N2D() = default;

std::string N2D::device_name() const { return device_ ? device_->name() : "cpu"; }

N2D& N2D::fit(ConstMatrixView x) {
    N2D_REQUIRE(x.rows > 0 && x.cols > 0, "N2D::fit: the data is empty (" + std::to_string(x.rows) + " x " +
                                              std::to_string(x.cols) + "); pass at least one row and column");
    N2D_REQUIRE(x.rows >= options_.n_clusters, "N2D::fit: " + std::to_string(x.rows) + " samples cannot form " +
                                                   std::to_string(options_.n_clusters) + " clusters; lower n_clusters");
    const bool choose_k = options_.n_clusters == 0 && options_.clusterer != ClustererKind::hdbscan;
    if (choose_k) detail::require_k_range(options_.k_selection, x.rows);  // before the long stages
    if (options_.embedder == EmbedderKind::autoencoder) require_image_width(options_.autoencoder.augmentation, x.cols);
    require_finite(x, "N2D::fit data");
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t seed = options_.seed;

    if (!device_ || device_->name() != options_.device) device_ = open_device(options_.device);
    // The stages are refitted one after another, so until the last one finishes the model is
    // unfitted: a cancelled or failed fit leaves it so (fit again) rather than mixing two fits.
    input_dim_ = 0;
    scaler_ = Scaler();
    labels_.clear();
    latent_ = Matrix();
    manifold_ = Matrix();
    seconds_ = {};
    peak_bytes_ = {};
    // The CPU runs the stages' own host code (a null device); other devices get their ops.
    Device* dev = device_->type() == DeviceType::cpu ? nullptr : device_.get();

    auto t = std::chrono::steady_clock::now();
    Scaler scaler(options_.scaling, x);
    Matrix scaled;
    if (scaler.kind() != Scaling::none) {
        scaled = scaler.transform(x);
        x = scaled.view();
    }
    embedder_->fit(x, StageContext{derive_seed(seed, kEmbedderStream), options_.progress, dev});
    seconds_.embedder = seconds_since(t);
    peak_bytes_.embedder = peak_resident_bytes();
    finetune_ = {};
    std::optional<DecResult> dec;
    if (options_.finetune != FinetuneKind::none) {
        t = std::chrono::steady_clock::now();
        auto* ae = dynamic_cast<AutoencoderEmbedder*>(embedder_.get());
        N2D_REQUIRE(ae != nullptr, "N2D::fit: finetune " + std::string(to_string(options_.finetune)) +
                                       " needs the built-in autoencoder embedder, not a user embedder of kind '" +
                                       embedder_->kind() + "'; drop the fine-tuning or the user embedder");
        DecOptions d = options_.dec;
        d.mode = options_.finetune == FinetuneKind::idec ? DecMode::idec : DecMode::dec;
        d.n_clusters = options_.n_clusters;
        d.seed = derive_seed(seed, detail::kFinetuneStream);
        d.progress = options_.progress;
        d.pool = nullptr;
        dec = fit_dec(ae->autoencoder(), x, d);
        finetune_ = {true, dec->iterations, dec->target_updates, dec->converged, dec->last_delta};
        seconds_.finetune = seconds_since(t);
        peak_bytes_.finetune = peak_resident_bytes();
    }
    t = std::chrono::steady_clock::now();
    Matrix latent = embedder_->transform(x);
    scaled = Matrix();  // only the embedder reads the scaled copy; x keeps just its shape from here
    seconds_.embedder += seconds_since(t);

    t = std::chrono::steady_clock::now();
    Matrix embedding = manifold_learner_->fit_transform(latent, StageContext{derive_seed(seed, kManifoldStream), options_.progress, dev});
    seconds_.manifold = seconds_since(t);
    peak_bytes_.manifold = peak_resident_bytes();

    t = std::chrono::steady_clock::now();
    const StageContext cluster_ctx{derive_seed(seed, kClustererStream), options_.progress, dev};
    if (choose_k) {
        auto found = detail::search_k(embedding, options_, cluster_ctx, derive_seed(seed, kKSelectionStream));
        clusterer_ = std::move(found.clusterer);
        labels_ = std::move(found.labels);
        k_selection_ = std::move(found.selection);
    } else if (auto* layer = dynamic_cast<DecClusterer*>(clusterer_.get()); layer && dec) {
        layer->set_centers(std::move(dec->centers));  // the fine-tuned clustering layer is the fit
        labels_ = layer->predict(embedding);
        k_selection_ = KSelection{};
    } else {
        labels_ = clusterer_->fit_predict(embedding, cluster_ctx);
        k_selection_ = KSelection{};
    }
    seconds_.clusterer = seconds_since(t);
    peak_bytes_.clusterer = peak_resident_bytes();
    seconds_.total = seconds_since(t0);

    latent_ = std::move(latent);
    manifold_ = std::move(embedding);
    scaler_ = std::move(scaler);
    input_dim_ = x.cols;
    provenance_.rows = x.rows;
    provenance_.input_dim = x.cols;
    return *this;
}

std::vector<int> N2D::fit_predict(ConstMatrixView x) {
    fit(x);
    return labels_;
}

void N2D::require_fitted(const char* what) const {
    if (!fitted()) N2D_FAIL(std::string("n2d: N2D::") + what + " before fit; call fit (or N2D::load a model) first");
}

N2DOutput N2D::predict_all(ConstMatrixView x) const {
    require_fitted("predict");
    if (x.cols != input_dim_)
        N2D_FAIL("n2d: the model was trained on data with " + std::to_string(input_dim_) + " columns but got " +
                    std::to_string(x.cols) + " columns; pass data with the training data's features in the same order");
    require_finite(x, "N2D::predict data");
    Matrix scaled;
    if (scaler_.kind() != Scaling::none) {
        scaled = scaler_.transform(x);
        x = scaled.view();
    }
    N2DOutput out;
    out.latent = embedder_->transform(x);
    out.manifold = manifold_learner_->transform(out.latent);
    out.probabilities = clusterer_->predict_proba(out.manifold);
    out.labels = clusterer_->predict(out.manifold);
    return out;
}

std::vector<int> N2D::predict(ConstMatrixView x) const { return predict_all(x).labels; }

Matrix N2D::predict_proba(ConstMatrixView x) const { return std::move(predict_all(x).probabilities); }

Assessment N2D::assess(const std::vector<int>& truth) const {
    require_fitted("assess");
    N2D_REQUIRE(!labels_.empty(), "N2D::assess: this model holds no training labels (a loaded model); use "
                                  "n2d::assess(truth, model.predict(x)) instead");
    return n2d::assess(truth, labels_);
}

std::size_t N2D::n_clusters() const { return clusterer_->n_clusters(); }

}  // namespace n2d
