#include "n2d/blas/detail/vector.hpp"

#include <cmath>

#include "n2d/blas/detail/vector_simd.hpp"

namespace n2d::inline v0 {

namespace scalar {
void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias) {
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) y[i * ldy + j] += bias[j];
}
void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    for (std::size_t j = 0; j < cols; ++j) out[j] = 0.0f;
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) out[j] += x[i * ldx + j];
}
void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    for (std::size_t i = 0; i < rows; ++i) {
        float s = 0.0f;
        for (std::size_t j = 0; j < cols; ++j) s += x[i * ldx + j] * x[i * ldx + j];
        out[i] = s;
    }
}
void axpy(std::size_t n, float a, const float* x, float* y) {
    for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
}
void scale(std::size_t n, float a, float* x) {
    for (std::size_t i = 0; i < n; ++i) x[i] *= a;
}
float dot(std::size_t n, const float* x, const float* y) {
    float s = 0.0f;
    for (std::size_t i = 0; i < n; ++i) s += x[i] * y[i];
    return s;
}
void relu_forward(std::size_t n, const float* x, float* y) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
void relu_backward(std::size_t n, const float* x, const float* dy, float* dx) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}
void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& s) {
    const float c1 = 1.0f - s.beta1, c2 = 1.0f - s.beta2;
    for (std::size_t i = 0; i < n; ++i) {
        m[i] = s.beta1 * m[i] + c1 * g[i];
        v[i] = s.beta2 * v[i] + c2 * g[i] * g[i];
        w[i] -= s.lr_t * m[i] / (std::sqrt(v[i]) + s.eps);
    }
}
constexpr VectorKernels table{bias_add, col_sums, sq_row_norms, axpy, scale, dot, relu_forward, relu_backward,
                              adam_update};
}  // namespace scalar

const VectorKernels& vector_kernels(SimdTarget target) {
    static constexpr simd_detail::KernelTables<VectorKernels> tables{
        &scalar::table, N2D_IF_X86_64(&vector_detail::avx2_table), N2D_IF_X86_64(&vector_detail::avx512_table),
        N2D_IF_AARCH64(&vector_detail::neon_table)};
    return simd_detail::pick_kernels(tables, target, "vector kernels");
}

namespace {
const VectorKernels& active() { return vector_kernels(active_target()); }
}  // namespace

void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias) {
    active().bias_add(y, rows, cols, ldy, bias);
}
void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    active().col_sums(x, rows, cols, ldx, out);
}
void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) {
    active().sq_row_norms(x, rows, cols, ldx, out);
}
void axpy(std::size_t n, float a, const float* x, float* y) { active().axpy(n, a, x, y); }
void scale(std::size_t n, float a, float* x) { active().scale(n, a, x); }
float dot(std::size_t n, const float* x, const float* y) { return active().dot(n, x, y); }
void relu_forward(std::size_t n, const float* x, float* y) { active().relu_forward(n, x, y); }
void relu_backward(std::size_t n, const float* x, const float* dy, float* dx) {
    active().relu_backward(n, x, dy, dx);
}
void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& s) {
    active().adam_update(n, w, g, m, v, s);
}

}  // namespace n2d
