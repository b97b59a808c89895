// The GMM's hot loop: for a block of rows, the weighted log densities of every component,
// log-sum-exp responsibilities and the M-step statistics, in one pass over the data.
//
// Rows are processed 64 at a time transposed into lanes (feature-major), so every inner loop
// runs across rows: the quadratic forms ‖(x − μ) U‖² and the weighted second moments
// vectorise without reassociating any sum (horizontal sums use 8 fixed partial sums). The
// same body is compiled for the baseline target (SSE2 on x86-64, NEON on aarch64, where the
// compiler vectorises it) and for AVX2+FMA, and chosen at run time through one kernel table.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/cluster/detail/gmm_internal.hpp"

namespace n2d::inline v0::detail {

namespace {

constexpr std::size_t L = kGmmLanes;
constexpr double kLog2Pi = 1.8378770664093454835606594728112;

#define N2D_GMM_INLINE inline __attribute__((always_inline))

// Σ_b a[b]·c[b] over the L lanes with 8 independent partial sums (a fixed order).
N2D_GMM_INLINE double lane_dot(const double* a, const double* c) {
    double acc[8] = {};
    for (std::size_t b = 0; b < L; b += 8)
        for (std::size_t l = 0; l < 8; ++l) acc[l] += a[b + l] * c[b + l];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

N2D_GMM_INLINE double lane_sum(const double* a) {
    double acc[8] = {};
    for (std::size_t b = 0; b < L; b += 8)
        for (std::size_t l = 0; l < 8; ++l) acc[l] += a[b + l];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

// v[b] = exp(v[b]) for v[b] <= 0 across the L lanes, vectorisable (glibc's exp is a scalar call
// and was a fifth of an EM iteration). 2^n · P(r) with n = round(x / ln 2), r = x − n ln 2 by
// Cody–Waite (fdlibm's split of ln 2), P the degree-13 Taylor polynomial (|r| <= 0.347, error
// < 1e-17), 2^n applied to the exponent bits. Below −708 (exp < 1e-307) the result is 0.
N2D_GMM_INLINE void exp_nonpositive(double* v) {
    constexpr double kLog2e = 1.4426950408889634074, kLn2Hi = 6.93147180369123816490e-01,
                     kLn2Lo = 1.90821492927058770002e-10, kShift = 0x1.8p52;
    constexpr std::uint64_t kCutBits = 0xC086200000000000ull;  // −708.0: for x <= 0, x >= −708 ⇔ bits <= kCutBits
    constexpr double c[14] = {1.0,           1.0,            1.0 / 2,        1.0 / 6,         1.0 / 24,
                              1.0 / 120,     1.0 / 720,      1.0 / 5040,     1.0 / 40320,     1.0 / 362880,
                              1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
    // Selections are done on the bit patterns: integer compares vectorise, floating ones do not
    // under the default -ftrapping-math.
    for (std::size_t b = 0; b < L; ++b) {
        std::uint64_t xb;
        std::memcpy(&xb, &v[b], 8);
        const std::uint64_t keep = std::uint64_t(0) - std::uint64_t(xb <= kCutBits);
        xb = (xb & keep) | (kCutBits & ~keep);
        double x;
        std::memcpy(&x, &xb, 8);
        const double shifted = x * kLog2e + kShift;
        const double n = shifted - kShift;
        const double r = (x - n * kLn2Hi) - n * kLn2Lo;
        double p = c[13] * r + c[12];
        p = p * r + c[11];
        p = p * r + c[10];
        p = p * r + c[9];
        p = p * r + c[8];
        p = p * r + c[7];
        p = p * r + c[6];
        p = p * r + c[5];
        p = p * r + c[4];
        p = p * r + c[3];
        p = p * r + c[2];
        p = p * r + c[1];
        p = p * r + c[0];
        std::uint64_t pb, sb;
        std::memcpy(&pb, &p, 8);
        std::memcpy(&sb, &shifted, 8);
        pb = (pb + (sb << 52)) & keep;
        std::memcpy(&v[b], &pb, 8);
    }
}

// q[b] = squared Mahalanobis distance of lane b to component c (diff = x − μ_c, feature-major).
N2D_GMM_INLINE void quadratic(const GmmParams& p, std::size_t c, const double* diff, double* y, double* q) {
    const std::size_t d = p.d;
    for (std::size_t b = 0; b < L; ++b) q[b] = 0.0;
    switch (p.type) {
        case CovarianceType::full:
        case CovarianceType::tied: {
            const double* u = p.prec_chol.data() + (p.type == CovarianceType::full ? c * d * d : 0);
            // y_j = Σ_{i<=j} diff_i U_ij (U upper triangular), q = Σ_j y_j²; 8 lanes at a time so
            // the partial sums stay in registers.
            (void)y;
            for (std::size_t b0 = 0; b0 < L; b0 += 8) {
                double qa[8] = {};
                for (std::size_t j = 0; j < d; ++j) {
                    double ya[8] = {};
                    for (std::size_t i = 0; i <= j; ++i) {
                        const double uij = u[i * d + j];
                        const double* di = diff + i * L + b0;
                        for (std::size_t l = 0; l < 8; ++l) ya[l] += di[l] * uij;
                    }
                    for (std::size_t l = 0; l < 8; ++l) qa[l] += ya[l] * ya[l];
                }
                for (std::size_t l = 0; l < 8; ++l) q[b0 + l] = qa[l];
            }
            break;
        }
        case CovarianceType::diag: {
            const double* f = p.prec_chol.data() + c * d;
            for (std::size_t t = 0; t < d; ++t) {
                const double ft = f[t];
                const double* dt = diff + t * L;
                for (std::size_t b = 0; b < L; ++b) {
                    const double v = dt[b] * ft;
                    q[b] += v * v;
                }
            }
            break;
        }
        case CovarianceType::spherical: {
            const double f2 = p.prec_chol[c] * p.prec_chol[c];
            for (std::size_t t = 0; t < d; ++t) {
                const double* dt = diff + t * L;
                for (std::size_t b = 0; b < L; ++b) q[b] += dt[b] * dt[b];
            }
            for (std::size_t b = 0; b < L; ++b) q[b] *= f2;
            break;
        }
    }
}

N2D_GMM_INLINE double block_body(const GmmParams& p, const float* x, std::size_t stride, std::size_t rows,
                                 const double* resp_in, const double* shift, double* logprob, double* resp_out,
                                 int* labels, double* stats, GmmScratch& s) {
    const std::size_t k = p.k, d = p.d, s2n = second_moment_size(p.type, d);
    const bool pairs = p.type == CovarianceType::full || p.type == CovarianceType::tied;
    double* xt = s.xt.data();
    double* diff = s.diff.data();
    double* wd = s.wd.data();
    double* lp = s.lp.data();
    double* y = s.y.data();
    double* q = s.q.data();
    double* w = s.w.data();
    double total = 0.0;
    for (std::size_t r0 = 0; r0 < rows; r0 += L) {
        const std::size_t m = std::min(L, rows - r0);
        // Transposed load; padding lanes repeat the first row (finite, ignored).
        for (std::size_t b = 0; b < L; ++b) {
            const float* xr = x + (r0 + (b < m ? b : 0)) * stride;
            for (std::size_t t = 0; t < d; ++t) xt[t * L + b] = double(xr[t]);
        }
        if (!resp_in) {
            for (std::size_t c = 0; c < k; ++c) {
                const double* mu = p.means.data() + c * d;
                for (std::size_t t = 0; t < d; ++t)
                    for (std::size_t b = 0; b < L; ++b) diff[t * L + b] = xt[t * L + b] - mu[t];
                quadratic(p, c, diff, y, q);
                const double off = -0.5 * double(d) * kLog2Pi + p.log_det[c] + p.log_weights[c];
                for (std::size_t b = 0; b < L; ++b) lp[c * L + b] = off - 0.5 * q[b];
            }
            if (labels)
                for (std::size_t b = 0; b < m; ++b) {
                    std::size_t best = 0;
                    for (std::size_t c = 1; c < k; ++c)
                        if (lp[c * L + b] > lp[best * L + b]) best = c;
                    labels[r0 + b] = int(best);
                }
            // Log-sum-exp per lane: y = max, q = Σ exp(lp − max); lp becomes the responsibilities.
            for (std::size_t b = 0; b < L; ++b) y[b] = lp[b];
            for (std::size_t c = 1; c < k; ++c)
                for (std::size_t b = 0; b < L; ++b) y[b] = std::max(y[b], lp[c * L + b]);
            for (std::size_t b = 0; b < L; ++b) q[b] = 0.0;
            for (std::size_t c = 0; c < k; ++c) {
                double* lc = lp + c * L;
                for (std::size_t b = 0; b < L; ++b) lc[b] -= y[b];
                exp_nonpositive(lc);
                for (std::size_t b = 0; b < L; ++b) q[b] += lc[b];
            }
            for (std::size_t b = 0; b < m; ++b) {
                const double lpx = y[b] + std::log(q[b]);
                if (logprob) logprob[r0 + b] = lpx;
                total += lpx;
            }
            for (std::size_t b = 0; b < L; ++b) q[b] = 1.0 / q[b];
            for (std::size_t c = 0; c < k; ++c)
                for (std::size_t b = 0; b < L; ++b) lp[c * L + b] *= q[b];
            if (resp_out)
                for (std::size_t b = 0; b < m; ++b)
                    for (std::size_t c = 0; c < k; ++c) resp_out[(r0 + b) * k + c] = lp[c * L + b];
        } else {
            for (std::size_t c = 0; c < k; ++c)
                for (std::size_t b = 0; b < L; ++b) lp[c * L + b] = b < m ? resp_in[(r0 + b) * k + c] : 0.0;
        }
        if (!stats) continue;
        double* mass = stats;
        double* s1 = stats + k;
        double* s2 = stats + k + k * d;
        for (std::size_t c = 0; c < k; ++c) {
            for (std::size_t b = 0; b < L; ++b) w[b] = b < m ? lp[c * L + b] : 0.0;
            mass[c] += lane_sum(w);
            const double* sh = shift + c * d;
            for (std::size_t t = 0; t < d; ++t)
                for (std::size_t b = 0; b < L; ++b) {
                    const double v = xt[t * L + b] - sh[t];
                    diff[t * L + b] = v;
                    wd[t * L + b] = w[b] * v;
                }
            for (std::size_t t = 0; t < d; ++t) s1[c * d + t] += lane_sum(wd + t * L);
            double* out = s2 + c * s2n;
            if (pairs) {
                std::size_t idx = 0;
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = i; j < d; ++j) out[idx++] += lane_dot(wd + i * L, diff + j * L);
            } else {
                for (std::size_t t = 0; t < d; ++t) out[t] += lane_dot(wd + t * L, diff + t * L);
            }
        }
    }
    return total;
}

double block_generic(const GmmParams& p, const float* x, std::size_t stride, std::size_t rows, const double* resp_in,
                     const double* shift, double* logprob, double* resp_out, int* labels, double* stats,
                     GmmScratch& s) {
    return block_body(p, x, stride, rows, resp_in, shift, logprob, resp_out, labels, stats, s);
}

#if defined(N2D_ARCH_X86_64)
N2D_TARGET_AVX2 double block_avx2(const GmmParams& p, const float* x, std::size_t stride, std::size_t rows,
                                  const double* resp_in, const double* shift, double* logprob, double* resp_out,
                                  int* labels, double* stats, GmmScratch& s) {
    return block_body(p, x, stride, rows, resp_in, shift, logprob, resp_out, labels, stats, s);
}
#endif

struct GmmKernels {
    decltype(&block_generic) block;
};
constexpr GmmKernels kGmmGeneric{block_generic};
#if defined(N2D_ARCH_X86_64)
constexpr GmmKernels kGmmAvx2{block_avx2};
#endif
// AVX-512 runs the AVX2 body; on aarch64 the baseline body is the NEON one.
constexpr simd_detail::KernelTables<GmmKernels> kGmmTables{&kGmmGeneric, N2D_IF_X86_64(&kGmmAvx2), N2D_IF_X86_64(&kGmmAvx2),
                                                        N2D_IF_AARCH64(&kGmmGeneric)};

}  // namespace

std::size_t second_moment_size(CovarianceType type, std::size_t d) {
    return type == CovarianceType::full || type == CovarianceType::tied ? d * (d + 1) / 2 : d;
}

std::size_t stats_size(const GmmParams& p) { return p.k * (1 + p.d + second_moment_size(p.type, p.d)); }

void GmmScratch::resize(std::size_t k, std::size_t d) {
    xt.assign(d * L, 0.0);
    diff.assign(d * L, 0.0);
    wd.assign(d * L, 0.0);
    lp.assign(k * L, 0.0);
    y.assign(L, 0.0);
    q.assign(L, 0.0);
    w.assign(L, 0.0);
}

double gmm_block(const GmmParams& p, const float* x, std::size_t stride, std::size_t rows, const double* resp_in,
                 const double* shift, double* logprob, double* resp_out, int* labels, double* stats, GmmScratch& s) {
    return simd_detail::pick_kernels(kGmmTables, "GMM")
        .block(p, x, stride, rows, resp_in, shift, logprob, resp_out, labels, stats, s);
}

}  // namespace n2d::detail
