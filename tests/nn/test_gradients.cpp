// Finite-difference gradient checks: our float layer/loss backward passes against central
// differences of a double-precision reference forward pass.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/nn/detail/layers.hpp"
#include "n2d/nn/detail/loss.hpp"
#include "finite_differences.hpp"

using namespace n2d;

namespace {

constexpr Activation kActivations[] = {Activation::linear, Activation::relu, Activation::sigmoid, Activation::tanh,
                                       Activation::leaky_relu, Activation::elu, Activation::gelu};

double act_ref(Activation a, double z, double alpha) {
    switch (a) {
        case Activation::linear: return z;
        case Activation::relu: return z > 0 ? z : 0.0;
        case Activation::sigmoid: return 1.0 / (1.0 + std::exp(-z));
        case Activation::tanh: return std::tanh(z);
        case Activation::leaky_relu: return z > 0 ? z : alpha * z;
        case Activation::elu: return z > 0 ? z : alpha * std::expm1(z);
        case Activation::gelu: return 0.5 * z * (1.0 + std::erf(z / std::sqrt(2.0)));
    }
    return 0.0;
}

std::vector<double> random_vec(std::size_t n, Rng& rng, double lo, double hi) {
    std::vector<double> v(n);
    for (auto& x : v) x = rng.uniform(lo, hi);
    return v;
}

std::vector<float> to_float(const std::vector<double>& v) { return {v.begin(), v.end()}; }

// Compares analytic gradients with central differences of f over the entries of p.
template <class F>
void check_gradient(std::vector<double>& p, const std::vector<float>& analytic, F&& f, const char* what) {
    test::check_central_differences(p, analytic, f, 1e-6, 2e-4, 1e-3, what);
}

}  // namespace

TEST_CASE("dense layer backward matches finite differences for every activation") {
    Device& dev = cpu_device();
    const std::size_t rows = 3, in = 5, out = 4;
    for (Activation act : kActivations) {
        for (float alpha : {0.2f, 1.0f}) {
            if (alpha != 0.2f && act != Activation::elu && act != Activation::leaky_relu) continue;
            CAPTURE(to_string(act));
            CAPTURE(alpha);
            const nn::DenseShape shape{in, out, act, alpha};
            // Draw until every pre-activation is away from the kinks of relu / leaky_relu / elu.
            std::vector<double> x, w, b, r;
            for (std::uint64_t seed = 1;; ++seed) {
                Rng rng(seed);
                x = random_vec(rows * in, rng, -1.5, 1.5);
                w = random_vec(in * out, rng, -1.0, 1.0);
                b = random_vec(out, rng, -0.5, 0.5);
                r = random_vec(rows * out, rng, -1.0, 1.0);
                double min_abs = 1e9;
                for (std::size_t i = 0; i < rows; ++i)
                    for (std::size_t j = 0; j < out; ++j) {
                        double z = b[j];
                        for (std::size_t k = 0; k < in; ++k) z += x[i * in + k] * w[k * out + j];
                        min_abs = std::min(min_abs, std::fabs(z));
                    }
                if (min_abs > 0.05) break;
            }
            // L = Σ r ⊙ act(xW + b) in double.
            auto loss = [&] {
                double l = 0;
                for (std::size_t i = 0; i < rows; ++i)
                    for (std::size_t j = 0; j < out; ++j) {
                        double z = b[j];
                        for (std::size_t k = 0; k < in; ++k) z += x[i * in + k] * w[k * out + j];
                        l += r[i * out + j] * act_ref(act, z, alpha);
                    }
                return l;
            };
            const auto buf = [&](std::size_t count) { return Buffer(dev, DType::f32, count); };
            Buffer dx = buf(rows * in), dw = buf(in * out), db = buf(out), dy = buf(rows * out), z = buf(rows * out),
                   y = buf(rows * out), xb = buf(rows * in), wb = buf(in * out), bb = buf(out);
            auto up = [&](Buffer& d, const std::vector<double>& v) {
                auto f = to_float(v);
                dev.upload(d.view(), f.data());
            };
            up(xb, x);
            up(wb, w);
            up(bb, b);
            up(dy, r);
            nn::dense_forward(dev, shape, rows, xb.view(), wb.view(), bb.view(), z.view(), y.view());
            // Forward matches the reference.
            for (std::size_t i = 0; i < rows * out; ++i) {
                double zz = b[i % out];
                for (std::size_t k = 0; k < in; ++k) zz += x[(i / out) * in + k] * w[k * out + i % out];
                CHECK(y.view().host<float>()[i] == doctest::Approx(act_ref(act, zz, alpha)).epsilon(1e-5));
            }
            nn::dense_backward(dev, shape, rows, xb.view(), wb.view(), z.view(), y.view(), dy.view(), dw.view(),
                               db.view(), dx.view());
            auto down = [&](const Buffer& d) {
                std::vector<float> host(d.size());
                dev.download(host.data(), d.view());
                return host;
            };
            check_gradient(w, down(dw), loss, "dW");
            check_gradient(b, down(db), loss, "db");
            check_gradient(x, down(dx), loss, "dX");
        }
    }
}

