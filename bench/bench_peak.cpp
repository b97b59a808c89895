// The machine's physical limits, the yardstick bench/README.md states every stage against:
//  * FMA peak per SIMD target (scalar — baseline code the compiler may vectorise to SSE2 —,
//    AVX2, AVX-512, NEON: those this CPU runs), on 1 thread
//    and on every thread of the pool: independent FMA chains, enough of them to cover the FMA
//    latency on two pipes, so the loop is bound by FMA throughput alone.
//  * Memory bandwidth: a STREAM-style triad a = b + s·c over arrays far larger than the caches,
//    on 1 thread and on every thread (bytes counted: two reads and one write per element).
// Counters: GFLOP/s (an FMA is 2 flops) and GB/s, per wall second.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/core/aligned.hpp"
#include "n2d/core/thread_pool.hpp"

#if defined(N2D_ARCH_X86_64)
#include <immintrin.h>
#elif defined(N2D_ARCH_AARCH64)
#include <arm_neon.h>
#endif

namespace {

using namespace n2d;
namespace sd = n2d::simd_detail;

constexpr std::size_t kChains = 12;          // independent accumulators: > latency × pipes
constexpr std::size_t kIterations = 1 << 22;  // per call: long enough to hide the call

// Each kernel runs kIterations × kChains vector FMAs and returns a value that depends on all
// of them (so nothing is optimised away); `lanes` floats per vector.
using FmaKernel = float (*)(float);

float fma_scalar(float seed) {
    float acc[kChains];
    for (std::size_t c = 0; c < kChains; ++c) acc[c] = seed + float(c);
    const float a = 0.999999f, b = 1e-7f;
    for (std::size_t i = 0; i < kIterations; ++i)
        for (std::size_t c = 0; c < kChains; ++c) acc[c] = acc[c] * a + b;
    float s = 0;
    for (float v : acc) s += v;
    return s;
}

#if defined(N2D_ARCH_X86_64)
N2D_TARGET_AVX2 float fma_avx2(float seed) {
    __m256 acc[kChains];
    for (std::size_t c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(seed + float(c));
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (std::size_t i = 0; i < kIterations; ++i)
        for (std::size_t c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    __m256 s = acc[0];
    for (std::size_t c = 1; c < kChains; ++c) s = _mm256_add_ps(s, acc[c]);
    alignas(32) float out[8];
    _mm256_store_ps(out, s);
    return out[0] + out[7];
}

N2D_TARGET_AVX512 float fma_avx512(float seed) {
    __m512 acc[kChains];
    for (std::size_t c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(seed + float(c));
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (std::size_t i = 0; i < kIterations; ++i)
        for (std::size_t c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    __m512 s = acc[0];
    for (std::size_t c = 1; c < kChains; ++c) s = _mm512_add_ps(s, acc[c]);
    alignas(64) float out[16];  // not _mm512_reduce_add_ps: GCC 12 warns inside it
    _mm512_store_ps(out, s);
    return out[0] + out[15];
}
#endif

#if defined(N2D_ARCH_AARCH64)
float fma_neon(float seed) {
    float32x4_t acc[kChains];
    for (std::size_t c = 0; c < kChains; ++c) acc[c] = vdupq_n_f32(seed + float(c));
    const float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-7f);
    for (std::size_t i = 0; i < kIterations; ++i)
        for (std::size_t c = 0; c < kChains; ++c) acc[c] = vfmaq_f32(b, acc[c], a);
    float32x4_t s = acc[0];
    for (std::size_t c = 1; c < kChains; ++c) s = vaddq_f32(s, acc[c]);
    return vaddvq_f32(s);
}
#endif

struct FmaTarget {
    SimdTarget target;
    FmaKernel kernel;
    std::size_t lanes;
};

std::vector<FmaTarget> fma_targets() {
    std::vector<FmaTarget> out{{SimdTarget::scalar, fma_scalar, 1}};
#if defined(N2D_ARCH_X86_64)
    out.push_back({SimdTarget::avx2, fma_avx2, 8});
    out.push_back({SimdTarget::avx512, fma_avx512, 16});
#elif defined(N2D_ARCH_AARCH64)
    out.push_back({SimdTarget::neon, fma_neon, 4});
#endif
    return out;
}

ThreadPool& pool() {
    static ThreadPool p;
    return p;
}

// Runs `work(worker)` once on each of `threads` workers of the pool, all at once.
template <class Work>
void on_threads(std::size_t threads, Work&& work) {
    if (threads == 1) {
        work(0);
        return;
    }
    pool().parallel_for(0, threads, 1, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t t = lo; t < hi; ++t) work(t);
    });
}

void BM_FmaPeak(benchmark::State& state, FmaTarget t, std::size_t threads) {
    if (!sd::usable(t.target)) {
        state.SkipWithError("this CPU cannot run this SIMD target");
        return;
    }
    std::vector<float> sink(threads);
    for (auto _ : state) {
        on_threads(threads, [&](std::size_t w) { sink[w] = t.kernel(float(w)); });
        benchmark::DoNotOptimize(sink.data());
    }
    const double flops = 2.0 * double(kIterations) * double(kChains) * double(t.lanes) * double(threads);
    state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// Triad over 3 × 64 Mi floats (768 MiB): far beyond any cache. Each worker owns a fixed slice.
constexpr std::size_t kStreamFloats = std::size_t(64) << 20;

void BM_Triad(benchmark::State& state, std::size_t threads) {
    static AlignedArray<float> a(kStreamFloats), b(kStreamFloats), c(kStreamFloats);
    const std::size_t slice = (kStreamFloats + threads - 1) / threads;
    // Each worker initialises its own slice, as it will stream it.
    on_threads(threads, [&](std::size_t w) {
        const std::size_t lo = w * slice, hi = std::min(kStreamFloats, lo + slice);
        for (std::size_t i = lo; i < hi; ++i) a[i] = 0.0f, b[i] = 1.0f, c[i] = 2.0f;
    });
    const float s = 0.5f;
    for (auto _ : state) {
        on_threads(threads, [&](std::size_t w) {
            const std::size_t lo = w * slice, hi = std::min(kStreamFloats, lo + slice);
            float* __restrict pa = a.data();
            const float* __restrict pb = b.data();
            const float* __restrict pc = c.data();
            for (std::size_t i = lo; i < hi; ++i) pa[i] = pb[i] + s * pc[i];
        });
        benchmark::ClobberMemory();
    }
    const double bytes = 3.0 * sizeof(float) * double(kStreamFloats);
    state.counters["GB/s"] = benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
    const std::size_t all = pool().num_threads();
    std::vector<std::size_t> counts{1};
    if (all > 1) counts.push_back(all);
    for (const auto& t : fma_targets())
        for (std::size_t n : counts)
            benchmark::RegisterBenchmark(("fma_peak/" + std::string(to_string(t.target)) + "/threads:" +
                                          std::to_string(n)).c_str(),
                                         BM_FmaPeak, t, n)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
    for (std::size_t n : counts)
        benchmark::RegisterBenchmark(("triad/threads:" + std::to_string(n)).c_str(), BM_Triad, n)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    return true;
}();

}  // namespace

BENCHMARK_MAIN();
