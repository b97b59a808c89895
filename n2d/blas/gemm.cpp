// sgemm the BLIS way: op(A) and op(B) are packed into contiguous micro-panels (the four transpose
// forms are all handled by the packers), the k dimension is cut into KC blocks and the columns
// into NC blocks so the packed B block stays in L2 while one packed A micro-panel (MR×KC) sits in
// L1, and one register-blocked MR×NR micro-kernel per ISA does the arithmetic.
//
// Determinism: every element of C is summed in the same order (KC blocks from k alone, p
// increasing inside a block) whichever thread computes it and however many threads run; the tile
// shapes and their offsets follow from (m, n, k) alone, so results are bit-identical for any
// thread count.
#include "n2d/blas/gemm.hpp"

#include <algorithm>
#include <cstring>

#include "n2d/blas/detail/gemm_kernels.hpp"
#include "n2d/blas/detail/vector.hpp"
#include "n2d/core/aligned.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/per_thread.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

namespace gemm_detail {
namespace {
// Portable kernel: 4×8 tile in plain arrays (the compiler vectorises it for the baseline ISA,
// SSE2 on x86-64 or NEON on aarch64).
constexpr std::size_t kScalarMr = 4, kScalarNr = 8;

void kernel_scalar(std::size_t k, const float* a, const float* b, std::size_t ldb, float* c, std::size_t ldc,
                   float beta) {
    float acc[kScalarMr][kScalarNr] = {};
    for (std::size_t p = 0; p < k; ++p) {
        for (std::size_t i = 0; i < kScalarMr; ++i)
            for (std::size_t j = 0; j < kScalarNr; ++j) acc[i][j] += a[i] * b[j];
        a += kScalarMr;
        b += ldb;
    }
    for (std::size_t i = 0; i < kScalarMr; ++i) {
        float* ci = c + i * ldc;
        if (beta == 0.0f)
            for (std::size_t j = 0; j < kScalarNr; ++j) ci[j] = acc[i][j];
        else
            for (std::size_t j = 0; j < kScalarNr; ++j) ci[j] = beta * ci[j] + acc[i][j];
    }
}
}  // namespace

constinit const GemmKernels scalar_gemm{{kScalarMr, kScalarNr, kernel_scalar, nullptr, nullptr, nullptr},
                                        {kScalarMr, kScalarNr, kernel_scalar, nullptr, nullptr, nullptr}};
}  // namespace gemm_detail

