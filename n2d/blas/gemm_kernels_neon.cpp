// NEON sgemm micro-kernel (aarch64 only; Advanced SIMD is the baseline there, so no target
// attribute). 8×12 tile: 24 of the 32 q registers hold C, A is read as two 4-float vectors per
// k step and broadcast lane by lane into the FMAs (vfmaq_laneq_f32), B as three vectors.
#include "n2d/blas/detail/gemm_kernels.hpp"

#if defined(N2D_ARCH_AARCH64)
#include <arm_neon.h>

namespace n2d::inline v0::gemm_detail {
namespace {

// acc[i][v] += a[i] · b[v] for the four rows of one A vector (the lane must be a constant).
template <int NV>
inline void fma_rows4(float32x4_t (*acc)[NV], const float32x4_t* bv, float32x4_t av) {
    for (int v = 0; v < NV; ++v) {
        acc[0][v] = vfmaq_laneq_f32(acc[0][v], bv[v], av, 0);
        acc[1][v] = vfmaq_laneq_f32(acc[1][v], bv[v], av, 1);
        acc[2][v] = vfmaq_laneq_f32(acc[2][v], bv[v], av, 2);
        acc[3][v] = vfmaq_laneq_f32(acc[3][v], bv[v], av, 3);
    }
}

// MR rows (a multiple of 4) × 4·NV columns; every element is one FMA chain over p in order.
template <int MR, int NV>
void kernel_neon(std::size_t k, const float* a, const float* b, std::size_t ldb, float* c, std::size_t ldc,
                 float beta) {
    float32x4_t acc[MR][NV];
    for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) acc[i][v] = vdupq_n_f32(0.0f);
    for (std::size_t p = 0; p < k; ++p) {
        float32x4_t bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = vld1q_f32(b + 4 * v);
        for (int g = 0; g < MR; g += 4) fma_rows4<NV>(acc + g, bv, vld1q_f32(a + g));
        a += MR;
        b += ldb;
    }
    const float32x4_t bb = vdupq_n_f32(beta);
    for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) {
            float* ci = c + i * ldc + 4 * v;
            if (beta == 0.0f) vst1q_f32(ci, acc[i][v]);
            else if (beta == 1.0f) vst1q_f32(ci, vaddq_f32(vld1q_f32(ci), acc[i][v]));
            else vst1q_f32(ci, vfmaq_f32(acc[i][v], bb, vld1q_f32(ci)));
        }
}

constexpr GemmKernel kNeonTile{8, 12, kernel_neon<8, 3>, nullptr, nullptr, nullptr};

}  // namespace

constinit const GemmKernels neon_gemm{kNeonTile, kNeonTile};

}  // namespace n2d::gemm_detail

#endif  // N2D_ARCH_AARCH64
