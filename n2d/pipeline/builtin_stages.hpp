// The built-in stages: the autoencoder embedder, the manifold learners (UMAP; t-SNE, Isomap and
// LLE for the paper's ablation), and the clusterers (Gaussian mixture, k-means, HDBSCAN,
// spectral clustering) — thin adapters from the components to the stage interfaces.
#pragma once
#include <memory>
#include <string>

#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/cluster/hdbscan.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/cluster/spectral_clustering.hpp"
#include "n2d/manifold/isomap.hpp"
#include "n2d/manifold/lle.hpp"
#include "n2d/manifold/tsne.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/dec.hpp"
#include "n2d/pipeline/stage.hpp"
#include "n2d/umap/umap.hpp"

namespace n2d::inline v0 {

// Trains a dense autoencoder on fit and embeds with its encoder. With pretrained weights
// (the seeds' `weights=`), fit skips training unless `train_pretrained` is set.
class AutoencoderEmbedder final : public Embedder {
public:
    explicit AutoencoderEmbedder(AutoencoderOptions options);
    explicit AutoencoderEmbedder(Autoencoder pretrained, bool train_pretrained = false);
    // Pretrained weights read from `path` (Autoencoder::save_weights) by fit, not here.
    static std::unique_ptr<AutoencoderEmbedder> from_weights_file(std::string path, bool train_pretrained = false);
    // After fit trains, also write the weights here (the seeds' `weight_id=`); empty = don't.
    void set_save_weights_path(std::string path) { save_weights_path_ = std::move(path); }
    // Continue the training call saved in this checkpoint (Autoencoder::resume) instead of
    // starting afresh; the options must match the interrupted run's. Empty = don't.
    void set_resume_path(std::string path) { resume_path_ = std::move(path); }

    std::string kind() const override { return "autoencoder"; }
    void fit(ConstMatrixView x, const StageContext& ctx) override;
    Matrix transform(ConstMatrixView x) const override;
    std::size_t input_dim() const override;
    std::size_t output_dim() const override;
    void save(ByteWriter& out) const override;
    static std::unique_ptr<AutoencoderEmbedder> load(ByteReader& in);

