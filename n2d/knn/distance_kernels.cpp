// Reduced-distance kernels for the kNN builders, per SIMD target (run-time dispatch through
// distance_kernels(kernel, target)). Rows are zero-padded to a multiple of 8 floats, so the
// vector loops have no tail. The "many" forms compare one row against several at once (four
// per pass) so the shared row is loaded once per four distances.
#include <cmath>
#include <cstddef>

#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/knn/detail/metric.hpp"

#if defined(N2D_ARCH_X86_64)
#include <immintrin.h>
#elif defined(N2D_ARCH_AARCH64)
#include <arm_neon.h>
#endif

namespace n2d::inline v0::knn_detail {

namespace scalar {
float sqeuclidean(const float* a, const float* b, std::size_t dim, float) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}
float manhattan(const float* a, const float* b, std::size_t dim, float) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) s += std::fabs(a[i] - b[i]);
    return s;
}
float chebyshev(const float* a, const float* b, std::size_t dim, float) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) s = std::fmax(s, std::fabs(a[i] - b[i]));
    return s;
}
float minkowski(const float* a, const float* b, std::size_t dim, float p) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) s += std::pow(std::fabs(a[i] - b[i]), p);
    return s;
}
// The "many" form of a one-pair kernel (every target's manhattan, chebyshev, minkowski).
template <DistanceFn F>
void many(const float* a, const float* const* bs, std::size_t count, std::size_t dim, float p, float* out) {
    for (std::size_t i = 0; i < count; ++i) out[i] = F(a, bs[i], dim, p);
}
}  // namespace scalar

#if defined(N2D_ARCH_X86_64)
namespace avx2 {
N2D_TARGET_AVX2 inline float hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}
N2D_TARGET_AVX2 inline float hmax(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_max_ps(lo, hi);
    lo = _mm_max_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_max_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}
N2D_TARGET_AVX2 void sqeuclidean_many(const float* a, const float* const* bs, std::size_t count, std::size_t dim,
                                      float p, float* out) {
    std::size_t j = 0;
    for (; j + 4 <= count; j += 4) {
        const float *b0 = bs[j], *b1 = bs[j + 1], *b2 = bs[j + 2], *b3 = bs[j + 3];
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        for (std::size_t i = 0; i < dim; i += 8) {
            const __m256 x = _mm256_loadu_ps(a + i);
            __m256 d0 = _mm256_sub_ps(x, _mm256_loadu_ps(b0 + i));
            __m256 d1 = _mm256_sub_ps(x, _mm256_loadu_ps(b1 + i));
            __m256 d2 = _mm256_sub_ps(x, _mm256_loadu_ps(b2 + i));
            __m256 d3 = _mm256_sub_ps(x, _mm256_loadu_ps(b3 + i));
            s0 = _mm256_fmadd_ps(d0, d0, s0);
            s1 = _mm256_fmadd_ps(d1, d1, s1);
            s2 = _mm256_fmadd_ps(d2, d2, s2);
            s3 = _mm256_fmadd_ps(d3, d3, s3);
        }
        out[j] = hsum(s0);
        out[j + 1] = hsum(s1);
        out[j + 2] = hsum(s2);
        out[j + 3] = hsum(s3);
    }
    // Same single-accumulator order as the 4-way loop, so a distance never depends on the batch.
    for (; j < count; ++j) {
        __m256 s0 = _mm256_setzero_ps();
        for (std::size_t i = 0; i < dim; i += 8) {
            __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(bs[j] + i));
            s0 = _mm256_fmadd_ps(d0, d0, s0);
        }
        out[j] = hsum(s0);
    }
    (void)p;
}
N2D_TARGET_AVX2 float sqeuclidean_one(const float* a, const float* b, std::size_t dim, float p) {
    float out;
    sqeuclidean_many(a, &b, 1, dim, p, &out);
    return out;
}
N2D_TARGET_AVX2 float manhattan(const float* a, const float* b, std::size_t dim, float) {
    const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 s = _mm256_setzero_ps();
    for (std::size_t i = 0; i < dim; i += 8)
        s = _mm256_add_ps(s, _mm256_and_ps(mask, _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i))));
    return hsum(s);
}
N2D_TARGET_AVX2 float chebyshev(const float* a, const float* b, std::size_t dim, float) {
    const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 s = _mm256_setzero_ps();
    for (std::size_t i = 0; i < dim; i += 8)
        s = _mm256_max_ps(s, _mm256_and_ps(mask, _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i))));
    return hmax(s);
}
}  // namespace avx2

