// Dense layer forward/backward pair (llm.c style), running every GEMM and vector op through
// n2d::Device. Shapes: a batch of `rows` samples; X is rows×in, W is in×out (Keras kernel
// layout, fan_in × fan_out), b has `out` entries, Y and Z are rows×out, all row-major and
// contiguous in device memory.
//
//   forward:   Z = X·W + b,  Y = act(Z)
//   backward:  given dL/dY:  dZ = dL/dY ⊙ act'(Z)
//              dW = Xᵀ·dZ,  db = Σ_rows dZ,  dX = dZ·Wᵀ
// Both GEMMs of the backward pass read X, W and dZ in place through sgemm's Trans flags, so no
// transposed copy is ever made. Gradients are written (not accumulated): each parameter is used
// once per step.
#pragma once
#include <cstddef>

#include "n2d/blas/activation.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0::nn {

struct DenseShape {
    std::size_t in = 0;
    std::size_t out = 0;
    Activation act = Activation::linear;
    float alpha = 0.0f;  // leaky_relu slope / elu scale

    // Whether backward needs the pre-activation Z kept apart from Y. For every activation
    // but gelu, act' can be computed from Y (relu, leaky_relu and elu keep the sign of Z, and
    // sigmoid/tanh derivatives are functions of Y), so Y overwrites Z in place.
    bool needs_preactivation() const noexcept { return act == Activation::gelu; }
};

// Element-wise device work split into fixed chunks of `grain` items, run on `pool` when the
// device is the CPU (its ops are re-entrant on disjoint ranges); one call otherwise. Chunk
// boundaries depend only on n and grain, never on the thread count.
template <class Fn>
void for_chunks(Device& dev, ThreadPool* pool, std::size_t n, std::size_t grain, Fn&& fn) {
    if (n == 0) return;
    if (pool == nullptr || dev.type() != DeviceType::cpu || n <= grain) {
        fn(std::size_t(0), n);
        return;
    }
    pool->parallel_for(0, n, grain, [&](std::size_t lo, std::size_t hi, std::size_t) { fn(lo, hi); });
}

// Rows per chunk so that a chunk holds about `target` floats of a rows×cols block.
inline std::size_t rows_per_chunk(std::size_t cols, std::size_t target = 16384) noexcept {
    return cols >= target ? 1 : target / (cols ? cols : 1);
}

// Y = act(X·W + b). `z` receives the pre-activation when shape.needs_preactivation() (and may
// be null otherwise; Y then holds Z before the activation is applied in place).
void dense_forward(Device& dev, ThreadPool* pool, const DenseShape& shape, std::size_t rows, const float* x,
                   const float* w, const float* b, float* z, float* y);

// Given dy = dL/dY (overwritten with dL/dZ), writes dw, db and, when dx is not null, dx.
// `z` is the pre-activation when shape.needs_preactivation() (else ignored), `y` the output.
void dense_backward(Device& dev, ThreadPool* pool, const DenseShape& shape, std::size_t rows, const float* x,
                    const float* w, const float* z, const float* y, float* dy, float* dw, float* db, float* dx);

}  // namespace n2d::nn
