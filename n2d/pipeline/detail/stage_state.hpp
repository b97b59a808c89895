// What every built-in stage's saved state starts with, the not-fitted check the adapters share
// (builtin_stages.cpp, learner_stages.cpp), and the stages' seed streams.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "n2d/core/bytes.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0::detail {

// Stage ids for derive_seed(N2DOptions::seed, id): fixed forever so a seed keeps meaning the same
// model; the ablation (baselines.cpp) uses the manifold stream so its learners equal the pipeline's.
// kKSelectionStream draws the points that score each candidate k (n_clusters = 0).
constexpr std::uint64_t kEmbedderStream = 1, kManifoldStream = 2, kClustererStream = 3, kKSelectionStream = 4;
constexpr std::uint64_t kFinetuneStream = 5;  // DEC/IDEC's k-means initialisation

// Each built-in stage's state starts with a version so its layout can evolve.
constexpr std::uint32_t kStageStateVersion = 1;

inline void put_stage_header(ByteWriter& out, std::size_t input_dim) {
    out.put<std::uint32_t>(kStageStateVersion);
    out.put<std::uint64_t>(input_dim);
}

// Reads the header and returns the stage's input width.
inline std::size_t get_stage_header(ByteReader& in, const char* stage) {
    const auto v = in.get<std::uint32_t>();
    in.expect(v == kStageStateVersion, std::string(stage) + " state version " + std::to_string(v) + " is not supported");
    const auto dim = in.get<std::uint64_t>();
    in.expect(dim > 0 && dim < (std::uint64_t(1) << 32), std::string(stage) + " input width " + std::to_string(dim));
    return static_cast<std::size_t>(dim);
}

template <class T>
const T& require_fitted(const std::unique_ptr<T>& p, const char* stage) {
    if (!p) N2D_FAIL(std::string("n2d: the ") + stage + " stage is not fitted; call fit first (or load a model)");
    return *p;
}

}  // namespace n2d::inline v0::detail
