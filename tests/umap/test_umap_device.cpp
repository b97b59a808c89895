// The layout SGD as the device op umap_epoch: the CPU device runs optimize_layout's own epoch
// code (bit-identical), the device path of optimize_layout (upload once, one op per epoch,
// download) is exercised on a forwarding device, and every available GPU is compared with the
// CPU (one epoch within 1e-4; a full layout of similar trustworthiness).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "n2d/core/detail/task_graph.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/cpu_ops.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/device/devices.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/umap/detail/optimize_layout.hpp"
#include "n2d/umap/umap.hpp"

using namespace n2d;

namespace {

bool quick() { return std::getenv("N2D_TEST_QUICK") != nullptr; }

bool bit_equal(const Matrix& a, const Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A symmetric graph linking each vertex to k random others, weights in [0.02, 1] (so edges
// fire at many different periods).
SparseGraph random_graph(std::size_t n, std::size_t k, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> w(n * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < k; ++c) {
            const std::size_t j = static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)) % n;
            if (j == i) continue;
            const float v = static_cast<float>(rng.uniform(0.02, 1.0));
            w[i * n + j] = w[j * n + i] = std::max(w[i * n + j], v);
        }
    SparseGraph g;
    g.n_rows = g.n_cols = n;
    g.indptr.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j)
            if (w[i * n + j] > 0.0f) {
                g.indices.push_back(static_cast<std::int32_t>(j));
                g.weights.push_back(w[i * n + j]);
            }
        g.indptr[i + 1] = g.indices.size();
    }
    return g;
}

Matrix random_layout(std::size_t n, std::size_t dim, std::uint64_t seed) {
    Rng rng(seed);
    Matrix m(n, dim);
    for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.uniform(-10.0, 10.0));
    return m;
}

// The library's device layout state, read back for the checks.
struct TestLayout : DeviceLayout {
    using DeviceLayout::DeviceLayout;
    Matrix embedding() {
        Matrix m(args.n, args.dim);
        dev.download(m.data(), emb.view());
        return m;
    }
    std::vector<float> read(const Buffer& b) {
        std::vector<float> v(b.size());
        dev.download(v.data(), b.view());
        return v;
    }
};

// A device that forwards to a CPU device but calls itself OpenCL: optimize_layout takes its
// device path (upload, one umap_epoch per epoch, download) and must give the CPU's result.
class ForwardingDevice final : public Device {
public:
    explicit ForwardingDevice(ThreadPool* pool) : cpu_(make_cpu_device(pool)) {}
    std::size_t epochs = 0, syncs = 0;

    std::string name() const override { return "opencl:fake"; }
    DeviceType type() const override { return DeviceType::opencl; }
    bool is_host() const noexcept override { return true; }  // its views are the CPU's memory
    bool supports(DeviceOp op) const override { return op == DeviceOp::umap_epoch; }
    std::size_t memory_bytes() const override { return 0; }
    void* allocate(std::size_t bytes) override { return cpu_->allocate(bytes); }
    void release(void* handle) noexcept override { cpu_->release(handle); }
    void upload(const BufView& dst, const void* src) override { cpu_->upload(dst, src); }
    void download(void* dst, const BufView& src) override { cpu_->download(dst, src); }
    void copy(const BufView& src, const BufView& dst) override { cpu_->copy(src, dst); }
    void fill(const BufView& dst, double value) override { cpu_->fill(dst, value); }
    void synchronize() override { ++syncs; }
    void gemm(const GemmArgs&) override { unsupported(); }
    void activation_backward(const ActivationBackwardArgs&) override { unsupported(); }
    void col_sums(const ColSumsArgs&) override { unsupported(); }
    void loss(const LossArgs&) override { unsupported(); }
    void optimizer_step(const OptimizerStepArgs&) override { unsupported(); }
    void knn_tile(const KnnTileArgs&) override { unsupported(); }
    void gmm_estep(const GmmEstepArgs&) override { unsupported(); }
    void kmeans_assign(const KmeansAssignArgs&) override { unsupported(); }
    void umap_epoch(const UmapEpochArgs& a) override {
        ++epochs;
        cpu_->umap_epoch(a);
    }

private:
    [[noreturn]] static void unsupported() { N2D_FAIL("n2d: ForwardingDevice supports umap_epoch only"); }
    std::unique_ptr<Device> cpu_;
};

