#include "n2d/linalg/detail/cholesky.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/core/thread_pool.hpp"

#if defined(N2D_ARCH_X86_64)
#include <immintrin.h>
#endif

namespace n2d::inline v0 {

namespace {

constexpr std::size_t kBlock = 128;    // block column width (the rank of each trailing update)
constexpr std::size_t kRowChunk = 256;  // rows per task in the panel and solve loops

// c[r][j] -= Σ_p a[r][p] · pt[p][j] for a 4 × 8 tile, p < kb (a: 4 rows of stride lda; pt: the
// packed, transposed panel of stride ldp; c: stride ldc). Each entry sums in p order.
using TileKernel = void (*)(const double* a, std::size_t lda, const double* pt, std::size_t ldp, std::size_t kb,
                            double* c, std::size_t ldc);

void tile_generic(const double* a, std::size_t lda, const double* pt, std::size_t ldp, std::size_t kb, double* c,
                  std::size_t ldc) {
    double acc[4][8] = {};
    for (std::size_t p = 0; p < kb; ++p) {
        const double* b = pt + p * ldp;
        for (std::size_t r = 0; r < 4; ++r) {
            const double ar = a[r * lda + p];
            for (std::size_t j = 0; j < 8; ++j) acc[r][j] += ar * b[j];
        }
    }
    for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t j = 0; j < 8; ++j) c[r * ldc + j] -= acc[r][j];
}

#if defined(N2D_ARCH_X86_64)
N2D_TARGET_AVX2 void tile_avx2(const double* a, std::size_t lda, const double* pt, std::size_t ldp, std::size_t kb,
                               double* c, std::size_t ldc) {
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (std::size_t p = 0; p < kb; ++p) {
        const __m256d b0 = _mm256_loadu_pd(pt + p * ldp), b1 = _mm256_loadu_pd(pt + p * ldp + 4);
        __m256d x = _mm256_broadcast_sd(a + p);
        c00 = _mm256_fmadd_pd(x, b0, c00);
        c01 = _mm256_fmadd_pd(x, b1, c01);
        x = _mm256_broadcast_sd(a + lda + p);
        c10 = _mm256_fmadd_pd(x, b0, c10);
        c11 = _mm256_fmadd_pd(x, b1, c11);
        x = _mm256_broadcast_sd(a + 2 * lda + p);
        c20 = _mm256_fmadd_pd(x, b0, c20);
        c21 = _mm256_fmadd_pd(x, b1, c21);
        x = _mm256_broadcast_sd(a + 3 * lda + p);
        c30 = _mm256_fmadd_pd(x, b0, c30);
        c31 = _mm256_fmadd_pd(x, b1, c31);
    }
    _mm256_storeu_pd(c, _mm256_sub_pd(_mm256_loadu_pd(c), c00));
    _mm256_storeu_pd(c + 4, _mm256_sub_pd(_mm256_loadu_pd(c + 4), c01));
    c += ldc;
    _mm256_storeu_pd(c, _mm256_sub_pd(_mm256_loadu_pd(c), c10));
    _mm256_storeu_pd(c + 4, _mm256_sub_pd(_mm256_loadu_pd(c + 4), c11));
    c += ldc;
    _mm256_storeu_pd(c, _mm256_sub_pd(_mm256_loadu_pd(c), c20));
    _mm256_storeu_pd(c + 4, _mm256_sub_pd(_mm256_loadu_pd(c + 4), c21));
    c += ldc;
    _mm256_storeu_pd(c, _mm256_sub_pd(_mm256_loadu_pd(c), c30));
    _mm256_storeu_pd(c + 4, _mm256_sub_pd(_mm256_loadu_pd(c + 4), c31));
}
#endif

TileKernel pick_tile_kernel() {
#if defined(N2D_ARCH_X86_64)
    const SimdTarget t = active_target();
    if (t == SimdTarget::avx2 || t == SimdTarget::avx512) return tile_avx2;
#endif
    return tile_generic;
}

// Unblocked factor of the kb × kb diagonal block at (k0, k0), whose earlier block columns'
// updates are already applied.
bool factor_diagonal(double* a, std::size_t n, std::size_t k0, std::size_t kb) {
    for (std::size_t j = k0; j < k0 + kb; ++j) {
        double* rj = a + j * n;
        double d = rj[j];
        for (std::size_t p = k0; p < j; ++p) d -= rj[p] * rj[p];
        if (!(d > 0.0) || !std::isfinite(d)) return false;
        const double ljj = std::sqrt(d);
        rj[j] = ljj;
        for (std::size_t i = j + 1; i < k0 + kb; ++i) {
            double* ri = a + i * n;
            double s = ri[j];
            for (std::size_t p = k0; p < j; ++p) s -= ri[p] * rj[p];
            ri[j] = s / ljj;
        }
    }
    return true;
}

}  // namespace

