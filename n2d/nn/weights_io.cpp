// Autoencoder serialisation: the ByteWriter payload (embedded by the one-file model) and the
// standalone weights file around it.
//
// Payload, versions 1 and 2 (little-endian; arrays are u64 count + data 64-byte aligned):
//   u32 magic "N2AE", u32 version,
//   u64 input_dim, u64[] architecture, u64 latent_dim,
//   u8 hidden/latent/output activation, u8 has_alpha, f32 alpha, u8 loss,
//   optimizer: u8 type, f64 learning_rate, beta1, beta2, epsilon, momentum, u8 nesterov,
//   u64 batch_size, epochs, patience, f64 min_delta, u64 seed, u8 transform kind, f64 amount,
//   [version 2: u8 augmentation enabled, u64 height, u64 width, f64 max_shift, f64 max_rotation,]
//   u64 optimizer steps, f64[] loss history,
//   u64 layer count, then per layer f32[] W (fan_in×fan_out row-major) and f32[] b,
//   u8 optimizer state arrays k (0 = none), then for each of the k arrays per layer W and b.
// File: "N2DAEWTS", u32 file version, u32 CRC-32 of the payload, u64 payload size, zero
// padding to byte 64, payload. Version 2 appends to the payload u8 has_fit_call and, when 1,
// the fit call in progress (a checkpoint): u64 epochs done, u8 stopped, f64 best loss, u64
// wait, u8 has_best, u64 best epoch, u64 rows, u64 cols, u32 data CRC-32, then when has_best
// the best weights per layer as above. Version 1 (no such byte) is still read.
// A payload is written with the lowest version that describes it: 2 only when image augmentation
// is on, so files without it stay byte-identical to (and loadable by) earlier builds.
// load_weights also reads Keras HDF5 weights files (keras_weights.cpp).
#include <cmath>
#include <cstring>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/data/detail/hdf5.hpp"
#include "n2d/nn/detail/keras_weights.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/detail/network.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint32_t kPayloadVersion = 2;  // the newest this build reads
constexpr char kFileMagic[8] = {'N', '2', 'D', 'A', 'E', 'W', 'T', 'S'};
constexpr std::uint32_t kFileVersion = 2;
constexpr std::size_t kHeaderSize = 64;

std::uint32_t payload_magic() {  // the bytes "N2AE"
    std::uint32_t m;
    std::memcpy(&m, "N2AE", 4);
    return m;
}

void put_layers(ByteWriter& w, const nn::Layout& L, const std::vector<float>& host) {
    for (std::size_t l = 0; l < L.layers.size(); ++l) {
        w.put_array(host.data() + L.w(l), L.layers[l].in * L.layers[l].out);
        w.put_array(host.data() + L.b(l), L.layers[l].out);
    }
}

void get_layers(ByteReader& r, const nn::Layout& L, std::vector<float>& host, const char* what) {
    for (std::size_t l = 0; l < L.layers.size(); ++l) {
        r.get_array(host.data() + L.w(l), L.layers[l].in * L.layers[l].out);
        r.get_array(host.data() + L.b(l), L.layers[l].out);
    }
    for (float v : host) r.expect(std::isfinite(v), std::string(what) + " hold a non-finite value");
}

template <class E>
E get_enum(ByteReader& r, std::uint8_t count, const char* what) {
    const auto v = r.get<std::uint8_t>();
    r.expect(v < count, std::string("unknown ") + what + " code " + std::to_string(v));
    return static_cast<E>(v);
}

void put_call(ByteWriter& w, const Autoencoder::State& s) {
    const nn::FitCall& c = s.call;
    w.put<std::uint64_t>(c.done);
    w.put<std::uint8_t>(c.stopped);
    w.put<double>(c.best_loss);
    w.put<std::uint64_t>(c.wait);
    w.put<std::uint8_t>(c.best_epoch.has_value());
    w.put<std::uint64_t>(c.best_epoch.value_or(0));
    w.put<std::uint64_t>(c.rows);
    w.put<std::uint64_t>(c.cols);
    w.put<std::uint32_t>(c.data_crc);
    if (c.best_epoch) put_layers(w, s.layout, s.download(s.best));
}