// The available devices other than the CPU that implement umap_epoch.
std::vector<std::shared_ptr<Device>> gpu_devices() {
    std::vector<std::shared_ptr<Device>> out;
    for (const DeviceInfo& info : list_devices()) {
        if (info.type == DeviceType::cpu || !info.available) continue;
        auto dev = open_device(info.name);
        if (dev->supports(DeviceOp::umap_epoch))
            out.push_back(std::move(dev));
        else
            MESSAGE(info.name << " does not implement umap_epoch; skipped");
    }
    if (out.empty()) MESSAGE("no GPU device with umap_epoch available; GPU comparisons skipped");
    return out;
}

struct Case {
    std::size_t dim;
    float negative_sample_rate;  // 10 takes the second force batch of a sample
    std::size_t blocks;
};
constexpr Case kCases[] = {{2, 5.0f, 16}, {3, 10.0f, 4}, {7, 5.0f, 8}};

}  // namespace

TEST_CASE("umap_epoch on the CPU device is optimize_layout's epoch, bit for bit, at any thread count") {
    const std::size_t n = 300, n_epochs = 8;
    const SparseGraph g = random_graph(n, 6, 11);
    for (const Case& c : kCases) {
        CAPTURE(c.dim);
        LayoutParams p;
        p.n_epochs = n_epochs;
        p.negative_sample_rate = c.negative_sample_rate;
        p.sgd_blocks = c.blocks;
        const Matrix init = random_layout(n, c.dim, 3);
        Matrix reference = init;
        ThreadPool pool2(2);
        optimize_layout(reference, g, p, 99, {}, &pool2);

        for (std::size_t threads : {1, 2}) {
            ThreadPool pool(threads);
            const auto cpu = make_cpu_device(&pool);
            TestLayout state(*cpu, init, layout_edges(g, p), p, 99);
            for (std::size_t e = 0; e < n_epochs; ++e) state.epoch(e, layout_alpha(p.learning_rate, e, n_epochs));
            CHECK(bit_equal(state.embedding(), reference));
        }
        // Passing the CPU device to optimize_layout is its CPU path.
        Matrix on_cpu = init;
        optimize_layout(on_cpu, g, p, 99, {}, &pool2, &cpu_device());
        CHECK(bit_equal(on_cpu, reference));
        // Its dataflow (no barrier between rounds) at other thread counts: the rounds' result.
        for (std::size_t threads : {1, 3}) {
            ThreadPool pool(threads);
            Matrix other = init;
            optimize_layout(other, g, p, 99, {}, &pool);
            CHECK(bit_equal(other, reference));
        }
    }
}

TEST_CASE("layout_edges: schedule_edges' order, umap-learn's periods, and pruning without the pruned copy") {
    const std::size_t n = 300;
    const SparseGraph g = random_graph(n, 6, 5);
    LayoutParams p;
    p.sgd_blocks = 8;
    p.negative_sample_rate = 3.0f;
    const EdgeRounds rounds = schedule_edges(g, p.sgd_blocks);
    const LayoutEdges all = layout_edges(g, p);
    REQUIRE(all.size() == g.nnz());
    const float max_w = max_weight(g);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const std::size_t e = rounds.order[i];
        const float eps = max_w / g.weights[e];
        wrong += all.head[i] != rounds.head[e] || all.tail[i] != static_cast<std::uint32_t>(g.indices[e]) ||
                 all.eps[i] != eps || all.next[i] != eps || all.eps_neg[i] != eps / 3.0f || all.next_neg[i] != eps / 3.0f;
    }
    CHECK(wrong == 0);
    CHECK(std::equal(all.task_begin.begin(), all.task_begin.end(), rounds.task_begin.begin()));
    CHECK(std::equal(all.round_begin.begin(), all.round_begin.end(), rounds.round_begin.begin()));
    // A threshold lays out exactly the edges (and periods) of the pruned graph.
    const float threshold = 0.5f * max_w;
    const SparseGraph pruned = prune_edges(g, threshold);
    REQUIRE(pruned.nnz() > 0);
    REQUIRE(pruned.nnz() < g.nnz());
    const LayoutEdges a = layout_edges(pruned, p), b = layout_edges(g, p, threshold);
    CHECK(a.head == b.head);
    CHECK(a.tail == b.tail);
    CHECK(a.eps == b.eps);
    CHECK(a.eps_neg == b.eps_neg);
    CHECK(a.next == b.next);
    CHECK(a.next_neg == b.next_neg);
    CHECK(a.task_begin == b.task_begin);
    CHECK(a.round_begin == b.round_begin);
}

