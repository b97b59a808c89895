// Reconstruction losses with Keras semantics: the per-sample loss is the mean over features,
// the batch loss the mean over the batch's samples, so with B samples of D features
//   mse:  L = 1/(B·D) Σ (ŷ-y)²,          dL/dŷ = 2(ŷ-y)/(B·D)
//   mae:  L = 1/(B·D) Σ |ŷ-y|,           dL/dŷ = sign(ŷ-y)/(B·D)   (0 where ŷ = y)
//   binary_crossentropy (Keras, from probabilities): p = clip(ŷ, 1e-7, 1-1e-7),
//         L = -1/(B·D) Σ y·log p + (1-y)·log(1-p),
//         dL/dŷ = (p-y)/(p(1-p)·B·D) inside the clip range, 0 outside (the clip's gradient).
// binary_crossentropy expects targets in [0, 1] and outputs in (0, 1): pair it with a sigmoid
// output activation.
#pragma once
#include <cstddef>
#include <string>

namespace n2d {

class Device;
class ThreadPool;

enum class Loss { mse, mae, binary_crossentropy };

const char* to_string(Loss loss) noexcept;
// Parses "mse", "mae", "binary_crossentropy" (also "bce"); throws n2d::Error otherwise.
Loss parse_loss(const std::string& name);

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
