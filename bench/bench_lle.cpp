// Locally Linear Embedding (method "standard") on the paper's 10-d autoencoder codes of
// MNIST-test (10000 × 10), n_neighbors 20 (the paper's LLE takes UMAP's neighbours), n_components
// 2 and 10, against scikit-learn 1.2.1 LocallyLinearEmbedding(n_jobs=2, eigen_solver "auto")
// measured in the same run by bench/sklearn_lle.py (for n_components 10 "auto" is a dense O(n³)
// eigh, for 2 ARPACK shift-invert with a sparse LU: what a user gets). Quality: both sides'
// reconstruction_error (the sum of the kept eigenvalues of M; lower is better, equal = same
// eigenvectors).
//
// Input: the codes .npy from N2D_BENCH_CODES, --codes=PATH or the first argument that is not a
// --benchmark flag, else /work/codes/mnist_test_ae10.npy when present (users make it with `n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy`);
// N2D_BENCH_LLE_N=m uses the first m rows (when the dense scikit-learn fit is too slow);
// N2D_BENCH_NO_SKLEARN=1 skips the Python side. Both sides run 2 threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/manifold/lle.hpp"

using namespace n2d;
using namespace n2d::bench;

namespace {

constexpr std::size_t kNeighbors = 20;
const std::size_t kComponents[2] = {2, 10};

std::string g_path;
Matrix g_x;
struct Side {
    double seconds = 0, cpu = 0, error = 0;
    bool ok = false;
};
Side g_ours[2], g_peer[2];

void run_sklearn() {
    if (peer_disabled()) return;
    const std::string out = run_peer(python_peer("sklearn_lle.py") + " '" + g_path + "' " + std::to_string(g_x.rows()) +
                                         " " + std::to_string(kNeighbors) + " 2 10 2>/dev/null",
                                     "scikit-learn (minutes)");
    for (int c = 0; c < 2; ++c) {
        const std::string tag = "c" + std::to_string(kComponents[c]) + "_";
        if (out.find(tag + "seconds") == std::string::npos) continue;
        g_peer[c].ok = true;
        g_peer[c].seconds = json_number(out, tag + "seconds");
        g_peer[c].cpu = json_number(out, tag + "cpu");
        g_peer[c].error = json_number(out, tag + "error");
    }
}

void BM_Lle(benchmark::State& state) {
    const int c = int(state.range(0));
    LleOptions o;
    o.n_neighbors = kNeighbors;
    o.n_components = kComponents[c];
    double error = 0;
    for (auto _ : state) {
        const Stopwatch sw;
        LocallyLinearEmbedding lle(o);
        benchmark::DoNotOptimize(lle.fit_transform(g_x));
        const double wall = sw.wall(), cpu = sw.cpu();
        error = lle.reconstruction_error();
        if (!g_ours[c].ok || wall < g_ours[c].seconds) g_ours[c].seconds = wall;
        if (!g_ours[c].ok || cpu < g_ours[c].cpu) g_ours[c].cpu = cpu;
        g_ours[c].ok = true;
    }
    g_ours[c].error = error;
    state.counters["reconstruction_error"] = error;
    state.SetLabel("n_components " + std::to_string(kComponents[c]));
}

BENCHMARK(BM_Lle)->Arg(0)->Arg(1)->Iterations(2)->Unit(benchmark::kSecond)->UseRealTime();

void print_summary() {
    std::printf("\n== LLE (standard): n2d vs scikit-learn, %zu × %zu codes (%s), n_neighbors %zu, %zu threads, SIMD %s ==\n",
                g_x.rows(), g_x.cols(), g_path.c_str(), kNeighbors, default_pool().num_threads(),
                to_string(active_target()));
    std::printf("wall = best wall-clock seconds; cpu = process CPU seconds over all threads (robust under load)\n");
    for (int c = 0; c < 2; ++c) {
        const Side &a = g_ours[c], &b = g_peer[c];
        std::printf("n_components %2zu: n2d wall %.2f s cpu %.2f s, error %.6e", kComponents[c], a.seconds, a.cpu, a.error);
        if (b.ok)
            std::printf(" | sklearn (%s) wall %.2f s cpu %.2f s, error %.6e | speed-up wall %.1fx cpu %.1fx, error ratio %.4f\n",
                        kComponents[c] + 1 < 10 ? "arpack" : "dense", b.seconds, b.cpu, b.error, b.seconds / a.seconds,
                        b.cpu / a.cpu, a.error / b.error);
        else
            std::printf(" | scikit-learn not run\n");
    }
}

}  // namespace

int main(int argc, char** argv) {
    g_path = take_codes_path(argc, argv, "N2D_BENCH_CODES", "/work/codes/mnist_test_ae10.npy");
    if (g_path.empty()) {
        std::fprintf(stderr, "bench_lle: pass the codes .npy (N2D_BENCH_CODES=PATH or as the first argument); make it "
                             "with `n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy`\n");
        return 2;
    }
    const Dataset d = read_npy(g_path);
    std::size_t n = d.x.rows();
    if (const char* m = std::getenv("N2D_BENCH_LLE_N"); m && *m) n = std::min<std::size_t>(n, std::strtoul(m, nullptr, 10));
    g_x = Matrix(n, d.x.cols());
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d.x.cols(); ++j) g_x(i, j) = d.x(i, j);
    run_sklearn();
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i)
        if (i == 0 || std::string(argv[i]).rfind("--", 0) == 0) args.push_back(argv[i]);
    int nargs = int(args.size());
    benchmark::Initialize(&nargs, args.data());
    run_benchmarks(default_pool().num_threads());
    print_summary();
    return 0;
}