TEST_CASE("schedule_block_uses names the blocks of each task's edges; the dataflow waits only on the round before") {
    const std::size_t n = 300;
    const SparseGraph g = random_graph(n, 6, 5);
    for (std::size_t blocks : {2, 8, 16}) {
        CAPTURE(blocks);
        LayoutParams p;
        p.sgd_blocks = blocks;
        const LayoutEdges edges = layout_edges(g, p);
        std::vector<std::uint32_t> begin, uses;
        schedule_block_uses(blocks, begin, uses);
        const std::size_t tasks = edges.task_begin.size() - 1;
        REQUIRE(begin.size() == tasks + 1);
        REQUIRE(uses.size() == 2 * tasks);
        // Every edge of task t joins its two blocks (the conflicts the dataflow orders).
        auto block = [&](std::uint32_t v) { return static_cast<std::uint32_t>(std::uint64_t(v) * blocks / n); };
        std::size_t outside = 0;
        for (std::size_t t = 0; t < tasks; ++t) {
            CHECK(begin[t] == 2 * t);
            for (std::size_t i = edges.task_begin[t]; i < edges.task_begin[t + 1]; ++i) {
                const std::uint32_t a = std::min(block(edges.head[i]), block(edges.tail[i])),
                                    b = std::max(block(edges.head[i]), block(edges.tail[i]));
                outside += a != uses[2 * t] || b != uses[2 * t + 1];
            }
        }
        CHECK(outside == 0);
        // Round 0 starts at once; every later task waits on one or two tasks of the round before.
        std::vector<std::size_t> round_of(tasks);
        for (std::size_t r = 0; r + 1 < edges.round_begin.size(); ++r)
            for (std::size_t t = edges.round_begin[r]; t < edges.round_begin[r + 1]; ++t) round_of[t] = r;
        const TaskGraph graph(blocks, begin, uses);
        std::size_t wrong = 0;
        for (std::size_t t = 0; t < tasks; ++t) {
            const std::size_t preds = graph.predecessors(t);
            wrong += round_of[t] == 0 ? preds != 0 : (preds < 1 || preds > 2);
            for (const std::uint32_t* s = graph.successors_begin(t); s != graph.successors_end(t); ++s)
                wrong += round_of[*s] != round_of[t] + 1;
        }
        CHECK(wrong == 0);
    }
}

TEST_CASE("optimize_layout's device path: upload once, one umap_epoch per epoch, progress and cancel") {
    const std::size_t n = 400, n_epochs = 12;
    const SparseGraph g = random_graph(n, 8, 5);
    LayoutParams p;
    p.n_epochs = n_epochs;
    ThreadPool pool(2);
    const Matrix init = random_layout(n, 2, 8);
    Matrix reference = init;
    optimize_layout(reference, g, p, 7, {}, &pool);

    ForwardingDevice dev(&pool);
    Matrix on_device = init;
    std::size_t calls = 0;
    auto count = [&](const Progress& pr) {
        ++calls;
        return std::string_view(pr.stage) == "umap";
    };
    optimize_layout(on_device, g, p, 7, count, &pool, &dev);
    CHECK(bit_equal(on_device, reference));
    CHECK(dev.epochs == n_epochs - 1);  // epoch 0 samples nothing
    CHECK(calls == n_epochs);
    CHECK(dev.syncs == n_epochs);

    Matrix cancelled = init;
    CHECK_THROWS_AS(optimize_layout(cancelled, g, p, 7, [](const Progress& pr) { return pr.step < 3; }, &pool, &dev),
                    Cancelled);

    // An empty graph leaves the layout as it is, on any device.
    SparseGraph empty;
    empty.n_rows = empty.n_cols = n;
    empty.indptr.assign(n + 1, 0);
    Matrix untouched = init;
    optimize_layout(untouched, empty, p, 7, {}, &pool, &dev);
    CHECK(bit_equal(untouched, init));
}

