// fit_dec: DEC/IDEC self-training of an Autoencoder in place (n2d/nn/dec.hpp), with the
// network's own dense layers and optimiser ops; the clustering layer's few numbers (codes of a
// batch against k centres) are handled on the host in double.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/detail/dec.hpp"
#include "n2d/nn/detail/network.hpp"

namespace n2d::inline v0 {

namespace nn {

struct DecTrainer::Impl {
    Autoencoder::State& s;
    DecOptions o;
    OptimizerOptions opt;
    Device& dev;
    std::size_t max_rows, enc, used, latent, k;
    Buffer input;
    std::vector<Buffer> ys, zs;
    Buffer grad_a, grad_b, grads, moments[2];
    Buffer row_loss;
    LossFallback fallback;
    std::vector<double> host_row_loss;
    Matrix host_z, host_dz, host_dr;
    std::vector<double> dmu;
    Buffer c_params, c_grads, c_moments[2];  // the centres' optimiser, on the CPU device
    std::uint64_t t = 0;

    Impl(Autoencoder::State& state, const DecOptions& options, std::size_t rows, std::size_t k_)
        : s(state), o(options), opt(dec_optimizer(options)), dev(*state.dev), max_rows(rows), enc(state.layout.encoder_layers),
          used(options.mode == DecMode::idec ? state.layout.layers.size() : state.layout.encoder_layers),
          latent(state.layout.layers[state.layout.encoder_layers - 1].out), k(k_),
          fallback(*state.dev, options.mode == DecMode::idec ? rows : 0, state.input_dim) {
        const Layout& L = s.layout;
        input = Buffer(dev, DType::f32, max_rows * s.input_dim);
        ys.resize(used);
        zs.resize(used);
        for (std::size_t l = 0; l < used; ++l) {
            ys[l] = Buffer(dev, DType::f32, max_rows * L.layers[l].out);
            if (L.layers[l].needs_preactivation()) zs[l] = Buffer(dev, DType::f32, max_rows * L.layers[l].out);
        }
        grad_a = Buffer(dev, DType::f32, max_rows * L.max_width());
        grad_b = Buffer(dev, DType::f32, max_rows * L.max_width());
        grads = s.arena();
        for (std::size_t i = 0; i < optimizer_state_count(opt); ++i) moments[i] = s.arena();
        if (o.mode == DecMode::idec && dev.supports(DeviceOp::loss)) row_loss = Buffer(dev, DType::f64, max_rows);
        host_row_loss.resize(max_rows);
        host_z = Matrix(max_rows, latent);
        host_dz = Matrix(max_rows, latent);
        host_dr = Matrix(max_rows, latent);
        dmu.assign(k * latent, 0.0);
        Device& cpu = cpu_device();
        c_params = Buffer(cpu, DType::f32, k * latent);
        c_grads = Buffer(cpu, DType::f32, k * latent);
        for (std::size_t i = 0; i < optimizer_state_count(opt); ++i)
            c_moments[i] = Buffer(cpu, DType::f32, k * latent);
    }

    BufView layer(const Buffer& arena, std::size_t l) const {
        return arena ? arena.view(s.layout.begin(l), s.layout.end(l) - s.layout.begin(l)) : BufView{};
    }

