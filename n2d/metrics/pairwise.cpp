#include "n2d/metrics/detail/pairwise.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "n2d/blas/simd.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define N2D_PAIRWISE_X86 1
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

#ifdef N2D_PAIRWISE_X86
__attribute__((target("avx2,fma"))) void distances_avx2(const double* xt, std::size_t n, std::size_t d, const double* p,
                                                        double* out, bool take_sqrt) {
    sq_body(xt, n, d, p, out);
    if (!take_sqrt) return;
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4) _mm256_storeu_pd(out + j, _mm256_sqrt_pd(_mm256_loadu_pd(out + j)));
    for (; j < n; ++j) out[j] = std::sqrt(out[j]);
}

__attribute__((target("avx2,fma"))) std::size_t count_avx2(const double* v, std::size_t n, std::uint64_t bound) {
    return count_body(v, n, bound);
}

__attribute__((target("avx2,fma"))) double sum_avx2(const double* v, std::size_t n) { return sum_body(v, n); }

bool use_avx2() {
    const SimdTarget t = active_target();
    return t == SimdTarget::avx2 || t == SimdTarget::avx512;
}
#endif

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
#ifdef N2D_PAIRWISE_X86
    if (use_avx2()) return distances_avx2(xt, n, d, p, out, take_sqrt);
#endif
    distances_generic(xt, n, d, p, out, take_sqrt);
}

double range_sum(const double* v, std::size_t n) {
#ifdef N2D_PAIRWISE_X86
    if (use_avx2()) return sum_avx2(v, n);
#endif
    return sum_generic(v, n);
}

std::size_t count_below(const double* v, std::size_t n, double bound) {
    std::uint64_t b;
    std::memcpy(&b, &bound, 8);
#ifdef N2D_PAIRWISE_X86
    if (use_avx2()) return count_avx2(v, n, b);
#endif
    return count_generic(v, n, b);
}

}  // namespace n2d::detail
