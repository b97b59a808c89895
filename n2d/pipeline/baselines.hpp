// The paper's comparison runs (its ablation table) on the same data as an N2D fit:
//   "k-means (raw)"       KMeans(n_clusters, n_init 20) on the raw data (the paper's KM)
//   "GMM (raw)"           GaussianMixture on the raw data (full covariance up to 64
//                         columns; diagonal above that, where a full fit is O(n k d^3))
//   "UMAP+GMM (raw)"      the N2D manifold and clusterer on the raw data (no autoencoder)
//   "AE+GMM (no UMAP)"    the clusterer on the fitted model's latent codes (no manifold)
#pragma once
#include <string>
#include <vector>

#include "n2d/pipeline/n2d_pipeline.hpp"

namespace n2d::inline v0 {

struct BaselineResult {
    std::string name;
    std::vector<int> labels;
    double seconds = 0;
};

// Runs the four baselines; `fitted` supplies the options (seed, UMAP and GMM settings) and
// the latent codes of `x` (it must have been fitted on x with an autoencoder embedder, else
// the AE+GMM run is skipped). Progress goes to fitted.options().progress.
std::vector<BaselineResult> run_paper_baselines(ConstMatrixView x, const N2D& fitted);

}  // namespace n2d
