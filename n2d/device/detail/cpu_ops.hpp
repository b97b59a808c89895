// The CPU device's implementations of the stage ops, defined next to the stage code they share
// kernels with (kNN, k-means, GMM, UMAP). Arguments are host views (BufView::host).
#pragma once
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

void cpu_knn_tile(ThreadPool& pool, const KnnTileArgs& args);
void cpu_kmeans_assign(ThreadPool& pool, const KmeansAssignArgs& args);
void cpu_gmm_estep(ThreadPool& pool, const GmmEstepArgs& args);
void cpu_umap_epoch(ThreadPool& pool, const UmapEpochArgs& args);

}  // namespace n2d
