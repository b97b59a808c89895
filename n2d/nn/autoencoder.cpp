// Autoencoder construction, validation, initialisation and inference (encode/reconstruct).
// Training is in training.cpp, serialisation in weights_io.cpp.
#include "n2d/nn/autoencoder.hpp"

#include <algorithm>
#include <cmath>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/detail/network.hpp"

namespace n2d::inline v0 {

namespace {
constexpr std::size_t kMaxWidth = std::size_t(1) << 24;  // per layer; keeps every size product far from overflow
constexpr std::uint64_t kInitStream = 0x696E6974;        // "init"
constexpr std::size_t kInferenceBatch = 1024;

bool known(Activation a) {
    switch (a) {
        case Activation::linear: case Activation::relu: case Activation::sigmoid: case Activation::tanh:
        case Activation::leaky_relu: case Activation::elu: case Activation::gelu: return true;
    }
    return false;
}
}  // namespace

void validate(const AutoencoderOptions& o) {
    N2D_REQUIRE(!o.architecture.empty(),
                "autoencoder architecture is empty; give the encoder's hidden layer widths, e.g. {500, 500, 2000}");
    for (std::size_t i = 0; i < o.architecture.size(); ++i)
        N2D_REQUIRE(o.architecture[i] > 0 && o.architecture[i] <= kMaxWidth,
                    "autoencoder architecture[" + std::to_string(i) + "] is " + std::to_string(o.architecture[i]) +
                        "; every hidden layer needs a width between 1 and " + std::to_string(kMaxWidth));
    N2D_REQUIRE(o.latent_dim > 0 && o.latent_dim <= kMaxWidth,
                "autoencoder latent_dim is " + std::to_string(o.latent_dim) + "; it must be at least 1 (the paper uses "
                "the number of clusters)");
    N2D_REQUIRE(known(o.hidden_activation) && known(o.latent_activation) && known(o.output_activation),
                "autoencoder activation holds an unknown value; use one of n2d::Activation's enumerators");
    N2D_REQUIRE(o.loss == Loss::mse || o.loss == Loss::mae || o.loss == Loss::binary_crossentropy,
                "autoencoder loss holds an unknown value; use Loss::mse, Loss::mae or Loss::binary_crossentropy");
    if (o.activation_alpha)
        N2D_REQUIRE(std::isfinite(*o.activation_alpha) && *o.activation_alpha >= 0.0f,
                    "autoencoder activation_alpha is " + std::to_string(*o.activation_alpha) +
                        "; it must be a finite number >= 0");
    N2D_REQUIRE(o.batch_size > 0, "autoencoder batch_size is 0; use a positive batch size (Keras default 32, N2D 256)");
    N2D_REQUIRE(o.batch_size <= (std::size_t(1) << 24), "autoencoder batch_size " + std::to_string(o.batch_size) +
                                                              " is too large; use at most 16777216");
    N2D_REQUIRE(std::isfinite(o.min_delta) && o.min_delta >= 0.0,
                "autoencoder min_delta is " + std::to_string(o.min_delta) + "; it must be a finite number >= 0");
    N2D_REQUIRE(o.checkpoint_path.empty() || o.checkpoint_every > 0,
                "autoencoder checkpoint_every is 0; checkpoint every N >= 1 epochs (default 10)");
    validate(o.optimizer);
    validate(o.augmentation);
    const auto& t = o.input_transform;
    switch (t.kind) {
        case InputTransform::Kind::none: break;
        case InputTransform::Kind::gaussian_noise:
            N2D_REQUIRE(std::isfinite(t.amount) && t.amount >= 0.0,
                        "gaussian_noise standard deviation is " + std::to_string(t.amount) + "; it must be >= 0");
            break;
        case InputTransform::Kind::masking_noise:
            N2D_REQUIRE(t.amount >= 0.0 && t.amount <= 1.0,
                        "masking_noise probability is " + std::to_string(t.amount) + "; it must lie in [0, 1]");
            break;
        case InputTransform::Kind::custom:
            N2D_REQUIRE(static_cast<bool>(t.fn), "input_transform is custom but holds no function; pass one to "
                                                 "InputTransform::custom or use Kind::none");
            break;
        default: N2D_REQUIRE(false, "input_transform.kind holds an unknown value");
    }
}

namespace nn {

std::size_t Layout::max_width() const noexcept {
    std::size_t w = 0;
    for (const auto& l : layers) w = std::max({w, l.in, l.out});
    return w;
}

std::size_t Layout::parameter_count() const noexcept {
    std::size_t n = 0;
    for (const auto& l : layers) n += l.in * l.out + l.out;
    return n;
}

float resolved_alpha(const AutoencoderOptions& o) noexcept {
    if (o.activation_alpha) return *o.activation_alpha;
    return o.hidden_activation == Activation::elu ? 1.0f : 0.2f;
}

Layout make_layout(std::size_t input_dim, const AutoencoderOptions& o) {
    std::vector<std::size_t> dims{input_dim};
    dims.insert(dims.end(), o.architecture.begin(), o.architecture.end());
    dims.push_back(o.latent_dim);
    const std::size_t enc = dims.size() - 1;
    for (std::size_t i = enc; i-- > 0;) dims.push_back(dims[i]);  // mirror: …, latent, arch reversed, input

    Layout L;
    L.encoder_layers = enc;
    const float alpha = resolved_alpha(o);
    L.starts.push_back(0);
    for (std::size_t l = 0; l + 1 < dims.size(); ++l) {
        Activation act = o.hidden_activation;
        if (l + 1 == enc) act = o.latent_activation;
        if (l + 2 == dims.size()) act = o.output_activation;
        L.layers.push_back({dims[l], dims[l + 1], act, alpha});
        L.starts.push_back(L.starts.back() + round_up(dims[l] * dims[l + 1]) + round_up(dims[l + 1]));
    }
    return L;
}

void glorot_init(const Layout& L, std::uint64_t seed, float* host) {
    for (std::size_t l = 0; l < L.layers.size(); ++l) {
        const auto& s = L.layers[l];
        const double limit = std::sqrt(6.0 / static_cast<double>(s.in + s.out));
        Rng rng(derive_seed(seed, kInitStream, l));
        float* w = host + L.w(l);
        for (std::size_t i = 0; i < s.in * s.out; ++i) w[i] = static_cast<float>(rng.uniform(-limit, limit));
        std::fill(host + L.b(l), host + L.b(l) + s.out, 0.0f);
    }
}

}  // namespace nn

Autoencoder::State::State(std::size_t in_dim, AutoencoderOptions opts) : input_dim(in_dim), options(std::move(opts)) {
    N2D_REQUIRE(input_dim > 0 && input_dim <= kMaxWidth,
                "autoencoder input_dim is " + std::to_string(input_dim) + "; the data needs at least one column");
    validate(options);
    if (options.device) {
        dev = options.device;
    } else if (options.pool) {
        owned_device = make_cpu_device(options.pool);
        dev = owned_device.get();
    } else {
        dev = &cpu_device();
    }
    layout = nn::make_layout(input_dim, options);
    params = arena();
}

ThreadPool* Autoencoder::State::pool() const { return &pool_or_default(options.pool); }

std::vector<float> Autoencoder::State::download(const Buffer& buf) const {
    std::vector<float> host(layout.size());
    dev->download(host.data(), buf.view());
    return host;
}

void Autoencoder::State::upload(Buffer& buf, const std::vector<float>& host) {
    N2D_ASSERT(host.size() == buf.size(), "State::upload of a host array of another size");
    dev->upload(buf.view(), host.data());
}

void Autoencoder::State::ensure_training_buffers() {
    if (!grads) grads = arena();
    const std::size_t need = nn::optimizer_state_count(options.optimizer);
    for (std::size_t i = 0; i < need; ++i)
        if (!moments[i]) moments[i] = arena();
}

Autoencoder::Autoencoder(std::size_t input_dim, AutoencoderOptions options)
    : s_(std::make_unique<State>(input_dim, std::move(options))) {
    std::vector<float> host(s_->layout.size(), 0.0f);
    nn::glorot_init(s_->layout, s_->options.seed, host.data());
    s_->upload(s_->params, host);
}

Autoencoder::Autoencoder(AutoencoderOptions options) : pending_(std::move(options)) {}

Autoencoder::Autoencoder(std::unique_ptr<State> state) : s_(std::move(state)) {}

const Autoencoder::State& Autoencoder::built_state(const char* what) const {
    if (!s_) N2D_FAIL(std::string("n2d: Autoencoder::") + what + " before the network exists; call fit(x) first "
                      "(or construct it with an input width, or load one)");
    return *s_;
}
Autoencoder::~Autoencoder() = default;
Autoencoder::Autoencoder(Autoencoder&&) noexcept = default;
Autoencoder& Autoencoder::operator=(Autoencoder&&) noexcept = default;

std::size_t Autoencoder::input_dim() const noexcept { return s_ ? s_->input_dim : 0; }
std::size_t Autoencoder::latent_dim() const noexcept { return options().latent_dim; }
const AutoencoderOptions& Autoencoder::options() const noexcept { return s_ ? s_->options : pending_; }
void Autoencoder::set_epochs(std::size_t epochs) { (s_ ? s_->options : pending_).epochs = epochs; }
void Autoencoder::set_progress(ProgressCallback progress) { (s_ ? s_->options : pending_).progress = std::move(progress); }
void Autoencoder::set_input_transform(InputTransform transform) {
    AutoencoderOptions& current = s_ ? s_->options : pending_;
    AutoencoderOptions o = current;
    o.input_transform = std::move(transform);
    validate(o);
    current.input_transform = std::move(o.input_transform);
}
std::size_t Autoencoder::parameter_count() const noexcept { return s_ ? s_->layout.parameter_count() : 0; }
const std::vector<double>& Autoencoder::loss_history() const noexcept {
    static const std::vector<double> none;
    return s_ ? s_->history : none;
}
std::size_t Autoencoder::epochs_trained() const noexcept { return s_ ? s_->history.size() : 0; }
std::uint64_t Autoencoder::optimizer_steps() const noexcept { return s_ ? s_->step : 0; }
std::optional<std::size_t> Autoencoder::restored_epoch() const noexcept { return s_ ? s_->restored_epoch : std::nullopt; }

std::vector<std::size_t> Autoencoder::layer_sizes() const {
    const State& s = built_state("layer_sizes");
    std::vector<std::size_t> sizes{s.input_dim};
    for (const auto& l : s.layout.layers) sizes.push_back(l.out);
    return sizes;
}

std::vector<float> Autoencoder::parameters() const {
    const auto host = built_state("parameters").download(s_->params);
    std::vector<float> flat;
    flat.reserve(parameter_count());
    const auto& L = s_->layout;
    for (std::size_t l = 0; l < L.layers.size(); ++l) {
        flat.insert(flat.end(), host.begin() + L.w(l), host.begin() + L.w(l) + L.layers[l].in * L.layers[l].out);
        flat.insert(flat.end(), host.begin() + L.b(l), host.begin() + L.b(l) + L.layers[l].out);
    }
    return flat;
}

Matrix Autoencoder::encode(ConstMatrixView x) const { return forward_rows(x, true); }
Matrix Autoencoder::reconstruct(ConstMatrixView x) const { return forward_rows(x, false); }

Matrix Autoencoder::forward_rows(ConstMatrixView x, bool codes_only) const {
    const State& s = built_state(codes_only ? "encode" : "reconstruct");
    const char* what = codes_only ? "encode input" : "reconstruct input";
    N2D_REQUIRE(x.cols == s.input_dim, std::string(what) + " has " + std::to_string(x.cols) +
                                           " columns but the autoencoder was built for " +
                                           std::to_string(s.input_dim) + "; pass data with the training width");
    require_finite(x, what);
    const auto& L = s.layout;
    const std::size_t n_layers = codes_only ? L.encoder_layers : L.layers.size();
    Matrix out(x.rows, L.layers[n_layers - 1].out);
    if (x.rows == 0) return out;

    Device& dev = *s.dev;
    const std::size_t batch = std::min(x.rows, kInferenceBatch), dim = s.input_dim;
    const Buffer input(dev, DType::f32, batch * dim), ping(dev, DType::f32, batch * L.max_width()),
        pong(dev, DType::f32, batch * L.max_width());
    for (std::size_t r0 = 0; r0 < x.rows; r0 += batch) {
        const std::size_t rows = std::min(batch, x.rows - r0);
        if (x.contiguous()) {
            dev.upload(input.view(0, rows * dim), x.row(r0));
        } else {
            for (std::size_t i = 0; i < rows; ++i) dev.upload(input.view(i * dim, dim), x.row(r0 + i));
        }
        BufView cur = input.view();
        const Buffer* bufs[2] = {&ping, &pong};
        for (std::size_t l = 0; l < n_layers; ++l) {
            const BufView y = bufs[l % 2]->view();
            nn::dense_forward(dev, L.layers[l], rows, cur, s.weights(l), s.bias(l), y, y);
            cur = y;
        }
        dev.download(out.row(r0), cur.sub(0, rows * out.cols()));
    }
    dev.synchronize();
    return out;
}

}  // namespace n2d
