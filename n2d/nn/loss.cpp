#include "n2d/nn/detail/loss.hpp"

#include <algorithm>
#include <cmath>

#include "n2d/core/error.hpp"
#include "n2d/nn/detail/layers.hpp"

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

namespace {

constexpr double kBceEpsilon = 1e-7;  // Keras backend epsilon used to clip probabilities

// Row-wise host loss: writes the row's loss sum and overwrites pred with dL/dŷ (already
// divided by B·D).
double host_row(Loss loss, std::size_t cols, float* pred, const float* target, double inv_n) {
    double sum = 0.0;
    if (loss == Loss::mae) {
        for (std::size_t j = 0; j < cols; ++j) {
            const double d = double(pred[j]) - double(target[j]);
            sum += std::fabs(d);
            pred[j] = static_cast<float>(d > 0.0 ? inv_n : d < 0.0 ? -inv_n : 0.0);
        }
        return sum;
    }
    for (std::size_t j = 0; j < cols; ++j) {
        const double raw = pred[j], y = target[j];
        const double p = std::clamp(raw, kBceEpsilon, 1.0 - kBceEpsilon);
        sum -= y * std::log(p) + (1.0 - y) * std::log(1.0 - p);
        const bool inside = raw >= kBceEpsilon && raw <= 1.0 - kBceEpsilon;
        pred[j] = static_cast<float>(inside ? (p - y) / (p * (1.0 - p)) * inv_n : 0.0);
    }
    return sum;
}

}  // namespace

double loss_forward_backward(Device& dev, ThreadPool* pool, Loss loss, std::size_t rows, std::size_t cols,
                             const float* pred, const float* target, float* grad, const LossScratch& s) {
    const std::size_t n = rows * cols;
    const double inv_n = 1.0 / static_cast<double>(n);
    const std::size_t grain = rows_per_chunk(cols);
    double total = 0.0;
    if (loss == Loss::mse) {
        const float g_scale = static_cast<float>(2.0 * inv_n);
        for_chunks(dev, pool, rows, grain, [&](std::size_t lo, std::size_t hi) {
            const std::size_t off = lo * cols, len = (hi - lo) * cols;
            dev.copy(len, pred + off, grad + off);
            dev.axpy(len, -1.0f, target + off, grad + off);              // ŷ - y
            dev.sq_row_norms(grad + off, hi - lo, cols, cols, s.row_loss + lo);
            dev.scale(len, g_scale, grad + off);
        });
        dev.download(s.host_row_loss, s.row_loss, rows);
        for (std::size_t i = 0; i < rows; ++i) total += s.host_row_loss[i];
        return total * inv_n;
    }
    dev.download(s.host_pred, pred, n);
    dev.download(s.host_target, target, n);
    for_chunks(dev, pool, rows, grain, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i)
            s.host_row_sums[i] = host_row(loss, cols, s.host_pred + i * cols, s.host_target + i * cols, inv_n);
    });
    dev.upload(grad, s.host_pred, n);
    for (std::size_t i = 0; i < rows; ++i) total += s.host_row_sums[i];
    return total * inv_n;
}

}  // namespace nn
}  // namespace n2d
