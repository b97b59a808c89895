// Internal: the pieces of DEC training (n2d/nn/dec.hpp), apart so tests can check the
// gradients of one batch without an optimiser step.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/nn/dec.hpp"

namespace n2d::inline v0::nn {

// KL(P‖Q) of a batch of codes z (rows × d) against centres (k × d) and fixed targets p
// (rows × k): the mean over rows of Σ_j p ln(p/q) (terms with p = 0 count 0). Writes
// weight·∂L/∂z into dz (rows × d) and adds weight·∂L/∂μ to dmu (k × d). Everything is
// accumulated in double in row order. The gradient holds for any p ≥ 0 (rows need not sum to 1):
//   ∂L/∂z_i = (1/B)·((α+1)/α)·Σ_j (p_ij − s_i q_ij)(z_i − μ_j)/(1 + ‖z_i − μ_j‖²/α),  s_i = Σ_j p_ij
// and ∂L/∂μ_j is minus the same terms summed over i.
// Each row's largest entry's column (the lowest on ties): the labels of soft assignments.
std::vector<int> argmax_rows(const Matrix& q);

double kl_loss_gradient(ConstMatrixView z, ConstMatrixView centers, ConstMatrixView p, double alpha, double weight,
                        MatrixView dz, std::vector<double>& dmu);

// One autoencoder's DEC/IDEC step machinery: buffers for the largest batch, gradients of all
// parameters, a fresh optimiser state for the network and the centres.
class DecTrainer {
public:
    DecTrainer(Autoencoder& ae, const DecOptions& options, std::size_t max_rows);
    ~DecTrainer();
    DecTrainer(const DecTrainer&) = delete;
    DecTrainer& operator=(const DecTrainer&) = delete;

    // Forward and backward of the batch xb (rows × input) with targets pb (rows × k) against
    // the centres: fills the parameter gradients and center_grad (k × d) and returns the batch
    // loss (DEC: KL; IDEC: L_r + γ·KL). Changes no weight.
    double gradients(ConstMatrixView xb, ConstMatrixView pb, ConstMatrixView centers, Matrix& center_grad);
    // One optimiser step of the network (DEC: the encoder; IDEC: every layer) and the centres
    // from the last gradients.
    void step(Matrix& centers, const Matrix& center_grad);
    // The last gradients of every parameter, flat in Autoencoder::parameters() order (layers
    // DEC leaves alone are zero).
    std::vector<float> parameter_gradients() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace n2d::nn
