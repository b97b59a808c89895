// AVX2 and AVX-512 versions of the vector kernels (x86-64 only; per-function target attributes,
// intrinsics only inside them). bias_add, col_sums, scale and the ReLU kernels give the scalar
// reference's bits exactly; axpy and Adam may differ by an ulp (the compiler contracts
// multiply-adds into FMA); dot and sq_row_norms sum in several accumulators.
#include "n2d/blas/detail/vector_simd.hpp"

#if defined(N2D_ARCH_X86_64)
#include <immintrin.h>

// GCC 12's AVX-512 intrinsics seed unused lanes with a self-initialised _mm512_undefined_ps(),
// which -Wuninitialized reports at every inlined call (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push  // popped at the end: a unity batch's later files keep the warnings
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace n2d::inline v0::vector_detail {
namespace {

// ============================================ AVX2 ============================================
namespace avx2 {

N2D_TARGET_AVX2 inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 0x55));
    return _mm_cvtss_f32(s);
}

N2D_TARGET_AVX2 void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias) {
    for (std::size_t i = 0; i < rows; ++i) {
        float* r = y + i * ldy;
        std::size_t j = 0;
        for (; j + 8 <= cols; j += 8)
            _mm256_storeu_ps(r + j, _mm256_add_ps(_mm256_loadu_ps(r + j), _mm256_loadu_ps(bias + j)));
        for (; j < cols; ++j) r[j] += bias[j];
    }
}

N2D_TARGET_AVX2 void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    std::size_t j = 0;
    for (; j + 32 <= cols; j += 32) {  // 4 vectors of columns summed down all rows in registers
        __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        for (std::size_t i = 0; i < rows; ++i) {
            const float* r = x + i * ldx + j;
            s0 = _mm256_add_ps(s0, _mm256_loadu_ps(r));
            s1 = _mm256_add_ps(s1, _mm256_loadu_ps(r + 8));
            s2 = _mm256_add_ps(s2, _mm256_loadu_ps(r + 16));
            s3 = _mm256_add_ps(s3, _mm256_loadu_ps(r + 24));
        }
        _mm256_storeu_ps(out + j, s0);
        _mm256_storeu_ps(out + j + 8, s1);
        _mm256_storeu_ps(out + j + 16, s2);
        _mm256_storeu_ps(out + j + 24, s3);
    }
    for (; j + 8 <= cols; j += 8) {
        __m256 s = _mm256_setzero_ps();
        for (std::size_t i = 0; i < rows; ++i) s = _mm256_add_ps(s, _mm256_loadu_ps(x + i * ldx + j));
        _mm256_storeu_ps(out + j, s);
    }
    for (; j < cols; ++j) {
        float s = 0.0f;
        for (std::size_t i = 0; i < rows; ++i) s += x[i * ldx + j];
        out[j] = s;
    }
}

N2D_TARGET_AVX2 float dot(std::size_t n, const float* x, const float* y) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 16), _mm256_loadu_ps(y + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 24), _mm256_loadu_ps(y + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), s0);
    float s = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; ++i) s += x[i] * y[i];
    return s;
}

N2D_TARGET_AVX2 void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    for (std::size_t i = 0; i < rows; ++i) out[i] = dot(cols, x + i * ldx, x + i * ldx);
}

N2D_TARGET_AVX2 void axpy(std::size_t n, float a, const float* x, float* y) {
    const __m256 av = _mm256_set1_ps(a);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_mul_ps(av, _mm256_loadu_ps(x + i))));
    for (; i < n; ++i) y[i] += a * x[i];
}

N2D_TARGET_AVX2 void scale(std::size_t n, float a, float* x) {
    const __m256 av = _mm256_set1_ps(a);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), av));
    for (; i < n; ++i) x[i] *= a;
}

