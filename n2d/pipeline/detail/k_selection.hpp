// The pipeline's search over k (N2D::fit with n_clusters = 0), in its own file.
#pragma once
#include <memory>
#include <vector>

#include "n2d/pipeline/n2d_pipeline.hpp"

namespace n2d::inline v0::detail {

struct KSearchResult {
    KSelection selection;
    std::unique_ptr<Clusterer> clusterer;  // the chosen k's fit
    std::vector<int> labels;               // its training labels
};

// Throws n2d::Error when the range does not fit n rows (the options' own checks are validate's).
void require_k_range(const KSelectionOptions& k, std::size_t n);

// Fits options.clusterer for every k in options.k_selection's range on `embedding` with
// `ctx.seed` (the seed a fixed-k fit uses, so the chosen fit equals that fit), scores each and
// returns the best (first on ties). Reports one "k-selection" progress step per k.
KSearchResult search_k(ConstMatrixView embedding, const N2DOptions& options, const StageContext& ctx,
                       std::uint64_t sample_seed);

}  // namespace n2d::detail
