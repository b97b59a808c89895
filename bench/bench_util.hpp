// Helpers shared by the benchmark programs: wall and process CPU time, running a Python peer
// and reading its JSON line, the input codes path, and the MNIST inputs (with a same-shaped
// synthetic stand-in when the dataset is absent) and their fixed random projection.
#pragma once
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "n2d/blas/gemm.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/data/dataset.hpp"

namespace n2d::inline v0::bench {

// User + system CPU seconds of the whole process (all threads), as Python's time.process_time().
inline double process_cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Wall-clock and process CPU seconds elapsed since construction.
struct Stopwatch {
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    double c0 = process_cpu_seconds();
    double wall() const { return seconds_since(t0); }
    double cpu() const { return process_cpu_seconds() - c0; }
};

// The number after "key": in a peer's one-line JSON output; 0 when the key is absent.
inline double json_number(const std::string& json, const std::string& key) {
    const auto pos = json.find("\"" + key + "\":");
    return pos == std::string::npos ? 0.0 : std::strtod(json.c_str() + pos + key.size() + 3, nullptr);
}

// The string after "key": in a peer's one-line JSON output; empty when the key is absent.
inline std::string json_string(const std::string& json, const std::string& key) {
    const auto pos = json.find("\"" + key + "\": \"");
    if (pos == std::string::npos) return "";
    const auto b = pos + key.size() + 5;
    return json.substr(b, json.find('"', b) - b);
}

// True when the command line asks Google Benchmark only to list the benchmarks: the peers are
// not run then (checked before benchmark::Initialize, which removes the flag from argv).
inline bool listing_only(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--benchmark_list_tests" || (a.rfind("--benchmark_list_tests=", 0) == 0 && a != "--benchmark_list_tests=false" &&
                                              a != "--benchmark_list_tests=0"))
            return true;
    }
    return false;
}

// True when N2D_BENCH_NO_SKLEARN is set to anything but "" or "0": skip the Python peer.
inline bool peer_disabled() {
    const char* skip = std::getenv("N2D_BENCH_NO_SKLEARN");
    return skip && *skip && std::string(skip) != "0";
}

// "python 'script'" running bench/<script> with the Python that has scikit-learn
// (/usr/bin/python3 when present). __FILE__ may be relative to the build folder (ccache's
// CCACHE_BASEDIR): the script is looked for beside this header, then relative to the
// executable (build*/bench/x), then under ./bench.
inline std::string python_peer(const std::string& script) {
    std::filesystem::path path = std::filesystem::path(__FILE__).parent_path() / script;
    std::error_code ec;
    const auto exe_dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
    for (const auto& alt : {exe_dir / ".." / ".." / "bench" / script, std::filesystem::path("bench") / script})
        if (!std::filesystem::exists(path) && std::filesystem::exists(alt)) path = alt;
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    return python + " '" + path.string() + "'";
}

// Runs the shell command `cmd`, announced on stderr as "running <what>: <cmd>", and returns
// its standard output.
inline std::string run_peer(const std::string& cmd, const std::string& what = "scikit-learn") {
    std::fprintf(stderr, "running %s: %s\n", what.c_str(), cmd.c_str());
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[4096];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        ::pclose(p);
    }
    return out;
}

// A file name private to this process: <temp folder>/<stem><pid><suffix>.
inline std::filesystem::path temp_path(const std::string& stem, const std::string& suffix = "") {
    return std::filesystem::temp_directory_path() / (stem + std::to_string(::getpid()) + suffix);
}

// The input codes .npy: $env_var, else --codes=PATH or the first argument not starting with
// "--" (removed from argv, so benchmark::Initialize never sees it), else `fallback` when that
// file exists; "" when none.
inline std::string take_codes_path(int& argc, char** argv, const char* env_var, const std::string& fallback = "") {
    std::string path;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool named = a.rfind("--codes=", 0) == 0;
        if (!named && a.rfind("--", 0) == 0) continue;
        path = named ? a.substr(8) : a;
        for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
        --argc;
        break;
    }
    if (const char* env = std::getenv(env_var); env && *env) path = env;
    if (path.empty() && !fallback.empty() && std::filesystem::exists(fallback)) path = fallback;
    return path;
}

// Runs the registered benchmarks (after benchmark::Initialize) with the SIMD target and
// `threads` in the report's context, then shuts the library down.
inline void run_benchmarks(std::size_t threads) {
    benchmark::AddCustomContext("simd", to_string(active_target()));
    benchmark::AddCustomContext("threads", std::to_string(threads));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}

// MNIST-70k, else (with a note on stderr) synthetic data of the same shape: 70000 × 784, 10
// clusters. `source` names which.
inline Dataset mnist_or_synthetic(std::string& source) {
    try {
        Dataset d = load_dataset("mnist");
        source = "MNIST";
        return d;
    } catch (const Error& e) {
        std::fprintf(stderr, "MNIST unavailable (%s); using synthetic data of the same shape\n", e.what());
        SyntheticOptions so;
        so.n_samples = 70000;
        so.n_clusters = 10;
        so.dim = 784;
        source = "synthetic";
        return make_synthetic(so);
    }
}

// `x` times a fixed random Gaussian matrix (entries N(0, 1/cols), drawn from `seed`): rows × k.
inline Matrix random_projection(const Matrix& x, std::size_t k, std::uint64_t seed) {
    const std::size_t d = x.cols();
    Matrix proj(d, k);
    Rng rng(seed);
    for (std::size_t i = 0; i < proj.size(); ++i) proj.data()[i] = static_cast<float>(rng.normal() / std::sqrt(double(d)));
    Matrix out(x.rows(), k);
    sgemm(Trans::N, Trans::N, x.rows(), k, d, 1.0f, x.data(), d, proj.data(), k, 0.0f, out.data(), k);
    return out;
}

}  // namespace n2d::bench