N2D_TARGET_AVX2 void relu_forward(std::size_t n, const float* x, float* y) {
    const __m256 zero = _mm256_setzero_ps();
    std::size_t i = 0;
    // max(x, 0) returns its second operand for NaN and for ±0, matching `x > 0 ? x : 0`.
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_max_ps(_mm256_loadu_ps(x + i), zero));
    for (; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

N2D_TARGET_AVX2 void relu_backward(std::size_t n, const float* x, const float* dy, float* dx) {
    const __m256 zero = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 pos = _mm256_cmp_ps(_mm256_loadu_ps(x + i), zero, _CMP_GT_OQ);
        _mm256_storeu_ps(dx + i, _mm256_and_ps(pos, _mm256_loadu_ps(dy + i)));
    }
    for (; i < n; ++i) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

N2D_TARGET_AVX2 void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& s) {
    const float c1 = 1.0f - s.beta1, c2 = 1.0f - s.beta2;
    const __m256 b1 = _mm256_set1_ps(s.beta1), b2 = _mm256_set1_ps(s.beta2), c1v = _mm256_set1_ps(c1),
                 c2v = _mm256_set1_ps(c2), lr = _mm256_set1_ps(s.lr_t), eps = _mm256_set1_ps(s.eps);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 gi = _mm256_loadu_ps(g + i);
        const __m256 mi = _mm256_add_ps(_mm256_mul_ps(b1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(c1v, gi));
        const __m256 vi =
            _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(_mm256_mul_ps(c2v, gi), gi));
        const __m256 step = _mm256_div_ps(_mm256_mul_ps(lr, mi), _mm256_add_ps(_mm256_sqrt_ps(vi), eps));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(w + i, _mm256_sub_ps(_mm256_loadu_ps(w + i), step));
    }
    for (; i < n; ++i) {
        m[i] = s.beta1 * m[i] + c1 * g[i];
        v[i] = s.beta2 * v[i] + c2 * g[i] * g[i];
        w[i] -= s.lr_t * m[i] / (_mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(v[i]))) + s.eps);
    }
}

}  // namespace avx2

// =========================================== AVX-512 ==========================================
// Tails use masked loads/stores, so every kernel is one loop.
namespace avx512 {

N2D_TARGET_AVX512 inline __mmask16 tail_mask(std::size_t left) {
    return left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1u);
}

// Horizontal sum without the extract intrinsics (GCC 12 warns inside them).
N2D_TARGET_AVX512 inline float hsum(__m512 v) {
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0x4E));
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0xB1));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, 0x4E));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, 0xB1));
    return _mm512_cvtss_f32(v);
}

N2D_TARGET_AVX512 void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias) {
    for (std::size_t i = 0; i < rows; ++i) {
        float* r = y + i * ldy;
        for (std::size_t j = 0; j < cols; j += 16) {
            const __mmask16 k = tail_mask(cols - j);
            _mm512_mask_storeu_ps(r + j, k, _mm512_add_ps(_mm512_maskz_loadu_ps(k, r + j), _mm512_maskz_loadu_ps(k, bias + j)));
        }
    }
}

N2D_TARGET_AVX512 void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    std::size_t j = 0;
    for (; j + 64 <= cols; j += 64) {
        __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        for (std::size_t i = 0; i < rows; ++i) {
            const float* r = x + i * ldx + j;
            s0 = _mm512_add_ps(s0, _mm512_loadu_ps(r));
            s1 = _mm512_add_ps(s1, _mm512_loadu_ps(r + 16));
            s2 = _mm512_add_ps(s2, _mm512_loadu_ps(r + 32));
            s3 = _mm512_add_ps(s3, _mm512_loadu_ps(r + 48));
        }
        _mm512_storeu_ps(out + j, s0);
        _mm512_storeu_ps(out + j + 16, s1);
        _mm512_storeu_ps(out + j + 32, s2);
        _mm512_storeu_ps(out + j + 48, s3);
    }
    for (; j < cols; j += 16) {
        const __mmask16 k = tail_mask(cols - j);
        __m512 s = _mm512_setzero_ps();
        for (std::size_t i = 0; i < rows; ++i) s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(k, x + i * ldx + j));
        _mm512_mask_storeu_ps(out + j, k, s);
    }
}

