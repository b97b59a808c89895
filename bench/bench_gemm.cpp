// sgemm GFLOP/s on the autoencoder's shapes (batch 256, layers 784-500-500-2000-10): the forward
// product X·W, the backward products dX = dY·Wᵀ (NT) and dW = Xᵀ·dY (TN), and 2048³, on 1 and 2
// threads. Where OpenBLAS was found at configure time (N2D_HAVE_OPENBLAS) every case also runs
// cblas_sgemm right after ours, and a table of our GFLOP/s over OpenBLAS's from this same run is
// printed at the end (the machine may be shared: compare the ratios, not absolute numbers). It
// gives two measures: the rate over all iterations (per CPU second of the timing thread for one
// thread, which other processes barely disturb; per wall second for two) and the fastest single
// call, the one two threads reach when other processes leave both cores free. With
// --benchmark_repetitions=N --benchmark_enable_random_interleaving=true it takes the best of
// the repetitions.
//
//   build/bench/bench_gemm                                   # active SIMD target (N2D_SIMD to force)
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/bench/bench_gemm   # lets OpenBLAS pick its
//                                                            # Cooperlake kernel on AVX-512 CPUs
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "n2d/n2d.hpp"

#if defined(N2D_HAVE_OPENBLAS)
// Declared here rather than through <cblas.h>, whose installed copy may belong to another BLAS.
extern "C" {
void cblas_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc);
void openblas_set_num_threads(int threads);
char* openblas_get_corename(void);
}
#endif

