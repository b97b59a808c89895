#include "n2d/blas/gemm.hpp"

#include <algorithm>

#include "n2d/core/thread_pool.hpp"

namespace n2d {

namespace {
inline float at(Trans t, const float* X, std::size_t ld, std::size_t r, std::size_t c) {
    return t == Trans::N ? X[r * ld + c] : X[c * ld + r];
}

// Rows [i0, i1) of C: scale by beta, then accumulate alpha*op(A)*op(B) one k-panel at a time.
void gemm_rows(Trans ta, Trans tb, std::size_t i0, std::size_t i1, std::size_t n, std::size_t k, float alpha,
               const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
               std::size_t ldc) {
    for (std::size_t i = i0; i < i1; ++i) {
        float* c = C + i * ldc;
        if (beta == 0.0f) std::fill(c, c + n, 0.0f);
        else if (beta != 1.0f) for (std::size_t j = 0; j < n; ++j) c[j] *= beta;
    }
    if (alpha == 0.0f || k == 0) return;
    for (std::size_t i = i0; i < i1; ++i) {
        float* c = C + i * ldc;
        for (std::size_t p = 0; p < k; ++p) {
            const float a = alpha * at(ta, A, lda, i, p);
            if (tb == Trans::N) {
                const float* b = B + p * ldb;
                for (std::size_t j = 0; j < n; ++j) c[j] += a * b[j];
            } else {
                for (std::size_t j = 0; j < n; ++j) c[j] += a * B[j * ldb + p];
            }
        }
    }
}
}  // namespace

void sgemm(SimdTarget, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
           float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
           std::size_t ldc) {
    if (m == 0 || n == 0) return;
    pool.parallel_for(0, m, 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
        gemm_rows(ta, tb, lo, hi, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    });
}

void sgemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* A,
           std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc) {
    sgemm(active_target(), default_pool(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void sgemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                     const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
                     std::size_t ldc) {
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double s = 0.0;
            for (std::size_t p = 0; p < k; ++p) s += double(at(ta, A, lda, i, p)) * double(at(tb, B, ldb, p, j));
            float& c = C[i * ldc + j];
            c = static_cast<float>(alpha * s + (beta == 0.0f ? 0.0 : double(beta) * c));
        }
}

}  // namespace n2d