namespace {
using gemm_detail::GemmKernel;

// Blocking (floats). A packed B block of KC·NC floats (768 KiB) stays in the 1 MiB L2 of a Zen 4
// core while every A micro-panel (MR·KC floats, 12 KiB for AVX-512) sweeps it from L1.
// k is cut into equal blocks of at most kKc, so the summation order depends on k alone.
constexpr std::size_t kKc = 384;
constexpr std::size_t kNc = 512;
// Below this many rows per block B is read in place instead of packed (packing would cost more
// than it saves when a B panel meets only a few A micro-panels).
constexpr std::size_t kDirectBRows = 32;
// C with at most this many rows (after the transposition for tiny n) is computed as
// vector-matrix products on the SIMD axpy/dot kernels: an MR-row tile would be mostly padding.
constexpr std::size_t kGemvRows = 2;
// Column chunk of the vector-matrix path per task (a multiple of every SIMD width).
constexpr std::size_t kGemvCols = 64;
// Minimum multiply-adds per thread before a GEMM is split across threads (thread wake-up costs
// tens of microseconds).
constexpr std::size_t kFmaPerThread = std::size_t(1) << 21;

std::size_t round_up(std::size_t x, std::size_t to) { return (x + to - 1) / to * to; }

constexpr simd_detail::KernelTables<gemm_detail::GemmKernels> kGemmTables{
    &gemm_detail::scalar_gemm, N2D_IF_X86_64(&gemm_detail::avx2_gemm), N2D_IF_X86_64(&gemm_detail::avx512_gemm),
    N2D_IF_AARCH64(&gemm_detail::neon_gemm)};

// Per-thread packing buffers: grown on demand, kept for the thread's lifetime (no allocation per
// call once warm). Pool workers are long-lived threads, so this is effectively pool-owned.
struct GemmScratch {
    AlignedArray<float> a, b, tile;
    AlignedArray<float> row, col;  // vector-matrix path: one row of sums, one gathered row of op(A)
};
GemmScratch& scratch() { return per_thread<GemmScratch>(); }
float* ensure(AlignedArray<float>& buf, std::size_t n) {
    if (buf.size() < n) buf = AlignedArray<float>(n);
    return buf.data();
}

// ---- portable packers ------------------------------------------------------------------------

// dst[p*mr + i] = alpha * src[i*lda + p]  (op(A) = A: rows of A are contiguous in p)
void pack_a_n_portable(std::size_t rows, std::size_t mr, std::size_t k, float alpha, const float* src,
                       std::size_t lda, float* dst) {
    for (std::size_t i = 0; i < rows; ++i) {
        const float* s = src + i * lda;
        for (std::size_t p = 0; p < k; ++p) dst[p * mr + i] = alpha * s[p];
    }
    for (std::size_t i = rows; i < mr; ++i)
        for (std::size_t p = 0; p < k; ++p) dst[p * mr + i] = 0.0f;
}
// dst[p*mr + i] = alpha * src[p*lda + i]  (op(A) = A^T: columns of op(A) are contiguous). Full
// panels use a compile-time width so the copy is a few vector moves per k step.
template <std::size_t MR>
void pack_a_t_full(std::size_t k, float alpha, const float* src, std::size_t lda, float* dst) {
    for (std::size_t p = 0; p < k; ++p, dst += MR, src += lda)
        for (std::size_t i = 0; i < MR; ++i) dst[i] = alpha * src[i];
}
void pack_a_t(std::size_t rows, std::size_t mr, std::size_t k, float alpha, const float* src, std::size_t lda,
              float* dst) {
    if (rows == mr) {
        if (mr == 8) return pack_a_t_full<8>(k, alpha, src, lda, dst);
        if (mr == 6) return pack_a_t_full<6>(k, alpha, src, lda, dst);
        if (mr == 4) return pack_a_t_full<4>(k, alpha, src, lda, dst);
    }
    for (std::size_t p = 0; p < k; ++p, dst += mr) {
        const float* s = src + p * lda;
        std::size_t i = 0;
        for (; i < rows; ++i) dst[i] = alpha * s[i];
        for (; i < mr; ++i) dst[i] = 0.0f;
    }
}
// dst[p*nr + j] = src[p*ldb + j]  (op(B) = B)
template <std::size_t NR>
void pack_b_n_full(std::size_t k, const float* src, std::size_t ldb, float* dst) {
    for (std::size_t p = 0; p < k; ++p, dst += NR, src += ldb)
        for (std::size_t j = 0; j < NR; ++j) dst[j] = src[j];
}
void pack_b_n(std::size_t cols, std::size_t nr, std::size_t k, const float* src, std::size_t ldb, float* dst) {
    if (cols == nr) {
        if (nr == 32) return pack_b_n_full<32>(k, src, ldb, dst);
        if (nr == 16) return pack_b_n_full<16>(k, src, ldb, dst);
        if (nr == 8) return pack_b_n_full<8>(k, src, ldb, dst);
    }
    for (std::size_t p = 0; p < k; ++p, dst += nr) {  // a loop, not memcpy: rows are short
        const float* s = src + p * ldb;
        std::size_t j = 0;
        for (; j < cols; ++j) dst[j] = s[j];
        for (; j < nr; ++j) dst[j] = 0.0f;
    }
}
// dst[p*nr + j] = src[j*ldb + p]  (op(B) = B^T)
void pack_b_t_portable(std::size_t cols, std::size_t nr, std::size_t k, const float* src, std::size_t ldb,
                       float* dst) {
    for (std::size_t j = 0; j < cols; ++j) {
        const float* s = src + j * ldb;
        for (std::size_t p = 0; p < k; ++p) dst[p * nr + j] = s[p];
    }
    for (std::size_t j = cols; j < nr; ++j)
        for (std::size_t p = 0; p < k; ++p) dst[p * nr + j] = 0.0f;
}

// The epilogue on rows [i0, i0 + rows) × columns [j0, j0 + cols) of C, in GemmEpilogue's
// order: bias first, then the activation into act_out.
void apply_epilogue(const GemmEpilogue& e, float* C, std::size_t ldc, std::size_t i0, std::size_t rows,
                    std::size_t j0, std::size_t cols) {
    float* c = C + i0 * ldc + j0;
    if (e.bias) bias_add(c, rows, cols, ldc, e.bias + j0);
    if (!e.act_out) return;
    for (std::size_t i = 0; i < rows; ++i)
        activation_forward(e.act, cols, c + i * ldc, e.act_out + (i0 + i) * e.ld_act + j0, e.act_alpha);
}

// One GEMM problem. C(i, j) lives at C[i*rs_c + j*cs_c]; cs_c != 1 only when the problem was
// transposed (C^T = op(B)^T op(A)^T) to put a tiny n on the MR side.
struct Problem {
    const GemmKernel* kr;
    Trans ta, tb;
    std::size_t m, n, k;
    float alpha;
    const float* A;
    std::size_t lda;
    const float* B;
    std::size_t ldb;
    float beta;
    float* C;
    std::size_t rs_c, cs_c;
    std::size_t kc;  // k block, from k alone
    // Applied to each MR-row strip of a column block after its last k block (only for cs_c == 1);
    // epi_col is the column of C(0, 0) in the caller's C (the bias and act_out offset).
    const GemmEpilogue* epi = nullptr;
    std::size_t epi_col = 0;