N2D_TARGET_AVX512 float dot(std::size_t n, const float* x, const float* y) {
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16), s1);
        s2 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 32), _mm512_loadu_ps(y + i + 32), s2);
        s3 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 48), _mm512_loadu_ps(y + i + 48), s3);
    }
    for (; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, x + i), _mm512_maskz_loadu_ps(k, y + i), s0);
    }
    return hsum(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

N2D_TARGET_AVX512 void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    for (std::size_t i = 0; i < rows; ++i) out[i] = dot(cols, x + i * ldx, x + i * ldx);
}

N2D_TARGET_AVX512 void axpy(std::size_t n, float a, const float* x, float* y) {
    const __m512 av = _mm512_set1_ps(a);
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        _mm512_mask_storeu_ps(
            y + i, k, _mm512_add_ps(_mm512_maskz_loadu_ps(k, y + i), _mm512_mul_ps(av, _mm512_maskz_loadu_ps(k, x + i))));
    }
}

N2D_TARGET_AVX512 void scale(std::size_t n, float a, float* x) {
    const __m512 av = _mm512_set1_ps(a);
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        _mm512_mask_storeu_ps(x + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), av));
    }
}

N2D_TARGET_AVX512 void relu_forward(std::size_t n, const float* x, float* y) {
    const __m512 zero = _mm512_setzero_ps();
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, k, _mm512_max_ps(_mm512_maskz_loadu_ps(k, x + i), zero));
    }
}

N2D_TARGET_AVX512 void relu_backward(std::size_t n, const float* x, const float* dy, float* dx) {
    const __m512 zero = _mm512_setzero_ps();
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        const __mmask16 pos = _mm512_mask_cmp_ps_mask(k, _mm512_maskz_loadu_ps(k, x + i), zero, _CMP_GT_OQ);
        _mm512_mask_storeu_ps(dx + i, k, _mm512_maskz_loadu_ps(pos, dy + i));
    }
}

N2D_TARGET_AVX512 void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& s) {
    const __m512 b1 = _mm512_set1_ps(s.beta1), b2 = _mm512_set1_ps(s.beta2), c1 = _mm512_set1_ps(1.0f - s.beta1),
                 c2 = _mm512_set1_ps(1.0f - s.beta2), lr = _mm512_set1_ps(s.lr_t), eps = _mm512_set1_ps(s.eps);
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        const __m512 gi = _mm512_maskz_loadu_ps(k, g + i);
        const __m512 mi = _mm512_add_ps(_mm512_mul_ps(b1, _mm512_maskz_loadu_ps(k, m + i)), _mm512_mul_ps(c1, gi));
        const __m512 vi =
            _mm512_add_ps(_mm512_mul_ps(b2, _mm512_maskz_loadu_ps(k, v + i)), _mm512_mul_ps(_mm512_mul_ps(c2, gi), gi));
        const __m512 step = _mm512_div_ps(_mm512_mul_ps(lr, mi), _mm512_add_ps(_mm512_sqrt_ps(vi), eps));
        _mm512_mask_storeu_ps(m + i, k, mi);
        _mm512_mask_storeu_ps(v + i, k, vi);
        _mm512_mask_storeu_ps(w + i, k, _mm512_sub_ps(_mm512_maskz_loadu_ps(k, w + i), step));
    }
}

}  // namespace avx512
}  // namespace

constinit const VectorKernels avx2_table{avx2::bias_add,     avx2::col_sums,      avx2::sq_row_norms,
                                         avx2::axpy,         avx2::scale,         avx2::dot,
                                         avx2::relu_forward, avx2::relu_backward, avx2::adam_update};

constinit const VectorKernels avx512_table{avx512::bias_add,     avx512::col_sums,      avx512::sq_row_norms,
                                           avx512::axpy,         avx512::scale,         avx512::dot,
                                           avx512::relu_forward, avx512::relu_backward, avx512::adam_update};

}  // namespace n2d::vector_detail

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif  // N2D_ARCH_X86_64
