// Wall-clock seconds since a steady_clock time point, for the stage timings of the pipeline,
// the baselines and UMAP (one definition, so a unity build sees no duplicate).
#pragma once

#include <chrono>

namespace n2d::inline v0 {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace n2d
