// Dense Cholesky factorisation and solves for symmetric positive-definite matrices of a few
// thousand rows (LLE's shift-invert eigensolver; any method that needs (A + σI)⁻¹ applied many
// times). Row-major doubles, lower triangle.
//
// Reproducible: every entry is summed in an order fixed by its position and the block size, so
// results are bit-identical at any thread count (they differ between SIMD targets: FMA).
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

namespace n2d::inline v0 {

class ThreadPool;

// Called after each block column with (columns done, n); may throw to cancel.
using CholeskyProgress = std::function<void(std::size_t done, std::size_t total)>;

// Overwrites the lower triangle of the n × n matrix `a` (row stride n) with L, A = L Lᵀ; the
// strict upper triangle is left unspecified. Returns false when a pivot is not positive (A is
// not numerically positive definite); `a` is then unspecified.
bool cholesky_factor(std::size_t n, double* a, ThreadPool& pool, const CholeskyProgress& progress = {});

// The factor repacked by block columns (each block's rows contiguous), so a solve streams
// memory in order; solve() is not thread-safe (it reuses a scratch buffer).
class PackedCholesky {
public:
    PackedCholesky() = default;
    // `l`: the n × n output of cholesky_factor (lower triangle read).
    PackedCholesky(std::size_t n, const double* l);
    // Solves L Lᵀ x = b in place.
    void solve(double* b, ThreadPool& pool) const;
    std::size_t size() const noexcept { return n_; }

private:
    std::size_t n_ = 0;
    std::vector<double> data_;
    std::vector<std::size_t> offset_;
    mutable std::vector<double> partial_;
};

}  // namespace n2d
