// Internal: option resolution and graph assembly shared by build_knn and KnnIndex::build.
#pragma once
#include "n2d/knn/detail/common.hpp"
#include "n2d/knn/knn.hpp"

namespace n2d::inline v0::knn_detail {

// KnnMethod::automatic searches exactly below this many points (umap-learn's rule).
inline constexpr std::size_t kExactBelow = 4096;

struct ResolvedOptions {
    KnnMethod method = KnnMethod::exact;  // never automatic
    NnDescentParams nnd;                  // nnd.k: neighbours besides the point itself
    Device* device = nullptr;             // runs the exact search's tiles (null: the host code)
};
// Validates `options` for n points and fills in the pynndescent defaults.
ResolvedOptions resolve(std::size_t n, const KnnOptions& options);
// Neighbours of every training point, itself excluded.
Neighbors search_training(const Space& space, const ResolvedOptions& r, ThreadPool& pool,
                          const ProgressReporter& progress);
// Reduced lists → public graph (true distances; the point itself first when self_first).
KnnGraph to_graph(const Space& space, const Neighbors& nb, bool self_first);

}  // namespace n2d::knn_detail
