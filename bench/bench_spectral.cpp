// Spectral clustering on the 10-d autoencoder codes of MNIST-test (10000 × 10), n_clusters 10,
// nearest_neighbors affinity (n_neighbors 10), against scikit-learn 1.2
// SpectralClustering(n_jobs=2, affinity='nearest_neighbors', random_state=0) measured in the
// same run by bench/sklearn_spectral.py: seconds per fit, the ARI between the two label sets and
// each side's cluster accuracy (ACC) against the true classes.
//
// Input: the .npy codes from N2D_AE_CODES, --codes=PATH or the first argument that is not a
// --benchmark flag (users make it with `n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy`);
// labels from N2D_AE_LABELS, else mnist_test_labels.txt beside the codes (one class per line).
// Set N2D_BENCH_NO_SKLEARN=1 to skip the Python side. Our side runs on 2 threads, as sklearn's.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/cluster/spectral_clustering.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/metrics/metrics.hpp"

using namespace n2d;
using namespace n2d::bench;

namespace {

constexpr std::size_t kClusters = 10, kThreads = 2;

struct State {
    std::string codes_path;
    Matrix x;
    std::vector<int> truth;
    bool peer_ok = false;
    double peer_seconds = 0, peer_cpu = 0;
    std::vector<int> peer_labels;
    double ours_seconds = 1e300, ours_cpu = 1e300;
    std::vector<int> ours_labels;
    std::size_t components = 0;
    bool converged = false;
};
State g;

bool load_inputs(int& argc, char** argv) {
    g.codes_path = take_codes_path(argc, argv, "N2D_AE_CODES");
    if (g.codes_path.empty()) {
        std::fprintf(stderr, "bench_spectral: set N2D_AE_CODES (or pass the path) to the MNIST-test codes .npy\n");
        return false;
    }
    g.x = read_npy(g.codes_path).x;
    std::string labels_path;
    if (const char* env = std::getenv("N2D_AE_LABELS"); env && *env) labels_path = env;
    else labels_path = (std::filesystem::path(g.codes_path).parent_path() / "mnist_test_labels.txt").string();
    std::ifstream in(labels_path);
    for (int v; in >> v;) g.truth.push_back(v);
    if (g.truth.size() != g.x.rows()) {
        std::fprintf(stderr, "bench_spectral: no %zu labels in %s; ACC is not reported\n", g.x.rows(), labels_path.c_str());
        g.truth.clear();
    }
    return true;
}

void run_sklearn() {
    if (peer_disabled()) return;
    const auto lf = temp_path("n2d_bench_spectral_");
    const std::string out = run_peer("OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 " + python_peer("sklearn_spectral.py") +
                                     " '" + g.codes_path + "' " + std::to_string(kClusters) + " '" + lf.string() +
                                     "' 2>/dev/null");
    std::ifstream in(lf, std::ios::binary);
    g.peer_labels.resize(g.x.rows());
    if (out.find("seconds") != std::string::npos &&
        in.read(reinterpret_cast<char*>(g.peer_labels.data()), std::streamsize(g.x.rows() * 4))) {
        g.peer_ok = true;
        g.peer_seconds = json_number(out, "seconds");
        g.peer_cpu = json_number(out, "cpu_seconds");
    } else {
        std::fprintf(stderr, "scikit-learn side unavailable\n");
    }
    std::filesystem::remove(lf);
}

void BM_SpectralClustering(benchmark::State& state) {
    ThreadPool pool(kThreads);
    SpectralClusteringOptions o;
    o.n_clusters = kClusters;
    o.pool = &pool;
    for (auto _ : state) {
        const Stopwatch sw;
        SpectralClustering sc(o);
        sc.fit(g.x);
        g.ours_seconds = std::min(g.ours_seconds, sw.wall());
        g.ours_cpu = std::min(g.ours_cpu, sw.cpu());
        g.ours_labels = sc.labels();
        g.components = sc.n_graph_components();
        g.converged = sc.eigen_converged();
    }
}
BENCHMARK(BM_SpectralClustering)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void print_summary() {
    std::printf("\n== spectral clustering: n2d vs scikit-learn (%zu x %zu codes from %s, %zu threads, SIMD %s) ==\n",
                g.x.rows(), g.x.cols(), g.codes_path.c_str(), kThreads, to_string(active_target()));
    std::printf("graph components %zu, eigensolver converged %s\n", g.components, g.converged ? "yes" : "no");
    const double acc = g.truth.empty() ? 0.0 : cluster_accuracy(g.truth, g.ours_labels).accuracy;
    std::printf("n2d:     wall %.3f s, cpu %.3f s, ACC %.4f\n", g.ours_seconds, g.ours_cpu, acc);
    if (!g.peer_ok) return;
    const double peer_acc = g.truth.empty() ? 0.0 : cluster_accuracy(g.truth, g.peer_labels).accuracy;
    std::printf("sklearn: wall %.3f s, cpu %.3f s, ACC %.4f\n", g.peer_seconds, g.peer_cpu, peer_acc);
    std::printf("ARI(n2d, sklearn) %.4f; speed-up %.1fx wall, %.1fx cpu\n", ari(g.peer_labels, g.ours_labels),
                g.peer_seconds / g.ours_seconds, g.peer_cpu / g.ours_cpu);
}

}  // namespace

int main(int argc, char** argv) {
    const bool listing = listing_only(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (!load_inputs(argc, argv)) return 1;
    if (!listing) run_sklearn();
    run_benchmarks(kThreads);
    print_summary();
    return 0;
}
