// The CUDA backend's registry and error paths on any machine, and its ops against the CPU device
// where a CUDA GPU is present (the parity suite covers every device more broadly).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/device/devices.hpp"

using namespace n2d;

namespace {

std::vector<float> random_floats(std::size_t n, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.uniform(lo, hi));
    return v;
}

template <class T>
std::vector<T> fetch(Device& dev, const Buffer& b) {
    std::vector<T> out(b.size());
    dev.download(out.data(), b.view());
    return out;
}

bool cuda_available() {
    const auto devices = list_cuda_devices();
    return !devices.empty() && devices.front().available;
}

}  // namespace

TEST_CASE("cuda registry: named entries, or one unavailable entry with the reason") {
    const auto devices = list_cuda_devices();
    REQUIRE(!devices.empty());
    for (const auto& d : devices) CHECK(d.type == DeviceType::cuda);
    if (!devices.front().available) {
        REQUIRE(devices.size() == 1);
        CHECK(devices.front().name == "cuda");
        CHECK(!devices.front().description.empty());
        MESSAGE("CUDA unavailable: " << devices.front().description);
        // open_device names the same reason instead of crashing.
        try {
            (void)open_device("cuda");
            FAIL("open_device(\"cuda\") succeeded without a CUDA device");
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find(devices.front().description) != std::string::npos);
        }
        CHECK_THROWS_AS((void)open_device("cuda:1"), Error);
        return;
    }
    for (std::size_t i = 0; i < devices.size(); ++i) {
        CHECK(devices[i].name == "cuda:" + std::to_string(i));
        CHECK(devices[i].memory_bytes > 0);
    }
    CHECK_THROWS_AS((void)open_device("cuda:" + std::to_string(devices.size())), Error);
}

TEST_CASE("cuda device: memory, fill, copy and the out-of-memory message") {
    if (!cuda_available()) return;
    auto dev = open_device("cuda");
    CHECK(dev->name() == "cuda:0");
    Buffer z(*dev, DType::f64, 1000);
    for (double v : fetch<double>(*dev, z)) CHECK(v == 0.0);  // allocations are zero-filled
    dev->fill(z.view(10, 5), 2.5);
    Buffer f(*dev, DType::f32, 100), i(*dev, DType::i32, 7);
    dev->fill(f.view(), -1.5);
    dev->fill(i.view(), -1.0);
    const auto zd = fetch<double>(*dev, z);
    CHECK(zd[9] == 0.0);
    CHECK(zd[10] == 2.5);
    CHECK(zd[14] == 2.5);
    CHECK(zd[15] == 0.0);
    for (float v : fetch<float>(*dev, f)) CHECK(v == -1.5f);
    for (std::int32_t v : fetch<std::int32_t>(*dev, i)) CHECK(v == -1);
    const auto host = random_floats(64, 1);
    Buffer a = upload_new(*dev, host.data(), host.size());
    Buffer b(*dev, DType::f32, 64);
    dev->copy(a.view(8, 32), b.view(0, 32));
    const auto got = fetch<float>(*dev, b);
    for (std::size_t k = 0; k < 32; ++k) CHECK(got[k] == host[8 + k]);
    try {
        Buffer huge(*dev, DType::f64, std::size_t(1) << 50);  // 8 PiB
        FAIL("allocating 8 PiB succeeded");
    } catch (const Error& e) {
        const std::string what = e.what();
        CHECK(what.find("cuda:0") != std::string::npos);
        CHECK(what.find("cuMemAlloc") != std::string::npos);
        CHECK(what.find("CUDA_ERROR_OUT_OF_MEMORY") != std::string::npos);
    }
}