bool cholesky_factor(std::size_t n, double* a, ThreadPool& pool, const CholeskyProgress& progress) {
    const TileKernel tile = pick_tile_kernel();
    std::vector<double> pt(kBlock * n);
    for (std::size_t k0 = 0; k0 < n; k0 += kBlock) {
        const std::size_t kb = std::min(kBlock, n - k0), k1 = k0 + kb;
        if (!factor_diagonal(a, n, k0, kb)) return false;
        if (k1 == n) break;
        const std::size_t rest = n - k1, ldp = rest;
        // Panel: rows below the block solve against its factor; the packed transpose feeds the update.
        pool.parallel_for(k1, n, kRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                double* ri = a + i * n;
                for (std::size_t j = k0; j < k1; ++j) {
                    const double* rj = a + j * n;
                    double s = ri[j];
                    for (std::size_t p = k0; p < j; ++p) s -= ri[p] * rj[p];
                    ri[j] = s / rj[j];
                    pt[(j - k0) * ldp + (i - k1)] = ri[j];
                }
            }
        });
        // Trailing update of the lower triangle in 4 × 8 tiles (entries a tile adds above the
        // diagonal are never read); ragged edges entry by entry, each in the same p order.
        const std::size_t row_tiles = (rest + 3) / 4;
        pool.parallel_for(0, row_tiles, 8, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t t = lo; t < hi; ++t) {
                const std::size_t i0 = k1 + 4 * t, rows = std::min<std::size_t>(4, n - i0);
                const std::size_t jend = std::min(i0 + rows, n);  // columns [k1, jend) hold the lower part
                std::size_t j = k1;
                if (rows == 4)
                    for (; j < jend && j + 8 <= n; j += 8)
                        tile(a + i0 * n + k0, n, pt.data() + (j - k1), ldp, kb, a + i0 * n + j, n);
                for (std::size_t r = 0; r < rows; ++r) {
                    double* ri = a + (i0 + r) * n;
                    for (std::size_t c = j; c <= i0 + r; ++c) {
                        double s = 0.0;
                        for (std::size_t p = 0; p < kb; ++p) s += ri[k0 + p] * pt[p * ldp + (c - k1)];
                        ri[c] -= s;
                    }
                }
            }
        });
        if (progress) progress(k1, n);
    }
    if (progress) progress(n, n);
    return true;
}

void cholesky_solve(std::size_t n, const double* l, double* b, ThreadPool& pool) {
    // Forward: L y = b, a block of rows at a time, then the rows below take its contribution.
    for (std::size_t j0 = 0; j0 < n; j0 += kBlock) {
        const std::size_t j1 = std::min(n, j0 + kBlock);
        for (std::size_t i = j0; i < j1; ++i) {
            const double* ri = l + i * n;
            double s = b[i];
            for (std::size_t p = j0; p < i; ++p) s -= ri[p] * b[p];
            b[i] = s / ri[i];
        }
        pool.parallel_for(j1, n, kRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                const double* ri = l + i * n;
                double s = 0.0;
                for (std::size_t p = j0; p < j1; ++p) s += ri[p] * b[p];
                b[i] -= s;
            }
        });
    }
    // Backward: Lᵀ x = y, last block first; the rows below a block reduce into it over fixed
    // row chunks, summed in chunk order.
    const std::size_t n_chunks = (n + kRowChunk - 1) / kRowChunk;
    std::vector<double> partial(n_chunks * kBlock);
    const std::size_t last = (n - 1) / kBlock * kBlock;
    for (std::size_t j0 = last;; j0 -= kBlock) {
        const std::size_t j1 = std::min(n, j0 + kBlock), jb = j1 - j0;
        if (j1 < n) {
            const std::size_t chunks = (n - j1 + kRowChunk - 1) / kRowChunk;  // chunks start at j1
            std::fill(partial.begin(), partial.begin() + static_cast<std::ptrdiff_t>(chunks * kBlock), 0.0);
            pool.parallel_for(j1, n, kRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
                double* acc = partial.data() + ((lo - j1) / kRowChunk) * kBlock;
                for (std::size_t i = lo; i < hi; ++i) {
                    const double* ri = l + i * n + j0;
                    const double xi = b[i];
                    for (std::size_t c = 0; c < jb; ++c) acc[c] += ri[c] * xi;
                }
            });
            for (std::size_t ch = 0; ch < chunks; ++ch)
                for (std::size_t c = 0; c < jb; ++c) b[j0 + c] -= partial[ch * kBlock + c];
        }
        for (std::size_t c = j1; c-- > j0;) {
            double s = b[c];
            for (std::size_t i = c + 1; i < j1; ++i) s -= l[i * n + c] * b[i];
            b[c] = s / l[c * n + c];
        }
        if (j0 == 0) break;
    }
}

}  // namespace n2d
