// Autoencoder training speed: seconds per epoch and samples/s of N2D's autoencoder
// [D, 500, 500, 2000, 10] (ReLU, linear code and output, MSE, Adam, batch 256) on the MNIST
// shape (70000 × 784) and the pendigits shape (10992 × 16), on 2 threads by default.
//
// Peer: PyTorch 1.13 (Debian python3-torch, 2 threads, best of its settings) measured on this
// machine: 6.4 s/epoch on MNIST-70k and 0.88 s/epoch on pendigits. Those numbers are printed
// beside ours with the ratio (ours / PyTorch samples/s, best epoch against best epoch). With
// N2D_BENCH_TORCH=path/to/bench/pytorch_ae.py the peer is measured in the same run instead
// (same data, shape, threads and number of epochs; N2D_BENCH_PYTHON picks the interpreter,
// default /usr/bin/python3).
//
// Each benchmark iteration trains one more epoch of the same model, so the loss counters trace
// the loss curve (PyTorch reference on MNIST: epoch 1 ≈ 0.035, epoch 50 ≈ 0.0096).
// Environment: N2D_BENCH_THREADS (default 2), N2D_BENCH_AE_EPOCHS (iterations, default 3 for
// MNIST and 5 for pendigits), N2D_BENCH_RANDOM=1 (random data of the shape instead of the
// dataset; also used when the dataset is absent).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "n2d/n2d.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "bench_util.hpp"