TEST_CASE("umap_epoch on every available GPU: one epoch within 1e-4 of the CPU, or its own one-ulp sensitivity") {
    const auto gpus = gpu_devices();
    if (gpus.empty()) return;
    const std::size_t n = quick() ? 500 : 2000, n_epochs = 50;
    const SparseGraph g = random_graph(n, 10, 21);
    for (const Case& c : kCases) {
        CAPTURE(c.dim);
        LayoutParams p;
        p.n_epochs = n_epochs;
        p.negative_sample_rate = c.negative_sample_rate;
        p.sgd_blocks = c.blocks;
        // Start from the CPU's state after `start` epochs, run epoch `start` on both.
        for (std::size_t start : {1, 2, 10, 30}) {
            CAPTURE(start);
            LayoutEdges edges = layout_edges(g, p);
            Matrix emb = random_layout(n, c.dim, 4);
            const auto cpu = make_cpu_device();
            TestLayout host(*cpu, emb, edges, p, 1234);
            for (std::size_t e = 1; e < start; ++e) host.epoch(e, layout_alpha(p.learning_rate, e, n_epochs));
            emb = host.embedding();
            edges.next = host.read(host.next);
            edges.next_neg = host.read(host.next_neg);
            const float alpha = layout_alpha(p.learning_rate, start, n_epochs);
            host.epoch(start, alpha);
            const Matrix want = host.embedding();
            const std::vector<float> want_next = host.read(host.next), want_next_neg = host.read(host.next_neg);
            // The epoch's own sensitivity: the CPU from a start moved by one ulp. The SGD moves
            // each vertex many times in sequence, so on some layouts rounding differences grow
            // far past 1e-4 within one epoch; a device may differ from the CPU by as much as
            // the CPU differs from itself after a one-ulp nudge.
            const auto max_diff = [](const Matrix& a, const Matrix& b) {
                float worst = 0.0f;
                for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]));
                return worst;
            };
            Matrix nudged = emb;
            for (std::size_t i = 0; i < nudged.size(); ++i) nudged.data()[i] = std::nextafter(nudged.data()[i], 1e9f);
            TestLayout sensitivity(*cpu, nudged, edges, p, 1234);
            sensitivity.epoch(start, alpha);
            const float tolerance = std::max(1e-4f, 4.0f * max_diff(sensitivity.embedding(), want));
            for (const auto& gpu : gpus) {
                CAPTURE(gpu->name());
                TestLayout dev(*gpu, emb, edges, p, 1234);
                dev.epoch(start, alpha);
                const float worst = max_diff(dev.embedding(), want);
                CAPTURE(tolerance);
                CHECK(worst <= tolerance);
                CHECK(dev.read(dev.next) == want_next);  // one addition: exact
                const std::vector<float> got_next_neg = dev.read(dev.next_neg);
                std::size_t off = 0;
                for (std::size_t i = 0; i < got_next_neg.size(); ++i)
                    off += std::abs(got_next_neg[i] - want_next_neg[i]) > 1e-5f * std::abs(want_next_neg[i]);
                CHECK(off == 0);
            }
        }
    }
}

TEST_CASE("UMAP fitted on every available GPU keeps the CPU's trustworthiness (within 0.02)") {
    const auto gpus = gpu_devices();
    if (gpus.empty()) return;
    // Swiss roll: a 2-d sheet rolled up in 3-d.
    const std::size_t n = quick() ? 800 : 2000;
    Rng rng(17);
    Matrix x(n, 3);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = 1.5 * std::numbers::pi * (1.0 + 2.0 * rng.uniform());
        x(i, 0) = static_cast<float>(t * std::cos(t));
        x(i, 1) = static_cast<float>(21.0 * rng.uniform());
        x(i, 2) = static_cast<float>(t * std::sin(t));
    }
    UmapOptions o;
    o.n_epochs = quick() ? 100 : 200;
    o.seed = 3;
    const Matrix cpu_emb = Umap(o).fit_transform(x);
    const double t_cpu = trustworthiness(x, cpu_emb, 10);
    for (const auto& gpu : gpus) {
        CAPTURE(gpu->name());
        UmapOptions og = o;
        og.device = gpu.get();
        std::size_t epochs_seen = 0;
        og.progress = [&](const Progress& pr) {
            epochs_seen += std::string_view(pr.stage) == "umap";
            return true;
        };
        const Matrix gpu_emb = Umap(og).fit_transform(x);
        const double t_gpu = trustworthiness(x, gpu_emb, 10);
        MESSAGE(gpu->name() << ": trustworthiness " << t_gpu << " (CPU " << t_cpu << ")");
        CHECK(std::abs(t_gpu - t_cpu) <= 0.02);
        CHECK(epochs_seen == *o.n_epochs);
        // Cancel from the progress callback mid-layout.
        og.progress = [](const Progress& pr) { return std::string_view(pr.stage) != "umap" || pr.step < 5; };
        CHECK_THROWS_AS(Umap(og).fit(x), Cancelled);
    }
}
