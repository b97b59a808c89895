// Reconstruction losses with Keras semantics: the per-sample loss is the mean over features,
// the batch loss the mean over the batch's samples, so with B samples of D features
//   mse:  L = 1/(B·D) Σ (ŷ-y)²,          dL/dŷ = 2(ŷ-y)/(B·D)
//   mae:  L = 1/(B·D) Σ |ŷ-y|,           dL/dŷ = sign(ŷ-y)/(B·D)   (0 where ŷ = y)
//   binary_crossentropy (Keras, from probabilities): p = clip(ŷ, 1e-7, 1-1e-7),
//         L = -1/(B·D) Σ y·log p + (1-y)·log(1-p),
//         dL/dŷ = (p-y)/(p(1-p)·B·D) inside the clip range, 0 outside (the clip's gradient).
// binary_crossentropy expects targets in [0, 1] and outputs in (0, 1): pair it with a sigmoid
// output activation.
#pragma once
#include <cstddef>
#include <string>

namespace n2d::inline v0 {

enum class Loss { mse, mae, binary_crossentropy };

const char* to_string(Loss loss) noexcept;
// Parses "mse", "mae", "binary_crossentropy" (also "bce"); throws n2d::Error otherwise.
Loss parse_loss(const std::string& name);

}  // namespace n2d
