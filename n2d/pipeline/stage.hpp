// The three swappable stages of an N2D pipeline (the seeds' "generators" as interfaces):
//   Embedder         raw data      -> latent codes        (autoencoder; identity; user class)
//   ManifoldLearner  latent codes  -> manifold embedding  (UMAP; identity)
//   Clusterer        embedding     -> cluster labels      (GMM; KMeans; user class)
// A stage is fitted once, then transform/predict are const and may run concurrently: N2D's
// const calls rely on it, so a user stage must allow it too (the built-in ones do). A built-in
// stage whose fit throws (n2d::Cancelled included) keeps its previous fit, if any.
// Each stage saves its state (after a kind string that N2D writes) so that the one-file model
// can restore it; user stages are restored through loaders registered in StageLoaders.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"

namespace n2d::inline v0 {

class Device;

// What the pipeline hands every stage it fits.
struct StageContext {
    std::uint64_t seed = 0;     // the stage's own seed, derived from the pipeline seed
    ProgressCallback progress;  // the pipeline's callback (may be empty)
    Device* device = nullptr;   // where to run (N2DOptions::device); null: the CPU
};

class Embedder {
public:
    virtual ~Embedder() = default;
    // Names the implementation in the model file ("autoencoder", "identity", or a user name).
    virtual std::string kind() const = 0;
    virtual void fit(ConstMatrixView x, const StageContext& ctx) = 0;
    virtual Matrix transform(ConstMatrixView x) const = 0;
    virtual std::size_t input_dim() const = 0;   // 0 before fit
    virtual std::size_t output_dim() const = 0;  // 0 before fit
    virtual void save(ByteWriter& out) const = 0;
};

class ManifoldLearner {
public:
    virtual ~ManifoldLearner() = default;
    virtual std::string kind() const = 0;
    // Fits on x and returns the embedding of x itself.
    virtual Matrix fit_transform(ConstMatrixView x, const StageContext& ctx) = 0;
    // Embeds new points into the fitted manifold; each row's result depends on that row only.
    virtual Matrix transform(ConstMatrixView x) const = 0;
    virtual std::size_t input_dim() const = 0;
    virtual std::size_t output_dim() const = 0;
    virtual void save(ByteWriter& out) const = 0;
};

class Clusterer {
public:
    virtual ~Clusterer() = default;
    virtual std::string kind() const = 0;
    virtual void fit(ConstMatrixView x, const StageContext& ctx) = 0;
    virtual std::vector<int> predict(ConstMatrixView x) const = 0;
    // Fits and labels the training rows; override where those labels differ from predict's
    // (HDBSCAN: predict approximates new points, the fit's labels are exact).
    virtual std::vector<int> fit_predict(ConstMatrixView x, const StageContext& ctx) {
        fit(x, ctx);
        return predict(x);
    }
    // n × n_clusters, rows sum to 1 (a hard clusterer gives one-hot rows; HDBSCAN's hold one
    // membership probability, and noise rows are all zero).
    virtual Matrix predict_proba(ConstMatrixView x) const = 0;
    virtual std::size_t n_clusters() const = 0;
    virtual std::size_t input_dim() const = 0;
    virtual void save(ByteWriter& out) const = 0;
};

// Restores stages from their saved state, keyed by kind(). The built-in kinds are always
// known; register a loader here for each user stage you want N2D::load to restore.
struct StageLoaders {
    std::map<std::string, std::function<std::unique_ptr<Embedder>(ByteReader&)>> embedders;
    std::map<std::string, std::function<std::unique_ptr<ManifoldLearner>(ByteReader&)>> manifolds;
    std::map<std::string, std::function<std::unique_ptr<Clusterer>(ByteReader&)>> clusterers;
};

// Identity stages: cluster raw data (no embedder) or the latent codes directly (no manifold).
class IdentityEmbedder final : public Embedder {
public:
    std::string kind() const override { return "identity"; }
    void fit(ConstMatrixView x, const StageContext& ctx) override;
    Matrix transform(ConstMatrixView x) const override;
    std::size_t input_dim() const override { return dim_; }
    std::size_t output_dim() const override { return dim_; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<IdentityEmbedder> load(ByteReader& in);

private:
    std::size_t dim_ = 0;
};

class IdentityManifold final : public ManifoldLearner {
public:
    std::string kind() const override { return "identity"; }
    Matrix fit_transform(ConstMatrixView x, const StageContext& ctx) override;
    Matrix transform(ConstMatrixView x) const override;
    std::size_t input_dim() const override { return dim_; }
    std::size_t output_dim() const override { return dim_; }
    void save(ByteWriter& out) const override;
    static std::unique_ptr<IdentityManifold> load(ByteReader& in);

private:
    std::size_t dim_ = 0;
};

// Throws n2d::Error unless x has `dim` columns; `stage` and `what` name the stage and the data.
void require_stage_input(ConstMatrixView x, std::size_t dim, const char* stage);

}  // namespace n2d
