// Internals shared by the k-means files: the centred data and one run of Lloyd or Elkan.
#pragma once
#include <cstddef>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {
class ThreadPool;
}

namespace n2d::inline v0::detail {

// Rows per reduction chunk: fixed so sums do not depend on the thread count.
inline constexpr std::size_t kKMeansChunk = 256;

struct KMeansData {
    ConstMatrixView x;                 // centred data (float, contiguous)
    std::vector<float> sq_norms;       // ‖x_i‖²
    std::size_t n = 0, d = 0;
    // Lloyd's assignment runs on `device` (kmeans_assign) when set, with x uploaded once as x_dev;
    // null: the host GEMM assignment.
    Device* device = nullptr;
    BufView x_dev;
};

struct KMeansRun {
    Matrix centers;                    // k × d, centred coordinates
    std::vector<int> labels;
    double inertia = 0.0;
    std::size_t n_iter = 0;
};

// One run from `centers` (k × d, centred coordinates). tol is the effective (absolute) tolerance.
KMeansRun lloyd_run(const KMeansData& data, Matrix centers, std::size_t max_iter, double tol, ThreadPool& pool);
KMeansRun elkan_run(const KMeansData& data, Matrix centers, std::size_t max_iter, double tol, ThreadPool& pool);

// Empty-cluster relocation shared by both algorithms (sklearn _relocate_empty_clusters_dense):
// each empty cluster takes one of the samples farthest from their current centre. `dist2` holds
// each sample's squared distance to its assigned centre. Updates sums/weights in place.
void relocate_empty_clusters(const KMeansData& data, const std::vector<int>& labels, const std::vector<double>& dist2,
                             std::vector<double>& sums, std::vector<double>& weights, std::size_t k);

// New centres from sums/weights (a cluster left with zero weight sits at the origin of the
// centred data, as sklearn 1.2.1 does); returns Σ‖new − old‖² and fills per-centre shifts.
double update_centers(const std::vector<double>& sums, const std::vector<double>& weights, Matrix& centers,
                      std::vector<double>& shift);

}  // namespace n2d::detail
