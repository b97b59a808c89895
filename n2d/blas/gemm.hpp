// Single-precision GEMM with BLAS semantics on row-major data:
//   C = alpha * op(A) * op(B) + beta * C,  op(X) = X or X^T,
// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are row strides (in floats) of the
// matrices as stored. beta == 0 overwrites C (NaN in C is not propagated), as BLAS does;
// alpha == 0 or k == 0 only scales C by beta and never reads A or B.
//
// Implementation (gemm.cpp): BLIS-style packing and cache blocking around one register-blocked
// micro-kernel per ISA (AVX-512 8×32, AVX2+FMA 6×16, portable 4×8), chosen by the SIMD target;
// on AVX-512 the 6×16 tile also takes the parts of C where 8×32 tiles would be mostly padding.
//
// Contracts:
// - Reproducible: for a given target, results are bit-identical for any thread count and any
//   pool (each element is summed in an order fixed by k alone). Different targets round
//   differently (FMA, tile shapes).
// - Threads: work is split over row or column blocks of C through the pool; problems under a
//   few million multiply-adds run on the calling thread. Calls from inside a pool task run
//   inline. Concurrent calls from several threads are safe (packing buffers are per thread and
//   persist, so steady-state calls do not allocate).
// - Errors: n2d::Error when a stride is smaller than its matrix's stored width, a pointer is
//   null, or the target is not usable on this CPU.
#pragma once
#include <cstddef>

#include "n2d/blas/activation.hpp"
#include "n2d/blas/simd.hpp"

namespace n2d::inline v0 {

class ThreadPool;

enum class Trans { N, T };

// Runs on the active SIMD target and the default thread pool.
void sgemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* A,
           std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc);

// Explicit target and pool (tests of every compiled target, devices, benchmarks).
void sgemm(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n,
           std::size_t k, float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
           float beta, float* C, std::size_t ldc);

// What a dense layer does with the product, applied by sgemm to each block of C as soon as its
// k sum is complete (while the block is still in cache) instead of in passes over all of C:
//   C += bias (n floats, one per column), when bias is given; then
//   act_out = act(C) (m × n, row stride ld_act; may be C itself when ld_act == ldc), when act_out
//   is given.
// The bits equal those of sgemm followed by n2d::bias_add and n2d::activation_forward.
struct GemmEpilogue {
    const float* bias = nullptr;
    Activation act = Activation::linear;
    float act_alpha = 0.01f;
    float* act_out = nullptr;
    std::size_t ld_act = 0;
};
void sgemm(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n,
           std::size_t k, float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
           float beta, float* C, std::size_t ldc, const GemmEpilogue& epilogue);

// Plain triple-loop reference (double accumulation) for tests.
void sgemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                     const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
                     std::size_t ldc);

}  // namespace n2d