void get_call(ByteReader& r, Autoencoder::State& s) {
    nn::FitCall c;
    c.done = static_cast<std::size_t>(r.get<std::uint64_t>());
    c.stopped = r.get<std::uint8_t>() != 0;
    c.best_loss = r.get<double>();
    c.wait = static_cast<std::size_t>(r.get<std::uint64_t>());
    const bool has_best = r.get<std::uint8_t>() != 0;
    const auto best_epoch = r.get<std::uint64_t>();
    c.rows = r.get<std::uint64_t>();
    c.cols = r.get<std::uint64_t>();
    c.data_crc = r.get<std::uint32_t>();
    r.expect(c.rows > 0 && c.cols == s.input_dim, "the checkpoint's data shape " + std::to_string(c.rows) + " x " +
                                                      std::to_string(c.cols) + " does not fit the network");
    r.expect(c.done <= s.history.size(), "the checkpoint counts more epochs than its loss history holds");
    if (has_best) {
        r.expect(best_epoch < s.history.size(), "the checkpoint's best epoch lies beyond its loss history");
        c.best_epoch = static_cast<std::size_t>(best_epoch);
        std::vector<float> host(s.layout.size(), 0.0f);
        get_layers(r, s.layout, host, "best weights");
        s.best = s.arena();
        s.upload(s.best, host);
    }
    s.call = c;
}

}  // namespace

void Autoencoder::save(ByteWriter& w, bool include_optimizer_state) const {
    const State& s = built_state("save");
    const AutoencoderOptions& o = s.options;
    w.put<std::uint32_t>(payload_magic());
    const ImageAugmentation& aug = o.augmentation;
    w.put<std::uint32_t>(aug.enabled ? 2 : 1);
    w.put<std::uint64_t>(s.input_dim);
    std::vector<std::uint64_t> arch(o.architecture.begin(), o.architecture.end());
    w.put_vector(arch);
    w.put<std::uint64_t>(o.latent_dim);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(o.hidden_activation));
    w.put<std::uint8_t>(static_cast<std::uint8_t>(o.latent_activation));
    w.put<std::uint8_t>(static_cast<std::uint8_t>(o.output_activation));
    w.put<std::uint8_t>(o.activation_alpha.has_value());
    w.put<float>(o.activation_alpha.value_or(0.0f));
    w.put<std::uint8_t>(static_cast<std::uint8_t>(o.loss));
    w.put<std::uint8_t>(static_cast<std::uint8_t>(o.optimizer.type));
    for (double v : {o.optimizer.learning_rate, o.optimizer.beta1, o.optimizer.beta2, o.optimizer.epsilon,
                     o.optimizer.momentum})
        w.put<double>(v);
    w.put<std::uint8_t>(o.optimizer.nesterov);
    w.put<std::uint64_t>(o.batch_size);
    w.put<std::uint64_t>(o.epochs);
    w.put<std::uint64_t>(o.patience);
    w.put<double>(o.min_delta);
    w.put<std::uint64_t>(o.seed);
    const bool builtin = o.input_transform.kind != InputTransform::Kind::custom;
    w.put<std::uint8_t>(static_cast<std::uint8_t>(builtin ? o.input_transform.kind : InputTransform::Kind::none));
    w.put<double>(builtin ? o.input_transform.amount : 0.0);
    if (aug.enabled) {
        w.put<std::uint8_t>(1);
        w.put<std::uint64_t>(aug.height);
        w.put<std::uint64_t>(aug.width);
        w.put<double>(aug.max_shift);
        w.put<double>(aug.max_rotation);
    }
    w.put<std::uint64_t>(s.step);
    w.put_vector(s.history);

    const nn::Layout& L = s.layout;
    w.put<std::uint64_t>(L.layers.size());
    put_layers(w, L, s.download(s.params));
    const std::size_t k = include_optimizer_state ? s.moment_count : 0;
    w.put<std::uint8_t>(static_cast<std::uint8_t>(k));
    for (std::size_t i = 0; i < k; ++i) put_layers(w, L, s.download(s.moments[i]));
}

