#include "n2d/metrics/detail/pairwise.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "n2d/blas/detail/dispatch.hpp"

#if defined(N2D_ARCH_X86_64)
#include <immintrin.h>
#endif

namespace n2d::inline v0::detail {

namespace {

inline __attribute__((always_inline)) void sq_body(const double* xt, std::size_t n, std::size_t d, const double* p,
                                                   double* out) {
    for (std::size_t j = 0; j < n; ++j) out[j] = 0.0;
    for (std::size_t f = 0; f < d; ++f) {
        const double pf = p[f];
        const double* col = xt + f * n;
        for (std::size_t j = 0; j < n; ++j) {
            const double v = col[j] - pf;
            out[j] += v * v;
        }
    }
}

inline __attribute__((always_inline)) std::size_t count_body(const double* v, std::size_t n, std::uint64_t bound) {
    std::uint64_t count = 0;
    for (std::size_t j = 0; j < n; ++j) {
        std::uint64_t b;
        std::memcpy(&b, v + j, 8);
        count += b < bound ? 1 : 0;
    }
    return std::size_t(count);
}

inline __attribute__((always_inline)) double sum_body(const double* v, std::size_t n) {
    double acc[8] = {};
    std::size_t j = 0;
    for (; j + 8 <= n; j += 8)
        for (std::size_t l = 0; l < 8; ++l) acc[l] += v[j + l];
    double s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; j < n; ++j) s += v[j];
    return s;
}

double sum_generic(const double* v, std::size_t n) { return sum_body(v, n); }

void distances_generic(const double* xt, std::size_t n, std::size_t d, const double* p, double* out, bool take_sqrt) {
    sq_body(xt, n, d, p, out);
    if (take_sqrt)
        for (std::size_t j = 0; j < n; ++j) out[j] = std::sqrt(out[j]);
}

std::size_t count_generic(const double* v, std::size_t n, std::uint64_t bound) { return count_body(v, n, bound); }

#if defined(N2D_ARCH_X86_64)
N2D_TARGET_AVX2 void distances_avx2(const double* xt, std::size_t n, std::size_t d, const double* p, double* out,
                                    bool take_sqrt) {
    sq_body(xt, n, d, p, out);
    if (!take_sqrt) return;
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4) _mm256_storeu_pd(out + j, _mm256_sqrt_pd(_mm256_loadu_pd(out + j)));
    for (; j < n; ++j) out[j] = std::sqrt(out[j]);
}

N2D_TARGET_AVX2 std::size_t count_avx2(const double* v, std::size_t n, std::uint64_t bound) {
    return count_body(v, n, bound);
}

N2D_TARGET_AVX2 double sum_avx2(const double* v, std::size_t n) { return sum_body(v, n); }
#endif

struct PairwiseKernels {
    decltype(&distances_generic) distances;
    decltype(&sum_generic) sum;
    decltype(&count_generic) count;
};
constexpr PairwiseKernels kPairwiseGeneric{distances_generic, sum_generic, count_generic};
#if defined(N2D_ARCH_X86_64)
constexpr PairwiseKernels kPairwiseAvx2{distances_avx2, sum_avx2, count_avx2};
#endif
// AVX-512 runs the AVX2 bodies; on aarch64 the baseline bodies are the NEON ones.
constexpr simd_detail::KernelTables<PairwiseKernels> kPairwiseTables{&kPairwiseGeneric, N2D_IF_X86_64(&kPairwiseAvx2),
                                                             N2D_IF_X86_64(&kPairwiseAvx2), N2D_IF_AARCH64(&kPairwiseGeneric)};
const PairwiseKernels& pairwise_kernels() { return simd_detail::pick_kernels(kPairwiseTables, "pairwise distances"); }

}  // namespace

std::vector<double> feature_major(ConstMatrixView x, const std::vector<std::size_t>& order) {
    const std::size_t n = order.empty() ? x.rows : order.size(), d = x.cols;
    std::vector<double> xt(d * n);
    for (std::size_t j = 0; j < n; ++j) {
        const float* row = x.row(order.empty() ? j : order[j]);
        for (std::size_t f = 0; f < d; ++f) xt[f * n + j] = double(row[f]);
    }
    return xt;
}

void distances_to_point(const double* xt, std::size_t n, std::size_t d, const double* p, double* out, bool take_sqrt) {
    pairwise_kernels().distances(xt, n, d, p, out, take_sqrt);
}

double range_sum(const double* v, std::size_t n) {
    return pairwise_kernels().sum(v, n);
}

std::size_t count_below(const double* v, std::size_t n, double bound) {
    std::uint64_t b;
    std::memcpy(&b, &bound, 8);
    return pairwise_kernels().count(v, n, b);
}

}  // namespace n2d::detail
