// The paper's ablation on the same data as an N2D fit: each clusterer (k-means, GMM, spectral
// clustering) on each representation — the raw data, UMAP of the raw data, the autoencoder's
// codes, and each manifold learner (UMAP, Isomap, t-SNE, LLE) of the codes.
//   k-means   KMeans(n_clusters, n_init 20) (the paper's KM)
//   GMM       the fitted model's GMM options (full covariance up to 64 columns; diagonal above
//             that, where a full fit is O(n k d^3))
//   SC        SpectralClustering with the fitted model's options (kNN affinity, 10 neighbours)
// The learners use the fitted model's options and seeds, so the row of the model's own
// learner reuses its embedding rather than recomputing it. t-SNE runs in the dimensions of
// N2DOptions::tsne (2 by default; the paper's code asked its t-SNE for umap_dim dimensions).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "n2d/pipeline/n2d_pipeline.hpp"

namespace n2d::inline v0 {

enum class AblationInput { raw, raw_umap, codes, codes_umap, codes_isomap, codes_tsne, codes_lle };
// "raw", "raw+umap", "ae", "ae+umap", "ae+isomap", "ae+tsne", "ae+lle" (the JSON names).
const char* to_string(AblationInput input) noexcept;
// "raw data", "UMAP (raw)", "AE codes", "AE+UMAP", "AE+Isomap", "AE+t-SNE", "AE+LLE".
const char* display_name(AblationInput input) noexcept;

struct AblationCell {
    AblationInput input = AblationInput::raw;
    ClustererKind clusterer = ClustererKind::gmm;
    std::vector<int> labels;
    double embed_seconds = 0;    // computing the input (0 for raw data, the codes and reused embeddings)
    double cluster_seconds = 0;  // the clusterer's fit_predict
    // Why the cell has no labels: its input or clusterer failed on this data (e.g. LLE's dense
    // eigensolver above LleOptions::max_dense_points); the rest of the table still runs.
    std::string error;
};

// The full table: every input above × {k-means, GMM, SC}, in that order. `fitted` must have
// been fitted on x; without an autoencoder embedder the code rows are skipped. Progress goes
// to fitted.options().progress; cancelling it stops the table (n2d::Cancelled). A cell whose
// learner or clusterer throws n2d::Error records the message in `error`.
std::vector<AblationCell> run_ablation(ConstMatrixView x, const N2D& fitted);
// Only the listed (input, clusterer) cells, in the order given.
std::vector<AblationCell> run_ablation(ConstMatrixView x, const N2D& fitted,
                                       const std::vector<std::pair<AblationInput, ClustererKind>>& cells);

// The four comparison runs older releases printed, named as before:
//   "k-means (raw)", "GMM (raw)" ("GMM diag (raw)" above 64 columns), "UMAP+GMM (raw)",
//   "AE+GMM (no UMAP)" (skipped without an autoencoder).
struct BaselineResult {
    std::string name;
    std::vector<int> labels;
    double seconds = 0;
};
std::vector<BaselineResult> run_paper_baselines(ConstMatrixView x, const N2D& fitted);
// The same four, taken from cells of a full ablation table (no recomputation).
std::vector<BaselineResult> baselines_from_ablation(const std::vector<AblationCell>& table, std::size_t raw_dim);

}  // namespace n2d
