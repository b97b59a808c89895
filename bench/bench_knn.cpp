// k-NN graph build time and recall@20 on MNIST-70k raw (784-d) and on a 70000 × 10 embedding
// (a fixed random Gaussian projection of MNIST, seed 1234, as bench_umap uses), k = 20:
//   exact  — blocked GEMM tiles (also the oracle for recall);
//   nndesc — NN-descent with pynndescent's default parameters (recall vs the exact graph);
//   query  — KnnIndex on the first 60000 rows answering the last 10000 (10-d, epsilon 0.1).
// Peer: pynndescent 0.5.8, 2 threads, warm — the figures on this machine: raw MNIST
// ≈ 6 s (recall 0.993), 70000 × 10 AE embedding ≈ 2 s (recall 0.998). With
// N2D_BENCH_PYNNDESCENT=path/to/bench/pynndescent_knn.py it is measured in the same run on the
// same matrices (Debian python3-pynndescent; N2D_BENCH_PYTHON, default /usr/bin/python3).
// Times: wall seconds and process CPU seconds (the machine is shared and noisy; CPU seconds
// compare better there). Threads: N2D_NUM_THREADS, else 2.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "n2d/blas/simd.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/knn/knn.hpp"
#include "bench_util.hpp"

using namespace n2d;

namespace {

constexpr std::size_t kK = 20;

struct Inputs {
    std::string source;
    Matrix raw, projected;
};

Inputs& inputs() {
    static Inputs in = [] {
        Inputs r;
        r.raw = bench::mnist_or_synthetic(r.source).x;
        r.projected = bench::random_projection(r.raw, 10, 1234);
        return r;
    }();
    return in;
}

const Matrix& data(bool raw) { return raw ? inputs().raw : inputs().projected; }
const char* label(bool raw) { return raw ? "raw 784-d" : "10-d projection"; }

std::map<bool, KnnGraph> g_exact;  // oracle per input (raw?)

double recall(const KnnGraph& truth, const std::int32_t* idx, std::size_t k) {
    std::size_t hit = 0;
    for (std::size_t i = 0; i < truth.n; ++i)
        for (std::size_t j = 0; j < truth.k; ++j)
            for (std::size_t l = 0; l < k; ++l) hit += idx[i * k + l] == truth.row_indices(i)[j];
    return double(hit) / double(truth.n * truth.k);
}

struct Row {
    std::string what;
    double wall = 0, cpu = 0, recall = -1;
    double peer_wall = 0, peer_cpu = 0, peer_recall = -1;
    bool peer_measured = false;
};
std::vector<Row> g_rows;

void write_npy(const std::string& path, const Matrix& x) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(x.rows()) + ", " +
                         std::to_string(x.cols()) + "), }";
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::ofstream f(path, std::ios::binary);
    f.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<std::uint16_t>(header.size());
    f.put(static_cast<char>(len & 0xFF));
    f.put(static_cast<char>(len >> 8));
    f.write(header.data(), std::streamsize(header.size()));
    f.write(reinterpret_cast<const char*>(x.data()), std::streamsize(x.size() * sizeof(float)));
}

// Runs the peer script on `x`; fills the row's peer figures when it succeeds.
void measure_peer(const Matrix& x, bool raw, Row& row) {
    const char* script = std::getenv("N2D_BENCH_PYNNDESCENT");
    if (!script || !*script) return;
    const char* python = std::getenv("N2D_BENCH_PYTHON");
    const auto dir = std::filesystem::temp_directory_path();
    const std::string in = (dir / "n2d_bench_knn_in.npy").string(), out = (dir / "n2d_bench_knn_out.npy").string();
    write_npy(in, x);
    const std::string cmd = "NUMBA_NUM_THREADS=" + std::to_string(default_pool().num_threads()) + " " +
                            (python && *python ? python : "/usr/bin/python3") + " '" + script + "' '" + in + "' '" +
                            out + "' " + std::to_string(kK) + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return;
    char line[512];
    while (std::fgets(line, sizeof line, pipe)) {
        std::fprintf(stderr, "[pynndescent %s] %s", label(raw), line);
        double w, c;
        if (std::sscanf(line, "pynndescent wall_s=%lf cpu_s=%lf", &w, &c) == 2) {
            row.peer_wall = w;
            row.peer_cpu = c;
            row.peer_measured = true;
        }
    }
    pclose(pipe);
    if (row.peer_measured && g_exact.count(raw)) {
        const Matrix idx = read_npy(out).x;  // int32 indices, exact in float
        std::vector<std::int32_t> ids(idx.size());
        for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int32_t>(idx.data()[i]);
        row.peer_recall = recall(g_exact[raw], ids.data(), idx.cols());
    }
    std::filesystem::remove(in);
    std::filesystem::remove(out);
}

KnnOptions options(KnnMethod method) {
    KnnOptions o;
    o.n_neighbors = kK;
    o.method = method;
    o.seed = 42;
    return o;
}

