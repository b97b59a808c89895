// The CUDA kernels (n2d/device/cuda/kernels.cu) run on the host (with few threads per block
// where a kernel allows any: each emulated thread is a real one) through a thin emulation of
// CUDA's built-ins (cuda_host_emulation.hpp), against the CPU device: their indexing, tiling,
// selection and the UMAP port are checked on any machine, GPU or not. On the host the kernels'
// explicitly rounded sums give the CPU's bits (kNN, k-means, the UMAP epoch with the scalar
// force kernels); a GPU differs from these only by its powf/exp/log rounding.
#include "cuda_host_emulation.hpp"

#include "n2d/device/cuda/kernels.cu"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

#include "n2d/blas/activation.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/umap/detail/optimize_layout.hpp"

using cuda_emulation::launch;
using u64 = unsigned long long;

namespace {

std::vector<float> rnd(std::size_t n, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    n2d::Rng r(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(r.uniform(lo, hi));
    return v;
}

template <class T>
std::vector<T> fetch(const n2d::Buffer& b) {
    std::vector<T> out(b.size());
    n2d::cpu_device().download(out.data(), b.view());
    return out;
}

template <class T>
n2d::Buffer put(const std::vector<T>& v) {
    return n2d::upload_new(n2d::cpu_device(), v.data(), v.size());
}

bool close(double a, double b, double rel) {
    return a == b || std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

TEST_CASE("cuda kernels on the host: GEMM, every transpose, strides, epilogue, alpha 0") {
    using namespace n2d;
    const std::size_t m = 70, n = 67, k = 19;
    for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb)
            for (int act : {0, 1, 6})
                for (float alpha : {0.75f, act == 0 ? 0.0f : 0.5f}) {
                    CAPTURE(ta);
                    CAPTURE(tb);
                    CAPTURE(act);
                    CAPTURE(alpha);
                    const std::size_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = act == 1 ? n : n + 5;
                    const auto A = rnd((ta ? k : m) * lda, 2), B = rnd((tb ? n : k) * ldb, 3);
                    const auto C = rnd(m * ldc, 4), bias = rnd(n, 5);
                    Buffer a = put(A), b = put(B), c = put(C), bb = put(bias), ob(cpu_device(), DType::f32, m * n);
                    GemmArgs g;
                    g.ta = Trans(ta);
                    g.tb = Trans(tb);
                    g.m = m;
                    g.n = n;
                    g.k = k;
                    g.alpha = alpha;
                    g.beta = 0.5f;
                    g.a = a.view();
                    g.b = b.view();
                    g.c = c.view();
                    g.lda = lda;
                    g.ldb = ldb;
                    g.ldc = ldc;
                    g.bias = bb.view();
                    g.act = Activation(act);
                    g.act_alpha = 0.3f;
                    g.act_out = ldc == n ? c.view() : ob.view();  // in place when C is packed
                    cpu_device().gemm(g);
                    std::vector<float> gc = C, gout(m * n);
                    float* out = ldc == n ? gc.data() : gout.data();
                    launch(unsigned((n + 63) / 64), unsigned((m + 63) / 64), 256, [&] {
                        n2d_gemm(ta, tb, m, n, k, alpha, 0.5f, A.data(), lda, B.data(), ldb, gc.data(), ldc, bias.data(),
                                 act, 0.3f, out, alpha != 0.0f);
                    });
                    const auto wc = fetch<float>(c), wout = fetch<float>(ob);
                    for (std::size_t i = 0; i < wc.size(); ++i) REQUIRE(std::fabs(wc[i] - gc[i]) < 1e-5f);
                    if (ldc != n)
                        for (std::size_t i = 0; i < wout.size(); ++i) REQUIRE(std::fabs(wout[i] - gout[i]) < 1e-5f);
                }
}

TEST_CASE("cuda kernels on the host: exact kNN with ties, padding and large k") {
    using namespace n2d;
    for (const auto& shape :
         std::vector<std::array<std::size_t, 4>>{{70, 300, 7, 15}, {5, 100, 33, 150}, {9, 5, 3, 8}, {3, 1000, 2, 300}}) {
        const std::size_t nq = shape[0], nr = shape[1], dim = shape[2], k = shape[3];  // captured below (clang 14)
        CAPTURE(nq);
        CAPTURE(k);
        auto Q = rnd(nq * dim, 6), R = rnd(nr * dim, 7);
        for (std::size_t j = 0; j + 1 < nr; j += 10)  // duplicate references: ties by the smaller index
            for (std::size_t t = 0; t < dim; ++t) R[(j + 1) * dim + t] = R[j * dim + t];
        if (dim == 2)
            for (auto& x : R) x = std::round(x * 4) / 4;  // a coarse grid: many equal distances
        Buffer q = put(Q), r = put(R), ib(cpu_device(), DType::i32, nq * k), db(cpu_device(), DType::f32, nq * k);
        cpu_device().knn_tile({nq, nr, dim, k, q.view(), r.view(), ib.view(), db.view()});
        std::vector<std::int32_t> gi(nq * k);
        std::vector<float> gd(nq * k), D(nq * nr);
        std::vector<u64> sel(nq * k);
        launch(unsigned((nr + 63) / 64), unsigned((nq + 63) / 64), 256,
               [&] { n2d_knn_dist(nq, nr, dim, Q.data(), R.data(), D.data()); });
        launch(unsigned(nq), 1, 32, [&] { n2d_knn_select(nr, k, D.data(), gi.data(), gd.data(), sel.data()); });
        CHECK(gi == fetch<std::int32_t>(ib));
        const auto wd = fetch<float>(db);
        // The CPU's exact kernel sums in SIMD lanes: equal up to rounding (+inf padding exactly).
        for (std::size_t i = 0; i < gd.size(); ++i)
            if (std::isinf(wd[i])) CHECK(std::isinf(gd[i]));
            else CHECK(std::fabs(gd[i] - wd[i]) <= 1e-5f * (1.0f + std::fabs(wd[i])));
    }
}

TEST_CASE("cuda kernels on the host: loss, column sums, activation gradients, optimisers") {
    using namespace n2d;
    const std::size_t rows = 37, cols = 29;
    const auto P = rnd(rows * cols, 8, -0.1, 1.1), T = rnd(rows * cols, 9, 0.0, 1.0);
    for (int l = 0; l < 3; ++l) {
        CAPTURE(l);
        Buffer p = put(P), t = put(T), rl(cpu_device(), DType::f64, rows);
        cpu_device().loss({Loss(l), rows, cols, p.view(), t.view(), p.view(), rl.view()});
        std::vector<float> gg = P;
        std::vector<double> gl(rows);
        launch(1, 1, 64, [&] {
            n2d_loss(l, rows, cols, 1.0 / double(rows * cols), gg.data(), T.data(), gg.data(), gl.data());
        });
        const auto wl = fetch<double>(rl);
        const auto wg = fetch<float>(p);
        for (std::size_t i = 0; i < rows; ++i) CHECK(close(wl[i], gl[i], 1e-13));
        for (std::size_t i = 0; i < gg.size(); ++i) CHECK(close(wg[i], gg[i], 1e-6));
    }
    {
        Buffer x = put(P), o(cpu_device(), DType::f32, cols);
        cpu_device().col_sums({rows, cols, x.view(), o.view()});
        std::vector<float> cs(cols);
        launch(1, 1, 128, [&] { n2d_col_sums(rows, cols, P.data(), cs.data()); });
        CHECK(cs == fetch<float>(o));
    }
    for (int act = 0; act < 7; ++act) {
        CAPTURE(act);
        const std::size_t n = 500;
        const auto Z = rnd(n, 20, -3.0, 3.0), DY = rnd(n, 21);
        std::vector<float> Y(n), gz(n);
        activation_forward(Activation(act), n, Z.data(), Y.data(), 0.2f);
        Buffer z = put(Z), y = put(Y), dy = put(DY), dz(cpu_device(), DType::f32, n);
        cpu_device().activation_backward({Activation(act), 0.2f, n, z.view(), y.view(), dy.view(), dz.view()});
        launch(1, 1, 32, [&] { n2d_activation_backward(act, 0.2f, n, Z.data(), Y.data(), DY.data(), gz.data()); });
        const auto w = fetch<float>(dz);
        for (std::size_t i = 0; i < n; ++i) CHECK(close(w[i], gz[i], 1e-6));
    }
    for (int mode = 0; mode < 4; ++mode) {  // adam, sgd, momentum, nesterov
        CAPTURE(mode);
        const std::size_t n = 1000;
        const auto W = rnd(n, 10), G = rnd(n, 11), S = rnd(n, 12, 0.0, 1.0);
        Buffer w = put(W), g = put(G), s0 = put(S), s1 = put(S);
        OptimizerStepArgs o;
        o.adam = mode == 0;
        o.n = n;
        o.w = w.view();
        o.g = g.view();
        o.s0 = s0.view();
        o.s1 = s1.view();
        o.adam_step = {0.01f, 0.9f, 0.999f, 1e-7f};
        o.lr = 0.1f;
        o.momentum = mode >= 2 ? 0.9f : 0.0f;
        o.nesterov = mode == 3;
        cpu_device().optimizer_step(o);
        cpu_device().optimizer_step(o);
        std::vector<float> gw = W, u0 = S, u1 = S;
        for (int step = 0; step < 2; ++step)
            launch(1, 1, 32, [&] {
                if (mode == 0) n2d_adam(n, gw.data(), G.data(), u0.data(), u1.data(), 0.01f, 0.9f, 0.999f, 1e-7f);
                else n2d_sgd(n, gw.data(), G.data(), mode >= 2 ? u0.data() : nullptr, 0.1f, o.momentum, mode == 3);
            });
        const auto want = fetch<float>(w);
        for (std::size_t i = 0; i < n; ++i) CHECK(std::fabs(want[i] - gw[i]) < 1e-6f);
    }
}

TEST_CASE("cuda kernels on the host: k-means assignment, GMM E-step and per-chunk statistics") {
    using namespace n2d;
    const std::size_t n = 2500, dim = 3, k = 4;
    const auto X = rnd(n * dim, 13, -3.0, 3.0), Cn = rnd(k * dim, 14, -3.0, 3.0);
    std::vector<double> means(k * dim), prec(k * dim * dim, 0.0), log_det(k, 0.0), log_w(k, std::log(0.25)), shift(k * dim);
    for (std::size_t c = 0; c < k; ++c) {
        for (std::size_t t = 0; t < dim; ++t) {
            means[c * dim + t] = Cn[c * dim + t];
            shift[c * dim + t] = Cn[c * dim + t] + 0.1;
            prec[c * dim * dim + t * dim + t] = 1.0 + 0.1 * double(c + t);
            log_det[c] += std::log(prec[c * dim * dim + t * dim + t]);
        }
        prec[c * dim * dim + 1] = 0.2;  // off-diagonal terms of the upper factor
        prec[c * dim * dim + 5] = -0.3;
    }
    Buffer x = put(X), cen = put(Cn), kl(cpu_device(), DType::i32, n), d2(cpu_device(), DType::f64, n);
    cpu_device().kmeans_assign({n, dim, k, x.view(), cen.view(), kl.view(), d2.view()});
    std::vector<std::int32_t> gkl(n);
    std::vector<double> gd2(n);
    launch(2, 1, 32, [&] { n2d_kmeans_assign(n, dim, k, X.data(), Cn.data(), gkl.data(), gd2.data()); });
    CHECK(gkl == fetch<std::int32_t>(kl));
    CHECK(gd2 == fetch<double>(d2));

    const std::size_t chunks = (n + kGmmChunkRows - 1) / kGmmChunkRows, S = k * (1 + dim + dim * (dim + 1) / 2);
    Buffer mu = put(means), pc = put(prec), ld = put(log_det), lw = put(log_w), sh = put(shift);
    Buffer lp(cpu_device(), DType::f64, n), rs(cpu_device(), DType::f64, n * k), lab(cpu_device(), DType::i32, n),
        st(cpu_device(), DType::f64, chunks * S);
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
    g.resp = rs.view();
    g.labels = lab.view();
    g.stats = st.view();
    cpu_device().gmm_estep(g);
    std::vector<double> glp(n), grs(n * k), gst(chunks * S);
    std::vector<std::int32_t> glab(n);
    launch(2, 1, 32, [&] {
        n2d_gmm_estep(n, dim, k, X.data(), means.data(), prec.data(), log_det.data(), log_w.data(), grs.data(),
                      glp.data(), glab.data());
    });
    launch(unsigned(chunks), 1, 64,
           [&] { n2d_gmm_stats(n, dim, k, kGmmChunkRows, X.data(), grs.data(), shift.data(), gst.data()); });
    CHECK(glab == fetch<std::int32_t>(lab));
    const auto wlp = fetch<double>(lp), wrs = fetch<double>(rs), wst = fetch<double>(st);
    for (std::size_t i = 0; i < n; ++i) CHECK(close(wlp[i], glp[i], 1e-12));
    for (std::size_t i = 0; i < n * k; ++i) CHECK(std::fabs(wrs[i] - grs[i]) < 1e-12);
    for (std::size_t i = 0; i < chunks * S; ++i) CHECK(close(wst[i], gst[i], 1e-10));
}

TEST_CASE("cuda kernels on the host: UMAP epochs give the CPU optimiser's bits (scalar force kernels)") {
    using namespace n2d;
    const SimdTarget saved = active_target();
    set_active_target(SimdTarget::scalar);  // the kernel's powf is the scalar kernels' std::pow
    const std::size_t n = 1500, dim = 5, n_epochs = 20;
    Rng rng(42);
    std::vector<std::vector<std::pair<std::int32_t, float>>> rows(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < 8; ++j) {
            const std::size_t t = j == 3 ? i : rng.below(n);  // with self loops
            const float w = static_cast<float>(0.05 + 0.95 * rng.uniform());
            rows[i].push_back({static_cast<std::int32_t>(t), w});
            rows[t].push_back({static_cast<std::int32_t>(i), w});
        }
    SparseGraph graph;
    graph.n_rows = graph.n_cols = n;
    graph.indptr.push_back(0);
    for (const auto& r : rows) {
        for (const auto& [c, w] : r) {
            graph.indices.push_back(c);
            graph.weights.push_back(w);
        }
        graph.indptr.push_back(graph.indices.size());
    }
    Matrix emb(n, dim);
    for (std::size_t i = 0; i < n * dim; ++i) emb.data()[i] = static_cast<float>(rng.uniform(-10.0, 10.0));
    std::vector<float> dev(emb.data(), emb.data() + n * dim);
    LayoutParams lp;
    lp.n_epochs = n_epochs;
    lp.a = double(1.577f);
    lp.b = double(0.895f);
    lp.negative_sample_rate = 11.0f;  // more than a batch of 8 negatives per sample
    const std::uint64_t seed = 99;
    optimize_layout(emb.view(), graph, lp, seed);
    set_active_target(saved);

    // The device op's inputs, as the UMAP stage builds them.
    const EdgeRounds s = schedule_edges(graph, lp.sgd_blocks);
    const float max_w = max_weight(graph);
    std::vector<unsigned> head, tail, task_begin(s.task_begin.begin(), s.task_begin.end()),
        round_begin(s.round_begin.begin(), s.round_begin.end());
    std::vector<float> eps, eps_neg, next, next_neg;
    for (const std::uint32_t e : s.order) {
        const float ep = max_w / graph.weights[e];
        head.push_back(s.head[e]);
        tail.push_back(static_cast<unsigned>(graph.indices[e]));
        eps.push_back(ep);
        eps_neg.push_back(ep / lp.negative_sample_rate);
        next.push_back(ep);
        next_neg.push_back(ep / lp.negative_sample_rate);
    }
    const float a = static_cast<float>(lp.a), b = static_cast<float>(lp.b);
    const float attract = static_cast<float>(-2.0 * double(a) * double(b)), repel = static_cast<float>(2.0 * double(b));
    std::vector<float> snapshot;
    for (std::size_t e = 1; e < n_epochs; ++e) {
        snapshot = dev;
        const float alpha = 1.0f - static_cast<float>(e - 1) / static_cast<float>(n_epochs);
        for (std::size_t r = 0; r + 1 < round_begin.size(); ++r)
            launch(1, 1, 16, [&] {  // a round has at most sgd_blocks tasks
                n2d_umap_round(r, round_begin.data(), task_begin.data(), n, dim, e, seed, alpha, a, b, attract, repel,
                               dev.data(), snapshot.data(), head.data(), tail.data(), eps.data(), eps_neg.data(),
                               next.data(), next_neg.data());
            });
    }
    CHECK(std::memcmp(dev.data(), emb.data(), n * dim * sizeof(float)) == 0);
}
