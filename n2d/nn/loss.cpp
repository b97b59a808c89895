#include "n2d/nn/detail/loss.hpp"

#include "n2d/core/error.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

const char* to_string(Loss loss) noexcept {
    switch (loss) {
        case Loss::mse: return "mse";
        case Loss::mae: return "mae";
        case Loss::binary_crossentropy: return "binary_crossentropy";
    }
    return "unknown";
}

Loss parse_loss(const std::string& name) {
    if (name == "mse" || name == "mean_squared_error") return Loss::mse;
    if (name == "mae" || name == "mean_absolute_error") return Loss::mae;
    if (name == "binary_crossentropy" || name == "bce") return Loss::binary_crossentropy;
    N2D_FAIL("n2d: unknown loss '" + name + "'; use mse, mae or binary_crossentropy");
}

namespace nn {

double loss_forward_backward(Device& dev, Loss loss, std::size_t rows, std::size_t cols, const BufView& pred,
                             const BufView& target, const BufView& grad, const BufView& row_loss,
                             double* host_row_loss) {
    const std::size_t n = rows * cols;
    dev.loss({loss, rows, cols, pred.sub(0, n), target.sub(0, n), grad.sub(0, n), row_loss.sub(0, rows)});
    dev.download(host_row_loss, row_loss.sub(0, rows));
    double total = 0.0;
    for (std::size_t i = 0; i < rows; ++i) total += host_row_loss[i];
    return total / static_cast<double>(n);
}

}  // namespace nn
}  // namespace n2d
