// AVX2+FMA and AVX-512 sgemm micro-kernels (x86-64 only; each function carries its own target
// attribute, nothing here is built with global ISA flags). The code is self-contained: only
// intrinsics are called inside target-attributed functions, never inline library templates.
#include "n2d/blas/detail/gemm_kernels.hpp"

#if defined(N2D_ARCH_X86_64)
#include <immintrin.h>

namespace n2d::inline v0::gemm_detail {
namespace {

// ---------------------------------------------------------------------------------------------
// AVX-512: MR rows × (16·NV) columns, accumulators in MR·NV zmm registers. A elements are
// broadcast from the packed panel; B rows are loaded as NV vectors per k step.
template <int MR, int NV>
N2D_TARGET_AVX512 void kernel_avx512(std::size_t k, const float* a, const float* b, std::size_t ldb, float* c,
                                     std::size_t ldc, float beta) {
    __m512 acc[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);

    for (std::size_t p = 0; p < k; ++p) {
        __m512 bv[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
        }
        a += MR;
        b += ldb;
    }

    if (beta == 0.0f) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) _mm512_storeu_ps(c + i * ldc + 16 * v, acc[i][v]);
    } else if (beta == 1.0f) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) {
                float* ci = c + i * ldc + 16 * v;
                _mm512_storeu_ps(ci, _mm512_add_ps(_mm512_loadu_ps(ci), acc[i][v]));
            }
    } else {
        const __m512 bb = _mm512_set1_ps(beta);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) {
                float* ci = c + i * ldc + 16 * v;
                _mm512_storeu_ps(ci, _mm512_fmadd_ps(bb, _mm512_loadu_ps(ci), acc[i][v]));
            }
    }
}

// ---------------------------------------------------------------------------------------------
// AVX2+FMA: MR rows × (8·NV) columns in ymm registers (16 architectural registers).
template <int MR, int NV>
N2D_TARGET_AVX2 void kernel_avx2(std::size_t k, const float* a, const float* b, std::size_t ldb, float* c,
                                 std::size_t ldc, float beta) {
    __m256 acc[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_ps();
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);

    for (std::size_t p = 0; p < k; ++p) {
        __m256 bv[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const __m256 ai = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
        }
        a += MR;
        b += ldb;
    }

    if (beta == 0.0f) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) _mm256_storeu_ps(c + i * ldc + 8 * v, acc[i][v]);
    } else if (beta == 1.0f) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) {
                float* ci = c + i * ldc + 8 * v;
                _mm256_storeu_ps(ci, _mm256_add_ps(_mm256_loadu_ps(ci), acc[i][v]));
            }
    } else {
        const __m256 bb = _mm256_set1_ps(beta);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) {
                float* ci = c + i * ldc + 8 * v;
                _mm256_storeu_ps(ci, _mm256_fmadd_ps(bb, _mm256_loadu_ps(ci), acc[i][v]));
            }
    }
}

// ---------------------------------------------------------------------------------------------
// Transposing packers: dst[p * W + r] = scale * src[r * ld + p] for rows r < `rows` (zero-filled up
// to W, a multiple of 8) and p < k, by 8×8 register transposes of full 8-row groups.
N2D_TARGET_AVX2 inline void transpose8x8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

template <int W>
N2D_TARGET_AVX2 void pack_transpose(std::size_t rows, std::size_t k, float scale, const float* src, std::size_t ld,
                                    float* dst) {
    const __m256 sv = _mm256_set1_ps(scale);
    for (std::size_t g = 0; g < static_cast<std::size_t>(W); g += 8) {
        const float* s = src + g * ld;
        float* d = dst + g;
        if (g + 8 <= rows) {
            std::size_t p = 0;
            for (; p + 8 <= k; p += 8) {
                __m256 r[8];
#pragma GCC unroll 8
                for (int q = 0; q < 8; ++q) r[q] = _mm256_loadu_ps(s + q * ld + p);
                transpose8x8(r);
#pragma GCC unroll 8
                for (int q = 0; q < 8; ++q) _mm256_storeu_ps(d + (p + q) * W, _mm256_mul_ps(r[q], sv));
            }
            for (; p < k; ++p)
                for (std::size_t q = 0; q < 8; ++q) d[p * W + q] = scale * s[q * ld + p];
        } else {
            const std::size_t have = rows > g ? rows - g : 0;
            for (std::size_t p = 0; p < k; ++p)
                for (std::size_t q = 0; q < 8; ++q) d[p * W + q] = q < have ? scale * s[q * ld + p] : 0.0f;
        }
    }
}

