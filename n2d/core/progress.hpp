// One progress callback type for every stage (autoencoder epochs, kNN, UMAP epochs, EM).
#pragma once
#include <cstddef>
#include <functional>

namespace n2d::inline v0 {

struct Progress {
    const char* stage = "";    // "autoencoder", "knn", "umap", "gmm", ...
    std::size_t step = 0;      // 1-based step within the stage (epoch, iteration)
    std::size_t total = 0;     // steps planned (0 = unknown)
    double loss = 0.0;         // stage-specific objective, NaN when none
    double items_per_second = 0.0;
    double elapsed_seconds = 0.0;
    double eta_seconds = 0.0;  // estimated time to the end of the stage
};

// Return false to cancel: the stage stops and throws n2d::Cancelled. A cancelled (or otherwise
// failed) fit leaves a component as it was before the call — unfitted, or still holding its
// previous fit — so it can be fitted again, and a refit with the same seed equals a fit that was
// never cancelled. Two exceptions, for the reasons their headers give: the autoencoder keeps the
// epochs it finished, and an N2D model is left unfitted.
using ProgressCallback = std::function<bool(const Progress&)>;

}  // namespace n2d