namespace {

struct Shape {
    const char* dataset;
    std::size_t rows, dim;
    double torch_seconds_per_epoch;  // PyTorch 1.13, 2 threads, this machine (issue 4)
    std::size_t default_epochs;
};

std::size_t env_size(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

n2d::Matrix bench_data(const Shape& s, std::string& source) {
    if (!std::getenv("N2D_BENCH_RANDOM")) {
        try {
            n2d::Dataset d = n2d::load_dataset(s.dataset);
            if (d.x.rows() == s.rows && d.x.cols() == s.dim) {
                source = s.dataset;
                return std::move(d.x);
            }
        } catch (const n2d::Error& e) {
            std::fprintf(stderr, "bench_autoencoder: %s; using random data of the same shape\n", e.what());
        }
    }
    source = "random";
    n2d::Matrix x(s.rows, s.dim);
    n2d::Rng rng(1);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform_float();
    return x;
}

double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Runs bench/pytorch_ae.py and returns its best epoch, when N2D_BENCH_TORCH names it.
struct TorchResult {
    double seconds = 0, cpu_seconds = 0;  // best epoch: wall time and process CPU time
};

std::optional<TorchResult> measure_torch(const Shape& s, std::size_t epochs, std::size_t threads, bool random) {
    const char* script = std::getenv("N2D_BENCH_TORCH");
    if (!script || !*script) return std::nullopt;
    const char* python = std::getenv("N2D_BENCH_PYTHON");  // Debian's torch lives in /usr/bin/python3
    const std::string cmd = std::string(python && *python ? python : "/usr/bin/python3") + " '" + script + "' --dataset " + s.dataset + " --epochs " +
                            std::to_string(epochs) + " --threads " + std::to_string(threads) +
                            (random ? " --random" : "") + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return std::nullopt;
    std::optional<TorchResult> result;
    char line[512];
    while (std::fgets(line, sizeof line, pipe)) {
        std::fprintf(stderr, "[pytorch %s] %s", s.dataset, line);
        if (std::strncmp(line, "seconds_per_epoch=", 18) == 0) {
            result = TorchResult{std::strtod(line + 18, nullptr), 0.0};
            if (const char* c = std::strstr(line, "cpu_seconds_per_epoch=")) result->cpu_seconds = std::strtod(c + 22, nullptr);
        }
    }
    pclose(pipe);
    return result;
}

void BM_AutoencoderEpoch(benchmark::State& state, Shape shape) {
    std::string source;
    const n2d::Matrix x = bench_data(shape, source);
    const std::size_t threads = env_size("N2D_BENCH_THREADS", 2);
    n2d::ThreadPool pool(threads);
    n2d::AutoencoderOptions o;  // the paper's network and Keras' training defaults
    o.architecture = {500, 500, 2000};
    o.latent_dim = 10;
    o.batch_size = 256;
    o.epochs = 1;
    o.pool = &pool;
    n2d::Autoencoder ae(shape.dim, o);
    double best = 1e300, best_cpu = 1e300;
    for (auto _ : state) {
        const n2d::bench::Stopwatch sw;
        ae.fit(x);
        best = std::min(best, sw.wall());
        best_cpu = std::min(best_cpu, sw.cpu());
    }

    // Ours first (the peer may take long on a busy machine).
    const auto& h = ae.loss_history();
    std::fprintf(stderr, "[%s] ours: best %.3f s/epoch, %.3f CPU s/epoch; loss by epoch:", shape.dataset, best,
                 best_cpu);
    for (double l : h) std::fprintf(stderr, " %.5f", l);
    std::fprintf(stderr, "\n");

    const double rows = static_cast<double>(shape.rows);
    state.counters["samples/s"] = benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["best_s/epoch"] = best;
    // CPU seconds of all threads: a load-robust view of the work (wall ≈ cpu/threads when idle).
    state.counters["cpu_s/epoch"] = best_cpu;
    state.counters["loss_first"] = h.front();
    state.counters["loss_last"] = h.back();
    state.counters["peak_MiB"] = peak_rss_mib();
    const auto torch = measure_torch(shape, static_cast<std::size_t>(state.iterations()), threads, source == "random");
    const double torch_seconds = torch ? torch->seconds : shape.torch_seconds_per_epoch;
    state.counters["torch_s/epoch"] = torch_seconds;
    if (torch) {
        state.counters["torch_cpu_s/epoch"] = torch->cpu_seconds;
        state.counters["cpu_ratio"] = torch->cpu_seconds / best_cpu;
    }
    state.counters["ratio"] = torch_seconds / best;
    state.SetLabel(source + ", " + std::to_string(threads) + " threads, " + n2d::to_string(n2d::active_target()) +
                   (torch ? ", PyTorch measured in this run" : ", PyTorch quoted from issue 4"));
}

// Prints ours beside PyTorch's numbers, with the ratio, after the run.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& r : runs) {
            const auto best = r.counters.find("best_s/epoch"), torch = r.counters.find("torch_s/epoch");
            if (best == r.counters.end() || torch == r.counters.end()) continue;
            const double rows = r.run_name.function_name.find("mnist") != std::string::npos ? 70000.0 : 10992.0;
            std::printf("%s: ours %.3f s/epoch (%.0f samples/s), PyTorch %.3f s/epoch (%.0f samples/s) [%s]: "
                        "ratio %.2fx\n",
                        r.benchmark_name().c_str(), double(best->second), rows / double(best->second),
                        double(torch->second), rows / double(torch->second), r.report_label.c_str(),
                        double(torch->second) / double(best->second));
            const auto cpu = r.counters.find("cpu_s/epoch"), torch_cpu = r.counters.find("torch_cpu_s/epoch");
            if (cpu != r.counters.end() && torch_cpu != r.counters.end())
                std::printf("%s: CPU seconds per epoch (all threads): ours %.3f, PyTorch %.3f: ratio %.2fx\n",
                            r.benchmark_name().c_str(), double(cpu->second), double(torch_cpu->second),
                            double(torch_cpu->second) / double(cpu->second));
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    const Shape mnist{"mnist", 70000, 784, 6.4, 3};
    const Shape pendigits{"pendigits", 10992, 16, 0.88, 5};
    for (const Shape& s : {mnist, pendigits}) {
        benchmark::RegisterBenchmark((std::string("BM_AutoencoderEpoch/") + s.dataset).c_str(), BM_AutoencoderEpoch, s)
            ->Unit(benchmark::kSecond)
            ->UseRealTime()
            ->Iterations(static_cast<benchmark::IterationCount>(env_size("N2D_BENCH_AE_EPOCHS", s.default_epochs)));
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
