// Reduced-distance kernels for the kNN builders, per SIMD target (run-time dispatch through
// distance_kernels(kernel, target)). Rows are zero-padded to a multiple of 8 floats, so the
// vector loops have no tail. The "many" forms compare one row against several at once (four
// per pass) so the shared row is loaded once per four distances.
#include <cmath>
#include <cstddef>

#include "n2d/knn/detail/metric.hpp"

#if defined(__x86_64__) || defined(__i386__)
#define N2D_KNN_X86 1
#include <immintrin.h>
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
template <DistanceFn F>
void many(const float* a, const float* const* bs, std::size_t count, std::size_t dim, float p, float* out) {
    for (std::size_t i = 0; i < count; ++i) out[i] = F(a, bs[i], dim, p);
}
}  // namespace scalar

#if defined(N2D_KNN_X86)
namespace avx2 {
__attribute__((target("avx2,fma"))) inline float hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}
__attribute__((target("avx2,fma"))) inline float hmax(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_max_ps(lo, hi);
    lo = _mm_max_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_max_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}
__attribute__((target("avx2,fma"))) void sqeuclidean_many(const float* a, const float* const* bs, std::size_t count,
                                                          std::size_t dim, float p, float* out) {
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
__attribute__((target("avx2,fma"))) float sqeuclidean_one(const float* a, const float* b, std::size_t dim, float p) {
    float out;
    sqeuclidean_many(a, &b, 1, dim, p, &out);
    return out;
}
__attribute__((target("avx2,fma"))) float manhattan(const float* a, const float* b, std::size_t dim, float) {
    const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 s = _mm256_setzero_ps();
    for (std::size_t i = 0; i < dim; i += 8)
        s = _mm256_add_ps(s, _mm256_and_ps(mask, _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i))));
    return hsum(s);
}
__attribute__((target("avx2,fma"))) float chebyshev(const float* a, const float* b, std::size_t dim, float) {
    const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 s = _mm256_setzero_ps();
    for (std::size_t i = 0; i < dim; i += 8)
        s = _mm256_max_ps(s, _mm256_and_ps(mask, _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i))));
    return hmax(s);
}
__attribute__((target("avx2,fma"))) void manhattan_many(const float* a, const float* const* bs, std::size_t count,
                                                        std::size_t dim, float p, float* out) {
    for (std::size_t j = 0; j < count; ++j) out[j] = manhattan(a, bs[j], dim, p);
}
__attribute__((target("avx2,fma"))) void chebyshev_many(const float* a, const float* const* bs, std::size_t count,
                                                        std::size_t dim, float p, float* out) {
    for (std::size_t j = 0; j < count; ++j) out[j] = chebyshev(a, bs[j], dim, p);
}
}  // namespace avx2

namespace avx512 {
// Horizontal sum of a 16-lane and an 8-lane accumulator through memory (GCC 12's 512-bit
// reduce/zero-extend intrinsics trip -Wmaybe-uninitialized).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) inline float hsum(__m512 v, __m256 tail) {
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    return avx2::hsum(_mm256_add_ps(_mm256_add_ps(_mm256_load_ps(t), _mm256_load_ps(t + 8)), tail));
}
// 16-wide main loop plus one 8-wide step (rows are padded to 8, not 16).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) void sqeuclidean_many(
    const float* a, const float* const* bs, std::size_t count, std::size_t dim, float, float* out) {
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
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) float sqeuclidean_one(const float* a,
                                                                                              const float* b,
                                                                                              std::size_t dim, float p) {
    float out;
    sqeuclidean_many(a, &b, 1, dim, p, &out);
    return out;
}
}  // namespace avx512
#endif

const DistanceKernels& distance_kernels(Kernel kernel, SimdTarget target) {
    static const DistanceKernels scalar_table[4] = {
        {scalar::sqeuclidean, scalar::many<scalar::sqeuclidean>},
        {scalar::manhattan, scalar::many<scalar::manhattan>},
        {scalar::chebyshev, scalar::many<scalar::chebyshev>},
        {scalar::minkowski, scalar::many<scalar::minkowski>},
    };
    const auto k = static_cast<std::size_t>(kernel);
#if defined(N2D_KNN_X86)
    static const DistanceKernels avx2_table[4] = {
        {avx2::sqeuclidean_one, avx2::sqeuclidean_many},
        {avx2::manhattan, avx2::manhattan_many},
        {avx2::chebyshev, avx2::chebyshev_many},
        {scalar::minkowski, scalar::many<scalar::minkowski>},
    };
    static const DistanceKernels avx512_table[4] = {
        {avx512::sqeuclidean_one, avx512::sqeuclidean_many},
        {avx2::manhattan, avx2::manhattan_many},
        {avx2::chebyshev, avx2::chebyshev_many},
        {scalar::minkowski, scalar::many<scalar::minkowski>},
    };
    if (target == SimdTarget::avx512) return avx512_table[k];
    if (target == SimdTarget::avx2) return avx2_table[k];
#endif
    (void)target;
    return scalar_table[k];
}

}  // namespace n2d::knn_detail
