#include "n2d/nn/detail/optimizer.hpp"

#include <cmath>

#include "n2d/core/error.hpp"
#include "n2d/nn/detail/layers.hpp"

namespace n2d::inline v0 {

const char* to_string(OptimizerType t) noexcept {
    switch (t) {
        case OptimizerType::adam: return "adam";
        case OptimizerType::sgd: return "sgd";
    }
    return "unknown";
}

OptimizerType parse_optimizer(const std::string& name) {
    if (name == "adam") return OptimizerType::adam;
    if (name == "sgd") return OptimizerType::sgd;
    N2D_FAIL("n2d: unknown optimizer '" + name + "'; use adam or sgd");
}

void validate(const OptimizerOptions& o) {
    N2D_REQUIRE(o.type == OptimizerType::adam || o.type == OptimizerType::sgd,
                "optimizer.type holds an unknown value; use OptimizerType::adam or OptimizerType::sgd");
    N2D_REQUIRE(std::isfinite(o.learning_rate) && o.learning_rate > 0.0,
                "optimizer.learning_rate is " + std::to_string(o.learning_rate) + "; it must be a positive number");
    if (o.type == OptimizerType::adam) {
        N2D_REQUIRE(o.beta1 >= 0.0 && o.beta1 < 1.0,
                    "optimizer.beta1 is " + std::to_string(o.beta1) + "; it must lie in [0, 1) (Keras default 0.9)");
        N2D_REQUIRE(o.beta2 >= 0.0 && o.beta2 < 1.0,
                    "optimizer.beta2 is " + std::to_string(o.beta2) + "; it must lie in [0, 1) (Keras default 0.999)");
        N2D_REQUIRE(std::isfinite(o.epsilon) && o.epsilon > 0.0,
                    "optimizer.epsilon is " + std::to_string(o.epsilon) + "; it must be positive (Keras default 1e-7)");
    } else {
        N2D_REQUIRE(o.momentum >= 0.0 && o.momentum < 1.0,
                    "optimizer.momentum is " + std::to_string(o.momentum) + "; it must lie in [0, 1)");
    }
}

namespace nn {

std::size_t optimizer_state_count(const OptimizerOptions& o) noexcept {
    if (o.type == OptimizerType::adam) return 2;
    return o.momentum > 0.0 ? 1 : 0;
}

void optimizer_update(Device& dev, ThreadPool* pool, const OptimizerOptions& o, std::uint64_t step, std::size_t n,
                      float* w, const float* g, float* s0, float* s1) {
    constexpr std::size_t kGrain = 32768;  // floats per chunk: a multiple of 16 keeps chunks 64-byte aligned
    if (o.type == OptimizerType::adam) {
        const double t = static_cast<double>(step);
        const double lr_t = o.learning_rate * std::sqrt(1.0 - std::pow(o.beta2, t)) / (1.0 - std::pow(o.beta1, t));
        const AdamStep a{static_cast<float>(lr_t), static_cast<float>(o.beta1), static_cast<float>(o.beta2),
                         static_cast<float>(o.epsilon)};
        for_chunks(dev, pool, n, kGrain, [&](std::size_t lo, std::size_t hi) {
            dev.adam_update(hi - lo, w + lo, g + lo, s0 + lo, s1 + lo, a);
        });
        return;
    }
    const float lr = static_cast<float>(o.learning_rate);
    const float mu = static_cast<float>(o.momentum);
    for_chunks(dev, pool, n, kGrain, [&](std::size_t lo, std::size_t hi) {
        const std::size_t len = hi - lo;
        if (mu == 0.0f) {
            dev.axpy(len, -lr, g + lo, w + lo);
            return;
        }
        float* u = s0 + lo;
        dev.scale(len, mu, u);           // u = momentum*u
        dev.axpy(len, -lr, g + lo, u);   // u -= lr*g
        if (o.nesterov) {
            dev.axpy(len, mu, u, w + lo);       // w += momentum*u
            dev.axpy(len, -lr, g + lo, w + lo);  //    - lr*g
        } else {
            dev.axpy(len, 1.0f, u, w + lo);
        }
    });
}

}  // namespace nn
}  // namespace n2d
