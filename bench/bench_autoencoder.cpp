// Autoencoder training speed: seconds per epoch and samples/s of N2D's autoencoder
// [D, 500, 500, 2000, 10] (ReLU, linear code and output, MSE, Adam, batch 256) on the MNIST
// shape (70000 × 784) and the pendigits shape (10992 × 16), on 2 threads by default.
//
// Peer: PyTorch 1.13 (Debian python3-torch, 2 threads, best of its settings) measured on this
// machine: 6.4 s/epoch on MNIST-70k and 0.88 s/epoch on pendigits. Those numbers are printed
// beside ours with the ratio (ours / PyTorch samples/s); bench/pytorch_ae.py measures the peer
// in the same setting when torch is installed.
//
// Each benchmark iteration trains one more epoch of the same model, so the loss counters trace
// the loss curve (PyTorch reference on MNIST: epoch 1 ≈ 0.035, epoch 50 ≈ 0.0096).
// Environment: N2D_BENCH_THREADS (default 2), N2D_BENCH_AE_EPOCHS (iterations, default 3 for
// MNIST and 5 for pendigits), N2D_BENCH_RANDOM=1 (random data of the shape instead of the
// dataset; also used when the dataset is absent).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "n2d/n2d.hpp"
#include "n2d/nn/autoencoder.hpp"

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
    for (auto _ : state) ae.fit(x);

    const double rows = static_cast<double>(shape.rows);
    const double torch_rate = rows / shape.torch_seconds_per_epoch;
    state.counters["samples/s"] = benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["torch_samples/s"] = torch_rate;
    state.counters["loss_first"] = ae.loss_history().front();
    state.counters["loss_last"] = ae.loss_history().back();
    state.counters["peak_MiB"] = peak_rss_mib();
    state.SetLabel(source + ", " + std::to_string(threads) + " threads, " + n2d::to_string(n2d::active_target()));
    // The ratio needs the measured time, which the counters above do not expose: print it here.
    const auto& h = ae.loss_history();
    std::fprintf(stderr, "[%s] epochs %zu, loss by epoch:", shape.dataset, h.size());
    for (double l : h) std::fprintf(stderr, " %.5f", l);
    std::fprintf(stderr, "\n");
}

// Prints ours beside PyTorch's quoted numbers, with the ratio, after the run.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& r : runs) {
            const auto rate = r.counters.find("samples/s"), torch = r.counters.find("torch_samples/s");
            if (rate == r.counters.end() || torch == r.counters.end() || r.iterations == 0) continue;
            const double seconds = r.real_accumulated_time / static_cast<double>(r.iterations);
            std::printf("%-40s ours %.2f s/epoch (%.0f samples/s) vs PyTorch 1.13 %.0f samples/s: ratio %.2fx\n",
                        r.benchmark_name().c_str(), seconds, double(rate->second), double(torch->second),
                        double(rate->second) / double(torch->second));
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
