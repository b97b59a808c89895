// Isomap on the 10-d autoencoder codes of MNIST-test (10000 × 10 float32), n_neighbors 5,
// n_components 10 (what the paper passes every manifold learner) and 2, against scikit-learn
// 1.2.1's Isomap(n_jobs=2) measured in the same run by bench/sklearn_isomap.py. Both sides use
// 2 threads. Prints seconds (wall and process CPU), reconstruction errors, the Procrustes
// residual of our embedding against sklearn's, and the speed-up.
//
// The codes: $N2D_BENCH_CODES, else the first argument that is not a --benchmark flag, else
// /work/codes/mnist_test_ae10.npy (make them with
// `n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy`).
// Set N2D_BENCH_NO_SKLEARN=1 to skip the Python side.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "n2d/blas/simd.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/manifold/isomap.hpp"

using namespace n2d;

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

double json_number(const std::string& json, const std::string& key) {
    const auto pos = json.find("\"" + key + "\":");
    return pos == std::string::npos ? 0.0 : std::strtod(json.c_str() + pos + key.size() + 3, nullptr);
}

std::string json_string(const std::string& json, const std::string& key) {
    const auto pos = json.find("\"" + key + "\": \"");
    if (pos == std::string::npos) return "";
    const auto b = pos + key.size() + 5;
    return json.substr(b, json.find('"', b) - b);
}

double process_cpu() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

void run_sklearn() {
    const char* skip = std::getenv("N2D_BENCH_NO_SKLEARN");
    if (skip && *skip && std::string(skip) != "0") return;
    // __FILE__ is relative to the build folder; also try the source tree's bench/ from here.
    auto script = std::filesystem::path(__FILE__).parent_path() / "sklearn_isomap.py";
    if (!std::filesystem::exists(script)) script = std::filesystem::path("bench") / "sklearn_isomap.py";
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const auto emb = std::filesystem::temp_directory_path() / ("n2d_bench_isomap_" + std::to_string(::getpid()));
    for (std::size_t s = 0; s < 2; ++s) {
        const std::string cmd = "OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 " + python + " '" +
                                script.string() + "' '" + g_path + "' " + std::to_string(kNeighbors) + " " +
                                std::to_string(kComponents[s]) + " '" + emb.string() + "' 2>/dev/null";
        std::fprintf(stderr, "running scikit-learn: %s\n", cmd.c_str());
        std::string out;
        if (FILE* p = ::popen(cmd.c_str(), "r")) {
            char buf[4096];
            while (std::fgets(buf, sizeof buf, p)) out += buf;
            ::pclose(p);
        }
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

// ‖A R − B‖_F / ‖B‖_F for the orthogonal R minimising it (R = M (MᵀM)^(-1/2), M = AᵀB).
double procrustes_residual(const Matrix& a, const Matrix& b) {
    const std::size_t k = a.cols();
    std::vector<double> m(k * k, 0.0), mtm(k * k, 0.0), vals, vecs, inv(k * k, 0.0), r(k * k, 0.0);
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t p = 0; p < k; ++p)
            for (std::size_t q = 0; q < k; ++q) m[p * k + q] += double(a(i, p)) * double(b(i, q));
    for (std::size_t p = 0; p < k; ++p)
        for (std::size_t q = 0; q < k; ++q)
            for (std::size_t t = 0; t < k; ++t) mtm[p * k + q] += m[t * k + p] * m[t * k + q];
    jacobi_eigen(k, mtm, vals, vecs);
    for (std::size_t p = 0; p < k; ++p)
        for (std::size_t q = 0; q < k; ++q)
            for (std::size_t t = 0; t < k; ++t)
                if (vals[t] > 0) inv[p * k + q] += vecs[p * k + t] * vecs[q * k + t] / std::sqrt(vals[t]);
    for (std::size_t p = 0; p < k; ++p)
        for (std::size_t q = 0; q < k; ++q)
            for (std::size_t t = 0; t < k; ++t) r[p * k + q] += m[p * k + t] * inv[t * k + q];
    double num = 0, den = 0;
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t q = 0; q < k; ++q) {
            double v = 0;
            for (std::size_t p = 0; p < k; ++p) v += double(a(i, p)) * r[p * k + q];
            num += (v - b(i, q)) * (v - b(i, q));
            den += double(b(i, q)) * b(i, q);
        }
    return std::sqrt(num / den);
}

void BM_IsomapFit(benchmark::State& state) {
    const std::size_t s = std::size_t(state.range(0));
    ThreadPool pool(2);
    IsomapOptions o;
    o.n_neighbors = kNeighbors;
    o.n_components = kComponents[s];
    o.pool = &pool;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = process_cpu();
        Isomap iso(o);
        g_ours[s].embedding = iso.fit_transform(g_x);
        g_ours[s].wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        g_ours[s].cpu = process_cpu() - c0;
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
    if (const char* env = std::getenv("N2D_BENCH_CODES"); env && *env) g_path = env;
    else if (argc > 1) g_path = argv[1];
    else g_path = "/work/codes/mnist_test_ae10.npy";
    g_x = std::move(read_npy(g_path).x);
    run_sklearn();
    benchmark::AddCustomContext("simd", to_string(active_target()));
    benchmark::AddCustomContext("threads", "2");
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    print_summary();
    return 0;
}
