// Element-wise activations with forward and backward, for the autoencoder's layers.
#pragma once
#include <cstddef>
#include <string>

namespace n2d::inline v0 {

enum class Activation { linear, relu, sigmoid, tanh, leaky_relu, elu, gelu };

const char* to_string(Activation a) noexcept;
// Parses "linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu"; throws n2d::Error otherwise.
Activation parse_activation(const std::string& name);

// y = act(z). In place (y == z) allowed. `alpha`: slope of leaky_relu for z < 0, scale of elu.
void activation_forward(Activation act, std::size_t n, const float* z, float* y, float alpha = 0.01f);
// dz = dy * act'(z); `y` = act(z) as computed by activation_forward (used where cheaper).
// In place (dz == dy) allowed. relu/leaky_relu use the gradient of the z > 0 branch only for
// z > 0 (so relu'(0) = 0, as TensorFlow).
void activation_backward(Activation act, std::size_t n, const float* z, const float* y, const float* dy, float* dz,
                         float alpha = 0.01f);

}  // namespace n2d
