// Barnes–Hut t-SNE to 2-D on the 10-d autoencoder codes of MNIST-test (10000 × 10), n2d against
// scikit-learn 1.2.1 TSNE(n_jobs=2) with the same settings (perplexity 30, early exaggeration
// 12, learning rate "auto", 1000 iterations, PCA init, θ = 0.5), measured in the same run by
// bench/sklearn_tsne.py. Prints wall and CPU seconds, the final KL divergence of both, the
// trustworthiness (k = 12, our implementation on both embeddings) and the speed-up.
//
// The codes: N2D_TSNE_CODES=path.npy (or --codes=path.npy, or the path as an argument), e.g. from
//   n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy
// Threads: 2 unless N2D_NUM_THREADS is set. N2D_BENCH_NO_SKLEARN=1 skips the Python side.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_util.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/manifold/tsne.hpp"
#include "n2d/metrics/metrics.hpp"

using namespace n2d;
using namespace n2d::bench;

namespace {

struct Side {
    bool ok = false;
    double seconds = 0, cpu = 0, kl = 0, trust = 0;
    std::size_t n_iter = 0;
};

Matrix g_codes;
Side g_ours, g_peer;

void run_sklearn(const std::string& codes) {
    if (peer_disabled()) return;
    const auto out = temp_path("n2d_bench_tsne_", ".npy");
    const std::string text = run_peer(python_peer("sklearn_tsne.py") + " '" + codes + "' '" + out.string() + "' 2 2>/dev/null");
    if (text.find("\"kl\"") == std::string::npos || !std::filesystem::exists(out)) {
        std::fprintf(stderr, "scikit-learn side unavailable (output: %s)\n", text.c_str());
        return;
    }
    g_peer.ok = true;
    g_peer.seconds = json_number(text, "seconds");
    g_peer.cpu = json_number(text, "cpu_seconds");
    g_peer.kl = json_number(text, "kl");
    g_peer.n_iter = std::size_t(json_number(text, "n_iter"));
    const Dataset emb = read_npy(out.string());
    g_peer.trust = trustworthiness(g_codes, emb.x, 12);
    std::filesystem::remove(out);
}

void BM_tsne_mnist_codes_to2(benchmark::State& state) {
    for (auto _ : state) {
        TsneOptions o;  // sklearn's defaults: perplexity 30, exaggeration 12, lr auto, 1000 iterations, PCA, θ 0.5
        Tsne t(o);
        const Stopwatch sw;
        const Matrix y = t.fit_transform(g_codes);
        const double wall = sw.wall();
        state.SetIterationTime(wall);
        g_ours = {true, wall, sw.cpu(), t.kl_divergence(), 0.0, t.n_iter()};
        g_ours.trust = trustworthiness(g_codes, y, 12);
        state.counters["kl"] = g_ours.kl;
    }
}

BENCHMARK(BM_tsne_mnist_codes_to2)->Unit(benchmark::kSecond)->UseManualTime()->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
    const std::string codes = take_codes_path(argc, argv, "N2D_TSNE_CODES");
    if (codes.empty()) {
        std::fprintf(stderr, "bench_tsne: pass the MNIST-test codes with N2D_TSNE_CODES=codes.npy or --codes=codes.npy\n"
                             "(make them with: n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy)\n");
        return 2;
    }
    if (!std::getenv("N2D_NUM_THREADS")) set_num_threads(2);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    g_codes = read_npy(codes).x;
    std::printf("codes %s: %zu x %zu; threads %zu, SIMD %s\n", codes.c_str(), g_codes.rows(), g_codes.cols(),
                default_pool().num_threads(), to_string(active_target()));
    run_sklearn(codes);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::printf("\n== t-SNE (Barnes-Hut, 2-D, sklearn defaults) on %zu x %zu codes, 2 threads each ==\n", g_codes.rows(),
                g_codes.cols());
    std::printf("%-14s %9s %9s %10s %8s %14s\n", "", "wall s", "CPU s", "KL", "n_iter", "trust (k=12)");
    std::printf("%-14s %9.2f %9.2f %10.4f %8zu %14.4f\n", "n2d", g_ours.seconds, g_ours.cpu, g_ours.kl, g_ours.n_iter,
                g_ours.trust);
    if (g_peer.ok) {
        std::printf("%-14s %9.2f %9.2f %10.4f %8zu %14.4f\n", "scikit-learn", g_peer.seconds, g_peer.cpu, g_peer.kl,
                    g_peer.n_iter, g_peer.trust);
        std::printf("speed-up: %.1fx wall, %.1fx CPU; KL n2d/sklearn %.3f, trustworthiness diff %+.4f\n",
                    g_peer.seconds / g_ours.seconds, g_peer.cpu / g_ours.cpu, g_ours.kl / g_peer.kl,
                    g_ours.trust - g_peer.trust);
    }
    return 0;
}