namespace avx512 {
// Horizontal sum of a 16-lane and an 8-lane accumulator through memory (GCC 12's 512-bit
// reduce/zero-extend intrinsics trip -Wmaybe-uninitialized).
N2D_TARGET_AVX512 inline float hsum(__m512 v, __m256 tail) {
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    return avx2::hsum(_mm256_add_ps(_mm256_add_ps(_mm256_load_ps(t), _mm256_load_ps(t + 8)), tail));
}
// 16-wide main loop plus one 8-wide step (rows are padded to 8, not 16).
N2D_TARGET_AVX512 void sqeuclidean_many(const float* a, const float* const* bs, std::size_t count, std::size_t dim,
                                        float, float* out) {
    const std::size_t d16 = dim / 16 * 16;
    const bool tail = d16 < dim;
    std::size_t j = 0;
    for (; j + 4 <= count; j += 4) {
        const float *b0 = bs[j], *b1 = bs[j + 1], *b2 = bs[j + 2], *b3 = bs[j + 3];
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
        for (std::size_t i = 0; i < d16; i += 16) {
            const __m512 x = _mm512_loadu_ps(a + i);
            __m512 d0 = _mm512_sub_ps(x, _mm512_loadu_ps(b0 + i));
            __m512 d1 = _mm512_sub_ps(x, _mm512_loadu_ps(b1 + i));
            __m512 d2 = _mm512_sub_ps(x, _mm512_loadu_ps(b2 + i));
            __m512 d3 = _mm512_sub_ps(x, _mm512_loadu_ps(b3 + i));
            s0 = _mm512_fmadd_ps(d0, d0, s0);
            s1 = _mm512_fmadd_ps(d1, d1, s1);
            s2 = _mm512_fmadd_ps(d2, d2, s2);
            s3 = _mm512_fmadd_ps(d3, d3, s3);
        }
        __m256 t0 = _mm256_setzero_ps(), t1 = _mm256_setzero_ps(), t2 = _mm256_setzero_ps(), t3 = _mm256_setzero_ps();
        if (tail) {
            const __m256 x = _mm256_loadu_ps(a + d16);
            __m256 d0 = _mm256_sub_ps(x, _mm256_loadu_ps(b0 + d16));
            __m256 d1 = _mm256_sub_ps(x, _mm256_loadu_ps(b1 + d16));
            __m256 d2 = _mm256_sub_ps(x, _mm256_loadu_ps(b2 + d16));
            __m256 d3 = _mm256_sub_ps(x, _mm256_loadu_ps(b3 + d16));
            t0 = _mm256_mul_ps(d0, d0);
            t1 = _mm256_mul_ps(d1, d1);
            t2 = _mm256_mul_ps(d2, d2);
            t3 = _mm256_mul_ps(d3, d3);
        }
        out[j] = hsum(s0, t0);
        out[j + 1] = hsum(s1, t1);
        out[j + 2] = hsum(s2, t2);
        out[j + 3] = hsum(s3, t3);
    }
    for (; j < count; ++j) {
        __m512 s0 = _mm512_setzero_ps();
        for (std::size_t i = 0; i < d16; i += 16) {
            __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(bs[j] + i));
            s0 = _mm512_fmadd_ps(d0, d0, s0);
        }
        __m256 t0 = _mm256_setzero_ps();
        if (tail) {
            __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + d16), _mm256_loadu_ps(bs[j] + d16));
            t0 = _mm256_mul_ps(d0, d0);
        }
        out[j] = hsum(s0, t0);
    }
}
N2D_TARGET_AVX512 float sqeuclidean_one(const float* a, const float* b, std::size_t dim, float p) {
    float out;
    sqeuclidean_many(a, &b, 1, dim, p, &out);
    return out;
}
}  // namespace avx512
#elif defined(N2D_ARCH_AARCH64)
namespace neon {
// R rows against `a`, 8 floats per step in two accumulators per row; the 4-row batches and the
// single rows share this order, so a distance never depends on the batch.
template <int R>
inline void sqeuclidean_rows(const float* a, const float* const* bs, std::size_t dim, float* out) {
    float32x4_t lo[R], hi[R];
    for (int r = 0; r < R; ++r) lo[r] = hi[r] = vdupq_n_f32(0.0f);
    for (std::size_t i = 0; i < dim; i += 8) {
        const float32x4_t x0 = vld1q_f32(a + i), x1 = vld1q_f32(a + i + 4);
        for (int r = 0; r < R; ++r) {
            const float32x4_t d0 = vsubq_f32(x0, vld1q_f32(bs[r] + i)), d1 = vsubq_f32(x1, vld1q_f32(bs[r] + i + 4));
            lo[r] = vfmaq_f32(lo[r], d0, d0);
            hi[r] = vfmaq_f32(hi[r], d1, d1);
        }
    }
    for (int r = 0; r < R; ++r) out[r] = vaddvq_f32(vaddq_f32(lo[r], hi[r]));
}
void sqeuclidean_many(const float* a, const float* const* bs, std::size_t count, std::size_t dim, float,
                      float* out) {
    std::size_t j = 0;
    for (; j + 4 <= count; j += 4) sqeuclidean_rows<4>(a, bs + j, dim, out + j);
    for (; j < count; ++j) sqeuclidean_rows<1>(a, bs + j, dim, out + j);
}
float sqeuclidean_one(const float* a, const float* b, std::size_t dim, float) {
    float out;
    sqeuclidean_rows<1>(a, &b, dim, &out);
    return out;
}
// |a − b| by vabdq (one rounding, as fabs(a − b)).
float manhattan(const float* a, const float* b, std::size_t dim, float) {
    float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0;
    for (std::size_t i = 0; i < dim; i += 8) {
        s0 = vaddq_f32(s0, vabdq_f32(vld1q_f32(a + i), vld1q_f32(b + i)));
        s1 = vaddq_f32(s1, vabdq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4)));
    }
    return vaddvq_f32(vaddq_f32(s0, s1));
}
float chebyshev(const float* a, const float* b, std::size_t dim, float) {
    float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0;
    for (std::size_t i = 0; i < dim; i += 8) {
        s0 = vmaxq_f32(s0, vabdq_f32(vld1q_f32(a + i), vld1q_f32(b + i)));
        s1 = vmaxq_f32(s1, vabdq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4)));
    }
    return vmaxvq_f32(vmaxq_f32(s0, s1));
}
}  // namespace neon
#endif

