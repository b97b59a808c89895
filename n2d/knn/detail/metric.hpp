// Internal: the metric space the kNN builders search. Rows are "prepared" once so that every
// metric runs on one of four reduced-distance kernels over zero-padded rows (width a multiple
// of 8, so SIMD kernels need no tail):
//   euclidean / minkowski(2): rows minus the column mean (exact same distances, smaller norms
//                             for the GEMM expansion), squared euclidean, reported as sqrt;
//   cosine:      rows / |row|, squared euclidean = 2·(1 − cos), reported halved;
//   correlation: (row − row mean) / norm, then as cosine;
//   manhattan / minkowski(1), chebyshev: raw rows, own kernels; minkowski(p): Σ|Δ|^p, ^(1/p).
// A zero row under cosine/correlation becomes the unit vector of one extra column, so it is at
// distance 1 from every non-zero row and 0 from other zero rows — pynndescent's convention.
#pragma once
#include <cstddef>
#include <vector>

#include "n2d/blas/simd.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/knn/knn.hpp"

namespace n2d::inline v0::knn_detail {

enum class Kernel { sqeuclidean, manhattan, chebyshev, minkowski };

// out[i] = reduced distance between a and bs[i], i < count. Rows have `dim` floats (dim % 8 == 0).
using DistanceManyFn = void (*)(const float* a, const float* const* bs, std::size_t count, std::size_t dim,
                                float p, float* out);
using DistanceFn = float (*)(const float* a, const float* b, std::size_t dim, float p);

struct DistanceKernels {
    DistanceFn one;
    DistanceManyFn many;
};
const DistanceKernels& distance_kernels(Kernel kernel, SimdTarget target);

inline std::size_t padded_width(std::size_t d) { return (d + 7) / 8 * 8; }

class Space {
public:
    Space() = default;
    // Prepares `data` (finite values required; throws n2d::Error naming the bad cell otherwise).
    Space(ConstMatrixView data, Metric metric, float minkowski_p, ThreadPool& pool);

    Metric metric() const noexcept { return metric_; }
    float minkowski_p() const noexcept { return p_; }
    Kernel kernel() const noexcept { return kernel_; }
    std::size_t size() const noexcept { return data_.rows(); }
    std::size_t input_dim() const noexcept { return input_dim_; }
    std::size_t dim() const noexcept { return data_.cols(); }  // prepared, padded width
    const Matrix& data() const noexcept { return data_; }
    const float* row(std::size_t i) const noexcept { return data_.row(i); }
    // Squared-euclidean spaces can use the GEMM expansion for exact search.
    bool gemm_friendly() const noexcept { return kernel_ == Kernel::sqeuclidean; }

    float distance(const float* a, const float* b) const noexcept { return kernels_->one(a, b, dim(), p_); }
    void distances(const float* a, const float* const* bs, std::size_t count, float* out) const noexcept {
        kernels_->many(a, bs, count, dim(), p_, out);
    }
    // Reduced distance → the metric's true distance.
    float to_true(float reduced) const noexcept;
    // The reduced distance whose true distance is (1 + epsilon) times that of `reduced`.
    float widen(float reduced, float epsilon) const noexcept;

    // Prepares query rows the way the training rows were (out: rows × dim(), zero-padded).
    // Throws n2d::Error when a query has the wrong width or a NaN/Inf.
    Matrix prepare(ConstMatrixView rows, const char* what, ThreadPool& pool) const;

    void save(ByteWriter& out) const;
    static Space load(ByteReader& in);

private:
    void prepare_row(const float* in, float* out) const noexcept;
    void bind_kernels();

    Metric metric_ = Metric::euclidean;
    float p_ = 2;
    Kernel kernel_ = Kernel::sqeuclidean;
    std::size_t input_dim_ = 0;
    std::vector<float> center_;  // euclidean: column means subtracted from every row
    Matrix data_;
    const DistanceKernels* kernels_ = nullptr;
};

}  // namespace n2d::knn_detail
