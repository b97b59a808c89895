// Internal to the vector kernels: the per-target tables (vector_x86.cpp, vector_neon.cpp).
#pragma once
#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/blas/detail/vector.hpp"

namespace n2d::inline v0::vector_detail {
#if defined(N2D_ARCH_X86_64)
extern const VectorKernels avx2_table, avx512_table;
#elif defined(N2D_ARCH_AARCH64)
extern const VectorKernels neon_table;
#endif
}  // namespace n2d::vector_detail
