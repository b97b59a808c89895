// Internal: the autoencoder's layer layout, parameter arenas and state (shared by
// autoencoder.cpp, training.cpp and weights_io.cpp; not part of the public API).
//
// Parameters live in one contiguous 64-byte-aligned device arena: layer l's kernel W_l
// (fan_in × fan_out, row-major) at w(l), its bias right after at b(l); every block starts on a
// 16-float boundary. Gradients and each optimiser state array use the same layout in arenas
// of their own, so one offset addresses a parameter, its gradient and its moments, and a whole
// layer (W and b) is one contiguous range [begin(l), end(l)) for the optimiser.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "n2d/device/detail/device.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/detail/layers.hpp"
#include "n2d/nn/detail/loss.hpp"
#include "n2d/nn/detail/optimizer.hpp"

namespace n2d::inline v0::nn {

inline constexpr std::size_t kBlockAlign = 16;  // floats: 64 bytes
inline std::size_t round_up(std::size_t n) noexcept { return (n + kBlockAlign - 1) / kBlockAlign * kBlockAlign; }

struct Layout {
    std::vector<DenseShape> layers;   // encoder layers first, then the decoder
    std::vector<std::size_t> starts;  // layers.size()+1 offsets into the arena
    std::size_t encoder_layers = 0;

    std::size_t size() const noexcept { return starts.back(); }
    std::size_t begin(std::size_t l) const noexcept { return starts[l]; }
    std::size_t end(std::size_t l) const noexcept { return starts[l + 1]; }
    std::size_t w(std::size_t l) const noexcept { return starts[l]; }
    std::size_t b(std::size_t l) const noexcept { return starts[l] + round_up(layers[l].in * layers[l].out); }
    std::size_t max_width() const noexcept;
    std::size_t parameter_count() const noexcept;  // real parameters (no padding)
};

// Keras' default alpha for the activation when options leave it unset.
float resolved_alpha(const AutoencoderOptions& options) noexcept;
Layout make_layout(std::size_t input_dim, const AutoencoderOptions& options);

// Glorot-uniform kernels (limit sqrt(6/(fan_in+fan_out)), one RNG stream per layer from the
// seed) and zero biases, written into a host array laid out as `layout`.
void glorot_init(const Layout& layout, std::uint64_t seed, float* host_params);

// The fit() call in progress. It lives in the state rather than on fit's stack so that a
// checkpoint can save it and resume() restore it: the shuffle and noise of an epoch derive
// from (seed, global epoch, optimiser step) alone, so with this a resumed call trains exactly
// as the uninterrupted one.
struct FitCall {
    std::size_t done = 0;                   // epochs finished in this call
    bool stopped = false;                   // early stopping fired
    double best_loss = INFINITY;            // early stopping (patience > 0)
    std::size_t wait = 0;
    std::optional<std::size_t> best_epoch;  // global epoch whose weights State::best holds
    std::uint64_t rows = 0, cols = 0;       // the data the call trains on
    std::uint32_t data_crc = 0;             // and its CRC-32
};

}  // namespace n2d::nn

namespace n2d::inline v0 {

struct Autoencoder::State {
    std::size_t input_dim = 0;
    AutoencoderOptions options;
    std::unique_ptr<Device> owned_device;  // a CPU device on options.pool, when one was given
    Device* dev = nullptr;
    nn::Layout layout;
    Buffer params;
    Buffer grads;      // allocated by the first fit()
    Buffer moments[2]; // optimiser state arrays (Adam: m, v; SGD: velocity)
    std::size_t moment_count = 0;  // how many moments hold state (0 until the first step)
    std::uint64_t step = 0;        // optimiser steps taken
    std::vector<double> history;
    std::optional<std::size_t> restored_epoch;
    nn::FitCall call;
    Buffer best;                // the best epoch's weights (patience > 0)
    bool continue_call = false; // set by resume(): the next fit continues `call`

    State(std::size_t input_dim, AutoencoderOptions options);
    ThreadPool* pool() const;
    // Parameters as a host array in arena layout, and back.
    std::vector<float> download(const Buffer& buf) const;
    void upload(Buffer& buf, const std::vector<float>& host);
    BufView weights(std::size_t l) const { return params.view(layout.w(l), layout.layers[l].in * layout.layers[l].out); }
    BufView bias(std::size_t l) const { return params.view(layout.b(l), layout.layers[l].out); }
    Buffer arena() const { return Buffer(*dev, DType::f32, layout.size()); }  // zeroed, arena-sized
    // Allocates grads and optimiser state for the configured optimiser (keeps existing state).
    void ensure_training_buffers();
};

namespace nn {
// Writes `ae`'s weights file (weights_io.cpp) atomically; `s` is its state. With fit_call, also
// the fit call in progress and its best weights: a checkpoint.
void write_weights_file(const std::string& path, const Autoencoder& ae, const Autoencoder::State& s,
                        bool optimizer_state, bool fit_call);
}  // namespace nn

}  // namespace n2d
