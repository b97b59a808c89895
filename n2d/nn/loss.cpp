#include "n2d/nn/detail/loss.hpp"

#include "n2d/core/error.hpp"
#include <algorithm>

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

LossFallback::LossFallback(Device& dev, std::size_t max_rows, std::size_t cols) {
    if (dev.supports(DeviceOp::loss)) return;
    Device& cpu = cpu_device();
    pred = Buffer(cpu, DType::f32, max_rows * cols);
    target = Buffer(cpu, DType::f32, max_rows * cols);
    grad = Buffer(cpu, DType::f32, max_rows * cols);
    row_loss = Buffer(cpu, DType::f64, max_rows);
}

double loss_forward_backward(Device& dev, Loss loss, std::size_t rows, std::size_t cols, const BufView& pred,
                             const BufView& target, const BufView& grad, const BufView& row_loss,
                             double* host_row_loss, const LossFallback& fallback) {
    const std::size_t n = rows * cols;
    if (fallback.pred) {
        const LossFallback& f = fallback;
        dev.download(f.pred.view().host<float>(), pred.sub(0, n));
        dev.download(f.target.view().host<float>(), target.sub(0, n));
        cpu_device().loss({loss, rows, cols, f.pred.view(0, n), f.target.view(0, n), f.grad.view(0, n),
                           f.row_loss.view(0, rows)});
        dev.upload(grad.sub(0, n), f.grad.view().host<float>());
        std::copy_n(f.row_loss.view().host<double>(), rows, host_row_loss);
    } else {
        dev.loss({loss, rows, cols, pred.sub(0, n), target.sub(0, n), grad.sub(0, n), row_loss.sub(0, rows)});
        dev.download(host_row_loss, row_loss.sub(0, rows));
    }
    double total = 0.0;
    for (std::size_t i = 0; i < rows; ++i) total += host_row_loss[i];
    return total / static_cast<double>(n);
}

}  // namespace nn
}  // namespace n2d
