// DEC self-training (Xie, Girshick, Farhadi 2016) and its IDEC variant (Guo et al. 2017):
// fine-tunes a fitted Autoencoder's encoder so that its codes form tighter clusters.
//
// Clustering layer: k centres μ_j in code space, initialised by k-means (n_init runs) on the
// codes; the soft assignment of code z_i is the Student-t kernel
//   q_ij ∝ (1 + ‖z_i − μ_j‖²/α)^(−(α+1)/2),  normalised over j.
// Target: p_ij ∝ q_ij² / f_j with f_j = Σ_i q_ij (over all rows), normalised over j; it is
// recomputed from all rows every `update_interval` optimiser steps, and training stops at such
// an update once fewer than `tol` of the rows changed their argmax label since the previous one.
// Loss: DEC minimises KL(P‖Q) (the batch mean of Σ_j p ln(p/q)) over the encoder and the
// centres; IDEC minimises L_r + γ·KL(P‖Q), L_r the autoencoder's own reconstruction loss, over
// the whole autoencoder and the centres. Batches walk the rows in order (as the reference
// Keras code does), wrapping around at the end; the last, partial batch of a pass is kept.
//
// Reproducibility: the result depends only on (the autoencoder's weights, x, options) — not on
// the thread count: k-means, the network's ops and every reduction here use fixed partitions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/nn/optimizer.hpp"

namespace n2d::inline v0 {

class Autoencoder;
class ThreadPool;

enum class DecMode { dec, idec };

const char* to_string(DecMode m) noexcept;
// Parses "dec" or "idec"; throws n2d::Error otherwise.
DecMode parse_dec_mode(const std::string& name);

struct DecOptions {
    DecMode mode = DecMode::dec;
    std::size_t n_clusters = 10;        // k (>= 2, at most the number of rows)
    double alpha = 1.0;                 // Student-t degrees of freedom (DEC: 1)
    std::size_t update_interval = 140;  // optimiser steps between target updates (DEC: 140)
    double tol = 1e-3;                  // stop when a smaller fraction of labels changed
    std::size_t max_iter = 20000;       // optimiser steps at most (DEC: 2e4)
    std::size_t batch_size = 256;
    double gamma = 0.1;                 // IDEC: weight of the clustering loss (IDEC: 0.1)
    // Unset: the references' choices — DEC SGD(lr 0.01, momentum 0.9) (the DEC script), IDEC
    // Adam(lr 0.001) (the IDEC script's MNIST setting; SGD with momentum upsets the
    // reconstruction term on unscaled data). The optimiser state starts afresh; the
    // autoencoder's own (pretraining) state is left untouched.
    std::optional<OptimizerOptions> optimizer;
    std::size_t kmeans_n_init = 20;     // k-means runs for the initial centres (DEC: 20)
    std::uint64_t seed = 0;             // drives the k-means initialisation
    // Called at every target update (stage "dec", step = optimiser steps so far, total =
    // max_iter, loss = the mean batch loss since the previous update, NaN at the first);
    // returning false stops with n2d::Cancelled, the autoencoder keeping the weights of the
    // last step.
    ProgressCallback progress;
    ThreadPool* pool = nullptr;         // host work (k-means, assignments); null = default pool
};

// Throws n2d::Error naming the first invalid field and how to fix it.
void validate(const DecOptions& options);
// The optimiser fit_dec uses: options.optimizer, else the mode's default.
OptimizerOptions dec_optimizer(const DecOptions& options);

struct DecResult {
    Matrix centers;                 // k × latent_dim, in code space
    Matrix soft_assignments;        // q of the training rows under the final weights (n × k)
    std::vector<int> labels;        // argmax of each row of q (lowest index on ties)
    std::size_t iterations = 0;     // optimiser steps taken
    std::size_t target_updates = 0; // times P was recomputed (the first, from the k-means centres, included)
    bool converged = false;         // stopped by tol rather than max_iter
    double last_delta = 0.0;        // fraction of labels changed at the last update
    std::vector<double> loss_history;  // mean batch loss between consecutive updates
};

// Fine-tunes `ae` (already fitted, or loaded) on the rows of x in place and returns the
// clustering layer. x must be finite with ae.input_dim() columns and at least n_clusters rows.
DecResult fit_dec(Autoencoder& ae, ConstMatrixView x, const DecOptions& options);

// Student-t soft assignment of codes (n × d) to centres (k × d): n × k, rows summing to 1.
Matrix dec_soft_assignment(ConstMatrixView codes, ConstMatrixView centers, double alpha = 1.0,
                           ThreadPool* pool = nullptr);
// The target distribution of q: p_ij ∝ q_ij² / Σ_i q_ij, rows normalised.
Matrix dec_target_distribution(ConstMatrixView q);
// Labels of new rows: encode, then the centre of largest q (the nearest centre).
std::vector<int> dec_predict(const Autoencoder& ae, ConstMatrixView x, ConstMatrixView centers, double alpha = 1.0);

}  // namespace n2d
