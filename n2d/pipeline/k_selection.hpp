// Choosing the number of clusters when it is unknown (N2DOptions::n_clusters = 0): the pipeline
// fits its clusterer for every k in a range on the manifold embedding, scores each fit, and
// keeps the best one (no refit). Every candidate gets the clusterer seed a fixed-k fit uses, so
// the chosen model equals the fit with n_clusters = k and the same stage sizes, and the scores
// are identical at any thread count.
//
// Criteria:
//   silhouette  the mean silhouette of the fit's labels on the manifold (higher is better),
//               computed exactly on one seeded subsample of the embedding, the same points for
//               every k. The default: on the paper's UMAP manifolds (min_dist 0) the clusters
//               are tight and far from Gaussian, so likelihood criteria keep improving as
//               components split them, while the silhouette peaks where classes separate.
//   bic         the Gaussian mixture's Bayesian information criterion (lower is better); needs
//               the GMM clusterer.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace n2d::inline v0 {

enum class KCriterion { silhouette, bic };

const char* to_string(KCriterion c) noexcept;
// "silhouette" or "bic"; throws n2d::Error naming both otherwise.
KCriterion parse_k_criterion(const std::string& name);

// The stage sizes that follow n_clusters (autoencoder latent width, manifold dimensions) when
// k is unknown. 10 is the paper's: every dataset it reports has 10 classes, so its published
// results were all measured with 10-d codes and a 10-d manifold. A size that does not depend on
// the k being searched means every candidate k is scored on the same manifold.
constexpr std::size_t kUnknownKStageSize = 10;

struct KSelectionOptions {
    std::size_t min_k = 2;   // at least 2 (the silhouette needs two clusters)
    std::size_t max_k = 30;  // at most the number of training rows
    KCriterion criterion = KCriterion::silhouette;
    // Points the silhouette is computed on (a seeded subsample when the data has more): the
    // exact silhouette costs O(sample² · dim) per k.
    std::size_t silhouette_sample = 5000;
};

// One candidate k. A score that was not computed is NaN: bic for a clusterer other than the
// GMM, silhouette when the fit put every sampled point in one cluster.
struct KScore {
    std::size_t k = 0;
    double silhouette = 0;
    double bic = 0;
};

// The curve and the choice of the last fit with n_clusters = 0 (empty when k was given, and
// with HDBSCAN, which finds its own number of clusters).
struct KSelection {
    KCriterion criterion = KCriterion::silhouette;
    std::size_t chosen = 0;      // 0 when no selection ran
    std::vector<KScore> scores;  // in increasing k
    // The criterion's value for one candidate.
    double score(const KScore& s) const noexcept { return criterion == KCriterion::bic ? s.bic : s.silhouette; }
};

}  // namespace n2d