    // Backward through layers [lo, hi), highest first; g holds dL/dY of layer hi-1 and ends
    // holding dL/dX of layer lo (when lo > 0).
    void backward(std::size_t lo, std::size_t hi, std::size_t rows, BufView& g, BufView& g_next) {
        const Layout& L = s.layout;
        for (std::size_t l = hi; l-- > lo;) {
            const BufView x_in = l ? ys[l - 1].view() : input.view();
            nn::dense_backward(dev, L.layers[l], rows, x_in, s.weights(l), zs[l].view(), ys[l].view(), g,
                               grads.view(L.w(l), L.layers[l].in * L.layers[l].out),
                               grads.view(L.b(l), L.layers[l].out), l ? g_next : BufView{});
            std::swap(g, g_next);
        }
    }
};

DecTrainer::DecTrainer(Autoencoder& ae, const DecOptions& options, std::size_t max_rows)
    : impl_(std::make_unique<Impl>(*ae.s_, options, max_rows, options.n_clusters)) {}

DecTrainer::~DecTrainer() = default;

double DecTrainer::gradients(ConstMatrixView xb, ConstMatrixView pb, ConstMatrixView centers, Matrix& center_grad) {
    Impl& m = *impl_;
    const Layout& L = m.s.layout;
    const std::size_t rows = xb.rows, dim = m.s.input_dim;
    N2D_ASSERT(rows > 0 && rows <= m.max_rows && xb.cols == dim && pb.rows == rows && pb.cols == m.k &&
                   centers.rows == m.k && centers.cols == m.latent,
               "DecTrainer::gradients shapes");
    if (xb.contiguous()) {
        m.dev.upload(m.input.view(0, rows * dim), xb.row(0));
    } else {
        for (std::size_t i = 0; i < rows; ++i) m.dev.upload(m.input.view(i * dim, dim), xb.row(i));
    }
    BufView cur = m.input.view();
    for (std::size_t l = 0; l < m.used; ++l) {
        nn::dense_forward(m.dev, L.layers[l], rows, cur, m.s.weights(l), m.s.bias(l), m.zs[l].view(), m.ys[l].view());
        cur = m.ys[l].view();
    }
    BufView g = m.grad_a.view(), g_next = m.grad_b.view();
    const bool idec = m.o.mode == DecMode::idec;
    double recon = 0.0;
    if (idec) {
        recon = nn::loss_forward_backward(m.dev, m.s.options.loss, rows, dim, cur, m.input.view(), g,
                                          m.row_loss.view(), m.host_row_loss.data(), m.fallback);
        m.backward(m.enc, m.used, rows, g, g_next);  // g: dL_r/dz
        m.dev.download(m.host_dr.data(), g.sub(0, rows * m.latent));
    }
    m.dev.download(m.host_z.data(), m.ys[m.enc - 1].view(0, rows * m.latent));
    std::fill(m.dmu.begin(), m.dmu.end(), 0.0);
    const MatrixView dz = m.host_dz.view().row_block(0, rows);
    const double weight = idec ? m.o.gamma : 1.0;
    const double kl = kl_loss_gradient(m.host_z.view().row_block(0, rows), centers, pb, m.o.alpha, weight, dz, m.dmu);
    if (idec)
        for (std::size_t i = 0; i < rows * m.latent; ++i) m.host_dz.data()[i] += m.host_dr.data()[i];
    m.dev.upload(g.sub(0, rows * m.latent), m.host_dz.data());
    m.backward(0, m.enc, rows, g, g_next);
    if (center_grad.rows() != m.k || center_grad.cols() != m.latent) center_grad = Matrix(m.k, m.latent);  // once per fit
    for (std::size_t i = 0; i < m.dmu.size(); ++i) center_grad.data()[i] = static_cast<float>(m.dmu[i]);
    return idec ? recon + m.o.gamma * kl : kl;
}

void DecTrainer::step(Matrix& centers, const Matrix& center_grad) {
    Impl& m = *impl_;
    const std::uint64_t t = ++m.t;
    for (std::size_t l = 0; l < m.used; ++l)
        nn::optimizer_update(m.dev, m.opt, t, m.layer(m.s.params, l), m.layer(m.grads, l),
                             m.layer(m.moments[0], l), m.layer(m.moments[1], l));
    Device& cpu = cpu_device();
    cpu.upload(m.c_params.view(), centers.data());
    cpu.upload(m.c_grads.view(), center_grad.data());
    nn::optimizer_update(cpu, m.opt, t, m.c_params.view(), m.c_grads.view(),
                         m.c_moments[0] ? m.c_moments[0].view() : BufView{},
                         m.c_moments[1] ? m.c_moments[1].view() : BufView{});
    cpu.download(centers.data(), m.c_params.view());
}

std::vector<float> DecTrainer::parameter_gradients() const {
    const Impl& m = *impl_;
    const auto host = m.s.download(m.grads);
    std::vector<float> flat;
    const Layout& L = m.s.layout;
    for (std::size_t l = 0; l < L.layers.size(); ++l) {
        flat.insert(flat.end(), host.begin() + L.w(l), host.begin() + L.w(l) + L.layers[l].in * L.layers[l].out);
        flat.insert(flat.end(), host.begin() + L.b(l), host.begin() + L.b(l) + L.layers[l].out);
    }
    return flat;
}

}  // namespace nn

namespace {

constexpr std::uint64_t kDecKMeansStream = 0x64656B6D;  // "dekm"

}  // namespace

DecResult fit_dec(Autoencoder& ae, ConstMatrixView x, const DecOptions& options) {
    validate(options);
    const DecOptions& o = options;
    N2D_REQUIRE(ae.built(), "fit_dec: the autoencoder has no network yet; fit it (or load one) before fine-tuning");
    N2D_REQUIRE(x.cols == ae.input_dim(), "fit_dec: the data has " + std::to_string(x.cols) +
                                              " columns but the autoencoder takes " + std::to_string(ae.input_dim()) +
                                              "; pass the data it was trained on");
    N2D_REQUIRE(x.rows >= o.n_clusters, "fit_dec: " + std::to_string(x.rows) + " rows cannot form " +
                                            std::to_string(o.n_clusters) + " clusters; lower n_clusters");
    require_finite(x, "fit_dec data");
    ThreadPool* pool = &pool_or_default(o.pool);
    const auto t0 = std::chrono::steady_clock::now();

    KMeansOptions ko;
    ko.n_clusters = o.n_clusters;
    ko.n_init = o.kmeans_n_init;
    ko.seed = derive_seed(o.seed, kDecKMeansStream);
    ko.pool = pool;
    KMeans km(ko);
    km.fit(ae.encode(x));

    DecResult r;
    r.centers = Matrix::copy_of(km.cluster_centers());
    std::vector<int> last = km.labels();
    const std::size_t n = x.rows, batch = std::min(o.batch_size, n);
    nn::DecTrainer trainer(ae, o, batch);
    Matrix p, center_grad;
    double loss_sum = 0.0;
    std::size_t loss_steps = 0, index = 0;
    for (std::size_t ite = 0;; ++ite) {
        r.iterations = ite;  // optimiser steps taken so far
        if (ite % o.update_interval == 0 || ite == o.max_iter) {
            r.soft_assignments = dec_soft_assignment(ae.encode(x), r.centers, o.alpha, pool);
            r.labels = nn::argmax_rows(r.soft_assignments);
            std::size_t changed = 0;
            for (std::size_t i = 0; i < n; ++i) changed += r.labels[i] != last[i];
            r.last_delta = static_cast<double>(changed) / static_cast<double>(n);
            last = r.labels;
            ++r.target_updates;
            const double loss = loss_steps ? loss_sum / static_cast<double>(loss_steps)
                                           : std::numeric_limits<double>::quiet_NaN();
            if (loss_steps) r.loss_history.push_back(loss);
            loss_sum = 0.0;
            loss_steps = 0;
            if (o.progress) {
                Progress pr;
                pr.stage = "dec";
                pr.step = ite;
                pr.total = o.max_iter;
                pr.loss = loss;
                pr.elapsed_seconds = seconds_since(t0);
                pr.items_per_second = ite ? static_cast<double>(ite * batch) / std::max(1e-9, pr.elapsed_seconds) : 0.0;
                pr.eta_seconds = ite ? pr.elapsed_seconds / static_cast<double>(ite) * static_cast<double>(o.max_iter - ite) : 0.0;
                if (!o.progress(pr)) ::n2d::detail::throw_cancelled("DEC fine-tuning");
            }
            // At step 0 the comparison is with the k-means labels and cannot stop training.
            if (ite > 0 && r.last_delta < o.tol) {
                r.converged = true;
                break;
            }
            if (ite == o.max_iter) break;
            p = dec_target_distribution(r.soft_assignments);
        }
        const std::size_t lo = index * batch, rows = std::min(batch, n - lo);
        const double loss = trainer.gradients(x.row_block(lo, rows), p.view().row_block(lo, rows), r.centers, center_grad);
        N2D_REQUIRE(std::isfinite(loss), "DEC fine-tuning diverged at step " + std::to_string(ite + 1) + " (loss " +
                                             std::to_string(loss) + "); lower DecOptions::optimizer.learning_rate");
        trainer.step(r.centers, center_grad);
        loss_sum += loss;
        ++loss_steps;
        index = lo + rows >= n ? 0 : index + 1;
    }
    return r;
}

}  // namespace n2d