TEST_CASE("losses: value and gradient match a double-precision reference") {
    Device& dev = cpu_device();
    const std::size_t rows = 3, cols = 5, n = rows * cols;
    for (Loss loss : {Loss::mse, Loss::mae, Loss::binary_crossentropy}) {
        CAPTURE(to_string(loss));
        Rng rng(7);
        std::vector<double> pred = random_vec(n, rng, 0.05, 0.95), target = random_vec(n, rng, 0.0, 1.0);
        for (std::size_t i = 0; i < n; ++i)  // keep |pred - target| away from the kink of mae
            if (std::fabs(pred[i] - target[i]) < 0.02) target[i] = pred[i] > 0.5 ? pred[i] - 0.1 : pred[i] + 0.1;
        auto ref = [&] {
            double s = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double d = pred[i] - target[i];
                if (loss == Loss::mse) s += d * d;
                if (loss == Loss::mae) s += std::fabs(d);
                if (loss == Loss::binary_crossentropy)
                    s -= target[i] * std::log(pred[i]) + (1 - target[i]) * std::log(1 - pred[i]);
            }
            return s / static_cast<double>(n);
        };
        auto pf = to_float(pred), tf = to_float(target);
        const Buffer p = upload_new(dev, pf.data(), n), t = upload_new(dev, tf.data(), n), g(dev, DType::f32, n),
                     row_loss(dev, DType::f64, rows);
        std::vector<double> host_rows(rows);
        const double value = nn::loss_forward_backward(dev, loss, rows, cols, p.view(), t.view(), g.view(),
                                                       row_loss.view(), host_rows.data(), nn::LossFallback(dev, rows, cols));
        CHECK(value == doctest::Approx(ref()).epsilon(1e-5));
        std::vector<float> grad(n);
        dev.download(grad.data(), g.view());
        check_gradient(pred, grad, ref, "dL/dpred");
    }
}

TEST_CASE("binary cross-entropy clips probabilities like Keras") {
    Device& dev = cpu_device();
    const float pv[2] = {1.5f, -0.25f}, tv[2] = {0.0f, 1.0f};
    const Buffer p = upload_new(dev, pv, 2), t = upload_new(dev, tv, 2), g(dev, DType::f32, 2),
                 row_loss(dev, DType::f64, 1);
    double host_rows[1];
    const double v = nn::loss_forward_backward(dev, Loss::binary_crossentropy, 1, 2, p.view(), t.view(), g.view(),
                                               row_loss.view(), host_rows, nn::LossFallback(dev, 1, 2));
    CHECK(v == doctest::Approx(-std::log(1e-7)).epsilon(1e-6));  // both entries clipped to the worst case
    float grad[2];
    dev.download(grad, g.view());
    CHECK(grad[0] == 0.0f);
    CHECK(grad[1] == 0.0f);
}
