// The per-row step of augment_rows, for the training loop (which gathers shuffled rows straight
// into the augmented batch).
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/nn/augment.hpp"

namespace n2d::inline v0::nn {

// Row `row` of the batch at optimiser step `step`: `in` warped into `out` (height·width floats).
void augment_row(const ImageAugmentation& augmentation, const float* in, float* out, std::uint64_t seed,
                 std::uint64_t step, std::size_t row);

}  // namespace n2d::nn