void run_build(benchmark::State& state, bool raw, KnnMethod method) {
    const Matrix& x = data(raw);
    Row row;
    row.what = std::string(method == KnnMethod::exact ? "exact " : "NN-descent ") + label(raw);
    for (auto _ : state) {
        const bench::Stopwatch sw;
        KnnGraph g = build_knn(x, options(method));
        row.wall = sw.wall();
        row.cpu = sw.cpu();
        state.SetIterationTime(row.wall);
        if (method == KnnMethod::exact) g_exact[raw] = std::move(g);
        else if (g_exact.count(raw)) row.recall = recall(g_exact[raw], g.indices.data(), g.k);
    }
    state.counters["cpu_s"] = row.cpu;
    state.counters["points_per_s"] = double(x.rows()) / row.wall;
    if (row.recall >= 0) state.counters["recall"] = row.recall;
    if (method == KnnMethod::nn_descent) {
        measure_peer(x, raw, row);
        if (!row.peer_measured) {  // the figures
            row.peer_wall = raw ? 6.0 : 2.0;
            row.peer_recall = raw ? 0.993 : 0.998;
        }
        state.counters["x_faster_than_pynndescent"] = row.peer_wall / row.wall;
    }
    g_rows.push_back(row);
}

void BM_exact_raw(benchmark::State& s) { run_build(s, true, KnnMethod::exact); }
void BM_exact_10d(benchmark::State& s) { run_build(s, false, KnnMethod::exact); }
void BM_nndescent_raw(benchmark::State& s) { run_build(s, true, KnnMethod::nn_descent); }
void BM_nndescent_10d(benchmark::State& s) { run_build(s, false, KnnMethod::nn_descent); }

void BM_query_10d(benchmark::State& state) {
    const Matrix& x = data(false);
    const std::size_t n_train = x.rows() - 10000;
    const Matrix train = Matrix::copy_of(x.view().row_block(0, n_train));
    const Matrix queries = Matrix::copy_of(x.view().row_block(n_train, x.rows() - n_train));
    const KnnIndex index = KnnIndex::build(train, options(KnnMethod::nn_descent));
    KnnOptions eo = options(KnnMethod::exact);
    const KnnGraph truth = KnnIndex::build(train, eo).query(queries, kK);
    Row row;
    row.what = "query 10000 on 60000 (10-d, eps 0.1)";
    for (auto _ : state) {
        const bench::Stopwatch sw;
        const KnnGraph g = index.query(queries, kK);
        row.wall = sw.wall();
        row.cpu = sw.cpu();
        state.SetIterationTime(row.wall);
        row.recall = recall(truth, g.indices.data(), g.k);
    }
    state.counters["cpu_s"] = row.cpu;
    state.counters["recall"] = row.recall;
    state.counters["queries_per_s"] = double(queries.rows()) / row.wall;
    g_rows.push_back(row);
}

}  // namespace

BENCHMARK(BM_exact_10d)->Unit(benchmark::kSecond)->UseManualTime()->Iterations(1);
BENCHMARK(BM_nndescent_10d)->Unit(benchmark::kSecond)->UseManualTime()->Iterations(1);
BENCHMARK(BM_query_10d)->Unit(benchmark::kSecond)->UseManualTime()->Iterations(1);
BENCHMARK(BM_exact_raw)->Unit(benchmark::kSecond)->UseManualTime()->Iterations(1);
BENCHMARK(BM_nndescent_raw)->Unit(benchmark::kSecond)->UseManualTime()->Iterations(1);

int main(int argc, char** argv) {
    std::size_t threads = 2;
    if (const char* env = std::getenv("N2D_NUM_THREADS"); env && *env) threads = default_num_threads();
    set_num_threads(threads);
    benchmark::Initialize(&argc, argv);
    std::printf("n2d kNN benchmark: %s, k = %zu, %zu threads, SIMD %s\n", inputs().source.c_str(), kK, threads,
                to_string(active_target()));
    benchmark::RunSpecifiedBenchmarks();
    std::printf("\n%-40s %9s %9s %8s | %-22s %9s %9s %8s %9s\n", "n2d", "wall s", "cpu s", "recall", "pynndescent 0.5.8",
                "wall s", "cpu s", "recall", "speed-up");
    for (const Row& r : g_rows) {
        std::printf("%-40s %9.2f %9.2f ", r.what.c_str(), r.wall, r.cpu);
        if (r.recall >= 0) std::printf("%8.4f", r.recall);
        else std::printf("%8s", "-");
        if (r.peer_wall > 0) {
            std::printf(" | %-22s %9.2f ", r.peer_measured ? "measured, same run" : "issue's figure", r.peer_wall);
            if (r.peer_measured) std::printf("%9.2f ", r.peer_cpu);
            else std::printf("%9s ", "-");
            std::printf("%8.4f %8.2fx", r.peer_recall, r.peer_wall / r.wall);
            if (r.peer_measured && r.cpu > 0) std::printf(" (cpu %.2fx)", r.peer_cpu / r.cpu);
        }
        std::printf("\n");
    }
    benchmark::Shutdown();
    return 0;
}
