// The fitted state of an Isomap (internal): what transform and save need.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/knn/knn.hpp"
#include "n2d/manifold/detail/geodesic.hpp"

namespace n2d::inline v0 {

class ThreadPool;

struct IsomapModel {
    std::size_t n = 0, dim = 0, n_components = 0, n_graph_components = 1;
    KnnIndex index;                    // exact kNN index over the training data
    GeodesicGraph graph;               // undirected training graph, components joined
    // The reference points of the kernel: empty = all n (exact mode), else the landmarks (ascending).
    std::vector<std::int32_t> landmarks;
    std::vector<double> col_mean;      // per reference point: mean of K's column
    double all_mean = 0.0;
    std::vector<double> eigenvalues;   // n_components, descending (zeros allowed)
    std::vector<double> eigenvectors;  // reference points × n_components, row-major
    Matrix embedding;
    double reconstruction_error = 0.0;

    std::size_t n_reference() const noexcept { return landmarks.empty() ? n : landmarks.size(); }
};

// Double-centred −½D² of the symmetric r × r float32 geodesic matrix, in place, and its eigenpairs.
struct KernelEigen {
    std::vector<double> col_mean, values, vectors;  // vectors: r × k row-major
    double all_mean = 0.0, frobenius2 = 0.0;         // ‖Kc‖²_F of the stored (float32) Kc
};
KernelEigen kernel_pca(float* d, std::size_t r, std::size_t k, std::uint64_t seed, ThreadPool& pool);

// Kernel-PCA transform of one point given its geodesics g (r doubles, to the reference points):
// out[c] = Σ_j (−½g_j² − col_mean_j − mean(−½g²) + all_mean) V_jc / sqrt(λ_c) (0 for λ_c = 0).
// `scratch` holds n_components doubles.
void kernel_transform(const IsomapModel& m, const double* g, double* scratch, float* out);

}  // namespace n2d
