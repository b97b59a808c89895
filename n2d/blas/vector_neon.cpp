// NEON versions of the vector kernels (aarch64 only; Advanced SIMD is the baseline there, so no
// target attribute). As the x86 kernels: bias_add, col_sums, scale, axpy, Adam and the ReLU
// kernels give the scalar reference's bits exactly (separate multiplies and adds, no FMA);
// dot and sq_row_norms sum in four FMA accumulators.
#include "n2d/blas/detail/vector_simd.hpp"

#if defined(N2D_ARCH_AARCH64)
#include <arm_neon.h>

#include <cmath>

namespace n2d::inline v0::vector_detail {
namespace {

void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias) {
    for (std::size_t i = 0; i < rows; ++i) {
        float* r = y + i * ldy;
        std::size_t j = 0;
        for (; j + 4 <= cols; j += 4) vst1q_f32(r + j, vaddq_f32(vld1q_f32(r + j), vld1q_f32(bias + j)));
        for (; j < cols; ++j) r[j] += bias[j];
    }
}

void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    std::size_t j = 0;
    for (; j + 16 <= cols; j += 16) {  // 4 vectors of columns summed down all rows in registers
        float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
        for (std::size_t i = 0; i < rows; ++i) {
            const float* r = x + i * ldx + j;
            s0 = vaddq_f32(s0, vld1q_f32(r));
            s1 = vaddq_f32(s1, vld1q_f32(r + 4));
            s2 = vaddq_f32(s2, vld1q_f32(r + 8));
            s3 = vaddq_f32(s3, vld1q_f32(r + 12));
        }
        vst1q_f32(out + j, s0);
        vst1q_f32(out + j + 4, s1);
        vst1q_f32(out + j + 8, s2);
        vst1q_f32(out + j + 12, s3);
    }
    for (; j + 4 <= cols; j += 4) {
        float32x4_t s = vdupq_n_f32(0.0f);
        for (std::size_t i = 0; i < rows; ++i) s = vaddq_f32(s, vld1q_f32(x + i * ldx + j));
        vst1q_f32(out + j, s);
    }
    for (; j < cols; ++j) {
        float s = 0.0f;
        for (std::size_t i = 0; i < rows; ++i) s += x[i * ldx + j];
        out[j] = s;
    }
}

float dot(std::size_t n, const float* x, const float* y) {
    float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = vfmaq_f32(s0, vld1q_f32(x + i), vld1q_f32(y + i));
        s1 = vfmaq_f32(s1, vld1q_f32(x + i + 4), vld1q_f32(y + i + 4));
        s2 = vfmaq_f32(s2, vld1q_f32(x + i + 8), vld1q_f32(y + i + 8));
        s3 = vfmaq_f32(s3, vld1q_f32(x + i + 12), vld1q_f32(y + i + 12));
    }
    for (; i + 4 <= n; i += 4) s0 = vfmaq_f32(s0, vld1q_f32(x + i), vld1q_f32(y + i));
    float s = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
    for (; i < n; ++i) s += x[i] * y[i];
    return s;
}

void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    for (std::size_t i = 0; i < rows; ++i) out[i] = dot(cols, x + i * ldx, x + i * ldx);
}

void axpy(std::size_t n, float a, const float* x, float* y) {
    const float32x4_t av = vdupq_n_f32(a);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vaddq_f32(vld1q_f32(y + i), vmulq_f32(av, vld1q_f32(x + i))));
    for (; i < n; ++i) y[i] += a * x[i];
}

void scale(std::size_t n, float a, float* x) {
    const float32x4_t av = vdupq_n_f32(a);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(x + i, vmulq_f32(vld1q_f32(x + i), av));
    for (; i < n; ++i) x[i] *= a;
}

// v where x > 0, else +0 (NaN and −0 included), by a compare mask: `x > 0 ? v : 0` exactly.
inline float32x4_t where_positive(float32x4_t x, float32x4_t v) {
    return vreinterpretq_f32_u32(vandq_u32(vcgtq_f32(x, vdupq_n_f32(0.0f)), vreinterpretq_u32_f32(v)));
}

void relu_forward(std::size_t n, const float* x, float* y) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t xi = vld1q_f32(x + i);
        vst1q_f32(y + i, where_positive(xi, xi));
    }
    for (; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward(std::size_t n, const float* x, const float* dy, float* dx) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(dx + i, where_positive(vld1q_f32(x + i), vld1q_f32(dy + i)));
    for (; i < n; ++i) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& s) {
    const float c1 = 1.0f - s.beta1, c2 = 1.0f - s.beta2;
    const float32x4_t b1 = vdupq_n_f32(s.beta1), b2 = vdupq_n_f32(s.beta2), c1v = vdupq_n_f32(c1),
                      c2v = vdupq_n_f32(c2), lr = vdupq_n_f32(s.lr_t), eps = vdupq_n_f32(s.eps);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t gi = vld1q_f32(g + i);
        const float32x4_t mi = vaddq_f32(vmulq_f32(b1, vld1q_f32(m + i)), vmulq_f32(c1v, gi));
        const float32x4_t vi = vaddq_f32(vmulq_f32(b2, vld1q_f32(v + i)), vmulq_f32(vmulq_f32(c2v, gi), gi));
        const float32x4_t step = vdivq_f32(vmulq_f32(lr, mi), vaddq_f32(vsqrtq_f32(vi), eps));
        vst1q_f32(m + i, mi);
        vst1q_f32(v + i, vi);
        vst1q_f32(w + i, vsubq_f32(vld1q_f32(w + i), step));
    }
    for (; i < n; ++i) {
        m[i] = s.beta1 * m[i] + c1 * g[i];
        v[i] = s.beta2 * v[i] + c2 * g[i] * g[i];
        w[i] -= s.lr_t * m[i] / (std::sqrt(v[i]) + s.eps);
    }
}

}  // namespace

constinit const VectorKernels neon_table{bias_add, col_sums,     sq_row_norms,  axpy,       scale,
                                         dot,      relu_forward, relu_backward, adam_update};

}  // namespace n2d::vector_detail

#endif  // N2D_ARCH_AARCH64