TEST_CASE("cuda device: GEMM with every transpose, odd sizes, strides and the epilogue") {
    if (!cuda_available()) return;
    auto dev = open_device("cuda");
    Device& cpu = cpu_device();
    const std::size_t m = 67, n = 131, k = 45;
    for (Trans ta : {Trans::N, Trans::T})
        for (Trans tb : {Trans::N, Trans::T})
            for (Activation act : {Activation::linear, Activation::relu, Activation::gelu, Activation::elu}) {
                const std::size_t lda = (ta == Trans::N ? k : m) + 3, ldb = (tb == Trans::N ? n : k) + 1;
                const std::size_t ldc = act == Activation::relu ? n : n + 5;
                const auto A = random_floats((ta == Trans::N ? m : k) * lda, 2);
                const auto B = random_floats((tb == Trans::N ? k : n) * ldb, 3);
                const auto C = random_floats(m * ldc, 4);
                const auto bias = random_floats(n, 5);
                std::vector<float> want_c, want_out;
                for (Device* d : {&cpu, dev.get()}) {
                    Buffer a = upload_new(*d, A.data(), A.size()), b = upload_new(*d, B.data(), B.size());
                    Buffer c = upload_new(*d, C.data(), C.size()), bb = upload_new(*d, bias.data(), bias.size());
                    Buffer out(*d, DType::f32, m * n);
                    GemmArgs g;
                    g.ta = ta;
                    g.tb = tb;
                    g.m = m;
                    g.n = n;
                    g.k = k;
                    g.alpha = 0.75f;
                    g.beta = 0.5f;
                    g.a = a.view();
                    g.b = b.view();
                    g.c = c.view();
                    g.lda = lda;
                    g.ldb = ldb;
                    g.ldc = ldc;
                    g.bias = bb.view();
                    g.act = act;
                    g.act_alpha = 0.3f;
                    g.act_out = ldc == n ? c.view() : out.view();  // in place when C is packed
                    d->gemm(g);
                    auto got_c = fetch<float>(*d, c), got_out = fetch<float>(*d, out);
                    if (d == &cpu) {
                        want_c = got_c;
                        want_out = got_out;
                        continue;
                    }
                    for (std::size_t e = 0; e < got_c.size(); ++e) REQUIRE(got_c[e] == doctest::Approx(want_c[e]).epsilon(1e-4));
                    for (std::size_t e = 0; e < got_out.size(); ++e)
                        REQUIRE(got_out[e] == doctest::Approx(want_out[e]).epsilon(1e-4));
                }
            }
}

TEST_CASE("cuda device: exact kNN with ties, padding and large k") {
    if (!cuda_available()) return;
    auto dev = open_device("cuda");
    Device& cpu = cpu_device();
    struct Case {
        std::size_t nq, nr, dim, k;
    };
    for (const Case c : {Case{50, 300, 7, 15}, Case{20, 1000, 33, 300}, Case{9, 5, 3, 8}, Case{5, 0, 3, 4}}) {
        auto Q = random_floats(c.nq * c.dim, 6);
        auto R = random_floats(c.nr * c.dim, 7);
        for (std::size_t j = 0; j + 1 < c.nr; j += 10)  // duplicates: ties go to the smaller index
            for (std::size_t t = 0; t < c.dim; ++t) R[(j + 1) * c.dim + t] = R[j * c.dim + t];
        for (std::size_t t = 0; t < c.dim && c.nr; ++t) Q[t] = R[t];  // a query equal to a reference
        std::vector<std::int32_t> want_i;
        std::vector<float> want_d;
        for (Device* d : {&cpu, dev.get()}) {
            Buffer q = upload_new(*d, Q.data(), Q.size());
            Buffer r = c.nr ? upload_new(*d, R.data(), R.size()) : Buffer(*d, DType::f32, 1);
            Buffer idx(*d, DType::i32, c.nq * c.k), dist(*d, DType::f32, c.nq * c.k);
            d->knn_tile({c.nq, c.nr, c.dim, c.k, q.view(), r.view(), idx.view(), dist.view()});
            const auto gi = fetch<std::int32_t>(*d, idx);
            const auto gd = fetch<float>(*d, dist);
            if (d == &cpu) {
                want_i = gi;
                want_d = gd;
                continue;
            }
            CHECK(gi == want_i);
            for (std::size_t e = 0; e < gd.size(); ++e) {
                if (std::isinf(want_d[e])) CHECK(gd[e] == want_d[e]);  // padding
                else CHECK(gd[e] == doctest::Approx(want_d[e]).epsilon(1e-6));
            }
        }
    }
}

