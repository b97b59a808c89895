// Autoencoder::fit — the training loop. Every buffer is allocated before the first epoch
// (activations for the largest batch, gradient ping-pong buffers, loss scratch, the shuffled
// order), so the loop itself never allocates.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/detail/augment.hpp"
#include "n2d/nn/detail/network.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint64_t kShuffleStream = 0x73687566;  // "shuf"
constexpr std::uint64_t kNoiseStream = 0x6E6F6973;    // "nois"

void require_unit_interval(ConstMatrixView x) {
    for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < x.cols; ++j)
            N2D_REQUIRE(x(i, j) >= 0.0f && x(i, j) <= 1.0f,
                        "binary_crossentropy needs targets in [0, 1], but the data holds " + std::to_string(x(i, j)) +
                            " at row " + std::to_string(i) + ", column " + std::to_string(j) +
                            "; scale the data to [0, 1] (e.g. min-max) or use Loss::mse");
}

// Applies a built-in noise transform to rows [lo, hi) of the batch; each row draws from its
// own stream (seed, step, row), so the noise does not depend on the thread count.
void add_noise(const InputTransform& t, MatrixView batch, std::size_t lo, std::size_t hi, std::uint64_t seed,
               std::uint64_t step) {
    const std::uint64_t step_seed = derive_seed(seed, kNoiseStream, step);
    for (std::size_t i = lo; i < hi; ++i) {
        Rng rng(step_seed, i);
        float* r = batch.row(i);
        if (t.kind == InputTransform::Kind::gaussian_noise) {
            for (std::size_t j = 0; j < batch.cols; ++j)
                r[j] = static_cast<float>(std::clamp(double(r[j]) + t.amount * rng.normal(), 0.0, 1.0));
        } else {
            for (std::size_t j = 0; j < batch.cols; ++j)
                if (rng.uniform() < t.amount) r[j] = 0.0f;
        }
    }
}

// The data's CRC-32, row by row (a view may have a stride).
std::uint32_t data_crc(ConstMatrixView x) {
    std::uint32_t crc = 0;
    for (std::size_t i = 0; i < x.rows; ++i) crc = crc32(x.row(i), x.cols * sizeof(float), crc);
    return crc;
}

// A resumed call must see the data it was interrupted on, or the shuffles no longer match.
void require_same_data(const nn::FitCall& c, ConstMatrixView x) {
    N2D_REQUIRE(x.rows == c.rows && x.cols == c.cols,
                "the checkpoint was trained on " + std::to_string(c.rows) + " x " + std::to_string(c.cols) +
                    " data but fit was given " + std::to_string(x.rows) + " x " + std::to_string(x.cols) +
                    "; resume on the data of the interrupted run");
    N2D_REQUIRE(data_crc(x) == c.data_crc, "the data differs from the data the checkpoint was trained on (CRC-32 "
                                           "mismatch); resume on the data of the interrupted run");
}

}  // namespace

