#include "n2d/blas/activation.hpp"

#include <cmath>

#include "n2d/blas/detail/vector.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

namespace {
constexpr Activation kAll[] = {Activation::linear, Activation::relu, Activation::sigmoid, Activation::tanh,
                               Activation::leaky_relu, Activation::elu, Activation::gelu};
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
}  // namespace

const char* to_string(Activation a) noexcept {
    switch (a) {
        case Activation::linear: return "linear";
        case Activation::relu: return "relu";
        case Activation::sigmoid: return "sigmoid";
        case Activation::tanh: return "tanh";
        case Activation::leaky_relu: return "leaky_relu";
        case Activation::elu: return "elu";
        case Activation::gelu: return "gelu";
    }
    return "unknown";
}

Activation parse_activation(const std::string& name) {
    for (Activation a : kAll)
        if (name == to_string(a)) return a;
    N2D_FAIL("n2d: unknown activation '" + name + "'; use linear, relu, sigmoid, tanh, leaky_relu, elu or gelu");
}

void activation_forward(Activation act, std::size_t n, const float* z, float* y, float alpha) {
    switch (act) {
        case Activation::linear:
            if (y != z) for (std::size_t i = 0; i < n; ++i) y[i] = z[i];
            return;
        case Activation::relu: relu_forward(n, z, y); return;
        case Activation::sigmoid:
            for (std::size_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-z[i]));
            return;
        case Activation::tanh:
            for (std::size_t i = 0; i < n; ++i) y[i] = std::tanh(z[i]);
            return;
        case Activation::leaky_relu:
            for (std::size_t i = 0; i < n; ++i) y[i] = z[i] > 0.0f ? z[i] : alpha * z[i];
            return;
        case Activation::elu:
            for (std::size_t i = 0; i < n; ++i) y[i] = z[i] > 0.0f ? z[i] : alpha * std::expm1(z[i]);
            return;
        case Activation::gelu:  // exact (erf) form, Keras' default
            for (std::size_t i = 0; i < n; ++i)
                y[i] = static_cast<float>(0.5 * z[i] * (1.0 + std::erf(z[i] * kInvSqrt2)));
            return;
    }
}

void activation_backward(Activation act, std::size_t n, const float* z, const float* y, const float* dy, float* dz,
                         float alpha) {
    switch (act) {
        case Activation::linear:
            if (dz != dy) for (std::size_t i = 0; i < n; ++i) dz[i] = dy[i];
            return;
        case Activation::relu: relu_backward(n, z, dy, dz); return;
        case Activation::sigmoid:
            for (std::size_t i = 0; i < n; ++i) dz[i] = dy[i] * y[i] * (1.0f - y[i]);
            return;
        case Activation::tanh:
            for (std::size_t i = 0; i < n; ++i) dz[i] = dy[i] * (1.0f - y[i] * y[i]);
            return;
        case Activation::leaky_relu:
            for (std::size_t i = 0; i < n; ++i) dz[i] = z[i] > 0.0f ? dy[i] : alpha * dy[i];
            return;
        case Activation::elu:  // d/dz alpha*(e^z - 1) = y + alpha
            for (std::size_t i = 0; i < n; ++i) dz[i] = z[i] > 0.0f ? dy[i] : dy[i] * (y[i] + alpha);
            return;
        case Activation::gelu:
            for (std::size_t i = 0; i < n; ++i) {
                const double x = z[i];
                const double cdf = 0.5 * (1.0 + std::erf(x * kInvSqrt2));
                const double pdf = kInvSqrt2Pi * std::exp(-0.5 * x * x);
                dz[i] = static_cast<float>(dy[i] * (cdf + x * pdf));
            }
            return;
    }
}

}  // namespace n2d