Autoencoder Autoencoder::load(ByteReader& r) {
    r.expect(r.get<std::uint32_t>() == payload_magic(), "not autoencoder data (magic \"N2AE\" missing)");
    const auto version = r.get<std::uint32_t>();
    r.expect(version >= 1 && version <= kPayloadVersion, "autoencoder format version " + std::to_string(version) +
                                                             " is not supported (this build reads versions 1 and 2)");
    const auto input_dim = r.get<std::uint64_t>();
    const auto arch = r.get_vector<std::uint64_t>(4096);
    AutoencoderOptions o;
    o.architecture.assign(arch.begin(), arch.end());
    o.latent_dim = static_cast<std::size_t>(r.get<std::uint64_t>());
    o.hidden_activation = get_enum<Activation>(r, 7, "activation");
    o.latent_activation = get_enum<Activation>(r, 7, "activation");
    o.output_activation = get_enum<Activation>(r, 7, "activation");
    const bool has_alpha = r.get<std::uint8_t>() != 0;
    const float alpha = r.get<float>();
    if (has_alpha) o.activation_alpha = alpha;
    o.loss = get_enum<Loss>(r, 3, "loss");
    o.optimizer.type = get_enum<OptimizerType>(r, 2, "optimizer");
    o.optimizer.learning_rate = r.get<double>();
    o.optimizer.beta1 = r.get<double>();
    o.optimizer.beta2 = r.get<double>();
    o.optimizer.epsilon = r.get<double>();
    o.optimizer.momentum = r.get<double>();
    o.optimizer.nesterov = r.get<std::uint8_t>() != 0;
    o.batch_size = static_cast<std::size_t>(r.get<std::uint64_t>());
    o.epochs = static_cast<std::size_t>(r.get<std::uint64_t>());
    o.patience = static_cast<std::size_t>(r.get<std::uint64_t>());
    o.min_delta = r.get<double>();
    o.seed = r.get<std::uint64_t>();
    o.input_transform.kind = get_enum<InputTransform::Kind>(r, 3, "input transform");
    o.input_transform.amount = r.get<double>();
    if (version >= 2) {
        ImageAugmentation& aug = o.augmentation;
        aug.enabled = r.get<std::uint8_t>() != 0;
        aug.height = static_cast<std::size_t>(r.get<std::uint64_t>());
        aug.width = static_cast<std::size_t>(r.get<std::uint64_t>());
        aug.max_shift = r.get<double>();
        aug.max_rotation = r.get<double>();
    }

    std::unique_ptr<State> s;
    try {
        N2D_REQUIRE(input_dim > 0 && input_dim <= (std::uint64_t(1) << 24), "input_dim " + std::to_string(input_dim));
        validate(o);
        require_image_width(o.augmentation, static_cast<std::size_t>(input_dim));
        // Refuse sizes the remaining bytes cannot hold before allocating anything for them.
        const std::size_t count = nn::make_layout(static_cast<std::size_t>(input_dim), o).parameter_count();
        N2D_REQUIRE(count <= r.remaining() / sizeof(float),
                    std::to_string(count) + " parameters but only " + std::to_string(r.remaining()) + " bytes left");
        s = std::make_unique<State>(static_cast<std::size_t>(input_dim), std::move(o));
    } catch (const Error& e) {
        r.fail(std::string("invalid autoencoder settings (") + e.what() + ")");
    }
    s->step = r.get<std::uint64_t>();
    s->history = r.get_vector<double>();
    const nn::Layout& L = s->layout;
    const auto n_layers = r.get<std::uint64_t>();
    r.expect(n_layers == L.layers.size(), "layer count " + std::to_string(n_layers) + " does not match the " +
                                              std::to_string(L.layers.size()) + " layers of the stored architecture");
    std::vector<float> host(L.size(), 0.0f);
    get_layers(r, L, host, "weights");
    s->upload(s->params, host);
    const auto k = r.get<std::uint8_t>();
    r.expect(k == 0 || k == nn::optimizer_state_count(s->options.optimizer),
             "optimizer state count " + std::to_string(k) + " does not match the " + to_string(s->options.optimizer.type) +
                 " optimizer");
    if (k) {
        s->ensure_training_buffers();
        for (std::size_t i = 0; i < k; ++i) {
            get_layers(r, L, host, "optimizer state arrays");
            s->upload(s->moments[i], host);
        }
        s->moment_count = k;
    }
    return Autoencoder(std::move(s));
}

