// Internal: the losses' forward/backward on a device (formulas in n2d/nn/loss.hpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/device/detail/device.hpp"
#include "n2d/nn/loss.hpp"

namespace n2d::inline v0::nn {

// Host buffers for a device without the loss op (it needs f64): the batch is copied to the CPU
// device, the loss runs there and the gradient goes back. Empty when the device has the op.
struct LossFallback {
    Buffer pred, target, grad, row_loss;
    LossFallback(Device& dev, std::size_t max_rows, std::size_t cols);
};

// Returns the batch loss (in double) and writes dL/dŷ into `grad` (rows×cols), all following
// the formulas above, with one device op; `row_loss` (f64, ≥ rows) receives the per-row sums,
// which are downloaded into host_row_loss and summed in row order, so the value does not depend
// on the thread count or the device's scheduling.
double loss_forward_backward(Device& dev, Loss loss, std::size_t rows, std::size_t cols, const BufView& pred,
                             const BufView& target, const BufView& grad, const BufView& row_loss,
                             double* host_row_loss, const LossFallback& fallback);

}  // namespace n2d::nn
