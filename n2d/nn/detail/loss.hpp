// Internal: the losses' forward/backward on a device (formulas in n2d/nn/loss.hpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/nn/loss.hpp"

namespace n2d::inline v0 {

class Device;
class ThreadPool;

namespace nn {

// Host scratch for the loss of a batch of at most `max_rows` rows of `cols` features.
struct LossScratch {
    float* row_loss = nullptr;        // device, max_rows floats: per-row sums (mse)
    float* host_row_loss = nullptr;   // host, max_rows floats (mse)
    double* host_row_sums = nullptr;  // host, max_rows doubles (mae/bce)
    float* host_pred = nullptr;       // host, max_rows×cols floats each (mae/bce)
    float* host_target = nullptr;
};

// Returns the batch loss (in double) and writes dL/dŷ into `grad` (device memory, rows×cols),
// all following the formulas above. `pred`, `target`, `grad` are device memory; mse runs on
// the device, mae and binary_crossentropy on the host through the scratch buffers. The sum
// over rows is taken in row order, so the value does not depend on the thread count.
double loss_forward_backward(Device& dev, ThreadPool* pool, Loss loss, std::size_t rows, std::size_t cols,
                             const float* pred, const float* target, float* grad, const LossScratch& scratch);

}  // namespace nn
}  // namespace n2d
