// Greedy k-means++ seeding (sklearn 1.2 _kmeans_plusplus). Squared distances in float (as
// sklearn computes them for float32 data), vectorised across rows;
// per-chunk potentials are added in chunk order, so the seeds do not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <string>

#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

namespace {
constexpr std::size_t kSeedChunk = 1024;

// dist[i] = min(closest[i], ‖x_i − c‖²) for rows [lo, hi) of the feature-major copy xt (d × n),
// computed across rows so it vectorises; returns Σ dist (double, in row order).
inline __attribute__((always_inline)) double candidate_body(const float* xt, std::size_t n, std::size_t d,
                                                            std::size_t lo, std::size_t hi, const float* c,
                                                            const double* closest, double* dist, float* acc) {
    const std::size_t m = hi - lo;
    for (std::size_t i = 0; i < m; ++i) acc[i] = 0.0f;
    for (std::size_t f = 0; f < d; ++f) {
        const float cf = c[f];
        const float* col = xt + f * n + lo;
        for (std::size_t i = 0; i < m; ++i) {
            const float v = col[i] - cf;
            acc[i] += v * v;
        }
    }
    double pot = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
        const double v = closest ? std::min(closest[lo + i], double(acc[i])) : double(acc[i]);
        dist[lo + i] = v;
        pot += v;
    }
    return pot;
}

double candidate_generic(const float* xt, std::size_t n, std::size_t d, std::size_t lo, std::size_t hi, const float* c,
                         const double* closest, double* dist, float* acc) {
    return candidate_body(xt, n, d, lo, hi, c, closest, dist, acc);
}

#if defined(N2D_ARCH_X86_64)
N2D_TARGET_AVX2 double candidate_avx2(const float* xt, std::size_t n, std::size_t d, std::size_t lo, std::size_t hi,
                                      const float* c, const double* closest, double* dist, float* acc) {
    return candidate_body(xt, n, d, lo, hi, c, closest, dist, acc);
}
#endif

using CandidateFn = decltype(&candidate_generic);
struct SeedKernels {
    CandidateFn candidate;
};
constexpr SeedKernels kSeedGeneric{candidate_generic};
#if defined(N2D_ARCH_X86_64)
constexpr SeedKernels kSeedAvx2{candidate_avx2};
#endif
// AVX-512 runs the AVX2 body; on aarch64 the baseline body is the NEON one.
constexpr simd_detail::KernelTables<SeedKernels> kSeedTables{&kSeedGeneric, N2D_IF_X86_64(&kSeedAvx2), N2D_IF_X86_64(&kSeedAvx2),
                                                         N2D_IF_AARCH64(&kSeedGeneric)};
}  // namespace

std::vector<std::size_t> kmeans_plusplus(ConstMatrixView x, std::size_t k, Rng& rng, ThreadPool* pool) {
    const std::size_t n = x.rows, d = x.cols;
    N2D_REQUIRE(k >= 1 && k <= n, "kmeans_plusplus: cannot choose " + std::to_string(k) + " centres from " +
                                      std::to_string(n) + " samples; use 1 <= k <= n_samples");
    ThreadPool& tp = pool_or_default(pool);
    const std::size_t trials = 2 + std::size_t(std::log(double(k)));
    const std::size_t n_chunks = (n + kSeedChunk - 1) / kSeedChunk;
    std::vector<std::size_t> chosen;
    chosen.reserve(k);
    chosen.push_back(std::size_t(rng.below(n)));

    // Feature-major copy so candidate distances vectorise across rows (float, as sklearn's
    // float32 path; the potentials are summed in double).
    std::vector<float> xt(d * n), acc(tp.num_threads() * kSeedChunk);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t f = 0; f < d; ++f) xt[f * n + i] = x(i, f);
    const CandidateFn kernel = simd_detail::pick_kernels(kSeedTables, "k-means++").candidate;
    std::vector<double> closest(n), cand_dist(trials * n), cumsum(n), chunk_pot(n_chunks * trials);
    tp.parallel_for(0, n, kSeedChunk, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        chunk_pot[lo / kSeedChunk * trials] =
            kernel(xt.data(), n, d, lo, hi, x.row(chosen[0]), nullptr, closest.data(), &acc[w * kSeedChunk]);
    });
    double current_pot = 0.0;
    for (std::size_t c = 0; c < n_chunks; ++c) current_pot += chunk_pot[c * trials];

    std::vector<std::size_t> cand(trials);
    for (std::size_t c = 1; c < k; ++c) {
        double run = 0.0;
        for (std::size_t i = 0; i < n; ++i) cumsum[i] = run += closest[i];
        for (std::size_t t = 0; t < trials; ++t) {
            const double target = rng.uniform() * current_pot;
            // Left search: first index whose cumulative sum reaches the target.
            const auto pos = std::size_t(std::lower_bound(cumsum.begin(), cumsum.end(), target) - cumsum.begin());
            cand[t] = std::min(pos, n - 1);
        }
        tp.parallel_for(0, n, kSeedChunk, [&](std::size_t lo, std::size_t hi, std::size_t w) {
            const std::size_t chunk = lo / kSeedChunk;
            for (std::size_t t = 0; t < trials; ++t)
                chunk_pot[chunk * trials + t] = kernel(xt.data(), n, d, lo, hi, x.row(cand[t]), closest.data(),
                                                       &cand_dist[t * n], &acc[w * kSeedChunk]);
        });
        std::size_t best = 0;
        double best_pot = 0.0;
        for (std::size_t t = 0; t < trials; ++t) {
            double pot = 0.0;
            for (std::size_t ch = 0; ch < n_chunks; ++ch) pot += chunk_pot[ch * trials + t];
            if (t == 0 || pot < best_pot) {
                best_pot = pot;
                best = t;
            }
        }
        current_pot = best_pot;
        std::copy(cand_dist.begin() + std::ptrdiff_t(best * n), cand_dist.begin() + std::ptrdiff_t((best + 1) * n),
                  closest.begin());
        chosen.push_back(cand[best]);
    }
    return chosen;
}

}  // namespace n2d
