// The N2D autoencoder: a symmetric dense MLP trained with hand-written backprop, matching
// the reference `autoencoder(dims)` trained by Keras' fit(x, x).
//
// Model: encoder Dense layers [input_dim → architecture… → latent_dim], decoder the mirror
// [latent_dim → reversed architecture… → input_dim]. Hidden layers use `hidden_activation`,
// the bottleneck (the codes) `latent_activation`, the reconstruction `output_activation`
// (both linear by default, as the reference).
// Training (Keras semantics): Glorot-uniform kernels and zero biases; each epoch draws a fresh
// permutation of the rows and steps through it in batches of `batch_size`, the last partial
// batch kept as an ordinary step averaged over its own size; one optimiser step per batch;
// the epoch loss is the sample-weighted mean of the batch losses.
//
// Reproducibility contract: the initial weights depend only on (seed, shapes); training
// results depend only on (seed, data, options, epochs trained so far) — not on the thread
// count (sgemm and every reduction here use fixed partitions) nor on the batching of encode().
// Thread safety: encode/reconstruct are const and may run concurrently; fit must not overlap
// any other call on the same object.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "n2d/blas/activation.hpp"
#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/nn/augment.hpp"
#include "n2d/nn/loss.hpp"
#include "n2d/nn/optimizer.hpp"

namespace n2d::inline v0 {

class Device;
class ThreadPool;
namespace nn {
class DecTrainer;  // DEC fine-tuning (n2d/nn/dec.hpp) trains the network in place
}

// A per-batch transform of the network's inputs only (targets stay the clean data — with image
// augmentation on, the augmented images), as the seeds' `x_lambda` of a denoising autoencoder.
struct InputTransform {
    enum class Kind { none, gaussian_noise, masking_noise, custom };
    Kind kind = Kind::none;
    // gaussian_noise: the noise's standard deviation (x + N(0, amount²), clipped to [0, 1]);
    // masking_noise: the probability that an entry is set to 0 (no rescaling).
    double amount = 0.0;
    // custom: called once per batch with the batch's inputs (host memory, modify in place) and
    // a generator seeded from (seed, optimiser step) — use it for all randomness to stay
    // reproducible. Not serialised: a loaded model has Kind::none in its place.
    std::function<void(MatrixView inputs, Rng& rng)> fn;

    static InputTransform gaussian_noise(double stddev) { return {Kind::gaussian_noise, stddev, {}}; }
    static InputTransform masking_noise(double probability) { return {Kind::masking_noise, probability, {}}; }
    static InputTransform custom(std::function<void(MatrixView, Rng&)> f) { return {Kind::custom, 0.0, std::move(f)}; }
};

struct AutoencoderOptions {
    // Widths of the encoder's hidden layers (the decoder mirrors them). Paper: {500, 500, 2000}.
    std::vector<std::size_t> architecture{500, 500, 2000};
    // Width of the code (bottleneck); the paper uses the number of clusters.
    std::size_t latent_dim = 10;
    Activation hidden_activation = Activation::relu;
    Activation latent_activation = Activation::linear;   // reference: linear
    Activation output_activation = Activation::linear;   // reference: linear (sigmoid suits binary_crossentropy)
    // leaky_relu slope / elu scale; unset: Keras' defaults (leaky_relu 0.2, elu 1.0).
    std::optional<float> activation_alpha;
    Loss loss = Loss::mse;
    OptimizerOptions optimizer;   // Adam, lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7 (Keras)
    std::size_t batch_size = 256;
    std::size_t epochs = 1000;    // epochs per fit() call (paper: 1000 pretraining epochs)
    // Early stopping on the epoch loss (Keras EarlyStopping(monitor='loss', patience,
    // min_delta, restore_best_weights=True)): stop after `patience` epochs in a row without
    // the loss dropping below best - min_delta. When fit() ends — stopped early or after all
    // epochs — the weights of the best epoch of this fit() call are restored (as Keras ≥ 2.11;
    // the optimiser state is kept). 0 = off.
    std::size_t patience = 0;
    double min_delta = 0.0;
    std::uint64_t seed = 0;       // drives initialisation, shuffling, augmentation and the input transform
    // Random small rotations and shifts of each training row seen as an image (augment.hpp),
    // applied before the input transform. As DEC-DA, the network reconstructs the augmented
    // image — its target is what it was given — so the loss stays a plain reconstruction loss
    // that can reach 0 and the codes must describe each seen variant (a clean target would ask
    // the network to undo a random shift it cannot know, a different, invariance objective).
    // Off by default; encode/reconstruct never augment.
    ImageAugmentation augmentation;
    InputTransform input_transform;
    // Called after every epoch (stage "autoencoder", step = epoch within this fit, loss =
    // epoch loss, samples/s, ETA); returning false stops training with n2d::Cancelled,
    // leaving the weights and optimiser state of the last finished epoch (training is
    // incremental: a later fit continues from them; a new Autoencoder refits from scratch).
    ProgressCallback progress;
    // Checkpointing (never lose a long run): when checkpoint_path is set, fit writes a
    // checkpoint there (save_checkpoint, atomically) every `checkpoint_every` epochs of the
    // call, after its last epoch, and before it throws Cancelled. Not serialised.
    std::string checkpoint_path;
    std::size_t checkpoint_every = 10;
    // Where to run: null = cpu_device() (on the default pool), or a CPU device on `pool` when
    // a pool is given. The device must outlive the autoencoder. Not serialised.
    Device* device = nullptr;
    ThreadPool* pool = nullptr;
};

// Throws n2d::Error naming the first invalid field and how to fix it.
void validate(const AutoencoderOptions& options);

class Autoencoder {
public:
    // Like the other estimators: the network is built (Glorot-uniform kernels, zero biases,
    // from options.seed) by the first fit, which takes the input width from its data.
    explicit Autoencoder(AutoencoderOptions options = {});
    // Builds and initialises the network for `input_dim` columns now (e.g. to inspect it).
    Autoencoder(std::size_t input_dim, AutoencoderOptions options);
    ~Autoencoder();
    Autoencoder(Autoencoder&&) noexcept;
    Autoencoder& operator=(Autoencoder&&) noexcept;

