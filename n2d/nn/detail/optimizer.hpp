// Internal: optimiser state and update steps on a device (options in n2d/nn/optimizer.hpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/nn/optimizer.hpp"

namespace n2d::inline v0 {

class Device;
class ThreadPool;

namespace nn {

// Number of per-parameter state arrays the optimiser keeps (Adam: m and v; SGD with
// momentum: the velocity; plain SGD: none).
std::size_t optimizer_state_count(const OptimizerOptions& options) noexcept;

// One optimiser step on the parameter range [w, w+n) with gradient g and state arrays s0, s1
// (as many as optimizer_state_count says; others may be null). `step` is the 1-based step
// number t. On a CPU device the range is split into fixed chunks run on `pool` (null: serial);
// every element is updated independently, so the result does not depend on the thread count.
void optimizer_update(Device& dev, ThreadPool* pool, const OptimizerOptions& options, std::uint64_t step,
                      std::size_t n, float* w, const float* g, float* s0, float* s1);

}  // namespace nn
}  // namespace n2d
