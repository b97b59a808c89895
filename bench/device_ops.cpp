// Device ops on a named device beside the CPU device, with their time ratio (bench/gpu_check.sh
// runs it on a GPU machine):
//   exact kNN (knn_tile) of n × dim points among themselves, k neighbours (default MNIST's
//     70000 × 784, k = 15, random data: the time does not depend on the values). The CPU time
//     is measured on the first --cpu-queries queries and scaled to n (the CPU op is O(n²·dim));
//     the device's neighbours of those queries are checked against the CPU's.
//   UMAP layout SGD (umap_epoch): --epochs epochs of an n × 10 embedding along a synthetic
//     kNN-like graph (each vertex joined to 15 random others, both directions, random weights),
//     on the vertex-disjoint schedule of n2d's optimiser with P vertex blocks for each P of
//     --blocks (n2d's default 16: P/2 tasks run at once, few for a GPU).
// Usage: device_ops [--device cuda] [--n 70000] [--dim 784] [--k 15] [--epochs 200]
//                   [--cpu-queries 2000] [--blocks 16[,256,…]]
// A plain program (no Google Benchmark): one timed run per op; exits non-zero on any error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/device/devices.hpp"
#include "n2d/umap/detail/optimize_layout.hpp"

using namespace n2d;

namespace {

struct Options {
    std::string device = "cuda";
    std::size_t n = 70000, dim = 784, k = 15, epochs = 200, cpu_queries = 2000;
    std::vector<std::size_t> blocks{16};
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        N2D_REQUIRE(i + 1 < argc, "device_ops: " + a + " needs a value");
        const std::string v = argv[++i];
        if (a == "--device") o.device = v;
        else if (a == "--n") o.n = std::stoul(v);
        else if (a == "--dim") o.dim = std::stoul(v);
        else if (a == "--k") o.k = std::stoul(v);
        else if (a == "--epochs") o.epochs = std::stoul(v);
        else if (a == "--cpu-queries") o.cpu_queries = std::stoul(v);
        else if (a == "--blocks") {
            o.blocks.clear();
            for (std::size_t pos = 0; pos <= v.size();) {
                const std::size_t comma = std::min(v.find(',', pos), v.size());
                o.blocks.push_back(std::stoul(v.substr(pos, comma - pos)));
                pos = comma + 1;
            }
        }
        else N2D_FAIL("device_ops: unknown option " + a);
    }
    return o;
}

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Seconds of queries [0, nq) against all n references on `dev`; indices left in `idx`.
double knn_seconds(Device& dev, const std::vector<float>& x, std::size_t n, std::size_t dim, std::size_t k,
                   std::size_t nq, std::vector<std::int32_t>& idx) {
    Buffer xb = upload_new(dev, x.data(), x.size());
    Buffer ib(dev, DType::i32, nq * k), db(dev, DType::f32, nq * k);
    dev.synchronize();
    const double t0 = now();
    dev.knn_tile({nq, n, dim, k, xb.view(0, nq * dim), xb.view(), ib.view(), db.view()});
    dev.synchronize();
    const double t = now() - t0;
    idx.resize(nq * k);
    dev.download(idx.data(), ib.view());
    return t;
}

// The fit optimiser's state for a synthetic graph, in schedule order (as n2d/umap feeds umap_epoch).
struct UmapProblem {
    std::size_t n = 0, dim = 10, n_tasks = 0, n_rounds = 0;
    std::vector<float> embedding, eps, eps_neg, next, next_neg;
    std::vector<std::uint32_t> head, tail, task_begin, round_begin;
};

UmapProblem make_umap(std::size_t n, std::size_t blocks) {
    constexpr std::size_t kNeighbours = 15;
    constexpr float kNegativeRate = 5.0f;
    Rng rng(42);
    // Undirected kNN-like edges, stored in both directions (CSR by row).
    std::vector<std::vector<std::pair<std::int32_t, float>>> rows(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < kNeighbours; ++j) {
            std::size_t t = rng.below(n);
            if (t == i) t = (t + 1) % n;
            const float w = static_cast<float>(0.05 + 0.95 * rng.uniform());
            rows[i].push_back({static_cast<std::int32_t>(t), w});
            rows[t].push_back({static_cast<std::int32_t>(i), w});
        }
    SparseGraph g;
    g.n_rows = g.n_cols = n;
    g.indptr.push_back(0);
    for (const auto& r : rows) {
        for (const auto& [c, w] : r) {
            g.indices.push_back(c);
            g.weights.push_back(w);
        }
        g.indptr.push_back(g.indices.size());
    }
    const EdgeRounds sched = schedule_edges(g, blocks);
    const float max_w = max_weight(g);
    UmapProblem p;
    p.n = n;
    p.embedding.resize(n * p.dim);
    for (auto& v : p.embedding) v = static_cast<float>(rng.uniform(-10.0, 10.0));
    for (const std::uint32_t e : sched.order) {
        const float eps = max_w / g.weights[e];
        p.head.push_back(sched.head[e]);
        p.tail.push_back(static_cast<std::uint32_t>(g.indices[e]));
        p.eps.push_back(eps);
        p.eps_neg.push_back(eps / kNegativeRate);
        p.next.push_back(eps);
        p.next_neg.push_back(eps / kNegativeRate);
    }
    for (std::size_t v : sched.task_begin) p.task_begin.push_back(static_cast<std::uint32_t>(v));
    for (std::size_t v : sched.round_begin) p.round_begin.push_back(static_cast<std::uint32_t>(v));
    p.n_tasks = sched.task_begin.size() - 1;
    p.n_rounds = sched.round_begin.size() - 1;
    return p;
}

