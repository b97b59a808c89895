// Internal: the losses' forward/backward on a device (formulas in n2d/nn/loss.hpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/nn/loss.hpp"

namespace n2d::inline v0 {

struct BufView;
class Device;

namespace nn {

// Returns the batch loss (in double) and writes dL/dŷ into `grad` (rows×cols), all following
// the formulas above, with one device op; `row_loss` (f64, ≥ rows) receives the per-row sums,
// which are downloaded into host_row_loss and summed in row order, so the value does not depend
// on the thread count or the device's scheduling.
double loss_forward_backward(Device& dev, Loss loss, std::size_t rows, std::size_t cols, const BufView& pred,
                             const BufView& target, const BufView& grad, const BufView& row_loss,
                             double* host_row_loss);

}  // namespace nn
}  // namespace n2d