namespace {

struct Shape {
    std::string name;
    n2d::Trans ta, tb;
    std::size_t m, n, k;
};

std::vector<Shape> shapes() {
    using n2d::Trans;
    const std::size_t batch = 256;
    const std::size_t layers[][2] = {{784, 500}, {500, 500}, {500, 2000}, {2000, 10}};
    std::vector<Shape> out;
    for (const auto& l : layers) {
        const std::size_t in = l[0], out_dim = l[1];
        const std::string dims = std::to_string(in) + "x" + std::to_string(out_dim);
        out.push_back({"fwd_NN_" + dims, Trans::N, Trans::N, batch, out_dim, in});
        out.push_back({"dX_NT_" + dims, Trans::N, Trans::T, batch, in, out_dim});
        out.push_back({"dW_TN_" + dims, Trans::T, Trans::N, in, out_dim, batch});
    }
    out.push_back({"square_NN_2048", Trans::N, Trans::N, 2048, 2048, 2048});
    return out;
}

// Operands for one shape, filled with small deterministic values.
struct Operands {
    std::vector<float> a, b, c;
    std::size_t lda, ldb;
    explicit Operands(const Shape& s) {
        const std::size_t a_rows = s.ta == n2d::Trans::N ? s.m : s.k, b_rows = s.tb == n2d::Trans::N ? s.k : s.n;
        lda = s.ta == n2d::Trans::N ? s.k : s.m;
        ldb = s.tb == n2d::Trans::N ? s.n : s.k;
        a.resize(a_rows * lda);
        b.resize(b_rows * ldb);
        c.assign(s.m * s.n, 0.0f);
        n2d::Rng rng(1);
        for (float& x : a) x = static_cast<float>(rng.uniform(-1.0, 1.0));
        for (float& x : b) x = static_cast<float>(rng.uniform(-1.0, 1.0));
    }
};

n2d::ThreadPool& pool(std::size_t threads) {
    static std::map<std::size_t, std::unique_ptr<n2d::ThreadPool>> pools;
    auto& p = pools[threads];
    if (!p) p = std::make_unique<n2d::ThreadPool>(threads);
    return *p;
}

double gflop(const Shape& s) { return 2.0 * double(s.m) * double(s.n) * double(s.k) * 1e-9; }

// Runs `call` for every benchmark iteration and also times each call on the wall clock: the
// fastest call ("best GFLOP/s") is what a multi-threaded run reaches in the moments when other
// processes on a shared machine leave both cores free.
template <class Call>
void measure(benchmark::State& state, const Shape& s, Call&& call) {
    double fastest = 1e30;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        call();
        benchmark::ClobberMemory();
        fastest = std::min(fastest, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    state.counters["GFLOP/s"] = benchmark::Counter(gflop(s), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["best GFLOP/s"] = benchmark::Counter(gflop(s) / fastest);
}

void run_n2d(benchmark::State& state, const Shape& s, std::size_t threads) {
    Operands op(s);
    n2d::ThreadPool& p = pool(threads);
    const n2d::SimdTarget target = n2d::active_target();
    measure(state, s, [&] {
        n2d::sgemm(target, p, s.ta, s.tb, s.m, s.n, s.k, 1.0f, op.a.data(), op.lda, op.b.data(), op.ldb, 0.0f,
                   op.c.data(), s.n);
    });
    state.SetLabel(std::string(n2d::to_string(target)) + ", " + std::to_string(threads) + " thread(s)");
}

#if defined(N2D_HAVE_OPENBLAS)
void run_openblas(benchmark::State& state, const Shape& s, std::size_t threads) {
    Operands op(s);
    openblas_set_num_threads(static_cast<int>(threads));
    const int row_major = 101, no_trans = 111, trans = 112;
    measure(state, s, [&] {
        cblas_sgemm(row_major, s.ta == n2d::Trans::N ? no_trans : trans, s.tb == n2d::Trans::N ? no_trans : trans,
                    int(s.m), int(s.n), int(s.k), 1.0f, op.a.data(), int(op.lda), op.b.data(), int(op.ldb), 0.0f,
                    op.c.data(), int(s.n));
    });
    state.SetLabel(std::string("OpenBLAS ") + openblas_get_corename() + ", " + std::to_string(threads) + " thread(s)");
}
#endif

// Console output as usual, plus each case's best rate and fastest call over its repetitions for
// the ratio table (the best run is the one least disturbed by other processes).
class RecordingReporter : public benchmark::ConsoleReporter {
public:
    RecordingReporter() : ConsoleReporter(isatty(1) ? OO_ColorTabular : OO_Tabular) {}
    std::map<std::string, double> gflops, best_call;
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            if (r.run_type != Run::RT_Iteration) continue;
            keep_max(r, "GFLOP/s", gflops);
            keep_max(r, "best GFLOP/s", best_call);
        }
        ConsoleReporter::ReportRuns(runs);
    }

private:
    static void keep_max(const Run& r, const char* counter, std::map<std::string, double>& into) {
        auto it = r.counters.find(counter);
        if (it == r.counters.end()) return;
        double& best = into[r.run_name.function_name];
        best = std::max(best, double(it->second.value));
    }
};

std::string bench_name(const char* lib, const Shape& s, std::size_t threads) {
    return std::string(lib) + "/" + s.name + "/threads:" + std::to_string(threads);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t thread_counts[] = {1, 2};
    for (const Shape& s : shapes())
        for (std::size_t t : thread_counts) {
            std::vector<benchmark::internal::Benchmark*> cases;
            cases.push_back(benchmark::RegisterBenchmark(bench_name("n2d", s, t).c_str(),
                                                         [s, t](benchmark::State& st) { run_n2d(st, s, t); }));
#if defined(N2D_HAVE_OPENBLAS)
            cases.push_back(benchmark::RegisterBenchmark(bench_name("openblas", s, t).c_str(),
                                                         [s, t](benchmark::State& st) { run_openblas(st, s, t); }));
#endif
            // One thread: rates from the thread's CPU time, which other processes on a shared
            // machine barely disturb. Several threads: wall time (CPU time would miss the workers).
            for (auto* c : cases) {
                c->Unit(benchmark::kMicrosecond);
                if (t > 1) c->UseRealTime();
            }
        }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    RecordingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

#if defined(N2D_HAVE_OPENBLAS)
    std::printf("\nn2d sgemm (%s) vs OpenBLAS cblas_sgemm (core %s), GFLOP/s, best of this run's repetitions:\n"
                "  rate  = iterations per CPU second of the timing thread (1 thread) or per wall second (2)\n"
                "  best  = the fastest single call on the wall clock\n",
                n2d::to_string(n2d::active_target()), openblas_get_corename());
    std::printf("%-22s %7s %9s %9s %6s %9s %9s %6s\n", "shape", "threads", "n2d rate", "OB rate", "ratio", "n2d best",
                "OB best", "ratio");
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    for (const Shape& s : shapes())
        for (std::size_t t : thread_counts) {
            const std::string ours = bench_name("n2d", s, t), peer = bench_name("openblas", s, t);
            if (!reporter.gflops.count(ours) || !reporter.gflops.count(peer)) continue;
            const double r1 = reporter.gflops[ours], r2 = reporter.gflops[peer];
            const double b1 = reporter.best_call[ours], b2 = reporter.best_call[peer];
            std::printf("%-22s %7zu %9.1f %9.1f %6.2f %9.1f %9.1f %6.2f\n", s.name.c_str(), t, r1, r2, ratio(r1, r2), b1,
                        b2, ratio(b1, b2));
        }
#else
    std::printf("\nOpenBLAS was not found at configure time: no ratio table (install libopenblas-dev and reconfigure)\n");
#endif
    return 0;
}