    bool fitted() const noexcept { return ae_ != nullptr; }
    const Autoencoder& autoencoder() const;  // throws before fit
    Autoencoder& autoencoder();              // for fine-tuning in place (fit_dec); throws before fit
    bool trained_in_fit() const noexcept { return trained_; }

private:
    AutoencoderOptions options_;
    std::unique_ptr<Autoencoder> ae_;
    bool train_pretrained_ = true;
    bool given_pretrained_ = false;  // ae_ came from the constructor: fit trains it in place
    bool trained_ = false;
    std::string save_weights_path_;
    std::string pretrained_path_;
    std::string resume_path_;
};

class UmapManifold final : public ManifoldLearner {
public:
    explicit UmapManifold(UmapOptions options);
    std::string kind() const override { return "umap"; }
    Matrix fit_transform(ConstMatrixView x, const StageContext& ctx) override;
    Matrix transform(ConstMatrixView x) const override;
    std::size_t input_dim() const override { return input_dim_; }
    std::size_t output_dim() const override { return options_.n_components; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<UmapManifold> load(ByteReader& in);
    const Umap& umap() const;  // throws before fit

private:
    UmapOptions options_;
    std::unique_ptr<Umap> umap_;
    std::size_t input_dim_ = 0;
};

// t-SNE embeds only the points it is fitted on: transform throws, naming the learners that can
// embed new points. The model keeps the options and the training embedding.
class TsneManifold final : public ManifoldLearner {
public:
    explicit TsneManifold(TsneOptions options);
    std::string kind() const override { return "tsne"; }
    Matrix fit_transform(ConstMatrixView x, const StageContext& ctx) override;
    Matrix transform(ConstMatrixView x) const override;  // throws: t-SNE has no transform
    std::size_t input_dim() const override { return input_dim_; }
    std::size_t output_dim() const override { return options_.n_components; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<TsneManifold> load(ByteReader& in);
    const Tsne& tsne() const;  // throws before fit

private:
    TsneOptions options_;
    std::unique_ptr<Tsne> tsne_;
    std::size_t input_dim_ = 0;
};

class IsomapManifold final : public ManifoldLearner {
public:
    explicit IsomapManifold(IsomapOptions options);
    std::string kind() const override { return "isomap"; }
    Matrix fit_transform(ConstMatrixView x, const StageContext& ctx) override;
    Matrix transform(ConstMatrixView x) const override;
    std::size_t input_dim() const override { return input_dim_; }
    std::size_t output_dim() const override { return options_.n_components; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<IsomapManifold> load(ByteReader& in);
    const Isomap& isomap() const;  // throws before fit

private:
    IsomapOptions options_;
    std::unique_ptr<Isomap> isomap_;
    std::size_t input_dim_ = 0;
};

class LleManifold final : public ManifoldLearner {
public:
    explicit LleManifold(LleOptions options);
    std::string kind() const override { return "lle"; }
    Matrix fit_transform(ConstMatrixView x, const StageContext& ctx) override;
    Matrix transform(ConstMatrixView x) const override;
    std::size_t input_dim() const override { return input_dim_; }
    std::size_t output_dim() const override { return options_.n_components; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<LleManifold> load(ByteReader& in);
    const LocallyLinearEmbedding& lle() const;  // throws before fit

private:
    LleOptions options_;
    std::unique_ptr<LocallyLinearEmbedding> lle_;
    std::size_t input_dim_ = 0;
};

class GmmClusterer final : public Clusterer {
public:
    explicit GmmClusterer(GaussianMixtureOptions options);
    std::string kind() const override { return "gmm"; }
    void fit(ConstMatrixView x, const StageContext& ctx) override;
    std::vector<int> predict(ConstMatrixView x) const override;
    Matrix predict_proba(ConstMatrixView x) const override;
    std::size_t n_clusters() const override { return options_.n_components; }
    std::size_t input_dim() const override { return input_dim_; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<GmmClusterer> load(ByteReader& in);
    const GaussianMixture& gmm() const;  // throws before fit

private:
    GaussianMixtureOptions options_;
    std::unique_ptr<GaussianMixture> gmm_;
    std::size_t input_dim_ = 0;
};

class KMeansClusterer final : public Clusterer {
public:
    explicit KMeansClusterer(KMeansOptions options);
    std::string kind() const override { return "kmeans"; }
    void fit(ConstMatrixView x, const StageContext& ctx) override;
    std::vector<int> predict(ConstMatrixView x) const override;
    Matrix predict_proba(ConstMatrixView x) const override;  // one-hot rows
    std::size_t n_clusters() const override { return options_.n_clusters; }
    std::size_t input_dim() const override { return input_dim_; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<KMeansClusterer> load(ByteReader& in);
    const KMeans& kmeans() const;  // throws before fit

private:
    KMeansOptions options_;
    std::unique_ptr<KMeans> km_;
    std::size_t input_dim_ = 0;
};

// HDBSCAN: finds its own number of clusters; predict labels new points through their nearest
// fitted neighbour (Hdbscan::predict), -1 = noise. The model stores the fitted points.
class HdbscanClusterer final : public Clusterer {
public:
    explicit HdbscanClusterer(HdbscanOptions options);
    std::string kind() const override { return "hdbscan"; }
    void fit(ConstMatrixView x, const StageContext& ctx) override;
    std::vector<int> fit_predict(ConstMatrixView x, const StageContext& ctx) override;  // the fit's labels
    std::vector<int> predict(ConstMatrixView x) const override;
    Matrix predict_proba(ConstMatrixView x) const override;  // membership in its column, noise rows 0
    std::size_t n_clusters() const override { return h_ ? h_->n_clusters() : 0; }
    std::size_t input_dim() const override { return input_dim_; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<HdbscanClusterer> load(ByteReader& in);
    const Hdbscan& hdbscan() const;  // throws before fit

private:
    HdbscanOptions options_;
    std::unique_ptr<Hdbscan> h_;
    std::size_t input_dim_ = 0;
};

// Spectral clustering: fit_predict gives the spectral labels; predict labels new points by a
// vote of their nearest fitted points (SpectralClustering::predict), as scikit-learn has no
// predict. The model stores the fitted points.
class SpectralClusterer final : public Clusterer {
public:
    explicit SpectralClusterer(SpectralClusteringOptions options);
    std::string kind() const override { return "spectral"; }
    void fit(ConstMatrixView x, const StageContext& ctx) override;
    std::vector<int> fit_predict(ConstMatrixView x, const StageContext& ctx) override;  // the fit's labels
    std::vector<int> predict(ConstMatrixView x) const override;
    Matrix predict_proba(ConstMatrixView x) const override;  // neighbour vote fractions
    std::size_t n_clusters() const override { return options_.n_clusters; }
    std::size_t input_dim() const override { return input_dim_; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<SpectralClusterer> load(ByteReader& in);
    const SpectralClustering& spectral() const;  // throws before fit

private:
    SpectralClusteringOptions options_;
    std::unique_ptr<SpectralClustering> sc_;
    std::size_t input_dim_ = 0;
};

// DEC's clustering layer as a clusterer of latent codes: Student-t soft assignments to k
// centres (n2d/nn/dec.hpp), labels the nearest centre. fit places the centres by k-means (DEC's
// initialisation); the pipeline, after fine-tuning, gives it the trained centres instead.
class DecClusterer final : public Clusterer {
public:
    // k centres, the Student-t alpha, and the k-means runs fit uses.
    DecClusterer(std::size_t n_clusters, double alpha, std::size_t kmeans_n_init = 20);
    std::string kind() const override { return "dec"; }
    void fit(ConstMatrixView x, const StageContext& ctx) override;
    // Takes trained centres (k × d) as the fit.
    void set_centers(Matrix centers);
    std::vector<int> predict(ConstMatrixView x) const override;
    Matrix predict_proba(ConstMatrixView x) const override;  // q
    std::size_t n_clusters() const override { return n_clusters_; }
    std::size_t input_dim() const override { return centers_.cols(); }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<DecClusterer> load(ByteReader& in);
    const Matrix& centers() const noexcept { return centers_; }

private:
    std::size_t n_clusters_;
    double alpha_;
    std::size_t kmeans_n_init_;
    Matrix centers_;  // empty before fit
};

}  // namespace n2d
