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
constexpr std::size_t kCholeskyRowChunk = 256;  // rows per task in the panel and solve loops
constexpr std::size_t kGroupRows = 64;  // rows per task of the trailing update (a multiple of 4)

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
    // The panel below each diagonal block, transposed into 8-column tiles (kb × 8 contiguous,
    // zero-padded), so a tile's operand stays in L1 while a group of rows streams past it.
    std::vector<double> pt(kBlock * (n + 8)), diag_t(kBlock * kBlock);
    for (std::size_t k0 = 0; k0 < n; k0 += kBlock) {
        const std::size_t kb = std::min(kBlock, n - k0), k1 = k0 + kb;
        if (!factor_diagonal(a, n, k0, kb)) return false;
        if (k1 == n) break;
        const std::size_t rest = n - k1, col_tiles = (rest + 7) / 8;
        std::fill(pt.begin(), pt.begin() + static_cast<std::ptrdiff_t>(col_tiles * kb * 8), 0.0);
        // Panel: rows below the block solve against its factor, row by row as axpys on the
        // transposed diagonal block (contiguous, vectorisable); the tiles get a packed copy.
        for (std::size_t j = 0; j < kb; ++j)
            for (std::size_t p = 0; p < kb; ++p) diag_t[j * kb + p] = p >= j ? a[(k0 + p) * n + k0 + j] : 0.0;
        pool.parallel_for(k1, n, kCholeskyRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                double* ri = a + i * n + k0;
                double* dst = pt.data() + ((i - k1) / 8) * kb * 8 + (i - k1) % 8;
                for (std::size_t j = 0; j < kb; ++j) {
                    const double* tj = diag_t.data() + j * kb;
                    const double v = ri[j] / tj[j];
                    ri[j] = v;
                    dst[j * 8] = v;
                    for (std::size_t p = j + 1; p < kb; ++p) ri[p] -= v * tj[p];
                }
            }
        });
        // Trailing update of the lower triangle in 4 × 8 tiles, rows in groups that share each
        // column tile (entries a tile adds above the diagonal are never read); ragged edges entry
        // by entry, each in the same p order, so every entry's arithmetic depends on its position only.
        const std::size_t groups = (rest + kGroupRows - 1) / kGroupRows;
        pool.parallel_for(0, groups, 1, [&](std::size_t glo, std::size_t ghi, std::size_t) {
            for (std::size_t g = glo; g < ghi; ++g) {
                const std::size_t r0 = k1 + g * kGroupRows, r1 = std::min(n, r0 + kGroupRows);
                for (std::size_t jt = 0; k1 + 8 * jt < r1; ++jt) {
                    const std::size_t j = k1 + 8 * jt;
                    const double* b = pt.data() + jt * kb * 8;
                    for (std::size_t i0 = r0; i0 < r1; i0 += 4) {
                        const std::size_t rows = std::min<std::size_t>(4, n - i0);
                        if (j > i0 + rows - 1) continue;  // tile wholly above the diagonal
                        if (rows == 4 && j + 8 <= n) {
                            tile(a + i0 * n + k0, n, b, 8, kb, a + i0 * n + j, n);
                            continue;
                        }
                        for (std::size_t r = 0; r < rows; ++r) {
                            double* ri = a + (i0 + r) * n;
                            for (std::size_t c = j; c < std::min(j + 8, i0 + r + 1); ++c) {
                                double s = 0.0;
                                for (std::size_t p = 0; p < kb; ++p) s += ri[k0 + p] * b[p * 8 + (c - j)];
                                ri[c] -= s;
                            }
                        }
                    }
                }
            }
        });
        if (progress) progress(k1, n);
    }
    if (progress) progress(n, n);
    return true;
}

PackedCholesky::PackedCholesky(std::size_t n, const double* l) : n_(n) {
    std::size_t total = 0;
    for (std::size_t j0 = 0; j0 < n; j0 += kBlock) {
        offset_.push_back(total);
        total += (n - j0) * std::min(kBlock, n - j0);
    }
    data_.resize(total);
    for (std::size_t b = 0, j0 = 0; j0 < n; ++b, j0 += kBlock) {
        const std::size_t jb = std::min(kBlock, n - j0);
        double* dst = data_.data() + offset_[b];
        for (std::size_t i = j0; i < n; ++i)
            for (std::size_t c = 0; c < jb; ++c) dst[(i - j0) * jb + c] = (i < j0 + c) ? 0.0 : l[i * n + j0 + c];
    }
}

void PackedCholesky::solve(double* b, ThreadPool& pool) const {
    const std::size_t n = n_;
    // Forward: L y = b, a block at a time, then the rows below take its contribution.
    for (std::size_t blk = 0, j0 = 0; j0 < n; ++blk, j0 += kBlock) {
        const std::size_t jb = std::min(kBlock, n - j0), j1 = j0 + jb;
        const double* panel = data_.data() + offset_[blk];
        for (std::size_t i = j0; i < j1; ++i) {
            const double* ri = panel + (i - j0) * jb;
            double s = b[i];
            for (std::size_t p = 0; p < i - j0; ++p) s -= ri[p] * b[j0 + p];
            b[i] = s / ri[i - j0];
        }
        pool.parallel_for(j1, n, kCholeskyRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                const double* ri = panel + (i - j0) * jb;
                double s = 0.0;
                for (std::size_t p = 0; p < jb; ++p) s += ri[p] * b[j0 + p];
                b[i] -= s;
            }
        });
    }
    // Backward: Lᵀ x = y, last block first; the rows below a block reduce into it over fixed row
    // chunks (starting at the block's end), summed in chunk order.
    std::vector<double>& partial = partial_;
    partial.resize(((n + kCholeskyRowChunk - 1) / kCholeskyRowChunk + 1) * kBlock);
    for (std::size_t blk = offset_.size(); blk-- > 0;) {
        const std::size_t j0 = blk * kBlock, jb = std::min(kBlock, n - j0), j1 = j0 + jb;
        const double* panel = data_.data() + offset_[blk];
        if (j1 < n) {
            const std::size_t chunks = (n - j1 + kCholeskyRowChunk - 1) / kCholeskyRowChunk;
            std::fill(partial.begin(), partial.begin() + static_cast<std::ptrdiff_t>(chunks * kBlock), 0.0);
            pool.parallel_for(j1, n, kCholeskyRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
                double* acc = partial.data() + ((lo - j1) / kCholeskyRowChunk) * kBlock;
                for (std::size_t i = lo; i < hi; ++i) {
                    const double* ri = panel + (i - j0) * jb;
                    const double xi = b[i];
                    for (std::size_t c = 0; c < jb; ++c) acc[c] += ri[c] * xi;
                }
            });
            for (std::size_t ch = 0; ch < chunks; ++ch)
                for (std::size_t c = 0; c < jb; ++c) b[j0 + c] -= partial[ch * kBlock + c];
        }
        for (std::size_t c = jb; c-- > 0;) {
            double s = b[j0 + c];
            for (std::size_t i = c + 1; i < jb; ++i) s -= panel[i * jb + c] * b[j0 + i];
            b[j0 + c] = s / panel[c * jb + c];
        }
    }
}

}  // namespace n2d
