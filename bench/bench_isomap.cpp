// Isomap on the 10-d autoencoder codes of MNIST-test (10000 × 10 float32), n_neighbors 5,
// n_components 10 (what the paper passes every manifold learner) and 2, against scikit-learn
// 1.2.1's Isomap(n_jobs=2) measured in the same run by bench/sklearn_isomap.py. Both sides use
// 2 threads. Prints seconds (wall and process CPU), reconstruction errors, the Procrustes
// residual of our embedding against sklearn's, and the speed-up.
//
// The codes: $N2D_BENCH_CODES, else --codes=PATH or the first argument that is not a
// --benchmark flag, else /work/codes/mnist_test_ae10.npy (make them with
// `n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy`).
// Set N2D_BENCH_NO_SKLEARN=1 to skip the Python side.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench_util.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/manifold/isomap.hpp"
#include "n2d/metrics/metrics.hpp"

using namespace n2d;
using namespace n2d::bench;

namespace {

constexpr std::size_t kNeighbors = 5;
constexpr std::size_t kComponents[2] = {10, 2};

Matrix g_x;
std::string g_path;

struct Side {
    bool ok = false;
    double wall = 0, cpu = 0, error = 0, rss_mb = 0;
    std::string dtype;
    Matrix embedding;
};
Side g_ours[2], g_peer[2];

void run_sklearn() {
    if (peer_disabled()) return;
    const auto emb = temp_path("n2d_bench_isomap_");
    for (std::size_t s = 0; s < 2; ++s) {
        const std::string out = run_peer("OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 " +
                                         python_peer("sklearn_isomap.py") + " '" + g_path + "' " +
                                         std::to_string(kNeighbors) + " " + std::to_string(kComponents[s]) + " '" +
                                         emb.string() + "' 2>/dev/null");
        Side& peer = g_peer[s];
        peer.embedding = Matrix(g_x.rows(), kComponents[s]);
        std::ifstream in(emb, std::ios::binary);
        if (out.find("fit_seconds") != std::string::npos &&
            in.read(reinterpret_cast<char*>(peer.embedding.data()), std::streamsize(peer.embedding.size() * 4))) {
            peer.ok = true;
            peer.wall = json_number(out, "fit_seconds");
            peer.cpu = json_number(out, "fit_cpu");
            peer.error = json_number(out, "reconstruction_error");
            peer.rss_mb = json_number(out, "peak_rss_mb");
            peer.dtype = json_string(out, "dtype");
        } else {
            std::fprintf(stderr, "scikit-learn side unavailable for n_components %zu\n", kComponents[s]);
        }
        std::filesystem::remove(emb);
    }
}

void BM_IsomapFit(benchmark::State& state) {
    const std::size_t s = std::size_t(state.range(0));
    ThreadPool pool(2);
    IsomapOptions o;
    o.n_neighbors = kNeighbors;
    o.n_components = kComponents[s];
    o.pool = &pool;
    for (auto _ : state) {
        const Stopwatch sw;
        Isomap iso(o);
        g_ours[s].embedding = iso.fit_transform(g_x);
        g_ours[s].wall = sw.wall();
        g_ours[s].cpu = sw.cpu();
        g_ours[s].error = iso.reconstruction_error();
        g_ours[s].ok = true;
    }
    state.counters["reconstruction_error"] = g_ours[s].error;
    state.SetLabel("n_components " + std::to_string(kComponents[s]));
}

BENCHMARK(BM_IsomapFit)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

void print_summary() {
    std::printf("\n== Isomap: n2d vs scikit-learn 1.2.1 on %s (%zu × %zu), n_neighbors %zu, 2 threads each, SIMD %s ==\n",
                g_path.c_str(), g_x.rows(), g_x.cols(), kNeighbors, to_string(active_target()));
    for (std::size_t s = 0; s < 2; ++s) {
        const Side &o = g_ours[s], &p = g_peer[s];
        if (!o.ok) continue;
        std::printf("n_components %2zu: n2d %.2f s (cpu %.2f s), reconstruction error %.6g\n", kComponents[s], o.wall,
                    o.cpu, o.error);
        if (!p.ok) continue;
        std::printf("                 sklearn %.2f s (cpu %.2f s), reconstruction error %.6g (geodesics %s, peak RSS %.0f MB)\n",
                    p.wall, p.cpu, p.error, p.dtype.c_str(), p.rss_mb);
        std::printf("                 speed-up %.1fx wall, %.1fx cpu; reconstruction errors differ by %.2e relative; "
                    "embedding Procrustes residual vs sklearn %.2e\n",
                    p.wall / o.wall, p.cpu / o.cpu, std::fabs(o.error - p.error) / p.error,
                    procrustes_residual(o.embedding, p.embedding));
    }
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    g_path = take_codes_path(argc, argv, "N2D_BENCH_CODES", "/work/codes/mnist_test_ae10.npy");
    if (g_path.empty()) {
        std::fprintf(stderr, "bench_isomap: pass the codes .npy (N2D_BENCH_CODES=PATH or as the first argument); make it "
                             "with `n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy`\n");
        return 2;
    }
    g_x = std::move(read_npy(g_path).x);
    run_sklearn();
    run_benchmarks(2);
    print_summary();
    return 0;
}