void Autoencoder::save_weights(const std::string& path, bool include_optimizer_state) const {
    nn::write_weights_file(path, *this, built_state("save_weights"), include_optimizer_state, false);
}

void nn::write_weights_file(const std::string& path, const Autoencoder& ae, const Autoencoder::State& s,
                            bool optimizer_state, bool fit_call) {
    ByteWriter payload;
    ae.save(payload, optimizer_state);
    payload.put<std::uint8_t>(fit_call);
    if (fit_call) put_call(payload, s);
    ByteWriter file;
    file.put_bytes(kFileMagic, sizeof kFileMagic);
    file.put<std::uint32_t>(kFileVersion);
    file.put<std::uint32_t>(crc32(payload.bytes().data(), payload.size()));
    file.put<std::uint64_t>(payload.size());
    file.align(kHeaderSize);
    file.put_bytes(payload.bytes().data(), payload.size());
    write_file_atomically(path, file.bytes().data(), file.size());
}

Autoencoder Autoencoder::load_weights(const std::string& path) {
    const std::vector<unsigned char> bytes = read_file(path);
    const std::string where = "n2d: " + path + ": ";
    // The N2D paper's Keras weights (HDF5): its mirrored Dense autoencoder, read by our own
    // HDF5 reader; anything else in HDF5 is refused there with the reason.
    if (hdf5::has_signature(bytes.data(), bytes.size())) {
        try {
            return Autoencoder(nn::keras_state(bytes, path));
        } catch (const Error& e) {
            N2D_FAIL(std::string(e.what()) + " (for other weights, train with n2d once and save them: n2d fit DATA "
                                             "--save-weights FILE, or Autoencoder::save_weights)");
        }
    }
    if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kFileMagic, sizeof kFileMagic) != 0)
        N2D_FAIL(where + "not an n2d autoencoder weights file (magic \"N2DAEWTS\" missing); pass a file written "
                            "by Autoencoder::save_weights");
    std::uint32_t version, crc;
    std::uint64_t size;
    std::memcpy(&version, bytes.data() + 8, 4);
    std::memcpy(&crc, bytes.data() + 12, 4);
    std::memcpy(&size, bytes.data() + 16, 8);
    if (version != 1 && version != kFileVersion)
        N2D_FAIL(where + "weights file version " + std::to_string(version) +
                    " is not supported (this build reads versions 1 and 2); re-save it with this version of n2d");
    if (size != bytes.size() - kHeaderSize)
        N2D_FAIL(where + "weights file is truncated or has trailing data (payload of " + std::to_string(size) +
                    " bytes declared, " + std::to_string(bytes.size() - kHeaderSize) + " present)");
    if (crc32(bytes.data() + kHeaderSize, size) != crc)
        N2D_FAIL(where + "weights file checksum mismatch (CRC-32); the file is corrupt — re-save or re-train");
    ByteReader r(bytes.data() + kHeaderSize, size, "autoencoder weights in " + path);
    Autoencoder ae = load(r);
    if (version >= 2 && r.get<std::uint8_t>() != 0) get_call(r, *ae.s_);
    r.expect(r.at_end(), "trailing data after the autoencoder weights");
    return ae;
}

}  // namespace n2d
