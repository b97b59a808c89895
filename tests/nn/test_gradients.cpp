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
    REQUIRE(p.size() == analytic.size());
    const double h = 1e-6;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double keep = p[i];
        p[i] = keep + h;
        const double up = f();
        p[i] = keep - h;
        const double down = f();
        p[i] = keep;
        const double fd = (up - down) / (2 * h);
        CAPTURE(what);
        CAPTURE(i);
        CHECK(std::fabs(analytic[i] - fd) <= 2e-4 + 1e-3 * std::fabs(fd));
    }
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
            DeviceBuffer dx(dev, rows * in), dw(dev, in * out), db(dev, out), dy(dev, rows * out), z(dev, rows * out),
                y(dev, rows * out), xb(dev, rows * in), wb(dev, in * out), bb(dev, out);
            auto up = [&](DeviceBuffer& d, const std::vector<double>& v) {
                auto f = to_float(v);
                dev.upload(d.data(), f.data(), f.size());
            };
            up(xb, x);
            up(wb, w);
            up(bb, b);
            up(dy, r);
            nn::dense_forward(dev, &default_pool(), shape, rows, xb.data(), wb.data(), bb.data(), z.data(), y.data());
            // Forward matches the reference.
            for (std::size_t i = 0; i < rows * out; ++i) {
                double zz = b[i % out];
                for (std::size_t k = 0; k < in; ++k) zz += x[(i / out) * in + k] * w[k * out + i % out];
                CHECK(y.data()[i] == doctest::Approx(act_ref(act, zz, alpha)).epsilon(1e-5));
            }
            nn::dense_backward(dev, &default_pool(), shape, rows, xb.data(), wb.data(), z.data(), y.data(), dy.data(),
                               dw.data(), db.data(), dx.data());
            auto down = [&](const DeviceBuffer& d) { return std::vector<float>(d.data(), d.data() + d.size()); };
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
        DeviceBuffer p(dev, n), t(dev, n), g(dev, n), row_loss(dev, rows);
        auto pf = to_float(pred), tf = to_float(target);
        dev.upload(p.data(), pf.data(), n);
        dev.upload(t.data(), tf.data(), n);
        std::vector<float> host_rows(rows), host_pred(n), host_target(n);
        std::vector<double> host_sums(rows);
        const nn::LossScratch scratch{row_loss.data(), host_rows.data(), host_sums.data(), host_pred.data(),
                                      host_target.data()};
        const double value =
            nn::loss_forward_backward(dev, &default_pool(), loss, rows, cols, p.data(), t.data(), g.data(), scratch);
        CHECK(value == doctest::Approx(ref()).epsilon(1e-5));
        check_gradient(pred, std::vector<float>(g.data(), g.data() + n), ref, "dL/dpred");
    }
}

TEST_CASE("binary cross-entropy clips probabilities like Keras") {
    Device& dev = cpu_device();
    DeviceBuffer p(dev, 2), t(dev, 2), g(dev, 2), row_loss(dev, 1);
    const float pv[2] = {1.5f, -0.25f}, tv[2] = {0.0f, 1.0f};
    dev.upload(p.data(), pv, 2);
    dev.upload(t.data(), tv, 2);
    std::vector<float> host_rows(1), host_pred(2), host_target(2);
    std::vector<double> host_sums(1);
    const nn::LossScratch scratch{row_loss.data(), host_rows.data(), host_sums.data(), host_pred.data(),
                                  host_target.data()};
    const double v = nn::loss_forward_backward(dev, nullptr, Loss::binary_crossentropy, 1, 2, p.data(), t.data(),
                                               g.data(), scratch);
    CHECK(v == doctest::Approx(-std::log(1e-7)).epsilon(1e-6));  // both entries clipped to the worst case
    CHECK(g.data()[0] == 0.0f);
    CHECK(g.data()[1] == 0.0f);
}
