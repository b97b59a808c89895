// Internal: optimiser state and update steps on a device (options in n2d/nn/optimizer.hpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/nn/optimizer.hpp"

namespace n2d::inline v0 {

struct BufView;
class Device;

namespace nn {

// Number of per-parameter state arrays the optimiser keeps (Adam: m and v; SGD with
// momentum: the velocity; plain SGD: none).
std::size_t optimizer_state_count(const OptimizerOptions& options) noexcept;

// One optimiser step (one device op) on the parameters w with gradient g and state arrays s0,
// s1 (as many as optimizer_state_count says; others empty). `step` is the 1-based step number
// t. Every element is updated independently, so the result does not depend on the thread count.
void optimizer_update(Device& dev, const OptimizerOptions& options, std::uint64_t step, const BufView& w,
                      const BufView& g, const BufView& s0, const BufView& s1);

}  // namespace nn
}  // namespace n2d
