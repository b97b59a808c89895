// Internal to sgemm: the register-blocked micro-kernels (one per ISA) and their tile shapes.
// Not part of the public API (not in n2d.hpp).
#pragma once
#include <cstddef>

#include "n2d/blas/detail/dispatch.hpp"

namespace n2d::inline v0::gemm_detail {

// Computes one MR×NR tile of C (row stride ldc):
//   C[i, j] = beta * C[i, j] + sum_p a[p * MR + i] * b[p * ldb + j],   0 <= i < MR, 0 <= j < NR,
// with `a` a packed A micro-panel (MR floats per k step) and `b` NR contiguous floats per k step,
// ldb floats apart (NR for a packed B panel, the matrix row stride when B is read in place).
// beta == 0 overwrites C (NaN in C is not propagated); the sum runs over p in increasing order.
using MicroKernel = void (*)(std::size_t k, const float* a, const float* b, std::size_t ldb, float* c,
                             std::size_t ldc, float beta);

// Packs rows [0, rows) × k steps of op(A) = A (row-major, A(i, p) = a[i * lda + p]) into an MR-wide
// micro-panel dst[p * MR + i] = alpha * A(i, p), zero-filling rows [rows, MR). The transposing
// pack is the costly one, so ISAs may provide a vectorised version.
using PackAN = void (*)(std::size_t rows, std::size_t k, float alpha, const float* a, std::size_t lda, float* dst);

// Packs NR columns × k steps of op(B) = B^T (B row-major n×k, op(B)(p, j) = b[j * ldb + p]) into
// dst[p * NR + j], zero-filling columns [cols, NR).
using PackBT = void (*)(std::size_t cols, std::size_t k, const float* b, std::size_t ldb, float* dst);

// Copies k rows of `cols` contiguous floats (ld apart) into rows of `width` floats:
// dst[p * width + j] = scale * src[p * ld + j] for j < cols, 0 for cols <= j < width. This packs
// op(A) = A^T panels (width MR, scale alpha) and op(B) = B panels (width NR, scale 1).
using PackRows = void (*)(std::size_t cols, std::size_t width, std::size_t k, float scale, const float* src,
                          std::size_t ld, float* dst);

struct GemmKernel {
    std::size_t mr = 0, nr = 0;
    MicroKernel kernel = nullptr;
    PackAN pack_a_n = nullptr;  // null: the portable packer
    PackBT pack_b_t = nullptr;  // null: the portable packer
    PackRows pack_rows = nullptr;  // null: the portable packers
};

// One target's kernel table: `wide` for most shapes, `narrow` where the wide tiles would be
// mostly padding (AVX-512 uses the AVX2 6×16 tile with AVX-512 packers; other targets have one tile).
struct GemmKernels {
    GemmKernel wide, narrow;
};

extern const GemmKernels scalar_gemm;
#if defined(N2D_ARCH_X86_64)
extern const GemmKernels avx2_gemm, avx512_gemm;
#elif defined(N2D_ARCH_AARCH64)
extern const GemmKernels neon_gemm;
#endif

}  // namespace n2d::gemm_detail
