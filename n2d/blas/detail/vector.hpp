// Vector kernels the network (and others) need, SIMD with the same run-time dispatch as sgemm.
// Matrices are row-major with a row stride (ld) in floats. Single-threaded: callers parallelise
// over rows/blocks through the pool where it pays.
#pragma once
#include <cstddef>

#include "n2d/blas/simd.hpp"

namespace n2d::inline v0 {

// y[i, j] += bias[j]
void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias);
// out[j] = sum_i x[i, j]   (bias gradient). Overwrites out.
void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out);
// out[i] = sum_j x[i, j]^2
void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out);
// y += a * x
void axpy(std::size_t n, float a, const float* x, float* y);
// x *= a
void scale(std::size_t n, float a, float* x);
// sum_i x[i] * y[i]
float dot(std::size_t n, const float* x, const float* y);
// y = max(x, 0)   (in place allowed)
void relu_forward(std::size_t n, const float* x, float* y);
// dx = dy where x > 0, else 0  (x is the pre-activation or the output; both have the same sign
// pattern). In place (dx == dy) allowed.
void relu_backward(std::size_t n, const float* x, const float* dy, float* dx);

// One Adam step (Keras semantics): with lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t),
//   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  w -= lr_t * m / (sqrt(v) + eps).
struct AdamStep {
    float lr_t;    // bias-corrected learning rate for this step
    float beta1;
    float beta2;
    float eps;
};
void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& step);

// The same kernels on an explicit target (tests compare every compiled target to scalar). Scalar
// is the reference; the AVX2 and AVX-512 versions give its bits exactly for bias_add, col_sums,
// scale and the ReLU kernels, within an ulp for axpy and Adam (FMA contraction), and sum dot and
// sq_row_norms in several accumulators. Throws n2d::Error for a target this CPU cannot run.
struct VectorKernels {
    void (*bias_add)(float*, std::size_t, std::size_t, std::size_t, const float*);
    void (*col_sums)(const float*, std::size_t, std::size_t, std::size_t, float*);
    void (*sq_row_norms)(const float*, std::size_t, std::size_t, std::size_t, float*);
    void (*axpy)(std::size_t, float, const float*, float*);
    void (*scale)(std::size_t, float, float*);
    float (*dot)(std::size_t, const float*, const float*);
    void (*relu_forward)(std::size_t, const float*, float*);
    void (*relu_backward)(std::size_t, const float*, const float*, float*);
    void (*adam_update)(std::size_t, float*, const float*, float*, float*, const AdamStep&);
};
const VectorKernels& vector_kernels(SimdTarget target);

}  // namespace n2d