    // Trains options().epochs epochs on the rows of x, continuing from the current weights and
    // optimiser state. x must be finite with input_dim() columns (any width before the network
    // is built) and at least one row. Returns *this.
    Autoencoder& fit(ConstMatrixView x);
    // Latent codes (rows × latent_dim) and reconstructions (rows × input_dim), computed in
    // batches on the device's threads; each output row depends only on its input row.
    // transform is encode, as the other estimators name it.
    Matrix encode(ConstMatrixView x) const;
    Matrix transform(ConstMatrixView x) const { return encode(x); }
    Matrix fit_transform(ConstMatrixView x) { return fit(x).encode(x); }
    Matrix reconstruct(ConstMatrixView x) const;

    // False until the network exists (built by fit or the input-width constructor, or loaded).
    bool built() const noexcept { return s_ != nullptr; }
    std::size_t input_dim() const noexcept;  // 0 before the network is built
    std::size_t latent_dim() const noexcept;
    const AutoencoderOptions& options() const noexcept;
    // Mutable training settings for later fit() calls (epochs, patience, progress, transform,
    // batch size, learning rate...). Shapes and activations are fixed at construction.
    void set_epochs(std::size_t epochs);
    void set_progress(ProgressCallback progress);
    void set_input_transform(InputTransform transform);
    // Layer widths [input_dim, architecture…, latent_dim, …mirror…, input_dim].
    std::vector<std::size_t> layer_sizes() const;
    std::size_t parameter_count() const noexcept;
    // All kernels and biases, layer by layer (W row-major fan_in × fan_out, then b).
    std::vector<float> parameters() const;
    // One entry per epoch ever trained (the epoch's mean training loss).
    const std::vector<double>& loss_history() const noexcept;
    std::size_t epochs_trained() const noexcept;
    std::uint64_t optimizer_steps() const noexcept;
    // Epoch (0-based, into loss_history()) whose weights early stopping restored, if it did.
    std::optional<std::size_t> restored_epoch() const noexcept;

    // Serialises architecture, activations, loss, training options and weights — everything
    // needed to rebuild the network — and, when asked, the optimiser state (so fit() can
    // continue exactly). The one-file model embeds this.
    void save(ByteWriter& out, bool include_optimizer_state = false) const;
    static Autoencoder load(ByteReader& in);
    // Own file format: magic "N2DAEWTS", format version, payload size, CRC-32, then the save()
    // payload (64-byte aligned). Written atomically.
    void save_weights(const std::string& path, bool include_optimizer_state = false) const;
    static Autoencoder load_weights(const std::string& path);
    // A weights file with the optimiser state and the state of the fit() call in progress
    // (epochs done in the call, early-stopping state and best weights, the data's shape and
    // CRC-32): what checkpoint_path receives. load_weights reads it as ordinary weights.
    void save_checkpoint(const std::string& path) const;
    // Loads a checkpoint whose next fit(x) continues the interrupted call bit-identically,
    // training until `options.epochs` epochs of the call are done (raise it to train longer).
    // `options` must hold the training settings the checkpoint was written with (else
    // n2d::Error names the first that differs); its run-time fields (epochs, progress,
    // checkpointing, device, pool, a custom transform's function) are used as given.
    static Autoencoder resume(const std::string& path, AutoencoderOptions options);

    struct State;

private:
    friend class nn::DecTrainer;
    explicit Autoencoder(std::unique_ptr<State> state);
    Matrix forward_rows(ConstMatrixView x, bool codes_only) const;
    const State& built_state(const char* what) const;
    std::unique_ptr<State> s_;
    AutoencoderOptions pending_;  // the options until the network is built
};

}  // namespace n2d
