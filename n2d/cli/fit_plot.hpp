// `n2d fit --plot`: the manifold as a scatter plot, coloured by cluster and, when labels are
// known, a second panel coloured by class, with matched clusters and classes sharing colours.
#pragma once
#include <string>

#include "n2d/data/dataset.hpp"
#include "n2d/pipeline/n2d_pipeline.hpp"

namespace n2d::inline v0::cli {

// Plots the model's training embedding: its two columns when the manifold is 2-d, else a 2-d
// UMAP of it (seeded from the model's seed).
void write_fit_plot(const std::string& path, const N2D& model, const Dataset& data);

}  // namespace n2d::cli
