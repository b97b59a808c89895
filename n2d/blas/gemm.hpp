// Single-precision GEMM with BLAS semantics on row-major data:
//   C = alpha * op(A) * op(B) + beta * C,  op(X) = X or X^T,
// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are row strides (in floats) of the
// matrices as stored. beta == 0 overwrites C (NaN in C is not propagated), as BLAS does.
#pragma once
#include <cstddef>

#include "n2d/blas/simd.hpp"

namespace n2d {

class ThreadPool;

enum class Trans { N, T };

// Runs on the active SIMD target and the default thread pool.
void sgemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* A,
           std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc);

// Explicit target and pool (tests of every compiled target, devices, benchmarks).
void sgemm(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n,
           std::size_t k, float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
           float beta, float* C, std::size_t ldc);

// Plain triple-loop reference (double accumulation) for tests.
void sgemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                     const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
                     std::size_t ldc);

}  // namespace n2d