    void pack_a(std::size_t i0, std::size_t p0, std::size_t rows, std::size_t kc_len, float* dst) const {
        const std::size_t mr = kr->mr;
        if (ta == Trans::N) {
            const float* src = A + i0 * lda + p0;
            if (kr->pack_a_n) kr->pack_a_n(rows, kc_len, alpha, src, lda, dst);
            else pack_a_n_portable(rows, mr, kc_len, alpha, src, lda, dst);
        } else {
            const float* src = A + p0 * lda + i0;
            if (kr->pack_rows) kr->pack_rows(rows, mr, kc_len, alpha, src, lda, dst);
            else pack_a_t(rows, mr, kc_len, alpha, src, lda, dst);
        }
    }
    void pack_b(std::size_t p0, std::size_t j0, std::size_t cols, std::size_t kc_len, float* dst) const {
        const std::size_t nr = kr->nr;
        if (tb == Trans::N) {
            const float* src = B + p0 * ldb + j0;
            if (kr->pack_rows) kr->pack_rows(cols, nr, kc_len, 1.0f, src, ldb, dst);
            else pack_b_n(cols, nr, kc_len, src, ldb, dst);
        } else {
            const float* src = B + j0 * ldb + p0;
            if (kr->pack_b_t) kr->pack_b_t(cols, kc_len, src, ldb, dst);
            else pack_b_t_portable(cols, nr, kc_len, src, ldb, dst);
        }
    }