// The AVX2 kernel's 6-row A panels: rows 6 and 7 of each 8×8 transpose repeat row 0. Each
// transposed column is stored as 8 floats in increasing p, so its 2 extra lanes land on the next
// column's slots and are overwritten by it; only the panel's very last column is stored masked
// (masked stores are slow on AMD, so they are kept out of the loop body).
N2D_TARGET_AVX2 void pack_a_n6(std::size_t rows, std::size_t k, float alpha, const float* a, std::size_t lda,
                               float* dst) {
    if (rows < 6) {
        for (std::size_t p = 0; p < k; ++p)
            for (std::size_t i = 0; i < 6; ++i) dst[p * 6 + i] = i < rows ? alpha * a[i * lda + p] : 0.0f;
        return;
    }
    const __m256 av = _mm256_set1_ps(alpha);
    const __m256i six = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
    std::size_t p = 0;
    for (; p + 8 <= k; p += 8) {
        __m256 r[8];
#pragma GCC unroll 6
        for (int q = 0; q < 6; ++q) r[q] = _mm256_loadu_ps(a + q * lda + p);
        r[6] = r[0];
        r[7] = r[0];
        transpose8x8(r);
#pragma GCC unroll 7
        for (int q = 0; q < 7; ++q) _mm256_storeu_ps(dst + (p + q) * 6, _mm256_mul_ps(r[q], av));
        if (p + 8 < k) _mm256_storeu_ps(dst + (p + 7) * 6, _mm256_mul_ps(r[7], av));
        else _mm256_maskstore_ps(dst + (p + 7) * 6, six, _mm256_mul_ps(r[7], av));
    }
    for (; p < k; ++p)
        for (std::size_t i = 0; i < 6; ++i) dst[p * 6 + i] = alpha * a[i * lda + p];
}

template <int W>
N2D_TARGET_AVX2 void pack_a_n(std::size_t rows, std::size_t k, float alpha, const float* a, std::size_t lda,
                              float* dst) {
    pack_transpose<W>(rows, k, alpha, a, lda, dst);
}
template <int W>
N2D_TARGET_AVX2 void pack_b_t(std::size_t cols, std::size_t k, const float* b, std::size_t ldb, float* dst) {
    pack_transpose<W>(cols, k, 1.0f, b, ldb, dst);
}

// Row copies with AVX-512 masks: one masked load and store per 16 floats, whatever `cols` is.
N2D_TARGET_AVX512 void pack_rows_avx512(std::size_t cols, std::size_t width, std::size_t k, float scale,
                                        const float* src, std::size_t ld, float* dst) {
    const __m512 sv = _mm512_set1_ps(scale);
    for (std::size_t j = 0; j < width; j += 16) {
        const std::size_t w = width - j < 16 ? width - j : 16;
        const std::size_t c = cols > j ? (cols - j < 16 ? cols - j : 16) : 0;
        const __mmask16 load_mask = static_cast<__mmask16>((1u << c) - 1u);
        const __mmask16 store_mask = static_cast<__mmask16>((1u << w) - 1u);
        const float* s = src + j;
        float* d = dst + j;
        for (std::size_t p = 0; p < k; ++p, s += ld, d += width)
            _mm512_mask_storeu_ps(d, store_mask, _mm512_mul_ps(_mm512_maskz_loadu_ps(load_mask, s), sv));
    }
}

}  // namespace

// Tile shapes chosen by measurement on Zen 4 (AVX-512 executes as two 256-bit halves there):
// 8×32 (16 zmm accumulators) matched the best of 6×64, 10×32 and 16×16 and beat 12×32 and 14×32
// by about 10% on the autoencoder shapes; m = 256 and the layer widths are multiples of 8. AVX2 keeps the classic 6×16
// (12 of the 16 ymm registers as accumulators).
namespace {
constexpr GemmKernel kAvx2Tile{6, 16, kernel_avx2<6, 2>, pack_a_n6, pack_b_t<16>, nullptr};
}  // namespace

constinit const GemmKernels avx2_gemm{kAvx2Tile, kAvx2Tile};
constinit const GemmKernels avx512_gemm{{8, 32, kernel_avx512<8, 2>, pack_a_n<8>, pack_b_t<32>, pack_rows_avx512},
                                        {6, 16, kernel_avx2<6, 2>, pack_a_n6, pack_b_t<16>, pack_rows_avx512}};

}  // namespace n2d::gemm_detail

#endif  // N2D_ARCH_X86_64
