// Dense layer forward/backward pair (llm.c style), running every GEMM and vector op through
// n2d::Device ops on device views. Shapes: a batch of `rows` samples; X is rows×in, W is in×out (Keras kernel
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

// Y = act(X·W + b): one GEMM with the bias and activation in its epilogue. `z` receives the
// pre-activation when shape.needs_preactivation() (and may be empty otherwise; Y then holds Z
// before the activation is applied in place).
void dense_forward(Device& dev, const DenseShape& shape, std::size_t rows, const BufView& x, const BufView& w,
                   const BufView& b, const BufView& z, const BufView& y);

// Given dy = dL/dY (overwritten with dL/dZ), writes dw, db and, when dx is not empty, dx.
// `z` is the pre-activation when shape.needs_preactivation() (else ignored), `y` the output.
void dense_backward(Device& dev, const DenseShape& shape, std::size_t rows, const BufView& x, const BufView& w,
                    const BufView& z, const BufView& y, const BufView& dy, const BufView& dw, const BufView& db,
                    const BufView& dx);

}  // namespace n2d::nn