    // C[i0:i1, j0:j1] on the calling thread; i0 and j0 are multiples of MR and NR.
    void run_block(std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1) const {
        const std::size_t mr = kr->mr, nr = kr->nr;
        GemmScratch& s = scratch();
        float* tile = ensure(s.tile, mr * nr);
        float* apack = ensure(s.a, mr * kc);
        // B is read in place when it is not transposed and only a few micro-panels of A use it.
        const bool direct_b = tb == Trans::N && i1 - i0 <= kDirectBRows;
        const std::size_t nc_max = std::max(nr, kNc / nr * nr);  // NC block, a multiple of NR
        float* bpack = ensure(s.b, kc * (direct_b ? nr : std::min(nc_max, round_up(j1 - j0, nr))));
        for (std::size_t pc = 0; pc < k; pc += kc) {
            const std::size_t kc_len = std::min(kc, k - pc);
            const float beta_k = pc == 0 ? beta : 1.0f;
            const GemmEpilogue* finish = pc + kc_len == k ? epi : nullptr;
            for (std::size_t jc = j0; jc < j1; jc += nc_max) {
                const std::size_t nc = std::min(nc_max, j1 - jc);
                if (!direct_b) {
                    for (std::size_t jr = 0; jr < nc; jr += nr)
                        pack_b(pc, jc + jr, std::min(nr, nc - jr), kc_len, bpack + jr * kc_len);
                } else if (nc % nr) {
                    pack_b(pc, jc + nc / nr * nr, nc % nr, kc_len, bpack);
                }
                for (std::size_t ic = i0; ic < i1; ic += mr) {
                    const std::size_t rows = std::min(mr, i1 - ic);
                    pack_a(ic, pc, rows, kc_len, apack);
                    for (std::size_t jr = 0; jr < nc; jr += nr) {
                        const std::size_t cols = std::min(nr, nc - jr);
                        const float* bp = bpack + jr * kc_len;
                        std::size_t bld = nr;
                        if (direct_b) {
                            if (cols == nr) {
                                bp = B + pc * ldb + jc + jr;
                                bld = ldb;
                            } else {
                                bp = bpack;
                            }
                        }
                        float* c = C + ic * rs_c + (jc + jr) * cs_c;
                        if (rows == mr && cols == nr && cs_c == 1) {
                            kr->kernel(kc_len, apack, bp, bld, c, rs_c, beta_k);
                        } else {
                            kr->kernel(kc_len, apack, bp, bld, tile, nr, 0.0f);
                            merge_tile(tile, rows, cols, c, beta_k);
                        }
                    }
                    // The strip (MR rows × NC columns) was just written and is still in L1.
                    if (finish) apply_epilogue_at(*finish, ic, rows, jc, nc);
                }
            }
        }
    }

    void apply_epilogue_at(const GemmEpilogue& e, std::size_t i0, std::size_t rows, std::size_t j0,
                           std::size_t cols) const {
        GemmEpilogue shifted = e;
        if (shifted.bias) shifted.bias += epi_col;
        if (shifted.act_out) shifted.act_out += epi_col;
        apply_epilogue(shifted, C, rs_c, i0, rows, j0, cols);
    }

    void merge_tile(const float* tile, std::size_t rows, std::size_t cols, float* c, float beta_k) const {
        const std::size_t nr = kr->nr;
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j) {
                float& dst = c[i * rs_c + j * cs_c];
                dst = beta_k == 0.0f ? tile[i * nr + j] : beta_k * dst + tile[i * nr + j];
            }
    }
};

void scale_c(std::size_t m, std::size_t n, float beta, float* C, std::size_t ldc) {
    if (beta == 1.0f) return;
    for (std::size_t i = 0; i < m; ++i) {
        float* c = C + i * ldc;
        if (beta == 0.0f) std::fill(c, c + n, 0.0f);
        else for (std::size_t j = 0; j < n; ++j) c[j] *= beta;
    }
}

// Fraction of the computed tiles that is real C (the rest is zero padding).
double tile_fill(const GemmKernel& kr, std::size_t m, std::size_t n) {
    return double(m) / double(round_up(m, kr.mr)) * (double(n) / double(round_up(n, kr.nr)));
}

Trans flip(Trans t) { return t == Trans::N ? Trans::T : Trans::N; }

inline float at(Trans t, const float* X, std::size_t ld, std::size_t r, std::size_t c) {
    return t == Trans::N ? X[r * ld + c] : X[c * ld + r];
}

// Columns [j0, j1) of a problem with at most kGemvRows rows. Each element is a fixed sequence of
// kernel calls whatever the column range, so the result does not depend on the split.
void gemv_cols(const VectorKernels& vk, const Problem& P, std::size_t j0, std::size_t j1) {
    GemmScratch& s = scratch();
    const std::size_t n = j1 - j0;
    float* acc = ensure(s.row, n);
    for (std::size_t i = 0; i < P.m; ++i) {
        const float* a = P.A + i * P.lda;  // row i of op(A)
        if (P.ta == Trans::T) {
            float* col = ensure(s.col, P.k);
            for (std::size_t p = 0; p < P.k; ++p) col[p] = P.A[p * P.lda + i];
            a = col;
        }
        if (P.tb == Trans::N) {
            std::fill(acc, acc + n, 0.0f);
            for (std::size_t p = 0; p < P.k; ++p) vk.axpy(n, a[p], P.B + p * P.ldb + j0, acc);
        } else {
            for (std::size_t j = 0; j < n; ++j) acc[j] = vk.dot(P.k, a, P.B + (j0 + j) * P.ldb);
        }
        float* c = P.C + i * P.rs_c + j0 * P.cs_c;
        for (std::size_t j = 0; j < n; ++j) {
            float& dst = c[j * P.cs_c];
            dst = P.beta == 0.0f ? P.alpha * acc[j] : P.beta * dst + P.alpha * acc[j];
        }
    }
}

