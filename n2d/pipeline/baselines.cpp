#include "n2d/pipeline/baselines.hpp"

#include <chrono>
#include <map>
#include <optional>

#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/pipeline/detail/stage_state.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::size_t kFullCovarianceMaxDim = 64;
// The clusterers' derive_seed stream (as the baselines always had); the learners use the
// pipeline's manifold stream, so a learner here equals the pipeline's own.
constexpr std::uint64_t kBaselineStream = 100;
using detail::kManifoldStream;

bool is_code_input(AblationInput in) { return in != AblationInput::raw && in != AblationInput::raw_umap; }

ManifoldKind learner_of(AblationInput in) {
    switch (in) {
        case AblationInput::raw_umap:
        case AblationInput::codes_umap: return ManifoldKind::umap;
        case AblationInput::codes_isomap: return ManifoldKind::isomap;
        case AblationInput::codes_tsne: return ManifoldKind::tsne;
        case AblationInput::codes_lle: return ManifoldKind::lle;
        default: return ManifoldKind::none;
    }
}

std::vector<int> cluster(ConstMatrixView x, ClustererKind kind, const N2D& fitted) {
    const auto& o = fitted.options();
    const std::uint64_t seed = derive_seed(o.seed, kBaselineStream);
    N2DOptions c = o;
    if (c.n_clusters == 0) c.n_clusters = fitted.n_clusters();  // k was chosen by the fit: compare at it
    c.clusterer = kind;
    c.kmeans.n_init = 20;
    if (x.cols > kFullCovarianceMaxDim && c.gmm.covariance_type == CovarianceType::full)
        c.gmm.covariance_type = CovarianceType::diag;
    return make_clusterer_stage(c)->fit_predict(x, StageContext{seed, o.progress, nullptr});
}

// One representation, computed once and shared by its cells.
struct Representation {
    Matrix owned;
    ConstMatrixView view;
    double seconds = 0;
};

Representation represent(AblationInput in, ConstMatrixView x, const N2D& fitted) {
    const auto& o = fitted.options();
    Representation r;
    const ManifoldKind learner = learner_of(in);
    if (learner == ManifoldKind::none) {
        r.view = in == AblationInput::raw ? x : ConstMatrixView(fitted.latent().view());
        return r;
    }
    if (in != AblationInput::raw_umap && o.manifold == learner && fitted.manifold_embedding().rows() == x.rows) {
        r.view = fitted.manifold_embedding().view();
        return r;
    }
    N2DOptions m = o;
    m.manifold = learner;
    const auto t0 = std::chrono::steady_clock::now();
    r.owned = make_manifold_stage(m)->fit_transform(is_code_input(in) ? ConstMatrixView(fitted.latent().view()) : x,
                                                    StageContext{derive_seed(o.seed, kManifoldStream), o.progress, nullptr});
    r.seconds = seconds_since(t0);
    r.view = r.owned.view();
    return r;
}

}  // namespace

const char* to_string(AblationInput input) noexcept {
    constexpr const char* names[] = {"raw", "raw+umap", "ae", "ae+umap", "ae+isomap", "ae+tsne", "ae+lle"};
    return names[static_cast<std::size_t>(input)];
}

const char* display_name(AblationInput input) noexcept {
    constexpr const char* names[] = {"raw data", "UMAP (raw)", "AE codes", "AE+UMAP", "AE+Isomap", "AE+t-SNE", "AE+LLE"};
    return names[static_cast<std::size_t>(input)];
}

std::vector<AblationCell> run_ablation(ConstMatrixView x, const N2D& fitted,
                                       const std::vector<std::pair<AblationInput, ClustererKind>>& cells) {
    N2D_REQUIRE(fitted.fitted() && x.cols == fitted.input_dim(),
                "run_ablation: pass the data the model was fitted on (" + std::to_string(fitted.input_dim()) +
                    " columns), after fit");
    // The baselines see the input as the pipeline did: scaled when it was.
    Matrix scaled;
    if (fitted.scaler().kind() != Scaling::none) {
        scaled = fitted.scaler().transform(x);
        x = scaled.view();
    }
    const bool has_codes =
        fitted.options().embedder == EmbedderKind::autoencoder && fitted.latent().rows() == x.rows;
    std::map<AblationInput, Representation> inputs;
    std::map<AblationInput, std::string> failed;
    std::vector<AblationCell> out;
    for (const auto& [input, clusterer] : cells) {
        if (is_code_input(input) && !has_codes) continue;
        AblationCell cell;
        cell.input = input;
        cell.clusterer = clusterer;
        auto it = inputs.find(input);
        if (it == inputs.end() && !failed.count(input)) {
            try {
                it = inputs.emplace(input, represent(input, x, fitted)).first;
                cell.embed_seconds = it->second.seconds;
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& e) {
                failed[input] = e.what();
            }
        }
        if (auto f = failed.find(input); f != failed.end()) {
            cell.error = f->second;
            out.push_back(std::move(cell));
            continue;
        }
        const auto t0 = std::chrono::steady_clock::now();
        try {
            cell.labels = cluster(it->second.view, clusterer, fitted);
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            cell.error = e.what();
        }
        cell.cluster_seconds = seconds_since(t0);
        out.push_back(std::move(cell));
    }
    return out;
}

std::vector<AblationCell> run_ablation(ConstMatrixView x, const N2D& fitted) {
    std::vector<std::pair<AblationInput, ClustererKind>> cells;
    for (auto in : {AblationInput::raw, AblationInput::raw_umap, AblationInput::codes, AblationInput::codes_umap,
                    AblationInput::codes_isomap, AblationInput::codes_tsne, AblationInput::codes_lle})
        for (auto c : {ClustererKind::kmeans, ClustererKind::gmm, ClustererKind::spectral}) cells.emplace_back(in, c);
    return run_ablation(x, fitted, cells);
}

std::vector<BaselineResult> baselines_from_ablation(const std::vector<AblationCell>& table, std::size_t raw_dim) {
    const std::pair<AblationInput, ClustererKind> wanted[] = {{AblationInput::raw, ClustererKind::kmeans},
                                                              {AblationInput::raw, ClustererKind::gmm},
                                                              {AblationInput::raw_umap, ClustererKind::gmm},
                                                              {AblationInput::codes, ClustererKind::gmm}};
    const char* names[] = {"k-means (raw)", raw_dim > kFullCovarianceMaxDim ? "GMM diag (raw)" : "GMM (raw)",
                           "UMAP+GMM (raw)", "AE+GMM (no UMAP)"};
    std::vector<BaselineResult> out;
    for (std::size_t i = 0; i < 4; ++i)
        for (const auto& c : table)
            if (c.input == wanted[i].first && c.clusterer == wanted[i].second && c.error.empty())
                out.push_back({names[i], c.labels, c.embed_seconds + c.cluster_seconds});
    return out;
}

std::vector<BaselineResult> run_paper_baselines(ConstMatrixView x, const N2D& fitted) {
    const auto table = run_ablation(x, fitted,
                                    {{AblationInput::raw, ClustererKind::kmeans},
                                     {AblationInput::raw, ClustererKind::gmm},
                                     {AblationInput::raw_umap, ClustererKind::gmm},
                                     {AblationInput::codes, ClustererKind::gmm}});
    return baselines_from_ablation(table, x.cols);
}

}  // namespace n2d