TEST_CASE("cuda device: loss, optimiser, k-means and the GMM E-step against the CPU") {
    if (!cuda_available()) return;
    auto dev = open_device("cuda");
    Device& cpu = cpu_device();
    const std::size_t rows = 37, cols = 29;
    const auto P = random_floats(rows * cols, 8, 0.0, 1.0), T = random_floats(rows * cols, 9, 0.0, 1.0);
    for (Loss loss : {Loss::mse, Loss::mae, Loss::binary_crossentropy}) {
        std::vector<double> want_l;
        std::vector<float> want_g;
        for (Device* d : {&cpu, dev.get()}) {
            Buffer p = upload_new(*d, P.data(), P.size()), t = upload_new(*d, T.data(), T.size());
            Buffer rl(*d, DType::f64, rows);
            d->loss({loss, rows, cols, p.view(), t.view(), p.view(), rl.view()});  // grad in place of pred
            const auto l = fetch<double>(*d, rl);
            const auto g = fetch<float>(*d, p);
            if (d == &cpu) {
                want_l = l;
                want_g = g;
                continue;
            }
            for (std::size_t i = 0; i < rows; ++i) CHECK(l[i] == doctest::Approx(want_l[i]).epsilon(1e-12));
            for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == doctest::Approx(want_g[i]).epsilon(1e-6));
        }
    }
    for (int mode = 0; mode < 4; ++mode) {  // adam, sgd, momentum, nesterov
        std::vector<float> want;
        const auto W = random_floats(1000, 10), G = random_floats(1000, 11), S = random_floats(1000, 12, 0.0, 1.0);
        for (Device* d : {&cpu, dev.get()}) {
            Buffer w = upload_new(*d, W.data(), W.size()), g = upload_new(*d, G.data(), G.size());
            Buffer s0 = upload_new(*d, S.data(), S.size()), s1 = upload_new(*d, S.data(), S.size());
            OptimizerStepArgs o;
            o.adam = mode == 0;
            o.n = W.size();
            o.w = w.view();
            o.g = g.view();
            o.s0 = s0.view();
            o.s1 = s1.view();
            o.adam_step = {0.01f, 0.9f, 0.999f, 1e-7f};
            o.lr = 0.1f;
            o.momentum = mode >= 2 ? 0.9f : 0.0f;
            o.nesterov = mode == 3;
            d->optimizer_step(o);
            d->optimizer_step(o);
            auto got = fetch<float>(*d, w);
            if (d == &cpu) {
                want = got;
                continue;
            }
            for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
        }
    }
    const std::size_t n = 3000, dim = 3, k = 4;
    const auto X = random_floats(n * dim, 13, -3.0, 3.0), Cn = random_floats(k * dim, 14, -3.0, 3.0);
    std::vector<double> means(k * dim), prec(k * dim * dim, 0.0), log_det(k), log_w(k, std::log(0.25)), shift(k * dim);
    for (std::size_t c = 0; c < k; ++c) {
        for (std::size_t t = 0; t < dim; ++t) means[c * dim + t] = shift[c * dim + t] = Cn[c * dim + t];
        for (std::size_t t = 0; t < dim; ++t) prec[c * dim * dim + t * dim + t] = 1.0 + 0.1 * double(c + t);
        prec[c * dim * dim + 1] = 0.2;  // an off-diagonal term of the upper factor
        log_det[c] = 0.0;
        for (std::size_t t = 0; t < dim; ++t) log_det[c] += std::log(prec[c * dim * dim + t * dim + t]);
    }
    const std::size_t chunks = (n + kGmmChunkRows - 1) / kGmmChunkRows, S = k * (1 + dim + dim * (dim + 1) / 2);
    std::vector<std::int32_t> want_lab, want_klab;
    std::vector<double> want_lp, want_resp, want_stats, want_d2;
    for (Device* d : {&cpu, dev.get()}) {
        Buffer x = upload_new(*d, X.data(), X.size()), cen = upload_new(*d, Cn.data(), Cn.size());
        Buffer klab(*d, DType::i32, n), d2(*d, DType::f64, n);
        d->kmeans_assign({n, dim, k, x.view(), cen.view(), klab.view(), d2.view()});
        Buffer mu = upload_new(*d, means.data(), means.size()), pc = upload_new(*d, prec.data(), prec.size());
        Buffer ld = upload_new(*d, log_det.data(), k), lw = upload_new(*d, log_w.data(), k);
        Buffer sh = upload_new(*d, shift.data(), shift.size());
        Buffer lp(*d, DType::f64, n), resp(*d, DType::f64, n * k), lab(*d, DType::i32, n), st(*d, DType::f64, chunks * S);
        GmmEstepArgs g;
        g.n = n;
        g.d = dim;
        g.k = k;
        g.x = x.view();
        g.means = mu.view();
        g.prec_chol = pc.view();
        g.log_det = ld.view();
        g.log_weights = lw.view();
        g.shift = sh.view();
        g.logprob = lp.view();
        g.resp = resp.view();
        g.labels = lab.view();
        g.stats = st.view();
        d->gmm_estep(g);
        auto kl = fetch<std::int32_t>(*d, klab), l = fetch<std::int32_t>(*d, lab);
        auto dd = fetch<double>(*d, d2), p = fetch<double>(*d, lp), r = fetch<double>(*d, resp), s = fetch<double>(*d, st);
        if (d == &cpu) {
            want_klab = kl;
            want_d2 = dd;
            want_lab = l;
            want_lp = p;
            want_resp = r;
            want_stats = s;
            continue;
        }
        CHECK(kl == want_klab);
        CHECK(dd == want_d2);
        CHECK(l == want_lab);
        for (std::size_t i = 0; i < n; ++i) CHECK(p[i] == doctest::Approx(want_lp[i]).epsilon(1e-12));
        for (std::size_t i = 0; i < r.size(); ++i) CHECK(r[i] == doctest::Approx(want_resp[i]).epsilon(1e-9).scale(1e-12));
        for (std::size_t i = 0; i < s.size(); ++i) CHECK(s[i] == doctest::Approx(want_stats[i]).epsilon(1e-9).scale(1e-9));
    }
}