void run_gemv(const VectorKernels& vk, const Problem& P, ThreadPool& pool) {
    const std::size_t work = P.m * P.n * P.k;
    const std::size_t threads = std::min(pool.num_threads(), std::max<std::size_t>(1, work / kFmaPerThread));
    const std::size_t chunks = (P.n + kGemvCols - 1) / kGemvCols;
    if (threads <= 1 || chunks < 2) return gemv_cols(vk, P, 0, P.n);
    pool.parallel_for(0, chunks, (chunks + threads - 1) / threads, [&](std::size_t lo, std::size_t hi, std::size_t) {
        gemv_cols(vk, P, lo * kGemvCols, std::min(hi * kGemvCols, P.n));
    });
}

// Runs a prepared problem on the calling thread or split over the pool.
void run(const Problem& P, ThreadPool& pool) {
    const std::size_t work = P.m * P.n * P.k;
    const std::size_t threads = std::min(pool.num_threads(), std::max<std::size_t>(1, work / kFmaPerThread));
    const std::size_t mr = P.kr->mr, nr = P.kr->nr;
    const std::size_t m_panels = (P.m + mr - 1) / mr, n_panels = (P.n + nr - 1) / nr;
    if (threads <= 1 || (m_panels < 2 && n_panels < 2)) return P.run_block(0, P.m, 0, P.n);
    // Split the side whose other operand is cheaper to pack twice: splitting columns makes every
    // thread pack all of A, splitting rows makes every thread pack all of B.
    const bool split_n = n_panels >= threads && (P.m <= P.n || m_panels < threads);
    if (split_n) {
        const std::size_t per = (n_panels + threads - 1) / threads;
        pool.parallel_for(0, n_panels, per, [&](std::size_t lo, std::size_t hi, std::size_t) {
            P.run_block(0, P.m, lo * nr, std::min(hi * nr, P.n));
        });
    } else {
        const std::size_t per = (m_panels + threads - 1) / threads;
        pool.parallel_for(0, m_panels, per, [&](std::size_t lo, std::size_t hi, std::size_t) {
            P.run_block(lo * mr, std::min(hi * mr, P.m), 0, P.n);
        });
    }
}

// The epilogue as a separate pass over C (the paths that do not fuse it), in row blocks of about
// 16384 floats; element-wise, so the split does not change the bits.
void epilogue_pass(const GemmEpilogue& e, std::size_t m, std::size_t n, float* C, std::size_t ldc,
                   ThreadPool& pool) {
    const std::size_t grain = std::max<std::size_t>(1, 16384 / n);
    if (m <= grain) return apply_epilogue(e, C, ldc, 0, m, 0, n);
    pool.parallel_for(0, m, grain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        apply_epilogue(e, C, ldc, lo, hi - lo, 0, n);
    });
}

