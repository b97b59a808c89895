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

void optimizer_update(Device& dev, const OptimizerOptions& o, std::uint64_t step, const BufView& w, const BufView& g,
                      const BufView& s0, const BufView& s1) {
    OptimizerStepArgs a;
    a.adam = o.type == OptimizerType::adam;
    a.n = w.count;
    a.w = w;
    a.g = g;
    a.s0 = s0;
    a.s1 = s1;
    if (a.adam) {
        const double t = static_cast<double>(step);
        const double lr_t = o.learning_rate * std::sqrt(1.0 - std::pow(o.beta2, t)) / (1.0 - std::pow(o.beta1, t));
        a.adam_step = {static_cast<float>(lr_t), static_cast<float>(o.beta1), static_cast<float>(o.beta2),
                       static_cast<float>(o.epsilon)};
    } else {
        a.lr = static_cast<float>(o.learning_rate);
        a.momentum = static_cast<float>(o.momentum);
        a.nesterov = o.nesterov;
    }
    dev.optimizer_step(a);
}

}  // namespace nn
}  // namespace n2d
