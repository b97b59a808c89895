// Internal to the vector kernels: the SIMD tables defined in vector_x86.cpp (x86-64 only).
#pragma once
#include "n2d/blas/detail/vector.hpp"

namespace n2d::inline v0::vector_detail {
#if defined(__x86_64__)
const VectorKernels& avx2_table() noexcept;
const VectorKernels& avx512_table() noexcept;
#endif
}  // namespace n2d::vector_detail
