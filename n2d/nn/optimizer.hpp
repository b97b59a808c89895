// Optimisers for the autoencoder: Adam and SGD with momentum, Keras semantics.
//
// Adam (Keras/TensorFlow): t counts optimiser steps from 1,
//   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g^2;  w -= lr_t * m / (sqrt(v) + epsilon)
// epsilon is added to sqrt(v) of the *uncorrected* v ("epsilon hat"), unlike PyTorch.
// SGD (Keras): velocity u = momentum*u - lr*g;  w += u  (nesterov: w += momentum*u - lr*g);
// with momentum 0 this is plain w -= lr*g.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace n2d::inline v0 {

enum class OptimizerType { adam, sgd };

const char* to_string(OptimizerType t) noexcept;
// Parses "adam" or "sgd"; throws n2d::Error otherwise.
OptimizerType parse_optimizer(const std::string& name);

struct OptimizerOptions {
    OptimizerType type = OptimizerType::adam;
    // Step size. Keras defaults: 1e-3 for Adam, 1e-2 for SGD (use sgd() to get the latter).
    double learning_rate = 1e-3;
    double beta1 = 0.9;      // Adam: decay of the first moment, in [0, 1)
    double beta2 = 0.999;    // Adam: decay of the second moment, in [0, 1)
    double epsilon = 1e-7;   // Adam: Keras' epsilon (added to sqrt of the uncorrected v), > 0
    double momentum = 0.0;   // SGD: momentum in [0, 1); 0 = plain SGD
    bool nesterov = false;   // SGD: Nesterov momentum

    static OptimizerOptions adam(double learning_rate = 1e-3) {
        OptimizerOptions o;
        o.learning_rate = learning_rate;
        return o;
    }
    static OptimizerOptions sgd(double learning_rate = 1e-2, double momentum = 0.0, bool nesterov = false) {
        OptimizerOptions o;
        o.type = OptimizerType::sgd;
        o.learning_rate = learning_rate;
        o.momentum = momentum;
        o.nesterov = nesterov;
        return o;
    }
};

// Throws n2d::Error naming the bad field and its valid range.
void validate(const OptimizerOptions& options);

}  // namespace n2d