Autoencoder& Autoencoder::fit(ConstMatrixView x) {
    if (!s_) *this = Autoencoder(x.cols, pending_);
    State& s = *s_;
    const AutoencoderOptions& o = s.options;
    validate(o);
    nn::FitCall& call = s.call;
    const bool resuming = s.continue_call;  // cleared once the checks pass: a refused call can be retried
    if (resuming) require_same_data(call, x);
    N2D_REQUIRE(x.rows > 0, "autoencoder fit data has no rows; pass at least one sample");
    N2D_REQUIRE(x.cols == s.input_dim, "autoencoder fit data has " + std::to_string(x.cols) +
                                           " columns but the autoencoder was built for " +
                                           std::to_string(s.input_dim) + "; build it with input_dim = x.cols");
    require_finite(x, "autoencoder fit data");
    require_image_width(o.augmentation, x.cols);
    if (o.loss == Loss::binary_crossentropy) require_unit_interval(x);
    s.restored_epoch.reset();
    const bool checkpointing = !o.checkpoint_path.empty();
    if (resuming) {
        N2D_REQUIRE(call.done <= o.epochs, "the checkpoint has trained " + std::to_string(call.done) +
                                               " epochs, more than the " + std::to_string(o.epochs) +
                                               " asked for; ask for at least " + std::to_string(call.done));
        s.continue_call = false;
    } else {
        call = nn::FitCall{};
        call.rows = x.rows;
        call.cols = x.cols;
        call.data_crc = data_crc(x);  // one cheap pass; lets save_checkpoint be called at any time
        if (o.epochs == 0) return *this;
    }

    Device& dev = *s.dev;
    ThreadPool* pool = s.pool();  // host work: gathering and noising batches
    const nn::Layout& L = s.layout;
    const std::size_t n = x.rows, dim = s.input_dim, n_layers = L.layers.size();
    const std::size_t batch = std::min(o.batch_size, n);
    const bool transform = o.input_transform.kind != InputTransform::Kind::none;
    const bool augment = o.augmentation.enabled;
    s.ensure_training_buffers();

    // Workspace for the largest batch.
    const Buffer target(dev, DType::f32, batch * dim);
    const Buffer noisy = transform ? Buffer(dev, DType::f32, batch * dim) : Buffer();
    std::vector<Buffer> ys(n_layers), zs(n_layers);
    for (std::size_t l = 0; l < n_layers; ++l) {
        ys[l] = Buffer(dev, DType::f32, batch * L.layers[l].out);
        if (L.layers[l].needs_preactivation()) zs[l] = Buffer(dev, DType::f32, batch * L.layers[l].out);
    }
    const Buffer grad_a(dev, DType::f32, batch * L.max_width()), grad_b(dev, DType::f32, batch * L.max_width());
    const bool device_loss = dev.supports(DeviceOp::loss);
    const Buffer row_loss = device_loss ? Buffer(dev, DType::f64, batch) : Buffer();
    const nn::LossFallback loss_fallback(dev, batch, dim);
    Matrix host_batch(batch, dim);
    std::vector<double> host_row_loss(batch);
    if (o.patience && !s.best) s.best = s.arena();
    std::vector<std::size_t> order(n);
    s.history.reserve(s.history.size() + o.epochs);
    s.moment_count = nn::optimizer_state_count(o.optimizer);

    const BufView input = transform ? noisy.view() : target.view();
    // A layer's range [begin(l), end(l)) of an arena (W and b: one optimiser step).
    const auto layer = [&](const Buffer& arena, std::size_t l) {
        return arena ? arena.view(L.begin(l), L.end(l) - L.begin(l)) : BufView{};
    };

    const auto t_start = std::chrono::steady_clock::now();
    const std::size_t first = call.done;
    while (call.done < o.epochs && !call.stopped) {
        const auto t_epoch = std::chrono::steady_clock::now();
        const std::size_t global_epoch = s.history.size();
        std::iota(order.begin(), order.end(), std::size_t(0));
        Rng(derive_seed(o.seed, kShuffleStream, global_epoch)).shuffle(order);

        double loss_sum = 0.0;
        for (std::size_t b0 = 0; b0 < n; b0 += batch) {
            const std::size_t rows = std::min(batch, n - b0);
            const std::uint64_t step = ++s.step;
            // Gather the batch's rows (host; augmented on the way when asked), upload them as
            // targets, then the transformed inputs.
            MatrixView hb = host_batch.view().row_block(0, rows);
            pool->parallel_for(0, rows, augment ? 16 : 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
                for (std::size_t i = lo; i < hi; ++i) {
                    if (augment) nn::augment_row(o.augmentation, x.row(order[b0 + i]), hb.row(i), o.seed, step, i);
                    else std::memcpy(hb.row(i), x.row(order[b0 + i]), dim * sizeof(float));
                }
            });
            dev.upload(target.view(0, rows * dim), hb.data);
            if (transform) {
                if (o.input_transform.kind == InputTransform::Kind::custom) {
                    Rng rng(derive_seed(o.seed, kNoiseStream, step), 0xC057);
                    o.input_transform.fn(hb, rng);
                } else {
                    pool->parallel_for(0, rows, 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
                        add_noise(o.input_transform, hb, lo, hi, o.seed, step);
                    });
                }
                dev.upload(noisy.view(0, rows * dim), hb.data);
            }

            // Forward.
            BufView cur = input;
            for (std::size_t l = 0; l < n_layers; ++l) {
                nn::dense_forward(dev, L.layers[l], rows, cur, s.weights(l), s.bias(l), zs[l].view(), ys[l].view());
                cur = ys[l].view();
            }
            BufView g = grad_a.view(), g_next = grad_b.view();
            loss_sum += nn::loss_forward_backward(dev, o.loss, rows, dim, cur, target.view(), g, row_loss.view(),
                                                  host_row_loss.data(), loss_fallback) *
                        static_cast<double>(rows);

            // Backward, updating each layer as soon as its gradients are complete (its W is no
            // longer needed for this step once dX has been computed); W and dW are still warm.
            for (std::size_t l = n_layers; l-- > 0;) {
                const BufView x_in = l ? ys[l - 1].view() : input;
                const std::size_t dw = L.layers[l].in * L.layers[l].out;
                nn::dense_backward(dev, L.layers[l], rows, x_in, s.weights(l), zs[l].view(), ys[l].view(), g,
                                   s.grads.view(L.w(l), dw), s.grads.view(L.b(l), L.layers[l].out),
                                   l ? g_next : BufView{});
                nn::optimizer_update(dev, o.optimizer, step, layer(s.params, l), layer(s.grads, l),
                                     layer(s.moments[0], l), layer(s.moments[1], l));
                std::swap(g, g_next);
            }
        }
        dev.synchronize();

        const double loss = loss_sum / static_cast<double>(n);
        N2D_REQUIRE(std::isfinite(loss), "autoencoder training diverged at epoch " + std::to_string(global_epoch + 1) +
                                             " (loss " + std::to_string(loss) +
                                             "); lower optimizer.learning_rate or standardise the data");
        s.history.push_back(loss);
        ++call.done;

        if (o.patience) {
            if (loss < call.best_loss - o.min_delta) {
                call.best_loss = loss;
                call.best_epoch = global_epoch;
                call.wait = 0;
                dev.copy(s.params.view(), s.best.view());
            } else if (++call.wait >= o.patience) {
                call.stopped = true;
            }
        }
        const bool due = checkpointing && (call.done % o.checkpoint_every == 0 || call.done == o.epochs || call.stopped);
        if (due) save_checkpoint(o.checkpoint_path);
        if (o.progress) {
            const auto now = std::chrono::steady_clock::now();
            const auto run = static_cast<double>(call.done - first);  // epochs trained by this fit
            Progress p;
            p.stage = "autoencoder";
            p.step = call.done;
            p.total = o.epochs;
            p.loss = loss;
            p.elapsed_seconds = std::chrono::duration<double>(now - t_start).count();
            p.items_per_second = static_cast<double>(n) / std::max(1e-9, std::chrono::duration<double>(now - t_epoch).count());
            p.eta_seconds = p.elapsed_seconds / run * static_cast<double>(o.epochs - call.done);
            if (!o.progress(p)) {
                if (checkpointing && !due) save_checkpoint(o.checkpoint_path);  // nothing finished is lost
                ::n2d::detail::throw_cancelled("autoencoder training");
            }
        }
    }
    // A resumed call that had nothing left to train still leaves its checkpoint where asked.
    if (resuming && checkpointing && call.done == first) save_checkpoint(o.checkpoint_path);
    if (call.best_epoch && *call.best_epoch + 1 != s.history.size()) {
        dev.copy(s.best.view(), s.params.view());
        s.restored_epoch = call.best_epoch;
    }
    dev.synchronize();
    return *this;
}

}  // namespace n2d