void sgemm_impl(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n,
                std::size_t k, float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
                float beta, float* C, std::size_t ldc, const GemmEpilogue* epi) {
    if (m == 0 || n == 0) return;
    N2D_REQUIRE(C != nullptr && (k == 0 || alpha == 0.0f || (A != nullptr && B != nullptr)),
                "sgemm: null matrix pointer (A, B or C); pass valid arrays for the m×k, k×n and m×n operands");
    N2D_REQUIRE(ldc >= n, "sgemm: ldc (" + std::to_string(ldc) + ") is smaller than n (" + std::to_string(n) +
                              "); ldc is the row stride of C in floats");
    if (k != 0 && alpha != 0.0f) {
        const std::size_t a_cols = ta == Trans::N ? k : m, b_cols = tb == Trans::N ? n : k;
        N2D_REQUIRE(lda >= a_cols, "sgemm: lda (" + std::to_string(lda) + ") is smaller than the " +
                                       std::to_string(a_cols) + " columns of A as stored");
        N2D_REQUIRE(ldb >= b_cols, "sgemm: ldb (" + std::to_string(ldb) + ") is smaller than the " +
                                       std::to_string(b_cols) + " columns of B as stored");
    }
    if (epi && !epi->bias && !epi->act_out) epi = nullptr;
    if (epi && epi->act_out)
        N2D_REQUIRE(epi->ld_act >= n, "sgemm: the epilogue's ld_act (" + std::to_string(epi->ld_act) +
                                          ") is smaller than n (" + std::to_string(n) +
                                          "); ld_act is the row stride of act_out in floats");
    if (k == 0 || alpha == 0.0f) {
        scale_c(m, n, beta, C, ldc);
        if (epi) epilogue_pass(*epi, m, n, C, ldc, pool);
        return;
    }
    const gemm_detail::GemmKernels& kernels = simd_detail::pick_kernels(kGemmTables, target, "sgemm");
    const GemmKernel& kr = kernels.wide;
    Problem P{&kr, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, 1, 0};
    // A tiny n would waste most of each NR-wide tile: compute C^T = op(B)^T op(A)^T instead, so the
    // tiny side meets the narrower MR.
    if (n < kr.nr / 2 && m > n) P = Problem{&kr, flip(tb), flip(ta), n, m, k, alpha, B, ldb, A, lda, beta, C, 1, ldc, 0};
    if (P.m <= kGemvRows) {
        run_gemv(vector_kernels(target), P, pool);
        if (epi) epilogue_pass(*epi, m, n, C, ldc, pool);
        return;
    }
    // Where the AVX-512 8×32 tiles would be mostly padding (a few rows or columns) the AVX2 6×16
    // tile, which runs at the same arithmetic rate on Zen 4, wastes less. Every element is still
    // one FMA chain over p, so the tile shape does not change the bits.
    const GemmKernel& narrow = kernels.narrow;
    if (&narrow != P.kr && tile_fill(narrow, P.m, P.n) > 1.2 * tile_fill(*P.kr, P.m, P.n)) P.kr = &narrow;
    const std::size_t k_blocks = (k + kKc - 1) / kKc;
    P.kc = (k + k_blocks - 1) / k_blocks;
    // The transposed problem's strips are columns of C: its epilogue runs as a pass afterwards.
    const bool fused = epi && P.cs_c == 1;
    if (fused) P.epi = epi;

    // A last column panel at most half full goes to the narrow tile instead (n = 100 on AVX-512:
    // 96 columns of 8×32 tiles and 4 columns of 6×16 ones rather than a 4/32-full 8×32 panel).
    const std::size_t tail = P.n % P.kr->nr;
    if (narrow.nr < P.kr->nr && P.n > P.kr->nr && tail != 0 && tail <= narrow.nr) {
        const std::size_t n_main = P.n - tail;
        Problem T = P;
        T.kr = &narrow;
        T.n = tail;
        T.B = P.tb == Trans::N ? P.B + n_main : P.B + n_main * P.ldb;
        T.C = P.C + n_main * P.cs_c;
        T.epi_col = n_main;
        P.n = n_main;
        run(P, pool);
        run(T, pool);
    } else {
        run(P, pool);
    }
    if (epi && !fused) epilogue_pass(*epi, m, n, C, ldc, pool);
}

}  // namespace

void sgemm(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
           float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
           std::size_t ldc) {
    sgemm_impl(target, pool, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr);
}

void sgemm(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
           float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
           std::size_t ldc, const GemmEpilogue& epilogue) {
    sgemm_impl(target, pool, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, &epilogue);
}

void sgemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* A,
           std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc) {
    sgemm(active_target(), default_pool(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void sgemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                     const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
                     std::size_t ldc) {
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double s = 0.0;
            for (std::size_t p = 0; p < k; ++p) s += double(at(ta, A, lda, i, p)) * double(at(tb, B, ldb, p, j));
            float& c = C[i * ldc + j];
            c = static_cast<float>(alpha * s + (beta == 0.0f ? 0.0 : double(beta) * c));
        }
}

}  // namespace n2d
