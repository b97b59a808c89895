// Dense Cholesky factorisation and solves for symmetric positive-definite matrices of a few
// thousand rows (LLE's shift-invert eigensolver; any method that needs (A + σI)⁻¹ applied many
// times). Row-major doubles, lower triangle.
//
// Reproducible: every entry is summed in an order fixed by its position and the block size, so
// results are bit-identical at any thread count (they differ between SIMD targets: FMA).
#pragma once
#include <cstddef>
#include <functional>

namespace n2d::inline v0 {

class ThreadPool;

// Called after each block column with (columns done, n); may throw to cancel.
using CholeskyProgress = std::function<void(std::size_t done, std::size_t total)>;

// Overwrites the lower triangle of the n × n matrix `a` (row stride n) with L, A = L Lᵀ; the
// strict upper triangle is left unspecified. Returns false when a pivot is not positive (A is
// not numerically positive definite); `a` is then unspecified.
bool cholesky_factor(std::size_t n, double* a, ThreadPool& pool, const CholeskyProgress& progress = {});

// Solves L Lᵀ x = b in place for the factor written by cholesky_factor.
void cholesky_solve(std::size_t n, const double* l, double* b, ThreadPool& pool);

}  // namespace n2d