// One table per target: the kernels in Kernel order. Minkowski stays scalar everywhere (std::pow).
struct DistanceTable {
    DistanceKernels by_kernel[4];
};
constexpr DistanceKernels kScalarMinkowski{scalar::minkowski, scalar::many<scalar::minkowski>};
constexpr DistanceTable kScalarTable{{{scalar::sqeuclidean, scalar::many<scalar::sqeuclidean>},
                                      {scalar::manhattan, scalar::many<scalar::manhattan>},
                                      {scalar::chebyshev, scalar::many<scalar::chebyshev>},
                                      kScalarMinkowski}};
#if defined(N2D_ARCH_X86_64)
constexpr DistanceTable kAvx2Table{{{avx2::sqeuclidean_one, avx2::sqeuclidean_many},
                                    {avx2::manhattan, scalar::many<avx2::manhattan>},
                                    {avx2::chebyshev, scalar::many<avx2::chebyshev>},
                                    kScalarMinkowski}};
constexpr DistanceTable kAvx512Table{{{avx512::sqeuclidean_one, avx512::sqeuclidean_many},
                                      {avx2::manhattan, scalar::many<avx2::manhattan>},
                                      {avx2::chebyshev, scalar::many<avx2::chebyshev>},
                                      kScalarMinkowski}};
#elif defined(N2D_ARCH_AARCH64)
constexpr DistanceTable kNeonTable{{{neon::sqeuclidean_one, neon::sqeuclidean_many},
                                    {neon::manhattan, scalar::many<neon::manhattan>},
                                    {neon::chebyshev, scalar::many<neon::chebyshev>},
                                    kScalarMinkowski}};
#endif

const DistanceKernels& distance_kernels(Kernel kernel, SimdTarget target) {
    static constexpr simd_detail::KernelTables<DistanceTable> tables{
        &kScalarTable, N2D_IF_X86_64(&kAvx2Table), N2D_IF_X86_64(&kAvx512Table), N2D_IF_AARCH64(&kNeonTable)};
    return simd_detail::pick_kernels(tables, target, "kNN distances").by_kernel[static_cast<std::size_t>(kernel)];
}

}  // namespace n2d::knn_detail