// Seconds for epochs 1..n_epochs of umap_epoch on `dev` (epoch 0 samples nothing).
double umap_seconds(Device& dev, const UmapProblem& p, std::size_t n_epochs) {
    auto up = [&](const auto& v) { return upload_new(dev, v.data(), v.size()); };
    Buffer emb = up(p.embedding), snap(dev, DType::f32, p.embedding.size());
    Buffer head = up(p.head), tail = up(p.tail), eps = up(p.eps), eps_neg = up(p.eps_neg), next = up(p.next),
           next_neg = up(p.next_neg), tb = up(p.task_begin), rb = up(p.round_begin);
    UmapEpochArgs a;
    a.n = p.n;
    a.dim = p.dim;
    a.n_edges = p.head.size();
    a.n_tasks = p.n_tasks;
    a.n_rounds = p.n_rounds;
    a.seed = 1234;
    a.embedding = emb.view();
    a.snapshot = snap.view();
    a.edge_head = head.view();
    a.edge_tail = tail.view();
    a.eps = eps.view();
    a.eps_neg = eps_neg.view();
    a.next = next.view();
    a.next_neg = next_neg.view();
    a.task_begin = tb.view();
    a.round_begin = rb.view();
    dev.synchronize();
    const double t0 = now();
    for (std::size_t e = 1; e < n_epochs; ++e) {
        a.epoch = e;
        a.alpha = 1.0f - static_cast<float>(e - 1) / static_cast<float>(n_epochs);
        dev.umap_epoch(a);
    }
    dev.synchronize();
    return now() - t0;
}

int run(const Options& o) {
    auto dev = open_device(o.device);
    std::printf("device %s beside cpu (%s)\n", dev->name().c_str(), o.device.c_str());
    for (const auto& d : list_devices())
        if (d.name == dev->name()) std::printf("  %s\n", d.description.c_str());
    Device& cpu = cpu_device();

    // kNN.
    std::vector<float> x(o.n * o.dim);
    Rng rng(7);
    for (auto& v : x) v = static_cast<float>(rng.uniform());
    const std::size_t nq_cpu = std::min(o.cpu_queries, o.n);
    std::vector<std::int32_t> idx_dev, idx_cpu;
    const double t_dev = knn_seconds(*dev, x, o.n, o.dim, o.k, o.n, idx_dev);
    const double t_cpu_part = knn_seconds(cpu, x, o.n, o.dim, o.k, nq_cpu, idx_cpu);
    const double t_cpu = t_cpu_part * static_cast<double>(o.n) / static_cast<double>(nq_cpu);
    std::size_t same = 0;
    for (std::size_t i = 0; i < idx_cpu.size(); ++i) same += idx_cpu[i] == idx_dev[i];
    std::printf("knn_tile %zu x %zu, k = %zu: %s %.3f s, cpu %.3f s (%zu queries in %.3f s, scaled), cpu/%s = %.1fx; "
                "neighbours equal to the cpu's: %zu / %zu\n",
                o.n, o.dim, o.k, dev->name().c_str(), t_dev, t_cpu, nq_cpu, t_cpu_part, dev->name().c_str(),
                t_cpu / t_dev, same, idx_cpu.size());
    if (static_cast<double>(same) < 0.999 * static_cast<double>(idx_cpu.size())) {  // near-ties may swap
        std::fprintf(stderr, "device_ops: the device's kNN differs from the CPU's\n");
        return 1;
    }

    // UMAP SGD.
    for (const std::size_t blocks : o.blocks) {
        const UmapProblem p = make_umap(o.n, blocks);
        std::printf("umap graph: %zu vertices, %zu directed edges, %zu tasks in %zu rounds (%zu blocks)\n", p.n,
                    p.head.size(), p.n_tasks, p.n_rounds, blocks);
        const double u_dev = umap_seconds(*dev, p, o.epochs);
        const double u_cpu = umap_seconds(cpu, p, o.epochs);
        std::printf("umap_epoch %zu x %zu, %zu epochs, %zu blocks: %s %.3f s, cpu %.3f s, cpu/%s = %.1fx\n", o.n,
                    p.dim, o.epochs, blocks, dev->name().c_str(), u_dev, u_cpu, dev->name().c_str(), u_cpu / u_dev);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "device_ops: %s\n", e.what());
        return 1;
    }
}
